//! Hanzi and their pinyin: the name's hanzi are read so that they spell the MRZ's pinyin.
//!
//! A Chinese passport prints the name twice, in hanzi and in pinyin, and the MRZ repeats the
//! pinyin. The recognizer loses strokes the pinyin rules out (颜 YAN for 颖 YING, 隔 GE for
//! 鹰 YING, a dropped character), so a name line that does not read as hanzi spelling its
//! pinyin is decoded again along the best CTC path among the hanzi sequences whose readings
//! spell it ([`decode_fitting`]). Which hanzi of a reading was printed (英, 颖, 莹, 鹰 are all
//! YING) is still the recognizer's choice, and each character keeps its own, unrestricted
//! probability, so a forced reading stays as doubtful as it is.
//!
//! The table (`pinyin.txt`: every hanzi of the recognizer's dictionary with all its toneless
//! readings, ü as YU, U and V) is made by `tools/pinyin/run.sh` from pypinyin (MIT). Between
//! hanzi of one reading that the recognizer barely tells apart, a given name's fit weighs how
//! often each is given in names (`name_freq.txt`, made by the same script from the counts of
//! real given names in ngender 0.1.1, MIT): [`name_commonness`].

use std::collections::HashMap;
use std::sync::OnceLock;

use super::text::{TextChar, TextReading};

static TABLE: &str = include_str!("pinyin.txt");

/// The longest pinyin syllable (ZHUANG, SHUANG, CHUANG).
const MAX_SYLLABLE: usize = 6;

struct Table {
    by_char: HashMap<char, Vec<&'static str>>,
    by_reading: HashMap<&'static str, Vec<char>>,
    /// The syllables a name may be spelled with: every reading with a vowel (not the
    /// interjections HM, NG, M).
    syllables: std::collections::HashSet<&'static str>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut by_char: HashMap<char, Vec<&'static str>> = HashMap::new();
        let mut by_reading: HashMap<&'static str, Vec<char>> = HashMap::new();
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            let Some((c, rest)) = line.split_once('\t') else { continue };
            let Some(c) = c.chars().next() else { continue };
            for r in rest.split_whitespace() {
                by_char.entry(c).or_default().push(r);
                by_reading.entry(r).or_default().push(c);
            }
        }
        let syllables = by_reading.keys().copied().filter(|r| r.bytes().any(|b| b"AEIOUV".contains(&b))).collect();
        Table { by_char, by_reading, syllables }
    })
}

/// Whether a word (upper-case letters, as in an MRZ) is a run of pinyin syllables: how a
/// Chinese mainland passport spells every name. With `truncated`, the last syllable may be cut
/// short (a name that fills the MRZ line). Names of some minorities are transliterated
/// otherwise and fail this; it is a plausibility test, not a rule.
pub fn spells_syllables(word: &str, truncated: bool) -> bool {
    let t = table();
    let w = word.as_bytes();
    let n = w.len();
    if n == 0 || !w.iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    let mut at = vec![false; n + 1];
    at[0] = true;
    for i in 0..n {
        if !at[i] {
            continue;
        }
        for j in i + 1..=(i + MAX_SYLLABLE).min(n) {
            if t.syllables.contains(&word[i..j]) {
                at[j] = true;
            }
        }
        if truncated && t.syllables.iter().any(|s| s.len() > n - i && s.starts_with(&word[i..])) {
            return true;
        }
    }
    at[n]
}

/// The toneless readings of a hanzi, upper case (none for a character not in the table).
pub fn readings(c: char) -> &'static [&'static str] {
    table().by_char.get(&c).map_or(&[], Vec::as_slice)
}

/// Whether `key` (upper-case letters) is a run of whole pinyin syllables (`LIU` + `DAI`; not `IUDAI`).
pub fn syllables(key: &str) -> bool {
    let n = key.len();
    if n == 0 || !key.is_ascii() {
        return false;
    }
    let t = table();
    let mut at = vec![false; n + 1];
    at[0] = true;
    for i in 0..n {
        if at[i] {
            for len in 1..=MAX_SYLLABLE.min(n - i) {
                if t.by_reading.contains_key(&key[i..i + len]) {
                    at[i + len] = true;
                }
            }
        }
    }
    at[n]
}

/// Whether `han` spells `key` (upper-case letters, e.g. `ZHUJINYU` for 朱锦渝) with one of its
/// readings per character.
pub fn fits(han: &str, key: &str) -> bool {
    if han.is_empty() || key.is_empty() {
        return false;
    }
    let n = key.len();
    let mut at = vec![false; n + 1];
    at[0] = true;
    for c in han.chars() {
        let mut next = vec![false; n + 1];
        for j in (0..n).filter(|&j| at[j]) {
            for r in readings(c) {
                if key[j..].starts_with(r) {
                    next[j + r.len()] = true;
                }
            }
        }
        at = next;
    }
    at[n]
}

/// How commonly the hanzi of `han` after the first `skip` (the given names) are given in names
/// for the readings with which `han` spells `key`: the least [`name_commonness`] of them, on
/// the spelling where it is greatest; `None` when `han` does not spell `key` (怕 spells BO,
/// but hardly any name gives 怕 for BO: ln(117 / 184591) ≈ -7.4).
pub fn spelling_commonness(han: &str, key: &str, skip: usize) -> Option<f32> {
    if han.is_empty() || key.is_empty() {
        return None;
    }
    let n = key.len();
    // Per key position reached: the best least commonness so far.
    let mut at: Vec<Option<f32>> = vec![None; n + 1];
    at[0] = Some(0.0);
    for (k, c) in han.chars().enumerate() {
        let mut next: Vec<Option<f32>> = vec![None; n + 1];
        for j in 0..n {
            let Some(so_far) = at[j] else { continue };
            for r in readings(c) {
                if key[j..].starts_with(r) {
                    let v = if k >= skip { so_far.min(name_commonness(c, r)) } else { so_far };
                    let e = &mut next[j + r.len()];
                    *e = Some(e.map_or(v, |x| x.max(v)));
                }
            }
        }
        at = next;
    }
    at[n]
}

/// One hanzi that may stand for `key[start..end]`, as a model class.
#[derive(Clone, Copy, Debug)]
struct Edge {
    start: usize,
    end: usize,
    class: usize,
    /// Log-cost of emitting this hanzi for this part of the key: [`SECONDARY_READING_COST`]
    /// for a reading other than the hanzi's first, else 0.
    cost: f32,
}

/// The log-cost of spelling a syllable with a hanzi's secondary reading (暖 read XUAN, not
/// NUAN): pypinyin lists a hanzi's usual reading first, and a name is written with the usual
/// readings but for the surnames read otherwise (曾 ZENG, 覃 QIN, 单 SHAN), which cost nothing.
/// ln 0.1: a rare reading that spells the pinyin (狂 read JUE, for 珏 of the same shape) has to
/// be read ten times likelier than a hanzi read so usually (ln 0.5 let 杨狂 stand for 杨珏;
/// ln 0.01 reads no more names right).
const SECONDARY_READING_COST: f32 = -std::f32::consts::LN_10;

static NAME_FREQ: &str = include_str!("name_freq.txt");

/// Weight of [`name_commonness`] in a fit of given names: the recognizer must prefer a hanzi
/// rarely given in names (态 TAI, 证 ZHENG) about e^(0.5 ln 40) ≈ 6 times over the common one
/// (泰, 铮) to keep it.
pub const NAME_PRIOR_WEIGHT: f32 = 0.5;
/// Counts added to every hanzi's count in given names (a hanzi never seen is not impossible).
const NAME_FREQ_SMOOTHING: f32 = 100.0;

/// Occurrences of each hanzi in given names (`name_freq.txt`), and the most of any hanzi of
/// each usual reading.
fn name_counts() -> &'static (HashMap<char, u32>, HashMap<&'static str, u32>) {
    static T: OnceLock<(HashMap<char, u32>, HashMap<&'static str, u32>)> = OnceLock::new();
    T.get_or_init(|| {
        let counts: HashMap<char, u32> = NAME_FREQ
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (c, n) = l.split_once('\t')?;
                Some((c.chars().next()?, n.trim().parse().ok()?))
            })
            .collect();
        let mut best: HashMap<&'static str, u32> = HashMap::new();
        // Among the hanzi whose usual reading it is (大 is also read TAI, but as DA given).
        for (reading, chars) in &table().by_reading {
            let most = chars.iter().filter(|c| readings(**c).first() == Some(reading)).map(|c| counts.get(c).copied().unwrap_or(0)).max().unwrap_or(0);
            best.insert(*reading, most);
        }
        (counts, best)
    })
}

/// How common `c` is in given names next to the commonest hanzi read `reading`: the log of
/// their (smoothed) counts' ratio, 0 for the commonest, negative for the others (态 for TAI:
/// ln(299 / 8619) ≈ -3.4).
pub fn name_commonness(c: char, reading: &str) -> f32 {
    let (counts, best) = name_counts();
    let n = counts.get(&c).copied().unwrap_or(0) as f32;
    let most = best.get(reading).copied().unwrap_or(0) as f32;
    ((n + NAME_FREQ_SMOOTHING) / (most.max(n) + NAME_FREQ_SMOOTHING)).ln()
}

/// Whether `c` is rare in given names for some reading of it: less than a tenth as common as
/// the commonest hanzi of that reading (its best reading counts).
pub fn rare_in_names(c: char) -> bool {
    readings(c).iter().map(|r| name_commonness(c, r)).fold(f32::NEG_INFINITY, f32::max) < RARE_IN_NAMES
}
const RARE_IN_NAMES: f32 = -2.302_585; // ln 0.1

/// Whether `reading` is the usual reading of `c`, or the reading of a listed surname `c` is.
fn usual_reading(c: char, reading: &str) -> bool {
    readings(c).first() == Some(&reading)
        || super::normalize::SURNAMES.split_whitespace().any(|e| e.starts_with(c) && e.chars().nth(1).is_some_and(|n| n.is_ascii_uppercase()) && &e[c.len_utf8()..] == reading)
}

/// The best CTC path (Viterbi, `steps x classes` probabilities, class 0 the blank, class `i`
/// `charset[i - 1]`) among the hanzi sequences that spell `key`; `None` when no sequence of
/// the model's hanzi spells it. Each character's probability is its class's probability at
/// its best step.
pub fn decode_fitting(probs: &[f32], steps: usize, charset: &[char], step_px: f32, key: &str) -> Option<TextReading> {
    decode_fitting_scored(probs, steps, charset, step_px, key, &|_, _| true, key.len()).map(|(r, _)| r)
}

/// [`decode_fitting`] with only the hanzi `allow` accepts for the part of `key` starting at a
/// position (the surname's part among the listed surnames of its pinyin), and with the path's
/// log-probability, so that fits of one line to different keys can be compared (every path
/// covers all its steps). The hanzi for the part of `key` from `given_from` on (the given
/// names) are weighed by how common they are in given names ([`name_commonness`], times
/// [`NAME_PRIOR_WEIGHT`]); `key.len()` weighs none.
pub fn decode_fitting_scored(
    probs: &[f32],
    steps: usize,
    charset: &[char],
    step_px: f32,
    key: &str,
    allow: &dyn Fn(usize, char) -> bool,
    given_from: usize,
) -> Option<(TextReading, f32)> {
    let n = key.len();
    if steps == 0 || n == 0 || !key.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let classes = probs.len() / steps;
    if classes < 2 || probs.len() != classes * steps {
        return None;
    }
    let mut class_of: HashMap<char, usize> = HashMap::with_capacity(charset.len());
    for (i, &c) in charset.iter().enumerate().take(classes - 1) {
        class_of.entry(c).or_insert(i + 1);
    }
    let t = table();
    let mut edges = Vec::new();
    for start in 0..n {
        for len in 1..=MAX_SYLLABLE.min(n - start) {
            for c in t.by_reading.get(&key[start..start + len]).map_or(&[][..], Vec::as_slice) {
                if let Some(&class) = class_of.get(c).filter(|_| allow(start, *c)) {
                    let reading = &key[start..start + len];
                    let mut cost = if usual_reading(*c, reading) { 0.0 } else { SECONDARY_READING_COST };
                    if start >= given_from {
                        cost += NAME_PRIOR_WEIGHT * name_commonness(*c, reading);
                    }
                    edges.push(Edge { start, end: start + len, class, cost });
                }
            }
        }
    }
    edges.sort_by_key(|e| (e.start, e.end, e.class));
    edges.dedup_by_key(|e| (e.start, e.end, e.class));
    if edges.is_empty() {
        return None;
    }
    // States: blank at key position j (0..=n), then one per edge (that hanzi being emitted).
    let blank = |j: usize| j;
    let char_state = |e: usize| n + 1 + e;
    let states = n + 1 + edges.len();
    let lp = |t: usize, k: usize| probs[t * classes + k].max(1e-30).ln();
    const NONE: u32 = u32::MAX;
    let mut score = vec![f32::NEG_INFINITY; states];
    let mut back = vec![NONE; steps * states];
    score[blank(0)] = lp(0, 0);
    for (e, edge) in edges.iter().enumerate() {
        if edge.start == 0 {
            score[char_state(e)] = score[char_state(e)].max(lp(0, edge.class) + edge.cost);
        }
    }
    for step in 1..steps {
        // The two best hanzi states ending at each position, of different classes (a hanzi
        // can follow the same hanzi only across a blank).
        let mut ends: Vec<[(f32, u32, usize); 2]> = vec![[(f32::NEG_INFINITY, NONE, 0); 2]; n + 1];
        for (e, edge) in edges.iter().enumerate() {
            let s = score[char_state(e)];
            let slot = &mut ends[edge.end];
            if s > slot[0].0 {
                if slot[0].2 != edge.class {
                    slot[1] = slot[0];
                }
                slot[0] = (s, char_state(e) as u32, edge.class);
            } else if s > slot[1].0 && slot[0].2 != edge.class {
                slot[1] = (s, char_state(e) as u32, edge.class);
            }
        }
        let mut next = vec![f32::NEG_INFINITY; states];
        let row = &mut back[step * states..(step + 1) * states];
        let b = lp(step, 0);
        for j in 0..=n {
            let (mut best, mut from) = (score[blank(j)], blank(j) as u32);
            if ends[j][0].0 > best {
                (best, from) = (ends[j][0].0, ends[j][0].1);
            }
            if best > f32::NEG_INFINITY {
                next[blank(j)] = best + b;
                row[blank(j)] = from;
            }
        }
        for (e, edge) in edges.iter().enumerate() {
            // Staying on the hanzi, or entering it (its reading's cost paid once).
            let (mut best, mut from) = (score[char_state(e)], char_state(e) as u32);
            if score[blank(edge.start)] + edge.cost > best {
                (best, from) = (score[blank(edge.start)] + edge.cost, blank(edge.start) as u32);
            }
            let other = if ends[edge.start][0].2 != edge.class { ends[edge.start][0] } else { ends[edge.start][1] };
            if other.0 + edge.cost > best {
                (best, from) = (other.0 + edge.cost, other.1);
            }
            if best > f32::NEG_INFINITY {
                next[char_state(e)] = best + lp(step, edge.class);
                row[char_state(e)] = from;
            }
        }
        score = next;
    }
    // End: after the whole key, on a blank or on its last hanzi.
    let mut end = (score[blank(n)], blank(n));
    for (e, edge) in edges.iter().enumerate() {
        if edge.end == n && score[char_state(e)] > end.0 {
            end = (score[char_state(e)], char_state(e));
        }
    }
    if end.0 == f32::NEG_INFINITY {
        return None;
    }
    let mut path = vec![0usize; steps];
    let mut s = end.1;
    for step in (0..steps).rev() {
        path[step] = s;
        if step > 0 {
            s = back[step * states + s] as usize;
        }
    }
    let mut out = TextReading::default();
    let mut prev = usize::MAX;
    for (step, &s) in path.iter().enumerate() {
        if s <= n {
            prev = s;
            continue;
        }
        let class = edges[s - n - 1].class;
        let p = probs[step * classes + class];
        let x = (step as f32 + 0.5) * step_px;
        if s == prev {
            if let Some(last) = out.chars.last_mut().filter(|c| p > c.p) {
                last.p = p;
                last.x = x;
            }
        } else {
            out.chars.push(TextChar { ch: charset[class - 1], p, x });
        }
        prev = s;
    }
    Some((out, end.0))
}

#[cfg(test)]
mod tests {

    #[test]
    fn names_spelled_in_syllables() {
        for w in ["LINQIANG", "ZHANG", "OUYANG", "XIAOMING", "LYU", "ER", "AN", "SHUANG"] {
            assert!(spells_syllables(w, false), "{w}");
        }
        // Misreadings no syllables spell: Q read as G, N as H, a filler read as K.
        for w in ["LINGIANG", "ZHAHG", "WANGK", "HM", "NG", "", "LI3"] {
            assert!(!spells_syllables(w, false), "{w}");
        }
        // A name cut at the line's end may end in part of a syllable.
        assert!(spells_syllables("WANGZHUAN", true) && spells_syllables("WANGZHU", true));
        assert!(spells_syllables("WANGZH", true) && !spells_syllables("WANGZH", false));
    }
    use super::*;

    /// Probabilities over `charset` (blank first), one row per step: `(class, p)` pairs, the
    /// rest of each row on the blank.
    fn rows(classes: usize, steps: &[&[(usize, f32)]]) -> Vec<f32> {
        let mut out = vec![0.0; steps.len() * classes];
        for (t, row) in steps.iter().enumerate() {
            let mut rest = 1.0;
            for &(k, p) in *row {
                out[t * classes + k] = p;
                rest -= p;
            }
            out[t * classes] += rest;
        }
        out
    }

    #[test]
    fn readings_and_spelling() {
        assert_eq!(readings('锦'), ["JIN"]);
        assert!(readings('单').contains(&"SHAN") && readings('单').contains(&"DAN"));
        // ü: LYU on passports since 2012, LU and LV before.
        for r in ["LYU", "LU", "LV"] {
            assert!(readings('吕').contains(&r), "{r}");
        }
        assert!(readings('A').is_empty());
        assert!(fits("朱锦渝", "ZHUJINYU"));
        assert!(fits("皇甫峰", "HUANGFUFENG"));
        assert!(fits("西安", "XIAN") && fits("先", "XIAN"));
        assert!(!fits("朱锦", "ZHUJINYU"));
        assert!(!fits("颜", "YING"));
        assert!(!fits("", "LI") && !fits("李", ""));
    }

    #[test]
    fn runs_of_syllables() {
        assert!(syllables("LIU") && syllables("LIUDAI") && syllables("ZHUANG") && syllables("XIAN"));
        assert!(!syllables("IUDAI") && !syllables("Q") && !syllables("") && !syllables("liu"));
    }

    #[test]
    fn every_listed_surname_spells_its_pinyin() {
        for e in super::super::normalize::SURNAMES.split_whitespace() {
            let split = e.find(|c: char| c.is_ascii_uppercase()).unwrap();
            assert!(fits(&e[..split], &e[split..]), "{e}");
        }
    }

    #[test]
    fn the_pinyin_chooses_between_look_alikes() {
        // 许颜买 read for 许颖灵: 颜 (YAN) and 买 (MAI) are likelier, but XU YINGLING rules them out.
        let charset = ['许', '颜', '颖', '买', '灵'];
        let probs = rows(7, &[&[], &[(1, 0.95)], &[], &[(2, 0.6), (3, 0.3)], &[], &[(4, 0.7), (5, 0.2)], &[]]);
        let free = super::super::text::decode(&probs, 7, &charset, 8.0);
        assert_eq!(free.text(), "许颜买");
        let fit = decode_fitting(&probs, 7, &charset, 8.0, "XUYINGLING").unwrap();
        assert_eq!(fit.text(), "许颖灵");
        // Each keeps its own probability: the forced ones stay doubtful.
        assert!((fit.chars[1].p - 0.3).abs() < 1e-6 && (fit.chars[2].p - 0.2).abs() < 1e-6);
        assert!((fit.chars[1].x - 28.0).abs() < 1e-6);
    }

    #[test]
    fn a_secondary_reading_only_wins_clearly() {
        // XUAN: 璇's only reading, 暖's second (NUAN first). 璇 unless 暖 is over ten times likelier.
        let charset = ['璇', '暖'];
        let fit = |a: f32, b: f32| decode_fitting(&rows(3, &[&[], &[(1, a), (2, b)], &[]]), 3, &charset, 8.0, "XUAN").unwrap().text();
        assert_eq!(fit(0.4, 0.45), "璇");
        assert_eq!(fit(0.1, 0.85), "璇");
        assert_eq!(fit(0.05, 0.9), "暖");
        // A listed surname's reading costs nothing: 曾 ZENG (CENG first) over 增 near a tie.
        let charset = ['曾', '增'];
        let probs = rows(3, &[&[], &[(1, 0.45), (2, 0.4)], &[]]);
        assert_eq!(decode_fitting(&probs, 3, &charset, 8.0, "ZENG").unwrap().text(), "曾");
        assert!(usual_reading('曾', "ZENG") && usual_reading('暖', "NUAN") && !usual_reading('暖', "XUAN"));
        // The path's score: the log-probability of its steps (and costs).
        let (_, score) = decode_fitting_scored(&rows(3, &[&[], &[(1, 0.5)], &[]]), 3, &['璇'], 8.0, "XUAN", &|_, _| true, 4).unwrap();
        assert!((score - 0.5f32.ln()).abs() < 1e-4, "{score}");
    }

    #[test]
    fn given_names_are_weighed_by_how_common_their_hanzi_are() {
        // 泰 is given in names about forty times as often as 态 (both TAI).
        assert!(name_commonness('态', "TAI") < name_commonness('泰', "TAI") - 3.0 && name_commonness('泰', "TAI") > -1.0);
        assert!(rare_in_names('态') && !rare_in_names('泰') && !rare_in_names('颖') && rare_in_names('硬'));
        let charset = ['态', '泰'];
        let probs = rows(3, &[&[], &[(1, 0.55), (2, 0.3)], &[]]);
        let fit = |given_from: usize| decode_fitting_scored(&probs, 3, &charset, 8.0, "TAI", &|_, _| true, given_from).unwrap().0.text();
        assert_eq!(fit(0), "泰", "a given name");
        assert_eq!(fit(3), "态", "not weighed");
        // The recognizer sure of the rare one keeps it.
        let probs = rows(3, &[&[], &[(1, 0.9), (2, 0.05)], &[]]);
        assert_eq!(decode_fitting_scored(&probs, 3, &charset, 8.0, "TAI", &|_, _| true, 0).unwrap().0.text(), "态");
    }

    #[test]
    fn a_spelling_is_as_common_as_its_least_common_given_name_hanzi() {
        // 怕 spells BO (a secondary reading) but is hardly ever given for it; 伯 is.
        let bad = spelling_commonness("方怕立", "FANGBOLI", 1).unwrap();
        let good = spelling_commonness("方伯立", "FANGBOLI", 1).unwrap();
        assert!(bad < -6.0 && good > -3.5, "{bad} {good}");
        // The surname's hanzi are not weighed; a hanzi not spelling the key is no spelling.
        assert_eq!(spelling_commonness("态", "TAI", 1), Some(0.0));
        assert_eq!(spelling_commonness("方伯", "FANGBOLI", 1), None);
    }

    #[test]
    fn a_dropped_character_is_found_again() {
        // 唐竹 read for 唐霞竹: 霞 only ever second best.
        let charset = ['唐', '霞', '竹'];
        let probs = rows(4, &[&[(1, 0.9)], &[(2, 0.3)], &[(2, 0.2)], &[(3, 0.9)], &[]]);
        assert_eq!(super::super::text::decode(&probs, 5, &charset, 8.0).text(), "唐竹");
        assert_eq!(decode_fitting(&probs, 5, &charset, 8.0, "TANGXIAZHU").unwrap().text(), "唐霞竹");
    }

    #[test]
    fn the_same_hanzi_twice_needs_a_blank_between() {
        let charset = ['丽', '李'];
        // Three steps of 丽 with hardly a blank: one 丽, so LILI takes 李 for the other.
        let probs = rows(3, &[&[(1, 0.8), (2, 0.15)], &[(1, 0.8), (2, 0.15)], &[(1, 0.8), (2, 0.15)]]);
        let fit = decode_fitting(&probs, 3, &charset, 8.0, "LILI").unwrap();
        assert_eq!(fit.chars.len(), 2);
        assert!(fit.text().contains('丽') && fit.text().contains('李'), "{}", fit.text());
        // With a blank between, 丽丽.
        let probs = rows(3, &[&[(1, 0.8)], &[], &[(1, 0.8)]]);
        assert_eq!(decode_fitting(&probs, 3, &charset, 8.0, "LILI").unwrap().text(), "丽丽");
    }

    #[test]
    fn the_surname_part_can_be_held_to_listed_surnames() {
        // 诸阁简 spells ZHUGEJIAN too; among the surnames of ZHUGE, 葛.
        let charset = ['诸', '阁', '葛', '简'];
        let probs = rows(5, &[&[(1, 0.9)], &[], &[(2, 0.6), (3, 0.3)], &[], &[(4, 0.9)], &[]]);
        assert_eq!(decode_fitting(&probs, 6, &charset, 8.0, "ZHUGEJIAN").unwrap().text(), "诸阁简");
        let listed = |start: usize, c: char| start >= 5 || "诸葛".contains(c);
        assert_eq!(decode_fitting_scored(&probs, 6, &charset, 8.0, "ZHUGEJIAN", &listed, 9).unwrap().0.text(), "诸葛简");
    }

    #[test]
    fn a_key_no_hanzi_spells_gives_nothing() {
        let charset = ['丽'];
        let probs = rows(2, &[&[(1, 0.9)], &[]]);
        assert!(decode_fitting(&probs, 2, &charset, 8.0, "QQ").is_none());
        assert!(decode_fitting(&probs, 2, &charset, 8.0, "ZHANG").is_none(), "张 not in the charset");
        assert!(decode_fitting(&probs, 2, &charset, 8.0, "").is_none());
        assert!(decode_fitting(&probs, 2, &charset, 8.0, "li").is_none());
        assert!(decode_fitting(&[], 0, &charset, 8.0, "LI").is_none());
        // Too few steps for two hanzi.
        assert!(decode_fitting(&rows(2, &[&[(1, 0.9)]]), 1, &charset, 8.0, "LILI").is_none());
    }
}
