"""The ray engine gives the same run folder as the local engine (seed corpus, local Ray instance)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from pipeline.resources import load_targets  # noqa: E402
from pipeline.run import RunOptions, run_pipeline  # noqa: E402
from tests.helpers import save_untrained_model  # noqa: E402

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpus"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return save_untrained_model(load_targets(), tmp_path_factory.mktemp("model") / "stance")


@pytest.fixture(scope="module")
def local_ray():
    # workers import this checkout's code, as run_ray arranges when it starts Ray itself
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        object_store_memory=200 * 1024 * 1024,
        runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}},
    )
    yield
    ray.shutdown()


def _without_scores(quote: dict) -> dict:
    return {
        **quote,
        "stances": [{k: v for k, v in s.items() if k != "score"} for s in quote["stances"]],
    }


def _quotes(run: Path) -> list[dict]:
    return [
        json.loads(line)
        for line in (run / "quotes.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_ray_and_local_engines_give_identical_quotes_and_matrix(tmp_path, tiny_model, local_ray):
    from pipeline.ray_engine import run_ray

    options = RunOptions(model=str(tiny_model), device="cpu", chunk_size=64)
    local = run_pipeline(SEEDS, out=tmp_path / "local", options=options, progress=lambda m: None)
    messages: list[str] = []
    remote = run_ray(SEEDS, out=tmp_path / "ray", options=options, progress=messages.append)

    assert (local.n_ok, local.n_error, local.n_quotes, local.n_stances) == (
        remote.n_ok,
        remote.n_error,
        remote.n_quotes,
        remote.n_stances,
    )
    assert local.n_ok == 5 and local.n_quotes > 0 and local.n_stances > 0
    for name in ("articles.jsonl", "segments.jsonl", "matrix.csv"):
        assert (tmp_path / "local" / name).read_text(encoding="utf-8") == (
            tmp_path / "ray" / name
        ).read_text(encoding="utf-8"), name
    # quotes: every field identical; stance scores equal up to float noise from how pairs are batched
    local_quotes, ray_quotes = _quotes(tmp_path / "local"), _quotes(tmp_path / "ray")
    assert [_without_scores(q) for q in local_quotes] == [_without_scores(q) for q in ray_quotes]
    for a, b in zip(local_quotes, ray_quotes):
        for x, y in zip(a["stances"], b["stances"]):
            assert x.get("score") == pytest.approx(y.get("score"), abs=1e-3), (
                a["article"],
                a["id"],
            )
    rows = list(csv.DictReader(open(tmp_path / "ray" / "matrix.csv", encoding="utf-8")))
    assert rows, "the matrix is empty: the stance stage did not run"
    for text in (tmp_path / "local" / "texts").iterdir():
        assert (tmp_path / "ray" / "texts" / text.name).read_text(
            encoding="utf-8"
        ) == text.read_text(encoding="utf-8")
    manifest = json.loads((tmp_path / "ray" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"]["name"] == "ray"
    assert manifest["counts"]["quotes"] == local.n_quotes
    local_manifest = json.loads((tmp_path / "local" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["device"] == f"ray: {local_manifest['device']}"  # e.g. "ray: cpu, bfloat16"


def test_ray_run_resumes_and_reports_bad_input(tmp_path, local_ray):
    from pipeline.ray_engine import run_ray

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Plan criticised\n\n“It will fail,” said Maria Okafor, chief executive of the Fostering Alliance.\n",
        encoding="utf-8",
    )
    (corpus / "b.txt").write_bytes(b"")
    (corpus / "c.txt").write_text(
        "Budget published\n\nThe council published its budget on Friday.\n", encoding="utf-8"
    )
    options = RunOptions(model=str(tmp_path / "no-model"), chunk_size=1)
    first = run_ray(corpus, out=tmp_path / "run", options=options, progress=lambda m: None)
    assert (first.n_ok, first.n_error, first.n_resumed) == (2, 1, 0)
    statuses = [
        json.loads(line)
        for line in (tmp_path / "run" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [(s["id"], s["status"]) for s in statuses] == [("a", "ok"), ("b", "error"), ("c", "ok")]
    quotes = _quotes(tmp_path / "run")
    assert [q["article"] for q in quotes][:1] == ["a"]
    second = run_ray(corpus, out=tmp_path / "run", options=options, progress=lambda m: None)
    assert second.n_resumed == 2 and second.n_ok == 2 and second.n_error == 1
    assert _quotes(tmp_path / "run") == quotes
