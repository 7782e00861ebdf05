"""The grammar quote extraction keys on: modals, raising verbs, the prepositions that open a cue's
content, and the dependency labels and openers of adjuncts a quote's content leaves out. Frozen,
so that no stage can change them at run time. The word lists (reporting verbs, role and
organisation nouns...) are data: ``pipeline.lexicon``."""

from __future__ import annotations

import re

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
# "in favour of X", "in support of X", "in defence of X": a stance whose content is X
STANCE_PHRASE_NOUNS = frozenset({"favour", "favor", "support", "defence", "defense"})
# verbs that report a stance only with "out" and such a phrase or "against": "spoke out against"
SPEAK_OUT_VERBS = frozenset({"speak", "come", "hit", "lash"})
# of those, the ones that attack "at" their target: "hit out at X", "lashed out at X"
OUT_AT_VERBS = frozenset({"hit", "lash"})
# verbs whose stance phrase is their content: "argued in favour of X", "campaigned against X"
STANCE_PHRASE_VERBS = frozenset(
    {"speak", "come", "argue", "campaign", "lobby", "write", "call", "push", "plead", "warn"}
    | OUT_AT_VERBS
)

# constants: frozen so that no stage can change them at run time
PREP_CONTENT = frozenset(PREP_CONTENT)
MODALS = frozenset(MODALS)
RAISING = frozenset(RAISING)

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

# Statements with an author, beside the lexicon's documents: "according to a speech Doe gave",
# "a complaint filed by the trust" report what the author said (pipeline.cues.document_author).
AUTHORED_NOUNS = frozenset(
    {
        "complaint",
        "email",
        "filing",
        "interview",
        "lawsuit",
        "memo",
        "remarks",
        "speech",
        "testimony",
        "tweet",
    }
)

# a wire story's dateline: "LONDON, May 2 (Reuters) - ", "WASHINGTON (AP) — "
DATELINE = re.compile(
    r"^[A-Z][A-Z.’' ]{1,30}(?:/[A-Z][A-Z.’' ]{1,30})?"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:\s*\([^()\n]{2,40}\))?|\s*\([^()\n]{2,40}\))"
    r"\s*[-–—]+\s"
)


# what sets a parenthetical attribution off ("The town, Doe noted, rarely floods")
PARENTHESIS = frozenset({",", "—", "–", "-", "("})
# marks of a clause that adds a second statement ("..., although he cautioned that ...")
CONCESSIVE = frozenset({"although", "though", "while", "whereas"})
ATTRIBUTION_TAIL = frozenset({"prep", "npadvmod", "advmod", "punct", "agent", "aux", "neg"})
# verbs that evaluate only by naming their object something: "called the plan a disgrace",
# not "called a meeting"
NAMING_VERBS = frozenset({"call", "brand", "label", "dub"})
# verbs that also mean serving people: "supports 4,000 families" is no stance
SERVING_VERBS = frozenset({"support"})
# Verbs that only deliver a nominal cue: the subject of "issued a call for" is the call's owner.
LIGHT_VERBS = frozenset(
    {"issue", "make", "renew", "repeat", "reiterate", "lead", "voice", "echo", "step"}
)
# Nominal cues whose "of" phrase is what was said ("her warning of job losses").
OF_CONTENT = frozenset({"warning", "criticism"})

# verbs that put a question: an interviewer's are not quotes
QUESTION_VERBS = frozenset({"ask", "question", "press", "query", "wonder", "inquire", "put"})
