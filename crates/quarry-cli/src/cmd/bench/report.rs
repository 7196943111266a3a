//! Output helpers: the machine line, progress on stderr, and markdown tables
//! on stdout that can be pasted into docs/benchmarks.md as they are.

use std::time::{Duration, Instant};

/// Prints the CPU model, core count and kernel, for the record.
pub fn machine() {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "machine: {cpu}, {cores} cores available; quarry {}",
        env!("CARGO_PKG_VERSION")
    );
}

/// Progress line on stderr.
pub fn progress(msg: &str) {
    eprintln!("… {msg}");
}

/// Runs `f` `reps` times and returns the best wall time and its last result.
pub fn best_of<T>(reps: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed());
        last = Some(out);
    }
    (best, last.unwrap_or_else(f))
}

/// A markdown table: header, then rows.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    println!();
    println!("| {} |", header.join(" | "));
    println!(
        "|{}|",
        header.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    );
    for row in rows {
        println!("| {} |", row.join(" | "));
    }
    println!();
}
