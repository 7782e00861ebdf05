"""Score pipeline output against gold annotations, the way codebook §5 defines it.

Everything here works like ``sklearn.metrics``: plain functions over quote records that return
numbers (or dicts of numbers); the statistics themselves come from scikit-learn and
``krippendorff``. The one public entry point that computes every figure is :func:`evaluate`.

Definitions (codebook §5 and issue 3):

* **Quote detection.** A predicted quote matches a gold quote of the same article when their
  spans overlap by at least half of the shorter span. Matching is one-to-one and greedy by
  overlap (largest overlap first). Exact-span figures count only identical ``start``/``end``.
* **Attribution** over matched pairs: ``speaker`` agrees when the names have the same
  ``pipeline.names.same_actor_key`` (case, curly/straight apostrophes, runs of whitespace, a leading "the" and stray
  edge punctuation aside), or both are null; ``organisation`` likewise.
  ``quote_speaker_f1`` counts a true positive only for a matched pair whose speaker agrees.
* **Targets** over matched pairs: micro precision/recall/F1 of (quote, target) pairs.
* **Stance** over the gold (quote, target) pairs (one stance per target and quote,
  ``pipeline.statements.quote_stances``) of matched quotes: the predicted stance for that
  target, or ``"none"`` when the prediction does not tag the target (always wrong). Macro-F1 is
  averaged over the classes among support/oppose/neutral that occur in gold or prediction (a
  class absent from both has no defined F1 and is left out, as scikit-learn does by default);
  ``stance_macro_f1_end_to_end`` does the same over every gold pair, unmatched quotes included.
* **Matrix**: the cells of ``pipeline.matrix.build_matrix`` (the matrix a run ships, counted from
  ``pipeline.statements``), at person level (actor = speaker) and organisation level (actor =
  organisation; a person's quotes count toward their organisation too), each with its majority
  stance (``"mixed"`` on a tie). For every cell gold
  fills, agreement of the system's majority stance (a cell the system does not fill disagrees).
  Cohen's kappa counts a missing cell as its own category ``"none"``; Krippendorff's alpha
  (nominal) treats the system as a second coder and a missing cell as a missing value.
* **Baselines**: the majority gold class predicted for every gold pair (and every gold cell).
* **Confidence intervals**: 95% percentile bootstrap, resampling articles with replacement.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.preprocessing import MultiLabelBinarizer

from pipeline.matrix import build_matrix
from pipeline.names import same_actor_key
from pipeline.records import KINDS, STANCES, Quote
from pipeline.statements import quote_stances

MISSING = (
    "none"  # the label of a gold (quote, target) pair or matrix cell the prediction leaves out
)
MIXED = "mixed"  # the majority stance of a matrix cell with tied top counts
LEVELS = ("person", "organisation")

# figures that get a bootstrap confidence interval
CI_KEYS = (
    "quote_precision",
    "quote_recall",
    "quote_f1",
    "exact_f1",
    "speaker_accuracy",
    "organisation_accuracy",
    "quote_speaker_f1",
    "target_precision",
    "target_recall",
    "target_f1",
    "stance_macro_f1",
    "stance_accuracy",
    "stance_macro_f1_end_to_end",
    "matrix_agreement",
    "baseline_stance_macro_f1",
    "baseline_stance_accuracy",
    "baseline_matrix_agreement",
)


# --------------------------------------------------------------------------------------------
# matching


def overlap(a: Quote, b: Quote) -> int:
    """Characters shared by the spans of two quotes (0 for different articles)."""
    if a.article != b.article:
        return 0
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def spans_match(a: Quote, b: Quote) -> bool:
    """True when the spans overlap by at least half of the shorter span (codebook §5)."""
    shared = overlap(a, b)
    return shared > 0 and 2 * shared >= min(a.end - a.start, b.end - b.start)


def match_quotes(gold: Sequence[Quote], pred: Sequence[Quote]) -> list[tuple[Quote, Quote]]:
    """One-to-one matching of predicted to gold quotes, greedy by overlap.

    Candidate pairs are those that :func:`spans_match`; the pair with the largest overlap is
    taken first (ties: larger share of the union, then gold order, then prediction order), and
    each gold and each predicted quote is used at most once. Returns (gold, pred) pairs in gold
    order.
    """
    gold_by_article: dict[str, list[int]] = defaultdict(list)
    for i, q in enumerate(gold):
        gold_by_article[q.article].append(i)
    candidates = []
    for j, p in enumerate(pred):
        for i in gold_by_article.get(p.article, ()):
            g = gold[i]
            if spans_match(g, p):
                shared = overlap(g, p)
                union = max(g.end, p.end) - min(g.start, p.start)
                candidates.append((-shared, -shared / union, i, j))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        pairs.append((i, j))
    pairs.sort()
    return [(gold[i], pred[j]) for i, j in pairs]


def match_exact(gold: Sequence[Quote], pred: Sequence[Quote]) -> list[tuple[Quote, Quote]]:
    """One-to-one matching of quotes with identical article, start and end."""
    free: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for j, p in enumerate(pred):
        free[(p.article, p.start, p.end)].append(j)
    pairs = []
    for g in gold:
        slot = free.get((g.article, g.start, g.end))
        if slot:
            pairs.append((g, pred[slot.pop(0)]))
    return pairs


def stance_map(quote: Quote) -> dict[str, str]:
    """target -> stance of one quote, one stance per target (``pipeline.statements.quote_stances``)."""
    return {s.target: s.stance for s in quote_stances(quote)}


# --------------------------------------------------------------------------------------------
# per-article material: everything the figures need, computed once per article


@dataclass
class ArticleMaterial:
    article: str
    gold: list[Quote]
    pred: list[Quote]
    n_matched: int = 0
    n_exact: int = 0
    speaker_pairs: list[tuple[str, str]] = field(default_factory=list)
    org_pairs: list[tuple[str, str]] = field(default_factory=list)
    target_rows: list[tuple[frozenset, frozenset]] = field(default_factory=list)
    stance_true: list[str] = field(default_factory=list)
    stance_pred: list[str] = field(default_factory=list)
    stance_true_all: list[str] = field(default_factory=list)
    stance_pred_all: list[str] = field(default_factory=list)
    both_gold: list[str] = field(default_factory=list)
    both_pred: list[str] = field(default_factory=list)
    gold_kinds: list[tuple[str, bool]] = field(default_factory=list)  # (kind, found)
    pred_kinds: list[tuple[str, bool]] = field(default_factory=list)  # (kind, correct)


_NULL = "\x00null"  # label for a null name in accuracy_score


def article_material(article: str, gold: list[Quote], pred: list[Quote]) -> ArticleMaterial:
    item = ArticleMaterial(article=article, gold=gold, pred=pred)
    pairs = match_quotes(gold, pred)
    item.n_matched = len(pairs)
    item.n_exact = len(match_exact(gold, pred))
    matched_gold = {id(g): p for g, p in pairs}
    matched_pred = {id(p) for _, p in pairs}
    item.gold_kinds = [(g.kind, id(g) in matched_gold) for g in gold]
    item.pred_kinds = [(p.kind, id(p) in matched_pred) for p in pred]
    for g, p in pairs:
        item.speaker_pairs.append(
            (same_actor_key(g.speaker) or _NULL, same_actor_key(p.speaker) or _NULL)
        )
        item.org_pairs.append(
            (same_actor_key(g.organisation) or _NULL, same_actor_key(p.organisation) or _NULL)
        )
        gs, ps = stance_map(g), stance_map(p)
        item.target_rows.append((frozenset(gs), frozenset(ps)))
        for target, label in gs.items():
            item.stance_true.append(label)
            item.stance_pred.append(ps.get(target, MISSING))
            if target in ps:
                item.both_gold.append(label)
                item.both_pred.append(ps[target])
    for g in gold:
        p = matched_gold.get(id(g))
        ps = stance_map(p) if p is not None else {}
        for target, label in stance_map(g).items():
            item.stance_true_all.append(label)
            item.stance_pred_all.append(ps.get(target, MISSING))
    return item


# --------------------------------------------------------------------------------------------
# statistics (scikit-learn / krippendorff)


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def prf_from_counts(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
    """Precision, recall, F1 of a detection task with these counts, via scikit-learn (a zero
    denominator gives 0); all None when there is nothing to score (no gold, no prediction)."""
    if tp + fp + fn == 0:
        return None, None, None
    y_true = [1] * tp + [1] * fn + [0] * fp
    y_pred = [1] * tp + [0] * fn + [1] * fp
    p, r, f, _ = precision_recall_fscore_support(
        y_true, y_pred, average="binary", pos_label=1, zero_division=0
    )
    return float(p), float(r), float(f)


def _accuracy(pairs: list[tuple[str, str]]) -> float | None:
    if not pairs:
        return None
    a, b = zip(*pairs)
    return float(accuracy_score(list(a), list(b)))


def _target_prf(
    rows: list[tuple[frozenset, frozenset]],
) -> tuple[float | None, float | None, float | None]:
    labels = sorted(set().union(*(g | p for g, p in rows))) if rows else []
    if not labels:
        return None, None, None
    # an always-empty extra column keeps the indicator matrix two columns wide: scikit-learn reads
    # a single column as a binary (not multilabel) target and would count the empty rows as hits
    mlb = MultiLabelBinarizer(classes=[*labels, "\x00unused"])
    y_true = mlb.fit_transform([sorted(g) for g, _ in rows])
    y_pred = mlb.transform([sorted(p) for _, p in rows])
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)
    return float(p), float(r), float(f)


def _present(y_true: Sequence[str], y_pred: Sequence[str]) -> list[str]:
    seen = set(y_true) | set(y_pred)
    return [c for c in STANCES if c in seen]


def stance_macro_f1(y_true: Sequence[str], y_pred: Sequence[str]) -> float | None:
    """Macro-F1 over support/oppose/neutral present in gold or prediction; ``"none"`` in
    ``y_pred`` (a missing prediction) is always wrong and is not a class of its own."""
    if not y_true:
        return None
    labels = _present(y_true, y_pred)
    return float(
        f1_score(list(y_true), list(y_pred), labels=labels, average="macro", zero_division=0)
    )


def per_class(
    y_true: Sequence[str], y_pred: Sequence[str]
) -> dict[str, dict[str, float | int | None]]:
    """Precision, recall, F1 and gold support for each stance; None where a class is absent from both."""
    out: dict[str, dict[str, float | int | None]] = {}
    if not y_true and not y_pred:
        return {c: {"precision": None, "recall": None, "f1": None, "support": 0} for c in STANCES}
    p, r, f, s = precision_recall_fscore_support(
        list(y_true), list(y_pred), labels=list(STANCES), zero_division=0
    )
    present = set(_present(y_true, y_pred))
    for k, c in enumerate(STANCES):
        if c in present:
            out[c] = {
                "precision": float(p[k]),
                "recall": float(r[k]),
                "f1": float(f[k]),
                "support": int(s[k]),
            }
        else:
            out[c] = {"precision": None, "recall": None, "f1": None, "support": int(s[k])}
    return out


def majority_label(labels: Iterable[str], order: Sequence[str] = (*STANCES, MIXED)) -> str | None:
    """Most frequent label; ties go to the earlier label in ``order``."""
    counts = Counter(labels)
    if not counts:
        return None
    rank = {c: i for i, c in enumerate(order)}
    return max(counts, key=lambda c: (counts[c], -rank.get(c, len(rank))))


def agreement_stats(a: Sequence[str], b: Sequence[str]) -> dict[str, float | int | None]:
    """Raw agreement, Cohen's kappa (scikit-learn) and Krippendorff's alpha (nominal) of two
    coders over the same units; ``None`` in ``b`` (or ``a``) is a unit that coder left out:
    kappa counts it as the category ``"none"``, alpha as a missing value. None where undefined
    (no units, or a single category in use)."""
    n = len(a)
    out: dict[str, float | int | None] = {
        "n": n,
        "raw_agreement": None,
        "kappa": None,
        "alpha": None,
    }
    if n == 0:
        return out
    ka = [x if x is not None else MISSING for x in a]
    kb = [x if x is not None else MISSING for x in b]
    out["raw_agreement"] = float(accuracy_score(ka, kb))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out["kappa"] = _num(cohen_kappa_score(ka, kb))
        except ValueError:
            out["kappa"] = None
    out["alpha"] = krippendorff_alpha([list(a), list(b)])
    return out


def krippendorff_alpha(rows: Sequence[Sequence[str | None]]) -> float | None:
    """Krippendorff's alpha (nominal) for coders x units of category labels; None = missing."""
    import krippendorff

    domain = sorted({x for row in rows for x in row if x is not None})
    if len(domain) < 2:
        return None
    code = {c: i for i, c in enumerate(domain)}
    data = np.array(
        [[code[x] if x is not None else np.nan for x in row] for row in rows], dtype=float
    )
    # a unit needs two coders to be pairable
    if not np.any(np.sum(~np.isnan(data), axis=0) >= 2):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = krippendorff.alpha(
                reliability_data=data,
                level_of_measurement="nominal",
                value_domain=list(range(len(domain))),
            )
        except (ValueError, ZeroDivisionError):
            return None
    return _num(value)


# --------------------------------------------------------------------------------------------
# matrix


def matrix_cells(quotes: Iterable[Quote], level: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(actor key, target) -> {actor, target, stance, counts} for one level (person|organisation):
    the cells of ``pipeline.matrix.build_matrix``, the matrix a run ships."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    cells = {}
    for cell in build_matrix(quotes):
        if cell.actor_kind != level:
            continue
        cells[(same_actor_key(cell.actor), cell.target)] = {
            "actor": cell.actor,
            "target": cell.target,
            "stance": cell.stance,
            "counts": {s: getattr(cell, s) for s in STANCES},
        }
    return cells


def _matrix_figures(gold: list[Quote], pred: list[Quote]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    pooled_gold: list[str] = []
    pooled_pred: list[str | None] = []
    cells_out: list[dict[str, Any]] = []
    for level in LEVELS:
        g_cells = matrix_cells(gold, level)
        p_cells = matrix_cells(pred, level)
        g_labels, p_labels = [], []
        for key in sorted(g_cells):
            g_labels.append(g_cells[key]["stance"])
            p = p_cells.get(key)
            p_labels.append(p["stance"] if p else None)
            cells_out.append(
                {
                    "level": level,
                    "actor": g_cells[key]["actor"],
                    "target": key[1],
                    "gold": g_cells[key]["stance"],
                    "pred": p["stance"] if p else None,
                    "agree": bool(p and p["stance"] == g_cells[key]["stance"]),
                }
            )
        pooled_gold += g_labels
        pooled_pred += p_labels
        stats = agreement_stats(g_labels, p_labels)
        out[f"matrix_agreement_{level}"] = stats["raw_agreement"]
        out[f"matrix_cells_{level}"] = len(g_labels)
        out[f"matrix_kappa_{level}"] = stats["kappa"]
        out[f"matrix_alpha_{level}"] = stats["alpha"]
    stats = agreement_stats(pooled_gold, pooled_pred)
    out["matrix_agreement"] = stats["raw_agreement"]
    out["matrix_kappa"] = stats["kappa"]
    out["matrix_alpha"] = stats["alpha"]
    out["matrix_cells"] = len(pooled_gold)
    out["matrix_coverage"] = (
        sum(x is not None for x in pooled_pred) / len(pooled_gold) if pooled_gold else None
    )
    out["_cells"] = cells_out
    maj = majority_label(pooled_gold)
    out["baseline_matrix_agreement"] = (
        float(accuracy_score(pooled_gold, [maj] * len(pooled_gold))) if pooled_gold else None
    )
    out["_matrix_majority"] = maj
    return out


# --------------------------------------------------------------------------------------------
# figures over a set of articles


def figures(items: Sequence[ArticleMaterial]) -> dict[str, Any]:
    n_gold = sum(len(it.gold) for it in items)
    n_pred = sum(len(it.pred) for it in items)
    m = sum(it.n_matched for it in items)
    x = sum(it.n_exact for it in items)
    out: dict[str, Any] = {"n_gold": n_gold, "n_pred": n_pred, "n_matched": m, "n_exact": x}
    out["quote_precision"], out["quote_recall"], out["quote_f1"] = prf_from_counts(
        m, n_pred - m, n_gold - m
    )
    out["exact_precision"], out["exact_recall"], out["exact_f1"] = prf_from_counts(
        x, n_pred - x, n_gold - x
    )

    speaker_pairs = [p for it in items for p in it.speaker_pairs]
    org_pairs = [p for it in items for p in it.org_pairs]
    out["speaker_accuracy"] = _accuracy(speaker_pairs)
    out["organisation_accuracy"] = _accuracy(org_pairs)
    ok = sum(a == b for a, b in speaker_pairs)
    (
        out["quote_speaker_precision"],
        out["quote_speaker_recall"],
        out["quote_speaker_f1"],
    ) = prf_from_counts(ok, n_pred - ok, n_gold - ok)

    rows = [r for it in items for r in it.target_rows]
    out["target_precision"], out["target_recall"], out["target_f1"] = _target_prf(rows)

    y_true = [s for it in items for s in it.stance_true]
    y_pred = [s for it in items for s in it.stance_pred]
    out["n_stance_pairs"] = len(y_true)
    out["stance_macro_f1"] = stance_macro_f1(y_true, y_pred)
    out["stance_accuracy"] = float(accuracy_score(y_true, y_pred)) if y_true else None
    y_true_all = [s for it in items for s in it.stance_true_all]
    y_pred_all = [s for it in items for s in it.stance_pred_all]
    out["stance_macro_f1_end_to_end"] = stance_macro_f1(y_true_all, y_pred_all)

    maj = majority_label(y_true)
    base = [maj] * len(y_true)
    out["baseline_stance_macro_f1"] = stance_macro_f1(y_true, base)
    out["baseline_stance_accuracy"] = float(accuracy_score(y_true, base)) if y_true else None

    gold_q = [q for it in items for q in it.gold]
    pred_q = [q for it in items for q in it.pred]
    mat = _matrix_figures(gold_q, pred_q)
    out.update({k: v for k, v in mat.items() if not k.startswith("_")})

    both_g = [s for it in items for s in it.both_gold]
    both_p = [s for it in items for s in it.both_pred]
    stats = agreement_stats(both_g, both_p)
    out["stance_kappa"] = stats["kappa"]
    out["stance_alpha"] = stats["alpha"]
    out["stance_agreement_both"] = stats["raw_agreement"]
    out["n_stance_pairs_both"] = stats["n"]

    out["per_class"] = per_class(y_true, y_pred)
    out["per_kind"] = per_kind(items)
    labels_pred = [*STANCES, MISSING]
    cm = (
        confusion_matrix(y_true, y_pred, labels=labels_pred)
        if y_true
        else np.zeros((4, 4), dtype=int)
    )
    out["confusion"] = {
        "rows": "gold",
        "columns": "predicted (none = target not predicted)",
        "matrix": {
            g: {p: int(cm[i][j]) for j, p in enumerate(labels_pred)} for i, g in enumerate(STANCES)
        },
    }
    out["baseline"] = {
        "majority_class": maj,
        "stance_macro_f1": out["baseline_stance_macro_f1"],
        "stance_accuracy": out["baseline_stance_accuracy"],
        "per_class": per_class(y_true, base),
        "matrix_majority": mat["_matrix_majority"],
        "matrix_agreement": out["baseline_matrix_agreement"],
    }
    out["_cells"] = mat["_cells"]
    return out


def per_kind(items: Sequence[ArticleMaterial]) -> dict[str, dict[str, Any]]:
    """Recall of the gold quotes and precision of the predictions, by quote kind (each side by
    its own kind: a gold ``block`` quote found as ``direct`` counts as a ``block`` hit)."""
    out: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        gold = [hit for it in items for k, hit in it.gold_kinds if k == kind]
        pred = [hit for it in items for k, hit in it.pred_kinds if k == kind]
        out[kind] = {
            "n_gold": len(gold),
            "recall": sum(gold) / len(gold) if gold else None,
            "n_pred": len(pred),
            "precision": sum(pred) / len(pred) if pred else None,
        }
    return out


_CODES = {label: k for k, label in enumerate((*STANCES, MIXED, MISSING))}


def count_tables(items: Sequence[ArticleMaterial]) -> dict[str, np.ndarray]:
    """Per-article count tables (first axis = article) from which every CI figure follows by
    summing over a resample: detection counts, attribution hits, target tp/fp/fn, the stance
    confusion matrices (scikit-learn ``confusion_matrix``) and the matrix cells' stance counts."""
    k = len(items)
    scalars = np.zeros((k, 9), dtype=float)
    conf = np.zeros((k, 3, 4), dtype=float)
    conf_all = np.zeros((k, 3, 4), dtype=float)
    labels = [*STANCES, MISSING]
    cell_index: dict[tuple[str, str, str], int] = {}
    per_article_cells = []
    for a, it in enumerate(items):
        spk = sum(x == y for x, y in it.speaker_pairs)
        org = sum(x == y for x, y in it.org_pairs)
        ttp = sum(len(g & p) for g, p in it.target_rows)
        tfp = sum(len(p - g) for g, p in it.target_rows)
        tfn = sum(len(g - p) for g, p in it.target_rows)
        scalars[a] = [len(it.gold), len(it.pred), it.n_matched, it.n_exact, spk, org, ttp, tfp, tfn]
        if it.stance_true:
            conf[a] = confusion_matrix(it.stance_true, it.stance_pred, labels=labels)[:3]
        if it.stance_true_all:
            conf_all[a] = confusion_matrix(it.stance_true_all, it.stance_pred_all, labels=labels)[
                :3
            ]
        cells = {}
        for side, quotes in (("gold", it.gold), ("pred", it.pred)):
            for level in LEVELS:
                for (actor, target), cell in matrix_cells(quotes, level).items():
                    key = (level, actor, target)
                    cell_index.setdefault(key, len(cell_index))
                    cells[(side, key)] = [cell["counts"][s] for s in STANCES]
        per_article_cells.append(cells)
    n_cells = len(cell_index)
    gold_cells = np.zeros((k, n_cells, 3), dtype=float)
    pred_cells = np.zeros((k, n_cells, 3), dtype=float)
    for a, cells in enumerate(per_article_cells):
        for (side, key), counts in cells.items():
            (gold_cells if side == "gold" else pred_cells)[a, cell_index[key]] = counts
    return {
        "scalars": scalars,
        "conf": conf,
        "conf_all": conf_all,
        "gold_cells": gold_cells,
        "pred_cells": pred_cells,
    }


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)


def _prf_arrays(
    tp: np.ndarray, fp: np.ndarray, fn: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scikit-learn definitions (zero division gives 0) on arrays; NaN where nothing to score."""
    p, r, f = _ratio(tp, tp + fp), _ratio(tp, tp + fn), _ratio(2 * tp, 2 * tp + fp + fn)
    empty = (tp + fp + fn) == 0
    return tuple(np.where(empty, np.nan, x) for x in (p, r, f))  # type: ignore[return-value]


def _macro_f1_arrays(conf: np.ndarray) -> np.ndarray:
    """Macro-F1 from (..., 3 gold, 4 predicted) confusion counts over the classes present."""
    tp = np.diagonal(conf[..., :, :3], axis1=-2, axis2=-1)
    gold = conf.sum(axis=-1)
    pred = conf[..., :, :3].sum(axis=-2)
    present = (gold + pred) > 0
    f1 = _ratio(2 * tp, gold + pred)
    n_present = present.sum(axis=-1)
    macro = _ratio((f1 * present).sum(axis=-1), n_present)
    return np.where(gold.sum(axis=-1) > 0, macro, np.nan)


def _cell_labels(counts: np.ndarray) -> np.ndarray:
    """Majority code per cell (0..2 = STANCES, 3 = mixed on a tie, 4 = no quotes)."""
    top = counts.max(axis=-1, keepdims=True)
    n_top = (counts == top).sum(axis=-1)
    label = np.where(n_top == 1, counts.argmax(axis=-1), _CODES[MIXED])
    return np.where(counts.sum(axis=-1) > 0, label, _CODES[MISSING])


def figures_from_counts(
    tables: dict[str, np.ndarray], weights: np.ndarray
) -> dict[str, np.ndarray]:
    """The CI figures for each row of ``weights`` (n_draws x n_articles: how often each article
    is drawn), from the per-article count tables; agrees with :func:`figures` (tested)."""
    s = weights @ tables["scalars"]
    n_gold, n_pred, m, x, spk, org, ttp, tfp, tfn = (s[:, i] for i in range(9))
    out: dict[str, np.ndarray] = {}
    out["quote_precision"], out["quote_recall"], out["quote_f1"] = _prf_arrays(
        m, n_pred - m, n_gold - m
    )
    out["exact_f1"] = _prf_arrays(x, n_pred - x, n_gold - x)[2]
    out["speaker_accuracy"] = np.where(m > 0, _ratio(spk, m), np.nan)
    out["organisation_accuracy"] = np.where(m > 0, _ratio(org, m), np.nan)
    out["quote_speaker_f1"] = _prf_arrays(spk, n_pred - spk, n_gold - spk)[2]
    out["target_precision"], out["target_recall"], out["target_f1"] = _prf_arrays(ttp, tfp, tfn)
    conf = np.einsum("ba,aij->bij", weights, tables["conf"])
    conf_all = np.einsum("ba,aij->bij", weights, tables["conf_all"])
    total = conf.sum(axis=(1, 2))
    out["stance_macro_f1"] = _macro_f1_arrays(conf)
    out["stance_accuracy"] = np.where(
        total > 0, _ratio(np.trace(conf[:, :, :3], axis1=1, axis2=2), total), np.nan
    )
    out["stance_macro_f1_end_to_end"] = _macro_f1_arrays(conf_all)
    gold_class = conf.sum(axis=2)  # (draws, 3)
    maj = gold_class.argmax(axis=1)  # ties go to the earlier class, as majority_label does
    n_maj = gold_class[np.arange(len(maj)), maj]
    base_conf = np.zeros_like(conf)
    base_conf[np.arange(len(maj)), :, maj] = gold_class
    out["baseline_stance_macro_f1"] = _macro_f1_arrays(base_conf)
    out["baseline_stance_accuracy"] = np.where(total > 0, _ratio(n_maj, total), np.nan)
    gold_cells = np.einsum("ba,acj->bcj", weights, tables["gold_cells"])
    pred_cells = np.einsum("ba,acj->bcj", weights, tables["pred_cells"])
    g, p = _cell_labels(gold_cells), _cell_labels(pred_cells)
    filled = g != _CODES[MISSING]
    n_filled = filled.sum(axis=1)
    out["matrix_agreement"] = np.where(
        n_filled > 0, _ratio(((g == p) & filled).sum(axis=1), n_filled), np.nan
    )
    label_counts = np.stack([((g == c) & filled).sum(axis=1) for c in range(4)], axis=1)
    out["baseline_matrix_agreement"] = np.where(
        n_filled > 0, _ratio(label_counts.max(axis=1), n_filled), np.nan
    )
    return out


def _bootstrap(
    items: Sequence[ArticleMaterial], *, n_boot: int, seed: int, level: float = 0.95
) -> dict[str, Any]:
    """Percentile bootstrap intervals of the CI figures, resampling articles with replacement;
    None for every figure when there are fewer than two articles or ``n_boot`` is 0."""
    if n_boot <= 0 or len(items) < 2:
        return {key: None for key in CI_KEYS}
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(items), size=(n_boot, len(items)))
    weights = np.stack([np.bincount(row, minlength=len(items)) for row in draws]).astype(float)
    values = figures_from_counts(count_tables(items), weights)
    tail = (1 - level) / 2 * 100
    out: dict[str, Any] = {}
    for key in CI_KEYS:
        v = values[key][~np.isnan(values[key])]
        out[key] = (
            [float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail))] if v.size else None
        )
    return out


def _group(quotes: Iterable[Quote]) -> dict[str, list[Quote]]:
    groups: dict[str, list[Quote]] = defaultdict(list)
    for q in quotes:
        groups[q.article].append(q)
    return groups


def _subset_figures(items: Sequence[ArticleMaterial], *, keep_kinds: bool = True) -> dict:
    """The flat figures of some articles (an article, a genre), without the nested sections."""
    f = figures(items)
    for k in (
        "_cells",
        "per_class",
        "confusion",
        "baseline",
        *(() if keep_kinds else ("per_kind",)),
    ):
        f.pop(k)
    return f


def evaluate(
    gold: Sequence[Quote],
    pred: Sequence[Quote],
    *,
    gold_articles: Iterable[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    groups: Mapping[str, str] | None = None,
) -> dict:
    """Every figure of codebook §5 / issue 3 for predictions against gold.

    ``gold_articles`` are the articles that are scored (those with a gold file, even an empty
    one); it defaults to the articles of the gold quotes. Predictions for other articles are
    counted (``n_pred_unscored``, ``unscored_articles``) and not scored.

    Returns flat keys (``quote_f1``, ``speaker_accuracy``, ``organisation_accuracy``,
    ``target_f1``, ``stance_macro_f1``, ``matrix_agreement``, ...; None where a figure is
    undefined) plus the sections ``per_article``, ``per_class``, ``confusion``, ``baseline``,
    ``ci`` (95% bootstrap intervals over articles, None with fewer than two articles) and
    ``matrix`` (the gold cells with both stances). With ``groups`` (article id -> a label such as
    its genre or publisher), ``per_group`` holds the same flat figures for each label's articles
    (articles without a label under ``"(none)"``).
    """
    articles = set(gold_articles) if gold_articles is not None else set()
    articles |= {q.article for q in gold}
    gold_groups = _group(gold)
    pred_groups = _group(pred)
    unscored = {a: len(qs) for a, qs in sorted(pred_groups.items()) if a not in articles}
    items = [
        article_material(a, gold_groups.get(a, []), pred_groups.get(a, []))
        for a in sorted(articles)
    ]

    figs = figures(items)
    cells = figs.pop("_cells")
    result: dict[str, Any] = {"n_articles": len(items)}
    nested = {k: figs.pop(k) for k in ("per_class", "confusion", "baseline")}
    result.update(figs)
    result["n_pred_unscored"] = sum(unscored.values())
    result["unscored_articles"] = unscored
    result["per_article"] = {it.article: _subset_figures([it], keep_kinds=False) for it in items}
    if groups is not None:
        by_label: dict[str, list[ArticleMaterial]] = defaultdict(list)
        for it in items:
            by_label[groups.get(it.article) or "(none)"].append(it)
        result["per_group"] = {
            label: {**_subset_figures(by_label[label]), "n_articles": len(by_label[label])}
            for label in sorted(by_label)
        }
    result.update(nested)
    result["ci"] = _bootstrap(items, n_boot=n_boot, seed=seed)
    result["bootstrap"] = {
        "n_boot": n_boot if len(items) >= 2 else 0,
        "seed": seed,
        "level": 0.95,
        "resample": "articles",
    }
    result["matrix"] = cells
    return result
