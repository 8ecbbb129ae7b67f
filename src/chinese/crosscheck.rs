//! Stage C5, cross-check and assembly: the visual fields against the MRZ, into the API's
//! Chinese result.
//!
//! Rules: where the MRZ's check digits hold, its value wins for the fields it carries
//! (number, dates of birth and expiry; the name and sex have no check digit but are printed
//! twice, so agreement raises and disagreement lowers confidence). A visual reading that
//! disagrees with the MRZ lowers that field's confidence. The issue date must be about ten (or
//! five, for minors) years before expiry, and the authority must fit the issue date (the
//! National Immigration Administration from April 2019). A field that cannot be read is left
//! out with its confidence; nothing is guessed with a confidence that claims more.

use super::labels::Label;
use super::normalize::{
    authority_for_issue, authority_from_fragment, edit_distance, han_only, is_chinese_nationality, latin_key, match_authority, match_place, misread_authority, normalize_authority_latin,
    parse_date, parse_sex, sex_han, split_bilingual, PrintedDate, MONTHS,
};
use super::text::TextReading;
use super::Fields;
use crate::mrz::{FieldKind, Repaired, Ymd};
use crate::result::{mrz_confidence, ChineseResult, Confidence, ExtraInfo, LocalLanguage};

/// Confidence of a value two independent readings agree on.
pub fn agree(a: f64, b: f64) -> f64 {
    1.0 - (1.0 - a) * (1.0 - b)
}

/// Highest confidence of a value the two readings disagree on.
pub const DISAGREE_CAP: f64 = 0.6;
/// Highest confidence of an authority read only in pieces (the issue date agreeing).
pub const FRAGMENT_CAP: f64 = 0.75;
/// Highest confidence of an issue date read only in part (day and month), its year from the
/// validity (ten years, five under 16).
pub const PARTIAL_ISSUE_CAP: f64 = 0.6;
/// Highest confidence of a name taken from the print against the MRZ's.
pub const PRINTED_NAME_CAP: f64 = 0.85;
/// A given name's hanzi less common than this (log of its count over the commonest of its
/// pinyin's, [`super::pinyin::name_commonness`]) is likely a misread: 1 in 100.
const UNLIKELY_IN_NAMES: f32 = -4.605_17; // ln 0.01
/// Highest confidence of a visual-only value that fails a sanity check.
pub const IMPLAUSIBLE_CAP: f64 = 0.5;

fn p(r: &TextReading) -> f64 {
    f64::from(r.min_p())
}

/// Minimum probability over the characters of `r` that `keep` selects.
fn p_of(r: &TextReading, keep: impl Fn(char) -> bool) -> f64 {
    r.chars.iter().filter(|c| keep(c.ch)).map(|c| f64::from(c.p)).fold(1.0, f64::min)
}

/// A printed Latin name as the MRZ's names are given: upper-case words (`ZHOng ` → `ZHONG`).
fn latin_words(s: &str) -> String {
    let spaced: String = s.chars().map(|c| if c.is_ascii_alphabetic() { c.to_ascii_uppercase() } else { ' ' }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A printed date as a calendar date.
pub fn ymd(d: &PrintedDate) -> Ymd {
    Ymd::new(d.year as u16, d.month as u8, d.day as u8)
}

fn add_years(y: Ymd, years: i32) -> Ymd {
    let year = (i32::from(y.year) + years) as u16;
    let day = y.day.min(crate::mrz::date::days_in_month(year, y.month));
    Ymd::new(year, y.month, day)
}

fn next_day(y: Ymd) -> Ymd {
    let dim = crate::mrz::date::days_in_month(y.year, y.month);
    if y.day < dim {
        Ymd::new(y.year, y.month, y.day + 1)
    } else if y.month < 12 {
        Ymd::new(y.year, y.month + 1, 1)
    } else {
        Ymd::new(y.year + 1, 1, 1)
    }
}

fn iso(y: Ymd) -> String {
    format!("{:04}-{:02}-{:02}", y.year, y.month, y.day)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm), for date differences.
pub fn unix_days(y: Ymd) -> i64 {
    let (m, d) = (i64::from(y.month), i64::from(y.day));
    let yy = i64::from(y.year) - i64::from(m <= 2);
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The issue dates the expiry date allows: the day after expiry, ten or five years earlier.
pub fn plausible_issue_dates(expiry: Ymd) -> [Ymd; 2] {
    let after = next_day(expiry);
    [add_years(after, -10), add_years(after, -5)]
}

/// Whether an issue date fits the expiry date (within a few days of 10 or 5 years).
pub fn issue_fits_expiry(issue: Ymd, expiry: Ymd) -> bool {
    plausible_issue_dates(expiry).iter().any(|d| (unix_days(*d) - unix_days(issue)).abs() <= 3)
}

/// The 13 fields and the Chinese text, from the visual fields and the MRZ.
pub fn assemble(fields: &Fields, repaired: &Repaired, _today: Ymd) -> ChineseResult {
    let doc = &repaired.document;
    let mrz = mrz_confidence(doc, Some(repaired));
    let mrz_conf = |k: &str| mrz.get(k).unwrap_or(0.0);
    let first = |l: Label| fields.get(l).and_then(|v| v.first());
    let second = |l: Label| fields.get(l).and_then(|v| v.get(1));
    let mut conf = Confidence::new();

    // passport_type: the MRZ document code's first letter, confirmed by the printed letter.
    let type_mrz = doc.document_code.chars().next().unwrap_or('P').to_string();
    let type_mrz_p = f64::from(repaired.confidence[0][0]);
    let type_conf = match first(Label::Type) {
        Some(r) if latin_key(&r.text()) == type_mrz => agree(type_mrz_p, p(r)),
        Some(r) if !r.text().trim().is_empty() => type_mrz_p.min(DISAGREE_CAP),
        _ => type_mrz_p,
    };
    conf.set("passport_type", type_conf);

    let country = doc.issuing_state.as_str().to_owned();
    let country_conf = match first(Label::CountryCode) {
        Some(r) if latin_key(&r.text()) == country => agree(mrz_conf("country_code"), p(r)),
        Some(_) => mrz_conf("country_code").min(0.85),
        None => mrz_conf("country_code"),
    };
    conf.set("country_code", country_conf);

    // passport_number
    let number = doc.document_number.as_str().to_owned();
    let mut number_conf = mrz_conf("passport_number");
    if let Some(r) = first(Label::Number) {
        if latin_key(&r.text()) == number {
            number_conf = agree(number_conf, p(r) * 0.5);
        } else {
            number_conf *= 0.85;
        }
    }
    conf.set("passport_number", number_conf);

    // nationality: CHN in the MRZ, 中国/CHINESE printed.
    let nat_mrz = if doc.nationality.as_str() == "CHN" { 0.95 } else { 0.3 };
    let nat_conf = match first(Label::Nationality) {
        Some(r) if is_chinese_nationality(&r.text()) => agree(nat_mrz, p(r)),
        Some(_) => nat_mrz.min(0.85),
        None => nat_mrz,
    };
    conf.set("nationality", nat_conf);

    // Names: the MRZ's pinyin, checked against the printed pinyin.
    let mut surname = doc.primary_identifier.as_str().to_owned();
    let mut given = doc.secondary_identifier.as_str().to_owned();
    let name_mrz = mrz_conf("surname");
    let (mut han_name, mut han_conf): (Option<String>, f64) = (None, 0.0);
    let (printed_sur, printed_given): (Option<(String, f64)>, Option<(String, f64)>);
    if let Some(v) = fields.get(Label::Name) {
        // One label: hanzi line, then `SURNAME, GIVEN`.
        if let Some(r) = v.first() {
            let h = han_only(&r.text());
            if !h.is_empty() {
                han_conf = p_of(r, super::normalize::is_han);
                han_name = Some(h);
            }
        }
        let pinyin = v.get(1).map(|r| (r.text(), p(r)));
        match pinyin {
            Some((t, pc)) => {
                let mut parts = t.splitn(2, [',', '，']);
                let s = parts.next().unwrap_or("").to_owned();
                let g = parts.next().unwrap_or("").to_owned();
                printed_sur = Some((s, pc));
                printed_given = Some((g, pc));
            }
            None => {
                printed_sur = None;
                printed_given = None;
            }
        }
    } else {
        let sur_h = first(Label::Surname).map(|r| (han_only(&r.text()), p_of(r, super::normalize::is_han)));
        let giv_h = first(Label::GivenNames).map(|r| (han_only(&r.text()), p_of(r, super::normalize::is_han)));
        if let (Some((s, sc)), Some((g, gc))) = (&sur_h, &giv_h) {
            if !s.is_empty() && !g.is_empty() {
                han_name = Some(format!("{s}{g}"));
                han_conf = sc.min(*gc);
            }
        } else if let (Some((s, sc)), None) = (&sur_h, &giv_h) {
            // Only a surname read (a person without given names prints none).
            if !s.is_empty() && given.is_empty() {
                han_name = Some(s.clone());
                han_conf = *sc;
            }
        }
        printed_sur = second(Label::Surname).map(|r| (r.text(), p(r)));
        printed_given = second(Label::GivenNames).map(|r| (r.text(), p(r)));
    }
    let name_check = |mrz_v: &str, printed: &Option<(String, f64)>| -> f64 {
        match printed {
            Some((t, pc)) if latin_key(t) == latin_key(mrz_v) => agree(name_mrz, *pc),
            Some((t, _)) if !latin_key(t).is_empty() => name_mrz.min(DISAGREE_CAP),
            _ => name_mrz.min(0.85),
        }
    };
    let (mut sur_conf, mut given_conf) = (name_check(&surname, &printed_sur), name_check(&given, &printed_given));
    // The MRZ's names carry no check digit. Where the printed pinyin disagrees with one of them
    // and the hanzi name spells the printed pinyin but not the MRZ's, two printed readings
    // outvote the zone (a stray mark in the filler read as a letter, print over the zone).
    if let (Some(h), Some((ps, psc)), Some((pg, pgc))) = (&han_name, &printed_sur, &printed_given) {
        let (ps, pg) = (latin_words(ps), latin_words(pg));
        let mrz_key = format!("{}{}", latin_key(&surname), latin_key(&given));
        let printed_key = format!("{}{}", latin_key(&ps), latin_key(&pg));
        // Both names printed, one of them the MRZ's (the lines are the names, in their places).
        let anchored = !ps.is_empty() && !pg.is_empty() && (latin_key(&ps) == latin_key(&surname)) != (latin_key(&pg) == latin_key(&given));
        if anchored && super::pinyin::fits(h, &printed_key) && !super::pinyin::fits(h, &mrz_key) {
            let c = agree(psc.min(*pgc), han_conf).min(PRINTED_NAME_CAP);
            log::debug!("the printed pinyin name outvotes the MRZ's");
            if latin_key(&ps) != latin_key(&surname) {
                (surname, sur_conf) = (ps, c);
            }
            if latin_key(&pg) != latin_key(&given) {
                (given, given_conf) = (pg, c);
            }
        }
    }
    // The hanzi name: one hanzi per pinyin syllable, so its length must be plausible for the
    // pinyin, and a hanzi name is 1 to 5 characters.
    if let Some(h) = &han_name {
        let n = h.chars().count();
        let letters = latin_key(&surname).len() + latin_key(&given).len();
        let syllables_max = letters; // every syllable has at least one letter
        let syllables_min = letters.div_ceil(6); // and at most six ("ZHUANG", "SHUANG")
        if !(2..=5).contains(&n) && !(n == 1 && given.is_empty()) || n > syllables_max || n < syllables_min {
            han_conf = han_conf.min(IMPLAUSIBLE_CAP);
        }
        // Nor may it spell other pinyin than the names', nor hold a given name's hanzi rarely
        // given (怕 read for 伯, both BO but 怕 in hardly any name, the given names' pinyin line
        // too faint to have it read again).
        let key = format!("{}{}", latin_key(&surname), latin_key(&given));
        let sur_len = super::normalize::surname_hanzi_len(h, &surname);
        if super::pinyin::spelling_commonness(h, &key, sur_len).is_none_or(|c| c < UNLIKELY_IN_NAMES) {
            han_conf = han_conf.min(DISAGREE_CAP);
        }
    }

    // sex
    let sex_mrz = doc.sex.api().filter(|s| *s == "M" || *s == "F");
    let sex_vis = first(Label::Sex).and_then(|r| parse_sex(&r.text()).map(|s| (s, p(r))));
    let (sex, sex_conf) = match (sex_mrz, sex_vis) {
        (Some(m), Some(((_, v), vp))) if m == v => (Some(m.to_owned()), agree(mrz_conf("sex"), vp)),
        (Some(m), Some(_)) => (Some(m.to_owned()), mrz_conf("sex").min(DISAGREE_CAP)),
        (Some(m), None) => (Some(m.to_owned()), mrz_conf("sex")),
        (None, Some(((_, v), vp))) => (Some(v.to_owned()), vp.min(0.8)),
        (None, None) => (None, 0.0),
    };

    // Dates of birth and expiry: the MRZ when its check digits hold.
    let date_field = |kind: FieldKind, key: &str, label: Label, mrz_iso: Option<String>| -> (Option<String>, f64) {
        let vis = first(label).and_then(|r| parse_date(&r.text()).map(|d| (d.iso(), p(r))));
        let confirmed = doc.field_confirmed(kind);
        match (mrz_iso, vis) {
            (Some(m), Some((v, vp))) if m == v => (Some(m), agree(mrz_conf(key), vp)),
            (Some(m), Some(_)) if confirmed => (Some(m), mrz_conf(key) * 0.85),
            (Some(_), Some((v, vp))) => (Some(v), vp.min(DISAGREE_CAP)),
            (Some(m), None) => (Some(m), mrz_conf(key)),
            (None, Some((v, vp))) => (Some(v), vp.min(0.8)),
            (None, None) => (None, 0.0),
        }
    };
    let (dob, dob_conf) = date_field(FieldKind::DateOfBirth, "date_of_birth", Label::DateOfBirth, doc.date_of_birth.iso().map(|s| s.as_str().to_owned()));
    let (expiry, expiry_conf) =
        date_field(FieldKind::DateOfExpiry, "date_of_expiry", Label::DateOfExpiry, doc.date_of_expiry.iso().map(|s| s.as_str().to_owned()));
    let expiry_ymd = doc.date_of_expiry.ymd();

    let dob_ymd = doc.date_of_birth.ymd();

    // Date of issue: printed only; checked against the expiry.
    let mut issue: Option<(Ymd, f64)> = None;
    if let Some(r) = first(Label::DateOfIssue) {
        let vp = p_of(r, |c| c.is_ascii_alphanumeric() || c == '月');
        let text = r.text();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let month_read = |c: &Ymd| text.contains(&format!("{}月", c.month)) || latin_key(&text).contains(MONTHS[usize::from(c.month) - 1]);
        // The validity's issue date: ten years, or five for a holder under 16 on the ten-year date.
        let validity = expiry_ymd.map(|e| {
            let [ten, five] = plausible_issue_dates(e);
            if dob_ymd.is_some_and(|b| unix_days(add_years(b, 16)) > unix_days(ten)) {
                five
            } else {
                ten
            }
        });
        // It, when the reading holds its month and is one digit from its day, month and year
        // (`02月/FEB2024` of `09 2月/FEB 2024`, its 9 lost; `2015` read for `2018`), or is its
        // month and year with the day lost (`10月/OCT2023` of `15 10月/OCT 2023`).
        let one_digit_off = || {
            let c = validity?;
            let want = format!("{:02}{}{:04}", c.day, c.month, c.year);
            let day_lost = digits == format!("{}{:04}", c.month, c.year);
            (month_read(&c) && (edit_distance(&digits, &want) == 1 || day_lost)).then_some(c)
        };
        match parse_date(&text) {
            Some(d) => {
                let y = ymd(&d);
                let c = match expiry_ymd {
                    Some(e) if issue_fits_expiry(y, e) => agree(vp, 0.9),
                    Some(_) => vp.min(IMPLAUSIBLE_CAP),
                    None => vp.min(0.8),
                };
                issue = Some((y, if d.month_confirmed { c } else { c.min(0.85) }));
                if expiry_ymd.is_some_and(|e| !issue_fits_expiry(y, e)) {
                    if let Some(c) = one_digit_off() {
                        issue = Some((c, vp.min(PARTIAL_ISSUE_CAP)));
                    }
                }
            }
            None => {
                // Unparsable text: the expiry's candidate dates whose digits are all in it, or
                // whose day and month are, with what was read of the year (glare washing out
                // `2018` of `21 7月/JUL 2018`).
                if let Some(e) = expiry_ymd {
                    let whole = |c: &Ymd| digits.starts_with(&format!("{:02}", c.day)) && digits.ends_with(&format!("{:04}", c.year));
                    let partly = |c: &Ymd| {
                        let (day, month) = (format!("{:02}", c.day), c.month.to_string());
                        let rest = digits.strip_prefix(&day).map(|d| d.strip_prefix(&month).unwrap_or(d));
                        month_read(c) && rest.is_some_and(|y| format!("{:04}", c.year).starts_with(y))
                    };
                    let [ten, five] = plausible_issue_dates(e);
                    let whole_fits: Vec<Ymd> = [ten, five].into_iter().filter(whole).collect();
                    let partly_fits: Vec<Ymd> = [ten, five].into_iter().filter(partly).collect();
                    if whole_fits.len() == 1 {
                        issue = Some((whole_fits[0], vp.min(0.7)));
                    } else if !partly_fits.is_empty() {
                        if let Some(pick) = validity.filter(|v| partly_fits.contains(v)) {
                            issue = Some((pick, vp.min(PARTIAL_ISSUE_CAP)));
                        }
                    } else if let Some(c) = one_digit_off() {
                        issue = Some((c, vp.min(PARTIAL_ISSUE_CAP)));
                    }
                }
            }
        }
    }

    // Places.
    let place = |label: Label, abroad: bool| -> Option<(String, String, f64)> {
        let r = first(label)?;
        let text = r.text();
        match match_place(&text, abroad) {
            Some(m) => Some((m.han.to_owned(), m.latin.to_owned(), p(r) * m.support())),
            None => {
                let (h, l) = split_bilingual(&text);
                (!h.is_empty() && !l.is_empty()).then(|| (h, l, p(r).min(0.6)))
            }
        }
    };
    let pob = place(Label::PlaceOfBirth, true);
    let poi = place(Label::PlaceOfIssue, false);

    // Authority: hanzi line and English line; must fit the issue date.
    let auth_lines = fields.get(Label::Authority).unwrap_or(&[]);
    let (auth_h, auth_l) = (auth_lines.first(), auth_lines.get(1));
    let auth_p = auth_lines.iter().map(p).fold(1.0, f64::min);
    let mut authority: Option<(String, String, f64)> = None;
    if !auth_lines.is_empty() {
        let h = auth_h.map(|r| r.text()).unwrap_or_default();
        let l = auth_l.map(|r| r.text()).unwrap_or_default();
        let near_dated = issue.and_then(|(iy, ic)| {
            let a = authority_for_issue((i32::from(iy.year), u32::from(iy.month), u32::from(iy.day)));
            near_authority(&h, a).then_some((a, ic))
        });
        match match_authority(&h, &l) {
            Some((a, d)) => {
                let mut c = if d == 0 { auth_p.max(0.9 * f64::from(auth_h.map_or(0.0, |r| r.min_p()))) } else { auth_p.min(0.8) };
                if let Some((iy, ic)) = issue {
                    if authority_for_issue((i32::from(iy.year), u32::from(iy.month), u32::from(iy.day))) == a {
                        c = agree(c, ic * 0.5);
                    } else {
                        c = c.min(IMPLAUSIBLE_CAP);
                        if let Some(x) = issue.as_mut() {
                            x.1 = x.1.min(IMPLAUSIBLE_CAP);
                        }
                    }
                }
                authority = Some((a.0.to_owned(), a.1.to_owned(), c));
            }
            // Pieces of one authority's name: that authority, if the issue date (when read)
            // agrees; never confident on pieces alone.
            None if authority_from_fragment(&h).is_some() => {
                let by_date = issue.map(|(iy, ic)| (authority_for_issue((i32::from(iy.year), u32::from(iy.month), u32::from(iy.day))), ic));
                authority = authority_from_fragment(&h).and_then(|a| match by_date {
                    Some((b, ic)) if b == a => Some((a.0.to_owned(), a.1.to_owned(), auth_p.min(ic).min(FRAGMENT_CAP))),
                    Some(_) => None,
                    None => Some((a.0.to_owned(), a.1.to_owned(), auth_p.min(IMPLAUSIBLE_CAP))),
                });
            }
            // Misread in up to half its hanzi (国家林买银理局), nearer the authority of the issue
            // date read than the other: that authority, never confident.
            None if near_dated.is_some() => {
                if let Some((a, ic)) = near_dated {
                    authority = Some((a.0.to_owned(), a.1.to_owned(), auth_p.min(ic).min(FRAGMENT_CAP)));
                }
            }
            // Misread so, with no issue date read: that authority, doubtful; dated for the
            // other: nothing (it is no third authority's name).
            None if misread_authority(&h).is_some() => {
                if let (Some(a), None) = (misread_authority(&h), issue) {
                    authority = Some((a.0.to_owned(), a.1.to_owned(), auth_p.min(IMPLAUSIBLE_CAP)));
                }
            }
            None => {
                let h = han_only(&h);
                if !h.is_empty() && !l.trim().is_empty() {
                    authority = Some((h, normalize_authority_latin(l.trim()), auth_p.min(0.6)));
                }
            }
        }
    }

    // Assemble in the spec's order; every returned field has its confidence.
    if let Some(s) = &sex {
        conf.set("sex", sex_conf);
        let _ = s;
    }
    if dob.is_some() {
        conf.set("date_of_birth", dob_conf);
    }
    if expiry.is_some() {
        conf.set("date_of_expiry", expiry_conf);
    }
    if let Some((_, c)) = issue {
        conf.set("date_of_issue", c);
    }
    if let Some((_, _, c)) = &pob {
        conf.set("place_of_birth", *c);
    }
    if let Some((_, _, c)) = &poi {
        conf.set("place_of_issue", *c);
    }
    if let Some((_, _, c)) = &authority {
        conf.set("issuing_authority", *c);
    }
    // The API has no confidence key for the Chinese name: it is printed with the pinyin names,
    // so their confidences cover it too (a doubtful hanzi name lowers them).
    let han_cap = if han_name.is_some() { han_conf } else { 0.0 };
    conf.set("surname", sur_conf.min(han_cap.max(0.0)));
    conf.set("given_name", given_conf.min(han_cap.max(0.0)));
    ChineseResult {
        passport_type: type_mrz,
        country_code: country,
        passport_number: number,
        nationality: "CHINESE".into(),
        surname,
        given_name: given,
        sex: sex.clone(),
        date_of_birth: dob,
        date_of_expiry: expiry,
        date_of_issue: issue.map(|(y, _)| iso(y)),
        place_of_birth: pob.as_ref().map(|x| x.1.clone()),
        place_of_issue: poi.as_ref().map(|x| x.1.clone()),
        issuing_authority: authority.as_ref().map(|x| x.1.clone()),
        extra_info: ExtraInfo {
            local_language: Some(LocalLanguage {
                name: han_name,
                sex: sex.as_deref().and_then(sex_han).map(str::to_owned),
                place_of_birth: pob.map(|x| x.0),
                place_of_issue: poi.map(|x| x.0),
                issuing_authority: authority.map(|x| x.0),
                nationality: "中国".into(),
            }),
        },
        confidence: conf,
    }
}

/// Confidence of the Chinese name (the API's `confidence` has no key for it; evaluation and
/// logs use this).
/// Whether the hanzi read `h` (four at least) are authority `a`'s name misread in at most half
/// its hanzi, and nearer it than the other authority's.
fn near_authority(h: &str, a: (&str, &str)) -> bool {
    super::normalize::misread_authority(h) == Some(a)
}

pub fn local_name_confidence(fields: &Fields, repaired: &Repaired) -> f64 {
    let _ = repaired;
    let han = |r: &TextReading| p_of(r, super::normalize::is_han);
    match fields.get(Label::Name) {
        Some(v) => v.first().map_or(0.0, han),
        None => {
            let s = fields.get(Label::Surname).and_then(|v| v.first()).map_or(0.0, han);
            let g = fields.get(Label::GivenNames).and_then(|v| v.first()).map_or(0.0, han);
            s.min(g)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_counts_round_trip() {
        for days in [-1000i64, 0, 59, 365 * 30 + 7, 20_000] {
            assert_eq!(unix_days(Ymd::from_unix_days(days)), days);
        }
    }

    #[test]
    fn issue_dates_from_expiry() {
        let e = Ymd::new(2026, 5, 25);
        assert_eq!(plausible_issue_dates(e), [Ymd::new(2016, 5, 26), Ymd::new(2021, 5, 26)]);
        assert!(issue_fits_expiry(Ymd::new(2016, 5, 26), e));
        assert!(!issue_fits_expiry(Ymd::new(2016, 8, 26), e));
        // Expiry on the last day of the year.
        assert_eq!(plausible_issue_dates(Ymd::new(2030, 12, 31))[0], Ymd::new(2021, 1, 1));
    }

    fn reading(text: &str, p: f32) -> TextReading {
        TextReading { chars: text.chars().map(|ch| super::super::text::TextChar { ch, p, x: 0.0 }).collect() }
    }

    fn assembled(lines: &str, fields: &Fields) -> ChineseResult {
        let obs = crate::mrz::repair::certain(lines);
        let refs: Vec<&[crate::mrz::repair::Candidates]> = obs.iter().map(|l| l.as_slice()).collect();
        let repaired = crate::mrz::repair::repair(&refs, Ymd::new(2026, 11, 30)).unwrap();
        assemble(fields, &repaired, Ymd::new(2026, 11, 30))
    }

    fn names_read(line1: &str, printed: [(&str, &str); 2]) -> ChineseResult {
        let mut fields = Fields::default();
        for (label, (han, latin)) in [Label::Surname, Label::GivenNames].into_iter().zip(printed) {
            fields.values.insert(label, vec![reading(han, 0.95), reading(latin, 0.95)]);
        }
        assembled(&format!("{line1}\nEK74266247CHN4211024M3408180SDPZWLJCNPAVEH94"), &fields)
    }

    fn issue_read(line2: &str, printed: &str) -> (Option<String>, f64) {
        let mut fields = Fields::default();
        fields.values.insert(Label::DateOfIssue, vec![reading(printed, 0.9)]);
        let r = assembled(&format!("POCHNLIU<<KAI<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n{line2}"), &fields);
        let c = r.confidence.get("date_of_issue").unwrap_or(0.0);
        (r.date_of_issue, c)
    }

    #[test]
    fn an_authority_misread_in_half_its_hanzi_is_the_issue_dates() {
        // Expiring 2034-08-18, issued 2024-08-19: the National Immigration Administration's time.
        let line2 = "EK74266247CHN4211024M3408180SDPZWLJCNPAVEH94";
        let read = |han: &str, issue: Option<&str>| {
            let mut fields = Fields::default();
            fields.values.insert(Label::Authority, vec![reading(han, 0.6)]);
            if let Some(d) = issue {
                fields.values.insert(Label::DateOfIssue, vec![reading(d, 0.9)]);
            }
            let r = assembled(&format!("POCHNLIU<<KAI<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n{line2}"), &fields);
            let c = r.confidence.get("issuing_authority").unwrap_or(0.0);
            (r.issuing_authority, c)
        };
        // 国家林买银理局: three of seven hanzi wrong, nearer 国家移民管理局 than 公安部出入境管理局.
        let (a, c) = read("国家林买银理局", Some("19 8月/AUG 2024"));
        assert_eq!(a.as_deref(), Some("National Immigration Administration, PRC"));
        assert!(c <= FRAGMENT_CAP);
        // Without the issue date: that authority, doubtful. Misread in more than half, or dated
        // for the other: nothing.
        let (a, c) = read("国家林买银理局", None);
        assert_eq!(a.as_deref(), Some("National Immigration Administration, PRC"));
        assert!(c <= IMPLAUSIBLE_CAP);
        assert_eq!(read("国家林买银理局", Some("19 8月/AUG 2018")).0, None);
        assert_eq!(read("国林买银理局局", Some("19 8月/AUG 2024")).0.as_deref().filter(|a| a.starts_with("National")), None);
        assert!(!near_authority("国家林买银理局", super::super::normalize::AUTHORITY_MPS));
    }

    #[test]
    fn an_issue_date_read_in_part_takes_its_year_from_the_validity() {
        // Born 1942, expiring 2034-08-18: ten years, issued 2024-08-19.
        let adult = "EK74266247CHN4211024M3408180SDPZWLJCNPAVEH94";
        let (d, c) = issue_read(adult, "19 8月/AUG 2024");
        assert!(d.as_deref() == Some("2024-08-19") && c > 0.9, "{d:?} {c}");
        let (d, c) = issue_read(adult, "198月/AUG2");
        assert_eq!(d.as_deref(), Some("2024-08-19"));
        assert!(c <= PARTIAL_ISSUE_CAP);
        // Born 2015, expiring 2029-08-18: under 16 in 2019, so five years, issued 2024-08-19.
        let minor = "EK74266247CHN1501010M2908188SDPZWLJCNPAVEH94";
        assert_eq!(issue_read(minor, "19 8月/AU").0.as_deref(), Some("2024-08-19"));
        // Day, month or year read otherwise: nothing.
        assert_eq!(issue_read(adult, "18 8月/AUG 2").0, None);
        assert_eq!(issue_read(adult, "19 9月/SEP 2").0, None);
        assert_eq!(issue_read(adult, "19 8月/AUG 21").0, None);
    }

    #[test]
    fn an_issue_date_one_digit_from_the_validity_is_the_validitys() {
        // Expiring 2034-08-18: issued 2024-08-19. The year misread (2021), or the day's 9 lost
        // (`18月` of `19 8月`): the validity's date, doubtful.
        let adult = "EK74266247CHN4211024M3408180SDPZWLJCNPAVEH94";
        for printed in ["19 8月/AUG 2021", "18月/AUG2024", "8月/AUG2024"] {
            let (d, c) = issue_read(adult, printed);
            assert_eq!(d.as_deref(), Some("2024-08-19"), "{printed}");
            assert!(c <= PARTIAL_ISSUE_CAP, "{printed}: {c}");
        }
        // Two digits off, or the month not read: the reading stands (doubtful), or nothing.
        let (d, c) = issue_read(adult, "19 8月/AUG 2011");
        assert!(d.as_deref() == Some("2011-08-19") && c <= IMPLAUSIBLE_CAP, "{d:?} {c}");
        assert_eq!(issue_read(adult, "1 2024").0, None);
        // The day lost and the year another: nothing.
        assert_eq!(issue_read(adult, "8月/AUG2023").0, None);
    }

    #[test]
    fn printed_pinyin_spelled_by_the_hanzi_outvotes_the_mrz_names() {
        // A mark in the filler read as `2`: the MRZ says KAI 2, the print KAI, and 凯 is KAI.
        let r = names_read("POCHNLIU<<KAI<2<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", [("刘", "LIU"), ("凯", "KAI")]);
        assert_eq!((r.surname.as_str(), r.given_name.as_str()), ("LIU", "KAI"));
        let c = r.confidence.get("given_name").unwrap();
        assert!(c > 0.5 && c <= PRINTED_NAME_CAP, "{c}");
        // The print misread (KAL, which 凯 does not spell): the MRZ stays.
        let r = names_read("POCHNLIU<<KAI<2<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", [("刘", "LIU"), ("凯", "KAL")]);
        assert_eq!(r.given_name, "KAI 2");
        // The hanzi spell the MRZ's names: the MRZ stays, whatever the print says.
        let r = names_read("POCHNLIU<<KAI<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", [("刘", "LIU"), ("凯", "KAl")]);
        assert_eq!(r.given_name, "KAI");
        assert!(r.confidence.get("given_name").unwrap() <= DISAGREE_CAP);
        // A name line missing (the given names' pinyin not found): nothing to outvote with.
        let r = names_read("POCHNLIU<<KAI<2<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", [("刘", "LIU"), ("", "")]);
        assert_eq!(r.given_name, "KAI 2");
        // Neither name the MRZ's (lines taken for the wrong names): the MRZ stays.
        let r = names_read("POCHNLIU<<KAI<2<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", [("凯", "KAI"), ("刘", "LIU")]);
        assert_eq!((r.surname.as_str(), r.given_name.as_str()), ("LIU", "KAI 2"));
    }

    #[test]
    fn a_hanzi_name_spelling_other_pinyin_is_doubtful() {
        // 方伯立 read 方怕立 (怕 is PA) with the names' lines confident: the name, covered by the
        // surname's confidence, is in doubt; spelled right, it is not.
        let line1 = "POCHNFANG<<BOLI<<<<<<<<<<<<<<<<<<<<<<<<<<<<<";
        let r = names_read(line1, [("方", "FANG"), ("怕立", "BOLI")]);
        assert_eq!(r.extra_info.local_language.as_ref().and_then(|l| l.name.as_deref()), Some("方怕立"));
        assert!(r.confidence.get("surname").unwrap() <= DISAGREE_CAP);
        let r = names_read(line1, [("方", "FANG"), ("伯立", "BOLI")]);
        assert!(r.confidence.get("surname").unwrap() > 0.9);
    }

    #[test]
    fn agreement_raises_confidence() {
        assert!(agree(0.8, 0.8) > 0.95);
        assert_eq!(agree(0.0, 0.5), 0.5);
    }
}
