"""The toy study of ``helpers.autocode`` holds what the other autocode tests assume."""

from __future__ import annotations

from pathlib import Path

from helpers.autocode import make_project


def test_the_toy_study_has_what_the_other_tests_assume(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    try:
        codings = project.codings()
        ann = codings[codings["coder"] == "ann"]
        bob = codings[codings["coder"] == "bob"]
        assert (ann["code"] == "ZEB").sum() == 24  # 6 transcripts x 4 staff turns
        assert (ann["code"] == "REC").sum() == 12  # 6 x 2 turns with a recording sentence
        assert len(bob) == len(ann)  # one ZEB missed, one REC added
        assert set(project.sentences().query("is_interviewer")["segment_id"]).isdisjoint(
            set(ann["sentence_ids"]))
    finally:
        project.close()
