#!/usr/bin/env bash
# Instructions and mispredicted branches the simulator runs per clock cycle of traffic (make sim-icount).
#
# Verilator evaluates the whole design every cycle, so the replay's speed is mostly the number of
# instructions per cycle of the generated C++; unlike CPU time it does not move with the load of
# the machine, so it can judge an RTL change of a few percent. It is not all: with frames of
# random sizes every stage enable is a branch the CPU cannot predict, and a change that adds
# instructions can still be faster when it removes such branches (Verilator's -fno-split: 4 %
# more instructions, 6-11 % faster). So the script also reports Valgrind's simulated branch
# mispredictions per cycle (a simpler predictor than the CPU's, but it finds the same
# data-dependent branches); judge a change by both, and by alternated timed runs
# (docs/performance.md, *Simulator speed*). Callgrind counts the instructions
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
    declare -A ins mis cyc
    for n in 10000 30000; do
        pcap=$work/$size-$n.pcap
        "$sim" gen --config "$cfg" --frames "$n" --seed "$seed" --frame-size "$size" --output "$pcap" >/dev/null
        counts=$(valgrind --tool=callgrind --branch-sim=yes --callgrind-out-file=/dev/null "$sim" replay "$pcap" \
            --config "$cfg" --output "$work/out.pcap" 2>&1 >/dev/null |
            awk '/refs:/ { gsub(",", "", $4); i = $4 } /Mispredicts:/ { gsub(",", "", $3); m = $3 } END { print i, m }')
        ins[$n]=${counts% *}
        mis[$n]=${counts#* }
        cyc[$n]=$("$sim" replay "$pcap" --config "$cfg" --output "$work/out.pcap" --json |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["cycles"])')
    done
    d_ins=$(( ins[30000] - ins[10000] ))
    d_mis=$(( mis[30000] - mis[10000] ))
    d_cyc=$(( cyc[30000] - cyc[10000] ))
    echo "$size bytes (seed $seed): $(( d_ins / d_cyc )) instructions per cycle, $(( d_ins / 20000 )) per frame ($d_cyc cycles for 20,000 frames); $(( d_mis * 10 / d_cyc / 10 )).$(( d_mis * 10 / d_cyc % 10 )) mispredicted branches per cycle (Valgrind's predictor)"
    seed=$(( seed + 1 ))
done
