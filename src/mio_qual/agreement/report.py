"""The per-code agreement table: every coefficient, its interval and its diagnostics.

One row per code, then pooled rows (all codes' decisions stacked; and, for segment units,
the nominal one-code-per-unit table), then one pooled row per transcript. Each row carries
the number of units, the prevalence of the code, the coefficients with their intervals, the
prevalence and bias indices for two coders (so that a low kappa on a rare code is read as a
prevalence effect, not as bad coding), the units set aside, and a flag against a named
convention.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np
import pandas as pd

from ..deprecation import renamed
from ..errors import InputError
from ._data import coder_codes, distinct_columns, unit_counts
from ._multirater import check_convention
from .alpha import krippendorff_alpha
from .conger import conger_kappa
from .diagnostics import prevalence_bias
from .gwet import gwet_ac1
from .kappa import brennan_prediger, cohen_kappa, fleiss_kappa, pabak, percent_agreement, scott_pi
from .rarity import MIN_CODED_UNITS, TOO_RARE, too_rare
from .results import Agreement
from .units import CodeRatings, UnitData

if TYPE_CHECKING:  # pragma: no cover
    from ..result import Result

POOLED = "(all codes)"
NOMINAL = "(one code per unit)"

STATISTICS: dict[str, Callable[..., Agreement]] = {
    "percent_agreement": percent_agreement,
    "cohen_kappa": cohen_kappa,
    "scott_pi": scott_pi,
    "fleiss_kappa": fleiss_kappa,
    "krippendorff_alpha": krippendorff_alpha,
    "gwet_ac1": gwet_ac1,
    "brennan_prediger": brennan_prediger,
    "pabak": pabak,
    "conger_kappa": conger_kappa,
}
TWO_CODER_ONLY = ("cohen_kappa", "scott_pi", "pabak")
BOOTSTRAPPABLE = ("cohen_kappa", "krippendorff_alpha", "fleiss_kappa", "gwet_ac1", "scott_pi", "brennan_prediger",
                  "conger_kappa")
#: Coefficients whose treatment of units rated by one coder follows ``convention=`` (Gwet's or 'pairable').
MULTIRATER = ("percent_agreement", "fleiss_kappa", "gwet_ac1", "brennan_prediger", "conger_kappa")
#: Ways of bootstrapping Krippendorff's alpha (``boot_method=``).
BOOT_METHODS = ("units", "krippendorff")

#: Krippendorff (2004, p. 241): rely on variables with alpha >= .800; draw tentative conclusions
#: only from variables with .667 <= alpha < .800.
CONVENTIONS = {
    "krippendorff": ((0.667, 0.800), "Krippendorff (2004, p. 241): >= .800 reliable, .667-.800 tentative, "
                                     "< .667 unreliable"),
}


def default_statistics(n_coders: int) -> list[str]:
    """The coefficients reported unless asked otherwise."""
    if n_coders == 2:
        return ["percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1", "pabak"]
    return ["percent_agreement", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "brennan_prediger"]


def flag(value: float, thresholds: tuple[float, float] = (0.667, 0.800)) -> str:
    """``"reliable"``, ``"tentative"`` or ``"unreliable"`` against (low, high); ``""`` for NaN.

    Examples
    --------
    >>> flag(0.81), flag(0.70), flag(0.5), flag(float("nan"))
    ('reliable', 'tentative', 'unreliable', '')
    """
    if value is None or math.isnan(value):
        return ""
    low, high = thresholds
    if value >= high:
        return "reliable"
    if value >= low:
        return "tentative"
    return "unreliable"


def _check_stats(stats: Sequence[str] | None, n_coders: int) -> list[str]:
    chosen = list(stats) if stats else default_statistics(n_coders)
    unknown = [s for s in chosen if s not in STATISTICS]
    if unknown:
        raise InputError(f"unknown statistic {unknown[0]!r}", hint="use " + ", ".join(STATISTICS))
    if n_coders != 2:
        two = [s for s in chosen if s in TWO_CODER_ONLY]
        if two:
            raise InputError(f"{two[0]} compares two coders; {n_coders} were given",
                             hint="use fleiss_kappa, gwet_ac1, brennan_prediger or krippendorff_alpha")
    if "percent_agreement" not in chosen:
        chosen.insert(0, "percent_agreement")
    return chosen


def compress_columns(ratings: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct columns of coders x units ratings (small integers or NaN) and their total weight.

    Coefficients depend on units only through their pattern of ratings, so the table is
    computed on a handful of patterns instead of every unit.
    """
    if ratings.shape[1] == 0:
        return ratings, counts
    v = np.where(np.isnan(ratings), 0.0, ratings + 1.0).astype(np.int64)   # 0 = missing
    distinct = distinct_columns(v, int(v.max()) + 1, counts)
    if distinct is None:
        return ratings, counts
    patterns, weight = distinct
    out = patterns - 1.0
    out[out < 0] = np.nan
    return out, weight


def _row(ratings: CodeRatings, stats: list[str], *, binary: bool, span: bool, confidence: float, n_boot: int,
         seed: Any, n_coders: int, convention: str = "gwet", boot_method: str = "units") -> dict[str, Any]:
    data, counts = compress_columns(ratings.ratings, ratings.counts)
    categories = [0.0, 1.0] if binary else list(range(len(ratings.categories)))
    row: dict[str, Any] = {}
    rated = ~np.isnan(data)
    pairable = rated.sum(axis=0) >= 2
    row["n_units"] = float(counts[pairable].sum())
    row["n_set_aside"] = float(counts[(~pairable) & rated.any(axis=0)].sum())
    if binary:
        ones = np.where(rated[:, pairable], data[:, pairable], 0.0) @ counts[pairable] if pairable.any() else 0.0
        total = rated[:, pairable].astype(float) @ counts[pairable] if pairable.any() else 0.0
        row["prevalence"] = float(np.sum(ones) / np.sum(total)) if np.sum(total) > 0 else math.nan
    notes = []
    # convert once: every coefficient reads the same unit counts (and, for two coders, one table)
    shared = unit_counts(data, categories=categories, counts=counts)
    table = None
    if n_coders == 2:
        codes, _ = coder_codes(data, categories=categories)
        both = (codes >= 0).all(axis=0)
        k = len(categories)
        table = np.bincount(codes[0, both] * k + codes[1, both], weights=counts[both], minlength=k * k).reshape(k, k)
    for stat in stats:
        if span and stat != "percent_agreement":
            row[stat] = row[f"{stat}_ci_low"] = row[f"{stat}_ci_high"] = row[f"{stat}_se"] = math.nan
            continue
        kwargs: dict[str, Any] = {"confidence": confidence}
        if n_boot and stat in BOOTSTRAPPABLE:
            kwargs.update(boot=n_boot, seed=seed)
            if stat == "krippendorff_alpha":
                kwargs["boot_method"] = boot_method
        if stat in MULTIRATER:
            kwargs["convention"] = convention
        if stat in TWO_CODER_ONLY:
            result = STATISTICS[stat](table=table, categories=categories, **kwargs)
        elif stat == "conger_kappa":   # needs each coder's ratings, not only the unit counts
            result = conger_kappa(data, categories=categories, counts=counts, **kwargs)
        else:
            result = STATISTICS[stat](shared, **kwargs)
        row[stat] = result.value
        row[f"{stat}_ci_low"] = result.ci_low
        row[f"{stat}_ci_high"] = result.ci_high
        row[f"{stat}_se"] = result.se
        if result.note and stat != "percent_agreement" and result.note not in notes:
            notes.append(f"{stat}: {result.note}")
    if span:
        notes.append("span units: no unit is left uncoded by both coders, so only percent agreement is defined")
    if binary and n_coders == 2 and not span:
        try:
            pb = prevalence_bias(table=table, categories=[0.0, 1.0])
            row["prevalence_index"], row["bias_index"] = pb.prevalence_index, pb.bias_index
        except InputError:
            row["prevalence_index"] = row["bias_index"] = math.nan
    row["note"] = "; ".join(notes)
    return row


#: Coefficients :func:`_binary_rows` computes for many rows at once (analytic intervals).
BATCHED = ("percent_agreement", "cohen_kappa", "scott_pi", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1",
           "brennan_prediger", "pabak")
_FAMILY_MODELS = {"percent_agreement": "none", "fleiss_kappa": "fleiss", "gwet_ac1": "gwet",
                  "brennan_prediger": "brennan_prediger"}


def _binary_rows(parts: list[CodeRatings], stats: list[str], *, confidence: float, n_coders: int,
                 convention: str) -> list[dict[str, Any]]:
    """What :func:`_row` gives for each of ``parts`` (binary ratings, analytic intervals), all rows at once:
    :func:`_binary_columns` as one dict per row."""
    columns = _binary_columns(parts, stats, confidence=confidence, n_coders=n_coders, convention=convention)
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def _binary_columns(parts: list[CodeRatings], stats: list[str], *, confidence: float, n_coders: int,
                    convention: str) -> dict[str, list[Any]]:
    """What :func:`_row` gives for each of ``parts`` (binary ratings, analytic intervals), all rows at once, as
    columns (column name -> one value per part, in :func:`_row`'s order of keys).

    Every row's columns are reduced to the weight of each distinct rating pattern (one matrix,
    rows x patterns); each coefficient's formula is then applied to all rows together
    (:func:`~mio_qual.agreement._multirater.family_rows`, :func:`~mio_qual.agreement.kappa.cohen_rows`,
    :func:`~mio_qual.agreement.alpha.alpha_rows`), instead of converting and computing row by
    row; so are the intervals (:func:`~mio_qual.agreement._common.wald_rows`, Student's t once per
    distinct df; :func:`~mio_qual.agreement.diagnostics.wilson_rows`) and the prevalence and bias
    indices, each element what the one-row functions :func:`_row` uses give.
    """
    from ._common import wald_rows
    from ._multirater import family_rows
    from .alpha import ALPHA_NOTES, alpha_rows, alpha_se_rows, coincidence_rows
    from .kappa import COHEN_NOTES, cohen_rows

    power = 3 ** np.arange(n_coders, dtype=np.int64)          # digit per coder: 0 missing, 1 not coded, 2 coded
    keys, weights, owner = [], [], []
    for i, part in enumerate(parts):
        r = part.ratings
        digits = np.where(np.isnan(r), 0, r + 1.0).astype(np.int64)
        keys.append(power @ digits if r.shape[1] else np.empty(0, dtype=np.int64))
        weights.append(part.counts)
        owner.append(np.full(r.shape[1], i, dtype=np.int64))
    key = np.concatenate(keys)
    uniq, inverse = np.unique(key, return_inverse=True)
    n_rows, n_patterns = len(parts), uniq.size
    freq = np.bincount(np.concatenate(owner) * n_patterns + inverse.reshape(-1), weights=np.concatenate(weights),
                       minlength=n_rows * n_patterns).reshape(n_rows, n_patterns)
    digits = (uniq[None, :] // power[:, None]) % 3                              # coders x patterns
    ones, zeros = (digits == 2).sum(axis=0), (digits == 1).sum(axis=0)
    patterns = np.stack([zeros, ones], axis=1).astype(np.float64)           # pattern x category counts
    r = ones + zeros
    pairable = r >= 2
    values = np.array([0.0, 1.0])
    w = np.eye(2)
    once = freq[:, r == 1].sum(axis=1)
    n_units = freq[:, pairable].sum(axis=1)
    ones_w = freq @ np.where(pairable, ones, 0)
    total_w = freq @ np.where(pairable, r, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        prevalence = np.where(total_w > 0, ones_w / total_w, math.nan)
    results: dict[str, tuple[list[float], list[float], list[float], list[float], list[str]]] = {}
    use = r >= (1 if convention == "gwet" else 2)
    tables = None
    if n_coders == 2:
        both = (digits > 0).all(axis=0)
        cell = np.where(both, (digits[0] - 1) * 2 + (digits[1] - 1), 0)
        tables = (freq * both[None, :]) @ np.eye(4)[cell]
        tables = tables.reshape(n_rows, 2, 2)
    for stat in stats:           # each coefficient's intervals and notes for every row at once
        if stat in _FAMILY_MODELS or stat == "scott_pi":
            if stat == "scott_pi":        # two coders' table: the units both rated, Fleiss' chance model
                rows = family_rows(patterns[pairable], freq[:, pairable], "fleiss", w, 2)
                row_once, row_convention = np.zeros(n_rows), "gwet"
            else:
                rows = family_rows(patterns[use], freq[:, use], _FAMILY_MODELS[stat], w, 2)
                row_once, row_convention = once, convention
            results[stat] = _family_columns(stat, rows, row_once, row_convention, n_coders, confidence)
        elif stat == "cohen_kappa":
            kappa, se, _, _, why = cohen_rows(tables, w)
            se, low, high, degenerate = wald_rows(kappa, se, confidence)
            notes = [COHEN_NOTES.get(k, "") for k in why.tolist()]
            results[stat] = (kappa.tolist(), low.tolist(), high.tolist(), se.tolist(), _noted(notes, degenerate))
        elif stat == "pabak":
            results[stat] = _pabak_columns(tables, confidence)
        else:                                                                   # krippendorff_alpha, nominal
            o, _, _ = coincidence_rows(patterns, freq)
            alpha, _, _, why = alpha_rows(o, "nominal", values)
            se = np.where(np.isnan(alpha), math.nan, alpha_se_rows(patterns, freq, "nominal", values))
            se, low, high, degenerate = wald_rows(alpha, se, confidence, df=n_units - 1.0)  # as krippendorff_alpha
            notes = [ALPHA_NOTES.get(k, "") for k in why.tolist()]
            results[stat] = (alpha.tolist(), low.tolist(), high.tolist(), se.tolist(), _noted(notes, degenerate))
    if tables is not None:
        a, b, c, d = tables[:, 1, 1], tables[:, 1, 0], tables[:, 0, 1], tables[:, 0, 0]
        total = tables[:, 0, 0] + tables[:, 0, 1] + tables[:, 1, 0] + tables[:, 1, 1]   # t.sum()'s order
        with np.errstate(invalid="ignore", divide="ignore"):   # Byrt, Bishop & Carlin (1993), as prevalence_bias
            p_index = np.where(total == 0, math.nan, (a - d) / total).tolist()
            b_index = np.where(total == 0, math.nan, (b - c) / total).tolist()
    columns: dict[str, list[Any]] = {
        "n_units": n_units.astype(np.float64).tolist(),
        "n_set_aside": freq[:, ~pairable & (r > 0)].sum(axis=1).astype(np.float64).tolist(),
        "prevalence": prevalence.astype(np.float64).tolist()}
    for stat in stats:
        value, low, high, se_i, _ = results[stat]
        columns[stat], columns[f"{stat}_ci_low"], columns[f"{stat}_ci_high"], columns[f"{stat}_se"] = \
            value, low, high, se_i
    if tables is not None:
        columns["prevalence_index"], columns["bias_index"] = p_index, b_index
    noted = [(stat, results[stat][4]) for stat in stats if stat != "percent_agreement"]
    joined = []
    for i in range(n_rows):
        notes: list[str] = []
        for stat, column in noted:
            note = column[i]
            if note and note not in notes:
                notes.append(f"{stat}: {note}")
        joined.append("; ".join(notes))
    columns["note"] = joined
    return columns


#: The note every row of a table of character units carries.
CHARACTER_CAVEAT = ("characters are not independent units, so standard errors and intervals are far too narrow; "
                    "read them as lower bounds of the uncertainty")


def _batched_frame(binary_rows: list[tuple[str, str, str, CodeRatings]], nominal: CodeRatings | None,
                   chosen: list[str], *, unit_name: str, unit_word: str, several: float, characters: bool,
                   confidence: float, n_coders: int, convention: str, boot_method: str) -> pd.DataFrame:
    """The rows of :func:`agreement_table` built column by column: the binary rows computed at once
    (:func:`_binary_columns`), the nominal row (:func:`_row`) after the pooled one, what was set aside and the
    notes; the frame the row-by-row path builds from the same rows."""
    columns: dict[str, list[Any]] = {
        "level": [level for level, *_ in binary_rows], "code": [code for _, code, _, _ in binary_rows],
        "transcript_id": [transcript for _, _, transcript, _ in binary_rows], "unit": [unit_name] * len(binary_rows)}
    columns.update(_binary_columns([part for *_, part in binary_rows], chosen, confidence=confidence,
                                   n_coders=n_coders, convention=convention))
    if nominal is not None:   # the one-code-per-unit row follows the pooled row
        at = columns["level"].index("pooled") + 1
        row = {"level": "nominal", "code": NOMINAL, "transcript_id": "(all)", "unit": unit_name}
        row.update(_row(nominal, chosen, binary=False, span=False, confidence=confidence, n_boot=0, seed=0,
                        n_coders=n_coders, convention=convention, boot_method=boot_method))
        size = len(binary_rows)
        for key in row:
            if key not in columns:
                columns[key] = [math.nan] * size
        for key, values in columns.items():
            values.insert(at, row.get(key, math.nan))
    reasons = []
    for i, (level, n) in enumerate(zip(columns["level"], columns["n_set_aside"])):
        found = [f"{n:g} {unit_word} rated by one coder only (a transcript the others did not see)"] if n else []
        if level == "nominal" and several:
            found.append(f"{several:g} units where a coder applied several codes")
            columns["n_set_aside"][i] = n + several
        reasons.append("; ".join(found))
    columns["set_aside"] = reasons
    if characters:
        columns["note"] = ["; ".join(x for x in (note, CHARACTER_CAVEAT) if x) for note in columns["note"]]
    return pd.DataFrame(columns)


def _noted(notes: list[str], degenerate: np.ndarray) -> list[str]:
    """``notes`` with :data:`~mio_qual.agreement._common.DEGENERATE_NOTE` added where ``degenerate`` (as
    :func:`~mio_qual.agreement._common.wald_interval` adds it)."""
    from ._common import DEGENERATE_NOTE

    return [("; ".join(x for x in (note, DEGENERATE_NOTE) if x) if bad else note)
            for note, bad in zip(notes, degenerate.tolist())]


def _family_columns(stat: str, rows: Any, once: np.ndarray, convention: str, n_coders: int,
                    confidence: float) -> tuple[list[float], list[float], list[float], list[float], list[str]]:
    """Value, interval, standard error and note of a multi-rater coefficient for every row of ``rows``: what
    :func:`~mio_qual.agreement._multirater.family_result` and :func:`~mio_qual.agreement._common.family_agreement`
    give row by row (percent agreement with Wilson's interval, as :func:`~mio_qual.agreement.kappa._wilson`)."""
    from ._common import DEGENERATE_NOTE, wald_rows
    from ._multirater import rows_note
    from .diagnostics import wilson_rows

    why = rows.why
    value = np.where(why > 0, math.nan, rows.value)
    se = np.where(why > 0, math.nan, rows.se)
    n_units = np.asarray(rows.n_units, dtype=np.float64)
    n_variance = n_units + once if convention == "gwet" else n_units + 0.0
    notes = []
    for i, (k, units, alone) in enumerate(zip(why.tolist(), n_units.tolist(), once.tolist())):
        if k:
            note = rows_note(rows, i)
        elif convention == "pairable" and alone:
            note = (f"{alone:g} unit(s) rated by one coder left out of every term (convention 'pairable'; "
                    "Gwet's convention keeps them in chance agreement)")
        else:
            note = ""
        notes.append(note if note else ("" if units > 1 else "one unit: no standard error"))
    # Gwet's SE: t on n - 1 degrees of freedom (percent agreement's Wald interval is replaced by Wilson's wherever
    # it is defined: its quantile is never read)
    se, low, high, degenerate = wald_rows(value, se, confidence,
                                          df=None if stat == "percent_agreement" else n_variance - 1.0)
    notes = _noted(notes, degenerate)
    if stat == "percent_agreement":
        defined = ~np.isnan(value)
        w_low, w_high = wilson_rows(np.where(defined, value * n_units, 0.0), np.where(defined, n_units, 0.0),
                                    confidence)
        low, high = np.where(defined, w_low, low), np.where(defined, w_high, high)
        wilson_note = "Wilson interval treats units as trials (approximate for more than two coders)"
        for i in np.flatnonzero(defined).tolist():
            note = "; ".join(x for x in notes[i].split("; ") if x and x != DEGENERATE_NOTE)
            notes[i] = "; ".join(x for x in (note, wilson_note) if x) if n_coders > 2 else note
    return value.tolist(), low.tolist(), high.tolist(), se.tolist(), notes


def _pabak_columns(tables: np.ndarray, confidence: float
                   ) -> tuple[list[float], list[float], list[float], list[float], list[str]]:
    """PABAK of two coders' 2 x 2 tables, every row at once: what :func:`~mio_qual.agreement.kappa.pabak_terms`
    gives for each (two categories)."""
    from .diagnostics import wilson_rows

    n = tables[:, 0, 0] + tables[:, 0, 1] + tables[:, 1, 0] + tables[:, 1, 1]   # t.sum()'s order
    agreed = tables[:, 0, 0] + tables[:, 1, 1]
    rated = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        po = np.where(rated, agreed / np.where(rated, n, 1.0), math.nan)
        scale = 2 / (2 - 1.0)
        value = np.where(rated, scale * po - 1.0 / (2 - 1.0), math.nan)
        se = np.where(rated & (n > 1), scale * np.sqrt(po * (1 - po) / (n - 1)), math.nan)
    lo_p, hi_p = wilson_rows(np.where(rated, po * n, 0.0), np.where(rated, n, 0.0), confidence)
    low = np.where(rated, scale * lo_p - 1.0 / (2 - 1.0), math.nan)
    high = np.where(rated, scale * hi_p - 1.0 / (2 - 1.0), math.nan)
    notes = ["" if ok else "undefined: no unit was rated by both coders" for ok in rated.tolist()]
    return value.tolist(), low.tolist(), high.tolist(), se.tolist(), notes


@renamed(n_boot="boot")
def agreement_table(
    data: UnitData,
    *,
    stats: Sequence[str] | None = None,
    confidence: float = 0.95,
    boot: int = 0,
    seed: Any = 0,
    by_transcript: bool = True,
    flag_on: str = "krippendorff_alpha",
    flag_convention: str = "krippendorff",
    convention: str = "gwet",
    boot_method: str = "units",
) -> pd.DataFrame:
    """Agreement per code, pooled, and per transcript, as one DataFrame.

    Parameters
    ----------
    data : UnitData
        From :func:`mio_qual.agreement.units.reliability_data`.
    stats : sequence of str, optional
        Coefficients to report (default: :func:`default_statistics`). Percent agreement is
        always included.
    confidence : float
        Level of every interval.
    boot : int
        Bootstrap replicates for kappa-type and alpha intervals (0: analytic intervals; alpha
        then has none).
    seed : int
        Seed of the bootstrap, so that a report can be reproduced.
    by_transcript : bool
        Add one pooled row per transcript.
    flag_on : str
        Coefficient the flag reads (default alpha, the coefficient the convention was written
        for). When it is not among ``stats`` the flag reads alpha if alpha is there, and is
        left empty otherwise: the thresholds are never applied to percent agreement or PABAK.
    flag_convention : str
        ``"krippendorff"``: >= .800 reliable, .667 to .800 tentative.
    convention : {"gwet", "pairable"}
        Units rated by one coder in the multi-rater coefficients (percent agreement, Fleiss,
        AC1, Brennan-Prediger, Conger): Gwet's convention (default; out of observed agreement,
        in chance agreement and the variance, as irrCAC computes them) or ``"pairable"`` (out
        of every term). Krippendorff's alpha and the two-coder coefficients use pairable
        units whatever this says. See :mod:`mio_qual.agreement._multirater`.
    boot_method : {"units", "krippendorff"}
        How alpha is bootstrapped when ``boot`` > 0: units resampled with a BCa interval
        (default, nominal coverage) or Krippendorff's algorithm (too narrow with more than two
        coders; see :func:`mio_qual.agreement.krippendorff_alpha`).

    Returns
    -------
    DataFrame
        Columns ``level`` (code / pooled / nominal / transcript), ``code``, ``transcript_id``,
        ``unit``, ``n_units``, ``n_set_aside``, ``prevalence`` (the coders' mean share of units coded),
        each statistic with ``_ci_low``, ``_ci_high`` and ``_se``, ``prevalence_index`` and
        ``bias_index`` (two coders),
        ``flag`` (``"too rare"`` for a code coded in fewer than :data:`MIN_CODED_UNITS` units on
        average over the coders), ``flag_convention``, ``set_aside`` (what was left out and why) and ``note``.
    """
    n_coders = len(data.coders)
    chosen = _check_stats(stats, n_coders)
    if flag_convention not in CONVENTIONS:
        raise InputError(f"unknown flag convention {flag_convention!r}", hint="use " + ", ".join(CONVENTIONS))
    check_convention(convention)
    if boot_method not in BOOT_METHODS:
        raise InputError(f"unknown bootstrap method {boot_method!r}", hint="use " + " or ".join(BOOT_METHODS))
    thresholds, convention_text = CONVENTIONS[flag_convention]
    if flag_on not in chosen:
        flag_on = "krippendorff_alpha" if "krippendorff_alpha" in chosen else ""
    span = data.unit == "span"
    unit_name = data.unit if data.unit != "character" else f"character ({data.scope} text)"
    rows = []

    several = data.set_aside.get("units where a coder applied several codes (nominal table)", 0.0)
    unit_word = "characters" if data.unit == "character" else "units"

    def add(level: str, code: str, transcript: str, ratings: CodeRatings, binary: bool = True) -> None:
        row = {"level": level, "code": code, "transcript_id": transcript, "unit": unit_name}
        row.update(_row(ratings, chosen, binary=binary, span=span, confidence=confidence, n_boot=boot, seed=seed,
                        n_coders=n_coders, convention=convention, boot_method=boot_method))
        reasons = []
        if row["n_set_aside"]:
            reasons.append(f"{row['n_set_aside']:g} {unit_word} rated by one coder only (a transcript the others "
                           "did not see)")
        if level == "nominal" and several:
            reasons.append(f"{several:g} units where a coder applied several codes")
            row["n_set_aside"] += several
        row["set_aside"] = "; ".join(reasons)
        if data.unit == "character":
            row["note"] = "; ".join(x for x in (row.get("note", ""), CHARACTER_CAVEAT) if x)
        rows.append(row)

    binary_rows: list[tuple[str, str, str, CodeRatings]] = [("code", code, "(all)", data.code_counts(code))
                                                             for code in data.codes]
    nominal = None
    if data.codes:
        pooled = data.pooled_counts()
        binary_rows.append(("pooled", POOLED, "(all)", pooled))
        nominal = data.nominal()
        if by_transcript and len(data.transcripts) > 1:
            order = np.argsort(pooled.transcript, kind="stable")
            bounds = np.searchsorted(pooled.transcript[order], np.arange(len(data.transcripts) + 1))
            for t, name in enumerate(data.transcripts):
                sel = order[bounds[t]:bounds[t + 1]]
                if sel.size == 0:
                    continue
                part = CodeRatings(pooled.ratings[:, sel], pooled.counts[sel], pooled.transcript[sel], [0, 1])
                binary_rows.append(("transcript", POOLED, name, part))
    if binary_rows and not span and not boot and all(s in BATCHED for s in chosen) and n_coders <= 30:
        frame = _batched_frame(binary_rows, nominal, chosen, unit_name=unit_name, unit_word=unit_word,
                               several=several, characters=data.unit == "character", confidence=confidence,
                               n_coders=n_coders, convention=convention, boot_method=boot_method)
    else:
        for level, code, transcript, part in binary_rows:
            add(level, code, transcript, part)
            if level == "pooled" and nominal is not None:
                add("nominal", NOMINAL, "(all)", nominal, binary=False)
        frame = pd.DataFrame.from_records(rows)
    if frame.empty:
        return frame
    if span:
        frame["flag"] = ""
        frame["flag_convention"] = "none: span units define only percent agreement"
    elif not flag_on:
        frame["flag"] = ""
        frame["flag_convention"] = ("none: the .667/.800 convention is for krippendorff_alpha, which was not "
                                    "computed (add it to the statistics)")
    else:
        frame["flag"] = [flag(v, thresholds) for v in frame[flag_on].tolist()]   # lists: a Series is slow to walk
        if "prevalence" in frame.columns:   # a code too rare to assess is never called reliable (nor unreliable)
            rare = [level == "code" and too_rare(p, n) for level, p, n in
                    zip(frame["level"].tolist(), frame["prevalence"].tolist(), frame["n_units"].tolist())]
            frame.loc[rare, "flag"] = TOO_RARE
        frame["flag_convention"] = (f"{flag_on}; {convention_text}; {TOO_RARE}: a code coded in fewer than"
                                    f" {MIN_CODED_UNITS} units on average over the coders, whatever its value")
    first = ["level", "code", "transcript_id", "unit", "n_units", "n_set_aside", "prevalence"]
    stat_cols = [c for s in chosen for c in (s, f"{s}_ci_low", f"{s}_ci_high", f"{s}_se")]
    rest = [c for c in ("prevalence_index", "bias_index", "flag", "flag_convention", "set_aside", "note")
            if c in frame.columns]
    columns = [c for c in first + stat_cols + rest if c in frame.columns]
    return frame[columns]


def unitized_table(codings: pd.DataFrame, texts: Any, *, coders: Sequence[str] | None = None,
                   codes: Sequence[str] | None = None, coverage: Any = None, by_transcript: bool = True,
                   flag_convention: str = "krippendorff") -> pd.DataFrame:
    """Per-code unitized alpha (Krippendorff 2004), pooled, the 2019 variants and per transcript.

    Rows: one per code (``level == "code"``), a pooled row, one row per 2019 variant
    (``level == "pooled"``, code ``"(all codes: nominal)"`` and so on; NaN with a note where codes
    overlap within a coder) and pooled rows per transcript.
    """
    from .unitized import POOLED as U_POOLED
    from .unitized import unitized_alpha, unitized_alpha_table

    thresholds, convention_text = CONVENTIONS[flag_convention]
    table = unitized_alpha_table(codings, texts, coders=coders, codes=codes, coverage=coverage,
                                 by_transcript=by_transcript)
    records = []
    for row in table.itertuples(index=False):
        overall = row.transcript_id == "(all)"
        if not overall and row.code != U_POOLED:
            continue
        level = ("pooled" if row.code == U_POOLED else "code") if overall else "transcript"
        records.append({"level": level, "code": POOLED if row.code == U_POOLED else row.code,
                        "transcript_id": row.transcript_id, "unit": "continuum", "n_units": row.n_units,
                        "unitized_alpha": row.alpha, "observed_disagreement": row.observed,
                        "expected_disagreement": row.expected,
                        "note": "" if not math.isnan(row.alpha) else "undefined: no coder used the code"})
    for variant in ("nominal", "binary", "coding"):
        result = unitized_alpha(codings, texts, variant=variant, coders=coders, codes=codes, coverage=coverage)
        records.append({"level": "pooled", "code": f"{POOLED[:-1]}: {variant} 2019)", "transcript_id": "(all)",
                        "unit": "continuum", "n_units": result.n_units, "unitized_alpha": result.value,
                        "observed_disagreement": result.observed, "expected_disagreement": result.expected,
                        "note": result.note})
    frame = pd.DataFrame.from_records(records)
    order = {"code": 0, "pooled": 1, "transcript": 2}
    frame = frame.sort_values("level", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    frame["flag"] = [flag(v, thresholds) for v in frame["unitized_alpha"]]
    frame["flag_convention"] = f"unitized_alpha; {convention_text}"
    return frame


def agreement_result(table: pd.DataFrame, coders: Sequence[str], unit: str) -> "Result":
    """An agreement table (:func:`agreement_table` or :func:`unitized_table`) as a result for the renderer.

    The notes under the table name the reliability convention the flags read and what was set
    aside before the analysis (``table.attrs["set_aside"]``), so a CSV, a workbook and a Word
    table of the same agreement say the same thing.
    """
    from ..result import Result, Table
    from ..text import counted

    notes = []
    convention = next((c for c in table.get("flag_convention", []) if isinstance(c, str) and c), "")
    if convention:
        notes.append(f"flag: {convention}")
    if table.attrs.get("seen_rule"):
        notes.append(f"seen: {table.attrs['seen_rule']}")
    for reason, count in (table.attrs.get("set_aside") or {}).items():
        notes.append(f"set aside: {counted(count, reason)}")  # "1 unit ...", never "1 units ..."
    if table.attrs.get("coder_groups"):
        from .project_api import groups_note

        notes.append(f"coders: {groups_note(table.attrs['coder_groups'])}")
    coders = table.attrs.get("coders", coders)   # the coders compared: one sharing no transcript is left out
    title = f"Agreement of {', '.join(coders)} by {unit}"
    return Result("agreement", [Table(table, title=title, notes=notes, sheet="agreement")], title=title,
                  data={"coders": list(coders), "unit": unit})
