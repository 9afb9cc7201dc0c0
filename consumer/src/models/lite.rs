//! The store's SQLite backend: rusqlite on SQLite's bundled library, with no worker thread
//! between a task and its connection. A statement runs on the thread of the task that asks
//! for it: a point read or a list of rows from SQLite's page cache takes microseconds, less
//! than handing it to another thread and waking the task again would.
//!
//! A file has one writer connection, behind an async mutex (one write transaction at a time
//! in this process, as SQLite allows anyway), and up to [`READERS`] reader connections, which
//! read beside the writer in WAL mode. A write transaction begins with `BEGIN IMMEDIATE`, so it
//! holds the write lock from its first statement and never fails as busy when it upgrades;
//! when another process holds that lock, it waits for it asynchronously, without blocking its
//! thread, for up to [`BUSY_TIMEOUT`]. An in-memory database is one connection for everything,
//! as it lives in its connection.

use super::backend::Row;
use super::model::{FieldKind, FieldSpec};
use crate::error::ActionError;
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

/// How long a statement waits for a lock another connection holds (SQLite's busy timeout),
/// and how long a write transaction waits for the write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a transaction waits for a connection of this store.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// Reader connections of a file, at most (opened when first needed).
const READERS: usize = 4;
/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 64;

/// An error of the SQLite backend: the store's own failure type.
use super::backend::DbFailure as LiteError;

impl From<rusqlite::Error> for LiteError {
    fn from(err: rusqlite::Error) -> Self {
        let unique = matches!(
            &err,
            rusqlite::Error::SqliteFailure(e, _)
                if e.code == ErrorCode::ConstraintViolation
                    && (e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
        );
        LiteError {
            unique,
            error: ActionError::internal(err),
        }
    }
}

fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, _)
            if matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// What a transaction may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LiteAccess {
    /// `BEGIN IMMEDIATE` on the writer.
    Write,
    /// `BEGIN` (deferred) on a reader: one snapshot for all its statements.
    Read,
    /// One reading statement on a reader, no transaction around it.
    Single,
}

/// The reader connections of a file.
struct Readers {
    path: String,
    flags: OpenFlags,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

impl Readers {
    fn take(&self) -> Result<Connection, LiteError> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match idle {
            Some(conn) => Ok(conn),
            None => {
                let conn = Connection::open_with_flags(&self.path, self.flags)?;
                configure(&conn, false)?;
                Ok(conn)
            }
        }
    }
}

/// A SQLite database: a file or an in-memory database.
pub(super) struct LiteDb {
    writer: Arc<AsyncMutex<Connection>>,
    readers: Option<Arc<Readers>>,
}

impl std::fmt::Debug for LiteDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiteDb")
            .field("file", &self.readers.as_ref().map(|r| &r.path))
            .finish()
    }
}

/// Settings every connection gets; `writer` also switches the file to WAL. Returns whether
/// the connection is in WAL mode (a file system without shared memory, or a read-only file in
/// another mode, may not be).
fn configure(conn: &Connection, writer: bool) -> rusqlite::Result<bool> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    let pragma = if writer {
        // WAL with `synchronous = NORMAL`, SQLite's advice for servers: a commit appends to
        // the log without an fsync of its own, readers do not block the writer, and several
        // processes can share the file. After a power loss the last commits may be missing;
        // the database is never corrupt.
        "PRAGMA journal_mode = WAL"
    } else {
        "PRAGMA journal_mode"
    };
    let mode: String = conn.query_row(pragma, [], |row| row.get(0))?;
    conn.execute_batch("PRAGMA synchronous = NORMAL")?;
    Ok(mode.eq_ignore_ascii_case("wal"))
}

impl LiteDb {
    /// Opens a `sqlite:` URL: `sqlite::memory:` (a fresh database), or `sqlite:PATH` (also
    /// `sqlite://PATH`) with an optional `?mode=rwc` (the default: created when missing),
    /// `mode=rw`, `mode=ro` (read only, in the file's own journal mode) or `mode=memory`.
    pub(super) fn open(url: &str) -> Result<LiteDb, String> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| format!("not a SQLite URL: {url:?}"))?;
        let (path, params) = rest.split_once('?').unwrap_or((rest, ""));
        let mut mode = "rwc";
        for pair in params.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("mode", value)) => mode = value,
                _ => {
                    return Err(format!(
                        "unsupported SQLite URL parameter {pair:?} in {url:?}"
                    ))
                }
            }
        }
        let cannot = |e: rusqlite::Error| format!("cannot open {url}: {e}");
        if path == ":memory:" || mode == "memory" {
            let conn = Connection::open_in_memory().map_err(cannot)?;
            configure(&conn, false).map_err(cannot)?;
            return Ok(LiteDb {
                writer: Arc::new(AsyncMutex::new(conn)),
                readers: None,
            });
        }
        if path.is_empty() {
            return Err(format!("no file in the SQLite URL {url:?}"));
        }
        let access = match mode {
            "rwc" => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            "rw" => OpenFlags::SQLITE_OPEN_READ_WRITE,
            "ro" => OpenFlags::SQLITE_OPEN_READ_ONLY,
            other => return Err(format!("unsupported SQLite mode {other:?} in {url:?}")),
        };
        // Each connection is used by one thread at a time (the mutexes here see to it), so
        // SQLite's own per-connection mutex is not needed.
        let flags = access | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let read_only = mode == "ro";
        let writer = Connection::open_with_flags(path, flags).map_err(cannot)?;
        // A read-only connection cannot change the journal mode and keeps the file's.
        let wal = configure(&writer, !read_only).map_err(cannot)?;
        // Readers beside the writer only in WAL mode, where they never wait for it; in any
        // other mode every statement goes through the writer, whose wait is asynchronous.
        // Readers are opened read only: a write inside `Store::read` fails at once instead of
        // waiting for the write lock on the runtime's thread.
        let readers = wal.then(|| {
            Arc::new(Readers {
                path: path.to_owned(),
                flags: OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                idle: Mutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(READERS)),
            })
        });
        Ok(LiteDb {
            writer: Arc::new(AsyncMutex::new(writer)),
            readers,
        })
    }

    async fn writer(&self) -> Result<OwnedMutexGuard<Connection>, LiteError> {
        tokio::time::timeout(ACQUIRE_TIMEOUT, self.writer.clone().lock_owned())
            .await
            .map_err(|_| LiteError {
                unique: false,
                error: ActionError::internal("timed out waiting for the database connection"),
            })
    }

    /// Runs statements that change the schema (on the writer).
    pub(super) async fn execute_batch(&self, sql: &str) -> Result<(), LiteError> {
        let writer = self.writer().await?;
        writer.execute_batch(sql)?;
        Ok(())
    }

    /// Opens a transaction (or, for [`LiteAccess::Single`], takes a connection).
    pub(super) async fn begin(&self, access: LiteAccess) -> Result<LiteTx, LiteError> {
        let held = match (access, &self.readers) {
            (LiteAccess::Read | LiteAccess::Single, Some(readers)) => {
                let permit =
                    tokio::time::timeout(ACQUIRE_TIMEOUT, readers.permits.clone().acquire_owned())
                        .await
                        .ok()
                        .and_then(Result::ok)
                        .ok_or_else(|| LiteError {
                            unique: false,
                            error: ActionError::internal(
                                "timed out waiting for a database connection",
                            ),
                        })?;
                Held::Reader {
                    conn: Some(readers.take()?),
                    readers: readers.clone(),
                    _permit: permit,
                }
            }
            _ => Held::Writer(self.writer().await?),
        };
        let mut tx = LiteTx { held, open: false };
        match access {
            LiteAccess::Single => {}
            LiteAccess::Read => {
                tx.conn().execute_batch("BEGIN")?;
                tx.open = true;
            }
            LiteAccess::Write => {
                begin_immediate(&mut tx).await?;
                tx.open = true;
            }
        }
        Ok(tx)
    }
}

/// `BEGIN IMMEDIATE`, waiting for the write lock without blocking the thread: tried with no
/// busy wait, and again after a short sleep while another process holds the lock, for up to
/// [`BUSY_TIMEOUT`].
async fn begin_immediate(tx: &mut LiteTx) -> Result<(), LiteError> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    let mut pause = Duration::from_millis(1);
    loop {
        // No reference to the connection (which is not `Sync`) lives across the sleep.
        let begun = {
            let conn = tx.conn();
            conn.busy_timeout(Duration::ZERO)?;
            let begun = conn.execute_batch("BEGIN IMMEDIATE");
            conn.busy_timeout(BUSY_TIMEOUT)?;
            begun
        };
        match begun {
            Ok(()) => return Ok(()),
            Err(err) if is_busy(&err) && Instant::now() < deadline => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(err) => return Err(err.into()),
        }
    }
}

enum Held {
    Writer(OwnedMutexGuard<Connection>),
    Reader {
        /// Always `Some` until dropped.
        conn: Option<Connection>,
        readers: Arc<Readers>,
        _permit: OwnedSemaphorePermit,
    },
}

/// A connection of a [`LiteDb`] held by one transaction of the store. Dropped while still
/// open (an error, or its future dropped), it rolls back.
pub(super) struct LiteTx {
    held: Held,
    /// In a transaction (BEGIN done, no COMMIT or ROLLBACK yet).
    open: bool,
}

impl Drop for LiteTx {
    fn drop(&mut self) {
        // Also when a statement after BEGIN failed before `open` was set.
        if self.open || !self.conn().is_autocommit() {
            let _ = self.conn().execute_batch("ROLLBACK");
        }
        if let Held::Reader { conn, readers, .. } = &mut self.held {
            // Back to the idle ones, unless something left it in a transaction.
            if let Some(conn) = conn.take().filter(Connection::is_autocommit) {
                readers
                    .idle
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(conn);
            }
        }
    }
}

/// A value bound to a statement, as the field's column holds it.
fn sql_value(kind: FieldKind, value: &Value) -> SqlValue {
    let value = match kind {
        FieldKind::Integer => value.as_i64().map(SqlValue::Integer),
        FieldKind::Float => value.as_f64().map(SqlValue::Real),
        // SQLite keeps booleans as integers.
        FieldKind::Boolean => value.as_bool().map(|b| SqlValue::Integer(b.into())),
        FieldKind::Text => value.as_str().map(|s| SqlValue::Text(s.to_owned())),
    };
    value.unwrap_or(SqlValue::Null)
}

/// A column as the field's JSON value.
fn json_value(field: &FieldSpec, value: ValueRef<'_>) -> Result<Value, LiteError> {
    let wrong = || LiteError {
        unique: false,
        error: ActionError::internal(format!(
            "column {:?} holds a {} where a {:?} was expected",
            field.name,
            value.data_type(),
            field.kind
        )),
    };
    Ok(match (field.kind, value) {
        (_, ValueRef::Null) => Value::Null,
        (FieldKind::Integer, ValueRef::Integer(n)) => Value::from(n),
        (FieldKind::Float, ValueRef::Real(f)) => Value::from(f),
        (FieldKind::Float, ValueRef::Integer(n)) => Value::from(n as f64),
        (FieldKind::Boolean, ValueRef::Integer(n)) => Value::Bool(n != 0),
        (FieldKind::Text, ValueRef::Text(bytes)) => {
            Value::String(std::str::from_utf8(bytes).map_err(|_| wrong())?.to_owned())
        }
        _ => return Err(wrong()),
    })
}

impl LiteTx {
    fn conn(&self) -> &Connection {
        match &self.held {
            Held::Writer(conn) => conn,
            Held::Reader { conn, .. } => conn.as_ref().expect("a held reader connection"),
        }
    }

    /// Runs `sql`, whose result columns are `fields` in that order, with `params` bound to its
    /// placeholders in order; the rows as JSON objects.
    pub(super) fn rows(
        &self,
        sql: &str,
        params: &[(FieldKind, Value)],
        fields: &[FieldSpec],
    ) -> Result<Vec<Row>, LiteError> {
        let mut statement = self.conn().prepare_cached(sql)?;
        let values = params.iter().map(|(kind, value)| sql_value(*kind, value));
        let mut rows = statement.query(rusqlite::params_from_iter(values))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut object = Row::with_capacity(fields.len());
            for (i, field) in fields.iter().enumerate() {
                object.push(field.name, json_value(field, row.get_ref(i)?)?);
            }
            out.push(object);
        }
        Ok(out)
    }

    /// Runs `sql`, whose one result row is one integer (a count).
    pub(super) fn integer(
        &self,
        sql: &str,
        params: &[(FieldKind, Value)],
    ) -> Result<i64, LiteError> {
        let mut statement = self.conn().prepare_cached(sql)?;
        let values = params.iter().map(|(kind, value)| sql_value(*kind, value));
        Ok(statement.query_row(rusqlite::params_from_iter(values), |row| row.get(0))?)
    }

    /// Runs `sql`, which returns no rows.
    pub(super) fn execute(
        &self,
        sql: &str,
        params: &[(FieldKind, Value)],
    ) -> Result<(), LiteError> {
        let mut statement = self.conn().prepare_cached(sql)?;
        let values = params.iter().map(|(kind, value)| sql_value(*kind, value));
        statement.execute(rusqlite::params_from_iter(values))?;
        Ok(())
    }

    /// Commits (nothing to do outside a transaction); rolls back when the commit fails.
    pub(super) fn commit(mut self) -> Result<(), LiteError> {
        if !self.open {
            return Ok(());
        }
        let committed = self.conn().execute_batch("COMMIT");
        // Still open after a failed COMMIT: dropping rolls it back.
        self.open = !self.conn().is_autocommit();
        committed?;
        Ok(())
    }
}
