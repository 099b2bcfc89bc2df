"""Construct ratings: import a rater's worksheet, query ratings, build matrices, agreement, consensus.

Ratings live in the store's ``ratings`` table, one row per rater, case and construct. A
rater's import replaces what that rater gave for the same cases and constructs; a consensus
layer (rater ``consensus``) is built from the raters' ratings and a reconciliation file and
never overwrites theirs (DESIGN.md, decision 3, applied to ratings).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import InputError
from ..store import now_iso
from .constructs import CASE_KINDS, Constructs, as_list, case_column, load_constructs, project_cases
from .ratings_scale import HINT, MIXED, NUMERIC, RATINGS, RatingValueError, parse_rating, score, valence
from .tables import Formula, Problems, Table, as_text, read_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..project import Project

CONSENSUS = "consensus"
RATING_COLUMNS = ["rater", "case_kind", "case_id", "construct", "construct_name", "rating", "score", "valence",
                  "rationale", "source_file", "created"]


@dataclass(frozen=True)
class RatingRow:
    """One validated row of a rating file."""

    row: int
    case_kind: str
    case_id: str
    construct: str
    rating: str | None
    rationale: str | None


@dataclass
class RatingImport:
    """What an import of ratings did."""

    rater: str
    path: Path
    rows: int = 0
    rated: int = 0
    missing: int = 0
    replaced: int = 0
    removed: int = 0
    cases: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- reading files
def read_rating_file(path: str | Path, *, project: "Project | None" = None, by: str | None = None,
                     info: Constructs | None = None, what: str = "rating worksheet",
                     require_rating_column: bool = True) -> tuple[list[RatingRow], Table]:
    """Read and validate a filled rating worksheet (or a reconciliation file).

    Every problem is collected and reported at once, each with its sheet, row and column:
    a value that is not a rating, a formula anywhere in the table, an empty or unknown
    construct, an empty or unknown case, an unknown case kind, the same case and construct
    twice.

    Parameters
    ----------
    path : str or Path
        ``.xlsx`` (sheet ``ratings``, else the first sheet) or ``.csv``.
    project : Project, optional
        To check cases against the project's cases.
    by : str, optional
        Case kind for files without a ``case_kind`` column (default ``clinic``).
    info : Constructs, optional
        Construct ids to check against.

    Returns
    -------
    rows : list of RatingRow
    table : Table

    Raises
    ------
    InputError
        Listing every bad cell; nothing is returned then.
    """
    path = Path(path)
    required = ["case_id", "construct"] + (["rating"] if require_rating_column else [])
    table = read_table(path, what=what, sheet=("ratings",), header_contains=required)
    problems = Problems(path)
    known_cases: dict[str, set[str]] = {}
    info = info or (load_constructs(project) if project is not None else None)
    seen: dict[tuple[str, str, str], int] = {}
    rows: list[RatingRow] = []
    for n, record in table.records():
        for column, value in record.items():
            if isinstance(value, Formula):
                problems.add(f"{table.where(n, column)}: holds a formula ({value.text}); formulas are never "
                             "evaluated on import", n)
        if any(isinstance(v, Formula) for v in record.values()):
            continue
        kind = as_text(record.get("case_kind")) or by or "clinic"
        if kind not in CASE_KINDS:
            problems.add(f"{table.where(n, 'case_kind')}: unknown case kind {kind!r} (use {', '.join(CASE_KINDS)})", n)
            continue
        if by is not None and kind != by:
            problems.add(f"{table.where(n, 'case_kind')}: case kind {kind!r} but the import is for {by!r}", n)
            continue
        case = as_text(record.get("case_id"))
        construct = as_text(record.get("construct"))
        if not case:
            problems.add(f"{table.where(n, 'case_id')}: the case is empty", n)
        elif project is not None:
            if kind not in known_cases:
                known_cases[kind] = set(project_cases(project, kind))
            if known_cases[kind] and case not in known_cases[kind]:
                import difflib

                close = difflib.get_close_matches(case, sorted(known_cases[kind]), n=1)
                problems.add(f"{table.where(n, 'case_id')}: {case!r} is not a {kind} of this project"
                             + (f" (did you mean {close[0]!r}?)" if close else
                                f" (its {kind}s: {', '.join(sorted(known_cases[kind]))})"), n)
        if not construct:
            problems.add(f"{table.where(n, 'construct')}: the construct is empty", n)
        elif info is not None and info.codes and construct not in info:
            suggestions = info.suggest(construct)
            problems.add(f"{table.where(n, 'construct')}: unknown construct {construct!r}"
                         + (f" (did you mean {' or '.join(suggestions)}?)" if suggestions else ""), n)
        raw = record.get("rating")
        try:
            rating = parse_rating(raw)
        except RatingValueError as exc:
            problems.add(f"{table.where(n, 'rating')}: {exc} ({HINT})", n)
            continue
        if not case or not construct:
            continue
        key = (kind, case, construct)
        if key in seen:
            problems.add(f"{table.where(n, 'construct')}: {case} / {construct} is already rated in row {seen[key]}", n)
            continue
        seen[key] = n
        rationale = as_text(record.get("rationale")) or None
        rows.append(RatingRow(n, kind, case, construct, rating, rationale))
    problems.raise_if_any(what, "correct the cells listed (every problem is shown) and import the file again")
    if not rows:
        raise InputError(f"the {what} has no rating rows", path=path,
                         hint="fill the 'rating' column of the worksheet's 'ratings' sheet")
    return rows, table


def _file_rater(path: Path) -> str | None:
    """The rater named in a worksheet's ``about`` sheet, if any."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        about = read_table(path, what="rating worksheet", sheet="about")
    except InputError:
        return None
    if about.headers and about.columns[0] == "rater":
        return as_text(about.headers[1] if len(about.headers) > 1 else None) or None
    for _, cells in about.rows:
        if cells and as_text(cells[0]) == "rater":
            return as_text(cells[1]) if len(cells) > 1 else None
    return None


def import_ratings(project: "Project", path: str | Path, rater: str | None = None, *, by: str | None = None,
                   codebook: Any = None) -> RatingImport:
    """Import a rater's filled worksheet into the ``ratings`` table, in one transaction.

    Each (case, construct) the file rates replaces that rater's earlier rating of it; ratings
    the same file brought before but no longer holds are removed. Empty ratings are kept as
    missing (the rater saw the construct and found too little to rate it).

    Parameters
    ----------
    project : Project
    path : str or Path
        A worksheet written by :func:`mio_qual.mixed.worksheet.write_worksheet` and filled in,
        or a CSV with columns case_id, construct, rating and optionally case_kind, rationale.
    rater : str, optional
        Whose ratings these are (default: the rater named in the worksheet's ``about`` sheet).
    by : str, optional
        Case kind for files without a ``case_kind`` column.

    Returns
    -------
    RatingImport

    Raises
    ------
    InputError
        Every bad cell with sheet, row and column; nothing is imported then.
    """
    path = Path(path)
    named = _file_rater(path)
    if rater is None:
        rater = named
    if not rater or not rater.strip():
        raise InputError("whose ratings are these?", path=path, hint="pass --rater NAME")
    rater = rater.strip()
    if named and named != rater:
        raise InputError(f"the worksheet was written for rater {named!r}, not {rater!r}", path=path,
                         hint=f"pass --rater {named}, or correct the 'rater' cell of the 'about' sheet")
    if rater == CONSENSUS:
        raise InputError("'consensus' is the name of the consensus layer", path=path,
                         hint="build it with `mio-qual ratings consensus`, or use another rater name")
    info = load_constructs(project, codebook)
    rows, _ = read_rating_file(path, project=project, by=by, info=info)
    return _write(project, rows, rater, path, action="import ratings")


def _write(project: "Project", rows: Sequence[RatingRow], rater: str, path: Path | None, *, action: str,
           replace_rater_kind: str | None = None) -> RatingImport:
    result = RatingImport(rater=rater, path=Path(path) if path else Path("-"))
    source = Path(path).name if path else None
    created = now_iso()
    with project.store.transaction() as connection:
        if replace_rater_kind is not None:
            result.removed = connection.execute("DELETE FROM ratings WHERE rater = ? AND case_kind = ?",
                                                (rater, replace_rater_kind)).rowcount
        elif source is not None:
            keys = {(r.case_kind, r.case_id, r.construct) for r in rows}
            old = connection.execute("SELECT id, case_kind, case_id, construct FROM ratings WHERE rater = ? AND "
                                     "source_file = ?", (rater, source)).fetchall()
            gone = [(i,) for i, k, c, s in old if (k, c, s) not in keys]
            connection.executemany("DELETE FROM ratings WHERE id = ?", gone)
            result.removed = len(gone)
        existing = {tuple(k) for k in connection.execute(
            "SELECT case_kind, case_id, construct FROM ratings WHERE rater = ?", (rater,))}
        result.replaced = sum((r.case_kind, r.case_id, r.construct) in existing for r in rows)
        connection.executemany(
            "INSERT INTO ratings (rater, case_kind, case_id, construct, rating, rationale, source_file, created)"
            " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (rater, case_kind, case_id, construct) DO UPDATE SET"
            " rating = excluded.rating, rationale = excluded.rationale, source_file = excluded.source_file,"
            " created = excluded.created",
            [(rater, r.case_kind, r.case_id, r.construct, r.rating, r.rationale, source, created) for r in rows])
        result.rows = len(rows)
        result.rated = sum(r.rating is not None for r in rows)
        result.missing = result.rows - result.rated
        result.cases = sorted({r.case_id for r in rows})
        if path is not None and Path(path).is_file():
            import hashlib

            connection.execute(
                "INSERT INTO imports (kind, path, sha256, coder, n_items, at) VALUES ('ratings', ?, ?, ?, ?, ?)",
                (str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest(), rater, len(rows), created))
        project.store.audit(action, target=rater, detail={
            "source_file": source, "rows": result.rows, "rated": result.rated, "missing": result.missing,
            "removed": result.removed, "cases": result.cases})
    return result


# ---------------------------------------------------------------------------- queries
def ratings(project: "Project", rater: str | Sequence[str] | None = None, by: str | None = None,
            construct: str | Sequence[str] | None = None, case_id: str | Sequence[str] | None = None,
            codebook: Any = None) -> "pd.DataFrame":
    """Ratings as a DataFrame, one row per rater, case and construct.

    Parameters
    ----------
    project : Project
    rater, construct, case_id : str or sequence of str, optional
        Filters.
    by : str, optional
        Keep one case kind.

    Returns
    -------
    pandas.DataFrame
        Columns: rater, case_kind, case_id, construct, construct_name, rating (``'+2'`` ...
        ``'X'`` or None), score (-2 ... 2, NaN for X and missing), valence (positive,
        negative, neutral, mixed, missing), rationale, source_file, created. Sorted by rater,
        case kind, case and construct (codebook order).
    """
    import pandas as pd

    clauses, params = [], []
    for column, value in (("rater", rater), ("construct", construct), ("case_id", case_id)):
        values = as_list(value)
        if values is not None:
            clauses.append(f"{column} IN ({','.join('?' * len(values))})" if values else "0")
            params.extend(values)
    if by is not None:
        clauses.append("case_kind = ?")
        params.append(case_column(by))
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = project.store.connection.execute(
        "SELECT rater, case_kind, case_id, construct, rating, rationale, source_file, created FROM ratings"
        + where, params).fetchall()
    info = load_constructs(project, codebook)
    records = [(r[0], r[1], r[2], r[3], info.name(r[3]), r[4], score(r[4]), valence(r[4]), r[5], r[6], r[7])
               for r in rows]
    records.sort(key=lambda r: (r[0], r[1], r[2], info.order_key(r[3])))
    frame = pd.DataFrame.from_records(records, columns=RATING_COLUMNS)
    frame["score"] = frame["score"].astype(float)
    for column in ("rating", "rationale", "source_file"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def raters(project: "Project", by: str | None = None) -> list[str]:
    """Raters with ratings in the project (optionally for one case kind), consensus last."""
    sql, params = "SELECT DISTINCT rater FROM ratings", []
    if by is not None:
        sql += " WHERE case_kind = ?"
        params.append(by)
    names = sorted(r[0] for r in project.store.connection.execute(sql, params))
    return [n for n in names if n != CONSENSUS] + ([CONSENSUS] if CONSENSUS in names else [])


def default_rater(project: "Project", by: str) -> str:
    """The layer a matrix shows by default: consensus if built, else the only rater.

    Raises
    ------
    InputError
        With no ratings, or with several raters and no consensus.
    """
    names = raters(project, by)
    if CONSENSUS in names:
        return CONSENSUS
    if len(names) == 1:
        return names[0]
    if not names:
        raise InputError(f"the project has no {by} ratings", path=project.folder,
                         hint="import filled worksheets with `mio-qual ratings import FILE --rater NAME`")
    raise InputError(f"several raters ({', '.join(names)}) and no consensus ratings", path=project.folder,
                     hint="name one with rater=..., or build the consensus with `mio-qual ratings consensus`")


def construct_matrix(project: "Project", by: str = "clinic", rater: str | None = None,
                     constructs: Sequence[str] | None = None, cases: Sequence[str] | None = None,
                     numeric: bool = False, codebook: Any = None) -> "pd.DataFrame":
    """Construct x case matrix of one rater's (or the consensus) ratings.

    Parameters
    ----------
    project : Project
    by : str
        Case kind (default ``clinic``).
    rater : str, optional
        Default: see :func:`default_rater`.
    constructs, cases : sequence of str, optional
        Rows and columns to show, in this order (default: every rated construct in codebook
        order; every case of the kind in the project, then any other rated case).
    numeric : bool
        Scores (-2 ... 2, NaN for X and missing) instead of rating texts.

    Returns
    -------
    pandas.DataFrame
        Index ``construct``, one column per case; cells ``'+2'`` ... ``'X'`` or None.
    """
    import pandas as pd

    case_column(by)
    rater = rater or default_rater(project, by)
    frame = ratings(project, rater=rater, by=by, codebook=codebook)
    if not len(frame):
        raise InputError(f"rater {rater!r} has no {by} ratings", path=project.folder,
                         hint="see `mio-qual ratings list` for the raters")
    info = load_constructs(project, codebook)
    row_ids = as_list(constructs) or info.sort(frame["construct"])
    column_ids = as_list(cases) or (project_cases(project, by) + sorted(set(frame["case_id"]) - set(project_cases(project, by))))
    value = "score" if numeric else "rating"
    cells = {(c, k): v for c, k, v in zip(frame["construct"], frame["case_id"], frame[value])}
    data = [[cells.get((c, k), math.nan if numeric else None) for k in column_ids] for c in row_ids]
    matrix = pd.DataFrame(data, index=pd.Index(row_ids, name="construct"), columns=list(column_ids), dtype=float if numeric
                          else object)
    if not numeric:
        matrix = matrix.astype(object).where(matrix.notna(), None)
    matrix.columns.name = by
    matrix.attrs.update(rater=rater, by=by)
    return matrix


# ---------------------------------------------------------------------------- agreement
def _pair_frame(project: "Project", names: Sequence[str], by: str) -> "pd.DataFrame":
    frame = ratings(project, rater=list(names), by=by)
    wide = frame.pivot_table(index=["case_id", "construct"], columns="rater", values="rating", aggfunc="first",
                             dropna=False)
    for name in names:
        if name not in wide.columns:
            wide[name] = None
    wide = wide[list(names)]
    return wide.astype(object).where(wide.notna(), None)


def rating_agreement(project: "Project", raters_: Sequence[str] | None = None, by: str = "clinic",
                     construct: Sequence[str] | None = None) -> "pd.DataFrame":
    """Agreement between raters on construct ratings, through :mod:`mio_qual.agreement`.

    Units are (case, construct) pairs. Reported:

    * Krippendorff's alpha, ordinal, on -2 ... +2 (X and missing left out as not ordinal),
      all raters together (Krippendorff 2011);
    * Krippendorff's alpha, nominal, with X as a category of its own;
    * for each pair of raters, Cohen's weighted kappa with linear weights on -2 ... +2
      (Cohen 1968), exact agreement (X counts as a value) and agreement within one point.

    Parameters
    ----------
    project : Project
    raters_ : sequence of str, optional
        Default: every rater except consensus.
    by : str
    construct : sequence of str, optional
        Restrict to these constructs.

    Returns
    -------
    pandas.DataFrame
        Columns: statistic, raters, value, se, ci_low, ci_high, n_units, note, source.
    """
    import numpy as np
    import pandas as pd

    from ..agreement import cohen_kappa, krippendorff_alpha, percent_agreement

    names = list(as_list(raters_) or [r for r in raters(project, by) if r != CONSENSUS])
    if len(names) < 2:
        raise InputError(f"agreement needs two or more raters; the project has {', '.join(names) or 'none'} for {by}",
                         path=project.folder, hint="import a second rater's worksheet")
    wide = _pair_frame(project, names, by)
    if construct is not None:
        wide = wide[wide.index.get_level_values("construct").isin(as_list(construct))]
    numeric = np.array([[score(v) for v in wide[name]] for name in names], dtype=float)
    labels = np.array([[v if v is not None else None for v in wide[name]] for name in names], dtype=object)
    rows = []

    def add(statistic: str, who: Sequence[str], result: Any, note: str = "") -> None:
        rows.append({"statistic": statistic, "raters": " & ".join(who), "value": result.value, "se": result.se,
                     "ci_low": result.ci_low, "ci_high": result.ci_high, "n_units": result.n_units,
                     "note": "; ".join(x for x in (result.note, note) if x), "source": result.source})

    add("krippendorff_alpha_ordinal", names, krippendorff_alpha(numeric, level="ordinal"),
        "X (mixed) and missing ratings left out")
    add("krippendorff_alpha_nominal", names,
        krippendorff_alpha(labels, level="nominal", categories=list(RATINGS)), "X (mixed) counted as a category")
    scale = [float(v) for v in (-2, -1, 0, 1, 2)]
    for a, b in combinations(range(len(names)), 2):
        pair = [names[a], names[b]]
        add("cohen_kappa_linear", pair, cohen_kappa(numeric[[a, b]], weights="linear", categories=scale),
            "X (mixed) and missing ratings left out")
        add("percent_agreement", pair, percent_agreement(labels[[a, b]], categories=list(RATINGS)),
            "exact agreement; X counted as a value")
        both = ~np.isnan(numeric[a]) & ~np.isnan(numeric[b])
        within = np.abs(numeric[a][both] - numeric[b][both]) <= 1
        rows.append({"statistic": "within_one_point", "raters": " & ".join(pair),
                     "value": float(within.mean()) if both.any() else math.nan, "se": math.nan, "ci_low": math.nan,
                     "ci_high": math.nan, "n_units": int(both.sum()),
                     "note": "share of units rated by both on -2..+2 whose ratings differ by at most 1", "source": ""})
    return pd.DataFrame(rows, columns=["statistic", "raters", "value", "se", "ci_low", "ci_high", "n_units", "note",
                                       "source"])


def rating_disagreements(project: "Project", raters_: Sequence[str] | None = None, by: str = "clinic",
                         codebook: Any = None) -> "pd.DataFrame":
    """Every (case, construct) the raters rated differently, as a reconciliation sheet.

    Returns
    -------
    pandas.DataFrame
        Columns: case_kind, case_id, construct, construct_name, one column per rater, one
        ``<rater>_rationale`` per rater, difference (largest minus smallest score, NaN when X or
        missing is involved), and empty ``rating`` and ``rationale`` columns for the agreed
        value: fill them and pass the file to :func:`build_consensus` as ``decisions``.
    """
    import pandas as pd

    names = list(as_list(raters_) or [r for r in raters(project, by) if r != CONSENSUS])
    frame = ratings(project, rater=names, by=by, codebook=codebook)
    info = load_constructs(project, codebook)
    by_key: dict[tuple[str, str], dict[str, tuple[str | None, str | None]]] = {}
    for r in frame.itertuples(index=False):
        by_key.setdefault((r.case_id, r.construct), {})[r.rater] = (r.rating, r.rationale)
    out = []
    for (case, construct), given in by_key.items():
        values = [given.get(n, (None, None))[0] for n in names]
        if len(set(values)) <= 1:
            continue
        scores = [score(v) for v in values]
        diff = (max(scores) - min(scores)) if not any(math.isnan(s) for s in scores) else math.nan
        row = {"case_kind": by, "case_id": case, "construct": construct, "construct_name": info.name(construct)}
        row.update({n: v for n, v in zip(names, values)})
        row.update({f"{n}_rationale": given.get(n, (None, None))[1] for n in names})
        row.update({"difference": diff, "rating": "", "rationale": ""})
        out.append(row)
    columns = ["case_kind", "case_id", "construct", "construct_name", *names, *[f"{n}_rationale" for n in names],
               "difference", "rating", "rationale"]
    result = pd.DataFrame(out, columns=columns)
    for column in [*names, *[f"{n}_rationale" for n in names]]:
        result[column] = result[column].astype(object).where(result[column].notna(), None)
    if len(result):
        result = result.assign(_o=result["construct"].map(info.order_key)).sort_values(
            ["case_id", "_o"]).drop(columns="_o").reset_index(drop=True)
    return result


@dataclass
class ConsensusResult:
    """What :func:`build_consensus` did."""

    agreed: int = 0
    decided: int = 0
    unresolved: list[tuple[str, str, dict[str, str | None]]] = field(default_factory=list)
    written: int = 0


def build_consensus(project: "Project", raters_: Sequence[str] | None = None, *, by: str = "clinic",
                    decisions: str | Path | None = None, allow_unresolved: bool = False,
                    codebook: Any = None) -> ConsensusResult:
    """Build the consensus rating layer (rater ``consensus``) from the raters' ratings.

    For each case and construct: where every rater gave the same value (missing included),
    that value; where they differ, the value agreed in the reconciliation file ``decisions``
    (the sheet :func:`rating_disagreements` writes, with its ``rating`` and ``rationale``
    filled). The raters' own ratings are never changed; the consensus layer for the case kind
    is rebuilt whole.

    Parameters
    ----------
    project : Project
    raters_ : sequence of str, optional
        Default: every rater except consensus.
    by : str
    decisions : path, optional
        Reconciliation file (.xlsx or .csv): case_id, construct, rating, rationale.
    allow_unresolved : bool
        Write disagreements without a decision as missing, with a rationale naming the
        raters' values (default: refuse and list them).

    Returns
    -------
    ConsensusResult

    Raises
    ------
    InputError
        Bad cells in the decisions file; or disagreements left without a decision.
    """
    names = list(as_list(raters_) or [r for r in raters(project, by) if r != CONSENSUS])
    if len(names) < 2:
        raise InputError("a consensus needs two or more raters", path=project.folder,
                         hint="import each rater's worksheet first")
    info = load_constructs(project, codebook)
    chosen: dict[tuple[str, str], RatingRow] = {}
    if decisions is not None:
        rows, _ = read_rating_file(decisions, project=project, by=by, info=info, what="reconciliation file")
        chosen = {(r.case_id, r.construct): r for r in rows}
    frame = ratings(project, rater=names, by=by)
    given: dict[tuple[str, str], dict[str, tuple[str | None, str | None]]] = {}
    for r in frame.itertuples(index=False):
        given.setdefault((r.case_id, r.construct), {})[r.rater] = (r.rating, r.rationale)
    result = ConsensusResult()
    out: list[RatingRow] = []
    for (case, construct), values in given.items():
        per = {n: values.get(n, (None, None))[0] for n in names}
        if (case, construct) in chosen:
            d = chosen[(case, construct)]
            # An agreed row with an empty rating means "missing by decision" only when the raters differ;
            # a decisions file may also list agreeing rows, which then keep the agreed value.
            if len(set(per.values())) > 1 or d.rating is not None:
                out.append(RatingRow(d.row, by, case, construct, d.rating,
                                     d.rationale or "reconciled: " + ", ".join(f"{n} {v or 'missing'}" for n, v in per.items())))
                result.decided += 1
                continue
        if len(set(per.values())) == 1:
            value = next(iter(per.values()))
            texts = [values[n][1] for n in names if n in values and values[n][1]]
            if texts and len(set(texts)) == 1:
                why = f"agreed: {texts[0]}"
            elif texts:
                why = "agreed. " + " | ".join(f"{n}: {values[n][1]}" for n in names if n in values and values[n][1])
            else:
                why = "agreed"
            out.append(RatingRow(0, by, case, construct, value, why))
            result.agreed += 1
        else:
            result.unresolved.append((case, construct, per))
            if allow_unresolved:
                out.append(RatingRow(0, by, case, construct, None,
                                     "UNRESOLVED: " + ", ".join(f"{n} {v or 'missing'}" for n, v in per.items())))
    unused = set(chosen) - set(given)
    if unused:
        case, construct = sorted(unused)[0]
        raise InputError(f"the reconciliation file rates {case} / {construct}, which no rater rated", path=decisions,
                         line=chosen[(case, construct)].row, hint="check the case and construct")
    if result.unresolved and not allow_unresolved:
        first = result.unresolved[0]
        raise InputError(
            f"{len(result.unresolved)} disagreement(s) have no decision; first: {first[0]} / {first[1]} "
            + ", ".join(f"{n} {v or 'missing'}" for n, v in first[2].items()), path=decisions or project.folder,
            hint="write them with `mio-qual ratings disagreements --out FILE`, fill 'rating' and 'rationale', and "
                 "pass --decisions FILE (or --allow-unresolved)",
            details=[f"{c} / {k}: " + ", ".join(f"{n} {v or 'missing'}" for n, v in p.items())
                     for c, k, p in result.unresolved])
    written = _write(project, out, CONSENSUS, Path(decisions) if decisions else None, action="build rating consensus",
                     replace_rater_kind=by)
    result.written = written.rows
    return result


__all__ = ["import_ratings", "read_rating_file", "ratings", "raters", "default_rater", "construct_matrix",
           "rating_agreement", "rating_disagreements", "build_consensus", "RatingImport", "RatingRow",
           "ConsensusResult", "CONSENSUS", "NUMERIC", "MIXED"]
