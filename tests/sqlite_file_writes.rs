//! Concurrent writers on a SQLite file, through real sockets: write transactions take the
//! write lock up front and wait their turn (busy timeout), so no client sees `database is
//! locked`, every acknowledged write is in the database, and each commit pushes once.

mod common;

use chanrest::testkit::TestClient;
use chanrest_demo::{Config, Demo};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

const CLIENTS: usize = 16;
const OPS: usize = 100;

/// What one client did that the server acknowledged.
#[derive(Default)]
struct Done {
    /// Rows it created and did not delete, with the title it last set.
    own: BTreeMap<i64, String>,
    /// Rows it deleted.
    deleted: BTreeSet<i64>,
    /// Patches of the shared row it had acknowledged.
    shared_patches: usize,
    /// Replies other than success, with their text.
    errors: Vec<String>,
}

async fn worker(mut client: TestClient, me: usize, shared: i64) -> Done {
    let mut done = Done::default();
    let check = |reply: &Value, done: &mut Done| -> bool {
        let status = reply["response_status"].as_u64().unwrap_or(0);
        if (200..300).contains(&status) {
            true
        } else {
            done.errors.push(reply.to_string());
            false
        }
    };
    for op in 0..OPS {
        match op % 5 {
            // Create a row of its own.
            0 | 1 => {
                let title = format!("c{me}-{op}");
                let reply = client
                    .request(
                        "create",
                        json!({"data": {"title": title, "owner": format!("w{me}")}}),
                    )
                    .await;
                if check(&reply, &mut done) {
                    let pk = reply["data"]["id"].as_i64().unwrap();
                    done.own.insert(pk, title);
                }
            }
            // Patch one of its own rows.
            2 => {
                let Some((&pk, _)) = done.own.iter().next_back() else {
                    continue;
                };
                let title = format!("p{me}-{op}");
                let reply = client
                    .request("patch", json!({"pk": pk, "data": {"title": title}}))
                    .await;
                if check(&reply, &mut done) {
                    done.own.insert(pk, title);
                }
            }
            // Patch the row every client shares.
            3 => {
                let reply = client
                    .request(
                        "patch",
                        json!({"pk": shared, "data": {"done": op % 2 == 0}}),
                    )
                    .await;
                if check(&reply, &mut done) {
                    done.shared_patches += 1;
                }
            }
            // Delete one of its own rows.
            _ => {
                let Some((&pk, _)) = done.own.iter().next() else {
                    continue;
                };
                let reply = client.request("delete", json!({"pk": pk})).await;
                if check(&reply, &mut done) {
                    done.own.remove(&pk);
                    done.deleted.insert(pk);
                }
            }
        }
    }
    client.close().await;
    done
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_a_sqlite_file_all_succeed_and_push_once_per_commit() {
    let database = common::temp_database("writers");
    let demo = Demo::start(&Config {
        database: database.clone(),
        ..Config::default()
    })
    .await
    .unwrap();
    let server = chanrest::testkit::TestServer::start_filter(demo.routes()).await;

    let mut setup = server.connect("/ws/todos/").await;
    let shared = setup
        .request("create", json!({"data": {"title": "shared"}}))
        .await["data"]["id"]
        .as_i64()
        .unwrap();
    // A watcher subscribed to the shared row counts its pushes: one per committed patch.
    let mut watcher = server.connect("/ws/todos/").await;
    let reply = watcher
        .request_with_id("subscribe_instance", json!("watch"), json!({"pk": shared}))
        .await;
    assert_eq!(reply["response_status"], 201, "{reply}");

    let mut tasks = Vec::new();
    for me in 0..CLIENTS {
        let client = server.connect("/ws/todos/").await;
        tasks.push(tokio::spawn(worker(client, me, shared)));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.push(task.await.unwrap());
    }
    let errors: Vec<&String> = all.iter().flat_map(|d| &d.errors).collect();
    assert!(
        errors.is_empty(),
        "{} of {} operations failed, e.g. {}",
        errors.len(),
        CLIENTS * OPS,
        errors[0]
    );

    // Every acknowledged write is in the database, read back through another connection.
    let mut reader = server.connect("/ws/todos/").await;
    for done in &all {
        for (pk, title) in &done.own {
            let reply = reader.request("retrieve", json!({"pk": pk})).await;
            assert_eq!(reply["data"]["title"], *title, "{reply}");
        }
        for pk in &done.deleted {
            let reply = reader.request("retrieve", json!({"pk": pk})).await;
            assert_eq!(reply["response_status"], 404, "{reply}");
        }
    }

    // Exactly one push per acknowledged patch of the shared row.
    let patches: usize = all.iter().map(|d| d.shared_patches).sum();
    let mut pushes = 0;
    while pushes < patches {
        let push = watcher.recv_json().await;
        assert_eq!(push["action"], "update", "{push}");
        assert_eq!(push["request_id"], "watch");
        pushes += 1;
    }
    watcher.assert_silent(Duration::from_millis(300)).await;
    drop(setup);
    drop(demo);
    let path = database.trim_start_matches("sqlite:");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}
