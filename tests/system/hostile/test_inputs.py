"""Every hostile or malformed input, fed to the real CLI, gives a clear one-line error.

For each case of :mod:`hostile_files` the CLI runs ``mio-qual --project COPY ...`` on a
byte-for-byte copy of the base project, in a child process that runs the cases one after
another through the CLI's own entry point (:func:`hostile_run.run_cli_batch`; a last test
checks that ``python -m mio_qual.cli.main`` behaves the same). The case passes when

* the exit code is 2 and stderr is ``error: <one line naming the file>``, then only indented
  detail lines, with no traceback;
* the project file is byte-identical afterwards and its content (every table) unchanged, and
  nothing else was written into the project folder;
* the child did not hang (it is killed after ``MIO_HOSTILE_TIMEOUT`` seconds) and its peak
  resident memory stayed under :data:`MAX_PEAK_MIB`;
* nothing was written outside the archive by a zip-slip member.

The cases run in two children at once, once per session (only those selected by ``-k``),
and each test reports one of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import file_digest, project_state
from helpers.hostile_files import build_cases, word_with_bad_symbols
from helpers.hostile_run import Outcome, copy_project, run_cli_batch, run_cli_child

CASES = {case.name: case for case in build_cases(Path("hostile-files"), write=False)}
MAX_PEAK_MIB = 300
"""A CLI child needs about 75-130 MiB here; reading any of the big files whole would pass 300."""
SLIP_TARGETS = (Path("/tmp/mio-qual-zipslip.txt"), Path("/tmp/mio-qual-absolute.txt"))
WORKERS = max(1, min(4, os.cpu_count() or 1))


def _selected(session: pytest.Session) -> list[str]:
    names = []
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and item.module.__name__ == __name__ and "name" in callspec.params:
            names.append(callspec.params["name"])
    return names or list(CASES)


@pytest.fixture(scope="session")
def outcomes(request, tmp_path_factory, base_project) -> dict[str, tuple[Outcome, bool, bool, list[str]]]:
    """Run the selected cases: name -> (outcome, bytes unchanged, content unchanged, stray files)."""
    base, base_bytes, base_state = base_project
    wanted = set(_selected(request.session))
    root = tmp_path_factory.mktemp("hostile")
    files = root / "files"
    cases = [c for c in build_cases(files, big=any(n in wanted for n in ("tr_200mb.txt", "cs_200mb.csv")))
             if c.name in wanted]
    before = {p: p.exists() for p in SLIP_TARGETS}
    projects = {case.name: copy_project(base, root / "projects" / case.name) for case in cases}
    jobs = [(case.name, ["--project", str(projects[case.name]), *case.args]) for case in cases]
    shares = [jobs[i::WORKERS] for i in range(WORKERS)]
    batches = [root / f"worker{i}" for i in range(WORKERS)]
    for folder in batches:
        folder.mkdir()
    with ThreadPoolExecutor(WORKERS) as pool:
        ran: dict[str, Outcome] = {}
        for part in pool.map(lambda job: run_cli_batch(*job), zip(shares, batches)):
            ran.update(part)
    for path, existed in before.items():
        assert existed or not path.exists(), f"a zip-slip member was written to {path}"
    results = {}
    for name, project in projects.items():
        stray = sorted(p.name for p in project.iterdir()
                       if p.name not in ("mio-qual.db", "mio-qual.db-wal", "mio-qual.db-shm"))
        results[name] = (ran[name], file_digest(project / "mio-qual.db") == base_bytes,
                         project_state(project) == base_state, stray)
    return results


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input_is_refused_cleanly(name, outcomes):
    case = CASES[name]
    outcome, same_bytes, same_content, stray = outcomes[name]
    lines = outcome.stderr.rstrip("\n").splitlines()
    context = f"{case.importer}: {case.attack}\n{outcome.stderr[-2000:]}"
    assert not outcome.hung, context
    assert outcome.returncode == 2, context
    assert lines and lines[0].startswith("error: "), context
    assert case.names in lines[0], context
    assert all(line.startswith("  ") for line in lines[1:]), context
    assert "Traceback" not in outcome.stderr and "internal error" not in outcome.stderr, context
    assert same_bytes and same_content, f"the project changed: {context}"
    assert not stray, f"files written into the project folder: {stray}"
    assert outcome.peak_rss_mib < MAX_PEAK_MIB, f"peak memory {outcome.peak_rss_mib:.0f} MiB: {context}"


def test_the_suite_covers_every_importer_with_enough_cases():
    by_importer = Counter(case.importer for case in CASES.values())
    assert len(CASES) >= 40
    assert set(by_importer) == {"import", "coding import", "ratings import", "quant import", "codebook", "report"}
    kinds = {name.split("_")[0] for name in CASES}
    assert kinds == {"tr", "mf", "ro", "cd", "cs", "qd", "cb", "rt", "qn", "rd", "jf"}  # every reader and importer
    suffixes = {Path(name).suffix for name in CASES}
    assert suffixes >= {".docx", ".txt", ".md", ".vtt", ".srt", ".csv", ".xlsx", ".qdpx", ".yaml"}


def test_the_installed_entry_point_behaves_like_the_child(base_project, tmp_path):
    """The child runner is the CLI: `python -m mio_qual.cli.main` gives the same exit code and message."""
    base = base_project[0]
    cases = build_cases(tmp_path / "files", big=False)
    chosen = [c for c in cases if c.name in ("tr_xxe.docx", "cs_past_end.csv", "rt_formula.xlsx")]
    for case in chosen:
        project = copy_project(base, tmp_path / case.name)
        child = run_cli_child(project, case.args, tmp_path / f"{case.name}.rss", cwd=tmp_path)
        real = subprocess.run([sys.executable, "-m", "mio_qual.cli.main", "--project", str(project), *case.args],
                              capture_output=True, text=True, cwd=tmp_path, timeout=120,
                              env=dict(os.environ, COLUMNS="200", MIO_QUAL_USER="hostile"))
        assert (real.returncode, real.stderr) == (child.returncode, child.stderr)
        assert real.returncode == 2


def test_symbols_no_file_can_hold_are_left_out_so_that_exports_work(tmp_path):
    """A Word transcript whose w:sym elements name U+0001, U+FFFF or a lone surrogate imports, and
    then every writer of Word, Excel and REFI-QDA files works on it (these characters used to reach
    the canonical text, where each export failed with an internal error)."""
    from mio_qual import Project
    from mio_qual.coding import Coding

    source = word_with_bad_symbols(tmp_path / "SYM01.docx")
    with Project.create(tmp_path / "p") as project:
        (tid,) = project.import_transcripts([source]).added  # the file's own metadata names it
        text = project.text(tid)
        assert not any(ord(c) < 0x20 and c not in "\t\n" or c in "\ufffe\uffff" or 0xD800 <= ord(c) <= 0xDFFF
                       for c in text)
        project.write_codings([Coding(tid, 0, 40, "IS.J2", "ana")], coder="ana")
    for args in (["coding", "export-docx", "--out", str(tmp_path / "word")],
                 ["coding", "export", "--coder", "ana", "--out", str(tmp_path / "ana.xlsx")],
                 ["coding", "export-qdpx", "--out", str(tmp_path / "p.qdpx")],
                 ["report", "themes", "--layer", "ana", "--out", str(tmp_path / "r" / "themes.docx")]):
        done = run_cli_child(tmp_path / "p", args, tmp_path / "rss", cwd=tmp_path)
        assert done.returncode == 0, (args, done.stderr)
