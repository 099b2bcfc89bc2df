"""The ``imports`` table: which files were imported, when, by whom and how much they brought."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .db import Store


def record_import(store: "Store", *, kind: str, path: str, sha256: str, coder: str | None, n_items: int,
                  at: str) -> None:
    """Record one imported file (``kind`` is ``coding`` for coding files)."""
    store.connection.execute(
        "INSERT INTO imports (kind, path, sha256, coder, n_items, at) VALUES (?, ?, ?, ?, ?, ?)",
        (kind, path, sha256, coder, n_items, at))


__all__ = ["record_import"]
