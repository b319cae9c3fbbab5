//! The simulator's own reading and writing of the webwx wire formats (no wx-proto).

pub mod cookie;
pub mod gzip;
pub mod js;
pub mod json;
pub mod media;
pub mod multipart;
pub mod query;
pub mod xml;
