"""Inter-rater agreement: coefficients, units of analysis, unitized alpha and reports.

Coefficients are plain functions on reliability data (a coders x units array, NaN for a
missing rating) or on two coders' contingency table, each returning an
:class:`~mio_qual.agreement.results.Agreement` with its standard error or interval where the
method defines one:

>>> from mio_qual.agreement import cohen_kappa
>>> round(cohen_kappa(table=[[88, 14, 18], [10, 40, 10], [2, 6, 12]]).value, 3)
0.492

Modules, one job each:

* :mod:`.kappa`: percent agreement, Cohen, Scott, Fleiss, Brennan-Prediger, PABAK;
* :mod:`.conger`: Conger's kappa;
* :mod:`.gwet`: Gwet's AC1 and AC2;
* :mod:`.alpha`: Krippendorff's alpha (nominal, ordinal, interval, ratio);
* :mod:`.bootstrap`: units bootstrap and Krippendorff's bootstrap of alpha;
* :mod:`.diagnostics`: Wilson intervals, prevalence and bias indices, kappa max;
* :mod:`.units`: coded spans -> reliability data per unit of analysis;
* :mod:`.unitized`: Krippendorff's unitized alpha on the text continuum;
* :mod:`.report`: the per-code agreement table;
* :mod:`.project_api`: the inputs, table and disagreements behind ``Project.agreement`` and
  ``Project.disagreements``.
"""

from __future__ import annotations

from .alpha import coincidence_matrix, krippendorff_alpha
from .bootstrap import bootstrap, bootstrap_alpha
from .conger import conger_kappa
from .diagnostics import bias_index, kappa_max, prevalence_bias, prevalence_index, wilson_interval
from .gwet import gwet_ac1, gwet_ac2
from .kappa import brennan_prediger, cohen_kappa, fleiss_kappa, pabak, percent_agreement, scott_pi
from .report import agreement_table, unitized_table
from .results import Agreement, BootstrapResult
from .unitized import unitized_alpha, unitized_alpha_by_code, unitized_alpha_table
from .units import disagreements, reliability_data

__all__ = [
    "Agreement",
    "BootstrapResult",
    "percent_agreement",
    "cohen_kappa",
    "scott_pi",
    "fleiss_kappa",
    "conger_kappa",
    "brennan_prediger",
    "pabak",
    "gwet_ac1",
    "gwet_ac2",
    "krippendorff_alpha",
    "coincidence_matrix",
    "bootstrap",
    "bootstrap_alpha",
    "wilson_interval",
    "prevalence_bias",
    "prevalence_index",
    "bias_index",
    "kappa_max",
    "reliability_data",
    "disagreements",
    "agreement_table",
    "unitized_table",
    "unitized_alpha",
    "unitized_alpha_by_code",
    "unitized_alpha_table",
]
