//! Normalisers: the printed values of a Chinese passport to the API's values.
//!
//! Dates (`12 12月/DEC 1990` → `1990-12-12`), the 34 provincial-level divisions in hanzi and
//! pinyin (and cities abroad for births outside China), the two issuing authorities, sex and
//! nationality. Each matcher takes text as the recognizer read it (possibly with errors) and
//! answers the canonical value with how well it matched.

/// The 34 provincial-level divisions as printed: hanzi, English.
pub const PROVINCES: [(&str, &str); 34] = [
    ("北京", "BEIJING"),
    ("天津", "TIANJIN"),
    ("河北", "HEBEI"),
    ("山西", "SHANXI"),
    ("内蒙古", "NEI MONGOL"),
    ("辽宁", "LIAONING"),
    ("吉林", "JILIN"),
    ("黑龙江", "HEILONGJIANG"),
    ("上海", "SHANGHAI"),
    ("江苏", "JIANGSU"),
    ("浙江", "ZHEJIANG"),
    ("安徽", "ANHUI"),
    ("福建", "FUJIAN"),
    ("江西", "JIANGXI"),
    ("山东", "SHANDONG"),
    ("河南", "HENAN"),
    ("湖北", "HUBEI"),
    ("湖南", "HUNAN"),
    ("广东", "GUANGDONG"),
    ("广西", "GUANGXI"),
    ("海南", "HAINAN"),
    ("重庆", "CHONGQING"),
    ("四川", "SICHUAN"),
    ("贵州", "GUIZHOU"),
    ("云南", "YUNNAN"),
    ("西藏", "XIZANG"),
    ("陕西", "SHAANXI"),
    ("甘肃", "GANSU"),
    ("青海", "QINGHAI"),
    ("宁夏", "NINGXIA"),
    ("新疆", "XINJIANG"),
    ("香港", "HONG KONG"),
    ("澳门", "MACAO"),
    ("台湾", "TAIWAN"),
];

/// Cities abroad printed as a place of birth (hanzi, English). A city not listed is returned
/// as read, with a lower confidence.
pub const CITIES_ABROAD: [(&str, &str); 24] = [
    ("纽约", "NEW YORK"),
    ("东京", "TOKYO"),
    ("伦敦", "LONDON"),
    ("巴黎", "PARIS"),
    ("洛杉矶", "LOS ANGELES"),
    ("悉尼", "SYDNEY"),
    ("新加坡", "SINGAPORE"),
    ("多伦多", "TORONTO"),
    ("温哥华", "VANCOUVER"),
    ("旧金山", "SAN FRANCISCO"),
    ("墨尔本", "MELBOURNE"),
    ("大阪", "OSAKA"),
    ("首尔", "SEOUL"),
    ("柏林", "BERLIN"),
    ("曼谷", "BANGKOK"),
    ("莫斯科", "MOSCOW"),
    ("芝加哥", "CHICAGO"),
    ("波士顿", "BOSTON"),
    ("西雅图", "SEATTLE"),
    ("罗马", "ROME"),
    ("马德里", "MADRID"),
    ("法兰克福", "FRANKFURT"),
    ("吉隆坡", "KUALA LUMPUR"),
    ("奥克兰", "AUCKLAND"),
];

/// Common surnames (single and compound) with their pinyin as the MRZ prints them. Not every
/// surname: a surname missing here is never changed, only a doubtful reading that no listed
/// surname of the MRZ's pinyin matches is read again among those that do.
pub const SURNAMES: &str = "\
王WANG 李LI 张ZHANG 刘LIU 陈CHEN 杨YANG 黄HUANG 赵ZHAO 吴WU 周ZHOU 徐XU 孙SUN 马MA 朱ZHU 胡HU \
郭GUO 何HE 高GAO 林LIN 罗LUO 郑ZHENG 梁LIANG 谢XIE 宋SONG 唐TANG 许XU 韩HAN 冯FENG 邓DENG \
曹CAO 彭PENG 曾ZENG 肖XIAO 田TIAN 董DONG 袁YUAN 潘PAN 于YU 蒋JIANG 蔡CAI 余YU 杜DU 叶YE 程CHENG \
苏SU 魏WEI 吕LYU 吕LV 丁DING 任REN 沈SHEN 姚YAO 卢LU 姜JIANG 崔CUI 钟ZHONG 谭TAN 陆LU 汪WANG \
范FAN 金JIN 石SHI 廖LIAO 贾JIA 夏XIA 韦WEI 付FU 傅FU 方FANG 白BAI 邹ZOU 孟MENG 熊XIONG 秦QIN \
邱QIU 江JIANG 尹YIN 薛XUE 闫YAN 阎YAN 段DUAN 雷LEI 侯HOU 龙LONG 史SHI 陶TAO 黎LI 贺HE 顾GU 毛MAO \
郝HAO 龚GONG 邵SHAO 万WAN 钱QIAN 严YAN 覃QIN 武WU 戴DAI 莫MO 孔KONG 向XIANG 汤TANG 常CHANG \
温WEN 康KANG 施SHI 文WEN 牛NIU 樊FAN 葛GE 邢XING 安AN 齐QI 易YI 乔QIAO 伍WU 庞PANG 颜YAN \
倪NI 庄ZHUANG 聂NIE 章ZHANG 鲁LU 岳YUE 翟ZHAI 殷YIN 詹ZHAN 申SHEN 欧OU 耿GENG 关GUAN 兰LAN \
焦JIAO 俞YU 左ZUO 柳LIU 甘GAN 祝ZHU 包BAO 宁NING 尚SHANG 符FU 舒SHU 阮RUAN 柯KE 纪JI 梅MEI \
童TONG 凌LING 毕BI 单SHAN 季JI 裴PEI 霍HUO 涂TU 成CHENG 苗MIAO 谷GU 盛SHENG 曲QU 翁WENG 冉RAN \
骆LUO 蓝LAN 路LU 游YOU 辛XIN 靳JIN 管GUAN 柴CHAI 蒙MENG 鲍BAO 华HUA 喻YU 祁QI 蒲PU 房FANG \
滕TENG 屈QU 饶RAO 解XIE 牟MOU 艾AI 尤YOU 阳YANG 时SHI 穆MU 农NONG 司SI 卓ZHUO 古GU 吉JI \
缪MIAO 简JIAN 车CHE 项XIANG 连LIAN 芦LU 麦MAI 褚CHU 娄LOU 窦DOU 戚QI 岑CEN 景JING 党DANG \
宫GONG 费FEI 卜BU 冷LENG 晏YAN 席XI 卫WEI 米MI 柏BAI 宗ZONG 瞿QU 桂GUI 全QUAN 佟TONG 应YING \
臧ZANG 闵MIN 苟GOU 邬WU 边BIAN 卞BIAN 姬JI 师SHI 和HE 仇QIU 栾LUAN 隋SUI 商SHANG 刁DIAO 沙SHA \
荣RONG 巫WU 寇KOU 桑SANG 郎LANG 甄ZHEN 丛CONG 仲ZHONG 虞YU 敖AO 巩GONG 明MING 佘SHE 池CHI \
查ZHA 麻MA 苑YUAN 迟CHI 邝KUANG 封FENG 储CHU 蔺LIN 洪HONG 谈TAN 宿SU 鞠JU 花HUA 奚XI 井JING \
伏FU 滑HUA 欧阳OUYANG 司马SIMA 上官SHANGGUAN 诸葛ZHUGE 皇甫HUANGFU 东方DONGFANG 尉迟YUCHI \
司徒SITU 慕容MURONG 夏侯XIAHOU 令狐LINGHU 公孙GONGSUN 长孙ZHANGSUN 宇文YUWEN 端木DUANMU \
轩辕XUANYUAN 南宫NANGONG 澹台TANTAI 呼延HUYAN 独孤DUGU 司空SIKONG 闻人WENREN 申屠SHENTU";

/// The listed surnames whose pinyin is `pinyin` (the MRZ's surname), in hanzi.
pub fn surname_candidates(pinyin: &str) -> Vec<&'static str> {
    let key = latin_key(pinyin);
    SURNAMES
        .split_whitespace()
        .filter_map(|e| {
            let split = e.find(|c: char| c.is_ascii_uppercase())?;
            (e[split..] == key).then_some(&e[..split])
        })
        .collect()
}

/// How many leading hanzi of a name `han` are its surname: a listed surname of the pinyin
/// `surname` it starts with (司马 for SIMA), else one.
pub fn surname_hanzi_len(han: &str, surname: &str) -> usize {
    surname_candidates(surname).iter().find(|s| han.starts_with(**s)).map_or(1, |s| s.chars().count())
}

/// Issuing authorities: hanzi, the API's English, and the first day it issued.
pub const AUTHORITY_MPS: (&str, &str) = ("公安部出入境管理局", "MPS Exit & Entry Administration");
pub const AUTHORITY_NIA: (&str, &str) = ("国家移民管理局", "National Immigration Administration, PRC");
/// The National Immigration Administration issues passports from 1 April 2019.
pub const NIA_FROM: (i32, u32, u32) = (2019, 4, 1);

pub const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Upper case, only letters and digits (spaces, punctuation gone): how Latin text is compared.
pub fn latin_key(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Only the CJK ideographs of `s`.
pub fn han_only(s: &str) -> String {
    s.chars().filter(|&c| is_han(c)).collect()
}

pub fn is_han(c: char) -> bool {
    ('\u{3400}'..='\u{9fff}').contains(&c) || ('\u{f900}'..='\u{faff}').contains(&c)
}

/// A value matched against a table: the entry, and the edit distances of the hanzi and the
/// Latin parts (`None` where that part was not read).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TableMatch {
    pub han: &'static str,
    pub latin: &'static str,
    pub han_dist: Option<usize>,
    pub latin_dist: Option<usize>,
}

impl TableMatch {
    /// Both parts read and both exactly an entry.
    pub fn exact(&self) -> bool {
        self.han_dist == Some(0) && self.latin_dist == Some(0)
    }
    /// How much the reading supports the entry: 1 exact both, lower with errors. The hanzi
    /// read exactly, or the pinyin within one letter, with the other part read as nothing like
    /// the entry (`天津TANHN`: the pinyin blurred past reading) still support it, up to
    /// [`ONE_PART_SUPPORT`]. (Hanzi one off alone would not: `西` is one from four provinces.)
    pub fn support(&self) -> f64 {
        let both = Self::support_of(self.han_dist, self.latin_dist);
        let han_alone = if self.han_dist == Some(0) { Self::support_of(self.han_dist, None) } else { 0.0 };
        let alone = han_alone.max(Self::support_of(None, self.latin_dist));
        both.max(alone.min(ONE_PART_SUPPORT))
    }

    fn support_of(han_dist: Option<usize>, latin_dist: Option<usize>) -> f64 {
        match (han_dist, latin_dist) {
            (Some(0), Some(0)) => 1.0,
            // The hanzi decide between pinyin one letter apart (山西 SHANXI, 陕西 SHAANXI).
            (Some(0), Some(1)) => 0.9,
            (Some(1), Some(0)) => 0.85,
            (Some(0), None) | (None, Some(0)) => 0.8,
            (Some(h), Some(l)) if h + l <= 2 => 0.6,
            (Some(h), None) if h <= 1 => 0.5,
            (None, Some(l)) if l <= 1 => 0.5,
            _ => 0.0,
        }
    }
}

/// Most a place is supported by one of its parts when the other reads as something else.
pub const ONE_PART_SUPPORT: f64 = 0.6;

/// Splits a bilingual value `湖南/HUNAN` into its hanzi and Latin parts. Where the slash was
/// read, the Latin part is what follows it and the hanzi what precedes it: a hanzi misread as
/// a letter (`R西/SHAANXO`, 陕 read R) is no part of the pinyin.
pub fn split_bilingual(text: &str) -> (String, String) {
    let (before, after) = text.rsplit_once('/').unwrap_or((text, text));
    let han = han_only(before);
    let latin: String = after.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').collect();
    (han, latin.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Edit distance of a place's Latin reading to a table entry's; a reading of five letters or
/// more that is the start of the entry (its end washed out or cut: `SHAND` of `SHANDONG`)
/// counts as one edit from it; so does the whole entry of five letters or more after up to
/// three letters more (its hanzi misread as letters, the slash not read: `ERCHONGQING`).
fn latin_distance(read: &str, entry: &str) -> usize {
    let whole = edit_distance(read, entry);
    if entry.len() >= 5 && read.len() > entry.len() && read.len() - entry.len() <= 3 && read.ends_with(entry) {
        whole.min(1)
    } else if read.len() >= 5 && read.len() < entry.len() && entry.is_char_boundary(read.len()) {
        whole.min(edit_distance(read, &entry[..read.len()]) + 1)
    } else {
        whole
    }
}

/// The table entry a bilingual place reads as, when one is close enough.
pub fn match_place(text: &str, abroad_too: bool) -> Option<TableMatch> {
    let (han, latin) = split_bilingual(text);
    let lk = latin_key(&latin);
    let mut best: Option<(f64, TableMatch)> = None;
    let tables: &[&[(&str, &str)]] = if abroad_too { &[&PROVINCES, &CITIES_ABROAD] } else { &[&PROVINCES] };
    for table in tables {
        for &(h, l) in table.iter() {
            let m = TableMatch {
                han: h,
                latin: l,
                han_dist: (!han.is_empty()).then(|| edit_distance(&han, h)),
                latin_dist: (!lk.is_empty()).then(|| latin_distance(&lk, &latin_key(l))),
            };
            let s = m.support();
            if s > 0.0 && best.as_ref().is_none_or(|(b, _)| s > *b) {
                best = Some((s, m));
            }
        }
    }
    best.map(|(_, m)| m)
}

/// A date read from the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrintedDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    /// The month number and the month abbreviation were both read and agree.
    pub month_confirmed: bool,
}

impl PrintedDate {
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}


/// Parses `DD M月/MON YYYY` (`12 12月/DEC 1990`, spaces optional, as the recognizer may read
/// them). The month comes from the number before `月` and from the abbreviation; when both are
/// read they must agree.
pub fn parse_date(text: &str) -> Option<PrintedDate> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let yue = t.find('月');
    // Latin month abbreviation: three letters anywhere.
    let letters: String = t.chars().map(|c| if c.is_ascii_alphabetic() { c.to_ascii_uppercase() } else { ' ' }).collect();
    let abbr = letters.split_whitespace().find_map(|w| {
        let w3: String = w.chars().take(3).collect();
        MONTHS.iter().position(|m| *m == w3).map(|i| i as u32 + 1)
    });
    let digits_runs: Vec<(usize, String)> = {
        let mut v = Vec::new();
        let mut cur = String::new();
        let mut start = 0;
        for (i, c) in t.char_indices() {
            if c.is_ascii_digit() {
                if cur.is_empty() {
                    start = i;
                }
                cur.push(c);
            } else if !cur.is_empty() {
                v.push((start, std::mem::take(&mut cur)));
            }
        }
        if !cur.is_empty() {
            v.push((start, cur));
        }
        v
    };
    let year_run = digits_runs.iter().rev().find(|(_, d)| d.len() == 4)?;
    let year: i32 = year_run.1.parse().ok()?;
    let (day, month_num) = match yue {
        Some(pos) => {
            // Digits right before 月: the month (1–2 digits); before them the day (2 digits),
            // which without spaces may be glued on: "1212月" = day 12, month 12.
            let before: Vec<&(usize, String)> = digits_runs.iter().filter(|(s, d)| s + d.len() <= pos).collect();
            let last = before.last()?;
            let glued = last.0 + last.1.len() == pos;
            if glued && before.len() >= 2 {
                (before[before.len() - 2].1.parse::<u32>().ok()?, last.1.parse::<u32>().ok())
            } else if glued && last.1.len() >= 3 {
                let (d, m) = last.1.split_at(2);
                (d.parse::<u32>().ok()?, m.parse::<u32>().ok())
            } else if glued {
                return None;
            } else {
                (last.1.parse::<u32>().ok()?, None)
            }
        }
        None => {
            let first = digits_runs.first()?;
            if first.1.len() > 2 {
                return None;
            }
            (first.1.parse::<u32>().ok()?, None)
        }
    };
    let month = match (month_num, abbr) {
        (Some(a), Some(b)) if a == b => a,
        (Some(_), Some(_)) => return None,
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => return None,
    };
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || day == 0 || day > u32::from(crate::mrz::date::days_in_month(year as u16, month as u8)) {
        return None;
    }
    Some(PrintedDate { year, month, day, month_confirmed: month_num.is_some() && abbr.is_some() })
}

/// `男/M` → `("男", "M")`; either part alone is enough when the other is unreadable, and
/// they must agree when both are read.
pub fn parse_sex(text: &str) -> Option<(&'static str, &'static str)> {
    let han = if text.contains('男') {
        Some("M")
    } else if text.contains('女') {
        Some("F")
    } else {
        None
    };
    let latin = latin_key(text);
    let lat = match latin.as_str() {
        "M" => Some("M"),
        "F" => Some("F"),
        _ => None,
    };
    let s = match (han, lat) {
        (Some(a), Some(b)) if a == b => a,
        (Some(_), Some(_)) => return None,
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => return None,
    };
    Some(if s == "M" { ("男", "M") } else { ("女", "F") })
}

pub fn sex_han(sex: &str) -> Option<&'static str> {
    match sex {
        "M" => Some("男"),
        "F" => Some("女"),
        _ => None,
    }
}

/// `中国/CHINESE`: true when either part reads as the Chinese nationality.
pub fn is_chinese_nationality(text: &str) -> bool {
    let (han, latin) = split_bilingual(text);
    han == "中国" || edit_distance(&latin_key(&latin), "CHINESE") <= 1
}

/// The authority a read text names: the entry and the edit distance of the better part.
pub fn match_authority(han: &str, latin: &str) -> Option<((&'static str, &'static str), usize)> {
    let h = han_only(han);
    let l = normalize_authority_latin(latin);
    let mut best: Option<((&str, &str), usize)> = None;
    for a in [AUTHORITY_MPS, AUTHORITY_NIA] {
        let dh = if h.is_empty() { usize::MAX } else { edit_distance(&h, a.0) };
        let dl = if l.is_empty() { usize::MAX } else { edit_distance(&latin_key(&l), &latin_key(a.1)) };
        let d = dh.min(dl);
        let ok = dh <= 2 || dl <= 3;
        if ok && best.is_none_or(|(_, b)| d < b) {
            best = Some((a, d));
        }
    }
    best
}

/// The authority whose hanzi `han` (four at least) are misread in at most half its hanzi, and
/// nearer it than the other's (国家林买银理局 for 国家移民管理局).
pub fn misread_authority(han: &str) -> Option<(&'static str, &'static str)> {
    let h = han_only(han);
    if h.chars().count() < 4 {
        return None;
    }
    let (dm, dn) = (edit_distance(&h, AUTHORITY_MPS.0), edit_distance(&h, AUTHORITY_NIA.0));
    if dm < dn && 2 * dm <= AUTHORITY_MPS.0.chars().count() {
        Some(AUTHORITY_MPS)
    } else if dn < dm && 2 * dn <= AUTHORITY_NIA.0.chars().count() {
        Some(AUTHORITY_NIA)
    } else {
        None
    }
}

/// The authority whose hanzi holds `han` in order (a line read in pieces, some glyphs lost:
/// 公…入境管…局), when at least two characters were read and only one authority fits.
pub fn authority_from_fragment(han: &str) -> Option<(&'static str, &'static str)> {
    let h: Vec<char> = han_only(han).chars().collect();
    if h.len() < 2 {
        return None;
    }
    let holds = |full: &str| {
        let mut it = full.chars();
        h.iter().all(|c| it.any(|x| x == *c))
    };
    match (holds(AUTHORITY_MPS.0), holds(AUTHORITY_NIA.0)) {
        (true, false) => Some(AUTHORITY_MPS),
        (false, true) => Some(AUTHORITY_NIA),
        _ => None,
    }
}

/// The authority that issued on `issue` (year, month, day).
pub fn authority_for_issue(issue: (i32, u32, u32)) -> (&'static str, &'static str) {
    if issue >= NIA_FROM {
        AUTHORITY_NIA
    } else {
        AUTHORITY_MPS
    }
}

/// The spec's abbreviation rule for Latin authority names: `P.R.C` / `P.R.C.` → `P.R.China`.
pub fn normalize_authority_latin(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find("P.R.C") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 5..];
        if after.starts_with("hina") {
            out.push_str("P.R.China");
            rest = &after[4..];
        } else {
            out.push_str("P.R.China");
            rest = after.strip_prefix('.').unwrap_or(after);
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_province_reads_back_from_its_printed_forms() {
        for (h, l) in PROVINCES {
            for printed in [format!("{h}/{l}"), h.to_string(), l.to_string(), format!("{h} / {l}")] {
                let m = match_place(&printed, false).unwrap_or_else(|| panic!("{printed}"));
                assert_eq!((m.han, m.latin), (h, l), "{printed}");
            }
            assert!(match_place(&format!("{h}/{l}"), false).unwrap().exact());
        }
        // Shanxi and Shaanxi differ by one letter: the hanzi decides.
        assert_eq!(match_place("陕西/SHANXI", false).unwrap().han, "陕西");
        assert_eq!(match_place("山西/SHANXI", false).unwrap().han, "山西");
        assert!(match_place("东京/TOKYO", false).is_none_or(|m| !m.exact()));
    }

    #[test]
    fn cities_abroad() {
        for (h, l) in CITIES_ABROAD {
            let m = match_place(&format!("{h}/{l}"), true).unwrap();
            assert!(m.exact() && m.latin == l);
        }
    }

    #[test]
    fn one_error_still_matches_with_less_support() {
        let m = match_place("湖南/HUNAM", false).unwrap();
        assert_eq!(m.latin, "HUNAN");
        assert!(!m.exact() && m.support() < 1.0);
        // A Latin part cut short counts one edit from the place it starts, from five letters.
        let m = match_place("山东/SHAND", false).unwrap();
        assert_eq!((m.han, m.latin_dist, m.support()), ("山东", Some(1), 0.9));
        assert_eq!(match_place("SHANX", false).unwrap().latin, "SHANXI");
        assert!(match_place("HEB", false).is_none_or(|m| m.support() < 0.5));
        // The hanzi read as letters before the pinyin, no slash read: one edit.
        let m = match_place("ERCHONGQING", false).unwrap();
        assert_eq!((m.latin, m.latin_dist, m.support()), ("CHONGQING", Some(1), 0.5));
        assert!(match_place("ABCDCHONGQING", false).is_none_or(|m| m.support() < 0.5));
        // One part read exactly (or the pinyin one letter off), the other nothing like it.
        assert_eq!(match_place("天津TANHN", true).map(|m| (m.latin, m.support())), Some(("TIANJIN", ONE_PART_SUPPORT)));
        assert_eq!(match_place("氏/SHAANX", false).map(|m| (m.latin, m.support())), Some(("SHAANXI", 0.5)));
        assert!(match_place("西/QQQQ", false).is_none(), "西 alone is one from several provinces");
        // 陕 read as a letter before the slash: not part of the pinyin.
        let m = match_place("R西/SHAANXO", false).unwrap();
        assert_eq!((m.han, m.latin), ("陕西", "SHAANXI"));
        assert_eq!(split_bilingual("R西/SHAANXO"), ("西".to_string(), "SHAANXO".to_string()));
        assert_eq!(split_bilingual("中国CHINESE"), ("中国".to_string(), "CHINESE".to_string()));
    }

    #[test]
    fn every_month_parses() {
        for (i, m) in MONTHS.iter().enumerate() {
            let month = i as u32 + 1;
            let text = format!("12 {month}月/{m} 1990");
            let d = parse_date(&text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(d.iso(), format!("1990-{month:02}-12"));
            assert!(d.month_confirmed);
            // Spaces lost by the recognizer.
            let d = parse_date(&format!("12{month}月/{m}1990")).unwrap();
            assert_eq!((d.day, d.month, d.year), (12, month, 1990));
            // Abbreviation alone, number alone.
            assert_eq!(parse_date(&format!("05 {m} 2016")).unwrap().month, month);
            assert_eq!(parse_date(&format!("05 {month}月 2016")).unwrap().month, month);
        }
        assert_eq!(parse_date("12 12月/DEC 1990").unwrap().iso(), "1990-12-12");
    }

    #[test]
    fn bad_dates_are_refused() {
        assert!(parse_date("31 2月/FEB 1990").is_none());
        assert!(parse_date("12 3月/DEC 1990").is_none(), "number and abbreviation disagree");
        assert!(parse_date("12 DEC").is_none());
        assert!(parse_date("").is_none());
        assert!(parse_date("29 2月/FEB 2000").is_some());
        assert!(parse_date("29 2月/FEB 1900").is_none());
    }

    #[test]
    fn sex_and_nationality() {
        assert_eq!(parse_sex("男/M"), Some(("男", "M")));
        assert_eq!(parse_sex("女/F"), Some(("女", "F")));
        assert_eq!(parse_sex("女 / F"), Some(("女", "F")));
        assert_eq!(parse_sex("男/F"), None);
        assert_eq!(parse_sex("/M"), Some(("男", "M")));
        assert_eq!(sex_han("F"), Some("女"));
        assert!(is_chinese_nationality("中国/CHINESE"));
        assert!(is_chinese_nationality("中国/CHlNESE"));
        assert!(!is_chinese_nationality("日本/JAPANESE"));
    }

    #[test]
    fn both_authorities() {
        assert_eq!(match_authority("公安部出入境管理局", "MPS Exit & Entry Administration").unwrap().0, AUTHORITY_MPS);
        assert_eq!(match_authority("国家移民管理局", "National Immigration Administration, PRC").unwrap().0, AUTHORITY_NIA);
        assert_eq!(match_authority("公安部出入境管埋局", "").unwrap().0, AUTHORITY_MPS);
        assert_eq!(match_authority("", "National Immigration Administration,PRC").unwrap().0, AUTHORITY_NIA);
        assert!(match_authority("中华人民共和国驻纽约总领事馆", "").is_none());
        assert_eq!(authority_for_issue((2019, 3, 31)), AUTHORITY_MPS);
        assert_eq!(authority_for_issue((2019, 4, 1)), AUTHORITY_NIA);
    }

    #[test]
    fn authority_misread_in_half_its_hanzi() {
        assert_eq!(misread_authority("国家林买银理局"), Some(AUTHORITY_NIA));
        assert_eq!(misread_authority("国家的民公理"), Some(AUTHORITY_NIA));
        assert_eq!(misread_authority("公安部出入境警里局"), Some(AUTHORITY_MPS));
        assert_eq!(misread_authority("国家梦民警建货"), None);
        assert_eq!(misread_authority("管理局"), None);
        assert_eq!(misread_authority("布宜诺斯艾利斯"), None);
    }

    #[test]
    fn authority_from_pieces() {
        assert_eq!(authority_from_fragment("公入境管局"), Some(AUTHORITY_MPS));
        assert_eq!(authority_from_fragment("民管理局"), Some(AUTHORITY_NIA));
        // Both hold it, or too little, or out of order.
        assert_eq!(authority_from_fragment("管理局"), None);
        assert_eq!(authority_from_fragment("公"), None);
        assert_eq!(authority_from_fragment("局公"), None);
    }

    #[test]
    fn prc_abbreviation() {
        assert_eq!(normalize_authority_latin("Embassy of P.R.C in Japan"), "Embassy of P.R.China in Japan");
        assert_eq!(normalize_authority_latin("Embassy of P.R.C. in Japan"), "Embassy of P.R.China in Japan");
        assert_eq!(normalize_authority_latin("Embassy of P.R.China"), "Embassy of P.R.China");
    }

    #[test]
    fn surnames_by_pinyin() {
        assert_eq!(surname_candidates("HOU"), vec!["侯"]);
        assert_eq!(surname_candidates("Zhai"), vec!["翟"]);
        assert_eq!(surname_candidates("HUANGFU"), vec!["皇甫"]);
        let yan = surname_candidates("YAN");
        assert!(yan.contains(&"闫") && yan.contains(&"颜") && yan.contains(&"严"));
        assert!(surname_candidates("XYZ").is_empty());
        // Every entry is hanzi then pinyin.
        for e in SURNAMES.split_whitespace() {
            let split = e.find(|c: char| c.is_ascii_uppercase()).unwrap();
            assert!(e[..split].chars().all(is_han) && !e[..split].is_empty(), "{e}");
            assert!(e[split..].chars().all(|c| c.is_ascii_uppercase()), "{e}");
        }
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("湖南", "湖北"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
