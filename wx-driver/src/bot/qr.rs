//! The login QR code as terminal text.

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

/// The QR code of `text` as terminal lines (two modules per character cell, with its quiet
/// zone). Dark terminals want the inverse (`light = false`). `None` when `text` is too long
/// for a QR code.
pub fn terminal_qr(text: &str, light: bool) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let mut r = code.render::<Dense1x2>();
    r.quiet_zone(true);
    if !light {
        r.dark_color(Dense1x2::Light).light_color(Dense1x2::Dark);
    }
    Some(r.build())
}
