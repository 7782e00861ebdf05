"""When `make run` retrains: models.train.stale_reason on hand-made model cards (no training)."""

from __future__ import annotations

import json

from models.card import CARD, MODEL_FORMAT, TARGETS_COPY
from models.examples import EXAMPLE_FORMAT, file_hashes
from models.stance import StanceModel
from models.train import relative_path, stale_reason


def _card(folder, data_files, **changes):
    params = StanceModel(device="cpu").get_params()
    card = {
        "format": MODEL_FORMAT,
        "params": {**params, "encoder_path": None},
        "targets_hash": "0" * 64,
        "data": {
            "files": {relative_path(p): h for p, h in file_hashes(data_files).items()},
            "example_format": EXAMPLE_FORMAT,
        },
    }
    card.update(changes)
    folder.mkdir(exist_ok=True)
    (folder / CARD).write_text(json.dumps(card), encoding="utf-8")
    (folder / TARGETS_COPY).write_text("targets: []\n", encoding="utf-8")
    return params


def test_a_model_trained_on_the_same_data_and_settings_is_current(tmp_path):
    data = tmp_path / "gold.jsonl"
    data.write_text("{}\n", encoding="utf-8")
    params = _card(tmp_path / "m", [data])
    assert (
        stale_reason(tmp_path / "m", data_files=[data], params={**params, "device": "cuda"}) is None
    )


def test_stale_reasons_name_what_changed(tmp_path):
    data = tmp_path / "gold.jsonl"
    data.write_text("{}\n", encoding="utf-8")
    assert stale_reason(tmp_path / "none", data_files=[data], params={}) == f"no {CARD}"
    params = _card(tmp_path / "m", [data])
    assert (
        stale_reason(tmp_path / "m", data_files=[data], params={**params, "epochs": 9})
        == "settings changed (epochs)"
    )
    from models.train import train_settings

    mpnet = StanceModel(
        **train_settings("cpu", None, 13, "all-mpnet-base-v2", 3)
    ).get_params()  # train --linker-encoder all-mpnet-base-v2 --polarity-layers 3
    assert (
        stale_reason(tmp_path / "m", data_files=[data], params=mpnet)
        == "settings changed (linker_encoder, polarity_layers)"
    )
    data.write_text("{}\n{}\n", encoding="utf-8")
    assert (
        stale_reason(tmp_path / "m", data_files=[data], params=params)
        == "the training data files changed"
    )
    _card(
        tmp_path / "older",
        [data],
        data={"files": {relative_path(data): file_hashes([data])[str(data)]}},
    )
    assert stale_reason(tmp_path / "older", data_files=[data], params=params).startswith(
        "examples were built in format 1"
    )
    _card(tmp_path / "old", [data], format=None)
    assert stale_reason(tmp_path / "old", data_files=[data], params=params).startswith(
        "saved in model format 1"
    )
    _card(tmp_path / "uncopied", [data])
    (tmp_path / "uncopied" / TARGETS_COPY).unlink()
    assert stale_reason(tmp_path / "uncopied", data_files=[data], params=params).startswith(
        "it keeps no copy of the targets"
    )


def test_cv_keeps_earlier_rows_only_when_they_describe_the_same_model():
    from models.train import merge_models

    old_params = {"finetuned": {"polarity_weight": 0.0}}
    new_params = {"finetuned": {"polarity_weight": 0.5}}
    previous = {
        "data_files": {"g": "1"},
        "folds": ["a", "b"],
        "params": old_params,
        "models": {
            "majority": {"x": 1},
            "finetuned": {"x": 2},
            "finetuned-int8": {"x": 3, "variant_of": "finetuned"},
        },
    }
    order = ["majority", "finetuned", "finetuned-int8", "finetuned-bf16"]
    result = {
        "data_files": {"g": "1"},
        "folds": ["a", "b"],
        "params": new_params,
        "models": {"finetuned-bf16": {"x": 5, "variant_of": "finetuned"}, "finetuned": {"x": 4}},
    }
    # the fine-tuned settings changed: its old int8 row is dropped, the baseline's kept, in order
    assert merge_models(previous, result, order=order) == {
        "majority": {"x": 1},
        "finetuned": {"x": 4},
        "finetuned-bf16": {"x": 5, "variant_of": "finetuned"},
    }
    same = {**result, "params": old_params}
    assert list(merge_models(previous, same, order=order)) == [
        "majority",
        "finetuned",
        "finetuned-int8",
        "finetuned-bf16",
    ]
    other_data = {**result, "data_files": {"g": "2"}}
    assert list(merge_models(previous, other_data, order=order)) == ["finetuned", "finetuned-bf16"]


def test_the_model_card_takes_cv_figures_only_for_the_same_data_and_settings(tmp_path, monkeypatch):
    import models.train as train

    data = tmp_path / "gold.jsonl"
    data.write_text("{}\n", encoding="utf-8")
    params = StanceModel(device="cpu").get_params()
    cv = {
        "data_files": {relative_path(p): h for p, h in file_hashes([data]).items()},
        "params": {"finetuned": {**params, "device": "auto"}},
        "models": {"finetuned": {"pooled": {"stance_macro_f1": 0.5}, "stances_per_second": 9.0}},
    }
    monkeypatch.setattr(train, "CV_RESULTS", tmp_path / "cv.json")
    (tmp_path / "cv.json").write_text(json.dumps(cv), encoding="utf-8")
    found = train.matching_cv([data], params)
    assert found["finetuned"] == {"stance_macro_f1": 0.5, "stances_per_second": 9.0}
    assert "stale" in train.matching_cv([data], {**params, "polarity_weight": 0.0})["status"]
    data.write_text("{}\n{}\n", encoding="utf-8")
    assert "data changed" in train.matching_cv([data], params)["status"]


def test_synthetic_lines_load_from_a_folder_without_repeats(tmp_path):
    import json

    import pytest

    from models.examples import load_synthetic

    line = {"text": "It works.", "kind": "direct", "context": "", "stances": [], "synthetic": True}
    (tmp_path / "b").mkdir()
    (tmp_path / "a.jsonl").write_text(json.dumps({**line, "id": "a1"}) + "\n", encoding="utf-8")
    (tmp_path / "b" / "c.jsonl").write_text(
        json.dumps({**line, "id": "c1", "text": "it WORKS!"})
        + "\n"
        + json.dumps({**line, "id": "c2", "text": "It fails."})
        + "\n",
        encoding="utf-8",
    )
    assert [e.key for e in load_synthetic(tmp_path)] == ["a1", "c2"]
    assert [e.key for e in load_synthetic(tmp_path, dedupe=False)] == ["a1", "c1", "c2"]
    (tmp_path / "b" / "d.jsonl").write_text(
        json.dumps({**line, "id": "a1"}) + "\n", encoding="utf-8"
    )
    with pytest.raises(
        ValueError, match=r"a\.jsonl:1.*fix: give each line its own id|d\.jsonl:1: id 'a1'"
    ):
        load_synthetic(tmp_path)
    (tmp_path / "b" / "d.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"d\.jsonl:1: not a JSON object"):
        load_synthetic(tmp_path)


def _line(i, text, stances=()):
    return {
        "id": f"x{i}",
        "text": text,
        "kind": "direct",
        "context": "",
        "speaker": "Pat Doe",
        "stances": [{"target": t, "stance": s} for t, s in stances],
        "synthetic": True,
    }


def test_held_out_evaluation_trains_once_and_scores_each_slice(tmp_path):
    from pathlib import Path

    from models.train import run_heldout

    targets = Path(__file__).resolve().parents[1] / "data" / "tiny_domain" / "targets.yaml"
    train = [
        _line(1, "Closing the library is a disgrace.", [("library-closure", "oppose")]),
        _line(2, "We oppose the library closure.", [("library-closure", "oppose")]),
        _line(3, "Volunteers can run the branches well.", [("volunteer-staffing", "support")]),
        _line(4, "Lovely weather today.", []),
    ]
    held = [
        _line(5, "The closure is wrong.", [("library-closure", "oppose")]),
        _line(6, "Volunteer staffing is welcome.", [("volunteer-staffing", "support")]),
        _line(7, "We oppose the library closure.", [("library-closure", "oppose")]),  # a repeat
    ]
    (tmp_path / "syn").mkdir()
    (tmp_path / "syn" / "a.jsonl").write_text(
        "".join(json.dumps(x) + "\n" for x in train), encoding="utf-8"
    )
    (tmp_path / "held.jsonl").write_text(
        "".join(json.dumps(x) + "\n" for x in held), encoding="utf-8"
    )
    messages = []
    result = run_heldout(
        out=tmp_path / "h.json",
        heldout_lines=tmp_path / "held.jsonl",
        heldout_articles=None,
        gold_dir=tmp_path / "no-gold",
        corpus_dir=tmp_path,
        synthetic_path=tmp_path / "syn",
        synthetic_articles=None,
        targets_path=targets,
        device="cpu",
        models=("majority",),
        progress=messages.append,
    )
    assert result["not_scored_overlap"] == ["x7"]
    assert result["n_test"] == {"lines": 2, "articles": 0}
    majority = result["models"]["majority"]
    # trained on 3 pairs, 2 of them oppose: every given target is called oppose
    assert majority["slices"]["lines"]["stance_accuracy_given_targets"] == 0.5
    assert "Slice `lines` (2 quotes)" in (tmp_path / "h.md").read_text(encoding="utf-8")
    assert any("not scored" in m for m in messages)


def test_the_learning_curve_is_written_as_csv_markdown_and_svg(tmp_path):
    from pathlib import Path

    from models.train import run_curve

    targets = Path(__file__).resolve().parents[1] / "data" / "tiny_domain" / "targets.yaml"
    corpus, gold = tmp_path / "corpus", tmp_path / "gold"
    corpus.mkdir()
    gold.mkdir()
    for n, (sentence, stance) in enumerate(
        [("The library closure is wrong.", "oppose"), ("Closing the library is right.", "support"),
         ("The library closure is a disgrace.", "oppose")]
    ):  # fmt: skip
        article = f"a{n}"
        (corpus / f"{article}.txt").write_text(sentence, encoding="utf-8")
        quote = {
            "article": article, "id": "q1", "start": 0, "end": len(sentence) - 1,
            "text": sentence[:-1], "kind": "direct", "speaker": "Pat Doe",
            "stances": [{"target": "library-closure", "stance": stance}],
        }  # fmt: skip
        (gold / f"{article}.jsonl").write_text(json.dumps(quote) + "\n", encoding="utf-8")
    result = run_curve(
        out=tmp_path / "curve.json",
        gold_dir=gold,
        corpus_dir=corpus,
        synthetic_path=None,
        synthetic_articles=None,
        targets_path=targets,
        device="cpu",
        models=("majority",),
        progress=lambda _m: None,
    )
    assert [r["gold_articles"] for r in result["rows"]] == [0, 1, 2]
    csv = (tmp_path / "curve.csv").read_text(encoding="utf-8").splitlines()
    assert csv[0].startswith("model,gold_articles,stance_macro_f1") and len(csv) == 4
    assert (tmp_path / "curve.svg").read_text(encoding="utf-8").count("<circle") == 3
    assert "| majority | 2 |" in (tmp_path / "curve.md").read_text(encoding="utf-8")


def test_a_learning_curve_keeps_the_sizes_measured_before_on_the_same_data(tmp_path):
    from pathlib import Path

    from models.train import run_curve

    targets = Path(__file__).resolve().parents[1] / "data" / "tiny_domain" / "targets.yaml"
    corpus, gold = tmp_path / "corpus", tmp_path / "gold"
    corpus.mkdir()
    gold.mkdir()
    for n, stance in enumerate(["oppose", "support", "oppose"]):
        sentence = f"The library closure number {n} is a matter."
        (corpus / f"a{n}.txt").write_text(sentence, encoding="utf-8")
        quote = {
            "article": f"a{n}", "id": "q1", "start": 0, "end": len(sentence) - 1,
            "text": sentence[:-1], "kind": "direct", "speaker": "Pat Doe",
            "stances": [{"target": "library-closure", "stance": stance}],
        }  # fmt: skip
        (gold / f"a{n}.jsonl").write_text(json.dumps(quote) + "\n", encoding="utf-8")
    common = dict(
        out=tmp_path / "curve.json", gold_dir=gold, corpus_dir=corpus, synthetic_path=None,
        synthetic_articles=None, targets_path=targets, device="cpu",
    )  # fmt: skip
    run_curve(models=("majority",), sizes=[0, 2], progress=lambda _m: None, **common)
    said: list[str] = []
    result = run_curve(
        models=("tfidf-lr", "majority"), sizes=[1, 2], progress=said.append, **common
    )
    kept = [m for m in said if "measured before, kept" in m]
    assert kept == ["curve: majority, 2 gold article(s): measured before, kept"]
    # majority at 0 was not asked for this time and is kept; tfidf-lr is new at both sizes
    assert [(r["model"], r["gold_articles"]) for r in result["rows"]] == [
        ("tfidf-lr", 1), ("tfidf-lr", 2), ("majority", 0), ("majority", 1), ("majority", 2)
    ]  # fmt: skip
    said.clear()
    run_curve(models=("majority",), sizes=[2], resume=False, progress=said.append, **common)
    assert not any("kept" in m for m in said)
    (gold / "a0.jsonl").write_text(  # new labels make the earlier rows stale
        (gold / "a0.jsonl").read_text(encoding="utf-8").replace("oppose", "support"),
        encoding="utf-8",
    )
    said.clear()
    run_curve(models=("majority",), sizes=[2], progress=said.append, **common)
    assert any("stale: data changed" in m for m in said) and not any("kept" in m for m in said)


def test_a_trained_model_is_scored_on_held_out_data_only_if_trained_on_the_same_data(tmp_path):
    from pathlib import Path

    import pytest

    from models.train import run_heldout

    targets = Path(__file__).resolve().parents[1] / "data" / "tiny_domain" / "targets.yaml"
    (tmp_path / "syn.jsonl").write_text(
        json.dumps(_line(1, "Closing the library is a disgrace.", [("library-closure", "oppose")]))
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "held.jsonl").write_text(
        json.dumps(_line(2, "The closure is wrong.", [("library-closure", "oppose")])) + "\n",
        encoding="utf-8",
    )
    _card(tmp_path / "m", [tmp_path / "held.jsonl"])  # a card naming other data
    with pytest.raises(ValueError, match="trained on other data files than these"):
        run_heldout(
            out=tmp_path / "h.json",
            heldout_lines=tmp_path / "held.jsonl",
            heldout_articles=None,
            gold_dir=tmp_path / "none",
            corpus_dir=tmp_path,
            synthetic_path=tmp_path / "syn.jsonl",
            synthetic_articles=None,
            targets_path=targets,
            device="cpu",
            models=("majority", "finetuned"),
            model_path=tmp_path / "m",
            progress=lambda _m: None,
        )


def test_synthetic_examples_read_every_article_slice_given(tmp_path):
    from models.train import SYNTHETIC_ARTICLES, synthetic_examples
    from pipeline.resources import TRAINING_SLICES

    def slice_(name, article, sentence):
        folder = tmp_path / name
        (folder / "articles").mkdir(parents=True)
        (folder / "gold").mkdir()
        text = f"Ferry news.\n\n{sentence}\n"
        (folder / "articles" / f"{article}.txt").write_text(text, encoding="utf-8")
        start = text.index(sentence)
        record = {
            "article": article,
            "id": "q01",
            "start": start,
            "end": start + len(sentence),
            "text": sentence,
            "kind": "block",
            "speaker": None,
            "organisation": "Harbour Trust",
            "stances": [{"target": "pay-rise", "stance": "support"}],
        }
        (folder / "gold" / f"{article}.jsonl").write_text(json.dumps(record) + "\n")
        return folder

    one = slice_("dev", "a1", "We back the pay rise for ferry crews.")
    two = slice_("dev_b", "b1", "The pay rise is long overdue and we welcome it.")
    (tmp_path / "empty").mkdir()
    examples, files = synthetic_examples(None, [one, two, tmp_path / "empty"])
    assert [e.text for e in examples] == [
        "We back the pay rise for ferry crews.",
        "The pay rise is long overdue and we welcome it.",
    ]
    assert all(e.synthetic for e in examples)
    assert [f.name for f in files] == ["a1.jsonl", "b1.jsonl"]
    assert synthetic_examples(None, two)[0][0].text.startswith("The pay rise")  # one folder
    # the shipped default: every development slice, never the held-out one
    assert [p.name for p in SYNTHETIC_ARTICLES] == list(TRAINING_SLICES)
    assert "heldout" not in TRAINING_SLICES and all(p.is_dir() for p in SYNTHETIC_ARTICLES)
