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

from .._lazy import attach

# public name -> its module, imported on first use (mio_qual._lazy: light imports, fast CLI start)
__getattr__, __dir__, __all__ = attach(__name__, {
    ".alpha": ["coincidence_matrix", "krippendorff_alpha"],
    ".bootstrap": ["bootstrap", "bootstrap_alpha"],
    ".conger": ["conger_kappa"],
    ".diagnostics": ["bias_index", "kappa_max", "prevalence_bias", "prevalence_index", "wilson_interval"],
    ".gwet": ["gwet_ac1", "gwet_ac2"],
    ".kappa": ["brennan_prediger", "cohen_kappa", "fleiss_kappa", "pabak", "percent_agreement", "scott_pi"],
    ".report": ["agreement_table", "unitized_table"],
    ".results": ["Agreement", "BootstrapResult"],
    ".unitized": ["unitized_alpha", "unitized_alpha_by_code", "unitized_alpha_table"],
    ".units": ["disagreements", "reliability_data"],
})
