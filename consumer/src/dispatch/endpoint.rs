//! What a path serves: one consumer, or several behind the multiplexer, each mounted with its
//! permission computed once.

use super::consumer::Consumer;
use crate::auth::Permissions;
use std::sync::Arc;

/// A consumer mounted on an endpoint, with its permission computed once.
#[derive(Clone)]
pub(crate) struct Mount {
    pub(crate) consumer: Arc<dyn Consumer>,
    pub(crate) permissions: Permissions,
}

impl Mount {
    pub(crate) fn new(consumer: Arc<dyn Consumer>) -> Self {
        let permissions = consumer.permissions();
        Mount {
            consumer,
            permissions,
        }
    }
}

/// What a path serves: one consumer, or several behind the multiplexer.
pub(crate) enum Endpoint {
    Consumer(Mount),
    Multiplexer(Vec<(Arc<str>, Mount)>),
}

impl Endpoint {
    pub(crate) fn mounts(&self) -> Vec<&Mount> {
        match self {
            Endpoint::Consumer(mount) => vec![mount],
            Endpoint::Multiplexer(streams) => streams.iter().map(|(_, m)| m).collect(),
        }
    }
}

/// A multiplexer: several consumers on one socket, by stream name
/// (`{"stream": name, "payload": message}` both ways, as channelsmultiplexer frames them).
#[derive(Default)]
pub struct Multiplexer {
    pub(crate) streams: Vec<(Arc<str>, Mount)>,
}

impl std::fmt::Debug for Multiplexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let streams: Vec<(&str, &str)> = self
            .streams
            .iter()
            .map(|(name, mount)| (&**name, mount.consumer.name()))
            .collect();
        f.debug_struct("Multiplexer")
            .field("streams", &streams)
            .finish()
    }
}

impl Multiplexer {
    /// An empty multiplexer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `consumer` on stream `name`.
    pub fn stream(mut self, name: &str, consumer: impl Consumer) -> Self {
        self.streams
            .push((Arc::from(name), Mount::new(Arc::new(consumer))));
        self
    }
}

/// What a path serves, as a manifest would name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteInfo {
    /// One consumer, by contract name.
    Consumer(&'static str),
    /// A multiplexer: `(stream, consumer name)` pairs.
    Multiplexer(Vec<(String, &'static str)>),
}
