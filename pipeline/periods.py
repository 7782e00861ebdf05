"""Time windows: which period(s) an article's quotes fall in when a run splits the matrix by time.

* ``"2023-02-02"``: two periods, before that date and from that date on (the date itself falls in
  the later period). Several dates, comma-separated, make more periods:
  ``"2022-05-23,2023-02-02"``. Periods are labelled as inclusive ISO ranges with open ends:
  ``"..2023-02-01"``, ``"2023-02-02.."``, ``"2022-05-23..2023-02-01"``.
* ``"moving:90d:30d"``: moving windows of 90 days starting every 30 days, from the date of the
  earliest dated article that has a quote until the window start passes the latest one (units
  ``d`` days or ``w`` weeks; the step defaults to the length, i.e. adjacent windows). A quote
  counts in every window its article's date falls in (none when a step longer than the length
  leaves a gap). Labels ``"2023-01-01..2023-03-31"``.
* Quotes whose article has no (parsable) date go to the period ``"undated"``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Mapping

UNDATED = "undated"
_MOVING = re.compile(r"^moving:(\d+)([dw])(?::(\d+)([dw]))?$")
_UNIT_DAYS = {"d": 1, "w": 7}


def period_sort_key(label: str | None) -> tuple[int, str, str]:
    """Chronological order of period labels (open starts first, ``undated`` last); None first."""
    if label is None:
        return (0, "", "")
    if label == UNDATED:
        return (2, "", "")
    start, _, end = label.partition("..")
    return (1, start, end or "\uffff")


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

    def __call__(self, quote: Any) -> list[str | None]:
        return self._assign(quote)


def period_assigner(
    window: str | None, quotes: Iterable[Any], dates: Mapping[str, str | None]
) -> _PeriodAssigner:
    if window is None or not str(window).strip():
        return _PeriodAssigner([None], lambda q: [None])
    window = str(window).strip()
    parsed = {article: parse_date(value) for article, value in dates.items()}

    def date_of(quote: Any) -> date | None:
        return parsed.get(quote.article)

    moving = _MOVING.match(window)
    if moving:
        length = int(moving.group(1)) * _UNIT_DAYS[moving.group(2)]
        step = int(moving.group(3)) * _UNIT_DAYS[moving.group(4)] if moving.group(3) else length
        if length <= 0 or step <= 0:
            raise ValueError(
                f"window {window!r}: length and step must be positive, e.g. moving:90d:30d"
            )
        used = sorted({d for q in quotes if (d := date_of(q)) is not None})
        windows: list[tuple[date, date, str]] = []
        if used:
            start = used[0]
            while start <= used[-1]:
                end = start + timedelta(days=length - 1)
                windows.append((start, end, f"{start.isoformat()}..{end.isoformat()}"))
                start += timedelta(days=step)

        def assign(quote: Any) -> list[str | None]:
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

    def assign_split(quote: Any) -> list[str | None]:
        d = date_of(quote)
        if d is None:
            return [UNDATED]
        return [labels[sum(1 for c in cuts if d >= c)]]

    return _PeriodAssigner(labels + [UNDATED], assign_split)
