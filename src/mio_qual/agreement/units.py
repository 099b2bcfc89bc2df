"""From coded spans to reliability data: one unit of analysis at a time.

Coders mark spans of text; coefficients need a coders x units table. How spans become units
changes the answer a lot, so the unit is always named (DESIGN.md, decision 5). This module
works on plain pandas DataFrames, independent of the project store:

``codings``
    columns ``transcript_id, start, end, code, coder``; ``[start, end)`` are half-open
    code-point offsets into the transcript's canonical text.
``segments``
    columns ``transcript_id, segment_id, start, end`` (and optionally ``text``): the turns,
    sentences or paragraphs that serve as units. Within a transcript they must not overlap.
``texts``
    transcript id -> length in characters (or the text itself), needed for character units
    and unitized alpha.
``coverage``
    optional: which transcripts each coder saw. A coder **saw** a transcript if they have any
    coding in it (any code, not only the codes analysed) or if it is listed for them in
    ``coverage`` (a mapping coder -> transcript ids, a DataFrame with columns ``coder`` and
    ``transcript_id``, or ``"all"``: every coder saw every transcript). Units of a transcript a
    coder did not see are missing (NaN) for that coder, never "not coded".

Units (``unit=``):

* ``"sentence"``, ``"turn"``, ``"paragraph"`` (any ``segments``): per code, a unit counts as
  coded by a coder when the coder's spans with that code cover at least ``min_coverage`` of
  it (default: any overlap of one character or more);
* ``"character"`` (NVivo-style): every character is a unit, coded or not per code; reported
  over all text (``scope="all"``) or over the text that any coder coded with any of the
  analysed codes (``scope="coded"``), which removes the agreement inflated by long stretches
  nobody coded. Computed by boundary sweeps over the spans, never character by character:
  characters with the same pattern of coders are one weighted column;
* ``"span"`` (MAXQDA-style): each coder's span (spans of one code merged where they overlap)
  is a unit; it agrees when another coder has a span with the same code whose overlap share
  |A and B| / |A or B| reaches ``overlap``. For every ordered pair of coders each span
  of the first is one unit rated by both. No unit is left uncoded by both coders, so only
  percent agreement is meaningful;
* ``"transcript"``: code present (coded at least once) or absent per transcript.

Per code the ratings are binary (1 coded, 0 not, NaN not seen). For segment units a
multi-valued **nominal** table is also built: each coder's single code of the unit, or
``"(none)"``; units where a coder applied several of the analysed codes are set aside and
counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..deprecation import renamed, renamed_attribute
from ..errors import InputError
from ..validation import refusal

UNITS = ("sentence", "turn", "paragraph", "character", "span", "transcript")
SEGMENT_UNITS = ("sentence", "turn", "paragraph")
NONE_CODE = "(none)"

__all__ = ["UNITS", "UnitData", "CodeRatings", "SegmentHits", "reliability_data", "merge_spans", "transcript_lengths",
           "disagreements", "normalize_codings"]


# ----------------------------------------------------------------------------- inputs
def normalize_codings(codings: pd.DataFrame, coders: Sequence[str] | None = None,
                      codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Check and clean a codings DataFrame; keep the named coders (and codes).

    Raises
    ------
    InputError
        When a column is missing, an offset is not a whole number, or a span is empty or
        reversed.
    """
    required = ["transcript_id", "start", "end", "code", "coder"]
    if not isinstance(codings, pd.DataFrame):
        raise InputError("codings must be a pandas DataFrame", hint="columns: " + ", ".join(required))
    missing = [c for c in required if c not in codings.columns]
    if missing:
        raise InputError("codings lack column(s) " + ", ".join(missing), hint="columns: " + ", ".join(required))
    frame = codings[required].copy()
    frame["transcript_id"] = frame["transcript_id"].astype(str)
    frame["code"] = frame["code"].astype(str)
    frame["coder"] = frame["coder"].astype(str)
    for column in ("start", "end"):
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().any() or (values != np.floor(values)).any():
            row = int(np.flatnonzero(values.isna().to_numpy() | (values != np.floor(values)).to_numpy())[0])
            raise InputError(f"coding {row + 1} has a {column} that is not a whole number",
                             hint="offsets are code-point positions into the transcript text")
        frame[column] = values.astype(np.int64)
    bad = (frame["start"] < 0) | (frame["end"] <= frame["start"])
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"coding {row + 1} has an empty or reversed span "
                         f"[{frame['start'].iloc[row]}, {frame['end'].iloc[row]})",
                         hint="a span needs 0 <= start < end")
    if coders is not None:
        frame = frame[frame["coder"].isin([str(c) for c in coders])]
    if codes is not None:
        frame = frame[frame["code"].isin([str(c) for c in codes])]
    return frame.reset_index(drop=True)


def transcript_lengths(texts: Mapping[str, Any] | pd.Series | pd.DataFrame | None) -> dict[str, int]:
    """Transcript id -> length, from lengths, texts, a Series or a DataFrame with ``text``/``length``."""
    if texts is None:
        return {}
    if isinstance(texts, pd.DataFrame):
        if "transcript_id" not in texts.columns:
            raise InputError("texts DataFrame needs a transcript_id column")
        if "length" in texts.columns:
            return {str(k): int(v) for k, v in zip(texts["transcript_id"], texts["length"])}
        if "text" in texts.columns:
            return {str(k): len(v) for k, v in zip(texts["transcript_id"], texts["text"])}
        raise InputError("texts DataFrame needs a length or a text column")
    items = texts.items()
    return {str(k): (len(v) if isinstance(v, str) else int(v)) for k, v in items}


def _coverage_pairs(coverage: Any, coders: Sequence[str], transcripts: Sequence[str]) -> set[tuple[str, str]]:
    if coverage is None:
        return set()
    if isinstance(coverage, str):
        if coverage != "all":
            raise InputError(f"unknown coverage {coverage!r}", hint="use 'all', a mapping or a DataFrame")
        return {(c, t) for c in coders for t in transcripts}
    if isinstance(coverage, pd.DataFrame):
        if not {"coder", "transcript_id"} <= set(coverage.columns):
            raise InputError("coverage DataFrame needs columns coder and transcript_id")
        return {(str(c), str(t)) for c, t in zip(coverage["coder"], coverage["transcript_id"])}
    return {(str(c), str(t)) for c, ts in coverage.items() for t in ts}


# ----------------------------------------------------------------------------- intervals
def merge_spans(keys: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                join_touching: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Union of spans within each key: overlapping spans (and touching ones if asked) merge.

    Vectorized: sort by (key, start), then a running maximum of ends marks where a new
    merged span begins.

    Returns
    -------
    keys, starts, ends : numpy.ndarray
        The merged spans, sorted by key and start.

    Examples
    --------
    >>> k, s, e = merge_spans(np.array([0, 0, 0, 1]), np.array([5, 0, 8, 0]), np.array([9, 3, 12, 4]))
    >>> k.tolist(), s.tolist(), e.tolist()
    ([0, 0, 1], [0, 5, 0], [3, 12, 4])
    >>> merge_spans(np.array([0, 0]), np.array([0, 3]), np.array([3, 6]), join_touching=False)[1].tolist()
    [0, 3]
    """
    keys = np.asarray(keys, dtype=np.int64)
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    if keys.size == 0:
        return keys, starts, ends
    stride = int(ends.max()) + 2
    order = np.lexsort((starts, keys))
    k, s, e = keys[order], starts[order], ends[order]
    base = k * stride
    gs, ge = base + s, base + e
    run_max = np.maximum.accumulate(ge)
    previous = np.concatenate(([np.iinfo(np.int64).min], run_max[:-1]))
    new = gs > previous if join_touching else gs >= previous
    first = np.flatnonzero(new)
    last = np.concatenate((first[1:], [len(k)])) - 1
    return k[first], s[first], run_max[last] - base[first]


@dataclass(frozen=True)
class CodeRatings:
    """Reliability data of one code (or of the pooled or nominal analysis).

    Attributes
    ----------
    ratings : numpy.ndarray
        Coders x columns: 1 coded, 0 seen and not coded, NaN not seen (nominal: code index).
    counts : numpy.ndarray
        Frequency weight of each column (1 per segment; a number of characters for
        character units).
    transcript : numpy.ndarray
        Index into ``UnitData.transcripts`` of each column.
    categories : list
        The rating categories (``[0, 1]``, or the codes for the nominal table).
    """

    ratings: np.ndarray
    counts: np.ndarray
    transcript: np.ndarray
    categories: list

    @property
    def n_units(self) -> float:
        """Total weight of the columns."""
        return float(self.counts.sum())


@dataclass(frozen=True)
class SegmentHits:
    """Segment units' codings kept sparse: which coder applied which code to which unit.

    Attributes
    ----------
    code, coder, unit : numpy.ndarray
        One entry per (code, coder, unit) a coding counts for (indices into the codes, the
        coders and the units).
    unit_transcript : numpy.ndarray
        Index of each unit's transcript.
    """

    code: np.ndarray
    coder: np.ndarray
    unit: np.ndarray
    unit_transcript: np.ndarray


def _pattern_counts(hits: SegmentHits, seen: np.ndarray, n_codes: int) -> list[CodeRatings]:
    """Each code's binary ratings as weighted columns: one per (transcript, rating pattern).

    Equal to the per-unit ratings of :meth:`UnitData.code` with equal columns of a transcript
    merged (their weight is the number of units), built from the coded units alone: a unit
    nobody coded has its transcript's pattern (0 for each coder who saw it, missing for the
    others), so memory and time grow with the codings and the transcripts, not with codes
    times units.
    """
    n_coders, n_t = seen.shape
    power = 3 ** np.arange(n_coders, dtype=np.int64)        # digit per coder: 0 missing, 1 not coded, 2 coded
    base = (seen.astype(np.int64) * power[:, None]).sum(axis=0)               # pattern of an uncoded unit
    n_units = hits.unit_transcript.size
    per_t = np.bincount(hits.unit_transcript, minlength=n_t)
    cell = hits.code.astype(np.int64) * max(n_units, 1) + hits.unit
    coded, inverse = np.unique(cell, return_inverse=True)
    added = np.bincount(inverse.reshape(-1), weights=power[hits.coder], minlength=coded.size).astype(np.int64)
    c_code, c_unit = coded // max(n_units, 1), coded % max(n_units, 1)
    c_t = hits.unit_transcript[c_unit]
    c_pattern = base[c_t] + added
    coded_per = np.bincount(c_code * n_t + c_t, minlength=n_codes * n_t)            # coded units per (code, t)
    b_code, b_t = np.divmod(np.arange(n_codes * n_t), n_t)
    rest = per_t[b_t] - coded_per
    codes = np.concatenate((c_code, b_code))
    trans = np.concatenate((c_t, b_t))
    pattern = np.concatenate((c_pattern, base[b_t]))
    weight = np.concatenate((np.ones(c_code.size), rest.astype(np.float64)))
    keep = weight > 0
    codes, trans, pattern, weight = codes[keep], trans[keep], pattern[keep], weight[keep]
    order = np.lexsort((pattern, trans, codes))
    codes, trans, pattern, weight = codes[order], trans[order], pattern[order], weight[order]
    new = np.ones(codes.size, dtype=bool)
    new[1:] = (codes[1:] != codes[:-1]) | (trans[1:] != trans[:-1]) | (pattern[1:] != pattern[:-1])
    starts = np.flatnonzero(new)
    weight = np.add.reduceat(weight, starts) if starts.size else weight
    codes, trans, pattern = codes[starts], trans[starts], pattern[starts]
    digits = (pattern[None, :] // power[:, None]) % 3                               # coders x columns
    ratings = np.where(digits == 0, np.nan, digits - 1.0)
    bounds = np.searchsorted(codes, np.arange(n_codes + 1))
    return [CodeRatings(ratings[:, bounds[k]:bounds[k + 1]], weight[bounds[k]:bounds[k + 1]],
                        trans[bounds[k]:bounds[k + 1]], [0, 1]) for k in range(n_codes)]


def _merge_by_transcript(ratings: CodeRatings) -> CodeRatings:
    """Equal columns of one transcript merged into one weighted column (their weights added)."""
    r = ratings.ratings
    if r.shape[1] == 0:
        return ratings
    digits = np.where(np.isnan(r), 0, r + 1.0).astype(np.int64)
    frame = pd.DataFrame(digits.T)
    frame["_t"] = ratings.transcript
    frame["_w"] = ratings.counts
    grouped = frame.groupby(["_t"] + list(range(r.shape[0])), sort=True)["_w"].sum().reset_index()
    out = grouped[list(range(r.shape[0]))].to_numpy(dtype=np.float64).T - 1.0
    out[out < 0] = np.nan
    return CodeRatings(out, grouped["_w"].to_numpy(dtype=np.float64), grouped["_t"].to_numpy(dtype=np.int64),
                       ratings.categories)


@dataclass
class UnitData:
    """Reliability data for every analysed code at one unit of analysis.

    Use :meth:`code` for one code's binary ratings, :meth:`pooled` for every code's
    decisions stacked, and :meth:`nominal` for the one-code-per-unit table (segment units).
    :meth:`code_counts` and :meth:`pooled_counts` give the same ratings with the equal columns
    of each transcript merged into weighted columns: what the coefficients are computed from
    (they depend on units only through their rating patterns), in memory that grows with the
    codings and transcripts rather than with codes times units.
    """

    unit: str
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    transcripts: tuple[str, ...]
    seen: np.ndarray                        # coders x transcripts
    set_aside: dict[str, float] = field(default_factory=dict)
    units: pd.DataFrame | None = None        # segment units: the unit table
    scope: str = "all"
    overlap: float = 0.9                    # span units: the overlap share at which spans agree
    _per_code: dict[str, CodeRatings] = field(default_factory=dict, repr=False)
    _nominal: CodeRatings | None = field(default=None, repr=False)
    hits: SegmentHits | None = field(default=None, repr=False)
    _counts: dict[str, CodeRatings] = field(default_factory=dict, repr=False)

    span_threshold = renamed_attribute("span_threshold", "overlap")

    def code(self, code: str) -> CodeRatings:
        """Binary ratings of one code (segment units: one column per unit, built when asked for)."""
        if code not in self.codes:
            raise InputError(f"code {code!r} is not among the analysed codes")
        if code in self._per_code:
            return self._per_code[code]
        hits = self.hits
        assert hits is not None  # segment units keep their codings as hits
        k = self.codes.index(code)
        r = np.where(self.seen[:, hits.unit_transcript], 0.0, np.nan)
        sel = hits.code == k
        r[hits.coder[sel], hits.unit[sel]] = 1.0
        return CodeRatings(r, np.ones(hits.unit_transcript.size), hits.unit_transcript, [0, 1])

    def code_counts(self, code: str) -> CodeRatings:
        """The ratings of :meth:`code` with the equal columns of each transcript merged (weighted)."""
        if code not in self.codes:
            raise InputError(f"code {code!r} is not among the analysed codes")
        if not self._counts:
            if self.hits is not None:
                parts = _pattern_counts(self.hits, self.seen, len(self.codes))
                self._counts.update(zip(self.codes, parts))
            else:
                self._counts.update((c, _merge_by_transcript(self._per_code[c])) for c in self.codes)
        return self._counts[code]

    def pooled(self) -> CodeRatings:
        """All codes' binary decisions stacked (each code x unit is one column)."""
        return self._stack([self.code(c) for c in self.codes])

    def pooled_counts(self) -> CodeRatings:
        """:meth:`pooled` with the equal columns of each code and transcript merged (weighted)."""
        return self._stack([self.code_counts(c) for c in self.codes])

    def _stack(self, parts: list[CodeRatings]) -> CodeRatings:
        if not parts:
            return CodeRatings(np.empty((len(self.coders), 0)), np.empty(0), np.empty(0, dtype=np.int64), [0, 1])
        return CodeRatings(np.concatenate([p.ratings for p in parts], axis=1),
                           np.concatenate([p.counts for p in parts]),
                           np.concatenate([p.transcript for p in parts]), [0, 1])

    def nominal(self) -> CodeRatings | None:
        """One code per unit and coder (segment units only); None for other units."""
        return self._nominal


def _ix(values: pd.Series, index: Mapping[str, int]) -> np.ndarray:
    """Positions of ``values`` in ``index`` as integers (an empty Series gives an empty int array)."""
    return positions(values, index)


def positions(values: Any, index: Mapping[str, int]) -> np.ndarray:
    """``index[v]`` for each value, as int64 (-1 where a value is not in ``index``).

    One hash lookup per value through :meth:`pandas.Index.get_indexer` (a ``Series.map`` on
    strings goes through Python objects one by one, seconds on a few hundred thousand rows).
    """
    keys = pd.Index(list(index.keys()))
    found = keys.get_indexer(pd.Index(values) if not isinstance(values, pd.Index) else values)
    targets = np.fromiter(index.values(), dtype=np.int64, count=len(index))
    return np.where(found >= 0, targets[np.maximum(found, 0)] if len(index) else -1, -1).astype(np.int64)


def _transcript_index(names: Iterable[str]) -> dict[str, int]:
    return {name: i for i, name in enumerate(names)}


def _seen(codings_all: pd.DataFrame, coders: Sequence[str], transcripts: Sequence[str],
          coverage: Any) -> np.ndarray:
    t_index = _transcript_index(transcripts)
    c_index = _transcript_index(coders)
    seen = np.zeros((len(coders), len(transcripts)), dtype=bool)
    if len(codings_all):
        pairs = codings_all[["coder", "transcript_id"]].drop_duplicates()
        for coder, tid in zip(pairs["coder"], pairs["transcript_id"]):
            if coder in c_index and tid in t_index:
                seen[c_index[coder], t_index[tid]] = True
    for coder, tid in _coverage_pairs(coverage, coders, transcripts):
        if coder in c_index and tid in t_index:
            seen[c_index[coder], t_index[tid]] = True
    return seen


# ----------------------------------------------------------------------------- segment units
def _check_segments(segments: pd.DataFrame) -> pd.DataFrame:
    required = ["transcript_id", "segment_id", "start", "end"]
    missing = [c for c in required if c not in segments.columns]
    if missing:
        raise InputError("segments lack column(s) " + ", ".join(missing), hint="columns: " + ", ".join(required))
    keep = required + (["text"] if "text" in segments.columns else [])
    seg = segments[keep].copy()
    ids = seg["transcript_id"]
    seg["transcript_id"] = ids.astype(str)
    seg["start"] = seg["start"].astype(np.int64)
    seg["end"] = seg["end"].astype(np.int64)
    if _in_order(ids, seg["start"].to_numpy(), seg["end"].to_numpy()):  # the store's units come sorted
        seg = seg.reset_index(drop=True)
    else:
        seg = seg.sort_values(["transcript_id", "start", "end"], kind="stable").reset_index(drop=True)
    same = seg["transcript_id"].to_numpy()[1:] == seg["transcript_id"].to_numpy()[:-1]
    overlap = same & (seg["start"].to_numpy()[1:] < seg["end"].to_numpy()[:-1])
    if overlap.any():
        i = int(np.flatnonzero(overlap)[0])
        raise InputError(f"segments {seg['segment_id'].iloc[i]} and {seg['segment_id'].iloc[i + 1]} overlap",
                         hint="units of analysis must not overlap within a transcript")
    if (seg["end"] <= seg["start"]).any():
        i = int(np.flatnonzero((seg["end"] <= seg["start"]).to_numpy())[0])
        raise InputError(f"segment {seg['segment_id'].iloc[i]} is empty", hint="a segment needs start < end")
    return seg


def _in_order(ids: pd.Series, start: np.ndarray, end: np.ndarray) -> bool:
    """Whether segments already stand in the order of a sort by transcript id (as text), start and end: told from
    the category codes of categorical ids (the store's); other ids are not checked (False)."""
    if not isinstance(ids.dtype, pd.CategoricalDtype) or len(ids) < 2:
        return False
    names = np.asarray(ids.cat.categories.astype(str), dtype=object)
    place = np.empty(len(names), dtype=np.int64)
    place[np.argsort(names, kind="stable")] = np.arange(len(names))
    codes = ids.cat.codes.to_numpy()
    if (codes < 0).any():
        return False
    rank = place[codes]
    later = (rank[1:] > rank[:-1]) | ((rank[1:] == rank[:-1]) & ((start[1:] > start[:-1]) | (
        (start[1:] == start[:-1]) & (end[1:] >= end[:-1]))))
    return bool(later.all())


def _offsets(transcripts: Sequence[str], *frames_and_cols: tuple[pd.DataFrame, str]) -> np.ndarray:
    """Start of each transcript on one global line on which no two transcripts overlap."""
    extent = np.zeros(len(transcripts), dtype=np.int64)
    t_index = _transcript_index(transcripts)
    for frame, column in frames_and_cols:
        if len(frame):
            idx = positions(frame["transcript_id"], t_index)
            ok = idx >= 0
            np.maximum.at(extent, idx[ok], frame[column].to_numpy()[ok])
    return np.concatenate(([0], np.cumsum(extent + 1)[:-1]))


def _segment_unit_data(cod: pd.DataFrame, cod_all: pd.DataFrame, segments: pd.DataFrame, unit: str,
                       coders: list[str], codes: list[str], coverage: Any, min_coverage: float) -> UnitData:
    seg = _check_segments(segments)
    transcripts = list(dict.fromkeys(seg["transcript_id"].tolist()))
    t_index = _transcript_index(transcripts)
    seen = _seen(cod_all, coders, transcripts, coverage)
    set_aside: dict[str, float] = {}
    outside = ~cod["transcript_id"].isin(t_index)
    if outside.any():
        set_aside["codings on transcripts without units"] = float(outside.sum())
        cod = cod[~outside]
    offsets = _offsets(transcripts, (seg, "end"), (cod, "end"))
    seg_t = _ix(seg["transcript_id"], t_index)
    seg_start = offsets[seg_t] + seg["start"].to_numpy()
    seg_end = offsets[seg_t] + seg["end"].to_numpy()
    n_units, n_coders = len(seg), len(coders)
    c_index = {c: i for i, c in enumerate(coders)}
    k_index = {c: i for i, c in enumerate(codes)}

    # union of each coder's spans per code and transcript, on the global line
    t_of = _ix(cod["transcript_id"], t_index)
    key = (_ix(cod["code"], k_index) * n_coders + _ix(cod["coder"], c_index))
    gkey, gs, ge = merge_spans(key, offsets[t_of] + cod["start"].to_numpy(), offsets[t_of] + cod["end"].to_numpy())
    lo = np.searchsorted(seg_end, gs, side="right")
    hi = np.searchsorted(seg_start, ge, side="left")
    lengths = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(len(gs)), lengths)
    first = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    unit_idx = lo[owner] + (np.arange(owner.size) - first[owner])
    overlap = np.minimum(ge[owner], seg_end[unit_idx]) - np.maximum(gs[owner], seg_start[unit_idx])
    pair_key = gkey[owner] * n_units + unit_idx
    if pair_key.size:
        uniq, inverse = np.unique(pair_key, return_inverse=True)
        covered = np.bincount(inverse.reshape(-1), weights=overlap)
    else:
        uniq, covered = pair_key, np.empty(0)
    seg_len = (seg_end - seg_start)
    u_idx = uniq % n_units
    need = np.maximum(1.0, min_coverage * seg_len[u_idx])
    hit = covered >= need - 1e-9
    uniq = uniq[hit]
    hit_unit = uniq % n_units
    hit_coder = (uniq // n_units) % n_coders
    hit_code = uniq // (n_units * n_coders)

    seen_units = seen[:, seg_t]                       # coders x units
    ones = np.ones(n_units)
    hits = SegmentHits(hit_code.astype(np.int64), hit_coder.astype(np.int64), hit_unit.astype(np.int64), seg_t)

    few = (seen_units.sum(axis=0) < 2)
    if few.any():
        set_aside["units seen by fewer than two coders"] = float(few.sum())

    # nominal table: the one code of a unit per coder
    n_hits = np.zeros((n_coders, n_units), dtype=np.int64)
    np.add.at(n_hits, (hit_coder, hit_unit), 1)
    which = np.zeros((n_coders, n_units), dtype=np.int64)
    which[hit_coder, hit_unit] = hit_code + 1       # 0 = (none); exact where a single code
    nominal = np.where(seen_units, which.astype(np.float64), np.nan)
    several = (n_hits > 1) & seen_units
    several_units = several.any(axis=0)
    if several_units.any():
        set_aside["units where a coder applied several codes (nominal table)"] = float(several_units.sum())
        nominal[:, several_units] = np.nan
    nominal_ratings = CodeRatings(nominal, ones, seg_t, [NONE_CODE] + list(codes))
    return UnitData(unit, tuple(coders), tuple(codes), tuple(transcripts), seen, set_aside, seg, "all", 0.9,
                    {}, nominal_ratings, hits)


# ----------------------------------------------------------------------------- character units
def _state_runs(keys: np.ndarray, coder: np.ndarray, gs: np.ndarray,
                ge: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sweep: lengths of runs in which a given set of coders (a bit mask) covers the line.

    ``gs, ge`` are non-overlapping per (key, coder). Returns (key, state, length) for every run
    with a non-empty state; runs never cross keys because spans never do.
    """
    if gs.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    bit = np.left_shift(np.int64(1), coder.astype(np.int64))
    pos = np.concatenate((gs, ge))
    delta = np.concatenate((bit, -bit))
    owner = np.concatenate((keys, keys))
    order = np.argsort(pos, kind="stable")
    pos, delta, owner = pos[order], delta[order], owner[order]
    state = np.cumsum(delta)
    length = np.diff(pos)
    state = state[:-1]
    run_key = owner[:-1]
    keep = (state != 0) & (length > 0)
    return run_key[keep], state[keep], length[keep]


def _character_unit_data(cod: pd.DataFrame, cod_all: pd.DataFrame, lengths: dict[str, int], coders: list[str],
                         codes: list[str], coverage: Any, scope: str) -> UnitData:
    if scope not in ("all", "coded"):
        raise InputError(f"unknown scope {scope!r}", hint="use 'all' (all text) or 'coded' (text anyone coded)")
    transcripts = sorted(set(lengths) | set(cod["transcript_id"].unique()))
    missing = [t for t in transcripts if t not in lengths]
    if missing and scope == "all":
        raise InputError(f"no text length for transcript {missing[0]!r}",
                         hint="pass texts= (lengths or texts) covering every coded transcript")
    t_index = _transcript_index(transcripts)
    n_t, n_coders, n_codes = len(transcripts), len(coders), len(codes)
    seen = _seen(cod_all, coders, transcripts, coverage)
    length_arr = np.array([lengths.get(t, 0) for t in transcripts], dtype=np.int64)
    too_long = cod["transcript_id"].map(lambda t: lengths.get(t, np.iinfo(np.int64).max)).to_numpy() < cod["end"].to_numpy()
    if too_long.any():
        row = cod.iloc[int(np.flatnonzero(too_long)[0])]
        raise InputError(f"a coding of {row['coder']!r} ends at {row['end']}, past the end of transcript "
                         f"{row['transcript_id']!r} ({lengths.get(row['transcript_id'])} characters)",
                         hint="offsets must point into the canonical text")
    offsets = np.concatenate(([0], np.cumsum(np.maximum(length_arr, 1) + 1)[:-1])) if scope == "all" else \
        _offsets(transcripts, (cod, "end"))
    c_index = {c: i for i, c in enumerate(coders)}
    k_index = {c: i for i, c in enumerate(codes)}
    t_of = _ix(cod["transcript_id"], t_index)
    code_of = _ix(cod["code"], k_index)
    coder_of = _ix(cod["coder"], c_index)
    key = code_of * n_coders + coder_of
    gkey, gs, ge = merge_spans(key, offsets[t_of] + cod["start"].to_numpy(), offsets[t_of] + cod["end"].to_numpy())
    g_code, g_coder = gkey // n_coders, gkey % n_coders
    g_t = np.searchsorted(offsets, gs, side="right") - 1

    # denominators per transcript: all text, or the text anyone coded with any analysed code
    if scope == "all":
        denom = length_arr.astype(np.float64)
    else:
        _, us, ue = merge_spans(np.zeros(len(cod), dtype=np.int64), offsets[t_of] + cod["start"].to_numpy(),
                                offsets[t_of] + cod["end"].to_numpy())
        u_t = np.searchsorted(offsets, us, side="right") - 1
        denom = np.bincount(u_t, weights=(ue - us), minlength=n_t).astype(np.float64)

    n_states = 1 << n_coders
    bits = ((np.arange(n_states)[:, None] >> np.arange(n_coders)[None, :]) & 1).astype(np.float64)  # states x coders
    seen_any = seen.sum(axis=0) >= 2
    per_code: dict[str, CodeRatings] = {}
    line = int(offsets[-1] + max(int(length_arr.max()) if n_t else 0, int(ge.max()) if ge.size else 0) + 2)
    run_key, run_state, run_len = _state_runs(g_code * n_t + g_t, g_coder, g_code * line + gs, g_code * line + ge)
    # totals per (code, transcript, state)
    cell = (run_key * n_states + run_state)
    uniq, inverse = np.unique(cell, return_inverse=True) if cell.size else (cell, cell)
    tot = np.bincount(inverse.reshape(-1), weights=run_len) if cell.size else np.empty(0)
    u_code = uniq // (n_t * n_states)
    u_t = (uniq // n_states) % n_t
    u_state = uniq % n_states
    covered = np.zeros((n_codes, n_t))
    np.add.at(covered, (u_code, u_t), tot)
    order = np.argsort(u_code, kind="stable")
    bounds = np.searchsorted(u_code[order], np.arange(n_codes + 1))
    set_aside: dict[str, float] = {}
    unseen_chars = float(denom[~seen_any].sum())
    if unseen_chars:
        set_aside["characters in transcripts seen by fewer than two coders"] = unseen_chars
    t_all = np.arange(n_t)
    for k, code in enumerate(codes):
        sel = order[bounds[k]:bounds[k + 1]]
        states = np.concatenate((u_state[sel], np.zeros(n_t, dtype=np.int64)))
        trans = np.concatenate((u_t[sel], t_all))
        weight = np.concatenate((tot[sel], np.maximum(denom - covered[k], 0.0)))
        keep = weight > 0
        states, trans, weight = states[keep], trans[keep], weight[keep]
        r = bits[states].T.copy()                   # coders x columns
        r[~seen[:, trans]] = np.nan
        per_code[code] = CodeRatings(r, weight, trans, [0, 1])
    return UnitData("character", tuple(coders), tuple(codes), tuple(transcripts), seen, set_aside, None, scope, 0.9,
                    per_code, None)


# ----------------------------------------------------------------------------- span and transcript units
def _span_unit_data(cod: pd.DataFrame, cod_all: pd.DataFrame, coders: list[str], codes: list[str], coverage: Any,
                    threshold: float) -> UnitData:
    if not 0 < threshold <= 1:
        raise refusal("overlap", threshold)
    transcripts = sorted(set(cod_all["transcript_id"].unique()) | set(cod["transcript_id"].unique()))
    t_index = _transcript_index(transcripts)
    seen = _seen(cod_all, coders, transcripts, coverage)
    n_coders, n_codes = len(coders), len(codes)
    offsets = _offsets(transcripts, (cod, "end"))
    c_index = {c: i for i, c in enumerate(coders)}
    k_index = {c: i for i, c in enumerate(codes)}
    t_of = _ix(cod["transcript_id"], t_index)
    key = _ix(cod["code"], k_index) * n_coders + _ix(cod["coder"], c_index)
    gkey, gs, ge = merge_spans(key, offsets[t_of] + cod["start"].to_numpy(), offsets[t_of] + cod["end"].to_numpy())
    g_code, g_coder = gkey // n_coders, gkey % n_coders
    g_t = np.searchsorted(offsets, gs, side="right") - 1
    stride = int(offsets[-1] + (ge.max() if ge.size else 0) + 2)
    per_code_cols: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]] = {k: [] for k in range(n_codes)}
    for i in range(n_coders):
        for j in range(n_coders):
            if i == j:
                continue
            a = np.flatnonzero(g_coder == i)
            b = np.flatnonzero(g_coder == j)
            # only spans in transcripts both coders saw
            a = a[seen[j, g_t[a]]]
            # B's spans of the same code, each code on its own stretch of one line
            b_start = g_code[b] * stride + gs[b]
            b_end = g_code[b] * stride + ge[b]
            order = np.argsort(b_start)
            b_start, b_end = b_start[order], b_end[order]
            a_start = g_code[a] * stride + gs[a]
            a_end = g_code[a] * stride + ge[a]
            lo = np.searchsorted(b_end, a_start, side="right")
            hi = np.searchsorted(b_start, a_end, side="left")
            n = np.maximum(hi - lo, 0)
            owner = np.repeat(np.arange(a.size), n)
            first = np.concatenate(([0], np.cumsum(n)[:-1])) if a.size else np.empty(0, dtype=np.int64)
            cand = lo[owner] + (np.arange(owner.size) - first[owner]) if owner.size else owner
            inter = np.minimum(a_end[owner], b_end[cand]) - np.maximum(a_start[owner], b_start[cand])
            union = np.maximum(a_end[owner], b_end[cand]) - np.minimum(a_start[owner], b_start[cand])
            share = inter / union if owner.size else np.empty(0)
            best = np.zeros(a.size)
            if owner.size:
                np.maximum.at(best, owner, share)
            matched = best >= threshold - 1e-12
            for k in range(n_codes):
                sel = g_code[a] == k
                if not sel.any():
                    continue
                r = np.full((n_coders, int(sel.sum())), np.nan)
                r[i] = 1.0
                r[j] = matched[sel].astype(np.float64)
                per_code_cols[k].append((r, np.ones(int(sel.sum())), g_t[a][sel], a[sel]))
    per_code: dict[str, CodeRatings] = {}
    for k, code in enumerate(codes):
        parts = per_code_cols[k]
        if parts:
            per_code[code] = CodeRatings(np.concatenate([p[0] for p in parts], axis=1),
                                         np.concatenate([p[1] for p in parts]),
                                         np.concatenate([p[2] for p in parts]), [0, 1])
        else:
            per_code[code] = CodeRatings(np.empty((n_coders, 0)), np.empty(0), np.empty(0, dtype=np.int64), [0, 1])
    set_aside: dict[str, float] = {}
    unseen = ~seen[:, g_t]
    lonely = unseen.sum(axis=0) >= n_coders - 1 if n_coders > 1 else np.ones(g_t.size, bool)
    if lonely.any():
        set_aside["spans in transcripts no other coder saw"] = float(lonely.sum())
    return UnitData("span", tuple(coders), tuple(codes), tuple(transcripts), seen, set_aside, None, "all",
                    threshold, per_code, None)


def _transcript_unit_data(cod: pd.DataFrame, cod_all: pd.DataFrame, coders: list[str], codes: list[str],
                          coverage: Any, lengths: dict[str, int]) -> UnitData:
    listed = set() if isinstance(coverage, str) or coverage is None else \
        {t for _, t in _coverage_pairs(coverage, coders, [])}
    transcripts = sorted(set(cod_all["transcript_id"]) | set(lengths) | listed)
    t_index = _transcript_index(transcripts)
    seen = _seen(cod_all, coders, transcripts, coverage)
    n_t = len(transcripts)
    c_index = {c: i for i, c in enumerate(coders)}
    present = cod[["code", "coder", "transcript_id"]].drop_duplicates()
    per_code: dict[str, CodeRatings] = {}
    base = np.where(seen, 0.0, np.nan)
    groups = {code: g for code, g in present.groupby("code")}
    for code in codes:
        r = base.copy()
        g = groups.get(code)
        if g is not None:
            r[_ix(g["coder"], c_index), _ix(g["transcript_id"], t_index)] = 1.0
        per_code[code] = CodeRatings(r, np.ones(n_t), np.arange(n_t), [0, 1])
    set_aside: dict[str, float] = {}
    few = seen.sum(axis=0) < 2
    if few.any():
        set_aside["transcripts seen by fewer than two coders"] = float(few.sum())
    units = pd.DataFrame({"transcript_id": transcripts})
    return UnitData("transcript", tuple(coders), tuple(codes), tuple(transcripts), seen, set_aside, units, "all", 0.9,
                    per_code, None)


# ----------------------------------------------------------------------------- public entry
@renamed(span_threshold="overlap")
def reliability_data(
    codings: pd.DataFrame,
    unit: str = "sentence",
    *,
    segments: pd.DataFrame | None = None,
    texts: Mapping[str, Any] | pd.Series | pd.DataFrame | None = None,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    coverage: Any = None,
    scope: str = "all",
    min_coverage: float = 0.0,
    overlap: float = 0.9,
) -> UnitData:
    """Reliability data for every code at one unit of analysis.

    Parameters
    ----------
    codings : DataFrame
        ``transcript_id, start, end, code, coder`` (see the module docstring).
    unit : str
        ``"sentence"``, ``"turn"``, ``"paragraph"`` (these need ``segments``),
        ``"character"`` (needs ``texts`` for ``scope="all"``), ``"span"`` or ``"transcript"``.
    segments : DataFrame, optional
        The units for segment units.
    texts : mapping or DataFrame, optional
        Transcript lengths (or texts).
    coders : sequence of str, optional
        Coders to compare (default: every coder in ``codings``, sorted). At least two.
    codes : sequence of str, optional
        Codes to analyse (default: every code any of the coders used, sorted). A listed code
        nobody used is kept: everyone agreed it is absent.
    coverage : mapping, DataFrame or "all", optional
        Transcripts each coder saw beyond those they coded in.
    scope : {"all", "coded"}
        Character units only: over all text or over the text anyone coded.
    min_coverage : float
        Segment units only: share of a unit a coder's spans must cover for it to count as
        coded (0: any overlap of at least one character).
    overlap : float
        Span units only: smallest overlap share |A and B| / |A or B| for two spans to agree.

    Returns
    -------
    UnitData

    Examples
    --------
    >>> codings = pd.DataFrame({"transcript_id": ["T1"] * 3, "start": [0, 0, 20], "end": [9, 15, 25],
    ...                         "code": ["X", "X", "X"], "coder": ["A", "B", "B"]})
    >>> segments = pd.DataFrame({"transcript_id": ["T1"] * 3, "segment_id": ["s1", "s2", "s3"],
    ...                          "start": [0, 10, 20], "end": [10, 20, 30]})
    >>> data = reliability_data(codings, "sentence", segments=segments)
    >>> data.code("X").ratings.tolist()
    [[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]]
    """
    if unit not in UNITS:
        raise InputError(f"unknown unit {unit!r}", hint="use one of " + ", ".join(UNITS))
    cod_all = normalize_codings(codings, coders)
    coder_list = [str(c) for c in coders] if coders is not None else sorted(cod_all["coder"].unique().tolist())
    if len(coder_list) != len(set(coder_list)):
        raise InputError("a coder is named twice", hint="list each coder once")
    if len(coder_list) < 2:
        raise InputError(f"agreement needs at least two coders, got {len(coder_list)}",
                         hint="name them with coders=[...] (or --coders A B)")
    if len(coder_list) > 30:
        raise InputError("at most 30 coders can be compared at once")
    cod = cod_all if codes is None else cod_all[cod_all["code"].isin([str(c) for c in codes])].reset_index(drop=True)
    code_list = [str(c) for c in codes] if codes is not None else sorted(cod["code"].unique().tolist())
    lengths = transcript_lengths(texts)
    if unit in SEGMENT_UNITS:
        if segments is None:
            raise InputError(f"unit {unit!r} needs the {unit}s as segments=",
                             hint="a DataFrame with transcript_id, segment_id, start, end")
        if not 0 <= min_coverage <= 1:
            raise InputError(f"min_coverage must be between 0 and 1, got {min_coverage}")
        return _segment_unit_data(cod, cod_all, segments, unit, coder_list, code_list, coverage, min_coverage)
    if unit == "character":
        return _character_unit_data(cod, cod_all, lengths, coder_list, code_list, coverage, scope)
    if unit == "span":
        return _span_unit_data(cod, cod_all, coder_list, code_list, coverage, overlap)
    return _transcript_unit_data(cod, cod_all, coder_list, code_list, coverage, lengths)


# ----------------------------------------------------------------------------- disagreements
def disagreements(data: UnitData, codings: pd.DataFrame | None = None,
                  texts: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every unit on which the coders who saw it disagree, with each coder's codes.

    Segment and transcript units: one row per disagreeing unit, listing for each coder the
    analysed codes they applied and the codes in dispute (applied by some but not all of the
    coders who saw the unit). Character units: one row per maximal stretch of text where
    the coders differ on a code. Span units: one row per span that found no match.

    Parameters
    ----------
    data : UnitData
        From :func:`reliability_data`.
    codings : DataFrame, optional
        Needed for character and span units (the spans themselves).
    texts : mapping, optional
        Transcript id -> text, to quote the disputed text (segment units quote the ``text``
        column of the segments when there is one).
    """
    coders = list(data.coders)
    if data.unit in SEGMENT_UNITS or data.unit == "transcript":
        n_units = data.units.shape[0]
        if not data.codes:
            return pd.DataFrame()
        if data.hits is not None:
            return _segment_disagreements(data, texts)
        applied = np.zeros((len(data.codes), len(coders), n_units), dtype=bool)     # transcript units: few
        for k, code in enumerate(data.codes):
            r = data.code(code).ratings
            applied[k] = r == 1.0
            seen = ~np.isnan(r)
        n_seen = seen.sum(axis=0)
        n_applied = applied.sum(axis=1)                      # codes x units
        dispute = (n_applied > 0) & (n_applied < n_seen[None, :]) & (n_seen >= 2)[None, :]
        rows = np.flatnonzero(dispute.any(axis=0))
        out = data.units.iloc[rows].reset_index(drop=True).copy()
        codes = np.array(data.codes, dtype=object)
        for i, coder in enumerate(coders):
            out[f"codes: {coder}"] = ["; ".join(codes[applied[:, i, u]]) if seen[i, u] else "(not seen)"
                                      for u in rows]
        out["in_dispute"] = ["; ".join(codes[dispute[:, u]]) for u in rows]
        out["n_in_dispute"] = dispute[:, rows].sum(axis=0)
        if "text" not in out.columns and texts is not None and "start" in out.columns:
            out["text"] = [texts.get(t, "")[s:e] for t, s, e in zip(out["transcript_id"], out["start"], out["end"])]
        return out
    if codings is None:
        raise InputError(f"listing disagreements at {data.unit} units needs the codings")
    cod = normalize_codings(codings, coders, data.codes)
    if data.unit == "character":
        return _character_disagreements(data, cod, texts)
    return _span_disagreements(data, cod, texts)


def _segment_disagreements(data: UnitData, texts: Mapping[str, str] | None) -> pd.DataFrame:
    """:func:`disagreements` of segment units, read from the hits (no codes x units array).

    A code is in dispute on a unit when some but not all of the coders who saw the unit (two
    or more) applied it; each coder's codes and the codes in dispute are listed in the order
    of ``data.codes``.
    """
    return segment_disagreement_rows(data, texts)[0]


def segment_disagreement_rows(data: UnitData, texts: Mapping[str, str] | None) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`disagreements` of segment units (``data.hits`` set) and the position of each listed unit in
    ``data.units``, so that a caller can add columns of the units without joining on their ids."""
    hits, coders = data.hits, list(data.coders)
    assert hits is not None
    n_units = hits.unit_transcript.size
    seen = data.seen[:, hits.unit_transcript]                          # coders x units
    n_seen = seen.sum(axis=0)
    pair, n_applied = np.unique(hits.code * n_units + hits.unit, return_counts=True)
    p_code, p_unit = np.divmod(pair, n_units)
    dispute = (n_applied < n_seen[p_unit]) & (n_seen[p_unit] >= 2)
    rows = np.unique(p_unit[dispute])
    out = data.units.iloc[rows].reset_index(drop=True).copy()
    codes = np.array(data.codes, dtype=object)
    position = np.full(n_units, -1, dtype=np.int64)
    position[rows] = np.arange(rows.size)

    def listed(unit: np.ndarray, code: np.ndarray) -> list[str]:
        keep = position[unit] >= 0
        at, code = position[unit[keep]], code[keep]
        order = np.lexsort((code, at))
        at, code = at[order], code[order]
        cuts = np.searchsorted(at, np.arange(rows.size + 1)).tolist()
        names = codes[code].tolist()           # Python lists: slicing them is cheaper than slicing arrays
        return ["; ".join(names[a:b]) for a, b in zip(cuts[:-1], cuts[1:])]

    for i, coder in enumerate(coders):
        mine = hits.coder == i
        joined = listed(hits.unit[mine], hits.code[mine])
        out[f"codes: {coder}"] = [text if saw else "(not seen)" for text, saw in zip(joined, seen[i, rows].tolist())]
    out["in_dispute"] = listed(p_unit[dispute], p_code[dispute])
    out["n_in_dispute"] = np.bincount(position[p_unit[dispute]], minlength=rows.size)
    if "text" not in out.columns and texts is not None and "start" in out.columns:
        out["text"] = [texts.get(t, "")[s:e] for t, s, e in  # lists: a Series is slow to walk
                       zip(out["transcript_id"].tolist(), out["start"].tolist(), out["end"].tolist())]
    return out, rows


def _character_disagreements(data: UnitData, cod: pd.DataFrame, texts: Mapping[str, str] | None) -> pd.DataFrame:
    coders = list(data.coders)
    t_index = _transcript_index(data.transcripts)
    records = []
    for (tid, code), group in cod.groupby(["transcript_id", "code"], sort=True):
        t = t_index.get(tid)
        if t is None:
            continue
        seen_idx = np.flatnonzero(data.seen[:, t])
        if seen_idx.size < 2:
            continue
        key = _ix(group["coder"], {c: i for i, c in enumerate(coders)})
        k, s, e = merge_spans(key, group["start"].to_numpy(), group["end"].to_numpy())
        pos = np.concatenate((s, e))
        bit = np.left_shift(np.int64(1), k)
        delta = np.concatenate((bit, -bit))
        order = np.argsort(pos, kind="stable")
        pos, delta = pos[order], delta[order]
        state = np.cumsum(delta)[:-1]
        starts, ends = pos[:-1], pos[1:]
        full = int(sum(1 << int(i) for i in seen_idx))
        differ = (state != 0) & ((state & full) != full) & (ends > starts)
        if not differ.any():
            continue
        # merge consecutive differing runs with the same state
        idx = np.flatnonzero(differ)
        for run in np.split(idx, np.flatnonzero((np.diff(idx) != 1) | (np.diff(state[idx]) != 0)) + 1):
            st = int(state[run[0]])
            a, b = int(starts[run[0]]), int(ends[run[-1]])
            yes = [coders[i] for i in seen_idx if st >> int(i) & 1]
            no = [coders[i] for i in seen_idx if not st >> int(i) & 1]
            records.append({"transcript_id": tid, "start": a, "end": b, "code": code,
                            "coded_by": "; ".join(yes), "not_coded_by": "; ".join(no),
                            "text": texts.get(tid, "")[a:b] if texts else ""})
    return pd.DataFrame.from_records(records, columns=["transcript_id", "start", "end", "code", "coded_by",
                                                       "not_coded_by", "text"])


def _span_disagreements(data: UnitData, cod: pd.DataFrame, texts: Mapping[str, str] | None) -> pd.DataFrame:
    records = []
    groups = cod.groupby(["code", "coder", "transcript_id"], sort=True)
    group_id = groups.ngroup().to_numpy()
    names = list(groups.groups.keys())
    k, s, e = merge_spans(group_id, cod["start"].to_numpy(), cod["end"].to_numpy())
    t_index = _transcript_index(data.transcripts)
    spans = pd.DataFrame({"code": [names[i][0] for i in k], "coder": [names[i][1] for i in k],
                          "transcript_id": [names[i][2] for i in k], "start": s, "end": e})
    for (tid, code), group in spans.groupby(["transcript_id", "code"]):
        t = t_index.get(tid)
        for _, row in group.iterrows():
            others = group[group["coder"] != row["coder"]]
            best = 0.0
            for _, o in others.iterrows():
                inter = min(row["end"], o["end"]) - max(row["start"], o["start"])
                if inter > 0:
                    best = max(best, inter / (max(row["end"], o["end"]) - min(row["start"], o["start"])))
            seen_by_other = t is not None and data.seen[:, t].sum() >= 2
            if seen_by_other and best < data.overlap - 1e-12:
                records.append({"transcript_id": tid, "start": int(row["start"]), "end": int(row["end"]),
                                "code": code, "coder": row["coder"], "best_overlap": round(best, 3),
                                "text": texts.get(tid, "")[int(row["start"]):int(row["end"])] if texts else ""})
    frame = pd.DataFrame.from_records(records, columns=["transcript_id", "start", "end", "code", "coder",
                                                        "best_overlap", "text"])
    return frame
