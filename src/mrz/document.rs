//! Parsing a zone's text into typed fields, with every check digit verified.
//!
//! The parser allocates nothing: lines and fields are fixed-capacity `heapless` strings, so it
//! is cheap per camera frame and bounded on hostile input.

use super::charset::{check_digit, check_holds, is_mrz_char, FILLER};
use super::date::{DateRole, MrzDate, Ymd};
use super::format::{CheckKind, FieldKind, Format, Span, MAX_LINES, MAX_LINE_LEN};
use super::states;

/// One MRZ line.
pub type Line = heapless::String<MAX_LINE_LEN>;
/// The lines of one zone.
pub type Lines = heapless::Vec<Line, MAX_LINES>;

/// Why text is not an MRZ.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MrzError {
    #[error("an MRZ has 2 or 3 lines, got {0}")]
    LineCount(usize),
    #[error("line {line} has {len} characters; all lines of a zone have the same length")]
    RaggedLines { line: usize, len: usize },
    #[error("no MRZ format has {lines} lines of {len} characters")]
    UnknownFormat { lines: usize, len: usize },
    #[error("line {line}, position {pos}: {ch:?} is not an MRZ character (0-9, A-Z, <)")]
    InvalidChar { line: usize, pos: usize, ch: char },
    #[error("field too long for the {0} format")]
    FieldTooLong(&'static str),
}

/// The holder's sex as printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
    /// `<` (or `X`, which some issuers print): unspecified.
    Unspecified,
    /// Any other character: a misread.
    Invalid,
}

impl Sex {
    fn from_char(c: u8) -> Sex {
        match c {
            b'M' => Sex::Male,
            b'F' => Sex::Female,
            b'<' | b'X' => Sex::Unspecified,
            _ => Sex::Invalid,
        }
    }

    /// The API's value: `M`, `F`, or `X` for unspecified (ICAO 9303 Part 4 prints `X` in the
    /// visual zone where the MRZ has `<`). `None` for a misread.
    pub fn api(self) -> Option<&'static str> {
        match self {
            Sex::Male => Some("M"),
            Sex::Female => Some("F"),
            Sex::Unspecified => Some("X"),
            Sex::Invalid => None,
        }
    }
}

/// One check digit and whether it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Check {
    pub kind: CheckKind,
    /// The character printed in the check position.
    pub printed: u8,
    /// The digit computed from the data.
    pub computed: u8,
    pub valid: bool,
}

/// A parsed machine-readable zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub format: Format,
    pub lines: Lines,
    pub document_code: heapless::String<2>,
    /// Issuing state or organisation, fillers removed (`D`, `UTO`).
    pub issuing_state: heapless::String<3>,
    pub issuing_state_known: bool,
    /// Primary identifier (surname), inner `<` as spaces.
    pub primary_identifier: heapless::String<39>,
    /// Secondary identifiers (given names), inner `<` as single spaces.
    pub secondary_identifier: heapless::String<39>,
    /// The name field is full to its last position: the name may have been truncated.
    pub name_possibly_truncated: bool,
    /// Document number, fillers removed, with a long number's extension joined on.
    pub document_number: heapless::String<24>,
    /// The number continued into the optional data (TD1 rule, also honoured for TD2/TD3).
    pub document_number_extended: bool,
    pub nationality: heapless::String<3>,
    pub nationality_known: bool,
    pub date_of_birth: MrzDate,
    pub sex: Sex,
    pub date_of_expiry: MrzDate,
    /// Personal number (TD3), optional data (TD1 line 1, TD2, visas), fillers trimmed.
    pub optional_data: heapless::String<16>,
    /// TD1 line 2 optional data, fillers trimmed.
    pub optional_data2: heapless::String<11>,
    pub checks: heapless::Vec<Check, 5>,
    /// Positions whose character the format's grammar does not allow there (letters in a
    /// date, digits in a name …), check digit positions excluded.
    pub grammar_errors: u8,
}

fn span_bytes(lines: &Lines, s: Span) -> &[u8] {
    &lines[s.line as usize].as_bytes()[s.range()]
}

/// `bytes` with trailing fillers removed, inner fillers kept.
fn trim_fillers(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&c| c != FILLER).map_or(0, |i| i + 1);
    &bytes[..end]
}

/// Copies `bytes` into a fixed string, inner filler runs as one space, fillers at both ends dropped.
fn words<const N: usize>(bytes: &[u8]) -> heapless::String<N> {
    let mut out = heapless::String::new();
    let mut pending_space = false;
    for &c in bytes {
        if c == FILLER {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                let _ = out.push(' ');
                pending_space = false;
            }
            let _ = out.push(c as char);
        }
    }
    out
}

fn without_fillers<const N: usize>(bytes: &[u8]) -> heapless::String<N> {
    let mut out = heapless::String::new();
    for &c in bytes.iter().filter(|&&c| c != FILLER) {
        let _ = out.push(c as char);
    }
    out
}

/// Splits the text of a zone into lines: newline-separated, surrounding white space ignored.
pub fn split_lines(text: &str) -> heapless::Vec<&str, 4> {
    let mut v = heapless::Vec::new();
    for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if v.push(l).is_err() {
            break;
        }
    }
    v
}

impl Document {
    /// Parses a zone from its lines. Dates are read with the century rules relative to `today`.
    pub fn parse(lines: &[&str], today: Ymd) -> Result<Document, MrzError> {
        if !(2..=3).contains(&lines.len()) {
            return Err(MrzError::LineCount(lines.len()));
        }
        let len = lines[0].len();
        for (i, l) in lines.iter().enumerate() {
            if l.len() != len {
                return Err(MrzError::RaggedLines { line: i + 1, len: l.len() });
            }
        }
        let first = lines[0].as_bytes().first().copied().unwrap_or(0);
        let format =
            Format::detect(lines.len(), len, first).ok_or(MrzError::UnknownFormat { lines: lines.len(), len })?;
        let mut owned = Lines::new();
        for (i, l) in lines.iter().enumerate() {
            if let Some(pos) = l.bytes().position(|c| !is_mrz_char(c)) {
                let ch = l[pos..].chars().next().unwrap_or('?');
                return Err(MrzError::InvalidChar { line: i + 1, pos: pos + 1, ch });
            }
            // Lengths were checked against the format, so these pushes cannot fail.
            let line = Line::try_from(*l).map_err(|_| MrzError::UnknownFormat { lines: lines.len(), len })?;
            let _ = owned.push(line);
        }
        Ok(Self::from_lines(format, owned, today))
    }

    /// Parses newline-separated text (see [`split_lines`]).
    pub fn parse_text(text: &str, today: Ymd) -> Result<Document, MrzError> {
        Self::parse(&split_lines(text), today)
    }

    fn from_lines(format: Format, lines: Lines, today: Ymd) -> Document {
        let layout = format.layout();
        let field = |k: FieldKind| layout.field(k).map_or(&[][..], |s| span_bytes(&lines, s));

        let mut grammar_errors = 0u8;
        for (li, line) in lines.iter().enumerate() {
            for (pos, &c) in line.as_bytes().iter().enumerate() {
                let class = layout.class_at(li, pos);
                if class != super::format::CharClass::Check && !class.allows(c) {
                    grammar_errors = grammar_errors.saturating_add(1);
                }
            }
        }
        // A passport's zone is a TD3 (ICAO 9303-4); a card-size zone whose code says passport
        // (ID cards are A, C or I, 9303-5 and -6) is a passport's zone read short.
        if matches!(format, Format::Td1 | Format::Td2) && lines.first().is_some_and(|l| l.starts_with('P')) {
            grammar_errors = grammar_errors.saturating_add(1);
        }
        let code = field(FieldKind::DocumentCode);

        // Names: primary identifier, `<<`, secondary identifiers.
        let name = field(FieldKind::Name);
        let trimmed = trim_fillers(name);
        let split = trimmed.windows(2).position(|w| w == b"<<");
        let (primary, secondary) = match split {
            Some(i) => (&trimmed[..i], &trimmed[i + 2..]),
            None => (trimmed, &[][..]),
        };

        // Document number, with the long-number extension: the number's check position holds
        // `<`, and the optional data starts with the rest of the number and its check digit.
        let number_span = layout.field(FieldKind::DocumentNumber).expect("every format has a number");
        let number_check = layout.check(CheckKind::DocumentNumber).expect("every format checks the number");
        let optional_span = layout.field(FieldKind::OptionalData).expect("every format has optional data");
        let number9 = span_bytes(&lines, number_span);
        let optional = span_bytes(&lines, optional_span);
        let printed_number_check = span_bytes(&lines, number_check.digit)[0];
        let overflow_len = optional.iter().position(|&c| c == FILLER).unwrap_or(optional.len());
        let extended = printed_number_check == FILLER
            && number9.iter().all(|&c| c != FILLER)
            && overflow_len >= 2
            && optional[overflow_len - 1].is_ascii_digit();
        let mut number_full: heapless::Vec<u8, 24> = heapless::Vec::new();
        let _ = number_full.extend_from_slice(number9);
        let (optional_rest, number_check_char) = if extended {
            let _ = number_full.extend_from_slice(&optional[..overflow_len - 1]);
            (&optional[overflow_len..], optional[overflow_len - 1])
        } else {
            (optional, printed_number_check)
        };

        let mut checks = heapless::Vec::new();
        for spec in layout.checks {
            let printed = if spec.kind == CheckKind::DocumentNumber {
                number_check_char
            } else {
                span_bytes(&lines, spec.digit)[0]
            };
            let mut data: heapless::Vec<u8, 64> = heapless::Vec::new();
            if spec.kind == CheckKind::DocumentNumber {
                let _ = data.extend_from_slice(&number_full);
            } else {
                for s in spec.covers {
                    let _ = data.extend_from_slice(span_bytes(&lines, *s));
                }
            }
            let _ = checks.push(Check {
                kind: spec.kind,
                printed,
                computed: check_digit(&data),
                valid: check_holds(&data, printed),
            });
        }

        let date = |k: FieldKind, role| {
            let raw: [u8; 6] = field(k).try_into().unwrap_or(*b"<<<<<<");
            MrzDate::parse(raw, role, today)
        };
        let issuing_state: heapless::String<3> = without_fillers(field(FieldKind::IssuingState));
        let nationality: heapless::String<3> = without_fillers(field(FieldKind::Nationality));
        Document {
            format,
            document_code: without_fillers(code),
            issuing_state_known: states::is_known(&issuing_state),
            issuing_state,
            primary_identifier: words(primary),
            secondary_identifier: words(secondary),
            name_possibly_truncated: name.last().is_some_and(|&c| c != FILLER),
            document_number: without_fillers(&number_full),
            document_number_extended: extended,
            nationality_known: states::is_known(&nationality),
            nationality,
            date_of_birth: date(FieldKind::DateOfBirth, DateRole::Birth),
            sex: Sex::from_char(field(FieldKind::Sex).first().copied().unwrap_or(0)),
            date_of_expiry: date(FieldKind::DateOfExpiry, DateRole::Expiry),
            optional_data: words(optional_rest),
            optional_data2: words(field(FieldKind::OptionalData2)),
            checks,
            grammar_errors,
            lines,
        }
    }

    pub fn check(&self, kind: CheckKind) -> Option<&Check> {
        self.checks.iter().find(|c| c.kind == kind)
    }

    /// Every check digit holds.
    pub fn checks_hold(&self) -> bool {
        self.checks.iter().all(|c| c.valid)
    }

    /// Every check digit holds, both dates are real dates and the grammar is respected.
    pub fn is_valid(&self) -> bool {
        self.checks_hold()
            && self.date_of_birth.valid
            && self.date_of_expiry.valid
            && self.grammar_errors == 0
            && self.sex != Sex::Invalid
    }

    /// Whether the value of `field` is confirmed: by its own check digit (and the composite
    /// where the format has one) or, for fields no check digit covers, by grammar alone.
    pub fn field_confirmed(&self, field: FieldKind) -> bool {
        let own = |k| self.check(k).is_none_or(|c| c.valid);
        let composite = own(CheckKind::Composite);
        match field {
            FieldKind::DocumentNumber => own(CheckKind::DocumentNumber) && composite,
            FieldKind::DateOfBirth => own(CheckKind::DateOfBirth) && composite && self.date_of_birth.valid,
            FieldKind::DateOfExpiry => own(CheckKind::DateOfExpiry) && composite && self.date_of_expiry.valid,
            FieldKind::OptionalData if self.format == Format::Td3 => own(CheckKind::PersonalNumber) && composite,
            FieldKind::OptionalData | FieldKind::OptionalData2 => composite,
            FieldKind::Sex => self.sex != Sex::Invalid,
            FieldKind::DocumentCode | FieldKind::IssuingState | FieldKind::Nationality | FieldKind::Name => {
                self.grammar_errors == 0
            }
        }
    }

    /// A Chinese mainland ordinary e-passport by its MRZ: issuing state CHN, document code `PO`,
    /// and a mainland number (`E` + 8 digits, or `E` + letter + 7 digits). Hong Kong and Macao
    /// SAR passports (also CHN) have other codes and numbers.
    pub fn is_chinese_mainland_passport(&self) -> bool {
        let n = self.document_number.as_bytes();
        let number_ok = n.len() == 9
            && n[0] == b'E'
            && (n[1].is_ascii_digit() || n[1].is_ascii_uppercase())
            && n[2..].iter().all(u8::is_ascii_digit);
        self.format == Format::Td3 && self.issuing_state == "CHN" && self.document_code == "PO" && number_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Ymd = Ymd::new(2026, 11, 30);

    fn parse(text: &str) -> Document {
        Document::parse_text(text, TODAY).unwrap()
    }

    #[test]
    fn icao_td3_specimen() {
        let d = parse(
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
        );
        assert_eq!(d.format, Format::Td3);
        assert_eq!(d.document_code, "P");
        assert_eq!(d.issuing_state, "UTO");
        assert!(d.issuing_state_known);
        assert_eq!(d.primary_identifier, "ERIKSSON");
        assert_eq!(d.secondary_identifier, "ANNA MARIA");
        assert!(!d.name_possibly_truncated);
        assert_eq!(d.document_number, "L898902C3");
        assert_eq!(d.nationality, "UTO");
        assert_eq!(d.date_of_birth.iso().unwrap(), "1974-08-12");
        assert_eq!(d.sex, Sex::Female);
        assert_eq!(d.date_of_expiry.iso().unwrap(), "2012-04-15");
        assert_eq!(d.optional_data, "ZE184226B");
        assert!(d.is_valid(), "{:?}", d.checks);
        assert_eq!(d.checks.len(), 5);
    }

    #[test]
    fn icao_td1_specimen() {
        let d = parse("I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<");
        assert_eq!(d.format, Format::Td1);
        assert_eq!(d.document_code, "I");
        assert_eq!(d.document_number, "D23145890");
        assert_eq!(d.secondary_identifier, "ANNA MARIA");
        assert!(d.is_valid(), "{:?}", d.checks);
    }

    #[test]
    fn icao_td1_long_number() {
        // ICAO 9303 Part 5 example of a document number longer than 9 characters.
        let d = parse("I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<");
        assert!(d.document_number_extended);
        assert_eq!(d.document_number, "D23145890734");
        assert!(d.check(CheckKind::DocumentNumber).unwrap().valid);
        assert!(d.is_valid(), "{:?}", d.checks);
        assert_eq!(d.date_of_expiry.iso().unwrap(), "1995-07-12");
    }

    #[test]
    fn icao_td2_specimen() {
        let d = parse("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6");
        assert_eq!(d.format, Format::Td2);
        assert_eq!(d.document_number, "D23145890");
        assert!(d.is_valid(), "{:?}", d.checks);
    }

    #[test]
    fn icao_mrv_specimens() {
        let a = parse("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<");
        assert_eq!(a.format, Format::MrvA);
        assert_eq!(a.nationality, "XXX");
        assert!(a.is_valid(), "{:?}", a.checks);
        let b = parse("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<");
        assert_eq!(b.format, Format::MrvB);
        assert!(b.is_valid(), "{:?}", b.checks);
    }

    #[test]
    fn german_single_letter_state() {
        let d = parse("P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\nC01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4");
        assert_eq!(d.issuing_state, "D");
        assert_eq!(d.nationality, "D");
        assert!(d.issuing_state_known);
        // All-filler personal number with a `<` check digit.
        assert_eq!(d.check(CheckKind::PersonalNumber).unwrap().printed, b'<');
        assert!(d.is_valid(), "{:?}", d.checks);
    }

    #[test]
    fn chinese_mainland_quirks() {
        // Document code PO; personal number field of 14 letters with no filler.
        let line2 = compose_line2("E12345678", "CHN", "900101", 'F', "300101", "NGKELMPONGPJAB");
        let text = format!("POCHNZHANG<<SAN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n{line2}");
        let d = parse(&text);
        assert_eq!(d.document_code, "PO");
        assert_eq!(d.optional_data, "NGKELMPONGPJAB");
        assert!(d.is_valid(), "{:?}", d.checks);
        assert!(d.is_chinese_mainland_passport());
        // Hong Kong SAR: CHN but P< and a K number.
        let line2 = compose_line2("K12345678", "CHN", "900101", 'M', "300101", "<<<<<<<<<<<<<<");
        let hk = parse(&format!("P<CHNCHAN<<TAI<MAN<<<<<<<<<<<<<<<<<<<<<<<<<<\n{line2}"));
        assert!(hk.is_valid(), "{:?}", hk.checks);
        assert!(!hk.is_chinese_mainland_passport());
    }

    fn compose_line2(number: &str, nat: &str, dob: &str, sex: char, exp: &str, personal: &str) -> String {
        let c = |s: &str| char::from(b'0' + check_digit(s.as_bytes()));
        let head = format!("{number}{}{nat}{dob}{}{sex}{exp}{}{personal}{}", c(number), c(dob), c(exp), c(personal));
        let composite: String = [&head[0..10], &head[13..20], &head[21..43]].concat();
        format!("{head}{}", c(&composite))
    }

    #[test]
    fn failing_checks_are_reported_not_rejected() {
        let d = parse("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C37UTO7408122F1204159ZE184226B<<<<<10");
        assert!(!d.check(CheckKind::DocumentNumber).unwrap().valid);
        assert!(!d.check(CheckKind::Composite).unwrap().valid);
        assert!(d.check(CheckKind::DateOfBirth).unwrap().valid);
        assert!(!d.is_valid());
        assert!(!d.field_confirmed(FieldKind::DocumentNumber));
    }

    #[test]
    fn unknown_state_is_reported() {
        let d = parse("P<QQQERIKSSON<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<\nL898902C36QQQ7408122F1204159ZE184226B<<<<<10");
        assert_eq!(d.issuing_state, "QQQ");
        assert!(!d.issuing_state_known);
        assert!(!d.nationality_known);
    }

    #[test]
    fn truncated_name_kept_as_printed() {
        let d = parse("P<UTOVANDERSTEENHOVENWOLFFSCHLEGE<<JOHANNA<M\nL898902C36UTO7408122F1204159ZE184226B<<<<<10");
        assert_eq!(d.primary_identifier, "VANDERSTEENHOVENWOLFFSCHLEGE");
        assert_eq!(d.secondary_identifier, "JOHANNA M");
        assert!(d.name_possibly_truncated);
    }

    #[test]
    fn grammar_errors_counted() {
        let d = parse("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO74O8122F1204159ZE184226B<<<<<10");
        assert!(d.grammar_errors > 0);
        assert!(!d.date_of_birth.valid);
        assert!(!d.is_valid());
    }

    #[test]
    fn a_card_size_zone_coded_as_a_passport_breaks_the_grammar() {
        // ICAO 9303-6's TD2 specimen, and the same zone coded P: a passport's zone read short.
        let card = parse("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6");
        assert_eq!(card.grammar_errors, 0);
        let short = parse("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6");
        assert_eq!(short.grammar_errors, 1);
        assert!(short.checks.iter().all(|c| c.valid), "its check digits may all hold");
        let td1 = parse("P<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<");
        assert_eq!(td1.grammar_errors, 1);
    }

    #[test]
    fn errors() {
        assert_eq!(Document::parse(&["P<UTO"], TODAY), Err(MrzError::LineCount(1)));
        assert!(matches!(Document::parse(&["ABC", "ABCD"], TODAY), Err(MrzError::RaggedLines { .. })));
        assert!(matches!(Document::parse(&["ABC", "ABC"], TODAY), Err(MrzError::UnknownFormat { .. })));
        let bad = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226b<<<<<10";
        assert!(matches!(Document::parse_text(bad, TODAY), Err(MrzError::InvalidChar { line: 2, pos: 37, .. })));
        // Multi-byte input never panics.
        let odd = "P<UTOÉRIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
        assert!(Document::parse_text(odd, TODAY).is_err());
    }
}
