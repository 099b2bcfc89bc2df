"""The one quote picker: pinned quotes, direct codings first, readable length, the rating's valence."""

from __future__ import annotations

import pandas as pd

from mio_qual.mixed.evidence import memo_valence, pick_quotes


def _rows(**columns):  # type: ignore[no-untyped-def]
    n = len(columns["text"])
    base = {"case_id": ["north"] * n, "via": [False] * n, "transcript_id": ["T1"] * n, "start": list(range(n)),
            "speaker_id": [f"S{i}" for i in range(n)], "speaker_role": ["counselor"] * n,
            "is_interviewer": [False] * n, "valence": [None] * n}
    return pd.DataFrame({**base, **columns})


def test_direct_codings_beat_linked_ones_and_short_fragments_lose() -> None:
    rows = _rows(text=["a" * 160, "b" * 100, "c" * 12, "d" * 900], via=[True, False, False, False])
    picked = pick_quotes(rows, 4)
    # direct first; among direct, readable (40-400 characters) before a 12-character fragment and a 900-character block
    # (then the closer to 160 characters: 12 is 148 away, 900 is 740 away); the linked excerpt last
    assert picked["text"].str[0].tolist() == ["b", "c", "d", "a"]
    assert (picked["chosen_by"] == "automatic").all()


def test_the_ratings_valence_is_matched_where_coders_noted_one() -> None:
    # the example: a case rated +2 quoted with a negative excerpt because it was closest to 160 characters
    rows = _rows(text=["I was talking forty percent of the time and I did not notice it until the tapes." + " x" * 40,
                       "Listening back to the tapes every week changed how I sit with a mom; I talk much less now."],
                 valence=["negative", "positive"])
    assert pick_quotes(rows, 1, cases=["north"], valence={"north": "positive"})["speaker_id"].tolist() == ["S1"]
    assert pick_quotes(rows, 1, cases=["north"], valence={"north": "negative"})["speaker_id"].tolist() == ["S0"]
    assert memo_valence("(-) barrier") == "negative" and memo_valence("helps, but a barrier too") is None


def test_a_pinned_quote_wins_and_says_so() -> None:
    rows = _rows(text=["We have a private family room with a door and the moms love it there.",
                       "The room is fine I guess, nothing special about it really, it is a room."])
    picked = pick_quotes(rows, 2, cases=["north"], pinned={"north": "nothing special about it"})
    assert picked[["text", "speaker_id", "chosen_by"]].values.tolist() == [
        ["nothing special about it", "S1", "analyst"]]
    # a pinned text found in no excerpt is still quoted, without a speaker
    elsewhere = pick_quotes(rows, 1, cases=["north"], pinned={"north": "words nobody coded"})
    assert elsewhere[["text", "speaker_id", "chosen_by"]].values.tolist() == [["words nobody coded", None, "analyst"]]
    # an interviewer is never quoted automatically
    asked = _rows(text=["So tell me about the room you use for the sessions please."], is_interviewer=[True])
    assert pick_quotes(asked, 1).empty


# ---------------------------------------------------------------- evidence computed with arrays equals the rules read
# one excerpt at a time (the module docstring's rules written plainly: a slow reading to check the fast one against)
from bisect import bisect_right  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mio_qual.deidentify import redact  # noqa: E402
from mio_qual.mixed.constructs import load_constructs  # noqa: E402
from mio_qual.mixed.evidence import EVIDENCE_COLUMNS, evidence  # noqa: E402

WORDS = ("the", "room", "Gwen", "said", "we", "wait", "Tasha", "and", "so",
         "", "\n", "\t", "wait\u00a0so", "\u2028")  # whitespace a quote makes one space: runs, breaks, no-break
TEAM = ("interviewer", "facilitator")


def _s(value):  # type: ignore[no-untyped-def]
    return value if isinstance(value, str) and value else None


def _one_at_a_time(codings, transcripts, speakers, turns, texts, by, links, names):  # type: ignore[no-untyped-def]
    facts = {r.transcript_id: r for r in transcripts.itertuples(index=False)}
    who = {(r.transcript_id, r.label): r for r in speakers.itertuples(index=False)}
    linked: dict[str, list[tuple[str, str]]] = {}
    for r in (links.itertuples(index=False) if links is not None else ()):
        linked.setdefault(r.code, []).append((r.construct, r.reason))
    records = []
    for (tid, code), group in codings.groupby(["transcript_id", "code"], sort=True):
        spans: list[list] = []  # start, end, coders, memos of the codings it unites
        for s, e, coder, memo in sorted(zip(group["start"], group["end"], group["coder"], group["memo"]),
                                     key=lambda r: r[:3]):
            if spans and s < spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], e)
                spans[-1][2].add(coder)
                spans[-1][3].append((s, e, memo))
            else:
                spans.append([s, e, {coder}, [(s, e, memo)]])
        mine = turns[turns["transcript_id"] == tid].sort_values("start", kind="stable")
        starts, ends, labels = mine["start"].tolist(), mine["end"].tolist(), mine["speaker"].tolist()
        for s, e, coders, memos in spans:
            i = bisect_right(starts, s) - 1
            label = labels[i] if i >= 0 and s < ends[i] else labels[i + 1] if i + 1 < len(starts) else None
            label = _s(label)
            place = facts.get(tid)
            clinic, agency, t_role = (_s(place.clinic), _s(place.agency), _s(place.role)) if place else (None,) * 3
            person = who.get((tid, label)) if label else None
            study_id, role = (_s(person.study_id), _s(person.role)) if person else (None, None)
            if role is None and label is None:
                role = t_role
            team = (role or "").lower() in ("interviewer", "facilitator", "moderator", "note_taker")
            case = {"clinic": clinic, "agency": agency, "transcript": tid}.get(by, None if team else role or t_role)
            if not case:
                continue
            said = {memo_valence(m) for a, b, m in memos if a < e and s < b} - {None}
            one = next(iter(said)) if len(said) == 1 else None  # the excerpt's valence, for every construct
            quote = " ".join(texts[tid][s:e].split())
            quote = redact(quote, names) if names else quote
            for construct, reason in [(code, "")] + linked.get(code, []):
                records.append((by, case, construct, code, bool(reason), reason or None, tid, s, e,
                                study_id or (f"{tid}:{label}" if label else None), role, team,
                                ";".join(sorted(coders)), one, quote))
    direct = [r for r in records if not r[4]]
    kept: dict[tuple, list[list]] = {}
    for r in (r for r in records if r[4]):  # a linked excerpt counts where no direct one of its cell overlaps it
        if not any(d[1:3] == r[1:3] and d[6] == r[6] and d[7] < r[8] and r[7] < d[8] for d in direct):
            kept.setdefault((r[1], r[2], r[6]), []).append(list(r))
    for rows in kept.values():
        merged: list[list] = []
        for r in sorted(rows, key=lambda r: (r[7], -r[8])):
            if merged and r[7] < merged[-1][8]:
                if r[3] not in merged[-1][3].split(";"):
                    merged[-1][3] += f";{r[3]}"
                    merged[-1][5] += f" | {r[5]}"
            else:
                merged.append(r)
        direct += [tuple(r) for r in merged]
    frame = pd.DataFrame.from_records(direct, columns=EVIDENCE_COLUMNS)
    if len(frame):
        info = load_constructs()
        frame["_k"] = frame["construct"].map(info.order_key)
        frame = frame.sort_values(["case_id", "_k", "transcript_id", "start", "code"], kind="stable")
        frame = frame.drop(columns="_k").reset_index(drop=True)
    return frame


@st.composite
def _projects(draw):  # type: ignore[no-untyped-def]
    tids = ["T1", "T2", "T3"]
    texts = {t: " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=30, max_size=60))) for t in tids}
    transcripts = pd.DataFrame({"transcript_id": tids,
                                "clinic": [draw(st.sampled_from(["north", "south", None])) for _ in tids],
                                "agency": [draw(st.sampled_from(["harbor", None])) for _ in tids],
                                "role": [draw(st.sampled_from(["counselor", None])) for _ in tids]})
    labels = ["INT", "P1", "P2"]
    speakers = pd.DataFrame([(t, label, draw(st.sampled_from([f"S{k}", None])),
                              draw(st.sampled_from(["interviewer", "counselor", "supervisor", None])))
                             for t in tids for k, label in enumerate(labels)],
                            columns=["transcript_id", "label", "study_id", "role"])
    turns = []
    for t in tids:  # turns with gaps between them, one transcript possibly without turns
        cuts = sorted(draw(st.sets(st.integers(0, len(texts[t])), max_size=8)))
        turns += [(t, a, b, draw(st.sampled_from(labels + [None]))) for a, b in zip(cuts, cuts[1:]) if b > a + 1]
    turns = pd.DataFrame(turns, columns=["transcript_id", "start", "end", "speaker"])
    rows = []
    for _ in range(draw(st.integers(0, 30))):
        t = draw(st.sampled_from(tids))
        start = draw(st.integers(0, len(texts[t]) - 1))
        rows.append((t, start, min(len(texts[t]), start + draw(st.integers(0, 40))),
                     draw(st.sampled_from(["IS.J2", "IS.J1", "MIO.SUPV"])), draw(st.sampled_from(["a", "b", "c"])),
                     draw(st.sampled_from([None, "", "(+) helps", "barrier", "room"]))))
    codings = pd.DataFrame(rows, columns=["transcript_id", "start", "end", "code", "coder", "memo"])
    links = draw(st.sampled_from([None, pd.DataFrame({"code": ["MIO.SUPV", "MIO.SUPV"], "construct": ["IS.J2", "IS.J1"],
                                                      "reason": ["supervision time", "a resource"]})]))
    return codings, transcripts, speakers, turns, texts, links


@settings(max_examples=80, deadline=None)
@given(_projects(), st.sampled_from(["clinic", "agency", "role", "transcript"]), st.booleans())
def test_evidence_with_arrays_equals_one_excerpt_at_a_time(project, by, names) -> None:
    codings, transcripts, speakers, turns, texts, links = project
    hidden = {"Gwen", "Tasha"} if names else None
    expected = _one_at_a_time(codings, transcripts, speakers, turns, texts, by, links, hidden)
    info = load_constructs()
    found = evidence(codings, transcripts, speakers, turns, texts, by, info=info, links=links, names=hidden)
    if not len(expected):
        assert not len(found)
        return
    pd.testing.assert_frame_equal(found, expected)
    # the store hands the codings and turns over as categories: the same excerpts
    as_categories = evidence(codings.astype({"transcript_id": "category", "code": "category", "coder": "category"}),
                             transcripts, speakers, turns.astype({"transcript_id": "category", "speaker": "category"}),
                             texts, by, info=info, links=links, names=hidden)
    pd.testing.assert_frame_equal(as_categories, expected)
    # the memos apart (a store reads the few codings with one): the same excerpts, the same valence
    noted = codings[codings["memo"].notna()]
    apart = evidence(codings.drop(columns="memo").astype({"transcript_id": "category", "code": "category"}),
                     transcripts, speakers, turns, texts, by, info=info, links=links, names=hidden, memos=noted)
    pd.testing.assert_frame_equal(apart, expected)


def _best_first(excerpts, k, spread):  # type: ignore[no-untyped-def]
    """pick_quotes' documented choice, walking the ranked rows one by one."""
    pool = excerpts[~excerpts["is_interviewer"]]
    length = pool["text"].str.len()
    pool = pool.assign(_u=~length.between(40, 400), _v=pool["via"].astype(int), _d=(length - 160).abs())
    pool = pool.sort_values(["_v", "_u", "_d", "transcript_id", "start"], kind="stable")
    chosen, seen, spans = [], {c: set() for c in spread}, set()
    for strict in (list(spread), list(spread)[-1:], []):
        for index, row in pool.iterrows():
            if len(chosen) >= k:
                break
            if (row["transcript_id"], row["start"]) in spans or any(row[c] in seen[c] for c in strict):
                continue
            chosen.append(index)
            spans.add((row["transcript_id"], row["start"]))
            for c in spread:
                seen[c].add(row[c])
    return chosen


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["north", "south", "east"]), st.sampled_from(["S1", "S2", "S3", "S4"]),
                          st.integers(0, 6), st.integers(5, 500), st.booleans(), st.booleans()),
                min_size=1, max_size=25),
       st.integers(1, 5), st.sampled_from([("case_id", "speaker_id"), ("speaker_id",), ("case_id",)]))
def test_quotes_picked_with_masks_equal_walking_every_row(rows, k, spread) -> None:
    excerpts = pd.DataFrame({"case_id": [r[0] for r in rows], "speaker_id": [r[1] for r in rows],
                             "transcript_id": ["T1"] * len(rows), "start": [r[2] for r in rows],
                             "text": ["x" * r[3] for r in rows], "via": [r[4] for r in rows],
                             "is_interviewer": [r[5] for r in rows]}, index=[f"r{i}" for i in range(len(rows))])
    picked = pick_quotes(excerpts, k, spread=spread)
    chosen = _best_first(excerpts, k, spread)
    assert picked[["case_id", "speaker_id", "start", "text"]].values.tolist() == \
        excerpts.loc[chosen, ["case_id", "speaker_id", "start", "text"]].values.tolist()


@given(spans=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 10)).map(lambda p: (p[0], p[0] + p[1])),
                      max_size=12),
       query=st.tuples(st.integers(0, 45), st.integers(0, 10)).map(lambda p: (p[0], p[0] + p[1])))
def test_a_linked_excerpt_overlaps_the_united_direct_spans_as_it_overlaps_any_of_them(spans, query):
    """One bisection over the united spans answers what a walk over every direct span answers
    (touching spans and empty spans included: ``s < end and start < e``)."""
    from mio_qual.mixed.evidence import _overlapping_united, _overlaps

    starts, ends = _overlapping_united(spans)
    assert ends == sorted(ends)
    start, end = query
    assert _overlaps(starts, ends, start, end) == any(s < end and start < e for s, e in spans)
