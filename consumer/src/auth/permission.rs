//! Permissions: `can_connect` at the handshake, `has_permission` before every action
//! (DCRF's permission classes), composable with `&`, `|` and `!`.

use super::scope::Scope;
use async_trait::async_trait;
use serde_json::{Map, Value};
use std::sync::Arc;

/// A permission class. `can_connect` runs at the handshake (refusal: HTTP 403, no consumer code
/// runs); `has_permission` runs before each action, before the action name is even checked
/// (refusal: a 403 reply).
///
/// ```
/// use chanrest::{Permission, Scope};
/// use serde_json::{Map, Value};
///
/// /// Refuses one action, allows the rest.
/// struct NotDelete;
///
/// #[chanrest::async_trait]
/// impl Permission for NotDelete {
///     async fn has_permission(&self, _scope: &Scope, action: &str, _args: &Map<String, Value>) -> bool {
///         action != "delete"
///     }
/// }
/// ```
#[async_trait]
pub trait Permission: Send + Sync + 'static {
    /// May this handshake open a connection? Defaults to yes.
    async fn can_connect(&self, scope: &Scope) -> bool {
        let _ = scope;
        true
    }

    /// May this connection run `action` with `args`?
    async fn has_permission(&self, scope: &Scope, action: &str, args: &Map<String, Value>) -> bool;
}

/// Allows everything (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowAny;

#[async_trait]
impl Permission for AllowAny {
    async fn has_permission(&self, _: &Scope, _: &str, _: &Map<String, Value>) -> bool {
        true
    }
}

/// Allows actions only to an authenticated user. Like DCRF's, it lets anonymous users connect
/// (each action then gets a 403); combine with [`RequireAuthenticatedConnect`] to refuse the
/// handshake instead.
#[derive(Debug, Clone, Copy, Default)]
pub struct IsAuthenticated;

#[async_trait]
impl Permission for IsAuthenticated {
    async fn has_permission(&self, scope: &Scope, _: &str, _: &Map<String, Value>) -> bool {
        scope.user.is_some()
    }
}

/// Refuses the handshake of anonymous users (HTTP 403); allows every action.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequireAuthenticatedConnect;

#[async_trait]
impl Permission for RequireAuthenticatedConnect {
    async fn can_connect(&self, scope: &Scope) -> bool {
        scope.user.is_some()
    }
    async fn has_permission(&self, _: &Scope, _: &str, _: &Map<String, Value>) -> bool {
        true
    }
}

/// A shared, composable permission. Build one with [`Permissions::new`] or the
/// [`PermissionExt`] methods, and combine with `&`, `|` and `!` (short-circuiting).
///
/// ```
/// use chanrest::{AllowAny, IsAuthenticated, Permissions};
/// let read_or_login = Permissions::new(IsAuthenticated) | !Permissions::new(AllowAny);
/// # let _ = read_or_login;
/// ```
#[derive(Clone)]
pub struct Permissions {
    inner: Arc<dyn Permission>,
    allow_any: bool,
}

impl std::fmt::Debug for Permissions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Permissions")
            .field("allow_any", &self.allow_any)
            .finish()
    }
}

impl Permissions {
    /// Wraps a permission class.
    pub fn new(permission: impl Permission) -> Self {
        Permissions {
            inner: Arc::new(permission),
            allow_any: false,
        }
    }

    /// Allows everything; checks cost nothing.
    pub fn allow_any() -> Self {
        Permissions {
            inner: Arc::new(AllowAny),
            allow_any: true,
        }
    }

    /// True for [`Permissions::allow_any`]: every check passes without looking at anything.
    pub fn allows_anything(&self) -> bool {
        self.allow_any
    }

    /// Runs `can_connect`.
    pub async fn can_connect(&self, scope: &Scope) -> bool {
        self.allow_any || self.inner.can_connect(scope).await
    }

    /// Runs `has_permission`.
    pub async fn has_permission(
        &self,
        scope: &Scope,
        action: &str,
        args: &Map<String, Value>,
    ) -> bool {
        self.allow_any || self.inner.has_permission(scope, action, args).await
    }
}

impl Default for Permissions {
    fn default() -> Self {
        Permissions::allow_any()
    }
}

/// Combinators for every permission class.
pub trait PermissionExt: Permission + Sized {
    /// Both must allow.
    fn and(self, other: impl Permission) -> Permissions {
        Permissions::new(self) & Permissions::new(other)
    }
    /// Either may allow.
    fn or(self, other: impl Permission) -> Permissions {
        Permissions::new(self) | Permissions::new(other)
    }
    /// Inverts both checks.
    fn not(self) -> Permissions {
        !Permissions::new(self)
    }
}

impl<P: Permission> PermissionExt for P {}

struct And(Permissions, Permissions);
struct Or(Permissions, Permissions);
struct Not(Permissions);

#[async_trait]
impl Permission for And {
    async fn can_connect(&self, scope: &Scope) -> bool {
        self.0.can_connect(scope).await && self.1.can_connect(scope).await
    }
    async fn has_permission(&self, scope: &Scope, action: &str, args: &Map<String, Value>) -> bool {
        self.0.has_permission(scope, action, args).await
            && self.1.has_permission(scope, action, args).await
    }
}

#[async_trait]
impl Permission for Or {
    async fn can_connect(&self, scope: &Scope) -> bool {
        self.0.can_connect(scope).await || self.1.can_connect(scope).await
    }
    async fn has_permission(&self, scope: &Scope, action: &str, args: &Map<String, Value>) -> bool {
        self.0.has_permission(scope, action, args).await
            || self.1.has_permission(scope, action, args).await
    }
}

#[async_trait]
impl Permission for Not {
    async fn can_connect(&self, scope: &Scope) -> bool {
        !self.0.can_connect(scope).await
    }
    async fn has_permission(&self, scope: &Scope, action: &str, args: &Map<String, Value>) -> bool {
        !self.0.has_permission(scope, action, args).await
    }
}

impl std::ops::BitAnd for Permissions {
    type Output = Permissions;
    fn bitand(self, rhs: Permissions) -> Permissions {
        Permissions::new(And(self, rhs))
    }
}

impl std::ops::BitOr for Permissions {
    type Output = Permissions;
    fn bitor(self, rhs: Permissions) -> Permissions {
        Permissions::new(Or(self, rhs))
    }
}

impl std::ops::Not for Permissions {
    type Output = Permissions;
    fn not(self) -> Permissions {
        Permissions::new(Not(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(bool, bool);

    #[async_trait]
    impl Permission for Fixed {
        async fn can_connect(&self, _: &Scope) -> bool {
            self.0
        }
        async fn has_permission(&self, _: &Scope, _: &str, _: &Map<String, Value>) -> bool {
            self.1
        }
    }

    #[tokio::test]
    async fn composition_truth_table() {
        let scope = Scope::default();
        let args = Map::new();
        for a in [false, true] {
            for b in [false, true] {
                let p = |x| Permissions::new(Fixed(x, x));
                assert_eq!(
                    (p(a) & p(b)).has_permission(&scope, "x", &args).await,
                    a && b
                );
                assert_eq!(
                    (p(a) | p(b)).has_permission(&scope, "x", &args).await,
                    a || b
                );
                assert_eq!((p(a) & p(b)).can_connect(&scope).await, a && b);
                assert_eq!((!p(a)).can_connect(&scope).await, !a);
                assert_eq!(
                    (!(p(a) | p(b))).has_permission(&scope, "x", &args).await,
                    !(a || b)
                );
            }
        }
        assert!(
            !IsAuthenticated
                .and(AllowAny)
                .has_permission(&scope, "x", &args)
                .await
        );
        assert!(
            IsAuthenticated
                .or(AllowAny)
                .has_permission(&scope, "x", &args)
                .await
        );
        assert!(
            IsAuthenticated
                .not()
                .has_permission(&scope, "x", &args)
                .await
        );
    }
}
