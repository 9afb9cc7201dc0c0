//! A session's membership of a group: who on the session a group's push is for (plain
//! membership, subscribing request ids), and how each push becomes frames on its queue.

use super::outbound::{Frame, IdText, Outbound};
use crate::dialect::Dialect;
use crate::groups::{prefetch, GroupMember, Push};
use crate::protocol::{Reply, RequestId};
use std::sync::Arc;

/// Who a group's push is for on one session: plain membership and subscribing request ids.
#[derive(Default, Clone)]
pub(crate) struct Targets {
    pub(crate) plain: bool,
    pub(crate) request_ids: Vec<RequestId>,
    /// The JSON text of every subscribing request id, each after its length (a `usize`, native
    /// order): what a push appends, in one allocation instead of a pointer per id to chase.
    /// Empty (nothing to fetch) for a plain member.
    pub(crate) ids_text: Vec<u8>,
}

impl Targets {
    /// What the targets count against `Limits::max_groups_per_consumer`: the plain
    /// membership and each subscribing request id.
    pub(crate) fn count(&self) -> usize {
        usize::from(self.plain) + self.request_ids.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        !self.plain && self.request_ids.is_empty()
    }

    pub(crate) fn refresh(&mut self) {
        self.ids_text.clear();
        for id in &self.request_ids {
            let text = id.as_json().as_bytes();
            self.ids_text.extend_from_slice(&text.len().to_ne_bytes());
            self.ids_text.extend_from_slice(text);
        }
    }

    /// The JSON text of each target's request id.
    fn ids(&self) -> impl Iterator<Item = &str> {
        let mut rest = self.ids_text.as_slice();
        std::iter::from_fn(move || {
            let (len, tail) = rest.split_first_chunk::<{ std::mem::size_of::<usize>() }>()?;
            let (id, tail) = tail.split_at_checked(usize::from_ne_bytes(*len))?;
            rest = tail;
            // Written from `&str`s by `refresh`.
            std::str::from_utf8(id).ok()
        })
    }
}

/// One session's membership of one group, as the channel layer holds it: a push to the group
/// comes straight here, with no lookup by group name, and goes out once per target. It never
/// changes (so a push reads it without a lock): a change of targets puts a new one in the
/// layer in its place.
pub(crate) struct Membership {
    pub(crate) session_id: u64,
    pub(crate) out: Arc<Outbound>,
    pub(crate) dialect: Dialect,
    pub(crate) stream: Option<Arc<str>>,
    /// `{"stream":"<name>","payload":` behind the multiplexer.
    pub(crate) stream_prefix: Option<Arc<str>>,
    pub(crate) targets: Targets,
}

impl GroupMember for Membership {
    fn member_id(&self) -> u64 {
        self.session_id
    }

    fn prefetch(&self) {
        prefetch(&self.out);
        if let Some(first) = self.targets.ids_text.first() {
            std::hint::black_box(*first);
        }
    }

    fn deliver(&self, _group: &str, push: &Push) {
        let targets = &self.targets;
        if self.dialect == Dialect::Dcrf {
            // The common case, and the hot one in a large fan-out: the envelope is encoded
            // once per push; each target only adds its request id.
            let prefix = push.shared_dcrf_prefix();
            let plain = targets.plain.then_some("null");
            for id in targets.ids().chain(plain) {
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
        let plain = targets.plain.then(RequestId::none);
        let action: Arc<str> = Arc::from(push.action.as_str());
        for request_id in targets.request_ids.iter().chain(plain.as_ref()) {
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
