"""The split cross-encoder (models.polarity) on hand-made sentences (not seed text)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from models.encoder import MINILM, MPNET, shared_encoder
from models.polarity import SplitCrossEncoder, TopLayers, length_buckets, split_layer

QUOTES = [
    "We warmly welcome the pay rise for nurses.",
    "The pay rise is a disgrace and we reject it.",
    "Talks on the pay rise continue this week.",
    "We back the new hospital wholeheartedly.",
    "Building the new hospital there would be a mistake.",
]
PAIRS = [(0, "pay"), (1, "pay"), (2, "pay"), (3, "hospital"), (4, "hospital")]
LABELS = ["support", "oppose", "neutral", "support", "oppose"]


def states_of(name, texts, layers=2):
    encoder = shared_encoder(name, "cpu", False)
    start = split_layer(encoder.model, layers)
    return encoder, start, encoder.encode(texts, layer=start)[1]


@pytest.mark.parametrize("name", [MINILM, MPNET])
def test_the_copied_top_layers_over_one_segment_reproduce_the_encoder(name):
    encoder, start, states = states_of(name, QUOTES[:2])
    top = TopLayers(encoder.model, start).eval()
    with torch.no_grad():
        for text, state in zip(QUOTES[:2], states):
            hidden, mask = state[None], torch.ones(1, len(state), dtype=torch.long)
            keep = mask[:, None, None, :].bool()
            if top.mpnet:  # MPNet: relative-position bias from the copied table
                bias = top._position_bias(top, hidden)
                for layer in top.layers:
                    hidden = layer(hidden, torch.zeros(keep.shape), bias)[0]
            else:
                for layer in top.layers:
                    out = layer(hidden, keep)
                    hidden = out[0] if isinstance(out, tuple) else out
            full = encoder.model(
                **encoder.tokenizer([text], return_tensors="pt")
            ).last_hidden_state[0]
            assert torch.allclose(hidden[0], full, atol=1e-4)


def test_length_buckets_cover_the_sample_once_and_pad_less_than_random_batches():
    rng = np.random.default_rng(3)
    lengths = [int(x) for x in rng.integers(20, 130, size=300)]
    order = torch.randperm(300, generator=torch.Generator().manual_seed(1)).tolist()[:250]
    batches = length_buckets(order, lengths, 16, torch.Generator().manual_seed(2), window=4)
    assert sorted(i for b in batches for i in b) == sorted(order)
    assert len(batches) == 16  # ceil(250 / 16): as many steps as unsorted batches
    assert sum(len(b) < 16 for b in batches) == 1

    def padding(bs):
        return sum(max(lengths[i] for i in b) * len(b) - sum(lengths[i] for i in b) for b in bs)

    plain = [order[s : s + 16] for s in range(0, 250, 16)]
    assert padding(batches) < padding(plain) / 2
    # windows keep randomness: every batch's members come from one window of the order
    window_of = {i: k // 64 for k, i in enumerate(order)}
    assert all(len({window_of[i] for i in b}) == 1 for b in batches)
    again = length_buckets(order, lengths, 16, torch.Generator().manual_seed(2), window=4)
    assert again == batches


def test_split_layer_checks_the_count():
    encoder = shared_encoder(MINILM, "cpu", False)
    assert split_layer(encoder.model, 2) == 4  # MiniLM-L6: layers 4 and 5 are fine-tuned
    with pytest.raises(ValueError, match="use 1..6"):
        split_layer(encoder.model, 7)


def test_fit_learns_a_tiny_task_pads_batches_and_round_trips(tmp_path):
    encoder, start, states = states_of(MINILM, QUOTES)
    _, _, glosses = states_of(MINILM, ["A pay rise for nurses", "A new hospital in the town"])
    model = SplitCrossEncoder(layers=2, epochs=25, batch_size=2, learning_rate=1e-4, seed=5)
    model.fit(encoder.model, states, {"pay": glosses[0], "hospital": glosses[1]}, PAIRS, LABELS)
    assert model.history_[-1]["loss"] < model.history_[0]["loss"] / 2
    probs = model.predict_proba(states, PAIRS)
    assert probs.shape == (5, 3) and np.allclose(probs.sum(1), 1.0, atol=1e-5)
    assert [["support", "oppose", "neutral"][k] for k in probs.argmax(1)] == LABELS
    # pairs of very different lengths in one batch (padding) give what each gives alone
    alone = np.vstack([model.predict_proba(states, [p]) for p in PAIRS])
    np.testing.assert_allclose(probs, alone, atol=1e-5)
    again = SplitCrossEncoder.load(model.save(tmp_path / "polarity.pt"), encoder.model)
    np.testing.assert_allclose(again.predict_proba(states, PAIRS), probs, atol=1e-6)
    assert again.get_params() == model.get_params()
    with pytest.raises(ValueError, match="no states for targets nobody"):
        model.predict_proba(states, [(0, "nobody")])


def test_fitting_leaves_the_frozen_encoder_unchanged():
    encoder, start, states = states_of(MINILM, QUOTES)
    before = {k: v.clone() for k, v in encoder.model.state_dict().items()}
    _, _, glosses = states_of(MINILM, ["A pay rise for nurses", "A new hospital in the town"])
    SplitCrossEncoder(layers=1, epochs=2, batch_size=2).fit(
        encoder.model, states, {"pay": glosses[0], "hospital": glosses[1]}, PAIRS, LABELS
    )
    after = encoder.model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


class _FakeLayer(nn.Module):
    """A stand-in for a transformer layer: (states, mask) -> (states,)."""

    def __init__(self, width: int):
        super().__init__()
        self.linear = nn.Linear(width, width)

    def forward(self, states, keep):
        return (torch.tanh(self.linear(states)),)


class _FakeEncoder(nn.Module):
    """Just what the split cross-encoder reads of an encoder: its config and its layers."""

    def __init__(self, width: int = 4, layers: int = 2):
        super().__init__()
        self.config = SimpleNamespace(num_hidden_layers=layers, hidden_size=width)
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList(_FakeLayer(width) for _ in range(layers))


def test_fit_reports_steps_with_rate_and_time_left_and_each_epochs_loss():
    torch.manual_seed(0)
    quote_states = [torch.randn(n, 4) for n in (3, 5, 2, 4, 6)]
    target_states = {"pay": torch.randn(2, 4), "hospital": torch.randn(3, 4)}
    lines: list[str] = []
    model = SplitCrossEncoder(layers=1, epochs=2, batch_size=2, seed=5)
    model.fit(_FakeEncoder(), quote_states, target_states, PAIRS, LABELS, progress=lines.append)
    # 5 pairs in batches of 2: 3 steps an epoch, 6 in all; a step line at the first step and
    # at the last (the next would come 30 s later), an epoch line after each epoch
    assert len(lines) == 4, lines
    assert re.fullmatch(
        r"polarity training: 1/6 steps \(17%\), [\d.]+/s, about \d+s left "
        r"\(epoch 1/2, loss \d+\.\d{3}\)",
        lines[0],
    ), lines[0]
    assert lines[1] == f"polarity layers: epoch 1/2 loss {model.history_[0]['loss']:.3f}"
    assert re.fullmatch(
        r"polarity training: 6/6 steps \(100%\), [\d.]+/s, \d+s in all "
        r"\(epoch 2/2, loss \d+\.\d{3}\)",
        lines[2],
    ), lines[2]
    assert lines[3] == f"polarity layers: epoch 2/2 loss {model.history_[1]['loss']:.3f}"
