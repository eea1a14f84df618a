//! Desired state given as data in memory (JSON values: the reference page's dicts), loaded
//! with exactly the rules, defaults and diagnostics of a file.
//!
//! The data is written out as block YAML, one key or item per line, and loaded as a YAML file;
//! each diagnostic's line is then mapped back to the key path it came from
//! (`hunt_group_data[0].service_instance_profile.extension`), since the text is not the user's.

use super::{DesiredState, Diagnostic, Diagnostics, Location};
use serde_json::Value;

/// Loads hunt groups given as JSON-like data: a list of hunt groups (the reference page's
/// dicts: `operation`, snake_case or camelCase keys, nested `service_instance_profile`), or a
/// mapping with `defaults` and `huntGroups`, exactly as a YAML file would hold them. The same
/// defaults, rules and diagnostics apply; a diagnostic's location names `name` and the key path
/// of the value (`Location::path`, e.g. `hunt_group_data[0].service_instance_profile.extension`).
///
/// ```
/// use serde_json::json;
/// let bad = json!([{"service_provider_id": "MyServiceProvider", "group_id": "SalesGroup",
///                   "service_user_id": "x@company.com",
///                   "service_instance_profile": {"extension": "12a"},
///                   "agent_user_id": ["john.doe@company.com"]}]);
/// let d = huntctl_core::desired::load_data("hunt_group_data", &bad).unwrap_err();
/// let path = d.items[0].location.path.as_deref();
/// assert_eq!(path, Some("hunt_group_data[0].service_instance_profile.extension"));
/// ```
pub fn load_data(name: &str, data: &Value) -> Result<DesiredState, Diagnostics> {
    let mut doc = YamlDoc::default();
    doc.value(data, name, 0, None);
    // The loader picks the format by extension; the data never was a file.
    let file = format!("{name}.yaml");
    let fix = |items: Vec<Diagnostic>| -> Vec<Diagnostic> {
        items
            .into_iter()
            .map(|d| doc.relocate(d, &file, name))
            .collect()
    };
    match super::load_str(&file, &doc.text) {
        Ok(mut state) => {
            state.warnings = fix(std::mem::take(&mut state.warnings));
            state.files = 0;
            state.data = Some(std::sync::Arc::new((name.to_string(), data.clone())));
            Ok(state)
        }
        Err(d) => Err(Diagnostics {
            items: fix(d.items),
        }),
    }
}

/// Where the values of the hunt groups `ids` are in data loaded by [`load_data`], as key
/// paths (`hunt_group_data[0].agent_user_id[1]`).
pub fn locate_data(name: &str, data: &Value, ids: &[&str]) -> super::locate::SourceMap {
    let mut doc = YamlDoc::default();
    doc.value(data, name, 0, None);
    let mut map = super::locate::locate_str(&format!("{name}.yaml"), &doc.text, ids);
    map.map_locations(|l| doc.relocate_location(l, None, name));
    map
}

/// What one line of the generated YAML holds.
#[derive(Debug, Default)]
struct LineInfo {
    /// The key path of the key or item on this line.
    path: String,
    /// The key written on this line, if any.
    key: Option<String>,
    /// When this line also starts a mapping that is a list item (`- "key": …`), that item's
    /// path: a problem with the whole item is reported here too.
    item: Option<String>,
}

/// JSON-like data written as block YAML, one key or item per line, every string in JSON
/// quotes (a valid YAML double-quoted scalar), remembering the key path of each line.
#[derive(Debug, Default)]
struct YamlDoc {
    text: String,
    lines: Vec<LineInfo>,
}

impl YamlDoc {
    fn scalar(v: &Value) -> String {
        match v {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => Value::String(s.clone()).to_string(),
            Value::Array(a) if a.is_empty() => "[]".into(),
            Value::Object(o) if o.is_empty() => "{}".into(),
            _ => String::new(),
        }
    }

    fn is_block(v: &Value) -> bool {
        matches!(v, Value::Array(a) if !a.is_empty())
            || matches!(v, Value::Object(o) if !o.is_empty())
    }

    fn push_line(&mut self, text: &str, info: LineInfo) {
        self.text.push_str(text);
        self.text.push('\n');
        self.lines.push(info);
    }

    /// Writes `v` (at `path`) indented by `indent`; `prefix` is a pending `- ` for a list item.
    fn value(&mut self, v: &Value, path: &str, indent: usize, item: Option<&str>) {
        let pad = " ".repeat(indent);
        match v {
            Value::Array(a) if !a.is_empty() => {
                for (i, x) in a.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    if Self::is_block(x) {
                        if let Value::Object(_) = x {
                            self.value(x, &p, indent + 2, Some(&p));
                        } else {
                            self.push_line(
                                &format!("{pad}-"),
                                LineInfo {
                                    path: p.clone(),
                                    ..LineInfo::default()
                                },
                            );
                            self.value(x, &p, indent + 2, None);
                        }
                    } else {
                        let line = format!("{pad}- {}", Self::scalar(x));
                        self.push_line(
                            &line,
                            LineInfo {
                                path: p,
                                ..LineInfo::default()
                            },
                        );
                    }
                }
            }
            Value::Object(o) if !o.is_empty() => {
                for (n, (k, x)) in o.iter().enumerate() {
                    let p = format!("{path}.{k}");
                    let first_of_item = n == 0 && item.is_some();
                    let lead = if first_of_item {
                        format!("{}- ", " ".repeat(indent.saturating_sub(2)))
                    } else {
                        pad.clone()
                    };
                    let key = Value::String(k.clone()).to_string();
                    let info = LineInfo {
                        path: p.clone(),
                        key: Some(k.clone()),
                        item: first_of_item.then(|| item.unwrap_or_default().to_string()),
                    };
                    if Self::is_block(x) {
                        self.push_line(&format!("{lead}{key}:"), info);
                        // A list under a key may sit at the key's own indentation; nesting it
                        // deeper is valid YAML too and keeps every parser happy.
                        self.value(x, &p, indent + 2, None);
                    } else {
                        self.push_line(&format!("{lead}{key}: {}", Self::scalar(x)), info);
                    }
                }
            }
            _ => {
                let line = format!("{pad}{}", Self::scalar(v));
                self.push_line(
                    &line,
                    LineInfo {
                        path: path.to_string(),
                        ..LineInfo::default()
                    },
                );
            }
        }
    }

    /// The key path of a location in the generated text.
    fn path_of(&self, loc: &Location, field: Option<&str>, name: &str) -> String {
        let Some(info) = loc.line.checked_sub(1).and_then(|i| self.lines.get(i)) else {
            return name.to_string();
        };
        // A problem of the whole list item (a missing field) points at its first line: report
        // the item, unless the problem is about the key that happens to be written there.
        if let (Some(item), Some(key)) = (&info.item, &info.key) {
            let norm = |s: &str| s.to_ascii_lowercase().replace('_', "");
            let about_key = field
                .and_then(|f| f.rsplit('.').next())
                .is_some_and(|f| norm(f) == norm(key));
            if !about_key {
                return item.clone();
            }
        }
        info.path.clone()
    }

    fn relocate_location(&self, loc: &Location, field: Option<&str>, name: &str) -> Location {
        Location {
            file: name.to_string(),
            path: Some(self.path_of(loc, field, name)),
            ..Location::default()
        }
    }

    /// The diagnostic with its locations in the generated text replaced by key paths (and no
    /// snippet: the text is not the user's).
    fn relocate(&self, mut d: Diagnostic, file: &str, name: &str) -> Diagnostic {
        if d.location.file != file {
            return d;
        }
        let loc = self.relocate_location(&d.location, d.field.as_deref(), name);
        let related = std::mem::take(&mut d.related);
        d = d.at(loc, None);
        for r in related {
            let rl = self.relocate_location(&r.location, None, name);
            d = d.with_related(r.message, rl, None);
        }
        d
    }
}
