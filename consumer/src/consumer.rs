//! The type-erased consumer that the connection drives. `consumer!` implements it for
//! `Name<H>` whenever `H` implements the generated handler trait.

use crate::connection::Ctx;
use crate::envelope::Dialect;
use crate::error::ActionError;
use crate::manifest::ActionInfo;
use crate::permission::Permissions;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A started action: resolves to the reply's encoded `data`.
pub type ActionFuture = BoxFuture<'static, Result<Arc<RawValue>, ActionError>>;

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
    fn action_name(&self, content: &mut Map<String, Value>) -> Option<Value>;
    /// Starts `action` with `args`; `None` when the consumer has no such action.
    fn start(
        self: Arc<Self>,
        ctx: Ctx,
        action: &str,
        args: Map<String, Value>,
    ) -> Option<ActionFuture>;
    /// Runs after the socket is accepted; an error closes it.
    fn on_connect(self: Arc<Self>, ctx: Ctx) -> BoxFuture<'static, Result<(), ActionError>>;
    /// Runs after the socket is gone, once detached tasks are cancelled and groups left.
    fn on_disconnect(self: Arc<Self>, ctx: Ctx) -> BoxFuture<'static, ()>;
}

/// DCRF's default `get_action_name`: removes and returns the `action` key.
pub fn default_action_name(content: &mut Map<String, Value>) -> Option<Value> {
    content.remove("action")
}
