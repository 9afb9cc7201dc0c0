//! What a database backend hands the store, whichever backend it is (sqlx for PostgreSQL,
//! rusqlite for SQLite): result rows, and failures that say whether a unique constraint failed.

use super::model::Model;
use crate::error::ActionError;
use serde_json::Value;

/// One result row: each column's value under its field's name, in the model's field order.
/// A model is decoded from the pairs themselves; a map (with a key allocated per field) is
/// built only where a row is kept as JSON (a change's before and after).
pub(crate) struct Row(Vec<(&'static str, Value)>);

impl Row {
    pub(crate) fn with_capacity(fields: usize) -> Self {
        Row(Vec::with_capacity(fields))
    }

    pub(crate) fn push(&mut self, name: &'static str, value: Value) {
        self.0.push((name, value));
    }

    /// The row as a JSON object.
    pub(crate) fn into_value(self) -> Value {
        let fields = self
            .0
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value));
        Value::Object(fields.collect())
    }

    /// The row as its model.
    pub(crate) fn into_model<M: Model>(self) -> Result<M, ActionError> {
        let fields =
            serde::de::value::MapDeserializer::<_, serde_json::Error>::new(self.0.into_iter());
        M::deserialize(fields).map_err(ActionError::internal)
    }
}

/// A failed statement, on either backend.
#[derive(Debug)]
pub(crate) struct DbFailure {
    /// A UNIQUE or PRIMARY KEY constraint failed.
    pub(crate) unique: bool,
    /// The error as an action's.
    pub(crate) error: ActionError,
}

impl From<DbFailure> for ActionError {
    fn from(failure: DbFailure) -> Self {
        failure.error
    }
}
