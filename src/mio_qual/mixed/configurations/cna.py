"""Coincidence analysis (CNA) for crisp-set data.

CNA (Baumgartner 2009; Baumgartner & Ambühl 2020) looks for the redundancy-free Boolean
dependencies an outcome has on other factors, and is used in implementation science to find
which combinations of conditions make implementation succeed (Whitaker et al. 2020). For each
outcome it

1. finds the **minimally sufficient conditions** (msc): conjunctions of factor values whose
   consistency for the outcome reaches ``con`` while no proper part of them does;
2. joins msc into **atomic solution formulas** (asf): disjunctions of msc that reach ``con``
   and ``cov`` and of which no proper sub-disjunction does (minimally necessary), and that are
   free of logical redundancy (no disjunct or factor value can be removed without changing
   the Boolean function: cna's INUS check);
3. combines the asf of different outcomes into **complex solution formulas** (csf), leaving
   out combinations in which an asf is implied by the others (a structural redundancy); the
   consistency and coverage of a csf are the smallest of its asf's, as in the R package.

Formulas follow the R package's notation: a factor in upper case when present, in lower case
when absent, ``*`` for and, ``+`` for or, ``<->`` between a disjunction and its outcome.
Consistency is |X and Y| / |X| and coverage |X and Y| / |Y| over the cases.

The search is bounded as in the R package's ``maxstep = c(3, 4, 10)``: at most 3 factor values
in a conjunction, 4 disjuncts in an asf, 10 factor values in an asf; and at most
:data:`MAX_ASF_CANDIDATES` disjunctions are tested per outcome (a note says when that bound was
reached, so that the list of asf may be incomplete), and at most :data:`MAX_ASF` asf are kept
per outcome.

References
----------
Baumgartner, M. (2009). Inferring causal complexity. *Sociological Methods & Research*,
38(1), 71-101.

Baumgartner, M., & Ambühl, M. (2020). Causal modeling with multi-value and fuzzy-set
coincidence analysis. *Political Science Research and Methods*, 8(3), 526-542.

Whitaker, R. G., Sperber, N., Baumgartner, M., Thiem, A., Cragun, D., Damschroder, L.,
Miech, E. J., Slade, A., & Birken, S. (2020). Coincidence analysis: a new method for causal
inference in implementation science. *Implementation Science*, 15, 108.

Ambühl, M., & Baumgartner, M. (2025). *cna: Causal Modeling with Coincidence Analysis*.
R package version 4.0.0.
"""

from __future__ import annotations

import math
from functools import lru_cache
from dataclasses import dataclass, field
from itertools import combinations, product
from typing import TYPE_CHECKING, Any, Sequence

from ...errors import InputError
from .boolean import Term, covers, factor_label, format_term, literal_masks, term_mask

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Default search bound, as in the R package: conjuncts per disjunct, disjuncts per asf, factor values per asf.
MAXSTEP = (3, 4, 10)
#: Most disjunctions of msc case sets tested per outcome.
MAX_ASF_CANDIDATES = 2_000_000
#: Most asf kept per outcome.
MAX_ASF = 2000
#: Most combinations of asf tried when building csf (the R package's ``n.init``).
N_INIT = 1000
#: Thresholds are compared with this tolerance, so that 6/7 >= 0.857 is not lost to rounding.
EPS = 1e-9


@dataclass
class CnaResult:
    """What :func:`cna` found.

    Attributes
    ----------
    msc, asf, csf : DataFrame
        Columns ``outcome``, ``condition`` (cna notation), ``consistency``, ``coverage``,
        ``complexity`` (number of factor values); ``msc`` also ``n`` (cases).
    con, cov : float
    maxstep : tuple of int
    notes : list of str
        The choices and bounds, and whether a bound was reached.
    """

    msc: "pd.DataFrame"
    asf: "pd.DataFrame"
    csf: "pd.DataFrame"
    con: float
    cov: float
    maxstep: tuple[int, int, int]
    outcomes: list[str]
    notes: list[str] = field(default_factory=list)
    complete: bool = True


def factor_names(columns: Sequence[str]) -> list[str]:
    """Check that columns can be written in cna's notation (cased, distinct in upper case).

    Raises
    ------
    InputError
        A name without letters, or two names equal but for case.
    """
    seen: dict[str, str] = {}
    for name in columns:
        text = str(name)
        if text.upper() == text.lower():
            raise InputError(f"factor name {text!r} has no letters, so its absence cannot be written in lower case",
                             hint="rename the column (e.g. C1 instead of 1)")
        if text.upper() in seen:
            raise InputError(f"factors {seen[text.upper()]!r} and {text!r} differ only in case",
                             hint="cna's notation writes absence in lower case: rename one of them")
        seen[text.upper()] = text
    return [str(c) for c in columns]


def _outcome_literals(outcome: str | Sequence[str] | None, names: list[str]) -> list[tuple[int, int]]:
    if outcome is None:
        return [(i, 1) for i in range(len(names))]
    wanted = [outcome] if isinstance(outcome, str) else list(outcome)
    upper = {n.upper(): i for i, n in enumerate(names)}
    out = []
    for w in wanted:
        w = str(w).strip()
        if w.startswith("~") and w[1:].upper() in upper:
            out.append((upper[w[1:].upper()], 0))
        elif w in names:
            out.append((names.index(w), 1))
        elif w == w.upper() and w in upper:
            out.append((upper[w], 1))
        elif w == w.lower() and w.upper() in upper:
            out.append((upper[w.upper()], 0))
        else:
            raise InputError(f"outcome {w!r} is not a factor", hint="factors: " + ", ".join(names))
    return out


def _ratio(a: int, b: int) -> float:
    return a / b if b else math.nan


class _Data:
    """Bit-set view of the crisp data: one bit per case."""

    def __init__(self, rows: list[tuple[int, ...]], n_factors: int) -> None:
        self.rows = rows
        self.n = len(rows)
        self.everyone = (1 << self.n) - 1
        self.masks = literal_masks(rows, n_factors)

    def cases(self, t: Term) -> int:
        return term_mask(t, self.masks, self.everyone)


def _msc(data: _Data, outcome: tuple[int, int], causes: list[int], con: float, max_conjuncts: int
         ) -> list[tuple[Term, int]]:
    y = data.masks[outcome[0]][outcome[1]]
    sufficient: set[Term] = set()
    found: list[tuple[Term, int]] = []
    for size in range(1, max_conjuncts + 1):
        for factors in combinations(causes, size):
            for values in product((1, 0), repeat=size):
                t = tuple(zip(factors, values))
                if size > 1 and any(t[:i] + t[i + 1:] in sufficient for i in range(size)):
                    sufficient.add(t)  # not minimal; its supersets are not minimal either
                    continue
                x = data.cases(t)
                if not x:
                    continue
                if (x & y).bit_count() >= (con - EPS) * x.bit_count():
                    sufficient.add(t)
                    found.append((t, x))
    return found


@lru_cache(maxsize=4096)
def _space_masks(factors: tuple[int, ...]) -> tuple[dict[tuple[int, int], int], int]:
    """Bit sets over all 2^k configurations of ``factors``: per factor value, the configurations having it."""
    k = len(factors)
    size = 1 << k
    masks: dict[tuple[int, int], int] = {}
    for j, f in enumerate(factors):
        present = 0
        for config in range(size):
            if config >> j & 1:
                present |= 1 << config
        masks[(f, 1)] = present
        masks[(f, 0)] = (size and ((1 << size) - 1)) ^ present
    return masks, (1 << size) - 1


def is_inus(terms: Sequence[Term]) -> bool:
    """Whether a disjunction of terms is free of logical redundancy (cna's INUS condition).

    True when it is neither always true nor never true, no disjunct implies another, and no
    disjunct nor any factor value of a disjunct can be removed without changing the Boolean
    function over the factors it names.

    Examples
    --------
    >>> is_inus([((0, 1),), ((0, 0), (1, 1))])     # A + a*B equals A + B: redundant
    False
    >>> is_inus([((0, 1),), ((1, 1),)])
    True
    """
    factors = tuple(sorted({f for t in terms for f, _ in t}))
    masks, everything = _space_masks(factors)

    def conj(t: Term) -> int:
        out = everything
        for literal in t:
            out &= masks[literal]
        return out

    parts = [conj(t) for t in terms]
    truth = 0
    for p in parts:
        truth |= p
    if truth in (0, everything):
        return False
    for i, t in enumerate(terms):
        if any(set(other) <= set(t) for j, other in enumerate(terms) if j != i):
            return False
        rest = 0
        for j, p in enumerate(parts):
            if j != i:
                rest |= p
        if rest == truth:
            return False
        for k in range(len(t)):
            if rest | conj(t[:k] + t[k + 1:]) == truth:
                return False
    return True


def _asf(data: _Data, outcome: tuple[int, int], mscs: list[tuple[Term, int]], con: float, cov: float,
         maxstep: tuple[int, int, int], max_candidates: int, max_asf: int, selection: bool = True
         ) -> tuple[list[tuple[tuple[Term, ...], float, float]], str, int]:
    """Minimally necessary disjunctions of msc that reach ``con`` and ``cov`` and are INUS.

    With ``selection`` (the R package's default ``asf.selection = "cs"`` since cna 3.5) an asf is
    kept only when the outcome is both present and absent among the cases that fit it strictly
    (left side and outcome equal): below con = cov = 1 an asf whose outcome varies only in cases
    it does not fit rests on noise alone. The third value returned counts the asf so set aside.

    msc with the same cases are interchangeable for consistency and coverage, so the search
    runs over their distinct case sets, depth first, sets with the most outcome cases first,
    and stops a branch when even its best continuations could not reach ``cov``; each set of
    case sets found is then written out with every choice of msc for it.
    """
    y = data.masks[outcome[0]][outcome[1]]
    ny = y.bit_count()
    need = (cov - EPS) * ny
    by_mask: dict[int, list[Term]] = {}
    for t, x in mscs:
        by_mask.setdefault(x, []).append(t)
    masks = sorted(by_mask, key=lambda m: (-(m & y).bit_count(), min(len(t) for t in by_mask[m]), m))
    gains = [(m & y).bit_count() for m in masks]
    shortest = [min(len(t) for t in by_mask[m]) for m in masks]
    hits: list[tuple[int, ...]] = []
    tried = 0
    complete = True

    def search(start: int, chosen: tuple[int, ...], union: int, size: int) -> None:
        nonlocal tried, complete
        slots = maxstep[1] - len(chosen)
        covered = (union & y).bit_count()
        for i in range(start, len(masks)):
            if covered + slots * gains[i] < need:
                break  # later case sets add no more outcome cases than this one
            if size + shortest[i] > maxstep[2]:
                continue
            tried += 1
            if tried > max_candidates:
                complete = False
                return
            joined = union | masks[i]
            hit = (joined & y).bit_count()
            if hit >= need and hit >= (con - EPS) * joined.bit_count():
                hits.append(chosen + (i,))
                continue  # a superset of an asf is not minimally necessary
            if slots > 1:
                search(i + 1, chosen + (i,), joined, size + shortest[i])
            if not complete:
                return

    search(0, (), 0, 0)
    hits.sort(key=len)
    minimal: list[frozenset[int]] = []
    kept: set[frozenset[int]] = set()
    for h in hits:
        if not any(frozenset(sub) in kept for r in range(1, len(h)) for sub in combinations(h, r)):
            minimal.append(frozenset(h))
            kept.add(frozenset(h))
    found: list[tuple[tuple[Term, ...], float, float]] = []
    stopped = "" if complete else f"after {max_candidates:,} candidate disjunctions"
    set_aside = 0
    for combo in minimal:
        joined = 0
        for i in combo:
            joined |= masks[i]
        hit = (joined & y).bit_count()
        fits = not selection or bool(hit and ~joined & ~y & data.everyone)  # the outcome varies where it fits
        c, v = _ratio(hit, joined.bit_count()), _ratio(hit, ny)
        for terms in product(*(by_mask[masks[i]] for i in sorted(combo))):
            if sum(len(t) for t in terms) > maxstep[2] or any(len(t) > maxstep[0] for t in terms):
                continue
            ordered = tuple(sorted(terms, key=lambda t: (len(t), t)))
            if is_inus(ordered):
                if not fits:
                    set_aside += 1
                    continue
                found.append((ordered, c, v))
                if len(found) >= max_asf:
                    return found, f"at {max_asf:,} asf", set_aside
    return found, stopped, set_aside


def _csf_redundant(parts: Sequence[tuple[tuple[int, int], tuple[Term, ...]]]) -> bool:
    """Whether a csf has a structural redundancy, whole or partial.

    Over every configuration of the csf's factors: an asf is structurally redundant when the
    other asf imply it; a disjunct or a factor value of an asf is partially structurally
    redundant when the csf implies the csf with that part removed (the "implication"
    definition of the R package since version 3.6).
    """
    import numpy as np

    if len(parts) < 2:
        return False
    factors = sorted({f for (o, _), terms in parts for f in [o, *[g for t in terms for g, _ in t]]})
    if len(factors) > 16:
        return False  # 2^16 configurations is the most enumerated; such csf are kept as they are
    pos = {f: i for i, f in enumerate(factors)}
    space = np.array(list(product((0, 1), repeat=len(factors))), dtype=np.int8).reshape(-1, len(factors))

    def holds(outcome: tuple[int, int], terms: Sequence[Term]) -> "np.ndarray":
        lhs = np.zeros(len(space), dtype=bool)
        for t in terms:
            conj = np.ones(len(space), dtype=bool)
            for f, v in t:
                conj &= space[:, pos[f]] == v
            lhs |= conj
        return lhs == (space[:, pos[outcome[0]]] == outcome[1])

    each = [holds(o, terms) for o, terms in parts]
    whole = np.logical_and.reduce(each)
    for i, (o, terms) in enumerate(parts):
        others = np.logical_and.reduce([e for j, e in enumerate(each) if j != i])
        if not (others & ~each[i]).any():
            return True
        reductions = [terms[:k] + terms[k + 1:] for k in range(len(terms))] if len(terms) > 1 else []
        for k, t in enumerate(terms):
            if len(t) > 1:
                reductions += [terms[:k] + (t[:m] + t[m + 1:],) + terms[k + 1:] for m in range(len(t))]
        for reduced in reductions:
            if not (whole & ~holds(o, reduced)).any():
                return True
    return False


def cna(frame: "pd.DataFrame", outcome: str | Sequence[str] | None = None, *, con: float = 1.0, cov: float = 1.0,
        maxstep: tuple[int, int, int] = MAXSTEP, conditions: Sequence[str] | None = None,
        max_candidates: int = MAX_ASF_CANDIDATES, max_asf: int = MAX_ASF, n_init: int = N_INIT,
        asf_selection: str = "cs") -> CnaResult:
    """Coincidence analysis of crisp data: msc, asf and csf with consistency and coverage.

    Parameters
    ----------
    frame : DataFrame
        Cases x factors, every column 0/1 (calibrate first).
    outcome : str or sequence of str, optional
        The outcome(s): a column name for its presence, ``~NAME`` or the lower-case name
        for its absence. Default: every factor in turn, as the R package does.
    con, cov : float
        Consistency threshold for msc and asf, coverage threshold for asf (default 1, 1).
    maxstep : (int, int, int)
        Bound of the search: factor values per disjunct, disjuncts per asf, factor values
        per asf (default (3, 4, 10), the R package's).
    conditions : sequence of str, optional
        Factors that may be causes (default every column but the outcome; with several
        outcomes the others are potential causes too, so chains can be found).
    max_candidates : int
        Most disjunctions of msc case sets tested per outcome.
    max_asf : int
        Most asf kept per outcome (data that fit thousands of models at once are better read
        at higher thresholds).
    n_init : int
        Most asf combinations tried when building csf.
    asf_selection : {"cs", "none"}
        ``"cs"`` (default, as the R package's ``asf.selection`` since cna 3.5): an asf is kept
        only when the outcome is present and absent among the cases that fit it strictly, so
        that below con = cov = 1 no asf rests on noise alone; the notes count those set aside.
        ``"none"``: every asf that meets the thresholds (cna before 3.5).

    Returns
    -------
    CnaResult

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"A": [1, 1, 0, 0], "B": [1, 0, 1, 0], "Y": [1, 1, 1, 0]})
    >>> cna(data, "Y").asf[["condition", "consistency", "coverage"]].to_dict("records")
    [{'condition': 'A + B <-> Y', 'consistency': 1.0, 'coverage': 1.0}]
    """
    import pandas as pd

    if not (0 < con <= 1 and 0 < cov <= 1):
        raise InputError("con and cov must be in (0, 1]", hint="e.g. --con 0.8 --cov 0.8")
    if asf_selection not in ("cs", "none"):
        raise InputError(f"unknown asf selection {asf_selection!r}", hint="use cs or none")
    if len(maxstep) != 3 or min(maxstep) < 1:
        raise InputError("maxstep takes three positive integers", hint="e.g. 3 4 10")
    names = factor_names(list(frame.columns))
    for column in names:
        values = set(frame[column].tolist())
        if not values <= {0, 1, True, False}:
            raise InputError(f"column {column!r} is not crisp (0/1)", hint="calibrate it first")
    if len(frame) < 2:
        raise InputError("CNA needs at least two cases")
    rows = [tuple(int(v) for v in r) for r in frame[names].itertuples(index=False)]
    data = _Data(rows, len(names))
    outcomes = _outcome_literals(outcome, names)
    constant = {i for i in range(len(names)) if len({r[i] for r in rows}) < 2}
    if conditions is not None:
        unknown = [c for c in conditions if c not in names]
        if unknown:
            raise InputError(f"condition {unknown[0]!r} is not a column", hint="columns: " + ", ".join(names))
    allowed = set(range(len(names))) if conditions is None else {names.index(c) for c in conditions}
    maxstep = (min(maxstep[0], maxstep[2]), min(maxstep[1], maxstep[2]), maxstep[2])
    msc_rows, asf_rows = [], []
    asf_by_outcome: dict[tuple[int, int], list[tuple[tuple[Term, ...], float, float]]] = {}
    complete = True
    notes = []
    for o in outcomes:
        if o[0] in constant:
            notes.append(f"{factor_label(names[o[0]], o[1])} is constant in the data and was not analysed "
                         "as an outcome.")
            continue
        causes = sorted(f for f in allowed if f != o[0] and f not in constant)
        mscs = _msc(data, o, causes, con, maxstep[0])
        y = data.masks[o[0]][o[1]]
        label = factor_label(names[o[0]], o[1])
        for t, x in mscs:
            hit = (x & y).bit_count()
            msc_rows.append({"outcome": label, "condition": f"{format_term(t, names)} -> {label}",
                             "consistency": _ratio(hit, x.bit_count()), "coverage": _ratio(hit, y.bit_count()),
                             "complexity": len(t), "n": x.bit_count()})
        found, stopped, set_aside = _asf(data, o, mscs, con, cov, maxstep, max_candidates, max_asf,
                                         selection=asf_selection == "cs")
        if set_aside:
            notes.append(f"{set_aside} asf meeting the thresholds for {label} "
                         f"{'were' if set_aside != 1 else 'was'} set aside: the outcome varies only among cases "
                         "they do not fit (noise); the R package's asf.selection = \"cs\" (asf_selection=\"none\" "
                         "keeps them).")
        if stopped:
            complete = False
            notes.append(f"The asf search for {label} stopped {stopped}: the asf listed are some, not all "
                         "(raise the thresholds, lower maxstep, or raise the bound).")
        found.sort(key=lambda a: (sum(len(t) for t in a[0]), -a[1] * a[2], a[0]))
        asf_by_outcome[o] = found
        for terms, c, v in found:
            asf_rows.append({"outcome": label, "condition": _asf_text(terms, o, names), "consistency": c,
                             "coverage": v, "complexity": sum(len(t) for t in terms)})
    csf_rows = _csf(asf_by_outcome, names, n_init, notes)
    columns = ["outcome", "condition", "consistency", "coverage", "complexity"]
    msc = pd.DataFrame(msc_rows, columns=[*columns, "n"])
    asf = pd.DataFrame(asf_rows, columns=columns)
    csf = pd.DataFrame(csf_rows, columns=columns)
    return CnaResult(msc, asf, csf, con, cov, maxstep, [factor_label(names[o], v) for o, v in outcomes], notes,
                     complete)


def _asf_text(terms: Sequence[Term], outcome: tuple[int, int], names: Sequence[str]) -> str:
    return " + ".join(format_term(t, names) for t in terms) + f" <-> {factor_label(names[outcome[0]], outcome[1])}"


def _csf(asf_by_outcome: dict[tuple[int, int], list[tuple[tuple[Term, ...], float, float]]], names: Sequence[str],
         n_init: int, notes: list[str]) -> list[dict[str, Any]]:
    lists = [[(o, a) for a in found] for o, found in asf_by_outcome.items() if found]
    if not lists:
        return []
    rows = []
    total = 1
    for group in lists:
        total *= len(group)
    if total > n_init:
        notes.append(f"{total:,} combinations of asf exist; csf were built from the first {n_init:,} "
                     "(simplest asf first), so some csf may be missing.")
    seen: set[str] = set()
    for i, combo in enumerate(product(*lists)):
        if i >= n_init:
            break
        parts = [(o, a[0]) for o, a in combo]
        if _csf_redundant(parts):
            continue
        text = "*".join(f"({_asf_text(a[0], o, names)})" for o, a in combo) if len(combo) > 1 \
            else _asf_text(combo[0][1][0], combo[0][0], names)
        if text in seen:
            continue
        seen.add(text)
        rows.append({"outcome": ",".join(factor_label(names[o[0]], o[1]) for o, _ in combo), "condition": text,
                     "consistency": min(a[1] for _, a in combo), "coverage": min(a[2] for _, a in combo),
                     "complexity": sum(len(t) for _, a in combo for t in a[0])})
    if not rows and len(lists) > 1:
        notes.append("The asf could not be combined into a csf: every combination has a structural redundancy "
                     "(for instance two outcomes that are each other's asf). The asf stand alone in their own table "
                     "(the R package returns them as its csf in this case).")
    rows.sort(key=lambda r: (r["complexity"], -r["consistency"] * r["coverage"]))
    return rows


def robustness(frame: "pd.DataFrame", outcome: str | Sequence[str] | None = None, *,
               grid: Sequence[float] = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75), level: str = "csf",
               **kwargs: Any) -> "pd.DataFrame":
    """How often each model recurs over a grid of consistency and coverage thresholds.

    CNA is run once for every pair (con, cov) of values of ``grid`` (a reanalysis series, in
    the spirit of Parkkinen & Baumgartner's fit-robustness). A model found at many settings
    is robust to the choice of thresholds; one found at a single setting is not.

    Parameters
    ----------
    frame, outcome, **kwargs
        As for :func:`cna`.
    grid : sequence of float
        Threshold values, used for both con and cov.
    level : {"csf", "asf"}

    Returns
    -------
    DataFrame
        ``condition``, ``outcome``, ``runs`` (settings at which it was found), ``share`` of
        the settings, ``highest_con`` and ``highest_cov`` (the strictest thresholds at which
        it was found), ``settings`` (``con/cov`` pairs), most recurrent first.

    References
    ----------
    Parkkinen, V.-P., & Baumgartner, M. (2023). Robustness and model selection in
    configurational causal modeling. *Sociological Methods & Research*, 52(1), 176-208.
    """
    import pandas as pd

    if level not in ("csf", "asf"):
        raise InputError(f"level {level!r}", hint="use csf or asf")
    values = sorted({float(g) for g in grid}, reverse=True)
    if not values or any(not 0 < g <= 1 for g in values):
        raise InputError("the threshold grid takes values in (0, 1]", hint="e.g. 1 0.9 0.8 0.75")
    found: dict[str, dict[str, Any]] = {}
    settings = [(c, v) for c in values for v in values]
    for c, v in settings:
        result = cna(frame, outcome, con=c, cov=v, **kwargs)
        table = result.csf if level == "csf" else result.asf
        for row in table.itertuples(index=False):
            entry = found.setdefault(row.condition, {"condition": row.condition, "outcome": row.outcome, "runs": 0,
                                                     "highest_con": 0.0, "highest_cov": 0.0, "settings": []})
            entry["runs"] += 1
            entry["highest_con"] = max(entry["highest_con"], c)
            entry["highest_cov"] = max(entry["highest_cov"], v)
            entry["settings"].append(f"{c:g}/{v:g}")
    rows = sorted(found.values(), key=lambda e: (-e["runs"], e["condition"]))
    for e in rows:
        e["share"] = e["runs"] / len(settings)
        e["settings"] = ", ".join(e["settings"])
    return pd.DataFrame(rows, columns=["condition", "outcome", "runs", "share", "highest_con", "highest_cov",
                                       "settings"])


def equivalent_on(terms: Sequence[Term], rows: Sequence[Sequence[int]], y: Sequence[int]) -> bool:
    """Whether a disjunction of terms takes the value ``y`` on every configuration of ``rows``."""
    return all(int(any(covers(t, r) for t in terms)) == int(v) for r, v in zip(rows, y))


__all__ = ["MAXSTEP", "MAX_ASF", "MAX_ASF_CANDIDATES", "N_INIT", "CnaResult", "cna", "robustness", "is_inus",
           "factor_names",
           "equivalent_on"]
