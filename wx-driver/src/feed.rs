//! [`feed`]: hands the outcome of one request to the client, the same way in every adapter.

use std::time::Instant;

use wx_proto::client::{Client, Failure, RequestId};

/// The outcome of one request: the whole response, or why there is none.
pub type Outcome = Result<http::Response<Vec<u8>>, Failure>;

/// Feeds the outcome of request `id` to `client` at `now`. A failure is logged by its
/// category only; a request the client does not know is logged and dropped.
pub fn feed(client: &mut Client, id: RequestId, outcome: Outcome, now: Instant) {
    let fed = match outcome {
        Ok(response) => client.handle_response(id, response, now),
        Err(failure) => {
            tracing::debug!(id = id.0, ?failure, "request failed");
            client.handle_failure(id, failure, now)
        }
    };
    if fed.is_err() {
        tracing::warn!(id = id.0, "the client did not know a completed request");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::disallowed_methods)]
    use super::*;
    use std::time::SystemTime;
    use wx_proto::client::{Config, Event};

    #[test]
    fn a_failure_reaches_the_client_and_an_unknown_request_is_dropped() {
        let now = Instant::now();
        let mut client = Client::new(Config::default(), [7; 32], now, SystemTime::now());
        let Some(request) = client.poll_request() else {
            panic!("a new client asks for a login uuid");
        };
        feed(&mut client, RequestId(u64::MAX), Err(Failure::Io), now);
        assert!(
            client.poll_event().is_none(),
            "an unknown request changes nothing"
        );
        feed(&mut client, request.id, Err(Failure::Connect), now);
        let events: Vec<Event> = std::iter::from_fn(|| client.poll_event()).collect();
        assert!(!events.is_empty() || client.poll_timeout().is_some());
    }
}
