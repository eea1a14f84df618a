//! The reference bulk-sheet CSV: camelCase headers, dotted nesting, `[N]` arrays, `operation`.
//!
//! Rows are read one at a time and turned into hunt groups straight away, so a 100,000-row
//! sheet never holds more than one row of untyped cells. Cell locations stay compact
//! ([`Loc::Cell`]) and are turned into line:column only for rows that have a problem.

use super::diagnostics::{floor_char_boundary, suggest, DiagnosticCode};
use super::raw::{
    def, is_scalar, lookup_path, Ix, ListVal, Loc, Raw, RawAgent, RawDepartment, RawGroup, Val,
    DEPARTMENT_ENTERPRISE_COLUMN, IGNORE_KEY, OPERATION, OPERATION_KEY, RENAMED_FROM_KEY,
};
use super::validate::{build_taking, Pending};
use crate::model::services::{BlockValue, SERVICES};
use crate::model::table::{Presence, Ty, ValueRef, FIELDS};
use crate::model::{Field, HuntGroup};
use crate::plan::Lifecycle;
use std::collections::BTreeMap;
use std::io::BufRead;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Field(Ix),
    Operation,
    Department,
    DepartmentEnterprise,
    Alias(u32),
    Agent(u32),
    Weight(u32),
    /// The `ignore` column: field paths separated by `;`.
    IgnoreList,
    /// The `renamedFrom` column.
    RenamedFrom,
    /// `services[N]`.
    Service(u32),
    /// A flat setting of a block (`callForwardingAlways.isActive`), by its row in SETTINGS.
    Setting(usize),
    Ignore,
}

/// The result of reading one CSV file (the hunt groups go straight into the caller's vectors).
#[derive(Debug, Default)]
pub struct CsvLoad {
    /// Problems (unresolved locations).
    pub pending: Vec<Pending>,
    /// The header row, for naming columns in diagnostics.
    pub headers: Vec<String>,
    /// Byte length of a leading BOM (positions in `Loc` include it).
    pub bom: u64,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where read hunt groups go: the groups and, in step, the location of each serviceUserId.
pub struct Sink<'a> {
    /// Valid hunt groups.
    pub groups: &'a mut Vec<HuntGroup>,
    /// Their serviceUserId cells.
    pub origins: &'a mut Vec<(usize, Loc)>,
    /// (index in `groups`, its ignore / renamedFrom), for the hunt groups that have any.
    pub metas: &'a mut Vec<(usize, super::lifecycle::GroupMeta)>,
    /// The file index recorded in `origins`.
    pub file: usize,
    /// Locate mode: where the field locations of some hunt groups are kept.
    pub capture: Option<&'a mut super::locate::Capture>,
    /// The file's secret references, checked as each row is built.
    pub secrets: super::secret_ref::SecretCheck,
}

impl Sink<'_> {
    /// Keeps a valid hunt group with where it is named (for the check for duplicates across
    /// files) and, in locate mode, where its values are.
    fn push(&mut self, g: HuntGroup, raw: &RawGroup, meta: Option<super::lifecycle::GroupMeta>) {
        let loc = raw.origin();
        if let Some(m) = meta {
            self.metas.push((self.groups.len(), m));
        }
        if let Some(c) = self.capture.as_deref_mut() {
            c.offer(self.file, &g, raw);
        }
        self.groups.push(g);
        self.origins.push((self.file, loc));
    }
}

/// Reads a CSV from `input` into `sink`; `size_hint` (file size in bytes) pre-sizes it.
pub fn read(mut input: impl BufRead, size_hint: usize, sink: &mut Sink<'_>) -> CsvLoad {
    let mut load = CsvLoad::default();
    match input.fill_buf() {
        Ok(buf) if buf.starts_with(BOM) => {
            input.consume(BOM.len());
            load.bom = BOM.len() as u64;
        }
        _ => {}
    }
    let bom = load.bom;
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);

    let mut rec = ::csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => {}
        Ok(false) => {
            load.pending.push(
                Pending::error(DiagnosticCode::CsvEmpty, Loc::File, "the CSV file is empty")
                    .help("the first row must be the header row of the bulk-sheet template"),
            );
            return load;
        }
        Err(e) => {
            load.pending.push(csv_error(&e, bom));
            return load;
        }
    }
    let cols = parse_headers(&rec, &mut load);
    let missing_required = check_required_columns(&cols, &mut load);

    let header_end = rec.position().map(|p| p.byte()).unwrap_or(0);
    let mut first_data_row = true;
    let mut reserved = false;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                load.pending.push(csv_error(&e, bom));
                // Keep going: csv resynchronises on the next record.
                continue;
            }
        }
        let pos = rec.position().cloned().unwrap_or_else(::csv::Position::new);
        let byte = pos.byte() + bom;
        let row = u32::try_from(pos.record() + 1).unwrap_or(u32::MAX);
        let was_first = std::mem::replace(&mut first_data_row, false);
        if !reserved && pos.byte() > header_end {
            // Size the result from the first rows' length: growing a 100,000-group vector by
            // doubling would briefly hold two copies of it.
            reserved = true;
            let per_row = (pos.byte() - header_end) as usize / (pos.record() as usize).max(1);
            let rows = size_hint.saturating_sub(pos.byte() as usize) / per_row.max(64) + 16;
            sink.groups.reserve(rows);
            sink.origins.reserve(rows);
        }
        if rec.iter().all(|c| c.is_empty()) {
            continue;
        }
        if was_first && is_type_hint_row(&rec, &cols) {
            load.pending.push(
                Pending::warning(
                    DiagnosticCode::TypeHintRow,
                    Loc::Row { byte, row },
                    "skipped the template's type-hint row (string, none | string, …)",
                )
                .label("type hints, not a hunt group")
                .help("delete this row once the sheet is filled in"),
            );
            continue;
        }
        read_row(&rec, &cols, byte, row, &missing_required, &mut load, sink);
    }
    load
}

fn csv_error(e: &::csv::Error, bom: u64) -> Pending {
    let loc = match e.position() {
        Some(p) => Loc::Row {
            byte: p.byte() + bom,
            row: u32::try_from(p.record() + 1).unwrap_or(u32::MAX),
        },
        None => Loc::File,
    };
    let msg = match e.kind() {
        ::csv::ErrorKind::Io(io) => format!("cannot read the CSV: {io}"),
        _ => format!("cannot read the CSV: {e}"),
    };
    Pending::error(DiagnosticCode::CsvSyntax, loc, msg)
}

/// Splits `name[N]` into (`name`, N); `Err` when the brackets are malformed.
fn split_index(h: &str) -> Option<Result<(&str, u32), ()>> {
    let open = h.find('[')?;
    let inner = h[open + 1..].strip_suffix(']');
    Some(match inner.and_then(|i| i.parse::<u32>().ok()) {
        Some(n) => Ok((&h[..open], n)),
        None => Err(()),
    })
}

fn all_headers() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = vec![OPERATION_KEY];
    v.extend(
        FIELDS
            .iter()
            .filter(|d| !matches!(d.ty, Ty::Aliases { .. } | Ty::Agents))
            .map(|d| d.path),
    );
    v.extend([
        DEPARTMENT_ENTERPRISE_COLUMN,
        "serviceInstanceProfile.alias[0]",
        "agentUserId[0]",
        "agentWeight[0]",
        IGNORE_KEY,
        RENAMED_FROM_KEY,
    ]);
    v
}

fn parse_headers(rec: &::csv::ByteRecord, load: &mut CsvLoad) -> Vec<Col> {
    let mut cols = Vec::with_capacity(rec.len());
    let mut seen: Vec<(String, u32)> = Vec::new();
    for (i, raw) in rec.iter().enumerate() {
        let col = u32::try_from(i).unwrap_or(u32::MAX);
        let loc = Loc::Cell {
            byte: load.bom,
            row: 1,
            col,
        };
        let h = String::from_utf8_lossy(raw).trim().to_string();
        load.headers.push(h.clone());
        if h.is_empty() {
            cols.push(Col::Ignore);
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == h) {
            load.pending.push(
                Pending::error(
                    DiagnosticCode::DuplicateColumn,
                    loc,
                    format!("column {h} appears twice"),
                )
                .label("second time")
                .related(
                    Loc::Cell {
                        byte: load.bom,
                        row: 1,
                        col: *first,
                    },
                    "first here",
                )
                .help("remove one of the two columns"),
            );
            cols.push(Col::Ignore);
            continue;
        }
        seen.push((h.clone(), col));
        let c = match split_index(&h) {
            Some(Ok(("serviceInstanceProfile.alias", n))) => Some(Col::Alias(n)),
            Some(Ok(("agentUserId", n))) => Some(Col::Agent(n)),
            Some(Ok(("agentWeight", n))) => Some(Col::Weight(n)),
            Some(Ok((SERVICES, n))) => Some(Col::Service(n)),
            Some(Ok(_)) => None,
            Some(Err(())) => {
                load.pending.push(
                    Pending::error(
                        DiagnosticCode::BadColumn,
                        loc,
                        format!("column {h} has a malformed index"),
                    )
                    .label("expected name[N]")
                    .help("array columns are written name[N] with N a number, e.g. agentUserId[0]"),
                );
                cols.push(Col::Ignore);
                continue;
            }
            None if h == OPERATION_KEY => Some(Col::Operation),
            None if h == DEPARTMENT_ENTERPRISE_COLUMN => Some(Col::DepartmentEnterprise),
            None if h == IGNORE_KEY => Some(Col::IgnoreList),
            None if h == RENAMED_FROM_KEY => Some(Col::RenamedFrom),
            None if super::services::csv_setting(&h).is_some() => {
                super::services::csv_setting(&h).map(Col::Setting)
            }
            None => lookup_path(&h).and_then(|ix| match def(ix).ty {
                Ty::Aliases { .. } | Ty::Agents => None,
                Ty::Department => Some(Col::Department),
                _ => Some(Col::Field(ix)),
            }),
        };
        match c {
            Some(c) => cols.push(c),
            None => {
                let mut p = Pending::error(
                    DiagnosticCode::UnknownColumn,
                    loc,
                    format!("unknown column {h}"),
                )
                .label("not a hunt group column");
                p = match suggest(&h, all_headers()) {
                    Some(s) => p.help(format!("did you mean `{s}`?")),
                    None => p.help(
                        "the columns are those of the reference bulk sheet (hunt.group.create.csv)",
                    ),
                };
                load.pending.push(p);
                cols.push(Col::Ignore);
            }
        }
    }
    cols
}

fn check_required_columns(cols: &[Col], load: &mut CsvLoad) -> Vec<&'static str> {
    let mut missing = Vec::new();
    for (ix, d) in FIELDS.iter().enumerate() {
        if d.presence == Presence::Required && is_scalar(d) && !cols.contains(&Col::Field(ix)) {
            missing.push(d.path);
        }
    }
    if !cols.iter().any(|c| matches!(c, Col::Agent(_))) {
        missing.push("agentUserId");
    }
    for m in &missing {
        let header = if *m == "agentUserId" {
            "agentUserId[0]"
        } else {
            m
        };
        load.pending.push(
            Pending::error(
                DiagnosticCode::MissingColumn,
                Loc::Row {
                    byte: load.bom,
                    row: 1,
                },
                format!("required column {header} is missing"),
            )
            .field(*m)
            .label("header row")
            .help(format!("add a {header} column")),
        );
    }
    missing
}

fn is_type_hint_row(rec: &::csv::ByteRecord, cols: &[Col]) -> bool {
    let mut hints = 0;
    for (c, cell) in cols.iter().zip(rec.iter()) {
        if *c == Col::Operation || cell.is_empty() {
            continue;
        }
        let s = String::from_utf8_lossy(cell);
        let s = s.trim();
        let is_hint = matches!(s, "string" | "boolean" | "integer") || s.starts_with("none |");
        if !is_hint {
            return false;
        }
        hints += 1;
    }
    hints > 0
}

/// Reads one data row into a hunt group for `sink`: its cells are sorted into a raw group, which
/// is then typed and checked like any other.
fn read_row(
    rec: &::csv::ByteRecord,
    cols: &[Col],
    byte: u64,
    row: u32,
    missing_required: &[&'static str],
    load: &mut CsvLoad,
    sink: &mut Sink<'_>,
) {
    let (mut raw, ok) = RowCells::read(rec, cols, byte, row, load).finish(&mut load.pending);
    let start = load.pending.len();
    let built = build_taking(&mut raw, &mut load.pending);
    let meta = super::lifecycle::read_group(&raw, built.as_ref(), &mut load.pending);
    drop_missing_column_repeats(&mut load.pending, start, missing_required);
    if let (Some(mut g), true) = (built, ok) {
        if sink.secrets.settle(&mut g, &raw, &mut load.pending) {
            sink.push(g, &raw, meta);
        }
    }
}

/// The cells of one row, sorted into a raw group as they are read. Scalar cells go straight
/// into `raw`; list cells wait until the row is read, because `[N]` columns may come in any
/// order and an agent's id and weight are two cells.
struct RowCells {
    raw: RawGroup,
    aliases: Vec<(u32, Val)>,
    agents: BTreeMap<u32, RawAgent>,
    department: Option<RawDepartment>,
    /// `services[N]` and block setting cells, put into blocks when the row is read.
    blocks: super::services::CsvCells,
    /// False once a cell was refused: the row's hunt group is then dropped even if what is left
    /// of it builds.
    ok: bool,
}

impl RowCells {
    /// Sorts the cells of the record at `byte` (spreadsheet row `row`), reporting the cells it
    /// refuses into `load`.
    fn read(
        rec: &::csv::ByteRecord,
        cols: &[Col],
        byte: u64,
        row: u32,
        load: &mut CsvLoad,
    ) -> Self {
        let mut cells = RowCells::new(Loc::Row { byte, row }, cols.len());
        for (i, cell) in rec.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let col = u32::try_from(i).unwrap_or(u32::MAX);
            let loc = Loc::Cell { byte, row, col };
            let Some(&kind) = cols.get(i) else {
                load.pending.push(extra_cell(loc, cols.len()));
                cells.ok = false;
                break;
            };
            let header = load.headers.get(i).map_or("", String::as_str);
            match cell_value(cell, loc, &mut load.pending) {
                Some(val) => cells.place(kind, val, header, &mut load.pending),
                None => cells.ok = false,
            }
        }
        cells
    }

    fn new(loc: Loc, columns: usize) -> Self {
        RowCells {
            raw: RawGroup {
                loc,
                // Sized once: growing by doubling reallocates several times on every row.
                values: Vec::with_capacity(columns.min(64)),
                ..RawGroup::default()
            },
            aliases: Vec::new(),
            agents: BTreeMap::new(),
            department: None,
            blocks: Default::default(),
            ok: true,
        }
    }

    /// Puts one cell where its column says, or reports into `out` why it cannot go there;
    /// `header` names the column in that report.
    fn place(&mut self, kind: Col, val: Val, header: &str, out: &mut Vec<Pending>) {
        let loc = val.loc;
        match kind {
            Col::Ignore => {}
            Col::IgnoreList => {
                let items = match &val.raw {
                    Raw::Cell(text) => text
                        .split(';')
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(|p| Val {
                            raw: Raw::Cell(p.to_string()),
                            loc,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                self.raw.ignore = Some(ListVal::Items(items, loc));
            }
            Col::RenamedFrom => self.raw.renamed_from = Some(val),
            Col::Field(f) => self.raw.values.push((f, val)),
            Col::Operation => self.raw.operation = Some(val),
            Col::Department => {
                let d = self
                    .department
                    .get_or_insert_with(|| unnamed_department(loc));
                // The department's own cell is where problems with it are shown.
                d.loc = loc;
                d.name = Some(val);
            }
            Col::DepartmentEnterprise => {
                self.department
                    .get_or_insert_with(|| unnamed_department(loc))
                    .enterprise = Some(val);
            }
            Col::Alias(_) | Col::Agent(_) | Col::Weight(_) if val.raw == Raw::Null => {
                out.push(null_in_list(header, loc));
                self.ok = false;
            }
            Col::Alias(n) => self.aliases.push((n, val)),
            Col::Agent(n) => {
                let a = self.agent(n, loc);
                a.loc = loc;
                a.user_id = Some(val);
            }
            Col::Weight(n) => self.agent(n, loc).weight = Some(val),
            Col::Service(n) => self.blocks.services.push((n, val)),
            Col::Setting(i) => self.blocks.settings.push((i, header.to_string(), val)),
        }
    }

    /// Agent `n`, created at `loc` by whichever of its two cells comes first.
    fn agent(&mut self, n: u32, loc: Loc) -> &mut RawAgent {
        self.agents.entry(n).or_insert_with(|| RawAgent {
            user_id: None,
            weight: None,
            loc,
        })
    }

    /// The row's raw group, lists in `[N]` order, and whether every cell was accepted. A weight
    /// whose agent cell is empty is reported into `out` and left out of the agents.
    fn finish(self, out: &mut Vec<Pending>) -> (RawGroup, bool) {
        let RowCells {
            mut raw,
            mut aliases,
            agents,
            department,
            blocks,
            mut ok,
        } = self;
        raw.blocks = blocks.into_blocks(raw.loc);
        let row = raw.loc;
        if !aliases.is_empty() {
            aliases.sort_by_key(|(n, _)| *n);
            raw.alias = Some(ListVal::Items(
                aliases.into_iter().map(|(_, v)| v).collect(),
                row,
            ));
        }
        if !agents.is_empty() {
            for a in agents.values().filter(|a| a.user_id.is_none()) {
                out.push(weight_without_agent(a.loc));
                ok = false;
            }
            raw.agents = Some(ListVal::Items(
                agents
                    .into_values()
                    .filter(|a| a.user_id.is_some())
                    .collect(),
                row,
            ));
        }
        raw.department = department;
        (raw, ok)
    }
}

/// A department begun by either of its cells; the name cell fills in its name.
fn unnamed_department(loc: Loc) -> RawDepartment {
    RawDepartment {
        name: None,
        enterprise: None,
        mapping: false,
        loc,
    }
}

/// A cell as a raw value: `null` (any case) is null, anything else text that its field types.
/// `None` when the cell is not UTF-8 (reported into `out`).
fn cell_value(cell: &[u8], loc: Loc, out: &mut Vec<Pending>) -> Option<Val> {
    let Ok(text) = std::str::from_utf8(cell) else {
        out.push(
            Pending::error(DiagnosticCode::NotUtf8, loc, "this cell is not valid UTF-8")
                .help("save the sheet as CSV UTF-8"),
        );
        return None;
    };
    let raw = if text.trim().eq_ignore_ascii_case("null") {
        Raw::Null
    } else {
        Raw::Cell(text.to_string())
    };
    Some(Val { raw, loc })
}

fn extra_cell(loc: Loc, columns: usize) -> Pending {
    Pending::error(
        DiagnosticCode::ExtraCell,
        loc,
        format!("this row has more cells than the header has columns ({columns})"),
    )
    .label("no column for this cell")
    .help("remove the extra cells or add a header for them; check for unquoted commas")
}

fn null_in_list(header: &str, loc: Loc) -> Pending {
    Pending::error(
        DiagnosticCode::NullInList,
        loc,
        format!("{header} cannot be null"),
    )
    .field(header)
    .label("null here")
    .help("leave the cell empty; an empty cell is skipped")
}

fn weight_without_agent(loc: Loc) -> Pending {
    Pending::error(
        DiagnosticCode::WeightWithoutAgent,
        loc,
        "agentWeight is given but the matching agentUserId cell is empty",
    )
    .field("agentWeight")
    .label("weight without an agent")
    .help("agentWeight[N] is the weight of agentUserId[N]: fill in the agent or clear the weight")
}

/// Drops, from what the builder reported from `start` on, the missing fields whose column is
/// missing: that was reported once for the header row, not to be repeated on every row.
fn drop_missing_column_repeats(
    pending: &mut Vec<Pending>,
    start: usize,
    missing_columns: &[&'static str],
) {
    if missing_columns.is_empty() {
        return;
    }
    let repeats = |p: &Pending| {
        matches!(
            p.code,
            DiagnosticCode::MissingField | DiagnosticCode::NoAgents
        ) && p
            .field
            .as_deref()
            .is_some_and(|f| missing_columns.contains(&f))
    };
    let mut i = start;
    while i < pending.len() {
        if repeats(&pending[i]) {
            pending.remove(i);
        } else {
            i += 1;
        }
    }
}

/// The byte range of cell `col` of the record starting at `byte` (inside quotes for quoted cells).
pub fn cell_span(text: &str, byte: usize, col: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = byte;
    let mut idx = 0;
    loop {
        let (start, end, next) = if b.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            loop {
                match b.get(j) {
                    None => break,
                    Some(b'"') if b.get(j + 1) == Some(&b'"') => j += 2,
                    Some(b'"') => break,
                    Some(_) => j += 1,
                }
            }
            let mut k = j + 1;
            while k < b.len() && !matches!(b[k], b',' | b'\n' | b'\r') {
                k += 1;
            }
            (start, j.min(b.len()), k)
        } else {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'\n' | b'\r') {
                j += 1;
            }
            (i, j, j)
        };
        if idx == col {
            let s = floor_char_boundary(text, start.min(text.len()));
            let e = floor_char_boundary(text, end.min(text.len()));
            return Some((s, e));
        }
        if b.get(next) != Some(&b',') {
            return None;
        }
        i = next + 1;
        idx += 1;
    }
}

/// The byte range of the record starting at `byte`, up to the end of its first line.
pub fn row_span(text: &str, byte: usize) -> (usize, usize) {
    let start = floor_char_boundary(text, byte.min(text.len()));
    let end = text[start..]
        .find(['\n', '\r'])
        .map(|e| start + e)
        .unwrap_or(text.len());
    (start, end)
}

/// The reference bulk-sheet template (copied from the reference page's `hunt.group.create.csv`):
/// its header row is the column order `to_csv` writes, so a written sheet is the template's.
const TEMPLATE: &str = include_str!("../../templates/hunt.group.create.csv");

/// The template's header cells.
pub fn template_headers() -> impl Iterator<Item = &'static str> {
    TEMPLATE.lines().next().unwrap_or_default().split(',')
}

/// The template has `serviceInstanceProfile.alias[0..2]` and `agentUserId[0..7]`: writing at
/// least those keeps the header identical to the template's whenever the data fits.
fn template_count(name: &str) -> usize {
    template_headers()
        .filter(|h| matches!(split_index(h), Some(Ok((n, _))) if n == name))
        .count()
}

/// One column the writer fills.
#[derive(Clone, Copy)]
enum Out {
    Operation,
    Field(Ix),
    Alias(usize),
    Agent(usize),
    Weight(usize),
    Department,
    DepartmentEnterprise,
    IgnoreList,
    RenamedFrom,
    /// `services[N]`.
    Service(usize),
    /// A block setting, by its row in SETTINGS.
    Setting(usize),
}

/// The columns to write: the template's, in its order (lists as wide as the data needs), then
/// the fields the template lacks, each only when some hunt group holds a value other than its
/// default, so a sheet that needs none of them is exactly the template.
fn columns(groups: &[HuntGroup], lc: &Lifecycle) -> Vec<(String, Out)> {
    let list_of = |ty: fn(&Ty) -> bool| FIELDS.iter().find(|d| ty(&d.ty));
    let alias = list_of(|t| matches!(t, Ty::Aliases { .. }));
    let agents = list_of(|t| matches!(t, Ty::Agents));
    let alias_path = alias.map_or("", |d| d.path);
    let agent_path = agents.map_or("", |d| d.path);
    let max_alias = groups
        .iter()
        .filter_map(|g| alias.map(|d| d.get(g)))
        .map(|v| match v {
            Field::Value(ValueRef::Aliases(a)) => a.len(),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
        .max(template_count(alias_path));
    let max_agents = groups
        .iter()
        .map(|g| g.agents.len())
        .max()
        .unwrap_or(0)
        .max(template_count(agent_path));
    let weights = groups
        .iter()
        .any(|g| g.agents.iter().any(|a| a.weight.is_some()));
    let mut cols: Vec<(String, Out)> = Vec::new();
    let mut written: Vec<Ix> = Vec::new();
    for h in template_headers() {
        match split_index(h) {
            Some(Ok((name, 0))) if name == alias_path => {
                cols.extend((0..max_alias).map(|i| (format!("{name}[{i}]"), Out::Alias(i))));
            }
            Some(Ok((name, 0))) if name == agent_path => {
                cols.extend((0..max_agents).map(|i| (format!("{name}[{i}]"), Out::Agent(i))));
                if weights {
                    cols.extend(
                        (0..max_agents).map(|i| (format!("agentWeight[{i}]"), Out::Weight(i))),
                    );
                }
            }
            Some(_) => {}
            None if h == OPERATION_KEY => cols.push((h.to_string(), Out::Operation)),
            None => {
                if let Some(ix) = lookup_path(h) {
                    written.push(ix);
                    cols.push((h.to_string(), Out::Field(ix)));
                }
            }
        }
    }
    for (ix, d) in FIELDS.iter().enumerate() {
        if written.contains(&ix) || matches!(d.ty, Ty::Aliases { .. } | Ty::Agents) {
            continue;
        }
        let used = groups
            .iter()
            .any(|g| !d.is_default(g) && d.get(g).is_managed());
        if !used {
            continue;
        }
        if d.ty == Ty::Department {
            cols.push((d.path.to_string(), Out::Department));
            let enterprise = groups
                .iter()
                .any(|g| matches!(d.get(g), Field::Value(ValueRef::Department(x)) if x.enterprise));
            if enterprise {
                cols.push((
                    DEPARTMENT_ENTERPRISE_COLUMN.to_string(),
                    Out::DepartmentEnterprise,
                ));
            }
        } else {
            cols.push((d.path.to_string(), Out::Field(ix)));
        }
    }
    let ids = || groups.iter().map(|g| g.service_user_id.as_str());
    if ids().any(|id| !lc.listed_ignores(id).is_empty()) {
        cols.push((IGNORE_KEY.to_string(), Out::IgnoreList));
    }
    if ids().any(|id| lc.rename_of(id).is_some()) {
        cols.push((RENAMED_FROM_KEY.to_string(), Out::RenamedFrom));
    }
    block_columns(groups, &mut cols);
    cols
}

/// The columns of the blocks some hunt group manages: `services[N]` as wide as needed, every
/// setting of each flat block used (criteria and DNH have no columns).
fn block_columns(groups: &[HuntGroup], cols: &mut Vec<(String, Out)>) {
    let blocks = || groups.iter().filter_map(|g| g.blocks.as_deref());
    let services = blocks()
        .filter_map(|b| b.services.as_ref().map(Vec::len))
        .max();
    if let Some(n) = services {
        // At least one column, so `services: []` (none assigned) is said by an empty row cell
        // only when another hunt group has some: a sheet cannot say "none" on its own.
        cols.extend((0..n).map(|i| (format!("{SERVICES}[{i}]"), Out::Service(i))));
    }
    for (i, s) in crate::model::services::SETTINGS.iter().enumerate() {
        if s.block.in_csv() && blocks().any(|b| b.blocks.contains_key(&s.block)) {
            cols.push((s.path(), Out::Setting(i)));
        }
    }
}

/// The cell of one column for `g`: empty for a default or unmanaged value (an empty cell means
/// just that), `null` for an absent one; passwords are never written.
fn cell(g: &HuntGroup, col: Out, lc: &Lifecycle) -> String {
    let dept = || {
        FIELDS
            .iter()
            .find(|d| d.ty == Ty::Department)
            .map_or(Field::Unmanaged, |d| d.get(g))
    };
    match col {
        Out::Operation => OPERATION.into(),
        Out::Field(ix) => {
            let d = def(ix);
            if d.is_default(g) {
                return String::new();
            }
            match d.get(g) {
                Field::Unmanaged => String::new(),
                Field::Absent => "null".into(),
                Field::Value(v) => v.scalar_text().unwrap_or_default().into_owned(),
            }
        }
        Out::Alias(i) => g
            .service_instance_profile
            .alias
            .get(i)
            .cloned()
            .unwrap_or_default(),
        Out::Agent(i) => g
            .agents
            .get(i)
            .map(|a| a.user_id.clone())
            .unwrap_or_default(),
        Out::Weight(i) => g
            .agents
            .get(i)
            .and_then(|a| a.weight)
            .map(|w| w.to_string())
            .unwrap_or_default(),
        Out::Department => match dept() {
            Field::Unmanaged => String::new(),
            Field::Absent => "null".into(),
            Field::Value(ValueRef::Department(x)) => x.name.clone(),
            Field::Value(_) => String::new(),
        },
        Out::DepartmentEnterprise => match dept() {
            Field::Value(ValueRef::Department(x)) if x.enterprise => "true".into(),
            _ => String::new(),
        },
        Out::IgnoreList => lc.listed_ignores(&g.service_user_id).join(";"),
        Out::RenamedFrom => lc
            .rename_of(&g.service_user_id)
            .map(|r| r.from.clone())
            .unwrap_or_default(),
        Out::Service(i) => g
            .blocks
            .as_deref()
            .and_then(|b| b.services.as_ref()?.get(i).cloned())
            .unwrap_or_default(),
        Out::Setting(i) => {
            let s = &crate::model::services::SETTINGS[i];
            match g.blocks.as_deref().and_then(|b| b.value(s.block, s.key)) {
                Some(BlockValue::Bool(b)) => b.to_string(),
                Some(BlockValue::Number(Some(n))) => n.clone(),
                _ => String::new(),
            }
        }
    }
}

/// Writes hunt groups in the reference bulk-sheet format (see `super::to_csv`).
pub fn write(groups: &[HuntGroup]) -> String {
    write_all(groups, &Lifecycle::default())
}

/// [`write`] with the `ignore` and `renamedFrom` columns of the desired state, when any hunt
/// group has one (`huntctl convert`).
pub fn write_all(groups: &[HuntGroup], lc: &Lifecycle) -> String {
    let cols = columns(groups, lc);
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(cols.iter().map(|(h, _)| h.as_str()));
    for g in groups {
        let _ = w.write_record(cols.iter().map(|(_, c)| cell(g, *c, lc)));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
