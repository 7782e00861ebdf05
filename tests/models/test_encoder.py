"""Encoders by name, the embedding memo, and bfloat16 embeddings."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.encoder import (
    MINILM,
    MPNET,
    SentenceEncoder,
    default_encoder_path,
    encoder_path,
    inference_batch_size,
    int8_linears,
)


def test_names_resolve_and_a_missing_encoder_says_how_to_install_it(tmp_path, monkeypatch):
    assert encoder_path(None) == encoder_path(MINILM) == default_encoder_path()
    monkeypatch.setenv("STANCEMAP_ENCODERS", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="stancemap install-encoder"):
        encoder_path(MPNET)
    (tmp_path / MPNET).mkdir()
    (tmp_path / MPNET / "model.safetensors").write_bytes(b"")
    (tmp_path / MPNET / "tokenizer.json").write_text("{}")
    assert encoder_path(MPNET) == str(tmp_path / MPNET)
    assert encoder_path(str(tmp_path)) == str(tmp_path)
    with pytest.raises(ValueError, match="use all-MiniLM-L6-v2"):
        encoder_path("no-such-encoder")


def test_memo_embeds_each_text_once_and_bf16_stays_close():
    embedder = SentenceEncoder(device="cpu")
    texts = [
        "Councils back the reforms.",
        "The minister rejected the plan outright.",
        "Councils back the reforms.",
    ]
    plain = embedder.encode(texts)
    assert plain.shape == (3, 384)
    np.testing.assert_allclose(plain[0], plain[2])
    np.testing.assert_allclose(np.linalg.norm(plain, axis=1), 1.0, atol=1e-5)
    calls = []
    original = embedder._encode
    embedder._encode = lambda batch, bf16, **kw: (
        calls.append(list(batch)) or original(batch, bf16=bf16, **kw)
    )
    embedder.memo = {}
    np.testing.assert_allclose(embedder.encode(texts, memo=True), plain, atol=1e-6)
    np.testing.assert_allclose(embedder.encode(texts[:2], memo=True), plain[:2], atol=1e-6)
    assert calls == [texts[:2]]  # the repeat and the second call came from the memo
    embedder.encode(texts[:1])
    assert calls[-1] == texts[:1]  # without memo=True (prediction) it embeds again
    low = embedder.encode(texts, bf16=True, memo=True)
    assert calls[-1] == texts[:2]  # a bf16 embedding is not taken for a float one
    assert float((low * plain).sum(1).min()) > 0.98
    assert embedder.encode([]).shape == (0, 384)
    # token states of one layer come from the same pass, padding removed, and are memoised too
    vectors, states = embedder.encode(texts, layer=3)
    np.testing.assert_allclose(vectors, plain, atol=1e-6)
    lengths = [len(embedder.tokenizer(t)["input_ids"]) for t in texts]
    assert [tuple(s.shape) for s in states] == [(n, 384) for n in lengths]
    calls.clear()
    again, memo_states = embedder.encode(
        texts, memo=True, layer=3
    )  # the vectors are memoised, the states not yet
    assert calls == [texts[:2]]
    assert all(torch.allclose(a, b, atol=1e-5) for a, b in zip(memo_states, states))
    embedder.encode(texts, memo=True, layer=3)
    assert calls == [texts[:2]]


def test_inference_batches_are_small_on_cpu_and_do_not_change_embeddings():
    assert inference_batch_size("cpu") == 16 and inference_batch_size(torch.device("cuda")) == 64
    texts = [
        f"Council {i} {'strongly ' * (i % 7)}backs the plan for regional care cooperatives."
        for i in range(20)
    ]
    default = SentenceEncoder(device="cpu")
    assert default.batch_size == 16
    whole = SentenceEncoder(device="cpu", batch_size=64)
    np.testing.assert_allclose(
        default.encode(texts), whole.encode(texts), atol=1e-5
    )  # padding is masked out
    _, states = default.encode(texts, layer=2)
    _, wide = whole.encode(texts, layer=2)
    assert all(torch.allclose(a, b, atol=1e-4) for a, b in zip(states, wide))
    # the long training pass says how far it is; the memo path says it for the texts it embeds
    lines: list[str] = []
    default.memo = {}
    default.encode(texts, memo=True, progress=lines.append)
    assert lines and lines[-1].startswith("frozen encoder pass: 20/20")
    lines.clear()
    default.encode(texts, memo=True, progress=lines.append)  # all in the memo: nothing to say
    assert lines == []


def _rss_anon_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    pytest.skip("no RssAnon in /proc/self/status")


def test_release_free_memory_returns_a_fragmented_heap_to_the_system():
    from models.encoder import release_free_memory

    if not release_free_memory():
        pytest.skip("not glibc: nothing to trim")
    # 64 KiB blocks come from the heap (under glibc's mmap threshold); keeping every 16th alive
    # pins the heap so that freeing the rest does not shrink it
    blocks = [bytearray(64 * 1024) for _ in range(4096)]
    kept = blocks[::16]
    del blocks
    before = _rss_anon_mib()
    assert release_free_memory()
    after = _rss_anon_mib()
    assert before - after > 150, (before, after)  # ~240 MiB were free inside the heap
    assert len(kept) == 256


def test_class_weights_and_warmup_schedule():
    from models.encoder import balanced_class_weights, warmup_linear_schedule

    weights = balanced_class_weights(torch.tensor([0, 0, 0, 1]), 3, cap=1.2)
    assert weights.tolist() == pytest.approx(
        [4 / 9, 1.2, 1.2]
    )  # 4/3 capped; an absent class counts as one
    optimiser = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    schedule = warmup_linear_schedule(optimiser, steps=10, warmup=0.2)
    rates = []
    for _ in range(10):
        rates.append(optimiser.param_groups[0]["lr"])
        optimiser.step()
        schedule.step()
    assert rates == pytest.approx([0.5, 1.0, 1.0, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125])


def test_prefix_pooling_takes_the_prefix_tokens_of_the_same_pass():
    embedder = SentenceEncoder(device="cpu")
    quote, context = (
        "We back the reforms.",
        "The council leader spoke after the vote on Tuesday evening.",
    )
    joined = f"{quote} {context}"
    both = embedder.encode([joined, joined], prefix=[len(quote), len(joined)])
    assert both.shape == (2, 768)
    whole = embedder.encode([joined])[0]
    np.testing.assert_allclose(
        both[0, 384:], whole, atol=1e-5
    )  # the second half: the usual embedding
    np.testing.assert_allclose(
        both[1, :384], whole, atol=1e-5
    )  # a prefix of the whole text is the whole text
    # the first half by hand: the mean of the last layer over [CLS], the quote's tokens and [SEP]
    batch = embedder.tokenizer([joined], return_tensors="pt")
    with torch.inference_mode():
        states = embedder.model(**batch).last_hidden_state[0]
    n_quote = len(embedder.tokenizer(quote, add_special_tokens=False)["input_ids"])
    rows = [0, *range(1, 1 + n_quote), len(states) - 1]
    by_hand = torch.nn.functional.normalize(states[rows].mean(0), dim=-1).numpy()
    np.testing.assert_allclose(both[0, :384], by_hand, atol=1e-5)
    assert float(both[0, :384] @ whole) < 0.99  # it is not the whole text's embedding
    # memoised under the prefix too: the same text with another prefix is embedded again
    embedder.memo = {}
    calls = []
    original = embedder._encode
    embedder._encode = lambda batch, bf16, **kw: (
        calls.append((list(batch), kw.get("prefix"))) or original(batch, bf16=bf16, **kw)
    )
    np.testing.assert_allclose(
        embedder.encode([joined], memo=True, prefix=[len(quote)]), both[:1], atol=1e-6
    )
    embedder.encode([joined, joined], memo=True, prefix=[len(quote), len(joined)])
    assert calls == [([joined], [len(quote)]), ([joined], [len(joined)])]
    assert embedder.encode([], prefix=[]).shape == (0, 768)
    with pytest.raises(ValueError, match="1 prefix lengths for 2 texts"):
        embedder.encode([joined, joined], prefix=[3])


def test_shared_encoder_is_one_copy_however_its_arguments_are_spelt(monkeypatch):
    import models.encoder as encoder

    made = []

    class Fake:
        def __init__(self, path, *, device, bf16_weights, int8):
            made.append((path, device, bf16_weights, int8))

    monkeypatch.setattr(encoder, "SentenceEncoder", Fake)
    monkeypatch.setattr(encoder, "encoder_path", lambda name: f"/models/{name}")
    encoder.shared_encoder.cache_clear()
    try:
        first = encoder.shared_encoder("mpnet", "cpu")
        assert encoder.shared_encoder("mpnet", "cpu", False) is first
        assert encoder.shared_encoder("mpnet", device="cpu", bf16_weights=False) is first
        assert encoder.shared_encoder("mpnet", "cpu", True) is not first
        assert encoder.shared_encoder("mpnet", "cpu", int8=True) is not first
        assert made == [
            ("/models/mpnet", "cpu", False, False),
            ("/models/mpnet", "cpu", True, False),
            ("/models/mpnet", "cpu", False, True),
        ]
    finally:
        encoder.shared_encoder.cache_clear()


def test_int8_quantises_the_layers_that_read_hidden_states_and_embeddings_stay_close():
    texts = [
        "Councils back the reforms but warn the money will not last.",
        "The minister rejected the plan outright.",
        "Foster carers say the allowance rise is long overdue.",
    ]
    plain = SentenceEncoder(device="cpu").encode(texts)
    small = SentenceEncoder(device="cpu", int8=True)
    int8 = {
        name.split(".", 3)[-1]: "quantized" in type(module).__module__
        for name, module in small.model.named_modules()
        if name.startswith("encoder.layer.0.") and name.endswith(("dense", "query"))
    }
    # the feed-forward output reads the GELU's activations (1,536 wide) and stays float
    assert int8 == {
        "attention.self.query": True,
        "attention.output.dense": True,
        "intermediate.dense": True,
        "output.dense": False,
    }
    low = small.encode(texts)
    cosine = (low * plain).sum(1)
    assert float(cosine.min()) > 0.95 and not np.allclose(low, plain, atol=1e-4)
    # a module with no layer of the width asked for is left as it is
    other = torch.nn.Sequential(torch.nn.Linear(8, 4))
    assert type(int8_linears(other, 16)[0]) is torch.nn.Linear
