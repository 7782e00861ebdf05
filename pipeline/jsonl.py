"""JSON Lines and atomic file writing shared by every stage."""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator, TypeVar

from pipeline.records import Record, RecordError, parse_lines

R = TypeVar("R", bound=Record)


@contextmanager
def atomic_writer(
    path: str | os.PathLike, *, mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and move it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(
            fd,
            mode,
            encoding=encoding if "b" not in mode else None,
            newline="" if "b" not in mode else None,
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_writer(path, mode="wb") as handle:
        handle.write(data)


def write_jsonl(path: str | os.PathLike, records: Iterable[Record | dict]) -> int:
    """Write records (or plain dicts) as JSON Lines, atomically; returns the number written."""
    count = 0
    with atomic_writer(path) as handle:
        for record in records:
            data = record.to_json() if isinstance(record, Record) else record
            handle.write(json.dumps(data, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_json(path: str | os.PathLike, data: object) -> None:
    with atomic_writer(path) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.write("\n")


def read_jsonl(path: str | os.PathLike, cls: type[R], *, strict: bool = True) -> list[R]:
    """Read a JSONL file of records. With ``strict`` the first bad line raises ``RecordError``
    naming file and line; otherwise bad lines are skipped (use ``iter_jsonl`` to see them)."""
    records: list[R] = []
    for _, item in iter_jsonl(path, cls):
        if isinstance(item, RecordError):
            if strict:
                raise item
            continue
        records.append(item)
    return records


def iter_jsonl(path: str | os.PathLike, cls: type[R]) -> Iterator[tuple[int, R | RecordError]]:
    with open(path, encoding="utf-8") as handle:
        yield from parse_lines(handle, cls, where=str(path))


def read_good_records(
    path: str | os.PathLike, cls: type[R], *, if_missing: str
) -> tuple[list[R], list[str]]:
    """The readable records of a JSONL file and one problem line per bad line; when the file is
    absent, no records and the problem ``"<path>: missing; <if_missing>"`` (for readers that go on
    without it, such as the report and the network export reading a run's articles.jsonl)."""
    if not Path(path).exists():
        return [], [f"{path}: missing; {if_missing}"]
    records: list[R] = []
    problems: list[str] = []
    for _, item in iter_jsonl(path, cls):
        (problems.append(str(item)) if isinstance(item, RecordError) else records.append(item))
    return records, problems
