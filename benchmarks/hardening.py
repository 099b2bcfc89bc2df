"""Hardening cases of issue 20 at their sizes, each beside a floor measured in the same run.

* **chain**: ``codebook validate`` of a codebook whose ``--chain`` codes each name the previous
  one as parent (cubic before issue 20: 7.9 s at 1,000 codes, over 240 s at 3,000), beside the
  floor of reading the same YAML file (``yaml.safe_load``).
* **quotes**: a coding sheet of ``--quotes`` rows placed by quote on a transcript of
  ``--chars`` characters (the issue measured 25 ms a row), imported with
  :meth:`~mio_qual.project.Project.import_coding_sheets`, beside the floor of finding each
  quote with ``str.find`` in the same text.
* **qdpx**: a coded transcript of ``--chars`` characters exported to ``.qdpx``, its source revised
  (``--edits`` corrections) and imported back (the issue measured 127 s holding the write lock),
  beside importing the unrevised ``.qdpx`` (no alignment needed).

CPU seconds (``time.process_time``) of one run each, on generated data (never stored):

    .venv/bin/python benchmarks/hardening.py
    .venv/bin/python benchmarks/hardening.py --chain 1000 --quotes 2000 --chars 176000
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from replace import make_text, revise  # noqa: E402  (benchmark scripts beside this one)


def chain_case(n: int, folder: Path) -> dict:
    import yaml

    from mio_qual.codebook import validate_codebook

    path = folder / "chain.yaml"
    path.write_text("codebook: t\ncodes:\n" + "".join(
        f"  - id: C{i}\n    name: Code {i}\n" + (f"    parent: C{i - 1}\n" if i else "") for i in range(n)))
    start = time.process_time()
    problems = validate_codebook(path)
    ours = time.process_time() - start
    start = time.process_time()
    yaml.safe_load(path.read_text())
    floor = time.process_time() - start
    return {"codes": n, "problems": len(problems), "validate_s": ours, "yaml_load_s": floor}


def _project(folder: Path, chars: int, seed: int):
    from mio_qual import Project

    (folder / "T01.txt").write_text(make_text(chars, seed), encoding="utf-8")
    project = Project.create(folder / "study")
    project.import_transcripts([folder / "T01.txt"])
    return project


def quotes_case(n: int, chars: int, folder: Path) -> dict:
    project = _project(folder, chars, 2)
    try:
        text = project.text("T01")
        rng = random.Random(0)
        quotes = []
        for _ in range(n):
            a = rng.randrange(0, len(text) - 100)
            quotes.append(text[a:a + 60])
        path = folder / "quotes.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["transcript_id", "quote", "code"])
            writer.writerows(["T01", q, "IS.J2"] for q in quotes)
        start = time.process_time()
        result = project.import_coding_sheets([path], coder="ana")
        ours = time.process_time() - start
        start = time.process_time()
        for q in quotes:
            text.find(q)
        floor = time.process_time() - start
        return {"rows": n, "chars": len(text), "inserted": result.inserted, "import_s": ours,
                "ms_per_row": ours / n * 1000, "str_find_s": floor}
    finally:
        project.close()


def qdpx_case(chars: int, edits: int, folder: Path) -> dict:
    from mio_qual import Project
    from mio_qual.coding.model import Coding

    project = _project(folder, chars, 3)
    try:
        text = project.text("T01")
        project.write_codings([Coding("T01", i, i + 50, "IS.J2", "ann") for i in range(0, len(text) - 60, 900)],
                              coder="ann")
        same = folder / "same.qdpx"
        project.export_qdpx(same)
        with zipfile.ZipFile(same) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        source = next(name for name in members if name.startswith("sources/"))
        members[source] = revise(text, edits, 5).encode("utf-8")
        revised = folder / "revised.qdpx"
        with zipfile.ZipFile(revised, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                archive.writestr(name, data)
    finally:
        project.close()
    timings = {}
    for label, path in (("revised", revised), ("same", same)):
        fresh = Project.open(folder / "study")
        try:
            start = time.process_time()
            result = fresh.import_qdpx(path, skip_problems=True)
            timings[label] = (time.process_time() - start, result.n_codings)
        finally:
            fresh.close()
    return {"chars": len(text), "edits": edits, "revised_import_s": timings["revised"][0],
            "codings": timings["revised"][1], "same_import_s": timings["same"][0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chain", type=int, default=3000)
    parser.add_argument("--quotes", type=int, default=2000)
    parser.add_argument("--chars", type=int, default=176_000)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folders = [Path(tmp) / name for name in ("chain", "quotes", "qdpx")]
        for folder in folders:
            folder.mkdir()
        figures = {"chain": chain_case(args.chain, folders[0]),
                   "quotes": quotes_case(args.quotes, args.chars, folders[1]),
                   "qdpx": qdpx_case(args.chars, args.edits, folders[2])}
    if args.json:
        print(json.dumps(figures))
        return 0
    c, q, x = figures["chain"], figures["quotes"], figures["qdpx"]
    print(f"codebook validate, a chain of {c['codes']:,} codes: {c['validate_s']:.2f} s "
          f"(floor: yaml.safe_load of the file {c['yaml_load_s']:.2f} s)")
    print(f"coding sheet, {q['rows']:,} quote rows on {q['chars']:,} characters: {q['import_s']:.2f} s, "
          f"{q['ms_per_row']:.2f} ms/row (floor: str.find of each quote {q['str_find_s']:.3f} s)")
    print(f"import_qdpx of a {x['chars']:,}-character source revised by {x['edits']} edits: "
          f"{x['revised_import_s']:.2f} s (the unrevised file: {x['same_import_s']:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
