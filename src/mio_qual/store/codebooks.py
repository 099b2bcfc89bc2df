"""The ``codebooks`` table: one copy of each codebook version codings were made with; the
``codebook_choices`` table: which of them the project uses when a command names none."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


def choose_codebook(store: "Store", *, version: str, sources: str, infos: str, codes: int, chosen_at: str,
                    how: str) -> None:
    """Record that the project now uses codebook ``version`` (kept with :func:`add_codebook` first).

    ``sources`` and ``infos`` are JSON (what was named; the combined codebooks' names and titles).
    """
    store.connection.execute(
        "INSERT INTO codebook_choices (version, sources, infos, codes, chosen_at, how) VALUES (?,?,?,?,?,?)",
        (version, sources, infos, codes, chosen_at, how))


def chosen_codebook(store: "Store") -> dict[str, Any] | None:
    """The latest choice (version, sources, infos, codes, chosen_at, how), or None when none was made."""
    row = store.connection.execute(
        "SELECT version, sources, infos, codes, chosen_at, how FROM codebook_choices ORDER BY n DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return dict(zip(("version", "sources", "infos", "codes", "chosen_at", "how"), row))


def code_counts(store: "Store") -> list[tuple[str, str, int]]:
    """Codings per (code, layer) over every layer and origin, sorted by code then layer."""
    rows = store.connection.execute(
        "SELECT code, coder, COUNT(*) FROM codings GROUP BY code, coder ORDER BY code, coder")
    return [(str(code), str(coder), int(n)) for code, coder, n in rows.fetchall()]


__all__ = ["add_codebook", "choose_codebook", "chosen_codebook", "code_counts", "codebook_contents",
           "codebook_versions"]
