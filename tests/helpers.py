"""Helpers the tests share (not fixtures)."""

from __future__ import annotations


def save_untrained_model(targets, folder):
    """An untrained stance model (base encoder, zero-shot relevance head, random polarity head)
    saved like a trained one: it exercises the stance stage without training. Relevance threshold
    0 gives every quote its best target, so the matrix is not empty."""
    import torch

    from models.stance import StanceModel

    torch.manual_seed(0)
    model = StanceModel(
        max_targets=1,
        max_length=48,
        pair_max_length=48,
        relevance_threshold=0.0,
        epochs=0,
        device="cpu",
    )
    model.fit([], targets)
    return model.save(folder)
