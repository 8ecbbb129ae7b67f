//! Training data from the generator's photographs: the strips the reader itself cuts.
//!
//! `cargo run --release --example dump_strips -- OUT_PREFIX DIR [DIR...]` reads every image of
//! each generator directory (`truth.jsonl`), locates its zone with the reader's own locator,
//! picks the zone and direction that read closest to the truth, and writes each line's strip
//! (as the recognizer sees it, `models/mrz/MANIFEST.md`) plus two copies with the line's
//! geometry jittered by a few percent of the character height. Output: `OUT_PREFIX.u8` (N x 32 x
//! 368 bytes, luma 0..255 after the contract's normalisation) and `OUT_PREFIX.txt` (one truth
//! line per strip). `models/train/train_mrz.py --pages OUT_PREFIX` mixes them into training.
//! Only for generator output with training seeds (< 900000): never for evaluation sets.
//!
//! With `--drawn` (before OUT_PREFIX), a document whose zone the locator misses, or finds but
//! reads too far from the truth, gives the strips of the zone the generator drew
//! ([`passread::eval::drawn_zone`]) instead: hard photographs, where the locator fails most,
//! then still teach the recognizer their optics.

use std::io::Write;

use passread::rectify::{strip, LineGeom, STRIP_HEIGHT, STRIP_WIDTH};
use passread::recognize::{read_line, tract::TractLineModel};
use passread::Engine;

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + usize::from(ca != *cb)));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A small deterministic jitter in [-1, 1).
fn jitter(seed: &mut u64) -> f32 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed % 20001) as f32 / 10000.0 - 1.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().collect();
    let drawn = args.iter().any(|a| a == "--drawn");
    args.retain(|a| a != "--drawn");
    if args.len() < 3 {
        return Err("usage: dump_strips [--drawn] OUT_PREFIX DIR [DIR...]".into());
    }
    let engine = Engine::new()?;
    let model = TractLineModel::embedded()?;
    let mut pixels = std::io::BufWriter::new(std::fs::File::create(format!("{}.u8", args[1]))?);
    let mut labels = std::io::BufWriter::new(std::fs::File::create(format!("{}.txt", args[1]))?);
    let (mut images, mut located, mut strips, mut exact_lines, mut lines_total, mut from_drawn) = (0, 0, 0, 0, 0, 0);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for dir in &args[2..] {
        let dir = std::path::Path::new(dir);
        let truth = std::fs::read_to_string(dir.join("truth.jsonl"))?;
        for line in truth.lines() {
            let t: serde_json::Value = serde_json::from_str(line)?;
            let Some(mrz) = t["mrz"].as_array() else { continue };
            let mrz: Vec<&str> = mrz.iter().filter_map(|v| v.as_str()).collect();
            images += 1;
            let Ok(img) = passread::input::read_file(&dir.join(t["file"].as_str().unwrap_or(""))) else { continue };
            let p = engine.prepare(&img);
            let mut best: Option<(usize, Vec<LineGeom>)> = None;
            for zone in engine.locate(&p) {
                if zone.lines.len() != mrz.len() {
                    continue;
                }
                for z in [zone.clone(), zone.reversed()] {
                    let mut d = 0;
                    for (g, want) in z.lines.iter().zip(&mrz) {
                        d += distance(&read_line(&model, &strip(&p.luma, g, want.len()))?.text, want);
                    }
                    if best.as_ref().is_none_or(|b| d < b.0) {
                        best = Some((d, z.lines.clone()));
                    }
                }
            }
            // A zone that reads closer than a third of its characters is this MRZ in this direction.
            let total: usize = mrz.iter().map(|l| l.len()).sum();
            let geoms = match best.filter(|b| b.0 * 3 < total) {
                Some((d, geoms)) => {
                    located += 1;
                    lines_total += mrz.len();
                    if d == 0 {
                        exact_lines += mrz.len();
                    }
                    geoms
                }
                None if drawn => {
                    let Some(zone) = passread::eval::drawn_zone(&t["scene"], mrz.len(), mrz[0].len()) else { continue };
                    from_drawn += 1;
                    zone.lines
                }
                None => continue,
            };
            for (g, want) in geoms.iter().zip(&mrz) {
                for copy in 0..3 {
                    let mut g = *g;
                    if copy > 0 {
                        let h = g.height;
                        g.x0 += 0.15 * h * jitter(&mut seed);
                        g.y0 += 0.08 * h * jitter(&mut seed);
                        g.x1 += 0.15 * h * jitter(&mut seed);
                        g.y1 += 0.08 * h * jitter(&mut seed);
                        g.height *= 1.0 + 0.08 * jitter(&mut seed);
                    }
                    let s = strip(&p.luma, &g, want.len());
                    debug_assert_eq!(s.data.len(), STRIP_HEIGHT * STRIP_WIDTH);
                    let bytes: Vec<u8> = s.data.iter().map(|v| (v * 255.0 + 0.5) as u8).collect();
                    pixels.write_all(&bytes)?;
                    writeln!(labels, "{want}")?;
                    strips += 1;
                }
            }
        }
    }
    pixels.flush()?;
    labels.flush()?;
    eprintln!(
        "{images} documents with an MRZ, {located} located and matched, {from_drawn} from the drawn zone, {strips} strips; located zones read exactly now: {exact_lines}/{lines_total} lines"
    );
    Ok(())
}
