"""Throughput of auto-coding on the generated 10-million-word corpus, beside spaCy's tokenizer.

The corpus is generated in memory exactly as ``benchmarks/corpus.py`` builds its transcripts
(:func:`corpus._turns` with a seeded ``random.Random``: invented clinic-staff sentences,
interviewer questions, transcriber notes), and streamed one speaker turn at a time. Three
stages each run in a fresh Python process, so that each reports its own peak memory:

* ``tokenizer``: spaCy's blank English tokenizer over every turn (the reference);
* ``rules``: the rule coder (:class:`mio_qual.autocode.RuleCoder` with the bundled cfir2,
  cfir_outcomes and mio codebooks) over the same turns, sentences found inside each turn,
  negation and exclusions applied, every hit returned with its offsets and text;
* ``model``: a :class:`mio_qual.autocode.CodeSuggester` trained on the bundled sample
  study's human coding (coder ``jordan``, sentences) predicting probabilities and codes for
  the same turns, 2,000 turns per call.

Throughput is words (whitespace-delimited) per second of CPU time of the stage's process
(``time.process_time``), which other programs on the machine disturb less than wall time;
wall time is shown too. Because a shared machine still slows a process by different amounts
from one minute to the next, the ``rules`` and ``model`` stages also tokenize every batch
themselves, alternating which goes first, and report their speed relative to that paired
tokenization of the same batches (``vs tokenizer``): both numbers then come from the same
minutes. Peak resident memory (``resource.getrusage``) is read after 10%, 50% and 100% of the
words: equal values mean memory stays flat while streaming. The target is rules at no less
than half the tokenizer's words per second.

    .venv/bin/python benchmarks/autocode.py                     # 10M words
    .venv/bin/python benchmarks/autocode.py --words 1000000     # quicker
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

HERE = Path(__file__).resolve().parent
STAGES = ("tokenizer", "rules", "model")


def turn_texts(total_words: int, seed: int = 0, words_each: int = 5000) -> Iterator[str]:
    """Speaker turns of generated transcripts, as ``corpus.generate_corpus`` writes them, until
    ``total_words`` words have been produced."""
    sys.path.insert(0, str(HERE))
    from corpus import _turns  # noqa: PLC0415 - the readers engineer's generator

    rng = random.Random(seed)
    produced = 0
    while produced < total_words:
        for _, paragraphs in _turns(rng, words_each):
            text = "\n\n".join(paragraphs)
            produced += len(text.split())
            yield text
            if produced >= total_words:
                return


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _sample_model() -> Any:
    """A suggester trained on the sample study's human coding (jordan, sentences)."""
    import tempfile

    from mio_qual import Project
    from mio_qual.autocode import CodeSuggester
    from mio_qual.resources import bundled_path

    sample = Path(bundled_path("transcripts_sample"))
    with tempfile.TemporaryDirectory() as folder:
        project = Project.create(Path(folder) / "study")
        project.import_transcripts([sample])
        project.import_word_comments(sorted((sample / "coding" / "jordan").glob("*.docx")), coder="jordan")
        data = project.labelled_units("jordan", "sentence")
        model = CodeSuggester().fit(data.texts, data.Y, groups=data.groups, codes=data.codes)
        project.close()
    return model


def run_stage(stage: str, words: int, seed: int) -> dict[str, Any]:
    """Run one stage in this process and return its measurements."""
    setup_start = time.perf_counter()
    extra: dict[str, Any] = {}
    if stage == "tokenizer":
        from mio_qual.nlp import get_nlp

        tokenizer = get_nlp(lemmatize=False).tokenizer

        def work(texts: list[str]) -> int:
            return sum(len(doc) for doc in tokenizer.pipe(texts))
    elif stage == "rules":
        from mio_qual.autocode import RuleCoder

        coder = RuleCoder()
        extra["patterns"] = len(coder.matcher)

        def work(texts: list[str]) -> int:
            return sum(len(hits) for hits in coder.tag(texts))
    elif stage == "model":
        model = _sample_model()
        extra["codes"] = len(model.codes_)

        def work(texts: list[str]) -> int:
            return int(model.predict(texts).sum())
    else:  # pragma: no cover
        raise ValueError(stage)
    from mio_qual.nlp import get_nlp

    reference = get_nlp(lemmatize=False).tokenizer
    setup = time.perf_counter() - setup_start
    rss_setup = _rss_mb()
    checkpoints = {int(words * share): f"{int(share * 100)}%" for share in (0.1, 0.5, 1.0)}
    rss: dict[str, float] = {}
    done = found = batches = 0
    cpu = wall = paired = 0.0
    batch: list[str] = []
    batch_words = 0
    marks = sorted(checkpoints)

    def tokenize_too() -> float:
        c0 = time.process_time()
        for _ in reference.pipe(batch):
            pass
        return time.process_time() - c0

    def flush() -> None:
        nonlocal done, found, cpu, wall, batch, batch_words, batches, paired
        if stage != "tokenizer" and batches % 2 == 0:
            paired += tokenize_too()
        c0, w0 = time.process_time(), time.perf_counter()
        found += work(batch)
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
        if stage != "tokenizer" and batches % 2 == 1:
            paired += tokenize_too()
        batches += 1
        done += batch_words
        batch, batch_words = [], 0
        while marks and done >= marks[0]:
            rss[checkpoints[marks.pop(0)]] = round(_rss_mb(), 1)

    for text in turn_texts(words, seed):
        batch.append(text)
        batch_words += len(text.split())
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    for mark in marks:
        rss[checkpoints[mark]] = round(_rss_mb(), 1)
    return {"stage": stage, "words": done, "found": found, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
            "words_per_cpu_s": round(done / cpu) if cpu else None, "words_per_wall_s": round(done / wall) if wall else None,
            "setup_s": round(setup, 1), "rss_mb_after_setup": round(rss_setup, 1), "peak_rss_mb": rss,
            "paired_tokenizer_cpu_s": round(paired, 2) if paired else None,
            "vs_paired_tokenizer": round(paired / cpu, 3) if paired and cpu else None, **extra}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=10_000_000, help="words to stream (default 10M)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)  # one stage, in this process
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.stage:
        print(json.dumps(run_stage(args.stage, args.words, args.seed)))
        return 0
    results = []
    for stage in args.stages:
        out = subprocess.run([sys.executable, __file__, "--stage", stage, "--words", str(args.words), "--seed",
                              str(args.seed)], check=True, capture_output=True, text=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"  {stage}: done", file=sys.stderr)
    reference = next((r for r in results if r["stage"] == "tokenizer"), None)
    print(f"{'stage':<10} {'words':>11} {'cpu s':>8} {'words/cpu s':>12} {'wall s':>8} {'words/wall s':>12} "
          f"{'vs tokenizer':>12}  peak RSS MB at 10% / 50% / 100%")
    print(f"{'':<10} {'':>11} {'':>8} {'':>12} {'':>8} {'':>12} {'(paired)':>12}")
    for r in results:
        ratio = r["vs_paired_tokenizer"] or 1.0
        rss = " / ".join(str(r["peak_rss_mb"].get(k, "")) for k in ("10%", "50%", "100%"))
        print(f"{r['stage']:<10} {r['words']:>11,} {r['cpu_s']:>8.1f} {r['words_per_cpu_s']:>12,} {r['wall_s']:>8.1f} "
              f"{r['words_per_wall_s']:>12,} {ratio:>12.2f}  {rss}")
    rules = next((r for r in results if r["stage"] == "rules"), None)
    if rules:
        ratio = rules["vs_paired_tokenizer"]
        apart = f"; {rules['words_per_cpu_s'] / reference['words_per_cpu_s']:.2f} against the separate tokenizer run" \
            if reference else ""
        print(f"rules at {ratio:.2f} of the tokenizer's speed on the same batches (target >= 0.50): "
              f"{'met' if ratio >= 0.5 else 'NOT met'}{apart}; {rules['found']:,} hits from {rules.get('patterns')} "
              "patterns")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
