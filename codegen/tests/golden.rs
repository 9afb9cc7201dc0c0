//! Golden-file tests: the clients generated from `tests/fixtures/shop.json` (a small API with a
//! subscription, a paged stream, broadcasts, a detached action, a keyword-named action, a consumer reachable
//! only through a multiplexer, enums, unions, nullable fields, maps, a field with a server
//! default, chanrest's generic types with schemars' numbered names, and a routed consumer in
//! rest-framework-channels' dialect with nested routes) must equal the files under
//! `tests/golden/`. The TypeScript runtime is a verbatim copy of its template and is
//! checked as such rather than stored twice (nor are its compiled `dist/runtime.*`); the Rust
//! client has no runtime file, it depends on the `chanrest-client-runtime` crate.
//!
//! After an intended change to the output, refresh the golden files with
//! `CHANREST_BLESS=1 cargo test -p chanrest-codegen --test golden` and review the diff.

use chanrest_codegen::{
    render_rust, render_typescript, Api, Files, RuntimeDependency, RustOptions, IN_REPO_RUNTIME,
};
use std::path::{Path, PathBuf};

/// The runtime and what the generator compiles of it: the same for every API.
const RUNTIMES: &[&str] = &["src/runtime.ts", "dist/runtime.js", "dist/runtime.d.ts"];

fn fixture() -> Api {
    let text = std::fs::read_to_string(here().join("tests/fixtures/shop.json")).unwrap();
    Api::from_json(&text).expect("the fixture is a valid manifest")
}

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn compare(files: &Files, golden: &Path) {
    let bless = std::env::var("CHANREST_BLESS").is_ok_and(|v| !v.is_empty() && v != "0");
    let mut differences = Vec::new();
    for (path, contents) in files.iter() {
        if RUNTIMES.contains(&path) {
            continue;
        }
        let target = golden.join(path);
        if bless {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, contents).unwrap();
            continue;
        }
        match std::fs::read_to_string(&target) {
            Ok(expected) if expected == contents => {}
            Ok(expected) => {
                let line = expected
                    .lines()
                    .zip(contents.lines())
                    .position(|(a, b)| a != b)
                    .map(|i| i + 1)
                    .unwrap_or_else(|| expected.lines().count().min(contents.lines().count()) + 1);
                differences.push(format!(
                    "{} (first difference at line {line})",
                    target.display()
                ));
            }
            Err(_) => differences.push(format!("{} (missing)", target.display())),
        }
    }
    assert!(
        differences.is_empty(),
        "generated output differs from the golden files:\n  {}\nif the change is intended: \
         CHANREST_BLESS=1 cargo test -p chanrest-codegen --test golden",
        differences.join("\n  ")
    );
}

#[test]
fn rust_output_matches_the_golden_files() {
    let files = render_rust(&fixture(), &Default::default()).unwrap();
    let names: Vec<&str> = files.iter().map(|(p, _)| p).collect();
    assert_eq!(
        names,
        ["Cargo.toml", "src/lib.rs", "src/api.rs", "src/types.rs"]
    );
    compare(&files, &here().join("tests/golden/rust"));
}

#[test]
fn rust_output_takes_the_runtime_from_its_crate() {
    let cargo = |runtime| {
        let options = RustOptions {
            runtime,
            ..RustOptions::default()
        };
        let files = render_rust(&fixture(), &options).unwrap();
        files.get("Cargo.toml").unwrap().to_owned()
    };
    let line = |cargo: &str| {
        cargo
            .lines()
            .find(|l| l.starts_with("chanrest-client-runtime = "))
            .unwrap_or_else(|| panic!("no runtime dependency in:\n{cargo}"))
            .to_owned()
    };
    assert_eq!(
        line(&cargo(RuntimeDependency::this_version())),
        format!(
            "chanrest-client-runtime = \"{}\"",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert_eq!(
        line(&cargo(RuntimeDependency::Path(r#"C:\rt "x""#.to_owned()))),
        r#"chanrest-client-runtime = { path = "C:\\rt \"x\"" }"#
    );
    // The default is the generator's own version; the in-repo path is the runtime crate.
    assert_eq!(
        RustOptions::default().runtime,
        RuntimeDependency::this_version()
    );
    let runtime = here().join("../clients/rust").join(IN_REPO_RUNTIME);
    let manifest = std::fs::read_to_string(runtime.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"chanrest-client-runtime\""),
        "{manifest}"
    );
    // What only the runtime needs is its dependency, not the client's.
    let cargo = cargo(RustOptions::default().runtime);
    for runtime_only in ["tokio", "tokio-tungstenite", "futures-util"] {
        assert!(
            !cargo
                .lines()
                .any(|l| l.starts_with(&format!("{runtime_only} "))),
            "{cargo}"
        );
    }
    // The crate re-exports the runtime under the name its modules use.
    let files = render_rust(&fixture(), &RustOptions::default()).unwrap();
    let lib = files.get("src/lib.rs").unwrap();
    assert!(
        lib.contains("\npub use chanrest_client_runtime as runtime;\n"),
        "{lib}"
    );
    assert!(files
        .get("src/api.rs")
        .unwrap()
        .contains("use crate::runtime::"));
}

#[test]
fn typescript_output_matches_the_golden_files() {
    let files = render_typescript(&fixture(), &Default::default()).unwrap();
    let names: Vec<&str> = files.iter().map(|(p, _)| p).collect();
    assert_eq!(
        names,
        [
            "package.json",
            "tsconfig.json",
            "tsconfig.test.json",
            "src/index.ts",
            "src/api.ts",
            "src/runtime.ts",
            "dist/index.js",
            "dist/index.d.ts",
            "dist/api.js",
            "dist/api.d.ts",
            "dist/runtime.js",
            "dist/runtime.d.ts"
        ]
    );
    assert_eq!(
        files.get("src/runtime.ts").unwrap(),
        include_str!("../templates/ts/runtime.ts")
    );
    compare(&files, &here().join("tests/golden/typescript"));
}

#[test]
fn output_is_deterministic() {
    let a = render_rust(&fixture(), &Default::default()).unwrap();
    let b = render_rust(&fixture(), &Default::default()).unwrap();
    assert_eq!(a, b);
    let a = render_typescript(&fixture(), &Default::default()).unwrap();
    let b = render_typescript(&fixture(), &Default::default()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn the_fixture_exercises_what_it_claims() {
    let rust = render_rust(&fixture(), &Default::default()).unwrap();
    let api = rust.get("src/api.rs").unwrap();
    // A keyword action gets a trailing underscore; a dashed one becomes snake case.
    assert!(api.contains("pub async fn type_("), "{api}");
    assert!(api.contains("pub async fn watch_order("), "{api}");
    assert!(
        api.contains("runtime::Subscription<WatchOrderPush, (), ()>"),
        "{api}"
    );
    assert!(api.contains("self.endpoint.subscribe(\"watch-order\", \"unwatch-order\", args)"));
    // A paged stream is a `PageStream` of its page type, cancelled by its cancel action.
    assert!(
        api.contains("Result<runtime::PageStream<types::OrdersHistoryResponse>, Error>"),
        "{api}"
    );
    assert!(
        api.contains("self.endpoint.pages(\"history\", \"history-cancel\", &runtime::NoArgs {})")
    );
    // A no-argument action takes no parameter.
    assert!(
        api.contains("pub async fn count(&self) -> Result<u64, Error>"),
        "{api}"
    );
    // The multiplexer-only consumer is reachable through the multiplexer's client.
    assert!(api.contains("pub stock: super::stock::Client"), "{api}");
    // ...and, mounted at no path of its own, has no `PATH` constant.
    let stock = api
        .split("pub mod stock {")
        .nth(1)
        .and_then(|rest| rest.split("\npub mod ").next())
        .expect("a stock module");
    assert!(
        stock.contains("pub const NAME: &str = \"Stock\";"),
        "{stock}"
    );
    assert!(!stock.contains("pub const PATH"), "{stock}");
    assert!(
        api.contains("pub const PATH: &str = \"/ws/orders/\";"),
        "{api}"
    );

    // Generic types are named after their use, never by schemars' counter; the user's own
    // names stay.
    let types = rust.get("src/types.rs").unwrap();
    for name in [
        "OrdersRecentResponse",
        "SummaryLatest",
        "ItemListListResponse",
        "ItemListListArgs",
        "Summary",
        "PlaceArgs",
    ] {
        assert!(
            types.contains(&format!("pub struct {name} {{")),
            "{name}: {types}"
        );
    }
    for gone in ["Page", "Page2", "PageNumberArgs", "RouteLookup"] {
        assert!(
            !types.contains(&format!("pub struct {gone} ")),
            "{gone}: {types}"
        );
    }
    assert!(
        api.contains("pub async fn recent(&self) -> Result<types::OrdersRecentResponse, Error>"),
        "{api}"
    );
    // A field with a server default may be left out.
    assert!(
        types.contains("pub express: ::std::option::Option<bool>,"),
        "{types}"
    );
    // The routed consumer: a method per route with its typed parameters, through two levels,
    // whose actions take the route's parameters from the route.
    assert!(
        api.contains("pub fn items_id(&self, id: u64) -> super::item::Client"),
        "{api}"
    );
    assert!(
        api.contains("pub fn reviews_author(&self, author: &str) -> super::review::Client"),
        "{api}"
    );
    assert!(
        api.contains(".param(\"author\", runtime::Converter::Slug, author)"),
        "{api}"
    );
    assert!(api.contains("args: &types::ItemRenameArgs,"), "{api}");
    let rename = types
        .split("pub struct ItemRenameArgs {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("ItemRenameArgs");
    assert!(!rename.contains("pub id"), "{rename}");
    let review = api
        .split("pub mod review {")
        .nth(1)
        .expect("a review module");
    assert!(
        review.contains("pub async fn retrieve(&self) -> Result<::std::string::String, Error>"),
        "{review}"
    );

    let ts = render_typescript(&fixture(), &Default::default()).unwrap();
    let api = ts.get("src/api.ts").unwrap();
    assert!(
        api.contains("recent(options?: rt.CallOptions): Promise<OrdersRecentResponse>"),
        "{api}"
    );
    assert!(api.contains("itemsId(id: number): ItemClient {"), "{api}");
    assert!(
        api.contains("return new ReviewClient(this.endpoint, this.route.literal(\"reviews/\").param(\"author\", \"slug\", author).literal(\"/\"));"),
        "{api}"
    );
    assert!(
        api.contains("rename(args: ItemRenameArgs, options?: rt.CallOptions): Promise<Line>"),
        "{api}"
    );
    assert!(
        api.contains("export type Status = \"open\" | \"shipped\" | {"),
        "{api}"
    );
    assert!(api.contains("gift: Line | null;"), "{api}");
    assert!(api.contains("note?: string | null;"), "{api}");
    assert!(
        api.contains(
            "type(args: { [key: string]: unknown }, options?: rt.CallOptions): Promise<unknown>"
        ),
        "{api}"
    );
    assert!(api.contains("watchOrder(args: Lookup, options?: rt.CallOptions): Promise<rt.Subscription<OrdersWatchOrderPush, null, null>>"), "{api}");
    // No `any` type anywhere (comments aside).
    for line in api.lines().chain(ts.get("src/runtime.ts").unwrap().lines()) {
        let code = line.trim_start();
        if code.starts_with("//") || code.starts_with('*') || code.starts_with("/**") {
            continue;
        }
        let mut tokens = code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
        assert!(!tokens.any(|t| t == "any"), "`any` in: {line}");
    }
    // `Status` is the API's: the runtime's is only reachable as `runtime.Status`.
    let index = ts.get("src/index.ts").unwrap();
    assert!(!index.contains("  Status,"), "{index}");
    assert!(index.contains("  Connection,"), "{index}");
}
