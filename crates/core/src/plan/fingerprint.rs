//! The fingerprint of a current state: what a saved plan checks before it is applied.

use super::CurrentState;
use sha2::{Digest, Sha256};

/// `sha256:` + hex SHA-256 of the canonical JSON of `current` (every map is ordered, so the
/// same state always gives the same text).
pub fn fingerprint(current: &CurrentState) -> String {
    // Streamed into the hash: the JSON of 100,000 hunt groups is over 100 MB, held for
    // nothing. Serialising plain data with string keys cannot fail; a failure would only
    // make every saved plan look stale, never the reverse.
    let mut hasher = Sha256::new();
    if serde_json::to_writer(
        std::io::BufWriter::with_capacity(64 * 1024, &mut hasher),
        current,
    )
    .is_err()
    {
        return String::new();
    }
    format!("sha256:{}", hex::encode(hasher.finalize()))
}
