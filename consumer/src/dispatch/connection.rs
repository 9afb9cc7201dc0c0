//! One connection's messages, with no socket: the consumer instances of a connection (one, or
//! one per stream behind the multiplexer), and each frame's text decoded, routed to its
//! session, checked, handed to its handler (inline or detached) and answered on the
//! connection's outbound queue. The socket loop (`hosting`) and the in-process connection
//! ([`crate::LocalConnection`]) both drive it, so what a client is answered is the same on
//! both; only when a group send reaches the other members differs (a socket's task holds it
//! until its writer has run, see `groups::HoldDeliveries`).

use super::consumer::{Consumer, Outcome, Resolution};
use super::endpoint::{Endpoint, Mount};
use crate::auth::{Permissions, Scope};
use crate::error::ActionError;
use crate::groups::ChannelLayer;
use crate::protocol::{self, close_code, BadFrame, Content, Reply, Request, RequestId};
use crate::session::{ConnectionParts, Ctx, Limits, Metrics, Outbound, Session};
use serde_json::Value;
use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use tracing::Instrument;

/// Everything a connection needs from the server.
pub(crate) struct ConnectionSetup {
    pub(crate) endpoint: Arc<Endpoint>,
    pub(crate) scope: Arc<Scope>,
    pub(crate) layer: Arc<dyn ChannelLayer>,
    pub(crate) limits: Arc<Limits>,
    pub(crate) metrics: Arc<Metrics>,
}

/// A consumer instance on a connection: the consumer, its permission, and its session.
struct Bound {
    consumer: Arc<dyn Consumer>,
    permissions: Permissions,
    session: Arc<Session>,
}

impl Bound {
    fn ctx(&self) -> Ctx {
        Ctx::new(self.session.clone(), None, RequestId::none(), None)
    }
}

/// The consumer instances of one connection and the queue their frames go to.
pub(crate) struct Connection {
    id: u64,
    metrics: Arc<Metrics>,
    /// The one consumer of a plain endpoint.
    single: Option<Bound>,
    /// The consumers behind a multiplexer, by stream.
    streams: Vec<(Arc<str>, Bound)>,
    out: Arc<Outbound>,
    limits: Arc<Limits>,
}

impl Connection {
    /// The sessions of `setup.endpoint`, queueing on `out`; nothing runs yet.
    pub(crate) fn open(setup: &ConnectionSetup, out: Arc<Outbound>) -> Connection {
        let parts = ConnectionParts::new(setup.scope.clone(), out.clone(), setup.layer.clone());
        let bind = |mount: &Mount, stream: Option<Arc<str>>| Bound {
            consumer: mount.consumer.clone(),
            permissions: mount.permissions.clone(),
            session: Arc::new(Session::new(
                mount.consumer.dialect(),
                stream,
                &parts,
                &setup.limits,
                &setup.metrics,
            )),
        };
        let (single, streams) = match &*setup.endpoint {
            Endpoint::Consumer(mount) => (Some(bind(mount, None)), Vec::new()),
            Endpoint::Multiplexer(mounts) => (
                None,
                mounts
                    .iter()
                    .map(|(name, mount)| (name.clone(), bind(mount, Some(name.clone()))))
                    .collect(),
            ),
        };
        Connection {
            id: parts.id,
            metrics: setup.metrics.clone(),
            single,
            streams,
            out,
            limits: setup.limits.clone(),
        }
    }

    /// The connection's process-unique id (`Ctx::connection_id`).
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The connection's outbound queue.
    pub(crate) fn out(&self) -> &Arc<Outbound> {
        &self.out
    }

    fn bound(&self) -> impl Iterator<Item = &Bound> {
        self.single
            .iter()
            .chain(self.streams.iter().map(|(_, bound)| bound))
    }

    /// Runs every consumer's `on_connect`. On a refusal (or a hook that takes longer than
    /// `Limits::hook_timeout`) the connection is closed (1008, or 1011) and false returned.
    pub(crate) async fn connect(&self) -> bool {
        for bound in self.bound() {
            let connecting = CatchUnwind(bound.consumer.clone().on_connect(bound.ctx()));
            let Ok(result) = tokio::time::timeout(self.limits.hook_timeout, connecting).await
            else {
                tracing::warn!("on_connect took too long, closing");
                self.out
                    .close(close_code::INTERNAL_ERROR, "on_connect timed out");
                return false;
            };
            let result =
                result.unwrap_or_else(|panic| Err(ActionError::internal(panic_message(&*panic))));
            if let Err(err) = result {
                tracing::info!(%err, "on_connect refused the connection");
                self.out.close(close_code::POLICY, "connection refused");
                return false;
            }
        }
        true
    }

    /// Serves one text frame: decodes it, finds its session, and handles the message there.
    pub(crate) async fn on_text(&self, text: &str) {
        self.metrics.messages_in.fetch_add(1, Ordering::Relaxed);
        if let Some(bound) = &self.single {
            match protocol::decode(text) {
                Ok(envelope) => handle_message(bound, envelope).await,
                Err(bad) => {
                    bound
                        .session
                        .send_reply(&Reply::bad_frame(bound.session.dialect, &bad));
                }
            }
            return;
        }
        let frame = match protocol::decode_mux(text) {
            Ok(frame) => frame,
            Err(bad) => return self.reply_unrouted(&bad, None),
        };
        let name = frame.stream.as_str();
        match name.and_then(|name| self.streams.iter().find(|(s, _)| &**s == name)) {
            Some((_, bound)) => match frame.payload {
                Ok(envelope) => handle_message(bound, envelope).await,
                Err(bad) => {
                    bound
                        .session
                        .send_reply(&Reply::bad_frame(bound.session.dialect, &bad));
                }
            },
            None => {
                let mut bad = BadFrame::new(match name {
                    Some(name) => ActionError::UnknownStream(name.to_owned()),
                    None => ActionError::StreamNotString,
                });
                if let Ok(payload) = &frame.payload {
                    bad.request_id = payload.request_id.clone();
                }
                self.reply_unrouted(&bad, Some(&frame.stream));
            }
        }
    }

    /// Answers a frame that is not text (binary, or empty).
    pub(crate) fn on_non_text(&self) {
        self.metrics.messages_in.fetch_add(1, Ordering::Relaxed);
        self.reply_unrouted(&BadFrame::new(ActionError::NoText), None);
    }

    /// Replies to a frame no session could take. Behind the multiplexer the reply is wrapped
    /// with the stream as sent (or `null`), in the first stream's dialect.
    fn reply_unrouted(&self, bad: &BadFrame, stream: Option<&Value>) {
        if let Some(bound) = &self.single {
            bound
                .session
                .send_reply(&Reply::bad_frame(bound.session.dialect, bad));
            return;
        }
        let Some((_, first)) = self.streams.first() else {
            return;
        };
        let dialect = first.session.dialect;
        let body = Reply::bad_frame(dialect, bad).encode(dialect, None);
        let stream = stream.unwrap_or(&Value::Null);
        self.out.send_text(protocol::wrap_stream(stream, &body));
    }

    /// Lets every session's detached actions finish until `deadline` (a server going away),
    /// cancelling what is left then.
    pub(crate) async fn finish_detached(&self, deadline: tokio::time::Instant) {
        for bound in self.bound() {
            bound.session.finish_detached(deadline).await;
        }
    }

    /// Ends every session: cancels detached tasks, leaves every group, and runs
    /// `on_disconnect` (then leaves any group it joined); finally asks the writer to drain
    /// what is queued and close normally.
    pub(crate) async fn shut_down(self) {
        for bound in self.bound() {
            bound.session.cancel_detached().await;
            bound.session.leave_all_groups().await;
            let disconnecting = CatchUnwind(bound.consumer.clone().on_disconnect(bound.ctx()));
            match tokio::time::timeout(self.limits.hook_timeout, disconnecting).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => tracing::error!("on_disconnect panicked"),
                Err(_) => tracing::warn!("on_disconnect took too long, abandoned"),
            }
            bound.session.leave_all_groups().await;
        }
        let out = self.out.clone();
        drop(self);
        out.close(close_code::NORMAL, "");
    }
}

/// Serves one message on one session.
async fn handle_message(bound: &Bound, envelope: protocol::Envelope<'_>) {
    let session = &bound.session;
    let dialect = session.dialect;
    // Group pushes wait for this message's reply (a detached action's comes later: only its
    // start is waited for).
    let _held = session.out.hold();
    let reply_error = |action: Option<Arc<str>>,
                       request_id: RequestId,
                       route: Option<Arc<str>>,
                       err: &ActionError| {
        if let ActionError::Internal(cause) = err {
            tracing::error!(action = action.as_deref(), error = %cause, "action failed");
        }
        session.send_reply(&Reply::error(dialect, action, request_id, err).with_route(route));
    };
    let Request {
        request_id,
        route,
        route_as_sent: _,
        mut content,
    } = match Request::read(envelope, dialect) {
        Ok(request) => request,
        Err(refused) => {
            let (request, err) = *refused;
            let reply = Reply::error(dialect, None, request.request_id.clone(), &err)
                .with_action_as_sent(request.action_as_sent().cloned())
                .with_route_as_sent(request.route_as_sent.clone());
            session.send_reply(&reply);
            return;
        }
    };
    let action: Arc<str> = match bound.consumer.action_name(&mut content) {
        Some(Value::String(name)) => Arc::from(name),
        // rest-framework-channels answers a message without an action with `route: ""`,
        // whatever route it carried.
        None => return reply_error(None, request_id, None, &ActionError::ActionMissing),
        Some(sent @ (Value::Null | Value::Bool(_) | Value::Number(_))) => {
            // DCRF and rest-framework-channels take any scalar as the action's name, as
            // Python prints it; no action has such a name, so after the permission check
            // (DCRF's order) it is a 405, with the action echoed as sent.
            let name = python_text(&sent);
            let err = if allowed(bound, &session.scope, &name, &content).await {
                ActionError::MethodNotAllowed(name)
            } else {
                ActionError::PermissionDenied
            };
            let reply = Reply::error(dialect, None, request_id, &err)
                .with_route(route)
                .with_action_as_sent(Some(sent));
            session.send_reply(&reply);
            return;
        }
        Some(sent) => {
            let reply = Reply::error(dialect, None, request_id, &ActionError::ActionNotString)
                .with_route(route)
                .with_action_as_sent(Some(sent));
            session.send_reply(&reply);
            return;
        }
    };
    let span = tracing::debug_span!(
        "action",
        action = &*action,
        request_id = request_id.as_json()
    );
    let work = async {
        // DCRF's order: permission first, then whether the action exists.
        if !allowed(bound, &session.scope, &action, &content).await {
            let err = ActionError::PermissionDenied;
            return reply_error(Some(action), request_id, route, &err);
        }
        let ctx = Ctx::new(
            session.clone(),
            Some(action.clone()),
            request_id.clone(),
            route.clone(),
        );
        // Resolving decodes the arguments (user `Deserialize` code) before anything awaits.
        let resolving = std::panic::catch_unwind(AssertUnwindSafe(|| {
            bound.consumer.clone().resolve(ctx, &action, content)
        }));
        let started = match resolving {
            Ok(Resolution::Ready(started)) => Ok(started),
            Ok(Resolution::Pending(future)) => CatchUnwind(future).await,
            Err(panic) => Err(panic),
        }
        .unwrap_or_else(|panic| {
            Err(ActionError::internal(format!(
                "resolving the action (routing, decoding its arguments) panicked: {}",
                panic_message(&*panic)
            )))
        });
        let started = match started {
            Ok(started) => started,
            Err(err) => return reply_error(Some(action), request_id, route, &err),
        };
        if started.detached {
            let task_session = session.clone();
            let task_action = action.clone();
            let task_id = request_id.clone();
            let task_route = route.clone();
            let task = async move {
                let outcome = started.into_future();
                finish_action(&task_session, outcome, task_action, task_id, task_route).await;
            };
            if !session.spawn_detached(task.in_current_span()) {
                reply_error(Some(action), request_id, route, &ActionError::Throttled);
            }
        } else {
            finish_action(session, started.into_future(), action, request_id, route).await;
        }
    };
    // A span no subscriber wants is not entered on every poll (with tracing's `log` feature
    // on, as some dependencies turn it, entering a disabled span still costs a log check).
    if span.is_disabled() {
        work.await
    } else {
        work.instrument(span).await
    }
}

/// Runs the permission check. Allowing anything needs no arguments, so the frame's content is
/// read into a map only for a permission that may look at it.
async fn allowed(bound: &Bound, scope: &Scope, action: &str, content: &Content<'_>) -> bool {
    if bound.permissions.allows_anything() {
        return true;
    }
    let args: &serde_json::Map<String, Value> = content;
    bound.permissions.has_permission(scope, action, args).await
}

/// Awaits an action and answers it on its session.
async fn finish_action(
    session: &Session,
    fut: Outcome,
    action: Arc<str>,
    request_id: RequestId,
    route: Option<Arc<str>>,
) {
    let outcome = CatchUnwind(fut).await.unwrap_or_else(|panic| {
        Err(ActionError::internal(format!(
            "handler panicked: {}",
            panic_message(&*panic)
        )))
    });
    match outcome {
        Ok((status, data)) => {
            let stream = session.stream.as_deref();
            let text = data.into_reply(
                session.dialect,
                stream,
                &action,
                status,
                &request_id,
                route.as_deref(),
            );
            session.send_reply_text(status, text);
        }
        Err(err) => {
            if let ActionError::Internal(cause) = &err {
                tracing::error!(action = &*action, error = %cause, "action failed");
            }
            let reply = Reply::error(session.dialect, Some(action), request_id, &err);
            session.send_reply(&reply.with_route(route));
        }
    }
}

/// Polls a future, turning a panic into an error so one bad handler cannot take the socket.
struct CatchUnwind<F>(F);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic".to_owned())
}

/// A JSON scalar as Python's `str()` prints it once `json.loads` read it (`None`, `True`,
/// `5`, `1.5`): how DCRF and rest-framework-channels name an action that is not a string.
fn python_text(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        other => other.to_string(),
    }
}
