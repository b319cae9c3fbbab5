//! Where snapshots live: the user's state directory and one file per profile.

use std::path::{Path, PathBuf};

use crate::store::StoreError;

/// The default directory: `$XDG_STATE_HOME/wx`, else `$HOME/.local/state/wx`.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("wx"));
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    Some(PathBuf::from(home).join(".local/state/wx"))
}

/// The snapshot file of `profile` in `dir`: `<dir>/<profile>.session.json`. A profile name
/// is 1 to 64 characters of `A-Z a-z 0-9 _ -`, so it can never leave the directory.
pub fn profile_path(dir: &Path, profile: &str) -> Result<PathBuf, StoreError> {
    let valid = !profile.is_empty()
        && profile.len() <= 64
        && profile
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !valid {
        return Err(StoreError::InvalidProfile(profile.to_owned()));
    }
    Ok(dir.join(format!("{profile}.session.json")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_are_confined() {
        let dir = Path::new("/tmp/x");
        assert_eq!(
            profile_path(dir, "work-1").ok(),
            Some(PathBuf::from("/tmp/x/work-1.session.json"))
        );
        for bad in ["", "../etc", "a/b", "a.b", &"x".repeat(65)] {
            assert!(profile_path(dir, bad).is_err(), "{bad}");
        }
    }
}
