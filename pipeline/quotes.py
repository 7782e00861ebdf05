"""Quote extraction: direct, indirect, mixed and block quotes with speaker and organisation.

``extract_quotes`` parses the body and heading paragraphs of each article with ``nlp.pipe`` (one
stream over all articles, so memory stays flat) and yields, per input article and in input
order, its quotes as ``Quote`` records (ids ``q01``... in order of start, stances empty, with
the offsets of their paragraph and sentences for the stance stage).

Patterns (each has unit tests in tests/pipeline/test_quotes.py):

* direct: words in quotation marks attributed by a cue in the same sentence (``“A,” she said``,
  ``He says: “A”``, ``said Name``), by a verbless colon (``Name: “A”``), by an earlier
  attributed quote in the paragraph (``“A,” he said. “B.”``), or carried over from the
  previous paragraph (a statement continuing over several paragraphs);
* indirect: the clause reported after a cue verb (``X argues that ...``; ``..., he says``),
  the object of an evaluative cue (``X welcomed the plan``), ``according to X``, participial
  cues (``..., saying ...``, ``calling it ...``);
* mixed: indirect content that carries a quoted fragment (span = the whole content);
* block: a ``Name, title, organisation`` line followed by first-person paragraphs.

Cues and the spans of what they report are found by ``pipeline.cues`` (its word lists are in
``pipeline.cue_words``); this module pairs them with quotation marks and layout, per paragraph
and across paragraphs, and makes the records.

Sources must be identifiable (a named person, organisation or document; pronouns, surnames, role
nouns and nominals are resolved by ``pipeline.speakers``); unnamed groups (``campaigners say``),
findings reported as data (``a survey found``) and negated cues (``did not say``) give no quote.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from typing import Callable, Collection, Iterable, Iterator

from pipeline.clauses import subject_of
from pipeline.cue_words import SUBJECT_DEPS
from pipeline.cues import Cue, find_cues
from pipeline.lexicon import current as lexicon
from pipeline.own_text import (
    FIELD_SEPARATOR,
    interview,
    is_byline,
    is_meta_line,
    is_question,
    is_section_heading,
    page_source,
    signed_letters,
    states_a_view,
    view_paragraphs,
)
from pipeline.paragraph import (
    Para,
    abs_span,
    count_words,
    ends_sentence,
    sentence_span,
    span_of,
)
from pipeline.quote_marks import QuoteSpan, find_quote_spans
from pipeline.records import Article, Quote, Segmented
from pipeline.resources import ActorTable
from pipeline.segment import BULLET, DATE, is_time_stamp
from pipeline.speakers import (
    LAYOUT_LABEL,
    LAYOUT_LINE,
    PERSON_PRONOUNS,
    Registry,
    Source,
    bare_word,
    build_article_registry,
    is_org_like,
    looks_like_person,
    peer_name,
    resolve_subject,
    role_not_body,
    section_heading_body,
    strip_honorifics,
)

log = logging.getLogger(__name__)


@dataclass
class _Raw:
    start: int
    end: int
    kind: str
    source: Source
    mention: tuple[int, int] | None
    cue: str | None
    context: tuple[int, int]
    paragraph: int
    holds_nested: bool = False  # a source's own paragraph: quotations inside it stay quotes


# --- per article ------------------------------------------------------------------------------


def article_quotes(article: Article, paras: list[Para], actors: ActorTable) -> list[Quote]:
    for para in paras:
        para.qspans = find_quote_spans(para.text)
    registry = build_article_registry(article, paras, actors)
    raws: list[_Raw] = []
    carry: tuple[Source, tuple[int, int] | None, int] | None = (
        None  # current speaker, its mention, paragraph index
    )
    block: tuple[Source, tuple[int, int]] | None = None
    byline = False  # the block's header is a byline ("By Jo Doe, chief executive")
    lead_block = False  # the block's header is a lead-in ("Its statement reads:")
    reports: set[int] = set()  # paragraphs under a byline that report other sources
    authored: set[int] = set()  # paragraphs under a byline that are its author's statement
    block_context: tuple[int, int] = (0, 0)
    listing: tuple[Cue, tuple[int, int]] | None = None  # "The review also recommends:"
    account = None  # a post's "Jo Doe @jodoe" header line above its text
    previous_end = 0
    for para in paras:
        gap = article.text[previous_end : para.offset].split("\n")
        previous_end = para.offset + len(para.text)
        if any(is_section_heading(line) for line in gap):
            block = None  # a numbered section heading set aside between them ends a statement
        if _pull_quote(article.text, para.text):
            continue  # a pull quote repeats words quoted in the body (codebook §1: layout)
        if listing is not None and BULLET.match(para.text):
            raws.extend(_bullet_quotes(article.text, para, *listing))
            continue
        listing = None
        # an embedded post, or a transcript's "JO DOE: ..." turn: the named person's own words
        verbatim = (
            _social_post(para, registry, account) or _labelled_turn(para, registry)
            if para.seg.role == "body"
            else None
        )
        account = None
        if verbatim is not None:
            raws.append(verbatim)
            carry = (verbatim.source, verbatim.mention, verbatim.context)
            block = None
            continue
        heading = para.seg.role == "heading"
        if heading and "\n" not in para.text:
            account = _post_account(para.text.strip(), para.offset, registry)
            if account is not None:
                continue
        header = _layout_header(para, registry) if heading or _colon_header(para) else None
        if heading and header is None and block is not None and is_meta_line(para.text):
            if block_context[1] <= para.offset and not article.text[
                block_context[1] : para.offset
            ].strip("\n "):
                byline = True  # "Jo Doe, chief executive" over a date line: the page's byline
            continue  # the date line under a byline: the byline still heads what follows
        if heading or header is not None:
            block = header
            lead_block = False
            # "By Jo Doe", or a header that dates the page ("Jo Doe | Chief Executive | 22 June")
            byline = header is not None and (is_byline(para.text) or bool(DATE.search(para.text)))
            block_context = (para.offset, para.offset + len(para.text))
            carry = None
            continue
        if para.text.rstrip().endswith(":"):
            block = None  # a lead-in to something else ends the statement under a header
        if is_section_heading(para.text):
            block = None  # "4. Responses to the consultation questions": a new section
            continue
        para_raws: list[_Raw] = []
        cues = find_cues(para, registry)
        valid = [c for c in cues if not c.blocked]
        listing = _list_lead(para, valid)
        if listing is not None and BULLET.search(para.text.split("\n", 1)[-1]):
            raws.extend(_bullet_quotes(article.text, para, *listing))  # bullets in one block
        if lead_block and block is not None and para.text.lstrip()[:1] in "“‘\"'":
            block = None  # "Jo Doe said:" over a quotation: the quotation is direct (carry)
        if block is not None:
            others = [
                c
                for c in valid
                if c.source is not None
                and not _inside_first_person(c)
                and (
                    c.source.speaker
                    or (byline and c.source.organisation != block[0].organisation)
                    # "A Department for Education spokesperson said ...": narration again
                    or (
                        c.mention is not None
                        and c.mention[0] - para.offset <= 40
                        and c.source.organisation != block[0].organisation
                        and not para.text.rstrip().endswith("?")  # an interviewer's question
                    )
                )
                and c.source != block[0]
                and not _first_person_subject(c)
            ]
            if is_question(para.text):
                continue  # the interviewer's question between a layout speaker's answers
            # under a byline, as on any own page (codebook §1), only the paragraphs that state
            # the author's view are theirs; reports of other people and bodies, and description,
            # are not, and the next paragraph may be theirs again
            skip = byline and (bool(others) or not states_a_view(para.text))
            if byline and others:
                reports.add(para.offset)
            if lead_block and (others or not states_a_view(para.text)):
                block = None  # a lead-in's statement ends where narration resumes
            elif not others and not skip:  # a statement under a "Name, title, organisation" header
                source, mention = block
                if byline:
                    authored.add(para.offset)
                raws.append(
                    _Raw(
                        para.offset,
                        para.offset + len(para.text),
                        "block",
                        source,
                        mention,
                        None,
                        block_context,
                        para.seg.index,
                    )
                )
                carry = (source, mention, block_context)
                continue
            if not byline:
                block = None
        consumed: set[int] = set()
        # 1. cues with content: indirect or mixed (or direct when the content is the quotation)
        for cue in valid:
            if cue.content is None:
                continue
            cs, ce = cue.content
            context = sentence_span(para, para.offset + cue.token.idx)
            for (
                q
            ) in para.qspans:  # a quotation that carries straight on from the content belongs to it
                qs0 = para.offset + q.start
                if (
                    ce <= qs0 <= ce + 3
                    and not article.text[ce:qs0].strip(' “‘"')
                    and qs0 < context[1]
                    and q.opened
                ):
                    ce = min(para.offset + q.end, context[1])
            inside = [
                i
                for i, q in enumerate(para.qspans)
                if para.offset + q.start < ce and para.offset + q.end > cs
            ]
            if not inside:
                para_raws.append(
                    _Raw(
                        cs,
                        ce,
                        "indirect",
                        cue.source,
                        cue.mention,
                        cue.text,
                        context,
                        para.seg.index,
                    )
                )
                continue
            unquoted_words = count_words(article.text[cs:ce]) - sum(
                count_words(
                    article.text[
                        max(cs, para.offset + para.qspans[i].start) : min(
                            ce, para.offset + para.qspans[i].end
                        )
                    ]
                )
                for i in inside
            )
            if unquoted_words <= 0:
                continue  # the content is the quotation itself: handled as direct below
            start = min(
                [
                    cs,
                    *(
                        para.offset + para.qspans[i].start
                        for i in inside
                        if para.offset + para.qspans[i].start >= cs - 2
                    ),
                ]
            )
            end = max([ce, *(min(para.offset + para.qspans[i].end, context[1]) for i in inside)])
            para_raws.append(
                _Raw(
                    start, end, "mixed", cue.source, cue.mention, cue.text, context, para.seg.index
                )
            )
            consumed.update(inside)
        # 2. quotation marks
        attributed: list[tuple[int, _Raw]] = []
        pending: list[int] = []
        for i, q in enumerate(para.qspans):
            if i in consumed:
                continue
            qs, qe = para.offset + q.start, para.offset + q.end
            best = _cue_for_quote(para, q, cues)
            if best is not None and best.blocked:
                continue  # "campaigners say “...”": not identifiable
            if best is not None:
                if count_words(article.text[qs:qe]) <= 3 and not _within_cue_reach(best, para, q):
                    continue  # a scare quote in an attributed sentence
                context = sentence_span(para, para.offset + best.token.idx)
                raw = _Raw(
                    qs, qe, "direct", best.source, best.mention, best.text, context, para.seg.index
                )
                para_raws.append(raw)
                attributed.append((i, raw))
                continue
            colon = _colon_source(para, q, registry) or _dash_signature(para, q, registry)
            if colon is not None:
                source, mention = colon
                raw = _Raw(
                    qs,
                    qe,
                    "direct",
                    source,
                    mention,
                    None,
                    sentence_span(para, max(qs - 2, para.offset)),
                    para.seg.index,
                )
                para_raws.append(raw)
                attributed.append((i, raw))
                continue
            pending.append(i)
        for i in pending:  # interrupted and continuing quotations
            q = para.qspans[i]
            qs, qe = para.offset + q.start, para.offset + q.end
            if count_words(article.text[qs:qe]) <= 3:
                continue
            near = min(attributed, key=lambda a: (abs(a[0] - i), a[0] > i), default=None)
            before = [r for r in para_raws if r.end <= qs and r.source is not None]
            if near is None and before and _starts_sentence(article.text, qs):
                # "X said she had waited years. “I'm grateful…”": the sentence before speaks
                r = max(before, key=lambda r: r.end)
                para_raws.append(
                    _Raw(qs, qe, "direct", r.source, r.mention, None, r.context, para.seg.index)
                )
                continue
            if near is not None:
                r = near[1]
                para_raws.append(
                    _Raw(qs, qe, "direct", r.source, r.mention, None, r.context, para.seg.index)
                )
                continue
            starts_para = q.start <= 1 or not q.opened
            if carry is not None and starts_para and not [c for c in cues if c.blocked]:
                source, mention, context = carry
                para_raws.append(
                    _Raw(
                        qs, qe, "direct", source, mention, None, context or (qs, qe), para.seg.index
                    )
                )
        # 3. a body's plans continued with a pronoun subject ("It will also ...")
        recent = (
            max(para_raws, key=lambda r: r.end).source
            if para_raws
            else (carry[0] if carry else None)
        )
        para_raws.extend(_plan_continuations(para, registry, cues, recent))
        raws.extend(para_raws)
        # the current speaker for the next paragraph
        lead_in = _lead_in_cue(para, valid)
        statement = _statement_lead(para, registry) if lead_in is None else None
        if lead_in is not None:  # "Its founder, Jo Doe, said:" introduces the next paragraph
            carry = (
                lead_in.source,
                lead_in.mention,
                sentence_span(para, para.offset + lead_in.token.idx),
            )
        if lead_in is not None or statement is not None:
            # the paragraphs below, outside quotation marks, are the source's statement
            source, mention = statement or (lead_in.source, lead_in.mention)
            block, byline, lead_block = (source, mention), False, True
            block_context = (para.offset, para.offset + len(para.text))
            if statement is not None:
                carry = (source, mention, block_context)
        elif para_raws:
            last = max(para_raws, key=lambda r: r.end)
            carry = (last.source, last.mention, last.context)
        else:
            subject = _narration_subject(para, registry, valid)
            carry = subject
    raws = _with_own_text(article, paras, registry, raws, reports, authored)
    return _to_records(article, raws, paras)


_FIRST_PERSON_MENTIONS = {"we", "i", "us", "our", "my", "me"}
_OUR_ROLE = re.compile(
    r"\b[Oo]ur\s+(?:[a-z][\w’'\-]*\s+){0,3}[a-z][\w’'\-]*,?\s+(?:(?:Dr|Prof|Professor|Cllr|Councillor|Sir|Dame|Lord|Lady)\.?\s+)?$"
)


def _with_own_text(
    article: Article,
    paras: list[Para],
    registry: Registry,
    raws: list[_Raw],
    reports: Collection[int] = (),
    authored: Collection[int] = (),
) -> list[_Raw]:
    """On a source's own page, its view-stating paragraphs become ``block`` quotes of the page's
    source (codebook §1), replacing the quotes found inside them that are its own (``we
    welcome…``); other people's quotations inside them stay, nested, their reported speech
    does not."""
    body = [(p.offset, p.offset + len(p.text), p) for p in paras if p.seg.role == "body"]
    by_start = {p.offset: p for p in paras}
    text = article.text
    layout = _layout_lines(text, paras)
    letters = signed_letters(text, layout, registry)
    qa = interview(text, layout, registry) if not letters else None
    page = None
    if letters:  # a letters page or an open letter: each letter is its signatory's
        sections = [(letter.source, list(letter.paragraphs)) for letter in letters]
    elif qa is not None:  # an interview: the answers are the interviewee's (or a label's)
        layout_blocks = [(r.start, r.end) for r in raws if r.kind == "block"]
        sections = [
            (
                source,
                [
                    (s, e)
                    for s, e in answers
                    if not any(bs < e and s < be for bs, be in layout_blocks)  # a header named them
                ],
            )
            for source, answers in qa.sections
        ]
    else:
        page = page_source(
            article,
            [(s, e) for s, e, _ in body],
            registry,
            # a byline's statement is the page's own voice, not somebody's quotation in it
            [(r.start, r.end) for r in raws if r.start not in authored],
        )
        if page is None:
            return raws
        # a paragraph its byline's author only reports others in is not the page's either
        sections = [(page, [(s, e) for s, e in view_paragraphs(text, layout) if s not in reports])]
    kept = list(raws)
    for source, paragraphs in sections:
        # an interview's answers are spoken (codebook §1: the answerer's statements, each
        # paragraph), not a page's own text that may only describe: no view word needed
        kept = _own_paragraphs(
            text, kept, source, paragraphs, by_start, spoken=qa.spoken if qa else frozenset()
        )
    if page is not None and page.organisation:
        for r in kept:
            if r.source is None or not r.source.speaker or r.source.organisation is not None:
                continue
            if (
                # the page's author under a byline that named no body
                (r.kind == "block" and r.source.speaker == page.speaker)
                # "Our trustee, Jo Doe, reminded us that ...": the writer's own body
                or (r.mention and _OUR_ROLE.search(text[max(0, r.mention[0] - 60) : r.mention[0]]))
                # on an organisation's own page, its people speak for it unless the page says
                # otherwise (a carer quoted in a release does not)
                or (page.how == "page" and not registry.is_private(r.source.speaker))
            ):
                r.source = Source(r.source.speaker, page.organisation, r.source.kind)
    return kept


def _layout_lines(text: str, paras: list[Para]) -> list[tuple[int, int, str]]:
    """The parsed paragraphs with their roles, and every other non-blank line of the page
    between them (signatures and headlines the segmenter set aside) as ``other``."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    for p in sorted(paras, key=lambda p: p.offset):
        out.extend(_lines_between(text, pos, p.offset))
        out.append((p.offset, p.offset + len(p.text), p.seg.role))
        pos = p.offset + len(p.text)
    out.extend(_lines_between(text, pos, len(text)))
    return out


def _lines_between(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    out = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        if m.group(0).strip():
            out.append((start + m.start(), start + m.end(), "other"))
    return out


def _para_at(by_start: dict, start: int):
    """The paragraph that starts at ``start`` or, for a span cut after a speaker's label,
    holds it."""
    if start in by_start:
        return by_start[start]
    return by_start[max(o for o in by_start if o <= start)]


def _own_paragraphs(
    text, raws, source, paragraphs, by_start, *, spoken: Collection[int] = frozenset()
) -> list[_Raw]:
    own = Source(
        source.speaker, source.organisation, "person" if source.speaker else "organisation"
    )

    def is_own(r: _Raw) -> bool:
        if r.kind == "direct" or r.source is None:
            return False
        mention = text[r.mention[0] : r.mention[1]] if r.mention else ""
        if mention[:1].isupper() and mention.lower() not in _FIRST_PERSON_MENTIONS and r.cue:
            return False  # "Family Circle Carers' Trust welcomes X": a report of the body by name
        return mention.lower() in _FIRST_PERSON_MENTIONS or r.source == own

    kept = list(raws)
    for s, e in paragraphs:
        bullet = BULLET.match(text[s:e]) is not None  # chosen under the page's own lead-in
        if not bullet and (
            len(text[s:e].split()) < 6 or not (s in spoken or states_a_view(text[s:e]))
        ):
            continue
        inside = [r for r in kept if s <= r.start and r.end <= e]
        others = [r for r in inside if not is_own(r)]
        if sum(r.end - r.start for r in others) >= 0.5 * (e - s):
            continue  # somebody else's quotation, not the page's voice
        para = _para_at(by_start, s)
        sentences = [abs_span(para, sent) for sent in para.doc.sents]
        if others and all(
            _meets_a_source(text[ss:se])
            or any(r.start < se and ss < r.end or _names_source(text[ss:se], r) for r in others)
            for ss, se in sentences
        ):
            # every sentence reports somebody else ("he told us that …") or names who does
            # ("Jo Doe put it more bluntly. “…,” she said."): a report
            continue
        # a report of somebody else inside it stays on its own only in quotation marks with its
        # own attribution (codebook §1, nested quotes); reported speech stays inside the block
        kept = [r for r in kept if r not in inside or (r in others and r.kind != "indirect")]
        start = s + BULLET.match(text[s:e]).end() if bullet else s  # the item, not its marker
        kept.append(
            _Raw(
                start,
                e,
                "block",
                own,
                source.mention,
                None,
                (s, e),
                para.seg.index,
                True,
            )
        )
    return kept


def _lead_in_cue(para: Para, cues: list[Cue]) -> Cue | None:
    """The cue of a paragraph that ends ``..., said:`` with nothing after it: the source of the
    quotation paragraph below."""
    text = para.text.rstrip()
    if not text.endswith(":"):
        return None
    last = [c for c in cues if c.source is not None and c.content is None]
    if not last:
        return None
    cue = max(last, key=lambda c: c.token.i)
    tail = text[cue.token.idx + len(cue.token.text) :]
    return cue if len(tail.split()) <= 4 else None  # "said:", "said in a statement:"


def _statement_lead(para: Para, registry: Registry) -> tuple[Source, tuple[int, int]] | None:
    """A paragraph ending in a colon that introduces a statement printed below it, and its
    source: ``Its statement reads:`` (the noun's owner), ``The X Alliance issued this statement
    on the day:`` (the subject)."""
    if not para.text.rstrip().endswith(":"):
        return None
    sent = list(para.doc.sents)[-1]
    nouns = lexicon().statement_nouns
    subject = next((c for c in sent.root.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is None or not any(t.lemma_.lower() in nouns for t in sent if t.pos_ == "NOUN"):
        return None
    if subject.lemma_.lower() in nouns:  # the statement itself is the subject: its owner speaks
        subject = next((c for c in subject.children if c.dep_ == "poss"), None)
        if subject is None:
            return None
    source, mention, blocked = resolve_subject(subject, para.offset, registry)
    if source is None or blocked:
        return None
    return source, mention


def _meets_a_source(sentence: str) -> bool:
    """``On Tuesday I asked the young people what they made of it.``, ``I also spoke to Jo Doe,
    who ...``: the writer telling how they met the people reported next."""
    return _meeting_pattern(lexicon().meeting_verbs).match(sentence) is not None


@functools.lru_cache(maxsize=8)
def _meeting_pattern(verbs: frozenset[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(v) for v in sorted(verbs))
    return re.compile(rf"[^.?!]{{0,40}}?\b(?:I|[Ww]e)\s+(?:also\s+|then\s+)?(?:{alternatives})\b")


def _names_source(sentence: str, raw: _Raw) -> bool:
    """The sentence names the quote's person by surname (``Jo Doe put it more bluntly.``)."""
    name = raw.source.speaker if raw.source else None
    if not name or re.match(r"\s*(?:I|We)\b", sentence):
        return False  # "I will call her Kayla.": the writer speaking
    return re.search(rf"\b{re.escape(name.split()[-1])}\b", sentence) is not None


def _cue_for_quote(para: Para, q: QuoteSpan, cues: list[Cue]) -> Cue | None:
    """The cue attributing a quotation: in a sentence the quotation overlaps, nearest to it."""
    qs, qe = para.offset + q.start, para.offset + q.end
    sents = [abs_span(para, s) for s in para.doc.sents]
    touching = [(s, e) for s, e in sents if s < qe + 2 and e > qs - 2]
    if not touching:
        return None
    lo, hi = min(s for s, _ in touching), max(e for _, e in touching)
    # a short attribution sentence right after the quotation ("“A.” That is what she said.")
    candidates = []
    for cue in cues:
        c = para.offset + cue.token.idx
        if lo <= c < hi and not (qs <= c < qe):
            # a cue whose content is another (unquoted) clause far away is not this quote's
            distance = qs - c if c < qs else c - qe
            candidates.append((distance, cue))
    if not candidates:
        return None
    candidates.sort(key=lambda x: x[0])
    return candidates[0][1]


def _within_cue_reach(cue: Cue, para: Para, q: QuoteSpan) -> bool:
    """A short quotation counts when it is the cue's complement (``calling it a “...”``)."""
    qs = para.offset + q.start
    sub = list(cue.token.subtree)
    lo = para.offset + sub[0].idx
    hi = para.offset + sub[-1].idx + len(sub[-1].text)
    subj = subject_of(cue.token)
    if subj is not None:
        s_sub = list(subj.subtree)
        if para.offset + s_sub[0].idx <= qs < para.offset + s_sub[-1].idx + len(s_sub[-1].text):
            return False
    return lo <= qs < hi and (cue.content is None or cue.content[0] <= qs < cue.content[1] or True)


_PULL_QUOTE_CREDIT = re.compile(r"(?<=[”\"’'])\s*[-–—]\s*[A-Z][^“”\"‘’\n]{0,100}$")


def _pull_quote(text: str, paragraph: str) -> bool:
    """A paragraph that is only a quotation whose words stand elsewhere in the article, perhaps
    with its attribution after a dash (``‘…’ - Jo Doe, Foster Futures``)."""
    stripped = _PULL_QUOTE_CREDIT.sub("", paragraph.strip())
    if stripped[:1] not in "“\"‘'" or stripped.rstrip(".")[-1:] not in "”\"’'":
        return False
    inner = stripped.strip("“”\"‘’' .").strip()
    return count_words(inner) >= 4 and text.lower().count(inner.lower()) >= 2


def _starts_sentence(text: str, quote_start: int) -> bool:
    """A quotation that opens a sentence: only its mark after the previous full stop."""
    before = text[: max(0, quote_start - 1)].rstrip()
    return (
        before.endswith((".", "!", "?", "”", '"'))
        and text[quote_start - 1 : quote_start] in "“\"‘'"
    )


def _named_line(
    para: Para, lead_start: int, lead: str, registry: Registry
) -> tuple[Source, tuple[int, int]] | None:
    """``• Jo Doe, Harbour Carers Trust:`` (a bullet or a line of its own): the person the line
    opens with, whatever the tagger made of the name, and the body after the comma."""
    opener = re.match(r"\s*(?:[•·▪\-–—*]\s*)?", lead)
    name_part, _, rest = lead[opener.end() :].partition(",")
    name = strip_honorifics(name_part.strip())
    if not rest.strip() or not (looks_like_person(name) or peer_name(name)):
        return None
    start = para.offset + lead_start + opener.end() + name_part.index(name_part.strip())
    mention = (start, start + len(name_part.strip()))
    body = rest.split(",")[-1].strip()
    is_body = is_org_like(body, registry, strict=True) and not role_not_body(body)
    org = registry.org_name(body) if is_body else None
    source = registry.resolve_name(name)
    if source is None:
        source = Source(name, org, "person")
        registry.note_source(source, *mention)
    elif source.organisation is None and org:
        source = Source(source.speaker, org, source.kind)
    return source, mention


def _colon_source(
    para: Para, q: QuoteSpan, registry: Registry
) -> tuple[Source, tuple[int, int]] | None:
    """``Name: “...”`` (verbless): a name or resolvable mention right before a colon."""
    head_text = para.text[: max(0, q.start - 1)].rstrip()
    if not head_text.endswith(":"):
        return None
    lead = head_text[:-1]
    cut = max(lead.rfind(". "), lead.rfind("” "))
    lead_start = cut + 2 if cut >= 0 else 0
    lead = lead[lead_start:]
    if count_words(lead) > 8 and not LAYOUT_LINE.match(lead):
        return None  # long leads only as "Name, role, organisation:"
    named = _named_line(para, lead_start, lead, registry)
    if named is not None:
        return named
    for ent in para.doc.ents:
        if (
            ent.label_ in ("PERSON", "ORG")
            and ent.start_char >= lead_start
            and ent.end_char <= len(head_text)
        ):
            if ent.label_ == "PERSON":
                src = registry.resolve_name(ent.text)
            else:
                org = registry.org_name(ent.text)
                src = Source(None, org, "organisation") if org else None
            if src is not None:
                return src, abs_span(para, ent)
    return None


_DASH_SIGNATURE = re.compile(r"\s*[.,]?\s*[–—]\s*(?P<name>[^,\n–—]{3,60}?)\s*(?:,[^\n]{1,120})?$")


def _dash_signature(
    para: Para, q: QuoteSpan, registry: Registry
) -> tuple[Source, tuple[int, int]] | None:
    """``‘...’ – Jo Doe, co-founder``: a paragraph that is one quotation signed after a dash; the
    person speaks for the round-up section's body when the signature names none."""
    if not q.closed or q.start > 1 or para.text[: max(0, q.start - 1)].strip():
        return None
    m = _DASH_SIGNATURE.match(para.text, q.end + 1)
    if m is None:
        return None
    name = strip_honorifics(m.group("name").strip())
    if not (looks_like_person(name) or peer_name(name)):
        return None
    start = para.offset + m.start("name")
    mention = (start, start + len(m.group("name").strip()))
    source = registry.resolve_name(name) or Source(name, None, "person")
    if source.organisation is None:
        body = section_heading_body(registry, para.offset)
        source = Source(source.speaker, body, source.kind)
    registry.note_source(source, *mention)
    return source, mention


def _inside_first_person(cue: Cue) -> bool:
    """``we are concerned that the plan says nothing``: a cue inside a first-person statement is
    part of the writer's words, not a report of somebody else."""
    return any(
        c.dep_ in SUBJECT_DEPS and c.lower_ in ("i", "we")
        for ancestor in cue.token.ancestors
        for c in ancestor.children
    )


def _first_person_subject(cue: Cue) -> bool:
    subject = subject_of(cue.token)
    return subject is not None and subject.lower_ in ("i", "we")


def _list_lead(para: Para, cues: list[Cue]) -> tuple[Cue, tuple[int, int]] | None:
    """A paragraph whose cue's content is the list below it (``The review also recommends:``,
    ``X is calling for:``): the cue and the lead-in's sentence."""
    first_line = para.text.split("\n", 1)[0].rstrip()
    if not first_line.endswith(":"):
        return None
    end = para.offset + len(first_line)
    for cue in cues:
        if cue.source is None or cue.content is not None and cue.content[1] < end - 2:
            continue
        if para.offset + cue.token.idx < end:
            return cue, (para.offset, end)
    return None


def _bullet_quotes(text: str, para: Para, cue: Cue, lead: tuple[int, int]) -> list[_Raw]:
    """Each bullet under a list lead-in: an indirect quote of the lead-in's source."""
    out = []
    for m in re.finditer(r"[^\n]+", para.text):
        line = m.group(0)
        marker = BULLET.match(line)
        if not marker:
            continue
        start = para.offset + m.start() + marker.end()
        end = para.offset + m.end()
        while end > start and text[end - 1] in " ;.,":
            end -= 1
        if end - start >= 3:
            out.append(
                _Raw(
                    start, end, "indirect", cue.source, cue.mention, cue.text, lead, para.seg.index
                )
            )
    return out


# an embedded social-media post's header line: the account's name and handle
_POST_HEADER = re.compile(r"^(?P<name>[^\n@()]{3,60}?)\s*\(?@\w{1,30}\)?\s*$")


def _post_account(line: str, offset: int, registry: Registry):
    """(source, mention) when ``line`` (at ``offset``) is a post's ``Jo Doe @jodoe`` header
    naming a person of the article, else None."""
    m = _POST_HEADER.match(line)
    if m is None:
        return None
    name = m.group("name").strip(" ·|–—-")
    if not looks_like_person(strip_honorifics(name)):
        return None
    source = registry.resolve_name(name)
    if source is None:
        return None
    begin = offset + line.index(name)
    return source, (begin, begin + len(name))


def _social_post(para: Para, registry: Registry, account=None) -> _Raw | None:
    """An embedded post: its text (under the ``Jo Doe @jodoe`` line, in this paragraph or as
    ``account`` from the line above; a time stamp line under it left out) is a direct quote of
    the account's person."""
    lines = para.text.split("\n")
    skip = 0
    if account is None:
        account = _post_account(lines[0], para.offset, registry) if len(lines) > 1 else None
        skip = 1
    if account is None:
        return None
    body = lines[skip:]
    while body and (not body[-1].strip() or is_meta_line(body[-1]) or is_time_stamp(body[-1])):
        body.pop()  # "4:09 PM · Feb 2, 2023"
    if not body or count_words(" ".join(body)) < 3:
        return None
    start = para.offset + sum(len(x) + 1 for x in lines[:skip])
    text = "\n".join(body)
    lead = len(text) - len(text.lstrip())
    context = (para.offset, para.offset + len(para.text))
    return _Raw(
        start + lead,
        start + len(text.rstrip()),
        "direct",
        account[0],
        account[1],
        None,
        context,
        para.seg.index,
    )


# a transcript's speaker label: a name of two to four words (or in capitals) and a colon
_TURN_LABEL = re.compile(r"^(?P<label>[A-Z][\w.’'\-]*(?:\s+[A-Z][\w.’'\-]*){1,3}):\s+(?=\S)")


def _labelled_turn(para: Para, registry: Registry) -> _Raw | None:
    """A transcript's turn, ``Jo Doe: ...`` or ``JO DOE: ...``, by a person the article names: a
    ``block`` of that person's words (label left out). Not the interviewer's turns (questions,
    or a person presented as presenter or reporter)."""
    m = _TURN_LABEL.match(para.text)
    if m is None:
        return None
    label = m.group("label")
    name = strip_honorifics(label.title() if label.isupper() else label)
    if label.split()[0].lower() in ("the", "a", "an") or not (
        looks_like_person(name) or peer_name(name)
    ):
        return None
    rest = para.text[m.end() :]
    if rest[:1] in "“‘\"'":
        return None  # "Jo Doe: “...”": a quotation, which the marks delimit
    if count_words(rest) < 6 or is_question(rest):
        return None
    source = registry.resolve_name(name)
    if source is None or registry.asks_the_questions(source):
        return None
    return _Raw(
        para.offset + m.end(),
        para.offset + len(para.text.rstrip()),
        "block",
        source,
        (para.offset, para.offset + len(label)),
        None,
        (para.offset, para.offset + len(para.text)),
        para.seg.index,
    )


def _colon_header(para: Para) -> bool:
    """``Name, title, organisation:`` as a paragraph of its own (a round-up's reaction header;
    the segmenter keeps a line ending in a colon in the body, as a lead-in)."""
    line = para.text.strip()
    return (
        line.endswith(":")
        and "\n" not in line
        and count_words(line) <= 16
        # "Jo Bloggs, director at X, said:" introduces a quotation; a header has no verb
        and not any(t.pos_ in ("VERB", "AUX") for t in para.doc)
    )


def _layout_header(para: Para, registry: Registry) -> tuple[Source, tuple[int, int]] | None:
    """``Name, title, organisation`` on a line of its own (or ending in a colon): the speaker of
    the paragraphs below."""
    line = para.text.rstrip()
    line = line[:-1] if line.endswith(":") else line
    label = LAYOUT_LABEL.match(line)
    skip = label.end() if label else 0  # "Statement from Jo Doe, director:"
    line = FIELD_SEPARATOR.sub(", ", line[skip:])  # "Jo Doe | Chief Executive | 22 June 2023"
    m = LAYOUT_LINE.match(line)
    if not m or ends_sentence(line):
        return None
    rest = m.group("rest")
    if not (any(bare_word(w) in lexicon().role_nouns for w in rest.split()) or "," in rest):
        return None
    name = m.group("name")
    if not (looks_like_person(strip_honorifics(name)) or registry.actors.lookup(name)):
        return None  # a tag line ("Care Leavers' Week, Policy, Our work"), not a person
    source = registry.resolve_name(name)
    if source is None:
        return None
    return source, (para.offset + skip, para.offset + skip + len(m.group("name")))


def _narration_subject(para: Para, registry: Registry, cues: list[Cue]):
    """(source, mention, context) a paragraph without quotes hands on to the next one
    (``The charity also shared concerns...`` followed by a quotation)."""
    if cues:
        last = cues[-1]
        return (last.source, last.mention, sentence_span(para, para.offset + last.token.idx))
    for sent in reversed(list(para.doc.sents)):
        root = sent.root
        subject = next((c for c in root.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is None:
            continue
        if (
            subject.pos_ == "PROPN"
            or subject.lemma_.lower() in lexicon().organisation_nouns
            or subject.lower_ in PERSON_PRONOUNS
        ):
            source, mention, _ = resolve_subject(subject, para.offset, registry)
            if source is not None:
                return (source, mention, abs_span(para, sent))
        return None
    return None


def _plan_continuations(
    para: Para, registry: Registry, cues: list[Cue], recent: Source | None
) -> list[_Raw]:
    """``It will also boost efforts to ...`` right after a body's reported statement: the same body
    goes on stating its plans. The span starts after the pronoun (codebook practice: the source
    mention is not in the span)."""
    if recent is None or recent.speaker is not None or not recent.organisation:
        return []
    out = []
    cue_ids = {c.token.i for c in cues}
    for sent in para.doc.sents:
        s_start, s_end = abs_span(para, sent)
        if any(sent.start <= i < sent.end for i in cue_ids) or any(
            para.offset + q.start < s_end
            and para.offset + q.end > s_start
            and q.start - (s_start - para.offset) < 3
            for q in para.qspans
        ):
            continue
        root = sent.root
        subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
        if subject is None or subject.lower_ != "it" or subject.i != sent.start:
            continue
        if not any(
            c.dep_ == "aux" and c.lemma_.lower() in ("will", "would", "shall")
            for c in root.children
        ):
            continue
        source = registry.resolve_pronoun(subject.lower_, para.offset + subject.idx)
        if source is None or source.organisation != recent.organisation:
            continue
        span = span_of([t for t in sent if t.i > subject.i], para)
        if span is not None:
            out.append(
                _Raw(
                    span[0],
                    span[1],
                    "indirect",
                    source,
                    abs_span(para, subject),
                    None,
                    (s_start, s_end),
                    para.seg.index,
                )
            )
    return out


def _balance_marks(text: str, start: int, end: int) -> tuple[int, int]:
    span = text[start:end]
    for opening, closing in (("“", "”"), ("‘", "’")):
        n_open, n_close = span.count(opening), span.count(closing)
        if (
            opening == "‘"
        ):  # apostrophes use the closing mark too: count only marks before a space or the end
            n_close = len(re.findall(r"’(?=[\s,.;:!?)]|$)", span))
        if n_open > n_close and end < len(text) and text[end] == closing:
            end += 1
        elif n_close > n_open and start > 0 and text[start - 1] == opening:
            start -= 1
    if span.count('"') % 2 == 1:
        if end < len(text) and text[end] == '"':
            end += 1
        elif start > 0 and text[start - 1] == '"':
            start -= 1
    return start, end


def _sentences_around(para: Para, start: int, end: int) -> tuple[int, int]:
    """The span from the first to the last sentence of ``para`` that [start, end) overlaps (the
    paragraph itself when none does)."""
    spans = [abs_span(para, s) for s in para.doc.sents]
    touching = [(s, e) for s, e in spans if s < end and e > start]
    if not touching:
        return para.offset, para.offset + len(para.text)
    return touching[0][0], touching[-1][1]


def _to_records(article: Article, raws: list[_Raw], paras: list[Para]) -> list[Quote]:
    text = article.text
    by_index = {p.seg.index: p for p in paras}
    cleaned: list[_Raw] = []
    for r in sorted(raws, key=lambda r: (r.start, -(r.end - r.start))):
        start, end = r.start, r.end
        while start < end and text[start] in ' \t\n“”‘’"':
            start += 1
        while end > start and text[end - 1] in ' \t\n,“‘"':
            end -= 1
        if end <= start or not any(c.isalnum() for c in text[start:end]):
            continue
        if r.kind != "direct":  # a quoted fragment inside reported speech keeps both its marks
            start, end = _balance_marks(text, start, end)
        if r.source is None or (r.source.speaker is None and r.source.organisation is None):
            continue
        # one quote per stretch of text: drop spans mostly inside one kept already
        overlap = False
        for k in cleaned:
            if k.holds_nested != r.holds_nested:
                continue  # a quotation nested in a source's own paragraph is a quote of its own
            inter = min(end, k.end) - max(start, k.start)
            if inter > 0 and inter >= 0.5 * min(end - start, k.end - k.start):
                overlap = True
                break
        if overlap:
            continue
        r.start, r.end = start, end
        cleaned.append(r)
    cleaned.sort(key=lambda r: r.start)
    quotes = []
    width = max(2, len(str(len(cleaned))))
    for n, r in enumerate(cleaned, start=1):
        ms, me = r.mention if r.mention else (None, None)
        para = by_index.get(r.paragraph)
        quotes.append(
            Quote(
                article=article.id,
                id=f"q{n:0{width}d}",
                start=r.start,
                end=r.end,
                text=text[r.start : r.end],
                kind=r.kind,
                speaker=r.source.speaker,
                organisation=r.source.organisation,
                speaker_start=ms,
                speaker_end=me,
                cue=r.cue,
                paragraph_span=(para.offset, para.offset + len(para.text)) if para else None,
                sentence_span=_sentences_around(para, r.start, r.end) if para else None,
                extra={"context": text[r.context[0] : r.context[1]], "paragraph": r.paragraph},
            )
        )
    return quotes


# --- public -----------------------------------------------------------------------------------


class QuoteExtractionError(RuntimeError):
    """Quote extraction failed for one article; the message names it."""


def extract_quotes(
    articles: Iterable[Segmented],
    *,
    nlp,
    actors: ActorTable,
    batch_size: int = 8,
    n_process: int = 1,
    on_error: Callable[[Article, Exception], None] | None = None,
) -> Iterator[list[Quote]]:
    """Yield each article's quotes, in input order (one list per input article).

    Body and heading paragraphs of all articles go through one ``nlp.pipe`` stream (headings are
    parsed for layout headers and names only; quotes come from body paragraphs).

    Errors: by default an exception while extracting one article's quotes propagates out of the
    generator as ``QuoteExtractionError`` naming the article (the generator is then finished, as
    every Python generator is after raising): the caller records that article as failed and
    calls ``extract_quotes`` again on the articles after it. With ``on_error`` given, the article
    yields ``[]``, ``on_error(article, exc)`` is called, and the stream goes on.
    """

    def units():
        for number, item in enumerate(articles):
            article = item.article
            wanted = [s for s in item.segments if s.role in ("body", "heading") and s.end > s.start]
            if not wanted:
                yield "", (number, article, None)
                continue
            for k, seg in enumerate(wanted):
                yield (
                    article.text[seg.start : seg.end],
                    (number, article, (seg, k == len(wanted) - 1)),
                )

    def finish(article: Article, paras: list[Para]) -> list[Quote]:
        try:
            body = [p for p in paras if p.seg.role in ("body", "heading")]
            return article_quotes(article, body, actors)
        except Exception as exc:  # one bad article must not stop the others
            if on_error is None:
                raise QuoteExtractionError(
                    f"{article.source or article.id}: quote extraction failed ({type(exc).__name__}: {exc}); "
                    "the other articles are not affected, run them again without this one"
                ) from exc
            log.warning(
                "quotes: article %s failed (%s: %s); it yields no quotes",
                article.id,
                type(exc).__name__,
                exc,
            )
            on_error(article, exc)
            return []

    paras: list[Para] = []
    for doc, (_number, article, info) in nlp.pipe(
        units(), as_tuples=True, batch_size=batch_size, n_process=n_process
    ):
        if info is None:
            yield []
            continue
        seg, last = info
        paras.append(Para(seg, doc, seg.start, article.text[seg.start : seg.end]))
        if last:
            yield finish(article, paras)
            paras = []
