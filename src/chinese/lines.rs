//! Stage C2, lines: text lines on the rectified page.
//!
//! Ink is what is clearly darker than the local paper (the paper level is the brightest of a
//! coarse neighbourhood, so the security print's pale guilloche stays paper); connected ink
//! components of character size are grouped into lines by vertical overlap and horizontal
//! proximity. Nothing here knows where fields are: that comes from the labels read on them.

use image::GrayImage;

use super::page::PageImage;

/// Ink is darker than this share of the local paper level.
const INK_RATIO: f32 = 0.70;
/// And at least this much darker.
const INK_MIN_DIFF: f32 = 28.0;

/// Unsharp masking of the rectified page before its ink mask: amount, and s.d. in mm.
const PAGE_SHARPEN: (f32, f32) = (1.0, 0.1875);

/// A text line on the rectified page, in page millimetres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextLine {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// Ink components in the line.
    pub parts: usize,
    /// How dark its ink is against the paper: 1 - (darkest tenth of the box) / (paper level),
    /// about 0.9 for the black value print, less for the lighter, finer label print.
    pub contrast: f32,
}

impl TextLine {
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    /// Whether the two boxes share some area.
    pub fn overlaps(&self, other: &TextLine) -> bool {
        self.y1 > other.y0 && self.y0 < other.y1 && self.x1 > other.x0 && self.x0 < other.x1
    }
}

#[derive(Clone, Copy, Debug)]
struct Comp {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
    area: u32,
}

/// The ink mask of the page: 255 where ink.
pub fn ink_mask(img: &GrayImage) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    const B: usize = 4;
    let (bw, bh) = (w.div_ceil(B), h.div_ceil(B));
    // Block means, then the brightest block within 3 blocks: the paper level.
    let mut mean = vec![0f32; bw * bh];
    let raw = img.as_raw();
    for by in 0..bh {
        for bx in 0..bw {
            let (mut s, mut n) = (0u32, 0u32);
            for y in by * B..((by + 1) * B).min(h) {
                for x in bx * B..((bx + 1) * B).min(w) {
                    s += u32::from(raw[y * w + x]);
                    n += 1;
                }
            }
            mean[by * bw + bx] = s as f32 / n.max(1) as f32;
        }
    }
    let bg = grid_max(&grid_max(&mean, bw, bh, 3, true), bw, bh, 3, false);
    let mut out = GrayImage::new(w as u32, h as u32);
    for y in 0..h {
        for x in 0..w {
            let b = bg[(y / B) * bw + x / B];
            let v = f32::from(raw[y * w + x]);
            if v < b * INK_RATIO && b - v > INK_MIN_DIFF {
                out.as_mut()[y * w + x] = 255;
            }
        }
    }
    out
}

/// The maximum of a `bw` x `bh` grid over `r` cells either side, along rows (`along_x`) or
/// columns (cells beyond the grid do not count).
fn grid_max(grid: &[f32], bw: usize, bh: usize, r: usize, along_x: bool) -> Vec<f32> {
    let mut out = vec![0f32; bw * bh];
    for by in 0..bh {
        for bx in 0..bw {
            let (at, len) = if along_x { (bx, bw) } else { (by, bh) };
            let cell = |k: usize| if along_x { grid[by * bw + k] } else { grid[k * bw + bx] };
            out[by * bw + bx] = (at.saturating_sub(r)..(at + r + 1).min(len)).map(cell).fold(0f32, f32::max);
        }
    }
    out
}

/// Connected components (8-neighbourhood) of a mask: boxes and areas.
fn components(mask: &GrayImage) -> Vec<Comp> {
    let (w, h) = (mask.width() as usize, mask.height() as usize);
    crate::locate::blobs::components(
        mask.as_raw(),
        w,
        h,
        || Comp { x0: u32::MAX, y0: u32::MAX, x1: 0, y1: 0, area: 0 },
        |c, x, y| {
            c.x0 = c.x0.min(x as u32);
            c.x1 = c.x1.max(x as u32 + 1);
            c.y0 = c.y0.min(y as u32);
            c.y1 = c.y1.max(y as u32 + 1);
            c.area += 1;
        },
    )
}

/// 1 - (mean of the darkest tenth of the line's box) / (90th percentile of a box around it).
fn line_contrast(img: &GrayImage, l: &[f32; 6]) -> f32 {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let pad = ((l[3] - l[1]) * 0.6) as i64 + 2;
    let mut inner = Vec::new();
    let mut outer = Vec::new();
    for y in (l[1] as i64 - pad).max(0)..(l[3] as i64 + pad).min(h) {
        for x in (l[0] as i64 - pad).max(0)..(l[2] as i64 + pad).min(w) {
            let v = img.get_pixel(x as u32, y as u32)[0];
            outer.push(v);
            if x >= l[0] as i64 && x < l[2] as i64 && y >= l[1] as i64 && y < l[3] as i64 {
                inner.push(v);
            }
        }
    }
    if inner.is_empty() || outer.is_empty() {
        return 0.0;
    }
    inner.sort_unstable();
    outer.sort_unstable();
    let n = (inner.len() / 10).max(1);
    let dark = inner[..n].iter().map(|&v| f32::from(v)).sum::<f32>() / n as f32;
    let paper = f32::from(outer[outer.len() * 9 / 10]).max(1.0);
    (1.0 - dark / paper).clamp(0.0, 1.0)
}

/// Fewest lines the value print's class of [`value_contrast_threshold`] holds (a data page has
/// a dozen values).
const MIN_VALUE_LINES: usize = 4;

/// The contrast that separates the value print (black) from the label print (fine, light): a
/// two-class split (Otsu) of the lines' contrasts, kept within 0.40..0.52.
pub fn value_contrast_threshold(lines: &[TextLine]) -> f32 {
    let mut c: Vec<f32> = lines.iter().filter(|l| l.height() >= 1.2).map(|l| l.contrast).collect();
    if c.len() < 4 {
        return 0.5;
    }
    c.sort_by(f32::total_cmp);
    let n = c.len() as f32;
    let total: f32 = c.iter().sum();
    let (mut best, mut best_t, mut sum0) = (f32::MIN, 0.5, 0.0);
    for i in 0..c.len() - 1 {
        sum0 += c[i];
        // The value print is never a line or two: a split that leaves fewer lines above it
        // separates an outlier (a dark mark, a photo's edge), not the values from the labels.
        if c.len() - (i + 1) < MIN_VALUE_LINES {
            break;
        }
        let (n0, n1) = ((i + 1) as f32, n - (i + 1) as f32);
        let (m0, m1) = (sum0 / n0, (total - sum0) / n1);
        let between = n0 * n1 * (m0 - m1).powi(2);
        if between > best {
            best = between;
            best_t = (c[i] + c[i + 1]) / 2.0;
        }
    }
    best_t.clamp(0.40, 0.52)
}

/// A component wider than 12 mm is kept as glyphs run together by blur when it is at most this
/// wide (mm), at least this high (mm), and at least this share of its box is ink.
const RUN_MAX_W_MM: f32 = 45.0;
const RUN_MIN_H_MM: f32 = 1.2;
const RUN_MIN_FILL: f32 = 0.2;

/// Most a gap (mm) between the upper and lower parts of one row of hanzi may be (a stacked
/// label's hanzi and English lines are about 0.4 mm apart).
const STACKED_GAP_MM: f32 = 0.2;
/// Most the joined parts may be tall (mm): taller than any value glyph, so a hanzi name
/// never joins the pinyin under it (together at least 4 mm) nor a label the value under it.
const STACKED_MAX_H_MM: f32 = 3.0;

/// Joins lines that are the upper and lower parts of one row of glyphs. A hanzi built of
/// stacked components (曾, 常, 青, 艺: a top and a bottom with a thin gap or barely touching)
/// falls apart into two "lines" when it is alone or starts its row, neither tall enough to
/// pass as value print, and the name went missing. Parts are joined when one lies over the
/// other (most of the narrower one's width shared), nearly touching, and the whole stays
/// glyph-sized. Lines in pixel units as in [`find_lines`].
fn join_stacked_parts(mut lines: Vec<[f32; 6]>, ppm: f32) -> Vec<[f32; 6]> {
    let (gap_max, h_max) = (STACKED_GAP_MM * ppm, STACKED_MAX_H_MM * ppm);
    loop {
        let mut joined = false;
        'outer: for i in 0..lines.len() {
            for j in 0..lines.len() {
                let (a, b) = (lines[i], lines[j]);
                // a above b.
                if i == j || a[1] > b[1] {
                    continue;
                }
                let gap = b[1] - a[3];
                let shared = a[2].min(b[2]) - a[0].max(b[0]);
                let narrower = (a[2] - a[0]).min(b[2] - b[0]);
                let height = a[3].max(b[3]) - a[1];
                if gap <= gap_max && b[3] > a[3] && shared >= 0.6 * narrower && height <= h_max {
                    lines[i] = [a[0].min(b[0]), a[1], a[2].max(b[2]), a[3].max(b[3]), a[4] + b[4], a[5].max(b[5])];
                    lines.swap_remove(j);
                    joined = true;
                    break 'outer;
                }
            }
        }
        if !joined {
            return lines;
        }
    }
}

/// Text lines of the rectified page, top to bottom, left to right.
pub fn find_lines(page: &PageImage) -> Vec<TextLine> {
    let ppm = page.px_per_mm();
    // Blurred print, sharpened, keeps ink cores dark enough to be ink (a stroke blurred to a
    // grey smear otherwise breaks its line into pieces).
    let mask = ink_mask(&super::sharpen::unsharp_image(&page.image, PAGE_SHARPEN.0, PAGE_SHARPEN.1 * ppm));
    let max_h = (4.5 * ppm) as u32;
    let max_w = (12.0 * ppm) as u32;
    let (run_max_w, run_min_h) = ((RUN_MAX_W_MM * ppm) as u32, (RUN_MIN_H_MM * ppm) as u32);
    let mut comps: Vec<Comp> = components(&mask)
        .into_iter()
        .filter(|c| {
            let (w, h) = (c.x1 - c.x0, c.y1 - c.y0);
            let glyphs = w <= max_w;
            // Blurred print runs its glyphs together (贵州/GUI as one piece); a long piece
            // stays text when it is line-high and dense, unlike a guilloche stroke.
            let run = w <= run_max_w && h >= run_min_h && c.area as f32 >= RUN_MIN_FILL * (w * h) as f32;
            c.area >= 3 && h <= max_h && (glyphs || run)
        })
        .collect();
    comps.sort_by_key(|c| c.x0);
    // Lines in pixel units: (x0, y0, x1, y1, parts, height of the tallest part).
    let mut lines: Vec<[f32; 6]> = Vec::new();
    for c in &comps {
        let (cx0, cy0, cx1, cy1) = (c.x0 as f32, c.y0 as f32, c.x1 as f32, c.y1 as f32);
        let ch = cy1 - cy0;
        let mut best: Option<(usize, f32)> = None;
        for (i, l) in lines.iter().enumerate() {
            let lh = l[5];
            let overlap = cy1.min(l[3]) - cy0.max(l[1]);
            // Small parts (dots, commas, strokes of a radical) join a line they overlap; full
            // characters must overlap at least half the smaller height.
            let need = 0.5 * ch.min(lh).max(1.0);
            let gap = cx0 - l[2];
            let max_gap = 0.9 * lh.max(ch);
            if overlap >= need && gap <= max_gap && cx1 >= l[0] {
                let score = gap.max(0.0);
                if best.is_none_or(|(_, s)| score < s) {
                    best = Some((i, score));
                }
            }
        }
        match best {
            Some((i, _)) => {
                let l = &mut lines[i];
                // A line's height is set by its full-size parts; small marks don't stretch it
                // much (a comma below the baseline).
                l[0] = l[0].min(cx0);
                l[2] = l[2].max(cx1);
                if ch >= 0.5 * l[5] {
                    l[1] = l[1].min(cy0);
                    l[3] = l[3].max(cy1);
                }
                l[4] += 1.0;
                l[5] = l[5].max(ch);
            }
            None => lines.push([cx0, cy0, cx1, cy1, 1.0, ch]),
        }
    }
    // A line found inside another (a radical that started its own line) joins it.
    let mut merged: Vec<[f32; 6]> = Vec::new();
    lines.sort_by(|a, b| ((b[2] - b[0]) * (b[3] - b[1])).total_cmp(&((a[2] - a[0]) * (a[3] - a[1]))));
    for l in lines {
        let area = (l[2] - l[0]) * (l[3] - l[1]);
        let host = merged.iter_mut().find(|m| {
            let ix = (l[2].min(m[2]) - l[0].max(m[0])).max(0.0);
            let iy = (l[3].min(m[3]) - l[1].max(m[1])).max(0.0);
            ix * iy >= 0.5 * area
        });
        match host {
            Some(m) => {
                m[0] = m[0].min(l[0]);
                m[2] = m[2].max(l[2]);
                m[4] += l[4];
            }
            None => merged.push(l),
        }
    }
    let merged = join_stacked_parts(merged, ppm);
    let mut out: Vec<TextLine> = merged
        .into_iter()
        .filter(|l| l[3] - l[1] >= 0.6 * ppm && l[2] - l[0] >= 0.6 * ppm)
        .map(|l| {
            let (x0, y0) = page.to_mm(l[0], l[1]);
            let (x1, y1) = page.to_mm(l[2], l[3]);
            let contrast = line_contrast(&page.image, &l);
            TextLine { x0, y0, x1, y1, parts: l[4] as usize, contrast }
        })
        .collect();
    out.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chinese::page::{PageFrame, PageImage};

    #[test]
    fn one_dark_mark_does_not_set_the_value_contrast() {
        let line = |y: f32, contrast: f32| TextLine { x0: 40.0, y0: y, x1: 60.0, y1: y + 1.8, parts: 4, contrast };
        // A page at 5 px/mm: blur has brought values and labels to one contrast (0.36..0.45),
        // and one dark mark (0.58) stands out. The split must not fall between it and the rest.
        let mut lines: Vec<TextLine> = (0..16).map(|i| line(12.0 + 3.0 * i as f32, 0.36 + 0.006 * i as f32)).collect();
        lines.push(line(34.0, 0.58));
        let t = value_contrast_threshold(&lines);
        assert!(t <= 0.45, "threshold {t} leaves only the dark mark above it");
        // A clear page still splits labels (0.3) from values (0.8).
        let clear: Vec<TextLine> = (0..12).map(|i| line(12.0 + 3.0 * i as f32, if i % 2 == 0 { 0.3 } else { 0.8 })).collect();
        let t = value_contrast_threshold(&clear);
        assert!((0.40..=0.52).contains(&t) && t > 0.3, "{t}");
    }

    fn page_with(boxes: &[(u32, u32, u32, u32)]) -> PageImage {
        let mut img = GrayImage::from_pixel(400, 200, image::Luma([210]));
        for &(x0, y0, x1, y1) in boxes {
            for y in y0..y1 {
                for x in x0..x1 {
                    img.put_pixel(x, y, image::Luma([30]));
                }
            }
        }
        let frame = PageFrame { ox: 0.0, oy: 0.0, ux: 1.0, uy: 0.0, scale: 8.0, mrz_top_mm: 80.0 };
        PageImage { image: img, x0_mm: 0.0, y0_mm: 0.0, frame }
    }

    #[test]
    fn glyphs_group_into_lines() {
        // Two lines of three "glyphs" 16 px tall (2 mm); a third line far to the right.
        let mut boxes = Vec::new();
        for i in 0..3 {
            boxes.push((20 + i * 18, 20, 32 + i * 18, 36));
            boxes.push((20 + i * 18, 50, 32 + i * 18, 66));
        }
        boxes.push((300, 52, 340, 64));
        let lines = find_lines(&page_with(&boxes));
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0].parts, 3);
        assert!((lines[0].x0 - 2.5).abs() < 0.01 && (lines[0].height() - 2.0).abs() < 0.01);
        assert!(lines[2].x0 > 30.0);
    }

    #[test]
    fn stacked_parts_of_a_hanzi_are_one_line() {
        // A lone hanzi as a top part (8 px) and a bottom part (9 px) 1 px apart (曾 at 8 px/mm),
        // and 7 px below it a pinyin line 13 px tall: the glyph is one line 18 px (2.25 mm)
        // tall, the pinyin stays its own line.
        let boxes = [(20, 20, 34, 28), (21, 29, 33, 38), (20, 45, 30, 58), (32, 45, 42, 58)];
        let lines = find_lines(&page_with(&boxes));
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!((lines[0].height() - 2.25).abs() < 0.01, "{lines:?}");
        assert!((lines[1].y0 - 45.0 / 8.0).abs() < 0.01);
    }

    #[test]
    fn stacked_label_lines_stay_apart() {
        // A stacked label: hanzi 10 px over English 8 px, 3 px (0.4 mm) apart.
        let boxes = [(20, 20, 30, 30), (32, 20, 42, 30), (20, 33, 60, 41)];
        assert_eq!(find_lines(&page_with(&boxes)).len(), 2);
    }

    #[test]
    fn glyphs_run_together_by_blur_are_a_line_but_a_thin_stroke_is_not() {
        // 8 px/mm. A 16 mm run of glyphs joined by a baseline smear (one component, 2.5 mm
        // tall, most of it ink), and a 20 mm hairline stroke with a hook 2 mm tall (a
        // guilloche curve: its box is line-high but nearly empty).
        let mut boxes = vec![(20, 20, 148, 22)];
        for i in 0..8 {
            boxes.push((20 + i * 16, 2, 32 + i * 16, 22));
        }
        boxes.extend([(20, 80, 180, 81), (179, 64, 180, 81)]);
        let lines = find_lines(&page_with(&boxes));
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!((lines[0].width() - 16.0).abs() < 0.01 && lines[0].y1 < 3.0, "{lines:?}");
    }

    #[test]
    fn a_blurred_light_line_is_found_whole() {
        // 8 px/mm. Eight 田-like glyphs (2 mm, strokes 2 px) in light ink, blurred by 1.5 px:
        // their strokes' cores are paler than the ink threshold until sharpened.
        let (w, h) = (400usize, 200usize);
        let mut plane = vec![210f32; w * h];
        for g in 0..8 {
            let (gx, gy) = (40 + g * 20, 60);
            for y in gy..gy + 16 {
                for x in gx..gx + 16 {
                    let (dx, dy) = (x - gx, y - gy);
                    if dx < 2 || dx >= 14 || dy < 2 || dy >= 14 || (7..9).contains(&dx) || (7..9).contains(&dy) {
                        plane[y * w + x] = 100.0;
                    }
                }
            }
        }
        let blurred = crate::chinese::sharpen::gaussian(&plane, w, h, 1.5);
        let mut page = page_with(&[]);
        page.image = GrayImage::from_raw(w as u32, h as u32, blurred.iter().map(|v| v.round() as u8).collect()).unwrap();
        let lines = find_lines(&page);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].x0 < 5.2 && lines[0].x1 > 24.3 && lines[0].height() > 1.6, "{lines:?}");
    }

    #[test]
    fn blank_page_has_no_lines() {
        assert!(find_lines(&page_with(&[])).is_empty());
    }
}
