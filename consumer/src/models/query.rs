//! [`Query`]: which rows a read, a write or a subscription selects.

use serde_json::Value;

/// Rows a query selects: equality filters on fields, in `id` (primary key) order.
///
/// ```
/// let q = chanrest::store::Query::all().filter("owner", "ada").filter("done", false);
/// assert_eq!(q.filters().len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    filters: Vec<(String, Value)>,
}

impl Query {
    /// Every row.
    pub fn all() -> Self {
        Self::default()
    }

    /// Also requires `field` to equal `value`.
    pub fn filter(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.filters.push((field.into(), value.into()));
        self
    }

    /// Adds every field set in `filter` (a model's filter type, or any object).
    pub fn matching<F: serde::Serialize>(mut self, filter: &F) -> Self {
        if let Ok(Value::Object(fields)) = serde_json::to_value(filter) {
            for (field, value) in fields {
                self.filters.push((field, value));
            }
        }
        self
    }

    /// The filters.
    pub fn filters(&self) -> &[(String, Value)] {
        &self.filters
    }

    /// Whether a row (as JSON) matches.
    pub fn matches(&self, row: &Value) -> bool {
        self.filters
            .iter()
            .all(|(field, value)| row.get(field) == Some(value))
    }
}
