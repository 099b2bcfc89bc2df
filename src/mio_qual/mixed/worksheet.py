"""Rating worksheets: one row per construct per case, with the evidence behind it.

:func:`build_worksheet` collects what a rater reads: per construct and case the counts,
participants, transcripts and de-identified excerpts (those coded with the construct in
``evidence``; those of linked study codes, when the analyst asked for links, apart in
``linked_evidence``), with empty ``rating``, ``rationale`` and ``quote`` columns (``quote``:
the excerpt, or part of one, the analyst pins as this cell's exemplar in joint displays). :func:`mio_qual.reports.worksheet.write_worksheet` writes it as an ``.xlsx`` file
(sheet ``ratings``; sheet ``excerpts``: one row per excerpt; sheet ``about``: the scale, the
case kind, the layers and codebook used) and a ``.docx`` file with the same evidence laid out
for reading. The rater fills the ``.xlsx`` and brings it back with ``mio-qual ratings import``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from ..errors import InputError
from .constructs import Constructs, as_list, case_column
from .evidence import speaker_tag, summarize

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

WORKSHEET_COLUMNS = ["case_kind", "case_id", "construct", "construct_name", "n_excerpts", "n_via", "codes",
                     "n_participants", "participants", "n_transcripts", "transcripts", "evidence", "linked_evidence",
                     "rapid_summaries", "rating", "rationale", "quote"]
MAX_EVIDENCE_CHARS = 30000  # an Excel cell holds at most 32,767 characters
SCALE_TEXT = [
    ("+2", "strong positive influence on implementation: explicit, concrete, several participants"),
    ("+1", "weak positive influence: general or from one participant"),
    ("0", "neutral or mixed: mentioned without a clear effect, or positive and negative influences that balance "
          "(Damschroder & Lowery 2013 rate mixed evidence 0)"),
    ("-1", "weak negative influence: general or from one participant"),
    ("-2", "strong negative influence: explicit, concrete, several participants"),
    ("(empty)", "missing: not enough information to rate"),
]
#: The opt-in extension, offered only when the worksheet is written with ``mixed_x=True``.
X_TEXT = ("X", "mixed, not weighed (an extension to Damschroder & Lowery 2013, who rate balanced influence 0): "
               "clear positive and negative influences the rater will not weigh; left out of group means")


def scale_text(mixed_x: bool = False) -> list[tuple[str, str]]:
    """The scale a worksheet offers: Damschroder & Lowery's five values and missing, X only when opted in."""
    return [*SCALE_TEXT[:-1], X_TEXT, SCALE_TEXT[-1]] if mixed_x else list(SCALE_TEXT)


@dataclass
class Worksheet:
    """A rating worksheet before it is written.

    Attributes
    ----------
    rows : DataFrame
        :data:`WORKSHEET_COLUMNS`, one row per construct per case.
    excerpts : DataFrame
        One row per excerpt (case, construct, code, who said it, where, text).
    by : str
        Case kind.
    layers : str
        Which coding layers the evidence came from.
    codebook : str
        Where construct names came from.
    links : DataFrame or None
        The study-code links followed (code, construct, reason), None when evidence is direct
        coding only.
    mixed_x : bool
        Whether the scale offers X (an opt-in extension to Damschroder & Lowery 2013).
    rapid_source : str
        Whose rapid-analysis summaries the ``rapid_summaries`` column shows, or why it shows none
        ('' when the project has none).
    """

    rows: "pd.DataFrame"
    excerpts: "pd.DataFrame"
    by: str
    layers: str
    codebook: str
    info: Constructs = field(repr=False, default=None)  # type: ignore[assignment]
    links: "pd.DataFrame | None" = None
    mixed_x: bool = False
    rapid_source: str = ""


def build_worksheet(excerpts: "pd.DataFrame", info: Constructs, by: str = "clinic", *, case_ids: Sequence[str],
                    layers: str, constructs: Sequence[str] | None = None,
                    cases: Sequence[str] | None = None, links: "pd.DataFrame | None" = None,
                    mixed_x: bool = False, rapid: "pd.DataFrame | None" = None, rapid_source: str = "") -> Worksheet:
    """Collect the evidence for a rating worksheet.

    Parameters
    ----------
    excerpts : DataFrame
        The coded excerpts by case of kind ``by`` (:func:`mio_qual.mixed.evidence.evidence`).
    info : Constructs
    by : {"clinic", "agency", "role", "transcript"}
    case_ids : sequence of str
        The project's cases of the kind.
    layers : str
        Which coding layers the excerpts came from (a phrase for the ``about`` sheet).
    constructs : sequence of str, optional
        Constructs to rate (default: every rateable CFIR construct coded directly in the layers).
    cases : sequence of str, optional
        Cases to include (default: ``case_ids``).
    links : DataFrame, optional
        The links the excerpts followed (named on the ``about`` sheet with their reasons).
    mixed_x : bool
        Offer X on the scale (a departure from Damschroder & Lowery 2013, stated on the sheet).
    rapid : DataFrame, optional
        Rapid-analysis summaries as evidence (:func:`mio_qual.rapid.analysis.evidence`: case_id,
        construct, domain, transcript_id, summary); a row's ``rapid_summaries`` holds those
        whose construct covers the row's construct.
    rapid_source : str
        Whose summaries ``rapid`` holds (or why there are none), for the ``about`` sheet.

    Returns
    -------
    Worksheet
    """
    import pandas as pd

    case_column(by)
    frame = excerpts
    chosen = as_list(constructs)
    if chosen:
        unknown = [c for c in chosen if c not in info and c not in set(frame["construct"])]
        if unknown:
            raise InputError(f"unknown construct {unknown[0]!r}",
                             hint=("did you mean " + " or ".join(info.suggest(unknown[0])) + "?")
                             if info.suggest(unknown[0]) else "use code ids such as IS.J2")
        chosen = info.sort(chosen)
    else:
        direct = set(frame.loc[~frame["via"], "construct"]) if len(frame) else set()
        chosen = info.sort(c for c in direct if info.rateable(c))
    all_cases = as_list(cases) or list(case_ids)
    if not all_cases:
        raise InputError(f"the project has no {by} cases to rate",
                         hint="import transcripts with a manifest that names them")
    frame = frame[frame["construct"].isin(chosen) & frame["case_id"].isin(all_cases)].reset_index(drop=True)
    counts = {(r.case_id, r.construct): r for r in summarize(frame).itertuples(index=False)}
    texts = {key: _evidence_text(group[~group["via"]]) for key, group in
             frame.groupby(["case_id", "construct"], sort=False)}
    linked = {key: _evidence_text(group[group["via"]]) for key, group in
              frame.groupby(["case_id", "construct"], sort=False)}
    rapid_texts = _rapid_texts(rapid, all_cases, chosen)
    rows = []
    for case in all_cases:
        for construct in chosen:
            key = (case, construct)
            found = counts.get(key)
            rows.append({
                "case_kind": by, "case_id": case, "construct": construct, "construct_name": info.name(construct),
                "n_excerpts": int(found.n_excerpts) if found is not None else 0,
                "n_via": int(found.n_via) if found is not None else 0,
                "codes": found.codes if found is not None else "",
                "n_participants": int(found.n_participants) if found is not None else 0,
                "participants": found.participants if found is not None else "",
                "n_transcripts": int(found.n_transcripts) if found is not None else 0,
                "transcripts": found.transcripts if found is not None else "",
                "evidence": texts.get(key, ""), "linked_evidence": linked.get(key, ""),
                "rapid_summaries": rapid_texts.get(key, ""), "rating": "", "rationale": "", "quote": "",
            })
    shown = frame.assign(
        construct_name=frame["construct"].map(info.name),
        said_by=[speaker_tag(r) for r in frame.itertuples()] if len(frame) else [],
    )[["case_kind", "case_id", "construct", "construct_name", "code", "via", "transcript_id", "speaker_id",
       "speaker_role", "said_by", "coders", "text"]] if len(frame) else pd.DataFrame(
        columns=["case_kind", "case_id", "construct", "construct_name", "code", "via", "transcript_id", "speaker_id",
                 "speaker_role", "said_by", "coders", "text"])
    return Worksheet(pd.DataFrame(rows, columns=WORKSHEET_COLUMNS), shown.reset_index(drop=True), by,
                     layers, info.source, info, links, mixed_x, rapid_source)


def _rapid_texts(rapid: "pd.DataFrame | None", cases: Sequence[str], constructs: Sequence[str]) -> dict[tuple[str, str], str]:
    """Per (case, construct) the rapid summaries whose domain covers the construct, one per
    transcript and domain: ``[INT01 FIT] summary``."""
    from ..rapid.template import covers

    if rapid is None or not len(rapid):
        return {}
    out: dict[tuple[str, str], str] = {}
    wanted = set(cases)
    for case, group in rapid.groupby("case_id", sort=False):
        if case not in wanted:
            continue
        for construct in constructs:
            seen: dict[tuple[str, str], str] = {}
            for tid, domain, covered, summary in zip(group["transcript_id"], group["domain"], group["construct"],
                                                     group["summary"]):
                if covers((covered,), construct):
                    seen.setdefault((tid, domain), summary)
            if seen:
                out[(case, construct)] = "\n".join(f"[{t} {d}] {s}" for (t, d), s in sorted(seen.items()))
    return out


def worksheet_stem(rater: str | None) -> str:
    """The file name (without suffix) of a rater's worksheet: ``ratings_<rater>``.

    Examples
    --------
    >>> worksheet_stem("Lee K."), worksheet_stem(None)
    ('ratings_Lee_K.', 'ratings_worksheet')
    """
    if not rater:
        return "ratings_worksheet"
    return "ratings_" + (re.sub(r"[^\w.-]+", "_", rater.strip()) or "rater")


def _evidence_text(quotes: "pd.DataFrame") -> str:
    parts = []
    for row in quotes.itertuples():
        via = f" (via {row.code}: {row.link_reason})" if row.via else ""
        parts.append(f"[{speaker_tag(row)}]{via} {row.text}")
    text = "\n\n".join(parts)
    if len(text) > MAX_EVIDENCE_CHARS:
        text = text[:MAX_EVIDENCE_CHARS - 60] + "\n\n[... more in the 'excerpts' sheet]"
    return text


__all__ = ["Worksheet", "build_worksheet", "worksheet_stem", "scale_text", "WORKSHEET_COLUMNS", "SCALE_TEXT", "X_TEXT"]
