"""Later stages again over a finished run folder, from its stage files (no parsing):

* ``rebuild_run`` (``stancemap report RUN``): statements, matrix, networks and report from
  ``quotes.jsonl``, ``articles.jsonl`` and the options recorded in ``manifest.json``;
* ``classify_run`` (``stancemap stance RUN --model M``): every quote's stances again with a stance
  model (the article texts come from ``RUN/texts/``), then ``rebuild_run``. The completion records
  in ``work/`` and the manifest are brought in line, so ``stancemap run`` with the new model and
  the same options resumes that folder instead of starting afresh.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Callable, Iterator

from pipeline.domain import load_domain
from pipeline.jsonl import atomic_writer, iter_jsonl, read_good_records, write_json
from pipeline.records import Article, ArticleStatus, Quote, RecordError
from pipeline.run import (
    RunOptions,
    RunRefused,
    check_model_targets,
    final_phase_copy,
    say,
    write_outputs,
)
from pipeline.stages import ArticleResult, StanceStage
from pipeline.workdir import CONFIG, WORK, chunks, model_hash, write_record

MANIFEST = "manifest.json"


@dataclass
class RerunSummary:
    quotes: int = 0
    stances: int = 0
    problems: list[str] | None = None
    seconds: dict[str, float] | None = None


def run_options(run_dir: Path) -> tuple[RunOptions, dict]:
    """The options a run folder was made with (``manifest.json``'s ``config``) and the manifest."""
    path = Path(run_dir) / MANIFEST
    if not (Path(run_dir) / "quotes.jsonl").exists():
        raise RunRefused(
            f"{run_dir}: no quotes.jsonl; is it a run folder? Make one with `stancemap run CORPUS --out {run_dir}`"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        manifest = {}
    except (OSError, ValueError) as error:
        raise RunRefused(
            f"{path}: unreadable ({error}); the run's options are unknown, run `stancemap run` again"
        ) from None
    config = manifest.get("config") if isinstance(manifest.get("config"), dict) else {}
    known = {f.name for f in fields(RunOptions)}
    return RunOptions(**{k: v for k, v in config.items() if k in known}), manifest


def read_run_quotes(run_dir: Path) -> tuple[list[Quote], list[ArticleStatus], list[str]]:
    """A run folder's quotes (as the final phase holds them), article statuses and problems."""
    problems: list[str] = []
    quotes: list[Quote] = []
    for _, item in iter_jsonl(Path(run_dir) / "quotes.jsonl", Quote):
        (
            problems.append(str(item))
            if isinstance(item, RecordError)
            else quotes.append(final_phase_copy(item))
        )
    statuses, more = read_good_records(
        Path(run_dir) / "articles.jsonl", ArticleStatus, if_missing="article dates unknown"
    )
    return quotes, statuses, problems + more


def export_networks(
    run_dir: str | Path, *, out: str | Path | None = None
) -> tuple[list[Path], int, list[str]]:
    """Write a run's networks and DNA statement table (``stancemap export``) into ``out`` (default
    ``RUN/networks``): the paths written, the number of quotes read, and the problems met."""
    from pipeline.networks import write_networks

    run_dir = Path(run_dir)
    if not (run_dir / "quotes.jsonl").exists():
        raise RunRefused(
            f"{run_dir}: no quotes.jsonl; is it a run folder? Make one with `stancemap run CORPUS --out {run_dir}`"
        )
    quotes, statuses, problems = read_run_quotes(run_dir)
    dates = {s.id: s.date for s in statuses}
    from pipeline.statements import FILE, read_statements

    statements = None
    if (run_dir / FILE).exists():
        statements, more = read_statements(run_dir / FILE)
        problems += more
    paths = write_networks(
        quotes,
        Path(out) if out is not None else run_dir / "networks",
        dates=dates,
        statements=statements,
    )
    return paths, len(quotes), problems


def rebuild_run(run_dir: str | Path, *, progress: Callable[[str], None] = say) -> RerunSummary:
    """Write statements.jsonl, matrix.csv, networks/ and report.html again from the run's files."""
    run_dir = Path(run_dir)
    options, _ = run_options(run_dir)
    load_domain(
        options.domain
    )  # the report reads the targets' titles from it: refuse a bad one now
    quotes, statuses, problems = read_run_quotes(run_dir)
    for problem in problems:
        progress(f"warning: skipped {problem}")
    timer: defaultdict[str, float] = defaultdict(float)
    write_outputs(run_dir, quotes, statuses, options=options, timer=timer, progress=progress)
    t = time.perf_counter()
    from pipeline.report import write_report

    write_report(run_dir)
    timer["report"] += time.perf_counter() - t
    n_stances = sum(len(q.stances) for q in quotes)
    progress(
        f"rebuilt statements, matrix, networks and report from {len(quotes)} quotes ({n_stances} stances) -> {run_dir}"
    )
    return RerunSummary(
        quotes=len(quotes), stances=n_stances, problems=problems, seconds=dict(timer)
    )


def classify_run(
    run_dir: str | Path,
    *,
    model: str | Path,
    device: str = "auto",
    int8: bool = False,
    bf16: bool | None = None,
    chunk_size: int = 64,
    progress: Callable[[str], None] = say,
) -> RerunSummary:
    """Re-classify every quote of a run folder with the stance model at ``model`` and rebuild the
    outputs. The run's domain decides the targets; a model trained on others is refused."""
    run_dir = Path(run_dir)
    old_options, manifest = run_options(run_dir)
    options = replace(old_options, model=str(model), device=device, int8=int8, bf16=bf16)
    domain = load_domain(options.domain)
    new_hash = model_hash(options.model)
    if not new_hash:
        raise RunRefused(
            f"{model}: no trained stance model there (no model_card.json); train one with `stancemap train --out {model}`"
        )
    check_model_targets(options, domain, new_hash)
    started = time.perf_counter()
    stage = StanceStage.load(options.model, domain, device=device, int8=int8, bf16=bf16)
    problems: list[str] = []
    n_quotes = n_stances = 0
    by_article: dict[str, list[Quote]] = {}
    path = run_dir / "quotes.jsonl"
    with atomic_writer(path) as out:
        for group in chunks(_articles(path, problems), chunk_size):
            results = []
            for article_id, quotes in group:
                text = _text(run_dir, article_id)
                if text is None:
                    problems.append(
                        f"{run_dir / 'texts' / (article_id + '.txt')}: missing or unreadable; "
                        f"the quotes of {article_id} are written without stances"
                    )
                    results.append(
                        ArticleResult(
                            Article(id=article_id, text=""),
                            (),
                            tuple(replace(q, stances=()) for q in quotes),
                        )
                    )
                    continue
                results.append(ArticleResult(Article(id=article_id, text=text), (), tuple(quotes)))
            todo = [r for r in results if r.article.text]
            done = {r.article.id: r for r in stage(todo, progress=progress)} if todo else {}
            for result in results:
                quotes = done.get(result.article.id, result).quotes
                by_article[result.article.id] = list(quotes)
                for quote in quotes:
                    out.write(json.dumps(quote.to_json(), ensure_ascii=False) + "\n")
                    n_quotes += 1
                    n_stances += len(quote.stances)
            progress(f"{len(by_article)} articles' quotes classified")
            _sync_work(run_dir, {r.article.id: by_article[r.article.id] for r in results})
    seconds = time.perf_counter() - started
    _sync_config(run_dir, options, new_hash)
    manifest.update(
        {
            "config": asdict(options),
            "model_path": options.model,
            "model_hash": new_hash,
            "model": stage.card,
            "device": stage.device,
            "restanced": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    )
    manifest.setdefault("counts", {})["stances"] = n_stances
    manifest.setdefault("seconds", {})["stance"] = round(seconds, 3)
    write_json(run_dir / MANIFEST, manifest)
    del stage
    for problem in problems:
        progress(f"warning: {problem}")
    summary = rebuild_run(run_dir, progress=progress)
    summary.problems = problems + (summary.problems or [])
    summary.seconds = {"stance": seconds, **(summary.seconds or {})}
    return summary


def _articles(path: Path, problems: list[str]) -> Iterator[tuple[str, list[Quote]]]:
    """(article id, its quotes) in file order; quotes.jsonl holds each article's quotes together."""
    current: str | None = None
    quotes: list[Quote] = []
    for _, item in iter_jsonl(path, Quote):
        if isinstance(item, RecordError):
            problems.append(f"{item} (left out)")
            continue
        if item.article != current and quotes:
            yield current, quotes
            quotes = []
        current = item.article
        quotes.append(item)
    if quotes:
        yield current, quotes


def _text(run_dir: Path, article_id: str) -> str | None:
    try:
        with open(
            run_dir / "texts" / f"{article_id}.txt", encoding="utf-8", newline=""
        ) as handle:  # offsets: exactly as stored
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def _sync_work(run_dir: Path, quotes: dict[str, list[Quote]]) -> None:
    """Put the new stances in the completion records, so that a resumed run assembles them."""
    work = run_dir / WORK
    for article_id, article_quotes in quotes.items():
        path = work / f"{article_id}.json"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        record["quotes"] = [q.to_json() for q in article_quotes]
        write_record(work, article_id, record)


def _sync_config(run_dir: Path, options: RunOptions, new_hash: str) -> None:
    path = run_dir / WORK / CONFIG
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    config["options"] = asdict(options)
    config["model_hash"] = new_hash
    write_json(path, config)
