"""The coder's manual: a Word document generated from a codebook (:func:`to_docx`)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Union

from .model import Code, Codebook

Target = Union[str, Path, IO[bytes]]

_FIELDS: tuple[tuple[str, str], ...] = (
    ("Definition", "definition"),
    ("Use when", "use_when"),
    ("Not when", "not_when"),
    ("Example", "example"),
    ("Keywords", "keywords"),
    ("Aliases", "aliases"),
    ("Refines", "refines"),
)


def _heading_level(code: Code, depth: int, offset: int) -> int:
    return min(depth + 1 + offset, 9)


def _entry(doc, cb: Codebook, code: Code, level: int) -> None:  # type: ignore[no-untyped-def]
    doc.add_heading(f"{code.id}  {code.name}", level=level)
    for label, fieldname in _FIELDS:
        value = getattr(code, fieldname)
        if fieldname == "refines":
            value = [f"{r} {cb.codes[r].name}" if r in cb.codes else r for r in value]
        if isinstance(value, tuple | list):
            value = "; ".join(value)
        if not value:
            continue
        para = doc.add_paragraph()
        para.add_run(f"{label}: ").bold = True
        run = para.add_run(f"\u201c{value}\u201d" if fieldname == "example" else value)
        if fieldname == "example":
            run.italic = True


def to_docx(cb: Codebook, path: Target, *, title: str | None = None) -> None:
    """Write a coder's manual for ``cb`` as a Word document.

    Layout: a title, the sources and the codebook version; then each domain as Heading 1,
    its constructs as Heading 2, subconstructs (and role x characteristic codes) as
    Heading 3, anything deeper as Heading 4 onwards. Codes outside the domain tree (such as
    the MIO codes) are grouped under a Heading 1 per codebook, one Heading 2 per code.
    Each entry gives its definition, when to use it, when not to (and what to use instead),
    an example quote, keywords, aliases and the constructs it refines.

    Parameters
    ----------
    cb : Codebook
    path : str, Path or binary file object
        Where to save the ``.docx``.
    title : str, optional
        Document title; by default the codebook titles joined.
    """
    import docx  # python-docx; imported here to keep `import mio_qual.codebook` light

    doc = docx.Document()
    titles = [i.title or i.name for i in cb.infos.values()]
    doc.add_heading(title or " + ".join(titles) or "Codebook", level=0)
    intro = doc.add_paragraph()
    intro.add_run("Codebook version: ").bold = True
    intro.add_run(f"{cb.version} ({len(cb)} codes)")
    for info in cb.infos.values():
        para = doc.add_paragraph()
        para.add_run(f"{info.name}: ").bold = True
        para.add_run(" ".join(x for x in (info.version_label, info.source) if x) or info.title)
    doc.add_paragraph(
        "Each entry gives the code's id and name, a definition, when to use it, when not to "
        "(with the code to use instead), an invented example quote, and keywords that the "
        "rule-based suggestions look for."
    )

    loose: dict[str, list[str]] = {}
    for root in cb.roots():
        code = cb.codes[root]
        if code.level == "domain":
            for item, depth in _subtree(cb, root):
                _entry(doc, cb, item, _heading_level(item, depth, 0))
        else:
            loose.setdefault(code.codebook, []).append(root)
    for book, roots in loose.items():
        info = cb.infos.get(book)
        doc.add_heading(info.title if info and info.title else book, level=1)
        for root in roots:
            for item, depth in _subtree(cb, root):
                _entry(doc, cb, item, _heading_level(item, depth, 1))
    doc.save(path)


def _subtree(cb: Codebook, root: str) -> list[tuple[Code, int]]:
    out = [(cb.codes[root], 0)]
    out.extend((cb.codes[cid], cb.depth(cid) - cb.depth(root)) for cid in cb.descendants(root))
    return out
