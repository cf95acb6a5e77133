use serde::Serialize;

/// One line of a pre-flight list: what was checked, whether it holds, a sentence saying
/// what was found, and when it fails how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreflightCheck {
    pub name: String,
    pub ok: bool,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl PreflightCheck {
    pub fn passed(name: &str, detail: String) -> Self {
        Self {
            name: name.to_owned(),
            ok: true,
            detail,
            fix: None,
        }
    }

    pub fn failed(name: &str, detail: String, fix: String) -> Self {
        Self {
            name: name.to_owned(),
            ok: false,
            detail,
            fix: Some(fix),
        }
    }

    /// Picks the passed or failed sentence by the outcome.
    pub fn new(name: &str, ok: bool, passed: String, failed: String, fix: &str) -> Self {
        if ok {
            Self::passed(name, passed)
        } else {
            Self::failed(name, failed, fix.to_owned())
        }
    }
}
