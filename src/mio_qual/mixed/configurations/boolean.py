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

#: Most combinations of prime implicants tried when solving one prime-implicant chart.
MAX_CHART_COMBINATIONS = 2_000_000


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

    With the remainders available, the first factor alone suffices:

    >>> prime_implicants([(1, 1, 0), (1, 0, 0)], [(0, 0, 0)], 3)
    [((0, 1),)]
    """
    on = [tuple(int(v) for v in r) for r in on]
    off_masks = literal_masks(off, n_factors)
    off_all = (1 << len(off)) - 1
    if allowed is not None:
        space = list(dict.fromkeys(on + [tuple(int(v) for v in r) for r in allowed]))
        space_masks = literal_masks(space, n_factors)
        space_all = (1 << len(space)) - 1
    implicant: dict[Term, bool] = {}
    primes: list[Term] = []

    def is_implicant(t: Term) -> bool:
        if term_mask(t, off_masks, off_all):
            return False
        if allowed is None:
            return True
        return term_mask(t, space_masks, space_all).bit_count() == 1 << (n_factors - len(t))

    for size in range(0, n_factors + 1):
        for row in on:
            for factors in combinations(range(n_factors), size):
                t = tuple((f, row[f]) for f in factors)
                if t in implicant:
                    continue
                if size and any(implicant.get(t[:i] + t[i + 1:], False) for i in range(size)):
                    implicant[t] = True  # contains a shorter implicant: an implicant, not prime
                    continue
                found = is_implicant(t)
                implicant[t] = found
                if found:
                    primes.append(t)
        if all(any(implicant.get(tuple((f, row[f]) for f in fs), False) for fs in combinations(range(n_factors), size))
               for row in on):
            break  # every configuration is covered by a prime already: longer terms cannot be prime
    return sorted(primes, key=lambda t: (len(t), t))


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
        False when the search stopped at :data:`MAX_CHART_COMBINATIONS` before trying every
        combination of the minimal size: the solutions listed are then some, not all.
    """

    solutions: list[tuple[Term, ...]]
    essential: list[Term]
    complete: bool = True


def solve_chart(primes: Sequence[Term], on: Sequence[Sequence[int]], *,
                max_combinations: int = MAX_CHART_COMBINATIONS) -> Cover:
    """Every minimal cover of the configurations ``on`` by the prime implicants ``primes``.

    Essential prime implicants are taken first; the remaining configurations are covered by
    combinations of the other prime implicants of increasing size, keeping all covers of the
    smallest size that covers them (Petrick's problem solved by enumeration, bounded by
    ``max_combinations``).

    Examples
    --------
    >>> cover = solve_chart([((0, 1),), ((1, 1),)], [(1, 0), (0, 1), (1, 1)])
    >>> cover.solutions, cover.essential
    ([(((0, 1),), ((1, 1),))], [((0, 1),), ((1, 1),)])
    """
    on = [tuple(r) for r in on]
    if not on:
        return Cover([()], [])
    chart = {p: frozenset(i for i, row in enumerate(on) if covers(p, row)) for p in primes}
    chart = {p: cols for p, cols in chart.items() if cols}
    universe = frozenset(range(len(on)))
    if frozenset().union(*chart.values()) != universe:
        raise ValueError("the prime implicants do not cover every configuration")
    essential: list[Term] = []
    for col in universe:
        holders = [p for p, cols in chart.items() if col in cols]
        if len(holders) == 1 and holders[0] not in essential:
            essential.append(holders[0])
    covered = frozenset().union(*(chart[p] for p in essential)) if essential else frozenset()
    rest = universe - covered
    candidates = [p for p in chart if p not in essential and chart[p] & rest]
    # a prime that covers no remaining column no other prime does not cover better is still kept:
    # all minimal covers are wanted, not one
    solutions: list[tuple[Term, ...]] = []
    tried = 0
    complete = True
    if not rest:
        solutions = [tuple(essential)]
    else:
        for size in range(1, len(candidates) + 1):
            for combo in combinations(candidates, size):
                tried += 1
                if tried > max_combinations:
                    complete = False
                    break
                if frozenset().union(*(chart[p] & rest for p in combo)) == rest:
                    solutions.append(tuple(essential) + combo)
            if solutions or not complete:
                break
    ordered = [tuple(sorted(s, key=lambda t: (len(t), t))) for s in solutions]
    return Cover(ordered, sorted(essential, key=lambda t: (len(t), t)), complete)


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


__all__ = ["Literal", "Term", "Cover", "MAX_CHART_COMBINATIONS", "term", "literal_masks", "term_mask", "covers",
           "subsumes", "prime_implicants", "solve_chart", "factor_label", "qca_label", "format_term", "format_sum",
           "evaluate_sum"]
