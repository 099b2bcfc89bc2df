"""The output formats of every command and how one is chosen (no heavy imports: read at CLI start).

:func:`mio_qual.reports.render.render` writes them; ``--format`` choices and the format an
``--out`` file's suffix names come from here, so that parsing a command line never loads
pandas or python-docx.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

FORMATS = ("table", "csv", "json", "xlsx", "docx", "png")
"""Every output format: ``table`` (the screen), ``csv`` and ``json`` (screen or file), ``xlsx``,
``docx`` and ``png`` (files only)."""

SUFFIX_FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", ".docx": "docx", ".png": "png",
                  ".txt": "table"}
FILE_ONLY = ("xlsx", "docx", "png")


def infer_format(fmt: str | None, out: str | Path | None, default: str = "table") -> str:
    """The output format: ``fmt`` if given, else the one ``out``'s suffix names, else ``default``.

    Raises
    ------
    InputError
        When ``fmt`` is unknown, when ``fmt`` and ``out``'s suffix disagree, or when a format
        that only files can hold (xlsx, docx, png) has no ``out``.

    Examples
    --------
    >>> infer_format(None, "agreement.xlsx"), infer_format("csv", None), infer_format(None, None)
    ('xlsx', 'csv', 'table')
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    named = SUFFIX_FORMATS.get(Path(out).suffix.lower()) if out is not None else None
    if fmt is None:
        fmt = named or default
    elif named is not None and named != fmt and not (fmt == "table" and named == "table"):
        raise InputError(f"--format {fmt} does not match the file name", path=out,
                         hint=f"name the file .{fmt if fmt != 'table' else 'txt'} or drop --format")
    if fmt in FILE_ONLY and out is None:
        raise InputError(f"--format {fmt} writes a file", hint=f"add --out FILE.{fmt}")
    return fmt
