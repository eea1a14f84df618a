//! Masks password values in the text that diagnostics quote as source snippets.
//!
//! A snippet shows the lines around a problem, so a password on a neighbouring line would be
//! printed with it. Values are overwritten byte for byte with `*`, keeping every other byte
//! (and so every span and line number) where it was.

use super::yaml_tree::{Node, Value};

/// The text with every password value overwritten by `*` (same length in bytes).
pub fn mask_passwords(name: &str, text: String) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".csv") {
        mask_csv(text)
    } else {
        let spans = match super::yaml_tree::parse(&text) {
            Ok(Some(root)) => password_spans(&root),
            _ => Vec::new(),
        };
        mask_yaml(text, &spans)
    }
}

fn is_password_key(key: &str) -> bool {
    let k = key.trim().trim_matches(|c| c == '"' || c == '\'');
    let k = k.rsplit('.').next().unwrap_or(k);
    k.eq_ignore_ascii_case("password")
}

fn star(bytes: &mut [u8], from: usize, to: usize) {
    for b in bytes.iter_mut().take(to).skip(from) {
        if !b.is_ascii_whitespace() {
            *b = b'*';
        }
    }
}

/// YAML whose password values are at `spans` (from [`password_spans`]): those, and in any
/// case the rest of every line's `password:` (the only masking left when the text is not valid
/// YAML, and so has no spans).
pub fn mask_yaml(text: String, spans: &[(usize, usize)]) -> String {
    let mut bytes = mask_yaml_lines(text).into_bytes();
    let len = bytes.len();
    for &(from, to) in spans {
        star(&mut bytes, from, to.min(len));
    }
    // Only ASCII bytes were changed to ASCII, and only whole non-whitespace runs: any
    // multi-byte character is replaced completely, so the text stays UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Where the value of every `password` key of a parsed YAML document is (block scalars and
/// multi-line flow values included).
pub fn password_spans(root: &Node<'_>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    password_values(root, &mut out);
    out
}

fn password_values(n: &Node<'_>, out: &mut Vec<(usize, usize)>) {
    match &n.value {
        Value::Seq(items) => items.iter().for_each(|i| password_values(i, out)),
        Value::Map(entries) => {
            for e in entries {
                if e.key.key_text().is_some_and(is_password_key) {
                    if !is_reference_node(&e.value) {
                        out.push((e.value.start, e.value.end));
                    }
                } else {
                    password_values(&e.value, out);
                }
            }
        }
        _ => {}
    }
}

/// A secret reference (`{env: NAME}`, `{file: PATH}`) names where a password is, not the
/// password: snippets show it, so that a diagnostic about it can be read.
fn is_reference_node(n: &Node<'_>) -> bool {
    match &n.value {
        Value::Map(entries) => {
            entries.len() == 1
                && entries[0]
                    .key
                    .key_text()
                    .is_some_and(|k| k == super::secret_ref::ENV || k == super::secret_ref::FILE)
                && matches!(entries[0].value.value, Value::Str { .. })
        }
        _ => false,
    }
}

/// The rest of a line after `password:` is a whole flow reference `{env: NAME}` or
/// `{file: PATH}` (and maybe a comment), nothing else.
fn is_reference_text(rest: &[u8]) -> bool {
    let Ok(rest) = std::str::from_utf8(rest) else {
        return false;
    };
    let rest = rest.trim();
    let Some(inner) = rest.strip_prefix('{') else {
        return false;
    };
    let Some(close) = inner.find('}') else {
        return false;
    };
    let after = inner[close + 1..].trim();
    let Some((key, target)) = inner[..close].split_once(':') else {
        return false;
    };
    matches!(key.trim(), super::secret_ref::ENV | super::secret_ref::FILE)
        && !target.contains([',', '{', ':'])
        && (after.is_empty() || after.starts_with('#'))
}

/// CSV cells that are secret references stay readable (see [`is_reference_text`]).
fn is_reference_cell(rest: &[u8]) -> bool {
    let cell = rest
        .iter()
        .position(|&b| matches!(b, b',' | b'\n' | b'\r' | b'"'))
        .map_or(rest, |e| &rest[..e]);
    std::str::from_utf8(cell)
        .ok()
        .and_then(super::secret_ref::parse_cell)
        .is_some_and(|r| r.is_ok())
}

/// The value after every `password:` key, to the end of its line (or, inside a flow mapping
/// `{…}`, to the next `,` or `}`).
fn mask_yaml_lines(text: String) -> String {
    let mut bytes = text.into_bytes();
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end = bytes[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| line_start + i);
        let mut i = line_start;
        while i < line_end {
            let rest = &bytes[i..line_end];
            let is_start = i == line_start
                || matches!(
                    bytes[i - 1],
                    b' ' | b'\t' | b'{' | b',' | b'-' | b'"' | b'\''
                );
            if is_start && rest.len() >= 8 && rest[..8].eq_ignore_ascii_case(b"password") {
                let mut j = i + 8;
                if j < line_end && matches!(bytes[j], b'"' | b'\'') {
                    j += 1;
                }
                while j < line_end && bytes[j] == b' ' {
                    j += 1;
                }
                if j < line_end && bytes[j] == b':' && !is_reference_text(&bytes[j + 1..line_end]) {
                    let value = j + 1;
                    let in_flow = bytes[line_start..i].contains(&b'{');
                    let end = if in_flow {
                        bytes[value..line_end]
                            .iter()
                            .position(|&b| b == b',' || b == b'}')
                            .map_or(line_end, |p| value + p)
                    } else {
                        line_end
                    };
                    star(&mut bytes, value, end);
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        line_start = line_end + 1;
    }
    // Only ASCII bytes were changed to ASCII, and only whole non-whitespace runs: any
    // multi-byte character is replaced completely, so the text stays UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// CSV: every cell of a column named `…password`.
fn mask_csv(text: String) -> String {
    let header_end = text.find('\n').unwrap_or(text.len());
    let secret_cols: Vec<usize> = text[..header_end]
        .trim_end_matches('\r')
        .split(',')
        .enumerate()
        .filter(|(_, h)| is_password_key(h))
        .map(|(i, _)| i)
        .collect();
    if secret_cols.is_empty() {
        return text;
    }
    let mut bytes = text.into_bytes();
    let (mut col, mut quoted) = (0usize, false);
    let mut i = (header_end + 1).min(bytes.len());
    let mut cell_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        if std::mem::take(&mut cell_start)
            && secret_cols.contains(&col)
            && is_reference_cell(&bytes[i..])
        {
            // Skip the reference: it names where the password is.
            while i < bytes.len() && !matches!(bytes[i], b',' | b'\n') {
                i += 1;
            }
            continue;
        }
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                col += 1;
                cell_start = true;
            }
            b'\n' if !quoted => {
                col = 0;
                cell_start = true;
            }
            b'\r' if !quoted => {}
            _ if secret_cols.contains(&col) => bytes[i] = b'*',
            _ => {}
        }
        i += 1;
    }
    // Multi-byte characters inside a password cell were overwritten byte by byte with ASCII.
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_password_values_are_masked_in_place() {
        let t = "a:\n  password: \"s3cr&t\" # c\n  passwordish: x\n  - {userId: u, password: pw1, name: n}\n  name: ok\n";
        let m = mask_passwords("f.yaml", t.to_string());
        assert_eq!(m.len(), t.len());
        assert!(!m.contains("s3cr") && !m.contains("pw1"), "{m}");
        assert!(m.contains("passwordish: x") && m.contains("name: n") && m.contains("name: ok"));
        assert_eq!(m.lines().count(), t.lines().count());
    }

    #[test]
    fn yaml_passwords_in_block_scalars_and_multi_line_flow_are_masked() {
        let t = "- password: |\n    blocksecret\n  name: ok\n- {userId: u,\n   password:\n     flowsecret}\n";
        let m = mask_passwords("f.yml", t.to_string());
        assert_eq!(m.len(), t.len());
        assert!(
            !m.contains("blocksecret") && !m.contains("flowsecret"),
            "{m}"
        );
        assert!(m.contains("name: ok") && m.contains("userId: u"), "{m}");
        assert_eq!(m.lines().count(), t.lines().count());
    }

    #[test]
    fn csv_password_cells_are_masked_in_place() {
        let t = "serviceUserId,serviceInstanceProfile.password,name\na@b.c,\"p,w é\",N\nx@y.z,plain,M\n";
        let m = mask_passwords("f.CSV", t.to_string());
        assert_eq!(m.len(), t.len());
        assert!(!m.contains("p,w") && !m.contains("plain"), "{m}");
        assert!(m.contains("a@b.c,\"") && m.contains(",N\n") && m.contains(",M\n"));
    }

    #[test]
    fn secret_references_stay_readable_and_nothing_else_does() {
        let t = "- password: {env: BW_PW}\n- password: {file: pw.txt}  # c\n- password: {env: X, v: leak1}\n";
        let m = mask_passwords("f.yaml", t.to_string());
        assert!(
            m.contains("{env: BW_PW}") && m.contains("{file: pw.txt}"),
            "{m}"
        );
        assert!(!m.contains("leak1"), "{m}");
        let t = "serviceUserId,serviceInstanceProfile.password\na@b.c,env:BW_PW\nx@y.z,leak2\n";
        let m = mask_passwords("f.csv", t.to_string());
        assert!(
            m.contains("a@b.c,env:BW_PW\n") && !m.contains("leak2"),
            "{m}"
        );
    }
}
