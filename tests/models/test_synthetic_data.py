"""The committed synthetic stance data: valid against targets.yaml, large enough per (target,
stance), and the held-out slices kept apart from the training lines and each other."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from models.examples import load_synthetic, text_key
from pipeline.records import STANCES
from pipeline.resources import load_targets

ANNOTATIONS = Path(__file__).resolve().parents[2] / "annotations"


def test_training_lines_cover_every_target_and_stance_and_lines_with_no_target():
    lines = load_synthetic(ANNOTATIONS / "synthetic")
    targets = {t.id for t in load_targets(ANNOTATIONS / "targets.yaml")}
    assert all(e.synthetic for e in lines)
    assert {s.target for e in lines for s in e.stances} <= targets
    cells = Counter((s.target, s.stance) for e in lines for s in e.stances)
    assert min(cells[(t, s)] for t in targets for s in STANCES) >= 40
    assert sum(not e.stances for e in lines) >= 800


@pytest.mark.parametrize("folder", ["synthetic_stance_heldout", "synthetic_stance_heldout_b"])
def test_each_held_out_slice_is_valid_and_not_in_the_training_lines(folder):
    held = load_synthetic(ANNOTATIONS / folder)
    targets = {t.id for t in load_targets(ANNOTATIONS / "targets.yaml")}
    assert all(e.synthetic for e in held)
    assert {s.target for e in held for s in e.stances} <= targets
    cells = Counter((s.target, s.stance) for e in held for s in e.stances)
    assert min(cells[(t, s)] for t in targets for s in STANCES) >= 2
    training = {text_key(e.text) for e in load_synthetic(ANNOTATIONS / "synthetic")}
    assert not [e.key for e in held if text_key(e.text) in training]
    assert not {e.key for e in held} & {e.key for e in load_synthetic(ANNOTATIONS / "synthetic")}


def test_the_two_held_out_slices_share_no_line():
    first = load_synthetic(ANNOTATIONS / "synthetic_stance_heldout")
    second = load_synthetic(ANNOTATIONS / "synthetic_stance_heldout_b")
    assert not {text_key(e.text) for e in first} & {text_key(e.text) for e in second}
    assert not {e.key for e in first} & {e.key for e in second}
