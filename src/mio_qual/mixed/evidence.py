"""The coded excerpts behind each construct in each case, de-identified.

:func:`evidence` is what rating worksheets and side-by-side joint displays quote from. It
reads a coding layer (the consensus layer when there is one, else every human layer merged),
assigns each excerpt to a case (its transcript's clinic or agency, its speaker's role, or its
transcript), attributes it to the constructs its code is or refines, and names its speaker by
study id and role only, with roster names redacted from the text.

Layers merged: when several coders coded the same code on overlapping text of one
transcript, the union of their spans is one excerpt (``coders`` lists who coded it), so counts
are of distinct excerpts, not of coders' clicks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from .constructs import Constructs, as_list, case_column, load_constructs

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..project import Project

EVIDENCE_COLUMNS = ["case_kind", "case_id", "construct", "code", "via", "transcript_id", "start", "end",
                    "speaker_id", "speaker_role", "is_interviewer", "coders", "text"]


def choose_layers(project: "Project", coder: str | Sequence[str] | None = None) -> tuple[list[str], str]:
    """The coding layers to take evidence from, and a phrase saying which.

    ``coder`` names them; by default the ``consensus``-origin layers if any exist, else every
    human layer.
    """
    connection = project.store.connection
    named = as_list(coder)
    if named:
        return named, "layer(s) " + ", ".join(named)
    consensus = [r[0] for r in connection.execute(
        "SELECT DISTINCT coder FROM codings WHERE origin = 'consensus' ORDER BY coder")]
    if consensus:
        return consensus, "consensus layer " + ", ".join(consensus)
    human = [r[0] for r in connection.execute("SELECT DISTINCT coder FROM codings WHERE origin = 'human' ORDER BY coder")]
    return human, ("human layers " + ", ".join(human) + " merged") if human else "no coding layers"


def _merge_spans(rows: list[tuple[int, int, str]]) -> list[tuple[int, int, list[str]]]:
    """Union overlapping ``(start, end, coder)`` spans; returns ``(start, end, coders)``."""
    rows = sorted(rows)
    out: list[tuple[int, int, list[str]]] = []
    for start, end, coder in rows:
        if out and start < out[-1][1]:
            s, e, coders = out[-1]
            out[-1] = (s, max(e, end), coders if coder in coders else coders + [coder])
        else:
            out.append((start, end, [coder]))
    return out


def evidence(project: "Project", by: str = "clinic", *, coder: str | Sequence[str] | None = None,
             constructs: Sequence[str] | None = None, codebook: Any = None, via_refines: bool = True,
             redact_names: bool = True, info: Constructs | None = None) -> "pd.DataFrame":
    """One row per excerpt per construct per case.

    Parameters
    ----------
    project : Project
    by : {"clinic", "agency", "role", "transcript"}
        The case kind. Excerpts from transcripts without a clinic (agency leaders) have no
        clinic case and are left out of ``by="clinic"``.
    coder : str or sequence of str, optional
        Coding layers (default: see :func:`choose_layers`).
    constructs : sequence of str, optional
        Keep only these constructs (default: every code coded directly, and every construct a
        coded study code refines when ``via_refines``).
    codebook : optional
        See :func:`mio_qual.mixed.constructs.load_constructs`.
    via_refines : bool
        Count an excerpt coded with a study code (``MIO.SUPV``) as evidence for the CFIR
        constructs that code refines; such rows have ``via`` True and ``code`` the study code.
    redact_names : bool
        Replace roster names and name-like speaker labels in the text with ``[name]``.

    Returns
    -------
    pandas.DataFrame
        Columns: case_kind, case_id, construct, code, via, transcript_id, start, end,
        speaker_id (study id), speaker_role, is_interviewer, coders (``;``-joined), text.
        Sorted by case, construct (codebook order), transcript and start.
    """
    import pandas as pd

    from ..transcripts.model import INTERVIEWER_ROLES

    case_column(by)
    info = info or load_constructs(project, codebook)
    layers, _ = choose_layers(project, coder)
    wanted = set(as_list(constructs) or []) or None
    if not layers:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    connection = project.store.connection
    marks = ",".join("?" * len(layers))
    rows = connection.execute(
        f"SELECT transcript_id, start, end, code, coder FROM codings WHERE coder IN ({marks})"
        " ORDER BY transcript_id, code, start", layers).fetchall()
    if not rows:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    meta = {tid: (clinic, agency, role) for tid, clinic, agency, role in
            connection.execute("SELECT id, clinic, agency, role FROM transcripts")}
    speakers = {(tid, label): (study_id, role) for tid, label, study_id, role in
                connection.execute("SELECT transcript_id, label, study_id, role FROM speakers")}
    grouped: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for tid, start, end, code, coder_ in rows:
        grouped.setdefault((tid, code), []).append((start, end, coder_))
    names = None
    if redact_names:
        from ..deidentify import known_names

        names = known_names(project)
    turn_cache: dict[str, tuple[list[int], list[int], list[str | None]]] = {}
    text_cache: dict[str, str] = {}
    records: list[tuple[Any, ...]] = []
    for (tid, code), spans in grouped.items():
        targets = [(code, False)] if (wanted is None or code in wanted) else []
        if via_refines:
            targets += [(c, True) for c in info.refines(code) if wanted is None or c in wanted]
        if not targets:
            continue
        if tid not in text_cache:
            text_cache.clear()  # keep one transcript's text at a time: rows are ordered by transcript
            turn_cache.clear()
            text_cache[tid] = project.text(tid)
            turns = connection.execute(
                "SELECT start, end, speaker FROM segments WHERE transcript_id = ? AND kind = 'turn' ORDER BY start",
                (tid,)).fetchall()
            turn_cache[tid] = ([t[0] for t in turns], [t[1] for t in turns], [t[2] for t in turns])
        text = text_cache[tid]
        starts, ends, labels = turn_cache[tid]
        clinic, agency, transcript_role = meta.get(tid, (None, None, None))
        for start, end, coders in _merge_spans(spans):
            label = _speaker_at(starts, ends, labels, start)
            study_id, speaker_role = speakers.get((tid, label), (None, None)) if label else (None, None)
            if speaker_role is None and label is None:
                speaker_role = transcript_role
            is_interviewer = (speaker_role or "").lower() in INTERVIEWER_ROLES
            if by == "clinic":
                case = clinic
            elif by == "agency":
                case = agency
            elif by == "transcript":
                case = tid
            else:
                case = None if is_interviewer else (speaker_role or transcript_role)
            if not case:
                continue
            quote = " ".join(text[start:end].split())
            if names:
                from ..deidentify import redact

                quote = redact(quote, names)
            for construct, via in targets:
                records.append((by, case, construct, code, via, tid, start, end,
                                study_id or (f"{tid}:{label}" if label else None), speaker_role, is_interviewer,
                                ";".join(sorted(coders)), quote))
    frame = pd.DataFrame.from_records(records, columns=EVIDENCE_COLUMNS)
    if len(frame):
        frame["_order"] = frame["construct"].map(lambda c: info.order_key(c))
        frame = frame.sort_values(["case_id", "_order", "transcript_id", "start", "code"], kind="stable")
        frame = frame.drop(columns="_order").reset_index(drop=True)
    return frame


def _speaker_at(starts: list[int], ends: list[int], labels: list[str | None], offset: int) -> str | None:
    from bisect import bisect_right

    i = bisect_right(starts, offset) - 1
    if i >= 0 and offset < ends[i]:
        return labels[i]
    if i + 1 < len(starts):
        return labels[i + 1]
    return None


def speaker_tag(row: Any) -> str:
    """``'S05, counselor, INT05'``: who said it and where, without a name."""
    who = row.speaker_id if isinstance(row.speaker_id, str) and row.speaker_id else "unknown speaker"
    role = f", {str(row.speaker_role).replace('_', ' ')}" if isinstance(row.speaker_role, str) and row.speaker_role else ""
    return f"{who}{role}, {row.transcript_id}"


def summarize(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Per case and construct: excerpt counts, code counts, participants and transcripts.

    Returns
    -------
    pandas.DataFrame
        Columns: case_id, construct, n_excerpts (direct codings of the construct), n_via
        (excerpts of study codes refining it), codes (``'IS.J2 x5; via MIO.SCHED x2'``),
        n_participants (distinct non-interviewer speakers), participants, n_transcripts,
        transcripts.
    """
    import pandas as pd

    columns = ["case_id", "construct", "n_excerpts", "n_via", "codes", "n_participants", "participants",
               "n_transcripts", "transcripts"]
    if not len(frame):
        return pd.DataFrame(columns=columns)
    out = []
    for (case, construct), group in frame.groupby(["case_id", "construct"], sort=False):
        direct = group[~group["via"]]
        via = group[group["via"]]
        code_counts = [f"{construct} x{len(direct)}"] if len(direct) else []
        code_counts += [f"via {c} x{n}" for c, n in via["code"].value_counts().sort_index().items()]
        speakers = group[~group["is_interviewer"] & group["speaker_id"].notna()]
        people = sorted({f"{s} ({str(r).replace('_', ' ')})" if isinstance(r, str) else str(s)
                         for s, r in zip(speakers["speaker_id"], speakers["speaker_role"])})
        transcripts = sorted(set(group["transcript_id"]))
        out.append((case, construct, len(direct), len(via), "; ".join(code_counts), len({*speakers["speaker_id"]}),
                    "; ".join(people), len(transcripts), "; ".join(transcripts)))
    return pd.DataFrame(out, columns=columns)


__all__ = ["evidence", "summarize", "choose_layers", "speaker_tag", "EVIDENCE_COLUMNS"]
