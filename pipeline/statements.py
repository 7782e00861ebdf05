"""Statements: quotes turned into what the matrix, networks, report and scorer count.

The rules live here and nowhere else:

* **One stance per (quote, target)** (codebook §3: "for each target ... record one stance"): when
  a quote lists a target twice, the stance with the highest score counts, the first listed on a
  tie or without scores. Stances toward a target are never counted twice for one quote.
* **Actors**: a quote with an ``organisation`` makes an organisation statement per stance, and a
  quote with a ``speaker`` a person statement, so a person's quotes also count toward their
  organisation. A quote with neither, or without stances, makes no statement.
* **Network level** (``at_level``): at organisation level a quote's actor is its organisation, or
  its speaker when it names none; at person level the speaker, or the organisation.
* **Periods**: a windowed run repeats a quote's statements once per period its article falls in;
  ``quote_groups`` and ``unwindowed`` give the networks and the report's overall matrix each
  statement once.
* Names are grouped with ``pipeline.names.same_actor_key`` (``NameGrouper``), by the matrix, the
  networks and the report alike.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from pipeline.jsonl import iter_jsonl, write_jsonl
from pipeline.names import clean_name
from pipeline.periods import period_assigner
from pipeline.records import STANCES, Quote, QuoteStance, RecordError, Stance, Statement

LEVELS = ("organisation", "person")
FILE = "statements.jsonl"
STANCES_FILE = "stances.jsonl"


def quote_stances(quote: Quote) -> tuple[Stance, ...]:
    """The quote's stances with one per target (the highest score; the first on ties), in the
    order the targets were first listed."""
    chosen: dict[str, Stance] = {}
    for stance in quote.stances:
        if stance.stance not in STANCES:
            continue
        previous = chosen.get(stance.target)
        if previous is None or _score(stance) > _score(previous):
            chosen[stance.target] = stance
    return tuple(chosen.values())


def _score(stance: Stance) -> float:
    try:
        value = float(stance.score) if stance.score is not None else -math.inf
    except (TypeError, ValueError):
        return -math.inf
    return -math.inf if math.isnan(value) else value


def stance_rows(quotes: Iterable[Quote]) -> Iterator[QuoteStance]:
    """The stance stage's output as its own records (``stances.jsonl``): each quote's stances
    under the one-stance-per-target rule, in quote order."""
    for quote in quotes:
        for stance in quote_stances(quote):
            yield QuoteStance(
                quote=quote.key,
                article=quote.article,
                target=stance.target,
                stance=stance.stance,
                score=stance.score,
            )


def quote_actors(quote: Quote) -> list[tuple[str, str]]:
    """(actor kind, name as displayed) of a quote: its organisation first, then its speaker."""
    actors = []
    for kind, name in (("organisation", quote.organisation), ("person", quote.speaker)):
        name = clean_name(name)
        if name:
            actors.append((kind, name))
    return actors


def quote_statements(
    quote: Quote, *, date: str | None = None, periods: Sequence[str | None] = (None,)
) -> list[Statement]:
    """The statements one quote makes: per period, per actor (organisation first), per stance."""
    stances = quote_stances(quote)
    actors = quote_actors(quote)
    if not stances or not actors:
        return []
    return [
        Statement(
            actor=name,
            actor_kind=kind,
            target=stance.target,
            stance=stance.stance,
            quote=quote.key,
            article=quote.article,
            start=quote.start,
            score=stance.score,
            date=date,
            period=period,
        )
        for period in periods
        for kind, name in actors
        for stance in stances
    ]


def make_statements(
    quotes: Iterable[Quote],
    *,
    dates: Mapping[str, str | None] | None = None,
    window: str | None = None,
) -> list[Statement]:
    """Every statement of ``quotes`` in quote order. With ``window`` (``pipeline.periods``) each
    statement is made once per period its article's date falls in; the windows are laid out over
    the articles of all ``quotes``, with stances or not."""
    quotes = list(quotes)
    dates = dates or {}
    periods_of = period_assigner(window, quotes, dates)
    out: list[Statement] = []
    for quote in quotes:
        out.extend(
            quote_statements(quote, date=dates.get(quote.article), periods=periods_of(quote))
        )
    return out


def at_level(statements: Sequence[Statement], level: str) -> list[Statement]:
    """Of one quote's statements, those a network at ``level`` counts: the organisation's, or
    the person's when the quote names no organisation (``person``: the reverse)."""
    if level not in LEVELS:
        raise ValueError(f"level={level!r}: use one of {', '.join(LEVELS)}")
    preferred = [s for s in statements if s.actor_kind == level]
    return preferred or list(statements)


def quote_groups(statements: Iterable[Statement]) -> Iterator[list[Statement]]:
    """The statements of each quote in turn: ``make_statements`` writes a quote's statements
    together, and a quote states each (period, actor kind, target) once, so a run ends where the
    quote key or offset changes or such a statement comes again (a key repeated on the next line).
    What ``at_level`` and ``unwindowed`` take."""
    group: list[Statement] = []
    made: set[tuple[str | None, str, str]] = set()
    for statement in statements:
        slot = (statement.period, statement.actor_kind, statement.target)
        if group and (
            statement.quote != group[0].quote or statement.start != group[0].start or slot in made
        ):
            yield group
            group, made = [], set()
        group.append(statement)
        made.add(slot)
    if group:
        yield group


def unwindowed(group: Sequence[Statement]) -> list[Statement]:
    """Of one quote's statements, those of its first period: each (actor, target) statement once,
    however many periods of a windowed run repeat it (all of them when the run is not windowed)."""
    if not group:
        return []
    first = group[0].period
    return [s for s in group if s.period == first]


def write_statements(path: str | Path, statements: Iterable[Statement]) -> int:
    """Write statements as JSON Lines, atomically; returns how many were written."""
    return write_jsonl(path, statements)


def read_statements(path: str | Path) -> tuple[list[Statement], list[str]]:
    """The statements of a ``statements.jsonl`` and the problems met (bad lines are skipped)."""
    statements: list[Statement] = []
    problems: list[str] = []
    for _, item in iter_jsonl(Path(path), Statement):
        (problems.append(str(item)) if isinstance(item, RecordError) else statements.append(item))
    return statements, problems
