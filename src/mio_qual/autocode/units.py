"""Units of analysis for auto-coding: their spans, their text, and the human labels on them.

A unit is a sentence, a paragraph or a speaker turn as stored by the readers (DESIGN.md,
decision 5). Auto-coders read the *speech* of a unit: for a turn that is the text after the
speaker label (``body_start`` to ``end``), so that a speaker's name never becomes a feature or
a coded span. Interviewer turns (interviewer, facilitator, moderator, note taker) are left out
by default: staff talk is what gets coded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Sequence

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from ..project import Project

UNITS = ("sentence", "paragraph", "turn")
DEFAULT_CODEBOOKS = ("cfir2", "cfir_outcomes", "mio")


def check_unit(unit: str) -> str:
    """Return ``unit`` if auto-coding supports it, else raise a clear InputError."""
    if unit not in UNITS:
        raise InputError(f"unknown unit {unit!r} for auto-coding", hint="use " + ", ".join(UNITS))
    return unit


def load_default_codebook(names: Sequence[str] | None = None):  # type: ignore[no-untyped-def]
    """The codebook auto-coding uses: the bundled ``cfir2``, ``cfir_outcomes`` and ``mio`` by default."""
    from ..codebook import load_codebooks

    return load_codebooks(list(names) if names else list(DEFAULT_CODEBOOKS))


def transcript_ids(project: "Project", only: Sequence[str] | None = None) -> list[str]:
    """Transcript ids of the project (sorted), or the given ones after checking they exist."""
    known = [r[0] for r in project.store.connection.execute("SELECT id FROM transcripts ORDER BY id")]
    if only is None:
        return known
    missing = sorted(set(only) - set(known))
    if missing:
        raise InputError(f"no transcript {missing[0]!r} in this project", path=project.folder,
                         hint="see `mio-qual transcripts list`")
    return sorted(set(only))


def unit_frame(project: "Project", unit: str, *, transcript_id: str | Sequence[str] | None = None,
               skip_interviewer: bool = True) -> "pd.DataFrame":
    """The units of one or more transcripts with the span and text an auto-coder works on.

    Parameters
    ----------
    project : Project
    unit : {"sentence", "paragraph", "turn"}
    transcript_id : str or sequence of str, optional
        One transcript, several, or (None) all of them.
    skip_interviewer : bool
        Leave out units spoken by the interviewer side.

    Returns
    -------
    pandas.DataFrame
        Columns: segment_id, transcript_id, n, turn_n, start, end (the speech span: a turn's
        starts at its ``body_start``), is_interviewer, text (the speech). Ordered by transcript
        and position.
    """
    import pandas as pd

    check_unit(unit)
    ids = [transcript_id] if isinstance(transcript_id, str) else transcript_id
    frames = []
    for tid in transcript_ids(project, ids):
        frame = project.segments(unit, tid, with_text=False)
        if not len(frame):
            continue
        if unit == "turn":
            frame = frame.assign(start=frame["body_start"].fillna(frame["start"]).astype("int64"))
        text = project.text(tid)
        frame = frame.assign(text=[text[s:e] for s, e in zip(frame["start"], frame["end"])])
        frames.append(frame[["segment_id", "transcript_id", "n", "turn_n", "start", "end", "is_interviewer",
                             "text"]])
    if not frames:
        return pd.DataFrame(columns=["segment_id", "transcript_id", "n", "turn_n", "start", "end",
                                     "is_interviewer", "text"])
    out = pd.concat(frames, ignore_index=True)
    if skip_interviewer:
        out = out[~out["is_interviewer"]].reset_index(drop=True)
    out = out[out["end"] > out["start"]].reset_index(drop=True)
    return out


def iter_unit_frames(project: "Project", unit: str, *, transcript_ids_: Sequence[str] | None = None,
                     skip_interviewer: bool = True) -> Iterator["pd.DataFrame"]:
    """:func:`unit_frame` one transcript at a time (memory stays flat on big projects)."""
    for tid in transcript_ids(project, transcript_ids_):
        frame = unit_frame(project, unit, transcript_id=tid, skip_interviewer=skip_interviewer)
        if len(frame):
            yield frame


# ---------------------------------------------------------------------------- layers
@dataclass(frozen=True)
class Layer:
    """A coding layer as a filter on the codings table: a coder, an origin, or both."""

    name: str
    coder: str | None = None
    origin: str | None = None

    def describe(self) -> str:
        """How the layer is selected, for tables and error messages."""
        if self.coder and self.origin:
            return f"{self.coder} ({self.origin})"
        return self.coder or f"all {self.origin} codings"


def layers(project: "Project") -> "pd.DataFrame":
    """Coders with their origin and number of codings."""
    import pandas as pd

    rows = project.store.connection.execute(
        "SELECT coder, origin, COUNT(*) FROM codings GROUP BY coder, origin ORDER BY coder, origin").fetchall()
    return pd.DataFrame(rows, columns=["coder", "origin", "codings"])


def resolve_layer(project: "Project", name: str) -> Layer:
    """Turn what the user typed (``consensus``, a coder's name) into a :class:`Layer`.

    A coder's name selects that coder's layer. ``consensus`` (or ``human``) selects the coder
    called so if there is one, else every coding of that origin.

    Raises
    ------
    InputError
        Naming the layers that exist.
    """
    table = layers(project)
    if name in set(table["coder"]):
        origins = set(table.loc[table["coder"] == name, "origin"])
        return Layer(name, coder=name, origin=origins.pop() if len(origins) == 1 else None)
    if name in set(table["origin"]):
        return Layer(name, origin=name)
    available = ", ".join(sorted(set(table["coder"]))) or "none yet"
    raise InputError(f"no coding layer {name!r} in this project", path=project.folder,
                     hint=f"layers: {available}; import human coding first (`mio-qual coding import`)")


def human_layers(project: "Project") -> list[str]:
    """Names of the coders whose layer is human coding, sorted."""
    table = layers(project)
    return sorted(set(table.loc[table["origin"] == "human", "coder"]))


def default_reference(project: "Project") -> str:
    """The layer auto-coding is compared with by default: consensus if present, else the first human coder."""
    table = layers(project)
    if "consensus" in set(table["origin"]) or "consensus" in set(table["coder"]):
        return "consensus"
    humans = human_layers(project)
    if humans:
        return humans[0]
    raise InputError("this project has no human or consensus coding to learn from or compare with",
                     path=project.folder, hint="import coding first (`mio-qual coding import`)")


@dataclass
class LabelledUnits:
    """Units with a 0/1 label per code from one layer.

    Attributes
    ----------
    unit : str
    frame : pandas.DataFrame
        From :func:`unit_frame`.
    codes : list of str
        Label columns, in codebook order.
    Y : numpy.ndarray
        ``len(frame) x len(codes)`` int8 matrix.
    layer : Layer
    """

    unit: str
    frame: "pd.DataFrame"
    codes: list[str]
    Y: "np.ndarray"
    layer: Layer
    notes: list[str] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        """The units' speech."""
        return self.frame["text"].tolist()

    @property
    def groups(self) -> "np.ndarray":
        """The transcript of each unit (cross-validation groups)."""
        return self.frame["transcript_id"].to_numpy()


def label_matrix(project: "Project", frame: "pd.DataFrame", unit: str, layer: Layer,
                 codes: Sequence[str]) -> "np.ndarray":
    """0/1 matrix (units of ``frame`` x ``codes``): 1 where the layer has the code on the unit.

    Uses :meth:`Project.code_matrix` (a coding counts for a unit when they share at least one
    character), so agreement, evaluation and training all see the same units.
    """
    import numpy as np

    if not len(frame) or not len(codes):
        return np.zeros((len(frame), len(codes)), dtype=np.int8)
    ids = sorted(set(frame["transcript_id"]))
    matrix = project.code_matrix(unit=unit, coder=layer.coder, origin=layer.origin, codes=list(codes),
                                 transcript_id=ids)
    matrix = matrix.reindex(frame["segment_id"]).fillna(0)
    return matrix.to_numpy(dtype=np.int8)


def labelled_units(project: "Project", layer: str | Layer, unit: str = "sentence", *, codebook=None,  # type: ignore[no-untyped-def]
                   skip_interviewer: bool = True) -> LabelledUnits:
    """Every unit of the project with its labels from ``layer``.

    Codes are those of the codebook that the layer used at least once (codes outside the
    codebook are left out and named in ``notes``).
    """
    check_unit(unit)
    if isinstance(layer, str):
        layer = resolve_layer(project, layer)
    codebook = codebook if codebook is not None else load_default_codebook()
    frame = unit_frame(project, unit, skip_interviewer=skip_interviewer)
    used = _codes_used(project, layer)
    notes = []
    outside = sorted(set(used) - set(codebook.codes))
    if outside:
        notes.append(f"codes not in the codebook were left out: {', '.join(outside)}")
    codes = [c for c in codebook.codes if c in set(used)]
    Y = label_matrix(project, frame, unit, layer, codes)
    return LabelledUnits(unit, frame, codes, Y, layer, notes)


def _codes_used(project: "Project", layer: Layer) -> list[str]:
    sql = "SELECT DISTINCT code FROM codings WHERE 1=1"
    params: list[str] = []
    if layer.coder:
        sql += " AND coder = ?"
        params.append(layer.coder)
    if layer.origin:
        sql += " AND origin = ?"
        params.append(layer.origin)
    return [r[0] for r in project.store.connection.execute(sql, params)]


__all__ = ["UNITS", "DEFAULT_CODEBOOKS", "Layer", "LabelledUnits", "check_unit", "unit_frame", "iter_unit_frames",
           "resolve_layer", "layers", "human_layers", "default_reference", "label_matrix", "labelled_units",
           "load_default_codebook", "transcript_ids"]
