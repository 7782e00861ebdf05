"""Speakers and organisations: an explicit, rule-based resolution stage (no coreference model).

``build_article_registry`` reads an article once (the entities of its parsed paragraphs, passed
to ``build_registry``) and records

* people, keyed by surname, with the fullest name the article gives (honorifics dropped),
  the organisation the text ties them to (appositions and titles: ``Name, chief executive of X``,
  ``X chief executive Name``, ``X's director Name``, ``Name, of X``, ``Name, role, X`` layout
  lines, ``Conservative MP Name``) and the role nouns used for them (``minister``, ``chair``);
* organisations, with acronyms defined in the text (``Local Government Association (LGA)``)
  and descriptor nouns (``Become, the national charity for...`` -> ``charity``);
* every mention of a person or organisation in text order, marking subject mentions.

``Registry.resolve`` then maps a source mention (a name, a surname, a pronoun, a role noun such
as ``the minister``, a nominal such as ``the charity``, a document such as ``the final report``)
to a ``Source`` (speaker, organisation) using the mentions before it. ``resolve_subject`` does
the same for the subject token of a cue in a parse. The domain's ``actors.yaml`` (an
``ActorTable``) is used for canonical names and as a fallback only: unknown actors pass through.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from pipeline.cue_words import SUBJECT_DEPS
from pipeline.lexicon import current as lexicon
from pipeline.names import same_actor_key
from pipeline.records import Article
from pipeline.resources import ActorTable
from pipeline.segment import is_page_furniture

PERSON_PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f"}
ORG_PRONOUNS = {"it", "they", "we"}

# constants: frozen so that no stage can change them at run time
ORG_PRONOUNS = frozenset(ORG_PRONOUNS)


def looks_like_person(name: str) -> bool:
    """A capitalised name that reads as a person's: two to four alphabetic title-case words with no
    organisation, document or place-like word and no acronym (``Mina Castell``; not ``Tact Care``)."""
    words = strip_honorifics(name).split()
    if not 2 <= len(words) <= 4:
        return False
    for w in words:
        bare = w.strip("’'.,").lower()
        core = w.strip(".,")
        if core.isupper() or not re.fullmatch(
            r"[A-Z][A-Za-zà-ÿ’']*(?:-[A-Z]?[A-Za-zà-ÿ’']+)*|(?:de|da|van|von|le|la|du|del|der|bin|al)",
            core,
        ):
            return False
        for form in {bare, bare.rstrip("s"), bare[:-3] + "y" if bare.endswith("ies") else bare}:
            if (
                form in lexicon().organisation_nouns
                or form in lexicon().document_nouns
                or form in lexicon().organisation_hints
                or form in lexicon().role_nouns
            ):
                return False
    return True


_NAME_TOKEN = r"[A-Z][\w’'\-]*"
_CONNECT = r"(?:of|for|and|the|in|on|at|&|de|du|van|von|der|da|del|la|le)"
# A capitalised name, possibly with connectors: "Association of Directors of Children's Services".
# (spaces, not \s: a name never runs over a line break into the next paragraph's first words)
ORG_NAME = rf"(?:[Tt]he +)?{_NAME_TOKEN}(?: +(?:{_CONNECT} +)*(?:{_NAME_TOKEN}|\d+\b))*"
ORG_NAME_RE = re.compile(ORG_NAME)
_ACRONYM_DEF = re.compile(rf"({ORG_NAME})\s*\(\s*([A-Z][A-Za-z&]{{1,9}})\s*\)")
_LOWER_ROLE = r"(?:[a-z0-9/][\w’'/\-]*\s+){0,6}?"


@dataclass(frozen=True)
class Source:
    """Who a quote is attributed to: a person (speaker) and/or the body they speak for."""

    speaker: str | None
    organisation: str | None
    kind: str  # "person" | "organisation" | "document"


@dataclass
class Person:
    name: str
    organisation: str | None = None
    roles: set[str] = field(default_factory=set)
    gender: str | None = None
    private: bool = False  # introduced by age ("Jo Bloggs, 67,"): a member of the public


@dataclass
class Mention:
    start: int
    end: int
    kind: str  # person | organisation | document
    key: str  # surname key for people, canonical name for organisations
    subject: bool = False


def bare_word(word: str) -> str:
    """A word lower-cased without its possessive ending and edge punctuation (``Society's`` -> ``society``)."""
    return re.sub(r"(?:’s|'s|’|')$", "", word.lower().strip(",.;:()")).strip(",.;:()")


_PEER_PATTERN = (
    r"(?P<title>Lord|Baroness|Lady)\s+(?P<name>[A-Z][\w’'\-]+)"
    r"(?P<seat>\s+of\s+[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)*)?"
)
_PEER = re.compile("^" + _PEER_PATTERN + "$")
_PEER_IN_TEXT = re.compile(r"\b" + _PEER_PATTERN)


def peer_name(name: str) -> re.Match | None:
    """``Lord Smith of Anytown`` / ``Baroness Jones``: a peer named by title (the title is the
    name when the article gives no other, codebook §2)."""
    return _PEER.match(" ".join(name.split()))


def strip_honorifics(name: str) -> str:
    words = re.sub(r"(?:’s|'s)\b", "", name).split()
    if peer_name(" ".join(words).strip(" ,.;:’'")):
        return " ".join(words).strip(" ,.;:’'")
    if len(words) > 2 and words[0] in ("By", "by"):
        words = words[1:]  # a byline's "By Jo Bloggs" tagged as one name
    while words and words[0].lower().strip(".") in lexicon().honorifics:
        words = words[1:]
    while len(words) > 2 and _role_title(words[0]):
        words = words[1:]  # "Co-chair Tayo Lindqvist", "Chair Gillian Osei-Mensah"
    while words and words[-1] in {"'s", "’s", ",", "."}:
        words = words[:-1]
    return " ".join(words).strip(" ,.;:’'")


_BARE_TITLE = re.compile(
    r"(?:^|[.!?]\s+|\n\s*)(?P<title>[A-Z][\w‐‑-]*(?:\s+[a-z][\w‐‑-]*){0,2})\s+$"
)  # "Chair ", "Chief executive ", "Co-chair "


def _bare_title(before: str, name: str) -> str | None:
    """The role of a sentence-initial title with no body before a name (``Chair Jo Doe``,
    ``Co-chair Jo Doe``), inside the name or just before it; not an honorific (``Professor``)."""
    first = name.split()[0] if len(name.split()) > 2 else ""
    m = _BARE_TITLE.search(before)
    lex = lexicon()
    for title in (first, m.group("title") if m else ""):
        last = title.split()[-1].lower() if title else ""
        if (
            title[:1].isupper()
            and _role_noun(last)
            and title.split()[0].lower() not in lex.honorifics
            # an office or a party's role is no body's staff title ("Minister Jo Doe"); a
            # member or leader may be any body's
            and last
            not in {t.lower() for t in lex.party_roles | lex.legislator_titles}
            - {"member", "leader"}
            and last not in lex.office_bodies
            and office_organisation(title) is None
        ):
            return title.lower()
    return None


def _role_title(word: str) -> bool:
    """A capitalised role noun used as a title before a name (``Chair``, ``Co-chair``)."""
    return word[:1].isupper() and _role_noun(word)


def _role_noun(word: str) -> bool:
    """A role noun, with a co-/vice-/deputy-/joint- prefix allowed."""
    return re.sub(r"^(?:co|vice|deputy|joint)[-‐‑]", "", word.lower()) in lexicon().role_nouns


def _surname(name: str) -> str:
    peer = peer_name(name)
    if peer:
        return peer.group("name").lower()
    return name.split()[-1].lower() if name.split() else ""


class Registry:
    """People, organisations and mentions of one article; see the module docstring."""

    def __init__(self, text: str, actors: ActorTable) -> None:
        self.text = text
        self.actors = actors
        self.people: dict[str, Person] = {}
        self.first_names: dict[str, str] = {}
        self.acronyms: dict[str, str] = {}
        self.org_nouns: dict[str, set[str]] = {}  # canonical org -> descriptor nouns
        self.mentions: list[Mention] = []
        self.places: set[str] = set()
        self.org_forms: dict[str, str] = {}
        self.document_owners: list[tuple[int, str, str]] = []  # (position, noun, body)
        self.role_holders: list[tuple[int, str, Source]] = []  # unnamed: (position, noun, body)
        for match in _ACRONYM_DEF.finditer(text):
            long_name, acronym = _trim_org(match.group(1)), match.group(2)
            if long_name.startswith("The ") and not acronym.startswith("T"):
                long_name = long_name[4:]
            # "For the Practitioners' Alliance ... (PACW)": a sentence's opening words before
            # the name are not part of it
            words = long_name.split()
            while len(words) > 2 and not _initials_fit(" ".join(words), acronym):
                words = words[1:]
                if words[0].lower() == "the" and not acronym.startswith("T"):
                    words = words[1:]
            long_name = " ".join(words)
            if long_name and _initials_fit(long_name, acronym):
                self.acronyms.setdefault(acronym, long_name)
        self._acronyms_by_initials()

    def _acronyms_by_initials(self) -> None:
        """An acronym the article uses without defining it in brackets, spelled out elsewhere
        in it by a name with exactly those initials (``CPPF`` ... ``The Child Protection
        Practitioners' Forum is ...``): one pass over the names, one candidate per acronym."""
        used = set(re.findall(r"\b[A-Z]{3,8}\b", self.text)) - set(self.acronyms)
        if not used:
            return
        found: dict[str, set[str]] = {}
        for m in ORG_NAME_RE.finditer(self.text):
            for line in m.group(0).split("\n"):  # a name never runs over a line break
                name = re.sub(r"^The\s+", "", _trim_org(line))
                words = name.split()
                initials = "".join(w[0] for w in words if w[0].isupper())
                if len(words) >= 3 and initials in used:
                    found.setdefault(initials, set()).add(name)
        for acronym, names in found.items():
            if len(names) == 1:
                self.acronyms[acronym] = names.pop()

    # -- building ---------------------------------------------------------------------------
    def add_person(self, raw: str, start: int, end: int, *, subject: bool = False) -> str | None:
        peer = self.peer_span(start, end)
        if peer is not None:
            raw = self.text[peer[0] : peer[1]]
        name = strip_honorifics(raw)
        if not name or not name[0].isupper() or len(name) < 2:
            return None
        gender = None
        first = raw.split()[0].lower().strip(".") if raw.split() else ""
        if first in lexicon().female_titles:
            gender = "f"
        elif first in lexicon().male_titles:
            gender = "m"
        key = self._person_key(name)
        person = self.people.get(key)
        if person is None:
            person = self.people[key] = Person(name=name)
        elif len(name.split()) > len(person.name.split()) and _surname(name) == _surname(
            person.name
        ):
            person.name = name
        if gender and not person.gender:
            person.gender = gender
        if len(name.split()) > 1 and not peer_name(name):
            self.first_names.setdefault(name.split()[0].lower(), key)
        self.mentions.append(Mention(start, end, "person", key, subject))
        return key

    def names_body(self, raw: str) -> bool:
        """Whether the article already names a body by this name (``the charity Open Doors``)."""
        name = self.org_name(raw)
        return any(m.kind == "organisation" and m.key == name for m in self.mentions)

    def add_document_owner(self, noun: str, position: int, owner: str) -> None:
        self.document_owners.append((position, noun, owner))

    def document_owner(self, noun: str, position: int) -> str | None:
        """The body that the latest ``X's strategy`` / ``X published ... strategy`` before
        ``position`` names as the document's author."""
        owners = [o for p, n, o in self.document_owners if n == noun and p < position]
        return owners[-1] if owners else None

    def note_role_holder(self, noun: str, position: int, source: "Source") -> None:
        """An unnamed holder of a role that speaks for a body (``a Department for Education
        spokesperson``), for a later ``the spokesperson`` or ``a spokesperson added``."""
        self.role_holders.append((position, noun, source))

    def role_holder(self, noun: str, position: int, window: int = 2500) -> "Source | None":
        """The body of the latest unnamed holder of the role ``noun`` before ``position``."""
        held = [
            s for p, n, s in self.role_holders if n == noun and position - window <= p < position
        ]
        return held[-1] if held else None

    def is_private(self, name: str) -> bool:
        """Whether the person is introduced as a member of the public (by age: ``Jo Bloggs, 67,``),
        who speaks for no body unless the text names one."""
        person = self.people.get(self._person_key(name))
        return person is not None and person.private

    def is_person_surname(self, raw: str) -> bool:
        """A single word that is the surname of a person already named (not a defined acronym)."""
        word = raw.strip(" ,.;:’'")
        return (
            " " not in word
            and word.lower() in self.people
            and word not in self.acronyms
            and not word.isupper()
        )

    def peer_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The whole peerage title a name mention sits in (``Lord Harwood`` + ``of Fellside``)."""
        window_start = max(0, start - 60)  # the seat alone ("Linton") may be the mention
        for m in _PEER_IN_TEXT.finditer(self.text, window_start, min(len(self.text), end + 60)):
            if m.start() <= start < m.end() and m.end() >= end - 1:
                return m.start(), m.end()
        return None

    def _person_key(self, name: str) -> str:
        words = name.split()
        if len(words) == 1:
            low = words[0].lower()
            if low in self.people:
                return low
            if low in self.first_names:
                return self.first_names[low]
        return _surname(name)

    def add_org(
        self, raw: str, start: int, end: int, *, subject: bool = False, kind: str = "organisation"
    ) -> str | None:
        name = self.org_name(raw)
        if not name:
            return None
        self.mentions.append(Mention(start, end, kind, name, subject))
        return name

    def add_descriptor(self, org: str, noun: str) -> None:
        self.org_nouns.setdefault(self.org_name(org) or org, set()).add(noun.lower())

    def link(
        self, person_key: str, organisation: str | None = None, role: str | None = None
    ) -> None:
        person = self.people.get(person_key)
        if person is None:
            return
        if organisation and not person.organisation:
            person.organisation = self.org_name(organisation)
        if role:
            lex = lexicon()
            person.roles.update(
                role_word(w)
                for w in role.split()
                if role_word(w) in lex.role_nouns or role_word(w) in lex.interviewer_roles
            )

    def asks_the_questions(self, source: "Source | None") -> bool:
        """Whether ``source`` is a person the article presents as its interviewer or reporter
        (``Presenter Jo Doe``): not a source of quotes."""
        if source is None or not source.speaker:
            return False
        person = self.people.get(self._person_key(source.speaker))
        return person is not None and bool(person.roles & lexicon().interviewer_roles)

    def note_gender(self, person_key: str, pronoun: str) -> None:
        person = self.people.get(person_key)
        if person is not None and person.gender is None and pronoun.lower() in PERSON_PRONOUNS:
            person.gender = PERSON_PRONOUNS[pronoun.lower()]

    def note_source(self, source: "Source", start: int, end: int, *, subject: bool = True) -> None:
        """Record a resolved source mention so that later pronouns and nominals can find it."""
        if source.speaker:
            key = self._person_key(source.speaker)
            if key not in self.people:
                self.people[key] = Person(name=source.speaker, organisation=source.organisation)
            mention = Mention(start, end, "person", key, subject)
        elif source.organisation:
            mention = Mention(
                start,
                end,
                "document" if source.kind == "document" else "organisation",
                source.organisation,
                subject,
            )
        else:
            return
        bisect.insort(self.mentions, mention, key=lambda m: m.start)

    def expand_name(self, start: int, end: int) -> tuple[int, int]:
        """Extend a truncated name mention to the full capitalised name that starts there."""
        m = ORG_NAME_RE.match(self.text, start)
        if m and m.end() > end and "\n" not in self.text[start : m.end()]:
            return start, m.end()
        return start, end

    # -- names ------------------------------------------------------------------------------
    def org_name(self, raw: str | None) -> str | None:
        """The canonical name of an organisation mention: acronyms expanded, actors.yaml aliases applied."""
        if not raw:
            return None
        name = _trim_org(raw)
        if not name:
            return None
        party = lexicon().parties.get(name.lower())
        if party:
            return self.actors.canonical_organisation(party)
        bare = re.sub(r"^the\s+", "", name, flags=re.I)
        if name in self.acronyms or bare in self.acronyms:  # "the KCN" is the one defined
            name = self.acronyms.get(name) or self.acronyms[bare]
        for candidate in (name, "the " + name, re.sub(r"^the\s+", "", name, flags=re.I)):
            actor = self.actors.lookup(candidate)
            if actor is not None:
                return actor.name if actor.kind == "organisation" else actor.organisation or None
        # a known body with a place or scope added: "the X Review in England"
        m = re.match(
            r"(.+?)\s+(?:in|for|of)\s+(?:England|Scotland|Wales|Northern Ireland|the UK|Britain|[A-Z][a-z]+)$",
            name,
        )
        if m:
            for candidate in (m.group(1), "the " + m.group(1)):
                actor = self.actors.lookup(candidate)
                if actor is not None and actor.kind == "organisation":
                    return actor.name
        # a sub-body named after its parent: "the LGA Children and Young People Board"
        words = name.split()
        if len(words) > 1 and words[0] in self.acronyms:
            return self.org_name(words[0])
        name = self._fuller_form(_without_place(name))
        # one spelling per body within an article ("The King's Fund" / "King's Fund")
        key = same_actor_key(name)
        return self.org_forms.setdefault(key, name)

    def _fuller_form(self, name: str) -> str:
        """The body's full name where the article gives one that the mention begins
        ("Family Circle" on a page that also says "Family Circle Carers' Trust"): capitalised
        words straight after the mention, ending in an organisation noun; one such form only."""
        if len(name.split()) > 4 or not name[:1].isupper():
            return name
        forms = set()
        for m in re.finditer(re.escape(name) + r"((?: [A-Z][\w’'-]*)+)", self.text):
            tail = m.group(1).split()
            for k in range(len(tail), 0, -1):
                if bare_word(tail[k - 1]).lower() in lexicon().organisation_nouns:
                    forms.add(name + " " + " ".join(tail[:k]))
                    break
        if not forms and len(name.split()) >= 2:
            # "Harrowdale Council" on a page that also says "Harrowdale Borough Council"
            *place, noun = name.split()
            scope = r"(?: (?:Borough|City|County|District|Metropolitan|Royal|Town|Parish))+"
            pattern = re.escape(" ".join(place)) + scope + " " + re.escape(noun) + r"\b"
            forms = {m.group(0) for m in re.finditer(pattern, self.text)}
        return forms.pop() if len(forms) == 1 else name

    def person_source(self, key: str) -> Source:
        person = self.people[key]
        organisation = person.organisation
        actor = self.actors.lookup(person.name)
        if actor is not None and actor.kind == "person":
            if not organisation and actor.organisation:
                organisation = self.actors.canonical_organisation(actor.organisation)
        return Source(person.name, organisation, "person")

    # -- resolution -------------------------------------------------------------------------
    def resolve_name(self, raw: str) -> Source | None:
        """A proper-name mention: a known person (surname or full name) or an organisation."""
        name = strip_honorifics(raw)
        if not name:
            return None
        key = self._person_key(name)
        if key not in self.people and " of " in name:  # a peer's "Haverstock of Penrith"
            key = self._person_key(name.split(" of ")[0])
        if key in self.people and (
            len(name.split()) > 1 or name.lower() in (key, *self.first_names)
        ):
            return self.person_source(key)
        return None

    def resolve_pronoun(self, pronoun: str, position: int) -> Source | None:
        low = pronoun.lower()
        if low in PERSON_PRONOUNS:
            gender = PERSON_PRONOUNS[low]
            fallback = None
            same_sentence = self._sentence_person(position, gender)
            if same_sentence is None and (holder := self._holder_just_before(position)):
                return holder  # "The minister said X. She also told delegates Y."
            if same_sentence is None:
                same_sentence = self._sentence_person(position, gender, previous=True)
            if same_sentence is not None:
                self.note_gender(same_sentence, low)
                return self.person_source(same_sentence)
            for mention in reversed(self._before(position, window=1500)):
                if mention.kind != "person":
                    continue
                person = self.people[mention.key]
                if person.gender and person.gender != gender:
                    continue
                if person.roles & lexicon().interviewer_roles:
                    continue  # the presenter asks; "she said" is the guest's
                if mention.subject:
                    self.note_gender(mention.key, low)
                    return self.person_source(mention.key)
                fallback = fallback or mention
            if fallback is not None:
                self.note_gender(fallback.key, low)
                return self.person_source(fallback.key)
            return None
        if low in ORG_PRONOUNS:
            body = self._sentence_body(position)
            if body is not None:
                return Source(None, body.key, body.kind)
            # centering: a subject pronoun continues the latest main-clause subject body; else the
            # latest body nearby
            for window, subject_only in ((1500, True), (400, False), (1500, False)):
                for mention in reversed(self._before(position, window=window)):
                    if mention.kind in ("organisation", "document") and (
                        mention.subject or not subject_only
                    ):
                        return Source(None, mention.key, mention.kind)
        return None

    def _holder_just_before(self, position: int) -> "Source | None":
        """An unnamed role holder who was the subject in this sentence or the one before, with
        no person named between them and ``position``: what a "she" or "he" continues."""
        start = self._sentence_before(position)[0]
        held = [(p, s) for p, _, s in self.role_holders if start <= p < position]
        if not held:
            return None
        at, source = held[-1]
        if any(m.kind == "person" and at < m.start < position for m in self.mentions):
            return None
        return source

    def _sentence_start(self, at: int) -> int:
        return max(self.text.rfind(". ", 0, at), self.text.rfind("\n", 0, at)) + 1

    def _sentence_before(self, position: int) -> tuple[int, int]:
        """The span of the sentence before the one ``position`` is in (empty at the start)."""
        end = self._sentence_start(position)
        return (self._sentence_start(end - 2), end) if end >= 2 else (end, end)

    def _quoted(self, start: int, end: int) -> bool:
        """The stretch holds a quotation mark: names in it may be somebody's words, not the
        narrative's focus."""
        return _QUOTE_MARK.search(self.text, start, end) is not None

    def _sentence_body(self, position: int) -> Mention | None:
        """A mention of the one body the sentence before names, none of its mentions a subject
        (``The sharpest criticism came from the X Union. Its president ...``)."""
        start, end = self._sentence_before(position)
        mentions = [m for m in self.mentions if start <= m.start and m.end <= end]
        bodies = [m for m in mentions if m.kind in ("organisation", "document")]
        if len({m.key for m in bodies}) != 1 or any(m.subject for m in mentions):
            return None
        return None if self._quoted(start, end) else bodies[0]

    def subject_body_before(self, position: int) -> Source | None:
        """The body that is the subject before ``position`` in its own sentence (``• The DfE –
        a spokesperson said``), else of the sentence before, when that sentence has one subject
        and it is a body (``The DfE says X. A spokesperson said: ...``)."""
        for start, end in (
            (self._sentence_start(position), position),
            self._sentence_before(position),
        ):
            subjects = [m for m in self.mentions if start <= m.start and m.end <= end and m.subject]
            if subjects:
                if len({m.key for m in subjects}) != 1 or subjects[0].kind != "organisation":
                    return None
                return Source(None, subjects[0].key, "organisation")
        return None

    def _sentence_person(self, position: int, gender: str, previous: bool = False) -> str | None:
        """The one person named earlier in the pronoun's own sentence (``When I met Jo Doe, the
        director, in January, he told me``): nearer than any earlier subject, though no subject.
        ``previous``: the one person the sentence before names after the writer's ``I`` or ``we``
        (``I also spoke to Jo Doe, who leads the council. He told me``)."""

        if previous:
            start, end = self._sentence_before(position)
        else:
            start, end = self._sentence_start(position), position
        mentions = [m for m in self.mentions if m.kind == "person" and start <= m.start < end]
        keys = {m.key for m in mentions if m.end <= end}
        if len(keys) != 1:
            return None
        if (
            previous
            and (
                any(m.subject for m in mentions)
                # the writer met them: "I also spoke to Jo Doe ...", "We asked Jo Doe ..."
                or not re.search(
                    r"\b(?:I|[Ww]e)\b", self.text[start : min(m.start for m in mentions)]
                )
                or self._quoted(start, end)  # the writer's words, unquoted
            )
        ):
            return None
        (key,) = keys
        person = self.people[key]
        if (
            person.gender and person.gender != gender
        ) or person.roles & lexicon().interviewer_roles:
            return None
        return key

    def resolve_role(
        self, noun: str, position: int, phrase: str, *, indefinite: bool = False
    ) -> Source | None:
        """``the minister``: the latest person given that role, else the holder an actors.yaml
        alias names when the article names them, else the office's body; ``indefinite`` (``a
        director``): the person given that role in the sentences right after, else None."""
        noun = noun.lower()
        if indefinite:
            if any(w[:1].isupper() for w in phrase.split()[1:]):
                return None  # "A Department for Education spokesperson": the body is named
            # a news lede: "A director of children's services has said X" names them next
            for mention in self.mentions:
                if (
                    position < mention.start < position + 800
                    and mention.kind == "person"
                    and noun in self.people[mention.key].roles
                ):
                    return self.person_source(mention.key)
            return None
        for mention in reversed(self._before(position)):
            if mention.kind == "person" and noun in self.people[mention.key].roles:
                return self.person_source(mention.key)
        body = office_organisation(phrase)
        if body is not None:
            # "the children's minister told us": an office the article gives no holder for
            # speaks for its body (codebook §2: the office names no person)
            return Source(None, body, "organisation")
        actor = self.actors.lookup(phrase) or self.actors.lookup(
            re.sub(r"^the\s+", "", phrase, flags=re.I)
        )
        if actor is not None and actor.kind == "person":
            key = self._person_key(actor.name)
            if key in self.people:
                return self.person_source(key)
            # an alias names its holder only in an article that names them: another date
            # has another minister, and the codebook (§2) gives speaker null when the
            # article names no person; the office still speaks for its body
            organisation = self.actors.canonical_organisation(actor.organisation)
            return Source(None, organisation, "organisation") if organisation else None
        return None

    def resolve_nominal(self, noun: str, position: int, phrase: str) -> Source | None:
        """``the charity``, ``the association``, ``the final report``: an earlier body or document."""
        noun = noun.lower()
        if re.match(r"(?:a|an)\s", phrase, flags=re.I):
            # "a committee of MPs has warned": a new referent, named in the sentences after it
            for mention in self.mentions:
                if (
                    position < mention.start < position + 1500
                    and mention.kind == "organisation"
                    and noun in {bare_word(w) for w in mention.key.split()}
                ):
                    return Source(None, mention.key, "organisation")
        before = self._before(position)
        named = next(  # the latest body named by the noun: "the X Committee ... the committee"
            (
                m
                for m in reversed(before)
                if m.kind in ("organisation", "document")
                and (
                    bare_word(m.key.split()[-1]) == noun  # not "the Local Government Association"
                    or (  # a document is the work of a body named after it: "the Review Panel"
                        noun in lexicon().document_nouns
                        and noun in {bare_word(w) for w in m.key.split()}
                    )
                )
            ),
            None,
        )
        for candidate in (
            phrase,
            re.sub(r"^(?:the|its|their|this|that|a|an)\s+", "", phrase, flags=re.I),
        ):
            actor = self.actors.lookup(candidate)
            if actor is not None and actor.kind == "organisation":
                bare_phrase = re.sub(r"^(?:the|its|their|this|that)\s+", "", phrase, flags=re.I)
                if named is not None and named.key != actor.name and bare_phrase.lower() == noun:
                    last_alias = max((m.start for m in before if m.key == actor.name), default=-1)
                    if named.start > last_alias:  # the nearer antecedent wins
                        return Source(None, named.key, named.kind)
                return Source(None, actor.name, "organisation")
        owner = self.document_owner(noun, position)
        if owner is not None:  # "the government's strategy ... The strategy proposes"
            return Source(None, owner, "organisation")
        for mention in reversed(before):  # a body whose name or descriptor has the noun
            if mention.kind in ("organisation", "document"):
                words = {bare_word(w) for w in mention.key.split()}
                if noun in words or noun in self.org_nouns.get(mention.key, ()):
                    return Source(None, mention.key, mention.kind)
        for mention in reversed(before):  # a person's employer described by the noun
            if mention.kind == "person":
                org = self.people[mention.key].organisation
                if org and (
                    noun in {w.lower() for w in org.split()} or noun in self.org_nouns.get(org, ())
                ):
                    return Source(None, org, "organisation")
        # "an independent review": the domain's body aliased "the review"
        actor = self.actors.lookup("the " + noun)
        if actor is not None and actor.kind == "organisation":
            return Source(None, actor.name, "organisation")
        if (
            noun in lexicon().organisation_nouns or noun in lexicon().document_nouns
        ):  # the latest body named (a document speaks for its author)
            recent = before[-12:]
            for subject_only in (True, False):
                for mention in reversed(recent):
                    if mention.kind in ("organisation", "document") and (
                        mention.subject or not subject_only
                    ):
                        return Source(None, mention.key, "organisation")
        return None

    def _before(self, position: int, window: int = 6000) -> list[Mention]:
        """The mentions in the window before ``position``, in text order (a mention noted late,
        when its cue was resolved, is no later in the text for it)."""
        return sorted(
            (m for m in self.mentions if m.end <= position and m.start >= position - window),
            key=lambda m: m.start,
        )


def _trim_org(raw: str) -> str:
    """An organisation name without edge punctuation, possessive or a lowercase leading article
    (``the Local Government Association``); a capitalised ``The`` is kept (``The Fostering Network``)."""
    # a name stops before a colon or an opening quotation mark ("X Association: 'Nobody ...")
    raw = re.split(r":\s|\s[“‘\"']", raw, maxsplit=1)[0]
    name = raw.strip(" ,.;:–—-›»>|·•/\\")  # breadcrumb and menu glyphs are never part of a name
    # "Recruitment Council (RC" / "(RC)": the acronym defined after a name is not part of it
    name = re.sub(r"\s*\(\s*(?:[A-Z][A-Za-z&]{0,9})?\s*\)?$", "", name)
    name = re.sub(r"(?:’s|'s)$", "", name)
    name = re.sub(r"^(?:the|a|an)\s+", "", name)
    name = re.sub(rf"\s+(?:on|in|at)\s+(?:{_DATE_WORDS})$", "", name)  # "... on Thursday"
    # "the Centre for Family Studies at the University of X": the unit, not its host (a host
    # is a body; "Young Voices at Sea" is one name)
    host = re.match(r"^(\S+\s+\S+.*?)\s+at\s+(?:the\s+)?([A-Z].*)$", name)
    if host and any(bare_word(w) in lexicon().organisation_nouns for w in host.group(2).split()):
        # "Director of Policy and Practice at X": a remit is no unit, the body is X
        name = host.group(2) if is_portfolio(host.group(1)) else host.group(1)
    words = name.split()
    while words and words[-1].lower() in {"of", "for", "and", "the", "in", "on", "at", "&"}:
        words = words[:-1]
    return " ".join(words)


def _initials_fit(long_name: str, acronym: str) -> bool:
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w’']*", long_name) if w[0].isupper())
    letters = acronym.upper().replace("&", "")
    return bool(initials) and (letters[0] == initials[0]) and len(letters) <= len(initials) + 1


# --- text patterns linking a person to an organisation ---------------------------------------

_AFTER_OF = re.compile(
    rf"^\s*,\s*(?:the\s+|a\s+|an\s+)?(?P<role>{_LOWER_ROLE}[A-Za-z’'/\-]+(?:\s+[A-Za-z’'/\-]+){{0,3}}?)\s+(?P<prep>of|at|for|from|with)\s+(?P<org>{ORG_NAME})"
)
_AFTER_LAYOUT = re.compile(
    rf"^\s*,\s*(?P<role>[^,\n]{{2,60}}?),\s*(?P<org>{ORG_NAME})\s*(?:\(\s*[A-Z][A-Za-z&]{{1,9}}\s*\))?\s*:?\s*$"
)
# "• Jo Doe, Harbour Carers Trust: '...'": a round-up's line that names the body alone
_AFTER_LAYOUT_ORG = re.compile(
    rf"^\s*,\s*(?P<org>{ORG_NAME})\s*(?:\(\s*[A-Z][A-Za-z&]{{1,9}}\s*\))?\s*(?::|$)"
)
_LINE_OPENER = re.compile(r"\s*(?:[•·▪\-–—*]\s*)?")
_AFTER_OF_DESCRIBED = re.compile(
    rf"^\s*,\s*(?:the\s+|a\s+|an\s+)?(?P<role>{_LOWER_ROLE}[A-Za-z’'/\-]+(?:\s+[A-Za-z’'/\-]+){{0,3}}?)\s+(?P<prep>of|at|with)\s+(?:the\s+|a\s+|an\s+)?(?:[a-z][\w’'\-]*\s+){{1,5}}(?P<org>{ORG_NAME})\s*(?:,|\.|$|\s+(?:said|says|told|added|warned))"
)
_POSS_PRONOUN_ROLE = re.compile(
    r"(?:^|[.!?]\s+|,\s+)(?:(?:But|And|Yet|So|Meanwhile|However|Also),?\s+)?"
    r"(?:[Aa]ccording\s+to\s+)?"
    r"(?P<pron>Its|its|Their|their)\s+(?P<role>(?:[A-Za-z][\w’'\-]*\s+){0,5}?(?:[A-Za-z][\w’'\-]*))"
    r"\s*,?\s*(?:[A-Z][a-z]{1,10}\.?\s+)?$"
)  # "But its lead member for children, Cllr Jo Doe": a conjunction and a title allowed
_AFTER_POSS = re.compile(
    r"^\s*,\s*(?P<det>the\s+|its\s+|their\s+)?(?P<owner>[\w’'\- ]{2,60}?)(?:’s|'s)\s+(?P<role>(?:[a-z][\w’'\-]*\s+){0,6}[a-z][\w’'\-]*)\s*(?:,|\.|$)"
)
_AFTER_OF_ONLY = re.compile(rf"^\s*,\s*(?:of|from)\s+(?P<org>{ORG_NAME})")
_AFTER_OF_BARE = re.compile(rf"^ +(?:of|from) +(?:the +)?(?P<org>{ORG_NAME})")
_BEFORE_ORG_ROLE = re.compile(
    rf"(?P<org>{ORG_NAME})(?:’s|'s)?\s+(?P<role>(?:[a-z][\w’'/\-]*\s+){{1,5}})(?:{_NAME_TOKEN}\s*,?\s*)?$"
)
_BEFORE_ROLE_OF = re.compile(
    rf"(?P<role>(?:[A-Za-z][\w’'/\-]*\s+){{0,4}}?(?:[A-Za-z][\w’'/\-]*))\s+(?P<prep>of|for|at)\s+(?P<org>{ORG_NAME})\s*,\s*(?:{_NAME_TOKEN}\s+)*$"
)
_WHOSE_ROLE = re.compile(
    rf"(?P<org>{ORG_NAME})(?:\s*\([A-Z][A-Za-z&]{{1,9}}\))?\s*,\s*whose\s+(?P<role>(?:[a-z][\w’'\-]*\s+){{0,3}}?[a-z][\w’'\-]*)\s*,?\s*$"
)
_POSS_ROLE = re.compile(
    r"(?P<org>[\w’' ]{2,60}?)(?:’s|'s)\s+(?P<role>(?:[A-Za-z][\w’'\-]*\s+){0,3}?(?:[A-Za-z][\w’'\-]*))\s*,?\s*$"
)


_AFTER_WHO = re.compile(
    rf"^\s*,\s*(?:[^,.]{{0,60}}?\s)?who\s+(?:[^,.]{{0,50}}?\s+and\s+)?(?:now\s+|also\s+|currently\s+)?(?P<role>chairs|leads|runs|heads|"
    rf"chaired|led|headed|directs|founded|co-founded|manages|represents|speaks\s+for|works\s+for|"
    rf"works\s+at|volunteers\s+(?:with|for|at)|"
    rf"(?:studies|researches|teaches|lectures\s+in|specialises\s+in)\s+[^,.]{{1,60}}?\s+at|"
    rf"speaks\s+[^,.]{{0,40}}?\s+for)\s+(?:the\s+|a\s+)?(?:[a-z][\w’'\-]*\s+){{0,4}}(?P<org>{ORG_NAME})"
)
_AFTER_WHO_NOMINAL = re.compile(
    r"^\s*,\s*(?:[^,.]{0,60}?\s)?who\s+(?:now\s+|also\s+)?(?P<role>chairs|leads|runs|heads|directs|chaired|led|headed)\s+"
    r"(?:the|its)\s+(?P<noun>[a-z]+)\b"
)
# "Jo Bloggs, the cabinet member for children's services at Eastmoor Borough Council"
_AFTER_ROLE_AT = re.compile(
    rf"^\s*,\s*(?:the\s+|a\s+|an\s+)?(?P<role>[a-z][^,.]{{0,80}}?)\s+(?:at|of|for)\s+(?:the\s+)?"
    rf"(?:[a-z][\w’'\-]*\s+){{0,3}}(?P<org>{ORG_NAME})\s*(?:,|\.|$|\s+(?:said|says|told|added|warned))"
)
# a unit named inside a body, after the unit's name: "the IRO service at Calderbrook Council"
_UNIT_AT = re.compile(rf"\s+[a-z][\w’'\-]*\s+(?:at|in|of|within)\s+(?:the\s+)?(?P<org>{ORG_NAME})")
_LEADS = {"chairs", "leads", "heads", "runs", "directs", "chaired", "led", "headed"}
_CHAIR_BEFORE = re.compile(
    r"\b[Tt]he\s+(?P<noun>[a-z]+)(?:’s|'s)\s+(?P<role>chair|chairman|chairwoman|chairperson|convenor)"
    r"\s*,\s*(?:[A-Z][\w\-]*\s+){0,3}$"
)
_AFTER_IS_ROLE = re.compile(
    rf"^\s+(?:is|was|has\s+been|had\s+been|became|has\s+become)\s+(?:the\s+|a\s+|an\s+)?"
    rf"(?P<role>[a-z][^,.]{{0,80}}?)\s+(?:at|of|for)\s+(?:the\s+)?(?P<org>{ORG_NAME})"
)
_AFTER_WORKS = re.compile(
    rf"^\s+(?:has\s+worked|had\s+worked|has\s+been\s+working|works|worked)\s+(?:at|for)\s+"
    rf"(?:the\s+)?(?P<org>{ORG_NAME})"
)
_SPEAKING_FOR = re.compile(
    r"(?:\b(?:Opening|Speaking|Responding|Replying|Closing|Winding\s+up)(?:\s+to\s+[^,]{1,60}?)?"
    r"\s+for|(?:^|(?<=[.!?]\s)|(?<=\n))For)\s+(?:the\s+)?(?P<body>[A-Z][\w’'\- ]{1,40}?)\s*,\s*(?:the\s+[^,]{1,60},\s*)?$"
)  # "Responding to the statement for Labour, the shadow minister, Jo Doe,"
_LOWER_TAIL = re.compile(r"(?:(?<=\s)|^)(?:[a-z][\w’'\-]*,?\s+){2,5}$")


def _nominal_role(before: str) -> tuple[str, str] | None:
    """``panel chair Jo Bloggs``, ``the union's general secretary, Jo Bloggs``: a lower-case body
    noun and the role after it, right before a name, as (noun, role)."""
    m = _LOWER_TAIL.search(before[-80:])
    if not m:
        return None
    words = m.group(0).replace(",", " ").split()
    if bare_word(words[-1]) not in lexicon().role_nouns:
        return None
    for k in range(len(words) - 2, -1, -1):
        if bare_word(words[k]) in lexicon().organisation_nouns:
            return bare_word(words[k]), " ".join(words[k + 1 :])
    return None


def is_portfolio(name: str) -> bool:
    """A remit named like a body: ``Children's Services``, ``Children and Families``."""
    words = [w.lower().replace("’", "'") for w in _trim_org(name).split()]
    return bool(words) and all(w in lexicon().portfolio_words for w in words)


_QUOTE_MARK = re.compile(r"[“”\"‘]")
_AGE = re.compile(r"^\s*,\s*\d{1,3}\s*(?=,)")


def _aged(text: str, end: int) -> bool:
    """An age apposition follows ``end`` (``Amira, 17, said``): the word before is a person's."""
    return _AGE.match(text[end : end + 12]) is not None


_BEFORE_LED_BY = re.compile(
    rf"(?P<org>{ORG_NAME}|\b[Tt]he\s+[a-z]+)\s*,?\s+(?:which\s+(?:was|is)\s+|was\s+)?(?:led|chaired|headed|"
    rf"run|founded)\s+by\s+(?:the\s+|its\s+)?(?:[a-z][\w’'\-]*\s+){{0,4}}$"
)


def office_organisation(phrase: str, *, at: str = "anywhere") -> str | None:
    """The body an office speaks for, from the domain's ``role_organisations`` (``the children's
    minister`` -> the department), the longest office named in ``phrase``; ``at="end"`` or
    ``"start"`` wants the office to close or open the phrase (``Education Secretary Jo Bloggs``,
    ``Jo Bloggs, the children's minister``)."""
    key = " ".join(phrase.lower().replace("’", "'").split())
    key = re.sub(r" 's\b", "'s", key)  # a phrase joined from tokens: "children 's minister"
    best: tuple[int, str] | None = None
    for role, org in lexicon().role_organisations.items():
        pattern = {
            "end": rf"\b{re.escape(role)}\s*,?$",
            "start": rf"^,?\s*(?:the\s+|a\s+|as\s+)?{re.escape(role)}\b",
        }.get(at, rf"\b{re.escape(role)}\b")
        m = re.search(pattern, key)
        if m is None or _NOT_HOLDER.search(key[: m.start() + (m.group(0).find(role))]):
            continue  # a shadow or former office-holder does not speak for the body
        if best is None or len(role) > best[0]:
            best = (len(role), org)
    return best[1] if best else None


_NOT_HOLDER = re.compile(
    r"\b(?:shadow|former|ex|then|one-time|previous|past|opposition)[\s\-]+(?:\w+\s+)?$"
)


@functools.lru_cache(maxsize=8)
def _party_patterns(
    parties: tuple[str, ...], roles: tuple[str, ...]
) -> tuple[re.Pattern, re.Pattern]:
    """``Labour MP Name``, ``Labour's Name`` / ``Name, the Labour MP``: the domain's parties
    before one of its party roles or a possessive (a party is capitalised; its letters' case is
    free: ``Lib Dem``, ``SNP``)."""
    if not parties or not roles:
        never = re.compile(r"(?!x)x")
        return never, never
    names = "|".join(
        r"\s+".join(re.escape(w) for w in p.split()) for p in sorted(parties, key=len, reverse=True)
    )
    party = rf"(?P<party>(?=[A-Z])(?i:{names}))"
    titles = "|".join(re.escape(r) for r in sorted(roles, key=len, reverse=True))
    before = re.compile(rf"{party}(?:\s+(?:{titles})|’s|'s)\s+$")  # or "Labour's Jo Bloggs"
    # "Jo Bloggs, the Liberal Democrat education spokesperson"
    after = re.compile(
        rf"^\s*,\s*(?:the\s+|a\s+)?{party}(?:’s|'s)?\s+(?:[a-z]+\s+){{0,3}}(?:{titles})\b"
    )
    return before, after


def _party_of(match: re.Match) -> str | None:
    return lexicon().parties.get(" ".join(match.group("party").lower().split()))


# a council's name: capitalised words then ``Council`` (``Castlebridge Metropolitan Borough Council``)
_COUNCIL = re.compile(r"\b(?:[A-Z][\w’'-]+ )+Council\b")


def _without_place(name: str) -> str:
    """``Riverside Carers Group in Kingsmere``: the body, without the place it is in (a name
    ending in an organisation noun, then ``in`` and one capitalised word)."""
    m = re.match(r"(.+?)\s+in\s+[A-Z][a-z]+$", name)
    if m and bare_word(m.group(1).split()[-1]).lower() in lexicon().organisation_nouns:
        return m.group(1)
    return name


def sole_council(text: str) -> str | None:
    """The one local council an article names (``Castlebridge City Council``), or None when it
    names none or several."""
    names = {re.sub(r"^The ", "", m.group(0)) for m in _COUNCIL.finditer(text)}
    names = {n for n in names if len(n.split()) >= 2}
    longest = {n for n in names if not any(n != o and o.endswith(" " + n) for o in names)}
    return next(iter(longest)) if len(longest) == 1 else None


_LEADING_TITLE = re.compile(r"(\S+?)\.?\s+(?=\S)")


def _councillor(before: str, after: str) -> bool:
    """A council role right before the name (``Cllr``) or right after it (``, cabinet member
    for children``)."""

    def words_of(phrase: str) -> list[str]:  # "children's" and "children’s" alike
        return re.findall(r"[a-z]+", re.sub(r"(?:’s|'s)\b", "", phrase.lower()))

    roles = {" ".join(words_of(r)) for r in lexicon().council_roles}
    words = words_of(before[-50:])
    head = " ".join(words_of(after[:60])[:5])
    return any(
        " ".join(words[-len(r.split()) :]) == r
        or head.startswith(r)
        or head.startswith("the " + r)
        or head.startswith("a " + r)
        for r in roles
    )


def link_person_context(registry: Registry, key: str, start: int, end: int) -> None:
    """Find the organisation and role the text gives a person around one mention."""
    text = registry.text
    clitic = re.match(r"(?:’s|'s)\s+", text[start:end])
    if clitic:  # "Labour's Jo Doe" tagged from the clitic on: the name starts after it
        start += clitic.end()
    # "Cllr Jo Doe" tagged with its title: the title says what "Cllr" before the name says
    title = _LEADING_TITLE.match(text[start:end])
    title = title.group(0) if title and title.group(1).lower() in lexicon().honorifics else ""
    peer = registry.peer_span(start, end)
    if peer is not None:  # "the Labour peer Lord Smith of Anytown, a former ..."
        start, end = peer
        registry.link(key, None, "peer")  # a later "the peer said" is them
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    after = text[end : min(line_end, end + 200)]
    if _AGE.match(after) and key in registry.people:
        registry.people[key].private = True
    after = _AGE.sub("", after, count=1)  # "Jo Bloggs, 21, ..."
    before = text[max(line_start, start - 200) : start]
    org = role = None
    lex = lexicon()
    before_party, after_party = _party_patterns(tuple(lex.parties), tuple(lex.party_roles))
    office = office_organisation(before[-80:], at="end") or office_organisation(
        after.split(".")[0][:90], at="start"
    )
    leads = _AFTER_WHO.match(after) or _AFTER_WHO_NOMINAL.match(after)
    if leads and leads.group("role") not in _LEADS:
        leads = None
    if leads and "org" in leads.groupdict():
        # "Jo Bloggs, the Labour MP who chairs the committee": the body they lead, not the party
        org, role = leads.group("org"), leads.group("role")
    elif leads:
        noun = leads.group("noun")
        src = registry.resolve_nominal(noun.lower(), start, "the " + noun)
        org, role = (src.organisation if src else None), leads.group("role")
    elif m := _CHAIR_BEFORE.search(before):
        # "The committee's chair, Conservative MP Jo Bloggs": the body they chair, not the party
        src = registry.resolve_nominal(m.group("noun").lower(), start, "the " + m.group("noun"))
        org, role = (src.organisation if src else None), m.group("role")
    elif (m := after_party.match(after)) or (m := before_party.search(before)):
        org = _party_of(m)
        role = "mp"
        if (
            (of := _AFTER_OF.match(after))
            and of.group("prep") == "of"
            and _COUNCIL.search(of.group("org"))
        ):  # "Jo Doe, Conservative leader of Hollinshire County Council": the council
            org, role = of.group("org"), of.group("role")
    elif (
        office is not None
    ):  # "children's minister Jo Bloggs", "Jo Bloggs, the education secretary"
        org, role = office, "minister"
    elif m := _AFTER_WHO.match(after):  # "Jo Bloggs, who chairs the campaign group Heard Now"
        org, role = m.group("org"), m.group("role")
        if unit := _UNIT_AT.match(after, m.end("org")):
            org = unit.group("org")  # "who manages the IRO service at X": the body is X
    elif m := _AFTER_WHO_NOMINAL.match(after):  # "Jo Bloggs, who chairs the committee"
        src = registry.resolve_nominal(m.group("noun").lower(), start, "the " + m.group("noun"))
        org, role = (src.organisation if src else None), m.group("role")
    elif m := _BEFORE_LED_BY.search(before):  # "The review, led by Jo Bloggs"
        org, role = m.group("org"), "chair"
        if org[:1].islower() or org.split()[0] in ("The", "the") and len(org.split()) == 2:
            noun = org.split()[-1].lower()
            src = registry.resolve_nominal(noun, start, org)
            org = src.organisation if src else None
    elif (m := _AFTER_OF.match(after)) and _is_role(m.group("role")):
        org, role = m.group("org"), m.group("role")
        if m.group("prep") == "for" and role.split()[-1] in lexicon().legislator_titles:
            org = None  # "Jo Doe, the MP for Thornfield and Marr": a seat, not a body
        elif _office_body(role):  # "Jo Doe, the Children's Rights Guardian for England"
            org = f"{role} {m.group('prep')} {_trim_org(m.group('org'))}"
        elif m.group("prep") == "for" and not is_org_like(org, registry, strict=True):
            org = None  # "Jane Doe, Minister for Children"
        elif is_portfolio(org):
            org = None  # "Jo Bloggs, Cabinet Member for Children and Families": a remit
    elif (m := _AFTER_OF_DESCRIBED.match(after)) and _is_role(m.group("role")):
        org, role = m.group("org"), m.group("role")  # "general secretary of the heads' union NAHT"
    elif (m := _AFTER_LAYOUT.match(after)) and _is_role(m.group("role")) and start == line_start:
        org, role = m.group("org"), m.group("role")
    elif (
        (m := _AFTER_LAYOUT_ORG.match(after))
        and _LINE_OPENER.fullmatch(text[line_start:start])
        and is_org_like(m.group("org"), registry, strict=True)
        and not role_not_body(m.group("org"))  # "Jo Doe, Chief Executive"
    ):
        org = m.group("org")
    elif (m := _AFTER_POSS.match(after)) and _is_role(m.group("role")):
        owner = m.group(
            "owner"
        ).strip()  # "Jane Doe, the fund's chief analyst" / "Jane Doe, Oxfam's director"
        noun = bare_word(owner.split()[-1]) if owner.split() else ""
        role = m.group("role")
        if m.group("det") and noun in lexicon().organisation_nouns:
            src = registry.resolve_nominal(noun, start, "the " + owner)
            org = src.organisation if src else None
        elif owner[:1].isupper():
            org = owner
    elif m := _AFTER_OF_ONLY.match(after):
        org = m.group("org")
    elif (m := _AFTER_OF_BARE.match(after)) and is_org_like(m.group("org"), registry, strict=True):
        org = m.group("org")  # "Jo Doe of the Carers Alliance said"
    elif (m := _AFTER_ROLE_AT.match(after)) and _is_role(m.group("role")):
        org, role = m.group("org"), m.group("role")
    elif (m := _AFTER_IS_ROLE.match(after)) and _is_role(m.group("role")):
        org, role = m.group("org"), m.group("role")  # "Jo Bloggs has been director at X"
    elif (m := _AFTER_WORKS.match(after)) and is_org_like(m.group("org"), registry, strict=True):
        org = m.group("org")  # "Jo Bloggs has worked at the Family Trust for eleven years"
    elif (m := _WHOSE_ROLE.search(before)) and _is_role(m.group("role")):
        org, role = m.group("org"), m.group("role")  # "the X Network, whose chair, Jo Doe,"
    elif (m := _BEFORE_ROLE_OF.search(before)) and _is_role(m.group("role")):
        org, role = m.group("org"), m.group("role")
        whole = registry.actors.lookup(before[m.start() :].split(",")[0])
        if whole is not None and whole.kind == "organisation":
            org = whole.name
        elif _office_body(role):  # "The Children's Rights Guardian for England, Jo Doe,"
            org = f"{_without_article(role)} {m.group('prep')} {_trim_org(m.group('org'))}"
        elif is_portfolio(org) or (
            m.group("prep") == "for" and not is_org_like(org, registry, strict=True)
        ):
            org = None  # "Minister for Children, Jane Doe": a portfolio
    elif (m := _BEFORE_ORG_ROLE.search(before)) and _is_role(m.group("role")):
        org, role = m.group("org"), m.group("role")
        possessive = bool(re.search(r"(?:’s|'s)\s*$", before[: m.start("role")]))
        if (
            len(_trim_org(org).split()) == 1
            and not possessive
            and not is_org_like(org, registry, strict=True)
        ):
            org = None  # "Housing minister Jane Doe": a portfolio, not a body
        if org and org.split() and org.split()[-1].lower() in {"the", "a", "an"}:
            org = None
    elif (m := _POSS_PRONOUN_ROLE.search(before)) and _is_role(m.group("role")):
        src = registry.resolve_pronoun("it" if m.group("pron").lower() == "its" else "they", start)
        org, role = (
            (src.organisation if src else None),
            m.group("role"),
        )  # "Its general secretary, Jane Doe"
    elif nominal := _nominal_role(before):
        # "panel chair Jo Bloggs": the body named earlier that the noun describes
        src = registry.resolve_nominal(nominal[0], start, "the " + nominal[0])
        org, role = (src.organisation if src else None), nominal[1]
    elif (m := _POSS_ROLE.search(before)) and _is_role(m.group("role")):
        phrase = m.group("org").strip()
        noun = phrase.split()[-1].lower() if phrase.split() else ""
        proper = ORG_NAME_RE.search(phrase)
        if phrase[:1].isupper() and (
            noun not in lexicon().organisation_nouns
            or (proper and proper.group(0) == phrase and phrase.split()[-1][:1].isupper())
        ):  # "Harrowdene and District NHS Trust's chief nurse": the name itself
            org = proper.group(0) if proper else None
        elif noun in lexicon().organisation_nouns:
            src = registry.resolve_nominal(noun, start, phrase)
            org = src.organisation if src else None
        role = m.group("role")
    if org and not is_org_like(org, registry):
        org = None
    if (
        org
        and role
        and re.search(r"\b(?:former|ex|then|one-time|erstwhile|previous|founding)\b", role, re.I)
    ):
        org = None  # "former chief executive of X": X is not the body they speak for now
    if org is None and (m := _SPEAKING_FOR.search(before)):
        party = lexicon().parties.get(m.group("body").lower())
        org = party or None  # "Opening for Labour, Jo Doe, ...": the party they speak for
        if org is None and is_org_like(m.group("body"), registry, strict=True):
            org = m.group("body")  # "For the Department for Education, Jo Doe told MPs"
    if org is None and (bare := _bare_title(before, text[start:end])):
        # "The forum said X. Chair Jo Doe insisted": a title with no body is the current body's
        src = registry.resolve_pronoun("it", start)
        org, role = (src.organisation if src else None), role or bare
    if org is None and _councillor(before + title, after):
        org = sole_council(text)  # "Cllr Jo Bloggs, cabinet member for children": their council
    if org is None and (start == line_start or LAYOUT_LABEL.fullmatch(text[line_start:start])):
        org = section_heading_body(registry, line_start)  # "Jo Doe, president" under its body
    if org and registry.org_name(org):
        registry.link(key, org, role)
        registry.mentions.append(
            Mention(start, end, "organisation", registry.org_name(org) or org, False)
        )
        registry.mentions.sort(key=lambda m: (m.start, m.kind != "organisation"))
    elif role:
        registry.link(key, None, role)
    # a role phrase right before the name: "children's minister Claire Coutinho"
    words = re.findall(r"[A-Za-z][\w’'\-]*", before[-60:])
    for word in words[-4:]:
        if (
            bare_word(word) in lexicon().role_nouns
            or bare_word(word) in lexicon().interviewer_roles
        ):
            registry.link(key, None, word)
    # every role of the appositions after it, so that a later "the former children's minister"
    # or "the shadow education secretary" finds them
    for role_phrase in appositive_roles(after.split(". ")[0]):
        registry.link(key, None, role_phrase)


_APPOSITIVE_OPENER = re.compile(
    r"^(?:the|a|an|who|whose|former|now|then|currently|also|until|since|[a-z]+-?(?:chair|president)\b)\b",
)


# a heading's acronym after the name it defines: "Association of Local Leaders (ALL)"
_ACRONYM_SUFFIX = re.compile(r"\s*\([A-Z][A-Za-z&]{1,9}\)\s*$")


def section_heading_body(registry: Registry, line_start: int) -> str | None:
    """The body a round-up's section heading names on the line right above ``line_start``."""
    previous = registry.text.rfind("\n", 0, max(0, line_start - 1))
    while previous > 0 and not registry.text[previous + 1 : line_start].strip():
        previous = registry.text.rfind("\n", 0, previous)  # blank lines between them
    heading = previous + 1
    return next(
        (
            m.key
            for m in registry.mentions
            if m.kind == "organisation"
            and m.start == heading
            and m.subject
            and not _ACRONYM_SUFFIX.sub("", registry.text[m.end : line_start]).strip()
        ),
        None,
    )


def appositive_roles(after: str) -> list[str]:
    """The comma-delimited appositions right after a name (``, the Labour MP for X, who served
    as children's minister until 2019,``) up to the first segment that is not one (the verb)."""
    if not after.lstrip().startswith(","):
        return []
    out = []
    for segment in after.lstrip()[1:].split(","):
        segment = segment.strip()
        if not segment or not (_APPOSITIVE_OPENER.match(segment) or segment[:1].isupper()):
            break
        if re.match(r"(?:said|says|told|added)\b", segment):
            break
        out.append(segment)
    return out


def is_org_like(name: str, registry: Registry, *, strict: bool = False) -> bool:
    """A name that can be an organisation: known, defined as an acronym, with an organisation noun,
    an acronym, or several capitalised words."""
    trimmed = _trim_org(name)
    words = trimmed.split()
    if not words:
        return False
    if (
        trimmed in registry.acronyms
        or registry.actors.lookup(trimmed)
        or registry.actors.lookup("the " + trimmed)
    ):
        return True
    if any(bare_word(w) in lexicon().organisation_nouns for w in words):
        return True
    if trimmed.lower() in registry.places:
        return False
    if len(words) == 1:
        if strict:
            return words[0].isupper() and len(words[0]) >= 2
        return words[0][:1].isupper() and words[0] not in lexicon().not_names
    return sum(1 for w in words if w[:1].isupper()) >= 2


def role_not_body(phrase: str) -> bool:
    """A capitalised role (``Chief Executive``), not a body's name (``Association of Agency
    Social Workers``, whose ``Workers`` is an occupation but ``Association`` a body)."""
    lex = lexicon()
    return _is_role(phrase) and not any(
        bare_word(w) in lex.organisation_nouns and bare_word(w) not in lex.role_nouns
        for w in phrase.split()
    )


def _is_role(phrase: str) -> bool:
    words = [role_word(w) for w in phrase.split()]
    lex = lexicon()
    return any(w in lex.role_nouns or w in lex.office_bodies for w in words) and len(words) <= 8


def role_word(word: str) -> str:
    """``bare_word``, and for a hyphenated word not listed itself its last part (``vice-chair``,
    ``co-founder``)."""
    bare = bare_word(word)
    if bare not in lexicon().role_nouns and "-" in bare:
        return bare.rsplit("-", 1)[-1]
    return bare


def link_org_descriptors(registry: Registry) -> None:
    """``Become, the national charity for...`` / ``children's rights charity Article 39``."""
    text = registry.text
    nouns = "|".join(sorted(lexicon().organisation_nouns, key=len, reverse=True))
    for m in re.finditer(
        rf"({ORG_NAME})(?:\s*\([A-Z][A-Za-z&]{{1,9}}\))?,\s+(?:the|a|an)\s+(?:[\w’'\-]+\s+){{0,4}}?({nouns})\b",
        text,
    ):
        if m.group(1).split()[0] in lexicon().not_names:
            continue
        registry.add_descriptor(m.group(1), m.group(2))
        registry.add_org(m.group(1), m.start(1), m.end(1), subject=False)
    for m in re.finditer(rf"\b({nouns})\s+({ORG_NAME})", text):
        if m.group(2)[:1].isupper() and not re.match(r"(?:The|A|An)\b", m.group(2)):
            registry.add_descriptor(m.group(2), m.group(1))
            registry.add_org(m.group(2), m.start(2), m.end(2), subject=False)


_PLURAL_POSSESSIVE_WORD = re.compile(r"[A-Z][\w\-]*s[’']\s+$")
# what may join a name to the rest of a body's name: a possessive, "and", more capitalised words
_NAME_CONTINUES = re.compile(r"(?:(?:’s|'s)?\s+(?:and\s+)?[A-Z][\w’'\-]*)+")


def _organisation_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of a body's name that a ``PERSON`` entity is really part of, or None: the entity
    has an organisation noun (``Advocacy Network``, after ``Parents'``), runs on into a name
    ending in one (``St Ann's Hospital``, ``Harrowdene and District NHS Trust``), or follows an
    organisation noun (``the charity Open Doors``)."""
    nouns = lexicon().organisation_nouns
    m = _NAME_CONTINUES.match(text, end)
    stop = m.end() if m and "\n" not in m.group(0) else end
    words = text[start:stop].split()
    last = next((k for k in range(len(words), 0, -1) if bare_word(words[k - 1]) in nouns), 0)
    if last:
        name = " ".join(words[:last])
        stop = start + text[start:stop].index(words[last - 1]) + len(words[last - 1])
        stop -= len(re.search(r"(?:’s|'s)?$", text[start:stop]).group(0))
        if not looks_like_person(name):
            before = _PLURAL_POSSESSIVE_WORD.search(text, max(0, start - 30), start)
            return (before.start() if before else start), stop
    prev = re.search(r"([a-z][\w’'\-]*)\s+$", text[max(0, start - 30) : start])
    if prev and prev.group(1) in nouns and prev.group(1) not in lexicon().role_nouns:
        return start, end  # not "chief executive Jo Bloggs"
    # "Practitioners' Alliance for Child Welfare", "Centre for Family Poverty": the tail of a
    # body's name after its organisation noun and a connector
    window = max(0, start - 120)
    head = _NAME_HEAD.search(text, window, start)
    if head and bare_word(head.group("noun")) in nouns and "\n" not in head.group(0):
        # a sentence's opening preposition is not part of the name ("For the Alliance for ...")
        opening = re.match(r"(?:(?:For|At|In|On|By|From|With|To|As|The)\s+)+", head.group(0))
        return head.start() + (opening.end() if opening else 0), end
    return None


# a capitalised name ending in a word, then a connector, right before a position
_NAME_HEAD = re.compile(
    r"(?:[A-Z][\w’'\-]* +(?:(?:of|for|and|&|the) +)*)*(?P<noun>[A-Z][\w’'\-]*) +(?:for|of|on|and|&) +(?:the +)?$"
)


def _entities_by_form(
    text: str, entities: Iterable[tuple[int, int, str, bool]]
) -> list[tuple[int, int, str, bool]]:
    """Entities in text order, a ``PERSON`` that is part of a body's name made an ``ORG``
    (see ``_organisation_span``) and the person entities that its span swallows dropped."""
    out = []
    for start, end, label, subject in sorted(entities):
        if label == "PERSON" and not peer_name(text[start:end]):
            span = _organisation_span(text, start, end)
            if span is not None:
                start, end, label = span[0], span[1], "ORG"
        out.append((start, end, label, subject))
    bodies = [(s, e) for s, e, label, _ in out if label == "ORG"]
    # a lone word that opens a body's name elsewhere is a place ("Harrowdene County Council")
    places = {text[s:e].split()[0] for s, e in bodies if len(text[s:e].split()) > 1} - {
        "The",
        "the",
    }
    return sorted(
        x
        for x in out
        if x[2] != "PERSON"
        or not (any(s <= x[0] and x[1] <= e for s, e in bodies) or text[x[0] : x[1]] in places)
    )


_DATE_WORDS = (
    "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|"
    "June|July|August|September|October|November|December"
)


def link_document_owners(registry: Registry) -> None:
    """``the government's strategy``, ``the Department for Education published ... its
    strategy``: the body a document noun belongs to, for a later ``the strategy proposes``."""
    docs = "|".join(sorted(lexicon().document_nouns, key=len, reverse=True))
    owner = rf"(?P<owner>{ORG_NAME}|\b[Tt]he\s+(?:government|department))"
    for pattern in (
        rf"{owner}(?:’s|'s)\s+(?:[\w’'\-]+\s+){{0,4}}?(?P<noun>{docs})\b",
        rf"{owner}\s+(?:has\s+|have\s+)?(?:published|launched|unveiled|released|set\s+out)\s+"
        rf"[^.\n]{{0,80}}?\b(?P<noun>{docs})\b",
    ):
        for m in re.finditer(pattern, registry.text):
            # the body's name only: not a line above it, a sentence opener or a date after it
            name = re.split(r"\n|\sthe\s", m.group("owner"))[-1]
            if looks_like_person(name) or not is_org_like(name, registry):
                continue
            org = registry.org_name(name)
            if org:
                registry.add_document_owner(m.group("noun"), m.start("noun"), org)


def build_registry(
    text: str, entities: Iterable[tuple[int, int, str, bool]], actors: ActorTable
) -> Registry:
    """A registry from entity mentions ``(start, end, label, is_subject)`` in text order.

    Labels: ``PERSON``, ``ORG`` (spaCy's) and ``DOC`` (a document named as a source).
    """
    registry = Registry(text, actors)
    link_org_descriptors(registry)
    link_document_owners(registry)
    people = []
    for start, end, label, subject in _entities_by_form(text, entities):
        raw = text[start:end]
        if label == "ORG" and registry.is_person_surname(raw):
            label = "PERSON"  # "Ranganathan says": a surname the NER took for a body
        if label == "PERSON":
            key = registry.add_person(raw, start, end, subject=subject)
            if key:
                people.append((key, start, end))
        elif label in ("ORG", "NORP"):
            registry.add_org(raw, start, end, subject=subject)
        elif label == "DOC":
            registry.add_org(raw, start, end, subject=subject, kind="document")
        elif label == "GPE":
            registry.places.add(_trim_org(raw).lower())
    for key, start, end in people:
        link_person_context(registry, key, start, end)
    registry.mentions.sort(key=lambda m: m.start)
    return registry


# "Statement from Jo Doe, director:": a label before a layout header's name
LAYOUT_LABEL = re.compile(
    r"(?:(?:a|the|full|joint)\s+)?(?:statement|comment|response|reaction)s?\s+(?:from|by)\s+", re.I
)
# a "Name, role, Organisation" line: a layout header naming a source
LAYOUT_LINE = re.compile(
    r"^(?P<name>[A-Z][\w’'\-]+(?:\s+(?:de|van|von|le|da|[A-Z][\w’'\-]+)){1,3})\s*,\s*(?P<rest>[^\n]{3,160})$"
)


def _title_word(word: str) -> bool:
    """A party or office before a name in one proper-noun chain (``Conservative``, ``MP``)."""
    lex = lexicon()
    return (
        word.lower() in lex.parties or word in lex.party_roles or bare_word(word) in lex.role_nouns
    )


def _main_clause_subject(token) -> bool:
    """A main-clause subject (not the subject of a reported clause): what later pronouns
    continue."""
    return token.dep_ in SUBJECT_DEPS and token.head.dep_ in ("ROOT", "conj")


def _names_main_subject(token) -> bool:
    """A main-clause subject, or a name set beside one in apposition, also inside its
    prepositional phrase (``One of our workers in Leeds, Jo Doe, put it bluntly``, where the
    parser may hang the name on ``Leeds``)."""
    if token.dep_ == "pobj" and token.head.dep_ == "agent":
        return token.head.head.dep_ == "ROOT"  # "was described by the X Network as ..."
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.dep_ == "prep":
        return _main_clause_subject(token.head.head)  # "Members of the X Forum will see ..."
    if (
        token.dep_ == "pobj"
        and token.head.lower_ == "for"
        and token.head.i == token.sent.start
        and token.right_edge.i + 1 < len(token.doc)
        and token.doc[token.right_edge.i + 1].text == ","
    ):
        return True  # "For the X Association, the report is ...": whose view the sentence is
    if token.dep_ != "appos":
        return _main_clause_subject(token)
    head = token.head
    for _ in range(6):
        if _main_clause_subject(head):
            return True
        if head.dep_ not in ("pobj", "prep", "compound", "appos") or head.head.i == head.i:
            return False
        head = head.head
    return False


def _owned_person(ent):
    """(owner, person) spans of an entity the tagger ran across a possessive (``Labour's Priya
    Lanchester``, ``the Trust's Jo Doe``), when what follows it reads as a person's name."""
    marks = [t for t in ent[:-1] if t.lower_ in ("’s", "'s") and t.dep_ == "case"]
    if not marks:
        return None
    doc = ent.doc
    k = marks[-1].i
    owner, person = doc[ent.start : k], doc[k + 1 : ent.end]
    if not len(owner) or not len(person) or not looks_like_person(person.text):
        return None
    if owner[0].lower_ == "the":
        owner = doc[owner.start + 1 : owner.end]
    return (owner, person) if len(owner) else None


# capitalised words joined to an organisation's name by "and", which the NER left outside it
_COORDINATED_HEAD = re.compile(
    r"(?<![\w’'])(?!(?:The|A|An) )(?:[A-Z][\w\-]* +){0,2}[A-Z][\w\-]* +(?:and|&) +$"
)
# capitalised words ending in a plural possessive (``Northern Metropolitan Children's``,
# ``Foster Carers' ``) right before an organisation the tagger began after them: the head of the
# same name (a plural's possessive inside a capitalised name is part of it)
_PLURAL_POSSESSIVE_HEAD = re.compile(
    r"(?<![\w’'])(?:[A-Z][\w\-]*\s+){0,4}(?:Children|Women|Men|People|[A-Z][\w\-]*s)(?:’s|'s|’|')\s+$"
)


def build_article_registry(article: Article, paras: list[Any], actors: ActorTable) -> Registry:
    """The registry of an article's people and organisations, from its parsed paragraphs.

    ``paras`` are ``pipeline.paragraph.Para``. NER entities are cleaned up (possessives, a
    sentence-initial "The", truncated organisation names, people the NER called organisations)
    and completed with the person names, acronyms and layout-header names it missed.
    """
    entities = []
    for para in paras:
        if is_page_furniture(para.text):
            continue  # a breadcrumb's "National" is no organisation
        owned_tokens: set[int] = set()  # entities split at a possessive into owner and person
        for ent in para.doc.ents:
            if ent.label_ in ("GPE", "LOC"):
                entities.append(
                    (para.offset + ent.start_char, para.offset + ent.end_char, "GPE", False)
                )
            if ent.label_ not in ("PERSON", "ORG", "NORP"):
                continue
            if ent.label_ == "NORP" and (
                ent.text.lower() not in lexicon().parties or ent.root.dep_ in ("amod", "compound")
            ):
                continue
            owned = _owned_person(ent)
            if owned is not None:  # "Labour's Priya Lanchester": a body's person
                owner, person = owned
                entities.append(
                    (
                        para.offset + person.start_char,
                        para.offset + person.end_char,
                        "PERSON",
                        _main_clause_subject(person.root),
                    )
                )
                label = "NORP" if owner.text.lower() in lexicon().parties else "ORG"
                entities.append(
                    (para.offset + owner.start_char, para.offset + owner.end_char, label, False)
                )
                owned_tokens.update(range(ent.start, ent.end))
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
            subject = _names_main_subject(ent.root)
            if ent.label_ == "ORG" and (
                head := _PLURAL_POSSESSIVE_HEAD.search(article.text[max(0, start - 120) : start])
            ):
                start -= min(start, 120) - head.start()  # "Northern Children's | Leaders Group"
            elif ent.label_ == "ORG" and (
                head := _COORDINATED_HEAD.search(article.text[max(0, start - 60) : start])
            ):
                head_start = start - (min(start, 60) - head.start())
                if not any(  # "Barnardo's and Kin Alliance": two bodies, each an entity
                    e is not ent
                    and para.offset + e.start_char < start
                    and para.offset + e.end_char > head_start
                    for e in para.doc.ents
                ):
                    start = head_start  # "Grandparents and | Kin Alliance": one name
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
                    last = next(
                        (t for t in para.doc if t.idx <= end - 1 - para.offset < t.idx + len(t)),
                        None,
                    )
                    if last is not None and last.i >= ent.end:  # the completed name's head
                        subject = subject or _names_main_subject(last)
            label = ent.label_
            if label == "PERSON" and _constituency(article.text, start):
                continue
            if label == "ORG" and (
                _person_like(ent, article.text, end)
                or (looks_like_person(ent.text) and actors.lookup(ent.text) is None)
                # "Amira, 17, said": a first name with an age
                or (len(ent) == 1 and _aged(article.text, end))
            ):
                label = "PERSON"
            entities.append((start, end, label, subject))
        covered = {t.i for e in para.doc.ents for t in e}
        people_covered = {t.i for e in para.doc.ents if e.label_ == "PERSON" for t in e}
        people_covered |= owned_tokens
        for tok in para.doc:  # person names the NER missed or called something else
            if (
                tok.pos_ == "PROPN"
                and tok.i not in people_covered
                and tok.dep_ in ("nsubj", "nsubjpass", "appos", "poss", "pobj", "dobj")
            ):
                left, right = propn_chain(tok)
                while left < right - 2 and _title_word(para.doc[left].text):
                    left += 1  # "Conservative MP Dominic Feathers-Laing": the name after them
                name = para.doc[left:right].text
                if (
                    (looks_like_person(name) or peer_name(name))  # "Baroness Whitlock"
                    and actors.lookup(name) is None
                    and not any(para.doc[k].ent_type_ == "GPE" for k in range(left, right))
                    and not _constituency(article.text, para.offset + para.doc[left].idx)
                ):
                    s0 = para.offset + para.doc[left].idx
                    e0 = para.offset + para.doc[right - 1].idx + len(para.doc[right - 1].text)
                    entities = [x for x in entities if not (x[0] < e0 and x[1] > s0)]
                    entities.append(
                        (s0, e0, "PERSON", tok.dep_ in SUBJECT_DEPS or _names_main_subject(tok))
                    )
                    covered.update(range(left, right))
                    people_covered.update(range(left, right))
        # "Care Leavers Rising, a campaign led by ...": a body's name the parser missed
        for tok in para.doc:
            if tok.dep_ in SUBJECT_DEPS and (words := _described_body(tok)) is not None:
                s0 = para.offset + words[0].idx
                entities.append((s0, s0 + len(words.text), "ORG", _main_clause_subject(tok)))
        for tok in para.doc:
            # a body's name the NER missed, as a subject ("The Shire Counties Children’s
            # Network, which speaks for 24 councils, warned"): a later "Its chair" is theirs
            if (
                tok.i in covered
                or tok.dep_ not in SUBJECT_DEPS
                or tok.pos_ != "PROPN"
                or bare_word(tok.text).lower() not in lexicon().organisation_nouns
            ):
                continue
            end = tok.idx + len(tok.text)
            m = next((m for m in ORG_NAME_RE.finditer(para.text) if m.end() == end), None)
            if m is not None and len(m.group().split()) >= 2:
                s0 = m.start()
                first = next((t for t in para.doc if t.idx == s0), None)
                if first is not None and first.lower_ == "the" and first.is_sent_start:
                    s0 = first.nbor().idx  # a sentence-initial "The" says nothing about the name
                entities.append(
                    (para.offset + s0, para.offset + end, "ORG", _main_clause_subject(tok))
                )
        for tok in para.doc:  # acronyms the NER missed
            if (
                tok.i not in covered
                and tok.pos_ == "PROPN"
                and tok.text.isupper()
                and 2 <= len(tok.text) <= 8
                and tok.text.lower() not in lexicon().not_organisation_acronyms
            ):
                s0 = para.offset + tok.idx
                entities.append((s0, s0 + len(tok.text), "ORG", tok.dep_ in SUBJECT_DEPS))
        # layout headers ("Name, role, Organisation") name people the NER may miss
        if para.seg.role == "heading":
            m = LAYOUT_LINE.match(para.text)
            if m:
                entities.append((para.offset, para.offset + len(m.group("name")), "PERSON", True))
    headings = _section_bodies(paras, actors) + _bullet_bodies(paras, actors)
    entities = [  # the heading's whole name, not the NER's piece of it ("Young Voices")
        e for e in entities if not any(e[0] < h[1] and e[1] > h[0] for h in headings)
    ] + headings
    return build_registry(article.text, entities, actors)


_HEADING_NAME = re.compile(  # a heading line is one name: "Voices from Care North" too
    rf"(?:{_NAME_TOKEN}|[A-Z]{{2,8}})(?: +(?:(?:{_CONNECT}|from|to|with) +)*{_NAME_TOKEN}){{0,7}}"
)


def _section_bodies(paras: list[Any], actors: ActorTable) -> list[tuple[int, int, str, bool]]:
    """A round-up's section headings that name the body whose reaction follows (``Fostering
    Providers' Alliance``, then ``The alliance said ...``), as organisation mentions that the
    section's "the alliance", "it" and "its chief executive" refer back to. A heading counts when
    it is a capitalised name with an organisation noun, an acronym or a known body; once two do,
    the page is laid out a section per body, and a name without such a word (``Young Voices in
    Care``) counts too."""
    strong, weak = [], []
    for k, para in enumerate(paras):
        line = _ACRONYM_SUFFIX.sub("", para.text.strip())  # "... (ALCSL)"
        if (
            para.seg.role != "heading"
            or "\n" in line
            or not _HEADING_NAME.fullmatch(line)
            or is_page_furniture(line)
            or k + 1 >= len(paras)
            # a section's heading is followed by its text, or by a "Name, role" line over it
            or not (paras[k + 1].seg.role == "body" or LAYOUT_LINE.match(paras[k + 1].text))
        ):
            continue
        words = line.split()
        known = actors.lookup(line)
        if known is not None and known.kind != "organisation":
            continue
        entry = (para.offset, para.offset + len(line), "ORG", True)
        if (
            known is not None
            or (len(words) == 1 and words[0].isupper() and len(words[0]) >= 2)
            or (len(words) >= 2 and bare_word(words[-1]) in lexicon().organisation_nouns)
        ):
            strong.append(entry)
        elif len(words) >= 2 and not looks_like_person(line):
            weak.append(entry)
    return strong + weak if len(strong) >= 2 else strong


# "• Association of Designated Safeguarding Leads (ADSL) – welcomed X": a round-up's bullet that
# opens with the body whose reaction it gives, then a dash
_BULLET_BODY = re.compile(
    rf"^\s*[•▪●◦*]\s*(?P<name>{_HEADING_NAME.pattern})(?:\s*\([A-Z][A-Za-z&]{{1,9}}\))?"
    r"(?:,\s*[^–—\n]{1,60}?)?\s+[–—]\s+"
)


def _bullet_bodies(paras: list[Any], actors: ActorTable) -> list[tuple[int, int, str, bool]]:
    """The bodies that open a round-up's bullets (``• X Alliance – said Y``), as subject
    organisation mentions for the bullet's subjectless cues, ``Its chair`` and ``a
    spokesperson``; only where at least two bullets of the page do so, and never a person."""
    found = []
    for para in paras:
        if para.seg.role != "body" or not (m := _BULLET_BODY.match(para.text)):
            continue
        name = m.group("name")
        known = actors.lookup(name)
        if (known is not None and known.kind != "organisation") or looks_like_person(name):
            continue
        found.append((para.offset + m.start("name"), para.offset + m.end("name"), "ORG", True))
    return found if len(found) >= 2 else []


@functools.lru_cache(maxsize=16)  # one pattern per domain's list
def _seat_before(titles: frozenset[str]) -> re.Pattern:
    title = "|".join(re.escape(t) for t in sorted(titles, key=lambda t: (-len(t), t)))
    return re.compile(rf"\b(?:{title})\s+for\s+(?:the\s+)?$")


def _constituency(text: str, start: int) -> bool:
    """``the Labour MP for Thornbury West``: a seat named like a person is a place."""
    seat = _seat_before(lexicon().legislator_titles)
    return seat.search(text[max(0, start - 40) : start]) is not None


def _person_like(ent, text: str, end: int) -> bool:
    """An entity the NER called an organisation that reads as a person's name with a role apposition."""
    words = ent.text.split()
    if not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
        return False
    if any(
        bare_word(w) in lexicon().organisation_nouns | lexicon().document_nouns for w in words
    ) or any(w.isupper() for w in words):
        return False
    after = text[end : end + 80]
    for m in re.finditer(r"[\w’'\-]+", after.split("\n")[0][:60]):
        if m.group(0).lower() in lexicon().role_nouns:
            return after.lstrip().startswith(",")
    return False


# ------------------------------------------------------------------------------ mentions in a parse


def plain_name(name: str) -> str:
    return re.sub(r"^the\s+", "", name.strip(), flags=re.I)


def char_span(offset: int, token_or_span) -> tuple[int, int]:
    """Article character offsets of a spaCy token or span parsed from text starting at ``offset``."""
    if hasattr(token_or_span, "idx"):
        return offset + token_or_span.idx, offset + token_or_span.idx + len(token_or_span.text)
    return offset + token_or_span.start_char, offset + token_or_span.end_char


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


def propn_chain(head) -> tuple[int, int]:
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


def _role_owner(head, tokens, position: int, registry: Registry) -> str | None:
    """The body a role phrase names: before its role noun, ``a Department for Education
    spokesperson`` (a name), ``the panel's chair`` (a nominal resolved in the article); after
    it, ``a spokesperson for the union``."""
    doc = head.doc
    before = [
        t for t in tokens if t.i < head.i and t.dep_ != "det" and t.lower_ not in ("’s", "'s")
    ]
    proper = [
        t
        for t in before
        if t.pos_ == "PROPN" or (t.text[:1].isupper() and not t.is_sent_start)  # not "One ..."
    ]
    if proper:
        name = doc[proper[0].i : before[-1].i + 1].text
        name = re.sub(r"(?:’s|'s)$", "", name)
        if is_org_like(name, registry) and not looks_like_person(name):
            return registry.org_name(name)
    for t in reversed(before):
        noun = t.lemma_.lower()
        if t.pos_ == "NOUN" and (
            noun in lexicon().organisation_nouns or noun in lexicon().document_nouns
        ):
            src = registry.resolve_nominal(noun, position, "the " + t.text)
            return src.organisation if src else None
    # after it: "a spokesperson for the NUSCW", "a spokeswoman for the department"
    return _body_after(head, position, registry, ("for", "at", "of", "from"))


def _body_after(head, position: int, registry: Registry, prepositions: tuple[str, ...]):
    """The body named in a prepositional phrase after ``head`` (``for the NUSCW``, ``at the
    department``), by name or as a nominal the article resolves; None when there is none."""
    doc = head.doc
    for prep in head.children:
        if prep.dep_ != "prep" or prep.lower_ not in prepositions:
            continue
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is None:
            continue
        if obj.pos_ == "PROPN":
            words = [t for t in doc[obj.left_edge.i : obj.i + 1] if t.dep_ != "det"] or [obj]
            offset = position - head.idx  # where the parsed text starts in the article
            start, end = registry.expand_name(
                offset + words[0].idx, offset + obj.idx + len(obj.text)
            )  # "the Association of Residential Childcare Providers"
            name = registry.text[start:end]
            if is_org_like(name, registry) and not looks_like_person(name):
                return registry.org_name(name)
        elif obj.pos_ == "NOUN" and obj.lemma_.lower() in lexicon().organisation_nouns:
            src = registry.resolve_nominal(obj.lemma_.lower(), position, "the " + obj.text)
            return src.organisation if src else None
    return None


def _office_body(role: str) -> bool:
    """A capitalised office that is a body of its own (``Children's Rights Guardian``)."""
    words = _without_article(role).split()
    return (
        bool(words)
        and all(w[:1].isupper() for w in words)
        and bare_word(words[-1]) in lexicon().office_bodies
    )


def _without_article(phrase: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", phrase.strip())


def _name_before_chain(text: str, name_start: int, chain_start: int) -> bool:
    """Words of a body's name (not only its article) before where the parser's proper nouns
    begin."""
    return bool(re.search(r"\w", re.sub(r"^[Tt]he\s+", "", text[name_start:chain_start])))


def _described_body(head):
    """A run of capitalised words that the parser did not take for a name, set beside an
    organisation noun in apposition (``Care Leavers Rising, a campaign led by young people,``):
    the words, as a span, or None."""
    descriptor = next((c for c in head.children if c.dep_ == "appos" and c.i > head.i), None)
    if descriptor is None or descriptor.lemma_.lower() not in lexicon().organisation_nouns:
        return None
    left = head.left_edge.i
    words = head.doc[left : head.i + 1]
    if len(words) < 2 or not all(t.text[:1].isupper() and t.is_alpha for t in words):
        return None
    if any(t.ent_type_ in ("PERSON", "GPE", "LOC") for t in words) or all(
        t.pos_ == "PROPN" or t.lower_ == "the" for t in words
    ):
        return None  # a name the parser got right goes the usual way
    return words


def _plural_of_body_noun(word: str) -> bool:
    """``Charities``, ``Councils``: the plural of an organisation noun."""
    low = word.lower()
    if not low.endswith("s"):
        return False
    singulars = {low[:-1], low[:-2]} | ({low[:-3] + "y"} if low.endswith("ies") else set())
    return any(s in lexicon().organisation_nouns for s in singulars)


def _known_person(name: str, registry: Registry) -> bool:
    """A name the tagger called a body that the article's registry holds as a person's."""
    if not looks_like_person(name):
        return False
    source = registry.resolve_name(name)
    return source is not None and bool(source.speaker)


def resolve_subject(
    head, offset: int, registry: Registry
) -> tuple[Source | None, tuple[int, int] | None, bool]:
    """The source a cue's subject names: (source, mention span, blocked). ``head`` is the subject's
    head token in a parsed text that starts at character ``offset`` of the article; spans are
    article offsets. ``blocked`` means an unidentifiable source (unnamed group, data)."""
    if head.dep_ == "appos" and head.head is not head and head.head.pos_ == "PROPN":
        head = head.head  # "Jane Doe, a councillor, who said": the name, not the title
    tokens = _mention_tokens(head)
    token_ids = {t.i for t in tokens}
    doc = head.doc
    position = offset + head.idx
    # 1. a person named in the subject (head or apposition), by the fullest name
    people = [e for e in doc.ents if e.label_ == "PERSON" and any(t.i in token_ids for t in e)]
    if not people and not (head.pos_ == "NOUN" and head.tag_ in ("NNS", "NNPS")):
        # an apposition hanging on a prepositional phrase: "Commissioner for England, Jane Doe,"
        # or a name after a long title: "minister for children, families and wellbeing Jane Doe"
        loose = {t.i for t in _mention_tokens(head, strict=False)}
        role_head = head.lemma_.lower() in lexicon().role_nouns
        people = [
            e
            for e in doc.ents
            if (e.label_ == "PERSON" or (e.label_ == "ORG" and _known_person(e.text, registry)))
            and any(t.i in loose for t in e)
            and (role_head or any(t.dep_ == "appos" for t in e))
        ]
    people.sort(key=lambda e: (not (e.start <= head.i < e.end), e.start))
    for ent in people:
        if ent.text.lower() in lexicon().parties:
            continue
        if _organisation_span(registry.text, *char_span(offset, ent)) is not None:
            continue  # "Harrowdene and District NHS Trust's chief nurse": part of a body's name
        source = registry.resolve_name(ent.text)
        if source is not None:
            span = char_span(offset, ent)
            registry.note_source(source, *span, subject=True)
            return source, span, False
    whose = next((c for c in head.children if c.dep_ == "poss" and c.lower_ == "whose"), None)
    if whose is not None:  # "the X Network (XN), whose briefing argues": the name before it
        at = offset + whose.idx
        for mention in sorted(registry.mentions, key=lambda m: -m.end):
            if mention.end <= at and re.fullmatch(
                r"\)?\s*(?:\([^()\n]{1,12}\))?\s*,?\s*", registry.text[mention.end : at]
            ):
                source = (
                    registry.person_source(mention.key)
                    if mention.kind == "person"
                    else Source(None, mention.key, mention.kind)
                )
                registry.note_source(source, mention.start, mention.end, subject=True)
                return source, (mention.start, mention.end), False
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
            registry.note_source(source, *char_span(offset, head), subject=True)
        return source, char_span(offset, head), source is None
    # a capitalised word that is the surname of a person the article has named, whatever the
    # tagger made of it ("Sanders said ...", tagged a plural common noun at a sentence start)
    if (
        head.pos_ != "PROPN"
        and head.text[:1].isupper()
        and not any(t.i != head.i and t.dep_ == "compound" for t in tokens)
        and registry.is_person_surname(head.text)
    ):
        source = registry.resolve_name(head.text)
        if source is not None:
            span = char_span(offset, head)
            registry.note_source(source, *span, subject=head.dep_ in SUBJECT_DEPS)
            return source, span, False
    if (
        head.text[:1].isupper()
        and not _plural_of_body_noun(head.text)  # "• Charities and councils": a kind of body
        and not _title_word(head.text)  # "the Labour MP told": a role, not a name
    ):
        # a capitalised word inside a longer body's name that the parser split ("Grandparents
        # and Kin Alliance welcomed", "The Care Leavers’ Collective welcomed")
        at = offset + head.idx
        named = next(
            (
                m
                for m in registry.mentions
                if m.kind == "organisation"
                and m.start <= at < m.end
                and m.end - m.start > len(head.text)
                # its first word, or (a proper noun) its last, the parser's chain of proper
                # nouns stopping short of the name's start ("Leavers’ | Collective")
                and (
                    (m.start == at and head.pos_ != "PROPN")
                    or (  # "Association of X Leads (AXL) – welcomed": the head and its of-phrase
                        m.start == at
                        and offset + head.right_edge.idx + len(head.right_edge.text) >= m.end
                    )
                    or (
                        head.pos_ == "PROPN"
                        and m.end == at + len(head.text)
                        and _name_before_chain(
                            registry.text, m.start, offset + doc[propn_chain(head)[0]].idx
                        )
                    )
                )
            ),
            None,
        )
        if named is not None and not any(  # a person's name carries their body's mention too
            m.kind == "person" and m.start <= at < m.end for m in registry.mentions
        ):
            source = Source(None, named.key, "organisation")
            registry.note_source(source, named.start, named.end, subject=True)
            return source, (named.start, named.end), False
    named = _described_body(head)
    if named is not None:  # "Care Leavers Rising, a campaign led by ..., said": a body's name
        span = char_span(offset, named)
        source = Source(None, registry.org_name(named.text) or named.text, "organisation")
        registry.note_source(source, *span, subject=True)
        return source, span, False
    lemma = head.lemma_.lower()
    # a lower-case word is no proper name, whatever the tagger says ("the association’s
    # president", tagged NNP after a curly apostrophe)
    noun = head.pos_ == "NOUN" or (head.pos_ == "PROPN" and head.text.islower())
    # 3. documents and data
    if head.pos_ in ("NOUN", "PROPN") and lemma in lexicon().data_nouns:
        return None, None, True
    if noun and lemma in lexicon().document_nouns:
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
                while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
                    verb = verb.head
                clause_subject = next(
                    (t for t in verb.children if t.dep_ in SUBJECT_DEPS and t.i < head.i), None
                )
                if (
                    clause_subject is not None
                    and clause_subject.lower_ not in ("it", "they")
                    and clause_subject is not head
                ):
                    src, mention, _ = resolve_subject(clause_subject, offset, registry)
                    if src is not None and src.organisation:
                        source = Source(None, src.organisation, "document")
                        return source, char_span(offset, head), False
            src, mention, _ = resolve_subject(c, offset, registry)
            if src is not None:
                source = Source(None, src.organisation, "document")
                registry.note_source(
                    source, *char_span(offset, head), subject=head.dep_ in SUBJECT_DEPS
                )
                return source, char_span(offset, head), False
        phrase = " ".join(t.text for t in tokens if t.i <= head.i)
        # "the independent review of children's social care": the whole phrase names a body
        loose = _mention_tokens(head, strict=False)
        whole = doc.text[loose[0].idx : loose[-1].idx + len(loose[-1].text)].strip(" ,;:")
        known = registry.actors.lookup(re.sub(r"^(?:the|a|an)\s+", "", whole, flags=re.I))
        if known is not None and known.kind == "organisation":
            src = Source(None, known.name, "organisation")
        else:
            src = registry.resolve_nominal(lemma, position, phrase)
        if src is not None:
            source = Source(None, src.organisation, "document")
            registry.note_source(
                source, *char_span(offset, head), subject=head.dep_ in SUBJECT_DEPS
            )
            return source, char_span(offset, head), False
        return None, None, True
    # 4. proper names: organisations (or a person the NER missed)
    if (head.pos_ == "PROPN" and not noun) or (head.text.isupper() and len(head.text) >= 2):
        left, right = propn_chain(head)
        name = doc[left:right].text
        last = bare_word(doc[right - 1].text)
        k = left - 1
        while k >= 0 and doc[k].pos_ == "ADJ" and doc[k].dep_ == "amod":
            k -= 1  # "the former harbours minister"
        if (
            (right - left >= 2 or k < left - 1)
            and last in lexicon().role_nouns
            and k >= 0
            and doc[k].lower_ == "the"
        ):  # "the Labour MP told the Commons": the person the article gave that role
            source = registry.resolve_role(last, position, "the " + name)
            if source is not None:
                registry.note_source(source, *char_span(offset, head), subject=True)
                return source, char_span(offset, head), False
        if (
            name.lower() in lexicon().parties
            or name.lower().rstrip("s") in lexicon().role_nouns
            or name.lower() in ("mp", "mps", "msp", "ceo")
            or (  # "• Charities and councils welcomed": a kind of body, capitalised, unnamed
                right - left == 1
                and _plural_of_body_noun(name)
                and registry.actors.lookup(name) is None
            )
        ):
            return None, None, True
        source = registry.resolve_name(name)
        if source is not None:
            span = (
                offset + doc[left].idx,
                offset + doc[right - 1].idx + len(doc[right - 1].text),
            )
            # a later "she" continues this subject even when the NER missed the name here
            registry.note_source(source, *span, subject=head.dep_ in SUBJECT_DEPS)
            return source, span, False
        span = (
            offset + doc[left].idx,
            offset + doc[right - 1].idx + len(doc[right - 1].text),
        )
        known = (
            registry.org_name(name) != plain_name(name)
            or name in registry.acronyms
            or registry.names_body(name)
        )
        aged = right - left == 1 and _aged(registry.text, span[1])
        if (
            (looks_like_person(name) or aged)  # "Amira, 17, said": a first name and an age
            and not known
            and _organisation_span(registry.text, *span) is None
        ):
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
    if noun:
        phrase = " ".join(t.text for t in tokens if t.i <= head.i)
        named = next(
            (
                c
                for c in head.children
                if c.dep_ == "appos" and c.i > head.i and c.text[:1].isupper()
            ),
            None,
        )
        if named is not None and (
            lemma in lexicon().organisation_nouns or lemma in lexicon().role_nouns
        ):
            # "children's rights charity Article 39 said": the name in apposition is the source
            span = (
                offset + doc[named.left_edge.i].idx,
                offset + doc[named.right_edge.i].idx + len(doc[named.right_edge.i].text),
            )
            name = registry.text[span[0] : span[1]]
            source = registry.resolve_name(name)
            if (
                source is None
                and lemma in lexicon().organisation_nouns
                and not looks_like_person(name)
            ):
                org = registry.org_name(name)
                source = Source(None, org, "organisation") if org else None
            if source is not None:
                registry.note_source(source, *span, subject=True)
                return source, span, False
        if head.tag_ in ("NNS", "NNPS"):
            modified = any(
                t.i < head.i and t.dep_ in ("amod", "compound") for t in tokens
            )  # "opposition MPs", "Labour councillors": a group within the body, unnamed
            known = registry.actors.lookup(phrase) or (
                None if modified else registry.actors.lookup(head.text)
            )
            if (
                known is not None and known.kind == "organisation"
            ):  # "ministers" as a body, by the alias table
                return Source(None, known.name, "organisation"), char_span(offset, head), False
            body = (
                _body_after(head, position, registry, ("at", "from"))
                if lemma in lexicon().role_nouns
                else None
            )
            if body is not None:  # "Analysts at Redbrook Capital said": people at a named body
                source = Source(None, body, "organisation")
                registry.note_source(source, *char_span(offset, head), subject=True)
                return source, char_span(offset, head), False
            return None, None, True  # unnamed groups: "campaigners say"
        if lemma in lexicon().role_nouns:
            # "a Department for Education spokesperson", "the panel's chair": an unnamed holder
            # of a role speaks for the body the phrase names
            if any(c.dep_ == "nummod" and c.lower_ == "one" for c in head.children):
                return None, None, True  # "One agency social worker said": one of a group, unnamed
            indefinite = any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in head.children)
            source = registry.resolve_role(lemma, position, phrase, indefinite=indefinite)
            if source is None:
                owner = _role_owner(head, tokens, position, registry)
                source = Source(None, owner, "organisation") if owner else None
                if source is not None:
                    registry.note_role_holder(lemma, position, source)
                else:  # "The spokesperson added": the one the article last quoted
                    source = registry.role_holder(lemma, position)
                if source is None and indefinite:  # "The DfE says X. A spokesperson said: Y"
                    source = registry.subject_body_before(position)
                    if source is not None:
                        registry.note_role_holder(lemma, position, source)
            elif source.speaker is None:  # "The minister said X. She added Y.": unnamed, the
                registry.note_role_holder(lemma, position, source)  # next "she" may be them
        elif lemma in lexicon().organisation_nouns:
            proper = [
                t
                for t in tokens
                if t.i < head.i and t.pos_ == "PROPN" and t.dep_ in ("compound", "amod", "nmod")
            ]
            source = None
            owner = next(
                (c for c in head.children if c.dep_ == "poss" and c.lower_ in ("his", "her")), None
            )
            if owner is not None:  # "Her office has urged": the body of the person she is
                person = registry.resolve_pronoun(owner.lower_, offset + owner.idx)
                if person is not None and person.organisation:
                    source = Source(None, person.organisation, "organisation")
            if source is None and any(
                t.i < head.i and t.dep_ == "poss" and t.pos_ == "PROPN" for t in tokens
            ):
                # "the Children's Commissioner's office": the body that owns it, as for a role
                org = _role_owner(head, tokens, position, registry)
                source = Source(None, org, "organisation") if org else None
            elif source is None and proper:  # "the Northern Ireland government": names the body
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
            registry.note_source(source, *char_span(offset, head), subject=True)
        return source, char_span(offset, head), source is None
        return None, None, True
    return None, None, True
