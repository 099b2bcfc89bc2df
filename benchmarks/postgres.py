"""Team mode's cost: the same work on PostgreSQL beside SQLite, in one run.

A throwaway PostgreSQL cluster (``mio_qual.store.pgcluster``; the server programs from Debian's
postgresql) is started on loopback; then, for each backend, a fresh project:

1. imports a generated corpus (``benchmarks/corpus.py``: readers, segmentation, one transaction);
2. imports two coders' layers of synthetic codings (``Project.write_codings``: ``executemany``,
   which psycopg sends in pipelined batches, one round trip per batch);
3. computes sentence-level agreement between the two layers (reads every coding and segment).

Then the batched write is set beside a query per row on the server (the reference a naive
backend would be), and ``project push`` (``COPY``) beside it. Prints seconds; ``--json`` writes them.

    .venv/bin/python benchmarks/postgres.py                  # 200 transcripts x 2000 words
    .venv/bin/python benchmarks/postgres.py --n 50 --runs 1  # quicker
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import ensure_corpus  # noqa: E402


def seconds(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def synthetic_layers(project: Any, per_transcript: int, seed: int = 7) -> dict[str, list]:
    """Two coders' codings on sentence spans: the second agrees with the first 70 % of the time."""
    from mio_qual.coding import Coding

    rng = random.Random(seed)
    codes = [f"IS.A{i}" for i in range(1, 9)]
    sentences = project.segments("sentence")
    layers: dict[str, list] = {"ann": [], "bea": []}
    for tid, group in sentences.groupby("transcript_id"):
        rows = group.sample(n=min(per_transcript, len(group)), random_state=rng.randrange(10**6))
        for row in rows.itertuples():
            code = rng.choice(codes)
            layers["ann"].append(Coding(tid, int(row.start), int(row.end), code, "ann"))
            other = code if rng.random() < 0.7 else rng.choice(codes)
            layers["bea"].append(Coding(tid, int(row.start), int(row.end), other, "bea"))
    return layers


def run_backend(name: str, corpus: Path, folder: Path, database: str | None, per_transcript: int) -> dict[str, float]:
    from mio_qual import Project

    project = Project.create(folder, database=database)
    figures: dict[str, float] = {}
    figures["import"], result = seconds(lambda: project.import_transcripts([corpus]))
    layers = synthetic_layers(project, per_transcript)
    figures["codings"] = sum(len(v) for v in layers.values())
    figures["coding_import"], _ = seconds(lambda: [project.write_codings(v, coder=k, replace="layer")
                                                   for k, v in layers.items()])
    figures["agreement"], table = seconds(lambda: project.agreement(["ann", "bea"], unit="sentence"))
    figures["words"] = result.n_words
    project.close()
    print(f"   {name:<10} import {figures['import']:6.2f} s   coding import ({figures['codings']:,} codings) "
          f"{figures['coding_import']:6.2f} s   agreement {figures['agreement']:6.2f} s")
    return figures


def round_trips(url: str, rows: int) -> dict[str, float]:
    """One INSERT per row against executemany (pipelined) against COPY, on the server, same rows."""
    import psycopg

    data = [(i, f"text {i}", i * 0.5) for i in range(rows)]
    out = {}
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE bench (a INTEGER, b TEXT, c DOUBLE PRECISION)")

        def per_row() -> None:
            with connection.transaction():
                for row in data:
                    connection.execute("INSERT INTO bench VALUES (%s, %s, %s)", row)

        def batched() -> None:
            with connection.transaction(), connection.cursor() as cursor:
                cursor.executemany("INSERT INTO bench VALUES (%s, %s, %s)", data)

        def copy() -> None:
            with connection.transaction(), connection.cursor() as cursor, \
                    cursor.copy("COPY bench (a, b, c) FROM STDIN") as writer:
                for row in data:
                    writer.write_row(row)

        for label, func in (("one query per row", per_row), ("executemany", batched), ("COPY", copy)):
            connection.execute("TRUNCATE bench")
            out[label], _ = seconds(func)
            assert connection.execute("SELECT COUNT(*) FROM bench").fetchone()[0] == rows
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="transcripts in the corpus")
    parser.add_argument("--words", type=int, default=2000, help="words per transcript")
    parser.add_argument("--per-transcript", type=int, default=40, help="codings per coder and transcript")
    parser.add_argument("--runs", type=int, default=3, help="runs per backend (medians are printed last)")
    parser.add_argument("--rows", type=int, default=20000, help="rows of the round-trip comparison")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    from mio_qual.store.pgcluster import TempCluster, find_binaries

    if find_binaries() is None:
        print("no PostgreSQL server programs: install Debian's postgresql (or set MIO_QUAL_PG_BIN)")
        return 2
    work = Path(tempfile.mkdtemp(prefix="mio-qual-bench-pg-"))
    corpus = work / "corpus"
    ensure_corpus(corpus, args.n, args.words)
    figures: dict[str, Any] = {"sqlite": [], "postgresql": []}
    from mio_qual.nlp import get_nlp

    get_nlp()  # spaCy loads once, before either backend is timed
    with TempCluster(durable=True) as cluster:
        print(f"PostgreSQL from {cluster.binaries} on loopback, fsync on; SQLite in WAL mode as mio-qual opens it")
        for run in range(args.runs):
            print(f"run {run + 1}")
            figures["sqlite"].append(run_backend("sqlite", corpus, work / f"sqlite{run}", None, args.per_transcript))
            url = cluster.create_database(f"bench{run}")
            figures["postgresql"].append(run_backend("postgresql", corpus, work / f"pg{run}", url,
                                                     args.per_transcript))
        print(f"medians of {args.runs} runs (seconds)")
        for step in ("import", "coding_import", "agreement"):
            lite = statistics.median(f[step] for f in figures["sqlite"])
            server = statistics.median(f[step] for f in figures["postgresql"])
            print(f"   {step:<14} sqlite {lite:7.2f}   postgresql {server:7.2f}   ratio {server / lite:5.2f}")
        print(f"{args.rows:,} rows into one table on the server (seconds)")
        figures["round_trips"] = round_trips(cluster.create_database("trips"), args.rows)
        for label, value in figures["round_trips"].items():
            print(f"   {label:<18} {value:7.3f}")
        from mio_qual import Project

        with Project.open(work / "sqlite0") as local:
            figures["push"], counts = seconds(lambda: local.push(cluster.create_database("pushed")))
        print(f"project push (COPY) of {sum(counts.values()):,} rows: {figures['push']:.2f} s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
