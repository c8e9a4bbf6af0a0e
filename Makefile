# l4lb: build, demo and tests. `make demo` and `make test` are the README's two commands.

CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR := build/demo
SAMPLE_PCAP := testbench/samples/sample.pcap
SAMPLE_CONFIG := testbench/samples/sample.toml
RTL := $(wildcard rtl/*.v)
WIDTHS := 64 128 256 512

.PHONY: all demo test deps build regmap lint clean help corundum-lint corundum-sim corundum-regression

all: build

help:
	@echo "make demo     install Verilator if missing, build, replay the sample pcap through the RTL"
	@echo "make test     every test: model, driver, RTL against the model at every width, corpus, CLI"
	@echo "make lint     Verilator -Wall over the RTL at every width"
	@echo "make regmap   regenerate rtl/l4lb_regmap.vh from core/src/regmap.rs"
	@echo "make corundum-lint        Verilator -Wall over mqnic_app_block, ports compared with Corundum's"
	@echo "make corundum-sim         Icarus test of mqnic_app_block (hairpin, host paths, tables)"
	@echo "make corundum-regression CORUNDUM=/path/to/corundum [CORUNDUM_CONFIGS='1-1-512-512-512-1 ...']"

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
	./target/release/l4lb-sim replay $(SAMPLE_PCAP) --config $(SAMPLE_CONFIG) --output $(DEMO_DIR)/sample-out.pcap --engine rtl
	@echo
	@echo "input:  $(SAMPLE_PCAP) (config $(SAMPLE_CONFIG))"
	@echo "output: $(DEMO_DIR)/sample-out.pcap"
	@echo "try:    ./target/release/l4lb-sim replay $(SAMPLE_PCAP) --config $(SAMPLE_CONFIG) --output /tmp/out.pcap --json"

test: deps
	$(CARGO) test --release --workspace
	$(MAKE) --no-print-directory corundum-lint corundum-sim

regmap:
	$(CARGO) run -q -p l4lb-core --bin gen-regmap > rtl/l4lb_regmap.vh

lint: deps
	@for w in $(WIDTHS); do \
	  echo "verilator --lint-only -Wall DATA_WIDTH=$$w"; \
	  verilator --lint-only -Wall -Irtl --top-module l4lb -GDATA_WIDTH=$$w $(RTL) || exit 1; \
	done

# Corundum application block (docs/corundum.md). Corundum's interface tables: ../shared/corundum
# beside the repository, or L4LB_CORUNDUM_IFACE.
APP_CONFIGS := \
  "" \
  "-GAXIL_APP_CTRL_ADDR_WIDTH=24" \
  "-GAXIL_APP_CTRL_ADDR_WIDTH=24 -GIF_COUNT=2 -GAXIS_DATA_WIDTH=64 -GPTP_TS_ENABLE=0" \
  "-GAXIL_APP_CTRL_ADDR_WIDTH=25 -GIF_COUNT=2 -GPORTS_PER_IF=2 -GAXIS_DATA_WIDTH=128"

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
	iverilog -g2012 -o build/tb_mqnic_app_block.vvp -Irtl -Isim/corundum -s tb_mqnic_app_block \
	  sim/corundum/tb_mqnic_app_block.v $(RTL)
	@vvp -n build/tb_mqnic_app_block.vvp | tee build/tb_mqnic_app_block.log
	@! grep -q '^FAIL' build/tb_mqnic_app_block.log && grep -q '^PASS' build/tb_mqnic_app_block.log

corundum-regression:
	@scripts/corundum-regression.sh "$(CORUNDUM)" $(CORUNDUM_CONFIGS)

clean:
	$(CARGO) clean
	rm -rf build
