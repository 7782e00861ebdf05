"""What ``report.html`` shows, read from a run folder in bounded passes (``load_report_data``).

The page counts the run's statements (``statements.jsonl``, the records the matrix counts; made
from ``quotes.jsonl`` by ``pipeline.statements`` when a run has none), streamed, never held
whole: one pass counts (cells, actors, targets, the time periods, the networks' statements), a
second keeps the top evidence of the shown cells in small heaps. ``quotes.jsonl`` is read for its
counts and, at the end, for the words of the evidence quotes and of the articles shown with their
text. Memory grows with the number of distinct quote keys (a key -> cell ids table that makes
quotes repeated under one key count once, as the matrix does) and of cells, not with the text.
Cells are counted by ``pipeline.matrix.CellCounts`` and actors grouped by ``NameGrouper``, as in
the matrix; the networks are drawn by ``pipeline.networks``' builders, so a heatmap row, a
network node and a ``matrix.csv`` row name one actor the same way.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import networkx as nx

from pipeline.jsonl import iter_jsonl, read_good_records
from pipeline.matrix import DUPLICATE_POLICIES, CellCounts, stance_weight
from pipeline.names import NameGrouper, same_actor_key
from pipeline.networks import ActorId, actor_graph_from_counts, two_mode_from_counts
from pipeline.periods import period_assigner, period_sort_key
from pipeline.records import STANCES, ArticleStatus, MatrixCell, Quote, RecordError, Statement
from pipeline.statements import FILE, at_level, quote_groups, quote_statements, unwindowed

_KIND_ORDER = {"organisation": 0, "person": 1}
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def anchor_ids(quotes) -> dict[str, str]:
    ids: dict[str, str] = {}
    used: set[str] = set()
    for quote in quotes:
        if quote.key in ids:
            continue
        base = "q-" + _ID_UNSAFE.sub("_", quote.article) + "-" + _ID_UNSAFE.sub("_", quote.id)
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        ids[quote.key] = anchor
    return ids


def article_anchor(article_id: str) -> str:
    return "article-" + _ID_UNSAFE.sub("_", article_id)


@dataclass(frozen=True)
class ReportLimits:
    """How much of a large run the page shows (see the module docstring)."""

    rows: int = 60  # heatmap rows and actor cards
    evidence: int = 20  # evidence quotes per cell
    texts: int = 200  # articles shown with their full text
    listed: int = 2000  # article list entries (articles cited by shown evidence always listed)
    network: int = 60  # actors in the network pictures
    names: int = 40  # actor names per target/stance (targets table) and per period cell
    problems: int = 200  # problems listed
    others: int = 300  # actors beyond the cards, listed by name


class _Rev:
    """Reverses the order of a sort key (heap entries: the worst evidence is the smallest)."""

    __slots__ = ("key",)

    def __init__(self, key) -> None:
        self.key = key

    def __lt__(self, other: "_Rev") -> bool:
        return other.key < self.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Rev) and other.key == self.key


@dataclass
class ReportData:
    """What the page needs, computed from the run folder in bounded passes."""

    name: str
    limits: ReportLimits
    manifest: dict[str, Any]
    problems: list[str]
    articles: list[ArticleStatus]
    quote_counts: dict[str, int]  # article -> quotes in quotes.jsonl
    n_quotes: int = 0
    n_stance: int = 0
    titles: dict[str, str] = field(default_factory=dict)
    targets: list[str] = field(default_factory=list)
    weighting: bool = False
    duplicates: str = "every"
    window: str | None = None
    cells: list[MatrixCell] = field(
        default_factory=list
    )  # every cell, build_matrix order; shown ones with evidence
    actor_quotes: dict[tuple[str, str], int] = field(
        default_factory=dict
    )  # (kind, display name) -> quotes
    target_quotes: dict[str, int] = field(default_factory=dict)
    person_orgs: dict[str, list[str]] = field(
        default_factory=dict
    )  # person display name -> organisations
    shown_rows: list[tuple[str, str]] = field(default_factory=list)  # (kind, display name), ranked
    n_rows: int = 0
    evidence_quotes: dict[str, Quote] = field(default_factory=dict)
    periods: dict[str, Any] | None = None
    two_mode: nx.Graph | None = None
    subtract: nx.Graph | None = None
    n_network_actors: int = 0
    included: list[str] = field(default_factory=list)  # articles shown with text, list order
    listed: list[str] = field(default_factory=list)  # articles in the list, list order
    article_quotes: dict[str, list[Quote]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    anchors: dict[str, str] = field(default_factory=dict)


def _scan(path: Path, keep=None) -> Iterator[Quote]:
    """The good quotes of a quotes.jsonl again (problems were reported by the first pass); with
    ``keep``, only lines whose JSON object it accepts (the others are not turned into records)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if keep is not None and (not isinstance(data, dict) or not keep(data)):
                    continue
                yield Quote.from_json(data)
            except (ValueError, TypeError, AttributeError):
                continue


class _Statements:
    """The run's statements, streamed anew for each pass: ``statements.jsonl``, or ``statements``
    when given, or, for a run without the file, made from ``quotes.jsonl`` as
    ``make_statements`` makes them (``problems``: its bad lines; ``period_error``: a window the
    periods cannot be laid out by)."""

    def __init__(
        self,
        run_dir: Path,
        *,
        given: Sequence[Statement] | None,
        window: str | None,
        dates: Mapping[str, str | None],
        articles_with_quotes: Sequence[str],
    ) -> None:
        self.given = given
        self.path = run_dir / FILE
        self.quotes_path = run_dir / "quotes.jsonl"
        self.dates = dates
        self.problems: list[str] = []
        self.period_error: str | None = None
        self._read = False
        self.assigner = None
        if given is None and not self.path.exists():
            try:
                self.assigner = period_assigner(
                    window, [_ArticleRef(a) for a in articles_with_quotes], dates
                )
            except ValueError as exc:
                self.period_error = str(exc)
                self.assigner = period_assigner(None, (), {})

    def __iter__(self) -> Iterator[Statement]:
        if self.given is not None:
            yield from self.given
        elif self.path.exists():
            first = not self._read
            self._read = True
            for _, item in iter_jsonl(self.path, Statement):
                if isinstance(item, RecordError):
                    if first:  # each bad line is reported once, not once per pass
                        self.problems.append(str(item))
                    continue
                yield item
        elif self.quotes_path.exists():
            for quote in _scan(self.quotes_path):
                yield from quote_statements(
                    quote, date=self.dates.get(quote.article), periods=self.assigner(quote)
                )


def load_report_data(
    run_dir: Path, limits: ReportLimits, *, statements: Sequence[Statement] | None = None
) -> ReportData:
    """What the page shows of the run in ``run_dir``; ``statements`` (default: the run's
    ``statements.jsonl``) are what its matrix, periods and networks count."""
    quote_problems: list[str] = []
    manifest_problems: list[str] = []
    key_problems: list[str] = []
    text_problems: list[str] = []
    manifest: dict[str, Any] = {}
    path = run_dir / "manifest.json"
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                manifest = loaded
            else:
                manifest_problems.append(f"{path}: not a JSON object; run metadata not shown")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            manifest_problems.append(f"{path}: not valid JSON ({exc}); run metadata not shown")
    else:
        manifest_problems.append(f"{path}: missing; run metadata not shown")
    weighting, duplicates, window = _options(manifest)

    # ---- quotes.jsonl: what is counted per quote and per article
    quote_counts: dict[str, int] = {}
    n_quotes = n_stance = 0
    keys_seen: set[str] = set()
    quotes_path = run_dir / "quotes.jsonl"
    if quotes_path.exists():
        for _, quote in iter_jsonl(quotes_path, Quote):
            if isinstance(quote, RecordError):
                quote_problems.append(str(quote))
                continue
            n_quotes += 1
            n_stance += bool(quote.stances)
            quote_counts[quote.article] = quote_counts.get(quote.article, 0) + 1
            if quote.key in keys_seen:
                key_problems.append(
                    f"quotes.jsonl: quote {quote.key} appears more than once; "
                    "links go to its first place"
                )
            keys_seen.add(quote.key)
        del keys_seen
    else:
        quote_problems.append(f"{quotes_path}: missing, so no quotes are shown")

    # ---- articles
    statuses, article_problems = read_good_records(
        run_dir / "articles.jsonl",
        ArticleStatus,
        if_missing="articles are listed from quotes.jsonl only",
    )
    unique: dict[str, ArticleStatus] = {}
    for article in statuses:
        if article.id in unique:
            key_problems.append(
                f"articles.jsonl: article {article.id!r} listed more than once; the first line is shown"
            )
        else:
            unique[article.id] = article
    del statuses
    for article_id in quote_counts:  # articles that have quotes but no status line
        if article_id not in unique:
            unique[article_id] = ArticleStatus(id=article_id, status="ok")
    articles = list(unique.values())
    source = _Statements(
        run_dir,
        given=statements,
        window=window,
        dates={a.id: a.date for a in articles},
        articles_with_quotes=list(quote_counts),
    )

    # ---- pass 1 over the statements: counts
    names = NameGrouper()
    cell_index: dict[tuple[str, str, str], int] = {}
    tallies: list[CellCounts] = []
    n_cell_quotes: list[int] = []
    cell_keys: list[tuple[str, str, str]] = []
    seen: dict[str, tuple[int, ...]] = {}  # quote key -> cells it is evidence of
    repeated: set[str] = set()
    actor_quotes: Counter = Counter()  # (kind, key)
    target_quotes: Counter = Counter()
    person_orgs: dict[str, set[str]] = defaultdict(set)  # person key -> organisation keys
    period_tallies: dict[tuple[str, str, str], CellCounts] = {}  # (period, org key, target)
    net_counts: dict[tuple[ActorId, str], dict[str, int]] = {}
    for group in quote_groups(source):
        for statement in group:  # every statement's spelling counts, as in the matrix
            key = names.add(statement.actor_kind, statement.actor)
            if statement.period is not None and statement.actor_kind == "organisation":
                tally = period_tallies.get((statement.period, key, statement.target))
                if tally is None:
                    tally = period_tallies[(statement.period, key, statement.target)] = CellCounts(
                        duplicates=duplicates, keep_evidence=False
                    )
                tally.add(statement, _weight(statement, weighting))
        once = unwindowed(group)  # the overall matrix and the networks count a quote once
        quote_key = once[0].quote
        touched: list[int] = []
        actor_keys: dict[str, str] = {}  # kind -> key
        for statement in once:
            kind = statement.actor_kind
            actor_keys[kind] = same_actor_key(statement.actor)
            cell = (kind, actor_keys[kind], statement.target)
            ident = cell_index.get(cell)
            if ident is None:
                ident = cell_index[cell] = len(tallies)
                tallies.append(CellCounts(duplicates=duplicates, keep_evidence=False))
                cell_keys.append(cell)
                n_cell_quotes.append(0)
            tallies[ident].add(statement, _weight(statement, weighting))
            if ident not in touched:
                touched.append(ident)
        if "person" in actor_keys and "organisation" in actor_keys:
            person_orgs[actor_keys["person"]].add(actor_keys["organisation"])
        previous = seen.get(quote_key)
        if previous is not None:
            repeated.add(quote_key)
        old = previous or ()
        new = [i for i in touched if i not in old]
        for ident in new:
            n_cell_quotes[ident] += 1
        old_actors = {cell_keys[i][:2] for i in old}
        for actor in dict.fromkeys(cell_keys[i][:2] for i in new):
            if actor not in old_actors:
                actor_quotes[actor] += 1
        old_targets = {cell_keys[i][2] for i in old}
        for target in dict.fromkeys(cell_keys[i][2] for i in new):
            if target not in old_targets:
                target_quotes[target] += 1
        seen[quote_key] = old + tuple(new) if new or previous is None else old
        for statement in at_level(once, "organisation"):  # pipeline.networks' rules
            actor = (statement.actor_kind, same_actor_key(statement.actor))
            counts = net_counts.get((actor, statement.target))
            if counts is None:
                counts = net_counts[(actor, statement.target)] = {st: 0 for st in STANCES}
            counts[statement.stance] += 1

    try:
        from pipeline.domain import load_domain

        config = manifest.get("config") if isinstance(manifest.get("config"), dict) else {}
        loaded_targets = load_domain(config.get("domain")).targets
        titles = {t.id: t.title for t in loaded_targets}
        order = {t.id: i for i, t in enumerate(loaded_targets)}
    except Exception:  # the report must not fail for want of the target list
        titles, order = {}, {}

    run = ReportData(
        name=run_dir.resolve().name,
        limits=limits,
        manifest=manifest,
        problems=[],
        articles=articles,
        quote_counts=quote_counts,
        n_quotes=n_quotes,
        n_stance=n_stance,
        titles=titles,
        weighting=weighting,
        duplicates=duplicates,
        window=window,
    )

    # ---- the matrix (all cells, the matrix's order) and the rows shown
    displays = {(kind, name): names.display(kind, name) for kind, name, _ in cell_keys}
    cells = [
        tallies[i].to_record(
            actor=displays[k[:2]], kind=k[0], target=k[2], evidence=(), n_quotes=n_cell_quotes[i]
        )
        for i, k in enumerate(cell_keys)
    ]
    ranked_cells = sorted(
        range(len(cells)),
        key=lambda i: (
            _KIND_ORDER[cells[i].actor_kind],
            cells[i].actor.casefold(),
            cells[i].target,
        ),
    )
    run.targets = sorted({c.target for c in cells}, key=lambda t: (order.get(t, len(order)), t))
    run.actor_quotes = {
        (kind, displays[(kind, name)]): n for (kind, name), n in actor_quotes.items()
    }
    run.target_quotes = dict(target_quotes)
    run.person_orgs = {
        displays[("person", name)]: sorted({names.display("organisation", o) for o in orgs})
        for name, orgs in person_orgs.items()
        if ("person", name) in displays
    }
    actors_all = list(dict.fromkeys((cells[i].actor_kind, cells[i].actor) for i in ranked_cells))
    position = {a: i for i, a in enumerate(actors_all)}
    run.n_rows = len(actors_all)
    run.shown_rows = sorted(actors_all, key=lambda a: (-run.actor_quotes.get(a, 0), position[a]))[
        : limits.rows
    ]
    shown = set(run.shown_rows)
    shown_keys = {k[:2] for k in cell_keys if (k[0], displays[k[:2]]) in shown}

    # ---- pass 2 over the statements: the top evidence of the shown cells
    heaps: dict[int, list] = defaultdict(list)
    if shown_keys:
        done: dict[str, set[int]] = {}
        sequence = 0
        for group in quote_groups(source):
            key = group[0].quote
            # a repeated key is evidence of a cell once, at its first place (as in the matrix)
            handled = done.setdefault(key, set()) if key in repeated else set()
            for statement in unwindowed(group):
                actor = (statement.actor_kind, same_actor_key(statement.actor))
                if actor not in shown_keys:
                    continue
                ident = cell_index[(*actor, statement.target)]
                if ident in handled:
                    continue
                handled.add(ident)
                sequence += 1
                rank = (statement.article, statement.start, statement.quote_id)
                entry = (stance_weight(statement.score), _Rev(rank), sequence, key)
                heap = heaps[ident]
                if len(heap) < limits.evidence:
                    heapq.heappush(heap, entry)
                elif heap[0] < entry:
                    heapq.heapreplace(heap, entry)
    evidence_keys: dict[str, str] = {}  # quote key -> article, in the order cells cite them
    citations: Counter = Counter()
    for ident, heap in heaps.items():
        chosen = sorted(heap, key=lambda e: e[1].key)
        keys = []
        for _, rev, _, quote_key in chosen:
            keys.append(quote_key)
            evidence_keys.setdefault(quote_key, rev.key[0])
            citations[rev.key[0]] += 1
        cells[ident] = replace(cells[ident], evidence=tuple(keys))
    run.cells = [cells[i] for i in ranked_cells]
    del heaps, tallies, cell_index, seen

    if window:
        run.periods = _period_table(period_tallies, names, source.period_error)

    # ---- the networks, from the statement counts
    net_labels = {actor: names.display(*actor) for actor, _ in net_counts}
    run.two_mode, run.subtract, run.n_network_actors = _networks(
        net_labels, net_counts, limits.network
    )

    # ---- articles with text, articles listed
    index = {a.id: i for i, a in enumerate(articles)}
    cited = sorted(citations, key=lambda a: (-citations[a], index.get(a, len(index))))
    chosen_articles = set(cited[: limits.texts])
    for article in articles:
        if len(chosen_articles) >= limits.texts:
            break
        chosen_articles.add(article.id)
    run.included = [a.id for a in articles if a.id in chosen_articles]
    if len(articles) <= limits.listed:
        run.listed = [a.id for a in articles]
    else:
        must = chosen_articles | set(citations)
        room = max(0, limits.listed - len(must))
        listed = []
        for article in articles:
            if article.id in must:
                listed.append(article.id)
            elif room > 0:
                listed.append(article.id)
                room -= 1
        run.listed = listed

    # ---- last pass over quotes.jsonl: the evidence quotes and the quotes of the articles shown
    # with their text (a repeated key is cited at its first place)
    article_quotes: dict[str, list[Quote]] = defaultdict(list)
    found: dict[str, Quote] = {}
    if quotes_path.exists() and (chosen_articles or evidence_keys):

        def keep(data: dict) -> bool:
            return (
                data.get("article") in chosen_articles
                or f"{data.get('article')}#{data.get('id')}" in evidence_keys
            )

        for quote in _scan(quotes_path, keep):
            if quote.article in chosen_articles:
                article_quotes[quote.article].append(quote)
            if quote.key in evidence_keys:
                found.setdefault(quote.key, quote)
    run.evidence_quotes = {k: found[k] for k in evidence_keys if k in found}
    run.anchors = anchor_ids(q for a in run.included for q in article_quotes.get(a, ()))
    for key, quote in run.evidence_quotes.items():
        if key not in run.anchors:
            run.anchors[key] = article_anchor(quote.article)
    run.article_quotes = {
        a: sorted(qs, key=lambda q: (q.start, q.end, q.id)) for a, qs in article_quotes.items()
    }

    for article in articles:
        text_path = run_dir / "texts" / f"{article.id}.txt"
        try:
            with open(
                text_path, encoding="utf-8", newline=""
            ) as handle:  # exactly as stored: offsets
                text = handle.read()
            if article.id in chosen_articles:
                run.texts[article.id] = text
        except (OSError, UnicodeDecodeError):
            if article.status == "ok":
                text_problems.append(
                    f"{text_path}: missing or unreadable; its quotes are listed without the text"
                )
    run.problems = (
        quote_problems
        + source.problems
        + article_problems
        + manifest_problems
        + key_problems
        + text_problems
    )
    return run


def _weight(statement: Statement, weighting: bool) -> float:
    return stance_weight(statement.score) if weighting else 1.0


@dataclass(frozen=True)
class _ArticleRef:
    """Stands for an article's quotes when the period windows are laid out (only ``article`` is read)."""

    article: str


def _period_table(
    tallies: Mapping[tuple[str, str, str], CellCounts], names: NameGrouper, error: str | None
) -> dict[str, Any]:
    if error is not None:
        return {"error": error}
    cells = [
        t.to_record(
            actor=names.display("organisation", org),
            kind="organisation",
            target=target,
            period=period,
            evidence=(),
            n_quotes=0,
        )
        for (period, org, target), t in tallies.items()
    ]
    cells.sort(key=lambda c: (period_sort_key(c.period), c.actor.casefold(), c.target))
    periods: list[str] = list(dict.fromkeys(c.period for c in cells))
    grid: dict[tuple[str, str], list[MatrixCell]] = defaultdict(list)
    for c in cells:
        grid[(c.target, c.period)].append(c)
    return {"periods": periods, "targets": sorted({c.target for c in cells}), "grid": grid}


def _networks(
    labels: Mapping[ActorId, str], counts: Mapping[tuple[ActorId, str], dict[str, int]], cap: int
):
    """``two_mode_graph`` and ``actor_graph(mode="subtract")`` (organisation level) from statement
    counts, for the ``cap`` actors with the most statements; and the number of actors in all."""
    totals: Counter = Counter()
    for (actor, _), c in counts.items():
        totals[actor] += sum(c.values())
    ranked = sorted(labels, key=lambda a: (-totals[a], labels[a].casefold(), labels[a], a[0]))
    kept = {a: labels[a] for a in ranked[:cap]}
    own = {k: c for k, c in counts.items() if k[0] in kept}
    two = two_mode_from_counts(kept, own, level="organisation")
    sub = actor_graph_from_counts(kept, own, mode="subtract", level="organisation")
    return two, sub, len(labels)


def _options(manifest: dict[str, Any]) -> tuple[bool, str, str | None]:
    config = manifest.get("config") if isinstance(manifest.get("config"), dict) else {}
    weighting = config.get("weighting") if isinstance(config.get("weighting"), bool) else False
    duplicates = (
        config.get("duplicates") if config.get("duplicates") in DUPLICATE_POLICIES else "every"
    )
    window = (
        config.get("window")
        if isinstance(config.get("window"), str) and config.get("window").strip()
        else None
    )
    return weighting, duplicates, window
