//! The kiosk runtime: frames from a source through the gates, recognition of the frames that
//! pass, fusion within a presentation, and the events (readings, guidance states) out to the
//! sinks: stdout for `passread replay`, the serial link, GPIO, the HTTP event stream.

pub mod presentation;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::capture::{CaptureError, Frame, FrameSource};
use crate::config::Config;
use crate::events::{CameraState, GuidanceState, KioskEvent, KioskHealth};
use crate::gate::{Gates, Verdict};
use crate::pipeline::{Engine, Mode, ZoneReading};
use crate::result::{mrz_result, PassportResult};
use crate::prepare::Prepared;

pub use presentation::Presentations;

/// Where events go.
pub trait Sink {
    fn publish(&mut self, event: &KioskEvent);
    /// Called once when the runtime stops: deliver what is pending, within `deadline`.
    fn finish(&mut self, _deadline: Duration) {}
    /// Called once per loop iteration (timers such as a buzzer's beep).
    fn tick(&mut self) {}
}

/// Stage times of one frame, in microseconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameTimes {
    pub luma_us: u64,
    pub prepare_us: u64,
    pub gate_us: u64,
    pub recognize_us: u64,
}

/// What one frame did.
#[derive(Debug)]
pub struct FrameOutcome {
    pub index: u64,
    /// The frame's size in pixels.
    pub size: (u32, u32),
    pub verdict: Verdict,
    /// The frame was recognized (it passed the gates during an unread presentation).
    pub recognized: bool,
    /// The zone read from it, if any.
    pub read: bool,
    pub events: Vec<KioskEvent>,
    pub times: FrameTimes,
}

/// The runtime's per-frame logic (no I/O).
pub struct Kiosk {
    engine: Arc<Engine>,
    gates: Gates,
    presentations: Presentations,
    health: KioskHealth,
    /// `reading.country_code`: which passports also get their visual zone read.
    mode: Mode,
    /// The current presentation's best frame of a page that gets the Chinese full read, with
    /// what it read: the visual zone is read from it once, when the reading is emitted.
    chinese_frame: Option<(Prepared, ZoneReading)>,
}

fn us(t: Instant) -> u64 {
    t.elapsed().as_micros() as u64
}

impl Kiosk {
    pub fn new(engine: Arc<Engine>, config: &Config, health: KioskHealth) -> Kiosk {
        let today = engine.today();
        // `Config::check` refuses a country code that does not parse.
        let mode = Mode::from_country_code(Some(&config.reading.country_code)).unwrap_or(Mode::Auto);
        Kiosk {
            engine,
            gates: Gates::new(config.gates.clone()),
            presentations: Presentations::new(config.reading.clone(), today),
            health,
            mode,
            chinese_frame: None,
        }
    }

    pub fn health(&self) -> &KioskHealth {
        &self.health
    }

    /// One frame from the source.
    pub fn process(&mut self, frame: &Frame) -> Result<FrameOutcome, CaptureError> {
        let t = Instant::now();
        let luma = frame.to_luma()?;
        let luma_us = us(t);
        let mut out = self.process_luma(frame.index, frame.t_ms, luma);
        out.times.luma_us = luma_us;
        Ok(out)
    }

    /// One frame already in luma.
    pub fn process_luma(&mut self, index: u64, t_ms: u64, luma: image::GrayImage) -> FrameOutcome {
        let mut times = FrameTimes::default();
        let size = luma.dimensions();
        let t = Instant::now();
        let prepared = Prepared::from_luma(luma);
        times.prepare_us = us(t);
        let t = Instant::now();
        let verdict = self.gates.check(&prepared.small);
        times.gate_us = us(t);
        let recognized = self.presentations.wants_recognition(verdict.state);
        let mut reading: Option<ZoneReading> = None;
        if recognized {
            let t = Instant::now();
            match self.engine.read(&prepared) {
                Ok(r) => reading = Some(r),
                Err(e) => log::debug!("frame {index}: {e}"),
            }
            times.recognize_us = us(t);
        }
        let mut step = self.presentations.on_frame(index, t_ms, verdict.state, reading.as_ref());
        if let Some(r) = reading.as_ref().filter(|r| self.engine.wants_chinese(r, self.mode)) {
            let better = self.chinese_frame.as_ref().is_none_or(|(_, best)| {
                (r.failed_checks(), -r.min_confidence()) < (best.failed_checks(), -best.min_confidence())
            });
            if better {
                self.chinese_frame = Some((prepared, r.clone()));
            }
        }
        for event in &mut step.events {
            if let KioskEvent::Reading(r) = event {
                if let Some((p, zr)) = self.chinese_frame.take() {
                    self.add_visual_zone(r, &p, &zr);
                }
            }
        }
        let state = self.presentations.state();
        if matches!(state, GuidanceState::NoDocument | GuidanceState::TooDark) {
            // The page left without a reading: its frame goes with it.
            self.chinese_frame = None;
        }
        let readings = step.events.iter().filter(|e| matches!(e, KioskEvent::Reading(_))).count() as u64;
        self.health.update(|h| {
            h.state = state;
            h.frames += 1;
            h.readings += readings;
        });
        FrameOutcome { index, size, verdict, recognized, read: reading.is_some(), events: step.events, times }
    }

    /// Replaces a reading's MRZ-shaped result by the Chinese full result, read from the stored
    /// frame, when that frame's zone is the reading's (the fused MRZ) and its visual zone reads.
    /// Otherwise the reading stays as it is. This runs once per presentation, after the reading
    /// has been decided.
    fn add_visual_zone(&self, reading: &mut crate::events::Reading, p: &Prepared, zr: &ZoneReading) {
        let own = mrz_result(&zr.repaired.document, Some(&zr.repaired));
        let same = reading.result.get("machine_code").and_then(|v| v.as_str()) == Some(own.machine_code.as_str())
            && reading.result.get("machine_code2").and_then(|v| v.as_str()) == Some(own.machine_code2.as_str());
        if !same {
            log::debug!("presentation {}: the stored frame read another zone; MRZ result only", reading.presentation);
            return;
        }
        match self.engine.read_chinese(p, zr) {
            Ok(Some((result, _))) => match serde_json::to_value(PassportResult::Chinese(Box::new(result))) {
                Ok(v) => reading.result = v,
                Err(e) => log::warn!("Chinese result not serialisable: {e}"),
            },
            Ok(None) => log::debug!("presentation {}: visual zone not confirmed; MRZ result only", reading.presentation),
            Err(e) => log::warn!("presentation {}: visual zone not read: {e}", reading.presentation),
        }
    }

    /// Forgets motion history (after a camera re-open).
    pub fn camera_restarted(&mut self) {
        self.gates.reset();
    }

    pub fn state(&self) -> GuidanceState {
        self.presentations.state()
    }
}

/// How a run ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub frames: u64,
    pub readings: u64,
    pub bad_frames: u64,
    pub camera_errors: u64,
    /// The source ended (a replay); false when stopped by a signal.
    pub source_ended: bool,
}

/// Hooks the service layer gives the loop.
pub struct Hooks<'a> {
    /// Checked before every frame: stop when true (SIGTERM).
    pub stop: &'a dyn Fn() -> bool,
    /// Called after every frame or camera error: the systemd watchdog ping.
    pub alive: &'a mut dyn FnMut(),
}

/// Runs until the source ends or `hooks.stop` says so; every event goes to every sink.
pub fn run(source: &mut dyn FrameSource, kiosk: &mut Kiosk, sinks: &mut [Box<dyn Sink>], hooks: Hooks<'_>) -> RunSummary {
    let mut summary = RunSummary::default();
    let mut camera_ok = false;
    kiosk.health.update(|h| h.camera = CameraState::Reconnecting);
    loop {
        if (hooks.stop)() {
            break;
        }
        match source.next_frame() {
            Ok(Some(frame)) => {
                if !camera_ok {
                    camera_ok = true;
                    kiosk.health.update(|h| h.camera = CameraState::Streaming);
                }
                match kiosk.process(&frame) {
                    Ok(out) => {
                        summary.frames += 1;
                        for e in &out.events {
                            if matches!(e, KioskEvent::Reading(_)) {
                                summary.readings += 1;
                            }
                            for s in sinks.iter_mut() {
                                s.publish(e);
                            }
                        }
                    }
                    Err(e) => {
                        summary.bad_frames += 1;
                        log::warn!("{e}");
                    }
                }
            }
            Ok(None) => {
                summary.source_ended = true;
                kiosk.health.update(|h| h.camera = CameraState::Finished);
                break;
            }
            Err(e) => {
                summary.camera_errors += 1;
                // The first failure after frames flowed (or at start) is a warning; the retries
                // that follow, about one a second, are debug detail.
                if camera_ok || summary.camera_errors == 1 {
                    log::warn!("{e}; retrying");
                } else {
                    log::debug!("{e}");
                }
                camera_ok = false;
                kiosk.camera_restarted();
                kiosk.health.update(|h| h.camera = CameraState::Reconnecting);
            }
        }
        for s in sinks.iter_mut() {
            s.tick();
        }
        (hooks.alive)();
    }
    summary
}

/// Writes each event as one JSON line (the `passread replay` output).
pub struct JsonLines<W: std::io::Write>(pub W);

impl<W: std::io::Write> Sink for JsonLines<W> {
    fn publish(&mut self, event: &KioskEvent) {
        let line = event.to_json_line();
        if let Err(e) = writeln!(self.0, "{line}").and_then(|_| self.0.flush()) {
            log::debug!("event output: {e}");
        }
    }
}

/// Drives the GPIO indicators from the events.
pub struct GpioSink(pub crate::emit::gpio::Indicators);

impl Sink for GpioSink {
    fn publish(&mut self, event: &KioskEvent) {
        match event {
            KioskEvent::Reading(r) => self.0.reading(r.checks_ok),
            KioskEvent::Status { state, .. } => self.0.show(*state),
        }
    }

    fn tick(&mut self) {
        self.0.tick();
    }
}
