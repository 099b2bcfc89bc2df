"""Where the bundled codebooks live (one function decides)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_SUFFIXES = (".yaml", ".yml")

#: The codebooks used when none is named (importing coding, auto-coding): the updated CFIR,
#: its outcomes addendum and the MIO codes, in this order (the order of their codes).
DEFAULT_CODEBOOKS = ("cfir2", "cfir_outcomes", "mio")


def bundled_dir() -> Path:
    """Return the folder that holds the bundled codebooks.

    In an installed wheel the top-level ``codebooks/`` folder is shipped inside the package
    as ``mio_qual/codebooks/`` (``pyproject.toml`` force-includes it). In a source checkout
    or an editable install that folder does not exist inside the package, so we fall back
    to the repository's top-level ``codebooks/`` (three levels above this file's package).

    Returns
    -------
    pathlib.Path
        The folder; it may be missing in a broken install, in which case
        :func:`bundled_codebooks` returns an empty mapping.
    """
    try:
        packaged = Path(str(resources.files("mio_qual") / "codebooks"))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - mio_qual always importable here
        packaged = None
    if packaged is not None and packaged.is_dir():
        return packaged
    # src/mio_qual/codebook/_paths.py -> parents: codebook, mio_qual, src, <repo>
    return Path(__file__).resolve().parents[3] / "codebooks"


def bundled_codebooks() -> dict[str, Path]:
    """Map each bundled codebook's name (its file stem) to its path, sorted by name.

    Returns
    -------
    dict of str to pathlib.Path
        For example ``{"cfir2": .../cfir2.yaml, "cfir_outcomes": ..., "mio": ...}``.
    """
    folder = bundled_dir()
    if not folder.is_dir():
        return {}
    found = {p.stem: p for p in folder.iterdir() if p.suffix.lower() in _SUFFIXES and p.is_file()}
    return {name: found[name] for name in sorted(found)}
