"""Build the sample coding deliverables from ``source/<ID>.yaml`` and check that they import.

The sources list, per transcript, coded passages (``quote``) with coder A's codes (``a``) and
coder B's codes (``b``), and optionally the longer or shorter passage coder B chose
(``b_quote``). This script turns them into what two coders really hand back:

* coder A, **jordan**, codes in Word: ``jordan/<ID>.docx`` is a ``mio-qual coding export-docx``
  file with one Word comment per coded passage, added with python-docx's ``add_comment`` on
  the runs covering the passage. Comments are written the ways coders write them: mostly code
  ids, some code names, some lower-case ids separated by commas.
* coder B, **casey**, codes in a spreadsheet: ``casey.xlsx`` has one row per passage,
  placed the ways a coder's sheet places them: mostly by quote (some retyped with straight
  quotes), some by sentence id when the passage is exactly one sentence, some by offsets
  copied from an earlier export (with the quote beside them); plus a notes sheet the
  importer ignores.

Then it imports the sample transcripts into a fresh project, imports both deliverables the
way a user would (``mio-qual coding import``) and checks that every passage landed where
the source says with exactly the codes listed. Run it from the repository root:

    .venv/bin/python transcripts_sample/coding/build_sample_coding.py

It exits with status 1 and lists the problems when a check fails.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent
SOURCE = HERE / "source"
WORD_DIR = HERE / "jordan"
SHEET = HERE / "casey.xlsx"
CODER_A, CODER_B = "jordan", "casey"
FIXED = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)


def load_sources() -> list[dict]:
    """Every source file, in transcript order."""
    sources = []
    for path in sorted(SOURCE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["file"] = path.name
        sources.append(data)
    return sources


def passages(sources: list[dict], project, coder: str) -> tuple[dict, list[str]]:
    """``{(transcript, start, end): [codes]}`` that coder ``coder`` intends, and quote problems."""
    from mio_qual.coding.anchor import QuoteError, find_quote, normalize

    intended: dict[tuple[str, int, int], list[str]] = {}
    problems: list[str] = []
    for source in sources:
        tid = source["transcript"]
        norm = normalize(project.text(tid))
        for i, segment in enumerate(source["segments"], start=1):
            codes = segment.get("a" if coder == CODER_A else "b") or []
            if not codes:
                continue
            quote = segment["quote"] if coder == CODER_A else segment.get("b_quote") or segment["quote"]
            try:
                start, end = find_quote(norm, quote)
            except QuoteError as exc:
                problems.append(f"{source['file']} segment {i} ({coder}): {exc.one_line()}")
                continue
            intended.setdefault((tid, start, end), [])
            for code in codes:
                if code not in intended[(tid, start, end)]:
                    intended[(tid, start, end)].append(code)
    return intended, problems


def comment_text(codes: list[str], k: int, codebook) -> str:
    """How coder A writes a comment: ids; now and then names, or lower-case ids with commas."""
    if k % 7 == 3:
        return ", ".join(code.lower() for code in codes)
    if k % 5 == 2:
        labels = []
        for code in codes:
            name = codebook[code].name
            try:
                labels.append(name if codebook.resolve(name) == code else code)
            except Exception:  # noqa: BLE001 - a name shared by two codes: use the id
                labels.append(code)
        return "; ".join(labels)
    return "; ".join(codes)


def build_word(project, intended: dict, codebook) -> list[Path]:
    """Write ``jordan/<ID>.docx`` for every transcript with coder A passages."""
    import docx

    from mio_qual.coding.word import export_docx, runs_for_span

    WORD_DIR.mkdir(exist_ok=True)
    for old in WORD_DIR.glob("*.docx"):
        old.unlink()
    by_transcript: dict[str, list] = {}
    for (tid, start, end), codes in sorted(intended.items()):
        by_transcript.setdefault(tid, []).append((start, end, codes))
    written = []
    for tid, items in sorted(by_transcript.items()):
        path = WORD_DIR / f"{tid}.docx"
        export_docx(project, tid, path, exported=FIXED)
        document = docx.Document(str(path))
        for k, (start, end, codes) in enumerate(items):
            runs = runs_for_span(document, start, end)
            comment = document.add_comment(runs, text=comment_text(codes, k, codebook), author="Jordan Ellis",
                                           initials="JE")
            comment._comment_elm.date = FIXED  # noqa: SLF001 - reproducible files
        document.save(str(path))
        written.append(path)
    return written


def _straight(text: str) -> str:
    for curly, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u2014", "--")):
        text = text.replace(curly, plain)
    return text


def build_sheet(project, intended: dict) -> Path:
    """Write ``casey.xlsx``: rows by quote, by sentence id or by offsets, as a coder would."""
    import openpyxl
    from openpyxl.styles import Font

    from mio_qual.exports import safe_cell

    sentences = {}
    frame = project.sentences()
    for tid, segment_id, start, end in zip(frame["transcript_id"], frame["segment_id"], frame["start"], frame["end"]):
        sentences[(tid, int(start), int(end))] = segment_id
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "codings"
    sheet.append(["Transcript ID", "Segment ID", "Start", "End", "Quote", "Codes", "Coder", "Memo"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for k, ((tid, start, end), codes) in enumerate(sorted(intended.items())):
        text = project.text(tid)[start:end]
        codes_cell = "; ".join(codes) if k % 6 != 4 else ";".join(c.lower() for c in codes)
        segment = sentences.get((tid, start, end))
        if segment is not None and k % 2 == 0:
            row = [tid, segment, None, None, None, codes_cell]
        elif k % 5 == 1:
            row = [tid, None, start, end, text, codes_cell]
        elif k % 5 == 3:
            row = [tid, None, None, None, _straight(text), codes_cell]
        else:
            row = [tid, None, None, None, text, codes_cell]
        sheet.append([safe_cell(v) for v in row] + [CODER_B, None])
    for letter, width in zip("ABCDEFGH", (10, 12, 7, 7, 90, 24, 8, 20)):
        sheet.column_dimensions[letter].width = width
    notes = book.create_sheet("notes")
    notes.append(["Casey's coding notes"])
    notes.append(["Coded against codebook cfir2 + mio, May 2026. Quotes copied from the transcripts."])
    book.properties.creator = "Casey Morgan"
    book.properties.created = FIXED.replace(tzinfo=None)
    book.properties.modified = FIXED.replace(tzinfo=None)
    book.save(SHEET)
    return SHEET


def check(sources: list[dict]) -> list[str]:
    """Import the deliverables into a fresh project with the CLI and compare with the sources."""
    from click.testing import CliRunner

    from mio_qual import Project
    from mio_qual.cli.main import _group

    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "check")
        project.import_transcripts([SAMPLE])
        runner = CliRunner()
        base = ["--project", str(project.folder), "coding", "import"]
        for args in ([*sorted(map(str, WORD_DIR.glob("*.docx"))), "--coder", CODER_A], [str(SHEET)]):
            result = runner.invoke(_group, base + args)
            if result.exit_code != 0:
                problems.append(f"coding import {' '.join(Path(a).name for a in args)} failed "
                                f"(exit {result.exit_code}): {result.output.strip()}")
        for coder in (CODER_A, CODER_B):
            intended, quote_problems = passages(sources, project, coder)
            problems.extend(quote_problems)
            got: dict[tuple[str, int, int], set] = {}
            frame = project.codings(coder=coder)
            for tid, start, end, code in zip(frame["transcript_id"], frame["start"], frame["end"], frame["code"]):
                got.setdefault((tid, int(start), int(end)), set()).add(code)
            want = {key: set(codes) for key, codes in intended.items()}
            for key in sorted(set(want) | set(got)):
                if want.get(key) != got.get(key):
                    problems.append(f"{coder} {key}: the source says {sorted(want.get(key, []))}, "
                                    f"the import gave {sorted(got.get(key, []))}")
            print(f"{coder}: {len(want)} passages, {sum(map(len, want.values()))} codings intended; "
                  f"{len(got)} passages, {len(frame)} codings imported")
        project.close()
    return problems


def main() -> int:
    from mio_qual import Project
    from mio_qual.codebook import load_codebooks

    sources = load_sources()
    codebook = load_codebooks(["cfir2", "cfir_outcomes", "mio"])
    problems = []
    for source in sources:
        for i, segment in enumerate(source["segments"], start=1):
            for key in ("a", "b"):
                for code in segment.get(key) or []:
                    if code not in codebook.codes:
                        problems.append(f"{source['file']} segment {i}: code {code!r} is not in the codebooks")
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "build")
        project.import_transcripts([SAMPLE])
        intended_a, problems_a = passages(sources, project, CODER_A)
        intended_b, problems_b = passages(sources, project, CODER_B)
        problems += problems_a + problems_b
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        files = build_word(project, intended_a, codebook)
        sheet = build_sheet(project, intended_b)
        project.close()
    print(f"wrote {len(files)} Word files into {WORD_DIR.relative_to(SAMPLE.parent)} and "
          f"{sheet.relative_to(SAMPLE.parent)}")
    problems = check(sources)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print("check: every passage imported where the sources put it, with the codes they list")
    return 0


if __name__ == "__main__":
    sys.exit(main())
