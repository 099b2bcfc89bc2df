"""The implementation timeline of one clinic: activities, strategies, adaptations, facilitation
contacts and events on one time axis, one lane each (drawn for ``Figure(kind="timeline")``).

Points are dated items (an activity completed, an adaptation, a contact, an event); bars are
strategies with a start and an end. An activity is marked with its SIC stage number; other
lanes' items are labelled when they are few enough to read (``options["max_labels"]`` per lane, default 12); the frame is
:func:`mio_qual.implementation.reaim.timeline_frame`'s.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..result import Figure as ResultFigure

LANES = ("events", "facilitation", "adaptations", "strategies", "activities")
COLOURS = {"activities": "#0072B2", "strategies": "#009E73", "adaptations": "#E69F00", "facilitation": "#56B4E9",
           "events": "#D55E00"}


def _day(text: object) -> _dt.date | None:
    if not isinstance(text, str) or not text:
        return None
    return _dt.date.fromisoformat(text[:10])


def draw_timeline(figure: "ResultFigure", path: str | Path, *, dpi: int = 200) -> Path:
    """Draw one clinic's timeline as a PNG.

    Parameters
    ----------
    figure : mio_qual.result.Figure
        ``frame`` with lane, start, end, label, kind; ``title``; ``options`` may set
        ``max_labels`` (labels per lane, default 12).
    path : path
        The PNG to write.
    dpi : int

    Returns
    -------
    Path
    """
    import matplotlib.dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    frame = figure.frame
    max_labels = int(figure.options.get("max_labels", 12))
    lanes = [lane for lane in LANES if lane in set(frame["lane"])] or list(LANES)
    canvas = Figure(figsize=(9.5, 1.2 + 0.9 * len(lanes)), dpi=dpi)
    FigureCanvasAgg(canvas)
    canvas.patch.set_facecolor("white")
    ax = canvas.add_subplot(1, 1, 1)
    for y, lane in enumerate(lanes):
        items = frame[frame["lane"] == lane]
        labelled = len(items) <= max_labels
        for i, item in enumerate(items.itertuples(index=False)):
            start, end = _day(item.start), _day(item.end)
            if start is None:
                continue
            offset = 0.18 * ((i % 3) - 1)
            if end is not None and end > start:
                ax.plot([start, end], [y + offset] * 2, color=COLOURS[lane], linewidth=4, solid_capstyle="butt",
                        alpha=0.8)
            else:
                ax.plot([start], [y + offset], marker="o", markersize=4, color=COLOURS[lane], linestyle="none")
            if lane == "activities" and isinstance(item.kind, str):  # activities carry their SIC stage
                ax.annotate(item.kind.replace("stage ", ""), (start, y + offset), xytext=(0, 4),
                            textcoords="offset points", fontsize=4.5, ha="center", color="#333333")
            elif labelled and isinstance(item.label, str) and item.label:
                text = item.label if len(item.label) <= 38 else item.label[:36] + "..."
                ax.annotate(text, (start, y + offset), xytext=(3, 3), textcoords="offset points", fontsize=5,
                            color="#333333")
        if not labelled and lane != "activities":
            ax.annotate(f"{len(items)} items (labels left out)", (0, y), xycoords=("axes fraction", "data"),
                        xytext=(2, 8), textcoords="offset points", fontsize=5, color="#666666")
    ax.set_yticks(range(len(lanes)))
    ax.set_yticklabels(lanes, fontsize=7)
    ax.set_ylim(-0.7, len(lanes) - 0.3)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.tick_params(axis="x", labelsize=6)
    ax.xaxis.grid(True, color="#E3E3E3", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if figure.title:
        ax.set_title(figure.title, fontsize=9, loc="left")
    from .charts import save_png

    return save_png(canvas, path, dpi=dpi, metadata={"Software": "mio-qual"})  # cropped to the content


__all__ = ["draw_timeline", "LANES"]
