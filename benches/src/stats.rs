//! Latency percentiles, throughput and medians over rounds.

use std::time::Duration;

/// What one round measured against one server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Replies received in the measured window, per second.
    pub requests_per_sec: f64,
    /// Median latency, send to reply.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// 99.9th percentile latency.
    pub p999: Duration,
}

impl Summary {
    /// Summarizes latencies (in nanoseconds, any order) of the replies received in a window
    /// of length `window`. `None` when there is no latency at all.
    pub fn from_latencies(mut latencies_ns: Vec<u64>, window: Duration) -> Option<Summary> {
        if latencies_ns.is_empty() || window.is_zero() {
            return None;
        }
        latencies_ns.sort_unstable();
        Some(Summary {
            requests_per_sec: latencies_ns.len() as f64 / window.as_secs_f64(),
            p50: percentile(&latencies_ns, 50.0),
            p99: percentile(&latencies_ns, 99.0),
            p999: percentile(&latencies_ns, 99.9),
        })
    }

    /// The median of each figure over rounds (each figure on its own). `None` when empty.
    pub fn median_of(rounds: &[Summary]) -> Option<Summary> {
        if rounds.is_empty() {
            return None;
        }
        let median_duration = |f: fn(&Summary) -> Duration| {
            let values: Vec<f64> = rounds.iter().map(|s| f(s).as_secs_f64()).collect();
            Duration::from_secs_f64(median(values))
        };
        Some(Summary {
            requests_per_sec: median(rounds.iter().map(|s| s.requests_per_sec).collect()),
            p50: median_duration(|s| s.p50),
            p99: median_duration(|s| s.p99),
            p999: median_duration(|s| s.p999),
        })
    }
}

/// The nearest-rank percentile `p` (0–100) of sorted nanosecond values; `sorted` is not empty.
pub fn percentile(sorted: &[u64], p: f64) -> Duration {
    // The small tolerance keeps e.g. 99.9 % of 1000 at rank 999 despite 99.9 not being exact.
    let rank = ((p / 100.0) * sorted.len() as f64 - 1e-9).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    Duration::from_nanos(sorted[index])
}

/// The median of `values` (the mean of the middle two for an even count); `values` is not empty.
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// Waits for every task of a round (each returning the latencies, in nanoseconds, of what it
/// measured) until `deadline`, and gathers their latencies. A task's error, a panic, or the
/// deadline passing fails the round; `what` names the tasks in that message.
pub async fn gather_latencies(
    mut tasks: tokio::task::JoinSet<Result<Vec<u64>, String>>,
    deadline: tokio::time::Instant,
    what: &str,
) -> Result<Vec<u64>, String> {
    let mut latencies = Vec::new();
    loop {
        let next = tokio::time::timeout_at(deadline, tasks.join_next())
            .await
            .map_err(|_| format!("the {what} did not finish in time"))?;
        match next {
            None => return Ok(latencies),
            Some(Ok(result)) => latencies.extend(result?),
            Some(Err(err)) => return Err(format!("a task of the {what} failed: {err}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let sorted: Vec<u64> = (1..=1000).collect();
        assert_eq!(percentile(&sorted, 50.0), Duration::from_nanos(500));
        assert_eq!(percentile(&sorted, 99.0), Duration::from_nanos(990));
        assert_eq!(percentile(&sorted, 99.9), Duration::from_nanos(999));
        assert_eq!(percentile(&[7], 99.9), Duration::from_nanos(7));
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn summary_counts_per_second() {
        let summary = Summary::from_latencies(vec![10; 300], Duration::from_secs(3)).unwrap();
        assert_eq!(summary.requests_per_sec, 100.0);
        assert_eq!(summary.p999, Duration::from_nanos(10));
        assert!(Summary::from_latencies(Vec::new(), Duration::from_secs(1)).is_none());
    }
}
