"""CSV exports are safe in every delimiter locale (issue 20): quoted and neutralized for ',' ';' and tab.

A memo such as ``see notes;=cmd|' /C calc'!A0;`` was written unquoted, so a spreadsheet set to
a semicolon locale split it and ran the second half as a formula.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mio_qual.exports import csv_text, safe_cell, write_csv

ATTACKS = ["see notes;=cmd|' /C calc'!A0;", "a\t=1+1", "x,@SUM(A1)", 'say "hi";+1', "-2", "=HYPERLINK(1)",
           "line one\n=2+2", "plain", ""]
FORMULA = ("=", "+", "-", "@")


def cells(text: str, delimiter: str) -> list[list[str]]:
    """What a spreadsheet in a locale splitting on ``delimiter`` sees (it honours RFC 4180 quotes)."""
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def live(cell: str) -> bool:
    stripped = cell
    if not stripped.startswith(FORMULA):
        return False
    try:
        float(stripped.replace(",", "."))  # a number (a decimal comma in the semicolon locales)
        return False
    except ValueError:
        return True


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_no_locale_sees_a_live_formula(delimiter):
    frame = pd.DataFrame({"memo": ATTACKS, "n": range(len(ATTACKS))})
    seen = cells(csv_text(frame), delimiter)
    assert not [cell for row in seen for cell in row if live(cell)]


def test_the_comma_locale_reads_back_the_neutralized_values():
    frame = pd.DataFrame({"memo": ATTACKS, "n": range(len(ATTACKS)), "p": [0.5] * len(ATTACKS)})
    rows = cells(csv_text(frame), ",")
    assert rows[0] == ["memo", "n", "p"]
    assert [r[0] for r in rows[1:]] == [safe_cell(v) for v in ATTACKS]
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(ATTACKS))]
    assert rows[1][0] == "see notes;=cmd|' /C calc'!A0;"  # one cell, not split, in the semicolon locale too
    assert cells(csv_text(frame), ";")[1][0] == "see notes;=cmd|' /C calc'!A0;,0,0.5"


def test_values_are_formatted_as_pandas_formats_them(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": [0.25, None], "c": ["x", None], "d": pd.to_datetime(["2024-01-02", None])})
    plain = frame.to_csv(index=False, lineterminator="\n")
    assert csv_text(frame) == plain
    assert write_csv(frame, tmp_path / "sub" / "t.csv").read_text(encoding="utf-8") == plain


def test_a_single_empty_cell_stays_a_row():
    assert cells(csv_text(pd.DataFrame({"memo": ["", "a"]})), ",") == [["memo"], [""], ["a"]]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab =+-@;,\t\"'\n1.")), max_size=12), min_size=1, max_size=6))
def test_round_trip_and_no_live_formula_in_any_locale(values):
    frame = pd.DataFrame({"memo": values})
    text = csv_text(frame)
    back = cells(text, ",")
    assert [r[0] if r else "" for r in back[1:]] == [safe_cell(v) for v in values]
    for delimiter in (";", "\t"):
        assert not [cell for row in cells(text, delimiter) for cell in row if live(cell)]
