"""Leave-one-article-out evaluation of the stance model beside its baselines, on the same folds.

Every fold trains on the synthetic lines plus the gold of the other articles and is scored on the
held-out article's gold quotes (gold spans, so extraction errors do not blur the stance figures).
Synthetic lines are never scored.

Beside the pooled figures it keeps every model's prediction for every gold pair, and a paired
bootstrap of the stance macro-F1 differences between the fine-tuned model and each other model
(resampling gold quotes with replacement, the same resample for both models): with 12 neutral
and 39 oppose pairs, one pair moves macro-F1 by about 0.03, so a difference is reported with its
interval.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Callable, Sequence

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from models.examples import Example
from pipeline.records import STANCES, Stance
from pipeline.resources import Target

NONE = "none"


def score_stances(
    gold: Sequence[Example],
    predicted: Sequence[Sequence[Stance]],
    given: Sequence[Sequence[Stance]],
) -> dict:
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
        "stance_accuracy_given_targets": round(
            sum(a == b for a, b in zip(y_true, y_given)) / len(y_true), 4
        )
        if y_true
        else 0.0,
    }
    if y_true:
        p, r, f, n = precision_recall_fscore_support(
            y_true, y_given, labels=list(STANCES), zero_division=0
        )
        out["per_class_given_targets"] = {
            label: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(n[i]),
            }
            for i, label in enumerate(STANCES)
        }
        labels = list(STANCES) + [NONE]
        out["confusion_end_to_end"] = {
            "labels": labels,
            "matrix": confusion_matrix(y_true, y_e2e, labels=labels).tolist(),
        }
    return out


def _macro(y_true: list[str], y_pred: list[str]) -> float:
    if not y_true:
        return 0.0
    return round(
        float(f1_score(y_true, y_pred, labels=list(STANCES), average="macro", zero_division=0)), 4
    )


def cross_validate(
    gold: Sequence[Example],
    synthetic: Sequence[Example],
    targets: Sequence[Target],
    *,
    factories: dict[str, Callable[[], object]],
    variants: dict[str, tuple[str, Callable[[object], object]]] | None = None,
    progress: Callable[[str], None] | None = None,
    splits: Sequence[tuple[str, Sequence[Example], Sequence[Example]]] | None = None,
    slices: dict[str, Callable[[Example], bool]] | None = None,
) -> dict:
    """``variants`` maps a name to (a factory's name, a function of that fold's fitted model that
    returns another predictor), e.g. the int8-quantised copy: scored on the same folds without
    training again. Every model's prediction time and pairs per second are recorded too.
    ``splits``: (name, training examples, test examples) to use instead of leave-one-article-out
    folds (a held-out test set is one split; ``gold`` and ``synthetic`` are then ignored);
    ``slices``: named subsets of the test examples, each scored on its own as well."""
    say = progress or (lambda _m: None)
    variants = {k: v for k, v in (variants or {}).items() if v[0] in factories}
    names = list(factories) + list(variants)
    if splits is None:
        splits = [
            (
                held,
                list(synthetic) + [e for e in gold if e.group != held],
                [e for e in gold if e.group == held],
            )
            for held in sorted({e.group for e in gold})
        ]
    groups = [name for name, _, _ in splits]
    pooled: dict[str, tuple[list, list, list]] = {name: ([], [], []) for name in names}
    per_fold: dict[str, dict[str, dict]] = defaultdict(dict)
    seconds: dict[str, float] = defaultdict(float)
    predict_seconds: dict[str, float] = defaultdict(float)
    predicted_pairs: dict[str, int] = defaultdict(int)
    for fold, (held, train, test) in enumerate(splits, start=1):
        gold_targets = [[s.target for s in e.stances] for e in test]
        for name, factory in factories.items():
            started = time.perf_counter()
            say(f"fold {fold}/{len(groups)} ({held}): {name} on {len(train)} training quotes")
            model = factory().fit(train, targets)
            predictors = [(name, model)] + [
                (v, make(model)) for v, (base, make) in variants.items() if base == name
            ]
            seconds[name] += time.perf_counter() - started
            for label, predictor in predictors:
                began = time.perf_counter()
                predicted = predictor.predict(test)
                given = predictor.predict_given(test, gold_targets)
                took = time.perf_counter() - began
                predict_seconds[label] += took
                predicted_pairs[label] += sum(len(p) for p in predicted) + sum(
                    len(g) for g in given
                )
                if label != name:
                    seconds[label] += took
                per_fold[label][held] = score_stances(test, predicted, given)
                pooled[label][0].extend(test)
                pooled[label][1].extend(predicted)
                pooled[label][2].extend(given)
    table = pair_table(pooled)
    return {
        "folds": groups,
        "pairs": table,
        "bootstrap": paired_bootstrap(
            table, reference=next(iter(factories)) if "finetuned" not in names else "finetuned"
        ),
        "n_gold_quotes": len(gold) if gold else sum(len(t) for _, _, t in splits),
        "n_synthetic_training_quotes": len(synthetic)
        if synthetic
        else max(sum(e.synthetic for e in train) for _, train, _ in splits),
        "models": {
            name: {
                "pooled": score_stances(*pooled[name]),
                **(
                    {
                        "slices": {
                            label: score_stances(*_subset(pooled[name], keep))
                            for label, keep in slices.items()
                        }
                    }
                    if slices
                    else {}
                ),
                "per_fold": per_fold[name],
                "seconds": round(seconds[name], 1),
                "predict_seconds": round(predict_seconds[name], 2),
                # (quote, target) stances returned per second of predict + predict_given
                "stances_per_second": round(predicted_pairs[name] / predict_seconds[name], 1)
                if predict_seconds[name]
                else None,
                **({"variant_of": variants[name][0]} if name in variants else {}),
            }
            for name in names
        },
    }


def _subset(pooled: tuple[list, list, list], keep: Callable[[Example], bool]):
    rows = [row for row in zip(*pooled) if keep(row[0])]
    return tuple(list(column) for column in zip(*rows)) if rows else ([], [], [])


def pair_table(pooled: dict[str, tuple[list, list, list]]) -> dict:
    """Every gold (quote, target) pair once, with its gold stance and each model's stance end to
    end and with the gold targets given (``none`` where the model did not link the target)."""
    first = next(iter(pooled.values()))
    keys = sorted({(e.key, s.target) for e in first[0] for s in e.stances})
    gold = {(e.key, s.target): s.stance for e in first[0] for s in e.stances}
    models = {}
    for name, (examples, predicted, given) in pooled.items():
        e2e = {(e.key, s.target): s.stance for e, ps in zip(examples, predicted) for s in ps}
        with_gold = {(e.key, s.target): s.stance for e, ps in zip(examples, given) for s in ps}
        models[name] = {
            "end_to_end": [e2e.get(k, NONE) for k in keys],
            "gold_targets": [with_gold.get(k, NONE) for k in keys],
        }
    return {
        "quote": [k for k, _ in keys],
        "target": [t for _, t in keys],
        "gold": [gold[k] for k in keys],
        "models": models,
    }


def macro_counts(y_true: np.ndarray, y_pred: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Macro-F1 over ``STANCES`` for each row of ``weights`` (how often each pair was drawn);
    labels are indices into STANCES + (none,)."""
    scores = []
    for k in range(len(STANCES)):
        tp = weights @ ((y_true == k) & (y_pred == k))
        fp = weights @ ((y_true != k) & (y_pred == k))
        fn = weights @ ((y_true == k) & (y_pred != k))
        denominator = 2 * tp + fp + fn
        scores.append(np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1e-12), 0.0))
    return np.mean(scores, axis=0)


def paired_bootstrap(
    table: dict, *, reference: str, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> dict:
    """For each other model, ``reference``'s stance macro-F1 minus that model's (end to end and
    with gold targets): the difference on the data, its percentile interval and the share of
    resamples where ``reference`` is ahead. Resamples gold quotes (all pairs of a drawn quote
    together) with replacement; both models are scored on the same resample."""
    if not table["gold"] or reference not in table["models"]:
        return {}
    labels = list(STANCES) + [NONE]
    quotes = sorted(set(table["quote"]))
    position = {q: j for j, q in enumerate(quotes)}
    owner = np.array([position[q] for q in table["quote"]])
    rng = np.random.default_rng(seed)
    draws = np.stack(
        [
            np.bincount(rng.integers(0, len(quotes), len(quotes)), minlength=len(quotes))
            for _ in range(n_boot)
        ]
    )
    weights = np.vstack([np.ones(len(owner)), draws[:, owner]]).astype(
        float
    )  # row 0: the data as it is
    y_true = np.array([labels.index(g) for g in table["gold"]])
    alpha = (1 - level) / 2
    out: dict = {
        "n_boot": n_boot,
        "seed": seed,
        "level": level,
        "resample": "gold quotes",
        "reference": reference,
        "versus": {},
    }
    scores = {
        name: {
            kind: macro_counts(y_true, np.array([labels.index(x) for x in preds[kind]]), weights)
            for kind in ("end_to_end", "gold_targets")
        }
        for name, preds in table["models"].items()
    }
    for name in table["models"]:
        if name == reference:
            continue
        entry = {}
        for kind in ("end_to_end", "gold_targets"):
            diff = scores[reference][kind] - scores[name][kind]
            low, high = np.quantile(diff[1:], [alpha, 1 - alpha])
            entry[kind] = {
                "difference": round(float(diff[0]), 4),
                "low": round(float(low), 4),
                "high": round(float(high), 4),
                "reference_ahead": round(float(np.mean(diff[1:] > 0)), 3),
            }
        out["versus"][name] = entry
    return out


def markdown_table(result: dict, *, slice_name: str | None = None) -> str:
    """The figures of every model (of one of its ``slices`` when ``slice_name`` is given), and
    the paired bootstrap against the reference model over all test quotes."""
    rows = [
        "| model | target P | target R | target F1 | stance macro-F1 (end to end) | stance macro-F1 (gold targets) | support F1 | oppose F1 | neutral F1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, data in result["models"].items():
        p = data["slices"][slice_name] if slice_name else data["pooled"]
        per = p.get("per_class_given_targets", {})
        rows.append(
            f"| {name} | {p['target_precision']:.3f} | {p['target_recall']:.3f} | {p['target_f1']:.3f} | {p['stance_macro_f1']:.3f} | {p['stance_macro_f1_given_targets']:.3f} | "
            + " | ".join(f"{per.get(c, {}).get('f1', 0):.3f}" for c in STANCES)
            + " |"
        )
    boot = result.get("bootstrap") or {}
    if boot.get("versus") and slice_name is None:
        rows += [
            "",
            f"{boot['reference']} minus each model, stance macro-F1, paired bootstrap over gold quotes "
            f"({boot['n_boot']} resamples, {boot['level']:.0%} interval; ahead: share of resamples where {boot['reference']} is higher):",
            "",
            "| model | end to end | ahead | gold targets | ahead |",
            "|---|---|---|---|---|",
        ]
        for name, entry in boot["versus"].items():
            cells = [
                f"{d['difference']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}] | {d['reference_ahead']:.2f}"
                for d in (entry["end_to_end"], entry["gold_targets"])
            ]
            rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def learning_curve(
    gold: Sequence[Example],
    synthetic: Sequence[Example],
    targets: Sequence[Target],
    *,
    factories: dict[str, Callable[[], object]],
    sizes: Sequence[int] | None = None,
    done: Sequence[dict] = (),
    progress: Callable[[str], None] | None = None,
) -> list[dict]:
    """Stance figures against the number of gold articles trained on: for each size k and each
    held-out article, a model trained on the synthetic examples plus the gold of k other
    articles (the k that follow it in article order, wrapping round, so that every article is
    used equally often) is scored on the held-out article; the predictions are pooled over the
    held-out articles. One row per (model, k), from k = 0 (synthetic only) to all other articles.

    ``done``: rows of an earlier curve on the same data and settings; their (model, k) are
    taken as they are instead of being trained again, so an interrupted or partial curve can be
    completed."""
    say = progress or (lambda _m: None)
    groups = sorted({e.group for e in gold})
    if len(groups) < 2:
        raise ValueError("a learning curve needs gold for at least two articles")
    sizes = sorted(set(range(len(groups)) if sizes is None else sizes))
    if sizes[0] < 0 or sizes[-1] > len(groups) - 1:
        raise ValueError(f"curve sizes must lie between 0 and {len(groups) - 1} gold articles")
    earlier = {(r["model"], r["gold_articles"]): r for r in done}
    rows = []
    for name, factory in factories.items():
        fitted: dict[frozenset, object] = {}  # the same training articles give the same model
        for k in sizes:
            if (name, k) in earlier:
                say(f"curve: {name}, {k} gold article(s): measured before, kept")
                rows.append(earlier[(name, k)])
                continue
            pooled: tuple[list, list, list] = ([], [], [])
            for i, held in enumerate(groups):
                others = [g for g in groups if g != held]
                chosen = frozenset(others[(i + j) % len(others)] for j in range(k))
                train = list(synthetic) + [e for e in gold if e.group in chosen]
                test = [e for e in gold if e.group == held]
                say(f"curve: {name}, {k} gold article(s), held out {held}")
                if chosen not in fitted:  # k = 0: one model on the synthetic data for every fold
                    fitted[chosen] = factory().fit(train, targets)
                model = fitted[chosen]
                pooled[0].extend(test)
                pooled[1].extend(model.predict(test))
                pooled[2].extend(
                    model.predict_given(test, [[s.target for s in e.stances] for e in test])
                )
            scores = score_stances(*pooled)
            rows.append(
                {
                    "model": name,
                    "gold_articles": k,
                    "stance_macro_f1": scores["stance_macro_f1"],
                    "stance_macro_f1_given_targets": scores["stance_macro_f1_given_targets"],
                    "target_f1": scores["target_f1"],
                    "n_gold_pairs": scores["n_gold_pairs"],
                }
            )
    return rows
