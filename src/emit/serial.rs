//! The serial link to the gate controller: a worker thread that owns the port and delivers
//! each reading exactly once (protocol: `docs/serial-protocol.md`, codec: [`super::frame`]).
//!
//! ```no_run
//! # use passread::{config::SerialConfig, events::{KioskEvent, KioskHealth}, emit::serial::SerialLink};
//! # fn f(config: &SerialConfig, health: KioskHealth, event: KioskEvent) -> Result<(), Box<dyn std::error::Error>> {
//! let link = SerialLink::spawn(config, health)?; // never fails because the port is missing
//! link.send(&event)?;                             // non-blocking; QueueFull if 16 readings wait
//! let _state = link.state();                      // also in KioskHealth::serial / serial_queue
//! link.flush(std::time::Duration::from_secs(3));  // on SIGTERM: wait for the queue to drain
//! # Ok(()) }
//! ```
//!
//! Stop-and-wait: one frame is outstanding at a time. A reading stays at the head of the queue
//! until the controller acknowledges its sequence number; it is sent again after `ack_timeout_ms`
//! or at once on a NAK, at most `max_retries` times before the link is reported
//! [`LinkState::Unresponsive`], and after that with a growing pause (up to `backoff_max_ms`)
//! for as long as it takes. The controller acknowledges a repeated sequence number without
//! acting twice, which makes delivery exactly-once. Statuses are "latest wins" and never hold
//! up a reading; heartbeats probe the controller while idle.
//!
//! Every buffer is fixed-capacity: the queue holds [`QUEUE_CAPACITY`] readings of at most
//! [`MAX_PAYLOAD`] bytes, the receive side one frame of at most [`frame::MAX_BODY`] bytes.

use std::io::{self, Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use heapless::{Deque, Vec};
use log::{debug, error, info, warn};
use serde::Serialize;

use super::frame::{self, DecodeError, Decoder, FrameType, WireBuf, MAX_PAYLOAD};
use crate::config::SerialConfig;
use crate::events::{KioskEvent, KioskHealth, LinkState};

/// Readings that can wait for the controller (the outstanding one included).
pub const QUEUE_CAPACITY: usize = 16;

/// At most this many sequence numbers are used without an acknowledgement. A frame other than a
/// reading is only given up (and the next frame given a new number) below this bound, so a new
/// frame never reuses the number the controller may still remember as its last one.
pub const SEQ_GUARD: u32 = 32;

/// Protocol version announced in HELLO.
pub const PROTOCOL_VERSION: u32 = 1;

/// Longest the worker sleeps or blocks on a read before looking at its queue again.
const POLL: Duration = Duration::from_millis(20);

type Payload = Vec<u8, MAX_PAYLOAD>;

/// The link could not be started.
#[derive(Debug, thiserror::Error)]
pub enum SerialError {
    #[error("the serial link is disabled in the config")]
    Disabled,
    #[error("serial config: {0}")]
    Config(String),
    #[error("cannot start the serial worker thread: {0}")]
    Spawn(io::Error),
}

/// An event was not taken by [`SerialLink::send`]. A reading that was not taken is still the
/// caller's: nothing is dropped silently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("serial queue full: {QUEUE_CAPACITY} readings wait for the gate controller")]
    QueueFull,
    #[error("event of {len} bytes exceeds the {MAX_PAYLOAD}-byte frame payload")]
    TooLarge { len: usize },
    #[error("the serial link has stopped")]
    Closed,
}

/// Counters since the link started (for `/metrics` and tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LinkStats {
    /// Frames written, first sends and retransmissions.
    pub frames_sent: u64,
    pub retransmissions: u64,
    pub readings_delivered: u64,
    pub statuses_delivered: u64,
    /// Statuses given up: superseded, behind a reading, or unanswered.
    pub statuses_dropped: u64,
    pub heartbeats_acked: u64,
    pub naks: u64,
    /// Waits for an acknowledgement that ran out.
    pub timeouts: u64,
    /// Damaged or unreadable frames from the controller.
    pub rx_errors: u64,
    /// Well-formed frames that answered nothing outstanding (late or duplicate ACKs, …).
    pub rx_ignored: u64,
    /// Successful port opens.
    pub opens: u64,
    /// Read or write failures that closed the port.
    pub io_errors: u64,
}

struct Shared {
    queue: Deque<Payload, QUEUE_CAPACITY>,
    /// Latest status not yet sent.
    status: Option<Payload>,
    state: LinkState,
    stats: LinkStats,
    stop: bool,
    running: bool,
}

struct Inner {
    shared: Mutex<Shared>,
    changed: Condvar,
    health: KioskHealth,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Copies state and queue length to the health snapshot and wakes `flush`.
    fn publish(&self, s: &Shared) {
        let (state, queued) = (s.state, s.queue.len());
        self.health.update(|h| {
            h.serial = state;
            h.serial_queue = queued;
        });
        self.changed.notify_all();
    }
}

/// Handle to the link worker. Dropping it stops the worker (without waiting for the queue:
/// call [`SerialLink::flush`] first).
pub struct SerialLink {
    inner: Arc<Inner>,
    thread: Option<JoinHandle<()>>,
}

impl SerialLink {
    /// Starts the worker thread. The port is opened by the worker, so a missing or failing port
    /// is not an error here: the link starts [`LinkState::Down`] and keeps trying every
    /// `reopen_ms`.
    pub fn spawn(config: &SerialConfig, health: KioskHealth) -> Result<SerialLink, SerialError> {
        if !config.enabled {
            return Err(SerialError::Disabled);
        }
        config.check().map_err(SerialError::Config)?;
        let inner = Arc::new(Inner {
            shared: Mutex::new(Shared {
                queue: Deque::new(),
                status: None,
                state: LinkState::Down,
                stats: LinkStats::default(),
                stop: false,
                running: true,
            }),
            changed: Condvar::new(),
            health,
        });
        inner.publish(&inner.lock());
        let worker = Worker::new(config.clone(), inner.clone());
        let thread = std::thread::Builder::new()
            .name("serial-link".into())
            .spawn(move || worker.run())
            .map_err(SerialError::Spawn)?;
        Ok(SerialLink { inner, thread: Some(thread) })
    }

    /// Hands an event to the link without blocking.
    ///
    /// A reading is appended to the queue, or refused with [`SendError::QueueFull`] when
    /// [`QUEUE_CAPACITY`] readings already wait (the caller keeps it and should surface the
    /// condition; the queue never drops a reading). A status replaces any status not yet sent.
    pub fn send(&self, event: &KioskEvent) -> Result<(), SendError> {
        let line = event.to_json_line();
        let payload = Payload::from_slice(line.as_bytes()).map_err(|_| SendError::TooLarge { len: line.len() })?;
        let mut s = self.inner.lock();
        if !s.running {
            return Err(SendError::Closed);
        }
        match event {
            KioskEvent::Reading(_) => {
                s.queue.push_back(payload).map_err(|_| SendError::QueueFull)?;
                self.inner.publish(&s);
            }
            KioskEvent::Status { .. } => {
                if s.status.replace(payload).is_some() {
                    s.stats.statuses_dropped += 1;
                }
            }
        }
        Ok(())
    }

    pub fn state(&self) -> LinkState {
        self.inner.lock().state
    }

    /// Readings not yet acknowledged (the one on the wire included).
    pub fn queued(&self) -> usize {
        self.inner.lock().queue.len()
    }

    pub fn stats(&self) -> LinkStats {
        self.inner.lock().stats
    }

    /// Waits until every queued reading is acknowledged, at most `timeout`. True if the queue
    /// is empty. For shutdown (SIGTERM): readings still queued afterwards are lost with the
    /// process.
    pub fn flush(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut s = self.inner.lock();
        loop {
            if s.queue.is_empty() {
                return true;
            }
            let now = Instant::now();
            if !s.running || now >= deadline {
                return false;
            }
            s = self.inner.changed.wait_timeout(s, deadline - now).unwrap_or_else(|p| p.into_inner()).0;
        }
    }
}

impl Drop for SerialLink {
    fn drop(&mut self) {
        self.inner.lock().stop = true;
        self.inner.changed.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The frame on the wire, waiting for its acknowledgement.
struct Outstanding {
    kind: FrameType,
    seq: u8,
    /// Sends so far.
    sends: u32,
    deadline: Instant,
    /// The deadline was cut short by a NAK (not counted as a timeout).
    nakked: bool,
}

struct Worker {
    cfg: SerialConfig,
    port_name: String,
    inner: Arc<Inner>,
    port: Option<Box<dyn serialport::SerialPort>>,
    decoder: Decoder,
    /// The outstanding frame's bytes (resent as they are).
    wire: WireBuf,
    out: Option<Outstanding>,
    next_seq: u8,
    /// Sequence numbers used since the last acknowledgement.
    unacked: u32,
    hello_acked: bool,
    last_tx: Instant,
    next_open: Instant,
    /// Send a heartbeat at the next idle moment (after a reopen).
    probe: bool,
}

enum Received {
    Frame(FrameType, u8),
    Error(DecodeError),
}

impl Worker {
    fn new(cfg: SerialConfig, inner: Arc<Inner>) -> Worker {
        let now = Instant::now();
        Worker {
            port_name: cfg.port.to_string_lossy().into_owned(),
            cfg,
            inner,
            port: None,
            decoder: Decoder::new(),
            wire: WireBuf::new(),
            out: None,
            next_seq: 0,
            unacked: 0,
            hello_acked: false,
            last_tx: now,
            next_open: now,
            probe: false,
        }
    }

    fn run(mut self) {
        loop {
            if self.inner.lock().stop {
                break;
            }
            if self.port.is_none() {
                let now = Instant::now();
                if now >= self.next_open {
                    self.open(now);
                }
                if self.port.is_none() {
                    let pause = self.next_open.saturating_duration_since(Instant::now()).min(POLL);
                    let s = self.inner.lock();
                    if !s.stop {
                        let _ = self.inner.changed.wait_timeout(s, pause);
                    }
                    continue;
                }
            }
            if let Err(e) = self.step() {
                self.port_failed(e);
            }
        }
        let mut s = self.inner.lock();
        s.running = false;
        self.inner.publish(&s);
    }

    fn set_state(&self, s: &mut Shared, state: LinkState) {
        if s.state != state {
            match state {
                LinkState::Up => info!("serial: gate controller on {} answers", self.port_name),
                LinkState::Unresponsive => warn!("serial: gate controller on {} does not answer", self.port_name),
                LinkState::Down => warn!("serial: port {} is down", self.port_name),
                LinkState::Disabled => {}
            }
            s.state = state;
        }
        self.inner.publish(s);
    }

    fn open(&mut self, now: Instant) {
        let result = serialport::new(&self.port_name, self.cfg.baud).timeout(POLL).open();
        let mut s = self.inner.lock();
        match result {
            Ok(port) => {
                let _ = port.clear(serialport::ClearBuffer::Input);
                self.port = Some(port);
                self.decoder.reset();
                s.stats.opens += 1;
                debug!("serial: opened {} at {} baud", self.port_name, self.cfg.baud);
                // Open, but nothing heard yet.
                self.set_state(&mut s, LinkState::Unresponsive);
                match &mut self.out {
                    // Resend what was outstanding, with the same number, right away.
                    Some(o) => {
                        o.sends = 0;
                        o.deadline = now;
                    }
                    None => self.probe = true,
                }
            }
            Err(e) => {
                if s.state != LinkState::Down || s.stats.opens == 0 {
                    warn!("serial: cannot open {}: {e}", self.port_name);
                } else {
                    debug!("serial: cannot open {}: {e}", self.port_name);
                }
                self.next_open = now + Duration::from_millis(self.cfg.reopen_ms);
                self.set_state(&mut s, LinkState::Down);
            }
        }
    }

    fn port_failed(&mut self, e: io::Error) {
        warn!("serial: {} failed: {e}", self.port_name);
        self.port = None;
        self.next_open = Instant::now() + Duration::from_millis(self.cfg.reopen_ms);
        let mut s = self.inner.lock();
        s.stats.io_errors += 1;
        self.set_state(&mut s, LinkState::Down);
    }

    /// One round: start or resend a frame if due, then read what the controller says.
    fn step(&mut self) -> io::Result<()> {
        let now = Instant::now();
        match &self.out {
            None => self.start_next(now)?,
            Some(o) if now >= o.deadline => self.on_deadline(now)?,
            Some(_) => {}
        }
        let wait = match &self.out {
            Some(o) => o.deadline.saturating_duration_since(Instant::now()).clamp(Duration::from_millis(1), POLL),
            None => POLL,
        };
        self.receive(wait)
    }

    /// Picks the next frame when nothing is outstanding: HELLO (once), the head reading, the
    /// latest status, a heartbeat when due.
    fn start_next(&mut self, now: Instant) -> io::Result<()> {
        let seq = self.next_seq;
        let heartbeat_due = self.probe
            || (self.cfg.heartbeat_s > 0 && now.duration_since(self.last_tx) >= Duration::from_secs(self.cfg.heartbeat_s));
        let mut s = self.inner.lock();
        let encoded = if !self.hello_acked {
            let hello = format!(r#"{{"protocol":{PROTOCOL_VERSION},"version":"{}"}}"#, env!("CARGO_PKG_VERSION"));
            Some((FrameType::Hello, frame::encode(FrameType::Hello, seq, hello.as_bytes(), &mut self.wire)))
        } else if let Some(p) = s.queue.front() {
            Some((FrameType::Reading, frame::encode(FrameType::Reading, seq, p, &mut self.wire)))
        } else if let Some(p) = s.status.take() {
            Some((FrameType::Status, frame::encode(FrameType::Status, seq, &p, &mut self.wire)))
        } else if heartbeat_due {
            Some((FrameType::Heartbeat, frame::encode(FrameType::Heartbeat, seq, &[], &mut self.wire)))
        } else {
            None
        };
        let Some((kind, result)) = encoded else { return Ok(()) };
        if let Err(e) = result {
            // Payload sizes are checked by `send`; a reading that still cannot be framed would
            // block the queue forever, so it is taken out (and said so).
            error!("serial: cannot frame {}: {e}", kind.name());
            if kind == FrameType::Reading {
                s.queue.pop_front();
                self.inner.publish(&s);
            }
            return Ok(());
        }
        drop(s);
        if kind == FrameType::Heartbeat {
            self.probe = false;
        }
        self.next_seq = self.next_seq.wrapping_add(1);
        self.unacked += 1;
        self.out = Some(Outstanding { kind, seq, sends: 0, deadline: now, nakked: false });
        self.transmit(now)
    }

    /// The outstanding frame was not acknowledged in time (or was NAKed): give it up or resend.
    fn on_deadline(&mut self, now: Instant) -> io::Result<()> {
        let Some(o) = &self.out else { return Ok(()) };
        let (kind, seq, sends, nakked) = (o.kind, o.seq, o.sends, o.nakked);
        let exhausted = sends >= self.cfg.max_retries;
        let mut s = self.inner.lock();
        if !nakked {
            s.stats.timeouts += 1;
        }
        if exhausted {
            self.set_state(&mut s, LinkState::Unresponsive);
        }
        let reading_waits = !s.queue.is_empty();
        let may_abandon = self.unacked < SEQ_GUARD;
        let abandon = may_abandon
            && match kind {
                FrameType::Status => exhausted || reading_waits || s.status.is_some(),
                FrameType::Heartbeat => exhausted || reading_waits || s.status.is_some(),
                // Readings are never given up; HELLO must precede them.
                FrameType::Reading | FrameType::Hello => false,
                FrameType::Ack | FrameType::Nak => true,
            };
        if abandon {
            debug!("serial: gave up {} seq {seq} after {sends} sends", kind.name());
            if kind == FrameType::Status {
                s.stats.statuses_dropped += 1;
            }
            self.out = None;
            return Ok(());
        }
        drop(s);
        self.transmit(now)
    }

    /// Writes the outstanding frame and sets its acknowledgement deadline.
    fn transmit(&mut self, now: Instant) -> io::Result<()> {
        let (Some(o), Some(port)) = (&mut self.out, &mut self.port) else { return Ok(()) };
        o.sends += 1;
        o.nakked = false;
        // The controller can only answer once the frame has gone out at the configured rate.
        let tx_ms = (self.wire.len() as u64 * 10 * 1000).div_ceil(self.cfg.baud as u64);
        let ack_wait = Duration::from_millis(self.cfg.ack_timeout_ms + tx_ms);
        let pause = if o.sends > self.cfg.max_retries {
            let doublings = (o.sends - self.cfg.max_retries).min(16);
            Duration::from_millis(self.cfg.ack_timeout_ms.saturating_mul(1 << doublings).min(self.cfg.backoff_max_ms))
        } else {
            Duration::ZERO
        };
        o.deadline = now + ack_wait + pause;
        debug!("serial: send {} seq {} (send {})", o.kind.name(), o.seq, o.sends);
        let retransmission = o.sends > 1;
        self.last_tx = now;
        {
            let mut s = self.inner.lock();
            s.stats.frames_sent += 1;
            if retransmission {
                s.stats.retransmissions += 1;
            }
        }
        port.set_timeout(ack_wait).map_err(io::Error::from)?;
        let written = port.write_all(&self.wire);
        port.set_timeout(POLL).map_err(io::Error::from)?;
        match written {
            Ok(()) => Ok(()),
            // The other end does not drain the line (a pseudo-terminal nobody reads, flow
            // control): the send counts as unanswered; the controller resynchronises on the
            // next STX if part of the frame went out.
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                debug!("serial: write timed out");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    fn receive(&mut self, wait: Duration) -> io::Result<()> {
        let Some(port) = &mut self.port else { return Ok(()) };
        port.set_timeout(wait).map_err(io::Error::from)?;
        let mut buf = [0u8; 512];
        let n = match port.read(&mut buf) {
            Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "port closed")),
            Ok(n) => n,
            Err(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock) => {
                return Ok(())
            }
            Err(e) => return Err(e),
        };
        for &b in &buf[..n] {
            let received = match self.decoder.push(b) {
                Some(Ok(f)) => Received::Frame(f.kind, f.seq),
                Some(Err(e)) => Received::Error(e),
                None => continue,
            };
            match received {
                Received::Frame(kind, seq) => self.on_frame(kind, seq),
                Received::Error(e) => {
                    debug!("serial: bad frame from controller: {e}");
                    self.inner.lock().stats.rx_errors += 1;
                }
            }
        }
        Ok(())
    }

    fn on_frame(&mut self, kind: FrameType, seq: u8) {
        let matches = self.out.as_ref().is_some_and(|o| o.seq == seq);
        let mut s = self.inner.lock();
        match kind {
            FrameType::Ack if matches => {
                let Some(o) = self.out.take() else { return };
                debug!("serial: ACK seq {seq} for {} after {} sends", o.kind.name(), o.sends);
                self.unacked = 0;
                // The controller just answered: no probe needed.
                self.probe = false;
                match o.kind {
                    FrameType::Reading => {
                        s.queue.pop_front();
                        s.stats.readings_delivered += 1;
                    }
                    FrameType::Status => s.stats.statuses_delivered += 1,
                    FrameType::Heartbeat => s.stats.heartbeats_acked += 1,
                    FrameType::Hello => self.hello_acked = true,
                    FrameType::Ack | FrameType::Nak => {}
                }
                self.set_state(&mut s, LinkState::Up);
            }
            FrameType::Nak if matches => {
                debug!("serial: NAK seq {seq}");
                s.stats.naks += 1;
                if let Some(o) = &mut self.out {
                    o.deadline = Instant::now();
                    o.nakked = true;
                }
            }
            _ => {
                debug!("serial: ignored {} seq {seq}", kind.name());
                s.stats.rx_ignored += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{GuidanceState, Reading};

    fn reading(n: u64) -> KioskEvent {
        KioskEvent::Reading(Reading {
            presentation: n,
            result: serde_json::json!({"document_number": format!("X{n:08}")}),
            frames: [n, n + 2],
            fused: 3,
            checks_ok: true,
            best_effort: false,
        })
    }

    fn config(port: &str) -> SerialConfig {
        SerialConfig {
            enabled: true,
            port: port.into(),
            ack_timeout_ms: 20,
            max_retries: 2,
            heartbeat_s: 0,
            backoff_max_ms: 50,
            reopen_ms: 20,
            ..SerialConfig::default()
        }
    }

    #[test]
    fn disabled_or_invalid_config_is_refused() {
        let c = SerialConfig::default();
        assert!(matches!(SerialLink::spawn(&c, KioskHealth::default()), Err(SerialError::Disabled)));
        let c = SerialConfig { baud: 0, ..config("/dev/null") };
        assert!(matches!(SerialLink::spawn(&c, KioskHealth::default()), Err(SerialError::Config(_))));
    }

    #[test]
    fn missing_port_is_down_and_readings_wait_bounded() {
        let health = KioskHealth::default();
        let link = SerialLink::spawn(&config("/nonexistent/passread-tty"), health.clone()).unwrap();
        for n in 0..QUEUE_CAPACITY as u64 {
            link.send(&reading(n)).unwrap();
        }
        assert_eq!(link.send(&reading(99)), Err(SendError::QueueFull));
        // Statuses never take a reading's place.
        link.send(&KioskEvent::Status { state: GuidanceState::Reading, frame: 1 }).unwrap();
        link.send(&KioskEvent::Status { state: GuidanceState::Done, frame: 2 }).unwrap();
        assert_eq!(link.queued(), QUEUE_CAPACITY);
        assert!(!link.flush(Duration::from_millis(60)));
        assert_eq!(link.state(), LinkState::Down);
        let h = health.snapshot();
        assert_eq!((h.serial, h.serial_queue), (LinkState::Down, QUEUE_CAPACITY));
        assert_eq!(link.stats().statuses_dropped, 1);
        assert_eq!(link.stats().frames_sent, 0);
    }

    #[test]
    fn oversized_event_is_refused() {
        let link = SerialLink::spawn(&config("/nonexistent/passread-tty"), KioskHealth::default()).unwrap();
        let big = KioskEvent::Reading(Reading {
            presentation: 1,
            result: serde_json::json!({"x": "y".repeat(MAX_PAYLOAD)}),
            frames: [0, 0],
            fused: 1,
            checks_ok: false,
            best_effort: true,
        });
        assert!(matches!(link.send(&big), Err(SendError::TooLarge { .. })));
        assert_eq!(link.queued(), 0);
    }
}
