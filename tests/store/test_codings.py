"""Reading codings lean (issue 21): the memos alone, and categories for analyses of many codings."""

from __future__ import annotations

import pandas as pd
from helpers.agreement import make_coded_project

from mio_qual.coding.model import Coding
from mio_qual.store import codings as store_codings


def test_memos_read_alone_equal_the_memos_of_every_coding(tmp_path):
    project = make_coded_project(tmp_path)
    text = project.text("INT02")
    start = text.index("Billing")
    project.write_codings([Coding("INT02", start, start + 7, "MIO.BILL", "cy", memo="money first"),
                           Coding("INT02", 0, 4, "MIO.TRAIN", "cy"),
                           Coding("INT02", 1, 4, "MIO.SUPV", "cy", memo="  ")], coder="cy")
    codings = project.codings(coder=["ann", "cy"])
    expected = codings.loc[codings["memo"].notna(), ["transcript_id", "code", "memo"]].reset_index(drop=True)
    memos = store_codings.coding_memos(project.store, ["ann", "cy"])
    assert memos["memo"].tolist() == ["  ", "money first"]
    pd.testing.assert_frame_equal(memos, expected, check_dtype=False)
    assert store_codings.coding_memos(project.store, ["ann"]).empty


def test_categories_hold_the_same_codings(tmp_path):
    project = make_coded_project(tmp_path)
    plain = store_codings.read_codings(project.store)
    categories = store_codings.read_codings(project.store, categories=True)
    for column in plain.columns:
        left = categories[column]
        if isinstance(left.dtype, pd.CategoricalDtype):
            left = left.astype(object).where(left.notna(), None)
        right = plain[column].astype(object).where(plain[column].notna(), None)
        assert left.tolist() == right.tolist(), column
