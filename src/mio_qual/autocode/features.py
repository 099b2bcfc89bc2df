"""Text features for the code suggester: hashed n-grams with tf-idf weights.

:class:`HashedTfidf` is the equivalent of scikit-learn's ``TfidfVectorizer`` (smooth idf,
optional sublinear tf, l2-normalized rows) built on a ``HashingVectorizer``, so that a trained
model stores no vocabulary: only the hashed columns kept (those seen in at least ``min_df``
training texts), their idf weights, and the vectorizer's settings. That makes a saved model
small and plain data (JSON and numpy arrays, no pickle).

The weights follow scikit-learn's documented tf-idf: ``idf(t) = ln((1 + n) / (1 + df(t))) + 1``
and, with ``sublinear_tf``, ``tf = 1 + ln(count)`` (Salton & Buckley 1988; scikit-learn User
Guide, "Tf-idf term weighting").
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import FeatureUnion

#: Settings that define a HashedTfidf (saved with a model, checked on load).
PARAMS = ("analyzer", "ngram_range", "n_features", "min_df", "sublinear_tf", "lowercase")

_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's vectorizers normalize white space
_WORD_CACHE_LIMIT = 500_000


def _char_wb_grams(word: str, min_n: int, max_n: int) -> list[str]:
    """The ``char_wb`` n-grams of one word, exactly as scikit-learn's ``_char_wb_ngrams`` makes them."""
    w = " " + word + " "
    w_len = len(w)
    grams = []
    for n in range(min_n, max_n + 1):
        offset = 0
        grams.append(w[offset: offset + n])
        while offset + n < w_len:
            offset += 1
            grams.append(w[offset: offset + n])
        if offset == 0:  # a short word counts once
            break
    return grams


class HashedTfidf(TransformerMixin, BaseEstimator):
    """Tf-idf over hashed word or character n-grams, keeping only columns seen in training.

    Parameters
    ----------
    analyzer : {"word", "char_wb", "char"}
        As in scikit-learn's vectorizers (``char_wb``: character n-grams inside word
        boundaries).
    ngram_range : tuple of int
        Smallest and largest n.
    n_features : int
        Hash space size.
    min_df : int
        Keep a hashed column only if at least this many training texts have it.
    sublinear_tf : bool
        Use ``1 + ln(count)`` instead of the count.
    lowercase : bool
        Lower-case before hashing.

    Attributes
    ----------
    columns_ : numpy.ndarray of int64
        Hashed columns kept, sorted.
    idf_ : numpy.ndarray of float64
        Their idf weights.

    Examples
    --------
    >>> f = HashedTfidf("word", (1, 1), min_df=1).fit(["the cat", "the dog"])
    >>> X = f.transform(["the cat"])
    >>> X.shape[1], round(float((X.toarray() ** 2).sum()), 6)
    (3, 1.0)
    """

    def __init__(self, analyzer: str = "word", ngram_range: tuple[int, int] = (1, 2), n_features: int = 2 ** 20,
                 min_df: int = 2, sublinear_tf: bool = True, lowercase: bool = True) -> None:
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.n_features = n_features
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.lowercase = lowercase

    def _hasher(self) -> Any:
        from sklearn.feature_extraction.text import HashingVectorizer

        return HashingVectorizer(analyzer=self.analyzer, ngram_range=tuple(self.ngram_range),
                                 n_features=int(self.n_features), alternate_sign=False, norm=None,
                                 lowercase=self.lowercase, dtype=np.float64)

    def _counts(self, texts: list[str]) -> Any:
        """Hashed n-gram counts of ``texts``: exactly the ``HashingVectorizer``'s matrix (CSR).

        Character n-grams within word boundaries (``char_wb``) depend on each word alone, so a
        text's counts are the sum of its words' counts. Each distinct word is hashed once, by
        scikit-learn's own ``FeatureHasher`` (so the columns are the same), and kept in a
        cache; building the n-grams and hashing them for every word of every text was most of
        the time a model took to predict.
        """
        from scipy import sparse

        if self.analyzer != "char_wb":
            return self._hasher().transform(texts).tocsr()
        from sklearn.feature_extraction import FeatureHasher

        cache = self.__dict__.setdefault("_word_counts", {})
        if len(cache) > _WORD_CACHE_LIMIT:
            cache.clear()
        min_n, max_n = (int(v) for v in self.ngram_range)
        documents: list[list[str]] = []
        new: dict[str, list[str]] = {}
        for text in texts:
            if not isinstance(text, str):  # bytes, NaN...: the vectorizer's own path says what is wrong
                return self._hasher().transform(texts).tocsr()
            if self.lowercase:
                text = text.lower()
            words = _WHITE_SPACES.sub(" ", text).split()
            documents.append(words)
            for word in words:
                if word not in cache and word not in new:
                    new[word] = _char_wb_grams(word, min_n, max_n)
        if new:
            hashed = FeatureHasher(n_features=int(self.n_features), input_type="string", alternate_sign=False,
                                   dtype=np.float64).transform(new.values()).tocsr()
            for i, word in enumerate(new):
                a, b = hashed.indptr[i], hashed.indptr[i + 1]
                cache[word] = (hashed.indices[a:b].copy(), hashed.data[a:b].copy())
        indices, data, sizes = [], [], []
        for words in documents:
            size = 0
            for word in words:
                word_indices, word_data = cache[word]
                indices.append(word_indices)
                data.append(word_data)
                size += len(word_indices)
            sizes.append(size)
        indptr = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
        out = sparse.csr_matrix(
            (np.concatenate(data) if data else np.zeros(0), np.concatenate(indices) if indices
             else np.zeros(0, dtype=np.int32), indptr), shape=(len(documents), int(self.n_features)))
        out.sum_duplicates()
        return out

    def fit(self, X: Iterable[str], y: Any = None) -> "HashedTfidf":
        """Learn which hashed columns to keep and their idf."""
        counts = self._counts(list(X)).tocsc()
        n = counts.shape[0]
        df = np.diff(counts.indptr)
        columns = np.flatnonzero(df >= max(int(self.min_df), 1))
        self.columns_ = columns.astype(np.int64)
        self.idf_ = np.log((1.0 + n) / (1.0 + df[columns])) + 1.0
        self._lookup = None
        return self

    def set_fitted(self, columns: np.ndarray, idf: np.ndarray) -> "HashedTfidf":
        """Install fitted state (used when a saved model is loaded)."""
        columns = np.asarray(columns, dtype=np.int64)
        idf = np.asarray(idf, dtype=np.float64)
        if columns.ndim != 1 or idf.shape != columns.shape:
            raise ValueError("columns and idf must be 1-D arrays of the same length")
        if len(columns) and (columns.min() < 0 or columns.max() >= int(self.n_features)
                             or np.any(np.diff(columns) <= 0)):
            raise ValueError("columns must be increasing hash columns inside n_features")
        self.columns_, self.idf_, self._lookup = columns, idf, None
        return self

    def transform(self, X: Iterable[str]) -> Any:
        """Tf-idf rows (l2-normalized) over the kept columns."""
        from scipy import sparse

        if not hasattr(self, "columns_"):
            raise ValueError("HashedTfidf is not fitted")
        if getattr(self, "_lookup", None) is None:
            lookup = np.full(int(self.n_features), -1, dtype=np.int64)
            lookup[self.columns_] = np.arange(len(self.columns_))
            self._lookup = lookup
        counts = self._counts(list(X))
        mapped = self._lookup[counts.indices]
        keep = mapped >= 0
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))[keep]
        values = counts.data[keep]
        if self.sublinear_tf:
            values = 1.0 + np.log(values)
        values = values * self.idf_[mapped[keep]]
        out = sparse.csr_matrix((values, (rows, mapped[keep])), shape=(counts.shape[0], len(self.columns_)))
        norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names ``<analyzer>:<hash column>`` (hashing keeps no vocabulary)."""
        return np.array([f"{self.analyzer}:{c}" for c in self.columns_], dtype=object)

    def settings(self) -> dict[str, Any]:
        """The constructor settings as plain JSON data."""
        return {"analyzer": self.analyzer, "ngram_range": [int(v) for v in self.ngram_range],
                "n_features": int(self.n_features), "min_df": int(self.min_df),
                "sublinear_tf": bool(self.sublinear_tf), "lowercase": bool(self.lowercase)}


def text_features(word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] | None = (2, 5),
                  n_features: int = 2 ** 20, min_df: int = 2) -> FeatureUnion:
    """Word n-grams beside character n-grams within word boundaries, each its own tf-idf block.

    Each block is normalized on its own, so words and characters weigh the same in the union.
    """
    blocks = [("word", HashedTfidf("word", word_ngrams, n_features, min_df))]
    if char_ngrams is not None:
        blocks.append(("char", HashedTfidf("char_wb", char_ngrams, n_features, min_df)))
    return FeatureUnion(blocks)


__all__ = ["HashedTfidf", "text_features", "PARAMS"]
