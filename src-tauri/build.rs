//! The window loads ui/dist/ (assembled here) and may call only the `api`,
//! `open_recording` and `export_report` commands.
include!("../tools/ui_dist.rs");

fn main() {
    let manifest = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let ui = manifest.join("../ui");
    build_ui_dist(&ui, &ui.join("dist-desktop"));
    let manifest =
        tauri_build::AppManifest::new().commands(&["api", "open_recording", "export_report"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build configuration");
}
