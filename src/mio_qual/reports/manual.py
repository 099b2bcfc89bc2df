"""The coder's manual of a codebook as a Word document (``mio-qual codebook export --format docx``).

Written through :class:`~mio_qual.reports.builder.ReportBuilder`, so it shares the house style
of every other document. Unlike the codebook report of a project
(:func:`mio_qual.reports.documents.codebook_report`), it needs no project: it documents any
codebook, bundled or the user's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .builder import ReportBuilder

if TYPE_CHECKING:  # pragma: no cover
    from ..codebook.model import Code, Codebook

_FIELDS: tuple[tuple[str, str], ...] = (
    ("Definition", "definition"),
    ("Use when", "use_when"),
    ("Not when", "not_when"),
    ("Example", "example"),
    ("Keywords", "keywords"),
    ("Aliases", "aliases"),
    ("Refines", "refines"),
)


def _entry(b: ReportBuilder, cb: "Codebook", code: "Code", level: int) -> None:
    b.heading(f"{code.id}  {code.name}", level)
    for label, fieldname in _FIELDS:
        value = getattr(code, fieldname)
        if fieldname == "refines":
            value = [f"{r} {cb.codes[r].name}" if r in cb.codes else r for r in value]
        if isinstance(value, tuple | list):
            value = "; ".join(value)
        if not value:
            continue
        paragraph = b.paragraph(f"**{label}:** ")
        run = paragraph.add_run(b.clean(f"\u201c{value}\u201d" if fieldname == "example" else value))
        run.italic = fieldname == "example"


def _subtree(cb: "Codebook", root: str) -> list[tuple["Code", int]]:
    out = [(cb.codes[root], 0)]
    out.extend((cb.codes[cid], cb.depth(cid) - cb.depth(root)) for cid in cb.descendants(root))
    return out


def codebook_manual(cb: "Codebook", path: str | Path, *, title: str | None = None) -> Path:
    """Write a coder's manual for ``cb`` as a Word document.

    Layout: a title page with the sources and the codebook version; then each domain as
    Heading 1, its constructs as Heading 2, subconstructs (and role x characteristic codes) as
    Heading 3, anything deeper as Heading 4 onwards. Codes outside the domain tree (such as the
    MIO codes) are grouped under a Heading 1 per codebook, one Heading 2 per code. Each entry
    gives its definition, when to use it, when not to (and what to use instead), an example
    quote, keywords, aliases and the constructs it refines.

    Parameters
    ----------
    cb : Codebook
    path : str or Path
        Where to save the ``.docx``.
    title : str, optional
        Document title; by default the codebook titles joined.

    Returns
    -------
    Path
    """
    titles = [i.title or i.name for i in cb.infos.values()]
    heading = title or " + ".join(titles) or "Codebook"
    b = ReportBuilder(heading)
    lines = [f"**Codebook version:** {cb.version} ({len(cb)} codes)"]
    lines += [f"**{info.name}:** " + (" ".join(x for x in (info.version_label, info.source) if x) or info.title)
              for info in cb.infos.values()]
    b.title_page(heading, None, lines)
    b.paragraph("Each entry gives the code's id and name, a definition, when to use it, when not to (with the code"
                " to use instead), an invented example quote, and keywords that the rule-based suggestions look for.")
    loose: dict[str, list[str]] = {}
    for root in cb.roots():
        code = cb.codes[root]
        if code.level == "domain":
            for item, depth in _subtree(cb, root):
                _entry(b, cb, item, min(depth + 1, 9))
        else:
            loose.setdefault(code.codebook, []).append(root)
    for book, roots in loose.items():
        info = cb.infos.get(book)
        b.heading(info.title if info and info.title else book, 1)
        for root in roots:
            for item, depth in _subtree(cb, root):
                _entry(b, cb, item, min(depth + 2, 9))
    return b.save(path)


__all__ = ["codebook_manual"]
