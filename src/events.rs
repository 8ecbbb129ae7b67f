//! What the kiosk runtime tells the outside world: readings and guidance states.
//!
//! The same [`KioskEvent`] values go to `passread replay` (one JSON object per line), to the
//! serial link, and to the HTTP API's Server-Sent Events stream. [`KioskHealth`] is the shared,
//! always-current view of the camera and the serial link that `/healthz` and `/metrics` read.

use std::sync::{Arc, Mutex};

use serde::Serialize;

/// Guidance for the traveller, one named state at a time (published on change).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GuidanceState {
    /// No page in view.
    NoDocument,
    /// A page is in view but covers too little of the frame.
    MoveCloser,
    /// The page is moving or the frame is blurred.
    HoldStill,
    /// The frame is too dark.
    TooDark,
    /// Saturated light over the machine-readable zone.
    Glare,
    /// Frames pass the gates and are being read.
    Reading,
    /// The reading of this presentation was emitted; waiting for the page to leave.
    Done,
}

impl GuidanceState {
    pub const ALL: [GuidanceState; 7] = [
        GuidanceState::NoDocument,
        GuidanceState::MoveCloser,
        GuidanceState::HoldStill,
        GuidanceState::TooDark,
        GuidanceState::Glare,
        GuidanceState::Reading,
        GuidanceState::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GuidanceState::NoDocument => "no_document",
            GuidanceState::MoveCloser => "move_closer",
            GuidanceState::HoldStill => "hold_still",
            GuidanceState::TooDark => "too_dark",
            GuidanceState::Glare => "glare",
            GuidanceState::Reading => "reading",
            GuidanceState::Done => "done",
        }
    }
}

/// One reading of one presentation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reading {
    /// Presentation number since start (1, 2, …).
    pub presentation: u64,
    /// The API result object (the `result` member of a 200 response).
    pub result: serde_json::Value,
    /// First and last frame index whose recognition went into the reading.
    pub frames: [u64; 2],
    /// Good frames fused into the reading.
    pub fused: u32,
    /// Every check digit holds.
    pub checks_ok: bool,
    /// Emitted because the frame budget ran out, not because the checks held with high confidence.
    pub best_effort: bool,
}

/// An event of the kiosk runtime.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum KioskEvent {
    Reading(Reading),
    Status { state: GuidanceState, frame: u64 },
}

impl KioskEvent {
    /// The event as one line of JSON (no trailing newline).
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("events serialize")
    }
}

/// State of the camera as the runtime last saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CameraState {
    /// No camera in this process (e.g. `passread serve` alone).
    Absent,
    Streaming,
    /// Opening or re-opening after an error (unplugged).
    Reconnecting,
    /// A replay source reached its end.
    Finished,
}

/// State of the serial link to the gate controller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// Not configured.
    Disabled,
    /// The controller answers.
    Up,
    /// The port is open but the controller does not acknowledge (readings queue up).
    Unresponsive,
    /// The port cannot be opened.
    Down,
}

/// The runtime's current health, shared between threads.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HealthSnapshot {
    pub camera: CameraState,
    pub serial: LinkState,
    /// Readings waiting for the gate controller's acknowledgement.
    pub serial_queue: usize,
    pub state: GuidanceState,
    pub frames: u64,
    pub readings: u64,
}

impl Default for HealthSnapshot {
    fn default() -> Self {
        HealthSnapshot {
            camera: CameraState::Absent,
            serial: LinkState::Disabled,
            serial_queue: 0,
            state: GuidanceState::NoDocument,
            frames: 0,
            readings: 0,
        }
    }
}

/// Shared handle to the health snapshot.
#[derive(Clone, Debug, Default)]
pub struct KioskHealth(Arc<Mutex<HealthSnapshot>>);

impl KioskHealth {
    pub fn snapshot(&self) -> HealthSnapshot {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn update(&self, f: impl FnOnce(&mut HealthSnapshot)) {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_as_documented() {
        let s = KioskEvent::Status { state: GuidanceState::HoldStill, frame: 7 };
        assert_eq!(s.to_json_line(), r#"{"event":"status","state":"hold_still","frame":7}"#);
        let r = KioskEvent::Reading(Reading {
            presentation: 1,
            result: serde_json::json!({"country_code": "UTO"}),
            frames: [3, 5],
            fused: 3,
            checks_ok: true,
            best_effort: false,
        });
        let v: serde_json::Value = serde_json::from_str(&r.to_json_line()).unwrap();
        assert_eq!(v["event"], "reading");
        assert_eq!(v["result"]["country_code"], "UTO");
        assert_eq!(v["frames"], serde_json::json!([3, 5]));
    }

    #[test]
    fn state_names_match_serde() {
        for s in GuidanceState::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }
}

impl KioskEvent {
    /// The event's name (`reading`, `status`): the `event` tag of its JSON and the SSE `event:` field.
    pub fn name(&self) -> &'static str {
        match self {
            KioskEvent::Reading(_) => "reading",
            KioskEvent::Status { .. } => "status",
        }
    }
}

impl CameraState {
    pub const ALL: [CameraState; 4] =
        [CameraState::Absent, CameraState::Streaming, CameraState::Reconnecting, CameraState::Finished];

    pub fn as_str(self) -> &'static str {
        match self {
            CameraState::Absent => "absent",
            CameraState::Streaming => "streaming",
            CameraState::Reconnecting => "reconnecting",
            CameraState::Finished => "finished",
        }
    }
}

impl LinkState {
    pub const ALL: [LinkState; 4] = [LinkState::Disabled, LinkState::Up, LinkState::Unresponsive, LinkState::Down];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Disabled => "disabled",
            LinkState::Up => "up",
            LinkState::Unresponsive => "unresponsive",
            LinkState::Down => "down",
        }
    }
}

impl HealthSnapshot {
    /// Healthy: the camera is not being re-opened and the gate controller's link is not down or
    /// unresponsive (`/healthz` answers 503 otherwise).
    pub fn is_healthy(&self) -> bool {
        self.camera != CameraState::Reconnecting && !matches!(self.serial, LinkState::Down | LinkState::Unresponsive)
    }
}

/// The kiosk's event publisher: clone it freely, [`publish`](EventBus::publish) from any thread
/// (synchronous code included). Backed by a bounded `tokio::sync::broadcast` channel: publishing
/// never blocks and never waits for subscribers; a subscriber that falls more than the capacity
/// behind skips the oldest events (the SSE stream tells its client how many).
#[derive(Clone, Debug)]
pub struct EventBus {
    tx: tokio::sync::broadcast::Sender<Arc<KioskEvent>>,
    published: Arc<std::sync::atomic::AtomicU64>,
}

impl EventBus {
    /// Events a subscriber may fall behind before it skips.
    pub const DEFAULT_CAPACITY: usize = 256;

    /// A bus keeping at most `capacity` (at least 1) undelivered events per subscriber.
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = tokio::sync::broadcast::channel(capacity.max(1));
        EventBus { tx, published: Arc::default() }
    }

    /// Publishes an event to every current subscriber; returns how many there were. Never blocks.
    pub fn publish(&self, event: KioskEvent) -> usize {
        self.published.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // An error only means there is no subscriber right now: the event is dropped.
        self.tx.send(Arc::new(event)).unwrap_or(0)
    }

    /// A new subscription, receiving the events published from now on.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Arc<KioskEvent>> {
        self.tx.subscribe()
    }

    /// Current subscribers.
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Events published since the bus was created.
    pub fn published(&self) -> u64 {
        self.published.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus::new(EventBus::DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod bus_tests {
    use super::*;

    #[test]
    fn publish_without_subscribers_does_not_block_or_fail() {
        let bus = EventBus::new(2);
        for i in 0..10 {
            assert_eq!(bus.publish(KioskEvent::Status { state: GuidanceState::Reading, frame: i }), 0);
        }
        assert_eq!(bus.published(), 10);
    }

    #[test]
    fn slow_subscriber_lags_and_skips() {
        let bus = EventBus::new(2);
        let mut rx = bus.subscribe();
        assert_eq!(bus.subscribers(), 1);
        for i in 0..5 {
            assert_eq!(bus.publish(KioskEvent::Status { state: GuidanceState::Reading, frame: i }), 1);
        }
        assert!(matches!(rx.try_recv(), Err(tokio::sync::broadcast::error::TryRecvError::Lagged(3))));
        let e = rx.try_recv().unwrap();
        assert_eq!(*e, KioskEvent::Status { state: GuidanceState::Reading, frame: 3 });
        assert_eq!(e.name(), "status");
    }

    #[test]
    fn state_names_match_serde_for_camera_and_link() {
        for s in CameraState::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in LinkState::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        let mut h = HealthSnapshot::default();
        assert!(h.is_healthy());
        h.serial = LinkState::Down;
        assert!(!h.is_healthy());
    }
}
