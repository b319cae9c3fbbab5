//! Media bytes the simulator serves: a tiny JPEG, stand-in voice and video, the QR code PNG.

/// An 8x8 grey baseline JPEG (159 bytes) made for this crate: avatars, images, thumbnails.
pub const TINY_JPEG: &[u8] = &[
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x1b, 0x12, 0x14, 0x17, 0x14, 0x11, 0x1b,
    0x17, 0x16, 0x17, 0x1e, 0x1c, 0x1b, 0x20, 0x28, 0x42, 0x2b, 0x28, 0x25, 0x25, 0x28, 0x51, 0x3a,
    0x3d, 0x30, 0x42, 0x60, 0x55, 0x65, 0x64, 0x5f, 0x55, 0x5d, 0x5b, 0x6a, 0x78, 0x99, 0x81, 0x6a,
    0x71, 0x90, 0x73, 0x5b, 0x5d, 0x85, 0xb5, 0x86, 0x90, 0x9e, 0xa3, 0xab, 0xad, 0xab, 0x67, 0x80,
    0xbc, 0xc9, 0xba, 0xa6, 0xc7, 0x99, 0xa8, 0xab, 0xa4, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x08,
    0x00, 0x08, 0x01, 0x01, 0x11, 0x00, 0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xc4, 0x00, 0x14,
    0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x3f, 0xff, 0xd9,
];

/// Stand-in voice bytes: an ID3 header and silent MPEG frames (never decoded by clients).
pub fn voice_mp3(len: usize) -> Vec<u8> {
    let mut frame = [0u8; 32];
    frame[..4].copy_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
    periodic(b"ID3\x03\x00\x00\x00\x00\x00\x00", &frame, len.max(16))
}

/// Stand-in video bytes: an `ftyp` box then filler (0, 1, … 255, 0, …), `len` bytes long.
pub fn video_mp4(len: usize) -> Vec<u8> {
    let mut filler = [0u8; 256];
    for (i, b) in (0u8..=255).zip(filler.iter_mut()) {
        *b = i;
    }
    periodic(
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
        &filler,
        len.max(24),
    )
}

/// Stand-in attachment bytes: `abc…xyzabc…`, `len` bytes long.
pub fn file_bytes(len: usize) -> Vec<u8> {
    periodic(b"", b"abcdefghijklmnopqrstuvwxyz", len)
}

/// `head`, then `period` repeated, cut at `len` bytes. Built by doubling copies, so a
/// megabyte costs a handful of `memcpy`s rather than a loop over its bytes.
fn periodic(head: &[u8], period: &[u8], len: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(len);
    v.extend_from_slice(head.get(..len.min(head.len())).unwrap_or(head));
    if period.is_empty() || v.len() >= len {
        return v;
    }
    let start = v.len();
    v.extend_from_slice(
        period
            .get(..(len - start).min(period.len()))
            .unwrap_or(period),
    );
    while v.len() < len {
        let have = v.len() - start;
        let take = have.min(len - v.len());
        v.extend_from_within(start..start + take);
    }
    v
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].iter().enumerate() {
            if i <= chunk.len() {
                let idx = ((n >> shift) & 63) as usize;
                out.push(char::from(T.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding optional, whitespace ignored); `None` if malformed.
pub fn unbase64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A PNG of the QR code of `text` (8 pixels a module, 4-module quiet zone); `None` if the
/// text is too long for a QR code.
pub fn qr_png(text: &str) -> Option<Vec<u8>> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let scale = 8usize;
    let quiet = 4usize;
    let side = (width + 2 * quiet) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i % width + quiet, i / width + quiet);
            for y in my * scale..(my + 1) * scale {
                for x in mx * scale..(mx + 1) * scale {
                    if let Some(p) = pixels.get_mut(y * side + x) {
                        *p = 0;
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().ok()?;
        w.write_image_data(&pixels).ok()?;
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_stand_ins() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        for s in [&b""[..], b"M", b"Ma", b"Man", TINY_JPEG] {
            assert_eq!(unbase64(&base64(s)).unwrap(), s);
        }
        assert_eq!(unbase64("TWE"), Some(b"Ma".to_vec()));
        assert_eq!(unbase64("T*"), None);
        assert!(base64(TINY_JPEG).starts_with("/9j/4AAQSkZJRg"));
        assert_eq!(voice_mp3(100).len(), 100);
        assert_eq!(&video_mp4(50)[4..8], b"ftyp");
        assert_eq!(video_mp4(24 + 300)[24 + 257], 1);
        assert_eq!(&file_bytes(30)[24..], b"yzabcd");
        assert_eq!(voice_mp3(16).len(), 16);
        assert_eq!(&voice_mp3(80)[10 + 32..10 + 36], &[0xFF, 0xFB, 0x90, 0x64]);
        assert_eq!(file_bytes(5 << 20).len(), 5 << 20);
        let png = qr_png("https://login.weixin.qq.com/l/gbyKnbsmqQ==").unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }
}
