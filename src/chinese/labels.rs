//! Stage C4, labels: which recognized lines are the page's bilingual labels, and which lines
//! below each label hold its value.
//!
//! A label is matched by edit distance on its hanzi, its English or both (printed on one line,
//! `出生日期/Date of birth`, or stacked on two). Its values are the lines that start where the
//! label starts (same column, within a tolerance of print shifts) below it, up to the next label.

use super::normalize::{edit_distance, han_only, latin_key};

/// The labels of the data page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    Type,
    CountryCode,
    Number,
    Surname,
    GivenNames,
    Name,
    Sex,
    Nationality,
    DateOfBirth,
    PlaceOfBirth,
    DateOfIssue,
    PlaceOfIssue,
    DateOfExpiry,
    Authority,
}

impl Label {
    pub const ALL: [Label; 14] = [
        Label::Type,
        Label::CountryCode,
        Label::Number,
        Label::Surname,
        Label::GivenNames,
        Label::Name,
        Label::Sex,
        Label::Nationality,
        Label::DateOfBirth,
        Label::PlaceOfBirth,
        Label::DateOfIssue,
        Label::PlaceOfIssue,
        Label::DateOfExpiry,
        Label::Authority,
    ];

    /// The printed hanzi and English.
    pub fn printed(self) -> (&'static str, &'static str) {
        match self {
            Label::Type => ("类型", "Type"),
            Label::CountryCode => ("国家码", "Country Code"),
            Label::Number => ("护照号", "Passport No."),
            Label::Surname => ("姓", "Surname"),
            Label::GivenNames => ("名", "Given names"),
            Label::Name => ("姓名", "Name"),
            Label::Sex => ("性别", "Sex"),
            Label::Nationality => ("国籍", "Nationality"),
            Label::DateOfBirth => ("出生日期", "Date of birth"),
            Label::PlaceOfBirth => ("出生地点", "Place of birth"),
            Label::DateOfIssue => ("签发日期", "Date of issue"),
            Label::PlaceOfIssue => ("签发地点", "Place of issue"),
            Label::DateOfExpiry => ("有效期至", "Date of expiry"),
            Label::Authority => ("签发机关", "Authority"),
        }
    }

    /// Value lines the label has: hanzi + pinyin for names, hanzi + English for the authority.
    pub fn value_lines(self) -> usize {
        match self {
            Label::Surname | Label::GivenNames | Label::Name | Label::Authority => 2,
            _ => 1,
        }
    }
}

/// The label a line of text reads as, if any, with its edit distance.
pub fn match_label(text: &str) -> Option<(Label, usize)> {
    let han = han_only(text);
    let latin = latin_key(text);
    let mut best: Option<(Label, usize, f32)> = None;
    for l in Label::ALL {
        let (zh, en) = l.printed();
        let en_key = latin_key(en);
        let dh = (!han.is_empty()).then(|| edit_distance(&han, zh));
        let dl = (!latin.is_empty()).then(|| edit_distance(&latin, &en_key));
        // Allowed errors: none on one- and two-character hanzi, one on longer; about one in
        // five on the English.
        let ok_h = dh.is_some_and(|d| d == 0 || (zh.chars().count() >= 3 && d <= 1));
        let ok_l = dl.is_some_and(|d| d == 0 || (en_key.len() >= 5 && d * 5 <= en_key.len()));
        // Both parts read: both must fit (or one exactly and the other nearly); one part read:
        // it must fit.
        let ok = match (dh, dl) {
            (Some(_), Some(_)) => (ok_h && ok_l) || (dh == Some(0) && dl.is_some_and(|d| d * 3 <= en_key.len())) || (dl == Some(0) && zh.chars().count() >= 3 && dh.is_some_and(|d| d <= 2)),
            (Some(_), None) => ok_h,
            (None, Some(_)) => ok_l,
            (None, None) => false,
        };
        if !ok {
            continue;
        }
        let d = dh.unwrap_or(0) + dl.unwrap_or(0);
        let rel = d as f32 / (zh.chars().count() + en_key.len()) as f32;
        if best.is_none_or(|(_, _, r)| rel < r) {
            best = Some((l, d, rel));
        }
    }
    best.map(|(l, d, _)| (l, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_inline_stacked_and_misread() {
        for l in Label::ALL {
            let (zh, en) = l.printed();
            assert_eq!(match_label(&format!("{zh}/{en}")).map(|m| m.0), Some(l), "{zh}/{en}");
            assert_eq!(match_label(zh).map(|m| m.0), Some(l), "{zh}");
            assert_eq!(match_label(en).map(|m| m.0), Some(l), "{en}");
        }
        assert_eq!(match_label("出生日期/Dateofbirlh").unwrap().0, Label::DateOfBirth);
        assert_eq!(match_label("签发地点/PIace of issue").unwrap().0, Label::PlaceOfIssue);
        assert_eq!(match_label("姓名/Name").unwrap().0, Label::Name);
    }

    #[test]
    fn values_are_not_labels() {
        for v in ["P", "CHN", "E12345678", "张三", "ZHANG", "男/M", "中国/CHINESE", "12 12月/DEC 1990", "湖南/HUNAN", "公安部出入境管理局", "MPS Exit & Entry Administration", "SAN", "ZHANG, SAN", "国家移民管理局"] {
            assert_eq!(match_label(v), None, "{v}");
        }
    }
}
