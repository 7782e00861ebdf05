"""The frozen-embedding target linker: one logistic regression per target over sentence
embeddings of the quote and of the quote with its context, from an encoder as shipped (not
fine-tuned; ``all-mpnet-base-v2`` in the stance model, see ``models.encoder``). The stance model
averages its probabilities with the fine-tuned relevance head.

Why keep it beside the fine-tuned head: trained on a few hundred quotes, most of them synthetic,
fine-tuning moves the encoder toward the synthetic lines' wording; a linear model on the frozen
embeddings keeps the pre-trained similarity structure, and the two make different mistakes
(leave-one-article-out figures in README).
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from models.examples import Example

LINKER = "linker.npz"


def frozen_features(encoder, examples: Sequence[Example], *, bf16: bool = False, fit: bool = False) -> np.ndarray:
    """[embedding of the quote, embedding of quote + context] per example (``SentenceEncoder``);
    ``fit``: training examples, which may come from the encoder's memo."""
    quote = encoder.encode([e.text for e in examples], bf16=bf16, memo=fit)
    context = encoder.encode([f"{e.text} {e.context}" for e in examples], bf16=bf16, memo=fit)
    return np.hstack([quote, context])


def target_regressions(X, examples: Sequence[Example], target_ids: Sequence[str], *, C: float, seed: int) -> dict[str, LogisticRegression]:
    """One balanced logistic regression per target (does the quote address it?) over the rows of
    ``X``, for each target that some but not all of ``examples`` address."""
    fitted = {}
    for target in target_ids:
        y = np.array([any(s.target == target for s in e.stances) for e in examples], dtype=int)
        if 0 < y.sum() < len(y):
            fitted[target] = LogisticRegression(C=C, max_iter=2000, class_weight="balanced", random_state=seed).fit(X, y)
    return fitted


class FrozenLinker:
    """Per-target logistic regression on frozen embeddings (scikit-learn's contract)."""

    def __init__(self, *, C: float = 4.0, seed: int = 13, encoder: str | None = None, device: str = "cpu"):
        """``encoder``: a name known to ``models.encoder.encoder_path`` or a folder; None is MiniLM."""
        self.C = C
        self.seed = seed
        self.encoder = encoder
        self.device = device

    def _encoder(self, *, bf16: bool = False):
        """The frozen encoder; for bfloat16 inference a copy whose weights are held in bfloat16
        (half the memory; the same decisions on the gold quotes as float weights under autocast)."""
        from models.encoder import shared_encoder

        return shared_encoder(self.encoder, self.device, bf16)

    def fit(self, examples: Sequence[Example], target_ids: Sequence[str]) -> "FrozenLinker":
        X = frozen_features(self._encoder(), examples, fit=True)
        self.target_ids_ = list(target_ids)
        self.coef_ = np.zeros((len(target_ids), X.shape[1]), dtype=np.float32)
        # a target no training quote addresses (or every one does) gets a constant probability
        self.intercept_ = np.full(len(target_ids), -30.0, dtype=np.float32)
        fitted = target_regressions(X, examples, target_ids, C=self.C, seed=self.seed)
        addressed = {s.target for e in examples for s in e.stances}
        for j, target in enumerate(target_ids):
            if target in fitted:
                self.coef_[j] = fitted[target].coef_[0]
                self.intercept_[j] = fitted[target].intercept_[0]
            elif target in addressed:
                self.intercept_[j] = 30.0
        return self

    def predict_proba(self, examples: Sequence[Example], *, bf16: bool = False) -> np.ndarray:
        """(n_examples, n_targets) probabilities that each quote addresses each target."""
        if not examples:
            return np.zeros((0, len(self.target_ids_)), dtype=np.float32)
        logits = frozen_features(self._encoder(bf16=bf16), examples, bf16=bf16) @ self.coef_.T + self.intercept_
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        np.savez(path, coef=self.coef_, intercept=self.intercept_, targets=np.array(self.target_ids_), C=self.C, seed=self.seed)
        return path

    @classmethod
    def load(cls, path: str | Path, *, encoder: str | None = None, device: str = "cpu") -> "FrozenLinker":
        data = np.load(path, allow_pickle=False)
        linker = cls(C=float(data["C"]), seed=int(data["seed"]), encoder=encoder, device=device)
        linker.coef_ = data["coef"]
        linker.intercept_ = data["intercept"]
        linker.target_ids_ = [str(t) for t in data["targets"]]
        return linker
