//! Wire bytes, and nothing else: decoding incoming frames ([`decode`], [`decode_mux`],
//! [`Request`]), laying out outgoing ones ([`Reply`], pushes, the multiplexer's wrapper), route
//! patterns and close codes. No I/O and no async: it builds without the `server` feature.

pub mod close_code;
mod content;
mod reply;
mod request;
mod route;

pub use crate::dialect::Dialect;
pub use content::Content;
pub use reply::{
    encode_data, finish_push, push_len, push_parts, push_prefix, stream_prefix, wrap_stream, Data,
    Reply,
};
pub use request::{decode, decode_mux, BadFrame, Envelope, MuxFrame, Request, RequestId};
pub use route::{Converter, RoutePart, RoutePattern};
