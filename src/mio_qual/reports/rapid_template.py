"""Word templates for rapid qualitative analysis: one per transcript, read back by
:func:`mio_qual.rapid.summaries.parse_summary_docx`.

The file holds an about table (transcript, template, summarizer, clinic ...), the summary
table (one row per domain with its prompt, a cell for the summary and one for quotes) and the
transcript itself, turn by turn with segment ids to cite. Speakers appear by study id and
role, and names are redacted as in every report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from ..rapid.summaries import ABOUT_KEYS, DOMAIN, DOMAIN_ID, PROMPT, QUOTES, SO_FAR, SUMMARY
from ..rapid.template import Template
from .builder import ReportBuilder

if TYPE_CHECKING:
    import pandas as pd

_WIDTHS_CM = {DOMAIN_ID: 2.4, DOMAIN: 2.8, PROMPT: 4.8, SO_FAR: 5.5, SUMMARY: 8.0, QUOTES: 3.2}


def write_summary_template(path: str | Path, *, template: Template, about: Mapping[str, str], turns: "pd.DataFrame",
                           previous: Mapping[str, Sequence[tuple[str, str]]] | None = None,
                           redact: Callable[[str], str] | None = None) -> Path:
    """Write one transcript's summary template.

    Parameters
    ----------
    path : str or Path
        The .docx to write.
    template : Template
        Domains and prompts.
    about : mapping
        Values for :data:`~mio_qual.rapid.summaries.ABOUT_KEYS` (Transcript and Template at least).
    turns : DataFrame
        The transcript's turns: segment_id, study_id, speaker_role, text.
    previous : mapping of domain id to [(summarizer, summary)], optional
        Earlier summaries to show in a "Summaries so far" column (consensus templates).
    redact : callable, optional
        Applied to every text written (the project's redactor).
    """
    from docx.shared import Cm, Pt

    builder = ReportBuilder(f"Rapid analysis summary {about.get('Transcript', '')}", redact=redact)
    builder.heading(f"Rapid analysis summary: {about.get('Transcript', '')}", level=1)
    builder.paragraph(
        "Fill the Summary column in your own words, one domain per row; write 'n/a' where the domain did not "
        "come up and leave a cell empty only if you did not get to it. In the Quotes column put one quote per "
        "line: a segment id from the transcript below (t12, or a range t12-t14) or words copied exactly from it "
        "(join parts with ...). Keep every row and the about table as they are.")
    table = builder.document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for key in ABOUT_KEYS:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, about.get(key, "")  # ids and labels, never participants
    columns = [DOMAIN_ID, DOMAIN, PROMPT, *([SO_FAR] if previous else []), SUMMARY, QUOTES]
    with builder.landscape_section():
        builder.heading("Summary", level=2)
        grid = builder.document.add_table(rows=1, cols=len(columns))
        grid.style = "Table Grid"
        for cell, name in zip(grid.rows[0].cells, columns):
            cell.text = name
            cell.paragraphs[0].runs[0].bold = True
        for domain in template.domains:
            cells = grid.add_row().cells
            values = {DOMAIN_ID: domain.id, DOMAIN: domain.name,
                      PROMPT: domain.prompt + (f" (CFIR: {', '.join(domain.constructs)})" if domain.constructs else ""),
                      SO_FAR: "\n".join(f"{who}: {text}" for who, text in (previous or {}).get(domain.id, ())),
                      SUMMARY: "", QUOTES: ""}
            for cell, name in zip(cells, columns):
                cell.text = builder.clean(values[name])
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(9)
        grid.autofit = False
        scale = builder.text_width_cm() / sum(_WIDTHS_CM[name] for name in columns)
        for column, name in zip(grid.columns, columns):
            column.width = Cm(_WIDTHS_CM[name] * scale)  # the grid (LibreOffice) and each cell (Word)
            for cell in column.cells:
                cell.width = Cm(_WIDTHS_CM[name] * scale)
    builder.heading("Transcript", level=2)
    builder.note("Speakers by study id and role; names redacted. Cite a turn by the id before it.")
    for row in turns.itertuples(index=False):
        number = str(row.segment_id).split(":", 1)[-1]
        who = " ".join(str(v) for v in (row.study_id, f"({row.speaker_role})" if row.speaker_role else "")
                       if v and str(v) not in ("None", "nan")) or "speaker"
        builder.paragraph(f"**{number}** {who}: {row.text}")
    return builder.save(path)


__all__ = ["write_summary_template"]
