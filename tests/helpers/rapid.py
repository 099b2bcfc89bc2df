"""Filling rapid-analysis templates as a summarizer does in Word (for tests/rapid)."""

from __future__ import annotations

from pathlib import Path

from helpers import SAMPLE

#: The sample transcripts the rapid tests use (the sample's rapid summaries are of these two).
TRANSCRIPTS = ("INT01_northside_counselor.docx", "INT06_downtown_supervisor.txt")


def two_transcript_folder(source: Path) -> Path:
    """A folder holding INT01 and INT06 with the sample manifest's rows for them."""
    source.mkdir(parents=True)
    for name in TRANSCRIPTS:
        (source / name).write_bytes((SAMPLE / name).read_bytes())
    manifest = (SAMPLE / "manifest.csv").read_text(encoding="utf-8").splitlines()
    keep = [manifest[0]] + [line for line in manifest[1:] if line.split(",")[1] in TRANSCRIPTS]
    (source / "manifest.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    return source


def fill_template(path: Path, cells: dict[str, tuple[str, str]], *, drop: str | None = None) -> None:
    """Type summaries and quotes into a written template, as a summarizer does in Word
    (``drop``: delete that domain's row)."""
    from docx import Document

    document = Document(str(path))
    for table in document.tables:
        header = [c.text.strip() for c in table.rows[0].cells]
        if "Domain id" not in header:
            continue
        for row in list(table.rows[1:]):
            domain = row.cells[0].text.strip()
            if domain == drop:
                row._tr.getparent().remove(row._tr)
                continue
            summary, quotes = cells.get(domain, ("", ""))
            row.cells[header.index("Summary")].text = summary
            row.cells[header.index("Quotes")].text = quotes
    document.save(str(path))
