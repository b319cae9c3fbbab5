//! Each op state machine on its own: the steps it answers a start and every kind of answer
//! with, without an engine.
// A test needs an `Instant` to start from; the ops only ever get it passed in.
#![allow(clippy::disallowed_methods)]

use super::*;
use crate::build::Creds;
use crate::client::command::Command;
use crate::client::{Config, Failure, Hosts};
use crate::ret_code::RetCode;
use crate::secret::{Secret, Uin};

fn creds() -> Creds {
    Creds {
        uin: Uin(42),
        sid: Secret::new("sid".into()),
        skey: Secret::new("@skey".into()),
        pass_ticket_raw: Secret::new("ticket".into()),
        device_id: "e123456789012345".into(),
    }
}

/// Runs `f` with a context at wall time 1,700,000,000,000 ms.
fn with_cx<R>(logged_in: bool, f: impl FnOnce(&mut OpCx<'_>) -> R) -> R {
    let (config, hosts, creds) = (
        Config::default(),
        Hosts::single("http://127.0.0.1:1"),
        creds(),
    );
    let mut rng = Rng::new([3; 32]);
    let mut cx = OpCx {
        ctx: Ctx {
            config: &config,
            hosts: &hosts,
            wall_ms: 1_700_000_000_000,
        },
        creds: logged_in.then_some(&creds),
        me: "@me",
        rng: &mut rng,
        uploads: &mut 0,
        data_ticket: "T+1",
        now: Instant::now(),
        book: &crate::model::ContactBook::EMPTY,
        invite_start_count: 40,
    };
    f(&mut cx)
}

/// The op for a command that passes its checks.
fn new_op(command: Command) -> OpState {
    OpState::new(command).unwrap_or_else(|e| panic!("refused: {e}"))
}

/// Hands an answer to the op, with a context.
fn respond(op: &mut OpState, endpoint: Endpoint, outcome: Outcome) -> Vec<Step> {
    with_cx(true, |cx| op.on_response(cx, endpoint, outcome))
}

fn answer(body: &str) -> Outcome {
    Outcome::Response {
        status: 200,
        body: body.as_bytes().to_vec(),
    }
}

fn ret(code: i64) -> Outcome {
    answer(&format!(
        r#"{{"BaseResponse":{{"Ret":{code},"ErrMsg":"m"}},"MsgID":"9","LocalID":"1"}}"#
    ))
}

fn sent_request(steps: &[Step]) -> (Endpoint, String) {
    match steps {
        [Step::Send(e, r)] => (*e, String::from_utf8_lossy(r.body()).into_owned()),
        other => panic!("expected one request, got {other:?}"),
    }
}

fn done(steps: &[Step]) -> &Result<OpOutput, OpError> {
    steps
        .iter()
        .find_map(|s| match s {
            Step::Done(r) => Some(r),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no Done in {steps:?}"))
}

fn text_op() -> OpState {
    new_op(Command::SendText {
        to: "@bob".into(),
        text: "hi".into(),
    })
}

#[test]
fn a_text_send_carries_a_fresh_client_msg_id_and_returns_both_ids() {
    let mut op = text_op();
    assert_eq!(op.paced_chat(), Some("@bob"));
    let (endpoint, body) = with_cx(true, |cx| sent_request(&op.start(cx)));
    assert_eq!(endpoint, Endpoint::SendMsg);
    assert!(body.contains(r#""ToUserName":"@bob""#) && body.contains(r#""FromUserName":"@me""#));
    let id = body
        .split(r#""ClientMsgId":""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(id.len(), 17, "13 ms digits, a 0, 3 random digits: {id}");
    assert!(id.starts_with("17000000000000"));
    let steps = respond(&mut op, endpoint, ret(0));
    assert!(matches!(&steps[0], Step::OwnMessage(m) if m == "9"));
    assert_eq!(
        done(&steps),
        &Ok(OpOutput::Sent {
            msg_id: "9".into(),
            client_msg_id: id
        })
    );
}

#[test]
fn a_send_after_a_1205_pause_is_a_new_send_with_a_new_id() {
    let mut op = text_op();
    let (first, throttled, second) = with_cx(true, |cx| {
        let first = sent_request(&op.start(cx)).1;
        let throttled = respond(&mut op, Endpoint::SendMsg, ret(1205));
        (first, throttled, sent_request(&op.start(cx)).1)
    });
    assert!(matches!(
        throttled.as_slice(),
        [Step::Throttled(Endpoint::SendMsg)]
    ));
    assert_ne!(first, second, "each start draws a new ClientMsgId");
}

#[test]
fn every_failed_answer_ends_the_op_with_its_typed_error() {
    let cases: [(Outcome, OpError); 5] = [
        (ret(1201), OpError::GroupGone),
        (ret(1204), OpError::Refused),
        (
            ret(-14),
            OpError::Server {
                code: RetCode::from_raw(-14),
                message: "m".into(),
            },
        ),
        (
            Outcome::Response {
                status: 502,
                body: Vec::new(),
            },
            OpError::HttpStatus(502),
        ),
        (
            Outcome::Failure(Failure::Io),
            OpError::Transport(Failure::Io),
        ),
    ];
    for (outcome, error) in cases {
        let mut op = text_op();
        let steps = respond(&mut op, Endpoint::SendMsg, outcome);
        assert_eq!(steps.len(), 1, "{steps:?}");
        assert_eq!(done(&steps), &Err(error));
    }
}

#[test]
fn a_malformed_answer_is_reported_and_ends_the_op() {
    let mut op = text_op();
    let steps = respond(&mut op, Endpoint::SendMsg, answer("{\"BaseResponse\":"));
    assert!(matches!(
        &steps[0],
        Step::Problem(ProblemKind::Malformed(_), Endpoint::SendMsg)
    ));
    assert!(matches!(done(&steps), Err(OpError::Malformed(_))));
}

#[test]
fn a_logout_code_fails_the_op_then_ends_the_session() {
    let mut op = text_op();
    let steps = respond(&mut op, Endpoint::SendMsg, ret(1101));
    assert!(matches!(
        steps.as_slice(),
        [
            Step::Done(Err(OpError::SessionEnded)),
            Step::EndSession(LogoutReason::SessionInvalid)
        ]
    ));
}

#[test]
fn one_request_ops_call_their_endpoint_and_end_done() {
    let commands = [
        (
            Command::MarkRead {
                chat: "@bob".into(),
            },
            Endpoint::StatusNotify,
        ),
        (
            Command::Revoke {
                to: "@bob".into(),
                msg_id: "9".into(),
                client_msg_id: "1".into(),
            },
            Endpoint::Revoke,
        ),
        (
            Command::SetRemark {
                user: "@bob".into(),
                remark: "B".into(),
            },
            Endpoint::OpLog,
        ),
        (
            Command::RenameGroup {
                group: "@@g".into(),
                topic: "T".into(),
            },
            Endpoint::UpdateChatRoom,
        ),
    ];
    for (command, expected) in commands {
        let mut op = new_op(command);
        assert_eq!(op.paced_chat(), None);
        assert!(!op.is_logout());
        let (endpoint, _) = with_cx(true, |cx| sent_request(&op.start(cx)));
        assert_eq!(endpoint, expected);
        let steps = respond(&mut op, endpoint, ret(0));
        assert_eq!(done(&steps), &Ok(OpOutput::Done), "{expected:?}");
        let mut op2 = new_op(Command::MarkRead { chat: "@x".into() });
        let steps = respond(&mut op2, endpoint, ret(1));
        assert!(matches!(done(&steps), Err(OpError::Server { .. })));
    }
}

#[test]
fn an_op_without_a_session_ends_at_once() {
    let mut op = text_op();
    let steps = with_cx(false, |cx| op.start(cx));
    assert_eq!(done(&steps), &Err(OpError::SessionEnded));
}

#[test]
fn logout_stops_the_lane_then_sends_and_any_answer_ends_the_session() {
    let mut op = new_op(Command::Logout);
    assert!(op.is_logout());
    let steps = with_cx(true, |cx| op.start(cx));
    assert!(matches!(
        steps.as_slice(),
        [Step::BeginLogout, Step::Send(Endpoint::Logout, _)]
    ));
    for outcome in [answer("<html>"), Outcome::Failure(Failure::Timeout)] {
        let steps = respond(&mut op, Endpoint::Logout, outcome);
        assert!(matches!(
            steps.as_slice(),
            [
                Step::Done(Ok(OpOutput::Done)),
                Step::EndSession(LogoutReason::UserRequested)
            ]
        ));
    }
    let mut before_login = new_op(Command::Logout);
    let steps = with_cx(false, |cx| before_login.start(cx));
    assert!(matches!(
        steps.as_slice(),
        [
            Step::Done(Ok(OpOutput::Done)),
            Step::EndSession(LogoutReason::UserRequested)
        ]
    ));
}
