"""The ``codebooks`` table: one copy of each codebook version codings were made with."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .db import Store


def add_codebook(store: "Store", *, version: str, names: str, content: str, added_at: str) -> None:
    """Keep a codebook version's content (JSON records); a version already kept stays as it is."""
    store.connection.execute(
        "INSERT INTO codebooks (version, names, content, added_at) VALUES (?,?,?,?)"
        " ON CONFLICT (version) DO NOTHING", (version, names, content, added_at))


def codebook_contents(store: "Store", versions: list[str]) -> dict[str, str]:
    """The stored content (JSON records) of each version kept, by version."""
    if not versions:
        return {}
    rows = store.connection.execute(
        f"SELECT version, content FROM codebooks WHERE version IN ({','.join('?' * len(versions))})", versions)
    return dict(rows.fetchall())


def codebook_versions(store: "Store") -> list[str]:
    """Every codebook version kept, oldest first."""
    rows = store.connection.execute("SELECT version FROM codebooks ORDER BY added_at, version")
    return [row[0] for row in rows.fetchall()]


__all__ = ["add_codebook", "codebook_contents", "codebook_versions"]
