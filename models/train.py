"""Training the stance model and cross-validating it: importable functions behind `stancemap train|cv`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Callable

from models.baselines import LinearBaseline, MajorityBaseline
from models.crossval import cross_validate, markdown_table, paired_bootstrap
from models.encoder import MINILM, MPNET, shared_encoder
from models.examples import (
    EXAMPLE_FORMAT,
    Example,
    examples_from_quotes,
    file_hashes,
    load_synthetic,
)
from models.stance import CARD, MODEL_FORMAT, TARGETS_COPY, StanceModel
from pipeline.jsonl import read_jsonl, write_bytes, write_json, write_text
from pipeline.records import Quote
from pipeline.resources import ANNOTATIONS, CORPUS_DIR, GOLD_DIR, TARGETS_PATH, load_targets

SYNTHETIC_PATH = ANNOTATIONS / "synthetic" / "stance.jsonl"
CV_RESULTS = Path(__file__).resolve().parents[1] / "evaluation" / "results" / "stance_cv.json"


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def gold_examples(gold_dir: Path, corpus_dir: Path) -> tuple[list[Example], list[Path]]:
    """Examples from every gold file whose article text is in the corpus folder."""
    files = sorted(Path(gold_dir).glob("*.jsonl")) if Path(gold_dir).is_dir() else []
    quotes: list[Quote] = []
    texts: dict[str, str] = {}
    for file in files:
        quotes.extend(read_jsonl(file, Quote))
    for article in {q.article for q in quotes}:
        path = Path(corpus_dir) / f"{article}.txt"
        if path.exists():
            with open(path, encoding="utf-8", newline="") as handle:
                texts[article] = handle.read()
    return examples_from_quotes(quotes, texts), files


def train_model(
    *,
    out: Path,
    gold_dir: Path = GOLD_DIR,
    corpus_dir: Path = CORPUS_DIR,
    synthetic_path: Path = SYNTHETIC_PATH,
    targets_path: Path = TARGETS_PATH,
    device: str = "auto",
    epochs: int | None = None,
    seed: int = 13,
    linker_encoder: str | None = None,
    max_examples: int | None = None,
    if_stale: bool = False,
    progress: Callable[[str], None] = _say,
) -> Path:
    """Fit the stance model on synthetic lines plus all gold, and save it with its model card and
    a copy of its targets file (a run refuses the model for other targets).
    With ``if_stale``, keep a model at ``out`` that was trained on the same data files and
    settings by this version of the model (what `make run` wants) and only say so."""
    targets = load_targets(targets_path)
    synthetic = load_synthetic(synthetic_path) if Path(synthetic_path).exists() else []
    gold, gold_files = gold_examples(gold_dir, corpus_dir)
    data_files = [Path(targets_path)] + ([Path(synthetic_path)] if synthetic else []) + gold_files
    if if_stale:
        reason = stale_reason(
            out,
            data_files=data_files,
            params=StanceModel(**_settings(device, epochs, seed, linker_encoder)).get_params(),
        )
        if reason is None:
            progress(
                f"{out}: trained on the same data and settings; not retraining (drop --if-stale to force)"
            )
            return Path(out)
        progress(f"{out}: {reason}; training")
    examples = synthetic + gold
    if max_examples:
        examples = examples[:max_examples]
    if not examples:
        raise ValueError(f"no training data: {synthetic_path} and {gold_dir} are empty")
    model = StanceModel(**_settings(device, epochs, seed, linker_encoder)).fit(
        examples, targets, progress=progress
    )
    card = {
        "data": {
            "files": {_rel(p): h for p, h in file_hashes(data_files).items()},
            "example_format": EXAMPLE_FORMAT,
            "n_synthetic_quotes": sum(e.synthetic for e in examples),
            "n_gold_quotes": sum(not e.synthetic for e in examples),
        },
        "seed": seed,
        "cross_validation": _matching_cv(data_files, model.get_params()),
        "targets_file": TARGETS_COPY,
        "intended_use": f"Stance of quotes toward the targets of {_rel(Path(targets_path))} (English news).",
        "evaluation_note": "Figures are leave-one-article-out on gold articles the fold did not train on; synthetic lines are never scored.",
    }
    model.save(out, card=card)
    write_bytes(Path(out) / TARGETS_COPY, Path(targets_path).read_bytes())
    progress(f"saved model to {out} ({model.train_seconds_}s training)")
    return Path(out)


def stale_reason(out: Path, *, data_files: list[Path], params: dict) -> str | None:
    """Why the model at ``out`` needs training again, or None when it is current: it is missing,
    was saved by another model format, or used other data files or settings (device aside)."""
    card_path = Path(out) / CARD
    if not card_path.exists():
        return f"no {CARD}"
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"{CARD} unreadable ({error})"
    if card.get("format") != MODEL_FORMAT:
        return (
            f"saved in model format {card.get('format') or 1}, this version writes {MODEL_FORMAT}"
        )
    if not card.get("targets_hash") or not (Path(out) / TARGETS_COPY).exists():
        return f"it keeps no copy of the targets it was trained on ({TARGETS_COPY})"
    if card.get("data", {}).get("files") != {
        _rel(p): h for p, h in file_hashes(data_files).items()
    }:
        return "the training data files changed"
    if card.get("data", {}).get("example_format") != EXAMPLE_FORMAT:
        return f"examples were built in format {card.get('data', {}).get('example_format') or 1}, this version builds {EXAMPLE_FORMAT}"
    old, new = _model_settings(card.get("params", {})), _model_settings(params)
    if old != new:
        changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
        return f"settings changed ({', '.join(changed)})"
    return None


def _settings(
    device: str, epochs: int | None, seed: int, linker_encoder: str | None = None
) -> dict:
    """StanceModel settings from the command line; unset ones keep the model's defaults."""
    return {
        "device": device,
        "seed": seed,
        **({"epochs": epochs} if epochs is not None else {}),
        **({"linker_encoder": linker_encoder} if linker_encoder else {}),
    }


def _model_settings(params: dict) -> dict:
    """The settings that make two stance models the same model (where they run and where the
    base encoder was read from aside)."""
    return {k: v for k, v in params.items() if k not in ("device", "encoder_path")}


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(__file__).resolve().parents[1]))
    except ValueError:
        return str(path)


def _matching_cv(data_files: list[Path], params: dict) -> dict | None:
    """The committed cross-validation results, when they were made on these data files."""
    if not CV_RESULTS.exists():
        return None
    result = json.loads(CV_RESULTS.read_text(encoding="utf-8"))
    hashes = {_rel(p): h for p, h in file_hashes(data_files).items()}
    if result.get("data_files") != hashes:
        return {
            "status": "stale: data changed since the last `stancemap cv`; rerun it",
            "file": _rel(CV_RESULTS),
        }
    if _model_settings(result.get("params", {}).get("finetuned", {})) != _model_settings(params):
        return {
            "status": "stale: the model's settings differ from those of the last `stancemap cv`; rerun it",
            "file": _rel(CV_RESULTS),
        }
    return {
        "file": _rel(CV_RESULTS),
        **{
            k: {**v["pooled"], **{x: v[x] for x in ("stances_per_second", "variant_of") if x in v}}
            for k, v in result["models"].items()
        },
    }


def merge_models(previous: dict, result: dict, *, order: list[str]) -> dict:
    """``result``'s models plus the rows of ``previous`` (an earlier CV file) that are still valid:
    made on the same data files and folds and, for the fine-tuned model and its variants, with the
    same settings. In ``order`` (unknown names last)."""
    kept: dict = {}
    if (
        previous.get("data_files") == result["data_files"]
        and previous.get("folds") == result["folds"]
    ):
        kept = previous.get("models", {})
        if previous.get("params", {}).get("finetuned") != result["params"]["finetuned"]:
            kept = {
                k: v
                for k, v in kept.items()
                if k != "finetuned" and v.get("variant_of") != "finetuned"
            }
    merged = {**kept, **result["models"]}
    return {
        k: merged[k]
        for k in sorted(merged, key=lambda k: order.index(k) if k in order else len(order))
    }


def merge_pairs(previous: dict, current: dict, *, keep: list[str]) -> dict:
    """Per-pair predictions of the models in ``keep``: ``current``'s, else ``previous``'s when that
    table holds the same gold pairs."""
    same = {k: v for k, v in previous.items() if k != "models"} == {
        k: v for k, v in current.items() if k != "models"
    }
    merged = {**(previous.get("models", {}) if same else {}), **current["models"]}
    return {k: merged[k] for k in keep if k in merged}


def run_cv(
    *,
    out: Path = CV_RESULTS,
    gold_dir: Path = GOLD_DIR,
    corpus_dir: Path = CORPUS_DIR,
    synthetic_path: Path = SYNTHETIC_PATH,
    targets_path: Path = TARGETS_PATH,
    device: str = "auto",
    epochs: int | None = None,
    seed: int = 13,
    models: tuple[str, ...] = (
        "majority",
        "tfidf-lr",
        "embedding-lr",
        "embedding-lr-mpnet",
        "finetuned",
        "finetuned-int8",
        "finetuned-bf16",
        "finetuned-polarity-alone",
    ),
    progress: Callable[[str], None] = _say,
) -> dict:
    """Leave-one-article-out CV of the fine-tuned model and the three baselines; writes JSON + markdown."""
    targets = load_targets(targets_path)
    synthetic = load_synthetic(synthetic_path) if Path(synthetic_path).exists() else []
    gold, gold_files = gold_examples(gold_dir, corpus_dir)
    if len({e.group for e in gold}) < 2:
        raise ValueError(f"{gold_dir}: leave-one-article-out needs gold for at least two articles")
    factories = {
        "majority": MajorityBaseline,
        "tfidf-lr": lambda: LinearBaseline(features="tfidf", seed=seed),
        "embedding-lr": lambda: LinearBaseline(features="embedding", encoder=MINILM, seed=seed),
        "embedding-lr-mpnet": lambda: LinearBaseline(
            features="embedding", encoder=MPNET, seed=seed
        ),
        "finetuned": lambda: StanceModel(**_settings(device, epochs, seed)),
    }
    # the same fitted weights with dynamic int8 quantisation of the Linear layers, or under
    # bfloat16 autocast (CPU inference)
    variants = {
        "finetuned-int8": ("finetuned", lambda model: model.quantized_copy()),
        "finetuned-bf16": ("finetuned", lambda model: model.bf16_copy()),
        # ablation: polarity from the fine-tuned (split) cross-encoder alone (no frozen-embedding LR)
        "finetuned-polarity-alone": ("finetuned", lambda model: model.crossencoder_polarity_copy()),
    }
    # every fold and model embeds a text once with each frozen encoder (same vectors, less time)
    users = {MINILM: {"embedding-lr"}, MPNET: {"embedding-lr-mpnet", "finetuned"}}
    memos = [shared_encoder(name, "cpu") for name, names in users.items() if names & set(models)]
    for encoder in memos:
        encoder.memo = {}
    try:
        result = cross_validate(
            gold,
            synthetic,
            targets,
            factories={k: factories[k] for k in models if k in factories},
            variants={k: v for k, v in variants.items() if k in models},
            progress=progress,
        )
    finally:
        for encoder in memos:
            encoder.memo = None
            encoder.state_memo = {}
    data_files = [Path(targets_path)] + ([Path(synthetic_path)] if synthetic else []) + gold_files
    result["data_files"] = {_rel(p): h for p, h in file_hashes(data_files).items()}
    result["params"] = {"finetuned": StanceModel(**_settings(device, epochs, seed)).get_params()}
    if Path(out).exists():
        previous = json.loads(Path(out).read_text(encoding="utf-8"))
        result["models"] = merge_models(previous, result, order=[*factories, *variants])
        # the kept rows' per-pair predictions too, so that the bootstrap compares every row
        result["pairs"]["models"] = merge_pairs(
            previous.get("pairs") or {}, result["pairs"], keep=list(result["models"])
        )
        result["bootstrap"] = paired_bootstrap(result["pairs"], reference="finetuned")
    write_json(out, result)
    write_text(Path(out).with_suffix(".md"), markdown_table(result) + "\n")
    progress("\n" + markdown_table(result))
    return result
