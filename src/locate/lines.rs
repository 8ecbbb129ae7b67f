//! Finding the zone's text lines inside an upright search patch: row and column ink profiles,
//! then the group of two or three long, evenly spaced lines of equal height.

use image::GrayImage;

use super::morph::{extreme_filter, smoothed_if_noisy, Histogram};
use crate::rectify::bow_offset;

/// A text line in patch coordinates (continuous; x along, y across).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PatchLine {
    /// Ink extent along the line.
    pub x_left: f32,
    pub x_right: f32,
    /// Centre-line height at `x_left` and at `x_right`.
    pub y_left: f32,
    pub y_right: f32,
    /// Character height.
    pub height: f32,
    /// How far the centre line's middle lies below the chord between its ends (a bent page);
    /// 0 for a straight line.
    pub bow: f32,
}

impl PatchLine {
    pub fn length(&self) -> f32 {
        self.x_right - self.x_left
    }

    /// The centre line's row at column `x`: the chord between the ends plus the bow (beyond
    /// the ends, the parabola continued).
    fn y_at(&self, x: f32) -> f32 {
        let t = (x - self.x_left) / self.length().max(1.0);
        self.y_left + (self.y_right - self.y_left) * t + bow_offset(self.bow, t)
    }

    /// The same centre line between `x_left` and `x_right`: a parabola's bow over a part of
    /// its chord goes with the square of the part.
    fn between(&self, x_left: f32, x_right: f32) -> PatchLine {
        let part = (x_right - x_left) / self.length().max(1.0);
        PatchLine { x_left, x_right, y_left: self.y_at(x_left), y_right: self.y_at(x_right), height: self.height, bow: self.bow * part * part }
    }
    fn y_mid(&self) -> f32 {
        (self.y_left + self.y_right) / 2.0
    }
}

/// Dark-ink mask (Bernsen): darker than the middle of the local minimum and maximum, where the
/// local contrast is at least `min_contrast`. Faint security print and flat areas stay clear.
pub fn ink_mask(img: &GrayImage, radius: u32, min_contrast: u8) -> Vec<u8> {
    let lmax = extreme_filter(img, radius, true);
    let lmin = extreme_filter(img, radius, false);
    img.iter()
        .zip(lmax.iter().zip(lmin.iter()))
        .map(|(&v, (&hi, &lo))| {
            let mid = (u16::from(hi) + u16::from(lo)) / 2;
            u8::from(hi - lo >= min_contrast && u16::from(v) < mid)
        })
        .collect()
}

/// The contrast a patch's print must have: 40% of its 2nd–98th percentile range, at least 24;
/// for `faint` print at most 48 as well. Dark background beside the page widens the range, and
/// print in dim light beside it then falls short; the cap keeps it, at the price of more of the
/// background and security print (the locator's second try, [`super::zone_at_with`]).
fn contrast_threshold(img: &GrayImage, faint: bool) -> u8 {
    let hist = Histogram::new(img);
    let t = ((f32::from(hist.percentile(0.98).saturating_sub(hist.percentile(0.02))) * 0.4) as u8).max(24);
    if faint {
        t.min(FAINT_CONTRAST)
    } else {
        t
    }
}

/// The highest contrast threshold of a search for faint print.
const FAINT_CONTRAST: u8 = 48;

/// Pixel noise (s.d.) above which a patch is smoothed before its ink mask is taken.
pub const NOISY: f32 = 4.0;

/// The ink mask of a search patch, with the radius and contrast [`text_lines`] uses. A noisy
/// patch is smoothed first (a box of about a quarter of the noise's s.d. in radius): the local
/// minimum and maximum of noise alone exceed the contrast threshold, and the mask turns to
/// salt and pepper that hides the lines.
pub fn patch_mask(img: &GrayImage) -> Vec<u8> {
    patch_mask_with(img, false)
}

/// [`patch_mask`], for faint print when `faint` ([`contrast_threshold`]).
pub fn patch_mask_with(img: &GrayImage, faint: bool) -> Vec<u8> {
    let img = smoothed_if_noisy(img, NOISY, 3);
    ink_mask(&img, (img.height() / 10).clamp(3, 40), contrast_threshold(&img, faint))
}

/// Every text line in the patch: bands of rows with ink, each trimmed to its longest run of
/// columns without a gap wider than two character heights.
pub fn text_lines(img: &GrayImage) -> Vec<PatchLine> {
    text_lines_with(img, false)
}

/// [`text_lines`], for faint print when `faint` ([`contrast_threshold`]).
pub fn text_lines_with(img: &GrayImage, faint: bool) -> Vec<PatchLine> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w < 8 || h < 8 {
        return Vec::new();
    }
    let mask = patch_mask_with(img, faint);
    // Row profile: ink runs per row. Print has many short runs, edges and rules few long ones.
    let mut rows: Vec<f32> =
        (0..h).map(|y| mask[y * w..(y + 1) * w].windows(2).filter(|p| p[1] != 0 && p[0] == 0).count() as f32).collect();
    // Light smoothing.
    let raw_rows = rows.clone();
    for y in 0..h {
        let lo = y.saturating_sub(1);
        let hi = (y + 2).min(h);
        rows[y] = raw_rows[lo..hi].iter().sum::<f32>() / (hi - lo) as f32;
    }
    let peak = rows.iter().copied().fold(0.0, f32::max);
    if peak < 3.0 {
        return Vec::new();
    }
    let bands = bands_above(&rows, peak * 0.3);
    let mut out = Vec::new();
    // Rows of bands that gave no zone-long line: where one of them sets the peak (a page edge's
    // speckled fringe, a shadow's edge: hundreds of short runs on a few rows), print beside it
    // may have fallen under a third of it.
    let mut not_print = vec![false; h];
    for &(b0, b1) in &bands {
        let line = band_line(&mask, (w, h), &rows, (b0, b1));
        if !line.is_some_and(|l| l.length() >= ZONE_LINE_HEIGHTS * l.height) {
            not_print[b0..b1].iter_mut().for_each(|r| *r = true);
        }
        out.extend(line);
    }
    // Then the bands under a third of the highest row of print, that no band above already held.
    let print_peak = rows.iter().zip(&not_print).filter(|(_, &n)| !n).map(|(&r, _)| r).fold(0.0, f32::max);
    if print_peak >= 3.0 && print_peak < peak {
        for (b0, b1) in bands_above(&rows, print_peak * 0.3) {
            if bands.iter().all(|&(c0, c1)| b1 <= c0 || c1 <= b0) {
                out.extend(band_line(&mask, (w, h), &rows, (b0, b1)));
            }
        }
    }
    out
}

/// A zone line is at least this many character heights long ([`zone_groups`]).
const ZONE_LINE_HEIGHTS: f32 = 20.0;

/// The most a zone line rises, or bows, over its length in an upright patch (11°; the patch
/// follows the blob's direction, and a bent page bows its lines by a few percent).
const MAX_ZONE_SLOPE: f32 = 0.2;

/// Runs of rows whose profile is at least `level`.
fn bands_above(rows: &[f32], level: f32) -> Vec<(usize, usize)> {
    let mut bands = Vec::new();
    let mut y = 0;
    while y < rows.len() {
        if rows[y] < level {
            y += 1;
            continue;
        }
        let start = y;
        while y < rows.len() && rows[y] >= level {
            y += 1;
        }
        bands.push((start, y));
    }
    bands
}

/// The text line of a band of rows `b0..b1` of the ink mask (row profile `rows`), if it looks
/// like print: trimmed to its longest chain of glyphs, its centre line from the ink's mean rows.
fn band_line(mask: &[u8], (w, h): (usize, usize), rows: &[f32], (b0, b1): (usize, usize)) -> Option<PatchLine> {
    let band_peak = rows[b0..b1].iter().copied().fold(0.0, f32::max);
    // Height: full width at a third of the band's own peak, widened to sub-row precision.
    let level = band_peak * 0.35;
    let mut top = b0;
    while top > 0 && rows[top - 1] >= level {
        top -= 1;
    }
    let mut bottom = b1;
    while bottom < h && rows[bottom] >= level {
        bottom += 1;
    }
    let height = (bottom - top) as f32;
    if height < 3.0 {
        return None;
    }
    let (r0, r1) = (top, bottom);
    // Columns with ink in the band, except structures that cross it (page edges, rules).
    let margin = (0.6 * height).ceil() as usize;
    let (above, below) = (r0.checked_sub(margin), (r1 + margin < h).then_some(r1 + margin));
    // A structure crosses where ink runs from above the band to below it with hardly a
    // break; print of the lines above and below has the space between lines in between.
    let crosses = |x: usize| match (above, below) {
        (Some(a), Some(b)) => {
            mask[a * w + x] != 0
                && mask[b * w + x] != 0
                && (a..=b).filter(|&yy| mask[yy * w + x] != 0).count() * 10 >= (b - a + 1) * 9
        }
        _ => false,
    };
    let col_ink: Vec<usize> = (0..w).map(|x| (r0..r1).filter(|&yy| mask[yy * w + x] != 0).count()).collect();
    let cols: Vec<bool> = (0..w).map(|x| col_ink[x] > 0 && !crosses(x)).collect();
    let (xl, xr) = glyph_chain(&cols, &col_ink, height);
    if xr <= xl + 4 {
        return None;
    }
    // Print has gaps between characters; an edge or a rule does not.
    let runs = cols[xl..xr].windows(2).filter(|p| p[1] && !p[0]).count() + 1;
    if (runs as f32) < 0.3 * (xr - xl) as f32 / height {
        return None;
    }
    // Centre line from the ink's mean row in the left and right thirds.
    let third = (xr - xl) / 3;
    // A quarter height beyond the band for a slanted line's ends, no more: closer lines'
    // print would pull the centre towards them.
    let (ext0, ext1) = (top.saturating_sub((height / 4.0) as usize), (bottom + (height / 4.0) as usize).min(h));
    let mean_row = |c0: usize, c1: usize| -> Option<f32> {
        let (mut s, mut n) = (0f32, 0f32);
        for yy in ext0..ext1 {
            for x in c0..c1 {
                if mask[yy * w + x] != 0 {
                    s += yy as f32 + 0.5;
                    n += 1.0;
                }
            }
        }
        (n > 0.0).then(|| s / n)
    };
    let (Some(yl), Some(yr)) = (mean_row(xl, xl + third.max(1)), mean_row(xr - third.max(1), xr)) else {
        return None;
    };
    // The means sit at the thirds' centres: extrapolate to the ends.
    let (cl, cr) = (xl as f32 + third as f32 / 2.0, xr as f32 - third as f32 / 2.0);
    let slope = if cr > cl { (yr - yl) / (cr - cl) } else { 0.0 };
    let straight = PatchLine {
        x_left: xl as f32,
        x_right: xr as f32,
        y_left: yl - slope * (cl - xl as f32),
        y_right: yr + slope * (xr as f32 - cr),
        height,
        bow: 0.0,
    };
    // A bent line: the middle third's mean off the straight line through the outer two.
    let bent = mean_row(xl + third, xr - third).and_then(|ym| bent_line(&straight, (cl, yl), ym, (cr, yr), mask, w, (ext0, ext1)));
    Some(bent.map_or(straight, |b| along_bow(&b, mask, w, h)))
}

/// A bent line's ends found again along its parabola: where it bends out of the row band its
/// ends were cut. The glyphs in a band of 1.2 heights around the parabola, chained as in
/// [`text_lines`]; the ends move out only where that chain takes in the line as found.
fn along_bow(line: &PatchLine, mask: &[u8], w: usize, h: usize) -> PatchLine {
    let half = 0.6 * line.height;
    let col_ink: Vec<usize> = (0..w)
        .map(|x| {
            let yc = line.y_at(x as f32 + 0.5);
            let (r0, r1) = ((yc - half).max(0.0) as usize, ((yc + half).ceil().max(0.0) as usize).min(h));
            (r0..r1).filter(|&y| mask[y * w + x] != 0).count()
        })
        .collect();
    let cols: Vec<bool> = col_ink.iter().map(|&n| n > 0 && (n as f32) < 2.0 * half - 0.5).collect();
    let (xl, xr) = glyph_chain(&cols, &col_ink, line.height);
    let (xl, xr) = (xl as f32, xr as f32);
    if xr <= xl || xl > line.x_left + line.height || xr < line.x_right - line.height {
        return *line;
    }
    line.between(xl.min(line.x_left), xr.max(line.x_right))
}

/// Smallest bow, in character heights, taken for a bent line rather than measuring noise.
const MIN_BOW: f32 = 0.15;

/// The line through the mean ink rows `(cl, yl)`, `ym` (at the middle) and `(cr, yr)` of a line's
/// thirds as a parabola, when it bows by at least [`MIN_BOW`] heights: its ends on the parabola,
/// its bow over the whole chord, and its height measured again across the parabola (the row
/// profile of a bent line is as tall as the character plus the bow). `None` for a straight line.
fn bent_line(straight: &PatchLine, (cl, yl): (f32, f32), ym: f32, (cr, yr): (f32, f32), mask: &[u8], w: usize, (r0, r1): (usize, usize)) -> Option<PatchLine> {
    let cm = (cl + cr) / 2.0;
    let d = (cr - cl) / 2.0;
    if d < 1.0 {
        return None;
    }
    // y = a + b (x - cm) + c (x - cm)^2 through the three points.
    let c = (yl + yr - 2.0 * ym) / (2.0 * d * d);
    let b = (yr - yl) / (2.0 * d);
    let a = ym;
    let mid = (straight.x_left + straight.x_right) / 2.0;
    let y_at = |x: f32| a + b * (x - cm) + c * (x - cm) * (x - cm);
    let (y_left, y_right) = (y_at(straight.x_left), y_at(straight.x_right));
    let bow = y_at(mid) - (y_left + y_right) / 2.0;
    if bow.abs() < MIN_BOW * straight.height {
        return None;
    }
    // Height: the run-start profile across the parabola, its width at 35% of the peak.
    let (x0, x1) = (straight.x_left as usize, (straight.x_right as usize).min(w));
    let span = r1.saturating_sub(r0) + 2 * (bow.abs().ceil() as usize) + 2;
    let shift = bow.abs().ceil() as f32 + 1.0;
    let mut profile = vec![0f32; span];
    for y in r0..r1 {
        for x in x0.max(1)..x1 {
            if mask[y * w + x] != 0 && mask[y * w + x - 1] == 0 {
                let off = y_at(x as f32 + 0.5) - y_at(mid);
                let r = (y as f32 - off - r0 as f32 + shift).round();
                if r >= 0.0 && (r as usize) < span {
                    profile[r as usize] += 1.0;
                }
            }
        }
    }
    let peak = profile.iter().copied().fold(0.0, f32::max);
    let at = profile.iter().position(|&v| v == peak)?;
    let level = 0.35 * peak;
    let top = profile[..at].iter().rposition(|&v| v < level).map_or(0, |i| i + 1);
    let bottom = profile[at..].iter().position(|&v| v < level).map_or(span, |i| at + i);
    let height = ((bottom - top) as f32).clamp(3.0, straight.height);
    Some(PatchLine { y_left, y_right, height, bow, ..*straight })
}

/// Steepest line slope [`skew`] looks for (about 7°).
pub const MAX_SKEW: f32 = 0.12;

/// The slope (rows per column) of the patch's text lines: the shear that makes the ink's row
/// profile sharpest (the largest sum of squared row counts), searched over ±[`MAX_SKEW`] in steps
/// of one row across the patch's width, then refined to a third of that. A search patch cut
/// along a blob whose angle is a few degrees off holds its lines slanted; the row profile then
/// smears them into one band.
pub fn skew(img: &GrayImage) -> f32 {
    let w = img.width() as usize;
    let margin = (MAX_SKEW * w as f32 / 2.0).ceil() as usize + 1;
    let Some(mut score) = row_sharpness(img, |x| x as f32 - w as f32 / 2.0, margin) else { return 0.0 };
    let step = 1.0 / w as f32;
    let n = (MAX_SKEW / step).ceil() as i32;
    let mut best = (score(0.0), 0.0f32);
    for i in -n..=n {
        let t = i as f32 * step;
        let s = score(t);
        if s > best.0 {
            best = (s, t);
        }
    }
    let coarse = best.1;
    for k in [-2.0f32, -1.0, 1.0, 2.0] {
        let t = coarse + k * step / 3.0;
        let s = score(t);
        if s > best.0 {
            best = (s, t);
        }
    }
    best.1
}

/// The bow (rows at the middle, positive downwards) of the patch's text lines: the parabola
/// `bow * 4 t (1 - t)` (t: fraction of the width) that makes the ink's row profile sharpest,
/// searched in steps of one row up to a quarter of the patch's height either way. A bent page
/// bends its lines; bent more than their spacing, their row profiles run into one band.
pub fn bow(img: &GrayImage) -> f32 {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let limit = (h / 4) as i32;
    let along = |x: usize| bow_offset(1.0, (x as f32 + 0.5) / w as f32);
    let Some(mut score) = row_sharpness(img, along, limit as usize + 1) else { return 0.0 };
    let mut best = (score(0.0), 0.0f32);
    for b in -limit..=limit {
        let s = score(b as f32);
        if s > best.0 {
            best = (s, b as f32);
        }
    }
    best.1
}

/// How sharp the patch's ink row profile is when column x is moved up by `shift * weight(x)`
/// rows: the sum of squared row counts, as a function of `shift` (moves of up to `margin` rows).
/// `None` for a patch too small or without ink.
fn row_sharpness(img: &GrayImage, weight: impl Fn(usize) -> f32, margin: usize) -> Option<impl FnMut(f32) -> u64> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w < 8 || h < 8 {
        return None;
    }
    let mask = patch_mask(img);
    let ink: Vec<(f32, f32)> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| mask[y * w + x] != 0)
        .map(|(x, y)| (weight(x), y as f32))
        .collect();
    if ink.is_empty() {
        return None;
    }
    let mut profile = vec![0u32; h + 2 * margin];
    let last = profile.len() - 1;
    Some(move |shift: f32| -> u64 {
        profile.iter_mut().for_each(|p| *p = 0);
        for &(k, y) in &ink {
            let r = (y - k * shift + margin as f32).max(0.0) as usize;
            profile[r.min(last)] += 1;
        }
        profile.iter().map(|&c| u64::from(c) * u64::from(c)).sum()
    })
}

/// The lines of a zone all start and end at the same place. Where their ends disagree by more
/// than 1.5 character heights, something beside one line (a speck, a page edge, security print)
/// was taken for print, or a faint glyph was lost: of three lines every line gets the middle
/// end (the two that agree), of two the innermost. A line found short is read continued later
/// (`Engine::read_zone_extended`).
fn align_ends(group: &[PatchLine]) -> Vec<PatchLine> {
    let h = group.iter().map(|l| l.height).sum::<f32>() / group.len() as f32;
    // Where the ends disagree: the middle one of three (two lines agree, the third took in a
    // speck or lost a faint glyph), the innermost of two.
    let agreed = |ends: Vec<f32>, inner: fn(f32, f32) -> f32| -> Option<f32> {
        let (lo, hi) = ends.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &e| (lo.min(e), hi.max(e)));
        if hi - lo <= 1.5 * h {
            return None;
        }
        let mut sorted = ends.clone();
        sorted.sort_by(f32::total_cmp);
        Some(if sorted.len() == 3 { sorted[1] } else { ends.into_iter().reduce(inner).unwrap_or(lo) })
    };
    let left = agreed(group.iter().map(|l| l.x_left).collect(), f32::max);
    let right = agreed(group.iter().map(|l| l.x_right).collect(), f32::min);
    group.iter().map(|l| l.between(left.unwrap_or(l.x_left), right.unwrap_or(l.x_right))).collect()
}

/// The longest chain of glyph-like column runs (at least a speck's ink) with gaps under 2.5
/// character heights (one lost glyph): the line's extent, without page edges and specks beside it.
fn glyph_chain(cols: &[bool], col_ink: &[usize], height: f32) -> (usize, usize) {
    let min_ink = (0.08 * height * height).max(2.0) as usize;
    let max_gap = (2.5 * height).max(3.0) as usize;
    let mut glyphs: Vec<(usize, usize)> = Vec::new();
    let mut x = 0;
    while x < cols.len() {
        if !cols[x] {
            x += 1;
            continue;
        }
        let start = x;
        while x < cols.len() && cols[x] {
            x += 1;
        }
        let ink: usize = col_ink[start..x].iter().sum();
        if ink >= min_ink && (x - start) as f32 <= 2.5 * height {
            glyphs.push((start, x));
        }
    }
    let mut best = (0, 0);
    let mut i = 0;
    while i < glyphs.len() {
        let mut j = i;
        while j + 1 < glyphs.len() && glyphs[j + 1].0 - glyphs[j].1 <= max_gap {
            j += 1;
        }
        if glyphs[j].1 - glyphs[i].0 > best.1 - best.0 {
            best = (glyphs[i].0, glyphs[j].1);
        }
        i = j + 1;
    }
    best
}

/// The most zone-like group of 2 or 3 consecutive lines: long (at least 20 heights), of equal
/// length and height, evenly spaced 1.15 to 2.6 heights apart (blur widens the measured height). Longest group first.
pub fn zone_groups(lines: &[PatchLine]) -> Vec<Vec<PatchLine>> {
    // Long, and about level in the upright patch: a slanted or strongly bent "line" is print of
    // several rows chained by a bent fit (its middle beside another line), and standing between
    // the zone's lines it would split their group.
    let level = |l: &PatchLine| (l.y_right - l.y_left).abs() <= MAX_ZONE_SLOPE * l.length() && l.bow.abs() <= MAX_ZONE_SLOPE * l.length();
    let mut sorted: Vec<PatchLine> =
        lines.iter().copied().filter(|l| l.length() >= ZONE_LINE_HEIGHTS * l.height && level(l)).collect();
    sorted.sort_by(|a, b| a.y_mid().total_cmp(&b.y_mid()));
    let mut groups: Vec<(f32, Vec<PatchLine>)> = Vec::new();
    for k in [3usize, 2] {
        for g in sorted.windows(k) {
            let h = g.iter().map(|l| l.height).sum::<f32>() / k as f32;
            let len = g.iter().map(|l| l.length()).sum::<f32>() / k as f32;
            let similar = g.iter().all(|l| (l.height - h).abs() <= 0.3 * h && (l.length() - len).abs() <= 0.15 * len);
            let spaced = g.windows(2).all(|p| {
                let d = p[1].y_mid() - p[0].y_mid();
                (1.15 * h..=2.6 * h).contains(&d)
            });
            // Stacked, not offset: the starts agree, or the ends do (a speck or the background
            // beside one line's start lengthened it).
            let overlap = g.iter().all(|l| (l.x_left - g[0].x_left).abs() <= 4.0 * h)
                || g.iter().all(|l| (l.x_right - g[0].x_right).abs() <= 1.5 * h);
            if similar && spaced && overlap {
                groups.push((len * k as f32, align_ends(g)));
            }
        }
    }
    groups.sort_by(|a, b| b.0.total_cmp(&a.0));
    groups.into_iter().map(|(_, g)| g).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A patch with `n` text-like lines: dark glyph boxes of height `hgt`, pitch 1.05 h.
    fn patch(n: usize, chars: usize, hgt: u32, spacing: f32) -> GrayImage {
        let w = (chars as f32 * hgt as f32 * 1.05) as u32 + 80;
        let hh = (n as f32 * spacing * hgt as f32) as u32 + 6 * hgt;
        let top = 3 * hgt;
        GrayImage::from_fn(w, hh, |x, y| {
            for line in 0..n {
                let y0 = top + (line as f32 * spacing * hgt as f32) as u32;
                if y >= y0 && y < y0 + hgt && x >= 40 {
                    let i = (x - 40) as f32 / (hgt as f32 * 1.05);
                    if (i as usize) < chars && i.fract() < 0.7 && (x + y) % 3 != 0 {
                        return image::Luma([30]);
                    }
                }
            }
            image::Luma([210])
        })
    }

    #[test]
    fn finds_two_lines_of_a_td3_zone() {
        let p = patch(2, 44, 12, 1.7);
        let lines = text_lines(&p);
        assert_eq!(lines.len(), 2, "{lines:?}");
        for l in &lines {
            assert!((l.height - 12.0).abs() <= 3.0, "{l:?}");
            assert!((l.x_left - 40.0).abs() <= 2.0, "{l:?}");
            assert!((l.length() - (43.0 * 12.0 * 1.05 + 0.7 * 12.0 * 1.05)).abs() <= 6.0, "{l:?}");
        }
        assert!((lines[0].y_left - (36.0 + 6.0)).abs() <= 1.5, "{:?}", lines[0]);
        let groups = zone_groups(&lines);
        assert_eq!(groups[0].len(), 2);
    }

    #[test]
    fn a_speckled_fringe_does_not_hide_the_lines_beside_it() {
        // Two lines of solid glyphs (one ink run per glyph and row) under the speckled fringe of
        // a page edge: 1-px dots on every other column, many times the lines' runs per row.
        let (hgt, chars) = (12u32, 44usize);
        let w = (chars as f32 * hgt as f32 * 1.05) as u32 + 80;
        let p = GrayImage::from_fn(w, 16 * hgt, |x, y| {
            let fringe = (2 * hgt..2 * hgt + 5).contains(&y) && (x + y) % 2 == 0;
            let glyph = [5 * hgt, 7 * hgt].iter().any(|&y0| (y0..y0 + hgt).contains(&y))
                && x >= 40
                && (((x - 40) as f32 / (hgt as f32 * 1.05)) as usize) < chars
                && ((x - 40) as f32 / (hgt as f32 * 1.05)).fract() < 0.7;
            image::Luma([if fringe || glyph { 30 } else { 210 }])
        });
        let lines: Vec<PatchLine> = text_lines(&p).into_iter().filter(|l| l.length() >= ZONE_LINE_HEIGHTS * l.height).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(zone_groups(&lines).first().map(Vec::len), Some(2));
    }

    #[test]
    fn a_steep_line_between_the_zones_lines_does_not_split_them() {
        let line = |y: f32, x_left: f32| PatchLine { x_left, x_right: 830.0, y_left: y, y_right: y - 1.0, height: 21.0, bow: 0.0 };
        // A TD1 zone's three lines, and print of several rows chained into one steep, bent
        // "line" whose middle falls between the first two (as found on a photographed card).
        let junk = PatchLine { x_left: 102.0, x_right: 236.0, y_left: 233.8, y_right: -4.5, height: 6.0, bow: 93.1 };
        let found = [line(111.0, 81.0), junk, line(145.0, 149.0), line(182.0, 84.0)];
        let groups = zone_groups(&found);
        assert_eq!(groups.first().map(Vec::len), Some(3), "{groups:?}");
    }

    /// `img` with column x moved down by `dy(x)` rows (paper where nothing moves in).
    fn displace(img: &GrayImage, dy: impl Fn(f32) -> f32) -> GrayImage {
        GrayImage::from_fn(img.width(), img.height(), |x, y| {
            let sy = y as f32 - dy(x as f32);
            if sy < 0.0 || sy >= img.height() as f32 {
                image::Luma([210])
            } else {
                *img.get_pixel(x, sy as u32)
            }
        })
    }

    /// `img` sheared by `slope` rows per column about its centre column.
    fn shear(img: &GrayImage, slope: f32) -> GrayImage {
        let cx = img.width() as f32 / 2.0;
        displace(img, |x| (x - cx) * slope)
    }

    #[test]
    fn skew_is_the_slope_of_the_lines() {
        let p = patch(2, 44, 12, 1.7);
        assert!(skew(&p).abs() < 0.004, "{}", skew(&p));
        for slope in [-0.08f32, -0.03, 0.02, 0.05, 0.1] {
            let s = skew(&shear(&p, slope));
            assert!((s - slope).abs() < 0.006, "slope {slope}: skew {s}");
        }
        assert_eq!(skew(&GrayImage::from_pixel(100, 100, image::Luma([128]))), 0.0);
    }

    #[test]
    fn slanted_lines_are_found_once_the_skew_is_known() {
        let p = shear(&patch(2, 44, 12, 1.7), 0.06);
        assert!(zone_groups(&text_lines(&p)).is_empty(), "a slant of 3.4° smears the row profile");
        let straightened = shear(&p, -skew(&p));
        assert_eq!(zone_groups(&text_lines(&straightened)).first().map(Vec::len), Some(2));
    }

    #[test]
    fn finds_three_lines_of_a_td1_zone() {
        let lines = text_lines(&patch(3, 30, 10, 1.75));
        let groups = zone_groups(&lines);
        assert_eq!(groups[0].len(), 3, "{lines:?}");
    }

    #[test]
    fn lines_close_together_keep_their_whole_length() {
        // Pitch 1.4 heights: the rows a line height above and below a line are the neighbours' print.
        let lines = text_lines(&patch(3, 30, 14, 1.4));
        let groups = zone_groups(&lines);
        assert_eq!(groups.first().map(Vec::len), Some(3), "{lines:?}");
        for l in &groups[0] {
            assert!((l.length() - (29.0 * 14.0 * 1.05 + 0.7 * 14.0 * 1.05)).abs() <= 8.0, "{l:?}");
        }
    }

    /// `img` with its rows bent: column x moved down by `bow * 4 t (1 - t)`, t = x / width.
    fn bend(img: &GrayImage, bow: f32) -> GrayImage {
        let w = img.width() as f32;
        displace(img, |x| bow * 4.0 * (x / w) * (1.0 - x / w))
    }

    #[test]
    fn bent_lines_are_measured_with_their_bow() {
        let p = patch(2, 44, 12, 1.7);
        let straight = text_lines(&p);
        assert!(straight.iter().all(|l| l.bow == 0.0), "{straight:?}");
        // A bow of 8 px (two thirds of a height) over the patch: lines found, bowed about as much
        // over their own chord (which is most of the patch), heights as before.
        let bent = text_lines(&bend(&p, 8.0));
        let groups = zone_groups(&bent);
        assert_eq!(groups.first().map(Vec::len), Some(2), "{bent:?}");
        for l in &groups[0] {
            assert!((5.0..9.0).contains(&l.bow), "{l:?}");
            assert!((l.height - 12.0).abs() <= 3.0, "{l:?}");
            // The ends lie on the bent line: near the straight line's ends plus the bow there.
            let t = l.x_left / p.width() as f32;
            let expected = straight[0].y_left + 8.0 * 4.0 * t * (1.0 - t);
            assert!(groups[0][0].y_left - expected < 2.0, "{l:?} vs {expected}");
        }
    }

    #[test]
    fn a_bent_line_keeps_its_ends() {
        let p = patch(1, 44, 12, 1.7);
        let straight = text_lines(&p);
        assert_eq!(straight.len(), 1);
        // Bent by two and a half heights over the patch (about 27 rows over the line's own
        // chord): the ends leave the row band that the middle makes, and are found again along
        // the parabola.
        let bent = text_lines(&bend(&p, 30.0));
        let l = bent.iter().max_by(|a, b| a.length().total_cmp(&b.length())).unwrap();
        assert!((l.x_left - straight[0].x_left).abs() <= 3.0, "{l:?} vs {:?}", straight[0]);
        assert!((l.x_right - straight[0].x_right).abs() <= 3.0, "{l:?} vs {:?}", straight[0]);
        assert!((18.0..30.0).contains(&l.bow), "{l:?}");
    }

    #[test]
    fn bow_straightens_lines_bent_into_one_band() {
        let p = patch(2, 44, 12, 1.7);
        assert_eq!(bow(&p), 0.0);
        // Bent by 24 rows (twice a height, more than the line spacing): one smeared band.
        let bent = bend(&p, 24.0);
        assert!(zone_groups(&text_lines(&bent)).is_empty());
        let b = bow(&bent);
        assert!((b - 24.0).abs() <= 3.0, "{b}");
        // Straightened by it, the zone is found.
        let straight = bend(&bent, -b);
        assert_eq!(zone_groups(&text_lines(&straight)).first().map(Vec::len), Some(2));
    }

    #[test]
    fn faint_print_beside_dark_background() {
        // Paper 150 with print at 100 (contrast 50); a fifth of the patch is dark background (20),
        // so the patch's range is 130 and 40% of it, 52, is more than the print has.
        let p = GrayImage::from_fn(700, 80, |x, y| {
            if x < 140 {
                return image::Luma([20]);
            }
            let i = (x as f32 - 160.0) / 12.6;
            let glyph = (34..46).contains(&y) && i >= 0.0 && (i as usize) < 40 && i.fract() < 0.7;
            image::Luma([if glyph { 100 } else { 150 }])
        });
        assert!(text_lines(&p).iter().all(|l| l.length() < 100.0), "{:?}", text_lines(&p));
        let faint = text_lines_with(&p, true);
        let l = faint.iter().max_by(|a, b| a.length().total_cmp(&b.length())).expect("a line");
        assert!((l.x_left - 160.0).abs() <= 3.0 && (l.x_right - 160.0 - 39.7 * 12.6).abs() <= 4.0, "{l:?}");
    }

    #[test]
    fn zone_lines_share_their_ends() {
        let line = |y: f32, x_left: f32, x_right: f32| PatchLine { x_left, x_right, y_left: y, y_right: y, height: 10.0, bow: 0.0 };
        // Two lines, one lengthened by the background beside its start (further than 4 heights):
        // still a zone, as their other ends agree; both start where the shorter does.
        let g = zone_groups(&[line(100.0, 0.0, 480.0), line(117.0, 60.0, 481.0)]);
        assert_eq!(g.len(), 1);
        assert!(g[0].iter().all(|l| l.x_left == 60.0), "{g:?}");
        // Neither end agreeing: offset lines, not a zone.
        assert!(zone_groups(&[line(100.0, 0.0, 420.0), line(117.0, 60.0, 481.0)]).is_empty());
        // Three lines, the middle one short of a faint first glyph: all start where two agree.
        let g = zone_groups(&[line(100.0, 20.0, 330.0), line(117.0, 45.0, 331.0), line(134.0, 21.0, 330.0)]);
        assert_eq!(g[0].len(), 3);
        assert!(g[0].iter().all(|l| l.x_left == 21.0), "{g:?}");
    }

    #[test]
    fn short_lines_are_not_a_zone() {
        let lines = text_lines(&patch(2, 12, 10, 1.7));
        assert!(zone_groups(&lines).is_empty());
        assert!(text_lines(&GrayImage::from_pixel(100, 100, image::Luma([128]))).is_empty());
    }
}
