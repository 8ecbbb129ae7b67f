//! `passread replay`, `passread run` and `passread record`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use passread::capture::replay::{Pace, ReplaySource};
use passread::capture::v4l2::V4l2Source;
use passread::capture::FrameSource;
use passread::config::Config;
use passread::events::{KioskEvent, KioskHealth};
use passread::kiosk::{self, Hooks, JsonLines, Kiosk, Sink};
use passread::Engine;

/// `--source`: `v4l2:/dev/videoN` or `replay:DIR`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceArg {
    V4l2(PathBuf),
    Replay(PathBuf),
}

impl std::str::FromStr for SourceArg {
    type Err = String;
    fn from_str(s: &str) -> Result<SourceArg, String> {
        if let Some(p) = s.strip_prefix("v4l2:") {
            Ok(SourceArg::V4l2(p.into()))
        } else if let Some(p) = s.strip_prefix("replay:") {
            Ok(SourceArg::Replay(p.into()))
        } else {
            Err(format!("expected v4l2:/dev/videoN or replay:DIR, got {s:?}"))
        }
    }
}

/// The frame source `--source` names, else the config's camera; `open_now` opens a camera at
/// once (an error if it is missing) instead of on the first frame.
fn open_source(
    arg: Option<SourceArg>,
    camera: &passread::config::CameraConfig,
    pace: Pace,
    open_now: bool,
) -> Result<Box<dyn FrameSource>, passread::capture::CaptureError> {
    let device = match arg {
        Some(SourceArg::Replay(dir)) => return Ok(Box::new(ReplaySource::open(&dir, pace)?)),
        Some(SourceArg::V4l2(device)) => device,
        None => camera.device.clone(),
    };
    let mut s = V4l2Source::new(passread::config::CameraConfig { device, ..camera.clone() });
    if open_now {
        s.open_now()?;
    }
    Ok(Box::new(s))
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("passread: {message}");
    ExitCode::from(2)
}

/// Per-frame gate measures as one JSON line (`--trace`), for tuning the gates on a camera.
fn trace_line(out: &kiosk::FrameOutcome) -> String {
    let m = &out.verdict.measures;
    serde_json::json!({
        "event": "frame",
        "frame": out.index,
        "gate": out.verdict.state,
        "brightness": m.brightness,
        "contrast": (m.contrast * 10.0).round() / 10.0,
        "coverage": (m.coverage * 1000.0).round() / 1000.0,
        "sharpness": (m.sharpness * 1000.0).round() / 1000.0,
        "glare": (m.glare * 10000.0).round() / 10000.0,
        "motion": m.motion.map(|v| (v * 10.0).round() / 10.0),
        "recognized": out.recognized,
        "read": out.read,
        "ms": {
            "luma": out.times.luma_us as f64 / 1000.0,
            "prepare": out.times.prepare_us as f64 / 1000.0,
            "gate": out.times.gate_us as f64 / 1000.0,
            "recognize": out.times.recognize_us as f64 / 1000.0,
        }
    })
    .to_string()
}

/// `passread replay DIR`: the runtime on a recording, events on stdout.
pub fn replay(dir: &Path, config: Option<&Path>, realtime: bool, trace: bool) -> ExitCode {
    let config = match Config::load_or_default(config) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let pace = if realtime { Pace::Realtime } else { Pace::Fast };
    let mut source = match ReplaySource::open(dir, pace) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let engine = match Engine::new() {
        Ok(e) => Arc::new(e),
        Err(e) => return fail(e),
    };
    let mut kiosk = Kiosk::new(engine, &config, KioskHealth::default());
    let stdout = std::io::stdout();
    let mut out = JsonLines(stdout.lock());
    if trace {
        let mut frames = 0u64;
        loop {
            let frame = match source.next_frame() {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return fail(e),
            };
            frames += 1;
            match kiosk.process(&frame) {
                Ok(o) => {
                    use std::io::Write;
                    if writeln!(out.0, "{}", trace_line(&o)).is_err() {
                        return ExitCode::from(1);
                    }
                    for e in &o.events {
                        out.publish(e);
                    }
                }
                Err(e) => eprintln!("passread: {e}"),
            }
        }
        log::debug!("{frames} frames");
        return ExitCode::SUCCESS;
    }
    let mut sinks: Vec<Box<dyn Sink>> = vec![Box::new(out)];
    let summary = kiosk::run(&mut source, &mut kiosk, &mut sinks, Hooks { stop: &|| false, alive: &mut || {} });
    log::info!(
        "{} frames, {} readings, {} unreadable frames",
        summary.frames,
        summary.readings,
        summary.bad_frames
    );
    if summary.bad_frames > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// `passread record`: frames from a camera (or a replay) into a replayable recording.
pub fn record(source: SourceArg, config: Option<&Path>, frames: usize, out: &Path) -> ExitCode {
    let config = match Config::load_or_default(config) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let fps = config.camera.fps;
    // A camera is opened now, so a wrong device is reported before anything is recorded.
    let mut src = match open_source(Some(source), &config.camera, Pace::Fast, true) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    match passread::capture::record::record(src.as_mut(), frames, out, fps) {
        Ok(n) => {
            eprintln!("passread: recorded {n} frames to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// Readings held back while the serial link's queue is full, in order (beyond the link's own
/// fixed queue); a bound so a dead link cannot grow memory without limit.
pub const SERIAL_BACKLOG: usize = 64;

/// Sends events to the gate controller's serial link. A reading the link cannot take (its queue
/// is full while the controller is away) waits here and is offered again, in order.
struct SerialSink {
    link: passread::emit::SerialLink,
    backlog: std::collections::VecDeque<KioskEvent>,
}

impl SerialSink {
    fn drain(&mut self) {
        while let Some(e) = self.backlog.front() {
            match self.link.send(e) {
                Ok(()) => {
                    self.backlog.pop_front();
                }
                Err(passread::emit::SendError::QueueFull) => return,
                Err(err) => {
                    log::error!("serial: reading dropped: {err}");
                    self.backlog.pop_front();
                }
            }
        }
    }
}

impl Sink for SerialSink {
    fn publish(&mut self, event: &KioskEvent) {
        self.drain();
        let is_reading = matches!(event, KioskEvent::Reading(_));
        if is_reading && !self.backlog.is_empty() {
            if self.backlog.len() < SERIAL_BACKLOG {
                self.backlog.push_back(event.clone());
            } else {
                log::error!("serial: the gate controller has not taken {} readings; this one is dropped", SERIAL_BACKLOG);
            }
            return;
        }
        match self.link.send(event) {
            Ok(()) => {}
            Err(passread::emit::SendError::QueueFull) if is_reading => {
                log::warn!("serial: link queue full ({:?}); holding the reading", self.link.state());
                self.backlog.push_back(event.clone());
            }
            Err(e) => log::warn!("serial: {e}"),
        }
    }

    fn tick(&mut self) {
        self.drain();
    }

    fn finish(&mut self, deadline: std::time::Duration) {
        let end = std::time::Instant::now() + deadline;
        while !self.backlog.is_empty() && std::time::Instant::now() < end {
            self.drain();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let left = end.saturating_duration_since(std::time::Instant::now());
        if !self.link.flush(left) || !self.backlog.is_empty() {
            log::warn!("serial: {} readings not acknowledged at shutdown", self.link.queued() + self.backlog.len());
        }
    }
}

/// Publishes events to the HTTP API's event stream.
struct BusSink(passread::events::EventBus);

impl Sink for BusSink {
    fn publish(&mut self, event: &KioskEvent) {
        self.0.publish(event.clone());
    }
}

/// `passread run`: the kiosk service.
pub fn run(config_path: Option<&Path>, source: Option<SourceArg>, print: bool) -> ExitCode {
    use passread::service::{Notifier, Shutdown};
    let shutdown = match Shutdown::install() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let notifier = Notifier::from_env();
    let config = match Config::load_or_default(config_path) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let engine = match Engine::new() {
        Ok(e) => Arc::new(e),
        Err(e) => return fail(e),
    };
    let health = KioskHealth::default();
    // The service waits for a camera that is not there yet instead of failing.
    let mut source = match open_source(source, &config.camera, Pace::Realtime, false) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
    if print {
        sinks.push(Box::new(JsonLines(std::io::stdout())));
    }
    match passread::emit::gpio::Indicators::from_config(&config.gpio) {
        Ok(ind) => sinks.push(Box::new(kiosk::GpioSink(ind))),
        Err(e) => return fail(e),
    }
    if config.serial.enabled {
        match passread::emit::SerialLink::spawn(&config.serial, health.clone()) {
            Ok(link) => sinks.push(Box::new(SerialSink { link, backlog: Default::default() })),
            Err(e) => return fail(e),
        }
    }
    let http = if config.http.enabled {
        let bus = passread::events::EventBus::default();
        match passread::http::start(&config.http, engine.clone(), bus.clone(), health.clone()) {
            Ok(h) => {
                log::info!("HTTP API on http://{}", h.local_addr());
                sinks.push(Box::new(BusSink(bus)));
                Some(h)
            }
            Err(e) => return fail(e),
        }
    } else {
        None
    };
    log::info!("passread run: {}", source.describe());
    let _ = notifier.ready();
    let _ = notifier.status("running");
    let mut kiosk = Kiosk::new(engine, &config, health.clone());
    let stop = || shutdown.requested();
    let mut alive = || {
        let _ = notifier.watchdog_tick();
    };
    let summary = kiosk::run(source.as_mut(), &mut kiosk, &mut sinks, Hooks { stop: &stop, alive: &mut alive });
    let _ = notifier.stopping();
    log::info!("stopping after {} frames, {} readings", summary.frames, summary.readings);
    for s in sinks.iter_mut() {
        s.finish(passread::service::STOP_FLUSH_BOUND);
    }
    if let Some(h) = http {
        if let Err(e) = h.shutdown() {
            log::warn!("{e}");
        }
    }
    ExitCode::SUCCESS
}
