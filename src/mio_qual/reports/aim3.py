"""The study report's Aim 3 section: contextual determinants of fidelity and feasibility.

:func:`write_aim3` writes the section into a :class:`~mio_qual.reports.builder.ReportBuilder`
from an :class:`Aim3Data` (gathered by :meth:`mio_qual.project.Project.aim3_data`): methods
paragraphs written from what the project holds and did (:func:`aim3_methods`), the clinic
joint displays under one distinguishing rule, the agency display, the counselor-level display,
climate measures with their aggregation checks, and the case-ordered predictor x outcome matrix.
A part the project lacks is named in a sentence rather than left out silently.

The reports engineer wires it into the study report (``reports/documents.py``):
``write_aim3(b, project.aim3_data(outcome, fit=fit), figure_path, level=1)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..citations import narrative_citation, short_citation

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..mixed.joint import DistinguishRule, JointDisplay
    from .builder import ReportBuilder


@dataclass
class Aim3Facts:
    """What happened, for the methods text (:meth:`mio_qual.project.Project.aim3_facts`).

    Attributes
    ----------
    coders : tuple of str
        The two coders whose layers were reconciled (empty when there is no consensus layer).
    unit : str
    consensus : str
        The consensus layer's name.
    n_agreed : int
        Consensus codings that both coders made.
    n_decided_codings : int
        Consensus codings that came from decisions on disagreements.
    n_disagreements : int
        Disagreements the reconciliation lists between the two coders today.
    consensus_codings : int
    raters : list of str
    n_rating_disagreements : int
        Rated cells (case x construct) on which the raters differ.
    n_rating_unresolved : int
        Of those, cells the consensus left missing because nobody decided them.
    raters_knew_outcomes : bool or None
        As recorded (None: not recorded).
    n_x : int
        X ratings (an extension to Damschroder & Lowery's scale).
    sheet : dict or None
        The latest filled reconciliation sheet's decided and undecided rows
        (:func:`mio_qual.reports.methods.sheet_decisions`); None when no import counted them.
    rating_evidence : dict
        Rater -> what their imported worksheets' ``about`` sheets say they were shown (each distinct
        ``{"evidence": ..., "links": ...}``); a rater whose worksheets recorded nothing is absent.
    """

    coders: tuple[str, ...] = ()
    unit: str | None = None
    consensus: str | None = None
    n_agreed: int = 0
    n_decided_codings: int = 0
    n_disagreements: int = 0
    consensus_codings: int = 0
    raters: list[str] = field(default_factory=list)
    n_rating_disagreements: int = 0
    n_rating_unresolved: int = 0
    raters_knew_outcomes: bool | None = None
    n_x: int = 0
    sheet: dict | None = None
    rating_evidence: dict = field(default_factory=dict)


@dataclass
class Aim3Data:
    """What the Aim 3 section shows; None (with a reason in ``absent``) for a part the project lacks."""

    outcome: str
    facts: Aim3Facts
    rule: "DistinguishRule"
    links: "pd.DataFrame | None" = None
    case_ordered: "JointDisplay | None" = None
    side_by_side: "JointDisplay | None" = None
    agency: "JointDisplay | None" = None
    counselors: "pd.DataFrame | None" = None
    measures: list["pd.DataFrame"] = field(default_factory=list)
    measure_warnings: list[str] = field(default_factory=list)
    matrix: "pd.DataFrame | None" = None
    absent: dict[str, str] = field(default_factory=dict)
    min_rwg: float = 0.70
    min_icc1: float = 0.05
    #: The clinic case-ordered display by the aim's other outcome (feasibility, FIM, when the displays are
    #: ordered by fidelity), under the same rule: the methods say whether its groups and flags are the same.
    other: "JointDisplay | None" = None


#: What a table shows for a missing value.
DASH = "\u2013"


def _n(count: int, noun: str) -> str:
    from .methods import number

    return number(count, noun)


def _none(count: int) -> str:
    """A count as the subject of a clause: ``'none'``, ``'four'``, ``'12'``."""
    return "none" if not count else _n(count, "")


def group_counts(display: "JointDisplay | None") -> str:
    """``'high: northside, westfield (n = 2); low: eastgate, downtown (n = 2)'`` from a case-ordered display."""
    if display is None or "high" not in display.data:
        return ""
    high, low = display.data["high"], display.data["low"]
    return (f"high: {', '.join(high) or 'none'} (n = {len(high)}); low: {', '.join(low) or 'none'} "
            f"(n = {len(low)})")


def aim3_methods(data: Aim3Data) -> list[str]:
    """The Aim 3 methods paragraphs, written from the facts (never claiming what did not happen)."""
    from ..mixed.links import describe_links

    facts, rule = data.facts, data.rule
    out: list[str] = []
    if facts.coders:
        a, b = facts.coders
        shown = _rated_from(facts)
        lead = (f"Construct ratings rest on the {facts.consensus} coding layer" if shown == "consensus" else
                f"The displays quote the {facts.consensus} coding layer")
        text = (f"**Evidence.** {lead}, built from {a}'s and "
                f"{b}'s layers: it holds {_n(facts.consensus_codings, 'coding')}, {_n(facts.n_agreed, '')} of them codings "
                "both coders made")
        if facts.n_decided_codings:
            text += f" and {_n(facts.n_decided_codings, '')} from decisions on their disagreements"
        text += ". "
        if facts.sheet is not None:
            from .methods import undecided_sentence

            text += undecided_sentence(facts.sheet)
            listed = int(facts.sheet["decided"]) + int(facts.sheet["undecided"])
            if facts.n_disagreements != listed:
                text += (f" Compared today, the two coders' layers differ in {_n(facts.n_disagreements, 'place')},"
                         f" not the {_n(listed, '')} of the sheet; a place the sheet does not list has no decision"
                         " (\u201cmio-qual coding reconcile\u201d writes a sheet of today's).")
        elif facts.n_disagreements:
            text += (f"The two coders' layers still differ in {_n(facts.n_disagreements, 'place')}; "
                     + ("these were not decided and their codings are not part of the consensus layer, so the "
                        "evidence behind each rating is what both coders coded (or what was decided)."
                        if not facts.n_decided_codings else
                        "where no decision was recorded, the codings are not part of the consensus layer."))
        else:
            text += "Every disagreement was decided."
        out.append(text)
    else:
        out.append("**Evidence.** Construct ratings rest on the human coding layers merged (no consensus layer was "
                   "built).")
    displays = describe_links(data.links)
    out.append("In the displays below, e" + displays[1:] + (
        " Links are reviewed and each states why an excerpt of the study code is evidence for the construct."
        if data.links is not None else ""))
    if facts.raters:
        text = (f"**Ratings.** {_and(facts.raters)} rated each construct per clinic on the scale of "
                f"{narrative_citation('damschroder2013')}: -2 to +2 for valence and strength, 0 for neutral or "
                "mixed influence, blank for too little evidence.")
        if facts.n_x:
            text += (f" {_n(facts.n_x, 'rating')} use X (mixed, not weighed), an extension to that scale; X is "
                     "left out of group means.")
        if len(facts.raters) >= 2:
            text += f" The raters differed on {_n(facts.n_rating_disagreements, 'clinic cell')}"
            unresolved = facts.n_rating_unresolved
            text += (f"; {_n(unresolved, '')} {'was' if unresolved == 1 else 'were'} not decided and "
                     f"{'is' if unresolved == 1 else 'are'} missing in the consensus ratings."
                     if facts.n_rating_unresolved else "; each was decided in reconciliation.")
        text += _worksheet_sentence(facts)
        if data.agency is not None:
            text += (f" The same raters rated {_n(len(data.agency.frame) - 1, 'construct')} per agency, where the "
                     "agency is the inner setting.")
        knew = facts.raters_knew_outcomes
        text += (" The raters knew the clinics' outcomes when they rated." if knew else
                 " The raters did not know the clinics' outcomes when they rated." if knew is False else
                 " Whether the raters knew the clinics' outcomes was not recorded.")
        out.append(text)
    out += _measures_methods(data)
    groups = group_counts(data.case_ordered)
    fidelity = (f" A clinic's {data.outcome} is the mean of its counselors' means over their rated sessions "
                "(each counselor weighs the same, as in Aim 2), not the mean of its sessions pooled."
                if data.outcome in ("fidelity", "adherence", "competence") else "")
    out.append(f"**Integration.** Clinics are ordered by {data.outcome} ({short_citation('guetterman2015')})."
               f"{fidelity} "
               + _rule_sentence(rule, data.outcome, groups)
               + " Fit (confirmation, expansion, discordance) is the analysts' "
               f"judgement ({short_citation('fetters2013')}); rows they did not judge are left empty, and the "
               "direction summary beside it is not a fit. With so few cases these displays describe; they do not "
               "test." + _other_outcome_sentence(data))
    return out


def _other_outcome_sentence(data: Aim3Data) -> str:
    """Aim 3 asks about fidelity and feasibility: whether ordering the clinics by the other outcome gives the same
    groups and the same flags, and if not, which constructs change (the displays show one outcome)."""
    first, other = data.case_ordered, data.other
    if first is None or other is None:
        return ""
    name = str(other.data.get("outcome", "the other outcome"))
    shown = {"fim": "feasibility (FIM)"}.get(name, name)
    order = ", ".join(str(c) for c in other.data["outcomes"].index)
    a, b = first.data["flags"]["distinguishing"], other.data["flags"]["distinguishing"]
    changed = [f"{c} ({a[c]} -> {b[c]})" for c in a.index if c in b.index and a[c] != b[c]]
    same_groups = (list(first.data["high"]), list(first.data["low"])) == (list(other.data["high"]),
                                                                          list(other.data["low"]))
    if same_groups and not changed:
        return (f" Ordered by {shown} instead ({order}), the clinics fall into the same high and low groups, so "
                "every flag is the same.")
    return (f" Ordered by {shown} instead ({order}), " + ("the groups are the same" if same_groups else
            "the high and low groups differ") + (f" and {_n(len(changed), 'flag')} {'changes' if len(changed) == 1 else 'change'}: "
                                                 f"{'; '.join(changed)}"
                                                 if changed else ", though no flag changes")
            + f" (\u201cmio-qual joint --outcome {name} --display case-ordered\u201d shows that display).")


def _rated_from(facts: Aim3Facts) -> str:
    """``'consensus'`` when every rater's worksheets recorded the consensus layer as their evidence, ``'other'``
    when some recorded another, ``''`` when a rater's worksheets recorded nothing (imported from CSV, or written
    by hand)."""
    if not facts.raters or any(r not in facts.rating_evidence for r in facts.raters):
        return ""
    seen = [shown.get("evidence", "") for r in facts.raters for shown in facts.rating_evidence[r]]
    name = facts.consensus or "consensus"
    return "consensus" if seen and all(s == f"consensus layer {name}" for s in seen) else "other"


def _worksheet_sentence(facts: Aim3Facts) -> str:
    """What the raters' worksheets showed them, as their ``about`` sheets recorded it (the ratings' evidence)."""
    if not facts.raters:
        return ""
    missing = [r for r in facts.raters if r not in facts.rating_evidence]
    shown = [s for r in facts.raters for s in facts.rating_evidence.get(r, [])]
    text = ""
    evidence = list(dict.fromkeys(s.get("evidence", "") for s in shown if s.get("evidence")))
    if evidence:
        linked = any("not used" not in s.get("links", "not used") for s in shown)
        text += (f" Their worksheets showed the excerpts of the {' and of the '.join(evidence)}, "
                 + ("with excerpts of linked study codes apart" if linked else
                    "without excerpts of linked study codes") + " (as the worksheets' about sheets record).")
    if missing:
        text += (f" Which coding layer the worksheets of {_and(missing)} showed is not recorded (their ratings were "
                 "not imported from a mio-qual worksheet).")
    return text


def _split_words(rule: Any, outcome: str) -> str:
    """How the high and low groups were formed, when not the halves (the groups listed say that much)."""
    if getattr(rule, "high", None) or getattr(rule, "low", None):
        return "groups named by the analysts"
    split = getattr(rule, "split", "halves")
    if split == "extremes":
        return f"the highest-{outcome} clinic against the lowest"
    if split == "threshold":
        return f"high: a {outcome} of {rule.threshold:g} or more"
    return ""


def _rule_sentence(rule: Any, outcome: str, groups: str) -> str:
    """The distinguishing rule in the methods text, with how it stands to Damschroder & Lowery's judgement."""
    split = _split_words(rule, outcome)
    where = (f", with at least {rule.min_rated} rated clinic(s) in each group"
             + (f" ({'; '.join(x for x in (split, groups) if x)})" if split or groups else ""))
    if getattr(rule, "criterion", "difference") == "separation":
        return (f"One rule flags distinguishing constructs in every display: every rated high-{outcome} clinic is "
                "rated above every rated low one, all high ones positive (weakly: separated, a high one 0 or below)"
                f"{where}. This separation rule reads the pattern of ratings, as "
                f"{narrative_citation('damschroder2013')} did by judgement; it is inferred from their published "
                "ratings, not a rule they state.")
    return (f"One rule flags distinguishing constructs in every display: the mean rating of the high-{outcome} "
            f"clinics minus that of the low ones is at least {rule.strong:g} (weakly: {rule.weak:g}){where}. This "
            "numeric threshold is mio-qual's way of making the comparison repeatable; "
            f"{narrative_citation('damschroder2013')} judged distinguishing constructs from the pattern of ratings "
            "across cases without a numeric rule, so a construct the threshold flags may show no consistent pattern, "
            "and the reverse (`--criterion separation`, of `mio-qual joint` and `mio-qual report study`, reads the "
            "pattern).")


def _measures_methods(data: Aim3Data) -> list[str]:
    """The counselor and measures paragraph: who is linked, what was scored, the aggregation rule and its result."""
    from ..errors import InputError
    from ..mixed.measures import instrument as bundled

    parts: list[str] = []
    if data.counselors is not None and len(data.counselors):
        from .methods import opening

        linked = opening(len(data.counselors), 'counselor')  # the paragraph's first words: no numeral, the verb agrees
        parts.append(f"{linked} {'is' if len(data.counselors) == 1 else 'are'} joined to "
                     "their interviews through the project's "
                     "link table (study id -> counselor id), so that each counselor's own coded excerpts, EBPAS "
                     f"({short_citation('aarons2004')}) where scored, fidelity and FIM stand in one row.")
    if data.measures:
        import pandas as pd

        table = pd.concat(data.measures, ignore_index=True)
        by = _group_column(table)
        names = []
        for name in dict.fromkeys(table["instrument"]):
            try:
                spec = bundled(name)
                names.append(f"the {spec.title} ({short_citation(spec.citation)})")
            except InputError:  # not bundled: a key-file instrument, its name only (any other error surfaces)
                names.append(name)
        cells = table[table["scale"] != "total"]
        low = cells[cells["rwg_j"] < data.min_rwg]
        icc_low = table.drop_duplicates(["instrument", "scale"])
        icc_low = icc_low[~(icc_low["icc1"] >= data.min_icc1)]
        parts.append(f"Staff answered {_and(names)}; each respondent's subscale scores are item means and the "
                     f"total the mean of the subscales. Respondents are averaged to the {by} only where they agree and "
                     f"{by}s differ: rwg(j) >= {data.min_rwg:.2f} within the {by} ({short_citation('james1984')}, "
                     f"uniform null) and ICC(1) >= {data.min_icc1:.2f} ({short_citation('bliese2000')}), both "
                     f"cut-offs after {narrative_citation('lebreton2008')}; ICC(2) gives the reliability of the {by} "
                     "means. "
                     f"Of the {_n(len(cells), by + ' subscale mean')}, {_none(len(low))} "
                     f"{'fails' if len(low) < 2 else 'fail'} the rwg(j) check"
                     + (f" ({', '.join(sorted(set(low[by])))})" if len(low) else "")
                     + f"; {_none(len(icc_low))} of the "
                     f"{_n(table.drop_duplicates(['instrument', 'scale']).shape[0], 'scale')} "
                     f"{'fails' if len(icc_low) < 2 else 'fail'} the ICC(1) check"
                     + (" (totals included)" if (table["scale"] == "total").any() else "")
                     + _total_rule(table, by)
                     + f". A mean that fails is shown and flagged, not read as its {by}'s climate."
                     + _icc_precision(table, by))
    assumed = [w for w in data.measure_warnings if "assumed" in w]
    if assumed:
        parts.append("The item-to-subscale numbering of the " + " and ".join(w.split(":", 1)[0].upper() for w in assumed)
                     + " is assumed where no published source numbers the items (blocks of three in the published subscale "
                     "order), not checked against the form.")
    return ["**Counselors and measures.** " + " ".join(parts)] if parts else []


def _total_rule(table: "pd.DataFrame", by: str) -> str:
    """How a total's aggregation is judged, and in how many groups it fails because its subscales do.

    rwg(j) over all of a total's items is stepped up by their number (Lindell, Brandt & Whitney 1999), so
    a total is taken to fail where one of its subscales fails (:func:`mio_qual.mixed.measures.aggregate`).
    """
    totals = table[table["scale"] == "total"]
    if not len(totals):
        return ""
    flagged = totals[totals["aggregation"].str.contains("subscales rwg", regex=False)]
    where = f" ({', '.join(sorted(set(flagged[by])))})" if len(flagged) else ""
    return (f". The rwg(j) of a total, taken over all its items, rises with their number "
            f"({short_citation('lindell1999')}, whose r*wg(j) does not), so a total is taken to fail where one of "
            f"its subscales fails the rwg(j) check: {_none(len(flagged))} of the "
            f"{_n(len(totals), by + ' total')} {'fails' if len(flagged) < 2 else 'fail'} so{where}")


#: Fewer groups than this and the methods text says that ICC(1) and ICC(2) are imprecise.
FEW_GROUPS = 10


def _icc_precision(table: Any, by: str) -> str:
    """How many groups ICC(1) and ICC(2) rest on, and, below :data:`FEW_GROUPS`, that they are imprecise.

    Both are ratios of between- to within-group mean squares; with k groups the between part has
    k - 1 degrees of freedom, so from a handful of clinics either can move far with one clinic
    (Bliese 2000 on ICC(1) in small samples). They are reported without an interval.
    """
    groups = table[by].dropna().nunique() if by in table.columns else 0
    if not groups:
        return ""
    from .methods import number

    text = f" ICC(1) and ICC(2) rest on {number(groups, by)} ({groups - 1} degrees of freedom between {by}s)"
    if groups < FEW_GROUPS:
        return text + f" and are given without an interval: from so few {by}s they are imprecise."
    return text + "."


def _and(items: list[str]) -> str:
    """``'a, b and c'``."""
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def _group_column(table: "pd.DataFrame") -> str:
    return "agency" if "agency" in table.columns and "clinic" not in table.columns else "clinic"


def _mean_n(mean: object, n: object) -> str:
    """``'4.17 (n = 3)'``, or an en dash when there is no value."""
    if mean is None or (isinstance(mean, float) and math.isnan(mean)) or not n:
        return DASH
    return f"{float(mean):.2f} (n = {int(n)})"  # type: ignore[arg-type]


def counselor_table(frame: "pd.DataFrame", outcome: str) -> "pd.DataFrame":
    """The counselor display as the report prints it: one row per counselor with the interview codes, the
    counselor measures' totals, and the outcome and FIM as mean with n (the display's other outcome columns
    stay in its CSV)."""
    import pandas as pd

    from ..validation import measure_name

    key = measure_name(outcome)
    out = pd.DataFrame({"counselor": frame["counselor_id"], "clinic": frame["clinic"],
                        "interviews": frame["study_ids"], "coded excerpts": frame["n_excerpts"],
                        "most coded": frame["codes"]})
    for column in [c for c in frame.columns if c.endswith(" total")]:
        out[column.replace(" total", "").upper() + " total"] = frame[column]
    for name, label in ((key, outcome), ("fim", "FIM")):
        if name in frame.columns and name not in out.columns:
            out[label] = [_mean_n(m, n) for m, n in zip(frame[name], frame.get(f"{name}_n", [1] * len(frame)))]
    return out


def measure_table(table: "pd.DataFrame", min_rwg: float = 0.70, min_icc1: float = 0.05,
                  order: "list[str] | None" = None) -> "pd.DataFrame":
    """One instrument's aggregation table as the report prints it: a row per scale, a column per clinic
    (``mean (rwg(j))``, the clinic's n in its header) in ``order`` (the displays' outcome order; others
    after it), ICC(1), ICC(2) and the verdict."""
    import pandas as pd

    by = _group_column(table)
    present = list(dict.fromkeys(table[by]))
    groups = [g for g in (order or []) if g in present] + [g for g in present if g not in (order or [])]
    sizes = table.groupby(by)["n"].max()
    rows = []
    for scale, part in table.groupby("scale", sort=False):
        part = part.set_index(by)
        row: dict[str, object] = {"scale": scale.replace("_", " ")}
        rwgs = {g: part.at[g, "rwg_j"] if g in part.index else float("nan") for g in groups}
        for group in groups:
            mean = part.at[group, "mean"] if group in part.index else float("nan")
            shown_rwg = DASH if pd.isna(rwgs[group]) else f"{rwgs[group]:.2f}"
            row[f"{group} (n = {int(sizes[group])})"] = DASH if pd.isna(mean) else f"{mean:.2f} ({shown_rwg})"
        icc1 = part["icc1"].iloc[0]
        icc2 = part["icc2"].iloc[0] if "icc2" in part else float("nan")
        row["ICC(1)"], row["ICC(2)"] = icc1, icc2
        failing = [g for g in groups if rwgs[g] < min_rwg]
        undefined = [g for g in groups if pd.isna(rwgs[g])]
        verdict = []
        if failing:
            verdict.append(f"rwg(j) < {min_rwg:.2f}: {', '.join(failing)}")
        through = [g for g in groups if g not in failing and g in part.index
                   and "subscales rwg" in str(part.at[g, "aggregation"])]
        if through:  # a total whose own rwg(j), raised by its number of items, hides its subscales' failure
            verdict.append(f"subscales' rwg(j) < {min_rwg:.2f}: {', '.join(through)}")
        if undefined:
            verdict.append(f"no rwg(j) (fewer than two scored respondents): {', '.join(undefined)}")
        if not icc1 >= min_icc1:
            verdict.append(f"ICC(1) < {min_icc1:.2f}")
        row["aggregation"] = "; ".join(verdict) or "supported"
        rows.append(row)
    return pd.DataFrame(rows)


def _frame_note(display: "JointDisplay") -> str:
    return " ".join(display.notes)


def aim3_limitations(data: Aim3Data) -> list[str]:
    """The limitations of Aim 3 that are true of this project, for the study report's Limitations list.

    The methods paragraphs state these facts; a reader of the limitations (where reviewers look first) needs
    them too: coding disagreements never decided (the ratings rest on what both coders coded), raters who knew
    or may have known the outcomes, climate means that fail the aggregation check, and an assumed item key.
    """
    facts = data.facts
    out: list[str] = []
    if facts.coders and facts.n_disagreements and not facts.n_decided_codings and facts.sheet is None:
        out.append(f"The coders' layers differ in {_n(facts.n_disagreements, 'place')} never decided; the construct "
                   "ratings rest on the codings both coders made, so evidence only one coder coded is not behind "
                   "any rating.")
    if facts.raters:
        if facts.raters_knew_outcomes:
            out.append("The raters knew the clinics' outcomes when they rated, so the ratings and the outcomes they "
                       "are set against in the joint displays are not independent.")
        elif facts.raters_knew_outcomes is None:
            out.append("Whether the raters knew the clinics' outcomes when they rated was not recorded (“mio-qual "
                       "aim3 blinding” records it); if they knew, ratings and outcomes are not independent.")
    if data.measures:
        import pandas as pd

        table = pd.concat(data.measures, ignore_index=True)
        by = _group_column(table)
        failing = table[table["aggregation"].astype(str).str.contains("rwg", regex=False)]
        if len(failing):
            where = sorted(set(failing[by]))
            scales = failing.drop_duplicates(["instrument", "scale"])
            out.append(f"Staff of {_and(where)} did not agree on {_n(len(scales), 'climate scale')} (rwg(j) below "
                       f"{data.min_rwg:.2f}, or the subscales of a total); there the {by} mean does not stand for the "
                       f"{by}'s climate, and the displays that use it read it with that caveat.")
    assumed = [w.split(":", 1)[0].upper() for w in data.measure_warnings if "assumed" in w]
    if assumed:
        out.append(f"The item-to-subscale key of the {' and '.join(assumed)} is partly assumed, not checked against "
                   "the form (see Methods); a form numbered otherwise gives other subscale scores.")
    return out


def unreliable_codes(agreement: Any) -> list[str]:
    """The codes the agreement table flags ``unreliable`` (below the tentative level), none when there is no table.

    Parameters
    ----------
    agreement : AgreementData or str
        The study report's agreement data (a string says why there is none).
    """
    if isinstance(agreement, str) or agreement is None:
        return []
    codes = agreement.codes()
    if "flag" not in codes.columns or not len(codes):
        return []
    return [str(c) for c in codes.loc[codes["flag"] == "unreliable", "code"]]


def reliability_caveat(data: Aim3Data, weak_codes: Sequence[str]) -> str:
    """A sentence naming the constructs the displays flag or judge whose own code the coders agreed on below the
    tentative level; empty when there is none.

    A construct flagged distinguishing (or weakly, or reverse) or judged in the side-by-side display rests on the
    ratings, which rest on the excerpts both coders coded with it; where the coders' agreement on that code fell
    below the tentative level, the display's reader needs to know it there, not only in the reliability section.
    """
    weak = set(weak_codes)
    shown: list[str] = []
    if data.case_ordered is not None and "flags" in data.case_ordered.data:
        flags = data.case_ordered.data["flags"]["distinguishing"]
        shown += [str(c) for c, label in flags.items() if label in ("distinguishing", "weakly distinguishing", "reverse")]
    if data.side_by_side is not None and "construct" in data.side_by_side.frame.columns:
        shown += [str(c) for c in data.side_by_side.frame["construct"]]
    named = [c for c in dict.fromkeys(shown) if c in weak]
    if not named:
        return ""
    from .methods import join_words

    return (f"Coding reliability: {join_words(named)} {'rests' if len(named) == 1 else 'rest'} on "
            f"{'a code' if len(named) == 1 else 'codes'} whose inter-rater agreement fell below the tentative level "
            "(see Reliability of the coding); the ratings behind these rows draw on what both coders coded, so "
            "read them with caution.")


def write_aim3(b: "ReportBuilder", data: Aim3Data, figure_path: Callable[[str], Path], *, level: int = 1,
               charts: bool = True, weak_codes: Sequence[str] = ()) -> list[Path]:
    """Write the Aim 3 section.

    Parameters
    ----------
    b : ReportBuilder
    data : Aim3Data
    figure_path : callable
        ``figure_path(name)`` -> where to write a chart beside the document (``aim3-heatmap``).
    level : int
        Heading level of the section.
    charts : bool
        Draw the heatmap of the case-ordered display.
    weak_codes : sequence of str
        Codes whose inter-rater agreement fell below the tentative level (:func:`unreliable_codes`): the
        constructs among them that the displays flag or judge are named under the displays.

    Returns
    -------
    list of Path
        The PNG files written.
    """
    written: list[Path] = []
    b.heading("Aim 3: contextual determinants of fidelity and feasibility", level)
    b.paragraph("Aim 3 asks which contextual determinants (organizational climate, counselor characteristics, "
                "implementation process) explain MIO's fidelity and feasibility, joining construct ratings "
                f"({short_citation('damschroder2013')}) with the quantitative outcomes in joint displays "
                f"({short_citation('fetters2013')}; {short_citation('guetterman2015')}).")
    b.heading("Methods", level + 1)
    for paragraph in aim3_methods(data):
        b.paragraph(paragraph)

    b.heading("Clinics ordered by outcome", level + 1)
    if data.case_ordered is not None:
        display = data.case_ordered
        b.table(display.frame, f"{display.title}, clinics highest first", note=_frame_note(display),
                rating_columns=list(display.rating_columns))
        if charts:
            from .charts import draw

            png = figure_path("aim3-heatmap")
            draw(display.result().figures[0], png)
            b.figure(png, f"Construct by clinic heatmap, clinics ordered by {data.outcome}")
            written.append(png)
    else:
        b.paragraph(f"No clinic display: {data.absent.get('clinic', 'ratings or outcomes are missing')}.")
    if data.side_by_side is not None:
        display = data.side_by_side
        frame = display.frame.drop(columns=[c for c in ("fit_note",) if not display.frame[c].astype(str).str.strip().any()])
        b.table(frame, display.title, note=_frame_note(display), landscape=True)
    caveat = reliability_caveat(data, weak_codes)
    if caveat:
        b.paragraph(caveat)

    b.heading("Agencies", level + 1)
    if data.agency is not None:
        b.table(data.agency.frame, data.agency.title + " (the agency as the inner setting)",
                note=_frame_note(data.agency), rating_columns=list(data.agency.rating_columns))
    else:
        b.paragraph(f"No agency display: {data.absent.get('agency', 'no agency ratings')}.")

    b.heading("Counselors", level + 1)
    if data.counselors is not None and len(data.counselors):
        b.table(counselor_table(data.counselors, data.outcome),
                f"Counselor-level joint display: {len(data.counselors)} linked counselors, ordered by {data.outcome}",
                note="Most coded: the counselor's own coded excerpts (direct codings), the four codes coded most often. "
                     f"{data.outcome.capitalize()} and FIM: the counselor's mean with its n (sessions for fidelity, "
                     "survey answers for FIM); EBPAS total: the counselor's own score (no aggregation). Counselors are "
                     "joined to their interviews through the project's link table (study id -> counselor id). The "
                     "display describes; it does not test.", landscape=True)
    else:
        b.paragraph(f"No counselor display: {data.absent.get('counselor', 'no counselor link table')}.")

    b.heading("Climate measures and their aggregation check", level + 1)
    if data.measures:
        for table in data.measures:
            name = str(table["instrument"].iloc[0]) if len(table) else "measure"
            by = _group_column(table)
            order = [str(c) for c in data.matrix.columns] if data.matrix is not None else None
            b.table(measure_table(table, data.min_rwg, data.min_icc1, order),
                    f"{name.upper()} by {by}: mean (rwg(j)) per {by}"
                    + (f", {by}s ordered by {data.outcome}" if order else "") + ", with ICC(1) and ICC(2)",
                    note=(f"rwg(j): {short_citation('james1984')}, uniform null; ICC(1), ICC(2): "
                          f"{short_citation('bliese2000')}. A {by} mean stands for its staff when rwg(j) >= "
                          f"{data.min_rwg:.2f} ({short_citation('lebreton2008')}) and ICC(1) >= {data.min_icc1:.2f}; "
                          "the aggregation column names what fails. Items by number only."))
        if data.measure_warnings:
            b.paragraph("What the checks say:", keep_with_next=True)
            b.bullets(data.measure_warnings)
    else:
        b.paragraph("The project holds no climate measures.")

    b.heading("Case-ordered predictor x outcome matrix", level + 1)
    if data.matrix is not None:
        frame = data.matrix.reset_index().rename(columns={"index": "row"})
        b.table(frame.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else v),
                f"Clinics ordered by {data.outcome}: predictors beside the outcome",
                note="Rows: climate measure clinic means (instrument:scale), and the constructs flagged "
                     "distinguishing. " + _matrix_aggregation(data) + "Descriptive at this number of clinics.")
    else:
        b.paragraph(f"No matrix: {data.absent.get('matrix', 'nothing to show')}.")
    return written


def _matrix_aggregation(data: Aim3Data) -> str:
    """For each instrument:scale row of the matrix, whether its clinic means passed the aggregation check."""
    if data.matrix is None or not data.measures:
        return ""
    import pandas as pd

    table = pd.concat(data.measures, ignore_index=True)
    by = _group_column(table)
    said = []
    for row in data.matrix.index:
        if not isinstance(row, str) or ":" not in row:
            continue
        name, scale = row.split(":", 1)
        part = table[(table["instrument"] == name) & (table["scale"] == scale)]
        if not len(part):
            continue
        failing = sorted(part.loc[part["aggregation"] != "supported", by])
        absent = [str(c) for c in data.matrix.columns if c not in set(part[by])]  # a clinic without scored answers
        verdict = (f"aggregation not supported at {', '.join(failing)}" if failing
                   else f"aggregation supported at all {len(part)} {by}s" if not absent
                   else f"aggregation supported at the {len(part)} {by}s with scored answers")
        said.append(f"{row}: " + verdict + (f"; no scored answers from {', '.join(absent)}" if absent else ""))
    return ("; ".join(said) + ". ") if said else ""


__all__ = ["Aim3Data", "Aim3Facts", "aim3_methods", "write_aim3", "unreliable_codes", "reliability_caveat",
           "aim3_limitations", "group_counts", "counselor_table", "measure_table"]
