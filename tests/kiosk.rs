//! The kiosk runtime end to end on every committed recorded sequence: real MJPEG/YUYV frames
//! through the gates, recognition with the shipped model, fusion, and the events.
//!
//! For each sequence: exactly one reading per presentation, equal to the truth; nothing
//! recognized from a frame the recording marks as moving, empty or glared; status events in a
//! sensible order.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use passread::capture::replay::{Pace, ReplaySource};
use passread::capture::FrameSource;
use passread::config::Config;
use passread::events::{GuidanceState, KioskEvent};
use passread::kiosk::Kiosk;
use passread::mrz::Ymd;
use passread::Engine;
use serde_json::Value;

fn sequences() -> Vec<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sequences"));
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    v.sort();
    v
}

fn without_confidence(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("confidence");
    }
    v
}

struct Replayed {
    events: Vec<(u64, KioskEvent)>,
    recognized: Vec<u64>,
    gate: Vec<GuidanceState>,
}

fn replay(engine: &Arc<Engine>, dir: &Path, config: &Config) -> Replayed {
    let mut source = ReplaySource::open(dir, Pace::Fast).unwrap();
    let mut kiosk = Kiosk::new(engine.clone(), config, Default::default());
    let mut r = Replayed { events: vec![], recognized: vec![], gate: vec![] };
    while let Some(frame) = source.next_frame().unwrap() {
        let out = kiosk.process(&frame).unwrap();
        if out.recognized {
            r.recognized.push(out.index);
        }
        r.gate.push(out.verdict.state);
        r.events.extend(out.events.into_iter().map(|e| (out.index, e)));
    }
    r
}

#[test]
fn every_recorded_sequence_gives_one_right_reading_per_presentation() {
    let engine = Arc::new(Engine::new().unwrap().with_today(Ymd::new(2026, 11, 30)));
    let seqs = sequences();
    assert_eq!(seqs.len(), 5);
    let mut problems = Vec::new();
    for dir in &seqs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let truth: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
        let frames = truth["frames"].as_array().unwrap();
        let usable = |i: u64| frames[i as usize]["usable"].as_bool().unwrap();
        let truth_state = |i: u64| frames[i as usize]["state"].as_str().unwrap().to_owned();
        let r = replay(&engine, dir, &Config::default());
        assert_eq!(r.gate.len(), frames.len(), "{name}");

        // Gates: empty frames show no document; moving and glared frames are never recognized.
        for (i, g) in r.gate.iter().enumerate() {
            let t = truth_state(i as u64);
            if t == "empty" && *g != GuidanceState::NoDocument {
                problems.push(format!("{name}: frame {i} is empty but the gates said {g:?}"));
            }
        }
        for &i in &r.recognized {
            if !usable(i) {
                problems.push(format!("{name}: frame {i} ({}) was recognized", truth_state(i)));
            }
        }

        // Readings: one per presentation, exact, from that presentation's frames.
        let readings: Vec<(u64, &passread::events::Reading)> = r
            .events
            .iter()
            .filter_map(|(f, e)| match e {
                KioskEvent::Reading(x) => Some((*f, x)),
                _ => None,
            })
            .collect();
        let presentations = truth["presentations"].as_array().unwrap();
        if readings.len() != presentations.len() {
            problems.push(format!("{name}: {} readings for {} presentations", readings.len(), presentations.len()));
            continue;
        }
        for ((at, reading), p) in readings.iter().zip(presentations) {
            // A Chinese mainland page's reading carries its visual zone, hanzi included.
            let expected = &p["result"];
            let got = without_confidence(reading.result.clone());
            if &got != expected {
                problems.push(format!("{name}: read {got} expected {expected}"));
            }
            let (a, b) = (p["first_frame"].as_u64().unwrap(), p["last_frame"].as_u64().unwrap());
            if reading.frames[0] < a || reading.frames[1] > b || *at > b {
                problems.push(format!("{name}: reading from frames {:?} at {at}, presentation {a}..={b}", reading.frames));
            }
            if !reading.checks_ok {
                problems.push(format!("{name}: reading with failing check digits"));
            }
        }

        // Statuses: start and end with no_document; `done` follows every reading before the
        // page leaves; never `reading` again within a presentation after its reading.
        let statuses: Vec<(u64, GuidanceState)> = r
            .events
            .iter()
            .filter_map(|(f, e)| match e {
                KioskEvent::Status { state, frame } => {
                    assert_eq!(frame, f);
                    Some((*f, *state))
                }
                _ => None,
            })
            .collect();
        assert_eq!(statuses.first().map(|s| s.1), Some(GuidanceState::NoDocument), "{name}");
        assert_eq!(statuses.last().map(|s| s.1), Some(GuidanceState::NoDocument), "{name}");
        for w in statuses.windows(2) {
            assert_ne!(w[0].1, w[1].1, "{name}: status repeated");
        }
        let mut read = false;
        for (i, e) in &r.events {
            match e {
                KioskEvent::Reading(_) => read = true,
                KioskEvent::Status { state: GuidanceState::NoDocument, .. } => read = false,
                KioskEvent::Status { state: GuidanceState::Reading, .. } if read => {
                    problems.push(format!("{name}: reading again at frame {i} after the presentation's reading"))
                }
                _ => {}
            }
        }
        for (at, _) in &readings {
            if !statuses.iter().any(|(f, s)| f == at && *s == GuidanceState::Done) {
                problems.push(format!("{name}: no `done` status with the reading at frame {at}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}


#[test]
fn general_kiosks_emit_the_mrz_only() {
    let engine = Arc::new(Engine::new().unwrap().with_today(Ymd::new(2026, 11, 30)));
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sequences/chn_mjpeg_1280x720"));
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    let mut config = Config::default();
    config.reading.country_code = "GENERAL".into();
    let r = replay(&engine, dir, &config);
    let readings: Vec<&passread::events::Reading> = r
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            KioskEvent::Reading(x) => Some(x),
            _ => None,
        })
        .collect();
    assert_eq!(readings.len(), 1);
    assert_eq!(without_confidence(readings[0].result.clone()), truth["presentations"][0]["result_general"]);
}
