"""Reading and checking annotation and prediction files: codebook §4 quote records as JSON Lines,
one file per article or one file for many, every problem reported as ``file:line: what; fix``."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from pipeline.records import KINDS, STANCES, Quote, RecordError

REQUIRED = Quote.REQUIRED


def validate_record(data: Any) -> list[str]:
    """Problems with the shape of one quote record (codebook §4), each 'what; fix: how'.

    Checks only what the record itself shows; :mod:`evaluation.annotate` adds the checks that
    need the article text and the target list.
    """
    if not isinstance(data, dict):
        return [
            f"expected a JSON object, got {type(data).__name__}; fix: write one JSON object per line"
        ]
    problems = []
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        problems.append(
            f"missing field(s) {', '.join(missing)}; fix: add them (codebook §4 record shape)"
        )
    if "article" in data and not (isinstance(data["article"], str) and data["article"]):
        problems.append(
            "'article' must be a non-empty string; fix: use the article id (corpus file stem)"
        )
    if "id" in data and not (isinstance(data["id"], str) and data["id"]):
        problems.append(
            f"'id' must be a non-empty string, got {data['id']!r}; fix: use ids like \"q01\""
        )
    offsets_ok = True
    for name in ("start", "end"):
        if name in data and (not isinstance(data[name], int) or isinstance(data[name], bool)):
            problems.append(
                f"'{name}' must be an integer, got {data[name]!r}; fix: give a character offset"
            )
            offsets_ok = False
    if offsets_ok and "start" in data and "end" in data and not 0 <= data["start"] < data["end"]:
        problems.append(
            f"span {data['start']}..{data['end']} is not a non-empty span; fix: need 0 <= start < end"
        )
        offsets_ok = False
    if "text" in data:
        if not isinstance(data["text"], str):
            problems.append("'text' must be a string; fix: copy article[start:end]")
        elif (
            offsets_ok
            and "start" in data
            and "end" in data
            and len(data["text"]) != data["end"] - data["start"]
        ):
            problems.append(
                f"text has {len(data['text'])} characters but the span {data['start']}..{data['end']} has "
                f"{data['end'] - data['start']}; fix: set text = article[start:end] or correct the offsets"
            )
    if "kind" in data and data["kind"] not in KINDS:
        problems.append(
            f"kind {data['kind']!r} is not one of {', '.join(KINDS)}; fix: use a codebook §1 kind"
        )
    for name in ("speaker", "organisation", "cue"):
        if data.get(name) is not None and not isinstance(data[name], str):
            problems.append(
                f"'{name}' must be a string or null, got {data[name]!r}; fix: write the name as text"
            )
    ss, se = data.get("speaker_start"), data.get("speaker_end")
    if (ss is None) != (se is None):
        problems.append(
            "speaker_start and speaker_end must both be set or both be null; fix: give both offsets"
        )
    elif ss is not None:
        if any(not isinstance(v, int) or isinstance(v, bool) for v in (ss, se)):
            problems.append(
                f"speaker offsets must be integers, got {ss!r}..{se!r}; fix: give character offsets"
            )
        elif not 0 <= ss < se:
            problems.append(
                f"speaker mention {ss}..{se} is not a non-empty span; fix: need 0 <= speaker_start < speaker_end"
            )
    stances = data.get("stances", [])
    if stances is None:
        stances = []
    if not isinstance(stances, list):
        problems.append(
            '\'stances\' must be a list; fix: write [] or [{"target": ..., "stance": ...}]'
        )
    else:
        seen: set[str] = set()
        for k, s in enumerate(stances):
            if not isinstance(s, dict) or "target" not in s or "stance" not in s:
                problems.append(
                    f"stances[{k}] must be an object with 'target' and 'stance'; fix: add the missing key"
                )
                continue
            if not isinstance(s["target"], str) or not s["target"]:
                problems.append(
                    f"stances[{k}].target must be a target id; fix: use an id from targets.yaml"
                )
            elif s["target"] in seen:
                problems.append(
                    f"target {s['target']!r} is listed twice; fix: keep one stance per target"
                )
            else:
                seen.add(s["target"])
            if s["stance"] not in STANCES:
                close = difflib.get_close_matches(str(s["stance"]).lower(), STANCES, n=1)
                hint = (
                    f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(STANCES)}"
                )
                problems.append(
                    f"stances[{k}].stance {s['stance']!r} is not a stance label; fix: {hint}"
                )
    return problems


def _jsonl_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix == ".jsonl" and p.is_file())
    return [path]


def read_records(
    path: Path, *, expect_article: str | None = None
) -> tuple[list[tuple[int, dict, Quote | None]], list[str]]:
    """Every line of one JSONL file as (line number, object, quote or None) with the problems found.

    A record is kept as a quote whenever one can be built from it, even with problems (they are
    reported); a line that cannot make a quote is reported and gives None.
    """
    rows: list[tuple[int, dict, Quote | None]] = []
    problems: list[str] = []
    try:
        handle = open(path, encoding="utf-8", newline="")
    except OSError as exc:
        return rows, [f"{path}: cannot read ({exc.strerror}); fix: check the path"]
    with handle:
        try:
            lines = handle.read().splitlines()
        except UnicodeDecodeError as exc:
            return rows, [
                f"{path}: not UTF-8 ({exc.reason} at byte {exc.start}); fix: save the file as UTF-8"
            ]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(
                f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); fix: one JSON object per line"
            )
            continue
        found = validate_record(data)
        if (
            isinstance(data, dict)
            and expect_article is not None
            and data.get("article") not in (None, expect_article)
        ):
            found.append(
                f"article {data.get('article')!r} does not match the file name {expect_article!r}; "
                f"fix: move the record to {data.get('article')}.jsonl or correct 'article'"
            )
        problems.extend(f"{where}: {p}" for p in found)
        quote = None
        if isinstance(data, dict):
            try:
                quote = Quote.from_json(data)
            except (RecordError, TypeError, ValueError, AttributeError) as exc:
                if not found:
                    problems.append(f"{where}: {exc}; fix: correct the record (codebook §4)")
                quote = None
        rows.append((number, data if isinstance(data, dict) else {}, quote))
    return rows, problems


def load_quotes(path: str | Path) -> tuple[list[Quote], set[str], list[str]]:
    """Quotes from a directory of ``<article>.jsonl`` files or from one JSONL file.

    Returns (quotes, article ids present, problems). In a directory every file names an article
    that is present even when the file is empty; in a single file the articles present are those
    of its records. Problems read 'file:line: what; fix: how'; records that cannot be read are
    left out, records with lesser problems are kept. Duplicate (article, id) pairs are reported.
    """
    path = Path(path)
    if not path.exists():
        return (
            [],
            set(),
            [f"{path}: no such file or directory; fix: give a gold directory or a .jsonl file"],
        )
    quotes: list[Quote] = []
    articles: set[str] = set()
    problems: list[str] = []
    files = _jsonl_files(path)
    if path.is_dir() and not files:
        problems.append(f"{path}: no .jsonl files; fix: write one <article>.jsonl per article")
    seen: dict[tuple[str, str], str] = {}
    for file in files:
        stem = file.stem if path.is_dir() else None
        if stem is not None:
            articles.add(stem)
        rows, found = read_records(file, expect_article=stem)
        problems.extend(found)
        for number, _, quote in rows:
            if quote is None:
                continue
            key = (quote.article, quote.id)
            if key in seen:
                problems.append(
                    f"{file}:{number}: duplicate id {quote.id!r} in article {quote.article!r} (first at {seen[key]}); "
                    "fix: give every quote of an article its own id"
                )
            else:
                seen[key] = f"{file}:{number}"
            quotes.append(quote)
            if stem is None:
                articles.add(quote.article)
    return quotes, articles, problems
