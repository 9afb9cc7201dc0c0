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
    /// [`super::Todos`].
    pub const TODOS: &str = "/ws/todos/";
    /// [`super::TodosPaged`].
    pub const TODOS_PAGED: &str = "/ws/todos-paged/";
    /// [`super::TodosStreamed`].
    pub const TODOS_STREAMED: &str = "/ws/todos-streamed/";
    /// The multiplexer: streams [`super::streams::TODOS`] and [`super::streams::PLAIN`].
    pub const MULTIPLEXER: &str = "/ws/";
}

/// Stream names of the multiplexer.
pub mod streams {
    /// [`super::Todos`].
    pub const TODOS: &str = "todos";
    /// [`super::Plain`].
    pub const PLAIN: &str = "plain";
}

chanrest::model! {
    /// A todo item.
    pub model Todo in "todos" (write TodoWrite, patch TodoPatch, filter TodoFilter) {
        /// Assigned by the database; never reused, even after a delete.
        #[pk(auto)]
        id: i64,
        /// What to do.
        title: String [max_length = 200],
        /// Done yet?
        #[query]
        done: bool = false,
        /// Who owns it (may be empty).
        #[query]
        owner: String [max_length = 100, blank = true] = String::new(),
    }
}

chanrest::model_consumer! {
    /// Todos: DCRF's generic actions, instance subscriptions and query subscriptions.
    pub consumer Todos: TodosHandler for Todo {
        list, retrieve, create, update, patch, delete, subscribe_instance, subscribe_list
    }
}

chanrest::model_consumer! {
    /// Todos, listed a page at a time (`limit` defaults to 2).
    pub consumer TodosPaged: TodosPagedHandler for Todo {
        paginated_list
    }
}

chanrest::model_consumer! {
    /// Todos, streamed: `list` replies once per page (`limit` defaults to 2) until the last;
    /// `list_cancel` stops the streams in flight.
    pub consumer TodosStreamed: TodosStreamedHandler for Todo {
        streamed_list
    }
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

        /// Subscribes this request id to every todo change: `create`, `update` and `delete`
        /// pushes with the todo, after each commit.
        #[status = 201]
        #[pushes(create, update, delete)]
        #[unsubscribe(unsubscribe_todos)]
        action subscribe_todos() -> ();

        /// Stops the todo pushes of this request id.
        #[status = 204]
        action unsubscribe_todos() -> ();

        /// A todo was created.
        push create(Todo);
        /// A todo changed.
        push update(Todo);
        /// A todo was deleted (the todo as it was).
        push delete(Todo);
    }

    /// The benchmark endpoint: as little work per message as the protocol allows.
    pub consumer Bench: BenchHandler {
        /// Returns its `data` argument verbatim (`null` when absent).
        action echo(BenchEchoArgs {
            /// Any JSON value.
            #[serde(default)]
            data: serde_json::Value,
        }) -> serde_json::Value;

        /// Subscribes this request id to the benchmark feed: every `publish`, from any
        /// connection, reaches it as a `message` push carrying this request id.
        #[pushes(message)]
        #[unsubscribe(unsubscribe)]
        action subscribe() -> ();

        /// Stops the feed for this request id.
        #[status = 204]
        action unsubscribe() -> ();

        /// Joins the benchmark feed as a plain group member: every `publish` reaches this
        /// socket once more as a `message` push with `request_id: null` (the same bytes for
        /// every plain member, as Channels' `group_add` gives). Not a subscription: its pushes
        /// belong to no request, so it declares no `#[unsubscribe]`.
        #[pushes(message)]
        action join() -> ();

        /// Leaves the feed joined with `join` (subscriptions made with `subscribe` stay).
        #[status = 204]
        action leave() -> ();

        /// Sends `data` to every subscriber of the feed as a `message` push (one group send,
        /// no database), then answers.
        action publish(BenchPublishArgs {
            /// Any JSON value.
            #[serde(default)]
            data: serde_json::Value,
        }) -> ();

        /// A `publish`ed value.
        push message(serde_json::Value);
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
        .consumer::<Todos>(paths::TODOS)
        .consumer::<TodosPaged>(paths::TODOS_PAGED)
        .consumer::<TodosStreamed>(paths::TODOS_STREAMED)
        .multiplexer(
            paths::MULTIPLEXER,
            &[(streams::TODOS, "Todos"), (streams::PLAIN, "Plain")],
        )
        .routed::<RfcTodos>(routes::PATH, &rfc_routes())
        .consumer::<TodoView>(routes::VIEW)
        .build()
}

// ---- The rest-framework-channels dialect: a routed consumer over the same `Todo` model. ----

/// The routed todo API at [`routes::PATH`] and its route patterns.
pub mod routes {
    /// Where [`super::RfcTodos`] is mounted.
    pub const PATH: &str = "/ws/rfc/";
    /// One todo: [`super::TodoDetail`]. Listed before [`TODO_LIST`], which would also match
    /// `todos/7/` (prefix matching, first match wins).
    pub const TODO_DETAIL: &str = "todos/<pk>/";
    /// The todo list: [`super::TodoList`].
    pub const TODO_LIST: &str = "todos/";
    /// Where the HTTP todo endpoint is served over the socket (view_as_consumer).
    pub const VIEW: &str = "/ws/view/";
    /// The HTTP todo endpoint's path templates, detail first (the one taking `pk`).
    pub const VIEW_PATHS: [&str; 2] = ["/api/todos/<pk>/", "/api/todos/"];
}

chanrest::consumer! {
    /// Todos in rest-framework-channels' dialect: `{"action", "route", ...}`; the routes
    /// `todos/` and `todos/<pk>/` lead to [`TodoList`] and [`TodoDetail`].
    #[dialect = rfc]
    pub consumer RfcTodos: RfcTodosHandler {
        /// The consumer's own action, for messages whose route matches no pattern.
        action ping() -> String;
    }
}

chanrest::routed_model_consumer! {
    /// The todo list (route `todos/`): pages of 2 (`todos/?page=2`), filters on the query
    /// fields (`todos/?done=true`), and `create`.
    pub consumer TodoList: TodoListHandler for Todo {
        paginated_list, create
    }
}

chanrest::routed_model_consumer! {
    /// One todo (route `todos/<pk>/`). A todo owned by `locked` can be retrieved but not
    /// changed (403).
    pub consumer TodoDetail: TodoDetailHandler for Todo, pk i64 {
        retrieve, update, partial_update, destroy;

        /// Flips `done` and returns the todo.
        action toggle(chanrest::rfc::RouteLookup<i64>) -> Todo;
    }
}

/// The route table of [`RfcTodos`], in matching order.
pub fn rfc_routes() -> chanrest::Routes {
    chanrest::Routes::new()
        .route::<TodoDetail>(routes::TODO_DETAIL)
        .route::<TodoList>(routes::TODO_LIST)
}

/// The `query` of [`TodoView`]'s `list`: `GET /api/todos/`'s filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ViewQuery {
    /// Only todos done (or not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
    /// Only todos of any of these owners.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner: Vec<String>,
}

/// The `parameters` of [`TodoView`]'s detail actions: the path's `<pk>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ViewPk {
    /// The todo's id.
    pub pk: i64,
}

chanrest::consumer! {
    /// The HTTP todo endpoint `/api/todos/` over the socket (view_as_consumer): each action is
    /// an HTTP request; the reply's `data` is the response body (the todo, the list, or the
    /// endpoint's own error body) and `response_status` its HTTP status.
    pub consumer TodoView: TodoViewHandler {
        /// `GET /api/todos/`: the todos, filtered.
        action list(ViewListArgs {
            /// The filters.
            #[serde(default)]
            query: ViewQuery,
        }) -> serde_json::Value;
        /// `GET /api/todos/<pk>/`: one todo.
        action retrieve(ViewRetrieveArgs {
            /// The path parameters.
            parameters: ViewPk,
        }) -> serde_json::Value;
        /// `PUT /api/todos/`: creates a todo.
        #[status = 201]
        action create(ViewCreateArgs {
            /// The new todo.
            data: TodoWrite,
        }) -> serde_json::Value;
        /// `PATCH /api/todos/<pk>/`: changes the fields sent.
        action update(ViewUpdateArgs {
            /// The path parameters.
            parameters: ViewPk,
            /// The fields to change.
            data: TodoPatch,
        }) -> serde_json::Value;
    }
}
