#!/bin/sh
# make synth-app: the logic mqnic_app_block adds around each l4lb core, one module at a time, at
# a 512-bit port with two ports (Corundum's 100G boards): the TX arbiter (host + 2 hairpin FIFOs),
# the hairpin FIFO, the re-pacing and the AXI-Lite bridge. The same synth_xilinx options and
# logic-level count as synth/l4lb.ys (module inputs start a path and outputs end one, so a path
# through a module counts only its own cells). Writes into build/synth-app/.
set -e
out=build/synth-app
mkdir -p "$out"
noff='t:FDRE t:FDSE t:FDCE t:FDPE t:IBUF t:OBUF t:BUFG t:RAMB36E2 t:RAMB18E2 t:SRL16E t:SRLC32E %u %u %u %u %u %u %u %u %u %u %n'
printf '%-20s %7s %7s %7s %7s\n' module LUTs FFs BRAM36 levels
status=0
for spec in \
    "l4lb_tx_arbiter:-set DATA_WIDTH 512 -set HP_COUNT 2 -set USER_WIDTH 17 -set FILL_WIDTH 10 -set URGENT_FILL 128" \
    "l4lb_hairpin_fifo:-set DATA_WIDTH 512 -set DEPTH 512" \
    "l4lb_repace:-set DATA_WIDTH 512 -set USER_WIDTH 97 -set DELAY 257 -set DEPTH 128 -set TS_WIDTH 12" \
    "l4lb_axil_cdc:-set ADDR_WIDTH 24 -set PORTS 2"
do
    top=${spec%%:*}
    params=${spec#*:}
    yosys -q -l "$out/$top.log" -p "read_verilog -Irtl rtl/l4lb*.v; chparam $params $top; \
        synth_xilinx -family xcup -top $top -flatten -nowidelut; tee -q -o $out/$top.stat.json stat -json; \
        write_json $out/$top.json; select -set noff $noff; tee -q -o $out/$top.ltp.txt ltp -noff @noff" 2>>"$out/$top.log"
    python3 synth/levels.py "$out/$top.json" "$top" --over 8 > "$out/$top.levels.txt"
    if ! python3 - "$out/$top.stat.json" "$out/$top.levels.txt" "$top" <<'PY'
import json, re, sys
cells = json.load(open(sys.argv[1]))["design"]["num_cells_by_type"]
luts = sum(n for t, n in cells.items() if re.fullmatch(r"LUT[1-6]|RAM(32|64)M(8)?|RAM(32|64|128|256)X1[SD]|SRL(16E|C32E)", t))
ffs = sum(n for t, n in cells.items() if re.fullmatch(r"FD[RSCP]E", t))
bram = cells.get("RAMB36E2", 0) + cells.get("RAMB18E2", 0) / 2
levels = int(re.search(r"deepest end point: (\d+)", open(sys.argv[2]).read()).group(1))
print(f"{sys.argv[3]:<20} {luts:7d} {ffs:7d} {bram:7.1f} {levels:7d}")
sys.exit(1 if levels > 8 else 0)
PY
    then
        status=1
    fi
done
[ $status -eq 0 ] && echo "every module within 8 logic levels" || echo "over 8 logic levels: see $out/*.levels.txt"
exit $status
