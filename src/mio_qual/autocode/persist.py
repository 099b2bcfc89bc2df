"""Saving trained code suggesters in the project store, without pickle.

A model is a row of the store's ``models`` table (:mod:`mio_qual.store.models`): its name, when it was made, the codebook
version (a hash of the codebook's content) and mio-qual version it was made with, the unit and
layer it learned from, a JSON ``meta`` document (settings, codes, thresholds, training
summary) and a ``weights`` blob. The blob is a numpy ``.npz`` archive of plain numeric arrays
(kept hash columns and idf weights of each feature block, the coefficient matrix, the
intercepts), read back with ``allow_pickle=False``: loading a model never runs code from the
file, and the estimator is rebuilt from its settings.

A model refuses to run against a codebook whose version differs from the one it was trained
with: code ids could mean something else.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from ..errors import InputError
from ..store.models import ModelRow
from .model import CodeSuggester


FORMAT = "mio-qual-code-suggester"
FORMAT_VERSION = 1
_PARAMS = {"word_ngrams", "char_ngrams", "n_features", "min_df", "C", "class_weight", "min_positives",
           "threshold_folds", "threshold_range", "min_cv_f1", "random_state"}
_BLOCK_SETTINGS = {"analyzer", "ngram_range", "n_features", "min_df", "sublinear_tf", "lowercase"}


class ModelInfo(ModelRow):
    """A stored model's row (:class:`mio_qual.store.models.ModelRow`), read without its weights."""

    @property
    def codes(self) -> list[str]:
        """Codes the model suggests."""
        return list(self.meta.get("codes", []))


def to_blob(model: CodeSuggester) -> tuple[dict[str, Any], bytes]:
    """The model's JSON-ready description and its numeric arrays as ``.npz`` bytes."""
    model._check_fitted()
    blocks = dict(model.features_.transformer_list)
    arrays: dict[str, np.ndarray] = {
        "coef": np.asarray(model.coef_, dtype=np.float32),
        "intercept": np.asarray(model.intercept_, dtype=np.float64),
        "thresholds": np.asarray(model.thresholds_, dtype=np.float64),
    }
    features = {}
    for name, block in blocks.items():
        arrays[f"{name}_columns"] = np.asarray(block.columns_, dtype=np.int64)
        arrays[f"{name}_idf"] = np.asarray(block.idf_, dtype=np.float64)
        features[name] = block.settings()
    params = model.get_params()
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()}
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "params": params,
        "features": features,
        "codes": list(model.codes_),
        "thresholds": [float(t) for t in model.thresholds_],
        "cv_f1": [None if np.isnan(v) else float(v) for v in model.cv_f1_],
        "positives": [int(p) for p in model.positives_],
        "skipped": dict(model.skipped_),
        "folds": [[list(a), list(b)] for a, b in getattr(model, "folds_", [])],
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return meta, buffer.getvalue()


def from_blob(meta: dict[str, Any], blob: bytes) -> CodeSuggester:
    """Rebuild a :class:`CodeSuggester` from :func:`to_blob` output (no pickle involved).

    Raises
    ------
    InputError
        If the description or the arrays are not a model this version can read.
    """
    from .features import text_features

    if meta.get("format") != FORMAT or meta.get("format_version") != FORMAT_VERSION:
        raise InputError("the stored model is not in a format this mio-qual can read",
                         hint="retrain it with `mio-qual autocode train`")
    params = meta.get("params", {})
    if set(params) - _PARAMS:
        raise InputError(f"the stored model has unknown settings: {', '.join(sorted(set(params) - _PARAMS))}")
    params = {k: (tuple(v) if isinstance(v, list) else v) for k, v in params.items()}
    arrays = _read_arrays(blob)
    model = CodeSuggester(**params)
    union = text_features(tuple(params.get("word_ngrams", (1, 2))),
                          tuple(params["char_ngrams"]) if params.get("char_ngrams") else None,
                          int(params.get("n_features", 2 ** 20)), int(params.get("min_df", 2)))
    width = 0
    for name, block in union.transformer_list:
        settings = meta["features"].get(name)
        if settings is None or set(settings) != _BLOCK_SETTINGS:
            raise InputError(f"the stored model lacks the settings of its {name!r} features")
        block.set_params(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in settings.items()})
        try:
            block.set_fitted(arrays[f"{name}_columns"], arrays[f"{name}_idf"])
        except (KeyError, ValueError) as exc:
            raise InputError(f"the stored model's {name!r} features are damaged ({exc})") from None
        width += len(block.columns_)
    codes = list(meta.get("codes", []))
    coef = arrays.get("coef")
    if coef is None or coef.shape != (len(codes), width) or arrays["intercept"].shape != (len(codes),):
        raise InputError("the stored model's weights do not fit its codes and features",
                         hint="retrain it with `mio-qual autocode train`")
    model.features_ = union
    model.codes_ = codes
    model.coef_ = coef.astype(np.float64)
    model.intercept_ = arrays["intercept"].astype(np.float64)
    model.thresholds_ = arrays["thresholds"].astype(np.float64)
    model.cv_f1_ = np.array([np.nan if v is None else v for v in meta.get("cv_f1", [None] * len(codes))], dtype=float)
    model.positives_ = np.array(meta.get("positives", [0] * len(codes)), dtype=np.int64)
    model.skipped_ = dict(meta.get("skipped", {}))
    model.folds_ = [(list(a), list(b)) for a, b in meta.get("folds", [])]
    return model


def _read_arrays(blob: bytes) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` blob: its zip directory checked first, pickled objects refused."""
    import zipfile

    from ..safezip import open_zip

    hint = "retrain it with `mio-qual autocode train`"
    try:
        with open_zip(io.BytesIO(blob), what="stored model", max_members=64):
            pass
    except InputError as exc:
        raise InputError(f"the stored model's weights cannot be read: {exc.message}", hint=hint) from None
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise InputError(f"the stored model's weights cannot be read ({exc.__class__.__name__}: {exc})",
                         hint=hint) from None


def model_row(model: CodeSuggester, *, name: str, codebook: Any, unit: str, trained_on: str,
              extra: dict[str, Any] | None = None) -> ModelRow:
    """The store row of a trained model, made now with this mio-qual version.

    Raises
    ------
    InputError
        When ``name`` is empty.
    """
    from .. import __version__
    from ..store.db import now_iso

    if not name or not name.strip():
        raise InputError("a model needs a name", hint="pass --name NAME")
    meta, blob = to_blob(model)
    meta.update(extra or {})
    return ModelRow(name, now_iso(), codebook.version, __version__, unit, trained_on, meta, blob)


def model_info(row: ModelRow) -> ModelInfo:
    """A stored row without its weights."""
    return ModelInfo(row.name, row.created, row.codebook_version, row.library_version, row.unit, row.trained_on,
                     row.meta)


def load_model(row: ModelRow, *, codebook: Any = None) -> tuple[CodeSuggester, ModelInfo]:
    """Rebuild a stored model, refusing one trained with another codebook version.

    Parameters
    ----------
    row : ModelRow
        The stored row, with its weights.
    codebook : Codebook, optional
        The codebook the caller works with; when given, its version must equal the model's.

    Raises
    ------
    InputError
        A codebook version mismatch (naming both versions), or damaged weights.
    """
    info = model_info(row)
    if codebook is not None and codebook.version != info.codebook_version:
        raise InputError(
            f"model {info.name!r} was trained with codebook version {info.codebook_version}, but the codebook in use "
            f"is version {codebook.version}",
            hint="retrain it with `mio-qual autocode train`, or use the codebook it was trained with")
    return from_blob(info.meta, row.weights or b""), info


def no_model(name: str | None, known: list[str], *, path: Any = None) -> InputError:
    """The error for a model that is not in the project at ``path`` (``name`` None: no model at all)."""
    if name is None:
        return InputError("no trained model in this project", path=path,
                          hint="train one with `mio-qual autocode train --from consensus`")
    return InputError(f"no model {name!r} in this project", path=path,
                      hint=f"models: {', '.join(known)}" if known else "train one with `mio-qual autocode train`")


__all__ = ["ModelInfo", "model_row", "model_info", "load_model", "no_model", "to_blob", "from_blob", "FORMAT",
           "FORMAT_VERSION"]
