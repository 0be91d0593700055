# The two commands (README): `make run` and `make test`. Both install what is
# missing, configure once into build/ and build with -j2.
BUILD ?= build
JOBS ?= 2
BUILD_TYPE ?= Release
ARGS ?=

TSA_BUILD ?= build-tsa

.PHONY: all deps configure build run test bench tsa format format-check clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

# Starts jouled in the foreground on its embedded policy and device profile.
run: deps configure
	cmake --build $(BUILD) -j $(JOBS) --target jouled joulectl
	$(BUILD)/cmd/jouled $(ARGS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

bench: build
	bench/run.sh $(BUILD)

# Every target built by clang with -Wthread-safety -Werror (and -Wall
# -Wextra): every ABSL_GUARDED_BY / ABSL_EXCLUSIVE_LOCKS_REQUIRED is checked.
# -O0: only the diagnostics matter here.
tsa: deps
	@test -f $(TSA_BUILD)/build.ninja || CC=clang CXX=clang++ cmake -S . -B $(TSA_BUILD) \
	  -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DJOULE_WERROR=ON
	cmake --build $(TSA_BUILD) -j $(JOBS)

# clang-format (the repository's .clang-format, Google style) over every
# tracked C++ file: `format` rewrites, `format-check` fails on any change.
FORMAT_FILES = $(shell git ls-files '*.cc' '*.h')
format: deps
	clang-format -i $(FORMAT_FILES)

format-check: deps
	@clang-format --dry-run -Werror $(FORMAT_FILES)
	@echo "format: $(words $(FORMAT_FILES)) files match .clang-format"

clean:
	rm -rf $(BUILD) $(TSA_BUILD)
