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
    import numpy as np
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


def evidence(codings: "pd.DataFrame", transcripts: "pd.DataFrame", speakers: "pd.DataFrame", turns: "pd.DataFrame",
             texts: Mapping[str, str], by: str = "clinic", *, info: Constructs,
             constructs: Sequence[str] | None = None, links: "pd.DataFrame | None" = None,
             names: set[str] | None = None, memos: "pd.DataFrame | None" = None) -> "pd.DataFrame":
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
    memos : DataFrame, optional
        When ``codings`` has no memo column: the codings of the same layers that carry a memo
        (columns transcript_id, start, end, code, coder, memo); their valence words go to the
        codings they are (a store reads these few rows instead of a memo per coding).

    Returns
    -------
    pandas.DataFrame
        Columns: case_kind, case_id, construct, code, via, link_reason, transcript_id, start,
        end, speaker_id (study id), speaker_role, is_interviewer, coders (``;``-joined),
        valence (from coders' memos, or None), text.
        Sorted by case, construct (codebook order), transcript and start.
    """
    import numpy as np
    import pandas as pd

    from ..deidentify import PLACEHOLDER, Redactor
    from ..transcripts.model import INTERVIEWER_ROLES
    from .links import links_by_code

    case_column(by)
    linked = links_by_code(links) if links is not None else {}
    wanted = set(as_list(constructs) or []) or None
    if not len(codings):
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    targets = {code: ([(code, "")] if wanted is None or code in wanted else [])
               + [(c, reason) for c, reason in linked.get(code, ()) if wanted is None or c in wanted]
               for code in pd.unique(codings["code"].to_numpy(dtype=object))}
    code = codings["code"]
    if isinstance(code.dtype, pd.CategoricalDtype):  # one look-up per code, not per coding
        counted = np.array([bool(targets.get(c)) for c in code.cat.categories.tolist()] + [False], dtype=bool)
        used = counted[code.cat.codes.to_numpy()]  # code -1 (missing) takes the last place
    else:
        used = np.array([bool(targets[c]) for c in code.tolist()], dtype=bool)
    spans = _merged_spans(codings if used.all() else codings[used], memos)  # arrays, one item per excerpt
    labels = _speakers_at(spans["transcript_id"], spans["start"], turns)
    meta = {tid: (_text(clinic), _text(agency), _text(role)) for tid, clinic, agency, role in
            zip(*(transcripts[c].tolist() for c in ("transcript_id", "clinic", "agency", "role")))}
    who = {(tid, label): (_text(study_id), _text(role)) for tid, label, study_id, role in
           zip(*(speakers[c].tolist() for c in ("transcript_id", "label", "study_id", "role")))}
    facts: dict[tuple[str, str | None], tuple[Any, ...]] = {}  # (transcript, speaker) -> case, study id, role, ...
    span_tid = spans["transcript_id"].tolist()
    for tid, label in zip(span_tid, labels):
        if (tid, label) in facts:
            continue
        clinic, agency, transcript_role = meta.get(tid, (None, None, None))
        study_id, speaker_role = who.get((tid, label), (None, None)) if label else (None, None)
        if speaker_role is None and label is None:
            speaker_role = transcript_role
        is_interviewer = (speaker_role or "").lower() in INTERVIEWER_ROLES
        case = (clinic if by == "clinic" else agency if by == "agency" else tid if by == "transcript"
                else None if is_interviewer else (speaker_role or transcript_role))
        facts[(tid, label)] = (case or None, study_id or (f"{tid}:{label}" if label else None), speaker_role,
                               is_interviewer)
    found = [facts[key] for key in zip(span_tid, labels)]
    kept = np.array([f[0] is not None for f in found], dtype=bool)
    if not kept.all():
        spans = {column: values[kept] for column, values in spans.items()}
        found = [f for f, keep in zip(found, kept.tolist()) if keep]
        span_tid = spans["transcript_id"].tolist()
    if not len(found):
        return pd.DataFrame.from_records([], columns=EVIDENCE_COLUMNS)
    quotes = []  # whitespace runs made one space; most excerpts have none to change (no text but spaces, single)
    for t, s, e in zip(span_tid, spans["start"].tolist(), spans["end"].tolist()):
        quote = texts[t][s:e]  # printable: no whitespace but the space (str.split splits on nothing else there)
        quotes.append(quote if quote.isprintable() and "  " not in quote and quote[:1] != " " and quote[-1:] != " "
                      else " ".join(quote.split()))
    if names:
        redactor = Redactor(frozenset(map(str, names)), placeholder=PLACEHOLDER)  # built once for every quote
        quotes = [redactor(q) for q in quotes]
    # one row per span and construct it counts for, each span's constructs in the order its code lists them
    listed = [targets[c] for c in spans["code"].tolist()]
    rows = np.repeat(np.arange(len(found)), [len(t) for t in listed])
    reasons = [r or None for t in listed for _, r in t]
    construct = np.asarray([c for t in listed for c, _ in t], dtype=object)
    if any(r is not None for r in reasons):
        order = np.arange(len(rows))  # the linked excerpts are counted once first (see below), then sorted
    else:  # sorted now, by the spans' ranks (there the case of by="transcript" is the transcript)
        case = spans["transcript_rank"] if by == "transcript" else _object_ranks(
            np.asarray([f[0] for f in found], dtype=object))
        order = _excerpt_order(info, case[rows], construct, spans["transcript_rank"][rows], spans["start"][rows],
                               spans["code_rank"][rows])
    take = rows[order]

    def each(values: Any) -> Any:
        return np.asarray(values, dtype=object)[take]

    frame = pd.DataFrame({
        "case_kind": [by] * len(take), "case_id": each([f[0] for f in found]),
        "construct": construct[order], "code": spans["code"][take],
        "via": np.array([reasons[i] is not None for i in order.tolist()], dtype=bool),
        "link_reason": [reasons[i] for i in order.tolist()],
        "transcript_id": spans["transcript_id"][take], "start": spans["start"][take], "end": spans["end"][take],
        "speaker_id": each([f[1] for f in found]), "speaker_role": each([f[2] for f in found]),
        "is_interviewer": np.array([f[3] for f in found], dtype=bool)[take],
        "coders": spans["coders"][take], "valence": spans["valence"][take], "text": each(quotes)},
        columns=EVIDENCE_COLUMNS)
    via = frame["via"].to_numpy(dtype=bool)
    if not via.any():
        return frame
    # linked excerpts: not counted again in their cell, merged where they overlap
    frame = frame.astype(object).where(frame.notna(), None)  # rows as records again: missing is None
    direct = frame[~via]
    frame = pd.DataFrame.from_records(
        [*direct.itertuples(index=False, name=None),
         *_count_once(list(frame[via].itertuples(index=False, name=None)), direct)], columns=EVIDENCE_COLUMNS)
    transcript = _ranks(frame["transcript_id"])
    order = _excerpt_order(info, transcript if by == "transcript" else _ranks(frame["case_id"]),
                           frame["construct"].to_numpy(dtype=object), transcript,
                           frame["start"].to_numpy(dtype=np.int64), _ranks(frame["code"]))
    return frame.iloc[order].reset_index(drop=True)


def _excerpt_order(info: Constructs, case: "np.ndarray", construct: "np.ndarray", transcript: "np.ndarray",
                   start: "np.ndarray", code: "np.ndarray") -> "np.ndarray":
    """The order of excerpts by case, construct (codebook order), transcript, start and code: one stable sort of
    ``case``, ``transcript`` and ``code`` ranks (:func:`_ranks`), the constructs' places and the starts."""
    import numpy as np
    import pandas as pd

    which, named = pd.factorize(construct)
    ordered = sorted(np.asarray(named, dtype=object).tolist(), key=info.order_key)
    place = {c: k for k, c in enumerate(ordered)}
    places = np.array([place[c] for c in np.asarray(named, dtype=object).tolist()], dtype=np.int64)
    return _stable_order(case, places[which], transcript, start, code)


def _stable_order(*keys: "np.ndarray") -> "np.ndarray":
    """The stable order of rows by the integer ``keys``, the first the most significant: ``np.lexsort(keys[::-1])``.

    Where the keys' ranges multiply into an int64, one stable argsort of the combined key gives it (numpy's stable
    sort of 64-bit integers is a timsort, quick on the sorted runs a store's rows come in); else the lexsort.
    """
    import numpy as np

    if not len(keys[0]):
        return np.zeros(0, dtype=np.intp)
    bounds = [(int(key.min()), int(key.max()) - int(key.min()) + 1) for key in keys]
    size = 1
    for _, width in bounds:
        size *= width
    if size >= 2 ** 63:
        return np.lexsort(keys[::-1])
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    for key, (low, width) in zip(keys, bounds):
        combined *= width
        combined += key.astype(np.int64, copy=False) - low
    return np.argsort(combined, kind="stable")


def _noted(codings: "pd.DataFrame", memos: "pd.DataFrame | None") -> tuple["np.ndarray", "np.ndarray"]:
    """Which codings' memos note a positive and which a negative valence (:func:`memo_valence`): from the
    ``memo`` column of ``codings``, else from the rows of ``memos`` that are the same codings.

    Codings alike in every column but the memo cannot be told apart in ``memos``: each of them
    gets what any of their memos notes (they are one excerpt, so the excerpt's valence is the same).
    """
    import numpy as np

    positive, negative = np.zeros(len(codings), dtype=bool), np.zeros(len(codings), dtype=bool)
    if "memo" in codings.columns:
        memo = codings["memo"].to_numpy(dtype=object)
        with_memo = np.flatnonzero([isinstance(m, str) for m in memo.tolist()])
        said = np.array([memo_valence(m) for m in memo[with_memo].tolist()], dtype=object)
        positive[with_memo], negative[with_memo] = said == "positive", said == "negative"
        return positive, negative
    if memos is None or not len(memos):
        return positive, negative
    keys = ("transcript_id", "start", "end", "code", "coder")
    noted: dict[tuple[Any, ...], list[bool]] = {}
    for *key, memo in zip(*(memos[c].tolist() for c in (*keys, "memo"))):
        said = memo_valence(memo)
        if said is not None:
            flags = noted.setdefault(tuple(key), [False, False])
            flags[said == "negative"] = True
    if not noted:
        return positive, negative
    start = codings["start"].to_numpy(dtype=np.int64)
    near = np.flatnonzero(np.isin(start, np.array(sorted({key[1] for key in noted}), dtype=np.int64)))
    values = [codings[c].to_numpy(dtype=object)[near].tolist() if c != "start" else start[near].tolist()
              for c in keys]
    found = [noted.get(key, (False, False)) for key in zip(*values)]
    positive[near] = [f[0] for f in found]
    negative[near] = [f[1] for f in found]
    return positive, negative


def _merged_spans(codings: "pd.DataFrame", memos: "pd.DataFrame | None" = None) -> dict[str, "np.ndarray"]:
    """The codings of each code in each transcript with overlapping spans united.

    Returns arrays with one item per united span, ordered by transcript, code and start:
    transcript_id, code, start, end, coders (the coders whose codings it unites, sorted,
    ``;``-joined), valence (the one valence the memos of its codings note, :func:`memo_valence`,
    else None), and transcript_rank and code_rank (the places of its transcript and code among
    those of ``codings`` sorted: a sort by them is a sort by the ids). A span starts a new
    excerpt where it begins at or after the end of every span before it in its transcript and
    code. ``memos``: see :func:`evidence`.
    """
    import numpy as np
    import pandas as pd

    if not len(codings):
        nothing = np.zeros(0, dtype=np.int64)
        return {"transcript_id": np.zeros(0, dtype=object), "code": np.zeros(0, dtype=object), "start": nothing,
                "end": nothing, "coders": np.zeros(0, dtype=object), "valence": np.zeros(0, dtype=object),
                "transcript_rank": nothing, "code_rank": nothing}
    # by transcript, code, start, end and coder: one stable sort of arrays (strings by their rank)
    ranks = [_ranks(codings[c]) for c in ("transcript_id", "code", "coder")]
    n_codes, n_coders = int(ranks[1].max()) + 1, int(ranks[2].max()) + 1  # (transcript, code), (end, coder): a key each
    order = _stable_order(ranks[0] * n_codes + ranks[1], codings["start"].to_numpy(dtype=np.int64),
                          codings["end"].to_numpy(dtype=np.int64) * n_coders + ranks[2])
    tid, code = (codings[c].to_numpy(dtype=object)[order] for c in ("transcript_id", "code"))
    start, end = (codings[c].to_numpy(dtype=np.int64)[order] for c in ("start", "end"))
    who = codings["coder"].to_numpy(dtype=object)[order]
    positive, negative = (flags[order] for flags in _noted(codings, memos))
    t_rank, c_rank = ranks[0][order], ranks[1][order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (t_rank[1:] != t_rank[:-1]) | (c_rank[1:] != c_rank[:-1])
    reach = _group_cummax(end, np.cumsum(first) - 1)  # furthest end so far in the group
    new = first.copy()
    new[1:] |= start[1:] >= reach[:-1]
    heads = np.flatnonzero(new)
    span = np.cumsum(new) - 1
    span_end = np.maximum.reduceat(end, heads)
    coder, coders = pd.factorize(who, sort=True)
    if len(coders) < 63:  # who coded each span: one bit per coder
        bits = np.bitwise_or.reduceat(np.left_shift(np.int64(1), coder.astype(np.int64)), heads)
        names = {b: ";".join(coders[[k for k in range(len(coders)) if b >> k & 1]]) for b in np.unique(bits).tolist()}
        joined = [names[b] for b in bits.tolist()]
    else:
        joined = [";".join(sorted(set(g))) for g in np.split(who, heads[1:])]
    inside = (start < span_end[span]) & (start[heads][span] < end)  # a coding counts where it overlaps its span
    positive = np.logical_or.reduceat(inside & positive, heads)
    negative = np.logical_or.reduceat(inside & negative, heads)
    valence = np.where(positive & ~negative, "positive", np.where(negative & ~positive, "negative", None))
    return {"transcript_id": tid[heads], "code": code[heads], "start": start[heads], "end": span_end,
            "coders": np.asarray(joined, dtype=object), "valence": valence.astype(object),  # None where none
            "transcript_rank": t_rank[heads], "code_rank": c_rank[heads]}


def _group_cummax(values: "np.ndarray", group: "np.ndarray") -> "np.ndarray":
    """The running maximum of integer ``values`` within each run of ``group`` (group numbers ascending from 0): one
    ``np.maximum.accumulate`` where each group's values are lifted above every earlier group's."""
    import numpy as np
    import pandas as pd

    if not len(values):
        return values.copy()
    low = int(values.min())
    width = int(values.max()) - low + 1
    if width * (int(group[-1]) + 1) >= 2 ** 63:
        return pd.Series(values).groupby(group).cummax().to_numpy()
    lift = group.astype(np.int64) * width
    return np.maximum.accumulate(values - low + lift) - lift + low


def _ranks(values: "pd.Series") -> "np.ndarray":
    """Each value's place among the distinct values sorted (equal values, equal places; missing last): the key a
    sort of the values themselves uses, from a category's codes without a string per row."""
    import numpy as np
    import pandas as pd

    if isinstance(values.dtype, pd.CategoricalDtype):
        names = np.asarray(values.cat.categories, dtype=object)
        place = np.empty(len(names) + 1, dtype=np.int64)
        place[np.argsort(names, kind="stable")] = np.arange(len(names))
        place[-1] = len(names)
        return place[values.cat.codes.to_numpy()]  # code -1 (missing) takes the last place
    return _object_ranks(values.to_numpy(dtype=object))


def _object_ranks(values: "np.ndarray") -> "np.ndarray":
    """:func:`_ranks` of an object array."""
    import numpy as np
    import pandas as pd

    codes, names = pd.factorize(values, sort=True)
    return np.where(codes < 0, len(names), codes)


def _speakers_at(span_tid: "np.ndarray", start: "np.ndarray", turns: "pd.DataFrame") -> list[str | None]:
    """The speaker label of the turn holding each span's start (the spans' transcripts ``span_tid`` and starts
    ``start``), else of the next turn of its transcript."""
    import numpy as np

    if not len(span_tid):
        return []
    turn_tid = turns["transcript_id"].to_numpy(dtype=object)
    tids = sorted(set(span_tid.tolist()) | set(turn_tid.tolist()))
    index = {t: k for k, t in enumerate(tids)}
    stride = int(max(start.max(), turns["start"].max() if len(turns) else 0, 0)) + 1
    turn_key = np.fromiter(map(index.__getitem__, turn_tid.tolist()), dtype=np.int64, count=len(turn_tid)) * stride
    turn_key += turns["start"].to_numpy(dtype=np.int64)
    order = np.argsort(turn_key, kind="stable")  # by transcript, then start
    turn_key = turn_key[order]
    turn_end = turns["end"].to_numpy(dtype=np.int64)[order]
    base = np.fromiter(map(index.__getitem__, span_tid.tolist()), dtype=np.int64, count=len(span_tid)) * stride
    first = np.searchsorted(turn_key, base, side="left")  # the transcript's turns: first .. last - 1
    last = np.searchsorted(turn_key, base + stride, side="left")
    at = np.searchsorted(turn_key, base + start, side="right") - 1
    holds = (at >= first) & (start < turn_end[np.clip(at, 0, max(len(turn_end) - 1, 0))] if len(turn_end) else
                             np.zeros(len(start), dtype=bool))
    pick = np.where(holds, at, np.where(at + 1 < last, at + 1, -1))
    labels = [_text(v) for v in turns["speaker"].to_numpy(dtype=object)[order].tolist()]
    return [labels[i] if i >= 0 else None for i in pick.tolist()]


def _overlapping_united(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """``spans`` sorted and united where they overlap (not where they only touch): starts and ends, both
    ascending, so one bisection answers whether a span overlaps any of them (:func:`_overlaps`)."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if ends and start < ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _overlaps(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps a span of :func:`_overlapping_united`'s (``s < end and start < e``)."""
    from bisect import bisect_right

    k = bisect_right(ends, start)  # the first span ending after ``start``: the earliest that can overlap
    return k < len(starts) and starts[k] < end


def _count_once(linked: list[tuple[Any, ...]], direct: "pd.DataFrame") -> list[tuple[Any, ...]]:
    """The linked excerpts (rows of :data:`EVIDENCE_COLUMNS`) to keep: not those already counted in their cell,
    overlapping ones merged.

    A cell is (case, construct). A linked excerpt overlapping a direct excerpt (``direct``) of the
    cell in the same transcript is dropped; linked excerpts overlapping each other are merged into
    one row (codes and reasons joined, the earliest one's speaker). Cells come in the order of
    their first linked excerpt.
    """
    cells: dict[tuple[Any, Any, Any], list[tuple[Any, ...]]] = {}
    for record in linked:
        cells.setdefault((record[1], record[2], record[6]), []).append(record)  # case, construct, transcript
    spans: dict[tuple[Any, Any, Any], list[tuple[int, int]]] = {}
    for case, construct, tid, start, end in zip(*(direct[c].tolist() for c in
                                                  ("case_id", "construct", "transcript_id", "start", "end"))):
        if (case, construct, tid) in cells:
            spans.setdefault((case, construct, tid), []).append((start, end))
    out: list[tuple[Any, ...]] = []
    for key, rows in cells.items():
        starts, ends = _overlapping_united(spans.get(key, []))
        kept = [r for r in rows if not _overlaps(starts, ends, r[7], r[8])]
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
    import numpy as np

    # the pool (no interviewer speech) as the few columns the choice reads, never the whole frame reordered
    keep = np.flatnonzero(~excerpts["is_interviewer"].astype(bool).to_numpy())

    def pooled(column: str) -> "pd.Series":
        return excerpts[column].iloc[keep]

    low, high = readable
    lengths = _lengths(pooled("text"))
    mismatch = np.zeros(len(keep), dtype=np.int64)
    if valence and len(keep):  # no rating valence, no excerpt matches or contradicts one
        wanted = pooled("case_id").map(valence).to_numpy(dtype=object)
        said = pooled("valence").to_numpy(dtype=object) if "valence" in excerpts.columns else np.full(len(keep), None)
        rated = np.array([isinstance(w, str) and w in ("positive", "negative") and isinstance(v, str)
                          for w, v in zip(wanted.tolist(), said.tolist())], dtype=bool)
        mismatch = np.where(rated, np.where(said == wanted, -1, 1), 0)
    unreadable = ~((lengths >= low) & ((lengths <= high) if high is not None else True))
    # best first: direct, readable, the rating's valence, near the target length, then transcript and start
    # (one stable sort of arrays; a missing transcript or length sorts last, as pandas puts it)
    transcript = pd.factorize(pooled("transcript_id").to_numpy(dtype=object), sort=True)[0]
    transcript[transcript < 0] = len(keep)
    start = pooled("start").to_numpy(dtype=float)
    keys = [pooled("via").astype(int).to_numpy(), unreadable, mismatch,
            np.where(np.isnan(lengths), np.inf, np.abs(lengths - target)), transcript,
            np.where(np.isnan(start), np.inf, start)]
    if all(np.isfinite(key).all() and (key == np.floor(key)).all() for key in keys[3::2]):  # whole numbers
        order = _stable_order(*(np.asarray(key, dtype=np.int64) for key in keys))
    else:
        order = np.lexsort(keys[::-1])
    index = excerpts.index[keep][order]  # the pool's labels, best first
    chosen: list[Any] = []
    pinned_rows: dict[Any, dict[str, Any]] = {}
    if pins:
        pool_cases, pool_texts = (pooled(c).to_numpy(dtype=object)[order].tolist() for c in ("case_id", "text"))
    for case, text in pins.items():
        found = [i for i, c, t in zip(index, pool_cases, pool_texts) if c == case and text in t]
        row = excerpts.loc[found[0]].to_dict() if found else {
            **{c: None for c in excerpts.columns}, "case_id": case, "via": False, "is_interviewer": False}
        pinned_rows[("pinned", case)] = {**row, "text": text, "chosen_by": "analyst"}
    if cases is not None:
        ordered = pooled("case_id").take(order)
        first = ~ordered.duplicated().to_numpy()  # each case's best excerpt
        by_case: dict[str, Any] = dict(zip(ordered[first], index[first]))
        by_case.update({case: ("pinned", case) for case in pins})
        chosen = [by_case[c] for c in cases if c in by_case][:k]
    else:
        chosen = [("pinned", c) for c in pins][:k]
        needed = dict.fromkeys([*spread, "transcript_id", "start"])
        chosen += _spread_picks({c: pooled(c).take(order) for c in needed}, index, k - len(chosen), list(spread),
                                [pinned_rows[i] for i in chosen])
    records = [pinned_rows[i] if i in pinned_rows else {**excerpts.loc[i].to_dict(), "chosen_by": "automatic"}
               for i in chosen]
    return pd.DataFrame.from_records(records, columns=[*excerpts.columns, "chosen_by"])


def _lengths(texts: "pd.Series") -> "np.ndarray":
    """``texts.str.len()`` as floats (NaN where a value has no length), without the accessor's pass over the values
    when every value has a length."""
    import numpy as np

    try:
        return np.fromiter(map(len, texts.to_numpy(dtype=object)), dtype=float, count=len(texts))
    except TypeError:  # a missing value (None, NaN, pd.NA) or a number: the accessor says NaN for it
        return texts.str.len().to_numpy(dtype=float)


def _spread_picks(pool: Mapping[str, "pd.Series"], index: "pd.Index", k: int, spread: list[str],
                  taken: list[Mapping[str, Any]]) -> list[Any]:
    """Up to ``k`` labels of ``index`` (the pool's rows, best first; ``pool``: their ``spread``, transcript_id and
    start columns), each from values of every ``spread`` column not quoted yet while there are such, then of the
    last column, then any; never one span twice.

    Each pass takes the first row, in order, whose values are all new, so it looks for the next such
    row from the one it took (rows it passed over stay passed over: quoted values only grow).
    ``taken``: rows already quoted (their values count as quoted).
    """
    import numpy as np
    import pandas as pd

    if k <= 0 or not len(index):
        return []
    ids: dict[str, np.ndarray] = {}
    known: dict[str, dict[Any, int]] = {}
    for column in spread:  # each value as a number (missing values one number)
        ids[column], values = pd.factorize(pool[column].to_numpy(dtype=object), use_na_sentinel=False)
        known[column] = {v: n for n, v in enumerate(values.tolist())}
    seen = {c: np.zeros(len(known[c]), dtype=bool) for c in spread}
    for row in taken:
        for column in spread:
            value = known[column].get(row.get(column))
            if value is not None:
                seen[column][value] = True
    transcript = pd.factorize(pool["transcript_id"].to_numpy(dtype=object), use_na_sentinel=False)[0]
    if pd.api.types.is_integer_dtype(pool["start"].dtype) and pool["start"].min() >= 0:  # (transcript, start)
        start = pool["start"].to_numpy(dtype=np.int64)                                # as one number
        span, places = pd.factorize(transcript * (int(start.max()) + 1) + start)
    else:
        span, places = pd.factorize(pd.Series(list(zip(transcript.tolist(), pool["start"].tolist())), dtype=object),
                                    use_na_sentinel=False)
    used = np.zeros(len(places), dtype=bool)
    out: list[Any] = []
    for strict in (spread, spread[-1:], []):
        at = 0
        while len(out) < k:
            fresh = ~used[span[at:]]
            for column in strict:
                fresh &= ~seen[column][ids[column][at:]]
            hits = np.flatnonzero(fresh)
            if not hits.size:
                break
            i = at + int(hits[0])
            out.append(index[i])
            used[span[i]] = True
            for column in spread:
                seen[column][ids[column][i]] = True
            at = i + 1
    return out


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
