//! Scale-out through Redis: two demo server processes share a Redis (one this test starts, so
//! it can restart it) and a database; subscriptions on one see changes made through the other,
//! exactly once and in order; Redis outages are survived.

mod common;

use chanrest::testkit::TestClient;
use chanrest::{assert_push, assert_reply, ChannelLayer, RedisChannelLayer};
use common::{eventually, free_port, member, start_demo, start_redis, temp_database, Recorder};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn connect(addr: &str, path: &str) -> TestClient {
    TestClient::connect(&format!("ws://{addr}{path}"))
        .await
        .unwrap()
}

fn prefix(test: &str) -> String {
    format!("chanrest-test-{test}-{}:", std::process::id())
}

#[tokio::test]
async fn subscriptions_span_processes_exactly_once_in_order() {
    let port = free_port();
    let _redis = start_redis(port);
    let redis = format!("redis://127.0.0.1:{port}");
    let database = temp_database("scale");
    let prefix = prefix("span");
    let args = [
        "--redis",
        &redis,
        "--redis-prefix",
        &prefix,
        "--database",
        &database,
    ];
    let (_a, addr_a) = start_demo(&args);
    let (_b, addr_b) = start_demo(&args);

    let mut on_a = connect(&addr_a, "/ws/todos/").await;
    let mut plain_a = connect(&addr_a, "/ws/plain/").await;
    let mut on_b = connect(&addr_b, "/ws/todos/").await;

    let todo = on_b
        .request(
            "create",
            json!({"data": {"title": "shared", "owner": "ada"}}),
        )
        .await;
    assert_reply!(todo, 201);
    let id = todo["data"]["id"].clone();
    assert_reply!(
        on_a.request_with_id("subscribe_instance", json!("inst"), json!({"pk": id}))
            .await,
        201
    );
    assert_reply!(
        on_a.request_with_id("subscribe_list", json!("ada"), json!({"owner": "ada"}))
            .await,
        201
    );
    assert_reply!(
        plain_a
            .request_with_id("subscribe_todos", json!("all"), json!({}))
            .await,
        201
    );

    for i in 0..20 {
        let reply = on_b
            .request(
                "patch",
                json!({"pk": id, "data": {"title": format!("t{i}")}}),
            )
            .await;
        assert_reply!(reply, 200);
    }
    for i in 0..20 {
        assert_eq!(
            assert_push!(on_a, "update", "inst")["data"]["title"],
            format!("t{i}")
        );
        assert_eq!(
            assert_push!(on_a, "update", "ada")["data"]["title"],
            format!("t{i}")
        );
        assert_eq!(
            assert_push!(plain_a, "update", "all")["data"]["title"],
            format!("t{i}")
        );
    }
    // A change through A reaches A's own subscribers once, not twice.
    assert_reply!(
        on_a.request("patch", json!({"pk": id, "data": {"owner": "bob"}}))
            .await,
        200
    );
    assert_push!(on_a, "update", "inst");
    assert_eq!(
        assert_push!(on_a, "delete", "ada")["data"],
        json!({"pk": id})
    );
    assert_push!(plain_a, "update", "all");
    on_a.assert_silent(Duration::from_millis(300)).await;
    plain_a.assert_silent(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn any_group_name_is_safe() {
    let port = free_port();
    let _redis = start_redis(port);
    let url = format!("redis://127.0.0.1:{port}");
    let prefix = prefix("names");
    let a = RedisChannelLayer::connect_with_prefix(&url, &prefix)
        .await
        .unwrap();
    let b = RedisChannelLayer::connect_with_prefix(&url, &prefix)
        .await
        .unwrap();
    let long = "λ→ group with spaces, \"quotes\", newlines\n and * ? [ globs ] ".repeat(200);
    let names = [long.as_str(), "", "*", "a:b:c", "🦀"];
    let recorders: Vec<Arc<Recorder>> = names
        .iter()
        .map(|_| Arc::new(Recorder::default()))
        .collect();
    for (name, recorder) in names.iter().zip(&recorders) {
        b.group_add(name, member(recorder)).await.unwrap();
    }
    for (i, name) in names.iter().enumerate() {
        a.group_send(name, chanrest::Push::new("hello", &i).unwrap())
            .await
            .unwrap();
    }
    for (i, recorder) in recorders.iter().enumerate() {
        eventually("delivery across layers", || {
            recorder.received.lock().unwrap().len() == 1
        })
        .await;
        let got = recorder.take();
        assert_eq!(got, vec![("hello".to_owned(), 200, json!(i))], "group {i}");
    }
}

#[tokio::test]
async fn redis_unavailable_at_start_is_a_clear_error() {
    let port = free_port();
    let started = Instant::now();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_chanrest-demo"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--redis",
            &format!("redis://127.0.0.1:{port}"),
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot connect to Redis at redis://127.0.0.1:"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "it fails fast instead of hanging"
    );
}

#[tokio::test]
async fn a_redis_restart_is_survived() {
    let port = free_port();
    let mut redis_server = Some(start_redis(port));
    let redis = format!("redis://127.0.0.1:{port}");
    let database = temp_database("restart");
    let prefix = prefix("restart");
    let args = [
        "--redis",
        &redis,
        "--redis-prefix",
        &prefix,
        "--database",
        &database,
    ];
    let (_a, addr_a) = start_demo(&args);
    let (_b, addr_b) = start_demo(&args);
    let mut watcher = connect(&addr_a, "/ws/plain/").await;
    let mut writer_a = connect(&addr_a, "/ws/todos/").await;
    let mut writer_b = connect(&addr_b, "/ws/todos/").await;
    assert_reply!(
        watcher
            .request_with_id("subscribe_todos", json!("w"), json!({}))
            .await,
        201
    );
    assert_reply!(
        writer_b
            .request("create", json!({"data": {"title": "before"}}))
            .await,
        201
    );
    assert_eq!(
        assert_push!(watcher, "create", "w")["data"]["title"],
        "before"
    );

    // Redis goes away: actions are still answered, and pushes within a process still arrive.
    drop(redis_server.take());
    assert_reply!(
        watcher.request("add", json!({"a": 1, "b": 1})).await,
        200,
        json!(2)
    );
    assert_reply!(
        writer_a
            .request("create", json!({"data": {"title": "during, same process"}}))
            .await,
        201
    );
    assert_eq!(
        assert_push!(watcher, "create", "w")["data"]["title"],
        "during, same process"
    );
    assert_reply!(
        writer_b
            .request("create", json!({"data": {"title": "during, lost"}}))
            .await,
        201
    );

    // Redis is back: the layer reconnects and renews its subscriptions by itself.
    redis_server = Some(start_redis(port));
    let mut delivered = false;
    for attempt in 0..60 {
        let title = format!("after {attempt}");
        assert_reply!(
            writer_b
                .request("create", json!({"data": {"title": title}}))
                .await,
            201
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        let got = watcher.recv_where(|_| true);
        if let Ok(push) = tokio::time::timeout(Duration::from_millis(250), got).await {
            assert_eq!(push["action"], "create");
            let title = push["data"]["title"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                title.starts_with("after"),
                "the push sent during the outage is lost, not late: {title}"
            );
            delivered = true;
            break;
        }
    }
    assert!(delivered, "cross-process pushes resume once Redis is back");
    drop(redis_server);
}
