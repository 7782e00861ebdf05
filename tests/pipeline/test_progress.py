from __future__ import annotations

from pipeline.corpus import count_corpus
from pipeline.progress import Progress, format_seconds


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_progress_says_rate_and_time_left_at_most_every_interval_and_at_the_end():
    clock, lines = Clock(), []
    bar = Progress(100, label="articles", say=lines.append, every=5.0, clock=clock)
    clock.now = 2.0
    bar.advance(10)  # the first advance always speaks
    clock.now = 4.0
    bar.advance(10)  # within 5 s of the last line: quiet
    clock.now = 10.0
    bar.advance(20, skipped=20, note="(20 already done)")
    clock.now = 40.0
    bar.advance(40)
    assert (
        lines
        == [
            "articles: 10/100 (10%), 5.00/s, about 18s left",
            "articles: 60/100 (60%), 4.00/s, about 10s left (20 already done)",  # resumed work is not counted in the rate
            "articles: 100/100 (100%), 2.00/s, 40s in all",
        ]
    )


def test_progress_without_a_total_and_long_durations():
    clock, lines = Clock(), []
    bar = Progress(None, label="steps", unit="steps", say=lines.append, clock=clock)
    clock.now = 0.5
    bar.advance(30)
    assert lines == ["steps: 30 steps, 60/s"]
    assert (format_seconds(59.4), format_seconds(61), format_seconds(3 * 3600 + 125)) == (
        "59s",
        "1m01s",
        "3h02m",
    )


def test_count_corpus_counts_what_iter_corpus_reads(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("id\n", encoding="utf-8")
    assert count_corpus(tmp_path) == 2
    lines = tmp_path / "c.jsonl"
    lines.write_text('{"id": "1", "text": "x"}\n\n{"id": "2", "text": "y"}\n', encoding="utf-8")
    assert count_corpus(lines) == 2 and count_corpus(tmp_path / "missing") is None
