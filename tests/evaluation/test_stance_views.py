"""The feature-view experiment's scoring core on hand-made quotes (no encoder: a fake embedding)."""

from __future__ import annotations

import numpy as np

from evaluation.stance_views import evaluate
from models.examples import Example
from pipeline.records import Stance


def ex(key, text, target=None, stance="support"):
    stances = (Stance(target, stance),) if target else ()
    return Example(key=key, text=text, context="", stances=stances)


TRAIN = [
    ex("p1", "We back the pay rise for nurses.", "pay"),
    ex("p2", "The pay award for nurses is welcome.", "pay"),
    ex("p3", "This pay rise is reckless.", "pay", "oppose"),
    ex("p4", "We reject the pay award.", "pay", "oppose"),
    ex("h1", "The new hospital is a fine idea.", "hospital"),
    ex("h2", "We support building the hospital.", "hospital"),
    ex("h3", "The hospital plan is wrong.", "hospital", "oppose"),
    ex("h4", "We oppose the hospital plan.", "hospital", "oppose"),
    ex("n1", "It rained all week at the fete.", None),
    ex("n2", "Thanks to the volunteers.", None),
]


def fake_embed(examples):
    # one dimension per topic word, so the embedding view can link too
    words = ("pay", "hospital", "back", "reject", "oppose", "support", "welcome", "wrong")
    return np.array([[float(w in e.text.lower()) for w in words] for e in examples])


def test_every_view_is_scored_on_the_same_test_quotes():
    test = [
        ex("x", "We back the pay award.", "pay"),
        ex("y", "We oppose the hospital.", "hospital", "oppose"),
    ]
    out = evaluate(TRAIN, test, fake_embed, ["pay", "hospital"])
    assert set(out) == {"embeddings", "words", "average", "average, polarity words 0.8"}
    for gold, predicted, given in out.values():
        assert gold == test and len(predicted) == len(given) == 2
        # with gold targets every test quote gets exactly its gold target
        assert [[s.target for s in g] for g in given] == [["pay"], ["hospital"]]
    _, predicted, given = out["average"]
    assert predicted[0][0].target == "pay" and given[1][0].stance == "oppose"
