//! `-v`/`-vv` and `RUST_LOG`: diagnostic tracing on stderr, for reporting problems.
//!
//! The libraries log through `tracing` and never put a credential in a field (wx-proto's
//! `Secret` and `Request` `Debug` impls print `***` or leave the query string and the
//! `Cookie` header out), so the traced output can be attached to a bug report.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::error::{CliError, CliResult};

/// The crates of this workspace, as tracing targets.
const OWN: [&str; 6] = [
    "wx",
    "wx_proto",
    "wx_driver",
    "wx_async",
    "wx_tokio",
    "wx_store",
];

/// What to trace: `RUST_LOG` when set (`info`, `wx_proto=trace,wx_tokio=debug`, …), else
/// nothing without `-v`, this workspace's debug events with `-v`, everything with `-vv`.
pub fn filter(verbose: u8, rust_log: Option<&str>) -> CliResult<Option<Targets>> {
    if let Some(spec) = rust_log.map(str::trim).filter(|s| !s.is_empty()) {
        return spec.parse::<Targets>().map(Some).map_err(|e| {
            CliError::usage(format!(
                "RUST_LOG: {e} (expected e.g. `debug` or `wx_proto=trace,wx_tokio=debug`)"
            ))
        });
    }
    Ok(match verbose {
        0 => None,
        1 => Some(
            OWN.iter()
                .fold(Targets::new(), |t, c| t.with_target(*c, LevelFilter::DEBUG)),
        ),
        _ => Some(Targets::new().with_default(LevelFilter::TRACE)),
    })
}

/// Installs the stderr subscriber `filter` asks for (none: tracing stays off).
pub fn init(verbose: u8) -> CliResult {
    let rust_log = std::env::var("RUST_LOG").ok();
    let Some(targets) = filter(verbose, rust_log.as_deref())? else {
        return Ok(());
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false);
    tracing_subscriber::registry()
        .with(layer)
        .with(targets)
        .try_init()
        .map_err(|e| CliError::runtime(format!("cannot start tracing: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn verbosity_and_rust_log() {
        assert!(filter(0, None).expect("ok").is_none());
        let one = filter(1, None).expect("ok").expect("some");
        assert!(one.would_enable("wx_proto::client", &Level::DEBUG));
        assert!(!one.would_enable("wx_proto::client", &Level::TRACE));
        assert!(!one.would_enable("hyper_util", &Level::DEBUG));
        let two = filter(2, Some("  ")).expect("ok").expect("some");
        assert!(two.would_enable("hyper_util", &Level::TRACE));
        let env = filter(0, Some("wx_tokio=trace"))
            .expect("ok")
            .expect("some");
        assert!(env.would_enable("wx_tokio::driver", &Level::TRACE));
        assert!(!env.would_enable("wx_proto", &Level::ERROR));
        let bad = filter(2, Some("wx=loud")).expect_err("invalid");
        assert!(bad.to_string().starts_with("RUST_LOG: "), "{bad}");
        assert_eq!(bad.exit_code(), crate::error::EXIT_USAGE);
    }
}
