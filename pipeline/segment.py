"""Segmentation: split an article into paragraphs and give each a role.

Roles (``pipeline.records.ROLES``): ``body``, ``heading`` (headline, standfirst, cross-heads,
layout headers), ``caption`` (picture captions and credits), ``boilerplate`` (navigation, share
widgets, adverts, job listings, newsletter boxes, related-article lists, footers) and ``comment``
(reader comments and replies).

The rules use general page cues only, so that they carry over to sites never seen before:
line length and sentence shape, repeated blocks, runs of short link-like lines, web-furniture
vocabulary (share, subscribe, privacy policy...), comment headers and commenter name + date lines.
The vocabulary is data: the page-furniture lists of the lexicon (``pipeline/assets/lexicon_en.yaml``
and a domain's ``lexicon.yaml``). Only ``body`` segments are searched for quotes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from pipeline.cue_words import DATELINE
from pipeline.lexicon import current as lexicon
from pipeline.lexicon import furniture_key, line_pattern
from pipeline.records import Article, Segment

# --- cues -------------------------------------------------------------------------------------

_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$|[”\"’]\s*$")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# a written date ("3 May 2023", "May 3, 2023", ISO, slashes); own_text reads meta lines with it
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\b,?\s*\d{{2,4}}?|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:am|pm)?\b|\b\d{1,2}\s*(?:am|pm)\b|\b\d+\s+(?:minutes?|hours?|days?)\s+ago\b",
    re.I,
)
# a caption's label ("Photo:", "Picture credit:", "(Photo ...") or a copyright sign; the
# lexicon's picture agencies are added in _compile_cues
_CAPTION_LABEL = (
    r"\b(?:photo(?:graph)?|picture|image|pic|credit|illustration)s?\s*(?:credit)?\s*:|\(photo\b|©"
)
# a breadcrumb trail: "News › National", "Home > News > 2024 > March"
_BREADCRUMB = re.compile(r"^[A-Z0-9][^›»>.!?]{0,39}(?:\s[›»>]\s[A-Z0-9][^›»>.!?]{0,39})+$")
# "Read the full statement here": a pointer to a document, anywhere in a line
_READ_MORE = (
    r"\bread (?:the|our|his|her|their|its)?\s*(?:full|latest)?\s*(?:response|report|story|article|"
    r"breakdown|analysis|statement)\b.*(?:here|below|:)\s*$"
)


def _credit(agencies: str) -> str:
    """A picture agency in the place a credit takes: ending the line after a full stop or a
    bracket (``The harbour at dawn. PA Media``, ``(Getty Images)``), next to a slash, bar or
    "via" (``Reuters/Jo Roe``, ``AFP via Getty``) or after a copyright sign. Elsewhere the name
    is the story's: ``(Reuters) -`` opens wire copy, ``..., she told AFP.`` ends a quote, and a
    body may name a group whose initials are an agency's."""
    return (
        rf"(?:[/|©]|\bvia)\s*(?:{agencies})\b|\b(?:{agencies})\s*(?:/|\bvia\b)"
        rf"|(?:^|[.(\[]\s*)(?:{agencies})\W*$"
    )


class _Cues(NamedTuple):
    """The line cues built from the lexicon's page-furniture lists (``pipeline.lexicon``)."""

    furniture: re.Pattern  # a whole line of navigation, widgets or footer
    furniture_anywhere: re.Pattern  # a widget or footer phrase anywhere in a line
    furniture_label: re.Pattern  # a furniture label and a colon opening a list of links
    caption: re.Pattern
    tail: re.Pattern  # after it the article body is over (footers, comments, related lists)
    comment_header: re.Pattern


def _cues() -> _Cues:
    """The line cues of the lexicon at work."""
    lex = lexicon()
    return _compile_cues(
        lex.furniture_lines,
        lex.article_end_lines,
        lex.comment_headers,
        lex.comment_count_nouns,
        lex.furniture_phrases,
        lex.photo_agencies,
    )


@functools.lru_cache(maxsize=16)  # one entry per domain's lists: compiled once per process
def _compile_cues(
    furniture: frozenset[str],
    article_end: frozenset[str],
    headers: frozenset[str],
    count_nouns: frozenset[str],
    phrases: frozenset[str],
    agencies: frozenset[str],
) -> _Cues:
    # "Related: A | B", "Read more: …": the label a line of links opens with
    labels = {e[:-3].rstrip() if e.endswith("...") else e for e in furniture}
    comments = (
        rf"\d+\s+(?:{line_pattern(count_nouns)})\b.*|(?:{line_pattern(headers)})(?:\s*\(\d+\))?"
    )
    return _Cues(
        furniture=re.compile(rf"^(?:{line_pattern(furniture)})\W*$", re.I),
        furniture_anywhere=re.compile(rf"\b(?:{line_pattern(phrases)})\b|{_READ_MORE}", re.I),
        furniture_label=re.compile(rf"^(?:{line_pattern(labels)})\s*:\s*\S", re.I),
        caption=re.compile(rf"{_CAPTION_LABEL}|{_credit(line_pattern(agencies))}", re.I),
        tail=re.compile(rf"^(?:{line_pattern(article_end)}|{comments})\W*$", re.I),
        comment_header=re.compile(rf"^(?:{comments})\W*$", re.I),
    )


_SALARY = re.compile(
    r"^[£$€]\s?\d[\d,.]*\s*(?:k|per annum|p\.?a\.?)?\s*(?:[-–to]+\s*[£$€]?\s?\d[\d,.]*\s*(?:k|per annum)?)?\W*$",
    re.I,
)
_BODY_BEFORE_COMMENTS = 60  # words of article body a comment thread follows
# a list item's marker (a bullet, "1.", "2)", "(a)"); quotes.py reads list items with it too
BULLET = re.compile(r"^\s*(?:[•·▪‣◦*\-–—]|\d{1,2}[.)]|\([a-z0-9]\))\s+", re.M)
_BYLINE = re.compile(r"^(?:by\s+[A-Z]|published\b|posted\b|updated\b|written by\b)", re.IGNORECASE)
_ONLY_PUNCT = re.compile(r"^[\W_]*$", re.UNICODE)


@dataclass
class _Block:
    start: int
    end: int
    text: str
    indent: int
    role: str = "body"


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the paragraphs of ``text``: non-empty lines, stripped.

    Hard-wrapped lines (a line that does not end a sentence followed, inside the same block,
    by one that starts in lower case) are joined back into one paragraph.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    prev_blank = True
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            start = pos + (len(body) - len(body.lstrip()))
            end = start + len(stripped)
            if spans and not prev_blank:
                p_start, p_end = spans[-1]
                prev_text = text[p_start:p_end]
                if (
                    not _TERMINAL.search(prev_text)
                    and stripped[:1].islower()
                    and not BULLET.match(stripped)
                ):
                    spans[-1] = (p_start, end)
                    pos += len(line)
                    prev_blank = False
                    continue
            spans.append((start, end))
            prev_blank = False
        else:
            prev_blank = True
        pos += len(line)
    return spans


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _is_short(text: str) -> bool:
    return _words(text) <= 14 and len(text) <= 110


def _ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text))


def is_page_furniture(line: str) -> bool:
    """A short line that is navigation, a section label or a date on any site (``Opinion``,
    ``Share this page``, ``Published 10 May 2023``), or one the domain lists."""
    line = line.strip()
    if not _is_short(line):
        return False
    return bool(
        _cues().furniture.match(line)
        or furniture_key(line) in lexicon().page_furniture
        or (DATE.search(line) and _words(line) <= 8)
        or (_BREADCRUMB.match(line) and _words(line) <= 10)
    )


_CLOCK_WORDS = re.compile(
    r"\b(?:at|on|ago|gmt|bst|utc|cet|est|pst|updated|edited|posted|published)\b|[^\w\s]+", re.I
)


def _names_someone(text: str) -> bool:
    """Whether a date or time line also holds a name: ``Bea May 2, 2022 at 9:30 pm`` does;
    a post's or an entry's time stamp alone (``4:09 PM · Feb 2, 2023``, ``14:32``) does not."""
    rest = _CLOCK_WORDS.sub(" ", _TIME.sub(" ", DATE.sub(" ", text)))
    return bool(re.search(r"[^\W\d_]{2,}", rest))


def is_time_stamp(line: str) -> bool:
    """A line that only dates something: a post's or a live entry's time stamp."""
    return bool(
        (DATE.search(line) or _TIME.search(line))
        and _words(line) <= 10
        and not _names_someone(line)
    )


def _looks_like_commenter(text: str) -> bool:
    """A commenter header: a short line with a name and a date or time (``Bea May 2, 2022 at 9:30 pm``)."""
    if _words(text) > 12 or not _names_someone(text):
        return False
    return bool(
        DATE.search(text)
        and (_TIME.search(text) or text.rstrip().endswith("#") or _words(text) <= 8)
    ) or bool(
        _TIME.search(text)
        and _words(text) <= 8
        and re.search(r"\b(?:at|on|ago|reply|says)\b", text, re.I)
    )


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


_STOP = set(
    "a an the of to in on for and or but with by at from as is are was were be been has have had it its this that "
    "these those their they he she we our will would can could should may might not no more most into over than "
    "about after before also new".split()
)


def _content_words(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _is_standfirst(paras: list[_Block], k: int, *, title_known: bool) -> bool:
    """Is the paragraph right under the headline a standfirst (summary) rather than the lede?

    Without page metadata the text is a pasted page, where a standfirst is the rule. With a known
    title (metadata, HTML) it needs evidence: no sentence punctuation, picture/heading/duplicate
    material right after it, or a next paragraph that restates it (the lede retells the summary).
    """
    p = paras[k]
    if DATELINE.match(p.text):
        return False  # "LONDON, May 2 (Reuters) - ...": wire copy's lede
    if not title_known or not _ends_sentence(p.text):
        return True
    nxt = next(
        (q for q in paras[k + 1 :] if q.role in ("body", "caption", "heading", "boilerplate")), None
    )
    if nxt is None:
        return False
    if nxt.role != "body":
        return True
    mine, theirs = _content_words(p.text), _content_words(nxt.text)
    return bool(mine) and len(mine & theirs) / len(mine) >= 0.4


def classify(text: str, spans: list[tuple[int, int]], *, title: str | None = None) -> list[str]:
    """The role of each paragraph span of ``text`` (see the module docstring)."""
    site_furniture = lexicon().page_furniture  # the domain's own, beside the general patterns
    cues = _cues()
    paras = []
    for start, end in spans:
        line_start = text.rfind("\n", 0, start) + 1
        paras.append(_Block(start, end, text[start:end], start - line_start))
    n = len(paras)
    if not n:
        return []
    counts: dict[str, int] = {}
    for p in paras:
        key = _norm(p.text)
        if key:
            counts[key] = counts.get(key, 0) + 1
    title_key = _norm(title) if title else None

    # 1. line-level cues
    for i, p in enumerate(paras):
        t = p.text
        short = _is_short(t)
        if _ONLY_PUNCT.match(t) or _SALARY.match(t):
            p.role = "boilerplate"
        elif short and (cues.furniture.match(t) or furniture_key(t) in site_furniture):
            p.role = "boilerplate"
        elif cues.furniture_anywhere.search(t) and _words(t) <= 40:
            p.role = "boilerplate"
        elif not short and cues.furniture_label.match(t) and _words(t) <= 40:
            p.role = "boilerplate"  # "Read more: A | B" (a short one is the heading rule's)
        elif cues.caption.search(t) and _words(t) <= 40:
            p.role = "caption"
        elif short and not _ends_sentence(t) and not BULLET.match(t):
            p.role = "heading"
        elif counts.get(_norm(t), 0) > 1 and _words(t) <= 40:
            p.role = "heading" if i < 12 else "boilerplate"
    # the headline: metadata title, or the first heading-like line with several words near the top
    head_idx = None
    for i, p in enumerate(paras[:8]):
        if title_key and _norm(p.text) == title_key:
            head_idx = i
            break
    if head_idx is None:
        for i, p in enumerate(paras[:6]):
            if (
                p.role in ("heading", "body")
                and _words(p.text) >= 4
                and not _ends_sentence(p.text.rstrip("?"))
                or (p.role == "heading" and _words(p.text) >= 4)
            ):
                head_idx = i
                break
    if head_idx is not None:
        for p in paras[:head_idx]:  # section labels and navigation above the headline
            if p.role == "body" and _is_short(p.text):
                p.role = "heading"
            elif p.role == "body":
                p.role = "boilerplate"
        paras[head_idx].role = "heading"
        # standfirst: the first full paragraph right after the headline (short meta lines skipped),
        # unless a byline/dateline comes first (then the body has begun)
        for k in range(head_idx + 1, min(n, head_idx + 4)):
            p = paras[k]
            if _BYLINE.match(p.text) or (_is_short(p.text) and DATE.search(p.text)):
                break
            if p.role == "body":
                if _words(p.text) <= 60 and _is_standfirst(
                    paras,
                    k,
                    title_known=title_key is not None and _norm(paras[head_idx].text) == title_key,
                ):
                    p.role = "heading"
                break
        # a name line directly above a caption is part of the picture block
    for i, p in enumerate(paras):
        if (
            p.role == "caption"
            and i > 0
            and paras[i - 1].role == "heading"
            and _words(paras[i - 1].text) <= 5
        ):
            if _norm(paras[i - 1].text) and _norm(paras[i - 1].text) in _norm(p.text):
                paras[i - 1].role = "caption"

    # 2. runs of short, unpunctuated lines are link lists / navigation, not cross-heads
    i = 0
    while i < n:
        j = i
        while j < n and paras[j].role in ("heading", "boilerplate") and _is_short(paras[j].text):
            j += 1
        if j - i >= 3:
            run = paras[i:j]
            # a title + a couple of headers at the very top stay headings
            if i > (head_idx or 0):
                for p in run:
                    p.role = "boilerplate"
        i = max(j, i + 1)

    # 3. the tail: after a footer / comment-section marker, nothing is body; but a "Related
    # articles" box in mid-article is followed by the story again (paragraphs of prose)
    tail_from = None
    for i, p in enumerate(paras):
        if (
            i > (head_idx or 0) + 2
            and _is_short(p.text)
            and (cues.tail.match(p.text) or cues.comment_header.match(p.text))
        ):
            box_end = _box_end(paras, i)
            if not cues.comment_header.match(p.text) and _story_resumes(paras, box_end, cues):
                for q in paras[i:box_end]:
                    q.role = "boilerplate"
                continue
            tail_from = i
            break
    if tail_from is not None:
        in_comments = False
        for p in paras[tail_from:]:
            if cues.comment_header.match(p.text) or _looks_like_commenter(p.text):
                in_comments = True
                p.role = "comment"
            elif in_comments and p.role != "boilerplate" and not cues.furniture.match(p.text):
                p.role = "comment"
            else:
                p.role = "boilerplate" if p.role != "caption" else "caption"
    # comment threads without a header: commenter lines followed by indented text, after the
    # article (a byline's date line above the first paragraph is not a commenter)
    body_words = 0
    for i, p in enumerate(paras):
        if (
            p.role in ("body", "heading")
            and _looks_like_commenter(p.text)
            and i > (head_idx or 0) + 2
            and body_words >= _BODY_BEFORE_COMMENTS
        ):
            p.role = "comment"
            for q in paras[i + 1 :]:
                if q.role in ("boilerplate", "caption"):
                    break
                q.role = "comment"
            break
        if p.role == "body":
            body_words += _words(p.text)
    return [p.role for p in paras]


def _box_end(paras: list, i: int) -> int:
    """The end of a link box that starts at paragraph ``i``: its run of short lines."""
    j = i + 1
    while j < len(paras) and (_is_short(paras[j].text) or _words(paras[j].text) <= 14):
        j += 1
    return j


def _story_resumes(paras: list, j: int, cues: _Cues) -> bool:
    """Two paragraphs of prose (not commenters) right after a box: the article goes on."""
    prose = 0
    for p in paras[j : j + 3]:
        if _looks_like_commenter(p.text) or cues.comment_header.match(p.text):
            break
        if _words(p.text) >= 20 and _TERMINAL.search(p.text):
            prose += 1
    return prose >= 2


def segment_article(article: Article) -> list[Segment]:
    """Paragraph segments of ``article.text`` with roles, in text order (index = position)."""
    text = article.text
    spans = split_paragraphs(text)
    roles = classify(text, spans, title=article.title)
    return [
        Segment(article=article.id, start=s, end=e, role=r, index=i)
        for i, ((s, e), r) in enumerate(zip(spans, roles))
    ]
