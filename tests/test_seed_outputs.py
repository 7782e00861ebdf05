"""The seeds before and after: the pipeline's outputs on the bundled corpus must not change unless
a change means them to. Expected files live in tests/data/seeds_expected/:

* articles.jsonl, segments.jsonl, quotes.jsonl: `stancemap run corpus` without a stance model;
* gold_statements.jsonl, gold_matrix.csv: the statements and matrix of the gold quotes (they
  carry stances), rebuilt the way `stancemap report` rebuilds a run;
* stance_stances.jsonl, stance_statements.jsonl, stance_matrix.csv: `stancemap stance` over the
  seed run with a fixed model (tests/helpers.py's untrained model: seeded weights, float32), so
  the stance stage's plumbing (contexts cut from the quote's spans, pairs, linking, assembly) is
  held to the same standard as the quote stage. Scores are compared to 0.002: float32 kernels
  differ in the last digits between CPUs; every label must be the same.

A deliberate change rewrites them with STANCEMAP_UPDATE_EXPECTED=1 and says why in its commit.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline.domain import load_domain
from pipeline.rerun import classify_run, rebuild_run
from pipeline.run import RunOptions, run_pipeline
from tests.helpers import save_untrained_model

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "data" / "seeds_expected"
UPDATE = os.environ.get("STANCEMAP_UPDATE_EXPECTED") == "1"


def _same(produced: Path, expected: Path) -> None:
    if UPDATE:
        shutil.copyfile(produced, expected)
        return
    got = produced.read_text(encoding="utf-8").splitlines()
    want = expected.read_text(encoding="utf-8").splitlines()
    if got != want:
        diff = "\n".join(
            list(difflib.unified_diff(want, got, str(expected), str(produced), lineterm="", n=0))[
                :40
            ]
        )
        pytest.fail(
            f"{produced.name} differs from the stored seed output ({len(want)} lines expected, {len(got)} made):\n{diff}"
        )


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("seeds") / "run"
    summary = run_pipeline(
        ROOT / "corpus", out=run, options=RunOptions(model=None), progress=lambda m: None
    )
    assert summary.n_ok == 5 and summary.n_quotes == 181
    return run


def test_quote_stage_outputs_on_the_seeds_are_unchanged(seed_run):
    for name in ("articles.jsonl", "segments.jsonl", "quotes.jsonl"):
        _same(seed_run / name, EXPECTED / name)


def _scored_lines_agree(produced: Path, expected: Path) -> None:
    """JSON lines equal in every field, ``score`` to 0.002."""
    if UPDATE:
        shutil.copyfile(produced, expected)
        return
    got = [json.loads(line) for line in produced.read_text(encoding="utf-8").splitlines()]
    want = [json.loads(line) for line in expected.read_text(encoding="utf-8").splitlines()]
    assert len(got) == len(want), f"{produced.name}: {len(got)} lines, {len(want)} expected"
    for n, (g, w) in enumerate(zip(got, want), 1):
        g_score, w_score = g.pop("score", None), w.pop("score", None)
        assert g == w, f"{produced.name} line {n}: {g} != {w} (expected, {expected})"
        assert (g_score is None) == (w_score is None) and (
            g_score is None or abs(g_score - w_score) <= 0.002
        ), f"{produced.name} line {n}: score {g_score}, expected {w_score}"


def test_stance_stage_outputs_on_the_seeds_with_a_fixed_model_are_unchanged(seed_run, tmp_path):
    model = save_untrained_model(load_domain(None).targets, tmp_path / "model")
    run = tmp_path / "run"
    shutil.copytree(seed_run, run)
    summary = classify_run(run, model=model, device="cpu", bf16=False, progress=lambda m: None)
    assert summary.quotes == 181 and summary.stances == 181 and summary.problems == []
    _scored_lines_agree(run / "stances.jsonl", EXPECTED / "stance_stances.jsonl")
    _scored_lines_agree(run / "statements.jsonl", EXPECTED / "stance_statements.jsonl")
    _same(run / "matrix.csv", EXPECTED / "stance_matrix.csv")


def test_statements_and_matrix_of_the_gold_quotes_are_unchanged(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    with open(run / "quotes.jsonl", "w", encoding="utf-8") as out:
        for path in sorted((ROOT / "annotations" / "gold").glob("*.jsonl")):
            out.write(path.read_text(encoding="utf-8"))
    shutil.copyfile(EXPECTED / "articles.jsonl", run / "articles.jsonl")
    summary = rebuild_run(run, progress=lambda m: None)
    assert summary.quotes == 190 and summary.problems == []
    _same(run / "statements.jsonl", EXPECTED / "gold_statements.jsonl")
    _same(run / "matrix.csv", EXPECTED / "gold_matrix.csv")
