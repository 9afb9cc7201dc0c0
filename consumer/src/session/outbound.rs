//! The connection's outbound queue: what waits to be written to one socket, bounded in bytes,
//! with group pushes held back while a message is being handled so they follow its reply.

use super::limits::{Limits, Metrics, QueueStats};
use crate::protocol::{self, close_code};
use futures_util::task::AtomicWaker;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// Why a connection is closing: the close frame's code and reason.
#[derive(Debug, Clone)]
pub(crate) struct CloseReason {
    pub(crate) code: u16,
    pub(crate) reason: &'static str,
}

/// One frame waiting to be written.
pub(crate) enum Frame {
    /// A whole text frame.
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
    /// A ping (keep-alive).
    Ping,
}

impl Frame {
    /// The bytes of a text frame's payload.
    pub(crate) fn text_len(&self) -> usize {
        match self {
            Frame::Text(text) => text.len(),
            Frame::Shared(text) => text.len(),
            Frame::Push { stream, prefix, id } => {
                protocol::push_len(stream.as_deref(), prefix, id.as_str())
            }
            Frame::Ping => 0,
        }
    }

    /// The frame's text (`None` for a ping): what a socket-free connection hands its caller.
    pub(crate) fn into_text(self) -> Option<String> {
        match self {
            Frame::Text(text) => Some(text),
            Frame::Shared(text) => Some(text.as_str().to_owned()),
            Frame::Push { stream, prefix, id } => {
                let mut text = Vec::new();
                protocol::finish_push(&mut text, stream.as_deref(), &prefix, id.as_str());
                Some(String::from_utf8_lossy(&text).into_owned())
            }
            Frame::Ping => None,
        }
    }
}

/// A request id's JSON text, inline when short (the usual case), so queuing a push for it
/// allocates nothing.
pub(crate) enum IdText {
    Inline { len: u8, bytes: [u8; 30] },
    Shared(Arc<str>),
}

impl IdText {
    pub(crate) fn new(text: &str) -> IdText {
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

    pub(crate) fn as_str(&self) -> &str {
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
    /// Set while more than half the bound waits to be written: the reader stops taking
    /// frames until the writer has brought it under a quarter (see [`Outbound::poll_room`]).
    /// A client that reads as fast as it can is slowed, not closed as slow.
    congested: AtomicBool,
    /// The reader, waiting for room.
    reader: AtomicWaker,
    /// Queued bytes at which this queue wakes the process-wide budget's sweep: no queue
    /// below it can bring the total over the budget (see [`Limits::budget_alarm_bytes`]).
    alarm_at: usize,
    metrics: Arc<Metrics>,
    /// The close reason, for the reader and writer to wait on (not touched when sending).
    pub(crate) close: watch::Sender<Option<CloseReason>>,
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
    /// Group pushes queued so far (read by the metrics).
    pushes: u64,
    closing: bool,
}

impl Outbound {
    /// A queue bounded as `limits` say, counted in `metrics`.
    pub(crate) fn new(limits: &Limits, metrics: Arc<Metrics>) -> Arc<Self> {
        let mut out = Outbound::unregistered(limits.max_outbound_bytes, metrics);
        out.alarm_at = limits.budget_alarm_bytes();
        let out = Arc::new(out);
        let stats: Arc<dyn QueueStats> = out.clone();
        out.metrics.register_queue(Arc::downgrade(&stats));
        out
    }

    fn unregistered(limit: usize, metrics: Arc<Metrics>) -> Self {
        Outbound {
            queue: Mutex::new(Queue::default()),
            writer: AtomicWaker::new(),
            limit,
            congested: AtomicBool::new(false),
            reader: AtomicWaker::new(),
            alarm_at: usize::MAX,
            metrics,
            close: watch::channel(None).0,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a frame; false when the connection is closing or has just been closed as slow.
    pub(crate) fn send_text(&self, text: String) -> bool {
        self.send(Frame::Text(text), false)
    }

    /// Queues a group's push; held back while a message is being handled.
    pub(crate) fn send_push(&self, frame: Frame) -> bool {
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
        if queue.bytes >= self.alarm_at && queue.bytes - len < self.alarm_at {
            // Only crossing the line touches anything shared.
            self.metrics.raise_budget_alarm();
        }
        // Under the lock already held: counting costs no atomic operation of its own.
        queue.pushes += u64::from(push);
        if queue.bytes > self.limit / 2 && !self.congested.load(Ordering::Relaxed) {
            self.congested.store(true, Ordering::Release);
        }
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
    pub(crate) fn hold(&self) -> Held<'_> {
        self.lock().holding = true;
        Held(self)
    }

    pub(crate) fn send_ping(&self) {
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
    pub(crate) fn poll_take(&self, cx: &mut Context<'_>, batch: &mut VecDeque<Frame>) -> Poll<()> {
        self.writer.register(cx.waker());
        let mut queue = self.lock();
        if queue.frames.is_empty() {
            return Poll::Pending;
        }
        std::mem::swap(&mut queue.frames, batch);
        Poll::Ready(())
    }

    /// Takes what is queued right now (possibly nothing).
    pub(crate) fn take(&self, batch: &mut VecDeque<Frame>) {
        std::mem::swap(&mut self.lock().frames, batch);
    }

    /// `bytes` of text frames have been handed to the socket.
    pub(crate) fn written(&self, bytes: usize) {
        let mut queue = self.lock();
        queue.bytes = queue.bytes.saturating_sub(bytes);
        if queue.bytes <= self.limit / 4 && self.congested.load(Ordering::Relaxed) {
            self.congested.store(false, Ordering::Release);
            drop(queue);
            self.reader.wake();
        }
    }

    /// True while the reader should take no more frames (see `congested`).
    pub(crate) fn is_congested(&self) -> bool {
        self.congested.load(Ordering::Acquire)
    }

    /// Ready once the queue has room for the reader again; a closing connection has room
    /// (the reader then sees the close).
    pub(crate) fn poll_room(&self, cx: &mut Context<'_>) -> Poll<()> {
        self.reader.register(cx.waker());
        if !self.is_congested() || self.is_closing() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    /// Closes the connection with `code`. A normal close (1000) and a server going away
    /// (1001) first let the writer write what is queued; any other close discards the queue
    /// at once (a slow consumer's pushes would only delay its close frame, and free no memory
    /// while they wait).
    pub(crate) fn close(&self, code: u16, reason: &'static str) {
        let discarded = {
            let mut queue = self.lock();
            queue.closing = true;
            if code == close_code::NORMAL || code == close_code::GOING_AWAY {
                None
            } else {
                queue.bytes = 0;
                queue.held_bytes = 0;
                Some((
                    std::mem::take(&mut queue.frames),
                    std::mem::take(&mut queue.held),
                ))
            }
        };
        drop(discarded);
        self.reader.wake();
        let first = self.close.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(CloseReason { code, reason });
                true
            } else {
                false
            }
        });
        if first && code == close_code::SLOW_CONSUMER {
            self.metrics.slow_closes.fetch_add(1, Ordering::Relaxed);
        }
        self.writer.wake();
    }

    pub(crate) fn is_closing(&self) -> bool {
        self.lock().closing
    }
}

impl QueueStats for Outbound {
    fn queued_bytes(&self) -> usize {
        self.lock().bytes
    }

    fn shed(&self) {
        self.close(close_code::SLOW_CONSUMER, "slow consumer");
    }

    fn pushes(&self) -> u64 {
        self.lock().pushes
    }
}

impl Drop for Outbound {
    /// The pushes of a closed connection stay counted.
    fn drop(&mut self) {
        let pushes = self.lock().pushes;
        self.metrics
            .pushes_closed
            .fetch_add(pushes, Ordering::Relaxed);
    }
}

/// Group pushes held back while it lives (see [`Outbound::hold`]).
pub(crate) struct Held<'a>(&'a Outbound);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}
