//! Unsharp masking, for print blurred by focus or motion: the recognizer (PP-OCRv4, trained
//! on sharp text) and the ink mask both read a blurred stroke better once its edges are
//! steepened again.

/// A separable Gaussian blur (s.d. `sigma` pixels, edges clamped) of a `w` x `h` plane.
pub fn gaussian(v: &[f32], w: usize, h: usize, sigma: f32) -> Vec<f32> {
    if w == 0 || h == 0 || v.len() != w * h || sigma <= 0.0 {
        return v.to_vec();
    }
    let r = (3.0 * sigma).ceil() as i64;
    let k: Vec<f32> = (-r..=r).map(|i| (-((i * i) as f32) / (2.0 * sigma * sigma)).exp()).collect();
    let total: f32 = k.iter().sum();
    let k: Vec<f32> = k.iter().map(|x| x / total).collect();
    let tap = |i: usize, j: usize, n: usize| (i as i64 + j as i64 - r).clamp(0, n as i64 - 1) as usize;
    let mut rows = vec![0f32; v.len()];
    for y in 0..h {
        for x in 0..w {
            rows[y * w + x] = k.iter().enumerate().map(|(j, kv)| kv * v[y * w + tap(x, j, w)]).sum();
        }
    }
    let mut out = vec![0f32; v.len()];
    for y in 0..h {
        for x in 0..w {
            out[y * w + x] = k.iter().enumerate().map(|(j, kv)| kv * rows[tap(y, j, h) * w + x]).sum();
        }
    }
    out
}

/// Unsharp masking in place: `v + amount * (v - gaussian(v, sigma))`. Unclamped: the caller
/// stretches or clamps to its range.
pub fn unsharp(v: &mut [f32], w: usize, h: usize, amount: f32, sigma: f32) {
    let blurred = gaussian(v, w, h, sigma);
    for (x, b) in v.iter_mut().zip(&blurred) {
        *x += amount * (*x - b);
    }
}

/// [`unsharp`] of an 8-bit image, clamped to 0..=255.
pub fn unsharp_image(img: &image::GrayImage, amount: f32, sigma: f32) -> image::GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut v: Vec<f32> = img.as_raw().iter().map(|&x| f32::from(x)).collect();
    unsharp(&mut v, w, h, amount, sigma);
    let raw = v.iter().map(|x| x.round().clamp(0.0, 255.0) as u8).collect();
    image::GrayImage::from_raw(img.width(), img.height(), raw).unwrap_or_else(|| img.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dark bar on paper, blurred: 0..=255 columns, one row per `h`.
    fn blurred_bar(w: usize, h: usize) -> Vec<f32> {
        let bar: Vec<f32> = (0..w).map(|x| if (8..12).contains(&x) { 0.0 } else { 255.0 }).collect();
        let plane: Vec<f32> = (0..h).flat_map(|_| bar.iter().copied()).collect();
        gaussian(&plane, w, h, 2.0)
    }

    #[test]
    fn blur_keeps_the_mean_and_a_flat_plane() {
        let flat = vec![100.0; 30];
        assert!(gaussian(&flat, 6, 5, 1.5).iter().all(|&v| (v - 100.0).abs() < 1e-3));
        let bar = blurred_bar(20, 3);
        let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
        let sharp: Vec<f32> = (0..20).map(|x| if (8..12).contains(&x) { 0.0 } else { 255.0 }).collect();
        assert!((mean(&bar[..20]) - mean(&sharp)).abs() < 1.0);
        // The bar's core is no longer black once blurred.
        assert!(bar[10] > 40.0, "{}", bar[10]);
    }

    #[test]
    fn unsharp_darkens_a_blurred_strokes_core_and_leaves_paper_flat() {
        let mut bar = blurred_bar(20, 3);
        let before = bar[10];
        unsharp(&mut bar, 20, 3, 1.0, 2.0);
        assert!(bar[10] < before - 20.0, "{before} -> {}", bar[10]);
        // Far from the stroke the paper is unchanged.
        assert!((bar[0] - 255.0).abs() < 1.0 && (bar[19] - 255.0).abs() < 1.0);
    }

    #[test]
    fn an_image_is_sharpened_within_its_range() {
        let img = image::GrayImage::from_fn(20, 3, |x, _| image::Luma([if (8..12).contains(&x) { 0 } else { 255 }]));
        let out = unsharp_image(&img, 2.0, 1.0);
        assert_eq!(out.dimensions(), img.dimensions());
        assert_eq!(out.get_pixel(10, 1)[0], 0);
        assert_eq!(out.get_pixel(0, 1)[0], 255);
    }
}
