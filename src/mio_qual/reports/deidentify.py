"""The redaction every report applies, built on :mod:`mio_qual.deidentify`.

Reports never name a participant (DESIGN.md, decision 9). The names to hide are the roster's
names and aliases that the project kept at import, the name-like speaker labels
(:func:`mio_qual.deidentify.known_names`), and whatever the user lists in a ``--redact`` file
(one name or phrase per line; ``#`` starts a comment). The matching itself is
:func:`mio_qual.deidentify.redact`'s; this module only gathers the names and hands the
:class:`~mio_qual.reports.builder.ReportBuilder` one function to pass every text through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from ..deidentify import make_redactor, redact_frame
from ..errors import InputError

MAX_REDACT_BYTES = 1 << 20
MAX_REDACT_NAMES = 5_000
"""Bounds on a --redact file: every name is tried on every quote, so 300,000 names took minutes."""


def read_redact_file(path: str | Path) -> list[str]:
    """Names and phrases to redact, one per line (blank lines and ``#`` comments ignored).

    Parameters
    ----------
    path : path
        A UTF-8 text file (a BOM is accepted).

    Returns
    -------
    list of str

    Raises
    ------
    InputError
        When the file cannot be read.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file", path=path, hint="give a text file with one name per line") from None
    if size > MAX_REDACT_BYTES:
        raise InputError(f"the file is {size / (1 << 20):.1f} MiB, more than the {MAX_REDACT_BYTES >> 20} MiB a list "
                         "of names may be", path=path, hint="give a text file with one name per line")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", path=path, hint="give a text file with one name per line") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=path,
                         hint="save the list of names as UTF-8 text") from None
    names = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            names.append(" ".join(entry.split()))
    if len(names) > MAX_REDACT_NAMES:
        raise InputError(f"the file lists {len(names):,} names, more than the {MAX_REDACT_NAMES:,} allowed",
                         path=path, hint="redaction tries every name on every quote; list only the names to hide")
    return names


def redact_display(display: Any, redactor: Callable[[str], str]) -> Any:
    """A copy of a joint display (:class:`mio_qual.mixed.joint.JointDisplay`) with its tables and notes redacted.

    Joint displays carry raters' rationales and quotes; whatever reaches a file beside a report
    is redacted like the report itself.
    """
    from dataclasses import replace

    extra = [replace(t, frame=redact_frame(t.frame, redactor), notes=[redactor(n) for n in t.notes])
             for t in display.extra]
    return replace(display, frame=redact_frame(display.frame, redactor), notes=[redactor(n) for n in display.notes],
                   extra=extra)


__all__ = ["read_redact_file", "make_redactor", "redact_frame", "redact_display"]
