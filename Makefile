# The two commands of the README, plus sanitizer and fuzzing runs. CMake does the work.
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS ?= 2
MAKEFLAGS += --no-print-directory

.PHONY: demo test deps build asan fuzz clean

# `slurm`: slurm-wlm and munge, for the Slurm end-to-end test (tests/scheduler/);
# `promtool`: Prometheus' checker of the /metrics page (tests/rest/);
# `test-peers`: Python gRPC, for the Python client example's test (tests/cli/).
deps:
	@bash scripts/install-deps.sh slurm promtool test-peers

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release > /dev/null
	@cmake --build $(BUILD) -j$(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# AddressSanitizer + UndefinedBehaviorSanitizer build of everything, then the tests.
# A sanitizer finding fails every attempt; the one retry absorbs a test that
# ran out of time because sanitized code is several times slower.
asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLIGHTPATH_SANITIZE=ON \
	  -DLIGHTPATH_BUILD_BENCH=OFF > /dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS) --repeat until-pass:2

# libFuzzer targets (fuzz/, docs/fuzzing.md): clang 14 with ASan and UBSan, each
# target run FUZZ_SECONDS on a copy of its seed corpus; fails on any crash.
fuzz:
	@bash scripts/install-deps.sh fuzz
	@CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g" -DLIGHTPATH_FUZZ=ON \
	  -DLIGHTPATH_BUILD_TESTS=OFF -DLIGHTPATH_BUILD_BENCH=OFF > /dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzz_targets
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh $(FUZZ_BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
