#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]
//! The core's layout, checked: no import cycle between its files, the foundation modules never
//! reach up into a provider or the client engine, and `error.rs` only aggregates.
//!
//! Imports are read from the source: every `crate::...` and `super::...` path outside comments
//! and test modules, resolved to the file that defines the module it names (an item re-exported
//! at the crate root counts as an import of the module it comes from). A parent declaring its
//! children (`mod x;`, `pub use x::Y;`) is not an import; a child naming its parent is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "lib".into()
    } else {
        m.join("/")
    }
}

/// Every non-test source file of the crate, by module path.
fn modules() -> BTreeMap<Module, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut modules = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") || parts == ["lib"] {
            parts.pop();
        }
        // Test-only files (declared `#[cfg(test)] mod tests;`).
        if parts.last().is_some_and(|p| p == "tests") {
            continue;
        }
        modules.insert(parts, file);
    }
    modules
}

/// The source without comments and without `#[cfg(test)]` modules.
fn code(text: &str) -> String {
    let mut out: String = text
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                ""
            } else {
                line.split(" // ").next().unwrap_or(line)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    while let Some(start) = out.find("#[cfg(test)]") {
        let rest = &out[start..];
        let Some(open) = rest.find(['{', ';']) else {
            break;
        };
        let mut end = start + open + 1;
        if rest.as_bytes()[open] == b'{' {
            let mut depth = 1;
            for (i, b) in out.bytes().enumerate().skip(end) {
                match b {
                    b'{' => depth += 1,
                    b'}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = i + 1;
                    break;
                }
            }
        }
        out.replace_range(start..end, "");
    }
    out
}

/// The paths of a use tree starting at `text` (`a::b::{c, d::e as f, *}`), with `prefix`.
fn use_tree(text: &[u8], pos: &mut usize, prefix: &Module, out: &mut Vec<Module>) {
    let skip_ws = |pos: &mut usize| {
        while *pos < text.len() && text[*pos].is_ascii_whitespace() {
            *pos += 1;
        }
    };
    let mut path = prefix.clone();
    loop {
        skip_ws(pos);
        if *pos < text.len() && text[*pos] == b'{' {
            *pos += 1;
            loop {
                skip_ws(pos);
                if *pos >= text.len() || text[*pos] == b'}' {
                    *pos += 1;
                    return;
                }
                use_tree(text, pos, &path, out);
                skip_ws(pos);
                if *pos < text.len() && text[*pos] == b',' {
                    *pos += 1;
                }
            }
        }
        let start = *pos;
        while *pos < text.len() && (text[*pos].is_ascii_alphanumeric() || text[*pos] == b'_') {
            *pos += 1;
        }
        if *pos == start {
            break; // `*` or the end of a path
        }
        let ident = String::from_utf8_lossy(&text[start..*pos]).into_owned();
        if ident != "self" {
            path.push(ident);
        }
        if text[*pos..].starts_with(b"::") {
            *pos += 2;
        } else {
            break;
        }
    }
    out.push(path);
}

/// The module that `path` (from the crate root) names, or lives in.
fn resolve(
    mut path: Module,
    modules: &BTreeMap<Module, PathBuf>,
    root_exports: &BTreeMap<String, Module>,
) -> Module {
    if let Some(origin) = path.first().and_then(|first| root_exports.get(first)) {
        path = origin.clone();
    }
    while !path.is_empty() && !modules.contains_key(&path) {
        path.pop();
    }
    path
}

/// Every `crate::`/`super::` path of a file, from the crate root.
fn imports(module: &Module, text: &str) -> Vec<Module> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let rest = &bytes[i..];
        let base = if at_word && rest.starts_with(b"crate::") {
            i += 7;
            Some(Vec::new())
        } else if at_word && rest.starts_with(b"super::") {
            let mut base = module.clone();
            while bytes[i..].starts_with(b"super::") {
                base.pop();
                i += 7;
            }
            Some(base)
        } else {
            None
        };
        match base {
            Some(base) => use_tree(bytes, &mut i, &base, &mut out),
            None => i += 1,
        }
    }
    out
}

struct Graph {
    edges: BTreeMap<Module, BTreeSet<Module>>,
}

fn graph() -> Graph {
    let modules = modules();
    let lib = code(&std::fs::read_to_string(&modules[&Vec::new()]).unwrap());
    let mut root_exports = BTreeMap::new();
    for statement in lib.split("pub use ").skip(1) {
        let mut paths = Vec::new();
        use_tree(statement.as_bytes(), &mut 0, &Vec::new(), &mut paths);
        for path in paths {
            if let Some(last) = path.last() {
                root_exports.insert(last.clone(), path.clone());
            }
        }
    }
    let mut edges = BTreeMap::new();
    for (module, file) in &modules {
        let text = code(&std::fs::read_to_string(file).unwrap());
        let targets: BTreeSet<Module> = imports(module, &text)
            .into_iter()
            .map(|path| resolve(path, &modules, &root_exports))
            .filter(|target| target != module && !target.is_empty())
            .collect();
        edges.insert(module.clone(), targets);
    }
    Graph { edges }
}

impl Graph {
    /// Every module `from` reaches through its imports.
    fn reach(&self, from: &Module) -> BTreeSet<Module> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(m) = stack.pop() {
            for next in self.edges.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    }

    /// A path of imports from `from` back to itself, if there is one.
    fn cycle_through(&self, from: &Module) -> Option<Vec<Module>> {
        let mut parent: BTreeMap<Module, Module> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([from.clone()]);
        while let Some(m) = queue.pop_front() {
            for next in self.edges.get(&m).into_iter().flatten() {
                if next == from {
                    let mut path = vec![m.clone()];
                    while let Some(p) = parent.get(path.last().unwrap()) {
                        path.push(p.clone());
                    }
                    path.reverse();
                    path.push(from.clone());
                    return Some(path);
                }
                if !parent.contains_key(next) && next != from {
                    parent.insert(next.clone(), m.clone());
                    queue.push_back(next.clone());
                }
            }
        }
        None
    }
}

#[test]
fn no_file_imports_itself_through_others() {
    let graph = graph();
    assert!(graph.edges.len() > 30, "the source tree was not found");
    let cycles: Vec<String> = graph
        .edges
        .keys()
        .filter_map(|m| graph.cycle_through(m))
        .map(|path| {
            path.iter()
                .map(|m| name(m))
                .collect::<Vec<_>>()
                .join(" -> ")
        })
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_foundation_never_reaches_a_provider_or_the_engine() {
    let graph = graph();
    let foundation = [
        "encoding",
        "open_enum",
        "wire",
        "provider",
        "config",
        "validate",
        "json",
        "pii",
        "http",
        "webhook",
        "error",
    ];
    // What `error` aggregates from providers (their own error files); nothing else (the
    // account-id field check reads the clientele-siwe crate, not the provider).
    let allowed: BTreeSet<Module> = [vec!["offblocks".to_owned(), "error".to_owned()]].into();
    for f in foundation {
        let module = vec![f.to_owned()];
        assert!(graph.edges.contains_key(&module), "no module {f}");
        let upward: Vec<String> = graph
            .reach(&module)
            .into_iter()
            .filter(|m| !allowed.contains(m))
            .filter(|m| {
                m.first()
                    .is_some_and(|top| ["bloc", "offblocks", "client"].contains(&top.as_str()))
            })
            .map(|m| name(&m))
            .collect();
        assert!(upward.is_empty(), "{f} reaches {upward:?}");
    }
}

#[test]
fn error_rs_only_aggregates() {
    let text = code(include_str!("../src/error.rs"));
    let defined: Vec<&str> = text
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            l.strip_prefix("pub struct ")
                .or_else(|| l.strip_prefix("pub enum "))
                .or_else(|| l.strip_prefix("struct "))
                .or_else(|| l.strip_prefix("enum "))
                .or_else(|| l.strip_prefix("pub fn "))
                .or_else(|| l.strip_prefix("pub const fn "))
                .or_else(|| l.strip_prefix("fn "))
        })
        .map(|rest| {
            rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
                .unwrap_or("")
        })
        .collect();
    assert_eq!(
        defined,
        [
            "Error",
            "code",
            "kind",
            "is_retryable",
            "status",
            "issues",
            "ErrorKind",
            "as_str",
            "kind_of_code"
        ],
        "error.rs defines the aggregate error, its kind and the code table; each family's type lives where it is produced"
    );
}

/// The checker itself: it finds an import through a use tree, a `super::` path and a root
/// re-export.
#[test]
fn the_checker_reads_imports() {
    let module: Module = vec!["offblocks".into(), "challenge".into()];
    let found = imports(
        &module,
        "use crate::{http::{Header, HttpRequest}, validate::Issues};\nuse super::error::X;\nlet e = crate::ConfigError::Path;",
    );
    let names: Vec<String> = found.iter().map(|m| name(m)).collect();
    assert_eq!(
        names,
        [
            "http/Header",
            "http/HttpRequest",
            "validate/Issues",
            "offblocks/error/X",
            "ConfigError/Path"
        ]
    );
    assert!(graph().edges[&vec!["http".to_owned()]].contains(&vec!["config".to_owned()]));
}
