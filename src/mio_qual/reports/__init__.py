"""Word reports in one house style: coder's manual, agreement, themes, joint displays, study report.

Investigators read Word. Every document here is written through one
:class:`~mio_qual.reports.builder.ReportBuilder` (heading styles, a table of contents field,
numbered and captioned tables and figures, page numbers, landscape sections for wide tables,
one set of fonts), so a PI can send it to co-authors without retyping a table. A project writes
them::

    project = mio_qual.Project.open("my-study")
    result = project.report_study("out/study.docx")     # charts saved beside it as PNG
    result.path, result.figures, result.tables

One function per kind (:data:`KINDS`): :func:`codebook_report`, :func:`agreement_report`,
:func:`themes_report`, :func:`joint_report` and :func:`study_report`. They take a
:class:`~mio_qual.reports.documents.ReportInputs` (the data each section shows, which the
``Project.report_*`` methods gather) and never read the store; ``mio-qual report KIND --out
FILE.docx`` calls the same methods. A section whose data is absent says so in one sentence.

Privacy (DESIGN.md, decision 9): every text that enters a report passes through the project's
redactor (roster names and aliases, name-like speaker labels, and names from ``redact``);
participants are quoted by study id and role.

Modules: :mod:`.style` (the house style), :mod:`.builder` (the document builder),
:mod:`.render` (every output format of a result, Word tables in the house style),
:mod:`.charts` (matplotlib charts, :func:`~mio_qual.reports.charts.draw`), :mod:`.methods`
(method paragraphs written from what the store holds), :mod:`.deidentify` (the ``--redact``
file), :mod:`.reproducible` (byte-identical files), :mod:`.documents` (the reports),
:mod:`.study` (the study report and its appendices).
"""

from __future__ import annotations

from .._lazy import attach

# public name -> its module, imported on first use (mio_qual._lazy: light imports, fast CLI start)
__getattr__, __dir__, __all__ = attach(__name__, {
    ".builder": ["ReportBuilder"],
    ".documents": [
        "KINDS", "ReportInputs", "ReportResult", "agreement_report", "codebook_report", "joint_report",
        "themes_report",
    ],
    ".study": ["study_report"],
    ".style": ["HOUSE_STYLE", "HouseStyle"],
})
