//! [`Profile`]: a state directory of its own for one test against a `wx sim` process, the
//! `wx` command lines that use it, and its cleanup.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;

use super::{SimProcess, wx};

/// One test's profile: `--base-url` of its simulator, `--state-dir` of its own.
pub struct Profile {
    /// The state directory (removed when dropped).
    pub dir: PathBuf,
    /// The simulator's URL.
    pub url: String,
}

impl Profile {
    /// A state directory named after the test, not there yet (the first login makes it
    /// with the store's permissions).
    pub fn new(sim: &SimProcess, name: &str) -> Profile {
        let dir = std::env::temp_dir().join(format!("wx-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Profile {
            dir,
            url: sim.url.clone(),
        }
    }

    /// `cmd --base-url URL --state-dir DIR rest…`.
    pub fn args<'a>(&'a self, cmd: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
        let mut v = vec![
            cmd,
            "--base-url",
            &self.url,
            "--state-dir",
            self.dir.to_str().expect("utf8"),
        ];
        v.extend_from_slice(rest);
        v
    }

    /// Runs `wx` with [`Profile::args`]: exit code, stdout, stderr.
    pub fn run(&self, cmd: &str, rest: &[&str]) -> (Option<i32>, String, String) {
        let out = wx(&self.args(cmd, rest));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs `wx cmd sub --base-url URL --state-dir DIR rest…` (a command with subcommands).
    pub fn run_sub(&self, cmd: &str, sub: &str, rest: &[&str]) -> (Option<i32>, String, String) {
        let mut args = vec![cmd];
        args.extend(self.args(sub, rest));
        let out = wx(&args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Starts `wx cmd …` with [`Profile::args`] in the background (stdout and stderr
    /// piped): the child, and its stdout lines as they come (read by a thread).
    pub fn spawn_lines(&self, cmd: &str, rest: &[&str]) -> (Child, Receiver<String>) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wx"))
            .args(self.args(cmd, rest))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        (child, rx)
    }

    /// The default profile's session file.
    pub fn file(&self) -> PathBuf {
        self.dir.join("default.session.json")
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
