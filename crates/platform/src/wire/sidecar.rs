//! A sidecar's liveness as the registry judges it and the API and events show it.

use serde::Serialize;

/// Liveness of a sidecar (the rules are in `state::registry`'s documentation): ACTIVE while its
/// newest registration is younger than the registry's `inactive_after_ms`, INACTIVE after, DEPARTED after
/// a tombstone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::VariantArray)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SidecarStatus {
    Active,
    Inactive,
    Departed,
}
