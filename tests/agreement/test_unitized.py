"""Krippendorff's unitized alpha: published examples, hand computation and brute force."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mio_qual.agreement.unitized import POOLED, unitized_alpha, unitized_alpha_by_code, unitized_alpha_table
from mio_qual.errors import InputError

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def codings(rows, transcript="x"):
    frame = pd.DataFrame(rows, columns=["coder", "start", "end", "code"])
    frame["transcript_id"] = transcript
    return frame


# Krippendorff (2004, p. 254): continuum 150..450; coders i and j; categories c and k
K2004 = codings([
    ("i", 225, 295, "c"), ("i", 370, 400, "c"), ("j", 220, 300, "c"), ("j", 355, 375, "c"), ("j", 400, 420, "c"),
    ("i", 180, 240, "k"), ("i", 300, 350, "k"), ("j", 180, 240, "k"), ("j", 300, 350, "k"),
])
K2004[["start", "end"]] -= 150

# Krippendorff (2019, p. 340, figure 12.11): three observers, continuum of 60 (1-based inclusive there)
K2019 = codings([
    (who, s - 1, e, v)
    for who, spans in {
        "Alex": [(1, 7, "1"), (8, 13, "2"), (31, 32, "5"), (33, 37, "6"), (38, 44, "6"), (45, 60, "7")],
        "Paul": [(1, 7, "1"), (8, 13, "3"), (14, 21, "5"), (33, 44, "6")],
        "Suzan": [(1, 7, "1"), (8, 13, "4"), (14, 21, "5"), (33, 37, "6"), (38, 41, "6"), (42, 44, "6")],
    }.items()
    for s, e, v in spans
], transcript="fig")


def test_krippendorff_2004_published_example():
    result = unitized_alpha_by_code(K2004, {"x": 300})
    c, k = result["c"], result["k"]
    assert round(c.observed, 4) == 0.0144
    assert round(c.expected, 4) == 0.0532
    assert round(c.value, 4) == 0.7286
    assert round(k.observed, 4) == 0.0 and round(k.expected, 4) == 0.0490 and k.value == 1.0
    pooled = result[POOLED]
    assert pooled.value == pytest.approx(1 - (c.observed + k.observed) / (c.expected + k.expected))
    assert c.n_units == 5 and k.n_units == 4


def test_krippendorff_2019_published_example():
    values = {v: unitized_alpha(K2019, {"fig": 60}, variant=v).value for v in ("nominal", "binary", "coding")}
    assert round(values["nominal"], 3) == 0.510
    assert round(values["coding"], 3) == 0.724
    # printed as .413; the formula gives 0.41360
    assert values["binary"] == pytest.approx(0.413, abs=0.001)


def test_hand_computed_small_case():
    # L = 10; A codes [2,5), B codes [3,5).
    # D_o: one overlapping pair, (2-3)^2 + (5-5)^2 = 1, counted for both orders: 2 / (2 * 1 * 100) = 0.01.
    # D_e: units 3 and 2 (N = 2); gaps A: 2, 5; B: 3, 5.
    #   (N-1)(2l^3 - 3l^2 + l)/3: 10 + 2 = 12; l^2 sum (g - l + 1): 9 * 7 + 4 * 11 = 107
    #   (2/10) * 119 / (20 * 19 - (6 + 2)) = 23.8 / 372
    result = unitized_alpha_by_code(codings([("A", 2, 5, "X"), ("B", 3, 5, "X")]), {"x": 10})["X"]
    assert result.observed == pytest.approx(0.01)
    assert result.expected == pytest.approx(23.8 / 372)
    assert result.value == pytest.approx(1 - 0.01 / (23.8 / 372))


def test_identical_codings_give_one():
    rows = [("A", 0, 4, "X"), ("A", 10, 20, "Y"), ("A", 25, 30, "X")]
    same = codings(rows + [("B",) + r[1:] for r in rows])
    per_code = unitized_alpha_by_code(same, {"x": 40})
    assert per_code["X"].value == 1.0 and per_code["Y"].value == 1.0 and per_code[POOLED].value == 1.0
    for variant in ("nominal", "binary", "coding"):
        assert unitized_alpha(same, {"x": 40}, variant=variant).value == pytest.approx(1.0)


def test_unused_code_and_overlap_notes():
    result = unitized_alpha_by_code(K2004, {"x": 300}, codes=["c", "unused"])
    assert math.isnan(result["unused"].value) and "no coder used" in result["unused"].note
    overlapping = codings([("A", 0, 5, "X"), ("A", 3, 8, "Y"), ("B", 0, 5, "X")])
    result = unitized_alpha(overlapping, {"x": 20})
    assert math.isnan(result.value) and "overlapping" in result.note


def test_transcripts_not_seen_by_every_coder_are_set_aside():
    two = pd.concat([codings([("A", 0, 5, "X"), ("B", 0, 5, "X")], "t1"), codings([("A", 0, 5, "X")], "t2")])
    alone = unitized_alpha_by_code(two, {"t1": 20, "t2": 20})["X"]
    only = unitized_alpha_by_code(two[two["transcript_id"] == "t1"], {"t1": 20})["X"]
    assert alone.value == pytest.approx(only.value)
    assert alone.value == 1.0


def test_per_transcript_table_equals_single_transcript_runs():
    other = K2004.copy()
    other["transcript_id"] = "y"
    other.loc[other["coder"] == "j", "start"] += 3
    both = pd.concat([K2004, other])
    table = unitized_alpha_table(both, {"x": 300, "y": 300}, by_transcript=True)
    for tid in ("x", "y"):
        alone = unitized_alpha_by_code(both[both["transcript_id"] == tid], {tid: 300})
        for code in ("c", "k"):
            row = table[(table["code"] == code) & (table["transcript_id"] == tid)].iloc[0]
            assert row["alpha"] == pytest.approx(alone[code].value)
        pooled = table[(table["code"] == POOLED) & (table["transcript_id"] == tid)].iloc[0]
        assert pooled["alpha"] == pytest.approx(alone[POOLED].value)


def test_bad_input():
    with pytest.raises(InputError):
        unitized_alpha_by_code(K2004, {})
    with pytest.raises(InputError):
        unitized_alpha_by_code(K2004, {"x": 100})                   # spans past the end
    with pytest.raises(InputError):
        unitized_alpha(K2004, {"x": 300}, variant="ordinal")
    with pytest.raises(InputError):
        unitized_alpha_by_code(K2004[K2004["coder"] == "i"], {"x": 300})


# ------------------------------------------------------------------ brute force
def slow_sections(spans, length):
    """A coder's partition: (begin, end, is_unit), literally."""
    spans = sorted(spans)
    merged = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    out, cursor = [], 0
    for s, e in merged:
        if s > cursor:
            out.append((cursor, s, False))
        out.append((s, e, True))
        cursor = e
    if cursor < length:
        out.append((cursor, length, False))
    return out


def slow_u2004(spans_by_coder, length):
    """Krippendorff (2004) uD_o and uD_e with explicit loops over pairs of sections."""
    parts = [slow_sections(s, length) for s in spans_by_coder]
    m = len(parts)
    total = 0.0
    for i in range(m):
        for j in range(m):
            if i == j:
                continue
            for bg, eg, ug in parts[i]:
                for bh, eh, uh in parts[j]:
                    if ug and uh and -(eg - bg) < bg - bh < (eh - bh):
                        total += (bg - bh) ** 2 + (eg - eh) ** 2
                    elif ug and not uh and bh <= bg and eg <= eh:
                        total += (eg - bg) ** 2
                    elif uh and not ug and bg <= bh and eh <= eg:
                        total += (eh - bh) ** 2
    d_o = total / (m * (m - 1) * length ** 2)
    units = [(e - b) for p in parts for b, e, u in p if u]
    gaps = [(e - b) for p in parts for b, e, u in p if not u]
    n = len(units)
    numer = 0.0
    for lg in units:
        numer += (n - 1) * (2 * lg ** 3 - 3 * lg ** 2 + lg) / 3
        numer += lg ** 2 * sum(lh - lg + 1 for lh in gaps if lh >= lg)
    denom = m * length * (m * length - 1) - sum(lg * (lg - 1) for lg in units)
    d_e = (2 / length) * numer / denom
    return d_o, d_e


@st.composite
def unitizations(draw):
    length = draw(st.integers(5, 60))
    m = draw(st.integers(2, 3))
    by_coder = []
    for _ in range(m):
        spans = []
        for _ in range(draw(st.integers(0, 4))):
            s = draw(st.integers(0, length - 1))
            spans.append((s, draw(st.integers(s + 1, length))))
        by_coder.append(spans)
    return length, by_coder


@SETTINGS
@given(unitizations())
def test_per_code_alpha_equals_brute_force(study):
    length, by_coder = study
    rows = [(f"c{i}", s, e, "X") for i, spans in enumerate(by_coder) for s, e in spans]
    rows += [(f"c{i}", 0, 1, "pad") for i in range(len(by_coder))]     # everyone saw the transcript
    result = unitized_alpha_by_code(codings(rows), {"x": length}, coders=[f"c{i}" for i in range(len(by_coder))],
                                    codes=["X"])["X"]
    d_o, d_e = slow_u2004(by_coder, length)
    if any(by_coder):
        assert result.observed == pytest.approx(d_o, abs=1e-12)
        assert result.expected == pytest.approx(d_e, rel=1e-9)
    else:
        assert math.isnan(result.value)


@SETTINGS
@given(st.integers(4, 40), st.integers(2, 3), st.data())
def test_2019_nominal_equals_character_coincidences(length, m, data):
    """Observed coincidences counted character by character; sections from the same spans."""
    rows = []
    values = np.zeros((m, length), dtype=int)         # 0 = gap
    for i in range(m):
        cuts = sorted(set(data.draw(st.lists(st.integers(1, length - 1), max_size=5))))
        bounds = [0] + cuts + [length]
        for s, e in zip(bounds[:-1], bounds[1:]):
            v = data.draw(st.integers(0, 2))
            if v:
                rows.append((f"c{i}", s, e, f"v{v}"))
                values[i, s:e] = v
        rows.append((f"c{i}", 0, 1, "pad")) if not any(r[0] == f"c{i}" for r in rows) else None
    frame = codings(rows)
    coders = [f"c{i}" for i in range(m)]
    result = unitized_alpha(frame, {"x": length}, variant="nominal", coders=coders)
    # brute force
    names = sorted(set(frame["code"]))
    for i in range(m):
        for s, e, v in [(r[1], r[2], r[3]) for r in rows if r[0] == f"c{i}"]:
            values[i, s:e] = 1 + names.index(v)
    k = len(names) + 1
    o = np.zeros((k, k))
    for x in range(length):
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[values[i, x], values[j, x]] += 1 / (m - 1)
    s_c = np.zeros(k)
    for i in range(m):
        x = 0
        while x < length:
            y = x
            while y < length and values[i, y] == values[i, x] and not any(
                    r[0] == f"c{i}" and r[1] == y for r in rows if y > x):
                y += 1
            v = values[i, x]
            s_c[v] += (y - x) if v == 0 else (y - x) ** 2
            x = y
    n = o.sum()
    e = np.outer(o.sum(1), o.sum(1))
    e[np.diag_indices(k)] -= s_c
    e *= n / (n * n - s_c.sum())
    d_e = (e.sum() - np.trace(e)) / n
    expected = 1 - ((n - np.trace(o)) / n) / d_e if d_e > 0 else math.nan
    if math.isnan(expected):
        assert math.isnan(result.value) or result.value == pytest.approx(expected)
    else:
        assert result.value == pytest.approx(expected, abs=1e-9)
