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
