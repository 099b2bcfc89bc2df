"""Reconciling two coders: consensus layer, reconciliation sheet, decisions imported back."""

from __future__ import annotations

import openpyxl
import pytest

from mio_qual.coding.model import Coding
from mio_qual.errors import InputError

from helpers.coding import make_project


@pytest.fixture()
def coded(tmp_path):
    project = make_project(tmp_path)
    assert len(project.text("T01")) > 230

    def layer(coder, rows):
        project.write_codings([Coding("T01", s, e, c, coder) for s, e, c in rows], coder=coder)

    layer("ann", [(10, 50, "IS.J2"), (100, 120, "MIO.REC"), (150, 160, "IS.A3"), (200, 210, "IS.D2"),
                  (205, 215, "IS.D2")])
    layer("bob", [(12, 55, "IS.J2"), (105, 130, "IND.A"), (150, 200, "IS.A3"), (201, 214, "IS.D2")])
    yield project
    project.close()


def _consensus(project):
    frame = project.codings(coder="consensus")
    return sorted((int(r.start), int(r.end), r.code) for r in frame.itertuples())


def test_agreed_codings_form_the_consensus_layer(coded, tmp_path):
    result = coded.reconcile(coders=("ann", "bob"), out=tmp_path / "rec")
    # IS.J2: 38 shared of 45 covered (0.84); IS.D2: ann's two codings merge to 200-215, 13 of 15 shared
    assert _consensus(coded) == [(10, 55, "IS.J2"), (200, 215, "IS.D2")]
    assert set(coded.codings(coder="consensus")["origin"]) == {"consensus"}
    assert len(coded.codings(coder="ann")) == 5 and len(coded.codings(coder="bob")) == 4  # untouched
    rows = [(r.id, r.start, r.end, [c for c, *_ in r.a], [c for c, *_ in r.b]) for r in result.rows]
    assert rows == [("D0001", 100, 130, ["MIO.REC"], ["IND.A"]),
                    ("D0002", 150, 200, ["IS.A3"], ["IS.A3"])]  # 10 of 50 shared: boundaries differ
    assert "boundaries differ" in result.rows[1].note and "20%" in result.rows[1].note
    # running it again replaces its own output, never duplicates
    coded.reconcile(coders=("ann", "bob"))
    assert len(_consensus(coded)) == 2


def test_sheet_round_trip_adds_decisions(coded, tmp_path):
    text = coded.text("T01")
    result = coded.reconcile(coders=("ann", "bob"), out=tmp_path / "rec")
    xlsx = result.files[0]
    assert xlsx.name == "reconcile_ann_bob.xlsx" and result.files[1].suffix == ".docx"
    book = openpyxl.load_workbook(xlsx)
    sheet = book["decisions"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["id", "transcript", "turn", "text", "coder A codes", "coder B codes", "decision", "note"]
    assert [c.value for c in sheet[2]][:6] == ["D0001", "T01", "T01:t2", text[100:130], "MIO.REC", "IND.A"]
    sheet["G2"] = "keep B"
    sheet["G3"] = "code: IS.A3; supervision"
    book.save(xlsx)
    done = coded.import_decisions(xlsx)
    assert (done.decided, done.undecided, done.inserted) == (2, 0, 3)
    assert _consensus(coded) == [(10, 55, "IS.J2"), (105, 130, "IND.A"), (150, 200, "IS.A3"),
                                 (150, 200, "MIO.SUPV"), (200, 215, "IS.D2")]
    # deciding differently and importing again replaces the earlier decisions
    sheet["G2"] = "both"
    sheet["G3"] = None
    book.save(xlsx)
    again = coded.import_coding_sheets([xlsx])  # what `coding import` does with a reconciliation sheet
    assert again.decisions[0].undecided == 1
    assert _consensus(coded) == [(10, 55, "IS.J2"), (100, 120, "MIO.REC"), (105, 130, "IND.A"), (200, 215, "IS.D2")]


def test_bad_decisions_are_listed_with_row_and_column(coded, tmp_path):
    result = coded.reconcile(coders=("ann", "bob"), out=tmp_path / "rec")
    book = openpyxl.load_workbook(result.files[0])
    sheet = book["decisions"]
    sheet["G2"] = "maybe"
    sheet["G3"] = "code: IS.J9"
    book.save(result.files[0])
    before = _consensus(coded)
    with pytest.raises(InputError) as info:
        coded.import_decisions(result.files[0])
    assert [d.split(":")[0] for d in info.value.details] == [
        "reconcile_ann_bob.xlsx, sheet 'decisions', row 2, column G 'decision'",
        "reconcile_ann_bob.xlsx, sheet 'decisions', row 3, column G 'decision'"]
    assert _consensus(coded) == before


def test_output_is_deterministic(coded, tmp_path):
    first = coded.reconcile(coders=("ann", "bob"), out=tmp_path / "one")
    second = coded.reconcile(coders=("ann", "bob"), out=tmp_path / "two")

    def cells(path):
        book = openpyxl.load_workbook(path)
        return [[c.value for c in row] for ws in book.worksheets for row in ws.iter_rows()]

    assert cells(first.files[0]) == cells(second.files[0])


def test_sentence_unit(coded):
    sentences = coded.sentences("T01")
    result = coded.reconcile(coders=("ann", "bob"), unit="sentence", write=False)
    for coding in result.agreed:
        row = sentences[(sentences["start"] == coding.start) & (sentences["end"] == coding.end)]
        assert len(row) == 1  # consensus codings are whole sentences
    assert {c.code for c in result.agreed} >= {"IS.J2", "IS.D2"}


def test_reconcile_refuses_bad_arguments(coded):
    with pytest.raises(InputError, match="two different coders"):
        coded.reconcile(coders=("ann", "ann"))
    with pytest.raises(InputError, match="no coder .zed. in this project"):
        coded.reconcile(coders=("ann", "zed"))
    with pytest.raises(InputError, match="cannot be coder"):
        coded.reconcile(coders=("ann", "bob"), into="ann")
    with pytest.raises(InputError, match="a list of two layer names, not one string"):
        coded.reconcile(coders="ab")  # a string of two letters is not coders 'a' and 'b'


def test_a_transcript_one_coder_left_empty_says_so(tmp_path):
    """Coder B never coded T02 (not given it, or not yet): its rows said only 'only A', read as B's disagreement
    in a reconciliation meeting (new-user walk); they now say B coded nothing there."""
    project = make_project(tmp_path)
    second = tmp_path / "T02.txt"
    second.write_text(project.text("T01"), encoding="utf-8")
    project.import_transcripts([second])
    project.write_codings([Coding("T01", 10, 50, "IS.J2", "ann"), Coding("T02", 10, 50, "IS.J2", "ann")], coder="ann")
    project.write_codings([Coding("T01", 12, 55, "IS.J2", "bob")], coder="bob")
    # bob was neither given T02 nor coded in it: under agreement's seen rule he did not see it, so its codings are
    # set aside rather than listed as his disagreement (new-user walk: SP-C01 rows on the sheet of a coder who never had it)
    result = project.reconcile(coders=("ann", "bob"))
    assert result.rows == [] and result.not_seen == {"bob": ["T02"]}
    set_aside = " ".join(project.agreement(["ann", "bob"], unit="sentence").attrs["set_aside"])
    assert "transcript(s) bob did not see under the seen rule (T02" in set_aside  # agreement says the same
    # assigned to bob (given, returned with nothing coded): a disagreement of omission, said so
    project.assign("bob", ["T02"])
    result = project.reconcile(coders=("ann", "bob"))
    assert result.not_seen == {}
    assert [(r.transcript_id, r.note) for r in result.rows] == [("T02", "IS.J2: only A (bob coded nothing in T02)")]
    project.close()


def test_several_sheets_of_a_pair_all_count_and_the_latest_decision_of_a_passage_stands(coded, tmp_path):
    # The methods counted the latest sheet only; the layer kept every sheet's codings of a passage decided twice.
    # Hand-built: three copies of the pair's sheet (D0001: 100-130 MIO.REC vs IND.A; D0002: 150-200 IS.A3 both).
    from mio_qual.reports.methods import describe_reconciliation, sheet_decisions

    written = coded.reconcile(coders=("ann", "bob"), out=tmp_path / "rec").files[0]
    agreed = [(10, 55, "IS.J2"), (200, 215, "IS.D2")]

    def sheet(name, d0001, d0002):
        book = openpyxl.load_workbook(written)
        book["decisions"]["G2"], book["decisions"]["G3"] = d0001, d0002
        book.save(tmp_path / name)
        return tmp_path / name

    first = sheet("round1.xlsx", "keep A", None)
    second = sheet("round2.xlsx", "keep B", None)       # the second meeting changes its mind on D0001
    third = sheet("round3.xlsx", None, "keep A")        # and a third decides D0002 only
    assert coded.import_decisions(first).decided == 1
    assert _consensus(coded) == sorted(agreed + [(100, 120, "MIO.REC")])
    done = coded.import_decisions(second)
    assert (done.decided, done.undecided, done.inserted, done.removed) == (1, 1, 1, 1)  # round1's MIO.REC out
    assert _consensus(coded) == sorted(agreed + [(105, 130, "IND.A")])
    coded.import_decisions(third)  # leaving D0001 blank keeps round2's decision
    assert _consensus(coded) == sorted(agreed + [(105, 130, "IND.A"), (150, 160, "IS.A3")])
    counted = sheet_decisions(coded.project_facts().decisions)
    assert (counted["decided"], counted["undecided"]) == (2, 0)  # the latest sheet alone says 1 and 1
    assert counted["sheets"] == ["round1.xlsx", "round2.xlsx", "round3.xlsx"]
    text = describe_reconciliation(coded.project_facts())[0]
    assert ("Each of the two disagreements listed in the three reconciliation sheets (round1.xlsx, round2.xlsx and"
            " round3.xlsx; a passage on several sheets counts once, decided if any sheet decided it, the latest"
            " decision standing) was decided.") in text
    # importing round1 again makes it the latest decision on D0001
    coded.import_coding_sheets([first])
    assert _consensus(coded) == sorted(agreed + [(100, 120, "MIO.REC"), (150, 160, "IS.A3")])


def test_a_passage_no_sheet_decided_stays_undecided(coded, tmp_path):
    from mio_qual.reports.methods import sheet_decisions

    written = coded.reconcile(coders=("ann", "bob"), out=tmp_path / "rec").files[0]
    for name, cell in (("part1.xlsx", "neither"), ("part2.xlsx", None)):
        book = openpyxl.load_workbook(written)
        book["decisions"]["G2"] = cell
        book.save(tmp_path / name)
        coded.import_decisions(tmp_path / name)
    counted = sheet_decisions(coded.project_facts().decisions)
    assert (counted["decided"], counted["undecided"]) == (1, 1)  # D0001 decided in part1; D0002 on neither


def test_overlap_is_agreements_word_and_min_jaccard_still_works_with_a_warning(coded, tmp_path):
    # reconcile took min_jaccard= (CLI --min-overlap) for what agreement calls overlap= (--overlap): one word now
    from click.testing import CliRunner

    from mio_qual.cli.main import _group

    strict = coded.reconcile(coders=("ann", "bob"), overlap=0.85, write=False)
    with pytest.warns(DeprecationWarning, match=r"reconcile\(min_jaccard=\.\.\.\) is deprecated; write overlap="):
        old = coded.reconcile(coders=("ann", "bob"), min_jaccard=0.85, write=False)
    assert [c.code for c in old.agreed] == [c.code for c in strict.agreed] == ["IS.D2"]  # IS.J2 0.84 < 0.85 <= IS.D2 0.87
    with pytest.raises(InputError, match=r"invalid overlap 1.5 \(overlap= / --overlap takes a number in \(0, 1\]\)"):
        coded.reconcile(coders=("ann", "bob"), overlap=1.5)
    base = ["--project", str(coded.folder), "coding", "reconcile", "--coders", "ann", "bob", "--force"]
    new = CliRunner().invoke(_group, base + ["--out", str(tmp_path / "a"), "--overlap", "0.85"])
    old_cli = CliRunner().invoke(_group, base + ["--out", str(tmp_path / "b"), "--min-overlap", "0.85"])
    assert new.exit_code == old_cli.exit_code == 0, old_cli.output
    assert "1 agreed codings written" in new.output and "1 agreed codings written" in old_cli.output
    assert "--min-overlap is an old name of --overlap" in old_cli.stderr
