//! Writes the demo API's manifest (JSON Schema, draft-07) to `$OUT_DIR/manifest.json` with
//! `chanrest::build::write_manifest`, as any chanrest crate does; the server embeds it
//! (`chanrest::include_manifest!`) and serves it (`App::serve_manifest`), and a test keeps
//! `clients/manifest.json` equal to it.

#[allow(dead_code, unreachable_pub)]
mod api {
    include!("src/api.rs");
}

fn main() {
    println!("cargo:rerun-if-changed=src/api.rs");
    chanrest::build::write_manifest(&api::manifest());
}
