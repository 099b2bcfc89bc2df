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
