//! The WebSocket handshake: chanrest answers the upgrade itself (warp still routes and runs
//! the server) so that each connection's WebSocket buffers and size limits are ours to set.
//! Origin, connection limit, authentication and `can_connect` are checked here, before any
//! consumer code runs.

use super::frames::ClientFrames;
use super::origin::OriginPolicy;
use crate::auth::{Authenticator, Scope};
use crate::dispatch::{ConnectionSetup, Endpoint};
use crate::error::HandshakeError;
use crate::groups::ChannelLayer;
use crate::session::{sweep_outbound_budget, Limits, Metrics};
use hyper::upgrade::OnUpgrade;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;
use warp::http::{header, HeaderMap, Method, Response, StatusCode};
use warp::hyper::body::Bytes;

/// What every handshake of an app needs, shared by its routes.
pub(crate) struct Shared {
    pub(crate) origins: OriginPolicy,
    /// Set once the app is shutting down (see `App::shutdown_handle`).
    pub(crate) going_away: Arc<watch::Sender<Option<tokio::time::Instant>>>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) routes: HashMap<String, Arc<Endpoint>>,
    pub(crate) layer: Arc<dyn ChannelLayer>,
    pub(crate) authenticator: Option<Arc<dyn Authenticator>>,
    pub(crate) limits: Arc<Limits>,
    pub(crate) connections: Arc<Semaphore>,
}

/// One upgrade request, as warp hands it over.
pub(crate) struct Handshake {
    pub(crate) path: String,
    pub(crate) method: Method,
    pub(crate) headers: HeaderMap,
    pub(crate) query: String,
    pub(crate) remote: Option<SocketAddr>,
    pub(crate) upgrade: Option<OnUpgrade>,
    /// The socket holds a slot of this app's connection limit since it was accepted (see
    /// `ConnectionLimit`): the WebSocket takes no second one.
    pub(crate) counted: bool,
}

/// The plain-text HTTP response of a refused handshake.
fn refusal(refused: HandshakeError) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from_static(refused.text().as_bytes()));
    *response.status_mut() = StatusCode::from_u16(refused.status()).expect("a valid HTTP status");
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// A copy of `headers` that owns its bytes. hyper's parsed header values are slices of the
/// connection's 8 KiB read buffer, so a scope keeping them for the life of a WebSocket would
/// keep that whole buffer too (measured: 8 KiB of an idle connection's 19.8).
fn owned_headers(headers: &HeaderMap) -> HeaderMap {
    let mut owned = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let (Ok(name), Ok(mut copy)) = (
            header::HeaderName::from_bytes(name.as_str().as_bytes()),
            header::HeaderValue::from_bytes(value.as_bytes()),
        ) else {
            continue;
        };
        copy.set_sensitive(value.is_sensitive());
        owned.append(name, copy);
    }
    owned
}

/// A `Sec-WebSocket-Key` as RFC 6455 has it: 16 bytes in base64 (24 characters, the last
/// two `=`).
fn is_websocket_key(key: &[u8]) -> bool {
    let base64 = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/';
    key.len() == 24 && key[..22].iter().all(base64) && &key[22..] == b"=="
}

fn header_has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

impl Shared {
    /// Authenticates `scope` and asks every consumer of `endpoint` whether it may connect,
    /// within `Limits::hook_timeout`. The socket handshake and in-process connections both
    /// pass here.
    pub(crate) async fn admit(
        &self,
        endpoint: &Endpoint,
        scope: &mut Scope,
    ) -> Result<(), HandshakeError> {
        let checks = async {
            if let Some(authenticator) = &self.authenticator {
                match authenticator.authenticate(scope).await {
                    Ok(user) => scope.user = user,
                    Err(err) => {
                        tracing::info!(%err, "authentication failed");
                        return Err(HandshakeError::AuthenticationFailed);
                    }
                }
            }
            for mount in endpoint.mounts() {
                if !mount.permissions.can_connect(scope).await {
                    return Err(HandshakeError::AccessDenied);
                }
            }
            Ok(())
        };
        match tokio::time::timeout(self.limits.hook_timeout, checks).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!("authentication and can_connect took too long, refusing");
                Err(HandshakeError::ChecksTimedOut)
            }
        }
    }

    pub(crate) async fn handshake(
        &self,
        endpoint: Arc<Endpoint>,
        request: Handshake,
    ) -> Response<Bytes> {
        let Handshake {
            path,
            method,
            headers,
            query,
            remote,
            upgrade,
            counted,
        } = request;
        let key = headers
            .get(header::SEC_WEBSOCKET_KEY)
            .map(|k| k.as_bytes().to_vec());
        let is_upgrade = method == Method::GET
            && header_has_token(&headers, header::UPGRADE, "websocket")
            && header_has_token(&headers, header::CONNECTION, "upgrade");
        let (Some(key), true) = (key, is_upgrade) else {
            let mut response = refusal(HandshakeError::NotWebSocket);
            response.headers_mut().insert(
                header::UPGRADE,
                header::HeaderValue::from_static("websocket"),
            );
            return response;
        };
        if headers
            .get(header::SEC_WEBSOCKET_VERSION)
            .map(|v| v.as_bytes())
            != Some(b"13")
        {
            let mut response = refusal(HandshakeError::UnsupportedVersion);
            response.headers_mut().insert(
                header::SEC_WEBSOCKET_VERSION,
                header::HeaderValue::from_static("13"),
            );
            return response;
        }
        let header_bytes: usize = headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len())
            .sum();
        if header_bytes > self.limits.max_handshake_headers_bytes {
            return refusal(HandshakeError::HeadersTooLarge);
        }
        if !is_websocket_key(&key) {
            return refusal(HandshakeError::BadKey);
        }
        let Some(upgrade) = upgrade else {
            return refusal(HandshakeError::CannotUpgrade);
        };
        let origin = headers.get(header::ORIGIN).map(|o| o.as_bytes());
        let host = headers.get(header::HOST).map(|h| h.as_bytes());
        if !self.origins.allows(origin, host) {
            tracing::info!(origin = ?headers.get(header::ORIGIN), "handshake from a disallowed origin");
            return refusal(HandshakeError::OriginNotAllowed);
        }
        let permit = if counted {
            None
        } else {
            let Ok(permit) = self.connections.clone().try_acquire_owned() else {
                tracing::warn!("connection limit reached, refusing a handshake");
                return refusal(HandshakeError::TooManyConnections);
            };
            Some(permit)
        };

        let mut scope = Scope {
            path,
            query: form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
            headers: owned_headers(&headers),
            remote_addr: remote,
            user: None,
        };
        if let Err(refused) = self.admit(&endpoint, &mut scope).await {
            return refusal(refused);
        }

        let setup = ConnectionSetup {
            endpoint,
            scope: Arc::new(scope),
            layer: self.layer.clone(),
            limits: self.limits.clone(),
            metrics: self.metrics.clone(),
        };
        let config = websocket_config(&self.limits);
        let fragment_timeout = self.limits.fragmented_message_timeout;
        let going_away = self.going_away.subscribe();
        // Started with the first connection, once per app (the metrics are the app's).
        self.metrics.budget_sweep.get_or_init(|| {
            let metrics = Arc::downgrade(&self.metrics);
            tokio::spawn(sweep_outbound_budget(
                metrics,
                self.limits.max_total_outbound_bytes,
                self.limits.budget_alarm_bytes(),
            ));
        });
        tokio::spawn(async move {
            let _permit = permit;
            match upgrade.await {
                Ok(upgraded) => {
                    let io =
                        ClientFrames::new(hyper_util::rt::TokioIo::new(upgraded), fragment_timeout);
                    let ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
                    super::socket::run(ws, setup, going_away).await;
                }
                Err(err) => tracing::debug!(error = %err, "upgrade failed"),
            }
        });

        let mut response = Response::new(Bytes::new());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(
            header::CONNECTION,
            header::HeaderValue::from_static("upgrade"),
        );
        headers.insert(
            header::UPGRADE,
            header::HeaderValue::from_static("websocket"),
        );
        let accept = derive_accept_key(&key);
        headers.insert(
            header::SEC_WEBSOCKET_ACCEPT,
            header::HeaderValue::from_str(&accept).expect("base64 is a valid header"),
        );
        response
    }
}

/// The WebSocket settings of every connection, from the limits.
fn websocket_config(limits: &Limits) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(limits.read_buffer_size)
        .write_buffer_size(limits.write_buffer_size)
        // No cap of tungstenite's own: a frame above it would fail the write and drop the
        // connection. What waits to be written is bounded by `max_outbound_bytes` (the
        // outbound queue counts a batch until it is written).
        .max_write_buffer_size(usize::MAX)
        .max_message_size(Some(limits.max_message_size))
        .max_frame_size(Some(limits.max_message_size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_keys_are_sixteen_bytes_of_base64() {
        assert!(is_websocket_key(b"dGhlIHNhbXBsZSBub25jZQ=="));
        for bad in [
            &b""[..],
            b"x",
            b"dGhlIHNhbXBsZSBub25jZQ",
            b"dGhlIHNhbXBsZSBub25jZQ=x",
            b"dGhlIHNhbXBsZSBub25j*Q==",
            b"dGhlIHNhbXBsZSBub25jZQ===",
        ] {
            assert!(!is_websocket_key(bad), "{bad:?}");
        }
    }

    #[test]
    fn owned_headers_copy_every_value_and_keep_sensitivity() {
        let buffer = Bytes::from_static(b"Bearer abc|x-custom|text/plain|a=1");
        let mut headers = HeaderMap::new();
        let mut auth = header::HeaderValue::from_maybe_shared(buffer.slice(0..10)).unwrap();
        auth.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, auth);
        let custom = header::HeaderName::from_bytes(&buffer[11..19]).unwrap();
        headers.append(custom.clone(), header::HeaderValue::from_static("1"));
        headers.append(custom.clone(), header::HeaderValue::from_static("2"));
        let owned = owned_headers(&headers);
        assert_eq!(owned, headers);
        assert!(owned[header::AUTHORIZATION].is_sensitive());
        let values: Vec<_> = owned.get_all(&custom).iter().collect();
        assert_eq!(values, ["1", "2"]);
        // The copies are fresh allocations, not slices of the request's buffer.
        let original = headers[header::AUTHORIZATION].as_bytes().as_ptr();
        assert_ne!(owned[header::AUTHORIZATION].as_bytes().as_ptr(), original);
    }
}
