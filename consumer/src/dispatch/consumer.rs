//! The type-erased consumer that dispatch drives. `consumer!` implements it for `Name<H>`
//! whenever `H` implements the generated handler trait.

use crate::auth::Permissions;
use crate::contract::ActionInfo;
use crate::dialect::Dialect;
use crate::error::ActionError;
use crate::protocol::{Content, Data};
use crate::session::Ctx;
pub use futures_util::future::BoxFuture;
use serde_json::Value;
use std::sync::Arc;

/// A started action: resolves to the reply's encoded `data`.
pub type ActionFuture = BoxFuture<'static, Result<Data, ActionError>>;

/// An action found for a message and started: what the connection awaits (inline or
/// detached) and turns into the reply.
pub struct Started {
    /// Runs detached: later messages are served while it runs.
    pub detached: bool,
    run: Run,
}

/// What a started action resolves to: encoded `data`, with the status the action declared or
/// with its own.
enum Run {
    Declared(u16, ActionFuture),
    WithStatus(BoxFuture<'static, Result<(u16, Data), ActionError>>),
}

impl std::fmt::Debug for Started {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Started")
            .field("detached", &self.detached)
            .finish_non_exhaustive()
    }
}

impl Started {
    /// Starts a declared action: its reply carries the declared status.
    pub fn declared(info: ActionInfo, future: ActionFuture) -> Self {
        Started {
            detached: info.detached,
            run: Run::Declared(info.status, future),
        }
    }

    /// Starts an action that answers with a status of its own (a wrapped HTTP view).
    pub fn with_status(
        detached: bool,
        future: BoxFuture<'static, Result<(u16, Data), ActionError>>,
    ) -> Self {
        Started {
            detached,
            run: Run::WithStatus(future),
        }
    }

    /// The action's outcome: the reply's status and encoded `data`.
    pub(crate) fn into_future(self) -> Outcome {
        Outcome(self.run)
    }
}

/// A started action's outcome, awaited.
pub(crate) struct Outcome(Run);

impl std::future::Future for Outcome {
    type Output = Result<(u16, Data), ActionError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        match &mut self.0 {
            Run::Declared(status, future) => {
                let status = *status;
                future.as_mut().poll(cx).map(|data| Ok((status, data?)))
            }
            Run::WithStatus(future) => future.as_mut().poll(cx),
        }
    }
}

/// How a consumer resolved a message to an action: at once (a declared action), or after
/// awaiting something (a router).
pub enum Resolution {
    /// Resolved at once.
    Ready(Result<Started, ActionError>),
    /// Resolves when awaited.
    Pending(BoxFuture<'static, Result<Started, ActionError>>),
}

impl Resolution {
    /// The started action, awaiting it if need be.
    pub async fn started(self) -> Result<Started, ActionError> {
        match self {
            Resolution::Ready(started) => started,
            Resolution::Pending(future) => future.await,
        }
    }
}

impl std::fmt::Debug for Resolution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Resolution::Ready(started) => f.debug_tuple("Ready").field(started).finish(),
            Resolution::Pending(_) => f.write_str("Pending"),
        }
    }
}

/// A consumer as the connection sees it. You do not implement this by hand: `consumer!`
/// does, for `YourConsumer<H>` where `H` implements the generated handler trait.
pub trait Consumer: Send + Sync + 'static {
    /// The contract's name.
    fn name(&self) -> &'static str;
    /// The declared actions.
    fn actions(&self) -> &'static [ActionInfo];
    /// The envelope dialect.
    fn dialect(&self) -> Dialect;
    /// The permission checked at the handshake and before every action.
    fn permissions(&self) -> Permissions;
    /// Takes the action name out of a message (DCRF's `get_action_name`); `None` when absent.
    fn action_name(&self, content: &mut Content<'_>) -> Option<Value>;
    /// Starts `action` with `args`; `None` when the consumer has no such action. The
    /// arguments are decoded here, while they still borrow the frame.
    fn start(self: Arc<Self>, ctx: Ctx, action: &str, args: Content<'_>) -> Option<ActionFuture>;
    /// Finds and starts the action for a message, once the permission allowed it. The
    /// default looks `action` up in [`Consumer::actions`] and calls [`Consumer::start`]; an
    /// unknown action is a 405. Routed consumers ([`crate::RoutedConsumer`]) and wrapped
    /// views ([`crate::ViewConsumer`]) override it.
    fn resolve(self: Arc<Self>, ctx: Ctx, action: &str, args: Content<'_>) -> Resolution {
        let actions = self.actions();
        let info = actions.iter().find(|a| a.name == action).copied();
        let started = info.and_then(|info| {
            let ends_subscription = actions
                .iter()
                .any(|a| a.is_subscription() && a.unsubscribe == Some(info.name));
            let mut ctx = ctx;
            ctx.declare(info, ends_subscription);
            self.start(ctx, action, args)
                .map(|future| Started::declared(info, future))
        });
        Resolution::Ready(started.ok_or_else(|| ActionError::MethodNotAllowed(action.to_owned())))
    }
    /// True for a consumer that routes the rest of a route further (a
    /// [`crate::RoutedConsumer`]): a pattern leading to it matches a route's start; a pattern
    /// leading to any other consumer must match the whole path, as Django's `path()` does.
    fn routes_further(&self) -> bool {
        false
    }
    /// Runs after the socket is accepted; an error closes it.
    fn on_connect(self: Arc<Self>, ctx: Ctx) -> BoxFuture<'static, Result<(), ActionError>>;
    /// Runs after the socket is gone, once detached tasks are cancelled and groups left.
    fn on_disconnect(self: Arc<Self>, ctx: Ctx) -> BoxFuture<'static, ()>;
}

/// A consumer behind `dyn` shows as its contract's name.
impl std::fmt::Debug for dyn Consumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Consumer").field(&self.name()).finish()
    }
}

/// DCRF's default `get_action_name`: removes and returns the `action` key.
pub fn default_action_name(content: &mut Content<'_>) -> Option<Value> {
    content.remove("action")
}
