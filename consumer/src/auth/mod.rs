//! Who is connecting and what they may do: the connection's [`Scope`] and [`User`],
//! authenticators, and permissions (DRF's `BasePermission`, composable with `&`, `|`, `!`).

mod permission;
mod scope;

pub use permission::{
    AllowAny, IsAuthenticated, Permission, PermissionExt, Permissions, RequireAuthenticatedConnect,
};
pub use scope::{AuthError, Authenticator, Scope, TokenAuth, User};
