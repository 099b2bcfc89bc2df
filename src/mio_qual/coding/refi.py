"""REFI-QDA project exchange (``.qdpx``): import from and export to NVivo, ATLAS.ti, MAXQDA,
QualCoder and other QDA programs.

* :func:`read_qdpx` (:mod:`.refi_import`): sources, codings, users as coders, cases and
  variables, read and checked for :meth:`mio_qual.project.Project.import_qdpx`; offsets
  converted per source from whatever the exporting tool counted.
* :func:`export_qdpx` (:mod:`.refi_export`): transcripts, codebook, coder layers, clinics as
  cases and metadata as variables, to a file other tools open
  (:meth:`mio_qual.project.Project.export_qdpx` gathers them).

Shared parsing, GUIDs and offset conversion live in :mod:`.refi_common`.
"""

from __future__ import annotations

from .refi_export import ExportResult, QdpxSource, export_qdpx
from .refi_import import QdpxPlan, RefiImportResult, SourceReport, choose_convention, read_qdpx

__all__ = ["read_qdpx", "export_qdpx", "QdpxPlan", "QdpxSource", "RefiImportResult", "SourceReport", "ExportResult",
           "choose_convention"]
