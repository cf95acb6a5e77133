//! Sidecar ids: the alphabet and length an id may have, checked where it enters.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A sidecar (or platform) id: `[A-Za-z0-9._-]{1,64}`.
///
/// Ids become Kafka keys, log fields and UI labels, so anything else is refused at the
/// edge instead of being escaped everywhere it travels.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SidecarId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("id is empty")]
    Empty,
    #[error("id is {0} characters long (at most 64 allowed)")]
    TooLong(usize),
    #[error("id contains a character outside [A-Za-z0-9._-] at position {0}")]
    BadCharacter(usize),
}

impl SidecarId {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, IdError> {
        if raw.is_empty() {
            return Err(IdError::Empty);
        }
        let chars = raw.chars().count();
        if chars > Self::MAX_LEN {
            return Err(IdError::TooLong(chars));
        }
        if let Some(pos) = raw
            .chars()
            .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(IdError::BadCharacter(pos));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SidecarId {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SidecarId> for String {
    fn from(id: SidecarId) -> Self {
        id.0
    }
}

impl fmt::Display for SidecarId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_allowed_alphabet() {
        assert!(SidecarId::parse("producer-1").is_ok());
        assert!(SidecarId::parse("a.B_c-9").is_ok());
        assert!(SidecarId::parse(&"x".repeat(64)).is_ok());
    }

    #[test]
    fn rejects_hostile_and_odd_ids() {
        assert_eq!(SidecarId::parse(""), Err(IdError::Empty));
        assert_eq!(SidecarId::parse(&"x".repeat(65)), Err(IdError::TooLong(65)));
        assert_eq!(
            SidecarId::parse("<img src=x onerror=alert(1)>"),
            Err(IdError::BadCharacter(0))
        );
        assert_eq!(SidecarId::parse("a b"), Err(IdError::BadCharacter(1)));
        assert_eq!(SidecarId::parse("prodücer"), Err(IdError::BadCharacter(4)));
    }
}
