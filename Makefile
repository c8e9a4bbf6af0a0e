# l4lb: build, demo and tests. `make demo` and `make test` are the README's two commands.

CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR := build/demo
SAMPLE_PCAP := testbench/samples/sample.pcap
SAMPLE_CONFIG := testbench/samples/sample.toml
RTL := $(wildcard rtl/*.v)
WIDTHS := 64 128 256 512
BIN := $(or $(CARGO_TARGET_DIR),target)/release

.PHONY: all demo test soak fuzz deps build regmap lint tshark-check clean help

# make soak N=...: frames per width of the long randomized RTL-against-model run
N ?= 100000
# make fuzz: seconds the fuzz target runs
FUZZ_SECONDS ?= 60

all: build

help:
	@echo "make demo     install Verilator if missing, build, replay the sample pcap through the RTL"
	@echo "make test     every test: model, driver, RTL against the model at every width, corpus, CLI"
	@echo "make lint     Verilator -Wall over the RTL at every width"
	@echo "make tshark-check  tshark verifies the rewritten checksums of the sample, frame by frame"
	@echo "make regmap   regenerate rtl/l4lb_regmap.vh from core/src/regmap.rs"
	@echo "make soak N=100000   long randomized RTL-against-model run, every width, random stalls"
	@echo "make fuzz     cargo-fuzz over the model's parse-and-rewrite for FUZZ_SECONDS (default 60)"

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

soak: deps
	L4LB_SOAK_FRAMES=$(N) $(CARGO) test --release -p l4lb-testbench --test rtl_vs_model soak -- --nocapture

# cargo-fuzz needs nightly features (sanitizer coverage); RUSTC_BOOTSTRAP=1 lets the stable
# toolchain build them. The fuzz crate is outside the workspace (fuzz/Cargo.toml).
fuzz:
	@command -v cargo-fuzz >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked
	cd fuzz && RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run --sanitizer none model -- -max_total_time=$(FUZZ_SECONDS) -max_len=512

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
