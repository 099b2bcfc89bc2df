"""Finding, reading and combining codebooks: :func:`load_codebooks`, :func:`validate_codebook`."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence, Union

from ..errors import InputError
from ._paths import bundled_codebooks
from .build import build_codebook, check_books
from .model import LEVELS, Codebook
from .problems import Problem
from .raw import RawBook

Source = Union[str, Path]

#: File suffixes :func:`load_codebooks` reads, and the reader each uses.
SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".qdc", ".qdpx", ".qde", ".csv", ".xlsx", ".xlsm")


def read_source(path: Path) -> list[RawBook]:
    """Read one codebook file into raw books (a CSV or .qdc may hold several codebooks)."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        from .yaml_io import read_yaml

        return [read_yaml(path)]
    if suffix == ".csv":
        from .csv_io import read_csv_books

        return read_csv_books(path)
    if suffix in (".xlsx", ".xlsm"):
        from .xlsx_io import read_xlsx_books

        return read_xlsx_books(path)
    if suffix in (".qdc", ".qdpx", ".qde"):
        from .qdc import read_qdc_books

        return read_qdc_books(path)
    raise InputError(
        f"cannot read a codebook from a {suffix or 'suffix-less'} file",
        path=path,
        hint="use .yaml, .yml, .csv, .xlsx, .qdc or a REFI-QDA project (.qdpx)",
    )


def locate(source: Source) -> Path:
    """Turn a bundled codebook name or a file path into the file's path.

    Raises
    ------
    InputError
        If ``source`` is neither an existing file nor a bundled name.
    """
    bundled = bundled_codebooks()
    if isinstance(source, str) and source in bundled and not Path(source).is_file():
        return bundled[source]
    path = Path(source).expanduser()
    if path.is_file():
        return path
    if path.is_dir():
        raise InputError("is a folder, not a codebook file", path=path, hint="name a .yaml, .csv, .xlsx or .qdc file")
    names = ", ".join(bundled) or "none found"
    raise InputError(
        f"no codebook named {str(source)!r}",
        path=None if isinstance(source, str) and "/" not in source and "." not in source else path,
        hint=f"give a file path or a bundled codebook name ({names})",
    )


def _gather(sources: Iterable[Source]) -> list[RawBook]:
    """Read the sources and, before each book, any bundled codebooks it requires."""
    bundled = bundled_codebooks()
    books: list[RawBook] = []
    read_paths: set[Path] = set()

    def add(path: Path, chain: tuple[str, ...]) -> None:
        resolved = path.resolve()
        if resolved in read_paths:
            return
        read_paths.add(resolved)
        new = read_source(path)
        for book in new:
            for name in book.requires:
                already = any(b.name == name for b in books) or any(b.name == name for b in new)
                if not already and name in bundled and name not in chain:
                    add(bundled[name], (*chain, book.name))
        books.extend(new)

    for source in sources:
        add(locate(source), ())
    return books


def _as_sources(sources: Source | Iterable[Source]) -> list[Source]:
    if isinstance(sources, (str, Path)):
        return [sources]
    out = list(sources)
    if not out:
        raise InputError("no codebook given", hint="name a bundled codebook such as cfir2, or a file")
    return out


def load_codebooks(sources: Source | Iterable[Source] = ("cfir2",)) -> Codebook:
    """Load one or more codebooks and combine them into one :class:`Codebook`.

    Parameters
    ----------
    sources : str, Path or iterable of them
        Bundled codebook names (``"cfir2"``, ``"cfir_outcomes"``, ``"mio"``; see
        :func:`bundled_codebooks`) or paths to ``.yaml``/``.yml``, ``.csv`` (as written by
        :func:`to_csv`) or ``.xlsx`` workbooks with the same columns, REFI-QDA ``.qdc`` files or REFI-QDA projects (``.qdpx``, whose
        codebook is read with its hierarchy, descriptions, colours and GUIDs). Bundled codebooks that a loaded one
        ``requires`` are added automatically (loading ``"mio"`` brings in ``"cfir2"``,
        whose constructs the MIO codes refine), before the one that needs them.

    Returns
    -------
    Codebook

    Raises
    ------
    mio_qual.errors.InputError
        If a source cannot be found or read; a
        :class:`~mio_qual.codebook.problems.CodebookError` (an InputError) listing every
        problem with file and line if the codebooks are not valid.

    Examples
    --------
    >>> cb = load_codebooks(["cfir2", "mio"])
    >>> cb.resolve("Available Resources: Funding")
    'IS.J1'
    """
    names = _as_sources(sources)
    key = _bundled_key(names)
    if key is None:
        return build_codebook(_gather(names))
    built = _BUILT.get(key)
    if built is None:
        built = build_codebook(_gather(names))
        if len(_BUILT) >= 8:
            _BUILT.clear()
        _BUILT[key] = built
    return built


_BUILT: dict[tuple[object, ...], Codebook] = {}
"""Bundled codebooks already built in this process, by :func:`_bundled_key` (issue 21: reading and
checking the three default codebooks took 17-22 ms of every small ``.qdpx`` re-import)."""


def _bundled_key(sources: Sequence[Source]) -> tuple[object, ...] | None:
    """What a load of bundled codebooks only depends on: their names and every bundled file's size and
    modification time (a codebook requires others); None when a source is a file (read each time).

    The same :class:`Codebook` object is then given to every caller while the files stay as they are;
    nothing in mio-qual changes a Codebook after it is built.
    """
    bundled = bundled_codebooks()
    if not all(isinstance(s, str) and s in bundled and not Path(s).is_file() for s in sources):
        return None
    try:
        stats = tuple((name, st.st_mtime_ns, st.st_size) for name, path in bundled.items() for st in [path.stat()])
    except OSError:
        return None
    return (tuple(sources), stats)


def bundled_overview() -> list[dict[str, object]]:
    """One row per bundled codebook: name, title, how many codes of its own and of each level, path.

    A codebook's own codes are those it defines (not those of the codebooks it requires).
    """
    rows: list[dict[str, object]] = []
    for name, path in bundled_codebooks().items():
        cb = load_codebooks([path])
        own = [c for c in cb if c.codebook == name]
        counts = {level: sum(1 for c in own if c.level == level) for level in LEVELS}
        rows.append({"name": name, "title": cb.infos[name].title, "codes": len(own), **counts, "path": str(path)})
    return rows


def validate_codebook(path: Source, *, with_sources: Sequence[Source] = ()) -> list[Problem]:
    """Check one codebook file and return every problem found (empty if it is valid).

    Parameters
    ----------
    path : str or Path
        The file to check (``.yaml``, ``.yml``, ``.csv`` or ``.qdc``), or a bundled name.
    with_sources : sequence, optional
        Other codebooks to check it together with (for ids it refers to but does not
        ``require``). Bundled codebooks named in ``requires:`` are added automatically.

    Returns
    -------
    list of Problem
        Sorted by file and line.

    Raises
    ------
    mio_qual.errors.InputError
        Only if the file cannot be found or has an unsupported suffix.
    """
    books = _gather([*with_sources, path])
    return check_books(books)
