"""A synthetic transcript corpus for timing the readers, and the timing itself.

:func:`generate_corpus` writes a deterministic (seeded) mix of formats, built from a vocabulary
of invented clinic-staff sentences: label-colon ``.txt``, Otter-style ``.txt``, Zoom and Teams
``.vtt``, diarized ``.srt`` and a few ``.docx``, plus a ``manifest.csv``.

Run it to time reading (turns, paragraphs, notes and sentence segmentation) against a
reference that only reads the same files with ``open().read()`` and runs spaCy's tokenizer::

    .venv/bin/python benchmarks/corpus.py                   # 2000 x 5000 words = 10M words
    .venv/bin/python benchmarks/corpus.py --n 200 --runs 3  # quicker

The target is about 300k words/s for reading with sentences (10M words in about 30 s).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

SENTENCES = [
    "We moved the MIO sessions to Tuesday mornings because the afternoons kept filling up with intakes.",
    "Honestly, the supervision hour is the first thing that gets cancelled when we are short staffed.",
    "The family room has a door now, which sounds small but it changed how the moms talk.",
    "I think the training was good, but there was a long gap before I got my first case.",
    "Her caseworker scheduled a visit right on top of our session again.",
    "We cannot bill for that time under the codes we have, so it comes out of somewhere else.",
    "Recording the sessions felt strange at first, and then after a month nobody noticed the recorder.",
    "Two of the counselors who were trained left in the spring, and we have not replaced them.",
    "The director protects that block, she will not let anyone book over it.",
    "Some of the moms have never been asked what their kid might be feeling.",
    "We talk about it in team meeting, but it is usually the last item on the agenda.",
    "The county office refers mothers to us now, which is a big change from last year.",
    "I would say it fits our mission, because we were already doing family nights.",
    "The productivity numbers are posted every Friday, and MIO does not count toward them.",
    "She said, I think he does it when I am on my phone, and that was the whole model right there.",
    "Scheduling is the hardest part, because the intensive outpatient groups run at the same time.",
    "I had to reread the whole manual before my first mom because it had been two months.",
    "Um, I do not know, maybe if we had a second supervisor it would be different.",
    "We used the group room, and people kept walking in to grab the coffee maker.",
    "The grant pays for the training, but nobody knows what happens after it ends.",
    "Leadership says it matters, and then the next week they add three new intakes to my caseload.",
    "When it works, it really works, and you can see the mom slow down and notice things.",
    "I was nervous about the fidelity ratings, because I did not want to be graded.",
    "Our supervisor listens to a tape every other week and gives feedback on the reflective questions.",
    "The moms who finish all twelve sessions tell other moms in the waiting room.",
    "Transportation is a barrier, a lot of them take two buses to get here.",
    "We started offering the sessions by video for the ones who could not come in.",
    "Child welfare is sometimes a partner and sometimes the reason a mom stops coming.",
    "I liked the role plays, even though it was humbling to be recorded in front of coworkers.",
    "The consent forms had to go through the agency and the county, and that took weeks.",
    "I keep a sticky note on my desk with the three questions from the manual.",
    "It is extra paperwork, but it is the kind of paperwork that actually means something.",
    "If I could change one thing, I would give every MIO counselor a smaller caseload.",
    "She relapsed in week six, and we kept going, and she finished.",
    "Yeah, I mean, we adapted it a little for the moms whose kids are in foster care.",
    "Our director meets with the agency every month and brings MIO up every time.",
    "The new hires have not been trained yet, so it is just two of us carrying all the cases.",
    "There is not really a private space, so we use whatever office is empty that hour.",
    "I think the evidence convinced the medical director more than anything we said.",
    "Sometimes the session is the only hour in her week where someone asks about her.",
]
QUESTIONS = [
    "Can you tell me about your role and how you got involved with MIO?",
    "How did the training go, from your perspective?",
    "What gets in the way of delivering the sessions?",
    "How does supervision work at your clinic?",
    "What would help you keep doing MIO after the grant?",
    "How do the mothers respond to the reflective questions?",
    "Where do the sessions happen, physically?",
    "How does leadership show that MIO is a priority, or not?",
    "Could you say more about that?",
    "What about scheduling?",
]
NOTES = ["(laughs)", "[inaudible 00:12:03]", "[crosstalk]", "[pause]", "(laughs)"]
NAMES = [("Morgan Ellery", "Renata Solis"), ("Tamsin Okafor", "Lionel Ashby"), ("Morgan Ellery", "Kiara Mendez")]
CLINICS = [("riverbend", "northside"), ("riverbend", "eastgate"), ("harbor", "downtown"), ("harbor", "westfield")]
FORMATS = [("txt", 35), ("otter", 25), ("vtt-zoom", 9), ("vtt-teams", 9), ("srt", 19), ("docx", 3)]


def _turns(rng: random.Random, words_each: int) -> list[tuple[int, list[str]]]:
    """(speaker 0/1, paragraphs) pairs adding up to about ``words_each`` words."""
    turns: list[tuple[int, list[str]]] = []
    words = 0
    while words < words_each:
        question = rng.choice(QUESTIONS)
        turns.append((0, [question]))
        words += len(question.split())
        paragraphs = []
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            sents = [rng.choice(SENTENCES) for _ in range(rng.randint(2, 8))]
            if rng.random() < 0.3:
                sents.insert(rng.randrange(len(sents) + 1), rng.choice(NOTES))
            paragraph = " ".join(sents)
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        turns.append((1, paragraphs))
    return turns


def _clock(seconds: float, sep: str = ".") -> str:
    ms = int(round(seconds * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _cues(turns: list[tuple[int, list[str]]]) -> list[tuple[int, float, float, str]]:
    """Split speech into caption cues of about 12 words with times."""
    cues = []
    t = 1.0
    for who, paragraphs in turns:
        words = " ".join(paragraphs).split()
        for i in range(0, len(words), 12):
            chunk = " ".join(words[i : i + 12])
            dur = 0.4 * len(chunk.split())
            cues.append((who, t, t + dur, chunk))
            t += dur + 0.2
    return cues


def _write(path: Path, fmt: str, turns: list[tuple[int, list[str]]], names: tuple[str, str]) -> None:
    if fmt == "txt":
        labels = ("Interviewer", "Participant")
        text = "\n\n".join(
            f"{labels[who]}: " + "\n\n".join(paragraphs) for who, paragraphs in turns
        )
        path.write_text(text + "\n", encoding="utf-8")
    elif fmt == "otter":
        out, t = [], 3
        for who, paragraphs in turns:
            out.append(f"{names[who]}  {t // 60}:{t % 60:02d}\n" + "\n\n".join(paragraphs))
            t += sum(len(p.split()) for p in paragraphs) // 3 + 1
        path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    elif fmt in ("vtt-zoom", "vtt-teams"):
        out = ["WEBVTT", ""]
        for i, (who, start, end, chunk) in enumerate(_cues(turns), 1):
            body = f"{names[who]}: {chunk}" if fmt == "vtt-zoom" else f"<v {names[who]}>{chunk}</v>"
            out += [str(i), f"{_clock(start)} --> {_clock(end)}", body, ""]
        path.write_text("\n".join(out), encoding="utf-8")
    elif fmt == "srt":
        out = []
        for i, (who, start, end, chunk) in enumerate(_cues(turns), 1):
            out += [str(i), f"{_clock(start, ',')} --> {_clock(end, ',')}", f"[SPEAKER_0{who}]: {chunk}", ""]
        path.write_text("\n".join(out), encoding="utf-8")
    elif fmt == "docx":
        import docx

        document = docx.Document()
        document.add_heading(path.stem, level=1)
        labels = ("INTERVIEWER", "PARTICIPANT")
        for who, paragraphs in turns:
            for k, paragraph in enumerate(paragraphs):
                document.add_paragraph(f"{labels[who]}: {paragraph}" if k == 0 else paragraph)
        document.save(str(path))
    else:  # pragma: no cover
        raise ValueError(fmt)


def generate_corpus(
    folder: str | Path, n_transcripts: int = 2000, words_each: int = 5000, seed: int = 0
) -> dict[str, int]:
    """Write a synthetic corpus and its ``manifest.csv`` into ``folder``.

    The same arguments always give the same files (a seeded ``random.Random``).

    Returns
    -------
    dict
        ``{"files": n, "words": total whitespace-delimited words written, "<format>": count...}``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    suffix = {"txt": ".txt", "otter": ".txt", "vtt-zoom": ".vtt", "vtt-teams": ".vtt", "srt": ".srt", "docx": ".docx"}
    kinds, weights = zip(*FORMATS)
    stats: dict[str, int] = {"files": 0, "words": 0}
    rows = []
    for i in range(n_transcripts):
        fmt = rng.choices(kinds, weights)[0]
        turns = _turns(rng, words_each)
        names = rng.choice(NAMES)
        tid = f"T{i:05d}"
        path = folder / f"{tid}_{fmt}{suffix[fmt]}"
        _write(path, fmt, turns, names)
        stats["files"] += 1
        stats[fmt] = stats.get(fmt, 0) + 1
        stats["words"] += sum(len(p.split()) for _, ps in turns for p in ps)
        agency, clinic = rng.choice(CLINICS)
        rows.append([tid, path.name, agency, clinic, f"S{i:05d}", "counselor", "interview", "2026-03-03", "IV1"])
    with open(folder / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript_id", "file", "agency", "clinic", "participant_id", "role", "kind", "date", "interviewer"])
        writer.writerows(rows)
    (folder / "corpus.json").write_text(
        json.dumps({"n_transcripts": n_transcripts, "words_each": words_each, "seed": seed, **stats})
    )
    return stats


def ensure_corpus(folder: Path, n_transcripts: int, words_each: int, seed: int = 0) -> dict[str, int]:
    """Generate the corpus into ``folder`` unless the same one is already there; say what was made."""
    marker = folder / "corpus.json"
    wanted = {"n_transcripts": n_transcripts, "words_each": words_each, "seed": seed}
    info = json.loads(marker.read_text()) if marker.exists() else {}
    if any(info.get(k) != v for k, v in wanted.items()):
        t0 = time.perf_counter()
        info = generate_corpus(folder, n_transcripts, words_each, seed)
        print(f"generated {info['files']} files, {info['words']:,} words in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(f"{k} {v}" for k, v in info.items() if k not in ("files", "words", "n_transcripts", "words_each", "seed")))
    return info


def _time_reading(folder: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and words for reading the whole corpus."""
    from mio_qual.transcripts import read_manifest, read_transcripts

    start, cpu = time.perf_counter(), time.process_time()
    manifest = read_manifest(folder / "manifest.csv")
    words = 0
    for transcript in read_transcripts(manifest.entries):
        words += transcript.n_words
    return time.perf_counter() - start, time.process_time() - cpu, words


def _time_reference(folder: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and words for open().read() + tokenizer over txt/vtt/srt files."""
    from mio_qual.nlp import get_nlp

    tokenizer = get_nlp(lemmatize=False).tokenizer
    files = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".vtt", ".srt"))
    start, cpu = time.perf_counter(), time.process_time()
    words = 0
    for path in files:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        tokenizer(text)
        words += len(text.split())
    return time.perf_counter() - start, time.process_time() - cpu, words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, help="where to write/read the corpus (default: a temporary folder)")
    parser.add_argument("--n", type=int, default=2000, help="number of transcripts (default 2000)")
    parser.add_argument("--words", type=int, default=5000, help="words per transcript (default 5000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the median is reported")
    parser.add_argument("--profile", action="store_true", help="profile one reading run with cProfile")
    args = parser.parse_args(argv)

    tmp = None
    folder = args.folder
    if folder is None:
        tmp = tempfile.TemporaryDirectory(prefix="mio-corpus-")
        folder = Path(tmp.name)
    ensure_corpus(folder, args.n, args.words, args.seed)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        _time_reading(folder)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        return 0
    from mio_qual.nlp import get_nlp

    get_nlp(lemmatize=False)  # build the pipeline outside the timings
    reading, reading_cpu, reference, reference_cpu = [], [], [], []
    words = ref_words = 0
    for _ in range(args.runs):
        seconds, cpu, words = _time_reading(folder)
        reading.append(seconds)
        reading_cpu.append(cpu)
        seconds, cpu, ref_words = _time_reference(folder)
        reference.append(seconds)
        reference_cpu.append(cpu)
    read_s, ref_s = statistics.median(reading), statistics.median(reference)
    read_c, ref_c = statistics.median(reading_cpu), statistics.median(reference_cpu)
    print(f"read_transcripts (turns, paragraphs, notes, sentences): {words:,} words in {read_s:.2f} s "
          f"= {words / read_s:,.0f} words/s; CPU {read_c:.2f} s = {words / read_c:,.0f} words/CPU-s "
          f"(median of {args.runs})")
    print(f"reference open().read() + nlp.tokenizer (txt/vtt/srt):  {ref_words:,} words in {ref_s:.2f} s "
          f"= {ref_words / ref_s:,.0f} words/s; CPU {ref_c:.2f} s = {ref_words / ref_c:,.0f} words/CPU-s")
    print(f"10M words would take {1e7 / (words / read_s):.1f} s to read ({1e7 / (words / read_c):.1f} CPU-s); "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
