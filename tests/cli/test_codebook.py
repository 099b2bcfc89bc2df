"""The ``mio-qual codebook`` command group, through click's CliRunner and the main entry point."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mio_qual.cli.codebook import codebook
from mio_qual.codebook import CodebookError, from_qdc, load_codebooks
from mio_qual.errors import InputError, UnknownCodeError

BAD = "codebook: bad\ncodes:\n  - id: A\n    name: Alpha\n  - id: A\n    nam: typo\n"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_list_bundled(runner: CliRunner) -> None:
    result = runner.invoke(codebook, ["list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert set(rows) == {"cfir2", "cfir_outcomes", "mio"}
    assert (rows["cfir2"]["domain"], rows["cfir2"]["construct"], rows["cfir2"]["subconstruct"], rows["cfir2"]["code"]) == (
        5, 48, 19, 36,
    )
    assert rows["mio"]["codes"] == 12
    table = runner.invoke(codebook, ["list"])
    assert table.exit_code == 0
    assert "cfir_outcomes" in table.output and "108" in table.output


def test_list_codes(runner: CliRunner) -> None:
    result = runner.invoke(codebook, ["list", "--codebook", "mio", "--format", "json"])
    assert result.exit_code == 0
    codes = json.loads(result.output)
    assert len(codes) == 108 + 12
    assert {c["id"] for c in codes} >= {"IS.J1", "MIO.REC"}
    as_csv = runner.invoke(codebook, ["list", "-c", "cfir2", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert len(rows) == 108 and rows[0]["id"] == "INN"
    for fmt in ("table", "tree"):
        shown = runner.invoke(codebook, ["list", "-c", "cfir2", "--format", fmt])
        assert shown.exit_code == 0
        assert "IND.H.K" in shown.output and "Innovation Deliverers" in shown.output


def test_show(runner: CliRunner) -> None:
    result = runner.invoke(codebook, ["show", "available resources: funding", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["id"] == "IS.J1" and data["ancestors"] == ["IS.J", "IS"]
    # MIO.BILL's link to IS.J1 was removed on review (issue 13: payment for MIO time is OS.F); none refines IS.J1
    assert data["refined_by"] == []
    financing = json.loads(runner.invoke(codebook, ["show", "OS.F", "--format", "json"]).output)
    assert financing["refined_by"] == ["MIO.BILL"]
    text = runner.invoke(codebook, ["show", "MIO.REC"])
    assert text.exit_code == 0
    assert "Recording sessions for fidelity review" in text.output and "IP.H1" in text.output
    unknown = runner.invoke(codebook, ["show", "fundng"])
    assert isinstance(unknown.exception, UnknownCodeError)
    assert unknown.exception.suggestions[0] == "IS.J1"


def test_validate(runner: CliRunner, tmp_path: Path) -> None:
    from mio_qual.codebook import bundled_codebooks

    good = runner.invoke(codebook, ["validate", str(bundled_codebooks()["mio"])])
    assert good.exit_code == 0
    assert "12 codes, no problems" in good.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    result = runner.invoke(codebook, ["validate", str(bad)])
    assert isinstance(result.exception, CodebookError)
    assert [(p.kind, p.line) for p in result.exception.problems] == [("duplicate-id", 5), ("unknown-field", 6)]
    as_json = runner.invoke(codebook, ["validate", str(bad), "--format", "json"])
    report = json.loads(as_json.output)
    assert report["ok"] is False
    assert [(p["kind"], p["line"]) for p in report["problems"]] == [("duplicate-id", 5), ("unknown-field", 6)]


def test_export_csv_to_stdout_and_qdc_to_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(codebook, ["export", "cfir2", "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["id"] for r in rows] == list(load_codebooks("cfir2").codes)
    out = tmp_path / "codes.qdc"
    result = runner.invoke(codebook, ["export", "cfir2", "mio", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert list(from_qdc(out).codes) == list(load_codebooks(["cfir2", "mio"]).codes)
    qdc_stdout = runner.invoke(codebook, ["export", "mio", "--format", "qdc"])
    assert qdc_stdout.stdout_bytes.startswith(b"<?xml")


def test_export_docx(runner: CliRunner, tmp_path: Path) -> None:
    import docx

    out = tmp_path / "manual.docx"
    result = runner.invoke(codebook, ["export", "cfir2", "--out", str(out)])
    assert result.exit_code == 0
    heads = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 1"]
    assert heads == ["INN  Innovation", "OS  Outer Setting", "IS  Inner Setting", "IND  Individuals", "IP  Implementation Process"]
    no_out = runner.invoke(codebook, ["export", "cfir2", "--format", "docx"])
    assert isinstance(no_out.exception, InputError)
    missing = runner.invoke(codebook, ["export", "nonesuch", "--format", "csv"])
    assert isinstance(missing.exception, InputError)


def test_main_cli_exit_code_and_details(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main = pytest.importorskip("mio_qual.cli.main")
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main.cli(["codebook", "validate", str(bad)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"{bad}:5: duplicate id 'A'" in err
    assert f"{bad}:6: unknown field 'nam'" in err
