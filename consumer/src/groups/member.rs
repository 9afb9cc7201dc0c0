//! The receiving side of a group: what a member is, and the loop that hands a push to every
//! member of a group, keeping the cache misses of thousands of cold members overlapped.

use super::push::Push;
use std::sync::Arc;

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

/// A group's members at one moment, shared by the sends until the membership changes.
pub(super) type MemberList = Arc<[Arc<dyn GroupMember>]>;

/// Delivers `push` to each of `members`.
pub(super) fn deliver_to(members: &MemberList, group: &str, push: &Push) {
    for (i, member) in members.iter().enumerate() {
        if let Some(ahead) = members.get(i + PREFETCH_DISTANCE) {
            prefetch(ahead);
        }
        if let Some(ahead) = members.get(i + PREFETCH_DISTANCE / 2) {
            ahead.prefetch();
        }
        member.deliver(group, push);
    }
}
