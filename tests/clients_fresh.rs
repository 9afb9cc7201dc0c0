//! The committed clients are exactly what the generator makes of the demo's manifest today:
//! `clients/manifest.json` is the manifest build.rs writes, and `clients/rust` and
//! `clients/typescript` hold the generated files for it, byte for byte, and
//! `clients/asyncapi.json` is its AsyncAPI document (also served at `/asyncapi.json`).
//!
//! When this fails, refresh them with
//!
//! ```text
//! CHANREST_BLESS=1 cargo test --test clients_fresh
//! ```
//!
//! (or `cargo run -p chanrest-codegen -- --manifest clients/manifest.json --rust clients/rust
//! --runtime-path ../../codegen/runtime --typescript clients/typescript --asyncapi clients`
//! after copying the manifest), and commit the result.

use chanrest_codegen::{
    render_asyncapi, render_rust, render_typescript, Api, RuntimeDependency, RustOptions,
    TypeScriptOptions, IN_REPO_RUNTIME,
};
use std::path::Path;

const REFRESH: &str = "CHANREST_BLESS=1 cargo test --test clients_fresh";

fn blessing() -> bool {
    std::env::var("CHANREST_BLESS").is_ok_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn committed_clients_match_the_demo_manifest() {
    let clients = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients");
    let manifest = chanrest_demo::MANIFEST_JSON;
    let api = Api::from_json(manifest)
        .unwrap_or_else(|err| panic!("the demo's manifest cannot be generated from: {err}"));
    let rust = render_rust(&api, &in_repo_rust()).expect("Rust client renders");
    let typescript =
        render_typescript(&api, &TypeScriptOptions::default()).expect("TypeScript client renders");
    let asyncapi = render_asyncapi(&api).expect("AsyncAPI document renders");

    let manifest_path = clients.join("manifest.json");
    if blessing() {
        std::fs::write(&manifest_path, manifest).expect("write clients/manifest.json");
        rust.write_to(&clients.join("rust"))
            .expect("write clients/rust");
        typescript
            .write_to(&clients.join("typescript"))
            .expect("write clients/typescript");
        asyncapi
            .write_to(&clients)
            .expect("write clients/asyncapi.json");
        eprintln!("clients/ refreshed from the demo's manifest");
        return;
    }

    let mut stale = Vec::new();
    if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest) {
        stale.push(manifest_path.display().to_string());
    }
    for (files, dir) in [(&rust, "rust"), (&typescript, "typescript")] {
        for file in files.stale(&clients.join(dir)) {
            let what = if file.missing { " (missing)" } else { "" };
            stale.push(format!("{}{what}", file.path.display()));
        }
    }
    for file in asyncapi.stale(&clients) {
        let what = if file.missing { " (missing)" } else { "" };
        stale.push(format!("{}{what}", file.path.display()));
    }
    assert!(
        stale.is_empty(),
        "the committed clients are stale; regenerating would change:\n  {}\nrefresh them with:\n  {REFRESH}\nand commit the result",
        stale.join("\n  ")
    );
}

#[test]
fn every_generated_file_is_written_by_the_generator() {
    // The generated crate and package list exactly these files; anything else under their
    // `src/` would be a leftover of an older generator or a hand edit.
    let clients = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients");
    let api = Api::from_json(chanrest_demo::MANIFEST_JSON).expect("manifest");
    let rust = render_rust(&api, &in_repo_rust()).expect("renders");
    let typescript = render_typescript(&api, &TypeScriptOptions::default()).expect("renders");
    for (files, dir) in [(&rust, "rust"), (&typescript, "typescript")] {
        let src = clients.join(dir).join("src");
        let Ok(entries) = std::fs::read_dir(&src) else {
            continue; // reported by the test above
        };
        for entry in entries {
            let name = entry.expect("readable").file_name();
            let relative = format!("src/{}", name.to_string_lossy());
            assert!(
                files.get(&relative).is_some(),
                "{} is not generated any more: delete it ({REFRESH} does not)",
                src.join(&name).display()
            );
        }
    }
}

#[test]
fn the_generated_type_names_are_not_numbered() {
    // schemars numbers the definitions of generic types (`UpdateArgs2`) in the order the
    // manifest builder meets them; the clients name them after their use instead, so that no
    // type is renamed when a consumer is declared before another (see codegen/tests/names.rs).
    let api = Api::from_json(chanrest_demo::MANIFEST_JSON).expect("manifest");
    let rust = render_rust(&api, &in_repo_rust()).expect("renders");
    let typescript = render_typescript(&api, &TypeScriptOptions::default()).expect("renders");
    let declared = |text: &str, keywords: &[&str]| -> Vec<String> {
        text.lines()
            .filter_map(|line| {
                let rest = keywords
                    .iter()
                    .find_map(|k| line.trim_start().strip_prefix(k))?;
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                Some(rest[..end].to_owned())
            })
            .collect()
    };
    let rust_types = declared(
        rust.get("src/types.rs").unwrap(),
        &["pub struct ", "pub enum ", "pub type "],
    );
    let ts_types = declared(
        typescript.get("src/api.ts").unwrap(),
        &["export interface ", "export type ", "export class "],
    );
    for names in [&rust_types, &ts_types] {
        assert!(names.iter().any(|n| n == "TodosPatchArgs"), "{names:?}");
        let numbered: Vec<&String> = names
            .iter()
            .filter(|n| n.ends_with(|c: char| c.is_ascii_digit()))
            .collect();
        assert!(numbered.is_empty(), "numbered type names: {numbered:?}");
    }
}

/// The options of the in-repo client: its runtime is the crate in this checkout.
fn in_repo_rust() -> RustOptions {
    RustOptions {
        runtime: RuntimeDependency::Path(IN_REPO_RUNTIME.to_owned()),
        ..RustOptions::default()
    }
}
