"""Review of the per-code agreement table: which coefficient the reliability flag reads."""

from __future__ import annotations

import pandas as pd

from mio_qual.agreement.report import agreement_table
from mio_qual.agreement.units import reliability_data

# Ten sentences; X is rare: A coded s1 and s2, B coded s1 only. Percent agreement 0.9 and PABAK 0.8,
# but Cohen's kappa (0.9 - 0.82) / (1 - 0.82) = 0.615 and alpha lower still.
SEGMENTS = pd.DataFrame({"transcript_id": "T1", "segment_id": [f"s{i}" for i in range(1, 11)],
                         "start": [10 * i for i in range(10)], "end": [10 * i + 10 for i in range(10)]})
CODINGS = pd.DataFrame([("T1", 0, 10, "X", "A"), ("T1", 10, 20, "X", "A"), ("T1", 0, 10, "X", "B"),
                        ("T1", 50, 60, "Z", "A"), ("T1", 50, 60, "Z", "B")],
                       columns=["transcript_id", "start", "end", "code", "coder"])


def test_krippendorff_thresholds_are_never_applied_to_percent_agreement_or_pabak():
    data = reliability_data(CODINGS, "sentence", segments=SEGMENTS, codes=["X"])
    default = agreement_table(data, by_transcript=False)
    x = default[default["code"] == "X"].iloc[0]
    assert x["percent_agreement"] == 0.9 and round(x["pabak"], 3) == 0.8
    # X is coded in 1.5 units on average: too rare to assess (never "reliable" read on PABAK 0.8)
    assert x["flag"] == "too rare"
    assert default["flag_convention"].str.startswith("krippendorff_alpha").all()
    # without alpha among the statistics, the .667/.800 convention has nothing to read:
    # no flag, rather than "reliable" read on PABAK (the last statistic asked for)
    table = agreement_table(data, stats=["cohen_kappa", "pabak"], by_transcript=False)
    x = table[table["code"] == "X"].iloc[0]
    assert x["flag"] == ""
    assert "krippendorff_alpha" in x["flag_convention"]
    only_pa = agreement_table(data, stats=["percent_agreement"], by_transcript=False)
    assert (only_pa["flag"] == "").all()
