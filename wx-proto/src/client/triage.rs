//! One reading of a server code for every flow: success, the end of the session, a rate
//! limit, or a failure to retry or report. Each flow matches on the [`Verdict`] and adds its
//! own overrides first (a resumed session that the server no longer knows, the first
//! synccheck's 1100 that may be a wrong push host, a send's 1205 that pauses the queue).

use super::event::LogoutReason;
use crate::ret_code::RetCode;

/// What a server code means for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// 0: go on.
    Ok,
    /// 1100, 1101, 1102: the session is over.
    Logout(LogoutReason),
    /// 1205: wait, then ask again.
    Throttled,
    /// Any other code: the flow retries or reports it.
    Failed(RetCode),
}

/// The verdict on `code`.
pub(crate) fn verdict(code: RetCode) -> Verdict {
    match code {
        RetCode::Ok => Verdict::Ok,
        code if code.is_logout() => Verdict::Logout(LogoutReason::from_code(code)),
        RetCode::Throttled => Verdict::Throttled,
        code => Verdict::Failed(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_verdict() {
        assert_eq!(verdict(RetCode::from_raw(0)), Verdict::Ok);
        assert_eq!(
            verdict(RetCode::from_raw(1100)),
            Verdict::Logout(LogoutReason::PhoneLoggedOut)
        );
        assert_eq!(
            verdict(RetCode::from_raw(1101)),
            Verdict::Logout(LogoutReason::SessionInvalid)
        );
        assert_eq!(
            verdict(RetCode::from_raw(1102)),
            Verdict::Logout(LogoutReason::Kicked)
        );
        assert_eq!(verdict(RetCode::from_raw(1205)), Verdict::Throttled);
        for raw in [1, -14, 1200, 1201, 1203, 1204, 7, -2013] {
            assert_eq!(
                verdict(RetCode::from_raw(raw)),
                Verdict::Failed(RetCode::from_raw(raw))
            );
        }
    }
}
