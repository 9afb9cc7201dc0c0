//! Shared helpers of the end-to-end tests.
#![allow(dead_code)]

use chanrest::{GroupMember, Push};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The PostgreSQL server the tests use: `CHANREST_TEST_POSTGRES`, or the local one with trust
/// auth (CI starts it when it is not running).
pub fn postgres_url() -> String {
    std::env::var("CHANREST_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

static NEXT: AtomicU64 = AtomicU64::new(0);

/// A database URL with a schema of its own on the test PostgreSQL server, so tests running in
/// parallel never see each other's tables.
pub async fn fresh_postgres() -> String {
    use sqlx::Connection;
    let base = postgres_url();
    let schema = format!(
        "chanrest_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| {
            panic!("PostgreSQL at {base} is needed for this test (bash .ci/test starts it): {e}")
        });
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}options=-c%20search_path%3D{schema}")
}

/// The database URLs a store test runs against: embedded SQLite and PostgreSQL.
pub async fn every_backend() -> Vec<String> {
    vec!["sqlite::memory:".to_owned(), fresh_postgres().await]
}

/// A group member that records what it receives.
#[derive(Default)]
pub struct Recorder {
    pub received: Mutex<Vec<(String, Push)>>,
}

impl GroupMember for Recorder {
    fn member_id(&self) -> u64 {
        self as *const Self as u64
    }
    fn deliver(&self, group: &str, push: &Push) {
        self.received
            .lock()
            .unwrap()
            .push((group.to_owned(), push.clone()));
    }
}

impl Recorder {
    /// Takes what arrived so far as (action, status, data) triples.
    pub fn take(&self) -> Vec<(String, u16, serde_json::Value)> {
        std::mem::take(&mut *self.received.lock().unwrap())
            .into_iter()
            .map(|(_, p)| {
                (
                    p.action,
                    p.status,
                    serde_json::from_str(p.data.get()).unwrap(),
                )
            })
            .collect()
    }
}

/// Polls `condition` for up to 5 s.
pub async fn eventually(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Returns `recorder` as a shared group member.
pub fn member(recorder: &Arc<Recorder>) -> Arc<dyn GroupMember> {
    recorder.clone()
}
