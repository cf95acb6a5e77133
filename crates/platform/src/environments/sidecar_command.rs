//! How an environment gets the command that starts `faultline-sidecar`: by default the
//! binary beside Faultline's own executable (where cargo and the packages put it); the
//! desktop app hands in one made by tauri-plugin-shell's sidecar API instead.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use super::carried;

type MakeCommand = dyn Fn() -> Result<Command, String> + Send + Sync;

/// Makes a fresh `Command` for `faultline-sidecar`, without arguments, each time one is
/// started. `make` fails with a sentence (the desktop's plugin cannot resolve the binary).
#[derive(Clone)]
pub struct SidecarCommand {
    /// Who resolved the binary, for logs and pre-flight ("beside faultline", "the app's
    /// bundled sidecar").
    origin: &'static str,
    make: Arc<MakeCommand>,
}

impl SidecarCommand {
    /// The binary at `program` (or found on PATH when it is a bare name).
    pub fn at(program: PathBuf) -> Self {
        Self::new("beside Faultline", move || Ok(Command::new(&program)))
    }

    /// A command made by `make`, e.g. through tauri-plugin-shell's sidecar API.
    pub fn new(
        origin: &'static str,
        make: impl Fn() -> Result<Command, String> + Send + Sync + 'static,
    ) -> Self {
        Self {
            origin,
            make: Arc::new(make),
        }
    }

    /// A new command for one sidecar process.
    ///
    /// # Errors
    /// The sentence of whoever resolves the binary, when it cannot.
    pub fn command(&self) -> Result<Command, String> {
        (self.make)()
    }

    /// The program a command would run, for messages; `None` when it cannot be resolved.
    pub fn program(&self) -> Option<PathBuf> {
        self.command()
            .ok()
            .map(|command| Path::new(command.get_program()).to_owned())
    }

    pub fn origin(&self) -> &'static str {
        self.origin
    }
}

impl Default for SidecarCommand {
    /// `faultline-sidecar` where the app carries it (beside the executable first), else the
    /// bare name (PATH).
    fn default() -> Self {
        Self::at(
            carried::find("faultline-sidecar")
                .unwrap_or_else(|| PathBuf::from("faultline-sidecar")),
        )
    }
}

impl fmt::Debug for SidecarCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SidecarCommand")
            .field("origin", &self.origin)
            .field("program", &self.program())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_command_is_fresh_and_names_its_program() {
        let sidecar = SidecarCommand::at("/opt/x/faultline-sidecar".into());
        let mut first = sidecar.command().unwrap();
        first.arg("--version");
        assert_eq!(sidecar.command().unwrap().get_args().count(), 0);
        assert_eq!(
            sidecar.program(),
            Some(PathBuf::from("/opt/x/faultline-sidecar"))
        );
    }

    #[test]
    fn a_resolver_that_fails_says_why() {
        let sidecar = SidecarCommand::new("a test resolver", || Err("no such sidecar".into()));
        assert_eq!(sidecar.command().unwrap_err(), "no such sidecar");
        assert_eq!(sidecar.program(), None);
        assert!(format!("{sidecar:?}").contains("a test resolver"));
    }
}
