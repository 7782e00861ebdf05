"""Label Studio round trip: pipeline output -> pre-annotated tasks -> annotators -> gold files.

``stancemap annotate prepare`` writes Label Studio import tasks whose *predictions* are the
pipeline's quotes, so that annotators correct suggestions instead of starting from nothing;
``stancemap annotate import`` turns a Label Studio JSON export back into gold files in the
codebook §4 record shape (one ``<article>.jsonl`` per article, ids ``q01``.. in order of start).

How a quote is represented in Label Studio (the labeling config from :func:`labeling_config`):

* the quote span is a ``Quote`` region of the ``span`` labels on the ``text`` object;
* the attributing mention (``speaker_start``/``speaker_end``) is a ``Speaker`` region, joined
  to the quote by a relation (quote -> mention). Several quotes may share one mention region;
* on the quote region (same region id, ``perRegion``): ``kind`` (single choice), ``speaker``,
  ``organisation``, ``cue`` and ``note`` (one-line text areas), and ``stance``: a per-region
  ``Taxonomy`` whose top level is the 30 targets and whose leaves are support/oppose/neutral,
  so that one searchable drop-down holds every (target, stance) pair of the quote.

Offsets: Label Studio's ``Text`` tag stores Unicode code-point offsets into ``data.text`` (the
same as Python string indices), and the task text is the article exactly as stored, so region
offsets are gold offsets. Import checks that every region's text equals ``article[start:end]``.

Pure functions: :func:`labeling_config`, :func:`tasks_from_quotes`, :func:`gold_from_export`
(and :func:`read_export`, which collects problems instead of raising). Typer commands:
:func:`prepare_command`, :func:`import_command`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from xml.sax.saxutils import quoteattr

from pipeline.jsonl import atomic_writer, iter_jsonl, read_jsonl, write_text
from pipeline.records import KINDS, STANCES, ArticleStatus, Quote, RecordError, Stance
from pipeline.resources import Target, load_targets

# names in the labeling config; the export refers to them as from_name / to_name
TEXT = "text"
SPAN = "span"
QUOTE_LABEL = "Quote"
SPEAKER_LABEL = "Speaker"
RELATION = "said by"
KIND = "kind"
SPEAKER = "speaker"
ORGANISATION = "organisation"
CUE = "cue"
NOTE = "note"
STANCE = "stance"
TEXT_FIELDS = (SPEAKER, ORGANISATION, CUE, NOTE)

KIND_HINTS = {
    "direct": "words inside quotation marks, attributed; span = the words inside the marks",
    "indirect": "reported speech without quotation marks; span = the reported content",
    "mixed": "reported speech carrying a quoted fragment; span = the whole reported content",
    "block": "statement attributed by layout (Name, title line + paragraphs); one region per paragraph",
}
STANCE_HINTS = {
    "support": "favours, welcomes, calls for, announces or defends the proposal",
    "oppose": "argues against, warns of harm, rejects, or says it falls short without welcoming it",
    "neutral": "addresses the proposal without a lean: describes, predicts, asks, hedges evenly",
}


class LabelStudioError(ValueError):
    """Input that cannot be converted; the message lists every problem as 'where: what; fix: how'."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --------------------------------------------------------------------------------------------
# labeling config


def labeling_config(targets: Sequence[Target | str] | None = None) -> str:
    """The Label Studio labeling config (XML) that renders the tasks of :func:`tasks_from_quotes`.

    ``targets`` are ``Target`` records or ids (default: ``annotations/targets.yaml``); they become
    the top level of the per-region ``stance`` taxonomy, with the target title as hint.
    """
    if targets is None:
        targets = load_targets()
    items = [(t, "") if isinstance(t, str) else (t.id, t.title) for t in targets]
    if not items:
        raise ValueError(
            "labeling_config needs at least one target; fix: pass the targets from targets.yaml"
        )
    kind_choices = "\n".join(
        f"          <Choice value={quoteattr(k)} hint={quoteattr(KIND_HINTS[k])}/>" for k in KINDS
    )
    leaves = "".join(
        f"<Choice value={quoteattr(s)} hint={quoteattr(STANCE_HINTS[s])}/>" for s in STANCES
    )
    target_choices = "\n".join(
        f"          <Choice value={quoteattr(tid)}"
        + (f" hint={quoteattr(title)}" if title else "")
        + f">{leaves}</Choice>"
        for tid, title in items
    )
    text_areas = "\n".join(
        f'        <Header value={quoteattr(header)} size="6"/>\n'
        f'        <TextArea name="{name}" toName="{TEXT}" perRegion="true" editable="true" maxSubmissions="1" rows="1"'
        f" placeholder={quoteattr(placeholder)}/>"
        for name, header, placeholder in (
            (
                SPEAKER,
                "Speaker: full name of the person (leave empty for an organisation or document only)",
                "e.g. Claire Coutinho",
            ),
            (
                ORGANISATION,
                "Organisation: the body the source speaks for (canonical name from actors.yaml)",
                "e.g. Department for Education",
            ),
            (
                CUE,
                "Cue: the attributing word as written (empty for block and colon-only quotes)",
                "e.g. said",
            ),
            (NOTE, "Note (optional): anything a reviewer should know", ""),
        )
    )
    return f"""<View>
  <!-- stancemap quote/stance annotation (see annotations/CODEBOOK.md and annotations/LABEL_STUDIO.md) -->
  <Header value="$title"/>
  <Labels name="{SPAN}" toName="{TEXT}" choice="single">
    <Label value="{QUOTE_LABEL}" background="#F5B700" hotkey="q"/>
    <Label value="{SPEAKER_LABEL}" background="#4AA3DF" hotkey="s"/>
  </Labels>
  <Relations>
    <Relation value="{RELATION}"/>
  </Relations>
  <View style="display: flex; align-items: flex-start;">
    <View style="flex: 3; padding-right: 1em; white-space: pre-wrap;">
      <Text name="{TEXT}" value="$text" granularity="symbol"/>
    </View>
    <View style="flex: 2; position: sticky; top: 0;">
      <View visibleWhen="region-selected" whenLabelValue="{QUOTE_LABEL}">
        <Header value="Kind" size="6"/>
        <Choices name="{KIND}" toName="{TEXT}" perRegion="true" choice="single" showInline="true">
{kind_choices}
        </Choices>
        <Header value="Stances: target / stance (type to search; one per target addressed, none if no target)" size="6"/>
        <Taxonomy name="{STANCE}" toName="{TEXT}" perRegion="true" leafsOnly="true" showFullPath="true" placeholder="Add a target stance">
{target_choices}
        </Taxonomy>
{text_areas}
      </View>
    </View>
  </View>
</View>
"""


# --------------------------------------------------------------------------------------------
# prepare: quotes -> tasks


def _region(rid: str, start: int, end: int, text: str, label: str) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": SPAN,
        "to_name": TEXT,
        "type": "labels",
        "origin": "prediction",
        "value": {"start": start, "end": end, "text": text, "labels": [label]},
    }


def _per_region(rid: str, start: int, end: int, name: str, kind: str, value: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": name,
        "to_name": TEXT,
        "type": kind,
        "origin": "prediction",
        "value": {"start": start, "end": end, kind: value},
    }


def _textarea(rid: str, start: int, end: int, name: str, value: str) -> dict[str, Any]:
    # a per-region TextArea result is type "textarea" with its lines under value.text
    result = _per_region(rid, start, end, name, "textarea", None)
    del result["value"]["textarea"]
    result["value"]["text"] = [value]
    return result


def _quote_problems(quote: Quote, text: str | None, targets: set[str] | None) -> list[str]:
    where = f"{quote.article}#{quote.id}"
    if text is None:
        return [
            f"{where}: no article text for {quote.article!r}; fix: give the text of every article that has quotes"
        ]
    problems = []
    if quote.end > len(text):
        problems.append(
            f"{where}: span {quote.start}..{quote.end} runs past the article ({len(text)} chars); fix: correct the offsets"
        )
    elif text[quote.start : quote.end] != quote.text:
        problems.append(
            f"{where}: text != article[{quote.start}:{quote.end}]; fix: the quote and the article text must come from the same run"
        )
    if quote.speaker_start is not None and not 0 <= quote.speaker_start < quote.speaker_end <= len(
        text
    ):  # type: ignore[operator]
        problems.append(
            f"{where}: speaker mention {quote.speaker_start}..{quote.speaker_end} is not a span of the article; fix: correct it or set both to null"
        )
    if targets is not None:
        for s in quote.stances:
            if s.target not in targets:
                problems.append(
                    f"{where}: unknown target {s.target!r}; fix: use an id from targets.yaml"
                )
    return problems


def tasks_from_quotes(
    quotes: Iterable[Quote],
    texts: Mapping[str, str],
    *,
    titles: Mapping[str, str | None] | None = None,
    targets: Iterable[str] | None = None,
    model_version: str = "stancemap",
    problems: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Label Studio import tasks, one per article of ``texts`` (in its order), each with the
    article's quotes as one prediction.

    A task is ``{"data": {"article", "title", "text"}, "predictions": [{"model_version",
    "result": [...]}]}``; region ids are ``<article-index>q<k>`` for quotes and
    ``<article-index>m<k>`` for mentions (one region per distinct mention, shared by the quotes
    it attributes). Quotes whose text or offsets do not fit the article, or that name an unknown
    target (when ``targets`` is given), are problems: with ``problems`` given they are appended
    there and the quote is left out; otherwise :class:`LabelStudioError` lists them all.
    """
    known = set(targets) if targets is not None else None
    by_article: dict[str, list[Quote]] = defaultdict(list)
    found: list[str] = []
    for quote in quotes:
        bad = _quote_problems(quote, texts.get(quote.article), known)
        if bad:
            found += bad
            continue
        by_article[quote.article].append(quote)
    if found and problems is None:
        raise LabelStudioError(found)
    if problems is not None:
        problems.extend(found)

    tasks = []
    for index, (article, text) in enumerate(texts.items(), start=1):
        result: list[dict[str, Any]] = []
        mentions: dict[tuple[int, int], str] = {}
        prefix = f"a{index}"
        for k, quote in enumerate(
            sorted(by_article.get(article, []), key=lambda q: (q.start, q.end)), start=1
        ):
            qid = f"{prefix}q{k}"
            s, e = quote.start, quote.end
            result.append(_region(qid, s, e, quote.text, QUOTE_LABEL))
            result.append(_per_region(qid, s, e, KIND, "choices", [quote.kind]))
            for name in TEXT_FIELDS:
                value = quote.extra.get(NOTE) if name == NOTE else getattr(quote, name)
                if isinstance(value, str) and value.strip():
                    result.append(_textarea(qid, s, e, name, value))
            if quote.stances:
                result.append(
                    _per_region(
                        qid,
                        s,
                        e,
                        STANCE,
                        "taxonomy",
                        [[st.target, st.stance] for st in quote.stances],
                    )
                )
            if quote.speaker_start is not None:
                span = (quote.speaker_start, quote.speaker_end)
                if span not in mentions:
                    mentions[span] = f"{prefix}m{len(mentions) + 1}"
                    result.append(
                        _region(
                            mentions[span], span[0], span[1], text[span[0] : span[1]], SPEAKER_LABEL
                        )
                    )  # type: ignore[index]
                result.append(
                    {
                        "from_id": qid,
                        "to_id": mentions[span],
                        "type": "relation",
                        "direction": "right",
                        "labels": [],
                    }
                )
        scores = [
            st.score
            for q in by_article.get(article, [])
            for st in q.stances
            if st.score is not None
        ]
        prediction: dict[str, Any] = {"model_version": model_version, "result": result}
        if scores:
            prediction["score"] = round(
                min(scores), 4
            )  # the least confident stance: sort tasks by it
        title = (titles or {}).get(article)
        tasks.append(
            {
                "data": {"article": article, "title": title or article, "text": text},
                "predictions": [prediction],
            }
        )
    return tasks


def uncertain_tasks(
    tasks: Sequence[dict[str, Any]],
    quotes: Sequence[Quote],
    uncertainty: Sequence[tuple[float, str]],
    n: int,
) -> list[dict[str, Any]]:
    """The tasks worth labelling first: those of the articles that hold the ``n`` quotes the
    stance model is least sure of (``uncertainty[i]`` belongs to ``quotes[i]``: a value in
    [0, 1] and the reason), the most uncertain article first. Whole articles, because gold is
    kept per article; each task lists its chosen quotes under ``data.check_first`` and its
    prediction's ``score`` becomes 1 minus its highest uncertainty (Label Studio sorts by it)."""
    if n < 1:
        raise ValueError(f"--n {n}: choose at least one quote")
    ranked = sorted(
        zip(quotes, uncertainty), key=lambda pair: (-pair[1][0], pair[0].article, pair[0].start)
    )[:n]
    chosen: dict[str, list[tuple[Quote, float, str]]] = defaultdict(list)
    for quote, (value, why) in ranked:
        chosen[quote.article].append((quote, value, why))
    out = []
    for task in tasks:
        picked = chosen.get(task["data"]["article"])
        if not picked:
            continue
        task = {**task, "data": dict(task["data"])}
        task["data"]["check_first"] = "\n".join(
            f"{q.id} ({value:.2f}): {why}: “{q.text[:80]}{'…' if len(q.text) > 80 else ''}”"
            for q, value, why in picked
        )
        task["predictions"] = [
            {**p, "score": round(1.0 - max(v for _, v, _ in picked), 4)}
            for p in task.get("predictions", [])
        ]
        out.append(task)
    return sorted(out, key=lambda t: min((p["score"] for p in t["predictions"]), default=1.0))


def read_run_for_tasks(
    run: str | Path,
) -> tuple[list[Quote], dict[str, str], dict[str, str | None], list[str]]:
    """(quotes, texts, titles, problems) of a run folder: ``quotes.jsonl``, ``texts/<id>.txt``
    and ``articles.jsonl`` (articles whose status is not ok are left out, as a problem)."""
    run = Path(run)
    problems: list[str] = []
    for name in ("articles.jsonl", "quotes.jsonl", "texts"):
        if not (run / name).exists():
            raise LabelStudioError(
                [f"{run}: no {name}; fix: give a run folder written by `stancemap run`"]
            )
    texts: dict[str, str] = {}
    titles: dict[str, str | None] = {}
    for status in read_jsonl(run / "articles.jsonl", ArticleStatus, strict=False):
        if status.status != "ok":
            problems.append(
                f"{run}/articles.jsonl: article {status.id} failed in the run ({status.error}); it gets no task"
            )
            continue
        path = run / "texts" / f"{status.id}.txt"
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                texts[status.id] = handle.read()
        except OSError as exc:
            problems.append(
                f"{path}: cannot read ({exc.strerror}); fix: re-run the pipeline on this article"
            )
            continue
        titles[status.id] = status.title
    quotes = []
    for _, item in iter_jsonl(run / "quotes.jsonl", Quote):
        if isinstance(item, RecordError):
            problems.append(f"{item}; the quote is left out")
        elif item.article in texts:
            quotes.append(item)
    return quotes, texts, titles, problems


# --------------------------------------------------------------------------------------------
# import: export -> gold


def _annotator(annotation: Mapping[str, Any]) -> str | None:
    who = annotation.get("completed_by")
    if isinstance(who, Mapping):
        who = who.get("email") or who.get("username") or who.get("id")
    if who is None:
        who = annotation.get("created_username")
    return None if who is None else str(who)


def _choose_annotation(
    task: Mapping[str, Any], where: str, annotator: str | None, notes: list[str]
) -> Mapping[str, Any] | None:
    annotations = [
        a
        for a in task.get("annotations") or []
        if isinstance(a, Mapping) and not a.get("was_cancelled")
    ]
    if annotator is not None:
        annotations = [a for a in annotations if _annotator(a) == annotator]
    if not annotations:
        return None
    annotations.sort(
        key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), a.get("id") or 0)
    )
    if len(annotations) > 1:
        who = ", ".join(sorted({_annotator(a) or "?" for a in annotations}))
        notes.append(
            f"{where}: {len(annotations)} annotations (by {who}); using the latest; "
            "fix: pass --annotator to choose one annotator's pass"
        )
    return annotations[-1]


def _first_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value if str(v).strip())
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _task_quotes(
    task: Mapping[str, Any],
    where: str,
    *,
    annotator: str | None,
    targets: set[str] | None,
    notes: list[str],
) -> tuple[str | None, list[Quote] | None, list[str]]:
    """(article id, quotes or None, problems) for one exported task."""
    data = task.get("data")
    if (
        not isinstance(data, Mapping)
        or not isinstance(data.get("text"), str)
        or not data.get("article")
    ):
        return (
            None,
            None,
            [
                f"{where}: task data has no 'article' and 'text'; fix: export a project made from `stancemap annotate prepare` tasks"
            ],
        )
    article, text = str(data["article"]), data["text"]
    where = f"{where} ({article})"
    annotation = _choose_annotation(task, where, annotator, notes)
    if annotation is None:
        return article, None, []
    who = _annotator(annotation)
    problems: list[str] = []
    regions: dict[str, dict[str, Any]] = defaultdict(dict)
    relations: list[tuple[str, str]] = []
    for n, item in enumerate(annotation.get("result") or []):
        if not isinstance(item, Mapping):
            problems.append(
                f"{where}: result[{n}] is not an object; fix: re-export the project as JSON"
            )
            continue
        if item.get("type") == "relation":
            relations.append((str(item.get("from_id")), str(item.get("to_id"))))
            continue
        rid, value, name = item.get("id"), item.get("value") or {}, item.get("from_name")
        if rid is None or not isinstance(value, Mapping):
            problems.append(
                f"{where}: result[{n}] has no region id or value; fix: re-export the project as JSON"
            )
            continue
        region = regions[str(rid)]
        if "start" in value and "end" in value and (name == SPAN or "start" not in region):
            region["start"], region["end"] = value["start"], value["end"]
        if name == SPAN:
            region["label"] = (value.get("labels") or [None])[0]
            region["span_text"] = value.get("text")
        elif name == KIND:
            region["kind"] = (value.get("choices") or [None])[0]
        elif name in TEXT_FIELDS:
            region[name] = _first_text(value.get("text"))
        elif name == STANCE:
            region["stances"] = value.get("taxonomy") or []
        else:
            notes.append(
                f"{where}: result from {name!r} is not part of the stancemap config; ignored"
            )

    # check spans
    for rid, region in regions.items():
        label = region.get("label")
        rwhere = f"{where} region {rid}"
        if label not in (QUOTE_LABEL, SPEAKER_LABEL):
            problems.append(
                f"{rwhere}: has {', '.join(k for k in region if k not in ('start', 'end'))} but no Quote/Speaker span; fix: label the region Quote or Speaker"
            )
            continue
        s, e = region.get("start"), region.get("end")
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
            problems.append(
                f"{rwhere}: {label} span {s}..{e} is not inside the article ({len(text)} chars); fix: redraw the region"
            )
            region["label"] = None
            continue
        if region.get("span_text") is not None and region["span_text"] != text[s:e]:
            problems.append(
                f"{rwhere}: region text {region['span_text']!r} != article[{s}:{e}] {text[s:e]!r}; "
                "fix: redraw the region (was the task text changed after import?)"
            )
            region["label"] = None
            continue
        ts, te = _trim(text, s, e)
        if ts == te:
            problems.append(
                f"{rwhere}: {label} span {s}..{e} is only whitespace; fix: delete or redraw it"
            )
            region["label"] = None
            continue
        region["start"], region["end"] = ts, te

    mention_of: dict[str, str] = {}
    for a, b in relations:
        ra, rb = regions.get(a, {}), regions.get(b, {})
        la, lb = ra.get("label"), rb.get("label")
        if la == SPEAKER_LABEL and lb == QUOTE_LABEL:
            a, b, la, lb = b, a, lb, la
        if la == QUOTE_LABEL and lb == SPEAKER_LABEL:
            if a in mention_of and mention_of[a] != b:
                problems.append(
                    f"{where} region {a}: quote is related to two Speaker mentions; fix: keep one relation, to the nearest attributing mention"
                )
            mention_of[a] = b
        elif la is None or lb is None:
            if a in regions and b in regions:
                continue  # an endpoint already reported as a bad region
            problems.append(
                f"{where}: relation {a} -> {b} points at a region that is not in the annotation; fix: delete the relation"
            )
        else:
            problems.append(
                f"{where}: relation between two {la} regions ({a}, {b}); fix: relate a Quote to a Speaker mention"
            )

    quotes: list[tuple[str, dict[str, Any]]] = []
    for rid, region in regions.items():
        rwhere = f"{where} region {rid}"
        if region.get("label") == SPEAKER_LABEL:
            extra = [k for k in (KIND, STANCE, *TEXT_FIELDS) if region.get(k)]
            if extra:
                problems.append(
                    f"{rwhere}: {', '.join(extra)} set on a Speaker mention; fix: set them on the Quote region it attributes"
                )
            continue
        if region.get("label") != QUOTE_LABEL:
            continue
        kind = region.get("kind")
        if kind not in KINDS:
            problems.append(
                f"{rwhere}: quote {text[region['start'] : region['end']][:40]!r} has no kind; fix: choose one of {', '.join(KINDS)}"
            )
            continue
        stances: list[Stance] = []
        seen: set[str] = set()
        for path in region.get("stances", []):
            if not (isinstance(path, list) and len(path) == 2 and path[1] in STANCES):
                problems.append(
                    f"{rwhere}: stance {path!r} is not target / stance; fix: pick a leaf (support, oppose or neutral) under a target"
                )
                continue
            target, stance = str(path[0]), str(path[1])
            if targets is not None and target not in targets:
                problems.append(
                    f"{rwhere}: unknown target {target!r}; fix: use the labeling config made from targets.yaml"
                )
                continue
            if target in seen:
                problems.append(
                    f"{rwhere}: target {target!r} has two stances; fix: keep one stance per target"
                )
                continue
            seen.add(target)
            stances.append(Stance(target=target, stance=stance))
        record: dict[str, Any] = {
            "article": article,
            "start": region["start"],
            "end": region["end"],
            "text": text[region["start"] : region["end"]],
            "kind": kind,
            "speaker": region.get(SPEAKER),
            "organisation": region.get(ORGANISATION),
            "cue": region.get(CUE),
            "speaker_start": None,
            "speaker_end": None,
            "stances": stances,
        }
        mention = regions.get(mention_of.get(rid, ""), {})
        if mention.get("label") == SPEAKER_LABEL:
            record["speaker_start"], record["speaker_end"] = mention["start"], mention["end"]
        extra: dict[str, Any] = {}
        if who is not None:
            extra["annotator"] = who
        if region.get(NOTE):
            extra["note"] = region[NOTE]
        record["extra"] = extra
        quotes.append((rid, record))

    quotes.sort(key=lambda item: (item[1]["start"], item[1]["end"]))
    spans = [(r["start"], r["end"]) for _, r in quotes]
    for (rid, r), prev in zip(quotes[1:], spans):
        if (r["start"], r["end"]) == prev:
            problems.append(
                f"{where} region {rid}: two Quote regions on the same span {prev[0]}..{prev[1]}; fix: delete one"
            )
    records = [Quote(id=f"q{k:02d}", **r) for k, (_, r) in enumerate(quotes, start=1)]
    return article, records, problems


def read_export(
    export: Sequence[Mapping[str, Any]],
    *,
    targets: Iterable[str] | None = None,
    annotator: str | None = None,
) -> tuple[dict[str, list[Quote]], list[str], list[str]]:
    """Gold quotes from a Label Studio JSON export, collecting problems instead of raising.

    Returns ``(gold, problems, notes)``: ``gold`` maps each article whose annotation is clean to
    its quotes (ids ``q01``.. in order of start, ``text == article[start:end]``, span whitespace
    trimmed, ``annotator`` and ``note`` kept as extra fields); an article with any problem is
    left out of ``gold`` and its problems are listed; ``notes`` say what was skipped (tasks nobody
    annotated, several annotations of one task). ``annotator`` (the user id in the
    export's ``completed_by``, or its e-mail when the export carries one) keeps only that annotator's annotations.
    """
    known = set(targets) if targets is not None else set(t.id for t in load_targets())
    gold: dict[str, list[Quote]] = {}
    problems: list[str] = []
    notes: list[str] = []
    if not isinstance(export, Sequence) or isinstance(export, (str, bytes)):
        return (
            gold,
            ["export: expected a JSON list of tasks; fix: export the project with format JSON"],
            notes,
        )
    unannotated = []
    for n, task in enumerate(export):
        where = f"task {task.get('id', n) if isinstance(task, Mapping) else n}"
        if not isinstance(task, Mapping):
            problems.append(f"{where}: not a JSON object; fix: export the project with format JSON")
            continue
        article, quotes, found = _task_quotes(
            task, where, annotator=annotator, targets=known, notes=notes
        )
        if found:
            problems += found
            continue
        if article is None:
            continue
        if quotes is None:
            unannotated.append(article)
            continue
        if article in gold:
            problems.append(
                f"{where}: article {article} appears in two tasks; fix: delete the duplicate task in Label Studio"
            )
            gold.pop(article)
            continue
        gold[article] = quotes
    if unannotated:
        who = f" by {annotator}" if annotator else ""
        notes.append(
            f"{len(unannotated)} task(s) not annotated{who} (skipped): {', '.join(unannotated[:10])}{' ...' if len(unannotated) > 10 else ''}"
        )
    return gold, problems, notes


def gold_from_export(
    export: Sequence[Mapping[str, Any]],
    *,
    targets: Iterable[str] | None = None,
    annotator: str | None = None,
) -> dict[str, list[Quote]]:
    """Gold quotes per article from a Label Studio JSON export (see :func:`read_export`);
    raises :class:`LabelStudioError` listing every problem when any article has one."""
    gold, problems, _ = read_export(export, targets=targets, annotator=annotator)
    if problems:
        raise LabelStudioError(problems)
    return gold


# --------------------------------------------------------------------------------------------
# commands


def write_tasks(
    tasks: list[dict[str, Any]], out: Path, config: Path | None, target_list: Sequence[Target]
) -> tuple[Path, int]:
    """Write the tasks (JSON) and the labeling config (XML, default beside them); returns the
    config's path and the number of suggested quotes."""
    with atomic_writer(out) as handle:
        json.dump(tasks, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    config_path = config or out.with_suffix(".xml")
    write_text(config_path, labeling_config(target_list))
    n_quotes = sum(
        1
        for t in tasks
        for p in t["predictions"]
        for r in p["result"]
        if r.get("from_name") == SPAN and r["value"]["labels"] == [QUOTE_LABEL]
    )
    return config_path, n_quotes
