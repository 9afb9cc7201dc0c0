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
///     pub consumer Name: NameHandler {
///         /// Doc comment of the action (becomes the schema description).
///         #[detached]              // optional: runs concurrently with later messages
///         #[status = 201]          // optional: success status (default 200)
///         #[pushes(event, ...)]    // optional: pushes this action can cause
///         #[unsubscribe(name)]     // optional: the action that ends this subscription
///         action name(ArgsStruct { field: Type, #[serde(default)] other: Type }) -> Response;
///         action name(ExistingArgsType) -> Response;
///         action name() -> Response;
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
        $vis:vis consumer $name:ident : $handler:ident { $($body:tt)* }
        $($rest:tt)*
    ) => {
        // Header, then the accumulated actions and pushes (empty so far), then the body.
        $crate::__consumer_munch! { @items ($vis $name $handler [$($doc),*]) [] [] $($body)* }
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
            "chanrest::consumer!: only doc comments may precede `consumer`, found `#[",
            stringify!($meta), "]`"
        ));
    };
    (@consumers $($other:tt)+) => {
        compile_error!("chanrest::consumer!: expected `pub consumer Name: NameHandler { action name(Args) -> Response; }`");
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
            @items $header [$($actions)* { $name [$($doc),*] $detached $status $emits $unsub ($args) ($response) }] $pushes $($rest)*
        }
    };
    // An action without arguments.
    (@attrs $header:tt [$($actions:tt)*] $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        action $name:ident ( ) -> $response:ty ; $($rest:tt)*
    ) => {
        $crate::__consumer_munch! {
            @items $header [$($actions)* { $name $docs $detached $status $emits $unsub ($crate::NoArgs) ($response) }] $pushes $($rest)*
        }
    };
    // An action taking a type declared elsewhere.
    (@attrs $header:tt [$($actions:tt)*] $pushes:tt $docs:tt $detached:tt $status:tt $emits:tt $unsub:tt
        action $name:ident ( $args:ty ) -> $response:ty ; $($rest:tt)*
    ) => {
        $crate::__consumer_munch! {
            @items $header [$($actions)* { $name $docs $detached $status $emits $unsub ($args) ($response) }] $pushes $($rest)*
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
    (($vis:vis $name:ident $handler:ident $cdocs:tt) [$($doc:expr),*] $args:ident {
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
    (($vis:vis $name:ident $handler:ident [$($cdoc:expr),*])
     [$( { $action:ident [$($adoc:expr),*] [$detached:tt] [$status:tt] [$($emit:ident)*] [$($cancel:ident)?] ($args:ty) ($response:ty) } )*]
     [$( { $push:ident [$($pdoc:expr),*] [$pstatus:tt] ($data:ty) } )*]
    ) => {
        $(#[doc = $cdoc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name<H = ()>(pub H);

        impl<H> $crate::Contract for $name<H> {
            const NAME: &'static str = stringify!($name);

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
            ($vis $name $handler)
            [$( { $action [$($adoc),*] ($args) ($response) } )*]
        }
    };
}

/// The server half of a consumer: the handler trait and the dispatch glue. Without the
/// `server` feature (a build script that only needs the manifest) it expands to nothing.
#[cfg(feature = "server")]
#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_server {
    (($vis:vis $name:ident $handler:ident)
     [$( { $action:ident [$($adoc:expr),*] ($args:ty) ($response:ty) } )*]
    ) => {
        #[doc = concat!(
            "The handler of [`", stringify!($name), "`]: implement it (with `#[chanrest::async_trait]`) ",
            "and serve `", stringify!($name), "(handler)`."
        )]
        #[$crate::__private::async_trait]
        $vis trait $handler: Send + Sync + 'static {
            $(
                $(#[doc = $adoc])*
                async fn $action(&self, ctx: &$crate::Ctx, args: $args) -> $crate::Result<$response>;
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
                            let args: $args = $crate::decode_args(args)?;
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
