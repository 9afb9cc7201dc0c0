//! A message's content (every key but `request_id`), kept as the frame's JSON text until
//! something needs it as a map. Reading a frame into a tree of values costs an allocation per
//! key, string and object, and a typed action then copies what it keeps out of that tree; most
//! messages need neither: the action name is one key, and a typed action decodes its arguments
//! straight from the text. A custom action-name hook or permission that reads the map gets
//! it, built on first use, exactly as if it had been built from the start.

use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

/// A message's keys other than `request_id` (DCRF's `content`), `action` included until the
/// action name is taken. Read and change it as the [`Map`] it dereferences to (built from the
/// frame on first use); [`Content::remove`] takes a key out without building the rest.
///
/// ```
/// use chanrest::Content;
/// use serde_json::json;
///
/// let map = json!({"type": "ping", "n": 1}).as_object().unwrap().clone();
/// let mut content = Content::from(map);
/// assert_eq!(content.remove("type"), Some(json!("ping")));
/// assert_eq!(content.get("n"), Some(&json!(1)));
/// ```
#[derive(Default)]
pub struct Content<'t> {
    /// The keys as the frame carried them, in order, each with its value's JSON text; unused
    /// once `map` is set.
    entries: Vec<(Cow<'t, str>, &'t RawValue)>,
    /// The map, once something asked for it.
    map: OnceLock<Map<String, Value>>,
}

impl std::fmt::Debug for Content<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.map.get() {
            Some(map) => map.fmt(f),
            None => f
                .debug_map()
                .entries(self.entries.iter().map(|(key, raw)| (key, raw.get())))
                .finish(),
        }
    }
}

impl<'t> Content<'t> {
    /// The content of a frame that was checked to read as JSON values (every number in range,
    /// every escape a character, nesting well within serde_json's limit), so reading one of
    /// its values later cannot fail.
    pub(crate) fn from_checked_entries(entries: Vec<(Cow<'t, str>, &'t RawValue)>) -> Self {
        Content {
            entries,
            map: OnceLock::new(),
        }
    }

    /// Removes `key`, returning its value (the last one, where a frame repeated the key, as a
    /// map built from the frame holds it), without building the map.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        if let Some(map) = self.map.get_mut() {
            return map.remove(key);
        }
        let mut found = None;
        self.entries.retain(|(name, raw)| {
            let matches = name == key;
            if matches {
                found = Some(*raw);
            }
            !matches
        });
        found.map(read_checked)
    }

    /// The keys with their JSON text, while nothing has asked for the map.
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn entries(&self) -> Option<&[(Cow<'t, str>, &'t RawValue)]> {
        match self.map.get() {
            Some(_) => None,
            None => Some(&self.entries),
        }
    }

    /// The content as a map.
    pub fn into_map(self) -> Map<String, Value> {
        let Content { entries, map } = self;
        map.into_inner().unwrap_or_else(|| build_map(&entries))
    }
}

impl Deref for Content<'_> {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Map<String, Value> {
        self.map.get_or_init(|| build_map(&self.entries))
    }
}

impl DerefMut for Content<'_> {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        if self.map.get().is_none() {
            let map = build_map(&std::mem::take(&mut self.entries));
            let _ = self.map.set(map);
        }
        self.map.get_mut().expect("the map was just set")
    }
}

impl From<Map<String, Value>> for Content<'_> {
    fn from(map: Map<String, Value>) -> Self {
        Content {
            entries: Vec::new(),
            map: OnceLock::from(map),
        }
    }
}

/// The map a frame's entries stand for: inserted in order, so that a repeated key holds its
/// last value, as when the frame is read into a map directly.
fn build_map(entries: &[(Cow<'_, str>, &RawValue)]) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, raw) in entries {
        map.insert(key.clone().into_owned(), read_checked(raw));
    }
    map
}

/// Reads a value of a checked frame (`decode` tests that checked values always read).
fn read_checked(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or_else(|err| {
        #[cfg(feature = "server")]
        tracing::error!(%err, "a checked value failed to read");
        let _ = err;
        Value::Null
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn content(text: &str) -> Content<'_> {
        let entries: Vec<(&str, &RawValue)> = serde_json::from_str(text).unwrap();
        let entries = entries
            .into_iter()
            .map(|(k, v)| (Cow::Borrowed(k), v))
            .collect();
        Content::from_checked_entries(entries)
    }

    #[test]
    fn a_repeated_key_holds_its_last_value_whichever_way_it_is_read() {
        let text = r#"[["a",1],["b",{"x":[1,2]}],["a",3]]"#;
        let mut lazy = content(text);
        assert_eq!(lazy.remove("a"), Some(json!(3)));
        assert_eq!(lazy.remove("a"), None);
        assert_eq!(Value::Object(lazy.into_map()), json!({"b": {"x": [1, 2]}}));
        let built = content(text);
        assert_eq!(
            Value::Object((*built).clone()),
            json!({"a": 3, "b": {"x": [1, 2]}})
        );
    }

    #[test]
    fn once_built_the_map_is_what_later_reads_see() {
        let mut content = content(r#"[["a",1],["b",2]]"#);
        content.insert("c".into(), json!(3));
        assert!(content.entries().is_none());
        assert_eq!(content.remove("a"), Some(json!(1)));
        assert_eq!(Value::Object(content.into_map()), json!({"b": 2, "c": 3}));
    }
}
