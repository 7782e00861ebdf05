"""The records that flow between stages.

Every stage reads and writes these frozen dataclasses as JSON Lines. The quote record is the
shape fixed by the codebook (§4): gold annotations and pipeline output are the same type, and
output may add fields (scores, model version) that gold does not carry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Iterable, Iterator, TypeVar

KINDS = ("direct", "indirect", "mixed", "block")
STANCES = ("support", "oppose", "neutral")
ROLES = ("body", "heading", "boilerplate", "comment", "caption")
ACTOR_KINDS = ("person", "organisation")

R = TypeVar("R", bound="Record")


class RecordError(ValueError):
    """A JSON object that does not make a valid record; the message says which field and why."""


def check_stance(stance: str) -> None:
    """Refuse a stance label outside the codebook's three."""
    if stance not in STANCES:
        raise RecordError(f"stance {stance!r} is not one of {', '.join(STANCES)}")


@dataclass(frozen=True)
class Record:
    """Base: JSON round trip, keeping the keys a record does not know in ``extra``."""

    REQUIRED: ClassVar[tuple[str, ...]] = ()

    def to_json(self) -> dict[str, Any]:
        data = {}
        for f in fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if isinstance(value, tuple) and value and isinstance(value[0], Record):
                value = [v.to_json() for v in value]
            elif isinstance(value, tuple):
                value = list(value)
            data[f.name] = value
        extra = getattr(self, "extra", None)
        if extra:
            for key, value in extra.items():
                data.setdefault(key, value)
        return data

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False)

    @classmethod
    def from_json(cls: type[R], data: dict[str, Any]) -> R:
        if not isinstance(data, dict):
            raise RecordError(f"expected a JSON object, got {type(data).__name__}")
        missing = [k for k in cls.REQUIRED if k not in data]
        if missing:
            raise RecordError(f"missing field(s) {', '.join(missing)}")
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known and k != "extra"}
        extra = {k: v for k, v in data.items() if k not in known}
        if "extra" in known:
            kwargs["extra"] = extra
        return cls._build(kwargs)

    @classmethod
    def _build(cls: type[R], kwargs: dict[str, Any]) -> R:
        return cls(**kwargs)


@dataclass(frozen=True)
class Article(Record):
    """One input article, as read from the corpus (text exactly as stored)."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("id", "text")
    id: str
    text: str
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    url: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class ArticleStatus(Record):
    """One line of ``articles.jsonl``: what became of an input article."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("id", "status")
    id: str
    status: str  # "ok" or "error"
    title: str | None = None
    date: str | None = None
    error: str | None = None
    publisher: str | None = None
    url: str | None = None
    n_chars: int = 0
    n_quotes: int = 0


@dataclass(frozen=True)
class Segment(Record):
    """A paragraph of an article with its role; ``sentences`` are (start, end) offsets."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("article", "start", "end", "role")
    article: str
    start: int
    end: int
    role: str
    index: int = 0
    sentences: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise RecordError(f"segment role {self.role!r} is not one of {', '.join(ROLES)}")
        if not 0 <= self.start <= self.end:
            raise RecordError(f"segment offsets {self.start}..{self.end} are not ordered")
        object.__setattr__(self, "sentences", tuple(tuple(s) for s in self.sentences))

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data["sentences"] = [list(s) for s in self.sentences]
        return data


@dataclass(frozen=True)
class Stance(Record):
    """A quote's stance toward one target; ``score`` is the model's probability (output only)."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("target", "stance")
    target: str
    stance: str
    score: float | None = None

    def __post_init__(self) -> None:
        check_stance(self.stance)

    def to_json(self) -> dict[str, Any]:
        data = {"target": self.target, "stance": self.stance}
        if self.score is not None:
            data["score"] = self.score
        return data


@dataclass(frozen=True)
class Quote(Record):
    """One quote: the codebook §4 record. ``extra`` keeps any further keys (annotator, note...)."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("article", "id", "start", "end", "text", "kind")
    article: str
    id: str
    start: int
    end: int
    text: str
    kind: str
    speaker: str | None = None
    organisation: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    stances: tuple[Stance, ...] = ()
    # (start, end) in the article text of the quote's paragraph (its segment) and of the
    # sentence(s) it overlaps: the stance stage cuts the context from them without parsing
    # again. Pipeline output only; gold and runs made before they existed leave them None.
    paragraph_span: tuple[int, int] | None = None
    sentence_span: tuple[int, int] | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise RecordError(f"quote kind {self.kind!r} is not one of {', '.join(KINDS)}")
        for name in ("start", "end"):
            if not isinstance(getattr(self, name), int):
                raise RecordError(f"{name} must be an integer")
        if not 0 <= self.start < self.end:
            raise RecordError(f"quote offsets {self.start}..{self.end} are not a non-empty span")
        if (self.speaker_start is None) != (self.speaker_end is None):
            raise RecordError("speaker_start and speaker_end must both be set or both be null")
        object.__setattr__(
            self,
            "stances",
            tuple(s if isinstance(s, Stance) else Stance.from_json(s) for s in self.stances),
        )
        for name in ("paragraph_span", "sentence_span"):
            object.__setattr__(self, name, _span(name, getattr(self, name)))

    @property
    def key(self) -> str:
        """``article#id``: how the matrix and reports cite a quote."""
        return f"{self.article}#{self.id}"

    def to_json(self) -> dict[str, Any]:
        data = {
            "article": self.article,
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "speaker": self.speaker,
            "organisation": self.organisation,
            "speaker_start": self.speaker_start,
            "speaker_end": self.speaker_end,
            "cue": self.cue,
            "stances": [s.to_json() for s in self.stances],
        }
        for key, value in self.extra.items():
            data.setdefault(key, value)
        # last and only when set: gold and older runs keep their lines byte for byte
        for name in ("paragraph_span", "sentence_span"):
            span = getattr(self, name)
            if span is not None:
                data[name] = list(span)
        return data


def _span(name: str, value: Any) -> tuple[int, int] | None:
    """A (start, end) pair of ordered offsets from a tuple or a JSON list, or None."""
    if value is None:
        return None
    if (
        not isinstance(value, (list, tuple))
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise RecordError(f"{name} must be a [start, end] pair of integers, got {value!r}")
    start, end = value
    if not 0 <= start <= end:
        raise RecordError(f"{name} offsets {start}..{end} are not ordered")
    return (start, end)


@dataclass(frozen=True)
class Segmented:
    """An article and its paragraph segments, in text order: what quote extraction parses."""

    article: Article
    segments: tuple[Segment, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "segments", tuple(self.segments))


@dataclass(frozen=True)
class MatrixCell(Record):
    """One row of ``matrix.csv``: an actor's aggregated stance toward one target."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("actor", "actor_kind", "target")
    actor: str
    actor_kind: str
    target: str
    support: float = 0
    oppose: float = 0
    neutral: float = 0
    n_quotes: int = 0
    stance: str = "neutral"  # support | oppose | neutral | mixed
    evidence: tuple[str, ...] = ()
    period: str | None = None

    def __post_init__(self) -> None:
        if self.actor_kind not in ACTOR_KINDS:
            raise RecordError(f"actor_kind {self.actor_kind!r} is not one of {ACTOR_KINDS}")
        object.__setattr__(self, "evidence", tuple(self.evidence))


@dataclass(frozen=True)
class QuoteStance(Record):
    """The stance stage's output, one row per (quote, target): ``stances.jsonl``. A quote the
    model linked to no target has no row; the run's manifest names the model."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("quote", "article", "target", "stance")
    quote: str  # article#id
    article: str
    target: str
    stance: str
    score: float | None = None

    def __post_init__(self) -> None:
        check_stance(self.stance)


@dataclass(frozen=True)
class Statement(Record):
    """One actor's stance toward one target in one quote (Discourse Network Analyzer's statement):
    the unit that the matrix, the networks, the report and the scorer's matrix figures count.
    ``pipeline.statements`` makes them; ``period`` is set when the run splits time."""

    REQUIRED: ClassVar[tuple[str, ...]] = (
        "actor",
        "actor_kind",
        "target",
        "stance",
        "quote",
        "article",
    )
    actor: str
    actor_kind: str
    target: str
    stance: str
    quote: str  # article#id
    article: str
    start: int = 0  # the quote's offset: evidence is cited in text order
    score: float | None = None
    date: str | None = None
    period: str | None = None

    def __post_init__(self) -> None:
        if self.actor_kind not in ACTOR_KINDS:
            raise RecordError(
                f"actor_kind {self.actor_kind!r} is not one of {', '.join(ACTOR_KINDS)}"
            )
        check_stance(self.stance)
        if not str(self.actor).strip():
            raise RecordError("actor is blank")

    @property
    def quote_id(self) -> str:
        return self.quote.partition("#")[2]


def parse_lines(
    lines: Iterable[str], cls: type[R], *, where: str = "<input>"
) -> Iterator[tuple[int, R | RecordError]]:
    """Yield (line number, record or the error for that line); blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield (
                number,
                RecordError(f"{where}:{number}: not valid JSON ({exc.msg} at column {exc.colno})"),
            )
            continue
        try:
            yield number, cls.from_json(data)
        except (RecordError, TypeError) as exc:
            yield number, RecordError(f"{where}:{number}: {exc}")
