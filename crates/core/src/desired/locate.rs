//! Where a hunt group's values were written, found again after the load.
//!
//! The loader keeps no per-field locations (that would cost memory on every hunt group of a
//! 100,000-row sheet); when a later step needs one — a refusal predicted by pre-flight — the
//! files are read again and only the asked-for hunt groups' locations are kept.

use super::raw::{ListVal, Loc, RawGroup};
use super::{Loader, Location};
use crate::model::table::{Ty, FIELDS};
use crate::model::HuntGroup;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// The field path of the agent list, as the plan names it.
pub const AGENTS: &str = "agentUserId";

/// Locations of the values of one hunt group, raw (resolved once loading is over).
#[derive(Debug, Clone)]
pub(crate) struct FieldLocs {
    id: String,
    entry: Loc,
    fields: Vec<(&'static str, Loc)>,
    agents: Vec<(String, Loc)>,
    /// The values of the user's blocks, by their plan path ([`super::services::locations`]).
    blocks: Vec<(String, Loc)>,
}

/// What the loader collects while it runs in locate mode.
#[derive(Debug, Default)]
pub(crate) struct Capture {
    wanted: HashSet<String>,
    found: Vec<(usize, FieldLocs)>,
}

impl Capture {
    /// Keeps the locations of `raw` (built into `g`) when `g` is one of the wanted hunt groups.
    pub(crate) fn offer(&mut self, file: usize, g: &HuntGroup, raw: &RawGroup) {
        let id = g.service_user_id.to_ascii_lowercase();
        if !self.wanted.contains(&id) {
            return;
        }
        let mut fields = Vec::new();
        // Every field's place: pre-flight may refuse any of them (numbers, extension, ids).
        for d in FIELDS.iter().filter(|d| d.ty != Ty::Agents) {
            if let Some(loc) = raw.loc_of(d) {
                fields.push((d.path, loc));
            }
        }
        let mut agents = Vec::new();
        match &raw.agents {
            // The built agents are the raw entries in order (a load that dropped one fails).
            Some(ListVal::Items(items, list)) => {
                fields.push((AGENTS, *list));
                if items.len() == g.agents.len() {
                    for (a, item) in g.agents.iter().zip(items) {
                        let loc = item.user_id.as_ref().map_or(item.loc, |v| v.loc);
                        agents.push((a.user_id.to_ascii_lowercase(), loc));
                    }
                }
            }
            Some(ListVal::Null(l)) => fields.push((AGENTS, *l)),
            Some(ListVal::Wrong(v)) => fields.push((AGENTS, v.loc)),
            None => {}
        }
        self.found.push((
            file,
            FieldLocs {
                id,
                entry: raw.loc,
                fields,
                agents,
                blocks: super::services::locations(&raw.blocks),
            },
        ));
    }
}

/// Resolved locations of some hunt groups' values.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    groups: HashMap<String, Resolved>,
}

#[derive(Debug, Clone, Default)]
struct Resolved {
    entry: Option<Location>,
    fields: Vec<(&'static str, Location)>,
    agents: Vec<(String, Location)>,
    blocks: Vec<(String, Location)>,
}

impl SourceMap {
    /// Every location replaced by `f` of it (data: a line of the generated text → a key path).
    pub fn map_locations(&mut self, f: impl Fn(&Location) -> Location) {
        for r in self.groups.values_mut() {
            if let Some(e) = &mut r.entry {
                *e = f(e);
            }
            for (_, l) in &mut r.fields {
                *l = f(l);
            }
            for (_, l) in r.agents.iter_mut().chain(r.blocks.iter_mut()) {
                *l = f(l);
            }
        }
    }

    /// Where `field` (a plan field path) of hunt group `service_user_id` was written; for
    /// `agentUserId`, where the agent `value` was written. Falls back to the list, the
    /// serviceUserId, then the entry.
    pub fn find(&self, service_user_id: &str, field: &str, value: &str) -> Option<&Location> {
        let r = self.groups.get(&service_user_id.to_ascii_lowercase())?;
        let value = value.to_ascii_lowercase();
        let agent = (field == AGENTS)
            .then(|| r.agents.iter().find(|(a, _)| *a == value).map(|(_, l)| l))
            .flatten();
        let by_path = |p: &str| r.fields.iter().find(|(f, _)| *f == p).map(|(_, l)| l);
        // A block value by its exact plan path, else the nearest enclosing path written.
        let block = {
            let mut p = field;
            loop {
                if let Some((_, l)) = r.blocks.iter().find(|(b, _)| b == p) {
                    break Some(l);
                }
                match p.rfind(['.', '[']) {
                    Some(i) => p = &p[..i],
                    None => break None,
                }
            }
        };
        agent
            .or(block)
            .or_else(|| by_path(field))
            .or_else(|| by_path("serviceUserId"))
            .or(r.entry.as_ref())
    }
}

/// Reads `paths` again and returns the locations of the values of the hunt groups `ids`.
/// Files that cannot be read (any more) simply locate nothing.
pub fn locate(paths: &[PathBuf], ids: &[&str]) -> SourceMap {
    locate_with(ids, |l| {
        for p in paths {
            l.load_path(p);
        }
    })
}

/// [`locate`] in a document given as text (`name`'s extension selects YAML or CSV).
pub fn locate_str(name: &str, text: &str, ids: &[&str]) -> SourceMap {
    locate_with(ids, |l| l.load_str(name, text))
}

fn locate_with(ids: &[&str], load: impl FnOnce(&mut Loader)) -> SourceMap {
    let mut l = Loader {
        capture: Some(Capture {
            wanted: ids.iter().map(|i| i.to_ascii_lowercase()).collect(),
            found: Vec::new(),
        }),
        ..Loader::default()
    };
    load(&mut l);
    let found = l.capture.take().map(|c| c.found).unwrap_or_default();
    let mut map = SourceMap::default();
    for (file, locs) in found {
        l.files[file].ensure_source();
        let ctx = &l.files[file];
        let resolved = Resolved {
            entry: Some(ctx.resolve(locs.entry)),
            fields: locs
                .fields
                .iter()
                .map(|(p, loc)| (*p, ctx.resolve(*loc)))
                .collect(),
            agents: locs
                .agents
                .iter()
                .map(|(a, loc)| (a.clone(), ctx.resolve(*loc)))
                .collect(),
            blocks: locs
                .blocks
                .iter()
                .map(|(a, loc)| (a.clone(), ctx.resolve(*loc)))
                .collect(),
        };
        // The first definition wins, as in the load (a duplicate fails the load anyway).
        map.groups.entry(locs.id).or_insert(resolved);
    }
    map
}
