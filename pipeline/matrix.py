"""The stance matrix: each actor's aggregated stance toward each target, with its evidence.

Rows are built at two actor levels. A quote with a ``speaker`` counts toward that person's row
(``actor_kind == "person"``); a quote with an ``organisation`` counts toward the organisation's
row (``actor_kind == "organisation"``), so a person's quotes also count toward their organisation.
A quote with neither is left out. Names are grouped by ``pipeline.names.NameGrouper``
(``same_actor_key``: case, spacing, apostrophes and a leading "the" aside), as the networks and
the report group them; the row shows the spelling of most of the actor's statements (ties: the
first seen).

Aggregation rules (Discourse Network Analyzer's options, adapted to three stances):

* Counts: ``support``, ``oppose`` and ``neutral`` count the actor's stances toward the target.
  One quote contributes one stance per target (``pipeline.statements.quote_stances``).
* Confidence weighting (``weighting=True``): each stance counts its ``Stance.score`` (the model's
  probability) instead of 1; a stance without a score counts 1.
* Duplicates: ``duplicates="every"`` counts every quote; ``duplicates="once-per-article"`` counts
  an actor's repeated (target, stance) once per article (DNA's "ignore duplicates within a
  document"); with weighting the repeat counts with its highest score.
  ``n_quotes`` and ``evidence`` always list every quote behind the cell, whatever the policy.
* Majority: ``stance`` is the stance with the largest count; when the largest count is shared by
  two or three stances (a tie) it is ``mixed``.

Time windows: ``window=`` (``pipeline.periods``) gives every cell a ``period``; article dates
come from ``dates``, a mapping article id -> ISO date. Without ``window`` every cell's ``period``
is None and ``matrix.csv`` has no ``period`` column.

The matrix counts statements (``pipeline.statements``), where the rules on which stances and
actors a quote contributes live.
"""

from __future__ import annotations

import csv
import math
import os
from typing import Iterable, Mapping, Sequence

from pipeline.jsonl import atomic_writer
from pipeline.names import NameGrouper
from pipeline.periods import period_sort_key
from pipeline.records import STANCES, MatrixCell, Quote, Statement
from pipeline.statements import make_statements

DUPLICATE_POLICIES = ("every", "once-per-article")
MATRIX_COLUMNS = (
    "actor",
    "actor_kind",
    "target",
    "support",
    "oppose",
    "neutral",
    "n_quotes",
    "stance",
    "evidence",
)


def build_matrix(
    quotes: Iterable[Quote],
    *,
    dates: Mapping[str, str | None] | None = None,
    weighting: bool = False,
    duplicates: str = "every",
    window: str | None = None,
) -> list[MatrixCell]:
    """Aggregate quotes into matrix cells: ``matrix_from_statements`` over their statements."""
    if duplicates not in DUPLICATE_POLICIES:
        raise ValueError(f"duplicates={duplicates!r}: use one of {', '.join(DUPLICATE_POLICIES)}")
    statements = make_statements(quotes, dates=dates, window=window)
    return matrix_from_statements(statements, weighting=weighting, duplicates=duplicates)


def matrix_from_statements(
    statements: Iterable[Statement], *, weighting: bool = False, duplicates: str = "every"
) -> list[MatrixCell]:
    """Aggregate statements into matrix cells (person and organisation rows), sorted by period,
    actor kind (organisations first), actor and target. See the module docstring for the rules."""
    if duplicates not in DUPLICATE_POLICIES:
        raise ValueError(f"duplicates={duplicates!r}: use one of {', '.join(DUPLICATE_POLICIES)}")
    names = NameGrouper()
    cells: dict[
        tuple[str | None, str, str, str], CellCounts
    ] = {}  # (period, kind, actor key, target)
    for statement in statements:
        key = names.add(statement.actor_kind, statement.actor)
        weight = stance_weight(statement.score) if weighting else 1.0
        ident = (statement.period, statement.actor_kind, key, statement.target)
        cell = cells.get(ident)
        if cell is None:
            cell = cells[ident] = CellCounts(duplicates=duplicates)
        cell.add(statement, weight)
    result = [
        cell.to_record(actor=names.display(kind, key), kind=kind, target=target, period=period)
        for (period, kind, key, target), cell in cells.items()
    ]
    result.sort(
        key=lambda c: (
            period_sort_key(c.period),
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


def count_stance(
    counts, stance, weight: float, *, best: dict | None = None, article: str = ""
) -> None:
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


class CellCounts:
    """One cell's stance counts under a duplicate policy, and (``keep_evidence``) the quotes
    behind it; the matrix and the report both count with it."""

    __slots__ = ("counts", "best", "evidence")

    def __init__(self, *, duplicates: str = "every", keep_evidence: bool = True) -> None:
        self.counts = {s: 0.0 for s in STANCES}
        # once-per-article: (article, stance) -> the best weight so far
        self.best: dict[tuple[str, str], float] | None = (
            {} if duplicates == "once-per-article" else None
        )
        self.evidence: dict[str, tuple[str, int, str]] | None = {} if keep_evidence else None

    def add(self, statement: Statement, weight: float) -> None:
        if self.evidence is not None:
            self.evidence.setdefault(
                statement.quote, (statement.article, statement.start, statement.quote_id)
            )
        count_stance(
            self.counts, statement.stance, weight, best=self.best, article=statement.article
        )

    def to_record(
        self,
        *,
        actor: str,
        kind: str,
        target: str,
        period: str | None = None,
        evidence: Sequence[str] | None = None,
        n_quotes: int | None = None,
    ) -> MatrixCell:
        """The cell; ``evidence`` and ``n_quotes`` default to the quotes it kept."""
        if evidence is None:
            kept = self.evidence or {}
            evidence = sorted(kept, key=lambda k: kept[k])
        s, o, n = (self.counts[x] for x in STANCES)
        return MatrixCell(
            actor=actor,
            actor_kind=kind,
            target=target,
            support=plain_number(s),
            oppose=plain_number(o),
            neutral=plain_number(n),
            n_quotes=len(evidence) if n_quotes is None else n_quotes,
            stance=majority(s, o, n),
            evidence=tuple(evidence),
            period=period,
        )
