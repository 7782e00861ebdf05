from __future__ import annotations

import pytest

from pipeline.matrix import build_matrix, matrix_from_statements
from pipeline.names import NameGrouper, name_key
from pipeline.records import Quote, QuoteStance, RecordError, Stance, Statement
from pipeline.statements import (
    at_level,
    make_statements,
    quote_groups,
    quote_stances,
    quote_statements,
    read_statements,
    stance_rows,
    unwindowed,
    write_statements,
)


def quote(qid="q1", *, article="a1", start=0, speaker="Ann Lee", org="North Trust", stances=()):
    return Quote(
        article=article,
        id=qid,
        start=start,
        end=start + 4,
        text="word",
        kind="direct",
        speaker=speaker,
        organisation=org,
        stances=tuple(Stance(*s) for s in stances),
    )


def test_one_stance_per_target_highest_score_then_first():
    q = quote(
        stances=[
            ("t1", "support", 0.4),
            ("t2", "neutral"),
            ("t1", "oppose", 0.9),
            ("t1", "neutral", 0.9),
        ]
    )
    assert [(s.target, s.stance) for s in quote_stances(q)] == [("t1", "oppose"), ("t2", "neutral")]
    unscored = quote(stances=[("t1", "support"), ("t1", "oppose")])
    assert [(s.target, s.stance) for s in quote_stances(unscored)] == [("t1", "support")]


def test_stance_rows_are_the_stage_output_one_per_quote_and_target_even_without_an_actor():
    q1 = quote(stances=[("t1", "support", 0.4), ("t1", "oppose", 0.9), ("t2", "neutral", 0.5)])
    q2 = quote("q2", speaker=None, org=None, stances=[("t2", "support", 0.7)])
    rows = list(stance_rows([q1, q2, quote("q3")]))
    assert [(r.quote, r.target, r.stance, r.score) for r in rows] == [
        ("a1#q1", "t1", "oppose", 0.9),
        ("a1#q1", "t2", "neutral", 0.5),
        ("a1#q2", "t2", "support", 0.7),
    ]
    assert QuoteStance.from_json(rows[0].to_json()) == rows[0]
    with pytest.raises(RecordError, match="stance 'maybe'"):
        QuoteStance(quote="a#1", article="a", target="t1", stance="maybe")


def test_a_quote_makes_an_organisation_and_a_person_statement_per_target():
    q = quote(
        start=7, speaker=" Ann  Lee ", stances=[("t1", "support", 0.8), ("t2", "oppose", 0.6)]
    )
    made = quote_statements(q, date="2023-02-02")
    assert [(s.actor_kind, s.actor, s.target, s.stance) for s in made] == [
        ("organisation", "North Trust", "t1", "support"),
        ("organisation", "North Trust", "t2", "oppose"),
        ("person", "Ann Lee", "t1", "support"),
        ("person", "Ann Lee", "t2", "oppose"),
    ]
    assert {(s.quote, s.article, s.start, s.date, s.period) for s in made} == {
        ("a1#q1", "a1", 7, "2023-02-02", None)
    }
    assert made[0].score == 0.8 and made[0].quote_id == "q1"
    assert quote_statements(quote(speaker=None, org="  ", stances=[("t1", "support")])) == []
    assert quote_statements(quote(stances=[])) == []


def test_windows_make_one_statement_per_period():
    quotes = [
        quote("q1", article="a1", stances=[("t1", "support")]),
        quote("q2", article="a2", org=None, stances=[("t1", "oppose")]),
    ]
    made = make_statements(quotes, dates={"a1": "2023-01-05", "a2": None}, window="2023-02-02")
    assert [(s.quote, s.actor_kind, s.period) for s in made] == [
        ("a1#q1", "organisation", "..2023-02-01"),
        ("a1#q1", "person", "..2023-02-01"),
        ("a2#q2", "person", "undated"),
    ]
    moving = make_statements(quotes[:1], dates={"a1": "2023-01-05"}, window="moving:10d:5d")
    assert {s.period for s in moving} == {"2023-01-05..2023-01-14"}


def test_network_level_prefers_the_organisation_then_the_person():
    both = quote_statements(quote(stances=[("t1", "support")]))
    alone = quote_statements(quote(org=None, stances=[("t1", "support")]))
    assert [s.actor for s in at_level(both, "organisation")] == ["North Trust"]
    assert [s.actor for s in at_level(both, "person")] == ["Ann Lee"]
    assert [s.actor for s in at_level(alone, "organisation")] == ["Ann Lee"]
    with pytest.raises(ValueError, match="level"):
        at_level(both, "country")


def test_matrix_counts_statements_and_cites_evidence_in_text_order():
    quotes = [
        quote("q9", start=50, stances=[("t1", "support", 0.9)]),
        quote("q2", start=10, speaker="ANN LEE", stances=[("t1", "oppose", 0.6)]),
        quote("q3", start=30, stances=[("t1", "support", 0.7)]),
    ]
    cells = matrix_from_statements(make_statements(quotes))
    person = next(c for c in cells if c.actor_kind == "person")
    assert (person.actor, person.support, person.oppose, person.stance) == (
        "Ann Lee",
        2,
        1,
        "support",
    )
    assert person.evidence == ("a1#q2", "a1#q3", "a1#q9")
    assert [(c.actor, c.support, c.oppose) for c in cells] == [
        (c.actor, c.support, c.oppose) for c in build_matrix(quotes)
    ]


def test_statements_round_trip_and_bad_lines_are_reported(tmp_path):
    made = quote_statements(quote(stances=[("t1", "support", 0.5)]), date="2023-01-01")
    path = tmp_path / "statements.jsonl"
    assert write_statements(path, made) == 2
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(
            '{"actor": "X", "actor_kind": "country", "target": "t", "stance": "support", "quote": "a#1", "article": "a"}\n'
        )
    back, problems = read_statements(path)
    assert back == made
    assert len(problems) == 1 and ":3:" in problems[0] and "actor_kind" in problems[0]
    with pytest.raises(RecordError, match="stance"):
        Statement(
            actor="X", actor_kind="person", target="t", stance="maybe", quote="a#1", article="a"
        )


def test_one_name_key_for_lookup_grouping_and_scoring():
    assert name_key("  The  King’s Fund. ") == name_key("the king's fund") == "the king's fund"
    assert name_key(None) is None and name_key("  ") is None and name_key("..") is None
    names = NameGrouper()
    for spelling in ("DfE", "DFE", "DfE", "dfe"):
        key = names.add("organisation", spelling)
    assert key == "dfe" and names.display("organisation", key) == "DfE"


def test_quote_groups_split_where_a_quote_ends_and_unwindowed_keeps_its_first_period():
    quotes = [
        quote("q1", stances=[("t1", "support"), ("t2", "oppose")]),
        quote("q1", speaker=None, stances=[("t1", "neutral")]),  # the key again on the next line
        quote("q2", article="a2", start=9, org=None, stances=[("t1", "oppose")]),
    ]
    dates = {"a1": "2023-01-10", "a2": "2023-02-10"}
    windowed = make_statements(quotes, dates=dates, window="moving:60d:30d")
    groups = list(quote_groups(windowed))
    assert [(g[0].quote, len(g)) for g in groups] == [("a1#q1", 4), ("a1#q1", 1), ("a2#q2", 2)]
    assert [s.period for s in groups[2]] == ["2023-01-10..2023-03-10", "2023-02-09..2023-04-09"]
    once = [unwindowed(g) for g in groups]
    assert [[(s.actor, s.target, s.stance, s.period) for s in g] for g in once] == [
        [
            ("North Trust", "t1", "support", "2023-01-10..2023-03-10"),
            ("North Trust", "t2", "oppose", "2023-01-10..2023-03-10"),
            ("Ann Lee", "t1", "support", "2023-01-10..2023-03-10"),
            ("Ann Lee", "t2", "oppose", "2023-01-10..2023-03-10"),
        ],
        [("North Trust", "t1", "neutral", "2023-01-10..2023-03-10")],
        [("Ann Lee", "t1", "oppose", "2023-01-10..2023-03-10")],
    ]
    assert unwindowed([]) == []
