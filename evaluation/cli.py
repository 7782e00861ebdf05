"""The evaluation commands: ``stancemap evaluate``, ``stancemap annotate check|agree|prepare|import``
and ``stancemap bench``. Thin typer wrappers: the work is in ``evaluation.scoring``,
``evaluation.annotate``, ``evaluation.labelstudio`` and ``evaluation.bench``; ``pipeline.cli``
mounts them on the one app.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import typer

from evaluation.annotate import (
    DEFAULT_CORPUS,
    DEFAULT_GOLD,
    agreement,
    check_with_stats,
    render_agreement,
    target_problems,
)
from evaluation.bench import RESULTS, ROOT, BenchSettings, markdown, run_bench
from evaluation.gold import load_quotes
from evaluation.labelstudio import (
    LabelStudioError,
    read_export,
    read_run_for_tasks,
    tasks_from_quotes,
    uncertain_tasks,
    write_tasks,
)
from evaluation.scoring import evaluate
from evaluation.tables import FORMATS, render
from pipeline.corpus import read_metadata
from pipeline.domain import DOMAIN_HELP, DomainError, targets_file, targets_hash
from pipeline.jsonl import write_jsonl, write_text
from pipeline.records import Quote
from pipeline.resources import Target, load_targets

TARGETS_HELP = "A targets.yaml to use instead of the domain's (wins over --domain)."


def _load_targets(path: Path) -> tuple[Target, ...]:
    """The targets of ``path``; a file that cannot be used exits 2 with its problems."""
    try:
        return load_targets(path)
    except DomainError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


def _stray_targets(path: Path, quotes: list[Quote], ids: set[str], targets_path: Path) -> list[str]:
    """``file:line`` problems for stances toward targets outside ``ids``; the files are read
    again (for the line numbers) only when there are some."""
    if all(s.target in ids for q in quotes for s in q.stances):
        return []
    return target_problems([path], ids, targets_path)


def evaluate_command(
    gold: Path = typer.Option(
        ..., "--gold", help="Gold: a directory of <article>.jsonl files or one .jsonl file."
    ),
    pred: Path = typer.Option(
        ...,
        "--pred",
        help="Predicted quotes: a .jsonl file, a directory of them, or a run folder with quotes.jsonl.",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Also write the metrics here: JSON for .json, markdown for .md, else --format.",
    ),
    format: str = typer.Option(
        "table", "--format", help="table | json | markdown (printed to stdout)."
    ),
    n_boot: int = typer.Option(
        1000, "--n-boot", help="Bootstrap resamples of articles for the 95% CIs (0 = none)."
    ),
    by: str | None = typer.Option(
        None,
        "--by",
        help="Also report every figure per value of this metadata column (e.g. genre, publisher).",
    ),
    metadata: Path | None = typer.Option(
        None, "--metadata", help="The corpus's metadata.csv that --by reads (id column + --by)."
    ),
    domain: Optional[Path] = typer.Option(
        None,
        "--domain",
        help=DOMAIN_HELP + " Stances toward targets outside its targets.yaml are reported.",
    ),
) -> None:
    """Score predicted quotes against gold annotations (codebook §5): quote detection, attribution,
    targets, stance, matrix; per article, with bootstrap CIs and a majority baseline."""
    if format not in FORMATS:
        typer.echo(f"error: --format {format!r} is not one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    if not gold.exists():
        typer.echo(
            f"error: {gold}: no such file or directory; fix: point --gold at the gold annotations",
            err=True,
        )
        raise typer.Exit(2)
    if not pred.exists():
        typer.echo(
            f"error: {pred}: no such file or directory; fix: point --pred at a run's quotes.jsonl",
            err=True,
        )
        raise typer.Exit(2)
    if pred.is_dir() and (pred / "quotes.jsonl").is_file():  # a run folder: score its quotes
        pred = pred / "quotes.jsonl"
    targets_path = targets_file(domain)
    target_list = _load_targets(targets_path)
    groups = None
    if by is not None:
        if metadata is None or not metadata.is_file():
            typer.echo(
                f"error: --by {by} needs the corpus's metadata; fix: add --metadata CORPUS/metadata.csv",
                err=True,
            )
            raise typer.Exit(2)
        try:
            rows = read_metadata(metadata)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from exc
        if rows and not any(by in row for row in rows.values()):
            columns = ", ".join(next(iter(rows.values())))
            typer.echo(f"error: {metadata}: no column {by!r}; fix: use one of {columns}", err=True)
            raise typer.Exit(2)
        groups = {a: row.get(by, "") for a, row in rows.items()}
    gold_quotes, gold_articles, gold_problems = load_quotes(gold)
    pred_quotes, _, pred_problems = load_quotes(pred)
    ids = {t.id for t in target_list}
    gold_problems += _stray_targets(gold, gold_quotes, ids, targets_path)
    pred_problems += _stray_targets(pred, pred_quotes, ids, targets_path)
    for problem in gold_problems:
        typer.echo(f"gold: {problem}", err=True)
    for problem in pred_problems:
        typer.echo(f"pred: {problem}", err=True)
    if not gold_articles:
        typer.echo(
            f"error: {gold}: no gold articles to score; fix: add <article>.jsonl files", err=True
        )
        raise typer.Exit(1)
    metrics = evaluate(
        gold_quotes, pred_quotes, gold_articles=gold_articles, n_boot=n_boot, groups=groups
    )
    if by is not None:
        metrics["group_by"] = by
    metrics["problems"] = {"gold": gold_problems, "pred": pred_problems}
    metrics["inputs"] = {
        "gold": str(gold),
        "pred": str(pred),
        "targets": str(targets_path),
        "targets_hash": targets_hash(target_list),
    }
    if metrics["n_pred_unscored"]:
        typer.echo(
            f"note: {metrics['n_pred_unscored']} predicted quote(s) in {len(metrics['unscored_articles'])} "
            "article(s) without gold were not scored",
            err=True,
        )
    typer.echo(render(metrics, format), nl=False)
    if out is not None:
        fmt = {".json": "json", ".md": "markdown"}.get(out.suffix.lower(), format)
        write_text(out, render(metrics, fmt))


annotate_app = typer.Typer(
    help="Gold annotations: check them, measure agreement between passes.", no_args_is_help=True
)


@annotate_app.command("check")
def check_command(
    paths: list[Path] | None = typer.Argument(
        None, help="Gold directories or .jsonl files (default annotations/gold)."
    ),
    corpus: Path = typer.Option(
        DEFAULT_CORPUS, "--corpus", help="Directory of <article>.txt files."
    ),
    domain: Optional[Path] = typer.Option(None, "--domain", help=DOMAIN_HELP),
    targets: Path | None = typer.Option(None, "--targets", help=TARGETS_HELP),
) -> None:
    """Validate gold annotation files; one line per problem naming file, line and the fix."""
    targets_path = targets or targets_file(domain)
    problems, stats = check_with_stats(
        paths or [DEFAULT_GOLD], corpus_dir=corpus, targets_path=targets_path
    )
    for problem in problems:
        typer.echo(problem)
    summary = (
        f"{stats['files']} file(s), {stats['quotes']} record(s), {stats['articles']} article(s)"
    )
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {summary}", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {summary}")


@annotate_app.command("agree")
def agree_command(
    a: Path = typer.Argument(
        ..., help="First annotation set (directory of <article>.jsonl or a .jsonl file)."
    ),
    b: Path = typer.Argument(..., help="Second annotation set."),
    format: str = typer.Option("table", "--format", help="table | json"),
    out: Path | None = typer.Option(None, "--out", help="Also write the figures as JSON here."),
) -> None:
    """Agreement between two annotation passes: quote spans, attribution, targets, stance kappa/alpha."""
    if format not in ("table", "json"):
        typer.echo(f"error: --format {format!r} is not one of table, json", err=True)
        raise typer.Exit(2)
    for path in (a, b):
        if not path.exists():
            typer.echo(
                f"error: {path}: no such file or directory; fix: give an annotation directory or .jsonl file",
                err=True,
            )
            raise typer.Exit(2)
    result = agreement(a, b)
    for side in ("a", "b"):
        for problem in result["problems"][side]:
            typer.echo(f"{side.upper()}: {problem}", err=True)
    if format == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_agreement(result), nl=False)
    if out is not None:
        from pipeline.jsonl import write_json

        write_json(out, result)


def _write_tasks(tasks, out: Path, config: Path | None, target_list, problems: list[str]) -> None:
    for problem in problems:
        _echo(problem)
    config_path, n_quotes = write_tasks(tasks, out, config, target_list)
    _echo(
        f"wrote {len(tasks)} task(s) with {n_quotes} suggested quote(s) -> {out}; labeling config -> {config_path}"
    )
    if problems:
        raise typer.Exit(1)


def _echo(message: str) -> None:
    typer.echo(message, err=True)


def prepare_command(
    articles: Path | None = typer.Argument(
        None, help="Corpus to pre-annotate: a folder of .txt/.html files or a .jsonl file."
    ),
    out: Path = typer.Option(
        ...,
        "--out",
        help="Label Studio tasks to write (JSON); the labeling config goes beside it as <name>.xml.",
    ),
    run: Path | None = typer.Option(
        None,
        "--run",
        help="Run folder: convert it (alone), or write/resume the pipeline run there (with ARTICLES).",
    ),
    model: Path | None = typer.Option(
        Path("models/stance"),
        "--model",
        help="Stance model for the pipeline run (ignored with --run alone).",
    ),
    config: Path | None = typer.Option(
        None, "--config", help="Where to write the labeling config (default OUT with suffix .xml)."
    ),
    domain: Optional[Path] = typer.Option(
        None,
        "--domain",
        help=DOMAIN_HELP + " The pipeline runs with it; with --run alone the default is the "
        "run's own domain.",
    ),
    targets: Optional[Path] = typer.Option(
        None,
        "--targets",
        help="targets.yaml: the stance targets offered to annotators (default: the domain's; "
        "wins over --domain).",
    ),
    predictions: bool = typer.Option(
        True,
        "--predictions/--no-predictions",
        help="Suggest the pipeline's quotes (default), or give annotators bare articles (for an unbiased agreement pass).",
    ),
    select: str = typer.Option(
        "all",
        "--select",
        help="all: a task per article; uncertain: only the articles holding the --n quotes whose "
        "links or stances the --model is least sure of, most uncertain first (each task lists "
        "them in its check_first field).",
    ),
    n: int = typer.Option(50, "--n", help="With --select uncertain: how many quotes."),
) -> None:
    """Pre-annotate articles with the pipeline and write Label Studio import tasks plus the labeling config."""
    if select not in ("all", "uncertain"):
        _echo(f"--select {select}: choose all or uncertain")
        raise typer.Exit(2)
    if select == "uncertain" and (model is None or not (model / "model_card.json").exists()):
        _echo(
            f"--select uncertain needs a trained stance model; {model} has none; fix: `stancemap train --out {model}` or --model FOLDER"
        )
        raise typer.Exit(2)
    if select == "uncertain" and not predictions:
        _echo("--select uncertain ranks the model's predictions; drop --no-predictions")
        raise typer.Exit(2)
    if domain is None and articles is None and run is not None:
        domain = _run_domain(run)  # converting a run: offer the targets it was made with
    targets_path = targets or targets_file(domain)
    target_list = _load_targets(targets_path)
    if articles is None and run is None:
        _echo(
            "give ARTICLES (a corpus to run the pipeline on) or --run RUN (an existing run folder)"
        )
        raise typer.Exit(2)
    if articles is not None and not articles.exists():
        _echo(f"{articles}: no such file or directory; fix: give a corpus folder or .jsonl file")
        raise typer.Exit(2)
    if articles is not None and not predictions:
        from pipeline.corpus import InputProblem, iter_corpus

        texts, titles, problems = {}, {}, []
        for item in iter_corpus(articles):
            if isinstance(item, InputProblem):
                problems.append(f"{item.error}; it gets no task")
            else:
                texts[item.id], titles[item.id] = item.text, item.title
        tasks = [dict(task, predictions=[]) for task in tasks_from_quotes([], texts, titles=titles)]
        _write_tasks(tasks, out, config, target_list, problems)
        return
    tmp = None
    try:
        if articles is not None:
            from pipeline.run import RunOptions, RunRefused, run_pipeline

            run_dir = run
            if run_dir is None:
                tmp = tempfile.mkdtemp(prefix="stancemap-prepare-")
                run_dir = Path(tmp)
            model_path = str(model) if model is not None and model.exists() else None
            options = RunOptions(
                model=model_path, domain=str(domain.resolve()) if domain is not None else None
            )
            try:
                run_pipeline(articles, out=run_dir, options=options)
            except (DomainError, RunRefused) as error:  # a bad domain, a model for other targets
                _echo(f"error: {error}")
                raise typer.Exit(2) from None
        else:
            run_dir = run
        assert run_dir is not None
        try:
            quotes, texts, titles, problems = read_run_for_tasks(run_dir)
        except LabelStudioError as exc:
            _echo(str(exc))
            raise typer.Exit(2) from None
        version = "stancemap"
        manifest = run_dir / "manifest.json"
        if manifest.exists():
            try:
                info = json.loads(manifest.read_text(encoding="utf-8"))
                version = f"stancemap {info.get('versions', {}).get('stancemap') or ''} model {str(info.get('model_hash') or 'none')[:12]}".replace(
                    "  ", " "
                )
            except (OSError, ValueError):
                pass
        tasks = tasks_from_quotes(
            quotes,
            texts,
            titles=titles,
            targets=[t.id for t in target_list],
            model_version=version,
            problems=problems,
        )
        if select == "uncertain":
            tasks = uncertain_tasks(
                tasks,
                quotes,
                _quote_uncertainty(quotes, texts, model, targets_path, target_list),
                n,
            )
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    if not predictions:
        for task in tasks:
            task["predictions"] = []
    _write_tasks(tasks, out, config, target_list, problems)


def _run_domain(run: Path) -> Path | None:
    """The domain folder a run folder was made with (its manifest); None for the bundled one or
    when the folder is no run (reading it reports that)."""
    from pipeline.rerun import run_options
    from pipeline.run import RunRefused

    try:
        options, _ = run_options(run)
    except RunRefused:
        return None
    return Path(options.domain) if options.domain else None


def _quote_uncertainty(quotes, texts, model: Path, targets_path: Path, target_list):
    """The stance model's uncertainty about each quote (``StanceModel.uncertainty``)."""
    from models.examples import examples_from_quotes
    from models.stance import StanceModel

    stance_model = StanceModel.load(model, targets=target_list, targets_path=targets_path)
    return stance_model.uncertainty(examples_from_quotes(quotes, texts))


def import_command(
    export: Path = typer.Argument(..., help="Label Studio export, format JSON (a list of tasks)."),
    out: Path = typer.Option(
        Path("annotations/gold"),
        "--out",
        help="Folder for the gold files, one <article>.jsonl per article.",
    ),
    annotator: str | None = typer.Option(
        None,
        "--annotator",
        help="Only this annotator's annotations: the Label Studio user id (the export's completed_by).",
    ),
    corpus: Path | None = typer.Option(
        Path("corpus"),
        "--corpus",
        help="Check each task's text against CORPUS/<article>.txt (skipped when absent).",
    ),
    domain: Optional[Path] = typer.Option(None, "--domain", help=DOMAIN_HELP),
    targets: Optional[Path] = typer.Option(
        None,
        "--targets",
        help="targets.yaml: the valid target ids (default: the domain's; wins over --domain).",
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite existing gold files."),
) -> None:
    """Convert a Label Studio JSON export into validated gold files (codebook §4 records)."""
    try:
        data = json.loads(export.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _echo(
            f"{export}: cannot read a JSON export ({exc}); fix: export the project from Label Studio with format JSON"
        )
        raise typer.Exit(2) from None
    target_list = _load_targets(targets or targets_file(domain))
    gold, problems, notes = read_export(
        data, targets=[t.id for t in target_list], annotator=annotator
    )
    if corpus is not None and corpus.is_dir():
        texts = {
            t["data"]["article"]: t["data"]["text"]
            for t in data
            if isinstance(t, dict) and isinstance(t.get("data"), dict) and "article" in t["data"]
        }
        for article in list(gold):
            path = corpus / f"{article}.txt"
            if not path.exists():
                notes.append(
                    f"{path}: not in the corpus; offsets are into the task text (fix: add the article to the corpus)"
                )
                continue
            with open(path, encoding="utf-8", newline="") as handle:
                if handle.read() != texts.get(article):
                    problems.append(
                        f"{export}: the task text of {article} differs from {path}; fix: prepare the tasks again from this corpus"
                    )
                    gold.pop(article)
    for note in notes:
        _echo(f"note: {note}")
    existing = [out / f"{a}.jsonl" for a in gold if (out / f"{a}.jsonl").exists()]
    if existing and not force:
        for path in existing:
            _echo(
                f"{path}: exists; nothing written; fix: pass --force to overwrite, or --out another folder"
            )
        raise typer.Exit(1)
    n = 0
    for article, quotes in sorted(gold.items()):
        write_jsonl(out / f"{article}.jsonl", quotes)
        n += len(quotes)
    for problem in problems:
        typer.echo(problem)
    _echo(
        f"wrote {len(gold)} gold file(s) with {n} quote(s) -> {out}"
        + (f"; {len(problems)} problem(s), those articles not written" if problems else "")
    )
    if problems:
        raise typer.Exit(1)


def bench_command(
    sizes: str = typer.Option(
        "1000,10000", "--sizes", help="Comma-separated corpus sizes (articles) to measure."
    ),
    seeds: Path = typer.Option(
        ROOT / "corpus", "--seeds", help="Corpus whose articles are replicated."
    ),
    model: Optional[Path] = typer.Option(
        ROOT / "models" / "stance",
        "--model",
        help="Stance model (its stage is skipped when absent).",
    ),
    out: Path = typer.Option(
        RESULTS / "bench.json",
        "--out",
        help="Where to write the figures (JSON; Markdown beside it).",
    ),
    work: Optional[Path] = typer.Option(
        None, "--work", help="Scratch folder (default: a temporary one, removed after)."
    ),
    batch_size: int = typer.Option(8, "--batch-size", help="spaCy batch size."),
    n_process: int = typer.Option(1, "--n-process", help="spaCy worker processes."),
    chunk_size: int = typer.Option(64, "--chunk-size", help="Articles per completion chunk."),
    engine: str = typer.Option("local", "--engine", help="local | ray"),
    bf16: Optional[bool] = typer.Option(
        None, "--bf16/--no-bf16", help="Passed to stancemap run (default: the run's own, auto)."
    ),
    overlap: bool = typer.Option(
        True, "--overlap/--no-overlap", help="Passed to stancemap run (default: overlap)."
    ),
    int8: bool = typer.Option(
        False, "--int8/--no-int8", help="Passed to stancemap run (default: no int8)."
    ),
    ratios: bool = typer.Option(
        True,
        "--ratios/--no-ratios",
        help="Also time spaCy parse-only and textacy on the same texts.",
    ),
) -> None:
    """Speed and memory on the seed corpus replicated to each size: articles/s, seconds per stage,
    peak memory, run/parse and quotes/textacy ratios."""
    try:
        numbers = tuple(int(x) for x in sizes.split(",") if x.strip())
    except ValueError:
        raise typer.BadParameter(
            f"--sizes {sizes!r}: give whole numbers separated by commas, e.g. 1000,10000"
        ) from None
    settings = BenchSettings(
        batch_size=batch_size,
        n_process=n_process,
        chunk_size=chunk_size,
        engine=engine,
        bf16=bf16,
        overlap=overlap,
        int8=int8,
        ratios=ratios,
    )
    report = run_bench(
        sizes=numbers,
        seeds=seeds,
        model=model,
        out=out,
        work=work,
        settings=settings,
        progress=lambda m: print(f"[{time.strftime('%H:%M:%S')}] {m}", file=sys.stderr, flush=True),
    )
    typer.echo(markdown(report))


def probe_polnear_command(
    folder: Path = typer.Argument(
        ..., help="The PolNeAR folder (holding <split>/text, <split>/attributions, metadata.tsv)."
    ),
    split: str = typer.Option("dev", "--split", help="Compartment to probe (train or dev)."),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Also write the figures here: JSON for .json, else markdown."
    ),
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N articles."),
    sample: int = typer.Option(25, "--sample", help="Unmatched predictions to list for reading."),
) -> None:
    """Recall of the quote stage on PolNeAR's speech attributions with identifiable sources, by
    cue class, source class and publisher, with an indicative precision (a development probe:
    nothing from the folder is stored in the project)."""
    from evaluation.polnear import markdown as probe_markdown
    from evaluation.polnear import probe, read_split
    from pipeline.domain import load_domain
    from pipeline.stages import QuoteStage

    try:
        articles = read_split(folder, split, limit)
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    stage = QuoteStage(load_domain(None))

    def extract(batch):
        out: dict = {}
        for k in range(0, len(batch), 16):
            output = stage(batch[k : k + 16])
            for problem in output.failures.values():
                typer.echo(f"warning: {problem}", err=True)
            out.update({r.article.id: list(r.quotes) for r in output.results})
            typer.echo(f"parsed {min(k + 16, len(batch))}/{len(batch)} articles", err=True)
        return out

    result = probe(articles, extract, sample=sample)
    text = probe_markdown(result, split=split)
    typer.echo(text, nl=False)
    if out is not None:
        body = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
        write_text(out, body if out.suffix.lower() == ".json" else text)
