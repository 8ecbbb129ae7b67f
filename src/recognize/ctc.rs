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
    let path: Vec<usize> = (0..steps).map(|t| argmax(row(t))).collect();
    from_path(log_probs, classes, &path)
}

/// The most probable path (Viterbi) that spells exactly `n` characters, or `None` when no path
/// can (too few time steps). Used when the best path has a character too many or too few:
/// an MRZ line's length is known, and the characters the constraint forces keep their own low
/// probabilities, so the check digits still decide whether the line is right.
pub fn decode_len(log_probs: &[f32], steps: usize, classes: usize, n: usize) -> Option<LineReading> {
    const NONE: f32 = f32::NEG_INFINITY;
    let lp = |t: usize, c: usize| log_probs[t * classes + c];
    let states = (n + 1) * classes;
    // score[k * classes + s]: best log-probability of a path over frames 0..=t that has emitted
    // k characters and whose frame t has label s (0 = blank).
    let mut score = vec![NONE; states];
    let mut next = vec![NONE; states];
    // back[t][k * classes + s]: the label of frame t - 1 on that best path.
    let mut back = vec![0u8; steps * states];
    score[0] = lp(0, 0);
    for c in 1..classes {
        if n >= 1 {
            score[classes + c] = lp(0, c);
        }
    }
    for t in 1..steps {
        next.fill(NONE);
        for k in 0..=n {
            let here = &score[k * classes..(k + 1) * classes];
            // The best and second-best labels at (t - 1, k), to extend with a new character.
            let (mut b1, mut b2) = (0usize, usize::MAX);
            for s in 1..classes {
                if here[s] > here[b1] {
                    b2 = b1;
                    b1 = s;
                } else if b2 == usize::MAX || here[s] > here[b2] {
                    b2 = s;
                }
            }
            // Blank: stays at k.
            if here[b1] > NONE {
                let v = here[b1] + lp(t, 0);
                if v > next[k * classes] {
                    next[k * classes] = v;
                    back[t * states + k * classes] = b1 as u8;
                }
            }
            for c in 1..classes {
                // The same character continues: stays at k.
                if here[c] > NONE {
                    let v = here[c] + lp(t, c);
                    if v > next[k * classes + c] {
                        next[k * classes + c] = v;
                        back[t * states + k * classes + c] = c as u8;
                    }
                }
                // A new character: from any other label at k, to k + 1.
                if k < n {
                    let from = if b1 != c { b1 } else { b2 };
                    if from != usize::MAX && here[from] > NONE {
                        let v = here[from] + lp(t, c);
                        if v > next[(k + 1) * classes + c] {
                            next[(k + 1) * classes + c] = v;
                            back[t * states + (k + 1) * classes + c] = from as u8;
                        }
                    }
                }
            }
        }
        std::mem::swap(&mut score, &mut next);
    }
    let last = &score[n * classes..(n + 1) * classes];
    let mut s = (0..classes).max_by(|&a, &b| last[a].total_cmp(&last[b]))?;
    if last[s] == NONE {
        return None;
    }
    let mut path = vec![0usize; steps];
    let mut k = n;
    for t in (0..steps).rev() {
        path[t] = s;
        if t == 0 {
            break;
        }
        let prev = back[t * states + k * classes + s] as usize;
        if s != 0 && prev != s {
            k -= 1;
        }
        s = prev;
    }
    Some(from_path(log_probs, classes, &path))
}

/// The text of a path (labels per time step, repeats merged, blanks dropped) with each
/// character's candidates taken at the step of its segment where it is most probable.
fn from_path(log_probs: &[f32], classes: usize, path: &[usize]) -> LineReading {
    let row = |t: usize| &log_probs[t * classes..(t + 1) * classes];
    let steps = path.len();
    let mut text = String::new();
    let mut candidates = Vec::new();
    let mut t = 0;
    while t < steps {
        let k = path[t];
        if k == 0 {
            t += 1;
            continue;
        }
        // The segment of consecutive steps labelled k.
        let start = t;
        while t < steps && path[t] == k {
            t += 1;
        }
        let peak = (start..t).max_by(|&a, &b| row(a)[k].total_cmp(&row(b)[k])).unwrap_or(start);
        let probs: Vec<f32> = row(peak).iter().map(|v| v.exp()).collect();
        let non_blank: f32 = probs[1..].iter().sum::<f32>().max(1e-9);
        let mut ranked: Vec<(usize, f32)> = probs.iter().enumerate().skip(1).map(|(i, &p)| (i, p / non_blank)).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        // The path's own label first: a forced character keeps its (low) probability.
        if let Some(pos) = ranked.iter().position(|&(i, _)| i == k) {
            let own = ranked.remove(pos);
            ranked.insert(0, own);
        }
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

    #[test]
    fn a_doubled_character_is_merged_when_the_length_is_known() {
        let text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
        let mut lp = spell(text, TIME_STEPS, NUM_CLASSES, 0.98);
        // A second '<' after the last one, with a blank between: greedy reads 45 characters.
        let a = CLASSES.iter().position(|&c| c == b'<').unwrap() + 1;
        let t = 2 * 43 + 1 + 2;
        let row = &mut lp[t * NUM_CLASSES..(t + 1) * NUM_CLASSES];
        row.fill((0.01f32).ln());
        row[a] = (0.55f32).ln();
        row[0] = (0.45f32).ln();
        let greedy = decode(&lp, TIME_STEPS, NUM_CLASSES);
        assert_eq!(greedy.text.len(), 45, "{}", greedy.text);
        let fixed = decode_len(&lp, TIME_STEPS, NUM_CLASSES, 44).unwrap();
        assert_eq!(fixed.text, text);
        assert_eq!(fixed.candidates.len(), 44);
    }

    #[test]
    fn a_dropped_character_is_restored_with_its_low_probability() {
        let text = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
        let mut lp = spell(text, TIME_STEPS, NUM_CLASSES, 0.98);
        // The '7' at position 13 fades: blank 0.7, '7' 0.25.
        let four = CLASSES.iter().position(|&c| c == b'7').unwrap() + 1;
        let t = 2 * 13 + 1;
        let row = &mut lp[t * NUM_CLASSES..(t + 1) * NUM_CLASSES];
        row.fill((0.05f32 / 36.0).ln());
        row[0] = (0.7f32).ln();
        row[four] = (0.25f32).ln();
        assert_eq!(decode(&lp, TIME_STEPS, NUM_CLASSES).text.len(), 43);
        let fixed = decode_len(&lp, TIME_STEPS, NUM_CLASSES, 44).unwrap();
        assert_eq!(fixed.text, text);
        let c = &fixed.candidates[13];
        assert_eq!(c[0].ch, b'7');
        assert!(c[0].p > 0.5, "{:?}", c);
    }

    #[test]
    fn the_constrained_path_agrees_with_the_greedy_one_when_the_length_is_right() {
        let text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
        let lp = spell(text, TIME_STEPS, NUM_CLASSES, 0.9);
        assert_eq!(decode_len(&lp, TIME_STEPS, NUM_CLASSES, 44).unwrap(), decode(&lp, TIME_STEPS, NUM_CLASSES));
        // More characters than a CTC path of 92 steps can spell with these repeats: none.
        assert!(decode_len(&lp, 3, NUM_CLASSES, 44).is_none());
    }
}
