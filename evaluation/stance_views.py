"""Which features should the stance model's regressions read? An experiment, not a stage.

Fits the linker's regressions (per-target relevance, calibrated thresholds, polarity) on frozen
all-mpnet-base-v2 embeddings, on TF-IDF words and word pairs, and averages the two, on the same
training data as ``stancemap train``, and scores them leave-one-article-out on the seeds and on
the held-out synthetic quotes (never trained on). With ``--model`` (a trained model folder), the
held-out part also scores the model's fine-tuned polarity layers averaged in at several weights.
``--encoder`` picks the frozen encoder of the embeddings view (all-mpnet-base-v2 by default;
all-MiniLM-L6-v2 is the one the model ships with). Figures: ``evaluation/results/stance_views.md``.

    python -m evaluation.stance_views --cache runs/views --out runs/views/result.json [--model models/stance] [--encoder all-MiniLM-L6-v2]

The embeddings of every quote are computed once and kept in ``--cache`` (an hour on two CPU
cores, shared); the regressions take a few minutes per fold.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from models.crossval import score_stances
from models.encoder import MPNET
from models.examples import load_synthetic, text_key
from models.linker import (
    calibrated_thresholds,
    frozen_features,
    polarity_regression,
    target_regressions,
    view_text,
    with_targets,
    word_vectoriser,
)
from models.stance import StanceModel
from models.train import (
    CORPUS_DIR,
    GOLD_DIR,
    HELDOUT_ARTICLES,
    HELDOUT_LINES,
    SYNTHETIC_ARTICLES,
    SYNTHETIC_PATH,
    gold_examples,
    synthetic_examples,
)
from pipeline.records import STANCES, Stance
from pipeline.resources import TARGETS_PATH, load_targets

C, SEED, MAX_TARGETS = 4.0, 13, 3
# the word view's share of the polarity average in the shipped model
POLARITY_WORDS = StanceModel().linker_polarity_words


def _fit(X, train, tids):
    return (
        target_regressions(X, train, tids, C=C, seed=SEED),
        calibrated_thresholds(X, train, tids, C=C, seed=SEED),
        polarity_regression(X, train, tids, C=C, seed=SEED),
    )


def _relevance(regs, X, tids):
    P = np.zeros((X.shape[0], len(tids)), dtype=np.float32)
    for j, t in enumerate(tids):
        if t in regs:
            P[:, j] = regs[t].predict_proba(X)[:, 1]
    return P


def _polarity(clf, X, pairs, tids):
    out = np.zeros((len(pairs), len(STANCES)))
    if not pairs:
        return out
    p = clf.predict_proba(with_targets(X, [i for i, _ in pairs], [t for _, t in pairs], tids))
    for c, label in enumerate(clf.classes_):
        out[:, STANCES.index(label)] = p[:, c]
    return out


def _linked(R, thresholds, tids):
    return [
        (i, tids[j])
        for i, row in enumerate(R)
        for j in np.argsort(-row, kind="stable")[:MAX_TARGETS]
        if row[j] >= thresholds[j]
    ]


def _assemble(n, pairs, probs):
    out = [[] for _ in range(n)]
    for (i, t), p in zip(pairs, probs):
        out[i].append(Stance(target=t, stance=STANCES[int(np.argmax(p))]))
    return [tuple(x) for x in out]


def evaluate(train, test, embed, tids, fine_tuned=None):
    """{variant: (test, predicted end to end, predicted on gold targets)}."""
    Xm_tr, Xm_te = embed(train), embed(test)
    vec = word_vectoriser()
    Xw_tr = vec.fit_transform([view_text(e) for e in train])
    Xw_te = vec.transform([view_text(e) for e in test])
    m, w = _fit(Xm_tr, train, tids), _fit(Xw_tr, train, tids)
    Rm, Rw = _relevance(m[0], Xm_te, tids), _relevance(w[0], Xw_te, tids)
    gold_pairs = [(i, s.target) for i, e in enumerate(test) for s in e.stances if s.target in tids]

    def pm(p):
        return _polarity(m[2], Xm_te, p, tids)

    def pw(p):
        return _polarity(w[2], Xw_te, p, tids)

    both_R, both_thr = (Rm + Rw) / 2, (m[1] + w[1]) / 2
    variants = {
        "embeddings": (Rm, m[1], pm),
        "words": (Rw, w[1], pw),
        "average": (both_R, both_thr, lambda p: (pm(p) + pw(p)) / 2),
        f"average, polarity words {POLARITY_WORDS}": (
            both_R,
            both_thr,
            lambda p: (1 - POLARITY_WORDS) * pm(p) + POLARITY_WORDS * pw(p),
        ),
    }
    if fine_tuned is not None:
        cache = {}

        def ft(p):
            if tuple(p) not in cache:
                cache[tuple(p)] = fine_tuned.polarity_scores(test, p)
            return cache[tuple(p)]

        for share in (0.2, 1 / 3, 0.5):
            variants[f"average, fine-tuned layers {share:.2f}"] = (
                both_R,
                both_thr,
                lambda p, s=share: (1 - s) * (pm(p) + pw(p)) / 2 + s * ft(p),
            )
        variants["embeddings, fine-tuned layers 0.50 (the previous shipped model)"] = (
            Rm,
            m[1],
            lambda p: (pm(p) + ft(p)) / 2,
        )
        variants["average links, fine-tuned layers alone"] = (both_R, both_thr, ft)
    out = {}
    for name, (R, thr, pol) in variants.items():
        pairs = _linked(R, thr, tids)
        out[name] = (
            test,
            _assemble(len(test), pairs, pol(pairs)),
            _assemble(len(test), gold_pairs, pol(gold_pairs)),
        )
    return out


def _summary(pooled):
    keys = ("target_f1", "stance_macro_f1", "stance_macro_f1_given_targets")
    return {
        name: {k: score_stances(g, p, q)[k] for k in keys}
        for name, (g, p, q) in pooled.items()
        if g
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="folder for the embeddings")
    parser.add_argument("--out", type=Path, required=True, help="JSON file of the figures")
    parser.add_argument("--model", type=Path, help="a trained model folder (fine-tuned layers)")
    parser.add_argument("--heldout-only", action="store_true")
    parser.add_argument(
        "--encoder", default=MPNET, help=f"the frozen encoder of the embeddings view ({MPNET})"
    )
    args = parser.parse_args(argv)
    targets = load_targets(TARGETS_PATH)
    tids = [t.id for t in targets]
    synthetic, _ = synthetic_examples(SYNTHETIC_PATH, SYNTHETIC_ARTICLES)
    gold, _ = gold_examples(GOLD_DIR, CORPUS_DIR)
    lines = [replace(e, group="heldout-lines") for e in load_synthetic(HELDOUT_LINES)]
    articles, _ = gold_examples(
        Path(HELDOUT_ARTICLES) / "gold", Path(HELDOUT_ARTICLES) / "articles", synthetic=True
    )
    seen = {text_key(e.text) for e in synthetic + gold}
    heldout = [e for e in lines + articles if text_key(e.text) not in seen]

    args.cache.mkdir(parents=True, exist_ok=True)
    cache_file = args.cache / ("mpnet.pkl" if args.encoder == MPNET else f"{args.encoder}.pkl")
    memo = pickle.loads(cache_file.read_bytes()) if cache_file.exists() else {}

    def key(e):  # the encoder memo's key of a one-pass embedding
        return (view_text(e), False, len(e.text))

    missing = [e for e in synthetic + gold + heldout if key(e) not in memo]
    if missing:
        from models.encoder import shared_encoder

        encoder = shared_encoder(args.encoder, "cpu")
        encoder.memo = {}
        started = time.time()
        frozen_features(encoder, missing, fit=True, passes=1)
        print(f"embedded {len(missing)} quotes in {time.time() - started:.0f}s", file=sys.stderr)
        memo.update(encoder.memo)
        cache_file.write_bytes(pickle.dumps(memo))

    def embed(examples):
        return np.stack([memo[key(e)] for e in examples])

    fine_tuned = None
    if args.model:
        fine_tuned = StanceModel.load(args.model, targets=targets, device="cpu")
        fine_tuned = fine_tuned.crossencoder_polarity_copy()
    result = {}
    if not args.heldout_only:
        pooled = {}
        for held in sorted({e.group for e in gold}):
            train = synthetic + [e for e in gold if e.group != held]
            test = [e for e in gold if e.group == held]
            for name, parts in evaluate(train, test, embed, tids).items():
                acc = pooled.setdefault(name, ([], [], []))
                for a, b in zip(acc, parts):
                    a.extend(b)
            print(f"fold {held} done", file=sys.stderr)
        result["leave-one-article-out"] = _summary(pooled)
    scored = evaluate(synthetic + gold, heldout, embed, tids, fine_tuned)
    result["heldout"] = _summary(scored)
    for part, keep in (("heldout lines", True), ("heldout articles", False)):
        result[part] = _summary(
            {
                name: tuple(zip(*[r for r in zip(*v) if (r[0].group == "heldout-lines") == keep]))
                for name, v in scored.items()
            }
        )
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
