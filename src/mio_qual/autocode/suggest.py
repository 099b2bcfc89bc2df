"""Training a code suggester on a project's coding, and writing its suggestions back.

:func:`train` learns from a human or consensus layer at one unit and stores the model in the
project (:mod:`.persist`). :func:`suggest` loads a stored model, checks it was trained with the
codebook in use, and writes a coding of origin ``model`` (with its probability and the words
that weighed most as evidence) on every unit of staff speech where a code's probability
reaches the code's threshold, or ``min_prob`` when given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..coding.model import Coding
from ..errors import InputError
from .model import CodeSuggester
from .persist import ModelInfo, load_model, save_model
from .units import check_unit, iter_unit_frames, labelled_units, load_default_codebook, resolve_layer

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..project import Project

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
    """What :func:`suggest` wrote."""

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


def train(project: "Project", from_layer: str = "consensus", *, unit: str = "sentence", name: str = DEFAULT_MODEL,
          codebook: Any = None, skip_interviewer: bool = True, **params: Any) -> TrainResult:
    """Train a :class:`CodeSuggester` on a layer's coding and store it under ``name``.

    Parameters
    ----------
    project : Project
    from_layer : str
        ``consensus`` or a coder's name.
    unit : {"sentence", "paragraph", "turn"}
    name : str
        The stored model's name (a model of that name is replaced).
    codebook : Codebook, optional
        Default: the bundled cfir2 + cfir_outcomes + mio. Its version is stored with the model.
    skip_interviewer : bool
        Learn from staff speech only (default).
    **params
        :class:`CodeSuggester` settings (``C``, ``min_positives``...).
    """
    check_unit(unit)
    codebook = codebook if codebook is not None else load_default_codebook()
    layer = resolve_layer(project, from_layer)
    data = labelled_units(project, layer, unit, codebook=codebook, skip_interviewer=skip_interviewer)
    if not len(data.frame):
        raise InputError("no units of staff speech to learn from", path=project.folder, hint="import transcripts first")
    if not data.codes:
        raise InputError(f"layer {from_layer!r} has no codes of the codebook", path=project.folder)
    model = CodeSuggester(**params).fit(data.texts, data.Y, groups=data.groups, codes=data.codes)
    if not model.codes_:
        raise InputError(f"no code has enough examples in {from_layer!r} to learn from "
                         f"(each needs at least {model.min_positives} {unit}s)", path=project.folder)
    n_transcripts = int(data.frame["transcript_id"].nunique())
    extra = {"layer": layer.describe(), "n_units": len(data.frame), "n_transcripts": n_transcripts,
             "skip_interviewer": skip_interviewer}
    info = save_model(project, model, name=name, codebook=codebook, unit=unit, trained_on=from_layer, extra=extra)
    notes = list(data.notes)
    if not model.folds_:
        notes.append("one transcript only: thresholds stay at 0.5 (grouped cross-validation needs two)")
    return TrainResult(name, model, info, len(data.frame), n_transcripts, notes)


def suggest(project: "Project", model: str | TrainResult | None = None, *, min_prob: float | None = None,
            coder: str = "model", codebook: Any = None, skip_interviewer: bool = True,
            evidence_terms: int = 3) -> SuggestResult:
    """Write a stored model's suggestions as codings of origin ``model`` (replacing the previous ones).

    Parameters
    ----------
    project : Project
    model : str or TrainResult, optional
        The model's name; the newest stored model by default.
    min_prob : float, optional
        Suggest a code wherever its probability is at least this, instead of the code's own
        threshold (chosen in training to maximize F1).
    coder : str
        The layer written.
    codebook : Codebook, optional
        The codebook in use; must have the version the model was trained with.
    evidence_terms : int
        How many of the most telling word n-grams to keep as evidence.

    Raises
    ------
    InputError
        No model, or a model trained with another codebook version.
    """
    from ..coding.layers import write_codings

    if min_prob is not None and not 0.0 <= min_prob <= 1.0:
        raise InputError(f"--min-prob must be between 0 and 1, not {min_prob}")
    codebook = codebook if codebook is not None else load_default_codebook()
    name = model.name if isinstance(model, TrainResult) else model
    suggester, info = load_model(project, name, codebook=codebook)
    unit = info.unit
    codings: list[Coding] = []
    per_code: dict[str, int] = {}
    cut = suggester.thresholds_ if min_prob is None else np.full(len(suggester.codes_), float(min_prob))
    for frame in iter_unit_frames(project, unit, skip_interviewer=info.meta.get("skip_interviewer", skip_interviewer)):
        texts = frame["text"].tolist()
        proba = suggester.predict_proba(texts)
        rows, columns = np.nonzero(proba >= cut)
        for i, j in zip(rows.tolist(), columns.tolist()):
            code = suggester.codes_[j]
            terms = suggester.top_terms(texts[i], code, evidence_terms) if evidence_terms else []
            evidence = f"model {info.name}" + (": " + ", ".join(terms) if terms else "")
            codings.append(Coding(frame["transcript_id"].iat[i], int(frame["start"].iat[i]), int(frame["end"].iat[i]),
                                  code, coder, "model", probability=round(float(proba[i, j]), 4), evidence=evidence,
                                  unit=unit))
            per_code[code] = per_code.get(code, 0) + 1
    written = write_codings(project, codings, coder=coder, origin="model", codebook=codebook, replace="layer",
                            action=f"autocode suggest ({info.name})")
    return SuggestResult(coder, info.name, unit, written.inserted, written.removed, per_code)


__all__ = ["train", "suggest", "TrainResult", "SuggestResult", "DEFAULT_MODEL"]
