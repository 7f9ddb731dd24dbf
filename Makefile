# Cairn: `make run` runs the multi-region rollout on the built-in RDS simulator; `make test` runs the tests.
SWIFT ?= swift
CAIRN = .build/debug/cairn

.PHONY: build test run format lint clean

build:
	$(SWIFT) build

test: build
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

run: build
	$(CAIRN) run Workflows/multi-region-rollout.json --input identifier=orders-$$(date +%s)

format:
	$(SWIFT) format --in-place --recursive Sources Tests

lint:
	$(SWIFT) format lint --recursive Sources Tests

clean:
	rm -rf .build
