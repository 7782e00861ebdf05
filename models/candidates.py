"""Candidate targets for a quote: alias matches plus embedding similarity to each target's gloss.

The cross-encoder only scores a quote against its top candidates, which keeps training and
inference cost at ``top_k`` pairs per quote instead of one per target.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from models.encoder import SentenceEncoder
from models.examples import Example
from pipeline.resources import Target


def alias_patterns(target: Target) -> list[re.Pattern]:
    """Word-bounded, case-insensitive patterns for each alias variant ("a / b" gives a and b)."""
    variants: set[str] = set()
    for alias in target.aliases:
        for part in re.split(r"\s*/\s*", alias):
            part = part.strip(" .'\"()")
            if len(part) >= 3:
                variants.add(part.lower())
    patterns = []
    for variant in sorted(variants):
        escaped = re.escape(variant).replace("\\ ", r"\s+").replace("'", "['’]")
        patterns.append(re.compile(rf"(?<![\w£]){escaped}(?!\w)", re.IGNORECASE))
    return patterns


class TargetRetriever:
    """Ranks the targets for each example: cosine(quote+context, target gloss) plus alias hits."""

    def __init__(self, *, top_k: int = 6, alias_weight: float = 0.25, context_weight: float = 0.5):
        self.top_k = top_k
        self.alias_weight = alias_weight
        self.context_weight = context_weight

    def fit(self, targets: Sequence[Target], encoder: SentenceEncoder) -> "TargetRetriever":
        self.targets_ = tuple(targets)
        self.target_ids_ = [t.id for t in targets]
        self.target_vectors_ = encoder.encode([t.gloss() for t in targets])
        self.patterns_ = [alias_patterns(t) for t in targets]
        return self

    def scores(self, examples: Sequence[Example], encoder: SentenceEncoder) -> np.ndarray:
        """(n_examples, n_targets) relevance scores; higher is more likely."""
        if not examples:
            return np.zeros((0, len(self.target_ids_)), dtype=np.float32)
        quote_vecs = encoder.encode([e.text for e in examples])
        context_vecs = encoder.encode([f"{e.text} {e.context}" for e in examples])
        sims = (1 - self.context_weight) * quote_vecs @ self.target_vectors_.T
        sims += self.context_weight * context_vecs @ self.target_vectors_.T
        for i, example in enumerate(examples):
            for j, patterns in enumerate(self.patterns_):
                if any(p.search(example.text) for p in patterns):
                    sims[i, j] += self.alias_weight
                elif any(p.search(example.context) for p in patterns):
                    sims[i, j] += self.alias_weight / 2
        return sims

    def rank(self, examples: Sequence[Example], encoder: SentenceEncoder, *, top_k: int | None = None) -> list[list[str]]:
        """The ``top_k`` target ids for each example, best first."""
        k = top_k or self.top_k
        scores = self.scores(examples, encoder)
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return [[self.target_ids_[j] for j in row] for row in order]
