# The two commands of the README, plus a sanitizer run. CMake does the work.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= 2
MAKEFLAGS += --no-print-directory

.PHONY: demo test deps build asan clean

# `slurm`: slurm-wlm and munge, for the Slurm end-to-end test (tests/scheduler/).
deps:
	@bash scripts/install-deps.sh slurm

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release > /dev/null
	@cmake --build $(BUILD) -j$(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# AddressSanitizer + UndefinedBehaviorSanitizer build of everything, then the tests.
asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLIGHTPATH_SANITIZE=ON \
	  -DLIGHTPATH_BUILD_BENCH=OFF > /dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
