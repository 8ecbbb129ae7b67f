//! Candidates from closings along one direction at a time, for pages whose zone sits close to
//! other print. A square closing that joins a line's characters also joins the zone to print a
//! line pitch away (an authority line, the last field row); a closing along the lines joins the
//! characters and nothing across. The direction is unknown, so four are tried (0°, 45°, 90° and
//! 135°, each covering ±22.5°): rows of the search mask, of its transpose, and of the mask turned
//! by 45° and of that one's transpose.

use image::GrayImage;

use super::blobs::{self, Blob};
use super::morph::running_extreme_rows;

/// Radii of the closings along the lines (gaps up to twice this are bridged). The largest
/// bridges a run of filler `<` on a large zone: a chevron is one thin stroke in every row, so
/// the gap along a row is nearly a whole character pitch.
const RADII: [u32; 3] = [2, 4, 7];

/// One of the four frames: the mask as the closings see it, and the map back.
struct Frame {
    mask: GrayImage,
    /// Turned by 45° (about the centres of `mask` and of the original).
    turned: bool,
    transposed: bool,
}

fn transpose(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    GrayImage::from_fn(h, w, |x, y| *img.get_pixel(y, x))
}

/// `img` turned by 45° into a square canvas that holds all of it (nearest neighbour).
fn turn45(img: &GrayImage) -> GrayImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let side = ((w + h) / std::f32::consts::SQRT_2).ceil() as u32 + 2;
    let c = side as f32 / 2.0;
    let s = std::f32::consts::FRAC_1_SQRT_2;
    GrayImage::from_fn(side, side, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - c, y as f32 + 0.5 - c);
        // Inverse turn: from the canvas back to the image.
        let (sx, sy) = (s * (dx + dy) + w / 2.0, s * (dy - dx) + h / 2.0);
        if sx < 0.0 || sy < 0.0 || sx >= w || sy >= h {
            image::Luma([0])
        } else {
            *img.get_pixel(sx as u32, sy as u32)
        }
    })
}

impl Frame {
    /// A point and a direction of this frame in the original mask's coordinates.
    fn back(&self, b: &Blob, orig_w: f32, orig_h: f32) -> Blob {
        let (mut cx, mut cy, mut ux, mut uy) = (b.cx, b.cy, b.ux, b.uy);
        if self.transposed {
            std::mem::swap(&mut cx, &mut cy);
            std::mem::swap(&mut ux, &mut uy);
        }
        if self.turned {
            let (w, h) = if self.transposed { (self.mask.height(), self.mask.width()) } else { self.mask.dimensions() };
            let s = std::f32::consts::FRAC_1_SQRT_2;
            // Blob centres are pixel indices; the turn works on pixel centres.
            let (dx, dy) = (cx + 0.5 - w as f32 / 2.0, cy + 0.5 - h as f32 / 2.0);
            cx = s * (dx + dy) + orig_w / 2.0 - 0.5;
            cy = s * (dy - dx) + orig_h / 2.0 - 0.5;
            (ux, uy) = (s * (ux + uy), s * (uy - ux));
        }
        Blob { cx, cy, ux, uy, ..*b }
    }
}

/// Whether a direction (degrees) is within `tolerance` of `axis`, both taken modulo 180°.
fn near_axis(deg: f32, axis: f32, tolerance: f32) -> bool {
    let d = (deg - axis).rem_euclid(180.0);
    d.min(180.0 - d) <= tolerance
}

/// Text-line blobs of `mask` (255 = print) found by closings along four directions, in the
/// mask's coordinates, longest first. `keep` decides which blobs are line-like enough.
/// `hints` are directions (degrees) the page's print is known to run in, if any: only the
/// frames within 30° of one are searched (the lines of a page are parallel); empty = all four.
pub fn oriented_blobs(mask: &GrayImage, keep: impl Fn(&Blob) -> bool, hints: &[f32]) -> Vec<Blob> {
    let (ow, oh) = (mask.width() as f32, mask.height() as f32);
    let wanted = |axis: f32| hints.is_empty() || hints.iter().any(|&h| near_axis(h, axis, 30.0));
    let mut frames = Vec::new();
    if wanted(0.0) {
        frames.push(Frame { mask: mask.clone(), turned: false, transposed: false });
    }
    if wanted(90.0) {
        frames.push(Frame { mask: transpose(mask), turned: false, transposed: true });
    }
    if wanted(45.0) || wanted(135.0) {
        let turned = turn45(mask);
        // The turned mask's rows run at 135° of the original (up to the right, y down), its
        // columns at 45°.
        if wanted(45.0) {
            frames.push(Frame { mask: transpose(&turned), turned: true, transposed: true });
        }
        if wanted(135.0) {
            frames.push(Frame { mask: turned, turned: true, transposed: false });
        }
    }
    let mut out = Vec::new();
    for frame in &frames {
        let (w, h) = (frame.mask.width() as usize, frame.mask.height() as usize);
        for r in RADII {
            let closed = running_extreme_rows(&running_extreme_rows(&frame.mask, r, true), r, false);
            for b in blobs::blobs(closed.as_raw(), w, h, 20) {
                // Only lines along this frame's rows: the other directions have frames of their own.
                if b.ux.abs() < 0.92 {
                    continue;
                }
                let b = frame.back(&b, ow, oh);
                if keep(&b) {
                    out.push(b);
                }
            }
        }
    }
    out.sort_by(|a, b| b.length.total_cmp(&a.length));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two lines of 40 glyph boxes (5 px wide, pitch 8, 8 px high, 14 px apart) at `deg`, with a
    /// block of other print 12 px beside the first line, on a 400x400 mask.
    fn zone_mask(deg: f32) -> GrayImage {
        let (s, c) = deg.to_radians().sin_cos();
        GrayImage::from_fn(400, 400, |x, y| {
            let (dx, dy) = (x as f32 - 200.0, y as f32 - 200.0);
            // Into the zone's own frame.
            let (a, b) = (dx * c + dy * s, -dx * s + dy * c);
            let along = a + 160.0;
            let glyph = (0.0..320.0).contains(&along) && along.rem_euclid(8.0) < 5.0;
            let line = (-11.0..-3.0).contains(&b) || (3.0..11.0).contains(&b);
            let other = (-34.0..-23.0).contains(&b) && (0.0..140.0).contains(&along) && along.rem_euclid(6.0) < 4.0;
            image::Luma([if (glyph && line) || other { 255 } else { 0 }])
        })
    }

    #[test]
    fn turn_and_back_are_inverse() {
        let mask = GrayImage::from_fn(120, 60, |x, y| image::Luma([u8::from(x == 30 && y == 20) * 255]));
        let turned = turn45(&mask);
        let at = turned.enumerate_pixels().find(|p| p.2[0] != 0).map(|p| (p.0, p.1)).expect("the point survives");
        for transposed in [false, true] {
            let frame_mask = if transposed { transpose(&turned) } else { turned.clone() };
            let frame = Frame { mask: frame_mask, turned: true, transposed };
            let (cx, cy) = if transposed { (at.1 as f32, at.0 as f32) } else { (at.0 as f32, at.1 as f32) };
            let b = Blob { pixels: 1, cx, cy, ux: 1.0, uy: 0.0, length: 1.0, width: 1.0 };
            let back = frame.back(&b, 120.0, 60.0);
            assert!((back.cx - 30.0).abs() <= 1.0 && (back.cy - 20.0).abs() <= 1.0, "{back:?}");
        }
    }

    #[test]
    fn finds_each_line_at_every_angle() {
        for deg in [0.0f32, 17.0, 30.0, 45.0, 62.0, 90.0, 118.0, 135.0, 160.0] {
            let found = oriented_blobs(&zone_mask(deg), |b| b.length > 250.0 && b.elongation() > 10.0, &[]);
            let hinted = oriented_blobs(&zone_mask(deg), |b| b.length > 250.0 && b.elongation() > 10.0, &[deg + 4.0]);
            assert_eq!(hinted.len(), found.len(), "{deg}°: a hint near the lines keeps them");
            assert!(found.len() >= 2, "{deg}°: {found:?}");
            for b in &found[..2] {
                let angle = b.uy.atan2(b.ux).to_degrees().rem_euclid(180.0);
                let diff = (angle - deg).abs().min(180.0 - (angle - deg).abs());
                assert!(diff < 3.0, "{deg}°: angle {angle}");
                assert!((b.length - 318.0).abs() < 25.0, "{deg}°: {b:?}");
                let dist = ((b.cx - 200.0).powi(2) + (b.cy - 200.0).powi(2)).sqrt();
                assert!((dist - 7.0).abs() < 3.0, "{deg}°: centre {b:?}");
            }
        }
    }
}
