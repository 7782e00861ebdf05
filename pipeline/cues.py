"""Cues and their content in one parsed paragraph: the reporting verb, noun, adjective, passive or
``according to`` that introduces a quote; the subject token it attributes the quote to (the
source that subject names is resolved by ``pipeline.speakers.resolve_subject``); and the
character span of what was said.

``pipeline.quotes`` calls ``find_cues`` on every parsed paragraph and pairs the cues with
quotation marks and layout into quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.cue_words import (
    ADJUNCT_DEPS,
    ADJUNCT_OPENERS,
    AUTHORED_NOUNS,
    DATELINE,
    MODALS,
    PREP_CONTENT,
    RAISING,
    SPEAK_OUT_VERBS,
    STANCE_PHRASE_NOUNS,
    STANCE_PHRASE_VERBS,
    SUBJECT_DEPS,
)
from pipeline.lexicon import current as lexicon
from pipeline.quote_marks import QuoteSpan
from pipeline.records import Segment
from pipeline.speakers import (
    Registry,
    Source,
    resolve_subject,
)


@dataclass
class Para:
    seg: Segment
    doc: Any
    offset: int
    text: str
    qspans: list[QuoteSpan] = field(default_factory=list)


@dataclass
class Cue:
    token: Any
    source: Source | None
    mention: tuple[int, int] | None
    content: tuple[int, int] | None  # absolute char span
    text: str
    blocked: bool = False  # a cue whose source is not identifiable: its quotes are not quotes


# what sets a parenthetical attribution off ("The town, Doe noted, rarely floods")
PARENTHESIS = frozenset({",", "—", "–", "-", "("})
# marks of a clause that adds a second statement ("..., although he cautioned that ...")
CONCESSIVE = frozenset({"although", "though", "while", "whereas"})


# --- helpers ----------------------------------------------------------------------------------


def abs_span(para: Para, token_or_span) -> tuple[int, int]:
    if hasattr(token_or_span, "idx"):
        return para.offset + token_or_span.idx, para.offset + token_or_span.idx + len(
            token_or_span.text
        )
    return para.offset + token_or_span.start_char, para.offset + token_or_span.end_char


def _in_quote(para: Para, char: int) -> bool:
    return any(para.offset + q.start <= char < para.offset + q.end for q in para.qspans)


def subject_of(token):
    """The subject of a cue: its own, the antecedent of a relative pronoun, or (participles,
    conjoined and open-complement verbs) its head's."""
    current = token
    for step in range(5):
        own = [c for c in current.children if c.dep_ in SUBJECT_DEPS]
        if own and current.tag_ == "VBG" and current.dep_ == "pcomp":
            return own[0]  # "with Tom Reid calling the plan a disgrace": the participle's own
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
                and current.head.lemma_.lower() in lexicon().reporting_verbs
            ):
                current = current.head  # a participle misattached inside the reported clause
            continue
        subjects = [c for c in current.children if c.dep_ in SUBJECT_DEPS]
        subjects.sort(key=lambda c: (c.ent_type_ != "PERSON", abs(c.i - current.i)))
        for child in subjects[:1]:
            if child.tag_ in ("WP", "WDT") or child.lower_ in ("who", "which", "that"):
                if current.dep_ != "relcl" or current.head is current:
                    return None
                return _who_antecedent(current.head) if child.lower_ == "who" else current.head
            return _opening_participle_name(child) or child
        if current.dep_ in ("advcl", "conj", "xcomp", "pcomp") and current.head is not current:
            current = current.head
            continue
        if current.dep_ == "ccomp" and current.tag_ == "VBG" and current.head is not current:
            current = current.head
            continue
        if sibling_cue(current):
            current = current.head
            continue
        if current.dep_ in ("prep", "pobj") and current.head is not current and step < 4:
            current = current.head  # "beyond saying that ...", "by saying ..."
            continue
        return None
    return None


def _opening_participle_name(subject):
    """``Opening for Labour, Jo Doe, the shadow minister, argued``: the parser makes the opening
    participle the subject and hangs the name inside its phrase; the name after its comma is
    who spoke."""
    if subject.tag_ != "VBG" or subject.i != subject.sent.start:
        return None
    tokens = list(subject.subtree)
    for k, t in enumerate(tokens[:-1]):
        if t.text == ",":
            after = tokens[k + 1]
            if after.ent_type_ == "PERSON" and after.ent_iob_ == "B":
                end = after.i
                while end + 1 < len(after.doc) and after.doc[end + 1].ent_iob_ == "I":
                    end += 1
                return after.doc[end]
            return None
    return None


def _who_antecedent(head):
    """``Jo Doe, policy director at the Centre for Family Poverty, who said``: the parser hangs
    "who" on the nearest noun; a person the noun phrase describes is who spoke."""
    walk = head
    for _ in range(6):
        if walk.ent_type_ == "PERSON":
            return walk
        if walk.dep_ not in ("pobj", "prep", "appos", "compound") or walk.head is walk:
            break
        walk = walk.head
    return head


def _subject_fallback(token, para: "Para"):
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


def _called_on(cue):
    """The object of ``on`` / ``upon`` in ``called on X to ...``, or None."""
    if cue.lemma_.lower() != "call":
        return None
    for prep in cue.children:
        if prep.dep_ == "prep" and prep.lower_ in ("on", "upon") and prep.i == cue.i + 1:
            return next((o for o in prep.children if o.dep_ == "pobj"), None)
    return None


def _preposition_object(cue):
    """The object of the preposition that a ``preposition_cues`` verb reports with, right after
    it (``pointed to the £36m``), or None."""
    prep = lexicon().preposition_cues.get(cue.lemma_.lower())
    if prep is None or cue.i + 1 >= len(cue.doc):
        return None
    nxt = cue.doc[cue.i + 1]
    if nxt.lower_ != prep or nxt.head.i != cue.i or nxt.dep_ not in ("prep", "dative"):
        return None
    return next((c for c in nxt.children if c.dep_ in ("pobj", "pcomp")), None)


def stance_phrase_object(cue):
    """``argued in favour of X``, ``spoke out in support of X``: X (the object of ``of``), for a
    verb of ``STANCE_PHRASE_VERBS``; or the ``against`` phrase of ``spoke out against X``; else
    None."""
    if cue.lemma_.lower() not in STANCE_PHRASE_VERBS:
        return None
    for prep in cue.children:
        if prep.dep_ != "prep" or prep.i < cue.i:
            continue
        if prep.lower_ == "against" and cue.lemma_.lower() in SPEAK_OUT_VERBS:
            return prep
        if prep.lower_ == "in":
            noun = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if noun is not None and noun.lower_ in STANCE_PHRASE_NOUNS:
                of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
                obj = (
                    None if of is None else next((c for c in of.children if c.dep_ == "pobj"), None)
                )
                if obj is not None:
                    return obj
    return None


def _speaks_out(tok) -> bool:
    """``spoke out against X``, ``came out in favour of X``: a stance without a reporting verb."""
    return (
        tok.pos_ == "VERB"
        and tok.lemma_.lower() in SPEAK_OUT_VERBS
        and any(c.dep_ == "prt" and c.lower_ == "out" for c in tok.children)
        and stance_phrase_object(tok) is not None
    )


def _as_put_it(tok) -> bool:
    """``As Jo Doe put it, "..."``, ``Jo Doe put it best: "..."``: a cue for the quotation it
    introduces."""
    return (
        tok.lemma_.lower() == "put"
        and any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children)
        and (
            any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)
            or any(t.text == ":" for t in tok.sent if t.i > tok.i)  # "X put it well: '...'"
        )
    )


def _cc_before(token, cue) -> set[int]:
    """The conjunction right before ``token`` (punctuation between allowed), wherever the parser
    hung it: ``… of fares but warned``."""
    k = token.i - 1
    while k > cue.i and token.doc[k].is_punct:
        k -= 1
    return {k} if k > cue.i and token.doc[k].dep_ == "cc" else set()


def sibling_cue(token) -> bool:
    """``said her members "would welcome" X but warned that Y``: the parser may hang the second
    cue on the first as a second complement. It is the source's second statement when it is a
    reporting verb in the first cue's form with no subject or auxiliary of its own, after another
    complement of the first cue, with ``but``/``and`` between them."""
    head = token.head
    if (
        token.dep_ != "ccomp"
        or head is token
        or token.i < head.i
        or head.lemma_.lower() not in lexicon().reporting_verbs
        or token.lemma_.lower() not in lexicon().reporting_verbs
        or token.tag_ != head.tag_
        or token.tag_ not in ("VBD", "VBZ", "VBP")
        or any(c.dep_ in SUBJECT_DEPS | {"aux", "auxpass"} for c in token.children)
    ):
        return False
    before = [c for c in head.children if c.dep_ == "ccomp" and head.i < c.i < token.i]
    return bool(before) and any(
        t.dep_ == "cc" and t.lower_ in ("but", "and") for t in token.doc[before[-1].i : token.i]
    )


def coordinated_cue(clause, cue):
    """``Pilots warned the rota was unsafe and called on ministers to scrap it``: the parser hangs
    the second cue (``called``) on the reported clause (``was``), although it is the source's
    second statement. The conjunct counts as a cue of the outer source when it is a reporting verb
    in the outer cue's form with no subject or auxiliary of its own, and the clause has a subject
    of its own (so the conjunct cannot share it)."""
    if clause.dep_ != "ccomp" or clause.i < cue.i:
        return None
    if not any(c.dep_ in SUBJECT_DEPS for c in clause.children):
        return None
    for conj in clause.children:
        if (
            conj.dep_ == "conj"
            and conj.i > clause.i
            and conj.pos_ == "VERB"
            and conj.tag_ == cue.tag_
            and conj.tag_ in ("VBD", "VBZ", "VBP")
            and conj.lemma_.lower() in lexicon().reporting_verbs
            and not any(c.dep_ in SUBJECT_DEPS | {"aux", "auxpass"} for c in conj.children)
        ):
            return conj
    return None


def second_statement(token) -> bool:
    """``..., although he cautioned that Y``: a finite reporting verb with a subject of its own in
    a concessive clause reports a second statement, not part of the first one's content."""
    return (
        token.dep_ == "advcl"
        and token.lemma_.lower() in lexicon().reporting_verbs
        and token.lemma_.lower() not in RAISING  # "while demand continued to climb"
        and any(c.dep_ == "mark" and c.lower_ in CONCESSIVE for c in token.children)
        and any(c.dep_ in SUBJECT_DEPS for c in token.children)
    )


def _clause_after_object(cue, child):
    """``reminded MPs that X`` parsed with the that-clause under the object (``MPs``): the
    clause X, when ``child`` is the cue's object and the cue has no clause of its own."""
    if child.dep_ not in ("dobj", "dative") or child.i < cue.i:
        return None
    if any(c.dep_ == "ccomp" for c in cue.children):
        return None
    return _that_clause_under(child)


def _that_clause_under(token):
    """A that-clause the parser hung on ``token`` (a noun), or None."""
    for clause in token.children:
        if clause.dep_ in ("acl", "relcl", "ccomp") and any(
            m.dep_ == "mark" and m.lower_ == "that" for m in clause.children
        ):
            return clause
    return None


def _clause_after_medium(cue, child):
    """``said in a statement that X`` parsed with the that-clause under the noun (``statement``):
    the clause X, when ``child`` is the cue's ``in`` phrase and the cue has no clause of its own."""
    if child.dep_ != "prep" or child.lower_ != "in" or child.i < cue.i:
        return None
    if any(c.dep_ == "ccomp" for c in cue.children):
        return None
    for pobj in child.children:
        if pobj.dep_ == "pobj" and (clause := _that_clause_under(pobj)) is not None:
            return clause
    return None


def _inverted_attribution(cue, clause, para: Para) -> bool:
    """``Fares should be frozen, the review has recommended.``: a finite clause with a subject of
    its own, then a comma, the cue's subject and the cue, which takes no object of its own. Only
    then may a cue that usually takes an object (recommend, propose, pledge) report the clause
    before it."""
    subject = next((c for c in cue.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is None or not clause.i < subject.i < cue.i:
        return False
    if any(c.dep_ in ("dobj", "ccomp", "xcomp") and c.i > cue.i for c in cue.children):
        return False
    if not any(c.dep_ in SUBJECT_DEPS for c in clause.children):
        return False
    between = para.doc[clause.right_edge.i + 1 : subject.left_edge.i]
    return any(t.text == "," for t in between) and all(t.is_punct for t in between)


_ATTRIBUTION_TAIL = frozenset({"prep", "npadvmod", "advmod", "punct", "agent", "aux", "neg"})


def final_attribution(cue, para: Para):
    """``England should set up joint units, a national review said on Thursday.``: the parser
    may hang a sentence-final attribution on the clause it reports (as its conjunct) or the
    clause on the cue (as an adverbial). When the cue ends its sentence with nothing after it
    but adverbials, and a noun phrase set off by a comma stands right before it, that phrase is
    the source and the clause before the comma the content. Returns (subject head, content span)
    or None."""
    if cue.lemma_.lower() not in lexicon().reporting_verbs or cue.tag_ not in ("VBD", "VBZ", "VBN"):
        return None
    sent = cue.sent
    after = [t for t in sent if t.i > cue.i]
    if any(not (t.is_punct or t.is_space) and not _in_cue_tail(t, cue) for t in after):
        return None
    k = cue.i - 1  # the subject's head: the noun right before the cue and its auxiliaries
    while k > sent.start and cue.doc[k].dep_ in ("aux", "advmod", "neg") and cue.doc[k].i < cue.i:
        k -= 1
    head = cue.doc[k]
    while (
        head.dep_ in ("pobj", "prep", "compound", "amod", "nmod", "poss", "case")
        and head.head.i < head.i
    ):
        head = head.head  # "a national review of the murders of two children": "review"
    if head.pos_ not in ("NOUN", "PROPN") or head.i == sent.start:
        return None
    left = head.left_edge.i
    if left <= sent.start or cue.doc[left - 1].text not in (",", "—", "–"):
        return None
    clause = [t for t in sent if t.i < left - 1 and not t.is_space]
    finite = any(
        t.pos_ in ("VERB", "AUX") and t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in clause
    )
    if not finite and not (any(t.pos_ == "VERB" for t in clause) and len(clause) >= 8):
        return None  # (the parser may take a finite verb for a noun: "approach ... risks leaving")
    span = span_of(clause, para)
    if span is None:
        return None
    text = para.text[span[0] - para.offset : span[1] - para.offset]
    dateline = DATELINE.match(text)
    if dateline:
        span = (span[0] + dateline.end(), span[1])
        text = text[dateline.end() :]
    if count_words(text) < 4 or _in_quote(para, span[0]):
        return None  # a quotation before "..., she said" is the direct rule's
    return head, span


def _in_cue_tail(tok, cue) -> bool:
    """A token after a final cue that only says when or how it was said."""
    walk = tok
    while walk.i != cue.i and walk.head.i != walk.i:  # (spaCy makes a new Token per access)
        if walk.head.i == cue.i:
            return walk.dep_ in _ATTRIBUTION_TAIL
        walk = walk.head
    return walk.i == cue.i


def _parenthetical_content(cue, para: Para) -> list[tuple[int, int]] | None:
    """``The town, Doe noted, rarely floods`` / ``..., as Doe pointed out, ...``: a cue set off by
    commas or dashes inside the clause it reports, with no object or clause of its own. The clause
    around it is the content: one quote per piece either side of the attribution (codebook §1)."""
    head = cue.head
    if head is cue or head.pos_ not in ("VERB", "AUX"):
        return None
    if cue.dep_ == "advcl":
        # only inside the clause: a trailing "..., as the review recommended" agrees with a
        # clause that is someone else's (or the journalist's) and says only part of it
        if cue.i > head.i or not any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children):
            return None
    elif not (cue.dep_ == "parataxis" or (cue.dep_ == "ccomp" and cue.i < head.i)):
        return None
    opening_as = cue.lemma_.lower() in lexicon().as_clause_cues and any(
        c.dep_ == "mark" and c.lower_ == "as" and c.i == cue.sent.start for c in cue.children
    )  # "As Doe pointed out, the town rarely floods"
    if any(c.dep_ in ("ccomp", "dobj", "xcomp", "attr", "oprd", "dative") for c in cue.children):
        return None
    doc = cue.doc
    subject = next((c for c in cue.children if c.dep_ in SUBJECT_DEPS and c.i < cue.i), None)
    # the attribution runs from its subject; the parser may hang a clause before it on the cue
    left = cue.left_edge.i
    if subject is not None and any(
        c.i < subject.i and c.dep_ not in ("mark", "punct") for c in cue.children
    ):
        left = subject.left_edge.i
    right = cue.right_edge.i
    while left < cue.i and doc[left].is_punct:
        left += 1  # the parser may hang the enclosing commas on the cue
    while right > cue.i and doc[right].is_punct:
        right -= 1
    if opening_as:
        left = cue.sent.start + 1  # after "As"
        if right + 1 >= len(doc) or doc[right + 1].text not in (",", "—", "–"):
            return None
    elif left == 0 or doc[left - 1].text not in PARENTHESIS:
        return None
    if right + 1 < len(doc) and not (doc[right + 1].is_punct or doc[right + 1].is_space):
        return None
    tokens = [
        t
        for t in head.subtree
        if not left - 1 <= t.i <= right + 1 and t.sent == cue.sent and not t.is_space
    ]
    pieces = [[t for t in tokens if t.i < left], [t for t in tokens if t.i > right]]
    spans = []
    for piece in pieces:
        if head not in piece and not any(t.pos_ in ("VERB", "AUX") for t in piece):
            continue  # "The town, as Doe noted, rarely floods": the subject alone is no quote
        span = span_of(piece, para) if piece else None
        if (
            span is not None
            and count_words(para.text[span[0] - para.offset : span[1] - para.offset]) >= 2
        ):
            spans.append(span)
    return spans or None


def _light_without_concern(tok) -> bool:
    """``raise``, ``express``, ``share``, ``voice`` report only with a concern noun as object
    (``raising concerns``, not ``raising fares``)."""
    return tok.lemma_.lower() in {"express", "share", "raise", "voice"} and not any(
        c.dep_ == "dobj" and c.lemma_.lower() in lexicon().concern_nouns for c in tok.children
    )


# verbs that evaluate only by naming their object something: "called the plan a disgrace",
# not "called a meeting"
NAMING_VERBS = frozenset({"call", "brand", "label", "dub"})
# verbs that also mean serving people: "supports 4,000 families" is no stance
SERVING_VERBS = frozenset({"support"})


def _content(cue, para: Para) -> tuple[int, int] | None:
    """The reported content of a cue as an absolute char span, or None."""
    lemma = cue.lemma_.lower()
    naming = any(c.dep_ in ("oprd", "xcomp", "acomp") for c in cue.children) or any(
        c.dep_ == "dobj"
        and (
            c.lower_ in ("it", "them", "this")
            or c.pos_ == "ADJ"
            or any(t.is_quote for t in c.subtree)
        )
        for c in cue.children
    )
    chosen = []
    for child in cue.children:
        if child.i < cue.i and (
            child.dep_ != "ccomp"
            or (
                (lemma in lexicon().evaluative_verbs or lemma in lexicon().particle_cues)
                and not _inverted_attribution(cue, child, para)
            )
        ):
            continue  # objects and complements follow the cue; only a reported clause may precede it
        if child.dep_ in ("ccomp",) and not (
            child.i < cue.i
            and child.dep_ == "ccomp"
            and child.tag_ == "VBG"
            # a progressive clause ("Farms are flooding, he noted") is reported; a bare participle
            # before the cue is not
            and not any(a.dep_ == "aux" for a in child.children)
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
            "threaten",
            "warn",
        }:
            chosen.append(child)
        elif child.dep_ in ("dobj", "oprd", "dative") and (
            (
                lemma in lexicon().evaluative_verbs
                and (lemma not in NAMING_VERBS or naming)
                and not (
                    lemma in SERVING_VERBS and child.lemma_.lower() in lexicon().beneficiary_nouns
                )
            )
            or (
                lemma in {"express", "share", "raise", "voice"}
                and child.lemma_.lower() in lexicon().concern_nouns
            )
        ):
            chosen.append(child)
        elif (
            child.dep_ in ("prep", "agent")
            and child.lower_ in PREP_CONTENT
            and child.i > cue.i
            and (
                lemma in lexicon().evaluative_verbs
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
        elif child.dep_ == "dobj" and lemma == "describe":
            chosen.append(child)
        elif (
            child.dep_ == "prep"
            and (obj := stance_phrase_object(cue)) is not None
            and (obj.i == child.i or obj.head.head.head.i == child.i)
        ):
            chosen.append(obj)  # "spoke out in favour of X": X; "spoke out against X"

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
        elif (
            child.dep_ in ("prep", "dative")
            and child.i == cue.i + 1
            and (obj := _preposition_object(cue)) is not None
        ):
            chosen.append(obj)  # "pointed to X": X
        elif (clause := _clause_after_object(cue, child)) is not None:
            chosen.append(clause)  # "reminded MPs that X" parsed with X under "MPs"
        elif (clause := _clause_after_medium(cue, child)) is not None:
            chosen.append(clause)  # "said in a written submission that X": X, not the submission
    if lemma in ("express", "share", "raise", "voice") and not any(
        c.dep_ == "dobj" for c in chosen
    ):
        return None
    addressee = _called_on(cue)
    if addressee is not None and any(c.dep_ == "xcomp" and c.i > addressee.i for c in chosen):
        chosen.append(addressee)  # "called on ministers to act": who is called on, then what
    for k, c in enumerate(
        list(chosen)
    ):  # "expressed concern at X", "urged caution over X": the span is X
        if c.dep_ == "dobj" and c.lemma_.lower() in lexicon().concern_nouns | {"caution"}:
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
            clause = next(  # "raised concerns that X": X
                (
                    x
                    for x in c.children
                    if x.dep_ in ("acl", "ccomp", "relcl")
                    and any(m.dep_ == "mark" and m.lower_ == "that" for m in x.children)
                ),
                None,
            )
            if pobj is not None:
                chosen[k] = pobj
            elif clause is not None:
                chosen[k] = clause
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
    if not chosen and cue.i + 1 < len(cue.doc):
        # "argued that co-operatives, which ..., should be ...": the parser lost the clause that
        # "that" opens and hung its pieces on the cue as objects and conjuncts
        mark = cue.doc[cue.i + 1]
        if mark.lower_ == "that" and mark.dep_ == "mark" and mark.head.i > cue.i:
            rest = [t for t in cue.sent if t.i > mark.i]
            while rest and (rest[-1].is_punct or rest[-1].is_space):
                rest.pop()
            return span_of(rest, para) if count_words(" ".join(t.text for t in rest)) >= 2 else None
    if not chosen:
        return None
    # nested cues ("..., citing X", "..., adding that Y") start contents of their own
    nested = set()
    for t in cue.subtree:
        if (
            t is not cue
            and t.dep_ in ("advcl", "conj", "parataxis", "xcomp", "pcomp", "acl")
            and t.tag_ == "VBG"
            and t.lemma_.lower() in lexicon().reporting_verbs
            and not _light_without_concern(t)  # "criticised X for raising fares"
        ):
            if (
                t.dep_ != "acl" or t.head.lemma_.lower() in lexicon().document_nouns
            ):  # "its report calling for ..." reports on its own
                nested.update(x.i for x in t.subtree)
    for t in cue.subtree:  # "called X welcome, although he cautioned that Y": a second statement
        if t.i != cue.i and second_statement(t):
            nested.update(x.i for x in t.subtree)
    for c in cue.children:  # "welcomed X and said Y": a second finite cue is a quote of its own
        if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and c.i > cue.i:
            nested.update(x.i for x in c.subtree)
            nested.update(x.i for x in cue.children if x.dep_ == "cc" and x.i < c.i)
            nested.update(_cc_before(c, cue))
    for clause in chosen:  # "indicated that X, and the strategy claims that Y": another report
        for conj in clause.subtree:
            if (
                conj.dep_ == "conj"
                and conj.head.i == clause.i
                and conj.lemma_.lower() in lexicon().reporting_verbs
                and any(c.dep_ in SUBJECT_DEPS for c in conj.children)
                and any(c.dep_ == "ccomp" and c.i > conj.i for c in conj.children)
            ):
                nested.update(x.i for x in conj.subtree)
                nested.update(x.i for x in clause.children if x.dep_ == "cc" and x.i < conj.i)
    for c in chosen:  # the same, parsed as a second complement (sibling_cue)
        if sibling_cue(c):
            nested.update(x.i for x in c.subtree)
            nested.update(_cc_before(c, cue))
    for clause in chosen:  # the same, parsed inside the reported clause (coordinated_cue)
        second = coordinated_cue(clause, cue)
        if second is not None:
            nested.update(x.i for x in second.subtree)
            nested.update(x.i for x in clause.children if x.dep_ == "cc" and x.i < second.i)
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
        or lemma in lexicon().evaluative_verbs
    ]
    return spans[0] if len(spans) == 1 else (spans or None)


def _token_span(
    tokens, cue, para: Para, nested: set[int], *, extend: bool
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
        clause = nxt.head if nxt.head.dep_ == "relcl" else None
        if (
            clause is not None
            and clause.head.dep_ in SUBJECT_DEPS
            and clause.right_edge.i < clause.head.head.i <= right
        ):
            continue  # "that the programme, which began last year, was slow": inside the clause
        if (
            tok.text in (",", "–", "—")
            and nxt.lower_ in ADJUNCT_OPENERS
            and nxt.dep_ in ADJUNCT_DEPS | {"mark", "nsubj", "det", "amod"}
            and not _in_quote(para, para.offset + tok.idx)
            and count_words(para.text[doc[left].idx : tok.idx]) >= 3
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


def document_author(tok):
    """The named author of an unowned document: ``a letter from Doe``, ``a report by the trust``,
    ``a complaint filed by the trust``, ``a speech Doe gave``; None for anything else, and for
    data (``a survey by X`` reports findings, not a statement: codebook §1)."""
    lemma = tok.lemma_.lower()
    if lemma not in lexicon().document_nouns | AUTHORED_NOUNS or lemma in lexicon().data_nouns:
        return None
    if any(c.dep_ == "poss" for c in tok.children):
        return None
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            return next((c for c in child.children if c.dep_ == "pobj"), None)
        if child.dep_ == "acl" and child.tag_ == "VBN":
            agent = next((c for c in child.children if c.dep_ == "agent"), None)
            if agent is not None:
                return next((c for c in agent.children if c.dep_ == "pobj"), None)
        if child.dep_ == "relcl":
            subject = next((c for c in child.children if c.dep_ in SUBJECT_DEPS), None)
            if subject is not None and subject.tag_ not in ("WP", "WDT") and subject.pos_ != "PRON":
                return subject
    return None


def _resolve_source(subject, para: Para, registry: Registry):
    """``resolve_subject``, falling back on a document's named author when the document itself
    names no source."""
    source, mention, blocked = resolve_subject(subject, para.offset, registry)
    if source is None or blocked:
        author = document_author(subject)
        if author is not None:
            return resolve_subject(author, para.offset, registry)
    return source, mention, blocked


def _for_source(token, para: Para, registry: Registry) -> Cue | None:
    """``For the Foster Collective (FC), the report is “a genuine new deal”.``: a named source
    opening the sentence with "For" and a comma gives the quoted verdict after it (only with
    quotation marks there: "For the first time, ..." and "For England, ..." report nothing)."""
    pobj = next((c for c in token.children if c.dep_ == "pobj"), None)
    if pobj is None or pobj.pos_ != "PROPN" or pobj.ent_type_ in ("GPE", "LOC", "DATE", "EVENT"):
        return None
    doc = token.doc
    comma = pobj.right_edge.i + 1
    while (
        comma < token.sent.end
        and doc[comma].text in (")", "(")
        or (comma < token.sent.end and doc[comma].text.isupper() and doc[comma - 1].text == "(")
    ):
        comma += 1  # "(FC)"
    if comma >= token.sent.end - 1 or doc[comma].text != ",":
        return None
    rest = [t for t in token.sent if t.i > comma]
    span = span_of(rest, para)
    if span is None or not any(
        span[0] < para.offset + q.end and para.offset + q.start < span[1] for q in para.qspans
    ):
        return None
    source, mention, blocked = resolve_subject(pobj, para.offset, registry)
    if source is None or blocked:
        return None
    return Cue(token, source, mention, span, token.text, False)


def _according_to(token, para: Para, registry: Registry) -> Cue | None:
    """``..., according to X``: the sentence without the phrase is the content."""
    nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if nxt is None or nxt.lower_ != "to":
        return None
    objs = [c for c in nxt.children if c.dep_ == "pobj"]
    if not objs:
        return None
    source, mention, blocked = _resolve_source(objs[0], para, registry)
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
    return Cue(token, source, mention, content, "according to", blocked or source is None)


# Verbs that only deliver a nominal cue: the subject of "issued a call for" is the call's owner.
LIGHT_VERBS = frozenset(
    {"issue", "make", "renew", "repeat", "reiterate", "lead", "voice", "echo", "step"}
)
# Nominal cues whose "of" phrase is what was said ("her warning of job losses").
OF_CONTENT = frozenset({"warning", "criticism"})


def _noun_owner(tok):
    """Who a nominal cue belongs to, and the light verb that delivered it (or None): the
    possessor (``the union's call``), a ``by`` / ``from`` phrase (``calls from the union``), a
    name compounded before it (``a Labour pledge``), the name a bare ``-ing`` appositive hangs on
    (``Doe, warning of cuts, ...``: a participle parsed as a noun), or the subject of a light verb
    (``the union issued a call for``) that is neither negated nor a prediction."""
    owner = next((c for c in tok.children if c.dep_ == "poss"), None)
    if owner is not None:
        return owner, None
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in ("by", "from"):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj, None
    names = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    if names:
        return names[-1], None
    if (
        tok.dep_ == "appos"
        and tok.lower_.endswith("ing")
        and tok.head.pos_ == "PROPN"
        and not any(c.dep_ == "det" for c in tok.children)
    ):
        return tok.head, None
    verb = tok.head
    if (
        tok.dep_ == "dobj"
        and verb.lemma_.lower() in LIGHT_VERBS
        and not any(c.dep_ == "neg" for c in verb.children)
        and not any(c.dep_ == "aux" and c.lemma_.lower() in MODALS | {"to"} for c in verb.children)
    ):
        subject = subject_of(verb)
        if subject is not None:
            return subject, verb
    return None, None


def _noun_cue(tok, para: Para, registry: Registry) -> Cue | None:
    """``X's call for Y`` / ``the review's proposal to Y``: the owner is the source, the complement the content."""
    owner, light = _noun_owner(tok)
    heads = (
        ("for", "to", "that", "of") if tok.lemma_.lower() in OF_CONTENT else ("for", "to", "that")
    )
    if light is not None:
        heads = tuple(h for h in heads if h != "to")  # "made a call to the police": an addressee
    comp = [
        c
        for c in tok.children
        if (c.dep_ == "prep" and c.lower_ in heads) or c.dep_ in ("acl", "ccomp")
    ]
    if not comp and light is not None:  # "made a plea for calm": the parser hangs "for" on the verb
        comp = [c for c in light.children if c.dep_ == "prep" and c.lower_ == "for" and c.i > tok.i]
    copula = tok.head if tok.dep_ == "nsubj" and tok.head.lemma_ == "be" else None
    if copula is not None and not comp and light is None:
        # "the charity's view is that X", "its central recommendation is X"
        # (a noun phrase only after a noun that always reports: "her position is chair" is no view)
        kinds = ("ccomp", "attr") if tok.lemma_.lower() in lexicon().noun_cues else ("ccomp",)
        comp = [c for c in copula.children if c.dep_ in kinds and c.i > tok.i]
    elif tok.lemma_.lower() not in lexicon().noun_cues:
        return None  # "view", "position" report only through "is"
    if (
        owner is None
        or not comp
        or owner.lower_ in ("his", "her", "its", "their", "our", "my", "your")
    ):
        if owner is None or not comp:
            return None
    source, mention, blocked = resolve_subject(owner, para.offset, registry)
    tokens = sorted({t.i for c in comp for t in c.subtree if t.sent == tok.sent})
    doc = tok.doc
    left = tokens[0]
    if doc[left].lower_ in ("for", "that", "of") and left < tokens[-1]:
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
    return Cue(
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


def _as_phrase_agent(tok):
    """The ``by`` phrase a parser hung inside ``as …`` (``described as “X” by Y``)."""
    if tok.tag_ != "VBN":
        return None
    as_prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "as"), None)
    if as_prep is None:
        return None
    return next(
        (
            t
            for t in as_prep.subtree
            if t.dep_ in ("prep", "agent") and t.lower_ == "by" and t.i > as_prep.i
        ),
        None,
    )


def _passive_cue(tok, agent, para: Para, registry: Registry) -> Cue | None:
    """``X was welcomed by Y`` / ``the £2bn recommended by Y``: Y is the source, X the content."""
    pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    source, mention, blocked = resolve_subject(pobj, para.offset, registry)
    as_prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "as"), None)
    if as_prep is not None:  # "X was described as “a blunt instrument” by Y": what Y called it
        by_part = {t.i for t in agent.subtree} if agent.head is not tok else set()
        complement = [t for t in as_prep.subtree if t is not as_prep and t.i not in by_part]
        span = span_of(complement, para) if complement else None
        if span is not None:
            return Cue(tok, source, mention, span, tok.text + " as", blocked or source is None)
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
    span = span_of(tokens, para)
    return Cue(tok, source, mention, span, tok.text + " by", blocked or source is None)


def _adjective_cue(tok, para: Para, registry: Registry) -> Cue | None:
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
    source, mention, blocked = resolve_subject(subj, para.offset, registry)
    objs = [t for c in prep.children for t in c.subtree]
    span = span_of(objs, para)
    text = para.text[verb.idx : prep.idx + len(prep.text)]
    return Cue(tok, source, mention, span, text, blocked or source is None)


def find_cues(para: Para, registry: Registry) -> list[Cue]:
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
        if tok.lower_ == "for" and tok.i == tok.sent.start:
            cue = _for_source(tok, para, registry)
            if cue is not None:
                cues.append(cue)
            continue
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in (
            lexicon().noun_cues | lexicon().copular_noun_cues
        ):
            cue = _noun_cue(tok, para, registry)
            if cue is not None:
                cues.append(cue)
            continue
        if (
            tok.pos_ == "ADJ"
            and tok.lemma_.lower() in lexicon().evaluative_adjectives
            and tok.dep_ == "acomp"
        ):
            cue = _adjective_cue(tok, para, registry)
            if cue is not None:
                cues.append(cue)
            continue
        if (
            tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in lexicon().reporting_verbs
        ) and not (_speaks_out(tok) or _as_put_it(tok)):
            continue
        particle = lexicon().particle_cues.get(tok.lemma_.lower())
        by_preposition = _preposition_object(tok) is not None
        if particle and not any(c.dep_ == "prt" and c.lower_ == particle for c in tok.children):
            if not by_preposition:
                continue
            particle = None  # "pointed to X"
        agent = next((c for c in tok.children if c.dep_ == "agent"), None) or _as_phrase_agent(tok)
        if (
            tok.tag_ == "VBN"
            and agent is not None
            and tok.dep_ in ("ROOT", "conj", "ccomp")
            and tok.lemma_.lower() in lexicon().passive_cues
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
            and tok.head.lemma_.lower() in lexicon().document_nouns | {"finding", "findings"}
        )
        # "Baroness Doe of X, the party's spokesperson, called for ...": the parser made the name
        # the sentence's root and the cue a participle hanging on it
        name_root = (
            tok.dep_ == "acl"
            and tok.tag_ == "VBN"
            and tok.head.dep_ == "ROOT"
            and tok.head.pos_ == "PROPN"
            and tok.head.i < tok.i
        )
        if (
            tok.dep_ in ("amod", "compound", "acl", "relcl")
            and tok.tag_ in ("VBN", "VBG")
            and not doc_participle
            and not name_root
        ):
            continue
        if (
            tok.tag_ == "VBN"
            and tok.dep_ == "advcl"
            and agent is None
            and not any(c.dep_ in SUBJECT_DEPS | {"aux", "auxpass"} for c in tok.children)
            and not any(c.dep_ == "prep" and c.lower_ == "by" for c in tok.children)
        ):
            continue  # "Asked about the plan, Doe said ...": what Doe was asked, not said
        if any(c.dep_ == "neg" for c in tok.children):
            continue  # reported silence: "she did not say"
        if (
            tok.dep_ == "ccomp"
            and tok.head.lemma_.lower() == "ask"
            and any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in tok.children)
        ):
            continue  # "Asked whether he expected X, Doe said": the question, not an answer
        if (
            any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
            and tok.head.lemma_.lower() not in RAISING
        ):
            continue  # "plans to announce", "expect the government to support"
        if any(c.dep_ == "aux" and c.lemma_.lower() in MODALS for c in tok.children):
            continue  # a prediction ("the government will support"), not a report
        if tok.dep_ == "xcomp" and tok.head.lemma_.lower() not in RAISING:
            continue  # "expect the government to support"
        subject = tok.head if doc_participle or name_root else subject_of(tok)
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
        content = _content(tok, para) or _parenthetical_content(tok, para)
        final = final_attribution(tok, para) if content is None else None
        if final is not None:
            subject, content = final
        source, mention, blocked = _resolve_source(subject, para, registry)
        if misparsed:
            content = span_of([t for t in tok.sent if t.i > tok.i], para)
        text = tok.text
        if tok.lemma_.lower() in ("call", "describe", "brand", "label", "dub") and any(
            c.dep_ == "dobj" and c.lower_ in ("it", "them", "this") for c in tok.children
        ):
            obj = next(c for c in tok.children if c.dep_ == "dobj")
            text = para.text[tok.idx : obj.idx + len(obj.text)]
        elif particle:
            text = tok.text + " " + particle
        elif _speaks_out(tok):
            text = tok.text + " out"
        elif _as_put_it(tok):
            text = tok.text + " it"
        elif by_preposition:
            text = tok.text + " " + para.doc[tok.i + 1].text  # "pointed to", as written
        elif _called_on(tok) is not None:
            text = tok.text + " " + para.doc[tok.i + 1].text  # "called on", as written
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
            cues.append(Cue(tok, source, mention, one, text, blocked or source is None))
    # a cue inside another cue's reported content is part of that report ("Some parents said they
    # supported X": "supported" is what the parents said, not a quote of its own)
    nested = []
    for cue in cues:
        at = para.offset + cue.token.idx
        subject = subject_of(cue.token) if cue.text != "according to" else None
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
        if not outer or second_statement(cue.token):
            continue
        if (
            all(o.source is not None and o.source == cue.source and not o.blocked for o in outer)
            and cue.content
            # only the reported clause itself: a verb in an adjunct of it ("described X as Y
            # after he attacked Z") reports nothing of the outer source's
            and all(cue.token.head.i == o.token.i for o in outer)
        ):
            nested.extend(
                outer
            )  # "X said he welcomed Y": the inner cue reports X's view more exactly
        else:
            nested.append(cue)
    return [c for c in cues if c not in nested]


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", "”", '"', ":"))


def count_words(text: str) -> int:
    return len(re.findall(r"[^\W_]+", text))


def sentence_span(para: Para, char: int) -> tuple[int, int]:
    for sent in para.doc.sents:
        s, e = abs_span(para, sent)
        if s <= char < e:
            return s, e
    return para.offset, para.offset + len(para.text)
