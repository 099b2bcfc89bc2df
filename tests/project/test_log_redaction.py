"""The audit trail passes through the project's one redactor (issue 19): `mio-qual log`, Project.log and
Project.log_records print no roster name, however the name was written into a file name or a detail;
`--show-names` (the coordinator's view) prints the entries as stored."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from helpers.cli import run_captured as run
from mio_qual import Project

TRANSCRIPT = "I: Tell me about the group.\n\nR: José ran it; Gwen helped.\n"
ROSTER = "transcript_id,speaker_label,study_id,role,aliases\n*,I,IV1,interviewer,\n*,R,S02,counselor,Gwen Harlow; Gwen\n" \
         "*,J,S03,counselor,José Núñez; José\n"
NAMES = ["Gwen Harlow", "Gwen", "José Núñez", "José", "Harlow"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Gwen_Harlow_interview.txt").write_text(TRANSCRIPT, encoding="utf-8")
    nfd = unicodedata.normalize("NFD", "José Núñez interview.txt")
    (folder / nfd).write_text(TRANSCRIPT, encoding="utf-8")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    with Project.create(tmp_path / "p") as p:
        p.import_transcripts([folder / "Gwen_Harlow_interview.txt", folder / nfd], roster=folder / "roster.csv")
    return tmp_path / "p"


def _hits(text: str) -> list[str]:
    """Roster names in ``text``, composed or decomposed, any case, with file-name separators read as spaces."""
    import re

    spaced = unicodedata.normalize("NFC", re.sub(r"[_\-.]", " ", text)).casefold()
    escaped = unicodedata.normalize("NFC", json.loads(json.dumps(text))).casefold()
    return [n for n in NAMES for t in (spaced, escaped, text.casefold()) if n.casefold() in t]


def test_project_log_is_redacted_and_show_names_is_the_store(project: Path) -> None:
    with Project.open(project) as p:
        stored = p.log(show_names=True)
        records = p.log_records()
        frame = p.log()
    assert _hits(stored.to_json())  # the check sees names where they are
    assert _hits(json.dumps(records, ensure_ascii=False)) == []
    decoded = [json.loads(r["detail"]) for r in records]  # details stay JSON
    assert _hits(json.dumps(decoded, ensure_ascii=False)) == []
    assert _hits(frame.to_json(force_ascii=False)) == [] and list(frame.columns) == list(stored.columns)
    assert len(frame) == len(stored) and frame["id"].tolist() == stored["id"].tolist()
    assert any("[name]" in str(r["detail"]) or "T0" in str(r["detail"]) for r in records)


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_log_command_redacts_by_default(project: Path, fmt: str) -> None:
    code, shown, err = run(project, "log", "--limit", "0", "--format", fmt)
    assert code == 0, err
    assert _hits(shown) == [] and "T01" in shown and "T02" in shown
    code, full, err = run(project, "log", "--limit", "0", "--format", fmt, "--show-names")
    assert code == 0 and _hits(full), err
