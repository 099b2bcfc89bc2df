"""Finding the files mio-qual ships: the codebooks and the sample study.

In an installed wheel they sit inside the package (``mio_qual/codebooks``,
``mio_qual/transcripts_sample``); in a source checkout or editable install they are the
repository's top-level folders of the same names.
"""

from __future__ import annotations

from pathlib import Path

from .errors import WorkError

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_path(name: str) -> Path:
    """Return the folder ``name`` (``codebooks`` or ``transcripts_sample``) that ships with mio-qual."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise WorkError(f"the bundled folder {name!r} is missing from this installation",
                    path=_PACKAGE_DIR, hint="reinstall mio-qual")
