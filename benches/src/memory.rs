//! Idle memory: the server's resident set size before and after `N` idle WebSocket
//! connections to `/ws/plain/`.

use crate::fanout::connect;
use crate::servers::rss_kib;
use futures_util::StreamExt;
use std::fmt::Write;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::timeout;

/// Handshakes in progress at once.
const CONNECT_CONCURRENCY: usize = 256;
/// Time for the server to settle before each RSS reading.
const SETTLE: Duration = Duration::from_secs(2);
/// Longest wait for all connections.
const CONNECT_ALL_TIMEOUT: Duration = Duration::from_secs(120);

/// One server's figures.
#[derive(Debug, Clone)]
pub struct MemoryResult {
    /// The server.
    pub label: String,
    /// Connections held open.
    pub connections: usize,
    /// RSS before connecting, KiB.
    pub before_kib: u64,
    /// RSS with every connection open, KiB.
    pub after_kib: u64,
}

impl MemoryResult {
    /// KiB per idle connection.
    pub fn per_connection(&self) -> f64 {
        (self.after_kib as f64 - self.before_kib as f64) / self.connections.max(1) as f64
    }

    /// The round with the median KiB per connection (the lower middle one of an even count).
    /// `None` when empty.
    pub fn median_of(rounds: &[MemoryResult]) -> Option<MemoryResult> {
        let mut sorted = rounds.to_vec();
        sorted.sort_by(|a, b| a.per_connection().total_cmp(&b.per_connection()));
        sorted.get(sorted.len().saturating_sub(1) / 2).cloned()
    }
}

/// Measures the server `pid` at `addr`: RSS after [`SETTLE`], then `connections` idle
/// connections to `/ws/plain/`, RSS again after [`SETTLE`], then closes them.
pub async fn measure(
    label: &str,
    pid: u32,
    addr: SocketAddr,
    connections: usize,
) -> Result<MemoryResult, String> {
    tokio::time::sleep(SETTLE).await;
    let before_kib = rss_kib(pid)?;
    let connect_all = futures_util::stream::iter(0..connections)
        .map(|_| connect(addr, "/ws/plain/"))
        .buffer_unordered(CONNECT_CONCURRENCY)
        .collect::<Vec<_>>();
    let sockets = timeout(CONNECT_ALL_TIMEOUT, connect_all)
        .await
        .map_err(|_| format!("connecting took longer than {CONNECT_ALL_TIMEOUT:?}"))?
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    tokio::time::sleep(SETTLE).await;
    let after_kib = rss_kib(pid)?;
    // The server closes them when it is killed; closing 10,000 handshakes here would only add
    // time.
    drop(sockets);
    Ok(MemoryResult {
        label: label.to_owned(),
        connections,
        before_kib,
        after_kib,
    })
}

/// The results as a markdown table.
pub fn markdown_table(results: &[MemoryResult]) -> String {
    let mut out = String::new();
    out.push_str(
        "| server | idle connections | RSS before (KiB) | RSS after (KiB) | KiB per connection |\n",
    );
    out.push_str("|---|--:|--:|--:|--:|\n");
    for r in results {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.1} |",
            r.label,
            r.connections,
            r.before_kib,
            r.after_kib,
            r.per_connection()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_round_is_a_real_round() {
        let round = |after_kib| MemoryResult {
            label: "x".into(),
            connections: 10,
            before_kib: 100,
            after_kib,
        };
        let rounds = [round(300), round(200), round(250)];
        assert_eq!(MemoryResult::median_of(&rounds).unwrap().after_kib, 250);
        assert_eq!(
            MemoryResult::median_of(&rounds[..2]).unwrap().after_kib,
            200
        );
        assert!(MemoryResult::median_of(&[]).is_none());
    }
}
