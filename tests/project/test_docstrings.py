"""Every public :class:`~mio_qual.project.Project` method documents its parameters and what it returns.

numpydoc is not a dependency, so the sections are read with a small parser of the layout that
numpydoc defines (a section title underlined with dashes; parameter lines unindented, ``name :
type``, several names separated by commas). Each parameter of the signature must be named in
``Parameters``; a method whose annotation returns something other than ``None`` needs ``Returns``
(or ``Yields``).
"""

from __future__ import annotations

import inspect
import re

from mio_qual.project import Project

SECTION = re.compile(r"^(\w[\w ]*)\n-{3,}\s*$", re.M)


def sections(doc: str) -> dict[str, str]:
    """The docstring's numpydoc sections by title."""
    found = list(SECTION.finditer(doc))
    return {m.group(1).strip(): doc[m.end():(found[i + 1].start() if i + 1 < len(found) else len(doc))]
            for i, m in enumerate(found)}


def documented_names(body: str) -> set[str]:
    """Names listed in a Parameters section: the unindented lines, before any ``:``."""
    names: set[str] = set()
    for line in body.splitlines():
        if line.strip() and not line[0].isspace():
            for name in line.split(" : ")[0].split(","):
                names.add(name.strip().lstrip("*"))
    return names


def public_methods() -> list[tuple[str, object]]:
    return [(name, member) for name, member in inspect.getmembers(Project)
            if not name.startswith("_") and callable(member)
            and getattr(member, "__module__", "").startswith("mio_qual.project")]


def problems_of(name: str, method: object) -> list[str]:
    doc = inspect.getdoc(method) or ""
    parts = sections(doc)
    signature = inspect.signature(method)
    wanted = [p.name for p in signature.parameters.values() if p.name not in ("self", "cls")]
    out = []
    if wanted:
        missing = [p for p in wanted if p not in documented_names(parts.get("Parameters", ""))]
        if missing:
            out.append(f"{name}: parameters not in its Parameters section: {', '.join(missing)}")
    returns = signature.return_annotation
    if returns not in (None, "None", inspect.Signature.empty) and not ({"Returns", "Yields"} & set(parts)):
        out.append(f"{name}: no Returns section (it returns {returns})")
    if returns is inspect.Signature.empty:
        out.append(f"{name}: no return annotation")
    return out


def test_the_parser_reads_numpydoc_sections() -> None:
    doc = "Do it.\n\nParameters\n----------\na, b : int\n    Two.\n**options\n    More.\n\nReturns\n-------\nint\n"
    parts = sections(doc)
    assert set(parts) == {"Parameters", "Returns"}
    assert documented_names(parts["Parameters"]) == {"a", "b", "options"}


def test_every_public_project_method_documents_parameters_and_returns() -> None:
    methods = public_methods()
    assert len(methods) > 100  # the walk finds the mixins' methods
    problems = [p for name, method in methods for p in problems_of(name, method)]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
