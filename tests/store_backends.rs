//! The store on both backends (SQLite and PostgreSQL): CRUD, validation, text primary keys,
//! transactions and rollbacks, and the pushes committed changes cause.

// The contracts declared here are test fixtures, not documented API.
#![allow(missing_docs)]

mod common;

use chanrest::model::{Model, Omittable};
use chanrest::store::{instance_group, observer_group, query_group, ModelObserver, Query, Store};
use chanrest::{ActionError, ChannelLayer, InMemoryChannelLayer};
use common::{every_backend, member, Recorder};
use serde_json::{json, Map, Value};
use std::sync::Arc;

chanrest::model! {
    /// A note with a database-assigned id.
    pub model Note in "notes" (write NoteWrite, patch NotePatch, filter NoteFilter) {
        #[pk(auto)]
        id: i64,
        text: String [max_length = 20],
        #[query]
        pinned: bool = false,
        #[query]
        folder: Option<String> = None,
        stars: i64 [min = 0, max = 5] = 0,
        weight: f64 = 1.5,
    }
}

chanrest::model! {
    /// A country, keyed by its code.
    pub model Country in "countries" (write CountryWrite, patch CountryPatch, filter CountryFilter) {
        #[pk]
        code: String [max_length = 2],
        name: String,
    }
}

fn note(text: &str) -> NoteWrite {
    NoteWrite {
        text: text.into(),
        pinned: Omittable::Omitted,
        folder: Omittable::Omitted,
        stars: Omittable::Omitted,
        weight: Omittable::Omitted,
    }
}

async fn store(url: &str, layer: Arc<dyn ChannelLayer>) -> Store {
    let store = Store::connect(url, layer).await.unwrap();
    store.drop_table::<Note>().await.unwrap();
    store.drop_table::<Country>().await.unwrap();
    store.migrate::<Note>().await.unwrap();
    store.migrate::<Country>().await.unwrap();
    store
}

fn errors(err: ActionError) -> Value {
    assert_eq!(err.status(), 400, "{err}");
    err.errors()[0].clone()
}

#[tokio::test]
async fn crud_and_types_round_trip() {
    for url in every_backend().await {
        let store = store(&url, Arc::new(InMemoryChannelLayer::new())).await;
        let all = Query::all();
        let created: Note = store.create(&note("hello")).await.unwrap();
        assert_eq!(
            (
                created.id,
                created.pinned,
                created.folder.clone(),
                created.stars,
                created.weight
            ),
            (1, false, None, 0, 1.5),
            "{url}"
        );
        let mut write = note("second");
        write.folder = Some("work".to_owned()).into();
        write.pinned = true.into();
        write.weight = 0.25.into();
        let second: Note = store.create(&write).await.unwrap();
        assert_eq!(
            (
                second.id,
                second.folder.as_deref(),
                second.pinned,
                second.weight
            ),
            (2, Some("work"), true, 0.25)
        );

        assert_eq!(store.get::<Note>(&all, &json!(2)).await.unwrap(), second);
        assert_eq!(store.get::<Note>(&all, &json!("2")).await.unwrap(), second);
        assert!(matches!(
            store.get::<Note>(&all, &json!("two")).await,
            Err(ActionError::NotFound)
        ));
        assert!(matches!(
            store.get::<Note>(&all, &json!(3)).await,
            Err(ActionError::NotFound)
        ));
        assert!(matches!(
            store
                .get::<Note>(&Query::all().filter("pinned", false), &json!(2))
                .await,
            Err(ActionError::NotFound)
        ));

        assert_eq!(store.list::<Note>(&all, None, 0).await.unwrap().len(), 2);
        assert_eq!(
            store
                .list::<Note>(&Query::all().filter("folder", "work"), None, 0)
                .await
                .unwrap(),
            vec![second.clone()]
        );
        assert_eq!(
            store
                .list::<Note>(&Query::all().filter("folder", Value::Null), None, 0)
                .await
                .unwrap(),
            vec![created.clone()]
        );
        assert_eq!(
            store.list::<Note>(&all, Some(1), 1).await.unwrap(),
            vec![second.clone()]
        );
        assert_eq!(
            store.list::<Note>(&all, None, 1).await.unwrap(),
            vec![second.clone()]
        );
        assert_eq!(
            store
                .count::<Note>(&Query::all().filter("pinned", true))
                .await
                .unwrap(),
            1
        );

        let patched: Note = store
            .patch(
                &all,
                &json!(1),
                &NotePatch {
                    stars: 5.into(),
                    folder: Omittable::Set(Some("home".into())),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (
                patched.stars,
                patched.folder.as_deref(),
                patched.text.as_str()
            ),
            (5, Some("home"), "hello")
        );
        let patched: Note = store
            .patch(
                &all,
                &json!(1),
                &NotePatch {
                    folder: Omittable::Set(None),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(patched.folder, None, "null clears a nullable field");
        let updated: Note = store
            .update(&all, &json!(1), &note("rewritten"))
            .await
            .unwrap();
        // `note` leaves `stars` (a field with a default) out: it keeps its value.
        assert_eq!((updated.text.as_str(), updated.stars), ("rewritten", 5));

        store.delete::<Note>(&all, &json!(1)).await.unwrap();
        assert!(matches!(
            store.delete::<Note>(&all, &json!(1)).await,
            Err(ActionError::NotFound)
        ));
        let third: Note = store.create(&note("third")).await.unwrap();
        assert_eq!(third.id, 3, "ids are never reused ({url})");
    }
}

#[tokio::test]
async fn validation_and_text_primary_keys() {
    for url in every_backend().await {
        let store = store(&url, Arc::new(InMemoryChannelLayer::new())).await;
        let all = Query::all();
        assert_eq!(
            errors(store.create::<Note>(&note("")).await.unwrap_err()),
            json!({"text": ["This field may not be blank."]})
        );
        let mut write = note(&"x".repeat(21));
        write.stars = 9.into();
        assert_eq!(
            errors(store.create::<Note>(&write).await.unwrap_err()),
            json!({"text": ["Ensure this field has no more than 20 characters."], "stars": ["Ensure this value is less than or equal to 5."]})
        );
        // A row that does not exist is 404 before its data is checked, as in DRF.
        assert!(matches!(
            store
                .patch::<Note>(
                    &all,
                    &json!(1),
                    &NotePatch {
                        stars: (-1).into(),
                        ..Default::default()
                    }
                )
                .await,
            Err(ActionError::NotFound)
        ));
        let ok: Note = store.create(&note("ok")).await.unwrap();
        assert_eq!(
            errors(
                store
                    .patch::<Note>(
                        &all,
                        &json!(ok.id),
                        &NotePatch {
                            stars: (-1).into(),
                            ..Default::default()
                        }
                    )
                    .await
                    .unwrap_err()
            ),
            json!({"stars": ["Ensure this value is greater than or equal to 0."]})
        );

        let fr: Country = store
            .create(&CountryWrite {
                code: "FR".into(),
                name: "France".into(),
            })
            .await
            .unwrap();
        assert_eq!(fr.code, "FR");
        assert_eq!(
            errors(
                store
                    .create::<Country>(&CountryWrite {
                        code: "FR".into(),
                        name: "Again".into()
                    })
                    .await
                    .unwrap_err()
            ),
            json!({"code": ["country with this code already exists."]}),
            "{url}"
        );
        assert_eq!(
            store.get::<Country>(&all, &json!("FR")).await.unwrap().name,
            "France"
        );
        // The key is not part of the patch type.
        let renamed: Country = store
            .patch(
                &all,
                &json!("FR"),
                &CountryPatch {
                    name: "République française".to_owned().into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (renamed.code.as_str(), renamed.name.as_str()),
            ("FR", "République française")
        );
        assert!(matches!(
            store.get::<Country>(&all, &json!(33)).await,
            Err(ActionError::NotFound)
        ));
    }
}

#[tokio::test]
async fn failed_transactions_leave_no_partial_write() {
    for url in every_backend().await {
        let layer = Arc::new(InMemoryChannelLayer::new());
        let store = store(&url, layer.clone()).await;
        let recorder = Arc::new(Recorder::default());
        layer
            .group_add(&query_group::<Note>(&Map::new()), member(&recorder))
            .await
            .unwrap();
        let result = store
            .atomic(|tx| {
                Box::pin(async move {
                    tx.create::<Note>(&note("one")).await?;
                    tx.create::<Note>(&note("two")).await?;
                    tx.create::<Note>(&note("")).await
                })
            })
            .await;
        assert_eq!(result.unwrap_err().status(), 400);
        assert_eq!(
            store.count::<Note>(&Query::all()).await.unwrap(),
            0,
            "rolled back on {url}"
        );
        assert!(
            recorder.take().is_empty(),
            "a rolled-back write pushes nothing"
        );
    }
}

#[tokio::test]
async fn committed_changes_push_once_per_row_with_group_transitions() {
    for url in every_backend().await {
        let layer = Arc::new(InMemoryChannelLayer::new());
        let store = store(&url, layer.clone()).await;
        store.observe(
            ModelObserver::<Note>::new("by-folder")
                .keys(|n: &Note| n.folder.iter().cloned().collect()),
        );
        let created: Note = store.create(&note("n")).await.unwrap();
        let pk = json!(created.id);

        let instance = Arc::new(Recorder::default());
        let pinned = Arc::new(Recorder::default());
        let work = Arc::new(Recorder::default());
        layer
            .group_add(&instance_group::<Note>(&pk), member(&instance))
            .await
            .unwrap();
        let mut filter = Map::new();
        filter.insert("pinned".into(), json!(true));
        layer
            .group_add(&query_group::<Note>(&filter), member(&pinned))
            .await
            .unwrap();
        layer
            .group_add(&observer_group::<Note>("by-folder", "work"), member(&work))
            .await
            .unwrap();

        // Three writes in one transaction: one push per group, with the final state.
        let pk2 = pk.clone();
        store
            .atomic(|tx| {
                Box::pin(async move {
                    let all = Query::all();
                    tx.patch::<Note>(
                        &all,
                        &pk2,
                        &NotePatch {
                            pinned: true.into(),
                            ..Default::default()
                        },
                    )
                    .await?;
                    tx.patch::<Note>(
                        &all,
                        &pk2,
                        &NotePatch {
                            folder: Omittable::Set(Some("work".into())),
                            ..Default::default()
                        },
                    )
                    .await?;
                    tx.patch::<Note>(
                        &all,
                        &pk2,
                        &NotePatch {
                            text: "final".to_owned().into(),
                            ..Default::default()
                        },
                    )
                    .await
                })
            })
            .await
            .unwrap();
        let final_row = json!({"id": created.id, "text": "final", "pinned": true, "folder": "work", "stars": 0, "weight": 1.5});
        assert_eq!(
            instance.take(),
            vec![("update".to_owned(), 200, final_row.clone())],
            "{url}"
        );
        assert_eq!(
            pinned.take(),
            vec![("create".to_owned(), 201, final_row.clone())],
            "entering the set is a create"
        );
        assert_eq!(
            work.take(),
            vec![("create".to_owned(), 200, final_row.clone())]
        );

        // Leaving both sets, then deleting.
        store
            .patch::<Note>(
                &Query::all(),
                &pk,
                &NotePatch {
                    pinned: false.into(),
                    folder: Omittable::Set(None),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            pinned.take(),
            vec![("delete".to_owned(), 204, json!({"pk": created.id}))]
        );
        assert_eq!(work.take()[0].0, "delete");
        assert_eq!(instance.take()[0].0, "update");
        store.delete::<Note>(&Query::all(), &pk).await.unwrap();
        assert_eq!(
            instance.take(),
            vec![("delete".to_owned(), 204, json!({"pk": created.id}))]
        );
        assert!(pinned.take().is_empty() && work.take().is_empty());

        // Created and deleted in one transaction: nothing to tell anyone.
        let everything = Arc::new(Recorder::default());
        layer
            .group_add(&query_group::<Note>(&Map::new()), member(&everything))
            .await
            .unwrap();
        store
            .atomic(|tx| {
                Box::pin(async move {
                    let row: Note = tx.create(&note("ephemeral")).await?;
                    tx.delete::<Note>(&Query::all(), &json!(row.id)).await
                })
            })
            .await
            .unwrap();
        assert!(everything.take().is_empty());
    }
}

#[tokio::test]
async fn unsupported_database_urls_are_errors() {
    let err = Store::connect("mysql://localhost/x", Arc::new(InMemoryChannelLayer::new()))
        .await
        .unwrap_err();
    assert!(err.0.contains("unsupported database URL"), "{err}");
    let err = Store::connect(
        "postgres://nobody@127.0.0.1:1/none",
        Arc::new(InMemoryChannelLayer::new()),
    )
    .await
    .unwrap_err();
    assert!(err.0.contains("cannot open"), "{err}");
    assert_eq!(Note::fields().len(), 6);
}

chanrest::model! {
    /// A reading keyed by a float (a time in seconds).
    pub model Reading in "readings" (write ReadingWrite, patch ReadingPatch, filter ReadingFilter) {
        #[pk]
        at: f64,
        value: i64,
    }
}

#[tokio::test]
async fn a_float_key_written_as_an_integer_reaches_its_instance_subscribers() {
    for url in every_backend().await {
        let layer: Arc<dyn ChannelLayer> = Arc::new(InMemoryChannelLayer::new());
        let store = Store::connect(&url, layer.clone()).await.unwrap();
        store.drop_table::<Reading>().await.unwrap();
        store.migrate::<Reading>().await.unwrap();
        let created: Reading = store
            .create(&ReadingWrite { at: 2.0, value: 1 })
            .await
            .unwrap();
        // The group a subscription joins is named after the row as it reads back.
        let row_pk = serde_json::to_value(&created).unwrap()["at"].clone();
        let watcher = Arc::new(Recorder::default());
        layer
            .group_add(&instance_group::<Reading>(&row_pk), member(&watcher))
            .await
            .unwrap();
        // A client names the row `2`, not `2.0`.
        let patch = ReadingPatch { value: 5.into() };
        let patched: Reading = store.patch(&Query::all(), &json!(2), &patch).await.unwrap();
        assert_eq!(patched.value, 5);
        store
            .delete::<Reading>(&Query::all(), &json!("2"))
            .await
            .unwrap();
        let pushes: Vec<(String, u16)> = watcher
            .take()
            .into_iter()
            .map(|(action, status, _)| (action, status))
            .collect();
        assert_eq!(
            pushes,
            [("update".to_owned(), 200), ("delete".to_owned(), 204)],
            "{url}"
        );
    }
}

/// A model that forgot its key. `model!` refuses one at compile time
/// (`consumer/tests/ui/model_without_pk.rs`), so only a hand-written `Model` gets this far.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
struct Keyless {
    name: String,
}

impl Model for Keyless {
    type Write = Keyless;
    type Patch = Keyless;
    type Filter = Keyless;
    const NAME: &'static str = "Keyless";
    const TABLE: &'static str = "keyless";

    fn fields() -> &'static [chanrest::model::FieldSpec] {
        static FIELDS: std::sync::LazyLock<Vec<chanrest::model::FieldSpec>> =
            std::sync::LazyLock::new(|| {
                vec![chanrest::model::FieldSpec {
                    name: "name",
                    doc: String::new(),
                    kind: chanrest::model::FieldKind::Text,
                    nullable: false,
                    primary_key: false,
                    auto: false,
                    query: false,
                    default: None,
                    rules: chanrest::model::Rules::new(),
                }]
            });
        &FIELDS
    }
}

#[tokio::test]
async fn a_model_without_a_key_is_refused_at_start_up() {
    let store = Store::connect("sqlite::memory:", Arc::new(InMemoryChannelLayer::new()))
        .await
        .unwrap();
    let err = store.migrate::<Keyless>().await.unwrap_err();
    assert_eq!(
        err.0,
        "model Keyless must declare exactly one #[pk] field, not 0"
    );
}

#[tokio::test]
async fn a_read_only_sqlite_url_opens_a_file_in_any_journal_mode() {
    use sqlx::Connection;
    let url = common::temp_database("ro");
    // A file made elsewhere, in SQLite's default rollback-journal mode.
    let mut made = sqlx::SqliteConnection::connect(&format!("{url}?mode=rwc"))
        .await
        .unwrap();
    for sql in [
        "CREATE TABLE notes (id INTEGER PRIMARY KEY)",
        "INSERT INTO notes DEFAULT VALUES",
    ] {
        sqlx::query(sql).execute(&mut made).await.unwrap();
    }
    made.close().await.unwrap();
    let store = Store::connect(
        &format!("{url}?mode=ro"),
        Arc::new(InMemoryChannelLayer::new()),
    )
    .await
    .unwrap();
    assert_eq!(store.count::<Note>(&Query::all()).await.unwrap(), 1);
    drop(store);
    let _ = std::fs::remove_file(url.trim_start_matches("sqlite:"));
}

#[tokio::test]
async fn a_sqlite_file_is_shared_by_stores_in_wal_mode() {
    let url = common::temp_database("wal");
    let path = std::path::PathBuf::from(url.trim_start_matches("sqlite:"));
    let a = store(&url, Arc::new(InMemoryChannelLayer::new())).await;
    // A second store on the file, as a second server process would open it.
    let b = Store::connect(&url, Arc::new(InMemoryChannelLayer::new()))
        .await
        .unwrap();
    // Both write at once, through several pool connections each: none fails as busy.
    let writes = |store: Store, prefix: &'static str| async move {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..40 {
            let store = store.clone();
            tasks.spawn(async move { store.create::<Note>(&note(&format!("{prefix}{i}"))).await });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap().unwrap();
        }
    };
    tokio::join!(writes(a.clone(), "a"), writes(b.clone(), "b"));
    for store in [&a, &b] {
        assert_eq!(store.count::<Note>(&Query::all()).await.unwrap(), 80);
    }
    let wal = path.with_extension("db-wal");
    assert!(wal.exists(), "{} exists in WAL mode", wal.display());
    drop((a, b));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test]
async fn a_transaction_dropped_half_way_leaves_nothing_behind() {
    use futures_util::FutureExt;
    for url in every_backend().await {
        let store = store(&url, Arc::new(InMemoryChannelLayer::new())).await;
        let unfinished = store.atomic(|tx| {
            Box::pin(async move {
                tx.create::<Note>(&note("dropped")).await?;
                std::future::pending::<()>().await;
                Ok(())
            })
        });
        // Polled once, then dropped half way, as the future of a cancelled action is.
        assert!(unfinished.now_or_never().is_none(), "{url}");
        // The connection is back, out of the transaction, and the write was rolled back.
        store.create::<Note>(&note("kept")).await.unwrap();
        let texts: Vec<String> = store
            .list::<Note>(&Query::all(), None, 0)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.text)
            .collect();
        assert_eq!(texts, ["kept"], "{url}");
    }
}

#[tokio::test]
async fn a_write_inside_a_read_fails_at_once_on_a_sqlite_file() {
    // Reads on a SQLite file run on read-only connections beside the writer: a write there
    // fails with an error instead of waiting for the write lock on the runtime's thread.
    let url = common::temp_database("read-write");
    let store = store(&url, Arc::new(InMemoryChannelLayer::new())).await;
    let writing = store.read(|tx| Box::pin(async move { tx.create::<Note>(&note("no")).await }));
    let result = tokio::time::timeout(std::time::Duration::from_secs(2), writing)
        .await
        .expect("the write fails at once, not after the busy timeout");
    assert!(result.is_err(), "{result:?}");
    // Through `atomic` the same write works, and the failed one left nothing.
    store
        .atomic(|tx| Box::pin(async move { tx.create::<Note>(&note("yes")).await }))
        .await
        .unwrap();
    assert_eq!(store.count::<Note>(&Query::default()).await.unwrap(), 1);
}
