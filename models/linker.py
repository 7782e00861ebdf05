"""The frozen-embedding linker: one logistic regression per target over sentence embeddings of
the quote and of the quote with its context, from an encoder as shipped (not fine-tuned;
``all-MiniLM-L6-v2`` in the stance model as shipped, see ``models.encoder``), and one multinomial logistic
regression for polarity over the same embeddings plus the target (one-hot). The stance model
averages the first with its fine-tuned relevance head and the second with its fine-tuned
polarity cross-encoder. Both read the same two embeddings per quote, so the polarity part costs
no extra encoder pass. In the stance model both embeddings come from one pass over the quote
followed by its context (``passes=1``, see ``frozen_features``), which also returns the token
states of one layer for the split cross-encoder (``models.polarity``).

With ``words`` > 0 it also reads a word view: TF-IDF over the quote's and its context's words and
word pairs, with the same regressions fitted on it, and averages the two views' probabilities
(relevance, thresholds and polarity). On the team's held-out synthetic quotes and on
leave-one-article-out seed folds the average linked and classified better than either view alone
(``evaluation/results/stance_views.md``): the embedding generalises wording, the words keep the
policy's own terms ("cap", "regional care co-operatives") that a sentence embedding blurs.

Why keep it beside the fine-tuned head: trained on a few hundred quotes, most of them synthetic,
fine-tuning moves the encoder toward the synthetic lines' wording; a linear model on the frozen
embeddings keeps the pre-trained similarity structure, and the two make different mistakes
(leave-one-article-out figures in README).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from models.examples import Example
from pipeline.records import STANCES

LINKER = "linker.npz"


def frozen_features(
    encoder,
    examples: Sequence[Example],
    *,
    bf16: bool = False,
    fit: bool = False,
    layer: int | None = None,
    passes: int = 2,
    progress=None,
):
    """[embedding of the quote, embedding of quote + context] per example (``SentenceEncoder``);
    ``fit``: training examples, which may come from the encoder's memo. With ``layer``, returns
    (features, token states of quote + context at that layer), both from the same passes.
    ``passes=2`` embeds the quote in a pass of its own (as sentence-transformers would);
    ``passes=1`` pools the quote's tokens within the quote + context pass (the quote comes first):
    one pass instead of two. ``progress``: as ``SentenceEncoder.encode``'s."""
    if passes not in (1, 2):
        raise ValueError(
            f"frozen features: passes={passes}; use 1 (quote pooled within its context's pass) or 2"
        )
    joined = [view_text(e) for e in examples]
    if passes == 1:
        return encoder.encode(
            joined,
            bf16=bf16,
            memo=fit,
            layer=layer,
            prefix=[len(e.text) for e in examples],
            progress=progress,
        )
    quote = encoder.encode([e.text for e in examples], bf16=bf16, memo=fit, progress=progress)
    context = encoder.encode(joined, bf16=bf16, memo=fit, layer=layer, progress=progress)
    if layer is None:
        return np.hstack([quote, context])
    return np.hstack([quote, context[0]]), context[1]


def target_regressions(
    X, examples: Sequence[Example], target_ids: Sequence[str], *, C: float, seed: int
) -> dict[str, LogisticRegression]:
    """One balanced logistic regression per target (does the quote address it?) over the rows of
    ``X``, for each target that some but not all of ``examples`` address."""
    fitted = {}
    for target in target_ids:
        y = np.array([any(s.target == target for s in e.stances) for e in examples], dtype=int)
        if 0 < y.sum() < len(y):
            fitted[target] = LogisticRegression(
                C=C, max_iter=2000, class_weight="balanced", random_state=seed
            ).fit(X, y)
    return fitted


def calibrated_thresholds(
    X,
    examples: Sequence[Example],
    target_ids: Sequence[str],
    *,
    C: float,
    seed: int,
    folds: int = 2,
    prior: float = 0.5,
    prior_weight: float = 20.0,
    grid: Sequence[float] = tuple(np.round(np.arange(0.2, 0.95, 0.05), 2)),
) -> np.ndarray:
    """A linking threshold per target: the one that maximises F1 on out-of-fold probabilities
    of that target's regression (``folds``-fold, stratified), pulled toward ``prior`` by
    ``prior_weight`` pseudo-positives, so that a target with few examples keeps about ``prior``.
    Balanced class weights push the probabilities of rare targets up; one threshold for all
    would over-link them."""
    from sklearn.model_selection import StratifiedKFold

    out = np.full(len(target_ids), prior, dtype=np.float32)
    for j, target in enumerate(target_ids):
        y = np.array([any(s.target == target for s in e.stances) for e in examples], dtype=int)
        positives = int(y.sum())
        if positives < folds or len(y) - positives < folds:
            continue
        oof = np.zeros(len(y), dtype=np.float32)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        for train, test in splitter.split(np.zeros(len(y)), y):
            clf = LogisticRegression(
                C=C, max_iter=2000, class_weight="balanced", random_state=seed
            ).fit(X[train], y[train])
            oof[test] = clf.predict_proba(X[test])[:, 1]
        best, best_f1 = prior, -1.0
        for threshold in grid:
            predicted = oof >= threshold
            tp = int((predicted & (y == 1)).sum())
            f1 = 2 * tp / (predicted.sum() + positives) if tp else 0.0
            if f1 > best_f1 + 1e-9:
                best, best_f1 = float(threshold), f1
        out[j] = (positives * best + prior_weight * prior) / (positives + prior_weight)
    return out


def with_targets(X, rows: Sequence[int], targets: Sequence[str], target_ids: Sequence[str]):
    """Rows of ``X`` (one per (quote, target) pair) with the target's one-hot appended; sparse
    in, sparse out."""
    index = {t: j for j, t in enumerate(target_ids)}
    onehot = np.zeros((len(rows), len(target_ids)), dtype=np.float32)
    onehot[np.arange(len(rows)), [index[t] for t in targets]] = 1.0
    if sparse.issparse(X):
        return sparse.hstack([X[list(rows)], sparse.csr_matrix(onehot)]).tocsr()
    return np.hstack([X[list(rows)], onehot])


def word_vectoriser(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    """TF-IDF over words and word pairs (sublinear counts), the word view's features; with
    ``vocabulary``, the vectoriser of a fitted view (its ``idf_`` to be set)."""
    return TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, vocabulary=vocabulary)


def view_text(example: Example) -> str:
    """What both views read of a quote: its words, then its context's."""
    return f"{example.text} {example.context}"


def _stacked(fitted: dict[str, LogisticRegression], target_ids, addressed, width: int):
    """Per-target regressions as one (targets, width) coefficient table and an intercept per
    target; a target no quote addresses gets -30 (never linked), one every quote addresses +30."""
    coef = np.zeros((len(target_ids), width), dtype=np.float32)
    intercept = np.full(len(target_ids), -30.0, dtype=np.float32)
    for j, target in enumerate(target_ids):
        if target in fitted:
            coef[j] = fitted[target].coef_[0]
            intercept[j] = fitted[target].intercept_[0]
        elif target in addressed:
            intercept[j] = 30.0
    return coef, intercept


def _polarity_table(clf: LogisticRegression | None, width: int):
    """A fitted polarity regression as (3, width) coefficients and 3 intercepts in ``STANCES``
    order (a class with no training pair keeps a -30 intercept); (None, None) without one."""
    if clf is None:
        return None, None
    coef_out = np.zeros((len(STANCES), width), dtype=np.float32)
    intercept_out = np.full(len(STANCES), -30.0, dtype=np.float32)
    classes = [str(c) for c in clf.classes_]
    coef = clf.coef_ if len(classes) > 2 else np.vstack([-clf.coef_, clf.coef_]) / 2
    intercept = (
        clf.intercept_
        if len(classes) > 2
        else np.array([-clf.intercept_[0], clf.intercept_[0]]) / 2
    )
    for row, label in enumerate(classes):
        coef_out[STANCES.index(label)] = coef[row]
        intercept_out[STANCES.index(label)] = intercept[row]
    return coef_out, intercept_out


def _blend(embedded: np.ndarray, worded: np.ndarray, words: float) -> np.ndarray:
    """The two views' probabilities averaged with the word view's weight."""
    return ((1 - words) * embedded + words * worded).astype(np.float32)


def _sigmoid(logits) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-np.asarray(logits)))).astype(np.float32)


def _softmax(logits) -> np.ndarray:
    logits = np.asarray(logits)
    logits = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return (p / p.sum(axis=1, keepdims=True)).astype(np.float32)


def polarity_regression(
    X,
    examples: Sequence[Example],
    target_ids: Sequence[str],
    *,
    C: float,
    seed: int,
    max_iter: int = 3000,
) -> LogisticRegression | None:
    """One class-balanced logistic regression for the stance of each gold (quote, target) pair
    of ``examples``, over the quote's row of ``X`` plus the target one-hot (``with_targets``);
    None when the pairs hold fewer than two stances."""
    pairs = [
        (i, s.target, s.stance)
        for i, e in enumerate(examples)
        for s in e.stances
        if s.target in target_ids
    ]
    if len({k for _, _, k in pairs}) < 2:
        return None
    clf = LogisticRegression(C=C, max_iter=max_iter, class_weight="balanced", random_state=seed)
    return clf.fit(
        with_targets(X, [i for i, _, _ in pairs], [t for _, t, _ in pairs], target_ids),
        [k for _, _, k in pairs],
    )


class FrozenLinker:
    """Per-target logistic regression (relevance) and one multinomial logistic regression
    (polarity, ``polarity=True``) on frozen embeddings and, with ``words``, on TF-IDF words too
    (scikit-learn's contract)."""

    def __init__(
        self,
        *,
        C: float = 4.0,
        seed: int = 13,
        encoder: str | None = None,
        device: str = "cpu",
        polarity: bool = True,
        passes: int = 2,
        calibrate: bool = False,
        words: float = 0.0,
        polarity_words: float | None = None,
    ):
        """``encoder``: a name known to ``models.encoder.encoder_path`` or a folder; None is MiniLM;
        ``passes``: encoder passes per quote (``frozen_features``); ``calibrate``: learn a
        linking threshold per target (``calibrated_thresholds``; otherwise 0.5 for all);
        ``words``: the word view's weight in the relevance and threshold averages (0: embeddings
        alone); ``polarity_words``: its weight in the polarity average (None: ``words``)."""
        for name, weight in (("words", words), ("polarity_words", polarity_words)):
            if weight is not None and not 0.0 <= weight <= 1.0:
                raise ValueError(f"FrozenLinker: {name}={weight}; use a weight from 0 to 1")
        self.calibrate = calibrate
        self.C = C
        self.seed = seed
        self.encoder = encoder
        self.device = device
        self.polarity = polarity
        self.passes = passes
        self.words = words
        self.polarity_words = polarity_words

    def frozen_encoder(self, *, bf16: bool = False, int8: bool = False):
        """The frozen encoder; for bfloat16 inference a copy whose weights are held in bfloat16
        (half the memory; the same decisions on the gold quotes as float weights under autocast);
        for int8 inference one with int8 weights (``models.encoder.int8_linears``)."""
        from models.encoder import shared_encoder

        return shared_encoder(self.encoder, self.device, bf16 and not int8, int8)

    def features(
        self,
        examples: Sequence[Example],
        *,
        bf16: bool = False,
        int8: bool = False,
        layer: int | None = None,
        fit: bool = False,
        progress=None,
    ):
        """The frozen features of ``examples`` (``passes`` encoder passes per quote), which
        ``predict_proba`` and ``polarity_proba`` take, so that one computation serves both;
        with ``layer``, (features, token states at that layer), as ``frozen_features``."""
        return frozen_features(
            self.frozen_encoder(bf16=bf16, int8=int8),
            examples,
            bf16=bf16 and not int8,
            fit=fit,
            layer=layer,
            passes=self.passes,
            progress=progress,
        )

    def fit(
        self, examples: Sequence[Example], target_ids: Sequence[str], *, X: np.ndarray | None = None
    ) -> "FrozenLinker":
        """``X``: the examples' ``features(..., fit=True)``, when already computed."""
        X = self.features(examples, fit=True) if X is None else X
        self.target_ids_ = list(target_ids)
        addressed = {s.target for e in examples for s in e.stances}
        (
            self.coef_,
            self.intercept_,
            self.thresholds_,
            self.polarity_coef_,
            self.polarity_intercept_,
        ) = self._fit_view(X, examples, addressed)
        self.vectoriser_ = None
        if self.words > 0:
            self.vectoriser_ = word_vectoriser()
            W = self.vectoriser_.fit_transform([view_text(e) for e in examples])
            (
                self.word_coef_,
                self.word_intercept_,
                self.word_thresholds_,
                self.word_polarity_coef_,
                self.word_polarity_intercept_,
            ) = self._fit_view(W, examples, addressed)
        return self

    def _fit_view(self, X, examples: Sequence[Example], addressed: set[str]):
        """One view's regressions: (coef, intercept, thresholds, polarity coef, polarity intercept)."""
        fitted = target_regressions(X, examples, self.target_ids_, C=self.C, seed=self.seed)
        coef, intercept = _stacked(fitted, self.target_ids_, addressed, X.shape[1])
        thresholds = (
            calibrated_thresholds(X, examples, self.target_ids_, C=self.C, seed=self.seed)
            if self.calibrate
            else np.full(len(self.target_ids_), 0.5, dtype=np.float32)
        )
        clf = (
            polarity_regression(X, examples, self.target_ids_, C=self.C, seed=self.seed)
            if self.polarity
            else None
        )
        return (
            coef,
            intercept,
            thresholds,
            *_polarity_table(clf, X.shape[1] + len(self.target_ids_)),
        )

    @property
    def has_words(self) -> bool:
        return getattr(self, "vectoriser_", None) is not None

    def _words_of(self, examples: Sequence[Example]):
        return self.vectoriser_.transform([view_text(e) for e in examples])

    @property
    def link_thresholds(self) -> np.ndarray:
        """The linking threshold per target, averaged over the views as the probabilities are."""
        if not self.has_words:
            return np.asarray(self.thresholds_, dtype=np.float32)
        return _blend(self.thresholds_, self.word_thresholds_, self.words)

    def predict_proba(
        self,
        examples: Sequence[Example],
        *,
        bf16: bool = False,
        int8: bool = False,
        X: np.ndarray | None = None,
    ) -> np.ndarray:
        """(n_examples, n_targets) probabilities that each quote addresses each target
        (``X``: the examples' ``features``, when already computed)."""
        if not examples:
            return np.zeros((0, len(self.target_ids_)), dtype=np.float32)
        X = self.features(examples, bf16=bf16, int8=int8) if X is None else X
        probs = _sigmoid(X @ self.coef_.T + self.intercept_)
        if self.has_words:
            words = _sigmoid(self._words_of(examples) @ self.word_coef_.T + self.word_intercept_)
            probs = _blend(probs, words, self.words)
        return probs

    @property
    def has_polarity(self) -> bool:
        return getattr(self, "polarity_coef_", None) is not None

    def polarity_proba(
        self,
        X: np.ndarray,
        pairs: Sequence[tuple[int, str]],
        *,
        examples: Sequence[Example] | None = None,
    ) -> np.ndarray:
        """(n_pairs, 3) probabilities of support / oppose / neutral (``STANCES`` order) for each
        (row of ``X``, target) pair; ``examples`` (the rows' quotes) when the linker has a word
        view."""
        if not self.has_polarity:
            raise ValueError(
                "this linker was fitted without polarity (polarity=False or one stance only)"
            )
        if not pairs:
            return np.zeros((0, len(STANCES)), dtype=np.float32)
        rows, targets = [i for i, _ in pairs], [t for _, t in pairs]
        probs = _softmax(
            with_targets(X, rows, targets, self.target_ids_) @ self.polarity_coef_.T
            + self.polarity_intercept_
        )
        if self.has_words and self.word_polarity_coef_ is not None:
            if examples is None:
                raise ValueError(
                    "polarity_proba: this linker has a word view; pass the quotes as examples="
                )
            words = _softmax(
                with_targets(self._words_of(examples), rows, targets, self.target_ids_)
                @ self.word_polarity_coef_.T
                + self.word_polarity_intercept_
            )
            probs = _blend(probs, words, self.polarity_weight_of_words)
        return probs

    @property
    def polarity_weight_of_words(self) -> float:
        return self.words if self.polarity_words is None else self.polarity_words

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        extra = (
            {"polarity_coef": self.polarity_coef_, "polarity_intercept": self.polarity_intercept_}
            if self.has_polarity
            else {}
        )
        if self.has_words:
            vocabulary = self.vectoriser_.vocabulary_
            terms = np.empty(len(vocabulary), dtype=object)
            for term, k in vocabulary.items():
                terms[k] = term
            extra |= {
                "words": self.words,
                "polarity_words": self.polarity_weight_of_words,
                "word_terms": terms.astype(str),
                "word_idf": self.vectoriser_.idf_.astype(np.float32),
                "word_coef": self.word_coef_,
                "word_intercept": self.word_intercept_,
                "word_thresholds": self.word_thresholds_,
            }
            if self.word_polarity_coef_ is not None:
                extra |= {
                    "word_polarity_coef": self.word_polarity_coef_,
                    "word_polarity_intercept": self.word_polarity_intercept_,
                }
        # compressed: the word view's coefficients are a few tens of MB uncompressed
        with open(path, "wb") as handle:
            np.savez_compressed(
                handle,
                coef=self.coef_,
                intercept=self.intercept_,
                thresholds=self.thresholds_,
                targets=np.array(self.target_ids_),
                C=self.C,
                seed=self.seed,
                passes=self.passes,
                **extra,
            )
        return path

    @classmethod
    def load(
        cls, path: str | Path, *, encoder: str | None = None, device: str = "cpu"
    ) -> "FrozenLinker":
        data = np.load(path, allow_pickle=False)
        # a linker saved before the one-pass features existed embedded in two passes
        passes = int(data["passes"]) if "passes" in data.files else 2
        linker = cls(
            C=float(data["C"]),
            seed=int(data["seed"]),
            encoder=encoder,
            device=device,
            passes=passes,
            words=float(data["words"]) if "words" in data.files else 0.0,
            polarity_words=float(data["polarity_words"])
            if "polarity_words" in data.files
            else None,
        )
        linker.coef_ = data["coef"]
        linker.intercept_ = data["intercept"]
        linker.thresholds_ = (
            data["thresholds"]
            if "thresholds" in data.files
            else np.full(len(data["targets"]), 0.5, dtype=np.float32)
        )
        linker.calibrate = "thresholds" in data.files and bool(np.any(linker.thresholds_ != 0.5))
        linker.target_ids_ = [str(t) for t in data["targets"]]
        # a linker saved before polarity was part of it has none (the model then uses its cross-encoder alone)
        linker.polarity = "polarity_coef" in data.files
        linker.polarity_coef_ = data["polarity_coef"] if linker.polarity else None
        linker.polarity_intercept_ = data["polarity_intercept"] if linker.polarity else None
        linker.vectoriser_ = None
        if "word_terms" in data.files:
            linker.vectoriser_ = word_vectoriser(
                {str(term): k for k, term in enumerate(data["word_terms"])}
            )
            linker.vectoriser_.idf_ = data["word_idf"]
            linker.word_coef_ = data["word_coef"]
            linker.word_intercept_ = data["word_intercept"]
            linker.word_thresholds_ = data["word_thresholds"]
            has = "word_polarity_coef" in data.files
            linker.word_polarity_coef_ = data["word_polarity_coef"] if has else None
            linker.word_polarity_intercept_ = data["word_polarity_intercept"] if has else None
        return linker
