"""Rapid-analysis summaries as tables: matrices, two summarizers compared, the bridge to coding.

Every function takes DataFrames from the store (see :mod:`mio_qual.store.rapid`) and the
template, and returns a DataFrame or a :class:`mio_qual.result.Result`.

The matrix follows Hamilton's rapid analysis (Hamilton 2013; Hamilton & Finley 2019): one row
per case, one column per template domain, each entry the summaries of the case's transcripts
with the transcript they come from. Which summary stands for a transcript is never guessed:
the ``consensus`` summary when there is one, else the only summarizer's; a transcript
summarised by two people without a consensus is refused unless a summarizer is named.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from ..errors import InputError
from ..result import Result, Table
from .summaries import is_discussed
from .template import Template

if TYPE_CHECKING:
    import pandas as pd

#: The summarizer name of a consensus summary.
CONSENSUS = "consensus"
#: Case kinds a matrix can have as rows.
MATRIX_BY = ("transcript", "clinic", "agency", "role")
SOURCES = ["hamilton2013", "hamilton2019", "gale2019"]
_WORD = re.compile(r"[^\W\d_]{3,}")


def chosen_summaries(summaries: "pd.DataFrame", summarizer: str | None = None) -> "pd.DataFrame":
    """One summarizer's rows per transcript: ``summarizer`` when named, else the consensus, else
    the only summarizer.

    Raises
    ------
    InputError
        A transcript has two or more summarizers and no consensus, and none is named.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"summarizer": ["ana", "ben", "ana"], "transcript_id": ["T1", "T1", "T2"],
    ...                   "domain": "FIT", "summary": "x"})
    >>> chosen_summaries(s, "ana").transcript_id.tolist()
    ['T1', 'T2']
    >>> chosen_summaries(s)
    Traceback (most recent call last):
    ...
    mio_qual.errors.InputError: transcript T1 has summaries by ana, ben and no consensus (name one with --summarizer, or import a consensus summary)
    """
    if summarizer is not None:
        chosen = summaries[summaries["summarizer"] == summarizer]
        if chosen.empty:
            names = ", ".join(sorted(summaries["summarizer"].unique())) or "none"
            raise InputError(f"no summaries by {summarizer!r} (summarizers: {names})",
                             hint="check the name given with --summarizer")
        return chosen
    who = summaries.groupby("transcript_id", sort=False)["summarizer"].agg(lambda s: sorted(set(s)))
    keep: dict[str, str] = {}
    for transcript_id, names in who.items():
        if CONSENSUS in names:
            keep[transcript_id] = CONSENSUS
        elif len(names) == 1:
            keep[transcript_id] = names[0]
        else:
            raise InputError(f"transcript {transcript_id} has summaries by {', '.join(names)} and no consensus",
                             hint="name one with --summarizer, or import a consensus summary")
    mask = summaries["summarizer"] == summaries["transcript_id"].map(keep)
    return summaries[mask]


def _case_column(by: str) -> str:
    if by not in MATRIX_BY:
        raise InputError(f"cannot make a matrix by {by!r}", hint=f"use one of {', '.join(MATRIX_BY)}")
    return "transcript_id" if by == "transcript" else by


def matrix(summaries: "pd.DataFrame", transcripts: "pd.DataFrame", template: Template, *, by: str = "transcript",
           summarizer: str | None = None) -> Result:
    """The cases x domains matrix of rapid summaries.

    Parameters
    ----------
    summaries : DataFrame
        Columns summarizer, transcript_id, domain, summary.
    transcripts : DataFrame
        Columns transcript_id, clinic, agency, role (the project's transcript metadata).
    template : Template
        Gives the domains, their order and names.
    by : {"transcript", "clinic", "agency", "role"}
        The rows.
    summarizer : str, optional
        Whose summaries (default: per transcript the consensus, else the only summarizer).

    Returns
    -------
    Result
        Table ``matrix`` (one row per case; a ``transcripts`` column lists the sources; an entry
        is ``[T] summary`` per transcript, empty summaries left out, "not discussed" markers
        kept as such) and table ``entries`` (the long form: case, domain, transcript, summary).
    """
    import pandas as pd

    column = _case_column(by)
    chosen = chosen_summaries(summaries, summarizer)
    meta = transcripts.rename(columns={"id": "transcript_id"})[["transcript_id", "clinic", "agency", "role"]]
    merged = chosen.merge(meta, on="transcript_id", how="left")
    merged["case"] = merged[column].fillna("(none)").astype(str)
    sources = merged.groupby("case")["transcript_id"].agg(lambda s: ", ".join(sorted(set(s))))
    long = merged[merged["summary"].fillna("").str.strip() != ""].copy()
    order = {d: i for i, d in enumerate(template.domain_ids)}
    long["_order"] = long["domain"].map(order)
    long = long.sort_values(["case", "_order", "transcript_id"], kind="stable")
    if by == "transcript":
        long["entry"] = long["summary"]
    else:
        long["entry"] = "[" + long["transcript_id"] + "] " + long["summary"]
    cells = long.groupby(["case", "domain"], sort=False)["entry"].agg("\n".join).to_dict()
    names = {d.id: f"{d.id} {d.name}" for d in template.domains}
    rows = [{by: case, "transcripts": sources[case],
             **{names[d]: cells.get((case, d), "") for d in template.domain_ids}} for case in sources.index]
    wide = pd.DataFrame(rows, columns=[by, "transcripts", *names.values()])
    entries = long.rename(columns={"case": by})[[by, "domain", "transcript_id", "summarizer", "summary"]]
    who = summarizer or "per transcript the consensus summary, else the only summarizer's"
    notes = [f"Rapid qualitative analysis matrix (Hamilton 2013; Hamilton & Finley 2019): rows are {by}s, "
             f"columns the domains of template {template.name} (version {template.version}). Summaries: {who}. "
             "Each entry names its transcript; empty cells were not summarised; 'n/a'-type entries say the "
             "domain did not come up."]
    return Result("rapid-matrix", [Table(wide, f"Rapid analysis matrix by {by}", notes, sheet="matrix", sources=SOURCES),
                                   Table(entries.reset_index(drop=True), "Rapid analysis entries", notes,
                                         sheet="entries", sources=SOURCES)],
                  title=f"Rapid analysis matrix by {by}", notes=notes)


def content_words(text: str) -> set[str]:
    """Lower-case words of three letters or more that are not English stop words (spaCy's list).

    Examples
    --------
    >>> sorted(content_words("The counselors had no private rooms for the groups"))
    ['counselors', 'groups', 'private', 'rooms']
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in STOP_WORDS}


def _overlaps(a: "pd.DataFrame", b: "pd.DataFrame") -> int:
    """How many of ``a``'s quote spans overlap one of ``b``'s."""
    spans = list(zip(b["quote_start"], b["quote_end"]))
    return sum(any(s < e2 and s2 < e for s2, e2 in spans) for s, e in zip(a["quote_start"], a["quote_end"]))


def compare(summaries: "pd.DataFrame", quotes: "pd.DataFrame", summarizers: Sequence[str], template: Template) -> Result:
    """Two summarizers' summaries of the same transcripts, domain by domain.

    Per transcript and domain: whether each summarizer said the domain came up, the share of
    content words their summaries have in common (Jaccard), how many of the first
    summarizer's quotes overlap the second's, and whether a consensus summary settles it. Per
    domain: the counts and the percentage of transcripts on which the two agree that the
    domain came up or did not.

    Raises
    ------
    InputError
        Not exactly two summarizers, or no transcript summarised by both.
    """
    import pandas as pd

    if len(summarizers) != 2 or summarizers[0] == summarizers[1]:
        raise InputError("compare needs two different summarizers", hint="e.g. --summarizers ana ben")
    a, b = summarizers
    both = set(summaries.loc[summaries["summarizer"] == a, "transcript_id"]) & set(
        summaries.loc[summaries["summarizer"] == b, "transcript_id"])
    if not both:
        raise InputError(f"no transcript has summaries by both {a} and {b}",
                         hint="import both summarizers' templates of the same transcripts")
    keyed = summaries.set_index(["summarizer", "transcript_id", "domain"])["summary"].to_dict()
    by_key = {key: group for key, group in quotes.groupby(["summarizer", "transcript_id", "domain"])}
    empty = quotes.iloc[0:0]
    rows = []
    for transcript_id in sorted(both):
        for domain in template.domain_ids:
            sa, sb = keyed.get((a, transcript_id, domain), ""), keyed.get((b, transcript_id, domain), "")
            da, db = is_discussed(sa), is_discussed(sb)
            wa, wb = content_words(sa), content_words(sb)
            consensus = keyed.get((CONSENSUS, transcript_id, domain))
            status = ("both" if da and db else f"only {a}" if da else f"only {b}" if db else "neither")
            if consensus is not None and consensus.strip():  # an empty consensus cell decides nothing
                settled = "consensus"
            elif da != db or (da and db):
                settled = "to decide"
            else:
                settled = ""
            rows.append({
                "transcript_id": transcript_id, "domain": domain, "status": status,
                "word_overlap": len(wa & wb) / len(wa | wb) if (wa | wb) else float("nan"),
                f"quotes_{a}": len(by_key.get((a, transcript_id, domain), empty)),
                f"quotes_{b}": len(by_key.get((b, transcript_id, domain), empty)),
                "shared_quotes": _overlaps(by_key.get((a, transcript_id, domain), empty),
                                           by_key.get((b, transcript_id, domain), empty)),
                "consensus": settled, f"summary_{a}": sa, f"summary_{b}": sb,
            })
    detail = pd.DataFrame(rows)
    per_domain = []
    for domain in template.domain_ids:
        mine = detail[detail["domain"] == domain]
        agree = int(mine["status"].isin(["both", "neither"]).sum())
        per_domain.append({"domain": domain, "name": template.domain(domain).name, "n_transcripts": len(mine),
                           "both": int((mine["status"] == "both").sum()),
                           f"only_{a}": int((mine["status"] == f"only {a}").sum()),
                           f"only_{b}": int((mine["status"] == f"only {b}").sum()),
                           "neither": int((mine["status"] == "neither").sum()),
                           "agreement_pct": 100.0 * agree / len(mine) if len(mine) else float("nan"),
                           "mean_word_overlap": mine.loc[mine["status"] == "both", "word_overlap"].mean(),
                           "to_decide": int((mine["consensus"] == "to decide").sum())})
    summary = pd.DataFrame(per_domain)
    n_open = int((detail["consensus"] == "to decide").sum())
    notes = [f"{a} and {b} both summarised {len(both)} transcript(s). 'Came up' means a summary that is not empty "
             "and not a 'not discussed' marker. Agreement is the share of transcripts on which both say the domain "
             "came up or both say it did not; word overlap is the Jaccard index of the summaries' content words "
             "(spaCy's English stop words removed), a rough guide, not a reliability coefficient.",
             f"{n_open} transcript-domain cell(s) have summaries but no consensus yet" if n_open
             else "Every cell with a summary has a consensus summary."]
    return Result("rapid-compare", [Table(summary, f"Rapid summaries by domain: {a} and {b}", notes, sheet="by domain",
                                          sources=SOURCES),
                                    Table(detail, f"Rapid summaries per transcript and domain: {a} and {b}", notes,
                                          sheet="detail", sources=SOURCES)],
                  title=f"Rapid summaries compared: {a} and {b}", notes=notes)


def coverage(summaries: "pd.DataFrame", quotes: "pd.DataFrame", codings: "pd.DataFrame", template: Template, *,
             summarizer: str | None = None, layer: str = "") -> Result:
    """Per transcript and construct: did rapid analysis and in-depth coding both find it?

    The comparison Gale et al. (2019) made between rapid and in-depth analysis, per construct:
    a construct counts as *coded* in a transcript when the layer holds a coding of it (or of a
    child); as *summarised* when the template domain that lists it has a summary that came up.
    Rapid analysis works at the level of domains, so a construct's "summarised" is its
    domain's; ``quotes_on_codings`` counts the domain's rapid quotes that overlap a coding of the
    construct (evidence that both point at the same talk).

    Parameters
    ----------
    summaries, quotes : DataFrame
        Rapid summaries and quotes (see :mod:`mio_qual.store.rapid`).
    codings : DataFrame
        The layer's codings: transcript_id, code, start, end.
    template : Template
        Domains and their constructs.
    summarizer : str, optional
        As for :func:`matrix`.
    layer : str
        The coding layer's name, for the notes.
    """
    import pandas as pd

    chosen = chosen_summaries(summaries, summarizer)
    transcripts = sorted(set(chosen["transcript_id"]) & set(codings["transcript_id"]))
    discussed = {(t, d): is_discussed(s) for t, d, s in zip(chosen["transcript_id"], chosen["domain"], chosen["summary"])}
    who = dict(zip(chosen["transcript_id"], chosen["summarizer"]))
    codings_of = {t: group for t, group in codings.groupby("transcript_id", sort=False)}
    quotes_of = {key: group for key, group in quotes.groupby(["summarizer", "transcript_id", "domain"], sort=False)}
    no_quotes = quotes.iloc[0:0]
    rows = []
    for transcript_id in transcripts:
        coded = codings_of[transcript_id]
        for domain in template.domains:
            domain_quotes = quotes_of.get((who[transcript_id], transcript_id, domain.id), no_quotes)
            for construct in domain.constructs:
                probe = type(domain)(domain.id, domain.name, constructs=(construct,))
                mine = coded[coded["code"].map(probe.covers)]
                is_coded, is_summarised = not mine.empty, discussed.get((transcript_id, domain.id), False)
                rows.append({"transcript_id": transcript_id, "domain": domain.id, "construct": construct,
                             "n_codings": len(mine), "coded": is_coded, "summarised": is_summarised,
                             "quotes_on_codings": _overlaps(domain_quotes, mine.rename(columns={"start": "quote_start",
                                                                                 "end": "quote_end"})),
                             "found_by": ("both" if is_coded and is_summarised else "coding only" if is_coded
                                          else "rapid only (domain)" if is_summarised else "neither")})
    detail = pd.DataFrame(rows, columns=["transcript_id", "domain", "construct", "n_codings", "coded", "summarised",
                                         "quotes_on_codings", "found_by"])
    counts = (detail.groupby("construct", sort=False)["found_by"].value_counts().unstack(fill_value=0)
              .reindex(columns=["both", "coding only", "rapid only (domain)", "neither"], fill_value=0)
              .rename_axis(columns=None).reset_index()) if not detail.empty else pd.DataFrame(columns=["construct", "both", "coding only",
                                                                              "rapid only (domain)", "neither"])
    notes = [f"Rapid summaries ({summarizer or 'consensus, else the only summarizer'}) against coding layer "
             f"{layer or '(given)'} on {len(transcripts)} transcript(s) that have both, after Gale et al. (2019). "
             "Rapid analysis summarises domains, not constructs: 'summarised' is the domain's; "
             "'rapid only (domain)' means the domain came up but nobody coded this construct there."]
    return Result("rapid-coverage", [Table(counts, "Constructs found by rapid analysis and by coding", notes,
                                           sheet="by construct", sources=SOURCES),
                                     Table(detail, "Rapid analysis and coding per transcript and construct", notes,
                                           sheet="detail", sources=SOURCES)],
                  title="Rapid analysis and in-depth coding", notes=notes)


def evidence(summaries: "pd.DataFrame", transcripts: "pd.DataFrame", template: Template, *, by: str = "clinic",
             summarizer: str | None = None) -> "pd.DataFrame":
    """Rapid summaries as evidence for construct ratings: one row per case, construct and summary.

    Returns columns case_id, construct, domain, transcript_id, summarizer, summary (only
    summaries that came up), for the rating worksheets to show beside coded excerpts.
    """
    import pandas as pd

    column = _case_column(by)
    chosen = chosen_summaries(summaries, summarizer)
    chosen = chosen[chosen["summary"].map(is_discussed)]
    meta = transcripts.rename(columns={"id": "transcript_id"})[["transcript_id", "clinic", "agency", "role"]]
    merged = chosen.merge(meta, on="transcript_id", how="left")
    rows = [{"case_id": row[column], "construct": construct, "domain": row["domain"],
             "transcript_id": row["transcript_id"], "summarizer": row["summarizer"], "summary": row["summary"]}
            for row in merged.to_dict("records")
            for construct in template.domain(row["domain"]).constructs]
    return pd.DataFrame(rows, columns=["case_id", "construct", "domain", "transcript_id", "summarizer", "summary"])


__all__ = ["CONSENSUS", "MATRIX_BY", "chosen_summaries", "matrix", "compare", "coverage", "evidence", "content_words"]
