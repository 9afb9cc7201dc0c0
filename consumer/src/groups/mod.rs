//! Groups and channel layers: [`Push`]es sent to named groups reach every member, in this
//! process ([`InMemoryChannelLayer`]) or in every process sharing a Redis server
//! (`RedisChannelLayer`, feature `redis`).

mod held;
mod layer;
mod push;
#[cfg(feature = "redis")]
mod redis;

pub(crate) use held::HoldDeliveries;
pub(crate) use layer::prefetch;
pub use layer::{ChannelLayer, GroupMember, InMemoryChannelLayer, LayerError, LocalGroups};
pub use push::Push;
#[cfg(feature = "redis")]
pub use redis::RedisChannelLayer;
