//! `Secret<T>`: a wrapper for credentials whose `Debug` prints `***` and that has no `Display`.

use std::fmt;

/// A credential (skey, sid, pass_ticket, cookie value, ...). `Debug` never shows it;
/// read it with [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Gives the value, for building a request.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Serialises the value itself: only snapshots (which are secret files) serialise secrets.
impl<T: serde::Serialize> serde::Serialize for Secret<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Secret<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new(String::from("@crypt_deadbeef"));
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(s.expose(), "@crypt_deadbeef");
    }
}

/// An account's uin: a number that identifies the account, so `Debug` hides it like a
/// credential. `Serialize` and `Deserialize` keep the number (for snapshots); read it with
/// [`Uin::get`].
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uin(pub u64);

impl Uin {
    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Debug for Uin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            f.write_str("Uin(0)")
        } else {
            f.write_str("Uin(***)")
        }
    }
}

impl serde::Serialize for Uin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Uin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::parse::json::lenient::u64(d).map(Uin)
    }
}
