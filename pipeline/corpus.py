"""Reading a corpus: a folder of .txt/.html files (with an optional metadata.csv) or a .jsonl file.

Every input yields either an ``Article`` or an ``InputProblem`` that names the file (and line or
byte) and says how to fix it, so that one bad input never stops a batch.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pipeline.records import Article

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
DEFAULT_MAX_CHARS = 5_000_000
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]+")


@dataclass(frozen=True)
class InputProblem:
    """An input that could not be read as an article."""

    id: str
    source: str
    error: str


def safe_id(name: str) -> str:
    """An article id usable as a file name: the stem with unsafe characters replaced."""
    cleaned = _ID_UNSAFE.sub("_", name).strip("._")
    return cleaned or "article"


def decode(raw: bytes, *, source: str, encoding: str | None = None) -> str:
    """Decode bytes to text exactly as stored; raise ValueError with where and how to fix."""
    if not raw.strip():
        raise ValueError(f"{source}: empty file; remove it or add the article text")
    if b"\x00" in raw[:8192]:
        raise ValueError(
            f"{source}: binary data (NUL byte at {raw.index(0):,}); not a text article, remove it"
        )
    if encoding:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ValueError(
                f"{source}: cannot decode as {encoding} ({exc}); check --encoding"
            ) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        guess = (
            " or pass --encoding cp1252" if 0x80 <= byte <= 0x9F else " or pass --encoding latin-1"
        )
        raise ValueError(
            f"{source}: not UTF-8 (byte 0x{byte:02x} at {exc.start:,}); re-save as UTF-8{guess}"
        ) from exc


def read_metadata(path: Path) -> dict[str, dict[str, str]]:
    """``metadata.csv`` rows by id (columns id, title, publisher, date, url; extra columns kept)."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "id" not in reader.fieldnames:
            raise ValueError(f"{path}: needs a header row with an 'id' column")
        return {
            row["id"]: {k: (v or "").strip() for k, v in row.items() if k}
            for row in reader
            if row.get("id")
        }


def iter_corpus(
    path: str | Path,
    *,
    encoding: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[Article | InputProblem]:
    """Yield the articles of a corpus folder or JSONL file, in a stable order (sorted names / line order)."""
    path = Path(path)
    if path.is_dir():
        yield from _iter_folder(path, encoding=encoding, max_chars=max_chars)
    elif path.suffix == ".jsonl":
        yield from _iter_jsonl(path, max_chars=max_chars)
    elif path.is_file():
        yield from _iter_files([path], {}, encoding=encoding, max_chars=max_chars)
    else:
        raise FileNotFoundError(
            f"{path}: no such corpus; give a folder of .txt/.html files or a .jsonl file"
        )


def count_corpus(path: str | Path) -> int | None:
    """How many articles ``iter_corpus`` will yield (for progress), without reading them; None
    when the path is not a corpus."""
    path = Path(path)
    try:
        if path.is_dir():
            return sum(
                1
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES
            )
        if path.suffix == ".jsonl":
            with open(path, "rb") as handle:
                return sum(1 for line in handle if line.strip())
        return 1 if path.is_file() else None
    except OSError:
        return None


def _iter_folder(
    folder: Path, *, encoding: str | None, max_chars: int
) -> Iterator[Article | InputProblem]:
    try:
        metadata = read_metadata(folder / "metadata.csv")
    except ValueError as exc:
        yield InputProblem(id="metadata.csv", source=str(folder / "metadata.csv"), error=str(exc))
        metadata = {}
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES
    )
    yield from _iter_files(files, metadata, encoding=encoding, max_chars=max_chars)


def _iter_files(
    files: list[Path], metadata: dict[str, dict[str, str]], *, encoding: str | None, max_chars: int
) -> Iterator[Article | InputProblem]:
    seen: set[str] = set()
    for file in files:
        article_id = safe_id(file.stem)
        if article_id in seen:
            yield InputProblem(
                article_id,
                str(file),
                f"{file}: duplicate article id {article_id!r}; rename one of the files",
            )
            continue
        seen.add(article_id)
        try:
            raw = file.read_bytes()
            if file.suffix.lower() in HTML_SUFFIXES:
                from pipeline.htmltext import html_to_article

                if not raw.strip():
                    raise ValueError(f"{file}: empty file; remove it or add the page")
                article = html_to_article(raw, id=article_id, source=str(file))
            else:
                article = Article(
                    id=article_id,
                    text=decode(raw, source=str(file), encoding=encoding),
                    source=str(file),
                )
            if len(article.text) > max_chars:
                raise ValueError(
                    f"{file}: {len(article.text):,} characters is more than --max-chars {max_chars:,}; "
                    "split the file into articles or raise --max-chars"
                )
            meta = metadata.get(article_id) or metadata.get(file.stem) or {}
            yield _with_metadata(article, meta)
        except Exception as exc:  # one bad file must not stop the batch
            message = str(exc) if str(file) in str(exc) else f"{file}: {exc}"
            yield InputProblem(article_id, str(file), message)


def _iter_jsonl(path: Path, *, max_chars: int) -> Iterator[Article | InputProblem]:
    seen: set[str] = set()
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = json.loads(line)
                if (
                    not isinstance(data, dict)
                    or not isinstance(data.get("id"), (str, int))
                    or not isinstance(data.get("text"), str)
                ):
                    raise ValueError("needs an object with string 'id' and 'text'")
                article_id = safe_id(str(data["id"]))
                if article_id in seen:
                    raise ValueError(
                        f"duplicate article id {article_id!r}; give each article its own id"
                    )
                seen.add(article_id)
                text = data["text"]
                text.encode("utf-8")  # surrogates from undecodable bytes fail here
                if not text.strip():
                    raise ValueError("empty 'text'")
                if len(text) > max_chars:
                    raise ValueError(
                        f"{len(text):,} characters is more than --max-chars {max_chars:,}"
                    )
                yield Article(
                    id=article_id,
                    text=text,
                    title=_opt(data.get("title")),
                    date=_opt(data.get("date")),
                    publisher=_opt(data.get("publisher")),
                    url=_opt(data.get("url")),
                    source=where,
                )
            except (json.JSONDecodeError, ValueError, UnicodeError) as exc:
                detail = (
                    f"not valid JSON ({exc.msg} at column {exc.colno})"
                    if isinstance(exc, json.JSONDecodeError)
                    else str(exc)
                )
                yield InputProblem(
                    f"line-{number}", where, f"{where}: {detail}; fix or remove that line"
                )


def _with_metadata(article: Article, meta: dict[str, str]) -> Article:
    return Article(
        id=article.id,
        text=article.text,
        title=meta.get("title") or article.title,
        date=meta.get("date") or article.date,
        publisher=meta.get("publisher") or article.publisher,
        url=meta.get("url") or article.url,
        source=article.source,
    )


def _opt(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
