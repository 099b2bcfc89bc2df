"""Time building the study report on the sample beside its floor: python-docx writing the same content and
matplotlib drawing the same charts.

The sample project is built once (transcripts, both coders' layers, consensus, quantitative
outcomes and a small set of construct ratings, so that every section of the study report has
content). Then, for ``--runs`` runs each, the median wall and CPU time of:

* **study report**: :meth:`mio_qual.Project.report_study` with its charts: computing agreement,
  themes and joint displays from the store, drawing the charts, and writing the documents;
* **study report, no charts**: the same without drawing charts;
* **floor, documents**: python-docx writing every document the report wrote as a plain document
  (:func:`plain_copy`): the same paragraphs (text only), the same tables (cell text set row by
  row through python-docx's API) and the same pictures, with no styles, fields, captions or
  computation;
* **floor, charts**: matplotlib drawing the same charts from the same data (:func:`draw_plain`:
  the counts, coefficients, ratings and timelines the report's chart functions were handed,
  recorded while it ran), each with ``matplotlib.figure.Figure`` on an Agg canvas at the report's
  size and resolution, the same bars, points, cells, lines and labels, and no layout pass.

The floor of the report is the two together (the least work that produces the same document,
pictures included); the ratio is given against both floors. Everything runs in one process
after one warm-up report, so imports (python-docx, matplotlib) are outside every figure here;
``benchmarks/agreement_scale.py --report`` measures fresh processes, imports included.

Run::

    .venv/bin/python benchmarks/reports.py            # 5 runs each
    .venv/bin/python benchmarks/reports.py --runs 9
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "transcripts_sample"
RATINGS = {
    "IS.J2": {"northside": "+2", "eastgate": "-1", "downtown": "-2", "westfield": "+1"},
    "IND.B": {"northside": "+2", "eastgate": "+1", "downtown": "-2", "westfield": "+1"},
    "OS.D": {"northside": "0", "eastgate": "0", "downtown": "-2", "westfield": "+2"},
    "IS.J1": {"northside": "+1", "eastgate": "+1", "downtown": "-2", "westfield": "X"},
    "MIO.TURN": {},
}


def build_sample(folder: Path):  # type: ignore[no-untyped-def]
    """The sample project with every layer a study report reads."""
    from mio_qual import Project

    project = Project.create(folder / "project")
    project.import_transcripts([SAMPLE])
    project.import_word_comments(sorted((SAMPLE / "coding" / "jordan").glob("*.docx")), coder="jordan")
    project.import_coding_sheets([SAMPLE / "coding" / "casey.xlsx"], coder="casey")
    project.reconcile(("jordan", "casey"), into="consensus")
    for path in sorted((SAMPLE / "quant").glob("*.csv")):
        project.import_quant(path)
    ratings = folder / "ratings.csv"
    with open(ratings, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_kind", "case_id", "construct", "rating", "rationale"])
        for construct, cells in RATINGS.items():
            for clinic, rating in cells.items():
                writer.writerow(["clinic", clinic, construct, rating, f"{construct} at {clinic}"])
    project.import_ratings(ratings, rater="benchmark", by="clinic")
    return project


def plain_copy(source: Path, target: Path, pictures: list[Path]) -> dict[str, int]:
    """Write ``source``'s paragraphs, tables and pictures into a plain python-docx document."""
    import docx
    from docx.shared import Cm

    original = docx.Document(str(source))
    body = original.element.body
    document = docx.Document()
    sizes = {"paragraphs": 0, "tables": 0, "cells": 0, "pictures": 0}
    tables = iter(original.tables)
    paragraphs = iter(original.paragraphs)
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            document.add_paragraph(next(paragraphs).text)
            sizes["paragraphs"] += 1
        elif tag == "tbl":
            table = next(tables)
            rows = [[cell.text for cell in row.cells] for row in table.rows]
            copy = document.add_table(rows=len(rows), cols=len(rows[0]) if rows else 1)
            for row, values in zip(copy.rows, rows):
                for cell, value in zip(row.cells, values):
                    cell.text = value
            sizes["tables"] += 1
            sizes["cells"] += sum(len(r) for r in rows)
    for picture in pictures:
        document.add_picture(str(picture), width=Cm(16))
        sizes["pictures"] += 1
    document.save(str(target))
    return sizes


#: Chart functions of mio-qual whose inputs :class:`ChartRecorder` keeps: (module, function, kind).
CHARTS = (("mio_qual.reports.charts", "code_frequency_chart", "code-frequency"),
          ("mio_qual.reports.charts", "agreement_chart", "interval"),
          ("mio_qual.reports.heatmap", "heatmap", "heatmap"),
          ("mio_qual.reports.timeline", "draw_timeline", "timeline"))


class ChartRecorder:
    """While active (``with``), every chart a report draws is also kept as ``(kind, data, options)``."""

    def __init__(self) -> None:
        self.charts: list[tuple[str, object, dict]] = []
        self._saved: list[tuple[object, str, object]] = []

    def _wrap(self, original, kind):  # type: ignore[no-untyped-def]
        def keep(data, path, **options):  # type: ignore[no-untyped-def]
            if kind == "timeline":  # a Figure of mio_qual.result: its frame and title
                self.charts.append((kind, data.frame, {"title": data.title}))
            else:
                self.charts.append((kind, data, dict(options)))
            return original(data, path, **options)

        return keep

    def __enter__(self) -> "ChartRecorder":
        import importlib

        for module_name, name, kind in CHARTS:
            module = importlib.import_module(module_name)
            original = getattr(module, name)
            self._saved.append((module, name, original))
            setattr(module, name, self._wrap(original, kind))
        return self

    def __exit__(self, *exc: object) -> None:
        for module, name, original in reversed(self._saved):
            setattr(module, name, original)


def _plain_figure(width: float, height: float):  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=200)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot(1, 1, 1)


def draw_plain(charts: list[tuple[str, object, dict]], folder: Path) -> int:
    """Draw each recorded chart with plain matplotlib (the floor of the report's charts); return how many.

    The same size and resolution as the report's, the same bars, points, intervals, cells, lines
    and labels from the same data; no layout engine, no tight bounding box, no styling beyond colour.
    """
    import numpy as np

    for k, (kind, data, options) in enumerate(charts):
        if kind == "code-frequency":
            n = max(len(data), 1)
            figure, ax = _plain_figure(6.4, min(1.3 + 0.2 * n, 7.4))
            y, left = np.arange(len(data))[::-1], np.zeros(len(data))
            for column in data.columns:
                values = data[column].fillna(0).to_numpy(dtype=float)
                ax.barh(y, values, left=left, label=str(column))
                left += values
            ax.set_yticks(y)
            ax.set_yticklabels([str(i) for i in data.index])
            ax.legend()
        elif kind == "interval":
            value, low, high = (options.get(o, d) for o, d in (("value", "value"), ("low", "ci_low"),
                                                               ("high", "ci_high")))
            frame = data.sort_values(value, na_position="first")
            figure, ax = _plain_figure(6.4, min(1.0 + 0.2 * max(len(frame), 1), 7.4))
            y = np.arange(len(frame))
            if low in frame and high in frame:
                ax.hlines(y, frame[low].to_numpy(dtype=float), frame[high].to_numpy(dtype=float))
            ax.plot(frame[value].to_numpy(dtype=float), y, "o")
            for threshold in options.get("thresholds", ()):
                ax.axvline(threshold, linestyle="--")
            ax.set_yticks(y)
            ax.set_yticklabels([str(v) for v in frame[options.get("label", "code")]])
        elif kind == "heatmap":
            from mio_qual.mixed.ratings_scale import score

            values = np.array([[score(v) for v in row] for row in data.itertuples(index=False)], dtype=float)
            figure, ax = _plain_figure(6.4, min(max(2.5, 0.26 * len(data) + 2.0), 7.0))
            ax.imshow(np.ma.masked_invalid(values), vmin=-2, vmax=2, aspect="auto")
            for i, row in enumerate(data.itertuples(index=False)):
                for j, cell in enumerate(row):
                    ax.text(j, i, "" if cell is None or cell != cell else str(cell), ha="center", va="center")
            ax.set_yticks(range(len(data)), labels=[str(c) for c in data.index])
            ax.set_xticks(range(data.shape[1]), labels=[str(c) for c in data.columns])
        else:  # timeline: one lane per kind of item, a line or a point per item, its label
            lanes = list(dict.fromkeys(data["lane"]))
            figure, ax = _plain_figure(9.5, 1.2 + 0.9 * max(len(lanes), 1))
            for row in data.itertuples(index=False):
                start, end = np.datetime64(str(row.start)[:10]), np.datetime64(str(row.end or row.start)[:10])
                ax.plot([start, end], [lanes.index(row.lane)] * 2, marker="o")
                ax.annotate(str(row.label)[:38], (start, lanes.index(row.lane)))
            ax.set_yticks(range(len(lanes)), labels=lanes)
        if options.get("title"):
            ax.set_title(str(options["title"]))
        figure.savefig(folder / f"plain-chart-{k}.png", format="png", dpi=200)
    return len(charts)


def median_time(function, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median wall and CPU seconds of ``runs`` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def floor_copy(documents: list[Path], pictures: list[Path], folder: Path) -> dict[str, int]:
    """python-docx writing every document's content (the study report's own with its pictures) into ``folder``."""
    sizes = {"paragraphs": 0, "tables": 0, "cells": 0, "pictures": 0}
    for document in documents:
        one = plain_copy(document, folder / f"plain-{document.name}",
                         pictures if document.name.endswith("study.docx") else [])
        sizes = {key: sizes[key] + one[key] for key in sizes}
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median reported)")
    parser.add_argument("--json", type=Path, help="also write the figures here (read by benchmarks/run.py)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        project = build_sample(folder)
        setup = time.perf_counter() - started
        out, floor = folder / "out", folder / "floor"
        floor.mkdir()
        with ChartRecorder() as recorder:  # warm-up (imports, codebook, fonts), keeping the charts' data
            result = project.report_study(out / "study.docx")
        documents = [p for p in result.files if p.suffix == ".docx"]
        with_charts = median_time(lambda: project.report_study(out / "study.docx"), args.runs)
        no_charts = median_time(lambda: project.report_study(out / "plain-study.docx", charts=False), args.runs)
        sizes = floor_copy(documents, result.figures, floor)
        docs_floor = median_time(lambda: floor_copy(documents, result.figures, floor), args.runs)
        n_charts = draw_plain(recorder.charts, floor)
        charts_floor = median_time(lambda: draw_plain(recorder.charts, floor), args.runs)
        kib = sum(p.stat().st_size for p in documents) // 1024
        project.close()
    both = (docs_floor[0] + charts_floor[0], docs_floor[1] + charts_floor[1])
    print(f"sample project built in {setup:.1f} s (not timed below)")
    print(f"study report: {len(documents)} documents, {result.tables} tables in the report, {n_charts} charts,"
          f" {sizes['paragraphs']} paragraphs, {sizes['cells']} table cells, {kib} KiB")
    print(f"{'measurement':<46} {'median s':>9} {'CPU s':>7}  (runs: {args.runs})")
    for name, (wall, cpu) in (("study report with charts", with_charts), ("study report without charts", no_charts),
                              ("floor: python-docx, same content", docs_floor),
                              ("floor: matplotlib, same charts", charts_floor),
                              ("floor: both (the same document)", both)):
        print(f"{name:<46} {wall:>9.2f} {cpu:>7.2f}")
    print(f"ratio study report / floor (CPU): {with_charts[1] / both[1]:.2f}x with charts"
          f" ({no_charts[1] / docs_floor[1]:.2f}x without charts against python-docx alone)")
    if args.json:
        import json

        args.json.write_text(json.dumps({
            "runs": args.runs, "seconds": with_charts[0], "cpu_seconds": with_charts[1],
            "no_charts_seconds": no_charts[0], "no_charts_cpu_seconds": no_charts[1],
            "reference_seconds": both[0], "reference_cpu_seconds": both[1],
            "docx_floor_seconds": docs_floor[0], "docx_floor_cpu_seconds": docs_floor[1],
            "charts_floor_seconds": charts_floor[0], "charts_floor_cpu_seconds": charts_floor[1],
            "tables": result.tables, "figures": n_charts, "documents": len(documents), "cells": sizes["cells"],
            "kib": kib}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
