"""The charts the reports embed, drawn with matplotlib's Agg canvas and saved as PNG.

Each function takes a tidy DataFrame, writes one PNG and returns its path. They use
``matplotlib.figure.Figure`` with an Agg canvas directly (never ``pyplot``), so they change no
global matplotlib state, need no display, and are safe to call from a notebook that uses
another backend.

* :func:`code_frequency_chart`: how often each code was applied, in each clinic (stacked bars);
* :func:`construct_heatmap`: CFIR construct ratings (-2 .. +2, X, missing) by clinic (drawn by
  :mod:`mio_qual.reports.heatmap`, which owns it);
* :func:`agreement_chart`: an agreement coefficient per code with its confidence interval and
  the thresholds it is read against.

:func:`draw` is the entry point for a :class:`~mio_qual.result.Figure` an analysis returns: it
dispatches on ``Figure.kind`` (:data:`KINDS`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

    from ..result import Figure as ResultFigure

DPI = 200
#: Colours of clinics (colour-blind safe, Okabe & Ito 2008) in the order clinics are listed.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")


def _figure(width: float, height: float) -> "Figure":
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # no layout engine on the figure: _save lays it out once (a figure's own engine makes savefig draw twice)
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.patch.set_facecolor("white")
    return figure


def save_png(figure: "Figure", path: str | Path, *, dpi: int = DPI, pad_inches: float = 0.08,
             metadata: Mapping[str, str] | None = None) -> Path:
    """Write ``figure`` as a PNG cropped to its content, laid out and drawn once.

    ``savefig(bbox_inches="tight")`` and a figure's layout engine each make matplotlib draw the whole
    figure once (without rendering) before it draws it for the file. The callers here lay the figure
    out themselves (a layout engine's ``execute``, never set on the figure); the tight box is measured
    from the laid-out figure (text extents only) and handed to ``savefig`` as a fixed box: one draw,
    and the same pixels as ``bbox_inches="tight"`` gave.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        A laid-out figure on an Agg canvas, without a layout engine.
    path : path
        PNG to write (atomically).
    dpi : int
    pad_inches : float
        Margin around the content.
    metadata : mapping, optional
        PNG text chunks (matplotlib's own ``Software`` entry when not given).

    Returns
    -------
    Path
    """
    from ..atomicio import replacing

    path = Path(path)
    if figure.dpi != dpi:  # measured at the resolution it is drawn at (text extents do not scale exactly)
        figure.dpi = dpi
    box = figure.get_tightbbox(figure.canvas.get_renderer()).padded(pad_inches)
    with replacing(path) as temporary:
        figure.savefig(temporary, format="png", dpi=dpi, bbox_inches=box, metadata=metadata)
    return path


def _save(figure: "Figure", path: str | Path) -> Path:
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    # constrained layout keeps the labels inside the figure's width, so a chart placed at page width
    # prints its labels at the size they were set in (a tight bounding box grew the PNG past it instead)
    ConstrainedLayoutEngine().execute(figure)
    return save_png(figure, path, metadata={"Software": "mio-qual"})


#: Smallest text on a chart, in points at the width the reports place it (16 cm for a 6.4 in figure):
#: every label stays readable at page width (at least 8 pt).
LABEL_PT = 8.5
#: Tallest chart (inches): at 6.4 in wide it fits a portrait page at full width with its caption
#: (:meth:`mio_qual.reports.builder.ReportBuilder.figure` shrinks a taller one, and its labels with it).
MAX_HEIGHT = 7.4


def _style_axes(ax: object) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=LABEL_PT)


def code_frequency_chart(counts: "pd.DataFrame", path: str | Path, *, title: str | None = None,
                         xlabel: str = "codings") -> Path:
    """Stacked horizontal bars: one bar per code, one colour per clinic.

    Parameters
    ----------
    counts : pandas.DataFrame
        Index: code labels (top bar first); columns: clinics; values: counts.
    path : path
        PNG to write.
    title : str, optional
    xlabel : str
        What the counts count.

    Returns
    -------
    Path
    """
    import numpy as np

    n = max(len(counts), 1)
    figure = _figure(6.4, min(1.3 + 0.2 * n, MAX_HEIGHT))
    ax = figure.add_subplot(1, 1, 1)
    y = np.arange(len(counts))[::-1]
    left = np.zeros(len(counts))
    for k, clinic in enumerate(counts.columns):
        values = counts[clinic].fillna(0).to_numpy(dtype=float)
        bars = ax.barh(y, values, left=left, height=0.72, color=PALETTE[k % len(PALETTE)], label=str(clinic),
                       edgecolor="white", linewidth=0.4)
        for bar in bars:  # bars sit inside the axes: leave them out of the tight-bbox pass (it is slow)
            bar.set_in_layout(False)
        left += values
    ax.set_yticks(y)
    ax.set_yticklabels([str(i) for i in counts.index], fontsize=LABEL_PT)
    ax.set_ylim(-0.6, len(counts) - 0.4)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.xaxis.grid(True, color="#E3E3E3", linewidth=0.6)
    ax.set_axisbelow(True)
    _style_axes(ax)
    if len(counts.columns):
        # above the bars, never over them (a legend inside the axes covered the longest bars)
        ax.legend(fontsize=LABEL_PT, frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0),
                  ncol=len(counts.columns) if len(counts.columns) <= 4 else 3, title="clinic",
                  title_fontsize=LABEL_PT, handlelength=1.2, columnspacing=1.0,
                  alignment="left", borderaxespad=0.2)
    if title:
        ax.set_title(title, fontsize=10, loc="left", pad=28 if len(counts.columns) else 6)
    return _save(figure, path)


def construct_heatmap(ratings: Any, path: str | Path, *, names: Mapping[str, str] | None = None,
                      outcomes: Mapping[str, float] | None = None, outcome: str = "",
                      flags: Mapping[str, str] | None = None, title: str | None = None) -> Path:
    """The construct x clinic heatmap of ratings, drawn by :mod:`mio_qual.reports.heatmap`.

    The mixed-methods package owns the heatmap (its colours match the rating fills of its XLSX
    joint displays); reports use it through this function so that every chart a report embeds
    is reached from one module.

    Parameters
    ----------
    ratings : JointDisplay or pandas.DataFrame
        A case-ordered :class:`~mio_qual.mixed.joint.JointDisplay` (cases ordered by outcome,
        distinguishing constructs marked), or a construct x case matrix of ratings.
    path : path
    names, outcomes, outcome, flags, title
        For a matrix: see :func:`mio_qual.reports.heatmap.heatmap`.

    Returns
    -------
    Path
    """
    from .heatmap import draw_heatmap, heatmap

    if hasattr(ratings, "data") and hasattr(ratings, "frame"):
        return draw_heatmap(ratings.result().figures[0], path, dpi=DPI)
    return heatmap(ratings, path, names=names, outcomes=outcomes, outcome=outcome, flags=flags, title=title, dpi=DPI)


def agreement_chart(frame: "pd.DataFrame", path: str | Path, *, value: str = "value", low: str = "ci_low",
                    high: str = "ci_high", label: str = "code", statistic: str = "agreement",
                    thresholds: Sequence[float] = (), title: str | None = None) -> Path:
    """One point per code with its confidence interval, sorted by value, thresholds as lines.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per code.
    path : path
    value, low, high, label : str
        Column names of the coefficient, its interval and the row label.
    statistic : str
        Axis label (e.g. "Cohen's kappa").
    thresholds : sequence of float
        Reference values drawn as dashed vertical lines; give only the cut-offs of ``statistic``
        itself (Krippendorff's 0.667 and 0.800 belong to alpha, not to kappa).
    title : str, optional

    Returns
    -------
    Path
    """
    import numpy as np

    data = frame.sort_values(value, ascending=True, na_position="first").reset_index(drop=True)
    n = max(len(data), 1)
    figure = _figure(6.4, min(1.0 + 0.2 * n, MAX_HEIGHT))
    ax = figure.add_subplot(1, 1, 1)
    y = np.arange(len(data))
    values = data[value].to_numpy(dtype=float)
    lows = data[low].to_numpy(dtype=float) if low in data else np.full(len(data), np.nan)
    highs = data[high].to_numpy(dtype=float) if high in data else np.full(len(data), np.nan)
    has_ci = ~(np.isnan(lows) | np.isnan(highs) | np.isnan(values))
    if has_ci.any():
        # drawn as lines from low to high (a bootstrap interval need not contain the estimate,
        # which errorbar's distances cannot express)
        ax.hlines(y[has_ci], lows[has_ci], highs[has_ci], color="#7A8799", linewidth=1.0)
        ax.plot(np.concatenate([lows[has_ci], highs[has_ci]]), np.concatenate([y[has_ci], y[has_ci]]), "|",
                color="#7A8799", markersize=4)
    defined = ~np.isnan(values)
    # a value below -1 (a kappa whose chance agreement is almost 1) is drawn at the left edge with its value:
    # placed where it is, its label stretched the PNG to tens of thousands of pixels
    off = defined & (values < -1.05)
    ax.plot(values[defined & ~off], y[defined & ~off], "o", color=PALETTE[0], markersize=3.5)
    if off.any():
        ax.plot(np.full(int(off.sum()), -1.05), y[off], "<", color=PALETTE[0], markersize=4, clip_on=False)
    for yy, v in zip(y[off], values[off]):
        ax.text(-1.05, yy, f"  {v:.2f}, off the scale", fontsize=LABEL_PT - 0.5, va="center", color="#666666")
    bare = defined & ~off & (~has_ci | (np.abs(highs - lows) < 1e-9))
    for yy, v in zip(y[bare], values[bare]):
        ax.text(v, yy, "  no interval", fontsize=LABEL_PT - 0.5, va="center", color="#666666")
    for yy in y[~defined]:
        ax.text(0.0, yy, "undefined", fontsize=LABEL_PT - 0.5, va="center", color="#666666")
    for threshold in thresholds:
        ax.axvline(threshold, color="#444444", linestyle="--", linewidth=0.8)
        ax.text(threshold, len(data) - 0.3, f" {threshold:g}", fontsize=LABEL_PT, color="#444444", va="bottom")
    ax.set_yticks(y)
    ax.set_yticklabels([str(v) for v in data[label]], fontsize=LABEL_PT)
    ax.set_ylim(-0.7, len(data) - 0.3 + (0.6 if thresholds else 0))
    finite = np.concatenate([values[defined & ~off], lows[has_ci], highs[has_ci]])
    lo = min(-0.05 - 1.0 * bool(off.any()), float(np.nanmin(finite)) - 0.05) if finite.size else -0.05
    ax.set_xlim(max(lo, -1.05), 1.05)
    ax.set_xlabel(statistic, fontsize=9)
    ax.xaxis.grid(True, color="#E3E3E3", linewidth=0.6)
    ax.set_axisbelow(True)
    _style_axes(ax)
    if title:
        ax.set_title(title, fontsize=9, loc="left")
    return _save(figure, path)


def _draw_code_frequency(figure: "ResultFigure", path: Path) -> Path:
    options = figure.options
    return code_frequency_chart(figure.frame, path, title=options.get("title"), xlabel=options.get("xlabel", "codings"))


def _draw_interval(figure: "ResultFigure", path: Path) -> Path:
    options = {k: v for k, v in figure.options.items()
               if k in ("value", "low", "high", "label", "statistic", "thresholds", "title")}
    return agreement_chart(figure.frame, path, **options)


def _draw_heatmap(figure: "ResultFigure", path: Path) -> Path:
    from .heatmap import draw_heatmap

    return draw_heatmap(figure, path, dpi=DPI)


def _draw_timeline(figure: "ResultFigure", path: Path) -> Path:
    from .timeline import draw_timeline

    return draw_timeline(figure, path, dpi=DPI)


#: What :func:`draw` draws, by ``Figure.kind``: ``code-frequency`` (frame: codes x clinics of
#: counts; options ``xlabel``, ``title``), ``interval`` (frame: one row per code; options those of
#: :func:`agreement_chart`), ``heatmap`` (see :func:`mio_qual.reports.heatmap.draw_heatmap`) and
#: ``timeline`` (see :func:`mio_qual.reports.timeline.draw_timeline`).
KINDS = {"code-frequency": _draw_code_frequency, "interval": _draw_interval, "heatmap": _draw_heatmap,
         "timeline": _draw_timeline}


def draw(figure: "ResultFigure", path: str | Path) -> Path:
    """Draw a :class:`~mio_qual.result.Figure` as a PNG, whichever chart its ``kind`` names.

    Parameters
    ----------
    figure : mio_qual.result.Figure
    path : path
        PNG to write.

    Returns
    -------
    Path

    Raises
    ------
    InputError
        When no chart of that kind exists.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from mio_qual.result import Figure as Chart
    >>> counts = pd.DataFrame({"Northside": [3, 1], "Downtown": [2, 0]}, index=["IS.J2", "MIO.SUPV"])
    >>> png = draw(Chart("code-frequency", counts), pathlib.Path(tempfile.mkdtemp()) / "f.png")
    >>> png.read_bytes()[:4]
    b'\x89PNG'
    """
    from ..errors import InputError

    if figure.kind not in KINDS:
        raise InputError(f"no chart of kind {figure.kind!r}", hint="use one of " + ", ".join(KINDS))
    return KINDS[figure.kind](figure, Path(path))


__all__ = ["draw", "KINDS", "code_frequency_chart", "construct_heatmap", "agreement_chart", "PALETTE"]
