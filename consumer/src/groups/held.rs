//! Deliveries held while a connection's task serves its frames, so a publisher's reply is
//! written before its fan-out starts.
//!
//! Delivering a push to a group queues a frame on every member and wakes every member's task.
//! Done inside the publishing action, the wakes of a large group all come before the
//! publisher's own reply is written, so the reply waits for thousands of other tasks and its
//! time grows with the group. Held instead, the deliveries made while a connection's task is
//! polled are made at the end of that poll, after the task's writer has run (written what the
//! socket took): the reply's time no longer depends on who receives the pushes, and the
//! members get them one poll later (no wait beyond the rest of that poll). One poll's
//! deliveries are made in the order they were sent, against the members the group had when
//! each was sent. What other tasks send meanwhile (detached actions, another connection's
//! commit, a networked layer's subscriber) is delivered at once, so a push sent later from
//! another task can reach a member first: as in Django Channels, there is no order between
//! senders, and a pipelining client's frames served in one poll widen that window to the poll.

use super::member::{deliver_to, MemberList};
use super::push::Push;
use std::cell::RefCell;

thread_local! {
    /// The deliveries held on this thread (`None`: none is being held, deliver at once).
    static HELD: RefCell<Option<Vec<Held>>> = const { RefCell::new(None) };
}

/// One delivery waiting for the end of the poll.
struct Held {
    members: MemberList,
    group: Box<str>,
    push: Push,
}

/// While this lives, the group deliveries made on this thread are held; they are made when it
/// is dropped. Created around one synchronous poll of a connection's task, so nothing awaits
/// while it lives. An inner one (a poll inside a poll, which a runtime does not do) leaves
/// the holding to the outer one.
pub(crate) struct HoldDeliveries {
    outermost: bool,
}

impl HoldDeliveries {
    /// Starts holding this thread's deliveries.
    pub(crate) fn start() -> HoldDeliveries {
        let outermost = HELD.with(|held| {
            let mut held = held.borrow_mut();
            if held.is_some() {
                false
            } else {
                *held = Some(Vec::new());
                true
            }
        });
        HoldDeliveries { outermost }
    }
}

impl Drop for HoldDeliveries {
    /// Makes the held deliveries, in order. The holding ends first, so a delivery that sends
    /// again (a member of user code) delivers at once. Also while unwinding: what was accepted
    /// for sending is sent. A member that panics (a [`GroupMember`](super::GroupMember) of user
    /// code) is logged and the other deliveries go on: the panic neither ends the connection
    /// whose poll sent the push nor, while unwinding already, aborts the process.
    fn drop(&mut self) {
        if !self.outermost {
            return;
        }
        let held = HELD.with(|held| held.borrow_mut().take());
        for Held {
            members,
            group,
            push,
        } in held.into_iter().flatten()
        {
            let delivered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                deliver_to(&members, &group, &push)
            }));
            if delivered.is_err() {
                tracing::error!(group = %group, "a group member panicked while a push was delivered");
            }
        }
    }
}

/// Holds the delivery of `push` to `members` if this thread holds deliveries; false (and
/// nothing done) otherwise.
pub(super) fn hold(members: &MemberList, group: &str, push: &Push) -> bool {
    HELD.with(|held| match held.borrow_mut().as_mut() {
        Some(held) => {
            held.push(Held {
                members: members.clone(),
                group: group.into(),
                push: push.clone(),
            });
            true
        }
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::{GroupMember, LocalGroups};
    use std::sync::{Arc, Mutex};

    type Log = Arc<Mutex<Vec<(u64, String)>>>;

    /// A member that logs what reaches it.
    struct Recorder {
        id: u64,
        log: Log,
    }

    impl GroupMember for Recorder {
        fn member_id(&self) -> u64 {
            self.id
        }
        fn deliver(&self, group: &str, push: &Push) {
            let entry = format!("{group}:{}", push.data.get());
            self.log.lock().unwrap().push((self.id, entry));
        }
    }

    fn member(id: u64, log: &Log) -> Arc<dyn GroupMember> {
        Arc::new(Recorder {
            id,
            log: log.clone(),
        })
    }

    /// What reached member `id`, in order.
    fn reached(log: &Log, id: u64) -> Vec<String> {
        let log = log.lock().unwrap();
        log.iter()
            .filter(|(member, _)| *member == id)
            .map(|(_, entry)| entry.clone())
            .collect()
    }

    #[test]
    fn held_deliveries_are_made_in_order_to_the_members_of_when_they_were_sent() {
        let log = Log::default();
        let groups = LocalGroups::default();
        groups.add("x", member(1, &log));
        groups.add("x", member(2, &log));
        groups.add("y", member(2, &log));
        let push = |n: u32| Push::new("message", &n).unwrap();

        // Not held: at once.
        assert_eq!(groups.deliver("x", &push(0)), 2);
        assert_eq!(reached(&log, 1), ["x:0"]);

        let hold = HoldDeliveries::start();
        assert_eq!(
            groups.deliver("x", &push(1)),
            2,
            "the count is known at once"
        );
        assert_eq!(groups.deliver("y", &push(2)), 1);
        // Member 3 joins after those sends and member 1 leaves: neither changes who they reach.
        groups.add("x", member(3, &log));
        groups.discard("x", 1);
        assert_eq!(groups.deliver("x", &push(3)), 2);
        assert_eq!(log.lock().unwrap().len(), 2, "nothing delivered while held");
        drop(hold);

        assert_eq!(reached(&log, 1), ["x:0", "x:1"]);
        assert_eq!(reached(&log, 2), ["x:0", "x:1", "y:2", "x:3"]);
        assert_eq!(reached(&log, 3), ["x:3"]);
        // The hold has ended: at once again.
        groups.deliver("y", &push(4));
        assert_eq!(reached(&log, 2).last().map(String::as_str), Some("y:4"));
    }

    /// A member whose delivery panics.
    struct Exploding;

    impl GroupMember for Exploding {
        fn member_id(&self) -> u64 {
            99
        }
        fn deliver(&self, _: &str, _: &Push) {
            panic!("a member of user code panicked");
        }
    }

    #[test]
    fn a_member_that_panics_does_not_stop_the_other_held_deliveries() {
        let log = Log::default();
        let groups = LocalGroups::default();
        groups.add("bad", Arc::new(Exploding));
        groups.add("x", member(1, &log));
        let hold = HoldDeliveries::start();
        groups.deliver("bad", &Push::new("message", &1).unwrap());
        groups.deliver("x", &Push::new("message", &2).unwrap());
        drop(hold);
        assert_eq!(reached(&log, 1), ["x:2"]);
    }

    #[test]
    fn an_inner_hold_leaves_the_holding_to_the_outer_one() {
        let log = Log::default();
        let groups = LocalGroups::default();
        groups.add("x", member(1, &log));
        let outer = HoldDeliveries::start();
        {
            let _inner = HoldDeliveries::start();
            groups.deliver("x", &Push::new("message", &1).unwrap());
        }
        assert!(reached(&log, 1).is_empty(), "still held by the outer hold");
        drop(outer);
        assert_eq!(reached(&log, 1), ["x:1"]);
    }
}
