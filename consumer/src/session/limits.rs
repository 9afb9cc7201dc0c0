//! Resource bounds ([`Limits`]) and live counts ([`Metrics`]) of a server: what every
//! connection and session is held to, and what they add up to.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Resource bounds of a server. Every field has a documented default; see also
/// [`crate::close_code`] for what a client sees when it hits one.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Limits {
    /// Largest incoming message (and frame), in bytes. Above it the connection is closed with
    /// 1009. Default 1 MiB.
    pub max_message_size: usize,
    /// Bytes of outgoing frames queued for one connection. A client that lets more pile up is
    /// disconnected with `SLOW_CONSUMER` (4008). Default 4 MiB.
    pub max_outbound_bytes: usize,
    /// Bytes of outgoing frames queued for all the app's connections together. Once a queue
    /// grows past [`Limits::budget_alarm_bytes`] (below which no number of queues can pass
    /// the total), a sweep reads every queue each 100 ms (queuing a frame touches nothing
    /// shared): while the total is above it, the connection with the largest queue is closed
    /// as a slow consumer (4008) and its queue discarded, largest first, until the total is
    /// under it. Default 1 GiB.
    pub max_total_outbound_bytes: usize,
    /// Longest a single socket write may take before the client counts as slow (4008).
    /// Default 10 s.
    pub write_timeout: Duration,
    /// Open connections per server; more are refused at the handshake with HTTP 503.
    /// Default 10,000.
    pub max_connections: usize,
    /// Detached actions in flight per consumer on a connection; one more gets a 429 reply.
    /// Default 64.
    pub max_detached_per_consumer: usize,
    /// Groups and subscriptions per consumer on a connection: each plain group membership
    /// and each subscribing request id counts one (a thousand request ids subscribed to one
    /// group count a thousand). One more gets a 429 reply. Default 1,000.
    pub max_groups_per_consumer: usize,
    /// How often the server pings. Default 20 s.
    pub ping_interval: Duration,
    /// How long past a ping the server waits for any frame before closing with
    /// `PING_TIMEOUT` (4009). A vanished client is released within
    /// `ping_interval + ping_timeout`. Default 20 s.
    pub ping_timeout: Duration,
    /// Bytes of handshake headers (names and values) a connection may bring; its scope keeps
    /// them for its whole life, so more is refused with HTTP 431 before any consumer code.
    /// Default 32 KiB (browsers send a few, cookies included).
    pub max_handshake_headers_bytes: usize,
    /// Longest a message sent in fragments may take from its first frame to its last. A
    /// client that starts one and does not finish it in time (pings in between do not count)
    /// is closed with `POLICY` (1008): an unfinished message holds up to
    /// `max_message_size` of memory. Default 10 s.
    pub fragmented_message_timeout: Duration,
    /// Read buffer per connection, in bytes. Default 4 KiB (tungstenite's is 128 KiB).
    pub read_buffer_size: usize,
    /// Write buffer per connection before a flush, in bytes. Default 4 KiB.
    pub write_buffer_size: usize,
    /// Longest the connection's checks and hooks may take: the authenticator and the
    /// consumers' `can_connect` for one handshake (then HTTP 503); once upgraded, each
    /// consumer's `on_connect` (then close code 1011) and `on_disconnect` (then it is
    /// abandoned). A hook that hangs cannot hold a connection slot forever. Default 10 s.
    pub hook_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_size: 1 << 20,
            max_outbound_bytes: 4 << 20,
            max_total_outbound_bytes: 1 << 30,
            write_timeout: Duration::from_secs(10),
            max_connections: 10_000,
            max_detached_per_consumer: 64,
            max_groups_per_consumer: 1_000,
            ping_interval: Duration::from_secs(20),
            ping_timeout: Duration::from_secs(20),
            max_handshake_headers_bytes: 32 << 10,
            fragmented_message_timeout: Duration::from_secs(10),
            read_buffer_size: 4 << 10,
            write_buffer_size: 4 << 10,
            hook_timeout: Duration::from_secs(10),
        }
    }
}

impl Limits {
    /// Checks that every limit can work: durations and sizes a connection needs must not be
    /// zero, durations must be at most a year (timers cannot reach `Duration::MAX`), and
    /// `max_connections` must fit tokio's semaphore. [`App::limits`] refuses limits that fail
    /// this.
    ///
    /// ```
    /// let mut limits = chanrest::Limits::default();
    /// assert!(limits.validate().is_ok());
    /// limits.ping_interval = std::time::Duration::ZERO;
    /// assert_eq!(limits.validate().unwrap_err(), "ping_interval must be above zero");
    /// ```
    pub fn validate(&self) -> Result<(), String> {
        const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);
        fn failing(checks: &[(&'static str, bool)]) -> Vec<&'static str> {
            checks
                .iter()
                .filter_map(|&(name, fails)| fails.then_some(name))
                .collect()
        }
        let zero = failing(&[
            ("ping_interval", self.ping_interval.is_zero()),
            ("write_timeout", self.write_timeout.is_zero()),
            ("hook_timeout", self.hook_timeout.is_zero()),
            (
                "fragmented_message_timeout",
                self.fragmented_message_timeout.is_zero(),
            ),
            ("max_message_size", self.max_message_size == 0),
            ("max_outbound_bytes", self.max_outbound_bytes == 0),
            (
                "max_total_outbound_bytes",
                self.max_total_outbound_bytes == 0,
            ),
            ("max_connections", self.max_connections == 0),
            ("read_buffer_size", self.read_buffer_size == 0),
            (
                "max_handshake_headers_bytes",
                self.max_handshake_headers_bytes == 0,
            ),
        ]);
        let long = failing(&[
            ("ping_interval", self.ping_interval > YEAR),
            ("ping_timeout", self.ping_timeout > YEAR),
            ("write_timeout", self.write_timeout > YEAR),
            ("hook_timeout", self.hook_timeout > YEAR),
            (
                "fragmented_message_timeout",
                self.fragmented_message_timeout > YEAR,
            ),
        ]);
        let mut problems = Vec::new();
        if !zero.is_empty() {
            problems.push(format!("{} must be above zero", zero.join(", ")));
        }
        if !long.is_empty() {
            problems.push(format!("{} must be at most a year", long.join(", ")));
        }
        if self.max_connections > Semaphore::MAX_PERMITS {
            problems.push(format!(
                "max_connections must be at most {}",
                Semaphore::MAX_PERMITS
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

impl Limits {
    /// The queued bytes at which one connection's queue wakes the sweep that keeps
    /// `max_total_outbound_bytes`: that budget shared among `max_connections`, as no more
    /// queues exist at once, so while every queue is below it the total cannot pass the
    /// budget and nothing needs watching.
    ///
    /// ```
    /// let limits = chanrest::Limits::default();
    /// assert_eq!(limits.budget_alarm_bytes(), (1 << 30) / 10_000);
    /// ```
    pub fn budget_alarm_bytes(&self) -> usize {
        (self.max_total_outbound_bytes / self.max_connections.max(1)).max(1)
    }
}

/// Live counts of a server, for health checks, for proving that nothing leaks, and for
/// `App::serve_metrics` (Prometheus).
#[derive(Debug)]
pub struct Metrics {
    pub(crate) connections: AtomicUsize,
    pub(crate) sessions: AtomicUsize,
    pub(crate) detached: AtomicUsize,
    pub(crate) memberships: AtomicUsize,
    /// Frames received (text or not), all connections.
    pub(crate) messages_in: AtomicU64,
    /// Replies sent, by `response_status` (index = status; above 599 counts under 0).
    pub(crate) replies: Box<[AtomicU64]>,
    /// Group pushes queued on connections that have closed (live ones count their own).
    pub(crate) pushes_closed: AtomicU64,
    /// Connections closed as slow consumers (4008).
    pub(crate) slow_closes: AtomicU64,
    /// Connections closed for silence (4009).
    pub(crate) ping_closes: AtomicU64,
    /// The live connections' queues, read at scrape time: queuing a frame then touches
    /// nothing shared between connections (a fan-out queues on thousands in a row).
    queues: Mutex<Queues>,
    /// Raised by a queue that grows past its alarm (see [`sweep_outbound_budget`]).
    budget_alarm: tokio::sync::Notify,
    /// Set once the sweep over these queues runs: one per app, however many filters it gives.
    pub(crate) budget_sweep: std::sync::OnceLock<()>,
}

/// What the metrics read from a connection's outbound queue.
pub(crate) trait QueueStats: Send + Sync {
    /// Bytes queued and not yet written.
    fn queued_bytes(&self) -> usize;
    /// Group pushes queued so far.
    fn pushes(&self) -> u64;
    /// Closes the connection as a slow consumer and discards its queue (the outbound budget
    /// is passed and this queue is the largest).
    fn shed(&self);
}

/// How often [`sweep_outbound_budget`] sums the queues while one is past its alarm.
pub(crate) const BUDGET_SWEEP: Duration = Duration::from_millis(100);

/// How long the sweep waits for an alarm before it checks whether its app is gone.
const BUDGET_IDLE_CHECK: Duration = Duration::from_secs(10);

/// Holds the queues of the app whose metrics these are to `budget` bytes in all
/// (`Limits::max_total_outbound_bytes`). Queuing a frame touches nothing shared (a
/// process-wide counter on every push cost a tenth of fan-out throughput); a queue raises an
/// alarm only when it grows past [`Limits::budget_alarm_bytes`], below which no number of
/// queues can pass the budget. Alarmed, the sweep reads every queue each [`BUDGET_SWEEP`],
/// shedding the largest while the total is over the budget, until no queue is past its
/// alarm; then it sleeps again (a timer firing 10 times a second cost the 1x1 echo a third
/// on its p99). One task per app; it ends with the metrics.
pub(crate) async fn sweep_outbound_budget(metrics: Weak<Metrics>, budget: usize, alarm_at: usize) {
    loop {
        let alarmed = {
            let Some(metrics) = metrics.upgrade() else {
                return;
            };
            let alarm = metrics.budget_alarm.notified();
            tokio::time::timeout(BUDGET_IDLE_CHECK, alarm).await.is_ok()
        };
        if !alarmed {
            continue;
        }
        loop {
            let Some(metrics) = metrics.upgrade() else {
                return;
            };
            let largest = metrics.enforce_outbound_budget(budget).1;
            if largest < alarm_at {
                break;
            }
            drop(metrics);
            tokio::time::sleep(BUDGET_SWEEP).await;
        }
    }
}

/// The registered queues; dead entries are dropped when the list has doubled since the last
/// sweep, so registering costs O(1) on average.
#[derive(Default)]
struct Queues {
    live: Vec<Weak<dyn QueueStats>>,
    sweep_at: usize,
}

impl std::fmt::Debug for Queues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queues")
            .field("registered", &self.live.len())
            .finish()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            connections: AtomicUsize::new(0),
            sessions: AtomicUsize::new(0),
            detached: AtomicUsize::new(0),
            memberships: AtomicUsize::new(0),
            messages_in: AtomicU64::new(0),
            replies: (0..600).map(|_| AtomicU64::new(0)).collect(),
            pushes_closed: AtomicU64::new(0),
            slow_closes: AtomicU64::new(0),
            ping_closes: AtomicU64::new(0),
            queues: Mutex::new(Queues::default()),
            budget_alarm: tokio::sync::Notify::new(),
            budget_sweep: std::sync::OnceLock::new(),
        }
    }
}

impl Metrics {
    /// Open WebSocket connections.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }

    /// Consumer instances alive (one per consumer per connection; several behind a
    /// multiplexer).
    pub fn sessions(&self) -> usize {
        self.sessions.load(Ordering::Relaxed)
    }

    /// Detached actions running.
    pub fn detached_tasks(&self) -> usize {
        self.detached.load(Ordering::Relaxed)
    }

    /// Group memberships held in the channel layer by this app's consumers.
    pub fn memberships(&self) -> usize {
        self.memberships.load(Ordering::Relaxed)
    }

    /// Frames received, all connections.
    pub fn messages_in(&self) -> u64 {
        self.messages_in.load(Ordering::Relaxed)
    }

    /// Replies sent with `status`.
    pub fn replies(&self, status: u16) -> u64 {
        self.replies
            .get(usize::from(status))
            .map_or(0, |count| count.load(Ordering::Relaxed))
    }

    /// Every status replied with so far, and how often.
    pub fn replies_by_status(&self) -> Vec<(u16, u64)> {
        (0u16..)
            .zip(self.replies.iter())
            .map(|(status, count)| (status, count.load(Ordering::Relaxed)))
            .filter(|(_, count)| *count > 0)
            .collect()
    }

    /// Group pushes queued.
    pub fn pushes(&self) -> u64 {
        let live: u64 = self.live_queues().iter().map(|q| q.pushes()).sum();
        self.pushes_closed.load(Ordering::Relaxed) + live
    }

    /// Connections closed as slow consumers.
    pub fn slow_consumer_closes(&self) -> u64 {
        self.slow_closes.load(Ordering::Relaxed)
    }

    /// Connections closed for silence (ping timeout).
    pub fn ping_timeout_closes(&self) -> u64 {
        self.ping_closes.load(Ordering::Relaxed)
    }

    /// Bytes waiting to be written to sockets, all connections.
    pub fn queued_bytes(&self) -> usize {
        self.live_queues().iter().map(|q| q.queued_bytes()).sum()
    }

    /// Wakes the outbound budget's sweep (a queue has grown past its alarm).
    pub(crate) fn raise_budget_alarm(&self) {
        self.budget_alarm.notify_one();
    }

    /// While the queues hold more than `budget` bytes in all, closes the connection with the
    /// largest queue as a slow consumer, discarding its queue, then the next largest, until
    /// the total is within the budget. Returns how many were closed, and the largest queue
    /// left.
    pub(crate) fn enforce_outbound_budget(&self, budget: usize) -> (usize, usize) {
        let mut queues: Vec<(usize, Arc<dyn QueueStats>)> = self
            .live_queues()
            .into_iter()
            .map(|queue| (queue.queued_bytes(), queue))
            .collect();
        let mut total: usize = queues.iter().map(|(bytes, _)| bytes).sum();
        let largest = queues.iter().map(|(bytes, _)| *bytes).max().unwrap_or(0);
        if total <= budget {
            return (0, largest);
        }
        queues.sort_unstable_by_key(|(bytes, _)| std::cmp::Reverse(*bytes));
        let mut shed = 0;
        for (bytes, queue) in &queues {
            if total <= budget {
                break;
            }
            queue.shed();
            total -= bytes;
            shed += 1;
        }
        tracing::warn!(
            shed,
            budget,
            "outbound budget passed: largest queues closed"
        );
        // Sorted largest first: the first one left is the largest left.
        let left = queues.get(shed).map_or(0, |(bytes, _)| *bytes);
        (shed, left)
    }

    fn lock_queues(&self) -> std::sync::MutexGuard<'_, Queues> {
        self.queues.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn live_queues(&self) -> Vec<Arc<dyn QueueStats>> {
        self.lock_queues()
            .live
            .iter()
            .filter_map(Weak::upgrade)
            .collect()
    }

    /// Registers a connection's queue for the metrics.
    pub(crate) fn register_queue(&self, queue: Weak<dyn QueueStats>) {
        let mut queues = self.lock_queues();
        if queues.live.len() >= queues.sweep_at {
            queues.live.retain(|q| q.strong_count() > 0);
            queues.sweep_at = (queues.live.len() * 2).max(64);
        }
        queues.live.push(queue);
    }

    pub(crate) fn count_reply(&self, status: u16) {
        let index = usize::from(status);
        let slot = self.replies.get(index).unwrap_or(&self.replies[0]);
        slot.fetch_add(1, Ordering::Relaxed);
    }
}

/// Counts a live thing in a metric for as long as the guard lives.
pub(crate) struct Counted(Arc<Metrics>, fn(&Metrics) -> &AtomicUsize);

impl Counted {
    pub(crate) fn new(metrics: &Arc<Metrics>, counter: fn(&Metrics) -> &AtomicUsize) -> Self {
        counter(metrics).fetch_add(1, Ordering::Relaxed);
        Counted(metrics.clone(), counter)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        (self.1)(&self.0).fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A queue of a fixed size that records being shed.
    struct Fake {
        bytes: usize,
        shed: std::sync::atomic::AtomicBool,
    }

    impl QueueStats for Fake {
        fn queued_bytes(&self) -> usize {
            if self.shed.load(Ordering::SeqCst) {
                0
            } else {
                self.bytes
            }
        }
        fn pushes(&self) -> u64 {
            0
        }
        fn shed(&self) {
            self.shed.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_budget_sheds_the_largest_queues_first_and_only_as_many_as_needed() {
        let metrics = Metrics::default();
        let queues: Vec<Arc<Fake>> = [5, 30, 10, 20]
            .into_iter()
            .map(|bytes| {
                Arc::new(Fake {
                    bytes,
                    shed: Default::default(),
                })
            })
            .collect();
        for queue in &queues {
            let stats: Arc<dyn QueueStats> = queue.clone();
            metrics.register_queue(Arc::downgrade(&stats));
        }
        let shed = |q: &Fake| q.shed.load(Ordering::SeqCst);
        // 65 bytes queued: within 65 nothing happens.
        assert_eq!(metrics.enforce_outbound_budget(65).0, 0);
        // Above 40: the 30-byte queue goes and leaves 35.
        assert_eq!(metrics.enforce_outbound_budget(40).0, 1);
        assert_eq!(
            queues.iter().map(|q| shed(q)).collect::<Vec<_>>(),
            [false, true, false, false]
        );
        assert_eq!(metrics.queued_bytes(), 35);
        // Above 10: the 20 and then the 10 go, leaving 5.
        assert_eq!(metrics.enforce_outbound_budget(10).0, 2);
        assert_eq!(metrics.queued_bytes(), 5);
        assert!(!shed(&queues[0]));
    }
}
