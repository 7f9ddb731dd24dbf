# Cairn. Quick start: `make run` (the multi-region rollout on the built-in RDS simulator) and `make test`.
SWIFT ?= swift
BUILD_DIR := .build/debug
CAIRN := $(BUILD_DIR)/cairn

PYTHON ?= python3

.PHONY: build test test-deps run bench format lint clean

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

# A fresh identifier each time, so repeated runs in the same state directory never collide.
run: build
	$(CAIRN) run Workflows/multi-region-rollout.json --input identifier=orders-$$(date +%s)

# The performance workloads (docs/performance.md): release build, each workload several times on a fresh
# state directory, medians with min and max. BENCH_ARGS=--quick for a short smoke run.
BENCH_SCRATCH ?= .build
bench:
	$(SWIFT) build -c release --product cairn --scratch-path $(BENCH_SCRATCH)
	$(SWIFT) build -c release --product cairn-bench --scratch-path $(BENCH_SCRATCH)
	$(BENCH_SCRATCH)/release/cairn-bench --cairn $(BENCH_SCRATCH)/release/cairn $(BENCH_ARGS)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --recursive Sources Tests Package.swift

clean:
	rm -rf .build
