"""`stancemap stance RUN` and `stancemap report RUN`: later stages again from a run's files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.domain import load_domain
from pipeline.rerun import classify_run, rebuild_run
from pipeline.run import RunOptions, RunRefused, run_pipeline
from tests.helpers import save_untrained_model

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = DATA / "tiny_domain"
CORPUS = DATA / "tiny_corpus"
QUIET = {"progress": lambda m: None}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    """An untrained model for the tiny domain's targets, saved like a trained one."""
    return save_untrained_model(
        load_domain(TINY).targets, tmp_path_factory.mktemp("model") / "stance"
    )


def _lines(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def test_stance_classifies_a_runs_quotes_without_parsing_and_a_resumed_run_agrees(
    tmp_path, tiny_model
):
    run = tmp_path / "run"
    options = RunOptions(model=None, domain=str(TINY))
    run_pipeline(CORPUS, out=run, options=options, **QUIET)
    before = _lines(run / "quotes.jsonl")
    assert [q["stances"] for q in before] == [[], []] and _lines(run / "statements.jsonl") == []
    assert _lines(run / "stances.jsonl") == []

    summary = classify_run(run, model=tiny_model, device="cpu", **QUIET)
    after = _lines(run / "quotes.jsonl")
    assert summary.quotes == 2 and summary.stances == 2 and summary.problems == []
    assert [{k: v for k, v in q.items() if k != "stances"} for q in after] == [
        {k: v for k, v in q.items() if k != "stances"} for q in before
    ]
    assert {s["target"] for q in after for s in q["stances"]} <= {
        "library-closure",
        "volunteer-staffing",
    }
    rows = _lines(run / "stances.jsonl")
    assert [(r["quote"], r["target"], r["stance"], r["score"]) for r in rows] == [
        (f"{q['article']}#{q['id']}", s["target"], s["stance"], s["score"])
        for q in after
        for s in q["stances"]
    ]
    statements = _lines(run / "statements.jsonl")
    assert len(statements) == 4 and {s["actor"] for s in statements} == {
        "Harbour Libraries Trust",
        "Mara Quinn",
    }
    matrix = (run / "matrix.csv").read_text(encoding="utf-8").splitlines()
    assert len(matrix) == 1 + 4 and matrix[1].startswith("Harbour Libraries Trust,organisation,")
    assert "Closing the Harbourside central library" in (run / "report.html").read_text(
        encoding="utf-8"
    )
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert (
        manifest["model_path"] == str(tiny_model)
        and manifest["counts"]["stances"] == 2
        and manifest["model"]["targets"]
    )

    # the completion records carry the new stances: the same run with the model resumes, no parse
    resumed = run_pipeline(
        CORPUS,
        out=run,
        options=RunOptions(model=str(tiny_model), domain=str(TINY), device="cpu"),
        **QUIET,
    )
    assert resumed.n_resumed == 1 and _lines(run / "quotes.jsonl") == after


def test_report_rebuilds_statements_matrix_networks_and_report_from_the_files(tmp_path, tiny_model):
    run = tmp_path / "run"
    run_pipeline(
        CORPUS,
        out=run,
        options=RunOptions(model=str(tiny_model), domain=str(TINY), device="cpu"),
        **QUIET,
    )
    kept = {
        name: (run / name).read_bytes()
        for name in ("stances.jsonl", "statements.jsonl", "matrix.csv", "networks/statements.csv")
    }
    for name in kept:
        (run / name).unlink()
    (run / "report.html").unlink()
    with open(run / "quotes.jsonl", "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    summary = rebuild_run(run, **QUIET)
    assert (
        summary.quotes == 2
        and len(summary.problems) == 1
        and "not valid JSON" in summary.problems[0]
    )
    assert {name: (run / name).read_bytes() for name in kept} == kept
    assert (run / "report.html").exists()


def test_a_model_for_other_targets_and_missing_texts_are_handled(tmp_path, tiny_model):
    bundled = tmp_path / "bundled"
    run_pipeline(CORPUS, out=bundled, options=RunOptions(model=None), **QUIET)
    with pytest.raises(RunRefused, match="differ from"):
        classify_run(bundled, model=tiny_model, device="cpu", **QUIET)
    with pytest.raises(RunRefused, match="no quotes.jsonl"):
        rebuild_run(tmp_path / "nothing", **QUIET)

    run = tmp_path / "run"
    run_pipeline(CORPUS, out=run, options=RunOptions(model=None, domain=str(TINY)), **QUIET)
    (run / "texts" / "lib_001.txt").unlink()
    summary = classify_run(run, model=tiny_model, device="cpu", **QUIET)
    assert summary.stances == 0 and "lib_001.txt: missing" in summary.problems[0]
    assert len(_lines(run / "quotes.jsonl")) == 2


def test_overlapping_the_stance_stage_with_the_next_parse_changes_no_output(tmp_path, tiny_model):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (CORPUS / "lib_001.txt").read_text(encoding="utf-8")
    for k in range(3):
        (corpus / f"lib_{k}.txt").write_text(text, encoding="utf-8")
    made = {}
    for overlap in (True, False):
        run = tmp_path / f"overlap-{overlap}"
        options = RunOptions(
            model=str(tiny_model), domain=str(TINY), device="cpu", batch_size=1, overlap=overlap
        )
        summary = run_pipeline(corpus, out=run, options=options, **QUIET)
        assert summary.n_ok == 3 and summary.n_stances == 6
        made[overlap] = {
            name: (run / name).read_bytes()
            for name in ("articles.jsonl", "quotes.jsonl", "stances.jsonl", "matrix.csv")
        }
    # one article per step: each article's parse ran beside the one before's stances
    assert made[True] == made[False] and made[True]["stances.jsonl"]
