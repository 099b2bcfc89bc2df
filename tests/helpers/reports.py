"""A tiny two-interview study whose report numbers can be worked out by hand (``helpers.reports``).

Two interviews (16 sentences), two coders, three codes; plus readers of Word documents.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from mio_qual import Project
from mio_qual.coding import Coding

T01 = ("INTERVIEWER: How is MIO going at your clinic?\n"
       "PARTICIPANT: Morgan, it goes well. Our room has a door and a rug. Supervision is every week. We never skip"
       " it. Funding is a worry.\n"
       "INTERVIEWER: Anything else?\n"
       "PARTICIPANT: Renata and I share the room. The moms like the toys. Billing is hard. Gwen helps with billing.\n")
T02 = ("INTERVIEWER: Tell me about space.\n"
       "PARTICIPANT: We have no private room. Sessions get interrupted. Supervision was cancelled twice. Staff keep"
       " leaving.\n")
MANIFEST = ("transcript_id,file,agency,clinic,participant_id,role,kind,date,interviewer\n"
            "T01,T01.txt,riverbend,northside,S01,counselor,interview,2026-03-03,IV1\n"
            "T02,T02.txt,harbor,downtown,S02,supervisor,interview,2026-03-04,IV1\n")
ROSTER = ("transcript_id,speaker_label,study_id,role,aliases\n"
          "*,INTERVIEWER,IV1,interviewer,Morgan Ellery; Morgan\n"
          "T01,PARTICIPANT,S01,counselor,Renata Solis; Renata\n"
          "T02,PARTICIPANT,S02,supervisor,Lionel Ashby; Lionel\n")
# sentence ids each coder coded with each code
CODING = {
    "jordan": {"IS.J2": ["T01:s3", "T01:s8", "T02:s2", "T02:s3"], "MIO.SUPV": ["T01:s4", "T01:s5", "T02:s4"],
               "MIO.BILL": ["T01:s10", "T01:s11"]},
    "casey": {"IS.J2": ["T01:s3", "T01:s8", "T02:s2", "T01:s9"], "MIO.SUPV": ["T01:s4", "T01:s5", "T02:s4"],
              "MIO.BILL": ["T01:s10"]},
}

def make_study(folder: Path, coders: dict = CODING) -> Project:
    source = folder / "source"
    source.mkdir(parents=True)
    (source / "T01.txt").write_text(T01, encoding="utf-8")
    (source / "T02.txt").write_text(T02, encoding="utf-8")
    (source / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    (source / "roster.csv").write_text(ROSTER, encoding="utf-8")
    project = Project.create(folder / "project")
    project.import_transcripts([source])
    sentences = project.sentences().set_index("segment_id")
    for coder, codes in coders.items():
        rows = [Coding(sid.split(":")[0], int(sentences.at[sid, "start"]), int(sentences.at[sid, "end"]), code, coder)
                for code, ids in codes.items() for sid in ids]
        project.write_codings(rows, coder=coder, source_file=f"{coder}.xlsx")
    return project


def document_text(path: Path) -> str:
    """Every text in the .docx: body, tables, headers, footers, properties (XML tags dropped)."""
    with zipfile.ZipFile(path) as archive:
        return "\n".join(re.sub(r"<[^>]+>", " ", archive.read(n).decode("utf-8"))
                         for n in archive.namelist() if n.endswith(".xml"))


def leaked(text: str, names) -> list[str]:
    return [n for n in names if re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", text, re.IGNORECASE)]


def headings(document) -> list[tuple[int, str]]:
    return [(int(p.style.name.split()[-1]), p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


def find_table(document, first_header: str):
    for table in document.tables:
        if table.rows[0].cells[0].text == first_header:
            return table
    raise AssertionError(f"no table starting with {first_header!r}")


def row_of(table, first_cell: str) -> dict[str, str]:
    header = [c.text for c in table.rows[0].cells]
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        if cells[0] == first_cell:
            return dict(zip(header, cells))
    raise AssertionError(f"no row {first_cell!r}")
