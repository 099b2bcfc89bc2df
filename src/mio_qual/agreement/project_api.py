"""``Project.agreement`` and ``Project.disagreements``: the agreement layer on a project's store.

These read codings, segments and texts from the project and hand plain DataFrames to
:mod:`.units`, :mod:`.unitized` and :mod:`.report`; nothing here computes a coefficient.
Any coder layer can be compared, so agreement between a human coder and an auto-coder
(a ``rules`` or ``model`` layer) is the same call with the auto-coder's layer name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import pandas as pd

from ..errors import InputError
from .report import agreement_table, unitized_table
from .units import SEGMENT_UNITS, UNITS, disagreements as _disagreements, reliability_data

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

PROJECT_UNITS = UNITS + ("continuum",)

__all__ = ["agreement", "disagreements", "PROJECT_UNITS"]


def _inputs(project: "Project", coders: Sequence[str], unit: str, codes: Sequence[str] | None,
            transcripts: Sequence[str] | None, seen: str) -> tuple[pd.DataFrame, pd.DataFrame | None, dict, Any]:
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
    if unit in SEGMENT_UNITS:
        segments = project.segments(unit)
        segments = segments[segments["transcript_id"].isin(coded_transcripts)]
    return codings, segments, texts, coverage


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

    Returns
    -------
    DataFrame
        See :func:`mio_qual.agreement.report.agreement_table` (and
        :func:`~mio_qual.agreement.report.unitized_table` for ``unit="continuum"``).
    """
    codings, segments, texts, coverage = _inputs(project, coders, unit, codes, transcripts, seen)
    if unit == "continuum":
        return unitized_table(codings, texts, coders=coders, codes=codes, coverage=coverage,
                              by_transcript=by_transcript)
    data = reliability_data(codings, unit, segments=segments, texts=texts, coders=coders, codes=codes,
                            coverage=coverage, scope=scope, min_coverage=min_coverage, span_threshold=span_threshold)
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
) -> pd.DataFrame:
    """Every disagreeing unit with its text and each coder's codes, for a reconciliation meeting.

    Parameters are those of :func:`agreement`, and ``redact``: private by default (DESIGN.md,
    decision 9), speakers appear by study id and role, turn texts start after the speaker's
    label, and the names the project knows are replaced in the text (when the reports package
    offers its redactor). Segment units give one row per unit (its id, offsets, speaker, text,
    each coder's codes and the codes in dispute); character units one row per stretch of text
    coded differently; span units one row per span without a match; transcript units one row
    per transcript.
    """
    if unit == "continuum":
        unit = "character"
    codings, segments, texts, coverage = _inputs(project, coders, unit, codes, transcripts, seen)
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
            from ..reports.deidentify import make_redactor
        except ImportError:  # pragma: no cover - the reports package is part of mio-qual
            return frame
        redactor = make_redactor(project)
        frame["text"] = [redactor(t) if isinstance(t, str) else t for t in frame["text"]]
    return frame
