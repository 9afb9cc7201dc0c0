//! Shared helpers of the end-to-end tests.
#![allow(dead_code)]

use chanrest::testkit::TestServer;
use chanrest::{GroupMember, Push};
use chanrest_demo::Demo;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The demo server (embedded SQLite, in-memory channel layer) on 127.0.0.1:0. Keep the `Demo`
/// for its store.
pub(crate) async fn demo() -> (Demo, TestServer) {
    let demo = Demo::start(&Default::default()).await.unwrap();
    let server = TestServer::start_filter(demo.routes()).await;
    (demo, server)
}

/// The PostgreSQL server the tests use: `CHANREST_TEST_POSTGRES`, or the local one with trust
/// auth (CI starts it when it is not running).
pub(crate) fn postgres_url() -> String {
    std::env::var("CHANREST_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

static NEXT: AtomicU64 = AtomicU64::new(0);

/// A database URL with a schema of its own on the test PostgreSQL server, so tests running in
/// parallel never see each other's tables.
pub(crate) async fn fresh_postgres() -> String {
    use sqlx::Connection;
    let base = postgres_url();
    let schema = format!(
        "chanrest_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| {
            panic!("PostgreSQL at {base} is needed for this test (bash .ci/test starts it): {e}")
        });
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}options=-c%20search_path%3D{schema}")
}

/// The database URLs a store test runs against: embedded SQLite in memory and in a file (WAL,
/// several connections: what a deployment runs), and PostgreSQL.
pub(crate) async fn every_backend() -> Vec<String> {
    vec![
        "sqlite::memory:".to_owned(),
        temp_database("backend"),
        fresh_postgres().await,
    ]
}

/// A group member that records what it receives.
#[derive(Default)]
pub(crate) struct Recorder {
    pub received: Mutex<Vec<(String, Push)>>,
}

impl GroupMember for Recorder {
    fn member_id(&self) -> u64 {
        self as *const Self as u64
    }
    fn deliver(&self, group: &str, push: &Push) {
        self.received
            .lock()
            .unwrap()
            .push((group.to_owned(), push.clone()));
    }
}

impl Recorder {
    /// Takes what arrived so far as (action, status, data) triples.
    pub(crate) fn take(&self) -> Vec<(String, u16, serde_json::Value)> {
        std::mem::take(&mut *self.received.lock().unwrap())
            .into_iter()
            .map(|(_, p)| {
                (
                    p.action,
                    p.status,
                    serde_json::from_str(p.data.get()).unwrap(),
                )
            })
            .collect()
    }
}

/// Polls `condition` for up to 5 s.
pub(crate) async fn eventually(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Returns `recorder` as a shared group member.
pub(crate) fn member(recorder: &Arc<Recorder>) -> Arc<dyn GroupMember> {
    recorder.clone()
}

/// A child process killed when dropped.
pub(crate) struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the demo binary with `args` (plus `--addr 127.0.0.1:0`) and returns it with the
/// `host:port` it printed when ready.
pub(crate) fn start_demo(args: &[&str]) -> (Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_chanrest-demo"))
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the demo"),
    );
    let stdout = child.0.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the ready line");
    assert!(
        line.contains("listening on http://127.0.0.1:"),
        "ready line: {line:?}"
    );
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .expect("an address")
        .to_owned();
    (child, addr)
}

/// A free TCP port on 127.0.0.1.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Redis server of the test's own on `port` (so that the test may stop and restart it).
pub(crate) fn start_redis(port: u16) -> Child {
    // Wrapped at once, so that it is killed and reaped on every path (a panic included).
    let child = Child(
        std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is needed for this test (bash .ci/test installs it)"),
    );
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("redis-server did not start on port {port}");
}

/// A path for a temporary SQLite database file.
pub(crate) fn temp_database(name: &str) -> String {
    let path = std::env::temp_dir().join(format!(
        "chanrest-{name}-{}-{}.db",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_file(&path);
    format!("sqlite:{}", path.display())
}

/// One HTTP/1.1 request; returns the status line, the headers (lower-cased) and the body.
pub(crate) async fn fetch(addr: std::net::SocketAddr, request: String) -> (String, String, String) {
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
        // Read to the end of the body (by content-length), or to EOF.
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 65536];
        loop {
            let n = std::io::Read::read(&mut stream, &mut chunk).unwrap();
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&bytes);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head.lines().find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                });
                if length.is_some_and(|length| body.len() >= length) {
                    break;
                }
            }
        }
        let response = String::from_utf8(bytes).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
        (status.to_owned(), headers.to_lowercase(), body.to_owned())
    })
    .await
    .unwrap()
}

/// A `GET` of `path` (see [`fetch`]).
pub(crate) async fn get(addr: std::net::SocketAddr, path: &str) -> (String, String, String) {
    fetch(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
    .await
}
