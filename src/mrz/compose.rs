//! Writing a zone from field values: the inverse of the parser, with every check digit
//! computed. Used by tests, property tests and benchmarks, and by tools that need a valid MRZ.

use super::charset::check_digit;
use super::document::{Line, Lines, MrzError};
use super::format::{CheckKind, FieldKind, Format, Span};

/// Field values for [`compose`]. Text is upper-case Latin; spaces and other separators in names
/// become `<`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    pub document_code: String,
    pub issuing_state: String,
    pub primary_identifier: String,
    pub secondary_identifier: String,
    pub document_number: String,
    pub nationality: String,
    /// `YYMMDD`
    pub date_of_birth: String,
    /// `M`, `F` or `<`
    pub sex: char,
    /// `YYMMDD`
    pub date_of_expiry: String,
    pub optional_data: String,
    /// TD1 only.
    pub optional_data2: String,
}

fn put(buf: &mut [[u8; 44]; 3], span: Span, value: &str, what: &'static str) -> Result<(), MrzError> {
    let bytes = value.as_bytes();
    if bytes.len() > span.len as usize {
        return Err(MrzError::FieldTooLong(what));
    }
    let line = &mut buf[span.line as usize];
    line[span.range()].fill(b'<');
    line[span.start as usize..span.start as usize + bytes.len()].copy_from_slice(bytes);
    Ok(())
}

/// The name field: primary identifier, `<<`, secondary identifiers, each word joined by `<`,
/// truncated to `len`.
pub fn name_field(primary: &str, secondary: &str, len: usize) -> String {
    let enc = |s: &str| s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("<");
    let mut s = enc(primary);
    let sec = enc(secondary);
    if !sec.is_empty() {
        s.push_str("<<");
        s.push_str(&sec);
    }
    s.truncate(len);
    s
}

/// Composes the lines of a zone in `format`. A document number longer than 9 characters is
/// continued into the optional data (ICAO 9303 Part 5 rule).
pub fn compose(format: Format, f: &Fields) -> Result<Lines, MrzError> {
    let layout = format.layout();
    let mut buf = [[b'<'; 44]; 3];
    let field = |k: FieldKind| layout.field(k).expect("format has field");
    put(&mut buf, field(FieldKind::DocumentCode), &f.document_code, "document code")?;
    put(&mut buf, field(FieldKind::IssuingState), &f.issuing_state, "issuing state")?;
    let name_span = field(FieldKind::Name);
    put(&mut buf, name_span, &name_field(&f.primary_identifier, &f.secondary_identifier, name_span.len as usize), "name")?;
    put(&mut buf, field(FieldKind::Nationality), &f.nationality, "nationality")?;
    put(&mut buf, field(FieldKind::DateOfBirth), &f.date_of_birth, "date of birth")?;
    put(&mut buf, field(FieldKind::Sex), &f.sex.to_string(), "sex")?;
    put(&mut buf, field(FieldKind::DateOfExpiry), &f.date_of_expiry, "date of expiry")?;
    if let Some(span) = layout.field(FieldKind::OptionalData2) {
        put(&mut buf, span, &f.optional_data2, "optional data 2")?;
    }
    let number_span = field(FieldKind::DocumentNumber);
    let number_check = layout.check(CheckKind::DocumentNumber).expect("number check").digit;
    let optional_span = field(FieldKind::OptionalData);
    if f.document_number.len() > 9 {
        let (head, tail) = f.document_number.split_at(9);
        put(&mut buf, number_span, head, "document number")?;
        put(&mut buf, number_check, "<", "document number")?;
        let digit = (b'0' + check_digit(f.document_number.as_bytes())) as char;
        put(&mut buf, optional_span, &format!("{tail}{digit}<{}", f.optional_data), "optional data")?;
    } else {
        put(&mut buf, number_span, &f.document_number, "document number")?;
        put(&mut buf, optional_span, &f.optional_data, "optional data")?;
        let digit = (b'0' + check_digit(&buf[number_check.line as usize][number_span.range()])) as char;
        put(&mut buf, number_check, &digit.to_string(), "check")?;
    }
    for spec in layout.checks.iter().filter(|c| c.kind != CheckKind::DocumentNumber) {
        let mut data = Vec::new();
        for s in spec.covers {
            data.extend_from_slice(&buf[s.line as usize][s.range()]);
        }
        let digit = b'0' + check_digit(&data);
        buf[spec.digit.line as usize][spec.digit.start as usize] = digit;
    }
    let mut lines = Lines::new();
    for l in buf.iter().take(layout.lines) {
        let s = core::str::from_utf8(&l[..layout.line_len]).map_err(|_| MrzError::FieldTooLong("text"))?;
        let _ = lines.push(Line::try_from(s).map_err(|_| MrzError::FieldTooLong("line"))?);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_icao_td3_specimen() {
        let f = Fields {
            document_code: "P".into(),
            issuing_state: "UTO".into(),
            primary_identifier: "ERIKSSON".into(),
            secondary_identifier: "ANNA MARIA".into(),
            document_number: "L898902C3".into(),
            nationality: "UTO".into(),
            date_of_birth: "740812".into(),
            sex: 'F',
            date_of_expiry: "120415".into(),
            optional_data: "ZE184226B".into(),
            optional_data2: String::new(),
        };
        let l = compose(Format::Td3, &f).unwrap();
        assert_eq!(l[0], "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
        assert_eq!(l[1], "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
    }

    #[test]
    fn reproduces_icao_td1_specimen() {
        let f = Fields {
            document_code: "I".into(),
            issuing_state: "UTO".into(),
            primary_identifier: "ERIKSSON".into(),
            secondary_identifier: "ANNA MARIA".into(),
            document_number: "D23145890".into(),
            nationality: "UTO".into(),
            date_of_birth: "740812".into(),
            sex: 'F',
            date_of_expiry: "120415".into(),
            ..Default::default()
        };
        let l = compose(Format::Td1, &f).unwrap();
        assert_eq!(l[0], "I<UTOD231458907<<<<<<<<<<<<<<<");
        assert_eq!(l[1], "7408122F1204159UTO<<<<<<<<<<<6");
        assert_eq!(l[2], "ERIKSSON<<ANNA<MARIA<<<<<<<<<<");
    }

    #[test]
    fn too_long_is_an_error() {
        let f = Fields { document_code: "PPP".into(), ..Default::default() };
        assert_eq!(compose(Format::Td3, &f), Err(MrzError::FieldTooLong("document code")));
    }
}
