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
The data comes from ``pipeline.report_data`` (bounded passes over the run's files), the pictures
from ``pipeline.report_svg``; the page's CSS and JavaScript are the package files
``pipeline/assets/report.css`` and ``report.js``.
"""

from __future__ import annotations

import functools
import html
import importlib.resources
import json
import math
from bisect import insort
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator

from pipeline.jsonl import atomic_writer
from pipeline.records import MatrixCell, Quote
from pipeline.report_data import ReportData, ReportLimits, article_anchor, load_report_data
from pipeline.report_svg import LAYOUT_SEED, cell_colour, curve_svg, net_stance, network_svg

_KIND_ORDER = {"organisation": 0, "person": 1}
_MORE_FILES = "quotes.jsonl / networks/statements.csv"


def write_report(
    run_dir: Path, *, out: Path | None = None, limits: ReportLimits | None = None
) -> Path:
    """Write the run's ``report.html`` (default RUN/report.html) and return its path; ``limits``
    bound what the page shows (default ``ReportLimits()``)."""
    run_dir = Path(run_dir)
    data = load_report_data(run_dir, limits or ReportLimits())
    path = Path(out) if out is not None else run_dir / "report.html"
    with atomic_writer(path) as handle:
        for part in _render_parts(data):
            handle.write(part)
            handle.write("\n")
    return path


def render_report(data: "ReportData") -> str:
    """The page for a loaded run (``load_report_data``) as one string."""
    return "\n".join(_render_parts(data)) + "\n"


# ------------------------------------------------------------------------------------ reading


# ---------------------------------------------------------------------------------- rendering


@functools.cache
def _asset(name: str) -> str:
    """A package file of the page (CSS, JavaScript), read once."""
    return (
        importlib.resources.files("pipeline").joinpath("assets", name).read_text(encoding="utf-8")
    )


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _stance_class(quote: Quote) -> str:
    labels = {s.stance for s in quote.stances}
    if not labels:
        return "none"
    return labels.pop() if len(labels) == 1 else "mixed"


def _quote_label(quote: Quote) -> str:
    who = quote.speaker or ""
    if quote.organisation:
        who = f"{who} ({quote.organisation})" if who else quote.organisation
    return who or "unattributed"


def _render_parts(run: ReportData) -> Iterator[str]:
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
        f"<style>{_asset('report.css')}</style></head><body>",
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
    yield f"<script>{_asset('report.js')}</script></body></html>"


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


def _render_matrix(run: ReportData) -> str:
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


def _render_actors(run: ReportData) -> str:
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


def _top_names(cells: list[MatrixCell], run: ReportData) -> tuple[list[MatrixCell], int]:
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


def _render_periods(run: ReportData) -> str:
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


def _render_targets(run: ReportData) -> str:
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


def _render_networks(run: ReportData) -> str:
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


def _render_articles(run: ReportData) -> str:
    return "".join(_article_parts(run))


def _article_parts(run: ReportData) -> Iterator[str]:
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
                f'<li><a href="#{article_anchor(a.id)}">{_e(a.title or a.id)}</a>{status} '
                f"<small>{_e(a.date or 'undated')}, {count} quote(s)</small></li>"
            )
        else:
            out.append(
                f'<li id="{article_anchor(a.id)}" class="notext">{_e(a.title or a.id)}{status} '
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
            f'<article id="{article_anchor(a.id)}" class="art"><h3>{_e(a.title or a.id)}</h3>'
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


def render_curve(rows: list) -> str:
    """The model card's learning curve (``stancemap cv --curve``): would more gold help?"""
    series: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        try:
            point = (float(row["gold_articles"]), float(row["stance_macro_f1"]))
        except (KeyError, TypeError, ValueError):
            continue
        series.setdefault(str(row.get("model", "model")), []).append(point)
    if not series:
        return ""
    return (
        "<h3>Learning curve</h3>"
        '<p class="note">Stance macro-F1 (end to end) on held-out gold articles against the number '
        "of gold articles trained on, beside the synthetic data (<code>stancemap cv --curve</code>). "
        "A curve still rising says more labelled articles would help.</p>"
        + curve_svg(series, x_label="gold articles trained on", y_label="stance macro-F1")
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
    curve = model.get("learning_curve") if isinstance(model, dict) else None
    if isinstance(curve, dict) and isinstance(curve.get("rows"), list) and curve["rows"]:
        out.append(render_curve(curve["rows"]))
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
