"""Charts: PNG files of the right kind, drawn without touching pyplot's global state, showing the values they were
handed (read back from the drawn figure), and the same bytes in every process."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from mio_qual.reports import charts
from mio_qual.reports.charts import agreement_chart, code_frequency_chart, construct_heatmap

PNG = b"\x89PNG\r\n\x1a\n"


def _image(path):
    assert path.read_bytes()[:8] == PNG
    with Image.open(path) as image:
        return image.size


@pytest.fixture
def drawn(monkeypatch):
    """The matplotlib figures the charts save (every chart, the heatmap too, is written by ``charts.save_png``)."""
    figures = []
    save = charts.save_png

    def keep(figure, path, **options):
        figures.append(figure)
        return save(figure, path, **options)

    monkeypatch.setattr(charts, "save_png", keep)
    return figures


def _labels(ticks):
    return [t.get_text() for t in ticks]


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _points(ax):
    """(x, y) of the estimate markers: the line drawn with 'o' markers."""
    line, = [line for line in ax.lines if line.get_marker() == "o"]
    return list(zip(line.get_xdata().tolist(), line.get_ydata().tolist()))


def _intervals(ax):
    """(y, low, high) of every interval drawn as a horizontal line."""
    segments = [s for c in ax.collections for s in c.get_segments()]
    return sorted((float(s[0][1]), float(s[0][0]), float(s[1][0])) for s in segments)


def test_code_frequency_chart_grows_with_the_number_of_codes(tmp_path):
    few = pd.DataFrame({"Northside": [3, 1], "Downtown": [0, 2]}, index=["IS.J2 Space", "IS.J1 Funding"])
    many = pd.DataFrame({"Northside": np.arange(30), "Downtown": np.arange(30)[::-1]},
                        index=[f"C{i}" for i in range(30)])
    w1, h1 = _image(code_frequency_chart(few, tmp_path / "few.png"))
    w2, h2 = _image(code_frequency_chart(many, tmp_path / "deep" / "many.png"))
    assert h2 > h1 and abs(w1 - w2) < 0.2 * w1


def test_code_frequency_bars_are_the_counts_stacked_by_clinic(tmp_path, drawn):
    counts = pd.DataFrame({"Northside": [3, 1, np.nan], "Downtown": [0, 2, 4]},
                          index=["IS.J2 Space", "IS.J1 Funding", "OS.D Partnerships"])
    code_frequency_chart(counts, tmp_path / "f.png", title="Codes", xlabel="excerpts")
    ax, = drawn[0].axes
    # one bar per code and clinic, the first code on top; a clinic's bar starts where the one before ended
    bars = [(round(p.get_y() + p.get_height() / 2), p.get_x(), p.get_width()) for p in ax.patches]
    assert sorted(bars) == sorted([(2, 0, 3), (1, 0, 1), (0, 0, 0), (2, 3, 0), (1, 1, 2), (0, 0, 4)])
    assert [p.get_facecolor()[:3] for p in ax.patches[:3]] == [pytest.approx((0, 0x72 / 255, 0xB2 / 255))] * 3
    ticks = dict(zip(ax.get_yticks().tolist(), _labels(ax.get_yticklabels())))
    assert ticks == {2: "IS.J2 Space", 1: "IS.J1 Funding", 0: "OS.D Partnerships"}
    assert _labels(ax.get_legend().get_texts()) == ["Northside", "Downtown"]
    assert ax.get_legend().get_title().get_text() == "clinic"
    assert ax.get_xlabel() == "excerpts" and ax.get_title(loc="left") == "Codes"
    # every label stays readable when the 6.4 in chart is printed 16 cm wide
    assert min(t.get_fontsize() for t in ax.get_yticklabels()) >= 8


def test_agreement_chart_handles_undefined_values_and_missing_intervals(tmp_path):
    frame = pd.DataFrame({"code": ["A", "B", "C"], "value": [0.8, np.nan, 0.4],
                          "ci_low": [0.7, np.nan, np.nan], "ci_high": [0.9, np.nan, np.nan]})
    path = agreement_chart(frame, tmp_path / "agreement.png", statistic="kappa", thresholds=(0.667, 0.8))
    width, height = _image(path)
    assert width > 500 and height > 100


def test_agreement_chart_shows_each_value_its_interval_and_the_thresholds(tmp_path, drawn):
    frame = pd.DataFrame({"code": ["A", "B", "C"], "value": [0.8, np.nan, 0.4],
                          "ci_low": [0.7, np.nan, np.nan], "ci_high": [0.9, np.nan, np.nan]})
    agreement_chart(frame, tmp_path / "agreement.png", statistic="kappa", thresholds=(0.667, 0.8))
    ax, = drawn[0].axes
    # sorted by value, undefined first: B (y 0), C (y 1), A (y 2)
    assert _labels(ax.get_yticklabels()) == ["B", "C", "A"]
    assert _points(ax) == [(0.4, 1), (0.8, 2)]
    assert _intervals(ax) == [(2.0, 0.7, 0.9)]
    assert sorted(_texts(ax)) == sorted(["undefined", "  no interval", " 0.667", " 0.8"])
    dashed = [line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--"]
    assert dashed == [0.667, 0.8]
    assert ax.get_xlabel() == "kappa" and ax.get_xlim() == (-0.05, 1.05)


def test_agreement_chart_keeps_a_value_below_minus_one_on_the_page(tmp_path, drawn):
    # newuser4: Fleiss' kappa -121.5 (chance agreement almost 1) put its label 120 axis widths to the left:
    # a 58,030-pixel-wide PNG; it is now drawn at the left edge, with its value
    frame = pd.DataFrame({"code": ["A", "B", "C"], "value": [-121.5, 0.4, 1.0],
                          "ci_low": [np.nan, 0.1, np.nan], "ci_high": [np.nan, 0.7, np.nan]})
    path = agreement_chart(frame, tmp_path / "agreement.png", statistic="Fleiss' kappa")
    width, _ = _image(path)
    assert width < 1400
    ax, = drawn[0].axes
    assert _points(ax) == [(0.4, 1), (1.0, 2)]
    edge, = [line for line in ax.lines if line.get_marker() == "<"]
    assert list(zip(edge.get_xdata().tolist(), edge.get_ydata().tolist())) == [(-1.05, 0)]
    assert sorted(_texts(ax)) == sorted(["  -121.50, off the scale", "  no interval"])
    assert ax.get_xlim() == (-1.05, 1.05)


def test_heatmap_is_the_mixed_methods_heatmap(tmp_path):
    matrix = pd.DataFrame({"northside": ["+2", "X"], "downtown": ["-2", None]}, index=["IS.J2", "IS.J1"])
    path = construct_heatmap(matrix, tmp_path / "heatmap.png", names={"IS.J2": "Space", "IS.J1": "Funding"})
    _image(path)


def test_heatmap_cells_are_the_ratings(tmp_path, drawn):
    matrix = pd.DataFrame({"northside": ["+2", "X", "+1"], "downtown": ["-2", None, "0"]},
                          index=["IS.J2", "OS.D", "IS.J1"])
    construct_heatmap(matrix, tmp_path / "heatmap.png", names={"IS.J2": "Space", "IS.J1": "Funding"},
                      flags={"IS.J2": "distinguishing"}, outcomes={"northside": 4.2, "downtown": 2.65},
                      outcome="fidelity")
    ax, = drawn[0].axes
    # rows grouped by CFIR domain (IS before OS, order kept within), cases in the matrix's order
    assert _labels(ax.get_yticklabels()) == ["IS.J2 Space **", "IS.J1 Funding", "OS.D"]
    assert _labels(ax.get_xticklabels()) == ["northside\n4.20", "downtown\n2.65"]
    image = ax.images[0].get_array()
    assert image.mask.tolist() == [[False, False], [False, False], [True, True]]
    assert image.filled(99).tolist() == [[2, -2], [1, 0], [99, 99]]
    cells = {(t.get_position()): t.get_text() for t in ax.texts if t.get_rotation() == 0}
    assert cells == {(0, 0): "+2", (1, 0): "-2", (0, 1): "+1", (1, 1): "0", (0, 2): "X", (1, 2): ""}
    hatched = [p for p in ax.patches if p.get_hatch() == "//"]
    assert [(p.get_x(), p.get_y()) for p in hatched] == [(-0.5, 1.5)]  # the mixed rating, OS.D at northside


def test_charts_leave_pyplot_alone(tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    code_frequency_chart(pd.DataFrame({"x": [1]}, index=["a"]), tmp_path / "a.png")
    agreement_chart(pd.DataFrame({"code": ["a"], "value": [0.5], "ci_low": [0.4], "ci_high": [0.6]}),
                    tmp_path / "b.png")
    assert plt.get_fignums() == before


@pytest.mark.parametrize("rows", [0, 1])
def test_tiny_inputs(tmp_path, rows, drawn):
    frame = pd.DataFrame({"code": ["a"] * rows, "value": [0.5] * rows, "ci_low": [0.1] * rows,
                          "ci_high": [0.9] * rows})
    _image(agreement_chart(frame, tmp_path / f"t{rows}.png"))
    counts = pd.DataFrame({"x": [1] * rows}, index=["a"] * rows)
    _image(code_frequency_chart(counts, tmp_path / f"c{rows}.png"))
    (interval,), (bars,) = drawn[0].axes, drawn[1].axes
    assert _points(interval) == [(0.5, 0)] * rows
    assert _intervals(interval) == [(0.0, 0.1, 0.9)] * rows
    assert _labels(interval.get_yticklabels()) == ["a"] * rows
    assert [(p.get_x(), p.get_width()) for p in bars.patches] == [(0, 1)] * rows
    assert _labels(bars.get_yticklabels()) == ["a"] * rows


def test_interval_need_not_contain_the_estimate(tmp_path, drawn):
    # a bootstrap percentile interval can lie to one side of the estimate
    frame = pd.DataFrame({"code": ["A", "B"], "value": [0.9, 0.1], "ci_low": [0.2, 0.3], "ci_high": [0.5, 0.6]})
    _image(agreement_chart(frame, tmp_path / "offset.png"))
    ax, = drawn[0].axes
    assert _labels(ax.get_yticklabels()) == ["B", "A"]
    assert _points(ax) == [(0.1, 0), (0.9, 1)]
    assert _intervals(ax) == [(0.0, 0.3, 0.6), (1.0, 0.2, 0.5)]  # drawn as given, to one side of the estimate
    assert _texts(ax) == []  # both have an interval

def test_no_chart_imports_pyplot_or_sets_the_backend(tmp_path):
    """Every chart a report draws (the heatmap too) uses the object API on an Agg canvas, in a fresh process: pyplot
    is never imported (a notebook's backend stays its own) and nothing calls matplotlib.use."""
    import subprocess
    import sys

    code = f"""
import sys, pathlib, pandas as pd
import matplotlib
matplotlib.use = lambda *a, **k: sys.exit("matplotlib.use was called")
from mio_qual.reports.charts import agreement_chart, code_frequency_chart, construct_heatmap
out = pathlib.Path({str(tmp_path)!r})
code_frequency_chart(pd.DataFrame({{"x": [1]}}, index=["a"]), out / "a.png")
agreement_chart(pd.DataFrame({{"code": ["a"], "value": [0.5], "ci_low": [0.4], "ci_high": [0.6]}}), out / "b.png")
construct_heatmap(pd.DataFrame({{"north": ["+2", "X"]}}, index=["IS.J2", "IS.J1"]), out / "c.png")
assert "matplotlib.pyplot" not in sys.modules, "pyplot was imported"
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-500:]
    assert all((tmp_path / name).read_bytes()[:8] == PNG for name in ("a.png", "b.png", "c.png"))


DRAW_ALL = """
import pathlib, sys
import pandas as pd
from mio_qual.reports.charts import agreement_chart, code_frequency_chart, construct_heatmap, draw
from mio_qual.result import Figure
out = pathlib.Path(sys.argv[1])
code_frequency_chart(pd.DataFrame({"Northside": [3, 1], "Downtown": [0, 2]}, index=["IS.J2 Space", "IS.J1"]),
                     out / "frequency.png", title="Codes")
agreement_chart(pd.DataFrame({"code": ["A", "B", "C"], "value": [0.8, float("nan"), 0.4],
                              "ci_low": [0.7, None, 0.1], "ci_high": [0.9, None, 0.6]}), out / "agreement.png",
                thresholds=(0.667, 0.8), title="Agreement")
construct_heatmap(pd.DataFrame({"north": ["+2", "X"], "east": [None, "-1"]}, index=["IS.J2", "OS.D"]),
                  out / "heatmap.png", names={"IS.J2": "Space"}, outcomes={"north": 3.5, "east": 2.0},
                  outcome="fidelity", flags={"IS.J2": "distinguishing"}, title="Ratings")
draw(Figure("timeline", pd.DataFrame({"lane": ["events", "strategies", "activities"],
                                      "start": ["2024-01-10", "2024-02-01", "2024-03-05"],
                                      "end": [None, "2024-05-01", None], "label": ["move", "training", None],
                                      "kind": [None, None, "stage 2"]}), title="Northside"), out / "timeline.png")
"""
CHART_FILES = ("frequency.png", "agreement.png", "heatmap.png", "timeline.png")


def test_each_chart_is_laid_out_and_drawn_once(tmp_path, monkeypatch):
    """A layout engine left on the figure or ``bbox_inches="tight"`` makes savefig draw every artist twice; the
    charts lay themselves out once and save a measured box, so each figure is drawn once, for the file."""
    import sys

    from matplotlib.figure import Figure

    draws = []
    original = Figure.draw

    def counting(self, renderer):
        draws.append(self)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    monkeypatch.setattr(sys, "argv", ["charts", str(tmp_path)])
    exec(DRAW_ALL, {})  # noqa: S102 (the same drawing code the determinism test runs in fresh processes)
    assert len(draws) == len(CHART_FILES) == len(set(map(id, draws)))
    assert all((tmp_path / name).read_bytes()[:8] == PNG for name in CHART_FILES)


def test_same_data_same_png_bytes_in_every_process(tmp_path):
    """Deterministic pictures: two fresh processes with different hash seeds write byte-identical PNGs."""
    import os
    import subprocess
    import sys

    for seed in ("0", "4242"):
        (tmp_path / seed).mkdir()
        done = subprocess.run([sys.executable, "-c", DRAW_ALL, str(tmp_path / seed)], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr[-500:]
    for name in CHART_FILES:
        assert (tmp_path / "0" / name).read_bytes() == (tmp_path / "4242" / name).read_bytes(), name
