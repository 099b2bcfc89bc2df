"""Old keyword names of public functions, kept working for one release with a warning.

When a parameter is renamed (so that the Python name and the command-line option say the same
thing), :func:`renamed` lets callers written for the old name run unchanged for one more
release: the value is passed on under the new name and a :class:`DeprecationWarning` names the
new spelling. Giving both names is refused, as a conflict the function cannot settle.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any, Callable, TypeVar

from . import __version__

F = TypeVar("F", bound=Callable[..., Any])

#: The release in which names renamed in this one stop working.
REMOVED_IN = "0.2.0"

#: Every keyword renamed so far, old name -> new name(s), filled as decorated functions are defined
#: (tests/test_deprecation.py walks the public API and finds no old name left outside the shims).
OLD_NAMES: dict[str, set[str]] = {}


def renamed(**old_to_new: str) -> Callable[[F], F]:
    """Accept each old keyword name of the decorated function, warning that it is deprecated.

    The wrapper keeps the function's signature and docstring (``inspect.signature`` shows the
    new names only) and records the mapping as ``__renamed__``, which
    :func:`mio_qual.errors.check_options` reads so that a method taking ``**options`` on
    behalf of this one accepts the old names too.

    Parameters
    ----------
    **old_to_new : str
        Old keyword name -> the parameter's current name.

    Returns
    -------
    callable
        The decorator.

    Raises
    ------
    InputError
        (from the wrapped call) When both an old name and its new name are given.

    Examples
    --------
    >>> import warnings
    >>> @renamed(n_boot="boot")
    ... def interval(*, boot=0):
    ...     return boot
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     interval(n_boot=200)
    200
    >>> str(caught[0].message).split(";")[0]
    'interval(n_boot=...) is deprecated'
    """
    def decorator(func: F) -> F:
        name = func.__qualname__.split(".")[-1]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in old_to_new.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    from .errors import InputError

                    raise InputError(f"{name}() was given both {new}= and its old name {old}=",
                                     hint=f"write {new}= only")
                warnings.warn(f"{name}({old}=...) is deprecated; write {new}=... instead (the old name "
                              f"works in {__version__} and is removed in {REMOVED_IN})",
                              DeprecationWarning, stacklevel=2)
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        wrapper.__renamed__ = dict(old_to_new)  # type: ignore[attr-defined]
        for old, new in old_to_new.items():
            OLD_NAMES.setdefault(old, set()).add(new)
        return wrapper  # type: ignore[return-value]

    return decorator


def renamed_attribute(old: str, new: str) -> property:
    """A property that reads (and, on a mutable object, writes) attribute ``new`` under its old name ``old``.

    For a renamed field of a result class: code reading ``result.old`` keeps working until
    :data:`REMOVED_IN`, with a :class:`DeprecationWarning` naming the new attribute.

    Parameters
    ----------
    old, new : str
        The attribute's old name and its current one.

    Returns
    -------
    property

    Examples
    --------
    >>> import warnings
    >>> class Result:
    ...     boot = 200
    ...     n_boot = renamed_attribute("n_boot", "boot")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     Result().n_boot
    200
    >>> str(caught[0].message).split(";")[0]
    'Result.n_boot is deprecated'
    """
    def _warn(obj: Any) -> None:
        warnings.warn(f"{type(obj).__name__}.{old} is deprecated; read .{new} instead (the old name works in "
                      f"{__version__} and is removed in {REMOVED_IN})", DeprecationWarning, stacklevel=3)

    def getter(obj: Any) -> Any:
        _warn(obj)
        return getattr(obj, new)

    def setter(obj: Any, value: Any) -> None:
        _warn(obj)
        setattr(obj, new, value)

    return property(getter, setter, doc=f"Old name of ``{new}`` (removed in {REMOVED_IN}).")


__all__ = ["OLD_NAMES", "REMOVED_IN", "renamed", "renamed_attribute"]
