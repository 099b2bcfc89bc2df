"""Trained code suggesters in the store: the ``models`` table.

A row holds a model's name (``id``), when it was made, the codebook and mio-qual versions it was
made with, the unit and layer it learned from, a JSON ``meta`` document and the ``weights``
blob (numpy ``.npz`` bytes, never a pickle). These functions read and write rows; turning them
into a model is :mod:`mio_qual.autocode.persist`'s job. Callers open the transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .db import Store

_COLUMNS = "id, created, codebook_version, library_version, unit, trained_on, meta"


@dataclass(frozen=True)
class ModelRow:
    """One stored model; ``weights`` is None when it was not asked for."""

    name: str
    created: str
    codebook_version: str
    library_version: str
    unit: str
    trained_on: str
    meta: dict[str, Any]
    weights: bytes | None = None


def _model(row: tuple) -> ModelRow:
    return ModelRow(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]),
                    row[7] if len(row) > 7 else None)


def write_model(store: "Store", row: ModelRow) -> bool:
    """Store ``row`` under its name, replacing a model of that name; True when one was replaced."""
    connection = store.connection
    replaced = connection.execute("DELETE FROM models WHERE id = ?", (row.name,)).rowcount
    connection.execute(
        f"INSERT INTO models ({_COLUMNS}, weights) VALUES (?,?,?,?,?,?,?,?)",
        (row.name, row.created, row.codebook_version, row.library_version, row.unit, row.trained_on,
         json.dumps(row.meta, sort_keys=True), row.weights))
    return bool(replaced)


def read_model(store: "Store", name: str | None = None, *, with_weights: bool = False) -> ModelRow | None:
    """The model called ``name`` (the newest when None), or None when there is no such model."""
    columns = _COLUMNS + (", weights" if with_weights else "")
    connection = store.connection
    if name is None:
        row = connection.execute(f"SELECT {columns} FROM models ORDER BY created DESC, rowid DESC LIMIT 1").fetchone()
    else:
        row = connection.execute(f"SELECT {columns} FROM models WHERE id = ?", (name,)).fetchone()
    return None if row is None else _model(row)


def model_names(store: "Store") -> list[str]:
    """Names of the stored models, sorted."""
    return [r[0] for r in store.connection.execute("SELECT id FROM models ORDER BY id")]


def count_models(store: "Store") -> int:
    """How many models the project holds."""
    return int(store.connection.execute("SELECT COUNT(*) FROM models").fetchone()[0])


def list_models(store: "Store") -> "pd.DataFrame":
    """Stored models, newest first: name, created, unit, trained_on, codes, codebook and library versions, bytes."""
    import pandas as pd

    # length() of a blob is its size in bytes in SQLite (octet_length() elsewhere)
    rows = store.connection.execute(
        "SELECT id, created, unit, trained_on, meta, codebook_version, library_version, length(weights)"
        " FROM models ORDER BY created DESC, id").fetchall()
    records = [(r[0], r[1], r[2], r[3], len(json.loads(r[4]).get("codes", [])), r[5], r[6], r[7]) for r in rows]
    return pd.DataFrame(records, columns=["name", "created", "unit", "trained_on", "codes", "codebook_version",
                                          "library_version", "bytes"])


def delete_model(store: "Store", name: str) -> bool:
    """Remove the model called ``name``; False when there was none."""
    return bool(store.connection.execute("DELETE FROM models WHERE id = ?", (name,)).rowcount)


__all__ = ["ModelRow", "write_model", "read_model", "model_names", "count_models", "list_models", "delete_model"]
