//! The bot layer's examples (echo, group welcome, hot reload) run as processes against a
//! wx-sim server on loopback.

use wx_testkit::adapter::bots::{Examples, run_example_bots};

#[test]
fn the_example_bots_answer_and_stop_as_documented() {
    run_example_bots(&Examples {
        krate: "wx-smol",
        echo: "echo_bot_smol",
        welcome: "welcome_bot_smol",
        hot_reload: "hot_reload_bot_smol",
    });
}
