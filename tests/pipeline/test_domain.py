"""Domain folders: checked with file:line errors, and nothing else in the pipeline is hard-wired
to the bundled debate (a second, made-up domain in tests/data/tiny_domain)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.domain import DEFAULT_DOMAIN, DomainError, check_domain, load_domain, targets_hash
from pipeline.run import RunOptions, RunRefused, run_pipeline

DATA = Path(__file__).resolve().parents[1] / "data"
TINY = DATA / "tiny_domain"


def test_the_bundled_domain_loads_and_checks_clean():
    domain = load_domain()
    assert domain.path == DEFAULT_DOMAIN
    assert len(domain.targets) == 30 and len(domain.actors.actors) == 57
    assert check_domain(DEFAULT_DOMAIN) == []
    assert domain.actors.canonical_organisation("DfE") == "Department for Education"


def test_a_domain_folder_gives_targets_and_actors():
    domain = load_domain(TINY)
    assert [t.id for t in domain.targets] == ["library-closure", "volunteer-staffing"]
    assert domain.targets[0].related == ("volunteer-staffing",)
    assert domain.actors.canonical_organisation("HLT") == "Harbour Libraries Trust"
    assert domain.actors.lookup("Quinn").name == "Mara Quinn"


def _domain(
    tmp_path, targets: str, actors: str = "actors:\n- name: A Body\n  kind: organisation\n"
) -> Path:
    folder = tmp_path / "d"
    folder.mkdir(exist_ok=True)
    (folder / "targets.yaml").write_text(targets, encoding="utf-8")
    (folder / "actors.yaml").write_text(actors, encoding="utf-8")
    return folder


def test_every_problem_is_reported_with_file_line_and_fix(tmp_path):
    folder = _domain(
        tmp_path,
        (
            "targets:\n"
            "- id: plan-a\n  title: Plan A\n  related_targets: [plan-z]\n"
            "- id: plan-a\n  title: Plan A again\n"
            "- id: Plan B\n  title: B\n"
            "- id: plan-c\n  colour: red\n"
        ),
        (
            "actors:\n"
            "- name: Jo Bell\n  kind: person\n"
            "- name: jo  bell\n"
            "- name: The Board\n  kind: committee\n"
            "- kind: person\n"
        ),
    )
    problems = check_domain(folder)
    t, a = folder / "targets.yaml", folder / "actors.yaml"
    expected = [
        f"{t}:5: duplicate target id 'plan-a' (first at line 2)",
        f"{t}:7: target id 'Plan B' missing or not a lowercase slug",
        f"{t}:9: unknown field(s) colour",
        f"{t}:9: target 'plan-c' has no title",
        f"{t}:2: related target 'plan-z' is not a target id",
        f"{a}:4: duplicate actor 'jo bell' (first at line 2)",
        f"{a}:5: actor 'The Board' has kind 'committee'",
        f"{a}:7: actor without a name",
    ]
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected):
        assert problem.startswith(start) and ";" in problem, problem  # where, what; then how to fix
    with pytest.raises(DomainError) as error:
        load_domain(folder)
    assert error.value.problems == problems


def test_broken_yaml_missing_files_and_a_missing_folder_are_named(tmp_path):
    folder = _domain(tmp_path, "targets:\n- id: a\n  title: [unclosed\n")
    (folder / "actors.yaml").unlink()
    problems = check_domain(folder)
    assert problems[0].startswith(f"{folder / 'targets.yaml'}:") and "not valid YAML" in problems[0]
    assert problems[1].startswith(f"{folder / 'actors.yaml'}: missing")
    assert check_domain(tmp_path / "nowhere")[0].startswith(f"{tmp_path / 'nowhere'}: not a folder")
    assert "no top-level 'targets:' list" in check_domain(_domain(tmp_path, "- id: a\n"))[0]


def test_targets_hash_follows_content_not_layout(tmp_path):
    base = load_domain(TINY).targets_hash
    copy = tmp_path / "copy"
    shutil.copytree(TINY, copy)
    text = (copy / "targets.yaml").read_text(encoding="utf-8")
    (copy / "targets.yaml").write_text("# a new comment\n" + text, encoding="utf-8")
    assert load_domain(copy).targets_hash == base
    (copy / "targets.yaml").write_text(
        text.replace("sell the building", "lease the building"), encoding="utf-8"
    )
    assert load_domain(copy).targets_hash != base
    assert targets_hash(load_domain(copy).targets) == load_domain(copy).targets_hash


def test_a_run_reads_its_actors_from_the_domain_folder(tmp_path):
    corpus = DATA / "tiny_corpus"
    run_pipeline(
        corpus,
        out=tmp_path / "tiny",
        options=RunOptions(model=None, domain=str(TINY)),
        progress=lambda m: None,
    )
    run_pipeline(
        corpus, out=tmp_path / "bundled", options=RunOptions(model=None), progress=lambda m: None
    )

    def organisations(run):
        return [
            json.loads(line)["organisation"]
            for line in (run / "quotes.jsonl").read_text(encoding="utf-8").splitlines()
        ]

    assert (
        organisations(tmp_path / "tiny") == ["Harbour Libraries Trust"] * 2
    )  # HLT is an alias there
    assert organisations(tmp_path / "bundled") == ["HLT"] * 2
    manifest = json.loads((tmp_path / "tiny" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["domain"] == str(TINY)


def test_a_run_refuses_a_model_trained_on_other_targets_and_a_bad_domain(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "model_card.json").write_text(
        json.dumps({"targets_hash": load_domain().targets_hash}), encoding="utf-8"
    )
    with pytest.raises(RunRefused) as refused:
        run_pipeline(
            DATA / "tiny_corpus",
            out=tmp_path / "run",
            options=RunOptions(model=str(model), domain=str(TINY)),
            progress=lambda m: None,
        )
    assert str(model / "model_card.json") in str(refused.value) and str(
        TINY / "targets.yaml"
    ) in str(refused.value)
    assert "retrain" in str(refused.value)
    assert not (tmp_path / "run").exists()  # refused before any work
    (model / "model_card.json").write_text(json.dumps({"format": 4}), encoding="utf-8")
    with pytest.raises(RunRefused, match="does not record the targets"):
        run_pipeline(
            DATA / "tiny_corpus",
            out=tmp_path / "run",
            options=RunOptions(model=str(model)),
            progress=lambda m: None,
        )
    bad = _domain(tmp_path, "targets: []\n")
    with pytest.raises(DomainError):
        run_pipeline(
            DATA / "tiny_corpus",
            out=tmp_path / "run",
            options=RunOptions(model=None, domain=str(bad)),
            progress=lambda m: None,
        )


def test_targets_file_names_the_targets_of_a_domain_folder(tmp_path):
    from pipeline.domain import targets_file

    assert targets_file(None) == DEFAULT_DOMAIN / "targets.yaml"
    assert targets_file(TINY) == TINY / "targets.yaml"
    assert targets_file(str(TINY)) == TINY / "targets.yaml"
    # titles and descriptions are read as one line each, whitespace runs collapsed
    folder = _domain(tmp_path, "targets:\n- id: a\n  title: |\n    Plan\n      A\n")
    assert load_domain(folder).targets[0].title == "Plan A"
