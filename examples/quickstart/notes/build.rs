// Writes the API's manifest to $OUT_DIR/manifest.json, where chanrest::include_manifest!()
// finds it.
mod api {
    include!("src/api.rs");
}

fn main() {
    println!("cargo:rerun-if-changed=src/api.rs");
    chanrest::build::write_manifest(&api::manifest());
}
