//! A model field marked `strict` takes its own JSON type only, while the others read what
//! DRF's serializer fields read; in process, on SQLite.

use chanrest::generic::ModelHandler;
use chanrest::store::Store;
use chanrest::{App, InMemoryChannelLayer};
use serde_json::json;
use std::sync::Arc;

chanrest::model! {
    /// A counter with a code that must be sent as text.
    pub model Counter in "counters" (write CounterWrite, patch CounterPatch, filter CounterFilter) {
        /// Assigned by the database.
        #[pk(auto)]
        id: i64,
        /// Sent as a JSON string, never read from a number.
        code: String [strict = true],
        /// Read as DRF's IntegerField reads it.
        count: i64 = 0,
    }
}

chanrest::model_consumer! {
    /// Counters.
    pub consumer Counters: CountersHandler for Counter {
        create, patch;
    }
}

struct CountersApi {
    store: Store,
}

impl ModelHandler<Counter> for CountersApi {
    fn store(&self) -> &Store {
        &self.store
    }
}

impl CountersHandler for CountersApi {}

#[tokio::test]
async fn a_strict_field_takes_its_own_type_and_the_others_drfs_readings() {
    let layer = Arc::new(InMemoryChannelLayer::new());
    let store = Store::connect("sqlite::memory:", layer.clone())
        .await
        .unwrap();
    store.migrate::<Counter>().await.unwrap();
    let app = App::new()
        .channel_layer(layer)
        .consumer("/c/", Counters(CountersApi { store }));
    let mut conn = app
        .connect_local("/c/", chanrest::Scope::default())
        .await
        .unwrap();
    for (data, expected) in [
        // DRF reads "3" and 3.0 as the integer 3.
        (
            json!({"code": "a", "count": "3"}),
            json!({"status": 201, "count": 3}),
        ),
        (
            json!({"code": "b", "count": 3.0}),
            json!({"status": 201, "count": 3}),
        ),
        (
            json!({"code": "c", "count": "3.5"}),
            json!({"status": 400, "errors": [{"count": ["A valid integer is required."]}]}),
        ),
        // The strict field is not read from a number, as a non-strict text field would be.
        (
            json!({"code": 5}),
            json!({"status": 400, "errors": [{"code": ["Not a valid string."]}]}),
        ),
    ] {
        conn.send_json(&json!({"action": "create", "request_id": 1, "data": data}))
            .await;
        let reply = conn.recv_json().await.unwrap();
        assert_eq!(
            reply["response_status"], expected["status"],
            "{data}: {reply}"
        );
        match expected.get("count") {
            Some(count) => assert_eq!(&reply["data"]["count"], count, "{data}: {reply}"),
            None => assert_eq!(reply["errors"], expected["errors"], "{data}: {reply}"),
        }
    }
    conn.close().await;
}
