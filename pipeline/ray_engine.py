"""The ray engine: the same stages as ``pipeline.run`` on Ray Data, writing the same run folder.

``stancemap run --engine ray [--address ...]``. The driver reads the corpus (streaming, in
windows of ``window`` articles), skips articles a previous run completed, and sends the rest
through two Ray Data batch maps:

1. segmentation + quote extraction (spaCy), a pool of actors each loading the spaCy model once;
2. stance classification, a pool of actors each loading the stance model once (one GPU per actor
   when the cluster has GPUs, otherwise CPU).

Each article comes back as the same completion record the local engine writes (``work/<id>.json``)
and is written by the driver (``pipeline.run.record_results``) as soon as it arrives, so a killed
ray run resumes like a local one (and a run may even be resumed with the other engine). The run
folder is then assembled by the local engine's own code, so both engines give the same articles,
segments, quotes and matrix (stance scores can differ in the last digits only if Ray batches the
stance pairs differently from the local chunks). Memory on the driver: one window of articles.

On a cluster (``address``): the driver reads the corpus and ships the texts; the ``pipeline`` and
``models`` packages are shipped as ``py_modules``; the stance model folder (``--model``) must be
readable at the same path on the workers (shared storage).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from pipeline import run as local
from pipeline.corpus import count_corpus, iter_corpus
from pipeline.domain import load_domain
from pipeline.progress import Progress
from pipeline.records import Article, Quote, Segment
from pipeline.stages import ArticleResult, QuoteStage, StageOutput, StanceStage
from pipeline.workdir import WORK, chunks, package_version, pending, prepare_work, run_config

DEFAULT_WINDOW = 2000


def _to_row(article: Article, result: ArticleResult | None, error: str, seconds: float) -> dict:
    """One Ray Data row: the article and its segments and quotes or failure, as JSON strings."""
    segments, quotes = (result.segments, result.quotes) if result is not None else ((), ())
    return {
        "article": json.dumps(article.to_json(), ensure_ascii=False),
        "segments": json.dumps([s.to_json() for s in segments], ensure_ascii=False),
        "quotes": json.dumps([q.to_json() for q in quotes], ensure_ascii=False),
        "ok": result is not None,
        "error": error,
        "seconds_quotes": seconds,
    }


def _from_rows(batch: dict) -> tuple[list[Article], StageOutput]:
    """Rows back to records: the articles, in row order, and their results and failures."""
    articles: list[Article] = []
    results: list[ArticleResult] = []
    failed: dict[str, str] = {}
    for i, raw in enumerate(batch["article"]):
        article = Article.from_json(json.loads(raw))
        articles.append(article)
        if batch["ok"][i]:
            segments = tuple(Segment.from_json(d) for d in json.loads(batch["segments"][i]))
            quotes = tuple(Quote.from_json(d) for d in json.loads(batch["quotes"][i]))
            results.append(ArticleResult(article, segments, quotes))
        else:
            failed[article.id] = str(batch["error"][i])
    return articles, StageOutput(results, failed)


def _columns(rows: list[dict]) -> dict:
    return {key: [row[key] for row in rows] for key in rows[0]} if rows else {}


class _SpacyStage:
    """Ray Data batch map around ``pipeline.stages.QuoteStage`` (spaCy loaded once per actor)."""

    def __init__(self, options: dict):
        from pipeline.domain import load_domain

        run_options = local.RunOptions(**options)
        # parallelism comes from the actor pool: one process per actor
        self.stage = QuoteStage(
            load_domain(run_options.domain), batch_size=run_options.batch_size, n_process=1
        )

    def __call__(self, batch: dict) -> dict:
        articles = [Article.from_json(json.loads(a)) for a in batch["article"]]
        timer: defaultdict[str, float] = defaultdict(float)
        output = self.stage(articles, timer=timer)
        by_id = {r.article.id: r for r in output.results}
        seconds = (timer["segment"] + timer["quotes"]) / max(1, len(articles))
        return _columns(
            [_to_row(a, by_id.get(a.id), output.failures.get(a.id, ""), seconds) for a in articles]
        )


class _StanceStage:
    """Ray Data batch map around ``pipeline.stages.StanceStage`` (the model loaded once per actor,
    on a GPU when the pool was given one)."""

    def __init__(self, options: dict, device: str):
        from pipeline.domain import load_domain

        run_options = local.RunOptions(**options)
        self.stage = StanceStage.load(
            run_options.model,
            load_domain(run_options.domain),
            device=device,
            int8=run_options.int8,
            bf16=run_options.bf16,
        )

    def __call__(self, batch: dict) -> dict:
        articles, output = _from_rows(batch)
        messages: list[str] = []
        t = time.perf_counter()
        results = self.stage(output.results, progress=messages.append)
        seconds = (time.perf_counter() - t) / max(1, len(articles))
        by_id = {r.article.id: r for r in results}
        failed = output.failures
        out = _columns([_to_row(a, by_id.get(a.id), failed.get(a.id, ""), 0.0) for a in articles])
        out["seconds_quotes"] = list(batch["seconds_quotes"])
        out["seconds_stance"] = [seconds] * len(articles)
        out["message"] = ["; ".join(messages)] * len(articles)
        out["device"] = [self.stage.device] * len(articles)  # for the manifest
        return out


def run_ray(
    corpus: str | Path,
    *,
    out: str | Path,
    options: "local.RunOptions" = local.RunOptions(),
    address: str | None = None,
    window: int = DEFAULT_WINDOW,
    num_cpus: int | None = None,
    progress: Callable[[str], None] = local.say,
) -> "local.RunSummary":
    """Run every stage over ``corpus`` on Ray Data and write the run folder ``out`` (the same
    folder ``pipeline.run.run_pipeline`` writes); resumable. ``address``: an existing Ray cluster
    (``ray://host:10001`` or ``auto``); without it a local Ray instance is started and stopped."""
    import logging

    import ray

    logging.getLogger("ray").setLevel(
        logging.WARNING
    )  # stderr stays one line per failure plus our progress
    out = Path(out)
    work = out / WORK
    summary = local.RunSummary(out=out)
    timer = summary.seconds
    started = time.perf_counter()

    config = run_config(corpus, options)
    model_hash = config["model_hash"]
    local.check_model_targets(
        options, load_domain(options.domain), model_hash
    )  # refused before Ray starts
    prepare_work(work, config, progress)
    if not model_hash:
        progress(
            f"WARNING: no trained stance model at {options.model!r}: quotes get no stances; run `stancemap train` first"
        )

    t = time.perf_counter()
    started_here = False
    if not ray.is_initialized():
        code = (
            Path(local.__file__).resolve().parents[1]
        )  # the checkout the driver runs: workers import the same code
        if address:
            import models
            import pipeline

            runtime_env = {
                "py_modules": [pipeline, models],
                "excludes": ["*.safetensors", "*.pt", "*.bin", "__pycache__"],
            }
            ray.init(
                address=address,
                runtime_env=runtime_env,
                log_to_driver=False,
                logging_level=logging.WARNING,
            )
        else:
            ray.init(
                num_cpus=num_cpus,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
                object_store_memory=256 * 1024 * 1024,
                runtime_env={"env_vars": {"PYTHONPATH": str(code)}},
            )
        started_here = True
    timer["load"] += time.perf_counter() - t
    devices: set[str] = set()
    try:
        order = _run_windows(
            corpus,
            out=out,
            work=work,
            options=options,
            model_hash=model_hash,
            window=window,
            summary=summary,
            progress=progress,
            devices=devices,
        )
    finally:
        if started_here:
            ray.shutdown()

    card = _model_card(options.model) if model_hash else None
    # where and at which precision the stance actors computed, e.g. "ray: cpu, bfloat16"
    device = f"ray: {'; '.join(sorted(devices))}" if devices else "ray"
    return local.finish_run(
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
        engine={"name": "ray", "ray": package_version("ray"), "address": address},
    )


def _model_card(path: str | None):
    try:
        return json.loads((Path(path) / "model_card.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None


def _run_windows(
    corpus,
    *,
    out: Path,
    work: Path,
    options,
    model_hash,
    window: int,
    summary,
    progress,
    devices: set[str] | None = None,
) -> list[str]:
    """Process the corpus window by window; ``devices`` collects the stance actors' device and precision."""
    import logging

    import ray

    timer = summary.seconds
    order: list[str] = []
    for name in ("ray.data", "ray.data._internal.execution.streaming_executor"):
        logging.getLogger(name).setLevel(logging.WARNING)
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False
    gpus = int(ray.cluster_resources().get("GPU", 0))
    cpus = int(ray.cluster_resources().get("CPU", 1))
    device = "cuda" if gpus and options.device in ("auto", "cuda") else options.device
    stance_cpus = (
        1 if model_hash and device != "cuda" and cpus > 1 else 0
    )  # 0: may share a core, never waits for one
    spacy_actors = max(1, min(options.n_process, cpus - stance_cpus))

    bar = Progress(count_corpus(corpus), label="articles", say=progress)
    for items in chunks(
        iter_corpus(corpus, encoding=options.encoding, max_chars=options.max_chars), window
    ):
        order.extend(item.id for item in items)
        todo, resumed = pending(items, work, progress=progress)
        summary.n_resumed += resumed
        bar.advance(
            len(items) - len(todo) - resumed, skipped=resumed
        )  # input problems are done at once
        if not todo:
            continue
        t = time.perf_counter()
        ds = ray.data.from_items(
            [{"article": json.dumps(a.to_json(), ensure_ascii=False)} for a in todo],
            override_num_blocks=max(1, -(-len(todo) // options.chunk_size)),
        )
        ds = ds.map_batches(
            _SpacyStage,
            fn_constructor_kwargs={"options": asdict(options)},
            batch_size=options.chunk_size,
            compute=ray.data.ActorPoolStrategy(size=spacy_actors),
            num_cpus=1,
            batch_format="numpy",
        )
        if model_hash:
            ds = ds.map_batches(
                _StanceStage,
                fn_constructor_kwargs={"options": asdict(options), "device": device},
                batch_size=options.chunk_size,
                compute=ray.data.ActorPoolStrategy(size=max(1, gpus) if device == "cuda" else 1),
                num_gpus=1 if device == "cuda" else 0,
                num_cpus=stance_cpus,
                batch_format="numpy",
            )
        last_message = ""
        for batch in ds.iter_batches(batch_size=options.chunk_size, batch_format="numpy"):
            timer["quotes"] += float(sum(batch["seconds_quotes"]))
            if "seconds_stance" in batch:
                timer["stance"] += float(sum(batch["seconds_stance"]))
                for message in batch["message"]:
                    if message and message != last_message:  # one line per failed stance batch
                        progress(message)
                        last_message = message
                if devices is not None:
                    devices.update(str(d) for d in batch["device"])
            articles, output = _from_rows(batch)
            w = time.perf_counter()
            local.record_results(out, work, articles, output, progress=progress)
            timer["write"] += time.perf_counter() - w
            bar.advance(len(articles))
        timer["ray"] += time.perf_counter() - t
    return order
