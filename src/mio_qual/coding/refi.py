"""REFI-QDA project exchange (``.qdpx``): import from and export to NVivo, ATLAS.ti, MAXQDA,
QualCoder and other QDA programs.

* :func:`import_qdpx` (:mod:`.refi_import`): sources, codings, users as coders, cases and
  variables into the project; offsets converted per source from whatever the exporting tool
  counted.
* :func:`export_qdpx` (:mod:`.refi_export`): transcripts, codebook, coder layers, clinics as
  cases and metadata as variables, to a file other tools open.

Shared parsing, GUIDs and offset conversion live in :mod:`.refi_common`.
"""

from __future__ import annotations

from .refi_export import ExportResult, export_qdpx
from .refi_import import RefiImportResult, SourceReport, choose_convention, import_qdpx

__all__ = ["import_qdpx", "export_qdpx", "RefiImportResult", "SourceReport", "ExportResult", "choose_convention"]
