//! The `consumer!` macro: one declaration gives argument structs, a handler trait, dispatch
//! glue and the consumer's manifest entry.
//!
//! It is a tt-muncher in four stages, each an internal `@` rule of `__consumer_munch!`:
//! `@consumers` splits the input into consumers, `@items` walks one consumer's body item by
//! item, `@attrs` collects an item's attributes (docs, `#[detached]`, `#[status = N]`,
//! `#[pushes(...)]`) and then matches the item itself, accumulating a normalised list;
//! `__consumer_emit!` turns the list into code. Misuses end in a `compile_error!` that names
//! the fix. Expansions refer to chanrest only through `$crate` and `$crate::__private`; the
//! serde and schemars derives need the path as a string, so the user's crate must call its
//! chanrest dependency `chanrest` (the default).

/// Declares consumers: their actions with typed arguments and responses, and their pushes.
///
/// # Grammar
///
/// ```text
/// consumer! {
///     /// Doc comment of the consumer (optional).
///     #[dialect = rfc]             // optional: rest-framework-channels' envelope (default dcrf)
///     pub consumer Name: NameHandler {          // or `NameHandler where Self: SuperTrait {`
///         /// Doc comment of the action (becomes the schema description).
///         #[detached]              // optional: runs concurrently with later messages
///         #[status = 201]          // optional: success status (default 200)
///         #[pushes(event, ...)]    // optional: pushes this action can cause
///         #[unsubscribe(name)]     // optional: the action that ends this subscription
///         action name(ArgsStruct { field: Type, #[serde(default)] other: Type }) -> Response;
///         action name(ExistingArgsType) -> Response;
///         action name() -> Response;
///         action name(Args) -> Response = path::to::default_fn;   // provided: default_fn(handler, ctx, args)
///
///         /// Doc comment of the push.
///         push event(DataType);
///     }
///     // more consumers...
/// }
/// ```
///
/// # What it generates, for `pub consumer Calc: CalcHandler`
///
/// - `pub struct Calc<H = ()>(pub H)`: the consumer; serve it with `Calc(your_handler)`.
///   It implements [`Contract`](crate::Contract) (its manifest entry) and, for every
///   `H: CalcHandler`, [`Consumer`](crate::Consumer) (dispatch).
/// - One argument struct per inline `Args { ... }` with public fields and serde + schemars
///   derives; field attributes (`#[serde(rename = ..., default)]`, docs) are kept.
/// - `pub trait CalcHandler` (an `#[async_trait]`): one
///   `async fn name(&self, ctx: &Ctx, args: Args) -> chanrest::Result<Response>` per action,
///   plus overridable `permissions`, `on_connect`, `on_disconnect` and `action_name` hooks.
///
/// ```
/// chanrest::consumer! {
///     /// Arithmetic.
///     pub consumer Calc: CalcHandler {
///         /// Adds two integers.
///         action add(AddArgs { a: i64, b: i64 }) -> i64;
///         /// Waits without blocking the connection's other actions.
///         #[detached]
///         action wait(WaitArgs { #[serde(default)] seconds: f64 }) -> ();
///         action ping() -> String;
///     }
/// }
///
/// struct Impl;
///
/// #[chanrest::async_trait]
/// impl CalcHandler for Impl {
///     async fn add(&self, _ctx: &chanrest::Ctx, args: AddArgs) -> chanrest::Result<i64> {
///         Ok(args.a + args.b)
///     }
///     async fn wait(&self, _ctx: &chanrest::Ctx, args: WaitArgs) -> chanrest::Result<()> {
///         tokio::time::sleep(std::time::Duration::from_secs_f64(args.seconds)).await;
///         Ok(())
///     }
///     async fn ping(&self, _ctx: &chanrest::Ctx, _args: chanrest::NoArgs) -> chanrest::Result<String> {
///         Ok("pong".into())
///     }
/// }
///
/// let app = chanrest::App::new().consumer("/ws/calc/", Calc(Impl));
/// # let _ = app;
/// ```
#[macro_export]
macro_rules! consumer {
    ($($input:tt)*) => {
        $crate::__consumer_munch! { @consumers $($input)* }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_munch {
    // ---- @consumers: one consumer block at a time ---------------------------------------
    (@consumers) => {};
    (@consumers
        $(#[doc = $doc:expr])*
        $vis:vis consumer $name:ident : $handler:ident $(where Self: $super:path)? { $($body:tt)* }
        $($rest:tt)*
    ) => {
        // Header, then the accumulated actions and pushes (empty so far), then the body.
        $crate::__consumer_munch! { @items ($vis $name $handler [$($super)?] [$($doc),*] [dcrf]) [] [] $($body)* }
        $crate::__consumer_munch! { @consumers $($rest)* }
    };
    // A consumer in another envelope dialect: `#[dialect = rfc]` after its doc comments.
    (@consumers
        $(#[doc = $doc:expr])*
        #[dialect = $dialect:ident]
        $vis:vis consumer $name:ident : $handler:ident $(where Self: $super:path)? { $($body:tt)* }
        $($rest:tt)*
    ) => {
        $crate::__consumer_munch! { @items ($vis $name $handler [$($super)?] [$($doc),*] [$dialect]) [] [] $($body)* }
        $crate::__consumer_munch! { @consumers $($rest)* }
    };
    (@consumers $(#[doc = $doc:expr])* $vis:vis consumer $name:ident { $($body:tt)* } $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: name the handler trait to generate, e.g. `consumer ",
            stringify!($name), ": ", stringify!($name), "Handler { ... }`"
        ));
    };
    (@consumers $(#[doc = $doc:expr])* #[$meta:meta] $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: only doc comments and `#[dialect = rfc]` may precede `consumer`, found `#[",
            stringify!($meta), "]`"
        ));
    };
    (@consumers $($other:tt)+) => {
        compile_error!("chanrest::consumer!: expected `pub consumer Name: NameHandler { action name(Args) -> Response; }`");
    };

    // ---- @dialect: the `Dialect` named by `#[dialect = ...]` ---------------------------------
    (@dialect dcrf) => { $crate::Dialect::Dcrf };
    (@dialect rfc) => { $crate::Dialect::Rfc };
    (@dialect $other:ident) => {
        compile_error!(concat!(
            "chanrest::consumer!: unknown dialect `", stringify!($other), "`; use `#[dialect = dcrf]` (the default) or `#[dialect = rfc]`"
        ))
    };

    // ---- @items: the body of one consumer -------------------------------------------------
    // Body done: generate the code.
    (@items $header:tt $actions:tt $pushes:tt) => {
        $crate::__consumer_emit! { $header $actions $pushes }
    };
    // Another item: start collecting its attributes with the defaults
    // [docs] [detached] [status] [pushes].
    (@items $header:tt $actions:tt $pushes:tt $($rest:tt)+) => {
        $crate::__consumer_munch! { @attrs $header $actions $pushes [] [false] [200] [] [] $($rest)+ }
    };

    // ---- @attrs: an item's attributes, then the item ---------------------------------------
    (@attrs $header:tt $actions:tt $pushes:tt [$($doc:expr),*] $detached:tt $status:tt $emits:tt $unsub:tt
        #[doc = $line:expr] $($rest:tt)*
    ) => {
        $crate::__consumer_munch! { @attrs $header $actions $pushes [$($doc,)* $line] $detached $status $emits $unsub $($rest)* }
    };
    (@attrs $header:tt $actions:tt $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        #[detached] $($rest:tt)*
    ) => {
        $crate::__consumer_munch! { @attrs $header $actions $pushes $docs [true] $status $emits $unsub $($rest)* }
    };
    (@attrs $header:tt $actions:tt $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        #[status = $code:literal] $($rest:tt)*
    ) => {
        $crate::__consumer_munch! { @attrs $header $actions $pushes $docs $detached [$code] $emits $unsub $($rest)* }
    };
    (@attrs $header:tt $actions:tt $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        #[pushes($($push:ident),* $(,)?)] $($rest:tt)*
    ) => {
        $crate::__consumer_munch! { @attrs $header $actions $pushes $docs $detached $status [$($push)*] $unsub $($rest)* }
    };
    (@attrs $header:tt $actions:tt $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        #[unsubscribe($cancel:ident)] $($rest:tt)*
    ) => {
        $crate::__consumer_munch! { @attrs $header $actions $pushes $docs $detached $status $emits [$cancel] $($rest)* }
    };
    (@attrs $header:tt $actions:tt $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        #[$meta:meta] $($rest:tt)*
    ) => {
        compile_error!(concat!(
            "chanrest::consumer!: unknown attribute `#[", stringify!($meta),
            "]`; an action takes doc comments, `#[detached]`, `#[status = 201]`, `#[pushes(name, ...)]` and `#[unsubscribe(action)]`"
        ));
    };
    // An action whose argument struct is declared inline.
    (@attrs $header:tt [$($actions:tt)*] $pushes:tt [$($doc:expr),*] $detached:tt $status:tt $emits:tt $unsub:tt
        action $name:ident ( $args:ident { $( $(#[$field_meta:meta])* $field:ident : $field_ty:ty ),* $(,)? } ) -> $response:ty ;
        $($rest:tt)*
    ) => {
        $crate::__consumer_args_struct! { $header [$($doc),*] $args { $( $(#[$field_meta])* $field : $field_ty ),* } }
        $crate::__consumer_munch! {
            @items $header [$($actions)* { $name [$($doc),*] $detached $status $emits $unsub ($args) ($response) [] [;] }] $pushes $($rest)*
        }
    };
    // An action without arguments.
    (@attrs $header:tt [$($actions:tt)*] $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        action $name:ident ( ) -> $response:ty ; $($rest:tt)*
    ) => {
        $crate::__consumer_munch! {
            @items $header [$($actions)* { $name $docs $detached $status $emits $unsub ($crate::NoArgs) ($response) [] [;] }] $pushes $($rest)*
        }
    };
    // An action taking a type declared elsewhere.
    (@attrs $header:tt [$($actions:tt)*] $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        action $name:ident ( $args:ty ) -> $response:ty ; $($rest:tt)*
    ) => {
        $crate::__consumer_munch! {
            @items $header [$($actions)* { $name $docs $detached $status $emits $unsub ($args) ($response) [] [;] }] $pushes $($rest)*
        }
    };
    // An action with a default implementation: `= path::to::fn;`, called as
    // `fn(handler, ctx, args)`. The handler trait then provides the method.
    (@attrs $header:tt [$($actions:tt)*] $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        action $name:ident ( $args:ty ) -> $response:ty = $default:expr ; $($rest:tt)*
    ) => {
        $crate::__consumer_munch! {
            @items $header [$($actions)* { $name $docs $detached $status $emits $unsub ($args) ($response) [$default] [] }] $pushes $($rest)*
        }
    };
    (@attrs $header:tt $actions:tt $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        action $name:ident ( $($args:tt)* ) ; $($rest:tt)*
    ) => {
        compile_error!(concat!(
            "chanrest::consumer!: action `", stringify!($name), "` needs a response type: `action ",
            stringify!($name), "(...) -> Response;` (use `()` for none)"
        ));
    };
    (@attrs $header:tt $actions:tt $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        action $name:ident ( $($args:tt)* ) -> $response:ty
    ) => {
        compile_error!(concat!("chanrest::consumer!: end action `", stringify!($name), "` with `;`"));
    };
    (@attrs $header:tt $actions:tt $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        action $name:ident $($rest:tt)*
    ) => {
        compile_error!(concat!(
            "chanrest::consumer!: write action `", stringify!($name), "` as `action ", stringify!($name),
            "(Args { field: Type }) -> Response;`, `action ", stringify!($name), "(ArgsType) -> Response;` or `action ",
            stringify!($name), "() -> Response;`"
        ));
    };
    // A push.
    (@attrs $header:tt $actions:tt [$($pushes:tt)*] $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        push $name:ident ( $data:ty ) ; $($rest:tt)*
    ) => {
        $crate::__consumer_munch! { @items $header $actions [$($pushes)* { $name $docs $status ($data) }] $($rest)* }
    };
    (@attrs $header:tt $actions:tt $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        $other:tt $($rest:tt)*
    ) => {
        compile_error!(concat!(
            "chanrest::consumer!: expected `action name(Args) -> Response;` or `push name(Data);`, found `",
            stringify!($other), "`"
        ));
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_args_struct {
    (($vis:vis $name:ident $handler:ident $super:tt $cdocs:tt $dialect:tt) [$($doc:expr),*] $args:ident {
        $( $(#[$field_meta:meta])* $field:ident : $field_ty:ty ),*
    }) => {
        $(#[doc = $doc])*
        #[derive(
            Debug,
            Clone,
            $crate::__private::serde::Serialize,
            $crate::__private::serde::Deserialize,
            $crate::__private::schemars::JsonSchema
        )]
        #[serde(crate = "::chanrest::__private::serde")]
        #[schemars(crate = "::chanrest::__private::schemars")]
        $vis struct $args {
            $( $(#[$field_meta])* pub $field: $field_ty, )*
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_emit {
    (($vis:vis $name:ident $handler:ident $super:tt [$($cdoc:expr),*] [$dialect:ident])
     [$( { $action:ident [$($adoc:expr),*] [$detached:tt] [$status:tt] [$($emit:ident)*] [$($cancel:ident)?] ($args:ty) ($response:ty) $default:tt $semi:tt } )*]
     [$( { $push:ident [$($pdoc:expr),*] [$pstatus:tt] ($data:ty) } )*]
    ) => {
        $(#[doc = $cdoc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name<H = ()>(pub H);

        impl<H> $crate::Contract for $name<H> {
            const NAME: &'static str = stringify!($name);
            const DIALECT: $crate::Dialect = $crate::__consumer_munch!(@dialect $dialect);

            fn actions() -> &'static [$crate::ActionInfo] {
                &[$($crate::ActionInfo { name: stringify!($action), detached: $detached, status: $status }),*]
            }

            fn describe(builder: &mut $crate::ConsumerBuilder<'_>) {
                builder.doc(&$crate::__private::join_doc(&[$($cdoc),*]));
                $(
                    builder.action::<$args, $response>(
                        $crate::ActionInfo { name: stringify!($action), detached: $detached, status: $status },
                        &$crate::__private::join_doc(&[$($adoc),*]),
                        &[$(stringify!($emit)),*],
                        [$(stringify!($cancel))?].first().copied(),
                    );
                )*
                $(
                    builder.push::<$data>(stringify!($push), &$crate::__private::join_doc(&[$($pdoc),*]), $pstatus);
                )*
            }
        }

        $crate::__consumer_server! {
            ($vis $name $handler $super)
            [$( { $action [$($adoc),*] ($args) ($response) $default $semi } )*]
        }
    };
}

/// The server half of a consumer: the handler trait and the dispatch glue. Without the
/// `server` feature (a build script that only needs the manifest) it expands to nothing.
#[cfg(feature = "server")]
#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_server {
    (($vis:vis $name:ident $handler:ident [$($super:path)?])
     [$( { $action:ident [$($adoc:expr),*] ($args:ty) ($response:ty) [$($default:expr)?] [$($semi:tt)?] } )*]
    ) => {
        #[doc = concat!(
            "The handler of [`", stringify!($name), "`]: implement it (with `#[chanrest::async_trait]`) ",
            "and serve `", stringify!($name), "(handler)`."
        )]
        #[$crate::__private::async_trait]
        $vis trait $handler: Send + Sync + 'static $(+ $super)? {
            $(
                $(#[doc = $adoc])*
                async fn $action(&self, ctx: &$crate::Ctx, args: $args) -> $crate::Result<$response>
                $({ ($default)(self, ctx, args).await })?
                $($semi)?
            )*

            /// The permission checked at the handshake and before every action (default: allow all).
            fn permissions(&self) -> $crate::Permissions {
                $crate::Permissions::allow_any()
            }

            /// Runs once the socket is accepted; an error closes it with code 1008.
            async fn on_connect(&self, ctx: &$crate::Ctx) -> $crate::Result<()> {
                let _ = ctx;
                Ok(())
            }

            /// Runs when the socket is gone, after detached actions are cancelled and groups left.
            async fn on_disconnect(&self, ctx: &$crate::Ctx) {
                let _ = ctx;
            }

            /// Takes the action name out of a message (DCRF's `get_action_name`; default: `action`).
            fn action_name(
                &self,
                content: &mut $crate::__private::JsonMap,
            ) -> ::core::option::Option<$crate::__private::Value> {
                $crate::__private::default_action_name(content)
            }
        }

        impl<H: $handler> $crate::Consumer for $name<H> {
            fn name(&self) -> &'static str {
                <Self as $crate::Contract>::NAME
            }

            fn actions(&self) -> &'static [$crate::ActionInfo] {
                <Self as $crate::Contract>::actions()
            }

            fn dialect(&self) -> $crate::Dialect {
                <Self as $crate::Contract>::DIALECT
            }

            fn permissions(&self) -> $crate::Permissions {
                $handler::permissions(&self.0)
            }

            fn action_name(
                &self,
                content: &mut $crate::__private::JsonMap,
            ) -> ::core::option::Option<$crate::__private::Value> {
                $handler::action_name(&self.0, content)
            }

            fn start(
                self: $crate::__private::Arc<Self>,
                ctx: $crate::Ctx,
                action: &str,
                args: $crate::__private::JsonMap,
            ) -> ::core::option::Option<$crate::__private::ActionFuture> {
                $(
                    if action == stringify!($action) {
                        return ::core::option::Option::Some(::std::boxed::Box::pin(async move {
                            let args: $args = $crate::__private::decode_action_args(&ctx, args)?;
                            let response: $response = $handler::$action(&self.0, &ctx, args).await?;
                            $crate::__private::encode_data(&response)
                        }));
                    }
                )*
                let _ = (ctx, args);
                ::core::option::Option::None
            }

            fn on_connect(
                self: $crate::__private::Arc<Self>,
                ctx: $crate::Ctx,
            ) -> $crate::__private::BoxFuture<'static, $crate::Result<()>> {
                ::std::boxed::Box::pin(async move { $handler::on_connect(&self.0, &ctx).await })
            }

            fn on_disconnect(
                self: $crate::__private::Arc<Self>,
                ctx: $crate::Ctx,
            ) -> $crate::__private::BoxFuture<'static, ()> {
                ::std::boxed::Box::pin(async move { $handler::on_disconnect(&self.0, &ctx).await })
            }
        }
    };
}

#[cfg(not(feature = "server"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_server {
    ($($ignored:tt)*) => {};
}

/// Declares a model consumer: a `consumer!` whose actions are the chosen mixins, each provided
/// by a default method of `chanrest::generic`; the handler implements
/// `chanrest::generic::ModelHandler` and an empty handler trait.
///
/// Mixins: `list`, `paginated_list`, `streamed_list` (+ `list_cancel`), `retrieve`, `create`,
/// `update`, `patch`, `delete`, `subscribe_instance` (+ `unsubscribe_instance`),
/// `subscribe_list` (+ `unsubscribe_list`). Custom actions may follow after `;`, as in
/// `consumer!`.
///
/// ```no_run
/// chanrest::model! {
///     pub model Todo in "todos" (write TodoWrite, patch TodoPatch, filter TodoFilter) {
///         #[pk(auto)] id: i64,
///         title: String [max_length = 200],
///         #[query] owner: String = String::new(),
///     }
/// }
/// chanrest::model_consumer! {
///     /// Todos over the socket.
///     pub consumer Todos: TodosHandler for Todo {
///         list, retrieve, create, update, patch, delete, subscribe_instance, subscribe_list;
///     }
/// }
///
/// struct TodosApi { store: chanrest::store::Store }
/// impl chanrest::generic::ModelHandler<Todo> for TodosApi {
///     fn store(&self) -> &chanrest::store::Store { &self.store }
/// }
/// impl TodosHandler for TodosApi {}
/// ```
#[macro_export]
macro_rules! model_consumer {
    (
        $(#[doc = $doc:expr])*
        $vis:vis consumer $name:ident : $handler:ident for $model:ty {
            $($mixin:ident),* $(,)? $(; $($custom:tt)*)?
        }
    ) => {
        $crate::__model_consumer_munch! {
            ($(#[doc = $doc])* $vis consumer $name : $handler) ($model) [no] [] [$($mixin)*] [$($($custom)*)?]
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __model_consumer_munch {
    // Done: a consumer! with the mixins' actions, the pushes if any subscription, the custom actions.
    (($(#[doc = $doc:expr])* $vis:vis consumer $name:ident : $handler:ident) ($model:ty) [no] [$($actions:tt)*] [] [$($custom:tt)*]) => {
        $crate::consumer! {
            $(#[doc = $doc])*
            $vis consumer $name : $handler where Self: $crate::generic::ModelHandler<$model> {
                $($actions)*
                $($custom)*
            }
        }
    };
    (($(#[doc = $doc:expr])* $vis:vis consumer $name:ident : $handler:ident) ($model:ty) [yes] [$($actions:tt)*] [] [$($custom:tt)*]) => {
        $crate::consumer! {
            $(#[doc = $doc])*
            $vis consumer $name : $handler where Self: $crate::generic::ModelHandler<$model> {
                $($actions)*
                /// A row entered a subscribed set (201).
                #[status = 201]
                push create($model);
                /// A subscribed row changed (200).
                push update($model);
                /// A subscribed row was deleted or left the set (204).
                #[status = 204]
                push delete($crate::model::Deleted);
                $($custom)*
            }
        }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [list $($rest:ident)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// The rows matching the filters (top-level keys naming query fields).
            action list($crate::model::ListArgs<<$model as $crate::model::Model>::Filter>) -> ::std::vec::Vec<$model> = $crate::generic::list;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [paginated_list $($rest:ident)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// One page of the rows matching the filters (`limit`, `offset`).
            action list($crate::model::PageArgs<<$model as $crate::model::Model>::Filter>) -> $crate::model::Page<$model> = $crate::generic::paginated_list;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [streamed_list $($rest:ident)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// Every page of the rows matching the filters, one reply per page with this request's id.
            #[detached]
            action list($crate::model::PageArgs<<$model as $crate::model::Model>::Filter>) -> $crate::model::Page<$model> = $crate::generic::streamed_list;
            /// Stops the streamed lists in flight.
            action list_cancel($crate::NoArgs) -> () = $crate::generic::list_cancel;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [retrieve $($rest:ident)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// One row by primary key.
            action retrieve($crate::model::Lookup) -> $model = $crate::generic::retrieve;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [create $($rest:ident)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// Creates a row from `data`.
            #[status = 201]
            action create($crate::model::CreateArgs<<$model as $crate::model::Model>::Write>) -> $model = $crate::generic::create;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [update $($rest:ident)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// Writes row `pk` from `data`: every required field must be sent; an omitted field with a default keeps its value.
            action update($crate::model::UpdateArgs<<$model as $crate::model::Model>::Write>) -> $model = $crate::generic::update;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [patch $($rest:ident)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// Changes the fields of row `pk` that `data` sets.
            action patch($crate::model::UpdateArgs<<$model as $crate::model::Model>::Patch>) -> $model = $crate::generic::patch;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [delete $($rest:ident)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// Deletes row `pk`.
            #[status = 204]
            action delete($crate::model::Lookup) -> () = $crate::generic::delete;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [subscribe_instance $($rest:ident)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) [yes] [$($actions)*
            /// Pushes `update` and `delete` for row `pk` to this request id, after each commit.
            #[status = 201]
            #[pushes(update, delete)]
            #[unsubscribe(unsubscribe_instance)]
            action subscribe_instance($crate::model::Lookup) -> () = $crate::generic::subscribe_instance;
            /// Stops the pushes of this request id.
            #[status = 204]
            action unsubscribe_instance($crate::model::Lookup) -> () = $crate::generic::unsubscribe_instance;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [subscribe_list $($rest:ident)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) [yes] [$($actions)*
            /// Pushes `create`, `update` and `delete` to this request id as rows enter, change in, or leave the filtered set.
            #[status = 201]
            #[pushes(create, update, delete)]
            #[unsubscribe(unsubscribe_list)]
            action subscribe_list($crate::model::ListArgs<<$model as $crate::model::Model>::Filter>) -> () = $crate::generic::subscribe_list;
            /// Stops the pushes of this request id.
            #[status = 204]
            action unsubscribe_list($crate::model::ListArgs<<$model as $crate::model::Model>::Filter>) -> () = $crate::generic::unsubscribe_list;
        ] [$($rest)*] $custom }
    };
    ($header:tt $model:tt $subs:tt $actions:tt [$other:ident $($rest:ident)*] $custom:tt) => {
        compile_error!(concat!(
            "chanrest::model_consumer!: unknown mixin `", stringify!($other),
            "`; use list, paginated_list, streamed_list, retrieve, create, update, patch, delete, subscribe_instance, subscribe_list"
        ));
    };
}
