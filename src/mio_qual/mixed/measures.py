"""Climate and counselor measures scored as their manuals say, and aggregated to the clinic with a check.

Items are identified by number only (no item wording is kept or shown). An :class:`Instrument`
says how many items a measure has, their response range, which items form each subscale,
which items are reversed, how the total is formed, and where its key comes from (``key_source``)
or what of it is assumed (``key_assumed``, printed with every aggregation). Four are defined:

* ``ics``: Implementation Climate Scale (Ehrhart, Aarons & Farahnak 2014): 18 items scored
  0-4, six subscales of three items (focus on EBP, educational support, recognition, rewards,
  selection for EBP, selection for openness); total = mean of the subscale scores. Verified:
  the item count, the six subscale names and three items each, in that order (the paper's
  abstract and Table; the Dissemination & Implementation Models instrument entry for the ICS);
  items 1-3 are the focus items (Lyon et al. 2018, Implementation Science 13:5,
  doi:10.1186/s13012-017-0705-6, Table 2: the school adaptation written with the ICS's authors
  numbers its focus items ICS1-ICS3 and the ILS items 1-12 in the ILS's blocks); item 9 is a
  recognition item (a later Norwegian study, citing Peters et al. 2022, leaves this recognition
  item out of its total). **Assumed, not verified**: that items 4-18 (item 9 aside) also run in
  subscale blocks (4-6 educational support ... 16-18 selection for openness). No scoring
  instructions, scoring script or item table giving the whole numbering of the original form
  could be found. A form that orders its items otherwise needs ``--key`` (:func:`read_key`).
* ``ils``: Implementation Leadership Scale (Aarons, Ehrhart & Farahnak 2014): 12 items scored
  0-4, four subscales of three items (proactive 1-3, knowledgeable 4-6, supportive 7-9,
  perseverant 10-12); total = mean of the subscale scores. Verified: the item count and
  subscale sizes as for the ICS, and the numbering in the item table of the Norwegian ILS
  validation (BMC Psychology 2022, doi:10.1186/s40359-022-00725-8, Table 2: items numbered 1-12
  under their subscales) and in Lyon et al. 2018, Table 2 (ILS1-ILS12 in the same blocks).
* ``ebpas``: Evidence-Based Practice Attitude Scale (Aarons 2004): 15 items scored 0-4;
  requirements (11-13), appeal (9, 10, 14, 15), openness (1, 2, 4, 8), divergence (3, 5, 6,
  7); the total is the mean of all 15 items with the divergence items reversed (4 - x), the
  divergence subscale itself is reported as answered. A counselor-level measure. Verified
  against a public SPSS scoring syntax for the EBPAS (the form's two item blocks 1-8 and 9-15;
  subscale means of exactly these items; total = mean of the 15 items after 4 - x on items 3, 5,
  6, 7) and the subscale sizes 4/3/4/4 of the Dissemination & Implementation Models entry.
* ``orc``: TCU Organizational Readiness for Change (Lehman, Greener & Simpson 2002): items
  scored 1-5, each scale the mean of its items times 10 (10-50), reversed items 6 - x. The
  item-to-scale key of the form in use is not bundled: no citable source giving the item
  numbers per scale and the reversed items could be found (the TCU Institute of Behavioral
  Research distributes the scoring guide with the form). Pass it as a key file
  (:func:`read_key`) naming, per scale, its item numbers and the reversed ones.

Every scored respondent has all items of a subscale answered; a subscale with missing items is
not scored (and said so), and the number of items in the file is checked against the
instrument.

Aggregating respondents to their clinic is defensible only when they agree and clinics differ.
:func:`aggregate` reports, per clinic and scale, n, mean and SD with rwg(j) (James, Demaree &
Wolf 1984; uniform null distribution, sigma^2_EU = (A^2 - 1) / 12 for A response options,
:func:`expected_variance`, values truncated at 0 when the observed variance exceeds it, as R's
``multilevel::rwg.j``) and, per scale, ICC(1) and ICC(2) from the one-way ANOVA of respondents
within clinics (Bliese 2000; k = mean clinic size, as ``multilevel::ICC1`` and ``ICC2``). It
warns when a clinic's rwg(j) is below .70 (LeBreton & Senter 2008) or ICC(1) is below .05,
thresholds the caller may change. rwg(j) rises with the number of items J (it is the Spearman-Brown
step-up of 1 - s^2 / sigma^2_EU over J items), so a total's rwg(j) over all its items (18 for the ICS)
can pass where the subscales it averages fail: on the sample, eastgate's ICS total has rwg(j) .89
while five of its six subscales have .40-.63 and its r*wg(j) (Lindell, Brandt & Whitney 1999, which
does not rise with J) is .32. A total is therefore flagged in a group where one of its subscales
fails the check (mio-qual's rule, stated in the output), and r*wg(j) is given beside rwg(j). Checked against published values in
tests/mixed/test_measures.py: sigma^2_EU for 5, 7, 9 and 11 options (LeBreton & Senter 2008,
Table 2, as carried in LeBreton's own R package WGA), and ICC(1) = .17 and ICC(2) = .44 on
Shrout & Fleiss's (1979) six targets rated by four judges (their ICC(1,1) and ICC(1,k); the
same values R's psych package tests against); and against R in tests/mixed/test_measures_r.py:
n, mean, SD, rwg(j), single-item rwg, ICC(1) and ICC(2) equal those of ``multilevel`` 2.7
(``rwg``, ``rwg.j``, ``ICC1``, ``ICC2``) and, on balanced subsets, ``psych::ICC`` (ICC1, ICC1k) on
the sample's files and two generated ones (tests/data/oracles/multilevel). ICC(1) and ICC(2) are
reported as computed, negative values included, as multilevel does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True)
class Instrument:
    """How one measure is scored.

    Attributes
    ----------
    name : str
    title : str
    citation : str
        Key in :mod:`mio_qual.citations`.
    n_items : int
    low, high : int
        Response range of every item.
    subscales : mapping
        Subscale name -> its item numbers (1-based).
    reverse : tuple of int
        Items reversed (``low + high - x``) wherever they are scored.
    reverse_in_total : tuple of int
        Items reversed only in the total (EBPAS divergence).
    total : {"mean_of_subscales", "mean_of_items"}
    multiplier : float
        Scale scores are multiplied by this (TCU ORC: 10).
    level : str
        The respondent level (``staff`` or ``counselor``).
    key_source : str
        Where the item-to-subscale key was checked.
    key_assumed : str
        What of the key is assumed rather than checked (empty when nothing is); aggregations
        print it.
    """

    name: str
    title: str
    citation: str
    n_items: int
    low: int
    high: int
    subscales: Mapping[str, tuple[int, ...]]
    reverse: tuple[int, ...] = ()
    reverse_in_total: tuple[int, ...] = ()
    total: str = "mean_of_subscales"
    multiplier: float = 1.0
    level: str = "staff"
    key_source: str = ""
    key_assumed: str = ""

    @property
    def options(self) -> int:
        """The number of response options (A in rwg)."""
        return self.high - self.low + 1

    def check(self) -> None:
        """Every subscale item within 1..n_items, no item in two subscales."""
        seen: dict[int, str] = {}
        for scale, items in self.subscales.items():
            for item in items:
                if not 1 <= item <= self.n_items:
                    raise InputError(f"{self.name}: subscale {scale} names item {item}, outside 1-{self.n_items}")
                if item in seen:
                    raise InputError(f"{self.name}: item {item} is in {seen[item]} and {scale}")
                seen[item] = scale


def _run(start: int, names: Sequence[str], size: int = 3) -> dict[str, tuple[int, ...]]:
    return {name: tuple(range(start + i * size, start + (i + 1) * size)) for i, name in enumerate(names)}


_BLOCKS_ASSUMED = ("item numbering assumed, not verified: items {first} are taken to run in subscale blocks of "
                   "three in the published subscale order; check your form (or pass --key)")
#: What published sources number for the ICS (items 1-3 focus; item 9 recognition): the rest is assumed.
_ICS_CHECKED = ("items 1-3 = focus: Lyon et al. 2018 (doi:10.1186/s13012-017-0705-6) Table 2, the school adaptation "
                "by the ICS's authors; item 9 = recognition: a later Norwegian study citing Peters et al. 2022")

INSTRUMENTS: dict[str, Instrument] = {
    "ics": Instrument("ics", "Implementation Climate Scale", "ehrhart2014", 18, 0, 4,
                      _run(1, ["focus", "educational_support", "recognition", "rewards", "selection_ebp",
                               "selection_openness"]),
                      key_source="item count, subscale names and sizes (6 x 3): Ehrhart, Aarons & Farahnak 2014; "
                                 "Dissemination & Implementation Models instrument entry; " + _ICS_CHECKED,
                      key_assumed=_BLOCKS_ASSUMED.format(first="4-18 (item 9 aside)")),
    "ils": Instrument("ils", "Implementation Leadership Scale", "aarons2014", 12, 0, 4,
                      _run(1, ["proactive", "knowledgeable", "supportive", "perseverant"]),
                      key_source="item count, subscale names and sizes (4 x 3): Aarons, Ehrhart & Farahnak 2014; "
                                 "Dissemination & Implementation Models instrument entry; item numbers per subscale: "
                                 "the Norwegian ILS validation's item table (BMC Psychology 2022, Table 2) and Lyon et "
                                 "al. 2018 (doi:10.1186/s13012-017-0705-6) Table 2"),
    "ebpas": Instrument("ebpas", "Evidence-Based Practice Attitude Scale", "aarons2004", 15, 0, 4,
                        {"requirements": (11, 12, 13), "appeal": (9, 10, 14, 15), "openness": (1, 2, 4, 8),
                         "divergence": (3, 5, 6, 7)},
                        reverse_in_total=(3, 5, 6, 7), total="mean_of_items", level="counselor",
                        key_source="item numbers per subscale, reversed items and the total: a public SPSS "
                                   "scoring syntax for the EBPAS; subscale sizes: Dissemination & Implementation "
                                   "Models instrument entry"),
}


def read_key(path: str | Path, name: str = "orc") -> Instrument:
    """An instrument from a key file (YAML): ``n_items``, ``low``, ``high``, ``subscales`` (name -> item
    numbers), optionally ``reverse``, ``total``, ``multiplier``, ``title``, ``citation``, ``level``.

    The TCU ORC key comes from the TCU manual of the form in use; only item numbers are read.
    """
    from .tables import read_yaml

    path = Path(path)
    raw = read_yaml(path, "scoring key", "a YAML file with n_items, low, high and subscales")
    try:
        subscales = {str(k): tuple(int(i) for i in v) for k, v in raw["subscales"].items()}
        defaults = {"orc": ("TCU Organizational Readiness for Change", "lehman2002", 10.0)}.get(name, (name, "", 1.0))
        instrument = Instrument(name, str(raw.get("title", defaults[0])), str(raw.get("citation", defaults[1])),
                                int(raw["n_items"]), int(raw["low"]), int(raw["high"]), subscales,
                                tuple(int(i) for i in raw.get("reverse", ()) or ()),
                                total=str(raw.get("total", "none")),
                                multiplier=float(raw.get("multiplier", defaults[2])),
                                level=str(raw.get("level", "staff")),
                                key_source=f"the key file {path.name}")
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(f"the scoring key is incomplete or not numbers ({error})", path=path,
                         hint="give n_items, low, high and subscales: {name: [item numbers]}") from error
    instrument.check()
    return instrument


def instrument(name: str, key: str | Path | None = None) -> Instrument:
    """A bundled instrument by name, or one read from ``key``."""
    if key is not None:
        return read_key(key, name)
    if name not in INSTRUMENTS:
        hint = ("pass its scoring key from the TCU manual (--key orc_key.yaml)" if name == "orc" else
                "use " + ", ".join(INSTRUMENTS) + ", or pass a scoring key")
        raise InputError(f"no bundled scoring key for {name!r}", hint=hint)
    return INSTRUMENTS[name]


@dataclass
class ItemFile:
    """Items read from a respondent file: long records and what was found."""

    records: list[tuple[str, str | None, str | None, str | None, int, float | None]]
    respondents: int
    warnings: list[str] = field(default_factory=list)


def read_items(path: str | Path, spec: Instrument, *, prefix: str | None = None) -> ItemFile:
    """Read a respondent x item file (CSV or XLSX): columns respondent_id, clinic (or agency),
    optionally agency and counselor_id, and one column per item named ``<prefix><number>``
    (``ics1`` ... ``ics18``; the prefix defaults to the instrument's name).

    Raises
    ------
    InputError
        Every bad cell (a value outside the range, not a number, a formula), a missing item
        column or an extra one (the item count is checked), a repeated respondent.
    """
    from .tables import Formula, Problems, as_text, read_table

    prefix = (prefix or spec.name).lower()
    table = read_table(path, what=f"{spec.name} item file", header_contains=("respondent_id",))
    problems = Problems(Path(path))
    columns = [c for c in table.columns if c.lower().startswith(prefix) and c[len(prefix):].isdigit()]
    numbers = sorted(int(c[len(prefix):]) for c in columns)
    expected = list(range(1, spec.n_items + 1))
    if numbers != expected:
        missing = sorted(set(expected) - set(numbers))
        extra = sorted(set(numbers) - set(expected))
        raise InputError(f"{spec.title} has {spec.n_items} items; the file has {len(numbers)} item columns"
                         + (f" (missing {', '.join(prefix + str(i) for i in missing)})" if missing else "")
                         + (f" (unexpected {', '.join(prefix + str(i) for i in extra)})" if extra else ""),
                         path=Path(path), hint=f"name the item columns {prefix}1 ... {prefix}{spec.n_items}")
    by_number = {int(c[len(prefix):]): c for c in columns}
    records: list[tuple[str, str | None, str | None, str | None, int, float | None]] = []
    seen: dict[str, int] = {}
    for n, record in table.records():
        respondent = as_text(record.get("respondent_id"))
        if not respondent:
            problems.add(f"{table.where(n, 'respondent_id')}: the respondent is empty", n)
            continue
        if respondent in seen:
            problems.add(f"{table.where(n, 'respondent_id')}: {respondent} already answered in row {seen[respondent]}",
                         n)
            continue
        seen[respondent] = n
        clinic = as_text(record.get("clinic")) or None
        agency = as_text(record.get("agency")) or None
        counselor = as_text(record.get("counselor_id")) or None
        for item in expected:
            raw = record.get(by_number[item])
            if isinstance(raw, Formula):
                problems.add(f"{table.where(n, by_number[item])}: holds a formula ({raw.text})", n)
                continue
            text = as_text(raw)
            if not text:
                records.append((respondent, agency, clinic, counselor, item, None))
                continue
            try:
                value = float(text)
            except ValueError:
                problems.add(f"{table.where(n, by_number[item])}: {text!r} is not a number", n)
                continue
            if not (spec.low <= value <= spec.high) or not value.is_integer():
                problems.add(f"{table.where(n, by_number[item])}: {text} is outside {spec.low}-{spec.high}", n)
                continue
            records.append((respondent, agency, clinic, counselor, item, value))
    problems.raise_if_any(f"{spec.name} item file", "correct the cells listed and import the file again")
    return ItemFile(records, len(seen))


def score(items: "pd.DataFrame", spec: Instrument) -> "pd.DataFrame":
    """Subscale and total scores per respondent.

    Parameters
    ----------
    items : DataFrame
        Long items: respondent_id, agency, clinic, counselor_id, item, value (NaN for missing).
    spec : Instrument

    Returns
    -------
    pandas.DataFrame
        One row per respondent and scale: respondent_id, agency, clinic, counselor_id, scale,
        score (NaN when an item of the scale is missing), n_items, answered. Scales are the
        subscales and ``total`` (unless the instrument has none).

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"respondent_id": "r1", "agency": None, "clinic": "a", "counselor_id": None,
    ...                       "item": range(1, 16), "value": [4, 4, 0, 4, 0, 0, 0, 4, 3, 3, 2, 2, 2, 3, 3]})
    >>> scored = score(items, INSTRUMENTS["ebpas"]).set_index("scale")["score"]
    >>> [round(float(scored[s]), 3) for s in ("openness", "divergence", "requirements", "total")]
    [4.0, 0.0, 2.0, 3.333]
    """
    import pandas as pd

    wide = items.pivot_table(index="respondent_id", columns="item", values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(columns=range(1, spec.n_items + 1))
    flip = spec.low + spec.high
    reversed_ = wide.copy()
    for item in spec.reverse:
        reversed_[item] = flip - reversed_[item]
    who = items.drop_duplicates("respondent_id").set_index("respondent_id")[["agency", "clinic", "counselor_id"]]
    rows = []
    sub_scores: dict[str, pd.Series] = {}
    for scale, members in spec.subscales.items():
        block = reversed_[list(members)]
        complete = block.notna().all(axis=1)
        sub_scores[scale] = block.mean(axis=1).where(complete) * spec.multiplier
        for respondent in wide.index:
            rows.append((respondent, scale, sub_scores[scale][respondent], len(members),
                         int(block.loc[respondent].notna().sum())))
    if spec.total == "mean_of_subscales":
        total = pd.concat(sub_scores, axis=1).mean(axis=1, skipna=False)
        for respondent in wide.index:
            rows.append((respondent, "total", total[respondent], spec.n_items,
                         int(wide.loc[respondent].notna().sum())))
    elif spec.total == "mean_of_items":
        all_items = reversed_.copy()
        for item in spec.reverse_in_total:
            all_items[item] = flip - all_items[item]
        complete = all_items.notna().all(axis=1)
        total = all_items.mean(axis=1).where(complete) * spec.multiplier
        for respondent in wide.index:
            rows.append((respondent, "total", total[respondent], spec.n_items,
                         int(all_items.loc[respondent].notna().sum())))
    frame = pd.DataFrame(rows, columns=["respondent_id", "scale", "score", "n_items", "answered"])
    frame = frame.join(who, on="respondent_id")
    frame["score"] = frame["score"].astype(float)
    return frame[["respondent_id", "agency", "clinic", "counselor_id", "scale", "score", "n_items", "answered"]]


def expected_variance(options: int) -> float:
    """sigma^2_EU, the variance of a uniform (rectangular) null distribution over ``options``
    response options: (A^2 - 1) / 12 (James, Demaree & Wolf 1984).

    Examples
    --------
    LeBreton & Senter (2008, Table 2) list 2.00, 4.00, 6.67 and 10.00 for 5, 7, 9 and 11 options:

    >>> [round(expected_variance(a), 2) for a in (5, 7, 9, 11)]
    [2.0, 4.0, 6.67, 10.0]
    """
    return (options ** 2 - 1) / 12


def rwg_j(values: "pd.DataFrame", options: int) -> float:
    """rwg(j) for one group (James, Demaree & Wolf 1984): respondents x items, uniform null.

    rwg(j) = J (1 - s^2 / sigma^2_EU) / (J (1 - s^2 / sigma^2_EU) + s^2 / sigma^2_EU), with s^2
    the mean of the items' within-group variances (n - 1) and sigma^2_EU = (A^2 - 1) / 12; 0
    when s^2 exceeds sigma^2_EU; NaN with fewer than two respondents.

    Examples
    --------
    >>> import pandas as pd
    >>> round(rwg_j(pd.DataFrame({1: [3, 3, 4], 2: [3, 4, 4], 3: [2, 3, 3]}), 5), 4)
    0.9375
    """
    complete = values.dropna()
    if len(complete) < 2:
        return math.nan
    j = complete.shape[1]
    mean_var = float(complete.var(axis=0, ddof=1).mean())
    ratio = mean_var / expected_variance(options)
    if ratio >= 1:
        return 0.0
    return j * (1 - ratio) / (j * (1 - ratio) + ratio)


def rwg_j_lindell(values: "pd.DataFrame", options: int) -> float:
    """r*wg(j) for one group (Lindell, Brandt & Whitney 1999): 1 - s^2 / sigma^2_EU.

    s^2 is the mean of the items' within-group variances (n - 1) and sigma^2_EU the uniform-null
    variance, as in :func:`rwg_j`; unlike rwg(j) it does not rise with the number of items J (rwg(j)
    is a Spearman-Brown step-up of this ratio over J items) and is not truncated, so it is negative
    when respondents spread more than the uniform null. As R's ``multilevel::rwg.j.lindell``; NaN with
    fewer than two respondents.

    Examples
    --------
    >>> import pandas as pd
    >>> round(rwg_j_lindell(pd.DataFrame({1: [3, 3, 4], 2: [3, 4, 4], 3: [2, 3, 3]}), 5), 4)
    0.8333
    """
    complete = values.dropna()
    if len(complete) < 2:
        return math.nan
    return 1 - float(complete.var(axis=0, ddof=1).mean()) / expected_variance(options)


def icc1(scores: "pd.Series", groups: "pd.Series") -> float:
    """ICC(1) from the one-way ANOVA of scores by group (Bliese 2000):
    (MSB - MSW) / (MSB + (k - 1) MSW), k the mean group size (as ``multilevel::ICC1``).

    NaN with fewer than two groups or no within-group variance.

    Examples
    --------
    >>> import pandas as pd
    >>> round(icc1(pd.Series([1, 2, 3, 4, 5, 6.0]), pd.Series(list("aaabbb"))), 4)
    0.8065
    """
    msb, msw, k = _mean_squares(scores, groups)
    if math.isnan(msb):
        return math.nan
    denominator = msb + (k - 1) * msw
    return (msb - msw) / denominator if denominator else math.nan


def icc2(scores: "pd.Series", groups: "pd.Series") -> float:
    """ICC(2), the reliability of the group means (Bliese 2000): (MSB - MSW) / MSB from the same
    one-way ANOVA as :func:`icc1` (as ``multilevel::ICC2``).

    Examples
    --------
    >>> import pandas as pd
    >>> round(icc2(pd.Series([1, 2, 3, 4, 5, 6.0]), pd.Series(list("aaabbb"))), 4)
    0.9259
    """
    msb, msw, _ = _mean_squares(scores, groups)
    return (msb - msw) / msb if msb and not math.isnan(msb) else math.nan


def _mean_squares(scores: "pd.Series", groups: "pd.Series") -> tuple[float, float, float]:
    """MSB, MSW and k (N / G) of the one-way ANOVA of scores by group; NaNs when undefined."""
    import pandas as pd

    frame = pd.DataFrame({"y": scores.astype(float).to_numpy(), "g": groups.to_numpy()}).dropna()
    sizes = frame.groupby("g")["y"].size()
    n, g = len(frame), len(sizes)
    if g < 2 or n <= g:
        return math.nan, math.nan, math.nan
    grand = frame["y"].mean()
    means = frame.groupby("g")["y"].transform("mean")
    ssb = float((frame.groupby("g")["y"].mean().sub(grand) ** 2 * sizes).sum())
    ssw = float(((frame["y"] - means) ** 2).sum())
    return ssb / (g - 1), ssw / (n - g), n / g


def aggregate(items: "pd.DataFrame", spec: Instrument, *, by: str = "clinic", min_rwg: float = 0.70,
              min_icc1: float = 0.05) -> tuple["pd.DataFrame", list[str]]:
    """Clinic (or agency) scores with rwg(j) per group and scale, ICC(1) per scale, and warnings.

    Returns
    -------
    table : DataFrame
        One row per group and scale: instrument, scale, <by>, n (respondents scored), mean, sd,
        rwg_j, rwg_lindell (r*wg(j), :func:`rwg_j_lindell`), icc1 and icc2 (the scale's, repeated),
        aggregation (``supported`` or what fails; a total also fails in a group where one of its
        subscales has rwg(j) below ``min_rwg``, since the total's rwg(j) over all items is raised by
        their number).
    warnings : list of str
        One line per scale whose agreement or between-group differences do not support
        averaging respondents to the group, and first, when part of the instrument's key is
        assumed (``Instrument.key_assumed``), a line saying so.
    """
    import pandas as pd

    scored = score(items, spec)
    flip = spec.low + spec.high
    wide = items.pivot_table(index="respondent_id", columns="item", values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(columns=range(1, spec.n_items + 1))
    for item in spec.reverse:
        wide[item] = flip - wide[item]
    in_total = wide.copy()
    for item in spec.reverse_in_total:
        in_total[item] = flip - in_total[item]
    rows: list[dict[str, Any]] = []
    warnings = [f"{spec.name}: {spec.key_assumed}"] if spec.key_assumed else []
    failing_subscales: dict[Any, list[str]] = {}  # group -> its subscales below min_rwg
    for scale in [*spec.subscales, *(["total"] if spec.total != "none" else [])]:
        part = scored[(scored["scale"] == scale) & scored["score"].notna() & scored[by].notna()]
        members = list(spec.subscales.get(scale, range(1, spec.n_items + 1)))
        scale_icc = icc1(part["score"], part[by])
        scale_icc2 = icc2(part["score"], part[by])
        low_groups: list[str] = []
        subscale_note: list[str] = []
        for group, block in part.groupby(by, sort=True):
            source = in_total if scale == "total" else wide  # the items as the scale scores them
            answers = source.loc[block["respondent_id"], members]
            rwg = rwg_j(answers, spec.options)
            if not math.isnan(rwg) and rwg < min_rwg:
                low_groups.append(f"{group} {rwg:.2f}")
                if scale != "total":
                    failing_subscales.setdefault(group, []).append(scale)
            problems = []
            if math.isnan(rwg):
                problems.append("rwg(j) needs two respondents")
            elif rwg < min_rwg:
                problems.append(f"rwg(j) < {min_rwg:.2f}")
            if scale == "total" and failing_subscales.get(group):
                # rwg(j) over all the total's items is stepped up by their number (Lindell, Brandt & Whitney
                # 1999): it can pass where the subscales it averages do not; the total does not stand then
                problems.append(f"subscales rwg(j) < {min_rwg:.2f}: " + ", ".join(failing_subscales[group]))
                subscale_note.append(f"{group} ({len(failing_subscales[group])} of {len(spec.subscales)} "
                                     f"subscales; r*wg(j) of the total {rwg_j_lindell(answers, spec.options):.2f})")
            if math.isnan(scale_icc) or scale_icc < min_icc1:
                problems.append(f"ICC(1) < {min_icc1:.2f}" if not math.isnan(scale_icc) else "no ICC(1)")
            rows.append({"instrument": spec.name, "scale": scale, by: group, "n": len(block),
                         "mean": float(block["score"].mean()),
                         "sd": float(block["score"].std(ddof=1)) if len(block) > 1 else math.nan,
                         "rwg_j": rwg, "rwg_lindell": rwg_j_lindell(answers, spec.options),
                         "icc1": scale_icc, "icc2": scale_icc2,
                         "aggregation": "supported" if not problems else "; ".join(problems)})
        if low_groups:
            warnings.append(f"{spec.name} {scale}: within-{by} agreement below rwg(j) {min_rwg:.2f} in "
                            f"{', '.join(low_groups)}; the {by} mean may not stand for its staff")
        if subscale_note:
            warnings.append(f"{spec.name} {scale}: rwg(j) of the total rises with its {len(members)} items, but its "
                            f"subscales fall below rwg(j) {min_rwg:.2f} in {', '.join(subscale_note)}; the {by} mean "
                            "of the total may not stand for its staff either")
        if math.isnan(scale_icc) or scale_icc < min_icc1:
            warnings.append(f"{spec.name} {scale}: ICC(1) = "
                            + ("not computable" if math.isnan(scale_icc) else f"{scale_icc:.2f}")
                            + f" (< {min_icc1:.2f}): {by}s hardly differ beyond their staff's variation")
    table = pd.DataFrame(rows, columns=["instrument", "scale", by, "n", "mean", "sd", "rwg_j", "rwg_lindell", "icc1",
                                        "icc2", "aggregation"])
    return table, warnings


__all__ = ["Instrument", "INSTRUMENTS", "instrument", "read_key", "read_items", "score", "expected_variance", "rwg_j",
           "rwg_j_lindell", "icc1", "icc2", "aggregate", "ItemFile"]
