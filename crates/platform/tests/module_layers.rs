//! The platform's modules depend one way: each top-level module imports only modules below
//! it in [`LAYERS`] (docs/architecture.md lists the same order), so there is no import
//! circle, and the wire vocabulary imports nothing of the platform at all. Read from the
//! source's `crate::` paths, so a new upward `use` fails this test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules of `src/`, lowest first. A new module takes its place here.
const LAYERS: &[&str] = &[
    "wire",
    "state",
    "bus",
    "recording",
    "replay",
    "report",
    "detectors",
    "judgement",
    "supervisor",
    "chaos",
    "environments",
    "coordinator",
    "ingest",
    "platform",
    "scenarios",
    "launch",
    "server",
    "headless",
];

#[test]
fn each_module_imports_only_modules_below_it() {
    let graph = dependencies();
    let unplaced: Vec<&String> = graph
        .keys()
        .filter(|m| !LAYERS.contains(&m.as_str()))
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules missing from LAYERS: {unplaced:?}"
    );
    let upward = upward_imports(&graph);
    assert!(
        upward.is_empty(),
        "imports against the layer order (lowest first: {LAYERS:?}):\n{}",
        upward.join("\n")
    );
    assert!(
        graph
            .get("chaos")
            .is_some_and(|imports| !imports.is_empty()),
        "chaos imports nothing at all: is the test reading the right folder?"
    );
}

#[test]
fn the_wire_vocabulary_imports_nothing_of_the_platform() {
    let imports = dependencies().remove("wire").unwrap_or_default();
    assert!(imports.is_empty(), "wire imports {imports:?}");
}

#[test]
fn the_reader_sees_nested_groups_and_an_upward_import() {
    let paths = crate_paths("use crate::{a::{X, Y}, b};\nlet x = crate::c::f();");
    assert_eq!(paths, ["a", "b", "c"].map(String::from).into());
    // Of two modules importing each other, one import is upward whatever the order.
    let circle: BTreeMap<String, BTreeSet<String>> = [
        (
            "chaos".to_owned(),
            BTreeSet::from(["environments".to_owned()]),
        ),
        (
            "environments".to_owned(),
            BTreeSet::from(["chaos".to_owned()]),
        ),
    ]
    .into();
    assert_eq!(upward_imports(&circle), ["chaos imports environments"]);
}

/// Every import of a module at or above the importer's own layer, as a sentence.
fn upward_imports(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut upward = Vec::new();
    for (module, imports) in graph {
        for import in imports {
            if layer(import) >= layer(module) {
                upward.push(format!("{module} imports {import}"));
            }
        }
    }
    upward
}

/// The position of `module` in [`LAYERS`]; past the end for one not listed.
fn layer(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|m| *m == module)
        .unwrap_or(LAYERS.len())
}

/// Each top-level module of `src/` and the other top-level modules its files name through
/// `crate::`. Names the crate root re-exports (`crate::Bus`) count as their module; the
/// root's own items (`crate::Context`) as the modules they are made of.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let root = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let modules = root_modules(&root);
    let reexports = root_reexports(&root);
    let context_parts: BTreeSet<String> = ["bus", "state"].map(String::from).into();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).unwrap();
        let Some(first) = relative.components().next() else {
            continue;
        };
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if !modules.contains(&module) {
            continue; // lib.rs itself and the binaries
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let imports = graph.entry(module.clone()).or_default();
        for name in crate_paths(&text) {
            let targets = if modules.contains(&name) {
                BTreeSet::from([name])
            } else if let Some(owner) = reexports.get(&name) {
                BTreeSet::from([owner.clone()])
            } else if name == "Context" {
                context_parts.clone()
            } else {
                BTreeSet::new()
            };
            imports.extend(targets.into_iter().filter(|t| *t != module));
        }
    }
    graph
}

/// `mod x;` and `pub mod x;` in the crate root.
fn root_modules(root: &str) -> BTreeSet<String> {
    root.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line
                .strip_prefix("pub mod ")
                .or_else(|| line.strip_prefix("mod "))?;
            rest.strip_suffix(';').map(str::to_owned)
        })
        .collect()
}

/// `pub use module::{A, B};` in the crate root, as name → module.
fn root_reexports(root: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for line in root.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.trim_end_matches(';').split_once("::") else {
            continue;
        };
        for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
            let item = item.trim();
            if !item.is_empty() {
                names.insert(item.to_owned(), module.to_owned());
            }
        }
    }
    names
}

/// The first name after every `crate::`, also inside `use crate::{a::{X, Y}, b}` groups.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => names.extend(top_level_items(group).map(identifier)),
            None => {
                names.insert(identifier(rest));
            }
        }
    }
    names.remove("");
    names
}

/// The comma-separated items of a `{...}` group up to its closing brace, nested groups
/// kept inside their item.
fn top_level_items(group: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0;
    let mut start = 0;
    let mut items = Vec::new();
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(group[start..at].trim());
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(group[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    items.into_iter()
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}
