// Shared by the build scripts of crates/platform and src-tauri (through `include!`): both
// embed ui/dist/, which `node ui/build.mjs` assembles from ui/ and Chart.js from npm.

/// Assembles the UI from ui/ into `out` and tells cargo which sources to watch. `out` is
/// not watched: the build writes it, and watching it would rebuild on every run. Each
/// crate has its own `out`, so parallel build scripts never empty each other's.
fn build_ui_dist(ui: &std::path::Path, out: &std::path::Path) {
    for source in ["index.html", "css", "js", "build.mjs", "package-lock.json"] {
        println!("cargo:rerun-if-changed={}", ui.join(source).display());
    }
    let status = std::process::Command::new("node")
        .arg(ui.join("build.mjs"))
        .arg(out)
        .status();
    match status {
        Ok(status) if status.success() => {}
        Ok(_) => panic!(
            "`node {}` failed (see above); run `npm ci` in {} first",
            ui.join("build.mjs").display(),
            ui.display()
        ),
        Err(error) => panic!(
            "cannot run node to assemble the UI ({error}): install Node.js (`apt-get install nodejs npm`) and run `npm ci` in {}",
            ui.display()
        ),
    }
}
