//! Results by scenario and server, the markdown table, and the verdict against the targets.

use crate::load::Scenario;
use crate::servers::ServerKind;
use crate::stats::Summary;
use std::fmt::Write;
use std::time::Duration;

/// Target: chanrest's median throughput at least this fraction of the raw baseline's.
pub const THROUGHPUT_TARGET: f64 = 0.9;
/// Target: chanrest's median p99 latency at most this multiple of the raw baseline's.
pub const P99_TARGET: f64 = 1.2;

/// Every round of one scenario, per server.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// The load shape.
    pub scenario: Scenario,
    /// Rounds against the raw warp baseline (batched flushes), in run order.
    pub raw: Vec<Summary>,
    /// Rounds against the raw echo that flushes per reply (an extra row, not a baseline).
    pub raw_flush_each: Vec<Summary>,
    /// Rounds against chanrest, in run order.
    pub chanrest: Vec<Summary>,
    /// Each server's CPU time per reply in the rounds where it could be read, by server.
    pub cpu_per_reply: Vec<(ServerKind, Duration)>,
}

impl ScenarioResult {
    /// No rounds yet.
    pub fn new(scenario: Scenario) -> Self {
        ScenarioResult {
            scenario,
            raw: Vec::new(),
            raw_flush_each: Vec::new(),
            chanrest: Vec::new(),
            cpu_per_reply: Vec::new(),
        }
    }

    /// Records one round against `kind`, with its CPU figure if it has one.
    pub fn push_round(&mut self, kind: ServerKind, round: crate::load::Round) {
        self.push(kind, round.summary);
        if let Some(cpu) = round.server_cpu_per_reply {
            self.cpu_per_reply.push((kind, cpu));
        }
    }

    /// The median CPU time per reply of `kind` over the rounds that measured it.
    pub fn median_cpu(&self, kind: ServerKind) -> Option<Duration> {
        let mut cpus: Vec<Duration> = self
            .cpu_per_reply
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, cpu)| *cpu)
            .collect();
        cpus.sort_unstable();
        cpus.get(cpus.len().checked_sub(1)? / 2).copied()
    }

    /// Records one round against `kind`.
    pub fn push(&mut self, kind: ServerKind, summary: Summary) {
        match kind {
            ServerKind::Chanrest => self.chanrest.push(summary),
            ServerKind::RawFlushEach => self.raw_flush_each.push(summary),
            ServerKind::Raw | ServerKind::RawBroadcast | ServerKind::RawHold => {
                self.raw.push(summary)
            }
        }
    }

    /// The medians over rounds, `(raw, chanrest)`; `None` until both have a round.
    pub fn medians(&self) -> Option<(Summary, Summary)> {
        Some((
            Summary::median_of(&self.raw)?,
            Summary::median_of(&self.chanrest)?,
        ))
    }
}

/// Microseconds with one decimal.
fn micros(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

/// `a / b` as a ratio, e.g. `0.93×`.
fn ratio(a: f64, b: f64) -> String {
    format!("{:.2}×", a / b)
}

/// One round's figures on one line (for progress output).
pub fn describe(summary: &Summary) -> String {
    format!(
        "{:.0} req/s, p50 {} µs, p99 {} µs, p99.9 {} µs",
        summary.requests_per_sec,
        micros(summary.p50),
        micros(summary.p99),
        micros(summary.p999)
    )
}

/// The medians as a markdown table, with a `chanrest/raw` ratio row per scenario (against the
/// batched raw echo; the flush-per-reply echo, when it ran, is a row of its own).
pub fn markdown_table(results: &[ScenarioResult]) -> String {
    let mut out = String::new();
    out.push_str(
        "| scenario | server | req/s | p50 (µs) | p99 (µs) | p99.9 (µs) | server CPU per reply (µs) |\n",
    );
    out.push_str("|---|---|--:|--:|--:|--:|--:|\n");
    let cpu_text = |cpu: Option<Duration>| {
        cpu.map_or_else(
            || "–".to_owned(),
            |d| format!("{:.2}", d.as_secs_f64() * 1e6),
        )
    };
    for result in results {
        let Some((raw, chanrest)) = result.medians() else {
            continue;
        };
        let scenario = result.scenario;
        let mut rows = vec![("raw warp (baseline)", raw, ServerKind::Raw)];
        if let Some(flush_each) = Summary::median_of(&result.raw_flush_each) {
            rows.push((
                "raw warp, flush per reply (extra)",
                flush_each,
                ServerKind::RawFlushEach,
            ));
        }
        rows.push(("chanrest", chanrest, ServerKind::Chanrest));
        for (name, s, kind) in rows {
            let _ = writeln!(
                out,
                "| {scenario} | {name} | {:.0} | {} | {} | {} | {} |",
                s.requests_per_sec,
                micros(s.p50),
                micros(s.p99),
                micros(s.p999),
                cpu_text(result.median_cpu(kind)),
            );
        }
        let secs = |d: Duration| d.as_secs_f64();
        let cpu_ratio = match (
            result.median_cpu(ServerKind::Chanrest),
            result.median_cpu(ServerKind::Raw),
        ) {
            (Some(chanrest), Some(raw)) if !raw.is_zero() => ratio(secs(chanrest), secs(raw)),
            _ => "–".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {scenario} | **chanrest/raw** | **{}** | {} | **{}** | {} | {cpu_ratio} |",
            ratio(chanrest.requests_per_sec, raw.requests_per_sec),
            ratio(secs(chanrest.p50), secs(raw.p50)),
            ratio(secs(chanrest.p99), secs(raw.p99)),
            ratio(secs(chanrest.p999), secs(raw.p999)),
        );
    }
    out
}

/// One line per scenario: whether chanrest meets the throughput and p99 targets.
pub fn verdicts(results: &[ScenarioResult]) -> String {
    let mut out = String::new();
    for result in results {
        let Some((raw, chanrest)) = result.medians() else {
            continue;
        };
        let throughput = chanrest.requests_per_sec / raw.requests_per_sec;
        let p99 = chanrest.p99.as_secs_f64() / raw.p99.as_secs_f64();
        let met = |ok: bool| if ok { "met" } else { "NOT met" };
        let _ = writeln!(
            out,
            "{}: throughput {throughput:.2}× raw (target ≥ {THROUGHPUT_TARGET:.2}×: {}), \
             p99 {p99:.2}× raw (target ≤ {P99_TARGET:.2}×: {})",
            result.scenario,
            met(throughput >= THROUGHPUT_TARGET),
            met(p99 <= P99_TARGET),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(rps: f64, p99_us: u64) -> Summary {
        Summary {
            requests_per_sec: rps,
            p50: Duration::from_micros(p99_us / 2),
            p99: Duration::from_micros(p99_us),
            p999: Duration::from_micros(p99_us * 2),
        }
    }

    #[test]
    fn table_and_verdicts_use_medians() {
        let mut result = ScenarioResult::new(Scenario {
            connections: 1,
            in_flight: 1,
        });
        for (raw, chanrest) in [(100.0, 95.0), (110.0, 80.0), (90.0, 85.0)] {
            result.push(ServerKind::Raw, summary(raw, 100));
            result.push(ServerKind::Chanrest, summary(chanrest, 110));
        }
        let table = markdown_table(std::slice::from_ref(&result));
        assert!(table.contains("| 1x1 | raw warp (baseline) | 100 | 50.0 | 100.0 | 200.0 | – |"));
        assert!(!table.contains("flush per reply"));
        assert!(table.contains("| 1x1 | **chanrest/raw** | **0.85×** |"));
        let verdict = verdicts(&[result]);
        assert!(verdict.contains("throughput 0.85× raw (target ≥ 0.90×: NOT met)"));
        assert!(verdict.contains("p99 1.10× raw (target ≤ 1.20×: met)"));
    }
}
