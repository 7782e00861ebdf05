"""A stance model folder's card: its file names, format number, and the check that a model
classifies only toward the targets it was trained on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from pipeline.domain import targets_hash
from pipeline.resources import Target

CARD = "model_card.json"
HEADS = "heads.pt"
TARGETS_COPY = "targets.yaml"  # the targets file the model was trained on, copied at save
# 1: pair-only cross-encoder over retrieved candidates; 2: relevance head + polarity cross-encoder;
# 3: as 2, relevance averaged with the frozen-embedding linker (linker.npz)
# 4: as 3, polarity from the split cross-encoder over the linker's encoder (polarity.pt)
# 5: as 4, the relevance head (encoder weights, heads.pt) saved only where a setting uses it
MODEL_FORMAT = 5


def targets_problem(
    path: str | Path, targets: Sequence[Target], targets_path: str | Path
) -> str | None:
    """Why the model at ``path`` must not classify toward ``targets`` (read from ``targets_path``),
    or None: the model card records the hash of the targets it was trained on."""
    path = Path(path)
    try:
        card = json.loads((path / CARD).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"{path / CARD}: unreadable ({error}); retrain with `stancemap train --out {path}`"
    trained = card.get("targets_hash")
    if not trained:
        return (
            f"{path}: the model card does not record the targets the model was trained on (an older stancemap made "
            f"it); retrain with `stancemap train --out {path}`"
        )
    if trained != targets_hash(targets):
        copy = path / TARGETS_COPY
        source = (
            f"{copy} (the targets the model was trained on)"
            if copy.exists()
            else f"the targets recorded in {path / CARD}"
        )
        return (
            f"{source} differ from {targets_path}: the model would classify toward targets it never learned; "
            f"retrain with `stancemap train --domain {Path(targets_path).parent} --out {path}`, or run with the domain "
            f"it was trained on"
        )
    return None
