#!/usr/bin/env bash
# Corundum's application-template regression with our mqnic_app_block substituted.
#
#   scripts/corundum-regression.sh CORUNDUM_DIR [CONFIG...]
#
# Copies CORUNDUM_DIR (a Corundum checkout, commit 1ca0151b or compatible) to
# build/corundum-regression/, puts rtl/mqnic_app_block.v and the l4lb RTL in place of the
# template's block (added to both the Makefile's VERILOG_SOURCES and the pytest's
# verilog_sources, with rtl/ on the include path), installs the Python packages Corundum pins
# into a venv under build/, and runs fpga/app/template/tb/mqnic_core_pcie_us under Icarus.
#
# CONFIG is a pytest id of the testbench's parametrisation (if_count-ports_per_if-
# pcie_width-eth_width-eth_sync_width-ptp_ts_enable, e.g. 1-1-512-512-512-1); default: all 8.
# Each configuration runs under `timeout` (REGRESSION_TIMEOUT seconds, default 3600).
# Exit status 0 only when every selected configuration passed (results.xml without failures).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-}
if [ -z "$src" ]; then
    echo "corundum-regression: skipped: no Corundum checkout given (make corundum-regression CORUNDUM=/path/to/corundum)"
    exit 0
fi
shift
tb_rel=fpga/app/template/tb/mqnic_core_pcie_us
if [ ! -f "$src/$tb_rel/test_mqnic_core_pcie_us.py" ] || [ ! -f "$src/fpga/app/template/rtl/mqnic_app_block.v" ]; then
    echo "corundum-regression: error: $src is not a Corundum checkout (no $tb_rel/test_mqnic_core_pcie_us.py)" >&2
    exit 2
fi
for tool in iverilog vvp python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "corundum-regression: error: $tool not found (apt-get install iverilog python3-venv)" >&2; exit 2; }
done

work=$here/build/corundum-regression
venv=$here/build/corundum-venv
timeout_s=${REGRESSION_TIMEOUT:-3600}

# 1. scratch copy (without .git), our block in place of the template's
echo "== copying $src to $work/corundum"
rm -rf "$work"
mkdir -p "$work/corundum"
(cd "$src" && tar --exclude=.git -cf - .) | (cd "$work/corundum" && tar -xf -)
app_rtl=$work/corundum/fpga/app/template/rtl
tb=$work/corundum/$tb_rel
cp "$here/rtl/mqnic_app_block.v" "$app_rtl/mqnic_app_block.v"
extra=()
for f in "$here"/rtl/l4lb*.v; do
    cp "$f" "$app_rtl/"
    extra+=("$(basename "$f")")
done
# the include files (register map, tkeep count, carry-save add)
cp "$here"/rtl/l4lb*.vh "$app_rtl/"

# Makefile: our files after the app block, rtl/ on the include path
mk_lines=""
for f in "${extra[@]}"; do mk_lines+="VERILOG_SOURCES += ../../rtl/$f\n"; done
mk_lines+="COMPILE_ARGS += -I../../rtl"
sed -i "s|^VERILOG_SOURCES += ../../rtl/mqnic_app_block.v\$|&\n$mk_lines|" "$tb/Makefile"
# pytest: the same files in verilog_sources, rtl/ in includes
py_lines=""
for f in "${extra[@]}"; do py_lines+="        os.path.join(rtl_dir, \"$f\"),\n"; done
sed -i "s|^        os.path.join(rtl_dir, \"mqnic_app_block.v\"),\$|&\n${py_lines%\\n}|" "$tb/test_mqnic_core_pcie_us.py"
sed -i 's|^        verilog_sources=verilog_sources,$|&\n        includes=[rtl_dir],|' "$tb/test_mqnic_core_pcie_us.py"
n_mk=$(grep -c 'rtl/l4lb' "$tb/Makefile" || true)
n_py=$(grep -c 'rtl_dir, "l4lb' "$tb/test_mqnic_core_pcie_us.py" || true)
n_inc=$(grep -c 'includes=\[rtl_dir\]' "$tb/test_mqnic_core_pcie_us.py" || true)
if [ "$n_mk" != "${#extra[@]}" ] || [ "$n_py" != "${#extra[@]}" ] || [ "$n_inc" != 1 ]; then
    echo "corundum-regression: error: could not add our files to the testbench (Makefile: $n_mk, pytest: $n_py of ${#extra[@]}, includes: $n_inc); is this commit 1ca0151b?" >&2
    exit 2
fi
echo "== substituted rtl/mqnic_app_block.v and ${#extra[@]} l4lb files"

# 2. the pinned Python packages (Corundum's tox.ini)
pins="pytest==7.2.1 pytest-xdist==3.1.0 cocotb==1.7.2 cocotb-bus==0.2.1 cocotb-test==0.2.4 cocotbext-axi==0.1.24 cocotbext-eth==0.1.22 cocotbext-pcie==0.2.14 scapy==2.5.0"
if [ ! -f "$venv/.pins" ] || [ "$(cat "$venv/.pins")" != "$pins" ]; then
    echo "== installing $pins into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q $pins
    echo "$pins" > "$venv/.pins"
fi
export PATH=$venv/bin:$PATH

# 3. run
configs=("$@")
if [ ${#configs[@]} -eq 0 ]; then
    configs=(1-1-256-64-64-1 1-1-256-64-64-0 2-1-256-64-64-1 1-2-256-64-64-1 1-1-256-64-128-1 1-1-512-64-64-1 1-1-512-64-128-1 1-1-512-512-512-1)
fi
status=0
summary=()
cd "$tb"
for c in "${configs[@]}"; do
    echo "== configuration $c (timeout ${timeout_s}s; progress: tail -f $work/$c.log)"
    start=$(date +%s)
    rc=0
    build_dir=$tb/sim_build/test_mqnic_core_pcie_us-$c
    rm -f "$build_dir"/*results.xml
    timeout "$timeout_s" pytest -q -p no:cacheprovider -s -o log_cli=true --log-cli-level=INFO "test_mqnic_core_pcie_us.py::test_mqnic_core_pcie_us[$c]" \
        > "$work/$c.log" 2>&1 || rc=$?
    secs=$(( $(date +%s) - start ))
    # cocotb-test names it <random>_results.xml
    results=$(ls -t "$build_dir"/*results.xml 2>/dev/null | head -n 1 || true)
    verdict=PASS
    if [ $rc = 124 ]; then
        verdict="FAIL (timeout after ${timeout_s}s)"
    elif [ -z "$results" ] || [ ! -f "$results" ]; then
        verdict="FAIL (no results.xml; pytest exit $rc)"
    elif grep -q '<failure\|<error' "$results"; then
        verdict="FAIL (results.xml reports a failure)"
    elif ! grep -q '<testcase' "$results"; then
        verdict="FAIL (results.xml has no test case)"
    elif [ $rc != 0 ]; then
        verdict="FAIL (pytest exit $rc)"
    fi
    [ "$verdict" = PASS ] || status=1
    summary+=("$c: $verdict in ${secs}s (log: $work/$c.log)")
    echo "   $verdict in ${secs}s"
    tail -n 3 "$work/$c.log" | sed 's/^/   /'
done
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $status
