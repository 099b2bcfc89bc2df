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

Elements are lxml elements: the ``xml.etree.ElementTree`` API (``find``, ``iter``, ``get``,
``itertext``, ``tag``) plus ``sourceline``, the line of the start tag.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
        message = str(exc.msg if getattr(exc, "msg", None) else exc)
        message = message.split(", line ")[0]
        hostile = "Excessive depth" in message or "huge" in message.lower()
        if hostile:
            message = f"nested more than {MAX_DEPTH} levels deep"
        elif any(marker in data.replace(b"\0", b"") for marker in (b"<!DOCTYPE", b"<!ENTITY")):
            # libxml2 stops an entity bomb while reading its declarations ("amplification")
            message, hostile = _DTD_REASON, True
        raise XMLRefused(message, exc.position if getattr(exc, "position", None) else None, hostile) from None
    except (ValueError, LookupError) as exc:  # e.g. an unknown encoding or a str with a declaration
        raise XMLRefused(str(exc)) from None
    if root is None:  # pragma: no cover - libxml2 reports an empty document as a syntax error
        raise XMLRefused("empty document")
    if root.getroottree().docinfo.doctype or root.getroottree().docinfo.internalDTD is not None:
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
        line = exc.position[0] if exc.position else None
        if exc.hostile:
            raise InputError(f"{what} {exc.reason}, which these files never need; nothing was read", path=path,
                             line=line, hint="the file may be hostile; do not open it") from None
        raise InputError(f"{what} is damaged: not well-formed XML ({exc.reason})", path=path, line=line,
                         hint=damaged_hint) from None


__all__ = ["MAX_BYTES", "MAX_DEPTH", "XMLRefused", "parse", "parse_bytes"]
