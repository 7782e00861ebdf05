"""``report.html``: one self-contained, offline page that shows a run's results.

Everything is inline (CSS, a little JavaScript, SVG); the page fetches nothing. It holds:

* an overview (articles, quotes, actors, targets; problems met while reading the run);
* a heatmap of actors x targets coloured by net stance ((support - oppose) / all statements;
  blue = support, red = oppose, grey = neutral, striped = mixed); hovering a cell lists its
  evidence quotes, clicking it shows them in a panel with links to their place in the article;
* per-actor and per-target summaries;
* network pictures (actor x target, signed; actor x actor, DNA subtract) as inline SVG drawn from a
  deterministic layout (networkx ``spring_layout`` with a fixed seed);
* article texts, with each quote span highlighted and anchored (``#q-<article>-<id>``);
  errored articles are listed with their error;
* the run's metadata and model card from ``manifest.json``.

The matrix shown is recomputed from ``quotes.jsonl`` over the whole run (no time window), with the
run's ``weighting`` and ``duplicates`` options when ``manifest.json``'s ``config`` names them; it
follows ``pipeline.matrix.build_matrix``'s rules exactly.

The page stays bounded whatever the size of the run (``ReportLimits``; a note says so wherever
something is left out, and points at the run's files that hold everything):

* the heatmap and the actor cards show the ``rows`` actors with the most quotes (all targets);
* each cell lists at most ``evidence`` quotes: the highest-confidence ones (the stance's score; a
  stance without a score counts 1), shown in article order; "and N more" says how many are left;
* full article texts only for ``texts`` articles (those cited by the shown evidence first, most
  cited first, then the others in list order); the other articles are listed by title (at most
  ``listed`` entries, always including every article the shown evidence cites), and evidence in an
  article without its text links to that article's list entry;
* the network pictures show the ``network`` actors with the most statements.

``quotes.jsonl`` is streamed, never held whole: one pass counts (cells, actors, targets, the
networks' statements), a second keeps the top evidence of the shown cells in small heaps (and
the time periods' counts), a third collects the quotes of the articles whose text is shown.
Memory grows with the number of distinct quote keys (a key -> cell ids table that makes quotes
repeated under one key count once, as ``build_matrix`` does) and of cells, not with the text.
"""

from __future__ import annotations

import heapq
import html
import json
import math
import re
from bisect import insort
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

import networkx as nx

from pipeline.jsonl import atomic_writer, iter_jsonl, read_good_records
from pipeline.matrix import DUPLICATE_POLICIES, CellCounts, stance_weight
from pipeline.names import NameGrouper, name_key
from pipeline.networks import actor_graph_from_counts, two_mode_from_counts
from pipeline.periods import period_assigner
from pipeline.records import STANCES, ArticleStatus, MatrixCell, Quote, RecordError
from pipeline.statements import at_level, quote_statements

LAYOUT_SEED = 7
_SUPPORT = (33, 102, 172)  # ColorBrewer RdBu ends
_OPPOSE = (178, 24, 43)
_NEUTRAL = (226, 226, 226)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_KIND_ORDER = {"organisation": 0, "person": 1}
_MORE_FILES = "quotes.jsonl / networks/statements.csv"


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


def write_report(run_dir: Path, *, out: Path | None = None) -> Path:
    """Write the run's ``report.html`` (default RUN/report.html) and return its path."""
    return _write_report(Path(run_dir), out=out, limits=ReportLimits())


def _write_report(run_dir: Path, *, out: Path | None, limits: ReportLimits) -> Path:
    data = _load_run(run_dir, limits)
    path = Path(out) if out is not None else run_dir / "report.html"
    with atomic_writer(path) as handle:
        for part in _render_parts(data):
            handle.write(part)
            handle.write("\n")
    return path


def render_report(data: "_Run") -> str:
    """The page for a loaded run (``_load_run``) as one string."""
    return "\n".join(_render_parts(data)) + "\n"


# ------------------------------------------------------------------------------------ reading


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
class _Run:
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


def _raw_actor_keys(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for kind, field_name in (("organisation", "organisation"), ("person", "speaker")):
        name = data.get(field_name)
        key = name_key(name) if isinstance(name, str) else None
        if key is not None:
            yield kind, key


def _load_run(run_dir: Path, limits: ReportLimits) -> _Run:
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

    # ---- pass 1: counts
    names = NameGrouper()
    cell_index: dict[tuple[str, str, str], int] = {}
    tallies: list[CellCounts] = []
    n_cell_quotes: list[int] = []
    cell_keys: list[tuple[str, str, str]] = []
    seen: dict[str, tuple[int, ...]] = {}  # quote key -> cells it is evidence of
    repeated: set[str] = set()
    actor_quotes: Counter = Counter()  # (kind, key)
    target_quotes: Counter = Counter()
    person_orgs: dict[str, set[str]] = defaultdict(set)
    net_kinds: dict[str, str] = {}
    net_counts: dict[tuple[str, str], dict[str, int]] = {}
    quote_counts: dict[str, int] = {}
    n_quotes = n_stance = 0
    quotes_path = run_dir / "quotes.jsonl"
    if quotes_path.exists():
        for _, quote in iter_jsonl(quotes_path, Quote):
            if isinstance(quote, RecordError):
                quote_problems.append(str(quote))
                continue
            n_quotes += 1
            n_stance += bool(quote.stances)
            quote_counts[quote.article] = quote_counts.get(quote.article, 0) + 1
            key = quote.key
            previous = seen.get(key)
            if previous is not None:
                key_problems.append(
                    f"quotes.jsonl: quote {key} appears more than once; links go to its first place"
                )
                repeated.add(key)
            statements = quote_statements(quote)
            touched: list[int] = []
            actor_keys: dict[str, str] = {}  # kind -> key
            for statement in statements:
                kind = statement.actor_kind
                actor_keys[kind] = names.add(
                    kind, statement.actor
                )  # each statement's spelling counts, as in the matrix
                ident = cell_index.get((kind, actor_keys[kind], statement.target))
                if ident is None:
                    ident = cell_index[(kind, actor_keys[kind], statement.target)] = len(tallies)
                    tallies.append(CellCounts(duplicates=duplicates, keep_evidence=False))
                    cell_keys.append((kind, actor_keys[kind], statement.target))
                    n_cell_quotes.append(0)
                tallies[ident].add(statement, stance_weight(statement.score) if weighting else 1.0)
                if ident not in touched:
                    touched.append(ident)
            if "person" in actor_keys and quote.organisation:
                person_orgs[actor_keys["person"]].add(quote.organisation)
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
            seen[key] = old + tuple(new) if new or previous is None else old
            # the network (organisation level, every statement; pipeline.networks' rules)
            for statement in at_level(statements, "organisation"):
                net_kinds.setdefault(statement.actor, statement.actor_kind)
                counts = net_counts.get((statement.actor, statement.target))
                if counts is None:
                    counts = net_counts[(statement.actor, statement.target)] = {
                        st: 0 for st in STANCES
                    }
                counts[statement.stance] += 1
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

    try:
        from pipeline.domain import load_domain

        config = manifest.get("config") if isinstance(manifest.get("config"), dict) else {}
        loaded_targets = load_domain(config.get("domain")).targets
        titles = {t.id: t.title for t in loaded_targets}
        order = {t.id: i for i, t in enumerate(loaded_targets)}
    except Exception:  # the report must not fail for want of the target list
        titles, order = {}, {}

    run = _Run(
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

    # ---- the matrix (all cells, build_matrix's order) and the rows shown
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
        displays[("person", name)]: sorted(orgs)
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

    # ---- pass 2: top evidence of the shown cells; the periods' counts
    heaps: dict[int, list] = defaultdict(list)
    assigner = None
    period_error = None
    period_tallies: dict[tuple[str | None, str, str], CellCounts] = {}
    if window:
        try:
            articles_with_quotes = [_ArticleRef(a) for a in quote_counts]
            assigner = period_assigner(
                window, articles_with_quotes, {a.id: a.date for a in articles}
            )
        except ValueError as exc:
            period_error = str(exc)
    if quotes_path.exists() and (shown_keys or assigner is not None):
        done: dict[str, set[int]] = {}
        sequence = 0
        every_organisation = assigner is not None  # the periods need every organisation's quotes

        def keep(data: dict) -> bool:  # otherwise only the quotes of the shown actors are needed
            return any(
                (every_organisation and a[0] == "organisation") or a in shown_keys
                for a in _raw_actor_keys(data)
            )

        for quote in _scan(quotes_path, keep):
            statements = quote_statements(quote)
            if not statements:
                continue
            actors = list(dict.fromkeys((st.actor_kind, name_key(st.actor)) for st in statements))
            if assigner is not None:
                periods = assigner(quote)
                for statement in statements:
                    if statement.actor_kind != "organisation":
                        continue
                    org = name_key(statement.actor)
                    for period in periods:
                        tally = period_tallies.get((period, org, statement.target))
                        if tally is None:
                            tally = period_tallies[(period, org, statement.target)] = CellCounts(
                                duplicates=duplicates, keep_evidence=False
                            )
                        tally.add(statement, stance_weight(statement.score) if weighting else 1.0)
            wanted = [a for a in actors if a in shown_keys]
            if not wanted:
                continue
            scores: dict[str, float] = {}
            for statement in statements:
                scores[statement.target] = max(
                    scores.get(statement.target, -1.0), stance_weight(statement.score)
                )
            handled = done.setdefault(quote.key, set()) if quote.key in repeated else None
            rank = (quote.article, quote.start, quote.id)
            for kind, name in wanted:
                for target, score in scores.items():
                    ident = cell_index[(kind, name, target)]
                    if handled is not None:
                        if ident in handled:
                            continue
                        handled.add(ident)
                    sequence += 1
                    entry = (score, _Rev(rank), sequence, quote)
                    heap = heaps[ident]
                    if len(heap) < limits.evidence:
                        heapq.heappush(heap, entry)
                    elif heap[0] < entry:
                        heapq.heapreplace(heap, entry)
    evidence_quotes: dict[str, Quote] = {}
    citations: Counter = Counter()
    for ident, heap in heaps.items():
        chosen = sorted(heap, key=lambda e: e[1].key)
        keys = []
        for *_, quote in chosen:
            keys.append(quote.key)
            evidence_quotes.setdefault(quote.key, quote)
            citations[quote.article] += 1
        cells[ident] = replace(cells[ident], evidence=tuple(keys))
    run.cells = [cells[i] for i in ranked_cells]
    run.evidence_quotes = evidence_quotes
    del heaps, tallies, cell_index, seen

    if window:
        run.periods = _period_table(period_tallies, assigner, names, period_error)

    # ---- the networks, from the statement counts
    run.two_mode, run.subtract, run.n_network_actors = _networks(
        net_kinds, net_counts, limits.network
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

    # ---- pass 3: the quotes of the articles shown with their text
    article_quotes: dict[str, list[Quote]] = defaultdict(list)
    if quotes_path.exists() and chosen_articles:
        for quote in _scan(quotes_path, lambda data: data.get("article") in chosen_articles):
            article_quotes[quote.article].append(quote)
    run.anchors = _anchor_ids(q for a in run.included for q in article_quotes.get(a, ()))
    for key, quote in evidence_quotes.items():
        if key not in run.anchors:
            run.anchors[key] = _article_anchor(quote.article)
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
        quote_problems + article_problems + manifest_problems + key_problems + text_problems
    )
    return run


@dataclass(frozen=True)
class _ArticleRef:
    """Stands for an article's quotes when the period windows are laid out (only ``article`` is read)."""

    article: str


def _period_table(tallies, assigner, names: NameGrouper, error: str | None) -> dict[str, Any]:
    if error is not None:
        return {"error": error}
    order = {p: i for i, p in enumerate(assigner.order)}
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
    cells.sort(key=lambda c: (order.get(c.period, len(order)), c.actor.casefold(), c.target))
    periods: list[str] = list(dict.fromkeys(c.period for c in cells))
    grid: dict[tuple[str, str], list[MatrixCell]] = defaultdict(list)
    for c in cells:
        grid[(c.target, c.period)].append(c)
    return {"periods": periods, "targets": sorted({c.target for c in cells}), "grid": grid}


def _networks(kinds: dict[str, str], counts: dict[tuple[str, str], dict[str, int]], cap: int):
    """``two_mode_graph`` and ``actor_graph(mode="subtract")`` (organisation level) from statement
    counts, for the ``cap`` actors with the most statements; and the number of actors in all."""
    totals: Counter = Counter()
    for (name, _), c in counts.items():
        totals[name] += sum(c.values())
    keep = set(sorted(kinds, key=lambda n: (-totals[n], n.casefold(), n))[:cap])
    kept = {n: k for n, k in kinds.items() if n in keep}
    own = {k: c for k, c in counts.items() if k[0] in keep}
    two = two_mode_from_counts(kept, own, level="organisation")
    sub = actor_graph_from_counts(kept, own, mode="subtract", level="organisation")
    return two, sub, len(kinds)


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


# ---------------------------------------------------------------------------------- rendering


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _anchor_ids(quotes) -> dict[str, str]:
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


def _article_anchor(article_id: str) -> str:
    return "article-" + _ID_UNSAFE.sub("_", article_id)


def _stance_class(quote: Quote) -> str:
    labels = {s.stance for s in quote.stances}
    if not labels:
        return "none"
    return labels.pop() if len(labels) == 1 else "mixed"


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def net_stance(cell: MatrixCell) -> float:
    total = float(cell.support) + float(cell.oppose) + float(cell.neutral)
    return 0.0 if total <= 0 else (float(cell.support) - float(cell.oppose)) / total


def cell_colour(cell: MatrixCell) -> str:
    """The heatmap colour of a cell: grey at net 0, toward blue (support) or red (oppose)."""
    net = net_stance(cell)
    end = _SUPPORT if net > 0 else _OPPOSE
    r, g, b = _mix(_NEUTRAL, end, min(1.0, abs(net)))
    return f"#{r:02x}{g:02x}{b:02x}"


def _quote_label(quote: Quote) -> str:
    who = quote.speaker or ""
    if quote.organisation:
        who = f"{who} ({quote.organisation})" if who else quote.organisation
    return who or "unattributed"


def _render_parts(run: _Run) -> Iterator[str]:
    manifest = run.manifest
    limits = run.limits
    cells = run.cells
    n_ok = sum(1 for a in run.articles if a.status == "ok")
    n_err = len(run.articles) - n_ok
    yield from [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>stancemap report: {_e(run.name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>stancemap report</h1>",
        f'<p class="sub">Run <code>{_e(run.name)}</code>'
        + (f" ({_e(manifest['created'])})" if isinstance(manifest.get("created"), str) else "")
        + ": who said what about which proposal, and were they for or against it.</p>",
        '<nav><a href="#overview">Overview</a><a href="#matrix">Matrix</a><a href="#actors">Actors</a>'
        '<a href="#targets">Targets</a>'
        + ('<a href="#periods">Over time</a>' if run.window else "")
        + '<a href="#network">Network</a><a href="#articles">Articles</a>'
        '<a href="#run">Run &amp; model</a></nav></header><main>',
        '<section id="overview"><h2>Overview</h2><div class="stats">',
        _stat(len(run.articles), "articles"),
        _stat(n_ok, "read"),
        _stat(n_err, "errored"),
        _stat(run.n_quotes, "quotes"),
        _stat(run.n_stance, "quotes with a stance"),
        _stat(len({c.actor for c in cells if c.actor_kind == "organisation"}), "organisations"),
        _stat(len({c.actor for c in cells if c.actor_kind == "person"}), "people"),
        _stat(len(run.targets), "targets addressed"),
        "</div>",
        f'<p class="note">Matrix options: duplicates <code>{_e(run.duplicates)}</code>, confidence weighting '
        f"<code>{'on' if run.weighting else 'off'}</code>. Majority stance per cell; a tie is <em>mixed</em>.</p>",
    ]
    if run.problems:
        shown = run.problems[: limits.problems]
        yield (
            '<details class="problems"><summary>'
            + _e(len(run.problems))
            + " problem(s) reading this run</summary><ul>"
        )
        yield from (f"<li>{_e(p)}</li>" for p in shown)
        if len(run.problems) > len(shown):
            yield f"<li><em>and {len(run.problems) - len(shown)} more (not listed here)</em></li>"
        yield "</ul></details>"
    yield "</section>"
    yield _render_matrix(run)
    yield _render_actors(run)
    yield _render_targets(run)
    if run.window:
        yield _render_periods(run)
    yield _render_networks(run)
    yield _render_articles(run)
    yield _render_manifest(manifest)
    quote_data = {
        q.key: {
            "a": run.anchors[q.key],
            "who": _quote_label(q),
            "text": q.text,
            "article": q.article,
            "stances": [
                [s.target, s.stance] + ([round(v, 3)] if (v := _score(s.score)) is not None else [])
                for s in q.stances
            ],
        }
        for q in run.evidence_quotes.values()
    }
    blob = (
        json.dumps(quote_data, ensure_ascii=False, sort_keys=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    yield f'</main><script type="application/json" id="quote-data">{blob}</script>'
    yield f"<script>{_JS}</script></body></html>"


def _score(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _stat(value: Any, label: str) -> str:
    return f'<div class="stat"><b>{_e(value)}</b><span>{_e(label)}</span></div>'


def _fmt(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.2f}"


def _more(n: int) -> str:
    return f' <small class="more">and {n} more: see {_MORE_FILES}</small>' if n > 0 else ""


def _render_matrix(run: _Run) -> str:
    cells, targets, titles, limits = run.cells, run.targets, run.titles, run.limits
    out = ['<section id="matrix"><h2>Stance matrix</h2>']
    if not cells:
        out.append(
            '<p class="empty">No quote in this run takes a stance toward a target, so the matrix is empty.</p></section>'
        )
        return "".join(out)
    out.append(
        '<p class="legend"><span class="sw" style="background:#2166ac"></span>support '
        '<span class="sw" style="background:#e2e2e2"></span>neutral '
        '<span class="sw" style="background:#b2182b"></span>oppose '
        '<span class="sw mixed" style="background:#e2e2e2"></span>mixed (tie). '
        "Colour: net stance (support &minus; oppose) / statements. Number: quotes. "
        "Hover a cell for its evidence; click it to list the quotes with links into the articles.</p>"
    )
    shown = set(run.shown_rows)
    grid: dict[tuple[str, str], dict[str, MatrixCell]] = defaultdict(dict)
    for c in cells:
        if (c.actor_kind, c.actor) in shown:
            grid[(c.actor_kind, c.actor)][c.target] = c
    capped_evidence = any(
        c.n_quotes > len(c.evidence) for row in grid.values() for c in row.values()
    )
    notes = []
    if run.n_rows > len(shown):
        notes.append(
            f"Showing the {len(shown)} actors with the most quotes, of {run.n_rows}; every actor's row is in "
            "<code>matrix.csv</code> (and listed under Actors below)."
        )
    if capped_evidence:
        notes.append(
            f"A cell lists at most {limits.evidence} evidence quotes (the highest-confidence ones, in article order); "
            f"the rest are in <code>quotes.jsonl</code> and <code>networks/statements.csv</code>."
        )
    if notes:
        out.append('<p class="note cap">' + " ".join(notes) + "</p>")
    out.append(
        '<div class="matrix-layout"><div class="matrix-wrap"><table class="heatmap"><thead><tr><th class="corner">actor \\ target</th>'
    )
    for t in targets:
        out.append(f'<th class="col" title="{_e(titles.get(t, t))}"><span>{_e(t)}</span></th>')
    out.append("</tr></thead><tbody>")
    for kind, heading in (("organisation", "Organisations"), ("person", "People")):
        rows = [key for key in grid if key[0] == kind]
        if not rows:
            continue
        out.append(f'<tr class="group"><th colspan="{len(targets) + 1}">{heading}</th></tr>')
        for key in rows:  # already in build_matrix order
            out.append(f'<tr><th class="row" scope="row">{_e(key[1])}</th>')
            for t in targets:
                c = grid[key].get(t)
                if c is None:
                    out.append('<td class="blank"></td>')
                    continue
                lines = [
                    f"{c.actor} on {t}: {c.stance} (support {_fmt(c.support)}, oppose {_fmt(c.oppose)}, neutral {_fmt(c.neutral)})"
                ]
                for k in c.evidence[:8]:
                    q = run.evidence_quotes.get(k)
                    if q is not None:
                        text = q.text if len(q.text) <= 160 else q.text[:157] + "..."
                        lines.append(f"[{k}] {text}")
                if c.n_quotes > 8:
                    lines.append(f"... and {c.n_quotes - 8} more (click)")
                net = net_stance(c)
                dark = abs(net) > 0.55
                cls = "cell" + (" mixed" if c.stance == "mixed" else "") + (" dark" if dark else "")
                more = c.n_quotes - len(c.evidence)
                out.append(
                    f'<td class="{cls}" style="background-color:{cell_colour(c)}" tabindex="0" '
                    f'data-actor="{_e(c.actor)}" data-kind="{_e(c.actor_kind)}" data-target="{_e(t)}" '
                    f'data-stance="{_e(c.stance)}" data-evidence="{_e(" ".join(c.evidence))}" '
                    + (f'data-more="{more}" ' if more > 0 else "")
                    + f'title="{_e(chr(10).join(lines))}">{c.n_quotes}</td>'
                )
            out.append("</tr>")
    out.append("</tbody></table></div>")
    out.append(
        '<div id="evidence" class="evidence" aria-live="polite"><p class="hint">Click a cell to see its evidence here.</p></div></div>'
    )
    out.append("</section>")
    return "".join(out)


def _evidence_links(keys, anchors) -> str:
    return " ".join(f'<a href="#{_e(anchors[k])}">{_e(k)}</a>' for k in keys if k in anchors)


def _render_actors(run: _Run) -> str:
    cells, titles, limits = run.cells, run.titles, run.limits
    out = ['<section id="actors"><h2>Actors</h2>']
    if not cells:
        out.append('<p class="empty">No actors with stances.</p></section>')
        return "".join(out)
    shown = set(run.shown_rows)
    actors: dict[tuple[str, str], list[MatrixCell]] = defaultdict(list)
    for c in cells:
        actors[(c.actor_kind, c.actor)].append(c)
    if len(actors) > len(shown):
        out.append(
            f'<p class="note cap">Cards for the {len(shown)} actors with the most quotes; the other '
            f"{len(actors) - len(shown)} are listed after them (every row is in <code>matrix.csv</code>).</p>"
        )
    out.append('<div class="cards">')
    for (kind, name), own in actors.items():
        if (kind, name) not in shown:
            continue
        orgs = run.person_orgs.get(name, []) if kind == "person" else []
        out.append(f'<div class="card"><h3>{_e(name)} <small>{_e(kind)}</small></h3>')
        if orgs:
            listed = ", ".join(orgs[: limits.names]) + (
                f" and {len(orgs) - limits.names} more" if len(orgs) > limits.names else ""
            )
            out.append(f'<p class="meta">{_e(listed)}</p>')
        out.append(
            f'<p class="meta">{run.actor_quotes.get((kind, name), 0)} quote(s), {len(own)} target(s)</p><ul class="stances">'
        )
        for c in sorted(
            own, key=lambda c: ("support", "oppose", "mixed", "neutral").index(c.stance)
        ):
            out.append(
                f'<li><span class="badge b-{_e(c.stance)}">{_e(c.stance)}</span> '
                f'<span title="{_e(titles.get(c.target, c.target))}">{_e(c.target)}</span> '
                f'<span class="ev">{_evidence_links(c.evidence, run.anchors)}{_more(c.n_quotes - len(c.evidence))}</span></li>'
            )
        out.append("</ul></div>")
    out.append("</div>")
    others = sorted(
        (a for a in actors if a not in shown), key=lambda a: -run.actor_quotes.get(a, 0)
    )  # stable: matrix order on ties
    if others:
        out.append('<ul class="others">')
        for kind, name in others[: limits.others]:
            own = actors[(kind, name)]
            out.append(
                f'<li><span class="{"org" if kind == "organisation" else "person"}">{_e(name)}</span> '
                f"<small>{_e(kind)}: {run.actor_quotes.get((kind, name), 0)} quote(s), {len(own)} target(s)</small></li>"
            )
        if len(others) > limits.others:
            out.append(
                f"<li><em>and {len(others) - limits.others} more: see <code>matrix.csv</code></em></li>"
            )
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def _top_names(cells: list[MatrixCell], run: _Run) -> tuple[list[MatrixCell], int]:
    """At most ``limits.names`` cells (the actors with the most quotes), kept in their order."""
    cap = run.limits.names
    if len(cells) <= cap:
        return cells, 0
    keep = set(
        sorted(
            range(len(cells)),
            key=lambda i: -run.actor_quotes.get((cells[i].actor_kind, cells[i].actor), 0),
        )[:cap]
    )
    return [c for i, c in enumerate(cells) if i in keep], len(cells) - cap


def _render_periods(run: _Run) -> str:
    """Targets x periods (the run's ``--window``), organisation level: statements summed over actors."""
    titles, window = run.titles, run.window
    out = [
        f'<section id="periods"><h2>Over time</h2><p class="note">Window <code>{_e(window)}</code> '
        "(from the run's options); article dates from articles.jsonl. Each cell sums the organisation rows "
        "of that period (a person without an organisation is not counted here); hover for who.</p>"
    ]
    table = run.periods or {}
    if "error" in table:
        out.append(f'<p class="error">{_e(table["error"])}</p></section>')
        return "".join(out)
    periods, grid = table.get("periods", []), table.get("grid", {})
    if not periods:
        out.append('<p class="empty">No organisation took a stance.</p></section>')
        return "".join(out)
    out.append(
        '<div class="matrix-wrap"><table class="heatmap periods"><thead><tr><th class="corner">target \\ period</th>'
    )
    out.extend(f'<th class="per">{_e(p)}</th>' for p in periods)
    out.append("</tr></thead><tbody>")
    for t in table["targets"]:
        out.append(f'<tr><th class="row" scope="row" title="{_e(titles.get(t, t))}">{_e(t)}</th>')
        for p in periods:
            own = grid.get((t, p), [])
            if not own:
                out.append('<td class="blank"></td>')
                continue
            total = MatrixCell(
                actor="all",
                actor_kind="organisation",
                target=t,
                support=sum(float(c.support) for c in own),
                oppose=sum(float(c.oppose) for c in own),
                neutral=sum(float(c.neutral) for c in own),
            )
            named, rest = _top_names(own, run)
            tip = (
                f"{t}, {p}: "
                + "; ".join(f"{c.actor}: {c.stance}" for c in named)
                + (f"; and {rest} more" if rest else "")
            )
            dark = " dark" if abs(net_stance(total)) > 0.55 else ""
            out.append(
                f'<td class="pcell{dark}" style="background-color:{cell_colour(total)}" title="{_e(tip)}">{len(own)}</td>'
            )
        out.append("</tr>")
    out.append(
        '</tbody></table></div><p class="note">Number: organisations with a stance in the period; colour: net stance of their statements.</p></section>'
    )
    return "".join(out)


def _render_targets(run: _Run) -> str:
    targets, titles = run.targets, run.titles
    out = ['<section id="targets"><h2>Targets</h2>']
    if not targets:
        out.append('<p class="empty">No target was addressed.</p></section>')
        return "".join(out)
    by_target: dict[str, list[MatrixCell]] = defaultdict(list)
    for c in run.cells:
        by_target[c.target].append(c)
    out.append(
        '<table class="summary"><thead><tr><th>target</th><th>quotes</th><th>support</th>'
        "<th>oppose</th><th>mixed</th><th>neutral</th></tr></thead><tbody>"
    )
    capped = False
    for t in targets:
        own = by_target[t]
        out.append(
            f"<tr><td><b>{_e(t)}</b><br><small>{_e(titles.get(t, ''))}</small></td><td>{run.target_quotes.get(t, 0)}</td>"
        )
        for stance in ("support", "oppose", "mixed", "neutral"):
            names, rest = _top_names([c for c in own if c.stance == stance], run)
            capped = capped or rest > 0
            listed = ", ".join(
                f'<span class="{"org" if c.actor_kind == "organisation" else "person"}">{_e(c.actor)}</span>'
                for c in names
            ) + (f" <small>and {rest} more</small>" if rest else "")
            out.append(f'<td class="t-{stance}">{listed}</td>')
        out.append("</tr>")
    note = "Organisations in bold, people in italics."
    if capped:
        note += f" At most {run.limits.names} actors per cell (those with the most quotes); all are in <code>matrix.csv</code>."
    out.append(f'</tbody></table><p class="note">{note}</p></section>')
    return "".join(out)


def _render_networks(run: _Run) -> str:
    titles = run.titles
    out = ['<section id="network"><h2>Networks</h2>']
    two = run.two_mode
    if two is None or two.number_of_edges() == 0:
        out.append('<p class="empty">No stances, so no network.</p></section>')
        return "".join(out)
    out.append(
        '<p class="note">Actor x target (organisation level; a person without an organisation stands for '
        "themself). Circles: actors; squares: targets. Lines: blue = net support, red = net oppose, "
        "grey = neutral or balanced; width = number of statements. Layout: networkx spring_layout, seed "
        f"{LAYOUT_SEED}. The full networks (GraphML, GEXF, CSV) are in <code>networks/</code>.</p>"
    )
    shown = sum(1 for _, d in two.nodes(data=True) if d.get("type") == "actor")
    if run.n_network_actors > shown:
        out.append(
            f'<p class="note cap">The pictures show the {shown} actors with the most statements, of '
            f"{run.n_network_actors}; the files in <code>networks/</code> hold them all.</p>"
        )
    out.append(network_svg(two, titles=titles))
    sub = run.subtract
    if sub is not None and sub.number_of_edges():
        out.append(
            '<h3>Actor agreement (DNA subtract)</h3><p class="note">Blue: the two actors share more stances '
            "than they contradict (congruence &minus; conflict &gt; 0); red: the reverse. Width: |weight|.</p>"
        )
        out.append(network_svg(sub, titles=titles))
    out.append("</section>")
    return "".join(out)


def packed_layout(graph: nx.Graph) -> tuple[dict[Any, tuple[float, float]], tuple[float, float]]:
    """Deterministic positions: each connected component laid out by ``spring_layout`` (fixed seed)
    in a square of side ~sqrt(size), the squares packed in rows, largest first. Returns the
    positions and the (width, height) of the packed area, in the same units."""
    components = sorted(
        (sorted(c, key=str) for c in nx.connected_components(graph)),
        key=lambda c: (-len(c), str(c[0])),
    )
    boxes = []
    for nodes in components:
        side = math.sqrt(len(nodes))
        if len(nodes) == 1:
            boxes.append((side, {nodes[0]: (0.5, 0.5)}))
            continue
        sub = nx.Graph()  # not graph.subgraph(): its node order follows a set, i.e. the hash seed
        sub.add_nodes_from(nodes)
        sub.add_edges_from((u, v, d) for u, v, d in graph.edges(nodes, data=True))
        pos = nx.spring_layout(
            sub,
            seed=LAYOUT_SEED,
            k=1.6 / math.sqrt(len(nodes)),
            weight="layout_weight",
            iterations=200,
        )
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        sx, sy = max(xs) - min(xs), max(ys) - min(ys)
        scale = max(sx, sy) or 1.0  # keep the aspect; centre the short side
        ox, oy = (1 - sx / scale) / 2, (1 - sy / scale) / 2
        boxes.append(
            (
                side,
                {
                    n: (ox + (pos[n][0] - min(xs)) / scale, oy + (pos[n][1] - min(ys)) / scale)
                    for n in nodes
                },
            )
        )
    gap = 0.35
    total = sum(side + gap for side, _ in boxes)
    row_width = boxes[0][0]
    while True:  # the narrowest rows that give a landscape picture (width >= 1.6 x height)
        out, size = _pack(boxes, row_width, gap)
        if size[0] >= 1.6 * size[1] or row_width >= total:
            return out, size
        row_width += 0.25


def _pack(
    boxes, row_width: float, gap: float
) -> tuple[dict[Any, tuple[float, float]], tuple[float, float]]:
    out: dict[Any, tuple[float, float]] = {}
    x = y = row_h = used_w = 0.0
    for side, pos in boxes:
        if x > 0 and x + side > row_width:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        for n, (px, py) in pos.items():
            out[n] = (x + px * side, y + py * side)
        used_w = max(used_w, x + side)
        x += side + gap
        row_h = max(row_h, side)
    return out, (used_w or 1.0, (y + row_h) or 1.0)


def network_svg(graph: nx.Graph, *, titles: dict[str, str] | None = None, width: int = 960) -> str:
    """An inline SVG picture of a graph from a seeded spring layout (same graph, same picture)."""
    titles = titles or {}
    if graph.number_of_nodes() == 0:
        return '<p class="empty">Empty network.</p>'
    nodes = sorted(graph.nodes)
    ordered = nx.Graph()
    ordered.add_nodes_from((n, graph.nodes[n]) for n in nodes)
    ordered.add_edges_from(
        sorted(
            ((u, v, d) for u, v, d in graph.edges(data=True)),
            key=lambda e: tuple(sorted((e[0], e[1]))),
        )
    )
    for _, _, d in ordered.edges(data=True):
        d["layout_weight"] = 1.0 + min(3.0, abs(float(d.get("weight", 1))))
    units, (total_w, total_h) = packed_layout(ordered)
    height = int(min(1100, max(260, width * total_h / total_w)))
    pad_x, pad_y = 110, 34

    def xy(node):
        x, y = units[node]
        return pad_x + x / total_w * (width - 2 * pad_x), pad_y + y / total_h * (height - 2 * pad_y)

    out = [
        f'<svg class="net" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{_e(graph.graph.get("name", "network"))}">'
    ]
    for u, v, d in ordered.edges(data=True):
        (x1, y1), (x2, y2) = xy(u), xy(v)
        sign = d.get("sign", (d.get("weight", 0) > 0) - (d.get("weight", 0) < 0))
        colour = "#2166ac" if sign > 0 else "#b2182b" if sign < 0 else "#9a9a9a"
        w = 1.0 + 1.2 * min(5.0, abs(float(d.get("weight", 1))))
        tip = ", ".join(
            f"{key} {val}" for key, val in d.items() if key != "layout_weight" and val != ""
        )
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{w:.1f}" stroke-opacity="0.75"><title>{_e(ordered.nodes[u].get("label", u))} &#8211; '
            f"{_e(ordered.nodes[v].get('label', v))}: {_e(tip)}</title></line>"
        )
    for n in nodes:
        x, y = xy(n)
        data = ordered.nodes[n]
        label = str(data.get("label", n))
        short = label if len(label) <= 28 else label[:26] + "..."
        tip = (
            titles.get(label, label)
            if data.get("type") == "target"
            else f"{label} ({data.get('kind', '')})"
        )
        r = 5 + min(7, ordered.degree(n))
        if data.get("type") == "target":
            shape = (
                f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" fill="#f2c14e" '
                f'stroke="#5a4500"><title>{_e(tip)}</title></rect>'
            )
        else:
            fill = "#6b8e6b" if data.get("kind") == "organisation" else "#b08ac0"
            shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}" stroke="#333"><title>{_e(tip)}</title></circle>'
        out.append(
            f'<g>{shape}<text x="{x:.1f}" y="{y - r - 3:.1f}" text-anchor="middle" class="nl">{_e(short)}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def _mark_text(text: str, quotes: list[Quote], anchors: dict[str, str]) -> tuple[str, list[Quote]]:
    """The article text as HTML with quote spans marked; returns it and the quotes that did not fit."""
    placed = [q for q in quotes if 0 <= q.start < q.end <= len(text)]
    unplaced = [q for q in quotes if not (0 <= q.start < q.end <= len(text))]
    bounds = sorted({0, len(text), *(q.start for q in placed), *(q.end for q in placed)})
    starts: dict[int, list[int]] = defaultdict(list)
    ends: dict[int, list[int]] = defaultdict(list)
    for i, q in enumerate(placed):
        starts[q.start].append(i)
        ends[q.end].append(i)
    out = []
    emitted: set[str] = set()
    active: list[int] = []  # indexes into placed of the quotes covering the current piece, in order
    for a, b in zip(bounds, bounds[1:]):
        for i in ends.get(a, ()):
            active.remove(i)
        for i in starts.get(a, ()):
            q = placed[i]
            insort(active, i)
            if q.key not in emitted:  # a repeated quote key gets one anchor
                emitted.add(q.key)
                out.append(f'<a class="qa" id="{_e(anchors[q.key])}"></a>')
        piece = _e(text[a:b])
        if not active:
            out.append(piece)
            continue
        covering = [placed[i] for i in active]
        first = covering[0]
        stances = (
            "; ".join(f"{s.target}: {s.stance}" for q in covering for s in q.stances) or "no target"
        )
        cls = f"q s-{_stance_class(first)}" + (" overlap" if len(covering) > 1 else "")
        ids = " ".join(anchors[q.key] for q in covering)
        out.append(
            f'<mark class="{cls}" data-q="{_e(ids)}" title="{_e(_quote_label(first) + " | " + stances)}">{piece}</mark>'
        )
    return "".join(out), unplaced


def _quote_list(quotes: list[Quote], anchors: dict[str, str], *, with_anchor: bool) -> str:
    out = ['<ol class="qlist">']
    for q in quotes:
        ident = f' id="{_e(anchors[q.key])}"' if with_anchor else ""
        stances = ", ".join(f"{s.target}: {s.stance}" for s in q.stances) or "no target"
        out.append(
            f'<li{ident}><mark class="q s-{_stance_class(q)}">{_e(q.text)}</mark> <small>&#8212; {_e(_quote_label(q))}; '
            f"{_e(stances)}; offsets {q.start}&#8211;{q.end}</small></li>"
        )
    out.append("</ol>")
    return "".join(out)


def _render_articles(run: _Run) -> str:
    return "".join(_article_parts(run))


def _article_parts(run: _Run) -> Iterator[str]:
    articles, anchors = run.articles, run.anchors
    out = ['<section id="articles"><h2>Articles</h2>']
    if not articles:
        out.append('<p class="empty">No articles in this run.</p></section>')
        yield "".join(out)
        return
    included = set(run.included)
    listed = set(run.listed)
    if len(included) < len(articles):
        out.append(
            f'<p class="note cap">The full text, with the quotes marked, is shown for {len(included)} of the '
            f"{len(articles)} articles (those cited by the evidence shown above first); the others are listed by "
            "title only (their quotes are in <code>quotes.jsonl</code>, their texts in <code>texts/</code>).</p>"
        )
    out.append('<ul class="toc">')
    for a in articles:
        if a.id not in listed:
            continue
        status = (
            ""
            if a.status == "ok"
            else f' <span class="badge b-error" title="{_e(a.error or "")}">{_e(a.status)}</span>'
        )
        count = run.quote_counts.get(a.id, 0)
        if a.id in included:
            out.append(
                f'<li><a href="#{_article_anchor(a.id)}">{_e(a.title or a.id)}</a>{status} '
                f"<small>{_e(a.date or 'undated')}, {count} quote(s)</small></li>"
            )
        else:
            out.append(
                f'<li id="{_article_anchor(a.id)}" class="notext">{_e(a.title or a.id)}{status} '
                f"<small>{_e(a.date or 'undated')}, {count} quote(s); text not shown</small></li>"
            )
    if len(listed) < len(articles):
        out.append(
            f"<li><em>and {len(articles) - len(listed)} more articles: see <code>articles.jsonl</code></em></li>"
        )
    out.append("</ul>")
    yield "".join(out)
    for a in articles:
        if a.id not in included:
            continue
        out = []
        own = run.article_quotes.get(a.id, [])
        meta = [a.id, a.date or "undated"]
        if a.publisher:
            meta.append(a.publisher)
        if a.url:
            meta.append(a.url)  # as text, never fetched
        meta.append(f"{len(own)} quote(s)")
        out.append(
            f'<article id="{_article_anchor(a.id)}" class="art"><h3>{_e(a.title or a.id)}</h3>'
            f'<p class="meta">{_e(" · ".join(meta))}</p>'
        )
        if a.status != "ok":
            out.append(
                f'<p class="error">This article was not processed ({_e(a.status)}): {_e(a.error or "no reason given")}</p>'
            )
        text = run.texts.get(a.id)
        if text is not None:
            body, unplaced = _mark_text(text, own, anchors)
            out.append(f'<div class="text">{body}</div>')
            if unplaced:
                out.append(
                    f'<p class="error">{len(unplaced)} quote(s) with offsets outside the text:</p>'
                )
                out.append(_quote_list(unplaced, anchors, with_anchor=True))
        elif own:
            out.append('<p class="note">The article text is not in the run folder; its quotes:</p>')
            out.append(_quote_list(own, anchors, with_anchor=True))
        out.append('<p class="top"><a href="#matrix">back to the matrix</a></p></article>')
        yield "".join(out)
    yield "</section>"


def _render_value(value: Any, depth: int = 0) -> str:
    if isinstance(value, dict):
        if not value:
            return "<em>empty</em>"
        if depth >= 3:
            return f"<pre>{_e(json.dumps(value, ensure_ascii=False, indent=1))}</pre>"
        rows = "".join(
            f"<tr><th>{_e(k)}</th><td>{_render_value(v, depth + 1)}</td></tr>"
            for k, v in value.items()
        )
        return f'<table class="kv">{rows}</table>'
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return _e(", ".join("null" if v is None else str(v) for v in value)) or "<em>none</em>"
        return f"<pre>{_e(json.dumps(value, ensure_ascii=False, indent=1))}</pre>"
    if value is None:
        return "<em>null</em>"
    if isinstance(value, float):
        return _e(f"{value:.4g}")
    return _e(value)


_RUN_KEYS = (
    "tool",
    "created",
    "corpus",
    "model_path",
    "model_hash",
    "device",
    "python",
    "cpu_count",
)
_SECTIONS = (
    ("versions", "Versions"),
    ("config", "Options"),
    ("counts", "Counts"),
    ("seconds", "Timings (seconds)"),
    ("timings", "Timings"),
)


def _render_manifest(manifest: dict[str, Any]) -> str:
    out = ['<section id="run"><h2>Run and model</h2>']
    if not manifest:
        out.append(
            '<p class="empty">No run metadata (manifest.json missing or unreadable).</p></section>'
        )
        return "".join(out)
    run = {k: manifest[k] for k in _RUN_KEYS if k in manifest}
    if run:
        out.append(f"<h3>Run</h3>{_render_value(run)}")
    model = manifest.get("model")
    out.append("<h3>Model card</h3>")
    out.append(
        _render_value(model)
        if isinstance(model, dict) and model
        else '<p class="empty">No model card in the manifest.</p>'
    )
    for key, heading in _SECTIONS:
        if key in manifest:
            out.append(f"<h3>{_e(heading)}</h3>{_render_value(manifest[key])}")
    shown = {"model", *_RUN_KEYS, *(k for k, _ in _SECTIONS)}
    rest = {k: v for k, v in manifest.items() if k not in shown}
    if rest:
        out.append(f"<h3>Other</h3>{_render_value(rest)}")
    out.append("</section>")
    return "".join(out)


_CSS = """
:root{--fg:#1d2329;--muted:#5b6670;--line:#d6dbe0;--bg:#fafbfc;--sup:#2166ac;--opp:#b2182b}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
header{background:#233040;color:#fff;padding:14px 24px 8px}
header h1{margin:0;font-size:22px}
header .sub{margin:2px 0 8px;color:#cdd6df}
header code{color:#fff}
nav a{color:#fff;margin-right:16px;text-decoration:none;font-weight:600;font-size:14px}
nav a:hover{text-decoration:underline}
main{padding:8px 24px 40px;max-width:1500px}
h2{border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:32px}
section{scroll-margin-top:10px}
.stats{display:flex;flex-wrap:wrap;gap:10px}
.stat{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:110px}
.stat b{display:block;font-size:22px}
.stat span{color:var(--muted);font-size:13px}
.note,.legend,.meta,.hint{color:var(--muted);font-size:13px}
.empty{color:var(--muted);font-style:italic}
.problems{background:#fff6e5;border:1px solid #f0c36d;padding:6px 10px;border-radius:6px;font-size:13px}
.sw{display:inline-block;width:14px;height:14px;vertical-align:middle;border:1px solid #999;margin:0 3px 0 8px}
.matrix-layout{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
.matrix-wrap{overflow:auto;max-height:80vh;max-width:100%;border:1px solid var(--line);background:#fff;flex:0 1 auto}
table.heatmap{border-collapse:collapse;font-size:13px}
.heatmap th.col{vertical-align:bottom;padding:6px 2px;background:#fff;position:sticky;top:0;z-index:1}
.heatmap th.col span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;display:inline-block}
.heatmap th.corner{position:sticky;top:0;left:0;z-index:2;background:#fff;text-align:left;vertical-align:bottom;color:var(--muted);font-weight:normal}
.heatmap th.row{text-align:right;padding:2px 8px;white-space:nowrap;font-weight:500;position:sticky;left:0;background:#fff;z-index:1;max-width:320px;overflow:hidden;text-overflow:ellipsis}
.heatmap tr.group th{text-align:left;background:#eef1f4;padding:4px 8px;font-size:12px;text-transform:uppercase;letter-spacing:.05em;position:sticky;left:0}
.heatmap td{width:30px;min-width:30px;height:26px;text-align:center;border:1px solid #fff}
.heatmap td.blank{background:#f6f7f8}
.heatmap td.cell{cursor:pointer;font-weight:600;color:#1d2329}
.heatmap td.cell.dark,.heatmap td.pcell.dark{color:#fff}
.heatmap th.per{font-size:11px;padding:4px;white-space:nowrap;position:sticky;top:0;background:#fff}
.heatmap td.pcell{font-weight:600;min-width:60px}
.heatmap td.cell:hover,.heatmap td.cell:focus,.heatmap td.cell.sel{outline:2px solid #000;outline-offset:-2px}
.mixed{background-image:repeating-linear-gradient(45deg,rgba(33,102,172,.55) 0 4px,rgba(178,24,43,.55) 4px 8px)!important}
.evidence{flex:1 1 360px;position:sticky;top:8px;max-height:80vh;overflow:auto;background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-height:48px}
.evidence h3{margin:0 0 6px;font-size:15px}
.evidence li{margin-bottom:6px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.card h3{margin:0;font-size:15px}
.card h3 small{color:var(--muted);font-weight:normal}
.card p{margin:2px 0}
ul.stances{padding-left:0;list-style:none;margin:6px 0 0;font-size:13px}
ul.stances li{margin:2px 0}
.ev a{font-size:11px;color:var(--muted);margin-left:3px}
.badge{display:inline-block;min-width:58px;text-align:center;border-radius:3px;padding:0 4px;font-size:11px;font-weight:700;color:#fff}
.b-support{background:var(--sup)}.b-oppose{background:var(--opp)}.b-neutral{background:#8a8a8a}
.b-mixed{background:#6d4c7d}.b-error{background:#c0392b}
table.summary{border-collapse:collapse;background:#fff;font-size:13px;width:100%}
table.summary th,table.summary td{border:1px solid var(--line);padding:4px 6px;vertical-align:top;text-align:left}
td.t-support{background:#eef4fb}td.t-oppose{background:#fbeeee}
.org{font-weight:600}.person{font-style:italic}
svg.net{background:#fff;border:1px solid var(--line);border-radius:6px;max-width:1100px;display:block}
svg.net .nl{font-size:11px;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:3px}
.toc{font-size:14px}
.art{background:#fff;border:1px solid var(--line);border-radius:6px;padding:4px 18px 8px;margin:16px 0}
.art .text{white-space:pre-wrap;font-family:Georgia,"DejaVu Serif",serif;font-size:15px;line-height:1.6;max-width:900px}
.error{color:#9b1c1c;background:#fdecec;padding:4px 8px;border-radius:4px}
mark.q{padding:1px 0;border-bottom:2px solid #999;background:#eeeeee}
mark.s-support{background:#dbe8f6;border-color:var(--sup)}
mark.s-oppose{background:#f7dcdc;border-color:var(--opp)}
mark.s-neutral{background:#ececec;border-color:#8a8a8a}
mark.s-mixed{background:#eadff0;border-color:#6d4c7d}
mark.s-none{background:#f6f1d9;border-color:#c9b458}
mark.overlap{border-bottom-style:double}
a.qa:target+mark,mark.hl,li:target>mark{outline:3px solid #f39c12;background:#ffe8a3}
.kv{border-collapse:collapse;font-size:13px;background:#fff}
.kv th,.kv td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
.kv th{background:#f2f4f6;font-weight:600;white-space:nowrap}
pre{white-space:pre-wrap;margin:0;font-size:12px}
.top{font-size:12px}
ul.others{columns:3 260px;font-size:13px}
.toc li.notext{color:var(--muted)}
.cap{background:#eef3f8;padding:3px 8px;border-radius:4px}
"""

_JS = """
(function(){
  var data = {};
  try { data = JSON.parse(document.getElementById('quote-data').textContent); } catch (e) {}
  var panel = document.getElementById('evidence');
  function el(tag, cls, text){ var n = document.createElement(tag); if (cls) n.className = cls; if (text != null) n.textContent = text; return n; }
  function show(cell){
    if (!panel) return;
    document.querySelectorAll('td.cell.sel').forEach(function(c){ c.classList.remove('sel'); });
    cell.classList.add('sel');
    panel.innerHTML = '';
    var target = cell.getAttribute('data-target');
    panel.appendChild(el('h3', null, cell.getAttribute('data-actor') + ' (' + cell.getAttribute('data-kind') + ') on ' + target + ': ' + cell.getAttribute('data-stance')));
    var list = el('ol');
    (cell.getAttribute('data-evidence') || '').split(' ').forEach(function(key){
      var q = data[key]; if (!q) return;
      var li = el('li');
      var own = q.stances.filter(function(s){ return s[0] === target; }).map(function(s){ return s[1] + (s.length > 2 ? ' (' + s[2] + ')' : ''); }).join(', ');
      li.appendChild(el('span', 'badge b-' + (own.split(' ')[0] || 'neutral'), own || '?'));
      li.appendChild(document.createTextNode(' \\u201c' + q.text + '\\u201d \\u2014 ' + q.who + ' '));
      var a = el('a', null, key + ' in the article'); a.href = '#' + q.a;
      li.appendChild(a);
      list.appendChild(li);
    });
    panel.appendChild(list);
    var more = cell.getAttribute('data-more');
    if (more) panel.appendChild(el('p', 'note', 'and ' + more + ' more: see quotes.jsonl / networks/statements.csv'));
  }
  document.querySelectorAll('td.cell').forEach(function(cell){
    cell.addEventListener('click', function(){ show(cell); });
    cell.addEventListener('keydown', function(ev){ if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); show(cell); } });
  });
  function highlight(){
    document.querySelectorAll('mark.hl').forEach(function(m){ m.classList.remove('hl'); });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    document.querySelectorAll('mark[data-q]').forEach(function(m){
      if ((' ' + m.getAttribute('data-q') + ' ').indexOf(' ' + id + ' ') >= 0) m.classList.add('hl');
    });
  }
  window.addEventListener('hashchange', highlight);
  highlight();
})();
"""
