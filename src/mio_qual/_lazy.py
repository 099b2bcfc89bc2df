"""Lazy package namespaces: a package's public names, imported from their modules on first use.

A package ``__init__`` that imports every module up front makes ``import mio_qual.x`` pay for
pandas, numpy, python-docx or scikit-learn even when the caller wants one light function, and
every CLI command pays for the packages its imports pass through. With :func:`attach` the
package lists which module holds each public name; ``from mio_qual.reports import
ReportBuilder`` then imports ``mio_qual.reports.builder`` at that moment (PEP 562 module
``__getattr__``), and ``import mio_qual.reports.render`` no longer loads the builder.

The same idea as ``lazy_loader.attach`` (scientific-python SPEC 1), in a few lines rather than
a new dependency.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable


def attach(package: str, names: dict[str, list[str]]) -> tuple[Callable[[str], Any], Callable[[], list[str]],
                                                                 list[str]]:
    """The ``__getattr__``, ``__dir__`` and ``__all__`` of a package whose names load lazily.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : dict
        Module (relative, ``".builder"``) -> the public names it provides.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__, __all__)`` to assign at the package's top level.

    Examples
    --------
    >>> getattr_, dir_, all_ = attach("json", {".decoder": ["JSONDecodeError"]})
    >>> all_, getattr_("JSONDecodeError").__name__
    (['JSONDecodeError'], 'JSONDecodeError')
    """
    where = {name: module for module, provided in names.items() for name in provided}
    public = sorted(where)
    for name, module in where.items():
        if module.lstrip(".") == name:
            # a name that is also its module's name (autocode's ``evaluate``) is bound at once:
            # importing the module later would otherwise leave the module under that name
            setattr(sys.modules[package], name, getattr(importlib.import_module(module, package), name))

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name], package), name)
        setattr(sys.modules[package], name, value)  # later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted(set(public) | set(vars(sys.modules[package])))

    return __getattr__, __dir__, public
