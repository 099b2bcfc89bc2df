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
* **docx**: a Word transcript of ``--paragraphs`` paragraphs (the issue: 600,000 paragraphs
  took 1.5 GB) read by :func:`mio_qual.transcripts.docx.read_docx` (streamed) and by
  :func:`~mio_qual.transcripts.docx.read_docx_tree` (python-docx's whole tree), each in a child
  process with its peak memory (VmHWM), beside the floor of inflating ``word/document.xml``
  (the python-docx reader run with the streaming reader's 512 MiB bound on that part: it
  refuses parts over 64 MiB since it holds them whole).

CPU seconds (``time.process_time``) of one run each, on generated data (never stored):

    .venv/bin/python benchmarks/hardening.py
    .venv/bin/python benchmarks/hardening.py --chain 1000 --quotes 2000 --chars 176000
    .venv/bin/python benchmarks/hardening.py --only docx --paragraphs 600000
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


_WORD_PROLOGUE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                  b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>')


def big_docx(path: Path, paragraphs: int, seed: int = 5) -> Path:
    """A Word transcript of ``paragraphs`` paragraphs (a question, then an answer in two runs, by turns).

    Made from python-docx's blank document, its ``word/document.xml`` replaced by one written
    in chunks (the generator holds no tree). Runs carry ``w:rsid`` attributes and run
    properties as Word writes them, so the part is about 230 bytes a paragraph.
    """
    import io

    import docx

    rng = random.Random(seed)
    words = "room family supervision time week clinic team plan session support notes care".split()
    blank = io.BytesIO()
    docx.Document().save(blank)
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item.filename))
        with target.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(_WORD_PROLOGUE)
            chunk = []
            for i in range(paragraphs):
                who = "INTERVIEWER" if i % 2 == 0 else f"P{1 + (i // 2) % 3}"
                said = " ".join(rng.choice(words) for _ in range(rng.randint(4, 12)))
                chunk.append(f'<w:p w:rsidR="00A1{i % 10000:04d}" w:rsidRDefault="00A1B2C3"><w:r><w:rPr>'
                             f'<w:lang w:val="en-US"/></w:rPr><w:t xml:space="preserve">{who}: {said[:20]}</w:t></w:r>'
                             f'<w:r w:rsidR="00B2C3D4"><w:t>{said[20:]}.</w:t></w:r></w:p>')
                if len(chunk) == 2000:
                    part.write("".join(chunk).encode("utf-8"))
                    chunk = []
            part.write(("".join(chunk) + "<w:sectPr/></w:body></w:document>").encode("utf-8"))
    return path


_READ_CHILD = r"""
import sys, time
from mio_qual.transcripts import docx
if sys.argv[1] == "read_docx_tree":  # the main part gets the streaming reader's bound, to compare like with like
    docx.DOCX_MAX_MEMBER_BYTES, docx.DOCX_MAX_TOTAL_BYTES = docx.DOCX_MAX_BODY_BYTES, 1 << 30
start = time.process_time()
source = getattr(docx, sys.argv[1])(sys.argv[2])
seconds = time.process_time() - start
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(len(source.text), len(source.source_blocks), seconds, peak / 1024)
"""


def read_in_child(reader: str, path: Path) -> dict:
    """Run ``mio_qual.transcripts.docx.<reader>(path)`` in a child: characters, blocks, CPU s, peak MiB."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", _READ_CHILD, reader, str(path)], capture_output=True, text=True,
                          check=True)
    chars, blocks, seconds, peak = done.stdout.split()
    return {"chars": int(chars), "blocks": int(blocks), "cpu_s": float(seconds), "peak_mib": float(peak)}


def docx_case(paragraphs: int, folder: Path, tree: bool = True) -> dict:
    path = big_docx(folder / "big.docx", paragraphs)
    start = time.process_time()
    with zipfile.ZipFile(path) as archive, archive.open("word/document.xml") as part:
        inflated = 0
        while block := part.read(1 << 20):
            inflated += len(block)
    floor = time.process_time() - start
    out = {"paragraphs": paragraphs, "docx_mib": path.stat().st_size / (1 << 20),
           "document_xml_mib": inflated / (1 << 20), "inflate_s": floor,
           "stream": read_in_child("read_docx", path)}
    if tree:
        out["tree"] = read_in_child("read_docx_tree", path)
    quarter = big_docx(folder / "quarter.docx", paragraphs // 4)  # linear: a quarter of the paragraphs, a quarter of the time
    out["stream_quarter"] = read_in_child("read_docx", quarter)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chain", type=int, default=3000)
    parser.add_argument("--quotes", type=int, default=2000)
    parser.add_argument("--chars", type=int, default=176_000)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--paragraphs", type=int, default=600_000)
    parser.add_argument("--no-tree", action="store_true", help="docx: leave out the python-docx reader (1.5 GB).")
    parser.add_argument("--only", action="append", choices=("chain", "quotes", "qdpx", "docx"),
                        help="Run only these cases (repeatable; default: all).")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    chosen = args.only or ["chain", "quotes", "qdpx", "docx"]
    cases = {"chain": lambda folder: chain_case(args.chain, folder),
             "quotes": lambda folder: quotes_case(args.quotes, args.chars, folder),
             "qdpx": lambda folder: qdpx_case(args.chars, args.edits, folder),
             "docx": lambda folder: docx_case(args.paragraphs, folder, tree=not args.no_tree)}
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in chosen:
            folder = Path(tmp) / name
            folder.mkdir()
            figures[name] = cases[name](folder)
    if args.json:
        print(json.dumps(figures))
        return 0
    if "chain" in figures:
        c = figures["chain"]
        print(f"codebook validate, a chain of {c['codes']:,} codes: {c['validate_s']:.2f} s "
              f"(floor: yaml.safe_load of the file {c['yaml_load_s']:.2f} s)")
    if "quotes" in figures:
        q = figures["quotes"]
        print(f"coding sheet, {q['rows']:,} quote rows on {q['chars']:,} characters: {q['import_s']:.2f} s, "
              f"{q['ms_per_row']:.2f} ms/row (floor: str.find of each quote {q['str_find_s']:.3f} s)")
    if "qdpx" in figures:
        x = figures["qdpx"]
        print(f"import_qdpx of a {x['chars']:,}-character source revised by {x['edits']} edits: "
              f"{x['revised_import_s']:.2f} s (the unrevised file: {x['same_import_s']:.2f} s)")
    if "docx" in figures:
        d = figures["docx"]
        print(f"Word transcript of {d['paragraphs']:,} paragraphs ({d['docx_mib']:.1f} MiB .docx, "
              f"{d['document_xml_mib']:.1f} MiB word/document.xml; floor: inflating it {d['inflate_s']:.2f} s)")
        for name in ("stream", "tree"):
            if name in d:
                r = d[name]
                print(f"  {'read_docx (streamed)' if name == 'stream' else 'read_docx_tree (python-docx)'}: "
                      f"{r['cpu_s']:.2f} CPU s, peak {r['peak_mib']:.0f} MiB, {r['chars']:,} characters, "
                      f"{r['blocks']:,} blocks")
        q = d["stream_quarter"]
        print(f"  read_docx of a quarter ({q['blocks']:,} paragraphs): {q['cpu_s']:.2f} CPU s, peak {q['peak_mib']:.0f} MiB "
              f"(time ratio full/quarter {d['stream']['cpu_s'] / max(q['cpu_s'], 1e-9):.2f}; linear: 4)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
