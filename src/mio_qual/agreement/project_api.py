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

from ..errors import InputError
from .report import agreement_table, unitized_table
from .units import SEGMENT_UNITS, UNITS, disagreements as _disagreements, reliability_data

PROJECT_UNITS = UNITS + ("continuum",)

__all__ = ["AgreementInputs", "agreement_inputs", "check_request", "agreement", "disagreements", "PROJECT_UNITS"]


def _speech_only(segments: pd.DataFrame, codings: pd.DataFrame, unit: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """Participants' speech: segments without interviewer turns and headers, and what was left out."""
    drop = segments["is_interviewer"].fillna(False).astype(bool).to_numpy().copy()
    if unit == "paragraph" and "turn_n" in segments.columns:
        drop |= (segments["turn_n"].fillna(0).to_numpy() == 0)
    kept = segments[~drop]
    left_out: dict[str, float] = {}
    if drop.any():
        left_out[f"{unit}s spoken by the interviewer side or before the first turn (include_interviewer=True "
                 "keeps them)"] = float(drop.sum())
        # codings that touch no kept unit but do touch a left-out one vanish from the analysis: count them
        names = {t: i for i, t in enumerate(pd.unique(pd.concat([segments["transcript_id"],
                                                                  codings["transcript_id"]])))}
        stride = int(max(segments["end"].max(), codings["end"].max() if len(codings) else 0)) + 1
        base = codings["transcript_id"].map(names).to_numpy(dtype=np.int64) * stride
        s, e = base + codings["start"].to_numpy(dtype=np.int64), base + codings["end"].to_numpy(dtype=np.int64)

        def touches(frame: pd.DataFrame) -> np.ndarray:
            if not len(frame) or not s.size:
                return np.zeros(s.size, dtype=bool)
            b = frame["transcript_id"].map(names).to_numpy(dtype=np.int64) * stride
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
    """

    coders: list[str]
    unit: str
    codings: pd.DataFrame
    segments: pd.DataFrame | None
    texts: dict[str, str]
    coverage: dict[str, list[str]] | None
    set_aside: dict[str, float] = field(default_factory=dict)
    include_interviewer: bool = False

    @property
    def participants_only(self) -> bool:
        """True when the units are participants' speech only (segment units, interviewer left out)."""
        return self.unit in SEGMENT_UNITS and not self.include_interviewer


def check_request(coders: Sequence[str], unit: str) -> list[str]:
    """The coders as strings, after checking the unit and that at least two layers are compared."""
    if unit not in PROJECT_UNITS:
        raise InputError(f"unknown unit {unit!r}", hint="use one of " + ", ".join(PROJECT_UNITS))
    coders = [str(c) for c in coders]
    if len(coders) < 2:
        raise InputError("agreement needs at least two coders", hint="name them: --coders A B")
    return coders


def agreement_inputs(codings: pd.DataFrame, texts: Mapping[str, str], segments: pd.DataFrame | None,
                     coders: Sequence[str], unit: str = "sentence", codes: Sequence[str] | None = None, *,
                     transcripts: Sequence[str] | None = None, seen: str = "coded", include_interviewer: bool = False,
                     known_coders: Sequence[str] = ()) -> AgreementInputs:
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

    Raises
    ------
    InputError
        An unknown unit or seen rule, fewer than two coders, a coder without codings, or codes
        none of which the coders applied.
    """
    coders = check_request(coders, unit)
    found = set(codings["coder"]) if len(codings) else set()
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
        all_codes = set(codings["code"])
        unknown = [c for c in wanted if c not in all_codes]
        if len(unknown) == len(wanted) and wanted:
            raise InputError(f"none of the codes {', '.join(wanted)} was applied by these coders",
                             hint="check the code ids (see `mio-qual codebook list`)")
    coded_transcripts = sorted(set(codings["transcript_id"]))
    if transcripts is not None:
        coded_transcripts = sorted(set(coded_transcripts) | {str(t) for t in transcripts})
    if seen == "coded":
        coverage = None
    elif seen == "any":
        coverage = {c: coded_transcripts for c in coders}
    else:
        raise InputError(f"unknown seen rule {seen!r}", hint="use 'coded' or 'any'")
    texts = {t: texts[t] for t in coded_transcripts if t in texts}
    left_out: dict[str, float] = {}
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
            segments, left_out = _speech_only(segments, analysed, unit)
    else:
        segments = None
    return AgreementInputs(coders, unit, codings, segments, texts, coverage, left_out, include_interviewer)


def agreement(
    inputs: AgreementInputs,
    codes: Sequence[str] | None = None,
    *,
    stats: Sequence[str] | None = None,
    scope: str = "all",
    min_coverage: float = 0.0,
    span_threshold: float = 0.9,
    n_boot: int = 0,
    seed: int = 0,
    confidence: float = 0.95,
    by_transcript: bool = True,
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
    span_threshold : float
        Span units: overlap share for two spans to agree.
    n_boot, seed, confidence
        Bootstrap replicates (0 for analytic intervals), its seed and the interval level.
    by_transcript : bool
        Add a pooled row per transcript.

    Returns
    -------
    DataFrame
        See :func:`mio_qual.agreement.report.agreement_table` (and
        :func:`~mio_qual.agreement.report.unitized_table` for ``unit="continuum"``).
    """
    if inputs.unit == "continuum":
        return unitized_table(inputs.codings, inputs.texts, coders=inputs.coders, codes=codes, coverage=inputs.coverage,
                              by_transcript=by_transcript)
    data = _reliability(inputs, codes, scope, min_coverage, span_threshold)
    data.set_aside.update(inputs.set_aside)
    table = agreement_table(data, stats=stats, confidence=confidence, n_boot=n_boot, seed=seed,
                            by_transcript=by_transcript)
    if data.set_aside and len(table):
        table.attrs["set_aside"] = dict(data.set_aside)
    return table


def _reliability(inputs: AgreementInputs, codes: Sequence[str] | None, scope: str, min_coverage: float,
                 span_threshold: float) -> Any:
    """Reliability data of ``inputs`` (continuum units are read as characters)."""
    unit = "character" if inputs.unit == "continuum" else inputs.unit
    return reliability_data(inputs.codings, unit, segments=inputs.segments, texts=inputs.texts, coders=inputs.coders,
                            codes=codes, coverage=inputs.coverage, scope=scope, min_coverage=min_coverage,
                            span_threshold=span_threshold)


def disagreements(
    inputs: AgreementInputs,
    codes: Sequence[str] | None = None,
    *,
    scope: str = "all",
    min_coverage: float = 0.0,
    span_threshold: float = 0.9,
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
    data = _reliability(inputs, codes, scope, min_coverage, span_threshold)
    unit, segments, texts, redact = inputs.unit, inputs.segments, inputs.texts, redactor is not None
    frame = _disagreements(data, inputs.codings, texts)
    if unit in SEGMENT_UNITS and segments is not None and len(frame):
        extra = [c for c in ("speaker", "study_id", "speaker_role", "body_start") if c in segments.columns]
        if redact and "speaker" in extra:
            extra.remove("speaker")
        if extra:
            frame = frame.merge(segments[["segment_id"] + extra], on="segment_id", how="left")
        if "body_start" in frame.columns:
            body = frame["body_start"].fillna(frame["start"]).astype(int)
            frame["text"] = [texts.get(t, "")[b:e] for t, b, e in zip(frame["transcript_id"], body, frame["end"])]
            frame = frame.drop(columns=["body_start"])
            extra.remove("body_start")
        front = ["transcript_id", "segment_id", "start", "end"] + extra + ["text"]
        frame = frame[[c for c in front if c in frame.columns] + [c for c in frame.columns if c not in front]]
    if redactor is not None and len(frame) and "text" in frame.columns:
        frame["text"] = [redactor(t) if isinstance(t, str) else t for t in frame["text"]]
    return frame
