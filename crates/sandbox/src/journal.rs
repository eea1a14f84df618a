//! The journal (`FILE.journal` next to the state file, JSON lines): every acknowledged write
//! since the state file was written, one [`JournalRecord`] a line, so a write costs O(its hunt
//! group) on disk however large the state, and a crash loses nothing that was answered.
//!
//! This file holds the record format, the file operations (append with fsync, rewrite,
//! remove) and the replay of records onto a state; when they happen is the business of
//! `persist`, and reading a state file with its journal that of [`crate::state::load_full`].

use crate::state::{write_atomic, HuntGroupState, Loaded, SandboxState};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The journal of the state file at `state_path`: its name with `.journal` appended.
pub fn path(state_path: &Path) -> PathBuf {
    let mut p = state_path.as_os_str().to_owned();
    p.push(".journal");
    PathBuf::from(p)
}

/// One line of the journal: a write the sandbox acknowledged, as its effect on one hunt group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalRecord {
    /// Write number, 1 after the first write ever; the snapshot's `journalSeq` is the last
    /// one it already holds.
    pub seq: u64,
    /// The hunt group as it is after an add, modify or weights change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub put: Option<JournalPut>,
    /// The serviceUserId of a deleted hunt group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete: Option<String>,
    /// Several hunt groups written in full by one command (the active-list request), applied
    /// after `put`: one record, so the command is all or nothing in the journal too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub puts: Vec<JournalPut>,
}

/// A hunt group written in full, with where it lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalPut {
    /// serviceProviderId of its group.
    pub service_provider_id: String,
    /// groupId of its group.
    pub group_id: String,
    /// The whole hunt group, in the state file's format.
    pub hunt_group: HuntGroupState,
}

// ---------------------------------------------------------------------------------------------
// Replay

/// Why a journal could not be replayed.
pub(crate) enum Replay {
    /// A write number is missing: either corruption, or a compaction replaced the state file
    /// and the journal between the two reads (reading again tells).
    Gap(String),
    /// A damaged record before the last, or a record for a group the state does not hold.
    Bad(String),
}

/// Applies the complete records of `journal` that follow `snap_seq` to the state read from
/// the state file. A last record without its newline or that does not parse is a write cut
/// short by a crash (never acknowledged): it is left out and reported as a torn tail.
pub(crate) fn replay(
    mut state: SandboxState,
    snap_seq: u64,
    journal: &[u8],
    jpath: &Path,
) -> Result<Loaded, Replay> {
    let mut seq = snap_seq;
    let mut replayed = 0;
    let mut torn_tail = false;
    // Taken apart only once a record applies: a journal the snapshot already holds costs
    // nothing.
    let mut slots: Option<Slots> = None;
    let mut lines = journal
        .split_inclusive(|b| *b == b'\n')
        .enumerate()
        .peekable();
    while let Some((n, line)) = lines.next() {
        let last = lines.peek().is_none();
        let rec = if line.ends_with(b"\n") {
            serde_json::from_slice::<JournalRecord>(line).ok()
        } else {
            None
        };
        let Some(rec) = rec else {
            if last {
                torn_tail = true;
                break;
            }
            return Err(Replay::Bad(format!(
                "{}: line {} is not a journal record (and is not the last line, so it is not a torn write): the file is damaged",
                jpath.display(),
                n + 1
            )));
        };
        if rec.seq <= seq {
            continue;
        }
        if rec.seq != seq + 1 {
            return Err(Replay::Gap(format!(
                "{}: line {} holds write {} but the state holds writes up to {seq}: records are missing",
                jpath.display(),
                n + 1,
                rec.seq
            )));
        }
        seq = rec.seq;
        slots
            .get_or_insert_with(|| Slots::take(&mut state))
            .apply(rec)
            .map_err(|e| Replay::Bad(format!("{}: line {}: {e}", jpath.display(), n + 1)))?;
        replayed += 1;
    }
    if let Some(s) = slots {
        s.put_back(&mut state);
    }
    Ok(Loaded {
        state,
        seq,
        replayed,
        torn_tail,
    })
}

/// The state's hunt groups taken apart for replay, so each record costs O(1): a slot per hunt
/// group, indexed by serviceUserId. A delete leaves a tombstone until [`Slots::put_back`], so
/// the indexes stay valid.
struct Slots {
    /// Hunt groups by provider, then group, then slot.
    slots: Vec<Vec<Vec<Option<HuntGroupState>>>>,
    /// serviceUserId -> (provider, group, slot).
    index: HashMap<String, (usize, usize, usize)>,
    /// (serviceProviderId, groupId) -> (provider, group).
    groups: HashMap<(String, String), (usize, usize)>,
}

impl Slots {
    /// Moves the hunt groups out of `state` into slots.
    fn take(state: &mut SandboxState) -> Slots {
        let mut s = Slots {
            slots: Vec::new(),
            index: HashMap::new(),
            groups: HashMap::new(),
        };
        for (si, sp) in state.service_providers.iter_mut().enumerate() {
            let mut gs = Vec::new();
            for (gi, g) in sp.groups.iter_mut().enumerate() {
                s.groups.insert((sp.id.clone(), g.id.clone()), (si, gi));
                let hs: Vec<Option<HuntGroupState>> = std::mem::take(&mut g.hunt_groups)
                    .into_iter()
                    .map(Some)
                    .collect();
                for (hi, h) in hs.iter().enumerate() {
                    if let Some(h) = h {
                        s.index.insert(h.service_user_id.clone(), (si, gi, hi));
                    }
                }
                gs.push(hs);
            }
            s.slots.push(gs);
        }
        s
    }

    /// Applies one record: each put replaces its hunt group in place or adds it at the end of
    /// its group, then the delete leaves a tombstone.
    fn apply(&mut self, rec: JournalRecord) -> Result<(), String> {
        for p in rec.put.into_iter().chain(rec.puts) {
            let id = p.hunt_group.service_user_id.clone();
            match self.index.get(&id) {
                Some(&(si, gi, hi)) => self.slots[si][gi][hi] = Some(p.hunt_group),
                None => {
                    let key = (p.service_provider_id, p.group_id);
                    let Some(&(si, gi)) = self.groups.get(&key) else {
                        return Err(format!("group {}/{} is not in the state", key.0, key.1));
                    };
                    self.slots[si][gi].push(Some(p.hunt_group));
                    self.index
                        .insert(id, (si, gi, self.slots[si][gi].len() - 1));
                }
            }
        }
        if let Some(id) = rec.delete {
            if let Some((si, gi, hi)) = self.index.remove(&id) {
                self.slots[si][gi][hi] = None;
            }
        }
        Ok(())
    }

    /// Moves the hunt groups back into `state`, in slot order, without the tombstones.
    fn put_back(self, state: &mut SandboxState) {
        for (sp, gs) in state.service_providers.iter_mut().zip(self.slots) {
            for (g, hs) in sp.groups.iter_mut().zip(gs) {
                g.hunt_groups = hs.into_iter().flatten().collect();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The file

/// The journal's bytes; a missing journal is an empty one.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, String> {
    match std::fs::read(path) {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Appends `bytes` to the journal and fsyncs it (data only: the length is part of that).
/// On failure the journal is cut back to `old_len`, so no half record stays before later
/// ones; the bytes come back for a retry.
#[allow(clippy::type_complexity)]
pub(crate) fn append(
    file: Option<std::fs::File>,
    path: &Path,
    old_len: u64,
    bytes: Vec<u8>,
) -> Result<(std::fs::File, Vec<u8>), (Option<std::fs::File>, Vec<u8>, String)> {
    use std::io::Write;
    let mut f = match file {
        Some(f) => f,
        None => match open(path) {
            Ok(f) => f,
            Err(e) => return Err((None, bytes, e.to_string())),
        },
    };
    match f.write_all(&bytes).and_then(|_| f.sync_data()) {
        Ok(()) => Ok((f, bytes)),
        Err(e) => {
            let _ = f.set_len(old_len);
            Err((Some(f), bytes, e.to_string()))
        }
    }
}

/// Opens (creating) the journal for appending; a new file's directory entry is made durable.
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    let existed = path.exists();
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    if !existed {
        sync_dir(path);
    }
    Ok(f)
}

/// Replaces the journal atomically by one holding `tail`, and opens it for appending.
pub(crate) fn rewrite(path: &Path, tail: &[u8]) -> std::io::Result<std::fs::File> {
    write_atomic(path, tail)?;
    std::fs::OpenOptions::new().append(true).open(path)
}

/// Removes the journal (once the state file holds all of it); a missing one is fine.
pub(crate) fn remove(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {
            sync_dir(path);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Makes a directory entry change durable (best effort where supported).
fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{load_full, snapshot_bytes, GroupState, ServiceProviderState};

    fn rec(seq: u64, put: Option<&str>, delete: Option<&str>) -> String {
        let r = JournalRecord {
            seq,
            put: put.map(|id| JournalPut {
                service_provider_id: "SP".into(),
                group_id: "G".into(),
                hunt_group: HuntGroupState::with_defaults(id, &format!("N {id}"), "L", "F"),
            }),
            delete: delete.map(String::from),
            puts: Vec::new(),
        };
        serde_json::to_string(&r).unwrap() + "\n"
    }

    /// A state file written before the journal existed (no journalSeq) and a journal.
    fn files(journal: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(
            &path,
            r#"{"formatVersion": 1, "serviceProviders": [{"id": "SP", "groups": [{"id": "G",
               "countryCode": "1", "huntGroups": [
                 {"serviceUserId": "a@x", "name": "A", "callingLineIdLastName": "L",
                  "callingLineIdFirstName": "F"},
                 {"serviceUserId": "b@x", "name": "B", "callingLineIdLastName": "L",
                  "callingLineIdFirstName": "F"}]}]}]}"#,
        )
        .unwrap();
        std::fs::write(super::path(&path), journal).unwrap();
        (dir, path)
    }

    fn ids(l: &Loaded) -> Vec<(String, String)> {
        l.state.service_providers[0].groups[0]
            .hunt_groups
            .iter()
            .map(|h| {
                (
                    h.service_user_id.clone(),
                    h.service_instance_profile.name.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn journal_applies_puts_in_place_and_deletes_in_order() {
        let j = rec(1, Some("c@x"), None) + &rec(2, Some("a@x"), None) + &rec(3, None, Some("b@x"));
        let (_d, p) = files(&j);
        let l = load_full(&p).unwrap();
        assert_eq!((l.seq, l.replayed, l.torn_tail), (3, 3, false));
        assert_eq!(
            ids(&l),
            [
                ("a@x".into(), "N a@x".into()),
                ("c@x".into(), "N c@x".into())
            ]
        );
    }

    #[test]
    fn a_record_of_several_puts_applies_each() {
        let put = |id: &str, active: bool| {
            let mut h = HuntGroupState::with_defaults(id, &format!("N {id}"), "L", "F");
            h.hunt_group.is_active = active;
            JournalPut {
                service_provider_id: "SP".into(),
                group_id: "G".into(),
                hunt_group: h,
            }
        };
        let r = JournalRecord {
            seq: 1,
            put: None,
            delete: None,
            puts: vec![put("a@x", false), put("c@x", false)],
        };
        let (_d, p) = files(&(serde_json::to_string(&r).unwrap() + "\n"));
        let l = load_full(&p).unwrap();
        assert_eq!((l.seq, l.replayed), (1, 1));
        let active: Vec<(String, bool)> = l.state.service_providers[0].groups[0]
            .hunt_groups
            .iter()
            .map(|h| (h.service_user_id.clone(), h.is_active))
            .collect();
        assert_eq!(
            active,
            [
                ("a@x".to_string(), false),
                ("b@x".to_string(), true),
                ("c@x".to_string(), false)
            ]
        );
    }

    #[test]
    fn a_torn_last_record_is_dropped() {
        let full = rec(1, Some("c@x"), None) + &rec(2, Some("d@x"), None);
        // Cut anywhere inside the second record, including just before its newline.
        let first = rec(1, Some("c@x"), None).len();
        for cut in [first + 1, first + 30, full.len() - 1] {
            let (_d, p) = files(&full[..cut]);
            let l = load_full(&p).unwrap();
            assert_eq!(
                (l.seq, l.replayed, l.torn_tail),
                (1, 1, true),
                "cut at {cut}"
            );
            assert_eq!(ids(&l).len(), 3);
        }
    }

    #[test]
    fn damage_before_the_last_record_or_a_gap_is_an_error() {
        let j = rec(1, Some("c@x"), None) + "{\"seq\": 2, \"pu\n" + &rec(3, Some("d@x"), None);
        let (_d, p) = files(&j);
        let e = load_full(&p).unwrap_err();
        assert!(e.contains("line 2") && e.contains("damaged"), "{e}");
        let j = rec(1, Some("c@x"), None) + &rec(3, Some("d@x"), None);
        let (_d, p) = files(&j);
        let e = load_full(&p).unwrap_err();
        assert!(e.contains("records are missing"), "{e}");
    }

    #[test]
    fn records_the_snapshot_holds_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let mut st = SandboxState {
            format_version: 1,
            service_providers: vec![ServiceProviderState {
                id: "SP".into(),
                groups: vec![GroupState {
                    id: "G".into(),
                    country_code: "1".into(),
                    departments: vec![],
                    phone_numbers: vec![],
                    users: vec![],
                    hunt_groups: vec![],
                    ..Default::default()
                }],
                departments: vec![],
                ..Default::default()
            }],
        };
        st.service_providers[0].groups[0]
            .hunt_groups
            .push(HuntGroupState::with_defaults("c@x", "kept", "L", "F"));
        std::fs::write(&path, snapshot_bytes(&st, 1, 0)).unwrap();
        let j = rec(1, Some("c@x"), None) + &rec(2, Some("d@x"), None);
        std::fs::write(super::path(&path), j).unwrap();
        let l = load_full(&path).unwrap();
        assert_eq!((l.seq, l.replayed), (2, 1));
        assert_eq!(
            ids(&l),
            [
                ("c@x".into(), "kept".into()),
                ("d@x".into(), "N d@x".into())
            ]
        );
    }
}
