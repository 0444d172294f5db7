//! The `picket` binary run as a person runs it: arguments, settings in the environment, a
//! database, text on standard input.
//!
//! Only the cli crate's tests know where cargo built the binary, so they pass its path in:
//! `ok(&Picket::new(env!("CARGO_BIN_EXE_picket")).args(["branch", "list"]).database(&url).run())`
//! is what `picket branch list` printed, or a failed test showing why it did not succeed.

use std::ffi::OsStr;
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// One run of `picket`, built up argument by argument.
///
/// It starts away from the settings of whoever runs the tests: no `PICKET_*` variable of the
/// test process reaches it (so no `PICKET_CONFIG` or `PICKET_DATABASE_URL` either), password
/// hashing is cheap, and e-mail goes to the memory mailer. Anything set on it afterwards wins.
pub struct Picket {
    command: Command,
    stdin: Option<Vec<u8>>,
}

impl Picket {
    /// `picket` at `binary`: the cli crate's tests pass `env!("CARGO_BIN_EXE_picket")`.
    pub fn new(binary: impl AsRef<OsStr>) -> Self {
        let mut command = Command::new(binary);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("PICKET_") {
                command.env_remove(name);
            }
        }
        command
            .env("PICKET_SECURITY__ARGON2_MEMORY_KIB", "8192")
            .env("PICKET_SECURITY__ARGON2_ITERATIONS", "1")
            .env("PICKET_MAIL__KIND", "memory");
        Picket {
            command,
            stdin: None,
        }
    }

    /// Adds one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    /// Adds arguments.
    pub fn args<I>(mut self, args: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, name: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(name, value);
        self
    }

    /// Sets environment variables.
    pub fn envs(mut self, vars: &[(&str, &str)]) -> Self {
        for (name, value) in vars {
            self.command.env(name, value);
        }
        self
    }

    /// Runs against the database at `url` (`PICKET_DATABASE_URL`).
    pub fn database(self, url: &str) -> Self {
        self.env("PICKET_DATABASE_URL", url)
    }

    /// Gives it `input` on standard input (otherwise standard input is empty).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// The command as built so far, for a run the test manages itself (a server it stops).
    /// Standard input is empty; what was given to [`Picket::stdin`] is not sent.
    pub fn command(mut self) -> Command {
        self.command.stdin(Stdio::null());
        self.command
    }

    /// Runs it to the end and returns its exit status and what it printed.
    pub fn run(mut self) -> Output {
        self.command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self
            .command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", self.command.get_program()));
        if let Some(input) = self.stdin {
            let mut stdin = child.stdin.take().expect("stdin is piped");
            // Written beside the reading of its output, so neither pipe can fill and stall it.
            // A command that exits without reading closes the pipe; what it printed says why.
            std::thread::spawn(move || {
                let _ = stdin.write_all(&input);
            });
        }
        child.wait_with_output().expect("picket's output")
    }
}

/// Bytes a command printed, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What a successful run printed on standard output; fails the test, showing both outputs,
/// if it did not succeed.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "picket failed (exit {:?})\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// What a run refused as bad input (exit code 2) printed on standard error; fails the test,
/// showing both outputs, if it exited otherwise.
pub fn refused(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(2),
        "picket should have refused the input with exit code 2\n--- stdout ---\n{}\n--- stderr ---\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stderr)
}
