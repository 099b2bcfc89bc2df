"""Study-code -> CFIR links: reviewed, each with a reason, opt-in, shown apart, never counted twice in a cell."""

from __future__ import annotations

import pandas as pd
import pytest

from mio_qual.codebook import load_codebooks
from mio_qual.errors import InputError
from mio_qual.mixed.constructs import load_constructs
from mio_qual.mixed.evidence import evidence, summarize
from mio_qual.mixed.links import UNREVIEWED, bundled_links, link_table, read_links

# the links the issue named as wrong (issue 13, point 1)
REMOVED = {("MIO.ADAPT", "INN.D"), ("MIO.SUPV", "IND.B"), ("MIO.SUPV", "IND.D"), ("MIO.CW", "OS.E"),
           ("MIO.RF", "INN.F")}


def test_every_codebook_link_is_reviewed_with_a_reason_and_the_named_ones_are_gone() -> None:
    book = load_codebooks(["cfir2", "mio"])
    in_codebook = {(c.id, r) for c in book if c.codebook == "mio" for r in c.refines}
    reviewed = bundled_links()
    in_file = set(zip(reviewed["code"], reviewed["construct"]))
    assert in_codebook == in_file  # the codebook's refines and the reviewed file name the same links
    assert not in_codebook & REMOVED
    assert reviewed["reason"].str.len().min() > 40  # a sentence, not a word
    assert all(k in book for k in reviewed["construct"]) and all(c in book for c in reviewed["code"])
    # one study code's excerpts feed at most two constructs (MIO.CW used to feed three)
    assert reviewed.groupby("code").size().max() <= 2
    table = link_table(load_constructs(["cfir2", "mio"]))
    assert table["reviewed"].all() and set(zip(table["code"], table["construct"])) == in_codebook


def test_unreviewed_links_say_so_and_bad_link_files_fail(tmp_path) -> None:  # type: ignore[no-untyped-def]
    info = load_constructs(["cfir2", "mio"])
    table = link_table(info, reviewed=pd.DataFrame(columns=["code", "construct", "reason", "reviewed"]))
    assert (table["reason"] == UNREVIEWED).all() and not table["reviewed"].any()
    bad = tmp_path / "links.yaml"
    bad.write_text("entries:\n  - code: MIO.SUPV\n    construct: IS.K\n", encoding="utf-8")
    with pytest.raises(InputError, match="entry 1 needs a code, a construct and a reason"):
        read_links(bad)
    bad.write_text("entries:\n  - {code: A, construct: B, reason: r}\n  - {code: A, construct: B, reason: s}\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match="linked twice"):
        read_links(bad)


def _toy():  # type: ignore[no-untyped-def]
    """One clinic, one transcript: IS.K coded at [0, 40); MIO.SUPV at [10, 60) and [70, 100); MIO.TRAIN at [75, 90)."""
    text = ("We get consultation every week and it helps. " * 3)[:120]
    codings = pd.DataFrame({"transcript_id": ["T1"] * 4, "start": [0, 10, 70, 75], "end": [40, 60, 100, 90],
                            "code": ["IS.K", "MIO.SUPV", "MIO.SUPV", "MIO.TRAIN"], "coder": ["a"] * 4,
                            "memo": [None, None, None, None]})
    transcripts = pd.DataFrame({"transcript_id": ["T1"], "clinic": ["north"], "agency": ["river"],
                                "role": ["counselor"]})
    speakers = pd.DataFrame({"transcript_id": ["T1"], "label": ["P1"], "study_id": ["S01"], "role": ["counselor"]})
    turns = pd.DataFrame({"transcript_id": ["T1"], "start": [0], "end": [120], "speaker": ["P1"]})
    return codings, transcripts, speakers, turns, {"T1": text}


def test_links_are_opt_in_and_never_count_an_excerpt_twice_in_a_cell() -> None:
    info = load_constructs(["cfir2", "mio"])
    codings, transcripts, speakers, turns, texts = _toy()
    direct = evidence(codings, transcripts, speakers, turns, texts, info=info)
    # by default: IS.K's own coding only, the study codes stand for themselves
    assert sorted(zip(direct["construct"], direct["via"])) == [("IS.K", False), ("MIO.SUPV", False),
                                                               ("MIO.SUPV", False), ("MIO.TRAIN", False)]
    linked = evidence(codings, transcripts, speakers, turns, texts, info=info, links=link_table(info))
    is_k = linked[linked["construct"] == "IS.K"].sort_values("start")
    # MIO.SUPV [10, 60) overlaps the direct IS.K coding: not counted again; MIO.SUPV [70, 100) and MIO.TRAIN
    # [75, 90) overlap each other: one linked excerpt, both codes named
    assert is_k[["start", "end", "via"]].values.tolist() == [[0, 40, False], [70, 100, True]]
    assert is_k.iloc[1]["code"] == "MIO.SUPV;MIO.TRAIN" and "|" in is_k.iloc[1]["link_reason"]
    counts = summarize(linked).set_index("construct").loc["IS.K"]
    assert (counts["n_excerpts"], counts["n_via"]) == (1, 1)
    assert counts["codes"] == "IS.K x1; via MIO.SUPV;MIO.TRAIN x1"
