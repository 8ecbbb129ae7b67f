//! The machine-readable zone formats of ICAO 9303 (Parts 4 to 7) as position tables.
//!
//! Every other part of the engine (the parser, the repair search, the composer) reads field
//! positions from these tables, so a layout is written down exactly once.

use serde::Serialize;

/// A machine-readable zone format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Format {
    /// ID-1 card, 3 lines of 30 (Part 5).
    #[serde(rename = "TD1")]
    Td1,
    /// ID-2 card, 2 lines of 36 (Part 6).
    #[serde(rename = "TD2")]
    Td2,
    /// Passport (ID-3), 2 lines of 44 (Part 4).
    #[serde(rename = "TD3")]
    Td3,
    /// Full-size visa, 2 lines of 44 (Part 7).
    #[serde(rename = "MRV-A")]
    MrvA,
    /// Small visa, 2 lines of 36 (Part 7).
    #[serde(rename = "MRV-B")]
    MrvB,
}

/// The longest MRZ line of any format.
pub const MAX_LINE_LEN: usize = 44;
/// The most lines of any format.
pub const MAX_LINES: usize = 3;

/// A run of positions on one line (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub line: u8,
    pub start: u8,
    pub len: u8,
}

const fn sp(line: u8, start: u8, len: u8) -> Span {
    Span { line, start, len }
}

impl Span {
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
    pub fn contains(self, line: usize, pos: usize) -> bool {
        line == self.line as usize && self.range().contains(&pos)
    }
}

/// The data fields of a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldKind {
    DocumentCode,
    IssuingState,
    Name,
    DocumentNumber,
    Nationality,
    DateOfBirth,
    Sex,
    DateOfExpiry,
    /// TD3 personal number / TD1 optional data line 1 / TD2 and MRV optional data.
    OptionalData,
    /// TD1 optional data on line 2.
    OptionalData2,
}

/// The check digits of a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    DocumentNumber,
    DateOfBirth,
    DateOfExpiry,
    PersonalNumber,
    Composite,
}

impl CheckKind {
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::DocumentNumber => "document_number",
            CheckKind::DateOfBirth => "date_of_birth",
            CheckKind::DateOfExpiry => "date_of_expiry",
            CheckKind::PersonalNumber => "personal_number",
            CheckKind::Composite => "composite",
        }
    }
}

/// A check digit: the spans it covers (in order) and where it is printed.
#[derive(Clone, Copy, Debug)]
pub struct CheckSpec {
    pub kind: CheckKind,
    pub covers: &'static [Span],
    pub digit: Span,
}

/// Which characters grammar allows at a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CharClass {
    /// `A-Z` only: the first character of the document code.
    Letter,
    /// `A-Z` and `<` (codes, names, states).
    Alpha,
    /// `0-9`.
    Digit,
    /// `0-9`, `A-Z`, `<` (numbers, optional data).
    Alnum,
    /// A check digit: `0-9`, or `<` where an empty field allows it.
    Check,
    /// `M`, `F`, `<` (and `X`, which some issuers print).
    Sex,
}

impl CharClass {
    pub fn allows(self, c: u8) -> bool {
        match self {
            CharClass::Letter => c.is_ascii_uppercase(),
            CharClass::Alpha => c.is_ascii_uppercase() || c == b'<',
            CharClass::Digit => c.is_ascii_digit(),
            CharClass::Alnum => super::charset::is_mrz_char(c),
            CharClass::Check => c.is_ascii_digit() || c == b'<',
            CharClass::Sex => matches!(c, b'M' | b'F' | b'<' | b'X'),
        }
    }
}

/// The position table of one format.
#[derive(Debug)]
pub struct Layout {
    pub format: Format,
    pub lines: usize,
    pub line_len: usize,
    pub fields: &'static [(FieldKind, Span)],
    pub checks: &'static [CheckSpec],
}

impl Layout {
    pub fn field(&self, kind: FieldKind) -> Option<Span> {
        self.fields.iter().find(|(k, _)| *k == kind).map(|(_, s)| *s)
    }

    pub fn check(&self, kind: CheckKind) -> Option<&CheckSpec> {
        self.checks.iter().find(|c| c.kind == kind)
    }

    /// The character class grammar allows at `(line, pos)`.
    pub fn class_at(&self, line: usize, pos: usize) -> CharClass {
        if self.checks.iter().any(|c| c.digit.contains(line, pos)) {
            return CharClass::Check;
        }
        let kind = self.fields.iter().find(|(_, s)| s.contains(line, pos)).map(|(k, _)| *k);
        if kind == Some(FieldKind::DocumentCode) && pos == 0 {
            return CharClass::Letter;
        }
        match kind {
            Some(FieldKind::DocumentCode | FieldKind::IssuingState | FieldKind::Nationality | FieldKind::Name) => {
                CharClass::Alpha
            }
            Some(FieldKind::DateOfBirth | FieldKind::DateOfExpiry) => CharClass::Digit,
            Some(FieldKind::Sex) => CharClass::Sex,
            Some(FieldKind::DocumentNumber | FieldKind::OptionalData | FieldKind::OptionalData2) | None => {
                CharClass::Alnum
            }
        }
    }
}

use CheckKind as C;
use FieldKind as F;

static TD1: Layout = Layout {
    format: Format::Td1,
    lines: 3,
    line_len: 30,
    fields: &[
        (F::DocumentCode, sp(0, 0, 2)),
        (F::IssuingState, sp(0, 2, 3)),
        (F::DocumentNumber, sp(0, 5, 9)),
        (F::OptionalData, sp(0, 15, 15)),
        (F::DateOfBirth, sp(1, 0, 6)),
        (F::Sex, sp(1, 7, 1)),
        (F::DateOfExpiry, sp(1, 8, 6)),
        (F::Nationality, sp(1, 15, 3)),
        (F::OptionalData2, sp(1, 18, 11)),
        (F::Name, sp(2, 0, 30)),
    ],
    checks: &[
        CheckSpec { kind: C::DocumentNumber, covers: &[sp(0, 5, 9)], digit: sp(0, 14, 1) },
        CheckSpec { kind: C::DateOfBirth, covers: &[sp(1, 0, 6)], digit: sp(1, 6, 1) },
        CheckSpec { kind: C::DateOfExpiry, covers: &[sp(1, 8, 6)], digit: sp(1, 14, 1) },
        CheckSpec {
            kind: C::Composite,
            covers: &[sp(0, 5, 25), sp(1, 0, 7), sp(1, 8, 7), sp(1, 18, 11)],
            digit: sp(1, 29, 1),
        },
    ],
};

static TD2: Layout = Layout {
    format: Format::Td2,
    lines: 2,
    line_len: 36,
    fields: &[
        (F::DocumentCode, sp(0, 0, 2)),
        (F::IssuingState, sp(0, 2, 3)),
        (F::Name, sp(0, 5, 31)),
        (F::DocumentNumber, sp(1, 0, 9)),
        (F::Nationality, sp(1, 10, 3)),
        (F::DateOfBirth, sp(1, 13, 6)),
        (F::Sex, sp(1, 20, 1)),
        (F::DateOfExpiry, sp(1, 21, 6)),
        (F::OptionalData, sp(1, 28, 7)),
    ],
    checks: &[
        CheckSpec { kind: C::DocumentNumber, covers: &[sp(1, 0, 9)], digit: sp(1, 9, 1) },
        CheckSpec { kind: C::DateOfBirth, covers: &[sp(1, 13, 6)], digit: sp(1, 19, 1) },
        CheckSpec { kind: C::DateOfExpiry, covers: &[sp(1, 21, 6)], digit: sp(1, 27, 1) },
        CheckSpec { kind: C::Composite, covers: &[sp(1, 0, 10), sp(1, 13, 7), sp(1, 21, 14)], digit: sp(1, 35, 1) },
    ],
};

static TD3: Layout = Layout {
    format: Format::Td3,
    lines: 2,
    line_len: 44,
    fields: &[
        (F::DocumentCode, sp(0, 0, 2)),
        (F::IssuingState, sp(0, 2, 3)),
        (F::Name, sp(0, 5, 39)),
        (F::DocumentNumber, sp(1, 0, 9)),
        (F::Nationality, sp(1, 10, 3)),
        (F::DateOfBirth, sp(1, 13, 6)),
        (F::Sex, sp(1, 20, 1)),
        (F::DateOfExpiry, sp(1, 21, 6)),
        (F::OptionalData, sp(1, 28, 14)),
    ],
    checks: &[
        CheckSpec { kind: C::DocumentNumber, covers: &[sp(1, 0, 9)], digit: sp(1, 9, 1) },
        CheckSpec { kind: C::DateOfBirth, covers: &[sp(1, 13, 6)], digit: sp(1, 19, 1) },
        CheckSpec { kind: C::DateOfExpiry, covers: &[sp(1, 21, 6)], digit: sp(1, 27, 1) },
        CheckSpec { kind: C::PersonalNumber, covers: &[sp(1, 28, 14)], digit: sp(1, 42, 1) },
        CheckSpec { kind: C::Composite, covers: &[sp(1, 0, 10), sp(1, 13, 7), sp(1, 21, 22)], digit: sp(1, 43, 1) },
    ],
};

static MRVA: Layout = Layout {
    format: Format::MrvA,
    lines: 2,
    line_len: 44,
    fields: &[
        (F::DocumentCode, sp(0, 0, 2)),
        (F::IssuingState, sp(0, 2, 3)),
        (F::Name, sp(0, 5, 39)),
        (F::DocumentNumber, sp(1, 0, 9)),
        (F::Nationality, sp(1, 10, 3)),
        (F::DateOfBirth, sp(1, 13, 6)),
        (F::Sex, sp(1, 20, 1)),
        (F::DateOfExpiry, sp(1, 21, 6)),
        (F::OptionalData, sp(1, 28, 16)),
    ],
    checks: &[
        CheckSpec { kind: C::DocumentNumber, covers: &[sp(1, 0, 9)], digit: sp(1, 9, 1) },
        CheckSpec { kind: C::DateOfBirth, covers: &[sp(1, 13, 6)], digit: sp(1, 19, 1) },
        CheckSpec { kind: C::DateOfExpiry, covers: &[sp(1, 21, 6)], digit: sp(1, 27, 1) },
    ],
};

static MRVB: Layout = Layout {
    format: Format::MrvB,
    lines: 2,
    line_len: 36,
    fields: &[
        (F::DocumentCode, sp(0, 0, 2)),
        (F::IssuingState, sp(0, 2, 3)),
        (F::Name, sp(0, 5, 31)),
        (F::DocumentNumber, sp(1, 0, 9)),
        (F::Nationality, sp(1, 10, 3)),
        (F::DateOfBirth, sp(1, 13, 6)),
        (F::Sex, sp(1, 20, 1)),
        (F::DateOfExpiry, sp(1, 21, 6)),
        (F::OptionalData, sp(1, 28, 8)),
    ],
    checks: &[
        CheckSpec { kind: C::DocumentNumber, covers: &[sp(1, 0, 9)], digit: sp(1, 9, 1) },
        CheckSpec { kind: C::DateOfBirth, covers: &[sp(1, 13, 6)], digit: sp(1, 19, 1) },
        CheckSpec { kind: C::DateOfExpiry, covers: &[sp(1, 21, 6)], digit: sp(1, 27, 1) },
    ],
};

impl Format {
    pub const ALL: [Format; 5] = [Format::Td1, Format::Td2, Format::Td3, Format::MrvA, Format::MrvB];

    pub fn layout(self) -> &'static Layout {
        match self {
            Format::Td1 => &TD1,
            Format::Td2 => &TD2,
            Format::Td3 => &TD3,
            Format::MrvA => &MRVA,
            Format::MrvB => &MRVB,
        }
    }

    pub fn lines(self) -> usize {
        self.layout().lines
    }

    pub fn line_len(self) -> usize {
        self.layout().line_len
    }

    /// The format of a zone with `lines` lines of `line_len` characters whose first character
    /// is `first` (the document code's first letter: `V` marks a visa).
    pub fn detect(lines: usize, line_len: usize, first: u8) -> Option<Format> {
        match (lines, line_len) {
            (3, 30) => Some(Format::Td1),
            (2, 36) if first == b'V' => Some(Format::MrvB),
            (2, 36) => Some(Format::Td2),
            (2, 44) if first == b'V' => Some(Format::MrvA),
            (2, 44) => Some(Format::Td3),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Td1 => "TD1",
            Format::Td2 => "TD2",
            Format::Td3 => "TD3",
            Format::MrvA => "MRV-A",
            Format::MrvB => "MRV-B",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_cover_every_position_once() {
        for f in Format::ALL {
            let l = f.layout();
            for line in 0..l.lines {
                for pos in 0..l.line_len {
                    let fields = l.fields.iter().filter(|(_, s)| s.contains(line, pos)).count();
                    let digits = l.checks.iter().filter(|c| c.digit.contains(line, pos)).count();
                    // TD1 line 1 position 14 is the number check; line 2 pos 29 composite.
                    assert!(fields + digits <= 1, "{f:?} {line}:{pos} claimed twice");
                    assert!(fields + digits == 1, "{f:?} {line}:{pos} unclaimed");
                }
            }
            for c in l.checks {
                for s in c.covers {
                    assert!(s.start as usize + s.len as usize <= l.line_len);
                }
            }
        }
    }

    #[test]
    fn detection() {
        assert_eq!(Format::detect(2, 44, b'P'), Some(Format::Td3));
        assert_eq!(Format::detect(2, 44, b'V'), Some(Format::MrvA));
        assert_eq!(Format::detect(2, 36, b'I'), Some(Format::Td2));
        assert_eq!(Format::detect(2, 36, b'V'), Some(Format::MrvB));
        assert_eq!(Format::detect(3, 30, b'I'), Some(Format::Td1));
        assert_eq!(Format::detect(2, 30, b'I'), None);
    }

    #[test]
    fn classes() {
        let l = Format::Td3.layout();
        assert_eq!(l.class_at(1, 13), CharClass::Digit);
        assert_eq!(l.class_at(1, 9), CharClass::Check);
        assert_eq!(l.class_at(1, 20), CharClass::Sex);
        assert_eq!(l.class_at(0, 10), CharClass::Alpha);
        assert_eq!(l.class_at(0, 0), CharClass::Letter);
        assert_eq!(l.class_at(0, 1), CharClass::Alpha);
        assert_eq!(l.class_at(1, 3), CharClass::Alnum);
    }
}
