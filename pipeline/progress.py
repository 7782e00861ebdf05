"""Progress of long work as plain lines: done / total, rate and time left (stderr-friendly: no
terminal control codes, so logs of batch jobs stay readable)."""

from __future__ import annotations

import time
from typing import Callable


class Progress:
    """Counts units of work and says ``label: done/total (pct), rate/s, about T left`` through
    ``say`` after each ``advance`` that comes at least ``every`` seconds after the last line (and
    always at the end). ``skipped`` units (resumed work) count as done but not toward the rate."""

    def __init__(
        self,
        total: int | None,
        *,
        label: str,
        say: Callable[[str], None],
        unit: str = "",
        every: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.total = total
        self.label = label
        self.unit = unit
        self.say = say
        self.every = every
        self.clock = clock
        self.started = clock()
        self.last_said: float | None = None
        self.done = 0
        self.skipped = 0

    def advance(self, n: int = 1, *, skipped: int = 0, note: str = "") -> None:
        self.done += n + skipped
        self.skipped += skipped
        now = self.clock()
        finished = self.total is not None and self.done >= self.total
        if finished or self.last_said is None or now - self.last_said >= self.every:
            self.last_said = now
            self.say(self.line(now) + (f" {note}" if note else ""))

    def line(self, now: float | None = None) -> str:
        now = self.clock() if now is None else now
        elapsed = max(now - self.started, 1e-9)
        worked = self.done - self.skipped
        rate = worked / elapsed
        unit = f" {self.unit}" if self.unit else ""
        if self.total:
            text = f"{self.label}: {self.done}/{self.total}{unit} ({100 * self.done / self.total:.0f}%)"
        else:
            text = f"{self.label}: {self.done}{unit}"
        text += f", {rate:.2f}/s" if rate < 10 else f", {rate:.0f}/s"
        if self.total:
            left = self.total - self.done
            if left <= 0:
                text += f", {format_seconds(elapsed)} in all"
            elif worked > 0:
                text += f", about {format_seconds(left / rate)} left"
        return text


def format_seconds(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds // 60 % 60:02d}m"
