//! `--target` / `--exclude`: which serviceUserIds a plan looks at (`*` globs).

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// A bad `--target` or `--exclude` pattern.
#[derive(Debug, thiserror::Error)]
#[error("invalid pattern {pattern:?}: {source}")]
pub struct SelectError {
    /// The pattern as given.
    pub pattern: String,
    /// Why globset refused it.
    pub source: globset::Error,
}

/// Target and exclude globs on serviceUserId; no targets means every hunt group.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    targets: Vec<String>,
    excludes: Vec<String>,
    target_set: Option<GlobSet>,
    exclude_set: Option<GlobSet>,
}

fn build(patterns: &[String]) -> Result<Option<GlobSet>, SelectError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        // User ids are matched case-insensitively, as BroadWorks treats them.
        let g: Glob = GlobBuilder::new(p)
            .case_insensitive(true)
            .literal_separator(false)
            .build()
            .map_err(|source| SelectError {
                pattern: p.clone(),
                source,
            })?;
        b.add(g);
    }
    b.build().map(Some).map_err(|source| SelectError {
        pattern: patterns.join(" "),
        source,
    })
}

impl Selection {
    /// Builds a selection from `--target` and `--exclude` values.
    pub fn new(targets: &[String], excludes: &[String]) -> Result<Selection, SelectError> {
        Ok(Selection {
            targets: targets.to_vec(),
            excludes: excludes.to_vec(),
            target_set: build(targets)?,
            exclude_set: build(excludes)?,
        })
    }

    /// Everything.
    pub fn all() -> Selection {
        Selection::default()
    }

    /// True when the hunt group is in the selection (targeted, or no targets, and not excluded).
    pub fn matches(&self, service_user_id: &str) -> bool {
        let targeted = self
            .target_set
            .as_ref()
            .is_none_or(|s| s.is_match(service_user_id));
        let excluded = self
            .exclude_set
            .as_ref()
            .is_some_and(|s| s.is_match(service_user_id));
        targeted && !excluded
    }

    /// The `--target` patterns as given.
    pub fn targets(&self) -> &[String] {
        &self.targets
    }

    /// The `--exclude` patterns as given.
    pub fn excludes(&self) -> &[String] {
        &self.excludes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn targets_and_excludes() {
        let sel = Selection::new(&s(&["sales-*"]), &s(&["*-vip-*"])).unwrap();
        assert!(sel.matches("sales-hunt@company.com"));
        assert!(sel.matches("SALES-hunt@company.com"));
        assert!(!sel.matches("sales-vip-hunt@company.com"));
        assert!(!sel.matches("support-hunt@company.com"));
        assert!(Selection::all().matches("anything@x"));
        assert!(Selection::new(&s(&["a[b"]), &[]).is_err());
    }
}
