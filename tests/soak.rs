//! A bounded soak, in a test binary of its own so that resident memory is this test's alone
//! (cargo runs test binaries one after another): thousands of connections come and go,
//! through real sockets against the demo, and nothing leaks.

mod common;

use chanrest::testkit::{TestClient, TestServer};
use chanrest_demo::Demo;
use serde_json::json;

/// Resident memory of this process, in KiB.
fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_connections_come_and_go_without_leaks() {
    let demo = Demo::start(&Default::default()).await.unwrap();
    let app = demo.app();
    let metrics = app.metrics();
    let server = TestServer::start(app).await;
    let waves = std::env::var("SOAK_WAVES")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(20)
        // The memory check compares waves 3-7 with the last five: they must not overlap.
        .max(13);
    let per_wave = 150;
    let mut rss = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for wave in 0..waves {
        let mut tasks = Vec::new();
        for n in 0..per_wave {
            let url = server.url(["/ws/plain/", "/ws/todos/", "/ws/"][n % 3]);
            tasks.push(tokio::spawn(async move {
                let mut client = TestClient::connect(&url).await.map_err(|e| e.to_string())?;
                let outcome = match n % 3 {
                    0 => {
                        let a = client
                            .request_with_id("subscribe_todos", json!(n), json!({}))
                            .await;
                        // Detached and long: the disconnect must cancel it.
                        client
                            .send("slow", json!("slow"), json!({"delay": 30}))
                            .await;
                        (a["response_status"] == 201).then_some(()).ok_or(a)
                    }
                    1 => {
                        let created = client
                            .request("create", json!({"data": {"title": format!("soak {n}")}}))
                            .await;
                        let id = created["data"]["id"].clone();
                        let sub = client
                            .request_with_id("subscribe_instance", json!("s"), json!({"pk": id}))
                            .await;
                        (sub["response_status"] == 201)
                            .then_some(())
                            .ok_or(json!([created, sub]))
                    }
                    _ => {
                        client.use_stream("todos");
                        let list = client
                            .request("subscribe_list", json!({"owner": "soak"}))
                            .await;
                        client.use_stream("plain");
                        let add = client.request("add", json!({"a": 1, "b": 2})).await;
                        (list["response_status"] == 201 && add["data"] == 3)
                            .then_some(())
                            .ok_or(json!([list, add]))
                    }
                };
                // Half leave politely, half just vanish.
                if n % 2 == 0 {
                    client.close().await;
                } else {
                    drop(client);
                }
                outcome.map_err(|replies| format!("client {n}: unexpected replies {replies}"))
            }));
        }
        for task in tasks {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => errors.push(format!("wave {wave}: {err}")),
                Err(err) => errors.push(format!("wave {wave}: client task failed: {err}")),
            }
        }
        common::eventually("every connection released", || metrics.connections() == 0).await;
        rss.push(rss_kib());
        if std::env::var_os("SOAK_VERBOSE").is_some() {
            println!("wave {wave}: {} KiB", rss_kib());
        }
    }
    common::eventually("everything released", || {
        metrics.connections() == 0
            && metrics.sessions() == 0
            && metrics.detached_tasks() == 0
            && metrics.memberships() == 0
    })
    .await;
    assert!(errors.is_empty(), "unexpected errors: {errors:#?}");
    // Memory. Leaks are proved absent by the metrics above (every connection, consumer
    // instance, task and membership released). Resident memory must also plateau: the
    // allocator warms up over the first waves and then steps up now and then by a few MiB
    // (glibc arenas), so the median of the last five waves is compared with the median of
    // waves 3-7 with a margin of 40%; a leak of a consumer instance per connection would be
    // ~20 KiB x thousands of connections and far beyond it.
    let median = |waves: &[u64]| {
        let mut waves = waves.to_vec();
        waves.sort_unstable();
        waves[waves.len() / 2]
    };
    let baseline = median(&rss[3..8]);
    assert!(
        baseline > 0,
        "resident memory could not be read from /proc/self/statm"
    );
    let end = median(&rss[rss.len() - 5..]);
    println!(
        "soak: {} connections in {waves} waves of {per_wave}; RSS baseline {baseline} KiB, at the end {end} KiB",
        waves * per_wave
    );
    assert!(
        end <= baseline + baseline * 2 / 5,
        "RSS grew from {baseline} KiB to {end} KiB"
    );
}
