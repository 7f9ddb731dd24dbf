# Cairn. Quick start: `make run` (the multi-region rollout on the built-in RDS simulator) and `make test`.
SWIFT ?= swift
BUILD_DIR := .build/debug
CAIRN := $(BUILD_DIR)/cairn

PYTHON ?= python3

.PHONY: build test test-deps run format lint clean

build:
	$(SWIFT) build

# What the tests need, installed only when missing: moto (the AWS emulator the AWS tests start on a free
# 127.0.0.1 port) with boto3, and Debian's postgresql (a throwaway server and psql for the
# DatabaseAdministration tests; server programs live under /usr/lib/postgresql/<version>/bin).
test-deps:
	@$(PYTHON) -c 'import moto.server, boto3, flask, werkzeug' 2>/dev/null || { \
		echo "installing moto for the AWS tests"; \
		$(PYTHON) -m pip install --quiet 'moto[server]' boto3; }
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then \
		echo "installing PostgreSQL (server and psql) for the DatabaseAdministration tests"; \
		SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql; \
	fi

# Builds everything (tests included) once, then runs every test tier that fits in CI's budget.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# A fresh identifier each time, so repeated runs in the same state directory never collide.
run: build
	$(CAIRN) run Workflows/multi-region-rollout.json --input identifier=orders-$$(date +%s)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --recursive Sources Tests Package.swift

clean:
	rm -rf .build
