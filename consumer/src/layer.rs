//! Channel layers: named groups of connections and `group_send` to all of a group's members,
//! within one process (the in-memory layer) or across processes (a networked layer).

use crate::envelope::encode_data;
use crate::error::ActionError;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// A message sent to a group: every member sends it to its socket in its consumer's envelope,
/// with `action` = [`Push::action`], once per subscribing `request_id` (or once with
/// `request_id: null` for a plain group membership).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Push {
    /// The `action` field of the pushed message.
    pub action: String,
    /// Its `response_status`.
    pub status: u16,
    /// Its `data`, encoded once for every member.
    pub data: Arc<RawValue>,
    /// The DCRF envelope up to the `request_id` value, encoded once for every member
    /// (see [`Push::dcrf_prefix`]).
    #[serde(skip)]
    encoded: OnceLock<Arc<str>>,
    /// The whole DCRF frame with `request_id: null`, the same bytes for every plain member.
    #[serde(skip)]
    plain_frame: OnceLock<Utf8Bytes>,
}

impl Push {
    /// A push with status 200.
    ///
    /// ```
    /// let push = chanrest::Push::new("message", &serde_json::json!({"text": "hi"})).unwrap();
    /// assert_eq!(push.data.get(), r#"{"text":"hi"}"#);
    /// ```
    pub fn new<T: Serialize + ?Sized>(
        action: impl Into<String>,
        data: &T,
    ) -> Result<Push, ActionError> {
        Ok(Push {
            action: action.into(),
            status: 200,
            data: encode_data(data)?,
            encoded: OnceLock::new(),
            plain_frame: OnceLock::new(),
        })
    }

    /// Sets the status.
    pub fn with_status(mut self, status: u16) -> Push {
        self.status = status;
        self.encoded = OnceLock::new();
        self.plain_frame = OnceLock::new();
        self
    }

    /// The push as a DCRF envelope up to the value of `request_id`:
    /// `{"errors":[],"data":...,"action":"...","response_status":200,"request_id":`. A member
    /// appends its subscriber's id and `}`, so a push to thousands of members is serialized
    /// once (the same bytes `Reply::encode` writes, in the same key order).
    pub fn dcrf_prefix(&self) -> &str {
        self.shared_dcrf_prefix()
    }

    /// The push as a whole DCRF frame for a plain member (`request_id: null`): encoded once,
    /// and shared (not copied) by every plain member's queue.
    pub(crate) fn plain_frame(&self) -> &Utf8Bytes {
        self.plain_frame
            .get_or_init(|| Utf8Bytes::from(format!("{}null}}", self.dcrf_prefix())))
    }

    /// [`Push::dcrf_prefix`], shared.
    pub(crate) fn shared_dcrf_prefix(&self) -> &Arc<str> {
        self.encoded.get_or_init(|| {
            let action = serde_json::to_string(&self.action).expect("a string serializes");
            let data = self.data.get();
            let mut text = String::with_capacity(data.len() + action.len() + 72);
            text.push_str(r#"{"errors":[],"data":"#);
            text.push_str(data);
            text.push_str(r#","action":"#);
            text.push_str(&action);
            text.push_str(r#","response_status":"#);
            text.push_str(&self.status.to_string());
            text.push_str(r#","request_id":"#);
            Arc::from(text)
        })
    }
}

/// Something that receives a group's pushes: a consumer instance on a connection.
pub trait GroupMember: Send + Sync + 'static {
    /// A process-unique id of the member.
    fn member_id(&self) -> u64;
    /// Delivers a push sent to `group`. Must not block: members queue the frame.
    fn deliver(&self, group: &str, push: &Push);
    /// Called a few members ahead of this member's [`GroupMember::deliver`] in a large group,
    /// so the member can start loading memory it will reach through pointers (the member
    /// itself is already being loaded). Default: nothing.
    fn prefetch(&self) {}
}

/// Starts loading the memory of `arc` into the cache: reads its reference count (the line
/// its value starts on) and ignores the result. A fan-out walks thousands of members whose
/// memory is cold; touching a few members ahead lets those cache misses overlap instead of
/// stalling one after the other (chanrest has no unsafe code, so no prefetch intrinsic).
#[inline(always)]
pub(crate) fn prefetch<T: ?Sized>(arc: &Arc<T>) {
    std::hint::black_box(Arc::strong_count(arc));
}

/// How many members ahead a fan-out fetches a member's own memory; its
/// [`GroupMember::prefetch`] runs half as far ahead, once that memory has arrived.
const PREFETCH_DISTANCE: usize = 8;

/// A channel-layer failure (a networked layer that cannot reach its backend).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerError(pub String);

impl std::fmt::Display for LayerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "channel layer: {}", self.0)
    }
}

impl std::error::Error for LayerError {}

impl From<LayerError> for ActionError {
    fn from(err: LayerError) -> Self {
        ActionError::internal(err)
    }
}

/// Group membership and delivery (Django Channels' channel layer). The in-memory layer is the
/// default; a networked layer makes groups span processes.
#[async_trait]
pub trait ChannelLayer: Send + Sync + 'static {
    /// Adds a local member to `group`; a member with the same [`GroupMember::member_id`]
    /// already there is replaced (that is how a member's change reaches the layer).
    async fn group_add(&self, group: &str, member: Arc<dyn GroupMember>) -> Result<(), LayerError>;
    /// Removes a member from `group` (no error when it was not a member).
    async fn group_discard(&self, group: &str, member_id: u64) -> Result<(), LayerError>;
    /// Sends `push` to every member of `group`, wherever it is connected.
    async fn group_send(&self, group: &str, push: Push) -> Result<(), LayerError>;
    /// Sends each push to its group, in order: what one committed transaction publishes (a
    /// change reaches its instance group, every query group it enters, stays in or leaves,
    /// and the observers' groups). A networked layer sends them in one round trip. Default:
    /// [`ChannelLayer::group_send`] for each; a group that fails does not stop the others,
    /// and the first error is returned.
    async fn group_send_all(&self, pushes: Vec<(String, Push)>) -> Result<(), LayerError> {
        let mut first_error = None;
        for (group, push) in pushes {
            if let Err(err) = self.group_send(&group, push).await {
                first_error.get_or_insert(err);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// The local members of one group.
#[derive(Default)]
struct Members {
    by_id: HashMap<u64, Arc<dyn GroupMember>>,
    /// The members as a list, made on the first send after a change and shared by the sends
    /// until the next one, so a send to a large group neither clones nor allocates per member.
    snapshot: OnceLock<Arc<[Arc<dyn GroupMember>]>>,
}

/// The members of groups in this process. Every layer keeps one; the in-memory layer is just
/// this, a networked layer adds the transport between processes.
#[derive(Default)]
pub struct LocalGroups {
    groups: RwLock<HashMap<String, Members>>,
}

impl LocalGroups {
    /// Adds `member` to `group`, replacing a member with the same id; true when the group had
    /// no local member before.
    pub fn add(&self, group: &str, member: Arc<dyn GroupMember>) -> bool {
        let mut groups = self.groups.write().unwrap_or_else(|e| e.into_inner());
        let members = groups.entry(group.to_owned()).or_default();
        let first = members.by_id.is_empty();
        members.by_id.insert(member.member_id(), member);
        members.snapshot = OnceLock::new();
        first
    }

    /// Removes a member; true when the group has no local member left.
    pub fn discard(&self, group: &str, member_id: u64) -> bool {
        let mut groups = self.groups.write().unwrap_or_else(|e| e.into_inner());
        let Some(members) = groups.get_mut(group) else {
            return false;
        };
        if members.by_id.remove(&member_id).is_some() {
            members.snapshot = OnceLock::new();
        }
        if members.by_id.is_empty() {
            groups.remove(group);
            true
        } else {
            false
        }
    }

    /// Delivers `push` to every local member of `group`; returns how many got it.
    pub fn deliver(&self, group: &str, push: &Push) -> usize {
        let members = {
            let groups = self.groups.read().unwrap_or_else(|e| e.into_inner());
            let Some(members) = groups.get(group) else {
                return 0;
            };
            members
                .snapshot
                .get_or_init(|| members.by_id.values().cloned().collect())
                .clone()
        };
        for (i, member) in members.iter().enumerate() {
            if let Some(ahead) = members.get(i + PREFETCH_DISTANCE) {
                prefetch(ahead);
            }
            if let Some(ahead) = members.get(i + PREFETCH_DISTANCE / 2) {
                ahead.prefetch();
            }
            member.deliver(group, push);
        }
        members.len()
    }

    /// Number of local members of `group`.
    pub fn len(&self, group: &str) -> usize {
        let groups = self.groups.read().unwrap_or_else(|e| e.into_inner());
        groups.get(group).map_or(0, |members| members.by_id.len())
    }

    /// Number of groups with at least one local member.
    pub fn group_count(&self) -> usize {
        self.groups.read().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// The default channel layer: groups within this process.
#[derive(Default)]
pub struct InMemoryChannelLayer {
    local: LocalGroups,
}

impl InMemoryChannelLayer {
    /// An empty layer.
    pub fn new() -> Self {
        Self::default()
    }

    /// The local membership table (for inspection in tests and metrics).
    pub fn local(&self) -> &LocalGroups {
        &self.local
    }
}

#[async_trait]
impl ChannelLayer for InMemoryChannelLayer {
    async fn group_add(&self, group: &str, member: Arc<dyn GroupMember>) -> Result<(), LayerError> {
        self.local.add(group, member);
        Ok(())
    }

    async fn group_discard(&self, group: &str, member_id: u64) -> Result<(), LayerError> {
        self.local.discard(group, member_id);
        Ok(())
    }

    async fn group_send(&self, group: &str, push: Push) -> Result<(), LayerError> {
        self.local.deliver(group, &push);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{Dialect, Reply, RequestId};
    use std::sync::Mutex;

    /// A layer of the default `group_send_all`, whose group "down" fails.
    #[derive(Default)]
    struct FlakyLayer(Mutex<Vec<String>>);

    #[async_trait::async_trait]
    impl ChannelLayer for FlakyLayer {
        async fn group_add(&self, _: &str, _: Arc<dyn GroupMember>) -> Result<(), LayerError> {
            Ok(())
        }
        async fn group_discard(&self, _: &str, _: u64) -> Result<(), LayerError> {
            Ok(())
        }
        async fn group_send(&self, group: &str, _: Push) -> Result<(), LayerError> {
            if group == "down" {
                return Err(LayerError(format!("{group} is down")));
            }
            self.0.lock().unwrap().push(group.to_owned());
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_failing_group_does_not_stop_the_rest_of_a_batch() {
        let layer = FlakyLayer::default();
        let push = Push::new("update", &1).unwrap();
        let batch = ["a", "down", "b"].map(|g| (g.to_owned(), push.clone()));
        let err = layer.group_send_all(batch.to_vec()).await.unwrap_err();
        assert_eq!(err.0, "down is down");
        assert_eq!(*layer.0.lock().unwrap(), ["a", "b"]);
    }

    #[test]
    fn the_shared_prefix_writes_what_reply_encode_writes() {
        let push = Push::new("up\"date", &serde_json::json!({"k": [1, "é"]}))
            .unwrap()
            .with_status(204);
        for id in [
            "7",
            "\"s\"",
            "null",
            "{\"a\": [1, 2]}",
            "123456789012345678901234567890",
        ] {
            let request_id = RequestId::from_json(id).unwrap();
            let reply = Reply::ok(
                Some(Arc::from(push.action.as_str())),
                request_id,
                push.status,
                push.data.clone(),
            );
            assert_eq!(
                format!("{}{}}}", push.dcrf_prefix(), id),
                reply.encode(Dialect::Dcrf, None)
            );
            let stream = format!(
                r#"{{"stream":"s","payload":{}{}}}}}"#,
                push.dcrf_prefix(),
                id
            );
            assert_eq!(stream, reply.encode(Dialect::Dcrf, Some("s")));
            if id == "null" {
                assert_eq!(
                    push.plain_frame().as_str(),
                    reply.encode(Dialect::Dcrf, None)
                );
            }
        }
    }
}
