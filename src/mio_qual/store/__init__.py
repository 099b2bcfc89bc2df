"""The project store: one SQLite file per project (DESIGN.md, decision 6)."""

from .db import Store, now_iso
from .schema import SCHEMA_VERSION

__all__ = ["Store", "now_iso", "SCHEMA_VERSION"]
