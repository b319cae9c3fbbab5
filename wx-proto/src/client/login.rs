//! The login flow and its state ([`Login`]): jslogin, QR polling (408/201/200/400/202/500),
//! webwxnewloginpage and the switch to the redirect's host family; push login
//! (webwxpushloginurl: the phone confirms without a scan). The flows send through the
//! [`Core`] and answer the engine with [`LoginNext`]; the credentials they end with start a
//! `Session`.

use std::time::Instant;

use super::core::{Core, Outcome};
use super::trust;
use super::{Event, Lane, LoginPath, LogoutReason, Phase, ProblemKind, Purpose, Server};
use crate::Endpoint;
use crate::build::{self, Creds};
use crate::client::base64;
use crate::client::hosts::{Hosts, origin_of};
use crate::parse::{
    JsLogin, LoginPage, LoginPoll, PushLogin, parse_jslogin, parse_login_page, parse_login_poll,
    parse_push_login,
};
use crate::secret::Uin;

/// How many times a failing webwxnewloginpage is retried before the login ends.
const LOGIN_PAGE_ATTEMPTS: u32 = 3;

/// What a login flow asks of the engine when it returns.
#[must_use]
#[derive(Debug)]
pub(super) enum LoginNext {
    /// Nothing: the flow has queued what comes next.
    Go,
    /// The login is over without a session.
    End(LogoutReason),
    /// Credentials: a session starts (webwxinit next).
    Credentials(Creds),
    /// Push login did not work out: a QR login instead.
    QrLogin,
}

/// Where a login is.
#[derive(Debug, Default)]
pub(super) struct Login {
    /// The uuid being polled.
    uuid: Option<String>,
    /// Polls for the current uuid (the first carries `tip=1`).
    polls_for_uuid: u32,
    /// The confirmed redirect, kept to retry webwxnewloginpage.
    pending_redirect: Option<String>,
    /// QR codes renewed after expiry in this login.
    pub(super) qr_renewals: u32,
    /// The current uuid came from push login (expiry falls back to a QR code).
    push_login: bool,
}

impl Login {
    /// Forgets the uuid and redirect of an earlier attempt.
    pub(super) fn reset(&mut self) {
        self.uuid = None;
        self.pending_redirect = None;
        self.push_login = false;
    }

    pub(super) fn send_jslogin(&mut self, core: &mut Core, now: Instant) {
        core.phase = Phase::FetchingUuid;
        let req = build::jslogin(&core.ctx(now));
        core.send(Endpoint::JsLogin, req, Purpose::Lane, now);
    }

    pub(super) fn send_login_poll(&mut self, core: &mut Core, now: Instant) {
        let Some(uuid) = self.uuid.as_deref() else {
            return self.send_jslogin(core, now);
        };
        // tip=1 on the first poll after a new uuid, 0 afterwards (the official client).
        let tip = u8::from(self.polls_for_uuid == 0);
        self.polls_for_uuid += 1;
        let req = build::login_poll(&core.ctx(now), uuid, tip);
        core.send(Endpoint::LoginPoll, req, Purpose::Lane, now);
    }

    pub(super) fn send_login_page(&mut self, core: &mut Core, redirect_uri: &str, now: Instant) {
        let req = build::login_page(&core.ctx(now), redirect_uri);
        core.send(Endpoint::LoginPage, req, Purpose::Lane, now);
    }

    pub(super) fn on_jslogin(&mut self, core: &mut Core, outcome: Outcome, now: Instant) {
        let body = match outcome.body_2xx() {
            Ok(b) => b,
            Err(p) => return core.retry_lane(Endpoint::JsLogin, p, Lane::JsLogin, now),
        };
        match parse_jslogin(&body) {
            Ok(JsLogin::Uuid(uuid)) => {
                let uuid = uuid.into_owned();
                core.lane.failures = 0;
                self.polls_for_uuid = 0;
                core.phase = Phase::WaitingForScan;
                let qr = &core.hosts.qr;
                let event = Event::QrCode {
                    qr_text: format!("{qr}/l/{uuid}"),
                    image_url: format!("{qr}/qrcode/{uuid}"),
                    uuid: uuid.clone(),
                    renewal: self.qr_renewals,
                };
                core.emit(event);
                self.uuid = Some(uuid);
                self.send_login_poll(core, now);
            }
            Ok(JsLogin::Failed { code }) => core.retry_lane(
                Endpoint::JsLogin,
                ProblemKind::Server(crate::RetCode::from_raw(code)),
                Lane::JsLogin,
                now,
            ),
            Err(e) => core.retry_lane(
                Endpoint::JsLogin,
                ProblemKind::Malformed(e),
                Lane::JsLogin,
                now,
            ),
        }
    }

    pub(super) fn on_login_poll(
        &mut self,
        core: &mut Core,
        outcome: Outcome,
        now: Instant,
    ) -> LoginNext {
        let body = match outcome.body_2xx() {
            Ok(b) => b,
            Err(p) => {
                core.retry_lane(Endpoint::LoginPoll, p, Lane::LoginPoll, now);
                return LoginNext::Go;
            }
        };
        let poll = match parse_login_poll(&body) {
            Ok(p) => p,
            Err(e) => {
                let problem = ProblemKind::Malformed(e);
                core.retry_lane(Endpoint::LoginPoll, problem, Lane::LoginPoll, now);
                return LoginNext::Go;
            }
        };
        core.lane.failures = 0;
        match poll {
            LoginPoll::Waiting => self.send_login_poll(core, now),
            LoginPoll::Scanned { avatar } => {
                core.phase = Phase::WaitingForConfirm;
                let avatar = avatar.and_then(|a| base64::decode_data_url(&a));
                core.emit(Event::Scanned { avatar });
                self.send_login_poll(core, now);
            }
            LoginPoll::Confirmed { redirect_uri } => {
                let redirect_uri = redirect_uri.into_owned();
                // The ticket goes where the redirect points: only to a trusted host.
                if let Err(why) = trust::check_url(&core.config, &redirect_uri) {
                    tracing::warn!(%why, "login redirect refused");
                    return LoginNext::End(LogoutReason::UntrustedHost(why));
                }
                core.hosts = match &core.config.server {
                    Server::Custom(base) => Hosts::single(base),
                    Server::Official => {
                        let host = origin_of(&redirect_uri)
                            .and_then(|o| o.split("://").nth(1).map(str::to_owned))
                            .unwrap_or_default();
                        Hosts::family(&host)
                    }
                };
                core.phase = Phase::LoggingIn;
                core.emit(Event::Confirmed);
                self.send_login_page(core, &redirect_uri, now);
                self.pending_redirect = Some(redirect_uri);
            }
            LoginPoll::Expired | LoginPoll::Cancelled | LoginPoll::ServerError
                if self.push_login =>
            {
                // The phone did not confirm the push login in time: a QR code it is.
                return LoginNext::QrLogin;
            }
            LoginPoll::Expired | LoginPoll::Cancelled | LoginPoll::ServerError => {
                self.qr_renewals += 1;
                self.uuid = None;
                if self.qr_renewals > core.config.max_qr_renewals {
                    return LoginNext::End(LogoutReason::QrExpired);
                }
                self.send_jslogin(core, now);
            }
            LoginPoll::Other(code) => core.retry_lane(
                Endpoint::LoginPoll,
                ProblemKind::Server(crate::RetCode::from_raw(code)),
                Lane::LoginPoll,
                now,
            ),
        }
        LoginNext::Go
    }

    pub(super) fn on_login_page(
        &mut self,
        core: &mut Core,
        outcome: Outcome,
        now: Instant,
    ) -> LoginNext {
        // 200 with version=v2, or 301 without a Location: both carry the XML.
        let body = match outcome {
            Outcome::Response { status, body } if (200..400).contains(&status) => Ok(body),
            other => other.body_2xx(),
        };
        let parsed = body.and_then(|b| parse_login_page(&b).map_err(ProblemKind::Malformed));
        match parsed {
            Ok(LoginPage::Ok(c)) => {
                core.lane.failures = 0;
                self.pending_redirect = None;
                let device_id = format!("e{}", core.rng.digits(15));
                LoginNext::Credentials(Creds {
                    uin: c.wxuin,
                    sid: c.wxsid,
                    skey: c.skey,
                    pass_ticket_raw: c.pass_ticket_raw,
                    device_id,
                })
            }
            Ok(LoginPage::Refused { ret, message }) => {
                core.emit(Event::LoginRefused { code: ret, message });
                LoginNext::End(LogoutReason::LoginRefused(ret))
            }
            Ok(LoginPage::NeedsBrowser { .. }) => LoginNext::End(LogoutReason::NeedsBrowser),
            Err(problem) => {
                if core.lane.failures + 1 >= LOGIN_PAGE_ATTEMPTS {
                    core.problem(problem, Endpoint::LoginPage, None);
                    return LoginNext::End(LogoutReason::InitFailed);
                }
                match self.pending_redirect.clone() {
                    Some(uri) => {
                        let lane = Lane::LoginPage(uri);
                        core.retry_lane(Endpoint::LoginPage, problem, lane, now);
                        LoginNext::Go
                    }
                    None => LoginNext::End(LogoutReason::InitFailed),
                }
            }
        }
    }

    // ----- push login (no scan: the phone confirms) -----

    /// Asks the phone of account `uin` to confirm a login.
    pub(super) fn send_push_login(&mut self, core: &mut Core, uin: Uin, now: Instant) {
        core.phase = Phase::LoggingIn;
        let req = build::push_login(&core.ctx(now), uin.get());
        core.send(Endpoint::PushLogin, req, Purpose::Lane, now);
    }

    pub(super) fn on_push_login(
        &mut self,
        core: &mut Core,
        outcome: Outcome,
        now: Instant,
    ) -> LoginNext {
        let parsed = outcome
            .body_2xx()
            .and_then(|b| parse_push_login(&b).map_err(ProblemKind::Malformed));
        match parsed {
            Ok(PushLogin::Uuid(uuid)) => {
                core.emit(Event::LoginPath(LoginPath::Push));
                self.uuid = Some(uuid);
                self.polls_for_uuid = 0;
                self.push_login = true;
                core.phase = Phase::WaitingForConfirm;
                self.send_login_poll(core, now);
                LoginNext::Go
            }
            Ok(PushLogin::Refused { ret, .. }) => {
                core.problem(ProblemKind::Server(ret), Endpoint::PushLogin, None);
                LoginNext::QrLogin
            }
            Err(problem) => {
                core.problem(problem, Endpoint::PushLogin, None);
                LoginNext::QrLogin
            }
        }
    }
}
