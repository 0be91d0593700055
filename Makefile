# The two commands (README): `make run` and `make test`. Both install what is
# missing, configure once into build/ and build with -j2.
BUILD ?= build
JOBS ?= 2
BUILD_TYPE ?= Release
ARGS ?=

.PHONY: all deps configure build run test bench clean

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

clean:
	rm -rf $(BUILD)
