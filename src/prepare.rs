//! Stage 1, prepare: a decoded image to full-resolution luma, plus a small copy for the search
//! stages. Large photographs cost one pass over their pixels here and nothing later: the search
//! runs on the small copy, and rectification samples only the pixels it needs from the large one.

use image::{DynamicImage, GrayImage};

/// The small copy's longest side is at most this.
pub const WORK_MAX_SIDE: u32 = 800;

/// A frame ready for the search stages.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Full-resolution luma.
    pub luma: GrayImage,
    /// `luma` reduced by the integer `factor` (box average).
    pub small: GrayImage,
    /// Full-resolution pixels per small pixel.
    pub factor: u32,
}

impl Prepared {
    /// Prepares a luma image that is already at full resolution.
    pub fn from_luma(luma: GrayImage) -> Prepared {
        let (w, h) = luma.dimensions();
        let factor = w.max(h).div_ceil(WORK_MAX_SIDE).max(1);
        let small = if factor == 1 { luma.clone() } else { box_downscale(&luma, factor) };
        Prepared { luma, small, factor }
    }
}

/// Prepares a decoded image.
pub fn prepare(image: &DynamicImage) -> Prepared {
    let luma = match image {
        DynamicImage::ImageLuma8(g) => g.clone(),
        DynamicImage::ImageRgb8(rgb) => luma_of(rgb.as_raw(), 3, rgb.width(), rgb.height()),
        DynamicImage::ImageRgba8(rgba) => luma_of(rgba.as_raw(), 4, rgba.width(), rgba.height()),
        other => other.to_luma8(),
    };
    Prepared::from_luma(luma)
}

/// Rec. 709 luma of 8-bit RGB(A) pixels ((2126 R + 7152 G + 722 B) / 10000, rounded; what
/// `image`'s `to_luma8` computes in floating point, within one level), in one integer pass.
fn luma_of(raw: &[u8], channels: usize, width: u32, height: u32) -> GrayImage {
    let out: Vec<u8> = raw
        .chunks_exact(channels)
        .map(|p| ((2126 * u32::from(p[0]) + 7152 * u32::from(p[1]) + 722 * u32::from(p[2]) + 5000) / 10000) as u8)
        .collect();
    GrayImage::from_raw(width, height, out).expect("one luma value per pixel")
}

/// Averages `factor` x `factor` blocks (partial blocks at the edges average what they have).
pub fn box_downscale(src: &GrayImage, factor: u32) -> GrayImage {
    let (w, h) = src.dimensions();
    let f = factor as usize;
    let (sw, sh) = (w.div_ceil(factor) as usize, h.div_ceil(factor) as usize);
    let (w, h) = (w as usize, h as usize);
    let mut sums = vec![0u32; sw];
    let mut out = vec![0u8; sw * sh];
    let raw = src.as_raw();
    for sy in 0..sh {
        sums.fill(0);
        let rows = sy * f..((sy + 1) * f).min(h);
        let n_rows = rows.len();
        for y in rows {
            let row = &raw[y * w..(y + 1) * w];
            for (i, chunk) in row.chunks(f).enumerate() {
                sums[i] += chunk.iter().map(|&v| u32::from(v)).sum::<u32>();
            }
        }
        for (i, o) in out[sy * sw..(sy + 1) * sw].iter_mut().enumerate() {
            let cols = (w - i * f).min(f);
            *o = (sums[i] / (cols * n_rows) as u32) as u8;
        }
    }
    GrayImage::from_raw(sw as u32, sh as u32, out).expect("sizes match")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luma_matches_the_image_crate() {
        let rgb = image::RgbImage::from_fn(67, 13, |x, y| image::Rgb([(x * 37 % 256) as u8, (y * 91 % 256) as u8, ((x * y) % 256) as u8]));
        let rgba = image::RgbaImage::from_fn(5, 7, |x, y| image::Rgba([255, (x * 50) as u8, (y * 40) as u8, 9]));
        for img in [DynamicImage::ImageRgb8(rgb), DynamicImage::ImageRgba8(rgba)] {
            let (ours, theirs) = (prepare(&img).luma, img.to_luma8());
            assert_eq!(ours.dimensions(), theirs.dimensions());
            assert!(ours.iter().zip(theirs.iter()).all(|(a, b)| a.abs_diff(*b) <= 1));
        }
    }

    #[test]
    fn small_copy_is_bounded_and_averaged() {
        let img = GrayImage::from_fn(1700, 30, |x, _| image::Luma([if x % 2 == 0 { 0 } else { 200 }]));
        let p = Prepared::from_luma(img);
        assert_eq!(p.factor, 3);
        assert_eq!(p.small.dimensions(), (567, 10));
        assert!(p.small.width() <= WORK_MAX_SIDE);
        // Columns 0,1,2 → 0,200,0 → 66.
        assert_eq!(p.small.get_pixel(0, 0)[0], 66);
        let q = Prepared::from_luma(GrayImage::new(640, 480));
        assert_eq!(q.factor, 1);
    }
}
