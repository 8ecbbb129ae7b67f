//! Stage 4, recognize: a line strip to per-position character candidates.
//!
//! The network is behind [`LineModel`], so the decoding and the pipeline around it are tested
//! with small fake models built in code; [`tract::TractLineModel`] runs the real one.

pub mod ctc;
pub mod tract;

use crate::error::Error;
use crate::mrz::Candidates;
use crate::rectify::{Strip, STRIP_HEIGHT, STRIP_WIDTH};

/// Classes of the recognizer's output: 0 is the CTC blank, then the MRZ alphabet.
pub const CLASSES: &[u8; 37] = crate::mrz::charset::ALPHABET;
/// Number of output classes including the blank.
pub const NUM_CLASSES: usize = 38;
/// Fewest output time steps a model may have: CTC needs two per character of a 44-character
/// line (a blank between repeated characters).
pub const MIN_TIME_STEPS: usize = 88;

/// A line recognizer: one strip (`1 x 1 x 32 x 368`) in, `T x NUM_CLASSES` log-probabilities out
/// (row-major by time step, `T >= MIN_TIME_STEPS`).
pub trait LineModel: Send + Sync {
    fn log_probs(&self, strip: &Strip) -> Result<Vec<f32>, Error>;
}

/// What the recognizer read on one line.
#[derive(Clone, Debug, PartialEq)]
pub struct LineReading {
    /// Best-path text.
    pub text: String,
    /// For each character of `text`, the candidates with their probabilities, best first.
    pub candidates: Vec<Candidates>,
}

impl LineReading {
    /// The lowest best-candidate probability on the line (1.0 when empty).
    pub fn min_confidence(&self) -> f32 {
        self.candidates.iter().filter_map(|c| c.first()).map(|c| c.p).fold(1.0, f32::min)
    }

    /// Mean best-candidate probability.
    pub fn mean_confidence(&self) -> f32 {
        let n = self.candidates.len().max(1) as f32;
        self.candidates.iter().filter_map(|c| c.first()).map(|c| c.p).sum::<f32>() / n
    }
}

/// Reads one strip.
pub fn read_line(model: &dyn LineModel, strip: &Strip) -> Result<LineReading, Error> {
    debug_assert_eq!(strip.data.len(), STRIP_HEIGHT * STRIP_WIDTH);
    let lp = model.log_probs(strip)?;
    let steps = check_output_len(lp.len())?;
    Ok(ctc::decode(&lp, steps, NUM_CLASSES))
}

/// Reads one strip laid out for `chars` characters. When the best path has up to
/// [`MAX_LENGTH_FIX`] characters too many or too few, the most probable path with exactly `chars`
/// characters is read instead ([`ctc::decode_len`]); a line further off is returned as read,
/// so its length still tells the caller that the layout guess was wrong.
pub fn read_line_n(model: &dyn LineModel, strip: &Strip, chars: usize) -> Result<LineReading, Error> {
    let lp = model.log_probs(strip)?;
    let steps = check_output_len(lp.len())?;
    let greedy = ctc::decode(&lp, steps, NUM_CLASSES);
    if greedy.text.len() == chars || greedy.text.len().abs_diff(chars) > MAX_LENGTH_FIX {
        return Ok(greedy);
    }
    Ok(ctc::decode_len(&lp, steps, NUM_CLASSES, chars).unwrap_or(greedy))
}

/// The readings of one line from several strips, merged position by position: each
/// candidate's probability is its mean over the readings (absent = 0), best first. `None` when
/// the readings differ in length (they were not laid out alike) or there are none.
pub fn merge_readings(readings: &[LineReading]) -> Option<LineReading> {
    let first = readings.first()?;
    let n = first.candidates.len();
    if readings.iter().any(|r| r.candidates.len() != n) {
        return None;
    }
    let k = readings.len() as f32;
    let mut text = String::with_capacity(n);
    let mut candidates = Vec::with_capacity(n);
    for pos in 0..n {
        let mut sums: Vec<(u8, f32)> = Vec::new();
        for r in readings {
            for c in &r.candidates[pos] {
                match sums.iter_mut().find(|(ch, _)| *ch == c.ch) {
                    Some(s) => s.1 += c.p,
                    None => sums.push((c.ch, c.p)),
                }
            }
        }
        sums.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut merged = Candidates::new();
        for &(ch, p) in sums.iter().take(merged.capacity()) {
            let _ = merged.push(crate::mrz::Candidate { ch, p: p / k });
        }
        text.push(char::from(merged[0].ch));
        candidates.push(merged);
    }
    Some(LineReading { text, candidates })
}

/// Most characters a line's best path may be off by and still be decoded at its known length.
pub const MAX_LENGTH_FIX: usize = 2;

/// The number of time steps in an output of `len` values, or why it is not a valid output.
pub fn check_output_len(len: usize) -> Result<usize, Error> {
    if len % NUM_CLASSES != 0 || len / NUM_CLASSES < MIN_TIME_STEPS {
        return Err(Error::Model(format!(
            "model gave {len} values; expected T x {NUM_CLASSES} with T >= {MIN_TIME_STEPS}"
        )));
    }
    Ok(len / NUM_CLASSES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mrz::Candidate;

    fn reading(pos: &[&[(u8, f32)]]) -> LineReading {
        let candidates: Vec<Candidates> =
            pos.iter().map(|cs| cs.iter().map(|&(ch, p)| Candidate { ch, p }).collect()).collect();
        LineReading { text: candidates.iter().map(|c| char::from(c[0].ch)).collect(), candidates }
    }

    #[test]
    fn merged_readings_average_each_position() {
        let a = reading(&[&[(b'O', 0.6), (b'C', 0.4)], &[(b'1', 0.9)]]);
        let b = reading(&[&[(b'C', 0.55), (b'O', 0.45)], &[(b'1', 0.8), (b'I', 0.2)]]);
        let c = reading(&[&[(b'O', 0.9)], &[(b'1', 1.0)]]);
        let m = merge_readings(&[a.clone(), b, c]).unwrap();
        assert_eq!(m.text, "O1");
        assert!((m.candidates[0][0].p - (0.6 + 0.45 + 0.9) / 3.0).abs() < 1e-6);
        assert_eq!(m.candidates[0][1].ch, b'C');
        assert!((m.candidates[1][1].p - 0.2 / 3.0).abs() < 1e-6);
        assert!(merge_readings(&[a.clone(), reading(&[&[(b'O', 1.0)]])]).is_none(), "lengths differ");
        assert!(merge_readings(&[]).is_none());
        assert_eq!(merge_readings(std::slice::from_ref(&a)).unwrap(), a);
    }
}
