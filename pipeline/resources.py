"""Stance targets and the actor alias table as records, and where the bundled files live.

The bundled domain is ``annotations/`` (``pipeline.domain`` reads and checks domain folders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.names import name_key

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = PROJECT_ROOT / "annotations"
TARGETS_PATH = ANNOTATIONS / "targets.yaml"
ACTORS_PATH = ANNOTATIONS / "actors.yaml"
GOLD_DIR = ANNOTATIONS / "gold"
# the synthetic article slices whose gold stances train the stance model; "heldout" only tests it
TRAINING_SLICES = ("dev", "dev_b", "dev_c", "dev_d", "dev_e", "dev_f", "dev_g", "dev_h")
CORPUS_DIR = PROJECT_ROOT / "corpus"


@dataclass(frozen=True)
class Target:
    id: str
    title: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    proposed_by: tuple[str, ...] = ()
    government_position: str = ""
    related: tuple[str, ...] = ()

    def gloss(self) -> str:
        """A one-paragraph text of the target for the stance model's first segment."""
        aliases = "; ".join(self.aliases)
        return f"{self.title}. {self.description} Also called: {aliases}."


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str  # person | organisation
    organisation: str | None = None
    role: str = ""
    actor_type: str = ""
    party: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActorTable:
    """Canonical names and aliases. An alias map, not a gazetteer: unknown actors pass through."""

    actors: tuple[Actor, ...] = ()
    _by_alias: dict[str, Actor] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        owners: dict[str, set[int]] = {}
        for index, actor in enumerate(self.actors):
            for name in (actor.name, *actor.aliases):
                owners.setdefault(name_key(name), set()).add(index)
        # an alias shared by several actors (e.g. "former children's minister") is ambiguous: dropped
        table = {key: self.actors[next(iter(ids))] for key, ids in owners.items() if len(ids) == 1}
        for actor in self.actors:  # canonical names always win
            table[name_key(actor.name)] = actor
        object.__setattr__(self, "_by_alias", table)

    def lookup(self, name: str | None) -> Actor | None:
        if not name:
            return None
        return self._by_alias.get(name_key(name))

    def canonical_organisation(self, name: str | None) -> str | None:
        """The canonical name of an organisation, or the name as given when it is not listed."""
        if not name:
            return name
        actor = self.lookup(name)
        if actor is not None and actor.kind == "organisation":
            return actor.name
        return name

    @property
    def people(self) -> tuple[Actor, ...]:
        return tuple(a for a in self.actors if a.kind == "person")

    @property
    def organisations(self) -> tuple[Actor, ...]:
        return tuple(a for a in self.actors if a.kind == "organisation")


def load_targets(path: str | Path = TARGETS_PATH) -> tuple[Target, ...]:
    """The targets of one ``targets.yaml``, checked (``pipeline.domain``; DomainError lists problems)."""
    from pipeline.domain import DomainError, load_targets_file

    problems: list[str] = []
    targets = load_targets_file(Path(path), problems)
    if problems:
        raise DomainError(problems)
    return targets


def load_actors(path: str | Path = ACTORS_PATH) -> ActorTable:
    """The alias table of one ``actors.yaml``, checked (``pipeline.domain``; DomainError lists problems)."""
    from pipeline.domain import DomainError, load_actors_file

    problems: list[str] = []
    actors = load_actors_file(Path(path), problems)
    if problems:
        raise DomainError(problems)
    return actors
