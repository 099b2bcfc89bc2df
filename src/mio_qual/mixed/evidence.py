"""The coded excerpts behind each construct in each case, de-identified.

:func:`evidence` is what rating worksheets and side-by-side joint displays quote from. It
reads a coding layer (the consensus layer when there is one, else every human layer merged),
assigns each excerpt to a case (its transcript's clinic or agency, its speaker's role, or its
transcript), and names its speaker by study id and role only, with roster names redacted from
the text.

A construct's evidence is the coding of that construct (DESIGN.md, decision 11). Excerpts of a
study code linked to the construct (:mod:`mio_qual.mixed.links`) are added only when the
caller passes the links; they are marked ``via`` with the link's reason, and an excerpt that
overlaps a direct coding of the same construct in the same case, or another linked excerpt of
it, is not counted again.

Layers merged: when several coders coded the same code on overlapping text of one
transcript, the union of their spans is one excerpt (``coders`` lists who coded it), so counts
are of distinct excerpts, not of coders' clicks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .constructs import Constructs, as_list, case_column

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

EVIDENCE_COLUMNS = ["case_kind", "case_id", "construct", "code", "via", "link_reason", "transcript_id", "start", "end",
                    "speaker_id", "speaker_role", "is_interviewer", "coders", "valence", "text"]

#: Words in a coding's memo that say which way the excerpt points (coders may note valence there).
_POSITIVE = ("(+)", "positive", "facilitator", "facilitates", "helps")
_NEGATIVE = ("(-)", "negative", "barrier", "hinders")


def memo_valence(memo: Any) -> str | None:
    """``'positive'``/``'negative'`` when a coding's memo says so (``(+)``, ``barrier`` ...), else None.

    Examples
    --------
    >>> memo_valence("(+) protected hour"), memo_valence("barrier: no room"), memo_valence("room"), memo_valence(None)
    ('positive', 'negative', None, None)
    """
    if not isinstance(memo, str) or not memo.strip():
        return None
    text = memo.lower()
    positive = any(w in text for w in _POSITIVE)
    negative = any(w in text for w in _NEGATIVE)
    return "positive" if positive and not negative else "negative" if negative and not positive else None


def choose_layers(layers: "pd.DataFrame", coder: str | Sequence[str] | None = None) -> tuple[list[str], str]:
    """The coding layers to take evidence from, and a phrase saying which.

    Parameters
    ----------
    layers : DataFrame
        The project's coding layers: columns coder and origin (one row per coder and origin).
    coder : str or sequence of str, optional
        The layers to use; by default the ``consensus``-origin layers if any exist, else every
        human layer.
    """
    named = as_list(coder)
    if named:
        return named, "layer(s) " + ", ".join(named)
    consensus = sorted(set(layers.loc[layers["origin"] == "consensus", "coder"])) if len(layers) else []
    if consensus:
        return consensus, "consensus layer " + ", ".join(consensus)
    human = sorted(set(layers.loc[layers["origin"] == "human", "coder"])) if len(layers) else []
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


def evidence(codings: "pd.DataFrame", transcripts: "pd.DataFrame", speakers: "pd.DataFrame", turns: "pd.DataFrame",
             texts: Mapping[str, str], by: str = "clinic", *, info: Constructs,
             constructs: Sequence[str] | None = None, links: "pd.DataFrame | None" = None,
             names: set[str] | None = None) -> "pd.DataFrame":
    """One row per excerpt per construct per case.

    Parameters
    ----------
    codings : DataFrame
        The codings of the chosen layers (:func:`choose_layers`): columns transcript_id,
        start, end, code, coder, and optionally memo (its valence words, :func:`memo_valence`,
        fill the ``valence`` column).
    transcripts : DataFrame
        Columns transcript_id, clinic, agency, role.
    speakers : DataFrame
        Columns transcript_id, label, study_id, role.
    turns : DataFrame
        Speaker turns: columns transcript_id, start, end, speaker.
    texts : mapping
        Transcript id -> canonical text.
    by : {"clinic", "agency", "role", "transcript"}
        The case kind. Excerpts from transcripts without a clinic (agency leaders) have no
        clinic case and are left out of ``by="clinic"``.
    info : Constructs
        Construct order.
    constructs : sequence of str, optional
        Keep only these constructs (default: every code coded directly, and every construct a
        coded study code is linked to when ``links`` are given).
    links : DataFrame, optional
        Study-code links to follow (:func:`mio_qual.mixed.links.link_table`: code, construct,
        reason). None (the default): evidence is direct coding only. Linked rows have ``via``
        True, ``code`` the study code(s) and ``link_reason`` the reason; a linked excerpt
        overlapping a direct coding of the construct in the same case and transcript is left
        out, and overlapping linked excerpts are merged, so no text counts twice in a cell.
    names : set of str, optional
        Names to replace with ``[name]`` in the text (:func:`mio_qual.deidentify.known_names`);
        None leaves the text as it is.

    Returns
    -------
    pandas.DataFrame
        Columns: case_kind, case_id, construct, code, via, link_reason, transcript_id, start,
        end, speaker_id (study id), speaker_role, is_interviewer, coders (``;``-joined),
        valence (from coders' memos, or None), text.
        Sorted by case, construct (codebook order), transcript and start.
    """
    import pandas as pd

    from ..deidentify import redact
    from ..transcripts.model import INTERVIEWER_ROLES
    from .links import links_by_code

    case_column(by)
    linked = links_by_code(links) if links is not None else {}
    wanted = set(as_list(constructs) or []) or None
    if not len(codings):
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    meta = {tid: (_text(clinic), _text(agency), _text(role)) for tid, clinic, agency, role in
            zip(transcripts["transcript_id"], transcripts["clinic"], transcripts["agency"], transcripts["role"])}
    who = {(tid, label): (_text(study_id), _text(role)) for tid, label, study_id, role in
           zip(speakers["transcript_id"], speakers["label"], speakers["study_id"], speakers["role"])}
    grouped: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    ordered = codings.sort_values(["transcript_id", "code", "start"], kind="stable")
    memos = ordered["memo"].tolist() if "memo" in ordered.columns else [None] * len(ordered)
    valences: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    for tid, start, end, code, coder_, memo in zip(ordered["transcript_id"], ordered["start"], ordered["end"],
                                                   ordered["code"], ordered["coder"], memos):
        grouped.setdefault((tid, code), []).append((int(start), int(end), coder_))
        said = memo_valence(memo)
        if said:
            valences.setdefault((tid, code), []).append((int(start), int(end), said))
    turn_index = {tid: (group["start"].tolist(), group["end"].tolist(), [_text(v) for v in group["speaker"]])
                  for tid, group in turns.sort_values(["transcript_id", "start"], kind="stable").groupby("transcript_id")}
    records: list[tuple[Any, ...]] = []
    for (tid, code), spans in grouped.items():
        targets = [(code, "")] if (wanted is None or code in wanted) else []
        targets += [(c, reason) for c, reason in linked.get(code, ()) if wanted is None or c in wanted]
        if not targets:
            continue
        text = texts[tid]
        starts, ends, labels = turn_index.get(tid, ([], [], []))
        clinic, agency, transcript_role = meta.get(tid, (None, None, None))
        for start, end, coders in _merge_spans(spans):
            label = _speaker_at(starts, ends, labels, start)
            study_id, speaker_role = who.get((tid, label), (None, None)) if label else (None, None)
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
                quote = redact(quote, names)
            said = {v for s, e, v in valences.get((tid, code), ()) if s < end and start < e}
            for construct, reason in targets:
                records.append((by, case, construct, code, bool(reason), reason or None, tid, start, end,
                                study_id or (f"{tid}:{label}" if label else None), speaker_role, is_interviewer,
                                ";".join(sorted(coders)), said.pop() if len(said) == 1 else None, quote))
    frame = pd.DataFrame.from_records(_count_once(records), columns=EVIDENCE_COLUMNS)
    if len(frame):
        frame["_order"] = frame["construct"].map(lambda c: info.order_key(c))
        frame = frame.sort_values(["case_id", "_order", "transcript_id", "start", "code"], kind="stable")
        frame = frame.drop(columns="_order").reset_index(drop=True)
    return frame


def _count_once(records: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Drop linked excerpts already counted in their cell; merge overlapping linked ones.

    A cell is (case, construct). Direct codings always stay. A linked excerpt overlapping a
    direct excerpt of the cell in the same transcript is dropped; linked excerpts overlapping
    each other are merged into one row (codes and reasons joined, the earliest one's speaker).
    """
    direct: dict[tuple[Any, Any, Any], list[tuple[int, int]]] = {}
    linked: dict[tuple[Any, Any, Any], list[tuple[Any, ...]]] = {}
    out: list[tuple[Any, ...]] = []
    for record in records:
        key = (record[1], record[2], record[6])  # case, construct, transcript
        if record[4]:
            linked.setdefault(key, []).append(record)
        else:
            direct.setdefault(key, []).append((record[7], record[8]))
            out.append(record)
    for key, rows in linked.items():
        spans = direct.get(key, [])
        kept = [r for r in rows if not any(s < r[8] and r[7] < e for s, e in spans)]
        kept.sort(key=lambda r: (r[7], -r[8]))
        merged: list[list[Any]] = []
        for r in kept:
            if merged and r[7] < merged[-1][8]:  # overlaps the linked excerpt kept before: count that one only
                last = merged[-1]
                if r[3] not in last[3].split(";"):
                    last[3] = f"{last[3]};{r[3]}"
                    last[5] = f"{last[5]} | {r[5]}"
            else:
                merged.append(list(r))
        out.extend(tuple(m) for m in merged)
    return out


def _text(value: Any) -> str | None:
    """A text cell, or None for empty, None and NaN."""
    return value if isinstance(value, str) and value else None


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


def pick_quotes(excerpts: "pd.DataFrame", k: int = 3, *, cases: Sequence[str] | None = None,
                spread: Sequence[str] = ("case_id", "speaker_id"), target: int = 160,
                readable: tuple[int, int | None] = (40, 400), valence: Mapping[str, str] | None = None,
                pinned: Mapping[str, str] | None = None) -> "pd.DataFrame":
    """Up to ``k`` exemplar excerpts: the analyst's pinned ones, else chosen the same way every time.

    A quote the analyst pinned for a case (``pinned``) is that case's quote. Otherwise
    interviewer and facilitator speech is never quoted, and excerpts are ranked: direct codings
    of the construct before excerpts reaching it through a study-code link (``via``); then a
    readable length (within ``readable``); then, where the case's rating has a valence
    (``valence``) and coders noted one for the excerpt, a matching excerpt before an uncoded
    one before an opposite one; then the length closest to ``target`` characters; then
    transcript and position. The ``chosen_by`` column says ``analyst`` or ``automatic``.

    With ``cases``, one quote per case in that order (cases without one are skipped), so that
    the quotes come from different cases in the order a display wants. Without, the best
    excerpts overall, each from a value of every ``spread`` column not quoted yet while there
    are such; then from a new value of the last ``spread`` column; then any.

    Parameters
    ----------
    excerpts : DataFrame
        Rows of :func:`evidence` (columns case_id, via, transcript_id, start, speaker_id,
        is_interviewer, text, optionally valence, and those named in ``spread``).
    k : int
    cases : sequence of str, optional
    spread : sequence of str
        Columns whose values the quotes should differ in (without ``cases``).
    target : int
        The length, in characters, of an ideal quote.
    readable : (int, int or None)
        Shortest and longest readable length (None: no longest).
    valence : mapping, optional
        Case -> the valence of its rating (``positive``, ``negative``, ``neutral`` ...).
    pinned : mapping, optional
        Case -> the text the analyst chose. The excerpt of the case that contains it gives the
        speaker; a pinned text found in no excerpt is quoted as given, without a speaker.

    Returns
    -------
    pandas.DataFrame
        The chosen rows, best first (or in ``cases`` order), with the columns of ``excerpts``
        and ``chosen_by``.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"case_id": ["a", "a", "b"], "via": [True, False, False],
    ...                      "transcript_id": ["T1", "T1", "T2"], "start": [0, 50, 0],
    ...                      "speaker_id": ["S1", "S1", "S2"], "is_interviewer": [False, False, False],
    ...                      "text": ["x" * 160, "y" * 120, "z" * 40]})
    >>> pick_quotes(rows, 2, cases=["b", "a"])["text"].str[0].tolist()
    ['z', 'y']
    >>> pick_quotes(rows, 1, cases=["a"], pinned={"a": "x" * 50})[["chosen_by", "speaker_id"]].values.tolist()
    [['analyst', 'S1']]
    """
    import pandas as pd

    pins = {c: " ".join(str(t).split()) for c, t in (pinned or {}).items() if isinstance(t, str) and t.strip()}
    if k <= 0 or (not len(excerpts) and not pins):
        return excerpts.head(0).assign(chosen_by=[])
    pool = excerpts[~excerpts["is_interviewer"].astype(bool)]
    low, high = readable
    lengths = pool["text"].str.len()
    wanted = pool["case_id"].map(valence or {}) if len(pool) else pool["case_id"]
    said = pool["valence"] if "valence" in pool.columns else pd.Series(None, index=pool.index, dtype=object)
    mismatch = [0 if not isinstance(w, str) or w not in ("positive", "negative") or not isinstance(v, str)
                else (-1 if v == w else 1) for w, v in zip(wanted, said)]
    pool = pool.assign(_unreadable=~((lengths >= low) & ((lengths <= high) if high is not None else True)),
                       _via=pool["via"].astype(int), _valence=mismatch, _dist=(lengths - target).abs())
    pool = pool.sort_values(["_via", "_unreadable", "_valence", "_dist", "transcript_id", "start"], kind="stable")
    chosen: list[Any] = []
    pinned_rows: dict[Any, dict[str, Any]] = {}
    for case, text in pins.items():
        found = [i for i, t in zip(pool.index, pool["text"]) if pool.at[i, "case_id"] == case and text in t]
        row = excerpts.loc[found[0]].to_dict() if found else {
            **{c: None for c in excerpts.columns}, "case_id": case, "via": False, "is_interviewer": False}
        pinned_rows[("pinned", case)] = {**row, "text": text, "chosen_by": "analyst"}
    if cases is not None:
        firsts = pool.drop_duplicates("case_id")
        by_case: dict[str, Any] = dict(zip(firsts["case_id"], firsts.index))
        by_case.update({case: ("pinned", case) for case in pins})
        chosen = [by_case[c] for c in cases if c in by_case][:k]
    else:
        chosen = [("pinned", c) for c in pins][:k]
        seen: dict[str, set[Any]] = {column: {pinned_rows[i].get(column) for i in chosen} for column in spread}
        spans: set[tuple[str, int]] = set()
        for strict in (list(spread), list(spread)[-1:], []):
            for index, row in zip(pool.index, pool.itertuples(index=False)):
                span = (row.transcript_id, row.start)
                if len(chosen) >= k:
                    break
                if span in spans or any(getattr(row, c) in seen[c] for c in strict):
                    continue
                chosen.append(index)
                spans.add(span)
                for column in spread:
                    seen[column].add(getattr(row, column))
    records = [pinned_rows[i] if i in pinned_rows else {**excerpts.loc[i].to_dict(), "chosen_by": "automatic"}
               for i in chosen]
    return pd.DataFrame.from_records(records, columns=[*excerpts.columns, "chosen_by"])


def summarize(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Per case and construct: excerpt counts, code counts, participants and transcripts.

    Returns
    -------
    pandas.DataFrame
        Columns: case_id, construct, n_excerpts (direct codings of the construct), n_via
        (excerpts of linked study codes not already counted), codes
        (``'IS.J2 x5; via MIO.SCHED x2'``),
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


__all__ = ["evidence", "summarize", "choose_layers", "pick_quotes", "speaker_tag", "memo_valence", "EVIDENCE_COLUMNS"]
