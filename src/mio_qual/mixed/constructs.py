"""What the mixed-methods layer needs to know about codes: names, order, rateability, refinements.

Ratings are given to CFIR constructs (codes of the ``cfir2`` codebook below domain level:
constructs, subconstructs and the Individuals role x characteristic codes). Study codes such as
``MIO.SUPV`` are not rated themselves but name the constructs they refine, so their excerpts
can serve as evidence for those constructs.

The codebook comes, in this order, from the argument, from the newest codebook registered in
the project store (the one its codings were checked against; :class:`~mio_qual.project.Project`
passes it in), or from the bundled
``cfir2``, ``mio`` and ``cfir_outcomes`` codebooks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..codebook import Codebook

RATEABLE_CODEBOOK = "cfir2"
#: The bundled codebooks a project without a registered codebook is read against.
BUNDLED = ("cfir2", "mio", "cfir_outcomes")
CASE_KINDS: tuple[str, ...] = ("clinic", "agency", "role", "transcript")


@dataclass(frozen=True)
class CodeInfo:
    """One code as the mixed-methods layer sees it."""

    id: str
    name: str
    level: str
    codebook: str
    refines: tuple[str, ...]
    order: int

    @property
    def rateable(self) -> bool:
        """True for CFIR constructs, subconstructs and role x characteristic codes."""
        return self.codebook == RATEABLE_CODEBOOK and self.level != "domain"


class Constructs:
    """Code information by id, in codebook order, with a fallback for unknown ids.

    Parameters
    ----------
    infos : iterable of CodeInfo
    source : str
        Where the information came from (for notes).
    suggest : callable, optional
        ``suggest(label) -> list of ids`` for unknown labels (the codebook's fuzzy matcher).
    """

    def __init__(self, infos: Iterable[CodeInfo], source: str = "", suggest: Any = None) -> None:
        self.codes: dict[str, CodeInfo] = {i.id: i for i in infos}
        self.source = source
        self._suggest = suggest

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.codes

    def name(self, code_id: str) -> str:
        """The code's name, or '' for an unknown id."""
        info = self.codes.get(code_id)
        return info.name if info else ""

    def label(self, code_id: str) -> str:
        """``'IS.J2 Space'`` (the id alone for an unknown code)."""
        name = self.name(code_id)
        return f"{code_id} {name}" if name else code_id

    def order_key(self, code_id: str) -> tuple[int, str]:
        """Sort key: codebook order, unknown ids last by id."""
        info = self.codes.get(code_id)
        return (info.order if info else 10**9, code_id)

    def sort(self, ids: Iterable[str]) -> list[str]:
        """Ids in codebook order, without duplicates."""
        return sorted(dict.fromkeys(ids), key=self.order_key)

    def rateable(self, code_id: str) -> bool:
        """Whether ``code_id`` is a CFIR construct that can be rated."""
        info = self.codes.get(code_id)
        return bool(info and info.rateable)

    def refines(self, code_id: str) -> tuple[str, ...]:
        """The constructs ``code_id`` refines (empty for unknown codes)."""
        info = self.codes.get(code_id)
        return info.refines if info else ()

    def domain(self, code_id: str) -> str:
        """The CFIR domain prefix of an id (``IS`` for ``IS.J2``)."""
        return code_id.split(".", 1)[0]

    def suggest(self, label: str) -> list[str]:
        """Close matches for an unknown label."""
        if self._suggest is None:
            import difflib

            return difflib.get_close_matches(label, list(self.codes), n=3, cutoff=0.6)
        return list(self._suggest(label))[:3]


def _from_codebook(codebook: Any, source: str) -> Constructs:
    infos = [CodeInfo(c.id, c.name, c.level, c.codebook, tuple(c.refines), i) for i, c in enumerate(codebook)]
    return Constructs(infos, source, getattr(codebook, "suggest", None))


def load_constructs(codebook: Any = None, stored: tuple[str, Sequence[dict[str, Any]]] | None = None) -> Constructs:
    """Code information, from a codebook, the project's registered one, or the bundled ones.

    Parameters
    ----------
    codebook : Codebook, str or sequence of str, optional
        A loaded :class:`~mio_qual.codebook.Codebook`, or names/paths for
        :func:`mio_qual.codebook.load_codebooks`. Wins over ``stored``.
    stored : (version, records), optional
        The codebook most recently registered in the project: its version and its codes as
        records (id, name, level, codebook, refines).

    Returns
    -------
    Constructs
        Without either, the bundled ``cfir2``, ``mio`` and ``cfir_outcomes`` codebooks.
    """
    if codebook is not None:
        if hasattr(codebook, "codes") and hasattr(codebook, "resolve"):
            return _from_codebook(codebook, "given codebook")
        from ..codebook import load_codebooks

        sources = [codebook] if isinstance(codebook, str) else list(codebook)
        return _from_codebook(load_codebooks(sources), ", ".join(map(str, sources)))
    if stored is not None:
        version, records = stored
        try:
            infos = [CodeInfo(r["id"], r.get("name") or "", r.get("level") or "code", r.get("codebook") or "",
                              tuple(x.strip() for x in (r.get("refines") or "").split(";") if x.strip()), i)
                     for i, r in enumerate(records)]
            if infos:
                return Constructs(infos, f"project codebook {version}")
        except (KeyError, TypeError, AttributeError):
            pass
    from ..errors import InputError

    try:
        return _from_codebook(bundled_codebook(), "bundled codebooks")
    except InputError:  # a bundle missing from this installation leaves ids without names
        return Constructs([], "no codebook")


def bundled_codebook() -> "Codebook":
    """The bundled :data:`BUNDLED` codebooks combined, parsed once for each content of their files.

    A report reads them for the constructs and again for the coder's manual; the files are
    hashed (SHA-256, a fraction of parsing them) and the codebook parsed only when a digest is
    new, so an edited file is read again. Treat the result as read-only: it is shared.

    Raises
    ------
    InputError
        When a bundled codebook is missing or not valid (as :func:`mio_qual.codebook.load_codebooks`).
    """
    from ..codebook import bundled_codebooks

    paths = bundled_codebooks()
    return _parsed_bundle(tuple((name, hashlib.sha256(paths[name].read_bytes()).hexdigest() if name in paths else "")
                                for name in BUNDLED))


@lru_cache(maxsize=4)
def _parsed_bundle(digests: tuple[tuple[str, str], ...]) -> "Codebook":
    from ..codebook import load_codebooks

    return load_codebooks([name for name, _ in digests])


def case_column(by: str) -> str:
    """Check a case kind and return it."""
    from ..errors import InputError

    if by not in CASE_KINDS:
        raise InputError(f"unknown case kind {by!r}", hint="use " + ", ".join(CASE_KINDS))
    return by


def cases_of(by: str, transcripts: "pd.DataFrame", speakers: "pd.DataFrame") -> list[str]:
    """The cases of a kind that a project's transcripts define, sorted.

    clinic and agency come from the transcripts' metadata, transcript from their ids, role
    from the speakers' roles (interviewers and facilitators left out).

    Parameters
    ----------
    by : {"clinic", "agency", "role", "transcript"}
    transcripts : DataFrame
        Columns transcript_id, clinic, agency (as :meth:`Project.transcripts` returns).
    speakers : DataFrame
        Column role (as :meth:`Project.speakers` returns).
    """
    from ..transcripts.model import INTERVIEWER_ROLES

    case_column(by)
    if by == "transcript":
        return sorted(transcripts["transcript_id"]) if len(transcripts) else []
    if by == "role":
        roles = {r for r in speakers["role"] if isinstance(r, str) and r} if len(speakers) else set()
        return sorted(r for r in roles if r.lower() not in INTERVIEWER_ROLES)
    if not len(transcripts):
        return []
    return sorted({v for v in transcripts[by] if isinstance(v, str) and v})


def clinic_agencies(transcripts: "pd.DataFrame") -> dict[str, str]:
    """Each clinic's agency, from the transcripts' metadata (columns clinic, agency)."""
    if not len(transcripts):
        return {}
    return {c: a for c, a in zip(transcripts["clinic"], transcripts["agency"])
            if isinstance(c, str) and c and isinstance(a, str) and a}


def as_list(value: str | Sequence[str] | None) -> list[str] | None:
    """``'a,b'`` or ``['a', 'b']`` -> ``['a', 'b']``; None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    out: list[str] = []
    for v in value:
        out.extend(x.strip() for x in str(v).split(",") if x.strip())
    return out


__all__ = ["CodeInfo", "Constructs", "load_constructs", "CASE_KINDS", "cases_of", "clinic_agencies",
           "case_column", "as_list"]
