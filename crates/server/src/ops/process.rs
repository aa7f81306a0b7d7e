//! The standard Prometheus process series (start time, CPU, memory, open files), read from
//! `/proc/self` on Linux. Elsewhere only the start time is known.

use std::fmt::Write;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

static STARTED: OnceLock<f64> = OnceLock::new();

/// Records the process start; called once when the server starts.
pub fn mark_start() {
    STARTED.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    });
}

/// Linux's clock ticks per second for /proc CPU times (USER_HZ, 100 on every mainstream arch).
const TICKS_PER_SECOND: f64 = 100.0;

pub fn render(out: &mut String) {
    mark_start();
    let started = STARTED.get().copied().unwrap_or(0.0);
    let mut series = vec![(
        "process_start_time_seconds",
        "gauge",
        "Start time of the process since the Unix epoch in seconds.",
        started,
    )];
    if let Some(stat) = read_stat() {
        series.push((
            "process_cpu_seconds_total",
            "counter",
            "Total user and system CPU time spent in seconds.",
            stat.cpu_ticks as f64 / TICKS_PER_SECOND,
        ));
        series.push((
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory size in bytes.",
            // Pages of 4 KiB: x86-64 and most arm64 kernels (no libc call to ask; unsafe is forbidden).
            (stat.rss_pages * 4096) as f64,
        ));
        series.push((
            "process_virtual_memory_bytes",
            "gauge",
            "Virtual memory size in bytes.",
            stat.vsize as f64,
        ));
    }
    if let Ok(fds) = std::fs::read_dir("/proc/self/fd") {
        series.push((
            "process_open_fds",
            "gauge",
            "Number of open file descriptors.",
            fds.count() as f64,
        ));
    }
    for (name, kind, help, value) in series {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        let _ = writeln!(out, "{name} {value}");
    }
}

struct Stat {
    cpu_ticks: u64,
    vsize: u64,
    rss_pages: u64,
}

/// `/proc/self/stat`: fields after the `(comm)` part; utime, stime are 14 and 15, vsize 23, rss 24.
fn read_stat() -> Option<Stat> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    parse_stat(&text)
}

fn parse_stat(text: &str) -> Option<Stat> {
    let after_comm = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    // `after_comm` starts at field 3 (state), so field N is at index N - 3.
    let field = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
    Some(Stat {
        cpu_ticks: field(14)? + field(15)?,
        vsize: field(23)?,
        rss_pages: field(24)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_read_after_the_command_name() {
        let line = "42 (vouch (x) y) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1000 123456789 2048 rest";
        let stat = parse_stat(line).unwrap();
        assert_eq!(stat.cpu_ticks, 300);
        assert_eq!(stat.vsize, 123_456_789);
        assert_eq!(stat.rss_pages, 2048);
    }

    #[test]
    fn the_start_time_is_always_present() {
        let mut out = String::new();
        render(&mut out);
        assert!(
            out.contains("# TYPE process_start_time_seconds gauge"),
            "{out}"
        );
    }
}
