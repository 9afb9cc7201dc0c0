//! Generic model consumers on a real database: model declarations (`model!`), queries, the
//! SQL store, change capture and publishing, and the standard actions in DCRF's dialect
//! (`chanrest::generic`) and rest-framework-channels' (`chanrest::rfc`).

pub mod model;
pub mod rfc;

#[cfg(feature = "server")]
pub(crate) mod backend;
#[cfg(feature = "server")]
pub(crate) mod changes;
#[cfg(feature = "server")]
pub mod dcrf;
#[cfg(feature = "sqlite")]
pub(crate) mod lite;
#[cfg(feature = "server")]
pub(crate) mod query;
#[cfg(feature = "server")]
pub(crate) mod sql;
