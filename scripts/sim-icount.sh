#!/usr/bin/env bash
# Instructions the simulator runs per clock cycle of traffic, exactly (make sim-icount).
#
# Verilator evaluates the whole design every cycle, so the replay's speed is the number of
# instructions per cycle of the generated C++; unlike CPU time it does not move with the load of
# the machine, so it can judge an RTL change of a few percent. Callgrind counts the instructions
# of a replay of 30,000 generated frames and of 10,000 frames of the same kind; the difference
# divided by the difference in cycles is the traffic's cost per cycle (the set-up before the
# traffic cancels out; the pcap reading and writing, outside what the replay times, stays in).
# The model is built for any x86-64 (Valgrind does not decode AVX-512), 512 bits, without VCD.
#
#   scripts/sim-icount.sh [SIZES...]     (default: 60-80 124-132)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
command -v valgrind >/dev/null 2>&1 || {
    echo "installing valgrind (apt-get)"
    sudo=$([ "$(id -u)" = 0 ] || echo sudo)
    $sudo apt-get update -qq && $sudo apt-get install -y -qq valgrind >/dev/null
}
work=build/icount
mkdir -p "$work"
export CARGO_TARGET_DIR=$here/build/icount-target
L4LB_NATIVE=0 L4LB_VCD=0 L4LB_WIDTHS=512 cargo build --release -q -p l4lb-testbench
sim=$CARGO_TARGET_DIR/release/l4lb-sim
cfg=testbench/samples/sample.toml
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(60-80 124-132)
seed=3
for size in "${sizes[@]}"; do
    declare -A ins cyc
    for n in 10000 30000; do
        pcap=$work/$size-$n.pcap
        "$sim" gen --config "$cfg" --frames "$n" --seed "$seed" --frame-size "$size" --output "$pcap" >/dev/null
        ins[$n]=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$sim" replay "$pcap" --config "$cfg" \
            --output "$work/out.pcap" 2>&1 >/dev/null | awk '/refs:/ { gsub(",", "", $4); print $4 }')
        cyc[$n]=$("$sim" replay "$pcap" --config "$cfg" --output "$work/out.pcap" --json |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["cycles"])')
    done
    d_ins=$(( ins[30000] - ins[10000] ))
    d_cyc=$(( cyc[30000] - cyc[10000] ))
    echo "$size bytes (seed $seed): $(( d_ins / d_cyc )) instructions per cycle, $(( d_ins / 20000 )) per frame ($d_cyc cycles for 20,000 frames)"
    seed=$(( seed + 1 ))
done
