//! A connection's socket: the read loop that hands each frame to dispatch's socket-free
//! [`Connection`], the writer that drains the outbound queue in batches, and the one task
//! that polls both halves.

use super::frames::is_fragment_timeout;
use crate::dispatch::{Connection, ConnectionSetup};
use crate::groups::HoldDeliveries;
use crate::protocol::{self, close_code};
use crate::session::{CloseReason, Counted, Frame, Outbound};
use bytes::BytesMut;
use futures_util::task::AtomicWaker;
use futures_util::{FutureExt, SinkExt, StreamExt};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;
use tracing::Instrument;

/// Runs a connection to the end: the returned future is the connection's one task.
pub(crate) fn run<S>(
    ws: WebSocketStream<S>,
    setup: ConnectionSetup,
    going_away: GoingAway,
) -> impl Future<Output = ()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (sink, stream) = ws.split();
    let out = Outbound::new(&setup.limits, setup.metrics.clone());
    let writer = write_loop(
        sink,
        out.clone(),
        out.close.subscribe(),
        setup.limits.write_timeout,
    );
    let counted = Counted::new(&setup.metrics, |m| &m.connections);
    let connection = Connection::open(&setup, out);
    let span = tracing::info_span!(
        "connection",
        id = connection.id(),
        path = %setup.scope.path,
        peer = ?setup.scope.remote_addr
    );
    let reader = read_loop(stream, connection, setup, going_away);
    ReaderAndWriter::new(reader, writer, counted).instrument(span)
}

/// Hands the frames of `stream` to the connection's sessions until the client leaves, the
/// connection is closed, or the client stops answering pings; then shuts the sessions down
/// (the writer drains what is queued and closes).
async fn read_loop<S>(
    mut stream: futures_util::stream::SplitStream<WebSocketStream<S>>,
    connection: Connection,
    setup: ConnectionSetup,
    mut going_away: GoingAway,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let limits = &setup.limits;
    let out = connection.out().clone();
    let mut close_rx = out.close.subscribe();
    tracing::debug!("connected");
    // The deadline of a server going away, once it is.
    let mut leaving = *going_away.borrow_and_update();
    if leaving.is_none() && connection.connect().await {
        let mut ping = tokio::time::interval(limits.ping_interval);
        ping.tick().await;
        let mut last_seen = Instant::now();
        let silence = limits.ping_interval + limits.ping_timeout;
        // Armed at each ping for the moment the client's silence would pass `silence`, so a
        // vanished client is released on time, not at the next ping; a frame is only a
        // timestamp (no timer work per frame).
        let mut deadline: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
        'reading: loop {
            // A client whose replies pile up is not read from until they drain: it is slowed
            // down by its own socket, never closed for reading as fast as it can.
            let congested = out.is_congested();
            tokio::select! {
                biased;
                _ = close_rx.changed() => break,
                Ok(()) = going_away.changed() => {
                    leaving = *going_away.borrow_and_update();
                    if leaving.is_some() {
                        break;
                    }
                }
                _ = std::future::poll_fn(|cx| out.poll_room(cx)), if congested => {
                    // The writer drained what the client read: it is alive.
                    last_seen = Instant::now();
                }
                _ = async { deadline.as_mut().expect("armed").await }, if deadline.is_some() => {
                    if last_seen.elapsed() >= silence {
                        tracing::info!("no pong in time, closing");
                        out.close(close_code::PING_TIMEOUT, "ping timeout");
                        setup.metrics.ping_closes.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                    deadline = None;
                }
                _ = ping.tick() => {
                    if last_seen.elapsed() >= silence {
                        tracing::info!("no pong in time, closing");
                        out.close(close_code::PING_TIMEOUT, "ping timeout");
                        setup.metrics.ping_closes.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                    out.send_ping();
                    let due = tokio::time::Instant::from_std(last_seen + silence);
                    match &mut deadline {
                        Some(sleep) => sleep.as_mut().reset(due),
                        None => deadline = Some(Box::pin(tokio::time::sleep_until(due))),
                    }
                }
                frame = stream.next(), if !congested => {
                    let mut frame = frame;
                    // Frames already readable are served here, one after the other, without
                    // going round the `select!` (which sets up its watch and timer futures
                    // again each time): a pipelining client's batch costs one round.
                    loop {
                        match frame {
                            None => break 'reading,
                            Some(Ok(message)) => {
                                if !on_frame(message, &connection).await {
                                    break 'reading;
                                }
                                // Set after the frame is handled: a long action is the
                                // server's time, not the client's silence.
                                last_seen = Instant::now();
                            }
                            Some(Err(err)) => {
                                match err {
                                    WsError::Capacity(_) => out.close(close_code::MESSAGE_TOO_BIG, "message too big"),
                                    WsError::Utf8(_) => out.close(close_code::INVALID_UTF8, "invalid UTF-8"),
                                    WsError::Protocol(violation) => {
                                        tracing::debug!(%violation, "protocol violation");
                                        out.close(close_code::PROTOCOL_ERROR, "protocol error");
                                    }
                                    WsError::Io(err) if is_fragment_timeout(&err) => {
                                        tracing::info!("a fragmented message was not completed in time, closing");
                                        out.close(close_code::POLICY, "message not completed in time");
                                    }
                                    other => tracing::debug!(error = %other, "read failed"),
                                }
                                break 'reading;
                            }
                        }
                        // Back to the `select!` when anything else wants attention.
                        let interrupted = out.is_congested()
                            || close_rx.has_changed().unwrap_or(true)
                            || going_away.has_changed().unwrap_or(true);
                        if interrupted {
                            break;
                        }
                        match stream.next().now_or_never() {
                            Some(next) => frame = next,
                            None => break,
                        }
                    }
                }
            }
        }
    }
    if let Some(deadline) = leaving {
        // The server is going away: the actions under way finish (until the deadline), their
        // replies and everything queued are written, then the client gets 1001.
        connection.finish_detached(deadline).await;
        out.close(close_code::GOING_AWAY, "server shutting down");
    }
    connection.shut_down().await;
}

/// The deadline a server going away gives its connections (`None` while it serves).
pub(crate) type GoingAway = watch::Receiver<Option<tokio::time::Instant>>;

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
        // Group sends of the frames served in this poll reach their members after the writer
        // below has written this poll's replies: a publisher's reply is not queued behind the
        // tasks of a large group (see `HoldDeliveries`).
        let _deliveries = HoldDeliveries::start();
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

/// Hands one frame to the connection; false ends the connection.
async fn on_frame(message: Message, connection: &Connection) -> bool {
    match message {
        Message::Text(text) if !text.is_empty() => connection.on_text(text.as_str()).await,
        Message::Text(_) | Message::Binary(_) => connection.on_non_text(),
        Message::Close(_) => return false,
        Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
    }
    true
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
                for part in protocol::push_parts(stream.as_deref(), &prefix, id.as_str()) {
                    pushes.extend_from_slice(part);
                }
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

/// Whether a close with `code` first writes what is queued.
fn drains(code: u16) -> bool {
    code == close_code::NORMAL || code == close_code::GOING_AWAY
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
            // Any close but these stops at once: the client is slow, gone or refused.
            Some(reason) if !drains(reason.code) => break closing,
            // The normal close, and a server going away, first drain what was queued, so no
            // accepted reply is lost.
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
                                if close_rx.borrow().as_ref().is_some_and(|r| !drains(r.code)) {
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
    // The close frame goes after what the socket has taken already (a slow consumer's queue
    // was discarded when it was closed); writing it may wait for the client to read as long
    // as any write may. Then the socket lingers until the client's close frame comes (see
    // `frames::CLOSE_LINGER`), so the close is not lost to a reset.
    let finish = async {
        if let Some(CloseReason { code, reason }) = reason {
            if code != close_code::NORMAL {
                let frame = CloseFrame {
                    code: CloseCode::from(code),
                    reason: reason.into(),
                };
                let _ = sink.send(Message::Close(Some(frame))).await;
            }
        }
        let _ = sink.close().await;
    };
    if tokio::time::timeout(write_timeout, finish).await.is_err() {
        tracing::debug!("the close frame could not be written in time");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

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
        let metrics = Arc::new(crate::session::Metrics::default());
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
