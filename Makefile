# The two commands a new machine needs: `make run` and `make test`.
# Both do the whole set-up first (Debian packages, virtual environment, install), once.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := .make
LOWEST := .venv-lowest
CONFIG ?= assets/demo.toml
DB     ?= var/lobby.db
HOST   ?= 127.0.0.1
PORT   ?= 8765

# Debian packages: headless Kivy windows (xvfb, Mesa), touchscreens (mtdev), QR/barcode decoding (zbar),
# offline Vietnamese speech (espeak-ng, sox), a Vietnamese-capable system font, and a
# browser for the web pages' tests (Debian's chromium; no browser downloads); FUSE 3 (libfuse3 for
# mfusepy, fusermount3) for the disk that turns read-only under the server (tests/faults/test_readonly.py);
# PostgreSQL, the province's central database (tests start a throwaway cluster of their own);
# x11-utils (xwininfo) for motcua-lobby to measure the screen it puts the kiosk and the board on side by side;
# cage, the kiosk compositor the units of motcua-install run, and systemd's tools they are checked with
# (tests/deploy: systemd-analyze verify, systemd-sysusers, systemd-tmpfiles).
DEB_PACKAGES := python3-venv xvfb xauth libgl1-mesa-dri libmtdev1 libzbar0 zbar-tools espeak-ng sox fonts-noto-core \
                chromium chromium-driver fuse3 postgresql pgbouncer x11-utils cage systemd
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup run province test lint test-lowest bench bench-faults voice clean

setup: $(STAMP)/venv $(STAMP)/axe

# axe-core, the web pages' accessibility checker (tests/web/test_axe.py): the pinned release's
# tarball from the npm registry, checked against the registry's sha512 (tests/support/axe.py),
# into .cache/axe-core. Chromium runs it: no Node.js on the machine.
$(STAMP)/axe: $(STAMP)/venv tests/support/axe.py
	$(BIN)/python -m tests.support.axe
	@touch $@

$(STAMP)/deb: Makefile
	@mkdir -p $(STAMP)
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

$(STAMP)/venv: $(STAMP)/deb setup.cfg pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

# A second environment with the LOWEST version that setup.cfg allows of each dependency (every
# `>=` bound of install_requires pinned with `==`), so that a bound the code outgrew fails a test
# instead of a centre that installed it. Made once, like .venv.
LOWEST_CONSTRAINTS := $(STAMP)/lowest-constraints.txt
$(STAMP)/venv-lowest: $(STAMP)/venv setup.cfg pyproject.toml
	@[ -x $(LOWEST)/bin/python ] || $(PYTHON) -m venv $(LOWEST)
	$(BIN)/python -c 'import configparser; from packaging.requirements import Requirement; \
	  cfg = configparser.ConfigParser(); cfg.read("setup.cfg"); \
	  reqs = [Requirement(l) for l in cfg["options"]["install_requires"].splitlines() if l.strip()]; \
	  print(*sorted(f"{r.name}=={s.version}" for r in reqs for s in r.specifier if s.operator == ">="), sep="\n")' \
	  > $(LOWEST_CONSTRAINTS)
	$(LOWEST)/bin/python -m pip install -q --upgrade pip
	$(LOWEST)/bin/python -m pip install -q -c $(LOWEST_CONSTRAINTS) -e '.[test]'
	@touch $@

run: setup
	@mkdir -p $(dir $(DB))
	$(BIN)/motcua-lobby --config $(CONFIG) --db $(DB) --host $(HOST) --port $(PORT)

# A province on this machine: a PostgreSQL cluster in var/province/pg, five demo sites of the 2025
# map shipping to it (a provincial centre, a ward's and a commune's centre, the commune's two
# receiving points), the province dashboard on http://127.0.0.1:8780/province (docs/province.md).
province: setup
	$(BIN)/motcua-central demo

# First the checks that take seconds: the layers (.importlinter), lint and import order, types
# (both in pyproject.toml). The core's own tests must cover every branch of it; then the server's
# tests on the lowest allowed dependencies; then the whole suite. Kivy's windows need a screen:
# the tests run on a virtual one (Xvfb, Mesa's llvmpipe). The whole suite runs in TEST_PROCESSES
# processes (pytest-xdist; each its own Xvfb: tests/support/display.py); TEST_PROCESSES=0: in one.
TEST_PROCESSES ?= 2
test: setup lint
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/core --cov=queue_server.core --cov-branch \
	  --cov-report=term-missing:skip-covered --cov-fail-under=100
	$(MAKE) --no-print-directory test-lowest
	xvfb-run -a -s "-screen 0 1920x1080x24" $(BIN)/python -m pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: setup
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check --no-cache .
	$(BIN)/mypy

# The server's tests (its core and its integration through a real websocket and SQLite file) with
# the lowest versions of the dependencies (.venv-lowest above); on a virtual screen, because the
# README's demo test starts a kiosk (so Kivy's lowest version is run too). About a minute.
test-lowest: $(STAMP)/venv-lowest
	xvfb-run -a -s "-screen 0 1920x1080x24" $(LOWEST)/bin/python -m pytest -q -p no:cacheprovider tests/core tests/integration

# The display boards' default Vietnamese voice pack (espeak-ng), made ahead of the first call.
voice: setup
	$(BIN)/python -m display_board.voicegen

bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

# The long fault tests (100 SIGKILLs and more) that make test leaves out.
bench-faults: setup
	xvfb-run -a $(BIN)/python -m pytest -m slow -q tests/faults

clean:
	rm -rf $(VENV) $(LOWEST) $(STAMP) var .mypy_cache .cache
