# speechdraft — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test test-db lint format bench migrations-check system-packages clean help

help:
	@echo "make run    — 安装依赖、迁移数据库、载入默认数据并在 http://$(HOST):$(PORT)/ 启动"
	@echo "make test   — 安装测试依赖并运行全部测试（单元、集成、浏览器）"
	@echo "make lint   — ruff 检查与格式检查、类型检查、分层依赖检查、迁移完整性检查"
	@echo "make bench  — 运行性能基准（结果见 docs/benchmarks.md）"

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.package-lock.json

setup: $(VENV)/.installed assets
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_defaults
	$(PY) manage.py rebuild_index --if-missing
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py ensure_admin

run: setup
	$(PY) manage.py collectstatic --noinput -v 0
	@echo "讲稿工坊已启动：http://$(HOST):$(PORT)/  （Ctrl+C 停止）"
	# --preload loads jieba and the 查重 index once, before the workers fork, so they share its pages.
	# --max-requests (with jitter, so workers do not restart together) bounds any slow leak of a server
	# left running for months; request bodies are capped in speechdraft/wsgi.py.
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn speechdraft.wsgi --preload --workers $(WORKERS) --threads 4 \
		--bind $(HOST):$(PORT) --access-logfile - --timeout 120 --max-requests 1000 --max-requests-jitter 100

system-packages:
	bash scripts/install-system-packages.sh

test: $(VENV)/.installed-dev assets system-packages
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The database-facing tests, run again against the database DATABASE_URL names (CI: PostgreSQL).
test-db: $(VENV)/.installed-dev assets
	$(PY) -m pytest -n 2 -m "db and not browser" $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	# Layer contracts of DESIGN §3 (.importlinter): text <- library <- drafting <- review <- (checks | export).
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

bench: $(VENV)/.installed-dev assets
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) node_modules var/staticfiles
