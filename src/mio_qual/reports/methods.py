"""Method paragraphs written from what the project records, never from a template of intentions.

Each function takes the :class:`~mio_qual.store.summary.ProjectFacts` a project's store holds
(transcripts, speakers, coding layers, codebooks, ratings, quantitative data, models and the
audit trail; :meth:`mio_qual.project.Project.project_facts` gathers them) and returns the
sentences that are true of this project, or nothing when the step was not done. A methods section built from them
therefore never claims a second coder, a reconciliation meeting or a rating exercise that the
project does not hold. Counts, dates and names of layers are read, not assumed.

Functions return lists of paragraphs (plain strings; ``**bold**`` lead-ins are set in bold by
the report builder).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from ..store.summary import LayerFacts, ProjectFacts

#: Counts in running text follow APA style (7th ed., sections 6.32-6.34): words for zero to nine, numerals for 10
#: and above; numerals always for statistics, percentages, points of the rating scale, numbers with a unit, n = ...,
#: dates, settings the analyst chose (cut-offs, thresholds) and everything in tables, table notes and captions; a
#: sentence never opens with a numeral (it is spelled out or the sentence recast). :func:`number` writes counts.
_NUMBER_WORDS = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                 9: "nine"}
_SOURCE_KINDS = {".docx": "Word comments", ".xlsx": "a coding spreadsheet", ".csv": "a coding spreadsheet",
                 ".qdpx": "a REFI-QDA project", ".qdc": "a REFI-QDA codebook", ".yaml": "a coding file",
                 ".yml": "a coding file", ".json": "a coding file"}


def number(n: int, noun: str = "", plural: str | None = None) -> str:
    """``number(2, "coder")`` -> ``'two coders'``: a count in running text, words below 10, numerals with
    separators from 10 (APA style, see ``_NUMBER_WORDS``).

    Examples
    --------
    >>> number(1, "transcript"), number(16, "transcript"), number(2, "focus group"), number(0, "rating")
    ('one transcript', '16 transcripts', 'two focus groups', 'no ratings')
    >>> number(9), number(10), number(12_345, "word")
    ('nine', '10', '12,345 words')
    """
    text = _NUMBER_WORDS.get(n, f"{n:,}")
    if not noun:
        return text
    word = noun if n == 1 else (plural or _plural(noun))
    return f"{text} {word}"


def opening(n: int, noun: str = "", plural: str | None = None) -> str:
    """A count that opens a sentence: spelled out and capitalised below 10, else led by "In all," (APA: a
    sentence never opens with a numeral).

    Examples
    --------
    >>> opening(3, "staff participant"), opening(21, "counselor")
    ('Three staff participants', 'In all, 21 counselors')
    """
    text = number(n, noun, plural)
    return text[:1].upper() + text[1:] if n < 10 else f"In all, {text}"


def _counted(count: float, what: str) -> str:
    """``_counted(1, "transcript(s) blake did not see")`` -> ``'one transcript blake did not see'`` (a count as
    :func:`number` writes it; ``(s)`` settled by the count, and a leading plural made singular for one; a fraction
    stays a numeral).

    Examples
    --------
    >>> _counted(1, "units where a coder applied several codes"), _counted(2, "units where a coder applied it")
    ('one unit where a coder applied several codes', 'two units where a coder applied it')
    """
    from ..text import counted

    whole = float(count).is_integer()
    return counted(count, what, numeral=number(int(count)) if whole else None)


def _plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def join_words(items: Sequence[str], conjunction: str = "and") -> str:
    """``['a', 'b', 'c']`` -> ``'a, b and c'``."""
    items = [str(i) for i in items if str(i)]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def role_label(role: Any) -> str:
    """``'clinic_director'`` -> ``'clinic director'``; missing -> ``'role not recorded'``."""
    if not isinstance(role, str) or not role.strip():
        return "role not recorded"
    return role.replace("_", " ").strip()


def clinic_label(clinic: Any) -> str:
    """``'northside'`` -> ``'Northside'``; missing -> ``'Agency level'`` (staff not attached to a clinic)."""
    if not isinstance(clinic, str) or not clinic.strip():
        return "Agency level"
    return clinic.replace("_", " ").strip().title() if clinic.islower() else clinic.strip()


# ---------------------------------------------------------------------- data
def describe_data(facts: "ProjectFacts") -> list[str]:
    """Transcripts, participants, clinics and segmentation, as stored."""
    from ..transcripts.model import INTERVIEWER_ROLES

    n = facts.n_transcripts
    if not n:
        return ["No transcripts have been imported into this project yet."]
    kinds, words, clinics, agencies = facts.kinds, facts.words or 0, facts.clinics, facts.agencies
    no_clinic = facts.no_clinic
    dates = (facts.first_date, facts.last_date)
    parts = []
    described = []
    if kinds.get("interview"):
        described.append(number(kinds["interview"], "individual interview"))
    if kinds.get("focus_group"):
        described.append(number(kinds["focus_group"], "focus group"))
    other = n - kinds.get("interview", 0) - kinds.get("focus_group", 0)
    if other:
        described.append(number(other, "other transcript"))
    sentence = f"The analysis draws on {number(n, 'transcript')} ({join_words(described)}; {words:,} words)"
    if dates and dates[0]:
        sentence += f" recorded between {dates[0]} and {dates[1]}" if dates[0] != dates[1] else f" recorded on {dates[0]}"
    if clinics:
        sentence += f" in {number(len(clinics), 'clinic')}"
        if agencies:
            sentence += f" of {number(len(agencies), 'agency')}"
    sentence += "."
    if clinics and no_clinic:
        sentence += (f" {opening(no_clinic, 'transcript')} came from agency-level staff not attached to a"
                     " single clinic.")
    parts.append("**Data.** " + sentence)

    speakers = facts.speakers
    staff = {(sid, role) for sid, role in speakers if (role or "").lower() not in INTERVIEWER_ROLES}
    by_role = Counter(role_label(role) for _, role in staff)
    interviewers = {sid for sid, role in speakers if (role or "").lower() in INTERVIEWER_ROLES}
    if staff:
        roles = join_words([number(k, r) for r, k in sorted(by_role.items(), key=lambda x: (-x[1], x[0]))])
        text = (f"**Participants.** {opening(len({s for s, _ in staff}), 'staff participant')} spoke ({roles}), "
                "each identified in this report by a study id and role only.")
        if interviewers:
            text += f" {opening(len(interviewers), 'interviewer or facilitator', 'interviewers or facilitators')} led the sessions."
        parts.append(text)
    turns, sentences = facts.turns, facts.sentences
    styles, formats = facts.speaker_styles, facts.source_formats
    text = (f"**Preparation.** Transcripts were imported with mio-qual from {number(len(formats), 'file format')}"
            f" ({join_words(formats)}) and stored as canonical text (Unicode NFC, one line-end convention), so"
            " that every coding is an exact character span of an unchangeable text. Speaker turns were found"
            f" automatically ({number(len(styles), 'speaker convention')} recognized) and speakers matched to study"
            f" ids and roles through a roster; the text was divided into {turns:,} speaker turns and {sentences:,}"
            " sentences (rule-based sentence boundaries, spaCy).")
    parts.append(text)
    return parts


# ---------------------------------------------------------------------- codebook
def describe_codebook(facts: "ProjectFacts") -> list[str]:
    """Which codebook the codings were checked against and how much of it was used."""
    books = facts.codebooks
    applied = facts.applied_codes
    if not books:
        if applied:
            return [f"**Codebook.** Codings use {number(applied, 'distinct code')}; no codebook was recorded with them."]
        return []
    latest = books[-1]
    text = (f"**Codebook.** Coding used a codebook combining {join_words(latest['names'])} "
            f"({number(latest['n_codes'], 'code')}; version {latest['version'][:12]})")
    if "cfir2" in latest["names"]:
        text += ", built on the updated Consolidated Framework for Implementation Research (Damschroder et al., 2022)"
    text += "."
    if applied:
        text += f" The coders applied {number(applied, 'distinct code')}."
    if len(books) > 1:
        text += f" The codebook changed {number(len(books) - 1, 'time')} during coding; each coding records its version."
    return [text]


# ---------------------------------------------------------------------- coding
def source_kinds(layer: "LayerFacts") -> list[str]:
    """What kinds of file a layer's codings came from (``['Word comments', 'a coding spreadsheet']``)."""
    return sorted({_SOURCE_KINDS.get(Path(s).suffix.lower(), "files") for s in layer.sources})


def describe_coding(facts: "ProjectFacts") -> list[str]:
    """Human coding layers: who coded how much, from what kind of file."""
    n_transcripts = facts.n_transcripts
    human = [layer for layer in facts.layers if layer.origin == "human"]
    if not human:
        return ["**Coding.** No human coding has been imported into this project yet."]
    pieces = []
    for layer in human:
        kinds = source_kinds(layer)
        where = f" from {join_words(kinds)}" if kinds else ""
        pieces.append(f"{layer.coder} applied {number(layer.codings, 'coding')} with {number(layer.codes, 'code')}"
                      f" to {number(layer.transcripts, 'transcript')}{where}")
    who = number(len(human), "coder")
    text = f"**Coding.** {who.capitalize()} coded the transcripts: " + "; ".join(pieces) + "."
    double = facts.double_coded
    if len(human) >= 2:
        text += (" Every transcript was coded by at least two coders." if double == n_transcripts else
                 " No transcript was coded by more than one coder." if not double else
                 f" {opening(double)} of the {number(n_transcripts, 'transcript')}"
                 f" {'was' if double == 1 else 'were'} coded by at least two coders.")
    text += " Each coder's work is kept as a separate layer; no layer overwrites another."
    return [text]


_RECONCILE_SOURCE = re.compile(r"^reconcile_(?P<a>.+)_(?P<b>[^_]+)_(?P<unit>span|sentence|paragraph|turn)$")


def sheet_decisions(decisions: Sequence[Any]) -> dict[str, Any] | None:
    """The disagreements of every imported reconciliation sheet: how many were decided and how many not.

    The rule, the same as the consensus layer's: each sheet file counts as last imported (importing
    a sheet again replaces what it brought); every sheet's passages count, each passage once (a
    team may split a sheet, or fill a copy in a second meeting); a passage is decided when any
    sheet decided it (the latest import deciding it is the one whose codings the layer holds: see
    :meth:`mio_qual.project.Project.import_decisions`), and undecided when it was listed on some
    sheet and no sheet decided it. A passage is the coder pair's row: transcript, start and end.
    Imports recorded before passages were (counts only) are added as they are.

    Parameters
    ----------
    decisions : sequence of dict
        The audit details of the decision imports, oldest first (:attr:`ProjectFacts.decisions`).

    Returns
    -------
    dict or None
        With ``decided``, ``undecided``, ``sheets`` (the sheet files, in the order of their last
        import) and ``source_file`` (the last); None when no import recorded counts (none was
        made, or it was made before they were recorded).

    Examples
    --------
    >>> first = {"source_file": "a.xlsx", "decided": 1, "undecided": 1, "coders": ["ann", "bob"],
    ...          "passages": {"decided": [["T1", 0, 9]], "undecided": [["T1", 20, 30]]}}
    >>> second = {"source_file": "b.xlsx", "decided": 1, "undecided": 1, "coders": ["ann", "bob"],
    ...           "passages": {"decided": [["T1", 20, 30]], "undecided": [["T1", 0, 9]]}}
    >>> counted = sheet_decisions([first, second])
    >>> counted["decided"], counted["undecided"], counted["sheets"]
    (2, 0, ['a.xlsx', 'b.xlsx'])
    """
    latest: dict[str, dict[str, Any]] = {}
    for k, detail in enumerate(decisions):
        if isinstance(detail, dict) and all(isinstance(detail.get(n), int) for n in ("decided", "undecided")):
            name = str(detail.get("source_file") or f"sheet {k + 1}")
            latest.pop(name, None)  # the sheet's last import stands, in the order of last imports
            latest[name] = detail
    if not latest:
        return None
    decided: dict[tuple[Any, ...], bool] = {}
    counted = {"decided": 0, "undecided": 0}  # imports that recorded counts only
    for detail in latest.values():
        passages = detail.get("passages")
        if not isinstance(passages, dict):
            counted["decided"] += int(detail["decided"])
            counted["undecided"] += int(detail["undecided"])
            continue
        pair = tuple(sorted(map(str, detail.get("coders") or ())))
        for passage in passages.get("decided", []):
            decided[(pair, *passage)] = True
        for passage in passages.get("undecided", []):
            decided.setdefault((pair, *passage), False)
    n_decided = sum(decided.values())
    return {"decided": n_decided + counted["decided"],
            "undecided": len(decided) - n_decided + counted["undecided"],
            "sheets": list(latest), "source_file": list(latest)[-1]}


def undecided_sentence(sheet: dict[str, Any]) -> str:
    """How many of a reconciliation sheet's disagreements were decided and how many were not.

    The Methods and Aim 3 sections both say it in these words, so that an undecided row is never
    counted in one place and hidden in the other.

    Examples
    --------
    >>> undecided_sentence({"decided": 18, "undecided": 4, "source_file": "reconcile.xlsx"})[:78]
    'Of the 22 disagreements listed in reconcile.xlsx, 18 were decided and four wer'
    """
    decided, undecided = int(sheet["decided"]), int(sheet["undecided"])
    total = decided + undecided
    sheets = list(sheet.get("sheets") or [])
    where = f"listed in {sheet.get('source_file') or 'the reconciliation sheet'}"
    if len(sheets) > 1:
        where = (f"listed in the {number(len(sheets))} reconciliation sheets ({join_words(sheets)}; a passage on"
                 " several sheets counts once, decided if any sheet decided it, the latest decision standing)")
    if not undecided:
        return (f"The disagreement {where} was decided." if total == 1 else
                f"Each of the {number(total)} disagreements {where} was decided.")
    if not decided:
        return (f"None of the {number(total)} disagreements {where} had been decided: their codings are not part of"
                " the consensus layer, nor of the themes and displays that read it.")
    verb = {1: "was"}
    return (f"Of the {number(total)} disagreements {where}, {number(decided)} {verb.get(decided, 'were')} decided and"
            f" {number(undecided)} {verb.get(undecided, 'were')} left undecided: the codings of the undecided ones are"
            " not part of the consensus layer, nor of the themes and displays that read it.")


def describe_reconciliation(facts: "ProjectFacts") -> list[str]:
    """The consensus layer(s): what they were built from, read from the codings' source and the audit trail.

    A filled reconciliation sheet's undecided rows are counted (:func:`undecided_sentence`), never left
    out: defaults never hide an undecided reconciliation.
    """
    consensus = [layer for layer in facts.layers if layer.origin == "consensus"]
    if not consensus:
        return []
    sheet = sheet_decisions(facts.decisions)
    texts = []
    for layer in consensus:
        parts: list[tuple[int, str]] = []  # (codings, where they came from)
        decided = False
        for source, n in layer.by_source:
            match = _RECONCILE_SOURCE.match(source or "")
            if match:
                unit = match["unit"]
                how = ("passages to which both coders applied the same code, overlapping enough to count as the"
                       " same passage, each kept as the union of the two passages" if unit == "span" else
                       f"{unit}s to which both coders applied the same code")
                parts.append((n, f"came from comparing the layers of {match['a']} and {match['b']} ({how})"))
            elif source:
                decided = True
                parts.append((n, f"came from reconciliation decisions recorded in {source}"))
            else:
                parts.append((n, "were added without a recorded source"))
        said = [f"{number(n)} {what}" for n, what in parts]
        text = (f"**Reconciliation.** A consensus layer was built from the coders' layers ({layer.coder}:"
                f" {number(layer.codings, 'coding')} in {number(layer.transcripts, 'transcript')}). "
                + ("" if not parts else
                   f"{'It' if parts[0][0] == 1 else 'All of them'} {parts[0][1]}." if len(parts) == 1 else
                   "Of these codings, " + "; ".join(said[:-1]) + "; and " + said[-1] + "."))
        if sheet is not None:  # also when no decision added a coding (every decided row said "neither")
            text += " " + undecided_sentence(sheet)
        elif not decided:
            text += (" No reconciliation decisions have been imported: the layer holds only what both coders"
                     " agreed on, and the passages they disagreed on are in neither the layer nor these results.")
        text += " Themes and joint displays read this layer unless another is named."
        texts.append(text)
    return texts


def describe_autocoding(facts: "ProjectFacts") -> list[str]:
    """Rule-based and model suggestions: the layers, their unit, and the stored model's settings."""
    auto = [layer for layer in facts.layers if layer.origin in ("rules", "model")]
    models = facts.models
    if not auto and not models:
        return []
    texts = []
    for layer in auto:
        units = layer.units
        how = ("matching the codebook's keyword patterns (spaCy's blank English tokenizer with the lookup"
               " lemmatizer; no downloaded model)" if layer.origin == "rules"
               else "a text classifier trained on the project's coding")
        text = (f"**Automatic suggestions ({layer.origin}).** The layer {layer.coder} holds {layer.codings:,}"
                f" suggested codings in {number(layer.transcripts, 'transcript')}, made by {how}")
        if units:
            text += f", one suggestion per {join_words(units, 'or')}"
        text += ". Suggestions are stored in a layer of their own, apart from human coding."
        texts.append(text)
    for model in models:
        model_id, unit, trained_on, info = model["id"], model["unit"], model["trained_on"], model["meta"]
        params = info.get("params", {}) if isinstance(info, dict) else {}
        codes = info.get("codes", []) if isinstance(info, dict) else []
        text = f"The model {model_id} was trained on the {trained_on} layer per {unit}"
        if isinstance(info, dict) and info.get("n_units"):
            text += f" ({info['n_units']:,} units of staff speech in {number(int(info.get('n_transcripts', 0)), 'transcript')})"
        features = []
        if params.get("word_ngrams"):
            low, high = params["word_ngrams"]
            features.append(f"word {low}-{high}-grams")
        if params.get("char_ngrams"):
            low, high = params["char_ngrams"]
            features.append(f"character {low}-{high}-grams")
        if features:
            text += f": tf-idf {join_words(features)}"
        if "C" in params:
            text += f", one logistic regression per code (C = {params['C']:g}"
            text += ", balanced class weights)" if params.get("class_weight") == "balanced" else ")"
        if codes:
            text += f"; {number(len(codes), 'code')} had enough examples to be learned"
            if params.get("min_positives"):
                text += f" (at least {params['min_positives']} units each)"
        if params.get("threshold_folds"):
            text += (f", each with a threshold chosen by {params['threshold_folds']}-fold cross-validation grouped by"
                     " transcript")
        texts.append(text + ".")
    return texts


#: The order in which the methods text names the kinds of rated cases (others follow alphabetically).
_KIND_ORDER = ("clinic", "agency")


def rating_kinds(rows: Sequence[tuple[Any, ...]]) -> list[str]:
    """The kinds of rated cases in ``rows`` (rating tuples), clinics first, then agencies, then the rest.

    Examples
    --------
    >>> rating_kinds([("kim", "agency", "a", "IS.G", "+1", ""), ("kim", "clinic", "c", "IS.G", "0", "")])
    ['clinic', 'agency']
    """
    kinds = {r[1] for r in rows}
    return sorted(kinds, key=lambda k: (_KIND_ORDER.index(k) if k in _KIND_ORDER else len(_KIND_ORDER), str(k)))


def rating_raters(facts: "ProjectFacts") -> tuple[list[str], list[str]]:
    """The raters other than the consensus, and the kinds of case they rated (clinics first).

    The methods text reports the raters' agreement for each kind separately: clinic and agency
    ratings are different units and are not pooled.
    """
    own = [r for r in facts.ratings if r[0] != "consensus"]
    return sorted({r[0] for r in own}), rating_kinds(own or facts.ratings)


def _agreement_words(frame: Any) -> tuple[list[str], int]:
    """'exact agreement 67%', ... and how many cases x constructs both raters rated, from one kind's table."""
    values = {k: v for k, v in zip(frame["statistic"], frame["value"]) if v is not None and v == v}
    units = dict(zip(frame["statistic"], frame["n_units"]))
    bits = []
    if "percent_agreement" in values:
        bits.append(f"exact agreement {values['percent_agreement']:.0%}")
    if "krippendorff_alpha_ordinal" in values:
        bits.append(f"Krippendorff's ordinal alpha {values['krippendorff_alpha_ordinal']:.2f}")
    if "within_one_point" in values:
        bits.append(f"{values['within_one_point']:.0%} of ratings within one point")
    both = units.get("percent_agreement")
    return bits, int(both) if both == both and both is not None else 0


def describe_ratings(facts: "ProjectFacts") -> list[str]:
    """Construct ratings: raters, cases, constructs, scale, their agreement and the consensus.

    Each kind of case (clinic, agency) is described apart: how many constructs were rated for
    how many cases, the raters' agreement on that kind (``facts.rating_agreement``, which the
    caller computes with a ``kind`` column; a table without one is taken as the first kind's)
    and how many ratings differed. The scale is Damschroder & Lowery's: 0 covers neutral and
    balanced mixed influence; X is named only where ratings use it (an extension to the scale).
    """
    rows = facts.ratings
    if not rows:
        return []
    own = [r for r in rows if r[0] != "consensus"]
    consensus = [r for r in rows if r[0] == "consensus"]
    base = own or consensus
    raters = sorted({r[0] for r in own})
    kinds = rating_kinds(base)
    per_kind = []
    for kind in kinds:
        these = [r for r in base if r[1] == kind]
        per_kind.append(f"{number(len({r[3] for r in these}), 'CFIR construct')} for each of"
                        f" {number(len({r[2] for r in these}), kind)}")
    missing = sum(1 for r in base if r[4] is None)
    n_x = sum(1 for r in base if r[4] == "X")
    who = (f"{opening(len(raters), 'rater')} ({join_words(raters)}) each rated" if raters
           else "The consensus ratings rate")
    text = (f"**Construct ratings.** {who} {join_words(per_kind)} on the valence and strength scale of Damschroder"
            " and Lowery (2013): -2 and -1 for a strong or weak negative influence on implementation, 0 for a"
            " neutral one or for positive and negative influences in balance, +1 and +2 for a weak or strong positive"
            " one; a construct with too little evidence was left unrated")
    text += f" ({missing:,} of {len(base):,} ratings)." if missing else "."
    if n_x:
        text += (f" {opening(n_x, 'rating')} use X (mixed, not weighed), an extension to the published scale; X is"
                 " left out of means and ordinal statistics.")
    if len(raters) >= 2:
        agreement = facts.rating_agreement
        if agreement is not None and len(agreement):
            parts = []
            for kind in kinds:
                frame = (agreement[agreement["kind"] == kind] if "kind" in agreement.columns
                         else agreement if kind == kinds[0] else agreement.iloc[0:0])
                if not len(frame):
                    continue
                bits, both = _agreement_words(frame)
                if bits:
                    parts.append(f"on the {number(both, kind + ' rating')} both gave, " + ", ".join(bits))
            if parts:
                text += " Between the raters, " + "; ".join(parts) + "."
    if consensus and raters:
        given: dict[tuple[str, str, str], set] = {}
        for rater, kind_, case, construct, rating, _ in own:
            given.setdefault((kind_, case, construct), set()).add(rating)
        differing = {kind: sum(1 for key, values in given.items() if key[0] == kind and len(values) > 1)
                     for kind in kinds}
        total = sum(differing.values())
        split = (join_words([f"{number(n)} {kind}" for kind, n in differing.items()]) + "; "
                 if len(kinds) > 1 and total else "")
        sources = sorted({Path(r[5]).name for r in consensus if r[5] and r[5] != "-"})
        text += (f" The consensus ratings keep the raters' shared value and, for the {number(total)} ratings on which"
                 f" they differed ({split}one rating a construct the other left unrated counts as differing), the"
                 " value agreed in reconciliation" + (f" (recorded in {join_words(sources)})" if sources else "") + ".")
    return [text]


def describe_quant(facts: "ProjectFacts") -> list[str]:
    """Quantitative outcomes joined with the qualitative strand: datasets, levels and scored measures."""
    rows = facts.quant
    if not rows:
        return []
    try:
        from ..mixed.quant import measure as lookup
    except ImportError:  # pragma: no cover - the mixed package ships with the library
        lookup = None  # type: ignore[assignment]
    items: set[str] = set()
    for _, _, name, _ in rows:
        found = lookup(name) if lookup else None
        items.update(getattr(found, "items", ()) or ())
    datasets: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for dataset, level, name, n in rows:
        if name in items or re.fullmatch(r".+_\d+", name):
            continue  # item-level columns: the scored measure stands for them
        datasets.setdefault((dataset, level), []).append((name, n))
    pieces = []
    for (dataset, level), measures in datasets.items():
        described = []
        for name, n in measures:
            found = lookup(name) if lookup else None
            what = getattr(found, "description", "") or ""
            described.append(f"{name} ({what}; n = {n})" if what and len(what) < 60 else f"{name} (n = {n})")
        pieces.append(f"{dataset}, {level} level: {join_words(described)}")
    text = (f"**Quantitative data.** Implementation outcomes were imported from {number(len(datasets), 'dataset')}"
            f" and summarized per clinic: " + "; ".join(pieces) + ".")
    return [text]


#: Coefficients bootstrapped when a bootstrap is asked for (the others keep analytic intervals).
_BOOTSTRAPPED = ("cohen_kappa", "krippendorff_alpha", "fleiss_kappa", "gwet_ac1", "scott_pi", "brennan_prediger",
                 "conger_kappa")
#: Coefficients whose treatment of units rated by one coder follows the convention chosen.
_MULTIRATER = ("percent_agreement", "fleiss_kappa", "gwet_ac1", "brennan_prediger", "conger_kappa")


def agreement_intervals(stats: Sequence[str], *, n_boot: int = 0, seed: int = 0, confidence: float = 0.95,
                        boot_method: str = "units", labels: dict[str, str] | None = None) -> str:
    """The sentences saying how each interval of an agreement table was computed.

    Parameters
    ----------
    stats : sequence of str
        The coefficients reported (names of :data:`mio_qual.agreement.report.STATISTICS`).
    n_boot, seed, confidence, boot_method
        The options the table was computed with.
    labels : dict, optional
        How each coefficient is named in the text (default: its name).

    Examples
    --------
    >>> agreement_intervals(["percent_agreement", "krippendorff_alpha"])[:56]
    'Intervals (95%, analytic): percent agreement has the Wil'
    """
    from ..citations import short_citation

    def name(stat: str) -> str:
        return (labels or {}).get(stat, stat.replace("_", " "))

    def verb(items: Sequence[str]) -> str:
        return "has" if len(items) == 1 else "have"

    level = f"{confidence:.0%}"
    parts = []
    wilson = [s for s in stats if s in ("percent_agreement", "pabak")]
    if wilson:
        parts.append(f"{join_words([name(s) for s in wilson])} {verb(wilson)} the Wilson interval of the share of"
                     f" agreeing units ({short_citation('wilson1927')}; for PABAK, 2p - 1 of its ends)")
    boot = [s for s in stats if n_boot and s in _BOOTSTRAPPED]
    analytic = [s for s in stats if s not in wilson and s not in boot]
    if analytic:
        sources = {"cohen_kappa": "fleiss1969", "krippendorff_alpha": "gwet2014"}
        cited = sorted({short_citation(sources.get(s, "gwet2014")) for s in analytic}
                       | ({short_citation("gwet2008")} if set(analytic) - set(sources) else set()))
        quantiles = []
        if "cohen_kappa" in analytic:
            quantiles.append(f"the normal quantile for {name('cohen_kappa')}")
        if set(analytic) - {"cohen_kappa"}:
            quantiles.append("Student's t on n - 1 degrees of freedom (n the units) for the others, as Gwet's irrCAC"
                             " computes them")
        parts.append(f"{join_words([name(s) for s in analytic])} {verb(analytic)} Wald intervals from the"
                     f" standard error of each published estimator ({'; '.join(cited)})"
                     + (f", with {' and '.join(quantiles)}" if quantiles else ""))
    units_boot = [s for s in boot if not (s == "krippendorff_alpha" and boot_method == "krippendorff")]
    if units_boot:
        parts.append(f"{join_words([name(s) for s in units_boot])} {verb(units_boot)} bias-corrected and"
                     f" accelerated (BCa) intervals ({short_citation('efron1987')}) from {n_boot:,} bootstrap"
                     f" resamples of units (seed {seed})")
    if "krippendorff_alpha" in boot and boot_method == "krippendorff":
        parts.append(f"{name('krippendorff_alpha')} has the percentile interval of Krippendorff's bootstrap"
                     f" algorithm ({short_citation('hayes2007')}; {n_boot:,} replicates, seed {seed}), which is"
                     " too narrow when more than two coders rate each unit")
    # a sentence never opens with a numeral (APA): "Intervals (95%, analytic): ..."
    text = f"Intervals ({level}{'' if n_boot else ', analytic'}): " + "; ".join(parts) + "." if parts else ""
    if analytic:
        text += (" Where a standard error is degenerate (too few units, or a code one coder never used) no"
                 " interval is given rather than a point.")
    return text


def agreement_conventions(stats: Sequence[str], *, convention: str = "gwet", seen_rule: str = "",
                          set_aside: dict[str, float] | None = None) -> str:
    """The sentences saying which transcripts counted as seen and how units rated by one coder entered.

    Parameters
    ----------
    stats : sequence of str
        The coefficients reported.
    convention : {"gwet", "pairable"}
        The convention of the multi-rater coefficients for units rated by one coder.
    seen_rule : str
        The seen rule as the agreement table states it (its ``seen_rule``).
    set_aside : dict, optional
        What was left out before the analysis, by reason (the table's ``attrs["set_aside"]``).

    Examples
    --------
    >>> agreement_conventions(["gwet_ac1"], seen_rule="a coder saw what they coded in")
    'A coder counted as having seen a transcript by this rule: a coder saw what they coded in. ...'
    """
    text = ""
    if seen_rule:
        text += f"A coder counted as having seen a transcript by this rule: {seen_rule}."
        text += " The units of a transcript a coder did not see are missing for that coder, not \"not coded\"."
    if set_aside:
        text += " Left out before the analysis: " + "; ".join(_counted(count, reason)
                                                              for reason, count in set_aside.items()) + "."
    multi = [s for s in stats if s in _MULTIRATER]
    if multi:
        from ..citations import narrative_citation

        if convention == "pairable":
            text += (" Units rated by one coder only were left out of every term of percent agreement and the"
                     " multi-rater coefficients (a departure from Gwet's convention, chosen for this table).")
        else:
            text += (" Units rated by one coder only were left out of observed agreement and kept in chance"
                     f" agreement and the variances, following {narrative_citation('gwet2014')} as his irrCAC"
                     " package computes them; Krippendorff's alpha and the two-coder coefficients use only"
                     " units rated by two coders or more.")
    return text.strip()


def methods_paragraphs(facts: "ProjectFacts", *, extra: Iterable[str] = ()) -> list[str]:
    """Every method paragraph that is true of a project, in the order the work was done.

    Parameters
    ----------
    facts : ProjectFacts
        What the project's store holds (:meth:`mio_qual.project.Project.project_facts`).
    extra : iterable of str
        Paragraphs computed by the caller (for example the agreement method, which depends on
        the coders and unit a report was asked for); placed after the coding paragraphs.
    """
    parts = describe_data(facts) + describe_codebook(facts) + describe_coding(facts)
    parts += list(extra)
    parts += describe_reconciliation(facts) + describe_autocoding(facts)
    parts += describe_ratings(facts) + describe_quant(facts)
    return parts


__all__ = ["methods_paragraphs", "agreement_intervals", "agreement_conventions", "describe_data", "describe_codebook", "describe_coding", "describe_reconciliation", "sheet_decisions", "undecided_sentence", "opening",
           "describe_autocoding", "describe_ratings", "describe_quant", "rating_raters", "rating_kinds", "source_kinds", "number",
           "join_words", "role_label", "clinic_label"]
