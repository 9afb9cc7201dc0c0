//! The demo's model consumers on SQLite, through real sockets: DCRF's generic actions,
//! pagination, instance and query subscriptions, the model observer, transactions, the
//! multiplexer, and writes made outside any consumer.

mod common;

use chanrest::testkit::TestClient;
use chanrest::{assert_error, assert_push, assert_reply};
use chanrest_demo::api::{Todo, TodoPatch, TodoWrite};
use common::demo;
use serde_json::{json, Value};
use std::time::Duration;

async fn create(client: &mut TestClient, title: &str, owner: &str) -> Value {
    let reply = client
        .request("create", json!({"data": {"title": title, "owner": owner}}))
        .await;
    assert_reply!(reply, 201);
    reply["data"].clone()
}

#[tokio::test]
async fn crud_with_dcrf_names_statuses_and_errors() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/todos/").await;

    assert_reply!(
        client.request("list", json!({"data": {}})).await,
        200,
        json!([])
    );

    let reply = client
        .request("create", json!({"data": {"title": "Buy milk"}}))
        .await;
    assert_reply!(
        reply,
        201,
        json!({"id": 1, "title": "Buy milk", "done": false, "owner": ""})
    );
    assert_eq!(reply["action"], "create");
    create(&mut client, "Walk", "ada").await;

    assert_reply!(
        client
            .request("retrieve", json!({"pk": 1, "data": {}}))
            .await,
        200,
        json!({"id": 1, "title": "Buy milk", "done": false, "owner": ""})
    );
    // A pk that parses as the key type is fine; one that does not is simply not found.
    assert_reply!(client.request("retrieve", json!({"pk": "2"})).await, 200);
    assert_error!(
        client.request("retrieve", json!({"pk": 99})).await,
        404,
        json!(["Not found"])
    );
    assert_error!(
        client.request("retrieve", json!({"pk": "abc"})).await,
        404,
        json!(["Not found"])
    );
    assert_error!(
        client.request("retrieve", json!({"pk": [1]})).await,
        404,
        json!(["Not found"])
    );
    assert_error!(
        client.request("retrieve", json!({})).await,
        400,
        json!([{"pk": ["This field is required."]}])
    );

    let reply = client
        .request(
            "update",
            json!({"pk": 1, "data": {"title": "Buy oat milk", "done": true}}),
        )
        .await;
    assert_reply!(
        reply,
        200,
        json!({"id": 1, "title": "Buy oat milk", "done": true, "owner": ""})
    );
    let reply = client
        .request("patch", json!({"pk": 1, "data": {"owner": "bob"}}))
        .await;
    assert_reply!(
        reply,
        200,
        json!({"id": 1, "title": "Buy oat milk", "done": true, "owner": "bob"})
    );
    // update, as DRF's PUT: required fields must be sent, and an omitted field with a
    // default keeps its value instead of going back to the default.
    let reply = client
        .request("update", json!({"pk": 1, "data": {"title": "Reset"}}))
        .await;
    assert_reply!(
        reply,
        200,
        json!({"id": 1, "title": "Reset", "done": true, "owner": "bob"})
    );
    let reply = client
        .request(
            "update",
            json!({"pk": 1, "data": {"title": "Again", "done": false}}),
        )
        .await;
    assert_reply!(
        reply,
        200,
        json!({"id": 1, "title": "Again", "done": false, "owner": "bob"})
    );
    let reply = client
        .request("update", json!({"pk": 1, "data": {"done": true}}))
        .await;
    assert_error!(reply, 400, json!([{"title": ["This field is required."]}]));

    let list = client.request("list", json!({})).await;
    assert_eq!(
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].clone())
            .collect::<Vec<_>>(),
        vec![json!(1), json!(2)]
    );
    assert_reply!(
        client.request("list", json!({"owner": "ada"})).await,
        200,
        json!([{"id": 2, "title": "Walk", "done": false, "owner": "ada"}])
    );

    let reply = client.request("delete", json!({"pk": 1, "data": {}})).await;
    assert_reply!(reply, 204, Value::Null);
    assert_error!(
        client.request("delete", json!({"pk": 1})).await,
        404,
        json!(["Not found"])
    );
    assert_error!(
        client
            .request("patch", json!({"pk": 1, "data": {"done": true}}))
            .await,
        404,
        json!(["Not found"])
    );
    // Ids are never reused, even after a delete.
    assert_eq!(create(&mut client, "Third", "").await["id"], 3);
}

#[tokio::test]
async fn validation_errors_in_drf_shape() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/todos/").await;
    assert_error!(
        client.request("create", json!({"data": {}})).await,
        400,
        json!([{"title": ["This field is required."]}])
    );
    assert_error!(
        client.request("create", json!({})).await,
        400,
        json!([{"data": ["This field is required."]}])
    );
    assert_error!(
        client
            .request(
                "create",
                json!({"data": {"title": "", "done": "maybe", "owner": null}})
            )
            .await,
        400,
        // Every field's error at once, as DRF reports them ("yes" would be a boolean).
        json!([{
            "done": ["Must be a valid boolean."],
            "owner": ["This field may not be null."],
            "title": ["This field may not be blank."]
        }])
    );
    assert_error!(
        client
            .request("create", json!({"data": {"title": ""}}))
            .await,
        400,
        json!([{"title": ["This field may not be blank."]}])
    );
    assert_error!(
        client
            .request(
                "create",
                json!({"data": {"title": "x".repeat(201), "owner": "y".repeat(101)}})
            )
            .await,
        400,
        json!([{"title": ["Ensure this field has no more than 200 characters."], "owner": ["Ensure this field has no more than 100 characters."]}])
    );
    // Exactly at the limit is fine; characters, not bytes, count.
    assert_reply!(
        client
            .request("create", json!({"data": {"title": "é".repeat(200)}}))
            .await,
        201
    );
    create(&mut client, "a", "").await;
    assert_error!(
        client
            .request("patch", json!({"pk": 2, "data": {"title": ""}}))
            .await,
        400,
        json!([{"title": ["This field may not be blank."]}])
    );
    assert_error!(
        client
            .request("update", json!({"pk": 2, "data": {"done": true}}))
            .await,
        400,
        json!([{"title": ["This field is required."]}])
    );
    // Nothing was written by the failed requests.
    assert_eq!(
        client.request("list", json!({})).await["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn pagination_with_limit_and_offset() {
    let (_demo, server) = demo().await;
    let mut writer = server.connect("/ws/todos/").await;
    for i in 1..=5 {
        create(&mut writer, &format!("t{i}"), "").await;
    }
    let mut client = server.connect("/ws/todos-paged/").await;
    let page = client.request("list", json!({})).await;
    assert_reply!(page, 200);
    assert_eq!(page["data"]["count"], 5);
    assert_eq!(page["data"]["limit"], 2);
    assert_eq!(page["data"]["offset"], 0);
    assert_eq!(
        page["data"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].clone())
            .collect::<Vec<_>>(),
        vec![json!("t1"), json!("t2")]
    );
    // DCRF's key order: count, results, limit, offset.
    let keys: Vec<&str> = page["data"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 4);
    let page = client
        .request("list", json!({"limit": 3, "offset": 3}))
        .await;
    assert_eq!(page["data"]["results"].as_array().unwrap().len(), 2);
    assert_eq!(page["data"]["results"][0]["title"], "t4");
    for bad in [json!("x"), json!(0), json!(-1), json!(null), json!(1.5)] {
        let page = client.request("list", json!({"limit": bad})).await;
        assert_eq!(
            page["data"]["limit"], 2,
            "limit {bad} falls back to the default"
        );
    }
    let page = client
        .request("list", json!({"limit": "3", "offset": "bad"}))
        .await;
    assert_eq!(
        (
            page["data"]["limit"].clone(),
            page["data"]["offset"].clone()
        ),
        (json!(3), json!(0))
    );
    let page = client.request("list", json!({"offset": 10})).await;
    assert_reply!(
        page,
        200,
        json!({"count": 5, "results": [], "limit": 2, "offset": 10})
    );
    let page = client.request("list", json!({"limit": 100000})).await;
    assert_eq!(
        page["data"]["limit"], 1000,
        "capped by the maximum page size"
    );
    assert_error!(
        client.request("retrieve", json!({"pk": 1})).await,
        405,
        json!(["Method \"retrieve\" not allowed."])
    );
}

#[tokio::test]
async fn instance_subscriptions_push_after_commit_per_request_id() {
    let (_demo, server) = demo().await;
    let mut watcher = server.connect("/ws/todos/").await;
    let mut writer = server.connect("/ws/todos/").await;
    let todo = create(&mut writer, "Watch me", "").await;
    let other = create(&mut writer, "Not me", "").await;
    let reply = watcher
        .request_with_id(
            "subscribe_instance",
            json!("sub-a"),
            json!({"pk": todo["id"]}),
        )
        .await;
    assert_reply!(reply, 201, Value::Null);
    assert_reply!(
        watcher
            .request_with_id("subscribe_instance", json!(7), json!({"pk": todo["id"]}))
            .await,
        201
    );
    assert_error!(
        watcher
            .request("subscribe_instance", json!({"pk": 404}))
            .await,
        404,
        json!(["Not found"])
    );
    watcher
        .send_json(&json!({"action": "subscribe_instance", "pk": todo["id"]}))
        .await;
    assert_error!(
        watcher.recv_json().await,
        400,
        json!(["request_id must have a value set"])
    );

    writer
        .request("patch", json!({"pk": todo["id"], "data": {"done": true}}))
        .await;
    writer
        .request("patch", json!({"pk": other["id"], "data": {"done": true}}))
        .await;
    for id in [json!("sub-a"), json!(7)] {
        let push = assert_push!(watcher, "update", id);
        assert_eq!(push["response_status"], 200);
        assert_eq!(
            push["data"],
            json!({"id": todo["id"], "title": "Watch me", "done": true, "owner": ""})
        );
    }
    writer.request("delete", json!({"pk": todo["id"]})).await;
    for id in [json!("sub-a"), json!(7)] {
        let push = assert_push!(watcher, "delete", id);
        assert_eq!(push["response_status"], 204);
        assert_eq!(push["data"], json!({"pk": todo["id"]}));
    }
    watcher.assert_silent(Duration::from_millis(200)).await;

    // Unsubscribing stops the pushes of that request id only; the row need not exist.
    let third = create(&mut writer, "Third", "").await;
    assert_reply!(
        watcher
            .request_with_id(
                "subscribe_instance",
                json!("s3"),
                json!({"pk": third["id"]})
            )
            .await,
        201
    );
    assert_reply!(
        watcher
            .request_with_id(
                "subscribe_instance",
                json!("s4"),
                json!({"pk": third["id"]})
            )
            .await,
        201
    );
    assert_reply!(
        watcher
            .request_with_id(
                "unsubscribe_instance",
                json!("s3"),
                json!({"pk": third["id"]})
            )
            .await,
        204,
        Value::Null
    );
    writer
        .request(
            "patch",
            json!({"pk": third["id"], "data": {"title": "changed"}}),
        )
        .await;
    assert_eq!(
        assert_push!(watcher, "update", "s4")["data"]["title"],
        "changed"
    );
    watcher.assert_silent(Duration::from_millis(200)).await;
    assert_reply!(
        watcher
            .request_with_id(
                "unsubscribe_instance",
                json!("unknown"),
                json!({"pk": 12345})
            )
            .await,
        204
    );
}

#[tokio::test]
async fn transactions_push_once_with_the_final_state_and_rollbacks_push_nothing() {
    let (demo, server) = demo().await;
    let mut watcher = server.connect("/ws/todos/").await;
    let todo: Todo = demo
        .store
        .create::<Todo>(&TodoWrite {
            title: "t".into(),
            done: Default::default(),
            owner: Default::default(),
        })
        .await
        .unwrap();
    assert_reply!(
        watcher
            .request_with_id("subscribe_instance", json!("s"), json!({"pk": todo.id}))
            .await,
        201
    );

    let id = json!(todo.id);
    let patch = |title: &str| TodoPatch {
        title: title.to_owned().into(),
        ..Default::default()
    };
    let (a, b, c) = (patch("one"), patch("two"), patch("three"));
    let scope = chanrest::store::Query::all();
    demo.store
        .atomic(|tx| {
            Box::pin(async move {
                tx.patch::<Todo>(&scope, &id, &a).await?;
                tx.patch::<Todo>(&scope, &id, &b).await?;
                tx.patch::<Todo>(&scope, &id, &c).await
            })
        })
        .await
        .unwrap();
    assert_eq!(
        assert_push!(watcher, "update", "s")["data"]["title"],
        "three"
    );
    watcher.assert_silent(Duration::from_millis(200)).await;

    let id = json!(todo.id);
    let failed = demo
        .store
        .atomic(|tx| {
            Box::pin(async move {
                tx.patch::<Todo>(
                    &chanrest::store::Query::all(),
                    &id,
                    &TodoPatch {
                        title: "never".to_owned().into(),
                        ..Default::default()
                    },
                )
                .await?;
                Err::<(), _>(chanrest::ActionError::BadRequest("changed my mind".into()))
            })
        })
        .await;
    assert!(failed.is_err());
    watcher.assert_silent(Duration::from_millis(200)).await;
    assert_eq!(
        watcher.request("retrieve", json!({"pk": todo.id})).await["data"]["title"],
        "three"
    );
}

#[tokio::test]
async fn query_subscriptions_follow_rows_in_and_out_of_the_set() {
    let (demo, server) = demo().await;
    let mut watcher = server.connect("/ws/todos/").await;
    let mut writer = server.connect("/ws/todos/").await;
    assert_reply!(
        watcher
            .request_with_id("subscribe_list", json!("ada"), json!({"owner": "ada"}))
            .await,
        201
    );
    assert_reply!(
        watcher
            .request_with_id(
                "subscribe_list",
                json!("ada-open"),
                json!({"owner": "ada", "done": false})
            )
            .await,
        201
    );
    assert_reply!(
        watcher
            .request_with_id("subscribe_list", json!("all"), json!({"data": {}}))
            .await,
        201
    );

    let todo = create(&mut writer, "Write docs", "ada").await;
    for id in ["ada", "ada-open", "all"] {
        let push = assert_push!(watcher, "create", id);
        assert_eq!(
            (push["response_status"].clone(), push["data"].clone()),
            (json!(201), todo.clone())
        );
    }
    // Done: still ada's, no longer open.
    writer
        .request("patch", json!({"pk": todo["id"], "data": {"done": true}}))
        .await;
    assert_eq!(assert_push!(watcher, "update", "ada")["data"]["done"], true);
    assert_eq!(
        assert_push!(watcher, "delete", "ada-open")["data"],
        json!({"pk": todo["id"]})
    );
    assert_push!(watcher, "update", "all");
    // Given to bob: leaves ada's set.
    writer
        .request("patch", json!({"pk": todo["id"], "data": {"owner": "bob"}}))
        .await;
    assert_eq!(
        assert_push!(watcher, "delete", "ada")["data"],
        json!({"pk": todo["id"]})
    );
    assert_push!(watcher, "update", "all");
    // Someone else's todo: only "all" hears of it.
    create(&mut writer, "Not ada's", "bob").await;
    assert_push!(watcher, "create", "all");
    // Written through the store by code outside any consumer: observed the same way.
    demo.store
        .create::<Todo>(&TodoWrite {
            title: "From a job".into(),
            done: Default::default(),
            owner: "ada".to_owned().into(),
        })
        .await
        .unwrap();
    assert_eq!(
        assert_push!(watcher, "create", "ada")["data"]["title"],
        "From a job"
    );
    assert_push!(watcher, "create", "ada-open");
    assert_push!(watcher, "create", "all");
    watcher.assert_silent(Duration::from_millis(200)).await;

    assert_reply!(
        watcher
            .request_with_id("unsubscribe_list", json!("all"), json!({}))
            .await,
        204
    );
    create(&mut writer, "Quiet", "carol").await;
    watcher.assert_silent(Duration::from_millis(200)).await;
    // Keys that are not query fields are ignored, as DCRF ignores extra kwargs (dcrf-client sends `data: {}`).
    assert_reply!(
        watcher
            .request_with_id("subscribe_list", json!("t"), json!({"title": "x"}))
            .await,
        201
    );
}

#[tokio::test]
async fn plain_subscribe_todos_pushes_every_change() {
    let (_demo, server) = demo().await;
    let mut plain = server.connect("/ws/plain/").await;
    let mut writer = server.connect("/ws/todos/").await;
    assert_reply!(
        plain
            .request_with_id("subscribe_todos", json!(42), json!({}))
            .await,
        201,
        Value::Null
    );
    let todo = create(&mut writer, "Observed", "").await;
    let push = assert_push!(plain, "create", 42);
    assert_eq!(
        (push["response_status"].clone(), push["data"].clone()),
        (json!(200), todo.clone())
    );
    writer
        .request("patch", json!({"pk": todo["id"], "data": {"done": true}}))
        .await;
    let push = assert_push!(plain, "update", 42);
    assert_eq!(
        (
            push["response_status"].clone(),
            push["data"]["done"].clone()
        ),
        (json!(200), json!(true))
    );
    writer.request("delete", json!({"pk": todo["id"]})).await;
    let push = assert_push!(plain, "delete", 42);
    assert_eq!(
        (push["response_status"].clone(), push["data"]["id"].clone()),
        (json!(200), todo["id"].clone())
    );
    assert_reply!(
        plain
            .request_with_id("unsubscribe_todos", json!(42), json!({}))
            .await,
        204
    );
    create(&mut writer, "Unobserved", "").await;
    plain.assert_silent(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn multiplexer_carries_todos_and_plain() {
    let (_demo, server) = demo().await;
    let mut client = server.connect("/ws/").await;
    client.use_stream("plain");
    assert_reply!(
        client
            .request_with_id("subscribe_todos", json!("p"), json!({}))
            .await,
        201
    );
    assert_reply!(
        client.request("add", json!({"a": 1, "b": 2})).await,
        200,
        json!(3)
    );
    client.use_stream("todos");
    let reply = client
        .request_with_id("create", json!("c"), json!({"data": {"title": "via mux"}}))
        .await;
    assert_reply!(reply, 201);
    client.use_stream("plain");
    let push = assert_push!(client, "create", "p");
    assert_eq!(push["data"]["title"], "via mux");
}
