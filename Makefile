# The two commands a newcomer needs: `make demo` and `make test`. Both install what is
# missing (scripts/setup, Debian packages only) and build first.
BUILD   ?= build
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
ifdef CI
CMAKE_FLAGS += -DEURUS_WERROR=ON
endif
EURUS := $(BUILD)/eurus
SCHEMA := $(BUILD)/aws-schema.json
export EURUS_AWS_SCHEMA := $(abspath $(SCHEMA))
EXAMPLES := $(wildcard examples/*/eurus.yaml)

.PHONY: all setup configure build schema test test-tofu scan bench-cur demo bench golden format clean package

all: build

setup:
	@scripts/setup

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

configure: setup $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD)

# The hashicorp/aws 6.25 schema, extracted from the pinned npm package (cached).
schema: setup
	@mkdir -p $(BUILD)
	node scripts/extract-aws-schema.mjs $(SCHEMA)

test: build schema
	$(BUILD)/eurus_tests --gtest_brief=1
	tests/corpus/run $(EURUS)
	tests/examples/run $(EURUS)
	tests/validate/run $(EURUS) $(SCHEMA)
	tests/golden/run $(EURUS)
	tests/changes/run $(EURUS)
	tests/prices/run
	tests/cost/run $(EURUS)
	tests/cost_report/run $(EURUS)
	tests/docs/run
	tests/graph/run $(EURUS)
	tests/tutorial/run $(EURUS)
	tests/package/run $(BUILD)
	tests/fakeaws/run $(EURUS)
	tests/tofu/run $(EURUS)

# Only the real-OpenTofu suites (the pinned tofu and the stand-in provider, built on first use).
test-tofu: build schema
	tests/fakeaws/run $(EURUS)
	tests/tofu/run $(EURUS)

# checkov (pinned, installed into .venv/) over the synthesized tree of every example and of
# the organisations tests/scan/gen_org.py generates (every setting and value, seeded: SCAN_SEED
# picks another seed); skips and their reasons in .checkov.yaml and docs/Security.md (section
# "checkov"); SARIF in $(BUILD)/scan/.
scan: build
	SCAN_OUT=$(abspath $(BUILD))/scan scripts/scan $(EURUS)

demo: build schema
	$(EURUS) check -C examples/acme
	$(EURUS) synth -C examples/acme -o $(BUILD)/demo/acme
	$(EURUS) validate $(BUILD)/demo/acme
	$(EURUS) cost -C examples/acme --by tenant

bench: build
	bench/check_bench $(EURUS)

# eurus cost report against DuckDB over a generated CUR 2.0 export (CUR_MB uncompressed MB).
bench-cur: build
	bench/cur_bench $(EURUS) --size-mb $(or $(CUR_MB),1000)

# The relocatable release eurus-<version>-linux-x86_64.tar.gz and its .sha256 in $(BUILD)/
# (scripts/package, docs/Install.md); tests/package/run checks it.
package: setup
	scripts/package --build $(BUILD)

# Regenerates the golden snapshot of examples/minimal after an intended change.
golden: build
	tests/golden/run $(EURUS) --update

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'bench/*.cc')

clean:
	rm -rf $(BUILD)
