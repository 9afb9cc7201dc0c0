// The demo API's contracts: `consumer!` declarations and their types, nothing else. The root
// build.rs includes this file to write the manifest, so it must compile without chanrest's
// server half and without any handler code (which lives in the other modules).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where each consumer is mounted.
pub mod paths {
    /// [`super::Plain`].
    pub const PLAIN: &str = "/ws/plain/";
    /// [`super::Bench`].
    pub const BENCH: &str = "/ws/bench/";
}

/// Any JSON object.
pub type Object = serde_json::Map<String, serde_json::Value>;

chanrest::consumer! {
    /// Small actions that show the protocol: echo, arithmetic, errors, permissions and
    /// detached work.
    pub consumer Plain: PlainHandler {
        /// Returns all of its arguments (everything but `action` and `request_id`) as an object.
        action echo(Object) -> Object;

        /// Adds two integers.
        action add(AddArgs {
            /// The first addend.
            a: i64,
            /// The second addend.
            b: i64,
        }) -> i64;

        /// Always fails inside its handler: a 500 reply; the connection stays open.
        action fail() -> ();

        /// Refused by the consumer's permission class: a 403 reply.
        action forbidden() -> ();

        /// Sleeps for `delay` seconds without holding up the connection's other actions, then
        /// answers how long it slept.
        #[detached]
        action slow(SlowArgs {
            /// Seconds to sleep, from 0 to 300.
            delay: f64,
        }) -> Slept;
    }

    /// The benchmark endpoint: as little work per message as the protocol allows.
    pub consumer Bench: BenchHandler {
        /// Returns its `data` argument verbatim (`null` when absent).
        action echo(BenchEchoArgs {
            /// Any JSON value.
            #[serde(default)]
            data: serde_json::Value,
        }) -> serde_json::Value;
    }
}

/// The reply of `slow`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Slept {
    /// The seconds slept.
    pub slept: f64,
}

/// The demo API's manifest: every consumer at its path.
pub fn manifest() -> chanrest::Manifest {
    chanrest::ManifestBuilder::new("chanrest-demo", env!("CARGO_PKG_VERSION"))
        .consumer::<Plain>(paths::PLAIN)
        .consumer::<Bench>(paths::BENCH)
        .build()
}
