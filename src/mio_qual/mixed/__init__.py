"""Mixed methods: CFIR construct ratings per case, quantitative outcomes, joint displays.

Modules, one job each:

* :mod:`.ratings_scale`: the rating scale (-2 ... +2 and missing; X an opt-in extension) and
  parsing cells;
* :mod:`.constructs`: construct names, order and rateability from the codebook; case kinds;
* :mod:`.evidence`: the de-identified coded excerpts behind each construct in each case, and
  the one quote picker (:func:`.evidence.pick_quotes`);
* :mod:`.links`: the reviewed study-code -> construct links, each with its reason (opt-in);
* :mod:`.worksheet`: the content of rating worksheets (written by
  :mod:`mio_qual.reports.worksheet`);
* :mod:`.ratings`: importing ratings, queries, construct x case matrices, rater agreement,
  consensus;
* :mod:`.quant`: reading, checking and scoring quantitative outcome files (measure table);
* :mod:`.aggregate`: n, mean, SD, median by clinic and agency; outcomes per case;
* :mod:`.joint`: the three joint displays (case-ordered matrix, side-by-side,
  statistics by theme), each with the heatmap figure of the case-ordered matrix;
* :mod:`.configurations`: csQCA with minimization and coincidence analysis (CNA) of
  calibrated ratings, measures and outcomes;
* :mod:`.counselors`: the counselor link table, the counselor-level display and the
  case-ordered predictor x outcome matrix;
* :mod:`.measures`: climate and counselor measures (ICS, ILS, EBPAS, TCU ORC) scored per their
  manuals, with rwg(j) and ICC(1) for clinic aggregation;
* :mod:`.tables`: reading spreadsheet cells with their sheet, row and column.

These modules compute on DataFrames and files; :class:`~mio_qual.project.Project` reads the
store for them (:mod:`mio_qual.project.mixed`) and :mod:`mio_qual.reports` draws and writes
what they return. Typical use::

    project.ratings()                                  # every rating
    project.construct_matrix(by="clinic")              # construct x clinic
    project.joint_display("case-ordered", outcome="fidelity").frame
"""

from __future__ import annotations

from .._lazy import attach

# public name -> its module, imported on first use (mio_qual._lazy: light imports, fast CLI start)
__getattr__, __dir__, __all__ = attach(__name__, {
    ".ratings_scale": ["MIXED", "NUMERIC", "RATINGS", "parse_rating", "score", "valence"],
})
