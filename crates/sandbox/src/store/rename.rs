//! `UserModifyUserIdRequest` (R25 `OCISchemaUser.xsd`): a real or virtual user gets a new id in
//! place. For a hunt group every setting, its password, number, extension, aliases, department
//! and agents stay, and so does its place in its group's list; for a user that is an agent, its
//! hunt group memberships follow the new id, as on a real server. The old id is free
//! afterwards; a new id already taken by a user or hunt group is refused (4200).

use super::{err, held_by_other, Store};
use crate::codes;
use crate::journal::{JournalRecord, JournalRename};
use crate::messages::OciError;

impl Store {
    /// Renames `from` to `to`; nothing changes when the command is refused.
    pub(super) fn modify_user_id(&mut self, from: &str, to: &str) -> Result<(), OciError> {
        let is_hunt_group = self.hunt_groups.contains_key(from);
        if !is_hunt_group && !self.users.contains_key(from) {
            return Err(err(
                codes::USER_NOT_FOUND,
                format!("User not found: {from}"),
            ));
        }
        self.check_new_user_id(to)?;
        if held_by_other(self.hg_aliases.get(to), Some(from)) {
            return Err(err(
                codes::ALIAS_IN_USE,
                format!("Alias already in use: {to}"),
            ));
        }
        if is_hunt_group {
            self.rename_hunt_group(from, to);
        } else {
            self.rename_user(from, to);
        }
        Ok(())
    }

    fn rename_hunt_group(&mut self, from: &str, to: &str) {
        let Some(loc @ (si, gi, key)) = self.hunt_groups.remove(from) else {
            return;
        };
        let Some(mut h) = self.hgs[si][gi].remove(&key) else {
            return;
        };
        // The owner indexes name the hunt group by id: moved to the new one.
        self.unindex_hunt_group(si, gi, &h);
        h.hunt_group.service_user_id = to.to_string();
        self.index_hunt_group(si, gi, &h);
        self.hgs[si][gi].insert(key, h);
        self.hunt_groups.insert(to.to_string(), loc);
    }

    fn rename_user(&mut self, from: &str, to: &str) {
        let Some(at @ (si, gi, ui)) = self.users.remove(from) else {
            return;
        };
        self.state.service_providers[si].groups[gi].users[ui].user_id = to.to_string();
        self.users.insert(to.to_string(), at);
        // Agents are users of the hunt group's own group: only that group's hunt groups.
        // Directory Number Hunting names agents by user id too; its agents are agents of the
        // same hunt group, so the journal record below (the hunt groups the user is an agent
        // of) carries these rewrites as well.
        for h in self.hgs[si][gi].values_mut() {
            for a in h.hunt_group.agents.iter_mut().filter(|a| a.user_id == from) {
                a.user_id = to.to_string();
            }
            if let Some(d) = &mut h.services.directory_number_hunting {
                for a in d.agent_user_ids.iter_mut().filter(|a| *a == from) {
                    *a = to.to_string();
                }
            }
        }
    }

    /// The journal record of a rename just carried out: the rename, and every hunt group it
    /// rewrote (the renamed one, or those the renamed agent belongs to) in full.
    pub(super) fn rename_record(&mut self, from: &str, to: &str) -> JournalRecord {
        let mut ids: Vec<String> = Vec::new();
        if self.hunt_groups.contains_key(to) {
            ids.push(to.to_string());
        } else if let Some(&(si, gi, _)) = self.users.get(to) {
            ids.extend(
                self.hgs[si][gi]
                    .values()
                    .filter(|h| h.agents.iter().any(|a| a.user_id == to))
                    .map(|h| h.service_user_id.clone()),
            );
        }
        self.version += 1;
        JournalRecord {
            seq: self.version,
            put: None,
            delete: None,
            puts: ids.iter().filter_map(|id| self.journal_put(id)).collect(),
            rename: Some(JournalRename {
                from: from.to_string(),
                to: to.to_string(),
            }),
        }
    }
}
