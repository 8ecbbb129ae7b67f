//! Grey-level morphology, thresholds and box statistics on `u8` images.

use image::GrayImage;

/// Running maximum (`max = true`) or minimum over windows of `2r+1` along a line, van Herk /
/// Gil-Werman: three comparisons per sample whatever the window. `g` and `h` are scratch
/// buffers, reused across calls.
fn running_extreme(src: &[u8], dst: &mut [u8], r: usize, max: bool, g: &mut Vec<u8>, h: &mut Vec<u8>) {
    let n = src.len();
    if n == 0 {
        return;
    }
    let k = 2 * r + 1;
    let pad = if max { 0u8 } else { 255u8 };
    // Padded signal: r pad values each side, then up to a whole number of blocks.
    let len = (n + 2 * r).div_ceil(k) * k;
    g.clear();
    g.resize(len, pad);
    g[r..r + n].copy_from_slice(src);
    h.clear();
    h.extend_from_slice(g);
    for block in 0..len / k {
        let s = block * k;
        for i in s + 1..s + k {
            g[i] = if max { g[i].max(g[i - 1]) } else { g[i].min(g[i - 1]) };
        }
        for i in (s..s + k - 1).rev() {
            h[i] = if max { h[i].max(h[i + 1]) } else { h[i].min(h[i + 1]) };
        }
    }
    // Window in padded coordinates: [x, x + 2r].
    let (hs, gs) = (&h[..n], &g[2 * r..2 * r + n]);
    if max {
        dst.iter_mut().zip(hs.iter().zip(gs)).for_each(|(d, (&a, &b))| *d = a.max(b));
    } else {
        dst.iter_mut().zip(hs.iter().zip(gs)).for_each(|(d, (&a, &b))| *d = a.min(b));
    }
}

/// Element-wise maximum or minimum of two rows into `dst`.
fn pick_rows(dst: &mut [u8], a: &[u8], b: &[u8], max: bool) {
    if max {
        dst.iter_mut().zip(a.iter().zip(b)).for_each(|(d, (&x, &y))| *d = x.max(y));
    } else {
        dst.iter_mut().zip(a.iter().zip(b)).for_each(|(d, (&x, &y))| *d = x.min(y));
    }
}

/// Square max (`max = true`) or min filter of radius `r`: rows one by one, then columns as
/// whole rows at a time (the same van Herk recurrence on row vectors, which vectorises).
pub fn extreme_filter(img: &GrayImage, r: u32, max: bool) -> GrayImage {
    let (w, h) = img.dimensions();
    let (w, h, r) = (w as usize, h as usize, r as usize);
    if w == 0 || h == 0 {
        return img.clone();
    }
    let mut tmp = running_extreme_rows(img, r as u32, max).into_raw();
    // Columns: padded rows, blocks of k rows, forward (g) and backward (h) running extremes.
    let k = 2 * r + 1;
    let pad = if max { 0u8 } else { 255u8 };
    let rows = (h + 2 * r).div_ceil(k) * k;
    let mut gr = vec![pad; rows * w];
    gr[r * w..(r + h) * w].copy_from_slice(&tmp);
    let mut hr = gr.clone();
    for block in 0..rows / k {
        let s = block * k;
        for i in s + 1..s + k {
            let (before, rest) = gr.split_at_mut(i * w);
            let row = &mut rest[..w];
            let prev = &before[(i - 1) * w..];
            if max {
                row.iter_mut().zip(prev).for_each(|(a, &b)| *a = (*a).max(b));
            } else {
                row.iter_mut().zip(prev).for_each(|(a, &b)| *a = (*a).min(b));
            }
        }
        for i in (s..s + k - 1).rev() {
            let (before, rest) = hr.split_at_mut((i + 1) * w);
            let row = &mut before[i * w..];
            let next = &rest[..w];
            if max {
                row.iter_mut().zip(next).for_each(|(a, &b)| *a = (*a).max(b));
            } else {
                row.iter_mut().zip(next).for_each(|(a, &b)| *a = (*a).min(b));
            }
        }
    }
    for y in 0..h {
        let a = &hr[y * w..(y + 1) * w];
        let b = &gr[(y + 2 * r) * w..(y + 2 * r + 1) * w];
        pick_rows(&mut tmp[y * w..(y + 1) * w], a, b, max);
    }
    GrayImage::from_raw(w as u32, h as u32, tmp).expect("sizes match")
}

/// Max (`max = true`) or min filter of radius `r` along each row only.
pub fn running_extreme_rows(img: &GrayImage, r: u32, max: bool) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let src = img.as_raw();
    let mut out = vec![0u8; w * h];
    let (mut g, mut hb) = (Vec::new(), Vec::new());
    for y in 0..h {
        running_extreme(&src[y * w..(y + 1) * w], &mut out[y * w..(y + 1) * w], r as usize, max, &mut g, &mut hb);
    }
    GrayImage::from_raw(w as u32, h as u32, out).expect("sizes match")
}

/// Black top-hat: closing minus the image. Dark details narrower than `2r+1` light up.
pub fn blackhat(img: &GrayImage, r: u32) -> GrayImage {
    let closed = extreme_filter(&extreme_filter(img, r, true), r, false);
    let mut out = closed;
    for (o, &i) in out.iter_mut().zip(img.iter()) {
        *o = o.saturating_sub(i);
    }
    out
}

/// Otsu's threshold of an image's histogram.
pub fn otsu(img: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    for &v in img.iter() {
        hist[v as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist.iter().enumerate().map(|(i, &c)| i as f64 * c as f64).sum();
    let (mut w0, mut sum0) = (0f64, 0f64);
    let (mut best, mut best_t) = (-1f64, 0u8);
    for t in 0..256 {
        w0 += hist[t] as f64;
        if w0 == 0.0 {
            continue;
        }
        let w1 = total as f64 - w0;
        if w1 == 0.0 {
            break;
        }
        sum0 += t as f64 * hist[t] as f64;
        let m0 = sum0 / w0;
        let m1 = (sum_all - sum0) / w1;
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}

/// Grey-level histogram of an image, for percentiles.
pub struct Histogram {
    counts: [u32; 256],
    total: u32,
}

impl Histogram {
    pub fn new(img: &GrayImage) -> Histogram {
        let mut counts = [0u32; 256];
        for &v in img.iter() {
            counts[v as usize] += 1;
        }
        Histogram { counts, total: counts.iter().sum() }
    }

    /// The smallest level with more than a fraction `q` of the pixels at or below it.
    pub fn percentile(&self, q: f32) -> u8 {
        let target = (q * self.total as f32) as u32;
        let mut acc = 0;
        self.counts
            .iter()
            .position(|&c| {
                acc += c;
                acc > target
            })
            .unwrap_or(255) as u8
    }
}

/// Mean over a `(2r+1)`-square window (the window shrinks at the border): rows, then columns,
/// by running sums.
pub fn box_blur(img: &GrayImage, r: u32) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let r = r as usize;
    if r == 0 || w == 0 || h == 0 {
        return img.clone();
    }
    let blur_line = |src: &[u32], dst: &mut [u32]| {
        let n = src.len();
        let mut prefix = vec![0u32; n + 1];
        for (i, &v) in src.iter().enumerate() {
            prefix[i + 1] = prefix[i] + v;
        }
        for (i, d) in dst.iter_mut().enumerate() {
            let (a, b) = (i.saturating_sub(r), (i + r + 1).min(n));
            // Sums scaled by 256 keep the rounding of the second pass exact enough.
            *d = ((prefix[b] - prefix[a]) * 256 + (b - a) as u32 / 2) / (b - a) as u32;
        }
    };
    let mut rows = vec![0u32; w * h];
    let src: Vec<u32> = img.as_raw().iter().map(|&v| u32::from(v)).collect();
    for y in 0..h {
        blur_line(&src[y * w..(y + 1) * w], &mut rows[y * w..(y + 1) * w]);
    }
    let mut out = vec![0u8; w * h];
    let (mut col, mut res) = (vec![0u32; h], vec![0u32; h]);
    for x in 0..w {
        for y in 0..h {
            col[y] = rows[y * w + x];
        }
        blur_line(&col, &mut res);
        for y in 0..h {
            out[y * w + x] = ((res[y] / 256 + 128) / 256).min(255) as u8;
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).expect("sizes match")
}

/// How far apart (pixels along a row) the pixels are whose differences measure noise.
/// Camera noise after demosaicing, blur and JPEG is correlated over a few pixels: neighbours
/// differ little even where the noise is strong, pixels three apart differ as much as
/// independent noise would.
const NOISE_LAG: usize = 3;

/// The standard deviation of the image's pixel noise, from the median absolute difference of
/// pixels [`NOISE_LAG`] apart along a row (edges are few, so they hardly move the median).
pub fn noise_sigma(img: &GrayImage) -> f32 {
    let w = img.width() as usize;
    let mut hist = [0u32; 256];
    let mut n = 0u32;
    for row in img.as_raw().chunks_exact(w.max(1)) {
        for p in row.windows(1 + NOISE_LAG) {
            hist[usize::from(p[0].abs_diff(p[NOISE_LAG]))] += 1;
            n += 1;
        }
    }
    let mut acc = 0;
    let median = hist.iter().position(|&c| {
        acc += c;
        acc * 2 >= n
    });
    // For Gaussian noise of s.d. σ the difference has s.d. σ√2 and median |d| 0.6745 σ√2.
    median.map_or(0.0, |m| m as f32 / (0.6745 * std::f32::consts::SQRT_2))
}

/// The image smoothed by a box of about a quarter of its noise's s.d. in radius (at most
/// `max_radius`) when that noise is above `noisy`; as it is otherwise.
pub fn smoothed_if_noisy(img: &GrayImage, noisy: f32, max_radius: u32) -> std::borrow::Cow<'_, GrayImage> {
    let sigma = noise_sigma(img);
    if sigma > noisy {
        std::borrow::Cow::Owned(box_blur(img, ((sigma / 4.0).round() as u32).clamp(1, max_radius.max(1))))
    } else {
        std::borrow::Cow::Borrowed(img)
    }
}

/// Summed-area table of an image (and of its squares), for box means and variances.
pub struct Integral {
    w: usize,
    sum: Vec<u64>,
    sq: Vec<u64>,
}

impl Integral {
    pub fn new(img: &GrayImage) -> Integral {
        let (w, h) = (img.width() as usize, img.height() as usize);
        let mut sum = vec![0u64; (w + 1) * (h + 1)];
        let mut sq = vec![0u64; (w + 1) * (h + 1)];
        let raw = img.as_raw();
        for y in 0..h {
            let (mut rs, mut rq) = (0u64, 0u64);
            for x in 0..w {
                let v = u64::from(raw[y * w + x]);
                rs += v;
                rq += v * v;
                sum[(y + 1) * (w + 1) + x + 1] = sum[y * (w + 1) + x + 1] + rs;
                sq[(y + 1) * (w + 1) + x + 1] = sq[y * (w + 1) + x + 1] + rq;
            }
        }
        Integral { w, sum, sq }
    }

    /// Mean and standard deviation over the box `[x0, x1) x [y0, y1)`.
    pub fn stats(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> (f32, f32) {
        let s = self.w + 1;
        let at = |t: &Vec<u64>, x: usize, y: usize| t[y * s + x] as f64;
        let n = ((x1 - x0) * (y1 - y0)).max(1) as f64;
        let box_sum = |t| at(t, x1, y1) - at(t, x0, y1) - at(t, x1, y0) + at(t, x0, y0);
        let m = box_sum(&self.sum) / n;
        let var = (box_sum(&self.sq) / n - m * m).max(0.0);
        (m as f32, var.sqrt() as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(img: &GrayImage, r: i64, max: bool) -> GrayImage {
        naive_window(img, r, r, max)
    }

    /// Max or min over a window of `rx` columns and `ry` rows either side.
    fn naive_window(img: &GrayImage, r: i64, ry: i64, max: bool) -> GrayImage {
        let (w, h) = (img.width() as i64, img.height() as i64);
        GrayImage::from_fn(w as u32, h as u32, |x, y| {
            let mut v = if max { 0 } else { 255 };
            for dy in -ry..=ry {
                for dx in -r..=r {
                    let (xx, yy) = (x as i64 + dx, y as i64 + dy);
                    if xx >= 0 && yy >= 0 && xx < w && yy < h {
                        let p = img.get_pixel(xx as u32, yy as u32)[0];
                        v = if max { v.max(p) } else { v.min(p) };
                    }
                }
            }
            image::Luma([v])
        })
    }

    #[test]
    fn filters_match_naive() {
        for (w, h) in [(37, 23), (1, 9), (9, 1), (64, 40)] {
            let img = GrayImage::from_fn(w, h, |x, y| image::Luma([((x * 31 + y * 17 + x * y) % 251) as u8]));
            for r in [0, 1, 2, 5, 30] {
                for max in [true, false] {
                    assert_eq!(extreme_filter(&img, r, max), naive(&img, r as i64, max), "{w}x{h} r={r} max={max}");
                    assert_eq!(running_extreme_rows(&img, r, max), naive_window(&img, r as i64, 0, max), "rows {w}x{h} r={r}");
                }
            }
        }
    }

    #[test]
    fn blackhat_lights_thin_dark_lines() {
        let img = GrayImage::from_fn(40, 40, |x, _| image::Luma([if x == 20 { 30 } else { 200 }]));
        let bh = blackhat(&img, 3);
        assert_eq!(bh.get_pixel(20, 20)[0], 170);
        assert_eq!(bh.get_pixel(5, 20)[0], 0);
    }

    #[test]
    fn box_blur_is_the_window_mean() {
        let img = GrayImage::from_fn(23, 17, |x, y| image::Luma([((x * 53 + y * 29 + x * y) % 256) as u8]));
        for r in [0u32, 1, 3] {
            let got = box_blur(&img, r);
            for y in 0..17i64 {
                for x in 0..23i64 {
                    let (mut s, mut n) = (0f64, 0f64);
                    for yy in (y - r as i64).max(0)..=(y + r as i64).min(16) {
                        for xx in (x - r as i64).max(0)..=(x + r as i64).min(22) {
                            s += f64::from(img.get_pixel(xx as u32, yy as u32)[0]);
                            n += 1.0;
                        }
                    }
                    let want = s / n;
                    let v = f64::from(got.get_pixel(x as u32, y as u32)[0]);
                    assert!((v - want).abs() <= 1.0, "r={r} ({x},{y}): {v} vs {want}");
                }
            }
        }
    }

    #[test]
    fn noise_sigma_of_flat_and_noisy_images() {
        assert_eq!(noise_sigma(&GrayImage::from_pixel(50, 50, image::Luma([128]))), 0.0);
        // Uniform noise of width 40 (s.d. 11.5), from a small LCG.
        let mut state = 12345u32;
        let noisy = GrayImage::from_fn(200, 200, |_, _| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            image::Luma([(108 + (state >> 16) % 41) as u8])
        });
        let s = noise_sigma(&noisy);
        assert!((8.0..16.0).contains(&s), "{s}");
        // The same noise smoothed by a 3x3 box (as a camera's optics and compression correlate
        // it): s.d. about 11.5 / 3; still clearly noise.
        let smooth = noise_sigma(&box_blur(&noisy, 1));
        assert!((3.0..6.0).contains(&smooth), "{smooth}");
    }

    #[test]
    fn otsu_splits_two_levels() {
        let img = GrayImage::from_fn(20, 20, |x, _| image::Luma([if x < 10 { 40 } else { 200 }]));
        let t = otsu(&img);
        assert!((40..200).contains(&t));
    }

    #[test]
    fn integral_stats() {
        let img = GrayImage::from_fn(10, 10, |x, _| image::Luma([if x < 5 { 0 } else { 100 }]));
        let i = Integral::new(&img);
        let (m, s) = i.stats(0, 0, 10, 10);
        assert!((m - 50.0).abs() < 1e-3 && (s - 50.0).abs() < 1e-3);
        assert_eq!(i.stats(5, 2, 10, 4), (100.0, 0.0));
    }
}
