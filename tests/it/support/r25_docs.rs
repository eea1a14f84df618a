//! Reads what R25 documents about a response's tables straight from the vendored XSD text
//! (`tests/fixtures/ocip/r25/`): which of the response's elements are `core:OCITable`, and the
//! column headings its `xs:documentation` lists for each. Independent of the client's field
//! table and of the sandbox's schema model on purpose: this is the audit's own reading.

use std::path::Path;
use std::sync::OnceLock;

/// Every R25 file's text, read once.
fn files() -> &'static Vec<String> {
    static FILES: OnceLock<Vec<String>> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocip/r25");
        let mut out = Vec::new();
        for dir in [root.clone(), root.join("Services")] {
            let mut paths: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "xsd"))
                .collect();
            paths.sort();
            for p in paths {
                out.push(std::fs::read_to_string(&p).unwrap());
            }
        }
        out
    })
}

/// The text of `<xs:complexType name="…">…</xs:complexType>` for a type (no-namespace).
pub fn complex_type(name: &str) -> Option<&'static str> {
    let open = format!("<xs:complexType name=\"{name}\">");
    files().iter().find_map(|t| {
        let i = t.find(&open)?;
        let j = t[i..].find("</xs:complexType>")? + i;
        Some(&t[i..j])
    })
}

/// A response's tables as R25 documents them: (element name, column headings) per
/// `core:OCITable` element, in sequence order. Err says what could not be read.
pub fn tables(response: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let block = complex_type(response).ok_or_else(|| format!("{response}: not in R25"))?;
    let doc = documentation(block);
    let names: Vec<String> = block
        .split("<xs:element name=\"")
        .skip(1)
        .filter(|e| {
            e.split('>')
                .next()
                .is_some_and(|tag| tag.contains("type=\"core:OCITable\""))
        })
        .filter_map(|e| e.split('"').next().map(str::to_string))
        .collect();
    let mut out = Vec::new();
    for name in &names {
        // With one table, the type's list is its; with several, the list after the table's
        // name (or its element's own documentation).
        let own = element_doc(block, name);
        let text = match (&own, names.len()) {
            (Some(d), _) if d.contains('"') => d.as_str(),
            (_, 1) => doc.as_str(),
            _ => {
                let at = doc
                    .find(name.as_str())
                    .or_else(|| table_in_prose(&doc, name))
                    .ok_or_else(|| format!("{response}: documentation does not name {name}"))?;
                &doc[at..]
            }
        };
        let headings = heading_list(text)
            .ok_or_else(|| format!("{response}/{name}: no column headings documented"))?;
        out.push((name.clone(), headings));
    }
    Ok(out)
}

/// Where prose names a table by its subject rather than its element: `servicePacks…Table` is
/// "the service pack table", `groupServices…Table` "the group service table",
/// `userServices…Table` "the user service table" or "the user table" (R25's assignment and
/// authorization lists).
fn table_in_prose(doc: &str, name: &str) -> Option<usize> {
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    words.push(cur);
    let subject: Vec<String> = words
        .iter()
        .take_while(|w| !matches!(w.as_str(), "assignment" | "authorization" | "table"))
        .map(|w| w.strip_suffix('s').unwrap_or(w).to_string())
        .collect();
    let first = subject.first()?;
    let lower = doc.to_ascii_lowercase();
    [
        format!("{} table", subject.join(" ")),
        format!("{first} table"),
    ]
    .iter()
    .find_map(|p| lower.find(p.as_str()))
}

fn documentation(block: &str) -> String {
    let Some(i) = block.find("<xs:documentation>") else {
        return String::new();
    };
    let rest = &block[i + "<xs:documentation>".len()..];
    let j = rest.find("</xs:documentation>").unwrap_or(rest.len());
    rest[..j].split_whitespace().collect::<Vec<_>>().join(" ")
}

fn element_doc(block: &str, name: &str) -> Option<String> {
    let i = block.find(&format!("<xs:element name=\"{name}\""))?;
    let rest = &block[i..];
    let tag_end = rest.find('>')?;
    if rest[..tag_end].ends_with('/') {
        return None;
    }
    let j = rest.find("</xs:element>")?;
    let d = documentation(&rest[..j]);
    (!d.is_empty()).then_some(d)
}

/// The quoted list after the first "heading" in `text`: `"A", "B" and "C"`, ending at the first
/// thing that is not a separator (a comma, "and", a colon, whitespace) followed by a quote.
pub fn heading_list(text: &str) -> Option<Vec<String>> {
    let lower = text.to_ascii_lowercase();
    // "column headings: …", or "contains columns: …" (GroupGetUserServiceAssignedUserList).
    let at = lower.find("heading").or_else(|| lower.find("columns:"))?;
    let mut rest = &text[at..];
    rest = &rest[rest.find('"')?..];
    let mut out = Vec::new();
    while let Some(body) = rest.strip_prefix('"') {
        let end = body.find('"')?;
        out.push(body[..end].trim().to_string());
        let mut after = body[end + 1..].trim_start();
        loop {
            let before = after;
            // R25 separates one pair with ';' ("Hiragana Last Name"; "Hiragana First Name").
            after = after
                .trim_start_matches(|c: char| matches!(c, ',' | ':' | ';') || c.is_whitespace());
            if let Some(a) = after.strip_prefix("and ") {
                after = a;
            }
            if after == before {
                break;
            }
        }
        if !after.starts_with('"') {
            break;
        }
        rest = after;
    }
    (!out.is_empty()).then_some(out)
}
