"""`annotate check` and `annotate agree` on a small hand-written corpus and annotation sets."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from evaluation.annotate import agreement, check_gold
from evaluation.cli import annotate_app
from pipeline.records import Quote

# a made-up article; the CRLF checks that offsets count characters as stored (newline="")
ARTICLE = (
    "Plans for the widget levy were set out on Monday.\r\n\r\n"
    "\u201cWe welcome the levy,\u201d said Jane Roe, director of the Help Trust.\r\n"
    "She added that the funding was \u201cfar too low\u201d.\r\n"
)
TARGETS = """targets:
- id: widget-levy
  title: The widget levy
- id: widget-fund
  title: The widget fund
"""


def span(text, after=0):
    start = ARTICLE.index(text, after)
    return start, start + len(text)


def record(
    qid, text, *, kind="direct", speaker="Jane Roe", mention="Jane Roe", stances=None, **over
):
    start, end = span(text)
    ms, me = span(mention)
    data = {
        "article": "art1",
        "id": qid,
        "start": start,
        "end": end,
        "text": text,
        "kind": kind,
        "speaker": speaker,
        "organisation": "Help Trust",
        "speaker_start": ms,
        "speaker_end": me,
        "cue": "said",
        "stances": stances
        if stances is not None
        else [{"target": "widget-levy", "stance": "support"}],
    }
    data.update(over)
    return data


GOOD = [
    record("q01", "We welcome the levy,"),
    record(
        "q02",
        "the funding was \u201cfar too low\u201d",
        kind="mixed",
        mention="She",
        cue="added",
        stances=[{"target": "widget-fund", "stance": "oppose"}],
    ),
]


def write_jsonl(path, rows):
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
        ),
        encoding="utf-8",
    )


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "corpus").mkdir()
    with open(tmp_path / "corpus" / "art1.txt", "w", encoding="utf-8", newline="") as handle:
        handle.write(ARTICLE)
    (tmp_path / "annotations" / "gold").mkdir(parents=True)
    (tmp_path / "annotations" / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    return tmp_path


def run_check(project, *paths):
    return check_gold(
        paths or [project / "annotations" / "gold"],
        corpus_dir=project / "corpus",
        targets_path=project / "annotations" / "targets.yaml",
    )


def test_clean_gold_has_no_problems(project):
    write_jsonl(project / "annotations" / "gold" / "art1.jsonl", GOOD)
    assert run_check(project) == []


def test_each_problem_names_file_line_and_fix(project):
    gold = project / "annotations" / "gold"
    s, e = GOOD[0]["start"], GOOD[0]["end"]
    rows = [
        GOOD[0],
        {**GOOD[1], "start": GOOD[1]["start"] + 1, "end": GOOD[1]["end"] + 1},  # 2: shifted span
        {**GOOD[1], "id": "q03", "kind": "quoted"},  # 3: kind
        {
            **GOOD[1],
            "id": "q04",
            "stances": [{"target": "widget_fund", "stance": "against"}],
        },  # 4: target, label
        {**GOOD[0], "id": "q01"},  # 5: duplicate id
        {
            **GOOD[0],
            "id": "q06",
            "speaker_start": len(ARTICLE) - 1,
            "speaker_end": len(ARTICLE) + 4,
        },  # 6
        "{broken",  # 7
        {
            **GOOD[0],
            "id": "q08",
            "speaker_start": s - 2,
            "speaker_end": s - 1,
        },  # 8: blank mention (a space)
    ]
    write_jsonl(gold / "art1.jsonl", rows)
    write_jsonl(gold / "art9.jsonl", [{**GOOD[0], "article": "art9"}])
    problems = run_check(project)
    f = gold / "art1.jsonl"
    joined = "\n".join(problems)
    assert all("; fix: " in p for p in problems), joined
    q2s, q2e = GOOD[1]["start"], GOOD[1]["end"]
    assert any(
        p.startswith(f"{f}:2: text is not article[{q2s + 1}:{q2e + 1}]")
        and f"set start={q2s}, end={q2e}" in p
        for p in problems
    ), joined
    assert any(p.startswith(f"{f}:3: kind 'quoted' is not one of") for p in problems), joined
    assert any(
        p.startswith(f"{f}:4: stances[0].target 'widget_fund' is not a target id")
        and "'widget-fund'" in p
        for p in problems
    ), joined
    assert any(
        p.startswith(f"{f}:4: stances[0].stance 'against' is not a stance label") for p in problems
    ), joined
    assert any(
        p.startswith(f"{f}:5: duplicate id 'q01'") and f"first at {f}:1" in p for p in problems
    ), joined
    assert any(
        p.startswith(f"{f}:6: speaker mention") and "runs past the article end" in p
        for p in problems
    ), joined
    assert any(p.startswith(f"{f}:7: not valid JSON") for p in problems), joined
    assert any(p.startswith(f"{f}:8: speaker mention") and "blank" in p for p in problems), joined
    assert any(
        p.startswith(f"{gold / 'art9.jsonl'}: article 'art9' is not in the corpus")
        for p in problems
    ), joined
    assert not any(p.startswith(f"{f}:1:") for p in problems), joined
    assert e > s


def test_record_in_wrong_file_and_empty_dir(project):
    gold = project / "annotations" / "gold"
    assert run_check(project)[0].startswith(f"{gold}: no .jsonl files")
    write_jsonl(gold / "art1.jsonl", [{**GOOD[0], "article": "other"}])
    problems = run_check(project)
    assert any("does not match the file name 'art1'" in p for p in problems)
    assert any("article 'other' is not in the corpus" in p for p in problems)


def make_app():
    app = typer.Typer()
    app.add_typer(annotate_app, name="annotate")
    return app


def test_check_command_defaults_and_exit_codes(project, monkeypatch):
    monkeypatch.chdir(project)
    write_jsonl(project / "annotations" / "gold" / "art1.jsonl", GOOD)
    runner = CliRunner()
    ok = runner.invoke(make_app(), ["annotate", "check", "--domain", "annotations"])
    assert ok.exit_code == 0, ok.output
    assert "ok: 1 file(s), 2 record(s), 1 article(s)" in ok.stdout
    write_jsonl(
        project / "annotations" / "gold" / "art1.jsonl", [GOOD[0], {**GOOD[1], "kind": "quoted"}]
    )
    bad = runner.invoke(make_app(), ["annotate", "check", "--domain", "annotations"])
    assert bad.exit_code == 1
    assert bad.stdout.startswith("annotations/gold/art1.jsonl:2: kind 'quoted'")
    # --corpus elsewhere: the article is missing there
    (project / "empty").mkdir()
    other = runner.invoke(
        make_app(), ["annotate", "check", "annotations/gold", "--corpus", "empty"]
    )
    assert other.exit_code == 1
    assert "not in the corpus" in other.stdout


def test_check_command_reads_the_targets_of_the_domain_unless_given_a_file(project, monkeypatch):
    from pipeline.domain import DEFAULT_DOMAIN

    monkeypatch.chdir(project)
    write_jsonl(project / "annotations" / "gold" / "art1.jsonl", GOOD)
    runner = CliRunner()
    bundled = runner.invoke(make_app(), ["annotate", "check"])  # the bundled debate's targets
    assert bundled.exit_code == 1
    assert bundled.stdout.splitlines()[0] == (
        "annotations/gold/art1.jsonl:1: stances[0].target 'widget-levy' is not a target id; "
        f"fix: use an id from {DEFAULT_DOMAIN / 'targets.yaml'}"
    )
    other = project / "other.yaml"
    other.write_text("targets:\n- id: widget-levy\n  title: The widget levy\n", encoding="utf-8")
    # --targets wins over --domain: widget-fund is not in it
    given = runner.invoke(
        make_app(), ["annotate", "check", "--domain", "annotations", "--targets", str(other)]
    )
    assert given.exit_code == 1
    assert given.stdout.splitlines() == [
        "annotations/gold/art1.jsonl:2: stances[0].target 'widget-fund' is not a target id; "
        "fix: did you mean 'widget-levy'?"
    ]


# ------------------------------------------------------------------ agree


def qq(article, qid, start, end, speaker=None, org=None, **stances):
    return Quote(
        article=article,
        id=qid,
        start=start,
        end=end,
        text="x" * (end - start),
        kind="direct",
        speaker=speaker,
        organisation=org,
        stances=tuple({"target": t, "stance": s} for t, s in stances.items()),
    )


A = [
    qq("x", "a1", 0, 10, "Ann", "O", t1="support"),
    qq("x", "a2", 20, 30, "Bob", "O", t1="oppose"),
    qq("x", "a3", 40, 50, "Cy", "P", t1="support", t2="neutral"),
    qq("x", "a4", 60, 70, "Dee", "Q"),
    qq("y", "a1", 0, 10, "Eve", "R", t1="support"),  # article only A annotated (directories test)
]
B = [
    qq("x", "b1", 0, 10, "ann", "O", t1="support"),
    qq("x", "b2", 22, 30, "Bob", "O2", t1="oppose", t3="support"),
    qq("x", "b3", 40, 50, "Cy", "P", t1="neutral", t2="neutral"),
    qq("x", "b5", 80, 90),
]


def check_x_figures(r):
    assert (r["n_a"], r["n_b"], r["n_matched"]) == (4, 4, 3)
    assert r["span_f1"] == pytest.approx(0.75)
    assert r["exact_f1"] == pytest.approx(0.5)
    assert r["speaker_agreement"] == pytest.approx(1.0)
    assert r["organisation_agreement"] == pytest.approx(2 / 3)
    assert (r["target_precision"], r["target_recall"]) == (pytest.approx(0.8), pytest.approx(1.0))
    assert r["target_f1"] == pytest.approx(8 / 9)
    # pairs both tag: (s,s) (o,o) (s,n) (n,n)
    assert r["n_stance_pairs"] == 4
    assert r["stance_raw_agreement"] == pytest.approx(0.75)
    assert r["stance_kappa"] == pytest.approx(7 / 11)
    assert r["stance_alpha"] == pytest.approx(2 / 3)


def test_agreement_on_quote_lists():
    r = agreement(A[:4], B)
    assert r["n_articles"] == 1
    check_x_figures(r)
    check_x_figures(r["per_article"]["x"])


def test_agreement_on_directories_and_command(tmp_path):
    for name, quotes in (("passA", A), ("passB", B)):
        (tmp_path / name).mkdir()
        for article in sorted({x.article for x in quotes}):
            write_jsonl(
                tmp_path / name / f"{article}.jsonl",
                [x.to_json() for x in quotes if x.article == article],
            )
    r = agreement(tmp_path / "passA", tmp_path / "passB")
    assert r["only_in_a"] == ["y"] and r["only_in_b"] == []
    check_x_figures(r)
    runner = CliRunner()
    out = tmp_path / "agree.json"
    res = runner.invoke(
        make_app(),
        ["annotate", "agree", str(tmp_path / "passA"), str(tmp_path / "passB"), "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    assert "stance Cohen's kappa          0.636" in res.stdout
    assert "only in A: y" in res.stdout
    assert json.loads(out.read_text(encoding="utf-8"))["stance_alpha"] == pytest.approx(2 / 3)
    as_json = runner.invoke(
        make_app(),
        ["annotate", "agree", str(tmp_path / "passA"), str(tmp_path / "passB"), "--format", "json"],
    )
    assert json.loads(as_json.stdout)["span_f1"] == pytest.approx(0.75)
    assert (
        runner.invoke(
            make_app(), ["annotate", "agree", str(tmp_path / "nope"), str(tmp_path / "passB")]
        ).exit_code
        == 2
    )


def test_identical_sets_agree_fully():
    r = agreement(A, A)
    assert r["span_f1"] == 1.0 and r["exact_f1"] == 1.0
    assert r["stance_raw_agreement"] == 1.0
    assert r["stance_alpha"] == pytest.approx(1.0)


def test_span_with_marks_or_whitespace(project):
    gold = project / "annotations" / "gold"
    with_marks = "\u201cWe welcome the levy,\u201d"
    s, e = span(with_marks)
    rows = [
        {**GOOD[0], "start": s, "end": e, "text": with_marks},  # 1: direct span keeps its marks
        {
            **GOOD[0],
            "id": "q02",
            "start": GOOD[0]["start"],
            "end": GOOD[0]["end"] + 1,
            "text": ARTICLE[GOOD[0]["start"] : GOOD[0]["end"] + 1],
        },  # 2: takes the closing mark too
        {**GOOD[1], "id": "q03"},  # 3: a mixed quote may end with a mark
        {**GOOD[1], "id": "q04", "start": GOOD[1]["start"] - 1, "text": " " + GOOD[1]["text"]},  # 4
    ]
    write_jsonl(gold / "art1.jsonl", rows)
    problems = run_check(project)
    f = gold / "art1.jsonl"
    assert [p.split(": ", 1)[0] for p in problems] == [f"{f}:1", f"{f}:2", f"{f}:4"], problems
    assert "includes its quotation marks" in problems[0]
    assert "leading or trailing whitespace" in problems[2]
