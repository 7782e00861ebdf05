"""The words the quote stage keys on, as data: general English in ``pipeline/assets/lexicon_en.yaml``
and, per debate, a domain folder's optional ``lexicon.yaml`` that adds to or removes from those
lists and names the country's political parties and its sites' page furniture.

A domain's ``lexicon.yaml``::

    parties:               # a party as articles name it -> its canonical name
      labour: Labour Party
    page_furniture:        # whole lines that are navigation or widgets on this debate's sites
      - Sign up to the Weekly Briefing
    role_organisations:    # an office -> the body it speaks for (``the children's minister``)
      children's minister: Department for Education
    role_nouns:            # any list of the English lexicon: a list adds, or add/remove
      add: [tsar]
      remove: [boss]

``page_furniture`` lines are compared whole (case, spacing and edge punctuation aside). The
English ``furniture_lines``, ``article_end_lines`` and ``comment_headers`` are line patterns
instead: a line may end in punctuation, and an entry ending in ``...`` takes any line that starts
with its words (``more from ...``); ``pipeline.segment`` compiles them with ``line_pattern``.

The stage that extracts quotes sets the domain's lexicon for the duration of its work
(``using``); the rules read it with ``current()``. Outside a stage, ``current()`` is the bundled
domain's lexicon, so a function called on its own behaves as the default pipeline does.
"""

from __future__ import annotations

import contextlib
import functools
import re
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping

import yaml

LEXICON_FILE = "lexicon.yaml"
ENGLISH = Path(__file__).resolve().parent / "assets" / "lexicon_en.yaml"


def _words(values) -> frozenset[str]:
    return frozenset(values)


@dataclass(frozen=True)
class Lexicon:
    """Every word list the quote stage reads (frozen; one per domain)."""

    reporting_verbs: frozenset[str] = frozenset()
    particle_cues: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    preposition_cues: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    phrase_cues: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    passive_cues: frozenset[str] = frozenset()
    from_source_verbs: frozenset[str] = frozenset()
    evaluative_adjectives: frozenset[str] = frozenset()
    noun_cues: frozenset[str] = frozenset()
    copular_noun_cues: frozenset[str] = frozenset()
    statement_nouns: frozenset[str] = frozenset()
    meeting_verbs: frozenset[str] = frozenset()
    as_clause_cues: frozenset[str] = frozenset()
    beneficiary_nouns: frozenset[str] = frozenset()
    evaluative_verbs: frozenset[str] = frozenset()
    concern_nouns: frozenset[str] = frozenset()
    honorifics: frozenset[str] = frozenset()
    female_titles: frozenset[str] = frozenset()
    male_titles: frozenset[str] = frozenset()
    role_nouns: frozenset[str] = frozenset()
    organisation_nouns: frozenset[str] = frozenset()
    document_nouns: frozenset[str] = frozenset()
    data_nouns: frozenset[str] = frozenset()
    organisation_hints: frozenset[str] = frozenset()
    not_names: frozenset[str] = frozenset()
    party_roles: frozenset[str] = frozenset()
    journalist_roles: frozenset[str] = frozenset()
    interviewer_roles: frozenset[str] = frozenset()
    publication_words: frozenset[str] = frozenset()
    view_words: frozenset[str] = frozenset()
    council_roles: frozenset[str] = frozenset()
    portfolio_words: frozenset[str] = frozenset()
    legislator_titles: frozenset[str] = frozenset()
    office_bodies: frozenset[str] = frozenset()
    self_description_nouns: frozenset[str] = frozenset()
    role_organisations: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    parties: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    page_furniture: frozenset[str] = frozenset()
    furniture_lines: frozenset[str] = frozenset()
    article_end_lines: frozenset[str] = frozenset()
    comment_headers: frozenset[str] = frozenset()
    comment_count_nouns: frozenset[str] = frozenset()
    furniture_phrases: frozenset[str] = frozenset()
    photo_agencies: frozenset[str] = frozenset()
    practitioner_nouns: frozenset[str] = frozenset()
    not_organisation_acronyms: frozenset[str] = frozenset()


MAPPINGS = ("particle_cues", "preposition_cues", "phrase_cues", "parties", "role_organisations")
WORD_LISTS = tuple(f.name for f in fields(Lexicon) if f.name not in MAPPINGS)
# Lists matched case-sensitively (capitalised words); the rest are compared in lower case.
_CASED = {"not_names", "party_roles", "legislator_titles"}
# Line patterns (``line_pattern``): an entry ending in "..." takes the rest of the line.
LINE_LISTS = ("furniture_lines", "article_end_lines", "comment_headers")


def line_pattern(entries: Iterable[str]) -> str:
    """A regex alternation of line-list entries (``furniture_lines`` and the like): each entry's
    words literally, and for an entry ending in ``...`` the rest of the line too. No entries give
    a pattern that matches nothing (an empty alternation would match every line)."""
    alternatives = []
    for entry in sorted(entries):  # sorted: the same pattern from the same list, run to run
        if entry.endswith("..."):
            alternatives.append(re.escape(entry[:-3].rstrip()) + r"\b.*")
        else:
            alternatives.append(re.escape(entry))
    return "|".join(alternatives) or "(?!)"


def furniture_key(line: str) -> str:
    """How a page-furniture line is compared: lower case, spaces collapsed, edge punctuation off."""
    return " ".join(line.lower().split()).strip(" .:|·•-–—>›»")


@functools.lru_cache(maxsize=1)
def english() -> Lexicon:
    """The general English lexicon shipped with the package."""
    data = yaml.safe_load(ENGLISH.read_text(encoding="utf-8"))
    values: dict[str, Any] = {}
    for name in WORD_LISTS:
        values[name] = _words(data.get(name) or ())
    for name in ("particle_cues", "preposition_cues", "phrase_cues"):
        values[name] = MappingProxyType(dict(data.get(name) or {}))
    return Lexicon(**values)


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def read_yaml(path: Path, problems: list[str]) -> tuple[yaml.Node | None, Any] | None:
    """A YAML file's node tree (for line numbers) and its data; None, with a ``file:line``
    problem appended, when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
        return yaml.compose(text), yaml.safe_load(text)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problems.append(
            f"{path}{line}: not valid YAML ({getattr(exc, 'problem', None) or exc}); fix the syntax"
        )
        return None


def load_lexicon_file(path: Path, problems: list[str], base: Lexicon | None = None) -> Lexicon:
    """``base`` (default: general English) with a domain's ``lexicon.yaml`` applied; a missing
    file changes nothing. Problems are appended as ``file:line: what; fix``."""
    base = base or english()
    if not path.exists():
        return base
    parsed = read_yaml(path, problems)
    if parsed is None or parsed[1] is None:
        return base
    root, data = parsed
    if not isinstance(data, dict):
        problems.append(
            f"{path}:1: expected a mapping of list names; start lines with e.g. 'parties:' or 'role_nouns:'"
        )
        return base
    nodes = {k.value: (k, v) for k, v in root.value}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        key_node, value_node = nodes.get(key, (None, None))
        where = f"{path}:{_line(key_node)}"
        if key in MAPPINGS:
            mapping = _mapping(value, where, key, problems)
            if mapping is not None:
                merged = dict(getattr(base, key))
                merged.update(mapping)
                changes[key] = MappingProxyType(merged)
        elif key in WORD_LISTS:
            add, remove = _add_remove(value, where, key, problems)
            if key not in _CASED:
                add, remove = {w.lower() for w in add}, {w.lower() for w in remove}
            if key == "page_furniture":
                add, remove = {furniture_key(w) for w in add}, {furniture_key(w) for w in remove}
            if key in LINE_LISTS and any(w.endswith("...") and not w[:-3].strip() for w in add):
                problems.append(
                    f"{where}: {key} has an entry of only '...'; "
                    "put the words a line starts with before it"
                )
                add = {w for w in add if w[:-3].strip() or not w.endswith("...")}
            both = sorted(add & remove)
            if both:
                problems.append(
                    f"{where}: {key} both adds and removes {', '.join(both)}; keep each word in one of the two"
                )
            changes[key] = frozenset((getattr(base, key) | add) - remove)
        else:
            known = ", ".join(sorted((*WORD_LISTS, *MAPPINGS)))
            problems.append(f"{where}: unknown list {key!r}; use one of {known}")
    return replace(base, **changes)


def _strings(value: Any, where: str, what: str, problems: list[str]) -> set[str]:
    if value is None:
        return set()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where}: {what} must be a list of words; write one '- word' line each")
        return set()
    seen: set[str] = set()
    for v in value:
        word = " ".join(v.split())
        if word in seen:
            problems.append(f"{where}: {what} lists {word!r} twice; keep one")
        seen.add(word)
    return seen


def _add_remove(value: Any, where: str, key: str, problems: list[str]) -> tuple[set, set]:
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"add", "remove"})
        if unknown:
            problems.append(
                f"{where}: {key} has {', '.join(map(str, unknown))}; use 'add:' and 'remove:' lists"
            )
        return (
            _strings(value.get("add"), where, f"{key}.add", problems),
            _strings(value.get("remove"), where, f"{key}.remove", problems),
        )
    return _strings(value, where, key, problems), set()


def _mapping(value: Any, where: str, key: str, problems: list[str]) -> dict[str, str] | None:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
    ):
        problems.append(
            f"{where}: {key} must map words to names, one 'word: Name' line each (e.g. 'labour: Labour Party')"
        )
        return None
    return {
        " ".join(k.lower().replace("’", "'").split()): " ".join(v.split()) for k, v in value.items()
    }


_CURRENT: ContextVar[Lexicon | None] = ContextVar("stancemap_lexicon", default=None)


def current() -> Lexicon:
    """The lexicon of the stage at work, else the bundled domain's."""
    lexicon = _CURRENT.get()
    if lexicon is not None:
        return lexicon
    return _bundled()


@functools.lru_cache(maxsize=1)
def _bundled() -> Lexicon:
    from pipeline.domain import DEFAULT_DOMAIN

    problems: list[str] = []
    lexicon = load_lexicon_file(DEFAULT_DOMAIN / LEXICON_FILE, problems)
    if problems:
        raise ValueError("\n".join(problems))
    return lexicon


@contextlib.contextmanager
def using(lexicon: Lexicon) -> Iterator[Lexicon]:
    """Make ``lexicon`` the one ``current()`` returns inside the block (this thread/task only)."""
    token = _CURRENT.set(lexicon)
    try:
        yield lexicon
    finally:
        _CURRENT.reset(token)
