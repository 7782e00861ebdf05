"""Leave-one-article-out evaluation of the stance model beside its baselines, on the same folds.

Every fold trains on the synthetic lines plus the gold of the other articles and is scored on the
held-out article's gold quotes (gold spans, so extraction errors do not blur the stance figures).
Synthetic lines are never scored.
"""
from __future__ import annotations

import time
from collections import defaultdict
from typing import Callable, Sequence

from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from models.examples import Example
from pipeline.records import STANCES, Stance
from pipeline.resources import Target

NONE = "none"


def score_stances(gold: Sequence[Example], predicted: Sequence[Sequence[Stance]], given: Sequence[Sequence[Stance]]) -> dict:
    """Target-linking micro P/R/F1, end-to-end stance macro-F1 (a missing pair counts as wrong),
    and stance macro-F1 when the gold targets are given, with per-class figures."""
    gold_pairs = {(e.key, s.target): s.stance for e in gold for s in e.stances}
    pred_pairs = {(e.key, s.target): s.stance for e, ps in zip(gold, predicted) for s in ps}
    tp = len(set(gold_pairs) & set(pred_pairs))
    precision = tp / len(pred_pairs) if pred_pairs else 0.0
    recall = tp / len(gold_pairs) if gold_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    y_true = [gold_pairs[k] for k in sorted(gold_pairs)]
    y_e2e = [pred_pairs.get(k, NONE) for k in sorted(gold_pairs)]
    given_pairs = {(e.key, s.target): s.stance for e, ps in zip(gold, given) for s in ps}
    y_given = [given_pairs.get(k, NONE) for k in sorted(gold_pairs)]
    out = {
        "n_quotes": len(gold),
        "n_gold_pairs": len(gold_pairs),
        "n_pred_pairs": len(pred_pairs),
        "target_precision": round(precision, 4),
        "target_recall": round(recall, 4),
        "target_f1": round(f1, 4),
        "stance_macro_f1": _macro(y_true, y_e2e),
        "stance_macro_f1_given_targets": _macro(y_true, y_given),
        "stance_accuracy_given_targets": round(sum(a == b for a, b in zip(y_true, y_given)) / len(y_true), 4) if y_true else 0.0,
    }
    if y_true:
        p, r, f, n = precision_recall_fscore_support(y_true, y_given, labels=list(STANCES), zero_division=0)
        out["per_class_given_targets"] = {
            label: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4), "support": int(n[i])}
            for i, label in enumerate(STANCES)
        }
        labels = list(STANCES) + [NONE]
        out["confusion_end_to_end"] = {"labels": labels, "matrix": confusion_matrix(y_true, y_e2e, labels=labels).tolist()}
    return out


def _macro(y_true: list[str], y_pred: list[str]) -> float:
    if not y_true:
        return 0.0
    return round(float(f1_score(y_true, y_pred, labels=list(STANCES), average="macro", zero_division=0)), 4)


def cross_validate(
    gold: Sequence[Example],
    synthetic: Sequence[Example],
    targets: Sequence[Target],
    *,
    factories: dict[str, Callable[[], object]],
    progress: Callable[[str], None] | None = None,
) -> dict:
    say = progress or (lambda _m: None)
    groups = sorted({e.group for e in gold})
    pooled: dict[str, tuple[list, list, list]] = {name: ([], [], []) for name in factories}
    per_fold: dict[str, dict[str, dict]] = defaultdict(dict)
    seconds: dict[str, float] = defaultdict(float)
    for fold, held in enumerate(groups, start=1):
        test = [e for e in gold if e.group == held]
        train = list(synthetic) + [e for e in gold if e.group != held]
        for name, factory in factories.items():
            started = time.perf_counter()
            say(f"fold {fold}/{len(groups)} ({held}): {name} on {len(train)} training quotes")
            model = factory().fit(train, targets)
            predicted = model.predict(test)
            given = model.predict_given(test, [[s.target for s in e.stances] for e in test])
            seconds[name] += time.perf_counter() - started
            per_fold[name][held] = score_stances(test, predicted, given)
            pooled[name][0].extend(test)
            pooled[name][1].extend(predicted)
            pooled[name][2].extend(given)
    return {
        "folds": groups,
        "n_gold_quotes": len(gold),
        "n_synthetic_training_quotes": len(synthetic),
        "models": {
            name: {
                "pooled": score_stances(*pooled[name]),
                "per_fold": per_fold[name],
                "seconds": round(seconds[name], 1),
            }
            for name in factories
        },
    }


def markdown_table(result: dict) -> str:
    rows = [
        "| model | target F1 | stance macro-F1 (end to end) | stance macro-F1 (gold targets) | support F1 | oppose F1 | neutral F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, data in result["models"].items():
        p = data["pooled"]
        per = p.get("per_class_given_targets", {})
        rows.append(
            f"| {name} | {p['target_f1']:.3f} | {p['stance_macro_f1']:.3f} | {p['stance_macro_f1_given_targets']:.3f} | "
            + " | ".join(f"{per.get(c, {}).get('f1', 0):.3f}" for c in STANCES)
            + " |"
        )
    return "\n".join(rows)
