"""Method paragraphs written from what the project records, never from a template of intentions.

Each function reads the store (transcripts, speakers, coding layers, imports, codebooks,
ratings, quantitative data, models and the audit trail) and returns the sentences that are
true of this project, or nothing when the step was not done. A methods section built from them
therefore never claims a second coder, a reconciliation meeting or a rating exercise that the
project does not hold. Counts, dates and names of layers are read, not assumed.

Functions return lists of paragraphs (plain strings; ``**bold**`` lead-ins are set in bold by
the report builder).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

_NUMBER_WORDS = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                 9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
_SOURCE_KINDS = {".docx": "Word comments", ".xlsx": "a coding spreadsheet", ".csv": "a coding spreadsheet",
                 ".qdpx": "a REFI-QDA project", ".qdc": "a REFI-QDA codebook", ".yaml": "a coding file",
                 ".yml": "a coding file", ".json": "a coding file"}


def number(n: int, noun: str = "", plural: str | None = None) -> str:
    """``number(2, "coder")`` -> ``'two coders'``; numbers above twelve in digits with separators.

    Examples
    --------
    >>> number(1, "transcript"), number(16, "transcript"), number(2, "focus group"), number(0, "rating")
    ('one transcript', '16 transcripts', 'two focus groups', 'no ratings')
    """
    text = _NUMBER_WORDS.get(n, f"{n:,}")
    if not noun:
        return text
    word = noun if n == 1 else (plural or _plural(noun))
    return f"{text} {word}"


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


def _audit(project: "Project", *needles: str) -> list[dict[str, Any]]:
    """Audit entries whose action contains any of ``needles``, oldest first, detail parsed."""
    rows = project.store.connection.execute(
        "SELECT at, action, target, detail, codebook_version FROM audit ORDER BY id").fetchall()
    out = []
    for at, action, target, detail, version in rows:
        if any(n in (action or "").lower() for n in needles):
            try:
                parsed = json.loads(detail or "{}")
            except ValueError:
                parsed = {}
            out.append({"at": at, "action": action, "target": target, "detail": parsed, "codebook_version": version})
    return out


# ---------------------------------------------------------------------- data
def describe_data(project: "Project") -> list[str]:
    """Transcripts, participants, clinics and segmentation, as stored."""
    from ..transcripts.model import INTERVIEWER_ROLES

    c = project.store.connection
    n = c.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0]
    if not n:
        return ["No transcripts have been imported into this project yet."]
    kinds = dict(c.execute("SELECT COALESCE(kind, ''), COUNT(*) FROM transcripts GROUP BY 1"))
    words = c.execute("SELECT SUM(n_words) FROM transcripts").fetchone()[0] or 0
    clinics = [r[0] for r in c.execute(
        "SELECT DISTINCT clinic FROM transcripts WHERE clinic IS NOT NULL AND clinic != '' ORDER BY clinic")]
    agencies = [r[0] for r in c.execute(
        "SELECT DISTINCT agency FROM transcripts WHERE agency IS NOT NULL AND agency != '' ORDER BY agency")]
    no_clinic = c.execute("SELECT COUNT(*) FROM transcripts WHERE clinic IS NULL OR clinic = ''").fetchone()[0]
    dates = c.execute("SELECT MIN(date), MAX(date) FROM transcripts WHERE date IS NOT NULL AND date != ''").fetchone()
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
        sentence += (f" {number(no_clinic, 'transcript').capitalize()} came from agency-level staff not attached to a"
                     " single clinic.")
    parts.append("**Data.** " + sentence)

    speakers = c.execute("SELECT DISTINCT study_id, role FROM speakers WHERE study_id IS NOT NULL").fetchall()
    staff = {(sid, role) for sid, role in speakers if (role or "").lower() not in INTERVIEWER_ROLES}
    by_role = Counter(role_label(role) for _, role in staff)
    interviewers = {sid for sid, role in speakers if (role or "").lower() in INTERVIEWER_ROLES}
    if staff:
        roles = join_words([number(k, r) for r, k in sorted(by_role.items(), key=lambda x: (-x[1], x[0]))])
        text = (f"**Participants.** {number(len({s for s, _ in staff}), 'staff participant')} spoke ({roles}), "
                "each identified in this report by a study id and role only.")
        if interviewers:
            text += f" {number(len(interviewers), 'interviewer or facilitator', 'interviewers or facilitators').capitalize()} led the sessions."
        parts.append(text)
    turns = c.execute("SELECT COUNT(*) FROM segments WHERE kind = 'turn'").fetchone()[0]
    sentences = c.execute("SELECT COUNT(*) FROM segments WHERE kind = 'sentence'").fetchone()[0]
    styles = [r[0] for r in c.execute("SELECT DISTINCT speaker_style FROM transcripts WHERE speaker_style IS NOT NULL"
                                      " AND speaker_style != '' ORDER BY 1")]
    formats = [r[0] for r in c.execute("SELECT DISTINCT source_format FROM transcripts WHERE source_format IS NOT NULL"
                                       " AND source_format != '' ORDER BY 1")]
    text = (f"**Preparation.** Transcripts were imported with mio-qual from {number(len(formats), 'file format')}"
            f" ({join_words(formats)}) and stored as canonical text (Unicode NFC, one line-end convention), so"
            " that every coding is an exact character span of an unchangeable text. Speaker turns were found"
            f" automatically ({number(len(styles), 'speaker convention')} recognized) and speakers matched to study"
            f" ids and roles through a roster; the text was divided into {turns:,} speaker turns and {sentences:,}"
            " sentences (rule-based sentence boundaries, spaCy).")
    parts.append(text)
    return parts


# ---------------------------------------------------------------------- codebook
def codebooks_used(project: "Project") -> list[dict[str, Any]]:
    """The codebooks registered in the project: version, names, number of codes, when added."""
    rows = project.store.connection.execute(
        "SELECT version, names, content, added_at FROM codebooks ORDER BY added_at, rowid").fetchall()
    out = []
    for version, names, content, added in rows:
        try:
            n_codes = len(json.loads(content))
        except ValueError:
            n_codes = 0
        out.append({"version": version, "names": [n for n in (names or "").split(",") if n], "n_codes": n_codes,
                    "added_at": added})
    return out


def describe_codebook(project: "Project") -> list[str]:
    """Which codebook the codings were checked against and how much of it was used."""
    c = project.store.connection
    books = codebooks_used(project)
    applied = c.execute("SELECT COUNT(DISTINCT code) FROM codings WHERE origin IN ('human', 'consensus')").fetchone()[0]
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
def layers(project: "Project") -> list[dict[str, Any]]:
    """Every coding layer: coder, origin, codings, transcripts, codes, source files and their kinds."""
    c = project.store.connection
    rows = c.execute(
        "SELECT coder, origin, COUNT(*), COUNT(DISTINCT transcript_id), COUNT(DISTINCT code),"
        " COUNT(DISTINCT source_file), MIN(created), MAX(created) FROM codings GROUP BY coder, origin"
        " ORDER BY CASE origin WHEN 'human' THEN 0 WHEN 'consensus' THEN 1 WHEN 'rules' THEN 2 ELSE 3 END, MIN(id)"
    ).fetchall()
    out = []
    for coder, origin, n, n_t, n_c, n_files, first, last in rows:
        sources = [r[0] for r in c.execute(
            "SELECT DISTINCT source_file FROM codings WHERE coder = ? AND origin = ? AND source_file IS NOT NULL",
            (coder, origin))]
        kinds = sorted({_SOURCE_KINDS.get(Path(s).suffix.lower(), "files") for s in sources})
        out.append({"coder": coder, "origin": origin, "codings": n, "transcripts": n_t, "codes": n_c,
                    "files": n_files, "source_kinds": kinds, "first": first, "last": last})
    return out


def describe_coding(project: "Project") -> list[str]:
    """Human coding layers: who coded how much, from what kind of file."""
    n_transcripts = project.store.connection.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0]
    human = [layer for layer in layers(project) if layer["origin"] == "human"]
    if not human:
        return ["**Coding.** No human coding has been imported into this project yet."]
    pieces = []
    for layer in human:
        where = f" from {join_words(layer['source_kinds'])}" if layer["source_kinds"] else ""
        pieces.append(f"{layer['coder']} applied {layer['codings']:,} codings with {number(layer['codes'], 'code')}"
                      f" to {number(layer['transcripts'], 'transcript')}{where}")
    who = number(len(human), "coder")
    text = f"**Coding.** {who.capitalize()} coded the transcripts: " + "; ".join(pieces) + "."
    double = _double_coded(project, [layer["coder"] for layer in human])
    if len(human) >= 2:
        text += (f" {number(double, 'transcript').capitalize()} of {n_transcripts} were coded by at least two"
                 " coders." if double != n_transcripts else " Every transcript was coded by at least two coders.")
    text += " Each coder's work is kept as a separate layer; no layer overwrites another."
    return [text]


def _double_coded(project: "Project", coders: Sequence[str]) -> int:
    if len(coders) < 2:
        return 0
    marks = ",".join("?" * len(coders))
    return project.store.connection.execute(
        f"SELECT COUNT(*) FROM (SELECT transcript_id FROM codings WHERE coder IN ({marks}) AND origin = 'human'"
        " GROUP BY transcript_id HAVING COUNT(DISTINCT coder) >= 2)", list(coders)).fetchone()[0]


_RECONCILE_SOURCE = re.compile(r"^reconcile_(?P<a>.+)_(?P<b>[^_]+)_(?P<unit>span|sentence|paragraph|turn)$")


def describe_reconciliation(project: "Project") -> list[str]:
    """The consensus layer(s): what they were built from, read from the codings' source and the audit trail."""
    consensus = [layer for layer in layers(project) if layer["origin"] == "consensus"]
    if not consensus:
        return []
    c = project.store.connection
    texts = []
    for layer in consensus:
        parts = []
        by_source = c.execute("SELECT source_file, COUNT(*) FROM codings WHERE coder = ? AND origin = 'consensus'"
                              " GROUP BY source_file ORDER BY MIN(id)", (layer["coder"],)).fetchall()
        for source, n in by_source:
            match = _RECONCILE_SOURCE.match(source or "")
            if match:
                unit = match["unit"]
                how = ("passages to which both coders applied the same code, overlapping enough to count as the"
                       " same passage, each kept as the union of the two passages" if unit == "span" else
                       f"{unit}s to which both coders applied the same code")
                parts.append(f"{n:,} codings came from comparing the layers of {match['a']} and {match['b']}: {how}")
            elif source:
                parts.append(f"{n:,} codings came from reconciliation decisions recorded in {source}")
            else:
                parts.append(f"{n:,} codings were added without a recorded source")
        text = (f"**Reconciliation.** The coders' layers were reconciled into a consensus layer ({layer['coder']}:"
                f" {layer['codings']:,} codings in {number(layer['transcripts'], 'transcript')}). "
                + "; ".join(p[0].upper() + p[1:] for p in parts) + ".")
        decisions = _audit(project, "decision")
        undecided = [e["detail"].get("undecided") for e in decisions if isinstance(e["detail"], dict)]
        if undecided and isinstance(undecided[-1], int) and undecided[-1]:
            text += f" {number(undecided[-1], 'disagreement').capitalize()} had not been decided when this was written."
        text += " Themes and joint displays read this layer unless another is named."
        texts.append(text)
    return texts


def describe_autocoding(project: "Project") -> list[str]:
    """Rule-based and model suggestions: the layers, their unit, and the stored model's settings."""
    auto = [layer for layer in layers(project) if layer["origin"] in ("rules", "model")]
    models = project.store.connection.execute(
        "SELECT id, unit, trained_on, meta FROM models ORDER BY created").fetchall()
    if not auto and not models:
        return []
    c = project.store.connection
    texts = []
    for layer in auto:
        units = [r[0] for r in c.execute(
            "SELECT DISTINCT unit FROM codings WHERE coder = ? AND origin = ? AND unit IS NOT NULL",
            (layer["coder"], layer["origin"]))]
        how = ("matching the codebook's keyword patterns (spaCy's blank English tokenizer with the lookup"
               " lemmatizer; no downloaded model)" if layer["origin"] == "rules"
               else "a text classifier trained on the project's coding")
        text = (f"**Automatic suggestions ({layer['origin']}).** The layer {layer['coder']} holds {layer['codings']:,}"
                f" suggested codings in {number(layer['transcripts'], 'transcript')}, made by {how}")
        if units:
            text += f", one suggestion per {join_words(units, 'or')}"
        text += ". Suggestions are stored in a layer of their own, apart from human coding."
        texts.append(text)
    for model_id, unit, trained_on, meta in models:
        try:
            info = json.loads(meta or "{}")
        except ValueError:
            info = {}
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


def describe_ratings(project: "Project") -> list[str]:
    """Construct ratings: raters, cases, constructs, scale, their agreement and the consensus."""
    c = project.store.connection
    rows = c.execute("SELECT rater, case_kind, case_id, construct, rating, source_file FROM ratings").fetchall()
    if not rows:
        return []
    own = [r for r in rows if r[0] != "consensus"]
    consensus = [r for r in rows if r[0] == "consensus"]
    base = own or consensus
    raters = sorted({r[0] for r in own})
    kinds = sorted({r[1] for r in base})
    cases = sorted({r[2] for r in base})
    constructs = {r[3] for r in base}
    missing = sum(1 for r in base if r[4] is None)
    kind = kinds[0] if len(kinds) == 1 else join_words(kinds)
    who = (f"{number(len(raters), 'rater').capitalize()} ({join_words(raters)}) each rated" if raters
           else "The consensus ratings rate")
    text = (f"**Construct ratings.** {who} {number(len(constructs), 'CFIR construct')} for each of"
            f" {number(len(cases), kind)} on the valence and strength scale of Damschroder and Lowery (2013): -2 and"
            " -1 for a strong or weak negative influence on implementation, 0 for a neutral one, +1 and +2 for a weak"
            " or strong positive one, and X for mixed influences; a construct with too little evidence was left"
            " unrated")
    text += f" ({missing:,} of {len(base):,} ratings)." if missing else "."
    if len(raters) >= 2:
        try:
            from ..mixed.ratings import rating_agreement

            agreement = rating_agreement(project, raters, by=kinds[0])
        except Exception:  # noqa: BLE001 - the paragraph stays true without the numbers
            agreement = None
        if agreement is not None and len(agreement):
            values = dict(zip(agreement["statistic"], agreement["value"]))
            bits = []
            if values.get("percent_agreement") == values.get("percent_agreement"):
                bits.append(f"exact agreement {values['percent_agreement']:.0%}")
            if values.get("krippendorff_alpha_ordinal") == values.get("krippendorff_alpha_ordinal"):
                bits.append(f"Krippendorff's ordinal alpha {values['krippendorff_alpha_ordinal']:.2f}")
            if values.get("within_one_point") == values.get("within_one_point"):
                bits.append(f"{values['within_one_point']:.0%} of ratings within one point")
            if bits:
                text += " Between the raters: " + ", ".join(bits) + "."
    if consensus and raters:
        given: dict[tuple[str, str, str], set] = {}
        for rater, kind_, case, construct, rating, _ in own:
            given.setdefault((kind_, case, construct), set()).add(rating)
        differing = sum(1 for values in given.values() if len(values) > 1)
        sources = sorted({Path(r[5]).name for r in consensus if r[5] and r[5] != "-"})
        text += (f" The consensus ratings keep the raters' shared value and, for the {differing:,} ratings on which"
                 " they differed, the value agreed in reconciliation"
                 + (f" (recorded in {join_words(sources)})" if sources else "") + ".")
    return [text]


def describe_quant(project: "Project") -> list[str]:
    """Quantitative outcomes joined with the qualitative strand: datasets, levels and scored measures."""
    import re

    c = project.store.connection
    rows = c.execute("SELECT dataset, level, measure, COUNT(value) FROM quant GROUP BY dataset, level, measure"
                     " ORDER BY dataset, measure").fetchall()
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


def methods_paragraphs(project: "Project", *, extra: Iterable[str] = ()) -> list[str]:
    """Every method paragraph that is true of ``project``, in the order the work was done.

    Parameters
    ----------
    project : Project
    extra : iterable of str
        Paragraphs computed by the caller (for example the agreement method, which depends on
        the coders and unit a report was asked for); placed after the coding paragraphs.
    """
    parts = describe_data(project) + describe_codebook(project) + describe_coding(project)
    parts += list(extra)
    parts += describe_reconciliation(project) + describe_autocoding(project)
    parts += describe_ratings(project) + describe_quant(project)
    return parts


__all__ = ["methods_paragraphs", "describe_data", "describe_codebook", "describe_coding", "describe_reconciliation",
           "describe_autocoding", "describe_ratings", "describe_quant", "layers", "codebooks_used", "number",
           "join_words", "role_label", "clinic_label"]
