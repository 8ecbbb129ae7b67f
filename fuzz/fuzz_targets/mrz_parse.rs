//! The MRZ parser and the repair search on arbitrary input: never a panic, and whatever the
//! repair returns parses again to the same document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passread::mrz::{repair, Candidate, Candidates, Document, Ymd};

const TODAY: Ymd = Ymd::new(2026, 11, 30);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(doc) = Document::parse_text(&text, TODAY) {
        let _ = passread::result::mrz_result(&doc, None);
    }
    // Bytes as candidate grids: 2 lines of 44 positions, each byte a (character, probability).
    if data.len() >= 2 {
        let alphabet = passread::mrz::charset::ALPHABET;
        let lines = if data[0] % 2 == 0 { 2 } else { 3 };
        let len = [30, 36, 44][usize::from(data[1]) % 3];
        let mut it = data[2..].iter().copied().cycle();
        let grid: Vec<Vec<Candidates>> = (0..lines)
            .map(|_| {
                (0..len)
                    .map(|_| {
                        let n = it.next().unwrap_or(0) % 4 + 1;
                        (0..n)
                            .map(|_| Candidate {
                                ch: alphabet[usize::from(it.next().unwrap_or(0)) % alphabet.len()],
                                p: f32::from(it.next().unwrap_or(0)) / 255.0,
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let refs: Vec<&[Candidates]> = grid.iter().map(|l| l.as_slice()).collect();
        if let Ok(r) = repair(&refs, TODAY) {
            let lines: Vec<&str> = r.document.lines.iter().map(|l| l.as_str()).collect();
            let again = Document::parse(&lines, TODAY).expect("a repaired zone parses");
            assert_eq!(again, r.document);
        }
    }
});
