//! Model consumers beyond the demo: streamed lists and `list_cancel`, a per-user queryset,
//! and a custom atomic action that rolls back, over real sockets.

// The contracts declared here are test fixtures, not documented API.
#![allow(missing_docs)]

mod common;

use chanrest::generic::ModelHandler;
use chanrest::model::{Omittable, WriteMode};
use chanrest::store::{Query, Store};
use chanrest::testkit::{TestClient, TestServer};
use chanrest::{
    assert_error, assert_push, assert_reply, ActionError, App, Ctx, InMemoryChannelLayer,
    TokenAuth, User,
};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

chanrest::model! {
    /// An item owned by a user.
    pub model Item in "items" (write ItemWrite, patch ItemPatch, filter ItemFilter) {
        #[pk(auto)]
        id: i64,
        name: String,
        #[query]
        owner: String = String::new(),
        /// Nullable, without a default.
        note: Option<String>,
    }
}

chanrest::model_consumer! {
    /// Items, streamed a page per reply; each user sees only their own.
    pub consumer Items: ItemsHandler for Item {
        streamed_list, retrieve, create, update, patch, subscribe_list;
        /// Creates two items atomically, or none: fails when `fail` is set.
        #[status = 201]
        action create_pair(PairArgs { first: String, second: String, #[serde(default)] fail: bool }) -> Vec<Item>;
    }
}

struct ItemsApi {
    store: Store,
}

impl ModelHandler<Item> for ItemsApi {
    fn store(&self) -> &Store {
        &self.store
    }

    async fn queryset(&self, ctx: &Ctx) -> chanrest::Result<Query> {
        Ok(match ctx.user() {
            Some(user) => Query::all().filter("owner", user.username.clone()),
            None => Query::all(),
        })
    }

    fn page_size(&self) -> u64 {
        2
    }

    /// An item created without an owner is the user's; nobody gives an item away by writing.
    async fn prepare_write(
        &self,
        ctx: &Ctx,
        mode: WriteMode,
        data: &mut Map<String, Value>,
    ) -> chanrest::Result<()> {
        let Some(user) = ctx.user() else {
            return Ok(());
        };
        match (mode, data.get("owner")) {
            (WriteMode::Create, None) => {
                data.insert("owner".into(), user.username.clone().into());
            }
            (WriteMode::Update | WriteMode::Patch, Some(owner)) if *owner != user.username => {
                return Err(ActionError::PermissionDenied);
            }
            _ => {}
        }
        Ok(())
    }
}

impl ItemsHandler for ItemsApi {
    async fn create_pair(&self, ctx: &Ctx, args: PairArgs) -> chanrest::Result<Vec<Item>> {
        let owner = ctx.user().map(|u| u.username.clone()).unwrap_or_default();
        self.store
            .atomic(move |tx| {
                Box::pin(async move {
                    let write = |name: String| ItemWrite {
                        name,
                        owner: Omittable::Set(owner.clone()),
                        note: None,
                    };
                    let a: Item = tx.create(&write(args.first)).await?;
                    let b: Item = tx.create(&write(args.second)).await?;
                    if args.fail {
                        return Err(ActionError::BadRequest("Asked to fail half-way.".into()));
                    }
                    Ok(vec![a, b])
                })
            })
            .await
    }
}

async fn server() -> (Store, TestServer) {
    let layer = Arc::new(InMemoryChannelLayer::new());
    let store = Store::connect("sqlite::memory:", layer.clone())
        .await
        .unwrap();
    store.migrate::<Item>().await.unwrap();
    let auth = TokenAuth::new(|token: String| async move { Some(User::new(token.clone(), token)) });
    let app = App::new()
        .channel_layer(layer)
        .authenticator(auth)
        .consumer(
            "/items/",
            Items(ItemsApi {
                store: store.clone(),
            }),
        );
    (store.clone(), TestServer::start(app).await)
}

async fn seed(client: &mut TestClient, names: &[&str]) {
    for name in names {
        assert_reply!(
            client
                .request("create", json!({"data": {"name": name}}))
                .await,
            201
        );
    }
}

#[tokio::test]
async fn prepare_write_sets_and_guards_fields_from_the_connection() {
    let (_store, server) = server().await;
    let mut ada = server.connect("/items/?token=ada").await;
    let created = ada
        .request("create", json!({"data": {"name": "no owner given"}}))
        .await;
    assert_reply!(created, 201);
    assert_eq!(created["data"]["owner"], "ada");
    let pk = created["data"]["id"].clone();
    let denied = json!(["You do not have permission to perform this action."]);
    for action in ["patch", "update"] {
        let reply = ada
            .request(
                action,
                json!({"pk": pk, "data": {"name": "x", "owner": "bob"}}),
            )
            .await;
        assert_error!(reply, 403, denied);
    }
    // The refused writes changed nothing.
    let row = ada.request("retrieve", json!({"pk": pk})).await;
    assert_reply!(row, 200);
    assert_eq!(
        (&row["data"]["name"], &row["data"]["owner"]),
        (&json!("no owner given"), &json!("ada"))
    );
    let reply = ada
        .request(
            "patch",
            json!({"pk": pk, "data": {"name": "renamed", "owner": "ada"}}),
        )
        .await;
    assert_reply!(reply, 200);
    assert_eq!(reply["data"]["name"], "renamed");
    let reply = ada
        .request("update", json!({"pk": pk, "data": {"name": "updated"}}))
        .await;
    assert_reply!(reply, 200);
    assert_eq!(
        (&reply["data"]["name"], &reply["data"]["owner"]),
        (&json!("updated"), &json!("ada"))
    );
}

#[tokio::test]
async fn update_leaves_an_omitted_nullable_field_as_it_is() {
    let (_store, server) = server().await;
    let mut client = server.connect("/items/").await;
    let created = client
        .request("create", json!({"data": {"name": "a", "note": "keep me"}}))
        .await;
    assert_reply!(created, 201);
    let pk = created["data"]["id"].clone();
    // `note` left out: kept, as DRF's PUT leaves a field that is not required.
    let reply = client
        .request("update", json!({"pk": pk, "data": {"name": "b"}}))
        .await;
    assert_reply!(reply, 200);
    assert_eq!(
        (&reply["data"]["name"], &reply["data"]["note"]),
        (&json!("b"), &json!("keep me"))
    );
    // Sent as null: cleared.
    let reply = client
        .request(
            "update",
            json!({"pk": pk, "data": {"name": "c", "note": null}}),
        )
        .await;
    assert_reply!(reply, 200);
    assert_eq!(reply["data"]["note"], Value::Null);
    // A create that leaves it out stores null.
    let created = client
        .request("create", json!({"data": {"name": "d"}}))
        .await;
    assert_reply!(created, 201);
    assert_eq!(created["data"]["name"], "d");
    assert_eq!(created["data"]["note"], Value::Null);
}

#[tokio::test]
async fn streamed_list_sends_a_reply_per_page() {
    let (_store, server) = server().await;
    let mut client = server.connect("/items/").await;
    seed(&mut client, &["a", "b", "c", "d", "e"]).await;
    client.send("list", json!("L"), json!({})).await;
    let mut pages = Vec::new();
    for _ in 0..3 {
        let page = client.recv_where(|m| m["request_id"] == "L").await;
        assert_reply!(page, 200);
        pages.push((
            page["data"]["offset"].clone(),
            page["data"]["results"].as_array().unwrap().len(),
        ));
    }
    assert_eq!(pages, vec![(json!(0), 2), (json!(2), 2), (json!(4), 1)]);
    client.assert_silent(Duration::from_millis(100)).await;
    // An empty result is exactly one reply.
    let empty = client
        .request("list", json!({"owner": "nobody", "limit": 1}))
        .await;
    assert_reply!(
        empty,
        200,
        json!({"count": 0, "results": [], "limit": 1, "offset": 0})
    );
    client.assert_silent(Duration::from_millis(100)).await;
    // An offset near u64::MAX is past the end: one reply, not an overflow.
    let far = u64::MAX - 1;
    let past = client
        .request("list", json!({"offset": far, "limit": 2}))
        .await;
    assert_reply!(
        past,
        200,
        json!({"count": 5, "results": [], "limit": 2, "offset": far})
    );
    client.assert_silent(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn list_cancel_stops_a_stream() {
    let (_store, server) = server().await;
    let mut client = server.connect("/items/").await;
    let names: Vec<String> = (0..400).map(|i| format!("item {i}")).collect();
    seed(
        &mut client,
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await;
    client.send("list", json!("L"), json!({"limit": 1})).await;
    assert_reply!(client.recv_where(|m| m["request_id"] == "L").await, 200);
    assert_reply!(
        client.request("list_cancel", json!({})).await,
        200,
        Value::Null
    );
    // At most the pages already in flight arrive, then the stream ends with 499.
    let mut pages = 1;
    loop {
        let message = client.recv_where(|m| m["request_id"] == "L").await;
        if message["response_status"] == 499 {
            assert_error!(message, 499, json!(["List cancelled."]));
            break;
        }
        pages += 1;
    }
    assert!(pages < 400, "the stream stopped early ({pages} pages)");
    // The connection serves other actions while a stream runs.
    client.send("list", json!("L2"), json!({"limit": 1})).await;
    assert_reply!(client.request("retrieve", json!({"pk": 1})).await, 200);
}

#[tokio::test]
async fn queryset_restricts_rows_per_user() {
    let (_store, server) = server().await;
    let mut ada = server.connect("/items/?token=ada").await;
    let mut bob = server.connect("/items/?token=bob").await;
    // Like DCRF's, the generic create stores what it is given; the queryset governs reads.
    assert_reply!(
        ada.request("create", json!({"data": {"name": "ada's", "owner": "ada"}}))
            .await,
        201
    );
    assert_reply!(
        ada.request(
            "create",
            json!({"data": {"name": "given to bob", "owner": "bob"}})
        )
        .await,
        201
    );
    assert_error!(
        bob.request("retrieve", json!({"pk": 1})).await,
        404,
        json!(["Not found"])
    );
    assert_error!(
        bob.request("patch", json!({"pk": 1, "data": {"name": "mine now"}}))
            .await,
        404,
        json!(["Not found"])
    );
    assert_reply!(bob.request("retrieve", json!({"pk": 2})).await, 200);
    let list = ada.request("list", json!({})).await;
    assert_eq!(list["data"]["count"], 1);

    // Query subscriptions are narrowed by the queryset too.
    assert_reply!(
        bob.request_with_id("subscribe_list", json!("s"), json!({}))
            .await,
        201
    );
    assert_error!(
        bob.request_with_id("subscribe_list", json!("t"), json!({"owner": "ada"}))
            .await,
        403,
        json!(["You do not have permission to perform this action."])
    );
    assert_reply!(
        ada.request(
            "create",
            json!({"data": {"name": "ada again", "owner": "ada"}})
        )
        .await,
        201
    );
    assert_reply!(
        ada.request(
            "create",
            json!({"data": {"name": "for bob", "owner": "bob"}})
        )
        .await,
        201
    );
    let push = assert_push!(bob, "create", "s");
    assert_eq!(push["data"]["name"], "for bob");
    bob.assert_silent(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn an_atomic_action_that_fails_half_way_writes_nothing() {
    let (store, server) = server().await;
    let mut client = server.connect("/items/?token=ada").await;
    assert_reply!(
        client
            .request_with_id("subscribe_list", json!("s"), json!({}))
            .await,
        201
    );
    let reply = client
        .request(
            "create_pair",
            json!({"first": "one", "second": "two", "fail": true}),
        )
        .await;
    assert_error!(reply, 400, json!(["Asked to fail half-way."]));
    assert_eq!(store.count::<Item>(&Query::all()).await.unwrap(), 0);
    client.assert_silent(Duration::from_millis(200)).await;
    let reply = client
        .request("create_pair", json!({"first": "one", "second": "two"}))
        .await;
    assert_reply!(reply, 201);
    assert_push!(client, "create", "s");
    assert_push!(client, "create", "s");
}
