//! For build scripts: write the API's manifest where the crate (and `include_manifest!`)
//! finds it. Built without the `server` feature.

use super::manifest::Manifest;
use std::path::PathBuf;

/// The environment variable `write_manifest` sets for the crate being built: the manifest
/// file's absolute path (read at compile time by [`include_manifest!`](crate::include_manifest)).
pub const MANIFEST_ENV: &str = "CHANREST_MANIFEST";

/// The manifest's file name inside `$OUT_DIR`.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The manifest as chanrest writes it: pretty JSON ending with a newline.
pub fn manifest_json(manifest: &Manifest) -> String {
    let mut json = serde_json::to_string_pretty(manifest).expect("a manifest serializes");
    json.push('\n');
    json
}

/// Writes `manifest` to `$OUT_DIR/manifest.json` and tells cargo where it is (the crate is
/// compiled with `CHANREST_MANIFEST` set to the file's path, which
/// [`include_manifest!`](crate::include_manifest) reads). Returns the path. The file is left
/// untouched when it already holds this manifest, so an unchanged API rebuilds nothing.
///
/// ```no_run
/// // build.rs, with `chanrest = { version = "0.1", default-features = false }` in
/// // [build-dependencies]
/// mod api {
///     // include!("src/api.rs"): the contract file (consumer! blocks, types), whose
///     pub fn manifest() -> chanrest::Manifest {
///         chanrest::ManifestBuilder::new("shop", "1.0").build()
///     }
/// }
/// fn main() {
///     println!("cargo:rerun-if-changed=src/api.rs");
///     chanrest::build::write_manifest(&api::manifest());
/// }
/// ```
///
/// # Panics
///
/// Outside a build script (no `OUT_DIR`), or when the file cannot be written: either way
/// the build cannot go on.
pub fn write_manifest(manifest: &Manifest) -> PathBuf {
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        panic!("chanrest::build::write_manifest runs in a build script (OUT_DIR is not set)");
    };
    let path = PathBuf::from(out_dir).join(MANIFEST_FILE);
    let json = manifest_json(manifest);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(json.as_str()) {
        if let Err(err) = std::fs::write(&path, json) {
            panic!("chanrest: cannot write {}: {err}", path.display());
        }
    }
    println!("cargo:rustc-env={MANIFEST_ENV}={}", path.display());
    path
}

/// The manifest that the build script wrote with [`write_manifest`], as a `&'static str`
/// (an `include_str!` of the file it names). Serve it with `App::serve_manifest`.
///
/// ```ignore
/// let app = chanrest::App::new()
///     .consumer("/ws/notes/", Notes(NotesApi))
///     .serve_manifest(chanrest::include_manifest!()); // GET /manifest.json
/// ```
#[macro_export]
macro_rules! include_manifest {
    () => {
        include_str!(env!(
            "CHANREST_MANIFEST",
            "no manifest: call chanrest::build::write_manifest in this crate's build.rs"
        ))
    };
}
