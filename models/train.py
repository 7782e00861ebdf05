"""Training the stance model and cross-validating it: importable functions behind `stancemap train|cv`."""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, Sequence

from models.baselines import LinearBaseline, MajorityBaseline
from models.card import CARD, MODEL_FORMAT, TARGETS_COPY
from models.crossval import cross_validate, markdown_table, paired_bootstrap
from models.encoder import MINILM, MPNET, shared_encoder
from models.examples import (
    EXAMPLE_FORMAT,
    Example,
    examples_from_quotes,
    file_hashes,
    load_synthetic,
    synthetic_files,
    text_key,
)
from models.stance import StanceModel
from pipeline.jsonl import read_jsonl, write_bytes, write_json, write_text
from pipeline.records import Quote
from pipeline.resources import (
    ANNOTATIONS,
    CORPUS_DIR,
    GOLD_DIR,
    TARGETS_PATH,
    TRAINING_SLICES,
    load_targets,
)

SYNTHETIC_PATH = ANNOTATIONS / "synthetic"
# the synthetic article slices whose gold stances train the model, and the slices that only test it
SYNTHETIC_ARTICLES = tuple(ANNOTATIONS / "synthetic_articles" / name for name in TRAINING_SLICES)
HELDOUT_LINES = ANNOTATIONS / "synthetic_stance_heldout"
HELDOUT_ARTICLES = ANNOTATIONS / "synthetic_articles" / "heldout"
CV_RESULTS = Path(__file__).resolve().parents[1] / "evaluation" / "results" / "stance_cv.json"
HELDOUT_RESULTS = CV_RESULTS.with_name("stance_heldout.json")
CURVE_RESULTS = CV_RESULTS.with_name("stance_curve.json")


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def gold_examples(
    gold_dir: Path, corpus_dir: Path, *, synthetic: bool = False
) -> tuple[list[Example], list[Path]]:
    """Examples from every gold file whose article text is in the corpus folder (``synthetic``:
    the articles were written by the team, so their examples train but never score)."""
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
    examples = examples_from_quotes(quotes, texts)
    if synthetic:
        examples = [replace(e, synthetic=True) for e in examples]
    return examples, files


def synthetic_examples(
    synthetic_path: Path | None, articles: Path | Sequence[Path] | None
) -> tuple[list[Example], list[Path]]:
    """The synthetic training examples: the lines at ``synthetic_path`` (a file or a folder of
    files) and the gold quotes of the synthetic articles in ``articles`` (one folder with
    ``articles/`` and ``gold/``, or several), with the files they were read from."""
    examples: list[Example] = []
    files: list[Path] = []
    if synthetic_path is not None:
        files += synthetic_files(synthetic_path)
        examples += load_synthetic(synthetic_path)
    folders = [articles] if isinstance(articles, (str, Path)) else list(articles or ())
    for folder in map(Path, folders):
        if (folder / "gold").is_dir():
            written, gold_files = gold_examples(
                folder / "gold", folder / "articles", synthetic=True
            )
            examples += written
            files += gold_files
    return examples, files


def train_model(
    *,
    out: Path,
    gold_dir: Path = GOLD_DIR,
    corpus_dir: Path = CORPUS_DIR,
    synthetic_path: Path | None = SYNTHETIC_PATH,
    synthetic_articles: Path | Sequence[Path] | None = SYNTHETIC_ARTICLES,
    targets_path: Path = TARGETS_PATH,
    device: str = "auto",
    epochs: int | None = None,
    seed: int = 13,
    linker_encoder: str | None = None,
    polarity_layers: int | None = None,
    max_examples: int | None = None,
    if_stale: bool = False,
    progress: Callable[[str], None] = _say,
) -> Path:
    """Fit the stance model on synthetic lines plus all gold, and save it with its model card and
    a copy of its targets file (a run refuses the model for other targets).
    With ``if_stale``, keep a model at ``out`` that was trained on the same data files and
    settings by this version of the model (what `make run` wants) and only say so."""
    targets = load_targets(targets_path)
    synthetic, synthetic_data = synthetic_examples(synthetic_path, synthetic_articles)
    gold, gold_files = gold_examples(gold_dir, corpus_dir)
    data_files = [Path(targets_path)] + synthetic_data + gold_files
    if if_stale:
        reason = stale_reason(
            out,
            data_files=data_files,
            params=StanceModel(
                **train_settings(device, epochs, seed, linker_encoder, polarity_layers)
            ).get_params(),
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
    model = StanceModel(
        **train_settings(device, epochs, seed, linker_encoder, polarity_layers)
    ).fit(examples, targets, progress=progress)
    card = {
        "data": {
            "files": {relative_path(p): h for p, h in file_hashes(data_files).items()},
            "example_format": EXAMPLE_FORMAT,
            "n_synthetic_quotes": sum(e.synthetic for e in examples),
            "n_gold_quotes": sum(not e.synthetic for e in examples),
        },
        "seed": seed,
        "cross_validation": matching_cv(data_files, model.get_params()),
        "heldout_evaluation": _matching_result(HELDOUT_RESULTS, data_files, model.get_params()),
        "learning_curve": _matching_result(
            CURVE_RESULTS, data_files, model.get_params(), keep=("rows",)
        ),
        "targets_file": TARGETS_COPY,
        "intended_use": f"Stance of quotes toward the targets of {relative_path(Path(targets_path))} (English news).",
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
        relative_path(p): h for p, h in file_hashes(data_files).items()
    }:
        return "the training data files changed"
    if card.get("data", {}).get("example_format") != EXAMPLE_FORMAT:
        return f"examples were built in format {card.get('data', {}).get('example_format') or 1}, this version builds {EXAMPLE_FORMAT}"
    old, new = _model_settings(card.get("params", {})), _model_settings(params)
    if old != new:
        changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
        return f"settings changed ({', '.join(changed)})"
    return None


def train_settings(
    device: str,
    epochs: int | None,
    seed: int,
    linker_encoder: str | None = None,
    polarity_layers: int | None = None,
) -> dict:
    """StanceModel settings from the command line; unset ones keep the model's defaults."""
    return {
        "device": device,
        "seed": seed,
        **({"epochs": epochs} if epochs is not None else {}),
        **({"linker_encoder": linker_encoder} if linker_encoder else {}),
        **({"polarity_layers": polarity_layers} if polarity_layers is not None else {}),
    }


def _model_settings(params: dict) -> dict:
    """The settings that make two stance models the same model (where they run and where the
    base encoder was read from aside)."""
    return {k: v for k, v in params.items() if k not in ("device", "encoder_path")}


def relative_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(__file__).resolve().parents[1]))
    except ValueError:
        return str(path)


def matching_cv(data_files: list[Path], params: dict) -> dict | None:
    """The committed cross-validation results, when they were made on these data files."""
    if not CV_RESULTS.exists():
        return None
    result = json.loads(CV_RESULTS.read_text(encoding="utf-8"))
    hashes = {relative_path(p): h for p, h in file_hashes(data_files).items()}
    if result.get("data_files") != hashes:
        return {
            "status": "stale: data changed since the last `stancemap cv`; rerun it",
            "file": relative_path(CV_RESULTS),
        }
    if _model_settings(result.get("params", {}).get("finetuned", {})) != _model_settings(params):
        return {
            "status": "stale: the model's settings differ from those of the last `stancemap cv`; rerun it",
            "file": relative_path(CV_RESULTS),
        }
    return {
        "file": relative_path(CV_RESULTS),
        **{
            k: {**v["pooled"], **{x: v[x] for x in ("stances_per_second", "variant_of") if x in v}}
            for k, v in result["models"].items()
        },
    }


def _matching_result(
    path: Path, data_files: list[Path], params: dict, *, keep: tuple[str, ...] | None = None
) -> dict | None:
    """A committed evaluation (held-out figures or learning curve) when it was made on these
    data files with these settings; otherwise where it is and why it does not apply."""
    if not path.exists():
        return None
    result = json.loads(path.read_text(encoding="utf-8"))
    hashes = {relative_path(p): h for p, h in file_hashes(data_files).items()}
    if result.get("data_files") != hashes:
        return {
            "status": "stale: data changed since it was made; rerun it",
            "file": relative_path(path),
        }
    if _model_settings(result.get("params", {}).get("finetuned", {})) != _model_settings(params):
        return {
            "status": "stale: made with other model settings; rerun it",
            "file": relative_path(path),
        }
    if keep:
        return {"file": relative_path(path), **{k: result[k] for k in keep if k in result}}
    return {
        "file": relative_path(path),
        **{
            k: {"pooled": v["pooled"], **({"slices": v["slices"]} if "slices" in v else {})}
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
    synthetic_path: Path | None = SYNTHETIC_PATH,
    synthetic_articles: Path | Sequence[Path] | None = SYNTHETIC_ARTICLES,
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
        "finetuned-frozen-polarity",
    ),
    overrides: dict | None = None,
    progress: Callable[[str], None] = _say,
) -> dict:
    """Leave-one-article-out CV of the fine-tuned model and the three baselines; writes JSON + markdown."""
    overrides = dict(overrides or {})
    targets = load_targets(targets_path)
    synthetic, synthetic_data = synthetic_examples(synthetic_path, synthetic_articles)
    gold, gold_files = gold_examples(gold_dir, corpus_dir)
    if len({e.group for e in gold}) < 2:
        raise ValueError(f"{gold_dir}: leave-one-article-out needs gold for at least two articles")
    factories, variants = _factories(device, epochs, seed, overrides)
    with _memoised_encoders(models):
        result = cross_validate(
            gold,
            synthetic,
            targets,
            factories={k: factories[k] for k in models if k in factories},
            variants={k: v for k, v in variants.items() if k in models},
            progress=progress,
        )
    data_files = [Path(targets_path)] + synthetic_data + gold_files
    result["data_files"] = {relative_path(p): h for p, h in file_hashes(data_files).items()}
    result["params"] = {
        "finetuned": StanceModel(**train_settings(device, epochs, seed), **overrides).get_params()
    }
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


def _factories(
    device: str, epochs: int | None, seed: int, overrides: dict | None = None
) -> tuple[dict, dict]:
    """The models every evaluation compares (the fine-tuned one with ``overrides`` of its
    settings) and the variants scored from each fitted fine-tuned model without training again."""
    factories = {
        "majority": MajorityBaseline,
        "tfidf-lr": lambda: LinearBaseline(features="tfidf", seed=seed),
        "embedding-lr": lambda: LinearBaseline(features="embedding", encoder=MINILM, seed=seed),
        "embedding-lr-mpnet": lambda: LinearBaseline(
            features="embedding", encoder=MPNET, seed=seed
        ),
        "finetuned": lambda: StanceModel(
            **train_settings(device, epochs, seed), **(overrides or {})
        ),
    }
    # the same fitted weights with dynamic int8 quantisation of the Linear layers, or under
    # bfloat16 autocast (CPU inference)
    variants = {
        "finetuned-int8": ("finetuned", lambda model: model.quantized_copy()),
        "finetuned-bf16": ("finetuned", lambda model: model.bf16_copy()),
        # ablation: polarity from the fine-tuned (split) cross-encoder alone (no frozen-embedding LR)
        "finetuned-polarity-alone": ("finetuned", lambda model: model.crossencoder_polarity_copy()),
        # ablation: polarity from the frozen-embedding regression alone (no fine-tuned layers)
        "finetuned-frozen-polarity": ("finetuned", lambda model: model.frozen_polarity_copy()),
    }
    return factories, variants


class _Trained:
    """A model trained already, in the place of a factory's unfitted one (``fit`` returns it)."""

    def __init__(self, model):
        self.model = model

    def fit(self, examples, targets):
        return self.model


@contextmanager
def _memoised_encoders(models: Sequence[str]):
    """Every fold and model embeds a text once with each frozen encoder (same vectors, less time);
    nested, the outermost call's memo serves all."""
    users = {MINILM: {"embedding-lr"}, MPNET: {"embedding-lr-mpnet", "finetuned"}}
    memos = [shared_encoder(name, "cpu") for name, names in users.items() if names & set(models)]
    memos = [encoder for encoder in memos if encoder.memo is None]  # an outer call keeps its own
    for encoder in memos:
        encoder.memo = {}
    try:
        yield
    finally:
        for encoder in memos:
            encoder.memo = None
            encoder.state_memo = {}


def run_heldout(
    *,
    out: Path = HELDOUT_RESULTS,
    heldout_lines: Path = HELDOUT_LINES,
    heldout_articles: Path | None = HELDOUT_ARTICLES,
    gold_dir: Path = GOLD_DIR,
    corpus_dir: Path = CORPUS_DIR,
    synthetic_path: Path | None = SYNTHETIC_PATH,
    synthetic_articles: Path | Sequence[Path] | None = SYNTHETIC_ARTICLES,
    targets_path: Path = TARGETS_PATH,
    device: str = "auto",
    epochs: int | None = None,
    seed: int = 13,
    models: tuple[str, ...] = (
        "majority",
        "tfidf-lr",
        "finetuned",
        "finetuned-polarity-alone",
        "finetuned-frozen-polarity",
    ),
    overrides: dict | None = None,
    model_path: Path | None = None,
    progress: Callable[[str], None] = _say,
) -> dict:
    """Every model trained once on all training data (synthetic lines and articles, all gold),
    scored on the held-out synthetic slices: lines written separately (own writers and
    registers) and the held-out synthetic articles' gold quotes (gold spans). Synthetic text,
    so these figures are never reported as accuracy on real text; writes JSON + markdown.
    ``model_path``: score that trained model as ``finetuned`` instead of training one (refused
    unless its card names the same data files)."""
    overrides = dict(overrides or {})
    targets = load_targets(targets_path)
    synthetic, synthetic_data = synthetic_examples(synthetic_path, synthetic_articles)
    gold, gold_files = gold_examples(gold_dir, corpus_dir)
    lines = [replace(e, group="heldout-lines") for e in load_synthetic(heldout_lines)]
    articles, article_files = (
        gold_examples(
            Path(heldout_articles) / "gold", Path(heldout_articles) / "articles", synthetic=True
        )
        if heldout_articles is not None
        else ([], [])
    )
    test = lines + articles
    if not test:
        raise ValueError(
            f"{heldout_lines}: no held-out examples; fix: point --heldout at synthetic lines"
        )
    # a held-out quote whose words a training line repeats is not held out: left out of the test
    seen = {text_key(e.text) for e in synthetic + gold}
    overlap = [e.key for e in test if text_key(e.text) in seen]
    if overlap:
        progress(f"{len(overlap)} held-out quotes also occur in the training data; not scored")
        lines = [e for e in lines if e.key not in overlap]
        articles = [e for e in articles if e.key not in overlap]
        test = lines + articles
    train = synthetic + gold
    factories, variants = _factories(device, epochs, seed, overrides)
    data_files = [Path(targets_path)] + synthetic_data + gold_files
    if model_path is not None:
        card = json.loads((Path(model_path) / CARD).read_text(encoding="utf-8"))
        if card.get("data", {}).get("files") != {
            relative_path(p): h for p, h in file_hashes(data_files).items()
        }:
            raise ValueError(
                f"{model_path}: trained on other data files than these; fix: train it again "
                "(`stancemap train`) or drop --model to train one here"
            )
        trained = StanceModel.load(model_path, targets=targets, device=device)
        overrides = {
            k: v
            for k, v in trained.get_params().items()
            if k not in ("device", "encoder_path", "seed", "epochs")
        }
        factories["finetuned"] = lambda: _Trained(trained)
    with _memoised_encoders(models):
        result = cross_validate(
            [],
            [],
            targets,
            factories={k: factories[k] for k in models if k in factories},
            variants={k: v for k, v in variants.items() if k in models},
            progress=progress,
            splits=[("heldout", train, test)],
            slices={
                "lines": lambda e: e.group == "heldout-lines",
                "articles": lambda e: e.group != "heldout-lines",
            },
        )
    test_files = synthetic_files(heldout_lines) + article_files
    result["data_files"] = {relative_path(p): h for p, h in file_hashes(data_files).items()}
    result["test_files"] = {relative_path(p): h for p, h in file_hashes(test_files).items()}
    result["n_training_quotes"] = len(train)
    result["n_test"] = {"lines": len(lines), "articles": len(articles)}
    result["not_scored_overlap"] = overlap
    if model_path is not None:
        result["finetuned_model"] = {
            "path": str(model_path),
            "train_seconds": card.get("train_seconds"),
        }
    result["params"] = {
        "finetuned": StanceModel(**train_settings(device, epochs, seed), **overrides).get_params()
    }
    write_json(out, result)
    tables = [
        f"Trained on {len(train)} quotes ({sum(e.synthetic for e in train)} synthetic); "
        "scored on synthetic text written apart from the training data (never accuracy on real text).",
        "",
        "All held-out quotes:",
        "",
        markdown_table(result),
    ]
    for name, size in (("lines", len(lines)), ("articles", len(articles))):
        if size:
            tables += [
                "",
                f"Slice `{name}` ({size} quotes):",
                "",
                markdown_table(result, slice_name=name),
            ]
    write_text(Path(out).with_suffix(".md"), "\n".join(tables) + "\n")
    progress("\n" + "\n".join(tables))
    return result


def run_curve(
    *,
    out: Path = CURVE_RESULTS,
    gold_dir: Path = GOLD_DIR,
    corpus_dir: Path = CORPUS_DIR,
    synthetic_path: Path | None = SYNTHETIC_PATH,
    synthetic_articles: Path | Sequence[Path] | None = SYNTHETIC_ARTICLES,
    targets_path: Path = TARGETS_PATH,
    device: str = "auto",
    epochs: int | None = None,
    seed: int = 13,
    models: tuple[str, ...] = ("majority", "tfidf-lr", "finetuned"),
    sizes: Sequence[int] | None = None,
    overrides: dict | None = None,
    resume: bool = True,
    progress: Callable[[str], None] = _say,
) -> dict:
    """Stance macro-F1 against the number of gold articles trained on (``learning_curve``):
    writes JSON, CSV, markdown and an SVG chart, so that a researcher sees whether labelling
    more articles would help. With ``resume``, the rows of an earlier curve at ``out`` made on
    the same data files and settings are kept and only the missing sizes are trained."""
    from models.crossval import learning_curve
    from pipeline.report_svg import curve_svg

    targets = load_targets(targets_path)
    synthetic, synthetic_data = synthetic_examples(synthetic_path, synthetic_articles)
    gold, gold_files = gold_examples(gold_dir, corpus_dir)
    factories, _ = _factories(device, epochs, seed, overrides)
    unknown = [m for m in models if m not in factories]
    if unknown:
        raise ValueError(
            f"--models: {', '.join(unknown)} cannot be trained on a curve; fix: choose from {', '.join(factories)}"
        )
    data_files = [Path(targets_path)] + synthetic_data + gold_files
    params = StanceModel(**train_settings(device, epochs, seed), **(overrides or {})).get_params()
    earlier = _matching_result(Path(out), data_files, params, keep=("rows",)) if resume else None
    if earlier is not None and "status" in earlier:
        progress(f"curve: {earlier['file']} is {earlier['status']}; every size is trained again")
    with _memoised_encoders(models):
        rows = learning_curve(
            gold,
            synthetic,
            targets,
            factories={m: factories[m] for m in models},
            sizes=sizes,
            done=(earlier or {}).get("rows", ()),
            progress=progress,
        )
    measured = {(r["model"], r["gold_articles"]) for r in rows}
    rows += [  # sizes and models of the earlier curve this run did not ask for are kept too
        r
        for r in (earlier or {}).get("rows", ())
        if (r["model"], r["gold_articles"]) not in measured
    ]
    order = list(dict.fromkeys([*models, *(r["model"] for r in rows)]))
    rows.sort(key=lambda r: (order.index(r["model"]), r["gold_articles"]))
    result = {
        "rows": rows,
        "n_gold_articles": len({e.group for e in gold}),
        "n_synthetic_training_quotes": len(synthetic),
        "data_files": {relative_path(p): h for p, h in file_hashes(data_files).items()},
        "params": {"finetuned": params},
    }
    write_json(out, result)
    columns = [
        "model",
        "gold_articles",
        "stance_macro_f1",
        "stance_macro_f1_given_targets",
        "target_f1",
        "n_gold_pairs",
    ]
    write_text(
        Path(out).with_suffix(".csv"),
        "\n".join([",".join(columns)] + [",".join(str(r[c]) for c in columns) for r in rows])
        + "\n",
    )
    series = {
        m: [(r["gold_articles"], r["stance_macro_f1"]) for r in rows if r["model"] == m]
        for m in models
    }
    write_text(
        Path(out).with_suffix(".svg"),
        curve_svg(
            series, x_label="gold articles trained on", y_label="stance macro-F1 (end to end)"
        )
        + "\n",
    )
    table = [
        "| model | gold articles | stance macro-F1 (end to end) | (gold targets) | target F1 |",
        "|---|---|---|---|---|",
    ]
    table += [
        f"| {r['model']} | {r['gold_articles']} | {r['stance_macro_f1']:.3f} | {r['stance_macro_f1_given_targets']:.3f} | {r['target_f1']:.3f} |"
        for r in rows
    ]
    write_text(Path(out).with_suffix(".md"), "\n".join(table) + "\n")
    progress("\n" + "\n".join(table))
    return result
