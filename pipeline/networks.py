"""Discourse networks from statements (``pipeline.statements``), after Discourse Network Analyzer
(DNA), and their exports.

A *statement* is one actor's stance toward one target in one quote (DNA: actor, concept,
agreement): the ``Statement`` records the matrix counts (``statements.jsonl``), each counted once
however many periods of a windowed run repeat it.

Actors are the matrix's rows: names grouped by ``pipeline.names.NameGrouper`` within an actor kind
("DfE" and "DFE" are one node), labelled with the row's spelling. ``level="organisation"``
(default) takes a quote's organisation statements, or its person statements when it names no
organisation; ``level="person"`` the reverse (``pipeline.statements.at_level``).

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
writer, no yEd or other dialect; node ids ``n0``, ``n1``... with the name in ``label``), GEXF 1.2
and a CSV edge list with Gephi's spreadsheet columns ``Source,Target,Type,Weight`` plus the edge
attributes; and ``statements.csv``, the DNA-style statement table (one row per quote and target
with a statement, the quote's words looked up by its key).
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import networkx as nx

from pipeline.jsonl import atomic_writer
from pipeline.matrix import majority
from pipeline.names import NameGrouper, same_actor_key
from pipeline.records import STANCES, Quote, Statement
from pipeline.statements import LEVELS, at_level, make_statements, quote_groups, unwindowed

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
    "person_label",
    "organisation_label",
)

ActorId = tuple[str, str]  # (actor kind, same_actor_key): one matrix row
Counts = Mapping[tuple[ActorId, str], Mapping[str, int]]  # (actor, target) -> stance -> count
Row = tuple[ActorId, str, str, str]  # (actor, target, stance, quote key)


# ------------------------------------------------------------------------------------ statements


def statements(quotes: Iterable[Quote], *, dates: Mapping[str, str | None] | None = None):
    """The DNA-style statement table of ``quotes``' statements (``make_statements``) as a pandas
    DataFrame: ``statement_rows``, one row per quote and target."""
    import pandas as pd

    quotes = list(quotes)
    rows = statement_rows(make_statements(quotes, dates=dates), quotes)
    frame = pd.DataFrame(list(rows), columns=list(STATEMENT_COLUMNS))
    frame["confidence"] = frame["confidence"].astype("float64")
    return frame


def statement_rows(statements: Iterable[Statement], quotes: Iterable[Quote] = ()) -> Iterator[dict]:
    """The statement table, one row at a time (``write_networks`` streams them to CSV): one row
    per quote and target. Columns: statement (``article#id:target``), article, quote (id), date,
    person, organisation (the names as written), target, agreement (support | oppose |
    neutral), text, start, end, kind, cue (from the quote of that key in ``quotes``, empty when
    it is not there), confidence (the stance score, empty when the stance has none), then
    person_label and organisation_label (the names' matrix rows and network nodes: spellings
    grouped as there)."""
    statements = list(statements)
    grouper = NameGrouper()
    for statement in statements:
        grouper.add(statement.actor_kind, statement.actor)
    by_key: dict[str, Quote] = {}
    for quote in quotes:
        by_key.setdefault(quote.key, quote)  # a repeated key is cited at its first place
    for group in quote_groups(statements):
        group = unwindowed(group)
        first = group[0]
        names = {s.actor_kind: s.actor for s in group}
        labels = {kind: grouper.display(kind, same_actor_key(name)) for kind, name in names.items()}
        quote = by_key.get(first.quote)
        for statement in group:
            if statement.actor_kind != first.actor_kind:
                continue  # one row per target: the quote's first actor lists each target once
            yield {
                "statement": f"{statement.quote}:{statement.target}",
                "article": statement.article,
                "quote": statement.quote_id,
                "date": statement.date or "",
                "person": names.get("person", ""),
                "organisation": names.get("organisation", ""),
                "person_label": labels.get("person", ""),
                "organisation_label": labels.get("organisation", ""),
                "target": statement.target,
                "agreement": statement.stance,
                "text": quote.text if quote else "",
                "start": statement.start,
                "end": quote.end if quote else "",
                "kind": quote.kind if quote else "",
                "cue": (quote.cue or "") if quote else "",
                "confidence": _confidence(statement.score),
            }


def _confidence(value) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def actor_rows(statements: Iterable[Statement], level: str) -> tuple[dict[ActorId, str], list[Row]]:
    """At ``level``: each actor's label (the spelling its matrix row shows) and a row per
    statement the network counts."""
    if level not in LEVELS:
        raise ValueError(f"level={level!r}: use one of {', '.join(LEVELS)}")
    statements = list(statements)
    names = NameGrouper()
    for statement in statements:  # every statement's spelling counts, as in the matrix
        names.add(statement.actor_kind, statement.actor)
    rows: list[Row] = []
    for group in quote_groups(statements):
        for st in at_level(unwindowed(group), level):
            rows.append(((st.actor_kind, same_actor_key(st.actor)), st.target, st.stance, st.quote))
    labels = {actor: names.display(*actor) for actor, *_ in rows}
    return labels, rows


def _actor_nodes(labels: Mapping[ActorId, str]) -> dict[ActorId, str]:
    """Node ids: ``actor:<label>``, with the kind added where a person and an organisation share
    a label (they are two matrix rows)."""
    seen = Counter(labels.values())
    return {
        actor: f"actor:{label}" if seen[label] == 1 else f"actor:{label} ({actor[0]})"
        for actor, label in labels.items()
    }


def _actor_order(labels: Mapping[ActorId, str]) -> list[ActorId]:
    return sorted(labels, key=lambda a: (labels[a].casefold(), labels[a], a[0]))


def _target_node(target: str) -> str:
    return f"target:{target}"


# -------------------------------------------------------------------------------------- networks


def two_mode_graph(statements: Iterable[Statement], *, level: str = "organisation") -> nx.Graph:
    """Actor x target network, signed by stance (see the module docstring for attributes)."""
    labels, rows = actor_rows(statements, level)
    return two_mode_from_counts(labels, statement_counts(rows), level=level)


def actor_graph(
    statements: Iterable[Statement], *, mode: str = "congruence", level: str = "organisation"
) -> nx.Graph:
    """Actor x actor network by DNA's congruence, conflict or subtract (see the module docstring)."""
    if mode not in ACTOR_MODES:
        raise ValueError(f"mode={mode!r}: use one of {', '.join(ACTOR_MODES)}")
    labels, rows = actor_rows(statements, level)
    return actor_graph_from_counts(labels, statement_counts(rows), mode=mode, level=level)


def statement_counts(rows: Iterable[Row]) -> dict[tuple[ActorId, str], dict[str, int]]:
    """The stance counts of every (actor, target) of ``actor_rows``' rows."""
    counts: dict[tuple[ActorId, str], dict[str, int]] = {}
    for actor, target, stance, _ in rows:
        cell = counts.get((actor, target))
        if cell is None:
            cell = counts[(actor, target)] = {s: 0 for s in STANCES}
        cell[stance] += 1
    return counts


def two_mode_from_counts(
    labels: Mapping[ActorId, str], counts: Counts, *, level: str = "organisation"
) -> nx.Graph:
    """``two_mode_graph`` from actor labels and ``statement_counts``: the report draws it from
    counts it streamed."""
    graph = nx.Graph(name=f"actor x target ({level})", mode="two-mode", level=level)
    nodes = _actor_nodes(labels)
    for actor in _actor_order(labels):
        graph.add_node(nodes[actor], label=labels[actor], type="actor", kind=actor[0], bipartite=0)
    for target in sorted({t for _, t in counts}):
        graph.add_node(
            _target_node(target), label=target, type="target", kind="target", bipartite=1
        )
    order = {actor: i for i, actor in enumerate(_actor_order(labels))}
    for actor, target in sorted(counts, key=lambda k: (order[k[0]], k[1])):
        c = counts[(actor, target)]
        net = c["support"] - c["oppose"]
        graph.add_edge(
            nodes[actor],
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
    labels: Mapping[ActorId, str],
    counts: Counts,
    *,
    mode: str = "congruence",
    level: str = "organisation",
) -> nx.Graph:
    """``actor_graph`` from actor labels and ``statement_counts``."""
    if mode not in ACTOR_MODES:
        raise ValueError(f"mode={mode!r}: use one of {', '.join(ACTOR_MODES)}")
    holds: dict[ActorId, set[tuple[str, str]]] = defaultdict(set)
    for (actor, target), c in counts.items():
        for stance in ("support", "oppose"):  # neutral is no lean: neither agreement nor conflict
            if c[stance]:
                holds[actor].add((target, stance))
    graph = nx.Graph(name=f"actor x actor {mode} ({level})", mode=mode, level=level)
    nodes = _actor_nodes(labels)
    actors = _actor_order(labels)
    for actor in actors:
        graph.add_node(nodes[actor], label=labels[actor], type="actor", kind=actor[0])
    opposite = {"support": "oppose", "oppose": "support"}
    for a, b in itertools.combinations(actors, 2):
        agree = sorted(holds[a] & holds[b])
        disagree = sorted((t, s) for t, s in holds[a] if (t, opposite[s]) in holds[b])
        congruence, conflict = len(agree), len(disagree)
        value = {"congruence": congruence, "conflict": conflict, "subtract": congruence - conflict}[
            mode
        ]
        if (mode != "subtract" and value == 0) or (congruence == 0 and conflict == 0):
            continue
        graph.add_edge(
            nodes[a],
            nodes[b],
            weight=value,
            congruence=congruence,
            conflict=conflict,
            agree_on=" ".join(f"{t}:{s}" for t, s in agree),
            disagree_on=" ".join(sorted({t for t, _ in disagree})),
        )
    return graph


def target_graph(
    statements: Iterable[Statement], *, by: str = "quote", level: str = "organisation"
) -> nx.Graph:
    """Target x target co-occurrence network (weight by quotes or by actors; both as attributes)."""
    if by not in ("quote", "actor"):
        raise ValueError(f"by={by!r}: use 'quote' or 'actor'")
    return target_graph_from_rows(actor_rows(statements, level)[1], by=by)


def target_graph_from_rows(rows: Iterable[Row], *, by: str = "quote") -> nx.Graph:
    """``target_graph`` from ``actor_rows``' rows."""
    if by not in ("quote", "actor"):
        raise ValueError(f"by={by!r}: use 'quote' or 'actor'")
    by_quote: dict[str, set[str]] = defaultdict(set)
    by_actor: dict[ActorId, set[str]] = defaultdict(set)
    for actor, target, _, quote_key in rows:
        by_quote[quote_key].add(target)
        by_actor[actor].add(target)
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


def network_set(statements: Sequence[Statement]) -> dict[str, nx.Graph]:
    """Every network ``write_networks`` writes, by file stem."""
    graphs: dict[str, nx.Graph] = {}
    rows_at: dict[str, list[Row]] = {}
    for level in LEVELS:
        labels, rows_at[level] = actor_rows(statements, level)
        counts = statement_counts(rows_at[level])
        graphs[f"two_mode_{level}"] = two_mode_from_counts(labels, counts, level=level)
        for mode in ACTOR_MODES:
            graphs[f"actors_{mode}_{level}"] = actor_graph_from_counts(
                labels, counts, mode=mode, level=level
            )
    graphs["targets_cooccurrence"] = target_graph_from_rows(rows_at["organisation"], by="quote")
    return graphs


def write_networks(
    quotes: Iterable[Quote],
    out_dir: str | Path,
    *,
    dates: Mapping[str, str | None] | None = None,
    statements: Iterable[Statement] | None = None,
) -> list[Path]:
    """Write all networks (GraphML, GEXF, CSV edge list each) and ``statements.csv`` into
    ``out_dir``; returns the paths written. Networks come at both actor levels (file names end in
    ``_organisation`` / ``_person``).

    ``statements``: the run's statements (``statements.jsonl``); without them they are made from
    ``quotes`` and ``dates``. ``quotes`` give the statement table the quotes' words."""
    quotes = list(quotes)
    statements = make_statements(quotes, dates=dates) if statements is None else list(statements)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for stem, graph in network_set(statements).items():
        written.extend(_write_graph(graph, out_dir, stem))
    path = out_dir / "statements.csv"
    with atomic_writer(path) as handle:  # streamed: one row at a time, never the whole table
        writer = csv.DictWriter(handle, fieldnames=list(STATEMENT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(statement_rows(statements, quotes))
    written.append(path)
    return written
