"""Training a code suggester on a layer's coding, and turning its suggestions into codings.

:func:`fit` learns from a human or consensus layer's labelled units (``Project.autocode_train``
stores the model, :mod:`.persist`). :func:`suggestions` runs a stored model over the units and
makes a coding of origin ``model`` (with its probability and the words that weighed most as
evidence) on every unit where a code's probability reaches the code's threshold, or
``min_prob`` when given (``Project.autocode_suggest`` writes them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..coding.model import Coding
from ..errors import InputError
from .model import CodeSuggester
from .persist import ModelInfo
from .units import LabelledUnits

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

DEFAULT_MODEL = "default"


@dataclass
class TrainResult:
    """A trained and stored model with what it learned."""

    name: str
    model: CodeSuggester
    info: ModelInfo
    n_units: int
    n_transcripts: int
    notes: list[str] = field(default_factory=list)

    def frame(self) -> "pd.DataFrame":
        """One row per code given to training: positives, threshold, out-of-fold F1, or why skipped."""
        import pandas as pd

        rows = [(c, "trained", int(p), float(t), f) for c, p, t, f in
                zip(self.model.codes_, self.model.positives_, self.model.thresholds_, self.model.cv_f1_)]
        rows += [(c, why, None, None, None) for c, why in self.model.skipped_.items()]
        return pd.DataFrame(rows, columns=["code", "status", "positives", "threshold", "cv_f1"])


@dataclass
class SuggestResult:
    """What :meth:`Project.autocode_suggest` wrote."""

    coder: str
    model: str
    unit: str
    inserted: int
    removed: int
    per_code: dict[str, int] = field(default_factory=dict)

    def frame(self) -> "pd.DataFrame":
        """Suggestions per code."""
        import pandas as pd

        return pd.DataFrame(sorted(self.per_code.items(), key=lambda kv: (-kv[1], kv[0])),
                            columns=["code", "suggestions"])


def fit(data: LabelledUnits, from_layer: str, **params: Any) -> CodeSuggester:
    """Train a :class:`CodeSuggester` on a layer's labelled units.

    Parameters
    ----------
    data : LabelledUnits
        The units with the layer's labels (:func:`~mio_qual.autocode.units.labelled_units`).
    from_layer : str
        The layer's name, for messages.
    **params
        :class:`CodeSuggester` settings (``C``, ``min_positives``...).

    Raises
    ------
    InputError
        No units, no codes of the codebook in the layer, or no code with enough examples.
    """
    if not len(data.frame):
        raise InputError("no units of staff speech to learn from", hint="import transcripts first")
    if not data.codes:
        raise InputError(f"layer {from_layer!r} has no codes of the codebook")
    model = CodeSuggester(**params).fit(data.texts, data.Y, groups=data.groups, codes=data.codes)
    if not model.codes_:
        raise InputError(f"no code has enough examples in {from_layer!r} to learn from "
                         f"(each needs at least {model.min_positives} {data.unit}s)")
    return model


def training_summary(data: LabelledUnits, *, skip_interviewer: bool) -> dict[str, Any]:
    """What is stored with a model about its training data (layer, units, transcripts)."""
    return {"layer": data.layer.describe(), "n_units": len(data.frame),
            "n_transcripts": int(data.frame["transcript_id"].nunique()), "skip_interviewer": skip_interviewer}


def train_result(data: LabelledUnits, model: CodeSuggester, info: ModelInfo) -> TrainResult:
    """The :class:`TrainResult` of a model trained on ``data`` and stored as ``info``."""
    notes = list(data.notes)
    if not model.folds_:
        notes.append("one transcript only: thresholds stay at 0.5 (grouped cross-validation needs two)")
    return TrainResult(info.name, model, info, len(data.frame), int(data.frame["transcript_id"].nunique()), notes)


def check_min_prob(min_prob: float | None) -> None:
    """Refuse a ``min_prob`` outside [0, 1]."""
    if min_prob is not None and not 0.0 <= min_prob <= 1.0:
        raise InputError(f"--min-prob must be between 0 and 1, not {min_prob}")


def suggestions(units: "pd.DataFrame", suggester: CodeSuggester, info: ModelInfo, *, min_prob: float | None = None,
                coder: str = "model", evidence_terms: int = 3) -> tuple[list[Coding], dict[str, int]]:
    """A stored model's suggestions on ``units``, as codings of origin ``model``, and their count per code.

    Parameters
    ----------
    units : pandas.DataFrame
        Units of the model's unit (:func:`~mio_qual.autocode.units.unit_frame`).
    suggester : CodeSuggester
    info : ModelInfo
        The stored model's row (its name goes into each coding's evidence).
    min_prob : float, optional
        Suggest a code wherever its probability is at least this, instead of the code's own
        threshold (chosen in training to maximize F1).
    coder : str
        The layer the codings belong to.
    evidence_terms : int
        How many of the most telling word n-grams to keep as evidence.
    """
    check_min_prob(min_prob)
    codings: list[Coding] = []
    per_code: dict[str, int] = {}
    cut = suggester.thresholds_ if min_prob is None else np.full(len(suggester.codes_), float(min_prob))
    for _, frame in units.groupby("transcript_id", sort=True):
        texts = frame["text"].tolist()
        proba = suggester.predict_proba(texts)
        rows, columns = np.nonzero(proba >= cut)
        for i, j in zip(rows.tolist(), columns.tolist()):
            code = suggester.codes_[j]
            terms = suggester.top_terms(texts[i], code, evidence_terms) if evidence_terms else []
            evidence = f"model {info.name}" + (": " + ", ".join(terms) if terms else "")
            codings.append(Coding(frame["transcript_id"].iat[i], int(frame["start"].iat[i]), int(frame["end"].iat[i]),
                                  code, coder, "model", probability=round(float(proba[i, j]), 4), evidence=evidence,
                                  unit=info.unit))
            per_code[code] = per_code.get(code, 0) + 1
    return codings, per_code


__all__ = ["fit", "training_summary", "train_result", "check_min_prob", "suggestions", "TrainResult", "SuggestResult",
           "DEFAULT_MODEL"]
