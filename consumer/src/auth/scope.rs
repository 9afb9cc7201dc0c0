//! The connection scope (what the handshake said: path, query, headers, cookies, peer,
//! authenticated user) and pluggable authentication.

use async_trait::async_trait;
use serde_json::{Map, Value};
use std::future::Future;
use std::net::SocketAddr;

/// An authenticated user, put into the scope by an [`Authenticator`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct User {
    /// A stable identifier.
    pub id: String,
    /// A display name.
    pub username: String,
    /// Anything else the authenticator knows (roles, tenant, ...).
    pub claims: Map<String, Value>,
}

impl User {
    /// A user with `id` and `username`, no claims.
    pub fn new(id: impl Into<String>, username: impl Into<String>) -> Self {
        User {
            id: id.into(),
            username: username.into(),
            claims: Map::new(),
        }
    }
}

/// What a connection knows about its handshake. Handlers read it through [`crate::Ctx::scope`].
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The request path (`/ws/plain/`).
    pub path: String,
    /// Decoded query parameters, in order (a name may repeat).
    pub query: Vec<(String, String)>,
    /// The handshake's headers.
    pub headers: http::HeaderMap,
    /// The peer's address, when known.
    pub remote_addr: Option<SocketAddr>,
    /// The authenticated user; `None` is anonymous.
    pub user: Option<User>,
}

impl Scope {
    /// The first query parameter called `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A cookie's value.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|line| line.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim_matches('"'))
    }

    /// The bearer token of an `Authorization: Bearer <token>` header.
    pub fn bearer_token(&self) -> Option<&str> {
        let value = self.header("authorization")?;
        let (scheme, token) = value.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    }
}

/// Why a handshake's credentials were refused (HTTP 401, before any consumer code runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError(pub String);

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AuthError {}

/// Reads the handshake and says who the user is: `Ok(None)` for anonymous, `Err` to refuse the
/// handshake with HTTP 401.
#[async_trait]
pub trait Authenticator: Send + Sync + 'static {
    /// Authenticates the handshake described by `scope` (whose `user` is still `None`).
    async fn authenticate(&self, scope: &Scope) -> Result<Option<User>, AuthError>;
}

/// Token authentication: reads a token from `Authorization: Bearer`, then the `token` query
/// parameter, then the `token` cookie, and resolves it with your function. No token means
/// anonymous; a token your function does not know is refused (HTTP 401).
///
/// ```
/// use chanrest::{TokenAuth, User};
/// let auth = TokenAuth::new(|token: String| async move {
///     (token == "s3cret").then(|| User::new("1", "alice"))
/// });
/// # let _ = auth;
/// ```
pub struct TokenAuth<F> {
    resolve: F,
    query_param: String,
    cookie: String,
}

impl<F> std::fmt::Debug for TokenAuth<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenAuth")
            .field("query_param", &self.query_param)
            .field("cookie", &self.cookie)
            .finish_non_exhaustive()
    }
}

impl<F, Fut> TokenAuth<F>
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<User>> + Send + 'static,
{
    /// Token authentication resolving tokens with `resolve`.
    pub fn new(resolve: F) -> Self {
        TokenAuth {
            resolve,
            query_param: "token".to_owned(),
            cookie: "token".to_owned(),
        }
    }

    /// Reads the query parameter `name` instead of `token`.
    pub fn query_param(mut self, name: impl Into<String>) -> Self {
        self.query_param = name.into();
        self
    }

    /// Reads the cookie `name` instead of `token`.
    pub fn cookie(mut self, name: impl Into<String>) -> Self {
        self.cookie = name.into();
        self
    }
}

#[async_trait]
impl<F, Fut> Authenticator for TokenAuth<F>
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<User>> + Send + 'static,
{
    async fn authenticate(&self, scope: &Scope) -> Result<Option<User>, AuthError> {
        let token = scope
            .bearer_token()
            .or_else(|| scope.query_param(&self.query_param))
            .or_else(|| scope.cookie(&self.cookie));
        match token {
            None => Ok(None),
            Some(token) => match (self.resolve)(token.to_owned()).await {
                Some(user) => Ok(Some(user)),
                None => Err(AuthError("Invalid token.".to_owned())),
            },
        }
    }
}
