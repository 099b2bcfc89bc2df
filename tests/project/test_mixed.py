"""The evidence a report quotes is read with a fixed number of statements, however many codes and transcripts."""

from __future__ import annotations

import pytest

from mio_qual import Project
from mio_qual.coding.model import Coding
from mio_qual.errors import InputError
from mio_qual.transcripts import read_text

TEXT = ("INTERVIEWER: How does supervision go?\n\n"
        "PARTICIPANT: Every week. We never skip it. The room has a door. Billing is hard.\n\n"
        "INTERVIEWER: And the moms?\n\n"
        "PARTICIPANT: They like the toys. Staff keep leaving, which hurts.\n")


def _project(folder, n_transcripts: int, codes: list[str]) -> Project:  # type: ignore[no-untyped-def]
    project = Project.create(folder)
    project.add_transcripts(read_text(TEXT, transcript_id=f"T{i:02d}") for i in range(n_transcripts))
    sentences = project.segments("sentence", with_text=False)
    for coder in ("a", "b"):
        rows = [Coding(r.transcript_id, int(r.start), int(r.end), codes[k % len(codes)], coder)
                for k, r in enumerate(sentences.itertuples(index=False))]
        project.write_codings(rows, coder=coder)
    return project


def _statements(project: Project) -> tuple[int, int]:
    """SQL statements run by one gathering of the evidence, and the excerpts it found."""
    seen: list[str] = []
    project.store.connection.set_trace_callback(seen.append)
    try:
        frame, _ = project._evidence("transcript", coder=None, info=project.constructs(), links=True)
    finally:
        project.store.connection.set_trace_callback(None)
    return len(seen), len(frame)


def test_evidence_statements_do_not_grow_with_codes_or_transcripts(tmp_path) -> None:
    small = _project(tmp_path / "small", 2, ["IS.J2", "MIO.SUPV"])
    large = _project(tmp_path / "large", 7, ["IS.J2", "MIO.SUPV", "IS.J1", "MIO.BILL", "IN.A1", "OS.D", "C99"])
    few, few_rows = _statements(small)
    many, many_rows = _statements(large)
    assert few_rows and many_rows > few_rows  # both found excerpts, the larger project more
    assert few == many  # one read per input: codings, turns, transcripts, speakers, texts, names ...
    small.close()
    large.close()


def test_options_spelled_as_on_the_command_line_are_one_clear_error(tmp_path) -> None:
    # they used to reach the analysis and fail with Python's TypeError ("unexpected keyword argument")
    project = Project.create(tmp_path / "p")
    with pytest.raises(InputError, match=r"configurations\('qca'\) takes no option 'rule' \(write rules="):
        project.configurations("qca", "fidelity", conditions=["IS.J2"], rule="fidelity >= 3.5")
    with pytest.raises(InputError, match=r"takes no option 'expect' \(write expectations="):
        project.configurations("qca", "fidelity", conditions=["IS.J2"], expect=["IS.J2"])
    with pytest.raises(InputError, match=r"configurations\('cna'\) takes no option 'conn' \(write con;"):
        project.configurations("cna", "fidelity", conditions=["IS.J2"], conn=0.8)
    with pytest.raises(InputError, match=r"given rule= and the rule's own split"):  # the rule's fields make one rule
        project.joint_display("case-ordered", split="halves", rule=object())
    with pytest.raises(InputError, match=r"joint_display\('side-by-side'\) takes no option 'quote' \(write quotes;"):
        project.joint_display("side-by-side", quote=2)


def test_an_unknown_rater_is_refused_with_close_names(tmp_path) -> None:
    # newuser2 A11: ratings(rater="nobody") gave an empty table; rating_agreement compared nothing
    from click.testing import CliRunner
    from helpers.mixed import make_study, write_ratings_csv

    from mio_qual.cli.main import _group

    study = make_study(tmp_path)
    table = {"IS.J2": {"north": "+2", "west": "+1", "east": "0", "south": "-1"}}
    study.import_ratings(write_ratings_csv(tmp_path / "lee.csv", table, "lee: "), "lee")
    study.import_ratings(write_ratings_csv(tmp_path / "kim.csv", table, "kim: "), "kim")
    hint = r"\(did you mean kim\? the raters are kim, lee; see `mio-qual ratings list`\)"
    for call in (lambda: study.ratings(raters="kin"), lambda: study.ratings(raters="lee,kin"),
                 lambda: study.rating_agreement(["lee", "kin"]), lambda: study.construct_matrix(rater="kin"),
                 lambda: study.rating_disagreements(["kin", "lee"]), lambda: study.build_consensus(["lee", "kin"])):
        with pytest.raises(InputError, match=r"no rater 'kin' in this project " + hint):
            call()
    assert set(study.ratings(raters="lee")["rater"]) == {"lee"}
    assert set(study.ratings(raters="lee", by="agency")["rater"]) == set()  # known rater, no agency ratings: empty
    result = CliRunner().invoke(_group, ["--project", str(study.folder), "ratings", "list", "--raters", "kin"])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and "no rater 'kin' in this project" in lines[0], result.output
    study.close()


def test_ratings_filters_are_plural_as_on_the_command_line_and_the_old_names_warn(tmp_path) -> None:
    """ratings(raters=, constructs=, cases=) is `ratings list --raters --constructs --cases` (session 7 left
    `--rater` beside rater=); rater=, construct=, case_id= and --rater, --construct work until 0.2.0 with a warning."""
    from click.testing import CliRunner
    from helpers.mixed import make_study, write_ratings_csv

    from mio_qual.cli.main import _group

    study = make_study(tmp_path)
    table = {"IS.J2": {"north": "+2", "west": "+1", "east": "0", "south": "-1"},
             "IS.B": {"north": "+1", "west": "0", "east": "0", "south": "-1"}}
    study.import_ratings(write_ratings_csv(tmp_path / "lee.csv", table, "lee: "), "lee")
    study.import_ratings(write_ratings_csv(tmp_path / "kim.csv", table, "kim: "), "kim")
    new = study.ratings(raters="lee", constructs="IS.J2", cases=["north", "east"])
    assert (new["rater"].tolist(), new["construct"].tolist(), sorted(new["case_id"])) == (
        ["lee", "lee"], ["IS.J2", "IS.J2"], ["east", "north"])
    with pytest.warns(DeprecationWarning) as caught:
        old = study.ratings(rater="lee", construct="IS.J2", case_id=["north", "east"])
    assert [str(w.message).split(" instead")[0] for w in caught] == [
        "ratings(rater=...) is deprecated; write raters=...", "ratings(construct=...) is deprecated; write constructs=...",
        "ratings(case_id=...) is deprecated; write cases=..."]
    assert old.equals(new)
    base = ["--project", str(study.folder), "ratings", "list", "--format", "csv"]
    shown = CliRunner().invoke(_group, base + ["--raters", "lee", "--constructs", "IS.J2", "--cases", "north", "east"])
    before = CliRunner().invoke(_group, base + ["--rater", "lee", "--construct", "IS.J2", "--cases", "north", "east"])
    assert shown.exit_code == before.exit_code == 0, before.output
    assert shown.stdout == before.stdout and shown.stdout.count("\nlee,") == 2
    assert "--rater is an old name of --raters" in before.stderr and "old name" not in shown.stderr
    study.close()


def test_a_worksheet_with_no_construct_coded_directly_is_refused_naming_what_the_codes_refine(tmp_path) -> None:
    """A team that codes only with its own codes (each refining a CFIR construct) got two empty
    worksheets, '0 rows (0 constructs x 0 clinics)', and exit 0."""
    project = _project(tmp_path / "p", 2, ["MIO.SUPV", "MIO.BILL"])  # refine IS.K and OS.F
    out = tmp_path / "ratings"
    with pytest.raises(InputError) as info:
        project.write_rating_worksheets(out, ["lee", "kim"], by="transcript")
    assert "no CFIR construct is coded directly" in str(info.value)
    assert "the study codes coded refine IS.K, OS.F" in info.value.hint
    assert "--constructs IS.K OS.F --links" in info.value.hint
    assert not out.exists()
    with pytest.raises(InputError, match="none of the constructs or cases named"):
        project.write_rating_worksheets(out, ["lee"], by="transcript", cases=["T99"])
    written = project.write_rating_worksheets(out, ["lee"], by="transcript", constructs=["IS.K"], links=True)
    assert len(written.sheet.rows) == 2 and {p.name for p in written.files} == {"ratings_lee.xlsx", "ratings_lee.docx"}
    project.close()


def test_joint_display_takes_the_rules_options_as_mio_qual_joint_does(tmp_path) -> None:
    """joint_display(criterion=, min_rated=, split= ...) is `mio-qual joint --criterion --min-rated --split ...` (one
    DistinguishRule, as report_joint and report_study take it); rule= and its fields at once are refused."""
    import io

    import pandas as pd
    from click.testing import CliRunner
    from helpers.mixed import make_study, write_fidelity, write_ratings_csv

    from mio_qual.cli.main import _group
    from mio_qual.mixed.joint import DistinguishRule

    study = make_study(tmp_path)  # fidelity: north 4.5, west 4.0 high; east 3.0, south 2.0 low
    study.import_quant(write_fidelity(tmp_path / "fidelity.csv"))
    study.import_ratings(write_ratings_csv(tmp_path / "r.csv", {
        "IS.B": {"north": "+1", "west": "+1", "east": "0", "south": "0"}}), "consensus_team")
    python = study.joint_display("case-ordered", criterion="separation", split="extremes", min_rated=1)
    by_rule = study.joint_display("case-ordered", rule=DistinguishRule(criterion="separation", split="extremes",
                                                                        min_rated=1))
    assert python.frame.equals(by_rule.frame)
    # north (+1) against south (0): separated, the high one positive; one rated clinic a group is enough here
    assert python.frame.set_index("construct").loc["IS.B", ["n_high", "n_low", "distinguishing"]].tolist() == [
        1, 1, "distinguishing"]
    shown = CliRunner().invoke(_group, ["--project", str(study.folder), "joint", "--criterion", "separation", "--split",
                                        "extremes", "--min-rated", "1", "--format", "csv"])
    assert shown.exit_code == 0, shown.output
    cli = pd.read_csv(io.StringIO(shown.stdout), dtype=str, keep_default_na=False)
    assert cli["distinguishing"].tolist() == python.frame["distinguishing"].tolist() == ["", "distinguishing"]
    with pytest.raises(InputError, match="^invalid criterion 'mean' "):  # the rule's words, from either side
        study.joint_display("case-ordered", criterion="mean")
    study.close()
