//! The MRZ character set (ICAO 9303 Part 3, 4.1) and the check digit (Part 3, 4.9).

/// The filler character.
pub const FILLER: u8 = b'<';

/// Every character an MRZ may contain, in the order models and tables use.
pub const ALPHABET: &[u8; 37] = b"<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// True for `0-9`, `A-Z` and `<`.
pub fn is_mrz_char(c: u8) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase() || c == FILLER
}

/// Numeric value of a character for check digits: digits as themselves, `A`=10 … `Z`=35, `<`=0.
/// `None` for a character outside the MRZ set.
pub fn value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        FILLER => Some(0),
        _ => None,
    }
}

/// The 7-3-1 weighted check digit of `data`, as a value 0..=9. Characters outside the MRZ set
/// count as 0 (the parser rejects them before this is reached).
pub fn check_digit<'a>(data: impl IntoIterator<Item = &'a u8>) -> u8 {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let sum: u32 = data
        .into_iter()
        .enumerate()
        .map(|(i, &c)| value(c).unwrap_or(0) * WEIGHTS[i % 3])
        .sum();
    (sum % 10) as u8
}

/// Whether the printed check character `printed` is right for `data`. A `<` stands for 0 only
/// where the field itself is all fillers (ICAO 9303 Part 4, 4.2.2.2: an unused personal
/// number field may carry `<` as its check digit).
pub fn check_holds(data: &[u8], printed: u8) -> bool {
    let expected = check_digit(data);
    match printed {
        b'0'..=b'9' => printed - b'0' == expected,
        FILLER => data.iter().all(|&c| c == FILLER),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(value(b'0'), Some(0));
        assert_eq!(value(b'9'), Some(9));
        assert_eq!(value(b'A'), Some(10));
        assert_eq!(value(b'Z'), Some(35));
        assert_eq!(value(b'<'), Some(0));
        assert_eq!(value(b'a'), None);
        assert_eq!(value(b' '), None);
    }

    #[test]
    fn icao_examples() {
        // ICAO 9303 Part 3, 4.9 worked examples.
        assert_eq!(check_digit(b"520727"), 3);
        assert_eq!(check_digit(b"AB2134<<<"), 5);
        assert_eq!(check_digit(b"L898902C3"), 6);
        assert_eq!(check_digit(b"740812"), 2);
        assert_eq!(check_digit(b"120415"), 9);
    }

    #[test]
    fn filler_check_only_for_empty_field() {
        assert!(check_holds(b"<<<<<<<<<<<<<<", b'<'));
        assert!(check_holds(b"<<<<<<<<<<<<<<", b'0'));
        assert!(!check_holds(b"ZE184226B<<<<<", b'<'));
        assert!(check_holds(b"ZE184226B<<<<<", b'1'));
        assert!(!check_holds(b"123", b'X'));
    }
}
