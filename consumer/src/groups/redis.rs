//! A channel layer over Redis pub/sub, so groups span server processes (what `channels_redis`
//! is to Django Channels).
//!
//! Each process keeps its own members in [`LocalGroups`] and subscribes to a Redis channel per
//! group that has a local member. `group_send` delivers to local members at once and publishes
//! the push, tagged with the process's origin id, for the other processes (which ignore their
//! own messages). So every member gets a push exactly once, and pushes from one source arrive
//! in the order they were sent (one publishing connection, one subscriber).
//!
//! When Redis goes away, the layer logs it and keeps reconnecting (with backoff) by itself;
//! meanwhile local delivery goes on, but pushes between processes are lost, and resume once the
//! subscriptions are renewed. A member that cannot keep up is handled like any slow client:
//! its outbound queue is bounded and it is disconnected (close 4008).

use super::layer::{ChannelLayer, LayerError, LocalGroups};
use super::member::GroupMember;
use super::push::Push;
use async_trait::async_trait;
use futures_util::StreamExt;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// How long a `group_add` waits for Redis to confirm the subscription, and a publish for
/// Redis to accept it, before going on without (and logging).
const REDIS_WAIT: Duration = Duration::from_secs(2);

/// The first wait before reconnecting to Redis; it doubles up to 5 s while attempts fail.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// How long a pub/sub connection must have lasted for its loss to count as new trouble.
const STABLE_CONNECTION: Duration = Duration::from_secs(5);

/// Batches of pushes waiting for the publishing task; a publisher that gets this far ahead of
/// Redis waits (its `group_send` does) instead of queueing without bound.
const PUBLISH_QUEUE: usize = 1024;

/// Most batches one pipeline carries.
const MAX_PIPELINED: usize = 256;

/// Group names longer than this are hashed into the channel name (the message carries the
/// full name, so a hash collision only costs traffic).
const MAX_PLAIN_CHANNEL: usize = 200;

#[derive(Serialize, Deserialize)]
struct Envelope<'a> {
    /// The publishing process.
    o: u64,
    /// The group.
    #[serde(borrow)]
    g: std::borrow::Cow<'a, str>,
    /// The push.
    p: Push,
}

enum Control {
    Subscribe(String, oneshot::Sender<()>),
    Unsubscribe(String),
}

/// Groups across processes through Redis pub/sub.
pub struct RedisChannelLayer {
    local: Arc<LocalGroups>,
    /// Encoded messages for the publishing task, one batch per `group_send_all`.
    outgoing: mpsc::Sender<Vec<(String, String)>>,
    control: mpsc::UnboundedSender<Control>,
    prefix: String,
    origin: u64,
    connected: Arc<AtomicBool>,
    /// Held from a local membership change to sending its subscription change, so the
    /// subscriber task gets those in the order the local groups changed: a last member leaving
    /// and a first one joining right after must end subscribed, not unsubscribed.
    changes: std::sync::Mutex<()>,
    task: tokio::task::JoinHandle<()>,
    publishing: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for RedisChannelLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisChannelLayer")
            .field("prefix", &self.prefix)
            .field("connected", &self.is_connected())
            .field("local", &self.local)
            .finish_non_exhaustive()
    }
}

impl Drop for RedisChannelLayer {
    fn drop(&mut self) {
        self.task.abort();
        self.publishing.abort();
    }
}

impl RedisChannelLayer {
    /// Connects to Redis at `url` (e.g. `redis://127.0.0.1:6379`), with channel names prefixed
    /// `chanrest:`. Fails at once, with the reason, when Redis cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, LayerError> {
        Self::connect_with_prefix(url, "chanrest:").await
    }

    /// Like [`RedisChannelLayer::connect`], with another channel prefix (to run several
    /// independent deployments on one Redis).
    pub async fn connect_with_prefix(url: &str, prefix: &str) -> Result<Self, LayerError> {
        let fail =
            |err: redis::RedisError| LayerError(format!("cannot connect to Redis at {url}: {err}"));
        let client = redis::Client::open(url).map_err(fail)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_WAIT))
            .set_response_timeout(Some(REDIS_WAIT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(2));
        let publisher = tokio::time::timeout(
            REDIS_WAIT * 2,
            client.get_connection_manager_with_config(config),
        )
        .await
        .map_err(|_| LayerError(format!("cannot connect to Redis at {url}: timed out")))?
        .map_err(fail)?;
        let pubsub = tokio::time::timeout(REDIS_WAIT * 2, client.get_async_pubsub())
            .await
            .map_err(|_| LayerError(format!("cannot connect to Redis at {url}: timed out")))?
            .map_err(fail)?;
        let local = Arc::new(LocalGroups::default());
        let (control, requests) = mpsc::unbounded_channel();
        let origin = origin_id();
        let connected = Arc::new(AtomicBool::new(true));
        let task = tokio::spawn(subscriber(
            client,
            pubsub,
            local.clone(),
            requests,
            origin,
            connected.clone(),
        ));
        let (outgoing, batches) = mpsc::channel(PUBLISH_QUEUE);
        let publishing = tokio::spawn(publish(publisher, batches));
        tracing::info!(url, prefix, "redis channel layer connected");
        Ok(RedisChannelLayer {
            local,
            outgoing,
            control,
            prefix: prefix.to_owned(),
            origin,
            connected,
            changes: std::sync::Mutex::new(()),
            task,
            publishing,
        })
    }

    /// The members in this process.
    pub fn local(&self) -> &LocalGroups {
        &self.local
    }

    /// Whether the subscriber connection is up right now.
    pub fn is_connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }

    fn channel(&self, group: &str) -> String {
        if group.len() <= MAX_PLAIN_CHANNEL {
            format!("{}g:{}", self.prefix, group)
        } else {
            format!(
                "{}h:{:016x}:{}",
                self.prefix,
                fnv1a(group.as_bytes()),
                group.len()
            )
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn origin_id() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    fnv1a(format!("{}:{}:{:p}", std::process::id(), nanos, &nanos).as_bytes())
}

#[async_trait]
impl ChannelLayer for RedisChannelLayer {
    async fn group_add(&self, group: &str, member: Arc<dyn GroupMember>) -> Result<(), LayerError> {
        let confirmed = {
            let _in_order = self.changes.lock().unwrap_or_else(|e| e.into_inner());
            if !self.local.add(group, member) {
                return Ok(());
            }
            let (ack, confirmed) = oneshot::channel();
            let _ = self
                .control
                .send(Control::Subscribe(self.channel(group), ack));
            confirmed
        };
        // Wait for Redis to confirm, so a push sent elsewhere right after this returns is
        // received; if Redis is away, local delivery works and the subscription is renewed on
        // reconnection.
        if tokio::time::timeout(REDIS_WAIT, confirmed).await.is_err() {
            tracing::warn!(group, "redis did not confirm a subscription in time");
        }
        Ok(())
    }

    async fn group_discard(&self, group: &str, member_id: u64) -> Result<(), LayerError> {
        let _in_order = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        if self.local.discard(group, member_id) {
            let _ = self.control.send(Control::Unsubscribe(self.channel(group)));
        }
        Ok(())
    }

    async fn group_send(&self, group: &str, push: Push) -> Result<(), LayerError> {
        self.group_send_all(vec![(group.to_owned(), push)]).await
    }

    /// Delivers to local members (at once, or at the end of the sending connection's poll, as
    /// [`LocalGroups::deliver`] says) and hands the pushes, encoded, to the layer's publishing
    /// task, which sends whatever has queued in one pipeline. The caller does not
    /// wait for Redis: an action that changes a watched model answers without a round trip,
    /// whatever the number of subscribers (one publishing task per process keeps the pushes
    /// of one source in order). While Redis is known to be away, the pushes for other
    /// processes are dropped here, so they are lost rather than delivered late.
    async fn group_send_all(&self, pushes: Vec<(String, Push)>) -> Result<(), LayerError> {
        for (group, push) in &pushes {
            self.local.deliver(group, push);
        }
        if !self.is_connected() {
            tracing::warn!(
                groups = pushes.len(),
                "redis is unavailable; other processes miss these pushes"
            );
            return Ok(());
        }
        let mut messages = Vec::with_capacity(pushes.len());
        for (group, push) in pushes {
            let message = serde_json::to_string(&Envelope {
                o: self.origin,
                g: group.as_str().into(),
                p: push,
            })
            .map_err(|e| LayerError(e.to_string()))?;
            messages.push((self.channel(&group), message));
        }
        // Waits only when the publishing task is `PUBLISH_QUEUE` batches behind.
        if self.outgoing.send(messages).await.is_err() {
            tracing::warn!(
                "the redis publishing task has ended; other processes miss these pushes"
            );
        }
        Ok(())
    }

    fn is_connected(&self) -> bool {
        RedisChannelLayer::is_connected(self)
    }
}

/// Publishes the layer's pushes in the order they were sent: takes every batch queued (up to
/// [`MAX_PIPELINED`]) and sends them in one pipeline, one round trip however many groups and
/// changes they carry. A failed or timed-out pipeline is logged and dropped, not retried: its
/// pushes are lost, not late.
async fn publish(
    mut publisher: ConnectionManager,
    mut batches: mpsc::Receiver<Vec<(String, String)>>,
) {
    let mut queued = Vec::with_capacity(MAX_PIPELINED);
    while batches.recv_many(&mut queued, MAX_PIPELINED).await > 0 {
        let mut pipeline = redis::pipe();
        let mut count = 0;
        for (channel, message) in queued.drain(..).flatten() {
            pipeline.cmd("PUBLISH").arg(channel).arg(message).ignore();
            count += 1;
        }
        let published =
            tokio::time::timeout(REDIS_WAIT, pipeline.query_async::<()>(&mut publisher)).await;
        match published {
            Ok(Ok(())) => {}
            Ok(Err(err)) => tracing::warn!(
                %err,
                count,
                "redis publish failed; other processes miss these pushes"
            ),
            Err(_) => tracing::warn!(
                count,
                "redis publish timed out; other processes miss these pushes"
            ),
        }
    }
}

/// Owns the pub/sub connection: applies subscription changes, delivers messages from other
/// processes, and reconnects (renewing every subscription) when the connection drops.
async fn subscriber(
    client: redis::Client,
    first: redis::aio::PubSub,
    local: Arc<LocalGroups>,
    mut requests: mpsc::UnboundedReceiver<Control>,
    origin: u64,
    connected: Arc<AtomicBool>,
) {
    let mut channels: HashSet<String> = HashSet::new();
    let mut pubsub = Some(first);
    let mut backoff = FIRST_BACKOFF;
    loop {
        // Bounded: a Redis that drops packets would otherwise hold every first subscription
        // (`group_add` waits for its acknowledgement) until the kernel's connect timeout.
        let connection = match pubsub.take() {
            Some(connection) => Ok(connection),
            None => match tokio::time::timeout(REDIS_WAIT, client.get_async_pubsub()).await {
                Ok(connection) => connection.map_err(|e| e.to_string()),
                Err(_) => Err("timed out".to_owned()),
            },
        };
        let (mut sink, mut stream) = match connection {
            Ok(connection) => connection.split(),
            Err(err) => {
                if connected.swap(false, Ordering::Relaxed) {
                    tracing::error!(%err, "redis is unavailable; pushes between processes are lost until it is back");
                }
                if !wait_taking_changes(&mut backoff, &mut requests, &mut channels).await {
                    return;
                }
                continue;
            }
        };
        if !channels.is_empty() {
            let all: Vec<&String> = channels.iter().collect();
            let renewed = match tokio::time::timeout(REDIS_WAIT, sink.subscribe(&all)).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(err)) => Err(err.to_string()),
                Err(_) => Err("timed out".to_owned()),
            };
            if let Err(err) = renewed {
                tracing::warn!(%err, "renewing redis subscriptions failed");
                if !wait_taking_changes(&mut backoff, &mut requests, &mut channels).await {
                    return;
                }
                continue;
            }
        }
        if !connected.swap(true, Ordering::Relaxed) {
            tracing::info!(
                channels = channels.len(),
                "redis is back; subscriptions renewed"
            );
        }
        let up_since = tokio::time::Instant::now();
        loop {
            tokio::select! {
                message = stream.next() => {
                    let Some(message) = message else {
                        connected.store(false, Ordering::Relaxed);
                        tracing::error!("lost the redis pub/sub connection; reconnecting");
                        break;
                    };
                    let Ok(payload) = message.get_payload::<Vec<u8>>() else { continue };
                    match serde_json::from_slice::<Envelope<'_>>(&payload) {
                        Ok(envelope) if envelope.o != origin => {
                            local.deliver(&envelope.g, &envelope.p);
                        }
                        Ok(_) => {}
                        Err(err) => tracing::warn!(%err, "ignoring a malformed message on a chanrest channel"),
                    }
                }
                request = requests.recv() => match request {
                    None => return,
                    Some(Control::Subscribe(channel, ack)) => {
                        let result = tokio::time::timeout(REDIS_WAIT, sink.subscribe(&channel)).await;
                        channels.insert(channel);
                        let _ = ack.send(());
                        if !matches!(result, Ok(Ok(()))) {
                            connected.store(false, Ordering::Relaxed);
                            tracing::error!("a redis subscription failed; reconnecting");
                            break;
                        }
                    }
                    Some(Control::Unsubscribe(channel)) => {
                        channels.remove(&channel);
                        let result = tokio::time::timeout(REDIS_WAIT, sink.unsubscribe(&channel)).await;
                        if !matches!(result, Ok(Ok(()))) {
                            connected.store(false, Ordering::Relaxed);
                            tracing::error!("a redis unsubscription failed; reconnecting");
                            break;
                        }
                    }
                },
            }
        }
        // A connection that Redis keeps dropping (a pub/sub output limit, a proxy) must not
        // be renewed in a tight loop: only one that lasted starts the backoff afresh.
        if up_since.elapsed() >= STABLE_CONNECTION {
            backoff = FIRST_BACKOFF;
        }
        if !wait_taking_changes(&mut backoff, &mut requests, &mut channels).await {
            return;
        }
    }
}

/// Waits `backoff` before the next attempt to reach Redis, and doubles it (up to 5 s). Keeps
/// taking subscription changes meanwhile, so none is lost. False once the layer is gone.
async fn wait_taking_changes(
    backoff: &mut Duration,
    requests: &mut mpsc::UnboundedReceiver<Control>,
    channels: &mut HashSet<String>,
) -> bool {
    let wait = tokio::time::sleep(*backoff);
    tokio::pin!(wait);
    *backoff = (*backoff * 2).min(Duration::from_secs(5));
    loop {
        tokio::select! {
            _ = &mut wait => return true,
            request = requests.recv() => match request {
                None => return false,
                Some(Control::Subscribe(channel, ack)) => {
                    channels.insert(channel);
                    let _ = ack.send(());
                }
                Some(Control::Unsubscribe(channel)) => {
                    channels.remove(&channel);
                }
            },
        }
    }
}
