//! A named recording's name, as the presenter gives it: checked before it becomes part of
//! a file name.

use std::fmt;

/// At most this many characters.
pub const MAX_NAME_CHARS: usize = 64;

/// 1 to 64 ASCII letters, digits, dashes and underscores: safe in a file name everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingName(String);

impl RecordingName {
    /// The name, or a sentence saying what a name must be (never repeating `raw`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let rule = format!(
            "a recording's name is 1 to {MAX_NAME_CHARS} letters, digits, dashes or underscores"
        );
        if raw.is_empty() {
            return Err(format!("the name is empty; {rule}"));
        }
        let chars = raw.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(format!("the name has {chars} characters; {rule}"));
        }
        if !raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!("the name has other characters; {rule}"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordingName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_digits_dashes_and_underscores_up_to_64_are_names() {
        for good in ["a", "demo-1", "Acme_2026-05-01", &"x".repeat(64)] {
            assert_eq!(RecordingName::parse(good).expect(good).as_str(), good);
        }
    }

    #[test]
    fn anything_else_is_refused_with_the_rule_and_without_the_input() {
        let rule = "a recording's name is 1 to 64 letters, digits, dashes or underscores";
        for (bad, why) in [
            ("", "the name is empty"),
            (&"x".repeat(65) as &str, "the name has 65 characters"),
            ("../etc", "the name has other characters"),
            ("a b", "the name has other characters"),
            ("café", "the name has other characters"),
            ("demo.1", "the name has other characters"),
        ] {
            let sentence = RecordingName::parse(bad).expect_err(bad);
            assert_eq!(sentence, format!("{why}; {rule}"));
        }
    }
}
