//! `GET /v1/events`: the kiosk's events as Server-Sent Events.
//!
//! One SSE message per [`KioskEvent`]: `event: reading` or `event: status`, `data:` the event's
//! JSON (the same object `passread replay` prints). Keep-alive comments every
//! `http.sse_keepalive_s`; a client too slow for the bus's capacity skips events and gets a
//! `: lagged N` comment. The stream ends when the server shuts down.

use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};

use super::metrics::Metrics;
use crate::events::KioskEvent;

/// Decrements the client gauge when the stream is dropped (client gone or shutdown).
struct ClientGuard(Arc<Metrics>);

impl Drop for ClientGuard {
    fn drop(&mut self) {
        self.0.sse_clients.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Takes a client slot; `None` when `max` clients are connected.
pub fn admit(metrics: &Arc<Metrics>, max: usize) -> Option<impl Send + 'static> {
    let prev = metrics.sse_clients.fetch_add(1, Ordering::Relaxed);
    let guard = ClientGuard(metrics.clone());
    if prev >= max { None } else { Some(guard) }
}

/// The SSE message of one event.
pub fn event_message(event: &KioskEvent) -> Event {
    match serde_json::to_string(event) {
        Ok(json) => Event::default().event(event.name()).data(json),
        Err(e) => {
            log::error!("event serialisation failed: {e}");
            Event::default().comment("an event could not be serialised")
        }
    }
}

struct State<G> {
    rx: broadcast::Receiver<Arc<KioskEvent>>,
    shutdown: watch::Receiver<bool>,
    _guard: G,
}

/// The event stream of one client.
pub fn stream<G: Send + 'static>(
    rx: broadcast::Receiver<Arc<KioskEvent>>,
    shutdown: watch::Receiver<bool>,
    guard: G,
    keepalive: Duration,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let state = State { rx, shutdown, _guard: guard };
    let s = futures_util::stream::unfold(state, |mut st| async move {
        if *st.shutdown.borrow() {
            return None;
        }
        let item = tokio::select! {
            _ = st.shutdown.changed() => return None,
            r = st.rx.recv() => match r {
                Ok(ev) => event_message(&ev),
                Err(RecvError::Lagged(n)) => {
                    log::debug!("event-stream client lagged, {n} events skipped");
                    Event::default().comment(format!("lagged {n}"))
                }
                Err(RecvError::Closed) => return None,
            },
        };
        Some((Ok(item), st))
    });
    Sse::new(s).keep_alive(KeepAlive::new().interval(keepalive).text("keep-alive"))
}
