"""When `make run` retrains: models.train.stale_reason on hand-made model cards (no training)."""

from __future__ import annotations

import json

from models.examples import EXAMPLE_FORMAT, file_hashes
from models.stance import CARD, MODEL_FORMAT, TARGETS_COPY, StanceModel
from models.train import _rel, stale_reason


def _card(folder, data_files, **changes):
    params = StanceModel(device="cpu").get_params()
    card = {
        "format": MODEL_FORMAT,
        "params": {**params, "encoder_path": None},
        "targets_hash": "0" * 64,
        "data": {
            "files": {_rel(p): h for p, h in file_hashes(data_files).items()},
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
    from models.train import _settings

    minilm = StanceModel(
        **_settings("cpu", None, 13, "all-MiniLM-L6-v2")
    ).get_params()  # train --linker-encoder
    assert (
        stale_reason(tmp_path / "m", data_files=[data], params=minilm)
        == "settings changed (linker_encoder)"
    )
    data.write_text("{}\n{}\n", encoding="utf-8")
    assert (
        stale_reason(tmp_path / "m", data_files=[data], params=params)
        == "the training data files changed"
    )
    _card(tmp_path / "older", [data], data={"files": {_rel(data): file_hashes([data])[str(data)]}})
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
        "data_files": {_rel(p): h for p, h in file_hashes([data]).items()},
        "params": {"finetuned": {**params, "device": "auto"}},
        "models": {"finetuned": {"pooled": {"stance_macro_f1": 0.5}, "stances_per_second": 9.0}},
    }
    monkeypatch.setattr(train, "CV_RESULTS", tmp_path / "cv.json")
    (tmp_path / "cv.json").write_text(json.dumps(cv), encoding="utf-8")
    found = train._matching_cv([data], params)
    assert found["finetuned"] == {"stance_macro_f1": 0.5, "stances_per_second": 9.0}
    assert "stale" in train._matching_cv([data], {**params, "polarity_weight": 0.0})["status"]
    data.write_text("{}\n{}\n", encoding="utf-8")
    assert "data changed" in train._matching_cv([data], params)["status"]
