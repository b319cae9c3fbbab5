//! Out of file descriptors: connections wait in the listen backlog while every `accept`
//! fails with EMFILE. The accept loop must back off (CPU near idle), not spin, and serve
//! again once descriptors are released.

use crate::process::{SimProcess, TICKS_PER_SECOND, client_logs_in};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn accept_backs_off_at_the_descriptor_limit_and_recovers() {
    let sim = SimProcess::start_with_fd_limit(64, &[]);
    assert!(client_logs_in(&sim.addr));
    // More connections than the simulator has descriptors: the rest stay in the backlog.
    let conns: Vec<TcpStream> = (0..120)
        .map(|_| TcpStream::connect(&sim.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let fds = sim.open_fds();
    assert!(
        fds >= 60,
        "the simulator is at its limit: {fds} descriptors"
    );
    let t0 = sim.cpu_ticks();
    std::thread::sleep(Duration::from_secs(1));
    let used = sim.cpu_ticks() - t0;
    println!("fd limit: {fds} descriptors open, {used} CPU ticks (1/{TICKS_PER_SECOND} s) in 1 s");
    // A spinning accept loop burns a whole core: 100 ticks a second.
    assert!(used <= 10, "{used} ticks of CPU in one second at EMFILE");
    drop(conns);
    // Backlog connections are accepted (and see EOF) as descriptors come free.
    let mut ok = false;
    for _ in 0..50 {
        if client_logs_in(&sim.addr) {
            ok = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(ok, "serves again once descriptors are released");
}
