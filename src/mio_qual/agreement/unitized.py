"""Krippendorff's unitized alpha: agreement on where coded stretches begin and end.

Coding text is two acts at once: cutting the continuum into stretches (unitizing) and
labelling them. Unit-based coefficients see only the second; this module measures both on
the continuum itself, with no units of analysis imposed. Each transcript is a continuum of
L characters; a coder's spans with a code are that coder's *units* of the code, the rest of
the continuum the coder's *gaps*. We compute two published variants.

**Per code: uα of Krippendorff (2004), Content Analysis, 2nd ed., section 12.4** (binary: one
code against its absence, originally Krippendorff 1995). For coders i, j, their sections g, h
(units or gaps) with beginnings b, lengths l and ends e = b + l, the difference is

* both units and overlapping: delta2 = (b_g - b_h)^2 + (e_g - e_h)^2;
* a unit of one coder lying inside a gap of the other: delta2 = l_unit^2;
* otherwise 0;

and with m coders, N the number of units of all coders and L the continuum length

    uD_o = sum_i sum_{j != i} sum_g sum_h delta2 / (m (m - 1) L^2),

    uD_e = (2 / L) sum_{units g} [ (N - 1)(2 l_g^3 - 3 l_g^2 + l_g) / 3
                                   + l_g^2 sum_{gaps h, all coders, l_h >= l_g} (l_h - l_g + 1) ]
           / [ m L (m L - 1) - sum_{units g} l_g (l_g - 1) ],

    uα = 1 - uD_o / uD_e.

This reproduces the worked example of Krippendorff (2004, p. 254): uD_o = .0144,
uD_e = .0532, uα = .7286 for category c. Across codes we pool as
``1 - sum_k uD_o,k / sum_k uD_e,k``. Several transcripts form one continuum of total length
L (gaps never run across a transcript boundary).

**Across codes: the coincidence family of Krippendorff (2019), Content Analysis, 4th ed.,
section 12.6** (after Krippendorff, Mathet, Bouvry & Widlöcher 2016). Each coder's sections
carry a value: a code, or the empty value phi for gaps. The observed coincidences are the
lengths of overlap of sections of different coders,
``l_ck = 1/(m - 1) sum_i sum_{j != i} sum_gh |S_ig(c) and S_jh(k)|``, and the expected
coincidences ``e_ck = l.. (l_c. l_.k - [c = k] S_c) / (l..^2 - S)`` where S_c sums the squared
length of every section valued c (a coded section cannot pair with itself) and the plain
length of every gap (gap characters pair freely); S = sum_c S_c. Then, nominally,

* ``"nominal"`` (_uα): alpha from the whole matrix: boundaries and codes together;
* ``"binary"`` (|_uα): the matrix collapsed to phi / not phi: unitizing only;
* ``"coding"`` (_cuα): the sub-matrix of coded x coded overlaps: the codes given the units,
  with S_c built from each section's pairable length (its mean overlap with the other coders'
  coded sections).

On Krippendorff's (2019, p. 340) example these give .510, .414 (printed .413) and .724. This
family needs each coder's sections to be mutually exclusive (one code per character); with
overlapping codes use the per-code uα.

Only transcripts seen by every compared coder enter (unitizing has no missing values);
others are set aside and counted.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .results import Agreement
from .units import _seen, merge_spans, normalize_codings, transcript_lengths

POOLED = "(all codes)"
VARIANTS = ("nominal", "binary", "coding")
SOURCE_2004 = "Krippendorff (2004), Content Analysis 2nd ed., sec. 12.4 (u-alpha per category; Krippendorff 1995)"
SOURCE_2019 = "Krippendorff (2019), Content Analysis 4th ed., sec. 12.6; Krippendorff et al. (2016)"

__all__ = ["unitized_alpha_by_code", "unitized_alpha", "unitized_alpha_table", "POOLED", "VARIANTS"]


class _Continuum:
    """Codings of the compared coders laid on one line, transcript after transcript."""

    def __init__(self, codings: pd.DataFrame, texts: Any, coders: Sequence[str] | None,
                 codes: Sequence[str] | None, coverage: Any) -> None:
        cod_all = normalize_codings(codings, coders)
        self.coders = [str(c) for c in coders] if coders is not None else sorted(cod_all["coder"].unique())
        if len(self.coders) < 2:
            raise InputError(f"unitized alpha needs at least two coders, got {len(self.coders)}")
        lengths = transcript_lengths(texts)
        cod = cod_all if codes is None else cod_all[cod_all["code"].isin([str(c) for c in codes])]
        self.codes = [str(c) for c in codes] if codes is not None else sorted(cod["code"].unique())
        candidates = sorted(set(lengths) | set(cod_all["transcript_id"]))
        missing = [t for t in candidates if t not in lengths]
        if missing:
            raise InputError(f"no text length for transcript {missing[0]!r}",
                             hint="unitized alpha needs texts= (lengths or texts) for every coded transcript")
        seen = _seen(cod_all, self.coders, candidates, coverage)
        full = seen.all(axis=0)
        self.transcripts = [t for t, ok in zip(candidates, full) if ok]
        self.set_aside = {"transcripts not seen by every coder": float((~full).sum())} if (~full).any() else {}
        self.lengths = np.array([lengths[t] for t in self.transcripts], dtype=np.int64)
        self.offsets = np.concatenate(([0], np.cumsum(self.lengths)[:-1])).astype(np.int64)
        self.total = int(self.lengths.sum())
        t_index = {t: i for i, t in enumerate(self.transcripts)}
        cod = cod[cod["transcript_id"].isin(t_index)]
        ends = cod["end"].to_numpy()
        t_of = cod["transcript_id"].map(t_index).to_numpy().astype(np.int64)
        if (ends > self.lengths[t_of]).any():
            row = cod.iloc[int(np.flatnonzero(ends > self.lengths[t_of])[0])]
            raise InputError(f"a coding ends at {row['end']}, past the end of transcript {row['transcript_id']!r}",
                             hint="offsets must point into the canonical text")
        c_index = {c: i for i, c in enumerate(self.coders)}
        k_index = {c: i for i, c in enumerate(self.codes)}
        self.coder = cod["coder"].map(c_index).to_numpy().astype(np.int64)
        self.code = cod["code"].map(k_index).to_numpy().astype(np.int64)
        self.start = self.offsets[t_of] + cod["start"].to_numpy()
        self.end = self.offsets[t_of] + cod["end"].to_numpy()

    @property
    def m(self) -> int:
        return len(self.coders)

    def transcript_of(self, pos: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.offsets, pos, side="right") - 1


def _sections(bounds_fixed: np.ndarray, unit_start: np.ndarray, unit_end: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """Boundaries of a coder's partition and whether each section is a unit."""
    bounds = np.unique(np.concatenate((bounds_fixed, unit_start, unit_end)))
    is_unit = np.isin(bounds[:-1], unit_start)
    return bounds, is_unit


def _pair_intervals(b1: np.ndarray, b2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Elementary intervals of two partitions: start, length, section index in each."""
    merged = np.union1d(b1, b2)
    starts = merged[:-1]
    g = np.searchsorted(b1, starts, side="right") - 1
    h = np.searchsorted(b2, starts, side="right") - 1
    return starts, np.diff(merged), g, h


# ----------------------------------------------------------------------------- 2004, per code
def _u2004(cont: _Continuum, by_transcript: bool) -> dict[tuple[int, int], tuple[float, float, int]]:
    """(uD_o, uD_e, n units) per group: (code, -1) or (code, transcript)."""
    n_codes, n_t, m = len(cont.codes), len(cont.transcripts), cont.m
    line = max(cont.total, 1)
    # each code gets its own copy of the continuum: position = code * line + pos
    fixed = (np.arange(n_codes)[:, None] * line + np.concatenate((cont.offsets, [cont.total]))[None, :]).reshape(-1)
    fixed = np.unique(fixed)
    merged = {}
    for i in range(m):
        sel = cont.coder == i
        key, s, e = merge_spans(cont.code[sel], cont.start[sel], cont.end[sel], join_touching=False)
        merged[i] = (key * line + s, key * line + e)
    parts = {i: _sections(fixed, *merged[i]) for i in range(m)}

    def group_of(pos: np.ndarray) -> np.ndarray:
        code = pos // line
        if not by_transcript:
            return code
        return code * n_t + cont.transcript_of(pos % line)

    n_groups = n_codes * (n_t if by_transcript else 1)
    observed = np.zeros(n_groups)
    for i in range(m):
        for j in range(i + 1, m):
            (bi, ui), (bj, uj) = parts[i], parts[j]
            starts, _, g, h = _pair_intervals(bi, bj)
            bg, eg, bh, eh = bi[g], bi[g + 1], bj[h], bj[h + 1]
            unit_g, unit_h = ui[g], uj[h]
            d = np.zeros(starts.size, dtype=np.float64)
            both = unit_g & unit_h
            d[both] = (bg[both] - bh[both]).astype(np.float64) ** 2 + (eg[both] - eh[both]).astype(np.float64) ** 2
            inside_h = unit_g & ~unit_h & (bh <= bg) & (eg <= eh)
            d[inside_h] = (eg[inside_h] - bg[inside_h]).astype(np.float64) ** 2
            inside_g = ~unit_g & unit_h & (bg <= bh) & (eh <= eg)
            d[inside_g] = (eh[inside_g] - bh[inside_g]).astype(np.float64) ** 2
            observed += 2.0 * np.bincount(group_of(starts), weights=d, minlength=n_groups)

    # expected: units and gaps of every coder, by group
    unit_len, unit_grp, gap_len, gap_grp = [], [], [], []
    for i in range(m):
        b, u = parts[i]
        lengths = np.diff(b)
        grp = group_of(b[:-1])
        unit_len.append(lengths[u])
        unit_grp.append(grp[u])
        gap_len.append(lengths[~u])
        gap_grp.append(grp[~u])
    ul, ug = np.concatenate(unit_len).astype(np.float64), np.concatenate(unit_grp)
    gl, gg = np.concatenate(gap_len).astype(np.float64), np.concatenate(gap_grp)
    n_units = np.bincount(ug, minlength=n_groups)
    order = np.lexsort((gl, gg))
    gl_s, gg_s = gl[order], gg[order]
    cum = np.concatenate(([0.0], np.cumsum(gl_s)))
    # for each unit, the gaps of its group at least as long: a contiguous run of the sorted gaps
    big = float(max(gl.max() if gl.size else 1.0, ul.max() if ul.size else 1.0)) + 2.0
    gap_key = gg_s * big + gl_s
    first = np.searchsorted(gap_key, ug * big + ul, side="left")
    last = np.searchsorted(gap_key, (ug + 1) * big, side="left")
    count = last - first
    gap_sum = cum[last] - cum[first]
    placements = gap_sum - (ul - 1.0) * count
    per_unit = (n_units[ug] - 1.0) * (2 * ul ** 3 - 3 * ul ** 2 + ul) / 3.0 + ul ** 2 * placements
    numer = np.bincount(ug, weights=per_unit, minlength=n_groups)
    self_pairs = np.bincount(ug, weights=ul * (ul - 1.0), minlength=n_groups)
    if by_transcript:
        length = np.tile(cont.lengths.astype(np.float64), n_codes)
    else:
        length = np.full(n_groups, float(cont.total))
    with np.errstate(invalid="ignore", divide="ignore"):
        d_o = observed / (m * (m - 1.0) * length ** 2)
        d_e = (2.0 / length) * numer / (m * length * (m * length - 1.0) - self_pairs)
    out = {}
    for grp in range(n_groups):
        key = (grp // n_t, grp % n_t) if by_transcript else (grp, -1)
        out[key] = (float(d_o[grp]), float(d_e[grp]), int(n_units[grp]))
    return out


def _agreement_2004(d_o: float, d_e: float, n_units: int, m: int, note: str = "") -> Agreement:
    if n_units == 0 or not d_e > 0:
        value = math.nan
        note = note or ("undefined: no coder used the code, so there is nothing to unitize" if n_units == 0 else
                        "undefined: expected disagreement is 0")
    else:
        value = 1.0 - d_o / d_e
    return Agreement(statistic="unitized_alpha", value=value, observed=d_o, expected=d_e, basis="disagreement",
                     n_units=n_units, n_coders=m, n_categories=2, weights="binary per code (2004)", note=note,
                     source=SOURCE_2004)


def unitized_alpha_by_code(codings: pd.DataFrame, texts: Mapping[str, Any] | pd.DataFrame, *,
                           coders: Sequence[str] | None = None, codes: Sequence[str] | None = None,
                           coverage: Any = None) -> dict[str, Agreement]:
    """Krippendorff's (2004) uα for each code, and pooled over codes.

    Parameters
    ----------
    codings : DataFrame
        ``transcript_id, start, end, code, coder`` (half-open code-point offsets).
    texts : mapping or DataFrame
        Transcript id -> length (or text). Every transcript listed is a continuum.
    coders, codes : sequence of str, optional
        Whom and what to compare (default: all in ``codings``).
    coverage : optional
        Transcripts each coder saw beyond those they coded (see :mod:`.units`).

    Returns
    -------
    dict
        Code -> :class:`Agreement` (``observed``/``expected`` are uD_o/uD_e, ``n_units`` the
        number of units of all coders), and ``POOLED`` -> the pooled value
        1 - sum uD_o / sum uD_e over the codes anyone used.

    Notes
    -----
    A coder's overlapping spans with the same code are merged first (Krippendorff's units of
    one category by one coder may not overlap); touching spans stay separate units.

    References
    ----------
    Krippendorff, K. (1995). On the reliability of unitizing continuous data. *Sociological
    Methodology*, 25, 47-76.

    Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology* (2nd
    ed.), section 12.4. Sage.

    Examples
    --------
    Krippendorff (2004, p. 254): two coders, a continuum of 300 (150 to 450), categories c, k.

    >>> cod = pd.DataFrame({
    ...     "transcript_id": "x", "coder": ["i", "i", "j", "j", "j", "i", "i", "j", "j"],
    ...     "code": ["c"] * 5 + ["k"] * 4,
    ...     "start": [225, 370, 220, 355, 400, 180, 300, 180, 300],
    ...     "end": [295, 400, 300, 375, 420, 240, 350, 240, 350]})
    >>> cod[["start", "end"]] -= 150
    >>> result = unitized_alpha_by_code(cod, {"x": 300})
    >>> c = result["c"]
    >>> round(c.observed, 4), round(c.expected, 4), round(c.value, 4)
    (0.0144, 0.0532, 0.7286)
    >>> round(result["k"].value, 4), round(result["k"].expected, 4)
    (1.0, 0.049)
    """
    cont = _Continuum(codings, texts, coders, codes, coverage)
    stats = _u2004(cont, by_transcript=False)
    out: dict[str, Agreement] = {}
    total_o = total_e = 0.0
    total_units = 0
    for k, code in enumerate(cont.codes):
        d_o, d_e, n = stats[(k, -1)]
        out[code] = _agreement_2004(d_o, d_e, n, cont.m)
        if n > 0 and d_e > 0:
            total_o, total_e, total_units = total_o + d_o, total_e + d_e, total_units + n
    out[POOLED] = _agreement_2004(total_o, total_e, total_units, cont.m)
    return out


def unitized_alpha_table(codings: pd.DataFrame, texts: Mapping[str, Any] | pd.DataFrame, *,
                         coders: Sequence[str] | None = None, codes: Sequence[str] | None = None,
                         coverage: Any = None, by_transcript: bool = False) -> pd.DataFrame:
    """Per-code uα (Krippendorff 2004) as a DataFrame, optionally per transcript too.

    Columns: ``code``, ``transcript_id`` (``"(all)"`` unless per transcript), ``alpha``,
    ``observed``, ``expected``, ``n_units``. Per-transcript rows treat each transcript as its
    own continuum. A pooled row per transcript (and overall) has code ``POOLED``.
    """
    cont = _Continuum(codings, texts, coders, codes, coverage)
    records = []
    for per_t in ((False, True) if by_transcript else (False,)):
        stats = _u2004(cont, by_transcript=per_t)
        pools: dict[int, list[float]] = {}
        for (k, t), (d_o, d_e, n) in stats.items():
            a = _agreement_2004(d_o, d_e, n, cont.m)
            tid = cont.transcripts[t] if t >= 0 else "(all)"
            records.append({"code": cont.codes[k], "transcript_id": tid, "alpha": a.value, "observed": d_o,
                            "expected": d_e, "n_units": n})
            if n > 0 and d_e > 0:
                pool = pools.setdefault(t, [0.0, 0.0, 0])
                pool[0] += d_o
                pool[1] += d_e
                pool[2] += n
        for t, (d_o, d_e, n) in sorted(pools.items()):
            tid = cont.transcripts[t] if t >= 0 else "(all)"
            records.append({"code": POOLED, "transcript_id": tid, "alpha": 1.0 - d_o / d_e, "observed": d_o,
                            "expected": d_e, "n_units": n})
    return pd.DataFrame.from_records(records, columns=["code", "transcript_id", "alpha", "observed", "expected",
                                                       "n_units"])


# ----------------------------------------------------------------------------- 2019, across codes
def unitized_alpha(codings: pd.DataFrame, texts: Mapping[str, Any] | pd.DataFrame, *, variant: str = "nominal",
                   coders: Sequence[str] | None = None, codes: Sequence[str] | None = None,
                   coverage: Any = None) -> Agreement:
    """Krippendorff's (2019) unitized alpha over all codes at once (the coincidence family).

    Parameters
    ----------
    codings : DataFrame
        ``transcript_id, start, end, code, coder``; a coder's sections with different codes
        must not overlap (one value per character).
    texts : mapping or DataFrame
        Transcript id -> length (or text).
    variant : {"nominal", "binary", "coding"}
        _uα (boundaries and codes), |_uα (boundaries only) or _cuα (codes given the units);
        see the module docstring.

    Returns
    -------
    Agreement
        ``observed``/``expected`` are the disagreements per character, ``n_units`` the number
        of coded sections of all coders. When codes overlap within a coder the value is NaN and
        ``note`` names the first overlap.

    References
    ----------
    Krippendorff, K. (2019). *Content Analysis: An Introduction to Its Methodology* (4th
    ed.), section 12.6. Sage.

    Krippendorff, K., Mathet, Y., Bouvry, S., & Widlöcher, A. (2016). On the reliability of
    unitizing textual continua: Further developments. *Quality & Quantity*, 50, 2347-2364.

    Examples
    --------
    Krippendorff (2019, p. 340): three observers on a continuum of 60.

    >>> spans = {"Alex": [(0, 7, "1"), (7, 13, "2"), (30, 32, "5"), (32, 37, "6"), (37, 44, "6"), (44, 60, "7")],
    ...          "Paul": [(0, 7, "1"), (7, 13, "3"), (13, 21, "5"), (32, 44, "6")],
    ...          "Suzan": [(0, 7, "1"), (7, 13, "4"), (13, 21, "5"), (32, 37, "6"), (37, 41, "6"), (41, 44, "6")]}
    >>> cod = pd.DataFrame([(who, s, e, v) for who, rows in spans.items() for s, e, v in rows],
    ...                    columns=["coder", "start", "end", "code"]).assign(transcript_id="fig")
    >>> [round(unitized_alpha(cod, {"fig": 60}, variant=v).value, 3) for v in ("nominal", "binary", "coding")]
    [0.51, 0.414, 0.724]
    """
    if variant not in VARIANTS:
        raise InputError(f"unknown variant {variant!r}", hint="use " + ", ".join(VARIANTS))
    cont = _Continuum(codings, texts, coders, codes, coverage)
    m, n_codes = cont.m, len(cont.codes)
    fixed = np.concatenate((cont.offsets, [cont.total]))
    parts, values = {}, {}
    for i in range(m):
        sel = cont.coder == i
        key, s, e = merge_spans(cont.code[sel], cont.start[sel], cont.end[sel], join_touching=False)
        order = np.argsort(s, kind="stable")
        key, s, e = key[order], s[order], e[order]
        clash = np.flatnonzero(s[1:] < e[:-1])
        if clash.size:
            c = int(clash[0])
            t = cont.transcript_of(np.array([s[c + 1]]))[0]
            return Agreement(statistic="unitized_alpha", value=math.nan, basis="disagreement", n_coders=m,
                             weights=variant, source=SOURCE_2019,
                             note=f"undefined: coder {cont.coders[i]!r} applied {cont.codes[key[c]]!r} and "
                                  f"{cont.codes[key[c + 1]]!r} to overlapping text in {cont.transcripts[t]!r}; "
                                  "this variant needs one code per character (use the per-code unitized alpha)")
        bounds, is_unit = _sections(fixed, s, e)
        value = np.zeros(bounds.size - 1, dtype=np.int64)
        value[is_unit] = key[np.searchsorted(s, bounds[:-1][is_unit])] + 1     # 0 = phi
        parts[i], values[i] = bounds, value
    v = n_codes + 1
    o = np.zeros((v, v))
    pairable = {i: np.zeros(values[i].size) for i in range(m)}
    for i in range(m):
        for j in range(i + 1, m):
            _, length, g, h = _pair_intervals(parts[i], parts[j])
            a, b = values[i][g], values[j][h]
            cell = np.bincount(a * v + b, weights=length, minlength=v * v).reshape(v, v)
            o += cell + cell.T
            both = (a > 0) & (b > 0)
            pairable[i] += np.bincount(g[both], weights=length[both], minlength=values[i].size)
            pairable[j] += np.bincount(h[both], weights=length[both], minlength=values[j].size)
    o /= (m - 1.0)
    s_c = np.zeros(v)
    s_pair = np.zeros(v)
    n_sections = 0
    for i in range(m):
        lengths = np.diff(parts[i]).astype(np.float64)
        val = values[i]
        s_c += np.bincount(val, weights=np.where(val == 0, lengths, lengths ** 2), minlength=v)
        share = pairable[i] / (m - 1.0)
        s_pair += np.bincount(val, weights=np.where(val == 0, 0.0, share ** 2), minlength=v)
        n_sections += int((val > 0).sum())

    def alpha_of(obs: np.ndarray, s: np.ndarray) -> tuple[float, float, float]:
        margin = obs.sum(axis=1)
        total = obs.sum()
        if total <= 0:
            return math.nan, math.nan, math.nan
        expected = np.outer(margin, margin)
        expected[np.diag_indices_from(expected)] -= s
        denom = total * total - s.sum()
        if denom <= 0:
            return math.nan, math.nan, math.nan
        expected *= total / denom
        d_o = (total - np.trace(obs)) / total
        d_e = (expected.sum() - np.trace(expected)) / total
        return (1.0 - d_o / d_e if d_e > 0 else math.nan), d_o, d_e

    if variant == "nominal":
        value, d_o, d_e = alpha_of(o, s_c)
    elif variant == "binary" and (o.sum() <= 0 or o.sum() ** 2 - s_c.sum() <= 0):
        value = d_o = d_e = math.nan
    elif variant == "binary":
        margin = o.sum(axis=1)
        total = o.sum()
        expected = np.outer(margin, margin)
        expected[np.diag_indices_from(expected)] -= s_c
        expected *= total / (total * total - s_c.sum())
        collapse = np.zeros((2, v))
        collapse[0, 0] = 1.0
        collapse[1, 1:] = 1.0
        o2, e2 = collapse @ o @ collapse.T, collapse @ expected @ collapse.T
        d_o, d_e = (o2[0, 1] + o2[1, 0]) / total, (e2[0, 1] + e2[1, 0]) / total
        value = 1.0 - d_o / d_e if d_e > 0 else math.nan
    else:
        value, d_o, d_e = alpha_of(o[1:, 1:], s_pair[1:])
    note = "" if not math.isnan(value) else "undefined: no coded sections to compare (or no variation)"
    return Agreement(statistic="unitized_alpha", value=float(value), observed=float(d_o), expected=float(d_e),
                     basis="disagreement", n_units=n_sections, n_coders=m, n_categories=n_codes + (0 if variant == "coding" else 1),
                     weights=variant, note=note, source=SOURCE_2019)
