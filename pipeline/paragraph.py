"""One parsed paragraph as the quote stage sees it (``Para``: its segment, spaCy doc, offset and
quotation-mark spans) and the character arithmetic over it: absolute spans, sentences, words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.quote_marks import QuoteSpan
from pipeline.records import Segment


@dataclass
class Para:
    seg: Segment
    doc: Any
    offset: int
    text: str
    qspans: list[QuoteSpan] = field(default_factory=list)


def abs_span(para: Para, token_or_span) -> tuple[int, int]:
    if hasattr(token_or_span, "idx"):
        return para.offset + token_or_span.idx, para.offset + token_or_span.idx + len(
            token_or_span.text
        )
    return para.offset + token_or_span.start_char, para.offset + token_or_span.end_char


def in_quote(para: Para, char: int) -> bool:
    return any(para.offset + q.start <= char < para.offset + q.end for q in para.qspans)


def span_of(tokens, para: Para) -> tuple[int, int] | None:
    tokens = sorted(tokens, key=lambda t: t.i)
    while (
        tokens
        and (tokens[0].is_punct or tokens[0].is_space or tokens[0].lower_ in ("that", "to"))
        and tokens[0].text not in '“‘"'
    ):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space) and tokens[-1].text not in '”’"':
        tokens = tokens[:-1]
    if not tokens:
        return None
    start = para.offset + tokens[0].idx
    end = para.offset + tokens[-1].idx + len(tokens[-1].text)
    while end > start and para.text[end - para.offset - 1] in '”’" ,;:':
        end -= 1
    while start < end and para.text[start - para.offset] in '“‘" ':
        start += 1
    return (start, end) if end > start else None


def count_words(text: str) -> int:
    return len(re.findall(r"[^\W_]+", text))


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", "”", '"', ":"))


def sentence_span(para: Para, char: int) -> tuple[int, int]:
    for sent in para.doc.sents:
        s, e = abs_span(para, sent)
        if s <= char < e:
            return s, e
    return para.offset, para.offset + len(para.text)
