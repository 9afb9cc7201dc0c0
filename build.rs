//! Writes the demo API's manifest (JSON Schema, draft-07) to `$OUT_DIR/manifest.json`; the
//! server embeds and serves it, and a test keeps `clients/manifest.json` equal to it.

#[allow(dead_code, unreachable_pub)]
mod api {
    include!("src/api.rs");
}

fn main() {
    println!("cargo:rerun-if-changed=src/api.rs");
    let manifest = api::manifest();
    let mut json = serde_json::to_string_pretty(&manifest).expect("manifest serializes");
    json.push('\n');
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set"));
    std::fs::write(out.join("manifest.json"), json).expect("write manifest.json");
}
