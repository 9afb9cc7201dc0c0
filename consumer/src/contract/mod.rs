//! The contract half of chanrest, built without the `server` feature (what a build script
//! needs): the `consumer!` DSL, [`Contract`], the manifest and its builder, route tables, and
//! decoding arguments into their declared types.

mod args;
pub mod build;
mod builder;
pub(crate) mod dsl;
pub(crate) mod manifest;
#[cfg(feature = "server")]
mod raw_args;
mod routes;
#[cfg(feature = "server")]
mod text_args;

pub use args::{decode_args, decode_value, NoArgs};
pub use builder::{join_doc, ActionInfo, ConsumerBuilder, Contract, ManifestBuilder};
pub use manifest::{
    ActionManifest, ConsumerManifest, Manifest, MultiplexerManifest, PushManifest, RepliesManifest,
    RouteManifest, RouteParamManifest, StreamManifest, FORMAT_VERSION, REPLIES_PAGES,
};
#[cfg(feature = "server")]
pub(crate) use raw_args::decode_from_text;
pub use routes::{RouteDecl, Routes};
#[cfg(feature = "server")]
pub(crate) use text_args::decode_args_with_text;
