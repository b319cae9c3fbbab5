//! App messages (MsgType 49) by AppMsgType: links, files, music, GIFs, chat history,
//! mini programs, transfers, red packets, and unknown types kept with their XML (§11.1).

use serde::Serialize;

use super::text::{decode_display_text, unescape_content};
use super::xml::{self, Element};
use crate::error::ParseError;
use crate::parse::RawMessage;

/// An app message. Fields come from the `<appmsg>` XML when present, else from the raw
/// message (`FileName` is the title, `Url` the link).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppMessage {
    /// The AppMsgType: the `AppMsgType` field, or the XML `<type>` when the field is 0.
    pub app_msg_type: u32,
    /// `<title>`, else `FileName`.
    pub title: String,
    /// `<des>` (CDATA resolved).
    pub description: String,
    /// `<url>`, else `Url`.
    pub url: String,
    /// `<thumburl>`.
    pub thumb_url: Option<String>,
    /// `appid` of `<appmsg>`, else `AppInfo.AppID`.
    pub app_id: Option<String>,
    /// `<appinfo><appname>`.
    pub app_name: Option<String>,
    /// `<sourcedisplayname>` (the account a link was shared from).
    pub source_display_name: Option<String>,
    /// `<appattach>`, when present with any non-empty field.
    pub attach: Option<AppAttach>,
    /// What the AppMsgType adds.
    pub detail: AppDetail,
}

/// `<appattach>` of an app message: attachment and CDN thumbnail metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AppAttach {
    /// `totallen`, bytes.
    pub total_len: Option<u64>,
    /// `attachid` (replace it by the MediaId to forward, §7.6).
    pub attach_id: Option<String>,
    /// `emoticonmd5`.
    pub emoticon_md5: Option<String>,
    /// `fileext`.
    pub file_ext: Option<String>,
    /// `cdnattachurl`.
    pub cdn_attach_url: Option<String>,
    /// `cdnthumburl`.
    pub cdn_thumb_url: Option<String>,
    /// `cdnthumbmd5`.
    pub cdn_thumb_md5: Option<String>,
    /// `cdnthumblength`.
    pub cdn_thumb_length: Option<u64>,
    /// `cdnthumbwidth`.
    pub cdn_thumb_width: Option<u32>,
    /// `cdnthumbheight`.
    pub cdn_thumb_height: Option<u32>,
    /// `cdnthumbaeskey`.
    pub cdn_thumb_aes_key: Option<String>,
    /// `aeskey`.
    pub aes_key: Option<String>,
    /// `encryver`.
    pub encry_ver: Option<u32>,
}

/// What an AppMsgType adds to [`AppMessage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AppDetail {
    /// 5: a link or article. `mp_articles` is true for an MP multi-article push (`<mmreader>`).
    Link {
        /// `<mmreader><category>` is present.
        mp_articles: bool,
    },
    /// 6: a file. Download it with webwxgetmedia (§8.4).
    File(FileAttachment),
    /// 3: a music share.
    Music {
        /// `<dataurl>`: the stream.
        data_url: Option<String>,
        /// `<lowdataurl>`.
        low_data_url: Option<String>,
    },
    /// 8: a GIF sent as an app message.
    Gif {
        /// `<appattach><emoticonmd5>`.
        emoticon_md5: Option<String>,
    },
    /// 0 or 19: a merged chat history (the web shows little of it).
    ChatHistory {
        /// `<recorditem>` (an XML string of its own), when non-empty.
        record_item: Option<String>,
    },
    /// 33 or 36: a mini program.
    MiniProgram {
        /// `<weappinfo><pagepath>`.
        page_path: Option<String>,
        /// `<weappinfo><username>` (`gh_…@app`).
        user_name: Option<String>,
        /// `<weappinfo><appid>`.
        app_id: Option<String>,
        /// `<weappinfo><appservicetype>`.
        app_service_type: Option<u32>,
    },
    /// 2000: a money transfer (details in `<wcpayinfo>` when present).
    Transfer(PayInfo),
    /// 2001: a red packet.
    RedPacket(PayInfo),
    /// Any other AppMsgType: the unescaped XML, kept whole.
    Unknown {
        /// The unescaped Content (empty when it was not XML).
        xml: String,
    },
}

impl Default for AppDetail {
    fn default() -> Self {
        AppDetail::Unknown { xml: String::new() }
    }
}

/// A file attachment (49/6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileAttachment {
    /// The file name (`FileName`, else `<title>`).
    pub file_name: String,
    /// The size: `<totallen>`, else `FileSize`.
    pub size: Option<u64>,
    /// `<fileext>`, else the extension of the name.
    pub ext: Option<String>,
    /// `<attachid>`.
    pub attach_id: Option<String>,
    /// `MediaId` (`@crypt_…`), needed by webwxgetmedia.
    pub media_id: String,
    /// `EncryFileName`, needed by webwxgetmedia.
    pub encry_file_name: String,
    /// `<md5>` of `<appmsg>`.
    pub md5: Option<String>,
}

/// `<wcpayinfo>` of transfers and red packets (all optional; the web often sends little).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PayInfo {
    /// `paysubtype`.
    pub pay_sub_type: Option<u32>,
    /// `feedesc` (the amount as text, e.g. `￥0.10`).
    pub fee_desc: Option<String>,
    /// `transcationid` (sic).
    pub transaction_id: Option<String>,
    /// `transferid`.
    pub transfer_id: Option<String>,
    /// `pay_memo`.
    pub memo: Option<String>,
}

/// Decodes a 49 body (prefix removed). Non-XML or empty content gives a message built from
/// the raw fields; XML that does not parse is an error.
pub(crate) fn app_message(body: &str, raw: &RawMessage) -> Result<AppMessage, ParseError> {
    let text = unescape_content(body.trim());
    let is_xml = text.trim_start().starts_with('<');
    let root = if is_xml {
        Some(xml::parse(&text)?)
    } else {
        None
    };
    let appmsg = root.as_ref().and_then(|r| r.find("appmsg"));
    let from_xml = |name: &str| appmsg.and_then(|a| a.child_text(name));
    let xml_type: u32 = appmsg.and_then(|a| a.child_num("type")).unwrap_or(0);
    let app_msg_type = if raw.app_msg_type != 0 {
        raw.app_msg_type
    } else {
        xml_type
    };
    let attach = appmsg
        .and_then(|a| a.child("appattach"))
        .map(attach)
        .filter(|a| *a != AppAttach::default());
    let raw_text = |s: &str| Some(decode_display_text(s).into_owned()).filter(|s| !s.is_empty());
    let title = from_xml("title")
        .or_else(|| raw_text(&raw.file_name))
        .unwrap_or_default();
    let description = match from_xml("des") {
        Some(des) => des,
        // Non-XML content (49/0 "view it on the phone" notices) becomes the description.
        None if !is_xml => decode_display_text(body.trim()).into_owned(),
        None => String::new(),
    };
    let detail = match app_msg_type {
        5 => AppDetail::Link {
            mp_articles: appmsg.and_then(|a| a.find("mmreader")).is_some(),
        },
        6 => AppDetail::File(file(raw, &title, attach.as_ref(), from_xml("md5"))),
        3 => AppDetail::Music {
            data_url: from_xml("dataurl"),
            low_data_url: from_xml("lowdataurl"),
        },
        8 => AppDetail::Gif {
            emoticon_md5: attach.as_ref().and_then(|a| a.emoticon_md5.clone()),
        },
        0 | 19 => AppDetail::ChatHistory {
            record_item: from_xml("recorditem"),
        },
        33 | 36 => {
            let weapp = appmsg.and_then(|a| a.child("weappinfo"));
            AppDetail::MiniProgram {
                page_path: weapp.and_then(|w| w.child_text("pagepath")),
                user_name: weapp.and_then(|w| w.child_text("username")),
                app_id: weapp.and_then(|w| w.child_text("appid")),
                app_service_type: weapp.and_then(|w| w.child_num("appservicetype")),
            }
        }
        2000 => AppDetail::Transfer(pay_info(appmsg)),
        2001 => AppDetail::RedPacket(pay_info(appmsg)),
        _ => AppDetail::Unknown {
            xml: if is_xml {
                text.clone().into_owned()
            } else {
                String::new()
            },
        },
    };
    Ok(AppMessage {
        app_msg_type,
        title,
        description,
        url: from_xml("url")
            .or_else(|| raw_text(&raw.url))
            .unwrap_or_default(),
        thumb_url: from_xml("thumburl"),
        app_id: appmsg
            .and_then(|a| a.attr_string("appid"))
            .or_else(|| Some(raw.app_info.app_id.clone()).filter(|s| !s.is_empty())),
        app_name: root
            .as_ref()
            .and_then(|r| r.find("appinfo"))
            .and_then(|i| i.child_text("appname")),
        source_display_name: from_xml("sourcedisplayname"),
        attach,
        detail,
    })
}

fn attach(el: &Element) -> AppAttach {
    AppAttach {
        total_len: el.child_num("totallen").filter(|&n| n != 0),
        attach_id: el.child_text("attachid"),
        emoticon_md5: el.child_text("emoticonmd5"),
        file_ext: el.child_text("fileext"),
        cdn_attach_url: el.child_text("cdnattachurl"),
        cdn_thumb_url: el.child_text("cdnthumburl"),
        cdn_thumb_md5: el.child_text("cdnthumbmd5"),
        cdn_thumb_length: el.child_num("cdnthumblength"),
        cdn_thumb_width: el.child_num("cdnthumbwidth"),
        cdn_thumb_height: el.child_num("cdnthumbheight"),
        cdn_thumb_aes_key: el.child_text("cdnthumbaeskey"),
        aes_key: el.child_text("aeskey"),
        encry_ver: el.child_num("encryver"),
    }
}

fn file(
    raw: &RawMessage,
    title: &str,
    attach: Option<&AppAttach>,
    md5: Option<String>,
) -> FileAttachment {
    let file_name = if raw.file_name.is_empty() {
        title.to_owned()
    } else {
        decode_display_text(&raw.file_name).into_owned()
    };
    let ext = attach.and_then(|a| a.file_ext.clone()).or_else(|| {
        file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_owned())
            .filter(|e| !e.is_empty())
    });
    FileAttachment {
        size: attach
            .and_then(|a| a.total_len)
            .or_else(|| raw.file_size.trim().parse().ok()),
        ext,
        attach_id: attach.and_then(|a| a.attach_id.clone()),
        media_id: raw.media_id.clone(),
        encry_file_name: raw.encry_file_name.clone(),
        md5,
        file_name,
    }
}

fn pay_info(appmsg: Option<&Element>) -> PayInfo {
    let pay = appmsg.and_then(|a| a.child("wcpayinfo"));
    let text = |name: &str| pay.and_then(|p| p.child_text(name));
    PayInfo {
        pay_sub_type: pay.and_then(|p| p.child_num("paysubtype")),
        fee_desc: text("feedesc"),
        transaction_id: text("transcationid"),
        transfer_id: text("transferid"),
        memo: text("pay_memo"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(app_msg_type: u32) -> RawMessage {
        RawMessage {
            msg_type: 49,
            app_msg_type,
            file_name: "From &amp; field".into(),
            url: "http://u/?a=1&amp;b=2".into(),
            file_size: "77".into(),
            media_id: "@crypt_m".into(),
            ..RawMessage::default()
        }
    }

    #[test]
    fn xml_fields_win_and_raw_fields_fill_in() {
        let body = "&lt;msg&gt;&lt;appmsg appid=\"wxa\"&gt;&lt;title&gt;T&lt;/title&gt;&lt;des&gt;&lt;![CDATA[D &amp; d]]&gt;&lt;/des&gt;&lt;type&gt;5&lt;/type&gt;&lt;/appmsg&gt;&lt;/msg&gt;";
        let a = app_message(body, &raw(0)).expect("decodes");
        // AppMsgType 0 in the field: the XML's <type> decides.
        assert_eq!(a.app_msg_type, 5);
        assert_eq!((a.title.as_str(), a.description.as_str()), ("T", "D & d"));
        assert_eq!(a.url, "http://u/?a=1&b=2");
        assert_eq!(a.app_id.as_deref(), Some("wxa"));
        assert_eq!(a.detail, AppDetail::Link { mp_articles: false });
    }

    #[test]
    fn without_xml() {
        let a = app_message("", &raw(6)).expect("empty");
        assert_eq!(a.title, "From & field");
        let AppDetail::File(f) = a.detail else {
            panic!("{:?}", a.detail)
        };
        assert_eq!(
            (f.size, f.ext, f.media_id.as_str()),
            (Some(77), None, "@crypt_m")
        );
        let a = app_message("view it on the phone", &raw(0)).expect("text");
        assert_eq!(a.description, "view it on the phone");
        assert_eq!(a.detail, AppDetail::ChatHistory { record_item: None });
        let a = app_message("", &raw(99)).expect("unknown");
        assert_eq!(a.detail, AppDetail::Unknown { xml: String::new() });
        assert!(app_message("&lt;msg&gt;&lt;appmsg&gt;", &raw(5)).is_err());
    }
}
