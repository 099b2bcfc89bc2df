"""Writing rating worksheets: the ``.xlsx`` a rater fills and the ``.docx`` a rater reads.

The content (rows per construct and case, excerpts, counts) is collected by
:func:`mio_qual.mixed.worksheet.build_worksheet`; this module lays it out. The ``.xlsx`` has a
``ratings`` sheet (rating cells shaded, a list of the allowed values), an ``excerpts`` sheet and
an ``about`` sheet naming the rater, the case kind, the layers and the codebook, which
``mio-qual ratings import`` reads back.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..exports import safe_cell
from ..mixed.ratings_scale import hint
from ..mixed.worksheet import WORKSHEET_COLUMNS, Worksheet, scale_text, worksheet_stem
from .render import _cell_value

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime


def write_worksheet(sheet: Worksheet, folder: str | Path, rater: str | None = None, *, docx: bool = True,
                    redactor: Callable[[str], str] | None = None, when: "datetime | None" = None) -> list[Path]:
    """Write a rater's ``ratings_<rater>.xlsx`` (and ``.docx``) into ``folder``.

    Both files are byte-reproducible (:func:`mio_qual.reports.reproducible.stamp`): the same
    project writes the same bytes.

    Parameters
    ----------
    sheet : Worksheet
        What :func:`mio_qual.mixed.worksheet.build_worksheet` collected.
    folder : str or Path
        Made if needed.
    rater : str, optional
        Named in the files' names and in the ``about`` sheet (the import reads it back).
    docx : bool
        Also write the ``.docx`` for reading.
    redactor : callable, optional
        The project's redactor (:meth:`mio_qual.project.Project.redactor`): every text cell, the
        case ids included, passes through it, so transcript ids that contain a name print as
        neutral ids and, with masked sites, clinics as ``clinic A``
        (:meth:`mio_qual.project.Project.import_ratings` maps them back).
    when : datetime, optional
        The time written into the files (default: ``SOURCE_DATE_EPOCH``, else a fixed date).

    Returns
    -------
    list of Path
        The files written.
    """
    from .reproducible import source_date

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if redactor is not None:
        sheet = redact_worksheet(sheet, redactor)
    stem = worksheet_stem(rater)
    moment = source_date(when)
    written = [_write_xlsx(sheet, folder / f"{stem}.xlsx", rater, moment)]
    if docx:
        written.append(_write_docx(sheet, folder / f"{stem}.docx", rater, moment))
    return written


def redact_worksheet(sheet: Worksheet, redactor: Callable[[str], str]) -> Worksheet:
    """A copy of ``sheet`` with every text cell of its rows and excerpts, and its notes, redacted."""
    from ..deidentify import redact_frame

    return replace(sheet, rows=redact_frame(sheet.rows, redactor), excerpts=redact_frame(sheet.excerpts, redactor),
                   layers=redactor(sheet.layers), rapid_source=redactor(sheet.rapid_source or "") or sheet.rapid_source)


def _about_rows(sheet: Worksheet, rater: str | None, moment: "datetime") -> list[list[str]]:
    from ..mixed.links import describe_links

    rows = [["rater", rater or ""], ["case_kind", sheet.by], ["evidence", sheet.layers],
            ["codebook", sheet.codebook], ["links", describe_links(sheet.links)],
            ["rapid analysis", sheet.rapid_source or "none in this project"], ["project as of", moment.strftime("%Y-%m-%d %H:%M UTC")], [],
            ["How to rate", "Give each construct in each case one value in the 'rating' column and say why in "
             "'rationale'. Ratings follow Damschroder & Lowery (2013): valence (+ or -) and strength (1 or 2); "
             "mixed evidence is rated 0. Rate from 'evidence' (the construct's own coding); 'linked_evidence' "
             "holds excerpts of linked study codes, shown apart. In 'quote' you may paste the excerpt (or part of "
             "one) that joint displays should quote for this cell; left empty, one is chosen automatically and "
             "marked so."],
            []]
    rows += [[value, meaning] for value, meaning in scale_text(sheet.mixed_x)]
    if sheet.mixed_x:
        rows += [["Departure", "This worksheet offers X, which Damschroder & Lowery (2013) do not use; displays "
                               "name every X and leave it out of group means."]]
    if sheet.links is not None and len(sheet.links):
        rows += [[], ["Links", "study code -> construct: why its excerpts may count as evidence"]]
        rows += [[f"{c} -> {k}", reason] for c, k, reason in
                 zip(sheet.links["code"], sheet.links["construct"], sheet.links["reason"])]
    rows += [[], ["Import", f"mio-qual ratings import THIS_FILE --rater {rater or 'NAME'}"],
             ["Note", "Keep the columns case_kind, case_id, construct, rating, rationale and quote as they are; "
                      "other columns are for reading and are not imported. " + hint(sheet.mixed_x) + "."]]
    return rows


def _write_xlsx(sheet: Worksheet, path: Path, rater: str | None, moment: "datetime") -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    ws = book.active
    ws.title = "ratings"
    ws.append(WORKSHEET_COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in sheet.rows.itertuples(index=False):
        ws.append([_cell_value(v) for v in values])
    widths = {"case_kind": 10, "case_id": 14, "construct": 10, "construct_name": 28, "codes": 24,
              "participants": 28, "transcripts": 16, "evidence": 90, "linked_evidence": 50, "rating": 8,
              "rationale": 50, "quote": 40}
    rating_col = WORKSHEET_COLUMNS.index("rating") + 1
    fill = PatternFill("solid", start_color="FFF8DC", end_color="FFF8DC")
    for i, column in enumerate(WORKSHEET_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(column, 9)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row[rating_col - 1].number_format = "@"  # keep '+1' as typed
        row[rating_col - 1].fill = fill
        row[rating_col].fill = fill
        row[rating_col + 1].fill = fill
    if ws.max_row >= 2:
        letter = get_column_letter(rating_col)
        allowed = "-2,-1,0,+1,+2" + (",X" if sheet.mixed_x else "")
        validation = DataValidation(type="list", formula1=f'"{allowed}"', allow_blank=True,
                                    showErrorMessage=False)
        validation.add(f"{letter}2:{letter}{ws.max_row}")
        ws.add_data_validation(validation)
    ws.freeze_panes = "E2"
    ex = book.create_sheet("excerpts")
    ex.append(list(sheet.excerpts.columns))
    for cell in ex[1]:
        cell.font = Font(bold=True)
    for values in sheet.excerpts.itertuples(index=False):
        ex.append([_cell_value(v) for v in values])
    ex.column_dimensions[get_column_letter(len(sheet.excerpts.columns))].width = 100
    about = book.create_sheet("about")
    for row in _about_rows(sheet, rater, moment):
        about.append([safe_cell(v) for v in row])
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 110
    _save_stamped(book, path, moment)
    return path


def _save_stamped(document: Any, path: Path, moment: datetime) -> None:
    """Save a workbook or Word document whole (:func:`mio_qual.atomicio.replacing`) with fixed times."""
    from .reproducible import save_stamped

    save_stamped(document, path, moment)


def _write_docx(sheet: Worksheet, path: Path, rater: str | None, moment: datetime, max_quotes: int = 12) -> Path:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.add_heading(f"Construct rating worksheet{': ' + rater if rater else ''}", level=0)
    document.add_paragraph(f"Cases: {sheet.by}. Evidence: {sheet.layers}. Codebook: {sheet.codebook}. "
                           "Speakers are shown by study id and role; names are redacted.")
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for value, meaning in scale_text(sheet.mixed_x):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = value, meaning
    document.add_paragraph("Enter ratings in the .xlsx file; this document is for reading the evidence.")
    grouped = {key: group for key, group in sheet.excerpts.groupby(["case_id", "construct"], sort=False)}
    empty = sheet.excerpts.iloc[0:0]
    for case, group in sheet.rows.groupby("case_id", sort=False):
        document.add_heading(f"{sheet.by}: {case}", level=1)
        for row in group.itertuples(index=False):
            document.add_heading(f"{row.construct} {row.construct_name}".strip(), level=2)
            document.add_paragraph(
                f"{row.n_excerpts} excerpt(s) coded with the construct, {row.n_via} through linked study codes "
                "(shown apart, marked 'via'); "
                f"{row.n_participants} participant(s); transcripts: {row.transcripts or 'none'}.")
            quotes = grouped.get((case, row.construct), empty).sort_values("via", kind="stable")
            for q in quotes.head(max_quotes).itertuples(index=False):
                paragraph = document.add_paragraph(style="List Bullet")
                tag = paragraph.add_run(f"{q.said_by}{' (via ' + q.code + ')' if q.via else ''}: ")
                tag.bold = True
                tag.font.size = Pt(9)
                paragraph.add_run(q.text).font.size = Pt(9)
            if len(quotes) > max_quotes:
                document.add_paragraph(f"... {len(quotes) - max_quotes} more excerpt(s) in the .xlsx 'excerpts' sheet.")
            if row.rapid_summaries:
                document.add_paragraph(f"Rapid-analysis summaries: {row.rapid_summaries}").runs[0].font.size = Pt(9)
            box = document.add_table(rows=1, cols=3)
            box.style = "Table Grid"
            box.rows[0].cells[0].text = "Rating:"
            box.rows[0].cells[1].text = "Rationale:"
            box.rows[0].cells[2].text = "Quote to pin:"
    _save_stamped(document, path, moment)
    return path


__all__ = ["write_worksheet", "redact_worksheet"]
