"""Scoring tests: small hand-made gold and prediction sets whose figures were worked out by hand."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from evaluation import scoring as S
from evaluation.cli import evaluate_command
from evaluation.gold import load_quotes, validate_record
from evaluation.scoring import evaluate, match_quotes
from pipeline.records import Quote


def q(article, qid, start, end, speaker=None, org=None, stances=(), **extra):
    return Quote(
        article=article,
        id=qid,
        start=start,
        end=end,
        text="x" * (end - start),
        kind="direct",
        speaker=speaker,
        organisation=org,
        stances=tuple({"target": t, "stance": s} for t, s in stances),
        extra=extra,
    )


def approx(x):
    return pytest.approx(x, abs=1e-9)


# ------------------------------------------------------------------ the hand-worked scenario
#
# a1 gold: g1 0-20 Ann Lee/Org A t1 support; g2 30-50 (no speaker)/Org B t1 oppose, t2 neutral;
#          g3 60-80 Bob Ray/Org A, no stances
# a1 pred: p1 0-20 "ann  lee"/Org A t1 support      -> exact match with g1, all correct
#          p2 35-55 null/Org C t1 oppose, t3 support -> overlaps g2 by 15 of 20: match; org wrong,
#                                                       t3 extra, t2 missing
#          p3 90-100 Bob Ray/Org A t1 support        -> no gold: false positive
# a2 gold: g4 0-10 Cat Day/Children’s Society t1 support
# a2 pred: p4 0-10 Dan Eve/Children's Society t1 neutral -> exact; speaker wrong, org right
#                                                          (apostrophes), stance wrong
# a3 gold: empty file;  pred p5 0-10 -> false positive
# zz: no gold file;     pred p6 -> counted, not scored
GOLD = [
    q("a1", "q01", 0, 20, "Ann Lee", "Org A", [("t1", "support")]),
    q("a1", "q02", 30, 50, None, "Org B", [("t1", "oppose"), ("t2", "neutral")]),
    q("a1", "q03", 60, 80, "Bob Ray", "Org A"),
    q("a2", "q01", 0, 10, "Cat Day", "Children\u2019s Society", [("t1", "support")]),
]
PRED = [
    q("a1", "p1", 0, 20, "ann  lee", "Org A", [("t1", "support")]),
    q("a1", "p2", 35, 55, None, "Org C", [("t1", "oppose"), ("t3", "support")]),
    q("a1", "p3", 90, 100, "Bob Ray", "Org A", [("t1", "support")]),
    q("a2", "p4", 0, 10, "Dan Eve", "Children's Society", [("t1", "neutral")]),
    q("a3", "p5", 0, 10),
    q("zz", "p6", 0, 10, "Someone"),
]


@pytest.fixture(scope="module")
def scenario():
    return evaluate(GOLD, PRED, gold_articles={"a1", "a2", "a3"}, n_boot=200, seed=1)


def test_detection_figures(scenario):
    r = scenario
    assert (r["n_articles"], r["n_gold"], r["n_pred"], r["n_matched"], r["n_exact"]) == (
        3,
        4,
        5,
        3,
        2,
    )
    assert r["quote_precision"] == approx(3 / 5)
    assert r["quote_recall"] == approx(3 / 4)
    assert r["quote_f1"] == approx(2 / 3)
    assert r["exact_precision"] == approx(2 / 5)
    assert r["exact_recall"] == approx(2 / 4)
    assert r["exact_f1"] == approx(4 / 9)
    assert r["n_pred_unscored"] == 1
    assert r["unscored_articles"] == {"zz": 1}


def test_attribution_and_targets(scenario):
    r = scenario
    assert r["speaker_accuracy"] == approx(2 / 3)  # g1 ok (case/space), g2 both null, g4 wrong
    assert r["organisation_accuracy"] == approx(
        2 / 3
    )  # g2 wrong, g4 right despite curly apostrophe
    assert r["quote_speaker_f1"] == approx(4 / 9)  # tp 2, fp 3, fn 2
    assert r["target_precision"] == approx(3 / 4)
    assert r["target_recall"] == approx(3 / 4)
    assert r["target_f1"] == approx(3 / 4)


def test_stance_figures(scenario):
    r = scenario
    # gold pairs on matched quotes: support->support, oppose->oppose, neutral->(missing), support->neutral
    assert r["n_stance_pairs"] == 4
    assert r["stance_macro_f1"] == approx((2 / 3 + 1 + 0) / 3)
    assert r["stance_accuracy"] == approx(0.5)
    assert r["stance_macro_f1_end_to_end"] == approx(5 / 9)  # g3 has no stances: same pairs
    pc = r["per_class"]
    assert pc["support"] == {
        "precision": approx(1),
        "recall": approx(0.5),
        "f1": approx(2 / 3),
        "support": 2,
    }
    assert pc["oppose"]["f1"] == approx(1)
    assert pc["neutral"] == {
        "precision": approx(0),
        "recall": approx(0),
        "f1": approx(0),
        "support": 1,
    }
    cm = r["confusion"]["matrix"]
    assert cm["support"] == {"support": 1, "oppose": 0, "neutral": 1, "none": 0}
    assert cm["oppose"] == {"support": 0, "oppose": 1, "neutral": 0, "none": 0}
    assert cm["neutral"] == {"support": 0, "oppose": 0, "neutral": 0, "none": 1}
    # kappa on the three pairs both tag: po = 2/3, pe = 1/3
    assert r["n_stance_pairs_both"] == 3
    assert r["stance_kappa"] == approx(0.5)


def test_baseline(scenario):
    b = scenario["baseline"]
    assert b["majority_class"] == "support"
    assert b["stance_macro_f1"] == approx((2 / 3) / 3)
    assert b["stance_accuracy"] == approx(0.5)
    assert scenario["baseline_stance_macro_f1"] == b["stance_macro_f1"]
    assert b["matrix_majority"] == "support"
    assert b["matrix_agreement"] == approx(4 / 6)


def test_matrix(scenario):
    r = scenario
    # person cells: (ann lee, t1) agrees; (cat day, t1) has no predicted cell
    assert r["matrix_cells_person"] == 2
    assert r["matrix_agreement_person"] == approx(1 / 2)
    # organisation cells: (org a, t1) support = p1 + p3 support; (org b, t1), (org b, t2) missing;
    # (children's society, t1) support vs neutral
    assert r["matrix_cells_organisation"] == 4
    assert r["matrix_agreement_organisation"] == approx(1 / 4)
    assert r["matrix_cells"] == 6
    assert r["matrix_agreement"] == approx(2 / 6)
    assert r["matrix_coverage"] == approx(3 / 6)
    # kappa with a missing cell as category "none": po = 1/3, pe = 1/4
    assert r["matrix_kappa"] == approx(1 / 9)
    # alpha: only the three cells both fill are pairable: (s,s), (s,n), (s,s) -> Do = De = 1/3
    assert r["matrix_alpha"] == approx(0.0)
    cells = {(c["level"], c["actor"], c["target"]): (c["gold"], c["pred"]) for c in r["matrix"]}
    assert cells[("organisation", "Org A", "t1")] == ("support", "support")
    assert cells[("person", "Cat Day", "t1")] == ("support", None)


def test_per_article(scenario):
    pa = scenario["per_article"]
    assert sorted(pa) == ["a1", "a2", "a3"]
    assert pa["a1"]["quote_f1"] == approx(2 / 3)
    assert pa["a1"]["speaker_accuracy"] == approx(1.0)
    assert pa["a1"]["organisation_accuracy"] == approx(0.5)
    assert pa["a2"]["quote_f1"] == approx(1.0)
    assert pa["a2"]["stance_macro_f1"] == approx(0.0)
    # an article with no gold quotes: its prediction is a false positive
    assert (pa["a3"]["n_gold"], pa["a3"]["n_pred"]) == (0, 1)
    assert pa["a3"]["quote_precision"] == approx(0.0)
    assert pa["a3"]["quote_f1"] == approx(0.0)
    assert pa["a3"]["stance_macro_f1"] is None
    assert "zz" not in pa


def test_ci_sections(scenario):
    ci = scenario["ci"]
    assert set(S.CI_KEYS) <= set(ci)
    lo, hi = ci["quote_f1"]
    assert 0 <= lo <= hi <= 1
    assert scenario["bootstrap"]["n_boot"] == 200
    # same seed, same intervals
    again = evaluate(GOLD, PRED, gold_articles={"a1", "a2", "a3"}, n_boot=200, seed=1)
    assert again["ci"] == ci


def test_scenario_is_json_serialisable(scenario):
    text = json.dumps(scenario)
    assert json.loads(text)["quote_f1"] == approx(2 / 3)


# ------------------------------------------------------------------ matching


def test_half_overlap_rule():
    g = q("a", "g", 0, 10)
    assert match_quotes([g], [q("a", "p", 5, 15)])  # 5 of 10 shared: exactly half
    assert not match_quotes([g], [q("a", "p", 6, 16)])  # 4 of 10
    assert match_quotes([q("a", "g", 0, 100)], [q("a", "p", 90, 100)])  # half of the shorter span
    assert not match_quotes([g], [q("b", "p", 0, 10)])  # other article


def test_prediction_overlapping_two_gold_quotes():
    gold = [q("a", "g1", 0, 40), q("a", "g2", 50, 70)]
    pred = [q("a", "p", 0, 70)]
    pairs = match_quotes(gold, pred)
    assert [(g.id, p.id) for g, p in pairs] == [("g1", "p")]  # larger overlap wins, one-to-one
    r = evaluate(gold, pred, n_boot=0)
    assert (r["quote_precision"], r["quote_recall"]) == (approx(1.0), approx(0.5))
    assert r["quote_f1"] == approx(2 / 3)


def test_greedy_takes_largest_overlap_first():
    gold = [q("a", "g1", 0, 40), q("a", "g2", 40, 60)]
    pred = [q("a", "pa", 10, 40), q("a", "pb", 5, 60)]
    # candidates: (g1,pb)=35, (g1,pa)=30, (g2,pb)=20 -> g1-pb first, then g2 has only pb (taken)
    assert [(g.id, p.id) for g, p in match_quotes(gold, pred)] == [("g1", "pb")]


def test_no_predictions():
    gold = [q("a", "g1", 0, 10, "Ann", "Org", [("t1", "support")]), q("b", "g1", 0, 10)]
    r = evaluate(gold, [], n_boot=50)
    assert (r["quote_precision"], r["quote_recall"], r["quote_f1"]) == (0.0, 0.0, 0.0)
    assert r["exact_f1"] == 0.0
    assert r["speaker_accuracy"] is None and r["organisation_accuracy"] is None
    assert r["target_f1"] is None
    assert r["stance_macro_f1"] is None  # no matched quote: no pair to score
    assert r["stance_macro_f1_end_to_end"] == 0.0  # every gold pair missing
    assert r["matrix_agreement"] == 0.0 and r["matrix_coverage"] == 0.0
    assert r["ci"]["quote_f1"] == [0.0, 0.0]


def test_all_neutral():
    gold = [
        q("a", "g1", 0, 10, stances=[("t1", "neutral")]),
        q("a", "g2", 20, 30, stances=[("t2", "neutral")]),
    ]
    pred = [
        q("a", "p1", 0, 10, stances=[("t1", "neutral")]),
        q("a", "p2", 20, 30, stances=[("t2", "neutral")]),
    ]
    r = evaluate(gold, pred, n_boot=0)
    assert r["stance_macro_f1"] == 1.0  # support/oppose absent from both: left out of the average
    assert r["per_class"]["support"]["f1"] is None
    assert r["baseline"]["majority_class"] == "neutral"
    assert r["baseline_stance_macro_f1"] == 1.0
    # one neutral predicted as support: neutral F1 2/3, support F1 0 -> macro 1/3
    pred2 = [pred[0], q("a", "p2", 20, 30, stances=[("t2", "support")])]
    r2 = evaluate(gold, pred2, n_boot=0)
    assert r2["stance_macro_f1"] == approx((2 / 3 + 0) / 2)
    assert r2["stance_kappa"] is not None


def test_matrix_tie_is_mixed_and_person_counts_for_organisation():
    quotes = [
        q("a", "1", 0, 5, "Ann", "Org", [("t", "support")]),
        q("a", "2", 10, 15, "ann", "Org", [("t", "oppose")]),
        q("a", "3", 20, 25, None, "org", [("t", "support")]),
    ]
    person = S.matrix_cells(quotes, "person")
    org = S.matrix_cells(quotes, "organisation")
    assert person[("ann", "t")]["stance"] == "mixed"
    assert org[("org", "t")]["stance"] == "support"
    assert org[("org", "t")]["counts"] == {"support": 2, "oppose": 1, "neutral": 0}


def test_only_gold_articles_are_scored():
    gold = [q("a", "g1", 0, 10)]
    pred = [q("a", "p1", 0, 10), q("b", "p1", 0, 10), q("b", "p2", 20, 30)]
    r = evaluate(gold, pred, n_boot=0)
    assert r["n_pred"] == 1 and r["quote_precision"] == 1.0
    assert r["unscored_articles"] == {"b": 2}


def test_identical_sets_score_one_with_degenerate_ci():
    gold = [
        q(a, f"q{i}", i * 20, i * 20 + 10, "Ann", "Org", [("t1", "support")])
        for a in "ab"
        for i in range(3)
    ]
    r = evaluate(gold, gold, n_boot=100)
    for key in (
        "quote_f1",
        "exact_f1",
        "speaker_accuracy",
        "target_f1",
        "stance_macro_f1",
        "matrix_agreement",
    ):
        assert r[key] == 1.0
        assert r["ci"][key] == [1.0, 1.0]
    assert r["matrix_kappa"] is None  # a single category: kappa undefined


def test_single_article_has_no_ci():
    r = evaluate([q("a", "g", 0, 10)], [q("a", "p", 0, 10)], n_boot=100)
    assert all(v is None for v in r["ci"].values())


def _random_set(seed):
    rnd = random.Random(seed)
    targets = ["t1", "t2", "t3"]
    gold, pred = [], []
    for a in range(rnd.randint(1, 4)):
        for k in range(rnd.randint(0, 6)):
            st = [
                (t, rnd.choice(S.STANCES[: rnd.randint(1, 3)]))
                for t in rnd.sample(targets, rnd.randint(0, 2))
            ]
            gold.append(
                q(
                    f"a{a}",
                    f"g{k}",
                    k * 100,
                    k * 100 + 50,
                    rnd.choice(["Ann", "Bob", None]),
                    rnd.choice(["Org", "Org2", None]),
                    st,
                )
            )
        for k in range(rnd.randint(0, 6)):
            start = max(0, rnd.randint(0, 6) * 100 + rnd.randint(-30, 30))
            st = [(t, rnd.choice(S.STANCES)) for t in rnd.sample(targets, rnd.randint(0, 2))]
            pred.append(
                q(
                    f"a{a}",
                    f"p{k}",
                    start,
                    start + rnd.randint(10, 90),
                    rnd.choice(["ann", "Bob", None]),
                    rnd.choice(["org", "Org2", None]),
                    st,
                )
            )
    return gold, pred


@pytest.mark.parametrize("seed", range(80))
def test_bootstrap_counts_agree_with_sklearn_figures(seed):
    """The bootstrap sums per-article counts; on the whole sample it must give the same numbers
    as the scikit-learn figures (this caught scikit-learn reading a one-column label matrix as binary)."""
    gold, pred = _random_set(seed)
    articles = sorted({x.article for x in gold} | {x.article for x in pred})
    items = [
        S.article_material(
            a, [x for x in gold if x.article == a], [x for x in pred if x.article == a]
        )
        for a in articles
    ]
    full = S.figures(items)
    fast = S.figures_from_counts(S.count_tables(items), np.ones((1, len(items))))
    for key in S.CI_KEYS:
        value = fast[key][0]
        if full[key] is None:
            assert np.isnan(value), key
        else:
            assert value == approx(full[key]), key


# ------------------------------------------------------------------ loading


def _write(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_load_quotes_directory_reports_bad_lines(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    good = q("a1", "q01", 0, 5, stances=[("t1", "support")]).dumps()
    _write(
        gold / "a1.jsonl",
        [
            good,
            "{not json",
            json.dumps(
                {
                    **json.loads(good),
                    "id": "q02",
                    "stances": [{"target": "t1", "stance": "positive"}],
                }
            ),
            good,
        ],
    )
    _write(gold / "a2.jsonl", [])  # present, no quotes
    quotes, articles, problems = load_quotes(gold)
    assert articles == {"a1", "a2"}
    assert [x.id for x in quotes] == ["q01", "q01"]
    assert any(p.startswith(f"{gold / 'a1.jsonl'}:2: not valid JSON") for p in problems)
    assert any(
        f"{gold / 'a1.jsonl'}:3:" in p and "'positive'" in p and "fix" in p for p in problems
    )
    assert any(f"{gold / 'a1.jsonl'}:4: duplicate id 'q01'" in p for p in problems)


def test_load_quotes_single_file_and_missing(tmp_path):
    path = tmp_path / "quotes.jsonl"
    _write(path, [q("a1", "p1", 0, 5).dumps(), q("b", "p1", 0, 5, score=0.9).dumps(), "", "[1, 2]"])
    quotes, articles, problems = load_quotes(path)
    assert articles == {"a1", "b"} and len(quotes) == 2
    assert quotes[1].extra == {"score": 0.9}
    assert problems == [
        f"{path}:4: expected a JSON object, got list; fix: write one JSON object per line"
    ]
    assert load_quotes(tmp_path / "nope")[2][0].startswith(f"{tmp_path / 'nope'}: no such file")


def test_validate_record_messages():
    rec = json.loads(q("a", "q1", 0, 5).dumps())
    assert validate_record(rec) == []
    bad = {**rec, "kind": "quote", "end": 9, "speaker_start": 3}
    problems = validate_record(bad)
    assert any("kind 'quote'" in p for p in problems)
    assert any("text has 5 characters but the span 0..9 has 9" in p for p in problems)
    assert any("speaker_start and speaker_end" in p for p in problems)
    assert all("; fix: " in p for p in problems)


# ------------------------------------------------------------------ command


@pytest.fixture()
def app():
    app = typer.Typer()
    app.command("evaluate")(evaluate_command)

    @app.command("noop")
    def _noop() -> None:  # a second command keeps typer from flattening the app
        pass

    return app


@pytest.fixture()
def files(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    for article in ("a1", "a2", "a3"):
        _write(gold / f"{article}.jsonl", [x.dumps() for x in GOLD if x.article == article])
    pred = tmp_path / "quotes.jsonl"
    _write(pred, [x.dumps() for x in PRED] + ["{oops"])
    return gold, pred


@pytest.fixture()
def domain(tmp_path):
    """A domain folder whose targets are t1 and t2 (the scenario's t3 is not one of them)."""
    folder = tmp_path / "domain"
    folder.mkdir()
    (folder / "targets.yaml").write_text(
        "targets:\n- id: t1\n  title: Target one\n- id: t2\n  title: Target two\n",
        encoding="utf-8",
    )
    return folder


def test_command_json(app, files, domain, tmp_path):
    gold, pred = files
    out = tmp_path / "metrics.json"
    result = CliRunner().invoke(
        app,
        [
            "evaluate",
            "--gold",
            str(gold),
            "--pred",
            str(pred),
            "--format",
            "json",
            "--n-boot",
            "50",
            "--out",
            str(out),
            "--domain",
            str(domain),
        ],
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(out.read_text(encoding="utf-8"))
    assert metrics["quote_f1"] == approx(2 / 3)
    assert metrics["stance_macro_f1"] == approx(5 / 9)
    assert metrics["matrix_agreement"] == approx(1 / 3)
    assert set(metrics["per_article"]) == {"a1", "a2", "a3"}
    assert metrics["problems"]["gold"] == []
    assert metrics["problems"]["pred"] == [
        f"{pred}:7: not valid JSON (Expecting property name enclosed in double quotes at column 2); fix: one JSON object per line",
        f"{pred}:2: stances[1].target 't3' is not a target id; "
        f"fix: use an id from {domain / 'targets.yaml'}",
    ]
    assert metrics["inputs"]["targets"] == str(domain / "targets.yaml")
    assert metrics["inputs"]["targets_hash"] == load_domain_targets_hash(domain)
    assert '"quote_f1"' in result.stdout


def load_domain_targets_hash(folder):
    from pipeline.domain import targets_hash
    from pipeline.resources import load_targets

    return targets_hash(load_targets(folder / "targets.yaml"))


def test_command_checks_targets_against_the_bundled_domain_by_default(app, files):
    from pipeline.domain import DEFAULT_DOMAIN

    gold, pred = files
    result = CliRunner().invoke(
        app, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--format", "json"]
    )
    assert result.exit_code == 0  # reported, still scored as they are
    metrics = json.loads(result.stdout)
    targets = DEFAULT_DOMAIN / "targets.yaml"
    assert metrics["inputs"]["targets"] == str(targets)
    assert metrics["quote_f1"] == approx(2 / 3)
    assert metrics["problems"]["gold"][:2] == [
        f"{gold / 'a1.jsonl'}:{line}: stances[0].target 't1' is not a target id; "
        f"fix: use an id from {targets}"
        for line in (1, 2)
    ]
    assert f"gold: {gold / 'a1.jsonl'}:1: stances[0].target 't1'" in result.stderr


def test_command_refuses_a_domain_without_usable_targets(app, files, tmp_path):
    gold, pred = files
    result = CliRunner().invoke(
        app, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--domain", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert f"error: {tmp_path / 'targets.yaml'}: missing" in result.stderr


def test_command_table_and_markdown(app, files, tmp_path):
    gold, pred = files
    runner = CliRunner()
    table = runner.invoke(
        app, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--n-boot", "20"]
    )
    assert table.exit_code == 0
    assert "Quote F1 (half overlap)          0.667" in table.stdout
    out = tmp_path / "report.md"
    md = runner.invoke(
        app,
        [
            "evaluate",
            "--gold",
            str(gold),
            "--pred",
            str(pred),
            "--format",
            "markdown",
            "--n-boot",
            "0",
            "--out",
            str(out),
        ],
    )
    assert md.exit_code == 0
    assert "| Stance macro-F1 | 0.556 |  | 0.222 |" in md.stdout
    assert out.read_text(encoding="utf-8") == md.stdout


def test_command_errors(app, files, tmp_path):
    gold, pred = files
    runner = CliRunner()
    missing = runner.invoke(
        app, ["evaluate", "--gold", str(tmp_path / "none"), "--pred", str(pred)]
    )
    assert missing.exit_code == 2
    bad_format = runner.invoke(
        app, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--format", "xml"]
    )
    assert bad_format.exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert (
        runner.invoke(app, ["evaluate", "--gold", str(empty), "--pred", str(pred)]).exit_code == 1
    )


def test_command_accepts_a_run_folder(app, files, tmp_path):
    gold, pred = files
    run = tmp_path / "run"
    run.mkdir()
    (run / "quotes.jsonl").write_text(pred.read_text(encoding="utf-8"), encoding="utf-8")
    (run / "articles.jsonl").write_text('{"id": "a1", "status": "ok"}\n', encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["evaluate", "--gold", str(gold), "--pred", str(run), "--format", "json", "--n-boot", "0"],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["n_pred"] == 5


spans = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30)), max_size=8)


@settings(max_examples=200, deadline=None)
@given(spans, spans)
def test_matching_is_one_to_one_and_maximal(gold_spans, pred_spans):
    gold = [q("a", f"g{i}", s, s + n) for i, (s, n) in enumerate(gold_spans)]
    pred = [q("a", f"p{i}", s, s + n) for i, (s, n) in enumerate(pred_spans)]
    pairs = match_quotes(gold, pred)
    assert len({g.id for g, _ in pairs}) == len(pairs) == len({p.id for _, p in pairs})
    assert all(S.spans_match(g, p) for g, p in pairs)
    used_g, used_p = {g.id for g, _ in pairs}, {p.id for _, p in pairs}
    # greedy leaves no matchable pair with both sides free
    assert not any(
        S.spans_match(g, p) for g in gold for p in pred if g.id not in used_g and p.id not in used_p
    )


def test_per_kind(scenario):
    kinds = scenario["per_kind"]
    # every quote in the scenario is direct: 3 of 4 gold found, 3 of 5 scored predictions right
    assert kinds["direct"] == {"n_gold": 4, "recall": 0.75, "n_pred": 5, "precision": 0.6}
    assert kinds["block"] == {"n_gold": 0, "recall": None, "n_pred": 0, "precision": None}


def test_per_group():
    metrics = evaluate(
        GOLD, PRED, gold_articles={"a1", "a2", "a3"}, n_boot=0, groups={"a1": "news", "a2": "blog"}
    )
    groups = metrics["per_group"]
    assert list(groups) == ["(none)", "blog", "news"]
    assert groups["news"]["n_articles"] == 1
    assert groups["news"]["quote_f1"] == approx(2 / 3)
    assert groups["blog"]["speaker_accuracy"] == approx(0.0)
    assert groups["(none)"]["n_gold"] == 0 and groups["(none)"]["n_pred"] == 1
    assert groups["news"]["per_kind"]["direct"]["recall"] == approx(2 / 3)


def test_command_by_metadata_column(app, files, tmp_path):
    gold, pred = files
    meta = tmp_path / "metadata.csv"
    meta.write_text("id,title,genre\na1,A,news\na2,B,blog\na3,C,news\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["evaluate", "--gold", str(gold), "--pred", str(pred), "--n-boot", "0"]
        + ["--by", "genre", "--metadata", str(meta)],
    )
    assert result.exit_code == 0, result.output
    assert "Per genre" in result.stdout
    assert "Quote recall per kind and genre" in result.stdout
    wrong = runner.invoke(
        app,
        ["evaluate", "--gold", str(gold), "--pred", str(pred)]
        + ["--by", "colour", "--metadata", str(meta)],
    )
    assert wrong.exit_code == 2
    assert "no column 'colour'; fix: use one of id, title, genre" in wrong.output
    missing = runner.invoke(
        app, ["evaluate", "--gold", str(gold), "--pred", str(pred), "--by", "genre"]
    )
    assert missing.exit_code == 2
    assert "fix: add --metadata" in missing.output
