"""Errors that mio-qual raises on purpose.

Every error a user can cause carries the file (and where known the line or position) and a
hint saying what to do. The CLI prints ``str(error)`` on one line and exits with
``error.exit_code``: 2 for bad input or usage, 1 for a failure of the work itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence


class MioQualError(Exception):
    """Base class of the errors mio-qual raises deliberately.

    Parameters
    ----------
    message : str
        What went wrong, in one sentence.
    path : str or Path, optional
        The file the problem is in.
    line : int, optional
        1-based line (or row) number in ``path``.
    hint : str, optional
        What the user can do about it.
    details : sequence of str, optional
        Further problems (for errors that collect several); shown after the first line.
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
        details: Sequence[str] = (),
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint
        self.details = list(details)
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The error as a single line: ``file:line: message (hint)``."""
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text.replace("\n", " ")

    def __str__(self) -> str:
        return self.one_line()


class InputError(MioQualError, ValueError):
    """Bad input or usage: a file that cannot be read, a value out of range, a missing file.

    Also a :class:`ValueError`, so that code catching the standard exception for a bad value
    (as scikit-learn's validation does) catches it too.
    """

    exit_code = 2


class WorkError(MioQualError):
    """The input was acceptable but the work failed (for example, a locked or damaged store)."""

    exit_code = 1


class UnknownCodeError(InputError):
    """A code label that matches no code in the codebook.

    Parameters
    ----------
    label : str
        The label as the user wrote it.
    suggestions : sequence of str
        Close matches (code ids), offered and never applied silently.
    """

    def __init__(
        self,
        label: str,
        suggestions: Sequence[str] = (),
        *,
        path: str | Path | None = None,
        line: int | None = None,
    ) -> None:
        self.label = label
        self.suggestions = list(suggestions)
        hint = (
            "did you mean " + " or ".join(self.suggestions) + "?"
            if self.suggestions
            else "see `mio-qual codebook list` for the codes"
        )
        super().__init__(f"unknown code {label!r}", path=path, line=line, hint=hint)


def check_options(target: Callable[..., Any], options: Mapping[str, Any], what: str,
                  cli_names: Mapping[str, str] | None = None) -> None:
    """Refuse keyword options that ``target`` does not take, as one :class:`InputError`.

    Methods that pass ``**options`` on to an analysis (a report kind, a joint display, csQCA or
    CNA) would otherwise fail with Python's ``TypeError`` from deep inside. The message names
    the options ``target`` takes, and for an option spelled as on the command line
    (``cli_names``: ``{"rule": "rules=[...]"}``) the Python spelling.

    Parameters
    ----------
    target : callable
        The function the options go to.
    options : mapping
        The keyword options given.
    what : str
        What takes them, for the message (``"configurations('qca')"``).
    cli_names : mapping of str to str, optional
        A command-line option's name (with ``_`` for ``-``) -> what to write in Python instead.
    Old names that ``target`` still accepts (:func:`mio_qual.deprecation.renamed`) pass.

    Raises
    ------
    InputError
        Naming the first unknown option.

    Examples
    --------
    >>> def display(data, *, rule=None, sort="codebook"): ...
    >>> check_options(display, {"sort": "codebook"}, "joint_display")
    >>> check_options(display, {"split": "halves"}, "joint_display", {"split": "rule=DistinguishRule(split=...)"})
    Traceback (most recent call last):
    ...
    mio_qual.errors.InputError: joint_display takes no option 'split' (write rule=DistinguishRule(split=...); it takes rule, sort)
    """
    import difflib
    import inspect

    parameters = inspect.signature(target).parameters
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return
    takes = [name for name, p in list(parameters.items())[1:]
             if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    old_names = getattr(target, "__renamed__", {})  # mio_qual.deprecation.renamed: warned about by the call
    for name in options:
        if name in parameters or name in old_names:
            continue
        instead = (cli_names or {}).get(name)
        if instead is None:
            close = difflib.get_close_matches(name, takes, n=1)
            instead = close[0] if close else None
        hint = (f"write {instead}; " if instead else "") + "it takes " + ", ".join(takes)
        raise InputError(f"{what} takes no option {name!r}", hint=hint)


def unknown_names(kind: str, names: Sequence[str], known: Sequence[str], *, listing: str,
                  path: str | Path | None = None) -> InputError | None:
    """The error for names the caller gave that the project does not hold, or None when all are known.

    The getters' one rule for names (transcript ids, coders, raters): ``None`` means all, and a
    name the caller gives must exist: an unknown one is refused, never answered with an empty
    table. The message names every unknown name; the hint offers the known names closest to the
    first (never applied), the known names themselves when there are few, and the command
    listing them.

    Parameters
    ----------
    kind : str
        What the names are, singular (``"coder"``, ``"rater"``).
    names : sequence of str
        The names given.
    known : sequence of str
        The names the project holds.
    listing : str
        The command that lists them (``"mio-qual coding list"``).
    path : str or Path, optional
        The project, for the message.

    Returns
    -------
    InputError or None
        The error to raise.

    Examples
    --------
    >>> print(unknown_names("coder", ["jordn"], ["casey", "jordan"], listing="mio-qual coding list"))
    no coder 'jordn' in this project (did you mean jordan? the coders are casey, jordan; see `mio-qual coding list`)
    >>> unknown_names("coder", ["casey"], ["casey", "jordan"], listing="mio-qual coding list") is None
    True
    """
    import difflib

    known_set = set(known)
    unknown = [n for n in dict.fromkeys(names) if n not in known_set]
    if not unknown:
        return None
    ordered = sorted(known_set)
    close = difflib.get_close_matches(unknown[0], ordered, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    if not ordered:
        hint += f"the project has no {kind}s yet; "
    elif len(ordered) <= 12:
        hint += f"the {kind}s are {', '.join(ordered)}; "
    hint += f"see `{listing}`"
    plural = "s" if len(unknown) > 1 else ""
    return InputError(f"no {kind}{plural} {', '.join(map(repr, unknown))} in this project", path=path, hint=hint)
