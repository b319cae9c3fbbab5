//! Download requests (protocol.md §8): webwxgetmsgimg, webwxgetvoice and webwxgetvideo
//! (with `Range: bytes=0-`), webwxgetmedia on the file host, and the avatars (a contact's
//! `HeadImgUrl`, webwxgeticon for a member, webwxgetheadimg for a group).

use super::{Creds, Ctx, query, url};
use crate::Endpoint;
use crate::client::{Download, ImageSize};
use crate::percent::encode;

/// The request for `download`, and its endpoint.
pub(crate) fn download(
    ctx: &Ctx<'_>,
    creds: &Creds,
    data_ticket: &str,
    download: &Download,
) -> (Endpoint, http::Request<Vec<u8>>) {
    let skey = encode(creds.skey.expose());
    let main = &ctx.hosts.main;
    match download {
        Download::Image { msg_id, size } => {
            let mut pairs = vec![("MsgID", encode(msg_id)), ("skey", skey)];
            match size {
                ImageSize::Original => {}
                ImageSize::Big => pairs.push(("type", "big".into())),
                ImageSize::Thumbnail => pairs.push(("type", "slave".into())),
            }
            let e = Endpoint::GetMsgImg;
            (e, ctx.get(url(main, e, &owned_query(&pairs))))
        }
        Download::Voice { msg_id } => {
            let e = Endpoint::GetVoice;
            let q = owned_query(&[("msgid", encode(msg_id)), ("skey", skey)]);
            (e, ctx.get_from_start(url(main, e, &q)))
        }
        Download::Video { msg_id } => {
            let e = Endpoint::GetVideo;
            let q = owned_query(&[("msgid", encode(msg_id)), ("skey", skey)]);
            (e, ctx.get_from_start(url(main, e, &q)))
        }
        Download::File {
            sender,
            media_id,
            encry_file_name,
        } => {
            let e = Endpoint::GetMedia;
            let q = owned_query(&[
                ("sender", encode(sender)),
                ("mediaid", encode(media_id)),
                ("encryfilename", encode(encry_file_name)),
                ("fromuser", creds.uin.get().to_string()),
                ("pass_ticket", creds.pass_ticket_query()),
                ("webwx_data_ticket", encode(data_ticket)),
            ]);
            (e, ctx.get(url(&ctx.hosts.file, e, &q)))
        }
        Download::Avatar {
            user_name,
            head_img_url,
            chatroom_id,
        } => avatar(
            ctx,
            skey,
            user_name,
            head_img_url.as_deref(),
            chatroom_id.as_deref(),
        ),
    }
}

/// A contact's `HeadImgUrl` on the main host when it is a path of ours; else webwxgeticon
/// (with `chatroomid` for a group member) or, for a group, webwxgetheadimg.
fn avatar(
    ctx: &Ctx<'_>,
    skey: String,
    user_name: &str,
    head_img_url: Option<&str>,
    chatroom_id: Option<&str>,
) -> (Endpoint, http::Request<Vec<u8>>) {
    let main = &ctx.hosts.main;
    let group = user_name.starts_with("@@");
    let endpoint = if group {
        Endpoint::GetHeadImg
    } else {
        Endpoint::GetIcon
    };
    if let Some(path) = head_img_url
        && chatroom_id.is_none()
        && path.starts_with(&endpoint.path())
        && path[endpoint.path().len()..].starts_with('?')
        && !path.contains(['\r', '\n', ' ', '#'])
    {
        return (endpoint, ctx.get(format!("{main}{path}")));
    }
    let mut pairs = vec![
        ("seq", "0".to_owned()),
        ("username", encode(user_name)),
        ("skey", skey),
    ];
    if let Some(room) = chatroom_id.filter(|_| !group) {
        pairs.push(("chatroomid", encode(room)));
    }
    (endpoint, ctx.get(url(main, endpoint, &owned_query(&pairs))))
}

fn owned_query(pairs: &[(&str, String)]) -> String {
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    query(&borrowed)
}
