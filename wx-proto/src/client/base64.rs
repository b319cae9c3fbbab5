//! Standard base64 decoding, for the avatar data URL of a scanned login (`data:…;base64,…`).

/// Decodes standard base64 (padding optional, whitespace ignored); `None` on bad input.
pub(crate) fn decode(input: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for c in input.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
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

/// The bytes of a `data:<mime>;base64,<data>` URL.
pub(crate) fn decode_data_url(url: &str) -> Option<Vec<u8>> {
    let (_, data) = url.split_once(";base64,")?;
    decode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        assert_eq!(decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode("/9j/").as_deref(), Some(&[0xff, 0xd8, 0xff][..]));
        assert_eq!(decode("a*b"), None);
        assert_eq!(
            decode_data_url("data:img/jpg;base64,aGk=").as_deref(),
            Some(&b"hi"[..])
        );
        assert_eq!(decode_data_url("nope"), None);
    }
}
