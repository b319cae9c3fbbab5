//! Hot-reload bot on smol: Ctrl-C stops it without logging out, and the next start resumes
//! the saved session without a scan. Answers "ping" with "pong".
//! `WX_BASE_URL=http://127.0.0.1:8080` points it at `wx sim`.

fn main() -> Result<(), wx_smol::BotError> {
    let bot = wx_smol::Bot::builder()
        .profile("hot")
        .keep_session_on_exit()
        .on_text(|_, text| (text == "ping").then_some("pong"));
    smol::block_on(bot.run())
}
