# Impartial: `make run` serves the API, `make test` runs every suite.
# Each target installs what it needs into .venv (and node_modules) on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8765
export PORT
export IMPARTIAL_RULES_DIR ?= shared-rules
IMAGE  ?= localhost/impartial:dev

.PHONY: run test test-py test-js eval bench package lint-ext chromium clean image image-test wheelhouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml $(VENV)/.run-deps
	$(BIN)/pip install --disable-pip-version-check -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## run: serve the API with gunicorn on 127.0.0.1:$(PORT) (WORKERS overrides the worker count)
run: $(VENV)/.run-deps
	$(BIN)/gunicorn -c service/gunicorn_conf.py 'service:create_app()'

## chromium: Debian's chromium for the browser tests (installed when root and missing)
chromium:
	@bash scripts/ensure-chromium.sh

## test: every suite (pytest: service, rules, browser; node --test: extension units)
test: $(VENV)/.test-deps node_modules/.installed chromium
	$(BIN)/python -m pytest
	node --test tests/js

## eval: detection quality on ../shared/corpus/dev.jsonl through a running service
eval: $(VENV)/.test-deps
	$(BIN)/python scripts/eval.py $(EVAL_ARGS)

## bench: engine and HTTP benchmarks, written to bench/RESULTS.md
bench: $(VENV)/.test-deps
	@command -v wrk >/dev/null || bash scripts/ensure-chromium.sh wrk
	$(BIN)/python bench/run.py

## wheelhouse: the wheels the Dockerfile installs, pip-downloaded into build/wheelhouse/
wheelhouse: $(VENV)/.run-deps
	bash scripts/image.sh wheelhouse

## image: the container image ($(IMAGE)), built by buildah from a debootstrap base (cached in build/image/)
image: $(VENV)/.run-deps
	IMAGE=$(IMAGE) bash scripts/image.sh

## image-test: build the image, run the service inside it and check it over HTTP
image-test: image $(VENV)/.test-deps
	IMPARTIAL_IMAGE=$(IMAGE) $(BIN)/python -m pytest tests/image_check.py

## package: Chrome and Firefox zips under dist/
package:
	bash scripts/package-extension.sh

## lint-ext: web-ext lint of the extension
lint-ext: node_modules/.installed
	npx --no-install web-ext lint --source-dir extension --self-hosted

clean:
	rm -rf $(VENV) node_modules dist .pytest_cache
