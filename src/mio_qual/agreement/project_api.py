"""Agreement on a study's coding layers: the inputs built once, then the table and the disagreements.

``Project.agreement`` and ``Project.disagreements`` read codings, segments and texts from the
store and call these functions with them; they hand plain DataFrames to :mod:`.units`,
:mod:`.unitized` and :mod:`.report`, and nothing here computes a coefficient.
:func:`agreement_inputs` builds what both are computed from, so a report asking for both
builds it once.
Any coder layer can be compared, so agreement between a human coder and an auto-coder
(a ``rules`` or ``model`` layer) is the same call with the auto-coder's layer name.

Segment units (sentence, turn, paragraph) are participants' speech by default: turns spoken
by the study team (interviewer, facilitator, moderator, note taker) and the text before the
first turn (a header) are left out, as auto-coding leaves them out. They are almost never
coded, so as units they add agreed "not coded" decisions and inflate percent agreement and
the prevalence index; ``include_interviewer=True`` keeps them. Units left out and codings
that fall wholly on them are counted in ``table.attrs["set_aside"]``. Turn units start at the
speech, after the speaker's label, so that ``min_coverage`` is a share of what was said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..deprecation import renamed
from ..errors import InputError
from .report import agreement_table, unitized_table
from .units import SEGMENT_UNITS, UNITS, disagreements as _disagreements, positions, reliability_data, \
    segment_disagreement_rows

PROJECT_UNITS = UNITS + ("continuum",)

#: The rules deciding which transcripts a coder saw (``seen=``), as the output states them.
SEEN_RULES = {
    "given": ("a coder saw the transcripts they were given: those they returned (a Word file of it, a coding "
              "sheet listing it, a .qdpx source), were assigned (`mio-qual coding assign`), or coded in"),
    "coded": "a coder saw only the transcripts they coded in (seen='coded')",
    "any": "every coder saw every transcript any compared coder coded in or was given (seen='any', --all-seen)",
}

__all__ = ["AgreementInputs", "agreement_inputs", "isolated_coders", "coder_groups", "groups_note", "not_speech", "assignment_pairs", "check_request", "agreement", "disagreements",
           "PROJECT_UNITS", "SEEN_RULES"]


def not_speech(segments: pd.DataFrame, unit: str) -> np.ndarray:
    """True for the segments that are not participants' speech: the interviewer side's, and (for
    paragraphs) those before the first turn (headers). Agreement and ``code_matrix`` leave them out
    unless ``include_interviewer``."""
    drop = segments["is_interviewer"].fillna(False).astype(bool).to_numpy().copy()
    if unit == "paragraph" and "turn_n" in segments.columns:
        drop |= (segments["turn_n"].fillna(0).to_numpy() == 0)
    return drop


def _speech_only(segments: pd.DataFrame, codings: pd.DataFrame, unit: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """Participants' speech: segments without interviewer turns and headers, and what was left out."""
    drop = not_speech(segments, unit)
    kept = segments[~drop]
    left_out: dict[str, float] = {}
    if drop.any():
        left_out[f"{unit}s spoken by the interviewer side or before the first turn (kept with --include-interviewer, "
                 "include_interviewer=True)"] = float(drop.sum())
        # codings that touch no kept unit but do touch a left-out one vanish from the analysis: count them
        names = {t: i for i, t in enumerate(pd.unique(pd.concat([segments["transcript_id"],
                                                                  codings["transcript_id"]])))}
        stride = int(max(segments["end"].max(), codings["end"].max() if len(codings) else 0)) + 1
        base = positions(codings["transcript_id"], names) * stride
        s, e = base + codings["start"].to_numpy(dtype=np.int64), base + codings["end"].to_numpy(dtype=np.int64)

        def touches(frame: pd.DataFrame) -> np.ndarray:
            if not len(frame) or not s.size:
                return np.zeros(s.size, dtype=bool)
            b = positions(frame["transcript_id"], names) * stride
            starts, ends = b + frame["start"].to_numpy(dtype=np.int64), b + frame["end"].to_numpy(dtype=np.int64)
            order = np.argsort(starts, kind="stable")
            starts, ends = starts[order], ends[order]       # segments of a transcript do not overlap
            first = np.searchsorted(ends, s, side="right")
            return (first < starts.size) & (starts[np.minimum(first, starts.size - 1)] < e)

        lost = int((touches(segments[drop]) & ~touches(kept)).sum())
        if lost:
            left_out["codings wholly on interviewer speech or headers (not analysed)"] = float(lost)
    return kept, left_out


@dataclass
class AgreementInputs:
    """What agreement on a study is computed from, built once for the table and the disagreements.

    Attributes
    ----------
    coders : list of str
        The layers compared.
    unit : str
        The unit of analysis.
    codings : DataFrame
        The compared layers' codings (restricted to ``transcripts`` when given).
    segments : DataFrame or None
        Segment units: the units (participants' speech unless ``include_interviewer``; turns
        start at the speech).
    texts : dict
        Text of each transcript the coders coded in, by id.
    coverage : dict or None
        The transcripts each coder saw (None: those they coded in).
    set_aside : dict
        Units and codings left out before the analysis, by reason.
    include_interviewer : bool
        Whether interviewer turns and headers are units.
    seen : str
        The rule deciding which transcripts a coder saw (a key of :data:`SEEN_RULES`).
    """

    coders: list[str]
    unit: str
    codings: pd.DataFrame
    segments: pd.DataFrame | None
    texts: dict[str, str]
    coverage: dict[str, list[str]] | None
    set_aside: dict[str, float] = field(default_factory=dict)
    include_interviewer: bool = False
    seen: str = "given"
    #: Coders asked for but left out of every coefficient, with the reason: they share no transcript with any
    #: other compared coder (see :func:`isolated_coders`).
    left_out_coders: dict[str, str] = field(default_factory=dict)
    #: Groups of coders that share no transcript with one another (empty when every compared coder is linked to
    #: every other through shared transcripts; see :func:`coder_groups`).
    coder_groups: list[list[str]] = field(default_factory=list)
    #: Reliability data already built from these inputs, by request (the table and the disagreements share it).
    built: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def participants_only(self) -> bool:
        """True when the units are participants' speech only (segment units, interviewer left out)."""
        return self.unit in SEGMENT_UNITS and not self.include_interviewer


def assignment_pairs(coder: str, transcripts: Sequence[str], sheet: Any, known: set[str]) -> list[tuple[str, str]]:
    """The (coder, transcript) pairs of an assignment: named transcripts, and the rows of a sheet.

    Parameters
    ----------
    coder : str
        The coder given ``transcripts`` (and the rows of ``sheet`` without a coder).
    transcripts : sequence of str
        Transcript ids.
    sheet : path or None
        A ``.csv``/``.xlsx`` sheet with columns ``transcript_id`` and (optionally) ``coder``.
    known : set of str
        The project's transcript ids.

    Raises
    ------
    InputError
        An unknown transcript (naming the sheet row), a sheet without a ``transcript_id``
        column, or a row without a coder when ``coder`` is empty.
    """
    from pathlib import Path

    pairs = [(str(coder), str(t)) for t in transcripts]
    problems = [f"no transcript {t!r} in this project" for _, t in pairs if t not in known]
    if sheet is not None:
        from ..coding.spreadsheet import read_sheets

        path = Path(sheet)
        for table in read_sheets(path):
            if "transcript_id" not in table.header:
                raise InputError("the assignment sheet has no transcript_id column", path=path,
                                 hint="columns: coder, transcript_id (one row per transcript given to a coder)")
            t_col = table.header.index("transcript_id")
            c_col = table.header.index("coder") if "coder" in table.header else None
            def cell(cells: list[Any], column: int | None) -> str:
                value = cells[column] if column is not None and column < len(cells) else None
                return "" if value is None else str(value).strip()

            for number, cells in table.rows:
                tid, who = cell(cells, t_col), cell(cells, c_col) or str(coder or "")
                if not tid:
                    continue
                if not who:
                    problems.append(f"row {number}: no coder (fill the coder column or pass --coder)")
                elif tid not in known:
                    problems.append(f"row {number}: no transcript {tid!r} in this project")
                else:
                    pairs.append((who, tid))
    if problems:
        raise InputError(f"{len(problems)} problem(s) in the assignment, so nothing was recorded; first: "
                         f"{problems[0]}", path=None if sheet is None else Path(sheet),
                         hint="see `mio-qual transcripts list` for the ids", details=problems)
    if not pairs and sheet is not None:
        raise InputError("the assignment sheet names no transcript", path=Path(sheet))
    return pairs


def check_request(coders: Sequence[str], unit: str) -> list[str]:
    """The coders as strings, after checking the unit and that at least two layers are compared."""
    if unit not in PROJECT_UNITS:
        raise InputError(f"unknown unit {unit!r}", hint="use one of " + ", ".join(PROJECT_UNITS))
    if isinstance(coders, str):  # a string is a sequence of one-letter "coders"
        raise InputError(f"coders takes a list of layer names, not one string ({coders!r})",
                         hint="coders=['jordan', 'casey'] (on the command line: --coders jordan casey)")
    coders = [str(c) for c in coders]
    if len(coders) < 2:
        raise InputError("agreement needs at least two coders", hint="name them: --coders A B")
    return coders


def isolated_coders(seen: Mapping[str, set[str]]) -> list[str]:
    """The coders who share no transcript with any other coder, in the order of ``seen``.

    ``seen`` maps each compared coder to the transcripts they saw under the seen rule. Every
    unit of such a coder's transcripts is rated by that coder alone: it holds no pair of
    ratings, so it says nothing about agreement. Under Gwet's convention those units would
    still enter the chance term of the multi-rater coefficients (Gwet 2014, ch. 2), where a
    whole other set of transcripts can push chance agreement towards 1 and Fleiss' kappa far
    below -1; Krippendorff's alpha would ignore them (Krippendorff 2011: a unit with a single
    value is not pairable). So such a coder is named and left out, rather than hidden in a
    coefficient.

    Examples
    --------
    >>> isolated_coders({"priya": {"INT21"}, "lead": {"INT21", "INT22"}, "jordan": {"INT01"}})
    ['jordan']
    >>> isolated_coders({"a": {"T1"}, "b": {"T1"}, "c": {"T2"}, "d": {"T2"}})
    []
    """
    out = []
    for coder, mine in seen.items():
        others = set().union(*(ts for c, ts in seen.items() if c != coder))
        if not mine & others:
            out.append(coder)
    return out


def coder_groups(seen: Mapping[str, set[str]]) -> list[list[str]]:
    """The coders split into groups linked by shared transcripts (each group in the order of ``seen``).

    Two coders are in one group when a chain of coders, each sharing a transcript with the next,
    joins them. Several groups of two or more mean the pooled coefficients mix units rated by
    different coders, which Fleiss (1971) allows (the coders of each unit may differ), but no
    coefficient says how the groups agree with one another: the report says so.

    Examples
    --------
    >>> coder_groups({"a": {"T1"}, "b": {"T1"}, "c": {"T2"}, "d": {"T2", "T3"}, "e": {"T3"}})
    [['a', 'b'], ['c', 'd', 'e']]
    >>> coder_groups({"a": {"T1"}, "b": {"T1", "T2"}, "c": {"T2"}})
    [['a', 'b', 'c']]
    """
    names = list(seen)
    parent = list(range(len(names)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, coder in enumerate(names):
        for transcript in seen[coder]:
            j = first.setdefault(transcript, i)
            parent[root(i)] = root(j)
    groups: dict[int, list[str]] = {}
    for i, coder in enumerate(names):
        groups.setdefault(root(i), []).append(coder)
    return list(groups.values())


def groups_note(groups: Sequence[Sequence[str]]) -> str:
    """The sentence saying that the compared coders form groups that share no transcript (``""`` for one group).

    Examples
    --------
    >>> groups_note([["ann", "bob"], ["cy", "dee"]])[:73]
    'the coders form 2 groups that share no transcript (ann and bob; cy and de'
    """
    if len(groups) < 2:
        return ""

    def words(names: Sequence[str]) -> str:
        return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]

    return (f"the coders form {len(groups)} groups that share no transcript "
            f"({'; '.join(words(list(g)) for g in groups)}): each unit's agreement is between the coders of its "
            "group, and the pooled coefficients mix the groups' units, as Fleiss (1971) allows when the coders "
            "differ from unit to unit; how the groups agree with one another is not measured")


def _without_isolated(coders: list[str], seen: Mapping[str, set[str]]) -> tuple[list[str], dict[str, str],
                                                                                dict[str, float]]:
    """The coders kept, the reason each one left out was left out, and the set-aside entries saying so.

    Nobody is left out unless two coders or more who share transcripts remain (otherwise the
    table is empty and the caller says the layers share no transcript).
    """
    isolated = isolated_coders(seen)
    kept = [c for c in coders if c not in isolated]
    if not isolated or len(kept) < 2:
        return coders, {}, {}
    reasons, set_aside = {}, {}
    for coder in isolated:
        mine = sorted(seen[coder])
        named = ", ".join(mine[:10]) + (f" and {len(mine) - 10} more" if len(mine) > 10 else "")
        reasons[coder] = (f"{coder} shares no transcript with the other coders compared ({', '.join(kept)}), so no "
                          f"unit has a second rating beside {coder}'s: {coder}'s coding holds no agreement to measure"
                          " and was left out of every coefficient (have another coder code some of these "
                          "transcripts to assess it)")
        set_aside[f"transcript(s) only {coder} saw ({named}): {reasons[coder]}"] = float(len(mine))
    return kept, reasons, set_aside


def agreement_inputs(codings: pd.DataFrame, texts: Mapping[str, str], segments: pd.DataFrame | None,
                     coders: Sequence[str], unit: str = "sentence", codes: Sequence[str] | None = None, *,
                     transcripts: Sequence[str] | None = None, seen: str = "given", include_interviewer: bool = False,
                     known_coders: Sequence[str] = (), given: Mapping[str, Sequence[str]] | None = None
                     ) -> AgreementInputs:
    """Prepare what agreement and disagreements are computed from.

    Parameters
    ----------
    codings : DataFrame
        Codings of the compared layers (transcript_id, start, end, code, coder ...).
    texts : mapping of str to str
        Each transcript's text, by id (others are ignored).
    segments : DataFrame or None
        Segment units: the stored segments of ``unit`` (transcript_id, segment_id, start, end,
        is_interviewer, turn_n, body_start for turns ...); None for other units.
    coders, unit, codes, transcripts, seen, include_interviewer
        See :meth:`mio_qual.project.Project.agreement`.
    known_coders : sequence of str
        Every coder with codings in the project, named when a compared coder has none.
    given : mapping of str to sequence of str, optional
        The transcripts each coder was given (returned or assigned), for ``seen="given"`` and
        ``seen="any"``; a coder missing here saw only the transcripts they coded in.

    Notes
    -----
    The seen rule (:data:`SEEN_RULES`) decides which units are missing for a coder: the units
    of a transcript a coder did not see are missing (not "not coded"), and a unit seen by one
    coder only is set aside. Under ``"given"`` a transcript a coder returned without a single
    coding counts as seen, so a code they missed there is a disagreement of omission; under
    ``"coded"`` it would vanish. The transcripts each coder did not see are counted in
    ``set_aside``.

    Raises
    ------
    InputError
        An unknown unit or seen rule, fewer than two coders, a coder without codings, or codes
        none of which the coders applied.
    """
    coders = check_request(coders, unit)
    found = set(codings["coder"].unique()) if len(codings) else set()
    absent = [c for c in coders if c not in found]
    if absent:
        known = sorted(known_coders)
        raise InputError(f"coder {absent[0]!r} has no codings in this project",
                         hint="coders with codings: " + (", ".join(known) if known else "none yet"))
    if transcripts is not None:
        keep = {str(t) for t in transcripts}
        codings = codings[codings["transcript_id"].isin(keep)]
    if codes is not None:
        wanted = [str(c) for c in codes]
        all_codes = set(codings["code"].unique())
        unknown = [c for c in wanted if c not in all_codes]
        if len(unknown) == len(wanted) and wanted:
            raise InputError(f"none of the codes {', '.join(wanted)} was applied by these coders",
                             hint="check the code ids (see `mio-qual codebook list`)")
    if seen not in SEEN_RULES:
        raise InputError(f"unknown seen rule {seen!r}", hint="use " + ", ".join(repr(s) for s in SEEN_RULES))
    keep_t = None if transcripts is None else {str(t) for t in transcripts}
    handed = {} if seen == "coded" or given is None else \
        {c: {str(t) for t in given.get(c, ()) if keep_t is None or str(t) in keep_t} for c in coders}
    coded_by = {c: set() for c in coders}
    for coder, tid in codings[["coder", "transcript_id"]].drop_duplicates().itertuples(index=False):
        if coder in coded_by:
            coded_by[coder].add(tid)
    if seen != "any" and len(coders) > 2:
        kept, reasons, isolated = _without_isolated(
            coders, {c: coded_by[c] | handed.get(c, set()) for c in coders})
        if reasons:
            inputs = agreement_inputs(codings[codings["coder"].isin(kept)], texts, segments, kept, unit, codes,
                                      transcripts=transcripts, seen=seen, include_interviewer=include_interviewer,
                                      known_coders=known_coders, given=given)
            inputs.set_aside.update(isolated)
            inputs.left_out_coders.update(reasons)
            return inputs
    groups = coder_groups({c: coded_by[c] | handed.get(c, set()) for c in coders}) if seen != "any" else []
    coded_transcripts = sorted(set().union(*coded_by.values(), *handed.values()))
    if transcripts is not None:
        coded_transcripts = sorted(set(coded_transcripts) | keep_t)
    if seen == "coded":
        coverage = None
    elif seen == "any":
        coverage = {c: coded_transcripts for c in coders}
    else:
        coverage = {c: sorted(handed.get(c, set())) for c in coders}
    texts = {t: texts[t] for t in coded_transcripts if t in texts}
    left_out: dict[str, float] = {}
    if seen != "any":
        for coder in coders:
            unseen = sorted(set(coded_transcripts) - coded_by[coder] - handed.get(coder, set()))
            if unseen:  # named, so that the reader knows which interviews one coder's numbers leave out
                named = ", ".join(unseen[:10]) + (f" and {len(unseen) - 10} more" if len(unseen) > 10 else "")
                left_out[f"transcript(s) {coder} did not see under the seen rule ({named}: their units are missing "
                         f"for {coder}; rule '{seen}')"] = float(len(unseen))
    if unit in SEGMENT_UNITS:
        if segments is None:
            raise InputError(f"{unit} units need the stored {unit}s")
        segments = segments[segments["transcript_id"].isin(coded_transcripts)]
        if unit == "turn" and "body_start" in segments.columns:
            body = segments["body_start"]
            use = body.notna() & (body < segments["end"])
            segments = segments.assign(start=np.where(use, body.fillna(0), segments["start"]).astype(np.int64))
        if not include_interviewer:
            analysed = codings if codes is None else codings[codings["code"].isin([str(c) for c in codes])]
            segments, speech = _speech_only(segments, analysed, unit)
            left_out.update(speech)
    else:
        segments = None
    return AgreementInputs(coders, unit, codings, segments, texts, coverage, left_out, include_interviewer, seen,
                           coder_groups=groups if len(groups) > 1 else [])


@renamed(span_threshold="overlap", n_boot="boot")
def agreement(
    inputs: AgreementInputs,
    codes: Sequence[str] | None = None,
    *,
    stats: Sequence[str] | None = None,
    scope: str = "all",
    min_coverage: float = 0.0,
    overlap: float = 0.9,
    boot: int = 0,
    seed: int = 0,
    confidence: float = 0.95,
    by_transcript: bool = True,
    convention: str = "gwet",
    boot_method: str = "units",
) -> pd.DataFrame:
    """Inter-rater agreement per code, pooled and per transcript.

    Parameters
    ----------
    inputs : AgreementInputs
        The layers, unit, codings, units and texts (:func:`agreement_inputs`); the unit is
        ``"sentence"``, ``"turn"``, ``"paragraph"``, ``"character"``, ``"span"``,
        ``"transcript"`` or ``"continuum"`` (Krippendorff's unitized alpha on the text itself).
    codes : sequence of str, optional
        Codes to analyse (default: every code the coders used).
    stats : sequence of str, optional
        Coefficients (default: percent agreement, Cohen's kappa, alpha, AC1 and PABAK for two
        coders; Fleiss' kappa and Brennan-Prediger instead of Cohen and PABAK for more).
    scope : {"all", "coded"}
        Character units: over all text, or over the text anyone coded.
    min_coverage : float
        Segment units: share of a unit a coding must cover to count (0: any overlap).
    overlap : float
        Span units: overlap share |A and B| / |A or B| for two spans to agree (was
        ``span_threshold``, which works until 0.2.0 with a DeprecationWarning).
    boot, seed, confidence
        Bootstrap replicates (0 for analytic intervals; was ``n_boot``, likewise), its seed and
        the interval level.
    by_transcript : bool
        Add a pooled row per transcript.
    convention : {"gwet", "pairable"}
        Units rated by one coder in the multi-rater coefficients (see
        :func:`mio_qual.agreement.report.agreement_table`).
    boot_method : {"units", "krippendorff"}
        How alpha is bootstrapped (see :func:`mio_qual.agreement.report.agreement_table`).

    Returns
    -------
    DataFrame
        See :func:`mio_qual.agreement.report.agreement_table` (and
        :func:`~mio_qual.agreement.report.unitized_table` for ``unit="continuum"``), with two
        more columns, the same on every row, so that a CSV or JSON file holds what the screen
        says under the table: ``seen_rule`` (which transcripts counted as seen) and
        ``left_out`` (every count set aside before the analysis, with its reason; also in
        ``attrs["set_aside"]``). ``attrs["coders"]`` are the coders compared: with three or
        more, one who shares no transcript with the others is left out (:func:`isolated_coders`)
        and named with the reason in ``attrs["left_out_coders"]`` and ``left_out``; coders who
        form groups sharing no transcript with one another are listed in ``attrs["coder_groups"]``
        (:func:`coder_groups`).
    """
    if inputs.unit == "continuum":
        table = unitized_table(inputs.codings, inputs.texts, coders=inputs.coders, codes=codes,
                               coverage=inputs.coverage, by_transcript=by_transcript)
        return _with_counts(table, dict(inputs.set_aside), inputs.seen, coders=inputs.coders,
                            left_out_coders=inputs.left_out_coders, groups=inputs.coder_groups)
    data = _reliability(inputs, codes, scope, min_coverage, overlap)
    data.set_aside.update(inputs.set_aside)
    table = agreement_table(data, stats=stats, confidence=confidence, boot=boot, seed=seed,
                            by_transcript=by_transcript, convention=convention, boot_method=boot_method)
    return _with_counts(table, dict(data.set_aside), inputs.seen, convention, boot_method, inputs.coders,
                        inputs.left_out_coders, inputs.coder_groups)


def _listed_segments(segments: pd.DataFrame, frame: pd.DataFrame, rows: np.ndarray | None) -> np.ndarray | None:
    """Where the units of a disagreement listing stand in ``segments``, or None when that is not known.

    ``rows`` are the listed units' positions among the analysed units; those are the rows of
    ``segments`` in their order when the segments came sorted (the store's units do; see
    :func:`mio_qual.agreement.units.reliability_data`), and each listed id must be the id found
    there. Otherwise (None) the caller joins on the segment ids.
    """
    if rows is None:
        return None
    from .units import _in_order

    ids = segments["transcript_id"]
    if not _in_order(ids, segments["start"].to_numpy(), segments["end"].to_numpy()):
        return None
    listed = segments["segment_id"].to_numpy(dtype=object)[rows]
    return rows if np.array_equal(listed, frame["segment_id"].to_numpy(dtype=object)) else None


def _with_counts(table: pd.DataFrame, set_aside: dict[str, float], seen: str, convention: str = "gwet",
                 boot_method: str = "units", coders: Sequence[str] | None = None,
                 left_out_coders: Mapping[str, str] | None = None,
                 groups: Sequence[Sequence[str]] = ()) -> pd.DataFrame:
    """The table with the seen rule and what was set aside, as columns and in ``attrs`` (with the options
    a methods text names: ``convention`` and ``boot_method``; the coders compared, ``coders``, and those left
    out with the reason, ``left_out_coders``)."""
    if not len(table):
        return table
    table.attrs.update(convention=convention, boot_method=boot_method)
    if coders is not None:
        table.attrs["coders"] = list(coders)
    if left_out_coders:
        table.attrs["left_out_coders"] = dict(left_out_coders)
    if groups:
        table.attrs["coder_groups"] = [list(g) for g in groups]
    table["seen_rule"] = SEEN_RULES[seen]
    table["left_out"] = "; ".join(f"{count:g} {reason}" for reason, count in set_aside.items())
    table.attrs["seen_rule"] = SEEN_RULES[seen]
    if set_aside:
        table.attrs["set_aside"] = set_aside
    return table


def _reliability(inputs: AgreementInputs, codes: Sequence[str] | None, scope: str, min_coverage: float,
                 span_threshold: float) -> Any:
    """Reliability data of ``inputs`` (continuum units are read as characters)."""
    unit = "character" if inputs.unit == "continuum" else inputs.unit
    key = (unit, None if codes is None else tuple(codes), scope, min_coverage, span_threshold)
    if key not in inputs.built:  # built once per request, whether the table or the disagreements ask first
        inputs.built[key] = _build_reliability(inputs, unit, codes, scope, min_coverage, span_threshold)
    return inputs.built[key]


def _build_reliability(inputs: AgreementInputs, unit: str, codes: Sequence[str] | None, scope: str,
                       min_coverage: float, span_threshold: float) -> Any:
    return reliability_data(inputs.codings, unit, segments=inputs.segments, texts=inputs.texts, coders=inputs.coders,
                            codes=codes, coverage=inputs.coverage, scope=scope, min_coverage=min_coverage,
                            overlap=span_threshold)


@renamed(span_threshold="overlap")
def disagreements(
    inputs: AgreementInputs,
    codes: Sequence[str] | None = None,
    *,
    scope: str = "all",
    min_coverage: float = 0.0,
    overlap: float = 0.9,
    redactor: Callable[[str], str] | None = None,
) -> pd.DataFrame:
    """Every disagreeing unit with its text and each coder's codes, for a reconciliation meeting.

    Parameters are those of :func:`agreement` (continuum units are listed as characters), and
    ``redactor``: when given the listing is private (DESIGN.md, decision 9): speakers appear by
    study id and role only, and the text goes through ``redactor`` (which replaces the names the
    project knows). Turn texts start after the speaker's label; by default interviewer turns are
    not units (see :func:`agreement_inputs`), so they are never listed. Segment units give one
    row per unit (its id, offsets, speaker, text, each coder's codes and the codes in dispute);
    character units one row per stretch of text coded differently; span units one row per span
    without a match; transcript units one row per transcript.
    """
    data = _reliability(inputs, codes, scope, min_coverage, overlap)
    unit, segments, texts, redact = inputs.unit, inputs.segments, inputs.texts, redactor is not None
    rows = None
    if unit in SEGMENT_UNITS and data.hits is not None and data.codes:
        frame, rows = segment_disagreement_rows(data, texts)
    else:
        frame = _disagreements(data, inputs.codings, texts)
    if unit in SEGMENT_UNITS and segments is not None and len(frame):
        extra = [c for c in ("speaker", "study_id", "speaker_role", "body_start") if c in segments.columns]
        if redact and "speaker" in extra:
            extra.remove("speaker")
        at = _listed_segments(segments, frame, rows) if extra else None
        if at is not None:   # the units' own rows: what joining on the segment ids would find
            picked = segments[extra].iloc[at].reset_index(drop=True)
            for column in extra:
                frame[column] = picked[column]
        elif extra:
            frame = frame.merge(segments[["segment_id"] + extra], on="segment_id", how="left")
        for column in extra:      # the store reads speakers as categories: plain values in the listing
            if isinstance(frame[column].dtype, pd.CategoricalDtype):
                values = frame[column].astype(object)
                frame[column] = values.where(values.notna(), None)
        if "body_start" in frame.columns:
            body = frame["body_start"].fillna(frame["start"]).astype(int)
            frame["text"] = [texts.get(t, "")[b:e] for t, b, e in  # lists: a Series is slow to walk
                             zip(frame["transcript_id"].tolist(), body.tolist(), frame["end"].tolist())]
            frame = frame.drop(columns=["body_start"])
            extra.remove("body_start")
        front = ["transcript_id", "segment_id", "start", "end"] + extra + ["text"]
        frame = frame[[c for c in front if c in frame.columns] + [c for c in frame.columns if c not in front]]
    if redactor is not None and len(frame) and "text" in frame.columns:
        frame["text"] = [redactor(t) if isinstance(t, str) else t for t in frame["text"].tolist()]
    return frame
