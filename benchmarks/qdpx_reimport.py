"""Re-importing a ``.qdpx`` beside importing the same texts (issue 21).

Issue 21 measured ``.qdpx`` re-import at 3x the time of importing the same texts, 31% of it in
a per-character UTF-16 prefix loop. This benchmark writes ``--n`` transcripts of ``--chars``
characters (synthetic speech with a few emoji, so UTF-16 and code-point offsets differ), and
measures in one process, as medians of ``--runs`` paired runs (CPU seconds):

* **reference**: :meth:`~mio_qual.project.Project.import_transcripts` of the ``.txt`` files
  into a fresh project;
* **re-import**: :meth:`~mio_qual.project.Project.import_qdpx`, into that fresh project, of a
  ``.qdpx`` exported from a coded project of the same texts (every source matched to its
  stored transcript by text; one coding per ``--every`` characters);
* **storing the codings** (the fairer reference: a re-import must store the codings too):
  :meth:`~mio_qual.project.Project.write_codings` of the same codings, already made, into
  another fresh project holding the texts (the fastest path into the store; the file is
  recorded as the ``.qdpx`` path records it);
* **first import**: :meth:`~mio_qual.project.Project.import_qdpx` into an empty project (the
  texts come from the file), beside importing the texts and storing the codings.

The re-imported and the directly stored codings are compared (same spans, codes, coders).

    .venv/bin/python benchmarks/qdpx_reimport.py
    .venv/bin/python benchmarks/qdpx_reimport.py --n 50 --chars 40000 --runs 5 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from qdpx_large import source_text  # noqa: E402  (benchmark scripts beside this one)

EMOJI = ("\U0001F600", "\U0001F44D", "\U0001F3E5", "\u00e9")


def write_texts(folder: Path, n: int, chars: int) -> list[Path]:
    """``n`` transcripts with an emoji or accent in about one turn in five."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    paths = []
    for k in range(n):
        lines = source_text(k, chars).splitlines()
        lines = [line + (" " + rng.choice(EMOJI) if rng.random() < 0.2 else "") for line in lines]
        path = folder / f"T{k:03d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def run(n: int, chars: int, every: int, runs: int, folder: Path) -> dict:
    """Paired runs: import the texts into a fresh project, re-import the ``.qdpx`` into the coded one."""
    from mio_qual import Project
    from mio_qual.coding.model import Coding

    paths = write_texts(folder / "texts", n, chars)
    project = Project.create(folder / "coded")
    project.import_transcripts(paths)
    texts = project.texts()
    codings = []
    for tid, text in texts.items():
        spaces = [i for i, ch in enumerate(text) if ch == " "]
        for a in range(0, len(spaces) - 8, max(1, every // 6)):
            codings.append(Coding(tid, spaces[a] + 1, spaces[a + 5], "IS.J2", "ann"))
    project.write_codings(codings, coder="ann")
    qdpx = folder / "coded.qdpx"
    project.export_qdpx(qdpx)
    imports, reimports, stores, firsts, placed, same = [], [], [], [], 0, True
    key = ["transcript_id", "start", "end", "code", "coder"]
    for k in range(runs):
        fresh = Project.create(folder / f"fresh{k}")
        start = time.process_time()
        fresh.import_transcripts(paths)
        imports.append(time.process_time() - start)
        start = time.process_time()
        result = fresh.import_qdpx(qdpx)
        reimports.append(time.process_time() - start)
        placed = result.n_codings
        direct = Project.create(folder / f"direct{k}")
        direct.import_transcripts(paths)
        start = time.process_time()
        direct.write_codings(codings, coder="ann", source_file=qdpx)
        stores.append(time.process_time() - start)
        same = same and fresh.codings()[key].equals(direct.codings()[key])
        empty = Project.create(folder / f"empty{k}")
        start = time.process_time()
        empty.import_qdpx(qdpx)
        firsts.append(time.process_time() - start)
        for opened in (fresh, direct, empty):
            opened.close()
    project.close()
    med = statistics.median
    return {"transcripts": n, "chars": sum(len(t) for t in texts.values()), "codings": placed,
            "import_texts_s": med(imports), "reimport_qdpx_s": med(reimports),
            "ratio": med(reimports) / med(imports), "store_codings_s": med(stores),
            "first_import_qdpx_s": med(firsts),
            "first_ratio": med(firsts) / (med(imports) + med(stores)), "same_codings": same, "runs": runs,
            "load": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--chars", type=int, default=30_000)
    parser.add_argument("--every", type=int, default=200, help="one coding per this many characters")
    parser.add_argument("--runs", type=int, help="paired runs (default 3)")
    parser.add_argument("--quick", action="store_true", help="10 transcripts")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.n = 10
    args.runs = args.runs or 3
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(args.n, args.chars, args.every, args.runs, Path(tmp))
    print(f"re-import of a .qdpx ({figures['transcripts']} sources, {figures['chars']:,} characters, "
          f"{figures['codings']:,} codings): {figures['reimport_qdpx_s']:.2f} CPU-s; importing the same texts: "
          f"{figures['import_texts_s']:.2f} CPU-s; ratio {figures['ratio']:.2f} (load {figures['load']:.2f})")
    print(f"storing the same codings (write_codings): {figures['store_codings_s']:.3f} CPU-s "
          f"(same codings as the re-import: {figures['same_codings']}); first import of the .qdpx into an empty "
          f"project: {figures['first_import_qdpx_s']:.2f} CPU-s, {figures['first_ratio']:.2f}x importing the texts "
          "and storing the codings")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
