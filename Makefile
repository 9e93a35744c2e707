# Impartial: `make run` serves the API, `make test` runs every suite.
# Each target installs what it needs into .venv (and node_modules) on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8765
export PORT
export IMPARTIAL_RULES_DIR ?= shared-rules
IMAGE  ?= localhost/impartial:dev
# puppeteer-core drives Debian's firefox-esr; no npm package may fetch a browser of its own.
export PUPPETEER_SKIP_DOWNLOAD := 1

.PHONY: run test test-py test-js test-firefox train eval mirrored bench package lint-ext chromium firefox fixtures clean image image-test wheelhouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml $(VENV)/.run-deps
	$(BIN)/pip install --disable-pip-version-check -q -e '.[test]'
	touch $@

$(VENV)/.train-deps: pyproject.toml $(VENV)/.test-deps
	$(BIN)/pip install --disable-pip-version-check -q -e '.[test,train]'
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

## firefox: Debian's firefox-esr for the Firefox browser tests (installed when root and missing)
firefox:
	@bash scripts/ensure-chromium.sh firefox-esr

FIXTURES := tests/e2e/fixtures/build/fixtures.js

## fixtures: bundle the pinned editor libraries (Draft.js, Lexical, Quill, TipTap) for the browser tests
fixtures: $(FIXTURES)

$(FIXTURES): tests/e2e/fixtures/src/index.js package-lock.json node_modules/.installed
	npm run --silent build:fixtures

## test: every suite (pytest: service, rules, browser in Chromium; node --test: extension units, browser in Firefox)
test: $(VENV)/.train-deps node_modules/.installed $(FIXTURES) chromium firefox
	$(BIN)/python -m pytest
	node --test tests/js
	node --test tests/firefox

## test-firefox: only the browser tests in Firefox (puppeteer-core, a real gunicorn on a free port)
test-firefox: $(VENV)/.run-deps node_modules/.installed $(FIXTURES) firefox
	node --test tests/firefox

## train: retrain the model from training/config.json into shared-rules/model/model.json
train: $(VENV)/.train-deps
	$(BIN)/python training/train.py $(TRAIN_ARGS)

## eval: cross-validated, held-back, dev and team-check figures of rules + model (EVAL_ARGS="--corpus FILE" for one file)
eval: $(VENV)/.train-deps
	$(BIN)/python training/evaluate.py $(EVAL_ARGS)


## mirrored: even-handedness; how often the same post about another party or politician gets another level
mirrored: $(VENV)/.test-deps
	$(BIN)/python scripts/mirrored.py $(MIRRORED_ARGS)

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
	rm -rf $(VENV) node_modules dist .pytest_cache tests/e2e/fixtures/build
