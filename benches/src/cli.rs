//! The command line: flags, the hidden server subcommands, and the benchmark run itself.

use crate::load::{self, Scenario};
use crate::placement::{self, CpuList};
use crate::report::{self, ScenarioResult};
use crate::servers::{self, ChanrestOptions, ServerKind, ServerProcess};
use crate::{fanout, memory, model, Extra, Settings};
use chanrest::store::Store;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

/// The usage text.
pub const USAGE: &str = "\
usage: chanrest-bench [--rounds N] [--duration-secs S] [--warmup-secs S] [--scenarios LIST]
                      [--client-cpus CPUS] [--server-cpus CPUS]

Measures chanrest's /ws/bench/ echo against a raw warp WebSocket echo server, alternately in
the same run, each server in a child process on 127.0.0.1. The raw baseline flushes once per
batch of readable frames; a raw echo that flushes per reply runs beside it as an extra row.
Prints a markdown table of medians over rounds and the chanrest/raw ratios.

  --rounds N           rounds per server and scenario, 1-100 (default 5)
  --duration-secs S    measured window of a round, 0.1-600 s (default 3)
  --warmup-secs S      unmeasured load before each window, 0-600 s (default 1)
  --scenarios LIST     comma-separated: CONNECTIONSxIN_FLIGHT echo shapes, `echo` (1x1,64x16),
                       `fanout`, `fanout-redis`, `model`, `memory`, or `all` (default echo)
  --subscribers N      fan-out subscribers, 1-100000 (default 10000)
  --messages M         fan-out and instance-subscription messages, 1-100000 (default 100)
  --paced P            then P messages more, each sent once the one before reached every
                       subscriber, to time the publishing reply alone, 0-10000 (default 20)
  --instance-subscribers N   subscribers of one todo in `model`, 1-100000 (default 1000)
  --idle-connections N idle connections in `memory`, 1-100000 (default 10000)
  --redis URL          Redis for `fanout-redis` (default redis://127.0.0.1:6379; loopback only)
  --client-cpus CPUS   pin the load generator to CPUS, e.g. 0 or 0-1, or `any` for no pinning
                       (Linux; default: the lowest CPU this process may use)
  --server-cpus CPUS   pin each server process alike (default: the same single CPU)
                       By default echo shapes with more than one connection, and `model`
                       (throughputs), run with each server on the lowest CPU and the load
                       generator on the next; either flag puts everything on the placement
                       given.

`chanrest-bench dispatch-cost [N]` instead serves N echo frames (default 1000000) through
chanrest's socket-free dispatch and the raw baseline's parse-and-build in one thread and prints
the CPU time per request of each: what chanrest adds, without the socket's share.

Exits 1 if any request fails or any reply is malformed, 2 on a usage error.";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Run the benchmark.
    Bench(Settings),
    /// (Hidden) serve one server in this process.
    Serve {
        /// Which server.
        kind: ServerKind,
        /// Where to listen; loopback only.
        addr: SocketAddr,
        /// CPUs to pin the server to.
        cpus: Option<CpuList>,
        /// chanrest's settings (chanrest only).
        options: ChanrestOptions,
    },
    /// Print the usage.
    Help,
    /// `dispatch-cost [N]`: chanrest's socket-free dispatch against the raw baseline's
    /// parse-and-build, CPU time per request over N requests (default 1,000,000).
    DispatchCost(usize),
}

/// A whole number within `range`, or a usage error naming `flag`.
fn whole_number(
    flag: &str,
    text: &str,
    range: std::ops::RangeInclusive<usize>,
) -> Result<usize, String> {
    text.parse::<usize>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or(format!(
            "{flag} {text}: expected {} to {}",
            range.start(),
            range.end()
        ))
}

/// Seconds from a flag, within `min..=max`.
fn seconds(flag: &str, text: &str, min: f64, max: f64) -> Result<Duration, String> {
    let secs: f64 = text.parse().map_err(|e| format!("{flag} {text}: {e}"))?;
    if !(min..=max).contains(&secs) {
        return Err(format!("{flag} {text}: must be from {min} to {max}"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut argv = args.into_iter().peekable();
    if argv.peek().map(String::as_str) == Some("dispatch-cost") {
        argv.next();
        let requests = match argv.next() {
            None => 1_000_000,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|n| (1_000..=100_000_000).contains(n))
                .ok_or(format!("dispatch-cost {text}: expected 1000 to 100000000"))?,
        };
        return match argv.next() {
            None => Ok(Command::DispatchCost(requests)),
            Some(extra) => Err(format!("unknown argument {extra}")),
        };
    }
    let serve = argv
        .peek()
        .and_then(|first| ServerKind::from_subcommand(first));
    if serve.is_some() {
        argv.next();
    }
    let mut settings = Settings::default();
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut cpus = None;
    let mut options = ChanrestOptions::default();
    let count = |flag: &str, text: String| whole_number(flag, &text, 1..=100_000);
    while let Some(arg) = argv.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| argv.next())
                .ok_or(format!("{flag} needs a value"))
        };
        match (flag.as_str(), serve) {
            ("-h" | "--help", _) => return Ok(Command::Help),
            ("--addr", Some(_)) => {
                let text = value()?;
                addr = text.parse().map_err(|e| format!("--addr {text}: {e}"))?;
            }
            ("--cpus", Some(_)) => cpus = placement::parse_flag(&value()?)?,
            ("--client-cpus", None) => {
                settings.client_cpus = placement::parse_flag(&value()?)?;
                settings.split_cpus = None;
            }
            ("--server-cpus", None) => {
                settings.server_cpus = placement::parse_flag(&value()?)?;
                settings.split_cpus = None;
            }
            ("--rounds", None) => settings.rounds = whole_number(&flag, &value()?, 1..=100)?,
            ("--duration-secs", None) => {
                settings.duration = seconds(&flag, &value()?, 0.1, 600.0)?;
            }
            ("--warmup-secs", None) => {
                settings.warmup = seconds(&flag, &value()?, 0.0, 600.0)?;
            }
            ("--scenarios", None) => {
                settings.scenarios = Vec::new();
                settings.extras = Vec::new();
                for item in value()?.split(',').map(str::trim) {
                    let extra = Extra::ALL.into_iter().find(|e| e.name() == item);
                    match (item, extra) {
                        (_, Some(extra)) => settings.extras.push(extra),
                        ("echo", _) => settings.scenarios.extend(Settings::default().scenarios),
                        ("all", _) => {
                            settings.scenarios.extend(Settings::default().scenarios);
                            settings.extras.extend(Extra::ALL);
                        }
                        _ => settings.scenarios.push(item.parse::<Scenario>()?),
                    }
                }
            }
            ("--subscribers", None) => settings.subscribers = count(&flag, value()?)?,
            ("--messages", None) => settings.messages = count(&flag, value()?)?,
            ("--paced", None) => settings.paced = whole_number(&flag, &value()?, 0..=10_000)?,
            ("--instance-subscribers", None) => {
                settings.instance_subscribers = count(&flag, value()?)?
            }
            ("--idle-connections", None) => settings.idle_connections = count(&flag, value()?)?,
            ("--redis", None) => {
                let url = value()?;
                // The authority, up to the path; no user info (whose `@` would put the real
                // host after it), and the host exactly 127.0.0.1.
                let authority = url
                    .strip_prefix("redis://")
                    .map(|rest| rest.split('/').next().unwrap_or_default());
                let host = authority
                    .filter(|a| !a.contains('@'))
                    .map(|a| a.split(':').next().unwrap_or_default());
                if host != Some("127.0.0.1") {
                    return Err(format!("--redis {url}: only redis://127.0.0.1 is allowed"));
                }
                settings.redis = url;
            }
            ("--database", Some(ServerKind::Chanrest)) => options.database = Some(value()?),
            ("--redis", Some(ServerKind::Chanrest)) => options.redis = Some(value()?),
            ("--redis-prefix", Some(ServerKind::Chanrest)) => options.redis_prefix = Some(value()?),
            ("--max-connections", Some(ServerKind::Chanrest)) => {
                options.max_connections = Some(count(&flag, value()?)?)
            }
            (other, _) => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(match serve {
        Some(kind) => Command::Serve {
            kind,
            addr,
            cpus,
            options,
        },
        None => Command::Bench(settings),
    })
}

/// Runs `scenarios` with the servers on `server_cpus` and the load generator on `client_cpus`:
/// the three servers (the raw baseline, the raw flush-per-reply extra, chanrest) start once, in
/// their own processes; each round loads them one after the other on fresh connections, the
/// baseline and chanrest alternating which goes first (raw first in odd rounds) so slow drifts
/// hit both alike, the extra row last. It pins the calling thread: run it on a thread of its own.
pub fn bench(
    scenarios: &[Scenario],
    client_cpus: Option<&CpuList>,
    server_cpus: Option<&CpuList>,
    settings: &Settings,
) -> Result<Vec<ScenarioResult>, String> {
    let raw = ServerProcess::spawn(ServerKind::Raw, server_cpus)?;
    let flush_each = ServerProcess::spawn(ServerKind::RawFlushEach, server_cpus)?;
    let chanrest = ServerProcess::spawn(ServerKind::Chanrest, server_cpus)?;
    // After spawning, so the servers do not inherit the load generator's placement.
    if let Some(cpus) = client_cpus {
        placement::pin_current_thread(cpus)?;
    }
    for server in [&raw, &flush_each, &chanrest] {
        eprintln!(
            "{} server: pid {}, ws://{}{}",
            server.kind(),
            server.pid(),
            server.addr(),
            crate::wire::PATH
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    let mut results = Vec::new();
    for &scenario in scenarios {
        let mut result = ScenarioResult::new(scenario);
        for round in 1..=settings.rounds {
            let order = if round % 2 == 1 {
                [&raw, &chanrest, &flush_each]
            } else {
                [&chanrest, &raw, &flush_each]
            };
            for server in order {
                let figures = runtime
                    .block_on(load::run_round(
                        server.addr(),
                        Some(server.pid()),
                        scenario,
                        settings.warmup,
                        settings.duration,
                    ))
                    .map_err(|e| format!("{scenario}, round {round}, {}: {e}", server.kind()))?;
                eprintln!(
                    "{scenario} round {round}/{} {:>26}: {}, server CPU {:.2} µs/reply",
                    settings.rounds,
                    server.kind().to_string(),
                    report::describe(&figures.summary),
                    figures
                        .server_cpu_per_reply
                        .map_or(f64::NAN, |d| d.as_secs_f64() * 1e6)
                );
                result.push_round(server.kind(), figures);
            }
        }
        results.push(result);
    }
    Ok(results)
}

/// The echo scenarios grouped by where they run: with `split_cpus`, the 1-connection shapes
/// (latency, stable when everything shares one CPU) on the shared placement and the rest
/// (throughput) on the split one; otherwise all on the shared one.
fn placements(settings: &Settings) -> Vec<(Vec<Scenario>, Option<CpuList>, Option<CpuList>)> {
    let shared = (settings.client_cpus.clone(), settings.server_cpus.clone());
    let Some((client, server)) = settings.split_cpus.clone() else {
        return vec![(settings.scenarios.clone(), shared.0, shared.1)];
    };
    let (single, many): (Vec<Scenario>, Vec<Scenario>) = settings
        .scenarios
        .iter()
        .partition(|scenario| scenario.connections == 1);
    [
        (single, shared.0, shared.1),
        (many, Some(client), Some(server)),
    ]
    .into_iter()
    .filter(|(scenarios, _, _)| !scenarios.is_empty())
    .collect()
}

/// The machine's CPU count and 1-minute load average (Linux), as one line for the report: a
/// load well above zero before the run means other work competed with the servers.
fn machine_line() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    format!("{cpus} CPU(s), 1-minute load average {load} before the run")
}

/// The whole program: parses `std::env::args`, then benches or serves.
pub fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("chanrest-bench: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Command::DispatchCost(requests) => match crate::cost::run(requests) {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("chanrest-bench dispatch-cost: FAILED: {message}");
                ExitCode::FAILURE
            }
        },
        Command::Serve {
            kind,
            addr,
            cpus,
            options,
        } => match servers::serve(kind, addr, cpus.as_ref(), &options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("chanrest-bench {}: {message}", kind.subcommand());
                ExitCode::FAILURE
            }
        },
        Command::Bench(settings) => match run_all(&settings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("chanrest-bench: FAILED: {message}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Runs the echo scenarios (if any), then every extra one, printing each table to stdout.
fn run_all(settings: &Settings) -> Result<(), String> {
    let limit = servers::raise_nofile_limit()?;
    eprintln!("chanrest-bench: open-file limit {limit}");
    if !settings.scenarios.is_empty() {
        run_echo(settings)?;
    }
    for &extra in &settings.extras {
        let started = std::time::Instant::now();
        eprintln!("chanrest-bench: scenario {} ...", extra.name());
        match extra {
            Extra::Fanout => run_fanout(settings, limit, false)?,
            Extra::FanoutRedis => run_fanout(settings, limit, true)?,
            Extra::Model => run_model(&throughput_placement(settings))?,
            Extra::Memory => run_memory(settings, limit)?,
        }
        eprintln!(
            "chanrest-bench: scenario {} took {:.1} s",
            extra.name(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// The echo benchmark as it always was. It runs on a thread of its own because it pins the
/// thread it runs on, and later scenarios start server processes that must not inherit that.
fn run_echo(settings: &Settings) -> Result<(), String> {
    let scenarios: Vec<String> = settings.scenarios.iter().map(|s| s.to_string()).collect();
    eprintln!(
        "chanrest-bench: {} round(s) per server and scenario, {:?} warm-up + {:?} measured, scenarios {}",
        settings.rounds,
        settings.warmup,
        settings.duration,
        scenarios.join(",")
    );
    println!(
        "## echo\n\nMedians over {} round(s) of {:?} each (after {:?} warm-up); {}.\n",
        settings.rounds,
        settings.duration,
        settings.warmup,
        machine_line()
    );
    for (scenarios, client, server) in placements(settings) {
        let results = std::thread::scope(|scope| {
            scope
                .spawn(|| bench(&scenarios, client.as_ref(), server.as_ref(), settings))
                .join()
                .unwrap_or_else(|_| Err("the echo benchmark panicked".to_owned()))
        })?;
        println!(
            "Placement: {}.\n",
            placement::describe(client.as_ref(), server.as_ref())
        );
        println!("{}", report::markdown_table(&results));
        println!("{}", report::verdicts(&results));
    }
    Ok(())
}

/// Runs `work` on a fresh runtime whose threads are pinned to the load generator's CPUs.
fn on_client_runtime<T: Send>(
    settings: &Settings,
    work: impl std::future::Future<Output = Result<T, String>> + Send,
) -> Result<T, String> {
    on_pinned_runtime(settings.client_cpus.as_ref(), "the load generator", work)
}

/// Runs `work` on a fresh multi-thread runtime in a thread of its own pinned to `cpus` (so
/// are the runtime's threads); `who` names it if it panics.
fn on_pinned_runtime<T: Send>(
    cpus: Option<&CpuList>,
    who: &str,
    work: impl std::future::Future<Output = Result<T, String>> + Send,
) -> Result<T, String> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                if let Some(cpus) = cpus {
                    placement::pin_current_thread(cpus)?;
                }
                tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| format!("cannot start a runtime: {e}"))?
                    .block_on(work)
            })
            .join()
            .unwrap_or_else(|_| Err(format!("{who} panicked")))
    })
}

/// Fan-out subscribers that fit in `limit` open files (with room for the rest), with a note
/// when fewer than asked.
fn fitting_subscribers(asked: usize, limit: u64) -> usize {
    let fit = usize::try_from(limit.saturating_sub(256)).unwrap_or(usize::MAX);
    if asked > fit {
        eprintln!(
            "chanrest-bench: only {fit} connections fit the open-file limit {limit}; using {fit} instead of {asked}"
        );
        fit
    } else {
        asked
    }
}

/// A fresh chanrest server with these options.
fn chanrest_server(
    settings: &Settings,
    options: &ChanrestOptions,
) -> Result<ServerProcess, String> {
    let server =
        ServerProcess::spawn_with(ServerKind::Chanrest, settings.server_cpus.as_ref(), options)?;
    eprintln!("chanrest server: pid {}, {}", server.pid(), server.addr());
    Ok(server)
}

/// `fanout`: the raw broadcast baseline, chanrest's group push (the like-for-like comparison)
/// and chanrest's model observer (a database write per message), one fresh process each.
/// `fanout-redis`: the group push and the model observer, each in one process with the
/// in-memory layer and across two processes sharing Redis.
fn run_fanout(settings: &Settings, limit: u64, redis: bool) -> Result<(), String> {
    use fanout::Feed;
    let subscribers = fitting_subscribers(settings.subscribers, limit);
    let publishing = fanout::Publishing {
        messages: settings.messages,
        paced: settings.paced,
    };
    let room = Some(subscribers + 16);
    let name = if redis { "fanout-redis" } else { "fanout" };
    let mut all_rounds = Vec::new();
    // `shared_file`: the servers use one SQLite file (as processes sharing a database must);
    // otherwise each uses the demo's default, in-memory SQLite. `redis`: the servers share
    // Redis as their channel layer.
    let mut run_one = |label: &str,
                       feed: Feed,
                       processes: usize,
                       shared_file: bool,
                       redis: bool|
     -> Result<(), String> {
        let label = label.to_owned();
        let result = if feed == Feed::Raw {
            let raw =
                ServerProcess::spawn(ServerKind::RawBroadcast, settings.server_cpus.as_ref())?;
            eprintln!("raw broadcast server: pid {}, {}", raw.pid(), raw.addr());
            let (addr, pid) = (raw.addr(), raw.pid());
            on_client_runtime(settings, async move {
                fanout::run(&label, feed, &[addr], addr, &[pid], subscribers, publishing).await
            })?
        } else {
            let unique = format!(
                "{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos())
            );
            let db = format!("/tmp/chanrest-bench-{unique}.db");
            let options = ChanrestOptions {
                database: shared_file.then(|| format!("sqlite:{db}")),
                redis: redis.then(|| settings.redis.clone()),
                redis_prefix: redis.then(|| format!("bench-{unique}:")),
                max_connections: room,
            };
            let result = (|| {
                let servers = (0..processes)
                    .map(|_| chanrest_server(settings, &options).map(|s| (s.addr(), s)))
                    .collect::<Result<Vec<_>, _>>()?;
                let addrs: Vec<_> = servers.iter().map(|(addr, _)| *addr).collect();
                let pids: Vec<_> = servers.iter().map(|(_, s)| s.pid()).collect();
                on_client_runtime(settings, async move {
                    fanout::run(
                        &label,
                        feed,
                        &addrs,
                        addrs[0],
                        &pids,
                        subscribers,
                        publishing,
                    )
                    .await
                })
            })();
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(format!("{db}{suffix}"));
            }
            result?
        };
        eprintln!("{}", fanout::describe(&result));
        all_rounds.push(result);
        Ok(())
    };
    // (label, feed, processes, shared SQLite file, Redis layer). Both observer rows of
    // fanout-redis write to a SQLite file, as two processes sharing a database must.
    let rows: &[(&str, Feed, usize, bool, bool)] = if redis {
        &[
            (
                "group push, 1 process, in-memory layer",
                Feed::Group,
                1,
                false,
                false,
            ),
            (
                "group push, 2 processes, Redis layer",
                Feed::Group,
                2,
                false,
                true,
            ),
            (
                "model observer (SQLite file), 1 process, in-memory layer",
                Feed::Observer,
                1,
                true,
                false,
            ),
            (
                "model observer (SQLite file), 2 processes, Redis layer",
                Feed::Observer,
                2,
                true,
                true,
            ),
            (
                "instance subscription (SQLite file), 1 process, in-memory layer",
                Feed::Instance,
                1,
                true,
                false,
            ),
            (
                "instance subscription (SQLite file), 2 processes, Redis layer",
                Feed::Instance,
                2,
                true,
                true,
            ),
        ]
    } else {
        &[
            ("raw broadcast", Feed::Raw, 1, false, false),
            ("chanrest group push", Feed::Group, 1, false, false),
            (
                "chanrest subscription push",
                Feed::Subscribed,
                1,
                false,
                false,
            ),
            ("chanrest model observer", Feed::Observer, 1, false, false),
        ]
    };
    // Every row once per round, in reverse order every other round; fresh servers each time.
    for round in 0..settings.rounds {
        let mut order: Vec<usize> = (0..rows.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let (label, feed, processes, shared_file, redis) = rows[i];
            eprintln!("{name} round {}/{}:", round + 1, settings.rounds);
            run_one(label, feed, processes, shared_file, redis)?;
        }
    }
    let results: Vec<fanout::FanoutResult> = rows
        .iter()
        .filter_map(|(label, ..)| {
            let rounds: Vec<_> = all_rounds
                .iter()
                .filter(|r| r.label == *label)
                .cloned()
                .collect();
            fanout::FanoutResult::median_of(&rounds)
        })
        .collect();
    println!(
        "## {name}\n\n{subscribers} subscribers, {} messages back to back then {} paced; medians of {} rounds (each row's servers fresh in every round, the order reversed every other round); {}; {}.\n",
        publishing.messages,
        publishing.paced,
        settings.rounds,
        machine_line(),
        placement::describe(settings.client_cpus.as_ref(), settings.server_cpus.as_ref())
    );
    let lost: u64 = results.iter().map(|r| r.lost).sum();
    let ratio =
        |a: &fanout::FanoutResult, b: &fanout::FanoutResult| a.per_sec() / b.per_sec().max(1e-9);
    if redis {
        for pair in results.chunks(2) {
            println!("{}", fanout::markdown_table(pair, Some(0)));
        }
        let per_publish =
            |r: &fanout::FanoutResult| fanout::millis(r.publish_time / r.messages.max(1) as u32);
        let paced =
            |r: &fanout::FanoutResult| r.paced_reply.map_or_else(|| "–".to_owned(), fanout::millis);
        println!(
            "2 processes with Redis / 1 process: group push {:.2}×, model observer {:.2}×, instance subscription {:.2}× deliveries/s (target ≥ 0.80×); lost: {lost}.\n",
            ratio(&results[1], &results[0]),
            ratio(&results[3], &results[2]),
            ratio(&results[5], &results[4]),
        );
        println!(
            "The publishing action's reply, 1 → 2 processes (ms), paced (each into a quiet fan-out) | back to back (behind the fan-outs before it): \
             group push {} → {} | {} → {}, model observer {} → {} | {} → {}, instance subscription {} → {} | {} → {}.\n",
            paced(&results[0]),
            paced(&results[1]),
            per_publish(&results[0]),
            per_publish(&results[1]),
            paced(&results[2]),
            paced(&results[3]),
            per_publish(&results[2]),
            per_publish(&results[3]),
            paced(&results[4]),
            paced(&results[5]),
            per_publish(&results[4]),
            per_publish(&results[5]),
        );
    } else {
        println!("{}", fanout::markdown_table(&results, Some(0)));
        let group = ratio(&results[1], &results[0]);
        let verdict = if group >= 0.8 && results[1].lost == 0 {
            "met"
        } else {
            "missed"
        };
        println!(
            "Target: chanrest's group push ≥ 0.80× raw broadcast deliveries/s and 0 lost: {group:.2}×, {} lost: **{verdict}**. \
             A subscription push (each subscriber's own request_id, so a frame per subscriber) is {:.2}× the raw broadcast; \
             the model observer (a SQLite insert and an after-commit push per message) has no raw counterpart and is {:.2}×.\n",
            results[1].lost,
            ratio(&results[2], &results[0]),
            ratio(&results[3], &results[0]),
        );
    }
    if lost > 0 {
        return Err(format!("{lost} message(s) lost in {name}"));
    }
    Ok(())
}

/// Runs `work` on a fresh runtime whose threads are pinned to the servers' CPUs: the store
/// floor runs where a server would, with the same runtime (one worker per allowed CPU).
fn on_server_runtime<T: Send>(
    settings: &Settings,
    work: impl std::future::Future<Output = Result<T, String>> + Send,
) -> Result<T, String> {
    on_pinned_runtime(settings.server_cpus.as_ref(), "the store floor", work)
}

/// The databases of the `model` scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ModelDatabase {
    /// A fresh SQLite file in the temporary directory for every measurement.
    SqliteFile,
    /// `sqlite::memory:`, the demo's default.
    SqliteMemory,
    /// PostgreSQL at this URL (a schema of the run's own), its table dropped before each
    /// measurement.
    Postgres(String),
}

impl ModelDatabase {
    fn label(&self) -> &'static str {
        match self {
            ModelDatabase::SqliteFile => "SQLite file",
            ModelDatabase::SqliteMemory => "SQLite memory",
            ModelDatabase::Postgres(_) => "PostgreSQL",
        }
    }

    /// A fresh, empty database: its URL and, for a file, the path to delete afterwards.
    fn fresh(&self) -> Result<(String, Option<String>), String> {
        match self {
            ModelDatabase::SqliteFile => {
                let path = std::env::temp_dir().join(format!(
                    "chanrest-bench-model-{}-{}.db",
                    std::process::id(),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_nanos())
                ));
                let path = path.display().to_string();
                Ok((format!("sqlite:{path}"), Some(path)))
            }
            ModelDatabase::SqliteMemory => Ok(("sqlite::memory:".to_owned(), None)),
            ModelDatabase::Postgres(url) => {
                let url = url.clone();
                on_runtime(async move {
                    let store = Store::connect(
                        &url,
                        std::sync::Arc::new(chanrest::InMemoryChannelLayer::new()),
                    )
                    .await
                    .map_err(|e| format!("PostgreSQL: {e}"))?;
                    store
                        .drop_table::<chanrest_demo::api::Todo>()
                        .await
                        .map_err(|e| format!("PostgreSQL: dropping todos: {e}"))?;
                    Ok((url, None))
                })
            }
        }
    }
}

/// Runs `work` on a small runtime of its own (set-up steps, not measured).
fn on_runtime<T: Send>(
    work: impl std::future::Future<Output = Result<T, String>> + Send,
) -> Result<T, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?
        .block_on(work)
}

/// A schema of this run's own on the PostgreSQL server at `base` (CHANREST_BENCH_POSTGRES,
/// else CHANREST_TEST_POSTGRES, else postgres://postgres@127.0.0.1:5432/postgres, as the
/// tests use): its URL, or why PostgreSQL cannot be used.
fn postgres_schema() -> Result<String, String> {
    let base = std::env::var("CHANREST_BENCH_POSTGRES")
        .or_else(|_| std::env::var("CHANREST_TEST_POSTGRES"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let schema = format!("chanrest_bench_{}", std::process::id());
    let setup = base.clone();
    let schema_name = schema.clone();
    on_runtime(async move {
        use sqlx::Connection;
        let attempt = async {
            let mut conn = sqlx::PgConnection::connect(&setup).await?;
            for sql in [
                format!("DROP SCHEMA IF EXISTS {schema_name} CASCADE"),
                format!("CREATE SCHEMA {schema_name}"),
            ] {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await?;
            }
            conn.close().await
        };
        tokio::time::timeout(Duration::from_secs(5), attempt)
            .await
            .map_err(|_| format!("{setup}: no answer within 5 s"))?
            .map_err(|e| format!("{setup}: {e}"))
    })?;
    let separator = if base.contains('?') { '&' } else { '?' };
    Ok(format!(
        "{base}{separator}options=-c%20search_path%3D{schema}"
    ))
}

/// Drops the run's PostgreSQL schema.
fn drop_postgres_schema(url: &str) {
    let Some((base, _)) = url.split_once("options=") else {
        return;
    };
    let base = base.trim_end_matches(['?', '&']).to_owned();
    let schema = format!("chanrest_bench_{}", std::process::id());
    let _ = on_runtime(async move {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&base)
            .await
            .map_err(|e| e.to_string())?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE"
        )))
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
        Ok(())
    });
}

/// One measurement of `action` on a fresh `database`: the store itself with no socket
/// (`floor`), or the demo's `/ws/todos/` over the socket.
fn model_measurement(
    settings: &Settings,
    database: &ModelDatabase,
    action: &'static str,
    shape: Scenario,
    floor: bool,
) -> Result<model::Measured, String> {
    let (url, file) = database.fresh()?;
    let (warmup, duration) = (settings.warmup, settings.duration);
    let result = if floor {
        let config = chanrest_demo::Config {
            database: url,
            ..Default::default()
        };
        on_server_runtime(settings, async move {
            let demo = chanrest_demo::Demo::start(&config)
                .await
                .map_err(|e| format!("cannot open the store: {e}"))?;
            let op = match action {
                "create" => model::Op::Create,
                "retrieve" => model::Op::Retrieve(model::seed_store(&demo.store).await?),
                _ => {
                    model::seed_store(&demo.store).await?;
                    model::Op::List
                }
            };
            model::run_floor(&demo.store, &op, shape, warmup, duration).await
        })
    } else {
        let server = chanrest_server(
            settings,
            &ChanrestOptions {
                database: Some(url),
                ..Default::default()
            },
        )?;
        let (addr, pid) = (server.addr(), server.pid());
        on_client_runtime(settings, async move {
            let op = match action {
                "create" => model::Op::Create,
                "retrieve" => model::Op::Retrieve(model::seed(addr).await?),
                _ => {
                    model::seed(addr).await?;
                    model::Op::List
                }
            };
            model::run_round(addr, pid, &op, shape, warmup, duration).await
        })
    };
    if let Some(path) = file {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
    result
}

/// `settings` with the throughput placement (each server on a core of its own, the load
/// generator on another; see [`Settings::split_cpus`]) when it has one: the model path's
/// targets are throughputs, judged like the echo's 64x16.
fn throughput_placement(settings: &Settings) -> Settings {
    let mut settings = settings.clone();
    if let Some((client, server)) = settings.split_cpus.clone() {
        settings.client_cpus = Some(client);
        settings.server_cpus = Some(server);
    }
    settings
}

/// `model`: create, retrieve and list at 16x4, each on the store itself with no socket (the
/// floor: as many tokio tasks as the socket has requests in flight, on the servers' CPUs) and
/// over the socket (`/ws/todos/` of the demo), on a SQLite file, in-memory SQLite and, when
/// reachable, PostgreSQL; each measurement on a fresh database and, over the socket, a fresh
/// server. Then instance-subscription pushes.
fn run_model(settings: &Settings) -> Result<(), String> {
    let shape = Scenario {
        connections: 16,
        in_flight: 4,
    };
    let mut databases = vec![ModelDatabase::SqliteFile, ModelDatabase::SqliteMemory];
    let postgres_note = match postgres_schema() {
        Ok(url) => {
            databases.push(ModelDatabase::Postgres(url));
            None
        }
        Err(why) => {
            let note = format!("PostgreSQL rows skipped: {why}");
            eprintln!("chanrest-bench: {note}");
            Some(note)
        }
    };
    let machine = machine_line();
    let actions = ["retrieve", "list", "create"];
    // (database index, action index, floor?) -> rounds
    let mut measured: HashMap<(usize, usize, bool), Vec<model::Measured>> = HashMap::new();
    let result = (|| {
        for round in 0..settings.rounds {
            for (d, database) in databases.iter().enumerate() {
                for (a, action) in actions.iter().enumerate() {
                    // The floor first in odd rounds, the socket first in even ones.
                    let order = if round % 2 == 0 {
                        [true, false]
                    } else {
                        [false, true]
                    };
                    for floor in order {
                        let measurement =
                            model_measurement(settings, database, action, shape, floor)?;
                        eprintln!(
                            "model round {}/{}: {} {action} {shape} {}: {}, {:.1} µs CPU per request",
                            round + 1,
                            settings.rounds,
                            database.label(),
                            if floor {
                                "store, no socket"
                            } else {
                                "over the socket"
                            },
                            report::describe(&measurement.summary),
                            measurement.cpu_per_request.as_secs_f64() * 1e6
                        );
                        measured.entry((d, a, floor)).or_default().push(measurement);
                    }
                }
            }
        }
        Ok::<(), String>(())
    })();
    if let Some(ModelDatabase::Postgres(url)) = databases.last() {
        drop_postgres_schema(url);
    }
    result?;
    let mut rows = Vec::new();
    for (d, database) in databases.iter().enumerate() {
        for (a, action) in actions.iter().enumerate() {
            let rounds = |floor: bool| measured.get(&(d, a, floor)).cloned().unwrap_or_default();
            let median = |floor: bool| {
                let summaries: Vec<_> = rounds(floor).iter().map(|m| m.summary).collect();
                crate::stats::Summary::median_of(&summaries)
            };
            let cpu = |floor: bool| {
                let mut cpu: Vec<Duration> =
                    rounds(floor).iter().map(|m| m.cpu_per_request).collect();
                cpu.sort();
                cpu.get(cpu.len() / 2).copied()
            };
            rows.push(model::ModelRow {
                database: database.label().to_owned(),
                action,
                scenario: shape,
                floor: median(true),
                socket: median(false),
                floor_cpu: cpu(true),
                socket_cpu: cpu(false),
            });
        }
    }
    println!(
        "## model\n\nThe todo model: each action called on the `Store` itself with no socket ({} tokio tasks on the servers' CPUs, the floor) and over the socket (`/ws/todos/` of the demo, {shape}); each measurement on a fresh database (SQLite file in {}, WAL), a fresh server, 20 seeded rows; medians of {} round(s) of {:?} after {:?} warm-up, the floor first in odd rounds; CPU per request is the user + system time of the process that served the requests (the floor's own process; the server) in the window, per request, which holds up better than req/s when other work shares the CPUs; {machine}; {}.\n",
        shape.connections * shape.in_flight,
        std::env::temp_dir().display(),
        settings.rounds,
        settings.duration,
        settings.warmup,
        placement::describe(settings.client_cpus.as_ref(), settings.server_cpus.as_ref())
    );
    println!("{}", model::floor_table(&rows));
    if let Some(note) = postgres_note {
        println!("{note}\n");
    }
    let server = chanrest_server(
        settings,
        &ChanrestOptions {
            max_connections: Some(settings.instance_subscribers + 16),
            ..Default::default()
        },
    )?;
    let (addr, pid) = (server.addr(), server.pid());
    let (subscribers, messages) = (settings.instance_subscribers, settings.messages);
    let publishing = fanout::Publishing {
        messages,
        paced: settings.paced,
    };
    let push = on_client_runtime(settings, async move {
        fanout::run(
            "chanrest subscribe_instance + patch",
            fanout::Feed::Instance,
            &[addr],
            addr,
            &[pid],
            subscribers,
            publishing,
        )
        .await
    })?;
    eprintln!("{}", fanout::describe(&push));
    println!("Instance-subscription pushes ({subscribers} subscribers of one row, {messages} patches, each waiting for its reply, then {} paced):\n", publishing.paced);
    println!(
        "{}",
        fanout::markdown_table(std::slice::from_ref(&push), None)
    );
    if push.lost > 0 {
        return Err(format!("{} push(es) lost", push.lost));
    }
    Ok(())
}

/// `memory`: RSS per idle connection, chanrest then the raw `warp::ws()` server, each fresh.
fn run_memory(settings: &Settings, limit: u64) -> Result<(), String> {
    let connections = fitting_subscribers(settings.idle_connections, limit);
    let kinds = [ServerKind::Chanrest, ServerKind::RawHold];
    let mut rounds: [Vec<memory::MemoryResult>; 2] = Default::default();
    // Alternating, a fresh server process each time.
    for round in 0..settings.rounds {
        for k in [round % 2, 1 - round % 2] {
            let kind = kinds[k];
            let options = ChanrestOptions {
                max_connections: Some(connections + 16),
                ..Default::default()
            };
            let server = ServerProcess::spawn_with(kind, settings.server_cpus.as_ref(), &options)?;
            let (pid, addr) = (server.pid(), server.addr());
            let label = match kind {
                ServerKind::Chanrest => "chanrest /ws/plain/",
                _ => "raw warp::ws() (holds the socket)",
            };
            let result = on_client_runtime(settings, async move {
                memory::measure(label, pid, addr, connections).await
            })?;
            eprintln!(
                "memory round {}/{}: {label}: {:.1} KiB per connection",
                round + 1,
                settings.rounds,
                result.per_connection()
            );
            rounds[k].push(result);
        }
    }
    let results: Vec<memory::MemoryResult> = rounds
        .iter()
        .filter_map(|r| memory::MemoryResult::median_of(r))
        .collect();
    println!(
        "## memory\n\nFresh server processes, alternating; the round with the median KiB per connection of {} rounds; {}; {}.\n",
        settings.rounds,
        machine_line(),
        placement::describe(settings.client_cpus.as_ref(), settings.server_cpus.as_ref())
    );
    println!("{}", memory::markdown_table(&results));
    let per = results[0].per_connection();
    println!(
        "Target: chanrest ≤ 16 KiB per idle connection: {per:.1} KiB: **{}**\n",
        if per <= 16.0 { "met" } else { "missed" }
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bench_flags() {
        let Ok(Command::Bench(settings)) = parse(args(&[
            "--rounds",
            "5",
            "--duration-secs=0.5",
            "--scenarios",
            "1x1,8x4",
            "--client-cpus",
            "0",
            "--server-cpus=any",
        ])) else {
            panic!("not a bench command");
        };
        assert_eq!(settings.rounds, 5);
        assert_eq!(settings.duration, Duration::from_millis(500));
        assert_eq!(settings.scenarios.len(), 2);
        assert_eq!(settings.client_cpus, Some("0".parse().unwrap()));
        assert_eq!(settings.server_cpus, None);
        assert_eq!(
            settings.split_cpus, None,
            "an explicit placement applies to every shape"
        );
        assert_eq!(placements(&settings).len(), 1);
        assert_eq!(parse(args(&[])), Ok(Command::Bench(Settings::default())));
    }

    #[test]
    fn by_default_latency_shares_a_cpu_and_throughput_splits_them() {
        let cpu = |n: &str| Some(n.parse::<CpuList>().unwrap());
        let settings = Settings {
            client_cpus: cpu("0"),
            server_cpus: cpu("0"),
            split_cpus: Some(("1".parse().unwrap(), "0".parse().unwrap())),
            ..Settings::default()
        };
        let groups = placements(&settings);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0[0].connections, 1);
        assert_eq!(
            (groups[0].1.clone(), groups[0].2.clone()),
            (cpu("0"), cpu("0"))
        );
        assert_eq!(groups[1].0[0].connections, 64);
        assert_eq!(
            (groups[1].1.clone(), groups[1].2.clone()),
            (cpu("1"), cpu("0"))
        );
    }

    #[test]
    fn redis_must_be_on_127_0_0_1() {
        for bad in [
            "redis://127.0.0.1:6379@elsewhere:6379",
            "redis://localhost:6379",
            "redis://10.0.0.1",
            "rediss://127.0.0.1",
        ] {
            assert!(parse(args(&["--redis", bad])).is_err(), "{bad}");
        }
        let Ok(Command::Bench(settings)) = parse(args(&["--redis", "redis://127.0.0.1:6379/2"]))
        else {
            panic!("a loopback URL is accepted");
        };
        assert_eq!(settings.redis, "redis://127.0.0.1:6379/2");
    }

    #[test]
    fn serve_subcommands_and_errors() {
        assert_eq!(
            parse(args(&["serve-raw", "--addr", "127.0.0.1:9"])),
            Ok(Command::Serve {
                kind: ServerKind::Raw,
                addr: SocketAddr::from(([127, 0, 0, 1], 9)),
                cpus: None,
                options: ChanrestOptions::default(),
            })
        );
        assert!(parse(args(&["--addr", "127.0.0.1:9"])).is_err());
        assert!(parse(args(&["serve-chanrest", "--rounds", "2"])).is_err());
        assert!(parse(args(&["--rounds", "0"])).is_err());
        assert!(parse(args(&["--duration-secs", "nan"])).is_err());
        assert_eq!(
            parse(args(&["dispatch-cost", "5000"])),
            Ok(Command::DispatchCost(5000))
        );
        assert!(parse(args(&["dispatch-cost", "5"])).is_err());
    }
}
