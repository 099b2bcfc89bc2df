"""Climate and counselor measures: subscales, reverse items, item counts; rwg(j), ICC(1) and ICC(2) against
published values (LeBreton & Senter 2008; Shrout & Fleiss 1979), by hand, and against an independent ANOVA
(statsmodels)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mio_qual.errors import InputError
from mio_qual.mixed.measures import (INSTRUMENTS, aggregate, expected_variance, icc1, icc2, read_items, read_key,
                                     rwg_j, score)


def _long(rows: dict[str, list[float]], clinic: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([(r, None, clinic[r], None, i + 1, float(v)) for r, values in rows.items()
                         for i, v in enumerate(values)],
                        columns=["respondent_id", "agency", "clinic", "counselor_id", "item", "value"])


def test_instruments_have_the_published_structure() -> None:
    ics, ils, ebpas = INSTRUMENTS["ics"], INSTRUMENTS["ils"], INSTRUMENTS["ebpas"]
    assert (ics.n_items, len(ics.subscales), {len(v) for v in ics.subscales.values()}) == (18, 6, {3})
    assert (ils.n_items, len(ils.subscales), {len(v) for v in ils.subscales.values()}) == (12, 4, {3})
    assert ebpas.n_items == 15 and sorted(i for v in ebpas.subscales.values() for i in v) == list(range(1, 16))
    assert ebpas.reverse_in_total == ebpas.subscales["divergence"] == (3, 5, 6, 7)
    # EBPAS key as the public SPSS scoring syntax has it (items 1-8 and 9-15 of the form)
    assert dict(ebpas.subscales) == {"requirements": (11, 12, 13), "appeal": (9, 10, 14, 15),
                                     "openness": (1, 2, 4, 8), "divergence": (3, 5, 6, 7)}
    assert ebpas.total == "mean_of_items" and not ebpas.key_assumed and ebpas.key_source
    # ICS: subscale names and sizes verified, numbering in blocks of three assumed (and said so); ILS: numbering as
    # the Norwegian validation's item table numbers it (1-3 proactive ... 10-12 perseverant)
    assert list(ics.subscales) == ["focus", "educational_support", "recognition", "rewards", "selection_ebp",
                                   "selection_openness"]
    assert dict(ils.subscales) == {"proactive": (1, 2, 3), "knowledgeable": (4, 5, 6), "supportive": (7, 8, 9),
                                   "perseverant": (10, 11, 12)}
    assert "assumed" in ics.key_assumed and not ils.key_assumed and "Norwegian" in ils.key_source
    assert 9 in ics.subscales["recognition"]  # the Norwegian ICS work names item 9 a recognition item
    # Lyon et al. 2018, Table 2 numbers the focus items ICS1-ICS3 and the ILS items in the ILS's blocks
    assert ics.subscales["focus"] == (1, 2, 3) and "Lyon et al. 2018" in ics.key_source and "Lyon" in ils.key_source
    # what is still assumed is exactly the rest: items 4-18 but item 9
    checked = set(ics.subscales["focus"]) | {9}
    assert "4-18 (item 9 aside)" in ics.key_assumed
    assert sorted(set(range(1, 19)) - checked) == [4, 5, 6, 7, 8] + list(range(10, 19))
    for spec in INSTRUMENTS.values():
        spec.check()
        assert (spec.low, spec.high) == (0, 4)


def test_scores_by_hand_with_reverse_items_and_missing_answers() -> None:
    # ICS: respondent a answers 0..4 cyclically; focus = items 1-3 = (0 + 1 + 2) / 3 = 1
    a = [i % 5 for i in range(18)]
    b = [4] * 18
    b[4] = float("nan")  # item 5 unanswered: educational support (4-6) is not scored, nor the total
    scored = score(_long({"a": a, "b": b}, {"a": "x", "b": "x"}), INSTRUMENTS["ics"]).set_index(["respondent_id",
                                                                                                 "scale"])["score"]
    assert scored[("a", "focus")] == pytest.approx(1.0)
    subs = [np.mean(a[i:i + 3]) for i in range(0, 18, 3)]
    assert scored[("a", "total")] == pytest.approx(np.mean(subs))  # mean of the six subscale means
    assert math.isnan(scored[("b", "educational_support")]) and math.isnan(scored[("b", "total")])
    assert scored[("b", "focus")] == 4.0
    # a key with reversed items and a x10 multiplier (the TCU ORC's form): scale = mean(x, 6 - y) * 10
    key = read_key_text({"n_items": 4, "low": 1, "high": 5, "subscales": {"s": [1, 2], "t": [3, 4]}, "reverse": [2]})
    orc = score(_long({"r": [5, 1, 3, 4]}, {"r": "x"}), key).set_index("scale")["score"]
    assert orc["s"] == pytest.approx(50.0) and orc["t"] == pytest.approx(35.0)


def read_key_text(raw: dict, tmp: Path | None = None):  # type: ignore[no-untyped-def]
    import tempfile

    import yaml

    folder = Path(tempfile.mkdtemp()) if tmp is None else tmp
    path = folder / "key.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return read_key(path, "orc")


def test_rwg_j_by_hand() -> None:
    # three respondents, three items, each item's variance 1/3; A = 5 options: sigma_EU^2 = 2
    # rwg(j) = 3 (1 - 1/6) / (3 (1 - 1/6) + 1/6) = 2.5 / (2.5 + 1/6) = 0.9375
    group = pd.DataFrame({1: [3, 3, 4], 2: [3, 4, 4], 3: [2, 3, 3]})
    assert rwg_j(group, 5) == pytest.approx(0.9375)
    # full agreement gives 1; more spread than a uniform null gives 0 (truncated); one respondent: undefined
    assert rwg_j(pd.DataFrame({1: [2, 2], 2: [1, 1]}), 5) == 1.0
    assert rwg_j(pd.DataFrame({1: [0, 4, 0, 4], 2: [4, 0, 4, 0]}), 5) == 0.0
    assert math.isnan(rwg_j(pd.DataFrame({1: [2]}), 5))


def test_expected_variance_and_rwg_j_match_lebreton_and_senter() -> None:
    # LeBreton & Senter (2008), Table 2, uniform null: 2.00 (5 options), 2.92 (6), 4.00 (7), 5.25 (8),
    # 6.67 (9), 8.25 (10), 10.00 (11) -- the table LeBreton's R package WGA (R/RWGJ.R) carries
    published = {5: 2.00, 6: 2.92, 7: 4.00, 8: 5.25, 9: 6.67, 10: 8.25, 11: 10.00}
    assert {a: round(expected_variance(a), 2) for a in published} == published
    # rwg(j) = J (1 - s2/sEU) / (J (1 - s2/sEU) + s2/sEU) with the table's value, computed independently of
    # rwg_j from the mean item variance of a 7-point, four-item group
    group = pd.DataFrame({1: [5, 6, 6, 7], 2: [4, 5, 6, 6], 3: [6, 6, 7, 7], 4: [5, 5, 6, 7]})
    s2 = float(np.mean([np.var(group[c], ddof=1) for c in group]))
    j, ratio = 4, s2 / published[7]
    assert rwg_j(group - 1, 7) == pytest.approx(j * (1 - ratio) / (j * (1 - ratio) + ratio), abs=1e-12)


def test_icc1_and_icc2_match_shrout_and_fleiss() -> None:
    # Shrout & Fleiss (1979), Table 2: six targets rated by four judges; their Table 4 gives ICC(1,1) = .17 and
    # ICC(1,k) = .44 for the one-way model. With targets as groups and ratings as members, Bliese's ICC(1) is
    # ICC(1,1) and his ICC(2) is ICC(1,k) (R's psych package tests its ICC() against the same values).
    ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    scores = pd.Series([float(v) for row in ratings for v in row])
    groups = pd.Series([f"t{i}" for i, row in enumerate(ratings) for _ in row])
    assert round(icc1(scores, groups), 2) == 0.17
    assert round(icc2(scores, groups), 2) == 0.44


def test_icc1_by_hand_and_against_statsmodels_anova() -> None:
    # groups a: 1, 2, 3 and b: 4, 5, 6: MSB = 13.5, MSW = 1, k = 3: (13.5 - 1) / (13.5 + 2) = 0.80645
    assert icc1(pd.Series([1, 2, 3, 4, 5, 6.0]), pd.Series(list("aaabbb"))) == pytest.approx(12.5 / 15.5)
    # unequal groups: compare with statsmodels' one-way ANOVA mean squares, k = N / G as multilevel::ICC1
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    rng = np.random.default_rng(7)
    groups = np.repeat(["g1", "g2", "g3", "g4"], [5, 8, 6, 9])
    y = rng.normal(0, 1, len(groups)) + pd.Series(groups).map({"g1": 0, "g2": 0.8, "g3": -0.5, "g4": 1.2}).to_numpy()
    table = anova_lm(smf.ols("y ~ C(g)", data=pd.DataFrame({"y": y, "g": groups})).fit())
    msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
    k = len(y) / 4
    assert icc1(pd.Series(y), pd.Series(groups)) == pytest.approx((msb - msw) / (msb + (k - 1) * msw))
    assert icc2(pd.Series(y), pd.Series(groups)) == pytest.approx((msb - msw) / msb)


def test_aggregation_warns_when_staff_disagree(tmp_path: Path) -> None:
    agree = {f"n{i}": [3] * 12 for i in range(4)}
    split = {"e0": [0] * 12, "e1": [4] * 12, "e2": [0] * 12, "e3": [4] * 12}
    clinic = {**{k: "north" for k in agree}, **{k: "east" for k in split}}
    table, warnings = aggregate(_long({**agree, **split}, clinic), INSTRUMENTS["ils"])
    total = table[table["scale"] == "total"].set_index("clinic")
    assert total.at["north", "rwg_j"] == 1.0 and total.at["east", "rwg_j"] == 0.0
    assert "rwg(j) < 0.70" in total.at["east", "aggregation"]
    assert any("east 0.00" in w for w in warnings)
    assert not any("assumed" in w for w in warnings)  # the ILS numbering is checked
    # the ICS key's item numbering is assumed (blocks of three): the first warning says so
    _, ics_warnings = aggregate(_long({k: [2] * 18 for k in agree}, {k: "north" for k in agree}), INSTRUMENTS["ics"])
    assert ics_warnings[0].startswith("ics: item numbering assumed, not verified")


def test_item_files_are_checked_for_item_count_range_and_repeats(tmp_path: Path) -> None:
    path = tmp_path / "ils.csv"
    path.write_text("respondent_id,clinic," + ",".join(f"ils{i}" for i in range(1, 12)) + "\nr1,north,"
                    + ",".join(["2"] * 11) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="12 items; the file has 11 item columns .missing ils12."):
        read_items(path, INSTRUMENTS["ils"])
    path.write_text("respondent_id,clinic," + ",".join(f"ils{i}" for i in range(1, 13)) + "\n"
                    "r1,north," + ",".join(["2"] * 11) + ",5\nr1,north," + ",".join(["2"] * 12) + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_items(path, INSTRUMENTS["ils"])
    assert any("outside 0-4" in d for d in caught.value.details)
    assert any("r1 already answered in row 2" in d for d in caught.value.details)
    with pytest.raises(InputError, match="no bundled scoring key for 'orc'"):
        from mio_qual.mixed.measures import instrument

        instrument("orc")
