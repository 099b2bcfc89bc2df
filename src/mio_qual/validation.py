"""Option values checked at the edge: one rule per option, the same words in Python and on the command line.

A bad value (a negative number of bootstrap replicates, an overlap share above 1, an unknown
criterion) is refused before anything is read or written, in one line that names the option in
both spellings and says what it takes, the way scikit-learn validates an estimator's parameters
when it is fitted::

    invalid boot -1 (boot= / --boot takes a whole number >= 0)

The Python methods call :func:`check_values`; the command-line options get their click type
from :func:`mio_qual.cli.common.checked`, which applies the same :data:`RULES` and raises the
same :class:`~mio_qual.errors.InputError` (one line, exit 2, the project untouched).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

from .errors import InputError


@dataclass(frozen=True)
class Rule:
    """What one option takes.

    Parameters
    ----------
    kind : {"whole", "number", "choice"}
        A whole number, a real number, or one of ``choices``.
    low, high : float, optional
        Bounds of a number (``None``: unbounded on that side).
    low_open, high_open : bool
        Whether a bound itself is excluded.
    choices : tuple of str
        The values of a choice.
    """

    kind: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] = ()

    def allowed(self) -> str:
        """What the option takes, in words (``'a number in (0, 1]'``)."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        what = "a whole number" if self.kind == "whole" else "a number"
        if self.low is not None and self.high is not None:
            return (f"{what} in {'(' if self.low_open else '['}{self.low:g}, {self.high:g}"
                    f"{')' if self.high_open else ']'}")
        if self.low is not None:
            return f"{what} {'>' if self.low_open else '>='} {self.low:g}"
        if self.high is not None:
            return f"{what} {'<' if self.high_open else '<='} {self.high:g}"
        return what

    def check(self, name: str, value: Any) -> Any:
        """``value`` as the option takes it (a whole number as ``int``), or :class:`InputError` naming ``name``."""
        if self.kind == "choice":
            if isinstance(value, str) and value in self.choices:
                return value
            raise refusal(name, value, self)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
            raise refusal(name, value, self)
        if self.kind == "whole":
            if int(value) != value:
                raise refusal(name, value, self)
            value = int(value)
        below = self.low is not None and (value <= self.low if self.low_open else value < self.low)
        above = self.high is not None and (value >= self.high if self.high_open else value > self.high)
        if below or above:
            raise refusal(name, value, self)
        return value


def whole(low: int = 0) -> Rule:
    """A whole number at least ``low``."""
    return Rule("whole", low=low)


def share(*, low_open: bool = False, high_open: bool = False) -> Rule:
    """A number between 0 and 1."""
    return Rule("number", low=0.0, high=1.0, low_open=low_open, high_open=high_open)


def choice(*values: str) -> Rule:
    """One of ``values``."""
    return Rule("choice", choices=tuple(values))


#: The rule of every checked option, by its Python name (the command line's with dashes).
RULES: dict[str, Rule] = {
    "boot": whole(0),
    "seed": whole(0),
    "overlap": share(low_open=True),
    "min_coverage": share(),
    "confidence": share(low_open=True, high_open=True),
    "convention": choice("gwet", "pairable"),
    "boot_method": choice("units", "krippendorff"),
    "criterion": choice("difference", "separation"),
    "split": choice("halves", "extremes", "threshold"),
    "min_rated": whole(1),
    "strong": Rule("number", low=0.0, low_open=True),
    "weak": Rule("number", low=0.0, low_open=True),
    "quotes": whole(0),
    "max_rows": whole(1),
}


def option_name(name: str) -> str:
    """The option in both spellings: ``'min_rated= / --min-rated'``."""
    return f"{name}= / --{name.replace('_', '-')}"


def refusal(name: str, value: Any, rule: Rule | None = None) -> InputError:
    """The one-line error for a value ``name`` does not take.

    Examples
    --------
    >>> print(refusal("overlap", 1.5))
    invalid overlap 1.5 (overlap= / --overlap takes a number in (0, 1])
    """
    rule = rule or RULES[name]
    return InputError(f"invalid {name} {value!r}", hint=f"{option_name(name)} takes {rule.allowed()}")


def check_values(**values: Any) -> dict[str, Any]:
    """Check each option value against its rule in :data:`RULES`; ``None`` (left to its default) passes.

    Parameters
    ----------
    **values
        Option name -> value; the name must be in :data:`RULES`.

    Returns
    -------
    dict
        The values as the options take them (whole numbers as ``int``).

    Raises
    ------
    InputError
        On the first value its option does not take, naming the option and what it takes.

    Examples
    --------
    >>> check_values(boot=200, overlap=0.8, criterion="separation")
    {'boot': 200, 'overlap': 0.8, 'criterion': 'separation'}
    >>> check_values(boot=-1)
    Traceback (most recent call last):
    ...
    mio_qual.errors.InputError: invalid boot -1 (boot= / --boot takes a whole number >= 0)
    >>> check_values(criterion="mean")
    Traceback (most recent call last):
    ...
    mio_qual.errors.InputError: invalid criterion 'mean' (criterion= / --criterion takes one of difference, separation)
    """
    return {name: value if value is None else RULES[name].check(name, value) for name, value in values.items()}


def measure_name(name: str) -> str:
    """The stored name of a measure or outcome given in any case or by an alias.

    Measures are stored under their column's normalized, lower-case name (``fim``, ``fidelity``),
    so ``FIM``, ``Fim`` and ``fim`` name the same one, and an alias (``feasibility``) names its
    measure (:data:`mio_qual.mixed.quant.ALIASES`). Whether the project holds it is the caller's
    check (:func:`unknown_measure`).

    Examples
    --------
    >>> measure_name("FIM"), measure_name("Feasibility"), measure_name("fidelity")
    ('fim', 'fim', 'fidelity')
    """
    from .mixed.quant import ALIASES
    from .tabular import normalize_column

    key = normalize_column(name)
    return ALIASES.get(key, key)


def unknown_measure(name: str, known: Any, what: str = "outcome") -> InputError:
    """The one-line error for a measure the project holds no values of, with close matches.

    Examples
    --------
    >>> print(unknown_measure("fidelty", ["fidelity", "fim"]))
    no values of outcome 'fidelty' in the project (did you mean fidelity? its measures: fidelity, fim)
    >>> print(unknown_measure("Feasibilty", ["fidelity", "fim"]))
    no values of outcome 'Feasibilty' in the project (did you mean feasibility? its measures: fidelity, fim)
    """
    import difflib

    stored = sorted(set(known))
    if not stored:
        return InputError(f"no values of {what} {name!r} in the project",
                          hint="import quantitative data first with `mio-qual quant import FILE`")
    from .mixed.quant import ALIASES
    from .tabular import normalize_column

    names = stored + sorted(alias for alias, known_as in ALIASES.items() if known_as in stored)  # feasibilty: feasibility
    close = difflib.get_close_matches(normalize_column(name), names, n=3, cutoff=0.6)
    hint = (f"did you mean {' or '.join(close)}? " if close else "") + "its measures: " + ", ".join(stored)
    return InputError(f"no values of {what} {name!r} in the project", hint=hint)


__all__ = ["RULES", "Rule", "check_values", "choice", "measure_name", "option_name", "refusal", "share",
           "unknown_measure", "whole"]
