"""Word reports in one house style: coder's manual, agreement, themes, joint displays, study report.

Investigators read Word. Every document here is written through one
:class:`~mio_qual.reports.builder.ReportBuilder` (heading styles, a table of contents field,
numbered and captioned tables and figures, page numbers, landscape sections for wide tables,
one set of fonts), so a PI can send it to co-authors without retyping a table::

    from mio_qual import Project
    from mio_qual.reports import study_report

    project = Project.open("my-study")
    result = study_report(project, "out/study.docx")     # charts saved beside it as PNG
    result.path, result.figures, result.tables

One function per kind (:data:`KINDS`): :func:`codebook_report`, :func:`agreement_report`,
:func:`themes_report`, :func:`joint_report` and :func:`study_report`; ``mio-qual report KIND
--out FILE.docx`` calls the same functions. Each builds against whatever the project holds: a
section whose data is absent says so in one sentence.

Privacy (DESIGN.md, decision 9): every text that enters a report passes through the project's
redactor (roster names and aliases, name-like speaker labels, and names from ``redact``);
participants are quoted by study id and role.

Modules: :mod:`.style` (the house style), :mod:`.builder` (the document builder),
:mod:`.charts` (matplotlib charts), :mod:`.methods` (method paragraphs written from the audit
trail and the stored layers), :mod:`.deidentify` (the redactor), :mod:`.documents` (the
reports).
"""

from __future__ import annotations

from .builder import ReportBuilder
from .documents import (
    KINDS,
    ReportResult,
    agreement_report,
    codebook_report,
    joint_report,
    study_report,
    themes_report,
    write_report,
)
from .style import HOUSE_STYLE, HouseStyle

__all__ = [
    "KINDS",
    "HOUSE_STYLE",
    "HouseStyle",
    "ReportBuilder",
    "ReportResult",
    "agreement_report",
    "codebook_report",
    "joint_report",
    "study_report",
    "themes_report",
    "write_report",
]
