"""Time building the study report on the sample, beside python-docx writing an equally sized plain document.

The sample project is built once (transcripts, both coders' layers, consensus, quantitative
outcomes and a small set of construct ratings, so that every section of the study report has
content). Then, for ``--runs`` runs each, the median wall time of:

* **study report**: :meth:`mio_qual.Project.report_study` with its charts: computing agreement,
  themes and joint displays from the store, drawing three charts, and writing the document;
* **study report, no charts**: the same without drawing charts;
* **reference**: python-docx writing a plain document of the same size: the same paragraphs
  (text only), the same tables (cell text set row by row through python-docx's API) and the
  same pictures, with no styles, fields, captions or computation.

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


def median_time(function, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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
        out = folder / "out"
        result = project.report_study(out / "study.docx")  # warm-up: imports, codebook, fonts
        with_charts = median_time(lambda: project.report_study(out / "study.docx"), args.runs)
        no_charts = median_time(lambda: project.report_study(out / "plain-study.docx", charts=False), args.runs)
        sizes = plain_copy(result.path, folder / "reference.docx", result.figures)
        reference = median_time(lambda: plain_copy(result.path, folder / "reference.docx", result.figures), args.runs)
        pages_hint = result.path.stat().st_size // 1024
        project.close()
    print(f"sample project built in {setup:.1f} s (not timed below)")
    print(f"study report: {result.tables} tables, {result.n_figures} figures, {len(result.headings)} headings,"
          f" {sizes['paragraphs']} paragraphs, {sizes['cells']} table cells, {pages_hint} KiB")
    print(f"{'measurement':<40} {'median s':>9}  (runs: {args.runs})")
    print(f"{'study report with charts':<40} {with_charts:>9.2f}")
    print(f"{'study report without charts':<40} {no_charts:>9.2f}")
    print(f"{'reference: plain python-docx, same size':<40} {reference:>9.2f}")
    print(f"ratio study report / reference: {with_charts / reference:.1f}x"
          f" (without charts {no_charts / reference:.1f}x)")
    if args.json:
        import json

        args.json.write_text(json.dumps({"runs": args.runs, "seconds": with_charts, "no_charts_seconds": no_charts,
                                         "reference_seconds": reference, "tables": result.tables,
                                         "figures": result.n_figures, "kib": pages_hint}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
