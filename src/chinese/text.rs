//! The Chinese + Latin text-line recognizer: PaddleOCR's PP-OCRv4 mobile recognizer
//! (`models/paddle/`, Apache-2.0) run by tract, and CTC best-path decoding with per-character
//! probabilities.
//!
//! tract only translates the model with a fixed input shape, so lines are laid out into one of
//! a few width buckets ([`WIDTHS`], `1 x 3 x 48 x W`); each bucket's plan is optimised once, the
//! first time a line needs it, and reused. The network is behind [`TextModel`] so the decoding
//! and everything after it is tested with tiny fake models built in code.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tract_onnx::prelude::*;

use crate::error::Error;

/// Input height of the recognizer.
pub const TEXT_HEIGHT: usize = 48;
/// Input width buckets (a multiple of 8 each: the model has one output step per 8 columns).
pub const WIDTHS: [usize; 11] = [160, 200, 240, 280, 320, 360, 400, 480, 560, 640, 800];

/// The shipped recognizer, compiled into the binary.
pub static EMBEDDED_REC: &[u8] = include_bytes!("../../models/paddle/ppocrv4_rec.onnx");
/// Its character list (ONNX metadata `character`, one per line); class 0 is the CTC blank,
/// class `i` is line `i - 1`, and the last class is a space.
pub static EMBEDDED_DICT: &str = include_str!("../../models/paddle/ppocrv4_rec_dict.txt");

/// A recognizer input: `TEXT_HEIGHT x width` grey values in -1..1 (paper ≈ 1, ink ≈ -1),
/// row-major; the three colour planes of the model all get these values.
#[derive(Clone, Debug, PartialEq)]
pub struct TextStrip {
    pub data: Vec<f32>,
    pub width: usize,
}

impl TextStrip {
    /// A strip of `width` columns, all padding (0, as PaddleOCR pads).
    pub fn blank(width: usize) -> TextStrip {
        TextStrip { data: vec![0.0; TEXT_HEIGHT * width], width }
    }
}

/// A text-line recognizer: probabilities (`T x classes`, row-major, each row summing to 1).
pub trait TextModel: Send + Sync {
    /// Class probabilities for the strip and the number of time steps.
    fn probs(&self, strip: &TextStrip) -> Result<(Vec<f32>, usize), Error>;
    /// The characters of classes `1..=n` (class 0 is the blank).
    fn charset(&self) -> &[char];
}

/// One recognized character.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextChar {
    pub ch: char,
    /// Its probability at its best time step.
    pub p: f32,
    /// Its time step's centre column in the strip.
    pub x: f32,
}

/// What the recognizer read on one line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextReading {
    pub chars: Vec<TextChar>,
}

impl TextReading {
    pub fn text(&self) -> String {
        self.chars.iter().map(|c| c.ch).collect()
    }

    /// The lowest character probability (1.0 when empty).
    pub fn min_p(&self) -> f32 {
        self.chars.iter().map(|c| c.p).fold(1.0, f32::min)
    }

    /// The text without spaces.
    pub fn compact(&self) -> String {
        self.chars.iter().filter(|c| !c.ch.is_whitespace()).map(|c| c.ch).collect()
    }
}

/// CTC best-path decoding of `steps x classes` probabilities; class 0 is the blank, class `i`
/// is `charset[i - 1]`, anything past the charset is a space. `step_px` is the width of a time
/// step in strip columns.
pub fn decode(probs: &[f32], steps: usize, charset: &[char], step_px: f32) -> TextReading {
    let classes = if steps == 0 { 0 } else { probs.len() / steps };
    let mut out = TextReading::default();
    if classes == 0 {
        return out;
    }
    let best = |t: usize| -> (usize, f32) {
        let row = &probs[t * classes..(t + 1) * classes];
        row.iter().enumerate().fold((0, f32::MIN), |a, (i, &p)| if p > a.1 { (i, p) } else { a })
    };
    let mut prev = 0usize;
    for t in 0..steps {
        let (k, p) = best(t);
        if k != 0 && k == prev {
            if let Some(last) = out.chars.last_mut() {
                if p > last.p {
                    last.p = p;
                    last.x = (t as f32 + 0.5) * step_px;
                }
            }
        } else if k != 0 {
            let ch = charset.get(k - 1).copied().unwrap_or(' ');
            out.chars.push(TextChar { ch, p, x: (t as f32 + 0.5) * step_px });
        }
        prev = k;
    }
    out
}

/// Best-path decoding restricted to the characters `allow` accepts (and the blank): for a line
/// known to hold only hanzi (the name above its pinyin). A character's probability is still its
/// class's unrestricted probability, so a forced reading stays as doubtful as it is.
pub fn decode_restricted(probs: &[f32], steps: usize, charset: &[char], step_px: f32, allow: &dyn Fn(char) -> bool) -> TextReading {
    let classes = if steps == 0 { 0 } else { probs.len() / steps };
    let mut out = TextReading::default();
    if classes == 0 {
        return out;
    }
    let mut prev = 0usize;
    for t in 0..steps {
        let row = &probs[t * classes..(t + 1) * classes];
        let (mut k, mut p) = (0usize, row[0]);
        for (i, &v) in row.iter().enumerate().skip(1) {
            if v > p && charset.get(i - 1).is_some_and(|&c| allow(c)) {
                k = i;
                p = v;
            }
        }
        if k != 0 && k == prev {
            if let Some(last) = out.chars.last_mut() {
                if p > last.p {
                    last.p = p;
                    last.x = (t as f32 + 0.5) * step_px;
                }
            }
        } else if k != 0 {
            out.chars.push(TextChar { ch: charset[k - 1], p, x: (t as f32 + 0.5) * step_px });
        }
        prev = k;
    }
    out
}

/// Reads one strip, only the characters `allow` accepts.
pub fn read_restricted(model: &dyn TextModel, strip: &TextStrip, allow: &dyn Fn(char) -> bool) -> Result<TextReading, Error> {
    let (probs, steps) = model.probs(strip)?;
    if steps == 0 || probs.len() % steps != 0 || probs.len() / steps < 2 {
        return Err(Error::Model(format!("text model gave {} values for {steps} steps", probs.len())));
    }
    Ok(decode_restricted(&probs, steps, model.charset(), strip.width as f32 / steps as f32, allow))
}

/// The smallest bucket at least `width` wide (the widest when none is).
pub fn bucket(width: usize) -> usize {
    WIDTHS.iter().copied().find(|&w| w >= width).unwrap_or(WIDTHS[WIDTHS.len() - 1])
}

/// Reads one strip.
pub fn read(model: &dyn TextModel, strip: &TextStrip) -> Result<TextReading, Error> {
    let (probs, steps) = model.probs(strip)?;
    if steps == 0 || probs.len() % steps != 0 || probs.len() / steps < 2 {
        return Err(Error::Model(format!("text model gave {} values for {steps} steps", probs.len())));
    }
    Ok(decode(&probs, steps, model.charset(), strip.width as f32 / steps as f32))
}

type Plan = Arc<TypedRunnableModel>;

/// PP-OCRv4 under tract: the parsed model kept once, one optimised plan per width bucket.
pub struct TractTextModel {
    model: InferenceModel,
    charset: Vec<char>,
    plans: Mutex<HashMap<usize, Plan>>,
}

impl std::fmt::Debug for TractTextModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TractTextModel").field("classes", &(self.charset.len() + 2)).finish_non_exhaustive()
    }
}

fn model_error(e: impl std::fmt::Display) -> Error {
    Error::Model(e.to_string())
}

/// The character list of a dictionary file: one character a line.
pub fn parse_dict(text: &str) -> Vec<char> {
    text.lines().filter_map(|l| l.chars().next()).collect()
}

impl TractTextModel {
    pub fn from_onnx(bytes: &[u8], dict: &str) -> Result<Self, Error> {
        let model = tract_onnx::onnx().model_for_read(&mut std::io::Cursor::new(bytes)).map_err(model_error)?;
        let charset = parse_dict(dict);
        if charset.is_empty() {
            return Err(Error::Model("empty text dictionary".into()));
        }
        Ok(TractTextModel { model, charset, plans: Mutex::new(HashMap::new()) })
    }

    /// The shipped model (parsed now; plans optimised on first use).
    pub fn embedded() -> Result<Self, Error> {
        Self::from_onnx(EMBEDDED_REC, EMBEDDED_DICT)
    }

    /// The shipped model, parsed once per process and shared.
    pub fn shared() -> Result<&'static TractTextModel, Error> {
        static MODEL: OnceLock<Result<TractTextModel, String>> = OnceLock::new();
        MODEL.get_or_init(|| Self::embedded().map_err(|e| e.to_string())).as_ref().map_err(|e| Error::Model(e.clone()))
    }

    fn plan(&self, width: usize) -> Result<Plan, Error> {
        if let Some(p) = self.plans.lock().map_err(model_error)?.get(&width) {
            return Ok(p.clone());
        }
        let t0 = std::time::Instant::now();
        let plan = self
            .model
            .clone()
            .with_input_fact(0, f32::fact([1, 3, TEXT_HEIGHT, width]).into())
            .map_err(model_error)?
            .into_optimized()
            .map_err(model_error)?
            .into_runnable()
            .map_err(model_error)?;
        log::debug!("text model plan for width {width} ready in {:?}", t0.elapsed());
        self.plans.lock().map_err(model_error)?.insert(width, plan.clone());
        Ok(plan)
    }

    /// Optimises the plans of every bucket now (so the first reading does not pay for it).
    pub fn warm_up(&self) -> Result<(), Error> {
        for w in WIDTHS {
            self.plan(w)?;
        }
        Ok(())
    }
}

impl TextModel for TractTextModel {
    fn probs(&self, strip: &TextStrip) -> Result<(Vec<f32>, usize), Error> {
        let plan = self.plan(strip.width)?;
        let plane = TEXT_HEIGHT * strip.width;
        if strip.data.len() != plane {
            return Err(Error::Model(format!("strip of {} values for width {}", strip.data.len(), strip.width)));
        }
        let mut data = Vec::with_capacity(3 * plane);
        for _ in 0..3 {
            data.extend_from_slice(&strip.data);
        }
        let input = Tensor::from_shape(&[1, 3, TEXT_HEIGHT, strip.width], &data).map_err(model_error)?;
        let out = plan.run(tvec!(input.into())).map_err(model_error)?;
        let shape = out[0].shape().to_vec();
        let view = out[0].to_plain_array_view::<f32>().map_err(model_error)?;
        let steps = if shape.len() == 3 { shape[1] } else { 0 };
        Ok((view.iter().copied().collect(), steps))
    }

    fn charset(&self) -> &[char] {
        &self.charset
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fake model that "reads" a fixed text: one step per character with probability `p`,
    /// blanks between.
    pub(crate) struct Fixed {
        pub texts: Mutex<Vec<String>>,
        pub charset: Vec<char>,
        pub p: f32,
    }

    impl Fixed {
        pub fn new(texts: &[&str]) -> Fixed {
            let mut charset: Vec<char> = texts.iter().flat_map(|t| t.chars()).filter(|c| *c != ' ').collect();
            charset.sort();
            charset.dedup();
            Fixed { texts: Mutex::new(texts.iter().map(|s| s.to_string()).collect()), charset, p: 0.98 }
        }
    }

    impl TextModel for Fixed {
        fn probs(&self, strip: &TextStrip) -> Result<(Vec<f32>, usize), Error> {
            let mut texts = self.texts.lock().unwrap();
            let text = if texts.len() > 1 { texts.remove(0) } else { texts[0].clone() };
            let classes = self.charset.len() + 2;
            let steps = strip.width / 8;
            let mut out = vec![0.0; steps * classes];
            let chars: Vec<char> = text.chars().collect();
            for t in 0..steps {
                let k = if t % 2 == 1 && t / 2 < chars.len() {
                    let c = chars[t / 2];
                    self.charset.iter().position(|&x| x == c).map_or(classes - 1, |i| i + 1)
                } else {
                    0
                };
                out[t * classes + k] = if k == 0 { 1.0 } else { self.p };
                if k != 0 {
                    out[t * classes] = 1.0 - self.p;
                }
            }
            Ok((out, steps))
        }
        fn charset(&self) -> &[char] {
            &self.charset
        }
    }

    #[test]
    fn decode_collapses_repeats_and_blanks() {
        let charset = ['a', 'b'];
        // steps: a a _ a b b _  (classes: blank, a, b, space)
        let rows: [[f32; 4]; 7] = [
            [0.1, 0.8, 0.1, 0.0],
            [0.05, 0.9, 0.05, 0.0],
            [0.9, 0.05, 0.05, 0.0],
            [0.2, 0.7, 0.1, 0.0],
            [0.1, 0.1, 0.6, 0.2],
            [0.1, 0.1, 0.3, 0.5],
            [1.0, 0.0, 0.0, 0.0],
        ];
        let probs: Vec<f32> = rows.iter().flatten().copied().collect();
        let r = decode(&probs, 7, &charset, 8.0);
        assert_eq!(r.text(), "aab ");
        assert!((r.chars[0].p - 0.9).abs() < 1e-6);
        assert!((r.chars[0].x - 12.0).abs() < 1e-6);
        assert!((r.min_p() - 0.5).abs() < 1e-6);
        assert_eq!(r.compact(), "aab");
    }

    #[test]
    fn restricted_decoding_skips_other_characters() {
        let charset = ['J', '丁'];
        // One step: J 0.6, 丁 0.3, blank 0.1 → restricted to hanzi: 丁 with p 0.3.
        let probs = [0.1, 0.6, 0.3, 0.0, 1.0, 0.0, 0.0, 0.0];
        let r = decode_restricted(&probs, 2, &charset, 8.0, &|c| crate::chinese::normalize::is_han(c));
        assert_eq!(r.text(), "丁");
        assert!((r.chars[0].p - 0.3).abs() < 1e-6);
        assert_eq!(decode(&probs, 2, &charset, 8.0).text(), "J");
    }

    #[test]
    fn buckets() {
        assert_eq!(bucket(10), 160);
        assert_eq!(bucket(161), 200);
        assert_eq!(bucket(321), 360);
        assert_eq!(bucket(5000), 800);
    }

    #[test]
    fn fake_model_reads_its_text() {
        let m = Fixed::new(&["中国/CHINESE"]);
        let r = read(&m, &TextStrip::blank(160)).unwrap();
        assert_eq!(r.text(), "中国/CHINESE");
    }

    #[test]
    fn shipped_files_match_the_manifest() {
        use sha2::Digest;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/paddle");
        let manifest = std::fs::read_to_string(dir.join("MANIFEST.md")).unwrap();
        let hex = |b: &[u8]| -> String { sha2::Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect() };
        for (name, embedded) in [("ppocrv4_rec.onnx", EMBEDDED_REC), ("ppocrv4_rec_dict.txt", EMBEDDED_DICT.as_bytes())] {
            let row = manifest.lines().find(|l| l.starts_with(&format!("| `{name}` |"))).unwrap_or_else(|| panic!("{name} not in MANIFEST.md"));
            let cells: Vec<&str> = row.split('|').map(|c| c.trim().trim_matches('`')).collect();
            let file = std::fs::read(dir.join(name)).unwrap();
            assert_eq!(hex(&file), cells[2], "{name}");
            assert_eq!(hex(embedded), cells[2], "embedded {name}");
            assert_eq!(file.len().to_string(), cells[3], "{name} size");
        }
    }

    #[test]
    fn dictionary_has_the_characters_we_need() {
        let set = parse_dict(EMBEDDED_DICT);
        assert_eq!(set.len(), 6623);
        for c in "公安部出入境管理局国家移民中男女月/,.&0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".chars() {
            assert!(set.contains(&c), "{c}");
        }
    }
}
