//! The hunt group's own user beyond its instance record: the services assigned to it, its call
//! forwarding (Always, Busy, Not Reachable, Selective with criteria) and Directory Number
//! Hunting. Each is an optional *block* of a hunt group: left out, it is unmanaged (never read,
//! never written); given, it is the whole desired state of that block.
//!
//! Like [`super::table::FIELDS`] for the instance, every flat setting of a block is declared
//! once in [`SETTINGS`] (key, snake_case, doc, type, R25 default), and every setting of a
//! criterion once in [`CRITERION_FIELDS`]: the loaders, the JSON Schema, the diff, the request
//! builders and the export walk these tables.

use super::same_number;
pub use crate::services::{CallToNumber, DnSelection, NumberSelection, ScheduleLevel, ScheduleRef};
use crate::services::{ForwardingKind, ForwardingService, CALL_TO_NUMBER_TYPES};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

/// A block of settings of the hunt group's user, each carried by the commands of one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Block {
    /// `callForwardingAlways` (`UserCallForwardingAlways…`).
    Always,
    /// `callForwardingBusy` (`UserCallForwardingBusy…`).
    Busy,
    /// `callForwardingNotReachable` (`UserCallForwardingNotReachable…`).
    NotReachable,
    /// `callForwardingSelective` (`UserCallForwardingSelective…`), with its criteria.
    Selective,
    /// `directoryNumberHunting` (`GroupDirectoryNumberHunting…`).
    Dnh,
}

impl Block {
    /// Every block, in the order apply writes them.
    pub const ALL: [Block; 5] = [
        Block::Always,
        Block::Busy,
        Block::NotReachable,
        Block::Selective,
        Block::Dnh,
    ];

    /// The YAML key (R25's service name in camelCase).
    pub fn key(self) -> &'static str {
        match self {
            Block::Always => "callForwardingAlways",
            Block::Busy => "callForwardingBusy",
            Block::NotReachable => "callForwardingNotReachable",
            Block::Selective => "callForwardingSelective",
            Block::Dnh => "directoryNumberHunting",
        }
    }

    /// The snake_case spelling accepted in YAML and Python dicts.
    pub fn snake(self) -> &'static str {
        match self {
            Block::Always => "call_forwarding_always",
            Block::Busy => "call_forwarding_busy",
            Block::NotReachable => "call_forwarding_not_reachable",
            Block::Selective => "call_forwarding_selective",
            Block::Dnh => "directory_number_hunting",
        }
    }

    /// The simple forwarding service whose get and modify carry the block (Always, Busy,
    /// Not Reachable); `None` for Selective and Directory Number Hunting.
    pub fn forwarding_kind(self) -> Option<ForwardingKind> {
        match self {
            Block::Always => Some(ForwardingKind::Always),
            Block::Busy => Some(ForwardingKind::Busy),
            Block::NotReachable => Some(ForwardingKind::NotReachable),
            Block::Selective | Block::Dnh => None,
        }
    }

    /// The block a simple forwarding service carries.
    pub fn of_kind(kind: ForwardingKind) -> Block {
        match kind {
            ForwardingKind::Always => Block::Always,
            ForwardingKind::Busy => Block::Busy,
            ForwardingKind::NotReachable => Block::NotReachable,
        }
    }

    /// The service a group's forwarding settings list is read for to learn of this block
    /// (`GroupUserCallForwardingSettingsGetListRequest`); `None` for Directory Number Hunting.
    pub fn listed_service(self) -> Option<ForwardingService> {
        match self {
            Block::Selective => Some(ForwardingService::Selective),
            Block::Dnh => None,
            simple => simple.forwarding_kind().map(ForwardingService::from),
        }
    }

    /// The R25 `UserService` that must be assigned before the block can be set.
    pub fn service(self) -> &'static str {
        match self {
            Block::Always => "Call Forwarding Always",
            Block::Busy => "Call Forwarding Busy",
            Block::NotReachable => "Call Forwarding Not Reachable",
            Block::Selective => "Call Forwarding Selective",
            Block::Dnh => "Directory Number Hunting",
        }
    }

    /// One line for the README and the JSON Schema.
    pub fn doc(self) -> &'static str {
        match self {
            Block::Always => "Call Forwarding Always on the hunt group's user.",
            Block::Busy => "Call Forwarding Busy on the hunt group's user.",
            Block::NotReachable => "Call Forwarding Not Reachable on the hunt group's user.",
            Block::Selective => {
                "Call Forwarding Selective: settings and criteria (a set keyed by name)."
            }
            Block::Dnh => {
                "Directory Number Hunting: calls to these agents' own numbers hunt \
                           through the hunt group."
            }
        }
    }

    /// Whether a CSV can manage it (criteria and DNH agents are YAML-only).
    pub fn in_csv(self) -> bool {
        !matches!(self, Block::Dnh)
    }

    /// The block of a key in either spelling, and whether it was snake_case.
    pub fn by_key(k: &str) -> Option<(Block, bool)> {
        Block::ALL.into_iter().find_map(|b| {
            if b.key() == k {
                Some((b, false))
            } else if b.snake() == k {
                Some((b, true))
            } else {
                None
            }
        })
    }

    /// The block whose service this is.
    pub fn of_service(service: &str) -> Option<Block> {
        Block::ALL.into_iter().find(|b| b.service() == service)
    }

    /// Its flat settings, in the R25 modify request's order.
    pub fn settings(self) -> impl Iterator<Item = &'static SettingDef> {
        SETTINGS.iter().filter(move |s| s.block == self)
    }

    /// A newly assigned service's state: every setting at its R25 default (inactive, no number).
    pub fn fresh(self) -> Vec<BlockValue> {
        self.settings().map(SettingDef::fresh).collect()
    }
}

/// The type of a flat setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `xs:boolean`, with the value a fresh service has (left out of a given block: this).
    Bool(bool),
    /// `OutgoingDNorSIPURI` (1–161), nillable in the modify; compared as E.164. Left out of a
    /// given block: none.
    Number,
    /// A `ReplacementUserIdList` of user ids (DNH agents). Left out: none.
    UserIds,
}

/// One flat setting of a block, declared once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingDef {
    /// The block it belongs to.
    pub block: Block,
    /// The R25 element, camelCase: the YAML key and the last segment of its dotted path.
    pub key: &'static str,
    /// The snake_case spelling.
    pub snake: &'static str,
    /// One line for the README and the JSON Schema.
    pub doc: &'static str,
    /// Type and fresh value.
    pub kind: Kind,
}

const fn setting(
    block: Block,
    key: &'static str,
    snake: &'static str,
    doc: &'static str,
    kind: Kind,
) -> SettingDef {
    SettingDef {
        block,
        key,
        snake,
        doc,
        kind,
    }
}

const ACTIVE_DOC: &str = "Whether the forwarding is on (needs a number to forward to).";
const NUMBER_DOC: &str = "Where calls go: a number (compared as E.164) or a SIP URI.";

/// Every flat setting, block by block, each in its R25 modify request's order.
pub const SETTINGS: &[SettingDef] = &[
    setting(
        Block::Always,
        "isActive",
        "is_active",
        ACTIVE_DOC,
        Kind::Bool(false),
    ),
    setting(
        Block::Always,
        "forwardToPhoneNumber",
        "forward_to_phone_number",
        NUMBER_DOC,
        Kind::Number,
    ),
    setting(
        Block::Always,
        "isRingSplashActive",
        "is_ring_splash_active",
        "Play a short ring on the hunt group's devices when a call is forwarded.",
        Kind::Bool(false),
    ),
    setting(
        Block::Busy,
        "isActive",
        "is_active",
        ACTIVE_DOC,
        Kind::Bool(false),
    ),
    setting(
        Block::Busy,
        "forwardToPhoneNumber",
        "forward_to_phone_number",
        NUMBER_DOC,
        Kind::Number,
    ),
    setting(
        Block::NotReachable,
        "isActive",
        "is_active",
        ACTIVE_DOC,
        Kind::Bool(false),
    ),
    setting(
        Block::NotReachable,
        "forwardToPhoneNumber",
        "forward_to_phone_number",
        NUMBER_DOC,
        Kind::Number,
    ),
    setting(
        Block::Selective,
        "isActive",
        "is_active",
        "Whether selective forwarding is on.",
        Kind::Bool(false),
    ),
    setting(
        Block::Selective,
        "defaultForwardToPhoneNumber",
        "default_forward_to_phone_number",
        "The number criteria forward to when they say `Forward To Default Number`.",
        Kind::Number,
    ),
    setting(
        Block::Selective,
        "playRingReminder",
        "play_ring_reminder",
        "Play a ring reminder when a call is forwarded.",
        Kind::Bool(false),
    ),
    setting(
        Block::Dnh,
        "agentUserId",
        "agent_user_id",
        "Agents whose own number hunts through the hunt group (each an agent of it).",
        Kind::UserIds,
    ),
    setting(
        Block::Dnh,
        "useTerminateCallToAgentFirst",
        "use_terminate_call_to_agent_first",
        "Ring the called agent first before hunting.",
        Kind::Bool(false),
    ),
    setting(
        Block::Dnh,
        "useOriginalAgentServicesForBusyAndNoAnswerCalls",
        "use_original_agent_services_for_busy_and_no_answer_calls",
        "Busy and unanswered calls take the called agent's own services.",
        Kind::Bool(false),
    ),
];

/// The key of the services list.
pub const SERVICES: &str = "services";
/// The key of the criteria list in `callForwardingSelective`.
pub const CRITERIA: &str = "criteria";

impl SettingDef {
    /// The dotted path in plans and CSV headers (`callForwardingAlways.isActive`).
    pub fn path(&self) -> String {
        format!("{}.{}", self.block.key(), self.key)
    }

    /// The setting's value in a fresh service.
    pub fn fresh(&self) -> BlockValue {
        match self.kind {
            Kind::Bool(b) => BlockValue::Bool(b),
            Kind::Number => BlockValue::Number(None),
            Kind::UserIds => BlockValue::UserIds(Vec::new()),
        }
    }

    /// The setting of `block` with key `k` in either spelling, and whether it was snake_case.
    pub fn find(block: Block, k: &str) -> Option<(usize, &'static SettingDef, bool)> {
        block.settings().enumerate().find_map(|(i, s)| {
            if s.key == k {
                Some((i, s, false))
            } else if s.snake == k && s.snake != s.key {
                Some((i, s, true))
            } else {
                None
            }
        })
    }
}

/// A flat setting's value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BlockValue {
    /// A boolean.
    Bool(bool),
    /// A number or SIP URI; `None`: none.
    Number(Option<String>),
    /// User ids (DNH agents), in order.
    UserIds(Vec<String>),
}

impl BlockValue {
    /// The value as plans, undo files and `--json` show it.
    pub fn to_json(&self) -> Json {
        match self {
            BlockValue::Bool(b) => json!(b),
            BlockValue::Number(n) => json!(n),
            BlockValue::UserIds(ids) => json!(ids),
        }
    }

    /// Reads a value of `kind` from [`BlockValue::to_json`]'s shape.
    pub fn from_json(kind: Kind, v: &Json) -> Option<BlockValue> {
        match kind {
            Kind::Bool(_) => v.as_bool().map(BlockValue::Bool),
            Kind::Number if v.is_null() => Some(BlockValue::Number(None)),
            Kind::Number => v.as_str().map(|s| BlockValue::Number(Some(s.to_string()))),
            Kind::UserIds => serde_json::from_value(v.clone())
                .ok()
                .map(BlockValue::UserIds),
        }
    }

    /// Desired and current are the same: numbers as E.164 (`cc`: the hunt group's country
    /// code), user ids in any case and order.
    pub fn same(&self, other: &BlockValue, cc: Option<&str>) -> bool {
        match (self, other) {
            (BlockValue::Number(Some(a)), BlockValue::Number(Some(b))) => same_number(a, b, cc),
            (BlockValue::UserIds(a), BlockValue::UserIds(b)) => {
                let norm = |v: &[String]| {
                    let mut v: Vec<String> = v.iter().map(|s| s.to_ascii_lowercase()).collect();
                    v.sort();
                    v
                };
                norm(a) == norm(b)
            }
            (a, b) => a == b,
        }
    }
}

/// `CriteriaFromDn`: which callers a criterion applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FromDn {
    /// `Any` or `Specified Only`.
    pub from_dn_criteria_selection: DnSelection,
    /// Include anonymous callers.
    pub include_anonymous_callers: bool,
    /// Include callers whose number is unavailable.
    pub include_unavailable_callers: bool,
    /// The callers' numbers (`Specified Only`), at most 12.
    #[serde(default)]
    pub phone_number: Vec<String>,
}

impl Default for FromDn {
    fn default() -> Self {
        FromDn {
            from_dn_criteria_selection: DnSelection::Any,
            include_anonymous_callers: false,
            include_unavailable_callers: false,
            phone_number: Vec::new(),
        }
    }
}

/// One Call Forwarding Selective criterion, keyed by its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criterion {
    /// `criteriaName` (1–50), unique per user.
    pub name: String,
    /// Whether the criterion applies (default true).
    pub is_active: bool,
    /// The time schedule it applies in (none: always).
    pub time_schedule: Option<ScheduleRef>,
    /// The holiday schedule it applies on (none: every day).
    pub holiday_schedule: Option<ScheduleRef>,
    /// Where it forwards (default `Forward To Default Number`).
    pub forward_to_number_selection: NumberSelection,
    /// The number for `Forward To Specified Number`.
    pub forward_to_phone_number: Option<String>,
    /// Which callers (default: any).
    pub from_dn_criteria: FromDn,
    /// Which of the user's numbers were called (default: all).
    #[serde(default)]
    pub call_to_number: Vec<CallToNumber>,
}

impl Criterion {
    /// A criterion with every R25 default.
    pub fn new(name: impl Into<String>) -> Self {
        Criterion {
            name: name.into(),
            is_active: true,
            time_schedule: None,
            holiday_schedule: None,
            forward_to_number_selection: NumberSelection::Default,
            forward_to_phone_number: None,
            from_dn_criteria: FromDn::default(),
            call_to_number: Vec::new(),
        }
    }
}

/// How two values of a criterion setting compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CriterionCompare {
    /// Equal JSON values.
    Exact,
    /// Phone numbers as E.164 (a number, or a `fromDnCriteria` with its numbers).
    E164,
}

/// One setting of a criterion, declared once.
#[derive(Debug, Clone, Copy)]
pub struct CriterionField {
    /// camelCase key (the R25 element).
    pub key: &'static str,
    /// snake_case spelling.
    pub snake: &'static str,
    /// One line for the README and the JSON Schema.
    pub doc: &'static str,
    /// The JSON Schema of its value.
    pub schema: fn() -> Json,
    /// How desired and current compare.
    pub compare: CriterionCompare,
    /// The value, as plans show it.
    pub get: fn(&Criterion) -> Json,
}

fn schedule_schema() -> Json {
    json!({"type": ["object", "null"], "additionalProperties": false,
        "required": ["name", "level"],
        "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 40},
            "level": {"enum": ScheduleLevel::ALL.map(ScheduleLevel::as_str)}}})
}

/// Every setting of a criterion but its name, in the R25 add request's order (`isActive`,
/// carried by `criteriaActivation`, first).
pub const CRITERION_FIELDS: &[CriterionField] = &[
    CriterionField {
        key: "isActive",
        snake: "is_active",
        doc: "Whether the criterion applies (default true).",
        schema: || json!({"type": "boolean"}),
        compare: CriterionCompare::Exact,
        get: |c| json!(c.is_active),
    },
    CriterionField {
        key: "timeSchedule",
        snake: "time_schedule",
        doc: "{name, level}: the time schedule it applies in (level Group, Service Provider \
              or User); none: always.",
        schema: schedule_schema,
        compare: CriterionCompare::Exact,
        get: |c| json!(c.time_schedule),
    },
    CriterionField {
        key: "holidaySchedule",
        snake: "holiday_schedule",
        doc: "{name, level}: the holiday schedule it applies on; none: every day.",
        schema: schedule_schema,
        compare: CriterionCompare::Exact,
        get: |c| json!(c.holiday_schedule),
    },
    CriterionField {
        key: "forwardToNumberSelection",
        snake: "forward_to_number_selection",
        doc: "Forward To Default Number (default), Forward To Specified Number or Do not forward.",
        schema: || json!({"enum": NumberSelection::ALL.map(NumberSelection::as_str)}),
        compare: CriterionCompare::Exact,
        get: |c| json!(c.forward_to_number_selection),
    },
    CriterionField {
        key: "forwardToPhoneNumber",
        snake: "forward_to_phone_number",
        doc: "The number for Forward To Specified Number (compared as E.164).",
        schema: || json!({"type": ["string", "null"], "minLength": 1, "maxLength": 161}),
        compare: CriterionCompare::E164,
        get: |c| json!(c.forward_to_phone_number),
    },
    CriterionField {
        key: "fromDnCriteria",
        snake: "from_dn_criteria",
        doc: "{fromDnCriteriaSelection: Any | Specified Only, includeAnonymousCallers, \
              includeUnavailableCallers, phoneNumber: [...]}; default: any caller.",
        schema: || {
            json!({"type": "object", "additionalProperties": false, "properties": {
                "fromDnCriteriaSelection": {"enum": ["Any", "Specified Only"]},
                "includeAnonymousCallers": {"type": "boolean"},
                "includeUnavailableCallers": {"type": "boolean"},
                "phoneNumber": {"type": "array", "maxItems": 12,
                    "items": {"type": "string", "minLength": 1, "maxLength": 23}}}})
        },
        compare: CriterionCompare::E164,
        get: |c| json!(c.from_dn_criteria),
    },
    CriterionField {
        key: "callToNumber",
        snake: "call_to_number",
        doc: "[{type: Primary | Alternate1…10, number, extension}]: which of the hunt group's \
              numbers were called; default: any.",
        schema: || {
            json!({"type": "array", "items": {"type": "object", "additionalProperties": false,
                "required": ["type"], "properties": {"type": {"enum": CALL_TO_NUMBER_TYPES},
                "number": {"type": "string"}, "extension": {"type": "string"}}}})
        },
        compare: CriterionCompare::Exact,
        get: |c| json!(c.call_to_number),
    },
];

impl CriterionField {
    /// The field with key `k` in either spelling.
    pub fn find(k: &str) -> Option<&'static CriterionField> {
        CRITERION_FIELDS.iter().find(|f| f.key == k || f.snake == k)
    }

    /// Desired and current values of this setting are the same.
    pub fn same(&self, d: &Criterion, c: &Criterion, cc: Option<&str>) -> bool {
        match (self.compare, self.key) {
            (CriterionCompare::E164, "fromDnCriteria") => {
                let (a, b) = (&d.from_dn_criteria, &c.from_dn_criteria);
                a.from_dn_criteria_selection == b.from_dn_criteria_selection
                    && a.include_anonymous_callers == b.include_anonymous_callers
                    && a.include_unavailable_callers == b.include_unavailable_callers
                    && a.phone_number.len() == b.phone_number.len()
                    && a.phone_number
                        .iter()
                        .all(|x| b.phone_number.iter().any(|y| same_number(x, y, cc)))
            }
            (CriterionCompare::E164, _) => {
                match (&d.forward_to_phone_number, &c.forward_to_phone_number) {
                    (Some(a), Some(b)) => same_number(a, b, cc),
                    (a, b) => a == b,
                }
            }
            (CriterionCompare::Exact, _) => (self.get)(d) == (self.get)(c),
        }
    }
}

/// The blocks of one hunt group; `None` = unmanaged.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserBlocks {
    /// The services assigned to the hunt group's user (R25 `UserService` names), as a set.
    pub services: Option<Vec<String>>,
    /// The flat settings of each managed block, in [`Block::settings`] order.
    pub blocks: BTreeMap<Block, Vec<BlockValue>>,
    /// The selective criteria (managed with `callForwardingSelective`), by name.
    pub criteria: Option<Vec<Criterion>>,
}

impl UserBlocks {
    /// True when nothing is managed.
    pub fn is_empty(&self) -> bool {
        self.services.is_none() && self.blocks.is_empty() && self.criteria.is_none()
    }

    /// The value of setting `key` of `block`, when the block is managed.
    pub fn value(&self, block: Block, key: &str) -> Option<&BlockValue> {
        let (i, ..) = SettingDef::find(block, key)?;
        self.blocks.get(&block)?.get(i)
    }

    /// The services a hunt group with these blocks must have assigned: each managed block's
    /// service, and the listed ones.
    pub fn required_services(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .blocks
            .keys()
            .map(|b| b.service().to_string())
            .collect();
        if let Some(s) = &self.services {
            out.extend(s.iter().cloned());
        }
        out.sort();
        out.dedup();
        out
    }

    /// The blocks as JSON entries of a hunt group, in table order: the shape of plans, undo
    /// files and `--json` output (and of YAML, which writes the same keys).
    pub fn to_json(&self) -> Vec<(&'static str, Json)> {
        let mut out = Vec::new();
        if let Some(s) = &self.services {
            out.push((SERVICES, json!(s)));
        }
        for (block, values) in &self.blocks {
            let mut m = Map::new();
            for (s, v) in block.settings().zip(values) {
                m.insert(s.key.to_string(), v.to_json());
            }
            if *block == Block::Selective {
                let criteria = self.criteria.as_deref().unwrap_or_default();
                m.insert(CRITERIA.to_string(), json!(criteria));
            }
            out.push((block.key(), Json::Object(m)));
        }
        out
    }

    /// Reads the blocks back from a hunt group's JSON object ([`UserBlocks::to_json`]'s
    /// shape); `None` when it holds none.
    pub fn from_json(top: &Map<String, Json>) -> Result<Option<UserBlocks>, String> {
        let mut u = UserBlocks::default();
        if let Some(s) = top.get(SERVICES) {
            u.services =
                Some(serde_json::from_value(s.clone()).map_err(|e| format!("{SERVICES}: {e}"))?);
        }
        for block in Block::ALL {
            let Some(obj) = top.get(block.key()).and_then(Json::as_object) else {
                continue;
            };
            let mut values = Vec::new();
            for s in block.settings() {
                let v = match obj.get(s.key) {
                    None => s.fresh(),
                    Some(v) => BlockValue::from_json(s.kind, v)
                        .ok_or_else(|| format!("{}: unexpected value {v}", s.path()))?,
                };
                values.push(v);
            }
            if block == Block::Selective {
                let c = obj.get(CRITERIA).cloned().unwrap_or(json!([]));
                u.criteria = Some(
                    serde_json::from_value(c)
                        .map_err(|e| format!("{}.{CRITERIA}: {e}", block.key()))?,
                );
            }
            u.blocks.insert(block, values);
        }
        Ok((!u.is_empty()).then_some(u))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_per_block_and_resolve_both_ways() {
        for b in Block::ALL {
            assert_eq!(Block::by_key(b.key()), Some((b, false)));
            assert_eq!(Block::by_key(b.snake()), Some((b, true)));
            assert_eq!(Block::of_service(b.service()), Some(b));
            for (i, s) in b.settings().enumerate() {
                assert_eq!(SettingDef::find(b, s.key).map(|x| x.0), Some(i));
                assert_eq!(SettingDef::find(b, s.snake).map(|x| x.0), Some(i));
            }
        }
    }

    #[test]
    fn json_round_trips_every_block() {
        let mut u = UserBlocks {
            services: Some(vec!["Call Forwarding Busy".into()]),
            ..UserBlocks::default()
        };
        for b in Block::ALL {
            let values = b
                .settings()
                .map(|s| match s.kind {
                    Kind::Bool(d) => BlockValue::Bool(!d),
                    Kind::Number => BlockValue::Number(Some("+12025550100".into())),
                    Kind::UserIds => BlockValue::UserIds(vec!["a@b".into()]),
                })
                .collect();
            u.blocks.insert(b, values);
        }
        let mut c = Criterion::new("after-hours");
        c.time_schedule = Some(ScheduleRef {
            name: "Business Hours".into(),
            level: ScheduleLevel::Group,
        });
        c.call_to_number.push(CallToNumber {
            number_type: "Primary".into(),
            number: None,
            extension: None,
        });
        u.criteria = Some(vec![c]);
        let m: Map<String, Json> = u
            .to_json()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(UserBlocks::from_json(&m).unwrap(), Some(u));
        assert_eq!(UserBlocks::from_json(&Map::new()).unwrap(), None);
    }

    #[test]
    fn numbers_compare_as_e164_and_criteria_field_by_field() {
        let a = BlockValue::Number(Some("+1-202-555-0100".into()));
        assert!(a.same(&BlockValue::Number(Some("2025550100".into())), Some("1")));
        assert!(!a.same(&BlockValue::Number(None), None));
        let mut d = Criterion::new("x");
        let mut c = d.clone();
        d.forward_to_phone_number = Some("+1-2025550100".into());
        c.forward_to_phone_number = Some("+12025550100".into());
        let f = CriterionField::find("forwardToPhoneNumber").unwrap();
        assert!(f.same(&d, &c, None));
        c.forward_to_phone_number = Some("+12025550101".into());
        assert!(!f.same(&d, &c, None));
        let active = CriterionField::find("is_active").unwrap();
        c.is_active = false;
        assert!(!active.same(&d, &c, None));
    }
}
