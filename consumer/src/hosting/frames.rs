//! What the socket layer needs to know of the client's frames before tungstenite assembles
//! them: [`ClientFrames`] reads the frame headers of the incoming byte stream (payloads are
//! skipped, never copied or parsed), so that a message left unfinished in fragments is cut
//! off in time, and a connection closing by the server drains the client's input until its
//! close frame before the socket is dropped.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// How long a socket is kept after its connection ended, reading and discarding the client's
/// input, while it waits for the client's close frame (or its end of stream). Closing a
/// socket with unread input resets it, and a reset can overtake the close frame on its way.
pub(crate) const CLOSE_LINGER: Duration = Duration::from_secs(2);

/// At most this much input is read and discarded while lingering.
const LINGER_READ_MAX: usize = 1 << 20;

/// The error a read returns once a message begun in fragments has been open longer than
/// `Limits::fragmented_message_timeout` (the read loop closes with 1008).
#[derive(Debug)]
pub(crate) struct FragmentTimedOut;

impl std::fmt::Display for FragmentTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a fragmented message was not completed in time")
    }
}

impl std::error::Error for FragmentTimedOut {}

/// Whether a read error is [`FragmentTimedOut`].
pub(crate) fn is_fragment_timeout(err: &std::io::Error) -> bool {
    err.get_ref()
        .is_some_and(|inner| inner.is::<FragmentTimedOut>())
}

/// A parser of client frame headers over the raw byte stream: 2 to 14 bytes of header are
/// looked at per frame, the payload is only counted down.
#[derive(Debug, Default)]
struct Headers {
    header: [u8; 14],
    /// Header bytes seen of the frame being read.
    have: usize,
    /// Payload bytes of the current frame still to come.
    payload_left: u64,
    /// The current frame is a close frame.
    closing: bool,
    /// When the first frame of a message still unfinished (FIN clear) arrived.
    fragment_since: Option<Instant>,
    /// The client's close frame has been read whole.
    peer_closed: bool,
}

impl Headers {
    /// The header's full length once its first two bytes are known.
    fn header_len(&self) -> usize {
        let len = match self.header[1] & 0x7f {
            126 => 4,
            127 => 10,
            _ => 2,
        };
        let mask = if self.header[1] & 0x80 != 0 { 4 } else { 0 };
        len + mask
    }

    /// Follows `bytes`, the next bytes the client sent.
    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.payload_left > 0 {
                let skip = usize::try_from(self.payload_left)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                self.payload_left -= skip as u64;
                bytes = &bytes[skip..];
                if self.payload_left == 0 && self.closing {
                    self.peer_closed = true;
                }
                continue;
            }
            self.header[self.have] = bytes[0];
            self.have += 1;
            bytes = &bytes[1..];
            if self.have >= 2 && self.have == self.header_len() {
                self.frame_started();
            }
        }
    }

    /// A whole header has been read.
    fn frame_started(&mut self) {
        let fin = self.header[0] & 0x80 != 0;
        let opcode = self.header[0] & 0x0f;
        let len = match self.header[1] & 0x7f {
            126 => u64::from(u16::from_be_bytes([self.header[2], self.header[3]])),
            127 => u64::from_be_bytes(self.header[2..10].try_into().expect("8 bytes")),
            short => u64::from(short),
        };
        self.have = 0;
        self.payload_left = len;
        self.closing = opcode == 0x8;
        if self.closing && len == 0 {
            self.peer_closed = true;
        }
        // Control frames (pings, pongs, close) may come between fragments and change nothing.
        if opcode & 0x8 == 0 {
            if opcode != 0 {
                // A text or binary frame starts a message; unfinished unless FIN is set.
                self.fragment_since = (!fin).then(Instant::now);
            } else if fin {
                // The last continuation frame ends it.
                self.fragment_since = None;
            }
        }
    }
}

/// The connection's socket as tungstenite reads it, with the client's frame headers followed
/// on the way (see [`Headers`]): a read fails with [`FragmentTimedOut`] once a message begun
/// in fragments has been open longer than `fragment_timeout` (a timer runs only while one is
/// open; pings between fragments do not reset it), and a socket dropped before the client's
/// close frame came lingers (see [`CLOSE_LINGER`]).
pub(crate) struct ClientFrames<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> {
    io: Option<S>,
    headers: Headers,
    fragment_timeout: Duration,
    deadline: Option<Pin<Box<Sleep>>>,
    timed_out: bool,
    ended: bool,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> Drop for ClientFrames<S> {
    fn drop(&mut self) {
        if self.ended || self.headers.peer_closed {
            return;
        }
        let (Some(io), Ok(runtime)) = (self.io.take(), tokio::runtime::Handle::try_current())
        else {
            return;
        };
        let headers = std::mem::take(&mut self.headers);
        runtime.spawn(linger(io, headers));
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> ClientFrames<S> {
    pub(crate) fn new(io: S, fragment_timeout: Duration) -> Self {
        ClientFrames {
            io: Some(io),
            headers: Headers::default(),
            fragment_timeout,
            deadline: None,
            timed_out: false,
            ended: false,
        }
    }
}

/// After the connection: our end of the stream goes out after everything written, then the
/// client's input is read and thrown away until its close frame, its end of stream, or
/// [`CLOSE_LINGER`].
async fn linger<S: AsyncRead + AsyncWrite + Unpin>(io: S, mut headers: Headers) {
    let until_close_frame = move |bytes: &[u8]| {
        headers.feed(bytes);
        headers.peer_closed
    };
    shut_down_draining(io, LINGER_READ_MAX, CLOSE_LINGER, until_close_frame).await;
}

/// Shuts our side of `io` down, then reads and throws away the peer's input (at most `max`
/// bytes, for at most `limit`) until its end of stream or until `done` says so: closing a
/// socket with unread input resets it, and a reset can overtake what was written last.
pub(crate) async fn shut_down_draining<S: AsyncRead + AsyncWrite + Unpin>(
    mut io: S,
    max: usize,
    limit: Duration,
    mut done: impl FnMut(&[u8]) -> bool,
) {
    let drain = async {
        let _ = tokio::io::AsyncWriteExt::shutdown(&mut io).await;
        let mut buf = [0u8; 4096];
        let mut read = 0;
        while read < max {
            match io.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    read += n;
                    if done(&buf[..n]) {
                        break;
                    }
                }
            }
        }
    };
    let _ = tokio::time::timeout(limit, drain).await;
}

fn timed_out() -> std::io::Error {
    std::io::Error::other(FragmentTimedOut)
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> AsyncRead for ClientFrames<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.timed_out {
            return Poll::Ready(Err(timed_out()));
        }
        let Some(io) = this.io.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        let before = buf.filled().len();
        let room = buf.remaining() > 0;
        let poll = Pin::new(io).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = poll {
            let new = &buf.filled()[before..];
            if new.is_empty() && room {
                this.ended = true;
            }
            this.headers.feed(new);
        }
        let Some(since) = this.headers.fragment_since else {
            this.deadline = None;
            return poll;
        };
        let due = since + this.fragment_timeout;
        let deadline = this
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(due)));
        if deadline.deadline() != due {
            deadline.as_mut().reset(due);
        }
        // Polled whether or not bytes came: a client that keeps the message open with pings
        // is cut off as surely as one that sends nothing.
        if deadline.as_mut().poll(cx).is_ready() {
            this.timed_out = true;
            return Poll::Ready(Err(timed_out()));
        }
        poll
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> AsyncWrite for ClientFrames<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut().io.as_mut() {
            Some(io) => Pin::new(io).poll_write(cx, data),
            None => Poll::Ready(Err(std::io::ErrorKind::NotConnected.into())),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut().io.as_mut() {
            Some(io) => Pin::new(io).poll_write_vectored(cx, bufs),
            None => Poll::Ready(Err(std::io::ErrorKind::NotConnected.into())),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.as_ref().is_some_and(|io| io.is_write_vectored())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut().io.as_mut() {
            Some(io) => Pin::new(io).poll_flush(cx),
            None => Poll::Ready(Ok(())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut().io.as_mut() {
            Some(io) => Pin::new(io).poll_shutdown(cx),
            None => Poll::Ready(Ok(())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client frame: FIN, opcode, masked, with a payload of `len` zero bytes.
    fn frame(fin: bool, opcode: u8, len: usize) -> Vec<u8> {
        let mut bytes = vec![u8::from(fin) << 7 | opcode];
        match len {
            n if n < 126 => bytes.push(0x80 | n as u8),
            n if n <= 0xffff => {
                bytes.push(0x80 | 126);
                bytes.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                bytes.push(0x80 | 127);
                bytes.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        bytes.extend_from_slice(&[1, 2, 3, 4]);
        bytes.extend(std::iter::repeat_n(0u8, len));
        bytes
    }

    #[test]
    fn headers_follow_fragments_across_pings_and_any_split_of_the_bytes() {
        let mut stream = Vec::new();
        stream.extend(frame(true, 0x1, 5)); // a whole text message
        let whole = stream.len();
        stream.extend(frame(false, 0x1, 70_000)); // first fragment, 64-bit length
        let started = stream.len();
        stream.extend(frame(true, 0x9, 4)); // a ping in between
        stream.extend(frame(false, 0x0, 300)); // a continuation, 16-bit length
        let pinged = stream.len();
        stream.extend(frame(true, 0x0, 1)); // the last fragment
        let finished = stream.len();
        stream.extend(frame(true, 0x8, 2)); // close, with a code
        for chunk in [1, 2, 3, 7, 4096, stream.len()] {
            let mut headers = Headers::default();
            let mut fed = 0;
            let mut seen = Vec::new();
            for piece in stream.chunks(chunk) {
                headers.feed(piece);
                fed += piece.len();
                for (at, _) in [whole, started, pinged, finished, stream.len()]
                    .iter()
                    .enumerate()
                    .filter(|(_, &mark)| mark == fed)
                {
                    seen.push((at, headers.fragment_since.is_some(), headers.peer_closed));
                }
            }
            if chunk == 1 {
                assert_eq!(
                    seen,
                    [
                        (0, false, false),
                        (1, true, false),
                        (2, true, false),
                        (3, false, false),
                        (4, false, true)
                    ]
                );
            }
            assert!(headers.peer_closed, "chunks of {chunk}");
            assert!(headers.fragment_since.is_none());
            assert_eq!((headers.have, headers.payload_left), (0, 0));
        }
    }
}
