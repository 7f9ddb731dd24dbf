# Cairn. Quick start: `make run` (the multi-region rollout on the built-in RDS simulator) and `make test`.
SWIFT ?= swift
BUILD_DIR := .build/debug
CAIRN := $(BUILD_DIR)/cairn

.PHONY: build test test-deps run format lint clean

build:
	$(SWIFT) build

# The DatabaseAdministration tests start a throwaway PostgreSQL server and drive psql: Debian's
# postgresql package brings both (server programs under /usr/lib/postgresql/<version>/bin).
test-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then \
		echo "installing PostgreSQL (server and psql) for the DatabaseAdministration tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
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
