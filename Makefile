# Cairn. Quick start: `make run` (the multi-region rollout on the built-in RDS simulator) and `make test`.
SWIFT ?= swift
BUILD_DIR := .build/debug
CAIRN := $(BUILD_DIR)/cairn

PYTHON ?= python3

.PHONY: build test test-deps torture fuzz bench run format lint clean

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

# The long reliability tiers: SEEDS seeds of the deterministic simulation (crashes, power loss, failed
# fsync, full disk, ambiguous writes against the real engine and store in memory), then KILLS SIGKILLs
# of the real binary at random moments, each followed by a resume. A failure prints its seed and the
# command that replays it.
SEEDS ?= 10000
KILLS ?= 1000
torture:
	$(SWIFT) build --build-tests
	CAIRN_TORTURE_SEEDS=$(SEEDS) $(SWIFT) test --skip-build --filter SimulationTests
	CAIRN_E2E_KILLS=$(KILLS) $(SWIFT) test --skip-build --filter RandomKillTests

# libFuzzer on the definition parser and the history decoder, FUZZ_SECONDS each. The parser modules are
# built with coverage instrumentation into $(FUZZ_BUILD), then linked with the entry points in Fuzz/.
# The committed seeds are Tests/FuzzCorpusTests/Corpus/<target> (make test replays them); what a run
# learns goes to $(FUZZ_BUILD)/corpus-<target>. A crash stops the run and leaves crash-<hash> here:
# fix it and add the input to the committed corpus.
FUZZ_SECONDS ?= 300
FUZZ_BUILD := .build-fuzz
FUZZ_MODULES := StrictJSON Hashing Time WorkflowModel SystemIO HistoryStore FuzzTargets
fuzz:
	$(SWIFT) build --scratch-path $(FUZZ_BUILD) --target FuzzTargets -Xswiftc -sanitize=fuzzer
	for target in definition history; do \
		swiftc -sanitize=fuzzer -parse-as-library -I $(FUZZ_BUILD)/debug/Modules Fuzz/$$target.swift \
			$(foreach module,$(FUZZ_MODULES),$(FUZZ_BUILD)/debug/$(module).build/*.o) -o $(FUZZ_BUILD)/fuzz-$$target || exit 1; \
		mkdir -p $(FUZZ_BUILD)/corpus-$$target; \
		$(FUZZ_BUILD)/fuzz-$$target -max_total_time=$(FUZZ_SECONDS) -timeout=1 -print_final_stats=1 \
			$(FUZZ_BUILD)/corpus-$$target Tests/FuzzCorpusTests/Corpus/$$target || exit 1; \
	done

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

# Formatting, then the source rules (Tests/SourceRulesTests): no function over 70 lines in the engine, store,
# decider and execution core; docs/architecture.md's module graph equal to Package.swift; no unused or
# undeclared dependency. Each offence names its file and line, or its arrow.
lint:
	$(SWIFT) format lint --recursive Sources Tests Package.swift
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter SourceRulesTests

clean:
	rm -rf .build $(FUZZ_BUILD)
