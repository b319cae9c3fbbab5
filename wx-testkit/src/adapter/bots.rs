//! The bot layer's examples of an adapter, run as the processes a user runs: each example
//! binary against a wx-sim server on loopback (`WX_BASE_URL`, a fresh `WX_STATE_DIR`). The
//! echo bot answers a friend's text and a group's text and logs out on SIGTERM; the
//! welcome bot greets a member who joins and answers a mention; the hot-reload bot stops
//! on SIGTERM without logging out and resumes its session at the next start without a QR
//! code. Each step has a time bound; a hang fails the test.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use wx_sim::{Body, Push, WorldSpec};

use super::Env;
use super::runs::auto_login;

const GUARD: Duration = Duration::from_secs(30);

/// The example binaries of one adapter crate.
pub struct Examples {
    /// The crate (`wx-tokio`), to build an example that is missing.
    pub krate: &'static str,
    /// The echo bot's example name.
    pub echo: &'static str,
    /// The welcome bot's.
    pub welcome: &'static str,
    /// The hot-reload bot's.
    pub hot_reload: &'static str,
}

/// A running example: its process and its stderr lines.
struct Bot {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Bot {
    fn start(examples: &Examples, name: &str, env: &Env, state: &Path) -> Bot {
        let mut child = Command::new(example_path(examples.krate, name))
            .env("WX_BASE_URL", &env.base)
            .env("WX_STATE_DIR", state)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let stderr = child.stderr.take().expect("stderr");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Bot {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a stderr line containing `what`.
    fn wait_line(&mut self, what: &str) {
        let deadline = Instant::now() + GUARD;
        while !self.seen.iter().any(|l| l.contains(what)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!("no {what:?} from the bot; it said {:?}", self.seen),
            }
        }
    }

    /// SIGTERM, then the exit status within the guard.
    fn stop(mut self) -> (bool, Vec<String>) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + GUARD;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                    self.seen.push(line);
                }
                return (status.success(), self.seen);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the bot did not stop on SIGTERM: {:?}", self.seen);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The example's binary next to the test's (`target/<profile>/examples/<name>`). `cargo
/// test` builds the examples with the tests; when a run selected only the tests and the
/// binary is missing or older than the sources it is built from, it is built here.
fn example_path(krate: &str, name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let path = profile_dir.join("examples").join(name);
    let built = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = [
        root.join(krate).join("src"),
        root.join(krate).join("examples"),
        root.join("wx-driver/src"),
        root.join("wx-proto/src"),
    ];
    let stale = built.is_none_or(|b| sources.iter().any(|d| newer_than(d, b)));
    if stale {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", krate, "--example", name])
            .status()
            .expect("cargo");
        assert!(status.success(), "building the example {name}");
    }
    path
}

/// Whether a file under `dir` was modified after `t`.
fn newer_than(dir: &Path, t: std::time::SystemTime) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            return newer_than(&p, t);
        }
        e.metadata().and_then(|m| m.modified()).is_ok_and(|m| m > t)
    })
}

fn env() -> Env {
    Env::new(
        false,
        auto_login(WorldSpec {
            contacts: 4,
            groups: 1,
            ..WorldSpec::default()
        }),
    )
}

fn state_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wx-bot-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("state dir");
    dir
}

/// Waits until the simulator recorded a text `content` sent to `to`; how many there are.
fn wait_sent(env: &Env, to: &str, content: &str, at_least: usize) {
    let deadline = Instant::now() + GUARD;
    loop {
        let n = env.sim(|sim, _| {
            sim.sent()
                .iter()
                .filter(|s| s.to == to && s.content == content)
                .count()
        });
        if n >= at_least {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no {content:?} sent to {to} (wanted {at_least})"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn served(env: &Env, endpoint: &str) -> u64 {
    env.sim(|sim, _| sim.served_by().get(endpoint).copied().unwrap_or(0))
}

/// (a friend, the group) of account 0, as the simulator names them now.
fn friend_and_group(env: &Env) -> (String, String) {
    env.sim(|sim, _| {
        let acc = &sim.world().accounts[0];
        let friend = acc.friends().next().map(|f| f.user_name.clone());
        let group = acc.groups().next().map(|g| g.user_name.clone());
        (friend.expect("a friend"), group.expect("a group"))
    })
}

fn push_text(env: &Env, to_group: Option<&str>, from: Option<&str>, text: &str) {
    let push = Push {
        account: 0,
        group: to_group.map(str::to_owned),
        from: from.map(str::to_owned),
    };
    env.sim(|sim, now| sim.push(&push, &Body::Text { text: text.into() }, now))
        .expect("pushed");
}

/// Runs the three example bots; panics (test failure) on any miss.
pub fn run_example_bots(examples: &Examples) {
    echo(examples);
    welcome(examples);
    hot_reload(examples);
}

fn echo(examples: &Examples) {
    let env = env();
    let state = state_dir(examples.echo);
    let mut bot = Bot::start(examples, examples.echo, &env, &state);
    bot.wait_line("ready:");
    let (friend, group) = friend_and_group(&env);
    push_text(&env, None, Some(&friend), "hello bot");
    wait_sent(&env, &friend, "hello bot", 1);
    push_text(&env, Some(&group), None, "hi group");
    wait_sent(&env, &group, "hi group", 1);
    assert!(
        state.join("echo.session.json").exists(),
        "the session is saved"
    );
    let (ok, lines) = bot.stop();
    assert!(ok, "exit status: {lines:?}");
    assert_eq!(served(&env, "webwxlogout"), 1, "{lines:?}");
    assert!(
        !state.join("echo.session.json").exists(),
        "a logout forgets the session"
    );
}

fn welcome(examples: &Examples) {
    let env = env();
    let state = state_dir(examples.welcome);
    let mut bot = Bot::start(examples, examples.welcome, &env, &state);
    bot.wait_line("ready:");
    let (_, group) = friend_and_group(&env);
    env.sim(|sim, now| sim.join_group(0, &group, "Newbie", Some("0"), now))
        .expect("joined");
    wait_sent(&env, &group, "Welcome, Newbie!", 1);
    // A mention of the account's nickname, as the phone writes it (U+2005 after the name).
    let (me, sender) = env.sim(|sim, _| {
        let acc = &sim.world().accounts[0];
        let g = acc.groups().next().expect("a group");
        let other = g
            .member_list
            .iter()
            .find(|m| m.user_name != acc.me.user_name && m.nick_name != "Newbie")
            .map(|m| m.nick_name.clone());
        (acc.me.nick_name.clone(), other.expect("a member"))
    });
    push_text(
        &env,
        Some(&group),
        None,
        &format!("@{me}\u{2005}are you there?"),
    );
    let _ = sender;
    let deadline = Instant::now() + GUARD;
    loop {
        let answered = env.sim(|sim, _| {
            sim.sent()
                .iter()
                .any(|s| s.to == group && s.content.starts_with("Yes, "))
        });
        if answered {
            break;
        }
        assert!(Instant::now() < deadline, "the mention was not answered");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (ok, lines) = bot.stop();
    assert!(ok, "exit status: {lines:?}");
}

fn hot_reload(examples: &Examples) {
    let env = env();
    let state = state_dir(examples.hot_reload);
    let mut bot = Bot::start(examples, examples.hot_reload, &env, &state);
    bot.wait_line("ready:");
    let (friend, _) = friend_and_group(&env);
    push_text(&env, None, Some(&friend), "ping");
    wait_sent(&env, &friend, "pong", 1);
    let (ok, lines) = bot.stop();
    assert!(ok, "exit status: {lines:?}");
    assert_eq!(served(&env, "webwxlogout"), 0, "no logout: {lines:?}");
    assert!(state.join("hot.session.json").exists(), "the session stays");
    let logins = served(&env, "jslogin");

    let mut again = Bot::start(examples, examples.hot_reload, &env, &state);
    again.wait_line("resuming the saved session");
    again.wait_line("ready:");
    assert_eq!(
        served(&env, "jslogin"),
        logins,
        "no QR code the second time"
    );
    let (friend, _) = friend_and_group(&env);
    push_text(&env, None, Some(&friend), "ping");
    wait_sent(&env, &friend, "pong", 2);
    let (ok, lines) = again.stop();
    assert!(ok, "exit status: {lines:?}");
}
