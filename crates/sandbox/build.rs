//! Cuts the part of the vendored R25 schema the sandbox checks requests by out of
//! `tests/fixtures/ocip/r25/`: the protocol core (namespace `C`) and every type reachable from
//! the request types the sandbox serves (the `COMMANDS` table of `src/decode/command.rs`),
//! without documentation. Embedding all of R25 would add 9 MB to every binary holding the
//! sandbox; the types it needs are a few hundred kilobytes. A command added to the table brings
//! its types along on the next build.
//!
//! No XML library at build time: the cut finds the schema's top-level definitions by tag depth
//! (the files hold no CDATA and no `<` inside attribute values).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A top-level definition: its namespace (core or not), its text, the type keys it uses.
struct Block {
    text: String,
    refs: Vec<String>,
    /// The type it extends or restricts.
    base: Option<String>,
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let r25 = manifest.join("../../tests/fixtures/ocip/r25");
    let commands = manifest.join("src/decode/command.rs");
    println!("cargo:rerun-if-changed={}", commands.display());
    println!("cargo:rerun-if-changed={}", r25.display());

    let mut blocks: BTreeMap<String, Block> = BTreeMap::new();
    let mut files: Vec<PathBuf> = xsd_files(&r25);
    files.extend(xsd_files(&r25.join("Services")));
    for f in &files {
        let core = matches!(
            f.file_name().and_then(|n| n.to_str()),
            Some("OCISchemaBASE.xsd") | Some("OCISchemaBaseDataTypes.xsd")
        );
        let text = fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        read_blocks(&text, core, &mut blocks);
    }

    let source = fs::read_to_string(&commands).expect("src/decode/command.rs");
    let table = source
        .split("const COMMANDS")
        .nth(1)
        .and_then(|t| t.split("];").next())
        .expect("the COMMANDS table in src/decode/command.rs");
    let mut todo: Vec<String> = table
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    // The core is small and holds the envelope: all of it.
    todo.extend(blocks.keys().filter(|k| k.starts_with("C:")).cloned());
    let mut keep = BTreeSet::new();
    loop {
        while let Some(k) = todo.pop() {
            if !keep.insert(k.clone()) {
                continue;
            }
            match blocks.get(&k) {
                Some(b) => todo.extend(b.refs.iter().cloned()),
                None => panic!("R25 type '{k}' (used by a served command) not found in {r25:?}"),
            }
        }
        // Types derived from a kept type may stand in its place (`xsi:type`, as the abstract
        // DepartmentKey requires). The core's command types are left out: every command
        // derives from them.
        todo = blocks
            .iter()
            .filter(|(k, b)| {
                !keep.contains(*k)
                    && b.base
                        .as_ref()
                        .is_some_and(|base| !base.starts_with("C:") && keep.contains(base))
            })
            .map(|(k, _)| k.clone())
            .collect();
        if todo.is_empty() {
            break;
        }
    }

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    for (core, file) in [(true, "r25-core.xsd"), (false, "r25-served.xsd")] {
        let mut s = String::from(
            "<xs:schema xmlns:core=\"C\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n",
        );
        for k in keep.iter().filter(|k| k.starts_with("C:") == core) {
            s.push_str(&blocks[k].text);
            s.push('\n');
        }
        s.push_str("</xs:schema>\n");
        fs::write(out.join(file), s).expect("write the cut schema");
    }
}

fn xsd_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xsd"))
        .collect();
    v.sort();
    v
}

/// The value of attribute `name` in a start tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[at..].split('"').next()
}

fn read_blocks(text: &str, core: bool, blocks: &mut BTreeMap<String, Block>) {
    // Tags by depth: the schema's children (depth 1) are the top-level definitions.
    let mut depth = 0usize;
    let mut start: Option<usize> = None;
    let mut i = 0;
    while let Some(off) = text[i..].find('<') {
        let at = i + off;
        let rest = &text[at..];
        let (end_tag, len) = if rest.starts_with("<!--") {
            (None, rest.find("-->").map_or(rest.len(), |n| n + 3))
        } else if rest.starts_with("<?") {
            (None, rest.find("?>").map_or(rest.len(), |n| n + 2))
        } else {
            let n = rest.find('>').map_or(rest.len(), |n| n + 1);
            (Some(&rest[..n]), n)
        };
        i = at + len;
        let Some(tag) = end_tag else { continue };
        if tag.starts_with("</") {
            depth = depth.saturating_sub(1);
            if depth == 1 {
                if let Some(st) = start.take() {
                    add_block(&text[st..i], core, blocks);
                }
            }
        } else if tag.ends_with("/>") {
            if depth == 1 {
                add_block(tag, core, blocks);
            }
        } else {
            if depth == 1 {
                start = Some(at);
            }
            depth += 1;
        }
    }
}

fn add_block(raw: &str, core: bool, blocks: &mut BTreeMap<String, Block>) {
    let head = raw.split('>').next().unwrap_or_default();
    if !["<xs:complexType ", "<xs:simpleType ", "<xs:element "]
        .iter()
        .any(|k| head.starts_with(k))
    {
        return;
    }
    let Some(name) = attr(head, "name") else {
        return;
    };
    let text = strip(raw);
    let refs = ["type", "base"]
        .iter()
        .flat_map(|a| {
            text.split(&format!(" {a}=\""))
                .skip(1)
                .filter_map(|t| t.split('"').next())
                .collect::<Vec<_>>()
        })
        .filter(|r| !r.starts_with("xs:"))
        .map(|r| resolve(r, core))
        .collect();
    let key = if core {
        format!("C:{name}")
    } else {
        name.to_string()
    };
    let base = attr(&text, "base").map(|b| resolve(b, core));
    blocks.insert(key, Block { text, refs, base });
}

/// The key of a type reference written in a core file or not.
fn resolve(r: &str, core: bool) -> String {
    match r.split_once(':') {
        Some((_, local)) => format!("C:{local}"),
        None if core => format!("C:{r}"),
        None => r.to_string(),
    }
}

/// Removes `xs:annotation` blocks and comments, and the whitespace between tags.
fn strip(text: &str) -> String {
    let mut s = text.to_string();
    for (open, close) in [("<xs:annotation", "</xs:annotation>"), ("<!--", "-->")] {
        while let Some(i) = s.find(open) {
            // A self-closing `<xs:annotation/>` ends at its own `/>`.
            let tail = &s[i..];
            let end = if tail.starts_with("<xs:annotation/>") {
                i + "<xs:annotation/>".len()
            } else {
                match tail.find(close) {
                    Some(j) => i + j + close.len(),
                    None => break,
                }
            };
            s.replace_range(i..end, "");
        }
    }
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("")
}
