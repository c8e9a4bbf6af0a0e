#!/usr/bin/env bash
# Replays a capture through l4lb-sim and asks tshark, frame by frame, whether every IP, TCP and UDP
# checksum that verified before the load balancer still verifies after it (and every bad one is
# still bad). An independent judge of the checksum rewrite.
# usage: tshark-check.sh L4LB_SIM IN.pcap CONFIG.toml [ENGINE] [WIDTH]
set -euo pipefail
sim=$1 in=$2 cfg=$3 engine=${4:-rtl} width=${5:-512}
command -v tshark >/dev/null || { echo "tshark not found: apt-get install -y tshark" >&2; exit 1; }
out=$(mktemp --suffix=.pcap)
trap 'rm -f "$out" "$out.a" "$out.b"' EXIT
"$sim" replay "$in" --config "$cfg" --output "$out" --engine "$engine" --width "$width" >/dev/null
fields() {
  tshark -r "$1" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
    -T fields -e frame.number -e ip.checksum.status -e udp.checksum.status -e tcp.checksum.status 2>/dev/null
}
fields "$in" > "$out.a"
fields "$out" > "$out.b"
frames=$(wc -l < "$out.a")
good=$(awk -F'\t' '$2=="1"||$3=="1"||$4=="1"' "$out.a" | wc -l)
if ! diff -q "$out.a" "$out.b" >/dev/null; then
  echo "tshark: checksum status changed:"; diff "$out.a" "$out.b" | head -20; exit 1
fi
changed=$(cmp -l "$in" "$out" 2>/dev/null | wc -l || true)
echo "tshark: $frames frames, $good with a verified checksum; every checksum status unchanged ($changed bytes rewritten)"
