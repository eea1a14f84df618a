//! The fingerprint of a current state: what a saved plan checks before it is applied.

use super::CurrentState;
use sha2::{Digest, Sha256};

/// `sha256:` + hex SHA-256 of the canonical JSON of `current` (every map is ordered, so the
/// same state always gives the same text).
pub fn fingerprint(current: &CurrentState) -> String {
    // Serialising plain data with string keys cannot fail; an empty string would only make
    // every saved plan look stale, never the reverse.
    let json = serde_json::to_vec(current).unwrap_or_default();
    format!("sha256:{}", hex::encode(Sha256::digest(&json)))
}
