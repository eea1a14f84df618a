//! The JSON Schema of desired-state files (`schemas/huntgroups.schema.json`), generated from the
//! field table so that it cannot drift from what the loader accepts.
//!
//! `tests/it/desired.rs` checks that the committed file equals [`json_schema`]; run it with
//! `HUNTCTL_BLESS=1` to write the file again after a change to the table.

use super::raw::{
    text_limits, AGENT_ID_LEN, ALIAS_LEN, DEPARTMENT_KEYS, IGNORE_KEY, OPERATION, OPERATION_KEY,
    PROFILE, PROFILE_SNAKE, PROTECT_KEY, RENAMED_FROM_KEY, RENAMED_FROM_SNAKE, WEIGHT_RANGE,
};
use crate::model::table::{Carrier, Default, FieldDef, Presence, Rule, Ty, FIELDS};
use crate::model::Policy;
use serde_json::{json, Map, Value};

/// The pattern of a `name@domain` user id.
const USER_ID_PATTERN: &str = "^[^@]+@[^@]+$";

/// The JSON Schema (draft 2020-12) of a desired-state YAML file.
pub fn json_schema() -> Value {
    let required: Vec<&FieldDef> = FIELDS
        .iter()
        .filter(|d| d.presence == Presence::Required)
        .collect();
    // A hunt group of a plain list names everything required; under `huntGroups:` the ids of
    // its group may come from `defaults:`, so only the fields that are not ids of the group.
    let per_group: Vec<&FieldDef> = required
        .iter()
        .copied()
        .filter(|d| !(d.carrier == Carrier::Identity && d.rule != Rule::UserId))
        .filter(|d| d.ty != Ty::Agents)
        .collect();
    let group = |need: &[&FieldDef]| {
        let mut all = vec![json!({"$ref": "#/$defs/group"})];
        all.extend(need.iter().map(|d| one_spelling_required(d)));
        json!({ "allOf": all })
    };
    let list = json!({"type": ["array", "null"], "items": group(&per_group)});
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/huntctl/huntctl/schemas/huntgroups.schema.json",
        "title": "huntctl desired state (YAML)",
        "description": "Hunt groups as code: a list of hunt groups, or a mapping with defaults: (merged under every hunt group of the file) and huntGroups:. Keys are OCI-P camelCase; the reference page's snake_case spelling is accepted too (not both for one field). Generated from the field table (src/model/table.rs).",
        "oneOf": [
            {"type": "null", "description": "An empty file."},
            {"type": "array", "items": group(&required)},
            {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "defaults": {
                        "$ref": "#/$defs/group",
                        "description": "Fields merged under every hunt group of this file."
                    },
                    "huntGroups": list.clone(),
                    "hunt_groups": list,
                    PROTECT_KEY: protect(),
                }
            }
        ],
        "$defs": {
            "profile": properties(true),
            "agents": agents(),
            "department": department(),
            "secretRef": secret_ref(),
            "group": properties(false),
        }
    })
}

fn one_spelling_required(d: &FieldDef) -> Value {
    let mut any = vec![json!({"required": [d.key()]})];
    if d.snake != d.key() {
        any.push(json!({"required": [d.snake]}));
    }
    json!({ "anyOf": any })
}

/// The properties of a hunt group (`in_profile` false) or of its serviceInstanceProfile.
fn properties(in_profile: bool) -> Value {
    let def_name = if in_profile { "profile" } else { "group" };
    let mut props = Map::new();
    if !in_profile {
        props.insert(
            OPERATION_KEY.into(),
            json!({"const": OPERATION, "description": "Optional; the only operation accepted."}),
        );
        lifecycle_properties(&mut props);
    }
    let mut profile_done = false;
    for d in FIELDS
        .iter()
        .filter(|d| d.in_profile() == in_profile || d.in_profile())
    {
        if d.in_profile() && !in_profile {
            // The profile sits where its first field is, as in the files huntctl writes.
            if !profile_done {
                profile_done = true;
                for k in [PROFILE, PROFILE_SNAKE] {
                    props.insert(k.into(), json!({"$ref": "#/$defs/profile"}));
                }
            }
            continue;
        }
        props.insert(d.key().into(), property(d));
        if d.snake != d.key() {
            props.insert(
                d.snake.into(),
                json!({"$ref": format!("#/$defs/{def_name}/properties/{}", d.key())}),
            );
        }
    }
    if !in_profile {
        super::services::schema_properties(&mut props);
    }
    json!({"type": "object", "additionalProperties": false, "properties": props})
}

/// `ignore:`, `renamedFrom:` and (under `defaults:`) `protect:`.
fn lifecycle_properties(props: &mut Map<String, Value>) {
    // Either spelling of every field that may be ignored (never the hunt group's key).
    let mut paths: Vec<String> = Vec::new();
    for d in FIELDS.iter().filter(|d| d.ignorable()) {
        paths.push(d.path.to_string());
        if d.snake_path() != d.path {
            paths.push(d.snake_path());
        }
    }
    props.insert(
        IGNORE_KEY.into(),
        json!({
            "type": ["array", "null"],
            "items": {"enum": paths},
            "description": "Fields set on create and never compared or written after (people change them at run time); merged with the ignore: of defaults:. A difference shows as a note, not a change."
        }),
    );
    let renamed = json!({
        "type": "string",
        "pattern": USER_ID_PATTERN,
        "description": "The hunt group's serviceUserId before: renamed in place (UserModifyUserIdRequest), keeping its password, number and everything else. Not under defaults:."
    });
    props.insert(RENAMED_FROM_KEY.into(), renamed);
    props.insert(
        RENAMED_FROM_SNAKE.into(),
        json!({"$ref": format!("#/$defs/group/properties/{RENAMED_FROM_KEY}")}),
    );
    props.insert(PROTECT_KEY.into(), protect());
}

/// `protect:`: serviceUserId patterns no plan may delete.
fn protect() -> Value {
    json!({
        "type": ["array", "null"],
        "items": {"type": "string", "minLength": 1},
        "description": "serviceUserId patterns (* globs, case-insensitive) of hunt groups no plan, saved plan or undo plan may delete, whatever --prune and --force say. At the top level of a file or under defaults:; every loaded file's apply."
    })
}

/// What the description adds about a field left out.
fn presence_note(d: &FieldDef) -> String {
    match d.presence {
        Presence::Required => " Required.".into(),
        // Its doc says what a write-only field does.
        Presence::Optional if d.ty == Ty::Password => String::new(),
        Presence::Optional => " Left out: unmanaged; null: absent.".into(),
        Presence::Default(v) => format!(
            " Default: {}.",
            match v {
                Default::Bool(b) => b.to_string(),
                Default::Int(n) => n.to_string(),
                Default::Text(t) => t.to_string(),
                Default::Policy(p) => p.as_str().to_string(),
                Default::Empty => "[]".to_string(),
            }
        ),
    }
}

fn property(d: &FieldDef) -> Value {
    let description = format!("{}{}", d.doc, presence_note(d));
    let nullable = d.presence == Presence::Optional;
    let mut p = match d.ty {
        Ty::Text { .. } | Ty::Password => {
            let (min, max, _) = text_limits(d).unwrap_or((1, 1, false));
            let mut p = json!({
                "type": if nullable { json!(["string", "null"]) } else { json!("string") },
                "minLength": min,
                "maxLength": max,
            });
            let pattern = match d.rule {
                Rule::UserId => Some(USER_ID_PATTERN),
                Rule::Digits => Some("^[0-9]+$"),
                _ => None,
            };
            if let Some(pat) = pattern {
                p["pattern"] = json!(pat);
            }
            if d.ty == Ty::Password {
                // A literal (warned about by validate) or where the password lives.
                p = json!({"oneOf": [p, {"$ref": "#/$defs/secretRef"}]});
            }
            p
        }
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Int { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
        Ty::Policy => {
            let mut names: Vec<&str> = Policy::ALL.iter().map(|p| p.as_str()).collect();
            names.push("Weighted Call Distribution");
            json!({"enum": names})
        }
        Ty::Aliases { max } => json!({
            "type": "array",
            "maxItems": max,
            "items": {"type": "string", "minLength": ALIAS_LEN.0, "maxLength": ALIAS_LEN.1},
        }),
        Ty::Agents => json!({"$ref": "#/$defs/agents"}),
        Ty::Department => json!({"$ref": "#/$defs/department"}),
    };
    p["description"] = json!(description);
    p
}

/// A secret reference: `{env: NAME}` or `{file: PATH}` (relative to the desired-state file).
fn secret_ref() -> Value {
    let one = |key: &str, what: &str| {
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": [key],
            "properties": {key: {"type": "string", "minLength": 1, "description": what}},
        })
    };
    json!({
        "description": "Where the password lives, read only when a create sends it: never written to plans, undo files or reports.",
        "oneOf": [
            one(super::secret_ref::ENV, "An environment variable's name."),
            one(super::secret_ref::FILE, "A file, relative to this desired-state file; its final line break is dropped."),
        ]
    })
}

fn agents() -> Value {
    let user_id = json!({
        "type": "string",
        "minLength": AGENT_ID_LEN.0,
        "maxLength": AGENT_ID_LEN.1,
        "pattern": USER_ID_PATTERN,
    });
    json!({
        "type": "array",
        "minItems": 1,
        "description": "Agents in hunt order: user ids, or {userId, weight} (weight 0-100, Weighted policy only).",
        "items": {
            "oneOf": [
                user_id.clone(),
                {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "userId": user_id,
                        "user_id": {"$ref": "#/$defs/agents/items/oneOf/1/properties/userId"},
                        "weight": {"type": "integer", "minimum": WEIGHT_RANGE.0, "maximum": WEIGHT_RANGE.1},
                    },
                    "anyOf": [{"required": ["userId"]}, {"required": ["user_id"]}],
                }
            ]
        }
    })
}

fn department() -> Value {
    let (min, max, _) = FIELDS
        .iter()
        .find(|d| d.ty == Ty::Department)
        .and_then(text_limits)
        .unwrap_or((1, 50, false));
    let name = json!({"type": "string", "minLength": min, "maxLength": max});
    let [name_key, enterprise_key] = DEPARTMENT_KEYS;
    json!({
        "oneOf": [
            {"type": "null", "description": "No department."},
            name.clone(),
            {
                "type": "object",
                "additionalProperties": false,
                "required": [name_key],
                "properties": {
                    name_key: name,
                    enterprise_key: {
                        "type": "boolean",
                        "description": "true: a department of the enterprise (service provider); false (the default): of the group."
                    },
                }
            }
        ]
    })
}
