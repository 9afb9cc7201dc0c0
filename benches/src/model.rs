//! The todo model consumer (`/ws/todos/`): `create`, `retrieve` and `list` (of exactly 20
//! rows) under closed-loop load over the socket, each reply checked, and the same calls on the
//! [`Store`] itself with no socket ([`run_floor`]), the model path's floor.

use crate::fanout::{check_ok, connect, next_text, request, Socket};
use crate::load::{close_quietly, InFlight, Scenario};
use crate::stats::Summary;
use chanrest::store::{Query, Store};
use chanrest_demo::api::{Todo, TodoWrite};
use futures_util::{FutureExt, SinkExt, StreamExt};
use std::fmt::Write;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

/// Rows in the database for `retrieve` and `list`.
pub const SEEDED_ROWS: usize = 20;

/// The operation under load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `create` with `{"title":"t"}` (201).
    Create,
    /// `retrieve` of the seeded rows in turn (200, the row).
    Retrieve(Vec<i64>),
    /// `list` of all rows (200, exactly [`SEEDED_ROWS`] of them).
    List,
}

impl Op {
    /// Its action name.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Retrieve(_) => "retrieve",
            Op::List => "list",
        }
    }

    fn request(&self, id: u64) -> String {
        match self {
            Op::Create => {
                format!(r#"{{"action":"create","request_id":{id},"data":{{"title":"t"}}}}"#)
            }
            Op::Retrieve(pks) => {
                let pk = pks[id as usize % pks.len()];
                format!(r#"{{"action":"retrieve","request_id":{id},"pk":{pk}}}"#)
            }
            Op::List => format!(r#"{{"action":"list","request_id":{id}}}"#),
        }
    }

    /// Checks a reply and returns its request id.
    fn check(&self, text: &str) -> Result<u64, String> {
        let reply = check_ok(text, self.name())?;
        let id = reply
            .request_id
            .as_u64()
            .ok_or_else(|| format!("reply without a request id: {text}"))?;
        let good = match self {
            Op::Create => reply.response_status == Some(201) && reply.data["title"] == "t",
            Op::Retrieve(pks) => reply.data["id"].as_i64() == Some(pks[id as usize % pks.len()]),
            Op::List => reply.data.as_array().map(Vec::len) == Some(SEEDED_ROWS),
        };
        if good {
            Ok(id)
        } else {
            Err(format!("wrong {} reply: {text}", self.name()))
        }
    }
}

/// Creates [`SEEDED_ROWS`] todos on a fresh server and returns their ids; checks that `list`
/// then returns exactly those.
pub async fn seed(addr: SocketAddr) -> Result<Vec<i64>, String> {
    let mut socket = connect(addr, "/ws/todos/").await?;
    let mut ids = Vec::new();
    for i in 0..SEEDED_ROWS {
        let reply = request(
            &mut socket,
            format!(r#"{{"action":"create","request_id":{i},"data":{{"title":"seed {i}"}}}}"#),
        )
        .await?;
        let reply = check_ok(&reply, "create")?;
        ids.push(
            reply.data["id"]
                .as_i64()
                .ok_or_else(|| format!("created row without an id: {:?}", reply.data))?,
        );
    }
    let list = request(
        &mut socket,
        r#"{"action":"list","request_id":0}"#.to_owned(),
    )
    .await?;
    Op::List.check(&list)?;
    let _ = socket.close(None).await;
    Ok(ids)
}

/// One closed-loop round of `op` on `addr`: `scenario.connections` sockets with
/// `scenario.in_flight` requests each, `warmup` then a measured `duration`.
pub async fn run_round(
    addr: SocketAddr,
    server: u32,
    op: &Op,
    scenario: Scenario,
    warmup: Duration,
    duration: Duration,
) -> Result<Measured, String> {
    let sockets = futures_util::future::try_join_all(
        (0..scenario.connections).map(|_| connect(addr, "/ws/todos/")),
    )
    .await?;
    let window_start = Instant::now() + warmup;
    let window_end = window_start + duration;
    let cpu = sample_cpu(server, window_start, window_end);
    let mut tasks = JoinSet::new();
    for socket in sockets {
        tasks.spawn(drive(
            socket,
            op.clone(),
            scenario.in_flight,
            window_start,
            window_end,
        ));
    }
    let deadline = window_end + crate::fanout::STEP_TIMEOUT + Duration::from_secs(2);
    let latencies = crate::stats::gather_latencies(tasks, deadline, "round").await?;
    let summary = Summary::from_latencies(latencies, duration)
        .ok_or_else(|| "no reply arrived in the measured window".to_owned())?;
    Measured::new(summary, duration, cpu).await
}

/// A round's figures and the CPU time the serving process spent per request in its window.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    /// Throughput and latency.
    pub summary: Summary,
    /// CPU time (user + system) of the process serving the requests (the server, or the
    /// store floor's own process) in the measured window, per request answered in it.
    pub cpu_per_request: Duration,
}

impl Measured {
    async fn new(
        summary: Summary,
        window: Duration,
        cpu: tokio::task::JoinHandle<Result<Duration, String>>,
    ) -> Result<Measured, String> {
        let cpu = cpu
            .await
            .map_err(|e| format!("the CPU sampler failed: {e}"))??;
        let requests = (summary.requests_per_sec * window.as_secs_f64()).max(1.0);
        Ok(Measured {
            summary,
            cpu_per_request: cpu.div_f64(requests),
        })
    }
}

/// The CPU time process `pid` uses from `start` to `end`, read from /proc by a task of this
/// runtime (clock-tick resolution: 10 ms in a window of seconds).
fn sample_cpu(
    pid: u32,
    start: Instant,
    end: Instant,
) -> tokio::task::JoinHandle<Result<Duration, String>> {
    tokio::spawn(async move {
        tokio::time::sleep_until(start).await;
        let before = crate::servers::cpu_time(pid)?;
        tokio::time::sleep_until(end).await;
        Ok(crate::servers::cpu_time(pid)?.saturating_sub(before))
    })
}

/// Keeps `in_flight` requests of `op` outstanding until `window_end`; latencies (ns) of the
/// replies received inside the window.
async fn drive(
    mut socket: Socket,
    op: Op,
    in_flight: usize,
    window_start: Instant,
    window_end: Instant,
) -> Result<Vec<u64>, String> {
    let failed = |e: tokio_tungstenite::tungstenite::Error| format!("sending failed: {e}");
    let mut flight = InFlight::new(in_flight, window_start, window_end);
    for _ in 0..in_flight {
        let id = flight.start();
        socket
            .feed(Message::text(op.request(id)))
            .await
            .map_err(failed)?;
    }
    socket.flush().await.map_err(failed)?;
    while !flight.is_empty() {
        // The next reply, then every reply already read: each answered request is replaced
        // by a new one (fed, not flushed), and the new ones go out in one flush, as a client
        // that writes what it has before waiting does.
        let mut text = Some(next_text(&mut socket).await?);
        while let Some(reply) = text.take() {
            let received = Instant::now();
            if flight.answer(op.check(&reply)?, received)? {
                let id = flight.start();
                socket
                    .feed(Message::text(op.request(id)))
                    .await
                    .map_err(failed)?;
            }
            text = match socket.next().now_or_never() {
                Some(Some(Ok(Message::Text(t)))) => Some(t.as_str().to_owned()),
                Some(Some(Ok(Message::Ping(_) | Message::Pong(_)))) | None => None,
                Some(Some(Ok(other))) => return Err(format!("unexpected frame: {other:?}")),
                Some(Some(Err(err))) => return Err(format!("receiving failed: {err}")),
                Some(None) => return Err("the server closed the connection".to_owned()),
            };
        }
        socket.flush().await.map_err(failed)?;
    }
    close_quietly(&mut socket, Duration::from_secs(1)).await;
    Ok(flight.into_latencies())
}

/// Creates [`SEEDED_ROWS`] todos through `store` and returns their ids; checks that a list then
/// returns exactly those.
pub async fn seed_store(store: &Store) -> Result<Vec<i64>, String> {
    let mut ids = Vec::new();
    for i in 0..SEEDED_ROWS {
        let write = todo_write(&format!("seed {i}"))?;
        let todo = store
            .create::<Todo>(&write)
            .await
            .map_err(|e| format!("seeding: {e:?}"))?;
        ids.push(todo.id);
    }
    let rows = store
        .list::<Todo>(&Query::all(), None, 0)
        .await
        .map_err(|e| format!("listing the seeded rows: {e:?}"))?;
    if rows.iter().map(|t| t.id).collect::<Vec<_>>() != ids {
        return Err(format!("the seeded rows list as {} rows", rows.len()));
    }
    Ok(ids)
}

fn todo_write(title: &str) -> Result<TodoWrite, String> {
    serde_json::from_value(serde_json::json!({ "title": title }))
        .map_err(|e| format!("a todo write: {e}"))
}

/// One closed-loop round of `op` on `store` itself, no socket: `scenario.connections` ×
/// `scenario.in_flight` tokio tasks, each calling the store in a loop (what the consumer's
/// action calls for one request: [`Store::create`], [`Store::get`] or [`Store::list`]), each
/// result checked as the socket's replies are; `warmup`, then a measured `duration`.
pub async fn run_floor(
    store: &Store,
    op: &Op,
    scenario: Scenario,
    warmup: Duration,
    duration: Duration,
) -> Result<Measured, String> {
    let window_start = Instant::now() + warmup;
    let window_end = window_start + duration;
    let cpu = sample_cpu(std::process::id(), window_start, window_end);
    let write = todo_write("t")?;
    let mut tasks = JoinSet::new();
    for task in 0..scenario.connections * scenario.in_flight {
        let (store, op, write) = (store.clone(), op.clone(), write.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut i = task as u64;
            loop {
                let sent = Instant::now();
                if sent >= window_end {
                    return Ok::<_, String>(latencies);
                }
                let good = match &op {
                    Op::Create => {
                        let todo = store
                            .create::<Todo>(&write)
                            .await
                            .map_err(|e| format!("create: {e:?}"))?;
                        todo.title == "t"
                    }
                    Op::Retrieve(pks) => {
                        let pk = pks[i as usize % pks.len()];
                        let todo = store
                            .get::<Todo>(&Query::all(), &serde_json::Value::from(pk))
                            .await
                            .map_err(|e| format!("retrieve: {e:?}"))?;
                        todo.id == pk
                    }
                    Op::List => {
                        let rows = store
                            .list::<Todo>(&Query::all(), None, 0)
                            .await
                            .map_err(|e| format!("list: {e:?}"))?;
                        rows.len() == SEEDED_ROWS
                    }
                };
                if !good {
                    return Err(format!("a wrong {} result from the store", op.name()));
                }
                let received = Instant::now();
                if received >= window_start && received < window_end {
                    latencies.push(u64::try_from((received - sent).as_nanos()).unwrap_or(u64::MAX));
                }
                i += (scenario.connections * scenario.in_flight) as u64;
            }
        });
    }
    let deadline = window_end + crate::fanout::STEP_TIMEOUT + Duration::from_secs(2);
    let latencies = crate::stats::gather_latencies(tasks, deadline, "floor round").await?;
    let summary = Summary::from_latencies(latencies, duration)
        .ok_or_else(|| "no store call finished in the measured window".to_owned())?;
    Measured::new(summary, duration, cpu).await
}

/// One row of the model table: database, action, how it was called, and what it measured.
#[derive(Debug, Clone)]
pub struct ModelRow {
    /// Which database (`SQLite file`, `SQLite memory`, `PostgreSQL`).
    pub database: String,
    /// The action.
    pub action: &'static str,
    /// The load shape.
    pub scenario: Scenario,
    /// The store called directly, no socket (the floor): medians over rounds.
    pub floor: Option<Summary>,
    /// The action over the socket: medians over rounds.
    pub socket: Option<Summary>,
    /// The floor's CPU time per request (median over rounds).
    pub floor_cpu: Option<Duration>,
    /// The server's CPU time per request over the socket (median over rounds).
    pub socket_cpu: Option<Duration>,
}

/// The floor-against-socket table: each action's store floor, the socket, their ratio, and
/// the CPU time each spent per request.
pub fn floor_table(rows: &[ModelRow]) -> String {
    let mut out = String::new();
    out.push_str("| database | action | scenario | store, no socket (req/s) | over the socket (req/s) | socket / store | store CPU per request (µs) | server CPU per request (µs) | socket p50 (µs) | socket p99 (µs) |\n");
    out.push_str("|---|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
    let us = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e6);
    let dash = || "–".to_owned();
    for row in rows {
        let rate =
            |s: &Option<Summary>| s.map_or_else(dash, |s| format!("{:.0}", s.requests_per_sec));
        let ratio = match (row.floor, row.socket) {
            (Some(f), Some(s)) => {
                format!("{:.2}×", s.requests_per_sec / f.requests_per_sec.max(1e-9))
            }
            _ => dash(),
        };
        let (p50, p99) = row
            .socket
            .map_or_else(|| (dash(), dash()), |s| (us(s.p50), us(s.p99)));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {ratio} | {} | {} | {p50} | {p99} |",
            row.database,
            row.action,
            row.scenario,
            rate(&row.floor),
            rate(&row.socket),
            row.floor_cpu.map_or_else(dash, us),
            row.socket_cpu.map_or_else(dash, us),
        );
    }
    out
}

/// The model rounds as a markdown table.
pub fn markdown_table(rows: &[(String, Scenario, Summary)]) -> String {
    let mut out = String::new();
    out.push_str("| action | scenario | req/s | p50 (µs) | p99 (µs) | p99.9 (µs) |\n");
    out.push_str("|---|---|--:|--:|--:|--:|\n");
    let us = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e6);
    for (name, scenario, s) in rows {
        let _ = writeln!(
            out,
            "| {name} | {scenario} | {:.0} | {} | {} | {} |",
            s.requests_per_sec,
            us(s.p50),
            us(s.p99),
            us(s.p999)
        );
    }
    out
}
