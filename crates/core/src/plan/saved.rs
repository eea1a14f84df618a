//! The saved-plan file (`huntctl plan --out`, `apply --plan`, undo plans): the plan as
//! versioned JSON, without secrets (every password is a [`crate::model::Secret`], which never
//! serialises its value), refused when written by another format version.

use super::{Plan, FORMAT_VERSION};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Why a saved plan cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    /// Reading or writing the file failed.
    #[error("cannot access saved plan {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a saved plan.
    #[error("{path} is not a huntctl saved plan: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// A plan written by another version of huntctl.
    #[error(
        "saved plan {path} has format_version {found}; this huntctl reads version {FORMAT_VERSION}"
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
    },
}

impl Plan {
    /// The saved-plan document (passwords are never written: [`crate::model::Secret`] masks them).
    pub fn to_saved_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a saved-plan document.
    pub fn from_saved_json(text: &str, path: &Path) -> Result<Plan, PlanFileError> {
        #[derive(Deserialize)]
        struct Version {
            format_version: u32,
        }
        let v: Version = serde_json::from_str(text).map_err(|source| PlanFileError::Parse {
            path: path.to_path_buf(),
            source,
        })?;
        if v.format_version != FORMAT_VERSION {
            return Err(PlanFileError::Version {
                path: path.to_path_buf(),
                found: v.format_version,
            });
        }
        serde_json::from_str(text).map_err(|source| PlanFileError::Parse {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Writes the plan to `path` (`plan --out`).
    pub fn save(&self, path: &Path) -> Result<(), PlanFileError> {
        std::fs::write(path, self.to_saved_json() + "\n").map_err(|source| PlanFileError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Reads a plan saved by [`Plan::save`] (`apply --plan`).
    pub fn load(path: &Path) -> Result<Plan, PlanFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| PlanFileError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Plan::from_saved_json(&text, path)
    }
}
