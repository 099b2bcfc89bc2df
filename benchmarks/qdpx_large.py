"""A REFI-QDA project (``.qdpx``) with many selections, and the peak memory of importing it (issue 20).

The issue's file held 1.5 million selections (21 MB zipped; its ``project.qde`` under the
512 MiB bound) and stopped with a MemoryError at 4 GB. :func:`write_qdpx` writes such a file
without holding it in memory (the XML goes straight into the zip member): ``--sources``
interviews of synthetic speech, two users, forty codes, and ``--selections`` selections spread
over the sources, each coded once. Each measurement runs in a fresh child process (its peak
resident memory is its own ``VmHWM``), beside the floor of the same child parsing nothing
(interpreter and imports).

    .venv/bin/python benchmarks/qdpx_large.py --selections 200000
    .venv/bin/python benchmarks/qdpx_large.py --selections 200000 1500000 --json out.json
    .venv/bin/python benchmarks/qdpx_large.py --selections 200000 1500000 --per-source 4000

``--per-source`` grows the corpus (more sources of the same size) instead of each source: the
import holds one source's selections at a time, so its memory is flat in the number of sources.
``--one-source`` measures the smallest size once more with every selection in one source (issue 21:
a source's selections wait in the scratch database in chunks, so the largest source does not set the
peak either):

    .venv/bin/python benchmarks/qdpx_large.py --selections 200000 --one-source

With several sizes, each is measured in turn and the growth between the smallest and the
largest is given per added selection (``bytes_per_selection``: peak memory is flat in the
number of selections when it is near 0) beside the ratio of CPU times (linear when it is the
ratio of sizes).

Files are generated in a temporary folder and removed; nothing is ever stored.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

WORDS = ("we had no room for the family meetings so staff used the corridor and nobody could talk "
         "about the new referral form because the manager was away most weeks").split()


def guid(kind: int, n: int) -> str:
    """A GUID that compresses well (issue 20's file: 1.5M selections in 21 MB)."""
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


def source_text(k: int, chars: int) -> str:
    """An interview of about ``chars`` characters: alternating ``I:``/``R:`` turns."""
    rng = random.Random(k)
    turns, size, who = [], 0, 0
    while size < chars:
        turn = ("I: " if who == 0 else "R: ") + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))) + "."
        turns.append(turn)
        size += len(turn) + 1
        who ^= 1
    return "\n".join(turns) + "\n"


def write_qdpx(path: Path, selections: int, sources: int = 50, chars: int = 20_000, codes: int = 40,
               seed: int = 1) -> dict:
    """Write a ``.qdpx`` of ``selections`` coded selections over ``sources`` sources; return its sizes."""
    rng = random.Random(seed)
    users = [guid(1, 1), guid(1, 2)]
    code_guids = [guid(2, i) for i in range(codes)]
    texts = [source_text(k, chars) for k in range(sources)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for k, text in enumerate(texts):
            archive.writestr(f"sources/{guid(3, k)}.txt", text.encode("utf-8"))
        with archive.open("project.qde", "w", force_zip64=True) as out:
            def put(s: str) -> None:
                out.write(s.encode("utf-8"))

            put('<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
                f'name="large" creatingUserGUID="{users[0]}">\n<Users>\n')
            for n, user in enumerate(users):
                put(f'<User guid="{user}" name="coder{n + 1}"/>\n')
            put("</Users>\n<CodeBook><Codes>\n")
            for i, code in enumerate(code_guids):
                put(f'<Code guid="{code}" name="Code {i:02d}" isCodable="true"/>\n')
            put("</Codes></CodeBook>\n<Sources>\n")
            n = 0
            for k, text in enumerate(texts):
                mine = selections // sources + (1 if k < selections % sources else 0)
                put(f'<TextSource guid="{guid(3, k)}" name={quoteattr(f"interview{k:04d}")} '
                    f'plainTextPath="internal://{guid(3, k)}.txt">\n')
                spaces = [i for i, ch in enumerate(text) if ch == " "]
                for _ in range(mine):
                    a = rng.randrange(len(spaces) - 12)
                    start, end = spaces[a] + 1, spaces[a + rng.randint(1, 10)]
                    user = users[n % 2]
                    put(f'<PlainTextSelection guid="{guid(4, n)}" startPosition="{start}" endPosition="{end}">'
                        f'<Coding guid="{guid(5, n)}" creatingUser="{user}" creationDateTime="2024-03-01T10:00:00Z">'
                        f'<CodeRef targetGUID="{code_guids[rng.randrange(codes)]}"/></Coding>'
                        "</PlainTextSelection>\n")
                    n += 1
                put("</TextSource>\n")
            put("</Sources>\n</Project>\n")
    with zipfile.ZipFile(path) as archive:
        qde = archive.getinfo("project.qde").file_size
    return {"selections": selections, "sources": sources, "zip_bytes": path.stat().st_size, "qde_bytes": qde}


# The child: one step, then its own peak resident memory (VmHWM; ru_maxrss is inherited over fork).
CHILD = r"""
import json, sys, time
step, path, folder = sys.argv[1:4]
import mio_qual.coding.refi_import, mio_qual.project, pandas  # the floor: interpreter and imports
start = time.process_time()
out = {}
if step == "read":  # parse, convert offsets, resolve codes and coders: everything before the store
    from mio_qual.coding.codes import load_codebook
    from mio_qual.coding.refi_import import read_qdpx
    plan = read_qdpx(path, codebook=load_codebook(path))
    out["sources"] = len(plan.planned)
elif step == "import":
    from mio_qual import Project
    project = Project.create(folder)
    result = project.import_qdpx(path, codebook=path)
    out["codings"] = result.n_codings
    project.close()
out["cpu_s"] = time.process_time() - start
with open("/proc/self/status") as status:
    out["peak_mib"] = int(next(l.split()[1] for l in status if l.startswith("VmHWM:"))) / 1024
print(json.dumps(out))
"""


def measure(step: str, path: Path, folder: Path) -> dict:
    """Run one step in a fresh child process: its CPU seconds and peak resident memory."""
    done = subprocess.run([sys.executable, "-c", CHILD, step, str(path), str(folder)], capture_output=True,
                          text=True, env=dict(os.environ))
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--selections", type=int, nargs="+", default=[200_000])
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--per-source", type=int,
                        help="selections per source instead of --sources (the corpus grows, not each source)")
    parser.add_argument("--steps", default="floor,read,import", help="comma-separated: floor, read, import")
    parser.add_argument("--one-source", action="store_true",
                        help="also the smallest size with every selection in one source")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    sizes = []
    for selections in args.selections:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "large.qdpx"
            start = time.perf_counter()
            sources = -(-selections // args.per_source) if args.per_source else args.sources
            size: dict = {"file": write_qdpx(path, selections, sources),
                          "generate_s": time.perf_counter() - start, "load": os.getloadavg()[0]}
            for step in args.steps.split(","):
                size[step] = measure(step, path, Path(tmp) / f"project-{step}")
                print(selections, step, size[step], flush=True)
            sizes.append(size)
    figures: dict = {**sizes[0], "sizes": sizes, "load": os.getloadavg()[0]}
    if args.one_source:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "one.qdpx"
            one: dict = {"file": write_qdpx(path, args.selections[0], 1), "load": os.getloadavg()[0]}
            for step in args.steps.split(","):
                one[step] = measure(step, path, Path(tmp) / f"project-{step}")
                print(args.selections[0], "in one source", step, one[step], flush=True)
        figures["one_source"] = one
    small, large = sizes[0], sizes[-1]
    if len(sizes) > 1 and "peak_mib" in small.get("import", {}) and "peak_mib" in large.get("import", {}):
        added = large["file"]["selections"] - small["file"]["selections"]
        figures["growth"] = {
            "bytes_per_selection": (large["import"]["peak_mib"] - small["import"]["peak_mib"]) * 2**20 / added,
            "peak_ratio": large["import"]["peak_mib"] / small["import"]["peak_mib"],
            "cpu_ratio": large["import"]["cpu_s"] / small["import"]["cpu_s"],
            "size_ratio": large["file"]["selections"] / small["file"]["selections"]}
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
