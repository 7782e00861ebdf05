"""Saved web pages -> Article with trafilatura (pages written for these tests)."""

from __future__ import annotations

import warnings

import pytest

from pipeline.htmltext import html_to_article
from pipeline.segment import segment_article

PAGE = """<!doctype html>
<html><head>
<meta charset="utf-8">
<title>Ferry timetable cut for winter | Island Gazette</title>
<meta property="og:site_name" content="Island Gazette">
<meta property="og:title" content="Ferry timetable cut for winter">
<meta name="author" content="Rosa Finch">
<meta property="article:published_time" content="2024-01-15T09:00:00Z">
<link rel="canonical" href="https://gazette.example/news/ferry-cut">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Ferry timetable cut for winter</h1>
<p>The ferry operator will run three sailings a day from next week, down from five, because of a shortage of crew.</p>
<p>“We know this is hard for islanders and we are recruiting as fast as we can,” said Ewan Gray, the operator’s managing director.</p>
<p>The island council said it would ask the transport minister to step in before the February half-term holiday.</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Harbour wall repaired</a></li><li><a href="/b">School roof fixed</a></li></ul></aside>
<footer><p>© Island Gazette. All rights reserved.</p></footer>
</body></html>
"""


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_main_text_and_metadata():
    article = html_to_article(PAGE.encode("utf-8"), id="ferry", source="pages/ferry.html")
    assert article.id == "ferry" and article.source == "pages/ferry.html"
    assert article.title == "Ferry timetable cut for winter"
    assert article.date == "2024-01-15"
    assert article.publisher == "Island Gazette"
    assert "“We know this is hard for islanders" in article.text
    assert "three sailings a day" in article.text
    assert "All rights reserved" not in article.text
    assert "Sport" not in article.text.split("\n")


def test_str_input_gives_same_text():
    assert html_to_article(PAGE, id="a").text == html_to_article(PAGE.encode("utf-8"), id="a").text


def test_paragraphs_survive_for_segmentation():
    article = html_to_article(PAGE, id="ferry")
    body = [article.text[s.start : s.end] for s in segment_article(article) if s.role == "body"]
    assert any(p.startswith("“We know this is hard") for p in body)
    assert any(p.startswith("The island council said") for p in body)
    # with a known title, the lede right under the headline is body, not a standfirst
    assert any(p.startswith("The ferry operator will run three sailings") for p in body)


def test_empty_page_raises_with_where():
    with pytest.raises(ValueError, match="pages/empty.html"):
        html_to_article(b"   ", id="empty", source="pages/empty.html")


def test_page_without_text_raises():
    with pytest.raises(ValueError, match="no main text"):
        html_to_article("<html><body><nav><a href='/'>Home</a></nav></body></html>", id="nav")


def test_non_utf8_page_is_decoded():
    page = (
        PAGE.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
        .replace("“", '"')
        .replace("”", '"')
    )
    page = page.replace("operator’s", "operator\u2019s")
    article = html_to_article(page.encode("cp1252"), id="cp")
    assert "operator’s managing director" in article.text
