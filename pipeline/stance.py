"""Stage 3: link each quote to stance targets and classify its stance with the trained model."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

from models.examples import examples_from_quotes
from models.stance import StanceModel
from pipeline.records import Quote


def classify_stances(
    quotes: Sequence[Quote],
    *,
    texts: Mapping[str, str],
    model: StanceModel,
    batch_size: int | None = None,
) -> list[Quote]:
    """The same quotes with ``stances`` filled in (each with the model's probability as ``score``;
    ``batch_size``: sequences per model pass, None for the device's default)."""
    if not quotes:
        return []
    examples = examples_from_quotes(quotes, dict(texts))
    predicted = model.predict(examples, batch_size=batch_size)
    return [replace(quote, stances=stances) for quote, stances in zip(quotes, predicted)]
