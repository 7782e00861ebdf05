"""Stance matrix: counts, majority/mixed, weighting, duplicate policy, time windows, CSV."""

from __future__ import annotations

import csv

import pytest

from pipeline.matrix import build_matrix, majority, matrix_frame, write_matrix_csv
from pipeline.periods import parse_date
from pipeline.records import Quote, Stance

_counter = {"n": 0}


def q(article, speaker=None, org=None, stances=(), qid=None, start=None):
    _counter["n"] += 1
    n = _counter["n"]
    start = start if start is not None else 10 * n
    return Quote(
        article=article,
        id=qid or f"q{n:02d}",
        start=start,
        end=start + 5,
        text="words",
        kind="direct",
        speaker=speaker,
        organisation=org,
        stances=tuple(
            Stance(target=t, stance=s, score=sc)
            for t, s, *rest in stances
            for sc in [rest[0] if rest else None]
        ),
    )


def cell(cells, actor, target, kind=None, period="__any__"):
    found = [
        c
        for c in cells
        if c.actor == actor
        and c.target == target
        and (kind is None or c.actor_kind == kind)
        and (period == "__any__" or c.period == period)
    ]
    assert len(found) == 1, found
    return found[0]


def test_counts_at_person_and_organisation_level():
    quotes = [
        q("a1", "Ann Lee", "Fostering Group", [("t1", "support")], qid="q1"),
        q("a1", "Ann Lee", "Fostering Group", [("t1", "support"), ("t2", "oppose")], qid="q2"),
        q("a2", None, "Fostering Group", [("t1", "oppose")], qid="q1"),
        q("a2", "Bo Khan", None, [("t1", "neutral")], qid="q2"),
        q("a2", "Bo Khan", None, [], qid="q3"),  # no target: no cell
        q("a3", None, None, [("t1", "support")], qid="q1"),  # no actor: left out
    ]
    cells = build_matrix(quotes)
    ann = cell(cells, "Ann Lee", "t1", "person")
    assert (ann.support, ann.oppose, ann.neutral, ann.n_quotes, ann.stance) == (
        2,
        0,
        0,
        2,
        "support",
    )
    assert ann.evidence == ("a1#q1", "a1#q2")
    org = cell(cells, "Fostering Group", "t1", "organisation")
    assert (org.support, org.oppose, org.n_quotes, org.stance) == (2, 1, 3, "support")
    assert org.evidence == ("a1#q1", "a1#q2", "a2#q1")
    assert cell(cells, "Fostering Group", "t2").stance == "oppose"
    assert cell(cells, "Bo Khan", "t1").stance == "neutral"
    assert len(cells) == 5  # Ann t1, Ann t2, Group t1, Group t2, Bo t1
    # organisations first, then people, each sorted by name and target
    assert [(c.actor_kind, c.actor, c.target) for c in cells] == [
        ("organisation", "Fostering Group", "t1"),
        ("organisation", "Fostering Group", "t2"),
        ("person", "Ann Lee", "t1"),
        ("person", "Ann Lee", "t2"),
        ("person", "Bo Khan", "t1"),
    ]
    assert all(c.period is None for c in cells)


def test_majority_and_ties():
    assert majority(2, 1, 0) == "support"
    assert majority(1, 1, 0) == "mixed"
    assert majority(1, 1, 3) == "neutral"
    assert majority(0, 2, 2) == "mixed"
    assert majority(0.1 + 0.2, 0.3, 0) == "mixed"  # float ties count as ties
    quotes = [
        q("a1", "Cy Dee", None, [("t1", "support")]),
        q("a2", "Cy Dee", None, [("t1", "oppose")]),
    ]
    c = cell(build_matrix(quotes), "Cy Dee", "t1")
    assert (c.support, c.oppose, c.stance) == (1, 1, "mixed")


def test_confidence_weighting_changes_majority():
    quotes = [
        q("a1", "Cy Dee", None, [("t1", "support", 0.9)]),
        q("a1", "Cy Dee", None, [("t1", "oppose", 0.4)]),
        q("a2", "Cy Dee", None, [("t1", "oppose", 0.35)]),
        q("a2", "Cy Dee", None, [("t1", "neutral")]),  # no score: counts 1
    ]
    plain = cell(build_matrix(quotes), "Cy Dee", "t1")
    assert (plain.support, plain.oppose, plain.neutral, plain.stance) == (1, 2, 1, "oppose")
    weighted = cell(build_matrix(quotes, weighting=True), "Cy Dee", "t1")
    assert weighted.support == pytest.approx(0.9)
    assert weighted.oppose == pytest.approx(0.75)
    assert weighted.neutral == 1
    assert weighted.stance == "neutral"
    assert weighted.n_quotes == 4


def test_duplicate_policy_once_per_article():
    quotes = [
        q("a1", "Di Eve", "Council X", [("t1", "oppose", 0.6)]),
        q("a1", "Di Eve", "Council X", [("t1", "oppose", 0.8)]),
        q("a1", "Di Eve", "Council X", [("t1", "oppose", 0.7)]),
        q("a1", "Di Eve", "Council X", [("t1", "support", 0.9)]),
        q("a2", "Di Eve", "Council X", [("t1", "support", 0.5)]),
        q("a2", "Fa Gu", "Council X", [("t1", "support", 0.5)]),
    ]
    every = cell(build_matrix(quotes), "Di Eve", "t1")
    assert (every.support, every.oppose, every.stance) == (2, 3, "oppose")
    once = cell(build_matrix(quotes, duplicates="once-per-article"), "Di Eve", "t1")
    assert (once.support, once.oppose, once.stance) == (2, 1, "support")
    assert once.n_quotes == 5 and len(once.evidence) == 5  # evidence keeps every quote
    # organisation level: Fa Gu's support in a2 repeats Di Eve's for the organisation
    org = cell(build_matrix(quotes, duplicates="once-per-article"), "Council X", "t1")
    assert (org.support, org.oppose, org.n_quotes) == (2, 1, 6)
    weighted = cell(
        build_matrix(quotes, duplicates="once-per-article", weighting=True), "Di Eve", "t1"
    )
    assert weighted.oppose == pytest.approx(0.8)  # the repeat counts with its highest score
    assert weighted.support == pytest.approx(1.4)
    with pytest.raises(ValueError, match="once-per-article"):
        build_matrix(quotes, duplicates="never")


def test_one_stance_per_quote_and_target_the_highest_scored_or_first():
    quotes = [q("a1", "Gil Ho", None, [("t1", "support"), ("t1", "support"), ("t1", "oppose")])]
    c = cell(build_matrix(quotes), "Gil Ho", "t1")
    assert (c.support, c.oppose, c.n_quotes, c.stance) == (
        1,
        0,
        1,
        "support",
    )  # no scores: the first
    scored = q(
        "a1",
        "Gil Ho",
        None,
        [("t1", "support", 0.4), ("t1", "oppose", 0.7), ("t1", "neutral", 0.7)],
    )
    c = cell(build_matrix([scored]), "Gil Ho", "t1")
    assert (c.support, c.oppose, c.stance) == (0, 1, "oppose")


def test_names_grouped_case_and_space_insensitively():
    quotes = [
        q("a1", "Ann  Lee", None, [("t1", "support")]),
        q("a1", "ann lee", None, [("t1", "support")]),
        q("a2", "Ann Lee", None, [("t1", "oppose")]),
        q("a2", "Ann Lee", None, [("t1", "support")]),
    ]
    cells = build_matrix(quotes)
    assert len(cells) == 1
    assert cells[0].actor == "Ann Lee" and cells[0].support == 3


def test_split_window_before_and_after_a_date():
    dates = {"a1": "2023-01-20", "a2": "2023-02-02T08:00:00Z", "a3": None, "a4": "2023-03-01"}
    quotes = [
        q("a1", "Ann Lee", None, [("t1", "oppose")]),
        q("a2", "Ann Lee", None, [("t1", "support")]),
        q("a4", "Ann Lee", None, [("t1", "support")]),
        q("a3", "Ann Lee", None, [("t1", "neutral")]),
        q("a5", "Ann Lee", None, [("t1", "neutral")]),  # article not in dates
    ]
    cells = build_matrix(quotes, dates=dates, window="2023-02-02")
    assert [c.period for c in cells] == ["..2023-02-01", "2023-02-02..", "undated"]
    before, after, undated = cells
    assert (before.oppose, before.stance) == (1, "oppose")
    assert (after.support, after.n_quotes, after.stance) == (2, 2, "support")
    assert undated.neutral == 2
    three = build_matrix(quotes, dates=dates, window="2023-03-01, 2023-02-02")
    assert [c.period for c in three] == [
        "..2023-02-01",
        "2023-02-02..2023-02-28",
        "2023-03-01..",
        "undated",
    ]
    with pytest.raises(ValueError, match="not an ISO date"):
        build_matrix(quotes, dates=dates, window="February")


def test_moving_windows_overlap():
    dates = {"a1": "2023-01-01", "a2": "2023-01-20", "a3": "2023-02-15"}
    quotes = [
        q("a1", "Ann Lee", None, [("t1", "oppose")]),
        q("a2", "Ann Lee", None, [("t1", "support")]),
        q("a3", "Ann Lee", None, [("t1", "support")]),
    ]
    cells = build_matrix(quotes, dates=dates, window="moving:30d:15d")
    got = {c.period: (c.support, c.oppose) for c in cells}
    assert got == {
        "2023-01-01..2023-01-30": (1, 1),
        "2023-01-16..2023-02-14": (1, 0),
        "2023-01-31..2023-03-01": (1, 0),
        "2023-02-15..2023-03-16": (1, 0),
    }
    weekly = build_matrix(quotes, dates=dates, window="moving:2w")  # step = length
    assert [c.period for c in weekly] == [
        "2023-01-01..2023-01-14",
        "2023-01-15..2023-01-28",
        "2023-02-12..2023-02-25",
    ]


def test_parse_date():
    assert str(parse_date("2023-02-02")) == "2023-02-02"
    assert str(parse_date("2023-02-02T23:00:00+00:00")) == "2023-02-02"
    assert parse_date("2 Feb 2023") is None and parse_date("") is None and parse_date(None) is None


def test_csv_and_frame(tmp_path):
    quotes = [
        q("a1", "Ann Lee", "Fostering Group", [("t1", "support", 0.75)], qid="q1"),
        q("a1", "Ann Lee", "Fostering Group", [("t1", "oppose", 0.5)], qid="q2"),
    ]
    cells = build_matrix(quotes, weighting=True)
    path = tmp_path / "out" / "matrix.csv"
    write_matrix_csv(cells, path)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "actor",
        "actor_kind",
        "target",
        "support",
        "oppose",
        "neutral",
        "n_quotes",
        "stance",
        "evidence",
    ]
    assert rows[0] == {
        "actor": "Fostering Group",
        "actor_kind": "organisation",
        "target": "t1",
        "support": "0.75",
        "oppose": "0.5",
        "neutral": "0",
        "n_quotes": "2",
        "stance": "support",
        "evidence": "a1#q1 a1#q2",
    }
    frame = matrix_frame(cells)
    assert list(frame["actor_kind"]) == ["organisation", "person"]
    assert frame.loc[1, "evidence"] == "a1#q1 a1#q2"
    # windowed: extra period column
    windowed = build_matrix(quotes, dates={"a1": "2023-01-01"}, window="2023-02-02")
    write_matrix_csv(windowed, path)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["period"] == "..2023-02-01"
    # no quotes: a header only
    write_matrix_csv(build_matrix([]), path)
    assert (
        path.read_text(encoding="utf-8").strip()
        == "actor,actor_kind,target,support,oppose,neutral,n_quotes,stance,evidence"
    )
    assert matrix_frame([]).empty


# ------------------------------------------------------------------------------- properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st

_names = st.sampled_from(["Ann Lee", "Bo Khan", None])
_orgs = st.sampled_from(["North Trust", "South Council", None])
_stances = st.lists(
    st.tuples(
        st.sampled_from(["t1", "t2", "t3"]),
        st.sampled_from(["support", "oppose", "neutral"]),
        st.one_of(st.none(), st.floats(0, 1)),
    ),
    max_size=3,
)
_quotes = st.lists(
    st.tuples(st.sampled_from(["a1", "a2", "a3"]), _names, _orgs, _stances), max_size=25
)


def _make(rows):
    return [
        Quote(
            article=a,
            id=f"q{i}",
            start=i,
            end=i + 1,
            text="x",
            kind="direct",
            speaker=s,
            organisation=o,
            stances=tuple(Stance(t, v, sc) for t, v, sc in stances),
        )
        for i, (a, s, o, stances) in enumerate(rows)
    ]


@settings(max_examples=150, deadline=None)
@given(_quotes)
def test_matrix_invariants(rows):
    quotes = _make(rows)
    every = {(c.actor_kind, c.actor, c.target): c for c in build_matrix(quotes)}
    once = {
        (c.actor_kind, c.actor, c.target): c
        for c in build_matrix(quotes, duplicates="once-per-article")
    }
    weighted = {(c.actor_kind, c.actor, c.target): c for c in build_matrix(quotes, weighting=True)}
    assert every.keys() == once.keys() == weighted.keys()
    # person rows count each (quote, target) of quotes with a speaker exactly once
    statements = {(q.key, s.target) for q in quotes if q.speaker for s in q.stances}
    assert sum(
        c.support + c.oppose + c.neutral for k, c in every.items() if k[0] == "person"
    ) == len(statements)
    for key, c in every.items():
        assert once[key].evidence == c.evidence == weighted[key].evidence
        assert c.n_quotes == len(c.evidence) >= 1
        for s in ("support", "oppose", "neutral"):
            assert getattr(once[key], s) <= getattr(c, s)
            assert getattr(weighted[key], s) <= getattr(c, s) + 1e-9
        assert c.stance == majority(c.support, c.oppose, c.neutral)
        top = max(c.support, c.oppose, c.neutral)
        assert (c.stance == "mixed") == ([c.support, c.oppose, c.neutral].count(top) > 1)
    # a split window partitions the quotes: per-period counts add up to the whole
    dates = {"a1": "2023-01-01", "a2": "2023-03-01", "a3": None}
    totals: dict = {}
    for c in build_matrix(quotes, dates=dates, window="2023-02-02"):
        t = totals.setdefault((c.actor_kind, c.actor, c.target), [0, 0, 0])
        for i, s in enumerate(("support", "oppose", "neutral")):
            t[i] += getattr(c, s)
    assert totals == {k: [c.support, c.oppose, c.neutral] for k, c in every.items()}
