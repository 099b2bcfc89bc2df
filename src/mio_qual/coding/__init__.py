"""Human and automatic coding: layers by coder, importers and exporters (DESIGN.md, decision 3).

How coders work with mio-qual, and where each step lives:

* **In Word** (:mod:`.word`): ``mio-qual coding export-docx`` writes one file per transcript;
  the coder selects passages and adds comments that start with code ids or names (a memo may
  follow on a new line or after `` - ``); ``mio-qual coding import FILES --coder NAME`` reads
  the comments back to exact offsets. Comments in the original transcript ``.docx`` work too.
  Auto-coder suggestions can be exported as comments to accept (delete ``SUGGESTION:``) or
  reject (delete the comment).
* **In a spreadsheet** (:mod:`.spreadsheet`): one row per passage, placed by segment id,
  offsets or quote; ``mio-qual coding export`` writes a layer the same way.
* **In a QDA program** (:mod:`.refi`): REFI-QDA ``.qdpx`` projects.
* **Reconciling** two coders (:mod:`.reconcile`): agreed codings go to a consensus layer;
  disagreements to a sheet whose decisions are imported back.

Every importer takes data (transcript texts, segments, the codebook), checks everything first
and lists every problem (file, row or comment, what to do); it returns what to write as
:class:`.layers.LayerWrite` objects, and :class:`mio_qual.project.Project` writes them in one
transaction (nothing is written unless all is well, or ``skip_problems`` is asked for);
importing a file again replaces what it brought before. :mod:`.anchor` places quotes and
aligns a coder's version of a text with the canonical text; :mod:`.queries` turns stored
codings into DataFrames (``project.codings()``, ``project.code_matrix()``).
"""

from .._lazy import attach

# public name -> its module, imported on first use (mio_qual._lazy: light imports, fast CLI start)
__getattr__, __dir__, __all__ = attach(__name__, {
    ".layers": ["LayerWrite", "WriteResult", "check_codings"],
    ".model": ["ORIGINS", "Coding"],
})
