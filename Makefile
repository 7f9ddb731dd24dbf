# Cairn. Quick start: `make run` (the multi-region rollout on the built-in RDS simulator) and `make test`.
SWIFT ?= swift
BUILD_DIR := .build/debug
CAIRN := $(BUILD_DIR)/cairn

PYTHON ?= python3

.PHONY: build test test-deps torture run format lint clean

build:
	$(SWIFT) build

# What the AWS tests need, installed only when missing: moto (the AWS emulator the tests start on a free
# 127.0.0.1 port) with boto3.
test-deps:
	@$(PYTHON) -c 'import moto.server, boto3, flask, werkzeug' 2>/dev/null || { \
		echo "installing moto for the AWS tests"; \
		$(PYTHON) -m pip install --quiet 'moto[server]' boto3; }

# Builds everything (tests included) once, then runs every test tier that fits in CI's budget.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The long reliability tiers: SEEDS seeds of the deterministic simulation (crashes, power loss, failed
# fsync, full disk, ambiguous writes against the real engine and store in memory), then KILLS SIGKILLs
# of the real binary at random moments, each followed by a resume. A failure prints its seed and the
# command that replays it.
SEEDS ?= 2000
KILLS ?= 1000
torture:
	$(SWIFT) build --build-tests
	CAIRN_TORTURE_SEEDS=$(SEEDS) $(SWIFT) test --skip-build --filter SimulationTests
	CAIRN_E2E_KILLS=$(KILLS) $(SWIFT) test --skip-build --filter RandomKillTests

# A fresh identifier each time, so repeated runs in the same state directory never collide.
run: build
	$(CAIRN) run Workflows/multi-region-rollout.json --input identifier=orders-$$(date +%s)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --recursive Sources Tests Package.swift

clean:
	rm -rf .build
