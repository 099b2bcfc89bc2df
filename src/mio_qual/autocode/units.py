"""Units of analysis for auto-coding: their spans, their text, and the human labels on them.

A unit is a sentence, a paragraph or a speaker turn as stored by the readers (DESIGN.md,
decision 5). Auto-coders read the *speech* of a unit: for a turn that is the text after the
speaker label (``body_start`` to ``end``), so that a speaker's name never becomes a feature or
a coded span. Interviewer turns (interviewer, facilitator, moderator, note taker) are left out
by default: staff talk is what gets coded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Sequence

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

UNITS = ("sentence", "paragraph", "turn")
from ..codebook import DEFAULT_CODEBOOKS  # noqa: E402 - the one default list


def check_unit(unit: str) -> str:
    """Return ``unit`` if auto-coding supports it, else raise a clear InputError."""
    if unit not in UNITS:
        raise InputError(f"unknown unit {unit!r} for auto-coding", hint="use " + ", ".join(UNITS))
    return unit


def load_default_codebook(names: Sequence[str] | None = None):  # type: ignore[no-untyped-def]
    """The codebook auto-coding uses: the bundled ``cfir2``, ``cfir_outcomes`` and ``mio`` by default."""
    from ..codebook import load_codebooks

    return load_codebooks(list(names) if names else list(DEFAULT_CODEBOOKS))


def select_transcripts(known: Sequence[str], only: Sequence[str] | None = None) -> list[str]:
    """The transcript ids ``known`` (sorted), or ``only`` after checking each is known.

    Raises
    ------
    InputError
        Naming the first unknown transcript.
    """
    if only is None:
        return sorted(known)
    missing = sorted(set(only) - set(known))
    if missing:
        raise InputError(f"no transcript {missing[0]!r} in this project", hint="see `mio-qual transcripts list`")
    return sorted(set(only))


UNIT_COLUMNS = ["segment_id", "transcript_id", "n", "turn_n", "start", "end", "is_interviewer", "text"]


def unit_frame(segments: "pd.DataFrame", texts: Mapping[str, str], unit: str, *,
               skip_interviewer: bool = True) -> "pd.DataFrame":
    """The units of analysis with the span and text an auto-coder works on.

    Parameters
    ----------
    segments : pandas.DataFrame
        Stored segments of kind ``unit`` (as :meth:`Project.segments` returns them, text not
        needed): transcript_id, segment_id, n, turn_n, start, end, is_interviewer and, for
        turns, body_start.
    texts : mapping of str to str
        Each transcript's text, by id.
    unit : {"sentence", "paragraph", "turn"}
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
    if not len(segments):
        return pd.DataFrame(columns=UNIT_COLUMNS)
    frame = segments.sort_values(["transcript_id", "n"], kind="stable")
    if unit == "turn":
        frame = frame.assign(start=frame["body_start"].fillna(frame["start"]).astype("int64"))
    frame = frame.assign(text=[texts[t][s:e] for t, s, e in zip(frame["transcript_id"], frame["start"], frame["end"])])
    out = frame[UNIT_COLUMNS].reset_index(drop=True)
    if skip_interviewer:
        out = out[~out["is_interviewer"].astype(bool)].reset_index(drop=True)
    out = out[out["end"] > out["start"]].reset_index(drop=True)
    return out


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


def resolve_layer(layers: "pd.DataFrame", name: str) -> Layer:
    """Turn what the user typed (``consensus``, a coder's name) into a :class:`Layer`.

    A coder's name selects that coder's layer. ``consensus`` (or ``human``) selects the coder
    called so if there is one, else every coding of that origin.

    Parameters
    ----------
    layers : pandas.DataFrame
        The project's layers: coder, origin and codings (one row per coder and origin).
    name : str

    Raises
    ------
    InputError
        Naming the layers that exist.
    """
    if name in set(layers["coder"]):
        origins = set(layers.loc[layers["coder"] == name, "origin"])
        return Layer(name, coder=name, origin=origins.pop() if len(origins) == 1 else None)
    if name in set(layers["origin"]):
        return Layer(name, origin=name)
    available = ", ".join(sorted(set(layers["coder"]))) or "none yet"
    raise InputError(f"no coding layer {name!r} in this project",
                     hint=f"layers: {available}; import human coding first (`mio-qual coding import`)")


def human_layers(layers: "pd.DataFrame") -> list[str]:
    """Names of the coders whose layer is human coding, sorted."""
    return sorted(set(layers.loc[layers["origin"] == "human", "coder"]))


def default_reference(layers: "pd.DataFrame") -> str:
    """The layer auto-coding is compared with by default: consensus if present, else the first human coder."""
    if "consensus" in set(layers["origin"]) or "consensus" in set(layers["coder"]):
        return "consensus"
    humans = human_layers(layers)
    if humans:
        return humans[0]
    raise InputError("this project has no human or consensus coding to learn from or compare with",
                     hint="import coding first (`mio-qual coding import`)")


@dataclass
class LayerLabels:
    """One layer's codes on the units: a unit-by-code 0/1 matrix.

    Attributes
    ----------
    layer : Layer
    matrix : pandas.DataFrame
        Indexed by segment id, one column per code the layer used (as
        :meth:`Project.code_matrix` returns it for the layer: a coding counts for a unit when
        they share at least one character).
    """

    layer: Layer
    matrix: "pd.DataFrame"

    @property
    def codes(self) -> list[str]:
        """Codes the layer used."""
        return [str(c) for c in self.matrix.columns]

    def on(self, frame: "pd.DataFrame", codes: Sequence[str]) -> "np.ndarray":
        """0/1 matrix (units of ``frame`` x ``codes``): 1 where the layer has the code on the unit."""
        import numpy as np

        if not len(frame) or not len(codes):
            return np.zeros((len(frame), len(codes)), dtype=np.int8)
        matrix = self.matrix.reindex(index=frame["segment_id"], columns=list(codes)).fillna(0)
        return matrix.to_numpy(dtype=np.int8)


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


def labelled_units(frame: "pd.DataFrame", labels: LayerLabels, unit: str = "sentence", *,
                   codebook=None) -> LabelledUnits:  # type: ignore[no-untyped-def]
    """The units of ``frame`` with their labels from one layer.

    Codes are those of the codebook that the layer used at least once (codes outside the
    codebook are left out and named in ``notes``).

    Parameters
    ----------
    frame : pandas.DataFrame
        Units, from :func:`unit_frame`.
    labels : LayerLabels
        The layer's codes on the units.
    unit : {"sentence", "paragraph", "turn"}
    codebook : Codebook, optional
        Default: the bundled cfir2 + cfir_outcomes + mio.
    """
    check_unit(unit)
    codebook = codebook if codebook is not None else load_default_codebook()
    used = labels.codes
    notes = []
    outside = sorted(set(used) - set(codebook.codes))
    if outside:
        notes.append(f"codes not in the codebook were left out: {', '.join(outside)}")
    codes = [c for c in codebook.codes if c in set(used)]
    return LabelledUnits(unit, frame, codes, labels.on(frame, codes), labels.layer, notes)


__all__ = ["UNITS", "UNIT_COLUMNS", "DEFAULT_CODEBOOKS", "Layer", "LayerLabels", "LabelledUnits", "check_unit",
           "unit_frame", "resolve_layer", "human_layers", "default_reference", "labelled_units",
           "load_default_codebook", "select_transcripts"]
