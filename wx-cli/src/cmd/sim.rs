//! `wx sim`: the simulated server standalone, with the `wx-sim` binary's options.

use std::net::SocketAddr;
use std::time::Duration;

use wx_sim::{LoginPolicy, ServeOptions};

use crate::cli::SimArgs;
use crate::error::{CliError, CliResult};
use crate::stop::Stop;

/// The server options these flags ask for.
pub fn options(a: &SimArgs) -> ServeOptions {
    let mut o = ServeOptions {
        tls: a.https,
        cert_dir: a.cert_dir.clone(),
        ..ServeOptions::default()
    };
    let c = &mut o.config;
    c.world.accounts = a.accounts.max(1);
    if let Some(n) = a.contacts {
        c.world.contacts = n;
    }
    if let Some(n) = a.groups {
        c.world.groups = n;
    }
    if let Some(n) = a.members {
        c.world.members_per_group = n;
    }
    if let Some(n) = a.official {
        c.world.official_accounts = n;
    }
    if let Some(n) = a.page {
        c.contact_page = n.max(1);
    }
    if let Some(s) = a.seed {
        c.seed = s;
        c.world.seed = s;
    }
    if let Some(ms) = a.auto_confirm {
        let d = Duration::from_millis(ms);
        c.login = LoginPolicy::Auto {
            scan_after: d,
            confirm_after: d,
            account: 0,
        };
    }
    if let Some(ms) = a.rate_ms {
        c.steady_rate = Some(Duration::from_millis(ms.max(1)));
    }
    if let Some(ms) = a.hold_ms {
        c.poll_hold = Duration::from_millis(ms);
    }
    if let Some(s) = a.qr_lifetime_s {
        c.qr_lifetime = Duration::from_secs(s);
    }
    o
}

/// Runs the simulator until Ctrl-C or SIGTERM.
pub async fn run(args: SimArgs) -> CliResult {
    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let mut stop = Stop::listen();
    let server = wx_sim::serve(addr, options(&args))
        .await
        .map_err(|e| CliError::runtime(format!("cannot serve on {addr}: {e}")))?;
    if let Some(p) = server.cert_path() {
        crate::out::line_lossy(format_args!("wx-sim certificate {}", p.display()));
    }
    crate::out::line_lossy(format_args!("wx-sim listening on {}", server.base_url()));
    eprintln!(
        "control API: {}/__sim/state (GET), /__sim/scan, /__sim/confirm, /__sim/push (POST); Ctrl-C stops",
        server.base_url()
    );
    stop.wait().await;
    server.shutdown().await;
    Ok(())
}
