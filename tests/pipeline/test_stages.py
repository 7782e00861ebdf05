"""The quote stage's output record: results in input order, failures by article id."""

from __future__ import annotations

from pipeline.domain import load_domain
from pipeline.records import Article
from pipeline.stages import QuoteStage, StageOutput

TEXT = "Sara Lind said the bridge would reopen in June."


def test_quote_stage_returns_results_and_failures(nlp, monkeypatch):
    import pipeline.quotes as quotes_module
    import pipeline.segment as segment_module

    real_quotes, real_segment = quotes_module.article_quotes, segment_module.segment_article

    def quotes(article, paras, actors):
        if article.id == "bad-parse":
            raise RuntimeError("boom")
        return real_quotes(article, paras, actors)

    def segment(article):
        if article.id == "bad-split":
            raise ValueError("no lines")
        return real_segment(article)

    monkeypatch.setattr(quotes_module, "article_quotes", quotes)
    monkeypatch.setattr(segment_module, "segment_article", segment)
    ids = ("a", "bad-split", "bad-parse", "c")
    output = QuoteStage(load_domain(), nlp=nlp)([Article(id=i, text=TEXT) for i in ids])
    assert isinstance(output, StageOutput)
    assert [r.article.id for r in output.results] == ["a", "c"]
    assert [q.text for q in output.results[1].quotes] == ["the bridge would reopen in June"]
    assert output.failures == {
        "bad-split": "bad-split: segmentation failed (ValueError: no lines)",
        "bad-parse": "bad-parse: quote extraction failed (QuoteExtractionError: bad-parse: quote "
        "extraction failed (RuntimeError: boom); the other articles are not affected, run them "
        "again without this one)",
    }
