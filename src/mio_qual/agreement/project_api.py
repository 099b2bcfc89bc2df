"""``Project.agreement`` and ``Project.disagreements``: the agreement layer on a project's store.

These read codings, segments and texts from the project and hand plain DataFrames to
:mod:`.units`, :mod:`.unitized` and :mod:`.report`; nothing here computes a coefficient.
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

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .report import agreement_table, unitized_table
from .units import SEGMENT_UNITS, UNITS, disagreements as _disagreements, reliability_data

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

PROJECT_UNITS = UNITS + ("continuum",)

__all__ = ["agreement", "disagreements", "PROJECT_UNITS"]


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


def _inputs(project: "Project", coders: Sequence[str], unit: str, codes: Sequence[str] | None,
            transcripts: Sequence[str] | None, seen: str, include_interviewer: bool = False
            ) -> tuple[pd.DataFrame, pd.DataFrame | None, dict, Any, dict[str, float]]:
    if unit not in PROJECT_UNITS:
        raise InputError(f"unknown unit {unit!r}", hint="use one of " + ", ".join(PROJECT_UNITS))
    coders = [str(c) for c in coders]
    if len(coders) < 2:
        raise InputError("agreement needs at least two coders", hint="name them: --coders A B")
    codings = project.codings(coder=coders)
    found = set(codings["coder"]) if len(codings) else set()
    absent = [c for c in coders if c not in found]
    if absent:
        known = sorted(set(project.codings()["coder"])) if len(project.codings()) else []
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
    texts = project.texts()
    texts = {t: texts[t] for t in coded_transcripts if t in texts}
    segments = None
    left_out: dict[str, float] = {}
    if unit in SEGMENT_UNITS:
        segments = project.segments(unit)
        segments = segments[segments["transcript_id"].isin(coded_transcripts)]
        if unit == "turn" and "body_start" in segments.columns:
            body = segments["body_start"]
            use = body.notna() & (body < segments["end"])
            segments = segments.assign(start=np.where(use, body.fillna(0), segments["start"]).astype(np.int64))
        if not include_interviewer:
            analysed = codings if codes is None else codings[codings["code"].isin([str(c) for c in codes])]
            segments, left_out = _speech_only(segments, analysed, unit)
    return codings, segments, texts, coverage, left_out


def agreement(
    project: "Project",
    coders: Sequence[str],
    unit: str = "sentence",
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
    transcripts: Sequence[str] | None = None,
    seen: str = "coded",
    include_interviewer: bool = False,
) -> pd.DataFrame:
    """Inter-rater agreement per code, pooled and per transcript.

    Parameters
    ----------
    project : Project
    coders : sequence of str
        Coder layers to compare (two or more); an auto-coder's layer works like a person's.
    unit : str
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
    transcripts : sequence of str, optional
        Restrict to these transcripts.
    seen : {"coded", "any"}
        Which transcripts a coder saw: those they coded in (default), or every transcript any
        of the compared coders coded in (when a coder may have found nothing to code).
    include_interviewer : bool
        Segment units only. False (default): units are participants' speech; interviewer,
        facilitator, moderator and note-taker turns (and, for paragraphs, the text before the
        first turn) are left out and counted in ``attrs["set_aside"]``. True: every segment
        is a unit (what earlier versions did).

    Returns
    -------
    DataFrame
        See :func:`mio_qual.agreement.report.agreement_table` (and
        :func:`~mio_qual.agreement.report.unitized_table` for ``unit="continuum"``).
    """
    codings, segments, texts, coverage, left_out = _inputs(project, coders, unit, codes, transcripts, seen,
                                                           include_interviewer)
    if unit == "continuum":
        return unitized_table(codings, texts, coders=coders, codes=codes, coverage=coverage,
                              by_transcript=by_transcript)
    data = reliability_data(codings, unit, segments=segments, texts=texts, coders=coders, codes=codes,
                            coverage=coverage, scope=scope, min_coverage=min_coverage, span_threshold=span_threshold)
    data.set_aside.update(left_out)
    table = agreement_table(data, stats=stats, confidence=confidence, n_boot=n_boot, seed=seed,
                            by_transcript=by_transcript)
    if data.set_aside and len(table):
        table.attrs["set_aside"] = dict(data.set_aside)
    return table


def disagreements(
    project: "Project",
    coders: Sequence[str],
    unit: str = "sentence",
    codes: Sequence[str] | None = None,
    *,
    scope: str = "all",
    min_coverage: float = 0.0,
    span_threshold: float = 0.9,
    transcripts: Sequence[str] | None = None,
    seen: str = "coded",
    redact: bool = True,
    include_interviewer: bool = False,
) -> pd.DataFrame:
    """Every disagreeing unit with its text and each coder's codes, for a reconciliation meeting.

    Parameters are those of :func:`agreement` (``include_interviewer`` too: by default
    interviewer turns are not units, so they are never listed), and ``redact``: private by default (DESIGN.md,
    decision 9), speakers appear by study id and role, turn texts start after the speaker's
    label, and the names the project knows are replaced in the text (when the reports package
    offers its redactor). Segment units give one row per unit (its id, offsets, speaker, text,
    each coder's codes and the codes in dispute); character units one row per stretch of text
    coded differently; span units one row per span without a match; transcript units one row
    per transcript.
    """
    if unit == "continuum":
        unit = "character"
    codings, segments, texts, coverage, _ = _inputs(project, coders, unit, codes, transcripts, seen,
                                                    include_interviewer)
    data = reliability_data(codings, unit, segments=segments, texts=texts, coders=coders, codes=codes,
                            coverage=coverage, scope=scope, min_coverage=min_coverage, span_threshold=span_threshold)
    frame = _disagreements(data, codings, texts)
    if unit in SEGMENT_UNITS and len(frame):
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
    if redact and len(frame) and "text" in frame.columns:
        try:
            from ..deidentify import make_redactor
        except ImportError:  # pragma: no cover - the reports package is part of mio-qual
            return frame
        redactor = make_redactor(project)
        frame["text"] = [redactor(t) if isinstance(t, str) else t for t in frame["text"]]
    return frame
