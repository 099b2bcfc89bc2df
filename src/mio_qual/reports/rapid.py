"""The rapid-analysis section of the study report: what was done, the matrix, the comparison.

:func:`write_rapid` takes :class:`RapidData` (gathered by
:meth:`mio_qual.project.Project.report_study`) and writes into a
:class:`~mio_qual.reports.builder.ReportBuilder`; it never reads the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from ..citations import narrative_citation

if TYPE_CHECKING:
    from ..rapid.template import Template
    from ..result import Result
    from .builder import ReportBuilder


@dataclass
class RapidData:
    """What the rapid-analysis section shows.

    Attributes
    ----------
    template : Template
        The summary template used.
    summarizers : list of str
        Everyone who summarised (``consensus`` included when there is one).
    n_transcripts : int
        Transcripts with at least one summary.
    matrix : Result or None
        The clinic x domain matrix; None when no summary can stand for every transcript
        (``unsettled`` says why).
    compare : Result or None
        Two summarizers compared, when two summarised the same transcripts.
    coverage : Result or None
        Rapid analysis against the coding layer named in ``layer``.
    layer : str
        The coding layer ``coverage`` uses.
    unsettled : str
        Why there is no matrix (two summaries of a transcript and no consensus), else ''.
    """

    template: "Template"
    summarizers: Sequence[str]
    n_transcripts: int
    matrix: "Result | None" = None
    compare: "Result | None" = None
    coverage: "Result | None" = None
    layer: str = ""
    unsettled: str = ""


def rapid_method(data: RapidData) -> str:
    """The methods paragraph: what the project did, in its own numbers.

    Examples
    --------
    >>> from mio_qual.rapid.template import load_template
    >>> text = rapid_method(RapidData(load_template(), ["kai", "remy", "consensus"], 2))
    >>> text.startswith("Rapid qualitative analysis (Hamilton (2013); Hamilton & Finley (2019)) summarised 2")
    True
    """
    people = [s for s in data.summarizers if s != "consensus"]
    sentences = [
        f"Rapid qualitative analysis ({narrative_citation('hamilton2013')}; {narrative_citation('hamilton2019')}) "
        f"summarised {data.n_transcripts} transcript(s) under the {len(data.template.domains)} domains of template "
        f"'{data.template.name}' (version {data.template.version}), each domain keyed to codebook constructs as in "
        f"{narrative_citation('gale2019')}.",
        f"Summaries were written by {len(people)} summarizer(s)"
        + (" and reconciled into a consensus summary per transcript." if "consensus" in data.summarizers
           else "; no consensus summary was written."),
    ]
    if data.unsettled:
        sentences.append(f"No matrix is shown: {data.unsettled}.")
    return " ".join(sentences)


def write_rapid(b: "ReportBuilder", data: RapidData, *, level: int = 1) -> None:
    """Write the section: methods, the matrix by clinic (landscape), the two summarizers
    compared and rapid analysis against coding, each table with its notes."""
    from .render import add_table

    b.heading("Rapid qualitative analysis", level)
    b.paragraph(rapid_method(data))
    if data.matrix is not None:
        with b.landscape_section():
            add_table(b, data.matrix.tables[0], caption=data.matrix.tables[0].title)
    if data.compare is not None:
        add_table(b, data.compare.tables[0], caption=data.compare.tables[0].title)
    if data.coverage is not None:
        add_table(b, data.coverage.tables[0],
                  caption=f"{data.coverage.tables[0].title} (coding layer {data.layer})")


__all__ = ["RapidData", "rapid_method", "write_rapid"]
