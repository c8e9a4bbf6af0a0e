# l4lb: build, demo and tests. `make demo` and `make test` are the README's two commands.

CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR := build/demo
SAMPLE_PCAP := testbench/samples/sample.pcap
SAMPLE_CONFIG := testbench/samples/sample.toml
RTL := $(wildcard rtl/*.v)
WIDTHS := 64 128 256 512
BIN := $(or $(CARGO_TARGET_DIR),target)/release

.PHONY: all demo test deps build regmap lint tshark-check clean help bench

all: build

help:
	@echo "make demo     install Verilator if missing, build, replay the sample pcap through the RTL"
	@echo "make test     every test: model, driver, RTL against the model at every width, corpus, CLI"
	@echo "make lint     Verilator -Wall over the RTL at every width"
	@echo "make tshark-check  tshark verifies the rewritten checksums of the sample, frame by frame"
	@echo "make regmap   regenerate rtl/l4lb_regmap.vh from core/src/regmap.rs"
	@echo "make bench    criterion benchmarks"

# Verilator from the distribution (Debian/Ubuntu), when missing.
deps:
	@command -v verilator >/dev/null 2>&1 || { \
	  echo "installing verilator (apt-get)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq verilator >/dev/null; }
	@verilator --version

build: deps
	$(CARGO) build --release

demo: build
	@mkdir -p $(DEMO_DIR)
	$(BIN)/l4lb-sim replay $(SAMPLE_PCAP) --config $(SAMPLE_CONFIG) --output $(DEMO_DIR)/sample-out.pcap --engine rtl
	@echo
	@echo "input:  $(SAMPLE_PCAP) (config $(SAMPLE_CONFIG))"
	@echo "output: $(DEMO_DIR)/sample-out.pcap"
	@echo "try:    $(BIN)/l4lb-sim replay $(SAMPLE_PCAP) --config $(SAMPLE_CONFIG) --output /tmp/out.pcap --json"

test: deps
	$(CARGO) test --release --workspace

# tshark judges the rewritten checksums of the sample, frame by frame (installs tshark when missing).
tshark-check: build
	@command -v tshark >/dev/null 2>&1 || $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tshark >/dev/null
	testbench/scripts/tshark-check.sh $(BIN)/l4lb-sim $(SAMPLE_PCAP) $(SAMPLE_CONFIG) rtl 512
	testbench/scripts/tshark-check.sh $(BIN)/l4lb-sim $(SAMPLE_PCAP) $(SAMPLE_CONFIG) rtl 64

regmap:
	$(CARGO) run -q -p l4lb-core --bin gen-regmap > rtl/l4lb_regmap.vh

lint: deps
	@for w in $(WIDTHS); do \
	  echo "verilator --lint-only -Wall DATA_WIDTH=$$w"; \
	  verilator --lint-only -Wall -Irtl --top-module l4lb -GDATA_WIDTH=$$w $(RTL) || exit 1; \
	done

clean:
	$(CARGO) clean
	rm -rf build

# Maglev benchmarks (issue 4): table build time, register writes per update.
.PHONY: bench-maglev
bench: bench-maglev
bench-maglev:
	$(CARGO) bench -p l4lb-driver --bench maglev
