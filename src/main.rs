//! `chanrest-demo [--addr HOST:PORT] [--database URL]`: serves the demo API and prints the address once ready.
//! On SIGTERM or Ctrl-C it stops accepting, lets the actions under way finish (10 s at most),
//! closes every socket with 1001 and exits 0.

use std::net::SocketAddr;
use std::process::ExitCode;

const USAGE: &str = "usage: chanrest-demo [--addr HOST:PORT] [--database URL]

  --addr HOST:PORT   address to listen on (default 127.0.0.1:8000; port 0 picks a free one)
  --database URL     sqlite::memory: (default, a fresh database), sqlite:FILE, or postgres://...
  --redis URL        share groups and subscriptions with other processes through Redis
                     (e.g. redis://127.0.0.1:6379); default: this process only
  --redis-prefix P   prefix of the Redis channels (default chanrest:)
  --allowed-origin O a browser origin served besides pages of this server's own host
                     (https://app.example.com, or https://*.example.com); repeatable.
                     Any other Origin is refused with HTTP 403";

/// How long actions under way may take to finish on SIGTERM or Ctrl-C.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

struct Args {
    addr: SocketAddr,
    database: String,
    redis: Option<String>,
    redis_prefix: Option<String>,
    allowed_origins: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        addr: SocketAddr::from(([127, 0, 0, 1], 8000)),
        database: chanrest_demo::DEFAULT_DATABASE.to_owned(),
        redis: None,
        redis_prefix: None,
        allowed_origins: Vec::new(),
    };
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| argv.next())
                .ok_or(format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--addr" => {
                let text = value("--addr")?;
                args.addr = text.parse().map_err(|e| format!("--addr {text}: {e}"))?;
            }
            "--database" => args.database = value("--database")?,
            "--redis" => args.redis = Some(value("--redis")?),
            "--redis-prefix" => args.redis_prefix = Some(value("--redis-prefix")?),
            "--allowed-origin" => args.allowed_origins.push(value("--allowed-origin")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("chanrest-demo: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("chanrest-demo: cannot listen on {}: {err}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().expect("bound socket has an address");
    let mut config = chanrest_demo::Config {
        database: args.database,
        redis: args.redis,
        allowed_origins: args.allowed_origins,
        ..Default::default()
    };
    if let Some(prefix) = args.redis_prefix {
        config.redis_prefix = prefix;
    }
    let served = match chanrest_demo::Demo::start(&config).await {
        Ok(demo) => demo.served(),
        Err(err) => {
            eprintln!("chanrest-demo: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("chanrest-demo listening on http://{addr}");
    // Every TCP connection, HTTP or WebSocket, counts toward the app's max_connections.
    chanrest::serve_with_limit(
        listener,
        served.routes,
        chanrest::DEFAULT_HANDSHAKE_TIMEOUT,
        served.connections,
        shutdown_signal(),
    )
    .await;
    // Accepting has stopped; the open connections finish what they are doing and get 1001.
    if !served.shutdown.shutdown(SHUTDOWN_GRACE).await {
        eprintln!("chanrest-demo: connections still open after the grace period");
    }
    ExitCode::SUCCESS
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
