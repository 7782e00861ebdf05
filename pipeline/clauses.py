"""The syntax around a cue token: its subject, coordinated and sibling cues, a second statement,
the clause or object that carries what was said. Predicates over spaCy tokens; no spans, no
sources (``pipeline.content`` turns clauses into spans, ``pipeline.cues`` finds the cues)."""

from __future__ import annotations

from pipeline.cue_words import (
    CONCESSIVE,
    OUT_AT_VERBS,
    RAISING,
    SPEAK_OUT_VERBS,
    STANCE_PHRASE_NOUNS,
    STANCE_PHRASE_VERBS,
    SUBJECT_DEPS,
)
from pipeline.lexicon import current as lexicon
from pipeline.paragraph import (
    Para,
)


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


def called_on(cue):
    """The object of ``on`` / ``upon`` in ``called on X to ...``, or None."""
    if cue.lemma_.lower() != "call":
        return None
    for prep in cue.children:
        if prep.dep_ == "prep" and prep.lower_ in ("on", "upon") and prep.i == cue.i + 1:
            return next((o for o in prep.children if o.dep_ == "pobj"), None)
    return None


def heard_from(cue):
    """The source in ``MPs heard from Jo Doe that ...`` (a ``from_source_verbs`` verb): the
    object of its ``from``, or None."""
    if cue.lemma_.lower() not in lexicon().from_source_verbs:
        return None
    for prep in cue.children:
        if prep.dep_ == "prep" and prep.lower_ == "from" and prep.i > cue.i:
            return next((o for o in prep.children if o.dep_ == "pobj"), None)
    return None


def preposition_object(cue):
    """The object of the preposition that a ``preposition_cues`` verb reports with, right after
    it (``pointed to the £36m``), or None."""
    prep = lexicon().preposition_cues.get(cue.lemma_.lower())
    if prep is None or cue.i + 1 >= len(cue.doc):
        return None
    nxt = cue.doc[cue.i + 1]
    if nxt.lower_ != prep or nxt.head.i != cue.i or nxt.dep_ not in ("prep", "dative"):
        return None
    return next((c for c in nxt.children if c.dep_ in ("pobj", "pcomp")), None)


def phrase_object(cue):
    """``offered a qualified welcome to X``, ``takes aim at X``: X, when the verb's object is a
    ``phrase_cues`` noun and its preposition follows (on the verb or the noun); else None."""
    if cue.pos_ != "VERB":
        return None
    for noun in cue.children:
        prep = lexicon().phrase_cues.get(noun.lemma_.lower())
        if noun.dep_ != "dobj" or prep is None:
            continue
        for p in [*cue.children, *noun.children]:
            if p.lower_ == prep and p.dep_ in ("prep", "dative") and p.i > noun.i:
                return next((c for c in p.children if c.dep_ == "pobj"), None)
    return None


def stance_phrase_object(cue):
    """``argued in favour of X``, ``spoke out in support of X``: X (the object of ``of``), for a
    verb of ``STANCE_PHRASE_VERBS``; or the ``against`` phrase of ``spoke out against X``; or X of
    ``hit out at X``; else None."""
    if cue.lemma_.lower() not in STANCE_PHRASE_VERBS:
        return None
    for prep in cue.children:
        if prep.dep_ != "prep" or prep.i < cue.i:
            continue
        if prep.lower_ == "against" and cue.lemma_.lower() in SPEAK_OUT_VERBS:
            return prep
        if prep.lower_ == "at" and cue.lemma_.lower() in OUT_AT_VERBS:
            return next((c for c in prep.children if c.dep_ == "pobj"), None)
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


def cc_before(token, cue) -> set[int]:
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


def clause_after_object(cue, child):
    """``reminded MPs that X`` parsed with the that-clause under the object (``MPs``): the
    clause X, when ``child`` is the cue's object and the cue has no clause of its own."""
    if child.dep_ not in ("dobj", "dative") or child.i < cue.i:
        return None
    if any(c.dep_ == "ccomp" for c in cue.children):
        return None
    return that_clause_under(child)


def that_clause_under(token):
    """A that-clause the parser hung on ``token`` (a noun), or None."""
    for clause in token.children:
        if clause.dep_ in ("acl", "relcl", "ccomp") and any(
            m.dep_ == "mark" and m.lower_ == "that" for m in clause.children
        ):
            return clause
    return None


def clause_after_medium(cue, child):
    """``said in a statement that X``, ``put it to ministers that X`` parsed with the that-clause
    under the noun (``statement``, ``ministers``): the clause X, when ``child`` is the cue's
    ``in`` or ``to`` phrase and the cue has no clause of its own."""
    if child.dep_ != "prep" or child.lower_ not in ("in", "to") or child.i < cue.i:
        return None
    if any(c.dep_ == "ccomp" for c in cue.children):
        return None
    for pobj in child.children:
        if pobj.dep_ == "pobj" and (clause := that_clause_under(pobj)) is not None:
            return clause
    return None


def inverted_attribution(cue, clause, para: Para) -> bool:
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


def gerund_of_a_cue(tok) -> bool:
    """A gerund in the prepositional complement of another reporting verb (``accused X of
    asking``, ``criticised ministers for saying``): part of that verb's content. Not after
    other prepositions: ``welcomed it before warning that ...`` is a second statement."""
    prep = tok.head
    return (
        tok.tag_ == "VBG"
        and tok.dep_ == "pcomp"
        and prep.dep_ == "prep"
        and prep.lower_ in ("of", "for")
        and prep.head.i != tok.i
        and prep.head.pos_ in ("VERB", "AUX")
        and prep.head.lemma_.lower() in lexicon().reporting_verbs
    )
