"""The counselor level: the link from a participant's study id to a counselor id, and what joins through it.

H3a is about counselors, so a counselor's interview codes, characteristics (measures such as
the EBPAS), fidelity and feasibility must meet in one row. The link table (study_id,
counselor_id, clinic) is the one place that says which interview participant is which
counselor in the fidelity and FIM data (DESIGN.md, decision 13). :func:`counselor_display`
joins them; :func:`case_matrix` orders any such rows (or clinics) by an outcome.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def read_link_file(path: str | Path, *, study_ids: Sequence[str] = (),
                   clinics: Sequence[str] = ()) -> list[tuple[str, str, str | None, str | None]]:
    """Read a link table: columns study_id, counselor_id, clinic and optionally agency.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX.
    study_ids : sequence of str
        The project's study ids (from the roster), to check against (empty: not checked).
    clinics : sequence of str
        The project's clinics, to check against (empty: not checked).

    Returns
    -------
    list of (study_id, counselor_id, clinic, agency)

    Raises
    ------
    InputError
        Every bad cell: an empty id, a study id the roster does not know, an unknown clinic, a
        study id linked twice.
    """
    from .tables import Formula, Problems, as_text, read_table

    table = read_table(path, what="counselor link table", header_contains=("study_id", "counselor_id"))
    problems = Problems(Path(path))
    known, places = set(study_ids), set(clinics)
    seen: dict[str, int] = {}
    out: list[tuple[str, str, str | None, str | None]] = []
    for n, record in table.records():
        if any(isinstance(v, Formula) for v in record.values()):
            problems.add(f"row {n}: holds a formula", n)
            continue
        study_id, counselor = as_text(record.get("study_id")), as_text(record.get("counselor_id"))
        clinic, agency = as_text(record.get("clinic")) or None, as_text(record.get("agency")) or None
        if not study_id or not counselor:
            problems.add(f"{table.where(n, 'study_id' if not study_id else 'counselor_id')}: empty", n)
            continue
        if known and study_id not in known:
            problems.add(f"{table.where(n, 'study_id')}: {study_id!r} is no participant of this project's roster", n)
        if places and clinic and clinic not in places:
            problems.add(f"{table.where(n, 'clinic')}: {clinic!r} is not a clinic of this project", n)
        if study_id in seen:
            problems.add(f"{table.where(n, 'study_id')}: {study_id} is already linked in row {seen[study_id]}", n)
            continue
        seen[study_id] = n
        out.append((study_id, counselor, clinic, agency))
    problems.raise_if_any("counselor link table", "correct the cells listed and import the file again")
    if not out:
        raise InputError("the counselor link table has no rows", path=Path(path),
                         hint="columns study_id, counselor_id, clinic; one row per interviewed counselor")
    return out


def counselor_display(links: "pd.DataFrame", quant: "pd.DataFrame", excerpts: "pd.DataFrame", *,
                      outcome: str = "fidelity", measures: "pd.DataFrame | None" = None,
                      constructs: Sequence[str] = (), top: int = 4) -> "pd.DataFrame":
    """One row per linked counselor: clinic, study id(s), interview codes, measures, outcomes.

    Parameters
    ----------
    links : DataFrame
        study_id, counselor_id, clinic, agency.
    quant : DataFrame
        Quantitative values with a ``counselor_id`` column (:meth:`Project.quant`).
    excerpts : DataFrame
        Coded excerpts by participant (:func:`mio_qual.mixed.evidence.evidence`), with
        speaker_id, construct, via.
    outcome : str
        The measure rows are ordered by (highest first); counselors without it come last.
    measures : DataFrame, optional
        Respondent scores (:func:`mio_qual.mixed.measures.score`) of counselor-level
        instruments, keyed by counselor_id or respondent_id; their totals become columns.
    constructs : sequence of str
        Constructs to count per counselor (columns ``n <construct>``); besides them the
        ``codes`` column names the counselor's ``top`` most coded codes.

    Returns
    -------
    pandas.DataFrame
        counselor_id, clinic, study_ids, n_excerpts, codes, [n <construct> ...],
        [<instrument> total ...], then per quantitative measure its counselor mean and n
        (``fidelity``, ``fidelity_n`` ...), ordered by ``outcome``.
    """
    import pandas as pd

    from ..validation import measure_name

    by_counselor: dict[str, list[str]] = {}
    clinic_of: dict[str, str | None] = {}
    for study_id, counselor, clinic in zip(links["study_id"], links["counselor_id"], links["clinic"]):
        by_counselor.setdefault(counselor, []).append(study_id)
        clinic_of.setdefault(counselor, clinic if isinstance(clinic, str) else None)
    direct = excerpts[~excerpts["via"].astype(bool)] if len(excerpts) else excerpts
    rows = []
    values = quant[quant["counselor_id"].notna()] if len(quant) and "counselor_id" in quant.columns else None
    # scored measures only: the items of FIM/AIM/IAM (fim_1 ...) stay in the quantitative tables
    names = sorted(m for m in set(values["measure"]) if not re.search(r"_\d+$", m)) if values is not None else []
    for counselor, study_ids in by_counselor.items():
        said = direct[direct["speaker_id"].isin(study_ids)] if len(direct) else direct
        counts = said["construct"].value_counts() if len(said) else pd.Series(dtype=int)
        row: dict[str, object] = {"counselor_id": counselor, "clinic": clinic_of[counselor],
                                  "study_ids": ", ".join(sorted(study_ids)), "n_excerpts": int(len(said)),
                                  "codes": "; ".join(f"{c} x{int(n)}" for c, n in counts.head(top).items())}
        for construct in constructs:
            row[f"n {construct}"] = int(counts.get(construct, 0))
        if measures is not None and len(measures):
            key = "counselor_id" if measures["counselor_id"].notna().any() else "respondent_id"
            mine = measures[(measures[key] == counselor) & (measures["scale"] == "total")]
            for instrument, score in zip(mine.get("instrument", pd.Series(["measure"] * len(mine))), mine["score"]):
                row[f"{instrument} total"] = float(score)
        if values is not None:
            own = values[values["counselor_id"] == counselor]
            for name in names:
                series = own.loc[own["measure"] == name, "value"].dropna()
                row[name] = float(series.mean()) if len(series) else math.nan
                row[f"{name}_n"] = int(len(series))
        rows.append(row)
    frame = pd.DataFrame(rows)
    key = measure_name(outcome)
    if key in frame.columns:
        frame = frame.sort_values([key, "counselor_id"], ascending=[False, True], na_position="last", kind="stable")
    return frame.reset_index(drop=True)


def case_matrix(rows: Mapping[str, "pd.Series"], outcome: "pd.Series", *, outcome_name: str = "outcome",
                case_kind: str = "clinic") -> "pd.DataFrame":
    """A case-ordered predictor x outcome matrix (Miles, Huberman & Saldana 2014): cases as columns,
    ordered by the outcome (highest first), any measure, rating or coded theme as a row.

    Parameters
    ----------
    rows : mapping
        Row label -> values by case (a measure's clinic means, a construct's ratings, a theme's
        excerpt counts ...); cases missing from a row are blank.
    outcome : Series
        The outcome by case; cases without it are left out (and named in ``attrs['left_out']``).

    Returns
    -------
    pandas.DataFrame
        Index: the outcome first, then the rows in the order given; columns: the cases by outcome.

    Examples
    --------
    >>> import pandas as pd
    >>> m = case_matrix({"IS.J2": pd.Series({"a": "+1", "b": "-2"}), "ICS total": pd.Series({"a": 2.1, "b": 3.0})},
    ...                 pd.Series({"a": 3.2, "b": 4.1, "c": None}), outcome_name="fidelity")
    >>> list(m.columns), list(m.index), m.attrs["left_out"]
    (['b', 'a'], ['fidelity', 'IS.J2', 'ICS total'], ['c'])
    """
    import pandas as pd

    present = outcome.dropna().astype(float)
    order = list(present.sort_values(ascending=False, kind="stable").index)
    frame = pd.DataFrame({case: [present[case], *[rows[r].get(case) if case in rows[r].index else None for r in rows]]
                          for case in order}, index=[outcome_name, *rows], dtype=object)
    frame.columns.name = case_kind
    frame.attrs["left_out"] = [c for c in outcome.index if c not in present.index]
    return frame


__all__ = ["read_link_file", "counselor_display", "case_matrix"]
