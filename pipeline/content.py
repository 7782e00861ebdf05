"""The content of a cue: the character span of what was said (``content_span``), a parenthetical
attribution's content, and an attribution at the end of a sentence (``final_attribution``)."""

from __future__ import annotations

import re

from pipeline.clauses import (
    called_on,
    cc_before,
    clause_after_medium,
    clause_after_object,
    coordinated_cue,
    gerund_of_a_cue,
    inverted_attribution,
    phrase_object,
    preposition_object,
    second_statement,
    sibling_cue,
    stance_phrase_object,
)
from pipeline.cue_words import (
    ADJUNCT_DEPS,
    ADJUNCT_OPENERS,
    ATTRIBUTION_TAIL,
    DATELINE,
    NAMING_VERBS,
    PARENTHESIS,
    PREP_CONTENT,
    SERVING_VERBS,
    SUBJECT_DEPS,
)
from pipeline.lexicon import current as lexicon
from pipeline.paragraph import (
    Para,
    count_words,
    in_quote,
    span_of,
)


def content_span(cue, para: Para) -> tuple[int, int] | None:
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
                and not inverted_attribution(cue, child, para)
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
            in {
                "call",
                "warn",
                "push",
                "press",
                "lobby",
                "plead",
                "appeal",
                "ask",
                "argue",
                "campaign",
            }
        ):
            chosen.append(child)
        elif child.dep_ == "dobj" and lemma == "describe":
            chosen.append(child)
        elif (
            child.dep_ == "prep"
            and (obj := stance_phrase_object(cue)) is not None
            and (obj.i == child.i or child.i in (obj.head.i, obj.head.head.head.i))
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
            and lemma
            in {"call", "push", "press", "argue", "ask", "plead", "appeal", "lobby", "campaign"}
            and any(m.dep_ == "mark" and m.lower_ == "for" for m in child.children)
        ):
            chosen.append(child)  # "calls for the government to act"
        elif (
            child.dep_ in ("prep", "dative")
            and child.i == cue.i + 1
            and (obj := preposition_object(cue)) is not None
        ):
            chosen.append(obj)  # "pointed to X": X
        elif (clause := clause_after_object(cue, child)) is not None:
            chosen.append(clause)  # "reminded MPs that X" parsed with X under "MPs"
        elif (clause := clause_after_medium(cue, child)) is not None:
            chosen.append(clause)  # "said in a written submission that X": X, not the submission
    if not chosen and (obj := phrase_object(cue)) is not None:
        chosen.append(obj)  # "offered a qualified welcome to X": X
    # "the pay scale, which she said would keep staff": the relative pronoun stands for what
    # the clause is about and was not said; "which it describes as X": the content is X
    if relative_cue(cue):
        # the relative phrase and the subject before the cue ("whose allowances she said")
        relative = {t.i for t in cue.subtree if t.i < cue.i}
        if lemma == "describe" and any(c.dep_ == "dobj" and c.i in relative for c in cue.children):
            chosen += [
                o
                for p in cue.children
                if p.dep_ == "prep" and p.lower_ == "as"
                for o in p.children
                if o.dep_ == "pobj"
            ]
        if lemma in NAMING_VERBS:  # "which she called an insult", parsed with two objects
            chosen += [c for c in cue.children if c.dep_ == "dobj" and c.i > cue.i]
        chosen = [c for c in chosen if c.i not in relative]
    else:
        relative = set()
    if any(c.dep_ == "ccomp" and c.i > cue.i for c in chosen):
        # "X was applauded by Y, whose director said Z": with a clause on each side, the parser
        # hung the narration before the subject on the cue too; the content is the one after
        chosen = [c for c in chosen if not (c.dep_ == "ccomp" and c.i < cue.i)]
    if lemma in ("express", "share", "raise", "voice") and not any(
        c.dep_ == "dobj" for c in chosen
    ):
        return None
    addressee = called_on(cue)
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
            and any(in_quote(para, para.offset + t.idx) for t in span_tokens)
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
            and not (gerund_of_a_cue(t) and t.head.head.i == cue.i)  # "accused X of asking"
        ):
            if (
                t.dep_ != "acl" or t.head.lemma_.lower() in lexicon().document_nouns
            ):  # "its report calling for ..." reports on its own
                nested.update(x.i for x in t.subtree)
                if t.dep_ == "pcomp" and t.head.i < t.i:
                    nested.add(t.head.i)  # "welcomed X before warning that Y": not "X before"
    for t in cue.subtree:  # "the pay scale, which she said would Y": a report of its own
        if t is not cue and relative_cue(t):
            nested.update(x.i for x in t.subtree)
    nested |= relative
    for t in cue.subtree:  # "called X welcome, although he cautioned that Y": a second statement
        if t.i != cue.i and second_statement(t):
            nested.update(x.i for x in t.subtree)
    for c in cue.children:  # "welcomed X and said Y": a second finite cue is a quote of its own
        if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and c.i > cue.i:
            nested.update(x.i for x in c.subtree)
            nested.update(x.i for x in cue.children if x.dep_ == "cc" and x.i < c.i)
            nested.update(cc_before(c, cue))
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
            nested.update(cc_before(c, cue))
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
        if len(words := re.findall(r"\w+", para.text[sp[0] - para.offset : sp[1] - para.offset]))
        >= 2
        or (
            lemma in lexicon().evaluative_verbs and bool(words) and words[0].lower() not in WH_WORDS
        )
    ]  # "fell short of what the review had called for": "what" says nothing
    return spans[0] if len(spans) == 1 else (spans or None)


def relative_cue(token) -> bool:
    """A reporting verb in a relative clause with a subject and a complement of its own (``the
    pay scale, which she said would keep staff``, ``which it describes as X``): a report of its
    own about the clause's antecedent, not part of the report the antecedent belongs to. Not
    ``the tax that the review proposed``, whose only content is the antecedent."""
    return (
        token.dep_ in ("relcl", "advcl")  # the parser hangs some on the main verb
        and token.pos_ in ("VERB", "AUX")
        and token.lemma_.lower() in lexicon().reporting_verbs
        and any(
            c.dep_ == "nsubj" and c.lower_ not in RELATIVE_PRONOUNS and c.i < token.i
            for c in token.children
        )
        and any(t.i < token.i and t.lower_ in RELATIVE_PRONOUNS for t in token.subtree)
        and any(
            c.i > token.i
            and (
                c.dep_ in ("ccomp", "oprd", "xcomp")
                or (c.dep_ == "prep" and c.lower_ == "as" and any(c.children))
                or (c.dep_ == "dobj" and token.lemma_.lower() in NAMING_VERBS)
            )
            for c in token.children
        )
    )


RELATIVE_PRONOUNS = frozenset({"which", "that", "who", "whom", "whose"})
WH_WORDS = RELATIVE_PRONOUNS | {"what", "whatever"}


def _token_span(
    tokens, cue, para: Para, nested: set[int], *, extend: bool
) -> tuple[int, int] | None:
    sent = cue.sent  # Token.sent walks the parse each call: read the bounds once
    tokens = sorted(
        {t for t in tokens if sent.start <= t.i < sent.end and t.i not in nested},
        key=lambda t: t.i,
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
            if t.i > right and t.i not in nested and t.i < sent.end and right + 1 == t.i:
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
            and not in_quote(para, para.offset + tok.idx)
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


def parenthetical_content(cue, para: Para) -> list[tuple[int, int]] | None:
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
    sent = cue.sent
    tokens = [
        t
        for t in head.subtree
        if not left - 1 <= t.i <= right + 1 and sent.start <= t.i < sent.end and not t.is_space
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


def _in_cue_tail(tok, cue) -> bool:
    """A token after a final cue that only says when or how it was said."""
    walk = tok
    while walk.i != cue.i and walk.head.i != walk.i:  # (spaCy makes a new Token per access)
        if walk.head.i == cue.i:
            return walk.dep_ in ATTRIBUTION_TAIL
        walk = walk.head
    return walk.i == cue.i


def _light_without_concern(tok) -> bool:
    """``raise``, ``express``, ``share``, ``voice`` report only with a concern noun as object
    (``raising concerns``, not ``raising fares``)."""
    return tok.lemma_.lower() in {"express", "share", "raise", "voice"} and not any(
        c.dep_ == "dobj" and c.lemma_.lower() in lexicon().concern_nouns for c in tok.children
    )


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
    if count_words(text) < 4 or in_quote(para, span[0]):
        return None  # a quotation before "..., she said" is the direct rule's
    return head, span
