"""A trainable code suggester: one linear classifier per code over word and character n-grams.

:class:`CodeSuggester` is a scikit-learn style estimator (``fit``, ``predict_proba``,
``predict``) for multi-label text classification, the shape of qualitative coding (a unit can
carry several codes, or none):

* features: a :func:`~mio_qual.autocode.features.text_features` union of hashed word 1-2-gram
  and character 2-5-gram tf-idf blocks;
* one-vs-rest: for each code with enough examples, an L2-regularized logistic regression
  (``liblinear``) with ``class_weight="balanced"``, so that a code present in 2% of units is
  not drowned by the 98% without it (King & Zeng 2001 on rare events; scikit-learn's
  ``balanced`` weights n / (2 n_class));
* a decision threshold per code, chosen to maximize F1 on out-of-fold probabilities from
  cross-validation *grouped by transcript*, so that no interview ever sits in both the part a
  model learns from and the part it is judged on (units of one interview share speakers,
  topics and phrasing; splitting them would flatter the model).

Thresholds from a few dozen held-out positives are noisy, so two guards apply. With balanced
class weights 0.5 is the natural cut; held-out data may move it only inside
``threshold_range`` (default 0.3 to 0.9), and a code whose best out-of-fold F1 is below
``min_cv_f1`` (default 0.2), which means the held-out data says little, keeps 0.5. On the
bundled sample (jordan's layer, five grouped folds) these guards raised micro F1 from 0.13 to
0.26 on sentences and from 0.34 to 0.46 on turns against unguarded F1-optimal thresholds, and
gave about the same on sentences as a fixed 0.5 (0.25) and more on turns (0.39).

Codes with fewer than ``min_positives`` positive units are not trained; ``skipped_`` says why.
Everything is deterministic: liblinear gets a fixed ``random_state`` and the folds are
:class:`sklearn.model_selection.GroupKFold` folds, which involve no randomness.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from ..errors import InputError


def grouped_folds(groups: Sequence[Any], n_splits: int = 5) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test index pairs in which no group (transcript) is on both sides.

    Parameters
    ----------
    groups : sequence
        The group (transcript id) of each unit.
    n_splits : int
        Wanted folds; fewer when there are fewer groups. No folds when there is one group.

    Returns
    -------
    list of (train indices, test indices)
        Every unit is in exactly one test part.

    Examples
    --------
    >>> folds = grouped_folds(["a", "a", "b", "c", "c", "d"], n_splits=2)
    >>> sorted(sorted(set(["a", "a", "b", "c", "c", "d"][i] for i in test)) for _, test in folds)
    [['a', 'b'], ['c', 'd']]
    """
    from sklearn.model_selection import GroupKFold

    groups = np.asarray(groups)
    n_groups = len(np.unique(groups))
    k = min(int(n_splits), n_groups)
    if k < 2:
        return []
    splitter = GroupKFold(n_splits=k)
    return [(train, test) for train, test in splitter.split(np.zeros(len(groups)), groups=groups)]


def best_threshold(y: np.ndarray, proba: np.ndarray) -> tuple[float, float]:
    """The probability cut that maximizes F1, and that F1.

    Every distinct probability is a candidate (a unit is positive when its probability is at
    least the cut). Ties go to the highest cut, which suggests fewer codes. The cut returned is
    the midpoint between the chosen probability and the next lower one, so that it is not tuned
    to one unit's exact score. When no cut gives any true positive, 0.5 and F1 = 0 are returned.

    Examples
    --------
    >>> cut, f1 = best_threshold(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    >>> round(cut, 3), round(f1, 3)
    (0.225, 0.8)
    """
    y = np.asarray(y).astype(bool)
    proba = np.asarray(proba, dtype=float)
    if not y.any() or not len(y):
        return 0.5, 0.0
    order = np.argsort(-proba, kind="stable")
    p_sorted, y_sorted = proba[order], y[order]
    tp = np.cumsum(y_sorted)
    predicted = np.arange(1, len(y) + 1)
    last = np.r_[p_sorted[1:] != p_sorted[:-1], True]  # cut at each distinct value (take all ties)
    tp, predicted, cuts = tp[last], predicted[last], p_sorted[last]
    f1 = 2 * tp / (predicted + y.sum())
    if f1.max() <= 0:
        return 0.5, 0.0
    best = int(np.flatnonzero(f1 == f1.max())[0])  # highest cut among the maxima
    lower = cuts[best + 1] if best + 1 < len(cuts) else 0.0
    return float((cuts[best] + lower) / 2.0), float(f1[best])


class CodeSuggester(ClassifierMixin, BaseEstimator):
    """Multi-label code suggester: tf-idf n-grams, one logistic regression per code.

    Parameters
    ----------
    word_ngrams : tuple of int
        Word n-gram range.
    char_ngrams : tuple of int or None
        Character n-gram range (within word boundaries); None for words only.
    n_features : int
        Hash space of each block.
    min_df : int
        Keep an n-gram seen in at least this many training units.
    C : float
        Inverse regularization strength of the logistic regressions.
    class_weight : "balanced" or None
        Reweight each code's positives and negatives to equal total weight.
    min_positives : int
        Codes with fewer positive training units are not trained.
    threshold_folds : int
        Grouped folds used to choose each code's threshold; 0 keeps 0.5 for every code.
    threshold_range : tuple of float
        Thresholds chosen on held-out data are kept inside this range.
    min_cv_f1 : float
        A code whose best out-of-fold F1 is lower keeps the threshold 0.5.
    random_state : int
        Seed for liblinear.

    Attributes
    ----------
    codes_ : list of str
        Codes a classifier was trained for (columns of ``predict_proba``).
    skipped_ : dict
        Codes given to ``fit`` but not trained, with the reason.
    features_ : FeatureUnion
    coef_ : numpy.ndarray, shape (n_codes, n_features)
    intercept_ : numpy.ndarray, shape (n_codes,)
    thresholds_ : numpy.ndarray, shape (n_codes,)
    cv_f1_ : numpy.ndarray, shape (n_codes,)
        Best out-of-fold F1 over thresholds (optimistic: the threshold was chosen on the same
        predictions; use :func:`mio_qual.autocode.evaluate.evaluate` for an honest figure).
    positives_ : numpy.ndarray, shape (n_codes,)
        Positive training units per code.
    folds_ : list of (list, list)
        Transcripts on the training and the held-out side of each threshold fold.

    Examples
    --------
    >>> texts = ["we record every session", "the recorder was on", "lunch was late", "we ate lunch"] * 3
    >>> Y = np.array([[1], [1], [0], [0]] * 3)
    >>> model = CodeSuggester(min_positives=2, threshold_folds=0, char_ngrams=None, min_df=1)
    >>> model = model.fit(texts, Y, codes=["REC"])
    >>> model.predict(["she would record the session"]).tolist()
    [[1]]
    """

    def __init__(self, word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] | None = (2, 5),
                 n_features: int = 2 ** 20, min_df: int = 2, C: float = 1.0, class_weight: str | None = "balanced",
                 min_positives: int = 5, threshold_folds: int = 5, threshold_range: tuple[float, float] = (0.3, 0.9),
                 min_cv_f1: float = 0.2, random_state: int = 0) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.n_features = n_features
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.min_positives = min_positives
        self.threshold_folds = threshold_folds
        self.threshold_range = threshold_range
        self.min_cv_f1 = min_cv_f1
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting
    def fit(self, X: Iterable[str], Y: Any, groups: Sequence[Any] | None = None,
            codes: Sequence[str] | None = None) -> "CodeSuggester":
        """Train one classifier per code with enough examples, and choose thresholds.

        Parameters
        ----------
        X : iterable of str
            Unit texts.
        Y : array-like, shape (n_units, n_codes)
            1 where the unit has the code.
        groups : sequence, optional
            Transcript of each unit; needed to choose thresholds by grouped cross-validation
            (without it every threshold stays 0.5).
        codes : sequence of str, optional
            Code ids of the columns of ``Y`` (default ``"0"``, ``"1"``...).
        """
        from .features import text_features

        texts = [str(t) for t in X]
        Y = np.asarray(Y)
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        if Y.shape[0] != len(texts):
            raise InputError(f"{len(texts)} texts but {Y.shape[0]} label rows")
        codes = [str(c) for c in codes] if codes is not None else [str(i) for i in range(Y.shape[1])]
        if len(codes) != Y.shape[1]:
            raise InputError(f"{Y.shape[1]} label columns but {len(codes)} code names")
        Y = (Y != 0).astype(np.int8)
        positives = Y.sum(axis=0)
        trainable = [j for j in range(Y.shape[1]) if positives[j] >= self.min_positives and positives[j] < len(texts)]
        self.skipped_ = {codes[j]: (f"too few examples ({int(positives[j])} < {self.min_positives})"
                                    if positives[j] < self.min_positives else "on every unit")
                         for j in range(Y.shape[1]) if j not in trainable}
        self.codes_ = [codes[j] for j in trainable]
        self.positives_ = positives[trainable].astype(np.int64)
        Yt = Y[:, trainable]
        self.features_ = text_features(tuple(self.word_ngrams),
                                       tuple(self.char_ngrams) if self.char_ngrams else None,
                                       int(self.n_features), int(self.min_df))
        features = self.features_.fit_transform(texts)
        self.coef_, self.intercept_ = self._fit_codes(features, Yt)
        self.thresholds_ = np.full(len(self.codes_), 0.5)
        self.cv_f1_ = np.full(len(self.codes_), np.nan)
        self.folds_: list[tuple[list[str], list[str]]] = []
        if self.threshold_folds and groups is not None and self.codes_:
            self._choose_thresholds(texts, Yt, np.asarray(groups))
        return self

    def _fit_codes(self, features: Any, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.linear_model import LogisticRegression

        n_samples, n_features = features.shape
        coef = np.zeros((Y.shape[1], n_features))
        intercept = np.zeros(Y.shape[1])
        # liblinear's dual solver is far faster when units are fewer than features (the usual
        # case for interview text); both reach the same regularized optimum
        dual = n_samples <= n_features
        for j in range(Y.shape[1]):
            y = Y[:, j]
            if y.min() == y.max():  # a fold without positives (or negatives): no classifier
                intercept[j] = -30.0 if y.max() == 0 else 30.0
                continue
            model = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear", dual=dual,
                                       random_state=self.random_state, max_iter=1000)
            model.fit(features, y)
            coef[j] = model.coef_[0]
            intercept[j] = model.intercept_[0]
        return coef, intercept

    def _choose_thresholds(self, texts: list[str], Y: np.ndarray, groups: np.ndarray) -> None:
        folds = grouped_folds(groups, self.threshold_folds)
        if not folds:
            return
        oof = np.zeros(Y.shape, dtype=float)
        inner = self.get_params()
        inner.update(threshold_folds=0, min_positives=1)
        for train, test in folds:
            self.folds_.append((sorted(set(groups[train].tolist())), sorted(set(groups[test].tolist()))))
            model = CodeSuggester(**inner).fit([texts[i] for i in train], Y[train], codes=self.codes_)
            proba = model.predict_proba([texts[i] for i in test])
            column = {c: k for k, c in enumerate(model.codes_)}
            for j, code in enumerate(self.codes_):
                if code in column:
                    oof[test, j] = proba[:, column[code]]
        low, high = self.threshold_range
        for j in range(Y.shape[1]):
            cut, f1 = best_threshold(Y[:, j], oof[:, j])
            self.cv_f1_[j] = f1
            self.thresholds_[j] = min(max(cut, low), high) if f1 >= self.min_cv_f1 else 0.5

    # ------------------------------------------------------------------ predicting
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise InputError("the code suggester is not trained", hint="fit it first, or load a saved model")

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        """Linear scores, shape (n_texts, n_codes)."""
        self._check_fitted()
        features = self.features_.transform([str(t) for t in X])
        return np.asarray(features @ self.coef_.T) + self.intercept_

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Probability of each trained code for each text, shape (n_texts, n_codes).

        Each column is the logistic regression's own probability for its code
        (``1 / (1 + exp(-score))``, what ``LogisticRegression.predict_proba`` gives for the
        positive class); columns need not sum to one.
        """
        from scipy.special import expit

        return expit(self.decision_function(X))

    def predict(self, X: Iterable[str], min_prob: float | None = None) -> np.ndarray:
        """0/1 suggestions: a code where its probability reaches its threshold (or ``min_prob``)."""
        proba = self.predict_proba(X)
        cut = self.thresholds_ if min_prob is None else np.full(proba.shape[1], float(min_prob))
        return (proba >= cut).astype(np.int8)

    def top_terms(self, text: str, code: str, k: int = 3) -> list[str]:
        """The word n-grams of ``text`` that push ``code`` up most (a suggestion's evidence).

        Each n-gram is scored by its coefficient times its idf; only n-grams with a positive
        score are returned, best first.
        """
        from sklearn.feature_extraction.text import HashingVectorizer

        self._check_fitted()
        word = dict(self.features_.transformer_list)["word"]
        j = self.codes_.index(code)
        weights = self.coef_[j, : len(word.columns_)] * word.idf_
        analyzer = HashingVectorizer(analyzer="word", ngram_range=tuple(word.ngram_range),
                                     lowercase=word.lowercase).build_analyzer()
        terms = list(dict.fromkeys(analyzer(text)))
        if not terms:
            return []
        hasher = HashingVectorizer(analyzer=_as_is, n_features=int(word.n_features), alternate_sign=False, norm=None)
        hashed = hasher.transform([[t] for t in terms]).tocsr()
        scored = []
        for i, term in enumerate(terms):
            columns = hashed.indices[hashed.indptr[i]:hashed.indptr[i + 1]]
            position = np.searchsorted(word.columns_, columns)
            inside = (position < len(word.columns_))
            found = position[inside][word.columns_[position[inside]] == columns[inside]]
            score = float(weights[found].sum()) if len(found) else 0.0
            if score > 0:
                scored.append((score, term))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [t for _, t in scored[:k]]


def _as_is(doc: Any) -> Any:
    """An analyzer that takes a list of terms as already analyzed."""
    return doc


__all__ = ["CodeSuggester", "grouped_folds", "best_threshold"]
