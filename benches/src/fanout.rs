//! Fan-out: many subscribers of one feed, a publisher that changes it `M` times, and every push
//! checked and timed. The feed is chanrest's group push (`subscribe`, fed by `publish`, on
//! `/ws/bench/`), its model observer (`subscribe_todos`, fed by `create` on `/ws/todos/`), an
//! instance subscription (`subscribe_instance`, fed by `patch`), or the raw broadcast baseline
//! (`/ws/sub/`, fed by `/ws/pub/`).
//!
//! Every published change carries `"<seq>:<ns>"` in its `title`: the message's number and the
//! nanoseconds since the run's base instant when it was sent. Subscribers live in this process,
//! so they read the same clock: latency is publish-send to push-receive.
//!
//! The publisher sends its changes back to back (each waits only for its reply), which
//! measures the fan-out's throughput: with the machine saturated, each reply also waits behind
//! the pushes of the changes before it. Then it sends a few *paced* changes, each once every
//! subscriber has the one before, which times the publishing action's reply with no earlier
//! fan-out still being written: what a publisher sees of the subscriber count itself.

use crate::stats::{median, percentile};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::Value;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinSet;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Longest wait for any one step: a handshake, a reply, the next push.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for all subscribers to connect and subscribe.
const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(120);
/// Handshakes in progress at once (the listen backlog is 1024).
const CONNECT_CONCURRENCY: usize = 256;
/// The clients' read buffer: pushes are small.
const CLIENT_READ_BUFFER: usize = 4 << 10;

/// A WebSocket client.
pub type Socket = WebSocketStream<TcpStream>;

/// Opens a WebSocket to `path` on `addr` (loopback only), with TCP_NODELAY.
pub async fn connect(addr: SocketAddr, path: &str) -> Result<Socket, String> {
    if !addr.ip().is_loopback() {
        return Err(format!(
            "refusing to connect to a non-loopback address: {addr}"
        ));
    }
    let attempt = async {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        stream
            .set_nodelay(true)
            .map_err(|e| format!("cannot set TCP_NODELAY: {e}"))?;
        let url = format!("ws://{addr}{path}");
        let config = WebSocketConfig::default().read_buffer_size(CLIENT_READ_BUFFER);
        tokio_tungstenite::client_async_with_config(url.as_str(), stream, Some(config))
            .await
            .map(|(socket, _)| socket)
            .map_err(|e| format!("WebSocket handshake with {url} failed: {e}"))
    };
    timeout(STEP_TIMEOUT, attempt)
        .await
        .map_err(|_| format!("connecting to {addr} took longer than {STEP_TIMEOUT:?}"))?
}

/// The next text frame, within [`STEP_TIMEOUT`].
pub async fn next_text(socket: &mut Socket) -> Result<String, String> {
    loop {
        match timeout(STEP_TIMEOUT, socket.next()).await {
            Err(_) => return Err(format!("nothing arrived within {STEP_TIMEOUT:?}")),
            Ok(None) => return Err("the server closed the connection".to_owned()),
            Ok(Some(Err(err))) => return Err(format!("receiving failed: {err}")),
            Ok(Some(Ok(Message::Text(text)))) => return Ok(text.as_str().to_owned()),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            Ok(Some(Ok(other))) => return Err(format!("unexpected frame: {other:?}")),
        }
    }
}

/// Sends `text` and returns the next text frame.
pub async fn request(socket: &mut Socket, text: String) -> Result<String, String> {
    timeout(STEP_TIMEOUT, socket.send(Message::text(text)))
        .await
        .map_err(|_| format!("sending took longer than {STEP_TIMEOUT:?}"))?
        .map_err(|e| format!("sending failed: {e}"))?;
    next_text(socket).await
}

/// A chanrest reply or push, as the clients read it.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    /// The action.
    pub action: String,
    /// The request id (null for the raw baseline's pushes).
    #[serde(default)]
    pub request_id: Value,
    /// The status; pushes of the raw baseline have none.
    #[serde(default)]
    pub response_status: Option<u16>,
    /// The data.
    #[serde(default)]
    pub data: Value,
}

/// Parses a reply and checks it is a success (2xx) for `action`.
pub fn check_ok(text: &str, action: &str) -> Result<Envelope, String> {
    let reply: Envelope =
        serde_json::from_str(text).map_err(|e| format!("malformed reply ({e}): {text}"))?;
    match reply.response_status {
        Some(status) if (200..300).contains(&status) && reply.action == action => Ok(reply),
        _ => Err(format!("{action} failed: {text}")),
    }
}

/// What is subscribed to, and how the publisher changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// The raw broadcast baseline (`serve-raw-broadcast`).
    Raw,
    /// chanrest's group push to plain members: `join` and `publish` on `/ws/bench/` (no
    /// database); every push is `request_id: null`, the same bytes for all, as the raw
    /// baseline's.
    Group,
    /// chanrest's subscription push: `subscribe` and `publish` on `/ws/bench/`; every
    /// subscriber's push carries its own `request_id`.
    Subscribed,
    /// chanrest's model observer: `subscribe_todos` on `/ws/plain/`, `create` on `/ws/todos/`.
    Observer,
    /// chanrest's instance subscription: `subscribe_instance` on `/ws/todos/`, `patch` of one
    /// row created first.
    Instance,
}

impl Feed {
    fn subscriber_path(self) -> &'static str {
        match self {
            Feed::Raw => "/ws/sub/",
            Feed::Subscribed | Feed::Group => "/ws/bench/",
            Feed::Observer => "/ws/plain/",
            Feed::Instance => "/ws/todos/",
        }
    }

    fn publisher_path(self) -> &'static str {
        match self {
            Feed::Raw => "/ws/pub/",
            Feed::Subscribed | Feed::Group => "/ws/bench/",
            Feed::Observer | Feed::Instance => "/ws/todos/",
        }
    }

    /// The action of each push.
    fn push_action(self) -> &'static str {
        match self {
            Feed::Raw | Feed::Subscribed | Feed::Group => "message",
            Feed::Observer => "create",
            Feed::Instance => "update",
        }
    }
}

/// What one fan-out run measured.
#[derive(Debug, Clone)]
pub struct FanoutResult {
    /// What the row is called in the table.
    pub label: String,
    /// Subscribers connected and subscribed.
    pub subscribers: usize,
    /// Messages published back to back (the paced ones are not counted here).
    pub messages: usize,
    /// Pushes of the back-to-back messages received and checked.
    pub deliveries: u64,
    /// Pushes not received, of every message (paced ones too), counted per subscriber.
    pub lost: u64,
    /// Subscribers that missed at least one message.
    pub lossy_subscribers: usize,
    /// From the first publish to the last push received.
    pub elapsed: Duration,
    /// From the first publish to the publisher's last reply.
    pub publish_time: Duration,
    /// Publish-send to push-receive, over every delivery of the back-to-back messages.
    pub p50: Duration,
    /// 99th percentile of the same.
    pub p99: Duration,
    /// The largest.
    pub max: Duration,
    /// The median time to the publishing action's reply over the paced messages, each sent
    /// into a quiet fan-out (`None` when none were paced).
    pub paced_reply: Option<Duration>,
    /// CPU time the server processes used from the first publish until the last back-to-back
    /// message had reached every subscriber.
    pub server_cpu: Duration,
    /// CPU time this process (the publisher and every subscriber) used in the same span.
    pub client_cpu: Duration,
}

impl FanoutResult {
    /// Deliveries per second over [`FanoutResult::elapsed`].
    pub fn per_sec(&self) -> f64 {
        self.deliveries as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// One row for several rounds of the same run: the median of each time (so the median
    /// rate, as every round delivers the same count when nothing is lost), the fewest
    /// deliveries, and the most lost. `None` when empty.
    pub fn median_of(rounds: &[FanoutResult]) -> Option<FanoutResult> {
        let first = rounds.first()?;
        let median_of = |f: fn(&FanoutResult) -> Duration| {
            Duration::from_secs_f64(median(rounds.iter().map(|r| f(r).as_secs_f64()).collect()))
        };
        Some(FanoutResult {
            label: first.label.clone(),
            subscribers: first.subscribers,
            messages: first.messages,
            deliveries: rounds.iter().map(|r| r.deliveries).min().unwrap_or(0),
            lost: rounds.iter().map(|r| r.lost).max().unwrap_or(0),
            lossy_subscribers: rounds
                .iter()
                .map(|r| r.lossy_subscribers)
                .max()
                .unwrap_or(0),
            elapsed: median_of(|r| r.elapsed),
            publish_time: median_of(|r| r.publish_time),
            p50: median_of(|r| r.p50),
            p99: median_of(|r| r.p99),
            max: median_of(|r| r.max),
            paced_reply: {
                let paced: Vec<f64> = rounds
                    .iter()
                    .filter_map(|r| r.paced_reply.map(|d| d.as_secs_f64()))
                    .collect();
                (!paced.is_empty()).then(|| Duration::from_secs_f64(median(paced)))
            },
            server_cpu: median_of(|r| r.server_cpu),
            client_cpu: median_of(|r| r.client_cpu),
        })
    }
}

/// How a run publishes: `messages` changes back to back, then `paced` changes each sent once
/// every subscriber has the one before (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publishing {
    /// Changes sent back to back; the deliveries, their latencies and the CPU times are theirs.
    pub messages: usize,
    /// Changes sent one at a time into a quiet fan-out; only their replies are timed.
    pub paced: usize,
}

impl Publishing {
    fn total(self) -> usize {
        self.messages + self.paced
    }
}

/// How many subscribers have each message, and a wake-up for whoever waits for a message to
/// reach them all.
struct Arrivals {
    counts: Vec<AtomicUsize>,
    subscribers: usize,
    /// Subscribers that stopped before the last message (a failure, or a push not coming in
    /// time): no message waits for them.
    stopped: AtomicUsize,
    complete: Notify,
}

impl Arrivals {
    fn new(messages: usize, subscribers: usize) -> Self {
        Arrivals {
            counts: (0..messages).map(|_| AtomicUsize::new(0)).collect(),
            subscribers,
            stopped: AtomicUsize::new(0),
            complete: Notify::new(),
        }
    }

    /// One more subscriber has message `seq`.
    fn arrived(&self, seq: usize) {
        self.counts[seq].fetch_add(1, Ordering::AcqRel);
        // Only the last arrivals wake the publisher (a fan-out makes a million of them).
        if self.reached_all(seq) {
            self.complete.notify_waiters();
        }
    }

    /// A subscriber stopped before the last message.
    fn stopped(&self) {
        self.stopped.fetch_add(1, Ordering::AcqRel);
        self.complete.notify_waiters();
    }

    /// Whether every subscriber still receiving has message `seq`.
    fn reached_all(&self, seq: usize) -> bool {
        let stopped = self.stopped.load(Ordering::Acquire);
        self.counts[seq].load(Ordering::Acquire) + stopped >= self.subscribers
    }

    /// Waits until every subscriber has message `seq`; false if `deadline` came first (a
    /// subscriber lost it, which the run counts).
    async fn wait_for(&self, seq: usize, deadline: tokio::time::Instant) -> bool {
        loop {
            let notified = self.complete.notified();
            tokio::pin!(notified);
            // Registered before the count is read, so a completion in between is not missed.
            notified.as_mut().enable();
            if self.reached_all(seq) {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return false;
            }
        }
    }
}

/// What the publisher measured.
struct Published {
    first_publish: Instant,
    publish_time: Duration,
    /// CPU times (servers, this process) before the first publish and once the last
    /// back-to-back message had reached every subscriber (or the wait for it timed out).
    cpu: [(Duration, Duration); 2],
    paced_replies: Vec<Duration>,
}

/// The longest wait for `messages` back-to-back messages to reach everyone.
fn burst_deadline(messages: usize) -> tokio::time::Instant {
    tokio::time::Instant::now() + STEP_TIMEOUT * 2 + Duration::from_secs_f64(messages as f64 * 0.1)
}

/// Runs one fan-out: connects the publisher to `publisher`, `subscribers` subscribers spread
/// round-robin over `servers`, publishes as `publishing` says, and collects every subscriber's
/// pushes. A subscriber stops after the last push or [`STEP_TIMEOUT`] without one; what it did
/// not get counts as lost.
///
/// The publisher runs on a thread and runtime of its own, so its replies are not read late for
/// waiting behind the subscribers' tasks. `server_pids` are the processes behind `servers`,
/// whose CPU time is measured.
pub async fn run(
    label: &str,
    feed: Feed,
    servers: &[SocketAddr],
    publisher: SocketAddr,
    server_pids: &[u32],
    subscribers: usize,
    publishing: Publishing,
) -> Result<FanoutResult, String> {
    let base = Instant::now();
    let (ready_tx, ready_rx) = oneshot::channel();
    let (go_tx, go_rx) = oneshot::channel::<Arc<Arrivals>>();
    let (done_tx, done_rx) = oneshot::channel();
    let pids = server_pids.to_vec();
    let publisher_thread = std::thread::Builder::new()
        .name("fan-out publisher".to_owned())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(err) => {
                    let _ = ready_tx.send(Err(format!("cannot start a runtime: {err}")));
                    return;
                }
            };
            runtime.block_on(async move {
                let opened = open_publisher(publisher, feed).await;
                let (mut socket, pk) = match opened {
                    Ok(opened) => opened,
                    Err(err) => {
                        let _ = ready_tx.send(Err(err));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(pk));
                let Ok(arrivals) = go_rx.await else { return };
                let published =
                    publish(&mut socket, feed, pk, publishing, base, &arrivals, &pids).await;
                let _ = timeout(Duration::from_secs(1), socket.close(None)).await;
                let _ = done_tx.send(published);
            });
        })
        .map_err(|e| format!("cannot start the publisher's thread: {e}"))?;
    let pk = ready_rx
        .await
        .map_err(|_| "the publisher's thread ended early".to_owned())??;

    // Connect and subscribe everyone.
    let connect_all = futures_util::stream::iter(0..subscribers)
        .map(|i| {
            let addr = servers[i % servers.len()];
            async move {
                let mut socket = connect(addr, feed.subscriber_path()).await?;
                let reply =
                    match feed {
                        Feed::Raw => next_text(&mut socket).await?,
                        Feed::Subscribed => {
                            request(
                                &mut socket,
                                format!(r#"{{"action":"subscribe","request_id":{i}}}"#),
                            )
                            .await?
                        }
                        Feed::Group => {
                            request(
                                &mut socket,
                                format!(r#"{{"action":"join","request_id":{i}}}"#),
                            )
                            .await?
                        }
                        Feed::Observer => {
                            request(
                                &mut socket,
                                format!(r#"{{"action":"subscribe_todos","request_id":{i}}}"#),
                            )
                            .await?
                        }
                        Feed::Instance => request(
                            &mut socket,
                            format!(
                                r#"{{"action":"subscribe_instance","request_id":{i},"pk":{pk}}}"#
                            ),
                        )
                        .await?,
                    };
                match feed {
                    Feed::Raw if reply == r#"{"subscribed":true}"# => {}
                    Feed::Raw => return Err(format!("unexpected greeting: {reply}")),
                    Feed::Subscribed => drop(check_ok(&reply, "subscribe")?),
                    Feed::Group => drop(check_ok(&reply, "join")?),
                    Feed::Observer => drop(check_ok(&reply, "subscribe_todos")?),
                    Feed::Instance => drop(check_ok(&reply, "subscribe_instance")?),
                }
                Ok::<_, String>((i, socket))
            }
        })
        .buffer_unordered(CONNECT_CONCURRENCY)
        .collect::<Vec<_>>();
    let sockets = timeout(SUBSCRIBE_TIMEOUT, connect_all)
        .await
        .map_err(|_| format!("subscribing took longer than {SUBSCRIBE_TIMEOUT:?}"))?
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;

    let arrivals = Arc::new(Arrivals::new(publishing.total(), sockets.len()));
    let mut tasks = JoinSet::new();
    for (i, socket) in sockets {
        tasks.spawn(receive(socket, feed, i, publishing, base, arrivals.clone()));
    }

    // Publish.
    eprintln!("{label}: {} subscribed; publishing", arrivals.subscribers);
    go_tx
        .send(arrivals.clone())
        .map_err(|_| "the publisher's thread ended early".to_owned())?;
    let published = done_rx
        .await
        .map_err(|_| "the publisher's thread ended early".to_owned())?;
    // It has sent its result and only drops its runtime now.
    let _ = tokio::task::spawn_blocking(move || publisher_thread.join()).await;
    let published = published?;

    let deadline = burst_deadline(publishing.total());
    let mut latencies = Vec::with_capacity(subscribers * publishing.messages);
    let mut lost = 0u64;
    let mut lossy_subscribers = 0;
    let mut last = published.first_publish;
    loop {
        let next = tokio::time::timeout_at(deadline, tasks.join_next())
            .await
            .map_err(|_| "the subscribers did not finish in time".to_owned())?;
        match next {
            None => break,
            Some(Ok(result)) => {
                let got = result?;
                let missing = (publishing.total() - got.received) as u64;
                if missing > 0 {
                    lossy_subscribers += 1;
                }
                lost += missing;
                latencies.extend(got.latencies);
                if let Some(at) = got.last {
                    last = last.max(at);
                }
            }
            Some(Err(err)) => return Err(format!("a subscriber task failed: {err}")),
        }
    }
    latencies.sort_unstable();
    let pick = |p: f64| {
        if latencies.is_empty() {
            Duration::ZERO
        } else {
            percentile(&latencies, p)
        }
    };
    let mut paced = published.paced_replies;
    paced.sort_unstable();
    let [cpu_before, cpu_after] = published.cpu;
    Ok(FanoutResult {
        label: label.to_owned(),
        subscribers,
        messages: publishing.messages,
        deliveries: latencies.len() as u64,
        lost,
        lossy_subscribers,
        elapsed: last - published.first_publish,
        publish_time: published.publish_time,
        p50: pick(50.0),
        p99: pick(99.0),
        max: Duration::from_nanos(latencies.last().copied().unwrap_or(0)),
        paced_reply: (!paced.is_empty()).then(|| paced[paced.len() / 2]),
        server_cpu: cpu_after.0.saturating_sub(cpu_before.0),
        client_cpu: cpu_after.1.saturating_sub(cpu_before.1),
    })
}

/// Opens the publisher's socket; for an instance subscription also creates the row it will
/// change and returns its key (0 otherwise).
async fn open_publisher(addr: SocketAddr, feed: Feed) -> Result<(Socket, i64), String> {
    let mut socket = connect(addr, feed.publisher_path()).await?;
    let pk = match feed {
        Feed::Instance => {
            let reply = request(
                &mut socket,
                r#"{"action":"create","request_id":0,"data":{"title":"instance"}}"#.to_owned(),
            )
            .await?;
            let reply = check_ok(&reply, "create")?;
            reply.data["id"]
                .as_i64()
                .ok_or_else(|| format!("the created row has no id: {:?}", reply.data))?
        }
        _ => 0,
    };
    Ok((socket, pk))
}

/// The CPU time of the servers and of this process.
fn cpu_times(server_pids: &[u32]) -> Result<(Duration, Duration), String> {
    let mut server = Duration::ZERO;
    for pid in server_pids {
        server += crate::servers::cpu_time(*pid)?;
    }
    Ok((server, crate::servers::cpu_time(std::process::id())?))
}

/// Publishes as `publishing` says: the back-to-back messages, then the paced ones.
async fn publish(
    socket: &mut Socket,
    feed: Feed,
    pk: i64,
    publishing: Publishing,
    base: Instant,
    arrivals: &Arrivals,
    server_pids: &[u32],
) -> Result<Published, String> {
    let cpu_before = cpu_times(server_pids)?;
    let first_publish = Instant::now();
    for seq in 0..publishing.messages {
        publish_one(socket, feed, pk, seq, base).await?;
    }
    let publish_time = first_publish.elapsed();
    if let Some(last) = publishing.messages.checked_sub(1) {
        arrivals
            .wait_for(last, burst_deadline(publishing.messages))
            .await;
    }
    let cpu_after = cpu_times(server_pids)?;
    let mut paced_replies = Vec::with_capacity(publishing.paced);
    for seq in publishing.messages..publishing.total() {
        let sent = Instant::now();
        publish_one(socket, feed, pk, seq, base).await?;
        paced_replies.push(sent.elapsed());
        arrivals
            .wait_for(seq, tokio::time::Instant::now() + STEP_TIMEOUT)
            .await;
    }
    Ok(Published {
        first_publish,
        publish_time,
        cpu: [cpu_before, cpu_after],
        paced_replies,
    })
}

/// Sends change number `seq` and checks the reply.
async fn publish_one(
    socket: &mut Socket,
    feed: Feed,
    pk: i64,
    seq: usize,
    base: Instant,
) -> Result<(), String> {
    let ns = base.elapsed().as_nanos();
    let text = match feed {
        Feed::Raw => format!(r#"{{"title":"{seq}:{ns}"}}"#),
        Feed::Subscribed | Feed::Group => {
            format!(r#"{{"action":"publish","request_id":{seq},"data":{{"title":"{seq}:{ns}"}}}}"#)
        }
        Feed::Observer => {
            format!(r#"{{"action":"create","request_id":{seq},"data":{{"title":"{seq}:{ns}"}}}}"#)
        }
        Feed::Instance => format!(
            r#"{{"action":"patch","request_id":{seq},"pk":{pk},"data":{{"title":"{seq}:{ns}"}}}}"#
        ),
    };
    let reply = request(socket, text).await?;
    match feed {
        Feed::Raw if reply == "ok" => {}
        Feed::Raw => return Err(format!("unexpected publish reply: {reply}")),
        Feed::Subscribed | Feed::Group => drop(check_ok(&reply, "publish")?),
        Feed::Observer => drop(check_ok(&reply, "create")?),
        Feed::Instance => drop(check_ok(&reply, "patch")?),
    }
    Ok(())
}

/// What one subscriber received.
struct Received {
    /// Latencies of the back-to-back messages.
    latencies: Vec<u64>,
    /// Pushes received in all.
    received: usize,
    /// When the last back-to-back message arrived.
    last: Option<Instant>,
}

/// One subscriber: checks each push (action, its own `request_id`, a new `seq`), records the
/// latency of the back-to-back ones and tells `arrivals` of each, until it has them all or none
/// arrives for [`STEP_TIMEOUT`].
async fn receive(
    mut socket: Socket,
    feed: Feed,
    id: usize,
    publishing: Publishing,
    base: Instant,
    arrivals: Arc<Arrivals>,
) -> Result<Received, String> {
    /// Tells `arrivals` when the subscriber ends without every message, however it ends.
    struct Stopping<'a>(&'a Arrivals, bool);
    impl Drop for Stopping<'_> {
        fn drop(&mut self) {
            if !self.1 {
                self.0.stopped();
            }
        }
    }
    let mut stopping = Stopping(&arrivals, false);
    let mut seen = vec![false; publishing.total()];
    let mut latencies = Vec::with_capacity(publishing.messages);
    let mut received = 0;
    let mut last = None;
    while received < publishing.total() {
        let text = match next_text(&mut socket).await {
            Ok(text) => text,
            // Whatever did not arrive is lost; the run reports it.
            Err(_) => break,
        };
        let now = Instant::now();
        let push: Envelope =
            serde_json::from_str(&text).map_err(|e| format!("malformed push ({e}): {text}"))?;
        let own_id = match feed {
            Feed::Raw | Feed::Group => push.request_id.is_null(),
            _ => push.request_id.as_u64() == Some(id as u64),
        };
        if push.action != feed.push_action() || !own_id {
            return Err(format!("subscriber {id}: unexpected push {text}"));
        }
        let title = push.data["title"].as_str().unwrap_or_default();
        let (seq, ns) = title
            .split_once(':')
            .and_then(|(seq, ns)| Some((seq.parse::<usize>().ok()?, ns.parse::<u64>().ok()?)))
            .ok_or_else(|| format!("subscriber {id}: push without a stamp: {text}"))?;
        match seen.get_mut(seq) {
            Some(slot) if !*slot => *slot = true,
            _ => return Err(format!("subscriber {id}: message {seq} twice or unknown")),
        }
        received += 1;
        arrivals.arrived(seq);
        if seq < publishing.messages {
            let elapsed = u64::try_from((now - base).as_nanos()).unwrap_or(u64::MAX);
            latencies.push(elapsed.saturating_sub(ns));
            last = Some(now);
        }
    }
    stopping.1 = received == publishing.total();
    drop(stopping);
    let _ = timeout(Duration::from_secs(1), socket.close(None)).await;
    Ok(Received {
        latencies,
        received,
        last,
    })
}

/// Milliseconds with two decimals.
pub fn millis(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

/// The results as a markdown table; `baseline` (a row index) adds a ratio row against it for
/// every other row.
pub fn markdown_table(results: &[FanoutResult], baseline: Option<usize>) -> String {
    let mut out = String::new();
    out.push_str("| server | subscribers | messages | deliveries | lost | deliveries/s | p50 (ms) | p99 (ms) | max (ms) | publish (s) | last push (s) | paced reply (ms) | server CPU (s) | client CPU (s) |\n");
    out.push_str("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for r in results {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.0} | {} | {} | {} | {:.2} | {:.2} | {} | {:.2} | {:.2} |",
            r.label,
            r.subscribers,
            r.messages,
            r.deliveries,
            r.lost,
            r.per_sec(),
            millis(r.p50),
            millis(r.p99),
            millis(r.max),
            r.publish_time.as_secs_f64(),
            r.elapsed.as_secs_f64(),
            r.paced_reply.map_or_else(|| "–".to_owned(), millis),
            r.server_cpu.as_secs_f64(),
            r.client_cpu.as_secs_f64()
        );
    }
    if let Some(base) = baseline.and_then(|i| results.get(i)) {
        for r in results.iter().filter(|r| r.label != base.label) {
            let _ = writeln!(
                out,
                "| **{} / {}** | | | | | **{:.2}×** | {:.2}× | {:.2}× | | | | | {:.2}× | |",
                r.label,
                base.label,
                r.per_sec() / base.per_sec().max(1e-9),
                r.p50.as_secs_f64() / base.p50.as_secs_f64().max(1e-12),
                r.p99.as_secs_f64() / base.p99.as_secs_f64().max(1e-12),
                r.server_cpu.as_secs_f64() / base.server_cpu.as_secs_f64().max(1e-12),
            );
        }
    }
    out
}

/// One line per result for progress output.
pub fn describe(r: &FanoutResult) -> String {
    format!(
        "{}: {} deliveries ({} lost, {} subscribers lossy) in {:.2} s = {:.0}/s, p50 {} ms, p99 {} ms, paced reply {} ms, server CPU {:.2} s, client CPU {:.2} s",
        r.label,
        r.deliveries,
        r.lost,
        r.lossy_subscribers,
        r.elapsed.as_secs_f64(),
        r.per_sec(),
        millis(r.p50),
        millis(r.p99),
        r.paced_reply.map_or_else(|| "–".to_owned(), millis),
        r.server_cpu.as_secs_f64(),
        r.client_cpu.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_over_rounds_keep_the_worst_loss() {
        let round = |secs: u64, lost| FanoutResult {
            label: "x".into(),
            subscribers: 10,
            messages: 10,
            deliveries: 100 - lost,
            lost,
            lossy_subscribers: lost as usize,
            elapsed: Duration::from_secs(secs),
            publish_time: Duration::from_secs(secs),
            p50: Duration::from_millis(secs),
            p99: Duration::from_millis(secs * 2),
            max: Duration::from_millis(secs * 3),
            paced_reply: (secs != 1).then(|| Duration::from_millis(secs * 10)),
            server_cpu: Duration::from_secs(secs),
            client_cpu: Duration::ZERO,
        };
        let median = FanoutResult::median_of(&[round(4, 0), round(1, 3), round(2, 0)]).unwrap();
        assert_eq!(median.elapsed, Duration::from_secs(2));
        assert_eq!(median.p99, Duration::from_millis(4));
        assert_eq!((median.deliveries, median.lost), (97, 3));
        // Over the rounds that paced any.
        assert_eq!(median.paced_reply, Some(Duration::from_millis(30)));
        assert!(FanoutResult::median_of(&[]).is_none());
    }
}
