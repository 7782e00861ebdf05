"""The fine-tuned MiniLM head of earlier stance models, still a setting: a per-target relevance
head over quote passes (``linker_weight`` < 1) and a three-way polarity head over (target, quote)
pair passes (``polarity_layers=0``). The shipped settings train neither; ``models.stance`` builds
it only where a setting asks for it.
"""

from __future__ import annotations

import torch
from torch import nn

from models.encoder import mean_pool
from pipeline.records import STANCES


class StanceNet(nn.Module):
    """Encoder + mean pooling; a per-target relevance head (scaled cosine + alias weight) for
    quote passes and a three-way polarity head for (target, quote) pair passes."""

    def __init__(
        self,
        encoder: nn.Module,
        hidden: int,
        n_targets: int,
        *,
        scale: float = 10.0,
        dropout: float = 0.1,
    ):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.scale = scale
        self.target_vectors = nn.Parameter(torch.randn(n_targets, hidden) * 0.02)
        self.target_bias = nn.Parameter(torch.full((n_targets,), -0.35 * scale))
        self.alias_weight = nn.Parameter(torch.tensor(2.0))
        self.polarity = nn.Linear(hidden, len(STANCES))

    def init_targets(self, vectors: torch.Tensor) -> None:
        """Start the relevance head as a zero-shot retriever over the targets' gloss embeddings."""
        with torch.no_grad():
            self.target_vectors.copy_(nn.functional.normalize(vectors, dim=-1))

    def pooled(self, **batch: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(**batch).last_hidden_state
        return mean_pool(hidden, batch["attention_mask"])

    def relevance(self, aliases: torch.Tensor, **batch: torch.Tensor) -> torch.Tensor:
        """(batch, n_targets) logits for quote passes; ``aliases`` holds 1 / 0.5 / 0 alias hits."""
        pooled = nn.functional.normalize(self.dropout(self.pooled(**batch)), dim=-1)
        vectors = nn.functional.normalize(self.target_vectors, dim=-1)
        return self.scale * pooled @ vectors.T + self.target_bias + self.alias_weight * aliases

    def stance(self, **batch: torch.Tensor) -> torch.Tensor:
        """(batch, 3) polarity logits for (target, quote) pair passes."""
        return self.polarity(self.dropout(self.pooled(**batch)))


def freeze_lower_layers(encoder: nn.Module, trainable_layers: int) -> None:
    """Fine-tune only the top ``trainable_layers`` transformer layers (and the heads).
    A negative value (or one >= the number of layers) trains the whole encoder."""
    layers = getattr(getattr(encoder, "encoder", None), "layer", None)
    if layers is None or trainable_layers < 0 or trainable_layers >= len(layers):
        return
    for parameter in encoder.embeddings.parameters():
        parameter.requires_grad = False
    for layer in layers[: len(layers) - trainable_layers]:
        for parameter in layer.parameters():
            parameter.requires_grad = False
