"""Baselines trained on the same folds as the stance model (issue: honest evaluation).

Each has ``fit(examples, targets)``, ``predict(examples)`` (targets and stances) and
``predict_given(examples, targets)`` (stances for given targets), like ``StanceModel``.
- ``MajorityBaseline``: the most frequent target and the most frequent stance.
- ``LinearBaseline(features="tfidf")``: TF-IDF + logistic regression.
- ``LinearBaseline(features="embedding", encoder=...)``: frozen sentence embeddings (MiniLM by
  default, or the stronger all-mpnet-base-v2) + logistic regression.
Target linking is one-vs-rest; polarity is one classifier over (quote features, target one-hot).
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np
from scipy import sparse

from models.examples import Example
from models.linker import (
    frozen_features,
    polarity_regression,
    target_regressions,
    view_text,
    with_targets,
    word_vectoriser,
)
from pipeline.records import Stance
from pipeline.resources import Target


class MajorityBaseline:
    def fit(self, examples: Sequence[Example], targets: Sequence[Target]) -> "MajorityBaseline":
        target_counts = Counter(s.target for e in examples for s in e.stances)
        stance_counts = Counter(s.stance for e in examples for s in e.stances)
        self.target_ = target_counts.most_common(1)[0][0] if target_counts else None
        self.stance_ = stance_counts.most_common(1)[0][0] if stance_counts else "neutral"
        return self

    def predict(self, examples: Sequence[Example]) -> list[tuple[Stance, ...]]:
        if self.target_ is None:
            return [() for _ in examples]
        return [(Stance(self.target_, self.stance_),) for _ in examples]

    def predict_given(
        self, examples: Sequence[Example], targets: Sequence[Sequence[str]]
    ) -> list[tuple[Stance, ...]]:
        return [tuple(Stance(t, self.stance_) for t in ts) for ts in targets]


class LinearBaseline:
    def __init__(
        self,
        *,
        features: str = "tfidf",
        encoder: str | None = None,
        threshold: float = 0.5,
        C: float = 4.0,
        seed: int = 13,
    ):
        self.features = features
        self.encoder = encoder
        self.threshold = threshold
        self.C = C
        self.seed = seed

    def _featurise(self, examples: Sequence[Example], *, fit: bool = False):
        texts = [view_text(e) for e in examples]
        if self.features == "tfidf":
            if fit:
                self.vectoriser_ = word_vectoriser()
                return self.vectoriser_.fit_transform(texts)
            return self.vectoriser_.transform(texts)
        if self.features == "embedding":
            from models.encoder import shared_encoder

            return sparse.csr_matrix(
                frozen_features(shared_encoder(self.encoder, "cpu"), examples, fit=fit)
            )
        raise ValueError(f"features={self.features!r}: use tfidf or embedding")

    def fit(self, examples: Sequence[Example], targets: Sequence[Target]) -> "LinearBaseline":
        X = self._featurise(examples, fit=True)
        self.target_index_ = {t.id: i for i, t in enumerate(targets)}
        self.linkers_ = target_regressions(
            X, examples, [t.id for t in targets], C=self.C, seed=self.seed
        )
        labels = [s.stance for e in examples for s in e.stances if s.target in self.target_index_]
        self.fallback_ = Counter(labels).most_common(1)[0][0] if labels else "neutral"
        self.polarity_ = polarity_regression(
            X, examples, list(self.target_index_), C=self.C, seed=self.seed, max_iter=2000
        )
        return self

    def _polarity(self, X, pairs: list[tuple[int, str]]) -> list[str]:
        if not pairs:
            return []
        if self.polarity_ is None:
            return [self.fallback_] * len(pairs)
        rows = [i for i, _ in pairs]
        return list(
            self.polarity_.predict(
                with_targets(X, rows, [t for _, t in pairs], list(self.target_index_))
            )
        )

    def predict(self, examples: Sequence[Example]) -> list[tuple[Stance, ...]]:
        X = self._featurise(examples)
        pairs = []
        for target, clf in self.linkers_.items():
            probs = clf.predict_proba(X)[:, 1]
            pairs.extend((i, target) for i in np.flatnonzero(probs >= self.threshold))
        return self._assemble(X, len(examples), sorted(pairs))

    def predict_given(
        self, examples: Sequence[Example], targets: Sequence[Sequence[str]]
    ) -> list[tuple[Stance, ...]]:
        X = self._featurise(examples)
        pairs = [(i, t) for i, ts in enumerate(targets) for t in ts if t in self.target_index_]
        return self._assemble(X, len(examples), pairs)

    def _assemble(self, X, n: int, pairs: list[tuple[int, str]]) -> list[tuple[Stance, ...]]:
        out: list[list[Stance]] = [[] for _ in range(n)]
        for (i, target), label in zip(pairs, self._polarity(X, pairs)):
            out[i].append(Stance(target, str(label)))
        return [tuple(x) for x in out]
