"""Aim 2: implementation processes per clinic and agency.

* :mod:`~mio_qual.implementation.sic`: Stages of Implementation Completion (one study-level
  activity list, actual completion dates, proportion, duration and stage reached per clinic);
* :mod:`~mio_qual.implementation.logs`: the cell-checked reader every log uses;
* :mod:`~mio_qual.implementation.readers`: one reader per log, for the Project's import.

Analyses here take DataFrames and return DataFrames or result objects; the Project methods
(:mod:`mio_qual.project.implementation`) gather the data from the store.
"""
