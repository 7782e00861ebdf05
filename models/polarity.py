"""The split cross-encoder: polarity from the top layers of a frozen encoder, fine-tuned over
the joined token states of the target and the quote.

A cross-encoder reads (target, quote) together in every layer, so each pair costs a full pass.
Here the encoder's lower layers read each side alone, once: the quote (with its context) in the
frozen linker's pass, whose token states at layer ``n - layers`` are kept; each target once at
fit time. The top ``layers`` layers, copied from the encoder and fine-tuned, then read the target's
states followed by the quote's, so target and quote attend to each other there (the shape of
MacAvaney et al.'s PreTTR, SIGIR 2020). A linear head over their mean-pooled output gives support /
oppose / neutral. A pair then costs ``layers`` of the encoder's layers instead of a whole pass,
and the quote's lower layers come free with the frozen features. The stance model ships with
the top two of all-MiniLM-L6-v2's six layers (learning rate 2e-4): a third of the compute per
pair of all six, which make a full cross-encoder (split at the embedding layer, each side's word
and position embeddings computed alone) and scored no better held out.

scikit-learn's contract: settings in ``__init__``, ``fit`` returns self, learned state in
attributes ending in ``_``; ``save``/``load`` write and read it (the copied layers, the head and
the targets' states, in one torch file).
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import nn

from models.encoder import (
    balanced_class_weights,
    inference_batch_size,
    int8_linears,
    mean_pool,
    release_free_memory,
    warmup_linear_schedule,
)
from pipeline.progress import Progress
from pipeline.records import STANCES

POLARITY = "polarity.pt"


def length_buckets(
    order: Sequence[int],
    lengths: Sequence[int],
    batch_size: int,
    generator: torch.Generator,
    *,
    window: int = 8,
) -> list[list[int]]:
    """Training batches of similar length in a random order: ``order`` (already shuffled) is cut
    into windows of ``window`` batches, each window sorted by length and cut into batches, and the
    batches shuffled. A batch pads to its longest pair, so random batches of quotes of 20-130
    tokens spent about a quarter of every step on padding; the windows keep each epoch's sample
    and most of its randomness (as torchtext's BucketIterator)."""
    batches = []
    span = batch_size * window
    for w in range(0, len(order), span):
        chunk = sorted(order[w : w + span], key=lambda i: lengths[i])
        batches.extend(chunk[b : b + batch_size] for b in range(0, len(chunk), batch_size))
    shuffled = torch.randperm(len(batches), generator=generator).tolist()
    return [batches[k] for k in shuffled]


def split_layer(encoder: nn.Module, layers: int) -> int:
    """The index of the hidden state the top ``layers`` layers start from (hidden_states[i] is
    the input of layer i)."""
    total = encoder.config.num_hidden_layers
    if not 0 < layers <= total:
        raise ValueError(
            f"split cross-encoder: layers={layers}, the encoder has {total}; use 1..{total}"
        )
    return total - layers


class TopLayers(nn.Module):
    """The copied top layers and the polarity head. MPNet layers take a relative-position bias
    (computed here from the copied bias table over the joined positions); BERT-style layers
    (MiniLM) do not."""

    def __init__(self, encoder: nn.Module, start: int, *, dropout: float = 0.1):
        super().__init__()
        self.layers = copy.deepcopy(encoder.encoder.layer[start:]).float()
        self.mpnet = hasattr(encoder.encoder, "relative_attention_bias")
        if self.mpnet:  # the encoder's own bias table and bucketing, over the joined positions
            kind = type(encoder.encoder)
            self.relative_attention_bias = (
                copy.deepcopy(encoder.encoder.relative_attention_bias).float().requires_grad_(False)
            )
            self.relative_position_bucket = kind.relative_position_bucket
            self._position_bias = kind.compute_position_bias
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, len(STANCES))

    def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        keep = mask[:, None, None, :].bool()
        if self.mpnet:
            bias = self._position_bias(self, states)
            additive = torch.zeros(
                keep.shape, dtype=states.dtype, device=states.device
            ).masked_fill(~keep, torch.finfo(states.dtype).min)
            for layer in self.layers:
                states = layer(states, additive, bias)[0]
        else:
            for layer in self.layers:
                out = layer(states, keep)  # sdpa takes a boolean mask: True attends
                states = out[0] if isinstance(out, tuple) else out
        return self.head(self.dropout(mean_pool(states, mask)))


class SplitCrossEncoder:
    """Support / oppose / neutral for (quote, target) pairs from token states of a frozen encoder
    (see the module's docstring)."""

    def __init__(
        self,
        *,
        layers: int = 2,
        epochs: int = 4,
        batch_size: int = 16,
        learning_rate: float = 2e-5,
        head_learning_rate: float = 1e-3,
        weight_decay: float = 0.01,
        warmup: float = 0.1,
        max_class_weight: float = 5.0,
        max_pairs: int | None = None,
        max_quote_tokens: int | None = None,
        seed: int = 13,
        device: str = "cpu",
    ):
        """``max_pairs``: pairs seen per epoch, a fresh random sample each epoch when there are
        more (training time stays flat as the synthetic data grows). ``max_quote_tokens``: the
        quote's first token states only (the quote, then its context), None for all."""
        self.layers = layers
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.head_learning_rate = head_learning_rate
        self.weight_decay = weight_decay
        self.warmup = warmup
        self.max_class_weight = max_class_weight
        self.max_pairs = max_pairs
        self.max_quote_tokens = max_quote_tokens
        self.seed = seed
        self.device = device

    def get_params(self) -> dict:
        keys = "layers epochs batch_size learning_rate head_learning_rate weight_decay warmup max_class_weight max_pairs max_quote_tokens seed".split()
        return {k: getattr(self, k) for k in keys}

    def fit(
        self,
        encoder: nn.Module,
        quote_states: Sequence[torch.Tensor],
        target_states: dict[str, torch.Tensor],
        pairs: Sequence[tuple[int, str]],
        labels: Sequence[str],
        *,
        bf16: bool = False,
        progress=None,
    ) -> "SplitCrossEncoder":
        """``encoder``: the frozen encoder whose top layers are copied; ``quote_states[i]``: its
        token states of quote i at ``split_layer(encoder, layers)``; ``target_states``: the same
        for each target's text; ``pairs``: (quote index, target) with gold ``labels``
        (``STANCES``). ``bf16``: train under bfloat16 autocast (float32 weights). ``progress``
        receives a line with steps done, rate and time left now and then, and each epoch's loss."""
        say = progress or (lambda _m: None)
        torch.manual_seed(self.seed)
        self.start_ = split_layer(encoder, self.layers)
        self.device_ = torch.device(self.device)
        self.targets_ = {t: s.detach().float().to(self.device_) for t, s in target_states.items()}
        self.net_ = TopLayers(encoder, self.start_).to(self.device_)
        y = torch.tensor([STANCES.index(k) for k in labels], dtype=torch.long)
        weights = balanced_class_weights(y, len(STANCES), cap=self.max_class_weight)
        loss_fn = nn.CrossEntropyLoss(weight=weights.to(self.device_))
        head = list(self.net_.head.parameters())
        optimiser = torch.optim.AdamW(
            [
                {"params": list(self.net_.layers.parameters()), "lr": self.learning_rate},
                {"params": head, "lr": self.head_learning_rate},
            ],
            weight_decay=self.weight_decay,
        )
        per_epoch = min(len(pairs), self.max_pairs or len(pairs))
        steps = max(1, self.epochs * math.ceil(per_epoch / self.batch_size))
        schedule = warmup_linear_schedule(optimiser, steps=steps, warmup=self.warmup)
        generator = torch.Generator().manual_seed(self.seed)
        trainable = [p for p in self.net_.parameters() if p.requires_grad]
        self.history_ = []
        self.net_.train()
        bar = Progress(steps, label="polarity training", unit="steps", say=say, every=30.0)
        lengths = [self._quote_length(quote_states[i]) + len(self.targets_[t]) for i, t in pairs]
        for epoch in range(self.epochs):
            order = torch.randperm(len(pairs), generator=generator).tolist()[:per_epoch]
            total = 0.0
            for idx in length_buckets(order, lengths, self.batch_size, generator):
                states, mask = self._join(quote_states, [pairs[i] for i in idx])
                with torch.autocast(
                    self.device_.type,
                    dtype=torch.bfloat16,
                    enabled=bf16 or self.device_.type == "cuda",
                ):
                    logits = self.net_(states, mask)
                loss = loss_fn(logits.float(), y[idx].to(self.device_))
                optimiser.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(trainable, 1.0)
                optimiser.step()
                schedule.step()
                total += loss.item() * len(idx)
                bar.advance(note=f"(epoch {epoch + 1}/{self.epochs}, loss {loss.item():.3f})")
            self.history_.append({"epoch": epoch + 1, "loss": round(total / max(1, per_epoch), 4)})
            say(
                f"polarity layers: epoch {epoch + 1}/{self.epochs} loss {self.history_[-1]['loss']:.3f}"
            )
        self.net_.eval()
        return self

    @torch.inference_mode()
    def predict_proba(
        self,
        quote_states: Sequence[torch.Tensor],
        pairs: Sequence[tuple[int, str]],
        *,
        bf16: bool = False,
        int8: bool = False,
        batch_size: int | None = None,
    ) -> np.ndarray:
        """(n_pairs, 3) probabilities in ``STANCES`` order; a target it was not fitted with is an
        error. ``batch_size``: pairs per pass, None for ``inference_batch_size`` of the device;
        ``int8``: the layers with dynamic int8 weights (``models.encoder.int8_linears``; CPU)."""
        batch_size = batch_size or inference_batch_size(self.device_)
        out = np.zeros((len(pairs), len(STANCES)), dtype=np.float32)
        unknown = sorted({t for _, t in pairs} - set(self.targets_))
        if unknown:
            raise ValueError(
                f"split cross-encoder: no states for targets {', '.join(unknown)}; retrain the model"
            )
        net = self._int8_net() if int8 and self.device_.type == "cpu" else self.net_
        lengths = [self._quote_length(quote_states[i]) + len(self.targets_[t]) for i, t in pairs]
        order = sorted(range(len(pairs)), key=lambda j: -lengths[j])
        for s in range(0, len(order), batch_size):
            release_free_memory()
            idx = order[s : s + batch_size]
            states, mask = self._join(quote_states, [pairs[j] for j in idx])
            with torch.autocast(
                self.device_.type,
                dtype=torch.bfloat16,
                enabled=(bf16 and not int8) or self.device_.type == "cuda",
            ):
                logits = net(states, mask)
            out[idx] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        return out

    def _int8_net(self) -> nn.Module:
        if getattr(self, "int8_net_", None) is None:
            twin = copy.deepcopy(self.net_)
            int8_linears(twin.layers, self.net_.head.in_features)
            self.int8_net_ = twin
        return self.int8_net_

    def _quote_length(self, states: torch.Tensor) -> int:
        return (
            len(states)
            if self.max_quote_tokens is None
            else min(len(states), self.max_quote_tokens)
        )

    def _join(
        self, quote_states: Sequence[torch.Tensor], pairs: Sequence[tuple[int, str]]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Target states then quote states per pair, padded at the end: positions run on from the
        target into the quote, as in a pair input."""
        keep = self.max_quote_tokens
        rows = [
            torch.cat([self.targets_[t], quote_states[i][:keep].to(self.device_, torch.float32)])
            for i, t in pairs
        ]
        width = max(len(r) for r in rows)
        states = torch.zeros(len(rows), width, rows[0].shape[-1], device=self.device_)
        mask = torch.zeros(len(rows), width, dtype=torch.long, device=self.device_)
        for r, row in enumerate(rows):
            states[r, : len(row)] = row
            mask[r, : len(row)] = 1
        return states, mask

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        torch.save(
            {
                "params": self.get_params(),
                "start": self.start_,
                "targets": {t: v.cpu() for t, v in self.targets_.items()},
                "net": {k: v.cpu() for k, v in self.net_.state_dict().items()},
                "history": self.history_,
            },
            path,
        )
        return path

    @classmethod
    def load(
        cls, path: str | Path, encoder: nn.Module, *, device: str = "cpu"
    ) -> "SplitCrossEncoder":
        """``encoder``: the frozen encoder it was fitted on (its architecture is rebuilt from it)."""
        data = torch.load(path, map_location="cpu", weights_only=True)
        model = cls(**data["params"], device=device)
        model.start_ = int(data["start"])
        if model.start_ != split_layer(encoder, model.layers):
            raise ValueError(
                f"{path}: fitted on an encoder with another number of layers; retrain the model"
            )
        model.device_ = torch.device(device)
        model.targets_ = {t: v.to(model.device_) for t, v in data["targets"].items()}
        model.net_ = TopLayers(encoder, model.start_)
        model.net_.load_state_dict(data["net"])
        model.net_.to(model.device_).eval()
        model.history_ = list(data["history"])
        return model
