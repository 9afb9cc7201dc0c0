//! Channel layers: named groups of connections and `group_send` to all of a group's members,
//! within one process (the in-memory layer) or across processes (a networked layer). A layer
//! carries [`Push`]es as data; members lay out the frames.

use super::held;
use super::member::{deliver_to, GroupMember, MemberList};
use super::push::Push;
use crate::error::ActionError;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

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

    /// Whether the layer reaches its backend right now (a networked layer's connection;
    /// always true in process). Reported by `App::serve_metrics`.
    fn is_connected(&self) -> bool {
        true
    }
}

/// A layer behind `dyn` (as apps and stores hold it) shows as its type's name only.
impl std::fmt::Debug for dyn ChannelLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("dyn ChannelLayer")
    }
}

/// The local members of one group.
#[derive(Default)]
struct Members {
    by_id: HashMap<u64, Arc<dyn GroupMember>>,
    /// The members as a list, made on the first send after a change and shared by the sends
    /// until the next one, so a send to a large group neither clones nor allocates per member.
    snapshot: OnceLock<MemberList>,
}

/// The members of groups in this process. Every layer keeps one; the in-memory layer is just
/// this, a networked layer adds the transport between processes.
#[derive(Default)]
pub struct LocalGroups {
    groups: RwLock<HashMap<String, Members>>,
}

impl std::fmt::Debug for LocalGroups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalGroups")
            .field("groups", &self.group_count())
            .finish()
    }
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

    /// Delivers `push` to every local member of `group`; returns how many get it. Sent while
    /// a socket connection's task is polled (an action that is not detached), the delivery is
    /// made at the end of that poll, once the task's writer has written what the socket took
    /// (the action's reply first, see `HoldDeliveries`); otherwise at once.
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
        if !held::hold(&members, group, push) {
            deliver_to(&members, group, push);
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

impl std::fmt::Debug for InMemoryChannelLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemoryChannelLayer")
            .field("local", &self.local)
            .finish()
    }
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
}
