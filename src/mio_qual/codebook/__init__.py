"""Codebooks: CFIR 2022, the CFIR Outcomes Addendum and study codes, as data.

Codebooks are YAML files (bundled ones live in the top-level ``codebooks/`` folder and
ship inside the wheel). This package reads them, checks them (every problem at once, with
file and line), combines them, resolves what coders type to stable code ids, and exports
tables (CSV) and REFI-QDA codebooks (.qdc); the coder's manual in Word is
:func:`mio_qual.reports.manual.codebook_manual`::

    from mio_qual.codebook import load_codebooks
    cb = load_codebooks(["cfir2", "mio"])
    cb.resolve("available resources: funding")      # 'IS.J1'
    cb.find_codes("IS.J2; scheduling, MIO.REC")      # ['IS.J2', 'MIO.SCHED', 'MIO.REC']
    cb.to_frame()                                    # one row per code

Modules: :mod:`.model` (Code, Codebook), :mod:`.labels` (resolution), :mod:`.keywords`
(keyword pattern syntax), :mod:`.yaml_io` / :mod:`.csv_io` / :mod:`.xlsx_io` / :mod:`.qdc` (formats),
:mod:`.build` (checks), :mod:`.loader` (finding and combining).
"""

from __future__ import annotations

from .._lazy import attach

# public name -> its module, imported on first use (mio_qual._lazy: light imports, fast CLI start)
__getattr__, __dir__, __all__ = attach(__name__, {
    "._paths": ["DEFAULT_CODEBOOKS", "bundled_codebooks", "bundled_dir"],
    ".csv_io": ["from_csv", "to_csv"],
    ".keywords": ["KeywordPattern", "KeywordSyntaxError", "parse_keyword"],
    ".labels": ["AmbiguousCodeError", "normalize_label"],
    ".loader": ["bundled_overview", "load_codebooks", "validate_codebook"],
    ".model": ["LEVELS", "Code", "Codebook", "CodebookInfo", "CodeSet", "FoundCodes"],
    ".problems": ["PROBLEM_KINDS", "CodebookError", "Problem"],
    ".qdc": ["QDC_NAMESPACE", "code_guid", "from_qdc", "to_qdc"],
})
