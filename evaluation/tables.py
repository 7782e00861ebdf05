"""The evaluation figures as text: a terminal table, markdown or JSON (``stancemap evaluate``)."""

from __future__ import annotations

import json
from typing import Any

from evaluation.scoring import CI_KEYS

FORMATS = ("table", "json", "markdown")


HEADLINE = (
    ("Quote precision", "quote_precision", None),
    ("Quote recall", "quote_recall", None),
    ("Quote F1 (half overlap)", "quote_f1", None),
    ("Quote F1 (exact span)", "exact_f1", None),
    ("Speaker accuracy", "speaker_accuracy", None),
    ("Organisation accuracy", "organisation_accuracy", None),
    ("Quote+speaker F1", "quote_speaker_f1", None),
    ("Target precision", "target_precision", None),
    ("Target recall", "target_recall", None),
    ("Target F1", "target_f1", None),
    ("Stance macro-F1", "stance_macro_f1", "baseline_stance_macro_f1"),
    ("Stance accuracy", "stance_accuracy", "baseline_stance_accuracy"),
    ("Stance macro-F1 end to end", "stance_macro_f1_end_to_end", None),
    ("Stance kappa (pairs both tag)", "stance_kappa", None),
    ("Matrix agreement", "matrix_agreement", "baseline_matrix_agreement"),
    ("Matrix agreement (person)", "matrix_agreement_person", None),
    ("Matrix agreement (organisation)", "matrix_agreement_organisation", None),
    ("Matrix kappa", "matrix_kappa", None),
    ("Matrix alpha", "matrix_alpha", None),
    ("Matrix coverage", "matrix_coverage", None),
)


PER_ARTICLE = (
    ("gold", "n_gold"),
    ("pred", "n_pred"),
    ("match", "n_matched"),
    ("quote F1", "quote_f1"),
    ("exact F1", "exact_f1"),
    ("speaker", "speaker_accuracy"),
    ("org", "organisation_accuracy"),
    ("target F1", "target_f1"),
    ("stance mF1", "stance_macro_f1"),
    ("matrix", "matrix_agreement"),
)


def fmt_value(value: Any) -> str:
    """A figure as the tables print it: n/a for undefined, 3 decimals for floats."""
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _ci(metrics: dict, key: str) -> str:
    interval = metrics.get("ci", {}).get(key) if key in CI_KEYS else None
    if not interval:
        return ""
    return f"[{interval[0]:.3f}, {interval[1]:.3f}]"


def _rows(metrics: dict) -> dict[str, tuple[list[str], list[list[str]]]]:
    """The report's tables as (header, rows), shared by the text and markdown renderings."""
    tables: dict[str, tuple[list[str], list[list[str]]]] = {}
    tables["Summary"] = (
        ["figure", "value", "95% CI", "majority baseline"],
        [
            [
                label,
                fmt_value(metrics.get(key)),
                _ci(metrics, key),
                fmt_value(metrics.get(base)) if base else "",
            ]
            for label, key, base in HEADLINE
        ],
    )
    counts = [
        ["articles scored", fmt_value(metrics.get("n_articles"))],
        ["gold quotes", fmt_value(metrics.get("n_gold"))],
        ["predicted quotes", fmt_value(metrics.get("n_pred"))],
        ["matched (half overlap)", fmt_value(metrics.get("n_matched"))],
        ["matched (exact span)", fmt_value(metrics.get("n_exact"))],
        ["gold (quote, target) pairs on matched quotes", fmt_value(metrics.get("n_stance_pairs"))],
        ["gold matrix cells", fmt_value(metrics.get("matrix_cells"))],
        [
            "predictions for articles without gold (not scored)",
            fmt_value(metrics.get("n_pred_unscored")),
        ],
    ]
    tables["Counts"] = (["", "n"], counts)
    per_class = metrics.get("per_class", {})
    base_pc = metrics.get("baseline", {}).get("per_class", {})
    tables["Stance per class"] = (
        ["class", "precision", "recall", "F1", "gold n", "baseline F1"],
        [
            [
                c,
                fmt_value(v.get("precision")),
                fmt_value(v.get("recall")),
                fmt_value(v.get("f1")),
                fmt_value(v.get("support")),
                fmt_value(base_pc.get(c, {}).get("f1")),
            ]
            for c, v in per_class.items()
        ],
    )
    confusion = metrics.get("confusion", {}).get("matrix", {})
    if confusion:
        cols = list(next(iter(confusion.values())).keys())
        tables["Stance confusion (rows gold, columns predicted)"] = (
            ["gold \\ pred", *cols],
            [[g, *(str(row[c]) for c in cols)] for g, row in confusion.items()],
        )
    kinds = metrics.get("per_kind", {})
    if kinds:
        tables["Quotes per kind"] = (
            ["kind", "gold n", "recall", "predicted n", "precision"],
            [
                [
                    k,
                    fmt_value(v.get("n_gold")),
                    fmt_value(v.get("recall")),
                    fmt_value(v.get("n_pred")),
                    fmt_value(v.get("precision")),
                ]
                for k, v in kinds.items()
            ],
        )
    groups = metrics.get("per_group")
    if groups:
        tables[f"Per {metrics.get('group_by', 'group')}"] = (
            [metrics.get("group_by", "group"), "articles", *(label for label, _ in PER_ARTICLE)],
            [
                [g, fmt_value(f.get("n_articles")), *(fmt_value(f.get(k)) for _, k in PER_ARTICLE)]
                for g, f in groups.items()
            ],
        )
        recall_rows = []
        for g, f in groups.items():
            per = f.get("per_kind", {})
            recall_rows.append(
                [
                    g,
                    *(
                        fmt_value(per.get(k, {}).get("recall"))
                        for k in ("direct", "indirect", "mixed", "block")
                    ),
                ]
            )
        tables[f"Quote recall per kind and {metrics.get('group_by', 'group')}"] = (
            [metrics.get("group_by", "group"), "direct", "indirect", "mixed", "block"],
            recall_rows,
        )
    tables["Per article"] = (
        ["article", *(label for label, _ in PER_ARTICLE)],
        [
            [a, *(fmt_value(f.get(k)) for _, k in PER_ARTICLE)]
            for a, f in metrics.get("per_article", {}).items()
        ],
    )
    return tables


def render_table(metrics: dict) -> str:
    parts = []
    for title, (header, rows) in _rows(metrics).items():
        widths = (
            [max(len(str(x)) for x in col) for col in zip(header, *rows)]
            if rows
            else [len(h) for h in header]
        )
        lines = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip() for row in rows]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def render_markdown(metrics: dict) -> str:
    parts = []
    for title, (header, rows) in _rows(metrics).items():
        lines = [f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(x.replace("|", "\\|") for x in row) + " |" for row in rows]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def render(metrics: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(metrics, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return render_markdown(metrics)
    if fmt == "table":
        return render_table(metrics)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
