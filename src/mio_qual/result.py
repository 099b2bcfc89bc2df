"""What an analysis returns: tables and figures with their titles, notes and sources.

Analyses (agreement, mixed methods, auto-coding evaluation, rapid analysis ...) compute on
DataFrames and return these objects; they never write files. One renderer,
:func:`mio_qual.reports.render.render`, turns a result into a screen table, CSV, XLSX, Word
or PNG in the house style, so that every ``--format``/``--out`` of the CLI and every report
shows the same thing the same way.

This module imports nothing heavy, so the CLI can name these types at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass
class Table:
    """One table with everything a reader needs to read it right.

    Attributes
    ----------
    frame : DataFrame
        The rows and columns, as an analyst would use them.
    title : str
        The caption.
    notes : list of str
        Shown under the table: the rules used, caveats, what was set aside.
    rating_columns : list of str
        Columns whose cells are construct ratings (``+2`` ... ``-2``, ``X``), shaded by valence.
    sheet : str
        The sheet name when written to an ``.xlsx`` workbook.
    sources : list of str
        Keys of :data:`mio_qual.citations.CITATIONS` for the methods the table follows.
    """

    frame: "pd.DataFrame"
    title: str = ""
    notes: list[str] = field(default_factory=list)
    rating_columns: list[str] = field(default_factory=list)
    sheet: str = "table"
    sources: list[str] = field(default_factory=list)


@dataclass
class Figure:
    """A chart described by its data; the renderer draws it.

    Attributes
    ----------
    kind : str
        Which chart the renderer draws (for example ``"heatmap"`` or ``"interval"``).
    frame : DataFrame
        The data the chart shows.
    title : str
        The caption.
    notes : list of str
        Shown under the figure.
    sources : list of str
        Keys of :data:`mio_qual.citations.CITATIONS`.
    options : dict
        Drawing options that belong to the chart (axis label, reference lines ...).
    """

    kind: str
    frame: "pd.DataFrame"
    title: str = ""
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    """What one analysis returns: its main table, any further tables and figures.

    Attributes
    ----------
    kind : str
        What made it (``"agreement"``, ``"case-ordered"`` ...).
    tables : list of Table
        The first is the main table (the one a screen or a CSV shows).
    figures : list of Figure
    title : str
    notes : list of str
        Notes about the whole result (each table has its own too).
    data : dict
        What the result was built from, for analysts (matrices, flags, parameters).
    """

    kind: str
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    title: str = ""
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def frame(self) -> "pd.DataFrame":
        """The main table's frame."""
        return self.tables[0].frame
