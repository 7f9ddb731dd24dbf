# Cairn. Quick start: `make run` (the multi-region rollout on the built-in RDS simulator) and `make test`.
SWIFT ?= swift
BUILD_DIR := .build/debug
CAIRN := $(BUILD_DIR)/cairn

.PHONY: build test run format lint clean

build:
	$(SWIFT) build

# Builds everything (tests included) once, then runs every test tier that fits in CI's budget.
test:
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
