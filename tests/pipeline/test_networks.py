"""Discourse networks: statement table, two-mode, congruence/conflict/subtract, co-occurrence,
files; actors are the matrix's rows."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import networkx as nx
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.jsonl import write_jsonl
from pipeline.matrix import matrix_from_statements
from pipeline.networks import (
    actor_graph,
    actor_rows,
    edges_frame,
    network_set,
    statements,
    target_graph,
    two_mode_graph,
    write_networks,
)
from pipeline.records import ArticleStatus, Quote, Stance
from pipeline.rerun import export_networks
from pipeline.statements import make_statements


def q(article, qid, speaker, org, *stances, start=0):
    return Quote(
        article=article,
        id=qid,
        start=start,
        end=start + 4,
        text=f"text {qid}",
        kind="indirect",
        speaker=speaker,
        organisation=org,
        cue="said",
        stances=tuple(Stance(t, s, *rest) for t, s, *rest in stances),
    )


# Three organisations. North and South agree on t1 (support) and t2 (oppose); West opposes t1,
# supports t2; a person without organisation is neutral on t3.
QUOTES = [
    q("a1", "q1", "Ann Lee", "North Trust", ("t1", "support", 0.9), ("t2", "oppose", 0.6)),
    q("a1", "q2", "Ann Lee", "North Trust", ("t1", "support")),
    q("a1", "q3", None, "South Council", ("t1", "support")),
    q("a2", "q1", "Bo Khan", "South Council", ("t2", "oppose"), ("t3", "neutral")),
    q("a2", "q2", "Cy Dee", "West Forum", ("t1", "oppose"), ("t2", "support")),
    q("a2", "q3", "Di Eve", None, ("t3", "neutral")),
    q("a2", "q4", None, None, ("t1", "support")),  # no actor
    q("a3", "q1", "Ann Lee", "North Trust"),  # no stances
]
DATES = {"a1": "2023-01-20", "a2": "2023-02-03", "a3": None}
STATEMENTS = make_statements(QUOTES, dates=DATES)


def label_edges(graph):
    return {
        tuple(sorted((graph.nodes[u]["label"], graph.nodes[v]["label"]))): d
        for u, v, d in graph.edges(data=True)
    }


def test_statement_table():
    table = statements(QUOTES, dates=DATES)
    assert len(table) == 9  # one row per quote and target with a statement: a2#q4 has no actor
    assert list(table.columns)[:8] == [
        "statement",
        "article",
        "quote",
        "date",
        "person",
        "organisation",
        "target",
        "agreement",
    ]
    first = table.iloc[0]
    assert (
        first["article"],
        first["quote"],
        first["date"],
        first["person"],
        first["organisation"],
    ) == ("a1", "q1", "2023-01-20", "Ann Lee", "North Trust")
    assert (first["target"], first["agreement"], first["start"], first["end"]) == (
        "t1",
        "support",
        0,
        4,
    )
    assert first["confidence"] == pytest.approx(0.9)
    assert table["confidence"].isna().sum() == 7
    assert "a2#q4:t1" not in set(table["statement"])
    assert statements([]).empty


def test_two_mode_signed():
    graph = two_mode_graph(STATEMENTS)
    actors = {d["label"] for _, d in graph.nodes(data=True) if d["type"] == "actor"}
    assert actors == {"North Trust", "South Council", "West Forum", "Di Eve"}  # person fallback
    assert {d["label"] for _, d in graph.nodes(data=True) if d["type"] == "target"} == {
        "t1",
        "t2",
        "t3",
    }
    assert nx.is_bipartite(graph)
    edges = label_edges(graph)
    north_t1 = edges[("North Trust", "t1")]
    assert (
        north_t1["support"],
        north_t1["oppose"],
        north_t1["net"],
        north_t1["sign"],
        north_t1["weight"],
    ) == (2, 0, 2, 1, 2)
    assert (
        edges[("West Forum", "t1")]["sign"] == -1
        and edges[("West Forum", "t1")]["stance"] == "oppose"
    )
    assert (
        edges[("South Council", "t3")]["sign"] == 0
        and edges[("South Council", "t3")]["stance"] == "neutral"
    )
    people = two_mode_graph(STATEMENTS, level="person")
    labels = {d["label"] for _, d in people.nodes(data=True) if d["type"] == "actor"}
    assert labels == {
        "Ann Lee",
        "Bo Khan",
        "Cy Dee",
        "Di Eve",
        "South Council",
    }  # organisation fallback
    with pytest.raises(ValueError, match="level"):
        two_mode_graph(STATEMENTS, level="party")


def test_actor_congruence_conflict_subtract():
    cong = label_edges(actor_graph(STATEMENTS, mode="congruence"))
    conf = label_edges(actor_graph(STATEMENTS, mode="conflict"))
    sub = actor_graph(STATEMENTS, mode="subtract")
    # North & South hold t1:support and t2:oppose both
    assert cong[("North Trust", "South Council")]["weight"] == 2
    assert cong[("North Trust", "South Council")]["agree_on"] == "t1:support t2:oppose"
    assert ("North Trust", "West Forum") not in cong  # no shared stance
    assert conf[("North Trust", "West Forum")]["weight"] == 2  # opposite on t1 and t2
    assert conf[("North Trust", "West Forum")]["disagree_on"] == "t1 t2"
    assert ("North Trust", "South Council") not in conf
    sub_edges = label_edges(sub)
    assert sub_edges[("North Trust", "South Council")]["weight"] == 2
    assert sub_edges[("North Trust", "West Forum")]["weight"] == -2
    # neutral statements are no agreement: Di Eve and South share t3:neutral but are not linked
    assert ("Di Eve", "South Council") not in sub_edges
    assert "actor:Di Eve" in sub.nodes  # isolates stay
    assert sub.number_of_nodes() == 4
    with pytest.raises(ValueError, match="congruence"):
        actor_graph(STATEMENTS, mode="agreement")


def test_subtract_keeps_zero_weight_edge_when_both_agree_and_disagree():
    quotes = [
        q("a", "q1", None, "A", ("t1", "support"), ("t2", "support")),
        q("a", "q2", None, "B", ("t1", "support"), ("t2", "oppose")),
    ]
    edge = label_edges(actor_graph(make_statements(quotes), mode="subtract"))[("A", "B")]
    assert (edge["weight"], edge["congruence"], edge["conflict"]) == (0, 1, 1)


def test_target_cooccurrence():
    by_quote = label_edges(target_graph(STATEMENTS))
    assert by_quote[("t1", "t2")]["weight"] == 2  # a1#q1 and a2#q2
    assert by_quote[("t2", "t3")]["weight"] == 1
    assert ("t1", "t3") not in by_quote
    by_actor = label_edges(target_graph(STATEMENTS, by="actor"))
    # actors (organisation level) with t1&t2: North, South, West; t1&t3: South; t2&t3: South
    assert by_actor[("t1", "t2")]["weight"] == 3
    assert by_actor[("t1", "t3")]["weight"] == 1 and by_actor[("t1", "t3")]["quotes"] == 0


def test_edges_frame():
    frame = edges_frame(two_mode_graph(STATEMENTS))
    assert list(frame.columns[:4]) == ["Source", "Target", "Type", "Weight"]
    assert len(frame) == 8


def test_files_open_and_round_trip(tmp_path):
    paths = write_networks(QUOTES, tmp_path / "networks", dates=DATES)
    names = {p.name for p in paths}
    assert "statements.csv" in names and "two_mode_organisation.graphml" in names
    assert "actors_conflict_person.gexf" in names and "targets_cooccurrence_edges.csv" in names
    assert len(paths) == 28 and all(p.exists() for p in paths)
    # GraphML: plain (only the graphml namespace), read back with the same edges and signed attributes
    graphml = tmp_path / "networks" / "two_mode_organisation.graphml"
    root = ET.parse(graphml).getroot()
    assert {el.tag.split("}")[0] for el in root.iter()} == {
        "{http://graphml.graphdrawing.org/xmlns"
    }
    assert all(
        re.fullmatch(r"[\w.:-]+", el.get("id"))
        for el in root.iter("{http://graphml.graphdrawing.org/xmlns}node")
    )
    back = nx.read_graphml(graphml)
    assert back.number_of_edges() == two_mode_graph(STATEMENTS).number_of_edges()
    assert label_edges(back)[("West Forum", "t1")]["net"] == -1
    assert label_edges(back)[("North Trust", "t1")]["stance"] == "support"
    gexf = nx.read_gexf(tmp_path / "networks" / "actors_subtract_organisation.gexf")
    assert label_edges(gexf)[("North Trust", "West Forum")]["weight"] == -2
    with open(tmp_path / "networks" / "statements.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 9 and rows[4]["date"] == "2023-02-03" and rows[4]["agreement"] == "oppose"
    with open(
        tmp_path / "networks" / "actors_congruence_organisation_edges.csv",
        newline="",
        encoding="utf-8",
    ) as handle:
        edges = list(csv.DictReader(handle))
    assert edges == [
        {
            "Source": "North Trust",
            "Target": "South Council",
            "Type": "Undirected",
            "Weight": "2",
            "congruence": "2",
            "conflict": "0",
            "agree_on": "t1:support t2:oppose",
            "disagree_on": "",
        }
    ]


def test_empty_quotes_still_write_valid_files(tmp_path):
    paths = write_networks([], tmp_path)
    assert len(paths) == 28
    assert nx.read_graphml(tmp_path / "two_mode_person.graphml").number_of_nodes() == 0
    assert nx.read_gexf(tmp_path / "targets_cooccurrence.gexf").number_of_nodes() == 0
    assert (
        (tmp_path / "statements.csv")
        .read_text(encoding="utf-8")
        .startswith("statement,article,quote,date")
    )


def _run_folder(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    write_jsonl(run / "quotes.jsonl", QUOTES)
    with open(run / "quotes.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"article": "a9", "id": "bad"}\n')  # a bad line is skipped, not fatal
    write_jsonl(
        run / "articles.jsonl", [ArticleStatus(id=a, status="ok", date=d) for a, d in DATES.items()]
    )
    return run


def test_export_run_and_command(tmp_path):
    run = _run_folder(tmp_path)
    paths, n_quotes, problems = export_networks(run)
    assert all(p.parent == run / "networks" for p in paths) and n_quotes == len(QUOTES)
    assert len(problems) == 1 and "quotes.jsonl:9: missing field(s)" in problems[0]
    with open(run / "networks" / "statements.csv", newline="", encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["date"] == "2023-01-20"
    result = CliRunner().invoke(app, ["export", str(run), "--out", str(tmp_path / "elsewhere")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["quotes"] == len(QUOTES)
    assert (tmp_path / "elsewhere" / "two_mode_person.gexf").exists()
    missing = CliRunner().invoke(app, ["export", str(tmp_path / "nothing")])
    assert missing.exit_code == 2
    assert "quotes.jsonl" in missing.output


def test_streamed_statements_csv_is_the_statement_table(tmp_path):
    """write_networks streams statements.csv row by row; it must be what pandas writes of the table."""
    scored = [
        replace(
            q,
            stances=tuple(
                replace(s, score=0.8125 if i % 2 else None) for i, s in enumerate(q.stances)
            ),
        )
        for q in QUOTES
    ]
    write_networks(scored, tmp_path, dates=DATES)
    expected = statements(scored, dates=DATES).to_csv(index=False, lineterminator="\n")
    assert (tmp_path / "statements.csv").read_text(encoding="utf-8") == expected
    assert "0.8125" in expected and expected.count("\n") == len(statements(scored, dates=DATES)) + 1


# --------------------------------------------------------------- actors are the matrix's rows

# "DfE" written three ways by four quotes: one actor, named as most statements write it
VARIANTS = [
    q("b1", "q1", None, "DfE", ("t1", "support")),
    q("b1", "q2", None, "DFE", ("t1", "support")),
    q("b2", "q1", None, "the DfE", ("t2", "oppose")),
    q("b2", "q2", None, "DfE", ("t2", "oppose")),
    q("b2", "q3", None, "Ofsted", ("t1", "oppose"), ("t2", "support")),
]


def test_case_and_article_variants_are_one_node_and_one_matrix_row():
    made = make_statements(VARIANTS)
    cells = {
        (c.actor, c.target): (c.support, c.oppose, c.n_quotes) for c in matrix_from_statements(made)
    }
    assert cells == {
        ("DfE", "t1"): (2, 0, 2),
        ("DfE", "t2"): (0, 2, 2),
        ("Ofsted", "t1"): (0, 1, 1),
        ("Ofsted", "t2"): (1, 0, 1),
    }
    graph = two_mode_graph(made)
    assert sorted(d["label"] for _, d in graph.nodes(data=True) if d["type"] == "actor") == [
        "DfE",
        "Ofsted",
    ]
    edges = label_edges(graph)
    assert {k: (e["support"], e["oppose"], e["weight"]) for k, e in edges.items()} == {
        ("DfE", "t1"): (2, 0, 2),
        ("DfE", "t2"): (0, 2, 2),
        ("Ofsted", "t1"): (0, 1, 1),
        ("Ofsted", "t2"): (1, 0, 1),
    }
    conflict = label_edges(actor_graph(made, mode="conflict"))
    assert list(conflict) == [("DfE", "Ofsted")]
    assert (conflict[("DfE", "Ofsted")]["weight"], conflict[("DfE", "Ofsted")]["disagree_on"]) == (
        2,
        "t1 t2",
    )
    by_actor = label_edges(target_graph(made, by="actor"))
    assert by_actor[("t1", "t2")]["actors"] == 2  # DfE and Ofsted, not four spellings


def test_a_quote_with_two_stances_toward_one_target_counts_once():
    quotes = [
        q("c1", "q1", "Ann Lee", "North Trust", ("t1", "support", 0.4), ("t1", "oppose", 0.9))
    ]
    made = make_statements(quotes)
    north = [c for c in matrix_from_statements(made) if c.actor == "North Trust"]
    assert [(c.support, c.oppose, c.n_quotes) for c in north] == [(0, 1, 1)]
    edge = label_edges(two_mode_graph(made))[("North Trust", "t1")]
    assert (edge["support"], edge["oppose"], edge["weight"]) == (0, 1, 1)
    table = statements(quotes)
    assert list(table["agreement"]) == ["oppose"] and list(table["confidence"]) == [0.9]


def test_a_windowed_run_counts_each_statement_once():
    windowed = make_statements(QUOTES, dates=DATES, window="moving:30d:7d")
    assert (len(STATEMENTS), len(windowed)) == (16, 16 + 2 * 9)  # a2: 9 statements, 3 windows
    plain = network_set(STATEMENTS)
    for stem, graph in network_set(windowed).items():
        assert list(graph.nodes(data=True)) == list(plain[stem].nodes(data=True)), stem
        assert list(graph.edges(data=True)) == list(plain[stem].edges(data=True)), stem


def test_a_person_and_an_organisation_of_one_name_are_two_nodes():
    quotes = [
        q("d1", "q1", "Jordan Lane", None, ("t1", "support")),
        q("d1", "q2", None, "Jordan Lane", ("t1", "oppose")),
    ]
    graph = two_mode_graph(make_statements(quotes))
    assert {n: d["kind"] for n, d in graph.nodes(data=True) if d["type"] == "actor"} == {
        "actor:Jordan Lane (organisation)": "organisation",
        "actor:Jordan Lane (person)": "person",
    }


def test_write_networks_counts_the_statements_it_is_given(tmp_path):
    north = [s for s in STATEMENTS if s.actor == "North Trust"]
    write_networks(QUOTES, tmp_path, statements=north)
    graph = nx.read_graphml(tmp_path / "two_mode_organisation.graphml")
    assert sorted(d["label"] for _, d in graph.nodes(data=True)) == ["North Trust", "t1", "t2"]
    with open(tmp_path / "statements.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [
        (r["statement"], r["person"], r["organisation"], r["text"], r["date"]) for r in rows
    ] == [
        ("a1#q1:t1", "", "North Trust", "text q1", "2023-01-20"),
        ("a1#q1:t2", "", "North Trust", "text q1", "2023-01-20"),
        ("a1#q2:t1", "", "North Trust", "text q2", "2023-01-20"),
    ]


def test_the_statement_table_gives_each_name_as_written_and_its_grouped_row_label(tmp_path):
    quotes = [
        q("d1", "q1", "Ann Lee", "The Harbour Trust", ("t1", "support")),
        q("d1", "q2", "ann lee", "Harbour Trust", ("t1", "oppose")),
        q("d2", "q3", None, "Harbour Trust", ("t2", "neutral")),
    ]
    write_networks(quotes, tmp_path)
    with open(tmp_path / "statements.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [
        (r["person"], r["organisation"], r["person_label"], r["organisation_label"]) for r in rows
    ] == [
        ("Ann Lee", "The Harbour Trust", "Ann Lee", "Harbour Trust"),
        ("ann lee", "Harbour Trust", "Ann Lee", "Harbour Trust"),
        ("", "Harbour Trust", "", "Harbour Trust"),
    ]
    labels, _ = actor_rows(make_statements(quotes), "organisation")
    assert {r["organisation_label"] for r in rows} == set(labels.values()) == {"Harbour Trust"}
