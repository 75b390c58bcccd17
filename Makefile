# Thin wrapper over CMake. Each goal installs what is missing, configures,
# builds, then does its job:
#   make run    build and run a bundled example
#   make test   build and run the whole test suite (ctest)
#   make bench  build in Release and print knot/Go timing ratios, the recording overhead
#               the replay throughput, and knot lint's time next to clang-tidy's
#   make fuzz   fuzz the journal importer and the trace reader, FUZZ_SECONDS each (default 600)
#   make clean  remove the build tree

BUILD      ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

# Debian packages the build and the tests need; the benchmark adds Go.
# knot lint needs libclang, the pictures Graphviz, the report test Chromium;
# the SARIF tests validate with python3-jsonschema against a schema fetched
# with npm (any npm on PATH will do: see deps).
DEPS       := cmake make gcc clang libclang-rt-14-dev llvm clang-format clang-tidy pkg-config \
              libsqlite3-dev sqlite3 libjansson-dev python3-jsonschema libclang-14-dev \
              libgraphviz-dev graphviz chromium gdb
BENCH_DEPS := golang-go valgrind

.PHONY: all deps bench-deps configure build run test bench fuzz clean

all: build

deps:
	@sh -c 'missing=""; for p in $(DEPS) $(EXTRA_DEPS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	  fi'
	@# npm fetches the published SARIF schema for the output tests; a machine
	@# may already have it from outside Debian, so only its absence counts.
	@command -v npm >/dev/null 2>&1 || { if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm; }

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@echo "== examples/worker_pool: a bounded pool with first-error cancellation"
	$(BUILD)/examples/worker_pool
	@echo
	@echo "== examples/thumbnails_leak, recorded and checked: gopl's makeThumbnails4 leaks its senders"
	@# knot run exits 1 when it has findings: here they are the point.
	$(BUILD)/bin/knot run -o $(BUILD)/thumbnails_leak.db -- $(BUILD)/examples/thumbnails_leak; \
	  test $$? -le 1
	@echo
	$(BUILD)/bin/knot report $(BUILD)/thumbnails_leak.db -o $(BUILD)/thumbnails_leak.html
	$(BUILD)/bin/knot graph $(BUILD)/thumbnails_leak.db -o $(BUILD)/thumbnails_leak-wait-for.svg
	@echo
	@echo "report:         $(BUILD)/thumbnails_leak.html (open it in a browser)"
	@echo "wait-for graph: $(BUILD)/thumbnails_leak-wait-for.svg"
	@echo "trace:          $(BUILD)/thumbnails_leak.db (knot check it again, or query it with"
	@echo "                sqlite3; see docs/trace-format.md)"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench:
	$(MAKE) EXTRA_DEPS="$(BENCH_DEPS)" BUILD=$(BUILD)-release BUILD_TYPE=Release build
	bench/run-chan.sh $(BUILD)-release
	bench/run-record.sh $(BUILD)-release
	bench/run-replay.sh $(BUILD)-release
	bench/lockorder/compare.sh $(BUILD)-release
	bench/run-lint.sh $(BUILD)-release

FUZZ_SECONDS ?= 600
fuzz: build
	tests/fuzz/run-fuzz.sh $(CURDIR) $(CURDIR)/$(BUILD) $(FUZZ_SECONDS) journal
	tests/fuzz/run-fuzz.sh $(CURDIR) $(CURDIR)/$(BUILD) $(FUZZ_SECONDS) trace

clean:
	rm -rf $(BUILD) $(BUILD)-release
