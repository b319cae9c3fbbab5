//! Opening a session from the common flags: the client config, the HTTP client (with an
//! extra CA and the proxy), the saved snapshot of a profile (restore, or a new login), saving it again.

use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use wx_proto::client::{Client, Config};

use crate::cli::Connection;
use crate::error::{CliError, CliResult};

/// 32 bytes of seed for the client's PRNG (device id, message ids), from the standard
/// library's randomly keyed hasher.
pub fn seed() -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(i);
        h.write_u128(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    out
}

impl Connection {
    /// The client configuration these flags ask for.
    pub fn config(&self) -> Config {
        let mut config = match &self.base_url {
            Some(url) => Config::for_base_url(url.trim_end_matches('/')),
            None => Config::default(),
        };
        config.desktop = self.desktop;
        config
    }

    /// Checks `--base-url` before anything else runs: `http://` or `https://` and a host.
    pub fn validate_base_url(&self) -> CliResult {
        let Some(url) = &self.base_url else {
            return Ok(());
        };
        let shown = wx_proto::model::terminal_safe_line(url).into_owned();
        let bad = |why: &str| {
            Err(CliError::usage(format!(
                "--base-url {shown:?}: {why} (e.g. http://127.0.0.1:8080)"
            )))
        };
        let Ok(uri) = url.trim().parse::<http::Uri>() else {
            return bad("not a URL");
        };
        match uri.scheme_str() {
            Some("http" | "https") => {}
            Some(other) => return bad(&format!("the scheme must be http or https, not {other}")),
            None => return bad("the URL needs http:// or https://"),
        }
        if uri.host().is_none_or(str::is_empty) {
            return bad("the URL needs a host");
        }
        if uri.query().is_some() {
            return bad("the URL must not have a query");
        }
        Ok(())
    }

    /// Fails at once, before any network, when the profile has no saved session (every
    /// session command but `wx login` needs one).
    pub fn require_saved(&self) -> CliResult {
        if self.snapshot_path()?.exists() {
            return Ok(());
        }
        Err(CliError::runtime(if self.profile == "default" {
            "no saved session (run wx login)".to_owned()
        } else {
            format!(
                "no saved session for profile {} (run wx login --profile {})",
                self.profile, self.profile
            )
        }))
    }

    /// The HTTP client, trusting `--ca-cert` on top of the built-in roots, through the
    /// proxy of `--proxy` or the environment (see [`crate::proxy`]).
    pub fn http(&self) -> CliResult<wx_tokio::HttpClient> {
        let mut options = wx_tokio::HttpOptions {
            proxy: (self.proxy).resolve(self.base_url.as_deref(), |n| std::env::var(n).ok())?,
            ..wx_tokio::HttpOptions::default()
        };
        if let Some(path) = &self.ca_cert {
            let pem = std::fs::read_to_string(path).map_err(|e| {
                CliError::usage(format!("cannot read --ca-cert {}: {e}", path.display()))
            })?;
            options.extra_root_pem.push(pem);
        }
        wx_tokio::HttpClient::new(options).map_err(|e| CliError::usage(format!("--ca-cert: {e}")))
    }

    /// The snapshot file of `--profile` in `--state-dir` (or the user's state directory).
    pub fn snapshot_path(&self) -> CliResult<PathBuf> {
        let dir = match &self.state_dir {
            Some(d) => d.clone(),
            None => wx_store::default_dir().ok_or_else(|| {
                CliError::usage(
                    "no state directory: set HOME or XDG_STATE_HOME, or pass --state-dir",
                )
            })?,
        };
        wx_store::profile_path(&dir, &self.profile).map_err(|e| CliError::usage(e.to_string()))
    }

    /// A client for this profile: the saved session restored (hot login, then push login,
    /// then a QR code, as the core falls back), or a new QR login when none is saved.
    /// Returns whether a snapshot was restored.
    pub fn open(&self) -> CliResult<(Client, bool)> {
        let path = self.snapshot_path()?;
        let (now, wall) = (Instant::now(), SystemTime::now());
        if path.exists() {
            let snapshot = wx_store::load(&path).map_err(|e| CliError::runtime(e.to_string()))?;
            let client = Client::restore(self.config(), snapshot, seed(), now, wall)
                .map_err(|e| CliError::runtime(format!("{}: {e}", path.display())))?;
            return Ok((client, true));
        }
        Ok((Client::new(self.config(), seed(), now, wall), false))
    }

    /// Saves the client's current snapshot (nothing before the first login completes).
    pub fn save(&self, client: &Client) -> CliResult<bool> {
        let Some(snapshot) = client.snapshot(Instant::now()) else {
            return Ok(false);
        };
        let path = self.snapshot_path()?;
        wx_store::save(&path, &snapshot).map_err(|e| CliError::runtime(e.to_string()))?;
        Ok(true)
    }
}
