"""The end-to-end demonstration on the bundled sample study.

:func:`run_demo` is what ``mio-qual demo --out DIR`` runs. Each step is an ordinary library
call that an analyst could make; the demo only strings them together and collects what they
produced, so that the demo stays a faithful tour of the public API:

1. import the transcripts (manifest and roster found in the folder);
2. import both human coding layers: jordan coded in Word (comments), casey in a spreadsheet;
3. inter-rater agreement per code on sentences, and the disagreements;
4. reconciliation of the two layers into a consensus layer (plus the sheet and handout a
   reconciliation meeting would use);
5. rule-based and model suggestions, evaluated against the consensus layer;
6. construct ratings per clinic, and per agency where the agency is the inner setting;
7. the quantitative outcomes (fidelity, FIM/AIM/IAM, reach and adoption, activities), and
   Aim 2's six logs (activity list, completion dates, strategies, adaptations, facilitation,
   events), scored with the Stages of Implementation Completion;
8. the three joint displays;
9. Aim 3: the counselor link table, the climate and counselor measures (ICS, ILS scored per
   clinic with rwg(j), ICC(1) and ICC(2); EBPAS per counselor), the counselor-level joint
   display, the agency display and a case-ordered predictor x outcome matrix;
10. every report (codebook, agreement, themes, joint, study) with its charts.

Outputs go into ``DIR``: ``project/`` (the project), ``reports/`` (Word files, PNG charts and
their CSV companions), ``tables/`` (CSV and XLSX tables) and ``reconciliation/``. Nothing is
downloaded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .errors import InputError
from .project import Project
from .resources import bundled_path

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The sample's Aim 2 logs (``implementation/<log>.csv``), in import order: the activity list before the
#: dates that name its activities, the strategies before the adaptations and facilitation that name them.
AIM2_LOGS = ("activities", "activity_dates", "strategies", "adaptations", "facilitation", "events")

#: The sample's two human coders.
CODERS = ("jordan", "casey")


@dataclass
class DemoResult:
    """What the demo did: the project, a summary per step, and the files it wrote.

    Attributes
    ----------
    project : Project
    steps : list of (str, str)
        ``(step, one-line outcome)`` in the order run.
    files : list of Path
        Every file written outside the project folder.
    summary : dict
        The project's counts (:meth:`Project.summary`).
    headline : dict
        A few results worth a glance (pooled kappa, codes reliable, layers...).
    timings : dict
        Seconds per step.
    skipped : list of (str, str)
        Steps that could not run and why.
    """

    project: Project
    steps: list[tuple[str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    headline: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _write_table(frame: "pd.DataFrame", path: Path, *, xlsx: bool = True) -> list[Path]:
    """Write ``frame`` as CSV (and XLSX) with spreadsheet formulas neutralized."""
    import io

    from .atomicio import replacing
    from .exports import safe_frame, write_csv

    path.parent.mkdir(parents=True, exist_ok=True)
    safe = safe_frame(frame)
    csv = path.with_suffix(".csv")
    write_csv(frame, csv)
    written = [csv]
    if xlsx:
        target = path.with_suffix(".xlsx")
        buffer = io.BytesIO()  # built in memory: a failed write (a full disk) leaves no zip file open behind it
        with replacing(target) as temporary:
            safe.to_excel(buffer, index=False, sheet_name=path.stem[:31])
            temporary.write_bytes(buffer.getvalue())
        written.append(target)
    return written


class _Steps:
    """Runs named steps, timing them and recording outcomes."""

    def __init__(self, result: DemoResult, say: Callable[[str], None]) -> None:
        self.result = result
        self.say = say

    def run(self, name: str, doing: str, step: Callable[[], str | None]) -> None:
        self.say(doing)
        started = time.perf_counter()
        outcome = step()
        self.result.timings[name] = time.perf_counter() - started
        if outcome:
            self.result.steps.append((name, outcome))

    def skip(self, name: str, why: str) -> None:
        self.result.skipped.append((name, why))
        self.result.steps.append((name, f"skipped: {why}"))


def run_demo(out: str | Path, *, sample: str | Path | None = None,
             say: Callable[[str], None] = lambda message: None, charts: bool = True) -> DemoResult:
    """Build a project in ``out/project`` from the sample study and write its outputs into ``out``.

    Parameters
    ----------
    out : path
        Output folder (created; must not already hold a demo project).
    sample : path, optional
        The sample study folder (default: the one bundled with mio-qual).
    say : callable
        Receives a line of progress per step.
    charts : bool
        Draw the report charts.

    Returns
    -------
    DemoResult
    """
    out = Path(out)
    sample_dir = Path(sample) if sample else bundled_path("transcripts_sample")
    if (out / "project").exists():
        raise InputError("this folder already holds a demo", path=out / "project",
                         hint="choose a new --out folder, or delete the old one")
    out.mkdir(parents=True, exist_ok=True)
    project = Project.create(out / "project")
    result = DemoResult(project=project)
    steps = _Steps(result, say)
    tables, reports = out / "tables", out / "reports"
    coding_dir = sample_dir / "coding"
    state: dict[str, Any] = {}

    # 1. transcripts
    def import_step() -> str:
        imported = project.import_transcripts([sample_dir])
        return f"{len(imported.added)} transcripts, {imported.n_words:,} words"

    steps.run("import", "importing the sample transcripts", import_step)

    # 2. the two human layers
    def coding_step() -> str:
        word = sorted((coding_dir / CODERS[0]).glob("*.docx"))
        from_word = project.import_word_comments(word, coder=CODERS[0])
        from_sheet = project.import_coding_sheets([coding_dir / f"{CODERS[1]}.xlsx"], coder=CODERS[1])
        return (f"{CODERS[0]}: {from_word.inserted} codings from {len(word)} Word files; "
                f"{CODERS[1]}: {from_sheet.inserted} codings from a spreadsheet")

    if (coding_dir / CODERS[0]).is_dir() and (coding_dir / f"{CODERS[1]}.xlsx").is_file():
        steps.run("coding", "importing jordan's Word comments and casey's coding sheet", coding_step)
    else:
        steps.skip("coding", "the sample has no coding files")

    human = project.human_coders()

    # 3. agreement
    def agreement_step() -> str:
        data = project.agreement_data(human, "sentence")
        if isinstance(data, str):
            return data
        state["agreement"] = data
        result.files += _write_table(data.table, tables / "agreement_per_code")
        pooled = data.table[data.table["level"] == "pooled"].iloc[0]
        codes = data.codes()
        reliable = int((codes["flag"] == "reliable").sum()) if "flag" in codes else 0
        result.headline["pooled kappa (sentences)"] = f"{pooled.get('cohen_kappa', float('nan')):.2f}"
        result.headline["codes reliable (alpha >= .800)"] = f"{reliable} of {len(codes)}"
        result.headline["disagreeing sentences"] = f"{len(data.disagreements):,}"
        return (f"pooled Cohen's kappa {pooled.get('cohen_kappa', float('nan')):.2f} on sentences; "
                f"{reliable} of {len(codes)} codes reliable; {len(data.disagreements):,} disagreeing sentences")

    if len(human) >= 2:
        steps.run("agreement", "measuring agreement between the coders", agreement_step)

        # 4. reconciliation
        def reconcile_step() -> str:
            done = project.reconcile(human[:2], into="consensus", out=out / "reconciliation", force=True)
            result.files += list(done.files)
            result.headline["consensus codings"] = f"{done.inserted:,}"
            return (f"{done.inserted:,} agreed codings into the consensus layer; {len(done.rows):,} disagreements"
                    " listed for a reconciliation meeting")

        steps.run("reconcile", "reconciling the two layers into a consensus layer", reconcile_step)
    else:
        steps.skip("agreement", "fewer than two human coding layers")

    # 5. automatic suggestions (rules and model), when this build has them
    _autocode(project, steps, result, tables, state)

    # 6. construct ratings, when the sample has them
    _ratings(project, steps, result, sample_dir, tables)
    fit = sample_dir / "ratings" / "fit.csv"
    fit_file = fit if fit.is_file() else None

    # 7. quantitative outcomes
    quant_files = sorted((sample_dir / "quant").glob("*.csv")) if (sample_dir / "quant").is_dir() else []

    def quant_step() -> str:
        measures = 0
        for path in quant_files:
            measures += len(project.import_quant(path).measures)
        return f"{len(quant_files)} files, {measures} measures"

    if quant_files:
        steps.run("quant", "importing the quantitative outcomes", quant_step)
    else:
        steps.skip("quant", "the sample has no quantitative files")

    # 7b. Aim 2's logs: the activity list first (the dates and strategies name its activities)
    logs = [(log, sample_dir / "implementation" / f"{log}.csv") for log in AIM2_LOGS]
    logs = [(log, path) for log, path in logs if path.is_file()]

    def aim2_step() -> str:
        rows = [project.import_implementation(log, path).rows for log, path in logs]
        summary = project.sic()
        result.files += _write_table(summary, tables / "aim2_sic.csv")
        return (f"{len(logs)} logs, {sum(rows)} rows; SIC for {len(summary)} clinic"
                f"{'s' if len(summary) != 1 else ''}")

    if logs:
        steps.run("aim2", "importing the Aim 2 implementation logs", aim2_step)
    else:
        steps.skip("aim2", "the sample has no Aim 2 logs (implementation/*.csv)")

    # 8. joint displays
    def joint_step() -> str:
        from .mixed import joint
        from .reports.deidentify import redact_display
        from .reports.render import render

        redactor = project.redactor()
        made = []
        for kind in joint.DISPLAYS:
            options = {"fit": fit_file} if kind == "side-by-side" and fit_file else {}
            display = redact_display(project.joint_display(kind, "fidelity", **options), redactor)
            stem = tables / f"joint_{kind.replace('-', '_')}"
            stem.parent.mkdir(parents=True, exist_ok=True)
            result.files.append(Path(render(display.result(), out=stem.with_suffix(".csv"))))
            result.files.append(Path(render(display.result(), out=stem.with_suffix(".xlsx"))))
            made.append(kind)
        return "fidelity by clinic: " + ", ".join(made)

    n_ratings = project.summary()["ratings"]
    if n_ratings and quant_files:
        steps.run("joint", "building the joint displays", joint_step)
    else:
        steps.skip("joint", "needs construct ratings and quantitative outcomes")

    # 9. Aim 3: counselors, measures, agencies
    _aim3(project, steps, result, sample_dir, tables, n_ratings=n_ratings, quant=bool(quant_files))

    # 10. reports
    def reports_step() -> str:
        from .reports import KINDS

        written = []
        for kind in KINDS:
            say(f"  writing the {kind} report")
            options: dict[str, Any] = {"charts": charts} if kind != "codebook" else {}
            if kind in ("joint", "study") and fit_file:
                options["fit"] = fit_file
            if kind == "study" and "evaluations" in state:
                options["autocode"] = state["evaluations"]
            report = project.report(kind, reports / f"{kind}.docx", **options)
            result.files += list(report.files)
            written.append(f"{kind} ({report.tables} tables, {report.n_figures} figures)")
        return "; ".join(written)

    steps.run("reports", "writing the Word reports", reports_step)

    result.summary = project.summary()
    return result


#: Model settings the demo trains with: word n-grams only and three folds, so that training and
#: the cross-validated evaluation take seconds on a laptop (the library's defaults also use
#: character n-grams and five folds).
DEMO_MODEL = {"char_ngrams": None, "n_features": 2 ** 16, "threshold_folds": 3}


def _autocode(project: Project, steps: _Steps, result: DemoResult, tables: Path, state: dict[str, Any]) -> None:
    """Rule-based and model suggestions with their evaluation, through mio_qual.autocode's public API."""
    try:
        from . import autocode  # noqa: F401 - only whether the optional dependencies are installed
    except ImportError:
        steps.skip("autocode", "this build has no auto-coding")
        return

    def autocode_step() -> str:
        rules = project.autocode_rules()
        trained = project.autocode_train(**DEMO_MODEL)
        suggested = project.autocode_suggest()
        evaluations = [project.autocode_evaluate("rules"),
                       project.autocode_evaluate("model", n_splits=3, **DEMO_MODEL)]
        state["evaluations"] = evaluations
        for evaluation in evaluations:
            result.files += _write_table(evaluation.table, tables / f"autocode_evaluation_{evaluation.method}")
        scores = {e.method: e.summary.get("micro", {}) for e in evaluations}
        for method, micro in scores.items():
            result.headline[f"{method} suggestions: micro F1"] = f"{micro.get('f1', float('nan')):.2f}"
        return (f"rules: {rules.inserted:,} suggestions; model: {len(trained.model.codes_)} codes learned,"
                f" {suggested.inserted:,} suggestions; micro F1 against the consensus: "
                + ", ".join(f"{method} {micro.get('f1', float('nan')):.2f}" for method, micro in scores.items()))

    steps.run("autocode", "suggesting codes with rules and a model, and evaluating them", autocode_step)


def _ratings(project: Project, steps: _Steps, result: DemoResult, sample_dir: Path, tables: Path) -> None:
    """Import the sample raters' filled worksheets, measure their agreement, build the consensus."""
    folder = sample_dir / "ratings"
    sheets = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
    if not sheets:
        steps.skip("ratings", "the sample has no construct ratings")
        return

    def ratings_step() -> str:
        raters = [project.import_ratings(path).rater for path in sheets]
        text = f"{len(raters)} raters ({', '.join(raters)})"
        if len(raters) >= 2:
            agreement = project.rating_agreement(raters)
            result.files += _write_table(agreement, tables / "ratings_agreement")
            values = dict(zip(agreement["statistic"], agreement["value"]))
            text += f", exact agreement {values.get('percent_agreement', float('nan')):.0%}"
            decisions = folder / "reconciliation.csv"
            consensus = project.build_consensus(decisions=decisions if decisions.is_file() else None,
                                                allow_unresolved=not decisions.is_file())
            text += f"; consensus: {consensus.agreed} agreed, {consensus.decided} decided in reconciliation"
            result.headline["rated cells decided in reconciliation"] = str(consensus.decided)
        matrix = project.construct_matrix(by="clinic")
        result.files += _write_table(matrix.reset_index(), tables / "construct_by_clinic")
        return text + f"; {matrix.shape[0]} constructs x {matrix.shape[1]} clinics"

    steps.run("ratings", "importing the construct ratings and building their consensus", ratings_step)


#: The sample's measures, imported in this order: (instrument, file name).
DEMO_MEASURES = (("ics", "ics.csv"), ("ils", "ils.csv"), ("ebpas", "ebpas.csv"))


def _aim3(project: Project, steps: _Steps, result: DemoResult, sample_dir: Path, tables: Path, *, n_ratings: int,
          quant: bool) -> None:
    """Aim 3 through the public API: agency ratings, counselor links, measures and their aggregation check,
    the counselor-level and agency displays, and a case-ordered matrix."""
    measures_dir, agency_dir = sample_dir / "measures", sample_dir / "ratings" / "agency"
    links = measures_dir / "counselor_links.csv"
    if not (links.is_file() and quant):
        steps.skip("aim3", "needs the sample's counselor link table and quantitative outcomes")
        return

    def agency_step() -> str:
        sheets = sorted(agency_dir.glob("*.xlsx"))
        raters = [project.import_ratings(path).rater for path in sheets]
        decisions = agency_dir / "reconciliation.csv"
        consensus = project.build_consensus(raters, by="agency", decisions=decisions if decisions.is_file() else None,
                                            allow_unresolved=not decisions.is_file())
        matrix = project.construct_matrix(by="agency")
        result.files += _write_table(matrix.reset_index(), tables / "construct_by_agency")
        return (f"{len(raters)} raters, {matrix.shape[0]} constructs x {matrix.shape[1]} agencies; consensus: "
                f"{consensus.agreed} agreed, {consensus.decided} decided")

    if agency_dir.is_dir() and list(agency_dir.glob("*.xlsx")):
        steps.run("agency", "importing the agency-level ratings (the agency as the inner setting)", agency_step)

    def aim3_step() -> str:
        import pandas as pd

        from .mixed.measures import instrument

        linked = project.import_counselor_links(links)
        read = {name: project.import_measure(measures_dir / file, name) for name, file in DEMO_MEASURES
                if (measures_dir / file).is_file()}
        summaries, warnings = [], []
        for name in read:
            if instrument(name).level == "counselor":
                continue
            table, said = project.measure_summary(name)
            summaries.append(table)
            warnings += said
        if summaries:
            result.files += _write_table(pd.concat(summaries, ignore_index=True).round(3), tables / "aim3_measures")
        counselors = project.counselor_display("fidelity")
        result.files += _write_table(counselors, tables / "aim3_counselors")
        rows = [f"{name}:total" for name in read] + ["fim"]
        matrix = project.case_matrix("fidelity", rows)
        result.files += _write_table(matrix.reset_index().rename(columns={"index": "row"}), tables / "aim3_matrix")
        # a total flagged because its subscales fail counts too (its own rwg(j), raised by 18 items, passes)
        low_rwg = sum("within-clinic agreement" in w or "its subscales fall below" in w for w in warnings)
        low_icc = sum("ICC(1) =" in w for w in warnings)
        failing = sorted({clinic for table in summaries
                          for clinic in table.loc[table["aggregation"] != "supported", "clinic"]})
        result.headline["counselors in the counselor display"] = str(len(counselors))
        result.headline["aggregation warnings (rwg(j), ICC(1))"] = f"{low_rwg}, {low_icc}"
        return (f"{linked} participants linked to {counselors['counselor_id'].nunique()} counselors; "
                + ", ".join(f"{name} {n} respondents" for name, n in read.items())
                + f"; {low_rwg} rwg(j) and {low_icc} ICC(1) warnings against aggregating to the clinic"
                + (f" ({', '.join(failing)})" if failing else ""))

    steps.run("aim3", "linking counselors, scoring the climate and counselor measures", aim3_step)


__all__ = ["run_demo", "DemoResult", "CODERS", "DEMO_MEASURES"]
