# The one task runner. `make run` and `make test` set up everything they need on a fresh
# Debian machine with Python 3.11: the virtual environment, the packages and, for the GUI
# tests, Debian's xvfb (and poppler-utils for the PDF checks).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
APT_PKGS := xvfb xauth xdotool poppler-utils fonts-dejavu-core
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: run test test-fast lint bench exe installer test-windows clean system-deps screenshots

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sipas

system-deps:
	@missing=""; \
	command -v xvfb-run >/dev/null || missing="$$missing xvfb xauth"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v xdotool >/dev/null || missing="$$missing xdotool"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

test: $(STAMP) system-deps
	xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not gui and not exe and not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check sipas_desktop tests bench installer

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The Linux onedir bundle (dist/sipas/), rebuilt only when an input changed, then its self-test
# (a database, a backup, a PDF, an .xlsx, the main window) in a temporary data folder.
exe: $(STAMP) system-deps
	$(BIN)/python -m installer.build_linux
	xvfb-run -a -s "-screen 0 1600x1000x24" dist/sipas/sipas --selftest

# The Windows x64 program and dist/SIPAS-Setup-<version>-x64.exe, cross-built through wine (it
# installs Debian's wine64, nsis, osslsigncode … itself); then install, self-test, upgrade and
# uninstall it under wine. Not part of CI (about 3-4 minutes each here).
installer: $(STAMP)
	$(BIN)/python -m installer.cross_build

test-windows: $(STAMP)
	$(BIN)/python -m installer.test_windows

screenshots: $(STAMP) system-deps
	xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python -m installer.screenshots

clean:
	rm -rf build dist .pytest_cache
