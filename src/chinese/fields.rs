//! Stage C3, fields: which recognized value lines hold which field.
//!
//! The page's labels are printed in a fine, light ink about 1.5 mm high; in a phone photo or a
//! 640x480 kiosk frame (5–6 px/mm) they are a few pixels tall and read unreliably, while the
//! values (black, 2.3–2.9 mm) read well. So the fields are placed by what each value line says
//! and where it sits relative to the others, not by fixed positions: the three dates are the
//! birth, issue and expiry dates top to bottom (the MRZ confirms birth and expiry); the places
//! sit on the rows of the birth and issue dates; the authority's English line is the one below
//! its hanzi; the name lines are the hanzi and pinyin lines in the dates' column above the sex.
//! Labels that do read ([`super::labels`]) fill what this leaves open.

use super::labels::Label;
use super::normalize::{han_only, is_chinese_nationality, is_han, latin_key, match_authority, match_place, misread_authority, parse_date, parse_sex};
use super::crosscheck::{issue_fits_expiry, plausible_issue_dates, ymd};
use super::{Fields, ReadLine};
use crate::mrz::Ymd;

/// What a value line reads as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Date,
    Place,
    AuthorityHan,
    AuthorityLatin,
    Sex,
    Nationality,
    /// Hanzi only (a name).
    Han,
    /// Latin letters only (a pinyin name, the type letter, the country code).
    Latin,
    /// The passport number (a letter and digits).
    Number,
    /// The page title and anything else.
    Other,
}

/// Classifies one line's text.
/// Whether `t` has a printed date's shape with its month misread (`046A/JUN2017` for
/// `04 6月/JUN 2017`, `034AAPR2026`): the day's digits first (two to four, the month's glued
/// on), a year of this or the last century last, and two letters or more between them.
fn date_shaped(t: &str) -> bool {
    let s: Vec<char> = t.chars().filter(|c| !c.is_whitespace()).collect();
    let lead = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let n = s.len();
    if !(2..=4).contains(&lead) || n < lead + 6 {
        return false;
    }
    let year: String = s[n - 4..].iter().collect();
    let middle = &s[lead..n - 4];
    year.chars().all(|c| c.is_ascii_digit())
        && (year.starts_with("19") || year.starts_with("20"))
        && middle.iter().filter(|c| c.is_ascii_alphabetic()).count() >= 2
        && middle.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, '/' | '月' | '.' | ','))
}

pub fn classify(text: &str) -> ValueKind {
    let t = text.trim();
    if t.is_empty() {
        return ValueKind::Other;
    }
    if t.contains("人民共和国") || latin_key(t).contains("REPUBLIC") || latin_key(t).contains("PASSPORT") {
        return ValueKind::Other;
    }
    // A date read in part (`217月/JUL2`, its year washed out) still holds its day and month.
    if parse_date(t).is_some() || (t.contains('月') && t.chars().filter(char::is_ascii_digit).count() >= 3) || date_shaped(t) {
        return ValueKind::Date;
    }
    let han = han_only(t);
    let latin = latin_key(t);
    // (Or its hanzi misread in up to half: `国家的民公理`; the cross-check holds it to the
    // issue date.)
    if !han.is_empty() && (match_authority(t, "").is_some() || misread_authority(&han).is_some()) {
        return ValueKind::AuthorityHan;
    }
    if han.is_empty() && latin.len() >= 12 && match_authority("", t).is_some() {
        return ValueKind::AuthorityLatin;
    }
    if t.chars().count() <= 5 && parse_sex(t).is_some() && (t.contains('/') || !han.is_empty()) {
        return ValueKind::Sex;
    }
    if is_chinese_nationality(t) && (t.contains('/') || han == "中国") {
        return ValueKind::Nationality;
    }
    if match_place(t, true).is_some_and(|m| m.support() >= 0.5) && (t.contains('/') || (!han.is_empty() && !latin.is_empty())) {
        return ValueKind::Place;
    }
    if !han.is_empty() && t.chars().all(|c| is_han(c) || c.is_whitespace()) {
        return ValueKind::Han;
    }
    let alnum: String = t.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if alnum.len() >= 8 && alnum.chars().filter(char::is_ascii_digit).count() >= 6 && han.is_empty() {
        return ValueKind::Number;
    }
    // Pinyin is printed in capitals; a letter or two read in lower case (`ZHOng`) is still it.
    if han.is_empty() && !latin.is_empty() && t.chars().all(|c| c.is_ascii_alphabetic() || matches!(c, ',' | '，' | ' ' | '-' | '.')) {
        return ValueKind::Latin;
    }
    ValueKind::Other
}

pub const SAME_ROW_MM: f32 = 1.5;
const SAME_COLUMN_MM: f32 = 1.6;

/// Places the value lines. `mrz_birth` and `mrz_expiry` (the MRZ's dates) tell the birth and expiry
/// dates from the issue date when the visual dates are misread or out of order; `names`
/// (surname, given names as in the MRZ) tell the pinyin lines.
pub fn assign(read: &[ReadLine], mrz_birth: Option<Ymd>, mrz_expiry: Option<Ymd>, names: (&str, &str)) -> Fields {
    let kinds: Vec<ValueKind> = read.iter().map(|r| if r.label.is_some() { ValueKind::Other } else { classify(&r.reading.text()) }).collect();
    let mut fields = Fields::default();
    let of = |k: ValueKind| -> Vec<usize> {
        let mut v: Vec<usize> = (0..read.len()).filter(|&i| kinds[i] == k).collect();
        v.sort_by(|&a, &b| read[a].line.y0.total_cmp(&read[b].line.y0));
        v
    };
    let put = |fields: &mut Fields, l: Label, idx: &[usize]| {
        fields.values.insert(l, idx.iter().map(|&i| read[i].reading.clone()).collect());
    };

    // Dates.
    let dates = of(ValueKind::Date);
    let date = |i: usize| parse_date(&read[i].reading.text()).map(|d| ymd(&d));
    // Or, its month misread (`17 11A/NOV1997`), the date starting with the MRZ date's day and
    // holding its year.
    let day_and_year = |i: usize, d: Option<Ymd>| {
        let digits: String = read[i].reading.text().chars().filter(char::is_ascii_digit).collect();
        d.is_some_and(|d| digits.starts_with(&format!("{:02}", d.day)) && digits.ends_with(&format!("{:04}", d.year)))
    };
    let by_value = |d: Option<Ymd>, not: Option<usize>| {
        let others = || dates.iter().copied().filter(move |&i| Some(i) != not);
        others().find(|&i| date(i).is_some() && date(i) == d).or_else(|| others().find(|&i| date(i).is_none() && day_and_year(i, d)))
    };
    let mut birth = by_value(mrz_birth, None);
    let mut expiry = by_value(mrz_expiry, birth);
    if dates.len() == 3 {
        birth = birth.or(Some(dates[0]));
        expiry = expiry.or(Some(dates[2]));
    }
    let rest: Vec<usize> = dates.iter().copied().filter(|&i| Some(i) != birth && Some(i) != expiry).collect();
    // A date ten or five years before the MRZ's expiry is the issue date, wherever it sits
    // (the birth date misread as no MRZ date leaves the positions in doubt).
    // (Or, not parsed, it starts with the day of such a date and ends with its year.)
    let fits_expiry = |i: usize| match (date(i), mrz_expiry) {
        (Some(d), Some(e)) => issue_fits_expiry(d, e),
        (None, Some(e)) => plausible_issue_dates(e).into_iter().any(|c| day_and_year(i, Some(c))),
        _ => false,
    };
    let issue = match (birth, expiry) {
        _ if rest.iter().any(|&i| fits_expiry(i)) => rest.iter().copied().find(|&i| fits_expiry(i)),
        (Some(b), Some(e)) => {
            rest.iter().copied().find(|&i| read[i].line.y0 > read[b].line.y0 && read[i].line.y0 < read[e].line.y0).or(rest.first().copied())
        }
        (Some(b), None) => rest.iter().copied().find(|&i| read[i].line.y0 > read[b].line.y0),
        (None, Some(e)) => rest.iter().copied().rev().find(|&i| read[i].line.y0 < read[e].line.y0),
        (None, None) if rest.len() == 1 => None,
        (None, None) => None,
    };
    for (l, i) in [(Label::DateOfBirth, birth), (Label::DateOfIssue, issue), (Label::DateOfExpiry, expiry)] {
        if let Some(i) = i {
            put(&mut fields, l, &[i]);
        }
    }

    // Places: on the rows of the birth and issue dates; else top to bottom.
    let places = of(ValueKind::Place);
    let on_row = |row: Option<usize>| -> Option<usize> {
        let r = row?;
        places.iter().copied().filter(|&i| (read[i].line.cy() - read[r].line.cy()).abs() < SAME_ROW_MM).min_by(|&a, &b| {
            (read[a].line.cy() - read[r].line.cy()).abs().total_cmp(&(read[b].line.cy() - read[r].line.cy()).abs())
        })
    };
    // Or, with no place read on the date's row, the line right of the date on it that reads as
    // a listed place in part (`HUNAN` with its hanzi lost; alone, a pinyin name could read so).
    let part_on_row = |row: Option<usize>, abroad: bool| -> Option<usize> {
        let r = row?;
        (0..read.len()).find(|&i| {
            read[i].label.is_none()
                && matches!(kinds[i], ValueKind::Latin | ValueKind::Han | ValueKind::Other)
                && read[i].line.x0 > read[r].line.x1
                && (read[i].line.cy() - read[r].line.cy()).abs() < SAME_ROW_MM
                && match_place(&read[i].reading.text(), abroad).is_some_and(|m| m.support() >= 0.5)
        })
    };
    let mut pob = on_row(birth).or_else(|| part_on_row(birth, true));
    let mut poi = on_row(issue).or_else(|| part_on_row(issue, false));
    if pob.is_none() && poi.is_none() && places.len() == 2 {
        pob = Some(places[0]);
        poi = Some(places[1]);
    } else if pob.is_none() && places.len() == 2 && poi == Some(places[1]) {
        pob = Some(places[0]);
    } else if poi.is_none() && places.len() == 2 && pob == Some(places[0]) {
        poi = Some(places[1]);
    }
    // One place placed by its date, the other's date not found: the place line one row above
    // (the birth's) or below (the issue's) it, overlapping it across.
    let row_apart = |a: usize, b: usize| {
        let (la, lb) = (read[a].line, read[b].line);
        let gap = lb.cy() - la.cy();
        gap > SAME_ROW_MM && gap < 4.0 * la.height().max(lb.height()) && la.x0 < lb.x1 && lb.x0 < la.x1
    };
    match (pob, poi) {
        (None, Some(i)) => pob = places.iter().copied().filter(|&j| row_apart(j, i)).max_by(|&a, &b| read[a].line.y0.total_cmp(&read[b].line.y0)),
        (Some(b), None) => poi = places.iter().copied().filter(|&j| row_apart(b, j)).min_by(|&a, &b| read[a].line.y0.total_cmp(&read[b].line.y0)),
        _ => {}
    }
    if let Some(i) = pob {
        put(&mut fields, Label::PlaceOfBirth, &[i]);
    }
    if let Some(i) = poi {
        put(&mut fields, Label::PlaceOfIssue, &[i]);
    }

    // Authority: hanzi line, then the line right below it in its column.
    if let Some(&h) = of(ValueKind::AuthorityHan).first() {
        let below = (0..read.len())
            .filter(|&j| j != h && (read[j].line.x0 - read[h].line.x0).abs() < SAME_COLUMN_MM + 1.0 && read[j].line.y0 > read[h].line.cy())
            .min_by(|&a, &b| read[a].line.y0.total_cmp(&read[b].line.y0))
            .filter(|&j| read[j].line.y0 - read[h].line.y1 < 1.5 * read[h].line.height().max(1.0));
        let mut v = vec![h];
        if let Some(j) = below {
            v.push(j);
        }
        put(&mut fields, Label::Authority, &v);
    } else if let Some(e) = expiry {
        // No line reads as an authority: the hanzi pieces on the expiry date's row, right of
        // it, joined left to right (a line broken where glyphs were lost); the cross-check
        // accepts them only as part of one authority's name, fitting the issue date.
        let mut row: Vec<usize> = (0..read.len())
            .filter(|&j| read[j].label.is_none() && read[j].line.x0 > read[e].line.x1 && (read[j].line.cy() - read[e].line.cy()).abs() < SAME_ROW_MM)
            .filter(|&j| !han_only(&read[j].reading.text()).is_empty())
            .collect();
        row.sort_by(|&a, &b| read[a].line.x0.total_cmp(&read[b].line.x0));
        if !row.is_empty() {
            let chars = row.iter().flat_map(|&j| read[j].reading.chars.iter().copied()).collect();
            fields.values.insert(Label::Authority, vec![super::text::TextReading { chars }]);
        }
    }

    let sex = of(ValueKind::Sex).first().copied();
    if let Some(i) = sex {
        put(&mut fields, Label::Sex, &[i]);
    }
    if let Some(&i) = of(ValueKind::Nationality).first() {
        put(&mut fields, Label::Nationality, &[i]);
    }
    if let Some(&i) = of(ValueKind::Number).first() {
        put(&mut fields, Label::Number, &[i]);
    }

    // Names: the dates' column, above the sex (or the birth date), below the type letter.
    // The column's left edge at a height: a page frame a degree or two off turns the column, so
    // its slope comes from the starts of the sex and the dates (dx per dy, at most 0.1).
    // The column is where most of them start: one line found wider than its text (a date
    // joined to print left of it) must not move it nor turn it, so the slope is the median of
    // the slopes between any two of them (the lower middle of an even count).
    let column_dates: Vec<(f32, f32)> = [birth, issue, expiry].iter().flatten().map(|&i| (read[i].line.x0, read[i].line.y0)).collect();
    let sex_line = sex.map(|i| (read[i].line.x0, read[i].line.y0));
    let anchors: Vec<(f32, f32)> = sex_line.into_iter().chain(column_dates.iter().copied()).collect();
    let mut slopes: Vec<f32> = anchors
        .iter()
        .enumerate()
        .flat_map(|(k, a)| anchors[k + 1..].iter().map(move |b| (a, b)))
        .filter(|(a, b)| (b.1 - a.1).abs() > 5.0 && (b.0 - a.0).abs() < SAME_COLUMN_MM)
        .map(|(a, b)| (b.0 - a.0) / (b.1 - a.1))
        .collect();
    slopes.sort_by(f32::total_cmp);
    let slope = slopes.get(slopes.len().saturating_sub(1) / 2).map_or(0.0, |s| s.clamp(-0.1, 0.1));
    let column_x = |y: f32| {
        let mut xs: Vec<f32> = anchors.iter().map(|&(x, ay)| x + slope * (y - ay)).collect();
        xs.sort_by(f32::total_cmp);
        // The median (the lower middle of an even count: of two, the sex's or the first date's
        // column is as good as the other's).
        (!xs.is_empty()).then(|| xs[(xs.len() - 1) / 2])
    };
    // Below the names: the sex; without it, the birth date less one and a half date pitches
    // (the sex, misread as no sex — 女 as 文 — is one pitch above the birth date, the given
    // names' pinyin one more).
    let dated: Vec<(f32, f32)> = [birth, issue, expiry].iter().enumerate().filter_map(|(k, i)| i.map(|i| (k as f32, read[i].line.y0))).collect();
    let date_pitch = match (dated.first(), dated.last()) {
        (Some(a), Some(b)) if b.0 > a.0 => Some((b.1 - a.1) / (b.0 - a.0)),
        _ => None,
    };
    let bottom = sex.map(|i| read[i].line.y0).or_else(|| birth.map(|b| read[b].line.y0 - date_pitch.map_or(0.0, |p| 1.5 * p)));
    let name_lines: Vec<usize> = (0..read.len())
        .filter(|&i| matches!(kinds[i], ValueKind::Han | ValueKind::Latin))
        .filter(|&i| column_x(read[i].line.y0).is_none_or(|x| (read[i].line.x0 - x).abs() < SAME_COLUMN_MM))
        .filter(|&i| bottom.is_none_or(|b| read[i].line.y0 < b))
        .collect();
    let mut name_lines = name_lines;
    name_lines.sort_by(|&a, &b| read[a].line.y0.total_cmp(&read[b].line.y0));
    // Drop the type letter and anything above it. A single letter under a hanzi line of the
    // names is no type letter but a name's pinyin misread (`U` for a blurred `LI`).
    let type_letter = |(pos, &i): (usize, &usize)| {
        let k = latin_key(&read[i].reading.text());
        k == "P" || (k.len() == 1 && !name_lines[..pos].iter().any(|&j| kinds[j] == ValueKind::Han))
    };
    if let Some(pos) = name_lines.iter().enumerate().position(type_letter) {
        put(&mut fields, Label::Type, &[name_lines[pos]]);
        name_lines.drain(..=pos);
    }
    let hans: Vec<usize> = name_lines.iter().copied().filter(|&i| kinds[i] == ValueKind::Han).collect();
    let mut latins: Vec<usize> = name_lines.iter().copied().filter(|&i| kinds[i] == ValueKind::Latin).collect();
    // One hanzi line and no pinyin in the column: the pinyin under it that lost its start
    // (`GU, ` of `GU, XIXUAN` washed out) starts right of the column, still under the hanzi.
    if let ([h], true) = (hans.as_slice(), latins.is_empty()) {
        let han = read[*h].line;
        latins.extend((0..read.len()).find(|&i| {
            let l = read[i].line;
            kinds[i] == ValueKind::Latin && l.x0 > han.x0 && l.x0 < han.x1 && l.y0 > han.cy() && l.y0 - han.y1 < 1.5 * han.height()
        }));
    }
    let joined = latins.iter().any(|&i| read[i].reading.text().contains(','));
    let (sur, given) = names;
    // Each pinyin's own hanzi line is the one just above it (over a label read as a value:
    // 姓名 of 姓名/Name read 雅).
    let over = |l: usize| super::line_above(read, l).filter(|h| hans.contains(h));
    // One hanzi line spelling the whole name is the one-label layout's, whatever else was
    // read as Latin under it (a speck read `e` under `ZHANG` of a row half washed out).
    let whole = super::name_keys(names);
    let spells_whole = |i: usize| !whole[0].is_empty() && !whole[1].is_empty() && super::pinyin::fits(&read[i].reading.text(), &whole[2]);
    if joined || (hans.len() == 1 && !latins.is_empty() && (latins.len() == 1 && !given.is_empty() || spells_whole(hans[0]))) {
        let pinyin = latins.iter().copied().find(|&i| read[i].reading.text().contains(',')).or(latins.first().copied());
        let mut v: Vec<usize> = pinyin.and_then(over).or(hans.first().copied()).into_iter().collect();
        if let Some(l) = pinyin {
            if v.is_empty() {
                // No hanzi read: keep the pinyin in second place.
                fields.values.insert(Label::Name, vec![Default::default(), read[l].reading.clone()]);
            } else {
                v.push(l);
                put(&mut fields, Label::Name, &v);
            }
        } else if !v.is_empty() {
            put(&mut fields, Label::Name, &v);
        }
    } else {
        // Split layout: hanzi, pinyin, hanzi, pinyin.
        let pinyin_of = |want: &str| latins.iter().copied().find(|&i| latin_key(&read[i].reading.text()) == latin_key(want));
        let (ls, lg) = (pinyin_of(sur), pinyin_of(given));
        let (ls, lg) = match (ls, lg, latins.len()) {
            (Some(a), Some(b), _) if a != b => (Some(a), Some(b)),
            (_, _, 2) => (Some(latins[0]), Some(latins[1])),
            (a, b, _) => (a, b),
        };
        // More hanzi lines than two (a label read as a value: 姓 of 姓/Surname as 性): each
        // pinyin's own hanzi line is the one just above it.
        let (hs, hg) = match (hans.len(), ls, lg) {
            (2, _, _) => (Some(hans[0]), Some(hans[1])),
            (n, Some(a), Some(b)) if n > 2 => match (over(a), over(b)) {
                (Some(x), Some(y)) if x != y => (Some(x), Some(y)),
                _ => (None, None),
            },
            _ => (None, None),
        };
        if let Some(h) = hs {
            let mut v = vec![h];
            v.extend(ls);
            put(&mut fields, Label::Surname, &v);
        }
        if let Some(h) = hg {
            let mut v = vec![h];
            v.extend(lg);
            put(&mut fields, Label::GivenNames, &v);
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chinese::lines::TextLine;
    use crate::chinese::text::{TextChar, TextReading};

    fn line(y: f32, x: f32, text: &str) -> ReadLine {
        let chars = text.chars().map(|ch| TextChar { ch, p: 0.99, x: 0.0 }).collect();
        ReadLine {
            line: TextLine { x0: x, y0: y, x1: x + 10.0, y1: y + 2.5, parts: 3, contrast: 0.7 },
            reading: TextReading { chars },
            label: None,
        }
    }

    #[test]
    fn classify_values() {
        assert_eq!(classify("12 12月/DEC 1990"), ValueKind::Date);
        assert_eq!(classify("1212月/DEC1990"), ValueKind::Date);
        assert_eq!(classify("217月/JUL2"), ValueKind::Date);
        assert_eq!(classify("046A/JUN2017"), ValueKind::Date);
        assert_eq!(classify("034AAPR2026"), ValueKind::Date);
        assert_ne!(classify("EA1234567"), ValueKind::Date);
        assert_ne!(classify("12ABCDEF"), ValueKind::Date);
        assert_eq!(classify("湖南/HUNAN"), ValueKind::Place);
        assert_eq!(classify("公安部出入境管理局"), ValueKind::AuthorityHan);
        assert_eq!(classify("国家的民公理"), ValueKind::AuthorityHan);
        assert_eq!(classify("国家梦民警建货"), ValueKind::Han);
        assert_eq!(classify("MPS Exit & Entry Administration"), ValueKind::AuthorityLatin);
        assert_eq!(classify("男/M"), ValueKind::Sex);
        assert_eq!(classify("中国/CHINESE"), ValueKind::Nationality);
        assert_eq!(classify("张三"), ValueKind::Han);
        assert_eq!(classify("ZHANG, SAN"), ValueKind::Latin);
        assert_eq!(classify(" XIA, ZHOng "), ValueKind::Latin);
        assert_eq!(classify("WANG.XIN"), ValueKind::Latin);
        assert_eq!(classify("E12345678"), ValueKind::Number);
        assert_eq!(classify("中华人民共和国"), ValueKind::Other);
        assert_eq!(classify("PEOPLE'S REPUBLIC OF CHINA"), ValueKind::Other);
    }

    fn page(split: bool) -> Vec<ReadLine> {
        let mut v = vec![line(8.0, 45.0, "P"), line(8.0, 75.0, "CHN"), line(8.0, 95.0, "E12345678")];
        if split {
            v.extend([line(12.0, 45.0, "张"), line(15.0, 45.0, "ZHANG"), line(19.0, 45.0, "三"), line(22.0, 45.0, "SAN")]);
        } else {
            v.extend([line(12.0, 45.0, "张三"), line(15.0, 45.0, "ZHANG, SAN")]);
        }
        v.extend([
            line(26.0, 45.0, "女/F"),
            line(26.0, 75.0, "中国/CHINESE"),
            line(31.0, 45.0, "12 12月/DEC 1990"),
            line(31.2, 81.0, "湖南/HUNAN"),
            line(36.0, 45.0, "09 7月/JUL 2010"),
            line(36.1, 81.0, "广东/GUANGDONG"),
            line(41.0, 45.0, "08 7月/JUL 2020"),
            line(41.0, 81.0, "公安部出入境管理局"),
            line(44.0, 81.0, "MPS Exit & Entry Administration"),
        ]);
        v
    }

    #[test]
    fn a_label_read_as_a_hanzi_value_does_not_unpair_the_names() {
        // The split layout with its 姓 label (of 姓/Surname) taken for a value, read 性: three
        // hanzi lines in the names' column; each pinyin's own is the one just above it.
        let mut read = page(true);
        read.push(line(10.6, 45.0, "性"));
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        let t = |l: Label, i: usize| f.get(l).and_then(|v| v.get(i)).map(|r| r.text()).unwrap_or_default();
        assert_eq!((t(Label::Surname, 0), t(Label::Surname, 1)), ("张".into(), "ZHANG".into()));
        assert_eq!((t(Label::GivenNames, 0), t(Label::GivenNames, 1)), ("三".into(), "SAN".into()));
    }

    #[test]
    fn fields_by_content_and_layout() {
        for split in [true, false] {
            let read = page(split);
            let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
            let t = |l: Label, i: usize| f.get(l).and_then(|v| v.get(i)).map(|r| r.text()).unwrap_or_default();
            assert_eq!(t(Label::DateOfBirth, 0), "12 12月/DEC 1990");
            assert_eq!(t(Label::DateOfIssue, 0), "09 7月/JUL 2010");
            assert_eq!(t(Label::DateOfExpiry, 0), "08 7月/JUL 2020");
            assert_eq!(t(Label::PlaceOfBirth, 0), "湖南/HUNAN");
            assert_eq!(t(Label::PlaceOfIssue, 0), "广东/GUANGDONG");
            assert_eq!(t(Label::Authority, 1), "MPS Exit & Entry Administration");
            assert_eq!(t(Label::Sex, 0), "女/F");
            assert_eq!(t(Label::Type, 0), "P");
            if split {
                assert_eq!((t(Label::Surname, 0), t(Label::Surname, 1)), ("张".into(), "ZHANG".into()));
                assert_eq!((t(Label::GivenNames, 0), t(Label::GivenNames, 1)), ("三".into(), "SAN".into()));
            } else {
                assert_eq!((t(Label::Name, 0), t(Label::Name, 1)), ("张三".into(), "ZHANG, SAN".into()));
            }
        }
    }

    #[test]
    fn a_one_letter_pinyin_under_the_names_hanzi_is_no_type_letter() {
        // WEN LI, `LI` read `U`, the type letter `P` not read: the names are still placed.
        let read: Vec<ReadLine> = page(true)
            .into_iter()
            .filter(|r| r.reading.text() != "P")
            .map(|r| if r.reading.text() == "SAN" { ReadLine { reading: line(0.0, 0.0, "U").reading, ..r } } else { r })
            .collect();
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "LI"));
        let t = |l: Label, i: usize| f.get(l).and_then(|v| v.get(i)).map(|r| r.text()).unwrap_or_default();
        assert_eq!((t(Label::Surname, 0), t(Label::GivenNames, 0), t(Label::GivenNames, 1)), ("张".into(), "三".into(), "U".into()));
        assert!(f.get(Label::Type).is_none());
        // Over the names, a lone letter is the type.
        let f = assign(&page(true), Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        assert_eq!(f.get(Label::Type).and_then(|v| v.first()).map(|r| r.text()).as_deref(), Some("P"));
    }

    /// Asserts the names are placed, in both layouts, with the line of `date` found `dx` mm
    /// further left than its text.
    fn names_found_with_date_shifted(date: &str, dx: f32) {
        for split in [true, false] {
            let read: Vec<ReadLine> =
                page(split).into_iter().map(|r| if r.reading.text() == date { ReadLine { line: TextLine { x0: r.line.x0 - dx, ..r.line }, ..r } } else { r }).collect();
            let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
            let t = |l: Label| f.get(l).and_then(|v| v.first()).map(|r| r.text());
            if split {
                assert_eq!((t(Label::Surname).as_deref(), t(Label::GivenNames).as_deref()), (Some("张"), Some("三")), "{date}");
            } else {
                assert_eq!(t(Label::Name).as_deref(), Some("张三"), "{date}");
            }
        }
    }

    #[test]
    fn a_date_found_wider_than_its_text_does_not_move_the_names_column() {
        // The birth date's line joined print 6 mm left of it: the column is still where the
        // sex and the other dates start, and the names in it are found.
        names_found_with_date_shifted("12 12月/DEC 1990", 6.0);
    }

    #[test]
    fn a_date_found_a_little_left_does_not_turn_the_names_column() {
        // The expiry date's line found 1.2 mm left of its text: the column's slope is that of
        // most of the sex and the dates (none), so the surname at the top stays in the column.
        names_found_with_date_shifted("08 7月/JUL 2020", 1.2);
    }

    #[test]
    fn a_label_read_as_a_hanzi_value_over_a_whole_name_is_not_the_name() {
        // The joined layout with its 姓名 label (of 姓名/Name) taken for a value, read 雅: the
        // name is the hanzi line right above the pinyin.
        let mut read = page(false);
        read.push(line(9.6, 45.0, "雅"));
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        let t = |i: usize| f.get(Label::Name).and_then(|v| v.get(i)).map(|r| r.text()).unwrap_or_default();
        assert_eq!((t(0), t(1)), ("张三".into(), "ZHANG, SAN".into()));
    }

    #[test]
    fn a_name_pinyin_that_lost_its_start_still_goes_with_the_hanzi_above() {
        // `ZHANG, SAN` read `SAN` from 4 mm right of the column: under the one hanzi line.
        let read: Vec<ReadLine> = page(false)
            .into_iter()
            .map(|r| if r.reading.text() == "ZHANG, SAN" { line(15.0, 49.0, "SAN") } else { r })
            .collect();
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        let t = |i: usize| f.get(Label::Name).and_then(|v| v.get(i)).map(|r| r.text());
        assert_eq!((t(0).as_deref(), t(1).as_deref()), (Some("张三"), Some("SAN")));
    }

    #[test]
    fn a_whole_name_hanzi_line_over_a_half_read_pinyin_row_is_the_name() {
        // `ZHANG, SAN` read `ZHANG` (the rest washed out), a speck under it read `e`: two Latin
        // lines and one hanzi line, which spells the whole name: the one-label layout.
        let read: Vec<ReadLine> = page(false)
            .into_iter()
            .flat_map(|r| if r.reading.text() == "ZHANG, SAN" { vec![line(15.0, 45.0, "ZHANG"), line(18.5, 45.5, "e")] } else { vec![r] })
            .collect();
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        let t = |i: usize| f.get(Label::Name).and_then(|v| v.get(i)).map(|r| r.text());
        assert_eq!((t(0).as_deref(), t(1).as_deref()), (Some("张三"), Some("ZHANG")));
        // The split layout with its given names' pair lost: the surname's hanzi alone do not
        // spell the whole name; no name is made of them.
        let read: Vec<ReadLine> = page(true).into_iter().filter(|r| !["三", "SAN"].contains(&r.reading.text().as_str())).chain([line(18.5, 45.5, "e")]).collect();
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        assert!(f.get(Label::Name).is_none());
    }

    #[test]
    fn an_issue_date_with_its_month_misread_is_known_by_the_validity() {
        // Only the issue date read as a date, its 月 and the space lost (`097/JUL2010`, as
        // `099/5EP2023` on a page at 5 px/mm), neither MRZ date on the page: it starts with
        // the day and ends with the year of the date ten years before the expiry.
        let read: Vec<ReadLine> = page(true)
            .into_iter()
            .filter(|r| !matches!(r.reading.text().as_str(), "12 12月/DEC 1990" | "08 7月/JUL 2020"))
            .map(|r| if r.reading.text() == "09 7月/JUL 2010" { ReadLine { reading: line(0.0, 0.0, "097/JUL2010").reading, ..r } } else { r })
            .collect();
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        let t = |l: Label| f.get(l).and_then(|v| v.first()).map(|r| r.text());
        assert_eq!(t(Label::DateOfIssue).as_deref(), Some("097/JUL2010"));
        assert_eq!(t(Label::PlaceOfIssue).as_deref(), Some("广东/GUANGDONG"));
    }

    #[test]
    fn a_birth_date_with_its_month_misread_is_known_by_its_day_and_year() {
        // `12 12A/DEC 1990` (月 read A) does not parse; the issue date's line is lost. By its day
        // and year it is the birth date, so its place is the place of birth.
        let read: Vec<ReadLine> = page(true)
            .into_iter()
            .filter(|r| r.reading.text() != "09 7月/JUL 2010")
            .map(|r| if r.reading.text() == "12 12月/DEC 1990" { ReadLine { reading: line(0.0, 0.0, "12 12A/DEC1990").reading, ..r } } else { r })
            .collect();
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        let t = |l: Label| f.get(l).and_then(|v| v.first()).map(|r| r.text());
        assert_eq!(t(Label::DateOfBirth).as_deref(), Some("12 12A/DEC1990"));
        assert_eq!(t(Label::DateOfIssue), None);
        assert_eq!(t(Label::PlaceOfBirth).as_deref(), Some("湖南/HUNAN"));
    }

    #[test]
    fn a_place_read_in_part_on_its_dates_row_is_placed() {
        // The place of issue's hanzi lost (`GUANGDONG` alone), the place of birth's Latin part
        // (`湖南`): on their dates' rows, right of the dates, they are the places.
        let read: Vec<ReadLine> = page(true)
            .into_iter()
            .map(|r| match r.reading.text().as_str() {
                "广东/GUANGDONG" => ReadLine { reading: line(0.0, 0.0, "GUANGDONG").reading, ..r },
                "湖南/HUNAN" => ReadLine { reading: line(0.0, 0.0, "湖南").reading, ..r },
                _ => r,
            })
            .collect();
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        let t = |l: Label| f.get(l).and_then(|v| v.first()).map(|r| r.text()).unwrap_or_default();
        assert_eq!((t(Label::PlaceOfBirth), t(Label::PlaceOfIssue)), ("湖南".into(), "GUANGDONG".into()));
        // A name's pinyin that spells a place (HUNAN) stays a name: it is on no date's row.
        let read: Vec<ReadLine> = page(true).into_iter().map(|r| if r.reading.text() == "SAN" { ReadLine { reading: line(0.0, 0.0, "HUNAN").reading, ..r } } else { r }).collect();
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "HUNAN"));
        assert_eq!(f.get(Label::GivenNames).and_then(|v| v.get(1)).map(|r| r.text()).as_deref(), Some("HUNAN"));
        assert_eq!(f.get(Label::PlaceOfBirth).and_then(|v| v.first()).map(|r| r.text()).as_deref(), Some("湖南/HUNAN"));
    }

    #[test]
    fn a_place_whose_date_was_not_found_is_the_place_a_row_from_the_other() {
        // The birth date's line not found, the place of issue read `GUANGDONG` (its hanzi
        // lost, placed by its date): 湖南/HUNAN is the place one row above it. The issue date's
        // not found, the place of birth read `HUNAN`: 广东/GUANGDONG is the place a row below.
        let with = |gone: &str, part: &str, left: &str| -> Vec<ReadLine> {
            page(true)
                .into_iter()
                .filter(|r| r.reading.text() != gone)
                .map(|r| if r.reading.text() == part { ReadLine { reading: line(0.0, 0.0, left).reading, ..r } } else { r })
                .collect()
        };
        let t = |read: &[ReadLine], l: Label| {
            let f = assign(read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
            f.get(l).and_then(|v| v.first()).map(|r| r.text())
        };
        let read = with("12 12月/DEC 1990", "广东/GUANGDONG", "GUANGDONG");
        assert_eq!(t(&read, Label::PlaceOfBirth).as_deref(), Some("湖南/HUNAN"));
        let read = with("09 7月/JUL 2010", "湖南/HUNAN", "HUNAN");
        assert_eq!(t(&read, Label::PlaceOfIssue).as_deref(), Some("广东/GUANGDONG"));
        // A place line two rows up is not the place of birth.
        let read: Vec<ReadLine> = with("12 12月/DEC 1990", "广东/GUANGDONG", "GUANGDONG")
            .into_iter()
            .map(|r| if r.reading.text() == "湖南/HUNAN" { ReadLine { line: TextLine { y0: 26.0, y1: 28.5, ..r.line }, ..r } } else { r })
            .collect();
        assert_eq!(t(&read, Label::PlaceOfBirth), None);
    }

    #[test]
    fn the_sex_misread_as_a_hanzi_is_no_given_name() {
        // 女/F read 文, 张 read `K`, both pinyin misread: 文 is one date pitch above the birth
        // date, the sex's row, not a name's; with one name hanzi line, nothing is placed
        // (rather than 三 as the surname and 文 as the given names).
        let misread = |t: &str| match t {
            "女/F" => Some("文"),
            "张" => Some("K"),
            "ZHANG" => Some("UAIG"),
            "SAN" => Some("SA"),
            _ => None,
        };
        let read: Vec<ReadLine> =
            page(true).into_iter().map(|r| match misread(&r.reading.text()) { Some(m) => ReadLine { reading: line(0.0, 0.0, m).reading, ..r }, None => r }).collect();
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        assert!(f.get(Label::Surname).is_none() && f.get(Label::GivenNames).is_none());
    }

    #[test]
    fn the_date_that_fits_the_expiry_is_the_issue_date() {
        // The birth date misread (1965 for the MRZ's 1985) and the expiry's line lost: two dates
        // and neither the MRZ's, but the second is ten years before the expiry.
        let mut read: Vec<ReadLine> = page(true).into_iter().filter(|r| !r.reading.text().contains("2020")).collect();
        read.iter_mut().find(|r| r.reading.text().contains("1990")).unwrap().reading = line(0.0, 0.0, "12 12月/DEC 1960").reading;
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        assert_eq!(f.get(Label::DateOfIssue).and_then(|v| v.first()).map(|r| r.text()).as_deref(), Some("09 7月/JUL 2010"));
        // An issue date that fits no expiry is not placed by that rule.
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2022, 3, 1)), ("ZHANG", "SAN"));
        assert!(f.get(Label::DateOfIssue).is_none());
    }

    #[test]
    fn authority_in_pieces_is_kept_for_the_cross_check() {
        let mut read = page(true);
        read.truncate(read.len() - 2);
        read.extend([line(41.0, 81.0, "公"), line(41.0, 94.0, "入境管"), line(41.1, 105.0, "局")]);
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        assert_eq!(f.get(Label::Authority).unwrap()[0].text(), "公入境管局");
    }

    #[test]
    fn names_are_found_on_a_page_turned_a_few_degrees() {
        // The page frame 4° off: each line starts 0.07 mm further right per mm down, the
        // surname 2 mm left of the birth date's column start.
        let read: Vec<ReadLine> = page(true)
            .into_iter()
            .map(|mut r| {
                let dx = 0.07 * (r.line.y0 - 31.0);
                r.line.x0 += dx;
                r.line.x1 += dx;
                r
            })
            .collect();
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        let text = |l: Label| f.get(l).map(|v| v.iter().map(|r| r.text()).collect::<Vec<_>>());
        assert_eq!(text(Label::Surname), Some(vec!["张".to_string(), "ZHANG".to_string()]));
        assert_eq!(text(Label::GivenNames), Some(vec!["三".to_string(), "SAN".to_string()]));
    }

    #[test]
    fn misread_birth_date_is_placed_by_order() {
        let mut read = page(true);
        read[9] = line(31.0, 45.0, "12 12月/DEC 1996");
        let f = assign(&read, Some(Ymd::new(1990, 12, 12)), Some(Ymd::new(2020, 7, 8)), ("ZHANG", "SAN"));
        assert_eq!(f.get(Label::DateOfIssue).unwrap()[0].text(), "09 7月/JUL 2010");
    }
}
