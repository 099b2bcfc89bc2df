"""Charts: PNG files of the right kind, drawn without touching pyplot's global state."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from mio_qual.reports.charts import agreement_chart, code_frequency_chart, construct_heatmap

PNG = b"\x89PNG\r\n\x1a\n"


def _image(path):
    assert path.read_bytes()[:8] == PNG
    with Image.open(path) as image:
        return image.size


def test_code_frequency_chart_grows_with_the_number_of_codes(tmp_path):
    few = pd.DataFrame({"Northside": [3, 1], "Downtown": [0, 2]}, index=["IS.J2 Space", "IS.J1 Funding"])
    many = pd.DataFrame({"Northside": np.arange(30), "Downtown": np.arange(30)[::-1]},
                        index=[f"C{i}" for i in range(30)])
    w1, h1 = _image(code_frequency_chart(few, tmp_path / "few.png"))
    w2, h2 = _image(code_frequency_chart(many, tmp_path / "deep" / "many.png"))
    assert h2 > h1 and abs(w1 - w2) < 0.2 * w1


def test_agreement_chart_handles_undefined_values_and_missing_intervals(tmp_path):
    frame = pd.DataFrame({"code": ["A", "B", "C"], "value": [0.8, np.nan, 0.4],
                          "ci_low": [0.7, np.nan, np.nan], "ci_high": [0.9, np.nan, np.nan]})
    path = agreement_chart(frame, tmp_path / "agreement.png", statistic="kappa", thresholds=(0.667, 0.8))
    width, height = _image(path)
    assert width > 500 and height > 100


def test_heatmap_is_the_mixed_methods_heatmap(tmp_path):
    matrix = pd.DataFrame({"northside": ["+2", "X"], "downtown": ["-2", None]}, index=["IS.J2", "IS.J1"])
    path = construct_heatmap(matrix, tmp_path / "heatmap.png", names={"IS.J2": "Space", "IS.J1": "Funding"})
    _image(path)


def test_charts_leave_pyplot_alone(tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    code_frequency_chart(pd.DataFrame({"x": [1]}, index=["a"]), tmp_path / "a.png")
    agreement_chart(pd.DataFrame({"code": ["a"], "value": [0.5], "ci_low": [0.4], "ci_high": [0.6]}),
                    tmp_path / "b.png")
    assert plt.get_fignums() == before


@pytest.mark.parametrize("rows", [0, 1])
def test_tiny_inputs(tmp_path, rows):
    frame = pd.DataFrame({"code": ["a"] * rows, "value": [0.5] * rows, "ci_low": [0.1] * rows,
                          "ci_high": [0.9] * rows})
    _image(agreement_chart(frame, tmp_path / f"t{rows}.png"))
    counts = pd.DataFrame({"x": [1] * rows}, index=["a"] * rows)
    _image(code_frequency_chart(counts, tmp_path / f"c{rows}.png"))


def test_interval_need_not_contain_the_estimate(tmp_path):
    # a bootstrap percentile interval can lie to one side of the estimate
    frame = pd.DataFrame({"code": ["A", "B"], "value": [0.9, 0.1], "ci_low": [0.2, 0.3], "ci_high": [0.5, 0.6]})
    _image(agreement_chart(frame, tmp_path / "offset.png"))


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
