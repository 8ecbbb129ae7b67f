//! CTC best-path decoding that keeps, for every character, the candidates at the time step
//! where that character is most probable.

use super::{LineReading, CLASSES};
use crate::mrz::repair::MAX_CANDIDATES;
use crate::mrz::{Candidate, Candidates};

/// Candidates whose probability is below this are dropped.
const MIN_CANDIDATE_P: f32 = 0.01;

/// Decodes `steps x classes` log-probabilities (class 0 = blank).
pub fn decode(log_probs: &[f32], steps: usize, classes: usize) -> LineReading {
    let row = |t: usize| &log_probs[t * classes..(t + 1) * classes];
    let argmax = |r: &[f32]| r.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(i, _)| i);
    let mut text = String::new();
    let mut candidates = Vec::new();
    let mut t = 0;
    while t < steps {
        let k = argmax(row(t));
        if k == 0 {
            t += 1;
            continue;
        }
        // The segment of consecutive steps whose best class is k.
        let start = t;
        while t < steps && argmax(row(t)) == k {
            t += 1;
        }
        let peak = (start..t).max_by(|&a, &b| row(a)[k].total_cmp(&row(b)[k])).unwrap_or(start);
        let probs: Vec<f32> = row(peak).iter().map(|v| v.exp()).collect();
        let non_blank: f32 = probs[1..].iter().sum::<f32>().max(1e-9);
        let mut ranked: Vec<(usize, f32)> = probs.iter().enumerate().skip(1).map(|(i, &p)| (i, p / non_blank)).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut c = Candidates::new();
        for &(i, p) in ranked.iter().take(MAX_CANDIDATES) {
            if c.is_empty() || p >= MIN_CANDIDATE_P {
                let _ = c.push(Candidate { ch: CLASSES[i - 1], p });
            }
        }
        text.push(CLASSES[k - 1] as char);
        candidates.push(c);
    }
    LineReading { text, candidates }
}

/// Log-probabilities that spell `text` with certainty `p` per character: each character on two
/// time steps followed by blanks. For tests and fake models.
pub fn spell(text: &str, steps: usize, classes: usize, p: f32) -> Vec<f32> {
    let mut out = vec![0f32; steps * classes];
    let rest = ((1.0 - p) / (classes - 1) as f32).max(1e-6).ln();
    for t in 0..steps {
        let row = &mut out[t * classes..(t + 1) * classes];
        row.fill(rest);
        row[0] = p.ln();
    }
    for (i, ch) in text.bytes().enumerate() {
        let Some(k) = CLASSES.iter().position(|&c| c == ch) else { continue };
        let t = 2 * i + 1;
        if t < steps {
            let row = &mut out[t * classes..(t + 1) * classes];
            row.fill(rest);
            row[k + 1] = p.ln();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::NUM_CLASSES;
    const TIME_STEPS: usize = 92;

    #[test]
    fn spelled_text_decodes_back() {
        let text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
        let r = decode(&spell(text, TIME_STEPS, NUM_CLASSES, 0.98), TIME_STEPS, NUM_CLASSES);
        assert_eq!(r.text, text);
        assert_eq!(r.candidates.len(), 44);
        assert!(r.min_confidence() > 0.95);
    }

    #[test]
    fn repeats_need_a_blank_and_runners_up_are_kept() {
        let (steps, classes) = (6, NUM_CLASSES);
        let mut lp = vec![(1e-4f32).ln(); steps * classes];
        let set = |lp: &mut Vec<f32>, t: usize, k: usize, p: f32| lp[t * classes + k] = p.ln();
        // '0' '0' (same segment) → one '0'; blank; 'O' at 0.6 vs '0' at 0.4.
        set(&mut lp, 0, 1, 0.9);
        set(&mut lp, 1, 1, 0.95);
        set(&mut lp, 2, 0, 0.99);
        let o = CLASSES.iter().position(|&c| c == b'O').unwrap() + 1;
        set(&mut lp, 3, o, 0.6);
        set(&mut lp, 3, 1, 0.4);
        set(&mut lp, 4, 0, 0.99);
        set(&mut lp, 5, 0, 0.99);
        let r = decode(&lp, steps, classes);
        assert_eq!(r.text, "<O");
        let c = &r.candidates[1];
        assert_eq!(c[0].ch, b'O');
        assert_eq!(c[1].ch, b'<');
        assert!((c[0].p - 0.6).abs() < 0.01);
    }
}
