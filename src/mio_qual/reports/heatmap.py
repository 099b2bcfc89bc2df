"""The construct x case heatmap of ratings (PNG, matplotlib with the Agg backend).

Cells are coloured by score on a diverging red-green scale (-2 red ... +2 green), X (mixed)
amber and hatched, missing white; each cell shows its rating. Cases can be ordered by an
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
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.patches import Patch, Rectangle

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n_rows, n_cols = matrix.shape
    values = np.array([[score(matrix.iat[i, j]) for j in range(n_cols)] for i in range(n_rows)], dtype=float)
    colours = [f"#{FILLS[r]}" for r in ("-2", "-1", "0", "+1", "+2")]
    cmap = LinearSegmentedColormap.from_list("valence", colours, N=256)
    cmap = cmap.with_extremes(bad="white")
    height = max(2.5, 0.32 * n_rows + 1.6)
    width = max(5.0, 1.3 * n_cols + 4.0)
    figure, axes = plt.subplots(figsize=(width, height))
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
            axes.text(j, i, text, ha="center", va="center", fontsize=8, color=colour)
    labels = []
    for construct in matrix.index:
        label = f"{construct} {names.get(construct, '')}".strip() if names else str(construct)
        if flags:
            label += marks.get(flags.get(construct, ""), "")
        labels.append(label)
    axes.set_yticks(range(n_rows), labels=labels, fontsize=8)
    case_labels = [f"{c}\n{outcomes[c]:.2f}" if outcomes and c in outcomes and not math.isnan(outcomes[c]) else str(c)
                   for c in matrix.columns]
    axes.set_xticks(range(n_cols), labels=case_labels, fontsize=8)
    axes.xaxis.tick_top()
    axes.set_xticks(np.arange(-0.5, n_cols, 1), minor=True)
    axes.set_yticks(np.arange(-0.5, n_rows, 1), minor=True)
    axes.grid(which="minor", color="white", linewidth=1.5)
    axes.tick_params(which="minor", length=0)
    if outcome:
        axes.set_xlabel(f"cases ordered by {outcome} (value under each name)", fontsize=8)
    legend = [Patch(facecolor=f"#{FILLS[r]}", label=r) for r in ("+2", "+1", "0", "-1", "-2")]
    legend += [Patch(facecolor=f"#{FILLS['X']}", hatch="//", label="X mixed"),
               Patch(facecolor="white", edgecolor="grey", label="missing")]
    axes.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    if flags:
        figure.text(0.01, 0.005, "** distinguishing, * weakly distinguishing, (r) reverse", fontsize=7)
    if title:
        axes.set_title(title, fontsize=10, pad=28)
    figure.tight_layout()
    figure.savefig(path, dpi=dpi)
    plt.close(figure)
    return path


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
