#!/usr/bin/env bash
# make icarus-check: the same RTL under Icarus Verilog and Verilator on a sample capture, outputs
# compared byte for byte, the speed of both printed.
#
# usage: check.sh L4LB_SIM PCAP CONFIG WIDTH FRAMES DIR
#   L4LB_SIM  the l4lb-sim binary (writes the vectors and runs Verilator)
#   DIR       where vectors and outputs go (under build/, never in git)
set -euo pipefail
sim=$1 pcap=$2 config=$3 width=$4 frames=$5 dir=$6
here=$(cd "$(dirname "$0")" && pwd)
rtl=$(cd "$here/../../rtl" && pwd)
mkdir -p "$dir"

"$sim" vectors "$pcap" --config "$config" --width "$width" --frames "$frames" --dir "$dir" --json > "$dir/verilator.json"

iverilog -g2005 -Wall -Wno-timescale -o "$dir/tb.vvp" -P "tb_l4lb.DATA_WIDTH=$width" -I "$rtl" \
  "$here/tb_l4lb.v" "$rtl"/l4lb*.v
TIMEFORMAT='%R %U %S'
{ time vvp -n "$dir/tb.vvp" "+dir=$dir" > "$dir/icarus.log"; } 2> "$dir/icarus.time"
if grep -q '^error' "$dir/icarus.log"; then
  cat "$dir/icarus.log" >&2
  exit 1
fi

read -r wall user sys < "$dir/icarus.time"
json_field() {
  # frames, beats and cycles from the Verilator run's JSON (one "key": value per line)
  local key=$1
  sed -n "s/^ *\"$key\": \([0-9.e+-]*\),\{0,1\}$/\1/p" "$dir/verilator.json"
}
n=$(json_field frames)
cycles=$(json_field cycles)
vcpu=$(json_field verilator_cpu_seconds)
vn=$(json_field timed_frames)
vc=$(json_field timed_cycles)
awk -v n="$n" -v c="$cycles" -v vn="$vn" -v vc="$vc" -v v="$vcpu" -v u="$user" -v s="$sys" -v w="$wall" -v width="$width" 'BEGIN {
  ic = u + s
  printf "%d frames, %d cycles of traffic at %d bits\n", n, c, width
  printf "  verilator: %9.3f s CPU  %12.0f frames/s  %12.0f cycles/s (the traffic %d times over)\n", v, vn / v, vc / v, vn / n
  printf "  icarus:    %9.2f s CPU  %12.1f frames/s  %12.1f cycles/s (the whole vvp run: start-up, register writes, traffic)\n", ic, n / ic, c / ic
  printf "  icarus is %.0fx slower per frame\n", (vn / v) / (n / ic)
}'
grep '^icarus:' "$dir/icarus.log" | sed 's/^/  /'
if cmp -s "$dir/verilator.txt" "$dir/out.txt"; then
  echo "icarus-check: Icarus and Verilator outputs are identical ($(wc -l < "$dir/out.txt") frames, latency, tdest, bytes, tuser): $dir/out.txt"
else
  echo "icarus-check: Icarus and Verilator outputs DIFFER: diff $dir/verilator.txt $dir/out.txt" >&2
  diff <(cut -c1-200 "$dir/verilator.txt") <(cut -c1-200 "$dir/out.txt") | head -20 >&2
  exit 1
fi
