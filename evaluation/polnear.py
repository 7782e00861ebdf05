"""A development probe on PolNeAR (real US news with every attribution annotated): how many of
its speech attributions with an identifiable source the quote stage finds, by cue class, source
class and publisher, plus an indicative precision and a sample of unmatched predictions to read.

PolNeAR annotates more than our codebook calls a quote (beliefs, feelings, unnamed and generic
sources), so recall is reported on the comparable subset (a speech or writing cue, a named or
pronoun source) and precision only as an indication. The folder is read from the path the user
gives; nothing here ships PolNeAR data.
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from pipeline.records import Article, Quote

# Speech and writing acts (general English), by the lemma-like stem of the cue's main word.
_SAY = {"say", "said", "says", "saying"}
_TELL = {"tell", "told", "tells", "telling"}
_WRITE = {"write", "wrote", "writes", "written", "writing", "tweet", "tweeted", "tweets", "post"}
_SPEECH_STEMS = (
    "add argu warn explain claim insist stat not announc report ask call urg respond repl declar "
    "suggest acknowledg admit den confirm promis pledg vow describ accus criticiz criticis prais "
    "testif comment predict complain joke recall stress remark point emphasiz emphasis mention "
    "reveal charg conced contend assert maintain quip slam blast attack defend dismiss reject "
    "question demand propos recommend vow answer shout yell told cit deliver speak spoke echo "
    "allege interview caution declin refus acknowledg lament boast brag muse counter retort "
    "conclud observ continu reiterat"
).split()
_AUX = {
    "has", "have", "had", "was", "were", "is", "are", "be", "been", "will", "would", "did",
    "does", "do", "also", "later", "then", "not", "just", "previously", "repeatedly",
}  # fmt: skip
_PRONOUNS = {"he", "she", "i", "we", "they", "you", "it", "him", "her", "them", "us"}
_NOT_NAME = {
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "that", "these",
    "those", "some", "many", "most", "several", "one", "two", "other", "others", "both", "all",
}  # fmt: skip
_CAPITAL = re.compile(r"\b[A-Z][\w.'’\-]*")

CUE_CLASSES = ("say", "tell", "according to", "write", "other speech", "not speech")
SOURCE_CLASSES = ("name", "pronoun", "nominal", "none")


@dataclass(frozen=True)
class Attribution:
    """One PolNeAR attribution relation, reduced to what the probe compares."""

    article: str
    content: tuple[tuple[int, int], ...]
    cue: str
    source: tuple[tuple[int, int], ...]
    source_text: str
    cue_class: str
    source_class: str

    @property
    def comparable(self) -> bool:
        """A speech or writing act by a named or pronoun source: close to a codebook quote."""
        return self.cue_class != "not speech" and self.source_class in ("name", "pronoun")


@dataclass
class ProbeArticle:
    id: str
    publisher: str
    text: str
    attributions: list[Attribution] = field(default_factory=list)


def cue_class(cue: str) -> str:
    """The cue's class: say, tell, according to, write, other speech, or not speech."""
    words = [w.strip(".,;:\"'“”‘’()").lower() for w in cue.split()]
    words = [w for w in words if w]
    if "according" in words:
        return "according to"
    main = next((w for w in words if w not in _AUX), words[0] if words else "")
    if main in _SAY:
        return "say"
    if main in _TELL:
        return "tell"
    if main in _WRITE:
        return "write"
    if any(main.startswith(stem) for stem in _SPEECH_STEMS):
        return "other speech"
    return "not speech"


def source_class(text: str, *, names_in_article: frozenset[str] | None = None) -> str:
    """``name`` when the source mention holds a proper name, ``pronoun``, ``nominal`` or ``none``.

    A capital can be sentence case (``Voters fear…``): with ``names_in_article`` (the words the
    article capitalises mid-sentence) a mention's first word counts only when it is among them.
    """
    text = text.strip()
    if not text:
        return "none"
    if text.lower() in _PRONOUNS:
        return "pronoun"
    for m in _CAPITAL.finditer(text):
        word = m.group(0)
        if word.lower().strip(".") in _NOT_NAME:
            continue
        if m.start() == 0 and names_in_article is not None and word not in names_in_article:
            continue
        return "name"
    return "nominal"


_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z,;’'\")] )[A-Z][\w.'’\-]*")


def mid_sentence_capitals(text: str) -> frozenset[str]:
    """Words an article capitalises after a lower-case word or comma: names, not sentence case."""
    return frozenset(m.group(0) for m in _MID_SENTENCE_CAPITAL.finditer(text))


def _pieces(spec: str) -> tuple[tuple[int, int], ...]:
    out = []
    for piece in spec.split(";"):
        a, b = piece.split()
        out.append((int(a), int(b)))
    return tuple(out)


def read_ann(path: Path, article: str, text: str | None = None) -> list[Attribution]:
    """The attribution relations of one brat ``.ann`` file (``text``: the article, which tells
    names from sentence case in source mentions)."""
    names = mid_sentence_capitals(text) if text is not None else None
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...], str]] = {}
    relations: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            label, _, spec = parts[1].partition(" ")
            spans[parts[0]] = (label, _pieces(spec), parts[2] if len(parts) > 2 else "")
        elif line.startswith("E"):
            parts = line.split("\t")
            args = dict(a.split(":", 1) for a in parts[1].split() if ":" in a)
            relations.append(args)
    out = []
    for rel in relations:
        content = spans.get(rel.get("Content", ""))
        if content is None:
            continue
        cue = spans.get(rel.get("Cue", ""), ("", (), ""))
        source = spans.get(rel.get("Source", ""), ("", (), ""))
        out.append(
            Attribution(
                article=article,
                content=content[1],
                cue=cue[2],
                source=source[1],
                source_text=source[2],
                cue_class=cue_class(cue[2]),
                source_class=source_class(source[2], names_in_article=names),
            )
        )
    return out


def read_split(folder: Path, split: str = "dev", limit: int | None = None) -> list[ProbeArticle]:
    """The articles of one PolNeAR compartment with their first annotator's attributions."""
    base = folder / split
    if not (base / "text").is_dir():
        raise FileNotFoundError(
            f"{base / 'text'}: no such folder; fix: point at the PolNeAR folder holding {split}/text"
        )
    publishers: dict[str, str] = {}
    meta = folder / "metadata.tsv"
    if meta.is_file():
        with open(meta, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                publishers[row.get("filename", "")] = row.get("publisher", "")
    articles = []
    for txt in sorted((base / "text").glob("*.txt"))[:limit]:
        name = txt.stem
        anns = sorted((base / "attributions").glob(f"{name}_*.ann"))
        if not anns:
            continue
        article = ProbeArticle(
            name, publishers.get(name) or name.split("_")[0], txt.read_text(encoding="utf-8")
        )
        article.attributions = read_ann(anns[0], name, article.text)
        articles.append(article)
    return articles


def _overlap(a: Iterable[tuple[int, int]], start: int, end: int) -> int:
    return sum(max(0, min(e, end) - max(s, start)) for s, e in a)


def _length(pieces: Iterable[tuple[int, int]]) -> int:
    return sum(e - s for s, e in pieces)


def match(attributions: Sequence[Attribution], quotes: Sequence[Quote]) -> dict[int, Quote]:
    """Attribution index -> its matched quote: overlap of at least half the shorter span, one to
    one, largest overlaps first (codebook §5's rule)."""
    candidates = []
    for i, a in enumerate(attributions):
        for j, q in enumerate(quotes):
            ov = _overlap(a.content, q.start, q.end)
            if ov and ov * 2 >= min(_length(a.content), q.end - q.start):
                candidates.append((-ov, i, j))
    out: dict[int, Quote] = {}
    used: set[int] = set()
    for _, i, j in sorted(candidates):
        if i not in out and j not in used:
            out[i] = quotes[j]
            used.add(j)
    return out


def speaker_agrees(a: Attribution, q: Quote, text: str) -> bool:
    """The prediction names the attribution's source: its speaker mention overlaps the source
    span, or its speaker's or organisation's last word appears in the source mention."""
    if not a.source:
        return False
    if q.speaker_start is not None and _overlap(a.source, q.speaker_start, q.speaker_end):
        return True
    mention = " ".join(text[s:e] for s, e in a.source).lower()
    for name in (q.speaker, q.organisation):
        if name and name.split()[-1].lower() in mention:
            return True
    return False


def _recall(rows: list[tuple[bool, bool]]) -> dict:
    n = len(rows)
    found = sum(f for f, _ in rows)
    with_speaker = sum(f and s for f, s in rows)
    return {
        "n": n,
        "recall": found / n if n else None,
        "recall_with_speaker": with_speaker / n if n else None,
    }


def probe(
    articles: Sequence[ProbeArticle],
    extract: Callable[[list[Article]], dict[str, list[Quote]]],
    *,
    sample: int = 25,
    seed: int = 0,
) -> dict:
    """Recall (overall, per cue class, source class and publisher), indicative precision and a
    sample of unmatched predictions, for the quotes ``extract`` finds in ``articles``."""
    quotes = extract([Article(id=a.id, text=a.text, publisher=a.publisher) for a in articles])
    rows_all: list[tuple[Attribution, bool, bool]] = []
    n_pred = n_pred_hit = 0
    unmatched: list[dict] = []
    for art in articles:
        preds = quotes.get(art.id, [])
        matched = match(art.attributions, preds)
        for i, a in enumerate(art.attributions):
            q = matched.get(i)
            rows_all.append((a, q is not None, q is not None and speaker_agrees(a, q, art.text)))
        # precision against every attribution (PolNeAR's wider notion), half-overlap
        for q in preds:
            n_pred += 1
            hit = any(
                _overlap(a.content, q.start, q.end) * 2 >= min(_length(a.content), q.end - q.start)
                and _overlap(a.content, q.start, q.end) > 0
                for a in art.attributions
            )
            n_pred_hit += hit
            if not hit:
                unmatched.append(
                    {"article": art.id, "kind": q.kind, "speaker": q.speaker, "text": q.text}
                )
    comparable = [(a, f, s) for a, f, s in rows_all if a.comparable]

    def grouped(key: Callable[[Attribution], str], rows) -> dict[str, dict]:
        groups: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
        for a, f, s in rows:
            groups[key(a)].append((f, s))
        return {k: _recall(v) for k, v in sorted(groups.items())}

    publisher_of = {art.id: art.publisher for art in articles}
    rng = random.Random(seed)
    return {
        "n_articles": len(articles),
        "n_attributions": len(rows_all),
        "n_comparable": len(comparable),
        "comparable": _recall([(f, s) for _, f, s in comparable]),
        "by_cue_class": grouped(lambda a: a.cue_class, comparable),
        "by_source_class": grouped(
            lambda a: a.source_class, [r for r in rows_all if r[0].cue_class != "not speech"]
        ),
        "by_publisher": grouped(lambda a: publisher_of[a.article], comparable),
        "all_attributions": _recall([(f, s) for _, f, s in rows_all]),
        "n_pred": n_pred,
        "precision_indicative": n_pred_hit / n_pred if n_pred else None,
        "unmatched_sample": rng.sample(unmatched, min(sample, len(unmatched))),
        "cue_counts": dict(Counter(a.cue_class for a, _, _ in rows_all)),
    }


def markdown(result: dict, *, split: str) -> str:
    """The probe's figures as markdown tables (reported as "PolNeAR <split>")."""

    def f(x) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    lines = [
        f"## PolNeAR {split}: quote-stage probe",
        "",
        f"{result['n_articles']} articles, {result['n_attributions']} attributions, "
        f"{result['n_comparable']} comparable (speech or writing cue; named or pronoun source).",
        "",
        "| subset | n | recall | recall with speaker |",
        "|---|---:|---:|---:|",
        f"| comparable | {result['comparable']['n']} | {f(result['comparable']['recall'])} | "
        f"{f(result['comparable']['recall_with_speaker'])} |",
        f"| all attributions | {result['all_attributions']['n']} | "
        f"{f(result['all_attributions']['recall'])} | "
        f"{f(result['all_attributions']['recall_with_speaker'])} |",
    ]
    for title, key in (
        ("cue class (comparable)", "by_cue_class"),
        ("source class (speech cues)", "by_source_class"),
        ("publisher (comparable)", "by_publisher"),
    ):
        lines += ["", f"| {title} | n | recall | recall with speaker |", "|---|---:|---:|---:|"]
        for k, v in result[key].items():
            lines.append(f"| {k} | {v['n']} | {f(v['recall'])} | {f(v['recall_with_speaker'])} |")
    lines += [
        "",
        f"Predicted quotes: {result['n_pred']}; overlapping any PolNeAR attribution "
        f"(indicative precision): {f(result['precision_indicative'])}.",
        "",
        "Sample of predictions with no PolNeAR attribution under them (read before trusting the "
        "precision figure):",
        "",
    ]
    for row in result["unmatched_sample"]:
        text = row["text"].replace("\n", " ")
        lines.append(f"- `{row['article']}` {row['kind']}, {row['speaker']}: {text[:160]}")
    return "\n".join(lines) + "\n"
