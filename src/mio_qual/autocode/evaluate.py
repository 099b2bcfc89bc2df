"""How good are the suggestions? Auto-coding against human coding, unit by unit.

For each code, every unit of staff speech (sentence, paragraph or turn) is a case with two
binary ratings: the auto-coder's (code suggested or not) and the reference layer's (consensus,
or one human coder). From their 2 x 2 table come:

* **precision** TP / (TP + FP), **recall** TP / (TP + FN) and **F1**, their harmonic mean
  2 TP / (2 TP + FP + FN) (van Rijsbergen 1979); precision is reported as 0 when the
  auto-coder suggested the code nowhere (scikit-learn's ``zero_division=0`` convention);
* **Cohen's kappa** of auto versus reference, computed by the agreement engine
  (:func:`mio_qual.agreement.cohen_kappa`; Cohen 1960), so it reads on the same scale as
  human inter-coder agreement;
* **support**: units the reference coded with the code.

Beside them, when a second human layer exists, ``kappa_human`` is the same kappa between the
reference and that second coder on the same units: the bar a suggester is measured against.

A code the reference used on fewer than ``min_examples`` units (default 5) is reported as "too
few examples" and not scored. ``micro`` pools the 2 x 2 tables of the scored codes
(precision, recall, F1 and kappa of the pooled table); ``macro`` is the unweighted mean over
scored codes (Sokolova & Lapalme 2009).

The model is evaluated honestly: by cross-validation grouped by transcript, each unit's
suggestions come from a model that never saw its transcript, and each of those models chose
its thresholds by its own inner grouped cross-validation on its training transcripts only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from ..errors import InputError
from ..result import Result, Table
from .units import Layer, LayerLabels, check_unit, default_reference, human_layers, load_default_codebook, resolve_layer

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

METHODS = ("model", "rules", "layer")
COLUMNS = ["code", "name", "status", "support", "predicted", "tp", "fp", "fn", "precision", "recall", "f1", "kappa",
           "kappa_human", "n_units"]
TOO_FEW = "too few examples"


@dataclass
class Evaluation:
    """The result of :func:`evaluate`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per code (columns :data:`COLUMNS`), then ``micro`` and ``macro`` rows.
    method, unit, reference, human : str
        What was compared with what (``human`` is '' without a second human layer).
    n_units, n_transcripts : int
    min_examples : int
    notes : list of str
    """

    table: "pd.DataFrame"
    method: str
    unit: str
    reference: str
    human: str
    n_units: int
    n_transcripts: int
    min_examples: int
    notes: list[str] = field(default_factory=list)

    @property
    def frame(self) -> "pd.DataFrame":
        """The table (same as ``table``)."""
        return self.table

    @property
    def summary(self) -> dict[str, Any]:
        """Micro and macro scores as a dict."""
        rows = self.table.set_index("code")
        out: dict[str, Any] = {}
        for which in ("micro", "macro"):
            if which in rows.index:
                out[which] = {k: _clean(rows.at[which, k]) for k in ("precision", "recall", "f1", "kappa",
                                                                      "kappa_human")}
        out["scored_codes"] = int((self.table["status"] == "scored").sum())
        out["too_few"] = int((self.table["status"] == TOO_FEW).sum())
        return out

    def title(self) -> str:
        """A one-line description of the comparison."""
        versus = f"; human vs human: {self.reference} vs {self.human}" if self.human else ""
        return (f"Auto-coding ({self.method}) vs {self.reference}, per {self.unit}: {self.n_units} units in "
                f"{self.n_transcripts} transcripts{versus}")

    def method_note(self) -> str:
        """How the scores were computed, in one paragraph."""
        return (f"Precision, recall and F1 of the suggestions against {self.reference}, and Cohen's kappa of the two at "
                f"the same {self.unit}s. Codes with fewer than {self.min_examples} examples are not scored. Micro: "
                "pooled over scored codes; macro: mean over scored codes."
                + (" Model suggestions are out-of-fold: cross-validation grouped by transcript."
                   if self.method == "model" else ""))

    def result(self) -> Result:
        """The evaluation as a result for the renderer: the per-code table with the method and notes under it."""
        shown = [c for c in COLUMNS if c != "n_units"]
        table = Table(self.table[shown], title=self.title(), notes=[self.method_note(), *self.notes],
                      sheet="evaluation")
        return Result("autocode-evaluation", [table], title="Auto-coding evaluation")


def _clean(value: Any) -> Any:
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else round(float(value), 4)
    return value


# ---------------------------------------------------------------------------- scoring
def binary_scores(pred: np.ndarray, ref: np.ndarray) -> dict[str, float]:
    """TP, FP, FN, TN, precision, recall, F1 and Cohen's kappa of two 0/1 vectors.

    Examples
    --------
    >>> s = binary_scores(np.array([1, 1, 0, 0, 1]), np.array([1, 0, 0, 1, 1]))
    >>> s["tp"], s["fp"], s["fn"], round(s["precision"], 3), round(s["recall"], 3), round(s["f1"], 3)
    (2, 1, 1, 0.667, 0.667, 0.667)
    >>> round(s["kappa"], 3)   # p_o = 0.6, p_e = 0.6*0.6 + 0.4*0.4 = 0.52
    0.167
    """
    from ..agreement import cohen_kappa

    pred = np.asarray(pred).astype(bool)
    ref = np.asarray(ref).astype(bool)
    tp = int((pred & ref).sum())
    fp = int((pred & ~ref).sum())
    fn = int((~pred & ref).sum())
    tn = int((~pred & ~ref).sum())
    return _from_counts(tp, fp, fn, tn, cohen_kappa)


def _from_counts(tp: int, fp: int, fn: int, tn: int, cohen_kappa: Any) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else float("nan")
    kappa = cohen_kappa(table=[[tp, fp], [fn, tn]]).value if tp + fp + fn + tn else float("nan")
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall, "f1": f1,
            "kappa": float(kappa)}


def score_table(pred: np.ndarray, ref: np.ndarray, codes: Sequence[str], *, human: np.ndarray | None = None,
                names: dict[str, str] | None = None, min_examples: int = 5,
                status: dict[str, str] | None = None) -> "pd.DataFrame":
    """Per-code and micro/macro scores of ``pred`` against ``ref`` (units x codes 0/1 matrices).

    Parameters
    ----------
    pred, ref : numpy.ndarray
        Auto-coder and reference, same shape.
    codes : sequence of str
        Column names.
    human : numpy.ndarray, optional
        A second human layer on the same units and codes, for ``kappa_human`` (reference vs it).
    names : dict, optional
        Code names for the ``name`` column.
    min_examples : int
        Codes with fewer reference positives are reported as too few examples.
    status : dict, optional
        A status to force for some codes (e.g. not trained), when they are not too rare.
    """
    import pandas as pd

    from ..agreement import cohen_kappa

    pred = np.asarray(pred).astype(bool)
    ref = np.asarray(ref).astype(bool)
    rows = []
    pooled = np.zeros(4, dtype=np.int64)
    pooled_h = np.zeros(4, dtype=np.int64)
    scored: list[dict[str, float]] = []
    for j, code in enumerate(codes):
        s = binary_scores(pred[:, j], ref[:, j])
        support = int(ref[:, j].sum())
        k_human = float("nan")
        if human is not None:
            h = binary_scores(human[:, j], ref[:, j])
            k_human = h["kappa"]
        why = "scored"
        if support < min_examples:
            why = TOO_FEW
        elif status and code in status:
            why = status[code]
        row = {"code": code, "name": (names or {}).get(code, ""), "status": why, "support": support,
               "predicted": int(pred[:, j].sum()), "tp": s["tp"], "fp": s["fp"], "fn": s["fn"],
               "precision": s["precision"], "recall": s["recall"], "f1": s["f1"], "kappa": s["kappa"],
               "kappa_human": k_human, "n_units": len(ref)}
        if why != "scored":
            for key in ("precision", "recall", "f1", "kappa"):
                row[key] = float("nan")
            if why == TOO_FEW:
                row["kappa_human"] = float("nan")
        else:
            scored.append({**s, "kappa_human": k_human})
            pooled += [s["tp"], s["fp"], s["fn"], s["tn"]]
            if human is not None:
                hs = binary_scores(human[:, j], ref[:, j])
                pooled_h += [hs["tp"], hs["fp"], hs["fn"], hs["tn"]]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    n = len(ref)
    if scored:
        micro = _from_counts(*[int(v) for v in pooled], cohen_kappa)
        micro_h = _from_counts(*[int(v) for v in pooled_h], cohen_kappa)["kappa"] if human is not None else float("nan")
        macro = {k: float(np.nanmean([s[k] for s in scored])) if any(not math.isnan(s[k]) for s in scored)
                 else float("nan") for k in ("precision", "recall", "f1", "kappa", "kappa_human")}
        extra = [
            {"code": "micro", "name": f"pooled over {len(scored)} scored codes", "status": "summary",
             "support": int(pooled[0] + pooled[2]), "predicted": int(pooled[0] + pooled[1]), "tp": int(pooled[0]),
             "fp": int(pooled[1]), "fn": int(pooled[2]), "precision": micro["precision"], "recall": micro["recall"],
             "f1": micro["f1"], "kappa": micro["kappa"], "kappa_human": micro_h, "n_units": n},
            {"code": "macro", "name": f"mean over {len(scored)} scored codes", "status": "summary",
             "support": int(pooled[0] + pooled[2]), "predicted": int(pooled[0] + pooled[1]), "tp": int(pooled[0]),
             "fp": int(pooled[1]), "fn": int(pooled[2]), **macro, "n_units": n},
        ]
        frame = pd.concat([frame, pd.DataFrame(extra, columns=COLUMNS)], ignore_index=True)
    return frame


# ---------------------------------------------------------------------------- predictions
def cross_validated_predictions(texts: Sequence[str], Y: np.ndarray, groups: Sequence[Any], codes: Sequence[str], *,
                                n_splits: int = 5,
                                **params: Any) -> tuple[np.ndarray, list[tuple[list, list]], dict[str, int]]:
    """Out-of-fold 0/1 suggestions of a :class:`CodeSuggester`, grouped by transcript.

    Returns the suggestions (same shape as ``Y``; a code a fold's model could not train stays 0
    in that fold), the transcripts on each side of each fold, and in how many folds each code
    could be trained.
    """
    from .model import CodeSuggester, grouped_folds

    groups = np.asarray(groups)
    folds = grouped_folds(groups, n_splits)
    if not folds:
        raise InputError("cross-validation needs units from at least two transcripts")
    pred = np.zeros(Y.shape, dtype=np.int8)
    sides = []
    trained = {c: 0 for c in codes}
    for train, test in folds:
        sides.append((sorted(set(groups[train].tolist())), sorted(set(groups[test].tolist()))))
        model = CodeSuggester(**params).fit([texts[i] for i in train], Y[train], groups=groups[train], codes=codes)
        if not model.codes_:
            continue
        fold_pred = model.predict([texts[i] for i in test])
        column = {c: k for k, c in enumerate(codes)}
        for k, code in enumerate(model.codes_):
            pred[test, column[code]] = fold_pred[:, k]
            trained[code] += 1
    return pred, sides, trained


def _rule_predictions(frame: "pd.DataFrame", unit: str, codes: Sequence[str], codebook: Any, negation_window: int,
                      sentences: "pd.DataFrame", texts: Mapping[str, str],
                      unit_segments: "pd.DataFrame | None") -> np.ndarray:
    """0/1 rule suggestions on the units of ``frame`` (computed now, not read from a stored layer)."""
    from .rules import RuleCoder

    coder = RuleCoder(codebook, negation_window=negation_window)
    column = {c: j for j, c in enumerate(codes)}
    pred = np.zeros((len(frame), len(codes)), dtype=np.int8)
    position = {(t, s, e): i for i, (t, s, e) in enumerate(zip(frame["transcript_id"], frame["start"], frame["end"]))}
    for c in coder.code(sentences, texts, unit=unit, coder="rules", units=unit_segments, skip_interviewer=True,
                        transcript_ids=sorted(set(frame["transcript_id"]))):
        i = position.get((c.transcript_id, c.start, c.end))
        if i is not None and c.code in column:
            pred[i, column[c.code]] = 1
    return pred


# ---------------------------------------------------------------------------- the entry point
def evaluation_layers(layers: "pd.DataFrame", method: str = "model", *, reference: str | None = None,
                      human: str | None = None, layer: str | None = None) -> tuple[Layer, Layer | None, Layer | None]:
    """The layers an evaluation compares: the reference, the second human layer and the evaluated layer.

    Parameters
    ----------
    layers : pandas.DataFrame
        The project's layers: coder, origin and codings.
    method : {"model", "rules", "layer"}
    reference : str, optional
        The layer taken as truth; consensus if the project has one, else the first human coder.
    human : str, optional
        A second human layer for ``kappa_human``; by default another human coder than the
        reference, when there is one. ``""`` for none.
    layer : str, optional
        The layer evaluated with ``method="layer"``.

    Raises
    ------
    InputError
        An unknown method, an unknown layer, or ``method="layer"`` without ``layer``.
    """
    if method not in METHODS:
        raise InputError(f"unknown evaluation method {method!r}", hint="use " + ", ".join(METHODS))
    ref_layer = resolve_layer(layers, reference or default_reference(layers))
    if human is None:
        others = [h for h in human_layers(layers) if h != ref_layer.coder]
        human = others[0] if others else ""
    human_layer = resolve_layer(layers, human) if human else None
    if method == "layer" and not layer:
        raise InputError("name the layer to evaluate", hint="pass --coder NAME (layer= from Python)")
    auto_layer = resolve_layer(layers, layer) if method == "layer" and layer else None
    return ref_layer, human_layer, auto_layer


def evaluate(units: "pd.DataFrame", reference: LayerLabels, method: str = "model", *, unit: str = "sentence",
             human: LayerLabels | None = None, layer: LayerLabels | None = None, codebook: Any = None,
             min_examples: int = 5, n_splits: int = 5, negation_window: int | None = None,
             sentences: "pd.DataFrame | None" = None, texts: Mapping[str, str] | None = None,
             unit_segments: "pd.DataFrame | None" = None, **params: Any) -> Evaluation:
    """Compare auto-coding with a human (or consensus) layer, per code, at one unit.

    Parameters
    ----------
    units : pandas.DataFrame
        The units scored (:func:`~mio_qual.autocode.units.unit_frame`).
    reference : LayerLabels
        The layer taken as truth, with its codes on the units.
    method : {"model", "rules", "layer"}
        ``model``: a :class:`~mio_qual.autocode.model.CodeSuggester` trained and tested by
        cross-validation grouped by transcript (each unit judged by a model that never saw its
        transcript). ``rules``: the keyword rules. ``layer``: the stored layer ``layer`` (for
        instance suggestions already written; beware that a model's own training data makes it
        look better than it is).
    unit : {"sentence", "paragraph", "turn"}
    human : LayerLabels, optional
        A second human layer for ``kappa_human``.
    layer : LayerLabels, optional
        The layer evaluated with ``method="layer"``.
    codebook : Codebook, optional
        Default: the bundled cfir2 + cfir_outcomes + mio.
    min_examples : int
        Codes the reference used on fewer units are reported as too few examples.
    n_splits : int
        Outer grouped folds for ``method="model"``.
    negation_window : int, optional
        For ``method="rules"``.
    sentences, texts, unit_segments
        For ``method="rules"``: the stored sentences, the transcripts' texts and, for paragraph
        or turn units, the stored segments of the unit (see :meth:`RuleCoder.code`).
    **params
        Settings passed to :class:`CodeSuggester`.

    Returns
    -------
    Evaluation
    """
    from .patterns import DEFAULT_NEGATION_WINDOW

    check_unit(unit)
    if method not in METHODS:
        raise InputError(f"unknown evaluation method {method!r}", hint="use " + ", ".join(METHODS))
    codebook = codebook if codebook is not None else load_default_codebook()
    frame = units
    if not len(frame):
        raise InputError("the project has no units of staff speech to evaluate on", hint="import transcripts first")
    ref_layer = reference.layer
    notes: list[str] = []
    ref_codes = reference.codes
    outside = sorted(set(ref_codes) - set(codebook.codes))
    if outside:
        notes.append(f"codes of {reference.layer.name} that are not in the codebook were left out: "
                     f"{', '.join(outside)}")
    status: dict[str, str] = {}
    if method == "model":
        codes = [c for c in codebook.codes if c in set(ref_codes)]
        Y = reference.on(frame, codes)
        pred, sides, trained = cross_validated_predictions(
            frame["text"].tolist(), Y, frame["transcript_id"].to_numpy(), codes, n_splits=n_splits, **params)
        notes.append(f"model suggestions are out-of-fold: {len(sides)} folds grouped by transcript; no transcript was "
                     "ever in the training and the test part of the same fold")
        for code, n in trained.items():
            if n == 0:
                status[code] = TOO_FEW
        partly = sorted(c for c, n in trained.items() if 0 < n < len(sides))
        if partly:
            notes.append(f"trained in only some folds (too few examples in the others): {', '.join(partly)}")
    elif method == "rules":
        if sentences is None or texts is None:
            raise InputError("evaluating the rules needs the stored sentences and the texts")
        window = DEFAULT_NEGATION_WINDOW if negation_window is None else negation_window
        keyword_codes = [c.id for c in codebook.codes.values() if c.keywords]
        codes = [c for c in codebook.codes if c in set(ref_codes) or c in set(keyword_codes)]
        Y = reference.on(frame, codes)
        pred = _rule_predictions(frame, unit, codes, codebook, window, sentences, texts, unit_segments)
        keep = [j for j, c in enumerate(codes) if Y[:, j].any() or pred[:, j].any()]
        codes = [codes[j] for j in keep]
        Y, pred = Y[:, keep], pred[:, keep]
        for code in codes:
            if not codebook.codes[code].keywords:
                status[code] = "no keywords"
        notes.append(f"rules computed now with a negation window of {window} tokens")
    else:
        if layer is None:
            raise InputError("name the layer to evaluate", hint="pass --coder NAME (layer= from Python)")
        codes = [c for c in codebook.codes if c in set(ref_codes) | set(layer.codes)]
        Y = reference.on(frame, codes)
        pred = layer.on(frame, codes)
        notes.append(f"evaluated the stored layer {layer.layer.describe()}")
    H = human.on(frame, codes) if human is not None else None
    if human is not None:
        notes.append(f"kappa_human: {ref_layer.describe()} vs {human.layer.describe()} on the same units")
    names = {c: codebook.codes[c].name for c in codes}
    table = score_table(pred, Y, codes, human=H, names=names, min_examples=min_examples, status=status or None)
    return Evaluation(table, method if method != "layer" else f"layer {layer.layer.name}", unit,  # type: ignore[union-attr]
                      ref_layer.describe(), human.layer.describe() if human is not None else "", len(frame),
                      int(frame["transcript_id"].nunique()), min_examples, notes)


__all__ = ["Evaluation", "evaluate", "evaluation_layers", "score_table", "binary_scores", "cross_validated_predictions", "METHODS",
           "COLUMNS", "TOO_FEW"]
