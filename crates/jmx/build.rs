//! Records where this build's profile directory is (e.g. `target/debug`).
//!
//! j4rs's own build script copies its jar into `<profile dir>/jassets`, the same directory
//! that `OUT_DIR/../../..` names here. Baking that path in gives `jvm.rs` a last-resort place
//! to look when a binary built on this machine was copied somewhere without its `jassets/`.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let Ok(out_dir) = std::env::var("OUT_DIR") else {
        return;
    };
    if let Some(profile_dir) = Path::new(&out_dir).ancestors().nth(3) {
        println!(
            "cargo:rustc-env=FAULTLINE_JMX_PROFILE_DIR={}",
            profile_dir.display()
        );
    }
}
