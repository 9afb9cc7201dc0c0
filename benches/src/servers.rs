//! The two servers under test, each run in a child process of its own: the child side
//! ([`serve`]) and the parent's handle on it ([`ServerProcess`]).

use crate::placement::{self, CpuList};
use crate::wire;
use futures_util::{SinkExt, StreamExt};
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use warp::ws::{Message, WebSocket, Ws};
use warp::Filter;

/// How long a child server may take to print its address.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Which server a process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    /// warp's own `warp::ws()` with a hand-written echo, written as a careful engineer would:
    /// parse, build the reply, `feed` it, and flush once per batch of frames already readable
    /// (as chanrest's writer does). The baseline the echo targets are judged on.
    Raw,
    /// The same echo flushing after every reply (`SinkExt::send`): one write syscall per reply.
    /// Kept as a labelled extra row; it is not a baseline for the targets.
    RawFlushEach,
    /// The chanrest demo's routes (`/ws/bench/` among them), as `chanrest-demo` serves them.
    Chanrest,
    /// The fan-out baseline: `warp::ws()` and a `tokio::sync::broadcast` channel, no framework.
    /// `/ws/sub/` subscribes, `/ws/pub/` publishes each text frame to every subscriber.
    RawBroadcast,
    /// The idle-memory baseline: `warp::ws()` on `/ws/plain/` that only holds the socket.
    RawHold,
}

/// Settings of a `serve-chanrest` child beyond the demo's defaults (the demo binary's flags).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChanrestOptions {
    /// `--database URL` (default: `sqlite::memory:`).
    pub database: Option<String>,
    /// `--redis URL`: the Redis channel layer (default: in-process groups).
    pub redis: Option<String>,
    /// `--redis-prefix P`.
    pub redis_prefix: Option<String>,
    /// `--max-connections N` (default: the demo's limit, 10,000).
    pub max_connections: Option<usize>,
}

impl ChanrestOptions {
    /// The flags that pass these options to a child.
    pub fn to_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        let mut push = |flag: &str, value: Option<String>| {
            if let Some(value) = value {
                args.push(flag.to_owned());
                args.push(value);
            }
        };
        push("--database", self.database.clone());
        push("--redis", self.redis.clone());
        push("--redis-prefix", self.redis_prefix.clone());
        push(
            "--max-connections",
            self.max_connections.map(|n| n.to_string()),
        );
        args
    }

    /// The demo configuration these options describe.
    fn config(&self) -> chanrest_demo::Config {
        let mut config = chanrest_demo::Config::default();
        if let Some(database) = &self.database {
            config.database = database.clone();
        }
        config.redis = self.redis.clone();
        if let Some(prefix) = &self.redis_prefix {
            config.redis_prefix = prefix.clone();
        }
        if let Some(max) = self.max_connections {
            config.limits = Some(Default::default());
            if let Some(limits) = config.limits.as_mut() {
                limits.max_connections = max;
            }
        }
        config
    }
}

/// Raises this process's soft limit on open files to the hard limit (Linux and other Unixes)
/// and returns the soft limit now in force.
pub fn raise_nofile_limit() -> Result<u64, String> {
    // SAFETY: `rlimit` is plain data; getrlimit writes it and setrlimit reads it.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return Err(format!(
                "getrlimit(RLIMIT_NOFILE): {}",
                std::io::Error::last_os_error()
            ));
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) != 0 {
                return Err(format!(
                    "setrlimit(RLIMIT_NOFILE, {}): {}",
                    limit.rlim_max,
                    std::io::Error::last_os_error()
                ));
            }
            limit = raised;
        }
        #[allow(clippy::unnecessary_cast)]
        Ok(limit.rlim_cur as u64)
    }
}

/// The resident set size of process `pid` in KiB (`VmRSS` in /proc/<pid>/status).
pub fn rss_kib(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("cannot read /proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no VmRSS in /proc/{pid}/status"))
}

/// CPU time (user + system) that process `pid` has used so far, from /proc/<pid>/stat
/// (clock-tick resolution, 10 ms on Linux).
pub fn cpu_time(pid: u32) -> Result<Duration, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("cannot read /proc/{pid}/stat: {e}"))?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    // utime and stime are fields 14 and 15 of stat(5); `fields` starts at field 3.
    let (Some(user), Some(system)) = (ticks(11), ticks(12)) else {
        return Err(format!("malformed /proc/{pid}/stat"));
    };
    // SAFETY: sysconf only reads a constant of the system.
    let per_sec = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Ok(Duration::from_secs_f64((user + system) as f64 / per_sec))
}

impl ServerKind {
    /// The hidden subcommand that runs this server.
    pub fn subcommand(self) -> &'static str {
        match self {
            ServerKind::Raw => "serve-raw",
            ServerKind::RawFlushEach => "serve-raw-flush-each",
            ServerKind::Chanrest => "serve-chanrest",
            ServerKind::RawBroadcast => "serve-raw-broadcast",
            ServerKind::RawHold => "serve-raw-hold",
        }
    }

    /// The server named by a hidden subcommand.
    pub fn from_subcommand(name: &str) -> Option<ServerKind> {
        [
            ServerKind::Raw,
            ServerKind::RawFlushEach,
            ServerKind::Chanrest,
            ServerKind::RawBroadcast,
            ServerKind::RawHold,
        ]
        .into_iter()
        .find(|kind| kind.subcommand() == name)
    }
}

impl fmt::Display for ServerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServerKind::Raw => "raw warp",
            ServerKind::RawFlushEach => "raw warp, flush per reply",
            ServerKind::Chanrest => "chanrest",
            ServerKind::RawBroadcast => "raw broadcast",
            ServerKind::RawHold => "raw warp",
        })
    }
}

/// Child side: serves `kind` on `addr` (a loopback address), prints the bound address as one
/// line on stdout once ready (the chanrest demo starts with its default in-memory database), and exits when stdin reaches end of file, which is at the latest when the
/// parent dies. With `cpus`, every thread of the process is pinned to them. Both servers get the same runtime (tokio's default multi-thread one) and the
/// same listening socket (TCP_NODELAY set, which accepted sockets inherit on Linux).
pub fn serve(
    kind: ServerKind,
    addr: SocketAddr,
    cpus: Option<&CpuList>,
    options: &ChanrestOptions,
) -> Result<(), String> {
    if !addr.ip().is_loopback() {
        return Err(format!("{addr} is not a loopback address"));
    }
    raise_nofile_limit()?;
    if let Some(cpus) = cpus {
        placement::pin_current_thread(cpus)?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("listening socket has no address: {e}"))?;
        exit_when_stdin_closes();
        match kind {
            ServerKind::Raw => {
                announce(bound)?;
                warp::serve(raw_routes(raw_echo))
                    .incoming(listener)
                    .run()
                    .await
            }
            ServerKind::RawFlushEach => {
                announce(bound)?;
                warp::serve(raw_routes(raw_echo_flush_each))
                    .incoming(listener)
                    .run()
                    .await
            }
            ServerKind::RawBroadcast => {
                announce(bound)?;
                warp::serve(broadcast_routes())
                    .incoming(listener)
                    .run()
                    .await
            }
            ServerKind::RawHold => {
                announce(bound)?;
                warp::serve(hold_routes()).incoming(listener).run().await
            }
            ServerKind::Chanrest => {
                let routes = chanrest_demo::routes(&options.config())
                    .await
                    .map_err(|e| format!("cannot start the demo: {e}"))?;
                announce(bound)?;
                warp::serve(routes).incoming(listener).run().await
            }
        }
        Ok(())
    })
}

/// Tells the parent that the server is ready: its address, alone on one line of stdout.
fn announce(addr: SocketAddr) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{addr}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot report the address: {e}"))
}

/// A listening socket with TCP_NODELAY, so neither server's replies wait on Nagle's algorithm.
fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_nodelay(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// Ends the process once stdin is closed (the parent keeps it open while it needs the server).
fn exit_when_stdin_closes() {
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    });
}

/// The raw baseline: `/ws/bench/` through `warp::ws()`, nothing else, each connection served
/// by `echo`.
fn raw_routes<F, Fut>(
    echo: F,
) -> impl Filter<Extract = (impl warp::Reply,), Error = warp::Rejection> + Clone
where
    F: Fn(WebSocket) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    warp::path("ws")
        .and(warp::path("bench"))
        .and(warp::path::end())
        .and(warp::ws())
        .map(move |ws: Ws| ws.on_upgrade(echo.clone()))
}

/// One raw connection, the careful way: wait for a frame, then take every further frame that
/// is already readable without waiting, feeding each reply into the socket's write buffer, and
/// flush once for the batch. Under pipelined load that is one write per batch instead of one
/// per reply; with one request in flight it is exactly one flush per reply, as before.
async fn raw_echo(mut ws: WebSocket) {
    use futures_util::FutureExt;
    'connection: while let Some(Ok(mut message)) = ws.next().await {
        loop {
            if message.is_close() {
                break 'connection;
            }
            if let Ok(text) = message.to_str() {
                if ws.feed(Message::text(wire::raw_reply(text))).await.is_err() {
                    return;
                }
            }
            // A frame already in the read buffer (or on the socket) comes back at once; `None`
            // here means reading would wait, so the batch ends.
            match ws.next().now_or_never() {
                Some(Some(Ok(next))) => message = next,
                Some(_) => {
                    let _ = ws.flush().await;
                    break 'connection;
                }
                None => break,
            }
        }
        if ws.flush().await.is_err() {
            return;
        }
    }
    let _ = ws.close().await;
}

/// The extra row: the same echo with `send`, which flushes after every reply.
async fn raw_echo_flush_each(mut ws: WebSocket) {
    while let Some(Ok(message)) = ws.next().await {
        if message.is_close() {
            break;
        }
        let Ok(text) = message.to_str() else {
            continue;
        };
        if ws.send(Message::text(wire::raw_reply(text))).await.is_err() {
            return;
        }
    }
    let _ = ws.close().await;
}

/// Capacity of the raw broadcast channel: far more than a run publishes before every
/// subscriber has caught up (a lagging subscriber would lose messages, which the run reports).
const BROADCAST_CAPACITY: usize = 1 << 16;

/// The raw fan-out baseline's routes.
fn broadcast_routes() -> impl Filter<Extract = (impl warp::Reply,), Error = warp::Rejection> + Clone
{
    let (tx, _) = tokio::sync::broadcast::channel::<Message>(BROADCAST_CAPACITY);
    let sub_tx = tx.clone();
    let sub = warp::path!("ws" / "sub")
        .and(warp::ws())
        .map(move |ws: Ws| {
            let rx = sub_tx.subscribe();
            ws.on_upgrade(move |socket| raw_subscriber(socket, rx))
        });
    let publish = warp::path!("ws" / "pub")
        .and(warp::ws())
        .map(move |ws: Ws| {
            let tx = tx.clone();
            ws.on_upgrade(move |socket| raw_publisher(socket, tx))
        });
    sub.or(publish)
}

/// A raw subscriber: says `{"subscribed":true}`, then writes every broadcast message, feeding
/// all that is queued and flushing once (as chanrest's writer does).
async fn raw_subscriber(ws: WebSocket, mut rx: tokio::sync::broadcast::Receiver<Message>) {
    use tokio::sync::broadcast::error::{RecvError, TryRecvError};
    let (mut sink, mut stream) = ws.split();
    if sink
        .send(Message::text(r#"{"subscribed":true}"#))
        .await
        .is_err()
    {
        return;
    }
    loop {
        tokio::select! {
            message = rx.recv() => {
                let message = match message {
                    Ok(message) => message,
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => break,
                };
                if sink.feed(message).await.is_err() {
                    return;
                }
                loop {
                    match rx.try_recv() {
                        Ok(message) => {
                            if sink.feed(message).await.is_err() {
                                return;
                            }
                        }
                        Err(TryRecvError::Lagged(_)) => continue,
                        Err(_) => break,
                    }
                }
                if sink.flush().await.is_err() {
                    return;
                }
            }
            incoming = stream.next() => match incoming {
                Some(Ok(message)) if !message.is_close() => {}
                _ => break,
            },
        }
    }
    let _ = sink.close().await;
}

/// A raw publisher: each text frame `data` goes out once, serialized once, in DCRF's envelope
/// as chanrest's pushes are (`{"errors":[],"data":<data>,"action":"message",
/// "response_status":200,"request_id":null}`); then the publisher gets `ok`.
async fn raw_publisher(mut ws: WebSocket, tx: tokio::sync::broadcast::Sender<Message>) {
    while let Some(Ok(message)) = ws.next().await {
        if message.is_close() {
            break;
        }
        let Ok(text) = message.to_str() else {
            continue;
        };
        let push = format!(
            r#"{{"errors":[],"data":{text},"action":"message","response_status":200,"request_id":null}}"#
        );
        let _ = tx.send(Message::text(push));
        if ws.send(Message::text("ok")).await.is_err() {
            return;
        }
    }
    let _ = ws.close().await;
}

/// The idle-memory baseline: `/ws/plain/` through `warp::ws()` (default 128 KiB read buffer),
/// holding the socket until the client leaves.
fn hold_routes() -> impl Filter<Extract = (impl warp::Reply,), Error = warp::Rejection> + Clone {
    warp::path!("ws" / "plain").and(warp::ws()).map(|ws: Ws| {
        ws.on_upgrade(|mut socket: WebSocket| async move {
            while let Some(Ok(message)) = socket.next().await {
                if message.is_close() {
                    break;
                }
            }
        })
    })
}

/// Parent side: a server running in a child process, killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    kind: ServerKind,
    addr: SocketAddr,
    child: Child,
}

impl ServerProcess {
    /// Starts this binary's `kind` subcommand on 127.0.0.1 with a free port, pinned to `cpus`
    /// if given, and waits (at most 10 s) for its address.
    pub fn spawn(kind: ServerKind, cpus: Option<&CpuList>) -> Result<ServerProcess, String> {
        Self::spawn_with(kind, cpus, &ChanrestOptions::default())
    }

    /// [`ServerProcess::spawn`], passing `options` to a chanrest child.
    pub fn spawn_with(
        kind: ServerKind,
        cpus: Option<&CpuList>,
        options: &ChanrestOptions,
    ) -> Result<ServerProcess, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
        let mut command = Command::new(exe);
        command.args([kind.subcommand(), "--addr", "127.0.0.1:0"]);
        if let Some(cpus) = cpus {
            command.args(["--cpus".to_owned(), cpus.to_string()]);
        }
        if kind == ServerKind::Chanrest {
            command.args(options.to_args());
        }
        let child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the {kind} server: {e}"))?;
        // From here on, dropping `server` kills the child.
        let mut server = ServerProcess {
            kind,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            child,
        };
        let stdout = server.child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = tx.send(read);
        });
        let line = match rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(err)) => return Err(format!("the {kind} server's output: {err}")),
            Err(_) => {
                return Err(format!(
                    "the {kind} server did not report its address within {STARTUP_TIMEOUT:?}"
                ))
            }
        };
        let addr: SocketAddr = line.trim().parse().map_err(|e| {
            format!("the {kind} server reported {line:?} instead of an address: {e}")
        })?;
        if !addr.ip().is_loopback() {
            return Err(format!("the {kind} server is not on loopback: {addr}"));
        }
        server.addr = addr;
        Ok(server)
    }

    /// Which server this is.
    pub fn kind(&self) -> ServerKind {
        self.kind
    }

    /// Where it listens (always a loopback address).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
