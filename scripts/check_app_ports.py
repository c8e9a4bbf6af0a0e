#!/usr/bin/env python3
"""Compares the ports of rtl/mqnic_app_block.v, as Verilator elaborates them, with Corundum's.

    scripts/check_app_ports.py [CORUNDUM_IFACE_DIR]

CORUNDUM_IFACE_DIR holds mqnic_app_block.params.tsv (name, default) and mqnic_app_block.ports.tsv
(direction, width, name) for Corundum's template block at commit 1ca0151b; default:
$L4LB_CORUNDUM_IFACE, else ../shared/corundum beside the repository. When none is given and
that folder is missing, the check is skipped with a message, except in CI (CI set), where it fails. The widths in the table are
evaluated at the template's default parameters (in declaration order) and compared with the
widths Verilator elaborates for our module at its defaults: same names, same order, same
directions, same widths. Also checks that our parameter list has the same names in the same order.
Exit 0 when everything matches; otherwise prints each difference and exits 1.
"""
import math
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def iface_dir():
    if len(sys.argv) > 1:
        return sys.argv[1]
    env = os.environ.get("L4LB_CORUNDUM_IFACE")
    if env:
        return env
    return os.path.join(REPO, "..", "shared", "corundum")


def to_python(expr: str) -> str:
    """A Verilog constant expression of the kind the table uses, as Python."""
    e = expr.strip()
    e = re.sub(r"(\d+)'h([0-9a-fA-F_]+)", lambda m: str(int(m.group(2).replace("_", ""), 16)), e)
    e = e.replace("$clog2", "clog2").replace("/", "//")
    # one top-level conditional: a ? b : c (possibly inside parentheses)
    m = re.fullmatch(r"\((.*)\)(.*)", e)
    if m and "?" in m.group(1) and m.group(1).count("(") == m.group(1).count(")"):
        return "(" + to_python(m.group(1)) + ")" + m.group(2)
    if "?" in e:
        cond, rest = e.split("?", 1)
        a, b = rest.split(":", 1)
        return f"(({to_python(a)}) if ({to_python(cond)}) else ({to_python(b)}))"
    return e


def clog2(x):
    return 0 if x <= 1 else math.ceil(math.log2(x))


def evaluate(expr, env):
    return eval(to_python(expr), {"clog2": clog2, "__builtins__": {}}, env)


def main():
    d = iface_dir()
    params_tsv = os.path.join(d, "mqnic_app_block.params.tsv")
    ports_tsv = os.path.join(d, "mqnic_app_block.ports.tsv")
    for f in (params_tsv, ports_tsv):
        if not os.path.isfile(f):
            if os.environ.get("CI") is None and len(sys.argv) < 2 and not os.environ.get("L4LB_CORUNDUM_IFACE"):
                print(f"check_app_ports: SKIPPED: {f} not found; set L4LB_CORUNDUM_IFACE to the folder "
                      "with Corundum's mqnic_app_block.*.tsv (CI must have it)")
                return 0
            print(f"error: {f} not found (set L4LB_CORUNDUM_IFACE or pass the folder)", file=sys.stderr)
            return 2
    params = [l.rstrip("\n").split("\t") for l in open(params_tsv) if l.strip()]
    ports = [l.rstrip("\n").split("\t") for l in open(ports_tsv) if l.strip()]
    env = {}
    for name, default in params:
        env[name] = evaluate(default, env)
    want = []
    for direction, width, name in ports:
        if width:
            hi, lo = width.strip("[]").split(":")
            w = evaluate(hi, env) - evaluate(lo, env) + 1
        else:
            w = 1
        want.append((name, direction, w))

    rtl = os.path.join(REPO, "rtl")
    with tempfile.TemporaryDirectory() as tmp:
        xml = os.path.join(tmp, "app.xml")
        files = sorted(os.path.join(rtl, f) for f in os.listdir(rtl) if f.endswith(".v"))
        r = subprocess.run(["verilator", "--xml-only", "--xml-output", xml, "-I" + rtl,
                            "--top-module", "mqnic_app_block"] + files,
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
            print("error: verilator could not elaborate mqnic_app_block", file=sys.stderr)
            return 1
        root = ET.parse(xml).getroot()
    dtypes = {}
    for dt in root.iter():
        if "id" in dt.attrib and dt.tag.endswith("dtype"):
            left, right = dt.attrib.get("left"), dt.attrib.get("right")
            dtypes[dt.attrib["id"]] = 1 if left is None else abs(int(left) - int(right)) + 1
    top = next(m for m in root.iter("module") if m.attrib.get("name") == "mqnic_app_block")
    got = []
    for v in top.findall("var"):
        if "dir" in v.attrib:
            got.append((int(v.attrib["pinIndex"]), v.attrib["name"], v.attrib["dir"], dtypes[v.attrib["dtype_id"]]))
    got = [g[1:] for g in sorted(got)]
    got_params = [v.attrib["name"] for v in top.findall("var") if v.attrib.get("param") == "true"]

    errors = []
    if len(got) != len(want):
        errors.append(f"{len(got)} ports, Corundum's template has {len(want)}")
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            errors.append(f"port {i+1}: ours {g[1]} [{g[2]}] {g[0]}, Corundum's {w[1]} [{w[2]}] {w[0]}")
    want_params = [p[0] for p in params]
    if got_params and got_params[:len(want_params)] != want_params:
        missing = [p for p in want_params if p not in got_params]
        errors.append(f"parameters differ (missing: {missing or 'none'}; order or extra names otherwise)")
    for e in errors:
        print("mismatch: " + e)
    if errors:
        return 1
    print(f"mqnic_app_block: {len(got)} ports (names, order, directions, widths at default parameters) "
          f"and {len(want_params)} parameters match {d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
