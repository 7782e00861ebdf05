"""``report.html``: one self-contained, offline page that shows a run's results.

Everything is inline (CSS, a little JavaScript, SVG); the page fetches nothing. It holds:

* an overview (articles, quotes, actors, targets; problems met while reading the run);
* a heatmap of actors x targets coloured by net stance ((support - oppose) / all statements;
  blue = support, red = oppose, grey = neutral, striped = mixed); hovering a cell lists its
  evidence quotes, clicking it shows them in a panel with links to their place in the article;
* per-actor and per-target summaries;
* network pictures (actor x target, signed; actor x actor, DNA subtract) as inline SVG drawn from a
  deterministic layout (networkx ``spring_layout`` with a fixed seed);
* every article's text, with each quote span highlighted and anchored (``#q-<article>-<id>``);
  errored articles are listed with their error;
* the run's metadata and model card from ``manifest.json``.

The matrix shown is recomputed from ``quotes.jsonl`` over the whole run (no time window), with the
run's ``weighting`` and ``duplicates`` options when ``manifest.json``'s ``config`` names them.
"""
from __future__ import annotations

import html
import json
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from pipeline.jsonl import iter_jsonl, write_text
from pipeline.matrix import DUPLICATE_POLICIES, build_matrix
from pipeline.networks import actor_graph, two_mode_graph
from pipeline.records import ArticleStatus, MatrixCell, Quote, RecordError

LAYOUT_SEED = 7
_SUPPORT = (33, 102, 172)  # ColorBrewer RdBu ends
_OPPOSE = (178, 24, 43)
_NEUTRAL = (226, 226, 226)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def write_report(run_dir: Path, *, out: Path | None = None) -> Path:
    """Write the run's ``report.html`` (default RUN/report.html) and return its path."""
    run_dir = Path(run_dir)
    data = _load_run(run_dir)
    page = render_report(data)
    path = Path(out) if out is not None else run_dir / "report.html"
    write_text(path, page)
    return path


# ------------------------------------------------------------------------------------ reading


def _load_run(run_dir: Path) -> dict[str, Any]:
    problems: list[str] = []
    quotes: list[Quote] = []
    articles: list[ArticleStatus] = []
    path = run_dir / "quotes.jsonl"
    if path.exists():
        for _, item in iter_jsonl(path, Quote):
            (problems.append(str(item)) if isinstance(item, RecordError) else quotes.append(item))
    else:
        problems.append(f"{path}: missing, so no quotes are shown")
    path = run_dir / "articles.jsonl"
    if path.exists():
        for _, item in iter_jsonl(path, ArticleStatus):
            (problems.append(str(item)) if isinstance(item, RecordError) else articles.append(item))
    else:
        problems.append(f"{path}: missing; articles are listed from quotes.jsonl only")
    manifest: dict[str, Any] = {}
    path = run_dir / "manifest.json"
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                manifest = loaded
            else:
                problems.append(f"{path}: not a JSON object; run metadata not shown")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: not valid JSON ({exc}); run metadata not shown")
    else:
        problems.append(f"{path}: missing; run metadata not shown")
    keys: set[str] = set()
    for quote in quotes:
        if quote.key in keys:
            problems.append(f"quotes.jsonl: quote {quote.key} appears more than once; links go to its first place")
        keys.add(quote.key)
    unique: dict[str, ArticleStatus] = {}
    for article in articles:
        if article.id in unique:
            problems.append(f"articles.jsonl: article {article.id!r} listed more than once; the first line is shown")
        else:
            unique[article.id] = article
    articles = list(unique.values())
    known = set(unique)
    for quote in quotes:  # articles that have quotes but no status line
        if quote.article not in known:
            known.add(quote.article)
            articles.append(ArticleStatus(id=quote.article, status="ok"))
    texts: dict[str, str] = {}
    for article in articles:
        text_path = run_dir / "texts" / f"{article.id}.txt"
        try:
            with open(text_path, encoding="utf-8", newline="") as handle:  # exactly as stored: offsets
                texts[article.id] = handle.read()
        except (OSError, UnicodeDecodeError):
            if article.status == "ok":
                problems.append(f"{text_path}: missing or unreadable; its quotes are listed without the text")
    try:
        from pipeline.resources import load_targets

        titles = {t.id: t.title for t in load_targets()}
        order = [t.id for t in load_targets()]
    except Exception:  # the report must not fail for want of the target list
        titles, order = {}, []
    return {
        "name": run_dir.resolve().name,
        "quotes": quotes,
        "articles": articles,
        "manifest": manifest,
        "texts": texts,
        "titles": titles,
        "target_order": order,
        "problems": problems,
    }


def _options(manifest: dict[str, Any]) -> tuple[bool, str, str | None]:
    config = manifest.get("config") if isinstance(manifest.get("config"), dict) else {}
    weighting = config.get("weighting") if isinstance(config.get("weighting"), bool) else False
    duplicates = config.get("duplicates") if config.get("duplicates") in DUPLICATE_POLICIES else "every"
    window = config.get("window") if isinstance(config.get("window"), str) and config.get("window").strip() else None
    return weighting, duplicates, window


# ---------------------------------------------------------------------------------- rendering


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _anchor_ids(quotes: list[Quote]) -> dict[str, str]:
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


def render_report(data: dict[str, Any]) -> str:
    quotes: list[Quote] = data["quotes"]
    articles: list[ArticleStatus] = data["articles"]
    manifest: dict[str, Any] = data["manifest"]
    titles: dict[str, str] = data["titles"]
    anchors = _anchor_ids(quotes)
    weighting, duplicates, window = _options(manifest)
    cells = build_matrix(quotes, weighting=weighting, duplicates=duplicates)
    by_key = {q.key: q for q in quotes}

    order = {t: i for i, t in enumerate(data["target_order"])}
    targets = sorted({c.target for c in cells}, key=lambda t: (order.get(t, len(order)), t))
    n_ok = sum(1 for a in articles if a.status == "ok")
    n_err = sum(1 for a in articles if a.status != "ok")
    n_stance = sum(1 for q in quotes if q.stances)

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>stancemap report: {_e(data['name'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>stancemap report</h1>",
        f"<p class=\"sub\">Run <code>{_e(data['name'])}</code>"
        + (f" ({_e(manifest['created'])})" if isinstance(manifest.get("created"), str) else "")
        + ": who said what about which proposal, and were they for or against it.</p>",
        "<nav><a href=\"#overview\">Overview</a><a href=\"#matrix\">Matrix</a><a href=\"#actors\">Actors</a>"
        "<a href=\"#targets\">Targets</a>" + ("<a href=\"#periods\">Over time</a>" if window else "")
        + "<a href=\"#network\">Network</a><a href=\"#articles\">Articles</a>"
        "<a href=\"#run\">Run &amp; model</a></nav></header><main>",
        '<section id="overview"><h2>Overview</h2><div class="stats">',
        _stat(len(articles), "articles"), _stat(n_ok, "read"), _stat(n_err, "errored"),
        _stat(len(quotes), "quotes"), _stat(n_stance, "quotes with a stance"),
        _stat(len({c.actor for c in cells if c.actor_kind == 'organisation'}), "organisations"),
        _stat(len({c.actor for c in cells if c.actor_kind == 'person'}), "people"),
        _stat(len(targets), "targets addressed"),
        "</div>",
        f"<p class=\"note\">Matrix options: duplicates <code>{_e(duplicates)}</code>, confidence weighting "
        f"<code>{'on' if weighting else 'off'}</code>. Majority stance per cell; a tie is <em>mixed</em>.</p>",
    ]
    if data["problems"]:
        parts.append('<details class="problems"><summary>' + _e(len(data["problems"])) + " problem(s) reading this run</summary><ul>")
        parts.extend(f"<li>{_e(p)}</li>" for p in data["problems"])
        parts.append("</ul></details>")
    parts.append("</section>")
    parts.append(_render_matrix(cells, targets, titles, by_key, anchors))
    parts.append(_render_actors(cells, titles, by_key, anchors))
    parts.append(_render_targets(cells, targets, titles))
    if window:
        parts.append(_render_periods(quotes, articles, titles, weighting=weighting, duplicates=duplicates, window=window))
    parts.append(_render_networks(quotes, titles))
    parts.append(_render_articles(articles, quotes, data["texts"], anchors))
    parts.append(_render_manifest(manifest))
    quote_data = {
        q.key: {
            "a": anchors[q.key],
            "who": _quote_label(q),
            "text": q.text,
            "article": q.article,
            "stances": [[s.target, s.stance] + ([round(v, 3)] if (v := _score(s.score)) is not None else []) for s in q.stances],
        }
        for q in quotes
    }
    blob = json.dumps(quote_data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    parts.append(f'</main><script type="application/json" id="quote-data">{blob}</script>')
    parts.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(parts) + "\n"


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


def _render_matrix(cells, targets, titles, by_key, anchors) -> str:
    out = ['<section id="matrix"><h2>Stance matrix</h2>']
    if not cells:
        out.append('<p class="empty">No quote in this run takes a stance toward a target, so the matrix is empty.</p></section>')
        return "".join(out)
    out.append(
        '<p class="legend"><span class="sw" style="background:#2166ac"></span>support '
        '<span class="sw" style="background:#e2e2e2"></span>neutral '
        '<span class="sw" style="background:#b2182b"></span>oppose '
        '<span class="sw mixed" style="background:#e2e2e2"></span>mixed (tie). '
        "Colour: net stance (support &minus; oppose) / statements. Number: quotes. "
        "Hover a cell for its evidence; click it to list the quotes with links into the articles.</p>"
    )
    grid: dict[tuple[str, str], dict[str, MatrixCell]] = defaultdict(dict)
    for c in cells:
        grid[(c.actor_kind, c.actor)][c.target] = c
    out.append('<div class="matrix-layout"><div class="matrix-wrap"><table class="heatmap"><thead><tr><th class="corner">actor \\ target</th>')
    for t in targets:
        out.append(f'<th class="col" title="{_e(titles.get(t, t))}"><span>{_e(t)}</span></th>')
    out.append("</tr></thead><tbody>")
    for kind, heading in (("organisation", "Organisations"), ("person", "People")):
        rows = [key for key in grid if key[0] == kind]
        if not rows:
            continue
        out.append(f'<tr class="group"><th colspan="{len(targets) + 1}">{heading}</th></tr>')
        for key in rows:  # already sorted by build_matrix
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
                    q = by_key.get(k)
                    if q is not None:
                        text = q.text if len(q.text) <= 160 else q.text[:157] + "..."
                        lines.append(f"[{k}] {text}")
                if len(c.evidence) > 8:
                    lines.append(f"... and {len(c.evidence) - 8} more (click)")
                net = net_stance(c)
                dark = abs(net) > 0.55
                cls = "cell" + (" mixed" if c.stance == "mixed" else "") + (" dark" if dark else "")
                out.append(
                    f'<td class="{cls}" style="background-color:{cell_colour(c)}" tabindex="0" '
                    f'data-actor="{_e(c.actor)}" data-kind="{_e(c.actor_kind)}" data-target="{_e(t)}" '
                    f'data-stance="{_e(c.stance)}" data-evidence="{_e(" ".join(c.evidence))}" '
                    f'title="{_e(chr(10).join(lines))}">{c.n_quotes}</td>'
                )
            out.append("</tr>")
    out.append("</tbody></table></div>")
    out.append('<div id="evidence" class="evidence" aria-live="polite"><p class="hint">Click a cell to see its evidence here.</p></div></div>')
    out.append("</section>")
    return "".join(out)


def _evidence_links(keys, anchors) -> str:
    return " ".join(f'<a href="#{_e(anchors[k])}">{_e(k)}</a>' for k in keys if k in anchors)


def _render_actors(cells, titles, by_key, anchors) -> str:
    out = ['<section id="actors"><h2>Actors</h2>']
    if not cells:
        out.append('<p class="empty">No actors with stances.</p></section>')
        return "".join(out)
    actors: dict[tuple[str, str], list[MatrixCell]] = defaultdict(list)
    for c in cells:
        actors[(c.actor_kind, c.actor)].append(c)
    out.append('<div class="cards">')
    for (kind, name), own in actors.items():
        evidence = {k for c in own for k in c.evidence}
        orgs = sorted({by_key[k].organisation for k in evidence if k in by_key and by_key[k].organisation}) if kind == "person" else []
        out.append(f'<div class="card"><h3>{_e(name)} <small>{_e(kind)}</small></h3>')
        if orgs:
            out.append(f'<p class="meta">{_e(", ".join(orgs))}</p>')
        out.append(f'<p class="meta">{len(evidence)} quote(s), {len(own)} target(s)</p><ul class="stances">')
        for c in sorted(own, key=lambda c: ("support", "oppose", "mixed", "neutral").index(c.stance)):
            out.append(
                f'<li><span class="badge b-{_e(c.stance)}">{_e(c.stance)}</span> '
                f'<span title="{_e(titles.get(c.target, c.target))}">{_e(c.target)}</span> '
                f'<span class="ev">{_evidence_links(c.evidence, anchors)}</span></li>'
            )
        out.append("</ul></div>")
    out.append("</div></section>")
    return "".join(out)


def _render_periods(quotes, articles, titles, *, weighting: bool, duplicates: str, window: str) -> str:
    """Targets x periods (the run's ``--window``), organisation level: statements summed over actors."""
    out = [f'<section id="periods"><h2>Over time</h2><p class="note">Window <code>{_e(window)}</code> '
           "(from the run's options); article dates from articles.jsonl. Each cell sums the organisation rows "
           "of that period (a person without an organisation is not counted here); hover for who.</p>"]
    try:
        cells = build_matrix(quotes, dates={a.id: a.date for a in articles}, weighting=weighting, duplicates=duplicates, window=window)
    except ValueError as exc:
        out.append(f'<p class="error">{_e(exc)}</p></section>')
        return "".join(out)
    cells = [c for c in cells if c.actor_kind == "organisation"]
    if not cells:
        out.append('<p class="empty">No organisation took a stance.</p></section>')
        return "".join(out)
    periods: list[str] = []
    for c in cells:  # build_matrix sorts by period order
        if c.period not in periods:
            periods.append(c.period)
    targets = sorted({c.target for c in cells})
    out.append('<div class="matrix-wrap"><table class="heatmap periods"><thead><tr><th class="corner">target \\ period</th>')
    out.extend(f'<th class="per">{_e(p)}</th>' for p in periods)
    out.append("</tr></thead><tbody>")
    for t in targets:
        out.append(f'<tr><th class="row" scope="row" title="{_e(titles.get(t, t))}">{_e(t)}</th>')
        for p in periods:
            own = [c for c in cells if c.target == t and c.period == p]
            if not own:
                out.append('<td class="blank"></td>')
                continue
            total = MatrixCell(
                actor="all", actor_kind="organisation", target=t,
                support=sum(float(c.support) for c in own), oppose=sum(float(c.oppose) for c in own),
                neutral=sum(float(c.neutral) for c in own),
            )
            tip = f"{t}, {p}: " + "; ".join(f"{c.actor}: {c.stance}" for c in own)
            dark = " dark" if abs(net_stance(total)) > 0.55 else ""
            out.append(f'<td class="pcell{dark}" style="background-color:{cell_colour(total)}" title="{_e(tip)}">{len(own)}</td>')
        out.append("</tr>")
    out.append('</tbody></table></div><p class="note">Number: organisations with a stance in the period; colour: net stance of their statements.</p></section>')
    return "".join(out)


def _render_targets(cells, targets, titles) -> str:
    out = ['<section id="targets"><h2>Targets</h2>']
    if not targets:
        out.append('<p class="empty">No target was addressed.</p></section>')
        return "".join(out)
    out.append(
        '<table class="summary"><thead><tr><th>target</th><th>quotes</th><th>support</th>'
        "<th>oppose</th><th>mixed</th><th>neutral</th></tr></thead><tbody>"
    )
    for t in targets:
        own = [c for c in cells if c.target == t]
        n_quotes = len({k for c in own for k in c.evidence})
        out.append(f'<tr><td><b>{_e(t)}</b><br><small>{_e(titles.get(t, ""))}</small></td><td>{n_quotes}</td>')
        for stance in ("support", "oppose", "mixed", "neutral"):
            names = [c for c in own if c.stance == stance]
            listed = ", ".join(
                f'<span class="{"org" if c.actor_kind == "organisation" else "person"}">{_e(c.actor)}</span>' for c in names
            )
            out.append(f'<td class="t-{stance}">{listed}</td>')
        out.append("</tr>")
    out.append("</tbody></table><p class=\"note\">Organisations in bold, people in italics.</p></section>")
    return "".join(out)


def _render_networks(quotes, titles) -> str:
    out = ['<section id="network"><h2>Networks</h2>']
    two = two_mode_graph(quotes, level="organisation")
    if two.number_of_edges() == 0:
        out.append('<p class="empty">No stances, so no network.</p></section>')
        return "".join(out)
    out.append(
        "<p class=\"note\">Actor x target (organisation level; a person without an organisation stands for "
        "themself). Circles: actors; squares: targets. Lines: blue = net support, red = net oppose, "
        "grey = neutral or balanced; width = number of statements. Layout: networkx spring_layout, seed "
        f"{LAYOUT_SEED}. The full networks (GraphML, GEXF, CSV) are in <code>networks/</code>.</p>"
    )
    out.append(network_svg(two, titles=titles))
    sub = actor_graph(quotes, mode="subtract", level="organisation")
    if sub.number_of_edges():
        out.append(
            "<h3>Actor agreement (DNA subtract)</h3><p class=\"note\">Blue: the two actors share more stances "
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
        (sorted(c, key=str) for c in nx.connected_components(graph)), key=lambda c: (-len(c), str(c[0]))
    )
    boxes = []
    for nodes in components:
        side = math.sqrt(len(nodes))
        if len(nodes) == 1:
            boxes.append((side, {nodes[0]: (0.5, 0.5)}))
            continue
        sub = graph.subgraph(nodes)
        pos = nx.spring_layout(sub, seed=LAYOUT_SEED, k=1.6 / math.sqrt(len(nodes)), weight="layout_weight", iterations=200)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        sx, sy = max(xs) - min(xs), max(ys) - min(ys)
        scale = max(sx, sy) or 1.0  # keep the aspect; centre the short side
        ox, oy = (1 - sx / scale) / 2, (1 - sy / scale) / 2
        boxes.append((side, {n: (ox + (pos[n][0] - min(xs)) / scale, oy + (pos[n][1] - min(ys)) / scale) for n in nodes}))
    gap = 0.35
    total = sum(side + gap for side, _ in boxes)
    row_width = boxes[0][0]
    while True:  # the narrowest rows that give a landscape picture (width >= 1.6 x height)
        out, size = _pack(boxes, row_width, gap)
        if size[0] >= 1.6 * size[1] or row_width >= total:
            return out, size
        row_width += 0.25


def _pack(boxes, row_width: float, gap: float) -> tuple[dict[Any, tuple[float, float]], tuple[float, float]]:
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
        sorted(((u, v, d) for u, v, d in graph.edges(data=True)), key=lambda e: tuple(sorted((e[0], e[1]))))
    )
    for u, v, d in ordered.edges(data=True):
        d["layout_weight"] = 1.0 + min(3.0, abs(float(d.get("weight", 1))))
    units, (total_w, total_h) = packed_layout(ordered)
    height = int(min(1100, max(260, width * total_h / total_w)))
    pad_x, pad_y = 110, 34

    def xy(node):
        x, y = units[node]
        return pad_x + x / total_w * (width - 2 * pad_x), pad_y + y / total_h * (height - 2 * pad_y)

    out = [f'<svg class="net" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{_e(graph.graph.get("name", "network"))}">']
    for u, v, d in ordered.edges(data=True):
        (x1, y1), (x2, y2) = xy(u), xy(v)
        sign = d.get("sign", (d.get("weight", 0) > 0) - (d.get("weight", 0) < 0))
        colour = "#2166ac" if sign > 0 else "#b2182b" if sign < 0 else "#9a9a9a"
        w = 1.0 + 1.2 * min(5.0, abs(float(d.get("weight", 1))))
        tip = ", ".join(f"{key} {val}" for key, val in d.items() if key != "layout_weight" and val != "")
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{w:.1f}" stroke-opacity="0.75"><title>{_e(ordered.nodes[u].get("label", u))} &#8211; '
            f'{_e(ordered.nodes[v].get("label", v))}: {_e(tip)}</title></line>'
        )
    for n in nodes:
        x, y = xy(n)
        data = ordered.nodes[n]
        label = str(data.get("label", n))
        short = label if len(label) <= 28 else label[:26] + "..."
        tip = titles.get(label, label) if data.get("type") == "target" else f"{label} ({data.get('kind', '')})"
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
    starts: dict[int, list[Quote]] = defaultdict(list)
    for q in placed:
        starts[q.start].append(q)
    out = []
    emitted: set[str] = set()
    for a, b in zip(bounds, bounds[1:]):
        for q in starts.get(a, ()):
            if q.key not in emitted:  # a repeated quote key gets one anchor
                emitted.add(q.key)
                out.append(f'<a class="qa" id="{_e(anchors[q.key])}"></a>')
        covering = [q for q in placed if q.start <= a and q.end >= b]
        piece = _e(text[a:b])
        if not covering:
            out.append(piece)
            continue
        first = covering[0]
        stances = "; ".join(f"{s.target}: {s.stance}" for q in covering for s in q.stances) or "no target"
        cls = f"q s-{_stance_class(first)}" + (" overlap" if len(covering) > 1 else "")
        ids = " ".join(anchors[q.key] for q in covering)
        out.append(f'<mark class="{cls}" data-q="{_e(ids)}" title="{_e(_quote_label(first) + " | " + stances)}">{piece}</mark>')
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


def _render_articles(articles, quotes, texts, anchors) -> str:
    out = ['<section id="articles"><h2>Articles</h2>']
    if not articles:
        out.append('<p class="empty">No articles in this run.</p></section>')
        return "".join(out)
    by_article: dict[str, list[Quote]] = defaultdict(list)
    for q in quotes:
        by_article[q.article].append(q)
    out.append('<ul class="toc">')
    for a in articles:
        status = "" if a.status == "ok" else f' <span class="badge b-error">{_e(a.status)}</span>'
        out.append(
            f'<li><a href="#{_article_anchor(a.id)}">{_e(a.title or a.id)}</a>{status} '
            f"<small>{_e(a.date or 'undated')}, {len(by_article.get(a.id, []))} quote(s)</small></li>"
        )
    out.append("</ul>")
    for a in articles:
        own = sorted(by_article.get(a.id, []), key=lambda q: (q.start, q.end, q.id))
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
            out.append(f'<p class="error">This article was not processed ({_e(a.status)}): {_e(a.error or "no reason given")}</p>')
        text = texts.get(a.id)
        if text is not None:
            body, unplaced = _mark_text(text, own, anchors)
            out.append(f'<div class="text">{body}</div>')
            if unplaced:
                out.append(f"<p class=\"error\">{len(unplaced)} quote(s) with offsets outside the text:</p>")
                out.append(_quote_list(unplaced, anchors, with_anchor=True))
        elif own:
            out.append('<p class="note">The article text is not in the run folder; its quotes:</p>')
            out.append(_quote_list(own, anchors, with_anchor=True))
        out.append('<p class="top"><a href="#matrix">back to the matrix</a></p></article>')
    out.append("</section>")
    return "".join(out)


def _render_value(value: Any, depth: int = 0) -> str:
    if isinstance(value, dict):
        if not value:
            return "<em>empty</em>"
        if depth >= 3:
            return f"<pre>{_e(json.dumps(value, ensure_ascii=False, indent=1))}</pre>"
        rows = "".join(f"<tr><th>{_e(k)}</th><td>{_render_value(v, depth + 1)}</td></tr>" for k, v in value.items())
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


_RUN_KEYS = ("tool", "created", "corpus", "model_path", "model_hash", "device", "python", "cpu_count")
_SECTIONS = (("versions", "Versions"), ("config", "Options"), ("counts", "Counts"), ("seconds", "Timings (seconds)"), ("timings", "Timings"))


def _render_manifest(manifest: dict[str, Any]) -> str:
    out = ['<section id="run"><h2>Run and model</h2>']
    if not manifest:
        out.append('<p class="empty">No run metadata (manifest.json missing or unreadable).</p></section>')
        return "".join(out)
    run = {k: manifest[k] for k in _RUN_KEYS if k in manifest}
    if run:
        out.append(f"<h3>Run</h3>{_render_value(run)}")
    model = manifest.get("model")
    out.append("<h3>Model card</h3>")
    out.append(_render_value(model) if isinstance(model, dict) and model else '<p class="empty">No model card in the manifest.</p>')
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
