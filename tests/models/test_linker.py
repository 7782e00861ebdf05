"""The frozen-embedding target linker on hand-made quotes (not seed text)."""

from __future__ import annotations

import numpy as np

from models.examples import Example
from models.linker import FrozenLinker
from pipeline.records import Stance


def ex(key, text, targets=()):
    return Example(
        key=key, text=text, context="", stances=tuple(Stance(t, "support") for t in targets)
    )


TRAIN = [
    ex("a1", "Nurses deserve the pay rise and we back it.", ["pay"]),
    ex("a2", "A bigger pay award for nurses would keep staff on the wards.", ["pay"]),
    ex("a3", "The salary increase for nursing staff is overdue.", ["pay"]),
    ex("b1", "The new hospital will be built on the old bus depot site.", ["hospital"]),
    ex("b2", "Building a district hospital in the town is the right call.", ["hospital"]),
    ex("b3", "A new hospital with two hundred beds is planned.", ["hospital"]),
    ex("c1", "The weather was dreadful all winter.", []),
    ex("c2", "I want to thank the volunteers at the fete.", []),
]


def test_linker_ranks_the_target_a_new_quote_is_about(tmp_path):
    linker = FrozenLinker(C=4.0).fit(TRAIN, ["pay", "hospital", "nobody-said-it"])
    probs = linker.predict_proba(
        [
            ex("x", "Wages for nurses must go up this year."),
            ex("y", "Plans for the hospital were approved."),
        ]
    )
    assert probs.shape == (2, 3)
    assert probs[0, 0] > 0.5 > probs[0, 1]
    assert probs[1, 1] > 0.5 > probs[1, 0]
    assert probs[:, 2].max() < 1e-6  # no training quote addresses it
    again = FrozenLinker.load(linker.save(tmp_path / "linker.npz")).predict_proba(
        [
            ex("x", "Wages for nurses must go up this year."),
            ex("y", "Plans for the hospital were approved."),
        ]
    )
    np.testing.assert_allclose(again, probs, atol=1e-6)
    assert FrozenLinker.load(tmp_path / "linker.npz").target_ids_ == [
        "pay",
        "hospital",
        "nobody-said-it",
    ]


def test_no_examples_predict_an_empty_table():
    linker = FrozenLinker().fit(TRAIN, ["pay"])
    assert linker.predict_proba([]).shape == (0, 1)


def test_bf16_prediction_uses_a_bf16_copy_of_the_encoder_and_agrees():
    import torch

    linker = FrozenLinker(C=4.0).fit(TRAIN, ["pay", "hospital"])
    quotes = [
        ex("x", "Wages for nurses must go up this year."),
        ex("y", "Plans for the hospital were approved."),
    ]
    float_probs = linker.predict_proba(quotes)
    low = linker.predict_proba(quotes, bf16=True)
    assert next(linker.frozen_encoder(bf16=True).model.parameters()).dtype == torch.bfloat16
    assert (
        next(linker.frozen_encoder().model.parameters()).dtype == torch.float32
    )  # the float copy is untouched
    np.testing.assert_allclose(low, float_probs, atol=0.05)
    assert (low > 0.5).tolist() == (float_probs > 0.5).tolist()


def sx(key, text, stance, target="pay"):
    return Example(key=key, text=text, context="", stances=(Stance(target, stance),))


POLAR = [
    sx("p1", "Nurses deserve the pay rise and we back it fully.", "support"),
    sx("p2", "We strongly welcome the pay award for nurses.", "support"),
    sx("p3", "This pay rise is exactly right and long overdue.", "support"),
    sx("o1", "The pay rise is reckless and we reject it outright.", "oppose"),
    sx("o2", "We oppose the pay award: it is unaffordable.", "oppose"),
    sx("o3", "This pay rise is wrong and must be scrapped.", "oppose"),
    sx("h1", "The new hospital is a great idea and we support it.", "support", "hospital"),
    sx("h2", "We are against building the new hospital there.", "oppose", "hospital"),
]


def test_polarity_regression_reads_the_same_features_and_round_trips(tmp_path):
    linker = FrozenLinker(C=4.0).fit(POLAR, ["pay", "hospital", "unused"])
    assert linker.has_polarity and linker.polarity_coef_.shape == (3, 2 * 384 + 3)
    quotes = [
        ex("x", "We welcome this pay rise with open arms."),
        ex("y", "We reject the pay award completely."),
    ]
    X = linker.features(quotes)
    probs = linker.polarity_proba(X, [(0, "pay"), (1, "pay"), (1, "hospital")])
    assert probs.shape == (3, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    # columns follow STANCES (support, oppose, neutral); no training pair was neutral
    assert probs[0, 0] > probs[0, 1] and probs[1, 1] > probs[1, 0]
    assert probs[:, 2].max() < 1e-6
    assert linker.polarity_proba(X, []).shape == (0, 3)
    again = FrozenLinker.load(linker.save(tmp_path / "linker.npz"))
    np.testing.assert_allclose(
        again.polarity_proba(X, [(0, "pay"), (1, "pay"), (1, "hospital")]), probs, atol=1e-6
    )
    np.testing.assert_allclose(
        again.predict_proba(quotes, X=X), linker.predict_proba(quotes), atol=1e-6
    )


def test_a_linker_without_polarity_says_so():
    import pytest

    off = FrozenLinker(polarity=False).fit(POLAR, ["pay", "hospital"])
    assert not off.has_polarity
    with pytest.raises(ValueError, match="without polarity"):
        off.polarity_proba(off.features(POLAR[:1]), [(0, "pay")])
    one_stance = FrozenLinker().fit(
        [e for e in POLAR if e.stances[0].stance == "support"], ["pay", "hospital"]
    )
    assert not one_stance.has_polarity


def test_one_pass_features_pool_the_quote_inside_its_context_and_round_trip(tmp_path):
    from models.encoder import shared_encoder
    from models.linker import frozen_features

    quotes = [
        Example(key="x", text="We welcome this pay rise.", context="Union leaders met on Monday."),
        Example(
            key="y", text="It is a mistake.", context="The hospital plan was approved by the board."
        ),
    ]
    encoder = shared_encoder(None, "cpu")
    one = frozen_features(encoder, quotes, passes=1)
    two = frozen_features(encoder, quotes)
    assert one.shape == two.shape == (2, 768)
    np.testing.assert_allclose(
        one[:, 384:], two[:, 384:], atol=1e-5
    )  # the same quote + context embedding
    assert (
        float((one[:, :384] * two[:, :384]).sum(1).max()) < 0.999
    )  # the quote read in its context
    vectors, states = frozen_features(encoder, quotes, passes=1, layer=2)
    np.testing.assert_allclose(vectors, one, atol=1e-5)
    assert len(states) == 2 and states[0].shape[-1] == 384
    import pytest

    with pytest.raises(ValueError, match="passes=3"):
        frozen_features(encoder, quotes, passes=3)
    linker = FrozenLinker(C=4.0, passes=1).fit(POLAR, ["pay", "hospital"])
    np.testing.assert_allclose(linker.features(quotes), one, atol=1e-6)
    again = FrozenLinker.load(linker.save(tmp_path / "linker.npz"))
    assert again.passes == 1
    np.testing.assert_allclose(again.predict_proba(quotes), linker.predict_proba(quotes), atol=1e-6)
    # a linker saved before the setting existed embedded in two passes
    saved = dict(np.load(tmp_path / "linker.npz"))
    del saved["passes"]
    np.savez(tmp_path / "old.npz", **saved)
    assert FrozenLinker.load(tmp_path / "old.npz").passes == 2


def test_calibrated_thresholds_move_toward_the_best_cut_and_shrink_with_few_positives():
    import numpy as np

    from models.examples import Example
    from models.linker import calibrated_thresholds
    from pipeline.records import Stance

    rng = np.random.default_rng(0)
    # target "a": 200 positives whose one informative feature sits well above the negatives'
    y = np.array([1] * 200 + [0] * 200)
    X = np.c_[y * 3.0 + rng.normal(0, 1, 400), rng.normal(0, 1, (400, 3))]
    examples = [
        Example(key=str(i), text="x", stances=(Stance("a", "support"),) if y[i] else ())
        for i in range(400)
    ]
    many = calibrated_thresholds(X, examples, ["a", "b"], C=1.0, seed=0)
    assert many[1] == 0.5  # no positives for "b": the prior
    assert 0.2 <= many[0] <= 0.9
    # the same target with 4 positives keeps close to the prior (20 pseudo-positives at 0.5)
    few = calibrated_thresholds(X[196:], examples[196:], ["a"], C=1.0, seed=0)
    assert abs(few[0] - 0.5) <= 4 / 24 * 0.45 + 1e-6


def test_the_word_view_is_averaged_with_the_embeddings_and_round_trips(tmp_path):
    import pytest

    from models.linker import polarity_regression, target_regressions, view_text, word_vectoriser
    from models.linker import with_targets as joined

    targets = ["pay", "hospital"]
    plain = FrozenLinker(C=4.0, calibrate=True).fit(POLAR, targets)
    both = FrozenLinker(C=4.0, calibrate=True, words=0.25).fit(POLAR, targets)
    quotes = [
        ex("x", "We welcome this pay rise with open arms."),
        ex("y", "We are against the new hospital."),
    ]
    X = both.features(quotes)
    # the word view by hand: TF-IDF words and pairs, the same regressions
    vectoriser = word_vectoriser()
    W = vectoriser.fit_transform([view_text(e) for e in POLAR])
    Wq = vectoriser.transform([view_text(e) for e in quotes])
    regs = target_regressions(W, POLAR, targets, C=4.0, seed=13)
    by_words = np.column_stack([regs[t].predict_proba(Wq)[:, 1] for t in targets])
    np.testing.assert_allclose(
        both.predict_proba(quotes, X=X),
        0.75 * plain.predict_proba(quotes, X=X) + 0.25 * by_words,
        atol=1e-5,
    )
    assert both.link_thresholds == pytest.approx(
        0.75 * plain.thresholds_ + 0.25 * both.word_thresholds_
    )
    pairs = [(0, "pay"), (1, "hospital")]
    clf = polarity_regression(W, POLAR, targets, C=4.0, seed=13)
    word_polarity = clf.predict_proba(joined(Wq, [0, 1], ["pay", "hospital"], targets))
    expected = 0.75 * plain.polarity_proba(X, pairs)
    for c, label in enumerate(clf.classes_):  # STANCES order: support, oppose, neutral
        expected[:, ("support", "oppose", "neutral").index(label)] += 0.25 * word_polarity[:, c]
    probs = both.polarity_proba(X, pairs, examples=quotes)
    np.testing.assert_allclose(probs, expected, atol=1e-5)
    assert probs[0, 0] > probs[0, 1] and probs[1, 1] > probs[1, 0]
    with pytest.raises(ValueError, match="examples="):
        both.polarity_proba(X, pairs)
    again = FrozenLinker.load(both.save(tmp_path / "linker.npz"))
    assert again.words == 0.25 and again.has_words
    np.testing.assert_allclose(again.predict_proba(quotes, X=X), both.predict_proba(quotes, X=X))
    np.testing.assert_allclose(again.polarity_proba(X, pairs, examples=quotes), probs, atol=1e-6)
    np.testing.assert_allclose(again.link_thresholds, both.link_thresholds)
    # without a word view nothing of it is saved or read
    assert not FrozenLinker.load(plain.save(tmp_path / "plain.npz")).has_words
    with pytest.raises(ValueError, match="weight from 0 to 1"):
        FrozenLinker(words=1.5)
    with pytest.raises(ValueError, match="polarity_words=-0.1"):
        FrozenLinker(words=0.5, polarity_words=-0.1)
    # the polarity average may weigh the words apart from relevance
    apart = FrozenLinker(C=4.0, calibrate=True, words=0.25, polarity_words=0.75).fit(POLAR, targets)
    np.testing.assert_allclose(apart.predict_proba(quotes, X=X), both.predict_proba(quotes, X=X))
    expected = 0.25 * plain.polarity_proba(X, pairs)
    for c, label in enumerate(clf.classes_):
        expected[:, ("support", "oppose", "neutral").index(label)] += 0.75 * word_polarity[:, c]
    np.testing.assert_allclose(apart.polarity_proba(X, pairs, examples=quotes), expected, atol=1e-5)
    again = FrozenLinker.load(apart.save(tmp_path / "apart.npz"))
    assert (again.words, again.polarity_weight_of_words) == (0.25, 0.75)
