"""Filled rapid-analysis templates: reading them back, binding quotes to the transcript.

A template file (written by :func:`mio_qual.reports.rapid_template.write_summary_template`)
holds an *about* table (transcript, template, summarizer ...) and a *summary* table with one
row per domain: ``Domain id | Domain | Prompt | [Summaries so far] | Summary | Quotes``. The
summarizer writes the ``Summary`` cell and lists quotes in the ``Quotes`` cell, one per line:
a segment id (``INT01:t8``, ``t8``, a range ``t8-t10``) or verbatim words from the transcript
(``"we had no room"``; ``...`` joins parts said in order). Every quote must be found: a quote
that is not in the transcript is a problem, never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import InputError
from .template import Template

#: Rows of the about table, in the order the template writer puts them.
ABOUT_KEYS = ("Transcript", "Template", "Template version", "Summarizer", "Kind", "Clinic", "Agency",
              "Study ids", "Roles")
#: Column headers of the summary table.
DOMAIN_ID, DOMAIN, PROMPT, SO_FAR, SUMMARY, QUOTES = ("Domain id", "Domain", "Prompt", "Summaries so far",
                                                     "Summary", "Quotes")
#: Cell contents that mean "this domain did not come up" (an empty cell means "not summarised").
NOT_DISCUSSED = frozenset({"n/a", "na", "none", "nothing", "not discussed", "not mentioned", "-", "--", "no data"})

_SEGMENT = re.compile(r"^(?:(?P<tid>[^\s:]+):)?(?P<kind>[tps])(?P<first>\d+)(?:\s*[-–]\s*(?:[^\s:]+:)?(?P=kind)?(?P<last>\d+))?$")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\])\s*")
_QUOTE_CHARS = "\"'“”‘’«»„"
_APOSTROPHES = "'’‘`"
_MAX_QUOTE_LINES = 200


@dataclass
class RawSummary:
    """A filled template as read from Word, before it is checked against the project."""

    path: Path
    about: dict[str, str]
    rows: list[dict[str, str]]


@dataclass
class Quote:
    """A quote bound to the transcript: offsets of the words, and the segment id when cited by id."""

    start: int
    end: int
    segment_id: str | None = None


@dataclass
class SummaryCell:
    """One domain's summary by one summarizer of one transcript."""

    domain: str
    summary: str
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class SummaryFile:
    """A checked summary of one transcript by one summarizer, ready for the store."""

    path: Path
    transcript_id: str
    template: str
    summarizer: str
    cells: list[SummaryCell]

    @property
    def n_filled(self) -> int:
        """Domains whose summary cell is not empty."""
        return sum(bool(c.summary) for c in self.cells)

    @property
    def n_quotes(self) -> int:
        """Quotes bound over all domains."""
        return sum(len(c.quotes) for c in self.cells)


def named_by_neutral_id(raw: RawSummary, aliases: Mapping[str, str], known_transcripts: Any) -> RawSummary:
    """Put the stored transcript id back into a template written under a neutral id.

    A transcript id holding a name is shown as its neutral id (``T05``,
    :func:`mio_qual.deidentify.neutral_ids`) in the about table and in the segment ids a
    summarizer cites (``T05:t12``); both name the stored id again. Other files are returned as
    they are.
    """
    shown = raw.about.get("Transcript", "")
    if shown in known_transcripts or shown not in aliases:
        return raw
    real = aliases[shown]
    cited = re.compile(r"(?<![^\W_])" + re.escape(shown) + r"(?=:)", re.IGNORECASE)
    rows = [{**row, QUOTES: cited.sub(lambda _m: real, row[QUOTES])} if row.get(QUOTES) else row for row in raw.rows]
    return RawSummary(raw.path, {**raw.about, "Transcript": real}, rows)


def parse_summary_docx(path: str | Path) -> RawSummary:
    """Read the about table and the summary table of a filled template.

    Raises
    ------
    InputError
        The file is not a Word document, or holds no summary table (a file that was not
        written by ``rapid templates``).
    """
    from ..transcripts.docx import _open_document  # the one safe way into a .docx

    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", path=path, hint="check the path")
    document = _open_document(path)
    about: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    for table in document.tables:
        cells = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if not cells:
            continue
        header = cells[0]
        if DOMAIN_ID in header and SUMMARY in header:
            for values in cells[1:]:
                rows.append({name: values[i] if i < len(values) else "" for i, name in enumerate(header)})
        elif len(header) == 2 and header[0] in ABOUT_KEYS and not about:
            about = {row[0]: row[1] for row in cells if len(row) == 2}
    if not rows or "Transcript" not in about:
        raise InputError("this Word file is not a rapid-analysis template (no about and summary tables)",
                         path=path, hint="write templates with 'mio-qual rapid templates' and fill those")
    return RawSummary(path, about, rows)


def normalize_for_search(text: str) -> tuple[str, list[int]]:
    """Text folded for quote search and the position of each folded character in ``text``.

    Folding: Unicode NFKC per character, lower case, curly apostrophes and quotes straightened,
    every run of white space one space. Linear in the text.

    Examples
    --------
    >>> folded, where = normalize_for_search("We  DON’T\\nhave")
    >>> folded, where[folded.index("have")]
    ("we don't have", 10)
    """
    out: list[str] = []
    where: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space and out:
                out.append(" ")
                where.append(i)
            space = True
            continue
        space = False
        folded = unicodedata.normalize("NFKC", ch).lower()
        if ch in _APOSTROPHES:
            folded = "'"
        elif ch in "“”„«»":
            folded = '"'
        for piece in folded:
            out.append(piece)
            where.append(i)
    return "".join(out), where


def find_quote(folded: str, where: list[int], quote: str, start_at: int = 0) -> tuple[int, int] | None:
    """Offsets in the original text of ``quote`` (folded as :func:`normalize_for_search` folds),
    its parts separated by an ellipsis found in order; None when any part is missing.

    Examples
    --------
    >>> text = "I said we had no room. Then we found the library... and it worked."
    >>> folded, where = normalize_for_search(text)
    >>> span = find_quote(folded, where, "we had no room ... it WORKED")
    >>> text[span[0]:span[1]]
    'we had no room. Then we found the library... and it worked'
    >>> find_quote(folded, where, "we had a room") is None
    True
    """
    parts = [p for p in _ELLIPSIS.split(quote.strip().strip(_QUOTE_CHARS).strip()) if p.strip(" .")]
    if not parts:
        return None
    first = last = None
    position = start_at
    for part in parts:
        needle, _ = normalize_for_search(part.strip().strip(_QUOTE_CHARS))
        index = folded.find(needle, position)
        if index < 0:
            return None
        if first is None:
            first = index
        last = index + len(needle)
        position = last
    return where[first], where[last - 1] + 1


def _segment_quote(line: str, transcript_id: str, spans: Mapping[str, tuple[int, int]]) -> Quote | None | str:
    """A quote cited by segment id: the Quote, a problem text, or None when ``line`` is no id."""
    match = _SEGMENT.match(line.replace(" ", "") if len(line) < 40 else line)
    if not match:
        return None
    tid = match.group("tid") or transcript_id
    if tid != transcript_id:
        return f"quote {line!r} cites transcript {tid}, but this summary is of {transcript_id}"
    kind, first = match.group("kind"), int(match.group("first"))
    last = int(match.group("last") or first)
    if last < first:
        return f"quote {line!r}: the range runs backwards"
    ids = [f"{transcript_id}:{kind}{n}" for n in (first, last)]
    missing = [i for i in ids if i not in spans]
    if missing:
        return f"quote {line!r}: {missing[0]} is not a segment of {transcript_id}"
    return Quote(spans[ids[0]][0], spans[ids[1]][1], ids[0] if first == last else f"{ids[0]}-{kind}{last}")


def bind_summary(raw: RawSummary, *, template: Template, text: str, spans: Mapping[str, tuple[int, int]],
                 summarizer: str | None = None) -> SummaryFile:
    """Check a filled template against its template and transcript, and bind its quotes.

    Parameters
    ----------
    raw : RawSummary
        From :func:`parse_summary_docx`.
    template : Template
        The template the file names.
    text : str
        The transcript's text.
    spans : mapping of str to (int, int)
        Segment id -> (start, end) for the transcript's turns, paragraphs and sentences.
    summarizer : str, optional
        Whose summary this is; required unless the file's about table names one (and must
        agree with it when both are given).

    Raises
    ------
    InputError
        Every problem (unknown or missing domain, a quote not found, a summarizer missing or
        contradicting the file), each with its row and domain; nothing is bound then.
    """
    from ..mixed.tables import Problems

    problems = Problems(raw.path)
    transcript_id = raw.about.get("Transcript", "")
    named = raw.about.get("Summarizer", "").strip()
    if summarizer and named and summarizer != named:
        problems.add(f"the file says its summarizer is {named!r}, the command says {summarizer!r}", 0)
    who = (summarizer or named).strip()
    if not who:
        problems.add("no summarizer: give --summarizer NAME (or fill the 'Summarizer' row of the about table)", 0)
    cells: list[SummaryCell] = []
    seen: dict[str, int] = {}
    folded: tuple[str, list[int]] | None = None
    for n, row in enumerate(raw.rows, start=2):
        domain = row.get(DOMAIN_ID, "").strip()
        where = f"row {n} ({domain or 'no domain id'})"
        if domain not in template.domain_ids:
            problems.add(f"{where}: {domain!r} is not a domain of template {template.name}", n)
            continue
        if domain in seen:
            problems.add(f"{where}: domain {domain} appears again (first in row {seen[domain]})", n)
            continue
        seen[domain] = n
        summary = row.get(SUMMARY, "").strip()
        quotes: list[Quote] = []
        lines = [_BULLET.sub("", line).strip() for line in row.get(QUOTES, "").splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > _MAX_QUOTE_LINES:
            problems.add(f"{where}: {len(lines)} quote lines (at most {_MAX_QUOTE_LINES})", n)
            lines = []
        for k, line in enumerate(lines, start=1):
            cited = _segment_quote(line, transcript_id, spans)
            if isinstance(cited, Quote):
                quotes.append(cited)
                continue
            if isinstance(cited, str):
                problems.add(f"{where}, {cited}", n)
                continue
            if folded is None:
                folded = normalize_for_search(text)
            span = find_quote(*folded, line)
            if span is None:
                short = line if len(line) <= 60 else line[:57] + "..."
                problems.add(f"{where}, quote {k}: {short!r} is not in transcript {transcript_id} "
                             "(copy the words exactly, or cite a segment id such as t12)", n)
                continue
            quotes.append(Quote(*span))
        if lines and not summary:
            problems.add(f"{where}: quotes without a summary", n)
        cells.append(SummaryCell(domain, summary, quotes))
    missing = [d for d in template.domain_ids if d not in seen]
    if missing:
        problems.add(f"domain row(s) missing: {', '.join(missing)} (keep every row of the template)", None)
    problems.raise_if_any("summary", "fix the cells named and import the file again")
    return SummaryFile(raw.path, transcript_id, template.name, who, cells)


def is_discussed(summary: str) -> bool:
    """Whether a summary says something (not empty and not a 'not discussed' marker).

    Examples
    --------
    >>> is_discussed("Counselors lacked rooms."), is_discussed(" N/A "), is_discussed("")
    (True, False, False)
    """
    return bool(summary.strip()) and summary.strip().lower().rstrip(".") not in NOT_DISCUSSED


def check_file_meta(raw: RawSummary, known_transcripts: Any, templates: Mapping[str, Template]) -> Template:
    """The template a filled file names, after checking its transcript exists (one-line errors)."""
    transcript_id = raw.about.get("Transcript", "")
    if transcript_id not in known_transcripts:
        raise InputError(f"the summary is of transcript {transcript_id!r}, which is not in this project",
                         path=raw.path, hint="import the transcript first, or fix the 'Transcript' row")
    name = raw.about.get("Template", "")
    if name not in templates:
        raise InputError(f"the summary uses template {name!r}, which this project does not know",
                         path=raw.path, hint="write templates with 'mio-qual rapid templates --template FILE' first")
    return templates[name]


__all__ = ["ABOUT_KEYS", "NOT_DISCUSSED", "RawSummary", "Quote", "SummaryCell", "SummaryFile", "parse_summary_docx",
           "normalize_for_search", "find_quote", "bind_summary", "is_discussed", "check_file_meta",
           "DOMAIN_ID", "DOMAIN", "PROMPT", "SO_FAR", "SUMMARY", "QUOTES"]
