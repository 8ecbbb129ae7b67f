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
    /// Chinese pages (MRZ says Chinese mainland passport): the visual stages, medians.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chinese: Option<ChineseStageTimes>,
    pub end_to_end_ms: f64,
    pub outcome: String,
}

/// Median milliseconds of the Chinese visual stages (`crate::chinese`).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ChineseStageTimes {
    /// Page frame from the MRZ and the rectified field region.
    pub rectify_ms: f64,
    /// Ink mask, text lines, value-line selection.
    pub lines_ms: f64,
    /// Crops and PP-OCRv4 recognition of the value lines (two threads).
    pub recognize_ms: f64,
    /// Field placement, normalisation, cross-check with the MRZ.
    pub assemble_ms: f64,
    pub lines_read: usize,
    /// The whole visual read (the sum of the above).
    pub total_ms: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Times every stage of reading `path` in `mode`, `runs` times (after one warm-up run).
pub fn bench_file(engine: &Engine, path: &Path, runs: usize, mode: Mode) -> Result<StageTimes, Error> {
    let io = |source| Error::Io { path: path.display().to_string(), source };
    let (mut rf, mut dec, mut prep, mut loc, mut rd, mut e2e) = (vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut outcome = String::new();
    let (mut width, mut height) = (0, 0);
    let mut chinese: Vec<crate::chinese::VisualTimes> = Vec::new();
    let mut chinese_total = Vec::new();
    for i in 0..=runs {
        let t = Instant::now();
        let bytes = std::fs::read(path).map_err(io)?;
        let t_read = ms(t);
        let t1 = Instant::now();
        let decoded = crate::input::decode_local(&bytes)?;
        let t_dec = ms(t1);
        let t2 = Instant::now();
        let prepared = engine.prepare(&decoded);
        let t_prep = ms(t2);
        let t3 = Instant::now();
        let zones = engine.locate(&prepared);
        let t_loc = ms(t3);
        let t4 = Instant::now();
        let reading = engine.read(&prepared);
        let t_read_zone = ms(t4);
        if let Ok(r) = &reading {
            if engine.wants_chinese(r, mode) {
                let t6 = Instant::now();
                if let Ok(Some((_, visual))) = engine.read_chinese(&prepared, r) {
                    if i > 0 {
                        chinese_total.push(ms(t6));
                        chinese.push(visual.times);
                    }
                }
            }
        }
        // End to end, as the API runs it: file bytes to result.
        let t5 = Instant::now();
        let result = engine.recognize_bytes(&bytes, mode);
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
        chinese: (!chinese.is_empty()).then(|| ChineseStageTimes {
            rectify_ms: median(chinese.iter().map(|t| t.rectify_ms).collect()),
            lines_ms: median(chinese.iter().map(|t| t.lines_ms).collect()),
            recognize_ms: median(chinese.iter().map(|t| t.recognize_ms).collect()),
            assemble_ms: median(chinese.iter().map(|t| t.assemble_ms).collect()),
            lines_read: chinese.last().map_or(0, |t| t.lines_read),
            total_ms: median(chinese_total),
        }),
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
        let chinese = self.chinese.as_ref().map_or(String::new(), |c| {
            format!(
                "; Chinese visual zone {:.1} ms (rectify {:.1}, lines {:.1}, recognize {} lines {:.1}, assemble {:.1})",
                c.total_ms, c.rectify_ms, c.lines_ms, c.lines_read, c.recognize_ms, c.assemble_ms
            )
        });
        format!(
            "{} ({}x{}, {} runs, {}): read file {:.1} ms, decode {:.1} ms, prepare {:.1} ms, locate {:.1} ms, \
             locate+read {:.1} ms{}; end to end {:.1} ms",
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
            chinese,
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
            (w, h) = out.size;
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

/// Settings of `passread bench-http`.
#[derive(Debug, Clone)]
pub struct HttpBenchOptions {
    pub duration: std::time::Duration,
    pub clients: usize,
}

/// Why the HTTP load bench could not run.
#[derive(Debug, thiserror::Error)]
pub enum HttpBenchError {
    #[error(transparent)]
    Input(#[from] Error),
    #[error(transparent)]
    Server(#[from] crate::http::HttpError),
    #[error("no image files given")]
    NoFiles,
}

/// Percentiles of latencies in milliseconds.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Latency {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    fn of(mut v: Vec<f64>) -> Latency {
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v.get(((v.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied().unwrap_or(0.0);
        Latency { count: v.len(), p50_ms: at(0.50), p99_ms: at(0.99), max_ms: v.last().copied().unwrap_or(0.0) }
    }
}

/// What `passread bench-http` measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HttpBenchReport {
    pub clients: usize,
    pub seconds: f64,
    pub files: usize,
    pub max_concurrent: usize,
    pub queue_wait_ms: u64,
    pub requests: u64,
    pub requests_per_s: f64,
    /// Answers that carried a recognition (200 or a 400 of the recognition path) per second.
    pub recognized_per_s: f64,
    /// Every answer.
    pub latency: Latency,
    /// 200 and 400 answers only (the busy answers excluded).
    pub answered_latency: Latency,
    /// Answers by "status code" (e.g. "200", "400 AIS.0105", "503 APIG.0308", "error").
    pub by_answer: std::collections::BTreeMap<String, u64>,
    /// Answers outside 200 / 400 AIS.010x / 503 APIG.0308, and transport failures.
    pub errors: u64,
    pub error_samples: Vec<String>,
    pub peak_rss_mib: Option<f64>,
}

impl HttpBenchReport {
    pub fn text(&self) -> String {
        let mut s = format!(
            "{} clients, {:.1} s, {} files, max_concurrent {}, queue_wait {} ms\n\
             {} requests: {:.1} req/s, {:.1} recognitions/s\n\
             latency (all answers): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms\n\
             latency (200/400 only, {}): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms\n",
            self.clients,
            self.seconds,
            self.files,
            self.max_concurrent,
            self.queue_wait_ms,
            self.requests,
            self.requests_per_s,
            self.recognized_per_s,
            self.latency.p50_ms,
            self.latency.p99_ms,
            self.latency.max_ms,
            self.answered_latency.count,
            self.answered_latency.p50_ms,
            self.answered_latency.p99_ms,
            self.answered_latency.max_ms,
        );
        for (k, n) in &self.by_answer {
            s.push_str(&format!("  {k}: {n}\n"));
        }
        s.push_str(&format!("errors: {}\n", self.errors));
        for e in &self.error_samples {
            s.push_str(&format!("  {e}\n"));
        }
        s.push_str(&format!("peak RSS {:.1} MiB", self.peak_rss_mib.unwrap_or(f64::NAN)));
        s
    }
}

/// Whether an answer is one the API gives by design under load.
fn expected_answer(status: u16, code: Option<&str>) -> bool {
    match (status, code) {
        (200, None) => true,
        (400, Some(c)) => c.starts_with("AIS.010"),
        (503, Some("APIG.0308")) => true,
        _ => false,
    }
}

/// Starts the server in-process on loopback and runs `opts.clients` keep-alive clients posting
/// `files` (round-robin, base64, `country_code` GENERAL) for `opts.duration`. A client honours
/// `Retry-After` on the busy answer, as a real one would.
pub fn bench_http(
    config: &crate::config::HttpConfig,
    files: &[std::path::PathBuf],
    opts: &HttpBenchOptions,
) -> Result<HttpBenchReport, HttpBenchError> {
    use base64::Engine as _;
    use std::sync::Arc;
    use std::time::Duration;

    if files.is_empty() {
        return Err(HttpBenchError::NoFiles);
    }
    let mut bodies = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).map_err(|source| Error::Io { path: f.display().to_string(), source })?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        bodies.push(serde_json::json!({ "image": b64, "country_code": "GENERAL" }).to_string().into_bytes());
    }
    let bodies = Arc::new(bodies);
    let engine = Arc::new(Engine::new()?);
    let mut config = config.clone();
    config.listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    // The bench's clients send no token: authentication is measured by the tests, not here.
    config.tokens.clear();
    let server = crate::http::start(&config, engine, crate::events::EventBus::default(), crate::events::KioskHealth::default())?;
    let addr = server.local_addr();
    let start = Instant::now();
    let deadline = start + opts.duration;
    let threads: Vec<_> = (0..opts.clients)
        .map(|id| {
            let bodies = bodies.clone();
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut answers: Vec<(u16, Option<String>, f64)> = Vec::new();
                let mut failures = Vec::new();
                let mut client = None;
                let mut i = id;
                while Instant::now() < deadline {
                    let c = match client.take() {
                        Some(c) => c,
                        None => match crate::http::client::Client::connect(addr, Duration::from_secs(60)) {
                            Ok(c) => c,
                            Err(e) => {
                                failures.push(format!("connect: {e}"));
                                std::thread::sleep(Duration::from_millis(50));
                                continue;
                            }
                        },
                    };
                    let mut c = c;
                    let body = &bodies[i % bodies.len()];
                    i += 1;
                    let t = Instant::now();
                    let r = c.request(
                        "POST",
                        "/v2/bench/ocr/passport",
                        &[("Content-Type", "application/json")],
                        Some(body),
                    );
                    let ms = ms(t);
                    match r {
                        Ok(resp) => {
                            let code = resp.error_code();
                            let retry = resp.status == 503;
                            answers.push((resp.status, code, ms));
                            lat.push(ms);
                            if !c.closed() {
                                client = Some(c);
                            }
                            if retry {
                                let wait = Duration::from_secs(crate::http::RETRY_AFTER_S);
                                let left = deadline.saturating_duration_since(Instant::now());
                                std::thread::sleep(wait.min(left));
                            }
                        }
                        Err(e) => failures.push(format!("request: {e}")),
                    }
                }
                (answers, failures)
            })
        })
        .collect();
    let mut by_answer = std::collections::BTreeMap::new();
    let (mut all, mut answered) = (Vec::new(), Vec::new());
    let (mut errors, mut samples, mut requests, mut recognized) = (0u64, Vec::new(), 0u64, 0u64);
    for t in threads {
        let (answers, failures) = t.join().unwrap_or_else(|_| (Vec::new(), vec!["client thread panicked".into()]));
        for (status, code, ms) in answers {
            requests += 1;
            all.push(ms);
            let key = match &code {
                Some(c) => format!("{status} {c}"),
                None => status.to_string(),
            };
            if !expected_answer(status, code.as_deref()) {
                errors += 1;
                if samples.len() < 5 {
                    samples.push(key.clone());
                }
            } else if status != 503 {
                recognized += 1;
                answered.push(ms);
            }
            *by_answer.entry(key).or_insert(0u64) += 1;
        }
        for f in failures {
            errors += 1;
            *by_answer.entry("transport error".to_owned()).or_insert(0u64) += 1;
            if samples.len() < 5 {
                samples.push(f);
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    server.shutdown()?;
    Ok(HttpBenchReport {
        clients: opts.clients,
        seconds,
        files: files.len(),
        max_concurrent: config.max_concurrent,
        queue_wait_ms: config.queue_wait_ms,
        requests,
        requests_per_s: requests as f64 / seconds,
        recognized_per_s: recognized as f64 / seconds,
        latency: Latency::of(all),
        answered_latency: Latency::of(answered),
        by_answer,
        errors,
        error_samples: samples,
        peak_rss_mib: peak_rss_mib(),
    })
}

#[cfg(test)]
mod http_bench_tests {
    use super::*;

    #[test]
    fn percentiles() {
        let l = Latency::of((1..=100).map(f64::from).collect());
        assert_eq!((l.count, l.p50_ms, l.p99_ms, l.max_ms), (100, 50.0, 99.0, 100.0));
        assert_eq!(Latency::of(Vec::new()).count, 0);
    }

    #[test]
    fn answers_by_design() {
        assert!(expected_answer(200, None));
        assert!(expected_answer(400, Some("AIS.0105")));
        assert!(expected_answer(503, Some("APIG.0308")));
        assert!(!expected_answer(504, Some("APIG.0201")));
        assert!(!expected_answer(400, Some("APIG.0301")));
        assert!(!expected_answer(500, None));
    }
}
