# l4lb: build, demo and tests. `make demo` and `make test` are the README's two commands.

CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR := build/demo
SAMPLE_PCAP := testbench/samples/sample.pcap
SAMPLE_CONFIG := testbench/samples/sample.toml
RTL := $(wildcard rtl/*.v)
WIDTHS := 64 128 256 512
# Where cargo puts the binaries (CARGO_TARGET_DIR when set).
BIN_DIR := $(or $(CARGO_TARGET_DIR),target)/release

.PHONY: all demo test soak fuzz deps build regmap lint synth synth-parse synth-app synth-deps icarus-check bench bench-model bench-rtl bench-update perf plot sim-icount tshark-check clean help corundum-lint corundum-sim corundum-regression

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
	@echo "make synth    Yosys synth_xilinx -family xcup at 512 bits: build/synth/report.json"
	@echo "make synth-parse  the same for l4lb_parse alone (minutes): build/synth-parse/levels.txt"
	@echo "make synth-app    the app block's own logic, module by module (about a minute)"
	@echo "make icarus-check  the sample through Icarus and Verilator, compared byte for byte"
	@echo "make bench    criterion benches, the replay sweep and the plot (docs/performance.md)"
	@echo "make sim-icount  instructions and mispredicted branches per simulated cycle (callgrind), to judge an RTL change"
	@echo "make soak N=100000   long randomized RTL-against-model run, every width, random stalls"
	@echo "make fuzz     cargo-fuzz over the model's parse-and-rewrite for FUZZ_SECONDS (default 60)"
	@echo "make corundum-lint        Verilator -Wall over mqnic_app_block, ports compared with Corundum's"
	@echo "make corundum-sim         Icarus test of mqnic_app_block (hairpin, host paths, tables)"
	@echo "make corundum-regression CORUNDUM=/path/to/corundum [CORUNDUM_CONFIGS='1-1-512-512-512-1 ...']"

# Verilator, Icarus Verilog and clang (the simulator runs about 30 % faster built with clang++
# than with g++) from the distribution (Debian/Ubuntu), when missing.
deps:
	@command -v verilator >/dev/null 2>&1 && command -v iverilog >/dev/null 2>&1 && command -v clang++ >/dev/null 2>&1 || { \
	  echo "installing verilator iverilog clang (apt-get)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq verilator iverilog clang >/dev/null; }
	@verilator --version

build: deps
	$(CARGO) build --release

demo: build
	@mkdir -p $(DEMO_DIR)
	$(BIN_DIR)/l4lb-sim replay $(SAMPLE_PCAP) --config $(SAMPLE_CONFIG) --output $(DEMO_DIR)/sample-out.pcap --engine rtl
	@echo
	@echo "input:  $(SAMPLE_PCAP) (config $(SAMPLE_CONFIG))"
	@echo "output: $(DEMO_DIR)/sample-out.pcap"
	@echo "try:    $(BIN_DIR)/l4lb-sim replay $(SAMPLE_PCAP) --config $(SAMPLE_CONFIG) --output /tmp/out.pcap --json"

test: deps
	$(CARGO) test --release --workspace
	$(CARGO) build --release --workspace --benches
	$(MAKE) --no-print-directory lint corundum-lint corundum-sim

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
	testbench/scripts/tshark-check.sh $(BIN_DIR)/l4lb-sim $(SAMPLE_PCAP) $(SAMPLE_CONFIG) rtl 512
	testbench/scripts/tshark-check.sh $(BIN_DIR)/l4lb-sim $(SAMPLE_PCAP) $(SAMPLE_CONFIG) rtl 64

regmap:
	$(CARGO) run -q -p l4lb-core --bin gen-regmap > rtl/l4lb_regmap.vh

# Verilator -Wall at every width, zero warnings. A waiver (lint_off) must be undone (lint_on) on
# the same line, so that it covers one line only.
lint: deps
	@if grep -n 'lint_off' rtl/*.v rtl/*.vh | grep -v 'lint_on'; then \
	  echo "lint: a waiver must cover a single line (lint_off and lint_on on the same line)"; exit 1; fi
	@for w in $(WIDTHS); do \
	  echo "verilator --lint-only -Wall DATA_WIDTH=$$w"; \
	  verilator --lint-only -Wall -Irtl --top-module l4lb -GDATA_WIDTH=$$w $(RTL) || exit 1; \
	done

# Yosys (Debian's 0.23) and python3 from the distribution, when missing.
synth-deps:
	@command -v yosys >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 || { \
	  echo "installing yosys python3 (apt-get)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq yosys python3 >/dev/null; }
	@yosys -V

SYNTH_DIR := build/synth
synth: synth-deps
	@mkdir -p $(SYNTH_DIR)
	@echo "yosys: synth_xilinx -family xcup, DATA_WIDTH=512, default tables (several minutes)"
	yosys -q -l $(SYNTH_DIR)/yosys.log -s synth/l4lb.ys
	python3 synth/levels.py $(SYNTH_DIR)/netlist.json l4lb --over 8 > $(SYNTH_DIR)/levels.txt
	python3 synth/report.py $(SYNTH_DIR)/stat.json $(SYNTH_DIR)/ltp.txt $(SYNTH_DIR)/report.json $(SYNTH_DIR)/levels.txt

# l4lb_parse alone, same options (a few minutes instead of 12-25): its LUTs and logic levels.
SYNTH_PARSE_DIR := build/synth-parse
synth-parse: synth-deps
	@mkdir -p $(SYNTH_PARSE_DIR)
	yosys -q -l $(SYNTH_PARSE_DIR)/yosys.log -s synth/parse.ys
	python3 synth/levels.py $(SYNTH_PARSE_DIR)/netlist.json l4lb_parse --over 8 > $(SYNTH_PARSE_DIR)/levels.txt
	@grep 'Longest' $(SYNTH_PARSE_DIR)/ltp.txt
	@awk '/ LUT[1-6] /{n += $$2} END {print "LUTs:", n}' $(SYNTH_PARSE_DIR)/stat.txt

# The logic the Corundum application block adds around each core (TX arbiter, hairpin FIFO,
# re-pacing, AXI-Lite bridge), one module at a time at 512 bits: LUTs, flip-flops, logic levels.
synth-app: synth-deps
	sh synth/app_parts.sh

# The sample capture through Icarus and Verilator (a few hundred frames: Icarus is slow).
ICARUS_DIR := build/icarus
ICARUS_FRAMES ?= 300
ICARUS_WIDTH ?= 512
icarus-check: build
	testbench/icarus/check.sh $(BIN_DIR)/l4lb-sim $(SAMPLE_PCAP) $(SAMPLE_CONFIG) $(ICARUS_WIDTH) $(ICARUS_FRAMES) $(ICARUS_DIR)

# Benchmarks: each its own line (criterion; results under target/criterion).
bench: bench-model bench-rtl bench-update perf

bench-model:
	$(CARGO) bench -p l4lb-testbench --bench model

bench-rtl: deps
	$(CARGO) bench -p l4lb-testbench --bench rtl_replay

bench-update:
	$(CARGO) bench -p l4lb-testbench --bench update

# The replay sweep (cycles per frame and simulator speed at every size) and the plot.
PERF_DIR := build/perf
VENV := build/venv
perf: deps
	@mkdir -p $(PERF_DIR)
	$(CARGO) run --release -q -p l4lb-testbench --example perf_sweep -- $(PERF_DIR)/sweep.json
	$(MAKE) plot

# Instructions (exactly) and mispredicted branches (Valgrind's simulated predictor) per simulated
# cycle of 60-80 and 124-132 byte traffic (Valgrind installed when missing): about a minute.
# docs/performance.md, *Simulator speed*.
sim-icount: deps
	scripts/sim-icount.sh

plot:
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV) || { \
	  echo "installing python3-venv (apt-get)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv >/dev/null && python3 -m venv $(VENV); }
	@$(VENV)/bin/python -c 'import matplotlib' 2>/dev/null || $(VENV)/bin/pip install -q matplotlib
	$(VENV)/bin/python docs/plot_performance.py $(PERF_DIR)/sweep.json docs/performance.png
# Corundum application block (docs/corundum.md). Corundum's interface tables: ../shared/corundum
# beside the repository, or L4LB_CORUNDUM_IFACE.
APP_CONFIGS := \
  "" \
  "-GAXIL_APP_CTRL_ADDR_WIDTH=24" \
  "-GAXIL_APP_CTRL_ADDR_WIDTH=24 -GIF_COUNT=2 -GAXIS_DATA_WIDTH=64 -GPTP_TS_ENABLE=0" \
  "-GAXIL_APP_CTRL_ADDR_WIDTH=25 -GIF_COUNT=2 -GPORTS_PER_IF=2 -GAXIS_DATA_WIDTH=128" \
  "-GIF_COUNT=2 -GAXIL_APP_CTRL_ADDR_WIDTH=24"

corundum-lint: deps
	@for c in $(APP_CONFIGS); do \
	  echo "verilator --lint-only -Wall mqnic_app_block $${c:-(Corundum's default parameters)}"; \
	  verilator --lint-only -Wall -Irtl --top-module mqnic_app_block $$c $(RTL) || exit 1; \
	done
	python3 scripts/check_app_ports.py

corundum-sim:
	@command -v iverilog >/dev/null 2>&1 || { \
	  echo "installing iverilog (apt-get)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq iverilog >/dev/null; }
	@mkdir -p build
	@for peer in "" -DTB_HAIRPIN_PEER; do \
	  echo "iverilog tb_mqnic_app_block $${peer:-(HAIRPIN at reset: the same port)}"; \
	  iverilog -g2012 $$peer -o build/tb_mqnic_app_block.vvp -Irtl -Isim/corundum -s tb_mqnic_app_block \
	    sim/corundum/tb_mqnic_app_block.v $(RTL) || exit 1; \
	  vvp -n build/tb_mqnic_app_block.vvp | tee build/tb_mqnic_app_block.log; \
	  ! grep -q '^FAIL' build/tb_mqnic_app_block.log && grep -q '^PASS' build/tb_mqnic_app_block.log || exit 1; \
	done

corundum-regression:
	@scripts/corundum-regression.sh "$(CORUNDUM)" $(CORUNDUM_CONFIGS)

clean:
	$(CARGO) clean
	rm -rf build

# Maglev benchmarks (issue 4): table build time, register writes per update.
.PHONY: bench-maglev
bench: bench-maglev
bench-maglev:
	$(CARGO) bench -p l4lb-driver --bench maglev
