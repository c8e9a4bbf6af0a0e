//! Builds the l4lb RTL with Verilator, once per data width, and links it with a small C++ shim.
//!
//! For each width W: `verilator --cc` writes C++ into `$OUT_DIR/wW`, and the generated sources
//! plus `csrc/l4lb_shim.cpp` become `libl4lb_wW.a`. The Verilator runtime is compiled once into
//! `libverilated_rt.a` and reused until the Verilator version or the flags change. A width whose
//! generated C++ did not change (e.g. a comment edit) is not recompiled.
//!
//! Environment:
//! - `L4LB_RTL_DIR`: where the RTL lives (default `../rtl`); every `*.v` in it is compiled, with
//!   the folder on the include path. Top module `l4lb`.
//! - `L4LB_WIDTHS`: comma-separated subset of `64,128,256,512` (default all); `none` builds no
//!   model (then `Harness::new` returns `SimError::NotBuilt`).
//! - `L4LB_VCD=0`: build without VCD support (then `Harness::trace_to` fails).
//! - `L4LB_NATIVE=0`: compile the model for any x86-64 (or other) CPU instead of this machine's
//!   (`-march=native`, about 15 % faster; the simulator runs where it is built).
//! - `CXX`: the C++ compiler. Unset, `clang++` is used when it is on `PATH` (the model it builds
//!   runs about 30 % faster than g++'s: docs/performance.md), else the system's `c++`.
//! - `VERILATOR`: the verilator binary (default `verilator` on `PATH`).
//! - `L4LB_VERILATOR_FLAGS`: more Verilator options, split at white space (e.g. `-fno-reorder`), for
//!   experiments with the simulator's speed.
//! - `L4LB_CXXFLAGS`: more C++ compiler options for the model, split at white space (e.g.
//!   `-fprofile-instr-use=FILE`), for experiments with the simulator's speed.
//! - `NUM_JOBS` (set by cargo from `-j`): parallel C++ compiler processes.
//! - `L4LB_BUILD_VERBOSE`: set to print the build times as a cargo warning.

use std::collections::hash_map::DefaultHasher;
use std::env;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

const ALL_WIDTHS: [u32; 4] = [64, 128, 256, 512];
const RUNTIME_SOURCES: [&str; 3] = ["verilated.cpp", "verilated_vcd_c.cpp", "verilated_threads.cpp"];
const SHIM: &str = "csrc/l4lb_shim.cpp";
/// The root class's copy of `clk` from the last eval, by which Verilator 5.006 finds a rising
/// edge (`csrc/l4lb_shim.cpp`, `burst`). Another Verilator names it otherwise: then the shim
/// evaluates both edges of every cycle.
const CLK_PREV: &str = "__Vtrigrprev__TOP__clk";
/// Changes whenever the way the libraries are put together changes (invalidates the stamps).
const LAYOUT: &str = "unity-1";

/// One C++ translation unit to compile.
struct Job {
    src: PathBuf,
    obj: PathBuf,
    /// Constructors, settle and trace set-up run once: compile them quickly, not well.
    slow: bool,
    defines: Vec<(String, String)>,
    includes: Vec<PathBuf>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let started = Instant::now();
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());

    println!("cargo::rerun-if-env-changed=L4LB_RTL_DIR");
    println!("cargo::rerun-if-env-changed=L4LB_WIDTHS");
    println!("cargo::rerun-if-env-changed=VERILATOR");
    println!("cargo::rerun-if-env-changed=L4LB_VERILATOR_FLAGS");
    println!("cargo::rerun-if-env-changed=L4LB_VCD");
    println!("cargo::rerun-if-env-changed=L4LB_NATIVE");
    println!("cargo::rerun-if-env-changed=CXX");
    println!("cargo::rerun-if-env-changed=L4LB_CXXFLAGS");
    println!("cargo::rerun-if-changed={}", manifest_dir.join(SHIM).display());
    println!("cargo::rustc-check-cfg=cfg(l4lb_w64, l4lb_w128, l4lb_w256, l4lb_w512)");

    let widths = parse_widths(env::var("L4LB_WIDTHS").ok().as_deref())?;
    let rtl_dir = match env::var_os("L4LB_RTL_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir.join("../rtl"),
    };
    println!("cargo::rerun-if-changed={}", rtl_dir.display());
    let rtl_dir =
        rtl_dir.canonicalize().map_err(|e| format!("RTL folder {} ({e}); set L4LB_RTL_DIR", rtl_dir.display()))?;
    let mut rtl_files: Vec<PathBuf> = fs::read_dir(&rtl_dir)
        .map_err(|e| format!("reading {}: {e}", rtl_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("v" | "vh" | "sv" | "svh")))
        .collect();
    rtl_files.sort();
    for f in &rtl_files {
        println!("cargo::rerun-if-changed={}", f.display());
    }
    let width_list: Vec<String> = widths.iter().map(u32::to_string).collect();
    println!("cargo::rustc-env=L4LB_BUILT_WIDTHS={}", width_list.join(","));
    println!("cargo::rustc-env=L4LB_BUILT_RTL_DIR={}", rtl_dir.display());
    if widths.is_empty() {
        println!("cargo::warning=L4LB_WIDTHS=none: no RTL model built");
        return Ok(());
    }
    let sources: Vec<&PathBuf> =
        rtl_files.iter().filter(|p| p.extension().is_some_and(|x| x == "v" || x == "sv")).collect();
    if !sources.iter().any(|p| p.file_name().is_some_and(|n| n == "l4lb.v")) {
        return Err(format!(
            "no l4lb.v in {}: the top module `l4lb` is missing (set L4LB_RTL_DIR to use another RTL folder)",
            rtl_dir.display()
        ));
    }

    let verilator = env::var("VERILATOR").unwrap_or_else(|_| "verilator".into());
    let version = match Command::new(&verilator).arg("--version").output() {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        Ok(o) => return Err(format!("`{verilator} --version` failed: {}", String::from_utf8_lossy(&o.stderr))),
        Err(_) => {
            return Err(
                "verilator not found: install it with `apt-get install -y verilator` (or run `make demo`)".into()
            )
        }
    };
    let root = Command::new(&verilator)
        .args(["--getenv", "VERILATOR_ROOT"])
        .output()
        .map_err(|e| format!("{verilator} --getenv VERILATOR_ROOT: {e}"))?;
    let include = PathBuf::from(String::from_utf8_lossy(&root.stdout).trim()).join("include");
    if !include.join("verilated.cpp").exists() {
        return Err(format!("Verilator runtime sources not found in {}", include.display()));
    }
    let includes = vec![include.clone(), include.join("vltstd")];

    // Verilate every width (fast: well under a second each).
    let t = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = widths
            .iter()
            .map(|&w| {
                let (verilator, rtl_dir, sources, out_dir) = (&verilator, &rtl_dir, &sources, &out_dir);
                s.spawn(move || verilate(verilator, w, rtl_dir, sources, &out_dir.join(format!("w{w}"))))
            })
            .collect();
        handles.into_iter().try_for_each(|h| h.join().unwrap())
    })?;
    let verilate_secs = t.elapsed().as_secs_f64();

    // Work out what needs compiling.
    let threads: usize = env::var("NUM_JOBS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let base = base_build();
    let compiler = base.get_compiler();
    let flags_id = format!("{} {:?} {:?}", compiler_version(compiler.path()), compiler.path(), compiler.args());
    if !compiler.is_like_clang() {
        println!(
            "cargo::warning=building the RTL model with {} (no clang++ on PATH): it runs about 30 % slower than with clang (apt-get install clang)",
            compiler.path().display()
        );
    }
    let mut jobs = Vec::new();
    let mut archives: Vec<(PathBuf, Vec<PathBuf>, PathBuf, String)> = Vec::new();

    let rt_dir = out_dir.join("runtime");
    let rt_lib = rt_dir.join("libverilated_rt.a");
    let rt_stamp = format!("{version}\n{flags_id}\n{:?}\n{}", model_defines(), include.display());
    if !up_to_date(&rt_lib, &rt_stamp) {
        fs::create_dir_all(&rt_dir).map_err(|e| e.to_string())?;
        let objs: Vec<PathBuf> = RUNTIME_SOURCES
            .iter()
            .map(|f| {
                let obj = rt_dir.join(f.replace(".cpp", ".o"));
                jobs.push(Job {
                    src: include.join(f),
                    obj: obj.clone(),
                    slow: false,
                    defines: model_defines(),
                    includes: includes.clone(),
                });
                obj
            })
            .collect();
        archives.push((rt_lib.clone(), objs, rt_dir.join("stamp"), rt_stamp));
    }

    let shim_src = manifest_dir.join(SHIM);
    let shim_text = fs::read(&shim_src).map_err(|e| format!("{}: {e}", shim_src.display()))?;
    for &w in &widths {
        let mdir = out_dir.join(format!("w{w}"));
        let lib = mdir.join(format!("libl4lb_w{w}.a"));
        let mut gen: Vec<PathBuf> = fs::read_dir(&mdir)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "cpp" || x == "h"))
            .collect();
        gen.sort();
        let mut h = DefaultHasher::new();
        (LAYOUT, &version, &flags_id, model_defines(), &shim_text).hash(&mut h);
        for f in &gen {
            f.file_name().hash(&mut h);
            fs::read(f).map_err(|e| e.to_string())?.hash(&mut h);
        }
        let stamp = format!("{:016x}", h.finish());
        if up_to_date(&lib, &stamp) {
            continue;
        }
        let class = format!("Vl4lb_w{w}");
        let mut defines = model_defines();
        defines.push(("L4LB_W".into(), w.to_string()));
        defines.push(("L4LB_CLASS".into(), class.clone()));
        defines.push(("L4LB_HEADER".into(), format!("\"{class}.h\"")));
        // The model's record of the clock at its last eval (Verilator 5.0xx's name), when the
        // generated root class has it: the shim's bursts then skip the falling edge's eval.
        let root_h = format!("{class}___024root.h");
        let root_text = fs::read_to_string(mdir.join(&root_h)).unwrap_or_default();
        if root_text.contains(CLK_PREV) {
            defines.push(("L4LB_ROOT_HEADER".into(), format!("\"{root_h}\"")));
            defines.push(("L4LB_CLK_PREV".into(), CLK_PREV.into()));
        }
        let mut incs = includes.clone();
        incs.push(mdir.clone());
        let obj_dir = mdir.join("obj");
        fs::create_dir_all(&obj_dir).map_err(|e| e.to_string())?;
        // Unity builds, as Verilator's own makefile does: parsing verilated.h costs more than most
        // generated files, so they are compiled a few at a time, hot code at -O3, run-once code
        // (constructors, settle, trace set-up) at -O1. Hot code is split into as many units as it
        // takes to keep the compiler processes busy when few widths are built.
        let mut fast: Vec<(u64, PathBuf)> = Vec::new();
        let mut slow: Vec<PathBuf> = Vec::new();
        for src in gen.iter().filter(|p| p.extension().is_some_and(|x| x == "cpp")) {
            let name = src.file_stem().unwrap().to_string_lossy().to_string();
            if name.contains("__Slow") || name.ends_with("__Syms") {
                slow.push(src.clone());
            } else {
                fast.push((fs::metadata(src).map_or(0, |m| m.len()), src.clone()));
            }
        }
        fast.push((fs::metadata(&shim_src).map_or(0, |m| m.len()), shim_src.clone()));
        let n_fast = threads.div_ceil(widths.len()).clamp(1, fast.len());
        let mut buckets: Vec<(u64, Vec<PathBuf>)> = vec![(0, Vec::new()); n_fast];
        fast.sort_by_key(|(len, _)| std::cmp::Reverse(*len));
        for (len, src) in fast {
            let b = buckets.iter_mut().min_by_key(|(total, _)| *total).unwrap();
            b.0 += len;
            b.1.push(src);
        }
        let mut units: Vec<(String, Vec<PathBuf>, bool)> =
            buckets.into_iter().enumerate().map(|(i, (_, files))| (format!("unity_fast{i}"), files, false)).collect();
        if !slow.is_empty() {
            units.push(("unity_slow".into(), slow, true));
        }
        let mut objs = Vec::new();
        for (name, files, slow) in units {
            let src = obj_dir.join(format!("{name}.cpp"));
            let text: String = files.iter().map(|f| format!("#include \"{}\"\n", f.display())).collect();
            fs::write(&src, text).map_err(|e| e.to_string())?;
            let obj = obj_dir.join(format!("{name}.o"));
            jobs.push(Job { src, obj: obj.clone(), slow, defines: defines.clone(), includes: incs.clone() });
            objs.push(obj);
        }
        archives.push((lib, objs, mdir.join("stamp"), stamp));
    }

    // Compile: hot code (the bigger units) first, so that the pool ends together.
    let t = Instant::now();
    let n_jobs = jobs.len();
    jobs.sort_by_key(|j| j.slow);
    let next = AtomicUsize::new(0);
    let errors = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads.min(n_jobs) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                if let Err(e) = compile(&base, job) {
                    errors.lock().unwrap().push(e);
                }
            });
        }
    });
    let errors = errors.into_inner().unwrap();
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let compile_secs = t.elapsed().as_secs_f64();

    for (lib, objs, stamp_path, stamp) in &archives {
        let _ = fs::remove_file(lib);
        let mut ar = base.get_archiver();
        ar.arg("crs").arg(lib).args(objs);
        let st = ar.status().map_err(|e| format!("archiver: {e}"))?;
        if !st.success() {
            return Err(format!("archiving {} failed", lib.display()));
        }
        fs::write(stamp_path, stamp).map_err(|e| e.to_string())?;
    }

    // Link: models first, then the runtime they call, then the C++ library.
    for &w in &widths {
        println!("cargo::rustc-link-search=native={}", out_dir.join(format!("w{w}")).display());
        println!("cargo::rustc-link-lib=static=l4lb_w{w}");
        println!("cargo::rustc-cfg=l4lb_w{w}");
    }
    println!("cargo::rustc-link-search=native={}", rt_dir.display());
    println!("cargo::rustc-link-lib=static=verilated_rt");
    println!("cargo::rustc-link-lib=dylib=stdc++");
    // clang leaves some std::atomic queries of the runtime to libatomic
    println!("cargo::rustc-link-lib=dylib=atomic");
    if env::var_os("L4LB_BUILD_VERBOSE").is_some() {
        println!(
            "cargo::warning=l4lb RTL widths {:?}: verilator {verilate_secs:.2} s, {n_jobs} C++ files {compile_secs:.2} s on {threads} jobs, total {:.2} s",
            widths,
            started.elapsed().as_secs_f64()
        );
    }
    println!("cargo::rerun-if-env-changed=L4LB_BUILD_VERBOSE");
    Ok(())
}

fn parse_widths(v: Option<&str>) -> Result<Vec<u32>, String> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(ALL_WIDTHS.to_vec());
    };
    if v == "none" {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let w: u32 = part.parse().map_err(|_| format!("L4LB_WIDTHS: `{part}` is not a number"))?;
        if !ALL_WIDTHS.contains(&w) {
            return Err(format!("L4LB_WIDTHS: {w} is not one of {ALL_WIDTHS:?}"));
        }
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out.sort();
    Ok(out)
}

fn verilate(verilator: &str, w: u32, rtl_dir: &Path, sources: &[&PathBuf], mdir: &Path) -> Result<(), String> {
    fs::create_dir_all(mdir).map_err(|e| e.to_string())?;
    // Stale files from an earlier RTL (e.g. a module that was removed) must not be compiled.
    for e in fs::read_dir(mdir).map_err(|e| e.to_string())?.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "cpp" || x == "h") {
            let _ = fs::remove_file(p);
        }
    }
    let mut cmd = Command::new(verilator);
    // --gate-stmts 1000 (default 100): Verilator inlines bigger single-use logic into the process
    // that reads it, so that a CRC's 37 table loads run in its register's load branch, only in
    // the cycles it loads (rtl/l4lb_crc32c.v); about 90 instructions per cycle fewer.
    // -fno-split keeps each always block whole: split, the statements under one stage enable land
    // in several places of the generated code, each testing the enable again, and with frames of
    // random sizes each test is a branch the CPU mispredicts about half the time. Whole, the
    // replay runs 4 % more instructions but 8 fewer mispredicted branches a cycle, and 6-11 %
    // faster in two sets of alternated runs (docs/performance.md, *Whole always blocks*).
    cmd.args(["--cc", "-O3", "--x-assign", "fast", "--x-initial", "fast", "-Wno-fatal"])
        .args(["--gate-stmts", "1000", "-fno-split"])
        .args(trace_enabled().then_some("--trace"))
        .args(["--top-module", "l4lb"])
        .args(env::var("L4LB_VERILATOR_FLAGS").unwrap_or_default().split_whitespace())
        .arg(format!("-GDATA_WIDTH={w}"))
        .arg("--prefix")
        .arg(format!("Vl4lb_w{w}"))
        .arg("-Mdir")
        .arg(mdir)
        .arg(format!("-I{}", rtl_dir.display()))
        .args(sources);
    let out = cmd.output().map_err(|e| format!("running {verilator}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "verilator failed on the RTL in {} at DATA_WIDTH={w}:\n{}{}",
            rtl_dir.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// The C++ compiler set-up shared by every file: -O3 whatever the cargo profile (the simulator's
/// speed depends on it), no debug info (it only slows the build of generated code), and code for
/// this machine's CPU unless `L4LB_NATIVE=0`.
fn base_build() -> cc::Build {
    let mut b = cc::Build::new();
    if env::var_os("CXX").is_none() && on_path("clang++") {
        b.compiler("clang++");
    }
    b.cpp(true)
        .opt_level(3)
        .debug(false)
        .warnings(false)
        .extra_warnings(false)
        .cargo_metadata(false)
        .flag("-std=gnu++17")
        .flag_if_supported("-faligned-new")
        .flag_if_supported("-fcf-protection=none")
        .flag_if_supported("-Wno-bool-operation")
        .flag_if_supported("-Wno-sign-compare")
        .flag_if_supported("-Wno-uninitialized")
        .flag_if_supported("-Wno-unused-but-set-variable")
        .flag_if_supported("-Wno-unused-parameter")
        .flag_if_supported("-Wno-unused-variable")
        .flag_if_supported("-Wno-shadow");
    if env::var("L4LB_NATIVE").map_or(true, |v| v != "0") {
        b.flag_if_supported("-march=native");
    }
    for f in env::var("L4LB_CXXFLAGS").unwrap_or_default().split_whitespace() {
        b.flag(f);
    }
    b
}

fn on_path(exe: &str) -> bool {
    env::var_os("PATH").is_some_and(|p| env::split_paths(&p).any(|d| d.join(exe).is_file()))
}

/// The compiler's `--version` line, so that a compiler upgrade rebuilds the model.
fn compiler_version(path: &Path) -> String {
    Command::new(path)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string())
        .unwrap_or_default()
}

fn model_defines() -> Vec<(String, String)> {
    let t = if trace_enabled() { "1" } else { "0" };
    [("VM_COVERAGE", "0"), ("VM_SC", "0"), ("VM_TRACE", t), ("VM_TRACE_FST", "0"), ("VM_TRACE_VCD", t)]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// VCD support is compiled in unless `L4LB_VCD=0`.
fn trace_enabled() -> bool {
    env::var("L4LB_VCD").map_or(true, |v| v != "0")
}

fn compile(base: &cc::Build, job: &Job) -> Result<(), String> {
    let mut cmd = base.get_compiler().to_command();
    if job.slow {
        cmd.arg("-O1");
    }
    for (k, v) in &job.defines {
        cmd.arg(format!("-D{k}={v}"));
    }
    for i in &job.includes {
        cmd.arg("-I").arg(i);
    }
    cmd.arg("-c").arg(&job.src).arg("-o").arg(&job.obj);
    let out = cmd.output().map_err(|e| format!("running the C++ compiler: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "compiling {} failed:\n{:?}\n{}",
            job.src.display(),
            cmd,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// True when `lib` exists and was built with exactly `stamp`.
fn up_to_date(lib: &Path, stamp: &str) -> bool {
    let stamp_path = lib.with_file_name("stamp");
    lib.exists() && fs::read_to_string(stamp_path).is_ok_and(|s| s == stamp)
}
