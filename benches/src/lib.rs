//! `chanrest-bench`: a load generator that measures chanrest's `/ws/bench/` `echo` against a raw
//! warp WebSocket echo server, in the same run, alternately.
//!
//! Each server runs in its own child process (the same binary with a hidden `serve-raw` or
//! `serve-chanrest` subcommand), so neither shares a tokio runtime with the load generator. The
//! load generator opens `N` connections per round, keeps `K` requests in flight on each
//! (pipelined, correlated by `request_id`), and records every reply's latency from send to
//! receipt. Everything talks to 127.0.0.1 only and every step is bounded in time.

pub mod cli;
pub mod cost;
pub mod fanout;
pub mod load;
pub mod memory;
pub mod model;
pub mod placement;
pub mod report;
pub mod servers;
pub mod stats;
pub mod wire;

/// Scenario and round settings of a benchmark run.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Rounds per server and scenario; the report gives medians over them.
    pub rounds: usize,
    /// Length of the measured window of one round.
    pub duration: std::time::Duration,
    /// Load before the measured window of each round (replies in it are not counted).
    pub warmup: std::time::Duration,
    /// The load shapes to run, in order.
    pub scenarios: Vec<load::Scenario>,
    /// CPUs the load generator is pinned to (`None`: not pinned). Default: see
    /// [`placement::default_cpus`].
    pub client_cpus: Option<placement::CpuList>,
    /// CPUs each server process is pinned to (`None`: not pinned). Default: the same as the
    /// load generator's.
    pub server_cpus: Option<placement::CpuList>,
    /// Where echo scenarios with more than one connection run instead, as
    /// `(load generator, servers)`: each on a CPU of its own, so throughput is judged on a
    /// server with a core to itself. `None`: they run on `client_cpus`/`server_cpus` like the
    /// rest. Default: [`placement::split_cpus`]; `--client-cpus` or `--server-cpus` turn it off.
    pub split_cpus: Option<(placement::CpuList, placement::CpuList)>,
    /// The other scenarios to run after the echo ones, in order.
    pub extras: Vec<Extra>,
    /// Fan-out: subscribers of the group.
    pub subscribers: usize,
    /// Fan-out and instance subscriptions: messages (changes) published back to back.
    pub messages: usize,
    /// Fan-out and instance subscriptions: messages then published one at a time, each once
    /// the one before has reached every subscriber, to time the publishing action's reply
    /// alone.
    pub paced: usize,
    /// Model consumer: subscribers of one instance.
    pub instance_subscribers: usize,
    /// Idle memory: connections held open.
    pub idle_connections: usize,
    /// Redis for `fanout-redis`.
    pub redis: String,
}

/// A scenario beyond the `/ws/bench/` echo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    /// One group, many subscribers: chanrest's model observer against a raw broadcast server.
    Fanout,
    /// The same across two chanrest processes sharing Redis, beside one in-memory process.
    FanoutRedis,
    /// The todo model consumer on SQLite: create, retrieve, list, instance-subscription pushes.
    Model,
    /// RSS per idle connection: chanrest against a raw `warp::ws()` server.
    Memory,
}

impl Extra {
    /// Every extra scenario, in the order `all` runs them.
    pub const ALL: [Extra; 4] = [
        Extra::Fanout,
        Extra::FanoutRedis,
        Extra::Model,
        Extra::Memory,
    ];

    /// The name `--scenarios` knows it by.
    pub fn name(self) -> &'static str {
        match self {
            Extra::Fanout => "fanout",
            Extra::FanoutRedis => "fanout-redis",
            Extra::Model => "model",
            Extra::Memory => "memory",
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rounds: 5,
            duration: std::time::Duration::from_secs(3),
            warmup: std::time::Duration::from_secs(1),
            scenarios: vec![
                load::Scenario {
                    connections: 1,
                    in_flight: 1,
                },
                load::Scenario {
                    connections: 64,
                    in_flight: 16,
                },
            ],
            client_cpus: placement::default_cpus(),
            server_cpus: placement::default_cpus(),
            split_cpus: placement::split_cpus(),
            extras: Vec::new(),
            subscribers: 10_000,
            messages: 100,
            paced: 20,
            instance_subscribers: 1_000,
            idle_connections: 10_000,
            redis: "redis://127.0.0.1:6379".to_owned(),
        }
    }
}
