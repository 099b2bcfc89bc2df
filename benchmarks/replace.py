"""Replacing a coded transcript: ``import --replace`` of a ~1 MB transcript with thousands of codings.

A transcript of ``--chars`` characters (generated, never stored: interview turns of words drawn
from a seeded vocabulary) is imported into a fresh project with ``--codings`` codings on it;
then a revised version (``--edits`` edits: words changed, sentences inserted and deleted, as a
transcriber's corrections) replaces it with :meth:`mio_qual.project.Project.add_transcripts`
(``replace=True``): the alignment (:func:`mio_qual.offsets.align`), moving every coding and
rewriting the segments, in one transaction. The time of the alignment alone is given too.

References, measured in the same run:

* the character-level ``difflib.SequenceMatcher`` offset mapper mio-qual used before (it is
  quadratic; measured at ``--reference-chars``, where it finishes) beside
  :func:`~mio_qual.offsets.align` on the same texts;
* ``difflib.SequenceMatcher`` on the lines of the full-size texts (a line diff, which says which
  lines changed but maps no offset inside them).

    .venv/bin/python benchmarks/replace.py                     # 1,000,000 characters
    .venv/bin/python benchmarks/replace.py --chars 200000 --runs 1
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("supervision", "session", "clinic", "counselor", "mother", "baby", "group", "training", "schedule",
         "recording", "caseworker", "billing", "treatment", "recovery", "child", "welfare", "staff", "room",
         "reflective", "function", "week", "month", "time", "really", "think", "maybe", "because", "when",
         "they", "we", "our", "the", "a", "to", "and", "of", "in", "was", "is", "it", "that", "had", "no")


def make_text(chars: int, seed: int) -> str:
    """An interview of about ``chars`` characters: alternating turns of 1-4 sentences."""
    rng = random.Random(seed)
    out, size, n = [], 0, 0
    while size < chars:
        speaker = "Interviewer" if n % 2 == 0 else f"P{rng.randint(1, 4)}"
        sentences = []
        for _ in range(rng.randint(1, 4)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(4, 18))]
            words.append(f"{rng.randint(0, 999)}")  # a number keeps many sentences distinct
            sentences.append(" ".join(words).capitalize() + rng.choice(".?."))
        turn = f"{speaker}: {' '.join(sentences)}\n\n"
        out.append(turn)
        size += len(turn)
        n += 1
    return "".join(out).rstrip("\n")


def revise(text: str, edits: int, seed: int) -> str:
    """``edits`` corrections spread over the text: a word changed, a sentence added or removed."""
    rng = random.Random(seed)
    positions = sorted(rng.sample(range(len(text)), edits), reverse=True)
    for pos in positions:
        start = text.rfind(" ", 0, pos) + 1
        end = text.find(" ", pos)
        end = len(text) if end < 0 else end
        kind = rng.random()
        if kind < 0.5:
            text = text[:start] + rng.choice(WORDS) + "s" + text[end:]
        elif kind < 0.8:
            text = text[:start] + "[crosstalk] and then " + text[start:]
        else:
            stop = text.find(".", start)
            text = text[:start] + text[stop + 1 if 0 <= stop < start + 200 else end:]
    return text


def codings_on(text: str, n: int, seed: int) -> list[tuple[int, int]]:
    """``n`` spans of 3-30 words each, at random places."""
    rng = random.Random(seed)
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    spans = []
    for _ in range(n):
        k = rng.randrange(len(spaces) - 31)
        spans.append((spaces[k] + 1, spaces[k + rng.randint(3, 30)]))
    return spans


def old_mapper(old: str, new: str, offsets: list[int]) -> list[int]:
    """The offset mapper mio-qual used before its offsets module: difflib on characters."""
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    out = []
    for offset in offsets:
        for tag, i1, i2, j1, j2 in opcodes:
            if i1 <= offset < i2 or (offset == i2 and tag == "equal"):
                out.append(j1 + (offset - i1) if tag == "equal" else (j1 if offset == i1 else j2))
                break
        else:
            out.append(opcodes[-1][4] if opcodes else 0)
    return out


def replace_once(chars: int, edits: int, n_codings: int, seed: int) -> dict:
    """Import, code, replace; the seconds of the replacement and what happened to the codings."""
    from mio_qual import Project
    from mio_qual.offsets import align
    from mio_qual.store.codings import insert_codings
    from mio_qual.transcripts import read_text

    old_raw = make_text(chars, seed)
    new_raw = revise(old_raw, edits, seed + 1)
    with tempfile.TemporaryDirectory(prefix="mio-replace-") as tmp:
        with Project.create(Path(tmp) / "study") as project:
            project.add_transcripts([read_text(old_raw, transcript_id="INT01")])
            old = project.text("INT01")
            spans = codings_on(old, n_codings, seed + 2)
            with project.store.transaction():
                insert_codings(project.store, [
                    {"transcript_id": "INT01", "start": s, "end": e, "code": "MIO.SUPV", "coder": "jordan",
                     "origin": "human", "created": "2026-01-01T00:00:00+00:00"} for s, e in spans])
            revised = read_text(new_raw, transcript_id="INT01")
            started = time.perf_counter()
            alignment = align(old, revised.text)
            align_seconds = time.perf_counter() - started
            started = time.perf_counter()
            result = project.add_transcripts([revised], replace=True)
            seconds = time.perf_counter() - started
    kept, changed = result.codings_moved["INT01"]
    untouched = sum(1 for s, e in spans if not any(c.old_start < e and c.old_end > s for c in alignment.changes))
    return {"chars": len(old), "new_chars": len(revised.text), "codings": n_codings, "kept": kept,
            "changed": changed, "untouched": untouched, "seconds": seconds, "align_seconds": align_seconds,
            "changes": len(alignment.changes)}


def reference_once(chars: int, edits: int, n_codings: int, seed: int) -> dict:
    """The old character-level mapper beside the offsets module, on the same smaller texts."""
    from mio_qual.offsets import align, canonicalize

    old = canonicalize(make_text(chars, seed))
    new = canonicalize(revise(old, edits, seed + 1))
    offsets = [o for span in codings_on(old, n_codings, seed + 2) for o in span]
    started = time.perf_counter()
    before = old_mapper(old, new, offsets)
    old_seconds = time.perf_counter() - started
    started = time.perf_counter()
    alignment = align(old, new)
    now = [alignment.start(o) if k % 2 == 0 else alignment.end(o) for k, o in enumerate(offsets)]
    new_seconds = time.perf_counter() - started
    same_text = sum(1 for k in range(0, len(offsets), 2)
                    if new[now[k]:now[k + 1]] == old[offsets[k]:offsets[k + 1]])
    same_text_before = sum(1 for k in range(0, len(offsets), 2)
                           if new[before[k]:before[k + 1]] == old[offsets[k]:offsets[k + 1]])
    return {"chars": len(old), "old_seconds": old_seconds, "align_seconds": new_seconds,
            "kept_now": same_text, "kept_before": same_text_before, "codings": len(offsets) // 2}


def line_diff_seconds(chars: int, edits: int, seed: int) -> float:
    """difflib.SequenceMatcher on the lines of the full-size texts."""
    old = make_text(chars, seed)
    new = revise(old, edits, seed + 1)
    started = time.perf_counter()
    difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False).get_opcodes()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time replacing a coded transcript (import --replace).")
    parser.add_argument("--chars", type=int, default=1_000_000, help="size of the transcript")
    parser.add_argument("--edits", type=int, default=400, help="corrections in the revised version")
    parser.add_argument("--codings", type=int, default=5000)
    parser.add_argument("--reference-chars", type=int, default=20_000,
                        help="size at which the old character-level mapper is measured")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here (read by benchmarks/run.py)")
    args = parser.parse_args(argv)

    runs = [replace_once(args.chars, args.edits, args.codings, seed) for seed in range(args.runs)]
    small_edits = max(1, args.edits * args.reference_chars // args.chars)
    small_codings = max(1, args.codings * args.reference_chars // args.chars)
    references = [reference_once(args.reference_chars, small_edits, small_codings, seed) for seed in range(args.runs)]
    lines = [line_diff_seconds(args.chars, args.edits, seed) for seed in range(args.runs)]

    seconds = statistics.median(r["seconds"] for r in runs)
    align_seconds = statistics.median(r["align_seconds"] for r in runs)
    first = runs[0]
    print(f"replace: {first['chars']:,} characters, {first['codings']:,} codings, {args.edits} edits "
          f"({first['changes']} changed stretches): median {seconds:.2f} s over {args.runs} runs "
          f"(alignment alone {align_seconds:.3f} s)")
    print(f"  codings: {first['kept']:,} kept on the same text, {first['changed']:,} now on changed text; "
          f"{first['untouched']:,} lay outside every change")
    old_s = statistics.median(r["old_seconds"] for r in references)
    new_s = statistics.median(r["align_seconds"] for r in references)
    ref = references[0]
    print(f"reference at {ref['chars']:,} characters: character-level SequenceMatcher mapper {old_s:.2f} s, "
          f"offsets.align {new_s:.4f} s ({old_s / new_s:,.0f}x); codings on the same text: "
          f"{ref['kept_before']} before, {ref['kept_now']} now, of {ref['codings']}")
    line_s = statistics.median(lines)
    print(f"reference at {first['chars']:,} characters: difflib on lines {line_s:.2f} s "
          f"(no offsets inside changed lines)")
    if args.json:
        args.json.write_text(json.dumps({
            "runs": args.runs, "chars": first["chars"], "codings": first["codings"], "edits": args.edits,
            "seconds": seconds, "align_seconds": align_seconds, "kept": first["kept"], "changed": first["changed"],
            "untouched": first["untouched"], "reference_chars": ref["chars"], "old_mapper_seconds": old_s,
            "align_seconds_at_reference": new_s, "line_diff_seconds": line_s,
            "seconds_each": [r["seconds"] for r in runs]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
