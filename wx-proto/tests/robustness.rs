//! Every prefix and a fixed set of mutations of every sample (real and own) go through the
//! parser of its kind: each gives `Ok` or a typed error, never a panic; a truncated JSON or
//! XML body is always an error whose offset lies inside the input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use wx_proto::parse::BodyKind;

fn kind_of(sub: &str) -> Option<BodyKind> {
    BodyKind::from_name(sub)
}

fn is_structured(kind: BodyKind) -> bool {
    !matches!(
        kind,
        BodyKind::JsLogin | BodyKind::LoginPoll | BodyKind::SyncCheck | BodyKind::SetCookie
    )
}

fn samples() -> Vec<(BodyKind, std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in common::shared_dir().into_iter().chain([common::own_dir()]) {
        for (sub, path) in common::all_files(&dir) {
            let Some(kind) = kind_of(&sub) else { continue };
            let mut body = common::read(&path);
            if path.extension().is_some_and(|e| e == "txt") && kind == BodyKind::Message {
                body.push(b'}'); // the partial sample, closed
            }
            out.push((kind, path, body));
        }
    }
    assert!(out.len() > 80, "too few samples: {}", out.len());
    out
}

/// A room contact object alone (not an envelope) stands in the batchgetcontact directory.
fn is_bare_contact(path: &Path) -> bool {
    path.to_string_lossy()
        .contains("room-contact-clientdecorated")
}

fn parse(kind: BodyKind, path: &Path, input: &[u8]) -> Result<(), wx_proto::ParseError> {
    if is_bare_contact(path) {
        return serde_json::from_slice::<wx_proto::parse::Contact>(input)
            .map(drop)
            .map_err(|_| {
                wx_proto::ParseError::new(
                    wx_proto::Format::Json(wx_proto::Endpoint::BatchGetContact),
                    0,
                    wx_proto::ErrorKind::Syntax,
                )
            });
    }
    kind.check(input)
}

fn check(kind: BodyKind, path: &Path, input: &[u8]) {
    if let Err(e) = parse(kind, path, input) {
        assert!(
            e.offset <= input.len(),
            "{}: offset {} beyond input of {} bytes",
            path.display(),
            e.offset,
            input.len()
        );
    }
}

#[test]
fn every_prefix_is_ok_or_a_typed_error() {
    let mut total = 0usize;
    for (kind, path, body) in samples() {
        assert!(
            parse(kind, &path, &body).is_ok(),
            "{}: whole sample must parse",
            path.display()
        );
        let whole_trimmed = body.trim_ascii_end().len();
        for len in 0..body.len() {
            let prefix = &body[..len];
            check(kind, &path, prefix);
            if is_structured(kind) && len < whole_trimmed {
                assert!(
                    parse(kind, &path, prefix).is_err(),
                    "{}: a body cut at {len} must not parse",
                    path.display()
                );
            }
            total += 1;
        }
    }
    assert!(total > 50_000, "only {total} prefixes");
}

/// Deterministic mutations at positions spread over the body.
fn mutations(body: &[u8]) -> Vec<Vec<u8>> {
    const BYTES: [u8; 10] = [b'"', b'\'', b'{', b'}', b'<', b'\\', b';', 0, 0xff, b'9'];
    let mut out = Vec::new();
    let positions = body.len().min(120);
    for i in 0..positions {
        let at = i * body.len() / positions.max(1);
        for &b in &BYTES {
            let mut m = body.to_vec();
            m[at] = b;
            out.push(m);
        }
        let mut del = body.to_vec();
        del.remove(at);
        out.push(del);
        let mut dup = body.to_vec();
        dup.insert(at, body[at]);
        out.push(dup);
        let mut flip = body.to_vec();
        flip[at] ^= 0x80;
        out.push(flip);
    }
    // Numbers out of every range, and a deep nesting.
    let text = String::from_utf8_lossy(body);
    out.push(text.replace("0", "99999999999999999999999").into_bytes());
    out.push(text.replace("\"", "").into_bytes());
    let mut deep = b"[".repeat(10_000);
    deep.extend_from_slice(body);
    out.push(deep);
    out
}

#[test]
fn mutations_are_ok_or_a_typed_error() {
    let mut total = 0usize;
    for (kind, path, body) in samples() {
        for (i, m) in mutations(&body).iter().enumerate() {
            check(kind, &path, m);
            // Every other parser must survive it too (a sample of them, to keep it quick).
            if i % 7 == 0 {
                for other in BodyKind::ALL {
                    let _ = other.check(m);
                }
            }
            total += 1;
        }
    }
    assert!(total > 50_000, "only {total} mutations");
}

/// The webwxsync parser's one-pass and per-element readings agree on every prefix and
/// mutation of every webwxsync sample where the one-pass reading succeeds (the fuzz
/// target's check; it panics on a difference).
#[test]
fn webwxsync_readings_agree_on_prefixes_and_mutations() {
    let mut total = 0usize;
    for (kind, _, body) in samples() {
        if kind != BodyKind::Sync {
            continue;
        }
        for len in 0..=body.len() {
            wx_proto::fuzzing::sync(&body[..len]);
        }
        for m in mutations(&body) {
            wx_proto::fuzzing::sync(&m);
            total += 1;
        }
    }
    assert!(total > 1_000, "only {total} webwxsync mutations");
}

/// The contact pages' one-pass and tolerant readings agree, and the structural scanner
/// keeps its invariants, on every prefix and mutation of every sample (the fuzz targets'
/// checks; they panic on a difference).
#[test]
fn tolerant_readings_agree_on_prefixes_and_mutations() {
    let mut total = 0usize;
    for (kind, _, body) in samples() {
        let contacts = matches!(
            kind,
            BodyKind::Init | BodyKind::GetContact | BodyKind::BatchGetContact
        );
        let inputs = (0..=body.len())
            .map(|len| body[..len].to_vec())
            .chain(mutations(&body));
        for input in inputs {
            wx_proto::fuzzing::split(&input);
            if contacts {
                wx_proto::fuzzing::contacts(&input);
            }
            total += 1;
        }
    }
    assert!(total > 100_000, "only {total} inputs");
}
