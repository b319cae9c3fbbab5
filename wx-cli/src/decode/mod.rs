//! `wx decode FILE [--kind K]`: a captured body through the core's parsers, printed as JSON
//! with credentials redacted; a malformed body is one line with the format and byte offset.

mod guess;
mod kind;
mod redact;
mod view;

use std::io::Read;
use std::path::Path;

use serde_json::json;
use wx_proto::parse::BodyKind;

pub use kind::Kind;
pub use redact::redact;

use crate::cli::DecodeArgs;
use crate::error::{CliError, CliResult};

/// Runs `wx decode`.
pub fn run(args: DecodeArgs) -> CliResult {
    if args.list_kinds {
        for k in Kind::all() {
            crate::outln!("{}", k.name())?;
        }
        return Ok(());
    }
    let Some(file) = args.file else {
        return Err(CliError::usage("a FILE to decode is required"));
    };
    let body = read(&file)?;
    let kind = match &args.kind {
        Some(name) => Some(Kind::from_name(name).ok_or_else(|| {
            CliError::usage(format!(
                "unknown kind {name:?} (see `wx decode --list-kinds`)"
            ))
        })?),
        None => None,
    };
    let shown = file.display();
    let value = decode(&body, kind).map_err(|e| CliError::usage(format!("{shown}: {e}")))?;
    let text = if args.compact {
        serde_json::to_string(&value)
    } else {
        serde_json::to_string_pretty(&value)
    };
    crate::outln!("{}", text.map_err(|e| CliError::runtime(e.to_string()))?)?;
    Ok(())
}

/// Decodes `body` (as `kind`, or the guessed kind) into `{"kind", "guessed", "value"}` with
/// credentials redacted. The error is one line naming the format and the byte offset.
pub fn decode(body: &[u8], kind: Option<Kind>) -> Result<serde_json::Value, String> {
    let (candidates, guessed) = match kind {
        Some(k) => (vec![k], false),
        None => (guess::guess(body), true),
    };
    if candidates.is_empty() {
        // No telling sign: the first kind whose parser accepts the body.
        for k in Kind::all() {
            // Set-Cookie, a contact and a Content accept nearly anything: never a fallback.
            if matches!(
                k,
                Kind::Content | Kind::Contact | Kind::Body(BodyKind::SetCookie)
            ) {
                continue;
            }
            if let Ok(v) = view::decode(k, body) {
                return Ok(finish(k, true, Vec::new(), v));
            }
        }
        return Err("cannot tell what kind of body this is; pass --kind (see --list-kinds)".into());
    }
    let mut first_error = None;
    for (i, &k) in candidates.iter().enumerate() {
        match view::decode(k, body) {
            Ok(v) => {
                let others = candidates.iter().skip(i + 1).map(|k| k.name()).collect();
                return Ok(finish(k, guessed, others, v));
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.map_or_else(|| "cannot decode".to_owned(), |e| e.0))
}

fn finish(
    kind: Kind,
    guessed: bool,
    also: Vec<&str>,
    mut value: serde_json::Value,
) -> serde_json::Value {
    redact::redact(&mut value);
    let mut out = json!({ "kind": kind.name(), "guessed": guessed, "value": value });
    if !also.is_empty() {
        out["also_fits"] = json!(also);
    }
    out
}

fn read(file: &Path) -> CliResult<Vec<u8>> {
    let mut body = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut body)
            .map_err(|e| CliError::usage(format!("cannot read stdin: {e}")))?;
        return Ok(body);
    }
    body = std::fs::read(file)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", file.display())))?;
    if file.extension().is_some_and(|e| e == "jsonc") {
        blank_comments(&mut body);
    }
    Ok(body)
}

/// Blanks `// …` comments outside JSON strings with spaces, so byte offsets still point into
/// the file as written.
pub fn blank_comments(body: &mut [u8]) {
    let (mut in_string, mut i) = (false, 0);
    while i < body.len() {
        let c = body[i];
        if in_string {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
        } else if c == b'/' && body.get(i + 1) == Some(&b'/') {
            while i < body.len() && body[i] != b'\n' {
                body[i] = b' ';
                i += 1;
            }
            continue;
        }
        i += 1;
    }
}
