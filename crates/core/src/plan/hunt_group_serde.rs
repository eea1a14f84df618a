//! Saved plans: a [`HuntGroup`] written and read back through the field table's JSON shape.
//!
//! A left-out field comes back with its default or `Unmanaged`, `null` comes back `Absent`.
//! The password is never read back: a saved plan only holds the mask.

use crate::model::{table, HuntGroup};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `#[serde(with)]` serialiser for `Option<HuntGroup>`.
pub fn serialize<S: Serializer>(hg: &Option<HuntGroup>, s: S) -> Result<S::Ok, S::Error> {
    hg.serialize(s)
}

/// `#[serde(with)]` deserialiser for `Option<HuntGroup>`.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<HuntGroup>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v) => table::from_json(&v)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}
