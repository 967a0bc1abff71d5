//! The layers of `src/`: every `crate::` path in a module's code (tests
//! aside) names a module of a lower layer or its own. The order, lowest
//! first, is the one `docs/architecture.md` draws.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Top-level modules, lowest layer first. A module may use those before
/// it in this list, never those after it.
const LAYERS: &[&str] = &[
    // Plain helpers with no knowledge of clients.
    "prefetch",
    "fixed",
    "wording",
    "safe",
    "numbers",
    "trace",
    "error",
    // What is read and the rules of one record.
    "model",
    "period",
    "config",
    // The pipeline, one direction.
    "ingest",
    "aggregate",
    "assess",
    "report",
    "render",
    // Writing, and the data the generator makes.
    "output",
    "synthetic",
    // Arguments, settings resolved once, then the commands.
    "cli",
    "settings",
    "commands",
    "lib",
    "main",
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|name| *name == module)
}

/// The top-level module a file belongs to: `src/ingest/date.rs` → ingest.
fn module_of(file: &Path, src: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let first = relative
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    first.trim_end_matches(".rs").to_string()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs")
            // Unit tests kept in a file of their own may use anything.
            && !path.ends_with("tests.rs")
        {
            found.push(path);
        }
    }
}

/// The code of a file before its unit tests, comments left out.
fn code(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        code.push_str(line.split(" // ").next().unwrap_or(line));
        code.push('\n');
    }
    code
}

/// The top-level modules named by `crate::` paths in `code`, including
/// those of `use crate::{a::X, b}`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    let ident = |rest: &str| -> String {
        rest.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The names at depth 0 of the group.
            let mut depth = 0;
            let mut start = true;
            for (index, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        start = false;
                        named.insert(ident(&group[index..]));
                    }
                    _ => {}
                }
            }
        } else {
            named.insert(ident(rest));
        }
    }
    named.retain(|name| !name.is_empty());
    named
}

#[test]
fn imports_point_down_the_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(file, &src);
        let Some(own) = rank(&module) else {
            wrong.push(format!(
                "{}: module `{module}` has no layer in tests/layers.rs",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for named in named_modules(&code(&text)) {
            if named == module {
                continue;
            }
            match rank(&named) {
                Some(theirs) if theirs < own => {}
                // Functions and types of the crate root (lib.rs).
                None if module == "main" => {}
                _ => wrong.push(format!(
                    "{}: `{module}` uses `crate::{named}`, a layer above it or none",
                    file.display()
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_reader_of_paths_finds_groups_and_skips_tests_and_comments() {
    let text = "use crate::{error::InputError, model::{Invoice, Ticket}};\n\
                // crate::render in a comment\n\
                fn f() { crate::cells::date::parse(x); } // crate::cli\n\
                #[cfg(test)]\n\
                mod tests {\n    use crate::render;\n}\n";
    let named: Vec<String> = named_modules(&code(text)).into_iter().collect();
    assert_eq!(named, vec!["cells", "error", "model"]);
}

/// Whether `code` reads an environment variable (`std::env::var`,
/// `var_os`, `vars`, or any of them through `use std::env`).
fn reads_environment(code: &str) -> bool {
    code.contains("env::var")
}

/// The environment is read once, by `settings` (and `main`): a variable
/// read deep inside a stage is a setting no one can see or pass down.
#[test]
fn only_settings_reads_the_environment() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut readers = Vec::new();
    for file in &files {
        let module = module_of(file, &src);
        // Unit tests kept in a sibling file set variables of their own.
        let unit_tests = file.file_name().is_some_and(|name| name == "tests.rs");
        if module == "settings" || module == "main" || unit_tests {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        if reads_environment(&code(&text)) {
            readers.push(file.display().to_string());
        }
    }
    assert!(
        readers.is_empty(),
        "these read the environment; read it in src/settings and pass the value down:\n{}",
        readers.join("\n")
    );
}

#[test]
fn the_environment_check_sees_reads_and_skips_tests_and_comments() {
    assert!(reads_environment(&code(
        "fn f() { std::env::var(\"X\"); }\n"
    )));
    assert!(reads_environment(&code(
        "use std::env;\nfn f() { env::var_os(\"X\"); }\n"
    )));
    assert!(!reads_environment(&code(
        "// std::env::var(\"X\")\nfn f() {}\n#[cfg(test)]\nmod tests {\n    fn g() { std::env::var(\"X\"); }\n}\n"
    )));
}
