//! The `wx-sim` binary: a simulated WeChat web server on loopback, driven by flags and the
//! `/__sim/` control API.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;
use wx_sim::{Config, LoginPolicy, Pattern, ServeOptions, WorldSpec};

const USAGE: &str =
    "usage: wx-sim [--port N] [--https] [--cert-dir DIR] [--accounts N] [--contacts N]
              [--groups N] [--members N] [--official N] [--page N] [--seed N]
              [--auto-confirm MS] [--each-account] [--rate-ms MS] [--spread]
              [--hold-ms MS] [--qr-lifetime-s S] [--pattern [ACCOUNT:]JSON]...
              [--header-timeout-ms MS] [--body-timeout-ms MS] [--max-body BYTES]
              [--body-budget BYTES]

Serves every webwx host family on http(s)://127.0.0.1:PORT and prints
`wx-sim listening on <base url>` (and `wx-sim certificate <path>` with --https).
--each-account: with --auto-confirm, every new login is confirmed as the next account
(round-robin over --accounts) without a live session: one session per account.
--spread: with --rate-ms, each account gets one text per period at its own offset
(account a of N at a x rate / N), reading `steady @<push time, Unix microseconds>`.
--pattern: a sticky misbehaviour from the start, for every account or for ACCOUNT alone
(repeatable), e.g. '{\"kind\":\"no_hold\"}', '3:{\"kind\":\"stuck_keys\",\"selector\":2}',
'{\"kind\":\"continue_forever\"}',
'{\"kind\":\"fault\",\"endpoints\":[\"synccheck\"],\"fault\":{\"kind\":\"status\",\"code\":500}}'.
--header-timeout-ms (default 30000): a connection whose request head (or TLS handshake)
takes longer, or that sends nothing for that long between requests, is closed.
--body-timeout-ms (default 60000): a slower request body gets 408.
--max-body (default 16 MiB): a larger request body gets 413.
--body-budget (default 64 MiB): body bytes all requests may buffer at once beyond 64 KiB
each; a request that finds it spent gets 503 with Retry-After.
Control API: GET /__sim/state, /__sim/world, /__sim/sent, /__sim/stats[?accounts=0],
/__sim/patterns; POST /__sim/login, /__sim/scan,
/__sim/confirm, /__sim/cancel, /__sim/expire_qr, /__sim/push (JSON), /__sim/fault (JSON),
/__sim/push_many?count=N (push's JSON with a text body: texts \"<text> 0\" … \"<text> N-1\"),
/__sim/throttle?endpoint=&times=N|forever, /__sim/end?code=,
/__sim/refuse, /__sim/rotate_skey, /__sim/pattern[?account=N][&add=1] (JSON, or empty to
remove), /__sim/clear[?account=N], /__sim/poison (JSON).";

/// Patterns to set at start, with their account (every account: `None`).
type Patterns = Vec<(Option<usize>, Pattern)>;

/// `JSON` or `ACCOUNT:JSON`.
fn parse_pattern(arg: &str) -> Result<(Option<usize>, Pattern), String> {
    let (account, json) = match arg.split_once(':') {
        Some((a, rest)) if !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()) => {
            (a.parse().ok(), rest)
        }
        _ => (None, arg),
    };
    let p = serde_json::from_str(json).map_err(|e| format!("--pattern: {e}"))?;
    Ok((account, p))
}

fn parse(args: &[String]) -> Result<(u16, ServeOptions, Patterns), String> {
    let mut port = 0u16;
    let mut patterns = Patterns::new();
    let mut opts = ServeOptions {
        config: Config {
            world: WorldSpec::default(),
            ..Config::default()
        },
        ..ServeOptions::default()
    };
    let mut each_account = false;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut num = |name: &str| -> Result<u64, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or(format!("{name} needs a number"))
        };
        match flag.as_str() {
            "--port" => port = num("--port")? as u16,
            "--https" => opts.tls = true,
            "--cert-dir" => {
                opts.cert_dir = Some(it.next().ok_or("--cert-dir needs a path")?.into())
            }
            "--accounts" => opts.config.world.accounts = num("--accounts")?.max(1) as usize,
            "--contacts" => opts.config.world.contacts = num("--contacts")? as usize,
            "--groups" => opts.config.world.groups = num("--groups")? as usize,
            "--members" => opts.config.world.members_per_group = num("--members")? as usize,
            "--official" => opts.config.world.official_accounts = num("--official")? as usize,
            "--page" => opts.config.contact_page = num("--page")?.max(1) as usize,
            "--seed" => {
                let s = num("--seed")?;
                opts.config.seed = s;
                opts.config.world.seed = s;
            }
            "--auto-confirm" => {
                let ms = Duration::from_millis(num("--auto-confirm")?);
                opts.config.login = LoginPolicy::Auto {
                    scan_after: ms,
                    confirm_after: ms,
                    account: 0,
                };
            }
            "--rate-ms" => {
                opts.config.steady_rate = Some(Duration::from_millis(num("--rate-ms")?.max(1)))
            }
            "--each-account" => each_account = true,
            "--spread" => opts.config.steady_spread = true,
            "--hold-ms" => opts.config.poll_hold = Duration::from_millis(num("--hold-ms")?),
            "--qr-lifetime-s" => {
                opts.config.qr_lifetime = Duration::from_secs(num("--qr-lifetime-s")?)
            }
            "--header-timeout-ms" => {
                opts.limits.header_read_timeout =
                    Duration::from_millis(num("--header-timeout-ms")?.max(1))
            }
            "--body-timeout-ms" => {
                opts.limits.body_timeout = Duration::from_millis(num("--body-timeout-ms")?.max(1))
            }
            "--max-body" => opts.limits.max_body = num("--max-body")? as usize,
            "--body-budget" => opts.limits.body_budget = num("--body-budget")? as usize,
            "--pattern" => patterns.push(parse_pattern(it.next().ok_or("--pattern needs JSON")?)?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if each_account {
        let LoginPolicy::Auto {
            scan_after,
            confirm_after,
            ..
        } = opts.config.login
        else {
            return Err("--each-account needs --auto-confirm".into());
        };
        opts.config.login = LoginPolicy::EachAccount {
            scan_after,
            confirm_after,
        };
    }
    Ok((port, opts, patterns))
}

/// Ctrl-C, or SIGTERM on Unix (how scripts stop it).
async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (port, opts, patterns) = match parse(&args) {
        Ok(x) => x,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("wx-sim: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wx-sim: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let server = match wx_sim::serve(addr, opts).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("wx-sim: cannot serve on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        server.with_sim(|sim, _| {
            for (account, p) in patterns {
                sim.add_pattern(account, p);
            }
        });
        if let Some(p) = server.cert_path() {
            println!("wx-sim certificate {}", p.display());
        }
        println!("wx-sim listening on {}", server.base_url());
        wait_for_stop().await;
        // Connections still open (a held long poll) get a few seconds, then the process ends.
        if tokio::time::timeout(std::time::Duration::from_secs(3), server.shutdown())
            .await
            .is_err()
        {
            eprintln!("wx-sim: connections still open after 3 s; stopping anyway");
        }
        ExitCode::SUCCESS
    })
}
