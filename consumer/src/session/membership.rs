//! A session's membership of a group: who on the session a group's push is for (plain
//! membership, subscribing request ids), and how each push becomes frames on its queue.

use super::outbound::{Frame, IdText, Outbound};
use crate::dialect::Dialect;
use crate::groups::{prefetch, GroupMember, Push};
use crate::protocol::{Reply, RequestId};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A change of a session's membership of one group (see `Session::update_membership`).
pub(crate) enum Change {
    /// Plain membership: pushes with `request_id: null`.
    Join,
    /// Ends plain membership, and the subscription of this request id when given.
    Leave(Option<RequestId>),
    /// Subscribes a request id.
    Subscribe(RequestId),
    /// Ends a request id's subscription.
    Unsubscribe(RequestId),
    /// Ends every subscription (plain membership stays).
    DropSubscriptions,
}

/// The request ids subscribed to one group on one session, in the order they subscribed.
/// Subscribing costs O(1) amortised however many are held (a set answers "already
/// subscribed?", the list and the text only grow at their end); ending a subscription costs
/// O(n).
#[derive(Default)]
pub(crate) struct Subscribers {
    ids: Vec<RequestId>,
    index: HashSet<RequestId>,
    /// The JSON text of every id, each after its length (a `usize`, native order): what a
    /// push appends, in one allocation instead of a pointer per id to chase.
    text: Vec<u8>,
    /// Ids written into `text` so far: the work the tests count.
    #[cfg(test)]
    written: usize,
}

impl Subscribers {
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    pub(crate) fn contains(&self, id: &RequestId) -> bool {
        self.index.contains(id)
    }

    /// Adds `id` at the end; false when it was there already.
    pub(crate) fn insert(&mut self, id: RequestId) -> bool {
        if !self.index.insert(id.clone()) {
            return false;
        }
        Self::append_text(&mut self.text, &id);
        #[cfg(test)]
        {
            self.written += 1;
        }
        self.ids.push(id);
        true
    }

    /// Removes `id`; false when it was not there.
    pub(crate) fn remove(&mut self, id: &RequestId) -> bool {
        if !self.index.remove(id) {
            return false;
        }
        self.ids.retain(|held| held != id);
        self.text.clear();
        for id in &self.ids {
            Self::append_text(&mut self.text, id);
        }
        #[cfg(test)]
        {
            self.written += self.ids.len();
        }
        true
    }

    pub(crate) fn clear(&mut self) {
        *self = Subscribers::default();
    }

    fn append_text(text: &mut Vec<u8>, id: &RequestId) {
        let json = id.as_json().as_bytes();
        text.extend_from_slice(&json.len().to_ne_bytes());
        text.extend_from_slice(json);
    }

    /// The JSON text of each subscribing request id.
    fn texts(&self) -> impl Iterator<Item = &str> {
        let mut rest = self.text.as_slice();
        std::iter::from_fn(move || {
            let (len, tail) = rest.split_first_chunk::<{ std::mem::size_of::<usize>() }>()?;
            let (id, tail) = tail.split_at_checked(usize::from_ne_bytes(*len))?;
            rest = tail;
            // Written from `&str`s by `append_text`.
            std::str::from_utf8(id).ok()
        })
    }
}

/// One session's membership of one group, as the channel layer holds it: a push to the group
/// comes straight here, with no lookup by group name, and goes out once per target. Its
/// targets change in place (a subscribe is O(1), not a copy of every id held); a push to a
/// plain member reads two flags and takes no lock.
pub(crate) struct Membership {
    pub(crate) session_id: u64,
    pub(crate) out: Arc<Outbound>,
    pub(crate) dialect: Dialect,
    pub(crate) stream: Option<Arc<str>>,
    /// `{"stream":"<name>","payload":` behind the multiplexer.
    pub(crate) stream_prefix: Option<Arc<str>>,
    /// Plain membership.
    plain: AtomicBool,
    /// How many request ids are subscribed (what `subscribers` holds), readable without its
    /// lock.
    subscribed: AtomicUsize,
    subscribers: Mutex<Subscribers>,
}

impl Membership {
    pub(crate) fn new(
        session_id: u64,
        out: Arc<Outbound>,
        dialect: Dialect,
        stream: Option<Arc<str>>,
        stream_prefix: Option<Arc<str>>,
    ) -> Membership {
        Membership {
            session_id,
            out,
            dialect,
            stream,
            stream_prefix,
            plain: AtomicBool::new(false),
            subscribed: AtomicUsize::new(0),
            subscribers: Mutex::new(Subscribers::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Subscribers> {
        self.subscribers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the membership counts against `Limits::max_groups_per_consumer`: the plain
    /// membership and each subscribing request id.
    pub(crate) fn count(&self) -> usize {
        usize::from(self.plain.load(Ordering::Acquire)) + self.subscribed.load(Ordering::Acquire)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// Whether `id` is subscribed.
    pub(crate) fn has_subscriber(&self, id: &RequestId) -> bool {
        self.subscribed.load(Ordering::Acquire) > 0 && self.lock().contains(id)
    }

    /// How much `change` would add to [`Membership::count`] (0 or 1): only growing is
    /// bounded.
    pub(crate) fn growth(&self, change: &Change) -> usize {
        match change {
            Change::Join => usize::from(!self.plain.load(Ordering::Acquire)),
            Change::Subscribe(id) => usize::from(!self.lock().contains(id)),
            _ => 0,
        }
    }

    /// Applies `change` in place, in O(1) amortised for a join or a subscribe.
    pub(crate) fn apply(&self, change: Change) {
        match change {
            Change::Join => self.plain.store(true, Ordering::Release),
            Change::Leave(id) => {
                self.plain.store(false, Ordering::Release);
                if let Some(id) = id {
                    self.update(|s| {
                        s.remove(&id);
                    });
                }
            }
            Change::Subscribe(id) => self.update(|s| {
                s.insert(id);
            }),
            Change::Unsubscribe(id) => self.update(|s| {
                s.remove(&id);
            }),
            Change::DropSubscriptions => self.update(Subscribers::clear),
        }
    }

    fn update(&self, change: impl FnOnce(&mut Subscribers)) {
        let mut subscribers = self.lock();
        change(&mut subscribers);
        self.subscribed.store(subscribers.len(), Ordering::Release);
    }
}

impl GroupMember for Membership {
    fn member_id(&self) -> u64 {
        self.session_id
    }

    fn prefetch(&self) {
        prefetch(&self.out);
    }

    fn deliver(&self, _group: &str, push: &Push) {
        let plain = self.plain.load(Ordering::Acquire);
        // A plain member (the usual large fan-out) takes no lock.
        let subscribers = (self.subscribed.load(Ordering::Acquire) > 0).then(|| self.lock());
        let subscribers = subscribers.as_deref();
        if self.dialect == Dialect::Dcrf {
            // The common case, and the hot one in a large fan-out: the envelope is encoded
            // once per push; each target only adds its request id.
            let prefix = push.shared_dcrf_prefix();
            let plain = plain.then_some("null");
            let ids = subscribers.into_iter().flat_map(Subscribers::texts);
            for id in ids.chain(plain) {
                let frame = if id == "null" && self.stream_prefix.is_none() {
                    // A plain member: the same bytes as every other one.
                    Frame::Shared(push.plain_frame().clone())
                } else {
                    Frame::Push {
                        stream: self.stream_prefix.clone(),
                        prefix: prefix.clone(),
                        id: IdText::new(id),
                    }
                };
                if !self.out.send_push(frame) {
                    return;
                }
            }
            return;
        }
        let plain = plain.then(RequestId::none);
        let action: Arc<str> = Arc::from(push.action.as_str());
        let ids = subscribers.into_iter().flat_map(|s| s.ids.iter());
        for request_id in ids.chain(plain.as_ref()) {
            let reply = Reply::ok(
                Some(action.clone()),
                request_id.clone(),
                push.status,
                push.data.clone(),
            );
            if !self.out.send_push(Frame::Text(
                reply.encode(self.dialect, self.stream.as_deref()),
            )) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: usize) -> RequestId {
        RequestId::from_json(&n.to_string()).expect("a number")
    }

    #[test]
    fn subscribing_writes_only_the_new_id_however_many_are_held() {
        let mut subscribers = Subscribers::default();
        for n in 0..10_000 {
            let before = subscribers.written;
            assert!(subscribers.insert(id(n)));
            assert_eq!(subscribers.written - before, 1, "subscribe number {n}");
        }
        // Subscribing again is a set lookup and writes nothing.
        let before = subscribers.written;
        assert!(!subscribers.insert(id(5)));
        assert_eq!(subscribers.written, before);
        let texts: Vec<&str> = subscribers.texts().collect();
        assert_eq!(texts.len(), 10_000);
        assert_eq!((texts[0], texts[9_999]), ("0", "9999"));
        // Ending one keeps the order of the rest.
        assert!(subscribers.remove(&id(0)));
        assert!(!subscribers.contains(&id(0)));
        assert_eq!(subscribers.texts().next(), Some("1"));
        assert_eq!(subscribers.len(), 9_999);
    }
}
