//! Tolerant field deserializers: numbers that sometimes arrive as strings, strings that
//! sometimes arrive as numbers or `null`. The server and its captures are not consistent.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// A u64 from a JSON number or a decimal string; `null` and `""` give 0.
pub fn u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(IntVisitor).and_then(|n| {
        u64::try_from(n).map_err(|_| de::Error::invalid_value(de::Unexpected::Signed(0), &"u64"))
    })
}

/// An i64 from a JSON number or a decimal string; `null` and `""` give 0.
pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(IntVisitor).and_then(|n| {
        i64::try_from(n).map_err(|_| de::Error::invalid_value(de::Unexpected::Signed(0), &"i64"))
    })
}

/// A u32 from a JSON number or a decimal string; `null` and `""` give 0.
pub fn u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    d.deserialize_any(IntVisitor).and_then(|n| {
        u32::try_from(n).map_err(|_| de::Error::invalid_value(de::Unexpected::Signed(0), &"u32"))
    })
}

/// A string from a JSON string, number or `null` (as `""`).
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(StringVisitor)
}

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = i128;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a decimal string")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i128, E> {
        Ok(v.into())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i128, E> {
        Ok(v.into())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i128, E> {
        // Whole floats only (a JS client may have re-serialised an integer as 1e18).
        if v.fract() == 0.0 && v.abs() < 1.8e19 {
            Ok(v as i128)
        } else {
            Err(E::invalid_type(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i128, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(0);
        }
        t.parse::<i128>()
            .map_err(|_| E::invalid_value(de::Unexpected::Other("non-numeric string"), &self))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<i128, E> {
        Ok(v.into())
    }

    fn visit_unit<E: de::Error>(self) -> Result<i128, E> {
        Ok(0)
    }
}

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
}
