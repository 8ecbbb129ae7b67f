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
