//! Presentations: from the page arriving to the page leaving. Decides the published guidance
//! state, when a frame is worth recognizing, and when the (single) reading is emitted.

use crate::config::ReadingConfig;
use crate::events::{GuidanceState, KioskEvent, Reading};
use crate::fuse::{Fused, Fusion};
use crate::mrz::Ymd;
use crate::pipeline::ZoneReading;
use crate::result::{mrz_confidence, mrz_result, PassportResult};

/// Whether a gate state means "no page here" for ending a presentation.
fn absent(state: GuidanceState) -> bool {
    matches!(state, GuidanceState::NoDocument | GuidanceState::TooDark)
}

#[derive(Debug)]
struct Current {
    number: u64,
    started_ms: u64,
    good_frames: u32,
    fusion: Fusion,
    emitted: bool,
    absent_run: u32,
}

/// The presentation tracker (pure: frames in, events out).
#[derive(Debug)]
pub struct Presentations {
    config: ReadingConfig,
    today: Ymd,
    current: Option<Current>,
    count: u64,
    published: Option<GuidanceState>,
}

/// What one frame did.
#[derive(Debug, Default)]
pub struct Step {
    /// Events to publish, in order.
    pub events: Vec<KioskEvent>,
}

impl Presentations {
    pub fn new(config: ReadingConfig, today: Ymd) -> Presentations {
        Presentations { config, today, current: None, count: 0, published: None }
    }

    /// True when a frame in `state` should be recognized: it passed the gates and this
    /// presentation has not been read yet.
    pub fn wants_recognition(&self, state: GuidanceState) -> bool {
        state == GuidanceState::Reading && !self.current.as_ref().is_some_and(|c| c.emitted)
    }

    /// The state last published.
    pub fn state(&self) -> GuidanceState {
        self.published.unwrap_or(GuidanceState::NoDocument)
    }

    /// One frame: its gate state, its time, and the reading if it was recognized and read.
    pub fn on_frame(&mut self, frame: u64, t_ms: u64, state: GuidanceState, reading: Option<&ZoneReading>) -> Step {
        let mut step = Step::default();
        // End of a presentation: the page left, or the presentation timed out.
        if let Some(c) = &mut self.current {
            c.absent_run = if absent(state) { c.absent_run + 1 } else { 0 };
            let timeout = self.config.presentation_timeout_s;
            let timed_out = timeout > 0 && t_ms.saturating_sub(c.started_ms) >= timeout * 1000;
            if c.absent_run >= self.config.leave_frames || timed_out {
                let c = self.current.take().expect("current");
                if !c.emitted {
                    // The page left before an early reading: emit the best one, flagged.
                    if let Some(r) = reading_of(&c, self.today, true) {
                        step.events.push(KioskEvent::Reading(r));
                    }
                }
                log::info!("presentation {} ended at frame {frame}", c.number);
            }
        }
        if self.current.is_none() && !absent(state) {
            self.count += 1;
            self.current = Some(Current {
                number: self.count,
                started_ms: t_ms,
                good_frames: 0,
                fusion: Fusion::new(),
                emitted: false,
                absent_run: 0,
            });
            log::info!("presentation {} started at frame {frame}", self.count);
        }
        let mut published = state;
        if let Some(c) = &mut self.current {
            if state == GuidanceState::Reading && !c.emitted {
                c.good_frames += 1;
                if let Some(r) = reading {
                    c.fusion.add(r, frame);
                }
            }
            if !c.emitted {
                let fused = c.fusion.fused(self.today);
                let confident = fused.as_ref().is_some_and(|f| confident(&self.config, f));
                let budget_spent = c.good_frames >= self.config.max_frames;
                if confident || (budget_spent && c.fusion.frames() > 0) {
                    if let Some(r) = reading_of(c, self.today, !confident) {
                        step.events.push(KioskEvent::Reading(r));
                        c.emitted = true;
                    }
                }
            }
            if c.emitted && !absent(state) {
                published = GuidanceState::Done;
            }
        }
        if self.published != Some(published) {
            self.published = Some(published);
            // The status follows any reading of the same frame.
            step.events.push(KioskEvent::Status { state: published, frame });
        }
        step
    }
}

/// Every check digit holds, the grammar is clean, and every field is confident.
fn confident(config: &ReadingConfig, f: &Fused) -> bool {
    let doc = &f.repaired.document;
    doc.checks.iter().all(|c| c.valid)
        && doc.grammar_errors == 0
        && mrz_confidence(doc, Some(&f.repaired)).min() >= f64::from(config.min_confidence)
}

fn reading_of(c: &Current, today: Ymd, best_effort: bool) -> Option<Reading> {
    let f = c.fusion.fused(today)?;
    let doc = &f.repaired.document;
    let failed = doc.checks.iter().filter(|k| !k.valid).count();
    // Same bar as a still photograph: at most one failing check digit.
    if failed > 1 || doc.grammar_errors > 2 {
        log::info!("presentation {}: no reliable reading ({failed} check digits fail)", c.number);
        return None;
    }
    let result = PassportResult::Mrz(Box::new(mrz_result(doc, Some(&f.repaired))));
    Some(Reading {
        presentation: c.number,
        result: serde_json::to_value(&result).expect("results serialize"),
        frames: [f.first, f.last],
        fused: f.frames,
        checks_ok: failed == 0,
        best_effort,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuse::tests::{reading, today};
    use GuidanceState::{Done, HoldStill, NoDocument};
    const READ: GuidanceState = GuidanceState::Reading;

    fn cfg() -> ReadingConfig {
        ReadingConfig { max_frames: 4, leave_frames: 2, presentation_timeout_s: 0, min_confidence: 0.8, ..ReadingConfig::default() }
    }

    /// Runs frames `(state, reading)` at 100 ms apart; returns (frame, event) pairs.
    fn run(p: &mut Presentations, frames: &[(GuidanceState, Option<ZoneReading>)]) -> Vec<(u64, KioskEvent)> {
        let mut out = Vec::new();
        for (i, (s, r)) in frames.iter().enumerate() {
            let i = i as u64;
            out.extend(p.on_frame(i, i * 100, *s, r.as_ref()).events.into_iter().map(|e| (i, e)));
        }
        out
    }

    fn readings(ev: &[(u64, KioskEvent)]) -> Vec<(u64, Reading)> {
        ev.iter()
            .filter_map(|(f, e)| match e {
                KioskEvent::Reading(r) => Some((*f, r.clone())),
                _ => None,
            })
            .collect()
    }

    fn statuses(ev: &[(u64, KioskEvent)]) -> Vec<GuidanceState> {
        ev.iter()
            .filter_map(|(_, e)| match e {
                KioskEvent::Status { state, .. } => Some(*state),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_confident_frame_is_emitted_at_once_and_only_once() {
        let mut p = Presentations::new(cfg(), today());
        // Every character at 0.999: the names (39 characters, confidence the product) at 0.96.
        let good = || Some(reading(0.999, None));
        let ev = run(
            &mut p,
            &[(NoDocument, None), (HoldStill, None), (READ, good()), (READ, good()), (READ, good()), (NoDocument, None), (NoDocument, None)],
        );
        let r = readings(&ev);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, 2, "emitted on the first good frame");
        assert!(r[0].1.checks_ok && !r[0].1.best_effort);
        assert_eq!(r[0].1.presentation, 1);
        assert_eq!(r[0].1.result["passport_number"], "L898902C3");
        // The API's field order is kept in the event.
        let keys: Vec<&str> = r[0].1.result.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.first(), Some(&"country_code"));
        assert_eq!(&keys[keys.len() - 2..], ["extra_info", "confidence"]);
        assert_eq!(statuses(&ev), [NoDocument, HoldStill, Done, NoDocument]);
        assert!(!p.wants_recognition(READ) || p.current.is_none());
    }

    #[test]
    fn unsure_frames_are_fused_until_the_budget_then_flagged() {
        let mut p = Presentations::new(cfg(), today());
        // Every character only 0.6 likely: checks hold but confidence stays under 0.8.
        let unsure = || Some(reading(0.6, None));
        let ev = run(&mut p, &[(READ, unsure()), (READ, unsure()), (READ, unsure()), (READ, unsure()), (READ, unsure())]);
        let r = readings(&ev);
        assert_eq!(r.len(), 1, "{ev:?}");
        // Fusion raises the confidence: either emitted early once confident, or at the budget flagged.
        let (at, reading) = &r[0];
        assert!(*at <= 3);
        assert!(reading.fused >= 2);
        assert!(reading.best_effort == (*at == 3));
    }

    #[test]
    fn a_page_that_leaves_early_still_gets_its_one_reading() {
        let mut p = Presentations::new(ReadingConfig { max_frames: 50, min_confidence: 0.999, ..cfg() }, today());
        let ev = run(&mut p, &[(READ, Some(reading(0.9, None))), (HoldStill, None), (NoDocument, None), (NoDocument, None), (NoDocument, None)]);
        let r = readings(&ev);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, 3, "at the end of the presentation");
        assert!(r[0].1.best_effort);
    }

    #[test]
    fn two_presentations_two_readings_and_a_timeout_starts_a_new_one() {
        let mut p = Presentations::new(cfg(), today());
        // Every character at 0.999: the names (39 characters, confidence the product) at 0.96.
        let good = || Some(reading(0.999, None));
        let ev = run(&mut p, &[(READ, good()), (NoDocument, None), (NoDocument, None), (READ, good()), (READ, good())]);
        let r = readings(&ev);
        assert_eq!(r.iter().map(|x| (x.0, x.1.presentation)).collect::<Vec<_>>(), [(0, 1), (3, 2)]);
        // A brief gap shorter than leave_frames does not split a presentation.
        let mut p = Presentations::new(cfg(), today());
        let ev = run(&mut p, &[(READ, good()), (NoDocument, None), (READ, good())]);
        assert_eq!(readings(&ev).len(), 1);
        // With a timeout, a page left lying is read again.
        let mut p = Presentations::new(ReadingConfig { presentation_timeout_s: 1, ..cfg() }, today());
        let frames: Vec<_> = (0..15).map(|_| (READ, good())).collect();
        let ev = run(&mut p, &frames);
        assert_eq!(readings(&ev).iter().map(|x| x.0).collect::<Vec<_>>(), [0, 10]);
    }

    #[test]
    fn nothing_is_emitted_from_unreadable_presentations() {
        let mut p = Presentations::new(cfg(), today());
        let ev = run(&mut p, &[(HoldStill, None), (READ, None), (READ, None), (READ, None), (READ, None), (READ, None)]);
        assert!(readings(&ev).is_empty());
        assert!(p.wants_recognition(READ), "keeps trying while the page is there");
    }
}
