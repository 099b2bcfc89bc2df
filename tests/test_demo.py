"""``mio-qual demo --out DIR``: the whole pipeline on the sample, every output written, no name leaked."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest
from click.testing import CliRunner

from mio_qual.cli.main import _group

KINDS = ("codebook", "agreement", "themes", "joint", "study")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "demo-out"
    result = CliRunner().invoke(_group, ["demo", "--out", str(out)], catch_exceptions=False,
                                env={"COLUMNS": "200"})
    return out, result


def _names(out: Path) -> list[str]:
    from mio_qual import Project

    with Project.open(out / "project") as project:
        return sorted(project.private_names())


def _leaks(text: str, names: list[str]) -> list[str]:
    return [n for n in names if re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", text, re.IGNORECASE)]


def test_demo_runs_and_summarizes(demo):
    out, result = demo
    assert result.exit_code == 0, result.output
    text = result.output
    for step in ("import", "coding", "agreement", "reconcile", "autocode", "ratings", "quant", "joint", "reports"):
        assert re.search(rf"\b{step}\b", text), step
    assert "16 transcripts, 36,480 words" in text
    assert "jordan: 769 codings from 16 Word files" in text
    assert "pooled kappa (sentences)" in text
    assert "reports/study.docx" in text
    assert "2 raters (kim, lee)" in text
    assert "fidelity by clinic: case-ordered, side-by-side, stats-by-theme" in text


def test_demo_writes_every_report_with_charts(demo):
    out, _ = demo
    reports = out / "reports"
    for kind in KINDS:
        document = docx.Document(str(reports / f"{kind}.docx"))
        assert document.paragraphs[1].style.name == "Title"
    assert {p.name for p in reports.glob("*.png")} >= {"agreement-agreement.png", "themes-code-frequency.png",
                                                      "study-agreement.png", "study-code-frequency.png"}
    assert (out / "tables" / "agreement_per_code.csv").is_file()
    assert (out / "tables" / "agreement_per_code.xlsx").is_file()
    assert (out / "reconciliation" / "reconcile_jordan_casey.xlsx").is_file()
    for name in ("joint_case_ordered", "joint_side_by_side", "joint_stats_by_theme", "construct_by_clinic",
                 "ratings_agreement", "autocode_evaluation_rules", "autocode_evaluation_model"):
        assert (out / "tables" / f"{name}.csv").is_file() and (out / "tables" / f"{name}.xlsx").is_file(), name
    joint = docx.Document(str(reports / "joint.docx"))
    assert len(joint.tables) == 5 and len(joint.inline_shapes) == 1  # rater agreement + three displays + outcome
    study = docx.Document(str(reports / "study.docx"))
    assert len(study.inline_shapes) >= 3  # code frequency, heatmap, agreement (and Aim 2's timelines)
    top = [p.text for p in study.paragraphs if p.style.name == "Heading 1"]
    assert top[:5] == ["About this report", "Methods", "Aim 2: implementation processes by clinic and agency",
                       "Aim 3: contextual determinants of fidelity and feasibility", "Reliability of the coding"]
    appendix_c = docx.Document(str(reports / "study-appendix-c-autocode.docx"))
    summary = next(t for t in appendix_c.tables if t.rows[0].cells[0].text == "Suggestions")
    assert [r.cells[0].text for r in summary.rows[1:]] == ["rules", "rules", "model", "model"]
    per_code = pd.read_csv(out / "tables" / "agreement_per_code.csv")
    assert set(per_code["level"]) >= {"code", "pooled", "transcript"}
    assert per_code.loc[per_code["level"] == "code", "code"].nunique() == 42


def test_no_roster_name_in_any_demo_output(demo):
    out, _ = demo
    names = _names(out)
    checked = 0
    for path in sorted(out.rglob("*")):
        if "project" in path.relative_to(out).parts or "reconciliation" in path.relative_to(out).parts:
            continue  # the project store and the coders' own meeting sheet are working files, not reports
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                text = " ".join(re.sub(r"<[^>]+>", " ", archive.read(n).decode("utf-8"))
                                for n in archive.namelist() if n.endswith(".xml"))
        elif path.suffix == ".csv":
            text = path.read_text(encoding="utf-8")
        elif path.suffix == ".xlsx":
            text = "\n".join(s.astype(str).to_csv() for s in pd.read_excel(path, sheet_name=None, header=None).values())
        else:
            continue
        assert _leaks(text, names) == [], path
        checked += 1
    assert checked >= 10


def test_demo_refuses_to_overwrite(demo):
    out, _ = demo
    again = CliRunner().invoke(_group, ["demo", "--out", str(out)])
    assert again.exit_code != 0
    assert "already holds a demo" in str(again.exception) + again.output
