"""The autocode commands: rules, train, suggest, evaluate and models on the toy study."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.autocode import TOY_YAML, make_project
from mio_qual.cli.main import _group


def run(project, *args):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(_group, ["--project", str(project.folder), "autocode", *map(str, args)])


def test_the_autocode_commands(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import docx

    project = make_project(tmp_path)
    toy = tmp_path / "toy.yaml"
    toy.write_text(TOY_YAML, encoding="utf-8")
    try:
        result = run(project, "rules", "--codebook", toy, "--format", "json")
        assert result.exit_code == 0, result.output
        assert {r["code"]: r["codings"] for r in json.loads(result.output)} == {"ZEB": 24, "REC": 8}

        result = run(project, "train", "--from", "ann", "--codebook", toy, "--name", "toy", "--format", "csv")
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[0] == "code,status,positives,threshold,cv_f1"

        result = run(project, "suggest", "--codebook", toy, "--min-prob", "0.5")
        assert result.exit_code == 0, result.output
        assert "suggestions from model toy" in result.output
        assert set(project.codings(coder="model")["origin"]) == {"model"}

        result = run(project, "evaluate", "--method", "rules", "--reference", "ann", "--codebook", toy, "--format",
                     "json")
        assert result.exit_code == 0, result.output
        rows = {r["code"]: r for r in json.loads(result.output)}
        assert rows["ZEB"]["f1"] == 1.0 and rows["REC"]["kappa_human"] is not None

        out = tmp_path / "evaluation.docx"
        result = run(project, "evaluate", "--method", "layer", "--coder", "model", "--reference", "ann",
                     "--codebook", toy, "--format", "docx", "--out", out)
        assert result.exit_code == 0, result.output
        assert docx.Document(str(out)).tables

        result = run(project, "models", "--format", "csv")
        assert result.output.splitlines()[1].startswith("toy,")

        # the bundled codebooks are another codebook: the model refuses them, exit code 2
        result = CliRunner().invoke(_group, ["--project", str(project.folder), "autocode", "suggest"])
        assert result.exit_code != 0
        from mio_qual.cli.main import cli

        with pytest.raises(SystemExit) as stopped:
            cli(["--project", str(project.folder), "autocode", "suggest", "--model", "toy"])
        assert stopped.value.code == 2
        assert "trained with codebook version" in capsys.readouterr().err

        with pytest.raises(SystemExit) as stopped:
            cli(["--project", str(project.folder), "autocode", "evaluate", "--format", "docx", "--codebook", str(toy)])
        assert stopped.value.code == 2
        assert "--out" in capsys.readouterr().err
    finally:
        project.close()
