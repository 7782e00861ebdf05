"""The stance model, its alias matcher and baselines on a tiny hand-made dataset (not seed text)."""

from __future__ import annotations

import pytest
import torch

from models.baselines import LinearBaseline, MajorityBaseline
from models.candidates import alias_patterns
from models.crossval import cross_validate, score_stances
from models.encoder import resolve_device
from models.examples import Example, quote_context
from models.stance import StanceModel
from pipeline.records import Stance
from pipeline.resources import Target

TARGETS = (
    Target(
        id="pay-rise",
        title="A national pay rise for nurses",
        description="Raise nurses' pay by ten per cent.",
        aliases=("pay rise / pay award",),
    ),
    Target(
        id="new-hospital",
        title="Building a new hospital in the town",
        description="A new district hospital.",
        aliases=("new hospital",),
    ),
)


def ex(key, text, stances=(), group="a1", context=""):
    return Example(
        key=key,
        text=text,
        context=context,
        speaker="Pat Doe",
        cue="said",
        stances=tuple(Stance(t, s) for t, s in stances),
        group=group,
    )


TRAIN = [
    ex(
        "s1",
        "The pay rise is exactly what nurses deserve and we back it fully.",
        [("pay-rise", "support")],
    ),
    ex(
        "s2",
        "A ten per cent pay award would keep staff in the profession; it must happen.",
        [("pay-rise", "support")],
    ),
    ex("s3", "The pay rise is unaffordable and will wreck the budget.", [("pay-rise", "oppose")]),
    ex("s4", "We reject the pay award outright: it is reckless.", [("pay-rise", "oppose")]),
    ex("s5", "The new hospital will save lives and we welcome it.", [("new-hospital", "support")]),
    ex("s6", "Building the new hospital is a waste of public money.", [("new-hospital", "oppose")]),
    ex("s7", "The board will discuss the new hospital next month.", [("new-hospital", "neutral")]),
    ex("s8", "Talks on the pay award continue this week.", [("pay-rise", "neutral")]),
    ex("s9", "I want to thank every volunteer for their hard work.", []),
    ex("s10", "The weather this winter has been dreadful.", []),
]


def test_alias_patterns_split_variants_and_respect_word_boundaries():
    patterns = alias_patterns(TARGETS[0])
    assert any(p.search("the Pay Award was agreed") for p in patterns)
    assert any(p.search("a pay rise now") for p in patterns)
    assert not any(p.search("repay risen costs") for p in patterns)


def test_quote_context_takes_previous_paragraph_when_quote_opens_paragraph():
    text = (
        "Jo Bloggs, of the union, spoke at length about the plan.\n\n“It is a disaster,” she said."
    )
    start = text.index("It is")
    context = quote_context(text, start, start + len("It is a disaster"))
    assert "Jo Bloggs" in context and "[QUOTE]" in context and "she said" in context


def test_synthetic_context_marks_the_quote_like_real_contexts(tmp_path):
    import json

    from models.examples import load_synthetic

    lines = [
        {
            "id": "s1",
            "text": "We back it",
            "context": '"We back it," said Ann Lee of the union.',
            "synthetic": True,
            "stances": [{"target": "pay-rise", "stance": "support"}],
        },
        {
            "id": "s2",
            "text": "the plan was late",
            "context": "Ann Lee spoke at the rally.",
            "synthetic": True,
            "stances": [],
        },
    ]
    path = tmp_path / "syn.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    first, second = load_synthetic(path)
    assert first.context == '" [QUOTE] ," said Ann Lee of the union.'
    assert second.context == "Ann Lee spoke at the rally."
    assert first.synthetic and first.stances[0].stance == "support"


def test_resolve_device():
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ValueError):
        resolve_device("tpu")


def test_thread_count_follows_free_cores_or_the_override(monkeypatch):
    import os

    from models.encoder import busy_cores, set_threads

    assert 0.0 <= busy_cores(interval=0.05) <= (os.cpu_count() or 1) + 1e-6
    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("STANCEMAP_THREADS", "1")
        assert set_threads() == 1 and torch.get_num_threads() == 1
        monkeypatch.delenv("STANCEMAP_THREADS")
        monkeypatch.setattr("models.encoder.busy_cores", lambda: 0.0)
        assert set_threads() == len(os.sched_getaffinity(0))
    finally:
        torch.set_num_threads(before)


def test_untrained_relevance_head_is_a_zero_shot_retriever():
    """Before any step the head scores cosine(quote, target gloss) plus alias hits, so the
    target a quote names ranks first (epochs=0 builds the model without training it)."""
    model = StanceModel(device="cpu", epochs=0).fit([], TARGETS)
    quotes = [
        ex("x", "Nobody should oppose the new hospital."),
        ex("y", "The pay award is fair."),
        ex("z", "Staff on the wards have waited years for better wages."),
    ]
    scores = model.relevance_scores(quotes)
    assert scores.shape == (3, 2)
    assert [model.target_ids_[int(row.argmax())] for row in scores] == [
        "new-hospital",
        "pay-rise",
        "pay-rise",
    ]
    assert model.history_ == []


def test_long_target_text_is_cut_so_the_quote_keeps_half_the_pair():
    long_target = Target(
        id="long", title="A very long proposal title", description=" ".join(["word"] * 200)
    )
    model = StanceModel(
        device="cpu", epochs=0, pair_max_length=24, max_targets=1, relevance_threshold=0.0
    ).fit([], [long_target])
    assert len(model.tokenizer_.tokenize(model._target_text("long"))) == 10
    (given,) = model.predict_given([ex("a", "We back it.")], [["long"]])
    assert [s.target for s in given] == ["long"] and given[0].stance in (
        "support",
        "oppose",
        "neutral",
    )
    assert [s.target for s in model.predict([ex("b", "No.")])[0]] == ["long"]


def test_alias_hits_mark_quote_and_context():
    model = StanceModel(device="cpu", epochs=0).fit([], TARGETS)
    hits = model._alias_hits(
        [
            ex("a", "The pay award is late."),
            ex("b", "It is late.", context="on the new hospital [QUOTE]"),
            ex("c", "Nothing."),
        ]
    )
    assert hits.tolist() == [[1.0, 0.0], [0.0, 0.5], [0.0, 0.0]]


def test_baselines_fit_and_predict():
    majority = MajorityBaseline().fit(TRAIN, TARGETS)
    assert majority.predict([TRAIN[0]]) == [(Stance("pay-rise", "support"),)]
    linear = LinearBaseline(features="tfidf").fit(TRAIN, TARGETS)
    given = linear.predict_given([TRAIN[2]], [["pay-rise"]])
    assert given[0][0].target == "pay-rise" and given[0][0].stance in (
        "support",
        "oppose",
        "neutral",
    )


def test_score_stances_counts_missing_pairs_as_wrong():
    gold = [ex("g1", "x", [("pay-rise", "support")]), ex("g2", "y", [("new-hospital", "oppose")])]
    predicted = [(Stance("pay-rise", "support"),), ()]
    result = score_stances(gold, predicted, predicted)
    assert result["target_precision"] == 1.0
    assert result["target_recall"] == 0.5
    # support: P=1 R=1 F=1; oppose: R=0 F=0; neutral: no support, F=0 -> macro 1/3
    assert result["stance_macro_f1"] == pytest.approx(0.3333, abs=1e-4)


@pytest.mark.slow
def test_stance_model_learns_tiny_task_and_round_trips(tmp_path):
    model = StanceModel(
        device="cpu",
        epochs=15,
        linker_weight=0.5,  # the fine-tuned MiniLM relevance head, averaged with the linker
        calibrate_links=False,
        batch_size=8,
        learning_rate=2e-4,
        max_length=64,
        pair_max_length=64,
        seed=3,
    )
    model.fit(TRAIN, TARGETS)
    assert [h["loss"] for h in model.history_][-1] < model.history_[0]["loss"]
    predicted = model.predict(TRAIN)
    assert len(predicted) == len(TRAIN)
    exact = sum(
        [(s.target, s.stance) for s in p] == [(g.target, g.stance) for g in e.stances]
        for e, p in zip(TRAIN, predicted)
    )
    assert exact >= 8  # of 10 training quotes (2 with no target); a majority guess gets 2
    # length-sorted batches put every result back in its example's place
    small = model.predict(TRAIN, batch_size=3)
    assert [[(s.target, s.stance) for s in p] for p in small] == [
        [(s.target, s.stance) for s in p] for p in predicted
    ]
    given = model.predict_given(TRAIN[:4], [["pay-rise"]] * 4)
    assert all(0.0 <= s.score <= 1.0 for g in given for s in g)
    model.save(tmp_path / "m", card={"data": "tiny"})
    loaded = StanceModel.load(tmp_path / "m", targets=TARGETS, device="cpu")
    again = loaded.predict(TRAIN)
    assert [[(s.target, s.stance) for s in p] for p in again] == [
        [(s.target, s.stance) for s in p] for p in predicted
    ]
    assert loaded.card_["data"] == "tiny"


@pytest.mark.slow
def test_cross_validate_reports_every_model_on_the_same_folds():
    gold = [
        ex(f"g{i}", e.text, [(s.target, s.stance) for s in e.stances], group=f"art{i % 2}")
        for i, e in enumerate(TRAIN)
    ]
    result = cross_validate(
        gold, [], TARGETS, factories={"majority": MajorityBaseline, "tfidf": LinearBaseline}
    )
    assert result["folds"] == ["art0", "art1"]
    assert set(result["models"]) == {"majority", "tfidf"}
    assert result["models"]["majority"]["pooled"]["n_gold_pairs"] == 8
    assert len(result["pairs"]["gold"]) == 8 and result["pairs"]["quote"] == [
        f"g{i}" for i in range(8)
    ]
    # each fold's majority: art0 is scored by a model trained on art1 (2 oppose of 4), art1 the other way (2 support)
    assert result["pairs"]["models"]["majority"]["gold_targets"] == ["oppose", "support"] * 4
    assert result["bootstrap"]["reference"] == "majority" and set(
        result["bootstrap"]["versus"]
    ) == {"tfidf"}


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_stance_model_trains_and_predicts_on_cuda(tmp_path):
    model = StanceModel(device="cuda", epochs=2, batch_size=8).fit(TRAIN, TARGETS)
    assert model.device_.type == "cuda"
    assert len(model.predict(TRAIN)) == len(TRAIN)


def test_freezing_keeps_only_the_top_layers_trainable():
    from transformers import AutoModel

    from models.encoder import default_encoder_path
    from models.stance_net import freeze_lower_layers

    encoder = AutoModel.from_pretrained(default_encoder_path())
    freeze_lower_layers(encoder, 2)
    layers = encoder.encoder.layer
    assert not any(p.requires_grad for p in encoder.embeddings.parameters())
    assert not any(p.requires_grad for layer in layers[:-2] for p in layer.parameters())
    assert all(p.requires_grad for layer in layers[-2:] for p in layer.parameters())


def test_relevance_averages_the_head_with_the_frozen_linker_and_round_trips(tmp_path, monkeypatch):
    from models.encoder import MPNET

    model = StanceModel(
        device="cpu", epochs=0, linker_weight=0.5, calibrate_links=False, linker_encoder=MPNET
    ).fit(TRAIN, TARGETS)
    quotes = [
        ex("x", "Nurses need more money in their pay packets."),
        ex("y", "The hospital plans were approved."),
    ]
    both = model.relevance_scores(quotes)
    head_only = StanceModel(
        device="cpu",
        epochs=0,
        linker_weight=0.0,
        calibrate_links=False,
        polarity_weight=0.0,
        polarity_layers=0,
    ).fit(TRAIN, TARGETS)
    assert head_only.linker_ is None
    linker = model.linker_.predict_proba(quotes)
    assert both == pytest.approx(0.5 * head_only.relevance_scores(quotes) + 0.5 * linker, abs=1e-5)
    model.save(tmp_path / "m")
    loaded = StanceModel.load(tmp_path / "m", targets=TARGETS, device="cpu")
    assert loaded.relevance_scores(quotes) == pytest.approx(both, abs=1e-5)
    with (
        monkeypatch.context() as patch
    ):  # all-mpnet-base-v2 not installed: loading says how to fix it
        patch.setenv("STANCEMAP_ENCODERS", str(tmp_path / "no-encoders"))
        with pytest.raises(FileNotFoundError, match="install-encoder"):
            StanceModel.load(tmp_path / "m", targets=TARGETS, device="cpu")
    (tmp_path / "m" / "linker.npz").unlink()
    with pytest.raises(FileNotFoundError, match="linker.npz is missing"):
        StanceModel.load(tmp_path / "m", targets=TARGETS, device="cpu")


def test_the_linker_encoder_is_a_setting_named_in_the_card_and_bf16_twin_agrees(tmp_path):
    import json

    from models.encoder import MINILM, MPNET

    quotes = [
        ex("x", "Nurses need more money in their pay packets."),
        ex("y", "The hospital plans were approved."),
    ]
    model = StanceModel(device="cpu", epochs=0, linker_encoder=MINILM).fit(TRAIN, TARGETS)
    assert StanceModel().linker_encoder == MINILM != MPNET
    assert model.linker_.frozen_encoder().model.config.hidden_size == 384
    model.save(tmp_path / "m")
    card = json.loads((tmp_path / "m" / "model_card.json").read_text())
    assert card["linker_encoder"] == card["params"]["linker_encoder"] == MINILM
    assert (
        card["params"]["linker_passes"] == model.linker_.passes == 1
    )  # the quote pooled inside its context's pass
    # a card from before the setting existed: its linker embedded with MiniLM
    del card["params"]["linker_encoder"]
    card["linker_encoder"] = None
    (tmp_path / "m" / "model_card.json").write_text(json.dumps(card))
    loaded = StanceModel.load(tmp_path / "m", targets=TARGETS, device="cpu")
    assert loaded.linker_encoder == MINILM and loaded.linker_passes == loaded.linker_.passes == 1
    float_scores = loaded.relevance_scores(quotes)
    assert float_scores == pytest.approx(model.relevance_scores(quotes), abs=1e-5)
    twin = loaded.bf16_copy()
    assert twin.bf16 and not loaded.bf16 and twin._uses_bf16() and not loaded._uses_bf16()
    assert twin.relevance_scores(quotes) == pytest.approx(float_scores, abs=0.05)
    assert twin.relevance_scores(quotes).tolist() != float_scores.tolist()  # it did run in bfloat16
    assert (
        StanceModel.load(tmp_path / "m", targets=TARGETS, device="cpu", bf16=True).precision
        == "bfloat16"
    )  # run --bf16
    # int8: the frozen pass with int8 weights (no relevance head is trained with these settings)
    assert loaded.model_ is None and not (tmp_path / "m" / "heads.pt").exists()
    small = loaded.quantized_copy()
    assert loaded.precision == "float32" and small.precision == "int8" and not small._uses_bf16()
    int8_scores = small.relevance_scores(quotes)
    assert int8_scores == pytest.approx(float_scores, abs=0.05)
    assert int8_scores.tolist() != float_scores.tolist()  # it did run with int8 weights
    from models.encoder import native_bf16

    auto = StanceModel.load(
        tmp_path / "m", targets=TARGETS, device="cpu", bf16="auto"
    )  # stancemap run's default
    assert auto.precision == ("bfloat16" if native_bf16(torch.device("cpu")) else "float32")
    assert (
        StanceModel.load(
            tmp_path / "m", targets=TARGETS, device="cpu", bf16="auto", quantize=True
        ).precision
        == "int8"
    )  # int8 replaces bfloat16


def test_polarity_averages_the_cross_encoder_with_the_frozen_regression(tmp_path):
    from models.encoder import MINILM

    model = StanceModel(device="cpu", epochs=0, linker_encoder=MINILM, polarity_weight=0.5).fit(
        TRAIN, TARGETS
    )
    quotes = [
        ex("x", "The pay rise is a disgrace and we oppose it."),
        ex("y", "We warmly welcome the new hospital."),
    ]
    pairs = [(0, "pay-rise"), (1, "new-hospital"), (1, "pay-rise")]
    cross = model.crossencoder_polarity_copy()
    assert (
        cross.polarity_weight == 0.0 and model.polarity_weight == 0.5
    )  # the copy leaves the model alone
    frozen = model.linker_.polarity_proba(model.linker_.features(quotes), pairs, examples=quotes)
    both = model.polarity_scores(quotes, pairs)
    assert both == pytest.approx(
        0.5 * cross.polarity_scores(quotes, pairs) + 0.5 * frozen, abs=1e-5
    )
    assert both.sum(axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)
    # predict embeds each quote once with the frozen encoder, for relevance and polarity together
    calls = []
    original = model.linker_.features
    model.linker_.features = lambda examples, **kw: (
        calls.append(len(examples)) or original(examples, **kw)
    )
    predicted = model.predict(quotes)
    assert calls == [2]
    assert [tuple(s.target for s in p) for p in predicted] == [
        tuple(s.target for s in p) for p in cross.predict(quotes)
    ]
    model.linker_.features = original
    model.save(tmp_path / "m")
    loaded = StanceModel.load(tmp_path / "m", targets=TARGETS, device="cpu")
    assert loaded.polarity_weight == 0.5 and loaded.linker_.has_polarity
    assert loaded.polarity_scores(quotes, pairs) == pytest.approx(both, abs=1e-5)
    # relevance alone can be switched off and the linker still decides polarity
    no_rel = StanceModel(
        device="cpu", epochs=0, linker_encoder=MINILM, linker_weight=0.0, calibrate_links=False
    ).fit(TRAIN, TARGETS)
    assert no_rel.linker_ is not None and no_rel.linker_.has_polarity
    head_only = StanceModel(
        device="cpu",
        epochs=0,
        linker_encoder=MINILM,
        linker_weight=0.0,
        calibrate_links=False,
        polarity_weight=0.0,
        polarity_layers=0,
    ).fit(TRAIN, TARGETS)
    assert head_only.linker_ is None
    assert no_rel.relevance_scores(quotes) == pytest.approx(
        head_only.relevance_scores(quotes), abs=1e-5
    )


def test_split_polarity_reads_the_linker_pass_in_blocks_and_round_trips(tmp_path, monkeypatch):
    import models.stance
    from models.encoder import MINILM
    from models.polarity import SplitCrossEncoder

    # as shipped, the top two of MiniLM's six layers; all six split at the embedding layer
    shipped = StanceModel(device="cpu", epochs=0, polarity_epochs=1).fit(TRAIN, TARGETS)
    assert shipped.linker_encoder == MINILM and shipped.splitter_.start_ == 4
    full = StanceModel(device="cpu", epochs=0, polarity_epochs=1, polarity_layers=6).fit(
        TRAIN, TARGETS
    )
    assert full.splitter_.start_ == 0
    assert full.polarity_scores(TRAIN[:2], [(0, "pay-rise")]).shape == (1, 3)
    model = StanceModel(
        device="cpu",
        epochs=0,
        linker_encoder=MINILM,
        polarity_layers=2,
        polarity_epochs=20,
        polarity_lr=1e-4,
    ).fit(TRAIN, TARGETS)
    assert (
        isinstance(model.splitter_, SplitCrossEncoder) and model.splitter_.start_ == 4
    )  # top 2 of MiniLM's 6 layers
    assert set(model.splitter_.targets_) == {"pay-rise", "new-hospital"}
    assert model.splitter_.history_[-1]["loss"] < model.splitter_.history_[0]["loss"]
    quotes = [
        ex("x", "The pay rise is a disgrace and we oppose it."),
        ex("y", "We warmly welcome the new hospital."),
    ]
    pairs = [(0, "pay-rise"), (1, "new-hospital"), (1, "pay-rise")]
    X, states = model.linker_.features(quotes, layer=4)
    both = model.polarity_scores(quotes, pairs)
    w = model.polarity_weight  # the frozen regressions' share of the vote (0.8 by default)
    assert w == 0.8
    expected = (1 - w) * model.splitter_.predict_proba(
        states, pairs
    ) + w * model.linker_.polarity_proba(X, pairs, examples=quotes)
    assert both == pytest.approx(expected, abs=1e-5)
    assert model.crossencoder_polarity_copy().polarity_scores(quotes, pairs) == pytest.approx(
        model.splitter_.predict_proba(states, pairs), abs=1e-5
    )
    # predict and predict_given work through blocks of quotes; one frozen pass per block
    whole = model.predict(TRAIN)
    given = model.predict_given(TRAIN, [[s.target for s in e.stances] for e in TRAIN])
    calls = []
    original = model.linker_.features
    monkeypatch.setattr(
        model.linker_,
        "features",
        lambda examples, **kw: calls.append(len(examples)) or original(examples, **kw),
    )
    monkeypatch.setattr(models.stance, "BLOCK", 4)
    assert model.predict(TRAIN) == whole
    assert calls == [4, 4, 2]
    assert model.predict_given(TRAIN, [[s.target for s in e.stances] for e in TRAIN]) == given
    monkeypatch.undo()
    model.save(tmp_path / "m")
    import json

    card = json.loads((tmp_path / "m" / "model_card.json").read_text())
    assert (
        card["polarity_model"]["kind"] == "split cross-encoder"
        and card["polarity_model"]["layers"] == 2
    )
    assert len(card["polarity_history"]) == 20
    # where the training time went, phase by phase (the card's budget breakdown)
    assert set(card["train_phases"]) == {
        "frozen encoder pass",
        "logistic regressions",
        "polarity layers",
    }
    assert sum(card["train_phases"].values()) <= card["train_seconds"] + 0.2
    loaded = StanceModel.load(tmp_path / "m", targets=TARGETS, device="cpu")
    assert loaded.polarity_scores(quotes, pairs) == pytest.approx(both, abs=1e-5)
    assert loaded.predict(TRAIN) == whole
    twin = loaded.bf16_copy()
    assert twin.polarity_scores(quotes, pairs) == pytest.approx(both, abs=0.05)
    # int8: the polarity layers get int8 weights in a copy of their own; the float net is kept
    small = loaded.quantized_copy()
    int8_scores = small.splitter_.predict_proba(states, pairs, int8=True)
    assert int8_scores == pytest.approx(model.splitter_.predict_proba(states, pairs), abs=0.05)
    assert "quantized" in type(small.splitter_.int8_net_.layers[0].intermediate.dense).__module__
    assert type(loaded.splitter_.net_.layers[0].intermediate.dense) is torch.nn.Linear
    assert small.polarity_scores(quotes, pairs) == pytest.approx(both, abs=0.05)
    (tmp_path / "m" / "polarity.pt").unlink()
    with pytest.raises(FileNotFoundError, match="polarity.pt or linker.npz is missing"):
        StanceModel.load(tmp_path / "m", targets=TARGETS, device="cpu")


def test_without_split_layers_the_minilm_cross_encoder_learns_polarity():
    from models.encoder import MINILM

    model = StanceModel(device="cpu", epochs=0, linker_encoder=MINILM, polarity_layers=0).fit(
        TRAIN, TARGETS
    )
    assert model.splitter_ is None
    start = model.model_.polarity.weight.detach().clone()
    trained = StanceModel(
        device="cpu", epochs=1, batch_size=8, linker_encoder=MINILM, polarity_layers=0, seed=13
    ).fit(TRAIN, TARGETS)
    split = StanceModel(
        device="cpu", epochs=1, batch_size=8, linker_encoder=MINILM, polarity_epochs=1, seed=13
    ).fit(TRAIN, TARGETS)
    # same seed, same start: the MiniLM polarity head moves when it is the one in use; with the
    # split cross-encoder (and the linker alone for relevance) no such head is built
    assert split.model_ is None
    assert not torch.equal(trained.model_.polarity.weight, start)
    assert trained.quantized_copy().precision == "int8"


def test_paired_bootstrap_reports_differences_with_intervals():
    import numpy as np
    from sklearn.metrics import f1_score

    from models.crossval import macro_counts, paired_bootstrap

    rng = np.random.default_rng(1)
    labels = ["support", "oppose", "neutral", "none"]
    y_true, y_pred = rng.integers(0, 3, 60), rng.integers(0, 4, 60)
    expected = f1_score(y_true, y_pred, labels=[0, 1, 2], average="macro", zero_division=0)
    assert macro_counts(y_true, y_pred, np.ones((1, 60)))[0] == pytest.approx(expected)
    # drawing a pair twice counts it twice
    doubled = np.ones(60)
    doubled[:10] = 2
    twice = np.concatenate([y_true, y_true[:10]]), np.concatenate([y_pred, y_pred[:10]])
    assert macro_counts(y_true, y_pred, doubled[None])[0] == pytest.approx(
        f1_score(*twice, labels=[0, 1, 2], average="macro", zero_division=0)
    )
    gold = [labels[k] for k in y_true]
    table = {
        "quote": [f"q{i // 2}" for i in range(60)],
        "target": ["t"] * 60,
        "gold": gold,
        "models": {
            "finetuned": {"end_to_end": gold, "gold_targets": gold},
            "noisy": {"end_to_end": [labels[k] for k in y_pred], "gold_targets": gold},
        },
    }
    boot = paired_bootstrap(table, reference="finetuned", n_boot=300)
    e2e, given = boot["versus"]["noisy"]["end_to_end"], boot["versus"]["noisy"]["gold_targets"]
    assert e2e["difference"] == pytest.approx(1 - expected, abs=1e-4)
    assert (
        e2e["low"] <= e2e["difference"] <= e2e["high"]
        and e2e["low"] > 0
        and e2e["reference_ahead"] == 1.0
    )
    assert given == {
        "difference": 0.0,
        "low": 0.0,
        "high": 0.0,
        "reference_ahead": 0.0,
    }  # identical predictions
    assert "noisy" in boot["versus"] and "finetuned" not in boot["versus"]


def test_linker_alone_links_with_calibrated_thresholds_and_skips_the_minilm_pass(tmp_path):
    from models.encoder import MINILM

    model = StanceModel(
        device="cpu",
        linker_encoder=MINILM,
        linker_weight=1.0,
        calibrate_links=True,
        polarity_epochs=2,
        polarity_max_pairs=4,
    ).fit(TRAIN, TARGETS)
    assert model.history_ == []  # no relevance training: the linker decides links
    assert len(model.splitter_.history_) == 2
    thresholds = model._thresholds()
    # 4 (pay-rise) and 3 (new-hospital) positives: pulled most of the way back toward 0.5 by
    # 20 pseudo-positives, so each lies within 4/24 * 0.45 of it
    assert thresholds.shape == (2,) and all(abs(t - 0.5) <= 0.08 for t in thresholds)
    relevance = model.relevance_scores(TRAIN)
    assert relevance == pytest.approx(model.linker_.predict_proba(TRAIN), abs=1e-6)
    uncertainty = model.uncertainty(TRAIN)
    assert len(uncertainty) == len(TRAIN)
    assert all(
        0.0 <= u <= 1.0 and ("link to" in why or "stance toward" in why) for u, why in uncertainty
    )
    model.save(tmp_path / "m")
    loaded = StanceModel.load(tmp_path / "m", targets=TARGETS, device="cpu")
    assert loaded._thresholds() == pytest.approx(thresholds)
    assert loaded.predict(TRAIN) == model.predict(TRAIN)
    with pytest.raises(ValueError, match="fix: set linker_weight=1.0"):
        StanceModel(device="cpu", linker_weight=0.5, calibrate_links=True).fit(TRAIN, TARGETS)


def test_learning_curve_pools_held_out_articles_at_each_size():
    from models.crossval import learning_curve

    gold = [
        ex(f"g{i}", e.text, [(s.target, s.stance) for s in e.stances], group=f"art{i % 3}")
        for i, e in enumerate(TRAIN)
    ]
    synthetic = [ex("syn", "The pay award is wrong.", [("pay-rise", "oppose")], group="synthetic")]
    rows = learning_curve(gold, synthetic, TARGETS, factories={"majority": MajorityBaseline})
    assert [r["gold_articles"] for r in rows] == [0, 1, 2]
    # with no gold the majority of the one synthetic pair (oppose) is every answer
    assert rows[0]["n_gold_pairs"] == 8
    assert rows[0]["stance_macro_f1_given_targets"] == pytest.approx(
        score_stances(
            gold[:8], [()] * 8, [(Stance(s.target, "oppose"),) for e in gold[:8] for s in e.stances]
        )["stance_macro_f1_given_targets"]
    )
    with pytest.raises(ValueError, match="between 0 and 2"):
        learning_curve(gold, synthetic, TARGETS, factories={"m": MajorityBaseline}, sizes=[3])
    # one fit per distinct training set: one at k = 0, one per fold at k = 1 and k = 2
    fits = []

    class Counting(MajorityBaseline):
        def fit(self, examples, targets):
            fits.append(len(examples))
            return super().fit(examples, targets)

    learning_curve(gold, synthetic, TARGETS, factories={"m": Counting})
    assert len(fits) == 1 + 3 + 3 and fits[0] == 1
    # rows measured before are kept as they are and not trained again
    fits.clear()
    earlier = {"model": "m", "gold_articles": 1, "stance_macro_f1": 0.5}
    rows = learning_curve(gold, synthetic, TARGETS, factories={"m": Counting}, done=[earlier])
    assert len(fits) == 1 + 3 and rows[1] is earlier


def test_cross_validate_on_a_held_out_split_scores_each_slice():
    test = [
        ex(
            f"t{i}",
            e.text,
            [(s.target, s.stance) for s in e.stances],
            group="lines" if i < 5 else "art",
        )
        for i, e in enumerate(TRAIN)
    ]
    result = cross_validate(
        [],
        [],
        TARGETS,
        factories={"majority": MajorityBaseline},
        splits=[("heldout", TRAIN, test)],
        slices={"lines": lambda e: e.group == "lines", "articles": lambda e: e.group == "art"},
    )
    slices = result["models"]["majority"]["slices"]
    assert slices["lines"]["n_quotes"] == 5 and slices["articles"]["n_quotes"] == 5
    assert slices["lines"]["n_gold_pairs"] + slices["articles"]["n_gold_pairs"] == 8
    assert result["folds"] == ["heldout"]
