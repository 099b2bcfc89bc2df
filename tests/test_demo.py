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
from mio_qual.resources import bundled_path

SAMPLE = bundled_path("transcripts_sample")

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
    for step in ("import", "coding", "agreement", "reconcile", "autocode", "ratings", "quant", "aim2", "joint",
                 "reports"):
        assert re.search(rf"\b{step}\b", text), step
    assert "16 transcripts, 36,480 words" in text
    assert "jordan: 769 codings from 16 Word files" in text
    assert "pooled kappa (sentences)" in text
    assert "reports/study.docx" in text
    assert "2 raters (kim, lee)" in text
    assert "fidelity by clinic: case-ordered, side-by-side, stats-by-theme" in text
    # Aim 2: the sample's six logs, as many rows as their files hold, and the SIC for the four clinics
    logs = SAMPLE / "implementation"
    rows = sum(len(pd.read_csv(logs / f"{log}.csv")) for log in ("activities", "activity_dates", "strategies",
                                                                 "adaptations", "facilitation", "events"))
    assert f"6 logs, {rows} rows; SIC for 4 clinics" in text
    assert re.search(r"\bagency\b", text) and "2 raters, 5 constructs x 2 agencies" in text
    assert re.search(r"\baim3\b", text) and "21 participants linked to 21 counselors" in text
    assert "ics 29 respondents, ils 29 respondents, ebpas 21 respondents" in text
    flat = re.sub(r"[\s│]+", " ", text)  # the step table wraps long outcomes
    # nine subscale means and two totals (ICS, ILS at eastgate: their subscales fail; audit, session 8)
    assert re.search(r"11 rwg\(j\) and 0 ICC\(1\) warnings against aggregating to the clinic (\d+\.\d )?\(eastgate\)",
                     flat), flat


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
                 "ratings_agreement", "autocode_evaluation_rules", "autocode_evaluation_model", "construct_by_agency",
                 "aim3_measures", "aim3_counselors", "aim3_matrix"):
        assert (out / "tables" / f"{name}.csv").is_file() and (out / "tables" / f"{name}.xlsx").is_file(), name
    joint = docx.Document(str(reports / "joint.docx"))
    assert len(joint.tables) == 5 and len(joint.inline_shapes) == 1  # rater agreement + three displays + outcome
    study = docx.Document(str(reports / "study.docx"))
    assert len(study.inline_shapes) >= 3  # code frequency, heatmap, agreement (and Aim 2's timelines)
    headings = [p.text for p in study.paragraphs if p.style.name.startswith("Heading")]
    aim2 = headings[headings.index("Aim 2: implementation processes by clinic and agency"):
                    headings.index("Aim 3: contextual determinants of fidelity and feasibility")]
    assert "Timelines" in aim2  # drawn from the imported activity dates and events
    from mio_qual import Project

    with Project.open(out / "project") as project:
        assert len(project.sic()) == 4  # the activity list was imported ("no activity list" before)
    assert (out / "tables" / "aim2_sic.csv").is_file()
    top = [p.text for p in study.paragraphs if p.style.name == "Heading 1"]
    assert top[:5] == ["About this report", "Methods", "Aim 2: implementation processes by clinic and agency",
                       "Aim 3: contextual determinants of fidelity and feasibility", "Reliability of the coding"]
    appendix_c = docx.Document(str(reports / "study-appendix-c-autocode.docx"))
    summary = next(t for t in appendix_c.tables if t.rows[0].cells[0].text == "Suggestions")
    assert [r.cells[0].text for r in summary.rows[1:]] == ["rules", "rules", "model", "model"]
    per_code = pd.read_csv(out / "tables" / "agreement_per_code.csv")
    assert set(per_code["level"]) >= {"code", "pooled", "transcript"}
    assert per_code.loc[per_code["level"] == "code", "code"].nunique() == 42


def test_demo_exercises_aim3(demo):
    """Counselor links, the measures' aggregation check and the agency ratings, checked against the sample files."""
    out, _ = demo
    tables, measures = out / "tables", SAMPLE / "measures"
    # ICS: the total is the mean of six equal subscales, so the mean of the 18 items; rwg(j) and ICC(1) by hand
    ics = pd.read_csv(measures / "ics.csv")
    items = ics[[f"ics{i}" for i in range(1, 19)]].astype(float)
    ics["total"] = items.mean(axis=1)
    shown = pd.read_csv(tables / "aim3_measures.csv")
    total = shown[(shown["instrument"] == "ics") & (shown["scale"] == "total")].set_index("clinic")
    for clinic, mean in ics.groupby("clinic")["total"].mean().items():
        assert total.at[clinic, "mean"] == pytest.approx(mean, abs=5e-4), clinic
    east = items[ics["clinic"] == "eastgate"]
    ratio = east.var(ddof=1).mean() / 2.0  # uniform null over five options: (5 ** 2 - 1) / 12
    assert total.at["eastgate", "rwg_j"] == pytest.approx(18 * (1 - ratio) / (18 * (1 - ratio) + ratio), abs=5e-4)
    groups = ics.groupby("clinic")["total"]
    n, g = len(ics), groups.ngroups
    msb = (groups.size() * (groups.mean() - ics["total"].mean()) ** 2).sum() / (g - 1)
    msw = ((ics["total"] - groups.transform("mean")) ** 2).sum() / (n - g)
    assert total["icc1"].iloc[0] == pytest.approx((msb - msw) / (msb + (n / g - 1) * msw), abs=5e-4)
    recognition = shown[(shown["instrument"] == "ics") & (shown["scale"] == "recognition")].set_index("clinic")
    assert recognition.at["eastgate", "aggregation"] == "rwg(j) < 0.70"  # Eastgate's staff are split
    # counselors: every linked counselor, ordered by fidelity, each mean from the sessions file
    counselors = pd.read_csv(tables / "aim3_counselors.csv")
    links = pd.read_csv(measures / "counselor_links.csv")
    assert sorted(counselors["counselor_id"]) == sorted(links["counselor_id"].unique()) and len(counselors) == 21
    ranked = counselors["fidelity"].dropna().tolist()
    assert ranked == sorted(ranked, reverse=True)
    sessions = pd.read_csv(SAMPLE / "quant" / "fidelity_sessions.csv")
    sessions["fidelity"] = sessions[["adherence", "competence"]].mean(axis=1)
    mine = sessions.loc[sessions["counselor_id"] == counselors.at[0, "counselor_id"], "fidelity"].dropna()
    assert counselors.at[0, "fidelity"] == pytest.approx(mine.mean()) and counselors.at[0, "fidelity_n"] == len(mine)
    # agency ratings: the consensus of the two raters' agency sheets
    agency = pd.read_csv(tables / "construct_by_agency.csv", dtype=str).set_index("construct")
    assert list(agency.columns) == ["harbor", "riverbend"] and len(agency) == 5
    assert agency.loc["IS.H"].tolist() == ["-2", "+1"]
    # the study report's Aim 3 section shows the counselor level and the checks
    study = docx.Document(str(out / "reports" / "study.docx"))
    counselor_table = next(t for t in study.tables if t.rows[0].cells[0].text == "counselor")
    assert len(counselor_table.rows) == 22
    text = "\n".join(p.text for p in study.paragraphs)
    assert "21 counselors are joined to their interviews" in text
    assert "numbering of the ICS is assumed" in text
    # a construct the displays flag or judge, coded below the tentative level, is named under them (audit, s8)
    per_code = pd.read_csv(tables / "agreement_per_code.csv")
    weak = set(per_code.loc[(per_code["level"] == "code") & (per_code["flag"] == "unreliable"), "code"])
    judged = set(pd.read_csv(tables / "joint_side_by_side.csv")["construct"])
    assert {"IS.A3", "IND.H.M", "IP.F2"} <= weak & judged
    caveat = next(p for p in text.splitlines() if p.startswith("Coding reliability: "))
    # each theme's "by role" counts its participants, summing to "of N participants" (it counted excerpts)
    words = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
    themes = [re.match(r"Quoted from .*? of (\S+) participants? .*; by role: (.*)\.$", p) for p in text.splitlines()]
    themes = [t for t in themes if t]
    assert len(themes) > 30 and not any(re.search(r"\w;\w", t.group(0)) for t in themes)  # not "MIO.RF;MIO.TRAIN"
    for theme in themes:
        roles = [words.get(part.split()[0]) or int(part.split()[0]) for part in theme.group(2).split(", ")]
        assert sum(roles) == (words.get(theme.group(1)) or int(theme.group(1))), theme.group(0)
    assert all(code in caveat for code in weak & judged) and "OS.D" not in caveat
    # Aim 3 rests on the same evidence as the themes sections: the reviewed study-code links, counted from the project
    from mio_qual import Project

    with Project.open(out / "project") as project:
        links = project.construct_links(True)
    reviewed = int(links["reviewed"].sum())
    assert 0 < reviewed <= len(links)
    assert f"excerpts of {len(links)} study-code links ({reviewed} reviewed with a stated reason)" in text
    assert "were not used (links are opt-in)" not in text


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


def test_project_facts_lets_an_unexpected_rating_agreement_error_through(demo, monkeypatch):
    """Only 'fewer than two raters of this kind' leaves the raters' agreement out of the methods; any other error
    is a fault to see, not a paragraph quietly without its numbers."""
    from mio_qual import Project
    from mio_qual.errors import InputError

    out, _ = demo
    with Project.open(out / "project") as project:
        assert project.project_facts().rating_agreement is not None  # the demo has two raters

        def fails(self, *args, **kwargs):
            raise RuntimeError("a fault in the computation")

        monkeypatch.setattr(type(project), "rating_agreement", fails)
        with pytest.raises(RuntimeError):
            project.project_facts()

        def too_few(self, *args, **kwargs):
            raise InputError("agreement needs two or more raters")

        monkeypatch.setattr(type(project), "rating_agreement", too_few)
        assert project.project_facts().rating_agreement is None


def test_a_study_report_with_aim3_builds_only_aim3s_joint_displays(demo, tmp_path, monkeypatch):
    """Aim 3's displays (clinic case-ordered and side-by-side, agency case-ordered) stand in the study report; the
    stand-alone joint section is built only when Aim 3 cannot be (it was built too, and thrown away)."""
    import shutil

    from mio_qual import Project
    from mio_qual.mixed import joint

    out, _ = demo
    shutil.copytree(out / "project", tmp_path / "project")
    built: list[tuple[str, str]] = []
    display = joint.joint_display
    monkeypatch.setattr(joint, "joint_display", lambda data, kind, *a, **k: built.append((kind, data.by)) or display(
        data, kind, *a, **k))
    with Project.open(tmp_path / "project") as project:
        project.report_study(tmp_path / "out" / "study.docx", charts=False)
    # the second clinic case-ordered display is by feasibility (FIM): the methods say whether its groups and
    # flags are those of the fidelity order (Aim 3 asks about both; audit, session 8)
    assert sorted(built) == [("case-ordered", "agency"), ("case-ordered", "clinic"), ("case-ordered", "clinic"),
                             ("side-by-side", "clinic")]
