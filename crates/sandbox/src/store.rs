//! In-memory state and the business rules of hunt group commands, answered like BroadWorks
//! with the codes of [`crate::codes`].

use crate::codes::{self, oci_error};
use crate::journal::{JournalPut, JournalRecord};
use crate::messages::{
    AddInstance, AgentRow, Change, DepartmentKey, DepartmentRow, GroupListEntry, InstanceDetails,
    InstanceListEntry, ModifyInstance, OciError, Request, Response, UserRow,
};
use crate::model::table::{Ty, Value};
use crate::model::{Department, Field};
use crate::state::{GroupState, HuntGroupState, SandboxState, UserState};
use std::collections::{BTreeMap, HashMap, HashSet};

mod rename;
mod services;

/// The user limit the sandbox reports for a group (raised when a group holds more).
const DEFAULT_USER_LIMIT: u32 = 100;

fn err(code: u32, summary: impl AsRef<str>) -> OciError {
    oci_error(code, summary, None)
}

/// Where a hunt group lives: (service provider index, group index, key in the group's map).
type Loc = (usize, usize, u64);

/// The state plus indexes, and a version that counts successful writes.
///
/// Hunt groups live in one ordered map per group (keyed by arrival, so lists keep creation
/// order) rather than in the state's vectors, and every uniqueness rule has an index: each
/// command costs O(log n) however large the state, so 10,000 creates stay linear.
#[derive(Debug)]
pub struct Store {
    /// The state without its hunt groups (those are in `hgs`).
    state: SandboxState,
    hgs: Vec<Vec<BTreeMap<u64, HuntGroupState>>>,
    next_key: u64,
    hunt_groups: HashMap<String, Loc>,
    users: HashMap<String, (usize, usize, usize)>,
    /// Numbers held by users (national).
    user_numbers: HashSet<String>,
    /// Number (national) -> hunt groups holding it.
    hg_numbers: HashMap<String, Vec<String>>,
    /// (provider, group, extension) held by a user.
    user_exts: HashSet<(usize, usize, String)>,
    /// (provider, group, extension) -> hunt groups holding it.
    hg_exts: HashMap<(usize, usize, String), Vec<String>>,
    /// Alias -> hunt groups holding it.
    hg_aliases: HashMap<String, Vec<String>>,
    version: u64,
}

fn add_owner<K: std::hash::Hash + Eq>(m: &mut HashMap<K, Vec<String>>, k: K, id: &str) {
    m.entry(k).or_default().push(id.to_string());
}

fn remove_owner<K: std::hash::Hash + Eq>(m: &mut HashMap<K, Vec<String>>, k: K, id: &str) {
    if let Some(v) = m.get_mut(&k) {
        if let Some(i) = v.iter().position(|o| o == id) {
            v.swap_remove(i);
        }
        if v.is_empty() {
            m.remove(&k);
        }
    }
}

fn held_by_other(m: Option<&Vec<String>>, except: Option<&str>) -> bool {
    m.is_some_and(|v| v.iter().any(|o| Some(o.as_str()) != except))
}

impl Store {
    /// Checks and indexes a state (numbers normalised to national form).
    pub fn new(state: SandboxState) -> Result<Store, String> {
        Store::with_version(state, 0)
    }

    /// Like [`Store::new`] for a state that already holds `version` writes (the journal's
    /// numbering continues from there).
    pub fn with_version(mut state: SandboxState, version: u64) -> Result<Store, String> {
        for sp in &mut state.service_providers {
            for g in &mut sp.groups {
                let cc = g.country_code.clone();
                for n in &mut g.phone_numbers {
                    *n = national(n, &cc);
                }
                for u in &mut g.users {
                    if let Some(n) = &mut u.phone_number {
                        *n = national(n, &cc);
                    }
                }
                for h in &mut g.hunt_groups {
                    // Stored hunt groups do not repeat where they live; the store knows.
                    h.hunt_group.service_provider_id.clone_from(&sp.id);
                    h.hunt_group.group_id.clone_from(&g.id);
                    if let Field::Value(n) = &mut h.hunt_group.service_instance_profile.phone_number
                    {
                        *n = national(n, &cc);
                    }
                    for a in &mut h.hunt_group.agents {
                        a.weight.get_or_insert(0);
                    }
                }
            }
        }
        let mut s = Store {
            state,
            hgs: Vec::new(),
            next_key: 0,
            hunt_groups: HashMap::new(),
            users: HashMap::new(),
            user_numbers: HashSet::new(),
            hg_numbers: HashMap::new(),
            user_exts: HashSet::new(),
            hg_exts: HashMap::new(),
            hg_aliases: HashMap::new(),
            version,
        };
        s.reindex()?;
        Ok(s)
    }

    fn reindex(&mut self) -> Result<(), String> {
        for (si, sp) in self.state.service_providers.iter_mut().enumerate() {
            let mut gs = Vec::with_capacity(sp.groups.len());
            for (gi, g) in sp.groups.iter_mut().enumerate() {
                for (ui, u) in g.users.iter().enumerate() {
                    if self.users.insert(u.user_id.clone(), (si, gi, ui)).is_some() {
                        return Err(format!("user id {} appears twice", u.user_id));
                    }
                    if let Some(n) = &u.phone_number {
                        self.user_numbers.insert(n.clone());
                    }
                    if let Some(e) = &u.extension {
                        self.user_exts.insert((si, gi, e.clone()));
                    }
                }
                let mut map = BTreeMap::new();
                for h in std::mem::take(&mut g.hunt_groups) {
                    let key = self.next_key;
                    self.next_key += 1;
                    if self
                        .hunt_groups
                        .insert(h.service_user_id.clone(), (si, gi, key))
                        .is_some()
                    {
                        return Err(format!("user id {} appears twice", h.service_user_id));
                    }
                    map.insert(key, h);
                }
                gs.push(map);
            }
            self.hgs.push(gs);
        }
        for id in self.hunt_groups.keys() {
            if self.users.contains_key(id) {
                return Err(format!("user id {id} appears twice"));
            }
        }
        let all: Vec<(usize, usize, u64)> = self.hunt_groups.values().copied().collect();
        for (si, gi, key) in all {
            let h = self.hgs[si][gi][&key].clone();
            self.index_hunt_group(si, gi, &h);
        }
        Ok(())
    }

    fn index_hunt_group(&mut self, si: usize, gi: usize, h: &HuntGroupState) {
        let id = h.service_user_id.as_str();
        let p = &h.service_instance_profile;
        if let Field::Value(n) = &p.phone_number {
            add_owner(&mut self.hg_numbers, n.clone(), id);
        }
        if let Field::Value(e) = &p.extension {
            add_owner(&mut self.hg_exts, (si, gi, e.clone()), id);
        }
        for a in &p.alias {
            add_owner(&mut self.hg_aliases, a.clone(), id);
        }
    }

    fn unindex_hunt_group(&mut self, si: usize, gi: usize, h: &HuntGroupState) {
        let id = h.service_user_id.as_str();
        let p = &h.service_instance_profile;
        if let Field::Value(n) = &p.phone_number {
            remove_owner(&mut self.hg_numbers, n.clone(), id);
        }
        if let Field::Value(e) = &p.extension {
            remove_owner(&mut self.hg_exts, (si, gi, e.clone()), id);
        }
        for a in &p.alias {
            remove_owner(&mut self.hg_aliases, a.clone(), id);
        }
    }

    /// A copy of the whole state, hunt groups in creation order (for the snapshot).
    pub fn snapshot(&self) -> SandboxState {
        let mut st = self.state.clone();
        for (sp, gs) in st.service_providers.iter_mut().zip(&self.hgs) {
            for (g, map) in sp.groups.iter_mut().zip(gs) {
                g.hunt_groups = map.values().cloned().collect();
            }
        }
        st
    }

    /// Hunt groups in the state.
    pub fn hunt_group_count(&self) -> usize {
        self.hunt_groups.len()
    }

    /// Counts successful writes (continuing the journal's numbering).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Carries out one hunt group command (login commands are the session's business).
    /// Returns the response and, for a successful write, its journal record (numbered with
    /// the new version).
    pub fn execute(&mut self, req: &Request) -> (Response, Option<JournalRecord>) {
        let r = match req {
            Request::GetInstanceList {
                service_provider_id,
                group_id,
            } => self.get_list(service_provider_id, group_id),
            Request::GetInstance { service_user_id } => self.get(service_user_id),
            Request::AddInstance(a) => self.add(a).map(|_| Response::Success),
            Request::ModifyInstance(m) => self.modify(m).map(|_| Response::Success),
            Request::ModifyWeights {
                service_user_id,
                weights,
            } => self
                .modify_weights(service_user_id, weights)
                .map(|_| Response::Success),
            Request::DeleteInstance { service_user_id } => {
                self.delete(service_user_id).map(|_| Response::Success)
            }
            Request::GroupList {
                service_provider_id,
            } => self.group_list(service_provider_id),
            Request::AvailableUsers {
                service_provider_id,
                group_id,
            } => self.available_users(service_provider_id, group_id),
            Request::AvailableDns {
                service_provider_id,
                group_id,
            } => self.available_dns(service_provider_id, group_id),
            Request::UsersInGroup {
                service_provider_id,
                group_id,
            } => self.users_in_group(service_provider_id, group_id),
            Request::ModifyActiveList { activations } => self
                .modify_active_list(activations)
                .map(|_| Response::Success),
            Request::DepartmentList {
                service_provider_id,
                group_id,
                include_enterprise,
            } => self.department_list(service_provider_id, group_id, *include_enterprise),
            Request::ModifyUserId {
                user_id,
                new_user_id,
            } => self
                .modify_user_id(user_id, new_user_id)
                .map(|_| Response::Success),
            Request::Service(s) => self.execute_service(s),
            other => Err(err(
                codes::NOT_LOGGED_IN,
                format!("{} is not a hunt group command", other.type_name()),
            )),
        };
        match r {
            Ok(resp) => {
                let record = req.is_write().then(|| self.journal_record(req));
                (resp, record.flatten())
            }
            Err(e) => (Response::Error(e), None),
        }
    }

    /// The effect of a write just carried out, as a journal record.
    fn journal_record(&mut self, req: &Request) -> Option<JournalRecord> {
        if let Request::ModifyUserId {
            user_id,
            new_user_id,
        } = req
        {
            return Some(self.rename_record(user_id, new_user_id));
        }
        if let Request::ModifyActiveList { activations } = req {
            return self.journal_puts(activations.iter().map(|(id, _)| id.as_str()));
        }
        let id = req.subject()?;
        self.version += 1;
        let put = self.journal_put(id);
        Some(JournalRecord {
            seq: self.version,
            delete: put.is_none().then(|| id.to_string()),
            put,
            puts: Vec::new(),
            rename: None,
        })
    }

    /// A hunt group as it is now, with where it lives: what the journal keeps of a write.
    fn journal_put(&self, id: &str) -> Option<JournalPut> {
        let &(si, gi, key) = self.hunt_groups.get(id)?;
        let sp = &self.state.service_providers[si];
        Some(JournalPut {
            service_provider_id: sp.id.clone(),
            group_id: sp.groups[gi].id.clone(),
            hunt_group: self.hgs[si][gi][&key].clone(),
        })
    }

    /// One record holding every hunt group a multi-hunt-group write touched (each once);
    /// `None` when it touched none.
    fn journal_puts<'a>(&mut self, ids: impl Iterator<Item = &'a str>) -> Option<JournalRecord> {
        let mut seen = HashSet::new();
        let puts: Vec<JournalPut> = ids
            .filter(|id| seen.insert(*id))
            .filter_map(|id| self.journal_put(id))
            .collect();
        if puts.is_empty() {
            return None;
        }
        self.version += 1;
        Some(JournalRecord {
            seq: self.version,
            put: None,
            delete: None,
            puts,
            rename: None,
        })
    }

    fn group_index(&self, sp: &str, g: &str) -> Result<(usize, usize), OciError> {
        let si = self
            .state
            .service_providers
            .iter()
            .position(|s| s.id == sp)
            .ok_or_else(|| {
                err(
                    codes::SERVICE_PROVIDER_NOT_FOUND,
                    format!("Service provider not found: {sp}"),
                )
            })?;
        let gi = self.state.service_providers[si]
            .groups
            .iter()
            .position(|x| x.id == g)
            .ok_or_else(|| err(codes::GROUP_NOT_FOUND, format!("Group not found: {g}")))?;
        Ok((si, gi))
    }

    fn group(&self, si: usize, gi: usize) -> &GroupState {
        &self.state.service_providers[si].groups[gi]
    }

    fn hunt_group(&self, id: &str) -> Result<(Loc, &HuntGroupState), OciError> {
        let loc = *self
            .hunt_groups
            .get(id)
            .ok_or_else(|| err(codes::USER_NOT_FOUND, format!("User not found: {id}")))?;
        Ok((loc, &self.hgs[loc.0][loc.1][&loc.2]))
    }

    fn get_list(&self, sp: &str, g: &str) -> Result<Response, OciError> {
        let (si, gi) = self.group_index(sp, g)?;
        let rows = self.hgs[si][gi]
            .values()
            .map(|h| {
                let p = &h.service_instance_profile;
                let (phone_number, extension, department) = listed_cells(p);
                InstanceListEntry {
                    service_user_id: h.service_user_id.clone(),
                    name: p.name.clone(),
                    phone_number,
                    extension,
                    department,
                    is_active: h.is_active,
                    policy: h.policy.as_str().to_string(),
                }
            })
            .collect();
        Ok(Response::InstanceList(rows))
    }

    /// The provider's groups in id order. The state has no group name or user limit: the name
    /// is the id, the limit a plausible figure that always fits the group's users.
    fn group_list(&self, sp: &str) -> Result<Response, OciError> {
        let pi = self
            .state
            .service_providers
            .iter()
            .position(|s| s.id == sp)
            .ok_or_else(|| {
                err(
                    codes::SERVICE_PROVIDER_NOT_FOUND,
                    format!("Service provider not found: {sp}"),
                )
            })?;
        let provider = &self.state.service_providers[pi];
        let mut rows: Vec<GroupListEntry> = provider
            .groups
            .iter()
            .enumerate()
            .map(|(gi, g)| GroupListEntry {
                group_id: g.id.clone(),
                group_name: g.id.clone(),
                user_limit: Some(
                    u32::try_from(g.users.len() + self.hgs[pi][gi].len())
                        .unwrap_or(u32::MAX)
                        .max(DEFAULT_USER_LIMIT),
                ),
            })
            .collect();
        rows.sort_by(|a, b| a.group_id.cmp(&b.group_id));
        Ok(Response::GroupList(rows))
    }

    /// The users that [`Store::check_agents`] accepts as agents: every user of the group.
    fn available_users(&self, sp: &str, g: &str) -> Result<Response, OciError> {
        let (si, gi) = self.group_index(sp, g)?;
        let rows = self.group(si, gi).users.iter().map(user_row).collect();
        Ok(Response::AvailableUsers(rows))
    }

    /// The group's numbers that [`Store::check_number`] would accept for a new hunt group: not
    /// used by any user or hunt group. National form, as the group keeps them.
    fn available_dns(&self, sp: &str, g: &str) -> Result<Response, OciError> {
        let (si, gi) = self.group_index(sp, g)?;
        let numbers = self
            .group(si, gi)
            .phone_numbers
            .iter()
            // The number indexes, not a scan: hunt groups live in `hgs`, not in the state.
            .filter(|n| !self.user_numbers.contains(*n) && !self.hg_numbers.contains_key(*n))
            .cloned()
            .collect();
        Ok(Response::AvailableDns(numbers))
    }

    /// The group's users with the columns of `UserGetListInGroupResponse` (AS data mode).
    fn users_in_group(&self, sp: &str, g: &str) -> Result<Response, OciError> {
        let (si, gi) = self.group_index(sp, g)?;
        let group = self.group(si, gi);
        let rows = group
            .users
            .iter()
            .map(|u| UserRow {
                phone_number_activated: activated(u.phone_number.as_deref()),
                in_trunk_group: "false".into(),
                country_code: group.country_code.clone(),
                national_prefix: national_prefix(&group.country_code).to_string(),
                ..user_row(u)
            })
            .collect();
        Ok(Response::UsersInGroup(rows))
    }

    fn get(&self, id: &str) -> Result<Response, OciError> {
        let ((si, gi, _), h) = self.hunt_group(id)?;
        let g = self.group(si, gi);
        let agents = h
            .agents
            .iter()
            .map(|a| {
                let u = self
                    .users
                    .get(&a.user_id)
                    .filter(|l| (l.0, l.1) == (si, gi))
                    .map(|l| &g.users[l.2]);
                let u = u.cloned().unwrap_or_else(|| UserState {
                    user_id: a.user_id.clone(),
                    ..Default::default()
                });
                let department = self.department_columns(si, gi, u.department.as_deref());
                AgentRow {
                    user_id: a.user_id.clone(),
                    last_name: u.last_name,
                    first_name: u.first_name,
                    hiragana_last_name: u.hiragana_last_name.unwrap_or_default(),
                    hiragana_first_name: u.hiragana_first_name.unwrap_or_default(),
                    weight: a.weight.unwrap_or(0),
                    is_phone_number_activated: activated(u.phone_number.as_deref()),
                    phone_number: u.phone_number.unwrap_or_default(),
                    extension: u.extension.unwrap_or_default(),
                    department: u.department.unwrap_or_default(),
                    email_address: u.email_address.unwrap_or_default(),
                    country_code: g.country_code.clone(),
                    national_prefix: national_prefix(&g.country_code).to_string(),
                    department_name: department.0,
                    department_type: department.1,
                    // Sandbox departments are flat: none has a parent.
                    parent_department: String::new(),
                    parent_department_type: String::new(),
                    group_id: g.id.clone(),
                    // The state keeps no group name: the name is the id, as in the group list.
                    group_name: g.id.clone(),
                }
            })
            .collect();
        let tz = h.service_instance_profile.time_zone.value();
        Ok(Response::Instance(Box::new(InstanceDetails {
            hunt_group: h.hunt_group.clone(),
            agents,
            country_code: h
                .service_instance_profile
                .phone_number
                .value()
                .map(|_| g.country_code.clone()),
            national_prefix: h
                .service_instance_profile
                .phone_number
                .value()
                .map(|_| national_prefix(&g.country_code).to_string()),
            time_zone_display_name: tz.map(|t| time_zone_display_name(t)),
        })))
    }

    /// Checks a directory number for a hunt group of group (si, gi); returns it national.
    fn check_number(
        &self,
        si: usize,
        gi: usize,
        n: &str,
        except: Option<&str>,
    ) -> Result<String, OciError> {
        let g = self.group(si, gi);
        let nat = national(n, &g.country_code);
        if !g.phone_numbers.contains(&nat) {
            return Err(err(
                codes::NUMBER_NOT_IN_GROUP,
                format!("Phone number not assigned to the group: {n}"),
            ));
        }
        if self.user_numbers.contains(&nat) || held_by_other(self.hg_numbers.get(&nat), except) {
            return Err(err(
                codes::NUMBER_IN_USE,
                format!("Phone number already in use: {n}"),
            ));
        }
        Ok(nat)
    }

    fn check_extension(
        &self,
        si: usize,
        gi: usize,
        ext: &str,
        except: Option<&str>,
    ) -> Result<(), OciError> {
        let key = (si, gi, ext.to_string());
        let used = self.user_exts.contains(&key) || held_by_other(self.hg_exts.get(&key), except);
        if used {
            return Err(err(
                codes::EXTENSION_IN_USE,
                format!("Extension already in use in the group: {ext}"),
            ));
        }
        Ok(())
    }

    fn check_aliases(&self, aliases: &[String], except: Option<&str>) -> Result<(), OciError> {
        for (i, a) in aliases.iter().enumerate() {
            if aliases[..i].contains(a) {
                return Err(err(codes::ALIAS_IN_USE, format!("Alias given twice: {a}")));
            }
            let used = self.users.contains_key(a)
                || (self.hunt_groups.contains_key(a) && Some(a.as_str()) != except)
                || held_by_other(self.hg_aliases.get(a), except);
            if used {
                return Err(err(
                    codes::ALIAS_IN_USE,
                    format!("Alias already in use: {a}"),
                ));
            }
        }
        Ok(())
    }

    fn check_agents(&self, si: usize, gi: usize, ids: &[String]) -> Result<(), OciError> {
        for (i, id) in ids.iter().enumerate() {
            // Only users of the hunt group's own group can be its agents.
            if self.users.get(id).is_none_or(|l| (l.0, l.1) != (si, gi)) {
                return Err(err(codes::USER_NOT_FOUND, format!("User not found: {id}")));
            }
            if ids[..i].contains(id) {
                return Err(err(
                    codes::DUPLICATE_AGENT,
                    format!("Agent listed twice: {id}"),
                ));
            }
        }
        Ok(())
    }

    /// Checks a department key sent for a hunt group of group (si, gi): it must name a
    /// department of that group (GroupDepartmentKey) or of its enterprise
    /// (EnterpriseDepartmentKey).
    fn check_department(
        &self,
        si: usize,
        gi: usize,
        d: &DepartmentKey,
    ) -> Result<Department, OciError> {
        let sp = &self.state.service_providers[si];
        let g = self.group(si, gi);
        let known = match &d.group_id {
            Some(group) => {
                d.service_provider_id == sp.id && *group == g.id && g.departments.contains(&d.name)
            }
            None => {
                d.service_provider_id == sp.id && self.enterprise_departments(si).contains(&d.name)
            }
        };
        if !known {
            let owner = match &d.group_id {
                Some(group) => format!("{}/{group}", d.service_provider_id),
                None => format!("enterprise {}", d.service_provider_id),
            };
            return Err(err(
                codes::DEPARTMENT_NOT_FOUND,
                format!("Department not found: {} in {owner}", d.name),
            ));
        }
        Ok(d.department())
    }

    /// The enterprise-level departments of service provider `si`.
    fn enterprise_departments(&self, si: usize) -> &[String] {
        &self.state.service_providers[si].departments
    }

    /// A user id a new user (a hunt group's, or one renamed) may take: with a domain, and no
    /// user's or hunt group's already.
    fn check_new_user_id(&self, id: &str) -> Result<(), OciError> {
        if !has_domain(id) {
            return Err(err(
                codes::USER_ID_NEEDS_DOMAIN,
                format!("The domain is required in the user id: {id}"),
            ));
        }
        if self.users.contains_key(id) || self.hunt_groups.contains_key(id) {
            return Err(err(
                codes::USER_ID_IN_USE,
                format!("User Id already exists: {id}"),
            ));
        }
        Ok(())
    }

    fn add(&mut self, a: &AddInstance) -> Result<(), OciError> {
        let hg = &a.hunt_group;
        let (si, gi) = self.group_index(&hg.service_provider_id, &hg.group_id)?;
        let id = &hg.service_user_id;
        self.check_new_user_id(id)?;
        let mut h = HuntGroupState {
            hunt_group: hg.clone(),
            password_set: hg.service_instance_profile.password.is_some(),
            services: Default::default(),
        };
        let p = &mut h.hunt_group.service_instance_profile;
        p.password = None;
        if let Field::Value(n) = &p.phone_number {
            p.phone_number = Field::Value(self.check_number(si, gi, n, None)?);
        }
        if let Field::Value(e) = &p.extension {
            self.check_extension(si, gi, e, None)?;
        }
        self.check_aliases(&p.alias, None)?;
        if p.alias.contains(id) {
            return Err(err(
                codes::ALIAS_IN_USE,
                format!("Alias already in use: {id}"),
            ));
        }
        if p.department.is_managed() {
            if let Some(k) = &a.department_key {
                self.check_department(si, gi, k)?;
            } else if let Field::Value(d) = &p.department {
                self.check_department(si, gi, &DepartmentKey::of(hg, d))?;
            }
        }
        let ids: Vec<String> = h.agents.iter().map(|a| a.user_id.clone()).collect();
        self.check_agents(si, gi, &ids)?;
        for a in &mut h.hunt_group.agents {
            a.weight = Some(0);
        }
        // Release 20's add has no isActive: a new hunt group is active.
        h.hunt_group.is_active = true;
        let key = self.next_key;
        self.next_key += 1;
        self.index_hunt_group(si, gi, &h);
        self.hgs[si][gi].insert(key, h);
        self.hunt_groups.insert(id.clone(), (si, gi, key));
        Ok(())
    }

    fn modify(&mut self, m: &ModifyInstance) -> Result<(), OciError> {
        let (loc, cur) = self.hunt_group(&m.service_user_id)?;
        let (si, gi, hi) = loc;
        let id = m.service_user_id.as_str();
        // Every check runs against the current state before anything changes: a failed
        // command leaves the hunt group exactly as it was.
        let mut h = cur.clone();
        for s in &m.settings {
            let f = s.field;
            match (&s.change, f.ty) {
                (Change::Keep, _) => {}
                (Change::Set(_), Ty::Password) => h.password_set = true,
                (_, Ty::Password) => {}
                (Change::Set(Value::Text(n)), _)
                    if f.path == "serviceInstanceProfile.phoneNumber" =>
                {
                    h.service_instance_profile.phone_number =
                        Field::Value(self.check_number(si, gi, n, Some(id))?);
                }
                (Change::Set(Value::Text(e)), _)
                    if f.path == "serviceInstanceProfile.extension" =>
                {
                    self.check_extension(si, gi, e, Some(id))?;
                    h.service_instance_profile.extension = Field::Value(e.clone());
                }
                (Change::Set(Value::Department(d)), _) => {
                    let key = m
                        .department_key
                        .clone()
                        .unwrap_or_else(|| DepartmentKey::of(&h, d));
                    let d = self.check_department(si, gi, &key)?;
                    h.service_instance_profile.department = Field::Value(d);
                }
                (Change::Set(Value::Aliases(list)), _) => {
                    self.check_aliases(list, Some(id))?;
                    if list.iter().any(|a| a == id) {
                        return Err(err(
                            codes::ALIAS_IN_USE,
                            format!("Alias already in use: {id}"),
                        ));
                    }
                    h.service_instance_profile.alias = list.clone();
                }
                (Change::Set(Value::Agents(list)), _) => {
                    let ids: Vec<String> = list.iter().map(|a| a.user_id.clone()).collect();
                    self.check_agents(si, gi, &ids)?;
                    // Agents that stay keep their weight; new agents start at 0.
                    let kept = ids
                        .iter()
                        .map(|u| crate::model::Agent {
                            user_id: u.clone(),
                            weight: Some(
                                h.agents
                                    .iter()
                                    .find(|a| &a.user_id == u)
                                    .and_then(|a| a.weight)
                                    .unwrap_or(0),
                            ),
                        })
                        .collect();
                    h.agents = kept;
                    // Users no longer agents no longer hunt through it.
                    h.services.keep_dnh_agents(&ids);
                }
                (Change::Set(v), _) => f
                    .set(&mut h.hunt_group, Field::Value(v.clone()))
                    .map_err(|e| err(codes::USER_NOT_FOUND, e.to_string()))?,
                // Cleared: lists become empty, optional values absent.
                (Change::Clear, _) => f
                    .set(&mut h.hunt_group, Field::Absent)
                    .map_err(|e| err(codes::USER_NOT_FOUND, e.to_string()))?,
            }
        }
        // Indexed before the old one is dropped: owner lists are multisets, so a number both
        // hold stays held.
        self.index_hunt_group(si, gi, &h);
        if let Some(old) = self.hgs[si][gi].insert(hi, h) {
            self.unindex_hunt_group(si, gi, &old);
        }
        Ok(())
    }

    fn modify_weights(&mut self, id: &str, weights: &[(String, u8)]) -> Result<(), OciError> {
        let ((si, gi, hi), h) = self.hunt_group(id)?;
        for (i, (agent, _)) in weights.iter().enumerate() {
            if !h.agents.iter().any(|a| &a.user_id == agent) {
                return Err(oci_error(
                    codes::USER_NOT_FOUND,
                    format!("User not found: {agent}"),
                    Some(format!("{agent} is not an agent of {id}")),
                ));
            }
            if weights[..i].iter().any(|(a, _)| a == agent) {
                return Err(err(
                    codes::DUPLICATE_AGENT,
                    format!("Agent listed twice: {agent}"),
                ));
            }
        }
        let Some(h) = self.hgs[si][gi].get_mut(&hi) else {
            return Err(err(codes::USER_NOT_FOUND, format!("User not found: {id}")));
        };
        // Release 14 and later: agents left out of the list get weight 0.
        for a in &mut h.hunt_group.agents {
            a.weight = Some(
                weights
                    .iter()
                    .find(|(u, _)| *u == a.user_id)
                    .map_or(0, |(_, w)| *w),
            );
        }
        Ok(())
    }

    /// `GroupHuntGroupModifyActiveInstanceListRequest`: every id must be a hunt group, else
    /// the command is refused as a whole (4008, like a modify of an unknown hunt group) and
    /// nothing changes. A hunt group listed twice takes its last value.
    fn modify_active_list(&mut self, activations: &[(String, bool)]) -> Result<(), OciError> {
        let mut locs = Vec::with_capacity(activations.len());
        for (id, active) in activations {
            let (loc, _) = self.hunt_group(id)?;
            locs.push((loc, *active));
        }
        for ((si, gi, key), active) in locs {
            if let Some(h) = self.hgs[si][gi].get_mut(&key) {
                h.hunt_group.is_active = active;
            }
        }
        Ok(())
    }

    /// `GroupDepartmentGetListRequest18`: the group's departments, then (when asked) its
    /// enterprise's. The sandbox's departments have no parents, so the full path is the name.
    /// "Department Name" and "Department Type" of a user of group (si, gi) in department
    /// `name`: the group's own department, else its enterprise's; empty without one.
    fn department_columns(&self, si: usize, gi: usize, name: Option<&str>) -> (String, String) {
        match name {
            None => (String::new(), String::new()),
            Some(n) if self.group(si, gi).departments.iter().any(|d| d == n) => {
                (n.to_string(), "Group".into())
            }
            Some(n) if self.enterprise_departments(si).iter().any(|d| d == n) => {
                (n.to_string(), "Enterprise".into())
            }
            Some(n) => (n.to_string(), String::new()),
        }
    }

    fn department_list(
        &self,
        sp: &str,
        g: &str,
        include_enterprise: bool,
    ) -> Result<Response, OciError> {
        let (si, gi) = self.group_index(sp, g)?;
        let row = |name: &String, is_enterprise: bool| DepartmentRow {
            is_enterprise,
            name: name.clone(),
            full_path_name: name.clone(),
            ..DepartmentRow::default()
        };
        let mut rows: Vec<DepartmentRow> = self
            .group(si, gi)
            .departments
            .iter()
            .map(|d| row(d, false))
            .collect();
        if include_enterprise {
            rows.extend(self.enterprise_departments(si).iter().map(|d| row(d, true)));
        }
        Ok(Response::DepartmentList(rows))
    }

    fn delete(&mut self, id: &str) -> Result<(), OciError> {
        let ((si, gi, key), _) = self.hunt_group(id)?;
        self.hunt_groups.remove(id);
        if let Some(old) = self.hgs[si][gi].remove(&key) {
            self.unindex_hunt_group(si, gi, &old);
        }
        Ok(())
    }
}

/// "Phone Number Activated": every sandbox number is active; only users with a number have
/// the cell.
fn activated(number: Option<&str>) -> String {
    number.map(|_| "true".to_string()).unwrap_or_default()
}

/// The national (trunk) prefix dialled before a national number of country code `cc`, as an
/// AS reports it beside the country code: "1" in the North American plan, "8" in Russia and
/// Kazakhstan, "0" in most other plans.
fn national_prefix(cc: &str) -> &'static str {
    match cc {
        "1" => "1",
        "7" => "8",
        _ => "0",
    }
}

/// The hunt group a write command changes.
/// The columns every user list shares (available users, users in group).
/// A hunt group's number (national), extension and department name as list rows show them:
/// empty when it has none.
pub(crate) fn listed_cells(p: &crate::model::ServiceInstanceProfile) -> (String, String, String) {
    (
        p.phone_number.value().cloned().unwrap_or_default(),
        p.extension.value().cloned().unwrap_or_default(),
        p.department
            .value()
            .map(|d| d.name.clone())
            .unwrap_or_default(),
    )
}

fn user_row(u: &UserState) -> UserRow {
    UserRow {
        user_id: u.user_id.clone(),
        last_name: u.last_name.clone(),
        first_name: u.first_name.clone(),
        hiragana_last_name: u.hiragana_last_name.clone().unwrap_or_default(),
        hiragana_first_name: u.hiragana_first_name.clone().unwrap_or_default(),
        phone_number: u.phone_number.clone().unwrap_or_default(),
        extension: u.extension.clone().unwrap_or_default(),
        department: u.department.clone().unwrap_or_default(),
        email_address: u.email_address.clone().unwrap_or_default(),
        ..UserRow::default()
    }
}

fn has_domain(id: &str) -> bool {
    matches!(id.split_once('@'), Some((u, d)) if !u.is_empty() && !d.is_empty() && !d.contains('@'))
}

/// Turns `+1-2025550100`, `+12025550100` or `2025550100` into the national `2025550100`
/// for a group whose country code is `cc`. Other text is returned trimmed.
pub fn national(n: &str, cc: &str) -> String {
    let e = crate::model::e164(n, None);
    match e.strip_prefix('+') {
        Some(d) if d.chars().all(|c| c.is_ascii_digit()) => d
            .strip_prefix(cc)
            .filter(|r| !r.is_empty())
            .unwrap_or(d)
            .to_string(),
        _ => e,
    }
}

fn time_zone_display_name(tz: &str) -> String {
    let off = match tz {
        "America/New_York" | "US/Eastern" => "(GMT-05:00) (US) Eastern Time",
        "America/Chicago" | "US/Central" => "(GMT-06:00) (US) Central Time",
        "America/Denver" | "US/Mountain" => "(GMT-07:00) (US) Mountain Time",
        "America/Los_Angeles" | "US/Pacific" => "(GMT-08:00) (US) Pacific Time",
        "Europe/London" => "(GMT+00:00) (Europe) London",
        "Europe/Paris" | "Europe/Berlin" => "(GMT+01:00) (Europe) Central European Time",
        "Asia/Tokyo" => "(GMT+09:00) (Asia) Tokyo",
        _ => return tz.to_string(),
    };
    off.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_forms() {
        assert_eq!(national("+1-2025550100", "1"), "2025550100");
        assert_eq!(national("+12025550100", "1"), "2025550100");
        assert_eq!(national("2025550100", "1"), "2025550100");
        assert_eq!(national("+442071234567", "1"), "442071234567");
    }

    #[test]
    fn group_list_is_in_id_order_with_a_fitting_user_limit() {
        let mut state = crate::seed::seed_state();
        let sp = &mut state.service_providers[0];
        sp.groups.reverse();
        let mut big = sp.groups[0].clone();
        big.id = "BigGroup".into();
        big.users = (0..150)
            .map(|i| UserState {
                user_id: format!("u{i}@big.example"),
                ..Default::default()
            })
            .collect();
        big.hunt_groups.clear();
        big.phone_numbers.clear();
        sp.groups.push(big);
        let sp_id = sp.id.clone();
        let mut store = Store::new(state).unwrap();
        let (r, wrote) = store.execute(&Request::GroupList {
            service_provider_id: sp_id,
        });
        assert!(wrote.is_none());
        let Response::GroupList(rows) = r else {
            panic!("{r:?}")
        };
        let ids: Vec<&str> = rows.iter().map(|r| r.group_id.as_str()).collect();
        assert_eq!(ids, ["BigGroup", "SalesGroup", "SupportGroup"]);
        assert_eq!(rows[0].user_limit, Some(150));
        assert_eq!(rows[1].user_limit, Some(DEFAULT_USER_LIMIT));
        assert_eq!(rows[1].group_name, "SalesGroup");
    }

    #[test]
    fn agent_rows_carry_the_as_columns_from_the_user_and_the_group() {
        let mut state = crate::seed::seed_state();
        let sales = &mut state.service_providers[0].groups[0];
        // jane: a number and the group's department; john: an enterprise department, no number.
        sales.users[1].phone_number = Some("2025550118".into());
        sales.users[1].department = Some("Sales".into());
        sales.users[0].department = Some("Corporate".into());
        let mut store = Store::new(state).unwrap();
        let (r, _) = store.execute(&Request::GetInstance {
            service_user_id: "sales-hunt@company.com".into(),
        });
        let Response::Instance(d) = r else {
            panic!("{r:?}")
        };
        let jane = &d.agents[0];
        assert_eq!(jane.user_id, "jane.smith@company.com");
        assert_eq!(
            (
                jane.is_phone_number_activated.as_str(),
                jane.country_code.as_str(),
                jane.national_prefix.as_str(),
                jane.department_name.as_str(),
                jane.department_type.as_str(),
                jane.group_id.as_str(),
                jane.group_name.as_str(),
            ),
            (
                "true",
                "1",
                "1",
                "Sales",
                "Group",
                "SalesGroup",
                "SalesGroup"
            )
        );
        let john = &d.agents[1];
        assert_eq!(john.is_phone_number_activated, "");
        assert_eq!(
            (john.department_name.as_str(), john.department_type.as_str()),
            ("Corporate", "Enterprise")
        );
        assert_eq!(d.national_prefix.as_deref(), Some("1"));
    }

    #[test]
    fn preflight_reads_answer_from_the_state() {
        let state = crate::seed::seed_state();
        let mut store = Store::new(state).unwrap();
        let (sp, g) = ("MyServiceProvider".to_string(), "SalesGroup".to_string());
        let (r, wrote) = store.execute(&Request::AvailableDns {
            service_provider_id: sp.clone(),
            group_id: g.clone(),
        });
        assert!(wrote.is_none());
        let Response::AvailableDns(numbers) = r else {
            panic!("{r:?}")
        };
        // 2025550100..119, minus sales-hunt's 2025550100.
        assert_eq!(numbers.len(), 19);
        assert!(!numbers.contains(&"2025550100".to_string()));
        assert!(numbers.contains(&"2025550119".to_string()));
        let (r, _) = store.execute(&Request::AvailableUsers {
            service_provider_id: sp.clone(),
            group_id: g.clone(),
        });
        let Response::AvailableUsers(users) = r else {
            panic!("{r:?}")
        };
        assert_eq!(users.len(), 5);
        assert_eq!(users[0].user_id, "john.doe@company.com");
        assert_eq!(users[0].extension, "1001");
        assert_eq!(users[0].country_code, "", "not a column of this response");
        let (r, _) = store.execute(&Request::UsersInGroup {
            service_provider_id: sp.clone(),
            group_id: g,
        });
        let Response::UsersInGroup(users) = r else {
            panic!("{r:?}")
        };
        assert_eq!(users.len(), 5);
        assert_eq!(users[1].country_code, "1");
        assert_eq!(users[1].in_trunk_group, "false");
        // A number taken by a new hunt group leaves the free list; an unknown group is an error.
        // (Through a fresh store: the store keeps hunt groups and their indexes itself.)
        let mut h = HuntGroupState::with_defaults("x@company.com", "X", "X", "X");
        h.service_instance_profile.phone_number = Field::Value("2025550119".into());
        let mut state = crate::seed::seed_state();
        state.service_providers[0].groups[0].hunt_groups.push(h);
        let mut store = Store::new(state).unwrap();
        let (r, _) = store.execute(&Request::AvailableDns {
            service_provider_id: sp.clone(),
            group_id: "SalesGroup".into(),
        });
        assert!(
            matches!(&r, Response::AvailableDns(n) if n.len() == 18),
            "{r:?}"
        );
        let (r, _) = store.execute(&Request::UsersInGroup {
            service_provider_id: sp,
            group_id: "Nope".into(),
        });
        assert!(matches!(
            r,
            Response::Error(OciError {
                code: Some(codes::GROUP_NOT_FOUND),
                ..
            })
        ));
    }
}
