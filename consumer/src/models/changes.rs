//! Change capture and publishing: what one committed transaction did to each row, coalesced
//! per row, and the pushes it causes to instance subscriptions, query subscriptions and model
//! observers (DCRF's group transitions: a row leaving a group is a `delete` there, entering a
//! `create`, staying an `update`).

use super::model::Model;
use crate::groups::{ChannelLayer, Push};
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

/// What a change did to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Created.
    Create,
    /// Updated.
    Update,
    /// Deleted.
    Delete,
}

/// A committed change of one row: its state before and after the transaction.
#[derive(Debug, Clone)]
pub struct Change {
    /// Model name.
    pub model: &'static str,
    /// The row's primary key.
    pub pk: Value,
    /// The first kind of write in the transaction (create then update is a create).
    pub kind: ChangeKind,
    /// The row before the transaction (`None` for a create).
    pub before: Option<Value>,
    /// The row after it (`None` for a delete).
    pub after: Option<Value>,
}

/// Computes the group keys of a row.
type KeyFn<T> = Arc<dyn Fn(&T) -> Vec<String> + Send + Sync>;

/// A custom subscription feed (DCRF's `model_observer`): every committed change of `M` is
/// pushed to `observer_group(name, key)` for the keys the change's row gives (before and after:
/// a row leaving a key's group sends `delete` there, entering sends `create`, staying `update`),
/// with status 200 and the serialized row.
pub struct ModelObserver<M: Model> {
    name: String,
    keys: KeyFn<M>,
}

impl<M: Model> std::fmt::Debug for ModelObserver<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelObserver")
            .field("model", &M::NAME)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<M: Model> ModelObserver<M> {
    /// An observer whose every change goes to one group (key `""`).
    pub fn new(name: impl Into<String>) -> Self {
        ModelObserver {
            name: name.into(),
            keys: Arc::new(|_| vec![String::new()]),
        }
    }

    /// Narrows the feed: a change goes to the groups of the keys `keys` gives for its row.
    pub fn keys(mut self, keys: impl Fn(&M) -> Vec<String> + Send + Sync + 'static) -> Self {
        self.keys = Arc::new(keys);
        self
    }
}

/// The group a subscriber of observer `name` joins for `key`.
pub fn observer_group<M: Model>(name: &str, key: &str) -> String {
    format!("chanrest.observer.{}.{}.{}", M::NAME, name, key)
}

/// The group of one row's instance subscription.
pub fn instance_group<M: Model>(pk: &Value) -> String {
    format!("chanrest.instance.{}.{}", M::NAME, pk)
}

/// The group of a query subscription: rows whose query fields equal `filter`'s (only the
/// query fields count; the set fields are the filter).
pub fn query_group<M: Model>(filter: &Map<String, Value>) -> String {
    // serde_json's Map is ordered by key, so the text is canonical.
    format!(
        "chanrest.query.{}.{}",
        M::NAME,
        Value::Object(filter.clone())
    )
}

/// Computes the pushes of one committed change (one per model, monomorphized).
pub(crate) type Publisher = fn(&Observers, &Change) -> Vec<(String, Push)>;

struct ErasedObserver {
    name: String,
    keys: KeyFn<Value>,
}

/// The model observers of a store, by model name.
#[derive(Default)]
pub(crate) struct Observers(RwLock<HashMap<&'static str, Vec<ErasedObserver>>>);

impl Observers {
    /// Registers `observer` for the changes of `M`.
    pub(crate) fn register<M: Model>(&self, observer: ModelObserver<M>) {
        let keys = observer.keys.clone();
        let erased = ErasedObserver {
            name: observer.name,
            keys: Arc::new(
                move |row: &Value| match serde_json::from_value::<M>(row.clone()) {
                    Ok(model) => keys(&model),
                    Err(_) => Vec::new(),
                },
            ),
        };
        let mut observers = self.0.write().unwrap_or_else(|e| e.into_inner());
        observers.entry(M::NAME).or_default().push(erased);
    }
}

/// Publishes what one committed transaction changed on `layer`, in one batch.
pub(crate) async fn publish(
    layer: &Arc<dyn ChannelLayer>,
    observers: &Observers,
    changes: Vec<(Change, Publisher)>,
) {
    let pushes: Vec<(String, Push)> = coalesce(changes)
        .into_iter()
        .flat_map(|(change, publisher)| publisher(observers, &change))
        .collect();
    if pushes.is_empty() {
        return;
    }
    let count = pushes.len();
    if let Err(err) = layer.group_send_all(pushes).await {
        tracing::warn!(%err, count, "publishing a transaction's changes failed");
    }
}

/// Merges the changes of one transaction per row, keeping the first kind and the first
/// `before` and the last `after`; a row created and deleted in it leaves no change.
pub(crate) fn coalesce(changes: Vec<(Change, Publisher)>) -> Vec<(Change, Publisher)> {
    let mut merged: Vec<(Change, Publisher)> = Vec::new();
    for (change, publisher) in changes {
        match merged
            .iter()
            .position(|(c, _)| c.model == change.model && c.pk == change.pk)
        {
            None => merged.push((change, publisher)),
            Some(index) => {
                let existing = &mut merged[index].0;
                existing.after = change.after;
                if existing.kind == ChangeKind::Create && existing.after.is_none() {
                    merged.remove(index);
                } else if change.kind == ChangeKind::Delete {
                    existing.kind = ChangeKind::Delete;
                } else if existing.kind == ChangeKind::Delete {
                    existing.kind = ChangeKind::Update;
                }
            }
        }
    }
    merged
}

/// The pushes one committed change of `M` causes.
pub(crate) fn publisher_for<M: Model>(
    observers: &Observers,
    change: &Change,
) -> Vec<(String, Push)> {
    let mut pushes = Vec::new();
    let delete_data = json!({ "pk": change.pk });
    let push = |action: &str, status: u16, data: &Value| {
        Push::new(action, data).map(|p| p.with_status(status)).ok()
    };

    // Instance subscriptions: `update` with the row, `delete` with its pk.
    match &change.after {
        Some(after) if change.kind != ChangeKind::Create => {
            pushes.extend(push("update", 200, after).map(|p| (instance_group::<M>(&change.pk), p)));
        }
        None => pushes.extend(
            push("delete", 204, &delete_data).map(|p| (instance_group::<M>(&change.pk), p)),
        ),
        _ => {}
    }

    // Query subscriptions: one group per subset of the query fields' values.
    let query_fields: Vec<&str> = M::fields()
        .iter()
        .filter(|f| f.query)
        .map(|f| f.name)
        .collect();
    let groups_of = |row: &Option<Value>| -> BTreeSet<String> {
        let Some(row) = row else {
            return BTreeSet::new();
        };
        (0u32..(1 << query_fields.len()))
            .map(|mask| {
                let filter: Map<String, Value> = query_fields
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, f)| ((*f).to_owned(), row.get(*f).cloned().unwrap_or(Value::Null)))
                    .collect();
                query_group::<M>(&filter)
            })
            .collect()
    };
    transitions(
        &groups_of(&change.before),
        &groups_of(&change.after),
        change,
        |group, kind| match (kind, &change.after) {
            (ChangeKind::Delete, _) => push("delete", 204, &delete_data).map(|p| (group, p)),
            (ChangeKind::Create, Some(after)) => push("create", 201, after).map(|p| (group, p)),
            (_, Some(after)) => push("update", 200, after).map(|p| (group, p)),
            _ => None,
        },
        &mut pushes,
    );

    // Model observers: create/update/delete, status 200, the serialized row.
    let observers = observers.0.read().unwrap_or_else(|e| e.into_inner());
    for observer in observers.get(M::NAME).into_iter().flatten() {
        let groups_of = |row: &Option<Value>| -> BTreeSet<String> {
            row.as_ref()
                .map(|row| {
                    (observer.keys)(row)
                        .iter()
                        .map(|key| observer_group::<M>(&observer.name, key))
                        .collect()
                })
                .unwrap_or_default()
        };
        transitions(
            &groups_of(&change.before),
            &groups_of(&change.after),
            change,
            |group, kind| {
                let row = change.after.as_ref().or(change.before.as_ref())?;
                let action = match kind {
                    ChangeKind::Create => "create",
                    ChangeKind::Update => "update",
                    ChangeKind::Delete => "delete",
                };
                push(action, 200, row).map(|p| (group, p))
            },
            &mut pushes,
        );
    }
    pushes
}

/// DCRF's group transitions: groups only before get `delete`, only after `create`, both
/// `update`.
fn transitions(
    before: &BTreeSet<String>,
    after: &BTreeSet<String>,
    _change: &Change,
    mut make: impl FnMut(String, ChangeKind) -> Option<(String, Push)>,
    pushes: &mut Vec<(String, Push)>,
) {
    for group in before.difference(after) {
        pushes.extend(make(group.clone(), ChangeKind::Delete));
    }
    for group in before.intersection(after) {
        pushes.extend(make(group.clone(), ChangeKind::Update));
    }
    for group in after.difference(before) {
        pushes.extend(make(group.clone(), ChangeKind::Create));
    }
}
