//! Slowloris: hundreds of connections that never finish their request head. With a short
//! header timeout they are closed, and a client is served while they hang and afterwards.

use crate::process::{SimProcess, client_logs_in};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[test]
fn unfinished_request_heads_are_closed_after_the_header_timeout() {
    let sim = SimProcess::start(&["--header-timeout-ms", "500"]);
    let baseline = sim.open_fds();
    let mut conns: Vec<TcpStream> = (0..200)
        .map(|i| {
            let mut s = TcpStream::connect(&sim.addr).unwrap();
            // Half send a partial head, half send nothing at all.
            if i % 2 == 0 {
                s.write_all(b"GET /jslogin HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    .unwrap();
            }
            s
        })
        .collect();
    assert!(client_logs_in(&sim.addr), "served while 200 heads hang");
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(1200));
    let mut closed = 0;
    for s in &mut conns {
        s.set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        let mut rest = Vec::new();
        // EOF (possibly after a 408) or a reset: the server gave up on the connection.
        match s.read_to_end(&mut rest) {
            Ok(_) => closed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => closed += 1,
            Err(_) => {}
        }
    }
    let fds = sim.open_fds();
    println!(
        "slowloris: {closed}/200 closed within {:?}; descriptors {baseline} before, {fds} after",
        start.elapsed()
    );
    assert_eq!(closed, 200);
    assert!(fds <= baseline + 5, "{fds} descriptors (from {baseline})");
    assert!(client_logs_in(&sim.addr), "served afterwards");
}
