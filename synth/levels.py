#!/usr/bin/env python3
"""Logic levels of every path end point in a Yosys JSON netlist (after synth_xilinx -flatten).

Usage: levels.py NETLIST_JSON [TOP] [--over N]

The same count as `ltp -noff` in synth/l4lb.ys (flip-flops, I/O buffers, block RAMs and SRL
shift registers deselected): every other cell is one level, paths start at the outputs of those
cells and end at their inputs. `ltp` prints only the longest path; this lists every end point deeper than N
(default 8), grouped by the register or RAM it ends at, so that all offenders show at once.
"""
import json
import re
import sys
from collections import defaultdict

SEQ = re.compile(r"FD[RSCP]E(_1)?|IBUF|OBUF|BUFG|RAMB(36|18)E2|SRL16E|SRLC32E")


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    over = 8
    if "--over" in sys.argv:
        over = int(sys.argv[sys.argv.index("--over") + 1])
        args = [a for a in args if a != str(over)]
    net = json.load(open(args[0]))
    top = args[1] if len(args) > 1 else "l4lb"
    mod = net["modules"][top]
    cells = mod["cells"]
    driver = {}  # bit -> cell name (combinational cells only)
    for name, c in cells.items():
        if SEQ.fullmatch(c["type"]):
            continue
        for port, bits in c["connections"].items():
            if c["port_directions"].get(port) == "output":
                for b in bits:
                    if isinstance(b, int):
                        driver[b] = name
    # a readable name for a cell: the register or RAM net it drives (hierarchy.signal)
    netname = {}
    for n, info in mod["netnames"].items():
        if n.startswith("$"):
            continue
        for b in info["bits"]:
            if isinstance(b, int) and (b not in netname or len(n) < len(netname[b])):
                netname[b] = n

    def label(name):
        c = cells[name]
        for p, bits in c["connections"].items():
            if c["port_directions"].get(p) == "output":
                for b in bits:
                    if isinstance(b, int) and b in netname:
                        return netname[b]
        return name

    depth = {}
    pred = {}

    def cell_depth(start):
        # iterative DFS: depth(cell) = 1 + max depth of the cells driving its inputs
        stack = [(start, False)]
        while stack:
            name, done = stack.pop()
            if name in depth:
                continue
            c = cells[name]
            ins = [driver[b] for p, bits in c["connections"].items()
                   if c["port_directions"].get(p) == "input" for b in bits
                   if isinstance(b, int) and b in driver]
            if done:
                best, via = 0, None
                for i in ins:
                    if depth.get(i, 0) > best:
                        best, via = depth[i], i
                depth[name] = best + 1
                pred[name] = via
                continue
            stack.append((name, True))
            for i in ins:
                if i not in depth:
                    stack.append((i, False))
        return depth[start]

    ends = defaultdict(lambda: (0, None))
    for name, c in cells.items():
        if not SEQ.fullmatch(c["type"]):
            continue
        for p, bits in c["connections"].items():
            if c["port_directions"].get(p) != "input":
                continue
            for b in bits:
                if isinstance(b, int) and b in driver:
                    d = cell_depth(driver[b])
                    if d > ends[name][0]:
                        ends[name] = (d, driver[b])
    worst = sorted(ends.items(), key=lambda kv: -kv[1][0])
    print(f"deepest end point: {worst[0][1][0] if worst else 0} levels")
    groups = defaultdict(list)
    for name, (d, last) in worst:
        if d > over:
            key = label(name) if "$" in name else name
            key = re.sub(r"\.mem\.\d+\.\d+$", "", key)
            groups[key].append((d, name, last))
    for key, items in sorted(groups.items(), key=lambda kv: -max(i[0] for i in kv[1])):
        d, name, last = max(items)
        path = []
        n = last
        while n is not None:
            path.append(f"{cells[n]['type']}")
            start = n
            n = pred.get(n)
        print(f"{d:3d} levels into {key} ({len(items)} {cells[name]['type']} cells), from near {label(start)}")
        print(f"      path (end first): {' <- '.join(path[:24])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
