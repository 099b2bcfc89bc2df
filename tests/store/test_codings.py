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


def test_coding_facts_equal_one_query_per_fact(tmp_path):
    """The layers' facts gathered in two groupings equal the facts each simple query gives (a coder with two origins,
    a layer with a unit, codings without a source file and from two files)."""
    from mio_qual.store import summary

    project = make_coded_project(tmp_path)
    text = project.text("INT02")
    project.write_codings([Coding("INT02", 0, 4, "MIO.TRAIN", "cy", memo="note")], coder="cy", source_file="cy-b.docx",
                          action="test")
    project.write_codings([Coding("INT01", 2, 9, "MIO.BILL", "cy")], coder="cy", source_file="cy-a.docx",
                          action="test")
    project.write_codings([Coding("INT02", 5, 9, "MIO.BILL", "cy", "rules", unit="sentence")], coder="cy",
                          origin="rules", action="test")
    assert len(text) > 9
    facts = summary.coding_facts(project.store)
    assert facts.human_coders == summary.human_coders(project.store)
    assert facts.origins == summary.origin_counts(project.store)
    assert facts.code_use == summary.code_use(project.store)
    assert facts.coders == summary.counts(project.store)["coders"]
    assert facts.codings == summary.counts(project.store)["codings"]
    pd.testing.assert_frame_equal(facts.layer_table(), store_codings.layer_summary(project.store))
    codings = store_codings.read_codings(project.store)
    human = codings[codings["origin"] == "human"]
    assert facts.double_coded == int((human.groupby("transcript_id")["coder"].nunique() >= 2).sum())
    for layer in facts.layers:
        mine = codings[(codings["coder"] == layer.coder) & (codings["origin"] == layer.origin)].sort_values("id")
        assert (layer.codings, layer.first, layer.last) == (len(mine), mine["created"].min(), mine["created"].max())
        assert layer.units == sorted(mine["unit"].dropna().unique())
        firsts = mine.groupby("source_file", dropna=False)["id"].min().sort_values()
        assert [s if isinstance(s, str) else None for s in firsts.index] == [s for s, _ in layer.by_source]
        assert layer.sources == [s for s, _ in layer.by_source if s is not None] and layer.files == len(layer.sources)
    assert [(x.origin, x.coder) for x in facts.layers] == [(x.origin, x.coder) for x in sorted(
        facts.layers, key=lambda x: (["human", "consensus", "rules"].index(x.origin)
                                     if x.origin in ("human", "consensus", "rules") else 3,
                                     codings.loc[(codings["coder"] == x.coder) & (codings["origin"] == x.origin),
                                                 "id"].min()))]
    assert summary.project_facts(project.store, facts) == summary.project_facts(project.store)


def test_coding_facts_walk_indexes_without_sorting_the_codings(tmp_path):
    """Both groupings of coding_facts read a covering index in their grouping order (schema version 8), also in a
    store made before it (opened, it migrates): no table row is read and no temporary sort of the codings is built."""
    import sqlite3

    from mio_qual import Project
    from mio_qual.store import summary
    from mio_qual.store.schema import SCHEMA_VERSION

    make_coded_project(tmp_path).close()
    db = next(tmp_path.rglob("mio-qual.db"))
    connection = sqlite3.connect(db)  # back to version 7: the source index of coder and file only
    connection.executescript("DROP INDEX codings_by_layer; DROP INDEX codings_by_source;"
                             " CREATE INDEX codings_by_source ON codings (coder, source_file); PRAGMA user_version = 7;")
    connection.close()
    project = Project.open(db.parent)
    assert project.store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    statements: list[str] = []
    project.store.connection.set_trace_callback(statements.append)
    facts = summary.coding_facts(project.store)
    project.store.connection.set_trace_callback(None)
    assert facts.codings > 0 and len(statements) == 1 + len(facts.layers)  # the sources, then each layer's codes
    for statement in statements:
        plan = " ".join(row[-1] for row in project.store.connection.execute("EXPLAIN QUERY PLAN " + statement))
        assert "COVERING INDEX" in plan and "TEMP B-TREE" not in plan, (statement, plan)
    project.close()


def test_the_memos_are_found_without_reading_every_coding(tmp_path):
    """coding_memos of named layers (as a report asks) reads the partial index of the codings with a memo (schema
    version 9) and gives the memos."""
    make_coded_project(tmp_path).close()
    from mio_qual import Project

    project = Project.open(next(tmp_path.rglob("mio-qual.db")).parent)
    project.write_codings([Coding("INT02", 0, 4, "MIO.TRAIN", "cy", memo="note")], coder="cy", action="test")
    statements: list[str] = []
    project.store.connection.set_trace_callback(statements.append)
    memos = store_codings.coding_memos(project.store, ["ann", "cy"])
    project.store.connection.set_trace_callback(None)
    assert memos["memo"].tolist() == ["note"] and len(statements) == 1
    plan = " ".join(row[-1] for row in project.store.connection.execute("EXPLAIN QUERY PLAN " + statements[0]))
    assert "codings_with_memo" in plan, plan
    project.close()


def test_layer_codings_are_the_codings_of_the_layers(tmp_path):
    """Read in runs (no transcript id or coder per row): the same codings as read_codings, in coder, transcript and
    start order, strings as categories."""
    project = make_coded_project(tmp_path)
    project.write_codings([Coding("INT02", 0, 4, "MIO.TRAIN", "cy"), Coding("INT01", 2, 9, "MIO.BILL", "cy"),
                           Coding("INT01", 2, 9, "MIO.SUPV", "cy")], coder="cy", action="test")
    columns = ["transcript_id", "start", "end", "code", "coder"]
    for layers in (["ann", "cy"], ["bob"], ["cy", "ann", "bob"], ["nobody"]):
        runs = store_codings.layer_codings(project.store, layers)
        plain = store_codings.read_codings(project.store, coder=layers, columns=["id", *columns])
        plain = plain.sort_values(["coder", "transcript_id", "start", "id"], kind="stable")
        assert list(runs.columns) == columns and len(runs) == len(plain)
        if len(runs):
            assert all(isinstance(runs[c].dtype, pd.CategoricalDtype) for c in ("transcript_id", "code", "coder"))
        got = [tuple(r) for r in runs.astype(object).itertuples(index=False)]
        assert got == [tuple(r) for r in plain[columns].astype(object).itertuples(index=False)]
