//! The UI (assembled into ui/dist/) and the built-in scenarios are compiled into the
//! binary; a change to either must rebuild it.
include!("../../tools/ui_dist.rs");

fn main() {
    let manifest = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let ui = manifest.join("../../ui");
    build_ui_dist(&ui, &ui.join("dist"));
    println!("cargo:rerun-if-changed=../../scenarios");
}
