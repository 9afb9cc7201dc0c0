//! One WebSocket connection: a reader that decodes frames and dispatches actions, a writer
//! that drains a bounded outbound queue, and one session per consumer on the socket (several
//! behind a multiplexer).

use crate::consumer::{BoxFuture, Consumer};
use crate::envelope::{self, BadFrame, Dialect, Envelope, Reply, RequestId};
use crate::error::{messages, ActionError};
use crate::layer::{ChannelLayer, GroupMember, Push};
use crate::permission::Permissions;
use crate::scope::{Scope, User};
use crate::server::{Limits, Metrics};
use bytes::BytesMut;
use futures_util::task::AtomicWaker;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::Value;
use std::any::Any;
use std::collections::HashMap;
use std::collections::VecDeque;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;
use tracing::Instrument;

/// Close codes chanrest sends, besides the standard ones. Codes in 4000–4499 mean "reconnect
/// may succeed"; 4500–4999 mean "do not reconnect as is" (Centrifugo's split).
pub mod close_code {
    /// The server is shutting down (standard "going away").
    pub const GOING_AWAY: u16 = 1001;
    /// A text frame that is not UTF-8 (standard).
    pub const INVALID_UTF8: u16 = 1007;
    /// `on_connect` refused the connection (standard "policy violation").
    pub const POLICY: u16 = 1008;
    /// A message above `Limits::max_message_size` (standard "message too big").
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    /// `on_connect` took longer than `Limits::hook_timeout` (standard "internal error").
    pub const INTERNAL_ERROR: u16 = 1011;
    /// The client did not read fast enough: its outbound queue passed
    /// `Limits::max_outbound_bytes`, or one write took longer than `Limits::write_timeout`.
    pub const SLOW_CONSUMER: u16 = 4008;
    /// No frame (not even a pong) within `Limits::ping_interval + Limits::ping_timeout`.
    pub const PING_TIMEOUT: u16 = 4009;
}

static NEXT_MEMBER_ID: AtomicU64 = AtomicU64::new(1);

#[derive(Debug, Clone)]
struct CloseReason {
    code: u16,
    reason: &'static str,
}

enum Frame {
    Text(String),
    /// A push in the DCRF envelope, built by the writer (so a fan-out allocates nothing per
    /// subscriber): `prefix`, the request id, `}`; behind a multiplexer wrapped as
    /// `stream` ... `}`.
    Push {
        stream: Option<Arc<str>>,
        prefix: Arc<str>,
        id: IdText,
    },
    /// A frame whose bytes are shared with other connections (a push to plain members).
    Shared(Utf8Bytes),
    Ping,
}

impl Frame {
    /// The bytes of a text frame's payload.
    fn text_len(&self) -> usize {
        match self {
            Frame::Text(text) => text.len(),
            Frame::Shared(text) => text.len(),
            Frame::Push { stream, prefix, id } => {
                let wrapped = stream.as_ref().map_or(0, |s| s.len() + 1);
                wrapped + prefix.len() + id.as_str().len() + 1
            }
            Frame::Ping => 0,
        }
    }
}

/// A request id's JSON text, inline when short (the usual case), so queuing a push for it
/// allocates nothing.
enum IdText {
    Inline { len: u8, bytes: [u8; 30] },
    Shared(Arc<str>),
}

impl IdText {
    fn new(text: &str) -> IdText {
        let mut bytes = [0; 30];
        match bytes.get_mut(..text.len()) {
            Some(inline) => {
                inline.copy_from_slice(text.as_bytes());
                IdText::Inline {
                    len: text.len() as u8,
                    bytes,
                }
            }
            None => IdText::Shared(Arc::from(text)),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Copied from a `&str` whole by `new`.
            IdText::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            IdText::Shared(text) => text,
        }
    }
}

/// The connection's outbound queue: unbounded in messages but bounded in bytes; a client that
/// lets it pass the bound is disconnected (`SLOW_CONSUMER`) instead of growing memory.
///
/// A push to a large group queues a frame on thousands of these in a row, so everything a
/// sender touches (the frames, their byte count, whether the connection is closing) sits
/// behind one uncontended lock in one allocation, and the writer is woken only when the queue
/// goes from empty to not empty.
pub(crate) struct Outbound {
    queue: Mutex<Queue>,
    writer: AtomicWaker,
    limit: usize,
    /// The close reason, for the reader and writer to wait on (not touched when sending).
    close: watch::Sender<Option<CloseReason>>,
}

#[derive(Default)]
struct Queue {
    frames: VecDeque<Frame>,
    /// Group pushes that arrived while a message was being handled (see [`Outbound::hold`]).
    held: VecDeque<Frame>,
    holding: bool,
    /// Bytes of text frames queued, held or being written, not yet handed to the socket.
    bytes: usize,
    /// The part of `bytes` that is held.
    held_bytes: usize,
    closing: bool,
}

impl Outbound {
    fn new(limit: usize) -> Self {
        Outbound {
            queue: Mutex::new(Queue::default()),
            writer: AtomicWaker::new(),
            limit,
            close: watch::channel(None).0,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a frame; false when the connection is closing or has just been closed as slow.
    fn send_text(&self, text: String) -> bool {
        self.send(Frame::Text(text), false)
    }

    /// Queues a group's push; held back while a message is being handled.
    fn send_push(&self, frame: Frame) -> bool {
        self.send(frame, true)
    }

    /// Queues a text frame (see [`Outbound::send_text`]).
    fn send(&self, frame: Frame, push: bool) -> bool {
        let len = frame.text_len();
        let mut queue = self.lock();
        if queue.closing {
            return false;
        }
        if push && queue.holding && queue.held_bytes > 0 && queue.held_bytes + len > self.limit / 2
        {
            // A long action has held back half the bound in group pushes: they go out now,
            // ahead of its reply, and the other half is left for the writer to drain into.
            // The client reads them; closing it as slow would punish the server's own slowness.
            queue = self.release_held(queue);
        }
        // One message bigger than the bound still goes out on an idle connection.
        if queue.bytes > 0 && queue.bytes + len > self.limit {
            let queued = queue.bytes;
            drop(queue);
            tracing::warn!(queued, "slow consumer: outbound queue full, closing");
            self.close(close_code::SLOW_CONSUMER, "slow consumer");
            return false;
        }
        queue.bytes += len;
        if push && queue.holding {
            queue.held_bytes += len;
            queue.held.push_back(frame);
        } else {
            self.push(queue, frame);
        }
        true
    }

    /// Holds group pushes back until the guard is dropped, so they follow the reply to the
    /// message being handled, as in DCRF, whose consumer takes group messages only between
    /// messages. Without it a push caused by a `subscribe` (or by anything else the handler
    /// does) could overtake that request's own reply, and a client matching replies by
    /// `request_id` would take the push for the reply. What is held counts toward the bound;
    /// once it would pass half of it, the hold ends early (see [`Outbound::send`]).
    fn hold(&self) -> Held<'_> {
        self.lock().holding = true;
        Held(self)
    }

    fn send_ping(&self) {
        let queue = self.lock();
        if !queue.closing {
            self.push(queue, Frame::Ping);
        }
    }

    fn push(&self, mut queue: std::sync::MutexGuard<'_, Queue>, frame: Frame) {
        let was_empty = queue.frames.is_empty();
        queue.frames.push_back(frame);
        drop(queue);
        if was_empty {
            self.writer.wake();
        }
    }

    fn release(&self) {
        drop(self.release_held(self.lock()));
    }

    /// Ends the hold: what was held joins the queue, in order.
    fn release_held<'a>(
        &self,
        mut queue: std::sync::MutexGuard<'a, Queue>,
    ) -> std::sync::MutexGuard<'a, Queue> {
        queue.holding = false;
        queue.held_bytes = 0;
        if !queue.held.is_empty() {
            if queue.frames.is_empty() {
                self.writer.wake();
            }
            let mut held = std::mem::take(&mut queue.held);
            queue.frames.append(&mut held);
        }
        queue
    }

    /// Moves every queued frame into `batch` (empty), or registers the writer to be woken.
    fn poll_take(&self, cx: &mut Context<'_>, batch: &mut VecDeque<Frame>) -> Poll<()> {
        self.writer.register(cx.waker());
        let mut queue = self.lock();
        if queue.frames.is_empty() {
            return Poll::Pending;
        }
        std::mem::swap(&mut queue.frames, batch);
        Poll::Ready(())
    }

    /// Takes what is queued right now (possibly nothing).
    fn take(&self, batch: &mut VecDeque<Frame>) {
        std::mem::swap(&mut self.lock().frames, batch);
    }

    /// `bytes` of text frames have been handed to the socket.
    fn written(&self, bytes: usize) {
        let mut queue = self.lock();
        queue.bytes = queue.bytes.saturating_sub(bytes);
    }

    fn close(&self, code: u16, reason: &'static str) {
        self.lock().closing = true;
        self.close.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(CloseReason { code, reason });
                true
            } else {
                false
            }
        });
        self.writer.wake();
    }

    fn is_closing(&self) -> bool {
        self.lock().closing
    }
}

/// Group pushes held back while it lives (see [`Outbound::hold`]).
struct Held<'a>(&'a Outbound);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// Who a group's push is for on one session: plain membership and subscribing request ids.
#[derive(Default, Clone)]
struct Targets {
    plain: bool,
    request_ids: Vec<RequestId>,
    /// The JSON text of every subscribing request id, each after its length (a `usize`, native
    /// order): what a push appends, in one allocation instead of a pointer per id to chase.
    /// Empty (nothing to fetch) for a plain member.
    ids_text: Vec<u8>,
}

impl Targets {
    fn is_empty(&self) -> bool {
        !self.plain && self.request_ids.is_empty()
    }

    fn refresh(&mut self) {
        self.ids_text.clear();
        for id in &self.request_ids {
            let text = id.as_json().as_bytes();
            self.ids_text.extend_from_slice(&text.len().to_ne_bytes());
            self.ids_text.extend_from_slice(text);
        }
    }

    /// The JSON text of each target's request id.
    fn ids(&self) -> impl Iterator<Item = &str> {
        let mut rest = self.ids_text.as_slice();
        std::iter::from_fn(move || {
            let (len, tail) = rest.split_first_chunk::<{ std::mem::size_of::<usize>() }>()?;
            let (id, tail) = tail.split_at_checked(usize::from_ne_bytes(*len))?;
            rest = tail;
            // Written from `&str`s by `refresh`.
            std::str::from_utf8(id).ok()
        })
    }
}

/// One session's membership of one group, as the channel layer holds it: a push to the group
/// comes straight here, with no lookup by group name, and goes out once per target. It never
/// changes (so a push reads it without a lock): a change of targets puts a new one in the
/// layer in its place.
struct Membership {
    session_id: u64,
    out: Arc<Outbound>,
    dialect: Dialect,
    stream: Option<Arc<str>>,
    /// `{"stream":"<name>","payload":` behind the multiplexer.
    stream_prefix: Option<Arc<str>>,
    targets: Targets,
}

impl GroupMember for Membership {
    fn member_id(&self) -> u64 {
        self.session_id
    }

    fn prefetch(&self) {
        crate::layer::prefetch(&self.out);
        if let Some(first) = self.targets.ids_text.first() {
            std::hint::black_box(*first);
        }
    }

    fn deliver(&self, _group: &str, push: &Push) {
        let targets = &self.targets;
        if self.dialect == Dialect::Dcrf {
            // The common case, and the hot one in a large fan-out: the envelope is encoded
            // once per push; each target only adds its request id.
            let prefix = push.shared_dcrf_prefix();
            let plain = targets.plain.then_some("null");
            for id in targets.ids().chain(plain) {
                let frame = if id == "null" && self.stream_prefix.is_none() {
                    // A plain member: the same bytes as every other one.
                    Frame::Shared(push.plain_frame().clone())
                } else {
                    Frame::Push {
                        stream: self.stream_prefix.clone(),
                        prefix: prefix.clone(),
                        id: IdText::new(id),
                    }
                };
                if !self.out.send_push(frame) {
                    return;
                }
            }
            return;
        }
        let plain = targets.plain.then(RequestId::none);
        let action: Arc<str> = Arc::from(push.action.as_str());
        for request_id in targets.request_ids.iter().chain(plain.as_ref()) {
            let reply = Reply::ok(
                Some(action.clone()),
                request_id.clone(),
                push.status,
                push.data.clone(),
            );
            if !self.out.send_push(Frame::Text(
                reply.encode(self.dialect, self.stream.as_deref()),
            )) {
                return;
            }
        }
    }
}

/// One consumer instance on one connection.
pub(crate) struct Session {
    id: u64,
    consumer: Arc<dyn Consumer>,
    permissions: Permissions,
    dialect: Dialect,
    stream: Option<Arc<str>>,
    /// `{"stream":"<name>","payload":` behind the multiplexer, for pushes.
    stream_prefix: Option<Arc<str>>,
    scope: Arc<Scope>,
    out: Arc<Outbound>,
    layer: Arc<dyn ChannelLayer>,
    groups: Mutex<HashMap<String, Arc<Membership>>>,
    /// Held across a membership change, layer call included, so the layer gets a session's
    /// changes in the order they were made.
    membership_changes: tokio::sync::Mutex<()>,
    detached: Mutex<JoinSet<()>>,
    max_detached: usize,
    max_groups: usize,
    hook_timeout: Duration,
    generations: Mutex<HashMap<String, u64>>,
    metrics: Arc<Metrics>,
    _alive: Counted,
}

impl Session {
    fn send_reply(&self, reply: &Reply) -> bool {
        self.out
            .send_text(reply.encode(self.dialect, self.stream.as_deref()))
    }

    fn lock_groups(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Membership>>> {
        self.groups.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Updates this session's membership of `group` and joins or leaves the layer's group
    /// when the session's interest starts or ends.
    async fn update_membership(
        self: &Arc<Self>,
        group: &str,
        change: impl FnOnce(&mut Targets),
    ) -> crate::Result<()> {
        let _in_order = self.membership_changes.lock().await;
        let (membership, was_member) = {
            let mut groups = self.lock_groups();
            let was_member = groups.contains_key(group);
            let mut targets = groups
                .get(group)
                .map(|m| m.targets.clone())
                .unwrap_or_default();
            change(&mut targets);
            targets.refresh();
            // Only joining counts against the bound: leaving is always allowed.
            if !was_member && !targets.is_empty() && groups.len() >= self.max_groups {
                return Err(ActionError::Status {
                    status: 429,
                    errors: vec![format!(
                        "Too many groups and subscriptions on this connection (at most {}).",
                        self.max_groups
                    )
                    .into()],
                });
            }
            if targets.is_empty() {
                // Left in the map until the layer has let go (below): if this future is
                // cancelled in between, shut_down still finds the group and leaves it.
                (None, was_member)
            } else {
                let membership = Arc::new(Membership {
                    session_id: self.id,
                    out: self.out.clone(),
                    dialect: self.dialect,
                    stream: self.stream.clone(),
                    stream_prefix: self.stream_prefix.clone(),
                    targets,
                });
                groups.insert(group.to_owned(), membership.clone());
                (Some(membership), was_member)
            }
        };
        match (was_member, membership) {
            (was_member, Some(membership)) => {
                if !was_member {
                    self.metrics.memberships.fetch_add(1, Ordering::Relaxed);
                }
                // Joins, or replaces this session's membership with the changed one.
                let member: Arc<dyn GroupMember> = membership;
                self.layer.group_add(group, member).await?;
            }
            (true, None) => {
                self.layer.group_discard(group, self.id).await?;
                if self.lock_groups().remove(group).is_some() {
                    self.metrics.memberships.fetch_sub(1, Ordering::Relaxed);
                }
            }
            (false, None) => {}
        }
        Ok(())
    }

    fn spawn_detached(&self, task: impl Future<Output = ()> + Send + 'static) -> bool {
        let mut set = self.detached.lock().unwrap_or_else(|e| e.into_inner());
        while set.try_join_next().is_some() {}
        if set.len() >= self.max_detached {
            return false;
        }
        let alive = Counted::new(&self.metrics, |m| &m.detached);
        set.spawn(async move {
            let _alive = alive;
            task.await
        });
        true
    }

    /// Cancels detached tasks, leaves every group, and runs `on_disconnect` (then leaves any
    /// group it joined).
    async fn shut_down(self: &Arc<Self>) {
        let mut set = std::mem::take(&mut *self.detached.lock().unwrap_or_else(|e| e.into_inner()));
        set.shutdown().await;
        self.leave_all_groups().await;
        let ctx = Ctx {
            session: self.clone(),
            action: None,
            request_id: RequestId::none(),
            route: None,
            routing: None,
        };
        let disconnecting = CatchUnwind(self.consumer.clone().on_disconnect(ctx));
        match tokio::time::timeout(self.hook_timeout, disconnecting).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => tracing::error!("on_disconnect panicked"),
            Err(_) => tracing::warn!("on_disconnect took too long, abandoned"),
        }
        self.leave_all_groups().await;
    }

    async fn leave_all_groups(&self) {
        let groups: Vec<String> = self.lock_groups().drain().map(|(g, _)| g).collect();
        for group in groups {
            self.metrics.memberships.fetch_sub(1, Ordering::Relaxed);
            if let Err(err) = self.layer.group_discard(&group, self.id).await {
                tracing::warn!(%err, group, "leaving a group on disconnect failed");
            }
        }
    }
}

/// What a handler knows about the message it serves and the connection it came from.
/// Cheap to clone; detached tasks keep one.
#[derive(Clone)]
pub struct Ctx {
    session: Arc<Session>,
    action: Option<Arc<str>>,
    request_id: RequestId,
    route: Option<Arc<str>>,
    routing: Option<Routing>,
}

/// Where routing stands for one message of an RFC consumer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Routing {
    /// The part of the route's path the routers above have not matched yet.
    pub(crate) rest: Arc<str>,
    /// Argument names that came from the route (parameters and query string) as text, to be
    /// read as their declared types.
    pub(crate) text_args: Arc<[String]>,
}

impl Ctx {
    /// The connection's scope: path, query, headers, user.
    pub fn scope(&self) -> &Scope {
        &self.session.scope
    }

    /// The authenticated user, if any.
    pub fn user(&self) -> Option<&User> {
        self.session.scope.user.as_ref()
    }

    /// The `request_id` of the message being served (`null` when it had none).
    pub fn request_id(&self) -> &RequestId {
        &self.request_id
    }

    /// The RFC dialect's `route` of the message being served, as the client sent it (`None`
    /// in the DCRF dialect).
    pub fn route(&self) -> Option<&str> {
        self.route.as_deref()
    }

    pub(crate) fn routing(&self) -> Option<&Routing> {
        self.routing.as_ref()
    }

    pub(crate) fn set_routing(&mut self, routing: Routing) {
        self.routing = Some(routing);
    }

    /// The action being served (`None` in `on_connect`/`on_disconnect`).
    pub fn action(&self) -> Option<&str> {
        self.action.as_deref()
    }

    /// The multiplexer stream this consumer serves, if any.
    pub fn stream(&self) -> Option<&str> {
        self.session.stream.as_deref()
    }

    /// The channel layer, for sending to groups from anywhere.
    pub fn layer(&self) -> &Arc<dyn ChannelLayer> {
        &self.session.layer
    }

    /// Joins `group`: its pushes reach this socket with `request_id: null`.
    pub async fn add_group(&self, group: &str) -> crate::Result<()> {
        self.session
            .update_membership(group, |m| m.plain = true)
            .await
    }

    /// Leaves `group` (subscriptions to it made with [`Ctx::subscribe`] stay).
    pub async fn remove_group(&self, group: &str) -> crate::Result<()> {
        self.session
            .update_membership(group, |m| m.plain = false)
            .await
    }

    /// Subscribes this message's `request_id` to `group`: each push to the group reaches this
    /// socket once per subscribing request id, carrying that id (DCRF's observer
    /// `subscribe(request_id=...)`). A message without `request_id` gets a 400.
    pub async fn subscribe(&self, group: &str) -> crate::Result<()> {
        if self.request_id.is_none() {
            return Err(ActionError::BadRequest(
                "request_id must have a value set".to_owned(),
            ));
        }
        let request_id = self.request_id.clone();
        self.session
            .update_membership(group, |m| {
                if !m.request_ids.contains(&request_id) {
                    m.request_ids.push(request_id);
                }
            })
            .await
    }

    /// Removes this message's `request_id` from `group`.
    pub async fn unsubscribe(&self, group: &str) -> crate::Result<()> {
        let request_id = self.request_id.clone();
        self.session
            .update_membership(group, |m| m.request_ids.retain(|id| *id != request_id))
            .await
    }

    /// Removes this message's `request_id` from every group of this session (DCRF's
    /// `unsubscribe_instance` with a request id); unknown ids are ignored.
    pub async fn unsubscribe_all(&self) -> crate::Result<()> {
        let groups: Vec<String> = self
            .session
            .lock_groups()
            .iter()
            .filter(|(_, m)| m.targets.request_ids.contains(&self.request_id))
            .map(|(g, _)| g.clone())
            .collect();
        for group in groups {
            self.unsubscribe(&group).await?;
        }
        Ok(())
    }

    /// The groups this session is in, sorted.
    pub fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = self.session.lock_groups().keys().cloned().collect();
        groups.sort();
        groups
    }

    /// Sends `push` to every member of `group`, in this process or (with a networked layer)
    /// any other.
    pub async fn group_send(&self, group: &str, push: Push) -> crate::Result<()> {
        Ok(self.session.layer.group_send(group, push).await?)
    }

    /// Sends a push to this socket only, with `request_id: null`.
    pub fn push(&self, push: &Push) {
        let reply = Reply::ok(
            Some(Arc::from(push.action.as_str())),
            RequestId::none(),
            push.status,
            push.data.clone(),
        );
        self.session.send_reply(&reply);
    }

    /// Sends one more reply to the message being served, with its `action` and `request_id`
    /// (streamed lists send one per page). Returns false once the socket is closing.
    pub fn reply<T: Serialize + ?Sized>(&self, status: u16, data: &T) -> crate::Result<bool> {
        let data = envelope::encode_data(data)?;
        Ok(self.session.send_reply(
            &Reply::ok(self.action.clone(), self.request_id.clone(), status, data)
                .with_route(self.route.clone()),
        ))
    }

    /// A counter per `key` on this consumer instance, for cancelling work: a long task reads
    /// it when it starts and stops once it changes (see [`Ctx::next_generation`]).
    pub fn generation(&self, key: &str) -> u64 {
        *self
            .session
            .generations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .unwrap_or(&0)
    }

    /// Advances the counter of `key`, telling the tasks that read the old value to stop.
    pub fn next_generation(&self, key: &str) -> u64 {
        let mut generations = self
            .session
            .generations
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let value = generations.entry(key.to_owned()).or_insert(0);
        *value += 1;
        *value
    }

    /// True once the connection is closing; long detached work can stop early.
    pub fn is_closing(&self) -> bool {
        self.session.out.is_closing()
    }
}

/// A consumer mounted on an endpoint, with its permission computed once.
#[derive(Clone)]
pub(crate) struct Mount {
    pub(crate) consumer: Arc<dyn Consumer>,
    pub(crate) permissions: Permissions,
}

impl Mount {
    pub(crate) fn new(consumer: Arc<dyn Consumer>) -> Self {
        let permissions = consumer.permissions();
        Mount {
            consumer,
            permissions,
        }
    }
}

/// What a path serves: one consumer, or several behind the multiplexer.
pub(crate) enum Endpoint {
    Consumer(Mount),
    Multiplexer(Vec<(Arc<str>, Mount)>),
}

impl Endpoint {
    pub(crate) fn mounts(&self) -> Vec<&Mount> {
        match self {
            Endpoint::Consumer(mount) => vec![mount],
            Endpoint::Multiplexer(streams) => streams.iter().map(|(_, m)| m).collect(),
        }
    }
}

/// Polls a future, turning a panic into an error so one bad handler cannot take the socket.
struct CatchUnwind<F>(F);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic".to_owned())
}

/// Awaits an action and turns its outcome into the reply.
async fn finish_action(
    fut: BoxFuture<'static, crate::Result<(u16, Arc<serde_json::value::RawValue>)>>,
    action: Arc<str>,
    request_id: RequestId,
    route: Option<Arc<str>>,
) -> Reply {
    let outcome = CatchUnwind(fut).await.unwrap_or_else(|panic| {
        Err(ActionError::internal(format!(
            "handler panicked: {}",
            panic_message(&*panic)
        )))
    });
    let reply = match outcome {
        Ok((status, data)) => Reply::ok(Some(action), request_id, status, data),
        Err(err) => {
            if let ActionError::Internal(cause) = &err {
                tracing::error!(action = &*action, error = %cause, "action failed");
            }
            Reply::error(Some(action), request_id, &err)
        }
    };
    reply.with_route(route)
}

/// Serves one message on one session.
async fn handle_message(session: &Arc<Session>, envelope: Envelope) {
    // Group pushes wait for this message's reply (a detached action's comes later: only its
    // start is waited for).
    let _held = session.out.hold();
    let Envelope {
        mut request_id,
        mut content,
    } = envelope;
    // The RFC dialect has no request ids: a `request_id` key is an ordinary argument, and the
    // correlation is the `route`, echoed as sent.
    let mut route: Option<Arc<str>> = None;
    if session.dialect == Dialect::Rfc {
        if let Some(value) = request_id.take_value() {
            content.insert("request_id".to_owned(), value);
        }
        match content.remove("route") {
            None | Some(Value::Null) => route = Some(Arc::from("")),
            Some(Value::String(text)) => route = Some(Arc::from(text)),
            Some(_) => {
                let err = ActionError::BadRequest("Route must be a string.".to_owned());
                let action = match content.get("action") {
                    Some(Value::String(name)) => Some(Arc::from(name.as_str())),
                    _ => None,
                };
                session.send_reply(&Reply::error(action, request_id, &err).with_route(route));
                return;
            }
        }
    }
    let action: Arc<str> = match session.consumer.action_name(&mut content) {
        Some(Value::String(name)) => Arc::from(name),
        None => {
            let err = ActionError::Status {
                status: 405,
                errors: vec![messages::ACTION_MISSING.into()],
            };
            session.send_reply(&Reply::error(None, request_id, &err).with_route(route));
            return;
        }
        Some(_) => {
            let err = ActionError::BadRequest(messages::ACTION_NOT_STRING.to_owned());
            session.send_reply(&Reply::error(None, request_id, &err).with_route(route));
            return;
        }
    };
    let span = tracing::debug_span!(
        "action",
        action = &*action,
        request_id = request_id.as_json()
    );
    async {
        // DCRF's order: permission first, then whether the action exists.
        if !session
            .permissions
            .has_permission(&session.scope, &action, &content)
            .await
        {
            session.send_reply(
                &Reply::error(Some(action), request_id, &ActionError::PermissionDenied)
                    .with_route(route),
            );
            return;
        }
        let ctx = Ctx {
            session: session.clone(),
            action: Some(action.clone()),
            request_id: request_id.clone(),
            route: route.clone(),
            routing: None,
        };
        let started = CatchUnwind(session.consumer.clone().resolve(ctx, &action, content))
            .await
            .unwrap_or_else(|panic| {
                Err(ActionError::internal(format!(
                    "routing panicked: {}",
                    panic_message(&*panic)
                )))
            });
        let started = match started {
            Ok(started) => started,
            Err(err) => {
                if let ActionError::Internal(cause) = &err {
                    tracing::error!(action = &*action, error = %cause, "action failed");
                }
                session.send_reply(&Reply::error(Some(action), request_id, &err).with_route(route));
                return;
            }
        };
        if started.detached {
            let task_session = session.clone();
            let task_action = action.clone();
            let task_id = request_id.clone();
            let task_route = route.clone();
            let task = async move {
                let reply = finish_action(started.future, task_action, task_id, task_route).await;
                task_session.send_reply(&reply);
            };
            if !session.spawn_detached(task.in_current_span()) {
                session.send_reply(
                    &Reply::error(Some(action), request_id, &ActionError::Throttled)
                        .with_route(route),
                );
            }
        } else {
            let reply = finish_action(started.future, action, request_id, route).await;
            session.send_reply(&reply);
        }
    }
    .instrument(span)
    .await
}

/// The consumer instances of a multiplexed connection, by stream.
type Streams = Vec<(Arc<str>, Arc<Session>)>;

/// Everything a connection needs from the server.
pub(crate) struct ConnectionSetup {
    pub(crate) endpoint: Arc<Endpoint>,
    pub(crate) scope: Arc<Scope>,
    pub(crate) layer: Arc<dyn ChannelLayer>,
    pub(crate) limits: Arc<Limits>,
    pub(crate) metrics: Arc<Metrics>,
}

/// Counts a live thing in a metric for as long as the guard lives.
struct Counted(Arc<Metrics>, fn(&Metrics) -> &AtomicUsize);

impl Counted {
    fn new(metrics: &Arc<Metrics>, counter: fn(&Metrics) -> &AtomicUsize) -> Self {
        counter(metrics).fetch_add(1, Ordering::Relaxed);
        Counted(metrics.clone(), counter)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        (self.1)(&self.0).fetch_sub(1, Ordering::Relaxed);
    }
}

/// Runs a connection to the end: the returned future is the connection's one task.
pub(crate) fn run<S>(ws: WebSocketStream<S>, setup: ConnectionSetup) -> impl Future<Output = ()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let span = tracing::info_span!("connection", path = %setup.scope.path, peer = ?setup.scope.remote_addr);
    let (sink, stream) = ws.split();
    let out = Arc::new(Outbound::new(setup.limits.max_outbound_bytes));
    let writer = write_loop(
        sink,
        out.clone(),
        out.close.subscribe(),
        setup.limits.write_timeout,
    );
    let connection = Counted::new(&setup.metrics, |m| &m.connections);
    let reader = read_loop(stream, out, setup);
    ReaderAndWriter::new(reader, writer, connection).instrument(span)
}

/// Runs the connection's sessions on the frames of `stream`; on the way out leaves every
/// group and asks the writer to finish.
async fn read_loop<S>(
    mut stream: futures_util::stream::SplitStream<WebSocketStream<S>>,
    out: Arc<Outbound>,
    setup: ConnectionSetup,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let ConnectionSetup {
        endpoint,
        scope,
        layer,
        limits,
        metrics,
    } = &setup;
    let mut close_rx = out.close.subscribe();
    let new_session = |mount: &Mount, stream: Option<Arc<str>>| {
        Arc::new(Session {
            id: NEXT_MEMBER_ID.fetch_add(1, Ordering::Relaxed),
            consumer: mount.consumer.clone(),
            permissions: mount.permissions.clone(),
            dialect: mount.consumer.dialect(),
            stream_prefix: stream.as_deref().map(|name| {
                let name = serde_json::to_string(name).expect("a string serializes");
                Arc::from(format!(r#"{{"stream":{name},"payload":"#))
            }),
            stream,
            scope: scope.clone(),
            out: out.clone(),
            layer: layer.clone(),
            groups: Mutex::new(HashMap::new()),
            membership_changes: tokio::sync::Mutex::new(()),
            detached: Mutex::new(JoinSet::new()),
            max_detached: limits.max_detached_per_consumer,
            max_groups: limits.max_groups_per_consumer,
            hook_timeout: limits.hook_timeout,
            generations: Mutex::new(HashMap::new()),
            metrics: metrics.clone(),
            _alive: Counted::new(metrics, |m| &m.sessions),
        })
    };
    let (single, streams): (Option<Arc<Session>>, Streams) = match &**endpoint {
        Endpoint::Consumer(mount) => (Some(new_session(mount, None)), Vec::new()),
        Endpoint::Multiplexer(mounts) => (
            None,
            mounts
                .iter()
                .map(|(name, m)| (name.clone(), new_session(m, Some(name.clone()))))
                .collect(),
        ),
    };
    let sessions: Vec<Arc<Session>> = single
        .iter()
        .cloned()
        .chain(streams.iter().map(|(_, s)| s.clone()))
        .collect();

    tracing::debug!("connected");
    let mut accepted = true;
    for session in &sessions {
        let ctx = Ctx {
            session: session.clone(),
            action: None,
            request_id: RequestId::none(),
            route: None,
            routing: None,
        };
        let connecting = CatchUnwind(session.consumer.clone().on_connect(ctx));
        let Ok(result) = tokio::time::timeout(limits.hook_timeout, connecting).await else {
            tracing::warn!("on_connect took too long, closing");
            out.close(close_code::INTERNAL_ERROR, "on_connect timed out");
            accepted = false;
            break;
        };
        let result =
            result.unwrap_or_else(|panic| Err(ActionError::internal(panic_message(&*panic))));
        if let Err(err) = result {
            tracing::info!(%err, "on_connect refused the connection");
            out.close(close_code::POLICY, "connection refused");
            accepted = false;
            break;
        }
    }

    let mut ping = tokio::time::interval(limits.ping_interval);
    ping.tick().await;
    let mut last_seen = Instant::now();
    if accepted {
        loop {
            tokio::select! {
                biased;
                _ = close_rx.changed() => break,
                _ = ping.tick() => {
                    if last_seen.elapsed() > limits.ping_interval + limits.ping_timeout {
                        tracing::info!("no pong in time, closing");
                        out.close(close_code::PING_TIMEOUT, "ping timeout");
                        break;
                    }
                    out.send_ping();
                }
                frame = stream.next() => {
                    match frame {
                        None => break,
                        Some(Ok(message)) => {
                            if !on_frame(message, single.as_ref(), &streams).await {
                                break;
                            }
                            // Set after the frame is handled: a long action is the server's
                            // time, not the client's silence.
                            last_seen = Instant::now();
                        }
                        Some(Err(err)) => {
                            match err {
                                WsError::Capacity(_) => out.close(close_code::MESSAGE_TOO_BIG, "message too big"),
                                WsError::Utf8(_) => out.close(close_code::INVALID_UTF8, "invalid UTF-8"),
                                other => tracing::debug!(error = %other, "read failed"),
                            }
                            break;
                        }
                    }
                }
            }
        }
    }
    for session in &sessions {
        session.shut_down().await;
    }
    drop(sessions);
    drop(single);
    drop(streams);
    // Normal end: the writer drains what is queued, then closes.
    out.close(1000, "");
}

pin_project_lite::pin_project! {
    /// A connection's reader and writer, polled in the connection's one task until both end.
    ///
    /// A reply the reader queues is written in the same poll, right after the reader returns,
    /// with no second task to wake and schedule: one task poll per request where a writer
    /// task of its own would take two. Each half has a waker of its own, so a push that wakes
    /// the writer does not poll the reader, and a frame that wakes the reader polls the
    /// writer only once.
    struct ReaderAndWriter<R, W> {
        #[pin]
        reader: R,
        #[pin]
        writer: W,
        woken: Arc<Woken>,
        reader_waker: Waker,
        writer_waker: Waker,
        reader_done: bool,
        writer_done: bool,
        _connection: Counted,
    }
}

impl<R, W> ReaderAndWriter<R, W> {
    fn new(reader: R, writer: W, connection: Counted) -> Self {
        let woken = Arc::new(Woken {
            task: AtomicWaker::new(),
            // The first poll polls both halves.
            reader: AtomicBool::new(true),
            writer: AtomicBool::new(true),
        });
        let waker = |writer| {
            Waker::from(Arc::new(HalfWaker {
                woken: woken.clone(),
                writer,
            }))
        };
        ReaderAndWriter {
            reader,
            writer,
            reader_waker: waker(false),
            writer_waker: waker(true),
            woken,
            reader_done: false,
            writer_done: false,
            _connection: connection,
        }
    }
}

impl<R: Future<Output = ()>, W: Future<Output = ()>> Future for ReaderAndWriter<R, W> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        let woken = &**this.woken;
        woken.task.register(cx.waker());
        // The writer is polled after the reader in any case, so whatever the reader queues
        // need not wake the task again.
        woken.writer.store(true, Ordering::SeqCst);
        if !*this.reader_done && woken.reader.swap(false, Ordering::SeqCst) {
            let mut reader_cx = Context::from_waker(this.reader_waker);
            *this.reader_done = this.reader.poll(&mut reader_cx).is_ready();
        }
        if !*this.writer_done && woken.writer.swap(false, Ordering::SeqCst) {
            let mut writer_cx = Context::from_waker(this.writer_waker);
            *this.writer_done = this.writer.poll(&mut writer_cx).is_ready();
        }
        if *this.reader_done && *this.writer_done {
            tracing::debug!("disconnected");
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// Which halves of a connection's task were woken, and the task to wake.
struct Woken {
    task: AtomicWaker,
    reader: AtomicBool,
    writer: AtomicBool,
}

/// The waker of one half of a connection's task: it marks that half as woken and wakes the
/// task, unless the half is marked already (then the task is awake or about to poll it).
struct HalfWaker {
    woken: Arc<Woken>,
    writer: bool,
}

impl Wake for HalfWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let half = if self.writer {
            &self.woken.writer
        } else {
            &self.woken.reader
        };
        if !half.swap(true, Ordering::SeqCst) {
            self.woken.task.wake();
        }
    }
}

/// Handles one frame; false ends the connection.
async fn on_frame(
    message: Message,
    single: Option<&Arc<Session>>,
    streams: &[(Arc<str>, Arc<Session>)],
) -> bool {
    let text = match message {
        Message::Text(text) if !text.is_empty() => text,
        Message::Text(_) | Message::Binary(_) => {
            reply_bad_frame(single, streams, &BadFrame::new(messages::NO_TEXT), None);
            return true;
        }
        Message::Close(_) => return false,
        Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => return true,
    };
    match single {
        Some(session) => match envelope::decode(text.as_str()) {
            Ok(envelope) => handle_message(session, envelope).await,
            Err(bad) => {
                session.send_reply(&Reply::bad_frame(&bad));
            }
        },
        None => match envelope::decode_mux(text.as_str()) {
            Err(bad) => reply_bad_frame(single, streams, &bad, None),
            Ok(frame) => {
                let name = frame.stream.as_str();
                match name.and_then(|name| streams.iter().find(|(s, _)| &**s == name)) {
                    Some((_, session)) => match frame.payload {
                        Ok(envelope) => handle_message(session, envelope).await,
                        Err(bad) => {
                            session.send_reply(&Reply::bad_frame(&bad));
                        }
                    },
                    None => {
                        let message = match name {
                            Some(name) => format!("Unknown stream \"{name}\"."),
                            None => "Multiplexed messages need a string \"stream\".".to_owned(),
                        };
                        let mut bad = BadFrame::new(message);
                        if name.is_some() {
                            bad.status = 404;
                        }
                        if let Ok(payload) = &frame.payload {
                            bad.request_id = payload.request_id.clone();
                        }
                        reply_bad_frame(single, streams, &bad, Some(&frame.stream));
                    }
                }
            }
        },
    }
    true
}

/// Replies to a frame no session could take. Behind the multiplexer the reply is wrapped with
/// the stream as sent (or `null`).
fn reply_bad_frame(
    single: Option<&Arc<Session>>,
    streams: &[(Arc<str>, Arc<Session>)],
    bad: &BadFrame,
    stream: Option<&Value>,
) {
    let reply = Reply::bad_frame(bad);
    match single {
        Some(session) => {
            session.send_reply(&reply);
        }
        None => {
            let Some((_, any)) = streams.first() else {
                return;
            };
            let body = reply.encode(any.dialect, None);
            let stream = stream.cloned().unwrap_or(Value::Null);
            any.out
                .send_text(format!(r#"{{"stream":{stream},"payload":{body}}}"#));
        }
    }
}

type Sink<S> = futures_util::stream::SplitSink<WebSocketStream<S>, Message>;

/// Writes every frame of `batch` (leaving it empty), then flushes once.
async fn write_batch<S>(
    sink: &mut Sink<S>,
    batch: &mut VecDeque<Frame>,
    out: &Outbound,
) -> Result<(), WsError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut bytes = 0;
    // Every push of the batch is built in this one buffer and split off it (one allocation
    // for the batch, not one per push).
    let mut pushes = BytesMut::new();
    while let Some(frame) = batch.pop_front() {
        let len = frame.text_len();
        bytes += len;
        let message = match frame {
            Frame::Text(text) => Message::text(text),
            Frame::Shared(text) => Message::Text(text),
            Frame::Push { stream, prefix, id } => {
                if pushes.capacity() == 0 {
                    let rest: usize = batch
                        .iter()
                        .filter(|f| matches!(f, Frame::Push { .. }))
                        .map(Frame::text_len)
                        .sum();
                    pushes.reserve(len + rest);
                }
                if let Some(stream) = &stream {
                    pushes.extend_from_slice(stream.as_bytes());
                }
                pushes.extend_from_slice(prefix.as_bytes());
                pushes.extend_from_slice(id.as_str().as_bytes());
                pushes.extend_from_slice(if stream.is_some() { b"}}" } else { b"}" });
                let text = Utf8Bytes::try_from(pushes.split().freeze())
                    .expect("a push is built from strs");
                Message::Text(text)
            }
            Frame::Ping => Message::Ping(Default::default()),
        };
        sink.feed(message).await?;
    }
    out.written(bytes);
    sink.flush().await
}

/// A batch's buffer is kept for the next one unless a burst made it this large.
const MAX_KEPT_BATCH: usize = 256;

async fn write_loop<S>(
    mut sink: Sink<S>,
    out: Arc<Outbound>,
    mut close_rx: watch::Receiver<Option<CloseReason>>,
    write_timeout: Duration,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut batch = VecDeque::new();
    let reason = loop {
        let closing = close_rx.borrow_and_update().clone();
        match &closing {
            // Any close but the normal one stops at once: the client is slow, gone or refused.
            Some(reason) if reason.code != 1000 => break closing,
            // The normal close first drains what was queued, so no accepted reply is lost.
            Some(_) => {
                out.take(&mut batch);
                if batch.is_empty() {
                    break closing;
                }
            }
            None => tokio::select! {
                _ = std::future::poll_fn(|cx| out.poll_take(cx, &mut batch)) => {}
                _ = close_rx.changed() => continue,
            },
        }
        let result = {
            let write = write_batch(&mut sink, &mut batch, &out);
            tokio::pin!(write);
            // Most writes finish at once; only one that has to wait for the socket arms the
            // write timer (a timer per batch is measurable in a large fan-out).
            let first = std::future::poll_fn(|cx| Poll::Ready(write.as_mut().poll(cx))).await;
            let result = match first {
                Poll::Ready(result) => Some(Ok(result)),
                Poll::Pending => {
                    let write = tokio::time::timeout(write_timeout, &mut write);
                    tokio::pin!(write);
                    // Only an abnormal close interrupts a write; a normal one lets it finish.
                    loop {
                        tokio::select! {
                            result = &mut write => break Some(result),
                            _ = close_rx.changed() => {
                                if close_rx.borrow().as_ref().is_some_and(|r| r.code != 1000) {
                                    break None;
                                }
                            }
                        }
                    }
                }
            };
            result
        };
        match result {
            Some(Ok(Ok(()))) | None => {}
            Some(Ok(Err(err))) => {
                // The socket is broken: end the connection (the reader stops, groups are
                // left) instead of serving actions whose replies cannot be written.
                tracing::debug!(error = %err, "write failed");
                out.close(close_code::GOING_AWAY, "write failed");
                return;
            }
            Some(Err(_)) => {
                tracing::info!("write timed out: slow consumer");
                out.close(close_code::SLOW_CONSUMER, "slow consumer");
            }
        }
        if batch.capacity() > MAX_KEPT_BATCH {
            batch = VecDeque::new();
        }
    };
    let finish = async {
        if let Some(CloseReason { code, reason }) = reason {
            if code != 1000 {
                let frame = CloseFrame {
                    code: CloseCode::from(code),
                    reason: reason.into(),
                };
                let _ = sink.send(Message::Close(Some(frame))).await;
            }
        }
        let _ = sink.close().await;
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), finish).await;
}

#[allow(dead_code)]
fn assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Ctx>();
    is::<Session>();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts the wakes of the task that polls a [`ReaderAndWriter`].
    #[derive(Default)]
    struct TaskWakes(AtomicUsize);

    impl Wake for TaskWakes {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// One half of a connection, as the combinator sees it: it counts its polls, keeps its
    /// waker where a socket or the outbound queue would, and ends once told to.
    #[derive(Default)]
    struct Half {
        polls: AtomicUsize,
        waker: AtomicWaker,
        done: AtomicBool,
    }

    impl Half {
        fn poll(&self, cx: &mut Context<'_>) -> Poll<()> {
            self.polls.fetch_add(1, Ordering::SeqCst);
            self.waker.register(cx.waker());
            if self.done.load(Ordering::SeqCst) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }

        fn polls(&self) -> usize {
            self.polls.load(Ordering::SeqCst)
        }
    }

    #[test]
    fn each_half_is_polled_only_when_woken_and_a_reply_needs_no_second_wake() {
        let reader = Arc::new(Half::default());
        let writer = Arc::new(Half::default());
        let (r, w) = (reader.clone(), writer.clone());
        // The reader queues a reply on every poll: it wakes the writer.
        let reading = std::future::poll_fn(move |cx| {
            let poll = r.poll(cx);
            w.waker.wake();
            poll
        });
        let w = writer.clone();
        let writing = std::future::poll_fn(move |cx| w.poll(cx));
        let metrics = Arc::new(Metrics::default());
        let counted = Counted::new(&metrics, |m| &m.connections);
        let mut both = Box::pin(ReaderAndWriter::new(reading, writing, counted));
        let task = Arc::new(TaskWakes::default());
        let waker = Waker::from(task.clone());
        let mut cx = Context::from_waker(&waker);
        let wakes = || task.0.load(Ordering::SeqCst);

        assert!(both.as_mut().poll(&mut cx).is_pending());
        assert_eq!((reader.polls(), writer.polls(), wakes()), (1, 1, 0));

        // A frame arrives: the reader runs and queues a reply, which the writer takes in the
        // same poll, without waking the task again.
        reader.waker.wake();
        assert_eq!(wakes(), 1);
        assert!(both.as_mut().poll(&mut cx).is_pending());
        assert_eq!((reader.polls(), writer.polls(), wakes()), (2, 2, 1));

        // A push from elsewhere wakes the task for the writer alone.
        writer.waker.wake();
        assert_eq!(wakes(), 2);
        assert!(both.as_mut().poll(&mut cx).is_pending());
        assert_eq!((reader.polls(), writer.polls(), wakes()), (2, 3, 2));

        // A half that has ended is not polled again; the whole ends with the other.
        reader.done.store(true, Ordering::SeqCst);
        reader.waker.wake();
        assert!(both.as_mut().poll(&mut cx).is_pending());
        assert_eq!(metrics.connections(), 1);
        writer.done.store(true, Ordering::SeqCst);
        writer.waker.wake();
        reader.waker.wake();
        assert!(both.as_mut().poll(&mut cx).is_ready());
        assert_eq!(reader.polls(), 3);
        drop(both);
        assert_eq!(metrics.connections(), 0);
    }
}
