"""The audit trail: every change to transcripts, codings, ratings, outcomes and models is recorded.

A whole study is run through the CLI, one command at a time: transcripts, two human layers
(a coding sheet and Word comments), reconciliation, rule and model suggestions, two raters'
ratings and their consensus, quantitative outcomes, a transcript replaced under its codings,
and a command that fails. Around each command the data tables are compared; the property:

* whenever a command changed any of them, the audit table gained entries saying who (the
  ``MIO_QUAL_USER``), when (an ISO time within the command's run), with which command line
  (``mio-qual`` and the subcommand as typed) and what (action and target); an entry about
  codings, ratings or a model also names the codebook version;
* a command that fails or changes nothing adds no entry;
* ``mio-qual log`` shows exactly the audit table, newest first.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from helpers import SAMPLE
from helpers.cli import run_captured as run

USER = "auditor-7"
SNAPSHOTS = {
    "transcripts": "SELECT id, text_hash, kind, agency, clinic, participant_id, role, date, interviewer, attributes"
                   " FROM transcripts",
    "codings": "SELECT transcript_id, start, end, code, coder, origin, memo, codebook_version, source_file FROM codings",
    "ratings": "SELECT rater, case_kind, case_id, construct, rating, rationale, source_file FROM ratings",
    "quant": "SELECT dataset, level, unit_id, agency, clinic, measure, value, source_file, row FROM quant",
    "models": "SELECT id, codebook_version, unit, trained_on, meta, weights FROM models",
}
VERSIONED = {"codings", "ratings", "models"}


def snapshot(db: Path) -> dict[str, str]:
    connection = sqlite3.connect(db)
    try:
        out = {}
        for table, sql in SNAPSHOTS.items():
            rows = sorted(connection.execute(sql).fetchall(), key=repr)
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return out
    finally:
        connection.close()


def audit_rows(db: Path) -> list[dict]:
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in connection.execute("SELECT * FROM audit ORDER BY id")]
    finally:
        connection.close()


@pytest.fixture()
def inputs(tmp_path):
    ratings = {}
    for rater, rating in (("riley", "+1"), ("sam", "-1")):
        path = tmp_path / f"ratings_{rater}.csv"
        path.write_text("case_id,construct,rating,rationale\n"
                        f"northside,IS.J2,{rating},the room\neastgate,IS.J2,+2,same\n", encoding="utf-8")
        ratings[rater] = path
    changed = tmp_path / "changed"
    shutil.copytree(SAMPLE, changed, ignore=shutil.ignore_patterns("coding", "quant"))
    target = changed / "INT02_northside_director.txt"
    raw = target.read_text(encoding="utf-8-sig")
    target.write_text(raw.replace("I:", "I:  So,", 1), encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("transcript_id,start,end,code\nINT02,0,99999999,IS.J2\n", encoding="utf-8")
    return ratings, changed, bad


def test_every_change_is_in_the_audit_trail_and_in_mio_qual_log(tmp_path, monkeypatch, inputs):
    monkeypatch.setenv("MIO_QUAL_USER", USER)
    ratings, changed, bad = inputs
    project = tmp_path / "study"
    assert run(tmp_path, "init", project)[0] == 0
    db = project / "mio-qual.db"
    jordan = sorted(str(p) for p in (SAMPLE / "coding" / "jordan").glob("*.docx"))
    steps: list[tuple[str, list[str | Path], int]] = [
        ("import", ["import", SAMPLE], 0),
        ("import again (no-op)", ["import", SAMPLE], 0),
        ("coding sheet", ["coding", "import", SAMPLE / "coding" / "casey.xlsx"], 0),
        ("Word comments", ["coding", "import", *jordan, "--coder", "jordan"], 0),
        ("reconcile", ["coding", "reconcile", "--coders", "jordan", "casey", "--out", tmp_path / "rec"], 0),
        ("rules", ["autocode", "rules"], 0),
        ("train", ["autocode", "train", "--from", "consensus", "--folds", "2"], 0),
        ("suggest", ["autocode", "suggest"], 0),
        ("ratings riley", ["ratings", "import", ratings["riley"], "--rater", "riley"], 0),
        ("ratings sam", ["ratings", "import", ratings["sam"], "--rater", "sam"], 0),
        ("ratings consensus", ["ratings", "consensus", "--allow-unresolved"], 0),
        ("quant", ["quant", "import", SAMPLE / "quant" / "fidelity_sessions.csv"], 0),
        ("replace under codings", ["import", changed, "--replace"], 0),
        ("a failing import", ["coding", "import", bad, "--coder", "casey"], 2),
    ]
    changed_tables_seen: set[str] = set()
    for name, args, expected_code in steps:
        before, n_before = snapshot(db), len(audit_rows(db))
        started = datetime.now(timezone.utc).replace(microsecond=0)
        code, _, err = run(project, *args)
        finished = datetime.now(timezone.utc) + timedelta(seconds=1)
        assert code == expected_code, (name, err)
        after = snapshot(db)
        new = audit_rows(db)[n_before:]
        changed = {table for table in SNAPSHOTS if before[table] != after[table]}
        changed_tables_seen |= changed
        if not changed:
            assert not new, (name, new)
            continue
        assert new, f"{name} changed {sorted(changed)} without an audit entry"
        for entry in new:
            assert entry["user"] == USER, (name, entry)
            assert started <= datetime.fromisoformat(entry["at"]) <= finished, (name, entry["at"])
            assert entry["command"].startswith("mio-qual ") and str(args[0]) in entry["command"], (name, entry)
            assert entry["action"], (name, entry)
            json.loads(entry["detail"])
        if changed & VERSIONED:
            assert all(entry["codebook_version"] for entry in new), (name, new)
    assert changed_tables_seen == set(SNAPSHOTS)
    # the replaced transcript's moved codings are listed, not only counted
    replaced = [e for e in audit_rows(db) if e["action"] == "import transcripts"][-1]
    assert json.loads(replaced["detail"])["replaced"] == ["INT02"]
    # mio-qual log shows the audit table, newest first
    code, out, _ = run(project, "log", "--limit", "0", "--format", "json")
    assert code == 0
    shown = json.loads(out)
    stored = audit_rows(db)
    assert [row["id"] for row in shown] == [row["id"] for row in reversed(stored)]
    assert [(r["user"], r["action"], r["command"], r["codebook_version"]) for r in shown] == \
        [(r["user"], r["action"], r["command"], r["codebook_version"]) for r in reversed(stored)]
    code, out, _ = run(project, "log", "--limit", "3", "--format", "csv")
    assert code == 0 and len(out.strip().splitlines()) == 4


def test_log_shows_entries_with_and_without_a_target(tmp_path, monkeypatch):
    """`mio-qual log` used to fail with a TypeError under pandas 3 when some entries had a target
    and others not (a missing target came back as NaN, not None)."""
    from mio_qual.project import Project
    from mio_qual.store import db

    monkeypatch.setattr(db, "CLI_COMMAND", None)  # the in-process CLI sets it; later tests get it back

    with Project.create(tmp_path / "study") as project:
        with project.store.transaction():
            project.store.audit("import transcripts", detail={"added": ["T1"]})
            project.store.audit("delete layer", target="jordan")
        frame = project.log()
    assert frame["target"].tolist() == ["jordan", None]
    assert frame["codebook_version"].tolist() == [None, None]
    code, out, err = run(tmp_path / "study", "log")
    assert code == 0, err
    assert "delete layer" in out and "jordan" in out and "import transcripts" in out
    code, out, err = run(tmp_path / "study", "log", "--format", "json")
    assert code == 0, err
    assert [entry["target"] for entry in json.loads(out)] == ["jordan", None]
