"""How actor names compare: the one normaliser every stage uses to group, look up and score names."""

from __future__ import annotations

from collections import Counter, defaultdict

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def clean_name(name: object) -> str:
    """A name as displayed: whitespace collapsed ('' for None)."""
    return " ".join(str(name).split()) if name is not None else ""


def name_key(name: object) -> str | None:
    """The lookup key of a speaker or organisation (alias tables): apostrophes straightened,
    whitespace collapsed, casefolded, stray edge punctuation dropped; None for a null or blank
    name."""
    if name is None:
        return None
    key = clean_name(str(name).translate(_APOSTROPHES)).casefold().strip(" .,'")
    return key or None


def same_actor_key(name: object) -> str | None:
    """The key under which two written names are one actor (scoring, matrix rows): the lookup
    key without a leading "the" ("The Hollins Institute" = "Hollins Institute")."""
    key = name_key(name)
    if key and key.startswith("the ") and len(key) > 4:
        key = key[4:].lstrip()
    return key


class NameGrouper:
    """Groups names of one kind by ``same_actor_key``; each group shows its most frequent spelling
    (the first seen on ties), so "DfE" and "DFE" make one row named as most sources write it."""

    def __init__(self) -> None:
        self._spellings: dict[tuple[str, str], Counter] = defaultdict(Counter)

    def add(self, kind: str, name: str) -> str | None:
        """Count one spelling; returns its group key (None for a blank name)."""
        key = same_actor_key(name)
        if key is not None:
            self._spellings[(kind, key)][clean_name(name)] += 1
        return key

    def display(self, kind: str, key: str) -> str:
        counter = self._spellings[(kind, key)]
        top = max(counter.values())
        return next(s for s, n in counter.items() if n == top)  # Counter keeps first-seen order
