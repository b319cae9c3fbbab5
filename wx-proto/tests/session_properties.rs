//! Property test over whole sessions: thousands of generated transcripts (arbitrary response
//! bytes, statuses, failures, orderings, commands and time steps) thrown at a logged-in
//! client. `wx_proto::fuzzing::session` checks the invariants after every step and panics
//! on a violation: no panic, at most one synccheck and one webwxsync in flight, no MsgId
//! delivered twice, no busy loop, no credential in Debug output.

/// xorshift64*: a fixed-seed generator, so a failure names a reproducible case.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn generated_sessions_keep_every_invariant() {
    let mut g = Gen(0x5EED_1234_ABCD_0001);
    let (mut messages, mut requests) = (0, 0);
    for case in 0..3000 {
        let len = (g.next() % 400) as usize;
        let mut data = Vec::with_capacity(len);
        for _ in 0..len {
            // Bias towards the structured ops (1, 2, 4, 6) so sessions go deep.
            let b = g.next() as u8;
            data.push(if b.is_multiple_of(3) {
                [1, 2, 4, 6][(b as usize / 3) % 4]
            } else {
                b
            });
        }
        let outcome = std::panic::catch_unwind(|| wx_proto::fuzzing::session_report(&data));
        match outcome {
            Ok((m, r)) => {
                messages += m;
                requests += r;
            }
            Err(_) => panic!("case {case} broke an invariant; input: {data:?}"),
        }
    }
    // The generated sessions went deep: messages were delivered, many requests were made.
    eprintln!("{messages} messages, {requests} requests over 3000 sessions");
    assert!(messages > 100, "only {messages} messages delivered");
    assert!(requests > 30_000, "only {requests} requests");
}

#[test]
fn a_long_quiet_session_only_wakes_for_its_timers() {
    // Only time steps and well-formed answers: the loop keeps polling, never spins.
    let mut data = Vec::new();
    for i in 0..500u32 {
        data.extend_from_slice(&[1, (i % 2) as u8, 2, 0, 4, 200]);
    }
    let (messages, requests) = wx_proto::fuzzing::session_report(&data);
    assert!(messages >= 2, "the first sync delivers its messages");
    assert!(requests > 500, "{requests}");
}

#[test]
fn a_server_that_answers_at_once_gets_at_most_two_requests_a_second() {
    // Every synccheck answered at once (selector 0 or 2), every webwxsync with the same
    // batch (nothing new after the first), a quarter second between answers: ten minutes.
    let mut data = Vec::new();
    for i in 0..2400u32 {
        data.extend_from_slice(&[1, (i % 2) as u8, 2, 0, 4, 1]);
    }
    let (messages, requests) = wx_proto::fuzzing::session_report(&data);
    let seconds = 2400.0 * 0.25;
    eprintln!("{requests} requests in {seconds} s");
    assert!(messages >= 2, "the first sync delivers its messages");
    assert!(requests >= 20, "the loop kept polling: {requests}");
    assert!(
        requests as f64 <= 2.0 * seconds,
        "{requests} requests in {seconds} s"
    );
}
