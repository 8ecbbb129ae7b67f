//! Training data for the Chinese text recognizer: every strip the Chinese reader itself hands
//! the recognizer, as it hands it.
//!
//! `cargo run --release --example dump_text_strips -- OUT_PREFIX DIR [DIR...]` runs the reader on
//! every image of each generator directory (`truth.jsonl`) and writes each distinct strip (after
//! the reader's crop, scaling, sharpening and padding: `TEXT_HEIGHT` rows, values -1..1 stored as
//! bytes `(v + 1) * 127.5`) to `OUT_PREFIX.u8`, and one tab-separated line a strip to
//! `OUT_PREFIX.tsv`: byte offset, width, image file, what the shipped model reads (greedy), its
//! lowest character probability. `models/paddle/finetune/label_strips.py` gives each strip its
//! truth from the generator's `truth.jsonl`. Only for training seeds (< 900000): never for
//! evaluation sets.

use std::collections::HashSet;
use std::io::Write;
use std::sync::Mutex;

use passread::chinese::{self, text::{self, TextModel, TextStrip, TractTextModel}};
use passread::error::Error;
use passread::Engine;

/// The shipped recognizer, recording every strip it is asked to read.
struct Recording<'a> {
    inner: &'a TractTextModel,
    strips: Mutex<Vec<(TextStrip, String, f32)>>,
}

impl TextModel for Recording<'_> {
    fn probs(&self, strip: &TextStrip) -> Result<(Vec<f32>, usize), Error> {
        let (probs, steps) = self.inner.probs(strip)?;
        let reading = text::decode(&probs, steps, self.inner.charset(), strip.width as f32 / steps.max(1) as f32);
        if let Ok(mut s) = self.strips.lock() {
            s.push((strip.clone(), reading.text(), reading.min_p()));
        }
        Ok((probs, steps))
    }
    fn charset(&self) -> &[char] {
        self.inner.charset()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: dump_text_strips OUT_PREFIX DIR [DIR...]".into());
    }
    let engine = Engine::new()?;
    let model = TractTextModel::embedded()?;
    let mut pixels = std::io::BufWriter::new(std::fs::File::create(format!("{}.u8", args[1]))?);
    let mut index = std::io::BufWriter::new(std::fs::File::create(format!("{}.tsv", args[1]))?);
    let (mut offset, mut images, mut read, mut written) = (0u64, 0, 0, 0);
    for dir in &args[2..] {
        let dir = std::path::Path::new(dir);
        let truth = std::fs::read_to_string(dir.join("truth.jsonl"))?;
        for line in truth.lines() {
            let t: serde_json::Value = serde_json::from_str(line)?;
            let Some(file) = t["file"].as_str() else { continue };
            images += 1;
            let Ok(bytes) = std::fs::read(dir.join(file)) else { continue };
            let Ok(decoded) = engine.decode(&bytes) else { continue };
            let prepared = engine.prepare(&decoded);
            let Ok(zone) = engine.read(&prepared) else { continue };
            let recording = Recording { inner: &model, strips: Mutex::new(Vec::new()) };
            if chinese::read_chinese(&recording, &prepared, &zone, engine.today()).is_err() {
                continue;
            }
            read += 1;
            let strips = recording.strips.into_inner().unwrap_or_default();
            let mut seen = HashSet::new();
            for (strip, reading, min_p) in strips {
                let bytes: Vec<u8> = strip.data.iter().map(|v| ((v + 1.0) * 127.5).round().clamp(0.0, 255.0) as u8).collect();
                if !seen.insert(bytes.clone()) {
                    continue;
                }
                pixels.write_all(&bytes)?;
                let path = dir.join(file);
                writeln!(index, "{offset}\t{}\t{}\t{}\t{min_p:.3}", strip.width, path.display(), reading.replace(['\t', '\n'], " "))?;
                offset += bytes.len() as u64;
                written += 1;
            }
        }
    }
    eprintln!("{images} images, {read} read by the Chinese reader, {written} strips ({} rows each)", text::TEXT_HEIGHT);
    Ok(())
}
