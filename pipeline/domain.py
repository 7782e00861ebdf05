"""The debate as configuration: a domain folder holds what the pipeline knows of one debate.

A domain folder (``--domain DIR``; the bundled one is ``annotations/``, children's social care in
England, 2022-23) holds:

* ``targets.yaml``: the stance targets (``targets:`` a list of ``id``, ``title``, optional
  ``description``, ``aliases``, ``numbers``, ``proposed_by``, ``government_position``,
  ``related_targets``);
* ``actors.yaml``: known people and organisations with their aliases (``actors:`` a list of
  ``name``, ``kind`` person|organisation, optional ``organisation``, ``role``, ``actor_type``,
  ``party``, ``aliases``). An alias table, not a gazetteer: actors not listed still pass through.
* ``lexicon.yaml`` (optional): what the debate adds to the general English word lists the quote
  stage keys on: its parties, its sites' page furniture, extra role or organisation nouns
  (``pipeline.lexicon``).

The files are checked when loaded; every problem is reported as ``file:line: what; fix``.
A stance model records the hash of the targets it was trained on (``targets_hash``) and
``stancemap train`` keeps a copy of their file beside it, so a run refuses a model trained on
other targets.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence

from pipeline.lexicon import LEXICON_FILE, Lexicon, load_lexicon_file, read_yaml
from pipeline.names import name_key
from pipeline.records import ACTOR_KINDS
from pipeline.resources import ANNOTATIONS, Actor, ActorTable, Target

DEFAULT_DOMAIN = ANNOTATIONS
TARGETS_FILE = "targets.yaml"
ACTORS_FILE = "actors.yaml"
DOMAIN_HELP = "Domain folder with targets.yaml and actors.yaml (default: the bundled annotations/)."
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TARGET_FIELDS = {
    "id",
    "title",
    "description",
    "aliases",
    "numbers",
    "proposed_by",
    "government_position",
    "related_targets",
    "note",
}
_ACTOR_FIELDS = {"name", "kind", "organisation", "role", "actor_type", "party", "aliases", "note"}


class DomainError(ValueError):
    """A domain folder that cannot be used; ``problems`` holds one ``file:line: what; fix`` each."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Domain:
    path: Path
    targets: tuple[Target, ...]
    actors: ActorTable
    lexicon: Lexicon

    @property
    def targets_path(self) -> Path:
        return self.path / TARGETS_FILE

    @property
    def targets_hash(self) -> str:
        return targets_hash(self.targets)


def targets_file(folder: str | Path | None) -> Path:
    """The ``targets.yaml`` of a domain folder (None: the bundled domain)."""
    return (Path(folder) if folder is not None else DEFAULT_DOMAIN) / TARGETS_FILE


def targets_hash(targets: Sequence[Target]) -> str:
    """sha256 over the targets' contents in order (not the file's bytes: comments and layout do
    not count). A stance model records it; a run compares it."""
    data = json.dumps([asdict(t) for t in targets], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def load_domain(path: str | Path | None = None) -> Domain:
    """Load and check a domain folder (default: the bundled one); DomainError lists every problem."""
    folder = Path(path) if path is not None else DEFAULT_DOMAIN
    if not folder.is_dir():
        raise DomainError(
            [
                f"{folder}: not a folder; give --domain a folder holding {TARGETS_FILE} and {ACTORS_FILE}"
            ]
        )
    problems: list[str] = []
    targets = load_targets_file(folder / TARGETS_FILE, problems)
    actors = load_actors_file(folder / ACTORS_FILE, problems)
    lexicon = load_lexicon_file(folder / LEXICON_FILE, problems)
    if problems:
        raise DomainError(problems)
    return Domain(path=folder, targets=targets, actors=actors, lexicon=lexicon)


def check_domain(path: str | Path) -> list[str]:
    """Every problem of a domain folder (empty when it loads)."""
    try:
        load_domain(path)
    except DomainError as error:
        return error.problems
    return []


# ------------------------------------------------------------------------------------ reading


def _compose(path: Path, key: str, problems: list[str]) -> list[tuple[int, Any]]:
    """The items of the top-level list ``key`` of a YAML file as (line, value) pairs."""
    if not path.exists():
        problems.append(f"{path}: missing; a domain folder needs {TARGETS_FILE} and {ACTORS_FILE}")
        return []
    parsed = read_yaml(path, problems)
    if parsed is None:
        return []
    root, data = parsed
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(
            f"{path}:1: no top-level '{key}:' list; start the file with '{key}:' and one '- ' item per entry"
        )
        return []
    node = next(v for k, v in root.value if k.value == key)
    return [(item.start_mark.line + 1, value) for item, value in zip(node.value, data[key])]


def _entry_ok(
    item: Any, where: str, what: str, needs: str, known: set[str], problems: list[str]
) -> bool:
    """False (and a problem) for an entry that is not a mapping; unknown fields are a problem too."""
    if not isinstance(item, dict):
        problems.append(
            f"{where}: {what} must be a mapping with {needs}; write 'field: value' lines under '- '"
        )
        return False
    unknown = sorted(set(item) - known)
    if unknown:
        problems.append(
            f"{where}: unknown field(s) {', '.join(unknown)}; use {', '.join(sorted(known))}"
        )
    return True


def _strings(value: Any, where: str, field: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        problems.append(
            f"{where}: '{field}' must be a list of strings; write one '- text' line per entry"
        )
        return ()
    return tuple(" ".join(str(v).split()) for v in value)


def _one_line(value: Any) -> str:
    """A YAML scalar as one line of text, runs of whitespace collapsed (None: empty)."""
    return " ".join(str(value).split()) if value is not None else ""


def load_targets_file(path: Path, problems: list[str]) -> tuple[Target, ...]:
    """Targets of a ``targets.yaml``; problems are appended, bad entries left out."""
    before = len(problems)
    items = _compose(path, "targets", problems)
    targets: list[Target] = []
    first: dict[str, int] = {}
    related: list[tuple[str, str]] = []
    for line, item in items:
        where = f"{path}:{line}"
        if not _entry_ok(item, where, "a target", "'id' and 'title'", _TARGET_FIELDS, problems):
            continue
        target_id = item.get("id")
        if not isinstance(target_id, str) or not _ID.match(target_id):
            problems.append(
                f"{where}: target id {target_id!r} missing or not a lowercase slug; give 'id: words-joined-by-hyphens'"
            )
            continue
        if target_id in first:
            problems.append(
                f"{where}: duplicate target id '{target_id}' (first at line {first[target_id]}); give each target its own id"
            )
            continue
        first[target_id] = line
        title = _one_line(item.get("title"))
        if not title:
            problems.append(
                f"{where}: target '{target_id}' has no title; add 'title: ...' (the model reads it)"
            )
        for other in _strings(item.get("related_targets"), where, "related_targets", problems):
            related.append((where, other))
        targets.append(
            Target(
                id=target_id,
                title=title,
                description=_one_line(item.get("description")),
                aliases=_strings(item.get("aliases"), where, "aliases", problems),
                numbers=_strings(item.get("numbers"), where, "numbers", problems),
                proposed_by=_strings(item.get("proposed_by"), where, "proposed_by", problems),
                government_position=_one_line(item.get("government_position")),
                related=tuple(str(r) for r in item.get("related_targets") or ()),
            )
        )
    for where, other in related:
        if other not in first:
            problems.append(
                f"{where}: related target '{other}' is not a target id in {path.name}; fix the id or remove it"
            )
    if not targets and len(problems) == before:
        problems.append(f"{path}:1: no targets; list at least one under 'targets:'")
    return tuple(targets)


def load_actors_file(path: Path, problems: list[str]) -> ActorTable:
    """The alias table of an ``actors.yaml``; problems are appended, bad entries left out."""
    items = _compose(path, "actors", problems)
    actors: list[Actor] = []
    first: dict[str, int] = {}
    for line, item in items:
        where = f"{path}:{line}"
        if not _entry_ok(item, where, "an actor", "'name' and 'kind'", _ACTOR_FIELDS, problems):
            continue
        name = _one_line(item.get("name"))
        if not name:
            problems.append(f"{where}: actor without a name; add 'name: ...'")
            continue
        kind = item.get("kind", "person")
        if kind not in ACTOR_KINDS:
            problems.append(
                f"{where}: actor '{name}' has kind {kind!r}; use one of {', '.join(ACTOR_KINDS)}"
            )
            continue
        key = name_key(name)
        if key in first:
            problems.append(
                f"{where}: duplicate actor '{name}' (first at line {first[key]}); merge the two entries"
            )
            continue
        first[key] = line
        actors.append(
            Actor(
                name=name,
                kind=kind,
                organisation=_one_line(item.get("organisation")) or None,
                role=_one_line(item.get("role")),
                actor_type=_one_line(item.get("actor_type")),
                party=_one_line(item.get("party")) or None,
                aliases=_strings(item.get("aliases"), where, "aliases", problems),
            )
        )
    return ActorTable(tuple(actors))
