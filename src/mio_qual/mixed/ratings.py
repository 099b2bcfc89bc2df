"""Construct ratings: import a rater's worksheet, query ratings, build matrices, agreement, consensus.

Ratings live in the store's ``ratings`` table (:mod:`mio_qual.store.ratings`), one row per
rater, case and construct. A rater's import replaces what that rater gave for the same cases and
constructs; a consensus layer (rater ``consensus``) is built from the raters' ratings and a
reconciliation file and never overwrites theirs (DESIGN.md, decision 3, applied to ratings).

The functions here compute on ratings frames (as :func:`rating_frame` returns) and files;
:class:`~mio_qual.project.Project` reads and writes the store around them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..errors import InputError
from .constructs import CASE_KINDS, Constructs, as_list, case_column
from .ratings_scale import MIXED, NUMERIC, RATINGS, RatingValueError, hint, parse_rating, score, valence
from ..result import Figure, Result
from ..result import Table as ResultTable
from .tables import Formula, Problems, Table, as_text, read_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

CONSENSUS = "consensus"
RATING_COLUMNS = ["rater", "case_kind", "case_id", "construct", "construct_name", "rating", "score", "valence",
                  "rationale", "quote", "source_file", "created"]


@dataclass(frozen=True)
class RatingRow:
    """One validated row of a rating file."""

    row: int
    case_kind: str
    case_id: str
    construct: str
    rating: str | None
    rationale: str | None
    quote: str | None = None


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
def read_rating_file(path: str | Path, *, cases: Mapping[str, Sequence[str]] | None = None, by: str | None = None,
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
    cases : mapping, optional
        Case kind -> the project's cases of that kind, to check cases against (a kind with no
        cases is not checked).
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
    what_to_write = hint(mixed_x=_offers_x(path))
    known_cases = {kind: set(values) for kind, values in (cases or {}).items()}
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
        elif known_cases.get(kind):
            if case not in known_cases[kind]:
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
            problems.add(f"{table.where(n, 'rating')}: {exc} ({what_to_write})", n)
            continue
        if not case or not construct:
            continue
        key = (kind, case, construct)
        if key in seen:
            problems.add(f"{table.where(n, 'construct')}: {case} / {construct} is already rated in row {seen[key]}", n)
            continue
        seen[key] = n
        rationale = as_text(record.get("rationale")) or None
        quote = " ".join(as_text(record.get("quote")).split()) or None
        rows.append(RatingRow(n, kind, case, construct, rating, rationale, quote))
    problems.raise_if_any(what, "correct the cells listed (every problem is shown) and import the file again")
    if not rows:
        raise InputError(f"the {what} has no rating rows", path=path,
                         hint="fill the 'rating' column of the worksheet's 'ratings' sheet")
    return rows, table


def _about_rows(path: Path) -> list[list[Any]]:
    """The rows of a worksheet's ``about`` sheet (its first row too); none for a file without one."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    try:
        about = read_table(path, what="rating worksheet", sheet="about")
    except InputError:
        return []
    return ([list(about.headers)] if about.headers else []) + [list(cells) for _, cells in about.rows]


def worksheet_evidence(path: str | Path) -> dict[str, str]:
    """What a rating worksheet's ``about`` sheet says the rater was shown: ``evidence`` (the coding layers)
    and ``links`` (whether excerpts of linked study codes were shown), as written by
    :func:`mio_qual.mixed.worksheet.write_worksheets`; empty for a file without them.

    Parameters
    ----------
    path : str or Path
        A rating worksheet (``.xlsx``).

    Returns
    -------
    dict
        ``{"evidence": ..., "links": ...}``, the keys the sheet holds.
    """
    out: dict[str, str] = {}
    for cells in _about_rows(Path(path)):
        if len(cells) > 1 and as_text(cells[0]) in ("evidence", "links") and as_text(cells[1]):
            out[str(as_text(cells[0]))] = str(as_text(cells[1]))
    return out


def _file_rater(path: Path) -> str | None:
    """The rater named in a worksheet's ``about`` sheet, if any."""
    for cells in _about_rows(path):
        if cells and as_text(cells[0]) == "rater":
            return as_text(cells[1]) if len(cells) > 1 else None
    return None


def _offers_x(path: Path) -> bool:
    """True when the worksheet was written with X offered (``ratings worksheet --mixed-x``: its scale lists X)."""
    return any(cells and as_text(cells[0]) == MIXED for cells in _about_rows(path))


def check_rater(path: str | Path, rater: str | None) -> str:
    """The rater a worksheet's ratings are imported for.

    ``rater`` if given, else the rater named in the worksheet's ``about`` sheet; the two must
    agree, and ``consensus`` is reserved for the consensus layer.

    Raises
    ------
    InputError
        No rater, a rater other than the worksheet's, or ``consensus``.
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
    return rater


def summarize_import(rater: str, path: str | Path | None, rows: Sequence[RatingRow], replaced: int,
                     removed: int) -> RatingImport:
    """What writing ``rows`` for ``rater`` did, as a :class:`RatingImport`."""
    rated = sum(r.rating is not None for r in rows)
    n_x = sum(r.rating == MIXED for r in rows)
    warnings = [f"{n_x} rating(s) are X (mixed, not weighed): an extension to Damschroder & Lowery (2013), who rate "
                "balanced influence 0; displays name the X cells and leave them out of group means"] if n_x else []
    return RatingImport(rater=rater, path=Path(path) if path else Path("-"), rows=len(rows), rated=rated,
                        missing=len(rows) - rated, replaced=replaced, removed=removed,
                        cases=sorted({r.case_id for r in rows}), warnings=warnings)


# ---------------------------------------------------------------------------- queries
def rating_frame(stored: "pd.DataFrame", info: Constructs) -> "pd.DataFrame":
    """Stored ratings with construct names, scores and valences, in reading order.

    Parameters
    ----------
    stored : DataFrame
        Rows of the ``ratings`` table (:func:`mio_qual.store.ratings.read_ratings`).
    info : Constructs

    Returns
    -------
    pandas.DataFrame
        Columns: rater, case_kind, case_id, construct, construct_name, rating (``'+2'`` ...
        ``'X'`` or None), score (-2 ... 2, NaN for X and missing), valence (positive,
        negative, neutral, mixed, missing), rationale, quote (pinned by the analyst, or None),
        source_file, created. Sorted by rater,
        case kind, case and construct (codebook order).
    """
    import pandas as pd

    records = [(r.rater, r.case_kind, r.case_id, r.construct, info.name(r.construct), r.rating, score(r.rating),
                valence(r.rating), r.rationale, getattr(r, "quote", None), r.source_file, r.created)
               for r in stored.itertuples(index=False)]
    records.sort(key=lambda r: (r[0], r[1], r[2], info.order_key(r[3])))
    frame = pd.DataFrame.from_records(records, columns=RATING_COLUMNS)
    frame["score"] = frame["score"].astype(float)
    for column in ("rating", "rationale", "quote", "source_file"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def order_raters(names: Sequence[str]) -> list[str]:
    """Rater names sorted, consensus last."""
    names = sorted(names)
    return [n for n in names if n != CONSENSUS] + ([CONSENSUS] if CONSENSUS in names else [])


def default_rater(names: Sequence[str], by: str) -> str:
    """The layer a matrix shows by default: consensus if built, else the only rater.

    Parameters
    ----------
    names : sequence of str
        The raters with ratings of case kind ``by``.
    by : str

    Raises
    ------
    InputError
        With no ratings, or with several raters and no consensus.
    """
    if CONSENSUS in names:
        return CONSENSUS
    if len(names) == 1:
        return names[0]
    if not names:
        raise InputError(f"the project has no {by} ratings",
                         hint="import filled worksheets with `mio-qual ratings import FILE --rater NAME`")
    raise InputError(f"several raters ({', '.join(names)}) and no consensus ratings",
                     hint="name one with rater=..., or build the consensus with `mio-qual ratings consensus`")


def construct_matrix(frame: "pd.DataFrame", info: Constructs, by: str = "clinic", *, rater: str,
                     case_ids: Sequence[str] = (), constructs: Sequence[str] | None = None,
                     cases: Sequence[str] | None = None, numeric: bool = False) -> "pd.DataFrame":
    """Construct x case matrix of one rater's (or the consensus) ratings.

    Parameters
    ----------
    frame : DataFrame
        The rater's ratings of case kind ``by`` (:func:`rating_frame`).
    info : Constructs
    by : str
        Case kind (default ``clinic``).
    rater : str
        Whose ratings ``frame`` holds (named in errors and in ``attrs``).
    case_ids : sequence of str
        The project's cases of the kind, the default columns.
    constructs, cases : sequence of str, optional
        Rows and columns to show, in this order (default: every rated construct in codebook
        order; every case in ``case_ids``, then any other rated case).
    numeric : bool
        Scores (-2 ... 2, NaN for X and missing) instead of rating texts.

    Returns
    -------
    pandas.DataFrame
        Index ``construct``, one column per case; cells ``'+2'`` ... ``'X'`` or None.
    """
    import pandas as pd

    case_column(by)
    if not len(frame):
        raise InputError(f"rater {rater!r} has no {by} ratings", hint="see `mio-qual ratings list` for the raters")
    row_ids = as_list(constructs) or info.sort(frame["construct"])
    column_ids = as_list(cases) or (list(case_ids) + sorted(set(frame["case_id"]) - set(case_ids)))
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


def matrix_result(matrix: "pd.DataFrame", info: Constructs, by: str) -> Result:
    """A construct x case matrix as a result to show: its table and its heatmap.

    Returns
    -------
    Result
        One table (construct, name, one column per case; rating columns are the cases, empty
        cells ``''``) and a ``heatmap`` :class:`~mio_qual.result.Figure` of the matrix; the
        title names the rater.
    """
    table = matrix.reset_index()
    table.insert(1, "name", table["construct"].map(info.name))
    table = table.astype(object).where(table.notna(), "")
    title = f"Construct ratings by {by} ({matrix.attrs['rater']})"
    figure = Figure("heatmap", matrix, title, options={"names": {c: info.name(c) for c in matrix.index}})
    return Result("construct-matrix", [ResultTable(table, title, [], list(matrix.columns), sheet="matrix")], [figure],
                  title=title, data={"matrix": matrix})


# ---------------------------------------------------------------------------- agreement
def _pair_frame(frame: "pd.DataFrame", names: Sequence[str]) -> "pd.DataFrame":
    wide = frame.pivot_table(index=["case_id", "construct"], columns="rater", values="rating", aggfunc="first",
                             dropna=False)
    for name in names:
        if name not in wide.columns:
            wide[name] = None
    wide = wide[list(names)]
    return wide.astype(object).where(wide.notna(), None)


def rating_agreement(frame: "pd.DataFrame", names: Sequence[str], by: str = "clinic",
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
    frame : DataFrame
        The raters' ratings of case kind ``by`` (:func:`rating_frame`).
    names : sequence of str
        The raters to compare.
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

    names = list(names)
    if len(names) < 2:
        raise InputError(f"agreement needs two or more raters; the project has {', '.join(names) or 'none'} for {by}",
                         hint="import a second rater's worksheet")
    wide = _pair_frame(frame, names)
    if construct is not None:
        wide = wide[wide.index.get_level_values("construct").isin(as_list(construct))]
    numeric = np.array([[score(v) for v in wide[name]] for name in names], dtype=float)
    labels = np.array([[v if v is not None else None for v in wide[name]] for name in names], dtype=object)
    rows = []
    # X (mixed) is an opt-in rating (--mixed-x): the notes speak of it only when a rater gave it
    mixed = any(v == "X" for v in labels.ravel())
    left_out = "X (mixed) and missing ratings left out" if mixed else "missing ratings left out"

    def add(statistic: str, who: Sequence[str], result: Any, note: str = "") -> None:
        rows.append({"statistic": statistic, "raters": " & ".join(who), "value": result.value, "se": result.se,
                     "ci_low": result.ci_low, "ci_high": result.ci_high, "n_units": result.n_units,
                     "note": "; ".join(x for x in (result.note, note) if x), "source": result.source})

    add("krippendorff_alpha_ordinal", names, krippendorff_alpha(numeric, level="ordinal"), left_out)
    add("krippendorff_alpha_nominal", names,
        krippendorff_alpha(labels, level="nominal", categories=list(RATINGS)),
        "X (mixed) counted as a category" if mixed else "")
    scale = [float(v) for v in (-2, -1, 0, 1, 2)]
    for a, b in combinations(range(len(names)), 2):
        pair = [names[a], names[b]]
        add("cohen_kappa_linear", pair, cohen_kappa(numeric[[a, b]], weights="linear", categories=scale), left_out)
        add("percent_agreement", pair, percent_agreement(labels[[a, b]], categories=list(RATINGS)),
            "exact agreement; X counted as a value" if mixed else "exact agreement")
        both = ~np.isnan(numeric[a]) & ~np.isnan(numeric[b])
        within = np.abs(numeric[a][both] - numeric[b][both]) <= 1
        rows.append({"statistic": "within_one_point", "raters": " & ".join(pair),
                     "value": float(within.mean()) if both.any() else math.nan, "se": math.nan, "ci_low": math.nan,
                     "ci_high": math.nan, "n_units": int(both.sum()),
                     "note": "share of units rated by both on -2..+2 whose ratings differ by at most 1", "source": ""})
    return pd.DataFrame(rows, columns=["statistic", "raters", "value", "se", "ci_low", "ci_high", "n_units", "note",
                                       "source"])


def rating_disagreements(frame: "pd.DataFrame", names: Sequence[str], info: Constructs,
                         by: str = "clinic") -> "pd.DataFrame":
    """Every (case, construct) the raters rated differently, as a reconciliation sheet.

    Parameters
    ----------
    frame : DataFrame
        The raters' ratings of case kind ``by`` (:func:`rating_frame`).
    names : sequence of str
        The raters to compare.
    info : Constructs
    by : str

    Returns
    -------
    pandas.DataFrame
        Columns: case_kind, case_id, construct, construct_name, one column per rater, one
        ``<rater>_rationale`` per rater, difference (largest minus smallest score, NaN when X or
        missing is involved), and empty ``rating`` and ``rationale`` columns for the agreed
        value: fill them and pass the file to :func:`build_consensus` as ``decisions``.
    """
    import pandas as pd

    names = list(names)
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


def disagreements_table(frame: "pd.DataFrame") -> ResultTable:
    """A reconciliation sheet (:func:`rating_disagreements`) as a table to write and fill.

    The raters' rating columns and the ``rating`` column to fill are rating columns (shaded by
    valence in ``.xlsx``); the sheet is called ``ratings`` so that
    :func:`read_rating_file` reads it back.
    """
    fixed = ("case_kind", "case_id", "construct", "construct_name", "difference", "rating", "rationale")
    names = [c for c in frame.columns if c not in fixed and not c.endswith("_rationale")]
    return ResultTable(frame, "Rating disagreements", ["Fill 'rating' and 'rationale' with the agreed value."],
                       names + ["rating"], sheet="ratings")


@dataclass
class ConsensusResult:
    """What :func:`build_consensus` did."""

    agreed: int = 0
    decided: int = 0
    unresolved: list[tuple[str, str, dict[str, str | None]]] = field(default_factory=list)
    written: int = 0


def build_consensus(frame: "pd.DataFrame", names: Sequence[str], *, by: str = "clinic",
                    decisions: Sequence[RatingRow] = (), decisions_path: str | Path | None = None,
                    allow_unresolved: bool = False) -> tuple[ConsensusResult, list[RatingRow]]:
    """Build the consensus rating layer (rater ``consensus``) from the raters' ratings.

    For each case and construct: where every rater gave the same value (missing included),
    that value; where they differ, the value agreed in the reconciliation file ``decisions``
    (the sheet :func:`rating_disagreements` writes, with its ``rating`` and ``rationale``
    filled; a row whose ``rating`` is empty decides "missing" only when its ``rationale`` says
    why, and a row left wholly blank is no decision). The raters' own ratings are never changed;
    the consensus layer for the case kind is rebuilt whole. A quote pinned in the reconciliation file, else by the first rater (in
    ``names`` order) who pinned one, is the consensus cell's pinned quote.

    Parameters
    ----------
    frame : DataFrame
        The raters' ratings of case kind ``by`` (:func:`rating_frame`).
    names : sequence of str
        The raters to combine.
    by : str
    decisions : sequence of RatingRow
        The rows of the reconciliation file (:func:`read_rating_file` of the sheet
        :func:`rating_disagreements` writes, with its ``rating`` and ``rationale`` filled).
    decisions_path : path, optional
        That file, named in errors.
    allow_unresolved : bool
        Write disagreements without a decision as missing, with a rationale naming the
        raters' values (default: refuse and list them).

    Returns
    -------
    result : ConsensusResult
        ``written`` is left for the caller to set once the rows are stored.
    rows : list of RatingRow
        The consensus layer for the case kind, to store as rater ``consensus``.

    Raises
    ------
    InputError
        Bad cells in the decisions file; or disagreements left without a decision.
    """
    names = list(names)
    if len(names) < 2:
        raise InputError("a consensus needs two or more raters", hint="import each rater's worksheet first")
    # a row left blank (no rating, no rationale) decides nothing: missing by decision needs a reason
    chosen = {(r.case_id, r.construct): r for r in decisions if r.rating is not None or (r.rationale or "").strip()}
    given: dict[tuple[str, str], dict[str, tuple[str | None, str | None]]] = {}
    quotes: dict[tuple[str, str], dict[str, str]] = {}
    for r in frame.itertuples(index=False):
        given.setdefault((r.case_id, r.construct), {})[r.rater] = (r.rating, r.rationale)
        if isinstance(getattr(r, "quote", None), str) and r.quote:
            quotes.setdefault((r.case_id, r.construct), {})[r.rater] = r.quote

    def pinned(key: tuple[str, str], decided: str | None = None) -> str | None:
        """The quote pinned in reconciliation, else the first rater's (in ``names`` order)."""
        return decided or next((quotes[key][n] for n in names if n in quotes.get(key, {})), None)

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
                                     d.rationale or "reconciled: " + ", ".join(f"{n} {v or 'missing'}" for n, v in per.items()),
                                     pinned((case, construct), d.quote)))
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
            out.append(RatingRow(0, by, case, construct, value, why, pinned((case, construct))))
            result.agreed += 1
        else:
            result.unresolved.append((case, construct, per))
            if allow_unresolved:
                out.append(RatingRow(0, by, case, construct, None,
                                     "UNRESOLVED: " + ", ".join(f"{n} {v or 'missing'}" for n, v in per.items())))
    unused = set(chosen) - set(given)
    if unused:
        case, construct = sorted(unused)[0]
        raise InputError(f"the reconciliation file rates {case} / {construct}, which no rater rated", path=decisions_path,
                         line=chosen[(case, construct)].row, hint="check the case and construct")
    if result.unresolved and not allow_unresolved:
        first = result.unresolved[0]
        raise InputError(
            f"{len(result.unresolved)} disagreement(s) have no decision; first: {first[0]} / {first[1]} "
            + ", ".join(f"{n} {v or 'missing'}" for n, v in first[2].items()), path=decisions_path,
            hint="write them with `mio-qual ratings disagreements --out FILE`, fill 'rating' and 'rationale' (an empty "
                 "rating with a rationale decides 'missing'), and pass --decisions FILE (or --allow-unresolved)",
            details=[f"{c} / {k}: " + ", ".join(f"{n} {v or 'missing'}" for n, v in p.items())
                     for c, k, p in result.unresolved])
    return result, out


__all__ = ["read_rating_file", "check_rater", "summarize_import", "rating_frame", "order_raters", "default_rater",
           "construct_matrix", "matrix_result", "rating_agreement", "rating_disagreements", "disagreements_table",
           "build_consensus",
           "RatingImport", "RatingRow", "ConsensusResult", "CONSENSUS", "NUMERIC", "MIXED", "RATING_COLUMNS"]
