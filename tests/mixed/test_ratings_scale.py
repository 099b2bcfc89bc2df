"""The rating scale, de-identification of quotes, and reading cells without evaluating formulas."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mio_qual.deidentify import redact
from mio_qual.mixed.ratings_scale import RATINGS, RatingValueError, display, parse_rating, score, valence


@pytest.mark.parametrize("cell, expected", [
    ("+2", "+2"), ("2", "+2"), (" 2 ", "+2"), ("2.0", "+2"), ("+1", "+1"), ("1", "+1"), ("0", "0"), ("+0", "0"),
    ("-0", "0"), ("-1", "-1"), ("-2", "-2"), ("\u22121", "-1"), ("\u20132", "-2"), ("X", "X"), ("x", "X"),
    (" x ", "X"), ("", None), ("   ", None), (None, None), (float("nan"), None), (2, "+2"), (-1.0, "-1"), (0, "0"),
])
def test_parse_rating_accepts_what_raters_type(cell: object, expected: str | None) -> None:
    assert parse_rating(cell) == expected


@pytest.mark.parametrize("cell", ["3", "+3", "-3", "1.5", "++1", "high", "=1+1", "2x", "XX", "--1", 3, 1.5, True, "n/a"])
def test_parse_rating_rejects_everything_else(cell: object) -> None:
    with pytest.raises(RatingValueError):
        parse_rating(cell)


@given(st.sampled_from(RATINGS))
def test_stored_ratings_parse_to_themselves(rating: str) -> None:
    assert parse_rating(rating) == rating
    assert parse_rating(rating.lower()) == rating


@given(st.integers(min_value=-2, max_value=2))
def test_numbers_and_their_texts_agree(number: int) -> None:
    assert parse_rating(number) == parse_rating(str(number)) == parse_rating(float(number))
    assert score(parse_rating(number)) == number


def test_scores_valences_and_display() -> None:
    assert [score(r) for r in ("-2", "-1", "0", "+1", "+2")] == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert math.isnan(score("X")) and math.isnan(score(None))
    assert [valence(r) for r in ("+2", "-1", "0", "X", None)] == ["positive", "negative", "neutral", "mixed", "missing"]
    assert display(None) == "" and display("+1") == "+1"


# ---------------------------------------------------------------------------- de-identification
def test_redact_whole_words_any_case_longest_first() -> None:
    names = ["Gwen", "Gwen Harlow", "Ms. Harlow", "Ana"]
    text = "Gwen Harlow said GWEN's rule; Ms. Harlow agreed. Banana and Anastasia stay, ana goes."
    assert redact(text, names) == ("[name] said [name]'s rule; [name] agreed. Banana and Anastasia stay, [name] goes.")


def test_redact_names_across_line_breaks_and_with_no_names() -> None:
    assert redact("ask Gwen\nHarlow", ["Gwen Harlow"]) == "ask [name]"
    assert redact("nothing here", []) == "nothing here"
    assert redact("keep Gwen", ["Gwen"], ignore_case=False) == "keep [name]"
    assert redact("keep gwen", ["Gwen"], ignore_case=False) == "keep gwen"


@given(st.lists(st.sampled_from(["Gwen", "gwen", "GWEN", "Gwenn", "aGwen", "x", " ", "'", ".", "\n", "_"]),
                max_size=12).map("".join))
def test_redacted_text_never_contains_the_name_as_a_word(text: str) -> None:
    import re

    out = redact(text, ["Gwen"])
    # what is not a name is left alone: removing the placeholders leaves the text minus the names
    assert re.sub(r"(?<!\w)gwen(?!\w)", "", text, flags=re.IGNORECASE) == out.replace("[name]", "")
    assert not re.search(r"(?<!\w)gwen(?!\w)", out, re.IGNORECASE)


def test_known_names_come_from_roster_and_name_like_labels(study) -> None:  # type: ignore[no-untyped-def]
    names = study.names_to_redact()
    assert {"Gwen", "Gwen Harlow", "Renata", "Renata Solis"} <= names
    assert not {"I", "R", "Facilitator", "Participant 1"} & names


# ---------------------------------------------------------------------------- reading cells
def test_xlsx_formula_cells_are_never_evaluated(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from mio_qual.mixed.tables import Formula, read_table

    book = Workbook()
    sheet = book.active
    sheet.title = "ratings"
    sheet.append(["case_id", "construct", "rating"])
    sheet.append(["north", "IS.J2", "=1+1"])
    sheet.append(["north", "IS.A3", "+2"])
    book.save(tmp_path / "w.xlsx")
    table = read_table(tmp_path / "w.xlsx", what="worksheet", sheet="ratings")
    assert table.rows[0][1][2] == Formula("=1+1")
    assert table.rows[1][1][2] == "+2"
    assert table.where(2, "rating") == "sheet 'ratings', row 2, column 'rating'"


def test_csv_cells_starting_with_equals_are_formulas_and_a_title_row_is_skipped(tmp_path: Path) -> None:
    from mio_qual.mixed.tables import Formula, read_table

    path = tmp_path / "r.csv"
    path.write_text("My ratings\ncase_id,construct,rating\nnorth,IS.J2,=SUM(A1)\n", encoding="utf-8")
    table = read_table(path, what="worksheet", header_contains=("case_id", "construct", "rating"))
    assert table.header_row == 2
    assert table.rows == [(3, ["north", "IS.J2", Formula("=SUM(A1)")])]
    assert table.where(3, "rating") == "row 3, column 'rating'"
