#!/usr/bin/env python3
"""Plots docs/performance.png from the replay sweep (make perf).

Usage: plot_performance.py SWEEP_JSON OUT_PNG

Left: frames per second the core carries against frame size, from the cycles per frame measured
in the RTL, at the 100G MAC clock (322.265625 MHz) and at 250 MHz; the 100 Gb/s line rate
(frame + 4 FCS + 8 preamble + 12 inter-frame gap bytes on the wire); Katran's published
8.4-9.9 Mpps per core. Right: the simulator's speed (cycle-accurate RTL replay at 512 bits).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MAC_HZ = 322.265625e6
CORE_HZ = 250e6


def main() -> int:
    sweep = json.load(open(sys.argv[1]))
    pts = sweep["points"]
    size = [p["size"] for p in pts]
    cpf = [p["cycles_per_frame"] for p in pts]
    line = [100e9 / ((s + 24) * 8) / 1e6 for s in size]
    fig, (a, b) = plt.subplots(1, 2, figsize=(13, 5))
    a.plot(size, [MAC_HZ / c / 1e6 for c in cpf], label="l4lb, 512 bits at 322 MHz (measured cycles/frame)")
    a.plot(size, [CORE_HZ / c / 1e6 for c in cpf], label="l4lb, 512 bits at 250 MHz", linestyle="--")
    a.plot(size, line, label="100 Gb/s line rate", color="black")
    a.axhspan(8.4, 9.9, color="tab:red", alpha=0.3, label="Katran, one CPU core (8.4-9.9 Mpps)")
    a.set_xscale("log")
    a.set_yscale("log")
    a.set_xlabel("frame size, bytes (without FCS)")
    a.set_ylabel("million frames per second")
    a.set_title("Throughput against frame size")
    a.grid(True, which="both", alpha=0.3)
    a.legend(fontsize=8)
    b.plot(size, [p["sim_frames_per_cpu_second"] / 1e6 for p in pts], marker=".", label="RTL replay, Verilator, 512 bits")
    b.axhline(1.5, color="tab:red", linestyle="--", label="goal: 1.5 Mpps")
    b.set_xscale("log")
    b.set_yscale("log")
    b.set_xlabel("frame size, bytes")
    b.set_ylabel("million frames per CPU second")
    b.set_title(f"Simulator speed ({sweep.get('cpu', '')}, one core)", fontsize=9)
    b.grid(True, which="both", alpha=0.3)
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)
    print(f"wrote {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
