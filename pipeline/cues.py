"""Cues in one parsed paragraph: the reporting verb, noun, adjective, passive or ``according to``
that introduces a quote, and the subject token it attributes the quote to (the source that
subject names is resolved by ``pipeline.speakers.resolve_subject``). The syntax they read is in
``pipeline.clauses``; the span of what was said comes from ``pipeline.content``.

``pipeline.quotes`` calls ``find_cues`` on every parsed paragraph and pairs the cues with
quotation marks and layout into quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.clauses import (
    called_on,
    clause_after_medium,
    gerund_of_a_cue,
    heard_from,
    phrase_object,
    preposition_object,
    second_statement,
    stance_phrase_object,
    subject_of,
)
from pipeline.content import (
    content_span,
    final_attribution,
    parenthetical_content,
    relative_cue,
)
from pipeline.cue_words import (
    AUTHORED_NOUNS,
    LIGHT_VERBS,
    MODALS,
    OF_CONTENT,
    QUESTION_VERBS,
    RAISING,
    SPEAK_OUT_VERBS,
    SUBJECT_DEPS,
)
from pipeline.lexicon import current as lexicon
from pipeline.paragraph import (
    Para,
    in_quote,
    span_of,
)
from pipeline.speakers import Registry, Source, looks_like_person, resolve_subject


@dataclass
class Cue:
    token: Any
    source: Source | None
    mention: tuple[int, int] | None
    content: tuple[int, int] | None  # absolute char span
    text: str
    blocked: bool = False  # a cue whose source is not identifiable: its quotes are not quotes


def _subject_fallback(token, para: "Para"):
    """A cue with no parsed subject (``Commenting on X, Minister Jane Doe, said:``, ``said Doe``):
    the person named nearest to it in its sentence, outside quotations."""
    sent = token.sent
    best = None
    for ent in para.doc.ents:
        if ent.label_ not in ("PERSON", "ORG") or ent.start < sent.start or ent.end > sent.end:
            continue
        if in_quote(para, para.offset + ent.start_char):
            continue
        if ent.end <= token.i:
            distance = token.i - ent.end
            # "Jo Doe, director of X, told", "Jo Doe, who chairs X, told": only punctuation and
            # the name's apposition or relative clause between
            apposed = {
                t.i for c in ent.root.children if c.dep_ in ("appos", "relcl") for t in c.subtree
            }
            if any(
                not (t.is_punct or t.is_space) and t.i not in apposed
                for t in para.doc[ent.end : token.i]
            ):
                continue
        elif ent.start == token.i + 1:
            distance = 0
        else:
            continue
        rank = (ent.label_ != "PERSON", distance)
        if best is None or rank < best[0]:
            best = (rank, ent)
    return best[1].root if best is not None else None


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
    introduces; ``Jo Doe put it to me that X``: a cue for X."""
    return (
        tok.lemma_.lower() == "put"
        and any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children)
        and (
            any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)
            or any(t.text == ":" for t in tok.sent if t.i > tok.i)  # "X put it well: '...'"
            or (  # "X put it to me that Y"
                any(c.dep_ == "prep" and c.lower_ == "to" for c in tok.children)
                and any(
                    (
                        c.dep_ == "ccomp"
                        and c.i > tok.i
                        and any(m.lower_ == "that" for m in c.children)
                    )
                    or clause_after_medium(tok, c) is not None
                    for c in tok.children
                )
            )
        )
    )


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
    comma = pobj.i + 1
    if comma < token.sent.end and doc[comma].text == "," and doc[comma + 1].lower_ == "who":
        # "For Jo Doe, who left care at 18, X": the relative clause ends at the next comma
        comma = next((t.i for t in token.sent if t.i > comma + 1 and t.text == ","), comma)
    else:
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
    if any(
        t.lemma_.lower() in lexicon().reporting_verbs
        and t.i == token.sent.root.i
        and any(c.dep_ in SUBJECT_DEPS for c in t.children)
        for t in rest
    ):
        return None  # "For the department, Jo Doe told MPs that ...": the verb has its source
    span = span_of(rest, para)
    if span is None:
        return None
    quoted = any(
        span[0] < para.offset + q.end and para.offset + q.start < span[1] for q in para.qspans
    )
    person = pobj.ent_type_ == "PERSON" or looks_like_person(
        doc[pobj.left_edge.i : pobj.i + 1].text
    )
    if not quoted and not person:
        return None  # "For the Harbour Board, the fares matter": a view only when quoted
    source, mention, blocked = resolve_subject(pobj, para.offset, registry)
    if source is None or blocked:
        return None
    if mention is not None:  # the view's holder is the sentence's topic: a later "she" is them
        registry.note_source(source, *mention, subject=True)
    return Cue(token, source, mention, span, token.text, False)


_VIEW_NOUNS = ("view", "opinion", "words", "judgement", "judgment")


def _in_view_of(token, para: Para, registry: Registry) -> Cue | None:
    """``In the view of Jo Doe, X`` / ``In Doe's view, X`` / ``In the words of Jo Doe, X``: the
    rest of the sentence is the named source's."""
    noun = next((c for c in token.children if c.dep_ == "pobj"), None)
    if noun is None or noun.lemma_.lower() not in _VIEW_NOUNS:
        return None
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None:
        of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        owner = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
    if owner is None or owner.pos_ not in ("PROPN", "NOUN"):
        return None
    doc = token.doc
    comma = token.right_edge.i + 1
    if comma >= token.sent.end - 1 or doc[comma].text != ",":
        return None
    span = span_of([t for t in token.sent if t.i > comma], para)
    if span is None:
        return None
    source, mention, blocked = resolve_subject(owner, para.offset, registry)
    if source is None or blocked:
        return None
    text = doc[token.i : owner.left_edge.i].text if owner.dep_ == "pobj" else noun.text
    return Cue(token, source, mention, span, text, False)


def _according_to(token, para: Para, registry: Registry) -> Cue | None:
    """``..., according to X``: the sentence without the phrase is the content."""
    nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if nxt is None or nxt.lower_ != "to":
        return None
    objs = [c for c in nxt.children if c.dep_ == "pobj"]
    if not objs:
        return None
    source_token = objs[0]
    sent = token.sent
    phrase_left = token.i
    phrase_right = max(t.i for t in objs[0].subtree)
    named = _apposed_name(token.doc, phrase_right + 1)
    if named is not None:  # "According to its chief officer, Jo Doe, X": the parser took the
        source_token, phrase_right = named.root, named.end - 1  # name for X's subject
    source, mention, blocked = _resolve_source(source_token, para, registry)
    before = [t for t in sent if t.i < phrase_left and not t.is_space]
    after = [t for t in sent if t.i > phrase_right and not t.is_space]
    side = (
        before
        if len([t for t in before if not t.is_punct]) >= len([t for t in after if not t.is_punct])
        else after
    )
    for t in side:  # "X, which she called Y": a report of its own ends the content
        if relative_cue(t):
            cut = min(x.i for x in t.subtree)
            side = [x for x in side if x.i < cut]
            break
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


def _apposed_name(doc, i: int):
    """The person's name set off by commas at token ``i`` (``, Jo Doe,``), or None."""
    if i >= len(doc) or doc[i].text != ",":
        return None
    ent = next((e for e in doc.ents if e.start == i + 1 and e.label_ == "PERSON"), None)
    if ent is None or ent.end >= len(doc) or doc[ent.end].text != ",":
        return None
    return ent


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
    sent = tok.sent
    tokens = sorted({t.i for c in comp for t in c.subtree if sent.start <= t.i < sent.end})
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
    """``X was (sharply) critical of Y``, ``X is adamant that Y``: a copular evaluation by a
    named source, of a thing or in a clause."""
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
    # "is adamant that Y": the clause hangs on the adjective or, after it, on the verb
    clause = next(
        (
            c
            for c in [*tok.children, *verb.children]
            if c.dep_ == "ccomp"
            and c.i > tok.i
            and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        ),
        None,
    )
    subj = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    if (prep is None and clause is None) or subj is None:
        return None
    if clause is not None and subj.lower_ == "it":
        return None  # "it is clear that Y": nobody's view
    source, mention, blocked = resolve_subject(subj, para.offset, registry)
    if clause is not None:
        mark = next(m for m in clause.children if m.dep_ == "mark")
        span = span_of([t for t in clause.subtree if t.i > mark.i], para)
        text = para.text[verb.idx : mark.idx + len(mark.text)]
    else:
        span = span_of([t for c in prep.children for t in c.subtree], para)
        text = para.text[verb.idx : prep.idx + len(prep.text)]
    return Cue(tok, source, mention, span, text, blocked or source is None)


def find_cues(para: Para, registry: Registry) -> list[Cue]:
    cues = []
    for tok in para.doc:
        char = para.offset + tok.idx
        if in_quote(para, char):
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
        if tok.lower_ == "in" and tok.i == tok.sent.start:
            cue = _in_view_of(tok, para, registry)
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
        ) and not (
            _speaks_out(tok)
            or _as_put_it(tok)
            or heard_from(tok) is not None
            or phrase_object(tok) is not None
        ):
            continue
        if gerund_of_a_cue(tok):
            continue  # "accused the government of asking carers to ...": what was said, not a cue
        particle = lexicon().particle_cues.get(tok.lemma_.lower())
        by_preposition = preposition_object(tok) is not None
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
        # the parser made a name the root of a verbless sentence and the cue a participle under
        # it: hanging on the name ("Baroness Doe of X, the party's spokesperson, called for ...")
        # or, after a comma, on a relative clause's object ("X, which represents 14 authorities,
        # called for Y"); the root is the cue's subject
        root = tok.sent.root
        name_root = (
            tok.dep_ == "acl"
            and tok.tag_ == "VBN"
            and root.pos_ == "PROPN"
            and root.i < tok.i
            and (tok.head.i == root.i or (tok.i > 0 and para.doc[tok.i - 1].text == ","))
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
            agent is None
            and any(c.dep_ == "nsubjpass" for c in tok.children)
            and tok.lemma_.lower() != "quote"
        ):
            continue  # "Ministers have been accused of X": the subject is spoken of, by nobody named
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
        if (
            tok.tag_ == "VBG"
            and tok.dep_ == "pcomp"
            and tok.head.lower_ == "by"
            and any(
                c.dep_ == "aux" and c.lower_ in ("should", "must", "could", "might", "ought")
                for c in tok.head.head.children
            )
        ):
            continue  # "they should start by asking X": what someone ought to do, not a report
        if tok.dep_ == "xcomp" and tok.head.lemma_.lower() not in RAISING:
            continue  # "expect the government to support"
        subject = tok.head if doc_participle else root if name_root else subject_of(tok)
        hearer = heard_from(tok)
        if hearer is not None:
            subject = hearer  # "MPs heard from Jo Doe that ...": Jo Doe said it
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
        if in_quote(para, para.offset + subject.idx):
            continue
        content = content_span(tok, para) or parenthetical_content(tok, para)
        if (
            hearer is not None
            and isinstance(content, tuple)
            and para.text.startswith("that ", content[0] - para.offset)
        ):
            content = (content[0] + 5, content[1])  # the "that" the parser took for an object
        final = final_attribution(tok, para) if content is None else None
        if final is not None:
            subject, content = final
        source, mention, blocked = _resolve_source(subject, para, registry)
        if tok.lemma_.lower() in QUESTION_VERBS and registry.asks_the_questions(source):
            blocked = True  # "Presenter Jo Doe asked whether ...": a question (codebook §1)
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
        elif hearer is not None:
            text = tok.text + " from"
        elif by_preposition:
            text = tok.text + " " + para.doc[tok.i + 1].text  # "pointed to", as written
        elif called_on(tok) is not None:
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
