//! The UI and the built-in scenarios are compiled into the binary; a file added to either
//! folder must rebuild it.
fn main() {
    println!("cargo:rerun-if-changed=../../ui");
    println!("cargo:rerun-if-changed=../../scenarios");
}
