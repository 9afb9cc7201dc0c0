//! The consumers' and multiplexers' clients, generated from the manifest. Do not edit.

/// Small actions that show the protocol: echo, arithmetic, errors, permissions and
/// detached work.
pub mod plain {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Endpoint, Error, Options};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "Plain";
    /// Where the consumer is mounted.
    pub const PATH: &str = "/ws/plain/";
    /// A typed client of consumer `Plain`: one method per action.
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
        /// Returns all of its arguments (everything but `action` and `request_id`) as an object.
        ///
        /// Action `echo`.
        pub async fn echo(
            &self,
            args: &::serde_json::Map<::std::string::String, ::serde_json::Value>,
        ) -> Result<
            ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            Error,
        > {
            self.endpoint.call("echo", args).await
        }
        /// Adds two integers.
        ///
        /// Action `add`.
        pub async fn add(&self, args: &types::AddArgs) -> Result<i64, Error> {
            self.endpoint.call("add", args).await
        }
        /// Always fails inside its handler: a 500 reply; the connection stays open.
        ///
        /// Action `fail`.
        pub async fn fail(&self) -> Result<(), Error> {
            self.endpoint.call("fail", &runtime::NoArgs {}).await
        }
        /// Refused by the consumer's permission class: a 403 reply.
        ///
        /// Action `forbidden`.
        pub async fn forbidden(&self) -> Result<(), Error> {
            self.endpoint.call("forbidden", &runtime::NoArgs {}).await
        }
        /// Sleeps for `delay` seconds without holding up the connection's other actions, then
        /// answers how long it slept.
        ///
        /// Action `slow`; runs detached: the server answers other calls meanwhile.
        pub async fn slow(&self, args: &types::SlowArgs) -> Result<types::Slept, Error> {
            self.endpoint.call("slow", args).await
        }
        /// Subscribes this request id to every todo change: `create`, `update` and `delete`
        /// pushes with the todo, after each commit.
        ///
        /// Action `subscribe_todos`; succeeds with status 201; a subscription: pushes `create`, `update`, `delete`; ended by `unsubscribe_todos`.
        pub async fn subscribe_todos(
            &self,
        ) -> Result<runtime::Subscription<SubscribeTodosPush, (), ()>, Error> {
            self.endpoint
                .subscribe("subscribe_todos", "unsubscribe_todos", &runtime::NoArgs {})
                .await
        }
        /// Stops the todo pushes of this request id.
        ///
        /// Action `unsubscribe_todos`; succeeds with status 204.
        pub async fn unsubscribe_todos(&self) -> Result<(), Error> {
            self.endpoint.call("unsubscribe_todos", &runtime::NoArgs {}).await
        }
    }
    /// Every push of consumer `Plain`.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Push {
        /// A todo was created.
        ///
        /// `create` (status 200)
        Create(types::Todo),
        /// A todo changed.
        ///
        /// `update` (status 200)
        Update(types::Todo),
        /// A todo was deleted (the todo as it was).
        ///
        /// `delete` (status 200)
        Delete(types::Todo),
    }
    impl runtime::PushSet for Push {
        fn decode(
            action: &str,
            _status: u16,
            data: serde_json::Value,
        ) -> Option<Result<Self, serde_json::Error>> {
            match action {
                "create" => Some(serde_json::from_value(data).map(Push::Create)),
                "update" => Some(serde_json::from_value(data).map(Push::Update)),
                "delete" => Some(serde_json::from_value(data).map(Push::Delete)),
                _ => None,
            }
        }
    }
    /// The pushes of a `subscribe_todos` subscription.
    #[derive(Debug, Clone, PartialEq)]
    pub enum SubscribeTodosPush {
        /// A todo was created.
        ///
        /// `create` (status 200)
        Create(types::Todo),
        /// A todo changed.
        ///
        /// `update` (status 200)
        Update(types::Todo),
        /// A todo was deleted (the todo as it was).
        ///
        /// `delete` (status 200)
        Delete(types::Todo),
    }
    impl runtime::PushSet for SubscribeTodosPush {
        fn decode(
            action: &str,
            _status: u16,
            data: serde_json::Value,
        ) -> Option<Result<Self, serde_json::Error>> {
            match action {
                "create" => {
                    Some(serde_json::from_value(data).map(SubscribeTodosPush::Create))
                }
                "update" => {
                    Some(serde_json::from_value(data).map(SubscribeTodosPush::Update))
                }
                "delete" => {
                    Some(serde_json::from_value(data).map(SubscribeTodosPush::Delete))
                }
                _ => None,
            }
        }
    }
}
/// The benchmark endpoint: as little work per message as the protocol allows.
pub mod bench {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Endpoint, Error, Options};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "Bench";
    /// Where the consumer is mounted.
    pub const PATH: &str = "/ws/bench/";
    /// A typed client of consumer `Bench`: one method per action.
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
        /// Returns its `data` argument verbatim (`null` when absent).
        ///
        /// Action `echo`.
        pub async fn echo(
            &self,
            args: &types::BenchEchoArgs,
        ) -> Result<::serde_json::Value, Error> {
            self.endpoint.call("echo", args).await
        }
        /// Subscribes this request id to the benchmark feed: every `publish`, from any
        /// connection, reaches it as a `message` push carrying this request id.
        ///
        /// Action `subscribe`; a subscription: pushes `message`; ended by `unsubscribe`.
        pub async fn subscribe(
            &self,
        ) -> Result<runtime::Subscription<SubscribePush, (), ()>, Error> {
            self.endpoint
                .subscribe("subscribe", "unsubscribe", &runtime::NoArgs {})
                .await
        }
        /// Stops the feed for this request id.
        ///
        /// Action `unsubscribe`; succeeds with status 204.
        pub async fn unsubscribe(&self) -> Result<(), Error> {
            self.endpoint.call("unsubscribe", &runtime::NoArgs {}).await
        }
        /// Joins the benchmark feed as a plain group member: every `publish` reaches this
        /// socket once more as a `message` push with `request_id: null` (the same bytes for
        /// every plain member, as Channels' `group_add` gives). Not a subscription: its pushes
        /// belong to no request, so it declares no `#[unsubscribe]`.
        ///
        /// Action `join`; causes pushes `message`.
        pub async fn join(&self) -> Result<(), Error> {
            self.endpoint.call("join", &runtime::NoArgs {}).await
        }
        /// Leaves the feed joined with `join` (subscriptions made with `subscribe` stay).
        ///
        /// Action `leave`; succeeds with status 204.
        pub async fn leave(&self) -> Result<(), Error> {
            self.endpoint.call("leave", &runtime::NoArgs {}).await
        }
        /// Sends `data` to every subscriber of the feed as a `message` push (one group send,
        /// no database), then answers.
        ///
        /// Action `publish`.
        pub async fn publish(
            &self,
            args: &types::BenchPublishArgs,
        ) -> Result<(), Error> {
            self.endpoint.call("publish", args).await
        }
    }
    /// Every push of consumer `Bench`.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Push {
        /// A `publish`ed value.
        ///
        /// `message` (status 200)
        Message(::serde_json::Value),
    }
    impl runtime::PushSet for Push {
        fn decode(
            action: &str,
            _status: u16,
            data: serde_json::Value,
        ) -> Option<Result<Self, serde_json::Error>> {
            match action {
                "message" => Some(serde_json::from_value(data).map(Push::Message)),
                _ => None,
            }
        }
    }
    /// The pushes of a `subscribe` subscription.
    #[derive(Debug, Clone, PartialEq)]
    pub enum SubscribePush {
        /// A `publish`ed value.
        ///
        /// `message` (status 200)
        Message(::serde_json::Value),
    }
    impl runtime::PushSet for SubscribePush {
        fn decode(
            action: &str,
            _status: u16,
            data: serde_json::Value,
        ) -> Option<Result<Self, serde_json::Error>> {
            match action {
                "message" => {
                    Some(serde_json::from_value(data).map(SubscribePush::Message))
                }
                _ => None,
            }
        }
    }
}
/// Todos: DCRF's generic actions, instance subscriptions and query subscriptions.
pub mod todos {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Endpoint, Error, Options};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "Todos";
    /// Where the consumer is mounted.
    pub const PATH: &str = "/ws/todos/";
    /// A typed client of consumer `Todos`: one method per action.
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
        /// The rows matching the filters (top-level keys naming query fields).
        ///
        /// Action `list`.
        pub async fn list(
            &self,
            args: &types::TodosListArgs,
        ) -> Result<::std::vec::Vec<types::Todo>, Error> {
            self.endpoint.call("list", args).await
        }
        /// One row by primary key.
        ///
        /// Action `retrieve`.
        pub async fn retrieve(
            &self,
            args: &types::Lookup,
        ) -> Result<types::Todo, Error> {
            self.endpoint.call("retrieve", args).await
        }
        /// Creates a row from `data`.
        ///
        /// Action `create`; succeeds with status 201.
        pub async fn create(
            &self,
            args: &types::TodosCreateArgs,
        ) -> Result<types::Todo, Error> {
            self.endpoint.call("create", args).await
        }
        /// Writes row `pk` from `data`: every required field must be sent; an omitted field with a default keeps its value.
        ///
        /// Action `update`.
        pub async fn update(
            &self,
            args: &types::TodosUpdateArgs,
        ) -> Result<types::Todo, Error> {
            self.endpoint.call("update", args).await
        }
        /// Changes the fields of row `pk` that `data` sets.
        ///
        /// Action `patch`.
        pub async fn patch(
            &self,
            args: &types::TodosPatchArgs,
        ) -> Result<types::Todo, Error> {
            self.endpoint.call("patch", args).await
        }
        /// Deletes row `pk`.
        ///
        /// Action `delete`; succeeds with status 204.
        pub async fn delete(&self, args: &types::Lookup) -> Result<(), Error> {
            self.endpoint.call("delete", args).await
        }
        /// Pushes `update` and `delete` for row `pk` to this request id, after each commit.
        ///
        /// Action `subscribe_instance`; succeeds with status 201; a subscription: pushes `update`, `delete`; ended by `unsubscribe_instance`.
        pub async fn subscribe_instance(
            &self,
            args: &types::Lookup,
        ) -> Result<runtime::Subscription<SubscribeInstancePush, (), ()>, Error> {
            self.endpoint
                .subscribe("subscribe_instance", "unsubscribe_instance", args)
                .await
        }
        /// Stops the pushes of this request id.
        ///
        /// Action `unsubscribe_instance`; succeeds with status 204.
        pub async fn unsubscribe_instance(
            &self,
            args: &types::Lookup,
        ) -> Result<(), Error> {
            self.endpoint.call("unsubscribe_instance", args).await
        }
        /// Pushes `create`, `update` and `delete` to this request id as rows enter, change in, or leave the filtered set.
        ///
        /// Action `subscribe_list`; succeeds with status 201; a subscription: pushes `create`, `update`, `delete`; ended by `unsubscribe_list`.
        pub async fn subscribe_list(
            &self,
            args: &types::TodosSubscribeListArgs,
        ) -> Result<runtime::Subscription<SubscribeListPush, (), ()>, Error> {
            self.endpoint.subscribe("subscribe_list", "unsubscribe_list", args).await
        }
        /// Stops the pushes of this request id.
        ///
        /// Action `unsubscribe_list`; succeeds with status 204.
        pub async fn unsubscribe_list(
            &self,
            args: &types::TodosUnsubscribeListArgs,
        ) -> Result<(), Error> {
            self.endpoint.call("unsubscribe_list", args).await
        }
    }
    /// Every push of consumer `Todos`.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Push {
        /// A row entered a subscribed set (201).
        ///
        /// `create` (status 201)
        Create(types::Todo),
        /// A subscribed row changed (200).
        ///
        /// `update` (status 200)
        Update(types::Todo),
        /// A subscribed row was deleted or left the set (204).
        ///
        /// `delete` (status 204)
        Delete(types::Deleted),
    }
    impl runtime::PushSet for Push {
        fn decode(
            action: &str,
            _status: u16,
            data: serde_json::Value,
        ) -> Option<Result<Self, serde_json::Error>> {
            match action {
                "create" => Some(serde_json::from_value(data).map(Push::Create)),
                "update" => Some(serde_json::from_value(data).map(Push::Update)),
                "delete" => Some(serde_json::from_value(data).map(Push::Delete)),
                _ => None,
            }
        }
    }
    /// The pushes of a `subscribe_instance` subscription.
    #[derive(Debug, Clone, PartialEq)]
    pub enum SubscribeInstancePush {
        /// A subscribed row changed (200).
        ///
        /// `update` (status 200)
        Update(types::Todo),
        /// A subscribed row was deleted or left the set (204).
        ///
        /// `delete` (status 204)
        Delete(types::Deleted),
    }
    impl runtime::PushSet for SubscribeInstancePush {
        fn decode(
            action: &str,
            _status: u16,
            data: serde_json::Value,
        ) -> Option<Result<Self, serde_json::Error>> {
            match action {
                "update" => {
                    Some(serde_json::from_value(data).map(SubscribeInstancePush::Update))
                }
                "delete" => {
                    Some(serde_json::from_value(data).map(SubscribeInstancePush::Delete))
                }
                _ => None,
            }
        }
    }
    /// The pushes of a `subscribe_list` subscription.
    #[derive(Debug, Clone, PartialEq)]
    pub enum SubscribeListPush {
        /// A row entered a subscribed set (201).
        ///
        /// `create` (status 201)
        Create(types::Todo),
        /// A subscribed row changed (200).
        ///
        /// `update` (status 200)
        Update(types::Todo),
        /// A subscribed row was deleted or left the set (204).
        ///
        /// `delete` (status 204)
        Delete(types::Deleted),
    }
    impl runtime::PushSet for SubscribeListPush {
        fn decode(
            action: &str,
            _status: u16,
            data: serde_json::Value,
        ) -> Option<Result<Self, serde_json::Error>> {
            match action {
                "create" => {
                    Some(serde_json::from_value(data).map(SubscribeListPush::Create))
                }
                "update" => {
                    Some(serde_json::from_value(data).map(SubscribeListPush::Update))
                }
                "delete" => {
                    Some(serde_json::from_value(data).map(SubscribeListPush::Delete))
                }
                _ => None,
            }
        }
    }
}
/// Todos, listed a page at a time (`limit` defaults to 2).
pub mod todos_paged {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Endpoint, Error, Options};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "TodosPaged";
    /// Where the consumer is mounted.
    pub const PATH: &str = "/ws/todos-paged/";
    /// A typed client of consumer `TodosPaged`: one method per action.
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
        /// One page of the rows matching the filters (`limit`, `offset`).
        ///
        /// Action `list`.
        pub async fn list(
            &self,
            args: &types::TodosPagedListArgs,
        ) -> Result<types::TodosPagedListResponse, Error> {
            self.endpoint.call("list", args).await
        }
    }
}
/// Todos, streamed: `list` replies once per page (`limit` defaults to 2) until the last;
/// `list_cancel` stops the streams in flight.
pub mod todos_streamed {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Endpoint, Error, Options};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "TodosStreamed";
    /// Where the consumer is mounted.
    pub const PATH: &str = "/ws/todos-streamed/";
    /// A typed client of consumer `TodosStreamed`: one method per action.
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
        /// Every page of the rows matching the filters, one reply per page with this request's id.
        ///
        /// Action `list`; runs detached: the server answers other calls meanwhile; a paged stream: one reply per page, ending with the page where `count == 0 || offset + limit >= count`; cancelled by `list_cancel`.
        pub async fn list(
            &self,
            args: &types::TodosStreamedListArgs,
        ) -> Result<runtime::PageStream<types::TodosStreamedListResponse>, Error> {
            self.endpoint.pages("list", "list_cancel", args).await
        }
        /// Stops the streamed lists in flight.
        ///
        /// Action `list_cancel`.
        pub async fn list_cancel(&self) -> Result<(), Error> {
            self.endpoint.call("list_cancel", &runtime::NoArgs {}).await
        }
    }
}
/// Todos in rest-framework-channels' dialect: `{"action", "route", ...}`; the routes
/// `todos/` and `todos/<pk>/` lead to [`TodoList`] and [`TodoDetail`].
pub mod rfc_todos {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Error, Options, RfcEndpoint, Route};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "RfcTodos";
    /// Where the consumer is mounted.
    pub const PATH: &str = "/ws/rfc/";
    /// A typed client of consumer `RfcTodos` at one route (rest-framework-channels' dialect): one method per action, one per route of its own.
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
        /// The consumer's own action, for messages whose route matches no pattern.
        ///
        /// Action `ping` on the client's route.
        pub async fn ping(&self) -> Result<::std::string::String, Error> {
            self.endpoint.call(&self.route, "ping", &runtime::NoArgs {}).await
        }
        /// Route `todos/<pk>/`: consumer `TodoDetail`, with `pk`.
        pub fn todos_pk(&self, pk: i64) -> super::todo_detail::Client {
            super::todo_detail::Client::new(
                self.endpoint.clone(),
                self
                    .route
                    .clone()
                    .literal("todos/")
                    .param("pk", runtime::Converter::Str, &pk)
                    .literal("/"),
            )
        }
        /// Route `todos/`: consumer `TodoList`.
        pub fn todos(&self) -> super::todo_list::Client {
            super::todo_list::Client::new(
                self.endpoint.clone(),
                self.route.clone().literal("todos/"),
            )
        }
    }
}
/// One todo (route `todos/<pk>/`). A todo owned by `locked` can be retrieved but not
/// changed (403).
pub mod todo_detail {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Error, Options, RfcEndpoint, Route};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "TodoDetail";
    /// A typed client of consumer `TodoDetail` at one route (rest-framework-channels' dialect): one method per action.
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
        /// The row named by the route's `pk`.
        ///
        /// Action `retrieve` on the client's route.
        pub async fn retrieve(&self) -> Result<types::Todo, Error> {
            self.endpoint.call(&self.route, "retrieve", &runtime::NoArgs {}).await
        }
        /// Writes the row named by the route's `pk` from `data`: every required field must be sent; an omitted field with a default keeps its value.
        ///
        /// Action `update` on the client's route.
        pub async fn update(
            &self,
            args: &types::TodoDetailUpdateArgs,
        ) -> Result<types::Todo, Error> {
            self.endpoint.call(&self.route, "update", args).await
        }
        /// Changes the fields `data` sets of the row named by the route's `pk`.
        ///
        /// Action `partial_update` on the client's route.
        pub async fn partial_update(
            &self,
            args: &types::TodoDetailPartialUpdateArgs,
        ) -> Result<types::Todo, Error> {
            self.endpoint.call(&self.route, "partial_update", args).await
        }
        /// Deletes the row named by the route's `pk`.
        ///
        /// Action `destroy` on the client's route; succeeds with status 204.
        pub async fn destroy(&self) -> Result<(), Error> {
            self.endpoint.call(&self.route, "destroy", &runtime::NoArgs {}).await
        }
        /// Flips `done` and returns the todo.
        ///
        /// Action `toggle` on the client's route.
        pub async fn toggle(&self) -> Result<types::Todo, Error> {
            self.endpoint.call(&self.route, "toggle", &runtime::NoArgs {}).await
        }
    }
}
/// The todo list (route `todos/`): pages of 2 (`todos/?page=2`), filters on the query
/// fields (`todos/?done=true`), and `create`.
pub mod todo_list {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Error, Options, RfcEndpoint, Route};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "TodoList";
    /// A typed client of consumer `TodoList` at one route (rest-framework-channels' dialect): one method per action.
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
        /// One page of the rows matching the filters (`?page=N` on the route); `next` and `previous` are routes.
        ///
        /// Action `list` on the client's route.
        pub async fn list(
            &self,
            args: &types::TodoListListArgs,
        ) -> Result<types::TodoListListResponse, Error> {
            self.endpoint.call(&self.route, "list", args).await
        }
        /// Creates a row from `data`.
        ///
        /// Action `create` on the client's route; succeeds with status 201.
        pub async fn create(
            &self,
            args: &types::TodoListCreateArgs,
        ) -> Result<types::Todo, Error> {
            self.endpoint.call(&self.route, "create", args).await
        }
    }
}
/// The HTTP todo endpoint `/api/todos/` over the socket (view_as_consumer): each action is
/// an HTTP request; the reply's `data` is the response body (the todo, the list, or the
/// endpoint's own error body) and `response_status` its HTTP status.
pub mod todo_view {
    #[allow(unused_imports)]
    use crate::runtime::{self, Connection, Endpoint, Error, Options};
    #[allow(unused_imports)]
    use crate::types;
    /// The consumer's name in the manifest.
    pub const NAME: &str = "TodoView";
    /// Where the consumer is mounted.
    pub const PATH: &str = "/ws/view/";
    /// A typed client of consumer `TodoView`: one method per action.
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
        /// `GET /api/todos/`: the todos, filtered.
        ///
        /// Action `list`.
        pub async fn list(
            &self,
            args: &types::ViewListArgs,
        ) -> Result<::serde_json::Value, Error> {
            self.endpoint.call("list", args).await
        }
        /// `GET /api/todos/<pk>/`: one todo.
        ///
        /// Action `retrieve`.
        pub async fn retrieve(
            &self,
            args: &types::ViewRetrieveArgs,
        ) -> Result<::serde_json::Value, Error> {
            self.endpoint.call("retrieve", args).await
        }
        /// `PUT /api/todos/`: creates a todo.
        ///
        /// Action `create`; succeeds with status 201.
        pub async fn create(
            &self,
            args: &types::ViewCreateArgs,
        ) -> Result<::serde_json::Value, Error> {
            self.endpoint.call("create", args).await
        }
        /// `PATCH /api/todos/<pk>/`: changes the fields sent.
        ///
        /// Action `update`.
        pub async fn update(
            &self,
            args: &types::ViewUpdateArgs,
        ) -> Result<::serde_json::Value, Error> {
            self.endpoint.call("update", args).await
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
        ///Stream `todos`: consumer `Todos`.
        pub todos: super::todos::Client,
        ///Stream `plain`: consumer `Plain`.
        pub plain: super::plain::Client,
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
                todos: super::todos::Client::new(connection.endpoint(Some("todos"))),
                plain: super::plain::Client::new(connection.endpoint(Some("plain"))),
                connection,
            }
        }
        /// The connection.
        pub fn connection(&self) -> &Connection {
            &self.connection
        }
    }
}
