//! What the benchmarks share: p50/p99 of single calls, printed after criterion's report
//! so each benchmark can set its numbers beside a baseline measured in the same run.

use std::time::{Duration, Instant};

/// p50 and p99 of `calls` single calls of `run`, after a warm-up of a tenth as many.
pub fn percentiles(calls: usize, mut run: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..calls / 10 + 1 {
        run();
    }
    let mut times: Vec<Duration> = (0..calls)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[calls / 2], times[(calls * 99 / 100).min(calls - 1)])
}
