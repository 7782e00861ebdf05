"""Quote extraction: direct, indirect, mixed and block quotes with speaker and organisation.

``extract_quotes`` parses the body and heading paragraphs of each article with ``nlp.pipe`` (one
stream over all articles, so memory stays flat) and yields, per input article and in input
order, its quotes as ``Quote`` records (ids ``q01``... in order of start, stances empty).

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

Sources must be identifiable (a named person, organisation or document; pronouns, surnames, role
nouns and nominals are resolved by ``pipeline.speakers``); unnamed groups (``campaigners say``),
findings reported as data (``a survey found``) and negated cues (``did not say``) give no quote.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from pipeline.quote_marks import QuoteSpan, find_quote_spans
from pipeline.records import Article, Quote, Segment
from pipeline.resources import ActorTable
from pipeline.speakers import (
    DATA_NOUNS,
    DOC_NOUNS,
    ORG_NAME_RE,
    ORG_NOUNS,
    PARTIES,
    PERSON_PRONOUNS,
    ROLE_NOUNS,
    Registry,
    Source,
    bare_word,
    build_registry,
    link_person_context,
    looks_like_person,
)


def _plain(name: str) -> str:
    return re.sub(r"^the\s+", "", name.strip(), flags=re.I)


log = logging.getLogger(__name__)

# Reporting verbs (general English knowledge): a clause or quotation reported after them.
REPORTING = {
    "say",
    "tell",
    "add",
    "warn",
    "argue",
    "explain",
    "claim",
    "insist",
    "suggest",
    "state",
    "note",
    "stress",
    "emphasise",
    "emphasize",
    "point",
    "admit",
    "acknowledge",
    "reveal",
    "announce",
    "confirm",
    "believe",
    "think",
    "feel",
    "agree",
    "disagree",
    "respond",
    "reply",
    "continue",
    "conclude",
    "write",
    "comment",
    "observe",
    "remark",
    "predict",
    "maintain",
    "contend",
    "assert",
    "declare",
    "caution",
    "urge",
    "call",
    "recommend",
    "propose",
    "pledge",
    "promise",
    "vow",
    "commit",
    "demand",
    "ask",
    "question",
    "describe",
    "accuse",
    "criticise",
    "criticize",
    "welcome",
    "praise",
    "condemn",
    "reject",
    "dismiss",
    "hail",
    "applaud",
    "back",
    "endorse",
    "support",
    "oppose",
    "slam",
    "attack",
    "blast",
    "echo",
    "highlight",
    "recognise",
    "recognize",
    "accept",
    "concede",
    "fear",
    "hope",
    "expect",
    "estimate",
    "tweet",
    "express",
    "voice",
    "raise",
    "share",
    "lobby",
    "push",
    "plead",
    "appeal",
    "complain",
    "lament",
    "brand",
    "label",
    "dub",
    "mention",
    "recall",
    "reiterate",
    "repeat",
    "underline",
    "underscore",
    "clarify",
    "signal",
    "indicate",
    "imply",
    "reckon",
    "counter",
    "concur",
    "advise",
    "outline",
    "doubt",
    "worry",
    "cite",
    "quote",
    "challenge",
    "deny",
    "assure",
    "boast",
    "speculate",
    "forecast",
    "set",
    "lay",
    "rule",
    "unveil",
    "intend",
    "plan",
    "aim",
    "pay",
    "press",
}
# cues that need a particle: "set out", "lay out", "rule out", "point out"
PARTICLE_CUES = {"set": "out", "lay": "out", "rule": "out", "point": "out"}
# nominal cues: "the review's call for X", "her proposal to X"
PASSIVE_CUES = {
    "welcome",
    "praise",
    "condemn",
    "criticise",
    "criticize",
    "reject",
    "dismiss",
    "hail",
    "applaud",
    "back",
    "endorse",
    "support",
    "oppose",
    "slam",
    "attack",
    "question",
    "challenge",
    "recommend",
    "propose",
}
EVAL_ADJECTIVES = {
    "critical",
    "supportive",
    "scathing",
    "dismissive",
    "sceptical",
    "skeptical",
    "positive",
    "negative",
    "enthusiastic",
    "wary",
    "clear",
}
NOUN_CUES = {
    "call",
    "proposal",
    "recommendation",
    "plea",
    "demand",
    "warning",
    "pledge",
    "promise",
    "suggestion",
    "criticism",
    "claim",
    "insistence",
}
# Cues whose noun-phrase object is the quote (codebook: ``Crocker welcomed the strategy``).
EVALUATIVE = {
    "welcome",
    "praise",
    "condemn",
    "criticise",
    "criticize",
    "reject",
    "dismiss",
    "hail",
    "applaud",
    "back",
    "endorse",
    "support",
    "oppose",
    "slam",
    "attack",
    "blast",
    "question",
    "challenge",
    "recommend",
    "propose",
    "demand",
    "pledge",
    "promise",
    "describe",
    "call",
    "brand",
    "label",
    "dub",
    "urge",
    "accuse",
    "deny",
    "set",
    "outline",
    "lay",
    "underline",
    "highlight",
    "announce",
    "rule",
    "reveal",
    "cite",
    "echo",
    "accept",
    "unveil",
    "stress",
    "emphasise",
    "emphasize",
}
# ``express/share/raise/voice`` report speech only with such objects.
CONCERN_NOUNS = {
    "concern",
    "concerns",
    "fear",
    "fears",
    "doubt",
    "doubts",
    "worry",
    "worries",
    "hope",
    "hopes",
    "support",
    "opposition",
    "disappointment",
    "frustration",
    "alarm",
    "anger",
    "caution",
    "reservations",
    "criticism",
    "optimism",
    "scepticism",
    "skepticism",
    "regret",
    "dismay",
    "objection",
    "objections",
}
MODALS = {"will", "would", "may", "might", "could", "should", "must", "can", "shall"}
RAISING = {
    "appear",
    "seem",
    "continue",
    "go",
    "want",
    "wish",
    "be",
    "have",
    "begin",
    "start",
    "try",
}
PREP_CONTENT = {"for", "of", "about", "against", "on", "as", "to", "that", "over", "at", "with"}
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_LAYOUT = re.compile(
    r"^(?P<name>[A-Z][\w’'\-]+(?:\s+(?:de|van|von|le|da|[A-Z][\w’'\-]+)){1,3})\s*,\s*(?P<rest>[^\n]{3,160})$"
)

# constants: frozen so that no stage can change them at run time
REPORTING = frozenset(REPORTING)
EVALUATIVE = frozenset(EVALUATIVE)
CONCERN_NOUNS = frozenset(CONCERN_NOUNS)
PREP_CONTENT = frozenset(PREP_CONTENT)
MODALS = frozenset(MODALS)
RAISING = frozenset(RAISING)
NOUN_CUES = frozenset(NOUN_CUES)
PASSIVE_CUES = frozenset(PASSIVE_CUES)
EVAL_ADJECTIVES = frozenset(EVAL_ADJECTIVES)


@dataclass
class _Para:
    seg: Segment
    doc: Any
    offset: int
    text: str
    qspans: list[QuoteSpan] = field(default_factory=list)


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


@dataclass
class _Cue:
    token: Any
    source: Source | None
    mention: tuple[int, int] | None
    content: tuple[int, int] | None  # absolute char span
    text: str
    blocked: bool = False  # a cue whose source is not identifiable: its quotes are not quotes


# --- helpers ----------------------------------------------------------------------------------


def _abs(para: _Para, token_or_span) -> tuple[int, int]:
    if hasattr(token_or_span, "idx"):
        return para.offset + token_or_span.idx, para.offset + token_or_span.idx + len(
            token_or_span.text
        )
    return para.offset + token_or_span.start_char, para.offset + token_or_span.end_char


def _in_quote(para: _Para, char: int) -> bool:
    return any(para.offset + q.start <= char < para.offset + q.end for q in para.qspans)


def _subject_of(token):
    """The subject of a cue: its own, the antecedent of a relative pronoun, or (participles,
    conjoined and open-complement verbs) its head's."""
    current = token
    for step in range(5):
        participle = (
            current.tag_ == "VBG"
            and current.dep_ in ("advcl", "xcomp", "conj", "acl")
            and current.head is not current
        )
        if current.dep_ == "pcomp" and current.tag_ == "VBG" and current.head is not current:
            participle = True
        if participle:  # "..., adding that ...": the subject of the clause it hangs on
            current = current.head
            while (
                current.dep_ == "ccomp"
                and current.head is not current
                and current.head.lemma_.lower() in REPORTING
            ):
                current = current.head  # a participle misattached inside the reported clause
            continue
        subjects = [c for c in current.children if c.dep_ in SUBJECT_DEPS]
        subjects.sort(key=lambda c: (c.ent_type_ != "PERSON", abs(c.i - current.i)))
        for child in subjects[:1]:
            if child.tag_ in ("WP", "WDT") or child.lower_ in ("who", "which", "that"):
                return (
                    current.head
                    if current.dep_ == "relcl" and current.head is not current
                    else None
                )
            return child
        if current.dep_ in ("advcl", "conj", "xcomp", "pcomp") and current.head is not current:
            current = current.head
            continue
        if current.dep_ == "ccomp" and current.tag_ == "VBG" and current.head is not current:
            current = current.head
            continue
        if current.dep_ in ("prep", "pobj") and current.head is not current and step < 4:
            current = current.head  # "beyond saying that ...", "by saying ..."
            continue
        return None
    return None


def _subject_fallback(token, para: "_Para"):
    """A cue with no parsed subject (``Commenting on X, Minister Jane Doe, said:``, ``said Doe``):
    the person named nearest to it in its sentence, outside quotations."""
    sent = token.sent
    best = None
    for ent in para.doc.ents:
        if ent.label_ not in ("PERSON", "ORG") or ent.start < sent.start or ent.end > sent.end:
            continue
        if _in_quote(para, para.offset + ent.start_char):
            continue
        if ent.end <= token.i:
            distance = token.i - ent.end
            if any(not (t.is_punct or t.is_space) for t in para.doc[ent.end : token.i]):
                continue
        elif ent.start == token.i + 1:
            distance = 0
        else:
            continue
        rank = (ent.label_ != "PERSON", distance)
        if best is None or rank < best[0]:
            best = (rank, ent)
    return best[1].root if best is not None else None


def _mention_tokens(head, strict: bool = True):
    """The subject's tokens without relative clauses (and, when strict, prepositional phrases)."""
    skip = set()
    cut = (
        ("relcl", "acl", "advcl", "ccomp", "parataxis", "prep", "conj", "cc")
        if strict
        else ("relcl", "acl", "advcl", "ccomp", "parataxis")
    )
    for tok in head.subtree:
        if tok.dep_ in cut and tok is not head:
            skip.update(t.i for t in tok.subtree)
    return [t for t in head.subtree if t.i not in skip]


def _propn_chain(head) -> tuple[int, int]:
    """Token range of a proper name headed by ``head`` (its compounds and flat name parts)."""
    left = head.i
    for tok in head.lefts:
        if tok.dep_ == "det" and tok.is_sent_start:
            continue  # a sentence-initial "The" says nothing about the name
        if tok.dep_ in ("compound", "nmod", "amod", "det", "poss", "case") and (
            tok.pos_ == "PROPN" or tok.text[:1].isupper()
        ):
            left = min(left, tok.left_edge.i if tok.dep_ != "det" else tok.i)
    right = head.i
    doc = head.doc
    while (
        right + 1 < len(doc)
        and doc[right + 1].pos_ == "PROPN"
        and doc[right + 1].head.i in (head.i, right)
    ):
        right += 1
    return left, right + 1


def _resolve_subject(
    head, para: _Para, registry: Registry
) -> tuple[Source | None, tuple[int, int] | None, bool]:
    """(source, mention span, blocked). ``blocked`` means an unidentifiable source (unnamed group, data)."""
    if head.dep_ == "appos" and head.head is not head and head.head.pos_ == "PROPN":
        head = head.head  # "Jane Doe, a councillor, who said": the name, not the title
    tokens = _mention_tokens(head)
    token_ids = {t.i for t in tokens}
    doc = head.doc
    position = para.offset + head.idx
    # 1. a person named in the subject (head or apposition), by the fullest name
    people = [e for e in doc.ents if e.label_ == "PERSON" and any(t.i in token_ids for t in e)]
    if not people and not (head.pos_ == "NOUN" and head.tag_ in ("NNS", "NNPS")):
        # an apposition hanging on a prepositional phrase: "Commissioner for England, Jane Doe,"
        # or a name after a long title: "minister for children, families and wellbeing Jane Doe"
        loose = {t.i for t in _mention_tokens(head, strict=False)}
        role_head = head.lemma_.lower() in ROLE_NOUNS
        people = [
            e
            for e in doc.ents
            if e.label_ == "PERSON"
            and any(t.i in loose for t in e)
            and (role_head or any(t.dep_ == "appos" for t in e))
        ]
    people.sort(key=lambda e: (not (e.start <= head.i < e.end), e.start))
    for ent in people:
        if ent.text.lower() in PARTIES:
            continue
        source = registry.resolve_name(ent.text)
        if source is not None:
            span = _abs(para, ent)
            registry.note_source(source, *span, subject=True)
            return source, span, False
    low = {"its": "it", "their": "they", "his": "he"}.get(head.lower_, head.lower_)
    if low in ("i", "we", "us", "me", "you"):
        return (
            None,
            None,
            True,
        )  # first person outside a quotation: the journalist or a layout speaker
    # 2. pronouns
    if low in PERSON_PRONOUNS or low in ("it", "they", "we"):
        source = registry.resolve_pronoun(low, position)
        if source is not None:
            registry.note_source(source, *_abs(para, head), subject=True)
        return source, _abs(para, head), source is None
    lemma = head.lemma_.lower()
    # 3. documents and data
    if head.pos_ in ("NOUN", "PROPN") and lemma in DATA_NOUNS:
        return None, None, True
    if head.pos_ == "NOUN" and lemma in DOC_NOUNS:
        owner = [
            c
            for c in head.children
            if c.dep_ in ("poss", "compound")
            and (c.pos_ in ("PROPN", "NOUN") or c.lower_ in ("its", "their", "his", "her"))
        ]
        for c in owner:
            if c.lower_ in (
                "its",
                "their",
            ):  # "X published its report": the owner is its clause's subject
                verb = head.head
                while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb:
                    verb = verb.head
                clause_subject = next(
                    (t for t in verb.children if t.dep_ in SUBJECT_DEPS and t.i < head.i), None
                )
                if (
                    clause_subject is not None
                    and clause_subject.lower_ not in ("it", "they")
                    and clause_subject is not head
                ):
                    src, mention, _ = _resolve_subject(clause_subject, para, registry)
                    if src is not None and src.organisation:
                        source = Source(None, src.organisation, "document")
                        return source, _abs(para, head), False
            src, mention, _ = _resolve_subject(c, para, registry)
            if src is not None:
                source = Source(None, src.organisation, "document")
                registry.note_source(source, *_abs(para, head), subject=head.dep_ in SUBJECT_DEPS)
                return source, _abs(para, head), False
        phrase = " ".join(t.text for t in tokens if t.i <= head.i)
        src = registry.resolve_nominal(lemma, position, phrase)
        if src is not None:
            source = Source(None, src.organisation, "document")
            registry.note_source(source, *_abs(para, head), subject=head.dep_ in SUBJECT_DEPS)
            return source, _abs(para, head), False
        return None, None, True
    # 4. proper names: organisations (or a person the NER missed)
    if head.pos_ == "PROPN" or (head.text.isupper() and len(head.text) >= 2):
        left, right = _propn_chain(head)
        name = doc[left:right].text
        if (
            name.lower() in PARTIES
            or name.lower().rstrip("s") in ROLE_NOUNS
            or name.lower() in ("mp", "mps", "msp", "ceo")
        ):
            return None, None, True
        source = registry.resolve_name(name)
        if source is not None:
            return (
                source,
                (
                    para.offset + doc[left].idx,
                    para.offset + doc[right - 1].idx + len(doc[right - 1].text),
                ),
                False,
            )
        span = (
            para.offset + doc[left].idx,
            para.offset + doc[right - 1].idx + len(doc[right - 1].text),
        )
        known = registry.org_name(name) != _plain(name) or name in registry.acronyms
        if looks_like_person(name) and not known:
            key = registry.add_person(name, *span, subject=True)
            if key:
                link_person_context(registry, key, *span)
            return (registry.person_source(key) if key else None), span, key is None
        start, end = registry.expand_name(*span)
        org = registry.org_name(registry.text[start:end])
        if org:
            source = Source(None, org, "organisation")
            registry.note_source(source, *span, subject=True)
            return source, span, False
        return None, None, True
    # 5. common nouns: role nouns (``the minister``), organisation nominals (``the charity``)
    if head.pos_ == "NOUN":
        phrase = " ".join(t.text for t in tokens if t.i <= head.i)
        named = next(
            (
                c
                for c in head.children
                if c.dep_ == "appos" and c.i > head.i and c.text[:1].isupper()
            ),
            None,
        )
        if named is not None and (lemma in ORG_NOUNS or lemma in ROLE_NOUNS):
            # "children's rights charity Article 39 said": the name in apposition is the source
            span = (
                para.offset + doc[named.left_edge.i].idx,
                para.offset + doc[named.right_edge.i].idx + len(doc[named.right_edge.i].text),
            )
            name = registry.text[span[0] : span[1]]
            source = registry.resolve_name(name)
            if source is None and lemma in ORG_NOUNS and not looks_like_person(name):
                org = registry.org_name(name)
                source = Source(None, org, "organisation") if org else None
            if source is not None:
                registry.note_source(source, *span, subject=True)
                return source, span, False
        if head.tag_ in ("NNS", "NNPS"):
            known = registry.actors.lookup(phrase) or registry.actors.lookup(head.text)
            if (
                known is not None and known.kind == "organisation"
            ):  # "ministers" as a body, by the alias table
                return Source(None, known.name, "organisation"), _abs(para, head), False
            return None, None, True  # unnamed groups: "campaigners say"
        if lemma in ROLE_NOUNS:
            source = registry.resolve_role(lemma, position, phrase)
        elif lemma in ORG_NOUNS:
            proper = [
                t
                for t in tokens
                if t.i < head.i and t.pos_ == "PROPN" and t.dep_ in ("compound", "amod", "nmod")
            ]
            source = None
            if proper:  # "the Northern Ireland government": the phrase names the body
                named = doc[proper[0].i : head.i + 1].text
                org = registry.org_name(named) or registry.org_name(
                    doc[proper[0].i : proper[-1].i + 1].text
                )
                known = registry.actors.lookup(doc[proper[0].i : proper[-1].i + 1].text)
                if known is not None and known.kind == "organisation":
                    org = known.name
                source = Source(None, org, "organisation") if org else None
            if source is None:
                source = registry.resolve_nominal(lemma, position, phrase)
        else:
            return None, None, True
        if source is not None:
            registry.note_source(source, *_abs(para, head), subject=True)
        return source, _abs(para, head), source is None
        return None, None, True
    return None, None, True


def _content(cue, para: _Para) -> tuple[int, int] | None:
    """The reported content of a cue as an absolute char span, or None."""
    lemma = cue.lemma_.lower()
    chosen = []
    for child in cue.children:
        if child.i < cue.i and (
            child.dep_ != "ccomp" or lemma in EVALUATIVE or lemma in PARTICLE_CUES
        ):
            continue  # objects and complements follow the cue; only a reported clause may precede it
        if child.dep_ in ("ccomp",) and not (
            child.i < cue.i and child.dep_ == "ccomp" and child.tag_ == "VBG"
        ):
            chosen.append(child)
        elif child.dep_ == "xcomp" and lemma in {
            "urge",
            "pledge",
            "promise",
            "vow",
            "call",
            "propose",
            "recommend",
            "commit",
            "push",
            "ask",
            "plead",
            "appeal",
            "lobby",
            "intend",
            "plan",
            "aim",
        }:
            chosen.append(child)
        elif child.dep_ in ("dobj", "oprd", "dative") and (
            lemma in EVALUATIVE
            or (
                lemma in {"express", "share", "raise", "voice"}
                and child.lemma_.lower() in CONCERN_NOUNS
            )
        ):
            chosen.append(child)
        elif (
            child.dep_ in ("prep", "agent")
            and child.lower_ in PREP_CONTENT
            and child.i > cue.i
            and (
                lemma in EVALUATIVE
                or lemma
                in {
                    "warn",
                    "express",
                    "share",
                    "raise",
                    "voice",
                    "push",
                    "lobby",
                    "plead",
                    "appeal",
                    "argue",
                    "ask",
                    "complain",
                }
            )
            and chosen
        ):
            chosen.append(child)
        elif (
            child.dep_ == "prep"
            and child.lower_ in ("for", "of", "about", "against")
            and child.i > cue.i
            and lemma
            in {"call", "warn", "push", "lobby", "plead", "appeal", "ask", "argue", "campaign"}
        ):
            chosen.append(child)
        elif child.dep_ in ("dobj",) and lemma in {"call", "describe", "brand", "label", "dub"}:
            chosen.append(child)
        elif (
            lemma == "pay"
            and child.dep_ == "prep"
            and child.lower_ == "to"
            and any(c.lemma_.lower() == "tribute" for c in cue.children)
        ):
            chosen.append(child)
        elif lemma in {"lobby", "press", "urge"} and child.dep_ in ("dobj", "xcomp", "ccomp"):
            chosen.append(child)
        elif (
            child.dep_ == "advcl"
            and lemma in {"call", "push", "argue", "ask", "plead", "appeal", "lobby", "campaign"}
            and any(m.dep_ == "mark" and m.lower_ == "for" for m in child.children)
        ):
            chosen.append(child)  # "calls for the government to act"
    if lemma in ("express", "share", "raise", "voice") and not any(
        c.dep_ == "dobj" for c in chosen
    ):
        return None
    for k, c in enumerate(
        list(chosen)
    ):  # "expressed concern at X", "urged caution over X": the span is X
        if c.dep_ == "dobj" and c.lemma_.lower() in CONCERN_NOUNS | {"caution"}:
            about = next(
                (
                    p
                    for p in c.children
                    if p.dep_ == "prep"
                    and p.lower_ in ("at", "about", "over", "that", "on", "with", "regarding")
                ),
                None,
            )
            pobj = (
                next((o for o in about.children if o.dep_ in ("pobj", "pcomp")), None)
                if about is not None
                else None
            )
            if pobj is not None:
                chosen[k] = pobj
    if not chosen and para.qspans:
        # a that-less clause the parser split into objects ("claiming it “sidelines” poverty")
        right = [
            c
            for c in cue.children
            if c.i > cue.i and c.dep_ in ("dobj", "attr", "oprd", "prep", "nmod", "npadvmod")
        ]
        span_tokens = [t for c in right for t in c.subtree]
        if (
            len(right) >= 2
            and span_tokens
            and any(_in_quote(para, para.offset + t.idx) for t in span_tokens)
        ):
            chosen = right
    if not chosen:
        return None
    # nested cues ("..., citing X", "..., adding that Y") start contents of their own
    nested = set()
    for t in cue.subtree:
        if (
            t is not cue
            and t.dep_ in ("advcl", "conj", "parataxis", "xcomp", "pcomp", "acl")
            and t.tag_ == "VBG"
            and t.lemma_.lower() in REPORTING
        ):
            if (
                t.dep_ != "acl" or t.head.lemma_.lower() in DOC_NOUNS
            ):  # "its report calling for ..." reports on its own
                nested.update(x.i for x in t.subtree)
    for c in cue.children:  # "welcomed X and said Y": a second finite cue is a quote of its own
        if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and c.i > cue.i:
            nested.update(x.i for x in c.subtree)
            nested.update(x.i for x in cue.children if x.dep_ == "cc" and x.i < c.i)
    # "said X, and that Y": a second reported clause is a quote of its own
    parts = []
    # (coordinated clauses under one cue stay one quote: "said X, and that Y")
    spans = []
    main = [t for c in chosen for t in c.subtree]
    for k, tokens in enumerate([main, *parts]):
        span = _token_span(
            tokens, cue, para, nested if k == 0 else set(), extend=(k == 0 and not parts)
        )
        if span is not None:
            spans.append(span)
    spans = [
        sp
        for sp in spans
        if len(re.findall(r"\w+", para.text[sp[0] - para.offset : sp[1] - para.offset])) >= 2
        or lemma in EVALUATIVE
    ]
    return spans[0] if len(spans) == 1 else (spans or None)


ADJUNCT_DEPS = {"prep", "advcl", "npadvmod", "advmod", "relcl"}
ADJUNCT_OPENERS = {
    "in",
    "at",
    "on",
    "during",
    "amid",
    "following",
    "after",
    "before",
    "as",
    "while",
    "when",
    "despite",
    "which",
    "who",
    "whose",
    "where",
    "last",
    "this",
    "earlier",
    "later",
    "speaking",
    "writing",
}


def _token_span(
    tokens, cue, para: _Para, nested: set[int], *, extend: bool
) -> tuple[int, int] | None:
    tokens = sorted(
        {t for t in tokens if t.sent == cue.sent and t.i not in nested}, key=lambda t: t.i
    )
    if not tokens:
        return None
    doc = cue.doc
    # one contiguous stretch: stop at the first gap (a nested cue, the cue itself)
    run = [tokens[0]]
    for t in tokens[1:]:
        if t.i == run[-1].i + 1 or all(
            doc[k].is_punct or doc[k].is_space for k in range(run[-1].i + 1, t.i)
        ):
            run.append(t)
        else:
            break
    left, right = run[0].i, run[-1].i
    if extend and left > cue.i:  # content after the cue runs to the end of the cue's clause
        for t in cue.subtree:
            if t.i > right and t.i not in nested and t.sent == cue.sent and right + 1 == t.i:
                right = t.i
    # a comma-separated adjunct ends the reported content (", in a debate on ...", ", amid ...")
    for k in range(left + 1, right):
        tok, nxt = doc[k], doc[k + 1]
        if nxt.lower_ == "as" and nxt.dep_ != "mark":
            continue  # ", as “a fact-finding mission”" completes the cue; ", as the DfE pledged" does not
        if (
            tok.text in (",", "–", "—")
            and nxt.lower_ in ADJUNCT_OPENERS
            and nxt.dep_ in ADJUNCT_DEPS | {"mark", "nsubj", "det", "amod"}
            and not _in_quote(para, para.offset + tok.idx)
            and _words(para.text[doc[left].idx : tok.idx]) >= 3
        ):
            right = k - 1
            break
    while right > left and doc[right].is_punct and doc[right].text in ",;–—-":
        right -= 1
    # trim the complementiser and edge punctuation
    while (
        left <= right
        and (doc[left].dep_ in ("mark", "cc", "punct", "aux", "prep") or doc[left].is_space)
        and doc[left].lower_
        in (
            "that",
            "whether",
            "and",
            "but",
            ",",
            "—",
            "–",
            "-",
            ":",
            "“",
            "‘",
            '"',
            "to",
            "for",
            "of",
            "about",
        )
    ):
        left += 1
    while right >= left and (
        doc[right].is_punct and doc[right].text not in ("”", "’", '"', ")") or doc[right].is_space
    ):
        right -= 1
    if right < left:
        return None
    start = para.offset + doc[left].idx
    end = para.offset + doc[right].idx + len(doc[right].text)
    while end > start and para.text[end - para.offset - 1] in '”’"':
        end -= 1
    while end > start and para.text[end - para.offset - 1] in " ,;:":
        end -= 1
    return (start, end) if end > start else None


def _according_to(token, para: _Para, registry: Registry) -> _Cue | None:
    """``..., according to X``: the sentence without the phrase is the content."""
    nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if nxt is None or nxt.lower_ != "to":
        return None
    objs = [c for c in nxt.children if c.dep_ == "pobj"]
    if not objs:
        return None
    source, mention, blocked = _resolve_subject(objs[0], para, registry)
    sent = token.sent
    phrase_left = token.i
    phrase_right = max(t.i for t in objs[0].subtree)
    before = [t for t in sent if t.i < phrase_left and not t.is_space]
    after = [t for t in sent if t.i > phrase_right and not t.is_space]
    side = (
        before
        if len([t for t in before if not t.is_punct]) >= len([t for t in after if not t.is_punct])
        else after
    )
    while side and side[0].is_punct and side[0].text not in '“‘"':
        side = side[1:]
    while side and side[-1].is_punct and side[-1].text not in '”’"':
        side = side[:-1]
    content = None
    if side and len(side) >= 3:
        start = para.offset + side[0].idx
        end = para.offset + side[-1].idx + len(side[-1].text)
        while end > start and para.text[end - para.offset - 1] in '”’" ,;:':
            end -= 1
        while start < end and para.text[start - para.offset] in '“‘" ':
            start += 1
        content = (start, end)
    return _Cue(token, source, mention, content, "according to", blocked or source is None)


def _noun_cue(tok, para: _Para, registry: Registry) -> _Cue | None:
    """``X's call for Y`` / ``the review's proposal to Y``: the owner is the source, the complement the content."""
    owner = next((c for c in tok.children if c.dep_ == "poss"), None)
    if owner is None:  # "calls by the union to ..."
        by = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        owner = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
    comp = [
        c
        for c in tok.children
        if (c.dep_ == "prep" and c.lower_ in ("for", "to", "that")) or c.dep_ in ("acl", "ccomp")
    ]
    if (
        owner is None
        or not comp
        or owner.lower_ in ("his", "her", "its", "their", "our", "my", "your")
    ):
        if owner is None or not comp:
            return None
    source, mention, blocked = _resolve_subject(owner, para, registry)
    tokens = sorted({t.i for c in comp for t in c.subtree if t.sent == tok.sent})
    doc = tok.doc
    left = tokens[0]
    if doc[left].lower_ in ("for", "that") and left < tokens[-1]:
        left += 1
    right = tokens[-1]
    while right > left and (
        doc[right].is_punct and doc[right].text not in '”’"' or doc[right].is_space
    ):
        right -= 1
    start = para.offset + doc[left].idx
    end = para.offset + doc[right].idx + len(doc[right].text)
    while end > start and para.text[end - para.offset - 1] in '”’" ,;:':
        end -= 1
    while start < end and para.text[start - para.offset] in '“‘" ':
        start += 1
    text = tok.text + (" " + doc[tokens[0]].text if doc[tokens[0]].lower_ in ("for", "to") else "")
    return _Cue(
        tok, source, mention, (start, end) if end > start else None, text, blocked or source is None
    )


def _left_clause_subject(cue, need_right: bool = True):
    """``X, whose members ..., said Y``: the parser may hang the subject on a clause left of the cue."""
    right = [c for c in cue.children if c.dep_ == "ccomp" and c.i > cue.i] or not need_right
    for c in cue.children:
        if c.dep_ == "ccomp" and c.i < cue.i and right:
            subj = next((t for t in c.children if t.dep_ in SUBJECT_DEPS), None)
            if subj is not None and (subj.pos_ == "PROPN" or subj.ent_type_ in ("ORG", "PERSON")):
                return subj
    return None


def _span_of(tokens, para: _Para) -> tuple[int, int] | None:
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


def _passive_cue(tok, agent, para: _Para, registry: Registry) -> _Cue | None:
    """``X was welcomed by Y`` / ``the £2bn recommended by Y``: Y is the source, X the content."""
    pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    source, mention, blocked = _resolve_subject(pobj, para, registry)
    if tok.dep_ == "acl":
        head = tok.head
        skip = {t.i for t in tok.subtree}
        tokens = [t for t in head.subtree if t.i not in skip and t.i < tok.i]
    else:
        subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
        if subj is None:
            return None
        tokens = list(subj.subtree)
    if not tokens or len([t for t in tokens if not t.is_punct]) < 2:
        return None
    span = _span_of(tokens, para)
    return _Cue(tok, source, mention, span, tok.text + " by", blocked or source is None)


def _adjective_cue(tok, para: _Para, registry: Registry) -> _Cue | None:
    """``X was (sharply) critical of Y``: a copular evaluation of a named source."""
    verb = tok.head
    if verb.lemma_ != "be":
        return None
    prep = next(
        (
            c
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ in ("of", "about", "towards", "toward")
        ),
        None,
    )
    subj = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    if prep is None or subj is None:
        return None
    source, mention, blocked = _resolve_subject(subj, para, registry)
    objs = [t for c in prep.children for t in c.subtree]
    span = _span_of(objs, para)
    text = para.text[verb.idx : prep.idx + len(prep.text)]
    return _Cue(tok, source, mention, span, text, blocked or source is None)


def _find_cues(para: _Para, registry: Registry) -> list[_Cue]:
    cues = []
    for tok in para.doc:
        char = para.offset + tok.idx
        if _in_quote(para, char):
            continue
        if (
            tok.lower_ == "according"
            and tok.i + 1 < len(para.doc)
            and para.doc[tok.i + 1].lower_ == "to"
        ):
            cue = _according_to(tok, para, registry)
            if cue is not None:
                cues.append(cue)
            continue
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in NOUN_CUES:
            cue = _noun_cue(tok, para, registry)
            if cue is not None:
                cues.append(cue)
            continue
        if tok.pos_ == "ADJ" and tok.lemma_.lower() in EVAL_ADJECTIVES and tok.dep_ == "acomp":
            cue = _adjective_cue(tok, para, registry)
            if cue is not None:
                cues.append(cue)
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in REPORTING:
            continue
        particle = PARTICLE_CUES.get(tok.lemma_.lower())
        if particle and not any(c.dep_ == "prt" and c.lower_ == particle for c in tok.children):
            continue
        agent = next((c for c in tok.children if c.dep_ == "agent"), None)
        if (
            tok.tag_ == "VBN"
            and agent is not None
            and tok.dep_ in ("ROOT", "conj", "ccomp")
            and tok.lemma_.lower() in PASSIVE_CUES
        ):
            cue = _passive_cue(
                tok, agent, para, registry
            )  # "the plan, criticised by X" / "was welcomed by X"
            if cue is not None:
                cues.append(cue)
            continue
        doc_participle = (
            tok.dep_ == "acl"
            and tok.tag_ == "VBG"
            and tok.head.lemma_.lower() in DOC_NOUNS | {"finding", "findings"}
        )
        if (
            tok.dep_ in ("amod", "compound", "acl", "relcl")
            and tok.tag_ in ("VBN", "VBG")
            and not doc_participle
        ):
            continue
        if any(c.dep_ == "neg" for c in tok.children):
            continue  # reported silence: "she did not say"
        if (
            any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
            and tok.head.lemma_.lower() not in RAISING
        ):
            continue  # "plans to announce", "expect the government to support"
        if any(c.dep_ == "aux" and c.lemma_.lower() in MODALS for c in tok.children):
            continue  # a prediction ("the government will support"), not a report
        if tok.dep_ == "xcomp" and tok.head.lemma_.lower() not in RAISING:
            continue  # "expect the government to support"
        subject = tok.head if doc_participle else _subject_of(tok)
        misparsed = False
        if (
            subject is not None
            and subject.i > tok.i
            and subject.pos_ == "NOUN"
            and tok.dep_ == "ROOT"
        ):
            # "X, whose members ..., said the focus ... was welcome": the parser took the content's
            # subject for the cue's and hung the real subject on a clause before the cue
            left = _left_clause_subject(tok, need_right=False)
            if left is not None:
                subject, misparsed = left, True
        if subject is None and tok.dep_ == "ROOT":
            subject = _left_clause_subject(tok) or _subject_fallback(tok, para)
        if subject is None:
            continue
        if _in_quote(para, para.offset + subject.idx):
            continue
        source, mention, blocked = _resolve_subject(subject, para, registry)
        content = _content(tok, para)
        if misparsed:
            content = _span_of([t for t in tok.sent if t.i > tok.i], para)
        text = tok.text
        if tok.lemma_.lower() in ("call", "describe", "brand", "label", "dub") and any(
            c.dep_ == "dobj" and c.lower_ in ("it", "them", "this") for c in tok.children
        ):
            obj = next(c for c in tok.children if c.dep_ == "dobj")
            text = para.text[tok.idx : obj.idx + len(obj.text)]
        elif particle:
            text = tok.text + " " + particle
        elif tok.lemma_.lower() == "pay" and any(
            c.dep_ == "dobj" and c.lemma_.lower() == "tribute" for c in tok.children
        ):
            text = tok.text + " tribute to"
        aux = [
            c
            for c in tok.children
            if c.dep_ in ("aux", "auxpass")
            and c.i < tok.i
            and c.i >= tok.i - 3
            and c.lower_ != "to"
        ]
        if aux and not particle and text == tok.text:
            text = para.text[aux[0].idx : tok.idx + len(tok.text)]  # "had pledged", "is calling"
        own_subject = any(c.dep_ in SUBJECT_DEPS for c in tok.children)
        if (
            blocked and tok.dep_ == "conj" and not own_subject
        ):  # "he supported X and said Y": a misparsed conjunct
            earlier = [
                c for c in cues if not c.blocked and c.token.sent == tok.sent and c.token.i < tok.i
            ]
            if earlier:
                source, mention, blocked = earlier[-1].source, earlier[-1].mention, False
        contents = content if isinstance(content, list) else [content]
        for one in contents:
            cues.append(_Cue(tok, source, mention, one, text, blocked or source is None))
    # a cue inside another cue's reported content is part of that report ("Some parents said they
    # supported X": "supported" is what the parents said, not a quote of its own)
    nested = []
    for cue in cues:
        at = para.offset + cue.token.idx
        subject = _subject_of(cue.token) if cue.text != "according to" else None
        if subject is None or subject.pos_ != "PRON":
            continue  # a named source inside a report is still a source of its own
        outer = [
            o
            for o in cues
            if o is not cue
            and o.content
            and o.text != "according to"
            and o.token.i != cue.token.i
            and o.content[0] <= at < o.content[1]
            and not (o.content[0] <= para.offset + o.token.idx < o.content[1])
        ]
        if not outer:
            continue
        if (
            all(o.source is not None and o.source == cue.source and not o.blocked for o in outer)
            and cue.content
        ):
            nested.extend(
                outer
            )  # "X said he welcomed Y": the inner cue reports X's view more exactly
        else:
            nested.append(cue)
    return [c for c in cues if c not in nested]


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", "”", '"', ":"))


def _words(text: str) -> int:
    return len(re.findall(r"[^\W_]+", text))


def _sentence_span(para: _Para, char: int) -> tuple[int, int]:
    for sent in para.doc.sents:
        s, e = _abs(para, sent)
        if s <= char < e:
            return s, e
    return para.offset, para.offset + len(para.text)


# --- per article ------------------------------------------------------------------------------


def _registry_for(article: Article, paras: list[_Para], actors: ActorTable) -> Registry:
    entities = []
    for para in paras:
        for ent in para.doc.ents:
            if ent.label_ in ("GPE", "LOC"):
                entities.append(
                    (para.offset + ent.start_char, para.offset + ent.end_char, "GPE", False)
                )
            if ent.label_ not in ("PERSON", "ORG", "NORP"):
                continue
            if ent.label_ == "NORP" and (
                ent.text.lower() not in PARTIES or ent.root.dep_ in ("amod", "compound")
            ):
                continue
            text = ent.text
            start = para.offset + ent.start_char
            end = para.offset + ent.end_char
            if (
                ent.label_ == "ORG"
                and ent[0].lower_ == "the"
                and ent[0].is_sent_start
                and len(ent) > 1
            ):
                start = (
                    para.offset + ent[1].idx
                )  # a sentence-initial "The" says nothing about the name
            # drop a possessive tail and leading article
            m = re.search(r"(?:’s|'s)$", text)
            if m:
                end -= len(m.group(0))
            root = ent.root.head if ent.root.dep_ == "appos" else ent.root
            # a main-clause subject (not the subject of a reported clause) is what later pronouns continue
            subject = root.dep_ in SUBJECT_DEPS and root.head.dep_ in ("ROOT", "conj")
            if ent.label_ == "ORG":  # complete a truncated name, stopping before a person's name
                m = ORG_NAME_RE.match(article.text, start)
                if m and m.end() > end and "\n" not in article.text[start : m.end()]:
                    stop = min(
                        [
                            para.offset + e.start_char
                            for e in para.doc.ents
                            if e.label_ == "PERSON" and para.offset + e.start_char > start
                        ]
                        + [m.end()]
                    )
                    end = max(end, min(m.end(), stop))
                    while end > start and article.text[end - 1] == " ":
                        end -= 1
            label = ent.label_
            if label == "ORG" and (
                _person_like(ent, article.text, end)
                or (looks_like_person(ent.text) and actors.lookup(ent.text) is None)
            ):
                label = "PERSON"
            entities.append((start, end, label, subject))
        covered = {t.i for e in para.doc.ents for t in e}
        people_covered = {t.i for e in para.doc.ents if e.label_ == "PERSON" for t in e}
        for tok in para.doc:  # person names the NER missed or called something else
            if (
                tok.pos_ == "PROPN"
                and tok.i not in people_covered
                and tok.dep_ in ("nsubj", "nsubjpass", "appos", "poss", "pobj", "dobj")
            ):
                left, right = _propn_chain(tok)
                name = para.doc[left:right].text
                if (
                    looks_like_person(name)
                    and actors.lookup(name) is None
                    and not any(para.doc[k].ent_type_ == "GPE" for k in range(left, right))
                ):
                    s0 = para.offset + para.doc[left].idx
                    e0 = para.offset + para.doc[right - 1].idx + len(para.doc[right - 1].text)
                    entities = [x for x in entities if not (x[0] < e0 and x[1] > s0)]
                    entities.append((s0, e0, "PERSON", tok.dep_ in SUBJECT_DEPS))
                    covered.update(range(left, right))
                    people_covered.update(range(left, right))
        for tok in para.doc:  # acronyms the NER missed
            if (
                tok.i not in covered
                and tok.pos_ == "PROPN"
                and tok.text.isupper()
                and 2 <= len(tok.text) <= 8
                and tok.text.lower() not in ("mp", "mps", "msp", "ceo", "uk", "us")
            ):
                s0 = para.offset + tok.idx
                entities.append((s0, s0 + len(tok.text), "ORG", tok.dep_ in SUBJECT_DEPS))
        # layout headers ("Name, role, Organisation") name people the NER may miss
        if para.seg.role == "heading":
            m = _LAYOUT.match(para.text)
            if m:
                entities.append((para.offset, para.offset + len(m.group("name")), "PERSON", True))
    return build_registry(article.text, entities, actors)


_ROLE_AFTER = re.compile(
    r"^\s*,\s+(?:the\s+|a\s+|an\s+)?(?:[\w’'/\-]+\s+){0,5}?(?P<noun>[\w’'\-]+)\b"
)


def _person_like(ent, text: str, end: int) -> bool:
    """An entity the NER called an organisation that reads as a person's name with a role apposition."""
    words = ent.text.split()
    if not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
        return False
    if any(bare_word(w) in ORG_NOUNS | DOC_NOUNS for w in words) or any(w.isupper() for w in words):
        return False
    after = text[end : end + 80]
    for m in re.finditer(r"[\w’'\-]+", after.split("\n")[0][:60]):
        if m.group(0).lower() in ROLE_NOUNS:
            return after.lstrip().startswith(",")
    return False


def _article_quotes(article: Article, paras: list[_Para], actors: ActorTable) -> list[Quote]:
    for para in paras:
        para.qspans = find_quote_spans(para.text)
    registry = _registry_for(article, paras, actors)
    raws: list[_Raw] = []
    carry: tuple[Source, tuple[int, int] | None, int] | None = (
        None  # current speaker, its mention, paragraph index
    )
    block: tuple[Source, tuple[int, int]] | None = None
    block_context: tuple[int, int] = (0, 0)
    for para in paras:
        if para.seg.role == "heading":
            block = _layout_header(para, registry)
            block_context = (para.offset, para.offset + len(para.text))
            carry = None
            continue
        para_raws: list[_Raw] = []
        cues = _find_cues(para, registry)
        valid = [c for c in cues if not c.blocked]
        if block is not None:
            others = [
                c
                for c in valid
                if c.source is not None
                and c.source.speaker
                and c.source != block[0]
                and not _first_person_subject(c)
            ]
            if not others:  # a statement under a "Name, title, organisation" header
                source, mention = block
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
            block = None
        consumed: set[int] = set()
        # 1. cues with content: indirect or mixed (or direct when the content is the quotation)
        for cue in valid:
            if cue.content is None:
                continue
            cs, ce = cue.content
            context = _sentence_span(para, para.offset + cue.token.idx)
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
            unquoted_words = _words(article.text[cs:ce]) - sum(
                _words(
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
                if _words(article.text[qs:qe]) <= 3 and not _within_cue_reach(best, para, q):
                    continue  # a scare quote in an attributed sentence
                context = _sentence_span(para, para.offset + best.token.idx)
                raw = _Raw(
                    qs, qe, "direct", best.source, best.mention, best.text, context, para.seg.index
                )
                para_raws.append(raw)
                attributed.append((i, raw))
                continue
            colon = _colon_source(para, q, registry)
            if colon is not None:
                source, mention = colon
                raw = _Raw(
                    qs,
                    qe,
                    "direct",
                    source,
                    mention,
                    None,
                    _sentence_span(para, max(qs - 2, para.offset)),
                    para.seg.index,
                )
                para_raws.append(raw)
                attributed.append((i, raw))
                continue
            pending.append(i)
        for i in pending:  # interrupted and continuing quotations
            q = para.qspans[i]
            qs, qe = para.offset + q.start, para.offset + q.end
            if _words(article.text[qs:qe]) <= 3:
                continue
            near = min(attributed, key=lambda a: (abs(a[0] - i), a[0] > i), default=None)
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
        if para_raws:
            last = max(para_raws, key=lambda r: r.end)
            carry = (last.source, last.mention, last.context)
        else:
            subject = _narration_subject(para, registry, valid)
            carry = subject
    return _to_records(article, raws)


def _cue_for_quote(para: _Para, q: QuoteSpan, cues: list[_Cue]) -> _Cue | None:
    """The cue attributing a quotation: in a sentence the quotation overlaps, nearest to it."""
    qs, qe = para.offset + q.start, para.offset + q.end
    sents = [_abs(para, s) for s in para.doc.sents]
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


def _within_cue_reach(cue: _Cue, para: _Para, q: QuoteSpan) -> bool:
    """A short quotation counts when it is the cue's complement (``calling it a “...”``)."""
    qs = para.offset + q.start
    sub = list(cue.token.subtree)
    lo = para.offset + sub[0].idx
    hi = para.offset + sub[-1].idx + len(sub[-1].text)
    subj = _subject_of(cue.token)
    if subj is not None:
        s_sub = list(subj.subtree)
        if para.offset + s_sub[0].idx <= qs < para.offset + s_sub[-1].idx + len(s_sub[-1].text):
            return False
    return lo <= qs < hi and (cue.content is None or cue.content[0] <= qs < cue.content[1] or True)


def _colon_source(
    para: _Para, q: QuoteSpan, registry: Registry
) -> tuple[Source, tuple[int, int]] | None:
    """``Name: “...”`` (verbless): a name or resolvable mention right before a colon."""
    head_text = para.text[: max(0, q.start - 1)].rstrip()
    if not head_text.endswith(":"):
        return None
    lead = head_text[:-1]
    cut = max(lead.rfind(". "), lead.rfind("” "))
    lead_start = cut + 2 if cut >= 0 else 0
    lead = lead[lead_start:]
    if _words(lead) > 8:
        return None
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
                return src, _abs(para, ent)
    return None


def _first_person_subject(cue: _Cue) -> bool:
    subject = _subject_of(cue.token)
    return subject is not None and subject.lower_ in ("i", "we")


def _layout_header(para: _Para, registry: Registry) -> tuple[Source, tuple[int, int]] | None:
    """``Name, title, organisation`` on a line of its own: the speaker of the paragraphs below."""
    m = _LAYOUT.match(para.text)
    if not m or _ends_sentence(para.text):
        return None
    rest = m.group("rest")
    if not (any(bare_word(w) in ROLE_NOUNS for w in rest.split()) or "," in rest):
        return None
    source = registry.resolve_name(m.group("name"))
    if source is None:
        return None
    return source, (para.offset, para.offset + len(m.group("name")))


def _narration_subject(para: _Para, registry: Registry, cues: list[_Cue]):
    """(source, mention, context) a paragraph without quotes hands on to the next one
    (``The charity also shared concerns...`` followed by a quotation)."""
    if cues:
        last = cues[-1]
        return (last.source, last.mention, _sentence_span(para, para.offset + last.token.idx))
    for sent in reversed(list(para.doc.sents)):
        root = sent.root
        subject = next((c for c in root.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is None:
            continue
        if (
            subject.pos_ == "PROPN"
            or subject.lemma_.lower() in ORG_NOUNS
            or subject.lower_ in PERSON_PRONOUNS
        ):
            source, mention, _ = _resolve_subject(subject, para, registry)
            if source is not None:
                return (source, mention, _abs(para, sent))
        return None
    return None


def _plan_continuations(
    para: _Para, registry: Registry, cues: list[_Cue], recent: Source | None
) -> list[_Raw]:
    """``It will also boost efforts to ...`` right after a body's reported statement: the same body
    goes on stating its plans. The span starts after the pronoun (codebook practice: the source
    mention is not in the span)."""
    if recent is None or recent.speaker is not None or not recent.organisation:
        return []
    out = []
    cue_ids = {c.token.i for c in cues}
    for sent in para.doc.sents:
        s_start, s_end = _abs(para, sent)
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
        span = _span_of([t for t in sent if t.i > subject.i], para)
        if span is not None:
            out.append(
                _Raw(
                    span[0],
                    span[1],
                    "indirect",
                    source,
                    _abs(para, subject),
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


def _to_records(article: Article, raws: list[_Raw]) -> list[Quote]:
    text = article.text
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
                extra={"context": text[r.context[0] : r.context[1]], "paragraph": r.paragraph},
            )
        )
    return quotes


# --- public -----------------------------------------------------------------------------------


class QuoteExtractionError(RuntimeError):
    """Quote extraction failed for one article; the message names it."""


def extract_quotes(
    articles: Iterable[tuple[Article, list[Segment]]],
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
        for number, (article, segments) in enumerate(articles):
            wanted = [s for s in segments if s.role in ("body", "heading") and s.end > s.start]
            if not wanted:
                yield "", (number, article, None)
                continue
            for k, seg in enumerate(wanted):
                yield (
                    article.text[seg.start : seg.end],
                    (number, article, (seg, k == len(wanted) - 1)),
                )

    def finish(article: Article, paras: list[_Para]) -> list[Quote]:
        try:
            body = [p for p in paras if p.seg.role in ("body", "heading")]
            return _article_quotes(article, body, actors)
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

    paras: list[_Para] = []
    for doc, (_number, article, info) in nlp.pipe(
        units(), as_tuples=True, batch_size=batch_size, n_process=n_process
    ):
        if info is None:
            yield []
            continue
        seg, last = info
        paras.append(_Para(seg, doc, seg.start, article.text[seg.start : seg.end]))
        if last:
            yield finish(article, paras)
            paras = []
