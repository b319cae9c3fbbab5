//! A real `wx-sim` process on loopback for the abuse tests: start it (optionally under a
//! lower file-descriptor limit), read its memory and CPU time from `/proc`, talk raw HTTP/1.1
//! to it, and log in the way a client does.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Clock ticks a second in `/proc/<pid>/stat` (USER_HZ, 100 on Linux).
pub const TICKS_PER_SECOND: u64 = 100;

/// A running `wx-sim`, killed when dropped.
pub struct SimProcess {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl SimProcess {
    /// `wx-sim --port 0 ARGS…`.
    pub fn start(args: &[&str]) -> SimProcess {
        Self::spawn(Command::new(env!("CARGO_BIN_EXE_wx-sim")), args)
    }

    /// `wx-sim` with the soft limit on open files lowered to `nofile` (`ulimit -n`, then exec:
    /// the shell's pid becomes the simulator's).
    pub fn start_with_fd_limit(nofile: u32, args: &[&str]) -> SimProcess {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("ulimit -n {nofile} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_wx-sim"));
        Self::spawn(cmd, args)
    }

    fn spawn(mut cmd: Command, args: &[&str]) -> SimProcess {
        let mut child = cmd
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("wx-sim starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the listening line");
        let addr = line
            .trim()
            .strip_prefix("wx-sim listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        SimProcess { child, addr }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/{}/status", self.pid()))
    }

    /// Resident memory now, in MiB.
    pub fn rss_mib(&self) -> u64 {
        self.status_kib("VmRSS:") / 1024
    }

    /// The most resident memory the process ever had, in MiB.
    pub fn peak_rss_mib(&self) -> u64 {
        self.status_kib("VmHWM:") / 1024
    }

    /// User plus system CPU time so far, in clock ticks.
    pub fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        // Fields after the command name, which is in parentheses: state is field 3, utime 14.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let field = |n: usize| {
            fields
                .get(n - 3)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap()
        };
        field(14) + field(15)
    }

    /// File descriptors the process has open.
    pub fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .unwrap()
            .count()
    }

    /// Sends SIGTERM and waits up to `within` for the process to exit.
    pub fn terminate(mut self, within: Duration) -> bool {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        let deadline = std::time::Instant::now() + within;
        while sent && std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: its status and body as text.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: String,
}

/// One request on its own connection (`Connection: close`); `None` when the server closed or
/// reset the connection without a full answer, or did not answer within 10 s.
pub fn exchange(addr: &str, method: &str, pq: &str, body: &[u8]) -> Option<Resp> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let head = format!(
        "{method} {pq} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    parse(&out)
}

/// The status and body of one whole HTTP/1.1 response.
pub fn parse(raw: &[u8]) -> Option<Resp> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some(Resp {
        status,
        body: body.to_string(),
    })
}

/// `GET pq`.
pub fn get(addr: &str, pq: &str) -> Option<Resp> {
    exchange(addr, "GET", pq, b"")
}

/// What a client does to log in: jslogin for a uuid, the phone confirms (control API), the
/// login poll answers 200 with a redirect. True when every step answered as it should.
pub fn client_logs_in(addr: &str) -> bool {
    let Some(js) = get(
        addr,
        "/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&_=1",
    ) else {
        return false;
    };
    let Some(uuid) = js
        .body
        .split("uuid = \"")
        .nth(1)
        .map(|u| u.trim_end_matches("\";").to_string())
    else {
        return false;
    };
    let confirmed = exchange(addr, "POST", &format!("/__sim/login?uuid={uuid}"), b"")
        .is_some_and(|r| r.status == 200);
    let poll = get(
        addr,
        &format!("/cgi-bin/mmwebwx-bin/login?loginicon=true&uuid={uuid}&tip=0&r=1&_=1"),
    );
    confirmed
        && poll
            .is_some_and(|p| p.body.contains("window.code=200") && p.body.contains("redirect_uri"))
}
