"""Every source mio-qual cites, in one table: key -> full reference.

Docstrings, result objects (:attr:`mio_qual.result.Table.sources`), the coefficients' ``source``
field (:data:`mio_qual.agreement._common.SOURCES`) and the reports' method paragraphs all name
their sources by a key of :data:`CITATIONS`, so a reference is written, and checked, once.

:data:`STATISTIC_SOURCES` says which sources each agreement coefficient follows: the first is
the one a report cites in the text (``Cohen's kappa (Cohen, 1960)``), the others are what a
part of the computation follows (a standard error, an interval, missing data).

Examples
--------
>>> short_citation("byrt1993"), narrative_citation("cohen1960", "p. 40")
('Byrt, Bishop & Carlin, 1993', 'Cohen (1960, p. 40)')
>>> statistic_sources("cohen_kappa")
'Cohen (1960); weighted: Cohen (1968); SE: Fleiss, Cohen & Everitt (1969)'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Citation:
    """One source.

    Attributes
    ----------
    authors : str
        As cited in the text: ``"Cohen"``, ``"Brennan & Prediger"``, ``"Weiner et al."``.
    year : int
    reference : str
        The full reference (APA style, italics marked with ``*``).
    """

    authors: str
    year: int
    reference: str


CITATIONS: dict[str, Citation] = {
    # ---------------------------------------------------------------- agreement coefficients
    "brennan1981": Citation("Brennan & Prediger", 1981,
                            "Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: Some uses, misuses, and"
                            " alternatives. *Educational and Psychological Measurement*, 41(3), 687-699."),
    "byrt1993": Citation("Byrt, Bishop & Carlin", 1993,
                         "Byrt, T., Bishop, J., & Carlin, J. B. (1993). Bias, prevalence and kappa. *Journal of"
                         " Clinical Epidemiology*, 46(5), 423-429."),
    "cohen1960": Citation("Cohen", 1960,
                          "Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and"
                          " Psychological Measurement*, 20(1), 37-46."),
    "cohen1968": Citation("Cohen", 1968,
                          "Cohen, J. (1968). Weighted kappa: Nominal scale agreement provision for scaled"
                          " disagreement or partial credit. *Psychological Bulletin*, 70(4), 213-220."),
    "conger1980": Citation("Conger", 1980,
                           "Conger, A. J. (1980). Integration and generalization of kappas for multiple raters."
                           " *Psychological Bulletin*, 88(2), 322-328."),
    "efron1987": Citation("Efron", 1987,
                          "Efron, B. (1987). Better bootstrap confidence intervals. *Journal of the American"
                          " Statistical Association*, 82(397), 171-185."),
    "efron1993": Citation("Efron & Tibshirani", 1993,
                          "Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman &"
                          " Hall."),
    "feinstein1990": Citation("Feinstein & Cicchetti", 1990,
                              "Feinstein, A. R., & Cicchetti, D. V. (1990). High agreement but low kappa: I. The"
                              " problems of two paradoxes. *Journal of Clinical Epidemiology*, 43(6), 543-549."),
    "fleiss1969": Citation("Fleiss, Cohen & Everitt", 1969,
                           "Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa"
                           " and weighted kappa. *Psychological Bulletin*, 72(5), 323-327."),
    "fleiss1971": Citation("Fleiss", 1971,
                           "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters."
                           " *Psychological Bulletin*, 76(5), 378-382."),
    "fleiss1973": Citation("Fleiss & Cohen", 1973,
                           "Fleiss, J. L., & Cohen, J. (1973). The equivalence of weighted kappa and the intraclass"
                           " correlation coefficient as measures of reliability. *Educational and Psychological"
                           " Measurement*, 33(3), 613-619."),
    "gwet2008": Citation("Gwet", 2008,
                         "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of"
                         " high agreement. *British Journal of Mathematical and Statistical Psychology*, 61(1),"
                         " 29-48."),
    "gwet2014": Citation("Gwet", 2014,
                         "Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.). Advanced Analytics."),
    "hayes2007": Citation("Hayes & Krippendorff", 2007,
                          "Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability"
                          " measure for coding data. *Communication Methods and Measures*, 1(1), 77-89."),
    "krippendorff1980": Citation("Krippendorff", 1980,
                                 "Krippendorff, K. (1980). *Content Analysis: An Introduction to Its Methodology*."
                                 " Sage."),
    "krippendorff1995": Citation("Krippendorff", 1995,
                                 "Krippendorff, K. (1995). On the reliability of unitizing continuous data."
                                 " *Sociological Methodology*, 25, 47-76."),
    "krippendorff2004": Citation("Krippendorff", 2004,
                                 "Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology*"
                                 " (2nd ed.). Sage."),
    "krippendorff2011": Citation("Krippendorff", 2011,
                                 "Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*. Annenberg"
                                 " School for Communication, University of Pennsylvania."
                                 " https://repository.upenn.edu/asc_papers/43"),
    "krippendorff2016": Citation("Krippendorff et al.", 2016,
                                 "Krippendorff, K., Mathet, Y., Bouvry, S., & Widl\u00f6cher, A. (2016). On the"
                                 " reliability of unitizing textual continua: Further developments. *Quality &"
                                 " Quantity*, 50(6), 2347-2364."),
    "krippendorff2019": Citation("Krippendorff", 2019,
                                 "Krippendorff, K. (2019). *Content Analysis: An Introduction to Its Methodology*"
                                 " (4th ed.). Sage."),
    "scott1955": Citation("Scott", 1955,
                          "Scott, W. A. (1955). Reliability of content analysis: The case of nominal scale coding."
                          " *Public Opinion Quarterly*, 19(3), 321-325."),
    "wilson1927": Citation("Wilson", 1927,
                           "Wilson, E. B. (1927). Probable inference, the law of succession, and statistical"
                           " inference. *Journal of the American Statistical Association*, 22(158), 209-212."),
    "zapf2016": Citation("Zapf et al.", 2016,
                         "Zapf, A., Castell, S., Morawietz, L., & Karch, A. (2016). Measuring inter-rater reliability"
                         " for nominal data: Which coefficients and confidence intervals are appropriate? *BMC"
                         " Medical Research Methodology*, 16, 93."),
    # ---------------------------------------------------------------- implementation science, mixed methods
    "damschroder2013": Citation("Damschroder & Lowery", 2013,
                                "Damschroder, L. J., & Lowery, J. C. (2013). Evaluation of a large-scale weight"
                                " management program using the consolidated framework for implementation research"
                                " (CFIR). *Implementation Science*, 8, 51."),
    "damschroder2022": Citation("Damschroder et al.", 2022,
                                "Damschroder, L. J., Reardon, C. M., Widerquist, M. A. O., & Lowery, J. (2022). The"
                                " updated Consolidated Framework for Implementation Research based on user feedback."
                                " *Implementation Science*, 17, 75."),
    "fetters2013": Citation("Fetters, Curry & Creswell", 2013,
                            "Fetters, M. D., Curry, L. A., & Creswell, J. W. (2013). Achieving integration in mixed"
                            " methods designs: Principles and practices. *Health Services Research*, 48(6 Pt 2),"
                            " 2134-2156."),
    "glasgow1999": Citation("Glasgow, Vogt & Boles", 1999,
                            "Glasgow, R. E., Vogt, T. M., & Boles, S. M. (1999). Evaluating the public health impact"
                            " of health promotion interventions: The RE-AIM framework. *American Journal of Public"
                            " Health*, 89(9), 1322-1327."),
    "guetterman2015": Citation("Guetterman, Fetters & Creswell", 2015,
                               "Guetterman, T. C., Fetters, M. D., & Creswell, J. W. (2015). Integrating quantitative"
                               " and qualitative results in health science mixed methods research through joint"
                               " displays. *Annals of Family Medicine*, 13(6), 554-561."),
    "proctor2011": Citation("Proctor et al.", 2011,
                            "Proctor, E., Silmere, H., Raghavan, R., Hovmand, P., Aarons, G., Bunger, A., Griffey, R.,"
                            " & Hensley, M. (2011). Outcomes for implementation research: Conceptual distinctions,"
                            " measurement challenges, and research agenda. *Administration and Policy in Mental"
                            " Health*, 38(2), 65-76."),
    "kendall1945": Citation("Kendall", 1945,
                            "Kendall, M. G. (1945). The treatment of ties in ranking problems. *Biometrika*, 33(3),"
                            " 239-251."),
    "ragin1987": Citation("Ragin", 1987,
                          "Ragin, C. C. (1987). *The Comparative Method: Moving Beyond Qualitative and Quantitative"
                          " Strategies*. University of California Press."),
    "ragin2006": Citation("Ragin", 2006,
                          "Ragin, C. C. (2006). Set relations in social research: Evaluating their consistency and"
                          " coverage. *Political Analysis*, 14(3), 291-310."),
    "ragin2008": Citation("Ragin", 2008,
                          "Ragin, C. C. (2008). *Redesigning Social Inquiry: Fuzzy Sets and Beyond*. University of"
                          " Chicago Press."),
    "ragin2005": Citation("Ragin & Sonnett", 2005,
                          "Ragin, C. C., & Sonnett, J. (2005). Between complexity and parsimony: Limited diversity,"
                          " counterfactual cases, and comparative analysis. In S. Kropp & M. Minkenberg (Eds.),"
                          " *Vergleichen in der Politikwissenschaft* (pp. 180-197). VS Verlag."),
    "dusa2019": Citation("Dusa", 2019, "Dusa, A. (2019). *QCA with R: A Comprehensive Resource*. Springer."),
    "marx2011": Citation("Marx & Dusa", 2011,
                         "Marx, A., & Dusa, A. (2011). Crisp-set qualitative comparative analysis (csQCA),"
                         " contradictions and consistency benchmarks for model specification. *Methodological"
                         " Innovations Online*, 6(2), 103-148."),
    "baumgartner2009": Citation("Baumgartner", 2009,
                                "Baumgartner, M. (2009). Inferring causal complexity. *Sociological Methods &"
                                " Research*, 38(1), 71-101."),
    "baumgartner2020": Citation("Baumgartner & Ambühl", 2020,
                                "Baumgartner, M., & Ambühl, M. (2020). Causal modeling with multi-value and fuzzy-set"
                                " coincidence analysis. *Political Science Research and Methods*, 8(3), 526-542."),
    "parkkinen2023": Citation("Parkkinen & Baumgartner", 2023,
                              "Parkkinen, V.-P., & Baumgartner, M. (2023). Robustness and model selection in"
                              " configurational causal modeling. *Sociological Methods & Research*, 52(1),"
                              " 176-208."),
    "spearman1904": Citation("Spearman", 1904,
                             "Spearman, C. (1904). The proof and measurement of association between two things."
                             " *American Journal of Psychology*, 15(1), 72-101."),
    "weiner2017": Citation("Weiner et al.", 2017,
                           "Weiner, B. J., Lewis, C. C., Stanick, C., Powell, B. J., Dorsey, C. N., Clary, A. S.,"
                           " Boynton, M. H., & Halko, H. (2017). Psychometric assessment of three newly developed"
                           " implementation outcome measures. *Implementation Science*, 12, 108."),
    "whitaker2020": Citation("Whitaker et al.", 2020,
                             "Whitaker, R. G., Sperber, N., Baumgartner, M., Thiem, A., Cragun, D., Damschroder, L.,"
                             " Miech, E. J., Slade, A., & Birken, S. (2020). Coincidence analysis: A new method for"
                             " causal inference in implementation science. *Implementation Science*, 15, 108."),
    # ---------------------------------------------------------------- text classification, charts
    "king2001": Citation("King & Zeng", 2001,
                         "King, G., & Zeng, L. (2001). Logistic regression in rare events data. *Political"
                         " Analysis*, 9(2), 137-163."),
    "okabe2008": Citation("Okabe & Ito", 2008,
                          "Okabe, M., & Ito, K. (2008). *Color Universal Design (CUD): How to make figures and"
                          " presentations that are friendly to colorblind people*. J*Fly."
                          " https://jfly.uni-koeln.de/color/"),
    "salton1988": Citation("Salton & Buckley", 1988,
                           "Salton, G., & Buckley, C. (1988). Term-weighting approaches in automatic text retrieval."
                           " *Information Processing & Management*, 24(5), 513-523."),
    "sokolova2009": Citation("Sokolova & Lapalme", 2009,
                             "Sokolova, M., & Lapalme, G. (2009). A systematic analysis of performance measures for"
                             " classification tasks. *Information Processing & Management*, 45(4), 427-437."),
    "vanrijsbergen1979": Citation("van Rijsbergen", 1979,
                                  "van Rijsbergen, C. J. (1979). *Information Retrieval* (2nd ed.). Butterworths."),
    # ---------------------------------------------------------------- Aim 2: implementation processes
    "chamberlain2011": Citation("Chamberlain, Brown & Saldana", 2011,
                                "Chamberlain, P., Brown, C. H., & Saldana, L. (2011). Observational measure of"
                                " implementation progress in community based settings: The Stages of Implementation"
                                " Completion (SIC). *Implementation Science*, 6, 116."),
    "saldana2014": Citation("Saldana", 2014,
                            "Saldana, L. (2014). The stages of implementation completion for evidence-based practice:"
                            " protocol for a mixed methods study. *Implementation Science*, 9, 43."),
    "powell2015": Citation("Powell et al.", 2015,
                           "Powell, B. J., Waltz, T. J., Chinman, M. J., et al. (2015). A refined compilation of"
                           " implementation strategies: results from the Expert Recommendations for Implementing"
                           " Change (ERIC) project. *Implementation Science*, 10, 21."),
    "proctor2013": Citation("Proctor, Powell & McMillen", 2013,
                            "Proctor, E. K., Powell, B. J., & McMillen, J. C. (2013). Implementation strategies:"
                            " recommendations for specifying and reporting. *Implementation Science*, 8, 139."),
    "wiltseystirman2019": Citation("Wiltsey Stirman, Baumann & Miller", 2019,
                                   "Wiltsey Stirman, S., Baumann, A. A., & Miller, C. J. (2019). The FRAME: an expanded"
                                   " framework for reporting adaptations and modifications to evidence-based"
                                   " interventions. *Implementation Science*, 14, 58."),
    "miller2021": Citation("Miller et al.", 2021,
                           "Miller, C. J., Barnett, M. L., Baumann, A. A., Gutner, C. A., & Wiltsey-Stirman, S."
                           " (2021). The FRAME-IS: a framework for documenting modifications to implementation"
                           " strategies in healthcare. *Implementation Science*, 16, 36."),
    "glasgow2019": Citation("Glasgow et al.", 2019,
                            "Glasgow, R. E., Harden, S. M., Gaglio, B., et al. (2019). RE-AIM planning and evaluation"
                            " framework: adapting to new science and practice with a 20-year review. *Frontiers in"
                            " Public Health*, 7, 64."),
    # ---------------------------------------------------------------- rapid qualitative analysis
    "hamilton2013": Citation("Hamilton", 2013,
                             "Hamilton, A. B. (2013). *Qualitative methods in rapid turn-around health services"
                             " research* [Cyberseminar]. VA Health Services Research & Development."),
    "hamilton2019": Citation("Hamilton & Finley", 2019,
                             "Hamilton, A. B., & Finley, E. P. (2019). Qualitative methods in implementation"
                             " research: An introduction. *Psychiatry Research*, 280, 112516."),
    "gale2019": Citation("Gale et al.", 2019,
                         "Gale, R. C., Wu, J., Erhardt, T., Bounthavong, M., Reardon, C. M., Damschroder, L. J., &"
                         " Midboe, A. M. (2019). Comparison of rapid vs in-depth qualitative analytic methods from a"
                         " process evaluation of academic detailing in the Veterans Health Administration."
                         " *Implementation Science*, 14, 11."),
    # ---------------------------------------------------------------- Aim 3: climate measures, aggregation
    "ehrhart2014": Citation("Ehrhart, Aarons & Farahnak", 2014,
                            "Ehrhart, M. G., Aarons, G. A., & Farahnak, L. R. (2014). Assessing the organizational"
                            " context for EBP implementation: The development and validity testing of the"
                            " Implementation Climate Scale (ICS). *Implementation Science*, 9, 157."),
    "aarons2014": Citation("Aarons, Ehrhart & Farahnak", 2014,
                           "Aarons, G. A., Ehrhart, M. G., & Farahnak, L. R. (2014). The Implementation Leadership"
                           " Scale (ILS): Development of a brief measure of unit level implementation leadership."
                           " *Implementation Science*, 9, 45."),
    "aarons2004": Citation("Aarons", 2004,
                           "Aarons, G. A. (2004). Mental health provider attitudes toward adoption of evidence-based"
                           " practice: The Evidence-Based Practice Attitude Scale (EBPAS). *Mental Health Services"
                           " Research*, 6(2), 61-74."),
    "lehman2002": Citation("Lehman, Greener & Simpson", 2002,
                           "Lehman, W. E. K., Greener, J. M., & Simpson, D. D. (2002). Assessing organizational"
                           " readiness for change. *Journal of Substance Abuse Treatment*, 22(4), 197-209."),
    "james1984": Citation("James, Demaree & Wolf", 1984,
                          "James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater"
                          " reliability with and without response bias. *Journal of Applied Psychology*, 69(1),"
                          " 85-98."),
    "bliese2000": Citation("Bliese", 2000,
                           "Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability:"
                           " Implications for data aggregation and analysis. In K. J. Klein & S. W. J. Kozlowski"
                           " (Eds.), *Multilevel theory, research, and methods in organizations* (pp. 349-381)."
                           " Jossey-Bass."),
    "lebreton2008": Citation("LeBreton & Senter", 2008,
                             "LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater"
                             " reliability and interrater agreement. *Organizational Research Methods*, 11(4),"
                             " 815-852."),
    "lindell1999": Citation("Lindell, Brandt & Whitney", 1999,
                            "Lindell, M. K., Brandt, C. J., & Whitney, D. J. (1999). A revised index of interrater"
                            " agreement for multi-item ratings of a single target. *Applied Psychological"
                            " Measurement*, 23(2), 127-135."),
}

#: The sources each agreement coefficient follows, as (role, key, locator): the first is the
#: source the text cites; a role says which part of the computation a further source is for.
STATISTIC_SOURCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "percent_agreement": (("", "gwet2014", "ch. 2"), ("interval", "wilson1927", "")),
    "cohen_kappa": (("", "cohen1960", ""), ("weighted", "cohen1968", ""), ("SE", "fleiss1969", "")),
    "scott_pi": (("", "scott1955", ""), ("SE", "gwet2008", "")),
    "fleiss_kappa": (("", "fleiss1971", ""), ("missing data and SE", "gwet2008", ""),
                     ("missing data and SE", "gwet2014", "")),
    "brennan_prediger": (("", "brennan1981", ""), ("SE", "gwet2014", "")),
    "pabak": (("", "byrt1993", ""), ("interval on p_o", "wilson1927", "")),
    "gwet_ac1": (("", "gwet2008", ""),),
    "gwet_ac2": (("", "gwet2014", "ch. 3"),),
    "krippendorff_alpha": (("", "krippendorff2004", "ch. 11"), ("computation", "krippendorff2011", ""),
                           ("SE", "gwet2014", "ch. 5")),
    "conger_kappa": (("", "conger1980", ""), ("SE", "gwet2014", "ch. 5")),
    "unitized_alpha": (("", "krippendorff2004", "sec. 12.4"), ("u-alpha per category", "krippendorff1995", "")),
    "unitized_alpha_2019": (("", "krippendorff2019", "sec. 12.6"), ("", "krippendorff2016", "")),
}


def citation(key: str) -> Citation:
    """The :class:`Citation` of ``key`` (a ``KeyError`` names an unknown key)."""
    try:
        return CITATIONS[key]
    except KeyError:
        raise KeyError(f"no citation {key!r} in mio_qual.citations.CITATIONS") from None


def short_citation(key: str) -> str:
    """The parenthetical form without the brackets: ``"Cohen, 1960"``."""
    found = citation(key)
    return f"{found.authors}, {found.year}"


def narrative_citation(key: str, locator: str = "") -> str:
    """The narrative form: ``"Cohen (1960)"``, with a locator ``"Krippendorff (2004, p. 241)"``."""
    found = citation(key)
    return f"{found.authors} ({found.year}{', ' + locator if locator else ''})"


def reference(key: str) -> str:
    """The full reference of ``key``."""
    return citation(key).reference


def statistic_sources(statistic: str) -> str:
    """The sources of an agreement coefficient as one line (what its ``source`` field holds).

    Sources with the same role are listed together: ``"...; SE: Gwet (2008), Gwet (2014)"``.
    """
    groups: dict[str, list[str]] = {}
    for role, key, locator in STATISTIC_SOURCES[statistic]:
        groups.setdefault(role, []).append(narrative_citation(key, locator))
    return "; ".join((f"{role}: " if role else "") + ", ".join(cites) for role, cites in groups.items())


def statistic_keys(statistic: str) -> list[str]:
    """The keys of the sources an agreement coefficient follows, the cited one first."""
    return [key for _, key, _ in STATISTIC_SOURCES.get(statistic, ())]


def reference_list(keys: Iterable[str]) -> list[str]:
    """Full references of ``keys`` (each once), in alphabetical order, for a reference list."""
    return sorted({reference(key) for key in keys}, key=lambda text: text.lower())


__all__ = ["Citation", "CITATIONS", "STATISTIC_SOURCES", "citation", "short_citation", "narrative_citation",
           "reference", "statistic_sources", "statistic_keys", "reference_list"]
