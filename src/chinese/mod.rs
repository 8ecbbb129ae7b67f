//! The visual zone of a Chinese mainland ordinary e-passport (2012 and later): every printed
//! field, hanzi included, cross-checked with the machine-readable zone.
//!
//! Stages, each a public function or method, typed hand-off:
//!
//! ```text
//! ZoneReading (MRZ) → page::PageFrame → page::rectify_fields → PageImage → lines::find_lines
//!   → Vec<TextLine> → ChineseReader::read_lines (crop + text::read) → Vec<ReadLine>
//!   → labels (match_label) + ChineseReader::assign → Fields → crosscheck::assemble → ChineseResult
//! ```
//!
//! The page is found from the MRZ (scale, rotation), the fields by their printed bilingual
//! labels (never by fixed positions), the text read by PP-OCRv4 ([`text`]).

pub mod crosscheck;
pub mod fields;
pub mod labels;
pub mod lines;
pub mod normalize;
pub mod page;
pub mod pinyin;
pub mod sharpen;
pub mod text;

use std::collections::HashMap;

use crate::error::Error;
use crate::pipeline::ZoneReading;
use crate::prepare::Prepared;
use crate::result::ChineseResult;
use crate::mrz::Ymd;
use labels::{match_label, Label};
use lines::TextLine;
use page::{PageFrame, PageImage};
use text::{TextModel, TextReading, TextStrip, TEXT_HEIGHT};

/// A text line with what the recognizer read on it.
#[derive(Clone, Debug)]
pub struct ReadLine {
    pub line: TextLine,
    pub reading: TextReading,
    pub label: Option<Label>,
}

/// The value lines found under each label (in reading order), and the labels' lines.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    pub values: HashMap<Label, Vec<TextReading>>,
}

impl Fields {
    pub fn get(&self, l: Label) -> Option<&[TextReading]> {
        self.values.get(&l).map(Vec::as_slice).filter(|v| !v.is_empty())
    }
    /// Fields with at least one value line.
    pub fn found(&self) -> usize {
        self.values.values().filter(|v| !v.is_empty()).count()
    }
}

/// Time spent in each stage of one visual read (milliseconds).
#[derive(Clone, Copy, Debug, Default)]
pub struct VisualTimes {
    pub rectify_ms: f64,
    pub lines_ms: f64,
    pub recognize_ms: f64,
    pub assemble_ms: f64,
    pub lines_read: usize,
}

/// Reads the visual zone with a text model.
pub struct ChineseReader<'a> {
    pub model: &'a dyn TextModel,
}

/// Vertical margin of a crop, in line heights (each side).
const CROP_MARGIN_Y: f32 = 0.25;
/// Horizontal margin of a crop, in line heights (each side).
const CROP_MARGIN_X: f32 = 0.4;
/// Unsharp masking of a recognizer strip ([`sharpen::unsharp`]): amount, and s.d. in strip
/// pixels (a twelfth of the strip's height, so the same share of a line at any resolution).
/// Measured on 450 medium Chinese pages (seeds 907001, 904433): amounts 1 to 2 and s.d. 3 to 4
/// read the same pages, 9 more than without.
const STRIP_SHARPEN: (f32, f32) = (1.0, 4.0);
/// How far (mm) a value line may start from its label's start and still be in its column.
const COLUMN_TOLERANCE_MM: f32 = 1.6;

impl<'a> ChineseReader<'a> {
    pub fn new(model: &'a dyn TextModel) -> Self {
        ChineseReader { model }
    }

    /// The recognizer input for one line: sampled from the image along the page frame, 48 px
    /// high, width rounded up to a bucket (squeezed when longer than the widest), contrast
    /// stretched, padded with 0 as PaddleOCR pads.
    pub fn crop(&self, p: &Prepared, frame: &PageFrame, line: &TextLine) -> TextStrip {
        let h = line.height().max(0.3);
        let (x0, x1) = (line.x0 - CROP_MARGIN_X * h, line.x1 + CROP_MARGIN_X * h);
        let (y0, y1) = (line.y0 - CROP_MARGIN_Y * h, line.y1 + CROP_MARGIN_Y * h);
        let px_per_mm = TEXT_HEIGHT as f32 / (y1 - y0);
        let natural = ((x1 - x0) * px_per_mm).ceil().max(8.0) as usize;
        let width = text::bucket(natural);
        let used = natural.min(width);
        let (img, f) = page::source(p, frame, px_per_mm);
        let mut vals = vec![0f32; TEXT_HEIGHT * used];
        for j in 0..TEXT_HEIGHT {
            let y = y0 + (j as f32 + 0.5) / TEXT_HEIGHT as f32 * (y1 - y0);
            for i in 0..used {
                let x = x0 + (i as f32 + 0.5) / used as f32 * (x1 - x0);
                let (ix, iy) = frame.to_image(x, y);
                vals[j * used + i] = crate::rectify::sample(img, ix / f, iy / f);
            }
        }
        // Print at 4-6 px/mm, blurred, is upsampled here into soft strokes that PP-OCRv4 reads
        // worse than the sharp text it was trained on: steepen their edges first.
        sharpen::unsharp(&mut vals, used, TEXT_HEIGHT, STRIP_SHARPEN.0, STRIP_SHARPEN.1);
        // Stretch between the 2nd and 98th percentiles (ink to black, paper to white).
        let mut sorted = vals.clone();
        sorted.sort_by(f32::total_cmp);
        let lo = sorted[sorted.len() / 50];
        let hi = sorted[sorted.len() * 49 / 50];
        let range = (hi - lo).max(24.0);
        let mut strip = TextStrip::blank(width);
        for j in 0..TEXT_HEIGHT {
            for i in 0..used {
                let v = ((vals[j * used + i] - lo) / range).clamp(0.0, 1.0);
                strip.data[j * width + i] = v * 2.0 - 1.0;
            }
        }
        strip
    }

    /// The recognizer's class probabilities for one line: values, time steps, and the width of
    /// a step in strip columns (for decoding it more than one way).
    pub fn line_probs(&self, p: &Prepared, frame: &PageFrame, line: &TextLine) -> Result<(Vec<f32>, usize, f32), Error> {
        let strip = self.crop(p, frame, line);
        let (probs, steps) = self.model.probs(&strip)?;
        Ok((probs, steps, strip.width as f32 / steps.max(1) as f32))
    }

    /// Recognizes lines and tells which are labels.
    pub fn read_lines(&self, p: &Prepared, frame: &PageFrame, lines: &[TextLine]) -> Result<Vec<ReadLine>, Error> {
        lines
            .iter()
            .map(|l| {
                let reading = text::read(self.model, &self.crop(p, frame, l))?;
                let label = match_label(&reading.text()).map(|m| m.0);
                Ok(ReadLine { line: *l, reading, label })
            })
            .collect()
    }

    /// [`Self::read_lines`] on two threads (the lines split in two halves by cost), in the
    /// original order. One thread when there are few lines.
    pub fn read_lines_parallel(&self, p: &Prepared, frame: &PageFrame, lines: &[TextLine]) -> Result<Vec<ReadLine>, Error> {
        if lines.len() < 4 {
            return self.read_lines(p, frame, lines);
        }
        // Alternate by width so both halves cost about the same.
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by(|&a, &b| lines[b].width().total_cmp(&lines[a].width()));
        let a: Vec<usize> = order.iter().step_by(2).copied().collect();
        let b: Vec<usize> = order.iter().skip(1).step_by(2).copied().collect();
        let pick = |idx: &[usize]| idx.iter().map(|&i| lines[i]).collect::<Vec<_>>();
        let (la, lb) = (pick(&a), pick(&b));
        let (ra, rb) = std::thread::scope(|s| {
            let h = s.spawn(|| self.read_lines(p, frame, &lb));
            let ra = self.read_lines(p, frame, &la);
            (ra, h.join())
        });
        let ra = ra?;
        let rb = rb.map_err(|_| Error::Model("text recognition thread panicked".into()))??;
        let mut out: Vec<Option<ReadLine>> = vec![None; lines.len()];
        for (i, r) in a.into_iter().zip(ra).chain(b.into_iter().zip(rb)) {
            out[i] = Some(r);
        }
        Ok(out.into_iter().flatten().collect())
    }

    /// The name's hanzi, read to spell the MRZ's pinyin ([`pinyin::decode_fitting`]).
    ///
    /// The pinyin name lines are the lines reading as the MRZ's surname, given names or both
    /// (one letter in four may be misread). The line right above each holds the hanzi; where
    /// it does not read as hanzi spelling that pinyin, it is decoded again along the best path
    /// that does (or, when no hanzi spell it, restricted to hanzi), from the name's column (the
    /// sex's) where it starts right of it, its first glyph washed out. Where no line was found
    /// above (faint print broken into pieces), the hanzi line is looked for where the layout
    /// puts it and decoded to spell its pinyin (a surname among the listed surnames of its
    /// pinyin, weighed by their rank: [`fit_name_with_surname_prior`]). The given names' hanzi
    /// found so are kept only if every one is likely enough; a surname's however faint (glare
    /// took 翟 over a clear ZHAI: without it the name is wrong anyway; its probability caps the
    /// name's confidence).
    pub fn fit_name_hanzi(&self, p: &Prepared, frame: &PageFrame, mut read: Vec<ReadLine>, names: (&str, &str)) -> Result<Vec<ReadLine>, Error> {
        use normalize::{han_only, is_han};
        let keys = name_keys(names);
        let sur = &keys[0];
        let surnames = normalize::surname_candidates(names.0);
        let pinyin_lines = name_pinyin_lines(&read, &keys);
        // The name's column: the left edge of the sex or, without it, the topmost date (the
        // nearest to the names of a page turned a little).
        let column = read
            .iter()
            .filter(|r| r.label.is_none() && matches!(fields::classify(&r.reading.text()), fields::ValueKind::Sex | fields::ValueKind::Date))
            .min_by(|a, b| a.line.y0.total_cmp(&b.line.y0))
            .map(|r| r.line.x0);
        // Where the hanzi line sits over its pinyin (in pinyin heights), from the pairs found.
        let pairs: Vec<(f32, f32)> = pinyin_lines
            .iter()
            .filter_map(|&(i, _)| {
                let j = line_above(&read, i)?;
                let (py, han) = (read[i].line, read[j].line);
                let t = read[j].reading.text();
                (!t.is_empty() && t.chars().all(is_han)).then(|| ((py.y0 - han.y1) / py.height(), han.height() / py.height()))
            })
            .collect();
        let (gap, tall) = if pairs.is_empty() {
            (HANZI_GAP, HANZI_HEIGHT)
        } else {
            let n = pairs.len() as f32;
            (pairs.iter().map(|p| p.0).sum::<f32>() / n, pairs.iter().map(|p| p.1).sum::<f32>() / n)
        };
        // The surname's pinyin line: the topmost one naming the surname or the whole name (a
        // given name may start like the surname, or be it: LI LING, LI LI).
        let surname_line = pinyin_lines
            .iter()
            .filter(|(_, k)| *k == keys[0] || *k == keys[2])
            .min_by(|a, b| read[a.0].line.y0.total_cmp(&read[b.0].line.y0))
            .map(|&(i, _)| i);
        // Where in a key the given names start (their hanzi are weighed by how common they are
        // in given names; the surname's are held to the listed surnames elsewhere).
        let given_from = |k: &String| if *k == keys[2] { sur.len() } else if *k == keys[0] { k.len() } else { 0 };
        // A key's surname part spelled only with the listed surnames of its pinyin.
        let listed_surname = |start: usize, c: char| start >= sur.len() || surnames.iter().any(|s| s.contains(c));
        let pinyin_at: Vec<usize> = pinyin_lines.iter().map(|&(i, _)| i).collect();
        for (i, key) in pinyin_lines {
            // Right under another pinyin line of the name (junk under `ZHANG,` taken for the
            // given names): no hanzi line between, none to read; the pinyin above is no hanzi.
            if line_above(&read, i).is_some_and(|j| pinyin_at.contains(&j)) {
                continue;
            }
            // Over a pinyin line that lost its start (`GU, ` of `GU, XIXUAN` blurred away), the
            // hanzi line starts left of it; it may hold the whole name, so both keys are tried.
            let (above, keys_to_fit) = match line_above(&read, i).filter(|&j| read[j].label.is_none()) {
                Some(j) => (Some(j), vec![key.clone()]),
                None => (hanzi_line_over_cut_start(&read, i, &keys), vec![key.clone(), keys[2].clone()]),
            };
            match above {
                Some(j) => {
                    let text = read[j].reading.text();
                    // (Or the whole name, over a pinyin line partly washed out: `YAN,` of `YAN, YING`.)
                    let fits = !text.is_empty() && text.chars().all(is_han) && (pinyin::fits(&text, &key) || pinyin::fits(&text, &keys[2]));
                    // A line starting with the surname: a doubtful surname hanzi that is no
                    // listed surname of its pinyin (阁 for 葛 in 诸葛) is read among those.
                    let surname_first = surname_line == Some(i) && !surnames.is_empty();
                    let listed = |r: &TextReading| {
                        let t = r.text();
                        surnames.iter().any(|s| t.starts_with(s)) || r.chars.iter().take(2).all(|c| c.p >= SURE_SURNAME_P)
                    };
                    // The given names' hanzi read: all of a given names' line, those after
                    // the surname of a whole name's line, none of a surname's line.
                    let given_read: Vec<char> = if pinyin::fits(&text, &key) && key == keys[1] {
                        text.chars().collect()
                    } else if pinyin::fits(&text, &keys[2]) && key != keys[0] {
                        let skip = normalize::surname_hanzi_len(&text, names.0);
                        text.chars().skip(skip).collect()
                    } else {
                        Vec::new()
                    };
                    // A given name spelled with a hanzi rarely given in names (态 for 泰, both
                    // TAI) is read again, weighed by how common each is.
                    let common = given_read.iter().all(|&c| !pinyin::rare_in_names(c));
                    if fits && common && (!surname_first || listed(&read[j].reading)) {
                        // An unlisted surname read surely (候 for HOU at 0.998) still gives way to
                        // a listed one of its pinyin the recognizer does not rule out (侯 at
                        // 0.002): under blur the two look alike, and the list holds far more
                        // people than every unlisted surname of the pinyin.
                        if surname_first && !surnames.iter().any(|s| text.starts_with(s)) {
                            let (probs, steps, step_px) = self.line_probs(p, frame, &read[j].line)?;
                            let fit = pinyin::decode_fitting_scored(&probs, steps, self.model.charset(), step_px, &key, &listed_surname, given_from(&key));
                            let sur_chars = sur_hanzi_len(&surnames);
                            if let Some((f, _)) = fit.filter(|(f, _)| f.chars.iter().take(sur_chars).all(|c| c.p >= LISTED_SURNAME_FLOOR_P)) {
                                log::debug!("unlisted surname read again among the listed ones");
                                read[j].reading = f;
                            }
                        }
                        continue;
                    }
                    // Starting right of the name's column (its first glyph washed out): read
                    // from the column.
                    let mut line = read[j].line;
                    if let Some(x) = column.filter(|&x| line.x0 - x > COLUMN_TOLERANCE_MM && line.x0 - x < SHIFTED_COLUMN_MM) {
                        line.x0 = x;
                    }
                    let (probs, steps, step_px) = self.line_probs(p, frame, &line)?;
                    // Of fits to different keys, the one with as many hanzi as the line is
                    // long (hanzi are square), then the likelier.
                    let glyphs = line.width() / line.height().max(0.1);
                    let mut fit = keys_to_fit
                        .iter()
                        .filter_map(|k| pinyin::decode_fitting_scored(&probs, steps, self.model.charset(), step_px, k, &|_, _| true, given_from(k)))
                        .min_by(|a, b| {
                            let off = |r: &TextReading| (r.chars.len() as f32 - glyphs).abs().round();
                            off(&a.0).total_cmp(&off(&b.0)).then(b.1.total_cmp(&a.1))
                        })
                        .map(|(f, _)| f);
                    if surname_first && fit.as_ref().is_some_and(|f| !listed(f)) {
                        if let Some((f, _)) = pinyin::decode_fitting_scored(&probs, steps, self.model.charset(), step_px, &key, &listed_surname, given_from(&key)) {
                            fit = Some(f);
                        }
                    }
                    if let Some(fit) = fit {
                        log::debug!("name hanzi read to fit the pinyin");
                        read[j].reading = fit;
                        read[j].line = line;
                    } else if !text.chars().all(is_han) || han_only(&text).is_empty() {
                        // No hanzi spell the pinyin: at least read hanzi (丁 reads as J).
                        let again = text::decode_restricted(&probs, steps, self.model.charset(), step_px, &is_han);
                        if !again.chars.is_empty() {
                            read[j].reading = again;
                        }
                    }
                }
                None => {
                    let py = read[i].line;
                    let h = py.height();
                    let y1 = py.y0 - gap * h;
                    let line = TextLine { x0: py.x0, y0: y1 - tall * h, x1: py.x1.max(py.x0 + 2.0 * tall * h), y1, parts: 0, contrast: py.contrast };
                    let overlaps = read.iter().any(|o| o.line.overlaps(&line));
                    if overlaps {
                        continue;
                    }
                    let (probs, steps, step_px) = self.line_probs(p, frame, &line)?;
                    let sur_len = if key == keys[1] { 0 } else { sur.len() };
                    let fit = fit_name_with_surname_prior(&probs, steps, self.model.charset(), step_px, &key, sur_len, &surnames).map(|f| f.0);
                    if let Some(fit) = fit.filter(|f| f.min_p() >= FOUND_HANZI_P || key == keys[0]) {
                        log::debug!("name hanzi found over its pinyin");
                        read.push(ReadLine { line, reading: fit, label: None });
                    }
                }
            }
        }
        Ok(read)
    }

    /// The hanzi of a name part of the split layout whose lines were not found at all (a glare
    /// over the surname's or the given names' pair), looked for where the layout puts it.
    ///
    /// One part's pinyin line is found with its hanzi above, spelling it; the other part has no
    /// pinyin line. The name rows are evenly spaced: surname hanzi, given names' hanzi, sex,
    /// one name pitch apart (the sex line's distance tells it; without a sex line, the dates'
    /// pitch times [`NAME_PITCH_PER_DATE_PITCH`]). Around that row the missing part is decoded
    /// to spell its pinyin ([`pinyin::decode_fitting_scored`]: a surname among the listed
    /// surnames of its pinyin, given names weighed by how common their hanzi are in names).
    /// The likeliest reading is kept however faint (without it the name is incomplete, so
    /// wrong; the least probability of its hanzi caps the name's confidence: a faint glare's
    /// 恒 reads at 0.001–0.01, as blank paper would).
    pub fn find_missing_name_part(&self, p: &Prepared, frame: &PageFrame, mut read: Vec<ReadLine>, names: (&str, &str)) -> Result<Vec<ReadLine>, Error> {
        use normalize::is_han;
        let keys = name_keys(names);
        let (sur, given) = (&keys[0], &keys[1]);
        if sur.is_empty() || given.is_empty() {
            return Ok(read);
        }
        let pinyin_lines = name_pinyin_lines(&read, &keys);
        let named = |k: &String| pinyin_lines.iter().any(|(_, x)| x == k);
        if named(&keys[2]) || named(&keys[0]) == named(&keys[1]) {
            return Ok(read);
        }
        let known_sur = named(&keys[0]);
        let missing = if known_sur { &keys[1] } else { &keys[0] };
        // The known pair's hanzi line, spelling its pinyin.
        // (Either may start a little right of the other, its first glyph washed out.)
        let Some(han_at) = pinyin_lines.iter().find_map(|(i, k)| {
            let py = read[*i].line;
            let above = |a: &TextLine| (a.x0 - py.x0).abs() < SHIFTED_COLUMN_MM && a.y1 <= py.cy() && py.y0 - a.y1 < 1.2 * py.height().max(1.0);
            let j = (0..read.len()).filter(|&j| read[j].label.is_none() && above(&read[j].line)).max_by(|&a, &b| read[a].line.y1.total_cmp(&read[b].line.y1))?;
            let t = read[j].reading.text();
            (!t.is_empty() && t.chars().all(is_han) && pinyin::fits(&t, k)).then_some(j)
        }) else {
            return Ok(read);
        };
        let han = read[han_at].line;
        // The name's column: the known hanzi's, or the sex's and dates' a little left of it (the
        // known hanzi's first glyph washed out).
        let kind = |r: &ReadLine| fields::classify(&r.reading.text());
        let x0 = read
            .iter()
            .filter(|r| r.label.is_none() && r.line.y0 > han.y1 && matches!(kind(r), fields::ValueKind::Sex | fields::ValueKind::Date))
            .min_by(|a, b| a.line.y0.total_cmp(&b.line.y0))
            .map(|r| r.line.x0)
            .filter(|&x| han.x0 - x > COLUMN_TOLERANCE_MM && han.x0 - x < SHIFTED_COLUMN_MM)
            .unwrap_or(han.x0);
        let in_column = |r: &ReadLine| r.label.is_none() && ((r.line.x0 - han.x0).abs() < COLUMN_TOLERANCE_MM || (r.line.x0 - x0).abs() < COLUMN_TOLERANCE_MM);
        let sex = read.iter().filter(|r| in_column(r) && r.line.y0 > han.y1 && kind(r) == fields::ValueKind::Sex).map(|r| r.line.y0).min_by(f32::total_cmp);
        let dates: Vec<f32> = read.iter().filter(|r| in_column(r) && kind(r) == fields::ValueKind::Date).map(|r| r.line.y0).collect();
        let date_pitch = row_pitch(dates, 2.0 * han.height());
        let h = han.height();
        // The one-label layout (姓名/Name): the whole name on one row, the sex one row below
        // (two in the split layout). The given names are right of the surname on its row,
        // washed out with the end of its pinyin: the row is read on to spell the whole name.
        if let (true, Some(s)) = (known_sur, sex) {
            if (2.5 * h..=5.5 * h).contains(&(s - han.y0)) {
                return self.read_on_to_whole_name(p, frame, read, han_at, &keys[2], sur.len());
            }
        }
        let pitch = match (sex, date_pitch) {
            (Some(s), _) if known_sur => (s - han.y0) / 2.0,
            (Some(s), _) => s - han.y0,
            (None, Some(d)) => d * NAME_PITCH_PER_DATE_PITCH,
            (None, None) => return Ok(read),
        };
        if !(2.5 * h..=5.5 * h).contains(&pitch) {
            return Ok(read);
        }
        let row = if known_sur { han.y0 + pitch } else { han.y0 - pitch };
        // Something read near that row already: the part is there (its pinyin misread).
        if read.iter().any(|o| in_column(o) && (o.line.cy() - (row + h / 2.0)).abs() < 0.5 * pitch) {
            return Ok(read);
        }
        // A surname among the listed surnames of its pinyin (ZHUANG: only 庄).
        let surnames = if known_sur { Vec::new() } else { normalize::surname_candidates(missing) };
        let allow = |_: usize, c: char| surnames.is_empty() || surnames.iter().any(|s| s.contains(c));
        let mut best: Option<(f32, ReadLine)> = None;
        for k in -2..=2 {
            let y0 = row + k as f32 * 0.12 * h;
            let line = TextLine { x0, y0, x1: x0 + MISSING_PART_WIDTH * h, y1: y0 + h, parts: 0, contrast: han.contrast };
            if read.iter().any(|o| o.line.overlaps(&line)) {
                continue;
            }
            let (probs, steps, step_px) = self.line_probs(p, frame, &line)?;
            // The given names' hanzi weighed by how common each is in given names.
            let given_from = if known_sur { 0 } else { missing.len() };
            if let Some((fit, _)) = pinyin::decode_fitting_scored(&probs, steps, self.model.charset(), step_px, missing, &allow, given_from) {
                let q = fit.min_p();
                log::debug!("missing name part fitted, least hanzi probability {q:.5}");
                if best.as_ref().is_none_or(|b| q > b.0) {
                    best = Some((q, ReadLine { line, reading: fit, label: None }));
                }
            }
        }
        if let Some((_, r)) = best {
            log::debug!("a name part found where the layout puts it");
            read.push(r);
            sort_reading_order(&mut read);
        }
        Ok(read)
    }

    /// The one-label layout's hanzi name where a glare washed out its start: only the given
    /// names' pinyin is read (`JUN` of `SU, JUN`), right of the name's column where the
    /// surname and its comma were, and no hanzi line was found over it.
    ///
    /// The hanzi row is looked for where the pairs put it (over the pinyin, from the name's
    /// column to the pinyin's end), a little up and down, and decoded to spell the whole name:
    /// the surname among the listed surnames of its pinyin (a surname washed out entirely
    /// reads as blank paper whatever it is, so the commoner is weighed up by its rank in the
    /// list), the given names weighed by how common their hanzi are. The likeliest is kept
    /// however faint (without it the name is absent, so wrong anyway); its least probability
    /// caps the name's confidence.
    pub fn find_washed_out_whole_name(&self, p: &Prepared, frame: &PageFrame, mut read: Vec<ReadLine>, names: (&str, &str)) -> Result<Vec<ReadLine>, Error> {
        use normalize::is_han;
        let keys = name_keys(names);
        let (sur, given) = (&keys[0], &keys[1]);
        if sur.is_empty() || given.is_empty() {
            return Ok(read);
        }
        let pinyin_lines = name_pinyin_lines(&read, &keys);
        if pinyin_lines.iter().any(|(_, k)| *k != keys[1]) {
            return Ok(read);
        }
        let Some(&(i, _)) = pinyin_lines.first() else {
            return Ok(read);
        };
        // Any hanzi read in the name's rows above: the other stages have them.
        let py = read[i].line;
        let has_han = |r: &ReadLine| r.reading.text().chars().any(is_han);
        if read.iter().any(|r| r.label.is_none() && has_han(r) && r.line.y1 <= py.cy() && py.y0 - r.line.y1 < 2.5 * py.height() && r.line.x1 > py.x0 - SHIFTED_COLUMN_MM && r.line.x0 < py.x1) {
            return Ok(read);
        }
        // The name's column: the leftmost start of the sex and the dates below (the glare may
        // have washed out their starts too).
        let kind = |r: &ReadLine| fields::classify(&r.reading.text());
        let Some(column) = read
            .iter()
            .filter(|r| r.label.is_none() && r.line.y0 > py.y1 && r.line.x0 < py.x1 && matches!(kind(r), fields::ValueKind::Sex | fields::ValueKind::Date))
            .map(|r| r.line.x0)
            .min_by(f32::total_cmp)
        else {
            return Ok(read);
        };
        // The surname and `, ` washed out: at least two letters' width right of the column.
        let shift = py.x0 - column;
        if shift < COLUMN_TOLERANCE_MM || shift > WASHED_SURNAME_MAX_MM {
            return Ok(read);
        }
        let (h, gap) = (HANZI_HEIGHT * py.height(), HANZI_GAP * py.height());
        let surnames = normalize::surname_candidates(sur);
        let mut best: Option<(f32, f32, ReadLine)> = None;
        for k in -2..=2 {
            let y1 = py.y0 - gap + k as f32 * 0.12 * h;
            let line = TextLine { x0: column, y0: y1 - h, x1: py.x1, y1, parts: 0, contrast: py.contrast };
            if read.iter().any(|o| o.line.overlaps(&line)) {
                continue;
            }
            let (probs, steps, step_px) = self.line_probs(p, frame, &line)?;
            if let Some((fit, score)) = fit_name_with_surname_prior(&probs, steps, self.model.charset(), step_px, &keys[2], sur.len(), &surnames) {
                if best.as_ref().is_none_or(|b| score > b.0) {
                    best = Some((score, fit.min_p(), ReadLine { line, reading: fit, label: None }));
                }
            }
        }
        if let Some((_, q, r)) = best {
            log::debug!("a whole name found over its given names' pinyin, least hanzi probability {q:.5}");
            read.push(r);
            sort_reading_order(&mut read);
        }
        Ok(read)
    }

    /// The surname's hanzi line `at` of the one-label layout read on to the right to spell the
    /// whole name `whole` (its given names washed out): a line from its start, as wide as the
    /// surname and [`MISSING_PART_WIDTH`] hanzi heights more, a little up and down, decoded to
    /// spell the whole name starting with the surname as read (the given names, from key
    /// position `given_from`, weighed by how common their hanzi are in names); the likeliest,
    /// however faint, replaces the surname's reading (its probability caps the name's
    /// confidence).
    fn read_on_to_whole_name(&self, p: &Prepared, frame: &PageFrame, mut read: Vec<ReadLine>, at: usize, whole: &str, given_from: usize) -> Result<Vec<ReadLine>, Error> {
        let han = read[at].line;
        let sur = read[at].reading.text();
        let h = han.height();
        let mut best: Option<(f32, TextLine, TextReading)> = None;
        for k in -1..=1 {
            let dy = k as f32 * 0.12 * h;
            let line = TextLine { y0: han.y0 + dy, y1: han.y1 + dy, x1: han.x1 + MISSING_PART_WIDTH * h, ..han };
            // Nothing else read on that row (the nationality's column is further right).
            if read.iter().enumerate().any(|(j, o)| j != at && o.line.overlaps(&line)) {
                continue;
            }
            let (probs, steps, step_px) = self.line_probs(p, frame, &line)?;
            if let Some((fit, _)) = pinyin::decode_fitting_scored(&probs, steps, self.model.charset(), step_px, whole, &|_, _| true, given_from) {
                let q = fit.min_p();
                if fit.text().starts_with(&sur) && fit.text() != sur && best.as_ref().is_none_or(|b| q > b.0) {
                    best = Some((q, line, fit));
                }
            }
        }
        if let Some((_, line, reading)) = best {
            log::debug!("a whole name read on from its surname");
            read[at] = ReadLine { line, reading, label: None };
        }
        Ok(read)
    }

    /// The split layout's two hanzi name lines where their pinyin lines went unread: the upper
    /// is the surname, the lower the given names (in the name's column, above the sex or the
    /// topmost date). One that spells neither part as read (果 for 梁 over a lost LIANG) is
    /// decoded to spell its part, kept however unlikely (as read it is wrong: the MRZ's pinyin
    /// rules it out; its probability caps the names' confidence). Where not two hanzi lines
    /// are read (a blurred surname read as `8`, its pinyin as `V`), the four name lines are
    /// known by their rows ([`split_name_rows`]). A surname is fitted among the listed
    /// surnames of its pinyin.
    pub fn fit_unpaired_name_hanzi(&self, p: &Prepared, frame: &PageFrame, mut read: Vec<ReadLine>, names: (&str, &str)) -> Result<Vec<ReadLine>, Error> {
        use normalize::is_han;
        let keys = name_keys(names);
        let (sur, given) = (&keys[0], &keys[1]);
        if sur.is_empty() || given.is_empty() {
            return Ok(read);
        }
        let kind = |r: &ReadLine| fields::classify(&r.reading.text());
        let Some((bottom, bottom_kind)) = read
            .iter()
            .filter(|r| r.label.is_none() && matches!(kind(r), fields::ValueKind::Sex | fields::ValueKind::Date))
            .min_by(|a, b| a.line.y0.total_cmp(&b.line.y0))
            .map(|r| (r.line, kind(r)))
        else {
            return Ok(read);
        };
        // No sex read: its row is one date pitch above the topmost date, and a hanzi read there
        // (女 as 文) is no name.
        let sex_row = (bottom_kind == fields::ValueKind::Date).then(|| {
            let dates: Vec<f32> = read
                .iter()
                .filter(|r| r.label.is_none() && kind(r) == fields::ValueKind::Date && (r.line.x0 - bottom.x0).abs() < COLUMN_TOLERANCE_MM)
                .map(|r| r.line.y0)
                .collect();
            row_pitch(dates, 2.0 * bottom.height()).map(|pitch| (bottom.y0 - pitch, pitch))
        });
        let at_sex_row = |l: &TextLine| sex_row.flatten().is_some_and(|(y, pitch)| (l.y0 - y).abs() < 0.25 * pitch);
        let han = |r: &ReadLine| {
            let t = r.reading.text();
            !t.is_empty() && t.chars().all(is_han)
        };
        let in_column = |i: usize| read[i].label.is_none() && read[i].line.y1 <= bottom.y0 && (read[i].line.x0 - bottom.x0).abs() < COLUMN_TOLERANCE_MM;
        let mut names_han: Vec<usize> =
            (0..read.len()).filter(|&i| in_column(i) && han(&read[i]) && kind(&read[i]) == fields::ValueKind::Han && !at_sex_row(&read[i].line)).collect();
        let by_rows = names_han.len() != 2;
        if by_rows {
            // Not two hanzi lines (one read as a letter or as nothing): the split layout's four
            // name lines right above the sex, by their rows ([`split_name_rows`]).
            let mut column: Vec<usize> = (0..read.len()).filter(|&i| in_column(i)).collect();
            column.sort_by(|&a, &b| read[a].line.y0.total_cmp(&read[b].line.y0));
            let rows: Vec<TextLine> = column.iter().map(|&i| read[i].line).collect();
            // (The sex misread as no sex: the line above the topmost date may be it.)
            let rows_found = split_name_rows(&rows, &bottom).or_else(|| rows.split_last().and_then(|(sex, above)| split_name_rows(above, sex)));
            match rows_found {
                Some([a, b]) => names_han = vec![column[a], column[b]],
                None => return Ok(read),
            }
        }
        names_han.sort_by(|&a, &b| read[a].line.y0.total_cmp(&read[b].line.y0));
        let surnames = normalize::surname_candidates(sur);
        for (part, (i, key)) in names_han.into_iter().zip([&keys[0], &keys[1]]).enumerate() {
            let t = read[i].reading.text();
            if keys.iter().any(|k| pinyin::fits(&t, k)) {
                continue;
            }
            // The surname among the listed surnames of its pinyin, where it has any.
            let listed = |_: usize, c: char| part == 1 || surnames.is_empty() || surnames.iter().any(|s| s.contains(c));
            let given_from = if part == 1 { 0 } else { key.len() };
            let (probs, steps, step_px) = self.line_probs(p, frame, &read[i].line)?;
            if let Some((f, _)) = pinyin::decode_fitting_scored(&probs, steps, self.model.charset(), step_px, key, &listed, given_from) {
                log::debug!("an unpaired name hanzi line read to fit its part");
                read[i].reading = f;
            }
        }
        Ok(read)
    }

    /// Name lines a glare left too faint to count as value print, read when the lines read do
    /// not name the whole MRZ name (no line reads as the whole pinyin, nor two as its surname
    /// and given names).
    ///
    /// The candidates are the full-size lines found in the dates' column (the name's), above
    /// the topmost date, fainter than the value threshold but no fainter than
    /// [`RESCUE_CONTRAST`] of it, and not read yet; a candidate right next to a line read on
    /// its row (a name line broken where the glare washed out a glyph) is read together with
    /// it. A candidate is kept only as what the MRZ says the name is: a pinyin line of the
    /// name, hanzi spelling a part of it, or hanzi right above such a pinyin line (fitted by
    /// [`Self::fit_name_hanzi`] afterwards). Anything else stays unread, as before.
    pub fn rescue_name_lines(
        &self,
        p: &Prepared,
        frame: &PageFrame,
        mut read: Vec<ReadLine>,
        found: &[TextLine],
        threshold: f32,
        names: (&str, &str),
    ) -> Result<Vec<ReadLine>, Error> {
        use normalize::{is_han, latin_key};
        let keys = name_keys(names);
        let (sur, given) = (&keys[0], &keys[1]);
        if sur.is_empty() {
            return Ok(read);
        }
        let key_of = |r: &TextReading| -> Option<usize> {
            let t = r.text();
            if t.is_empty() || t.chars().any(is_han) {
                return None;
            }
            name_key(&latin_key(&t), &keys)
        };
        let named: Vec<usize> = read.iter().filter(|r| r.label.is_none()).filter_map(|r| key_of(&r.reading)).collect();
        let whole = named.contains(&2) || (named.contains(&0) && (given.is_empty() || named.contains(&1)));
        if whole {
            return Ok(read);
        }
        // The dates' column and its topmost date.
        let dates: Vec<&ReadLine> = read.iter().filter(|r| r.label.is_none() && fields::classify(&r.reading.text()) == fields::ValueKind::Date).collect();
        let Some(top) = dates.iter().map(|r| r.line.y0).min_by(f32::total_cmp) else { return Ok(read) };
        let Some(column) = dates.iter().map(|r| r.line.x0).min_by(f32::total_cmp) else { return Ok(read) };
        let mut candidates: Vec<&TextLine> = found
            .iter()
            .filter(|l| l.contrast < threshold && l.contrast >= RESCUE_CONTRAST * threshold && l.height() >= 1.4)
            .filter(|l| l.y1 > TITLE_BAND_MM && l.y1 < top && l.x0 < column + 3.0 * COLUMN_TOLERANCE_MM && l.x1 > column)
            .filter(|l| !read.iter().any(|r| r.line.overlaps(l)))
            .collect();
        candidates.sort_by(|a, b| b.contrast.total_cmp(&a.contrast));
        candidates.truncate(RESCUE_MAX_LINES);
        let mut added: Vec<(ReadLine, Option<usize>)> = Vec::new();
        for c in candidates {
            // A read line on its row, right next to it: read the two as one.
            let next_to = (0..read.len()).find(|&j| {
                let o = read[j].line;
                read[j].label.is_none() && (o.cy() - c.cy()).abs() < 0.5 * o.height() && (o.x0 - c.x1).max(c.x0 - o.x1) < 1.5 * o.height()
            });
            let line = match next_to {
                Some(j) => {
                    let o = read[j].line;
                    TextLine { x0: o.x0.min(c.x0), y0: o.y0.min(c.y0), x1: o.x1.max(c.x1), y1: o.y1.max(c.y1), parts: o.parts + c.parts, contrast: o.contrast.min(c.contrast) }
                }
                None => *c,
            };
            if (line.x0 - column).abs() > 2.0 * COLUMN_TOLERANCE_MM {
                continue;
            }
            let reading = text::read(self.model, &self.crop(p, frame, &line))?;
            if match_label(&reading.text()).is_some() {
                continue;
            }
            added.push((ReadLine { line, reading, label: None }, next_to));
        }
        // Keep what the MRZ's name confirms: its pinyin, hanzi spelling part of it, or hanzi
        // right above a pinyin line of it.
        let missing: Vec<&String> = [&keys[0], &keys[1]].into_iter().filter(|k| !k.is_empty() && !named.iter().any(|&i| keys[i] == **k)).collect();
        let is_name_pinyin = |r: &ReadLine| {
            key_of(&r.reading).is_some() || {
                let t = r.reading.text();
                !t.chars().any(is_han) && missing.iter().any(|k| washed_part(&latin_key(&t), k))
            }
        };
        let spells = |r: &ReadLine| {
            let t = r.reading.text();
            !t.is_empty() && t.chars().all(is_han) && keys.iter().any(|k| !k.is_empty() && pinyin::fits(&t, k))
        };
        let pinyin_lines: Vec<TextLine> =
            read.iter().chain(added.iter().map(|a| &a.0)).filter(|r| r.label.is_none() && is_name_pinyin(r)).map(|r| r.line).collect();
        let over_pinyin = |r: &ReadLine| {
            let t = r.reading.text();
            !t.is_empty() && t.chars().all(is_han) && pinyin_lines.iter().any(|l| above_in_column(&r.line, l) && l.y0 - r.line.y1 < 1.2 * l.height().max(1.0))
        };
        let mut replaced = Vec::new();
        for (r, next_to) in added {
            if is_name_pinyin(&r) || spells(&r) || over_pinyin(&r) {
                log::debug!("a faint name line read");
                if let Some(j) = next_to {
                    replaced.push(j);
                }
                read.push(r);
            }
        }
        if !replaced.is_empty() {
            let mut k = 0;
            read.retain(|_| {
                let keep = !replaced.contains(&k);
                k += 1;
                keep
            });
        }
        sort_reading_order(&mut read);
        Ok(read)
    }

    /// The issue date's line, where a light gradient or glare left it too faint to count as
    /// value print and no line read is an issue date that fits the MRZ's expiry date.
    ///
    /// The candidates, top to bottom, at most [`RESCUE_MAX_LINES`]: the full-size lines found in
    /// the dates' column below its topmost date (or below the sex, where no date was read),
    /// fainter than the value threshold but no fainter than [`RESCUE_CONTRAST`] of it, not read
    /// yet; and the dates' column on each place's row where no date was read (glare leaving a
    /// piece of the line, or nothing, found). A line is kept
    /// only when it reads as a date ten or five years before the expiry (the day after it, give
    /// or take [`crosscheck::issue_fits_expiry`]'s days): nothing else printed there can.
    pub fn rescue_issue_date(&self, p: &Prepared, frame: &PageFrame, mut read: Vec<ReadLine>, found: &[TextLine], threshold: f32, expiry: Option<Ymd>) -> Result<Vec<ReadLine>, Error> {
        let Some(expiry) = expiry else { return Ok(read) };
        let fits = |r: &TextReading| normalize::parse_date(&r.text()).is_some_and(|d| crosscheck::issue_fits_expiry(crosscheck::ymd(&d), expiry));
        if read.iter().any(|r| r.label.is_none() && fits(&r.reading)) {
            return Ok(read);
        }
        // The dates' column: the dates read, or (none read: all of them faint) the sex's
        // line, which the dates' column starts under.
        let kind = |r: &ReadLine, k: fields::ValueKind| value_kind(r) == k;
        let mut dates: Vec<&ReadLine> = read.iter().filter(|r| kind(r, fields::ValueKind::Date)).collect();
        if dates.is_empty() {
            dates = read.iter().filter(|r| kind(r, fields::ValueKind::Sex)).take(1).collect();
        }
        let Some(top) = dates.iter().min_by(|a, b| a.line.y0.total_cmp(&b.line.y0)).map(|r| r.line) else { return Ok(read) };
        let column = dates.iter().map(|r| r.line.x0).fold(f32::MAX, f32::min);
        let faint = found
            .iter()
            .filter(|l| l.contrast < threshold && l.contrast >= RESCUE_CONTRAST * threshold && l.height() >= 1.4)
            .filter(|l| l.y0 > top.y1 && (l.x0 - column).abs() <= 2.0 * COLUMN_TOLERANCE_MM)
            .filter(|l| !read.iter().any(|r| r.line.overlaps(l)));
        // Or nothing of it found but a piece (glare): a place's row (the places' rows are the
        // dates') where no date was read, as wide as a date read.
        let width = dates.iter().filter(|r| kind(r, fields::ValueKind::Date)).map(|r| r.line.width()).fold(DATE_WIDTH_MM, f32::max);
        let place_rows: Vec<TextLine> = read
            .iter()
            .filter(|r| kind(r, fields::ValueKind::Place) && r.line.x0 > column + width)
            .map(|r| TextLine { x0: column, x1: column + width, parts: 0, ..r.line })
            .filter(|l| !read.iter().any(|r| r.line.overlaps(l) && kind(r, fields::ValueKind::Date)))
            .collect();
        let mut candidates: Vec<&TextLine> = faint.chain(place_rows.iter()).collect();
        candidates.sort_by(|a, b| a.y0.total_cmp(&b.y0));
        candidates.truncate(RESCUE_MAX_LINES);
        for c in candidates {
            let reading = text::read(self.model, &self.crop(p, frame, c))?;
            if fits(&reading) {
                log::debug!("a faint issue date line read");
                read.push(ReadLine { line: *c, reading, label: None });
                sort_reading_order(&mut read);
                break;
            }
        }
        Ok(read)
    }

    /// A place (of birth, of issue) with no line read on its row, read where the layout puts it:
    /// in the places' column (the places read, else the hanzi authority's), on the row of its
    /// date (the birth date the MRZ's, the issue date the one fitting the MRZ's expiry), as wide
    /// as the widest place read (else [`PLACE_WIDTH_MM`]). Glare over a place leaves a piece of
    /// its line, fainter than the value print, or nothing found; read whole, the place is kept
    /// only when it reads as a listed place ([`normalize::match_place`], support at least
    /// [`RESCUED_PLACE_SUPPORT`]; the place's confidence carries that support).
    pub fn rescue_places(&self, p: &Prepared, frame: &PageFrame, mut read: Vec<ReadLine>, birth: Option<Ymd>, expiry: Option<Ymd>) -> Result<Vec<ReadLine>, Error> {
        use fields::{classify, ValueKind, SAME_ROW_MM};
        let kind_of = value_kind;
        let date_of = |r: &ReadLine| normalize::parse_date(&r.reading.text()).map(|d| crosscheck::ymd(&d));
        let places: Vec<TextLine> = read.iter().filter(|r| kind_of(r) == ValueKind::Place).map(|r| r.line).collect();
        let column = match places.iter().map(|l| l.x0).min_by(f32::total_cmp) {
            Some(x) => x,
            None => match read.iter().find(|r| kind_of(r) == ValueKind::AuthorityHan) {
                Some(r) => r.line.x0,
                None => return Ok(read),
            },
        };
        let width = places.iter().map(|l| l.width()).fold(PLACE_WIDTH_MM, f32::max);
        let row_of = |want: &dyn Fn(Ymd) -> bool| {
            read.iter().filter(|r| kind_of(r) == ValueKind::Date && r.line.x1 < column).find(|r| date_of(r).is_some_and(want)).map(|r| r.line)
        };
        let birth_row = birth.and_then(|b| row_of(&|d| d == b));
        let issue_row = expiry.and_then(|e| row_of(&|d| crosscheck::issue_fits_expiry(d, e)));
        for (row, abroad) in [(birth_row, true), (issue_row, false)] {
            let Some(row) = row else { continue };
            if read.iter().any(|r| r.line.x1 > column && (r.line.cy() - row.cy()).abs() < SAME_ROW_MM) {
                continue;
            }
            let line = TextLine { x0: column, y0: row.y0, x1: column + width, y1: row.y1, parts: 0, contrast: row.contrast };
            let reading = text::read(self.model, &self.crop(p, frame, &line))?;
            let fits = normalize::match_place(&reading.text(), abroad).is_some_and(|m| m.support() >= RESCUED_PLACE_SUPPORT);
            if fits && classify(&reading.text()) == ValueKind::Place {
                log::debug!("a place read on its date's row");
                read.push(ReadLine { line, reading, label: None });
                sort_reading_order(&mut read);
            }
        }
        Ok(read)
    }

    /// The hanzi surname of the split layout (the line above the pinyin surname), where it
    /// read doubtfully as no surname the MRZ's pinyin can be, is read again among the listed
    /// surnames of that pinyin ([`normalize::surname_candidates`]): 候 for 侯 (both HOU), 间 for
    /// 闫 differ by a stroke or two the recognizer loses, while the pinyin names the family.
    /// A confident reading, or a pinyin with no listed surname, is left as read.
    pub fn fit_surname_hanzi(&self, p: &Prepared, frame: &PageFrame, mut read: Vec<ReadLine>, surname: &str) -> Result<Vec<ReadLine>, Error> {
        use normalize::{han_only, latin_key, surname_candidates};
        let candidates = surname_candidates(surname);
        let key = latin_key(surname);
        if candidates.is_empty() || key.is_empty() {
            return Ok(read);
        }
        // The topmost such line: a given name may sound like the surname (LI LI).
        let pinyin = (0..read.len()).filter(|&i| latin_key(&read[i].reading.text()) == key).min_by(|&a, &b| read[a].line.y0.total_cmp(&read[b].line.y0));
        // (Not the one-label layout's name row, `JIANG,` starting `JIANG, SHANSHAN`: the hanzi
        // over it are the whole name, more than a surname's.)
        let longest = candidates.iter().map(|s| s.chars().count()).max().unwrap_or(0);
        if let Some(j) = pinyin.filter(|&i| !read[i].reading.text().contains([',', '，'])).and_then(|i| line_above(&read, i)) {
            let han = han_only(&read[j].reading.text());
            if han.is_empty() || han.chars().count() > longest || candidates.contains(&han.as_str()) || read[j].reading.min_p() >= SURE_SURNAME_P {
                return Ok(read);
            }
            let allow = |c: char| candidates.iter().any(|s| s.contains(c));
            let again = text::read_restricted(self.model, &self.crop(p, frame, &read[j].line), &allow)?;
            if candidates.contains(&again.compact().as_str()) {
                log::debug!("surname hanzi read again among the surnames of its pinyin");
                read[j].reading = again;
            }
        }
        Ok(read)
    }

    /// The value lines of each label: lines starting in the label's column below it, up to the
    /// next label of that column. A label printed on two lines (hanzi over English) is one.
    pub fn assign(&self, read: &[ReadLine]) -> Fields {
        let mut fields = Fields::default();
        let mut used = vec![false; read.len()];
        for (i, r) in read.iter().enumerate() {
            let Some(label) = r.label else { continue };
            if fields.values.contains_key(&label) || used[i] {
                continue;
            }
            let in_column = |o: &ReadLine| (o.line.x0 - r.line.x0).abs() <= COLUMN_TOLERANCE_MM;
            // Lines below in this column, nearest first.
            let mut below: Vec<usize> = (0..read.len())
                .filter(|&j| j != i && in_column(&read[j]) && read[j].line.cy() > r.line.y1 - 0.2 * r.line.height())
                .collect();
            below.sort_by(|&a, &b| read[a].line.y0.total_cmp(&read[b].line.y0));
            let mut values = Vec::new();
            let mut bottom = r.line.y1;
            for j in below {
                let o = &read[j];
                // Stop at a gap of more than about two value lines.
                if o.line.y0 - bottom > 2.2 * o.line.height().max(1.0) {
                    break;
                }
                match o.label {
                    // The English half of a stacked label.
                    Some(l) if l == label && values.is_empty() => {
                        used[j] = true;
                        bottom = o.line.y1;
                        continue;
                    }
                    Some(_) => break,
                    None => {}
                }
                values.push(o.reading.clone());
                used[j] = true;
                bottom = o.line.y1;
                if values.len() == label.value_lines() {
                    break;
                }
            }
            fields.values.insert(label, values);
        }
        fields
    }
}
/// The split layout's two hanzi name rows among `column` (lines of the name's column above
/// `bottom`, the sex or topmost date, top to bottom), by geometry alone: the last four lines
/// are two pairs (hanzi over pinyin, close: the pinyin starting within three quarters of a
/// line height under the hanzi) whose upper lines and `bottom` are evenly spaced, one name
/// pitch apart. Indices into `column` of the two hanzi lines.
fn split_name_rows(column: &[TextLine], bottom: &TextLine) -> Option<[usize; 2]> {
    let n = column.len();
    if n < 4 {
        return None;
    }
    let [a, b, c, d] = [&column[n - 4], &column[n - 3], &column[n - 2], &column[n - 1]];
    let (p1, p2) = (c.y0 - a.y0, bottom.y0 - c.y0);
    let h = a.height().max(c.height());
    let even = (p1 - p2).abs() <= 0.15 * p1.max(p2) && (2.5 * h..=5.5 * h).contains(&p1);
    let paired = |upper: &TextLine, lower: &TextLine, pitch: f32| lower.y0 > upper.cy() && lower.y0 - upper.y0 < 0.5 * pitch && lower.y0 < upper.y1 + 0.75 * h;
    (even && paired(a, b, p1) && paired(c, d, p2)).then_some([n - 4, n - 2])
}

/// The pitch of rows at tops `ys` (the dates'): the least gap between neighbours wider than
/// `min` (two lines found on one row are no pitch).
fn row_pitch(mut ys: Vec<f32>, min: f32) -> Option<f32> {
    ys.sort_by(f32::total_cmp);
    ys.windows(2).map(|w| w[1] - w[0]).filter(|&d| d > min).min_by(f32::total_cmp)
}

/// The name's keys as its pinyin lines may read: the surname, the given names, and both run
/// together (upper-case letters only, [`normalize::latin_key`]).
/// The best path through a name line's class probabilities spelling `key`, whose first
/// `sur_len` letters are the surname (among `surnames`, the listed surnames of its pinyin,
/// where it has any) and the rest given names weighed by how common their hanzi are; with its
/// score. A surname washed out entirely reads as blank paper whatever it is, so each listed
/// surname's path is weighed by its rank in the list (by frequency: ln 1/(rank + 1)).
fn fit_name_with_surname_prior(probs: &[f32], steps: usize, charset: &[char], step_px: f32, key: &str, sur_len: usize, surnames: &[&str]) -> Option<(TextReading, f32)> {
    let any: [&str; 1] = [""];
    let choices: &[&str] = if surnames.is_empty() || sur_len == 0 { &any } else { surnames };
    let mut best: Option<(TextReading, f32)> = None;
    for (rank, s) in choices.iter().enumerate() {
        let allow = |at: usize, c: char| at >= sur_len || s.is_empty() || s.contains(c);
        let Some((fit, lp)) = pinyin::decode_fitting_scored(probs, steps, charset, step_px, key, &allow, sur_len) else {
            continue;
        };
        let score = lp - (rank as f32 + 1.0).ln();
        if best.as_ref().is_none_or(|b| score > b.1) {
            best = Some((fit, score));
        }
    }
    best
}

fn name_keys(names: (&str, &str)) -> [String; 3] {
    let (sur, given) = (normalize::latin_key(names.0), normalize::latin_key(names.1));
    let both = format!("{sur}{given}");
    [sur, given, both]
}


/// The pinyin lines of the name (`keys`: surname, given names, both) and which key each reads
/// as: a line (with the pieces found after it on its row) reading as a key, one letter in four
/// misread for a long key; a row partly washed out as the whole name; and, for a part no line
/// reads as, a line in the column of those found reading as part of it (its first letter and
/// two thirds of its letters in order: `SH` of `SHI` half in glare).
fn name_pinyin_lines(read: &[ReadLine], keys: &[String; 3]) -> Vec<(usize, String)> {
    use normalize::{edit_distance, is_han, latin_key};
    // A row's pieces, left to right (`WU,` `LING` of the one-label layout may be found apart).
    let latin = |i: usize| read[i].label.is_none() && !read[i].reading.text().chars().any(is_han);
    let next_on_row = |i: usize| -> Option<usize> {
        let l = read[i].line;
        (0..read.len())
            .filter(|&j| latin(j) && (read[j].line.cy() - l.cy()).abs() < 0.5 * l.height())
            .filter(|&j| read[j].line.x0 >= l.x1 - 0.5 && read[j].line.x0 - l.x1 < 3.0 * l.height())
            .min_by(|&a, &b| read[a].line.x0.total_cmp(&read[b].line.x0))
    };
    let continues: Vec<bool> = (0..read.len()).map(|j| (0..read.len()).any(|i| i != j && latin(i) && next_on_row(i) == Some(j))).collect();
    let pinyin_lines: Vec<(usize, String)> = (0..read.len())
        .filter(|&i| latin(i) && !continues[i])
        .filter_map(|i| {
            let mut text = read[i].reading.text();
            let (mut at, mut hops) = (i, 0);
            while let Some(j) = next_on_row(at).filter(|_| hops < 3) {
                text.push_str(&read[j].reading.text());
                (at, hops) = (j, hops + 1);
            }
            let k = latin_key(&text);
            let (d, key) = keys.iter().filter(|x| !x.is_empty()).map(|x| (edit_distance(&k, x), x)).min()?;
            // Or half of the whole name's letters or more, in order, from its first (a row
            // partly washed out: `ZHAN` `IN` of `ZHANG, ZHENMIN`); of a short name, two thirds
            // (`GU,I` of `GU, JI`).
            let whole = &keys[2];
            let washed = (whole.len() >= 6 && k.len() >= 4.max(whole.len() / 2) && k.as_bytes()[0] == whole.as_bytes()[0] && is_subsequence(&k, whole))
                || (whole.len() >= 4 && washed_part(&k, whole));
            if d == 0 || (key.len() >= 5 && d <= key.len() / 4) {
                Some((i, key.clone()))
            } else {
                washed.then(|| (i, whole.clone()))
            }
        })
        .collect();
    // A name part no line reads as: a line of the name's column reading as part of it,
    // its first letter and two thirds of its letters in order (`SH` of `SHI` half in glare),
    // or misread in no more than half its letters (`VBIN` of `YIBIN`).
    let mut pinyin_lines = pinyin_lines;
    let named = |k: &String| pinyin_lines.iter().any(|(_, x)| x == k);
    if !named(&keys[2]) && !(named(&keys[0]) && named(&keys[1])) {
        for key in [&keys[0], &keys[1]].into_iter().filter(|k| !k.is_empty() && !named(k)).cloned().collect::<Vec<_>>() {
            let column: Vec<f32> = pinyin_lines.iter().map(|&(i, _)| read[i].line.x0).collect();
            // Or its last syllables, right of the column by about the letters washed out
            // (`DAI` of `LIUDAI`).
            let part = (0..read.len()).filter(|&i| latin(i) && !continues[i] && !pinyin_lines.iter().any(|&(j, _)| j == i)).find(|&i| {
                let (l, k) = (read[i].line, latin_key(&read[i].reading.text()));
                let shift = |lo: f32, hi: f32| column.iter().any(|&x| l.x0 - x > lo && l.x0 - x < hi);
                ((washed_part(&k, &key) || misread_part(&k, &key)) && shift(-COLUMN_TOLERANCE_MM, COLUMN_TOLERANCE_MM))
                    || (washed_end(&k, &key) && shift(0.0, (key.len() - k.len()) as f32 * l.height() + COLUMN_TOLERANCE_MM))
            });
            // Or, for the given names of the split layout, whatever it reads: the one Latin line
            // of the column between the surname's pinyin and the sex (`U` of a blurred `LI`).
            let part = part.or_else(|| {
                let sur = pinyin_lines.iter().find(|(_, x)| *x == keys[0]).map(|&(i, _)| read[i].line).filter(|_| key == keys[1])?;
                let sex = read
                    .iter()
                    .filter(|r| r.label.is_none() && (r.line.x0 - sur.x0).abs() < COLUMN_TOLERANCE_MM && r.line.y0 > sur.y1)
                    .filter(|r| fields::classify(&r.reading.text()) == fields::ValueKind::Sex)
                    .map(|r| r.line.y0)
                    .min_by(f32::total_cmp)?;
                let between: Vec<usize> = (0..read.len())
                    .filter(|&i| latin(i) && !latin_key(&read[i].reading.text()).is_empty() && !pinyin_lines.iter().any(|&(j, _)| j == i))
                    .filter(|&i| (read[i].line.x0 - sur.x0).abs() < COLUMN_TOLERANCE_MM && read[i].line.y0 > sur.y1 && read[i].line.y1 < sex)
                    .collect();
                (between.len() == 1).then(|| between[0])
            });
            if let Some(i) = part {
                pinyin_lines.push((i, key));
            }
        }
    }
    pinyin_lines
}

/// The width of a date's line looked for where no date was read (mm): `30 12月/DEC 2030` at the
/// value size is about 20 mm.
const DATE_WIDTH_MM: f32 = 21.0;
/// The width of a place's line looked for where no place was read (mm): the longest province
/// (黑龙江/HEILONGJIANG, about 22 mm at the value size) and some paper.
const PLACE_WIDTH_MM: f32 = 24.0;
/// How well a place looked for must read as a listed place ([`normalize::TableMatch::support`]:
/// 0.6 is two edits over both parts).
const RESCUED_PLACE_SUPPORT: f64 = 0.6;

/// The name rows' pitch over the dates' (measured on the generated pages: 1.47–1.58).
const NAME_PITCH_PER_DATE_PITCH: f32 = 1.52;
/// How far (mm) right of the sex and dates' column a name's hanzi line may start and still be
/// in it (its first glyph washed out).
const SHIFTED_COLUMN_MM: f32 = 4.0;
/// The width of a name part looked for, in hanzi heights (three hanzi and some paper).
const MISSING_PART_WIDTH: f32 = 3.4;

/// Where a name's hanzi line sits when it was not found: its bottom this many pinyin heights
/// above the pinyin line, this many pinyin heights tall (measured on the generated pages and the
/// committed stills; a page's own found pairs take precedence).
const HANZI_GAP: f32 = 0.4;
const HANZI_HEIGHT: f32 = 1.15;
/// Most the given names' pinyin of the one-label layout starts right of the name's column
/// (mm) when the surname before it is washed out: `ZHUGE, ` and a little.
const WASHED_SURNAME_MAX_MM: f32 = 12.0;
/// Every hanzi of a given names' line looked for where no line was found must be at least this
/// likely (else it is paper or stray print, not the name; a faint fit there would also stand
/// in the way of the whole name looked for from the column). A surname's is kept however faint.
const FOUND_HANZI_P: f32 = 0.3;

/// Found lines at least this share of the value threshold may be read as faint name lines
/// ([`ChineseReader::rescue_name_lines`]); fainter ones are labels and background. (A glare
/// leaves a pinyin line at 0.37 on a page whose values print at 0.9 and threshold 0.70; read
/// lines are kept only as the MRZ's name, so a lower share costs only reading time.)
const RESCUE_CONTRAST: f32 = 0.5;
/// At most this many faint lines are read for the name (the likeliest, darkest first).
const RESCUE_MAX_LINES: usize = 6;

/// Which of `keys` (surname, given names, both; upper-case letters) the pinyin `k` reads as:
/// exactly, or one letter in four misread for a key of five letters or more.
fn name_key(k: &str, keys: &[String]) -> Option<usize> {
    let (d, i) = keys.iter().enumerate().filter(|(_, x)| !x.is_empty()).map(|(i, x)| (normalize::edit_distance(k, x), i)).min()?;
    let n = keys[i].len();
    (d == 0 || (n >= 5 && d <= n / 4)).then_some(i)
}

/// Whether pinyin `k` reads as part of `key` washed out: shorter, its first letter, two
/// thirds of its letters or more (two at least), in order.
fn washed_part(k: &str, key: &str) -> bool {
    k.len() >= 2 && k.len() < key.len() && 3 * k.len() >= 2 * key.len() && k.as_bytes()[0] == key.as_bytes()[0] && is_subsequence(k, key)
}

/// Whether pinyin `k` reads as `key` misread in up to half its letters, three letters read at
/// least (`VBIN` of `YIBIN`): held to the name's column by the caller.
fn misread_part(k: &str, key: &str) -> bool {
    k.len() >= 3 && 2 * normalize::edit_distance(k, key) <= key.len()
}

/// Whether pinyin `k` reads as the end of `key` whose start washed out: its last letters, half
/// of them or more, three at least, from a syllable's start (a hanzi of `key` spells the rest).
fn washed_end(k: &str, key: &str) -> bool {
    k.len() >= 3 && k.len() < key.len() && 2 * k.len() >= key.len() && key.ends_with(k) && pinyin::syllables(&key[..key.len() - k.len()]) && pinyin::syllables(k)
}

/// Whether the letters of `a` appear in `b` in order.
fn is_subsequence(a: &str, b: &str) -> bool {
    let mut rest = b.chars();
    a.chars().all(|c| rest.any(|x| x == c))
}

/// A surname hanzi read with at least this probability is kept even when no listed surname of
/// the pinyin matches it (the list is not every surname)...
const SURE_SURNAME_P: f32 = 0.9;
/// ...unless a listed surname of the pinyin reads with at least this probability in its place:
/// 侯 at 0.002 where 候 reads at 0.998 (the fine-tuned recognizer on a blurred 5 px/mm page).
const LISTED_SURNAME_FLOOR_P: f32 = 0.001;

/// How many hanzi the listed surnames of a pinyin have (1, or 2 for 欧阳 and the like).
fn sur_hanzi_len(surnames: &[&str]) -> usize {
    surnames.iter().map(|s| s.chars().count()).min().unwrap_or(1)
}

/// The line right above line `i` in its column (a name's hanzi above its pinyin), if close.
pub(super) fn line_above(read: &[ReadLine], i: usize) -> Option<usize> {
    let l = read[i].line;
    (0..read.len())
        .filter(|&j| j != i && above_in_column(&read[j].line, &l))
        .max_by(|&a, &b| read[a].line.y1.total_cmp(&read[b].line.y1))
        .filter(|&j| l.y0 - read[j].line.y1 < 1.2 * l.height().max(1.0))
}

/// The hanzi line over the pinyin line `i` that lost its first letters: the nearest line above
/// it (as near as [`line_above`] asks), all hanzi, overlapping it and starting left of its
/// column by no more than the letters of the whole name (`keys[2]`, with `, `) it lacks.
fn hanzi_line_over_cut_start(read: &[ReadLine], i: usize, keys: &[String; 3]) -> Option<usize> {
    use normalize::{is_han, latin_key};
    let l = read[i].line;
    let letters = latin_key(&read[i].reading.text()).len().max(1);
    let pitch = l.width() / letters as f32;
    let lacking = (keys[2].len() + 2).saturating_sub(letters).max(1) as f32;
    (0..read.len())
        .filter(|&j| j != i && read[j].label.is_none())
        .filter(|&j| {
            let a = read[j].line;
            let shift = l.x0 - a.x0;
            a.y1 <= l.cy() && a.x1 > l.x0 && shift >= COLUMN_TOLERANCE_MM && shift <= lacking * pitch + COLUMN_TOLERANCE_MM
        })
        .max_by(|&a, &b| read[a].line.y1.total_cmp(&read[b].line.y1))
        .filter(|&j| l.y0 - read[j].line.y1 < 1.2 * l.height().max(1.0))
        .filter(|&j| {
            let t = read[j].reading.text();
            !t.is_empty() && t.chars().all(is_han)
        })
}

/// What a value line read holds ([`fields::classify`]); a label holds no value.
fn value_kind(r: &ReadLine) -> fields::ValueKind {
    if r.label.is_none() { fields::classify(&r.reading.text()) } else { fields::ValueKind::Other }
}

/// Whether `a` starts in `l`'s column and ends above its middle.
fn above_in_column(a: &TextLine, l: &TextLine) -> bool {
    (a.x0 - l.x0).abs() < COLUMN_TOLERANCE_MM && a.y1 <= l.cy()
}

/// Everything the visual read produced, for inspection and the result.
#[derive(Clone, Debug)]
pub struct VisualRead {
    pub page: PageImage,
    /// Every text line found, labels included.
    pub found: Vec<TextLine>,
    /// The contrast above which a line counts as value print.
    pub threshold: f32,
    /// The value lines read.
    pub lines: Vec<ReadLine>,
    pub fields: Fields,
    pub times: VisualTimes,
}

/// The page title band (mm from the top edge): nothing to read there.
pub const TITLE_BAND_MM: f32 = 10.8;

/// The contrast above which a line counts as value print. Only the value print is read: black
/// and full size (the labels are fine and light). The value print's own level: three quarters
/// of the median contrast of the darker half of the full-size lines keeps the labels out where
/// they print clearly (large images). The title band is left out of both: its large, dark
/// title is neither value nor label, and on a dim page it pulled the two-class split above
/// the value print, so the dates and places went unread.
pub fn value_threshold(found: &[TextLine]) -> f32 {
    // (By its middle: a page frame a millimetre low leaves the title's foot below the band.)
    let below: Vec<TextLine> = found.iter().copied().filter(|l| l.cy() > TITLE_BAND_MM).collect();
    let mut full: Vec<f32> = below.iter().filter(|l| l.height() >= 1.4).map(|l| l.contrast).collect();
    full.sort_by(|a, b| b.total_cmp(a));
    let value_level = full.get(full.len() / 4).copied().unwrap_or(0.0);
    (lines::value_contrast_threshold(&below) - 0.05).max(0.75 * value_level)
}

/// The value lines worth reading: value print (by contrast and size), below the title band,
/// without the first row (type, country code, number: the MRZ carries them, its check digits
/// confirm the number). The first row is known by its two or three short items side by side:
/// where it sits in the title band (a page frame off by a few millimetres), the top row is the
/// lone hanzi surname of the split layout, which must be read.
pub fn select_value_lines(found: &[TextLine], threshold: f32) -> Vec<TextLine> {
    let mut v: Vec<TextLine> =
        found.iter().copied().filter(|l| l.contrast >= threshold && l.height() >= 1.4 && l.y1 > TITLE_BAND_MM).collect();
    if let Some(top) = v.iter().map(|l| l.cy()).min_by(f32::total_cmp) {
        // The first row, if it looks like one (short items, more than one).
        let row: Vec<usize> = (0..v.len()).filter(|&i| (v[i].cy() - top).abs() < 1.2).collect();
        if row.len() >= 2 && row.iter().all(|&i| v[i].width() < 16.0) {
            let mut k = 0;
            v.retain(|_| {
                let keep = !row.contains(&k);
                k += 1;
                keep
            });
        }
    }
    v
}

/// A hanzi authority read with at least this probability is not confirmed by its English line.
const SURE_AUTHORITY_P: f32 = 0.8;

/// Whether `a` is the line right above `l` in its column, nearly touching (an authority's
/// hanzi over its English; value rows are a label apart).
fn directly_above(a: &TextLine, l: &TextLine) -> bool {
    above_in_column(a, l) && l.y0 - a.y1 < 0.6 * l.height()
}

/// The value lines split into those read at once and the possible English authority lines,
/// read only if the hanzi authority above them is in doubt: long lines (≥ 20 mm) right under
/// a long line (≥ 12 mm, wider than any hanzi name), the costliest lines on the page.
pub fn english_authority_candidates(values: &[TextLine]) -> (Vec<TextLine>, Vec<TextLine>) {
    let deferred = |l: &TextLine| l.width() >= 20.0 && values.iter().any(|a| a.width() >= 12.0 && directly_above(a, l));
    values.iter().copied().partition(|l| !deferred(l))
}

/// The lines in reading order: top to bottom, then left to right.
fn sort_reading_order(read: &mut [ReadLine]) {
    read.sort_by(|a, b| a.line.y0.total_cmp(&b.line.y0).then(a.line.x0.total_cmp(&b.line.x0)));
}

/// Runs the visual stages on a prepared image whose MRZ was read.
pub fn read_visual(model: &dyn TextModel, p: &Prepared, zone: &ZoneReading) -> Result<VisualRead, Error> {
    let t0 = std::time::Instant::now();
    let frame = PageFrame::from_zone(&zone.zone).ok_or_else(|| Error::PoorQuality("the data page could not be placed".into()))?;
    let page = page::rectify_fields(p, &frame);
    let t1 = std::time::Instant::now();
    let found = lines::find_lines(&page);
    let threshold = value_threshold(&found);
    let values = select_value_lines(&found, threshold);
    let t2 = std::time::Instant::now();
    let reader = ChineseReader::new(model);
    let (now, later) = english_authority_candidates(&values);
    let mut read = reader.read_lines_parallel(p, &frame, &now)?;
    for l in later {
        // The English authority repeats the hanzi one: read only when that is in doubt.
        let above = read.iter().find(|r| directly_above(&r.line, &l));
        let named = above.is_some_and(|a| a.reading.min_p() >= SURE_AUTHORITY_P && normalize::match_authority(&a.reading.text(), "").is_some_and(|(_, d)| d == 0));
        if !named {
            read.extend(reader.read_lines(p, &frame, &[l])?);
        }
    }
    sort_reading_order(&mut read);
    let t3 = std::time::Instant::now();
    let doc = &zone.repaired.document;
    let read = reader.rescue_name_lines(p, &frame, read, &found, threshold, (doc.primary_identifier.as_str(), doc.secondary_identifier.as_str()))?;
    let read = reader.fit_name_hanzi(p, &frame, read, (doc.primary_identifier.as_str(), doc.secondary_identifier.as_str()))?;
    let read = reader.find_missing_name_part(p, &frame, read, (doc.primary_identifier.as_str(), doc.secondary_identifier.as_str()))?;
    let read = reader.find_washed_out_whole_name(p, &frame, read, (doc.primary_identifier.as_str(), doc.secondary_identifier.as_str()))?;
    let read = reader.fit_unpaired_name_hanzi(p, &frame, read, (doc.primary_identifier.as_str(), doc.secondary_identifier.as_str()))?;
    let read = reader.fit_surname_hanzi(p, &frame, read, doc.primary_identifier.as_str())?;
    let read = reader.rescue_issue_date(p, &frame, read, &found, threshold, doc.date_of_expiry.ymd())?;
    let read = reader.rescue_places(p, &frame, read, doc.date_of_birth.ymd(), doc.date_of_expiry.ymd())?;
    let fields = fields::assign(
        &read,
        doc.date_of_birth.ymd(),
        doc.date_of_expiry.ymd(),
        (doc.primary_identifier.as_str(), doc.secondary_identifier.as_str()),
    );
    let t4 = std::time::Instant::now();
    let ms = |a: std::time::Instant, b: std::time::Instant| (b - a).as_secs_f64() * 1000.0;
    let times = VisualTimes {
        rectify_ms: ms(t0, t1),
        lines_ms: ms(t1, t2),
        recognize_ms: ms(t2, t3),
        assemble_ms: ms(t3, t4),
        lines_read: read.len(),
    };
    log::debug!("visual zone: {} lines read, {} fields, {:?}", read.len(), fields.found(), times);
    Ok(VisualRead { page, found, threshold, lines: read, fields, times })
}

/// The full Chinese result of an image whose MRZ was read as a Chinese mainland passport.
pub fn read_chinese(model: &dyn TextModel, p: &Prepared, zone: &ZoneReading, today: Ymd) -> Result<(ChineseResult, VisualRead), Error> {
    let visual = read_visual(model, p, zone)?;
    let result = crosscheck::assemble(&visual.fields, &zone.repaired, today);
    Ok((result, visual))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A blank grey image and a page frame on it, for the stages that crop lines (their fake
    /// recognizers read what the test says, whatever the crop).
    fn blank_page() -> (Prepared, PageFrame) {
        let prepared = Prepared::from_luma(image::GrayImage::from_pixel(900, 700, image::Luma([200])));
        (prepared, PageFrame { ox: 100.0, oy: 600.0, ux: 1.0, uy: 0.0, scale: 6.0, mrz_top_mm: 78.0 })
    }

    fn line(y0: f32, h: f32, contrast: f32) -> TextLine {
        TextLine { x0: 45.0, y0, x1: 65.0, y1: y0 + h, parts: 5, contrast }
    }

    #[test]
    fn first_row_is_skipped_but_a_lone_surname_is_read() {
        let row = |y: f32| vec![TextLine { x1: 46.5, ..line(y, 2.2, 0.8) }, TextLine { x0: 75.0, x1: 80.0, ..line(y, 2.2, 0.8) }];
        let name = |y: f32| vec![TextLine { x1: 47.5, ..line(y, 2.5, 0.8) }, line(y + 3.5, 2.2, 0.8)];
        // Type and country code, then the name: the first row goes.
        let mut found = row(15.0);
        found.extend(name(20.0));
        let v = select_value_lines(&found, 0.5);
        assert_eq!(v.len(), 2);
        assert!(v[0].y0 == 20.0 && v[0].width() < 3.0);
        // The first row lost in the title band: the lone hanzi surname on top stays.
        let v = select_value_lines(&name(20.0), 0.5);
        assert_eq!(v.len(), 2, "{v:?}");
    }

    fn read_line(y: f32, text: &str, p: f32) -> ReadLine {
        let chars = text.chars().map(|ch| text::TextChar { ch, p, x: 0.0 }).collect();
        ReadLine { line: TextLine { x1: 50.0, ..line(y, 2.4, 0.8) }, reading: TextReading { chars }, label: None }
    }

    fn surname_after_fit(first: &str, p: f32, model_reads: &str) -> String {
        let mut model = text::tests::Fixed::new(&[model_reads, "候"]);
        model.p = 0.6;
        let reader = ChineseReader::new(&model);
        let (prepared, frame) = blank_page();
        let read = vec![read_line(20.0, first, p), read_line(23.0, "HOU", 0.99), read_line(29.0, "溪", 0.99), read_line(32.0, "XI", 0.99)];
        let read = reader.fit_surname_hanzi(&prepared, &frame, read, "HOU").unwrap();
        read[0].reading.text()
    }

    #[test]
    fn doubtful_surname_is_read_among_the_surnames_of_its_pinyin() {
        // 候 is no surname; HOU is 侯.
        assert_eq!(surname_after_fit("候", 0.7, "侯"), "侯");
        // A confident reading stays (the list is not every surname), as does a listed one.
        assert_eq!(surname_after_fit("候", 0.97, "侯"), "候");
        assert_eq!(surname_after_fit("侯", 0.5, "侯"), "侯");
        // The model sees nothing listed: the reading stays.
        assert_eq!(surname_after_fit("候", 0.7, "候"), "候");
        // Over the one-label layout's name row (`JIANG,` its first piece), the hanzi are the
        // whole name, not the surname: left as read.
        let model = text::tests::Fixed::new(&["江"]);
        let (prepared, frame) = blank_page();
        for (name, pinyin) in [("江珊山", "JIANG,"), ("江珊山", "JIANG")] {
            let read = vec![read_line(20.0, name, 0.5), read_line(23.0, pinyin, 0.99)];
            let read = ChineseReader::new(&model).fit_surname_hanzi(&prepared, &frame, read, "JIANG").unwrap();
            assert_eq!(read[0].reading.text(), "江珊山");
        }
    }

    /// A fake recognizer giving, call after call, rows of `(character, probability)` (the rest
    /// of each row on the blank), one row a step; the last is repeated.
    struct Rows {
        calls: std::sync::Mutex<Vec<Vec<Vec<(char, f32)>>>>,
        charset: Vec<char>,
    }

    impl Rows {
        fn new(calls: Vec<Vec<Vec<(char, f32)>>>) -> Rows {
            let mut charset: Vec<char> = calls.iter().flatten().flatten().map(|c| c.0).collect();
            charset.sort();
            charset.dedup();
            Rows { calls: std::sync::Mutex::new(calls), charset }
        }
    }

    impl TextModel for Rows {
        fn probs(&self, _strip: &TextStrip) -> Result<(Vec<f32>, usize), Error> {
            let mut calls = self.calls.lock().unwrap();
            let rows = if calls.len() > 1 { calls.remove(0) } else { calls[0].clone() };
            let classes = self.charset.len() + 1;
            let mut out = vec![0.0; rows.len() * classes];
            for (t, row) in rows.iter().enumerate() {
                out[t * classes] = 1.0 - row.iter().map(|c| c.1).sum::<f32>();
                for &(ch, p) in row {
                    out[t * classes + 1 + self.charset.iter().position(|&x| x == ch).unwrap()] = p;
                }
            }
            Ok((out, rows.len()))
        }
        fn charset(&self) -> &[char] {
            &self.charset
        }
    }

    fn line_at(x0: f32, x1: f32, y: f32, text: &str, p: f32) -> ReadLine {
        ReadLine { line: TextLine { x0, x1, ..line(y, 2.4, 0.8) }, ..read_line(y, text, p) }
    }

    fn fit_names(model: &Rows, read: Vec<ReadLine>, names: (&str, &str)) -> Vec<ReadLine> {
        let (prepared, frame) = blank_page();
        ChineseReader::new(model).fit_name_hanzi(&prepared, &frame, read, names).unwrap()
    }

    #[test]
    fn name_hanzi_are_read_to_spell_the_pinyin() {
        // 许颜买 read for 许颖灵 over `XU, YINGLING`: read again, the pinyin picks 颖 and 灵.
        let again = vec![vec![], vec![('许', 0.95)], vec![], vec![('颜', 0.6), ('颖', 0.3)], vec![], vec![('买', 0.7), ('灵', 0.2)], vec![]];
        let model = Rows::new(vec![again]);
        let read = vec![line_at(45.0, 52.0, 20.0, "许颜买", 0.6), line_at(45.0, 62.0, 23.0, "XU,YINGLING", 0.99)];
        let read = fit_names(&model, read, ("XU", "YINGLING"));
        assert_eq!(read[0].reading.text(), "许颖灵");
        assert!(read[0].reading.min_p() < 0.3, "the forced hanzi stay doubtful");
        assert_eq!(read.len(), 2);
    }

    #[test]
    fn a_name_spelling_its_pinyin_is_left_alone() {
        // The one-label layout's pinyin found in two pieces, `WU,` and `LING`: the hanzi line
        // above the first spells both (the model would read 武 alone, and must not be asked).
        let model = Rows::new(vec![vec![vec![('武', 0.9)]]]);
        let read = vec![line_at(45.0, 50.0, 20.0, "武灵", 0.9), line_at(45.0, 49.0, 23.0, "WU,", 0.6), line_at(50.5, 55.0, 23.0, "LING", 0.99)];
        let read = fit_names(&model, read, ("WU", "LING"));
        assert_eq!(read[0].reading.text(), "武灵");
        assert_eq!(read.len(), 3, "no hanzi line is looked for over the second piece");
        // A pinyin row partly washed out (`ZHAN` `IN`) still names the hanzi line above it.
        let model = Rows::new(vec![vec![vec![('张', 0.99)], vec![], vec![('珍', 0.2)], vec![], vec![('民', 0.3)], vec![]]]);
        let read = vec![line_at(45.0, 53.0, 20.0, "张", 0.99), line_at(45.0, 52.0, 23.0, "ZHAN", 0.99), line_at(53.0, 56.0, 23.0, "IN", 0.9)];
        assert_eq!(fit_names(&model, read, ("ZHANG", "ZHENMIN"))[0].reading.text(), "张珍民");
        assert!(is_subsequence("ZHANIN", "ZHANGZHENMIN") && !is_subsequence("ZHENA", "ZHANGZHENMIN"));
        // A pinyin line misread by one letter in four still names its hanzi line.
        let model = Rows::new(vec![vec![vec![('汪', 0.5)], vec![], vec![('吉', 0.4), ('杏', 0.5)], vec![], vec![('新', 0.9)]]]);
        let read = vec![line_at(45.0, 52.0, 20.0, "注杏新", 0.3), line_at(45.0, 60.0, 23.0, "WANG.XIN", 0.5)];
        assert_eq!(fit_names(&model, read, ("WANG", "JIXIN"))[0].reading.text(), "汪吉新");
    }

    #[test]
    fn a_pinyin_line_that_lost_its_start_names_the_whole_name_line_above() {
        // `GU, XIXUAN` with `GU, ` blurred away: the pinyin line starts 5 mm right of the hanzi
        // line 顾熙璇, read 熙理. The line is three hanzi long, so the whole name is fitted.
        let again = vec![vec![], vec![('顾', 0.2), ('硕', 0.1)], vec![], vec![('熙', 0.9)], vec![], vec![('理', 0.5), ('璇', 0.3)], vec![]];
        let model = Rows::new(vec![again]);
        let read = vec![line_at(47.6, 54.8, 20.0, "熙理", 0.4), line_at(52.4, 60.4, 23.0, "XIXUAN", 0.97)];
        let read = fit_names(&model, read, ("GU", "XIXUAN"));
        assert_eq!(read[0].reading.text(), "顾熙璇");
        // Two hanzi long (the split layout's given names, its pinyin's first letter lost): the
        // given names are fitted.
        let again = vec![vec![], vec![('熙', 0.9)], vec![], vec![('理', 0.5), ('璇', 0.3)], vec![]];
        let model = Rows::new(vec![again]);
        let read = vec![line_at(47.6, 52.4, 20.0, "熙理", 0.4), line_at(49.5, 55.4, 23.0, "IXUAN", 0.97)];
        let read = fit_names(&model, read, ("GU", "XIXUAN"));
        assert_eq!(read[0].reading.text(), "熙璇");
        // A hanzi line ending left of the pinyin line is no part of it.
        let model = Rows::new(vec![vec![vec![('熙', 0.9)]]]);
        let read = vec![line_at(40.0, 47.0, 20.0, "熙理", 0.4), line_at(52.4, 60.4, 23.0, "XIXUAN", 0.97)];
        let read = fit_names(&model, read, ("GU", "XIXUAN"));
        assert_eq!(read[0].reading.text(), "熙理");
    }

    #[test]
    fn a_line_under_the_surnames_pinyin_is_no_hanzi_line_of_the_given_names() {
        // One-label layout, ZHANG ZHENMIN, its pinyin row partly washed out (`ZHANG,` ... `IN`),
        // a speck read `E` right under `ZHANG,` and over the sex: taken for the given names'
        // pinyin, its line above is `ZHANG,`, a pinyin line, not hanzi: not read again.
        let model = Rows::new(vec![vec![vec![('真', 0.9)], vec![], vec![('民', 0.9)], vec![]]]);
        let read = vec![
            line_at(44.0, 53.0, 23.0, "张珍民", 0.95),
            line_at(44.0, 52.5, 27.2, "ZHANG,", 0.9),
            line_at(66.5, 69.0, 27.8, "IN", 0.9),
            line_at(45.0, 51.0, 31.1, "E", 0.7),
            line_at(44.0, 51.0, 33.6, "男/M", 0.9),
        ];
        let read = fit_names(&model, read, ("ZHANG", "ZHENMIN"));
        assert_eq!(read[0].reading.text(), "张珍民");
        assert_eq!(read[1].reading.text(), "ZHANG,", "the surname's pinyin stays pinyin");
    }

    #[test]
    fn an_unlisted_surname_read_surely_gives_way_to_a_listed_look_alike() {
        // The split layout's surname line 候 read at 0.998 over `HOU`: 候 is no listed surname,
        // 侯 is, and the recognizer gives it 0.002 in the same place: 侯 is taken.
        let model = Rows::new(vec![vec![vec![], vec![('候', 0.997), ('侯', 0.002)], vec![]]]);
        let read = vec![line_at(45.0, 47.5, 20.0, "候", 0.998), line_at(45.0, 50.0, 23.0, "HOU", 0.99)];
        assert_eq!(fit_names(&model, read, ("HOU", "QIUPEI"))[0].reading.text(), "侯");
        // Not when the recognizer rules the listed one out (a surname the list lacks, read sharp).
        let model = Rows::new(vec![vec![vec![], vec![('候', 0.9999), ('侯', 0.00005)], vec![]]]);
        let read = vec![line_at(45.0, 47.5, 20.0, "候", 0.9999), line_at(45.0, 50.0, 23.0, "HOU", 0.99)];
        assert_eq!(fit_names(&model, read, ("HOU", "QIUPEI"))[0].reading.text(), "候");
    }

    #[test]
    fn a_given_name_hanzi_rarely_given_is_read_again() {
        // 申信态 spells SHEN XINTAI, but 态 is rarely given in names: read again, weighed by how
        // common each hanzi of the reading is, 泰 (a close second) is taken.
        let again = vec![vec![], vec![('信', 0.9)], vec![], vec![('态', 0.5), ('泰', 0.35)], vec![]];
        let model = Rows::new(vec![again]);
        let read = vec![line_at(45.0, 48.0, 20.0, "申", 0.9), line_at(45.0, 50.0, 23.0, "SHEN", 0.99), line_at(45.0, 50.0, 27.0, "信态", 0.5), line_at(45.0, 52.0, 30.0, "XINTAI", 0.99)];
        let read = fit_names(&model, read, ("SHEN", "XINTAI"));
        assert_eq!(read[2].reading.text(), "信泰");
        // Hanzi common in names are left as read (the model is not asked).
        let model = Rows::new(vec![vec![vec![('信', 0.9)]]]);
        let read = vec![line_at(45.0, 48.0, 20.0, "申", 0.9), line_at(45.0, 50.0, 23.0, "SHEN", 0.99), line_at(45.0, 50.0, 27.0, "信泰", 0.5), line_at(45.0, 52.0, 30.0, "XINTAI", 0.99)];
        assert_eq!(fit_names(&model, read, ("SHEN", "XINTAI"))[2].reading.text(), "信泰");
    }

    #[test]
    fn a_misread_given_name_pinyin_still_names_its_hanzi_line() {
        // Split layout, HUANG YIBIN: the given names' pinyin read `VBIN` (two letters off in
        // five), the hanzi above read 伊证. In the names' column it is YIBIN.
        let again = vec![vec![], vec![('伊', 0.9)], vec![], vec![('证', 0.5), ('斌', 0.3)], vec![]];
        let model = Rows::new(vec![again]);
        let read = vec![
            line_at(50.6, 52.2, 20.0, "黄", 0.9),
            line_at(50.6, 57.5, 23.0, "HUANG", 0.92),
            line_at(50.8, 54.6, 27.0, "伊证", 0.7),
            line_at(50.9, 55.8, 30.0, "VBIN", 0.35),
        ];
        let read = fit_names(&model, read, ("HUANG", "YIBIN"));
        assert_eq!(read[2].reading.text(), "伊斌");
        // Outside the column it names nothing.
        let model = Rows::new(vec![vec![vec![('伊', 0.9)]]]);
        let read = vec![line_at(50.6, 52.2, 20.0, "黄", 0.9), line_at(50.6, 57.5, 23.0, "HUANG", 0.92), line_at(60.8, 64.6, 27.0, "伊证", 0.7), line_at(60.9, 65.8, 30.0, "VBIN", 0.35)];
        assert_eq!(fit_names(&model, read, ("HUANG", "YIBIN"))[2].reading.text(), "伊证");
        assert!(misread_part("VBIN", "YIBIN") && !misread_part("VB", "YIBIN") && !misread_part("WANG", "YIBIN"));
    }

    #[test]
    fn the_one_latin_line_between_the_surname_and_the_sex_is_the_given_names_pinyin() {
        // 温莉 / WEN LI blurred: `LI` read `U`, 莉 read 月. It is the one Latin line of the column
        // between WEN and the sex, so the hanzi above it is fitted to LI.
        let again = vec![vec![], vec![('月', 0.5), ('莉', 0.2)], vec![]];
        let model = Rows::new(vec![again]);
        let read = vec![
            line_at(43.1, 45.2, 20.0, "温", 0.9),
            line_at(43.0, 48.2, 23.0, "WEN", 0.98),
            line_at(43.0, 45.1, 27.0, "月", 0.3),
            line_at(42.9, 44.8, 30.0, "U", 0.6),
            line_at(42.9, 47.2, 34.0, "女/F", 0.9),
        ];
        let read = fit_names(&model, read, ("WEN", "LI"));
        assert_eq!(read[2].reading.text(), "莉");
        // Without the sex line to bound the names, nothing is guessed.
        let model = Rows::new(vec![vec![vec![('月', 0.5), ('莉', 0.2)]]]);
        let read = vec![line_at(43.1, 45.2, 20.0, "温", 0.9), line_at(43.0, 48.2, 23.0, "WEN", 0.98), line_at(43.0, 45.1, 27.0, "月", 0.3), line_at(42.9, 44.8, 30.0, "U", 0.6)];
        assert_eq!(fit_names(&model, read, ("WEN", "LI"))[2].reading.text(), "月");
        // The one-label layout, `ZHANG, ZHENMIN` read `ZHANC` (as the surname) over an empty
        // reading: the empty line is no name part's pinyin, so the line above it stays.
        let model = Rows::new(vec![vec![vec![('真', 0.5)], vec![], vec![('民', 0.5)]]]);
        let read = vec![
            line_at(44.1, 52.8, 20.0, "张珍民", 0.97),
            line_at(44.1, 52.6, 23.0, "ZHANC", 0.9),
            line_at(44.1, 50.1, 27.0, "", 1.0),
            line_at(44.2, 50.8, 30.0, "男/M", 0.9),
        ];
        let read = fit_names(&model, read, ("ZHANG", "ZHENMIN"));
        assert_eq!((read[0].reading.text().as_str(), read[1].reading.text().as_str()), ("张珍民", "ZHANC"));
    }

    #[test]
    fn only_the_surname_is_held_to_listed_surnames() {
        // LI LING, split layout: the given name 灵 (doubtful) must not be held to the surnames of
        // LI (李), though LING starts with LI; the doubtful surname 厉 is (李 listed, p 0.3).
        // (Held to them, LING would read 李嗯, LI + NG.)
        let given = vec![vec![('灵', 0.6), ('李', 0.3)], vec![('嗯', 0.05)]];
        let surname = vec![vec![('厉', 0.6), ('李', 0.3)], vec![]];
        let model = Rows::new(vec![surname, given.clone(), given]);
        let read = vec![
            line_at(45.0, 48.0, 20.0, "厉", 0.6),
            line_at(45.0, 48.0, 23.0, "LI", 0.99),
            line_at(45.0, 48.0, 27.0, "灵", 0.6),
            line_at(45.0, 50.0, 30.0, "LING", 0.99),
        ];
        let read = fit_names(&model, read, ("LI", "LING"));
        assert_eq!(read[0].reading.text(), "李");
        assert_eq!(read[2].reading.text(), "灵");
    }

    #[test]
    fn a_missing_hanzi_line_is_looked_for_over_its_pinyin() {
        // 郭 broken into pieces by faint print: no line above GUO; 秋洲 over QIUZHOU is there.
        let read = || vec![line_at(45.0, 50.0, 23.0, "GUO", 0.95), line_at(45.0, 50.0, 26.5, "秋洲", 0.99), line_at(45.0, 57.0, 29.5, "QIUZHOU", 0.99)];
        let model = Rows::new(vec![vec![vec![], vec![('郭', 0.8)], vec![]]]);
        let out = fit_names(&model, read(), ("GUO", "QIUZHOU"));
        assert_eq!(out.len(), 4);
        let found = &out[3];
        assert_eq!(found.reading.text(), "郭");
        assert!(found.line.y1 <= 23.0 && found.line.y0 < 21.0 && (found.line.x0 - 45.0).abs() < 1e-6, "{:?}", found.line);
        // The surname's hanzi all but washed out by a glare: kept, doubtful (without it the
        // name is wrong anyway); where nothing tells the listed surnames of its pinyin apart,
        // the commonest (冯 over 封 for FENG).
        let model = Rows::new(vec![vec![vec![], vec![('郭', 0.1)], vec![]]]);
        let out = fit_names(&model, read(), ("GUO", "QIUZHOU"));
        assert!(out.len() == 4 && out[3].reading.text() == "郭" && out[3].reading.min_p() <= 0.1);
        let feng = vec![line_at(45.0, 50.0, 23.0, "FENG", 0.95), line_at(45.0, 50.0, 26.5, "秋洲", 0.99), line_at(45.0, 57.0, 29.5, "QIUZHOU", 0.99)];
        let model = Rows::new(vec![vec![vec![], vec![('冯', 0.001), ('封', 0.002)], vec![]]]);
        assert_eq!(fit_names(&model, feng, ("FENG", "QIUZHOU"))[3].reading.text(), "冯");
        // The given names' hanzi: nothing likely there, nothing is added (paper, or stray print).
        let given = || vec![line_at(45.0, 50.0, 19.5, "郭", 0.99), line_at(45.0, 50.0, 23.0, "GUO", 0.95), line_at(45.0, 57.0, 29.5, "QIUZHOU", 0.99)];
        let model = Rows::new(vec![vec![vec![], vec![('秋', 0.1)], vec![], vec![('洲', 0.1)], vec![]]]);
        assert_eq!(fit_names(&model, given(), ("GUO", "QIUZHOU")).len(), 3);
        let model = Rows::new(vec![vec![vec![], vec![('秋', 0.8)], vec![], vec![('洲', 0.9)], vec![]]]);
        assert_eq!(fit_names(&model, given(), ("GUO", "QIUZHOU")).len(), 4);
    }

    /// Rows that spell `text`, every character at `p`, a blank step between characters.
    fn spelled(text: &str, p: f32) -> Vec<Vec<(char, f32)>> {
        text.chars().flat_map(|c| [vec![(c, p)], vec![]]).collect()
    }

    #[test]
    fn a_faint_issue_date_is_read_when_it_fits_the_expiry() {
        // The birth date read; the issue date's line (y 60.5) found, fainter (0.39) than the
        // value print (0.40), and the expiry's below it.
        let read = || vec![line_at(45.8, 67.4, 52.9, "2811月/NOV1949", 0.92), line_at(82.2, 97.4, 52.6, "西藏/XIZANG", 0.87)];
        let mut found: Vec<TextLine> = read().iter().map(|r| r.line).collect();
        found.push(TextLine { x0: 46.0, y0: 68.0, x1: 67.4, y1: 70.2, parts: 6, contrast: 0.39 });
        found.push(TextLine { x0: 46.0, y0: 60.5, x1: 67.2, y1: 62.6, parts: 6, contrast: 0.39 });
        found.push(TextLine { x0: 82.4, y0: 60.4, x1: 99.6, y1: 62.4, parts: 4, contrast: 0.39 }); // another column
        found.push(TextLine { x0: 46.0, y0: 64.0, x1: 60.0, y1: 65.0, parts: 4, contrast: 0.39 }); // a label's height
        let (prepared, frame) = blank_page();
        let expiry = Some(Ymd::new(2035, 12, 26));
        let rescue = |model: &Rows, read: Vec<ReadLine>| ChineseReader::new(model).rescue_issue_date(&prepared, &frame, read, &found, 0.40, expiry).unwrap();
        // It reads ten years before the expiry's next day: kept, in its place.
        let model = Rows::new(vec![spelled("2712月/DEC2025", 0.9), spelled("X", 0.9)]);
        let out = rescue(&model, read());
        assert_eq!(out.len(), 3);
        let issue = |out: &[ReadLine]| out.iter().find(|r| r.reading.text() == "2712月/DEC2025").map(|r| r.line.y0);
        assert_eq!(issue(&out), Some(60.5));
        assert_eq!(out.last().map(|r| r.line.y0), Some(60.5), "in reading order");
        assert_eq!(model.calls.lock().unwrap()[0][0][0].0, 'X', "one line read");
        // The nearest faint line reads a date that no expiry allows as the issue date (the
        // expiry's own), the next the issue date: that one is kept.
        let model = Rows::new(vec![spelled("2612月/DEC2035", 0.9), spelled("2712月/DEC2025", 0.9)]);
        let out = rescue(&model, read());
        assert_eq!(out.len(), 3);
        assert_eq!(issue(&out), Some(68.0));
        // Nothing that fits: nothing kept.
        let model = Rows::new(vec![spelled("2612月/DEC2035", 0.9)]);
        assert_eq!(rescue(&model, read()).len(), 2);
        // An issue date read already: nothing is read.
        let mut with_issue = read();
        with_issue.push(line_at(45.8, 67.2, 60.5, "2712月/DEC2025", 0.9));
        let model = Rows::new(vec![spelled("X", 0.9), spelled("Y", 0.9)]);
        assert_eq!(rescue(&model, with_issue).len(), 3);
        assert_eq!(model.calls.lock().unwrap().len(), 2, "nothing read");
        // No date read at all (every date faint): the dates' column is the sex's, below it.
        let sex_only = || vec![line_at(45.8, 50.0, 45.0, "男/M", 0.9), line_at(76.0, 92.4, 45.0, "中国/CHINESE", 0.87)];
        let model = Rows::new(vec![spelled("2712月/DEC2025", 0.9)]);
        let out = rescue(&model, sex_only());
        assert_eq!(issue(&out), Some(60.5));
        // Nothing of the issue date's line found, its place read: its row is read.
        let model = Rows::new(vec![spelled("2712月/DEC2025", 0.9)]);
        let with_place = vec![line_at(45.8, 67.4, 52.9, "2811月/NOV1949", 0.92), line_at(82.2, 97.4, 60.4, "西藏/XIZANG", 0.87)];
        let out = ChineseReader::new(&model).rescue_issue_date(&prepared, &frame, with_place, &[], 0.40, expiry).unwrap();
        let line = out.iter().find(|r| r.reading.text() == "2712月/DEC2025").map(|r| r.line).expect("read on the place's row");
        assert!((line.x0 - 45.8).abs() < 1e-3 && (line.y0 - 60.4).abs() < 1e-3);
        // Without a sex line either, nothing is looked for.
        let model = Rows::new(vec![spelled("2712月/DEC2025", 0.9)]);
        assert_eq!(rescue(&model, vec![line_at(82.2, 97.4, 52.6, "西藏/XIZANG", 0.87)]).len(), 1);
    }

    #[test]
    fn a_place_missing_on_its_dates_row_is_read_there() {
        // Birth 1949-11-28 and issue 2025-12-27 (expiry 2035-12-26) read, the place of issue
        // read, the place of birth's row empty (glare): read in the places' column on the birth
        // date's row, and kept when it reads as a listed place.
        let read = || {
            vec![
                line_at(45.8, 67.4, 52.9, "2811月/NOV1949", 0.92),
                line_at(45.8, 67.4, 60.5, "2712月/DEC2025", 0.92),
                line_at(82.2, 97.4, 60.4, "西藏/XIZANG", 0.87),
            ]
        };
        let (prepared, frame) = blank_page();
        let rescue = |model: &Rows| ChineseReader::new(model).rescue_places(&prepared, &frame, read(), Some(Ymd::new(1949, 11, 28)), Some(Ymd::new(2035, 12, 26))).unwrap();
        let model = Rows::new(vec![spelled("湖南/HUNA", 0.8)]);
        let out = rescue(&model);
        let place = out.iter().find(|r| r.reading.text() == "湖南/HUNA").expect("the place read on the birth date's row");
        assert!((place.line.x0 - 82.2).abs() < 1e-3 && (place.line.y0 - 52.9).abs() < 1e-3);
        // Read as no listed place: nothing kept.
        let model = Rows::new(vec![spelled("北HB", 0.8)]);
        assert_eq!(rescue(&model).len(), 3);
        // No birth date read: nothing looked for.
        let model = Rows::new(vec![spelled("湖南/HUNAN", 0.8)]);
        let out = ChineseReader::new(&model).rescue_places(&prepared, &frame, read(), Some(Ymd::new(1950, 1, 1)), Some(Ymd::new(2035, 12, 26))).unwrap();
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn faint_name_lines_are_read_when_the_name_is_incomplete() {
        // 史/SHI under a glare: the pinyin line found but fainter (0.39) than the value print
        // (threshold 0.41); 航红/HANGHONG and a date read.
        let read = || vec![line_at(46.5, 52.0, 35.8, "航红", 0.96), line_at(46.5, 62.0, 39.4, "HANGHONG", 0.98), line_at(46.5, 66.0, 47.1, "011月/OCT1970", 0.9)];
        let faint = TextLine { x0: 46.6, y0: 28.2, x1: 48.9, y1: 30.2, parts: 2, contrast: 0.39 };
        let mut found: Vec<TextLine> = read().iter().map(|r| r.line).collect();
        found.push(faint);
        found.push(TextLine { x0: 46.6, y0: 32.0, x1: 50.0, y1: 33.0, parts: 2, contrast: 0.39 }); // a label's height
        found.push(TextLine { x0: 80.0, y0: 28.2, x1: 88.0, y1: 30.2, parts: 4, contrast: 0.39 }); // another column
        found.push(TextLine { x0: 46.6, y0: 20.0, x1: 48.9, y1: 22.0, parts: 2, contrast: 0.2 }); // background
        let (prepared, frame) = blank_page();
        let rescue = |model: &Rows, names: (&str, &str)| ChineseReader::new(model).rescue_name_lines(&prepared, &frame, read(), &found, 0.41, names).unwrap();
        // The faint line reads `SH`: part of the missing SHI, kept (and the only line read).
        let model = Rows::new(vec![vec![vec![('S', 0.9)], vec![], vec![('H', 0.9)], vec![]], vec![vec![('X', 0.9)]]]);
        let out = rescue(&model, ("SHI", "HANGHONG"));
        assert_eq!(out.len(), 4);
        assert_eq!(out[0].reading.text(), "SH");
        assert!((out[0].line.y0 - 28.2).abs() < 1e-6);
        assert_eq!(model.calls.lock().unwrap()[0][0][0].0, 'X', "one line read");
        // It reads as nothing of the name: not kept.
        let model = Rows::new(vec![vec![vec![('女', 0.9)], vec![]]]);
        assert_eq!(rescue(&model, ("SHI", "HANGHONG")).len(), 3);
        // The name read whole: nothing is read (this hanzi would spell SHI).
        let model = Rows::new(vec![vec![vec![('史', 0.9)], vec![]]]);
        assert_eq!(rescue(&model, ("HANG", "HONG")).len(), 3);
        assert_eq!(rescue(&model, ("SHI", "HANGHONG")).len(), 4);
        // Black value print (threshold 0.70) under a glare: the pinyin line at 0.37 (more than
        // half the threshold) is read; one at 0.30 is background.
        for (contrast, kept) in [(0.37, 4), (0.30, 3)] {
            let mut found: Vec<TextLine> = read().iter().map(|r| r.line).collect();
            found.push(TextLine { contrast, ..faint });
            let model = Rows::new(vec![vec![vec![('S', 0.9)], vec![], vec![('H', 0.9)], vec![], vec![('I', 0.9)], vec![]]]);
            let out = ChineseReader::new(&model).rescue_name_lines(&prepared, &frame, read(), &found, 0.70, ("SHI", "HANGHONG")).unwrap();
            assert_eq!(out.len(), kept, "contrast {contrast}");
        }
    }

    #[test]
    fn a_pinyin_part_washed_out_still_names_its_hanzi_line() {
        assert!(washed_part("SH", "SHI") && washed_part("ZHAN", "ZHANG"));
        assert!(!washed_part("S", "SHI") && !washed_part("HI", "SHI") && !washed_part("SHI", "SHI") && !washed_part("CHN", "CHENG"));
        // `SH` for SHI, its 史 not found: looked for over it, as over a whole pinyin line.
        let model = Rows::new(vec![vec![vec![], vec![('史', 0.6)], vec![]]]);
        let read = vec![line_at(46.5, 49.0, 28.2, "SH", 0.8), line_at(46.5, 52.0, 35.8, "航红", 0.96), line_at(46.5, 62.0, 39.4, "HANGHONG", 0.98)];
        let out = fit_names(&model, read.clone(), ("SHI", "HANGHONG"));
        assert_eq!(out.len(), 4);
        assert_eq!(out[3].reading.text(), "史");
        assert!(out[3].line.y1 <= 28.2);
        // Out of the name's column, it names nothing.
        let mut away = read;
        away[0].line.x0 = 60.0;
        away[0].line.x1 = 63.0;
        assert_eq!(fit_names(&model, away, ("SHI", "HANGHONG")).len(), 3);
    }

    #[test]
    fn hanzi_spelling_the_whole_name_over_a_washed_pinyin_stay() {
        // `YAN,` of `YAN, YING` (YING in glare): 严英 spells the whole name and is left as read.
        let model = Rows::new(vec![vec![vec![('严', 0.9)], vec![]]]);
        let read = vec![line_at(45.0, 50.0, 23.0, "严英", 0.9), line_at(45.0, 49.0, 26.5, "YAN,", 0.9)];
        assert_eq!(fit_names(&model, read, ("YAN", "YING"))[0].reading.text(), "严英");
    }

    fn find_part(model: &Rows, read: Vec<ReadLine>, names: (&str, &str)) -> Vec<ReadLine> {
        let (prepared, frame) = blank_page();
        ChineseReader::new(model).find_missing_name_part(&prepared, &frame, read, names).unwrap()
    }

    #[test]
    fn a_name_part_lost_to_glare_is_looked_for_where_the_layout_puts_it() {
        // 黎/LI read, 旭榕/XURONG not found at all; the sex line 女/F two name rows below 黎.
        let read = || vec![line_at(45.0, 47.5, 23.6, "黎", 0.99), line_at(45.0, 47.0, 26.9, "LI", 0.9), line_at(45.0, 50.0, 45.4, "女/F", 0.9)];
        let faint = vec![vec![], vec![('旭', 0.4)], vec![], vec![('榕', 0.2), ('容', 0.1)], vec![]];
        let out = find_part(&Rows::new(vec![faint.clone()]), read(), ("LI", "XURONG"));
        assert_eq!(out.len(), 4);
        let found = out.iter().find(|r| r.reading.text() == "旭榕").expect("found");
        assert!((found.line.y0 - 34.5).abs() < 1.0 && found.line.x0 == 45.0, "{:?}", found.line);
        // Hardly anything there (a glare's faint print reads as blank paper would): the
        // likeliest is kept, doubtful (without it the name is wrong anyway).
        let blank = vec![vec![], vec![('旭', 0.05)], vec![], vec![('榕', 0.01)], vec![]];
        let out = find_part(&Rows::new(vec![blank]), read(), ("LI", "XURONG"));
        let found = out.iter().find(|r| r.reading.text() == "旭榕").expect("found");
        assert!(found.reading.min_p() <= 0.01);
        // The surname lost instead: looked for a name row above the given names.
        let read2 = vec![line_at(45.0, 50.0, 34.5, "旭榕", 0.99), line_at(45.0, 55.0, 37.8, "XURONG", 0.9), line_at(45.0, 50.0, 45.4, "女/F", 0.9)];
        let out = find_part(&Rows::new(vec![vec![vec![], vec![('黎', 0.5)], vec![]]]), read2, ("LI", "XURONG"));
        let found = out.iter().find(|r| r.reading.text() == "黎").expect("found");
        assert!((found.line.y0 - 23.6).abs() < 1.0, "{:?}", found.line);
        // A surname among the listed surnames of its pinyin (ZHUANG: only 庄; LI: 李, 黎 …).
        let read3 = vec![line_at(45.0, 50.0, 34.5, "萍", 0.9), line_at(45.0, 55.0, 37.8, "PING", 0.9), line_at(45.0, 50.0, 45.4, "女/F", 0.9)];
        let out = find_part(&Rows::new(vec![vec![vec![], vec![('庄', 0.01), ('李', 0.01)], vec![]]]), read3.clone(), ("ZHUANG", "PING"));
        assert_eq!(out.iter().find(|r| r.line.y0 < 30.0).map(|r| r.reading.text()).as_deref(), Some("庄"));
        let out = find_part(&Rows::new(vec![vec![vec![], vec![('庄', 0.01), ('李', 0.01)], vec![]]]), read3, ("LI", "PING"));
        assert_eq!(out.iter().find(|r| r.line.y0 < 30.0).map(|r| r.reading.text()).as_deref(), Some("李"));
        // A line read near that row already (its pinyin misread): nothing is added.
        let mut near = read();
        near.push(line_at(45.0, 50.0, 34.0, "旭", 0.5));
        assert_eq!(find_part(&Rows::new(vec![faint.clone()]), near, ("LI", "XURONG")).len(), 4);
        // Both parts named, or one-part names: nothing is looked for.
        let mut both = read();
        both.push(line_at(45.0, 55.0, 37.8, "XURONG", 0.9));
        assert_eq!(find_part(&Rows::new(vec![faint.clone()]), both, ("LI", "XURONG")).len(), 4);
        assert_eq!(find_part(&Rows::new(vec![faint]), read(), ("LI", "")).len(), 3);
    }

    #[test]
    fn a_whole_name_washed_out_after_its_surname_is_read_on_along_its_row() {
        // 王/WANG read, 爱湖 and `, AIHU` in glare; the sex line one row below: the one-label
        // layout, its row read on.
        let read = || vec![line_at(45.0, 47.5, 23.6, "王", 0.99), line_at(45.0, 50.0, 26.9, "WANG", 0.9), line_at(45.0, 50.0, 33.6, "女/F", 0.9)];
        let faint = vec![vec![('王', 0.9)], vec![], vec![('爱', 0.4)], vec![], vec![('湖', 0.2), ('胡', 0.1)], vec![]];
        let out = find_part(&Rows::new(vec![faint.clone()]), read(), ("WANG", "AIHU"));
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].reading.text(), "王爱湖");
        assert!(out[0].line.x0 == 45.0 && out[0].line.x1 > 52.0, "{:?}", out[0].line);
        // Hardly anything there: read on all the same, doubtful.
        let blank = vec![vec![('王', 0.9)], vec![], vec![('爱', 0.05)], vec![], vec![('湖', 0.01)], vec![]];
        let out = find_part(&Rows::new(vec![blank]), read(), ("WANG", "AIHU"));
        assert!(out[0].reading.text() == "王爱湖" && out[0].reading.min_p() <= 0.01);
        // Another surname read there: not this name.
        let other = vec![vec![('汪', 0.9)], vec![], vec![('爱', 0.4)], vec![], vec![('湖', 0.3)], vec![]];
        assert_eq!(find_part(&Rows::new(vec![other]), read(), ("WANG", "AIHU"))[0].reading.text(), "王");
    }

    fn find_whole(model: &Rows, read: Vec<ReadLine>, names: (&str, &str)) -> Vec<ReadLine> {
        let (prepared, frame) = blank_page();
        ChineseReader::new(model).find_washed_out_whole_name(&prepared, &frame, read, names).unwrap()
    }

    #[test]
    fn a_whole_name_washed_out_before_its_given_names_is_looked_for_over_them() {
        // 苏军 over `SU, JUN`: the glare took 苏, `SU,`, 军's line and the sex's 男; `JUN`
        // starts 5.4 mm right of the dates' column. The row over it, from the column, spells
        // the whole name: 苏 (the commonest SU surname) where nothing is left to tell it from 宿.
        let read = || vec![line_at(56.0, 60.0, 24.8, "JUN", 0.99), line_at(53.6, 56.0, 32.4, "/M", 0.9), line_at(50.6, 69.6, 39.8, "187月/JUL1955", 0.9)];
        let blank = vec![vec![], vec![('苏', 0.001), ('宿', 0.002)], vec![], vec![('军', 0.9)], vec![]];
        let out = find_whole(&Rows::new(vec![blank]), read(), ("SU", "JUN"));
        assert_eq!(out.len(), 4);
        assert_eq!(out[0].reading.text(), "苏军");
        assert!(out[0].reading.min_p() < 0.01);
        assert!(out[0].line.x0 == 50.6 && out[0].line.y1 < 24.8 && out[0].line.y1 > 22.0, "{:?}", out[0].line);
        // Printed plainly, the surname read is kept (宿 over 苏).
        let plain = vec![vec![], vec![('苏', 0.05), ('宿', 0.9)], vec![], vec![('军', 0.9)], vec![]];
        assert_eq!(find_whole(&Rows::new(vec![plain.clone()]), read(), ("SU", "JUN"))[0].reading.text(), "宿军");
        // The given names' pinyin at the column (the split layout, its surname pair elsewhere),
        // hanzi already read over it, or the surname's pinyin read: nothing is added.
        let mut at_column = read();
        at_column[0].line.x0 = 50.6;
        assert_eq!(find_whole(&Rows::new(vec![plain.clone()]), at_column, ("SU", "JUN")).len(), 3);
        let mut with_han = read();
        with_han.push(line_at(57.0, 59.5, 21.5, "军", 0.9));
        assert_eq!(find_whole(&Rows::new(vec![plain.clone()]), with_han, ("SU", "JUN")).len(), 4);
        let mut named = read();
        named[0].reading = read_line(24.8, "SU, JUN", 0.9).reading;
        assert_eq!(find_whole(&Rows::new(vec![plain]), named, ("SU", "JUN")).len(), 3);
    }

    #[test]
    fn a_name_line_missing_its_first_glyph_is_read_from_the_column() {
        // 飞桂 over FEIGUI, 飞 and F washed out: the lines start 2.7 and 1.6 mm right of the
        // sex's column. The given names are read from the column; the surname 汤, not found at
        // all, is looked for a name row higher in that column.
        let given = vec![vec![], vec![('飞', 0.9)], vec![], vec![('桂', 0.9)], vec![]];
        let surname = vec![vec![], vec![('汤', 0.9)], vec![]];
        let model = Rows::new(vec![given, surname]);
        let read = vec![line_at(48.6, 50.5, 31.4, "桂", 0.4), line_at(47.5, 53.8, 34.6, "EIGUI", 0.97), line_at(45.9, 51.2, 40.9, "男/M", 0.9)];
        let read = fit_names(&model, read, ("TANG", "FEIGUI"));
        assert_eq!(read[0].reading.text(), "飞桂");
        assert_eq!(read[0].line.x0, 45.9);
        let read = find_part(&model, read, ("TANG", "FEIGUI"));
        let found = read.iter().find(|r| r.reading.text() == "汤").expect("found");
        assert!(found.line.x0 == 45.9 && (found.line.y0 - 21.9).abs() < 1.0, "{:?}", found.line);
        // A column further left is another column: the line is read where it is.
        let model = Rows::new(vec![vec![vec![], vec![('飞', 0.9)], vec![], vec![('桂', 0.9)], vec![]]]);
        let read = vec![line_at(48.6, 50.5, 31.4, "桂", 0.4), line_at(47.5, 53.8, 34.6, "EIGUI", 0.97), line_at(43.0, 48.0, 40.9, "男/M", 0.9)];
        assert_eq!(fit_names(&model, read, ("TANG", "FEIGUI"))[0].line.x0, 48.6);
    }

    #[test]
    fn a_pinyin_line_missing_its_first_syllables_names_its_hanzi_line() {
        assert!(washed_end("DAI", "LIUDAI") && washed_end("HONG", "HANGHONG"));
        assert!(!washed_end("UDAI", "LIUDAI") && !washed_end("AI", "LIUDAI") && !washed_end("DAI", "LIUDAIXIN") && !washed_end("LIUDAI", "LIUDAI"));
        // 贺六黛: `DAI` 4.5 mm right of HE, 黛 read as 贸 over it (六 and LIU in glare): the given
        // names are read from the column, to spell LIUDAI.
        let model = Rows::new(vec![vec![vec![], vec![('六', 0.5)], vec![], vec![('贸', 0.6), ('黛', 0.3)], vec![]]]);
        let read = || {
            vec![
                line_at(43.6, 46.0, 22.2, "贺", 0.6),
                line_at(43.5, 46.9, 25.8, "HE", 0.99),
                line_at(46.6, 48.6, 31.6, "贸", 0.16),
                line_at(48.0, 51.9, 35.0, "DAI", 0.98),
                line_at(43.6, 64.0, 47.0, "121月/JAN1945", 0.9),
            ]
        };
        let out = fit_names(&model, read(), ("HE", "LIUDAI"));
        assert_eq!(out[2].reading.text(), "六黛");
        assert_eq!(out[2].line.x0, 43.6);
        // Further right than the three washed letters could be: not the name's.
        let keys = ["HE".to_string(), "LIUDAI".to_string(), "HELIUDAI".to_string()];
        assert!(name_pinyin_lines(&read(), &keys).contains(&(3, "LIUDAI".to_string())));
        let mut far = read();
        far[3].line.x0 = 53.0;
        far[3].line.x1 = 57.0;
        assert_eq!(name_pinyin_lines(&far, &keys), vec![(1, "HE".to_string())]);
    }

    #[test]
    fn a_short_whole_name_missing_a_letter_names_its_hanzi_line() {
        // 顾纪 GU, JI: its pinyin read `GU,I`, its hanzi `纪`: read again to spell GUJI.
        let keys = ["GU".to_string(), "JI".to_string(), "GUJI".to_string()];
        let read = || vec![line_at(47.1, 52.1, 23.1, "纪", 0.97), line_at(47.1, 54.0, 26.5, "GU,I", 0.68), line_at(47.2, 52.6, 34.0, "男/M", 0.84)];
        assert_eq!(name_pinyin_lines(&read(), &keys), vec![(1, "GUJI".to_string())]);
        let model = Rows::new(vec![vec![vec![('顾', 0.5)], vec![], vec![('纪', 0.9)], vec![]]]);
        assert_eq!(fit_names(&model, read(), ("GU", "JI"))[0].reading.text(), "顾纪");
        // Two letters of four are not enough.
        let mut short = read();
        short[1].reading = line_at(47.1, 50.0, 26.5, "GU,", 0.68).reading;
        assert_eq!(name_pinyin_lines(&short, &keys), vec![(1, "GU".to_string())]);
    }

    fn fit_unpaired(model: &Rows, read: Vec<ReadLine>, names: (&str, &str)) -> Vec<ReadLine> {
        let (prepared, frame) = blank_page();
        ChineseReader::new(model).fit_unpaired_name_hanzi(&prepared, &frame, read, names).unwrap()
    }

    #[test]
    fn unpaired_name_hanzi_are_read_to_spell_their_part() {
        // 梁 read as 果, LIANG and LIOU unread: the upper of the two hanzi lines above the sex is
        // the surname. The title (hanzi too) is no name line.
        let read = || {
            vec![
                line_at(46.2, 76.6, 9.4, "中华人民共和国护照", 0.99),
                line_at(46.4, 48.2, 28.9, "果", 0.37),
                line_at(46.1, 50.6, 38.9, "礼欧", 0.99),
                line_at(46.0, 50.1, 49.0, "女/F", 0.9),
            ]
        };
        let unpaired = |model: &Rows, read: Vec<ReadLine>| fit_unpaired(model, read, ("LIANG", "LIOU"));
        let model = Rows::new(vec![vec![vec![], vec![('果', 0.4), ('梁', 0.25)], vec![]]]);
        let out = unpaired(&model, read());
        assert_eq!(out[1].reading.text(), "梁");
        assert_eq!(out[2].reading.text(), "礼欧");
        // Hardly anything spelling LIANG there: fitted all the same (果 is ruled out), doubtful.
        let model = Rows::new(vec![vec![vec![], vec![('果', 0.9), ('梁', 0.05)], vec![]]]);
        let out = unpaired(&model, read());
        assert!(out[1].reading.text() == "梁" && out[1].reading.min_p() <= 0.05);
        // Three hanzi lines: which is which is not known, nothing is read.
        let model = Rows::new(vec![vec![vec![], vec![('果', 0.4), ('梁', 0.25)], vec![]]]);
        let mut three = read();
        three.push(line_at(46.0, 48.0, 33.0, "东", 0.9));
        assert_eq!(unpaired(&model, three)[1].reading.text(), "果");
    }

    #[test]
    fn blurred_name_lines_are_known_by_their_rows() {
        // 易 read as `8`, YI as `V`, the sex as `H/M`: the four lines above the sex, two
        // close pairs evenly spaced with it, are the names; the surname is fitted among the
        // surnames read YI, however doubtfully.
        let read = || {
            vec![
                line_at(44.4, 46.4, 21.4, "8", 0.33),
                line_at(44.2, 46.2, 24.5, "V", 0.34),
                line_at(44.4, 46.5, 31.8, "光", 0.36),
                line_at(44.2, 52.5, 34.6, "GUANG", 0.97),
                line_at(44.5, 49.4, 41.6, "H/M", 0.29),
                line_at(44.2, 64.6, 48.9, "0611月/NOV1946", 0.78),
            ]
        };
        let fit = |model: &Rows, read: Vec<ReadLine>| fit_unpaired(model, read, ("YI", "GUANG"));
        // 亦 (YI, no listed surname) likelier than 易: the surname is still 易.
        let model = Rows::new(vec![vec![vec![], vec![('8', 0.9), ('亦', 0.05), ('易', 0.001)], vec![]]]);
        let out = fit(&model, read());
        assert_eq!(out[0].reading.text(), "易");
        assert!(out[0].reading.min_p() < 0.01);
        assert_eq!(out[2].reading.text(), "光");
        // The surname's pinyin 1.5 mm under its hanzi (尹 read `P`, its box short): a pair still.
        let mut lower = read();
        lower[1].line.y0 = 25.3;
        lower[1].line.y1 = 27.7;
        assert_eq!(fit(&model, lower)[0].reading.text(), "易");
        // The rows unevenly spaced (a line missing, the lines below it taken for names):
        // nothing is read.
        let model = Rows::new(vec![vec![vec![], vec![('8', 0.9), ('易', 0.001)], vec![]]]);
        let mut uneven = read();
        uneven[0].line.y0 = 18.0;
        uneven[0].line.y1 = 20.4;
        assert_eq!(fit(&model, uneven)[0].reading.text(), "8");
        let mut three = read();
        three.remove(1);
        assert_eq!(fit(&model, three)[0].reading.text(), "8");
        // The sex read as a hanzi (女 as 文, one date pitch above the birth date): no name line.
        let model = Rows::new(vec![vec![vec![], vec![('8', 0.9), ('易', 0.001)], vec![]]]);
        let mut sex_as_han = read();
        sex_as_han[4] = line_at(44.5, 46.5, 41.6, "文", 0.4);
        sex_as_han.push(line_at(44.2, 64.6, 56.2, "0611月/NOV2016", 0.8));
        sex_as_han.push(line_at(44.2, 64.6, 63.5, "0511月/NOV2026", 0.8));
        let out = fit(&model, sex_as_han);
        assert_eq!((out[0].reading.text().as_str(), out[4].reading.text().as_str()), ("易", "文"));
    }

    #[test]
    fn the_english_authority_waits_for_the_hanzi_one() {
        let at = |x0: f32, x1: f32, y0: f32, h: f32| TextLine { x0, x1, ..line(y0, h, 0.8) };
        let values = [
            at(45.0, 67.0, 53.0, 2.9), // date
            at(80.6, 101.2, 53.0, 3.0), // place of issue
            at(45.0, 67.0, 59.1, 2.9),  // date, a label's height below the one above
            at(80.6, 100.2, 59.0, 2.9), // 国家移民管理局
            at(80.6, 121.5, 62.2, 2.3), // National Immigration Administration, PRC
            at(45.0, 50.0, 20.0, 2.9),  // a hanzi name
            at(45.0, 66.0, 23.1, 2.3),  // its long pinyin
        ];
        let (now, later) = english_authority_candidates(&values);
        assert_eq!(later, vec![values[4]]);
        assert_eq!(now.len(), 6);
    }

    #[test]
    fn dim_page_title_does_not_hide_the_values() {
        // A dim page: the title prints darker (0.66–0.68) than the values (0.45–0.51), the
        // labels lighter still (0.37–0.41).
        let mut found = vec![line(5.0, 2.6, 0.68), line(5.0, 2.6, 0.66)];
        for (i, c) in [0.47, 0.49, 0.49, 0.51, 0.47, 0.50, 0.46, 0.45, 0.45, 0.49, 0.46].into_iter().enumerate() {
            found.push(line(15.0 + 4.0 * i as f32, 2.3, c));
        }
        for (i, c) in [0.39, 0.40, 0.38, 0.41, 0.39, 0.38].into_iter().enumerate() {
            found.push(line(13.0 + 6.0 * i as f32, 1.4, c));
        }
        let t = value_threshold(&found);
        let values = select_value_lines(&found, t);
        assert_eq!(values.iter().filter(|l| l.height() > 2.0).count(), 11, "threshold {t}");
    }

    #[test]
    fn a_blurred_line_is_cropped_with_steep_strokes() {
        // Vertical strokes 2 px wide every 3 mm at 6 px/mm, blurred by 2 px: the crop's
        // strokes are steepened, so few columns of its middle row are mid-grey.
        let (w, h) = (900usize, 700usize);
        let plane: Vec<f32> = (0..w * h).map(|i| if (i % w) % 18 < 2 { 60.0 } else { 200.0 }).collect();
        let blurred = sharpen::gaussian(&plane, w, h, 2.0);
        let img = image::GrayImage::from_raw(w as u32, h as u32, blurred.iter().map(|v| v.round() as u8).collect()).unwrap();
        let prepared = Prepared::from_luma(img);
        let frame = PageFrame { ox: 100.0, oy: 600.0, ux: 1.0, uy: 0.0, scale: 6.0, mrz_top_mm: 78.0 };
        let model = text::tests::Fixed::new(&["x"]);
        let strip = ChineseReader::new(&model).crop(&prepared, &frame, &TextLine { x1: 60.0, ..line(20.0, 2.4, 0.8) });
        let row = &strip.data[TEXT_HEIGHT / 2 * strip.width..(TEXT_HEIGHT / 2 + 1) * strip.width];
        let used = (strip.width as f32 * 0.9) as usize;
        let grey = row[..used].iter().filter(|v| v.abs() < 0.5).count();
        let dark = row[..used].iter().filter(|&&v| v < -0.5).count();
        assert!(dark > 0, "no stroke in the crop");
        // 36 of 216 sharpened, 45 without.
        assert!(grey <= 40, "{grey} mid-grey columns of {used}");
    }
}
