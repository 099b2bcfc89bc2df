"""The code suggester: features, grouped cross-validation, thresholds, and saving without pickle."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from helpers.autocode import make_project, toy_codebook

from mio_qual.autocode import CodeSuggester, best_threshold, grouped_folds
from mio_qual.autocode.evaluate import cross_validated_predictions
from mio_qual.autocode.features import HashedTfidf
from mio_qual.autocode.persist import from_blob, to_blob
from mio_qual.errors import InputError

WORDS = "intake parking schedule chairs lunch phones bus winter team forms morning".split()


def toy_data(n_groups: int = 6, per_group: int = 12, seed: int = 0) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Texts in groups; code 0 is "mentions a zebra", code 1 is rare (3 units)."""
    rng = np.random.default_rng(seed)
    texts, labels, groups = [], [], []
    for g in range(n_groups):
        for i in range(per_group):
            words = list(rng.choice(WORDS, size=6))
            zebra = i % 3 == 0
            if zebra:
                words.insert(int(rng.integers(0, 6)), "zebra")
            texts.append(" ".join(words))
            labels.append([int(zebra), int(g == 0 and i < 3)])
            groups.append(f"T{g}")
    return texts, np.array(labels), np.array(groups)


# ---------------------------------------------------------------------------- grouped folds
@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("ABCDEFGHIJ"), min_size=2, max_size=60), st.integers(2, 8))
def test_grouped_cv_never_puts_a_transcript_on_both_sides(groups: list[str], k: int) -> None:
    folds = grouped_folds(groups, k)
    g = np.array(groups)
    if len(set(groups)) < 2:
        assert folds == []
        return
    assert len(folds) == min(k, len(set(groups)))
    tested = np.concatenate([test for _, test in folds])
    assert sorted(tested.tolist()) == list(range(len(groups)))  # every unit tested once
    for train, test in folds:
        assert set(g[train]).isdisjoint(set(g[test]))
        assert len(train) + len(test) == len(groups)


def test_threshold_folds_inside_fit_are_grouped_too() -> None:
    texts, Y, groups = toy_data()
    model = CodeSuggester(min_positives=5, threshold_folds=3).fit(texts, Y, groups=groups, codes=["ZEB", "RARE"])
    assert len(model.folds_) == 3
    for train_groups, test_groups in model.folds_:
        assert set(train_groups).isdisjoint(test_groups)
    assert sorted(g for _, test in model.folds_ for g in test) == sorted(set(groups))


def test_cross_validated_predictions_come_from_models_that_never_saw_the_transcript() -> None:
    texts, Y, groups = toy_data()
    pred, sides, trained = cross_validated_predictions(texts, Y[:, :1], groups, ["ZEB"], n_splits=3,
                                                       min_positives=5)
    for train_groups, test_groups in sides:
        assert set(train_groups).isdisjoint(test_groups)
    assert trained == {"ZEB": 3}


# ---------------------------------------------------------------------------- learning
def test_a_separable_toy_code_is_learned_and_generalizes_to_unseen_transcripts() -> None:
    from mio_qual.autocode.evaluate import binary_scores

    texts, Y, groups = toy_data(8, 15)
    pred, _, _ = cross_validated_predictions(texts, Y[:, :1], groups, ["ZEB"], n_splits=4, min_positives=5)
    held_out = binary_scores(pred[:, 0], Y[:, 0])  # every prediction is for a transcript the model never saw
    assert held_out["f1"] >= 0.95 and held_out["kappa"] >= 0.9
    texts, Y, groups = toy_data()
    model = CodeSuggester(min_positives=5).fit(texts, Y, groups=groups, codes=["ZEB", "RARE"])
    assert model.codes_ == ["ZEB"]
    assert model.skipped_ == {"RARE": "too few examples (3 < 5)"}
    new = ["the zebra stood near the parking", "lunch was short and the phones rang"]
    assert model.predict(new).tolist() == [[1], [0]]
    proba = model.predict_proba(new)
    assert proba.shape == (2, 1) and proba[0, 0] > 0.5 > proba[1, 0]
    assert model.top_terms(new[0], "ZEB", 1) == ["zebra"]
    assert 0.3 <= model.thresholds_[0] <= 0.9


def test_training_is_deterministic() -> None:
    texts, Y, groups = toy_data()
    a = CodeSuggester(min_positives=5).fit(texts, Y, groups=groups)
    b = CodeSuggester(min_positives=5).fit(texts, Y, groups=groups)
    assert np.array_equal(a.coef_, b.coef_) and np.array_equal(a.thresholds_, b.thresholds_)


def test_min_prob_overrides_the_thresholds() -> None:
    texts, Y, groups = toy_data()
    model = CodeSuggester(min_positives=5).fit(texts, Y, groups=groups)
    proba = model.predict_proba(texts)
    assert np.array_equal(model.predict(texts, min_prob=0.0), np.ones_like(proba, dtype=np.int8))
    assert np.array_equal(model.predict(texts, min_prob=0.7), (proba >= 0.7).astype(np.int8))


@pytest.mark.parametrize("y, p, cut, f1", [
    ([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.225, 0.8),   # cut at 0.35: TP 2, FP 1 -> F1 4/5
    ([1, 0, 1, 0], [0.9, 0.2, 0.8, 0.1], 0.5, 1.0),      # cut at 0.8, midpoint with 0.2
    ([0, 0, 0], [0.3, 0.2, 0.1], 0.5, 0.0),              # no positives
])
def test_best_threshold_by_hand(y: list, p: list, cut: float, f1: float) -> None:
    got_cut, got_f1 = best_threshold(np.array(y), np.array(p))
    assert got_cut == pytest.approx(cut) and got_f1 == pytest.approx(f1)


def test_hashed_tfidf_equals_scikit_learns_tfidf_when_nothing_collides() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = ["the zebra room", "the room is quiet quiet", "zebra zebra stripes", "a quiet zebra"]
    ours = HashedTfidf("word", (1, 2), min_df=1).fit(docs).transform(docs).toarray()
    theirs = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(docs).transform(docs).toarray()
    assert ours.shape == theirs.shape
    for a, b in zip(ours, theirs):  # same values per row, columns in hash order vs vocabulary order
        assert np.allclose(np.sort(a), np.sort(b))
    kept = HashedTfidf("word", (1, 1), min_df=2).fit(docs)
    assert len(kept.columns_) == 4  # the, zebra, room, quiet: in two or more documents


# ---------------------------------------------------------------------------- saving without pickle
def test_a_saved_model_is_plain_arrays_and_predicts_the_same() -> None:
    texts, Y, groups = toy_data()
    model = CodeSuggester(min_positives=5).fit(texts, Y, groups=groups, codes=["ZEB", "RARE"])
    meta, blob = to_blob(model)
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        assert all(name.endswith(".npy") for name in archive.namelist())
    with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
        assert all(arrays[k].dtype != object for k in arrays.files)
    loaded = from_blob(meta, blob)
    assert loaded.codes_ == ["ZEB"] and loaded.skipped_ == model.skipped_
    assert np.allclose(loaded.predict_proba(texts), model.predict_proba(texts), atol=1e-6)
    assert np.array_equal(loaded.predict(texts), model.predict(texts))


def test_damaged_or_foreign_weights_are_refused_with_an_input_error() -> None:
    texts, Y, groups = toy_data()
    meta, blob = to_blob(CodeSuggester(min_positives=5, threshold_folds=0).fit(texts, Y))
    with pytest.raises(InputError):
        from_blob(meta, blob[: len(blob) // 2])
    with pytest.raises(InputError):
        from_blob({**meta, "format_version": 99}, blob)
    with pytest.raises(InputError):
        from_blob({**meta, "codes": meta["codes"] + ["EXTRA"]}, blob)
    pickled = io.BytesIO()
    np.savez(pickled, coef=np.array([{"a": 1}], dtype=object))
    with pytest.raises(InputError):
        from_blob(meta, pickled.getvalue())


def test_models_are_stored_in_the_project_and_refuse_another_codebook(tmp_path: Path) -> None:
    from mio_qual.codebook import Code, Codebook

    project = make_project(tmp_path)
    try:
        book = toy_codebook()
        result = project.autocode_train("ann", codebook=book, min_positives=5)
        assert result.model.codes_ == ["ZEB", "REC"]
        stored = project.store.connection.execute(
            "SELECT codebook_version, library_version, unit, trained_on FROM models WHERE id = 'default'").fetchone()
        assert stored == (book.version, __import__("mio_qual").__version__, "sentence", "ann")
        model, info = project.autocode_model(codebook=book)
        assert model.codes_ == ["ZEB", "REC"] and info.unit == "sentence"
        other = Codebook([Code("ZEB", "Zebra room, renamed"), Code("REC", "Recording")])
        with pytest.raises(InputError) as caught:
            project.autocode_model(codebook=other)
        assert book.version in str(caught.value) and other.version in str(caught.value)
        with pytest.raises(InputError):
            project.autocode_suggest(codebook=other)
        with pytest.raises(InputError, match="no model 'nope'"):
            project.autocode_model("nope")
    finally:
        project.close()


def test_suggestions_are_model_codings_with_probabilities(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    try:
        book = toy_codebook()
        project.autocode_train("ann", codebook=book, min_positives=5)
        result = project.autocode_suggest(codebook=book)
        layer = project.codings(coder="model")
        assert result.inserted == len(layer) > 0
        assert set(layer["origin"]) == {"model"} and layer["probability"].between(0, 1).all()
        assert layer["evidence"].str.startswith("model default").all()
        zebra = layer[layer["code"] == "ZEB"]
        assert zebra["text"].str.lower().str.contains("zebra").all() and len(zebra) == 24
        everything = project.autocode_suggest(codebook=book, min_prob=0.0)
        assert everything.removed == result.inserted  # the layer is replaced, not added to
        staff = project.sentences().query("~is_interviewer")
        assert everything.inserted == 2 * len(staff)
    finally:
        project.close()


def test_saving_again_under_a_name_replaces_the_model(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    try:
        book = toy_codebook()
        texts, Y, groups = toy_data()
        model = CodeSuggester(min_positives=5, threshold_folds=0).fit(texts, Y)
        project.autocode_save_model(model, name="m", codebook=book, unit="turn", trained_on="ann")
        project.autocode_save_model(model, name="m", codebook=book, unit="sentence", trained_on="bob")
        rows = project.store.connection.execute("SELECT unit, trained_on FROM models").fetchall()
        assert rows == [("sentence", "bob")]
    finally:
        project.close()
