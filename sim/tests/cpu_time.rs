//! The CPU-time clock the speed figures divide by (`frames_per_cpu_second` of the replay tool,
//! the throughput example, the perf sweep).

use std::time::{Duration, Instant};

use l4lb_rtlsim::thread_cpu_seconds;

/// About a millisecond of busy work, well under the scheduler's tick, must show in the thread's
/// CPU time, and no more than the wall time it took: /proc/thread-self/schedstat, read before,
/// moved by a few percent of it or by a whole 4 ms tick.
#[test]
fn thread_cpu_time_counts_the_running_slice() {
    let mut short = 0;
    for _ in 0..20 {
        let c0 = thread_cpu_seconds().expect("thread CPU clock");
        let t0 = Instant::now();
        let mut x = 0u64;
        while t0.elapsed() < Duration::from_millis(1) {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
        let wall = t0.elapsed().as_secs_f64();
        let cpu = thread_cpu_seconds().expect("thread CPU clock") - c0;
        assert!(cpu >= 0.0 && cpu <= wall + 1e-4, "CPU {cpu} s over {wall} s of wall time");
        // Preemption can take a loop's CPU time away, but not in most of 20 loops.
        if cpu < 0.5 * wall {
            short += 1;
        }
    }
    assert!(short <= 5, "{short} of 20 one-millisecond busy loops counted under half their time");
}
