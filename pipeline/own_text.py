"""A source's own text (codebook §1): the page's source, and its view-stating paragraphs as
``block`` quotes.

On an organisation's own page (press release, statement, consultation response, briefing) and
in a bylined op-ed, blog post or open letter by an actor, the paragraphs in the source's own
voice that state a view, welcome, concern or call are its quotes even though no sentence
attributes them. Two steps, both on general constructions:

* ``page_source``: who the page speaks for, from (in this order) the byline (``By Jane Doe,
  chief executive of Foster Futures``, ``Posted by …``, ``Name, Director | date``, a name line
  under the headline), an office the headline or standfirst names (``…, writes the children's
  minister``: the domain's ``role_organisations``), an author note (``Jane Doe is chief executive of …``), the title (``Foster Futures
  responds to …``, ``Statement from …``), a self-naming sentence (``At Foster Futures, we …``,
  ``Foster Futures is a national charity …``), the site's name line and the publisher in the
  corpus metadata. A journalist's byline (``By Sam Lee, social affairs correspondent``) makes
  the page narration. A page counts only when at least two body paragraphs speak in the first
  person outside quotation marks.
* ``view_paragraphs``: the body paragraphs in that voice (first person, or the lexicon's view
  words) that no other quote covers, up to the page's end matter (``Notes to editors``, ``About
  us``, ``Ends``); purely descriptive paragraphs (what a policy contains) are left out.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

from pipeline.lexicon import current as lexicon
from pipeline.records import Article
from pipeline.segment import BULLET, DATE, is_page_furniture
from pipeline.speakers import (
    ORG_NAME,
    Registry,
    is_org_like,
    is_portfolio,
    looks_like_person,
    office_organisation,
    peer_name,
    strip_honorifics,
)

_NAME = r"[A-Z][\w’'\-]+(?:\s+(?:[A-Z][\w’'\-]+|de|van|von|da|le|la|of)){1,4}"
_BYLINE = re.compile(
    rf"^\s*(?P<lead>(?:[A-Z][a-z]+\s+(?:on\s+[\w ,]{{3,30}}?\s+|\d[\w ,]{{2,29}}?\s+)?)?(?:[Bb]y|[Aa]uthor:|[Ww]ords:|[Ww]ords\s+by))\s+"
    rf"(?P<name>{_NAME})(?P<rest>.*)$"
)  # "By Jo Bloggs", "Words: Jo Bloggs", "Posted (on) 3 May 2023 by …" (the lead tells a journalist's)
_FIELD_MARKS = "|·•"  # between a meta line's fields ("27 May 2022 · Jo Bloggs · 6 min read")
FIELD_SEPARATOR = re.compile(rf"\s*[{_FIELD_MARKS}]\s*")
_FIELD = re.compile(rf"[^{_FIELD_MARKS}]+")
_READING_TIME = re.compile(r"\b\d+\s*min(?:ute)?s?\s+read\b")  # a post's meta line: "6 min read"
_NAME_LINE = re.compile(rf"^\s*(?P<name>{_NAME})\s*(?P<rest>(?:[,|–—-].*)?)$")
_TITLE_ORG = re.compile(
    rf"^\s*(?:(?:[Ss]tatement|[Rr]esponse|[Cc]omment)\s+(?:from|by)\s+(?P<org1>{ORG_NAME})"
    rf"|(?P<org2>{ORG_NAME})(?:(?:’s|'s)\s+(?:statement|response|submission|evidence)\s+(?:on|to)|"
    rf"\s+(?:responds|welcomes|reacts|comments|calls|urges|warns|says|statement\s+on)\b))"
)


@functools.lru_cache(maxsize=16)  # one pattern per domain's list
def _self_naming(nouns: frozenset[str]) -> re.Pattern:
    noun = "|".join(re.escape(n) for n in sorted(nouns, key=lambda n: (-len(n), n)))
    return re.compile(
        rf"(?:\b[Aa]t\s+(?P<org1>{ORG_NAME}),?\s+we\b|^(?P<org2>{ORG_NAME})(?:\s*\([A-Z][A-Za-z&]{{1,9}}\))?\s+is\s+(?:a|an|the)\s+"
        rf"(?:[\w\-]+\s+){{0,4}}(?:{noun}))",
        re.M,
    )


_AUTHOR_NOTE = re.compile(
    rf"(?P<name>{_NAME})\s+is\s+(?:the\s+)?(?P<role>[\w’'\- ]{{2,60}}?)\s+(?:of|at)\s+"
    rf"(?P<org>{ORG_NAME})"
)
_ABOUT = re.compile(r"^\s*about (?:us\b|the\b|[A-Z])", re.IGNORECASE)
_END_MATTER = re.compile(
    r"^\s*(?:notes? (?:to|for) editors?|about (?:us\b|the\b|[A-Z])|ends\b|-ends-|editor'?s'? notes?|"
    r"media enquiries|press (?:office|contact)|for more information)",
    re.IGNORECASE,
)
_QUESTION_LABEL = re.compile(r"^\s*(?:Q(?:uestion)?\s*\d*\s*[:.)]|Q\d+\b|[A-Z]{1,4}:\s)")
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\b0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b|\+44\s?\d")
_FIRST_PERSON = re.compile(
    r"\b(?:[Ww]e|[Oo]ur|[Oo]urs|[Uu]s|I|[Mm]y|[Mm]e|[Ww]e’re|[Ww]e're|I’m|I'm|I’ve|I've|[Ww]e’ve|[Ww]e've|[Ll]et’s|[Ll]et's)\b"
)
_PRONOUN_WORDS = {"we", "our", "i", "my", "it", "they", "this", "that", "these", "those", "you"}
_OPEN_MARK = "“‘\"'"
_HEADER_LINES = 15  # bylines and name lines are looked for among the first lines of a page


@dataclass(frozen=True)
class PageSource:
    """Who a page speaks for, and where the page says so (None: only the metadata does)."""

    speaker: str | None
    organisation: str | None
    mention: tuple[int, int] | None
    how: str


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, line))
        pos += len(line) + 1
    return out


def _journalist(rest: str) -> bool:
    words = {w.strip(",.|;:()").lower() for w in rest.split()}
    return bool(words & lexicon().journalist_roles)


def _role_org(rest: str, registry: Registry) -> str | None:
    """The organisation a byline's or signature's role names: an office of the domain (``the
    children's minister``), else the first comma-separated part that reads as an organisation
    (``Chief executive, Foster Futures UK``; ``Head of Social Work, University of Eastwick``;
    ``Director of Research at the Hollins Institute``), places left out."""
    office = office_organisation(rest)
    if office is not None:
        return office
    chunks = [c.strip() for c in re.split(r"[,|–—]", rest) if c.strip()]
    named: list[str] = []
    for chunk in chunks:
        chunk = re.sub(
            r"\s+(?:since|from|until|between|for)\s+(?:\d|the\s+(?:past|last)).*$", "", chunk
        )
        chunk = chunk.rstrip(" .;")
        m = re.search(rf"\b(?:of|at|for)\s+(?:the\s+)?({ORG_NAME})\s*$", chunk)
        words = chunk.split()
        if m and any(w.lower() in lexicon().role_nouns for w in words[:3]):
            if not is_portfolio(m.group(1)):  # "Director of Children's Services": a remit
                named.append(m.group(1))
        elif re.fullmatch(rf"(?:[Tt]he\s+)?{ORG_NAME}", chunk) and not any(
            w.lower() in lexicon().role_nouns for w in words
        ):
            named.append(chunk)
    named = [n for n in named if is_org_like(n, registry) and n.lower() not in registry.places]
    strong = [n for n in named if _has_org_word(n) or registry.actors.lookup(n)]
    pick = (strong or named or [None])[0]
    return registry.org_name(pick) if pick else None


def _has_org_word(name: str) -> bool:
    lex = lexicon()
    return any(
        w.lower().strip("’'s") in lex.organisation_nouns or w.lower() in lex.organisation_hints
        for w in name.split()
    )


def _meta_line_with_fields(line: str) -> bool:
    """A blog's meta line of fields (``|``, ``·`` or ``•`` between them) with a date or a reading
    time (``27 May 2022 | Jo Bloggs | 6 min read``)."""
    return bool(FIELD_SEPARATOR.search(line)) and bool(
        DATE.search(line) or _READING_TIME.search(line)
    )


def _site_org(
    text: str, article: Article, registry: Registry, header_end: int
) -> tuple[str, tuple | None] | None:
    """The organisation a page belongs to: title, site line, self-naming sentence, publisher.
    ``header_end``: where the body begins (a title is looked for above it only)."""
    title = article.title or ""
    lines = _lines(text)
    for start, line in lines[:_HEADER_LINES]:
        if start >= header_end:
            break  # "X's response to the consultation argues": a body sentence, not a title
        m = _TITLE_ORG.match(line)
        if m:
            raw = m.group("org1") or m.group("org2")
            s = start + m.start("org1" if m.group("org1") else "org2")
            return registry.org_name(raw), (s, s + len(raw))
    if title and (m := _TITLE_ORG.match(title)):
        return registry.org_name(m.group("org1") or m.group("org2")), None
    # the site's name on its first lines ("Lantern Trust" or "Lantern Trust | Blog") before any
    # sentence naming a body further down, which may be another body's ("X's response argues")
    for start, line in lines[:3]:
        if line.count("|") >= 2:
            continue  # a navigation bar
        head = line.split("|")[0].strip()
        if _org_like(head) and (("|" in line) or _has_org_word(head)):
            return registry.org_name(head), (start, start + len(head))
        # the page prints its publisher's name as its site line: metadata and page agree
        if article.publisher and head.lower() == article.publisher.strip().lower():
            return registry.org_name(head), (start, start + len(head))
    for start, line in lines:
        for m in _self_naming(lexicon().self_description_nouns).finditer(line):
            group = "org1" if m.group("org1") else "org2"
            if _org_like(m.group(group)):
                s = start + m.start(group)
                return registry.org_name(m.group(group)), (s, s + len(m.group(group)))
    if article.publisher and _org_like(article.publisher):
        return registry.org_name(article.publisher), None
    return None


def _publication(name: str) -> bool:
    """A newspaper's or magazine's name (``The Daily Meridian``, ``Casework Weekly``)."""
    return any(w.lower().strip("’'s") in lexicon().publication_words for w in name.split())


def _org_like(name: str) -> bool:
    """A capitalised name that is no person, page furniture, date or pronoun."""
    name = name.strip()
    return bool(
        name
        and re.fullmatch(ORG_NAME, name)
        and not looks_like_person(name)
        and not is_page_furniture(name)
        and name.split()[0] not in lexicon().not_names
        and name.split()[0].lower() not in _PRONOUN_WORDS
    )


def page_source(
    article: Article,
    body: Sequence[tuple[int, int]],
    registry: Registry,
    covered: Sequence[tuple[int, int]] = (),
):
    """The page's source when the page is a source's own text, else None.

    ``body``: the (start, end) offsets of the article's body paragraphs; ``covered``: the spans
    of quotes found already (a paragraph mostly inside them is somebody's quotation, not the
    page's voice)."""
    text = article.text
    first_person = sum(
        1
        for s, e in body
        if not text[s:e].lstrip().startswith(tuple(_OPEN_MARK))
        and _covered(s, e, covered) < 0.5
        and _FIRST_PERSON.search(_outside_marks(text[s:e]))
    )
    if first_person < 2:
        return None
    first_body = body[0][0] if body else len(text)
    author = None
    header = _lines(text[:first_body])[:_HEADER_LINES]
    publisher = (article.publisher or "").strip().lower()
    # an explicit byline anywhere in the header beats a bare name line above it (a site's name
    # at the top of the page looks like a person's to the name test)
    bylines = [(start, m) for start, line in header if (m := _BYLINE.match(line))]
    name_lines = [
        (start, _NAME_LINE.match(line))
        for start, line in header
        if looks_like_person(head := line.split(",")[0].split("|")[0])
        and not _publication(head)
        and head.strip().lower() != publisher
    ]
    # a blog's meta line, "27 May 2022 | Jo Bloggs | 6 min read": the name field is the author
    meta_names = [
        (start + field.start(), _NAME_LINE.match(field.group()))
        for start, line in header
        if _meta_line_with_fields(line)
        for field in _FIELD.finditer(line)
        if _NAME_LINE.match(field.group())
        and looks_like_person(field.group().strip())
        and field.group().strip().lower() != publisher
    ]
    for start, m in bylines or meta_names or name_lines:
        if m is None:
            continue
        name = strip_honorifics(m.group("name").strip())
        if not looks_like_person(name) and not peer_name(name):
            continue
        lead = m.groupdict().get("lead") or ""
        if _journalist(lead + " " + m.group("rest")):
            return None
        s = start + m.start("name")
        author = (name, (s, s + len(m.group("name"))), m.group("rest"))
        break
    site = _site_org(text, article, registry, first_body)
    if author is not None:
        name, mention, rest = author
        org = _role_org(rest, registry)
        if org is None:  # the office the standfirst names, or an author note at the end
            org = office_organisation(text[:first_body])
            for m in _AUTHOR_NOTE.finditer(text):
                if m.group("name").split()[-1] == name.split()[-1]:
                    org = registry.org_name(m.group("org"))
                    break
        if org is None and site is not None and not _publication(site[0]):
            org = site[0]  # a post on an organisation's site; a newspaper is not the author's
        known = registry.resolve_name(name)
        if org is None and known is not None:
            org = known.organisation
        return PageSource(name, org, mention, "byline")
    if site is None or _publication(site[0]):
        return None  # a newspaper's or magazine's page speaks for no actor (codebook §1)
    return PageSource(None, site[0], site[1], "page")


def _covered(start: int, end: int, spans: Sequence[tuple[int, int]]) -> float:
    inside = sum(max(0, min(end, e) - max(start, s)) for s, e in spans)
    return inside / max(1, end - start)


def _outside_marks(text: str) -> str:
    """The text with quoted stretches removed (a quoted "we" is somebody else's voice)."""
    return re.sub(r"“[^”]*”|\"[^\"]*\"|‘[^’]{0,400}’(?!\w)", " ", text)


_EMPHASIS = re.compile(r"^(\*\*|__|\*|_)(?P<inner>.+)\1$", re.S)  # a line set in bold or italics


def is_question(paragraph: str) -> bool:
    """A paragraph that only asks (an interviewer's question, a consultation's question). One set
    in bold or italics as a whole and ending in a question mark is an interviewer's question even
    when it tells something first (``**Sunita, the budget is £200m. Is that enough?**``)."""
    text = paragraph.strip()
    emphasised = _EMPHASIS.match(text)
    if emphasised:
        return emphasised.group("inner").rstrip().endswith("?")
    return text.endswith("?") and len(re.findall(r"[.!?](?:\s|$)", text)) <= 2


_SECTION_HEADING = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z][^.!?:;“”\"]{0,70}$")


def is_section_heading(line: str) -> bool:
    """A numbered section heading (``4. Responses to the consultation questions``), which a
    segmenter may keep as a body paragraph."""
    return _SECTION_HEADING.match(line) is not None


def states_a_view(paragraph: str) -> bool:
    """First person, or a view word of the lexicon, outside quotation marks; not a question and
    not contact details (an e-mail address, a phone number: "call 0300 555 0192 or visit ...")."""
    if _CONTACT.search(paragraph) or is_section_heading(paragraph):
        return False
    own = _outside_marks(paragraph)
    if is_question(paragraph):
        # a rhetorical question in the writer's own voice ("Then why do we accept it?") states a
        # view; an interviewer's or a consultation's question ("Question 7: Do you agree?") not
        return bool(_FIRST_PERSON.search(own)) and not _QUESTION_LABEL.match(paragraph)
    if _SHARE_REPORTED.match(own):
        return False  # "61% said the rule was too long": respondents' answers, reported
    words = {w.lower() for w in re.findall(r"[A-Za-z’'\-]+", own)}
    if _FIRST_PERSON.search(own):
        return not _facts_about_us(own, words) and not (
            # "X is the professional body for ... We have 9,400 members": who the body is
            _self_naming(lexicon().self_description_nouns).match(own.lstrip())
            and not words & lexicon().view_words
        )
    return bool(words & lexicon().view_words)


# a paragraph that opens with a share of people and what they answered (a survey's findings)
_SHARE_REPORTED = re.compile(
    r"^\W*(?:(?:only|just|nearly|almost|over|under|more than|fewer than|less than)\s+)?"
    r"\d[\d,.]*\s*(?:%|per\s?cent)(?:\s+of\s+[\w’' ]{1,40}?)?\s+"
    r"(?:said|told|reported|agreed|disagreed|felt|thought|believed|wanted|were|would)\b",
    re.I,
)


_SUBJECT_FIRST_PERSON = re.compile(
    r"\b(?:[Ww]e|I|[Uu]s|[Mm]e)\b|\b(?:[Ww]e|I)[’'](?:re|m|ve|d|ll)\b"
)
_FIGURE = re.compile(r"(?<![\w£$€])\d[\d,.]*%?(?!\w)")


def _facts_about_us(own: str, words: set[str]) -> bool:
    """``Our network runs 14 peer support groups and took 2,300 calls last year``: a body's
    figures about itself, first person only in ``our``/``my``, with no view word, describe it."""
    return (
        not _SUBJECT_FIRST_PERSON.search(own)
        and len(_FIGURE.findall(own)) >= 2
        and not words & lexicon().view_words
    )


def view_paragraphs(text: str, paragraphs: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """The body paragraphs to take as ``block`` quotes of the page's source, up to the page's
    end matter (``Notes to editors``, ``About us``, ``Ends``, in any role). ``paragraphs``:
    (start, end, role) in text order."""
    out = []
    seen_body = False
    about = False  # inside an "About us" section: the body's description, not its view
    listing = False  # after the page's own lead-in to a list of calls
    for s, e, role in paragraphs:
        para = text[s:e]
        if seen_body and _END_MATTER.match(para):  # not the site's "About us" link at the top
            if not _ABOUT.match(para) or role == "body":
                break
            about = True  # a response's "About us" heading near the top: skip to the next one
            continue
        if role == "heading" and about:
            about = False
        if role != "body" or about:
            listing = listing and role != "heading"
            continue
        seen_body = True
        if listing and BULLET.match(para) and len(para.split()) >= 4:
            out.append((s, e))  # "We call on the government to:" and its bullets
            continue
        listing = para.rstrip().endswith(":") and states_a_view(para)
        if para.lstrip()[:1] in _OPEN_MARK or para.rstrip().endswith(":"):
            continue  # a pull quote or somebody's quotation; a lead-in to a list
        if len(para.split()) < 6 or not states_a_view(para):
            continue
        out.append((s, e))
    return out


@dataclass(frozen=True)
class SignedLetter:
    """A letter on a letters page or an open letter: its paragraphs and who signed it."""

    paragraphs: tuple[tuple[int, int], ...]  # the letter's text, signature left out
    source: PageSource


def _signatory(line: str) -> tuple[str, str] | None:
    """``Name``, ``Name, Role, Organisation`` or ``Name Role, Organisation``: the name (the
    longest run of two to four words that reads as a person's) and the rest."""
    words = line.strip().split()
    for n in range(min(4, len(words)), 1, -1):
        name = strip_honorifics(" ".join(words[:n]).rstrip(",|"))
        if looks_like_person(name) or peer_name(name):
            return name, " ".join(words[n:]).strip(" ,|–—-")
    return None


def _read_signature(lines: Sequence[str], registry: Registry):
    """(lines used, source) when ``lines`` open with a signature (``Name`` / ``Role,
    Organisation``, ``Name, role, Organisation``, several signatories, ``and 14 others``);
    the source is None for a member of the public (a place, no role). None: no signature."""
    names: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if names and re.fullmatch(r"(?:and|plus)\s+\d+\s+others?\.?", line):
            i += 1
            continue
        if _meta_line_with_fields(line):
            break  # "Jo Doe | Chief Executive | 22 June 2023": a byline's meta line
        found = _signatory(line)
        if found is None:
            break
        name, rest = found
        i += 1
        nxt = lines[i].strip() if i < len(lines) else ""
        if not rest and nxt and _signatory(nxt) is None and _attribution_line(nxt):
            rest, i = nxt, i + 1
        names.append((name, rest))
    if not names:
        return None
    first_name, first_rest = names[0]
    words = {w.strip(",.").lower() for w in first_rest.split()}
    lex = lexicon()
    if not (words & lex.role_nouns or words & lex.practitioner_nouns):
        return i, None  # a member of the public: a place, no role
    org = _role_org(", " + first_rest, registry)
    if len(names) > 1:
        return i, PageSource(None, org, None, "signature")
    return i, PageSource(first_name, org, None, "signature")


def _attribution_line(line: str) -> bool:
    """A signature's second line: a role or a place (``Chief executive, Foster Futures``,
    ``Whitby, North Yorkshire``, ``Reading``), not the next letter's headline."""
    words = line.split()
    return bool(
        len(words) <= 14
        and ("," in line or len(words) <= 3 or {w.lower() for w in words} & lexicon().role_nouns)
        and not line.rstrip().endswith((".", "?", "!"))
    )


def _is_prose(paragraph: str) -> bool:
    """A paragraph the segmenter took for a standfirst that reads as running text."""
    return len(paragraph.split()) >= 15 and paragraph.rstrip().endswith((".", "!", "?", "”", '"'))


def _body_text(text: str, paragraphs: Sequence[tuple[int, int, str]], k: int) -> str:
    """The text of paragraph ``k`` when there is one and it is body text, else ""."""
    if k < len(paragraphs) and paragraphs[k][2] == "body":
        return text[paragraphs[k][0] : paragraphs[k][1]]
    return ""


def _a_letter(text: str, paragraphs: Sequence[tuple[int, int]], after: str) -> bool:
    """Whether a ``Name, role, Organisation`` line closes ``paragraphs`` as their signature.
    Not when it rather heads what follows it: the next paragraph opens in the first person
    (``I manage eight social workers``) and fewer than half of those above state a view
    (figures, reports of other people)."""
    if not paragraphs:
        return False
    if _FIRST_PERSON.match(after.lstrip()) is None:
        return True
    views = sum(states_a_view(text[s:e]) for s, e in paragraphs)
    return 2 * views >= len(paragraphs)


def signed_letters(
    text: str, paragraphs: Sequence[tuple[int, int, str]], registry: Registry
) -> list[SignedLetter]:
    """Letters closed by a signature: each letter is the body paragraphs since the last heading
    or signature. ``paragraphs``: (start, end, role) in text order. Letters signed by members
    of the public are left out (narration, codebook §1)."""
    letters: list[SignedLetter] = []
    current: list[tuple[int, int]] = []
    i, n = 0, len(paragraphs)
    while i < n:
        start, end, role = paragraphs[i]
        if role == "body" or (role == "heading" and _is_prose(text[start:end])):
            lines = text[start:end].split("\n")
            for k in range(1, len(lines)):  # a signature at the foot of the paragraph
                got = _read_signature(lines[k:], registry)
                if got is not None and got[0] == len(lines) - k:
                    kept = "\n".join(lines[:k]).rstrip()
                    if kept:
                        current.append((start, start + len(kept)))
                    after = _body_text(text, paragraphs, i + 1)
                    if got[1] is not None and _a_letter(text, current, after):
                        letters.append(SignedLetter(tuple(current), got[1]))
                    current = []
                    break
            else:
                current.append((start, end))
            i += 1
            continue
        j = i
        while j < n and not (
            paragraphs[j][2] == "body"
            or (
                paragraphs[j][2] == "heading"
                and _is_prose(text[paragraphs[j][0] : paragraphs[j][1]])
            )
        ):
            j += 1
        run = [text[s:e] for s, e, _ in paragraphs[i:j]]
        got = _read_signature(run, registry) if current else None
        after = _body_text(text, paragraphs, j)
        if got is not None and got[1] is not None and _a_letter(text, current, after):
            letters.append(SignedLetter(tuple(current), got[1]))
        current = []
        i = j
    return letters


_MIN_EXCHANGES = 3  # question-and-answer pairs that make a page an interview
_NUMBERED_QUESTION = re.compile(
    r"\W*(?:Question|Q)\s*\d+\b", re.I
)  # "Question 3: Do you agree ...?"
# a speaker label opening an interview paragraph: initials or a short name and a colon
_QA_LABEL = re.compile(r"([A-Z][\w.’'\-]{0,15}(?: [A-Z][\w.’'\-]{0,15}){0,2}):\s")


_META_WORDS = re.compile(
    r"\b(?:updated|published|posted|last|on|at|min(?:ute)?s?|read|listen)\b", re.I
)


def is_meta_line(line: str) -> bool:
    """``2 March 2023 · 6 minute read``, ``Updated 4 May 2023``: a post's date or reading-time
    line, which leaves the byline above it in force."""
    if not (DATE.search(line) or _READING_TIME.search(line)):
        return False
    rest = _META_WORDS.sub(" ", DATE.sub(" ", _READING_TIME.sub(" ", line)))
    return re.search(r"[A-Za-z]{2,}", rest) is None


def is_byline(line: str) -> bool:
    """``By Jo Doe, chief executive``, ``Posted by ...``: a line that names a page's author."""
    return _BYLINE.match(line) is not None


@dataclass(frozen=True)
class Interview:
    """A Q&A page's answers: (source, answer spans) per answerer, and the starts of the answers
    that are certainly spoken (a label opens them, or they follow their question at once)."""

    sections: tuple[tuple[PageSource, tuple[tuple[int, int], ...]], ...]
    spoken: frozenset[int]


def interview(
    text: str, paragraphs: Sequence[tuple[int, int, str]], registry: Registry
) -> Interview | None:
    """A Q&A page: who answers and the answer paragraphs between the questions, as (source,
    answers) groups. An answer opening with a person's label (``Dr Jo Doe: ...``) is that
    person's, and so are the unlabelled paragraphs after it; the others are the interviewee's
    (the person the page introduces before the first question, not the byline's interviewer).
    A label is left out of its answer's span."""
    body = [(s, e) for s, e, role in paragraphs if role in ("body", "heading")]
    questions = [k for k, (s, e) in enumerate(body) if is_question(text[s:e])]
    # the label the interviewer's questions open with ("CSF:", "Q:") marks a question that
    # also tells something before it asks ("CSF: The review wanted X. It was dropped. Right?")
    labels = Counter(m.group(1) for k in questions if (m := _QA_LABEL.match(text[body[k][0] :])))
    asking = {label for label, n in labels.items() if n >= 2}
    questions = [
        k
        for k, (s, e) in enumerate(body)
        if k in questions or ((m := _QA_LABEL.match(text[s:e])) and m.group(1) in asking)
    ]
    numbered = sum(bool(_NUMBERED_QUESTION.match(text[body[k][0] :])) for k in questions)
    if 2 * numbered > len(questions):
        return None  # a consultation's numbered questions: the page's own body answers them
    # (start, end, label, spoken): ``spoken`` for an answer that a label opens or that follows
    # its question at once; a later unlabelled paragraph may be the page's own (an editing note)
    answers: list[tuple[int, int, str | None, bool]] = []
    label_at: dict[str, tuple[int, int]] = {}  # where each answering label first stands
    people = _answering_labels(text, body, set(questions), asking)
    exchanges = 0  # questions followed by at least one answer
    for n, k in enumerate(questions):
        stop = questions[n + 1] if n + 1 < len(questions) else len(body)
        before = len(answers)
        # a labelled answer's person, carried to the paragraphs after it; before any label, the
        # guest the question addresses by first name ("**Declan, were you relieved?**")
        question = text[body[k][0] : body[k][1]]
        # where the interviewer has a label ("Presenter:"), a question without it (a standfirst
        # that asks) does not make the paragraph after it an answer for certain
        asked = not asking or (
            (m := _QA_LABEL.match(question)) is not None and m.group(1) in asking
        )
        speaker = _addressed(question, people)
        if speaker is not None:
            label_at.setdefault(speaker, people[speaker])
        for s, e in body[k + 1 : stop]:
            para = text[s:e]
            if _END_MATTER.match(para) or para.lstrip()[:1] in _OPEN_MARK:
                continue  # a pull quote repeats an answer
            if len(para.split()) < 6:
                continue
            first = asked and len(answers) == before
            m = _QA_LABEL.match(para)
            if m and m.group(1) not in asking:
                label = strip_honorifics(m.group(1))
                short = _by_first_name(label, people) if " " not in label else None
                if short is not None:  # "Sunita: ..." after "Sunita Varghese: ..."
                    speaker = short
                    answers.append((s + m.end(), e, speaker, True))
                    continue
                if looks_like_person(label) or peer_name(label):
                    speaker = m.group(1)
                    label_at.setdefault(speaker, (s, s + len(speaker)))
                    answers.append((s + m.end(), e, speaker, True))
                    continue
                if len(m.group(1)) <= 2:  # "A: ...": the answer marker
                    answers.append((s + m.end(), e, speaker, True))
                    continue
            answers.append((s, e, speaker, first))
        exchanges += len(answers) > before
    if exchanges < _MIN_EXCHANGES:
        return None
    first_question = body[questions[0]][0]
    interviewee = _interviewee(text, text[:first_question], registry)
    groups: dict[str | None, list[tuple[int, int]]] = {}
    for s, e, label, _ in answers:
        groups.setdefault(label, []).append((s, e))
    out = []
    for label, spans in groups.items():
        if label is None:
            if interviewee is not None:
                out.append((interviewee, tuple(spans)))
            continue
        name = strip_honorifics(label)
        known = registry.resolve_name(name)
        out.append(
            (
                PageSource(
                    known.speaker if known is not None and known.speaker else name,
                    known.organisation if known is not None else None,
                    label_at[label],
                    "interview",
                ),
                tuple(spans),
            )
        )
    if not out:
        return None
    return Interview(tuple(out), frozenset(s for s, _, _, spoken in answers if spoken))


def _answering_labels(
    text: str, body: Sequence[tuple[int, int]], questions: set[int], asking: set[str]
) -> dict[str, tuple[int, int]]:
    """The people whose labels open answers (``Sunita Varghese: ...``), each with where its label
    first stands."""
    people: dict[str, tuple[int, int]] = {}
    for k, (s, e) in enumerate(body):
        m = _QA_LABEL.match(text[s:e])
        if k in questions or not m or m.group(1) in asking:
            continue
        label = strip_honorifics(m.group(1))
        if len(label.split()) >= 2 and (looks_like_person(label) or peer_name(label)):
            people.setdefault(m.group(1), (s, s + len(m.group(1))))
    return people


_VOCATIVE = re.compile(r"^\W*(?P<name>[A-Z][a-z’'\-]+),\s")


def _addressed(question: str, people: Mapping[str, tuple[int, int]]) -> str | None:
    """The answering label whose first name a question opens by addressing, if exactly one."""
    m = _VOCATIVE.match(question)
    return _by_first_name(m.group("name"), people) if m else None


def _by_first_name(name: str, people: Mapping[str, tuple[int, int]]) -> str | None:
    """The one answering label with this first name (``Sunita`` -> ``Sunita Varghese``)."""
    named = [label for label in people if strip_honorifics(label).split()[0] == name]
    return named[0] if len(named) == 1 else None


def _interviewee(text: str, intro: str, registry: Registry) -> PageSource | None:
    """The person a Q&A's introduction presents: a line that opens with their name and goes on
    with a role (``Jo Doe is director of family services at X``), else the first person the
    introduction names who is not its byline's author."""
    for start, line in _lines(intro):
        if _BYLINE.match(line) or "|" in line or "›" in line or is_page_furniture(line):
            continue
        found = _signatory(line.split(". ")[0])
        if found is None or _publication(found[0]) or is_page_furniture(found[0]):
            continue  # the magazine's name line is not the interviewee
        name, rest = found
        words = {w.strip(",.").lower() for w in rest.split()[:6]}
        if rest and not (words & lexicon().role_nouns or words & {"is", "has", "was", "leads"}):
            continue  # a site's or a section's name, not a person introduced
        org = _role_org(", " + rest, registry) if rest else None
        known = registry.resolve_name(name)
        if org is None and known is not None:
            org = known.organisation
        return PageSource(name, org, (start, start + len(name)), "interview")
    bylined = {
        strip_honorifics(m.group("name")) for _, line in _lines(intro) if (m := _BYLINE.match(line))
    }
    for mention in registry.mentions:
        if mention.start >= len(intro) or mention.kind != "person":
            continue
        source = registry.person_source(mention.key)
        if source.speaker in bylined or not source.speaker or _publication(source.speaker):
            continue  # the byline's author; "The Daily Meridian" tagged as a person
        line_end = intro.find("\n", mention.end)
        if _journalist(intro[mention.end : line_end if line_end >= 0 else len(intro)]):
            continue  # "Jo Doe, Social affairs correspondent": the writer, not a guest
        return PageSource(
            source.speaker, source.organisation, (mention.start, mention.end), "interview"
        )
    return None
