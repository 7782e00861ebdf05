"""Discourse networks from quotes, after Discourse Network Analyzer (DNA), and their exports.

A *statement* is one quote's stance toward one target (DNA: actor, concept, agreement).

Actors: ``level="organisation"`` (default) uses the quote's organisation, or its speaker when it
names no organisation; ``level="person"`` uses the speaker, or the organisation when no person is
named. Quotes with neither, and quotes without stances, make no statements.

Networks (undirected networkx graphs; every node has ``label`` and ``type``, edges a ``weight``):

* ``two_mode_graph``: actor x target. Edge attributes ``support``, ``oppose``, ``neutral``
  (counts), ``net = support - oppose`` (the signed tie), ``sign`` (+1, -1 or 0), ``stance``
  (majority, ``mixed`` on ties) and ``weight`` = the number of statements (kept positive so that
  Gephi's layouts work; use ``net``/``sign`` for the sign).
* ``actor_graph``: actor x actor, as DNA defines its one-mode qualifier aggregations. An actor
  *holds* (target, stance) when it made at least one such statement; only ``support`` and
  ``oppose`` count (``neutral`` is no lean, neither agreement nor disagreement).
  ``congruence`` = the number of (target, stance) pairs both actors hold; ``conflict`` = the
  number of (target, stance, opposite stance) combinations where one holds support and the other
  oppose; ``subtract`` = congruence - conflict. ``weight`` is the chosen mode's value; edges with
  weight 0 are left out (for ``subtract``: edges where congruence and conflict are both 0). Every
  actor with a statement is a node, isolated or not.
* ``target_graph``: target x target co-occurrence: ``weight`` = the number of quotes that take a
  stance toward both targets (``by="quote"``), or the number of actors that took a stance toward
  both (``by="actor"``); both counts are edge attributes ``quotes`` and ``actors``.

Files (``write_networks``; ``stancemap export RUN``): for each graph plain GraphML (networkx's
writer, no yEd or other dialect; node ids ``n0``, ``n1``... with the name in ``label``), GEXF 1.2 and a CSV edge list with Gephi's spreadsheet columns
``Source,Target,Type,Weight`` plus the edge attributes; and ``statements.csv``, the DNA-style
statement table (one row per quote and target).
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import networkx as nx

from pipeline.jsonl import atomic_writer
from pipeline.matrix import majority
from pipeline.records import STANCES, Quote
from pipeline.statements import LEVELS, at_level, quote_stances, quote_statements

ACTOR_MODES = ("congruence", "conflict", "subtract")
STATEMENT_COLUMNS = (
    "statement",
    "article",
    "quote",
    "date",
    "person",
    "organisation",
    "target",
    "agreement",
    "text",
    "start",
    "end",
    "kind",
    "cue",
    "confidence",
)


# ------------------------------------------------------------------------------------ statements


def statements(quotes: Iterable[Quote], *, dates: Mapping[str, str | None] | None = None):
    """The DNA-style statement table: one row per quote and target, as a pandas DataFrame.

    Columns: statement (``article#id:target``), article, quote (id), date, person, organisation,
    target, agreement (support | oppose | neutral), text, start, end, kind, cue, confidence
    (the stance score, empty when the stance has none)."""
    import pandas as pd

    frame = pd.DataFrame(list(statement_rows(quotes, dates=dates)), columns=list(STATEMENT_COLUMNS))
    frame["confidence"] = frame["confidence"].astype("float64")
    return frame


def statement_rows(
    quotes: Iterable[Quote], *, dates: Mapping[str, str | None] | None = None
) -> Iterator[dict]:
    """The rows of ``statements``, one at a time (``write_networks`` streams them to CSV)."""
    dates = dates or {}
    for quote in quotes:
        for stance in quote_stances(quote):
            yield {
                "statement": f"{quote.key}:{stance.target}",
                "article": quote.article,
                "quote": quote.id,
                "date": dates.get(quote.article) or "",
                "person": quote.speaker or "",
                "organisation": quote.organisation or "",
                "target": stance.target,
                "agreement": stance.stance,
                "text": quote.text,
                "start": quote.start,
                "end": quote.end,
                "kind": quote.kind,
                "cue": quote.cue or "",
                "confidence": _confidence(stance.score),
            }


def _confidence(value) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _pairs(quotes: Iterable[Quote], level: str) -> list[tuple[tuple[str, str], str, str, str]]:
    """(actor (name, kind), target, stance, quote key) for every statement at this level."""
    return [
        ((st.actor, st.actor_kind), st.target, st.stance, st.quote)
        for quote in quotes
        for st in at_level(quote_statements(quote), level)
    ]


def _actor_node(name: str) -> str:
    return f"actor:{name}"


def _target_node(target: str) -> str:
    return f"target:{target}"


# -------------------------------------------------------------------------------------- networks


def two_mode_graph(quotes: Iterable[Quote], *, level: str = "organisation") -> nx.Graph:
    """Actor x target network, signed by stance (see the module docstring for attributes)."""
    kinds, counts = statement_counts(_pairs(quotes, level))
    return two_mode_from_counts(kinds, counts, level=level)


def actor_graph(
    quotes: Iterable[Quote], *, mode: str = "congruence", level: str = "organisation"
) -> nx.Graph:
    """Actor x actor network by DNA's congruence, conflict or subtract (see the module docstring)."""
    if mode not in ACTOR_MODES:
        raise ValueError(f"mode={mode!r}: use one of {', '.join(ACTOR_MODES)}")
    kinds, counts = statement_counts(_pairs(quotes, level))
    return actor_graph_from_counts(kinds, counts, mode=mode, level=level)


def statement_counts(pairs) -> tuple[dict[str, str], dict[tuple[str, str], dict[str, int]]]:
    """From (actor (name, kind), target, stance, ...) rows: each actor's kind (the first seen) and
    the stance counts of every (actor, target)."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    kinds: dict[str, str] = {}
    for (name, kind), target, stance, *_ in pairs:
        kinds.setdefault(name, kind)
        cell = counts.get((name, target))
        if cell is None:
            cell = counts[(name, target)] = {s: 0 for s in STANCES}
        cell[stance] += 1
    return kinds, counts


def two_mode_from_counts(
    kinds: Mapping[str, str],
    counts: Mapping[tuple[str, str], Mapping[str, int]],
    *,
    level: str = "organisation",
) -> nx.Graph:
    """``two_mode_graph`` from ``statement_counts``: the report draws it from counts it streamed."""
    graph = nx.Graph(name=f"actor x target ({level})", mode="two-mode", level=level)
    for name in sorted(kinds, key=str.casefold):
        graph.add_node(_actor_node(name), label=name, type="actor", kind=kinds[name], bipartite=0)
    for target in sorted({t for _, t in counts}):
        graph.add_node(
            _target_node(target), label=target, type="target", kind="target", bipartite=1
        )
    for name, target in sorted(counts, key=lambda k: (k[0].casefold(), k[1])):
        c = counts[(name, target)]
        net = c["support"] - c["oppose"]
        graph.add_edge(
            _actor_node(name),
            _target_node(target),
            weight=sum(c.values()),
            support=c["support"],
            oppose=c["oppose"],
            neutral=c["neutral"],
            net=net,
            sign=(net > 0) - (net < 0),
            stance=majority(c["support"], c["oppose"], c["neutral"]),
        )
    return graph


def actor_graph_from_counts(
    kinds: Mapping[str, str],
    counts: Mapping[tuple[str, str], Mapping[str, int]],
    *,
    mode: str = "congruence",
    level: str = "organisation",
) -> nx.Graph:
    """``actor_graph`` from ``statement_counts``."""
    if mode not in ACTOR_MODES:
        raise ValueError(f"mode={mode!r}: use one of {', '.join(ACTOR_MODES)}")
    holds: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for (name, target), c in counts.items():
        for stance in ("support", "oppose"):  # neutral is no lean: neither agreement nor conflict
            if c[stance]:
                holds[name].add((target, stance))
    graph = nx.Graph(name=f"actor x actor {mode} ({level})", mode=mode, level=level)
    names = sorted(kinds, key=str.casefold)
    for name in names:
        graph.add_node(_actor_node(name), label=name, type="actor", kind=kinds[name])
    opposite = {"support": "oppose", "oppose": "support"}
    for a, b in itertools.combinations(names, 2):
        agree = sorted(holds[a] & holds[b])
        disagree = sorted((t, s) for t, s in holds[a] if (t, opposite[s]) in holds[b])
        congruence, conflict = len(agree), len(disagree)
        value = {"congruence": congruence, "conflict": conflict, "subtract": congruence - conflict}[
            mode
        ]
        if (mode != "subtract" and value == 0) or (congruence == 0 and conflict == 0):
            continue
        graph.add_edge(
            _actor_node(a),
            _actor_node(b),
            weight=value,
            congruence=congruence,
            conflict=conflict,
            agree_on=" ".join(f"{t}:{s}" for t, s in agree),
            disagree_on=" ".join(sorted({t for t, _ in disagree})),
        )
    return graph


def target_graph(
    quotes: Iterable[Quote], *, by: str = "quote", level: str = "organisation"
) -> nx.Graph:
    """Target x target co-occurrence network (weight by quotes or by actors; both as attributes)."""
    if by not in ("quote", "actor"):
        raise ValueError(f"by={by!r}: use 'quote' or 'actor'")
    pairs = _pairs(quotes, level)
    by_quote: dict[str, set[str]] = defaultdict(set)
    by_actor: dict[str, set[str]] = defaultdict(set)
    for (name, _), target, _, quote_key in pairs:
        by_quote[quote_key].add(target)
        by_actor[name].add(target)
    graph = nx.Graph(name=f"target x target co-occurrence (by {by})", mode="co-occurrence", by=by)
    for target in sorted({t for ts in by_quote.values() for t in ts}):
        graph.add_node(_target_node(target), label=target, type="target", kind="target")
    quote_counts: dict[tuple[str, str], int] = defaultdict(int)
    actor_counts: dict[tuple[str, str], int] = defaultdict(int)
    for ts in by_quote.values():
        for pair in itertools.combinations(sorted(ts), 2):
            quote_counts[pair] += 1
    for ts in by_actor.values():
        for pair in itertools.combinations(sorted(ts), 2):
            actor_counts[pair] += 1
    for pair in sorted(set(quote_counts) | set(actor_counts)):
        q, a = quote_counts.get(pair, 0), actor_counts.get(pair, 0)
        weight = q if by == "quote" else a
        if weight == 0:
            continue
        graph.add_edge(
            _target_node(pair[0]), _target_node(pair[1]), weight=weight, quotes=q, actors=a
        )
    return graph


def edges_frame(graph: nx.Graph):
    """A graph's edges as a DataFrame: Source, Target (node labels), Type, Weight and attributes."""
    import pandas as pd

    columns, rows = _edge_rows(graph)
    return pd.DataFrame(rows, columns=columns)


# ----------------------------------------------------------------------------------------- files


def _edge_rows(graph: nx.Graph) -> tuple[list[str], list[dict]]:
    attrs: list[str] = []
    for _, _, data in graph.edges(data=True):
        for key in data:
            if key != "weight" and key not in attrs:
                attrs.append(key)
    columns = ["Source", "Target", "Type", "Weight", *attrs]
    rows = []
    for u, v, data in graph.edges(data=True):
        row = {
            "Source": graph.nodes[u].get("label", u),
            "Target": graph.nodes[v].get("label", v),
            "Type": "Undirected",
            "Weight": data.get("weight", 1),
        }
        row.update({k: data.get(k, "") for k in attrs})
        rows.append(row)
    return columns, rows


def _write_graph(graph: nx.Graph, out_dir: Path, stem: str) -> list[Path]:
    paths = [out_dir / f"{stem}.graphml", out_dir / f"{stem}.gexf", out_dir / f"{stem}_edges.csv"]
    # GraphML node ids must be XML name tokens (no spaces): files use n0, n1, ... and carry the
    # name in the ``label`` attribute (what Gephi shows).
    plain = nx.relabel_nodes(
        graph, {node: f"n{i}" for i, node in enumerate(graph.nodes)}, copy=True
    )
    with atomic_writer(paths[0], mode="wb") as handle:
        nx.write_graphml_xml(plain, handle, encoding="utf-8", prettyprint=True)
    with atomic_writer(paths[1], mode="wb") as handle:
        nx.write_gexf(plain, handle, encoding="utf-8", prettyprint=True)
    columns, rows = _edge_rows(graph)
    with atomic_writer(paths[2]) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return paths


def network_set(quotes: Iterable[Quote]) -> dict[str, nx.Graph]:
    """Every network ``write_networks`` writes, by file stem."""
    quotes = list(quotes)
    graphs: dict[str, nx.Graph] = {}
    for level in LEVELS:
        graphs[f"two_mode_{level}"] = two_mode_graph(quotes, level=level)
        for mode in ACTOR_MODES:
            graphs[f"actors_{mode}_{level}"] = actor_graph(quotes, mode=mode, level=level)
    graphs["targets_cooccurrence"] = target_graph(quotes, by="quote")
    return graphs


def write_networks(
    quotes: Iterable[Quote], out_dir: str | Path, *, dates: Mapping[str, str | None] | None = None
) -> list[Path]:
    """Write all networks (GraphML, GEXF, CSV edge list each) and ``statements.csv`` into
    ``out_dir``; returns the paths written. Networks come at both actor levels (file names end in
    ``_organisation`` / ``_person``)."""
    quotes = list(quotes)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for stem, graph in network_set(quotes).items():
        written.extend(_write_graph(graph, out_dir, stem))
    path = out_dir / "statements.csv"
    with atomic_writer(
        path
    ) as handle:  # streamed: one row per statement, never the whole table in memory
        writer = csv.DictWriter(handle, fieldnames=list(STATEMENT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(statement_rows(quotes, dates=dates))
    written.append(path)
    return written
