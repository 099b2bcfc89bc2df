"""Configurational analysis: crisp-set QCA with Boolean minimization, and coincidence analysis.

* :mod:`.calibrate`: the analyst's crisp-set calibration rules (``IS.J2 >= 1``).
* :mod:`.qca`: truth table, conservative / parsimonious / intermediate solutions, consistency
  and coverage (Ragin 1987, 2006, 2008).
* :mod:`.cna`: msc, asf and csf for crisp data, robustness over thresholds (Baumgartner &
  Ambühl 2020; Whitaker et al. 2020).
* :mod:`.analysis`: both as :class:`~mio_qual.result.Result` objects that name every choice.
* :mod:`.boolean`: the shared Boolean core (prime implicants, chart solving, notation).

Examples
--------
>>> import pandas as pd
>>> from mio_qual.mixed.configurations import cna
>>> data = pd.DataFrame({"A": [1, 1, 0, 0], "B": [0, 1, 1, 0], "Y": [1, 1, 1, 0]})
>>> cna(data, outcome="Y").asf["condition"].tolist()
['A + B <-> Y']
"""

from __future__ import annotations

from .analysis import EXPLORATORY, EXPLORATORY_BELOW, cna_result, qca_result, read_cases
from .calibrate import Calibration, Rule, calibrate
from .cna import CnaResult, cna, robustness
from .qca import Solution, TruthTable, minimize, solutions_table, truth_table

__all__ = ["EXPLORATORY", "EXPLORATORY_BELOW", "Calibration", "CnaResult", "Rule", "Solution", "TruthTable",
           "calibrate", "cna", "cna_result", "minimize", "qca_result", "read_cases", "robustness", "solutions_table",
           "truth_table"]
