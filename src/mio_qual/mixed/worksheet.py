"""Rating worksheets: one row per construct per case, with the evidence behind it.

A rater gets an ``.xlsx`` file (sheet ``ratings``: counts, participants, transcripts, the
de-identified excerpts, and empty ``rating`` and ``rationale`` columns; sheet ``excerpts``: one
row per excerpt; sheet ``about``: the scale, the case kind, the layers and codebook used) and a
``.docx`` file with the same evidence laid out for reading. The rater fills the ``.xlsx`` and
brings it back with ``mio-qual ratings import``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import InputError
from ..exports import safe_cell
from .constructs import Constructs, as_list, case_column, load_constructs, project_cases
from ..reports.render import _cell_value
from .evidence import choose_layers, evidence, speaker_tag, summarize
from .ratings_scale import HINT

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..project import Project

WORKSHEET_COLUMNS = ["case_kind", "case_id", "construct", "construct_name", "n_excerpts", "n_via", "codes",
                     "n_participants", "participants", "n_transcripts", "transcripts", "evidence", "rating",
                     "rationale"]
MAX_EVIDENCE_CHARS = 30000  # an Excel cell holds at most 32,767 characters
SCALE_TEXT = [
    ("+2", "strong positive influence on implementation: explicit, concrete, several participants"),
    ("+1", "weak positive influence: general or from one participant"),
    ("0", "neutral: mentioned without a clear effect, or positive and negative balance as description only"),
    ("-1", "weak negative influence: general or from one participant"),
    ("-2", "strong negative influence: explicit, concrete, several participants"),
    ("X", "mixed: clear positive and negative influences that cannot be weighed against each other"),
    ("(empty)", "missing: not enough information to rate"),
]


@dataclass
class Worksheet:
    """A rating worksheet before it is written.

    Attributes
    ----------
    rows : DataFrame
        :data:`WORKSHEET_COLUMNS`, one row per construct per case.
    excerpts : DataFrame
        One row per excerpt (case, construct, code, who said it, where, text).
    by : str
        Case kind.
    layers : str
        Which coding layers the evidence came from.
    codebook : str
        Where construct names came from.
    """

    rows: "pd.DataFrame"
    excerpts: "pd.DataFrame"
    by: str
    layers: str
    codebook: str
    info: Constructs = field(repr=False, default=None)  # type: ignore[assignment]


def build_worksheet(project: "Project", by: str = "clinic", *, coder: str | Sequence[str] | None = None,
                    constructs: Sequence[str] | None = None, cases: Sequence[str] | None = None,
                    codebook: Any = None, via_refines: bool = True, redact_names: bool = True) -> Worksheet:
    """Collect the evidence for a rating worksheet.

    Parameters
    ----------
    project : Project
    by : {"clinic", "agency", "role", "transcript"}
    coder : str or sequence of str, optional
        Coding layers to quote (default: consensus, else every human layer merged).
    constructs : sequence of str, optional
        Constructs to rate (default: every rateable CFIR construct coded directly in the layers).
    cases : sequence of str, optional
        Cases to include (default: every case of the kind in the project).
    codebook : optional
        See :func:`mio_qual.mixed.constructs.load_constructs`.
    via_refines : bool
        Also quote excerpts of study codes that refine a construct (marked ``via``).
    redact_names : bool
        Redact roster names in the excerpts.

    Returns
    -------
    Worksheet
    """
    import pandas as pd

    case_column(by)
    info = load_constructs(project, codebook)
    layers, layer_text = choose_layers(project, coder)
    frame = evidence(project, by, coder=layers or None, codebook=codebook, via_refines=via_refines,
                     redact_names=redact_names, info=info)
    chosen = as_list(constructs)
    if chosen:
        unknown = [c for c in chosen if c not in info and c not in set(frame["construct"])]
        if unknown:
            raise InputError(f"unknown construct {unknown[0]!r}",
                             hint=("did you mean " + " or ".join(info.suggest(unknown[0])) + "?")
                             if info.suggest(unknown[0]) else "use code ids such as IS.J2")
        chosen = info.sort(chosen)
    else:
        direct = set(frame.loc[~frame["via"], "construct"]) if len(frame) else set()
        chosen = info.sort(c for c in direct if info.rateable(c))
    all_cases = as_list(cases) or project_cases(project, by)
    if not all_cases:
        raise InputError(f"the project has no {by} cases to rate", path=project.folder,
                         hint="import transcripts with a manifest that names them")
    frame = frame[frame["construct"].isin(chosen) & frame["case_id"].isin(all_cases)].reset_index(drop=True)
    counts = {(r.case_id, r.construct): r for r in summarize(frame).itertuples(index=False)}
    texts = {key: _evidence_text(group) for key, group in frame.groupby(["case_id", "construct"], sort=False)}
    rows = []
    for case in all_cases:
        for construct in chosen:
            key = (case, construct)
            found = counts.get(key)
            rows.append({
                "case_kind": by, "case_id": case, "construct": construct, "construct_name": info.name(construct),
                "n_excerpts": int(found.n_excerpts) if found is not None else 0,
                "n_via": int(found.n_via) if found is not None else 0,
                "codes": found.codes if found is not None else "",
                "n_participants": int(found.n_participants) if found is not None else 0,
                "participants": found.participants if found is not None else "",
                "n_transcripts": int(found.n_transcripts) if found is not None else 0,
                "transcripts": found.transcripts if found is not None else "",
                "evidence": texts.get(key, ""),
                "rating": "", "rationale": "",
            })
    excerpts = frame.assign(
        construct_name=frame["construct"].map(info.name),
        said_by=[speaker_tag(r) for r in frame.itertuples()] if len(frame) else [],
    )[["case_kind", "case_id", "construct", "construct_name", "code", "via", "transcript_id", "speaker_id",
       "speaker_role", "said_by", "coders", "text"]] if len(frame) else pd.DataFrame(
        columns=["case_kind", "case_id", "construct", "construct_name", "code", "via", "transcript_id", "speaker_id",
                 "speaker_role", "said_by", "coders", "text"])
    return Worksheet(pd.DataFrame(rows, columns=WORKSHEET_COLUMNS), excerpts.reset_index(drop=True), by,
                     layer_text, info.source, info)


def _evidence_text(quotes: "pd.DataFrame") -> str:
    parts = []
    for row in quotes.itertuples():
        via = f" (via {row.code})" if row.via else ""
        parts.append(f"[{speaker_tag(row)}]{via} {row.text}")
    text = "\n\n".join(parts)
    if len(text) > MAX_EVIDENCE_CHARS:
        text = text[:MAX_EVIDENCE_CHARS - 60] + "\n\n[... more in the 'excerpts' sheet]"
    return text


def _safe_filename(rater: str) -> str:
    return re.sub(r"[^\w.-]+", "_", rater.strip()) or "rater"


def write_worksheet(sheet: Worksheet, folder: str | Path, rater: str | None = None, *, docx: bool = True) -> list[Path]:
    """Write a rater's ``ratings_<rater>.xlsx`` (and ``.docx``) into ``folder``.

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"ratings_{_safe_filename(rater)}" if rater else "ratings_worksheet"
    written = [_write_xlsx(sheet, folder / f"{stem}.xlsx", rater)]
    if docx:
        written.append(_write_docx(sheet, folder / f"{stem}.docx", rater))
    return written


def _about_rows(sheet: Worksheet, rater: str | None) -> list[list[str]]:
    from ..store import now_iso

    rows = [["rater", rater or ""], ["case_kind", sheet.by], ["evidence", sheet.layers],
            ["codebook", sheet.codebook], ["created", now_iso()], [],
            ["How to rate", "Give each construct in each case one value in the 'rating' column and say why in "
             "'rationale'. Ratings follow Damschroder & Lowery (2013): valence (+ or -) and strength (1 or 2)."],
            []]
    rows += [[value, meaning] for value, meaning in SCALE_TEXT]
    rows += [[], ["Import", f"mio-qual ratings import THIS_FILE --rater {rater or 'NAME'}"],
             ["Note", "Keep the columns case_kind, case_id, construct, rating and rationale as they are; other "
                      "columns are for reading and are not imported. " + HINT + "."]]
    return rows


def _write_xlsx(sheet: Worksheet, path: Path, rater: str | None) -> Path:
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
              "participants": 28, "transcripts": 16, "evidence": 90, "rating": 8, "rationale": 50}
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
    if ws.max_row >= 2:
        letter = get_column_letter(rating_col)
        validation = DataValidation(type="list", formula1='"-2,-1,0,+1,+2,X"', allow_blank=True,
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
    for row in _about_rows(sheet, rater):
        about.append([safe_cell(v) for v in row])
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 110
    book.save(path)
    return path


def _write_docx(sheet: Worksheet, path: Path, rater: str | None, max_quotes: int = 12) -> Path:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.add_heading(f"Construct rating worksheet{': ' + rater if rater else ''}", level=0)
    document.add_paragraph(f"Cases: {sheet.by}. Evidence: {sheet.layers}. Codebook: {sheet.codebook}. "
                           "Speakers are shown by study id and role; names are redacted.")
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for value, meaning in SCALE_TEXT:
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
                f"{row.n_excerpts} excerpt(s) coded directly, {row.n_via} via refining codes; "
                f"{row.n_participants} participant(s); transcripts: {row.transcripts or 'none'}.")
            quotes = grouped.get((case, row.construct), empty)
            for q in quotes.head(max_quotes).itertuples(index=False):
                paragraph = document.add_paragraph(style="List Bullet")
                tag = paragraph.add_run(f"{q.said_by}{' (via ' + q.code + ')' if q.via else ''}: ")
                tag.bold = True
                tag.font.size = Pt(9)
                paragraph.add_run(q.text).font.size = Pt(9)
            if len(quotes) > max_quotes:
                document.add_paragraph(f"... {len(quotes) - max_quotes} more excerpt(s) in the .xlsx 'excerpts' sheet.")
            box = document.add_table(rows=1, cols=2)
            box.style = "Table Grid"
            box.rows[0].cells[0].text = "Rating:"
            box.rows[0].cells[1].text = "Rationale:"
    document.save(path)
    return path


__all__ = ["Worksheet", "build_worksheet", "write_worksheet", "WORKSHEET_COLUMNS", "SCALE_TEXT"]
