"""Label Studio round trip: quotes -> tasks -> (annotator) -> export -> gold.

Fixtures in data/labelstudio/ are invented articles written for these tests (see make_fixtures.py);
export_server.json is what a real Label Studio 1.23.2 exported for those tasks after an annotator
submitted the predictions unchanged. The opt-in server test (STANCEMAP_SERVER_TESTS=1 and
.venv-labelstudio/bin/label-studio present) does the same round trip live.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from evaluation.cli import import_command, prepare_command
from evaluation.labelstudio import (
    LabelStudioError,
    gold_from_export,
    labeling_config,
    read_export,
    read_run_for_tasks,
    tasks_from_quotes,
)
from pipeline.records import Quote
from pipeline.resources import PROJECT_ROOT, load_targets

DATA = Path(__file__).parent / "data" / "labelstudio"
LS_BIN = PROJECT_ROOT / ".venv-labelstudio" / "bin" / "label-studio"


@pytest.fixture(scope="module")
def run_data():
    quotes, texts, titles, problems = read_run_for_tasks(DATA)
    assert problems == []
    return quotes, texts, titles


@pytest.fixture()
def export():
    return json.loads((DATA / "export_server.json").read_text(encoding="utf-8"))


def comparable(quotes: list[Quote]) -> list[dict]:
    """Records as gold carries them: no model scores, no annotator."""
    rows = []
    for q in quotes:
        data = q.to_json()
        data.pop("annotator", None)
        for s in data["stances"]:
            s.pop("score", None)
        rows.append(data)
    return rows


def by_article(quotes: list[Quote]) -> dict[str, list[Quote]]:
    out: dict[str, list[Quote]] = {}
    for q in quotes:
        out.setdefault(q.article, []).append(q)
    return out


def simulate_export(tasks: list[dict]) -> list[dict]:
    """What Label Studio exports when an annotator submits each task's prediction unchanged."""
    exported = []
    for n, task in enumerate(tasks, start=1):
        result = copy.deepcopy(task["predictions"][0]["result"])
        exported.append(
            {
                "id": n,
                "data": task["data"],
                "predictions": [n],
                "annotations": [
                    {
                        "id": n,
                        "completed_by": 1,
                        "was_cancelled": False,
                        "updated_at": "2026-01-01T00:00:00Z",
                        "result": result,
                    }
                ],
            }
        )
    return exported


def results_of(export: list[dict], article: str) -> list[dict]:
    task = next(t for t in export if t["data"]["article"] == article)
    return task["annotations"][0]["result"]


def drop_region(results: list[dict], rid: str) -> None:
    results[:] = [
        r for r in results if r.get("id") != rid and rid not in (r.get("from_id"), r.get("to_id"))
    ]


# --------------------------------------------------------------------------------------------
# labeling config


def test_labeling_config_offers_every_target_with_three_leaves():
    targets = load_targets()
    root = ET.fromstring(labeling_config(targets))
    taxonomy = root.find(".//Taxonomy[@name='stance']")
    assert (
        taxonomy is not None
        and taxonomy.get("perRegion") == "true"
        and taxonomy.get("leafsOnly") == "true"
    )
    tops = taxonomy.findall("Choice")
    assert [c.get("value") for c in tops] == [t.id for t in targets]
    assert len(tops) == 30
    assert all(
        [leaf.get("value") for leaf in c.findall("Choice")] == ["support", "oppose", "neutral"]
        for c in tops
    )
    assert [c.get("value") for c in root.find(".//Choices[@name='kind']")] == [
        "direct",
        "indirect",
        "mixed",
        "block",
    ]
    assert [lab.get("value") for lab in root.find(".//Labels[@name='span']")] == [
        "Quote",
        "Speaker",
    ]
    assert root.find(".//Text").get("value") == "$text"


def test_labeling_config_escapes_and_rejects_empty():
    xml = labeling_config(["a&b", 'say "x"'])
    values = [c.get("value") for c in ET.fromstring(xml).find(".//Taxonomy")]
    assert values == ["a&b", 'say "x"']
    with pytest.raises(ValueError, match="at least one target"):
        labeling_config([])


def test_every_control_used_by_tasks_is_in_the_config(run_data):
    quotes, texts, titles = run_data
    root = ET.fromstring(labeling_config())
    controls = {el.get("name"): el.tag for el in root.iter() if el.get("toName")}
    tasks = tasks_from_quotes(quotes, texts, titles=titles)
    used = {
        (r["from_name"], r["type"])
        for t in tasks
        for r in t["predictions"][0]["result"]
        if "from_name" in r
    }
    expected_tag = {
        "labels": "Labels",
        "choices": "Choices",
        "textarea": "TextArea",
        "taxonomy": "Taxonomy",
    }
    assert used and all(controls.get(name) == expected_tag[kind] for name, kind in used)
    assert {name for name, _ in used} == {
        "span",
        "kind",
        "speaker",
        "organisation",
        "cue",
        "stance",
    }


# --------------------------------------------------------------------------------------------
# prepare


def test_tasks_from_quotes_regions_mentions_relations(run_data):
    quotes, texts, titles = run_data
    tasks = tasks_from_quotes(quotes, texts, titles=titles, model_version="m1")
    assert [t["data"]["article"] for t in tasks] == ["art_kinship", "art_panel"]
    assert tasks[0]["data"]["text"] == texts["art_kinship"]
    assert tasks[0]["data"]["title"] == "Councils cautious over kinship pledge"
    pred = tasks[0]["predictions"][0]
    assert pred["model_version"] == "m1"
    assert pred["score"] == 0.4  # the least confident stance of the article
    result = pred["result"]
    spans = [r for r in result if r.get("from_name") == "span"]
    quotes_ls = [r for r in spans if r["value"]["labels"] == ["Quote"]]
    mentions = [r for r in spans if r["value"]["labels"] == ["Speaker"]]
    assert len(quotes_ls) == 4
    # q01 and q02 share the mention "Priya Nandakumar": one region, two relations
    assert sorted(m["value"]["text"] for m in mentions) == [
        "Nandakumar",
        "Priya Nandakumar",
        "Tom Oduya",
    ]
    relations = [r for r in result if r["type"] == "relation"]
    assert len(relations) == 4
    first_mention = next(m["id"] for m in mentions if m["value"]["text"] == "Priya Nandakumar")
    assert sum(r["to_id"] == first_mention for r in relations) == 2
    text = texts["art_kinship"]
    assert all(text[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"] for r in spans)
    stance = [r for r in result if r.get("from_name") == "stance" and r["id"] == quotes_ls[3]["id"]]
    assert stance[0]["value"]["taxonomy"] == [
        ["merge-early-help-and-child-in-need", "support"],
        ["social-worker-workload-and-retention", "neutral"],
    ]
    # q02 has no cue: no empty text area is suggested
    assert not [r for r in result if r.get("from_name") == "cue" and r["id"] == quotes_ls[1]["id"]]
    # region ids are unique per region across the whole project
    ids = [
        r["id"]
        for t in tasks
        for r in t["predictions"][0]["result"]
        if r.get("from_name") == "span"
    ]
    assert len(ids) == len(set(ids))


def test_tasks_for_articles_without_quotes_and_bad_quotes(run_data):
    quotes, texts, _ = run_data
    texts = dict(texts, art_empty="Nothing anybody said.\n")
    bad = Quote(article="art_kinship", id="q09", start=0, end=8, text="Not this", kind="direct")
    stray = Quote(article="art_missing", id="q01", start=0, end=3, text="abc", kind="direct")
    unknown = Quote(
        article="art_panel",
        id="q03",
        start=0,
        end=5,
        text="Panel",
        kind="direct",
        stances=({"target": "no-such-target", "stance": "oppose"},),
    )
    with pytest.raises(LabelStudioError) as info:
        tasks_from_quotes(
            [*quotes, bad, stray, unknown], texts, targets=[t.id for t in load_targets()]
        )
    assert len(info.value.problems) == 3
    assert "art_kinship#q09: text != article[0:8]" in info.value.problems[0]
    problems: list[str] = []
    tasks = tasks_from_quotes(
        [*quotes, bad, stray, unknown],
        texts,
        targets=[t.id for t in load_targets()],
        problems=problems,
    )
    assert len(problems) == 3
    empty = next(t for t in tasks if t["data"]["article"] == "art_empty")
    assert empty["predictions"][0]["result"] == [] and "score" not in empty["predictions"][0]
    n_quotes = sum(
        r.get("from_name") == "span" and r["value"]["labels"] == ["Quote"]
        for t in tasks
        for r in t["predictions"][0]["result"]
    )
    assert n_quotes == len(quotes)


# --------------------------------------------------------------------------------------------
# import


def test_round_trip_without_edits_gives_back_the_quotes(run_data):
    quotes, texts, titles = run_data
    gold = gold_from_export(simulate_export(tasks_from_quotes(quotes, texts, titles=titles)))
    assert {a: comparable(q) for a, q in gold.items()} == {
        a: comparable(q) for a, q in by_article(quotes).items()
    }
    assert all(q.extra["annotator"] == "1" for qs in gold.values() for q in qs)


def test_real_server_export_converts_to_the_original_quotes(run_data, export):
    quotes, _, _ = run_data
    gold = gold_from_export(export)
    assert {a: comparable(q) for a, q in gold.items()} == {
        a: comparable(q) for a, q in by_article(quotes).items()
    }
    # astral characters (an emoji) inside a span: offsets are code points, as in Python
    panel = gold["art_panel"][0]
    assert (
        "😟" in panel.text
        and panel.text
        == (DATA / "texts" / "art_panel.txt").read_text(encoding="utf-8")[panel.start : panel.end]
    )


def test_export_submitted_from_the_label_studio_editor(run_data):
    """export_ui.json: the Label Studio 1.23.2 editor (headless Chromium) loaded the predictions,
    the annotator changed the kind of the first quote to 'indirect' and submitted both tasks."""
    quotes, _, _ = run_data
    export = json.loads((DATA / "export_ui.json").read_text(encoding="utf-8"))
    assert {
        r["origin"] for t in export for r in t["annotations"][0]["result"] if "origin" in r
    } >= {"prediction-changed"}
    gold, problems, notes = read_export(export)
    assert problems == [] and notes == []
    expected = {a: comparable(q) for a, q in by_article(quotes).items()}
    expected["art_kinship"][0]["kind"] = "indirect"
    assert {a: comparable(q) for a, q in gold.items()} == expected


def test_annotator_edits_are_applied_and_ids_renumbered(export):
    results = results_of(export, "art_kinship")
    text = next(t for t in export if t["data"]["article"] == "art_kinship")["data"]["text"]
    drop_region(
        results, "a1q3"
    )  # the annotator deletes the Tom Oduya quote (mention a1m2 stays, unrelated)
    for r in results:  # flips a stance
        if r.get("id") == "a1q2" and r["from_name"] == "stance":
            r["value"]["taxonomy"] = [
                ["kinship-carer-financial-support", "neutral"],
                ["families-first-pathfinder", "oppose"],
            ]
        if r.get("id") == "a1q1" and r["from_name"] == "speaker":
            r["value"]["text"] = ["  Priya   Nandakumar "]
    # adds a quote earlier in the article, selected with a trailing space, related from the mention side
    piece = "a new allowance for kinship carers in a handful of pilot areas."
    s = text.index(piece)
    e = s + len(piece) + 1
    mention = text.index("Ministers")
    results += [
        {
            "id": "Xy7_kQ2",
            "from_name": "span",
            "to_name": "text",
            "type": "labels",
            "origin": "manual",
            "value": {"start": s, "end": e, "text": text[s:e], "labels": ["Quote"]},
        },
        {
            "id": "Xy7_kQ2",
            "from_name": "kind",
            "to_name": "text",
            "type": "choices",
            "origin": "manual",
            "value": {"start": s, "end": e, "choices": ["indirect"]},
        },
        {
            "id": "Xy7_kQ2",
            "from_name": "organisation",
            "to_name": "text",
            "type": "textarea",
            "origin": "manual",
            "value": {"start": s, "end": e, "text": ["Department for Education"]},
        },
        {
            "id": "Xy7_kQ2",
            "from_name": "note",
            "to_name": "text",
            "type": "textarea",
            "origin": "manual",
            "value": {"start": s, "end": e, "text": ["promised = cue"]},
        },
        {
            "id": "m_Mn",
            "from_name": "span",
            "to_name": "text",
            "type": "labels",
            "origin": "manual",
            "value": {
                "start": mention,
                "end": mention + 9,
                "text": "Ministers",
                "labels": ["Speaker"],
            },
        },
        {
            "from_id": "m_Mn",
            "to_id": "Xy7_kQ2",
            "type": "relation",
            "direction": "left",
            "labels": [],
        },
    ]
    gold = gold_from_export(export)
    kin = gold["art_kinship"]
    assert [q.id for q in kin] == ["q01", "q02", "q03", "q04"]
    new = kin[0]
    assert (new.start, new.end, new.text) == (s, e - 1, piece)  # trailing space trimmed
    assert (new.kind, new.speaker, new.organisation, new.cue) == (
        "indirect",
        None,
        "Department for Education",
        None,
    )
    assert (new.speaker_start, new.speaker_end) == (mention, mention + 9)
    assert new.extra == {"annotator": "1", "note": "promised = cue"}
    assert kin[1].speaker == "Priya Nandakumar"
    assert [(st.target, st.stance) for st in kin[2].stances] == [
        ("kinship-carer-financial-support", "neutral"),
        ("families-first-pathfinder", "oppose"),
    ]
    assert "Tom Oduya" not in [q.speaker for q in kin]
    assert kin[3].cue == "added"
    assert len(gold["art_panel"]) == 2


@pytest.mark.parametrize(
    "edit, message",
    [
        ("no_kind", "has no kind; fix: choose one of direct"),
        ("non_leaf", "is not target / stance"),
        ("unknown_target", "unknown target 'made-up-target'"),
        ("two_stances", "has two stances"),
        ("quote_to_quote", "relation between two Quote regions"),
        ("text_changed", "!= article[129:187]"),
        ("two_mentions", "related to two Speaker mentions"),
        ("attribute_on_mention", "set on a Speaker mention"),
        ("dangling_relation", "not in the annotation"),
        ("outside", "is not inside the article"),
    ],
)
def test_problems_name_region_and_fix_and_keep_other_articles(export, edit, message):
    results = results_of(export, "art_kinship")
    first = {r["from_name"]: r for r in results if r.get("id") == "a1q1"}
    if edit == "no_kind":
        results.remove(first["kind"])
    elif edit == "non_leaf":
        first["stance"]["value"]["taxonomy"] = [["kinship-carer-financial-support"]]
    elif edit == "unknown_target":
        first["stance"]["value"]["taxonomy"] = [["made-up-target", "support"]]
    elif edit == "two_stances":
        first["stance"]["value"]["taxonomy"] = [
            ["kinship-carer-financial-support", "support"],
            ["kinship-carer-financial-support", "oppose"],
        ]
    elif edit == "quote_to_quote":
        results.append(
            {"from_id": "a1q1", "to_id": "a1q2", "type": "relation", "direction": "right"}
        )
    elif edit == "text_changed":
        first["span"]["value"]["text"] = (
            "This is a welcome first step for grandchildren who step in,"
        )
    elif edit == "two_mentions":
        results.append(
            {"from_id": "a1q1", "to_id": "a1m2", "type": "relation", "direction": "right"}
        )
    elif edit == "attribute_on_mention":
        results.append(
            {
                "id": "a1m1",
                "from_name": "kind",
                "to_name": "text",
                "type": "choices",
                "value": {"start": 194, "end": 210, "choices": ["direct"]},
            }
        )
    elif edit == "dangling_relation":
        results.append(
            {"from_id": "a1q1", "to_id": "gone", "type": "relation", "direction": "right"}
        )
    elif edit == "outside":
        first["span"]["value"].update(start=10_000, end=10_010, text=None)
    gold, problems, _ = read_export(export)
    assert "art_kinship" not in gold and len(gold["art_panel"]) == 2
    assert any(message in p for p in problems), problems
    assert all("fix:" in p for p in problems)
    with pytest.raises(LabelStudioError):
        gold_from_export(export)


def test_choosing_among_several_annotations(export):
    task = next(t for t in export if t["data"]["article"] == "art_panel")
    own = task["annotations"][0]
    other = copy.deepcopy(own)
    other.update(id=99, completed_by=2, updated_at="2030-01-01T00:00:00Z")
    other["result"] = [
        r for r in other["result"] if r.get("id") != "a2q2" and r.get("from_id") != "a2q2"
    ]
    cancelled = copy.deepcopy(other)
    cancelled.update(
        id=100, completed_by=3, updated_at="2031-01-01T00:00:00Z", was_cancelled=True, result=[]
    )
    task["annotations"] += [other, cancelled]
    gold, problems, notes = read_export(export)
    assert (
        problems == []
        and len(gold["art_panel"]) == 1
        and gold["art_panel"][0].extra["annotator"] == "2"
    )
    assert any("2 annotations (by 1, 2); using the latest" in n for n in notes)
    gold, _, notes = read_export(export, annotator="1")
    assert len(gold["art_panel"]) == 2 and sorted(gold) == ["art_kinship", "art_panel"]
    gold, _, notes = read_export(export, annotator="2")
    assert sorted(gold) == ["art_panel"]
    assert any("1 task(s) not annotated by 2 (skipped): art_kinship" in n for n in notes)


def test_an_article_without_quotes_gives_an_empty_gold_file(export):
    results_of(export, "art_panel").clear()
    gold = gold_from_export(export)
    assert gold["art_panel"] == [] and len(gold["art_kinship"]) == 4


def test_bad_export_shapes_do_not_crash():
    assert read_export({"not": "a list"})[1][0].startswith("export: expected a JSON list")
    gold, problems, _ = read_export(
        [
            1,
            {"id": 5, "data": {"text": "x"}},
            {"id": 6, "data": {"article": "a", "text": "t"}, "annotations": [{"result": ["junk"]}]},
        ]
    )
    assert gold == {}
    assert len(problems) == 3


# --------------------------------------------------------------------------------------------
# commands


@pytest.fixture()
def cli():
    app = typer.Typer()
    app.command("prepare")(prepare_command)
    app.command("import")(import_command)
    return app


def test_prepare_and_import_commands(cli, tmp_path, run_data):
    from evaluation.annotate import check_gold

    quotes, _, _ = run_data
    runner = CliRunner()
    out = tmp_path / "tasks.json"
    result = runner.invoke(cli, ["prepare", "--run", str(DATA), "--out", str(out)])
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert len(tasks) == 2
    assert ET.fromstring((tmp_path / "tasks.xml").read_text(encoding="utf-8")).tag == "View"

    export = tmp_path / "export.json"
    export.write_text(json.dumps(simulate_export(tasks)), encoding="utf-8")
    gold_dir = tmp_path / "gold"
    args = ["import", str(export), "--out", str(gold_dir), "--corpus", str(DATA / "texts")]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in gold_dir.iterdir()) == ["art_kinship.jsonl", "art_panel.jsonl"]
    lines = (gold_dir / "art_kinship.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["q01", "q02", "q03", "q04"]
    assert check_gold([gold_dir], corpus_dir=DATA / "texts") == []
    written = {
        a: comparable(
            [
                Quote.from_json(json.loads(line))
                for line in (gold_dir / f"{a}.jsonl").read_text(encoding="utf-8").splitlines()
            ]
        )
        for a in ("art_kinship", "art_panel")
    }
    assert written == {a: comparable(q) for a, q in by_article(quotes).items()}

    # never overwrite without --force
    (gold_dir / "art_panel.jsonl").write_text("", encoding="utf-8")
    result = runner.invoke(cli, args)
    assert result.exit_code == 1 and "exists; nothing written" in result.output
    assert (gold_dir / "art_panel.jsonl").read_text(encoding="utf-8") == ""
    result = runner.invoke(cli, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert len((gold_dir / "art_panel.jsonl").read_text(encoding="utf-8").splitlines()) == 2


TINY = Path(__file__).resolve().parents[1] / "data" / "tiny_domain"


def offered_targets(config: Path) -> list[str]:
    """The target ids of a labeling config's taxonomy (its top-level choices)."""
    taxonomy = ET.fromstring(config.read_text(encoding="utf-8")).find(".//Taxonomy")
    return [choice.get("value") for choice in taxonomy.findall("Choice")]


def test_prepare_offers_the_targets_of_the_domain(cli, tmp_path):
    runner = CliRunner()
    out = tmp_path / "tasks.json"
    result = runner.invoke(cli, ["prepare", "--run", str(DATA), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert offered_targets(tmp_path / "tasks.xml") == [t.id for t in load_targets()]
    # the run's stances are toward the bundled targets: each is reported, the tasks still written
    result = runner.invoke(
        cli, ["prepare", "--run", str(DATA), "--out", str(out), "--domain", str(TINY)]
    )
    assert result.exit_code == 1
    assert "art_kinship#q01: unknown target 'kinship-carer-financial-support'" in result.output
    assert offered_targets(tmp_path / "tasks.xml") == ["library-closure", "volunteer-staffing"]
    # converting a run made with another domain: its own targets, unless --targets says otherwise
    run = tmp_path / "run"
    shutil.copytree(DATA, run)
    (run / "manifest.json").write_text(
        json.dumps({"config": {"domain": str(TINY)}}), encoding="utf-8"
    )
    result = runner.invoke(cli, ["prepare", "--run", str(run), "--out", str(out)])
    assert result.exit_code == 1 and "unknown target" in result.output
    assert offered_targets(tmp_path / "tasks.xml") == ["library-closure", "volunteer-staffing"]
    bundled = PROJECT_ROOT / "annotations" / "targets.yaml"
    result = runner.invoke(
        cli, ["prepare", "--run", str(run), "--out", str(out), "--targets", str(bundled)]
    )
    assert result.exit_code == 0, result.output
    assert len(offered_targets(tmp_path / "tasks.xml")) == len(load_targets())
    result = runner.invoke(
        cli, ["prepare", "--run", str(DATA), "--out", str(out), "--domain", str(tmp_path)]
    )
    assert result.exit_code == 2 and f"{tmp_path / 'targets.yaml'}: missing" in result.output


def test_import_checks_target_ids_against_the_domain(cli, tmp_path, export):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    args = ["import", str(path), "--out", str(tmp_path / "gold"), "--corpus", str(DATA / "texts")]
    result = CliRunner().invoke(cli, [*args, "--domain", str(TINY)])
    assert result.exit_code == 1  # the export's targets are the bundled debate's
    assert "unknown target 'kinship-carer-financial-support'" in result.output
    result = CliRunner().invoke(
        cli,
        [
            *args,
            "--domain",
            str(TINY),
            "--targets",
            str(PROJECT_ROOT / "annotations" / "targets.yaml"),
        ],
    )
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_prepare_runs_the_pipeline_with_the_domain(cli, tmp_path):
    run = tmp_path / "run"
    out = tmp_path / "tasks.json"
    result = CliRunner().invoke(
        cli,
        [
            "prepare",
            str(TINY.parent / "tiny_corpus"),
            "--out",
            str(out),
            "--run",
            str(run),
            "--model",
            str(tmp_path / "no-model"),
            "--domain",
            str(TINY),
        ],
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["domain"] == str(TINY)
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    # "HLT" is an alias of the tiny domain's actors, so the suggestions name the trust in full
    organisations = {
        r["value"]["text"][0]
        for r in task["predictions"][0]["result"]
        if r.get("from_name") == "organisation"
    }
    assert organisations == {"Harbour Libraries Trust"}
    assert offered_targets(tmp_path / "tasks.xml") == ["library-closure", "volunteer-staffing"]


def test_import_command_checks_corpus_text_and_reports_problems(cli, tmp_path, export):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "texts", corpus)
    (corpus / "art_panel.txt").write_text("A different text.\n", encoding="utf-8")
    results_of(export, "art_kinship")[:] = [
        r
        for r in results_of(export, "art_kinship")
        if not (r.get("id") == "a1q4" and r.get("from_name") == "kind")
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["import", str(path), "--out", str(tmp_path / "gold"), "--corpus", str(corpus)]
    )
    assert result.exit_code == 1
    assert "task text of art_panel differs" in result.output and "region a1q4" in result.output
    assert not (tmp_path / "gold").exists() or list((tmp_path / "gold").iterdir()) == []
    (tmp_path / "bad.json").write_text("{oops", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["import", str(tmp_path / "bad.json"), "--out", str(tmp_path / "gold")]
    )
    assert result.exit_code == 2 and "cannot read a JSON export" in result.output


def test_prepare_without_predictions_gives_bare_articles(cli, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "texts", corpus)
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "bare.json"
    result = CliRunner().invoke(
        cli, ["prepare", str(corpus), "--no-predictions", "--out", str(out)]
    )
    assert (
        result.exit_code == 1 and "empty file" in result.output
    )  # the bad input is reported, the rest written
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [(t["data"]["article"], t["predictions"]) for t in tasks] == [
        ("art_kinship", []),
        ("art_panel", []),
    ]
    assert tasks[1]["data"]["text"] == (DATA / "texts" / "art_panel.txt").read_text(
        encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli, ["prepare", "--run", str(DATA), "--no-predictions", "--out", str(out)]
    )
    assert result.exit_code == 0 and all(
        t["predictions"] == [] for t in json.loads(out.read_text(encoding="utf-8"))
    )


def test_prepare_command_needs_input(cli, tmp_path):
    result = CliRunner().invoke(cli, ["prepare", "--out", str(tmp_path / "t.json")])
    assert result.exit_code == 2
    result = CliRunner().invoke(
        cli, ["prepare", "--run", str(tmp_path), "--out", str(tmp_path / "t.json")]
    )
    assert result.exit_code == 2 and "no articles.jsonl" in result.output


@pytest.mark.slow
def test_prepare_runs_the_pipeline_on_a_corpus(cli, tmp_path):
    pytest.importorskip("pipeline.quotes", reason="the quote extractor has not landed yet")
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "texts", corpus)
    out = tmp_path / "tasks.json"
    result = CliRunner().invoke(
        cli,
        [
            "prepare",
            str(corpus),
            "--out",
            str(out),
            "--run",
            str(tmp_path / "run"),
            "--model",
            str(tmp_path / "no-model"),
        ],
    )
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(t["data"]["article"] for t in tasks) == ["art_kinship", "art_panel"]
    assert all(
        t["data"]["text"] == (corpus / f"{t['data']['article']}.txt").read_text(encoding="utf-8")
        for t in tasks
    )
    assert gold_from_export(simulate_export(tasks)).keys() <= {"art_kinship", "art_panel"}


# --------------------------------------------------------------------------------------------
# a real Label Studio server (opt-in)


class _Server:
    def __init__(self, port: int, token: str):
        self.base, self.token = f"http://127.0.0.1:{port}", token

    def call(self, method: str, path: str, body=None, timeout: float = 60):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw else None


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory):
    if os.environ.get("STANCEMAP_SERVER_TESTS") != "1" or not LS_BIN.exists():
        pytest.skip(
            "set STANCEMAP_SERVER_TESTS=1 and install .venv-labelstudio (see annotations/LABEL_STUDIO.md)"
        )
    tmp_path = tmp_path_factory.mktemp("label-studio")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token, password = secrets.token_hex(20), secrets.token_hex(8)
    home = tmp_path / "home"
    home.mkdir()
    env = dict(
        os.environ,
        HOME=str(home),
        LABEL_STUDIO_BASE_DATA_DIR=str(tmp_path / "ls-data"),
        LATEST_VERSION_CHECK="false",
        COLLECT_ANALYTICS="false",
    )
    log = open(tmp_path / "label-studio.log", "wb")
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            str(LS_BIN),
            "start",
            "--no-browser",
            "--internal-host",
            "127.0.0.1",
            "--port",
            str(port),
            "--username",
            "annotator@example.com",
            "--password",
            password,
            "--user-token",
            token,
            "--enable-legacy-api-token",
        ],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = _Server(port, token)
    server.email, server.password, server.tmp = "annotator@example.com", password, tmp_path
    try:
        deadline = time.monotonic() + 240
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"label-studio exited ({process.returncode}); see {tmp_path / 'label-studio.log'}"
                )
            try:
                server.call("GET", "/api/version", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError("label-studio did not answer within 240 s") from None
                time.sleep(1)
        server.startup_s = time.perf_counter() - started
        yield server
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


@pytest.mark.server
def test_round_trip_through_a_real_label_studio(label_studio, run_data, capsys):
    quotes, texts, titles = run_data
    t0 = time.perf_counter()
    tasks = tasks_from_quotes(quotes, texts, titles=titles, model_version="test")
    project = label_studio.call(
        "POST", "/api/projects", {"title": "stancemap test", "label_config": labeling_config()}
    )
    imported = label_studio.call("POST", f"/api/projects/{project['id']}/import", tasks)
    assert imported["task_count"] == 2 and imported["prediction_count"] == 2
    listing = label_studio.call("GET", f"/api/tasks?project={project['id']}")
    for row in listing["tasks"] if isinstance(listing, dict) else listing:
        task = label_studio.call("GET", f"/api/tasks/{row['id']}")
        assert len(task["predictions"]) == 1
        # an annotator who accepts every suggestion
        label_studio.call(
            "POST",
            f"/api/tasks/{row['id']}/annotations",
            {
                "result": task["predictions"][0]["result"],
                "was_cancelled": False,
                "ground_truth": False,
            },
        )
    export = label_studio.call("GET", f"/api/projects/{project['id']}/export?exportType=JSON")
    gold = gold_from_export(export)
    assert {a: comparable(q) for a, q in gold.items()} == {
        a: comparable(q) for a, q in by_article(quotes).items()
    }
    # bare tasks (prepare --no-predictions) import too
    bare = label_studio.call(
        "POST", "/api/projects", {"title": "bare", "label_config": labeling_config()}
    )
    imported = label_studio.call(
        "POST", f"/api/projects/{bare['id']}/import", [dict(t, predictions=[]) for t in tasks]
    )
    assert imported["task_count"] == 2 and imported["prediction_count"] == 0
    with capsys.disabled():
        print(
            f"\nlabel-studio: ready after {label_studio.startup_s:.1f}s; project/import/annotate/export/convert {time.perf_counter() - t0:.1f}s"
        )


class _Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (fds 3/4): stdlib only."""

    def __init__(self, binary: str, profile: Path):
        r_in, w_in = os.pipe()  # we write, chromium reads on fd 3
        r_out, w_out = os.pipe()  # chromium writes on fd 4, we read
        keep_in, keep_out = os.dup2(r_in, 100), os.dup2(w_out, 101)

        def child_fds():
            os.dup2(keep_in, 3)
            os.dup2(keep_out, 4)

        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "--window-size=1600,1200",
                "about:blank",
            ],
            preexec_fn=child_fds,
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for fd in (r_in, w_out, keep_in, keep_out):
            os.close(fd)
        self.writer, self.reader = (
            os.fdopen(w_in, "wb", buffering=0),
            os.fdopen(r_out, "rb", buffering=0),
        )
        self.next_id, self.buffer, self.session = 0, b"", None
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]

    def send(self, method: str, params: dict | None = None) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session:
            message["sessionId"] = self.session
        self.writer.write(json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = self.reader.read(1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def js(self, expression: str):
        return (
            self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
            .get("result", {})
            .get("value")
        )

    def wait_for(self, expression: str, timeout: float = 90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.5)
        raise TimeoutError(f"waited {timeout:.0f}s for {expression}")

    def goto(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})

    def close(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass


CLICK_SUBMIT = "(() => { const b = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'Submit'); if (b) b.click(); return !!b; })()"


@pytest.mark.server
def test_annotator_in_the_label_studio_editor(label_studio, run_data, capsys):
    """The editor loads the suggestions; an annotator changes one kind and submits; import sees it."""
    browser_bin = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if browser_bin is None:
        pytest.skip("no chromium to drive the Label Studio editor")
    quotes, texts, titles = run_data
    t0 = time.perf_counter()
    project = label_studio.call(
        "POST", "/api/projects", {"title": "editor test", "label_config": labeling_config()}
    )
    label_studio.call(
        "POST",
        f"/api/projects/{project['id']}/import",
        tasks_from_quotes(quotes, texts, titles=titles),
    )
    listing = label_studio.call("GET", f"/api/tasks?project={project['id']}")
    task_ids = {
        row["data"]["article"]: row["id"]
        for row in (listing["tasks"] if isinstance(listing, dict) else listing)
    }
    browser = _Chromium(browser_bin, label_studio.tmp / "chrome-profile")
    try:
        browser.goto(label_studio.base + "/user/login/")
        browser.wait_for("!!document.querySelector('form input[name=email]')")
        browser.js(f"""(() => {{ const f = document.querySelector('form');
            f.querySelector('input[name=email]').value = {json.dumps(label_studio.email)};
            f.querySelector('input[name=password]').value = {json.dumps(label_studio.password)};
            f.submit(); return true; }})()""")
        browser.wait_for("!location.pathname.startsWith('/user/login')")
        for article, task_id in task_ids.items():
            browser.goto(f"{label_studio.base}/projects/{project['id']}/data?task={task_id}")
            n_quotes = sum(q.article == article for q in quotes)
            n_mentions = len(
                {
                    (q.speaker_start, q.speaker_end)
                    for q in quotes
                    if q.article == article and q.speaker_start is not None
                }
            )
            # the suggestions are drawn: one highlight per region
            assert browser.wait_for(
                f"document.querySelectorAll('.htx-highlight').length >= {n_quotes + n_mentions}"
            )
            assert (
                browser.js("[...document.querySelectorAll('.htx-highlight')].length")
                == n_quotes + n_mentions
            )
            if article == "art_kinship":
                browser.js(
                    "[...document.querySelectorAll('.htx-highlight')].find(h => h.innerText.startsWith('This is a welcome')).click()"
                )
                browser.wait_for(
                    "[...document.querySelectorAll('label')].some(l => l.innerText.trim().startsWith('indirect'))",
                    20,
                )
                browser.js(
                    "[...document.querySelectorAll('label')].find(l => l.innerText.trim().startsWith('indirect')).click()"
                )
            assert browser.wait_for(CLICK_SUBMIT, 20)
            deadline = time.monotonic() + 30
            while not label_studio.call("GET", f"/api/tasks/{task_id}")["annotations"]:
                assert time.monotonic() < deadline, f"the editor did not submit task {task_id}"
                time.sleep(0.5)
    finally:
        browser.close()
    export = label_studio.call("GET", f"/api/projects/{project['id']}/export?exportType=JSON")
    gold = gold_from_export(export)
    expected = {a: comparable(q) for a, q in by_article(quotes).items()}
    expected["art_kinship"][0]["kind"] = "indirect"
    assert {a: comparable(q) for a, q in gold.items()} == expected
    with capsys.disabled():
        print(f"\nlabel-studio editor round trip: {time.perf_counter() - t0:.1f}s")


def test_uncertain_tasks_keep_the_articles_of_the_least_certain_quotes_first():
    from evaluation.labelstudio import tasks_from_quotes, uncertain_tasks
    from pipeline.records import Quote

    texts = {"a1": "Jo said it works. Al said it fails.", "a2": "Sam said no."}
    quotes = [
        Quote(article="a1", id="q1", start=8, end=16, text="it works", kind="indirect"),
        Quote(article="a1", id="q2", start=26, end=34, text="it fails", kind="indirect"),
        Quote(article="a2", id="q1", start=9, end=11, text="no", kind="indirect"),
    ]
    tasks = tasks_from_quotes(quotes, texts)
    picked = uncertain_tasks(
        tasks,
        quotes,
        [
            (0.2, "link to x: 0.40"),
            (0.9, "stance toward x: support 0.40 vs oppose 0.38"),
            (0.5, "link"),
        ],
        2,
    )
    assert [t["data"]["article"] for t in picked] == ["a1", "a2"]
    assert picked[0]["data"]["check_first"].startswith("q2 (0.90): stance toward x")
    assert "q1" not in picked[0]["data"]["check_first"]
    assert picked[0]["predictions"][0]["score"] == pytest.approx(0.1)
    assert "check_first" not in tasks[0]["data"]  # the input tasks are left as they were
    assert [
        t["data"]["article"]
        for t in uncertain_tasks(tasks, quotes, [(0.2, ""), (0.9, ""), (0.5, "")], 1)
    ] == ["a1"]
