#!/usr/bin/env python3
"""Turns Yosys' `stat -json` and `ltp` output into build/synth/report.json and a short table.

Usage: report.py STAT_JSON LTP_LOG REPORT_JSON [LEVELS_TXT]

LEVELS_TXT (from levels.py) is printed when the design is over budget: every end point deeper
than the budget, grouped, with its path.

Standard library only. Cell names are Xilinx UltraScale+ primitives as synth_xilinx -family xcup
maps them: LUT1..LUT6 (plus LUT6_2 and the wide-function muxes, which sit in the LUT fabric),
FD*E flip-flops, RAMB36E2/RAMB18E2 (two RAMB18 make one RAMB36), URAM288 and DSP48E2.
"""
import json
import re
import sys

BUDGET_LUTS = 60000
BUDGET_LEVELS = 8


def main() -> int:
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    stat_path, ltp_path, out_path = sys.argv[1:4]
    levels_path = sys.argv[4] if len(sys.argv) == 5 else None
    with open(stat_path) as f:
        text = f.read()
    # `tee -o` may put Yosys' log header before the JSON object.
    stat = json.loads(text[text.index("{"):])
    cells = stat["design"]["num_cells_by_type"]

    def count(pattern: str) -> int:
        return sum(n for name, n in cells.items() if re.fullmatch(pattern, name))

    luts_logic = count(r"LUT[1-6](_2)?")
    # LUTs used as memory (distributed RAM, shift registers): LUT6 sites per primitive
    lutram_sites = {
        "RAM32X1S": 1, "RAM64X1S": 1, "RAM128X1S": 2, "RAM256X1S": 4,
        "RAM32X1D": 2, "RAM64X1D": 2, "RAM128X1D": 4, "RAM256X1D": 8,
        "RAM32M": 4, "RAM64M": 4, "RAM32M16": 8, "RAM64M8": 8,
        "SRL16E": 1, "SRLC32E": 1,
    }
    luts_memory = sum(n * lutram_sites[name] for name, n in cells.items() if name in lutram_sites)
    luts = luts_logic + luts_memory
    ffs = count(r"FD[RSCP]E(_1)?")
    ramb36 = count(r"RAMB36E2")
    ramb18 = count(r"RAMB18E2")
    with open(ltp_path) as f:
        ltp = f.read()
    # "Longest topological path in l4lb (length=7):"
    m = re.findall(r"Longest topological path in \S+ \(length=(\d+)\)", ltp)
    if not m:
        print(f"error: no 'Longest topological path' line in {ltp_path}", file=sys.stderr)
        return 1
    levels = int(m[-1])
    report = {
        "top": "l4lb",
        "family": "xcup",
        # CLB LUTs as Vivado counts them: logic plus LUTs used as memory
        "luts": luts,
        "luts_logic": luts_logic,
        "luts_memory": luts_memory,
        "ffs": ffs,
        # RAMB36 equivalents: two RAMB18 fit one RAMB36 site.
        "bram36": ramb36 + (ramb18 + 1) // 2,
        "ramb36": ramb36,
        "ramb18": ramb18,
        "uram": count(r"URAM288(_BASE)?"),
        "dsp": count(r"DSP48E2"),
        "carry8": count(r"CARRY8"),
        "muxf": count(r"MUXF[789]"),
        "logic_levels": levels,
        "budget": {"luts": BUDGET_LUTS, "logic_levels": BUDGET_LEVELS},
        "within_budget": luts <= BUDGET_LUTS and levels <= BUDGET_LEVELS,
        "cells": dict(sorted(cells.items())),
    }
    with open(out_path, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    rows = [
        ("LUTs", luts, f"<= {BUDGET_LUTS} ({luts_logic} logic + {luts_memory} as memory)"),
        ("flip-flops", ffs, ""),
        ("BRAM (RAMB36 eq.)", report["bram36"], f"{ramb36} RAMB36 + {ramb18} RAMB18"),
        ("URAM", report["uram"], ""),
        ("DSP", report["dsp"], ""),
        ("logic levels", levels, f"<= {BUDGET_LEVELS} (cells between flip-flops)"),
    ]
    print("l4lb, synth_xilinx -family xcup, DATA_WIDTH=512, default tables")
    for name, value, note in rows:
        print(f"  {name:<18} {value:>8}  {note}")
    print(f"  report: {out_path}")
    if not report["within_budget"]:
        if levels_path and levels > BUDGET_LEVELS:
            print(f"paths deeper than {BUDGET_LEVELS} cells ({levels_path}):")
            print(open(levels_path).read(), end="")
        print("error: over budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
