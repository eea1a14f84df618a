//! Pre-flight: predicts, at plan time, which hunt group changes the server will refuse.
//!
//! Per managed group the plan reads, in the same `execute` call as the hunt group listings
//! (so in the documents it sends anyway): the users that can be agents
//! (`GroupHuntGroupGetAvailableUserListRequest`), the group's unassigned numbers
//! (`GroupDnGetAvailableListRequest`) and its users with their numbers and extensions
//! (`UserGetListInGroupRequest`). Each rule in [`RULES`] then looks at one change with those
//! facts. Where a desired hunt group names a department, its group's departments (and its
//! enterprise's) are read too (`GroupDepartmentGetListRequest18`), and only there. Adding a
//! check is one more request in [`requests`] and one more rule.
//!
//! Codes: 4008 (user not found) is documented BroadWorks behaviour; for the other rules no
//! public capture shows the code, so the predicted code is the one the sandbox answers with
//! and the plan says so.

use super::diff::paths;
use super::fetch::{fetch, fetch_with, ExtraReads, FetchError};
use super::{diff, Action, Change, CurrentState, GroupKey, Plan, PlanOptions};
use crate::model::{e164, Field, HuntGroup};
use crate::ocip::messages::{DepartmentRow, InstanceListEntry, Request, Response, UserRow};
use crate::ocip::Execute;
use huntctl_protocol::services::ServiceResponse;

mod services;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Whether pre-flight ran for a plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PreflightMode {
    /// The reads were made and every rule checked (see the plan's warnings for groups where a
    /// read was refused).
    Checked,
    /// Turned off with `--no-preflight`: refusals are not predicted.
    Off,
    /// Not applicable (an undo plan, or a plan saved before pre-flight existed).
    #[default]
    NotRun,
}

/// Which server rule a refusal breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// An agent that is not among the group's available users.
    UnknownAgent,
    /// A phone number that is not one of the group's free numbers.
    NumberNotInGroup,
    /// A phone number already used by a user or another hunt group.
    NumberInUse,
    /// An extension already used in the group.
    ExtensionInUse,
    /// A new serviceUserId that is already a user's (or another hunt group's) id.
    UserIdInUse,
    /// A department that is not one of the group's (or, for an enterprise department, its
    /// enterprise's).
    UnknownDepartment,
    /// A user service to assign that the group is not authorized for.
    ServiceNotAuthorized,
    /// A selective criterion naming a schedule the hunt group cannot see.
    UnknownSchedule,
    /// A directory number hunting agent who is not an agent of the hunt group.
    DnhNotAgent,
}

impl Rule {
    /// Every rule pre-flight checks.
    pub const ALL: [Rule; 9] = [
        Rule::UnknownAgent,
        Rule::NumberNotInGroup,
        Rule::NumberInUse,
        Rule::ExtensionInUse,
        Rule::UserIdInUse,
        Rule::UnknownDepartment,
        Rule::ServiceNotAuthorized,
        Rule::UnknownSchedule,
        Rule::DnhNotAgent,
    ];

    /// The code the server is expected to answer with.
    pub fn code(self) -> u32 {
        // The client keeps its own table (it never reads the sandbox's logic); a test from
        // outside both crates (tests/it) checks that the sandbox answers with these numbers.
        match self {
            Rule::UnknownAgent => 4008,
            Rule::NumberNotInGroup => 4413,
            Rule::NumberInUse => 4414,
            Rule::ExtensionInUse => 4415,
            Rule::UserIdInUse => 4200,
            Rule::UnknownDepartment => 4417,
            Rule::ServiceNotAuthorized => 4419,
            Rule::UnknownSchedule => 4426,
            Rule::DnhNotAgent => 4428,
        }
    }

    /// True when BroadWorks documents the code (4008); the others are the sandbox's.
    pub fn code_is_documented(self) -> bool {
        self == Rule::UnknownAgent
    }
}

/// A change the server is predicted to refuse: why, the value, and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// Service provider id.
    pub service_provider_id: String,
    /// Group id.
    pub group_id: String,
    /// The hunt group.
    pub service_user_id: String,
    /// What the plan would have done.
    pub action: Action,
    /// The rule it breaks.
    pub rule: Rule,
    /// The field path of the offending value (`agentUserId`, `serviceInstanceProfile.phoneNumber`).
    pub field: String,
    /// The offending value.
    pub value: String,
    /// Why, in words (without the code).
    pub reason: String,
    /// The error code the server is expected to answer with.
    pub code: u32,
    /// Whether BroadWorks documents that code (else it is the sandbox's choice).
    pub code_documented: bool,
    /// Where the value was written (`file:line:col`, CSV row and column), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Refusal {
    /// A rename whose new id and old id both exist: neither is touched (4200, the code the
    /// server answers a rename to a taken id with), located at the `renamedFrom`.
    pub(crate) fn both_ids_exist(d: &HuntGroup, r: &super::lifecycle::Rename) -> Refusal {
        Refusal {
            service_provider_id: d.service_provider_id.clone(),
            group_id: d.group_id.clone(),
            service_user_id: d.service_user_id.clone(),
            action: Action::Update,
            rule: Rule::UserIdInUse,
            field: "renamedFrom".to_string(),
            value: r.from.clone(),
            reason: format!(
                "{} is to be renamed from {}, but both exist: delete the old one or drop the \
                 renamedFrom",
                d.service_user_id, r.from
            ),
            code: Rule::UserIdInUse.code(),
            code_documented: Rule::UserIdInUse.code_is_documented(),
            location: r.location.clone(),
        }
    }

    fn new(c: &Change, rule: Rule, field: &str, value: &str, reason: String) -> Refusal {
        Refusal {
            service_provider_id: c.service_provider_id.clone(),
            group_id: c.group_id.clone(),
            service_user_id: c.service_user_id.clone(),
            action: c.action,
            rule,
            field: field.to_string(),
            value: value.to_string(),
            reason,
            code: rule.code(),
            code_documented: rule.code_is_documented(),
            location: None,
        }
    }

    /// `agent x is not a user of SP / G (BroadWorks: 4008)`.
    pub fn message(&self) -> String {
        if self.code_documented {
            format!("{} (BroadWorks: {})", self.reason, self.code)
        } else {
            format!(
                "{} (expected error {}; the code is the sandbox's, BroadWorks documents none)",
                self.reason, self.code
            )
        }
    }

    /// `✗ id would be refused: reason (BroadWorks: 4008)`.
    pub fn headline(&self) -> String {
        format!(
            "✗ {} would be refused: {}",
            self.service_user_id,
            self.message()
        )
    }
}

/// The reads pre-flight makes for one group, in the order the facts reader expects them.
pub fn requests(key: &GroupKey) -> Vec<Request> {
    let (sp, g) = (key.service_provider_id.clone(), key.group_id.clone());
    vec![
        Request::AvailableUsers {
            service_provider_id: sp.clone(),
            group_id: g.clone(),
        },
        Request::AvailableDns {
            service_provider_id: sp.clone(),
            group_id: g.clone(),
        },
        Request::UsersInGroup {
            service_provider_id: sp,
            group_id: g,
        },
    ]
}

/// The department read of one group: its own departments and its enterprise's.
pub fn department_request(key: &GroupKey) -> Request {
    Request::DepartmentList {
        service_provider_id: key.service_provider_id.clone(),
        group_id: key.group_id.clone(),
        include_enterprise: true,
    }
}

/// Reads the current state (with pre-flight reads unless `opts.preflight` is off) and plans.
pub async fn read_and_plan<E: Execute>(
    exec: &E,
    desired: &[HuntGroup],
    opts: &PlanOptions,
) -> Result<Plan, FetchError> {
    if !opts.preflight {
        let current = fetch(exec, desired, opts).await?;
        let mut plan = diff(desired, &current, opts);
        plan.preflight = PreflightMode::Off;
        return Ok(plan);
    }
    // The department list only for groups where a desired hunt group names a department:
    // no extra read otherwise.
    let with_departments: HashSet<GroupKey> = desired
        .iter()
        .filter(|d| d.service_instance_profile.department.value().is_some())
        .map(GroupKey::of)
        .collect();
    let mut blocks: HashMap<GroupKey, Vec<&HuntGroup>> = HashMap::new();
    for d in desired {
        if d.blocks.is_some() {
            blocks.entry(GroupKey::of(d)).or_default().push(d);
        }
    }
    let reads = |k: &GroupKey| {
        let mut r = requests(k);
        if with_departments.contains(k) {
            r.push(department_request(k));
        }
        let of_group = blocks.get(k).into_iter().flatten().copied();
        r.extend(services::requests(k, of_group));
        r
    };
    let (current, extras) = fetch_with(exec, desired, opts, &reads).await?;
    let mut plan = diff(desired, &current, opts);
    let (refusals, notes) = check(&plan, &current, &extras);
    plan.preflight = PreflightMode::Checked;
    // After the diff's own (a rename whose two ids both exist).
    plan.refusals.extend(refusals);
    plan.warnings.extend(notes);
    Ok(plan)
}

/// What was learnt about one group.
#[derive(Debug, Default)]
pub struct Facts {
    /// Lower-cased ids of the users that can be agents (None: not read).
    available_users: Option<HashSet<String>>,
    /// The group's free numbers, E.164 where the country code is known (None: not read).
    available_dns: Option<Numbers>,
    /// The group's users (None: not read).
    users: Option<Vec<UserRow>>,
    /// Every hunt group of the group, with number and extension.
    listing: Vec<InstanceListEntry>,
    /// The group's country code, when any read showed it.
    cc: Option<String>,
    /// The group's and its enterprise's departments (None: not read, or not needed).
    departments: Option<Vec<DepartmentRow>>,
    /// What the block reads showed (authorized services, visible schedules).
    blocks: services::BlockFacts,
}

/// Numbers compared as [`super::diff`] compares them: E.164 with the group's country code,
/// liberally when the code is unknown.
#[derive(Debug, Default)]
struct Numbers {
    cc: Option<String>,
    exact: HashSet<String>,
    all: Vec<String>,
}

impl Numbers {
    fn new(cc: Option<&str>, items: impl IntoIterator<Item = String>) -> Numbers {
        let mut n = Numbers {
            cc: cc.map(str::to_string),
            ..Numbers::default()
        };
        for i in items {
            n.exact.insert(e164(&i, cc));
            n.all.push(i);
        }
        n
    }

    fn contains(&self, number: &str) -> bool {
        let cc = self.cc.as_deref();
        self.exact.contains(&e164(number, cc))
            || (cc.is_none()
                && self
                    .all
                    .iter()
                    .any(|a| crate::model::same_number(number, a, None)))
    }
}

fn same(a: &str, b: &str, cc: Option<&str>) -> bool {
    !a.trim().is_empty() && !b.trim().is_empty() && crate::model::same_number(a, b, cc)
}

impl Facts {
    /// Interprets the replies to [`requests`]; a refused or failed read leaves its facts out
    /// (its rule is skipped) and says so in `notes`.
    fn read(
        key: &GroupKey,
        extra: &ExtraReads,
        current: &CurrentState,
        notes: &mut Vec<String>,
    ) -> Facts {
        let group = current.groups.get(key);
        let listed = group.is_some_and(|g| g.exists);
        let mut f = Facts {
            listing: extra.listing.clone(),
            ..Facts::default()
        };
        let mut note = |what: &str, why: String| {
            // A group that cannot be listed already has its own warning.
            if listed {
                notes.push(format!(
                    "pre-flight: {what} for {} / {} failed ({why}); that check is skipped there",
                    key.service_provider_id, key.group_id
                ));
            }
        };
        let mut dns: Option<Vec<String>> = None;
        for (i, r) in extra.results.iter().enumerate() {
            let what = extra
                .commands
                .get(i)
                .copied()
                .unwrap_or("a pre-flight read");
            match r {
                Ok(Response::AvailableUsers(rows)) => {
                    f.available_users = Some(
                        rows.iter()
                            .map(|u| u.user_id.to_ascii_lowercase())
                            .collect(),
                    );
                }
                Ok(Response::AvailableDns(numbers)) => dns = Some(numbers.clone()),
                Ok(Response::UsersInGroup(rows)) => {
                    f.cc = rows
                        .iter()
                        .map(|u| u.country_code.trim())
                        .find(|c| !c.is_empty())
                        .map(str::to_string);
                    f.users = Some(rows.clone());
                }
                Ok(Response::DepartmentList(rows)) => f.departments = Some(rows.clone()),
                Ok(Response::Service(s)) => match s.as_ref() {
                    ServiceResponse::Authorizations(a) => {
                        f.blocks.authorized =
                            Some(a.authorized_user_services().map(str::to_string).collect())
                    }
                    ServiceResponse::GroupSchedules(list) => {
                        f.blocks.schedules = Some(list.clone())
                    }
                    ServiceResponse::UserSchedules(list) => {
                        if let Some(id) = extra.subjects.get(i).cloned().flatten() {
                            f.blocks.own_schedules.insert(id, list.clone());
                        }
                    }
                    other => note(what, format!("unexpected {}", other.type_name())),
                },
                // A hunt group still to be created is not a user yet: nothing to note.
                Ok(Response::Error(_))
                    if extra.subjects.get(i).cloned().flatten().is_some_and(|id| {
                        group.is_some_and(|g| g.exists && g.listed.binary_search(&id).is_err())
                    }) => {}
                Ok(Response::Error(e)) => note(what, format!("refused: {e}")),
                Ok(other) => note(what, format!("unexpected {}", other.type_name())),
                Err(e) => note(what, e.to_string()),
            }
        }
        if f.cc.is_none() {
            f.cc = group.and_then(|g| g.country_codes.values().next().cloned());
        }
        f.available_dns = dns.map(|d| Numbers::new(f.cc.as_deref(), d));
        f
    }
}

/// Plan-wide bookkeeping shared by the rules: what other changes of the same plan take or free.
#[derive(Debug, Default)]
pub struct Claims {
    /// (group, E.164 number) → the hunt group of this plan that takes it.
    numbers: HashMap<(GroupKey, String), String>,
    /// (group, extension) → the hunt group of this plan that takes it.
    extensions: HashMap<(GroupKey, String), String>,
    /// Hunt groups whose number this plan changes or deletes (their old number is freed).
    frees_number: HashSet<String>,
    /// Hunt groups whose extension this plan changes or deletes.
    frees_extension: HashSet<String>,
    /// Every hunt group listed in a managed group, lower-cased id → (sp, group).
    listed: HashMap<String, GroupKey>,
}

/// Everything a rule may look at.
pub struct Ctx<'a> {
    /// The facts of the change's group.
    pub facts: &'a Facts,
    /// The plan-wide claims (rules record what they let through).
    pub claims: &'a mut Claims,
}

/// One pre-flight rule: looks at one create/update and returns what the server would refuse.
pub type RuleFn = fn(&mut Ctx<'_>, &Change, &HuntGroup) -> Vec<Refusal>;

/// Every rule, in the order their refusals are listed.
pub const RULES: &[RuleFn] = &[
    user_id_is_free,
    agents_are_users,
    phone_number_is_available,
    extension_is_free,
    department_exists,
    services::services_are_authorized,
    services::schedules_are_visible,
    services::dnh_agents_are_agents,
];

fn sends(c: &Change, path: &str) -> bool {
    c.action == Action::Create || c.fields.iter().any(|f| f.path == path)
}

fn group_name(c: &Change) -> String {
    format!("{} / {}", c.service_provider_id, c.group_id)
}

/// A create whose id is already a user's of the group, or a hunt group's in another managed group.
fn user_id_is_free(ctx: &mut Ctx<'_>, c: &Change, _after: &HuntGroup) -> Vec<Refusal> {
    // A rename takes its new id as a create does.
    if c.action != Action::Create && c.renamed_from.is_none() {
        return Vec::new();
    }
    let id = c.service_user_id.to_ascii_lowercase();
    let user = ctx
        .facts
        .users
        .iter()
        .flatten()
        .any(|u| u.user_id.to_ascii_lowercase() == id);
    let reason = if user {
        format!(
            "serviceUserId {} is already the id of a user of {}",
            c.service_user_id,
            group_name(c)
        )
    } else {
        match ctx.claims.listed.get(&id) {
            Some(k)
                if k.service_provider_id != c.service_provider_id || k.group_id != c.group_id =>
            {
                format!(
                    "serviceUserId {} is already a hunt group of {} / {}",
                    c.service_user_id, k.service_provider_id, k.group_id
                )
            }
            _ => return Vec::new(),
        }
    };
    vec![Refusal::new(
        c,
        Rule::UserIdInUse,
        "serviceUserId",
        &c.service_user_id,
        reason,
    )]
}

/// Agents that are not among the group's available users (sent when the list is sent).
fn agents_are_users(ctx: &mut Ctx<'_>, c: &Change, after: &HuntGroup) -> Vec<Refusal> {
    let Some(available) = &ctx.facts.available_users else {
        return Vec::new();
    };
    let list_sent = match c.action {
        Action::Create => true,
        _ => c.agents.as_ref().is_some_and(|a| a.list_changed()),
    };
    if !list_sent {
        return Vec::new();
    }
    after
        .agents
        .iter()
        .filter(|a| !available.contains(&a.user_id.to_ascii_lowercase()))
        .map(|a| {
            Refusal::new(
                c,
                Rule::UnknownAgent,
                paths::AGENTS,
                &a.user_id,
                format!("agent {} is not a user of {}", a.user_id, group_name(c)),
            )
        })
        .collect()
}

/// A phone number that is neither free in the group nor this hunt group's already.
///
/// `callingLineIdPhoneNumber` is deliberately not checked: it is what callers see, commonly a
/// main number assigned to someone else (so never in the free list), and the server does not
/// require it to be free — checking it would predict refusals that never come.
fn phone_number_is_available(ctx: &mut Ctx<'_>, c: &Change, after: &HuntGroup) -> Vec<Refusal> {
    let Field::Value(n) = &after.service_instance_profile.phone_number else {
        return Vec::new();
    };
    if !sends(c, paths::PHONE) {
        return Vec::new();
    }
    let cc = ctx.facts.cc.as_deref();
    let key = (
        GroupKey::new(&c.service_provider_id, &c.group_id),
        e164(n, cc),
    );
    let refuse = |rule, reason| vec![Refusal::new(c, rule, paths::PHONE, n, reason)];
    if let Some(other) = ctx.claims.numbers.get(&key) {
        return refuse(
            Rule::NumberInUse,
            format!("phone number {n} is also given to {other} in this plan"),
        );
    }
    let own = c
        .before
        .as_ref()
        .and_then(|b| b.service_instance_profile.phone_number.value())
        .is_some_and(|b| same(b, n, cc));
    let available = ctx.facts.available_dns.as_ref();
    let free = own || available.is_none_or(|a| a.contains(n));
    if !free {
        if let Some(u) = ctx
            .facts
            .users
            .iter()
            .flatten()
            .find(|u| same(&u.phone_number, n, cc))
        {
            return refuse(
                Rule::NumberInUse,
                format!("phone number {n} is already used by user {}", u.user_id),
            );
        }
        match ctx
            .facts
            .listing
            .iter()
            .find(|h| h.service_user_id != c.service_user_id && same(&h.phone_number, n, cc))
        {
            // A number this plan frees from another hunt group is let through: apply runs
            // the two concurrently, so the server may still refuse it; the re-run converges.
            Some(h) if ctx.claims.frees_number.contains(&h.service_user_id) => {}
            Some(h) => {
                return refuse(
                    Rule::NumberInUse,
                    format!(
                        "phone number {n} is already used by hunt group {}",
                        h.service_user_id
                    ),
                )
            }
            None => {
                return refuse(
                    Rule::NumberNotInGroup,
                    format!(
                        "phone number {n} is not an available number of {}",
                        group_name(c)
                    ),
                )
            }
        }
    }
    ctx.claims.numbers.insert(key, c.service_user_id.clone());
    Vec::new()
}

/// An extension used by a user or another hunt group of the group.
fn extension_is_free(ctx: &mut Ctx<'_>, c: &Change, after: &HuntGroup) -> Vec<Refusal> {
    let Field::Value(ext) = &after.service_instance_profile.extension else {
        return Vec::new();
    };
    if !sends(c, paths::EXTENSION) {
        return Vec::new();
    }
    let key = (
        GroupKey::new(&c.service_provider_id, &c.group_id),
        ext.clone(),
    );
    let refuse = |reason| {
        vec![Refusal::new(
            c,
            Rule::ExtensionInUse,
            paths::EXTENSION,
            ext,
            reason,
        )]
    };
    if let Some(other) = ctx.claims.extensions.get(&key) {
        return refuse(format!(
            "extension {ext} is also given to {other} in this plan"
        ));
    }
    if let Some(u) = ctx
        .facts
        .users
        .iter()
        .flatten()
        .find(|u| u.extension == *ext)
    {
        return refuse(format!(
            "extension {ext} is already used by user {} in {}",
            u.user_id,
            group_name(c)
        ));
    }
    if let Some(h) = ctx.facts.listing.iter().find(|h| {
        h.service_user_id != c.service_user_id
            && h.extension == *ext
            && !ctx.claims.frees_extension.contains(&h.service_user_id)
    }) {
        return refuse(format!(
            "extension {ext} is already used by hunt group {} in {}",
            h.service_user_id,
            group_name(c)
        ));
    }
    ctx.claims.extensions.insert(key, c.service_user_id.clone());
    Vec::new()
}

/// The field path of the department.
const DEPARTMENT_PATH: &str = "serviceInstanceProfile.department";

/// A department the group (or, for an enterprise department, its enterprise) does not have.
/// The reason lists the departments there are, or says there are none.
fn department_exists(ctx: &mut Ctx<'_>, c: &Change, after: &HuntGroup) -> Vec<Refusal> {
    let Field::Value(d) = &after.service_instance_profile.department else {
        return Vec::new();
    };
    let Some(known) = &ctx.facts.departments else {
        return Vec::new();
    };
    if !sends(c, DEPARTMENT_PATH) {
        return Vec::new();
    }
    let names = |enterprise: bool| -> Vec<&str> {
        known
            .iter()
            .filter(|k| k.is_enterprise == enterprise)
            .map(|k| k.name.as_str())
            .collect()
    };
    let same_kind = names(d.enterprise);
    if same_kind.contains(&d.name.as_str()) {
        return Vec::new();
    }
    let (what, whose) = if d.enterprise {
        (
            "an enterprise department",
            format!("the enterprise {}", c.service_provider_id),
        )
    } else {
        ("a department", group_name(c))
    };
    let mut hint = match (same_kind.is_empty(), d.enterprise) {
        (true, false) => "the group has no departments".to_string(),
        (true, true) => "the enterprise has no departments".to_string(),
        (false, _) => format!("its departments: {}", same_kind.join(", ")),
    };
    // A name that exists at the other level is the likely mix-up: say how to write it.
    if names(!d.enterprise).contains(&d.name.as_str()) {
        hint.push_str(&if d.enterprise {
            format!(
                "; {} is a department of the group: leave out enterprise: true",
                d.name
            )
        } else {
            format!(
                "; {} is an enterprise department: write {{name: {}, enterprise: true}}",
                d.name, d.name
            )
        });
    }
    vec![Refusal::new(
        c,
        Rule::UnknownDepartment,
        DEPARTMENT_PATH,
        &d.name,
        format!("department {} is not {what} of {whose} ({hint})", d.name),
    )]
}

/// Runs every rule over the plan's creates and updates. Returns the refusals (in plan order)
/// and notes about reads that failed.
pub fn check(
    plan: &Plan,
    current: &CurrentState,
    extras: &BTreeMap<GroupKey, ExtraReads>,
) -> (Vec<Refusal>, Vec<String>) {
    let mut notes = Vec::new();
    let facts: BTreeMap<&GroupKey, Facts> = extras
        .iter()
        .map(|(k, x)| (k, Facts::read(k, x, current, &mut notes)))
        .collect();
    let mut claims = Claims::default();
    for (k, g) in &current.groups {
        for id in &g.listed {
            claims.listed.insert(id.to_ascii_lowercase(), k.clone());
        }
    }
    for c in &plan.changes {
        match c.action {
            Action::Delete => {
                claims.frees_number.insert(c.service_user_id.clone());
                claims.frees_extension.insert(c.service_user_id.clone());
            }
            Action::Update => {
                if c.fields.iter().any(|f| f.path == paths::PHONE) {
                    claims.frees_number.insert(c.service_user_id.clone());
                }
                if c.fields.iter().any(|f| f.path == paths::EXTENSION) {
                    claims.frees_extension.insert(c.service_user_id.clone());
                }
            }
            _ => {}
        }
    }
    let mut refusals = Vec::new();
    for c in &plan.changes {
        if !matches!(c.action, Action::Create | Action::Update) {
            continue;
        }
        let (Some(after), Some(f)) = (
            c.after.as_ref(),
            facts.get(&GroupKey::new(&c.service_provider_id, &c.group_id)),
        ) else {
            continue;
        };
        let mut ctx = Ctx {
            facts: f,
            claims: &mut claims,
        };
        for rule in RULES {
            refusals.extend(rule(&mut ctx, c, after));
        }
    }
    (refusals, notes)
}

/// Fills in where each refusal's value was written, by reading the desired state's files (or
/// data) again — only when there are refusals.
pub fn locate_refusals(refusals: &mut [Refusal], desired: &crate::desired::DesiredState) {
    if refusals.is_empty() {
        return;
    }
    let ids: Vec<&str> = refusals
        .iter()
        .filter(|r| r.location.is_none())
        .map(|r| r.service_user_id.as_str())
        .collect();
    if ids.is_empty() {
        return;
    }
    let map = desired.locate(&ids);
    // Refusals located already (a rename's, at its renamedFrom) keep their place.
    for r in refusals.iter_mut().filter(|r| r.location.is_none()) {
        r.location = map
            .find(&r.service_user_id, &r.field, &r.value)
            .map(ToString::to_string);
    }
}
