"""The one XML parser for files we did not write: lxml, hardened.

Every reader of XML from outside (Word comments and styles, the main part of a ``.docx``
transcript, REFI-QDA ``project.qde``, ``.qdc`` codebooks) parses through :func:`parse` or
:func:`parse_bytes`. lxml (libxml2) is several times faster than the pure-Python
``defusedxml`` wrapper around expat that these readers used before (issue 21 measured Word
comment import 7.7x slower), and it can be made as safe:

* ``resolve_entities=False``: an entity is never expanded (no "billion laughs", no external
  entity reading ``/etc/passwd``), and any document type declaration is refused outright,
  since none of these formats ever needs one;
* ``no_network=True``, ``load_dtd=False``: nothing is fetched, not even a DTD;
* ``huge_tree=False``: libxml2's own bounds stay on: at most :data:`MAX_DEPTH` levels of
  nesting (thousands of nested ``w:hyperlink`` or ``Code`` elements are refused, instead of
  overflowing the recursion of the code that walks the tree) and at most 10 MB in one text
  node;
* the input is bounded in bytes (:data:`MAX_BYTES`; callers reading zip members bound them
  already with :func:`mio_qual.safezip.read_member`);
* comments and processing instructions are dropped, so a tree holds elements only.

Large documents (a REFI-QDA ``project.qde`` of a million selections) are read with
:class:`iterparse` instead: the same parser settings, fed from a stream in chunks, handing each
element over when it ends so the reader can clear it; memory then follows what the reader
keeps, not the size of the document.

Elements are lxml elements: the ``xml.etree.ElementTree`` API (``find``, ``iter``, ``get``,
``itertext``, ``tag``) plus ``sourceline``, the line of the start tag.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, Callable, Iterator, Sequence

from .errors import InputError

MAX_DEPTH = 256
"""Nesting libxml2 allows without ``huge_tree`` (its ``xmlParserMaxDepth``)."""

MAX_BYTES = 512 << 20
"""The largest XML document parsed (512 MiB, the bound on a ``project.qde``)."""

_DTD_REASON = "declares XML entities or a document type (DTD)"


class XMLRefused(ValueError):
    """An XML document that is malformed or hostile.

    Attributes
    ----------
    reason : str
        What is wrong, in a few words.
    position : tuple of int or None
        (line, column) where the parser stopped, when known.
    hostile : bool
        True for a refusal on safety grounds (a DTD or entity declaration, too deep, too
        large), False for plain damage.
    """

    def __init__(self, reason: str, position: tuple[int, int] | None = None, hostile: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.position = position
        self.hostile = hostile


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True, collect_ids=False)


def parse_bytes(data: bytes, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse an XML document safely and return its root element.

    Parameters
    ----------
    data : bytes
        The document (its encoding declared in it, or UTF-8).
    max_bytes : int
        Refuse a larger document without parsing it.

    Returns
    -------
    lxml.etree._Element

    Raises
    ------
    XMLRefused
        Malformed XML, a document type declaration, nesting deeper than :data:`MAX_DEPTH`,
        or more than ``max_bytes``.
    """
    from lxml import etree

    if len(data) > max_bytes:
        raise XMLRefused(f"larger than {max_bytes >> 20} MiB", hostile=True)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_refusal(exc, any(marker in data.replace(b"\0", b"") for marker in _MARKERS)) from None
    except (ValueError, LookupError) as exc:  # e.g. an unknown encoding or a str with a declaration
        raise XMLRefused(str(exc)) from None
    if root is None:  # pragma: no cover - libxml2 reports an empty document as a syntax error
        raise XMLRefused("empty document")
    if _has_dtd(root):
        raise XMLRefused(_DTD_REASON, (1, 1), hostile=True)
    return root


def parse(data: bytes, *, path: str | Path, what: str, damaged_hint: str = "re-save it from the program that made it",
          max_bytes: int = MAX_BYTES) -> Any:
    """:func:`parse_bytes`, with every refusal turned into a one-line :class:`InputError`.

    Parameters
    ----------
    data : bytes
    path : str or Path
        The file (a ``.docx``, ``.qdpx`` or ``.qdc``), named in the message.
    what : str
        The part parsed, for the message (``word/comments.xml``, ``project.qde``).
    damaged_hint : str
        What to do about a malformed document.
    max_bytes : int

    Raises
    ------
    InputError
        ``<path>:<line>: <what> ...`` saying what is wrong and what to do.
    """
    try:
        return parse_bytes(data, max_bytes=max_bytes)
    except XMLRefused as exc:
        raise refusal_error(exc, path=path, what=what, damaged_hint=damaged_hint) from None


def parse_stream(stream: IO[bytes], *, drop: Sequence[str], max_bytes: int = MAX_BYTES) -> Any:
    """Parse a document from a stream into a tree that leaves out the elements named in ``drop``.

    Each element whose local name is in ``drop`` is cleared when it ends and removed once the
    next one ends, so a document made mostly of such elements (the selections of a
    ``project.qde``, for a reader that wants its codebook) never sits in memory. The elements
    kept keep their ``sourceline``. Settings and refusals as :class:`iterparse`.

    Returns
    -------
    lxml element
        The root.

    Examples
    --------
    >>> import io
    >>> root = parse_stream(io.BytesIO(b"<r><a/><s><a/><a/></s><b/></r>"), drop=["a"])
    >>> [child.tag for child in root], [len(child) for child in root]
    (['s', 'b'], [0, 0])
    """
    names = set(drop)
    reader = iterparse(stream, tags=[f"{{*}}{name}" for name in names], max_bytes=max_bytes)
    for element in reader:
        element.clear()
        parent = element.getparent()
        previous = element.getprevious()
        while previous is not None and previous.tag.rsplit("}", 1)[-1] in names:
            parent.remove(previous)
            previous = element.getprevious()
    root = reader.root
    for element in [e for e in root.iter() if isinstance(e.tag, str) and e.tag.rsplit("}", 1)[-1] in names]:
        element.getparent().remove(element)
    return root


def refusal_error(exc: XMLRefused, *, path: str | Path, what: str,
                  damaged_hint: str = "re-save it from the program that made it") -> InputError:
    """The one-line :class:`InputError` for a refused document (hostile, or damaged with ``damaged_hint``)."""
    line = (exc.position[0] or None) if exc.position else None
    if exc.hostile:
        return InputError(f"{what} {exc.reason}, which these files never need; nothing was read", path=path,
                          line=line, hint="the file may be hostile; do not open it")
    return InputError(f"{what} is damaged: not well-formed XML ({exc.reason})", path=path, line=line,
                      hint=damaged_hint)


def _syntax_refusal(exc: Any, saw_dtd: bool) -> XMLRefused:
    """An lxml syntax error as :class:`XMLRefused` (depth and size bounds and DTDs as hostile)."""
    message = str(exc.msg if getattr(exc, "msg", None) else exc)
    message = message.split(", line ")[0]
    hostile = "Excessive depth" in message or "huge" in message.lower()
    if hostile:
        message = f"nested more than {MAX_DEPTH} levels deep"
    elif saw_dtd:  # libxml2 stops an entity bomb while reading its declarations ("amplification")
        message, hostile = _DTD_REASON, True
    return XMLRefused(message, exc.position if getattr(exc, "position", None) else None, hostile)


def _has_dtd(root: Any) -> bool:
    docinfo = root.getroottree().docinfo
    return bool(docinfo.doctype) or docinfo.internalDTD is not None


_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


class _Bounded:
    """A binary stream read through a byte bound, noting whether a DTD marker went by."""

    def __init__(self, stream: IO[bytes], max_bytes: int) -> None:
        self.stream, self.max_bytes = stream, max_bytes
        self.total, self.tail, self.saw_dtd = 0, b"", False
        self.refused: XMLRefused | None = None

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size if size and size > 0 else 1 << 16)
        self.total += len(chunk)
        if self.total > self.max_bytes:
            self.refused = XMLRefused(f"larger than {self.max_bytes >> 20} MiB", hostile=True)
            raise self.refused
        if not self.saw_dtd and chunk:
            probe = (self.tail + chunk).replace(b"\0", b"")  # UTF-16 documents too
            self.saw_dtd = any(marker in probe for marker in _MARKERS)
            self.tail = chunk[-32:]
        return chunk


class iterparse:  # noqa: N801  (named like the lxml function it hardens)
    """Parse a document from a stream with the hardened settings, handing over elements as they end.

    Iterating yields each element whose tag is in ``tags`` when its end tag has been read
    (with its children and ``sourceline``); the reader should ``clear()`` it (and remove
    earlier siblings it is done with) so the tree never holds the whole document. The
    settings are those of :func:`parse_bytes`: no entity expanded, no network, no DTD loaded,
    any document type declaration refused, nesting bounded by :data:`MAX_DEPTH`, the input
    bounded by ``max_bytes`` as it is read.

    Parameters
    ----------
    stream : binary file object
        Read in chunks of 64 KiB (a zip member opened with ``ZipFile.open`` streams from the
        archive without being unpacked in memory).
    tags : sequence of str, optional
        Tags to hand over (lxml's ``tag`` filter, e.g. ``{*}PlainTextSelection`` for any
        namespace); default every element.
    max_bytes : int

    Attributes
    ----------
    root : lxml element or None
        The document's root element, once parsing has started.

    Raises
    ------
    XMLRefused
        While iterating: malformed XML, a document type declaration, nesting deeper than
        :data:`MAX_DEPTH`, more than ``max_bytes``.

    Examples
    --------
    >>> import io
    >>> reader = iterparse(io.BytesIO(b"<r><a n='1'/><b/><a n='2'/></r>"), tags=["a"])
    >>> [a.get("n") for a in reader], reader.root.tag
    (['1', '2'], 'r')
    """

    def __init__(self, stream: IO[bytes], *, tags: Sequence[str] | None = None, max_bytes: int = MAX_BYTES) -> None:
        self._source = _Bounded(stream, max_bytes)
        self._tags = list(tags) if tags is not None else None
        self.root: Any = None

    def __iter__(self) -> Iterator[Any]:
        from lxml import etree

        context = etree.iterparse(self._source, events=("end",), tag=self._tags, resolve_entities=False,
                                  no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
                                  remove_comments=True, remove_pis=True)
        checked = False
        try:
            for _event, element in context:
                if not checked:
                    self.root = element.getroottree().getroot()
                    if _has_dtd(self.root):
                        raise XMLRefused(_DTD_REASON, (1, 1), hostile=True)
                    checked = True
                yield element
            self.root = context.root
        except etree.XMLSyntaxError as exc:
            raise _syntax_refusal(exc, self._source.saw_dtd) from None
        except (ValueError, LookupError) as exc:  # an unknown encoding; the byte bound (an XMLRefused)
            if self._source.refused is not None:
                raise self._source.refused from None
            raise exc if isinstance(exc, XMLRefused) else XMLRefused(str(exc)) from None
        if self.root is None:  # pragma: no cover - libxml2 reports an empty document as a syntax error
            raise XMLRefused("empty document")
        if not checked and _has_dtd(self.root):
            raise XMLRefused(_DTD_REASON, (1, 1), hostile=True)


MAX_PENDING = 250_000
"""The most elements a streamed document may hold between two elements handed over (one huge
paragraph, row or note): about 50 MiB of tree."""


def iter_children(source: Any, *, path: str | Path, what: str, depth: int = 1,
                  damaged_hint: str = "re-save it from the program that made it") -> Iterator[Any]:
    """Stream a document's elements at ``depth`` (1: the root's children), each whole, then forgotten.

    :func:`iter_elements` choosing one level.
    """
    for _level, element in iter_elements(source, path=path, what=what, select=lambda _e, level: level == depth,
                                         damaged_hint=damaged_hint):
        yield element


def iter_elements(source: Any, *, path: str | Path, what: str, select: Callable[[Any, int], bool],
                  damaged_hint: str = "re-save it from the program that made it", max_pending: int | None = None,
                  chunk_bytes: int = 1 << 16) -> Iterator[tuple[int, Any]]:
    """Stream a document, handing over each element ``select`` chooses when its end tag has been read.

    The hardened options of :func:`parse` apply (no entities, no DTD, no network, libxml2's
    depth bound), through lxml's ``XMLPullParser`` fed ``chunk_bytes`` at a time. Once the
    caller moves on, the element handed over is cleared and dropped from the tree with the
    elements before it, so memory holds a window of the document however long it is (a
    transcript of 600,000 paragraphs): the element being read, what the parser read ahead,
    and the ancestors (their attributes, not their children). An element holding more than
    ``max_pending`` elements before anything is handed over is refused, as is the first
    error of the parser (the rest of the document is not read).

    Parameters
    ----------
    source : binary file object
        The document (e.g. an open zip member).
    path : str or Path
        The file, named in messages.
    what : str
        The part read, for messages (``word/document.xml``).
    select : callable
        ``select(element, level)``: hand this element over? ``level`` is its depth (the root
        is 0, its children 1 ...); its ancestors are there to look at.
    damaged_hint : str
    max_pending : int, optional
        Default :data:`MAX_PENDING`.
    chunk_bytes : int

    Yields
    ------
    (int, lxml.etree._Element)
        The level and the element.

    Raises
    ------
    InputError
        As :func:`parse`: a document type declaration, nesting too deep, malformed XML; or
        more than ``max_pending`` elements without one handed over.
    """
    from lxml import etree

    parser = etree.XMLPullParser(events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False,
                                 dtd_validation=False, huge_tree=False, remove_comments=True, remove_pis=True,
                                 collect_ids=False)
    max_pending = MAX_PENDING if max_pending is None else max_pending
    level = pending = 0
    checked = False
    try:
        while True:
            data = source.read(chunk_bytes)
            if data:
                parser.feed(data)
            else:
                parser.close()
            for error in parser.error_log:  # libxml2 goes on after some errors (an undeclared prefix)
                if error.level >= etree.ErrorLevels.ERROR:
                    raise etree.XMLSyntaxError(error.message, error.type, error.line, error.column)
            for event, element in parser.read_events():
                if event == "start":
                    if not checked:
                        checked = True
                        info = element.getroottree().docinfo
                        if info.doctype or info.internalDTD is not None:
                            raise XMLRefused(_DTD_REASON, (1, 1), hostile=True)
                    level += 1
                    pending += 1
                    if pending > max_pending:
                        raise XMLRefused(f"holds more than {max_pending:,} elements in one place "
                                         f"(line {element.sourceline})", (element.sourceline or 1, 1), hostile=True)
                    continue
                level -= 1  # now the depth of the element that ended (the root's is 0)
                if level == 0:  # the root ended: libxml2 would swallow what follows without a word
                    parser.close()  # raises for an error it went on after (an undeclared prefix)
                    if source.read(chunk_bytes).strip():
                        raise XMLRefused("content after the end of the document", (element.sourceline or 1, 1))
                    if select(element, level):
                        yield level, element
                    return
                if select(element, level):
                    yield level, element
                    element.clear(keep_tail=False)
                    parent = element.getparent()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]  # the elements handed over before it: already cleared
                    pending = 0
            if not data:
                return
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg if getattr(exc, "msg", None) else exc).split(", line ")[0].strip()
        hostile = "Excessive depth" in message or "huge" in message.lower()
        if hostile:
            message = f"nested more than {MAX_DEPTH} levels deep"
        elif "entity" in message.lower() or "doctype" in message.lower():
            message, hostile = _DTD_REASON, True
        position = exc.position if getattr(exc, "position", None) else None
        refused = XMLRefused(message, position if position and position[0] else None, hostile)
    except XMLRefused as exc:
        refused = exc
    raise refusal_error(refused, path=path, what=what, damaged_hint=damaged_hint) from None


__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_PENDING", "XMLRefused", "iter_children", "iter_elements", "iterparse",
           "parse", "parse_bytes", "parse_stream", "refusal_error"]
