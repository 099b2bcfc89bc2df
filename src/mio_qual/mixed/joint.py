"""Joint displays of construct ratings and quantitative outcomes.

Three displays, after Fetters, Curry & Creswell (2013) and Guetterman, Fetters & Creswell
(2015), each returned as a :class:`JointDisplay` (a DataFrame with its title and notes) whose
:meth:`JointDisplay.result` :func:`mio_qual.reports.render.render` writes as CSV, XLSX, a Word
table or (case-ordered) a heatmap. They are computed from a :class:`JointData` (ratings,
quantitative values, constructs, excerpts) that :class:`~mio_qual.project.Project` gathers:

1. :func:`case_ordered`: the construct x case matrix with cases ordered by an outcome and
   constructs flagged as distinguishing high- from low-outcome cases (Damschroder & Lowery
   2013); the rule is a parameter (:class:`DistinguishRule`) and is stated in the notes;
2. :func:`side_by_side`: construct | quantitative result | qualitative finding with exemplar
   quotes | fit (confirmation, expansion, discordance). Fit is the analyst's interpretation
   (Fetters, Curry & Creswell 2013): it comes only from the analyst's fit file and is empty
   without one; a ``direction_summary`` column beside it (Spearman's rho of rating against
   outcome, with its n) is named as what it is and is never turned into a fit;
3. :func:`stats_by_theme`: outcome scores grouped by the rating each case got on a construct.

All three displays state under them the one distinguishing rule in force and the number of
rated cases per group.

References
----------
Fetters, M. D., Curry, L. A., & Creswell, J. W. (2013). Achieving integration in mixed methods
designs: principles and practices. *Health Services Research*, 48(6 Pt 2), 2134-2156.

Guetterman, T. C., Fetters, M. D., & Creswell, J. W. (2015). Integrating quantitative and
qualitative results in health science mixed methods research through joint displays.
*Annals of Family Medicine*, 13(6), 554-561.

Damschroder, L. J., & Lowery, J. C. (2013). Evaluation of a large-scale weight management
program using the consolidated framework for implementation research (CFIR).
*Implementation Science*, 8, 51.

Spearman, C. (1904). The proof and measurement of association between two things.
*American Journal of Psychology*, 15(1), 72-101.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import InputError
from ..result import Figure, Result, Table
from ..validation import RULES, check_values, measure_name
from .aggregate import outcome_by_case, summarize_values
from .constructs import Constructs, as_list
from .evidence import pick_quotes
from .quant import MEASURES
from .ratings import construct_matrix, default_rater
from .ratings_scale import RATINGS, score, valence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

FITS: tuple[str, ...] = ("confirmation", "expansion", "discordance")
DISPLAYS: tuple[str, ...] = ("case-ordered", "side-by-side", "stats-by-theme")
CRITERIA: tuple[str, ...] = RULES["criterion"].choices  # difference, separation
LABELS = ("distinguishing", "weakly distinguishing", "not distinguishing", "reverse", "insufficient data")


# ---------------------------------------------------------------------------- the rule
@dataclass(frozen=True)
class DistinguishRule:
    """When a construct counts as distinguishing high- from low-outcome cases.

    Cases are split into a high and a low group by the outcome; the construct's mean rating
    score in each group is compared (X and missing ratings left out of the means):

    * ``distinguishing``: mean(high) - mean(low) >= ``strong``;
    * ``weakly distinguishing``: ``weak`` <= difference < ``strong``;
    * ``reverse``: difference <= -``weak`` (rated higher where the outcome is lower);
    * ``not distinguishing``: |difference| < ``weak``;
    * ``insufficient data``: a group has fewer than ``min_rated`` rated cases (default 2, so that
      no flag rests on one case per group).

    This fixed threshold on a difference of group means is mio-qual's operationalization, stated
    in every display. It is not Damschroder & Lowery's (2013) procedure: they judged from the
    pattern of ratings across the cases which constructs distinguished, with no numeric rule, and
    flagged some constructs rated in only one low case. Their published ratings (their Table 3,
    in ``tests/mixed/test_joint.py``) show where the two part: with one low site rated +2 like
    every high site, Adaptability has a mean difference of 2 but no distinguishing pattern, and
    Tension for Change (0, 0 against +1, +1) is a strong pattern with a difference of 1. Read the
    flags as a screen; ``n_high``, ``n_low`` and ``difference`` are beside every flag.

    With ``criterion="separation"`` the groups' ratings are compared instead of their means:

    * ``distinguishing``: every rated high case is rated above every rated low case, and every
      rated high case is rated positive (+1 or +2);
    * ``weakly distinguishing``: the groups are separated so, but a high case is rated 0 or below;
    * ``reverse``: every rated high case is rated below every rated low case;
    * ``not distinguishing``: the groups' ratings overlap; ``insufficient data`` as above.

    It reads the pattern rather than a mean, and reproduces each of the 21 flags of
    Damschroder & Lowery's (2013) Table 3 that ``tests/mixed/test_joint.py`` holds (with
    ``min_rated=1``: they flagged Planning with one rated low site); the difference rule, with the same
    ``min_rated``, departs on nine of them. It is inferred from their published table, not a rule they state.

    Parameters
    ----------
    split : {"halves", "extremes", "threshold"}
        ``halves``: the upper half of cases by outcome against the lower half (with an odd
        number the middle case is in neither); ``extremes``: the single highest against the
        single lowest case; ``threshold``: cases at or above ``threshold`` against those below.
        With ``halves`` and ``extremes`` a case whose outcome ties with a case outside its
        group is in neither group (otherwise the order of the rows would decide it).
    threshold : float, optional
        For ``split="threshold"``.
    high, low : sequence of str, optional
        Name the groups directly (overrides ``split``).
    strong, weak : float
        Differences of mean score (default 2 and 1 scale points); ``criterion="difference"`` only.
    min_rated : int
        Rated cases each group needs (default 2).
    criterion : {"difference", "separation"}
        Compare the groups' mean ratings against ``strong`` and ``weak`` (default), or ask whether
        the groups' ratings are separated (see above).
    """

    split: str = "halves"
    threshold: float | None = None
    high: tuple[str, ...] | None = None
    low: tuple[str, ...] | None = None
    strong: float = 2.0
    weak: float = 1.0
    min_rated: int = 2
    criterion: str = "difference"

    def __post_init__(self) -> None:
        # the options' rules and words, as on the command line (--criterion, --split, --min-rated ...)
        check_values(criterion=self.criterion, split=self.split, min_rated=self.min_rated, strong=self.strong,
                     weak=self.weak)
        if self.split == "threshold" and self.threshold is None and not self.high:
            raise InputError("split 'threshold' needs a threshold", hint="threshold= / --threshold takes the outcome "
                             "value from which a case is high")
        if self.weak > self.strong:
            raise InputError(f"invalid weak {self.weak!r} above strong {self.strong!r}",
                             hint="weak= / --weak takes a difference no larger than strong= / --strong")

    def groups(self, outcomes: "pd.Series") -> tuple[list[str], list[str]]:
        """High and low cases, each ordered by outcome (highest first)."""
        ordered = list(outcomes.sort_values(ascending=False, kind="stable").index)
        if self.high or self.low:
            high = [c for c in ordered if c in set(self.high or ())]
            low = [c for c in ordered if c in set(self.low or ())]
            return high, low
        if self.split == "threshold":
            return ([c for c in ordered if outcomes[c] >= self.threshold],  # type: ignore[operator]
                    [c for c in ordered if outcomes[c] < self.threshold])  # type: ignore[operator]
        size = min(1, len(ordered) // 2) if self.split == "extremes" else len(ordered) // 2
        top, below = ordered[:size], ordered[size:]
        bottom, above = ordered[len(ordered) - size:], ordered[:len(ordered) - size]
        # a case tied with one outside its group belongs to neither: the row order must not decide
        high = [c for c in top if not below or outcomes[c] > max(outcomes[b] for b in below)]
        low = [c for c in bottom if not above or outcomes[c] < min(outcomes[a] for a in above)]
        return high, low

    def classify(self, high_scores: Sequence[float], low_scores: Sequence[float]) -> tuple[str, float]:
        """The label and the difference of means for one construct."""
        h = [s for s in high_scores if not math.isnan(s)]
        lo = [s for s in low_scores if not math.isnan(s)]
        if len(h) < self.min_rated or len(lo) < self.min_rated or not h or not lo:
            return "insufficient data", math.nan
        diff = sum(h) / len(h) - sum(lo) / len(lo)
        if self.criterion == "separation":
            if min(h) > max(lo):
                return ("distinguishing" if min(h) > 0 else "weakly distinguishing"), diff
            if max(h) < min(lo):
                return "reverse", diff
            return "not distinguishing", diff
        if diff >= self.strong:
            return "distinguishing", diff
        if diff >= self.weak:
            return "weakly distinguishing", diff
        if diff <= -self.weak:
            return "reverse", diff
        return "not distinguishing", diff

    def describe(self, high: Sequence[str], low: Sequence[str], outcome: str) -> str:
        """The rule in words, naming the groups and their sizes."""
        how = {"halves": "upper half", "extremes": "highest case", "threshold": f"at or above {self.threshold:g}"
               if self.threshold is not None else "named"}[self.split]
        if self.high or self.low:
            how = "named by the analyst"
        groups = (f"Distinguishing rule: high {outcome} cases ({how}) = {', '.join(high) or 'none'} (n = {len(high)}); "
                  f"low = {', '.join(low) or 'none'} (n = {len(low)}). ")
        ties = (" Cases whose outcome ties across the split are in neither group."
                if self.split != "threshold" and not (self.high or self.low) else "")
        if self.criterion == "separation":
            return (groups + "A construct is distinguishing when every rated high case is rated above every rated low "
                    "case and every rated high case is rated positive, weakly distinguishing when the groups are "
                    "separated so but a high case is rated 0 or below, reverse when every rated high case is rated "
                    f"below every rated low case; it needs at least {self.min_rated} rated case(s) in each group "
                    "('insufficient data' otherwise; n_high and n_low give each construct's rated cases; difference "
                    "is the difference of the group means, for information). X and missing ratings are left out. "
                    "This separation rule reads the pattern of ratings, as Damschroder & Lowery (2013) did by "
                    "judgement; it is inferred from their published ratings, not a rule they state." + ties)
        return (groups + f"A construct is distinguishing when its mean "
                f"rating in the high group minus its mean rating in the low group is at least {self.strong:g}, weakly "
                f"distinguishing when at least {self.weak:g}, reverse when at most -{self.weak:g}; it needs at least "
                f"{self.min_rated} rated case(s) in each group ('insufficient data' otherwise; n_high and n_low give "
                "each construct's rated cases). X and missing ratings are left out of the means. This threshold "
                "rule is mio-qual's; Damschroder & Lowery (2013) judged distinguishing constructs from the pattern "
                "of ratings, with no numeric rule, so their judgement can differ from these flags." + ties)


def rated_counts(matrix: "pd.DataFrame", high: Sequence[str], low: Sequence[str]) -> "pd.DataFrame":
    """Per construct, how many cases of each group have a numeric rating (X and missing do not count).

    Returns
    -------
    pandas.DataFrame
        Index construct; columns n_high, n_low.
    """
    import pandas as pd

    scored = matrix.map(lambda v: not math.isnan(score(v))) if len(matrix) else matrix
    return pd.DataFrame({"n_high": scored[list(high)].sum(axis=1) if len(high) else 0,
                         "n_low": scored[list(low)].sum(axis=1) if len(low) else 0},
                        index=matrix.index).astype(int)


def scale_note(matrix: "pd.DataFrame") -> str:
    """The scale as the display uses it, naming X as a departure when any cell holds it."""
    text = ("Ratings -2 ... +2 give valence and strength; 0 is neutral or mixed (balanced) influence; blank is "
            "missing (Damschroder & Lowery 2013).")
    n_x = int((matrix == "X").sum().sum()) if len(matrix) else 0
    if n_x:
        text += (f" {n_x} cell(s) are X (mixed, not weighed): an extension the raters opted into, not part of "
                 "Damschroder & Lowery's scale (they rate balanced influence 0); X cells are left out of means.")
    return text


# ---------------------------------------------------------------------------- results
@dataclass
class JointDisplay:
    """A joint display: its table(s), title and notes.

    Attributes
    ----------
    kind : str
    frame : DataFrame
        The display.
    title : str
    notes : list of str
    rating_columns : list of str
        Columns holding ratings (coloured by valence in XLSX and Word).
    extra : list of Table
        Further tables written with it (for example the outcome per case).
    data : dict
        What the display was built from (matrix, outcomes, flags), for analysts.
    """

    kind: str
    frame: "pd.DataFrame"
    title: str
    notes: list[str] = field(default_factory=list)
    rating_columns: list[str] = field(default_factory=list)
    extra: list[Table] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> list[Table]:
        """The display (and any extra tables) as :class:`Table` objects."""
        main = Table(self.frame, self.title, list(self.notes), list(self.rating_columns), sheet=self.kind)
        return [main, *self.extra]

    def figures(self) -> list[Figure]:
        """The case-ordered display's heatmap (other displays have no figure)."""
        return [heatmap_figure(self)] if self.kind == "case-ordered" and "matrix" in self.data else []

    def result(self) -> Result:
        """The display as a :class:`~mio_qual.result.Result` for :func:`mio_qual.reports.render.render`."""
        return Result(self.kind, self.tables(), self.figures(), title=self.title, notes=list(self.notes),
                      data=self.data)


def heatmap_figure(display: JointDisplay) -> Figure:
    """The heatmap of a case-ordered display: constructs x cases ordered by the outcome.

    Returns
    -------
    Figure
        ``kind="heatmap"``; ``frame`` the rating matrix (cells ``'+2'`` ... ``'X'`` or None);
        ``options``: names (construct -> name), outcomes (case -> value), outcome (its name),
        flags (construct -> distinguishing label).
    """
    data = display.data
    flags = data["flags"]["distinguishing"].to_dict() if "flags" in data else None
    names = dict(zip(display.frame["construct"], display.frame["name"]))
    return Figure("heatmap", data["matrix"], display.title,
                  options={"names": names, "outcomes": data["outcomes"]["value"].to_dict(),
                           "outcome": data.get("outcome", ""), "flags": flags})


@dataclass
class JointData:
    """What the joint displays are built from.

    Attributes
    ----------
    ratings : DataFrame
        Every rating of the case kind, all raters
        (:func:`mio_qual.mixed.ratings.rating_frame`).
    quant : DataFrame
        Every quantitative value (:meth:`mio_qual.project.Project.quant`).
    info : Constructs
    by : str
        The case kind.
    case_ids : sequence of str
        The project's cases of that kind.
    excerpts : DataFrame, optional
        Coded excerpts by case (:func:`mio_qual.mixed.evidence.evidence`), for the
        side-by-side display's quotes.
    names : set of str
        Names to redact from raters' rationales.
    """

    ratings: "pd.DataFrame"
    quant: "pd.DataFrame"
    info: Constructs
    by: str = "clinic"
    case_ids: Sequence[str] = ()
    excerpts: "pd.DataFrame | None" = None
    names: set[str] = field(default_factory=set)

    def raters(self) -> list[str]:
        """The raters of the case kind, consensus last."""
        from .ratings import order_raters

        return order_raters(set(self.ratings["rater"])) if len(self.ratings) else []

    def rater_ratings(self, rater: str) -> "pd.DataFrame":
        """One rater's ratings."""
        return self.ratings[self.ratings["rater"] == rater]


# ---------------------------------------------------------------------------- shared pieces
def outcome_label(outcome: str, values: "pd.DataFrame", by: str) -> str:
    """``'fidelity: clinic mean of counselors' means of their rated sessions (each counselor weighs the same)'``.

    Examples
    --------
    >>> import pandas as pd
    >>> outcome_label("fidelity", pd.DataFrame({"level": ["session -> counselor"]}), "clinic")
    "fidelity: clinic mean of counselors' means of their rated sessions (each counselor weighs the same)"
    >>> outcome_label("fim", pd.DataFrame({"level": ["counselor"]}), "clinic")
    'fim: clinic mean of counselor-level values'
    """
    from .aggregate import COUNSELOR_LEVEL

    name = measure_name(outcome)
    levels = ", ".join(sorted(set(values["level"]))) if len(values) else ""
    shown = name if outcome.lower() == name else f"{outcome} ({name})"
    if levels == COUNSELOR_LEVEL:
        return f"{shown}: {by} mean of counselors' means of their rated sessions (each counselor weighs the same)"
    if levels == "session":
        return f"{shown}: {by} mean of every rated session pooled (a counselor with more sessions weighs more)"
    return f"{shown}: {by} mean of {levels}-level values" if levels and levels != by else f"{shown}: {by} value"


def _inputs(data: JointData, outcome: str, rater: str | None,
            constructs: Sequence[str] | None) -> tuple["pd.DataFrame", "pd.DataFrame", str, Constructs]:
    by, info = data.by, data.info
    if by not in ("clinic", "agency"):
        raise InputError(f"joint displays line ratings up with outcomes by clinic or agency, not {by!r}",
                         hint="use --by clinic or --by agency")
    outcomes = outcome_by_case(data.quant, outcome, by=by)
    rater = rater or default_rater(data.raters(), by)
    matrix = construct_matrix(data.rater_ratings(rater), info, by, rater=rater, case_ids=data.case_ids,
                              constructs=constructs)
    rated_cases = [c for c in matrix.columns if c in outcomes.index]
    missing = [c for c in matrix.columns if c not in outcomes.index and matrix[c].notna().any()]
    outcomes = outcomes.loc[[c for c in outcomes.index if c in set(rated_cases)]]
    outcomes = outcomes[outcomes["value"].notna()]
    if len(outcomes) < 2:
        raise InputError(f"only {len(outcomes)} {by}(s) have both ratings and a value of {outcome!r}",
                         hint="a joint display needs two or more cases with both")
    order = list(outcomes["value"].sort_values(ascending=False, kind="stable").index)
    matrix = matrix[order]
    outcomes = outcomes.loc[order]
    outcomes.attrs["left_out"] = missing
    return matrix, outcomes, rater, info


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation (Spearman 1904): Pearson's r of the ranks, ties given mean ranks.

    NaN when fewer than three pairs remain or either variable does not vary.

    Examples
    --------
    >>> spearman([2, 1, -1, -2], [4.4, 3.9, 3.4, 2.6])
    1.0
    >>> round(spearman([1, 2, 2, 0], [3.0, 1.0, 2.0, 4.0]), 3)
    -0.949
    """
    import pandas as pd

    pairs = [(a, b) for a, b in zip(x, y) if not (math.isnan(a) or math.isnan(b))]
    if len(pairs) < 3:
        return math.nan
    rx = pd.Series([a for a, _ in pairs]).rank(method="average")
    ry = pd.Series([b for _, b in pairs]).rank(method="average")
    if rx.nunique() < 2 or ry.nunique() < 2:
        return math.nan
    return float(rx.corr(ry))


def _fmt(value: float, digits: int = 2) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


# ---------------------------------------------------------------------------- display 1
def case_ordered(data: JointData, outcome: str = "fidelity", *, rater: str | None = None,
                 rule: DistinguishRule | None = None, constructs: Sequence[str] | None = None,
                 sort: str = "codebook") -> JointDisplay:
    """Case-ordered construct matrix: cases ordered by ``outcome``, distinguishing constructs flagged.

    Parameters
    ----------
    data : JointData
        Ratings, outcomes and constructs; ``data.by`` (clinic or agency) is the case kind.
    outcome : str
        A stored measure or alias (``fidelity``, ``feasibility`` ...).
    rater : str, optional
        Default the consensus layer (see :func:`mio_qual.mixed.ratings.default_rater`).
    rule : DistinguishRule, optional
        Default ``DistinguishRule()`` (halves; strong 2, weak 1).
    constructs : sequence of str, optional
    sort : {"codebook", "distinguishing"}
        Construct order: codebook order, or distinguishing constructs first (then by difference).

    Returns
    -------
    JointDisplay
        ``frame`` columns: construct, name, one column per case (highest outcome first),
        n_high, n_low (rated cases per group), difference (mean high - mean low),
        distinguishing (the label). Its first row gives the outcome per case. ``data`` holds
        ``matrix``, ``outcomes``, ``high``, ``low``, ``flags``.
    """
    import pandas as pd

    rule = rule or DistinguishRule()
    by = data.by
    matrix, outcomes, rater, info = _inputs(data, outcome, rater, constructs)
    high, low = rule.groups(outcomes["value"])
    flags = []
    for construct in matrix.index:
        scores = {c: score(matrix.at[construct, c]) for c in matrix.columns}
        label, diff = rule.classify([scores[c] for c in high], [scores[c] for c in low])
        flags.append((construct, label, diff))
    flag_frame = pd.DataFrame(flags, columns=["construct", "distinguishing", "difference"]).set_index("construct")
    flag_frame = flag_frame.join(rated_counts(matrix, high, low))
    label = outcome_label(outcome, outcomes, by)
    cases = list(matrix.columns)
    rows = [{"construct": "", "name": f"{outcome} ({by} mean)", **{c: _fmt(outcomes.at[c, "value"]) for c in cases},
             "n_high": "", "n_low": "", "difference": "", "distinguishing": ""}]
    order = list(matrix.index)
    if sort == "distinguishing":
        rank = {lab: i for i, lab in enumerate(LABELS)}
        order.sort(key=lambda c: (rank[flag_frame.at[c, "distinguishing"]],
                                  -abs(flag_frame.at[c, "difference"]) if not math.isnan(flag_frame.at[c, "difference"]) else 0,
                                  info.order_key(c)))
    for construct in order:
        diff = flag_frame.at[construct, "difference"]
        rows.append({"construct": construct, "name": info.name(construct),
                     **{c: matrix.at[construct, c] if matrix.at[construct, c] is not None else "" for c in cases},
                     "n_high": int(flag_frame.at[construct, "n_high"]), "n_low": int(flag_frame.at[construct, "n_low"]),
                     "difference": "" if math.isnan(diff) else f"{diff:+.1f}",
                     "distinguishing": flag_frame.at[construct, "distinguishing"]})
    frame = pd.DataFrame(rows, columns=["construct", "name", *cases, "n_high", "n_low", "difference", "distinguishing"])
    counts = flag_frame["distinguishing"].value_counts()
    notes = [
        f"Cases ordered by {label}, highest first; n per case: "
        + ", ".join(f"{c} {int(outcomes.at[c, 'n'])}" for c in cases) + ".",
        rule.describe(high, low, outcome),
        f"Ratings: {rater}. " + scale_note(matrix),
        "Flags: " + ", ".join(f"{lab} {int(counts.get(lab, 0))}" for lab in LABELS if counts.get(lab, 0)) + ".",
    ]
    if outcomes.attrs.get("left_out"):
        notes.append(f"Left out (rated but no {outcome} value): {', '.join(outcomes.attrs['left_out'])}.")
    outcome_table = outcomes.reset_index()[["case_id", "value", "n", "sd", "median", "level"]].rename(
        columns={"case_id": by, "value": "mean"})
    return JointDisplay("case-ordered", frame, f"Case-ordered construct matrix by {outcome}", notes,
                        rating_columns=cases,
                        extra=[Table(outcome_table, f"{outcome} by {by}", [label], sheet="outcome")],
                        data={"matrix": matrix, "outcomes": outcomes, "high": high, "low": low, "flags": flag_frame,
                              "rater": rater, "rule": rule, "outcome": outcome, "by": by})


# ---------------------------------------------------------------------------- display 2
def read_fit(path: str | Path, info: Constructs | None = None) -> dict[str, tuple[str, str]]:
    """Read the analyst's fit judgements: columns construct, fit and optionally note.

    A side-by-side display written to .xlsx or .csv, with its fit column filled in, is such a
    file; rows with an empty fit are rows not judged yet and are skipped.

    Returns
    -------
    dict
        ``{construct: (fit, note)}``.

    Raises
    ------
    InputError
        Every bad cell (unknown fit, unknown or repeated construct, formula) with its row and
        column.
    """
    from .tables import Formula, Problems, as_text, read_table

    table = read_table(path, what="fit file", header_contains=("construct", "fit"))
    problems = Problems(Path(path))
    out: dict[str, tuple[str, str]] = {}
    rows: dict[str, int] = {}
    for n, record in table.records():
        for column, value in record.items():
            if isinstance(value, Formula):
                problems.add(f"{table.where(n, column)}: holds a formula ({value.text})", n)
        construct = as_text(record.get("construct"))
        fit = as_text(record.get("fit")).lower()
        if not fit and not construct:
            continue
        if not construct:
            problems.add(f"{table.where(n, 'construct')}: the construct is empty", n)
            continue
        if info is not None and info.codes and construct not in info:
            problems.add(f"{table.where(n, 'construct')}: unknown construct {construct!r}", n)
        if not fit:  # a row the analyst has not judged yet (a filled-in side-by-side display has them)
            continue
        if fit not in FITS:
            problems.add(f"{table.where(n, 'fit')}: {fit or 'an empty cell'!r} is not a fit (use "
                         f"{', '.join(FITS)})", n)
            continue
        if construct in rows:
            problems.add(f"{table.where(n, 'construct')}: {construct} already has a fit in row {rows[construct]}", n)
            continue
        rows[construct] = n
        out[construct] = (fit, as_text(record.get("note") if "note" in record else record.get("fit_note")))
    problems.raise_if_any("fit file", "correct the cells listed and run the command again")
    return out


def direction_summary(scores: Sequence[float], outcomes: Sequence[float]) -> str:
    """The direction of the ratings against the outcome, in words, with its n: not a fit.

    Spearman's rho (Spearman 1904) between rating scores and outcome values over the cases
    rated -2 ... +2. Fewer than three rated cases, or ratings or outcomes that do not vary,
    give no rho, and the text says why. Fit (confirmation, expansion, discordance) is the
    analyst's interpretation of both strands (Fetters, Curry & Creswell 2013) and is never
    derived from this.

    Examples
    --------
    >>> direction_summary([2, 1, -1, -2], [4.5, 4, 3, 2])
    'rho = +1.00 (n = 4 rated cases)'
    >>> direction_summary([1, 1, 1, float("nan")], [4.5, 4, 3, 2])
    'no rho: the ratings do not vary (n = 3 rated cases)'
    >>> direction_summary([float("nan"), 2, float("nan"), -1], [4.5, 4, 3, 2])
    'no rho: n = 2 rated cases (3 needed)'
    """
    rated = [(a, b) for a, b in zip(scores, outcomes) if not (math.isnan(a) or math.isnan(b))]
    n = len(rated)
    if n < 3:
        return f"no rho: n = {n} rated case{'s' if n != 1 else ''} (3 needed)"
    rho = spearman([a for a, _ in rated], [b for _, b in rated])
    if math.isnan(rho):
        what = "ratings" if len({a for a, _ in rated}) < 2 else "outcomes"
        return f"no rho: the {what} do not vary (n = {n} rated cases)"
    shown = f"{rho:+.2f}".replace("-0.00", "+0.00")  # a rho of 0 computed as -1e-17 is not negative
    return f"rho = {shown} (n = {n} rated cases)"


def _quote_line(row: Any, longest: int = 320) -> str:
    """An excerpt as a display quote: its text (cut at a word near ``longest``), who said it, the
    case, and whether the analyst pinned it or it was chosen automatically."""
    text = row.text
    if len(text) > longest:
        text = text[:longest].rsplit(" ", 1)[0] + " \u2026"
    who = row.speaker_id if isinstance(row.speaker_id, str) else "participant"
    role = str(row.speaker_role).replace("_", " ") if isinstance(row.speaker_role, str) else ""
    how = "pinned by the analyst" if getattr(row, "chosen_by", "") == "analyst" else "chosen automatically"
    via = f"; via {row.code}" if getattr(row, "via", False) is True else ""
    return f"\u201c{text}\u201d ({who}{', ' + role if role else ''}, {row.case_id}; {how}{via})"


def side_by_side(data: JointData, outcome: str = "fidelity", *, rater: str | None = None,
                 fit: str | Path | dict | None = None, constructs: Sequence[str] | None = None,
                 rule: DistinguishRule | None = None, quotes: int = 3) -> JointDisplay:
    """Side-by-side joint display: construct | quantitative result | qualitative finding | fit.

    Parameters
    ----------
    data : JointData
        With ``excerpts`` (the quotes come from them) and ``names`` (redacted from rationales).
    outcome : str
    rater : str, optional
    fit : path or dict, optional
        The analyst's fit file (construct, fit, note; a side-by-side display written to .xlsx
        or .csv and filled in serves) or ``{construct: (fit, note)}``. Constructs without the
        analyst's fit have an empty fit.
    constructs : sequence of str, optional
        Rows (default: the constructs the case-ordered display flags as distinguishing, weakly
        distinguishing or reverse, and every construct in the fit file; all rated constructs
        when that leaves none).
    rule : DistinguishRule, optional
        For the default choice of rows (the same rule as the case-ordered display's).
    quotes : int
        Exemplar quotes per row (2 or 3 recommended), from the highest- and lowest-rated cases
        first, de-identified: the quote the analyst pinned for the case (the ratings' ``quote``
        column) or one chosen by :func:`mio_qual.mixed.evidence.pick_quotes`, which says so.

    Returns
    -------
    JointDisplay
        Columns: construct, name, quantitative_result, qualitative_finding, exemplar_quotes,
        fit, fit_source, fit_note, direction_summary.
    """
    import pandas as pd

    from ..deidentify import redact
    from .evidence import EVIDENCE_COLUMNS

    by, info = data.by, data.info
    ordered = case_ordered(data, outcome, rater=rater, rule=rule)
    matrix, outcomes, flags = ordered.data["matrix"], ordered.data["outcomes"], ordered.data["flags"]
    analyst = fit if isinstance(fit, dict) else (read_fit(fit, info) if fit is not None else {})
    chosen = as_list(constructs)
    if not chosen:
        flagged = [c for c in matrix.index if flags.at[c, "distinguishing"] in
                   ("distinguishing", "weakly distinguishing", "reverse")]
        chosen = info.sort([*flagged, *[c for c in analyst if c in matrix.index]]) or list(matrix.index)
    unknown = [c for c in chosen if c not in matrix.index]
    if unknown:
        raise InputError(f"construct {unknown[0]!r} has no ratings from {ordered.data['rater']}",
                         hint="choose rated constructs (see `mio-qual ratings matrix`)")
    rated = data.rater_ratings(ordered.data["rater"])
    rated = rated[rated["construct"].isin(chosen)]
    # raters' rationales may name staff: de-identify them like quotes
    rationale = {(r.case_id, r.construct): redact(str(r.rationale), data.names) if r.rationale else r.rationale
                 for r in rated.itertuples(index=False)}
    pins = {(c, k): q for c, k, q in zip(rated["case_id"], rated["construct"], rated["quote"])
            if isinstance(q, str) and q.strip()} if "quote" in rated.columns else {}
    excerpts = data.excerpts if data.excerpts is not None else pd.DataFrame(columns=EVIDENCE_COLUMNS)
    excerpts = excerpts[excerpts["construct"].isin(chosen)]
    label = outcome_label(outcome, outcomes, by)
    n_fit = sum(c in analyst for c in chosen)
    rows = []
    for construct in chosen:
        cells = {c: matrix.at[construct, c] for c in matrix.columns}
        scores = [score(cells[c]) for c in matrix.columns]
        values = [float(outcomes.at[c, "value"]) for c in matrix.columns]
        # quantitative result: the outcome among cases grouped by valence of their rating
        groups: dict[str, list[str]] = {}
        for c in matrix.columns:
            s, r = score(cells[c]), cells[c]
            key = ("rated +1/+2" if s > 0 else "rated 0" if s == 0 else "rated -1/-2") if not math.isnan(s) else \
                ("rated X" if r == "X" else "not rated")
            groups.setdefault(key, []).append(c)
        parts = []
        for key in ("rated +1/+2", "rated 0", "rated -1/-2", "rated X", "not rated"):
            if key in groups:
                members = groups[key]
                mean = sum(outcomes.at[c, "value"] for c in members) / len(members)
                parts.append(f"{key}: " + ", ".join(f"{c} {_fmt(outcomes.at[c, 'value'])}" for c in members)
                             + (f" (mean {_fmt(mean)})" if len(members) > 1 else ""))
        quantitative = f"{outcome}: " + "; ".join(parts)
        # qualitative finding: ratings, and the rationale at the two ends
        rated_cases = [c for c in matrix.columns if cells[c] is not None]
        by_score = sorted(rated_cases, key=lambda c: (-score(cells[c]) if not math.isnan(score(cells[c])) else 0))
        finding = "Rated " + ", ".join(f"{c} {cells[c] if cells[c] is not None else 'missing'}" for c in matrix.columns) + "."
        ends = [c for c in dict.fromkeys([by_score[0], by_score[-1]]) if rationale.get((c, construct))] if by_score else []
        for c in ends:
            text = " ".join(str(rationale[(c, construct)]).split())
            finding += f" {c}: {text if len(text) <= 220 else text[:220].rsplit(' ', 1)[0] + ' …'}"
        ex = excerpts[excerpts["construct"] == construct] if len(excerpts) else excerpts
        numeric_cases = [c for c in by_score if not math.isnan(score(cells[c]))]
        quote_order = list(dict.fromkeys([*numeric_cases[:1], *numeric_cases[-1:], *numeric_cases[1:-1],
                                          *[c for c in matrix.columns if c not in numeric_cases]]))
        pinned = {c: redact(pins[(c, construct)], data.names) for c in matrix.columns if (c, construct) in pins}
        picked = pick_quotes(ex, quotes, cases=quote_order, valence={c: valence(cells[c]) for c in matrix.columns},
                             pinned=pinned)
        chosen_quotes = [_quote_line(row) for row in picked.itertuples()]
        fit_value, fit_note = analyst.get(construct, ("", ""))
        rows.append({"construct": construct, "name": info.name(construct), "quantitative_result": quantitative,
                     "qualitative_finding": finding, "exemplar_quotes": "\n".join(chosen_quotes),
                     "fit": fit_value, "fit_source": "analyst" if construct in analyst else "",
                     "fit_note": fit_note, "direction_summary": direction_summary(scores, values)})
    frame = pd.DataFrame(rows, columns=["construct", "name", "quantitative_result", "qualitative_finding",
                                        "exemplar_quotes", "fit", "fit_source", "fit_note", "direction_summary"])
    notes = [
        f"Quantitative strand: {label}; cases grouped by the valence of their rating on the construct.",
        f"Qualitative strand: ratings by {ordered.data['rater']} with the rationale of the highest- and lowest-rated "
        "cases; quotes are de-identified (study id and role; roster names replaced by [name]).",
        (f"Fit (Fetters, Curry & Creswell 2013) is the analyst's judgement, from the fit file for {n_fit} of "
         f"{len(frame)} row(s); the others are left empty until the team judges them." if n_fit else
         "Fit (Fetters, Curry & Creswell 2013) is left empty: it is the analyst's judgement and no fit file was "
         "given."),
        f"direction_summary is not a fit: Spearman's rho of rating against {outcome} over the rated cases, with its n "
        "(three or more rated cases needed); with this few cases it describes, it does not test.",
        "Quotes: pinned by the analyst (the ratings' quote column) where given, otherwise chosen automatically "
        "(excerpts coded with the construct first, readable length, matching the rating's valence where coders "
        "noted one); each quote says which.",
        "Rows: " + ("as chosen." if constructs else "constructs the case-ordered display flags as distinguishing, "
                    "weakly distinguishing or reverse under the rule below, and those in the analyst's fit file."),
        ordered.notes[1],
        scale_note(matrix),
    ]
    return JointDisplay("side-by-side", frame, f"Side-by-side joint display: CFIR constructs and {outcome}", notes,
                        data={"matrix": matrix, "outcomes": outcomes, "flags": flags, "rater": ordered.data["rater"]})


# ---------------------------------------------------------------------------- display 3
def stats_by_theme(data: JointData, outcome: str = "fidelity", *, rater: str | None = None,
                   constructs: Sequence[str] | None = None, rule: DistinguishRule | None = None) -> JointDisplay:
    """Statistics by theme: the outcome grouped by the rating each case got on each construct.

    For each construct and each rating value given: the cases, the mean and SD of their case
    means (the case is the unit: n = cases), and the pooled unit-level values of those cases
    (n, mean, SD, median of, for example, every session's fidelity score).

    The notes state the distinguishing rule in force (``rule``, the same one the other
    displays use) with the cases in each group, so that the three displays are read alike.

    Returns
    -------
    JointDisplay
        Columns: construct, name, rating, cases, n_cases, case_mean, case_sd, n_units,
        unit_mean, unit_sd, unit_median.
    """
    import pandas as pd

    by = data.by
    rule = rule or DistinguishRule()
    matrix, outcomes, rater, info = _inputs(data, outcome, rater, constructs)
    high, low = rule.groups(outcomes["value"])
    name = measure_name(outcome)
    units = data.quant[data.quant["measure"] == name] if len(data.quant) else data.quant
    rows = []
    order = {r: i for i, r in enumerate(RATINGS)}
    for construct in matrix.index:
        groups: dict[str, list[str]] = {}
        for case in matrix.columns:
            value = matrix.at[construct, case]
            groups.setdefault(value if value is not None else "missing", []).append(case)
        for rating in sorted(groups, key=lambda r: order.get(r, len(order))):
            cases = groups[rating]
            case_stats = summarize_values([float(outcomes.at[c, "value"]) for c in cases])
            unit_values = units.loc[units[by].isin(cases), "value"].tolist() if len(units) else []
            unit_stats = summarize_values(unit_values)
            rows.append({"construct": construct, "name": info.name(construct), "rating": rating,
                         "cases": ", ".join(cases), "n_cases": len(cases),
                         "case_mean": case_stats["mean"], "case_sd": case_stats["sd"],
                         "n_units": unit_stats["n"], "unit_mean": unit_stats["mean"], "unit_sd": unit_stats["sd"],
                         "unit_median": unit_stats["median"]})
    frame = pd.DataFrame(rows, columns=["construct", "name", "rating", "cases", "n_cases", "case_mean", "case_sd",
                                        "n_units", "unit_mean", "unit_sd", "unit_median"])
    for column in ("case_mean", "case_sd", "unit_mean", "unit_sd", "unit_median"):
        frame[column] = frame[column].astype(float).round(3)
    level = ", ".join(sorted(set(units["level"]))) if len(units) else ", ".join(sorted(set(outcomes["level"])))
    notes = [f"Outcome: {outcome_label(outcome, outcomes, by)}. case_mean/case_sd: over the cases' means "
             f"(n = cases); unit_*: the {level}-level values of those cases pooled. SD uses n - 1.",
             f"Ratings: {rater}. With {len(outcomes)} cases these are descriptions, not tests.",
             rule.describe(high, low, outcome), scale_note(matrix)]
    return JointDisplay("stats-by-theme", frame, f"Statistics by theme: {outcome} by construct rating", notes,
                        rating_columns=["rating"], data={"matrix": matrix, "outcomes": outcomes, "rater": rater})


def display_key(display: str) -> str:
    """A display's name as :data:`DISPLAYS` spells it (``case_ordered`` -> ``case-ordered``).

    Raises
    ------
    InputError
        For an unknown display, and for ``qca``: configurational analysis is
        :meth:`mio_qual.project.Project.configurations` (csQCA with minimization, CNA), where
        the analyst names the conditions and their calibration.
    """
    key = display.replace("_", "-")
    if key == "qca":
        raise InputError("the crisp-set truth table is now part of configurational analysis, with minimization",
                         hint="mio-qual configurations qca --from-ratings --outcome fidelity --rule 'fidelity >= 3.5' "
                              "--condition IS.J2 IS.K --default-rule '>= 1' (conditions chosen from theory)")
    if key not in DISPLAYS:
        raise InputError(f"unknown joint display {display!r}", hint="use " + ", ".join(DISPLAYS))
    return key


def joint_display(data: JointData, display: str, outcome: str = "fidelity", **kwargs: Any) -> JointDisplay:
    """One of :data:`DISPLAYS` (``case-ordered``, ``side-by-side``, ``stats-by-theme``) by name."""
    functions = {"case-ordered": case_ordered, "side-by-side": side_by_side, "stats-by-theme": stats_by_theme}
    stored = measure_name(outcome)
    if outcome != stored and outcome.strip().lower() == stored and len(data.quant) and (data.quant["measure"] == stored).any():
        outcome = stored  # FIM: shown as stored (fim); an alias stays as given, an unknown name is refused as given
    return functions[display_key(display)](data, outcome, **kwargs)


__all__ = ["DistinguishRule", "JointDisplay", "JointData", "case_ordered", "side_by_side", "stats_by_theme",
           "joint_display", "display_key", "heatmap_figure", "read_fit", "direction_summary", "spearman", "rated_counts",
           "scale_note", "FITS", "DISPLAYS",
           "MEASURES"]
