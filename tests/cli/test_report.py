"""``mio-qual report``, the --redact list, and method paragraphs that claim only what was done."""

from __future__ import annotations

import docx
import pytest

from mio_qual.cli.main import cli
from mio_qual.reports import methods as m
from mio_qual.reports.deidentify import read_redact_file
from helpers.reports import CODING, document_text, leaked, make_study


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    project = make_study(folder)
    yield project
    project.close()


def run(args, capsys):
    try:
        cli(args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_kind_from_the_command_line(tiny, tmp_path, capsys):
    names = tmp_path / "names.txt"
    names.write_text("# people mentioned who are not on the roster\nGwen\n\n  billing  # a phrase\n",
                     encoding="utf-8")
    for kind in ("codebook", "agreement", "themes", "joint", "study"):
        out = tmp_path / f"{kind}.docx"
        code, _, err = run(["--project", str(tiny.folder), "report", kind, "--out", str(out), "--redact", str(names)],
                           capsys)
        assert code == 0, err
        assert f"wrote {out}" in err
        text = document_text(out)
        assert leaked(text, sorted(tiny.private_names()) + ["Gwen", "billing"]) == [], kind
        docx.Document(str(out))
    assert "note: No construct ratings" in run(["--project", str(tiny.folder), "report", "joint", "--out",
                                                 str(tmp_path / "j.docx")], capsys)[2]


def test_report_options(tiny, tmp_path, capsys):
    out = tmp_path / "agreement.docx"
    code, _, err = run(["--project", str(tiny.folder), "report", "agreement", "--coders", "jordan,casey", "--unit",
                        "transcript", "--boot", "200", "--seed", "3", "--no-charts", "--out", str(out)], capsys)
    assert code == 0, err
    document = docx.Document(str(out))
    method = next(p.text for p in document.paragraphs if p.text.startswith("Inter-rater agreement."))
    assert "present or absent in each of the two transcripts" in method
    assert "200 bootstrap resamples of units (seed 3)" in method
    assert len(document.inline_shapes) == 0


def test_the_readme_example_takes_several_coders_after_one_flag(tiny, tmp_path, capsys):
    # README and `report --help`: `mio-qual report agreement --coders jordan casey --unit turn --out ...`
    # exited 2 ("Got unexpected extra argument (casey)") before --coders took several values
    out = tmp_path / "agreement.docx"
    code, _, err = run(["--project", str(tiny.folder), "report", "agreement", "--coders", "jordan", "casey", "--unit",
                        "turn", "--out", str(out), "--no-charts"], capsys)
    assert code == 0, err
    method = next(p.text for p in docx.Document(str(out)).paragraphs if p.text.startswith("Inter-rater agreement."))
    assert "jordan and casey" in method and "speaker turns" in method


@pytest.mark.parametrize("args, message", [
    (["report", "codebook", "--coders", "a", "--out", "x.docx"], "--coders does not apply"),
    (["report", "themes", "--out", "x.pdf"], "a report is a Word file"),
    (["report", "agreement", "--coders", "jordan", "nobody", "--out", "x.docx"], "nobody"),
    (["report", "themes", "--redact", "missing-file.txt", "--out", "x.docx"], "no such file"),
])
def test_bad_options_exit_2_with_one_line(tiny, tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["--project", str(tiny.folder), *args], capsys)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_redact_file_reading(tmp_path):
    path = tmp_path / "names.txt"
    path.write_bytes("\ufeffAda  Lovelace\n# comment\n\nBob # trailing\n".encode("utf-8"))
    assert read_redact_file(path) == ["Ada Lovelace", "Bob"]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    from mio_qual.errors import InputError

    with pytest.raises(InputError, match="UTF-8"):
        read_redact_file(bad)


def test_methods_claim_only_what_the_project_holds(tmp_path):
    from mio_qual import Project

    empty = Project.create(tmp_path / "empty")
    assert m.methods_paragraphs(empty.project_facts()) == ["No transcripts have been imported into this project yet.",
                                           "**Coding.** No human coding has been imported into this project yet."]
    empty.close()
    one = make_study(tmp_path / "one", {"jordan": CODING["jordan"]})
    facts = one.project_facts()
    text = " ".join(m.methods_paragraphs(facts))
    assert "One coder coded the transcripts: jordan applied nine codings" in text
    assert "at least two coders" not in text and "Reconciliation" not in text
    assert m.describe_ratings(facts) == [] and m.describe_quant(facts) == [] and m.describe_autocoding(facts) == []
    one.close()


@pytest.mark.parametrize("n, noun, expected", [
    (0, "rating", "no ratings"), (1, "clinic", "one clinic"), (4, "agency", "four agencies"),
    (13, "code", "13 codes"), (1234, "sentence", "1,234 sentences"), (2, "focus group", "two focus groups"),
])
def test_number_words(n, noun, expected):
    assert m.number(n, noun) == expected


def test_labels():
    assert m.join_words(["a", "b", "c"]) == "a, b and c"
    assert m.join_words(["a"]) == "a" and m.join_words([]) == ""
    assert m.clinic_label("northside") == "Northside" and m.clinic_label(None) == "Agency level"
    assert m.role_label("clinic_director") == "clinic director" and m.role_label(float("nan")) == "role not recorded"


def test_one_citation_table_behind_the_report_and_the_coefficients():
    from mio_qual.agreement._common import SOURCES
    from mio_qual.citations import CITATIONS, STATISTIC_SOURCES, reference_list, statistic_keys
    from mio_qual.reports.documents import STAT_SOURCES

    assert all(key in CITATIONS for entries in STATISTIC_SOURCES.values() for _, key, _ in entries)
    for stat, cited in STAT_SOURCES.items():  # the report cites each coefficient's first source
        first = CITATIONS[statistic_keys(stat)[0]]
        assert cited == f"{first.authors}, {first.year}"
        assert f"{first.authors} ({first.year}" in SOURCES.get(stat, f"{first.authors} ({first.year}")
    # the two tables used to disagree on alpha (the report: 2004; the coefficient: 2011 first)
    assert STAT_SOURCES["krippendorff_alpha"] == "Krippendorff, 2004"
    assert SOURCES["krippendorff_alpha"].startswith("Krippendorff (2004")
    assert reference_list(["cohen1960", "byrt1993", "cohen1960"]) == [CITATIONS["byrt1993"].reference,
                                                                       CITATIONS["cohen1960"].reference]


def test_each_report_option_is_the_python_parameter_spelled_with_dashes():
    # --themes-coders was layer=, --quotes max_quotes=, --no-charts charts=False: one vocabulary, checked both ways,
    # and each option's help names exactly the kinds whose method takes it ("themes, study: ...")
    import inspect

    from mio_qual import Project
    from mio_qual.cli.report import report

    kinds = ("codebook", "agreement", "themes", "joint", "study")
    takes = {kind: set(inspect.signature(getattr(Project, f"report_{kind}")).parameters) - {"self"} for kind in kinds}
    python = set().union(*takes.values())
    shown = [o for o in report.params if o.name != "kind" and not o.hidden]
    for option in shown:
        assert option.name in python, option.name
        assert "--" + option.name.replace("_", "-") in option.opts, (option.opts, option.name)
        prefix = option.help.split(":")[0] if option.help else ""
        if prefix and set(prefix.split(", ")) <= set(kinds):
            assert set(prefix.split(", ")) == {k for k in kinds if option.name in takes[k]}, option.name
    # autocode takes Evaluation objects computed in Python: no command-line form
    assert python - {o.name for o in shown} == {"autocode"}


def test_the_old_python_names_of_report_options_warn_and_mean_the_same(tiny, tmp_path):
    from mio_qual.errors import InputError

    new = tiny.report_themes(tmp_path / "new.docx", themes_coders=["jordan"], quotes=1, charts=False)
    with pytest.warns(DeprecationWarning, match=r"report_themes\(layer=...\) is deprecated; write themes_coders="):
        with pytest.warns(DeprecationWarning, match=r"max_quotes=...\) is deprecated; write quotes="):
            old = tiny.report("themes", tmp_path / "old.docx", layer=["jordan"], max_quotes=1, charts=False)
    assert document_text(old.path).replace("old.docx", "") == document_text(new.path).replace("new.docx", "")
    with pytest.raises(InputError, match="both quotes= and its old name max_quotes="):
        tiny.report_study(tmp_path / "both.docx", quotes=1, max_quotes=2)


def test_report_study_takes_the_distinguishing_rule(tmp_path, capsys):
    """--criterion separation reaches the study report: the Aim 3 methods name it and the displays flag by it."""
    from helpers.mixed import make_study as make_four_clinics
    from helpers.mixed import write_fidelity, write_ratings_csv

    project = make_four_clinics(tmp_path)  # fidelity: north 4.5, west 4.0 high; east 3.0, south 2.0 low
    project.import_quant(write_fidelity(tmp_path / "fidelity.csv"))
    project.import_ratings(write_ratings_csv(tmp_path / "r.csv", {
        "IS.J2": {"north": "+2", "west": "+1", "east": "-1", "south": "-2"},  # separated, high positive
        "IS.B": {"north": "+1", "west": "+1", "east": "0", "south": "0"},     # separated; mean difference only 1
    }), "consensus_team")
    folder = project.folder
    project.close()

    labels = {"distinguishing", "weakly distinguishing", "not distinguishing", "reverse", "insufficient data"}

    def flags_and_rule(kind: str, *extra: str) -> tuple[set[str], str]:
        out = tmp_path / f"{kind}{len(extra)}.docx"
        code, _, err = run(["--project", str(folder), "report", kind, "--no-charts", "--out", str(out), *extra],
                           capsys)
        assert code == 0, err
        document = docx.Document(str(out))
        flags = {row.cells[-1].text for table in document.tables if table.rows[0].cells[0].text.lower() == "construct"
                 for row in table.rows if row.cells[0].text == "IS.B" and row.cells[-1].text in labels}
        rule = next((p.text for p in document.paragraphs if "One rule flags" in p.text), "")
        return flags, rule

    flags, rule = flags_and_rule("study")
    assert flags == {"weakly distinguishing"}
    assert "minus that of the low ones is at least 2 (weakly: 1)" in rule and "separation rule" not in rule
    flags, rule = flags_and_rule("study", "--criterion", "separation")
    assert flags == {"distinguishing"}
    assert "every rated high-fidelity clinic is rated above every rated low one" in rule
    assert "This separation rule reads the pattern of ratings" in rule and "at least 2 (weakly" not in rule
    assert flags_and_rule("joint", "--criterion", "separation")[0] == {"distinguishing"}
    flags, rule = flags_and_rule("study", "--criterion", "separation", "--min-rated", "3")  # two clinics a group
    assert flags == {"insufficient data"} and "with at least 3 rated clinic(s) in each group" in rule
    code, _, err = run(["--project", str(folder), "report", "codebook", "--criterion", "separation", "--out",
                        str(tmp_path / "c.docx")], capsys)
    assert code == 2 and "--criterion does not apply to `report codebook`" in err


def test_report_study_and_joint_take_the_whole_distinguishing_rule_as_joint_does(tmp_path, capsys):
    """--split, --threshold, --high/--low, --strong and --weak reach the study report (one DistinguishRule, as
    --criterion and --min-rated): Aim 3's methods name the rule used, and Python says the same with the same words."""
    from helpers.mixed import make_study as make_four_clinics
    from helpers.mixed import write_fidelity, write_ratings_csv

    project = make_four_clinics(tmp_path)  # fidelity: north 4.5, west 4.0 high; east 3.0, south 2.0 low
    project.import_quant(write_fidelity(tmp_path / "fidelity.csv"))
    project.import_ratings(write_ratings_csv(tmp_path / "r.csv", {
        "IS.J2": {"north": "+2", "west": "+1", "east": "-1", "south": "-2"},
        "IS.B": {"north": "+1", "west": "+1", "east": "0", "south": "0"},     # mean difference 1
    }), "consensus_team")
    labels = {"distinguishing", "weakly distinguishing", "not distinguishing", "reverse", "insufficient data"}

    def read(out) -> tuple[set[str], str]:
        document = docx.Document(str(out))
        flags = {row.cells[-1].text for table in document.tables if table.rows[0].cells[0].text.lower() == "construct"
                 for row in table.rows if row.cells[0].text == "IS.B" and row.cells[-1].text in labels}
        return flags, next((p.text for p in document.paragraphs if "One rule flags" in p.text), "")

    def cli_report(kind: str, *extra: str) -> tuple[set[str], str]:
        out = tmp_path / f"{kind}-{abs(hash(extra))}.docx"
        code, _, err = run(["--project", str(project.folder), "report", kind, "--no-charts", "--out", str(out),
                            *extra], capsys)
        assert code == 0, err
        return read(out) if kind == "study" else (read(out)[0], "")

    # --strong/--weak: the difference of 1 now distinguishes; the methods give the thresholds used
    flags, rule = cli_report("study", "--strong", "1", "--weak", "0.5")
    assert flags == {"distinguishing"} and "minus that of the low ones is at least 1 (weakly: 0.5)" in rule
    python = project.report_study(tmp_path / "py.docx", charts=False, strong=1, weak=0.5)
    assert read(python.path) == (flags, rule)  # the same rule, the same words
    # --split extremes: north against south, one clinic a group (so --min-rated 1); named in the methods
    flags, rule = cli_report("study", "--split", "extremes", "--min-rated", "1", "--strong", "1")
    assert flags == {"distinguishing"}
    assert "the highest-fidelity clinic against the lowest; high: north (n = 1); low: south (n = 1)" in rule
    assert cli_report("joint", "--split", "extremes", "--min-rated", "1", "--strong", "1")[0] == {"distinguishing"}
    python = project.report_study(tmp_path / "py2.docx", charts=False, split="extremes", min_rated=1, strong=1)
    assert read(python.path) == (flags, rule)
    # --high/--low name the groups; --split threshold splits at a value
    flags, rule = cli_report("study", "--high", "north", "west", "--low", "south", "--min-rated", "1")
    assert flags == {"weakly distinguishing"} and "groups named by the analysts; high: north, west (n = 2); " \
                                                  "low: south (n = 1)" in rule
    assert read(project.report_study(tmp_path / "py3.docx", charts=False, high=["north", "west"], low="south",
                                     min_rated=1).path) == (flags, rule)
    flags, rule = cli_report("study", "--split", "threshold", "--threshold", "4.2", "--min-rated", "1")
    # north (+1) against west, east, south (+1, 0, 0): 1 - 1/3 < 1
    assert flags == {"not distinguishing"} and "high: a fidelity of 4.2 or more; high: north (n = 1)" in rule
    # bad values: one line naming the option and what it takes, exit 2, in Python the same words
    folder = project.folder
    for extra, words in ((["--weak", "3"], "invalid weak 3.0 above strong 2.0 (weak= / --weak takes a difference no "
                                            "larger than strong= / --strong)"),
                         (["--split", "thirds"], "invalid split 'thirds' (split= / --split takes one of halves, "
                                                 "extremes, threshold)"),
                         (["--min-rated", "0"], "invalid min_rated 0 (min_rated= / --min-rated takes a whole number "
                                                ">= 1)")):
        code, _, err = run(["--project", str(folder), "report", "study", "--out", str(tmp_path / "bad.docx"), *extra],
                           capsys)
        assert code == 2 and err.strip() == f"error: {words}", err
        assert not (tmp_path / "bad.docx").exists()
    from mio_qual.errors import InputError

    with pytest.raises(InputError) as refused:
        project.report_study(tmp_path / "bad.docx", split="thirds")
    assert str(refused.value) == "invalid split 'thirds' (split= / --split takes one of halves, extremes, threshold)"
    code, _, err = run(["--project", str(folder), "report", "codebook", "--split", "extremes", "--out",
                        str(tmp_path / "c.docx")], capsys)
    assert code == 2 and "--split does not apply to `report codebook`" in err
    project.close()
