//! Media send requests (protocol.md §7.2-§7.7): webwxcheckupload, the multipart chunks of
//! webwxuploadmedia with their `uploadmediarequest` text, the appmsg XML of a file, and the
//! `Msg` of the image, video, file and sticker sends.

use serde::Serialize;
use serde_json::json;

use super::{Creds, Ctx, query, url};
use crate::Endpoint;
use crate::percent::decode;

/// `&`, `<`, `>`, `'` and `"` escaped for XML text and single- or double-quoted attributes.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&apos;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The appmsg XML of a file attachment (§7.6), the name XML-escaped; in desktop mode the
/// appid is empty.
pub(crate) fn file_appmsg(name: &str, size: u64, media_id: &str, desktop: bool) -> String {
    let app_id = if desktop { "" } else { "wxeb7ec651dd0aefa9" };
    let ext = crate::client::media_extension(name).unwrap_or_default();
    format!(
        "<appmsg appid='{app_id}' sdkver=''><title>{}</title><des></des><action></action>\
         <type>6</type><content></content><url></url><lowurl></lowurl><appattach>\
         <totallen>{size}</totallen><attachid>{}</attachid><fileext>{}</fileext></appattach>\
         <extinfo></extinfo></appmsg>",
        xml_escape(name),
        xml_escape(media_id),
        xml_escape(&ext),
    )
}

/// The `Msg` of a media send.
pub(crate) struct MediaMsg<'a> {
    /// 3 image, 43 video, 6 (the AppMsgType) file, 47 sticker.
    pub(crate) msg_type: u32,
    pub(crate) media_id: &'a str,
    pub(crate) content: &'a str,
    /// A sticker sent by md5 instead of a MediaId.
    pub(crate) emoticon_md5: Option<&'a str>,
    /// The webwxcheckupload `Signature` of a big file.
    pub(crate) signature: Option<&'a str>,
}

/// `POST {main}/…/<endpoint>` sending one media `Msg` with `scene` (0, or 2 for a forward).
#[allow(clippy::too_many_arguments)]
pub(crate) fn send_media(
    ctx: &Ctx<'_>,
    creds: &Creds,
    endpoint: Endpoint,
    from: &str,
    to: &str,
    msg: &MediaMsg<'_>,
    client_msg_id: &str,
    scene: u32,
) -> http::Request<Vec<u8>> {
    let mut m = json!({
        "Type": msg.msg_type,
        "Content": msg.content,
        "FromUserName": from,
        "ToUserName": to,
        "LocalID": client_msg_id,
        "ClientMsgId": client_msg_id,
    });
    if endpoint == Endpoint::SendEmoticon {
        m["EmojiFlag"] = json!(2);
    }
    match msg.emoticon_md5 {
        Some(md5) => m["EMoticonMd5"] = json!(md5),
        None => m["MediaId"] = json!(msg.media_id),
    }
    if let Some(sig) = msg.signature {
        m["Signature"] = json!(sig);
    }
    let body = json!({
        "BaseRequest": creds.base_request(),
        "Msg": m,
        "Scene": scene,
    });
    let ticket = creds.pass_ticket_query();
    let mut pairs: Vec<(&str, &str)> = if endpoint == Endpoint::SendEmoticon {
        vec![("fun", "sys")]
    } else {
        vec![("fun", "async"), ("f", "json")]
    };
    if endpoint == Endpoint::SendAppMsg && ctx.config.desktop {
        pairs.push(("mod", "desktop"));
    }
    pairs.push(("lang", &ctx.config.lang));
    pairs.push(("pass_ticket", &ticket));
    ctx.post_json(url(&ctx.hosts.main, endpoint, &query(&pairs)), &body)
}

/// `POST {main}/…/webwxcheckupload` for a file over 25 MB (§7.3, FileType 7).
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_upload(
    ctx: &Ctx<'_>,
    creds: &Creds,
    from: &str,
    to: &str,
    size: u64,
    md5: &str,
    name: &str,
) -> http::Request<Vec<u8>> {
    let body = json!({
        "BaseRequest": creds.base_request(),
        "FromUserName": from,
        "ToUserName": to,
        "FileSize": size,
        "FileMd5": md5,
        "FileName": name,
        "FileType": 7,
    });
    let ticket = creds.pass_ticket_query();
    let q = query(&[("lang", &ctx.config.lang), ("pass_ticket", &ticket)]);
    ctx.post_json(url(&ctx.hosts.main, Endpoint::CheckUpload, &q), &body)
}

/// `uploadmediarequest`, keys in the browser's order (§7.2).
#[derive(Serialize)]
struct UploadMediaRequest<'a> {
    #[serde(rename = "UploadType")]
    upload_type: u32,
    #[serde(rename = "BaseRequest")]
    base_request: super::BaseRequest<'a>,
    #[serde(rename = "ClientMediaId")]
    client_media_id: i64,
    #[serde(rename = "TotalLen")]
    total_len: u64,
    #[serde(rename = "StartPos")]
    start_pos: u64,
    #[serde(rename = "DataLen")]
    data_len: u64,
    #[serde(rename = "MediaType")]
    media_type: u32,
    #[serde(rename = "FromUserName")]
    from: &'a str,
    #[serde(rename = "ToUserName")]
    to: &'a str,
    #[serde(rename = "FileMd5")]
    file_md5: &'a str,
    #[serde(rename = "AESKey", skip_serializing_if = "Option::is_none")]
    aes_key: Option<&'a str>,
    #[serde(rename = "Signature", skip_serializing_if = "Option::is_none")]
    signature: Option<&'a str>,
}

/// The `uploadmediarequest` text, the same for every chunk of one file: `UploadType` 2,
/// `MediaType` 4, `StartPos` 0 and `DataLen` = `TotalLen` = the file size; `AESKey` and
/// `Signature` when webwxcheckupload gave them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn upload_media_request(
    creds: &Creds,
    client_media_id: i64,
    size: u64,
    from: &str,
    to: &str,
    md5: &str,
    aes_key: Option<&str>,
    signature: Option<&str>,
) -> String {
    serde_json::to_string(&UploadMediaRequest {
        upload_type: 2,
        base_request: creds.base_request(),
        client_media_id,
        total_len: size,
        start_pos: 0,
        data_len: size,
        media_type: 4,
        from,
        to,
        file_md5: md5,
        aes_key,
        signature,
    })
    .unwrap_or_default()
}

/// What every chunk of one upload repeats in its form.
pub(crate) struct UploadForm<'a> {
    /// `n` of `WU_FILE_<n>`.
    pub(crate) file_number: u64,
    pub(crate) name: &'a str,
    pub(crate) mime: &'a str,
    pub(crate) size: u64,
    /// `pic`, `video` or `doc`.
    pub(crate) media_type: &'a str,
    /// The `uploadmediarequest` text.
    pub(crate) request: &'a str,
    /// The `webwx_data_ticket` cookie.
    pub(crate) data_ticket: &'a str,
    /// `lastModifiedDate` (not validated by the server).
    pub(crate) last_modified: &'a str,
}

/// `POST {file}/…/webwxuploadmedia?f=json`: one chunk as `multipart/form-data`, fields in
/// the browser's order, `chunks`/`chunk` only when the file has several.
pub(crate) fn upload_chunk(
    ctx: &Ctx<'_>,
    creds: &Creds,
    form: &UploadForm<'_>,
    chunk: Option<(u64, u64)>,
    data: &[u8],
    boundary: &str,
) -> http::Request<Vec<u8>> {
    let id = format!("WU_FILE_{}", form.file_number);
    let size = form.size.to_string();
    let ticket = decode(creds.pass_ticket_raw.expose());
    let (chunks, index) = chunk.map_or((String::new(), String::new()), |(n, i)| {
        (n.to_string(), i.to_string())
    });
    let mut fields: Vec<(&str, &str)> = vec![
        ("id", &id),
        ("name", form.name),
        ("type", form.mime),
        ("lastModifiedDate", form.last_modified),
        ("size", &size),
    ];
    if chunk.is_some() {
        fields.push(("chunks", &chunks));
        fields.push(("chunk", &index));
    }
    fields.extend([
        ("mediatype", form.media_type),
        ("uploadmediarequest", form.request),
        ("webwx_data_ticket", form.data_ticket),
        ("pass_ticket", &ticket),
    ]);
    let mut body = Vec::with_capacity(data.len() + 2048);
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{}\r\n",
                value.replace(['\r', '\n'], " ")
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"filename\"; \
             filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
            quoted_file_name(form.name),
            form.mime
        )
        .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let q = query(&[("f", "json")]);
    ctx.post_multipart(
        url(&ctx.hosts.file, Endpoint::UploadMedia, &q),
        boundary,
        body,
    )
}

/// A file name inside `filename="…"`: quotes, backslashes and line breaks percent-encoded
/// as browsers do.
fn quoted_file_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '"' => out.push_str("%22"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// JavaScript's `Date.toString()` for `wall_ms` in China Standard Time, the form the
/// browser puts in `lastModifiedDate` (e.g. `Sat Jun 23 2018 16:45:07 GMT+0800 (China
/// Standard Time)`).
pub(crate) fn last_modified_text(wall_ms: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = wall_ms.div_euclid(1000) + 8 * 3600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = crate::calendar::civil_from_days(days);
    format!(
        "{} {} {:02} {} {:02}:{:02}:{:02} GMT+0800 (China Standard Time)",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        d,
        y,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_xml_and_in_the_multipart_header() {
        assert_eq!(xml_escape("a&b<c>'\""), "a&amp;b&lt;c&gt;&apos;&quot;");
        let xml = file_appmsg("x'</title>.pdf", 5, "@m", false);
        assert!(
            xml.contains("<title>x&apos;&lt;/title&gt;.pdf</title>"),
            "{xml}"
        );
        assert!(xml.contains("<fileext>pdf</fileext>"));
        assert!(xml.starts_with("<appmsg appid='wxeb7ec651dd0aefa9'"));
        assert!(file_appmsg("a", 1, "m", true).starts_with("<appmsg appid=''"));
        assert_eq!(quoted_file_name("a\"b\r\n\\c\u{7}"), "a%22b%0D%0A%5Cc");
    }

    #[test]
    fn the_browser_date_text_of_last_modified() {
        // 2018-06-23 08:45:07 UTC is 16:45:07 in China.
        assert_eq!(
            last_modified_text(1_529_743_507_000),
            "Sat Jun 23 2018 16:45:07 GMT+0800 (China Standard Time)"
        );
        assert_eq!(
            last_modified_text(0),
            "Thu Jan 01 1970 08:00:00 GMT+0800 (China Standard Time)"
        );
    }
}
