# The two commands a newcomer needs: `make demo` and `make test`. Both install what is
# missing (scripts/setup, Debian packages only) and build first.
BUILD   ?= build
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
ifdef CI
CMAKE_FLAGS += -DEURUS_WERROR=ON
endif
EURUS := $(BUILD)/eurus

.PHONY: all setup configure build test demo bench format clean

all: build

setup:
	@scripts/setup

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

configure: setup $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD)

test: build
	$(BUILD)/eurus_tests --gtest_brief=1
	tests/corpus/run $(EURUS)

demo: build
	$(EURUS) check -C examples/acme

bench: build
	bench/check_bench $(EURUS)

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'bench/*.cc')

clean:
	rm -rf $(BUILD)
