"""A run folder's ``work/`` area, shared by both engines: the run's configuration and one
completion record per article, written atomically, which is what makes a killed run resumable.

A record is ``work/<article id>.json``: ``{"status", "segments", "quotes", "hash"}``; an article
counts as done when its record says ``ok`` and its hash matches the text read now.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline.corpus import InputProblem
from pipeline.jsonl import atomic_writer, write_json
from pipeline.records import Article, ArticleStatus

WORK = "work"
CONFIG = "config.json"


def run_config(corpus: str | Path, options) -> dict:
    """What must be the same for a run to resume: options (a dataclass), corpus path, model
    weights, domain, version and the code itself (the version does not change between commits)."""
    return {
        "options": asdict(options),
        "corpus": str(Path(corpus).resolve()),
        "model_hash": model_hash(options.model),
        "domain_hash": domain_hash(getattr(options, "domain", None)),
        "version": package_version("stancemap"),
        "code_hash": code_hash(),
    }


_CODE = Path(__file__).resolve().parents[1]  # the folder holding the pipeline and models packages


@functools.lru_cache(maxsize=1)  # the installed code does not change while a process runs
def code_hash() -> str:
    """``source_hash`` of the installed ``pipeline`` and ``models`` packages."""
    return source_hash(_CODE)


def source_hash(root: Path) -> str:
    """sha256 over the source and asset files of ``root``'s ``pipeline`` and ``models`` packages:
    a run resumed after the code changed would mix two versions' results."""
    digest = hashlib.sha256()
    for package in ("pipeline", "models"):
        for file in sorted((root / package).rglob("*")):
            if file.is_file() and file.suffix in (".py", ".yaml", ".css", ".js"):
                digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def domain_hash(path: str | Path | None) -> str:
    """sha256 over a domain folder's files (the bundled one for None) and the English lexicon:
    editing them restarts a run."""
    from pipeline.domain import ACTORS_FILE, DEFAULT_DOMAIN, TARGETS_FILE
    from pipeline.lexicon import ENGLISH, LEXICON_FILE

    folder = Path(path) if path is not None else DEFAULT_DOMAIN
    digest = hashlib.sha256()
    for name, file in (
        (TARGETS_FILE, folder / TARGETS_FILE),
        (ACTORS_FILE, folder / ACTORS_FILE),
        (LEXICON_FILE, folder / LEXICON_FILE),
        ("english", ENGLISH),
    ):
        digest.update(name.encode() + b"\0" + (file.read_bytes() if file.exists() else b""))
    return digest.hexdigest()


def prepare_work(work: Path, config: dict, progress: Callable[[str], None]) -> None:
    """Keep ``work`` when it was made with the same ``config``; otherwise empty it (and say so)."""
    config_path = work / CONFIG
    if config_path.exists():
        previous = json.loads(config_path.read_text(encoding="utf-8"))
        if previous != config:
            progress(
                f"{work}: options, corpus, model, domain or code changed since the last run; starting afresh"
            )
            shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    write_json(config_path, config)


def pending(
    items: Iterable[Article | InputProblem], work: Path, *, progress: Callable[[str], None]
) -> tuple[list[Article], int]:
    """The articles of ``items`` still to analyse, and how many were already done. Input problems
    get their error record (and one line on ``progress``) here."""
    todo: list[Article] = []
    resumed = 0
    for item in items:
        if isinstance(item, InputProblem):
            progress(f"error: {item.error}")
            status = ArticleStatus(id=item.id, status="error", error=item.error)
            write_record(work, item.id, {"status": status.to_json(), "segments": [], "quotes": []})
        elif is_done(work, item):
            resumed += 1
        else:
            todo.append(item)
    return todo, resumed


def is_done(work: Path, article: Article) -> bool:
    path = work / f"{article.id}.json"
    if not path.exists():
        return False
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return record.get("hash") == text_hash(article) and record["status"]["status"] == "ok"


def write_record(work: Path, article_id: str, record: dict) -> None:
    with atomic_writer(work / f"{article_id}.json") as handle:
        json.dump(record, handle, ensure_ascii=False)


def text_hash(article: Article) -> str:
    return hashlib.sha256(article.text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def model_hash(model: str | None) -> str | None:
    """sha256 over a trained model's card and learned weights (those it has); None when there is
    no model."""
    if not model or not (Path(model) / "model_card.json").exists():
        return None
    digest = hashlib.sha256()
    for name in (
        "model_card.json",
        "linker.npz",
        "polarity.pt",
        "heads.pt",
        "encoder/model.safetensors",
    ):
        path = Path(model) / name
        if path.exists():
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def package_version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None
