//! Per-connection state: [`Limits`] and [`Metrics`], the outbound queue a connection's frames
//! wait in, each consumer instance's session (groups, subscriptions, detached tasks), and
//! [`Ctx`], the handler's view of it.

mod ctx;
mod limits;
mod membership;
mod outbound;
mod state;

pub(crate) use ctx::Routing;
pub use ctx::{decode_action_args, Ctx};
pub(crate) use limits::{sweep_outbound_budget, Counted};
pub use limits::{Limits, Metrics};
pub(crate) use outbound::{CloseReason, Frame, Outbound};
pub(crate) use state::{ConnectionParts, Session};
