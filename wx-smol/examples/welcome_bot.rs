//! Group welcome bot on smol: greets whoever joins a group, answers a mention with the
//! sender's name. `WX_BASE_URL=http://127.0.0.1:8080` points it at `wx sim`.

use wx_proto::model::RoomEvent;

fn main() -> Result<(), wx_smol::BotError> {
    let bot = wx_smol::Bot::builder()
        .profile("welcome")
        .on_room_event(|_, event| match event {
            RoomEvent::Joined { members, .. } => {
                let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
                Some(format!("Welcome, {}!", names.join(", ")))
            }
            _ => None,
        })
        .on_mention(|cx| format!("Yes, {}?", cx.sender_name()));
    smol::block_on(bot.run())
}
