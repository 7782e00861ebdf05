"""The seeds before and after: the pipeline's outputs on the bundled corpus must not change unless
a change means them to. Expected files live in tests/data/seeds_expected/:

* articles.jsonl, segments.jsonl, quotes.jsonl: `stancemap run corpus` without a stance model;
* gold_statements.jsonl, gold_matrix.csv: the statements and matrix of the gold quotes (they
  carry stances), rebuilt the way `stancemap report` rebuilds a run.

A deliberate change rewrites them with STANCEMAP_UPDATE_EXPECTED=1 and says why in its commit.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from pipeline.rerun import rebuild_run
from pipeline.run import RunOptions, run_pipeline

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


def test_quote_stage_outputs_on_the_seeds_are_unchanged(tmp_path):
    run = tmp_path / "run"
    summary = run_pipeline(
        ROOT / "corpus", out=run, options=RunOptions(model=None), progress=lambda m: None
    )
    assert summary.n_ok == 5 and summary.n_quotes == 179
    for name in ("articles.jsonl", "segments.jsonl", "quotes.jsonl"):
        _same(run / name, EXPECTED / name)


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
