# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
# Both create .venv here when it is missing and install the project into it.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed-stamp
TORCH_VERSION := 2.13.0
# PyTorch's own index of CPU builds (Linux, macOS and Windows wheels).
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
SECRET := var/secret_key

.PHONY: install secret-key run migrate test lint worker beat smoke schema clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, as its CPU build: on Linux the default index's torch is the multi-GB
	# CUDA one. A CPU wheel already on disk (pip's find-links) is taken as it is;
	# otherwise PyTorch's CPU index. pyproject pins the same version, so the next
	# step keeps it.
	$(PY) -m pip install --quiet --no-index --no-deps torch==$(TORCH_VERSION) 2>/dev/null \
	  || $(PY) -m pip install --quiet --index-url $(TORCH_INDEX) torch==$(TORCH_VERSION)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# A random signing key of this checkout's own (git ignores var/); the settings
# read it when SECRET_KEY is unset. Deployments set SECRET_KEY instead.
$(SECRET):
	mkdir -p var
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(SECRET)

secret-key: $(SECRET)

install: $(STAMP) $(SECRET)

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) sora_social.asgi:application

# One process per core, at most four, a test file at a time each (TEST_WORKERS=0: one process);
# then the schema fuzzing, which needs a process of its own (tests/api/test_schemathesis.py).
TEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile
ifneq ($(TEST_WORKERS),0)
	$(PY) -m pytest -p no:xdist tests/api/test_schemathesis.py
endif

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

worker: install
	$(VENV)/bin/celery -A sora_social worker -Q default,generation -l info

# The schedule (generation sweep, index rebuild) is CELERY_BEAT_SCHEDULE in settings; run exactly one beat.
beat: install
	$(VENV)/bin/celery -A sora_social beat -l info --schedule var/celerybeat-schedule

schema: install
	$(PY) manage.py spectacular --validate --fail-on-warn --file var/openapi.yaml

smoke: install
	bash .ci/smoke

clean:
	rm -rf $(VENV) var build *.egg-info
