//! The socket-free cost of one echo request: chanrest's dispatch (`App::connect_local`, the
//! same path a socket's reader takes, frame text in, reply text queued) against the raw
//! baseline's parse-and-build ([`crate::wire::raw_reply`]), in one thread, timed by the
//! thread's CPU clock. The socket's own work (tungstenite, syscalls) is the same for both
//! servers and is left out, so the difference is what chanrest adds per request. Run it under
//! `valgrind --tool=callgrind` for instruction counts per function.

use crate::wire;
use std::time::Duration;

/// Requests are served in batches of this many before their replies are taken, as a pipelining
/// connection (16 in flight) gets its replies written in batches.
const BATCH: usize = 16;

/// The thread's CPU time so far.
fn thread_cpu() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` writes one `timespec` into the valid, live `now`.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Serves `requests` echo frames through each side and returns a report: CPU time per request
/// of each, and their ratio.
pub fn run(requests: usize) -> Result<String, String> {
    let frames: Vec<String> = (0..requests as u64).map(wire::request).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    runtime.block_on(async {
        let demo = chanrest_demo::Demo::start(&chanrest_demo::Config::default())
            .await
            .map_err(|e| format!("cannot start the demo: {e}"))?;
        let app = demo.app();
        let mut connection = app
            .connect_local(wire::PATH, Default::default())
            .await
            .map_err(|e| format!("cannot connect to {}: {e:?}", wire::PATH))?;

        // Warm both paths (allocator, caches), checking the replies once.
        for frame in frames.iter().take(1_000) {
            wire::check_reply(&wire::raw_reply(frame))?;
            connection.send(frame).await;
            for reply in connection.drain() {
                wire::check_reply(&reply)?;
            }
        }

        let started = thread_cpu();
        let mut bytes = 0;
        for frame in &frames {
            bytes += wire::raw_reply(frame).len();
        }
        let raw = thread_cpu() - started;

        let started = thread_cpu();
        let mut replies = 0;
        for batch in frames.chunks(BATCH) {
            for frame in batch {
                connection.send(frame).await;
            }
            replies += connection.drain().len();
        }
        let chanrest = thread_cpu() - started;
        if replies != requests || bytes == 0 {
            return Err(format!("{replies} replies to {requests} requests"));
        }
        connection.close().await;

        let per = |d: Duration| d.as_secs_f64() * 1e9 / requests as f64;
        Ok(format!(
            "{requests} echo requests, CPU time per request in one thread, no socket:\n\
             raw parse-and-build: {:.0} ns\n\
             chanrest dispatch:   {:.0} ns ({:.2}× raw, +{:.0} ns)\n",
            per(raw),
            per(chanrest),
            per(chanrest) / per(raw),
            per(chanrest) - per(raw),
        ))
    })
}
