//! [`Ctx`]: what a handler knows about the message it serves and the connection it came
//! from, and what it can do there (reply again, join groups, subscribe, push).
//!
//! A subscription's pushes must carry its request's `request_id` (that is how a typed client
//! routes them to the subscription). So in an action that declares a subscription
//! (`#[pushes(...)]` + `#[unsubscribe(...)]`), what the handler sets up is addressed to its
//! request whichever call it uses: [`Ctx::add_group`] subscribes the request id as
//! [`Ctx::subscribe`] does, [`Ctx::push`] carries it, and [`Ctx::remove_group`] there or in
//! the action named by `#[unsubscribe]` also ends that request id's subscription.

use super::membership::Change;
use super::state::Session;
use crate::auth::{Scope, User};
use crate::contract::{self, ActionInfo};
use crate::error::ActionError;
use crate::groups::{ChannelLayer, Push};
use crate::protocol::{encode_data, Content, Reply, RequestId};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;

use std::sync::Arc;

/// What a handler knows about the message it serves and the connection it came from.
/// Cheap to clone; detached tasks keep one.
#[derive(Clone)]
pub struct Ctx {
    session: Arc<Session>,
    action: Option<Arc<str>>,
    request_id: RequestId,
    route: Option<Arc<str>>,
    routing: Option<Routing>,
    declared: Option<Declared>,
}

/// What the consumer declares about the action being served.
#[derive(Clone, Copy, Debug)]
struct Declared {
    /// Its `consumer!` declaration.
    info: ActionInfo,
    /// Another action names it in `#[unsubscribe(...)]`: it ends a subscription.
    ends_subscription: bool,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("path", &self.session.scope.path)
            .field("stream", &self.session.stream)
            .field("action", &self.action)
            .field("request_id", &self.request_id)
            .field("route", &self.route)
            .field("declared", &self.declared)
            .finish_non_exhaustive()
    }
}

/// Where routing stands for one message of an RFC consumer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Routing {
    /// The part of the route's path the routers above have not matched yet.
    pub(crate) rest: Arc<str>,
    /// Argument names that came from the route (parameters and query string) as text, to be
    /// read as their declared types.
    pub(crate) text_args: Arc<[String]>,
}

impl Ctx {
    /// The context of a message (`action` is `None` in `on_connect` and `on_disconnect`).
    pub(crate) fn new(
        session: Arc<Session>,
        action: Option<Arc<str>>,
        request_id: RequestId,
        route: Option<Arc<str>>,
    ) -> Ctx {
        Ctx {
            session,
            action,
            request_id,
            route,
            routing: None,
            declared: None,
        }
    }

    /// Records what the consumer declares about the action this context serves (dispatch
    /// does, once the action is found): `ends_subscription` when another action names it in
    /// `#[unsubscribe(...)]`.
    pub(crate) fn declare(&mut self, info: ActionInfo, ends_subscription: bool) {
        self.declared = Some(Declared {
            info,
            ends_subscription,
        });
    }

    /// True when the action being served declares a subscription (`#[pushes(...)]` and
    /// `#[unsubscribe(...)]`): its pushes carry this request's `request_id`.
    pub fn is_subscription(&self) -> bool {
        self.declared.is_some_and(|d| d.info.is_subscription())
    }

    /// In a subscription with a request id, what the action joins is addressed to it.
    fn addresses_request(&self) -> bool {
        self.is_subscription() && !self.request_id.is_none()
    }

    /// The connection's scope: path, query, headers, user.
    pub fn scope(&self) -> &Scope {
        &self.session.scope
    }

    /// The authenticated user, if any.
    pub fn user(&self) -> Option<&User> {
        self.session.scope.user.as_ref()
    }

    /// The `request_id` of the message being served (`null` when it had none).
    pub fn request_id(&self) -> &RequestId {
        &self.request_id
    }

    /// The RFC dialect's `route` of the message being served, as the client sent it (`None`
    /// in the DCRF dialect).
    pub fn route(&self) -> Option<&str> {
        self.route.as_deref()
    }

    pub(crate) fn routing(&self) -> Option<&Routing> {
        self.routing.as_ref()
    }

    pub(crate) fn set_routing(&mut self, routing: Routing) {
        self.routing = Some(routing);
    }

    /// The action being served (`None` in `on_connect`/`on_disconnect`).
    pub fn action(&self) -> Option<&str> {
        self.action.as_deref()
    }

    /// The multiplexer stream this consumer serves, if any.
    pub fn stream(&self) -> Option<&str> {
        self.session.stream.as_deref()
    }

    /// The channel layer, for sending to groups from anywhere.
    pub fn layer(&self) -> &Arc<dyn ChannelLayer> {
        &self.session.layer
    }

    /// Joins `group`: its pushes reach this socket with `request_id: null`, the same bytes
    /// for every plain member (Channels' `group_add`).
    ///
    /// In an action that declares a subscription (`#[pushes(...)]` + `#[unsubscribe(...)]`)
    /// this subscribes the request id instead, as [`Ctx::subscribe`] does, so the pushes reach
    /// the subscription a typed client holds. For plain membership there, declare the action
    /// with `#[pushes(...)]` alone.
    pub async fn add_group(&self, group: &str) -> crate::error::Result<()> {
        if self.addresses_request() {
            return self.subscribe(group).await;
        }
        self.session.update_membership(group, Change::Join).await
    }

    /// Leaves `group` (subscriptions to it made with [`Ctx::subscribe`] stay). In an action
    /// that declares a subscription, or that another action names in `#[unsubscribe(...)]`,
    /// this request id's subscription to `group` ends too.
    pub async fn remove_group(&self, group: &str) -> crate::error::Result<()> {
        let ends = self
            .declared
            .is_some_and(|d| d.info.is_subscription() || d.ends_subscription);
        let request_id = ends.then(|| self.request_id.clone());
        self.session
            .update_membership(group, Change::Leave(request_id))
            .await
    }

    /// Subscribes this message's `request_id` to `group`: each push to the group reaches this
    /// socket once per subscribing request id, carrying that id (DCRF's observer
    /// `subscribe(request_id=...)`). A message without `request_id` gets a 400.
    pub async fn subscribe(&self, group: &str) -> crate::error::Result<()> {
        if self.request_id.is_none() {
            return Err(ActionError::RequestIdRequired);
        }
        let request_id = self.request_id.clone();
        self.session
            .update_membership(group, Change::Subscribe(request_id))
            .await
    }

    /// Removes this message's `request_id` from `group`.
    pub async fn unsubscribe(&self, group: &str) -> crate::error::Result<()> {
        let request_id = self.request_id.clone();
        self.session
            .update_membership(group, Change::Unsubscribe(request_id))
            .await
    }

    /// Removes every subscription of this session to `group`, whatever its request id
    /// (DCRF's `unsubscribe_instance` sent without a request id); a plain membership stays.
    pub async fn drop_subscriptions(&self, group: &str) -> crate::error::Result<()> {
        self.session
            .update_membership(group, Change::DropSubscriptions)
            .await
    }

    /// Removes this message's `request_id` from every group of this session (DCRF's
    /// `unsubscribe_instance` with a request id); unknown ids are ignored.
    pub async fn unsubscribe_all(&self) -> crate::error::Result<()> {
        let groups: Vec<String> = self
            .session
            .lock_groups()
            .iter()
            .filter(|(_, m)| m.has_subscriber(&self.request_id))
            .map(|(g, _)| g.clone())
            .collect();
        for group in groups {
            self.unsubscribe(&group).await?;
        }
        Ok(())
    }

    /// The groups this session is in, sorted.
    pub fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = self.session.lock_groups().keys().cloned().collect();
        groups.sort();
        groups
    }

    /// Sends `push` to every member of `group`, in this process or (with a networked layer)
    /// any other.
    pub async fn group_send(&self, group: &str, push: Push) -> crate::error::Result<()> {
        Ok(self.session.layer.group_send(group, push).await?)
    }

    /// Sends a push to this socket only, with `request_id: null`; in an action that declares
    /// a subscription, with this request's id (so the subscription receives it).
    pub fn push(&self, push: &Push) {
        let request_id = if self.addresses_request() {
            self.request_id.clone()
        } else {
            RequestId::none()
        };
        let reply = Reply::ok(
            Some(Arc::from(push.action.as_str())),
            request_id,
            push.status,
            push.data.clone(),
        );
        self.session.send_reply(&reply);
    }

    /// Sends one more reply to the message being served, with its `action` and `request_id`
    /// (streamed lists send one per page). Returns false once the socket is closing.
    pub fn reply<T: Serialize + ?Sized>(
        &self,
        status: u16,
        data: &T,
    ) -> crate::error::Result<bool> {
        let data = encode_data(data)?;
        Ok(self.session.send_reply(
            &Reply::ok(self.action.clone(), self.request_id.clone(), status, data)
                .with_route(self.route.clone()),
        ))
    }

    /// A counter per `key` on this consumer instance, for cancelling work: a long task reads
    /// it when it starts and stops once it changes (see [`Ctx::next_generation`]).
    pub fn generation(&self, key: &str) -> u64 {
        self.session.generation(key)
    }

    /// Advances the counter of `key`, telling the tasks that read the old value to stop.
    pub fn next_generation(&self, key: &str) -> u64 {
        self.session.next_generation(key)
    }

    /// The connection's process-unique id, the same for every consumer on it (behind a
    /// multiplexer too); it is the `id` field of the connection's tracing span.
    pub fn connection_id(&self) -> u64 {
        self.session.connection_id
    }

    /// This consumer instance's value of type `T`, if one was set: what DCRF keeps on
    /// `self`. It lives from `on_connect` to `on_disconnect`; each consumer on a connection
    /// (each stream of a multiplexer) has its own.
    ///
    /// ```
    /// # chanrest::consumer! { pub consumer Chat: ChatHandler {
    /// #     action join(JoinArgs { name: String }) -> ();
    /// #     action hello() -> String;
    /// # } }
    /// /// The name this connection joined with.
    /// struct Name(String);
    ///
    /// struct Api;
    /// impl ChatHandler for Api {
    ///     async fn join(&self, ctx: &chanrest::Ctx, args: JoinArgs) -> chanrest::Result<()> {
    ///         ctx.set_state(Name(args.name));
    ///         Ok(())
    ///     }
    ///     async fn hello(&self, ctx: &chanrest::Ctx, _: chanrest::NoArgs) -> chanrest::Result<String> {
    ///         let name = ctx.state::<Name>().ok_or(chanrest::ActionError::PermissionDenied)?;
    ///         Ok(format!("hello, {}", name.0))
    ///     }
    /// }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let app = chanrest::App::new().consumer("/ws/chat/", Chat(Api));
    /// let mut conn = app.connect_local("/ws/chat/", chanrest::Scope::default()).await.unwrap();
    /// conn.send(r#"{"action": "join", "request_id": 1, "name": "ada"}"#).await;
    /// conn.send(r#"{"action": "hello", "request_id": 2}"#).await;
    /// assert_eq!(conn.recv_json().await.unwrap()["response_status"], 200);
    /// assert_eq!(conn.recv_json().await.unwrap()["data"], "hello, ada");
    /// # }
    /// ```
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.session.state()
    }

    /// Sets this consumer instance's value of type `T` (see [`Ctx::state`]); returns the
    /// value it replaces. For a value that changes, store a `Mutex` or an atomic.
    pub fn set_state<T: Send + Sync + 'static>(&self, value: T) -> Option<Arc<T>> {
        self.session.set_state(value)
    }

    /// This consumer instance's value of type `T`, made with `make` on first use.
    pub fn state_or_insert_with<T: Send + Sync + 'static>(
        &self,
        make: impl FnOnce() -> T,
    ) -> Arc<T> {
        self.session.state_or_insert_with(make)
    }

    /// Removes this consumer instance's value of type `T` and returns it.
    pub fn take_state<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.session.take_state()
    }

    /// True once the connection is closing; long detached work can stop early.
    pub fn is_closing(&self) -> bool {
        self.session.out.is_closing()
    }
}

/// Decodes an action's arguments for the message `ctx` serves (what `consumer!`'s dispatch
/// calls), with DRF's errors: straight from the frame's text where that reads the same, else
/// from the map; arguments that came as text from a route are read as the types `T` declares.
pub fn decode_action_args<T: DeserializeOwned + JsonSchema>(
    ctx: &Ctx,
    args: Content<'_>,
) -> Result<T, ActionError> {
    let text_args = ctx.routing.as_ref().map_or(&[][..], |r| &r.text_args[..]);
    if text_args.is_empty() {
        if let Some(decoded) = contract::decode_from_text(&args) {
            return Ok(decoded);
        }
    }
    contract::decode_args_with_text(text_args, args.into_map())
}
