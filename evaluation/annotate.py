"""``stancemap annotate check`` and ``stancemap annotate agree``: the gold annotations themselves.

* :func:`check_gold` validates gold files against the codebook, the corpus and ``targets.yaml``;
  :func:`target_problems` checks only the stance targets (of gold or of predictions).
* :func:`agreement` measures agreement between two annotation passes with the scorer's matching.

The commands (``stancemap annotate check|agree``) are in ``evaluation.cli``.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Sequence

from evaluation.gold import load_quotes, read_records
from evaluation.scoring import article_material, figures
from evaluation.tables import fmt_value
from pipeline.records import Quote
from pipeline.resources import TARGETS_PATH, load_targets

DEFAULT_GOLD = Path("annotations/gold")
DEFAULT_CORPUS = Path("corpus")
# marks that never open or close a direct quote's own words; single marks are left out because
# \u2019 is also an apostrophe and \u2018 can open a quote nested at the start of the span
OPEN_MARKS = '\u201c"'
CLOSE_MARKS = '\u201d"'


# --------------------------------------------------------------------------------------------
# check


def _files(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, bool, int]], list[str]]:
    """(file, came from a directory, index of the path it came from) for every .jsonl file
    under ``paths``, and path problems."""
    files: list[tuple[Path, bool, int]] = []
    problems: list[str] = []
    for k, path in enumerate(map(Path, paths)):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix == ".jsonl" and p.is_file())
            if not found:
                problems.append(
                    f"{path}: no .jsonl files; fix: write one <article>.jsonl per annotated article"
                )
            files += [(p, True, k) for p in found]
        elif path.is_file():
            files.append((path, False, k))
        else:
            problems.append(
                f"{path}: no such file or directory; fix: give a gold directory or .jsonl file"
            )
    return files, problems


def _read_article(corpus_dir: Path, article: str, cache: dict[str, str | None]) -> str | None:
    if article not in cache:
        path = corpus_dir / f"{article}.txt"
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                cache[article] = handle.read()
        except (OSError, UnicodeDecodeError):
            cache[article] = None
    return cache[article]


def _span_hint(text: str, article: str) -> str:
    hits = []
    start = article.find(text) if text else -1
    while start != -1 and len(hits) < 3:
        hits.append(start)
        start = article.find(text, start + 1)
    if len(hits) == 1:
        return f"the text occurs at {hits[0]}..{hits[0] + len(text)}: set start={hits[0]}, end={hits[0] + len(text)}"
    if hits:
        where = ", ".join(f"{h}..{h + len(text)}" for h in hits)
        return f"the text occurs at {where}: pick the right occurrence"
    return (
        "copy text = article[start:end] or correct the offsets (read the article with newline='')"
    )


def check_with_stats(
    paths: Iterable[str | Path], *, corpus_dir: str | Path, targets_path: str | Path
) -> tuple[list[str], dict[str, int]]:
    corpus_dir = Path(corpus_dir)
    problems: list[str] = []
    stats = {"files": 0, "quotes": 0, "articles": 0}
    try:
        target_ids = {t.id for t in load_targets(targets_path)}
    except (OSError, KeyError, TypeError, ValueError) as exc:
        return [
            f"{targets_path}: cannot read the target list ({exc}); "
            "fix: give --domain a folder with a valid targets.yaml, or --targets FILE"
        ], stats
    if not corpus_dir.is_dir():
        problems.append(
            f"{corpus_dir}: corpus directory not found; fix: give --corpus DIR holding <article>.txt"
        )
    files, found = _files(paths)
    problems += found
    texts: dict[str, str | None] = {}
    seen_ids: dict[
        tuple[int, str, str], str
    ] = {}  # ids are unique within one annotation set (path)
    articles: set[str] = set()
    for file, from_dir, set_index in files:
        stats["files"] += 1
        stem = file.stem
        in_corpus = (corpus_dir / f"{stem}.txt").is_file()
        expect = stem if (from_dir or in_corpus) else None
        if expect is not None and not in_corpus:
            problems.append(
                f"{file}: article {stem!r} is not in the corpus ({corpus_dir / (stem + '.txt')} missing); "
                "fix: name the file <article id>.jsonl after a corpus file, or add the article to the corpus"
            )
        rows, found = read_records(file, expect_article=expect)
        problems += found
        for number, data, quote in rows:
            where = f"{file}:{number}"
            stats["quotes"] += 1
            article_id = data.get("article")
            if not isinstance(article_id, str) or not article_id:
                continue
            articles.add(article_id)
            qid = data.get("id")
            if isinstance(qid, str):
                key = (set_index, article_id, qid)
                if key in seen_ids:
                    problems.append(
                        f"{where}: duplicate id {qid!r} in article {article_id!r} (first at {seen_ids[key]}); "
                        "fix: number the quotes q01, q02, ... without repeats"
                    )
                else:
                    seen_ids[key] = where
            problems += _unknown_targets(where, data, target_ids, targets_path)
            text = _read_article(corpus_dir, article_id, texts)
            if text is None:
                if expect is None or article_id != expect:
                    problems.append(
                        f"{where}: article {article_id!r} is not in the corpus; fix: use the id of a "
                        f"{corpus_dir}/<id>.txt file"
                    )
                continue
            start, end = data.get("start"), data.get("end")
            if quote is not None or (_is_int(start) and _is_int(end)):
                if not (_is_int(start) and _is_int(end) and 0 <= start < end):
                    pass  # reported by validate_record
                elif end > len(text):
                    problems.append(
                        f"{where}: span {start}..{end} runs past the article end ({len(text)} characters); "
                        "fix: correct the offsets"
                    )
                elif isinstance(data.get("text"), str) and text[start:end] != data["text"]:
                    problems.append(
                        f"{where}: text is not article[{start}:{end}] (that is {text[start:end][:60]!r}); "
                        f"fix: {_span_hint(data['text'], text)}"
                    )
            quoted = data.get("text")
            if isinstance(quoted, str) and quoted:
                if quoted != quoted.strip():
                    problems.append(
                        f"{where}: the span has leading or trailing whitespace; fix: trim start/end to the words"
                    )
                if data.get("kind") == "direct" and (
                    quoted[0] in OPEN_MARKS or quoted[-1] in CLOSE_MARKS
                ):
                    problems.append(
                        f"{where}: a direct quote's span includes its quotation marks; "
                        "fix: mark only the words inside the marks (codebook \u00a71)"
                    )
            ss, se = data.get("speaker_start"), data.get("speaker_end")
            if _is_int(ss) and _is_int(se) and 0 <= ss < se:
                if se > len(text):
                    problems.append(
                        f"{where}: speaker mention {ss}..{se} runs past the article end ({len(text)} characters); "
                        "fix: correct speaker_start/speaker_end"
                    )
                else:
                    mention = text[ss:se]
                    if not mention.strip():
                        problems.append(
                            f"{where}: speaker mention {ss}..{se} is blank; fix: point it at the attributing "
                            "mention (name, pronoun or 'the charity')"
                        )
                    elif mention != mention.strip():
                        problems.append(
                            f"{where}: speaker mention {mention!r} has surrounding whitespace; "
                            "fix: trim speaker_start/speaker_end to the words"
                        )
    stats["articles"] = len(articles)
    return problems, stats


def _unknown_targets(
    where: str, data: dict, target_ids: set[str], targets_path: str | Path
) -> list[str]:
    """One problem per stance of a record whose target is not in ``target_ids``."""
    problems = []
    for k, s in enumerate(data.get("stances") or []):
        if (
            isinstance(s, dict)
            and isinstance(s.get("target"), str)
            and s["target"]
            and s["target"] not in target_ids
        ):
            close = difflib.get_close_matches(s["target"], sorted(target_ids), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"use an id from {targets_path}"
            problems.append(
                f"{where}: stances[{k}].target {s['target']!r} is not a target id; fix: {hint}"
            )
    return problems


def target_problems(
    paths: Iterable[str | Path], target_ids: Iterable[str], targets_path: str | Path
) -> list[str]:
    """``file:line`` problems for every stance under ``paths`` (directories of ``<article>.jsonl``
    or files) whose target is not one of ``target_ids`` (those of ``targets_path``). Unreadable
    files and lines are left to the reader of the quotes to report."""
    known = set(target_ids)
    problems: list[str] = []
    for file, _, _ in _files(paths)[0]:
        for number, data, _ in read_records(file)[0]:
            problems += _unknown_targets(f"{file}:{number}", data, known, targets_path)
    return problems


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def check_gold(
    paths: Iterable[str | Path],
    *,
    corpus_dir: str | Path = DEFAULT_CORPUS,
    targets_path: str | Path = TARGETS_PATH,
) -> list[str]:
    """Every problem in the gold files under ``paths`` (directories of ``<article>.jsonl`` or
    files), one 'file:line: what; fix: how' string each; empty when the gold is clean.

    Checks: one JSON object per line with the codebook §4 fields; ``text == article[start:end]``
    against ``corpus_dir/<article>.txt`` (read as UTF-8 with ``newline=""``); speaker mention
    offsets inside the article and not blank; kinds and stance labels from the codebook; target
    ids from ``targets_path``; unique ids per article; articles that exist in the corpus and
    files named after their article.
    """
    return check_with_stats(paths, corpus_dir=corpus_dir, targets_path=targets_path)[0]


# --------------------------------------------------------------------------------------------
# agree

AGREE_KEYS = (
    ("quote span F1 (half overlap)", "span_f1"),
    ("quote span F1 (exact)", "exact_f1"),
    ("speaker agreement", "speaker_agreement"),
    ("organisation agreement", "organisation_agreement"),
    ("target F1", "target_f1"),
    ("stance raw agreement", "stance_raw_agreement"),
    ("stance Cohen's kappa", "stance_kappa"),
    ("stance Krippendorff's alpha", "stance_alpha"),
)


def _as_quotes(x: str | Path | Sequence[Quote]) -> tuple[list[Quote], set[str] | None, list[str]]:
    if isinstance(x, (str, Path)):
        return load_quotes(x)
    return list(x), None, []


def _agreement_figures(figs: dict[str, Any]) -> dict[str, Any]:
    return {
        "n_a": figs["n_gold"],
        "n_b": figs["n_pred"],
        "n_matched": figs["n_matched"],
        "span_precision": figs["quote_precision"],
        "span_recall": figs["quote_recall"],
        "span_f1": figs["quote_f1"],
        "exact_f1": figs["exact_f1"],
        "speaker_agreement": figs["speaker_accuracy"],
        "organisation_agreement": figs["organisation_accuracy"],
        "target_precision": figs["target_precision"],
        "target_recall": figs["target_recall"],
        "target_f1": figs["target_f1"],
        "n_stance_pairs": figs["n_stance_pairs_both"],
        "stance_raw_agreement": figs["stance_agreement_both"],
        "stance_kappa": figs["stance_kappa"],
        "stance_alpha": figs["stance_alpha"],
    }


def agreement(a: str | Path | Sequence[Quote], b: str | Path | Sequence[Quote]) -> dict:
    """Inter-annotator agreement between annotation sets ``a`` and ``b`` (paths or quote lists).

    Quotes are matched as the scorer does (half of the shorter span, one-to-one, greedy by
    overlap), with ``a`` as reference (span precision/recall swap with the order; F1 does not).
    Speaker and organisation agreement and target F1 are over matched quotes; stance raw
    agreement, Cohen's kappa and Krippendorff's alpha (nominal) are over the (matched quote,
    target) pairs that both sets annotate. With paths, only articles present in both sets are
    compared (``only_in_a`` / ``only_in_b`` list the rest). Flat figures plus ``per_article``.
    """
    qa, arts_a, probs_a = _as_quotes(a)
    qb, arts_b, probs_b = _as_quotes(b)
    if arts_a is None and arts_b is None:  # two quote lists: every article either names
        arts_a = arts_b = {q.article for q in qa} | {q.article for q in qb}
    else:
        arts_a = arts_a if arts_a is not None else {q.article for q in qa}
        arts_b = arts_b if arts_b is not None else {q.article for q in qb}
    common = sorted(arts_a & arts_b)
    by_a: dict[str, list[Quote]] = defaultdict(list)
    by_b: dict[str, list[Quote]] = defaultdict(list)
    for q in qa:
        by_a[q.article].append(q)
    for q in qb:
        by_b[q.article].append(q)
    items = [article_material(art, by_a.get(art, []), by_b.get(art, [])) for art in common]
    result: dict[str, Any] = {"n_articles": len(items)}
    result.update(_agreement_figures(figures(items)))
    result["only_in_a"] = sorted(arts_a - arts_b)
    result["only_in_b"] = sorted(arts_b - arts_a)
    result["per_article"] = {it.article: _agreement_figures(figures([it])) for it in items}
    result["problems"] = {"a": probs_a, "b": probs_b}
    return result


def render_agreement(result: dict) -> str:
    lines = [
        f"articles compared: {result['n_articles']}  quotes A: {result['n_a']}  B: {result['n_b']}  "
        f"matched: {result['n_matched']}  stance pairs both tag: {result['n_stance_pairs']}"
    ]
    if result["only_in_a"] or result["only_in_b"]:
        lines.append(
            f"only in A: {', '.join(result['only_in_a']) or '-'}; only in B: {', '.join(result['only_in_b']) or '-'}"
        )
    width = max(len(label) for label, _ in AGREE_KEYS)
    lines.append("")
    lines += [f"{label.ljust(width)}  {fmt_value(result.get(key))}" for label, key in AGREE_KEYS]
    lines.append("")
    header = [
        "article",
        "A",
        "B",
        "match",
        "span F1",
        "exact F1",
        "speaker",
        "org",
        "target F1",
        "raw",
        "kappa",
        "alpha",
    ]
    keys = [
        "n_a",
        "n_b",
        "n_matched",
        "span_f1",
        "exact_f1",
        "speaker_agreement",
        "organisation_agreement",
        "target_f1",
        "stance_raw_agreement",
        "stance_kappa",
        "stance_alpha",
    ]
    rows = [[art, *(fmt_value(f.get(k)) for k in keys)] for art, f in result["per_article"].items()]
    widths = [max(len(x) for x in col) for col in zip(header, *rows)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
    lines += ["  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"
