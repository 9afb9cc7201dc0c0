//! The load generator: `N` connections, each with `K` requests in flight, for a warm-up and a
//! measured window; every reply is checked and its latency recorded.

use crate::stats::Summary;
use crate::wire;
use futures_util::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::{timeout, Instant};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Longest wait for all connections of a round to complete their handshakes.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for the next reply on a connection with requests in flight.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for a closing handshake at the end of a round.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);
/// The client's WebSocket read buffer. tungstenite's default (128 KiB) is zero-filled on every
/// read call, which would spend the load generator's CPU (shared with the servers) on memset.
const CLIENT_READ_BUFFER: usize = 16 << 10;

/// A load shape: `connections` sockets, each keeping `in_flight` requests outstanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// Concurrent connections.
    pub connections: usize,
    /// Requests in flight per connection (pipelined on the socket).
    pub in_flight: usize,
}

/// The largest number of connections or requests in flight a scenario may ask for.
pub const MAX_PER_AXIS: usize = 1024;

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.connections, self.in_flight)
    }
}

impl FromStr for Scenario {
    type Err = String;

    /// `NxK`, e.g. `64x16`; both from 1 to [`MAX_PER_AXIS`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("scenario {text:?}: expected CONNECTIONSxIN_FLIGHT, e.g. 64x16");
        let (connections, in_flight) = text.trim().split_once(['x', 'X']).ok_or_else(bad)?;
        let parse = |part: &str| {
            part.trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PER_AXIS).contains(n))
                .ok_or_else(bad)
        };
        Ok(Scenario {
            connections: parse(connections)?,
            in_flight: parse(in_flight)?,
        })
    }
}

type Socket = WebSocketStream<TcpStream>;

/// One round's figures: the replies' summary and, when the server's process was given, the CPU
/// time it spent per reply in the measured window (user + system, from `/proc`), which shows a
/// server's cost per request even when it is not the bottleneck.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Round {
    /// Throughput and latency.
    pub summary: Summary,
    /// The server's CPU time per reply received in the window.
    pub server_cpu_per_reply: Option<Duration>,
}

/// Runs one round of `scenario` against the server at `addr` (process `server_pid`, whose CPU
/// time is sampled at both ends of the window): connects, loads it for `warmup` and then
/// `duration`, and summarizes the replies received in the measured window. Any failed request,
/// malformed reply or timeout fails the round.
pub async fn run_round(
    addr: SocketAddr,
    server_pid: Option<u32>,
    scenario: Scenario,
    warmup: Duration,
    duration: Duration,
) -> Result<Round, String> {
    if !addr.ip().is_loopback() {
        return Err(format!("refusing to load a non-loopback address: {addr}"));
    }
    let connect_all =
        futures_util::future::try_join_all((0..scenario.connections).map(|_| connect(addr)));
    let sockets = timeout(CONNECT_TIMEOUT, connect_all)
        .await
        .map_err(|_| format!("connecting took longer than {CONNECT_TIMEOUT:?}"))??;

    let window_start = Instant::now() + warmup;
    let window_end = window_start + duration;
    let mut tasks = JoinSet::new();
    for socket in sockets {
        tasks.spawn(drive(socket, scenario.in_flight, window_start, window_end));
    }
    let cpu_in_window = server_pid.map(|pid| {
        tokio::spawn(async move {
            tokio::time::sleep_until(window_start).await;
            let start = crate::servers::cpu_time(pid).ok()?;
            tokio::time::sleep_until(window_end).await;
            crate::servers::cpu_time(pid).ok()?.checked_sub(start)
        })
    });
    // Past the window, each connection only drains its replies and closes.
    let deadline = window_end + REPLY_TIMEOUT + CLOSE_TIMEOUT + Duration::from_secs(1);
    let latencies = crate::stats::gather_latencies(tasks, deadline, "round").await?;
    let replies = latencies.len() as u32;
    let summary = Summary::from_latencies(latencies, duration)
        .ok_or_else(|| "no reply arrived in the measured window".to_owned())?;
    let cpu = match cpu_in_window {
        Some(task) => task.await.ok().flatten(),
        None => None,
    };
    Ok(Round {
        summary,
        server_cpu_per_reply: cpu.map(|cpu| cpu / replies.max(1)),
    })
}

/// Opens one WebSocket to the bench endpoint, with TCP_NODELAY.
async fn connect(addr: SocketAddr) -> Result<Socket, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream
        .set_nodelay(true)
        .map_err(|e| format!("cannot set TCP_NODELAY: {e}"))?;
    let url = format!("ws://{addr}{}", wire::PATH);
    let config = WebSocketConfig::default().read_buffer_size(CLIENT_READ_BUFFER);
    let (socket, _) =
        tokio_tungstenite::client_async_with_config(url.as_str(), stream, Some(config))
            .await
            .map_err(|e| format!("WebSocket handshake with {url} failed: {e}"))?;
    Ok(socket)
}

/// Keeps `in_flight` requests outstanding on `socket` until `window_end`, then drains and
/// closes. Returns the latencies (ns) of the replies received in `[window_start, window_end)`.
async fn drive(
    mut socket: Socket,
    in_flight: usize,
    window_start: Instant,
    window_end: Instant,
) -> Result<Vec<u64>, String> {
    let failed = |e: tokio_tungstenite::tungstenite::Error| format!("sending failed: {e}");
    let mut flight = InFlight::new(in_flight, window_start, window_end);
    for _ in 0..in_flight {
        let id = flight.start();
        socket
            .feed(Message::text(wire::request(id)))
            .await
            .map_err(failed)?;
    }
    socket.flush().await.map_err(failed)?;

    while !flight.is_empty() {
        let message = match timeout(REPLY_TIMEOUT, socket.next()).await {
            Err(_) => return Err(format!("no reply within {REPLY_TIMEOUT:?}")),
            Ok(None) => return Err("the server closed the connection".to_owned()),
            Ok(Some(Err(err))) => return Err(format!("receiving failed: {err}")),
            Ok(Some(Ok(message))) => message,
        };
        let received = Instant::now();
        let text = match message {
            Message::Text(text) => text,
            Message::Ping(_) | Message::Pong(_) => continue,
            other => return Err(format!("unexpected frame: {other:?}")),
        };
        let id = wire::check_reply(text.as_str())?;
        if flight.answer(id, received)? {
            let id = flight.start();
            socket
                .send(Message::text(wire::request(id)))
                .await
                .map_err(failed)?;
        }
    }
    close_quietly(&mut socket, CLOSE_TIMEOUT).await;
    Ok(flight.into_latencies())
}

/// The requests one connection of a load loop has in flight, and the latencies (ns) of the
/// replies received inside the measuring window.
pub(crate) struct InFlight {
    sent: HashMap<u64, Instant>,
    latencies: Vec<u64>,
    next_id: u64,
    window_start: Instant,
    window_end: Instant,
}

impl InFlight {
    pub(crate) fn new(in_flight: usize, window_start: Instant, window_end: Instant) -> Self {
        InFlight {
            sent: HashMap::with_capacity(in_flight),
            latencies: Vec::new(),
            next_id: 0,
            window_start,
            window_end,
        }
    }

    /// The id of a new request, timed from now.
    pub(crate) fn start(&mut self) -> u64 {
        let id = self.next_id;
        self.sent.insert(id, Instant::now());
        self.next_id += 1;
        id
    }

    /// Takes the reply to `id`, received at `received`; true while the window is open, when
    /// a new request replaces it.
    pub(crate) fn answer(&mut self, id: u64, received: Instant) -> Result<bool, String> {
        let sent_at = self
            .sent
            .remove(&id)
            .ok_or_else(|| format!("a reply to request {id}, which is not in flight"))?;
        if received >= self.window_start && received < self.window_end {
            let latency = u64::try_from((received - sent_at).as_nanos()).unwrap_or(u64::MAX);
            self.latencies.push(latency);
        }
        Ok(received < self.window_end)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.sent.is_empty()
    }

    pub(crate) fn into_latencies(self) -> Vec<u64> {
        self.latencies
    }
}

/// Closes a load connection, reading what is left until the server's close, for up to
/// `limit`; a server that does not answer is left.
pub(crate) async fn close_quietly<S>(socket: &mut WebSocketStream<S>, limit: Duration)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let close = async {
        socket.close(None).await.ok()?;
        while let Some(Ok(_)) = socket.next().await {}
        Some(())
    };
    let _ = timeout(limit, close).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_parse_and_display() {
        let scenario: Scenario = "64x16".parse().unwrap();
        assert_eq!(
            scenario,
            Scenario {
                connections: 64,
                in_flight: 16
            }
        );
        assert_eq!(scenario.to_string(), "64x16");
        assert!("0x1".parse::<Scenario>().is_err());
        assert!("64".parse::<Scenario>().is_err());
        assert!("2000x1".parse::<Scenario>().is_err());
    }
}
