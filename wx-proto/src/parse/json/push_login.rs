//! webwxpushloginurl: `{"ret":"0","msg":"all ok","uuid":"..."}` (lower-case keys, `ret` a string).

use serde::Deserialize;

use super::common::from_body;
use super::lenient;
use crate::error::{Endpoint, ErrorKind, Format, ParseError};
use crate::ret_code::RetCode;

#[derive(Deserialize)]
struct Raw {
    #[serde(deserialize_with = "lenient::i64")]
    ret: i64,
    #[serde(default, deserialize_with = "lenient::string")]
    msg: String,
    #[serde(default, deserialize_with = "lenient::string")]
    uuid: String,
}

/// What push login answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushLogin {
    /// The phone was asked to confirm; poll the login with this uuid.
    Uuid(String),
    /// Refused (e.g. `ret` 1: bad uin); fall back to a QR login.
    Refused {
        /// The code.
        ret: RetCode,
        /// `msg`.
        msg: String,
    },
}

/// Parses a webwxpushloginurl body.
pub fn parse_push_login(body: &[u8]) -> Result<PushLogin, ParseError> {
    let raw: Raw = from_body(body, Endpoint::PushLogin)?;
    match RetCode::from_raw(raw.ret) {
        RetCode::Ok if raw.uuid.is_empty() => Err(ParseError::new(
            Format::Json(Endpoint::PushLogin),
            body.len(),
            ErrorKind::MissingField("uuid"),
        )),
        RetCode::Ok => Ok(PushLogin::Uuid(raw.uuid)),
        ret => Ok(PushLogin::Refused { ret, msg: raw.msg }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_and_number_ret() {
        assert_eq!(
            parse_push_login(br#"{"ret":"0","msg":"all ok","uuid":"AbCdEf12_Q=="}"#),
            Ok(PushLogin::Uuid("AbCdEf12_Q==".into()))
        );
        assert_eq!(
            parse_push_login(br#"{"ret":1,"msg":"bad uin"}"#),
            Ok(PushLogin::Refused {
                ret: RetCode::ParamError,
                msg: "bad uin".into()
            })
        );
        assert!(parse_push_login(br#"{"ret":"0"}"#).is_err());
    }
}
