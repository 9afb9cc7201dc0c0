//! The `consumer!` and `model_consumer!` macros: one declaration gives argument structs, a
//! handler trait, dispatch glue and the consumer's manifest entry.
//!
//! # How the macros are built
//!
//! They must accept a consumer of any realistic size without `#![recursion_limit]`, so no
//! macro recurses once per attribute or per action (each nested expansion counts towards the
//! limit of 128):
//!
//! 1. `consumer!` hands each consumer block to `__consumer_body!` (one level per *consumer*).
//! 2. `__consumer_body!` matches the whole body in one step: every item has the shape
//!    `#[attrs]* kind name (sig) [-> Response] [= default];`. Only when that fails does its
//!    `@find` rule walk the items (eight well-formed ones per step) to name the malformed one.
//! 3. `__consumer_emit!` writes the code. Wherever an item's output depends on its kind or
//!    attributes, it calls a helper once per item (`__consumer_item!`) and once per attribute
//!    (`__consumer_attr!`); the helpers never call themselves, so the nesting depth stays
//!    constant. Where a position cannot hold a macro call that expands to nothing (an array
//!    element), each attribute maps to a value (`Option`, `bool`) and a `const fn` of
//!    [`support`] folds the values at compile time.
//! 4. Mistakes become compile errors that name the fix. A name in `#[pushes]` or
//!    `#[unsubscribe]` is checked by a `macro_rules!` the expansion defines, with one rule
//!    per declared item (`__chanrest_declared!`), whose last rules are `compile_error!`s;
//!    what needs counting (a name declared twice, an attribute given twice) is a `const`
//!    assertion, reported as "evaluation panicked: <the message>". A macro's error always
//!    underlines the whole call, so where the mistake is a name a second error sits on the
//!    offending token itself: the name is looked up among the declared or known ones (rustc
//!    adds "a similar name exists"), or bound twice as a parameter (E0415 on the second).
//!    A `compile_error!` with such a lookup sits inside a `const _: () = { .. };` block: one
//!    among a module's items ends compilation before the lookup is reported.
//!
//! Expansions refer to chanrest only through `$crate` and `$crate::__private`; the serde and
//! schemars derives need the path as a string, so the user's crate must call its chanrest
//! dependency `chanrest` (the default).

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
///         #[pushes(event, ...)]    // optional: pushes this action can cause (declared below)
///         #[unsubscribe(name)]     // optional, with #[pushes]: the action that ends this
///                                  // subscription (its pushes carry this request's id)
///         #[pages(cancel = name)]  // optional: a paged stream: replies once per page
///                                  // `{count, results, limit, offset}` with this request's
///                                  // id, ending with the page where `count == 0 ||
///                                  // offset + limit >= count` (or an error); `name` is the
///                                  // declared action that cancels the streams in flight
///         action name(ArgsStruct { field: Type, #[serde(default)] other: Type }) -> Response;
///         action name(ExistingArgsType) -> Response;
///         action name() -> Response;
///         action name(Args) -> Response = path::to::default_fn;   // provided: default_fn(handler, ctx, args)
///
///         /// Doc comment of the push.
///         #[status = 201]          // optional: the push's response_status (default 200)
///         push event(DataType);
///     }
///     // more consumers...
/// }
/// ```
///
/// Attributes may come in any order, each at most once per item. Action and push names are
/// unique within a consumer. Each mistake is a compile error that says what to write instead.
///
/// # What it generates, for `pub consumer Calc: CalcHandler`
///
/// - `pub struct Calc<H = ()>(pub H)`: the consumer; serve it with `Calc(your_handler)`.
///   It implements [`Contract`](crate::Contract) (its manifest entry) and, for every
///   `H: CalcHandler`, [`Consumer`](crate::Consumer) (dispatch).
/// - One argument struct per inline `Args { ... }` with public fields and serde + schemars
///   derives; field attributes (`#[serde(rename = ..., default)]`, docs) are kept.
/// - `pub trait CalcHandler`: one method per action, which you implement as a plain
///   `async fn name(&self, ctx: &Ctx, args: Args) -> chanrest::Result<Response>` (no
///   `#[async_trait]`: the trait declares `fn name(..) -> impl Future<Output = ..> + Send`),
///   plus overridable `permissions`, `on_connect`, `on_disconnect` and `action_name` hooks.
///   The futures must be `Send` (detached actions run as tasks): hold no `Rc` or
///   `std::sync::MutexGuard` across an `.await`.
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
///
/// # Internal rules
///
/// `__consumer_munch!` (`@consumers`: one consumer at a time), `__consumer_body!` (the body
/// in one step; `@find` for a malformed item), `__consumer_emit!` (the contract half),
/// `__consumer_server!` (the handler trait and dispatch, only with the `server` feature),
/// `__consumer_item!` and `__consumer_attr!` (per item and per attribute, never recursive).
#[macro_export]
macro_rules! consumer {
    ($($input:tt)*) => {
        $crate::__consumer_munch! { @consumers $($input)* }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_munch {
    // ---- @consumers: one consumer block per step (a file declares a handful) ---------------
    (@consumers) => {};
    (@consumers
        $(#[$($cattr:tt)*])*
        $vis:vis consumer $name:ident : $handler:ident $(where Self: $super:path)? { $($body:tt)* }
        $($rest:tt)*
    ) => {
        // Header: (visibility name handler [supertrait] [consumer attributes]), then the body.
        $crate::__consumer_body! { ($vis $name $handler [$($super)?] [$([$($cattr)*])*]) $($body)* }
        $crate::__consumer_munch! { @consumers $($rest)* }
    };
    (@consumers $(#[$($cattr:tt)*])* $vis:vis consumer $name:ident { $($body:tt)* } $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: name the handler trait to generate, e.g. `consumer ",
            stringify!($name), ": ", stringify!($name), "Handler { ... }`"
        ));
    };
    (@consumers $($other:tt)+) => {
        compile_error!("chanrest::consumer!: expected `pub consumer Name: NameHandler { action name(Args) -> Response; }`");
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_body {
    // ---- @find: the body did not match in one step; name the first malformed item ---------
    // Eight well-formed items: skip them at once (so a malformed item after hundreds of good
    // ones is still found well within the recursion limit).
    (@find $header:tt
        $(#[$($a0:tt)*])* $k0:ident $n0:ident $s0:tt $(-> $r0:ty)? $(= $d0:expr)? ;
        $(#[$($a1:tt)*])* $k1:ident $n1:ident $s1:tt $(-> $r1:ty)? $(= $d1:expr)? ;
        $(#[$($a2:tt)*])* $k2:ident $n2:ident $s2:tt $(-> $r2:ty)? $(= $d2:expr)? ;
        $(#[$($a3:tt)*])* $k3:ident $n3:ident $s3:tt $(-> $r3:ty)? $(= $d3:expr)? ;
        $(#[$($a4:tt)*])* $k4:ident $n4:ident $s4:tt $(-> $r4:ty)? $(= $d4:expr)? ;
        $(#[$($a5:tt)*])* $k5:ident $n5:ident $s5:tt $(-> $r5:ty)? $(= $d5:expr)? ;
        $(#[$($a6:tt)*])* $k6:ident $n6:ident $s6:tt $(-> $r6:ty)? $(= $d6:expr)? ;
        $(#[$($a7:tt)*])* $k7:ident $n7:ident $s7:tt $(-> $r7:ty)? $(= $d7:expr)? ;
        $($rest:tt)*
    ) => {
        $crate::__consumer_body! { @find $header $($rest)* }
    };
    // A well-formed item: next.
    (@find $header:tt
        $(#[$($attr:tt)*])* $kind:ident $item:ident $sig:tt $(-> $response:ty)? $(= $default:expr)? ;
        $($rest:tt)*
    ) => {
        $crate::__consumer_body! { @find $header $($rest)* }
    };
    // `-> Response` parsed in the rule above, but no `;` after it (or after `= default`).
    (@find $header:tt $(#[$($attr:tt)*])* action $item:ident $sig:tt -> $($rest:tt)*) => {
        compile_error!(concat!("chanrest::consumer!: end action `", stringify!($item), "` with `;`"));
    };
    (@find $header:tt $(#[$($attr:tt)*])* action $item:ident $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: write action `", stringify!($item), "` as `action ", stringify!($item),
            "(Args { field: Type }) -> Response;`, `action ", stringify!($item), "(ArgsType) -> Response;` or `action ",
            stringify!($item), "() -> Response;`"
        ));
    };
    (@find $header:tt $(#[$($attr:tt)*])* push $item:ident $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: write push `", stringify!($item), "` as `push ", stringify!($item), "(DataType);`"
        ));
    };
    (@find $header:tt $(#[$($attr:tt)*])* $other:tt $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: expected `action name(Args) -> Response;` or `push name(Data);`, found `",
            stringify!($other), "`"
        ));
    };
    (@find $header:tt $($rest:tt)*) => {
        compile_error!("chanrest::consumer!: expected `action name(Args) -> Response;` or `push name(Data);`");
    };

    // ---- the body in one step --------------------------------------------------------------
    ($header:tt
        $(
            $(#[$($attr:tt)*])*
            $kind:ident $item:ident $sig:tt $(-> $response:ty)? $(= $default:expr)? ;
        )*
    ) => {
        // `$` is passed on for the `macro_rules!` the checks define.
        $crate::__consumer_emit! {
            ($) $header
            [$( [$kind $item $sig [$($response)?] [$($default)?] [$([$($attr)*])*]] )*]
        }
    };
    ($header:tt $($body:tt)*) => {
        $crate::__consumer_body! { @find $header $($body)* }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_emit {
    (($d:tt) ($vis:vis $name:ident $handler:ident $super:tt [$([$($cattr:tt)*])*])
     [$( [$kind:ident $item:ident $sig:tt $response:tt $default:tt $attrs:tt] )*]
    ) => {
        $(#[doc = $crate::__consumer_attr!(@doc_text $($cattr)*)])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name<H = ()>(pub H);

        $( $crate::__consumer_item!(@args_struct $vis $kind $item $sig $attrs); )*

        impl<H> $crate::Contract for $name<H> {
            const NAME: &'static str = stringify!($name);
            const DIALECT: $crate::Dialect =
                $crate::__private::dialect(&[$( $crate::__consumer_attr!(@dialect $($cattr)*) ),*]);

            fn actions() -> &'static [$crate::ActionInfo] {
                // One entry per item, `None` for pushes, then the actions in one array.
                const ITEMS: &[::core::option::Option<$crate::ActionInfo>] =
                    &[$( $crate::__consumer_item!(@info $kind $item $attrs) ),*];
                static ACTIONS: [$crate::ActionInfo; $crate::__private::count_actions(ITEMS)] =
                    $crate::__private::actions(ITEMS);
                &ACTIONS
            }

            fn describe(builder: &mut $crate::ConsumerBuilder<'_>) {
                builder.doc(&$crate::__private::join_doc_lines(&[$( $crate::__consumer_attr!(@doc_opt $($cattr)*) ),*]));
                $( $crate::__consumer_item!(@describe builder $kind $item $sig $response $attrs); )*
            }
        }

        // The checks: they hold in a build script too (no `server` feature).
        const _: () = {
            // `__chanrest_declared!(push p (a))` and `(action x (a))` pass for a declared item
            // and say how to fix anything else.
            macro_rules! __chanrest_declared {
                $( ($kind $item $d($d context:tt)*) => {}; )*
                (push $d push:ident ($d action:ident)) => {
                    compile_error!(concat!(
                        "chanrest::consumer!: action `", stringify!($d action), "` lists `", stringify!($d push),
                        "` in `#[pushes(...)]`, but `", stringify!($name), "` declares no push `", stringify!($d push),
                        "`: declare it (`push ", stringify!($d push), "(Data);`) or correct the name (declared pushes:",
                        $( $crate::__consumer_item!(@push_name $kind $item), )* ")"
                    ));
                    // The name looked up among the declared pushes: rustc underlines it and
                    // suggests the nearest.
                    const _: () = {
                        #[allow(non_camel_case_types, dead_code)]
                        mod declared_pushes { $( $crate::__consumer_item!(@marker push $kind $item); )* }
                        let _ = declared_pushes::$d push;
                    };
                };
                (action $d action:ident (pages $d streamer:ident)) => {
                    compile_error!(concat!(
                        "chanrest::consumer!: `#[pages(cancel = ", stringify!($d action), ")]` on action `",
                        stringify!($d streamer), "` names no action of `", stringify!($name),
                        "`: declare the action that cancels the stream (`action ", stringify!($d action),
                        "() -> ();`) or name a declared action"
                    ));
                    const _: () = {
                        #[allow(non_camel_case_types, dead_code)]
                        mod declared_actions { $( $crate::__consumer_item!(@marker action $kind $item); )* }
                        let _ = declared_actions::$d action;
                    };
                };
                (action $d action:ident ($d subscriber:ident)) => {
                    compile_error!(concat!(
                        "chanrest::consumer!: `#[unsubscribe(", stringify!($d action), ")]` on action `",
                        stringify!($d subscriber), "` names no action of `", stringify!($name),
                        "`: declare the action that ends the subscription (`action ", stringify!($d action),
                        "(Args) -> Response;`) or name a declared action"
                    ));
                    const _: () = {
                        #[allow(non_camel_case_types, dead_code)]
                        mod declared_actions { $( $crate::__consumer_item!(@marker action $kind $item); )* }
                        let _ = declared_actions::$d action;
                    };
                };
            }
            $( $crate::__consumer_attr!(@check_consumer $name $($cattr)*); )*
            // Every item's name, "" for the other kind: for the duplicate checks.
            const ACTION_NAMES: &[&str] = &[$( $crate::__consumer_item!(@action_name $kind $item) ),*];
            const PUSH_NAMES: &[&str] = &[$( $crate::__consumer_item!(@push_str $kind $item) ),*];
            $( $crate::__consumer_item!(@check $name $kind $item $sig $response $default $attrs); )*
            // Names bound as parameters: a name the user declares twice is rustc's E0415 on
            // the second one.
            #[allow(unused_variables, dead_code, clippy::too_many_arguments)]
            fn each_action_once($( $crate::__consumer_item!(@action_pat $kind $item): () ),*) {}
            #[allow(unused_variables, dead_code, clippy::too_many_arguments)]
            fn each_push_once($( $crate::__consumer_item!(@push_pat $kind $item): () ),*) {}
        };

        $crate::__consumer_server! {
            ($vis $name $handler $super)
            [$( [$kind $item $sig $response $default $attrs] )*]
        }
    };
}

/// One item of a consumer body, in one output position. Never recursive: each rule expands
/// to code or to nothing (a push in a position for actions, or the other way round).
#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_item {
    // ---- the argument type: `(Args { .. })`, `(Type)` or `()` (type position) --------------
    (@args_ty ($args:ident { $($fields:tt)* })) => { $args };
    (@args_ty ()) => { $crate::NoArgs };
    (@args_ty ($args:ty)) => { $args };
    // Malformed: reported by @check.
    (@args_ty $($other:tt)*) => { $crate::NoArgs };

    // ---- an inline argument struct (item position) ------------------------------------------
    (@args_struct $vis:vis action $item:ident
        ($args:ident { $( $(#[$field_meta:meta])* $field:ident : $field_ty:ty ),* $(,)? })
        [$([$($attr:tt)*])*]
    ) => {
        $(#[doc = $crate::__consumer_attr!(@doc_text $($attr)*)])*
        #[derive(
            Debug,
            Clone,
            $crate::__private::serde::Serialize,
            $crate::__private::serde::Deserialize,
            $crate::__private::schemars::JsonSchema
        )]
        #[serde(crate = "::chanrest::__private::serde")]
        #[schemars(crate = "::chanrest::__private::schemars")]
        // Set explicitly: the docs above are not literals to the derive, which would keep a
        // space at the start of every line but the first.
        #[schemars(description = $crate::__private::schema_description(
            &[$( $crate::__consumer_attr!(@doc_opt $($attr)*) ),*]
        ))]
        $vis struct $args {
            $( $(#[$field_meta])* pub $field: $field_ty, )*
        }
    };
    (@args_struct $($other:tt)*) => {};

    // ---- the action's `ActionInfo` (const expression) ---------------------------------------
    (@info action $item:ident $attrs:tt) => {
        ::core::option::Option::Some($crate::__consumer_item!(@info_expr $item $attrs))
    };
    (@info $kind:ident $item:ident $attrs:tt) => { ::core::option::Option::None };
    (@info_expr $item:ident [$([$($attr:tt)*])*]) => {
        $crate::ActionInfo {
            name: stringify!($item),
            detached: $crate::__private::any(&[$( $crate::__consumer_attr!(@detached $($attr)*) ),*]),
            status: $crate::__private::status(200, &[$( $crate::__consumer_attr!(@status $($attr)*) ),*]),
            pushes: $crate::__private::names(&[$( $crate::__consumer_attr!(@pushes $($attr)*) ),*]),
            unsubscribe: $crate::__private::name(&[$( $crate::__consumer_attr!(@unsubscribe $($attr)*) ),*]),
            pages_cancel: $crate::__private::name(&[$( $crate::__consumer_attr!(@pages $($attr)*) ),*]),
        }
    };

    // ---- the manifest entry (statement position) --------------------------------------------
    (@describe $builder:ident action $item:ident $sig:tt [$response:ty] [$([$($attr:tt)*])*]) => {
        {
            const INFO: $crate::ActionInfo = $crate::__consumer_item!(@info_expr $item [$([$($attr)*])*]);
            $builder.action::<$crate::__consumer_item!(@args_ty $sig), $response>(
                INFO,
                &$crate::__private::join_doc_lines(&[$( $crate::__consumer_attr!(@doc_opt $($attr)*) ),*]),
                INFO.pushes,
                INFO.unsubscribe,
            );
        }
    };
    (@describe $builder:ident push $item:ident ($data:ty) [] [$([$($attr:tt)*])*]) => {
        $builder.push::<$data>(
            stringify!($item),
            &$crate::__private::join_doc_lines(&[$( $crate::__consumer_attr!(@doc_opt $($attr)*) ),*]),
            $crate::__private::status(200, &[$( $crate::__consumer_attr!(@status $($attr)*) ),*]),
        );
    };
    (@describe $($other:tt)*) => {};

    // ---- names, for the checks ---------------------------------------------------------------
    (@action_name action $item:ident) => { stringify!($item) };
    (@action_name $kind:ident $item:ident) => { "" };
    (@push_str push $item:ident) => { stringify!($item) };
    (@push_str $kind:ident $item:ident) => { "" };
    (@push_name push $item:ident) => { concat!(" `", stringify!($item), "`") };
    (@push_name $kind:ident $item:ident) => { "" };
    (@action_pat action $item:ident) => { $item };
    (@action_pat $kind:ident $item:ident) => { _ };
    (@push_pat push $item:ident) => { $item };
    (@push_pat $kind:ident $item:ident) => { _ };
    (@marker push push $item:ident) => { pub(super) struct $item; };
    (@marker action action $item:ident) => { pub(super) struct $item; };
    (@marker $wanted:ident $kind:ident $item:ident) => {};

    // ---- @check: everything about one item that can be wrong (item position) ----------------
    (@check $name:ident action $item:ident $sig:tt [$($response:ty)?] [$($default:expr)?] [$([$($attr:tt)*])*]) => {
        $crate::__consumer_item!(@check_response $item [$($response)?]);
        $crate::__consumer_item!(@check_sig $item $sig);
        $( $crate::__consumer_attr!(@check_action $name $item $($attr)*); )*
        const _: () = {
            if $crate::__private::occurrences(ACTION_NAMES, stringify!($item)) > 1 {
                panic!(concat!(
                    "chanrest::consumer!: `", stringify!($name), "` declares action `", stringify!($item),
                    "` twice: rename one or remove it (in a model consumer, each mixin declares its actions; ",
                    "`list`, `paginated_list` and `streamed_list` all declare `list`)"
                ));
            }
            if $crate::__private::repeats(&[$( $crate::__consumer_attr!(@kind $($attr)*) ),*]) {
                panic!(concat!(
                    "chanrest::consumer!: action `", stringify!($item), "` repeats an attribute: give `#[detached]`, ",
                    "`#[status = N]`, `#[pushes(...)]`, `#[unsubscribe(...)]` and `#[pages(...)]` once each (one `#[pushes(a, b)]` lists every push)"
                ));
            }
            let info = $crate::__consumer_item!(@info_expr $item [$([$($attr)*])*]);
            if info.unsubscribe.is_some() && info.pushes.is_empty() {
                panic!(concat!(
                    "chanrest::consumer!: action `", stringify!($item), "` has `#[unsubscribe(...)]` but no ",
                    "`#[pushes(...)]`: name the pushes its subscription delivers, or drop `#[unsubscribe]`"
                ));
            }
        };
    };
    (@check $name:ident push $item:ident ($data:ty) [] [] [$([$($attr:tt)*])*]) => {
        $( $crate::__consumer_attr!(@check_push $item $($attr)*); )*
        const _: () = {
            if $crate::__private::occurrences(PUSH_NAMES, stringify!($item)) > 1 {
                panic!(concat!(
                    "chanrest::consumer!: `", stringify!($name), "` declares push `", stringify!($item),
                    "` twice: rename one or remove it"
                ));
            }
            if $crate::__private::repeats(&[$( $crate::__consumer_attr!(@kind $($attr)*) ),*]) {
                panic!(concat!("chanrest::consumer!: push `", stringify!($item), "` repeats `#[status = N]`: give it once"));
            }
        };
    };
    (@check $name:ident push $item:ident $sig:tt [$($response:tt)+] $default:tt $attrs:tt) => {
        compile_error!(concat!(
            "chanrest::consumer!: a push has no response: write `push ", stringify!($item), "(DataType);`"
        ));
    };
    (@check $name:ident push $item:ident $sig:tt $response:tt $default:tt $attrs:tt) => {
        compile_error!(concat!(
            "chanrest::consumer!: write push `", stringify!($item), "` as `push ", stringify!($item), "(DataType);`"
        ));
    };
    (@check $name:ident $kind:ident $item:ident $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: expected `action name(Args) -> Response;` or `push name(Data);`, found `",
            stringify!($kind), "`"
        ));
    };
    (@check_response $item:ident []) => {
        compile_error!(concat!(
            "chanrest::consumer!: action `", stringify!($item), "` needs a response type: `action ",
            stringify!($item), "(...) -> Response;` (use `()` for none)"
        ));
    };
    (@check_response $item:ident [$response:ty]) => {};
    (@check_sig $item:ident ()) => {};
    (@check_sig $item:ident ($args:ident { $( $(#[$field_meta:meta])* $field:ident : $field_ty:ty ),* $(,)? })) => {};
    (@check_sig $item:ident ($args:ident { $($fields:tt)* })) => {
        compile_error!(concat!(
            "chanrest::consumer!: the fields of `", stringify!($args), "` (action `", stringify!($item),
            "`) are written `name: Type`, comma-separated, each after its attributes: `",
            stringify!($args), " { a: i64, #[serde(default)] b: String }`"
        ));
    };
    (@check_sig $item:ident ($args:ty)) => {};
    (@check_sig $item:ident $($other:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: action `", stringify!($item), "` takes `(Args { field: Type })`, `(ArgsType)` or `()`"
        ));
    };
}

/// One attribute of an item, in one output position. Never recursive.
#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_attr {
    // ---- values (expression position) --------------------------------------------------------
    (@doc_text doc = $text:expr) => { $text };
    (@doc_text $($other:tt)*) => { "" };
    (@doc_opt doc = $text:expr) => { ::core::option::Option::Some($text) };
    (@doc_opt $($other:tt)*) => { ::core::option::Option::None };
    (@detached detached) => { true };
    (@detached $($other:tt)*) => { false };
    (@status status = $code:literal) => { ::core::option::Option::Some($code) };
    (@status $($other:tt)*) => { ::core::option::Option::None };
    (@pushes pushes($($push:ident),* $(,)?)) => { &[$(stringify!($push)),*] };
    (@pushes $($other:tt)*) => { &[] };
    (@unsubscribe unsubscribe($action:ident)) => { ::core::option::Option::Some(stringify!($action)) };
    (@unsubscribe $($other:tt)*) => { ::core::option::Option::None };
    (@pages pages(cancel = $action:ident)) => { ::core::option::Option::Some(stringify!($action)) };
    (@pages $($other:tt)*) => { ::core::option::Option::None };
    (@dialect dialect = dcrf) => { ::core::option::Option::Some($crate::Dialect::Dcrf) };
    (@dialect dialect = rfc) => { ::core::option::Option::Some($crate::Dialect::Rfc) };
    (@dialect $($other:tt)*) => { ::core::option::Option::None };
    // Which attribute it is, for "at most once" (0: docs and unknown ones, checked elsewhere).
    (@kind detached $($rest:tt)*) => { 1 };
    (@kind status $($rest:tt)*) => { 2 };
    (@kind pushes $($rest:tt)*) => { 3 };
    (@kind unsubscribe $($rest:tt)*) => { 4 };
    (@kind pages $($rest:tt)*) => { 5 };
    (@kind $($other:tt)*) => { 0 };

    // ---- checks (item position) ---------------------------------------------------------------
    (@check_consumer $name:ident doc = $text:expr) => {};
    (@check_consumer $name:ident dialect = dcrf) => {};
    (@check_consumer $name:ident dialect = rfc) => {};
    (@check_consumer $name:ident dialect = $other:ident) => {
        compile_error!(concat!(
            "chanrest::consumer!: unknown dialect `", stringify!($other), "`; use `#[dialect = dcrf]` (the default) or `#[dialect = rfc]`"
        ));
        const _: () = {
            use $crate::__private::known::dialect as dialects;
            let _ = dialects::$other;
        };
    };
    (@check_consumer $name:ident $first:ident $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: unknown attribute `#[", stringify!($first $($rest)*),
            "]` on consumer `", stringify!($name), "`; a consumer takes doc comments and `#[dialect = rfc]`"
        ));
        const _: () = {
            use $crate::__private::known::consumer_attribute as consumer_attributes;
            let _ = consumer_attributes::$first;
        };
    };
    (@check_consumer $name:ident $($other:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: unknown attribute `#[", stringify!($($other)*),
            "]` on consumer `", stringify!($name), "`; a consumer takes doc comments and `#[dialect = rfc]`"
        ));
    };

    (@check_action $name:ident $item:ident doc = $text:expr) => {};
    (@check_action $name:ident $item:ident detached) => {};
    (@check_action $name:ident $item:ident status = $code:literal) => {};
    (@check_action $name:ident $item:ident pushes($($push:ident),* $(,)?)) => {
        $( __chanrest_declared!(push $push ($item)); )*
    };
    (@check_action $name:ident $item:ident unsubscribe($action:ident)) => {
        __chanrest_declared!(action $action ($item));
    };
    (@check_action $name:ident $item:ident pages(cancel = $action:ident)) => {
        __chanrest_declared!(action $action (pages $item));
    };
    (@check_action $name:ident $item:ident detached $($rest:tt)+) => {
        compile_error!(concat!("chanrest::consumer!: write `#[detached]` (no arguments) on action `", stringify!($item), "`"));
    };
    (@check_action $name:ident $item:ident status $($rest:tt)*) => {
        compile_error!(concat!("chanrest::consumer!: write the status of action `", stringify!($item), "` as `#[status = 201]`"));
    };
    (@check_action $name:ident $item:ident pushes $($rest:tt)*) => {
        compile_error!(concat!("chanrest::consumer!: write the pushes of action `", stringify!($item), "` as `#[pushes(name, ...)]`"));
    };
    (@check_action $name:ident $item:ident unsubscribe $($rest:tt)*) => {
        compile_error!(concat!("chanrest::consumer!: write `#[unsubscribe(action)]` on action `", stringify!($item), "`, one action name"));
    };
    (@check_action $name:ident $item:ident pages $($rest:tt)*) => {
        compile_error!(concat!("chanrest::consumer!: write `#[pages(cancel = action)]` on action `", stringify!($item), "`, naming the action that cancels the stream"));
    };
    (@check_action $name:ident $item:ident $first:ident $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: unknown attribute `#[", stringify!($first $($rest)*), "]` on action `", stringify!($item),
            "`; an action takes doc comments, `#[detached]`, `#[status = 201]`, `#[pushes(name, ...)]`, `#[unsubscribe(action)]` and `#[pages(cancel = action)]`"
        ));
        const _: () = {
            use $crate::__private::known::action_attribute as action_attributes;
            let _ = action_attributes::$first;
        };
    };
    (@check_action $name:ident $item:ident $($other:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: unknown attribute `#[", stringify!($($other)*), "]` on action `", stringify!($item),
            "`; an action takes doc comments, `#[detached]`, `#[status = 201]`, `#[pushes(name, ...)]`, `#[unsubscribe(action)]` and `#[pages(cancel = action)]`"
        ));
    };

    (@check_push $item:ident doc = $text:expr) => {};
    (@check_push $item:ident status = $code:literal) => {};
    (@check_push $item:ident status $($rest:tt)*) => {
        compile_error!(concat!("chanrest::consumer!: write the status of push `", stringify!($item), "` as `#[status = 201]`"));
    };
    (@check_push $item:ident $first:ident $($rest:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: unknown attribute `#[", stringify!($first $($rest)*), "]` on push `", stringify!($item),
            "`; a push takes doc comments and `#[status = 201]`"
        ));
        const _: () = {
            use $crate::__private::known::push_attribute as push_attributes;
            let _ = push_attributes::$first;
        };
    };
    (@check_push $item:ident $($other:tt)*) => {
        compile_error!(concat!(
            "chanrest::consumer!: unknown attribute `#[", stringify!($($other)*), "]` on push `", stringify!($item),
            "`; a push takes doc comments and `#[status = 201]`"
        ));
    };
}

/// The server half of a consumer: the handler trait and the dispatch glue. Without the
/// `server` feature (a build script that only needs the manifest) it expands to nothing.
#[cfg(feature = "server")]
#[doc(hidden)]
#[macro_export]
macro_rules! __consumer_server {
    (($vis:vis $name:ident $handler:ident [$($super:path)?]) [$( $item:tt )*]) => {
        #[doc = concat!(
            "The handler of [`", stringify!($name), "`]: implement each action as a plain `async fn` ",
            "(no `#[async_trait]`) and serve `", stringify!($name), "(handler)`."
        )]
        $vis trait $handler: Send + Sync + 'static $(+ $super)? {
            $( $crate::__consumer_server!(@trait_fn $item); )*

            /// The permission checked at the handshake and before every action (default: allow all).
            fn permissions(&self) -> $crate::Permissions {
                $crate::Permissions::allow_any()
            }

            /// Runs once the socket is accepted; an error closes it with code 1008.
            fn on_connect(
                &self,
                ctx: &$crate::Ctx,
            ) -> impl ::core::future::Future<Output = $crate::Result<()>> + Send {
                let _ = ctx;
                async { Ok(()) }
            }

            /// Runs when the socket is gone, after detached actions are cancelled and groups left.
            fn on_disconnect(&self, ctx: &$crate::Ctx) -> impl ::core::future::Future<Output = ()> + Send {
                let _ = ctx;
                async {}
            }

            /// Takes the action name out of a message (DCRF's `get_action_name`; default: `action`).
            fn action_name(
                &self,
                content: &mut $crate::Content<'_>,
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
                content: &mut $crate::Content<'_>,
            ) -> ::core::option::Option<$crate::__private::Value> {
                $handler::action_name(&self.0, content)
            }

            fn start(
                self: $crate::__private::Arc<Self>,
                ctx: $crate::Ctx,
                action: &str,
                args: $crate::Content<'_>,
            ) -> ::core::option::Option<$crate::__private::ActionFuture> {
                $( $crate::__consumer_server!(@start ($handler self ctx action args) $item); )*
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

    // ---- one action's trait method (trait item position); pushes and malformed items: none --
    (@trait_fn [action $item:ident $sig:tt [$response:ty] [] [$([$($attr:tt)*])*]]) => {
        $(#[doc = $crate::__consumer_attr!(@doc_text $($attr)*)])*
        fn $item(
            &self,
            ctx: &$crate::Ctx,
            args: $crate::__consumer_item!(@args_ty $sig),
        ) -> impl ::core::future::Future<Output = $crate::Result<$response>> + Send;
    };
    (@trait_fn [action $item:ident $sig:tt [$response:ty] [$default:expr] [$([$($attr:tt)*])*]]) => {
        $(#[doc = $crate::__consumer_attr!(@doc_text $($attr)*)])*
        fn $item(
            &self,
            ctx: &$crate::Ctx,
            args: $crate::__consumer_item!(@args_ty $sig),
        ) -> impl ::core::future::Future<Output = $crate::Result<$response>> + Send {
            ($default)(self, ctx, args)
        }
    };
    (@trait_fn $other:tt) => {};

    // ---- one action's dispatch (statement position); `self`, `ctx`, `action` and `args` are
    // the caller's tokens, so that they name its variables ------------------------------------
    (@start ($handler:ident $slf:tt $ctx:tt $action:tt $args:tt)
        [action $item:ident $sig:tt [$response:ty] $default:tt $attrs:tt]
    ) => {
        if $action == stringify!($item) {
            // Decoded before the future, while the arguments still borrow the frame. The
            // argument and response types are the trait method's (inferred), so an action
            // declared twice is one error, not a mismatch as well.
            let args = match $crate::__private::decode_action_args(&$ctx, $args) {
                ::core::result::Result::Ok(args) => args,
                ::core::result::Result::Err(err) => {
                    return ::core::option::Option::Some(::std::boxed::Box::pin(
                        ::core::future::ready(::core::result::Result::Err(err)),
                    ));
                }
            };
            return ::core::option::Option::Some(::std::boxed::Box::pin(async move {
                let response = $handler::$item(&$slf.0, &$ctx, args).await?;
                $crate::__private::Data::encode(&response)
            }));
        }
    };
    (@start $names:tt $other:tt) => {};
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
/// # Grammar
///
/// ```text
/// model_consumer! {
///     /// Doc comment (optional).
///     pub consumer Name: NameHandler for Model {
///         mixin, mixin, ...;
///         // custom actions and pushes, as in consumer! (optional)
///     }
/// }
/// ```
///
/// Mixins: `list`, `paginated_list`, `streamed_list` (+ `list_cancel`), `retrieve`, `create`,
/// `update`, `patch`, `delete`, `subscribe_instance` (+ `unsubscribe_instance`),
/// `subscribe_list` (+ `unsubscribe_list`); the subscriptions add the pushes `create`,
/// `update` and `delete`. `streamed_list`'s `list` is a paged stream
/// (`#[pages(cancel = list_cancel)]`): generated clients read it page by page. A custom action may not reuse a mixin's action name (a compile
/// error says which).
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
///
/// # Internal rules
///
/// `__model_consumer_munch!` turns one mixin per step into its `consumer!` items (at most a
/// dozen steps), then hands everything to `consumer!`.
#[macro_export]
macro_rules! model_consumer {
    (
        $(#[doc = $doc:expr])*
        $vis:vis consumer $name:ident : $handler:ident for $model:ty {
            $($mixin:ident),* $(,)? $(; $($custom:tt)*)?
        }
    ) => {
        // Each mixin twice: once to match, once as the action's name, so that an action named
        // after a mixin carries the token you wrote (a custom action of the same name is then
        // rustc's "bound more than once" at it).
        $crate::__model_consumer_munch! {
            ($(#[doc = $doc])* $vis consumer $name : $handler) ($model) [no] [] [$(($mixin $mixin))*] [$($($custom)*)?]
        }
    };
    ($($other:tt)*) => {
        compile_error!("chanrest::model_consumer!: expected `pub consumer Name: NameHandler for Model { mixin, mixin, ...; custom actions }` (doc comments may precede it)");
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
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [(list $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// The rows matching the filters (top-level keys naming query fields).
            action $token($crate::model::ListArgs<<$model as $crate::model::Model>::Filter>) -> ::std::vec::Vec<$model> = $crate::generic::list;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [(paginated_list $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// One page of the rows matching the filters (`limit`, `offset`).
            action list($crate::model::PageArgs<<$model as $crate::model::Model>::Filter>) -> $crate::model::Page<$model> = $crate::generic::paginated_list;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [(streamed_list $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// Every page of the rows matching the filters, one reply per page with this request's id.
            #[detached]
            #[pages(cancel = list_cancel)]
            action list($crate::model::PageArgs<<$model as $crate::model::Model>::Filter>) -> $crate::model::Page<$model> = $crate::generic::streamed_list;
            /// Stops the streamed lists in flight.
            action list_cancel($crate::NoArgs) -> () = $crate::generic::list_cancel;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [(retrieve $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// One row by primary key.
            action $token($crate::model::Lookup) -> $model = $crate::generic::retrieve;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [(create $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// Creates a row from `data`.
            #[status = 201]
            action $token($crate::model::CreateArgs<<$model as $crate::model::Model>::Write>) -> $model = $crate::generic::create;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [(update $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// Writes row `pk` from `data`: every required field must be sent; an omitted field with a default keeps its value.
            action $token($crate::model::UpdateArgs<<$model as $crate::model::Model>::Write>) -> $model = $crate::generic::update;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [(patch $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// Changes the fields of row `pk` that `data` sets.
            action $token($crate::model::UpdateArgs<<$model as $crate::model::Model>::Patch>) -> $model = $crate::generic::patch;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [(delete $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) $subs [$($actions)*
            /// Deletes row `pk`.
            #[status = 204]
            action $token($crate::model::Lookup) -> () = $crate::generic::delete;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [(subscribe_instance $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) [yes] [$($actions)*
            /// Pushes `update` and `delete` for row `pk` to this request id, after each commit.
            #[status = 201]
            #[pushes(update, delete)]
            #[unsubscribe(unsubscribe_instance)]
            action $token($crate::model::Lookup) -> () = $crate::generic::subscribe_instance;
            /// Stops the pushes of this request id.
            #[status = 204]
            action unsubscribe_instance($crate::model::Lookup) -> () = $crate::generic::unsubscribe_instance;
        ] [$($rest)*] $custom }
    };
    ($header:tt ($model:ty) $subs:tt [$($actions:tt)*] [(subscribe_list $token:ident) $($rest:tt)*] $custom:tt) => {
        $crate::__model_consumer_munch! { $header ($model) [yes] [$($actions)*
            /// Pushes `create`, `update` and `delete` to this request id as rows enter, change in, or leave the filtered set.
            #[status = 201]
            #[pushes(create, update, delete)]
            #[unsubscribe(unsubscribe_list)]
            action $token($crate::model::ListArgs<<$model as $crate::model::Model>::Filter>) -> () = $crate::generic::subscribe_list;
            /// Stops the pushes of this request id.
            #[status = 204]
            action unsubscribe_list($crate::model::ListArgs<<$model as $crate::model::Model>::Filter>) -> () = $crate::generic::unsubscribe_list;
        ] [$($rest)*] $custom }
    };
    ($header:tt $model:tt $subs:tt $actions:tt [($other:ident $token:ident) $($rest:tt)*] $custom:tt) => {
        // In a block: a `compile_error!` among a module's items would hide the lookup's error.
        const _: () = {
            compile_error!(concat!(
                "chanrest::model_consumer!: unknown mixin `", stringify!($other),
                "`; use list, paginated_list, streamed_list, retrieve, create, update, patch, delete, subscribe_instance, subscribe_list"
            ));
            use $crate::__private::known::model_mixin as mixins;
            let _ = mixins::$token;
        };
    };
}

/// What the macros' expansions evaluate: constant folds of an item's attributes and the
/// checks behind the compile errors. Not public API (re-exported in `__private`).
pub(crate) mod support {
    use crate::contract::ActionInfo;
    use crate::dialect::Dialect;

    /// True when any attribute said so (`#[detached]`).
    pub const fn any(flags: &[bool]) -> bool {
        let mut i = 0;
        while i < flags.len() {
            if flags[i] {
                return true;
            }
            i += 1;
        }
        false
    }

    /// The declared status (`#[status = N]`), else `default`.
    pub const fn status(default: u16, declared: &[Option<u16>]) -> u16 {
        let mut i = 0;
        while i < declared.len() {
            if let Some(status) = declared[i] {
                return status;
            }
            i += 1;
        }
        default
    }

    /// The declared names (`#[pushes(a, b)]`), else none.
    pub const fn names(declared: &[&'static [&'static str]]) -> &'static [&'static str] {
        let mut i = 0;
        while i < declared.len() {
            if !declared[i].is_empty() {
                return declared[i];
            }
            i += 1;
        }
        &[]
    }

    /// The declared name (`#[unsubscribe(a)]`), if any.
    pub const fn name(declared: &[Option<&'static str>]) -> Option<&'static str> {
        let mut i = 0;
        while i < declared.len() {
            if let Some(name) = declared[i] {
                return Some(name);
            }
            i += 1;
        }
        None
    }

    /// The declared dialect (`#[dialect = rfc]`), else DCRF's.
    pub const fn dialect(declared: &[Option<Dialect>]) -> Dialect {
        let mut i = 0;
        while i < declared.len() {
            if let Some(dialect) = declared[i] {
                return dialect;
            }
            i += 1;
        }
        Dialect::Dcrf
    }

    /// How many of a consumer's items are actions.
    pub const fn count_actions(items: &[Option<ActionInfo>]) -> usize {
        let mut count = 0;
        let mut i = 0;
        while i < items.len() {
            if items[i].is_some() {
                count += 1;
            }
            i += 1;
        }
        count
    }

    /// The actions among a consumer's items, in order (`N` is [`count_actions`]).
    pub const fn actions<const N: usize>(items: &[Option<ActionInfo>]) -> [ActionInfo; N] {
        let mut actions = [ActionInfo::new(""); N];
        let mut found = 0;
        let mut i = 0;
        while i < items.len() {
            if let Some(info) = items[i] {
                actions[found] = info;
                found += 1;
            }
            i += 1;
        }
        actions
    }

    const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }

    /// How many times `name` is in `names`.
    pub const fn occurrences(names: &[&str], name: &str) -> usize {
        let mut count = 0;
        let mut i = 0;
        while i < names.len() {
            if same(names[i], name) {
                count += 1;
            }
            i += 1;
        }
        count
    }

    /// True when an attribute kind other than 0 comes twice.
    pub const fn repeats(kinds: &[u8]) -> bool {
        let mut i = 0;
        while i < kinds.len() {
            let mut j = 0;
            while j < i {
                if kinds[i] != 0 && kinds[i] == kinds[j] {
                    return true;
                }
                j += 1;
            }
            i += 1;
        }
        false
    }

    /// Joins the doc lines among an item's attributes (`None` for the others), as rustdoc does.
    pub fn join_doc_lines(lines: &[Option<&str>]) -> String {
        let lines: Vec<&str> = lines.iter().flatten().copied().collect();
        crate::contract::join_doc(&lines)
    }

    /// The schema description schemars' derive gives a type documented with these doc lines:
    /// the joined text, less a leading `# Title` line (which becomes the schema's title).
    pub fn schema_description(lines: &[Option<&str>]) -> String {
        let doc = join_doc_lines(lines);
        match doc.strip_prefix('#') {
            Some(titled) => titled
                .split_once('\n')
                .map_or("", |(_, rest)| rest.trim())
                .to_owned(),
            None => doc,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn folds_pick_the_declared_value() {
            assert!(any(&[false, true]));
            assert!(!any(&[]));
            assert_eq!(status(200, &[None, Some(201)]), 201);
            assert_eq!(status(200, &[None]), 200);
            assert_eq!(names(&[&[], &["a", "b"]]), &["a", "b"]);
            assert_eq!(name(&[None, Some("leave")]), Some("leave"));
            assert_eq!(dialect(&[None, Some(Dialect::Rfc)]), Dialect::Rfc);
            assert_eq!(dialect(&[]), Dialect::Dcrf);
            assert_eq!(occurrences(&["a", "ab", "a"], "a"), 2);
            assert!(repeats(&[0, 2, 0, 2]));
            assert!(!repeats(&[0, 0, 1, 2]));
            assert_eq!(
                join_doc_lines(&[Some(" First."), None, Some(" Second.")]),
                "First.\nSecond."
            );
            assert_eq!(
                schema_description(&[Some(" # Title"), Some(""), Some(" Text.")]),
                "Text."
            );
            assert_eq!(schema_description(&[Some(" Text.")]), "Text.");
        }

        #[test]
        fn actions_are_compacted_in_order() {
            const ITEMS: &[Option<ActionInfo>] =
                &[Some(ActionInfo::new("a")), None, Some(ActionInfo::new("b"))];
            const N: usize = count_actions(ITEMS);
            let actions: [ActionInfo; N] = actions(ITEMS);
            let names: Vec<&str> = actions.iter().map(|a| a.name).collect();
            assert_eq!(names, ["a", "b"]);
        }
    }
}

/// The names the macros know, as unit structs: an unknown name written in a declaration is
/// looked up here, so rustc underlines it and suggests the nearest known one.
#[doc(hidden)]
#[allow(non_camel_case_types, missing_docs, missing_debug_implementations)]
pub mod known {
    /// Attributes of a `consumer!` action.
    pub mod action_attribute {
        pub struct doc;
        pub struct detached;
        pub struct status;
        pub struct pushes;
        pub struct unsubscribe;
        pub struct pages;
    }
    /// Attributes of a `consumer!` push.
    pub mod push_attribute {
        pub struct doc;
        pub struct status;
    }
    /// Attributes of a `consumer!` consumer.
    pub mod consumer_attribute {
        pub struct doc;
        pub struct dialect;
    }
    /// Envelope dialects.
    pub mod dialect {
        pub struct dcrf;
        pub struct rfc;
    }
    /// Attributes of a `model!` field.
    pub mod field_attribute {
        pub struct doc;
        pub struct pk;
        pub struct query;
    }
    /// Mixins of `model_consumer!`.
    pub mod model_mixin {
        pub struct list;
        pub struct paginated_list;
        pub struct streamed_list;
        pub struct retrieve;
        pub struct create;
        pub struct update;
        pub struct patch;
        pub struct delete;
        pub struct subscribe_instance;
        pub struct subscribe_list;
    }
    /// Mixins of `routed_model_consumer!`.
    pub mod routed_mixin {
        pub struct list;
        pub struct paginated_list;
        pub struct create;
        pub struct retrieve;
        pub struct update;
        pub struct partial_update;
        pub struct destroy;
    }
}
