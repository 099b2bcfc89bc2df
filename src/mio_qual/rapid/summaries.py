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
from typing import Any, Callable, Mapping

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


_WORD = re.compile(r"\S+\s*|\s+")
_RUN = 8  # words a replaced run may hold on either side (a name, a neutral label)
_AGREE = 3  # words that must agree after a replaced run


def redaction_map(original: str, redacted: str) -> tuple[list[int], list[int]]:
    """Where each character of ``redacted`` (``original`` passed through a redactor) stands in ``original``.

    A redactor replaces names with a placeholder (``[name]``) and some words with others (neutral ids, site
    labels) and leaves the rest as it is. The two texts are walked word by word (a word with its trailing white
    space): equal words map character by character; where they differ, the replaced run ends at the nearest
    pair of positions (fewest words skipped on both sides, at most :data:`_RUN` each) from which the next
    words agree again. In a replaced run, what both sides start and end with (``'s`` after a name, a bracket
    around it) is lined up too, and the rest, a placeholder, stands for the whole of what it replaced. A run of
    as many words on both sides is lined up word by word (``Gwen Tom`` -> ``[name] [name]``); otherwise
    (``Gwen Harlow Tom`` -> ``[name] [name]``) it is one span, and a quote that starts or ends between those
    placeholders takes the whole run. Linear in the text (a :class:`difflib.SequenceMatcher` was quadratic
    on a transcript's few distinct words: 33 s for 180,000 characters).

    Parameters
    ----------
    original, redacted : str
        The transcript's text and the same text redacted.

    Returns
    -------
    (list of int, list of int)
        For each character of ``redacted``: where it starts in ``original`` and where it ends there. The
        characters of a placeholder all start where the name starts and end where it ends.

    Examples
    --------
    >>> original = "Gwen Harlow's room. Ask Gwen."
    >>> redacted = "[name]'s room. Ask [name]."
    >>> starts, ends = redaction_map(original, redacted)
    >>> original[starts[0]:ends[5]], original[starts[19]:ends[24]]
    ('Gwen Harlow', 'Gwen')
    """
    a = [(m.start(), m.end()) for m in _WORD.finditer(original)]
    b = [(m.start(), m.end()) for m in _WORD.finditer(redacted)]
    wa = [original[x:y] for x, y in a]
    wb = [redacted[x:y] for x, y in b]
    starts = [0] * len(redacted)
    ends = [0] * len(redacted)

    def agree(i: int, j: int) -> int:  # how many of the next words (up to _AGREE) are the same
        k = 0
        while k < _AGREE and i + k < len(wa) and j + k < len(wb) and wa[i + k] == wb[j + k]:
            k += 1
        return k

    i = j = 0
    while j < len(wb):
        if i < len(wa) and wa[i] == wb[j]:
            o, r = a[i][0], b[j][0]
            for k in range(len(wb[j])):
                starts[r + k], ends[r + k] = o + k, o + k + 1
            i, j = i + 1, j + 1
            continue
        # a replaced run: the nearest resynchronisation (fewest words skipped; of those, the one after which
        # most words agree, up to _AGREE), else the rest of both texts. Not "most agreeing words first": in
        # "Gwen we Gwen Harlow we we" -> "[name] we [name] we we" that jumps over the first "we".
        ni, nj = len(wa), len(wb)
        for total in range(2, 2 * _RUN + 1):
            best = max(((agree(i + di, j + total - di), di) for di in range(max(1, total - _RUN),
                                                                            min(_RUN, total - 1) + 1)), default=(0, 0))
            if best[0]:
                ni, nj = i + best[1], j + total - best[1]
                break
        if ni - i == nj - j:
            pairs = list(zip(a[i:ni], b[j:nj]))
        else:
            o1 = a[i][0] if i < len(a) else len(original)
            pairs = [((o1, a[ni - 1][1] if ni > i else o1), (b[j][0], b[nj - 1][1]))]
        for (p1, p2), (q1, q2) in pairs:
            _line_up(original, redacted, p1, p2, q1, q2, starts, ends)
        i, j = ni, nj
    return starts, ends


def _line_up(original: str, redacted: str, o1: int, o2: int, r1: int, r2: int, starts: list[int],
             ends: list[int]) -> None:
    """Map ``redacted[r1:r2]``, which replaced ``original[o1:o2]``: the common start and end character by
    character, the rest (the placeholder) onto the rest of the original."""
    old, new = original[o1:o2], redacted[r1:r2]
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    for k in range(head):
        starts[r1 + k], ends[r1 + k] = o1 + k, o1 + k + 1
    for k in range(tail):
        starts[r2 - 1 - k], ends[r2 - 1 - k] = o2 - 1 - k, o2 - k
    for k in range(r1 + head, r2 - tail):
        starts[k], ends[k] = o1 + head, o2 - tail


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
                 summarizer: str | None = None, redact: Callable[[str], str] | None = None) -> SummaryFile:
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
    redact : callable, optional
        The redactor the template's text went through (``Project.redactor()``). A quote not found in
        ``text`` is looked for in ``redact(text)`` (made only then), so that a quote copied with ``[name]``
        in it binds: the placeholder stands for the span of the name it replaced (:func:`redaction_map`), and
        the quote's offsets are those of ``text``.

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
    shown: tuple[str, list[int], list[int], list[int]] | None = None  # the redacted text, folded, and its map
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
            if span is None and redact is not None:
                if shown is None:
                    redacted = redact(text)
                    shown = (*normalize_for_search(redacted), *redaction_map(text, redacted))
                found = find_quote(shown[0], shown[1], line)
                if found is not None:
                    span = shown[2][found[0]], shown[3][found[1] - 1]
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
           "normalize_for_search", "find_quote", "redaction_map", "bind_summary", "is_discussed", "check_file_meta",
           "DOMAIN_ID", "DOMAIN", "PROMPT", "SO_FAR", "SUMMARY", "QUOTES"]
