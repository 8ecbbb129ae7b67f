//! Stage C1, page: the data page's frame from the machine-readable zone, and the rectified page.
//!
//! An ID-3 page is 125 x 88 mm; its MRZ's first line starts about 5 mm from the left edge and
//! its centre line runs about 9 mm above the bottom edge, and a 44-character line's ink is
//! about 111 mm long (43 pitches of 2.54 mm plus one glyph). The zone's lines (read in reading
//! order, so any rotation is already resolved) give the page's direction and scale; page
//! millimetres then map to image pixels by a similarity transform. Print runs shift the visual
//! zone by millimetres, so later stages search around these positions rather than trust them.

use image::GrayImage;

use crate::locate::Zone;
use crate::prepare::Prepared;
use crate::rectify::{sample, OrientedRect};

/// Page size in mm.
pub const PAGE_W_MM: f32 = 125.0;
pub const PAGE_H_MM: f32 = 88.0;
/// Nominal page position of the first MRZ line's first glyph (left edge, centre line).
pub const MRZ_X_MM: f32 = 5.0;
pub const MRZ_Y_MM: f32 = 79.0;
/// Ink length of a 44-character MRZ line.
pub const MRZ_INK_MM: f32 = 111.0;
/// Resolution of the rectified page.
pub const PAGE_PX_PER_MM: f32 = 8.0;
/// The part of the page the visual fields are searched in (mm): right of the portrait, below
/// the title, above the MRZ.
pub const FIELDS_X0_MM: f32 = 34.0;
pub const FIELDS_X1_MM: f32 = 124.5;
pub const FIELDS_Y0_MM: f32 = 5.0;

/// Page millimetres to image pixels (full resolution).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageFrame {
    /// Image point of the page point (`MRZ_X_MM`, `MRZ_Y_MM`).
    pub ox: f32,
    pub oy: f32,
    /// Unit vector along the page's x axis, in image coordinates.
    pub ux: f32,
    pub uy: f32,
    /// Image pixels per page millimetre.
    pub scale: f32,
    /// Page y (mm) of the first MRZ line's centre line; the fields end above it.
    pub mrz_top_mm: f32,
}

impl PageFrame {
    /// The frame of the page whose zone this is (lines in reading order). `None` for a zone
    /// without lines or with degenerate lines.
    pub fn from_zone(zone: &Zone) -> Option<PageFrame> {
        let first = zone.lines.first()?;
        let (mut dx, mut dy, mut len) = (0.0f32, 0.0f32, 0.0f32);
        for l in &zone.lines {
            dx += l.x1 - l.x0;
            dy += l.y1 - l.y0;
            len += l.length();
        }
        let norm = (dx * dx + dy * dy).sqrt();
        len /= zone.lines.len() as f32;
        if !(norm > 1.0 && len > 10.0) {
            return None;
        }
        let scale = len / MRZ_INK_MM;
        Some(PageFrame {
            ox: first.x0,
            oy: first.y0,
            ux: dx / norm,
            uy: dy / norm,
            scale,
            mrz_top_mm: MRZ_Y_MM - 0.5 * first.height / scale,
        })
    }

    /// Image point (full-resolution pixels) of the page point `(x, y)` mm.
    pub fn to_image(&self, x: f32, y: f32) -> (f32, f32) {
        let (a, b) = ((x - MRZ_X_MM) * self.scale, (y - MRZ_Y_MM) * self.scale);
        (self.ox + a * self.ux - b * self.uy, self.oy + a * self.uy + b * self.ux)
    }

    /// The oriented image rectangle of the page box `x0..x1` x `y0..y1` mm.
    pub fn rect(&self, x0: f32, y0: f32, x1: f32, y1: f32) -> OrientedRect {
        let (cx, cy) = self.to_image((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        OrientedRect { cx, cy, ux: self.ux, uy: self.uy, length: (x1 - x0) * self.scale, height: (y1 - y0) * self.scale }
    }
}

/// The rectified field region of the page: `PAGE_PX_PER_MM` pixels a millimetre, its top-left
/// at page point (`x0_mm`, `y0_mm`).
#[derive(Clone, Debug)]
pub struct PageImage {
    pub image: GrayImage,
    pub x0_mm: f32,
    pub y0_mm: f32,
    pub frame: PageFrame,
}

impl PageImage {
    pub fn px_per_mm(&self) -> f32 {
        PAGE_PX_PER_MM
    }

    /// Page mm of a pixel position of the rectified image.
    pub fn to_mm(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x0_mm + x / PAGE_PX_PER_MM, self.y0_mm + y / PAGE_PX_PER_MM)
    }
}

/// The source image to sample at `want` pixels per mm: the small copy when it still has at
/// least that resolution (less aliasing, less work), else full resolution. Returns the image
/// and the factor image coordinates are divided by.
pub fn source<'a>(p: &'a Prepared, frame: &PageFrame, want: f32) -> (&'a GrayImage, f32) {
    if p.factor > 1 && frame.scale / p.factor as f32 >= want {
        (&p.small, p.factor as f32)
    } else {
        (&p.luma, 1.0)
    }
}

/// Samples the field region of the page (right of the portrait, above the MRZ).
pub fn rectify_fields(p: &Prepared, frame: &PageFrame) -> PageImage {
    let (x0, x1, y0) = (FIELDS_X0_MM, FIELDS_X1_MM, FIELDS_Y0_MM);
    let y1 = (frame.mrz_top_mm - 1.0).max(y0 + 10.0);
    let cols = ((x1 - x0) * PAGE_PX_PER_MM).round() as u32;
    let rows = ((y1 - y0) * PAGE_PX_PER_MM).round() as u32;
    let (img, f) = source(p, frame, PAGE_PX_PER_MM);
    let mut out = GrayImage::new(cols, rows);
    for j in 0..rows {
        let y = y0 + (j as f32 + 0.5) / PAGE_PX_PER_MM;
        for i in 0..cols {
            let x = x0 + (i as f32 + 0.5) / PAGE_PX_PER_MM;
            let (ix, iy) = frame.to_image(x, y);
            out.put_pixel(i, j, image::Luma([sample(img, ix / f, iy / f).round().clamp(0.0, 255.0) as u8]));
        }
    }
    PageImage { image: out, x0_mm: x0, y0_mm: y0, frame: *frame }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rectify::LineGeom;

    fn zone(angle_deg: f32, scale: f32) -> Zone {
        let (c, s) = (angle_deg.to_radians().cos(), angle_deg.to_radians().sin());
        let l = |dy: f32| {
            let (x0, y0) = (100.0 - dy * s, 400.0 + dy * c);
            LineGeom { x0, y0, x1: x0 + MRZ_INK_MM * scale * c, y1: y0 + MRZ_INK_MM * scale * s, height: 2.3 * scale, bow: 0.0 }
        };
        Zone { lines: vec![l(0.0), l(4.2 * scale)] }
    }

    #[test]
    fn frame_maps_the_mrz_start_and_scale() {
        let f = PageFrame::from_zone(&zone(0.0, 6.0)).unwrap();
        assert!((f.scale - 6.0).abs() < 1e-3);
        let (x, y) = f.to_image(MRZ_X_MM, MRZ_Y_MM);
        assert!((x - 100.0).abs() < 1e-3 && (y - 400.0).abs() < 1e-3);
        // 10 mm up the page is 60 px up the image.
        let (_, y) = f.to_image(MRZ_X_MM, MRZ_Y_MM - 10.0);
        assert!((y - 340.0).abs() < 1e-3);
    }

    #[test]
    fn frame_follows_rotation() {
        let f = PageFrame::from_zone(&zone(90.0, 5.0)).unwrap();
        // Page "up" is image +x when the page is turned a quarter clockwise.
        let (x, y) = f.to_image(MRZ_X_MM, MRZ_Y_MM - 10.0);
        assert!((x - 150.0).abs() < 1e-2 && (y - 400.0).abs() < 1e-2, "{x} {y}");
    }

    #[test]
    fn degenerate_zone_has_no_frame() {
        assert!(PageFrame::from_zone(&Zone { lines: vec![] }).is_none());
        let l = LineGeom { x0: 1.0, y0: 1.0, x1: 1.0, y1: 1.0, height: 1.0, bow: 0.0 };
        assert!(PageFrame::from_zone(&Zone { lines: vec![l] }).is_none());
    }

    #[test]
    fn rectified_region_has_the_fixed_resolution() {
        let p = Prepared::from_luma(GrayImage::from_pixel(900, 700, image::Luma([200])));
        let f = PageFrame::from_zone(&zone(0.0, 6.0)).unwrap();
        let page = rectify_fields(&p, &f);
        assert_eq!(page.image.width(), ((FIELDS_X1_MM - FIELDS_X0_MM) * PAGE_PX_PER_MM).round() as u32);
        assert!(page.image.height() > 500);
        assert_eq!(page.to_mm(0.0, 0.0), (FIELDS_X0_MM, FIELDS_Y0_MM));
    }
}
