"""The construct x case heatmap of ratings (PNG, matplotlib with the Agg backend).

Cells are coloured by score on a diverging red-blue scale (-2 red ... +2 blue, readable with
red-green colour blindness), X (mixed) amber and hatched, missing white; each cell shows its
rating. Rows are grouped by CFIR domain (the construct id's prefix), with a rule and the
domain's name between groups; the chart is 6.4 in wide so that its 8.5 pt labels print at
about that size at page width. Cases can be ordered by an
outcome (their values under the case names) and distinguishing constructs marked with ``*``.

Analyses describe the chart as a ``Figure(kind="heatmap", ...)`` (the rating matrix in
``frame``, labels in ``options``); :func:`draw_heatmap` draws it, and
:func:`mio_qual.reports.charts.draw` sends ``heatmap`` figures here.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from ..mixed.ratings_scale import score
from ..result import Figure
from .render import FILLS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


#: CFIR 2.0 domains by construct-id prefix (Damschroder et al., 2022), for the group labels.
DOMAIN_NAMES = {"INN": "Innovation", "OS": "Outer Setting", "IS": "Inner Setting", "IND": "Individuals",
                "IP": "Process", "MIO": "Study codes"}


def heatmap(matrix: "pd.DataFrame", path: str | Path, *, names: Mapping[str, str] | None = None,
            outcomes: Mapping[str, float] | None = None, outcome: str = "", flags: Mapping[str, str] | None = None,
            title: str | None = None, dpi: int = 150) -> Path:
    """Draw a rating matrix (constructs x cases, cells ``'+2'`` ... ``'X'`` or None) to a PNG.

    Parameters
    ----------
    matrix : DataFrame
        As :func:`mio_qual.mixed.ratings.construct_matrix` returns (columns in display order).
    path : str or Path
    names : mapping, optional
        Construct id -> name, for the row labels.
    outcomes : mapping, optional
        Case -> outcome value, shown under each case name.
    outcome : str
        The outcome's name, for the axis label.
    flags : mapping, optional
        Construct id -> distinguishing label; ``distinguishing`` rows get ``**``, ``weakly
        distinguishing`` ``*``, ``reverse`` ``(r)``.
    title : str, optional
    dpi : int

    Returns
    -------
    Path
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.figure import Figure as Canvas
    from matplotlib.patches import Patch, Rectangle

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    domains = [str(c).split(".", 1)[0] for c in matrix.index]
    first = {d: k for k, d in reversed(list(enumerate(domains)))}
    order = sorted(range(len(domains)), key=lambda k: (first[domains[k]], k))  # grouped, order kept within
    matrix = matrix.iloc[order]
    domains = [domains[k] for k in order]
    n_rows, n_cols = matrix.shape
    values = np.array([[score(matrix.iat[i, j]) for j in range(n_cols)] for i in range(n_rows)], dtype=float)
    colours = [f"#{FILLS[r]}" for r in ("-2", "-1", "0", "+1", "+2")]
    cmap = LinearSegmentedColormap.from_list("valence", colours, N=256)
    cmap = cmap.with_extremes(bad="white")
    height = min(max(2.5, 0.26 * n_rows + 2.0), 7.0)  # fits a portrait page at full width (charts.MAX_HEIGHT)
    width = 6.4
    figure = Canvas(figsize=(width, height))  # the object API on an Agg canvas: no pyplot, no global backend
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    axes.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=-2, vmax=2, aspect="auto")
    marks = {"distinguishing": " **", "weakly distinguishing": " *", "reverse": " (r)"}
    for i in range(n_rows):
        for j in range(n_cols):
            raw = matrix.iat[i, j]
            text = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw)
            if text == "X":
                axes.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=f"#{FILLS['X']}", hatch="//",
                                         edgecolor="#b08800", linewidth=0))
            colour = "white" if text in ("-2", "+2") else "black"
            axes.text(j, i, text, ha="center", va="center", fontsize=8.5, color=colour)
    labels = []
    for construct in matrix.index:
        label = f"{construct} {names.get(construct, '')}".strip() if names else str(construct)
        if flags:
            label += marks.get(flags.get(construct, ""), "")
        labels.append(label)
    import textwrap

    labels = [textwrap.shorten(label, 46, placeholder="\u2026") for label in labels]
    axes.set_yticks(range(n_rows), labels=labels, fontsize=8.5)
    for k in range(1, n_rows):
        if domains[k] != domains[k - 1]:
            axes.axhline(k - 0.5, color="#333333", linewidth=1.6)
    row_inches = (height - 2.0) / max(n_rows, 1)
    for domain in dict.fromkeys(domains):
        rows = [k for k, d in enumerate(domains) if d == domain]
        name = DOMAIN_NAMES.get(domain, domain)
        if len(name) * 0.075 > len(rows) * row_inches:  # a short group: its id, so labels never run together
            name = domain
        axes.text(n_cols - 0.45, (rows[0] + rows[-1]) / 2, name, rotation=-90,
                  ha="left", va="center", fontsize=8.5, fontweight="bold", color="#333333")
    case_labels = [f"{c}\n{outcomes[c]:.2f}" if outcomes and c in outcomes and not math.isnan(outcomes[c]) else str(c)
                   for c in matrix.columns]
    axes.set_xticks(range(n_cols), labels=case_labels, fontsize=8.5)
    axes.xaxis.tick_top()
    axes.set_xticks(np.arange(-0.5, n_cols, 1), minor=True)
    axes.set_yticks(np.arange(-0.5, n_rows, 1), minor=True)
    axes.grid(which="minor", color="white", linewidth=1.5)
    axes.tick_params(which="minor", length=0)
    if outcome:
        axes.set_xlabel(f"cases ordered by {outcome} (value under each name)", fontsize=8.5)
    legend = [Patch(facecolor=f"#{FILLS[r]}", label=r) for r in ("+2", "+1", "0", "-1", "-2")]
    legend += [Patch(facecolor=f"#{FILLS['X']}", hatch="//", label="X mixed"),
               Patch(facecolor="white", edgecolor="grey", label="missing")]
    axes.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.01 if not outcome else -0.08),
                fontsize=8.5, frameon=False, ncol=7, handlelength=1.2, columnspacing=0.8)
    if flags:
        figure.text(0.01, 0.005, "** distinguishing, * weakly distinguishing, (r) reverse", fontsize=8.5)
    if title:
        axes.set_title(title, fontsize=10, pad=28)
    from matplotlib.layout_engine import TightLayoutEngine

    from .charts import save_png

    TightLayoutEngine().execute(figure)  # what figure.tight_layout() runs, without leaving an engine on the figure
    return save_png(figure, path, dpi=dpi)  # cropped to the content: the legend sits below the axes


def draw_heatmap(figure: Figure, path: str | Path, *, dpi: int = 150) -> Path:
    """Draw a ``heatmap`` :class:`~mio_qual.result.Figure` to a PNG.

    Parameters
    ----------
    figure : Figure
        ``frame`` the rating matrix (constructs x cases); ``options`` may hold ``names``,
        ``outcomes``, ``outcome`` and ``flags`` (see :func:`heatmap`).
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    options = figure.options
    return heatmap(figure.frame, path, names=options.get("names"), outcomes=options.get("outcomes"),
                   outcome=options.get("outcome", ""), flags=options.get("flags"), title=figure.title or None, dpi=dpi)


__all__: Sequence[str] = ["heatmap", "draw_heatmap"]
