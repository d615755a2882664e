# The two set-up commands of the README: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app drafting
# Fonts with real glyphs for every script, and HarfBuzz's subsetter that makes WeasyPrint fast.
APP_DEBIAN_PACKAGES := fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
TEST_DEBIAN_PACKAGES := chromium poppler-utils

.PHONY: run test

# The demonstration's PDFs print verification addresses on the address it is served at.
run: export SERVER_NAME ?= 127.0.0.1:5000
run: $(VENV)/.app
	@$(call debian_packages,$(APP_DEBIAN_PACKAGES))
	$(FLASK) db upgrade
	$(FLASK) demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.test
	@$(call debian_packages,$(APP_DEBIAN_PACKAGES) $(TEST_DEBIAN_PACKAGES))
	$(VENV)/bin/bandit --quiet --recursive drafting config.py gunicorn.conf.py
	$(PYTHON) -m pytest
	@url="$${TEST_DATABASE_URL:-$$($(PYTHON) tests/fresh_postgres.py)}"; \
	if [ -n "$$url" ]; then \
		echo "Running the suite again on PostgreSQL"; \
		TEST_DATABASE_URL="$$url" $(PYTHON) -m pytest; \
	else \
		echo "No PostgreSQL server answers on 127.0.0.1:5432: the PostgreSQL run is skipped."; \
	fi

# Debian leaves ensurepip, which `python3 -m venv` needs, to the python3-venv package.
$(VENV)/.app: pyproject.toml
	@python3 -c 'import ensurepip' 2>/dev/null || { $(call debian_packages,python3-venv); }
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.app
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@

# Install the Debian packages that are missing, when we may (root, or sudo without a password).
define debian_packages
missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
if [ -n "$$missing" ]; then \
	if [ "$$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi; \
	if [ "$$sudo" = none ]; then \
		echo "Please install these Debian packages: $$missing"; \
	else \
		echo "Installing Debian packages: $$missing"; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi; \
fi
endef
