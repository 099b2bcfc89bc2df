"""Mixed methods: CFIR construct ratings per case, quantitative outcomes, joint displays.

Modules, one job each:

* :mod:`.ratings_scale`: the rating scale (-2 ... +2, X, missing) and parsing cells;
* :mod:`.constructs`: construct names, order and rateability from the codebook; case kinds;
* :mod:`.evidence`: the de-identified coded excerpts behind each construct in each case;
* :mod:`.worksheet`: rating worksheets (``.xlsx`` to fill, ``.docx`` to read);
* :mod:`.ratings`: importing ratings, queries, construct x case matrices, rater agreement,
  consensus;
* :mod:`.quant`: reading, checking and scoring quantitative outcome files (measure table);
* :mod:`.aggregate`: n, mean, SD, median by clinic and agency; outcomes per case;
* :mod:`.joint`: the three joint displays (case-ordered matrix, side-by-side,
  statistics by theme);
* :mod:`.heatmap`: the construct x case heatmap (PNG);
* :mod:`.qca`: exploratory crisp-set configurational analysis (truth table, consistency,
  coverage);
* :mod:`.export`: CSV, XLSX (cells filled by valence) and Word tables;
* :mod:`.tables`: reading spreadsheet cells with their sheet, row and column.

Typical use::

    project.ratings()                                  # every rating
    project.construct_matrix(by="clinic")              # construct x clinic
    from mio_qual.mixed import joint
    joint.case_ordered(project, outcome="fidelity").frame
"""

from __future__ import annotations

from .ratings_scale import MIXED, NUMERIC, RATINGS, parse_rating, score, valence

__all__ = ["RATINGS", "NUMERIC", "MIXED", "parse_rating", "score", "valence"]
