//! The store: declared models in a real database (SQLite, embedded, by default, through
//! rusqlite (`lite.rs`); PostgreSQL for servers, through a sqlx pool). Every write goes through a transaction that
//! records what changed; after the commit, changes are coalesced (several writes of one row
//! in one transaction give one push with the final state; a rollback gives none) and
//! published as pushes on the channel layer, so instance subscriptions, query subscriptions
//! and model observers see every change made through the store, from any code path and, with
//! a networked layer, from any process. Writes that bypass the store (raw SQL on the same
//! database) are not observed.

use super::backend::{DbFailure, Row};
use super::changes::{
    publish, publisher_for, Change, ChangeKind, ModelObserver, Observers, Publisher,
};
use super::model::{validate_write, FieldKind, FieldSpec, Model, WriteMode};
use super::query::Query;
use crate::error::{messages, ActionError, FieldErrors};
use crate::groups::ChannelLayer;
use futures_util::future::BoxFuture;
use serde_json::{Map, Value};
use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow};
use sqlx::query::Query as SqlQuery;
use sqlx::{Any, AnyPool, Row as _};
use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "sqlite")]
use super::lite::{LiteAccess, LiteDb, LiteTx};

/// Whether a transaction may write (and so takes SQLite's write lock when it begins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Write,
    /// One statement that only reads (`get`, `list`, `count`): no transaction around it, so
    /// no BEGIN and COMMIT round trips; a single statement sees one snapshot by itself.
    Single,
}

/// A failure to open or prepare the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// The SQL dialect behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlDialect {
    /// SQLite (file or memory).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Where the rows are.
enum Backend {
    /// PostgreSQL through sqlx.
    Sqlx(AnyPool),
    /// SQLite through rusqlite.
    #[cfg(feature = "sqlite")]
    Lite(LiteDb),
}

struct StoreInner {
    backend: Backend,
    dialect: SqlDialect,
    layer: Arc<dyn ChannelLayer>,
    observers: Observers,
}

/// A database of declared models. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<StoreInner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dialect", &self.inner.dialect)
            .finish()
    }
}

impl Store {
    /// Opens `url` and publishes changes on `layer`. URLs: `sqlite::memory:` (a fresh database
    /// per store), `sqlite:path/to/file.db` (created when missing), `postgres://...`.
    pub async fn connect(url: &str, layer: Arc<dyn ChannelLayer>) -> Result<Store, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            Some(("sqlite", cfg!(feature = "sqlite")))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(("postgres", cfg!(feature = "postgres")))
        } else {
            None
        };
        if let Some((feature, false)) = backend {
            return Err(StoreError(format!(
                "cannot open {url:?}: chanrest was built without its `{feature}` feature \
                 (add features = [\"{feature}\"] to the chanrest dependency)"
            )));
        }
        let (dialect, backend) = if url.starts_with("sqlite:") {
            (SqlDialect::Sqlite, open_sqlite(url)?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            sqlx::any::install_default_drivers();
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .map_err(|err| StoreError(format!("cannot open {url}: {err}")))?;
            (SqlDialect::Postgres, Backend::Sqlx(pool))
        } else {
            return Err(StoreError(format!(
                "unsupported database URL {url:?}: use sqlite:... or postgres://..."
            )));
        };
        Ok(Store {
            inner: Arc::new(StoreInner {
                backend,
                dialect,
                layer,
                observers: Observers::default(),
            }),
        })
    }

    /// The dialect.
    pub fn dialect(&self) -> SqlDialect {
        self.inner.dialect
    }

    /// The channel layer changes are published on.
    pub fn layer(&self) -> &Arc<dyn ChannelLayer> {
        &self.inner.layer
    }

    /// Creates `M`'s table when it does not exist.
    pub async fn migrate<M: Model>(&self) -> Result<(), StoreError> {
        // Checked here, at start-up, so that no request ever meets a model without a key.
        match M::fields().iter().filter(|f| f.primary_key).count() {
            1 => {}
            n => {
                return Err(StoreError(format!(
                    "model {} must declare exactly one #[pk] field, not {n}",
                    M::NAME
                )))
            }
        }
        let sql = create_table_sql::<M>(self.inner.dialect);
        self.execute_schema(sql)
            .await
            .map_err(|e| StoreError(format!("creating {}: {e}", M::TABLE)))
    }

    /// Drops `M`'s table (tests).
    pub async fn drop_table<M: Model>(&self) -> Result<(), StoreError> {
        let sql = format!("DROP TABLE IF EXISTS {}", quote(M::TABLE));
        self.execute_schema(sql).await.map_err(StoreError)
    }

    /// Runs one statement that changes the schema, outside any transaction of the store.
    async fn execute_schema(&self, sql: String) -> Result<(), String> {
        match &self.inner.backend {
            Backend::Sqlx(pool) => sqlx::query(audited(sql))
                .execute(pool)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            #[cfg(feature = "sqlite")]
            Backend::Lite(db) => db
                .execute_batch(&sql)
                .await
                .map_err(|e| e.error.to_string()),
        }
    }

    /// Registers a model observer.
    pub fn observe<M: Model>(&self, observer: ModelObserver<M>) {
        self.inner.observers.register(observer);
    }

    /// Runs `work` in one transaction: committed when it returns `Ok`, rolled back (and
    /// nothing pushed) when it returns `Err`.
    ///
    /// ```no_run
    /// # chanrest::model! { pub model Todo in "todos" (write TodoWrite, patch TodoPatch, filter TodoFilter) { #[pk(auto)] id: i64, title: String, } }
    /// # async fn run(store: chanrest::store::Store) -> chanrest::Result<()> {
    /// let (a, b) = store.atomic(|tx| Box::pin(async move {
    ///     let a: Todo = tx.create(&TodoWrite { title: "one".into() }).await?;
    ///     let b: Todo = tx.create(&TodoWrite { title: "two".into() }).await?;
    ///     Ok((a, b))
    /// })).await?;
    /// # Ok(()) }
    /// ```
    pub async fn atomic<T, F>(&self, work: F) -> Result<T, ActionError>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, ActionError>>,
    {
        self.transaction(Access::Write, work).await
    }

    /// Runs `work` in one transaction that only reads: on SQLite it does not take the write
    /// lock, so reads go on beside a writer (WAL). Write with [`Store::atomic`]: on a SQLite
    /// file a write made in here fails at once (its connection is read only, so it cannot
    /// wait for the write lock on the runtime's thread); elsewhere it commits and publishes.
    pub async fn read<T, F>(&self, work: F) -> Result<T, ActionError>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, ActionError>>,
    {
        self.transaction(Access::Read, work).await
    }

    async fn transaction<T, F>(&self, access: Access, work: F) -> Result<T, ActionError>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, ActionError>>,
    {
        let conn = match &self.inner.backend {
            Backend::Sqlx(pool) => Conn::Sqlx(
                match access {
                    Access::Single => pool.acquire().await.map(SqlxConn::Single),
                    Access::Read | Access::Write => pool.begin().await.map(SqlxConn::Tx),
                }
                .map_err(db_error)?,
            ),
            // Writes take SQLite's write lock up front (BEGIN IMMEDIATE): SQLite refuses at
            // once, with no busy wait, to upgrade a deferred transaction that has read to a
            // writing one while another connection writes.
            #[cfg(feature = "sqlite")]
            Backend::Lite(db) => Conn::Lite(
                db.begin(match access {
                    Access::Write => LiteAccess::Write,
                    Access::Read => LiteAccess::Read,
                    Access::Single => LiteAccess::Single,
                })
                .await?,
            ),
        };
        let mut tx = Tx {
            store: self.clone(),
            tx: Some(conn),
            changes: Vec::new(),
        };
        match work(&mut tx).await {
            Ok(value) => {
                let changes = std::mem::take(&mut tx.changes);
                match tx.tx.take() {
                    Some(Conn::Sqlx(SqlxConn::Tx(inner))) => {
                        inner.commit().await.map_err(db_error)?
                    }
                    #[cfg(feature = "sqlite")]
                    Some(Conn::Lite(inner)) => inner.commit()?,
                    _ => {}
                }
                publish(&self.inner.layer, &self.inner.observers, changes).await;
                Ok(value)
            }
            Err(err) => {
                match tx.tx.take() {
                    Some(Conn::Sqlx(SqlxConn::Tx(inner))) => {
                        let _ = inner.rollback().await;
                    }
                    // Rolls back when dropped.
                    #[cfg(feature = "sqlite")]
                    Some(Conn::Lite(inner)) => drop(inner),
                    _ => {}
                }
                Err(err)
            }
        }
    }

    /// Creates a row from `write` (validated).
    pub async fn create<M: Model>(&self, write: &M::Write) -> Result<M, ActionError> {
        let write = write.clone();
        self.atomic(move |tx| Box::pin(async move { tx.create::<M>(&write).await }))
            .await
    }

    /// The row with primary key `pk` within `scope` (`NotFound` otherwise, also for a `pk` of
    /// the wrong type).
    pub async fn get<M: Model>(&self, scope: &Query, pk: &Value) -> Result<M, ActionError> {
        let (scope, pk) = (scope.clone(), pk.clone());
        self.transaction(Access::Single, move |tx| {
            Box::pin(async move { tx.get::<M>(&scope, &pk).await })
        })
        .await
    }

    /// The rows matching `query`, in primary-key order, from `offset`, at most `limit`.
    pub async fn list<M: Model>(
        &self,
        query: &Query,
        limit: Option<u64>,
        offset: u64,
    ) -> Result<Vec<M>, ActionError> {
        let query = query.clone();
        self.transaction(Access::Single, move |tx| {
            Box::pin(async move { tx.list::<M>(&query, limit, offset).await })
        })
        .await
    }

    /// How many rows match `query`.
    pub async fn count<M: Model>(&self, query: &Query) -> Result<u64, ActionError> {
        let query = query.clone();
        self.transaction(Access::Single, move |tx| {
            Box::pin(async move { tx.count::<M>(&query).await })
        })
        .await
    }

    /// Writes row `pk` (within `scope`) from `write`: every field it sets (a nullable field
    /// of `None` becomes NULL); a field with a default that it leaves out
    /// ([`Omittable::Omitted`](crate::model::Omittable)) keeps its value.
    pub async fn update<M: Model>(
        &self,
        scope: &Query,
        pk: &Value,
        write: &M::Write,
    ) -> Result<M, ActionError> {
        self.update_sent::<M>(scope, pk, write, &Value::Null).await
    }

    /// [`Store::update`] as a client asks for it: when `sent` (the request's `data`) is an
    /// object, only the fields of `write` it names, so an omitted nullable field keeps its
    /// value, as an omitted field with a default does (in `write` it reads as `None`, which
    /// would write NULL).
    pub(crate) async fn update_sent<M: Model>(
        &self,
        scope: &Query,
        pk: &Value,
        write: &M::Write,
        sent: &Value,
    ) -> Result<M, ActionError> {
        let mut values = object_of(write)?;
        if let Value::Object(sent) = sent {
            values.retain(|field, _| sent.contains_key(field));
        }
        let (scope, pk) = (scope.clone(), pk.clone());
        self.atomic(move |tx| {
            Box::pin(async move {
                tx.write_fields::<M>(&scope, &pk, values, WriteMode::Update)
                    .await
            })
        })
        .await
    }

    /// Changes the fields `patch` sets on row `pk` (within `scope`).
    pub async fn patch<M: Model>(
        &self,
        scope: &Query,
        pk: &Value,
        patch: &M::Patch,
    ) -> Result<M, ActionError> {
        let (scope, pk, patch) = (scope.clone(), pk.clone(), patch.clone());
        self.atomic(move |tx| Box::pin(async move { tx.patch::<M>(&scope, &pk, &patch).await }))
            .await
    }

    /// Deletes row `pk` (within `scope`).
    pub async fn delete<M: Model>(&self, scope: &Query, pk: &Value) -> Result<(), ActionError> {
        let (scope, pk) = (scope.clone(), pk.clone());
        self.atomic(move |tx| Box::pin(async move { tx.delete::<M>(&scope, &pk).await }))
            .await
    }
}

/// A SQLite store's backend.
#[cfg(feature = "sqlite")]
fn open_sqlite(url: &str) -> Result<Backend, StoreError> {
    LiteDb::open(url).map(Backend::Lite).map_err(StoreError)
}

/// Without the `sqlite` feature, [`Store::connect`] refuses SQLite URLs before this.
#[cfg(not(feature = "sqlite"))]
fn open_sqlite(url: &str) -> Result<Backend, StoreError> {
    Err(StoreError(format!(
        "cannot open {url:?}: built without SQLite"
    )))
}

/// A connection of the pool: in a transaction, or on its own for one statement.
enum SqlxConn {
    Tx(sqlx::Transaction<'static, Any>),
    Single(sqlx::pool::PoolConnection<Any>),
}

/// A transaction's connection, per backend.
enum Conn {
    Sqlx(SqlxConn),
    #[cfg(feature = "sqlite")]
    Lite(LiteTx),
}

impl SqlxConn {
    fn connection(&mut self) -> &mut sqlx::AnyConnection {
        match self {
            SqlxConn::Tx(tx) => tx,
            SqlxConn::Single(conn) => conn,
        }
    }
}

impl From<sqlx::Error> for DbFailure {
    fn from(err: sqlx::Error) -> Self {
        DbFailure {
            unique: err
                .as_database_error()
                .is_some_and(|e| e.is_unique_violation()),
            error: db_error(err),
        }
    }
}

/// An open transaction of a [`Store`]. Changes are published when [`Store::atomic`] commits it.
pub struct Tx {
    store: Store,
    tx: Option<Conn>,
    changes: Vec<(Change, Publisher)>,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("store", &self.store)
            .field("open", &self.tx.is_some())
            .field("changes", &self.changes.len())
            .finish()
    }
}

/// Marks SQL built here as audited: it is made only of quoted identifiers from static model
/// declarations, SQL keywords and placeholders; every value goes through `bind`.
fn audited(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// `M`'s columns in declaration order, as every statement here selects and returns them.
/// The model's columns, quoted, comma-separated (built on every statement: one allocation).
fn column_list<M: Model>() -> String {
    let fields = M::fields();
    let length: usize = fields.iter().map(|f| f.name.len() + 4).sum();
    let mut list = String::with_capacity(length);
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            list.push_str(", ");
        }
        push_quoted(&mut list, field.name);
    }
    list
}

fn quote(identifier: &str) -> String {
    let mut quoted = String::with_capacity(identifier.len() + 2);
    push_quoted(&mut quoted, identifier);
    quoted
}

/// Appends `identifier` as a quoted SQL identifier (a `"` inside doubled).
fn push_quoted(out: &mut String, identifier: &str) {
    out.push('"');
    for (i, part) in identifier.split('"').enumerate() {
        if i > 0 {
            out.push_str("\"\"");
        }
        out.push_str(part);
    }
    out.push('"');
}

fn db_error(err: sqlx::Error) -> ActionError {
    ActionError::internal(err)
}

fn create_table_sql<M: Model>(dialect: SqlDialect) -> String {
    let columns: Vec<String> = M::fields()
        .iter()
        .map(|field| {
            let ty = match (field.kind, dialect) {
                (FieldKind::Integer, SqlDialect::Sqlite) => "INTEGER",
                (FieldKind::Integer, SqlDialect::Postgres) => "BIGINT",
                (FieldKind::Float, SqlDialect::Sqlite) => "REAL",
                (FieldKind::Float, SqlDialect::Postgres) => "DOUBLE PRECISION",
                // sqlx's Any driver cannot decode SQLite's BOOLEAN; SQLite keeps 0/1 anyway.
                (FieldKind::Boolean, SqlDialect::Sqlite) => "INTEGER",
                (FieldKind::Boolean, SqlDialect::Postgres) => "BOOLEAN",
                (FieldKind::Text, _) => "TEXT",
            };
            let name = quote(field.name);
            match (field.auto, dialect) {
                // Ids are never reused, even after a delete.
                (true, SqlDialect::Sqlite) => format!("{name} INTEGER PRIMARY KEY AUTOINCREMENT"),
                (true, SqlDialect::Postgres) => {
                    format!("{name} BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
                }
                _ if field.primary_key => format!("{name} {ty} PRIMARY KEY"),
                _ if field.nullable => format!("{name} {ty}"),
                _ => format!("{name} {ty} NOT NULL"),
            }
        })
        .collect();
    format!(
        "CREATE TABLE IF NOT EXISTS {} ({})",
        quote(M::TABLE),
        columns.join(", ")
    )
}

/// Parses a client's lookup value into the primary key's type; `None` when it cannot be one
/// (which the caller answers with 404, as Django's `get_object_or_404` does).
fn parse_pk(field: &FieldSpec, value: &Value) -> Option<Value> {
    match (field.kind, value) {
        (FieldKind::Integer, Value::Number(n)) => n.as_i64().map(Value::from),
        (FieldKind::Integer, Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        (FieldKind::Text, Value::String(_)) => Some(value.clone()),
        (FieldKind::Text, Value::Number(n)) => Some(Value::String(n.to_string())),
        // As the row reads back (`2` is `2.0`), so the change's instance group is the one
        // `subscribe_instance` joined.
        (FieldKind::Float, Value::Number(n)) => n.as_f64().map(Value::from),
        (FieldKind::Float, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::from),
        (FieldKind::Boolean, Value::Bool(_)) => Some(value.clone()),
        _ => None,
    }
}

/// `sql` with `params` bound, for sqlx.
fn sqlx_query(sql: String, params: &[(FieldKind, Value)]) -> SqlQuery<'static, Any, AnyArguments> {
    params
        .iter()
        .fold(sqlx::query(audited(sql)), |query, (kind, value)| {
            bind(query, *kind, value)
        })
}

fn bind<'q>(
    query: SqlQuery<'q, Any, AnyArguments>,
    kind: FieldKind,
    value: &Value,
) -> SqlQuery<'q, Any, AnyArguments> {
    match kind {
        FieldKind::Integer => query.bind(value.as_i64()),
        FieldKind::Float => query.bind(value.as_f64()),
        FieldKind::Boolean => query.bind(value.as_bool()),
        FieldKind::Text => query.bind(value.as_str().map(str::to_owned)),
    }
}

fn row_to_json(fields: &[FieldSpec], row: &AnyRow) -> Result<Row, ActionError> {
    let mut object = Row::with_capacity(fields.len());
    for field in fields {
        let name = field.name;
        let value = match field.kind {
            FieldKind::Integer => row
                .try_get::<Option<i64>, _>(name)
                .map_err(db_error)?
                .map(Value::from),
            FieldKind::Float => row
                .try_get::<Option<f64>, _>(name)
                .map_err(db_error)?
                .map(Value::from),
            FieldKind::Boolean => match row.try_get::<Option<bool>, _>(name) {
                Ok(value) => value.map(Value::from),
                // SQLite keeps booleans as integers.
                Err(_) => row
                    .try_get::<Option<i64>, _>(name)
                    .map_err(db_error)?
                    .map(|v| Value::from(v != 0)),
            },
            FieldKind::Text => row
                .try_get::<Option<String>, _>(name)
                .map_err(db_error)?
                .map(Value::from),
        };
        object.push(name, value.unwrap_or(Value::Null));
    }
    Ok(object)
}

/// A write or patch type as the JSON object of its fields.
fn object_of<T: serde::Serialize>(data: &T) -> Result<Map<String, Value>, ActionError> {
    match serde_json::to_value(data).map_err(ActionError::internal)? {
        Value::Object(values) => Ok(values),
        _ => Err(ActionError::internal(
            "a write or patch type must serialize to an object",
        )),
    }
}

fn to_model<M: Model>(row: Value) -> Result<M, ActionError> {
    serde_json::from_value(row).map_err(ActionError::internal)
}

impl Tx {
    /// Runs `sql`, whose result columns are `fields` in order, with `params` bound in order;
    /// the rows as JSON objects.
    async fn rows(
        &mut self,
        sql: String,
        params: &[(FieldKind, Value)],
        fields: &[FieldSpec],
    ) -> Result<Vec<Row>, DbFailure> {
        match self.tx.as_mut().expect("transaction is open") {
            Conn::Sqlx(conn) => {
                let query = sqlx_query(sql, params);
                let rows = query.fetch_all(conn.connection()).await?;
                Ok(rows
                    .iter()
                    .map(|row| row_to_json(fields, row))
                    .collect::<Result<_, _>>()
                    .map_err(|error| DbFailure {
                        unique: false,
                        error,
                    })?)
            }
            #[cfg(feature = "sqlite")]
            Conn::Lite(tx) => Ok(tx.rows(&sql, params, fields)?),
        }
    }

    /// Runs `sql`, whose one row is one integer column.
    async fn integer(
        &mut self,
        sql: String,
        params: &[(FieldKind, Value)],
    ) -> Result<i64, DbFailure> {
        match self.tx.as_mut().expect("transaction is open") {
            Conn::Sqlx(conn) => {
                let query = sqlx_query(sql, params);
                let row = query.fetch_one(conn.connection()).await?;
                Ok(row.try_get(0)?)
            }
            #[cfg(feature = "sqlite")]
            Conn::Lite(tx) => Ok(tx.integer(&sql, params)?),
        }
    }

    /// Runs `sql`, which returns no rows.
    async fn execute(
        &mut self,
        sql: String,
        params: &[(FieldKind, Value)],
    ) -> Result<(), DbFailure> {
        match self.tx.as_mut().expect("transaction is open") {
            Conn::Sqlx(conn) => {
                let query = sqlx_query(sql, params);
                query.execute(conn.connection()).await?;
                Ok(())
            }
            #[cfg(feature = "sqlite")]
            Conn::Lite(tx) => Ok(tx.execute(&sql, params)?),
        }
    }

    fn placeholder(&self, n: usize) -> String {
        match self.store.inner.dialect {
            SqlDialect::Sqlite => "?".to_owned(),
            SqlDialect::Postgres => format!("${n}"),
        }
    }

    fn record<M: Model>(
        &mut self,
        kind: ChangeKind,
        pk: Value,
        before: Option<Value>,
        after: Option<Value>,
    ) {
        let change = Change {
            model: M::NAME,
            pk,
            kind,
            before,
            after,
        };
        self.changes.push((change, publisher_for::<M>));
    }

    /// `WHERE` clause and values for `query` plus, optionally, the primary key.
    fn where_clause<M: Model>(
        &self,
        query: &Query,
        pk: Option<&Value>,
        first: usize,
    ) -> Result<(String, Vec<(FieldKind, Value)>), ActionError> {
        let mut parts = Vec::new();
        let mut values = Vec::new();
        let mut add = |field: &FieldSpec, value: &Value, parts: &mut Vec<String>| {
            if value.is_null() {
                parts.push(format!("{} IS NULL", quote(field.name)));
            } else {
                parts.push(format!(
                    "{} = {}",
                    quote(field.name),
                    self.placeholder(first + values.len())
                ));
                values.push((field.kind, value.clone()));
            }
        };
        for (name, value) in query.filters() {
            let Some(field) = M::fields().iter().find(|f| f.name == name) else {
                return Err(ActionError::field(name, messages::UNKNOWN_FIELD));
            };
            add(field, value, &mut parts);
        }
        if let Some(pk) = pk {
            add(M::primary_key(), pk, &mut parts);
        }
        let clause = if parts.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", parts.join(" AND "))
        };
        Ok((clause, values))
    }

    /// Creates a row.
    pub async fn create<M: Model>(&mut self, write: &M::Write) -> Result<M, ActionError> {
        let values = object_of(write)?;
        let row = validate_write(M::fields(), &values, WriteMode::Create)?;
        let fields: Vec<&FieldSpec> = M::fields()
            .iter()
            .filter(|f| row.contains_key(f.name))
            .collect();
        let columns: Vec<String> = fields.iter().map(|f| quote(f.name)).collect();
        let placeholders: Vec<String> = (1..=fields.len()).map(|n| self.placeholder(n)).collect();
        let sql = if fields.is_empty() {
            format!(
                "INSERT INTO {} DEFAULT VALUES RETURNING {}",
                quote(M::TABLE),
                column_list::<M>()
            )
        } else {
            format!(
                "INSERT INTO {} ({}) VALUES ({}) RETURNING {}",
                quote(M::TABLE),
                columns.join(", "),
                placeholders.join(", "),
                column_list::<M>()
            )
        };
        let params: Vec<(FieldKind, Value)> = fields
            .iter()
            .map(|field| (field.kind, row[field.name].clone()))
            .collect();
        let inserted = match self.rows(sql, &params, M::fields()).await {
            Ok(mut rows) if !rows.is_empty() => rows.swap_remove(0).into_value(),
            Ok(_) => return Err(ActionError::internal("INSERT returned no row")),
            Err(failure) if failure.unique => {
                let pk = M::primary_key();
                let mut errors = FieldErrors::new();
                errors.add(
                    &[pk.name],
                    format!(
                        "{} with this {} already exists.",
                        M::NAME.to_lowercase(),
                        pk.name
                    ),
                );
                return Err(errors.into());
            }
            Err(failure) => return Err(failure.into()),
        };
        let after = inserted;
        let pk = after[M::primary_key().name].clone();
        self.record::<M>(ChangeKind::Create, pk, None, Some(after.clone()));
        to_model(after)
    }

    async fn fetch_row<M: Model>(
        &mut self,
        scope: &Query,
        pk: &Value,
    ) -> Result<(Value, Row), ActionError> {
        let pk = parse_pk(M::primary_key(), pk).ok_or(ActionError::NotFound)?;
        let (clause, values) = self.where_clause::<M>(scope, Some(&pk), 1)?;
        let sql = format!(
            "SELECT {} FROM {}{}",
            column_list::<M>(),
            quote(M::TABLE),
            clause
        );
        let mut rows = self.rows(sql, &values, M::fields()).await?;
        if rows.is_empty() {
            return Err(ActionError::NotFound);
        }
        Ok((pk, rows.swap_remove(0)))
    }

    /// The row `pk` within `scope`.
    pub async fn get<M: Model>(&mut self, scope: &Query, pk: &Value) -> Result<M, ActionError> {
        let (_, row) = self.fetch_row::<M>(scope, pk).await?;
        row.into_model()
    }

    /// Rows matching `query`, in primary-key order.
    pub async fn list<M: Model>(
        &mut self,
        query: &Query,
        limit: Option<u64>,
        offset: u64,
    ) -> Result<Vec<M>, ActionError> {
        let (clause, mut values) = self.where_clause::<M>(query, None, 1)?;
        let mut sql = format!(
            "SELECT {} FROM {}{} ORDER BY {}",
            column_list::<M>(),
            quote(M::TABLE),
            clause,
            quote(M::primary_key().name)
        );
        // Bound, not written into the text: every page is then the same statement, which the
        // statement cache keeps instead of compiling each page anew. (A block, so the binder
        // is gone before the query's await.)
        {
            let mut bind = |n: i64| {
                values.push((FieldKind::Integer, Value::from(n)));
                self.placeholder(values.len())
            };
            let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            match (limit, self.store.inner.dialect) {
                (Some(limit), _) => {
                    let limit = bind(count(limit));
                    let offset = bind(count(offset));
                    sql.push_str(&format!(" LIMIT {limit} OFFSET {offset}"));
                }
                (None, SqlDialect::Sqlite) if offset > 0 => {
                    let offset = bind(count(offset));
                    sql.push_str(&format!(" LIMIT -1 OFFSET {offset}"));
                }
                (None, SqlDialect::Postgres) if offset > 0 => {
                    let offset = bind(count(offset));
                    sql.push_str(&format!(" OFFSET {offset}"));
                }
                _ => {}
            }
        }
        let rows = self.rows(sql, &values, M::fields()).await?;
        rows.into_iter().map(Row::into_model).collect()
    }

    /// How many rows match `query`.
    pub async fn count<M: Model>(&mut self, query: &Query) -> Result<u64, ActionError> {
        let (clause, values) = self.where_clause::<M>(query, None, 1)?;
        let sql = format!("SELECT COUNT(*) AS n FROM {}{}", quote(M::TABLE), clause);
        let n = self.integer(sql, &values).await?;
        Ok(n.max(0) as u64)
    }

    async fn write_fields<M: Model>(
        &mut self,
        scope: &Query,
        pk: &Value,
        values: Map<String, Value>,
        mode: WriteMode,
    ) -> Result<M, ActionError> {
        let (pk, before) = self.fetch_row::<M>(scope, pk).await?;
        let before = before.into_value();
        let row = validate_write(M::fields(), &values, mode)?;
        let fields: Vec<&FieldSpec> = M::fields()
            .iter()
            .filter(|f| row.contains_key(f.name) && !f.primary_key)
            .collect();
        if fields.is_empty() {
            return to_model(before);
        }
        let sets: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{} = {}", quote(f.name), self.placeholder(i + 1)))
            .collect();
        let sql = format!(
            "UPDATE {} SET {} WHERE {} = {} RETURNING {}",
            quote(M::TABLE),
            sets.join(", "),
            quote(M::primary_key().name),
            self.placeholder(fields.len() + 1),
            column_list::<M>()
        );
        let mut params: Vec<(FieldKind, Value)> = fields
            .iter()
            .map(|field| (field.kind, row[field.name].clone()))
            .collect();
        params.push((M::primary_key().kind, pk.clone()));
        let mut updated = self.rows(sql, &params, M::fields()).await?;
        if updated.is_empty() {
            return Err(ActionError::internal("UPDATE returned no row"));
        }
        let after = updated.swap_remove(0).into_value();
        self.record::<M>(ChangeKind::Update, pk, Some(before), Some(after.clone()));
        to_model(after)
    }

    /// Writes row `pk` from `write` (see [`Store::update`]).
    pub async fn update<M: Model>(
        &mut self,
        scope: &Query,
        pk: &Value,
        write: &M::Write,
    ) -> Result<M, ActionError> {
        let values = object_of(write)?;
        self.write_fields::<M>(scope, pk, values, WriteMode::Update)
            .await
    }

    /// Changes the fields `patch` sets.
    pub async fn patch<M: Model>(
        &mut self,
        scope: &Query,
        pk: &Value,
        patch: &M::Patch,
    ) -> Result<M, ActionError> {
        let values = object_of(patch)?;
        self.write_fields::<M>(scope, pk, values, WriteMode::Patch)
            .await
    }

    /// Deletes row `pk`.
    pub async fn delete<M: Model>(&mut self, scope: &Query, pk: &Value) -> Result<(), ActionError> {
        let (pk, before) = self.fetch_row::<M>(scope, pk).await?;
        let before = before.into_value();
        let sql = format!(
            "DELETE FROM {} WHERE {} = {}",
            quote(M::TABLE),
            quote(M::primary_key().name),
            self.placeholder(1)
        );
        self.execute(sql, &[(M::primary_key().kind, pk.clone())])
            .await?;
        self.record::<M>(ChangeKind::Delete, pk, Some(before), None);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn identifiers_are_quoted_with_inner_quotes_doubled() {
        assert_eq!(quote("todos"), r#""todos""#);
        assert_eq!(quote(r#"we"ird""#), r#""we""ird""""#);
        assert_eq!(quote(r#""""#), r#""""""""#);
    }
}
