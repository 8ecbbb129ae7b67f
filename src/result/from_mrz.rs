//! The MRZ-shaped result (`MrzResult`) from a parsed zone, with per-field confidence.
//!
//! Field values (all read from the zone):
//! - `country_code`: issuing state, fillers removed (`D`, `UTO`, `CHN`);
//! - `surname`: primary identifier, `given_name`: secondary identifiers (`<` as single spaces,
//!   truncation kept as printed; `""` when the zone has none);
//! - `passport_number`: document number, fillers removed, a long number's extension joined;
//! - dates as `YYYY-MM-DD` (century rules in [`crate::mrz::date`]); absent when not a date;
//! - `sex`: `M`, `F`, or `X` for `<`; absent when misread;
//! - `machine_code`, `machine_code2` (and `machine_code3` for TD1): the lines as read.
//!
//! Confidence of a field: the lowest recognizer probability among its characters (and its check
//! digit), times the repair's margin between the best and the next reading the check digit
//! accepts. A field whose check digits fail is capped at 0.45, so no failing field is ever
//! reported with confidence ≥ 0.5; an unknown state code is capped at 0.45, and a name's
//! confidence is the product of its characters'.

use super::{Confidence, ExtraInfo, MrzResult};
use crate::mrz::format::{FieldKind, Span};
use crate::mrz::{CheckKind, Document, Repaired};

/// Highest confidence reported for a field whose check digits do not hold.
pub const FAILED_CHECK_CAP: f64 = 0.45;
/// Highest confidence reported for an issuing state that is not an ICAO code: such a code is
/// far more often a misreading (`UTG` for `UTO`) than a new code.
pub const UNKNOWN_STATE_CAP: f64 = 0.45;

/// Highest confidence of the names of a Chinese mainland passport that are not pinyin.
pub const NOT_PINYIN_CAP: f64 = 0.45;

/// Whether every word of the names spells pinyin syllables (the last one may be cut short when
/// the name fills its field).
pub fn names_in_pinyin(doc: &Document) -> bool {
    let words: Vec<&str> = doc.primary_identifier.split(' ').chain(doc.secondary_identifier.split(' ')).filter(|w| !w.is_empty()).collect();
    let last = words.len().saturating_sub(1);
    words.iter().enumerate().all(|(i, w)| crate::chinese::pinyin::spells_syllables(w, doc.name_possibly_truncated && i == last))
}

/// Per-field confidence of a zone. `repaired` carries the recognizer's per-position
/// probabilities; without it (text given directly) every character counts as certain.
pub fn mrz_confidence(doc: &Document, repaired: Option<&Repaired>) -> Confidence {
    let layout = doc.format.layout();
    let span_min = |spans: &[Span]| -> f64 {
        let Some(r) = repaired else { return 1.0 };
        spans
            .iter()
            .flat_map(|s| s.range().map(move |p| f64::from(r.confidence[s.line as usize][p])))
            .fold(1.0, f64::min)
    };
    let margin = |k: CheckKind| repaired.map_or(1.0, |r| f64::from(r.margin(k)));
    let field = |kind: FieldKind, check: Option<CheckKind>| -> f64 {
        let mut spans: heapless::Vec<Span, 2> = heapless::Vec::new();
        if let Some(s) = layout.field(kind) {
            let _ = spans.push(s);
        }
        if let Some(c) = check.and_then(|k| layout.check(k)) {
            let _ = spans.push(c.digit);
        }
        let mut c = span_min(&spans) * check.map_or(1.0, margin);
        if let Some(composite) = layout.check(CheckKind::Composite).filter(|_| check.is_some()) {
            c *= span_min(&[composite.digit]);
        }
        if !doc.field_confirmed(kind) {
            c = c.min(FAILED_CHECK_CAP);
        }
        c
    };
    let mut conf = Confidence::new();
    let mut country = field(FieldKind::IssuingState, None);
    if !doc.issuing_state_known {
        country = country.min(UNKNOWN_STATE_CAP);
    }
    conf.set("country_code", country);
    // No check digit covers the name: the probability that every one of its characters is
    // right (the product, not the weakest), so that a misread letter among many doubtful ones
    // is not reported as sure.
    let name = match (repaired, layout.field(FieldKind::Name)) {
        (Some(r), Some(span)) => span.range().map(|p| f64::from(r.confidence[span.line as usize][p])).product::<f64>(),
        _ => field(FieldKind::Name, None),
    };
    // A zone with a failing check digit may be misplaced or of the wrong length (a cut line read
    // as a shorter format): its names, which no check covers, are doubtful too.
    let name = if doc.checks_hold() { name } else { name.min(FAILED_CHECK_CAP) };
    // A Chinese mainland passport spells its names in pinyin syllables: a name that is not
    // (LINGIANG for LINQIANG) is misread, or an exception the reader cannot vouch for.
    let name = if doc.is_chinese_mainland_passport() && !names_in_pinyin(doc) { name.min(NOT_PINYIN_CAP) } else { name };
    conf.set("surname", name);
    conf.set("given_name", name);
    conf.set("passport_number", field(FieldKind::DocumentNumber, Some(CheckKind::DocumentNumber)));
    if doc.date_of_birth.valid {
        conf.set("date_of_birth", field(FieldKind::DateOfBirth, Some(CheckKind::DateOfBirth)));
    }
    if doc.sex.api().is_some() {
        conf.set("sex", field(FieldKind::Sex, None));
    }
    if doc.date_of_expiry.valid {
        conf.set("date_of_expiry", field(FieldKind::DateOfExpiry, Some(CheckKind::DateOfExpiry)));
    }
    conf
}

/// The MRZ-shaped API result of a zone.
pub fn mrz_result(doc: &Document, repaired: Option<&Repaired>) -> MrzResult {
    MrzResult {
        country_code: doc.issuing_state.as_str().to_owned(),
        surname: doc.primary_identifier.as_str().to_owned(),
        given_name: doc.secondary_identifier.as_str().to_owned(),
        passport_number: doc.document_number.as_str().to_owned(),
        date_of_birth: doc.date_of_birth.iso().map(|s| s.as_str().to_owned()),
        sex: doc.sex.api().map(str::to_owned),
        date_of_expiry: doc.date_of_expiry.iso().map(|s| s.as_str().to_owned()),
        machine_code: doc.lines[0].as_str().to_owned(),
        machine_code2: doc.lines[1].as_str().to_owned(),
        machine_code3: doc.lines.get(2).map(|l| l.as_str().to_owned()),
        extra_info: ExtraInfo::default(),
        confidence: mrz_confidence(doc, repaired),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mrz::repair::{certain, repair, Candidate};
    use crate::mrz::Ymd;

    const TODAY: Ymd = Ymd::new(2026, 11, 30);
    const TD3: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

    #[test]
    fn specimen_result() {
        let doc = Document::parse_text(TD3, TODAY).unwrap();
        let r = mrz_result(&doc, None);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"country_code":"UTO","surname":"ERIKSSON","given_name":"ANNA MARIA","passport_number":"L898902C3","#,
                r#""date_of_birth":"1974-08-12","sex":"F","date_of_expiry":"2012-04-15","#,
                r#""machine_code":"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<","#,
                r#""machine_code2":"L898902C36UTO7408122F1204159ZE184226B<<<<<10","extra_info":{},"#,
                r#""confidence":{"country_code":1.0,"surname":1.0,"given_name":1.0,"passport_number":1.0,"#,
                r#""date_of_birth":1.0,"sex":1.0,"date_of_expiry":1.0}}"#
            )
        );
    }

    #[test]
    fn td1_has_third_line() {
        let doc = Document::parse_text(
            "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
            TODAY,
        )
        .unwrap();
        let r = mrz_result(&doc, None);
        assert_eq!(r.machine_code3.as_deref(), Some("ERIKSSON<<ANNA<MARIA<<<<<<<<<<"));
        assert_eq!(r.passport_number, "D23145890");
    }

    #[test]
    fn failing_check_caps_confidence() {
        let bad = TD3.replace("L898902C36", "L898902C37");
        let doc = Document::parse_text(&bad, TODAY).unwrap();
        let c = mrz_confidence(&doc, None);
        assert!(c.get("passport_number").unwrap() < 0.5);
        // The composite fails too, so every date it covers is capped.
        assert!(c.get("date_of_birth").unwrap() < 0.5);
        // The names, which no check covers, are capped with them.
        assert_eq!(c.get("surname"), Some(FAILED_CHECK_CAP));
        assert_eq!(c.get("given_name"), Some(FAILED_CHECK_CAP));
    }

    #[test]
    fn repaired_confidence_reflects_candidates() {
        let mut obs = certain(TD3);
        obs[1][7].clear();
        let _ = obs[1][7].push(Candidate { ch: b'G', p: 0.8 });
        let _ = obs[1][7].push(Candidate { ch: b'C', p: 0.2 });
        let refs: Vec<&[crate::mrz::Candidates]> = obs.iter().map(|l| l.as_slice()).collect();
        let r = repair(&refs, TODAY).unwrap();
        let c = mrz_confidence(&r.document, Some(&r));
        assert!(c.get("passport_number").unwrap() <= 0.2 + 1e-9);
        assert_eq!(c.get("date_of_birth"), Some(1.0));
    }

    #[test]
    fn name_confidence_is_every_character_right() {
        // Three name letters at 0.8 each: the weakest is 0.8, all three right 0.512.
        let mut obs = certain(TD3);
        for pos in [5, 8, 16] {
            let ch = obs[0][pos][0].ch;
            obs[0][pos].clear();
            let _ = obs[0][pos].push(Candidate { ch, p: 0.8 });
        }
        let refs: Vec<&[crate::mrz::Candidates]> = obs.iter().map(|l| l.as_slice()).collect();
        let r = repair(&refs, TODAY).unwrap();
        let c = mrz_confidence(&r.document, Some(&r));
        assert!((c.get("surname").unwrap() - 0.512).abs() < 1e-3, "{:?}", c.get("surname"));
        assert_eq!(c.get("surname"), c.get("given_name"));
        assert_eq!(c.get("country_code"), Some(1.0));
    }

    #[test]
    fn chinese_mainland_names_must_be_pinyin() {
        let chn = "POCHNHE<<LINQIANG<<<<<<<<<<<<<<<<<<<<<<<<<<<\nEH89828884CHN1706240M2308157GZCGAIMSTBPNQL62";
        let doc = Document::parse_text(chn, TODAY).unwrap();
        assert!(doc.is_chinese_mainland_passport());
        assert_eq!(mrz_confidence(&doc, None).get("given_name"), Some(1.0));
        // Q read as G: no pinyin syllable is GIANG.
        let doc = Document::parse_text(&chn.replace("LINQIANG", "LINGIANG"), TODAY).unwrap();
        assert!(mrz_confidence(&doc, None).get("given_name").unwrap() <= NOT_PINYIN_CAP);
        assert!(mrz_confidence(&doc, None).get("surname").unwrap() <= NOT_PINYIN_CAP);
        // Other states' names are not held to pinyin.
        let utoo = Document::parse_text(&TD3.replace("ERIKSSON", "ERIKSSQN"), TODAY).unwrap();
        assert_eq!(mrz_confidence(&utoo, None).get("surname"), Some(1.0));
    }

    #[test]
    fn unknown_state_capped() {
        let doc = Document::parse_text(&TD3.replace("P<UTO", "P<QQQ"), TODAY).unwrap();
        assert!(mrz_confidence(&doc, None).get("country_code").unwrap() < 0.5);
    }
}
