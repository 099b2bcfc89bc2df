"""Auto-coding: suggest codes a coder can accept or reject, and say how good the suggestions are.

Everything runs locally (no network, no model download):

* :mod:`.patterns` compiles the codebook's keyword patterns into spaCy phrase matchers on the
  shared blank English tokenizer, lemma- and case-insensitive, with ``word*`` prefixes,
  ``!word`` exclusions and a negation window;
* :mod:`.rules` turns keyword hits into codings of origin ``rules`` on sentences, paragraphs
  or turns (:class:`RuleCoder`);
* :mod:`.features` and :mod:`.model` train a scikit-learn style :class:`CodeSuggester` on a
  human or consensus layer: tf-idf word and character n-grams, one class-weighted logistic
  regression per code, per-code thresholds chosen by cross-validation grouped by transcript;
* :mod:`.persist` turns trained models into JSON and numpy arrays (no pickle) for the store,
  tied to the codebook version they were trained with;
* :mod:`.suggest` turns a model's suggestions into codings of origin ``model``;
* :mod:`.evaluate` scores suggestions against human coding per code (precision, recall, F1,
  Cohen's kappa via :mod:`mio_qual.agreement`), beside human-versus-human kappa.

Everything here takes data (unit frames, label matrices, codebooks) and returns codings, models
or tables; :class:`mio_qual.project.Project` reads the store and writes the results
(``Project.autocode_rules``, ``autocode_train``, ``autocode_suggest``, ``autocode_evaluate``,
``autocode_models``).
"""

from __future__ import annotations

from .evaluate import Evaluation, evaluate, evaluation_layers
from .model import CodeSuggester, best_threshold, grouped_folds
from .patterns import Dropped, Hit, KeywordMatcher
from .persist import ModelInfo, from_blob, load_model, model_info, model_row, to_blob
from .rules import RuleCoder, RulesResult
from .suggest import SuggestResult, TrainResult, fit, suggestions
from .units import UNITS, Layer, LabelledUnits, LayerLabels, labelled_units, unit_frame

__all__ = [
    "CodeSuggester",
    "Dropped",
    "Evaluation",
    "Hit",
    "KeywordMatcher",
    "LabelledUnits",
    "Layer",
    "LayerLabels",
    "ModelInfo",
    "RuleCoder",
    "RulesResult",
    "SuggestResult",
    "TrainResult",
    "UNITS",
    "best_threshold",
    "evaluate",
    "evaluation_layers",
    "fit",
    "from_blob",
    "grouped_folds",
    "labelled_units",
    "load_model",
    "model_info",
    "model_row",
    "suggestions",
    "to_blob",
    "unit_frame",
]
