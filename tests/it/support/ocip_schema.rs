//! Validates OCI-P documents against the vendored BroadWorks R25 schema
//! (`tests/fixtures/ocip/r25/OCISchemaAS.xsd`) with libxml2's `xmllint`.
//!
//! Shared by every test that checks what is sent or answered (`#[path]`-included, so each test
//! binary has it) and by `cargo run --example ocip-validate -- FILE...`.
//!
//! Why xmllint: it is libxml2's complete XSD 1.0 validator. The one pure-Rust XSD crate
//! (`xmlschema`, 0.0.x) skips constructs it does not support instead of rejecting them, and the
//! `libxml` bindings need libxml2's headers and a C toolchain at build time, which would make a
//! plain `cargo test` fail to build where they are missing. A subprocess keeps the build pure Rust
//! and lets the checks say they did not run instead.
//!
//! libxml2 cannot resolve an unprefixed `xsi:type` once a child undeclares the default namespace
//! (`xmlns=""`), which every OCI-P document does. So each document is first re-serialised with
//! the root prefixed (`c:BroadsoftDocument`, `xmlns:c="C"`) and no default namespace declared:
//! the same infoset, in a form libxml2 reads.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use quick_xml::Writer;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The R25 schema's entry point, inside the repository.
pub fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocip/r25/OCISchemaAS.xsd")
}

/// The vendored sample documents.
pub fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocip/samples")
}

/// What validating a stream of documents found.
#[derive(Debug)]
pub struct Report {
    /// How many documents the stream held.
    pub documents: usize,
    /// One entry per invalid document: its 1-based number and what libxml2 said.
    pub invalid: Vec<(usize, String)>,
}

impl Report {
    /// True when every document is valid and there was at least one.
    pub fn is_valid(&self) -> bool {
        self.documents > 0 && self.invalid.is_empty()
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_valid() {
            return write!(
                f,
                "{} documents valid against the OCI-P R25 schema",
                self.documents
            );
        }
        writeln!(
            f,
            "{} of {} documents INVALID against the OCI-P R25 schema",
            self.invalid.len(),
            self.documents
        )?;
        for (n, why) in &self.invalid {
            writeln!(f, "document {n}: {why}")?;
        }
        Ok(())
    }
}

/// The xmllint to run, or None when it is missing outside CI (the checks then say they did not
/// run, once per process). In CI (`CI=true`) a missing xmllint is a failure: the checks are
/// mandatory there.
fn xmllint() -> Option<&'static str> {
    static FOUND: OnceLock<Option<String>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let cmd = std::env::var("HUNTCTL_XMLLINT").unwrap_or_else(|_| "xmllint".into());
            let ok = Command::new(&cmd)
                .arg("--version")
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if ok {
                return Some(cmd);
            }
            let how = "install libxml2's xmllint (Debian/Ubuntu: apt-get install libxml2-utils; macOS: brew install libxml2) or set HUNTCTL_XMLLINT";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("OCI-P schema checks are mandatory in CI, but `{cmd}` was not found: {how}");
            }
            // Written to stderr directly: libtest captures print!/eprint!, not this.
            let _ = writeln!(
                std::io::stderr(),
                "note: the OCI-P schema checks (requests, sandbox replies, recorded traffic against R25) did not run: `{cmd}` not found; {how}"
            );
            None
        })
        .as_deref()
}

/// Splits a stream (as recorded from a TCP connection) into its documents: each ends with its
/// closing root tag, prefixed or not.
pub fn split_documents(stream: &[u8]) -> Vec<&[u8]> {
    const ROOT: &[u8] = b"BroadsoftDocument>";
    let mut docs = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(off) = find(&stream[i..], ROOT) {
        let at = i + off;
        i = at + ROOT.len();
        // Walk back over an optional `prefix:` to the `</`.
        let mut j = at;
        if j > 0 && stream[j - 1] == b':' {
            j -= 1;
            while j > 0
                && (stream[j - 1].is_ascii_alphanumeric() || b"_-.".contains(&stream[j - 1]))
            {
                j -= 1;
            }
        }
        if j >= 2 && &stream[j - 2..j] == b"</" {
            let doc = trim_start(&stream[start..i]);
            if !doc.is_empty() {
                docs.push(doc);
            }
            start = i;
        }
    }
    docs
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// Decodes a document by its XML declaration (OCI-P uses ISO-8859-1 and UTF-8).
fn decode(doc: &[u8]) -> String {
    let head = String::from_utf8_lossy(&doc[..doc.len().min(100)]).to_ascii_lowercase();
    let label = head
        .split("encoding=")
        .nth(1)
        .and_then(|r| r.get(1..))
        .and_then(|r| r.split(['"', '\'']).next())
        .unwrap_or("utf-8")
        .to_string();
    let enc = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = enc.decode(doc);
    text.into_owned()
}

/// Re-serialises a document with a prefixed root and no default namespace (see the module doc).
pub fn normalise(doc: &[u8]) -> Result<Vec<u8>, String> {
    let text = decode(doc);
    let mut reader = NsReader::from_str(&text);
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(|e| e.to_string())?;
    let mut names: Vec<String> = Vec::new();
    let mut depth = 0usize;
    loop {
        let (ns, ev) = match reader.read_resolved_event() {
            Ok(x) => x,
            Err(e) => return Err(format!("not well-formed XML: {e}")),
        };
        match ev {
            Event::Start(ref s) | Event::Empty(ref s) => {
                let is_empty = matches!(ev, Event::Empty(_));
                let raw = String::from_utf8_lossy(s.name().as_ref()).into_owned();
                let local = String::from_utf8_lossy(s.local_name().as_ref()).into_owned();
                let in_c = matches!(ns, ResolveResult::Bound(n) if n.as_ref() == b"C");
                let name = if in_c && !raw.contains(':') {
                    format!("c:{local}")
                } else {
                    raw
                };
                let mut out = BytesStart::new(name.clone());
                let mut has_c = false;
                for a in s.attributes().with_checks(false) {
                    let a = a.map_err(|e| e.to_string())?;
                    let key = a.key.as_ref();
                    let value = a.unescape_value().map_err(|e| e.to_string())?;
                    if key == b"xmlns" && (value.is_empty() || value == "C") {
                        continue;
                    }
                    if key == b"xmlns:c" {
                        has_c = true;
                    }
                    out.push_attribute((String::from_utf8_lossy(key).as_ref(), value.as_ref()));
                }
                if depth == 0 && !has_c {
                    out.push_attribute(("xmlns:c", "C"));
                }
                if is_empty {
                    w.write_event(Event::Empty(out))
                        .map_err(|e| e.to_string())?;
                } else {
                    depth += 1;
                    names.push(name);
                    w.write_event(Event::Start(out))
                        .map_err(|e| e.to_string())?;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                let name = names.pop().ok_or("unbalanced end tag")?;
                w.write_event(Event::End(BytesEnd::new(name)))
                    .map_err(|e| e.to_string())?;
            }
            Event::Decl(_) | Event::DocType(_) => {}
            Event::Eof => break,
            other => w.write_event(other).map_err(|e| e.to_string())?,
        }
    }
    if !names.is_empty() {
        return Err("the document ends before its root element closes".into());
    }
    Ok(w.into_inner())
}

/// Validates every document of `stream`. None when the checks cannot run here (see [`xmllint`]).
pub fn validate_stream(stream: &[u8]) -> Option<Report> {
    let lint = xmllint()?;
    let docs = split_documents(stream);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut invalid = Vec::new();
    let mut files = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        match normalise(d) {
            Ok(bytes) => {
                let f = dir.path().join(format!("doc{}.xml", i + 1));
                std::fs::write(&f, bytes).expect("write a document to validate");
                files.push((i + 1, f));
            }
            Err(e) => invalid.push((i + 1, e)),
        }
    }
    if !files.is_empty() {
        let out = Command::new(lint)
            .arg("--noout")
            .arg("--schema")
            .arg(schema_path())
            .args(files.iter().map(|(_, f)| f))
            .output()
            .expect("run xmllint");
        let err = String::from_utf8_lossy(&out.stderr);
        for (n, f) in &files {
            let f = f.to_string_lossy();
            if err.lines().any(|l| l == format!("{f} validates")) {
                continue;
            }
            let why: Vec<&str> = err
                .lines()
                .filter(|l| l.starts_with(f.as_ref()) && !l.ends_with("fails to validate"))
                .take(5)
                .collect();
            let why = if why.is_empty() {
                format!(
                    "xmllint gave no verdict (exit {:?}): {err}",
                    out.status.code()
                )
            } else {
                why.join("\n").replace(f.as_ref(), "")
            };
            invalid.push((*n, why));
        }
    }
    invalid.sort();
    Some(Report {
        documents: docs.len(),
        invalid,
    })
}

/// Validates the documents one after another, as one stream.
pub fn validate_documents(docs: &[Vec<u8>]) -> Option<Report> {
    let mut all = Vec::new();
    for d in docs {
        all.extend_from_slice(d);
        all.push(b'\n');
    }
    validate_stream(&all)
}

/// Panics with libxml2's messages unless every document in `stream` is valid (and there is one).
pub fn assert_valid_stream(label: &str, stream: &[u8]) {
    if let Some(r) = validate_stream(stream) {
        assert!(r.is_valid(), "{label}: {r}");
    }
}

/// [`assert_valid_stream`] over documents given one by one.
pub fn assert_valid_documents(label: &str, docs: &[Vec<u8>]) {
    if let Some(r) = validate_documents(docs) {
        assert!(r.is_valid(), "{label}: {r}");
    }
}

/// [`assert_valid_stream`] over a file (one document or a recorded stream).
pub fn assert_valid_file(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_valid_stream(&path.display().to_string(), &bytes);
}
