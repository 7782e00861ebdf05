"""Stance-model inputs: the context cut from a quote's stored paragraph offsets is the one cut
from the article's lines (the model was trained on the latter)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.examples import examples_from_quotes, quote_context
from pipeline.corpus import iter_corpus
from pipeline.records import Quote
from pipeline.segment import split_paragraphs

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "data" / "seeds_expected" / "quotes.jsonl"

TEXT = (
    "Ferry fares to rise\n"
    "\n"
    "Jo Bloggs, of the Island Ferry Users Group, spoke at length about the plan on Monday.\n"
    "\n"
    "“It is a disaster for every family on the island,” she said.\n"
    "   Indented: the harbour master said the timetable would be cut to four sailings.\n"
    "\n"
    "\n"
    "\n"
    "“We were not asked,” said Tom Reid, who runs the quay cafe.\n"
    "The council said it would publish the figures once the review closed next spring,\n"
    "and that the new fares would follow.\n"
)


def _paragraph_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The segmenter's paragraph holding [start, end), as the quote stage records it."""
    return next((s, e) for s, e in split_paragraphs(text) if s <= start and end <= e)


@pytest.mark.parametrize(
    "words",
    [
        "It is a disaster for every family on the island",  # opens its paragraph: previous one
        "the timetable would be cut to four sailings",  # an indented line
        "We were not asked",  # after three line breaks (no previous paragraph is found)
        "spoke at length about the plan on Monday",  # mid-paragraph, long lead
        "Ferry fares to rise",  # the first line of the text
    ],
)
def test_context_from_paragraph_offsets_equals_context_from_lines(words):
    start = TEXT.index(words)
    end = start + len(words)
    paragraph = _paragraph_of(TEXT, start, end)
    assert quote_context(TEXT, start, end, paragraph) == quote_context(TEXT, start, end)


def test_context_values_on_hand_made_text():
    start = TEXT.index("It is")
    end = start + len("It is a disaster for every family on the island")
    assert quote_context(TEXT, start, end, _paragraph_of(TEXT, start, end)) == (
        "Jo Bloggs, of the Island Ferry Users Group, spoke at length about the plan on Monday. "
        "“ [QUOTE] ,” she said."
    )
    start = TEXT.index("We were")
    end = start + len("We were not asked")
    assert quote_context(TEXT, start, end, _paragraph_of(TEXT, start, end)) == (
        "“ [QUOTE] ,” said Tom Reid, who runs the quay cafe."
    )


def test_a_hard_wrapped_paragraph_is_read_whole_with_offsets():
    # the segmenter joins the two lines; the line cut sees only the first
    start = TEXT.index("it would publish")
    end = start + len("it would publish the figures")
    paragraph = _paragraph_of(TEXT, start, end)
    assert TEXT[paragraph[0] : paragraph[1]].endswith("the new fares would follow.")
    assert quote_context(TEXT, start, end, paragraph).endswith(
        "[QUOTE] once the review closed next spring, and that the new fares would follow."
    )
    assert quote_context(TEXT, start, end).endswith("[QUOTE] once the review closed next spring,")


def test_examples_read_the_paragraph_offsets_when_a_quote_has_them():
    start = TEXT.index("it would publish")
    end = start + len("it would publish the figures")
    common = dict(article="a", id="q01", start=start, end=end, text=TEXT[start:end])
    with_offsets = Quote(kind="indirect", paragraph_span=_paragraph_of(TEXT, start, end), **common)
    without = Quote(kind="indirect", **common)
    a, b = examples_from_quotes([with_offsets, without], {"a": TEXT})
    assert a.context.endswith("and that the new fares would follow.")
    assert b.context.endswith("next spring,")


def test_every_seed_quote_gets_the_same_context_from_its_offsets():
    texts = {a.id: a.text for a in iter_corpus(ROOT / "corpus")}
    quotes = [Quote.from_json(json.loads(line)) for line in SEEDS.read_text().splitlines()]
    assert len(quotes) == 181 and all(q.paragraph_span for q in quotes)
    for q in quotes:
        text = texts[q.article]
        assert quote_context(text, q.start, q.end, q.paragraph_span) == quote_context(
            text, q.start, q.end
        ), q.key
