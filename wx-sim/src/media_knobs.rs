//! The media knobs and inspectors: empty avatar answers, HTML pages instead of downloads,
//! failing the n-th request to an endpoint (an upload chunk), and what was uploaded or refused.

use crate::fault::Fault;
use crate::refusal::{Refusal, Refused};
use crate::sim::Sim;
use crate::upload::UploadedInfo;

/// A fault for the `n`-th next request to an endpoint.
#[derive(Debug, Clone)]
pub(crate) struct NthFault {
    endpoint: String,
    /// Matching requests still to come before it fires (1: the next).
    n: u32,
    fault: Fault,
}

/// The download and upload misbehaviour knobs.
#[derive(Debug, Clone, Default)]
pub(crate) struct MediaKnobs {
    /// Avatar answers (webwxgeticon, webwxgetheadimg) still to answer empty.
    pub(crate) empty_avatars: u32,
    /// Download answers still to answer as an HTML page, and for which endpoint (any when
    /// `None`).
    pub(crate) html: Vec<(Option<String>, u32)>,
    pub(crate) nth: Vec<NthFault>,
}

impl MediaKnobs {
    /// The fault firing for this request to `endpoint`, counting it for every n-th rule.
    pub(crate) fn take_nth(&mut self, endpoint: &str) -> Option<Fault> {
        let mut fired = None;
        self.nth.retain_mut(|r| {
            if r.endpoint != endpoint {
                return true;
            }
            r.n = r.n.saturating_sub(1);
            if r.n == 0 && fired.is_none() {
                fired = Some(r.fault.clone());
                return false;
            }
            true
        });
        fired
    }

    /// True (once) when this download of `endpoint` is to be an HTML page.
    pub(crate) fn take_html(&mut self, endpoint: &str) -> bool {
        let Some(i) = self
            .html
            .iter()
            .position(|(e, n)| *n > 0 && e.as_deref().is_none_or(|e| e == endpoint))
        else {
            return false;
        };
        if let Some((_, n)) = self.html.get_mut(i) {
            *n -= 1;
            if *n == 0 {
                self.html.remove(i);
            }
        }
        true
    }

    /// True (once) when this avatar answer is to be empty.
    pub(crate) fn take_empty_avatar(&mut self) -> bool {
        if self.empty_avatars == 0 {
            return false;
        }
        self.empty_avatars -= 1;
        true
    }
}

impl Sim {
    /// The next `times` avatar answers (webwxgeticon, webwxgetheadimg) are `200` with an
    /// empty body (`Content-Length: 0`), as the real server sometimes answers (openwechat
    /// retries 3 times).
    pub fn empty_avatars(&mut self, times: u32) {
        self.media_knobs.empty_avatars = times;
    }

    /// The next `times` answers of the download `endpoint` (webwxgetmsgimg, webwxgetvoice,
    /// webwxgetvideo, webwxgetmedia, webwxgeticon, webwxgetheadimg; any of them when `None`)
    /// are a `200 text/html` page instead of the media, as a proxy or an expired link gives.
    pub fn html_downloads(&mut self, endpoint: Option<&str>, times: u32) {
        if times > 0 {
            self.media_knobs
                .html
                .push((endpoint.map(str::to_string), times));
        }
    }

    /// The `n`-th next request to `endpoint` (1: the next one) gets `fault` (e.g.
    /// [`Fault::Status`] 500 or [`Fault::Drop`]), once; the requests before it are served.
    /// `fail_nth("webwxuploadmedia", 3, …)` fails the third chunk of an upload, so a client's
    /// "resend from the failed chunk" can be tested. `n` 0 counts as 1.
    pub fn fail_nth(&mut self, endpoint: &str, n: u32, fault: Fault) {
        self.media_knobs.nth.push(NthFault {
            endpoint: endpoint.to_string(),
            n: n.max(1),
            fault,
        });
    }

    /// What was uploaded as `media_id` (by webwxuploadmedia), if anything.
    pub fn uploaded(&self, media_id: &str) -> Option<UploadedInfo> {
        self.registry.done.get(media_id).cloned()
    }

    /// Every finished upload, by MediaId.
    pub fn uploads(&self) -> impl Iterator<Item = (&str, &UploadedInfo)> {
        self.registry.done.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Unfinished uploads held now, and their bytes.
    pub fn unfinished_uploads(&self) -> (usize, u64) {
        (self.partials.len(), self.partials.held())
    }

    /// The most recent refused uploads and media sends (at most
    /// [`refusal::KEPT`](crate::refusal::KEPT)), oldest first.
    pub fn refusals(&self) -> impl Iterator<Item = &Refused> {
        self.refusals.entries.iter()
    }

    /// Why the latest refused upload or media send was refused.
    pub fn last_refusal(&self) -> Option<&Refusal> {
        self.refusals.entries.back().map(|r| &r.refusal)
    }

    /// How many uploads and media sends were refused since start.
    pub fn refusal_count(&self) -> u64 {
        self.refusals.total
    }
}
