//! One consumer instance's state on one connection: its scope, outbound queue, groups and
//! subscriptions, detached tasks and generation counters. It knows nothing of the consumer it
//! serves; dispatch pairs the two.

use super::limits::{Counted, Limits, Metrics};
use super::membership::{Change, Membership};
use super::outbound::Outbound;
use crate::auth::Scope;
use crate::dialect::Dialect;
use crate::error::ActionError;
use crate::groups::{ChannelLayer, GroupMember};
use crate::protocol::{self, Reply};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::task::JoinSet;

/// Connection ids are process-unique, for logs.
static NEXT_CONNECTION_ID: AtomicU64 = AtomicU64::new(1);

/// Session ids are process-unique: a channel layer tells members apart by them.
static NEXT_SESSION_ID: AtomicU64 = AtomicU64::new(1);

/// One consumer instance on one connection.
pub(crate) struct Session {
    id: u64,
    /// The connection's id, the same for every session on it.
    pub(crate) connection_id: u64,
    pub(crate) dialect: Dialect,
    pub(crate) stream: Option<Arc<str>>,
    /// `{"stream":"<name>","payload":` behind the multiplexer, for pushes.
    stream_prefix: Option<Arc<str>>,
    pub(crate) scope: Arc<Scope>,
    pub(crate) out: Arc<Outbound>,
    pub(crate) layer: Arc<dyn ChannelLayer>,
    groups: Mutex<HashMap<String, Arc<Membership>>>,
    /// Plain memberships and subscribing request ids held in `groups`, all groups together
    /// (what `max_groups` bounds); changed only while `groups` is locked.
    held: AtomicUsize,
    /// Held across a membership change, layer call included, so the layer gets a session's
    /// changes in the order they were made.
    membership_changes: tokio::sync::Mutex<()>,
    detached: Mutex<JoinSet<()>>,
    max_detached: usize,
    max_groups: usize,
    generations: Mutex<HashMap<String, u64>>,
    /// What handlers keep for this consumer instance, one value per type (DCRF's `self.x`).
    state: Mutex<Vec<(TypeId, Arc<dyn Any + Send + Sync>)>>,
    metrics: Arc<Metrics>,
    _alive: Counted,
}

/// What the sessions of one connection share.
pub(crate) struct ConnectionParts {
    /// A process-unique id of the connection, for logs.
    pub(crate) id: u64,
    pub(crate) scope: Arc<Scope>,
    pub(crate) out: Arc<Outbound>,
    pub(crate) layer: Arc<dyn ChannelLayer>,
}

impl ConnectionParts {
    /// The parts of a new connection, with a fresh id.
    pub(crate) fn new(
        scope: Arc<Scope>,
        out: Arc<Outbound>,
        layer: Arc<dyn ChannelLayer>,
    ) -> ConnectionParts {
        ConnectionParts {
            id: NEXT_CONNECTION_ID.fetch_add(1, Ordering::Relaxed),
            scope,
            out,
            layer,
        }
    }
}

impl Session {
    /// A session for a consumer of `dialect` on the connection whose queue is `out`
    /// (`stream`: its name behind a multiplexer).
    pub(crate) fn new(
        dialect: Dialect,
        stream: Option<Arc<str>>,
        connection: &ConnectionParts,
        limits: &Limits,
        metrics: &Arc<Metrics>,
    ) -> Session {
        Session {
            id: NEXT_SESSION_ID.fetch_add(1, Ordering::Relaxed),
            connection_id: connection.id,
            dialect,
            stream_prefix: stream
                .as_deref()
                .map(|name| Arc::from(protocol::stream_prefix(name))),
            stream,
            scope: connection.scope.clone(),
            out: connection.out.clone(),
            layer: connection.layer.clone(),
            groups: Mutex::new(HashMap::new()),
            held: AtomicUsize::new(0),
            membership_changes: tokio::sync::Mutex::new(()),
            detached: Mutex::new(JoinSet::new()),
            max_detached: limits.max_detached_per_consumer,
            max_groups: limits.max_groups_per_consumer,
            generations: Mutex::new(HashMap::new()),
            state: Mutex::new(Vec::new()),
            metrics: metrics.clone(),
            _alive: Counted::new(metrics, |m| &m.sessions),
        }
    }

    /// Queues `reply` in this session's dialect (wrapped for its stream); false once the
    /// connection is closing.
    pub(crate) fn send_reply(&self, reply: &Reply) -> bool {
        let text = reply.encode(self.dialect, self.stream.as_deref());
        self.send_reply_text(reply.status, text)
    }

    /// Queues a reply already laid out as frame text.
    pub(crate) fn send_reply_text(&self, status: u16, text: String) -> bool {
        self.metrics.count_reply(status);
        self.out.send_text(text)
    }

    pub(crate) fn lock_groups(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Membership>>> {
        self.groups.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes this session's membership of `group` in place, and joins or leaves the layer's
    /// group when the session's interest starts or ends. A join or subscribe costs O(1)
    /// amortised, however many subscriptions the session holds.
    pub(crate) async fn update_membership(
        self: &Arc<Self>,
        group: &str,
        change: Change,
    ) -> crate::error::Result<()> {
        let _in_order = self.membership_changes.lock().await;
        let (joined, left) = {
            let mut groups = self.lock_groups();
            let existing = groups.get(group).cloned();
            let was_member = existing.is_some();
            let membership = existing.unwrap_or_else(|| {
                Arc::new(Membership::new(
                    self.id,
                    self.out.clone(),
                    self.dialect,
                    self.stream.clone(),
                    self.stream_prefix.clone(),
                ))
            });
            // Each plain membership and each subscribing request id counts; only growing is
            // bounded (leaving is always allowed), so a flood of subscriptions to one group
            // is refused like a flood of groups.
            let held = self.held.load(Ordering::Relaxed);
            let growth = membership.growth(&change);
            if growth > 0 && held + growth > self.max_groups {
                return Err(ActionError::TooManyGroups(self.max_groups));
            }
            let before = membership.count();
            membership.apply(change);
            let after = membership.count();
            self.held.store(held - before + after, Ordering::Relaxed);
            match (was_member, membership.is_empty()) {
                (false, false) => {
                    groups.insert(group.to_owned(), membership.clone());
                    (Some(membership), false)
                }
                // Left in the map until the layer has let go (below): if this future is
                // cancelled in between, shut_down still finds the group and leaves it.
                (true, true) => (None, true),
                // Changed in place: the layer holds this very membership already.
                (true, false) | (false, true) => (None, false),
            }
        };
        if let Some(membership) = joined {
            self.metrics.memberships.fetch_add(1, Ordering::Relaxed);
            let count = membership.count();
            let member: Arc<dyn GroupMember> = membership;
            if let Err(err) = self.layer.group_add(group, member).await {
                // The layer does not hold it: take it back out, or every later change would
                // be applied in place to a membership no push reaches.
                if self.lock_groups().remove(group).is_some() {
                    self.metrics.memberships.fetch_sub(1, Ordering::Relaxed);
                    self.held.fetch_sub(count, Ordering::Relaxed);
                }
                return Err(err.into());
            }
        } else if left {
            self.layer.group_discard(group, self.id).await?;
            let mut groups = self.lock_groups();
            // Unless a change since (none can come in between: `membership_changes`) made it
            // a member again.
            if groups.get(group).is_some_and(|m| m.is_empty()) && groups.remove(group).is_some() {
                self.metrics.memberships.fetch_sub(1, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    pub(crate) fn spawn_detached(&self, task: impl Future<Output = ()> + Send + 'static) -> bool {
        let mut set = self.detached.lock().unwrap_or_else(|e| e.into_inner());
        while set.try_join_next().is_some() {}
        if set.len() >= self.max_detached {
            return false;
        }
        let alive = Counted::new(&self.metrics, |m| &m.detached);
        set.spawn(async move {
            let _alive = alive;
            task.await
        });
        true
    }

    /// Lets the detached tasks still running finish until `deadline`, then cancels the rest
    /// (a server going away).
    pub(crate) async fn finish_detached(&self, deadline: tokio::time::Instant) {
        let mut set = std::mem::take(&mut *self.detached.lock().unwrap_or_else(|e| e.into_inner()));
        let finishing = async { while set.join_next().await.is_some() {} };
        if tokio::time::timeout_at(deadline, finishing).await.is_err() {
            tracing::info!(
                left = set.len(),
                "detached actions cancelled at the shutdown deadline"
            );
        }
        set.shutdown().await;
    }

    /// Cancels the detached tasks still running.
    pub(crate) async fn cancel_detached(&self) {
        let mut set = std::mem::take(&mut *self.detached.lock().unwrap_or_else(|e| e.into_inner()));
        set.shutdown().await;
    }

    /// The counter of `key` (see `Ctx::generation`).
    pub(crate) fn generation(&self, key: &str) -> u64 {
        *self
            .generations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .unwrap_or(&0)
    }

    /// Advances the counter of `key`.
    pub(crate) fn next_generation(&self, key: &str) -> u64 {
        let mut generations = self.generations.lock().unwrap_or_else(|e| e.into_inner());
        let value = generations.entry(key.to_owned()).or_insert(0);
        *value += 1;
        *value
    }

    fn lock_state(&self) -> std::sync::MutexGuard<'_, Vec<(TypeId, Arc<dyn Any + Send + Sync>)>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// This instance's value of type `T`, if one was set.
    pub(crate) fn state<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        let state = self.lock_state();
        let (_, value) = state.iter().find(|(id, _)| *id == TypeId::of::<T>())?;
        value.clone().downcast::<T>().ok()
    }

    /// Sets this instance's value of type `T`; returns the one it replaces.
    pub(crate) fn set_state<T: Send + Sync + 'static>(&self, value: T) -> Option<Arc<T>> {
        let value: Arc<dyn Any + Send + Sync> = Arc::new(value);
        let mut state = self.lock_state();
        let old = match state.iter_mut().find(|(id, _)| *id == TypeId::of::<T>()) {
            Some((_, slot)) => Some(std::mem::replace(slot, value)),
            None => {
                state.push((TypeId::of::<T>(), value));
                None
            }
        };
        old.and_then(|old| old.downcast::<T>().ok())
    }

    /// This instance's value of type `T`, set from `make` if there was none.
    pub(crate) fn state_or_insert_with<T: Send + Sync + 'static>(
        &self,
        make: impl FnOnce() -> T,
    ) -> Arc<T> {
        let mut state = self.lock_state();
        if let Some((_, value)) = state.iter().find(|(id, _)| *id == TypeId::of::<T>()) {
            if let Ok(value) = value.clone().downcast::<T>() {
                return value;
            }
        }
        let value = Arc::new(make());
        state.push((TypeId::of::<T>(), value.clone()));
        value
    }

    /// Removes and returns this instance's value of type `T`.
    pub(crate) fn take_state<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        let mut state = self.lock_state();
        let index = state.iter().position(|(id, _)| *id == TypeId::of::<T>())?;
        state.swap_remove(index).1.downcast::<T>().ok()
    }

    /// Leaves every group (on the way out).
    pub(crate) async fn leave_all_groups(&self) {
        let groups: Vec<String> = {
            let mut locked = self.lock_groups();
            self.held.store(0, Ordering::Relaxed);
            locked.drain().map(|(g, _)| g).collect()
        };
        for group in groups {
            self.metrics.memberships.fetch_sub(1, Ordering::Relaxed);
            if let Err(err) = self.layer.group_discard(&group, self.id).await {
                tracing::warn!(%err, group, "leaving a group on disconnect failed");
            }
        }
    }
}
