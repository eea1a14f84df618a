//! The one fake OCI-P server ([`huntctl::ocip::Execute`]) of the plan and apply tests: a
//! HashMap-backed BroadWorks that lists, reads and really applies adds, modifies, weights,
//! deletes and activations, records every call, and misbehaves on request ([`Fault`],
//! [`FakeServer::fail_reads`], [`FakeServer::garble`]).

use huntctl::model::table::Value;
use huntctl::model::HuntGroup;
use huntctl::model::{Agent, Field};
use huntctl::ocip::messages::{
    self as oc, AgentRow, InstanceDetails, InstanceListEntry, OciError, Request, Response,
};
use huntctl::ocip::{CommandFailure, Execute};
use huntctl::plan::to_create_requests;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::sync::Mutex;

/// The service provider every group of the fake is in.
pub const SP: &str = "MyServiceProvider";

/// The `serviceUserId` a fault set with it applies to: any.
pub const ANY: &str = "*";

/// What the fake does with one command, chosen per (request type, serviceUserId).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer an ErrorResponse without executing.
    Refuse,
    /// Execute, then lose the connection (`CommandFailure::Unknown`).
    LostAfter,
    /// Lose the connection without executing.
    LostBefore,
    /// Never send it (`CommandFailure::NotSent`).
    NotSent,
    /// Execute only the profile part of a modify, then lose the connection.
    PartlyLost,
}

#[derive(Default)]
struct State {
    /// Listed hunt groups per (sp, group), in creation order.
    groups: BTreeMap<(String, String), Vec<String>>,
    details: HashMap<String, InstanceDetails>,
    /// Hunt groups whose "Is Active" is false.
    inactive: HashSet<String>,
}

/// A HashMap-backed BroadWorks.
pub struct FakeServer {
    state: Mutex<State>,
    /// User ids that may be agents.
    users: HashSet<String>,
    faults: Mutex<HashMap<(&'static str, String), Fault>>,
    /// Every read answers `Unknown` (the re-read after a lost connection fails too).
    fail_reads: Mutex<bool>,
    /// Every call answers garbage ([`FakeServer::garble`]).
    garbled: Mutex<bool>,
    calls: Mutex<Vec<Vec<Request>>>,
}

fn oci_error(code: u32, text: &str, detail: Option<&str>) -> Response {
    let summary = format!("[Error {code}] {text}");
    Response::Error(OciError {
        code: Some(code),
        summary: summary.clone(),
        summary_english: summary,
        detail: detail.map(str::to_string),
    })
}

/// The hunt group (or, for a listing, the group) a request is about.
fn target_id(r: &Request) -> String {
    match r {
        Request::AddInstance(a) => a.hunt_group.service_user_id.clone(),
        Request::ModifyInstance(m) => m.service_user_id.clone(),
        Request::ModifyWeights {
            service_user_id, ..
        }
        | Request::DeleteInstance { service_user_id }
        | Request::GetInstance { service_user_id } => service_user_id.clone(),
        Request::GetInstanceList { group_id, .. } => group_id.clone(),
        _ => String::new(),
    }
}

/// The fake keeps agent rows (with weights) and the hunt group's agents; this keeps them equal.
fn sync_agents(d: &mut InstanceDetails) {
    d.hunt_group.agents = d
        .agents
        .iter()
        .map(|r| Agent {
            user_id: r.user_id.clone(),
            weight: Some(r.weight),
        })
        .collect();
}

impl FakeServer {
    /// A server with these (empty) groups of [`SP`], whose users are `agent1…12@company.com`.
    pub fn new(groups: &[&str]) -> FakeServer {
        let mut state = State::default();
        for g in groups {
            state
                .groups
                .insert((SP.to_string(), g.to_string()), Vec::new());
        }
        FakeServer {
            state: Mutex::new(state),
            users: (1..=12).map(|i| format!("agent{i}@company.com")).collect(),
            faults: Mutex::new(HashMap::new()),
            fail_reads: Mutex::new(false),
            garbled: Mutex::new(false),
            calls: Mutex::new(Vec::new()),
        }
    }

    /// Puts a hunt group on the server as `details` show it (the group is created if needed),
    /// without recording a call.
    pub fn add(&self, group: &str, id: &str, details: InstanceDetails) {
        let mut st = self.state.lock().unwrap();
        st.groups
            .entry((SP.to_string(), group.to_string()))
            .or_default()
            .push(id.to_string());
        st.details.insert(id.to_string(), details);
    }

    /// Puts a hunt group on the server by carrying out its create requests, without recording
    /// a call.
    pub fn seed(&self, hg: &HuntGroup) {
        for r in to_create_requests(hg) {
            assert_eq!(
                self.run(&r),
                Response::Success,
                "seeding {}",
                hg.service_user_id
            );
        }
    }

    /// Changes a hunt group on the server behind the client's back.
    pub fn edit(&self, id: &str, f: impl FnOnce(&mut InstanceDetails)) {
        let mut st = self.state.lock().unwrap();
        f(st.details
            .get_mut(id)
            .expect("the hunt group is on the fake"));
    }

    /// Makes `command` (a request type name) for `id` ([`ANY`]: every id) misbehave.
    pub fn fault(&self, command: &'static str, id: &str, f: Fault) {
        self.faults
            .lock()
            .unwrap()
            .insert((command, id.to_string()), f);
    }

    /// Every command behaves again.
    pub fn clear_faults(&self) {
        self.faults.lock().unwrap().clear();
    }

    /// Every read (listing or details) not faulted otherwise answers `Unknown`.
    pub fn fail_reads(&self) {
        *self.fail_reads.lock().unwrap() = true;
    }

    /// Every call answers garbage: a write batch one result for all its commands (the
    /// missing ones are ambiguous), a read batch `BadReply` for each command.
    pub fn garble(&self) {
        *self.garbled.lock().unwrap() = true;
    }

    /// Every call (one per `execute`), in order.
    pub fn calls(&self) -> Vec<Vec<Request>> {
        self.calls.lock().unwrap().clone()
    }

    pub fn clear_calls(&self) {
        self.calls.lock().unwrap().clear();
    }

    /// (request type, serviceUserId) of every write sent.
    pub fn writes(&self) -> Vec<(String, String)> {
        self.calls()
            .into_iter()
            .flatten()
            .filter(Request::is_write)
            .map(|r| (r.type_name().to_string(), target_id(&r)))
            .collect()
    }

    /// How many `type_name` commands for `id` were sent.
    pub fn count(&self, type_name: &str, id: &str) -> usize {
        self.calls()
            .into_iter()
            .flatten()
            .filter(|r| r.type_name() == type_name && target_id(r) == id)
            .count()
    }

    /// A hunt group as the server holds it.
    pub fn get(&self, id: &str) -> Option<InstanceDetails> {
        self.state.lock().unwrap().details.get(id).cloned()
    }

    /// True if the hunt group's "Is Active" is false.
    pub fn is_inactive(&self, id: &str) -> bool {
        self.state.lock().unwrap().inactive.contains(id)
    }

    fn check_agents(&self, ids: &[String]) -> Option<Response> {
        ids.iter().find(|a| !self.users.contains(*a)).map(|a| {
            oci_error(
                4008,
                "User not found",
                Some(&format!("agentUserId {a} is not a user")),
            )
        })
    }

    fn answer(&self, r: &Request) -> Result<Response, CommandFailure> {
        // An active-list request is faulted when any of its hunt groups is.
        let ids = match r {
            Request::ModifyActiveList { activations } => {
                activations.iter().map(|(id, _)| id.clone()).collect()
            }
            _ => vec![target_id(r)],
        };
        let fault = {
            let faults = self.faults.lock().unwrap();
            ids.iter()
                .find_map(|id| faults.get(&(r.type_name(), id.clone())).copied())
                .or_else(|| faults.get(&(r.type_name(), ANY.to_string())).copied())
        };
        match fault {
            Some(Fault::Refuse) => Ok(oci_error(4999, "Refused by test", Some("switch"))),
            Some(Fault::LostBefore) => Err(CommandFailure::Unknown("connection reset".into())),
            Some(Fault::NotSent) => Err(CommandFailure::NotSent("no session".into())),
            Some(Fault::PartlyLost) => {
                if let Request::ModifyInstance(m) = r {
                    let part = oc::ModifyInstance {
                        settings: m
                            .settings
                            .iter()
                            .filter(|s| s.field.in_profile())
                            .cloned()
                            .collect(),
                        ..(**m).clone()
                    };
                    let _ = self.run(&Request::ModifyInstance(Box::new(part)));
                }
                Err(CommandFailure::Unknown("connection reset".into()))
            }
            Some(Fault::LostAfter) => {
                let _ = self.run(r);
                Err(CommandFailure::Unknown("connection reset".into()))
            }
            None if !r.is_write() && *self.fail_reads.lock().unwrap() => {
                Err(CommandFailure::Unknown("read timed out".into()))
            }
            None => Ok(self.run(r)),
        }
    }

    fn run(&self, r: &Request) -> Response {
        let mut st = self.state.lock().unwrap();
        match r {
            Request::GetInstanceList {
                service_provider_id,
                group_id,
            } => match st
                .groups
                .get(&(service_provider_id.clone(), group_id.clone()))
            {
                Some(ids) => Response::InstanceList(
                    ids.iter()
                        .map(|id| InstanceListEntry {
                            service_user_id: id.clone(),
                            name: st.details[id]
                                .hunt_group
                                .service_instance_profile
                                .name
                                .clone(),
                            is_active: !st.inactive.contains(id),
                            ..Default::default()
                        })
                        .collect(),
                ),
                None => oci_error(4008, "Group not found", None),
            },
            Request::GetInstance { service_user_id } => match st.details.get(service_user_id) {
                Some(d) => Response::Instance(Box::new(d.clone())),
                None => oci_error(4008, "User not found", None),
            },
            Request::AddInstance(a) => {
                let h = &a.hunt_group;
                if st.details.contains_key(&h.service_user_id) {
                    return oci_error(
                        4500,
                        "Duplicate user id",
                        Some(&format!("{} already exists", h.service_user_id)),
                    );
                }
                let ids: Vec<String> = h.agents.iter().map(|a| a.user_id.clone()).collect();
                if let Some(e) = self.check_agents(&ids) {
                    return e;
                }
                let key = (h.service_provider_id.clone(), h.group_id.clone());
                if !st.groups.contains_key(&key) {
                    return oci_error(4008, "Group not found", None);
                }
                let mut stored = h.clone();
                stored.service_instance_profile.password = None;
                for a in &mut stored.agents {
                    a.weight = Some(0);
                }
                let d = InstanceDetails {
                    hunt_group: stored,
                    agents: ids
                        .iter()
                        .map(|u| AgentRow {
                            user_id: u.clone(),
                            ..Default::default()
                        })
                        .collect(),
                    country_code: Some("1".into()),
                    national_prefix: None,
                    time_zone_display_name: None,
                };
                st.details.insert(h.service_user_id.clone(), d);
                st.groups
                    .entry(key)
                    .or_default()
                    .push(h.service_user_id.clone());
                Response::Success
            }
            Request::ModifyInstance(m) => {
                for s in &m.settings {
                    if let oc::Change::Set(Value::Agents(list)) = &s.change {
                        let ids: Vec<String> = list.iter().map(|a| a.user_id.clone()).collect();
                        if let Some(e) = self.check_agents(&ids) {
                            return e;
                        }
                    }
                }
                let Some(d) = st.details.get_mut(&m.service_user_id) else {
                    return oci_error(4008, "User not found", None);
                };
                for s in &m.settings {
                    match &s.change {
                        oc::Change::Keep => {}
                        oc::Change::Clear => s.field.set(&mut d.hunt_group, Field::Absent).unwrap(),
                        oc::Change::Set(Value::Agents(list)) => {
                            // Agents that stay keep their weight; new ones start at 0.
                            let old: HashMap<String, u8> = d
                                .agents
                                .iter()
                                .map(|a| (a.user_id.clone(), a.weight))
                                .collect();
                            d.agents = list
                                .iter()
                                .map(|u| AgentRow {
                                    user_id: u.user_id.clone(),
                                    weight: old.get(&u.user_id).copied().unwrap_or(0),
                                    ..Default::default()
                                })
                                .collect();
                        }
                        oc::Change::Set(v) => s
                            .field
                            .set(&mut d.hunt_group, Field::Value(v.clone()))
                            .unwrap(),
                    }
                }
                sync_agents(d);
                Response::Success
            }
            Request::ModifyWeights {
                service_user_id,
                weights,
            } => {
                let Some(d) = st.details.get_mut(service_user_id) else {
                    return oci_error(4008, "User not found", None);
                };
                let w: HashMap<&str, u8> = weights.iter().map(|(u, w)| (u.as_str(), *w)).collect();
                for a in &mut d.agents {
                    a.weight = w.get(a.user_id.as_str()).copied().unwrap_or(0);
                }
                sync_agents(d);
                Response::Success
            }
            Request::DeleteInstance { service_user_id } => {
                if st.details.remove(service_user_id).is_none() {
                    return oci_error(4008, "User not found", None);
                }
                for ids in st.groups.values_mut() {
                    ids.retain(|i| i != service_user_id);
                }
                st.inactive.remove(service_user_id);
                Response::Success
            }
            Request::ModifyActiveList { activations } => {
                // All or nothing, like BroadWorks: one unknown hunt group refuses the command.
                if let Some((id, _)) = activations
                    .iter()
                    .find(|(id, _)| !st.details.contains_key(id))
                {
                    return oci_error(4008, "User not found", Some(id));
                }
                for (id, active) in activations {
                    if *active {
                        st.inactive.remove(id);
                    } else {
                        st.inactive.insert(id.clone());
                    }
                }
                Response::Success
            }
            other => oci_error(4000, &format!("unsupported {}", other.type_name()), None),
        }
    }

    fn garbage(requests: &[Request]) -> Vec<Result<Response, CommandFailure>> {
        if requests.iter().any(Request::is_write) {
            // Fewer results than commands: the missing ones are ambiguous.
            vec![Ok(Response::InstanceList(Vec::new()))]
        } else {
            requests
                .iter()
                .map(|_| Err(CommandFailure::BadReply("garbled".into())))
                .collect()
        }
    }
}

impl Execute for FakeServer {
    fn execute(
        &self,
        requests: Vec<Request>,
    ) -> impl Future<Output = Vec<Result<Response, CommandFailure>>> + Send {
        let results = if *self.garbled.lock().unwrap() {
            FakeServer::garbage(&requests)
        } else {
            requests.iter().map(|r| self.answer(r)).collect()
        };
        self.calls.lock().unwrap().push(requests);
        std::future::ready(results)
    }
}
