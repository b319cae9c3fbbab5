//! Echo bot on smol: answers every text, from friends and in groups, with itself; logs out
//! on Ctrl-C. `WX_BASE_URL=http://127.0.0.1:8080` points it at `wx sim`.

fn main() -> Result<(), wx_smol::BotError> {
    smol::block_on(
        wx_smol::Bot::builder()
            .profile("echo")
            .on_text(|_, text| text.to_owned())
            .run(),
    )
}
