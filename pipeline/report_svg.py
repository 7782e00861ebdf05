"""The report's pictures: heatmap colours and network drawings as inline SVG, from a
deterministic layout (networkx ``spring_layout`` with a fixed seed, components packed in rows)."""

from __future__ import annotations

import html
import math
from typing import Any

import networkx as nx

from pipeline.records import MatrixCell


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


LAYOUT_SEED = 7


_SUPPORT = (33, 102, 172)  # ColorBrewer RdBu ends


_OPPOSE = (178, 24, 43)


_NEUTRAL = (226, 226, 226)


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


_SERIES = ("#2166ac", "#b2182b", "#4d9221", "#762a83", "#e08214", "#555555")


def curve_svg(
    series: dict[str, list[tuple[float, float]]],
    *,
    x_label: str,
    y_label: str,
    width: int = 560,
    height: int = 300,
) -> str:
    """A line chart of ``series`` (name -> (x, y) points, y between 0 and 1) as inline SVG."""
    points = [p for values in series.values() for p in values]
    if not points:
        return '<p class="empty">No points.</p>'
    left, right, top, bottom = 52, 150, 16, 44
    xs = [x for x, _ in points]
    x0, x1 = min(xs), max(xs)
    span = (x1 - x0) or 1.0

    def at(x: float, y: float) -> tuple[float, float]:
        return (
            left + (x - x0) / span * (width - left - right),
            top + (1 - max(0.0, min(1.0, y))) * (height - top - bottom),
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(y_label)} against {_e(x_label)}">',
        '<g font-family="sans-serif" font-size="11" fill="#333">',
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        _, y = at(x0, tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:.2f}</text>'
        )
    for x in sorted(set(xs)):
        px, _ = at(x, 0.0)
        parts.append(
            f'<text x="{px:.1f}" y="{height - bottom + 16}" text-anchor="middle">{x:g}</text>'
        )
    parts.append(
        f'<text x="{(left + width - right) / 2:.1f}" y="{height - 8}" text-anchor="middle">{_e(x_label)}</text>'
        f'<text transform="translate(14 {(top + height - bottom) / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{_e(y_label)}</text>'
    )
    for n, (name, values) in enumerate(series.items()):
        colour = _SERIES[n % len(_SERIES)]
        coords = [at(x, y) for x, y in sorted(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.extend(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{_e(name)}: {v:.3f}</title></circle>'
            for (x, y), (_, v) in zip(coords, sorted(values))
        )
        ly = top + 14 + 16 * n
        parts.append(
            f'<line x1="{width - right + 10}" y1="{ly - 4}" x2="{width - right + 28}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="2"/><text x="{width - right + 32}" y="{ly}">{_e(name)}</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)
