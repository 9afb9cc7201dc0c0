//! The consumers' and multiplexers' clients, generated from the manifest. Do not edit.

/// Orders of the shop.
pub mod orders {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Endpoint, Error, Options};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "Orders";
    /// Where the consumer is mounted.
    pub const PATH: &str = "/ws/orders/";
    /// A typed client of consumer `Orders`: one method per action.
    #[derive(Clone, Debug)]
    pub struct Client {
        endpoint: Endpoint,
    }
    impl Client {
        /// Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by [`PATH`]).
        pub async fn connect(url: &str) -> Result<Client, Error> {
            Client::connect_with(url, Options::default()).await
        }
        /// Connects with `options`.
        pub async fn connect_with(url: &str, options: Options) -> Result<Client, Error> {
            Ok(Client::new(Connection::connect_with(url, options).await?.endpoint(None)))
        }
        /// A client on an endpoint: a connection to the consumer's path
        /// (`connection.endpoint(None)`) or a multiplexer stream
        /// (`connection.endpoint(Some("stream"))`).
        pub fn new(endpoint: Endpoint) -> Client {
            Client { endpoint }
        }
        /// The endpoint, for raw calls (`endpoint().request(..)`).
        pub fn endpoint(&self) -> &Endpoint {
            &self.endpoint
        }
        /// The same client with another call timeout.
        pub fn with_timeout(&self, timeout: std::time::Duration) -> Client {
            Client {
                endpoint: self.endpoint.with_timeout(timeout),
            }
        }
        /// The pushes this consumer broadcasts to groups (`request_id: null`), from now on.
        pub fn broadcasts(&self) -> runtime::Broadcasts<Push> {
            self.endpoint.broadcasts()
        }
        /// Places an order.
        ///
        /// Action `place`; succeeds with status 201.
        pub async fn place(
            &self,
            args: &types::PlaceArgs,
        ) -> Result<types::Order, Error> {
            self.endpoint.call("place", args).await
        }
        /// Action `count`.
        pub async fn count(&self) -> Result<u64, Error> {
            self.endpoint.call("count", &runtime::NoArgs {}).await
        }
        /// Builds a report; takes a while.
        ///
        /// Action `export`; runs detached: the server answers other calls meanwhile.
        pub async fn export(
            &self,
            args: &types::OrdersExportArgs,
        ) -> Result<::std::option::Option<::std::string::String>, Error> {
            self.endpoint.call("export", args).await
        }
        /// An action whose name is a keyword in Rust.
        ///
        /// Action `type`; causes pushes `announced`.
        pub async fn type_(
            &self,
            args: &::serde_json::Map<::std::string::String, ::serde_json::Value>,
        ) -> Result<::serde_json::Value, Error> {
            self.endpoint.call("type", args).await
        }
        /// The latest orders (chanrest's generic `Page`: renamed after its use).
        ///
        /// Action `recent`.
        pub async fn recent(&self) -> Result<types::OrdersRecentResponse, Error> {
            self.endpoint.call("recent", &runtime::NoArgs {}).await
        }
        /// Every order, a page per reply (a paged stream).
        ///
        /// Action `history`; runs detached: the server answers other calls meanwhile; a paged stream: one reply per page, ending with the page where `count == 0 || offset + limit >= count`; cancelled by `history-cancel`.
        pub async fn history(
            &self,
        ) -> Result<runtime::PageStream<types::OrdersHistoryResponse>, Error> {
            self.endpoint.pages("history", "history-cancel", &runtime::NoArgs {}).await
        }
        /// Stops the histories in flight.
        ///
        /// Action `history-cancel`.
        pub async fn history_cancel(&self) -> Result<(), Error> {
            self.endpoint.call("history-cancel", &runtime::NoArgs {}).await
        }
        /// A summary: a type of its own holding a generic one.
        ///
        /// Action `summary`.
        pub async fn summary(&self) -> Result<types::Summary, Error> {
            self.endpoint.call("summary", &runtime::NoArgs {}).await
        }
        /// Pushes changes of one order.
        ///
        /// Action `watch-order`; succeeds with status 201; a subscription: pushes `changed`, `cancelled`; ended by `unwatch-order`.
        pub async fn watch_order(
            &self,
            args: &types::Lookup,
        ) -> Result<runtime::Subscription<WatchOrderPush, (), ()>, Error> {
            self.endpoint.subscribe("watch-order", "unwatch-order", args).await
        }
        /// Action `unwatch-order`; succeeds with status 204.
        pub async fn unwatch_order(&self, args: &types::Lookup) -> Result<(), Error> {
            self.endpoint.call("unwatch-order", args).await
        }
    }
    /// Every push of consumer `Orders`.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Push {
        /// The order changed.
        ///
        /// `changed` (status 200)
        Changed(types::Order),
        /// `cancelled` (status 204)
        Cancelled(types::OrdersCancelledData),
        /// Sent to everyone.
        ///
        /// `announced` (status 200)
        Announced(::std::string::String),
    }
    impl runtime::PushSet for Push {
        fn decode(
            action: &str,
            _status: u16,
            data: serde_json::Value,
        ) -> Option<Result<Self, serde_json::Error>> {
            match action {
                "changed" => Some(serde_json::from_value(data).map(Push::Changed)),
                "cancelled" => Some(serde_json::from_value(data).map(Push::Cancelled)),
                "announced" => Some(serde_json::from_value(data).map(Push::Announced)),
                _ => None,
            }
        }
    }
    /// The pushes of a `watch-order` subscription.
    #[derive(Debug, Clone, PartialEq)]
    pub enum WatchOrderPush {
        /// The order changed.
        ///
        /// `changed` (status 200)
        Changed(types::Order),
        /// `cancelled` (status 204)
        Cancelled(types::OrdersCancelledData),
    }
    impl runtime::PushSet for WatchOrderPush {
        fn decode(
            action: &str,
            _status: u16,
            data: serde_json::Value,
        ) -> Option<Result<Self, serde_json::Error>> {
            match action {
                "changed" => {
                    Some(serde_json::from_value(data).map(WatchOrderPush::Changed))
                }
                "cancelled" => {
                    Some(serde_json::from_value(data).map(WatchOrderPush::Cancelled))
                }
                _ => None,
            }
        }
    }
}
/// A consumer of the API.
pub mod stock {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Endpoint, Error, Options};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "Stock";
    /// A typed client of consumer `Stock`: one method per action.
    #[derive(Clone, Debug)]
    pub struct Client {
        endpoint: Endpoint,
    }
    impl Client {
        /// Connects to `url`. (This consumer is mounted only on a multiplexer: prefer the multiplexer's client.)
        pub async fn connect(url: &str) -> Result<Client, Error> {
            Client::connect_with(url, Options::default()).await
        }
        /// Connects with `options`.
        pub async fn connect_with(url: &str, options: Options) -> Result<Client, Error> {
            Ok(Client::new(Connection::connect_with(url, options).await?.endpoint(None)))
        }
        /// A client on an endpoint: a connection to the consumer's path
        /// (`connection.endpoint(None)`) or a multiplexer stream
        /// (`connection.endpoint(Some("stream"))`).
        pub fn new(endpoint: Endpoint) -> Client {
            Client { endpoint }
        }
        /// The endpoint, for raw calls (`endpoint().request(..)`).
        pub fn endpoint(&self) -> &Endpoint {
            &self.endpoint
        }
        /// The same client with another call timeout.
        pub fn with_timeout(&self, timeout: std::time::Duration) -> Client {
            Client {
                endpoint: self.endpoint.with_timeout(timeout),
            }
        }
        /// Stock per item.
        ///
        /// Action `levels`.
        pub async fn levels(
            &self,
            args: &types::StockLevelsArgs,
        ) -> Result<::std::collections::HashMap<::std::string::String, i64>, Error> {
            self.endpoint.call("levels", args).await
        }
    }
}
/// The catalog, in rest-framework-channels' dialect.
pub mod catalog {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Error, Options, RfcEndpoint, Route};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "Catalog";
    /// Where the consumer is mounted.
    pub const PATH: &str = "/ws/catalog/";
    /// A typed client of consumer `Catalog` at one route (rest-framework-channels' dialect): one method per action, one per route of its own.
    #[derive(Clone, Debug)]
    pub struct Client {
        endpoint: RfcEndpoint,
        route: Route,
    }
    impl Client {
        /// Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by [`PATH`]).
        pub async fn connect(url: &str) -> Result<Client, Error> {
            Client::connect_with(url, Options::default()).await
        }
        /// Connects with `options`.
        pub async fn connect_with(url: &str, options: Options) -> Result<Client, Error> {
            let connection = Connection::connect_with(url, options).await?;
            Ok(Client::new(connection.rfc_endpoint(), Route::root()))
        }
        /// A client on a connection's endpoint (`connection.rfc_endpoint()`) at
        /// `route` (`Route::root()` for the consumer's own actions).
        pub fn new(endpoint: RfcEndpoint, route: Route) -> Client {
            Client { endpoint, route }
        }
        /// The endpoint, for raw calls (`endpoint().request(..)`).
        pub fn endpoint(&self) -> &RfcEndpoint {
            &self.endpoint
        }
        /// The route every call of this client carries.
        pub fn route(&self) -> &Route {
            &self.route
        }
        /// The same client with another call timeout.
        pub fn with_timeout(&self, timeout: std::time::Duration) -> Client {
            Client {
                endpoint: self.endpoint.with_timeout(timeout),
                route: self.route.clone(),
            }
        }
        /// Action `ping` on the client's route.
        pub async fn ping(&self) -> Result<::std::string::String, Error> {
            self.endpoint.call(&self.route, "ping", &runtime::NoArgs {}).await
        }
        /// Route `items/<int:id>/`: consumer `Item`, with `id`.
        pub fn items_id(&self, id: u64) -> super::item::Client {
            super::item::Client::new(
                self.endpoint.clone(),
                self
                    .route
                    .clone()
                    .literal("items/")
                    .param("id", runtime::Converter::Int, &id)
                    .literal("/"),
            )
        }
        /// Route `items/`: consumer `ItemList`.
        pub fn items(&self) -> super::item_list::Client {
            super::item_list::Client::new(
                self.endpoint.clone(),
                self.route.clone().literal("items/"),
            )
        }
    }
}
/// One item.
pub mod item {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Error, Options, RfcEndpoint, Route};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "Item";
    /// A typed client of consumer `Item` at one route (rest-framework-channels' dialect): one method per action, one per route of its own.
    #[derive(Clone, Debug)]
    pub struct Client {
        endpoint: RfcEndpoint,
        route: Route,
    }
    impl Client {
        /// A client on a connection's endpoint (`connection.rfc_endpoint()`) at
        /// `route` (`Route::root()` for the consumer's own actions).
        pub fn new(endpoint: RfcEndpoint, route: Route) -> Client {
            Client { endpoint, route }
        }
        /// The endpoint, for raw calls (`endpoint().request(..)`).
        pub fn endpoint(&self) -> &RfcEndpoint {
            &self.endpoint
        }
        /// The route every call of this client carries.
        pub fn route(&self) -> &Route {
            &self.route
        }
        /// The same client with another call timeout.
        pub fn with_timeout(&self, timeout: std::time::Duration) -> Client {
            Client {
                endpoint: self.endpoint.with_timeout(timeout),
                route: self.route.clone(),
            }
        }
        /// The item.
        ///
        /// Action `retrieve` on the client's route.
        pub async fn retrieve(&self) -> Result<types::Line, Error> {
            self.endpoint.call(&self.route, "retrieve", &runtime::NoArgs {}).await
        }
        /// Renames the item.
        ///
        /// Action `rename` on the client's route.
        pub async fn rename(
            &self,
            args: &types::ItemRenameArgs,
        ) -> Result<types::Line, Error> {
            self.endpoint.call(&self.route, "rename", args).await
        }
        /// Route `reviews/<slug:author>/`: consumer `Review`, with `author`.
        pub fn reviews_author(&self, author: &str) -> super::review::Client {
            super::review::Client::new(
                self.endpoint.clone(),
                self
                    .route
                    .clone()
                    .literal("reviews/")
                    .param("author", runtime::Converter::Slug, author)
                    .literal("/"),
            )
        }
    }
}
/// One review of an item.
pub mod review {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Error, Options, RfcEndpoint, Route};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "Review";
    /// A typed client of consumer `Review` at one route (rest-framework-channels' dialect): one method per action.
    #[derive(Clone, Debug)]
    pub struct Client {
        endpoint: RfcEndpoint,
        route: Route,
    }
    impl Client {
        /// A client on a connection's endpoint (`connection.rfc_endpoint()`) at
        /// `route` (`Route::root()` for the consumer's own actions).
        pub fn new(endpoint: RfcEndpoint, route: Route) -> Client {
            Client { endpoint, route }
        }
        /// The endpoint, for raw calls (`endpoint().request(..)`).
        pub fn endpoint(&self) -> &RfcEndpoint {
            &self.endpoint
        }
        /// The route every call of this client carries.
        pub fn route(&self) -> &Route {
            &self.route
        }
        /// The same client with another call timeout.
        pub fn with_timeout(&self, timeout: std::time::Duration) -> Client {
            Client {
                endpoint: self.endpoint.with_timeout(timeout),
                route: self.route.clone(),
            }
        }
        /// Action `retrieve` on the client's route.
        pub async fn retrieve(&self) -> Result<::std::string::String, Error> {
            self.endpoint.call(&self.route, "retrieve", &runtime::NoArgs {}).await
        }
    }
}
/// A consumer of the API (rest-framework-channels' dialect).
pub mod item_list {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Error, Options, RfcEndpoint, Route};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "ItemList";
    /// A typed client of consumer `ItemList` at one route (rest-framework-channels' dialect): one method per action.
    #[derive(Clone, Debug)]
    pub struct Client {
        endpoint: RfcEndpoint,
        route: Route,
    }
    impl Client {
        /// A client on a connection's endpoint (`connection.rfc_endpoint()`) at
        /// `route` (`Route::root()` for the consumer's own actions).
        pub fn new(endpoint: RfcEndpoint, route: Route) -> Client {
            Client { endpoint, route }
        }
        /// The endpoint, for raw calls (`endpoint().request(..)`).
        pub fn endpoint(&self) -> &RfcEndpoint {
            &self.endpoint
        }
        /// The route every call of this client carries.
        pub fn route(&self) -> &Route {
            &self.route
        }
        /// The same client with another call timeout.
        pub fn with_timeout(&self, timeout: std::time::Duration) -> Client {
            Client {
                endpoint: self.endpoint.with_timeout(timeout),
                route: self.route.clone(),
            }
        }
        /// A page of items.
        ///
        /// Action `list` on the client's route.
        pub async fn list(
            &self,
            args: &types::ItemListListArgs,
        ) -> Result<types::ItemListListResponse, Error> {
            self.endpoint.call(&self.route, "list", args).await
        }
    }
}
///The multiplexer at `/ws/`: one socket, each consumer on its own stream.
pub mod ws_multiplexer {
    use crate::runtime::{Connection, Error, Options};
    /// Where the multiplexer is mounted.
    pub const PATH: &str = "/ws/";
    /// A client per stream, all on one connection.
    #[derive(Clone, Debug)]
    pub struct Client {
        ///Stream `orders`: consumer `Orders`.
        pub orders: super::orders::Client,
        ///Stream `stock`: consumer `Stock`.
        pub stock: super::stock::Client,
        connection: Connection,
    }
    impl Client {
        /// Connects to the multiplexer at `url` (e.g. `ws://127.0.0.1:8000` followed by [`PATH`]).
        pub async fn connect(url: &str) -> Result<Client, Error> {
            Client::connect_with(url, Options::default()).await
        }
        /// Connects with `options`.
        pub async fn connect_with(url: &str, options: Options) -> Result<Client, Error> {
            Ok(Client::new(Connection::connect_with(url, options).await?))
        }
        /// Clients for the streams of an open connection to the multiplexer.
        pub fn new(connection: Connection) -> Client {
            Client {
                orders: super::orders::Client::new(connection.endpoint(Some("orders"))),
                stock: super::stock::Client::new(connection.endpoint(Some("stock"))),
                connection,
            }
        }
        /// The connection.
        pub fn connection(&self) -> &Connection {
            &self.connection
        }
    }
}
