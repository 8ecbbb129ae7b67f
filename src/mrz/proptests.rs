//! Property tests of the MRZ engine: compose → parse round trips, and repair from corrupted
//! candidates is exact when the check digits allow it and never makes an unconfirmed change.

use proptest::prelude::*;

use super::compose::{compose, Fields};
use super::document::Document;
use super::format::{CharClass, Format};
use super::repair::{repair, Candidate, Candidates};
use super::Ymd;

const TODAY: Ymd = Ymd::new(2026, 11, 30);
const STATES: &[&str] = &["UTO", "D", "GBR", "USA", "FRA", "JPN", "KOR", "IND", "RUS", "BRA", "CHN", "TWN", "XXA", "NLD"];

fn word() -> impl Strategy<Value = String> {
    "[A-Z]{1,8}"
}

fn date(min_year: u16, max_year: u16) -> impl Strategy<Value = String> {
    (min_year..=max_year, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| format!("{:02}{m:02}{d:02}", y % 100))
}

fn fields(format: Format) -> impl Strategy<Value = Fields> {
    let name_len = match format {
        Format::Td1 => 30,
        Format::Td2 | Format::MrvB => 31,
        Format::Td3 | Format::MrvA => 39,
    };
    let code = match format {
        Format::MrvA | Format::MrvB => prop_oneof![Just("V".to_string()), Just("VD".to_string())].boxed(),
        Format::Td3 => prop_oneof![Just("P".to_string()), Just("PO".to_string()), Just("PD".to_string())].boxed(),
        Format::Td1 | Format::Td2 => prop_oneof![Just("I".to_string()), Just("ID".to_string()), Just("AC".to_string())].boxed(),
    };
    let optional = match format {
        Format::Td3 => "[A-Z0-9]{0,14}",
        Format::Td1 => "[A-Z0-9]{0,12}",
        Format::Td2 => "[A-Z0-9]{0,7}",
        Format::MrvA => "[A-Z0-9]{0,16}",
        Format::MrvB => "[A-Z0-9]{0,8}",
    };
    (
        code,
        prop::sample::select(STATES),
        prop::collection::vec(word(), 1..3),
        prop::collection::vec(word(), 0..3),
        "[A-Z0-9]{1,9}",
        prop::sample::select(STATES),
        date(1930, 2024),
        prop::sample::select(vec!['M', 'F', '<']),
        date(2015, 2045),
        optional,
        "[A-Z0-9]{0,11}",
    )
        .prop_filter("name fits the field", move |(_, _, p, s, ..)| {
            p.join("<").len() + 2 + s.join("<").len() <= name_len
        })
        .prop_map(move |(code, state, primary, secondary, number, nat, dob, sex, doe, optional, optional2)| Fields {
            document_code: code,
            issuing_state: state.to_string(),
            primary_identifier: primary.join(" "),
            secondary_identifier: secondary.join(" "),
            document_number: number,
            nationality: nat.to_string(),
            date_of_birth: dob,
            sex,
            date_of_expiry: doe,
            optional_data: optional,
            optional_data2: if format == Format::Td1 { optional2 } else { String::new() },
        })
}

fn any_document() -> impl Strategy<Value = (Format, Fields)> {
    prop::sample::select(Format::ALL.to_vec()).prop_flat_map(|f| fields(f).prop_map(move |x| (f, x)))
}

/// A long document number (10–12 characters), continued into the optional data: TD1 only
/// (its optional field has room for the continuation and more data).
fn long_number_td1() -> impl Strategy<Value = Fields> {
    (fields(Format::Td1), "[A-Z0-9]{10,12}", "[A-Z0-9]{0,2}").prop_map(|(mut f, n, o)| {
        f.document_number = n;
        f.optional_data = o;
        f
    })
}

fn text(lines: &super::Lines) -> Vec<&str> {
    lines.iter().map(|l| l.as_str()).collect()
}

proptest! {
    // 400 cases by default; PROPTEST_CASES=N runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400),
        ..ProptestConfig::default()
    })]

    #[test]
    fn compose_parse_round_trip((format, f) in any_document()) {
        let lines = compose(format, &f).unwrap();
        let d = Document::parse(&text(&lines), TODAY).unwrap();
        prop_assert_eq!(d.format, format);
        prop_assert!(d.is_valid(), "{:?} {:?}", lines, d.checks);
        prop_assert_eq!(d.document_code.as_str(), f.document_code.as_str());
        prop_assert_eq!(d.issuing_state.as_str(), f.issuing_state.as_str());
        prop_assert_eq!(d.nationality.as_str(), f.nationality.as_str());
        prop_assert_eq!(d.primary_identifier.as_str(), f.primary_identifier.as_str());
        prop_assert_eq!(d.secondary_identifier.as_str(), f.secondary_identifier.as_str());
        prop_assert_eq!(d.document_number.as_str(), f.document_number.as_str());
        prop_assert_eq!(&d.date_of_birth.raw[..], f.date_of_birth.as_bytes());
        prop_assert_eq!(&d.date_of_expiry.raw[..], f.date_of_expiry.as_bytes());
        prop_assert_eq!(d.optional_data.as_str(), f.optional_data.as_str());
        prop_assert_eq!(d.optional_data2.as_str(), f.optional_data2.as_str());
        let iso = d.date_of_birth.iso().unwrap();
        let year: u16 = iso[..4].parse().unwrap();
        prop_assert!((1930..=2024).contains(&year));
        let iso = d.date_of_expiry.iso().unwrap();
        let year: u16 = iso[..4].parse().unwrap();
        prop_assert!((2015..=2045).contains(&year));
    }

    #[test]
    fn long_numbers_round_trip(f in long_number_td1()) {
        let lines = compose(Format::Td1, &f).unwrap();
        let d = Document::parse(&text(&lines), TODAY).unwrap();
        prop_assert!(d.document_number_extended);
        prop_assert_eq!(d.document_number.as_str(), f.document_number.as_str());
        prop_assert_eq!(d.optional_data.as_str(), f.optional_data.as_str());
        prop_assert!(d.is_valid(), "{:?} {:?}", lines, d.checks);
    }

    #[test]
    fn parser_never_panics(s in "\\PC{0,140}", lines in prop::collection::vec("[A-Z0-9<]{28,46}", 0..5)) {
        let _ = Document::parse_text(&s, TODAY);
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let _ = Document::parse(&refs, TODAY);
    }

    #[test]
    fn repair_never_panics(grid in prop::collection::vec(prop::collection::vec(
        prop::collection::vec((prop::sample::select(super::charset::ALPHABET.to_vec()), 0.0f32..1.0), 1..4), 44), 2..=2)) {
        let obs: Vec<Vec<Candidates>> = grid.iter().map(|l| l.iter().map(|c| {
            c.iter().map(|&(ch, p)| Candidate { ch, p }).collect()
        }).collect()).collect();
        let refs: Vec<&[Candidates]> = obs.iter().map(|l| l.as_slice()).collect();
        if let Ok(r) = repair(&refs, TODAY) {
            // Every chosen character is one of the candidates offered at its position.
            for (li, line) in r.document.lines.iter().enumerate() {
                for (pos, ch) in line.bytes().enumerate() {
                    prop_assert!(obs[li][pos].iter().any(|c| c.ch == ch));
                }
            }
        }
    }

    #[test]
    fn repair_is_exact_when_check_digits_allow(
        (format, f) in any_document(),
        picks in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0.55f32..0.95), 1..=2),
    ) {
        let truth = compose(format, &f).unwrap();
        let layout = format.layout();
        // Corrupt one or two positions: a wrong character of the same grammar class as first
        // choice, the true one as runner-up.
        let mut obs: Vec<Vec<Candidates>> = truth.iter().map(|l| l.bytes().map(|ch| {
            let mut c = Candidates::new();
            let _ = c.push(Candidate { ch, p: 1.0 });
            c
        }).collect()).collect();
        let mut corrupted = Vec::new();
        for (pos_ix, ch_ix, p) in picks {
            let all = layout.lines * layout.line_len;
            let flat = pos_ix.index(all);
            let (li, pos) = (flat / layout.line_len, flat % layout.line_len);
            if corrupted.iter().any(|&(l, q, _)| (l, q) == (li, pos)) { continue; }
            let class = match layout.class_at(li, pos) { CharClass::Check => CharClass::Digit, c => c };
            let choices: Vec<u8> = super::charset::ALPHABET.iter().copied()
                .filter(|&c| class.allows(c) && c != obs[li][pos][0].ch).collect();
            if choices.is_empty() { continue; }
            let wrong = choices[ch_ix.index(choices.len())];
            let right = obs[li][pos][0].ch;
            obs[li][pos].clear();
            let _ = obs[li][pos].push(Candidate { ch: wrong, p });
            let _ = obs[li][pos].push(Candidate { ch: right, p: 1.0 - p });
            corrupted.push((li, pos, wrong));
        }
        let refs: Vec<&[Candidates]> = obs.iter().map(|l| l.as_slice()).collect();
        let out = repair(&refs, TODAY).unwrap();

        // The most probable reading among all combinations of the corrupted positions that
        // the check digits accept: what an exhaustive search would choose.
        let n = corrupted.len();
        let mut best: Option<(f32, Vec<String>)> = None;
        for mask in 0..(1u32 << n) {
            let mut lines: Vec<Vec<u8>> = truth.iter().map(|l| l.as_bytes().to_vec()).collect();
            let mut score = 0.0f32;
            for (i, &(li, pos, wrong)) in corrupted.iter().enumerate() {
                let p = obs[li][pos][0].p;
                if mask & (1 << i) != 0 { lines[li][pos] = wrong; score += p.ln(); } else { score += (1.0 - p).ln(); }
            }
            let strs: Vec<String> = lines.into_iter().map(|l| String::from_utf8(l).unwrap()).collect();
            let refs: Vec<&str> = strs.iter().map(String::as_str).collect();
            let d = Document::parse(&refs, TODAY).unwrap();
            if d.checks_hold() && d.date_of_birth.valid && d.date_of_expiry.valid
                && best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, strs));
            }
        }
        let got: Vec<&str> = out.document.lines.iter().map(|l| l.as_str()).collect();
        let (_, expected) = best.expect("the truth always passes");
        let undetectable = expected.iter().map(String::as_str).ne(truth.iter().map(|l| l.as_str()));
        if !undetectable {
            // Check digits can tell: the repair must give back the truth exactly, unless the
            // corruption sits where no check digit looks (names, codes, sex, visa optional data).
            let unchecked = corrupted.iter().any(|&(li, pos, _)| !covered_by_check(format, li, pos) || (li, pos) == (0, 0));
            if !unchecked {
                prop_assert_eq!(got.clone(), truth.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
                    "corrupted {:?}", corrupted);
            }
        }
        // Never an unconfirmed change: wherever the output differs from the first choice, the
        // check digits covering that position hold.
        for (li, line) in out.document.lines.iter().enumerate() {
            for (pos, ch) in line.bytes().enumerate() {
                let first = obs[li][pos][0].ch;
                let class = out.document.format.layout().class_at(li, pos);
                let grammar_allows_first = match class { CharClass::Check => first.is_ascii_digit(), c => c.allows(first) };
                if ch != first && grammar_allows_first {
                    prop_assert!(covered_by_check(out.document.format, li, pos));
                    prop_assert!(checks_covering_hold(&out.document, li, pos), "{:?} at {}:{}", got, li, pos);
                }
            }
        }
    }
}

fn covered_by_check(format: Format, line: usize, pos: usize) -> bool {
    format.layout().checks.iter().any(|c| c.digit.contains(line, pos) || c.covers.iter().any(|s| s.contains(line, pos)))
}

/// The check digit that confirms a change at a position holds: the field's own check digit, or
/// the composite for positions only the composite covers.
fn checks_covering_hold(doc: &Document, line: usize, pos: usize) -> bool {
    let covering: Vec<_> = doc
        .format
        .layout()
        .checks
        .iter()
        .filter(|c| c.digit.contains(line, pos) || c.covers.iter().any(|s| s.contains(line, pos)))
        .collect();
    let own: Vec<_> = covering.iter().filter(|c| c.kind != super::CheckKind::Composite).collect();
    let deciding: Vec<_> = if own.is_empty() { covering.iter().collect() } else { own };
    deciding.iter().all(|c| doc.check(c.kind).is_some_and(|k| k.valid))
}
