"""Project-wide counts and facts: the overview (``status``) and what the methods text describes.

Every function takes the :class:`~mio_qual.store.db.Store` first and only reads. The methods
paragraphs of the reports (:mod:`mio_qual.reports.methods`) are written from one
:class:`ProjectFacts`, gathered here in one pass, so that the text claims exactly what the store
holds.

The SQL is standard (``COUNT(DISTINCT ...)``, ``CASE``, ``COALESCE``), so a second backend can
run it as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .db import Store



@dataclass
class LayerFacts:
    """One coding layer (coder and origin) as the store holds it.

    Attributes
    ----------
    coder, origin : str
    codings, transcripts, codes, files : int
        Codings, distinct transcripts, distinct codes and distinct source files.
    sources : list of str
        The distinct source files the layer's codings came from.
    units : list of str
        The distinct units recorded with the codings (automatic layers record one).
    by_source : list of (str or None, int)
        Codings per source file, in the order the files were first imported.
    first, last : str
        Times of the first and last coding.
    """

    coder: str
    origin: str
    codings: int
    transcripts: int
    codes: int
    files: int
    first: str | None
    last: str | None
    sources: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    by_source: list[tuple[str | None, int]] = field(default_factory=list)


@dataclass
class ProjectFacts:
    """What the methods text says about a project: each attribute is read from the store.

    Attributes
    ----------
    n_transcripts : int
    kinds : dict of str to int
        Transcripts per kind (``interview``, ``focus_group``; ``""`` when not recorded).
    words : int
    clinics, agencies : list of str
        Distinct clinics and agencies, sorted.
    no_clinic : int
        Transcripts with no clinic (agency-level staff).
    first_date, last_date : str or None
    speakers : list of (str, str or None)
        Distinct (study id, role) of speakers with a study id.
    turns, sentences : int
    speaker_styles, source_formats : list of str
    codebooks : list of dict
        Registered codebooks, oldest first: ``version``, ``names``, ``n_codes``, ``added_at``.
    applied_codes : int
        Distinct codes in human and consensus layers.
    layers : list of LayerFacts
    double_coded : int
        Transcripts coded by at least two human coders.
    decisions : list of dict
        Details of the audit entries recording reconciliation decisions, oldest first.
    models : list of dict
        Stored models, oldest first: ``id``, ``unit``, ``trained_on``, ``meta`` (parsed).
    ratings : list of tuple
        Every rating: (rater, case_kind, case_id, construct, rating, source_file).
    quant : list of tuple
        Values per (dataset, level, measure): (dataset, level, measure, n values).
    rating_agreement : DataFrame, optional
        Filled by the caller: agreement between the raters (an analysis, not a fact of the store).
    """

    n_transcripts: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    words: int = 0
    clinics: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    no_clinic: int = 0
    first_date: str | None = None
    last_date: str | None = None
    speakers: list[tuple[str, str | None]] = field(default_factory=list)
    turns: int = 0
    sentences: int = 0
    speaker_styles: list[str] = field(default_factory=list)
    source_formats: list[str] = field(default_factory=list)
    codebooks: list[dict[str, Any]] = field(default_factory=list)
    applied_codes: int = 0
    layers: list[LayerFacts] = field(default_factory=list)
    double_coded: int = 0
    decisions: list[dict[str, Any]] = field(default_factory=list)
    models: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[tuple[Any, ...]] = field(default_factory=list)
    quant: list[tuple[str, str, str, int]] = field(default_factory=list)
    rating_agreement: Any = None


def _one(store: "Store", sql: str, params: tuple[Any, ...] = ()) -> Any:
    return store.connection.execute(sql, params).fetchone()[0]


def _column(store: "Store", sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    return [row[0] for row in store.connection.execute(sql, params)]


#: Segments of one kind, found through the segments' key (transcript_id, kind, n) one transcript at a time: a
#: count walks only that kind's rows, not every segment (a scan reads the 205,000 of 800 transcripts per kind).
_SEGMENTS_OF_KIND = "SELECT COUNT(*) FROM segments WHERE transcript_id IN (SELECT id FROM transcripts) AND kind = ?"


def segment_count(store: "Store", kind: str) -> int:
    """Stored segments of ``kind`` (``turn``, ``paragraph``, ``sentence``)."""
    return _one(store, _SEGMENTS_OF_KIND, (kind,))


def counts(store: "Store", coded: "CodingFacts | None" = None) -> dict[str, int]:
    """Counts for a one-screen overview: transcripts by kind, clinics, words, segments, speakers, codings, coders.

    ``coded``: the layers' facts when the caller has them (:func:`coding_facts`): the codings and coders are
    counted from them instead of the codings again.
    """
    return {
        "transcripts": _one(store, "SELECT COUNT(*) FROM transcripts"),
        "interviews": _one(store, "SELECT COUNT(*) FROM transcripts WHERE kind = 'interview'"),
        "focus_groups": _one(store, "SELECT COUNT(*) FROM transcripts WHERE kind = 'focus_group'"),
        "clinics": _one(store, "SELECT COUNT(DISTINCT clinic) FROM transcripts WHERE clinic IS NOT NULL"),
        "words": _one(store, "SELECT COALESCE(SUM(n_words), 0) FROM transcripts"),
        "turns": segment_count(store, "turn"),
        "sentences": segment_count(store, "sentence"),
        "speakers": _one(store, "SELECT COUNT(*) FROM speakers"),
        "codings": coded.codings if coded is not None else _one(store, "SELECT COUNT(*) FROM codings"),
        "coders": coded.coders if coded is not None else _one(store, "SELECT COUNT(DISTINCT coder) FROM codings"),
        "ratings": _one(store, "SELECT COUNT(*) FROM ratings"),
        "quant": _one(store, "SELECT COUNT(*) FROM quant"),
        "models": _one(store, "SELECT COUNT(*) FROM models"),
    }


def origin_counts(store: "Store") -> dict[str, int]:
    """Codings per layer origin (``human``, ``consensus``, ``rules``, ``model``)."""
    return dict(store.connection.execute("SELECT origin, COUNT(*) FROM codings GROUP BY origin").fetchall())


def human_coders(store: "Store") -> list[str]:
    """The human coding layers, in the order they were first imported."""
    return _column(store, "SELECT coder FROM codings WHERE origin = 'human' GROUP BY coder ORDER BY MIN(id)")


def code_use(store: "Store") -> dict[str, int]:
    """Codings per code in the human and consensus layers."""
    return dict(store.connection.execute(
        "SELECT code, COUNT(*) FROM codings WHERE origin IN ('human', 'consensus') GROUP BY code").fetchall())


def clinics(store: "Store") -> list[str]:
    """Distinct clinics of the transcripts, sorted (empty values left out)."""
    return _column(store, "SELECT DISTINCT clinic FROM transcripts WHERE clinic IS NOT NULL AND clinic != ''"
                          " ORDER BY clinic")


def transcript_clinics(store: "Store") -> dict[str, str | None]:
    """Each transcript's clinic (None when not recorded)."""
    return dict(store.connection.execute("SELECT id, clinic FROM transcripts").fetchall())


def speaker_labels(store: "Store") -> list[str]:
    """Distinct speaker labels as they appear in the transcripts."""
    return [label for label in _column(store, "SELECT DISTINCT label FROM speakers") if label]


def ratings_count(store: "Store", case_kind: str | None = None) -> int:
    """Stored construct ratings (of one case kind when given)."""
    if case_kind is None:
        return _one(store, "SELECT COUNT(*) FROM ratings")
    return _one(store, "SELECT COUNT(*) FROM ratings WHERE case_kind = ?", (case_kind,))


def latest_codebook(store: "Store") -> tuple[str, list[str], list[dict[str, Any]]] | None:
    """The project's codebook (``mio-qual codebook use``), else the codebook registered last: its
    version, the names it combines and its codes (records)."""
    row = store.connection.execute(
        "SELECT b.version, b.names, b.content FROM codebook_choices c JOIN codebooks b ON b.version = c.version"
        " ORDER BY c.n DESC LIMIT 1").fetchone()
    if row is None:
        row = store.connection.execute(
            "SELECT version, names, content FROM codebooks ORDER BY added_at DESC, rowid DESC LIMIT 1").fetchone()
    if row is None:
        return None
    version, names, content = row
    return version, [n for n in (names or "").split(",") if n], json.loads(content)


def _parsed(text: str | None) -> Any:
    try:
        return json.loads(text or "{}")
    except ValueError:
        return {}


@dataclass
class CodingFacts:
    """What the coding layers hold, gathered in two passes over the codings (a report asks for all of it).

    Attributes
    ----------
    layers : list of LayerFacts
        Human layers first, then consensus, rules and model; in each origin the order the layers were
        first imported.
    origins : dict of str to int
        Codings per origin.
    code_use : dict of str to int
        Codings per code in the human and consensus layers.
    double_coded : int
        Transcripts coded by at least two human coders.
    coders : int
        Distinct coders.
    """

    layers: list[LayerFacts] = field(default_factory=list)
    origins: dict[str, int] = field(default_factory=dict)
    code_use: dict[str, int] = field(default_factory=dict)
    double_coded: int = 0
    coders: int = 0

    @property
    def human_coders(self) -> list[str]:
        """The human layers in the order they were first imported (as :func:`human_coders`)."""
        return [layer.coder for layer in self.layers if layer.origin == "human"]

    @property
    def codings(self) -> int:
        """Every coding."""
        return sum(self.origins.values())

    def layer_table(self) -> "pd.DataFrame":
        """One row per (coder, origin) as :func:`mio_qual.store.codings.layer_summary` gives it."""
        import pandas as pd

        rows = sorted((layer.coder, layer.origin, layer.codings, layer.transcripts, layer.codes)
                      for layer in self.layers)
        return pd.DataFrame.from_records(rows, columns=["coder", "origin", "codings", "transcripts", "codes"])


#: Order in which coding layers are described: human coding first, then consensus, rules, model.
_ORIGIN_RANK = {"human": 0, "consensus": 1, "rules": 2}


def coding_facts(store: "Store") -> CodingFacts:
    """The layers, their sources and units, the codes applied and the transcripts coded twice: one pass over the
    codings by source, then one over each layer's codings.

    One grouping by layer, source file and unit gives each layer's size, sources, units, first and last
    coding and its import order; then, layer by layer, one by transcript and code gives what the layer
    covers, the codes applied and the transcripts two human coders coded. (Separate ``COUNT(DISTINCT
    ...)`` queries read the 200,000 codings of a large study once each; one grouping of every layer by
    coder, origin, transcript and code hands Python each group's coder and origin again: 50,000 rows of
    five values at 800 transcripts.) Each grouping walks an index holding its columns in a usable order
    (``codings_by_source``, and ``codings_by_layer`` from the layer's place on; schema version 8), so
    none reads the table or sorts the codings.
    """
    c = store.connection
    layers: dict[tuple[str, str], LayerFacts] = {}
    first_id: dict[tuple[str, str], int] = {}
    sources: dict[tuple[str, str], dict[str | None, list[int]]] = {}
    for coder, origin, source, unit, n, low, first, last in c.execute(
            "SELECT coder, origin, source_file, unit, COUNT(*), MIN(id), MIN(created), MAX(created) FROM codings"
            " GROUP BY coder, origin, source_file, unit"):
        key = (coder, origin)
        layer = layers.get(key)
        if layer is None:
            layer = layers[key] = LayerFacts(coder, origin, 0, 0, 0, 0, first, last)
            first_id[key] = low
        layer.codings += n
        first_id[key] = min(first_id[key], low)
        layer.first, layer.last = min(layer.first, first), max(layer.last, last)  # created is never NULL
        if unit is not None and unit not in layer.units:
            layer.units.append(unit)
        counted = sources.setdefault(key, {}).setdefault(source, [0, low])
        counted[0] += n
        counted[1] = min(counted[1], low)
    for key, layer in layers.items():
        layer.units.sort()
        for source, (n, _) in sorted(sources[key].items(), key=lambda item: item[1][1]):  # first imported first
            layer.by_source.append((source, n))
            if source is not None:
                layer.sources.append(source)
        layer.files = len(layer.sources)
    facts = CodingFacts(layers=sorted(layers.values(), key=lambda layer: (
        _ORIGIN_RANK.get(layer.origin, 3), first_id[(layer.coder, layer.origin)])))
    human: dict[str, int] = {}  # transcript -> human layers coding it
    for (coder, origin), layer in sorted(layers.items()):  # one layer at a time: its rows carry no coder or origin
        rows = c.execute("SELECT transcript_id, code, COUNT(*) FROM codings WHERE coder = ? AND origin = ?"
                         " GROUP BY transcript_id, code", (coder, origin)).fetchall()
        transcripts = {tid for tid, _, _ in rows}
        codes: dict[str, int] = {}
        for _, code, n in rows:
            codes[code] = codes.get(code, 0) + n
        layer.transcripts, layer.codes = len(transcripts), len(codes)
        facts.origins[origin] = facts.origins.get(origin, 0) + sum(codes.values())
        if origin in ("human", "consensus"):
            for code, n in codes.items():
                facts.code_use[code] = facts.code_use.get(code, 0) + n
        if origin == "human":
            for tid in transcripts:
                human[tid] = human.get(tid, 0) + 1
    facts.double_coded = sum(n >= 2 for n in human.values())
    facts.coders = len({coder for coder, _ in layers})
    return facts


def project_facts(store: "Store", coded: CodingFacts | None = None,
                  counted: dict[str, int] | None = None) -> ProjectFacts:
    """Everything :mod:`mio_qual.reports.methods` describes, read in one pass.

    Parameters
    ----------
    store : Store
    coded : CodingFacts, optional
        The layers' facts when the caller has them already (:func:`coding_facts`).
    counted : dict, optional
        The project's :func:`counts` when the caller has them already: transcripts, words, turns and
        sentences are taken from them.

    Returns
    -------
    ProjectFacts
        With ``rating_agreement`` left empty (the caller computes it when there are raters).
    """
    c = store.connection
    facts = ProjectFacts()
    facts.n_transcripts = (counted["transcripts"] if counted is not None
                           else _one(store, "SELECT COUNT(*) FROM transcripts"))
    facts.kinds = dict(c.execute("SELECT COALESCE(kind, ''), COUNT(*) FROM transcripts GROUP BY COALESCE(kind, '')"))
    facts.words = counted["words"] if counted is not None else _one(store, "SELECT COALESCE(SUM(n_words), 0) FROM transcripts")
    facts.clinics = clinics(store)
    facts.agencies = _column(store, "SELECT DISTINCT agency FROM transcripts WHERE agency IS NOT NULL AND agency != ''"
                                    " ORDER BY agency")
    facts.no_clinic = _one(store, "SELECT COUNT(*) FROM transcripts WHERE clinic IS NULL OR clinic = ''")
    facts.first_date, facts.last_date = c.execute(
        "SELECT MIN(date), MAX(date) FROM transcripts WHERE date IS NOT NULL AND date != ''").fetchone()
    facts.speakers = [tuple(r) for r in c.execute(
        "SELECT DISTINCT study_id, role FROM speakers WHERE study_id IS NOT NULL")]
    facts.turns = counted["turns"] if counted is not None else segment_count(store, "turn")
    facts.sentences = counted["sentences"] if counted is not None else segment_count(store, "sentence")
    facts.speaker_styles = _column(store, "SELECT DISTINCT speaker_style FROM transcripts WHERE speaker_style IS NOT"
                                          " NULL AND speaker_style != '' ORDER BY speaker_style")
    facts.source_formats = _column(store, "SELECT DISTINCT source_format FROM transcripts WHERE source_format IS NOT"
                                          " NULL AND source_format != '' ORDER BY source_format")
    for version, names, content, added in c.execute(
            "SELECT version, names, content, added_at FROM codebooks ORDER BY added_at, rowid"):
        try:
            n_codes = len(json.loads(content))
        except ValueError:
            n_codes = 0
        facts.codebooks.append({"version": version, "names": [n for n in (names or "").split(",") if n],
                                "n_codes": n_codes, "added_at": added})
    coded = coded if coded is not None else coding_facts(store)
    facts.applied_codes = len(coded.code_use)
    facts.layers = coded.layers
    facts.double_coded = coded.double_coded
    facts.decisions = [_parsed(detail) for action, detail in c.execute(
        "SELECT action, detail FROM audit ORDER BY id") if "decision" in (action or "").lower()]
    facts.models = [{"id": model_id, "unit": unit, "trained_on": trained_on, "meta": _parsed(meta)}
                    for model_id, unit, trained_on, meta in c.execute(
                        "SELECT id, unit, trained_on, meta FROM models ORDER BY created")]
    facts.ratings = [tuple(r) for r in c.execute(
        "SELECT rater, case_kind, case_id, construct, rating, source_file FROM ratings")]
    facts.quant = [tuple(r) for r in c.execute(
        "SELECT dataset, level, measure, COUNT(value) FROM quant GROUP BY dataset, level, measure"
        " ORDER BY dataset, measure")]
    return facts


__all__ = ["LayerFacts", "ProjectFacts", "CodingFacts", "coding_facts", "project_facts", "counts", "segment_count",
           "origin_counts",
           "human_coders", "code_use", "clinics", "transcript_clinics", "speaker_labels", "ratings_count",
           "latest_codebook"]
