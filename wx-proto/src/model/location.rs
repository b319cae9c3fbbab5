//! Locations: MsgType 1 with SubMsgType 48, or MsgType 48 (§11.5).

use serde::Serialize;

use super::text::decode_display_text;
use super::xml;
use crate::error::ParseError;

/// A shared location.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Location {
    /// The address label (the text before `:<br/>`, else `label` of OriContent).
    pub label: String,
    /// Latitude (`x` of OriContent, else from the `coord=` of `Url`).
    pub lat: Option<f64>,
    /// Longitude (`y` of OriContent, else from `Url`).
    pub lng: Option<f64>,
    /// Map zoom (`scale`).
    pub scale: Option<u32>,
    /// `poiname` (`[位置]` when the sender picked no place).
    pub poi_name: Option<String>,
    /// `poiid`.
    pub poi_id: Option<String>,
    /// `Url`: the map link.
    pub map_url: String,
    /// The map thumbnail path (`/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?…`, §8.6), if any.
    pub image_path: Option<String>,
}

/// OW's detection for a MsgType 1 without SubMsgType: a map link and a location picture.
pub(crate) fn looks_like_location(body: &str, url: &str) -> bool {
    url.contains("apis.map.qq.com") && body.contains("pictype=location")
}

/// Decodes a location from the body (prefix removed), `Url` and `OriContent`.
pub(crate) fn location(body: &str, url: &str, ori_content: &str) -> Result<Location, ParseError> {
    let mut loc = Location {
        map_url: url.to_owned(),
        ..Location::default()
    };
    match body.rfind(":<br/>") {
        Some(at) => {
            loc.label = decode_display_text(&body[..at]).into_owned();
            let path = decode_display_text(&body[at + ":<br/>".len()..]);
            loc.image_path = Some(path.trim().to_owned()).filter(|p| !p.is_empty());
        }
        None => loc.label = decode_display_text(body).trim().to_owned(),
    }
    if !ori_content.trim().is_empty() {
        // OriContent is not escaped (§11.5).
        let root = xml::parse(ori_content)?;
        if let Some(el) = root.find("location") {
            loc.lat = el.attr_num("x");
            loc.lng = el.attr_num("y");
            loc.scale = el.attr_num("scale");
            loc.poi_name = el.attr_string("poiname");
            loc.poi_id = el.attr_string("poiid");
            if loc.label.is_empty() {
                loc.label = el.attr_string("label").unwrap_or_default();
            }
        }
    }
    if (loc.lat.is_none() || loc.lng.is_none())
        && let Some((lat, lng)) = coord_from_url(url)
    {
        loc.lat = Some(lat);
        loc.lng = Some(lng);
    }
    Ok(loc)
}

/// `…?coord=<lat>,<lng>` of a map URL.
fn coord_from_url(url: &str) -> Option<(f64, f64)> {
    let start = url.find("coord=")? + "coord=".len();
    let value = url[start..].split('&').next()?;
    let (lat, lng) = value.split_once(',')?;
    Some((lat.trim().parse().ok()?, lng.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_and_ori_content() {
        let ori = "<?xml version=\"1.0\"?>\n<msg>\n\t<location x=\"39.9\" y=\"116.4\" scale=\"16\" label=\"Beijing &amp; Co\" maptype=\"0\" poiname=\"[位置]\" poiid=\"\" />\n</msg>\n";
        let url = "http://apis.map.qq.com/uri/v1/geocoder?coord=39.9,116.4";
        let body = "Beijing &amp; Co:<br/>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=1&pictype=location";
        assert!(looks_like_location(body, url));
        let loc = location(body, url, ori).expect("decodes");
        assert_eq!(loc.label, "Beijing & Co");
        assert_eq!(
            (loc.lat, loc.lng, loc.scale),
            (Some(39.9), Some(116.4), Some(16))
        );
        assert_eq!(loc.poi_name.as_deref(), Some("[位置]"));
        assert_eq!(loc.poi_id, None);
        assert_eq!(
            loc.image_path.as_deref(),
            Some("/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=1&pictype=location")
        );
    }

    #[test]
    fn url_fallback_and_bad_xml() {
        let loc = location(
            "Somewhere",
            "http://apis.map.qq.com/uri/v1/geocoder?coord=1.5,-2.25&x=1",
            "",
        )
        .expect("no ori content");
        assert_eq!((loc.lat, loc.lng), (Some(1.5), Some(-2.25)));
        assert_eq!(loc.label, "Somewhere");
        assert_eq!(loc.image_path, None);
        assert!(location("a:<br/>b", "", "<msg><location").is_err());
        assert_eq!(coord_from_url("http://x/?coord=a,b"), None);
    }
}
