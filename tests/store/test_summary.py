"""The overview counts and the facts the methods text describes (store/summary.py)."""

from __future__ import annotations

from helpers.agreement import make_coded_project

from mio_qual.store import summary


def test_segments_are_counted_per_kind_through_the_key(tmp_path):
    """Turns and sentences counted one transcript at a time through the segments' key equal the rows the store
    holds of each kind, and no count scans every segment (issue 21)."""
    project = make_coded_project(tmp_path)
    c = project.store.connection
    held = dict(c.execute("SELECT kind, COUNT(*) FROM segments GROUP BY kind").fetchall())
    statements: list[str] = []
    c.set_trace_callback(statements.append)
    counted = summary.counts(project.store)
    c.set_trace_callback(None)
    assert counted["turns"] == held["turn"] > 0 and counted["sentences"] == held["sentence"] > 0
    for statement in statements:
        if "FROM segments" in statement:
            plan = " ".join(row[-1] for row in c.execute("EXPLAIN QUERY PLAN " + statement))
            assert "SCAN segments" not in plan, (statement, plan)


def test_counts_and_facts_from_what_a_report_read_already_equal_a_fresh_read(tmp_path):
    """A report hands counts the layers' facts and project_facts the counts: the same numbers, fewer reads."""
    project = make_coded_project(tmp_path)
    coded = summary.coding_facts(project.store)
    fresh = summary.counts(project.store)
    assert summary.counts(project.store, coded) == fresh and fresh["codings"] > 0 and fresh["coders"] == 2
    statements: list[str] = []
    project.store.connection.set_trace_callback(statements.append)
    given = summary.project_facts(project.store, coded, fresh)
    project.store.connection.set_trace_callback(None)
    assert given == summary.project_facts(project.store)
    assert not any("FROM segments" in s or "SUM(n_words)" in s for s in statements)


def test_coding_facts_layer_by_layer_equal_the_codings_counted_plainly(tmp_path):
    """What each layer covers, the codes applied, codings per origin and the transcripts two human coders coded,
    read one layer at a time, equal the stored codings counted with pandas (human, consensus and rules layers)."""
    from mio_qual.coding.model import Coding
    from mio_qual.store.codings import read_codings

    project = make_coded_project(tmp_path)
    project.write_codings([Coding("INT01", 0, 10, "IS.J2", "team", origin="consensus"),
                           Coding("INT02", 3, 9, "MIO.TRAIN", "team", origin="consensus")], coder="team", origin="consensus",
                          action="test")
    project.write_codings([Coding("INT02", 0, 5, "IS.J1", "rules", origin="rules")], coder="rules", origin="rules", action="test")
    facts = summary.coding_facts(project.store)
    codings = read_codings(project.store)
    assert {(layer.coder, layer.origin): (layer.codings, layer.transcripts, layer.codes) for layer in facts.layers} \
        == {key: (len(g), g["transcript_id"].nunique(), g["code"].nunique())
            for key, g in codings.groupby(["coder", "origin"])}
    assert facts.origins == codings["origin"].value_counts().to_dict() and set(facts.origins) >= {"consensus", "rules"}
    shown = codings[codings["origin"].isin(["human", "consensus"])]
    assert facts.code_use == shown["code"].value_counts().to_dict()
    human = codings[codings["origin"] == "human"].groupby("transcript_id")["coder"].nunique()
    assert facts.double_coded == int((human >= 2).sum()) > 0
    assert facts.coders == codings["coder"].nunique() == 4
