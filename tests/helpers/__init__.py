"""Helpers shared by the tests (the package ``helpers``: pytest puts tests/ on the path).

Test files never import each other; what several of them build lives in a module here
(``helpers.coding``, ``helpers.autocode``, ``helpers.mixed``, ``helpers.reports``, the hostile suite's
``helpers.hostile_files`` and ``helpers.hostile_run``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "transcripts_sample"


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (to prove a failed command left the project as it was)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def project_state(folder: Path) -> str:
    """A digest of the store's logical content, independent of WAL checkpoints.

    The bytes of an SQLite file in WAL mode can change on a checkpoint without any change of
    content, so "unchanged" is checked on a dump of every table.
    """
    import sqlite3

    connection = sqlite3.connect(folder / "mio-qual.db")
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    return hashlib.sha256(dump.encode()).hexdigest()
