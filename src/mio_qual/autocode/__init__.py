"""Auto-coding: suggest codes a coder can accept or reject, and say how good the suggestions are.

Everything runs locally (no network, no model download):

* :mod:`.patterns` compiles the codebook's keyword patterns into spaCy phrase matchers on the
  shared blank English tokenizer, lemma- and case-insensitive, with ``word*`` prefixes,
  ``!word`` exclusions and a negation window;
* :mod:`.rules` turns keyword hits into codings of origin ``rules`` on sentences, paragraphs
  or turns (:class:`RuleCoder`, :func:`apply_rules`);
* :mod:`.features` and :mod:`.model` train a scikit-learn style :class:`CodeSuggester` on a
  human or consensus layer: tf-idf word and character n-grams, one class-weighted logistic
  regression per code, per-code thresholds chosen by cross-validation grouped by transcript;
* :mod:`.persist` keeps trained models in the project store as JSON and numpy arrays (no
  pickle), tied to the codebook version they were trained with;
* :mod:`.suggest` writes a model's suggestions as codings of origin ``model``;
* :mod:`.evaluate` scores suggestions against human coding per code (precision, recall, F1,
  Cohen's kappa via :mod:`mio_qual.agreement`), beside human-versus-human kappa.
"""

from __future__ import annotations

from .evaluate import Evaluation, evaluate
from .model import CodeSuggester, best_threshold, grouped_folds
from .patterns import Dropped, Hit, KeywordMatcher
from .persist import list_models, load_model, model_info, save_model
from .rules import RuleCoder, RulesResult, apply_rules
from .suggest import SuggestResult, TrainResult, suggest, train
from .units import UNITS, labelled_units, unit_frame

__all__ = [
    "CodeSuggester",
    "Dropped",
    "Evaluation",
    "Hit",
    "KeywordMatcher",
    "RuleCoder",
    "RulesResult",
    "SuggestResult",
    "TrainResult",
    "UNITS",
    "apply_rules",
    "best_threshold",
    "evaluate",
    "grouped_folds",
    "labelled_units",
    "list_models",
    "load_model",
    "model_info",
    "save_model",
    "suggest",
    "train",
    "unit_frame",
]


def suggest_rules(project, **options):  # type: ignore[no-untyped-def]
    """Write the rule coder's layer (same as :func:`apply_rules`)."""
    return apply_rules(project, **options)


def train_model(project, from_layer=None, **options):  # type: ignore[no-untyped-def]
    """Train and store a model on ``from_layer`` (default: consensus, else the first human coder)."""
    from .units import default_reference

    return train(project, from_layer or default_reference(project), **options)


def suggest_model(project, model=None, **options):  # type: ignore[no-untyped-def]
    """Write a stored model's suggestions (same as :func:`suggest`)."""
    return suggest(project, model, **options)


__all__ += ["suggest_rules", "train_model", "suggest_model"]
