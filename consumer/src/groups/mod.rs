//! Groups and channel layers: [`Push`]es sent to named groups reach every member, in this
//! process ([`InMemoryChannelLayer`]) or in every process sharing a Redis server
//! (`RedisChannelLayer`, feature `redis`).

mod held;
mod layer;
mod member;
mod push;
#[cfg(feature = "redis")]
mod redis;

pub(crate) use held::HoldDeliveries;
pub use layer::{ChannelLayer, InMemoryChannelLayer, LayerError, LocalGroups};
pub(crate) use member::prefetch;
pub use member::GroupMember;
pub use push::Push;
#[cfg(feature = "redis")]
pub use redis::RedisChannelLayer;
