//! Problems found while loading desired state, rendered like a compiler does (miette) or as JSON.

use miette::{LabeledSpan, NamedSource, SourceCode, SourceSpan};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

pub use super::code::DiagnosticCode;

/// How bad a diagnostic is: errors make the load fail, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be used.
    Error,
    /// The input was used, but something was skipped or looks wrong.
    Warning,
}

/// Where a problem is: file, 1-based line and column, and for CSV the row and column header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file's name as the loader was given it: a path passed to `load_paths` (or found in a
    /// directory passed to it), or the name passed to `load_str`.
    pub file: String,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    /// CSV only: the spreadsheet row (the header is row 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// CSV only: the column header of the cell.
    #[serde(rename = "columnHeader", skip_serializing_if = "Option::is_none")]
    pub column_header: Option<String>,
    /// Data passed in memory only: the key path of the value, e.g.
    /// `hunt_group_data[1].service_instance_profile.name` (data loaded by `huntctl::api::load_data`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Byte offset and length in the file, for snippets.
    #[serde(skip)]
    pub span: Option<(usize, usize)>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            return f.write_str(path);
        }
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if let Some(row) = self.row {
            write!(f, " (row {row}")?;
            if let Some(h) = &self.column_header {
                write!(f, ", column {h}")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

/// The text of a loaded file, shared by all diagnostics that point into it.
pub type Source = Arc<NamedSource<String>>;

/// The snippet source of a file: its name and text as a terminal may show them. Control
/// characters (but tab, line feed and carriage return) become `?`, or `·` for the two-byte C1
/// controls and `\u{FFFD}` for U+FFFE/U+FFFF, so every byte offset into the text still points
/// where it did; the name is escaped like every value shown.
pub fn snippet_source(name: &str, text: String) -> Source {
    let safe = |c: char| !c.is_control() || matches!(c, '\t' | '\n' | '\r');
    let text = if text
        .chars()
        .all(|c| safe(c) && c != '\u{FFFE}' && c != '\u{FFFF}')
    {
        text
    } else {
        text.chars()
            .map(|c| match c {
                '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
                c if safe(c) => c,
                c if c.len_utf8() == 1 => '?',
                _ => '·',
            })
            .collect()
    };
    Arc::new(NamedSource::new(crate::text::escape_controls(name), text))
}

/// A second place that belongs to a diagnostic (e.g. where a duplicate was first defined).
#[derive(Debug, Clone)]
pub struct Related {
    /// What is there.
    pub message: String,
    /// Where.
    pub location: Location,
    source: Option<Source>,
}

/// One problem, with its location, a label for the snippet and an optional help line.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable machine-readable code, e.g. `huntctl::unknown_field`: the
    /// [`DiagnosticCode::as_str`] of the code the diagnostic was made with, kept as that string
    /// because the string is what callers compare, serialise and hand to Python.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The field concerned, as a camelCase path (`serviceInstanceProfile.name`), when there is one.
    pub field: Option<String>,
    /// Where.
    pub location: Location,
    /// Short text under the snippet.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Other places involved.
    pub related: Vec<Related>,
    source: Option<Source>,
}

impl Diagnostic {
    /// A diagnostic without source text attached yet.
    pub fn new(severity: Severity, code: DiagnosticCode, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code: code.as_str(),
            message: message.into(),
            field: None,
            location: Location::default(),
            label: String::new(),
            help: None,
            related: Vec::new(),
            source: None,
        }
    }

    /// Sets the location and the file text used for the snippet.
    pub fn at(mut self, location: Location, source: Option<Source>) -> Self {
        self.location = location;
        self.source = source;
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a related place.
    pub fn with_related(
        mut self,
        message: impl Into<String>,
        location: Location,
        source: Option<Source>,
    ) -> Self {
        self.related.push(Related {
            message: message.into(),
            location,
            source,
        });
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic with its texts escaped for a terminal (values quoted from a file may
    /// hold control characters).
    fn for_terminal(&self) -> Diagnostic {
        let esc = |s: &str| crate::text::escape_controls(s).into_owned();
        Diagnostic {
            message: esc(&self.message),
            label: esc(&self.label),
            help: self.help.as_deref().map(esc),
            related: self
                .related
                .iter()
                .map(|r| Related {
                    message: esc(&r.message),
                    ..r.clone()
                })
                .collect(),
            ..self.clone()
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // With a snippet, miette prints file:line:col above it; say only what it cannot show.
        if self.location.span.is_some() && self.source.is_some() {
            write!(f, "{}", self.message)?;
            if let Some(row) = self.location.row {
                write!(f, " (row {row}")?;
                if let Some(h) = &self.location.column_header {
                    write!(f, ", column {h}")?;
                }
                write!(f, ")")?;
            }
            Ok(())
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

impl std::error::Error for Diagnostic {}

fn labels_for<'a>(
    location: &Location,
    label: &str,
    source: &Option<Source>,
) -> Option<Box<dyn Iterator<Item = LabeledSpan> + 'a>> {
    let (offset, len) = location.span?;
    source.as_ref()?;
    let text = if label.is_empty() {
        None
    } else {
        Some(label.to_string())
    };
    Some(Box::new(std::iter::once(
        LabeledSpan::new_primary_with_span(text, SourceSpan::new(offset.into(), len)),
    )))
}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.location.span?;
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        labels_for(&self.location, &self.label, &self.source)
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

impl fmt::Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for Related {}

impl miette::Diagnostic for Related {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.location.span?;
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        labels_for(&self.location, &self.message, &self.source)
    }
}

/// Every problem of a load, in file order. Returned as the error of `load_paths`/`load_str`.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    /// The problems, errors and warnings mixed, in the order found.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// True when at least one item is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Renders every diagnostic with miette's graphical handler (snippets, labels, help).
    pub fn render(&self, color: bool) -> String {
        render_all(&self.items, color)
    }

    /// Every diagnostic as one JSON document (see [`to_json`]), for machines to read.
    pub fn to_json(&self) -> serde_json::Value {
        to_json(&self.items)
    }
}

/// Renders diagnostics with miette; `color` selects ANSI colours.
pub fn render_all(items: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for d in items {
        let d = &d.for_terminal();
        // Writing into a String cannot fail; a failed render still leaves the one-line form.
        if handler.render_report(&mut out, d).is_err() {
            out.push_str(&d.to_string());
            out.push('\n');
        }
    }
    out
}

/// JSON form of diagnostics: `{valid, errors, warnings, diagnostics: [...]}`.
pub fn to_json(items: &[Diagnostic]) -> serde_json::Value {
    let list: Vec<serde_json::Value> = items
        .iter()
        .map(|d| {
            let mut v = serde_json::json!({
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
                "file": d.location.file,
                "line": d.location.line,
                "column": d.location.column,
            });
            if let Some(obj) = v.as_object_mut() {
                if let Some(row) = d.location.row {
                    obj.insert("row".into(), row.into());
                }
                if let Some(h) = &d.location.column_header {
                    obj.insert("columnHeader".into(), h.clone().into());
                }
                if let Some(p) = &d.location.path {
                    obj.insert("path".into(), p.clone().into());
                }
                if let Some(f) = &d.field {
                    obj.insert("field".into(), f.clone().into());
                }
                if let Some(h) = &d.help {
                    obj.insert("help".into(), h.clone().into());
                }
                if !d.related.is_empty() {
                    let rel: Vec<serde_json::Value> = d
                        .related
                        .iter()
                        .map(|r| {
                            let mut v = serde_json::json!({
                                "message": r.message,
                                "file": r.location.file,
                                "line": r.location.line,
                                "column": r.location.column,
                            });
                            if let (Some(p), Some(o)) = (&r.location.path, v.as_object_mut()) {
                                o.insert("path".into(), p.clone().into());
                            }
                            v
                        })
                        .collect();
                    obj.insert("related".into(), rel.into());
                }
            }
            v
        })
        .collect();
    let errors = items.iter().filter(|d| d.is_error()).count();
    serde_json::json!({
        "valid": errors == 0,
        "errors": errors,
        "warnings": items.len() - errors,
        "diagnostics": list,
    })
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.error_count();
        write!(
            f,
            "{e} error{} in desired state",
            if e == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

impl miette::Diagnostic for Diagnostics {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.items.iter().map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}

/// Line and column (1-based, column in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The largest char boundary not after `i` (str::floor_char_boundary is unstable).
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The "did you mean" candidate closest to `input`, if it is close enough to be a likely typo.
pub fn suggest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['_', '-', ' '], "");
    let n = norm(input);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::damerau_levenshtein(&n, &norm(c));
        let better = match best {
            None => true,
            Some((bd, _)) => d < bd,
        };
        if better {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    let limit = (n.chars().count() / 3).max(2);
    (d <= limit).then_some(c)
}
