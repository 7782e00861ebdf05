"""When `make run` retrains: models.train.stale_reason on hand-made model cards (no training)."""
from __future__ import annotations

import json

from models.examples import EXAMPLE_FORMAT, file_hashes
from models.stance import CARD, MODEL_FORMAT, StanceModel
from models.train import _rel, stale_reason


def _card(folder, data_files, **changes):
    params = StanceModel(device="cpu").get_params()
    card = {"format": MODEL_FORMAT, "params": {**params, "encoder_path": None},
            "data": {"files": {_rel(p): h for p, h in file_hashes(data_files).items()}, "example_format": EXAMPLE_FORMAT}}
    card.update(changes)
    folder.mkdir(exist_ok=True)
    (folder / CARD).write_text(json.dumps(card), encoding="utf-8")
    return params


def test_a_model_trained_on_the_same_data_and_settings_is_current(tmp_path):
    data = tmp_path / "gold.jsonl"
    data.write_text("{}\n", encoding="utf-8")
    params = _card(tmp_path / "m", [data])
    assert stale_reason(tmp_path / "m", data_files=[data], params={**params, "device": "cuda"}) is None


def test_stale_reasons_name_what_changed(tmp_path):
    data = tmp_path / "gold.jsonl"
    data.write_text("{}\n", encoding="utf-8")
    assert stale_reason(tmp_path / "none", data_files=[data], params={}) == f"no {CARD}"
    params = _card(tmp_path / "m", [data])
    assert stale_reason(tmp_path / "m", data_files=[data], params={**params, "epochs": 9}) == "settings changed (epochs)"
    from models.train import _settings

    minilm = StanceModel(**_settings("cpu", None, 13, "all-MiniLM-L6-v2")).get_params()  # train --linker-encoder
    assert stale_reason(tmp_path / "m", data_files=[data], params=minilm) == "settings changed (linker_encoder)"
    data.write_text("{}\n{}\n", encoding="utf-8")
    assert stale_reason(tmp_path / "m", data_files=[data], params=params) == "the training data files changed"
    _card(tmp_path / "older", [data], data={"files": {_rel(data): file_hashes([data])[str(data)]}})
    assert stale_reason(tmp_path / "older", data_files=[data], params=params).startswith("examples were built in format 1")
    _card(tmp_path / "old", [data], format=None)
    assert stale_reason(tmp_path / "old", data_files=[data], params=params).startswith("saved in model format 1")
