"""README "Working as a team", run against a throwaway PostgreSQL server.

The general README harness (tests/system/test_documentation.py) runs ``bash`` blocks on the
sample without a server; this section's commands are in ``shell`` blocks, which it leaves to
this test. The administrator's step (the ``text`` block: a ``lead`` role that may create roles,
and a database ``trial`` it owns) is done here with SQL on the throwaway cluster, and
``db.example.org:5432`` becomes the cluster's address. The project pushed is the sample study
in SQLite (the project of the earlier sections); ``jordan-coded/`` and ``casey-coding.xlsx``
are the sample's coders' files. Between the coders' block and the lead's release, the test
checks that each coder sees only their own layer.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import REPO, SAMPLE

SECTION = "Working as a team"


def section_blocks() -> list[list[str]]:
    """The commands of each ``shell`` block of the section, in order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    body = text.split(f"## {SECTION}\n", 1)[1].split("\n## ", 1)[0]
    return [[line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]
            for block in re.findall(r"```shell\n(.*?)```", body, flags=re.S)]


def test_the_section_has_the_lead_coder_and_release_blocks() -> None:
    blocks = section_blocks()
    assert len(blocks) == 3 and all(line.startswith("mio-qual ") for block in blocks for line in block)
    assert any("project push" in line for line in blocks[0]) and any("team release" in line for line in blocks[2])


def test_working_as_a_team_runs(pg_cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    from mio_qual import Project

    with psycopg.connect(pg_cluster.url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS trial")
        admin.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lead') THEN "
                      "CREATE ROLE lead LOGIN CREATEROLE; END IF; END $$")
        admin.execute("CREATE DATABASE trial OWNER lead")
    with Project.create(tmp_path / "my-study") as study:
        study.import_transcripts([SAMPLE])
    shutil.copytree(SAMPLE / "coding" / "jordan", tmp_path / "jordan-coded")
    shutil.copy(SAMPLE / "coding" / "casey.xlsx", tmp_path / "casey-coding.xlsx")
    env = dict(os.environ, MIO_QUAL_PROJECT=str(tmp_path / "my-study"), COLUMNS="200",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")

    def run(command: str) -> str:
        command = command.replace("db.example.org:5432", f"127.0.0.1:{pg_cluster.port}")
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        return done.stdout

    lead, coders, release = section_blocks()
    for command in lead + coders:
        run(command)
    for coder in ("jordan", "casey"):
        layers = json.loads(run(f"mio-qual --project trial-{coder} coding list --format json"))
        assert {layer["coder"] for layer in layers} == {coder}
    for command in release:
        run(command)
    with Project.open(tmp_path / "trial-copy") as copy:
        assert set(copy.codings()["coder"]) == {"jordan", "casey"}
        assert len(copy.transcripts()) == 16
    layers = json.loads(run("mio-qual --project trial-jordan coding list --format json"))
    assert {layer["coder"] for layer in layers} == {"jordan", "casey"}
