//! `passread bench`: per-stage and end-to-end timings of the real path on real files, and the
//! process's peak memory. Figures, not assertions: targets are judged by reading them.

use std::path::Path;
use std::time::Instant;

use crate::error::Error;
use crate::pipeline::{Engine, Mode};

/// Median milliseconds of each stage over the runs of one file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StageTimes {
    pub file: String,
    pub width: u32,
    pub height: u32,
    pub runs: usize,
    pub read_file_ms: f64,
    pub decode_ms: f64,
    pub prepare_ms: f64,
    pub locate_ms: f64,
    pub read_ms: f64,
    pub end_to_end_ms: f64,
    pub outcome: String,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Times every stage of reading `path`, `runs` times (after one warm-up run).
pub fn bench_file(engine: &Engine, path: &Path, runs: usize) -> Result<StageTimes, Error> {
    let io = |source| Error::Io { path: path.display().to_string(), source };
    let (mut rf, mut dec, mut prep, mut loc, mut rd, mut e2e) = (vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut outcome = String::new();
    let (mut width, mut height) = (0, 0);
    for i in 0..=runs {
        let t = Instant::now();
        let bytes = std::fs::read(path).map_err(io)?;
        let t_read = ms(t);
        let t1 = Instant::now();
        let decoded = engine.decode(&bytes)?;
        let t_dec = ms(t1);
        let t2 = Instant::now();
        let prepared = engine.prepare(&decoded);
        let t_prep = ms(t2);
        let t3 = Instant::now();
        let zones = engine.locate(&prepared);
        let t_loc = ms(t3);
        let t4 = Instant::now();
        let _ = engine.read(&prepared);
        let t_read_zone = ms(t4);
        // End to end, as the API runs it: file bytes to result.
        let t5 = Instant::now();
        let result = engine.recognize_bytes(&bytes, Mode::Auto);
        let t_e2e = ms(t5) + t_read;
        if i == 0 {
            width = decoded.width();
            height = decoded.height();
            outcome = match &result {
                Ok(_) => format!("read ({} zones located)", zones.len()),
                Err(e) => e.api_code().code().to_owned(),
            };
            continue;
        }
        rf.push(t_read);
        dec.push(t_dec);
        prep.push(t_prep);
        loc.push(t_loc);
        rd.push(t_read_zone);
        e2e.push(t_e2e);
    }
    Ok(StageTimes {
        file: path.display().to_string(),
        width,
        height,
        runs,
        read_file_ms: median(rf),
        decode_ms: median(dec),
        prepare_ms: median(prep),
        locate_ms: median(loc),
        read_ms: median(rd),
        end_to_end_ms: median(e2e),
        outcome,
    })
}

/// Peak resident memory of this process in MiB (Linux `VmHWM`), if known.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

impl StageTimes {
    pub fn text(&self) -> String {
        format!(
            "{} ({}x{}, {} runs, {}): read file {:.1} ms, decode {:.1} ms, prepare {:.1} ms, locate {:.1} ms, \
             locate+read {:.1} ms; end to end {:.1} ms",
            self.file,
            self.width,
            self.height,
            self.runs,
            self.outcome,
            self.read_file_ms,
            self.decode_ms,
            self.prepare_ms,
            self.locate_ms,
            self.read_ms,
            self.end_to_end_ms
        )
    }
}

/// Kiosk figures of one recorded sequence: gate cost per frame, and how many frames after the
/// page comes to rest each reading is emitted.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SequenceTimes {
    pub dir: String,
    pub frames: usize,
    pub width: u32,
    pub height: u32,
    /// Median per frame: camera format to luma, prepare (small copy), the gates.
    pub luma_ms: f64,
    pub prepare_ms: f64,
    pub gate_ms: f64,
    /// Median per recognized frame.
    pub recognize_ms: f64,
    /// For each reading: frames from the first still frame (by the recording's truth when it
    /// has one, else the first frame passing the gates) to the frame that emitted it, inclusive.
    pub frames_to_reading: Vec<u64>,
    pub readings: usize,
}

/// Runs the kiosk runtime over a recording `runs` times and reports medians.
pub fn bench_sequence(engine: std::sync::Arc<Engine>, dir: &Path, runs: usize) -> Result<SequenceTimes, String> {
    use crate::capture::replay::{Pace, ReplaySource};
    use crate::capture::FrameSource;
    use crate::events::KioskEvent;
    let truth_still: Vec<u64> = std::fs::read_to_string(dir.join("truth.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .map(|t| {
            let frames = t["frames"].as_array().cloned().unwrap_or_default();
            t["presentations"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| {
                            let (a, b) = (p["first_frame"].as_u64()?, p["last_frame"].as_u64()?);
                            frames
                                .iter()
                                .filter_map(|f| Some((f["index"].as_u64()?, f["usable"].as_bool()?)))
                                .find(|&(i, u)| u && i >= a && i <= b)
                                .map(|(i, _)| i)
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let (mut luma, mut prep, mut gate, mut rec) = (vec![], vec![], vec![], vec![]);
    let mut result = None;
    for _ in 0..runs.max(1) {
        let mut source = ReplaySource::open(dir, Pace::Fast).map_err(|e| e.to_string())?;
        let config = crate::config::Config::default();
        let mut kiosk = crate::kiosk::Kiosk::new(engine.clone(), &config, Default::default());
        let mut first_pass: Vec<u64> = Vec::new();
        let mut emitted: Vec<u64> = Vec::new();
        let mut in_presentation_passed = false;
        let (mut n, mut w, mut h) = (0, 0, 0);
        while let Some(frame) = source.next_frame().map_err(|e| e.to_string())? {
            n += 1;
            let out = kiosk.process(&frame).map_err(|e| e.to_string())?;
            if out.index == 0 {
                let l = frame.to_luma().map_err(|e| e.to_string())?;
                (w, h) = l.dimensions();
            }
            luma.push(out.times.luma_us as f64 / 1000.0);
            prep.push(out.times.prepare_us as f64 / 1000.0);
            gate.push(out.times.gate_us as f64 / 1000.0);
            if out.recognized {
                rec.push(out.times.recognize_us as f64 / 1000.0);
            }
            if out.verdict.passes() && !in_presentation_passed {
                in_presentation_passed = true;
                first_pass.push(out.index);
            }
            for e in &out.events {
                match e {
                    KioskEvent::Reading(_) => emitted.push(out.index),
                    KioskEvent::Status { state: crate::events::GuidanceState::NoDocument, .. } => in_presentation_passed = false,
                    _ => {}
                }
            }
        }
        let starts = if truth_still.len() == emitted.len() { &truth_still } else { &first_pass };
        let frames_to_reading = emitted.iter().zip(starts).map(|(&e, &s)| e.saturating_sub(s) + 1).collect();
        result = Some((n, w, h, frames_to_reading, emitted.len()));
    }
    let (frames, width, height, frames_to_reading, readings) = result.expect("at least one run");
    Ok(SequenceTimes {
        dir: dir.display().to_string(),
        frames,
        width,
        height,
        luma_ms: median(luma),
        prepare_ms: median(prep),
        gate_ms: median(gate),
        recognize_ms: median(rec),
        frames_to_reading,
        readings,
    })
}

impl SequenceTimes {
    pub fn text(&self) -> String {
        format!(
            "{} ({} frames {}x{}): luma {:.2} ms, prepare {:.2} ms, gates {:.2} ms per frame; recognize {:.1} ms per recognized frame; {} readings, frames from still to reading {:?}",
            self.dir, self.frames, self.width, self.height, self.luma_ms, self.prepare_ms, self.gate_ms, self.recognize_ms, self.readings, self.frames_to_reading
        )
    }
}
