//! Image (3), voice (34), video (43/62) and emoticon (47) contents: XML metadata or opaque token (§11.4, §13.31).

use serde::Serialize;

use super::text::unescape_content;
use super::xml::{self, Element};
use crate::error::ParseError;

/// The `Content` of a media message, which comes in either form (§13.31).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MediaContent<T> {
    /// Escaped XML, decoded into its metadata.
    Xml(T),
    /// Anything that is not XML, kept as received: usually an opaque `@<long hex>` token.
    /// Forward it back as is (§7.4).
    Token(String),
    /// No content at all.
    Empty,
}

impl<T> MediaContent<T> {
    /// The decoded XML metadata, when the content was XML.
    pub fn xml(&self) -> Option<&T> {
        match self {
            MediaContent::Xml(t) => Some(t),
            _ => None,
        }
    }
}

/// Image metadata of `<msg><img …/></msg>` (§11.4): what §7.4 needs to re-send the image
/// without uploading it. Every field is `None` when absent or empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImageInfo {
    /// `aeskey`.
    pub aes_key: Option<String>,
    /// `encryver`.
    pub encry_ver: Option<u32>,
    /// `cdnthumbaeskey` (§7.4: equals `aeskey`).
    pub cdn_thumb_aes_key: Option<String>,
    /// `cdnthumburl`.
    pub cdn_thumb_url: Option<String>,
    /// `cdnthumblength`, bytes.
    pub cdn_thumb_length: Option<u64>,
    /// `cdnthumbheight`.
    pub cdn_thumb_height: Option<u32>,
    /// `cdnthumbwidth`.
    pub cdn_thumb_width: Option<u32>,
    /// `cdnmidimgurl` (§7.4: equals `cdnthumburl`).
    pub cdn_mid_img_url: Option<String>,
    /// `cdnmidheight`.
    pub cdn_mid_height: Option<u32>,
    /// `cdnmidwidth`.
    pub cdn_mid_width: Option<u32>,
    /// `cdnhdheight`.
    pub cdn_hd_height: Option<u32>,
    /// `cdnhdwidth`.
    pub cdn_hd_width: Option<u32>,
    /// `cdnbigimgurl`.
    pub cdn_big_img_url: Option<String>,
    /// `length`: size of the image in bytes.
    pub length: Option<u64>,
    /// `hdlength`.
    pub hd_length: Option<u64>,
    /// `md5`.
    pub md5: Option<String>,
}

impl ImageInfo {
    /// The image XML to send again with webwxsendmsgimg (`MediaId` empty): the seed note's
    /// recipe for a received or revoked image copies `aeskey` (= `cdnthumbaeskey`),
    /// `cdnthumburl` (= `cdnmidimgurl`) and `md5` into the message. `None` when one of the
    /// three is missing.
    pub fn forward_xml(&self) -> Option<String> {
        let aes = self
            .aes_key
            .as_deref()
            .or(self.cdn_thumb_aes_key.as_deref())?;
        let url = self
            .cdn_thumb_url
            .as_deref()
            .or(self.cdn_mid_img_url.as_deref())?;
        let md5 = self.md5.as_deref()?;
        let mid = self.cdn_mid_img_url.as_deref().unwrap_or(url);
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        let num =
            |name: &str, v: Option<u64>| v.map(|n| format!(" {name}=\"{n}\"")).unwrap_or_default();
        Some(format!(
            "<msg><img aeskey=\"{aes}\" encryver=\"1\" cdnthumbaeskey=\"{aes}\" cdnthumburl=\"{url}\"{tl}{th}{tw} cdnmidimgurl=\"{mid}\"{len} md5=\"{md5}\"/></msg>",
            aes = esc(aes),
            url = esc(url),
            mid = esc(mid),
            md5 = esc(md5),
            tl = num("cdnthumblength", self.cdn_thumb_length),
            th = num("cdnthumbheight", self.cdn_thumb_height.map(u64::from)),
            tw = num("cdnthumbwidth", self.cdn_thumb_width.map(u64::from)),
            len = num("length", self.length),
        ))
    }
}

/// Voice metadata of `<msg><voicemsg …/></msg>` (§11.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VoiceInfo {
    /// `voicelength`, ms.
    pub voice_length: Option<u64>,
    /// `length`, bytes.
    pub length: Option<u64>,
    /// `voiceformat`.
    pub voice_format: Option<u32>,
    /// `endflag`.
    pub end_flag: Option<u32>,
    /// `cancelflag`.
    pub cancel_flag: Option<u32>,
    /// `forwardflag`.
    pub forward_flag: Option<u32>,
    /// `bufid`.
    pub buf_id: Option<String>,
    /// `clientmsgid`.
    pub client_msg_id: Option<String>,
    /// `fromusername`.
    pub from_user_name: Option<String>,
    /// `aeskey`, when present.
    pub aes_key: Option<String>,
    /// `voiceurl`, when present.
    pub voice_url: Option<String>,
}

/// Video metadata of `<msg><videomsg …/></msg>` (the native clients' form; the web usually
/// sends a token instead).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VideoInfo {
    /// `aeskey`.
    pub aes_key: Option<String>,
    /// `cdnthumbaeskey`.
    pub cdn_thumb_aes_key: Option<String>,
    /// `cdnvideourl`.
    pub cdn_video_url: Option<String>,
    /// `cdnthumburl`.
    pub cdn_thumb_url: Option<String>,
    /// `length`, bytes.
    pub length: Option<u64>,
    /// `playlength`, seconds.
    pub play_length: Option<u64>,
    /// `cdnthumblength`, bytes.
    pub cdn_thumb_length: Option<u64>,
    /// `cdnthumbwidth`.
    pub cdn_thumb_width: Option<u32>,
    /// `cdnthumbheight`.
    pub cdn_thumb_height: Option<u32>,
    /// `md5`.
    pub md5: Option<String>,
    /// `fromusername`.
    pub from_user_name: Option<String>,
}

/// Custom sticker metadata of `<msg><emoji …/></msg>` (§11.1, 47).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EmojiInfo {
    /// `md5`: what webwxsendemoticon takes to forward it (§7.7).
    pub md5: Option<String>,
    /// `len`, bytes.
    pub len: Option<u64>,
    /// `type` (2 for a custom GIF).
    pub emoji_type: Option<u32>,
    /// `cdnurl`.
    pub cdn_url: Option<String>,
    /// `thumburl`.
    pub thumb_url: Option<String>,
    /// `encrypturl`.
    pub encrypt_url: Option<String>,
    /// `aeskey`.
    pub aes_key: Option<String>,
    /// `externurl`.
    pub extern_url: Option<String>,
    /// `externmd5`.
    pub extern_md5: Option<String>,
    /// `productid` of a store sticker.
    pub product_id: Option<String>,
    /// `width`.
    pub width: Option<u32>,
    /// `height`.
    pub height: Option<u32>,
}

/// Decodes a media `Content` (prefix already removed): empty, a token, or XML whose
/// `wanted` element is read by `read`. XML without that element gives the default value.
pub(crate) fn decode_media<T: Default>(
    body: &str,
    wanted: &str,
    read: fn(&Element) -> T,
) -> Result<MediaContent<T>, ParseError> {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return Ok(MediaContent::Empty);
    }
    let text = unescape_content(trimmed);
    if !text.trim_start().starts_with('<') {
        return Ok(MediaContent::Token(trimmed.to_owned()));
    }
    let root = xml::parse(&text)?;
    Ok(MediaContent::Xml(
        root.find(wanted).map(read).unwrap_or_default(),
    ))
}

pub(crate) fn image_info(el: &Element) -> ImageInfo {
    ImageInfo {
        aes_key: el.attr_string("aeskey"),
        encry_ver: el.attr_num("encryver"),
        cdn_thumb_aes_key: el.attr_string("cdnthumbaeskey"),
        cdn_thumb_url: el.attr_string("cdnthumburl"),
        cdn_thumb_length: el.attr_num("cdnthumblength"),
        cdn_thumb_height: el.attr_num("cdnthumbheight"),
        cdn_thumb_width: el.attr_num("cdnthumbwidth"),
        cdn_mid_img_url: el.attr_string("cdnmidimgurl"),
        cdn_mid_height: el.attr_num("cdnmidheight"),
        cdn_mid_width: el.attr_num("cdnmidwidth"),
        cdn_hd_height: el.attr_num("cdnhdheight"),
        cdn_hd_width: el.attr_num("cdnhdwidth"),
        cdn_big_img_url: el.attr_string("cdnbigimgurl"),
        length: el.attr_num("length"),
        hd_length: el.attr_num("hdlength"),
        md5: el.attr_string("md5"),
    }
}

pub(crate) fn voice_info(el: &Element) -> VoiceInfo {
    VoiceInfo {
        voice_length: el.attr_num("voicelength"),
        length: el.attr_num("length"),
        voice_format: el.attr_num("voiceformat"),
        end_flag: el.attr_num("endflag"),
        cancel_flag: el.attr_num("cancelflag"),
        forward_flag: el.attr_num("forwardflag"),
        buf_id: el.attr_string("bufid"),
        client_msg_id: el.attr_string("clientmsgid"),
        from_user_name: el.attr_string("fromusername"),
        aes_key: el.attr_string("aeskey"),
        voice_url: el.attr_string("voiceurl"),
    }
}

pub(crate) fn video_info(el: &Element) -> VideoInfo {
    VideoInfo {
        aes_key: el.attr_string("aeskey"),
        cdn_thumb_aes_key: el.attr_string("cdnthumbaeskey"),
        cdn_video_url: el.attr_string("cdnvideourl"),
        cdn_thumb_url: el.attr_string("cdnthumburl"),
        length: el.attr_num("length"),
        play_length: el.attr_num("playlength"),
        cdn_thumb_length: el.attr_num("cdnthumblength"),
        cdn_thumb_width: el.attr_num("cdnthumbwidth"),
        cdn_thumb_height: el.attr_num("cdnthumbheight"),
        md5: el.attr_string("md5"),
        from_user_name: el.attr_string("fromusername"),
    }
}

pub(crate) fn emoji_info(el: &Element) -> EmojiInfo {
    EmojiInfo {
        md5: el.attr_string("md5"),
        len: el.attr_num("len"),
        emoji_type: el.attr_num("type"),
        cdn_url: el.attr_string("cdnurl"),
        thumb_url: el.attr_string("thumburl"),
        encrypt_url: el.attr_string("encrypturl"),
        aes_key: el.attr_string("aeskey"),
        extern_url: el.attr_string("externurl"),
        extern_md5: el.attr_string("externmd5"),
        product_id: el.attr_string("productid"),
        width: el.attr_num("width"),
        height: el.attr_num("height"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn forward_xml_round_trips_the_recipe_fields() {
        let xml = "&lt;msg&gt;&lt;img aeskey=\"a&amp;1\" cdnthumburl=\"30ab\" cdnthumblength=\"3326\" length=\"400112\" md5=\"ff00\"/&gt;&lt;/msg&gt;";
        let info = decode_media(xml, "img", image_info).expect("xml");
        let out = info
            .xml()
            .and_then(ImageInfo::forward_xml)
            .expect("complete");
        assert!(
            out.starts_with(
                "<msg><img aeskey=\"a&amp;1\" encryver=\"1\" cdnthumbaeskey=\"a&amp;1\""
            )
        );
        let back = decode_media(
            &crate::model::html_unescape(&out)
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
            "img",
            image_info,
        )
        .expect("reparses");
        let back = back.xml().expect("xml");
        assert_eq!(back.aes_key.as_deref(), Some("a&1"));
        assert_eq!(back.cdn_thumb_aes_key.as_deref(), Some("a&1"));
        assert_eq!(
            back.cdn_mid_img_url.as_deref(),
            Some("30ab"),
            "cdnmidimgurl = cdnthumburl"
        );
        assert_eq!(
            (back.md5.as_deref(), back.length, back.cdn_thumb_length),
            (Some("ff00"), Some(400_112), Some(3326))
        );
        assert_eq!(ImageInfo::default().forward_xml(), None);
    }

    #[test]
    fn image_xml_token_and_empty() {
        let xml = "&lt;msg&gt;&lt;img aeskey=\"a1\" encryver=\"1\" cdnthumbaeskey=\"a1\" cdnthumburl=\"30ab\" cdnthumblength=\"3326\" cdnthumbheight=\"120\" cdnthumbwidth=\"67\" cdnmidheight=\"0\" cdnmidwidth=\"0\" cdnhdheight=\"0\" cdnhdwidth=\"0\" cdnmidimgurl=\"30ab\" length=\"400112\" md5=\"ff00\"/&gt;&lt;/msg&gt;";
        let got = decode_media(xml, "img", image_info).expect("xml");
        let info = got.xml().expect("is xml");
        assert_eq!(info.aes_key.as_deref(), Some("a1"));
        assert_eq!(info.cdn_thumb_url.as_deref(), Some("30ab"));
        assert_eq!(info.cdn_mid_img_url.as_deref(), Some("30ab"));
        assert_eq!(info.cdn_thumb_length, Some(3326));
        assert_eq!(
            (info.cdn_thumb_width, info.cdn_thumb_height),
            (Some(67), Some(120))
        );
        assert_eq!(info.length, Some(400_112));
        assert_eq!(info.md5.as_deref(), Some("ff00"));
        assert_eq!(info.encry_ver, Some(1));
        assert_eq!(
            decode_media("@0a1b2c", "img", image_info),
            Ok(MediaContent::Token("@0a1b2c".into()))
        );
        assert_eq!(
            decode_media(" ", "img", image_info),
            Ok(MediaContent::Empty)
        );
        let e = decode_media("&lt;msg&gt;&lt;img", "img", image_info).expect_err("cut");
        assert_eq!(e.kind, ErrorKind::UnexpectedEnd);
    }

    #[test]
    fn voice_and_video() {
        let voice = "<msg><voicemsg endflag=\"1\" cancelflag=\"0\" forwardflag=\"0\" voiceformat=\"4\" voicelength=\"1580\" length=\"2026\" bufid=\"21\" clientmsgid=\"c1\" fromusername=\"\" /></msg>";
        let v = decode_media(voice, "voicemsg", voice_info).expect("voice");
        let v = v.xml().expect("xml");
        assert_eq!(
            (v.voice_length, v.length, v.voice_format),
            (Some(1580), Some(2026), Some(4))
        );
        assert_eq!(v.from_user_name, None);
        let video = "&lt;msg&gt;&lt;videomsg aeskey=\"k\" cdnthumbaeskey=\"k\" cdnvideourl=\"v\" cdnthumburl=\"t\" length=\"900\" playlength=\"7\" cdnthumbwidth=\"90\" cdnthumbheight=\"160\" md5=\"m\"/&gt;&lt;/msg&gt;";
        let v = decode_media(video, "videomsg", video_info).expect("video");
        let v = v.xml().expect("xml");
        assert_eq!(
            (v.play_length, v.length, v.md5.as_deref()),
            (Some(7), Some(900), Some("m"))
        );
    }
}
