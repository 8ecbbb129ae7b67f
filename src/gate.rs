//! Quality gates: is a page in view, close enough, sharp, still, well lit? Cheap measures on the
//! prepared frame's small copy (a few ms), each turned into a named guidance state that tells
//! the traveller what to fix. Only frames that pass all gates go to recognition.

use image::GrayImage;

use crate::config::GateConfig;
use crate::events::GuidanceState;
use crate::locate::morph::{otsu, Histogram};
use crate::prepare::box_downscale;

/// The coarse grid the page and motion measures use: the small copy reduced to at most this
/// many pixels on its longest side.
pub const GRID_MAX_SIDE: u32 = 96;
/// Least difference between page and background (luma levels) for a page to count as present.
pub const MIN_PAGE_CONTRAST: f32 = 40.0;
/// Least coverage for anything to count as a page at all (smaller: `no_document`).
pub const MIN_PRESENCE: f32 = 0.06;
/// Saturated pixel value.
const SATURATED: u8 = 250;

/// The gate measures of one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Measures {
    /// 99th luma percentile.
    pub brightness: u8,
    /// Luma levels between the page and the background classes.
    pub contrast: f32,
    /// Fraction of the frame the page covers.
    pub coverage: f32,
    /// Steepness of the page's edges, 0–1: 1 for step edges, about 1/b for edges blurred over
    /// b pixels; 0 when the page has no edges.
    pub sharpness: f32,
    /// Fraction of the page's pixels that are saturated.
    pub glare: f32,
    /// Mean absolute change of the coarse grid since the previous frame (luma levels); `None`
    /// for the first frame.
    pub motion: Option<f32>,
}

/// The gates, with the previous frame's coarse grid for the stillness measure.
#[derive(Clone, Debug)]
pub struct Gates {
    config: GateConfig,
    previous: Option<GrayImage>,
}

/// A frame's verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub state: GuidanceState,
    pub measures: Measures,
}

impl Verdict {
    /// The frame may go to recognition.
    pub fn passes(&self) -> bool {
        self.state == GuidanceState::Reading
    }
}

impl Gates {
    pub fn new(config: GateConfig) -> Gates {
        Gates { config, previous: None }
    }

    /// Forgets the previous frame (e.g. after a camera re-open).
    pub fn reset(&mut self) {
        self.previous = None;
    }

    /// Measures `small` (the prepared frame's small copy) and decides its state.
    pub fn check(&mut self, small: &GrayImage) -> Verdict {
        let grid_factor = small.width().max(small.height()).div_ceil(GRID_MAX_SIDE).max(1);
        let grid = box_downscale(small, grid_factor);
        let motion = match &self.previous {
            Some(p) if p.dimensions() == grid.dimensions() => Some(mean_abs_diff(p, &grid)),
            _ => None,
        };
        let measures = measure(small, &grid, grid_factor, motion);
        self.previous = Some(grid);
        let state = decide(&self.config, &measures);
        Verdict { state, measures }
    }
}

fn mean_abs_diff(a: &GrayImage, b: &GrayImage) -> f32 {
    let sum: u64 = a.as_raw().iter().zip(b.as_raw()).map(|(&x, &y)| u64::from(x.abs_diff(y))).sum();
    sum as f32 / a.as_raw().len().max(1) as f32
}

/// All measures of a frame (pure).
pub fn measure(small: &GrayImage, grid: &GrayImage, grid_factor: u32, motion: Option<f32>) -> Measures {
    let brightness = Histogram::new(small).percentile(0.99);
    // Page versus background on the coarse grid.
    let t = otsu(grid);
    let (mut lo, mut hi, mut n_lo, mut n_hi) = (0u64, 0u64, 0u64, 0u64);
    for &v in grid.as_raw() {
        if v > t {
            hi += u64::from(v);
            n_hi += 1;
        } else {
            lo += u64::from(v);
            n_lo += 1;
        }
    }
    let mean = |s: u64, n: u64| if n == 0 { 0.0 } else { s as f32 / n as f32 };
    let contrast = mean(hi, n_hi) - mean(lo, n_lo);
    let coverage = n_hi as f32 / grid.as_raw().len().max(1) as f32;
    // Sharpness and glare over the page: small-copy pixels whose grid cell is on the page.
    let (w, h) = (small.width() as usize, small.height() as usize);
    let gw = grid.width() as usize;
    let f = grid_factor as usize;
    let raw = small.as_raw();
    let g = grid.as_raw();
    let on_page = |x: usize, y: usize| g[(y / f) * gw + x / f] > t;
    // Sharpness: at each edge (a 9-pixel window spanning at least EDGE levels, taken where its
    // centre step is the window's steepest), the centre step over the window's range: 1 for a
    // step edge, about 1/b for an edge blurred over b pixels, whatever the print's contrast or
    // spacing. Every 4th row for the horizontal direction, every 4th column for the vertical.
    const EDGE: i32 = 24;
    let steep = |v: &[i32; 9]| -> Option<f32> {
        let (mut lo, mut hi, mut max_step) = (i32::MAX, i32::MIN, 0);
        for k in 0..9 {
            lo = lo.min(v[k]);
            hi = hi.max(v[k]);
            if k > 0 {
                max_step = max_step.max((v[k] - v[k - 1]).abs());
            }
        }
        let centre = (v[5] - v[4]).abs();
        (hi - lo >= EDGE && centre == max_step).then(|| centre as f32 / (hi - lo) as f32)
    };
    // One scan per direction: `along` steps along the line of 9 samples, `across` between lines.
    let scan = |horizontal: bool| -> f32 {
        let (along, across) = if horizontal { (w, h) } else { (h, w) };
        let at = |a: usize, c: usize| if horizontal { (a, c) } else { (c, a) };
        let (mut sum, mut n) = (0f64, 0u32);
        let mut v = [0i32; 9];
        for c in (4..across.saturating_sub(4)).step_by(4) {
            for a in 4..along.saturating_sub(4) {
                let (x, y) = at(a, c);
                if !on_page(x, y) {
                    continue;
                }
                for (k, o) in v.iter_mut().enumerate() {
                    let (xk, yk) = at(a + k - 4, c);
                    *o = i32::from(raw[yk * w + xk]);
                }
                if let Some(s) = steep(&v) {
                    sum += f64::from(s);
                    n += 1;
                }
            }
        }
        if n < 16 { 0.0 } else { (sum / f64::from(n)) as f32 }
    };
    let (mut saturated, mut page_px) = (0u64, 0u64);
    for y in (0..h).step_by(2) {
        for x in (0..w).step_by(2) {
            if on_page(x, y) {
                page_px += 1;
                if raw[y * w + x] >= SATURATED {
                    saturated += 1;
                }
            }
        }
    }
    // Motion blurs one direction: the blurrier direction decides.
    let sharpness = scan(true).min(scan(false));
    let glare = if page_px == 0 { 0.0 } else { saturated as f32 / page_px as f32 };
    Measures { brightness, contrast, coverage, sharpness, glare, motion }
}

/// The state for a frame's measures, first failing gate first.
pub fn decide(c: &GateConfig, m: &Measures) -> GuidanceState {
    if m.brightness < c.min_brightness {
        return GuidanceState::TooDark;
    }
    if m.contrast < MIN_PAGE_CONTRAST || m.coverage < MIN_PRESENCE {
        return GuidanceState::NoDocument;
    }
    if m.coverage < c.min_coverage {
        return GuidanceState::MoveCloser;
    }
    if m.motion.is_none_or(|d| d > c.max_motion) || m.sharpness < c.min_sharpness {
        return GuidanceState::HoldStill;
    }
    if m.glare > c.max_glare {
        return GuidanceState::Glare;
    }
    GuidanceState::Reading
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    const W: u32 = 320;
    const H: u32 = 180;

    /// A grey background with, optionally, a bright page (a fraction of the frame) carrying
    /// dark text bars; `blur` smears it horizontally over that many pixels; `shift` moves it.
    fn frame(page: Option<f32>, blur: u32, shift: u32, bg: u8) -> GrayImage {
        let (pw, ph) = page.map_or((0, 0), |c| ((W as f32 * c.sqrt()) as u32, (H as f32 * c.sqrt()) as u32));
        let (x0, y0) = ((W - pw) / 2 + shift, (H - ph) / 2);
        let sharp = GrayImage::from_fn(W, H, |x, y| {
            let noise = ((x * 7 + y * 13) % 5) as u8;
            if x >= x0 && x < x0 + pw && y >= y0 && y < y0 + ph {
                let text = (y - y0) % 6 < 2 && (x - x0) % 5 < 3;
                Luma([if text { 40 } else { 220 } + noise])
            } else {
                Luma([bg + noise])
            }
        });
        if blur <= 1 {
            return sharp;
        }
        GrayImage::from_fn(W, H, |x, y| {
            let xs = x.saturating_sub(blur / 2)..(x + blur / 2 + 1).min(W);
            let n = xs.len() as u32;
            Luma([(xs.map(|xx| u32::from(sharp.get_pixel(xx, y)[0])).sum::<u32>() / n) as u8])
        })
    }

    fn states(frames: &[GrayImage]) -> Vec<GuidanceState> {
        let mut g = Gates::new(GateConfig::default());
        frames.iter().map(|f| g.check(f).state).collect()
    }

    #[test]
    fn a_still_sharp_page_passes_from_its_second_frame() {
        let f = frame(Some(0.5), 0, 0, 60);
        assert_eq!(states(&[f.clone(), f.clone(), f]), [GuidanceState::HoldStill, GuidanceState::Reading, GuidanceState::Reading]);
    }

    #[test]
    fn each_gate_names_its_problem() {
        let page = frame(Some(0.5), 0, 0, 60);
        assert_eq!(states(&[frame(None, 0, 0, 60), frame(None, 0, 0, 60)])[1], GuidanceState::NoDocument);
        assert_eq!(states(&[frame(None, 0, 0, 10), frame(None, 0, 0, 10)])[1], GuidanceState::TooDark);
        let small = frame(Some(0.12), 0, 0, 60);
        assert_eq!(states(&[small.clone(), small])[1], GuidanceState::MoveCloser);
        let blurred = frame(Some(0.5), 4, 0, 60);
        assert_eq!(states(&[blurred.clone(), blurred])[1], GuidanceState::HoldStill);
        assert_eq!(states(&[page.clone(), frame(Some(0.5), 0, 12, 60)])[1], GuidanceState::HoldStill);
        let mut glare = page.clone();
        for y in 60..100 {
            for x in 120..200 {
                glare.put_pixel(x, y, Luma([255]));
            }
        }
        assert_eq!(states(&[glare.clone(), glare])[1], GuidanceState::Glare);
    }

    #[test]
    fn sharpness_falls_with_blur() {
        let m = |blur| {
            let f = frame(Some(0.5), blur, 0, 60);
            measure(&f, &box_downscale(&f, 4), 4, None).sharpness
        };
        let (s0, s2, s4) = (m(0), m(2), m(4));
        let min = GateConfig::default().min_sharpness;
        assert!(s0 > 0.9 && s2 < s0 && s4 < s2 && s4 < min, "{s0} {s2} {s4}");
    }

    #[test]
    fn coverage_follows_the_page() {
        let m = |c| {
            let f = frame(Some(c), 0, 0, 60);
            measure(&f, &box_downscale(&f, 4), 4, None).coverage
        };
        for c in [0.3, 0.5, 0.8] {
            assert!((m(c) - c).abs() < 0.12, "{c}: {}", m(c));
        }
    }
}
