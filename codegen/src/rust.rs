//! The Rust renderer: a crate with the manifest's types (typify) and one module per consumer
//! and per multiplexer (quote + prettyplease), depending on the client runtime crate
//! (`chanrest-client-runtime`, in `codegen/runtime`) for everything that is not API-specific.

use crate::ir::{Action, Api, Args, Consumer, Converter, Dialect, Segment};
use crate::output::Files;
use crate::{names, schema, Error};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;
use typify::{TypeSpace, TypeSpaceSettings};

/// Settings of the generated Rust crate. By default the crate is `chanrest-client` and takes
/// its runtime by version ([`RuntimeDependency::this_version`]); a client built against a
/// checkout of chanrest sets [`runtime`](RustOptions::runtime) to a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustOptions {
    /// The crate's package name (default `chanrest-client`).
    pub crate_name: String,
    /// The crate's version (default: the API's version).
    pub crate_version: Option<String>,
    /// Where the crate takes `chanrest-client-runtime` from (default: this generator's own
    /// version).
    pub runtime: RuntimeDependency,
}

/// The runtime crate's directory seen from a client generated into `clients/NAME` of this
/// repository (as `clients/rust` is).
pub const IN_REPO_RUNTIME: &str = "../../codegen/runtime";

impl Default for RustOptions {
    fn default() -> Self {
        RustOptions {
            crate_name: "chanrest-client".to_owned(),
            crate_version: None,
            runtime: RuntimeDependency::this_version(),
        }
    }
}

/// Where a generated crate takes its runtime, `chanrest-client-runtime`, from: the code every
/// client shares (connection, correlation, timeouts, subscriptions, reconnection) lives in
/// that crate, compiled and tested once, not copied into each client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// `chanrest-client-runtime = "VERSION"`, from the registry.
    Version(String),
    /// `chanrest-client-runtime = { path = "DIR" }`: DIR as Cargo reads it, relative to the
    /// generated crate's directory.
    Path(String),
}

impl RuntimeDependency {
    /// A registry dependency on the runtime of this generator's version, the one the
    /// generated code is written against.
    pub fn this_version() -> Self {
        RuntimeDependency::Version(env!("CARGO_PKG_VERSION").to_owned())
    }

    /// The dependency's value in `Cargo.toml` (after `chanrest-client-runtime = `).
    fn toml(&self) -> String {
        match self {
            RuntimeDependency::Version(version) => toml_string(version),
            RuntimeDependency::Path(dir) => format!("{{ path = {} }}", toml_string(dir)),
        }
    }
}

/// A TOML basic string: a Windows path's backslashes or a quote stay literal.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Method names of a generated `Client` that actions must not take (an action with one of
/// these names gets a trailing `_`).
const CLIENT_METHODS: &[&str] = &[
    "new",
    "connect",
    "connect_with",
    "endpoint",
    "with_timeout",
    "broadcasts",
    "clone",
    "fmt",
];

#[derive(askama::Template)]
#[template(path = "rust/Cargo.toml", escape = "none")]
struct CargoToml<'a> {
    name: &'a str,
    version: &'a str,
    description: String,
    runtime: String,
    extra: Vec<&'static str>,
}

/// Renders the Rust client crate: `Cargo.toml`, `src/lib.rs`, `src/api.rs`, `src/types.rs`.
/// The crate depends on `chanrest-client-runtime` (see [`RustOptions::runtime`]) and
/// re-exports it as its `runtime` module.
pub fn render_rust(api: &Api, options: &RustOptions) -> Result<Files, Error> {
    let mut settings = TypeSpaceSettings::default();
    settings
        .with_type_mod("types")
        .with_derive("PartialEq".to_owned())
        .with_struct_builder(false);
    let mut space = TypeSpace::new(&settings);
    let mut root = serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": api.definitions,
    });
    schema::drop_property_defaults(&mut root);
    let root: schemars08::schema::RootSchema = serde_json::from_value(root)
        .map_err(|err| Error::new("definitions", format!("not a draft-07 schema: {err}")))?;
    space
        .add_root_schema(root)
        .map_err(|err| Error::new("definitions", format!("typify: {err}")))?;
    let mut hints = Hints::new(api);

    let mut modules = Vec::new();
    let mut module_names: Vec<(String, String)> = api
        .consumers
        .iter()
        .map(|consumer| {
            let module = names::rust_ident(
                &names::snake(&consumer.name).expect("checked"),
                &["runtime", "types", "api"],
            );
            let what = match (&consumer.path, consumer.dialect) {
                (Some(path), Dialect::Dcrf) => format!("consumer `{}` at `{path}`", consumer.name),
                (None, Dialect::Dcrf) => {
                    format!("consumer `{}` (on a multiplexer only)", consumer.name)
                }
                (Some(path), Dialect::Rfc) => format!(
                    "consumer `{}` at `{path}` (rest-framework-channels' dialect)",
                    consumer.name
                ),
                (None, Dialect::Rfc) => format!(
                    "consumer `{}` (rest-framework-channels' dialect, through routes only)",
                    consumer.name
                ),
            };
            (module, what)
        })
        .collect();
    let modules_of: Vec<String> = module_names.iter().map(|(m, _)| m.clone()).collect();
    for (consumer, module) in api.consumers.iter().zip(&modules_of) {
        modules.push(match consumer.dialect {
            Dialect::Dcrf => consumer_module(consumer, module, &mut space, &mut hints)?,
            Dialect::Rfc => rfc_module(api, consumer, module, &modules_of, &mut space, &mut hints)?,
        });
    }
    for multiplexer in &api.multiplexers {
        let base = names::snake(&multiplexer.path).unwrap_or_else(|| "root".to_owned());
        let module = format!("{base}_multiplexer");
        if let Some((_, other)) = module_names.iter().find(|(m, _)| *m == module) {
            return Err(Error::new(
                format!("multiplexer `{}`", multiplexer.path),
                format!("its module `{module}` is taken by {other}"),
            ));
        }
        module_names.push((
            module.clone(),
            format!("the multiplexer at `{}`", multiplexer.path),
        ));
        let module_ident = ident(&module);
        let path = &multiplexer.path;
        let doc =
            format!("The multiplexer at `{path}`: one socket, each consumer on its own stream.");
        let mut fields = Vec::new();
        let mut inits = Vec::new();
        for stream in &multiplexer.streams {
            let consumer = &api.consumers[stream.consumer];
            let field = ident(&names::rust_ident(
                &names::snake(&stream.stream).expect("checked"),
                &["connection"],
            ));
            let consumer_module = ident(&module_names[stream.consumer].0);
            let name = &stream.stream;
            let field_doc = format!("Stream `{name}`: consumer `{}`.", consumer.name);
            fields.push(quote! {
                #[doc = #field_doc]
                pub #field: super::#consumer_module::Client,
            });
            inits.push(quote! {
                #field: super::#consumer_module::Client::new(connection.endpoint(Some(#name))),
            });
        }
        modules.push(quote! {
            #[doc = #doc]
            pub mod #module_ident {
                use crate::runtime::{Connection, Error, Options};

                /// Where the multiplexer is mounted.
                pub const PATH: &str = #path;

                /// A client per stream, all on one connection.
                #[derive(Clone, Debug)]
                pub struct Client {
                    #(#fields)*
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
                            #(#inits)*
                            connection,
                        }
                    }

                    /// The connection.
                    pub fn connection(&self) -> &Connection {
                        &self.connection
                    }
                }
            }
        });
    }

    let api_items = quote! { #(#modules)* };
    let mut api_rs = String::from(
        "//! The consumers' and multiplexers' clients, generated from the manifest. Do not edit.\n\n",
    );
    api_rs.push_str(&unparse(api_items, "src/api.rs")?);
    let lib = lib_rs(api, &module_names);

    let mut types = String::from(
        "//! The API's types, generated from the manifest's JSON Schemas by typify. Do not edit.\n\n",
    );
    types.push_str(&unparse(space.to_stream(), "src/types.rs")?);

    let mut extra = Vec::new();
    if space.uses_regress() {
        extra.push("regress = \"0.10\"");
    }
    if space.uses_chrono() {
        extra.push("chrono = { version = \"0.4\", features = [\"serde\"] }");
    }
    if space.uses_uuid() {
        extra.push("uuid = { version = \"1\", features = [\"serde\"] }");
    }
    let cargo = CargoToml {
        name: &options.crate_name,
        version: options.crate_version.as_deref().unwrap_or(&api.version),
        description: format!(
            "Typed client of the {} API (generated by chanrest-codegen)",
            api.title
        )
        .replace('"', "'"),
        runtime: options.runtime.toml(),
        extra,
    };
    let mut cargo = askama::Template::render(&cargo)
        .map_err(|err| Error::new("Cargo.toml", err.to_string()))?;
    // askama drops a template's last newline.
    if !cargo.ends_with('\n') {
        cargo.push('\n');
    }

    let mut files = Files::default();
    files.add("Cargo.toml", cargo);
    files.add("src/lib.rs", lib);
    files.add("src/api.rs", api_rs);
    files.add("src/types.rs", types);
    Ok(files)
}

/// `src/lib.rs`: written as rustfmt would (the generated modules are in files that rustfmt
/// skips, so `cargo fmt --check` passes on the crate).
fn lib_rs(api: &Api, modules: &[(String, String)]) -> String {
    let mut text = format!(
        "//! Typed client of the `{}` API, version {}.\n//!\n\
         //! Generated by chanrest-codegen from the API's manifest: do not edit, regenerate.\n//!\n\
         //! | module | what |\n//! | --- | --- |\n",
        api.title, api.version
    );
    for (module, what) in modules {
        text.push_str(&format!("//! | [`{module}`] | {what} |\n"));
    }
    if !api.skipped.is_empty() {
        text.push_str("//!\n//! Consumers without a client:\n");
        for skipped in &api.skipped {
            let at = skipped
                .path
                .as_deref()
                .map(|p| format!(" at `{p}`"))
                .unwrap_or_default();
            text.push_str(&format!(
                "//! - `{}`{at}: {}.\n",
                skipped.consumer,
                skipped.reason.replace('\n', " ")
            ));
        }
    }
    text.push_str(
        "//!\n\
         //! Each module has a `Client`: a consumer's has one async method per action, a\n\
         //! multiplexer's has one consumer client per stream. A consumer in\n\
         //! rest-framework-channels' dialect has one more method per route, leading to the\n\
         //! route's consumer's client with the route's parameters filled in. [`runtime`]\n\
         //! explains timeouts, errors, subscriptions and reconnection.\n\
         \n\
         #[rustfmt::skip]\n\
         mod api;\n\
         #[rustfmt::skip]\n\
         #[allow(clippy::all, missing_docs)]\n\
         pub mod types;\n\
         \n\
         pub use api::*;\n\
         pub use chanrest_client_runtime as runtime;\n\
         pub use runtime::{\n    \
         ApiError, Broadcasts, Connection, Endpoint, Error, ErrorDetail, Options, PageStream, RawPush,\n    \
         Reconnect, Reply, RfcEndpoint, Route, Status, Subscription, DEFAULT_TIMEOUT,\n\
         };\n",
    );
    text
}

fn unparse(tokens: TokenStream, file: &str) -> Result<String, Error> {
    let parsed: syn::File = syn::parse2(tokens)
        .map_err(|err| Error::new(file, format!("generated code does not parse: {err}")))?;
    Ok(prettyplease::unparse(&parsed))
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Names for the types typify creates from inline schemas, kept apart from definitions.
struct Hints {
    taken: Vec<String>,
}

impl Hints {
    fn new(api: &Api) -> Self {
        Hints {
            taken: api.definitions.keys().cloned().collect(),
        }
    }

    fn get(&mut self, parts: &[&str]) -> String {
        let mut hint: String = parts
            .iter()
            .map(|p| names::pascal(p).unwrap_or_default())
            .collect();
        while self.taken.contains(&hint) {
            hint.push_str("Inline");
        }
        self.taken.push(hint.clone());
        hint
    }
}

/// The Rust type of a schema, adding the types it needs to the type space.
fn rust_type(
    space: &mut TypeSpace,
    schema: &Value,
    hint: String,
    location: &str,
) -> Result<TokenStream, Error> {
    let mut schema = schema.clone();
    schema::drop_property_defaults(&mut schema);
    let schema: schemars08::schema::Schema = serde_json::from_value(schema)
        .map_err(|err| Error::new(location, format!("not a draft-07 schema: {err}")))?;
    let id = space
        .add_type_with_name(&schema, Some(hint))
        .map_err(|err| Error::new(location, format!("typify: {err}")))?;
    let ty = space
        .get_type(&id)
        .map_err(|err| Error::new(location, format!("typify: {err}")))?;
    Ok(ty.ident())
}

fn doc_attr(doc: &str) -> TokenStream {
    if doc.is_empty() {
        return quote! {};
    }
    // `///text` reads better as `/// text`.
    let lines: Vec<String> = doc.lines().map(|l| format!(" {l}")).collect();
    let docs = lines.iter();
    quote! { #(#[doc = #docs])* }
}

fn consumer_module(
    consumer: &Consumer,
    module: &str,
    space: &mut TypeSpace,
    hints: &mut Hints,
) -> Result<TokenStream, Error> {
    let here = format!("consumer `{}`", consumer.name);
    let name = &consumer.name;
    let module_ident = ident(module);
    let module_doc = doc_attr(if consumer.doc.is_empty() {
        "A consumer of the API."
    } else {
        &consumer.doc
    });
    let path_const = consumer.path.as_ref().map(|path| {
        quote! {
            /// Where the consumer is mounted.
            pub const PATH: &str = #path;
        }
    });
    let connect_doc = match &consumer.path {
        Some(_) => " Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by [`PATH`]).",
        None => " Connects to `url`. (This consumer is mounted only on a multiplexer: prefer the multiplexer's client.)",
    };

    // The data type of every push.
    let mut push_types = Vec::new();
    for push in &consumer.pushes {
        let hint = hints.get(&[&consumer.name, &push.name, "data"]);
        let at = format!("{here}, push `{}`, data", push.name);
        push_types.push((push, rust_type(space, &push.data, hint, &at)?));
    }
    let push_enum = |enum_name: &Ident, doc: String, pushes: &[String]| -> TokenStream {
        let selected: Vec<_> = push_types
            .iter()
            .filter(|(p, _)| pushes.contains(&p.name))
            .collect();
        let variants = selected.iter().map(|(push, ty)| {
            let variant = ident(&variant_name(&push.name));
            let doc = doc_attr(&format!(
                "{}{}`{}` (status {})",
                push.doc,
                if push.doc.is_empty() { "" } else { "\n\n" },
                push.name,
                push.status
            ));
            quote! { #doc #variant(#ty), }
        });
        let arms = selected.iter().map(|(push, _)| {
            let variant = ident(&variant_name(&push.name));
            let wire = &push.name;
            quote! { #wire => Some(serde_json::from_value(data).map(#enum_name::#variant)), }
        });
        let doc = doc_attr(&doc);
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #enum_name {
                #(#variants)*
            }

            impl runtime::PushSet for #enum_name {
                fn decode(
                    action: &str,
                    _status: u16,
                    data: serde_json::Value,
                ) -> Option<Result<Self, serde_json::Error>> {
                    match action {
                        #(#arms)*
                        _ => None,
                    }
                }
            }
        }
    };

    let mut items = Vec::new();
    let mut methods = Vec::new();
    if !consumer.pushes.is_empty() {
        let all: Vec<String> = consumer.pushes.iter().map(|p| p.name.clone()).collect();
        items.push(push_enum(
            &ident("Push"),
            format!("Every push of consumer `{name}`."),
            &all,
        ));
        methods.push(quote! {
            /// The pushes this consumer broadcasts to groups (`request_id: null`), from now on.
            pub fn broadcasts(&self) -> runtime::Broadcasts<Push> {
                self.endpoint.broadcasts()
            }
        });
    }

    let mut response_types = Vec::new();
    for action in &consumer.actions {
        let hint = hints.get(&[&consumer.name, &action.name, "response"]);
        let at = format!("{here}, action `{}`, response", action.name);
        response_types.push(rust_type(space, &action.response, hint, &at)?);
    }
    for (action, response) in consumer.actions.iter().zip(&response_types) {
        let at = format!("{here}, action `{}`", action.name);
        let method = ident(&names::rust_ident(
            &names::snake(&action.name).expect("checked"),
            CLIENT_METHODS,
        ));
        let wire = &action.name;
        let (param, args_expr) = match &action.args {
            Args::None => (quote! {}, quote! { &runtime::NoArgs {} }),
            Args::Object(schema) => {
                let hint = hints.get(&[&consumer.name, &action.name, "args"]);
                let ty = rust_type(space, schema, hint, &format!("{at}, arguments"))?;
                (quote! { args: &#ty, }, quote! { args })
            }
        };
        let doc = doc_attr(&method_doc(action));
        match &action.subscription {
            None if action.pages.is_some() => {
                let cancel = &action.pages.as_ref().expect("checked").cancel;
                methods.push(quote! {
                    #doc
                    pub async fn #method(&self, #param) -> Result<runtime::PageStream<#response>, Error> {
                        self.endpoint.pages(#wire, #cancel, #args_expr).await
                    }
                });
            }
            None => methods.push(quote! {
                #doc
                pub async fn #method(&self, #param) -> Result<#response, Error> {
                    self.endpoint.call(#wire, #args_expr).await
                }
            }),
            Some(subscription) => {
                let enum_name = ident(&format!(
                    "{}Push",
                    names::pascal(&action.name).expect("checked")
                ));
                items.push(push_enum(
                    &enum_name,
                    format!("The pushes of a `{}` subscription.", action.name),
                    &subscription.pushes,
                ));
                let unsubscribe = &subscription.unsubscribe;
                let index = consumer
                    .actions
                    .iter()
                    .position(|a| &a.name == unsubscribe)
                    .expect("checked");
                let unsubscribe_response = &response_types[index];
                methods.push(quote! {
                    #doc
                    pub async fn #method(
                        &self,
                        #param
                    ) -> Result<runtime::Subscription<#enum_name, #response, #unsubscribe_response>, Error> {
                        self.endpoint.subscribe(#wire, #unsubscribe, #args_expr).await
                    }
                });
            }
        }
    }

    let client_doc = format!(" A typed client of consumer `{name}`: one method per action.");
    Ok(quote! {
        #module_doc
        pub mod #module_ident {
            #[allow(unused_imports)]
            use crate::runtime::{self, Connection, Endpoint, Error, Options};
            #[allow(unused_imports)]
            use crate::types;

            /// The consumer's name in the manifest.
            pub const NAME: &str = #name;
            #path_const

            #[doc = #client_doc]
            #[derive(Clone, Debug)]
            pub struct Client {
                endpoint: Endpoint,
            }

            impl Client {
                #[doc = #connect_doc]
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
                    Client { endpoint: self.endpoint.with_timeout(timeout) }
                }

                #(#methods)*
            }

            #(#items)*
        }
    })
}

fn variant_name(push: &str) -> String {
    let name = names::pascal(push).expect("checked");
    if name == "Self" {
        "Self_".to_owned()
    } else {
        name
    }
}

/// An action's doc comment, with what the wire adds to it.
fn method_doc(action: &Action) -> String {
    let mut doc = action.doc.clone();
    let mut notes = vec![format!("Action `{}`", action.name)];
    if action.status != 200 {
        notes.push(format!("succeeds with status {}", action.status));
    }
    if action.detached {
        notes.push("runs detached: the server answers other calls meanwhile".to_owned());
    }
    if let Some(pages) = &action.pages {
        notes.push(format!(
            "a paged stream: one reply per page, ending with the page where \
             `count == 0 || offset + limit >= count`; cancelled by `{}`",
            pages.cancel
        ));
    }
    if let Some(subscription) = &action.subscription {
        notes.push(format!(
            "a subscription: pushes {}; ended by `{}`",
            subscription
                .pushes
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", "),
            subscription.unsubscribe
        ));
    } else if !action.pushes.is_empty() {
        notes.push(format!(
            "causes pushes {}",
            action
                .pushes
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&notes.join("; "));
    doc.push('.');
    doc
}

/// Method names of a generated client in the `rfc` dialect that actions and routes must not
/// take.
const RFC_CLIENT_METHODS: &[&str] = &[
    "new",
    "connect",
    "connect_with",
    "endpoint",
    "route",
    "with_timeout",
    "clone",
    "fmt",
];

fn converter_tokens(converter: Converter) -> TokenStream {
    match converter {
        Converter::Str => quote! { runtime::Converter::Str },
        Converter::Int => quote! { runtime::Converter::Int },
        Converter::Slug => quote! { runtime::Converter::Slug },
        Converter::Path => quote! { runtime::Converter::Path },
    }
}

/// The module of a consumer in rest-framework-channels' dialect: a `Client` at one route of
/// a connection (the consumer's own path at the empty route, or a route another consumer's
/// client leads to), with one method per action and one per route of its own.
fn rfc_module(
    api: &Api,
    consumer: &Consumer,
    module: &str,
    modules: &[String],
    space: &mut TypeSpace,
    hints: &mut Hints,
) -> Result<TokenStream, Error> {
    let here = format!("consumer `{}`", consumer.name);
    let name = &consumer.name;
    let module_ident = ident(module);
    let module_doc = doc_attr(if consumer.doc.is_empty() {
        "A consumer of the API (rest-framework-channels' dialect)."
    } else {
        &consumer.doc
    });

    let mut methods = Vec::new();
    let mut taken: Vec<String> = RFC_CLIENT_METHODS.iter().map(|m| m.to_string()).collect();
    for action in &consumer.actions {
        let at = format!("{here}, action `{}`", action.name);
        let method_name = names::rust_ident(
            &names::snake(&action.name).expect("checked"),
            RFC_CLIENT_METHODS,
        );
        taken.push(method_name.clone());
        let method = ident(&method_name);
        let response_hint = hints.get(&[&consumer.name, &action.name, "response"]);
        let response = rust_type(
            space,
            &action.response,
            response_hint,
            &format!("{at}, response"),
        )?;
        let wire = &action.name;
        let (param, args_expr) = match &action.args {
            Args::None => (quote! {}, quote! { &runtime::NoArgs {} }),
            Args::Object(schema) => {
                let hint = hints.get(&[&consumer.name, &action.name, "args"]);
                let ty = rust_type(space, schema, hint, &format!("{at}, arguments"))?;
                (quote! { args: &#ty, }, quote! { args })
            }
        };
        let doc = doc_attr(&rfc_method_doc(action));
        methods.push(quote! {
            #doc
            pub async fn #method(&self, #param) -> Result<#response, Error> {
                self.endpoint.call(&self.route, #wire, #args_expr).await
            }
        });
    }

    let taken_refs: Vec<&str> = taken.iter().map(String::as_str).collect();
    let mut route_methods: Vec<String> = Vec::new();
    for route in &consumer.routes {
        let target = &api.consumers[route.consumer];
        let at = format!("{here}, route `{}`", route.pattern);
        let method_name = names::rust_ident(&route.method_words(target), &taken_refs);
        if route_methods.contains(&method_name) {
            return Err(Error::new(
                at,
                format!("its method `{method_name}` is the same as another route's"),
            ));
        }
        route_methods.push(method_name.clone());
        let method = ident(&method_name);
        let mut params = Vec::new();
        let mut steps = Vec::new();
        for segment in &route.segments {
            match segment {
                Segment::Literal(text) => steps.push(quote! { .literal(#text) }),
                Segment::Param(param_name) => {
                    let param = route
                        .params
                        .iter()
                        .find(|p| &p.name == param_name)
                        .expect("checked");
                    let hint = hints.get(&[&consumer.name, &param.name, "param"]);
                    let ty = rust_type(
                        space,
                        &param.schema,
                        hint,
                        &format!("{at}, parameter `{}`", param.name),
                    )?;
                    let arg = ident(&names::rust_ident(
                        &names::snake(&param.name).expect("checked"),
                        &["self"],
                    ));
                    let converter = converter_tokens(param.converter);
                    // Text is taken by reference, everything else by value.
                    if ty.to_string().replace(' ', "") == "::std::string::String" {
                        params.push(quote! { #arg: &str });
                        steps.push(quote! { .param(#param_name, #converter, #arg) });
                    } else {
                        params.push(quote! { #arg: #ty });
                        steps.push(quote! { .param(#param_name, #converter, &#arg) });
                    }
                }
            }
        }
        let target_module = ident(&modules[route.consumer]);
        let doc = doc_attr(&format!(
            "Route `{}`: consumer `{}`{}.",
            route.pattern,
            target.name,
            if route.params.is_empty() {
                String::new()
            } else {
                format!(
                    ", with {}",
                    route
                        .params
                        .iter()
                        .map(|p| format!("`{}`", p.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ));
        methods.push(quote! {
            #doc
            pub fn #method(&self, #(#params),*) -> super::#target_module::Client {
                super::#target_module::Client::new(
                    self.endpoint.clone(),
                    self.route.clone() #(#steps)*,
                )
            }
        });
    }

    let path_items = consumer.path.as_ref().map(|path| {
        quote! {
            /// Where the consumer is mounted.
            pub const PATH: &str = #path;
        }
    });
    let connect = consumer.path.as_ref().map(|_| {
        quote! {
            /// Connects to the consumer at `url` (e.g. `ws://127.0.0.1:8000` followed by [`PATH`]).
            pub async fn connect(url: &str) -> Result<Client, Error> {
                Client::connect_with(url, Options::default()).await
            }

            /// Connects with `options`.
            pub async fn connect_with(url: &str, options: Options) -> Result<Client, Error> {
                let connection = Connection::connect_with(url, options).await?;
                Ok(Client::new(connection.rfc_endpoint(), Route::root()))
            }
        }
    });
    let client_doc = format!(
        " A typed client of consumer `{name}` at one route (rest-framework-channels' dialect): \
         one method per action{}.",
        if consumer.routes.is_empty() {
            ""
        } else {
            ", one per route of its own"
        }
    );
    Ok(quote! {
        #module_doc
        pub mod #module_ident {
            #[allow(unused_imports)]
            use crate::runtime::{self, Connection, Error, Options, RfcEndpoint, Route};
            #[allow(unused_imports)]
            use crate::types;

            /// The consumer's name in the manifest.
            pub const NAME: &str = #name;
            #path_items

            #[doc = #client_doc]
            #[derive(Clone, Debug)]
            pub struct Client {
                endpoint: RfcEndpoint,
                route: Route,
            }

            impl Client {
                #connect

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
                    Client { endpoint: self.endpoint.with_timeout(timeout), route: self.route.clone() }
                }

                #(#methods)*
            }
        }
    })
}

/// An action's doc comment in the `rfc` dialect, with what the wire adds to it.
fn rfc_method_doc(action: &Action) -> String {
    let mut doc = action.doc.clone();
    let mut notes = vec![format!("Action `{}` on the client's route", action.name)];
    if action.status != 200 {
        notes.push(format!("succeeds with status {}", action.status));
    }
    if action.detached {
        notes.push(
            "runs detached: its reply may come after later calls' (matched by action and route)"
                .to_owned(),
        );
    }
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&notes.join("; "));
    doc.push('.');
    doc
}
