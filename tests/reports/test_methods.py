"""The methods text of the reports says what the project did (reports/methods.py)."""

from __future__ import annotations

from pathlib import Path

from helpers.agreement import make_coded_project

from mio_qual.reports.methods import describe_reconciliation


def test_a_consensus_without_decisions_says_what_it_leaves_out(tmp_path: Path) -> None:
    project = make_coded_project(tmp_path)
    result = project.reconcile(["ann", "bob"], into="consensus", unit="sentence")
    assert len(result.rows) > 0  # the two layers disagree somewhere
    text = " ".join(describe_reconciliation(project.project_facts()))
    assert "A consensus layer was built from the coders' layers (consensus:" in text
    assert "No reconciliation decisions have been imported" in text
    assert "were reconciled into" not in text
    project.close()
