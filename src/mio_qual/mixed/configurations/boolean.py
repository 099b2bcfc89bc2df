"""Boolean building blocks shared by csQCA and CNA: terms, case sets, prime implicants, covers.

A crisp data set is a cases x factors matrix of 0/1. A *literal* is a factor with a value
(``(2, 1)``: factor 2 present, ``(2, 0)``: absent), a *term* a conjunction of literals on
distinct factors, kept as a sorted tuple. Sets of cases are Python integers used as bit sets
(bit ``i`` is case ``i``), so that intersections and counts are single machine operations
(``a & b``, ``int.bit_count``): this is what makes the searches of CNA and the prime-implicant
search fast enough in pure Python.

Prime implicants are found the way Dusa's consistency cubes (Dusa 2018) find them rather than
by Quine's pairwise merging (Quine 1952; McCluskey 1956): terms are built bottom-up, by
increasing number of literals, only as generalizations of the configurations to explain, and
a term is kept when it covers none of the excluded configurations and no shorter term inside
it does. Both give the same prime implicants; this one never builds the 3^k table of merged
implicants. The prime-implicant chart is then solved exactly for every cover of minimal size
(Petrick's problem), with a stated bound on the combinations tried.

References
----------
Quine, W. V. (1952). The problem of simplifying truth functions. *American Mathematical
Monthly*, 59(8), 521-531.

McCluskey, E. J. (1956). Minimization of Boolean functions. *Bell System Technical Journal*,
35(6), 1417-1444.

Dusa, A. (2018). Consistency cubes: a fast, efficient method for exact Boolean minimization.
*The R Journal*, 10(2), 357-370.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Iterable, Sequence

Literal = tuple[int, int]
Term = tuple[Literal, ...]

#: Most branches visited when solving one prime-implicant chart.
MAX_CHART_COMBINATIONS = 2_000_000
#: Most minimal covers listed for one chart (noisy data can have thousands of equally short ones).
MAX_SOLUTIONS = 50


def term(*literals: Literal) -> Term:
    """A term from literals, in the canonical (sorted) order.

    Examples
    --------
    >>> term((2, 1), (0, 0))
    ((0, 0), (2, 1))
    """
    return tuple(sorted(literals))


def literal_masks(rows: Sequence[Sequence[int]], n_factors: int) -> list[tuple[int, int]]:
    """Per factor, the bit sets of the rows where it is absent and present: ``masks[f][value]``.

    Examples
    --------
    >>> literal_masks([(1, 0), (1, 1), (0, 1)], 2)
    [(4, 3), (1, 6)]
    """
    masks = [[0, 0] for _ in range(n_factors)]
    for i, row in enumerate(rows):
        bit = 1 << i
        for f in range(n_factors):
            masks[f][int(row[f])] |= bit
    return [(a, b) for a, b in masks]


def term_mask(t: Term, masks: Sequence[tuple[int, int]], everyone: int) -> int:
    """The bit set of the rows a term covers (``everyone`` for the empty term)."""
    out = everyone
    for f, v in t:
        out &= masks[f][v]
    return out


def covers(t: Term, row: Sequence[int]) -> bool:
    """Whether configuration ``row`` satisfies term ``t``.

    Examples
    --------
    >>> covers(((0, 1), (2, 0)), (1, 1, 0)), covers(((0, 1), (2, 0)), (1, 1, 1))
    (True, False)
    """
    return all(row[f] == v for f, v in t)


def subsumes(general: Term, specific: Term) -> bool:
    """Whether every literal of ``general`` is in ``specific`` (so ``specific`` implies ``general``)."""
    return set(general) <= set(specific)


def prime_implicants(on: Sequence[Sequence[int]], off: Sequence[Sequence[int]], n_factors: int, *,
                     allowed: Sequence[Sequence[int]] | None = None) -> list[Term]:
    """The prime implicants that cover at least one configuration of ``on``.

    Parameters
    ----------
    on : sequence of configurations
        The configurations to explain (distinct 0/1 tuples of length ``n_factors``).
    off : sequence of configurations
        Configurations no implicant may cover.
    n_factors : int
    allowed : sequence of configurations, optional
        When given, an implicant may cover only these configurations and those of ``on``
        (the conservative solution: ``allowed=[]``; the intermediate: the easy
        counterfactuals). When None, any configuration not in ``off`` may be covered (the
        parsimonious solution: every logical remainder is available).

    Returns
    -------
    list of Term
        Sorted by number of literals, then literals.

    Examples
    --------
    Two positive rows differing in one factor, nothing else allowed:

    >>> prime_implicants([(1, 1, 0), (1, 0, 0)], [(0, 0, 0)], 3, allowed=[])
    [((0, 1), (2, 0))]

    With the remainders available, the first factor alone suffices, and so does the second
    for the row it is present in:

    >>> prime_implicants([(1, 1, 0), (1, 0, 0)], [(0, 0, 0)], 3)
    [((0, 1),), ((1, 1),)]
    """
    on = list(dict.fromkeys(tuple(int(v) for v in r) for r in on))
    if allowed is not None:
        return _merged_primes(on, [tuple(int(v) for v in r) for r in allowed], n_factors)
    off_masks = literal_masks(off, n_factors)
    off_all = (1 << len(off)) - 1
    on_masks = literal_masks(on, n_factors)
    on_all = (1 << len(on)) - 1

    def is_implicant(t: Term) -> bool:
        return not term_mask(t, off_masks, off_all)

    primes: list[Term] = []
    if not on:
        return primes
    if is_implicant(()):
        return [()]
    # level by level (Apriori): a term of one more literal is tried only when every term it
    # extends by one literal is a non-implicant that covers an `on` configuration
    level: dict[Term, int] = {(): on_all}
    while level:
        following: dict[Term, int] = {}
        for t, rows in level.items():
            start = t[-1][0] + 1 if t else 0
            for f in range(start, n_factors):
                for v in (1, 0):
                    covered = rows & on_masks[f][v]
                    if not covered:
                        continue
                    longer = t + ((f, v),)
                    if any(longer[:i] + longer[i + 1:] not in level for i in range(len(longer) - 1)):
                        continue  # some shorter term inside it is an implicant (or covers nothing)
                    if is_implicant(longer):
                        primes.append(longer)
                    else:
                        following[longer] = covered
        level = following
    return sorted(primes, key=lambda t: (len(t), t))


def _merged_primes(on: list[tuple[int, ...]], allowed: list[tuple[int, ...]], n_factors: int) -> list[Term]:
    """Prime implicants over an explicit set of configurations, by Quine-McCluskey merging.

    Each implicant is a pair of bit fields (values, free factors); two implicants with the same
    free factors whose values differ in one factor merge into one with that factor free. What
    merges with nothing is prime. Only primes covering a configuration of ``on`` are returned.
    """
    def bits(config: tuple[int, ...]) -> int:
        return sum(v << f for f, v in enumerate(config))

    current = {(bits(c), 0) for c in dict.fromkeys(on + allowed)}
    primes: set[tuple[int, int]] = set()
    while current:
        merged: set[tuple[int, int]] = set()
        used: set[tuple[int, int]] = set()
        for value, free in current:
            for f in range(n_factors):
                flag = 1 << f
                if free & flag or value & flag:
                    continue
                partner = (value | flag, free)
                if partner in current:
                    merged.add((value, free | flag))
                    used.add((value, free))
                    used.add(partner)
        primes |= current - used
        current = merged
    on_bits = [bits(c) for c in on]
    out = []
    for value, free in primes:
        if any(b & ~free == value for b in on_bits):
            out.append(tuple((f, value >> f & 1) for f in range(n_factors) if not free >> f & 1))
    return sorted(out, key=lambda t: (len(t), t))


@dataclass
class Cover:
    """The minimal covers of a prime-implicant chart.

    Attributes
    ----------
    solutions : list of tuple of Term
        Every cover with the fewest prime implicants (each sorted), in a stable order.
    essential : list of Term
        Prime implicants in every solution (the only cover of some configuration).
    complete : bool
        False when the search stopped at :data:`MAX_CHART_COMBINATIONS` branches or
        :data:`MAX_SOLUTIONS` covers: the solutions listed are then some, not all (or none).
    """

    solutions: list[tuple[Term, ...]]
    essential: list[Term]
    complete: bool = True


def solve_chart(primes: Sequence[Term], on: Sequence[Sequence[int]], *,
                max_combinations: int = MAX_CHART_COMBINATIONS, max_solutions: int = MAX_SOLUTIONS) -> Cover:
    """Every minimal cover of the configurations ``on`` by the prime implicants ``primes``.

    The smallest number of prime implicants that covers every configuration is found by
    iterative deepening, and every cover of that size is listed (Petrick's problem solved
    exactly): a depth-first search branches on the uncovered configuration with the fewest
    prime implicants, excludes in each branch the implicants tried in earlier ones (so each
    cover is found once), and cuts a branch when more configurations that share no implicant
    are left than implicants may still be added. ``max_combinations`` bounds the branches visited and
    ``max_solutions`` the covers listed; reaching either makes ``complete`` False.

    Examples
    --------
    >>> cover = solve_chart([((0, 1),), ((1, 1),)], [(1, 0), (0, 1), (1, 1)])
    >>> cover.solutions, cover.essential
    ([(((0, 1),), ((1, 1),))], [((0, 1),), ((1, 1),)])
    """
    on = [tuple(r) for r in on]
    if not on:
        return Cover([()], [])
    masks: dict[Term, int] = {}
    for p in primes:
        m = 0
        for i, row in enumerate(on):
            if covers(p, row):
                m |= 1 << i
        if m:
            masks[p] = m
    universe = (1 << len(on)) - 1
    union = 0
    for m in masks.values():
        union |= m
    if union != universe:
        raise ValueError("the prime implicants do not cover every configuration")
    order = sorted(masks, key=lambda p: (-masks[p].bit_count(), len(p), p))
    holders = {col: [p for p in order if masks[p] >> col & 1] for col in range(len(on))}
    essential = sorted({hs[0] for hs in holders.values() if len(hs) == 1}, key=lambda t: (len(t), t))
    # conflict[c]: every configuration some implicant covering c also covers. Configurations picked
    # so that none is in another's conflict set need one implicant each: a lower bound
    conflict = {}
    for col, hs in holders.items():
        reach = 0
        for p in hs:
            reach |= masks[p]
        conflict[col] = reach
    by_rarity = sorted(range(len(on)), key=lambda c: len(holders[c]))
    visited = 0
    complete = True
    solutions: list[tuple[Term, ...]] = []

    def search(uncovered: int, chosen: list[Term], banned: frozenset[Term], budget: int) -> None:
        nonlocal visited, complete
        if not uncovered:
            solutions.append(tuple(chosen))
            if len(solutions) >= max_solutions:
                complete = False
            return
        if budget == 0 or not complete:
            return
        visited += 1
        if visited > max_combinations:
            complete = False
            return
        needed, rest = 0, uncovered
        for c in by_rarity:
            if rest >> c & 1:
                needed += 1
                rest &= ~conflict[c]
                if not rest:
                    break
        if needed > budget:
            return  # that many configurations share no implicant: more implicants are needed
        col = next(c for c in by_rarity if uncovered >> c & 1)
        options = [p for p in holders[col] if p not in banned]
        if budget == 1:  # the last implicant must cover everything left
            for p in options:
                if not uncovered & ~masks[p]:
                    solutions.append(tuple(chosen) + (p,))
                    if len(solutions) >= max_solutions:
                        complete = False
                        return
            return
        tried: list[Term] = []
        for p in options:
            search(uncovered & ~masks[p], chosen + [p], banned | frozenset(tried), budget - 1)
            tried.append(p)

    for size in range(1, len(masks) + 1):
        search(universe, [], frozenset(), size)
        if solutions or not complete:
            break
    ordered = sorted({tuple(sorted(s, key=lambda t: (len(t), t))) for s in solutions},
                     key=lambda s: [(len(t), t) for t in s])
    return Cover(ordered, essential, complete)


# ------------------------------------------------------------------------------ notation
def factor_label(name: str, value: int) -> str:
    """A factor value in cna's notation: upper case when present, lower case when absent.

    Examples
    --------
    >>> factor_label("Dev", 1), factor_label("Dev", 0)
    ('DEV', 'dev')
    """
    return name.upper() if value else name.lower()


def qca_label(name: str, value: int) -> str:
    """A factor value in the QCA package's notation: the name when present, ``~name`` when absent.

    Examples
    --------
    >>> qca_label("URB", 0)
    '~URB'
    """
    return name if value else f"~{name}"


def format_term(t: Term, names: Sequence[str], style: str = "cna") -> str:
    """A term as text: ``A*b`` (cna) or ``A*~B`` (qca).

    Examples
    --------
    >>> format_term(((0, 1), (1, 0)), ["A", "B"]), format_term(((0, 1), (1, 0)), ["A", "B"], "qca")
    ('A*b', 'A*~B')
    """
    label = factor_label if style == "cna" else qca_label
    return "*".join(label(names[f], v) for f, v in t) if t else "1"


def format_sum(terms: Iterable[Term], names: Sequence[str], style: str = "cna") -> str:
    """A disjunction of terms as text, terms joined by `` + `` in the order given."""
    return " + ".join(format_term(t, names, style) for t in terms)


def evaluate_sum(terms: Iterable[Term], rows: Sequence[Sequence[int]]) -> list[int]:
    """The value (0/1) of a disjunction of terms on each configuration."""
    terms = list(terms)
    return [int(any(covers(t, row) for t in terms)) for row in rows]


__all__ = ["Literal", "Term", "Cover", "MAX_CHART_COMBINATIONS", "MAX_SOLUTIONS", "term", "literal_masks", "term_mask",
           "covers",
           "subsumes", "prime_implicants", "solve_chart", "factor_label", "qca_label", "format_term", "format_sum",
           "evaluate_sum"]
