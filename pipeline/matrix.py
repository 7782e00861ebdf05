"""The stance matrix: each actor's aggregated stance toward each target, with its evidence.

Rows are built at two actor levels. A quote with a ``speaker`` counts toward that person's row
(``actor_kind == "person"``); a quote with an ``organisation`` counts toward the organisation's
row (``actor_kind == "organisation"``), so a person's quotes also count toward their organisation.
A quote with neither is left out. Names are grouped case- and space-insensitively; the row shows
the spelling seen most often (ties: the first seen).

Aggregation rules (Discourse Network Analyzer's options, adapted to three stances):

* Counts: ``support``, ``oppose`` and ``neutral`` count the actor's stances toward the target.
  One quote contributes at most once per (target, stance); a quote carrying two different
  stances toward one target counts toward both.
* Confidence weighting (``weighting=True``): each stance counts its ``Stance.score`` (the model's
  probability) instead of 1; a stance without a score counts 1.
* Duplicates: ``duplicates="every"`` counts every quote; ``duplicates="once-per-article"`` counts
  an actor's repeated (target, stance) once per article (DNA's "ignore duplicates within a
  document"); with weighting the repeat counts with its highest score.
  ``n_quotes`` and ``evidence`` always list every quote behind the cell, whatever the policy.
* Majority: ``stance`` is the stance with the largest count; when the largest count is shared by
  two or three stances (a tie) it is ``mixed``.

Time windows (``window=``, article dates come from ``dates``, a mapping article id -> ISO date):

* ``"2023-02-02"``: two periods, before that date and from that date on (the date itself falls in
  the later period). Several dates, comma-separated, make more periods:
  ``"2022-05-23,2023-02-02"``. Periods are labelled as inclusive ISO ranges with open ends:
  ``"..2023-02-01"``, ``"2023-02-02.."``, ``"2022-05-23..2023-02-01"``.
* ``"moving:90d:30d"``: moving windows of 90 days starting every 30 days, from the date of the
  earliest dated article that has a quote until the window start passes the latest one (units
  ``d`` days or ``w`` weeks; the step defaults to the length, i.e. adjacent windows). A quote
  counts in every window its article's date falls in (none when a step longer than the length
  leaves a gap). Labels ``"2023-01-01..2023-03-31"``; windows holding no quote make no cells.
* Quotes whose article has no (parsable) date go to the period ``"undated"``.
Without ``window`` every cell's ``period`` is None and ``matrix.csv`` has no ``period`` column.
"""
from __future__ import annotations

import csv
import math
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Sequence

from pipeline.jsonl import atomic_writer
from pipeline.records import STANCES, MatrixCell, Quote

DUPLICATE_POLICIES = ("every", "once-per-article")
MATRIX_COLUMNS = ("actor", "actor_kind", "target", "support", "oppose", "neutral", "n_quotes", "stance", "evidence")
UNDATED = "undated"
_MOVING = re.compile(r"^moving:(\d+)([dw])(?::(\d+)([dw]))?$")
_UNIT_DAYS = {"d": 1, "w": 7}


def build_matrix(
    quotes: Iterable[Quote],
    *,
    dates: Mapping[str, str | None] | None = None,
    weighting: bool = False,
    duplicates: str = "every",
    window: str | None = None,
) -> list[MatrixCell]:
    """Aggregate quotes into matrix cells (person and organisation rows), sorted by period,
    actor kind (organisations first), actor and target. See the module docstring for the rules."""
    if duplicates not in DUPLICATE_POLICIES:
        raise ValueError(f"duplicates={duplicates!r}: use one of {', '.join(DUPLICATE_POLICIES)}")
    quotes = list(quotes)
    periods_of = period_assigner(window, quotes, dates or {})

    names = _NameGrouper()
    # (period, kind, actor key, target) -> accumulator
    cells: dict[tuple[str | None, str, str, str], _Cell] = {}
    for quote in quotes:
        actors = []
        if quote.organisation and quote.organisation.strip():
            actors.append(("organisation", names.add("organisation", quote.organisation)))
        if quote.speaker and quote.speaker.strip():
            actors.append(("person", names.add("person", quote.speaker)))
        if not actors or not quote.stances:
            continue
        seen: set[tuple[str, str]] = set()
        for stance in quote.stances:
            if stance.stance not in STANCES or (stance.target, stance.stance) in seen:
                continue
            seen.add((stance.target, stance.stance))
            weight = stance_weight(stance.score) if weighting else 1.0
            for period in periods_of(quote):
                for kind, key in actors:
                    cell = cells.setdefault((period, kind, key, stance.target), _Cell())
                    cell.add(quote, stance.stance, weight, duplicates)

    period_order = {p: i for i, p in enumerate(periods_of.order)}
    result = []
    for (period, kind, key, target), cell in cells.items():
        result.append(cell.to_record(actor=names.display(kind, key), kind=kind, target=target, period=period))
    result.sort(
        key=lambda c: (
            period_order.get(c.period, len(period_order)),
            0 if c.actor_kind == "organisation" else 1,
            c.actor.casefold(),
            c.target,
        )
    )
    return result


def majority(support: float, oppose: float, neutral: float) -> str:
    """The stance with the largest count; ``mixed`` when the largest count is shared."""
    counts = {"support": support, "oppose": oppose, "neutral": neutral}
    top = max(counts.values())
    winners = [s for s, v in counts.items() if math.isclose(v, top, rel_tol=1e-9, abs_tol=1e-12)]
    return winners[0] if len(winners) == 1 else "mixed"


def matrix_rows(cells: Sequence[MatrixCell]) -> tuple[list[str], list[dict[str, object]]]:
    """Column names and row dicts as written to ``matrix.csv`` (``period`` only when windowed)."""
    columns = list(MATRIX_COLUMNS)
    if any(c.period is not None for c in cells):
        columns.append("period")
    rows = []
    for c in cells:
        row: dict[str, object] = {
            "actor": c.actor,
            "actor_kind": c.actor_kind,
            "target": c.target,
            "support": plain_number(c.support),
            "oppose": plain_number(c.oppose),
            "neutral": plain_number(c.neutral),
            "n_quotes": c.n_quotes,
            "stance": c.stance,
            "evidence": " ".join(c.evidence),
        }
        if "period" in columns:
            row["period"] = c.period if c.period is not None else ""
        rows.append(row)
    return columns, rows


def write_matrix_csv(cells: Sequence[MatrixCell], path: str | os.PathLike) -> None:
    """Write ``matrix.csv`` atomically (header even when there are no cells)."""
    columns, rows = matrix_rows(cells)
    with atomic_writer(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def matrix_frame(cells: Sequence[MatrixCell]):
    """The matrix as a pandas DataFrame with the columns of ``matrix.csv`` (evidence as a string)."""
    import pandas as pd

    columns, rows = matrix_rows(cells)
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------------------- helpers


def stance_weight(score: float | None) -> float:
    """A stance's count under confidence weighting: its score clipped to [0, 1], or 1 without one."""
    if score is None:
        return 1.0
    try:
        value = float(score)
    except (TypeError, ValueError):
        return 1.0
    if math.isnan(value):
        return 1.0
    return min(max(value, 0.0), 1.0)


def count_stance(counts, stance, weight: float, *, best: dict | None = None, article: str = "") -> None:
    """Add one stance's weight to a cell's ``counts`` (indexed by ``stance``). With ``best`` (the
    once-per-article policy) an (article, stance) slot counts only its highest weight so far."""
    if best is None:
        counts[stance] += weight
        return
    slot = (article, stance)
    previous = best.get(slot)
    if previous is None or weight > previous:
        counts[stance] += weight - (previous or 0.0)
        best[slot] = weight


def plain_number(value: float) -> int | float:
    """Integers as int, other counts rounded to 6 places (what matrix.csv prints)."""
    value = float(value)
    if value.is_integer():
        return int(value)
    return round(value, 6)


@dataclass
class _Cell:
    counts: dict[str, float] = field(default_factory=lambda: {s: 0.0 for s in STANCES})
    # once-per-article: (article, stance) -> best weight so far
    best: dict[tuple[str, str], float] = field(default_factory=dict)
    evidence: dict[str, tuple[str, int, str]] = field(default_factory=dict)

    def add(self, quote: Quote, stance: str, weight: float, duplicates: str) -> None:
        self.evidence.setdefault(quote.key, (quote.article, quote.start, quote.id))
        count_stance(self.counts, stance, weight, best=self.best if duplicates == "once-per-article" else None, article=quote.article)

    def to_record(self, *, actor: str, kind: str, target: str, period: str | None) -> MatrixCell:
        evidence = sorted(self.evidence, key=lambda k: self.evidence[k])
        s, o, n = (self.counts[x] for x in STANCES)
        return MatrixCell(
            actor=actor,
            actor_kind=kind,
            target=target,
            support=plain_number(s),
            oppose=plain_number(o),
            neutral=plain_number(n),
            n_quotes=len(evidence),
            stance=majority(s, o, n),
            evidence=tuple(evidence),
            period=period,
        )


class _NameGrouper:
    """Groups actor names case- and space-insensitively; displays the most frequent spelling."""

    def __init__(self) -> None:
        self._spellings: dict[tuple[str, str], Counter] = defaultdict(Counter)

    def add(self, kind: str, name: str) -> str:
        spelling = " ".join(name.split())
        key = spelling.replace("’", "'").casefold()
        self._spellings[(kind, key)][spelling] += 1
        return key

    def display(self, kind: str, key: str) -> str:
        counter = self._spellings[(kind, key)]
        top = max(counter.values())
        return next(s for s, n in counter.items() if n == top)  # Counter keeps first-seen order


def parse_date(value: str | None) -> date | None:
    """An ISO date or datetime string (``2023-02-02``, ``2023-02-02T09:00:00Z``) -> date; else None."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


class _PeriodAssigner:
    def __init__(self, order: list[str | None], assign) -> None:
        self.order = order
        self._assign = assign

    def __call__(self, quote: Quote) -> list[str | None]:
        return self._assign(quote)


def period_assigner(window: str | None, quotes: list[Quote], dates: Mapping[str, str | None]) -> _PeriodAssigner:
    if window is None or not str(window).strip():
        return _PeriodAssigner([None], lambda q: [None])
    window = str(window).strip()
    parsed = {article: parse_date(value) for article, value in dates.items()}

    def date_of(quote: Quote) -> date | None:
        return parsed.get(quote.article)

    moving = _MOVING.match(window)
    if moving:
        length = int(moving.group(1)) * _UNIT_DAYS[moving.group(2)]
        step = int(moving.group(3)) * _UNIT_DAYS[moving.group(4)] if moving.group(3) else length
        if length <= 0 or step <= 0:
            raise ValueError(f"window {window!r}: length and step must be positive, e.g. moving:90d:30d")
        used = sorted({d for q in quotes if (d := date_of(q)) is not None})
        windows: list[tuple[date, date, str]] = []
        if used:
            start = used[0]
            while start <= used[-1]:
                end = start + timedelta(days=length - 1)
                windows.append((start, end, f"{start.isoformat()}..{end.isoformat()}"))
                start += timedelta(days=step)

        def assign(quote: Quote) -> list[str | None]:
            d = date_of(quote)
            if d is None:
                return [UNDATED]
            return [label for start, end, label in windows if start <= d <= end]

        return _PeriodAssigner([label for _, _, label in windows] + [UNDATED], assign)

    cuts = []
    for part in window.split(","):
        part = part.strip()
        try:
            cuts.append(date.fromisoformat(part))
        except ValueError:
            raise ValueError(
                f"window {window!r}: {part!r} is not an ISO date; use e.g. '2023-02-02', "
                "'2022-05-23,2023-02-02' or 'moving:90d:30d'"
            ) from None
    cuts = sorted(set(cuts))
    labels = []
    for i in range(len(cuts) + 1):
        lo = cuts[i - 1].isoformat() if i > 0 else ""
        hi = (cuts[i] - timedelta(days=1)).isoformat() if i < len(cuts) else ""
        labels.append(f"{lo}..{hi}")

    def assign_split(quote: Quote) -> list[str | None]:
        d = date_of(quote)
        if d is None:
            return [UNDATED]
        return [labels[sum(1 for c in cuts if d >= c)]]

    return _PeriodAssigner(labels + [UNDATED], assign_split)
