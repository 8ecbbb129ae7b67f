//! MRZ dates (`YYMMDD`) and the century rules.
//!
//! A birth date is never in the future: `YY` is read as 20YY when that date is not after today,
//! else 19YY. An expiry date is read as 20YY up to 20 years ahead of today's year, else 19YY.
//! An unknown day or month printed as `<<` (ICAO 9303 Part 3, 4.6.4) is kept as printed and
//! flagged as partial; the ISO form then shows `<<` in its place.

use serde::Serialize;

/// A calendar day, used as "today" by the century rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Ymd {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Ymd {
    pub const fn new(year: u16, month: u8, day: u8) -> Self {
        Ymd { year, month, day }
    }

    /// Today's date (UTC) from the system clock.
    pub fn today() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Self::from_unix_days((secs / 86_400) as i64)
    }

    /// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_unix_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Ymd { year, month, day }
    }
}

/// Which rule turns `YY` into a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateRole {
    Birth,
    Expiry,
}

/// A date as printed in the zone, with its reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MrzDate {
    pub raw: [u8; 6],
    /// The full year, when the year digits are digits.
    pub year: Option<u16>,
    /// 1..=12, or `None` when printed as `<<` or not digits.
    pub month: Option<u8>,
    /// 1..=31, or `None` when printed as `<<` or not digits.
    pub day: Option<u8>,
    /// Day or month printed as `<<` (unknown), everything else well formed.
    pub partial: bool,
    /// Well formed: digits (or `<<` for an unknown day/month) and a real calendar day.
    pub valid: bool,
}

fn two_digits(d: &[u8]) -> Option<u8> {
    (d[0].is_ascii_digit() && d[1].is_ascii_digit()).then(|| (d[0] - b'0') * 10 + (d[1] - b'0'))
}

pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl MrzDate {
    pub fn parse(raw: [u8; 6], role: DateRole, today: Ymd) -> MrzDate {
        let yy = two_digits(&raw[0..2]);
        let unknown_month = &raw[2..4] == b"<<";
        let unknown_day = &raw[4..6] == b"<<";
        let mm = two_digits(&raw[2..4]);
        let dd = two_digits(&raw[4..6]);
        let month_ok = unknown_month || mm.is_some_and(|m| (1..=12).contains(&m));
        let day_ok = unknown_day || dd.is_some_and(|d| (1..=31).contains(&d));
        let year = yy.map(|yy| {
            let y20 = 2000 + u16::from(yy);
            match role {
                DateRole::Birth => {
                    // Compare as (year, month, day); unknown parts count as the earliest value.
                    let candidate = Ymd::new(y20, mm.unwrap_or(1), dd.unwrap_or(1));
                    if candidate <= today { y20 } else { y20 - 100 }
                }
                DateRole::Expiry => {
                    if y20 <= today.year + 20 { y20 } else { y20 - 100 }
                }
            }
        });
        let in_calendar = match (year, mm, dd) {
            (Some(y), Some(m), Some(d)) if month_ok => d <= days_in_month(y, m),
            _ => true,
        };
        let valid = year.is_some() && month_ok && day_ok && in_calendar && !(unknown_month && !unknown_day);
        MrzDate {
            raw,
            year,
            month: if unknown_month { None } else { mm },
            day: if unknown_day { None } else { dd },
            partial: unknown_month || unknown_day,
            valid,
        }
    }

    /// The calendar date, when the date is well formed and neither day nor month is unknown.
    pub fn ymd(&self) -> Option<Ymd> {
        if !self.valid {
            return None;
        }
        Some(Ymd::new(self.year?, self.month?, self.day?))
    }

    /// `YYYY-MM-DD`; an unknown day or month stays `<<` as printed. `None` when the date is
    /// not well formed.
    pub fn iso(&self) -> Option<heapless::String<10>> {
        if !self.valid {
            return None;
        }
        use core::fmt::Write;
        let y = self.year?;
        let mut s = heapless::String::new();
        write!(s, "{y:04}-").ok()?;
        for (i, v) in [self.month, self.day].into_iter().enumerate() {
            if i == 1 {
                s.push('-').ok()?;
            }
            match v {
                Some(v) => write!(s, "{v:02}").ok()?,
                None => s.push_str("<<").ok()?,
            }
        }
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Ymd = Ymd::new(2026, 11, 30);

    fn d(s: &str, role: DateRole) -> MrzDate {
        MrzDate::parse(s.as_bytes().try_into().unwrap(), role, TODAY)
    }

    #[test]
    fn unix_days() {
        assert_eq!(Ymd::from_unix_days(0), Ymd::new(1970, 1, 1));
        assert_eq!(Ymd::from_unix_days(20_787), Ymd::new(2026, 11, 30));
        assert_eq!(Ymd::from_unix_days(11_016), Ymd::new(2000, 2, 29));
    }

    #[test]
    fn birth_century() {
        assert_eq!(d("740812", DateRole::Birth).iso().unwrap().as_str(), "1974-08-12");
        assert_eq!(d("051231", DateRole::Birth).iso().unwrap().as_str(), "2005-12-31");
        assert_eq!(d("261130", DateRole::Birth).iso().unwrap().as_str(), "2026-11-30");
        // Tomorrow would be in the future: a centenarian instead.
        assert_eq!(d("261201", DateRole::Birth).iso().unwrap().as_str(), "1926-12-01");
    }

    #[test]
    fn expiry_century() {
        assert_eq!(d("120415", DateRole::Expiry).iso().unwrap().as_str(), "2012-04-15");
        assert_eq!(d("460101", DateRole::Expiry).iso().unwrap().as_str(), "2046-01-01");
        assert_eq!(d("470101", DateRole::Expiry).iso().unwrap().as_str(), "1947-01-01");
    }

    #[test]
    fn invalid_and_partial() {
        assert!(!d("741312", DateRole::Birth).valid);
        assert!(!d("740230", DateRole::Birth).valid);
        assert!(d("000229", DateRole::Birth).valid);
        assert!(!d("010229", DateRole::Birth).valid);
        assert!(!d("74O812", DateRole::Birth).valid);
        let p = d("74<<<<", DateRole::Birth);
        assert!(p.valid && p.partial);
        assert_eq!(p.iso().unwrap().as_str(), "1974-<<-<<");
        let p = d("7408<<", DateRole::Birth);
        assert!(p.valid && p.partial);
        assert_eq!(p.iso().unwrap().as_str(), "1974-08-<<");
        // A known day in an unknown month is not a date.
        assert!(!d("74<<12", DateRole::Birth).valid);
    }
}
