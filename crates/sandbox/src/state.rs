//! The sandbox's state file: its JSON format, reading it with its journal, and writing it
//! atomically.
//!
//! Format (camelCase JSON, see `huntctl sandbox --help`):
//! ```json
//! { "formatVersion": 1,
//!   "serviceProviders": [ { "id": "MyServiceProvider", "groups": [ {
//!       "id": "SalesGroup", "countryCode": "1", "departments": ["Sales"],
//!       "phoneNumbers": ["2025550100", "+1-2025550101"],
//!       "users": [ { "userId": "john.doe@company.com", "lastName": "Doe", "firstName": "John",
//!                    "extension": "1001", "emailAddress": "john.doe@company.com" } ],
//!       "huntGroups": [ { "serviceUserId": "sales-hunt@company.com",
//!                         "serviceInstanceProfile": { "name": "Sales Hunt",
//!                           "callingLineIdLastName": "Sales", "callingLineIdFirstName": "Team" },
//!                         "policy": "Regular", "agentUserId": [ {"userId": "…", "weight": 0} ], … } ] } ] } ] }
//! ```
//! Phone numbers may be written in any accepted form; they are kept national. Hunt group
//! passwords are never stored (only whether one was set). A service provider may also hold
//! `"departments"`: its enterprise departments, usable by the hunt groups of all its groups.

use crate::journal::{self, Replay};
use crate::model::{table, Agent, HuntGroup};
use crate::services::{ScheduleState, UserServices};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// The whole sandbox state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SandboxState {
    /// Format version of this file (1).
    #[serde(default = "one")]
    pub format_version: u32,
    /// Service providers (enterprises).
    #[serde(default)]
    pub service_providers: Vec<ServiceProviderState>,
}

fn one() -> u32 {
    1
}

/// A service provider and its groups.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceProviderState {
    /// serviceProviderId
    pub id: String,
    /// Its groups.
    #[serde(default)]
    pub groups: Vec<GroupState>,
    /// Enterprise department names: usable by the hunt groups of every group of the provider.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<String>,
    /// Enterprise (Service Provider level) schedules, visible to every group of the provider.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<ScheduleState>,
}

/// A group: its numbers, users and hunt groups.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupState {
    /// groupId
    pub id: String,
    /// Country code of the group's numbers (e.g. "1").
    pub country_code: String,
    /// Department names of the group.
    #[serde(default)]
    pub departments: Vec<String>,
    /// Directory numbers assigned to the group (national).
    #[serde(default)]
    pub phone_numbers: Vec<String>,
    /// Users of the group (the only valid hunt group agents).
    #[serde(default)]
    pub users: Vec<UserState>,
    /// Hunt groups of the group.
    #[serde(default)]
    pub hunt_groups: Vec<HuntGroupState>,
    /// Group schedules (time and holiday), visible to the group's users and hunt groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<ScheduleState>,
    /// The user services the group is authorized for; left out: the sandbox's default set
    /// (`services::DEFAULT_AUTHORIZED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_user_services: Option<Vec<String>>,
}

/// A user (a possible agent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UserState {
    /// userId
    pub user_id: String,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Hiragana last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hiragana_last_name: Option<String>,
    /// Hiragana first name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hiragana_first_name: Option<String>,
    /// Directory number (national).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// Department name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
}

/// A hunt group as stored: the model's hunt group (its fields are the field table's, in the
/// same JSON shape as plans) and whether a password was set. The password itself is never
/// stored. Its service provider and group are where it is stored, so they are not written;
/// missing booleans and numbers take the documented defaults, and the flat shape of older
/// state files (profile fields at the top, `agents` for `agentUserId`) still loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HuntGroupState {
    /// The hunt group. Agents always carry a weight here (0 unless set by the weighted request).
    pub hunt_group: HuntGroup,
    /// Whether a password was set.
    pub password_set: bool,
    /// Its virtual user's services and their settings (`userServices` in the file).
    pub services: UserServices,
}

impl std::ops::Deref for HuntGroupState {
    type Target = HuntGroup;
    fn deref(&self) -> &HuntGroup {
        &self.hunt_group
    }
}

impl std::ops::DerefMut for HuntGroupState {
    fn deref_mut(&mut self) -> &mut HuntGroup {
        &mut self.hunt_group
    }
}

impl HuntGroupState {
    /// A hunt group with the documented defaults and the given names.
    pub fn with_defaults(id: &str, name: &str, last: &str, first: &str) -> Self {
        let mut h = HuntGroup::with_defaults("", "", id);
        let p = &mut h.service_instance_profile;
        p.name = name.into();
        p.calling_line_id_last_name = last.into();
        p.calling_line_id_first_name = first.into();
        HuntGroupState {
            hunt_group: h,
            password_set: false,
            services: UserServices::default(),
        }
    }

    /// An agent as stored (weight 0 until the weighted request sets one).
    pub fn agent(user_id: &str) -> Agent {
        Agent {
            user_id: user_id.into(),
            weight: Some(0),
        }
    }
}

impl Serialize for HuntGroupState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let password_set: &[(&str, bool)] = if self.password_set {
            &[("passwordSet", true)]
        } else {
            &[]
        };
        // The model's map with the services beside it (flattened into one object).
        struct Model<'a>(&'a HuntGroup, &'a [(&'a str, bool)]);
        impl Serialize for Model<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                table::serialize_with(self.0, false, self.1, s)
            }
        }
        #[derive(Serialize)]
        struct Out<'a> {
            #[serde(flatten)]
            model: Model<'a>,
            #[serde(
                rename = "userServices",
                skip_serializing_if = "UserServices::is_empty"
            )]
            services: &'a UserServices,
        }
        Out {
            model: Model(&self.hunt_group, password_set),
            services: &self.services,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for HuntGroupState {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut v = serde_json::Value::deserialize(d)?;
        let m = v
            .as_object_mut()
            .ok_or_else(|| serde::de::Error::custom("a hunt group must be an object"))?;
        let password_set = m
            .remove("passwordSet")
            .and_then(|p| p.as_bool())
            .unwrap_or(false);
        let services = match m.remove("userServices") {
            Some(v) => serde_json::from_value(v).map_err(serde::de::Error::custom)?,
            None => UserServices::default(),
        };
        for k in ["serviceProviderId", "groupId"] {
            m.entry(k)
                .or_insert_with(|| serde_json::Value::String(String::new()));
        }
        if let Some(a) = m.remove("agents") {
            m.entry("agentUserId").or_insert(a);
        }
        let mut hunt_group = table::from_json(&v).map_err(serde::de::Error::custom)?;
        for a in &mut hunt_group.agents {
            a.weight.get_or_insert(0);
        }
        Ok(HuntGroupState {
            hunt_group,
            password_set,
            services,
        })
    }
}

/// The state file as read: the state plus the journal position it holds.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotIn {
    #[serde(default = "one")]
    format_version: u32,
    /// Absent in files written before the journal existed: they hold no journaled write.
    #[serde(default)]
    journal_seq: u64,
    #[serde(default)]
    service_providers: Vec<ServiceProviderState>,
}

/// The state file as written.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotOut<'a> {
    format_version: u32,
    journal_seq: u64,
    service_providers: &'a [ServiceProviderState],
}

/// Serialises a state as the state file (snapshot) holding every write up to `journal_seq`.
pub fn snapshot_bytes(state: &SandboxState, journal_seq: u64, capacity: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(capacity);
    let out = SnapshotOut {
        format_version: state.format_version,
        journal_seq,
        service_providers: &state.service_providers,
    };
    // Serialising plain data into memory cannot fail.
    let _ = serde_json::to_writer_pretty(&mut bytes, &out);
    bytes.push(b'\n');
    bytes
}

/// A state read from its file and journal.
#[derive(Debug)]
pub struct Loaded {
    /// The state with every complete journal record applied.
    pub state: SandboxState,
    /// The last write it holds (0 for a state never written by a journaling sandbox).
    pub seq: u64,
    /// Journal records applied on top of the snapshot.
    pub replayed: usize,
    /// Whether the journal ended in a torn (incomplete) record, which was left out.
    pub torn_tail: bool,
}

/// Reads a state file and applies its journal (see [`load_full`]).
pub fn load(path: &Path) -> Result<SandboxState, String> {
    load_full(path).map(|l| l.state)
}

fn read_snapshot(path: &Path) -> Result<(SandboxState, u64), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let s: SnapshotIn = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{} is not a sandbox state: {e}", path.display()))?;
    Ok((
        SandboxState {
            format_version: s.format_version,
            service_providers: s.service_providers,
        },
        s.journal_seq,
    ))
}

/// Reads a state file and applies the complete records of its journal (`FILE.journal`) that
/// follow the snapshot. A last record without its newline or that does not parse is a write
/// cut short by a crash (never acknowledged): it is left out. A bad record before the last,
/// or a gap in the write numbers, is corruption and an error.
///
/// Safe while a sandbox runs: when compaction replaces both files between the two reads
/// (seen as a gap), it reads again.
pub fn load_full(path: &Path) -> Result<Loaded, String> {
    let jpath = journal::path(path);
    let mut attempt = 0;
    loop {
        let (state, snap_seq) = read_snapshot(path)?;
        let records = journal::read(&jpath)?;
        match journal::replay(state, snap_seq, &records, &jpath) {
            Err(Replay::Gap(_)) if attempt < 5 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(Replay::Gap(msg)) | Err(Replay::Bad(msg)) => return Err(msg),
            Ok(l) => return Ok(l),
        }
    }
}

/// Writes `bytes` to `path` atomically: a temp file in the same directory, fsync, rename,
/// then fsync of the directory, so a crash leaves either the old or the new file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sandbox.json".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    // The rename is durable only once the directory entry is: best effort where supported.
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Department, Field, Policy};

    #[test]
    fn a_flat_hunt_group_of_an_older_state_file_loads_as_the_model() {
        let h: HuntGroupState = serde_json::from_str(
            r#"{"serviceUserId": "a@x", "name": "A", "callingLineIdLastName": "L",
                "callingLineIdFirstName": "F", "phoneNumber": "2025550100", "passwordSet": true,
                "department": {"serviceProviderId": "SP", "groupId": "G", "name": "Sales"},
                "policy": "Circular", "agents": [{"userId": "u@x", "weight": 30}, {"userId": "v@x"}]}"#,
        )
        .unwrap();
        assert!(h.password_set);
        let p = &h.service_instance_profile;
        assert_eq!(
            (p.name.as_str(), p.calling_line_id_first_name.as_str()),
            ("A", "F")
        );
        assert_eq!(p.phone_number, Field::Value("2025550100".into()));
        assert_eq!(p.department, Field::Value(Department::group("Sales")));
        assert_eq!(h.policy, Policy::Circular);
        let weights: Vec<Option<u8>> = h.agents.iter().map(|a| a.weight).collect();
        assert_eq!(weights, [Some(30), Some(0)]);
        assert!(h.is_active, "a hunt group of an older file is active");
        // Written back in the model's shape, and read back the same.
        let text = serde_json::to_string(&h).unwrap();
        assert!(text.contains("\"serviceInstanceProfile\"") && text.contains("\"agentUserId\""));
        assert!(!text.contains("serviceProviderId\":\"\""), "{text}");
        let again: HuntGroupState = serde_json::from_str(&text).unwrap();
        assert_eq!(again, h);
    }
}
