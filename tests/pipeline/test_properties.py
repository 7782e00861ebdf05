"""Property-based tests (hypothesis) on the segmenter and the quote extractor: for any text, no
exception, every offset inside the text, and every quote's text is the article's slice."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.records import Article, Segmented
from pipeline.resources import load_actors
from pipeline.segment import segment_article

# Pieces that drive the rules: quotation marks of every kind (balanced or not), cue verbs,
# names and organisations, colons, paragraph and line breaks, web furniture, odd characters.
PIECES = [
    "“",
    "”",
    '"',
    "‘",
    "’",
    "'",
    "«",
    "»",
    "„",
    ":",
    ",",
    ".",
    "?",
    "!",
    " — ",
    "-",
    ";",
    "(",
    ")",
    " said ",
    " says ",
    " added ",
    " warned ",
    " argued that ",
    " told the BBC ",
    " according to ",
    " said:",
    "Maria Okafor",
    "Dr Ian Hale",
    "the Fostering Alliance",
    "Department for Education",
    "she",
    "he",
    "They",
    "The minister",
    "council leaders",
    "This is wrong",
    "We welcome the plan",
    "children in care",
    "the review",
    "\n",
    "\n\n",
    "\r\n",
    "\n \n",
    "\t",
    "  ",
    "Share this article",
    "Comments (3)",
    "Photo: Getty Images",
    "By Sam Lee",
    "12 March 2023",
    "é",
    "ß",
    "\u200b",
    "😀",
    "\u00a0",
    "Ω",
]

OPEN = ["“", '"', "‘", "'", "«", "„", ""]
CLOSE = ["”", '"', "’", "'", "»", "“", ""]
WORDS = [
    "the plan",
    "will fail",
    "children",
    "we welcome",
    "this reform",
    "is long overdue",
    "councils",
    "cannot cope",
    "it is",
    "a disgrace",
    "families",
    "deserve better",
    "—",
    ",",
    "and",
    "not",
    "\n",
    "“",
    "”",
]
CUES = [
    ", said ",
    " said ",
    ", says ",
    " told the committee. ",
    ", added ",
    ". According to ",
    ": ",
    ", warned ",
    " argued that ",
]
SOURCES = [
    "Maria Okafor",
    "Dr Ian Hale, director of the Fostering Alliance",
    "the Department for Education",
    "she",
    "he",
    "a spokesperson for Kin First",
    "Ms Okafor",
    "The minister",
    "council leaders",
    "",
]

# quote-like sentences, shuffled and broken: opening and closing marks that may not match, cues, sources
sentence = st.builds(
    lambda o, words, c, cue, source, end: f"{o}{' '.join(words)}{c}{cue}{source}{end}",
    st.sampled_from(OPEN),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
    st.sampled_from(CLOSE),
    st.sampled_from(CUES),
    st.sampled_from(SOURCES),
    st.sampled_from([".", "", "?", ".”", "\n"]),
)
paragraph = st.lists(st.one_of(sentence, st.sampled_from(PIECES)), min_size=1, max_size=5).map(
    " ".join
)
article_text = st.lists(paragraph, min_size=1, max_size=6).flatmap(
    lambda paras: st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\n \n"]).map(
        lambda sep: sep.join(paras)
    )
)

text_strategy = st.one_of(
    article_text,
    st.lists(st.sampled_from(PIECES), min_size=0, max_size=60).map("".join),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200),
)


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def _check_segments(article: Article, segments) -> None:
    n = len(article.text)
    previous_end = 0
    for segment in segments:
        assert segment.article == article.id
        assert 0 <= segment.start <= segment.end <= n
        assert segment.start >= previous_end  # in order, not overlapping
        previous_end = segment.end
        for start, end in segment.sentences:
            assert segment.start <= start <= end <= segment.end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=text_strategy,
    title=st.one_of(st.none(), st.sampled_from(["", "Plan", "Council leaders split"])),
)
def test_segmenter_never_raises_and_offsets_are_inside(text, title):
    article = Article(id="a", text=text, title=title)
    segments = segment_article(article)
    _check_segments(article, segments)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(texts=st.lists(text_strategy, min_size=1, max_size=3))
def test_extractor_never_raises_and_quotes_are_slices(nlp, actors, texts):
    from pipeline.quotes import extract_quotes

    articles = [Article(id=f"a{i}", text=t) for i, t in enumerate(texts)]
    segmented = [Segmented(a, segment_article(a)) for a in articles]
    errors = []
    results = list(
        extract_quotes(
            segmented,
            nlp=nlp,
            actors=actors,
            on_error=lambda article, exc: errors.append((article.id, exc)),
        )
    )
    assert not errors, errors
    assert len(results) == len(articles)  # one list per article, in order
    for article, quotes in zip(articles, results):
        n = len(article.text)
        ids = [q.id for q in quotes]
        assert len(ids) == len(set(ids))
        for quote in quotes:
            assert quote.article == article.id
            assert 0 <= quote.start < quote.end <= n
            assert quote.text == article.text[quote.start : quote.end]
            if quote.speaker_start is not None:
                assert 0 <= quote.speaker_start < quote.speaker_end <= n


def test_extractor_finds_the_plain_case(nlp, actors):
    """Guards the property test against a vacuous extractor: the simplest quote is found."""
    from pipeline.quotes import extract_quotes

    text = "Plan criticised\n\n“This plan will fail children,” said Maria Okafor, chief executive of the Fostering Alliance.\n"
    article = Article(id="x", text=text)
    (quotes,) = list(
        extract_quotes([Segmented(article, segment_article(article))], nlp=nlp, actors=actors)
    )
    assert any(
        q.text.startswith("This plan will fail children")
        or "This plan will fail children" in q.text
        for q in quotes
    )
    assert all(q.text == text[q.start : q.end] for q in quotes)
