//! The platform's modules depend one way: no import circle among its top-level modules, and
//! the wire vocabulary and the chaos engine import nothing above them. Read from the
//! source's `crate::` paths, so a new upward `use` fails this test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What a module must not import, as (module, forbidden modules). `None` forbids every
/// other module of the crate.
const RULES: &[(&str, Option<&[&str]>)] = &[
    ("wire", None),
    (
        "chaos",
        Some(&[
            "environments",
            "launch",
            "scenarios",
            "judgement",
            "server",
            "headless",
        ]),
    ),
];

#[test]
fn no_module_imports_in_a_circle() {
    let graph = dependencies();
    let mut circles = Vec::new();
    for start in graph.keys() {
        if let Some(path) = path_back(&graph, start) {
            circles.push(path.join(" -> "));
        }
    }
    assert!(
        circles.is_empty(),
        "import circles among the platform's modules:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_wire_vocabulary_and_chaos_import_nothing_above_them() {
    let graph = dependencies();
    for (module, forbidden) in RULES {
        let imports = graph.get(*module).cloned().unwrap_or_default();
        assert!(
            !imports.is_empty() || forbidden.is_none(),
            "{module} has no imports at all: is the test reading the right folder?"
        );
        let wrong: Vec<&String> = imports
            .iter()
            .filter(|m| forbidden.is_none_or(|list| list.contains(&m.as_str())))
            .collect();
        assert!(wrong.is_empty(), "{module} imports {wrong:?}");
    }
}

#[test]
fn the_reader_sees_a_circle_when_there_is_one() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(m, deps)| (m.into(), deps.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(path_back(&graph, "a").unwrap(), ["a", "b", "c", "a"]);
    assert!(path_back(&graph, "d").is_none());
    let paths = crate_paths("use crate::{a::{X, Y}, b};\nlet x = crate::c::f();");
    assert_eq!(paths, ["a", "b", "c"].map(String::from).into());
}

/// A path of imports from `start` back to itself, if there is one.
fn path_back(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    walk(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
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
