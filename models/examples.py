"""Stance-model inputs: one example per quote, from gold/pipeline quotes or synthetic lines.

A quote is seen with its context (the text around it in its paragraph and the paragraph before
when the quote's own paragraph says little), because the codebook lets the introducing sentence
decide the target (§3, "Context counts").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from pipeline.records import Quote, Stance

# what the model reads of a quote; bump when that changes so `train --if-stale` retrains
# (2: synthetic contexts mark the quote as [QUOTE], like the contexts of real quotes)
EXAMPLE_FORMAT = 2
CONTEXT_BEFORE = 320
CONTEXT_AFTER = 120


@dataclass(frozen=True)
class Example:
    """What the stance model reads for one quote, and (for training) its gold stances."""

    key: str  # article#id, or the synthetic id
    text: str
    context: str = ""
    speaker: str | None = None
    organisation: str | None = None
    cue: str | None = None
    stances: tuple[Stance, ...] = ()
    group: str = ""  # article id (folds are split by it); "synthetic" for synthetic lines
    synthetic: bool = False

    def source_text(self, max_chars: int = 900) -> str:
        """The second segment of a (target, quote) pair: who, cue, the words, then the context."""
        who = self.speaker or self.organisation or "unknown source"
        if self.speaker and self.organisation:
            who = f"{self.speaker} ({self.organisation})"
        cue = f" {self.cue}" if self.cue else ""
        body = f"{who}{cue}: {self.text}"
        if self.context:
            body += f" | context: {self.context}"
        return body[:max_chars]


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph (blank-line or newline separated block) that holds text[start:end]."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    return left, len(text) if right < 0 else right


def quote_context(text: str, start: int, end: int, paragraph: tuple[int, int] | None = None) -> str:
    """Text around a quote: its paragraph clipped to a window, plus the previous paragraph's
    tail when the quote starts its paragraph (the introducing sentence is often there).

    ``paragraph``: the paragraph's (start, end) as the quote stage segmented it; without it
    (gold quotes, older runs) the paragraph is the line around the quote. A segment is its
    line stripped, and whitespace is collapsed below, so both give the same context for a
    one-line paragraph; a hard-wrapped paragraph the segmenter joined is read whole."""
    left, right = paragraph if paragraph is not None else paragraph_bounds(text, start, end)
    before = text[max(left, start - CONTEXT_BEFORE) : start]
    after = text[end : min(right, end + CONTEXT_AFTER)]
    # the previous paragraph is found from the start of the line (not of the stripped segment),
    # so that an indented paragraph gets the same one as without offsets
    line_start = text.rfind("\n", 0, left) + 1
    if len(before.strip()) < 40 and line_start > 0:
        prev_left, _ = paragraph_bounds(text, max(0, line_start - 2), max(0, line_start - 2))
        previous = text[prev_left:line_start].strip()
        before = previous[-CONTEXT_BEFORE:] + " " + before
    return " ".join(f"{before} [QUOTE] {after}".split())


def examples_from_quotes(quotes: Iterable[Quote], texts: dict[str, str]) -> list[Example]:
    """Examples for quotes of articles whose text is in ``texts`` (gold or pipeline output)."""
    examples = []
    for quote in quotes:
        article = texts.get(quote.article, "")
        context = (
            quote_context(article, quote.start, quote.end, quote.paragraph_span)
            if article
            else str(quote.extra.get("context", ""))
        )
        examples.append(
            Example(
                key=quote.key,
                text=quote.text,
                context=context,
                speaker=quote.speaker,
                organisation=quote.organisation,
                cue=quote.cue,
                stances=quote.stances,
                group=quote.article,
            )
        )
    return examples


def _mark_quote(text: str, context: str) -> str:
    """A synthetic context in the shape ``quote_context`` gives real ones: the quote's own words
    replaced by ``[QUOTE]`` (synthetic lines often repeat them in the context sentence)."""
    if text and text in context:
        context = context.replace(text, " [QUOTE] ", 1)
    return " ".join(context.split())


def synthetic_files(path: str | Path) -> list[Path]:
    """The synthetic line files at ``path``: the file itself, or every ``*.jsonl`` under the
    folder (sorted, so that training reads them in one order)."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*.jsonl") if p.is_file())
    return [path] if path.exists() else []


def text_key(text: str) -> str:
    """A quote's words, case and punctuation aside (duplicate and leak checks)."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def load_synthetic(path: str | Path, *, dedupe: bool = True) -> list[Example]:
    """Synthetic lines (``"synthetic": true``) from a file or a folder of files (see
    ``synthetic_files``); never used to report accuracy on real text. Batches written by
    different people can repeat a line: with ``dedupe``, a line whose words (case and
    punctuation aside) equal an earlier line's is left out."""
    examples: list[Example] = []
    seen_ids: dict[str, str] = {}
    seen_texts: set[str] = set()
    for file in synthetic_files(path):
        for example, where in _synthetic_lines(file):
            if example.key in seen_ids:
                raise ValueError(
                    f"{where}: id {example.key!r} is also used at {seen_ids[example.key]}; fix: give each line its own id"
                )
            seen_ids[example.key] = where
            key = text_key(example.text)
            if dedupe and key in seen_texts:
                continue
            seen_texts.add(key)
            examples.append(example)
    return examples


def _synthetic_lines(path: Path):
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as error:
                raise ValueError(
                    f"{path}:{number}: not a JSON object ({error}); fix: one JSON object per line"
                ) from None
            if data.get("synthetic") is not True:
                raise ValueError(f'{path}:{number}: synthetic lines must carry "synthetic": true')
            yield (
                Example(
                    key=str(data["id"]),
                    text=data["text"],
                    context=_mark_quote(data["text"], data.get("context") or ""),
                    speaker=data.get("speaker"),
                    organisation=data.get("organisation"),
                    cue=data.get("cue"),
                    stances=tuple(Stance.from_json(s) for s in data.get("stances", [])),
                    group="synthetic",
                    synthetic=True,
                ),
                f"{path}:{number}",
            )


def training_dataset(
    examples: Sequence[Example], target_ids: Sequence[str], stances: Sequence[str]
):
    """The stance model's training table as a ``datasets.Dataset``, one row per quote:
    ``text`` (what the relevance pass reads), ``relevant`` (multi-hot over ``target_ids``),
    ``pair_targets`` / ``pair_labels`` (gold targets and stance indices for the polarity pass),
    ``synthetic``. Targets not in ``target_ids`` are dropped."""
    from datasets import Dataset

    index = {t: j for j, t in enumerate(target_ids)}
    rows = {
        "key": [],
        "text": [],
        "relevant": [],
        "pair_targets": [],
        "pair_labels": [],
        "synthetic": [],
    }
    for example in examples:
        known = [s for s in example.stances if s.target in index]
        hot = [0.0] * len(target_ids)
        for s in known:
            hot[index[s.target]] = 1.0
        rows["key"].append(example.key)
        rows["text"].append(example.source_text())
        rows["relevant"].append(hot)
        rows["pair_targets"].append([s.target for s in known])
        rows["pair_labels"].append([stances.index(s.stance) for s in known])
        rows["synthetic"].append(example.synthetic)
    return Dataset.from_dict(rows)


def file_hashes(paths: Sequence[Path]) -> dict[str, str]:
    """sha256 of each file, for the model card."""
    out = {}
    for path in sorted(paths):
        out[str(path)] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return out
