"""Review of the agreement units on a project: what counts as a unit of analysis.

Hand-computed on a two-interview project whose interviewer turns nobody coded.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from mio_qual.errors import InputError

from helpers.agreement import make_coded_project


@pytest.fixture()
def project(tmp_path):
    # helpers.agreement's two coders, and an interviewer question coded by ann
    project = make_coded_project(tmp_path, extra={"ann": [("INT02", "Tell me about funding.", "MIO.BILL")]})
    yield project
    project.close()


def _row(table, code):
    return table[(table["code"] == code) & (table["transcript_id"] == "(all)")].iloc[0]


def test_interviewer_turns_are_not_units_by_default(project):
    # participant turns: INT01 t2, t4 and INT02 t2. MIO.SUPV: ann coded t2 of INT01, bob nothing.
    table = project.agreement(["ann", "bob"], unit="turn")
    supv = _row(table, "MIO.SUPV")
    assert supv["n_units"] == 3
    assert supv["percent_agreement"] == pytest.approx(2 / 3)
    # MIO.BILL: both coded INT02's answer; ann's coding of the question is wholly on interviewer speech
    assert _row(table, "MIO.BILL")["percent_agreement"] == 1.0
    set_aside = table.attrs["set_aside"]
    assert set_aside["turns spoken by the interviewer side or before the first turn "
                      "(kept with --include-interviewer, include_interviewer=True)"] == 3
    assert set_aside["codings wholly on interviewer speech or headers (not analysed)"] == 1


def test_include_interviewer_restores_every_segment(project):
    # with the three interviewer turns as units: 6 turns, MIO.SUPV 5 of 6 agree; MIO.BILL: ann coded
    # the question of INT02 and bob did not, so 5 of 6 agree
    table = project.agreement(["ann", "bob"], unit="turn", include_interviewer=True)
    supv = _row(table, "MIO.SUPV")
    assert supv["n_units"] == 6 and supv["percent_agreement"] == pytest.approx(5 / 6)
    assert _row(table, "MIO.BILL")["percent_agreement"] == pytest.approx(5 / 6)
    assert not any("interviewer" in k for k in table.attrs.get("set_aside", {}))


def test_sentence_and_paragraph_units_are_speech_only(project):
    # participant sentences: 5 in INT01, 2 in INT02; interviewer sentences: 3
    sentences = project.agreement(["ann", "bob"], unit="sentence")
    assert _row(sentences, "MIO.SUPV")["n_units"] == 7
    assert _row(project.agreement(["ann", "bob"], unit="sentence", include_interviewer=True), "MIO.SUPV")[
        "n_units"] == 10
    paragraphs = project.agreement(["ann", "bob"], unit="paragraph")
    assert _row(paragraphs, "MIO.SUPV")["n_units"] == 3


def test_disagreements_leave_interviewer_units_out(project):
    frame = project.disagreements(["ann", "bob"], unit="sentence")
    assert "Tell me about funding." not in set(frame["text"])
    shown = project.disagreements(["ann", "bob"], unit="sentence", include_interviewer=True)
    assert "Tell me about funding." in set(shown["text"])


def test_cli_include_interviewer(project):
    from mio_qual.cli.main import _group

    base = ["--project", str(project.folder), "agreement", "--coders", "ann", "bob", "--unit", "turn",
            "--format", "json", "--no-by-transcript"]
    rows = {r["code"]: r for r in json.loads(CliRunner().invoke(_group, base).output)}
    assert rows["MIO.SUPV"]["n_units"] == 3
    result = CliRunner().invoke(_group, base + ["--include-interviewer"])
    assert result.exit_code == 0, result.output
    rows = {r["code"]: r for r in json.loads(result.output)}
    assert rows["MIO.SUPV"]["n_units"] == 6
    assert "--include-interviewer" in CliRunner().invoke(_group, ["agreement", "--help"]).output


def test_turn_units_start_after_the_speaker_label(project):
    # bob coded all of the speech of INT02's answer (not its "R: " label) with IS.J1; ann never used IS.J1.
    # With min_coverage=1 the turn is coded by bob (the whole speech) and not by ann: 2 of 3 turns agree.
    # Counting the label in the unit made bob's coding cover 48 of 51 characters: "not coded" by both.
    from mio_qual.coding.model import Coding

    text = project.text("INT02")
    body = "Billing is the problem. We cannot bill MIO time."
    start = text.index(body)
    project.write_codings([Coding("INT02", start, start + len(body), "IS.J1", "bob")], coder="bob", replace="none")
    table = project.agreement(["ann", "bob"], unit="turn", codes=["IS.J1"], min_coverage=1.0, by_transcript=False)
    row = _row(table, "IS.J1")
    assert row["n_units"] == 3 and row["percent_agreement"] == pytest.approx(2 / 3)
    turns = project.turns("INT02")
    answer = turns[turns["speaker"] == "R"].iloc[0]
    frame = project.disagreements(["ann", "bob"], unit="turn", codes=["IS.J1"], min_coverage=1.0)
    assert list(frame["start"]) == [int(answer["body_start"])]


def test_an_unknown_transcript_is_refused_in_one_line(project):
    # it used to give an empty table from Python and "internal error: KeyError: 'level'" (exit 1) on the CLI
    from mio_qual.cli.main import _group

    with pytest.raises(InputError, match="no transcript 'INT99' in this project"):
        project.agreement(["ann", "bob"], transcripts=["INT01", "INT99"])
    before = (project.folder / "mio-qual.db").read_bytes()
    result = CliRunner().invoke(_group, ["--project", str(project.folder), "agreement", "--coders", "ann", "bob",
                                         "--transcripts", "INT99"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "no transcript 'INT99'" in lines[0] and "internal error" not in lines[0]
    assert (project.folder / "mio-qual.db").read_bytes() == before
    assert project.agreement(["ann", "bob"], transcripts="INT01")["n_units"].max() > 0  # one id as a string


def test_coders_as_one_string_is_refused(project):
    # a string is a sequence: "ann" used to be read as coders 'a', 'n', 'n' ("coder 'a' has no codings")
    with pytest.raises(InputError, match=r"a list of layer names, not one string \('ann'\)"):
        project.agreement(coders="ann")
    with pytest.raises(InputError, match="not one string"):
        project.disagreements(coders="annbob")


def test_the_old_parameter_names_work_for_one_release_with_a_warning(project, tmp_path):
    # agreement's Python names now mirror the CLI's options (--overlap, --boot): the old ones warn, same table
    import warnings

    new = project.agreement(["ann", "bob"], unit="span", overlap=0.5, boot=20)
    with pytest.warns(DeprecationWarning) as caught:
        old = project.agreement(["ann", "bob"], unit="span", span_threshold=0.5, n_boot=20)
    assert old.equals(new)
    assert sorted(str(w.message).split(" instead")[0] for w in caught) == [
        "agreement(n_boot=...) is deprecated; write boot=...",
        "agreement(span_threshold=...) is deprecated; write overlap=..."]
    with pytest.warns(DeprecationWarning, match=r"disagreements\(span_threshold=\.\.\.\) is deprecated"):
        assert project.disagreements(["ann", "bob"], unit="span", span_threshold=0.5).equals(
            project.disagreements(["ann", "bob"], unit="span", overlap=0.5))
    with pytest.warns(DeprecationWarning, match=r"report_agreement\(n_boot=\.\.\.\) is deprecated; write boot="):
        project.report("agreement", tmp_path / "a.docx", n_boot=0, charts=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        project.report("agreement", tmp_path / "b.docx", boot=0, charts=False)
    with pytest.raises(InputError, match="given both boot= and its old name n_boot="):
        project.agreement(["ann", "bob"], boot=10, n_boot=10)


@pytest.mark.parametrize("unit", ["sentence", "turn", "paragraph"])
def test_listed_units_take_their_speakers_from_their_own_rows(project, unit):
    """The store's units come sorted, so a disagreement listing takes each unit's speaker, study id, role (and a
    turn's body start) from the unit's row; the same units as plain text ids in another order are joined on their
    ids: the listings are equal, with names and without."""
    from mio_qual.agreement import project_api
    from mio_qual.agreement.units import segment_disagreement_rows

    inputs = project.agreement_inputs(["ann", "bob"], unit, include_interviewer=True)
    shuffled = inputs.segments.sample(frac=1.0, random_state=3)
    shuffled = shuffled.assign(transcript_id=shuffled["transcript_id"].astype(str))
    plain = project_api.AgreementInputs(inputs.coders, unit, inputs.codings, shuffled, inputs.texts, inputs.coverage,
                                        dict(inputs.set_aside), True, inputs.seen)
    for redactor in (None, project.redactor()):
        listed = project_api.disagreements(inputs, redactor=redactor)
        joined = project_api.disagreements(plain, redactor=redactor)
        assert len(listed) > 0 and "study_id" in listed.columns
        pd.testing.assert_frame_equal(listed, joined)
    for given, positional in ((inputs, True), (plain, False)):   # which way each listing found its units' rows
        frame, rows = segment_disagreement_rows(project_api._reliability(given, None, "all", 0.0, 0.9), given.texts)
        assert (project_api._listed_segments(given.segments, frame, rows) is not None) == positional
