//! A small element tree read with quick-xml from the unescaped XML of a message `Content`.
//!
//! Lenient where the server is sloppy (a dangling `&`, unknown entities, junk after the
//! root such as the trailing `<br/>` of file messages, an attribute without a value),
//! strict where the structure is broken (mismatched or unclosed tags): those give a
//! [`ParseError`] of format [`Format::ContentXml`] whose offset is into the unescaped XML.

use quick_xml::errors::SyntaxError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, events::BytesRef};

use crate::error::{ErrorKind, Format, ParseError};

/// Deeper nesting than this is refused (no content the server sends comes close).
const MAX_DEPTH: usize = 64;

/// One element: its name, attributes, text (the concatenation of its own text and CDATA
/// nodes, entities resolved) and child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The value of an attribute (names compare ASCII case-insensitively).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// An attribute as a non-empty owned string.
    pub fn attr_string(&self, name: &str) -> Option<String> {
        self.attr(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// An attribute parsed as a number (`None` when absent, empty or not a number).
    pub fn attr_num<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.attr(name).and_then(|v| v.trim().parse().ok())
    }

    /// The first child with this name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The first element with this name at any depth below (or at) this one, depth first.
    pub fn find(&self, name: &str) -> Option<&Element> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }

    /// The trimmed text of a child, when non-empty.
    pub fn child_text(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    }

    /// The text of a child parsed as a number.
    pub fn child_num<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.child(name).and_then(|c| c.text.trim().parse().ok())
    }
}

fn err(offset: usize, kind: ErrorKind) -> ParseError {
    ParseError::new(Format::ContentXml, offset, kind)
}

/// Parses `xml` and returns its root element. Text before the root must be whitespace;
/// anything after the root's end is ignored.
pub(crate) fn parse(xml: &str) -> Result<Element, ParseError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().allow_dangling_amp = true;
    let mut stack: Vec<Element> = Vec::new();
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let at = (reader.error_position() as usize).min(xml.len());
            // quick-xml's other syntax errors are constructs left open at the end.
            let kind = match e {
                quick_xml::Error::Syntax(SyntaxError::InvalidBangMarkup) => ErrorKind::Syntax,
                quick_xml::Error::Syntax(_) => ErrorKind::UnexpectedEnd,
                _ => ErrorKind::Syntax,
            };
            err(at, kind)
        })?;
        match event {
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(pos, ErrorKind::InvalidValue("nesting depth")));
                }
                stack.push(element(&start, pos)?);
            }
            Event::Empty(start) => {
                let el = element(&start, pos)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => return Ok(el),
                }
            }
            Event::End(_) => {
                // quick-xml checks that the end tag matches its start.
                let Some(done) = stack.pop() else {
                    return Err(err(pos, ErrorKind::Syntax));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Ok(done),
                }
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|_| err(pos, ErrorKind::InvalidUtf8))?;
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&s),
                    None if s.trim().is_empty() => {}
                    None => return Err(err(pos, ErrorKind::Syntax)),
                }
            }
            Event::CData(t) => {
                let s = t.decode().map_err(|_| err(pos, ErrorKind::InvalidUtf8))?;
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&s),
                    None => return Err(err(pos, ErrorKind::Syntax)),
                }
            }
            Event::GeneralRef(r) => match stack.last_mut() {
                Some(el) => push_ref(&mut el.text, &r),
                None => return Err(err(pos, ErrorKind::Syntax)),
            },
            Event::Eof => {
                return Err(err(
                    xml.len(),
                    if stack.is_empty() {
                        ErrorKind::MissingField("root element")
                    } else {
                        ErrorKind::UnexpectedEnd
                    },
                ));
            }
            // Declarations, comments, processing instructions, doctypes.
            _ => {}
        }
    }
}

fn element(start: &BytesStart<'_>, pos: usize) -> Result<Element, ParseError> {
    let name = std::str::from_utf8(start.name().as_ref())
        .map_err(|_| err(pos, ErrorKind::InvalidUtf8))?
        .to_owned();
    let mut attrs = Vec::new();
    for attr in start.html_attributes().with_checks(false) {
        // A malformed attribute ends the attribute list; the element is kept.
        let Ok(attr) = attr else { break };
        let Ok(key) = std::str::from_utf8(attr.key.as_ref()) else {
            continue;
        };
        let value = match attr.unescape_value() {
            Ok(v) => v.into_owned(),
            // A bare `&` or an unknown entity: keep the text as it is.
            Err(_) => String::from_utf8_lossy(&attr.value).into_owned(),
        };
        attrs.push((key.to_owned(), value));
    }
    Ok(Element {
        name,
        attrs,
        text: String::new(),
        children: Vec::new(),
    })
}

/// Appends an entity or character reference; unknown ones are kept as written.
fn push_ref(buf: &mut String, r: &BytesRef<'_>) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        buf.push(c);
        return;
    }
    let name = String::from_utf8_lossy(r);
    let c = match name.as_ref() {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            buf.push('&');
            buf.push_str(&name);
            buf.push(';');
            return;
        }
    };
    buf.push(c);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_with_text_cdata_and_attrs() {
        let xml = "<?xml version=\"1.0\"?>\n<msg a = \"1\" B='x&amp;y'><c>t&amp;u&nbsp;</c><d><![CDATA[\"N\" 撤回]]></d><e/></msg>\n<br/>\n";
        let root = parse(xml).expect("parses");
        assert_eq!(root.name, "msg");
        assert_eq!(root.attr("a"), Some("1"));
        assert_eq!(root.attr("b"), Some("x&y"));
        assert_eq!(root.child_text("c").as_deref(), Some("t&u&nbsp;"));
        assert_eq!(root.child_text("d").as_deref(), Some("\"N\" 撤回"));
        assert!(root.child("e").is_some());
        assert_eq!(root.find("d").map(|d| d.name.as_str()), Some("d"));
    }

    #[test]
    fn lenient_bits() {
        let root = parse("<a href=\"x?a=1&b=2\" flag>1 & 2</a>").expect("lenient");
        assert_eq!(root.attr("href"), Some("x?a=1&b=2"));
        assert_eq!(root.text, "1 & 2");
        assert_eq!(
            parse("<img length=\"5\"/>")
                .expect("empty root")
                .attr_num::<u64>("length"),
            Some(5)
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse("").expect_err("empty").kind,
            ErrorKind::MissingField("root element")
        );
        assert_eq!(
            parse("<a><b></a>").expect_err("mismatch").kind,
            ErrorKind::Syntax
        );
        assert_eq!(
            parse("<a><b>").expect_err("cut").kind,
            ErrorKind::UnexpectedEnd
        );
        assert_eq!(parse("text<a/>").expect_err("text").kind, ErrorKind::Syntax);
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert_eq!(
            parse(&deep).expect_err("deep").kind,
            ErrorKind::InvalidValue("nesting depth")
        );
        let e = parse("<a></b>").expect_err("bad end");
        assert_eq!(e.format, Format::ContentXml);
    }
}
