"""Reviewed links from study codes to CFIR constructs, each with the reason it holds.

By default a construct's evidence is the coding of that construct (DESIGN.md, decision 11).
An analyst may ask for excerpts of study codes (``MIO.SUPV``) to count as evidence for the
constructs they are linked to; those excerpts are then shown in a column of their own and
never counted twice in one cell (:func:`mio_qual.mixed.evidence.evidence`).

The bundled links live in ``codebooks/links/<codebook>.yaml`` (entries ``code``,
``construct``, ``reason``). A codebook's ``refines:`` field names the same links without
reasons; a link named there but not reviewed gets the reason ``"named in the codebook's
refines; no reason recorded"`` so that the output says it was not reviewed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .constructs import Constructs

LINK_COLUMNS = ["code", "construct", "reason", "reviewed"]
UNREVIEWED = "named in the codebook's refines; no reason recorded"


def links_dir() -> Path:
    """The folder of the bundled reviewed link files (``codebooks/links``)."""
    from ..codebook._paths import bundled_dir

    return bundled_dir() / "links"


def read_links(path: str | Path) -> "pd.DataFrame":
    """Read a link file: YAML with ``entries`` of ``code``, ``construct`` and ``reason``.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    pandas.DataFrame
        :data:`LINK_COLUMNS` (``reviewed`` True).

    Raises
    ------
    InputError
        A file that is not such YAML, an entry without a code, construct or reason, or a link
        given twice.
    """
    import pandas as pd

    from ..errors import InputError
    from .tables import read_yaml

    path = Path(path)
    data = read_yaml(path, "link file", "give a YAML file with 'entries: [{code, construct, reason}, ...]'")
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError("a link file needs a list under 'entries'", path=path,
                         hint="entries: [{code: MIO.SUPV, construct: IS.K, reason: ...}]")
    rows: list[tuple[str, str, str, bool]] = []
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(entries, 1):
        values = {k: " ".join(str(entry.get(k) or "").split()) for k in ("code", "construct", "reason")} \
            if isinstance(entry, dict) else {}
        if not all(values.get(k) for k in ("code", "construct", "reason")):
            raise InputError(f"entry {i} needs a code, a construct and a reason", path=path,
                             hint="every link says why an excerpt of the code is evidence for the construct")
        key = (values["code"], values["construct"])
        if key in seen:
            raise InputError(f"entry {i}: {key[0]} -> {key[1]} is linked twice", path=path, hint="keep one entry")
        seen.add(key)
        rows.append((values["code"], values["construct"], values["reason"], True))
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def bundled_links() -> "pd.DataFrame":
    """Every reviewed link shipped in ``codebooks/links/`` (empty when there are none)."""
    import pandas as pd

    folder = links_dir()
    frames = [read_links(p) for p in sorted(folder.glob("*.yaml"))] if folder.is_dir() else []
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=LINK_COLUMNS)


def link_table(info: "Constructs", reviewed: "pd.DataFrame | None" = None,
               codes: Iterable[str] | None = None) -> "pd.DataFrame":
    """The links in force: each code's ``refines`` with the reviewed reason where there is one.

    Parameters
    ----------
    info : Constructs
        Gives each code's ``refines``.
    reviewed : DataFrame, optional
        Reviewed links (:func:`read_links`); default :func:`bundled_links`.
    codes : iterable of str, optional
        Only these study codes (default: every code with a ``refines``).

    Returns
    -------
    pandas.DataFrame
        :data:`LINK_COLUMNS`, one row per (code, construct) in codebook order. Links the
        reviewed file has but the codebook does not name are left out (the codebook in use
        decides what refines what); unreviewed ones get :data:`UNREVIEWED`.
    """
    import pandas as pd

    reviewed = bundled_links() if reviewed is None else reviewed
    reasons = {(c, k): r for c, k, r in zip(reviewed["code"], reviewed["construct"], reviewed["reason"])}
    wanted = set(codes) if codes is not None else None
    rows = []
    for code_id in info.codes:
        if wanted is not None and code_id not in wanted:
            continue
        for construct in info.refines(code_id):
            reason = reasons.get((code_id, construct))
            rows.append((code_id, construct, reason or UNREVIEWED, reason is not None))
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def links_by_code(table: "pd.DataFrame") -> dict[str, list[tuple[str, str]]]:
    """``{code: [(construct, reason), ...]}`` from a link table."""
    out: dict[str, list[tuple[str, str]]] = {}
    for code, construct, reason in zip(table["code"], table["construct"], table["reason"]):
        out.setdefault(code, []).append((construct, reason))
    return out


def describe_links(table: "pd.DataFrame | None", used: Any = None) -> str:
    """One sentence for notes and methods: whether links were used, and how many were reviewed."""
    if table is None:
        return ("Evidence: the coding of each construct itself; excerpts of study codes linked to a construct were "
                "not used (links are opt-in).")
    reviewed = int(table["reviewed"].sum()) if len(table) else 0
    return (f"Evidence: the coding of each construct, and, shown apart (linked column), excerpts of "
            f"{len(table)} study-code links ({reviewed} reviewed with a stated reason); an excerpt already coded "
            "with the construct is not counted again through a link.")


__all__ = ["LINK_COLUMNS", "UNREVIEWED", "read_links", "bundled_links", "link_table", "links_by_code",
           "describe_links", "links_dir"]
