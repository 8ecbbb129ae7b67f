//! Fusion: per-character probabilities from successive frames of one presentation, combined
//! into one reading. Each frame's MRZ lines (already in reading order) vote at every position;
//! frames are grouped by zone shape (lines x characters), and the group with the most frames is
//! repaired by the MRZ engine as if it were one frame read very well.

use crate::mrz::repair::{Candidate, Candidates, Repaired, MAX_CANDIDATES};
use crate::mrz::{self, Ymd};
use crate::pipeline::ZoneReading;
use crate::recognize::CLASSES;

/// Least probability assumed for a class a frame did not list among its candidates (they share
/// what the listed ones leave): a frame sure of one character does not veto another outright.
const FLOOR_P: f32 = 1e-4;

/// Summed log-probabilities of one zone shape.
#[derive(Clone, Debug)]
struct Group {
    line_len: usize,
    /// `[line][position][class]`.
    scores: Vec<Vec<[f32; 37]>>,
    frames: u32,
    first: u64,
    last: u64,
}

impl Group {
    fn new(lines: usize, line_len: usize) -> Group {
        Group { line_len, scores: vec![vec![[0.0; 37]; line_len]; lines], frames: 0, first: u64::MAX, last: 0 }
    }

    fn fits(&self, r: &ZoneReading) -> bool {
        r.lines.len() == self.scores.len() && r.lines.iter().all(|l| l.candidates.len() == self.line_len)
    }

    fn add(&mut self, r: &ZoneReading, frame: u64) {
        for (line, reading) in self.scores.iter_mut().zip(&r.lines) {
            for (pos, cands) in line.iter_mut().zip(&reading.candidates) {
                let listed: f32 = cands.iter().map(|c| c.p.max(0.0)).sum();
                let unlisted = (37 - cands.len()).max(1) as f32;
                let mut p = [((1.0 - listed).max(0.0) / unlisted).max(FLOOR_P); 37];
                for c in cands {
                    if let Some(k) = CLASSES.iter().position(|&x| x == c.ch) {
                        p[k] = c.p.max(FLOOR_P);
                    }
                }
                for (s, q) in pos.iter_mut().zip(p) {
                    *s += q.ln();
                }
            }
        }
        self.frames += 1;
        self.first = self.first.min(frame);
        self.last = self.last.max(frame);
    }

    /// The fused candidates: a product of the frames' distributions, tempered by the square
    /// root of the frame count (frames of one presentation are not independent views).
    fn candidates(&self) -> Vec<Vec<Candidates>> {
        let temper = 1.0 / (self.frames.max(1) as f32).sqrt();
        self.scores
            .iter()
            .map(|line| {
                line.iter()
                    .map(|s| {
                        let max = s.iter().copied().fold(f32::MIN, f32::max);
                        let w: Vec<f32> = s.iter().map(|&v| ((v - max) * temper).exp()).collect();
                        let total: f32 = w.iter().sum();
                        let mut ranked: Vec<(usize, f32)> = w.iter().map(|&v| v / total).enumerate().collect();
                        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
                        let mut c = Candidates::new();
                        for &(k, p) in ranked.iter().take(MAX_CANDIDATES) {
                            if c.is_empty() || p >= 0.01 {
                                let _ = c.push(Candidate { ch: CLASSES[k], p });
                            }
                        }
                        c
                    })
                    .collect()
            })
            .collect()
    }
}

/// The fusion of one presentation's readings.
#[derive(Clone, Debug, Default)]
pub struct Fusion {
    groups: Vec<Group>,
}

/// A fused reading.
#[derive(Clone, Debug)]
pub struct Fused {
    pub repaired: Repaired,
    /// Frames that went into it.
    pub frames: u32,
    pub first: u64,
    pub last: u64,
}

impl Fusion {
    pub fn new() -> Fusion {
        Fusion::default()
    }

    /// Adds one frame's reading.
    pub fn add(&mut self, reading: &ZoneReading, frame: u64) {
        if reading.lines.is_empty() {
            return;
        }
        match self.groups.iter_mut().find(|g| g.fits(reading)) {
            Some(g) => g.add(reading, frame),
            None => {
                let mut g = Group::new(reading.lines.len(), reading.lines[0].candidates.len());
                if g.fits(reading) {
                    g.add(reading, frame);
                    self.groups.push(g);
                }
            }
        }
    }

    /// Frames added so far (all shapes).
    pub fn frames(&self) -> u32 {
        self.groups.iter().map(|g| g.frames).sum()
    }

    /// The fused reading of the best-supported zone shape, repaired.
    pub fn fused(&self, today: Ymd) -> Option<Fused> {
        let g = self.groups.iter().max_by_key(|g| g.frames)?;
        let cands = g.candidates();
        let refs: Vec<&[Candidates]> = cands.iter().map(Vec::as_slice).collect();
        let repaired = mrz::repair(&refs, today).ok()?;
        Some(Fused { repaired, frames: g.frames, first: g.first, last: g.last })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::locate::Zone;
    use crate::recognize::{ctc, LineReading, NUM_CLASSES};

    const L1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    const L2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

    pub(crate) fn today() -> Ymd {
        Ymd { year: 2026, month: 11, day: 30 }
    }

    /// A reading whose every character is `p`-certain, except `swap` = (line, pos, char, p_wrong):
    /// there the wrong character wins with `p_wrong` and the right one is second.
    pub(crate) fn reading(p: f32, swap: Option<(usize, usize, u8, f32)>) -> ZoneReading {
        let lines: Vec<LineReading> = [L1, L2]
            .iter()
            .enumerate()
            .map(|(li, text)| {
                let steps = 2 * text.len() + 4;
                let lp = ctc::spell(text, steps, NUM_CLASSES, p);
                let mut r = ctc::decode(&lp, steps, NUM_CLASSES);
                if let Some((l, pos, ch, pw)) = swap.filter(|s| s.0 == li) {
                    let right = text.as_bytes()[pos];
                    let mut c = Candidates::new();
                    c.push(Candidate { ch, p: pw }).unwrap();
                    c.push(Candidate { ch: right, p: 1.0 - pw }).unwrap();
                    r.candidates[pos] = c;
                    let _ = l;
                }
                r
            })
            .collect();
        let refs: Vec<&[Candidates]> = lines.iter().map(|l| l.candidates.as_slice()).collect();
        let repaired = mrz::repair(&refs, today()).unwrap();
        ZoneReading { zone: Zone { lines: Vec::new() }, lines, repaired }
    }

    fn text(r: &Repaired) -> String {
        r.document.lines.iter().map(|l| l.as_str()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn agreeing_frames_fuse_to_the_same_reading_with_more_confidence() {
        let mut f = Fusion::new();
        f.add(&reading(0.9, None), 3);
        let one = f.fused(today()).unwrap();
        f.add(&reading(0.9, None), 4);
        f.add(&reading(0.9, None), 6);
        let three = f.fused(today()).unwrap();
        assert_eq!(text(&three.repaired), format!("{L1}\n{L2}"));
        assert_eq!((three.frames, three.first, three.last), (3, 3, 6));
        assert!(three.repaired.confidence[0][5] > one.repaired.confidence[0][5]);
    }

    /// A name character (no check digit) misread in one frame out of three is outvoted.
    #[test]
    fn a_misread_in_one_frame_is_outvoted() {
        let mut f = Fusion::new();
        f.add(&reading(0.95, Some((0, 5, b'F', 0.7))), 1); // ERIKSSON → FRIKSSON in frame 1
        let alone = f.fused(today()).unwrap();
        assert!(text(&alone.repaired).starts_with("P<UTOFRIKSSON"), "one frame keeps its misread");
        f.add(&reading(0.95, None), 2);
        f.add(&reading(0.95, None), 3);
        let fused = f.fused(today()).unwrap();
        assert!(text(&fused.repaired).starts_with("P<UTOERIKSSON"), "{}", text(&fused.repaired));
    }

    #[test]
    fn shapes_are_kept_apart_and_the_majority_wins() {
        let mut f = Fusion::new();
        let mut short = reading(0.9, None);
        for l in &mut short.lines {
            l.candidates.truncate(36);
        }
        f.add(&short, 0);
        f.add(&reading(0.9, None), 1);
        f.add(&reading(0.9, None), 2);
        assert_eq!(f.frames(), 3);
        let fused = f.fused(today()).unwrap();
        assert_eq!(fused.frames, 2);
        assert_eq!(text(&fused.repaired), format!("{L1}\n{L2}"));
        assert!(Fusion::new().fused(today()).is_none());
    }
}
