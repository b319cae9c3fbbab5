//! The login flow: jslogin, QR polling (408/201/200/400/202/500), webwxnewloginpage and the
//! switch to the redirect's host family; push login (webwxpushloginurl: the phone confirms
//! without a scan).

use std::time::Instant;

use super::{
    Client, Event, Lane, LoginPath, LogoutReason, Outcome, Phase, ProblemKind, Purpose, Server,
};
use crate::Endpoint;
use crate::build::{self, Creds};
use crate::client::base64;
use crate::client::hosts::{Hosts, origin_of};
use crate::parse::{
    JsLogin, LoginPage, LoginPoll, PushLogin, parse_jslogin, parse_login_page, parse_login_poll,
    parse_push_login,
};

/// How many times a failing webwxnewloginpage is retried before the login ends.
const LOGIN_PAGE_ATTEMPTS: u32 = 3;

impl Client {
    pub(super) fn send_jslogin(&mut self, now: Instant) {
        self.phase = Phase::FetchingUuid;
        let (ctx, _) = self.ctx(now);
        let req = build::jslogin(&ctx);
        self.send(Endpoint::JsLogin, req, Purpose::Lane, now);
    }

    pub(super) fn send_login_poll(&mut self, now: Instant) {
        let Some(uuid) = self.uuid.clone() else {
            return self.send_jslogin(now);
        };
        // tip=1 on the first poll after a new uuid, 0 afterwards (the official client).
        let tip = u8::from(self.polls_for_uuid == 0);
        self.polls_for_uuid += 1;
        let (ctx, _) = self.ctx(now);
        let req = build::login_poll(&ctx, &uuid, tip);
        self.send(Endpoint::LoginPoll, req, Purpose::Lane, now);
    }

    pub(super) fn send_login_page(&mut self, redirect_uri: &str, now: Instant) {
        let (ctx, _) = self.ctx(now);
        let req = build::login_page(&ctx, redirect_uri);
        self.send(Endpoint::LoginPage, req, Purpose::Lane, now);
    }

    /// Retries the lane step after a failure, with backoff, and reports the problem.
    pub(super) fn retry_lane(
        &mut self,
        kind: Endpoint,
        problem: ProblemKind,
        lane: Lane,
        now: Instant,
    ) {
        self.lane_failures += 1;
        let delay = self.backoff(self.lane_failures);
        self.problem(problem, kind, Some(delay));
        self.set_lane_timer(now + delay, lane);
    }

    pub(super) fn on_jslogin(&mut self, outcome: Outcome, now: Instant) {
        let body = match outcome.body_2xx() {
            Ok(b) => b,
            Err(p) => return self.retry_lane(Endpoint::JsLogin, p, Lane::JsLogin, now),
        };
        match parse_jslogin(&body) {
            Ok(JsLogin::Uuid(uuid)) => {
                let uuid = uuid.into_owned();
                self.lane_failures = 0;
                self.polls_for_uuid = 0;
                self.phase = Phase::WaitingForScan;
                self.events.push_back(Event::QrCode {
                    qr_text: format!("{}/l/{uuid}", self.hosts.qr),
                    image_url: format!("{}/qrcode/{uuid}", self.hosts.qr),
                    uuid: uuid.clone(),
                    renewal: self.qr_renewals,
                });
                self.uuid = Some(uuid);
                self.send_login_poll(now);
            }
            Ok(JsLogin::Failed { code }) => self.retry_lane(
                Endpoint::JsLogin,
                ProblemKind::Server(crate::RetCode::from_raw(code)),
                Lane::JsLogin,
                now,
            ),
            Err(e) => self.retry_lane(
                Endpoint::JsLogin,
                ProblemKind::Malformed(e),
                Lane::JsLogin,
                now,
            ),
        }
    }

    pub(super) fn on_login_poll(&mut self, outcome: Outcome, now: Instant) {
        let body = match outcome.body_2xx() {
            Ok(b) => b,
            Err(p) => return self.retry_lane(Endpoint::LoginPoll, p, Lane::LoginPoll, now),
        };
        let poll = match parse_login_poll(&body) {
            Ok(p) => p,
            Err(e) => {
                return self.retry_lane(
                    Endpoint::LoginPoll,
                    ProblemKind::Malformed(e),
                    Lane::LoginPoll,
                    now,
                );
            }
        };
        self.lane_failures = 0;
        match poll {
            LoginPoll::Waiting => self.send_login_poll(now),
            LoginPoll::Scanned { avatar } => {
                self.phase = Phase::WaitingForConfirm;
                let avatar = avatar.and_then(|a| base64::decode_data_url(&a));
                self.events.push_back(Event::Scanned { avatar });
                self.send_login_poll(now);
            }
            LoginPoll::Confirmed { redirect_uri } => {
                let redirect_uri = redirect_uri.into_owned();
                self.hosts = match &self.config.server {
                    Server::Custom(base) => Hosts::single(base),
                    Server::Official => {
                        let host = origin_of(&redirect_uri)
                            .and_then(|o| o.split("://").nth(1).map(str::to_owned))
                            .unwrap_or_default();
                        Hosts::family(&host)
                    }
                };
                self.push_host = self.hosts.push.clone();
                self.push_alternatives = self.hosts.alternative_push_hosts();
                self.phase = Phase::LoggingIn;
                self.events.push_back(Event::Confirmed);
                self.send_login_page(&redirect_uri, now);
                self.pending_redirect = Some(redirect_uri);
            }
            LoginPoll::Expired | LoginPoll::Cancelled | LoginPoll::ServerError
                if self.push_login =>
            {
                // The phone did not confirm the push login in time: a QR code it is.
                self.start_qr_login(now);
            }
            LoginPoll::Expired | LoginPoll::Cancelled | LoginPoll::ServerError => {
                self.qr_renewals += 1;
                self.uuid = None;
                if self.qr_renewals > self.config.max_qr_renewals {
                    self.end_session(LogoutReason::QrExpired);
                } else {
                    self.send_jslogin(now);
                }
            }
            LoginPoll::Other(code) => self.retry_lane(
                Endpoint::LoginPoll,
                ProblemKind::Server(crate::RetCode::from_raw(code)),
                Lane::LoginPoll,
                now,
            ),
        }
    }

    pub(super) fn on_login_page(&mut self, outcome: Outcome, now: Instant) {
        // 200 with version=v2, or 301 without a Location: both carry the XML.
        let body = match outcome {
            Outcome::Response { status, body } if (200..400).contains(&status) => Ok(body),
            other => other.body_2xx(),
        };
        let parsed = body.and_then(|b| parse_login_page(&b).map_err(ProblemKind::Malformed));
        match parsed {
            Ok(LoginPage::Ok(c)) => {
                self.lane_failures = 0;
                self.pending_redirect = None;
                let device_id = format!("e{}", self.rng.digits(15));
                self.creds = Some(Creds {
                    uin: c.wxuin,
                    sid: c.wxsid,
                    skey: c.skey,
                    pass_ticket_raw: c.pass_ticket_raw,
                    device_id,
                });
                self.reinit = false;
                self.send_init(now);
            }
            Ok(LoginPage::Refused { ret, message }) => {
                self.events
                    .push_back(Event::LoginRefused { code: ret, message });
                self.end_session(LogoutReason::LoginRefused(ret));
            }
            Ok(LoginPage::NeedsBrowser { .. }) => self.end_session(LogoutReason::NeedsBrowser),
            Err(problem) => {
                if self.lane_failures + 1 >= LOGIN_PAGE_ATTEMPTS {
                    self.problem(problem, Endpoint::LoginPage, None);
                    return self.end_session(LogoutReason::InitFailed);
                }
                match self.pending_redirect.clone() {
                    Some(uri) => {
                        self.retry_lane(Endpoint::LoginPage, problem, Lane::LoginPage(uri), now)
                    }
                    None => self.end_session(LogoutReason::InitFailed),
                }
            }
        }
    }

    // ----- push login (no scan: the phone confirms) -----

    pub(super) fn start_push_login(&mut self, now: Instant) {
        let Some(uin) = self.last_uin.or(self.creds.as_ref().map(|c| c.uin)) else {
            return self.start_qr_login(now);
        };
        self.reset_session();
        self.last_uin = Some(uin);
        self.phase = Phase::LoggingIn;
        let (ctx, _) = self.ctx(now);
        let req = build::push_login(&ctx, uin.get());
        self.send(Endpoint::PushLogin, req, Purpose::Lane, now);
    }

    pub(super) fn on_push_login(&mut self, outcome: Outcome, now: Instant) {
        let parsed = outcome
            .body_2xx()
            .and_then(|b| parse_push_login(&b).map_err(ProblemKind::Malformed));
        match parsed {
            Ok(PushLogin::Uuid(uuid)) => {
                self.events.push_back(Event::LoginPath(LoginPath::Push));
                self.uuid = Some(uuid);
                self.polls_for_uuid = 0;
                self.push_login = true;
                self.phase = Phase::WaitingForConfirm;
                self.send_login_poll(now);
            }
            Ok(PushLogin::Refused { ret, .. }) => {
                self.problem(ProblemKind::Server(ret), Endpoint::PushLogin, None);
                self.start_qr_login(now);
            }
            Err(problem) => {
                self.problem(problem, Endpoint::PushLogin, None);
                self.start_qr_login(now);
            }
        }
    }
}
