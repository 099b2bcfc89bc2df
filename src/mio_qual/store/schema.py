"""The project store's schema and its migrations.

The schema version lives in SQLite's ``PRAGMA user_version``. ``MIGRATIONS[i]`` takes a
store from version ``i`` to ``i + 1``; a store newer than this library is refused rather
than guessed at. Add a migration at the end of the list; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 0 -> 1: the first schema
    """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT
    );

    CREATE TABLE transcripts (
        id TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        n_words INTEGER NOT NULL,
        source_path TEXT,
        source_format TEXT,
        encoding TEXT,
        speaker_style TEXT,
        kind TEXT,
        agency TEXT,
        clinic TEXT,
        participant_id TEXT,
        role TEXT,
        date TEXT,
        interviewer TEXT,
        attributes TEXT NOT NULL DEFAULT '{}',
        warnings TEXT NOT NULL DEFAULT '[]',
        imported_at TEXT NOT NULL
    );

    CREATE TABLE speakers (
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        study_id TEXT,
        role TEXT,
        PRIMARY KEY (transcript_id, label)
    ) WITHOUT ROWID;

    CREATE TABLE segments (
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('turn', 'paragraph', 'sentence')),
        n INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        turn_n INTEGER,
        paragraph_n INTEGER,
        speaker TEXT,
        body_start INTEGER,
        start_time REAL,
        end_time REAL,
        PRIMARY KEY (transcript_id, kind, n)
    ) WITHOUT ROWID;

    CREATE TABLE notes (
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        kind TEXT NOT NULL,
        time REAL,
        PRIMARY KEY (transcript_id, start)
    ) WITHOUT ROWID;

    CREATE TABLE source_blocks (
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        PRIMARY KEY (transcript_id, idx)
    ) WITHOUT ROWID;

    CREATE TABLE private_names (
        name TEXT PRIMARY KEY,
        source TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        coder TEXT,
        n_items INTEGER NOT NULL DEFAULT 0,
        at TEXT NOT NULL
    );

    CREATE TABLE codebooks (
        version TEXT PRIMARY KEY,
        names TEXT NOT NULL,
        content TEXT NOT NULL,
        added_at TEXT NOT NULL
    );

    CREATE TABLE codings (
        id INTEGER PRIMARY KEY,
        transcript_id TEXT NOT NULL REFERENCES transcripts(id),
        start INTEGER NOT NULL CHECK (start >= 0),
        end INTEGER NOT NULL,
        code TEXT NOT NULL,
        coder TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('human', 'consensus', 'rules', 'model')),
        created TEXT NOT NULL,
        memo TEXT,
        codebook_version TEXT,
        source_file TEXT,
        probability REAL,
        evidence TEXT,
        unit TEXT,
        CHECK (end > start)
    );
    CREATE INDEX codings_by_coder ON codings (coder, transcript_id, start);
    CREATE INDEX codings_by_transcript ON codings (transcript_id, start);
    CREATE INDEX codings_by_source ON codings (coder, source_file);

    CREATE TABLE ratings (
        id INTEGER PRIMARY KEY,
        rater TEXT NOT NULL,
        case_kind TEXT NOT NULL,
        case_id TEXT NOT NULL,
        construct TEXT NOT NULL,
        rating TEXT CHECK (rating IN ('-2', '-1', '0', '+1', '+2', 'X') OR rating IS NULL),
        rationale TEXT,
        source_file TEXT,
        created TEXT NOT NULL,
        UNIQUE (rater, case_kind, case_id, construct)
    );

    CREATE TABLE quant (
        id INTEGER PRIMARY KEY,
        dataset TEXT NOT NULL,
        level TEXT NOT NULL,
        unit_id TEXT,
        agency TEXT,
        clinic TEXT,
        measure TEXT NOT NULL,
        value REAL,
        source_file TEXT,
        row INTEGER,
        attributes TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX quant_by_measure ON quant (measure, clinic);

    CREATE TABLE models (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL,
        codebook_version TEXT NOT NULL,
        library_version TEXT NOT NULL,
        unit TEXT NOT NULL,
        trained_on TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        weights BLOB NOT NULL
    );

    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user TEXT,
        command TEXT,
        action TEXT NOT NULL,
        target TEXT,
        detail TEXT NOT NULL DEFAULT '{}',
        codebook_version TEXT
    );
    """,
    # 1 -> 2: which transcripts each coder was given (agreement's "seen" rule): a transcript a
    # coder returned (a Word file, a sheet listing it, a .qdpx source) or was assigned
    """
    CREATE TABLE coverage (
        coder TEXT NOT NULL,
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('returned', 'assigned')),
        source TEXT NOT NULL,
        origin TEXT,
        at TEXT NOT NULL,
        PRIMARY KEY (coder, transcript_id, kind, source)
    );
    CREATE INDEX coverage_by_source ON coverage (coder, kind, source);
    """,
    # 2 -> 3: rapid qualitative analysis: summary templates, summaries per domain, their quotes
    """
    CREATE TABLE rapid_templates (
        name TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        registered_at TEXT NOT NULL
    );

    CREATE TABLE rapid_summaries (
        summarizer TEXT NOT NULL,
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        domain TEXT NOT NULL,
        template TEXT NOT NULL REFERENCES rapid_templates(name),
        summary TEXT NOT NULL,
        source_file TEXT,
        imported_at TEXT NOT NULL,
        PRIMARY KEY (summarizer, transcript_id, domain)
    );

    CREATE TABLE rapid_quotes (
        summarizer TEXT NOT NULL,
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        domain TEXT NOT NULL,
        n INTEGER NOT NULL,
        quote_start INTEGER NOT NULL,
        quote_end INTEGER NOT NULL,
        segment_id TEXT,
        PRIMARY KEY (summarizer, transcript_id, domain, n)
    );
    """,
    # 3 -> 4: the Aim 2 logs (activity list, completion dates, strategies, adaptations, facilitation),
    # one row per log row, its checked cells as JSON (store/implementation.py)
    """
    CREATE TABLE impl_logs (
        id INTEGER PRIMARY KEY,
        log TEXT NOT NULL,
        row INTEGER,
        agency TEXT,
        clinic TEXT,
        record TEXT NOT NULL DEFAULT '{}',
        source_file TEXT
    );
    CREATE INDEX impl_logs_by_log ON impl_logs (log, clinic);
    """,
    # 4 -> 5: what a REFI-QDA project brings that has no column of its own (store/refi.py): the
    # GUIDs of its users, sources, selections and codings, users without codings, sets, codes
    # applied to whole sources; kept so that export gives the same objects back
    """
    CREATE TABLE refi_objects (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        guid TEXT NOT NULL,
        detail TEXT,
        PRIMARY KEY (kind, key)
    );
    """,
    # 5 -> 6: Aim 3 (issue 13): the quote an analyst pins per rated cell; the link table from a
    # participant's study id to a counselor id (store/links.py); scored climate and counselor
    # measure items per respondent (store/measures.py)
    """
    ALTER TABLE ratings ADD COLUMN quote TEXT;

    CREATE TABLE counselor_links (
        study_id TEXT PRIMARY KEY,
        counselor_id TEXT NOT NULL,
        clinic TEXT,
        agency TEXT,
        source_file TEXT
    );
    CREATE INDEX counselor_links_by_counselor ON counselor_links (counselor_id);

    CREATE TABLE measure_items (
        instrument TEXT NOT NULL,
        respondent_id TEXT NOT NULL,
        agency TEXT,
        clinic TEXT,
        counselor_id TEXT,
        item INTEGER NOT NULL,
        value REAL,
        source_file TEXT,
        PRIMARY KEY (instrument, respondent_id, item)
    );
    CREATE INDEX measure_items_by_clinic ON measure_items (instrument, clinic);
    """,
    # 6 -> 7: the project's codebook (issue 16): each choice of the codebook commands use when
    # none is named, newest last; its codes are the codebooks row of the same version
    # (store/codebooks.py); sources say what was named (bundled names, files with their SHA-256)
    """
    CREATE TABLE codebook_choices (
        n INTEGER PRIMARY KEY,
        version TEXT NOT NULL,
        sources TEXT NOT NULL,
        infos TEXT NOT NULL DEFAULT '[]',
        codes INTEGER NOT NULL,
        chosen_at TEXT NOT NULL,
        how TEXT NOT NULL
    );
    """,
    # 7 -> 8: the coding layers' facts a report gathers (store/summary.py coding_facts) read from two
    # covering indexes in their grouping order instead of sorting every coding twice (issue 21): the
    # source index (still led by coder, source_file for deleting a file's codings) also carries origin,
    # unit and created; a new one orders codings by layer, transcript and code
    """
    DROP INDEX IF EXISTS codings_by_source;
    CREATE INDEX codings_by_source ON codings (coder, source_file, origin, unit, created);
    CREATE INDEX IF NOT EXISTS codings_by_layer ON codings (coder, origin, transcript_id, code);
    """,
    # 8 -> 9: the codings that carry a memo (store/codings.py coding_memos: a report quotes them and reads their
    # valence) found without reading every coding's row; a partial index, so codings without a memo cost nothing
    """
    CREATE INDEX IF NOT EXISTS codings_with_memo ON codings (coder) WHERE memo IS NOT NULL;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
