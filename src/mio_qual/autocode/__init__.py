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

from .._lazy import attach

# public name -> its module, imported on first use (mio_qual._lazy: light imports, fast CLI start)
__getattr__, __dir__, __all__ = attach(__name__, {
    ".evaluate": ["Evaluation", "evaluate", "evaluation_layers"],
    ".model": ["CodeSuggester", "best_threshold", "grouped_folds"],
    ".patterns": ["Dropped", "Hit", "KeywordMatcher"],
    ".persist": ["ModelInfo", "from_blob", "load_model", "model_info", "model_row", "to_blob"],
    ".rules": ["RuleCoder", "RulesResult"],
    ".suggest": ["SuggestResult", "TrainResult", "fit", "suggestions"],
    ".units": ["UNITS", "Layer", "LabelledUnits", "LayerLabels", "labelled_units", "unit_frame"],
})
