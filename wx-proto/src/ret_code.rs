//! `RetCode`: the typed form of `BaseResponse.Ret`, synccheck `retcode` and the login page `ret`.

/// A return code of the webwx server (protocol.md §2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetCode {
    /// 0: success.
    Ok,
    /// 1: bad parameter (also `addmember` in a large group).
    ParamError,
    /// -14: ticket error.
    TicketError,
    /// 1100: the session does not exist (logged out on the phone).
    SessionNotExist,
    /// 1101: the session is invalid (logged in elsewhere, or kicked).
    SessionInvalid,
    /// 1102: cookies missing or invalid (or quit on the phone).
    CookieInvalid,
    /// 1200: the server could not parse the request.
    BadRequest,
    /// 1201: the target group no longer exists.
    ChatRoomGone,
    /// 1203: this account may not log in to web WeChat.
    LoginRefused,
    /// 1204: the send was rejected (to self, or session state).
    SendRejected,
    /// 1205: rate limited.
    Throttled,
    /// Any other value, kept as received.
    Unknown(i64),
}

impl RetCode {
    /// Maps a raw number to its code.
    pub fn from_raw(raw: i64) -> Self {
        match raw {
            0 => RetCode::Ok,
            1 => RetCode::ParamError,
            -14 => RetCode::TicketError,
            1100 => RetCode::SessionNotExist,
            1101 => RetCode::SessionInvalid,
            1102 => RetCode::CookieInvalid,
            1200 => RetCode::BadRequest,
            1201 => RetCode::ChatRoomGone,
            1203 => RetCode::LoginRefused,
            1204 => RetCode::SendRejected,
            1205 => RetCode::Throttled,
            other => RetCode::Unknown(other),
        }
    }

    /// The raw number.
    pub fn raw(self) -> i64 {
        match self {
            RetCode::Ok => 0,
            RetCode::ParamError => 1,
            RetCode::TicketError => -14,
            RetCode::SessionNotExist => 1100,
            RetCode::SessionInvalid => 1101,
            RetCode::CookieInvalid => 1102,
            RetCode::BadRequest => 1200,
            RetCode::ChatRoomGone => 1201,
            RetCode::LoginRefused => 1203,
            RetCode::SendRejected => 1204,
            RetCode::Throttled => 1205,
            RetCode::Unknown(n) => n,
        }
    }

    /// True for 0.
    pub fn is_ok(self) -> bool {
        self == RetCode::Ok
    }

    /// True for the codes that end a session (1100, 1101, 1102).
    pub fn is_logout(self) -> bool {
        matches!(
            self,
            RetCode::SessionNotExist | RetCode::SessionInvalid | RetCode::CookieInvalid
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_known_code() {
        for raw in [
            0, 1, -14, 1100, 1101, 1102, 1200, 1201, 1203, 1204, 1205, 7, -2013,
        ] {
            assert_eq!(RetCode::from_raw(raw).raw(), raw);
        }
        assert_eq!(RetCode::from_raw(-2013), RetCode::Unknown(-2013));
        assert!(RetCode::from_raw(1102).is_logout());
        assert!(!RetCode::from_raw(1205).is_logout());
    }
}
