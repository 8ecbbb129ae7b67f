//! `passread replay`, `passread run` and `passread record`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use passread::capture::replay::{Pace, ReplaySource};
use passread::capture::v4l2::V4l2Source;
use passread::capture::FrameSource;
use passread::config::Config;
use passread::events::KioskHealth;
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
    let mut src: Box<dyn FrameSource> = match source {
        SourceArg::V4l2(device) => {
            let mut s = V4l2Source::new(passread::config::CameraConfig { device, ..config.camera });
            if let Err(e) = s.open_now() {
                return fail(e);
            }
            Box::new(s)
        }
        SourceArg::Replay(dir) => match ReplaySource::open(&dir, Pace::Fast) {
            Ok(s) => Box::new(s),
            Err(e) => return fail(e),
        },
    };
    match passread::capture::record::record(src.as_mut(), frames, out, fps) {
        Ok(n) => {
            eprintln!("passread: recorded {n} frames to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}
