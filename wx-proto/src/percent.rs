//! Percent-encoding and -decoding for query strings and the pass_ticket (RFC 3986 unreserved set).

/// Percent-encodes every byte outside `A-Z a-z 0-9 - _ . ~`, as `encodeURIComponent` does
/// (which also keeps `! * ' ( )`; the server accepts both).
pub fn encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 2);
    for &b in input.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Decodes `%XX` sequences once. A `%` not followed by two hex digits is kept as is; `+` is
/// kept (this is not form decoding). Invalid UTF-8 after decoding is replaced lossily.
pub fn decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|&c| hex_val(c)),
                bytes.get(i + 2).and_then(|&c| hex_val(c)),
            )
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_double_encoding() {
        let ticket = "kbJt9nj%2BJz%2FYH7iOI%3D";
        assert_eq!(decode(ticket), "kbJt9nj+Jz/YH7iOI=");
        assert_eq!(encode(ticket), "kbJt9nj%252BJz%252FYH7iOI%253D");
        assert_eq!(decode(&encode("a b@c|d")), "a b@c|d");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
    }
}
