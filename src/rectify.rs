//! Stage 3, rectify: sample a region of the full-resolution image along its own geometry into
//! an upright raster. Used for the locator's search patch and for the recognizer's line strips.
//!
//! Coordinates are continuous: pixel `(i, j)` covers `[i, i+1) x [j, j+1)`, its centre is at
//! `(i + 0.5, j + 0.5)`.

use image::GrayImage;

/// Height of a recognizer strip.
pub const STRIP_HEIGHT: usize = 32;
/// Width of a recognizer strip (an MRZ line of 44 characters at 8 px a pitch, plus 16).
pub const STRIP_WIDTH: usize = 368;
/// Pixels per character pitch in a strip.
pub const STRIP_PITCH: usize = 8;

/// Bilinear sample at a continuous point; outside the image the nearest edge pixel.
pub fn sample(img: &GrayImage, x: f32, y: f32) -> f32 {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let (fx, fy) = (x - 0.5, y - 0.5);
    let (x0, y0) = (fx.floor(), fy.floor());
    let (ax, ay) = (fx - x0, fy - y0);
    let raw = img.as_raw();
    let px = |xx: i64, yy: i64| -> f32 {
        let xx = xx.clamp(0, w - 1);
        let yy = yy.clamp(0, h - 1);
        f32::from(raw[(yy * w + xx) as usize])
    };
    let (x0, y0) = (x0 as i64, y0 as i64);
    let top = px(x0, y0) * (1.0 - ax) + px(x0 + 1, y0) * ax;
    let bottom = px(x0, y0 + 1) * (1.0 - ax) + px(x0 + 1, y0 + 1) * ax;
    top * (1.0 - ay) + bottom * ay
}

/// An oriented rectangle: centre, unit direction `u` along it, length and height. Its across
/// direction is `n = (-u.y, u.x)` (downwards for a left-to-right `u` in image coordinates).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrientedRect {
    pub cx: f32,
    pub cy: f32,
    pub ux: f32,
    pub uy: f32,
    pub length: f32,
    pub height: f32,
}

impl OrientedRect {
    /// The image point at fractions `(a, b)` of the rectangle, each in 0..1 from its top-left.
    pub fn point(&self, a: f32, b: f32) -> (f32, f32) {
        let along = (a - 0.5) * self.length;
        let across = (b - 0.5) * self.height;
        (self.cx + along * self.ux - across * self.uy, self.cy + along * self.uy + across * self.ux)
    }
}

/// Samples `rect` into a `cols` x `rows` raster: [`sample`] at the centre of every raster cell.
/// The cell centres step through the image by fixed increments, and away from the image's
/// border the bilinear sample needs no clamping.
pub fn sample_rect(img: &GrayImage, rect: &OrientedRect, cols: u32, rows: u32) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let raw = img.as_raw();
    let mut out = vec![0u8; cols as usize * rows as usize];
    if cols == 0 || rows == 0 || w == 0 || h == 0 {
        return GrayImage::from_raw(cols, rows, out).expect("sizes match");
    }
    // Continuous pixel-centre coordinates shifted by half a pixel: the bilinear grid.
    let (x0, y0) = rect.point(0.5 / cols as f32, 0.5 / rows as f32);
    let (x0, y0) = (x0 - 0.5, y0 - 0.5);
    let (step_a, step_b) = (rect.length / cols as f32, rect.height / rows as f32);
    let (dxi, dyi) = (step_a * rect.ux, step_a * rect.uy);
    let (dxj, dyj) = (-step_b * rect.uy, step_b * rect.ux);
    let (max_x, max_y) = ((w - 1) as f32, (h - 1) as f32);
    for (j, row) in out.chunks_exact_mut(cols as usize).enumerate() {
        let (rx, ry) = (x0 + j as f32 * dxj, y0 + j as f32 * dyj);
        for (i, o) in row.iter_mut().enumerate() {
            let (fx, fy) = (rx + i as f32 * dxi, ry + i as f32 * dyi);
            *o = if fx >= 0.0 && fy >= 0.0 && fx < max_x && fy < max_y {
                let (xi, yi) = (fx as usize, fy as usize);
                let (ax, ay) = (fx - xi as f32, fy - yi as f32);
                let k = yi * w + xi;
                let (p00, p01, p10, p11) = (raw[k], raw[k + 1], raw[k + w], raw[k + w + 1]);
                let top = f32::from(p00) + (f32::from(p01) - f32::from(p00)) * ax;
                let bottom = f32::from(p10) + (f32::from(p11) - f32::from(p10)) * ax;
                (top + (bottom - top) * ay + 0.5) as u8
            } else {
                sample(img, fx + 0.5, fy + 0.5).round().clamp(0.0, 255.0) as u8
            };
        }
    }
    GrayImage::from_raw(cols, rows, out).expect("sizes match")
}

/// How far a parabola that bows `bow` at the middle of its chord lies off the chord at the
/// fraction `t` of it (0 and 1 at the ends; beyond them, the parabola continued).
pub fn bow_offset(bow: f32, t: f32) -> f32 {
    bow * 4.0 * t * (1.0 - t)
}

/// Samples `rect` like [`sample_rect`], each column moved across by `bow * 4 t (1 - t)` raster
/// rows (t: the column's fraction of the length): a band that bows by `bow` rows at its middle
/// comes out straight.
pub fn sample_rect_bowed(img: &GrayImage, rect: &OrientedRect, cols: u32, rows: u32, bow: f32) -> GrayImage {
    if bow == 0.0 {
        return sample_rect(img, rect, cols, rows);
    }
    GrayImage::from_fn(cols, rows, |i, j| {
        let a = (i as f32 + 0.5) / cols as f32;
        let b = (j as f32 + 0.5 + bow_offset(bow, a)) / rows as f32;
        let (x, y) = rect.point(a, b);
        image::Luma([sample(img, x, y).round().clamp(0.0, 255.0) as u8])
    })
}

/// One text line of the zone in full-resolution image coordinates: the two ends of its ink on
/// the line's centre line (first character's left edge to last character's right edge, in
/// reading order), its character (cap) height, and its bow: a page bent in the booklet bends
/// its lines, and the centre line is then a parabola through the two ends whose middle lies
/// `bow` pixels off the chord, across it (towards the line's underside when positive).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineGeom {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub height: f32,
    pub bow: f32,
}

impl LineGeom {
    pub fn length(&self) -> f32 {
        ((self.x1 - self.x0).powi(2) + (self.y1 - self.y0).powi(2)).sqrt()
    }

    /// The line moved across itself by `d` pixels (towards its underside for positive `d`),
    /// its height scaled by `scale`, and its ends moved out by `grow` pixels each.
    pub fn varied(&self, d: f32, scale: f32, grow: f32) -> LineGeom {
        let len = self.length().max(1.0);
        let (ux, uy) = ((self.x1 - self.x0) / len, (self.y1 - self.y0) / len);
        let (nx, ny) = (-uy, ux);
        LineGeom {
            x0: self.x0 + d * nx - grow * ux,
            y0: self.y0 + d * ny - grow * uy,
            x1: self.x1 + d * nx + grow * ux,
            y1: self.y1 + d * ny + grow * uy,
            height: self.height * scale,
            bow: self.bow,
        }
    }

    /// The line continued along its own centre line by `before` pixels before its first end and
    /// `after` pixels beyond its last (negative: cut back), measured along the chord. A bent line
    /// stays on its parabola: the new ends and the new chord's middle are points of it.
    pub fn extended(&self, before: f32, after: f32) -> LineGeom {
        let len = self.length().max(1.0);
        let ((x0, y0), _) = self.at(-before);
        let ((x1, y1), _) = self.at(len + after);
        // The new bow: how far the parabola's point half-way along lies off the new chord.
        let ((mx, my), _) = self.at((len + after - before) / 2.0);
        let chord = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt().max(1.0);
        let (nx, ny) = (-(y1 - y0) / chord, (x1 - x0) / chord);
        let bow = if self.bow == 0.0 { 0.0 } else { (mx - (x0 + x1) / 2.0) * nx + (my - (y0 + y1) / 2.0) * ny };
        LineGeom { x0, y0, x1, y1, height: self.height, bow }
    }

    /// The same line read the other way round (its underside is now the other side).
    pub fn reversed(&self) -> LineGeom {
        LineGeom { x0: self.x1, y0: self.y1, x1: self.x0, y1: self.y0, height: self.height, bow: -self.bow }
    }

    /// The centre line's point at `s` pixels along the chord from the first end (negative or
    /// beyond the length: the parabola continued), and the unit across direction there (the
    /// parabola's normal, towards the underside).
    pub fn at(&self, s: f32) -> ((f32, f32), (f32, f32)) {
        let len = self.length().max(1.0);
        let (ux, uy) = ((self.x1 - self.x0) / len, (self.y1 - self.y0) / len);
        let (nx, ny) = (-uy, ux);
        let t = s / len;
        let off = bow_offset(self.bow, t);
        let slope = self.bow * 4.0 * (1.0 - 2.0 * t) / len;
        let norm = (1.0 + slope * slope).sqrt();
        let point = (self.x0 + s * ux + off * nx, self.y0 + s * uy + off * ny);
        (point, ((nx - slope * ux) / norm, (ny - slope * uy) / norm))
    }
}

/// A normalised recognizer input: `STRIP_HEIGHT` x `STRIP_WIDTH`, row-major, 0 = ink, 1 = paper.
#[derive(Clone, Debug, PartialEq)]
pub struct Strip {
    pub data: Vec<f32>,
    /// The number of characters the strip was laid out for.
    pub chars: usize,
}

/// Samples one MRZ line of `chars` characters into a recognizer strip (the contract of
/// `models/mrz/MANIFEST.md`): the box from one character height before the first glyph to one
/// after the last, one height above and below the centre line, resampled to `8 n + 16` x 32,
/// contrast-normalised between the 5th and 95th percentiles and padded with paper to 368.
pub fn strip(img: &GrayImage, line: &LineGeom, chars: usize) -> Strip {
    let chars = chars.clamp(1, (STRIP_WIDTH - 16) / STRIP_PITCH);
    let wc = STRIP_PITCH * chars + 16;
    let len = line.length().max(1.0);
    let (ux, uy) = ((line.x1 - line.x0) / len, (line.y1 - line.y0) / len);
    let h = line.height.max(1.0);
    let rect = OrientedRect {
        cx: (line.x0 + line.x1) / 2.0,
        cy: (line.y0 + line.y1) / 2.0,
        ux,
        uy,
        length: len + 2.0 * h,
        height: 2.0 * h,
    };
    let mut raw = vec![0f32; STRIP_HEIGHT * wc];
    if line.bow == 0.0 {
        for j in 0..STRIP_HEIGHT {
            let b = (j as f32 + 0.5) / STRIP_HEIGHT as f32;
            for i in 0..wc {
                let a = (i as f32 + 0.5) / wc as f32;
                let (x, y) = rect.point(a, b);
                raw[j * wc + i] = sample(img, x, y);
            }
        }
    } else {
        // Along the bent centre line: each column across at the parabola's own normal.
        for i in 0..wc {
            let s = ((i as f32 + 0.5) / wc as f32) * rect.length - h;
            let ((px, py), (nx, ny)) = line.at(s);
            for j in 0..STRIP_HEIGHT {
                let across = ((j as f32 + 0.5) / STRIP_HEIGHT as f32 - 0.5) * rect.height;
                raw[j * wc + i] = sample(img, px + across * nx, py + across * ny);
            }
        }
    }
    let (p5, p95) = percentiles(&raw);
    let scale = 1.0 / (p95 - p5).max(1.0);
    let mut data = vec![1.0f32; STRIP_HEIGHT * STRIP_WIDTH];
    for j in 0..STRIP_HEIGHT {
        for i in 0..wc {
            data[j * STRIP_WIDTH + i] = ((raw[j * wc + i] - p5) * scale).clamp(0.0, 1.0);
        }
    }
    Strip { data, chars }
}

/// The 5th and 95th percentiles with linear interpolation (numpy's default).
fn percentiles(values: &[f32]) -> (f32, f32) {
    let mut v = values.to_vec();
    v.sort_unstable_by(f32::total_cmp);
    let at = |q: f32| {
        let pos = q * (v.len() - 1) as f32;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f32)
    };
    (at(0.05), at(0.95))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilinear_sampling() {
        let img = GrayImage::from_fn(4, 1, |x, _| image::Luma([(x * 80) as u8]));
        assert_eq!(sample(&img, 0.5, 0.5), 0.0);
        assert_eq!(sample(&img, 1.0, 0.5), 40.0);
        assert_eq!(sample(&img, 3.5, 0.5), 240.0);
        assert_eq!(sample(&img, 9.0, 0.5), 240.0);
        assert_eq!(sample(&img, -5.0, 0.5), 0.0);
    }

    #[test]
    fn upright_and_rotated_rects_agree() {
        // A dark bar drawn at 90°; sampling along it gives the same raster as sampling an
        // upright copy.
        let upright = GrayImage::from_fn(100, 40, |x, y| image::Luma([if (15..25).contains(&y) && x > 10 { 20 } else { 220 }]));
        let rotated = GrayImage::from_fn(40, 100, |x, y| *upright.get_pixel(y, 39 - x));
        let a = sample_rect(&upright, &OrientedRect { cx: 50.0, cy: 20.0, ux: 1.0, uy: 0.0, length: 100.0, height: 40.0 }, 100, 40);
        let b = sample_rect(&rotated, &OrientedRect { cx: 20.0, cy: 50.0, ux: 0.0, uy: 1.0, length: 100.0, height: 40.0 }, 100, 40);
        assert_eq!(a, b);
    }

    #[test]
    fn sample_rect_is_sample_at_every_cell_centre() {
        let img = GrayImage::from_fn(90, 70, |x, y| image::Luma([((x * 37 + y * 11 + x * y) % 256) as u8]));
        let rects = [
            OrientedRect { cx: 45.0, cy: 35.0, ux: 1.0, uy: 0.0, length: 60.0, height: 20.0 },
            OrientedRect { cx: 40.0, cy: 30.0, ux: 0.8, uy: 0.6, length: 70.3, height: 33.1 },
            // Partly outside the image: the edge pixels are repeated.
            OrientedRect { cx: 10.0, cy: 65.0, ux: -0.6, uy: 0.8, length: 80.0, height: 50.0 },
        ];
        for rect in rects {
            let (cols, rows) = (53, 21);
            let got = sample_rect(&img, &rect, cols, rows);
            for j in 0..rows {
                for i in 0..cols {
                    let (x, y) = rect.point((i as f32 + 0.5) / cols as f32, (j as f32 + 0.5) / rows as f32);
                    let want = sample(&img, x, y).round();
                    let diff = (f32::from(got.get_pixel(i, j)[0]) - want).abs();
                    assert!(diff <= 1.0, "{rect:?} cell ({i},{j}): {} vs {want}", got.get_pixel(i, j)[0]);
                }
            }
        }
    }

    #[test]
    fn varied_line_geometry() {
        let l = LineGeom { x0: 10.0, y0: 50.0, x1: 110.0, y1: 50.0, height: 10.0, bow: 0.0 };
        assert_eq!(l.varied(0.0, 1.0, 0.0), l);
        let v = l.varied(2.0, 1.2, 3.0);
        assert_eq!((v.x0, v.y0, v.x1, v.y1), (7.0, 52.0, 113.0, 52.0));
        assert!((v.height - 12.0).abs() < 1e-5);
        // Read the other way round, "down" is the other side.
        let r = l.reversed().varied(2.0, 1.0, 0.0);
        assert_eq!((r.y0, r.y1), (48.0, 48.0));
    }

    #[test]
    fn extended_lines_stay_on_their_parabola() {
        let straight = LineGeom { x0: 10.0, y0: 50.0, x1: 110.0, y1: 50.0, height: 10.0, bow: 0.0 };
        let e = straight.extended(20.0, -5.0);
        assert!((e.x0 + 10.0).abs() < 1e-4 && (e.x1 - 105.0).abs() < 1e-4 && e.y0 == 50.0 && e.y1 == 50.0 && e.bow == 0.0);
        // A bent line continued 50 px before its start: the new chord's middle lies on the old
        // parabola, and the new ends and the old line's points agree.
        let bent = LineGeom { bow: 8.0, ..straight };
        let e = bent.extended(50.0, 0.0);
        assert!((e.x0 + 40.0).abs() < 1e-3 && (e.x1 - 110.0).abs() < 1e-3 && e.y0 < 40.0 && e.bow > 8.0, "{e:?}");
        for s in [0.0f32, 25.0, 75.0, 100.0] {
            let (old, _) = bent.at(s);
            // The point of the new line nearest to the old one lies within a pixel of it.
            let near = (0..=1600)
                .map(|k| e.at(k as f32 / 10.0).0)
                .map(|(x, y)| ((x - old.0).powi(2) + (y - old.1).powi(2)).sqrt())
                .fold(f32::MAX, f32::min);
            assert!(near < 1.0, "at {s}: {old:?} is {near} px off");
        }
        assert_eq!(bent.extended(0.0, 0.0), bent);
    }

    #[test]
    fn strip_layout_and_normalisation() {
        let img = GrayImage::from_fn(300, 60, |x, y| image::Luma([if (25..35).contains(&y) && (50..250).contains(&x) && x % 10 < 6 { 30 } else { 200 }]));
        let line = LineGeom { x0: 50.0, y0: 30.0, x1: 250.0, y1: 30.0, height: 10.0, bow: 0.0 };
        let s = strip(&img, &line, 30);
        assert_eq!(s.data.len(), STRIP_HEIGHT * STRIP_WIDTH);
        let wc = 8 * 30 + 16;
        assert!(s.data.iter().all(|v| (0.0..=1.0).contains(v)));
        // Padding is paper.
        assert!(s.data[STRIP_WIDTH - 1] == 1.0 && s.data[wc + 5] == 1.0);
        // The centre row has ink, the top row (one height above the line) none.
        let centre = &s.data[16 * STRIP_WIDTH..16 * STRIP_WIDTH + wc];
        assert!(centre.iter().any(|&v| v < 0.1));
        assert!(s.data[..wc].iter().all(|&v| v > 0.9));
        // Reading the other way mirrors the strip.
        let r = strip(&img, &line.reversed(), 30);
        assert!((r.data[16 * STRIP_WIDTH] - s.data[16 * STRIP_WIDTH + wc - 1]).abs() < 0.05);
    }

    /// A line of glyph boxes whose centre line bows `bow` pixels down at its middle.
    fn bowed_line_image(bow: f32) -> GrayImage {
        GrayImage::from_fn(300, 80, |x, y| {
            let t = (x as f32 - 50.0) / 200.0;
            let centre = 40.0 + bow * 4.0 * t * (1.0 - t);
            let ink = (50..250).contains(&x) && x % 10 < 6 && (y as f32 - centre).abs() < 5.0;
            image::Luma([if ink { 30 } else { 200 }])
        })
    }

    /// Mean ink row (strip rows) of each of the strip's columns that holds ink.
    fn ink_rows(s: &Strip, wc: usize) -> Vec<f32> {
        (0..wc)
            .filter_map(|i| {
                let rows: Vec<f32> = (0..STRIP_HEIGHT).filter(|&j| s.data[j * STRIP_WIDTH + i] < 0.3).map(|j| j as f32).collect();
                (!rows.is_empty()).then(|| rows.iter().sum::<f32>() / rows.len() as f32)
            })
            .collect()
    }

    #[test]
    fn a_bowed_line_is_sampled_along_its_bow() {
        let img = bowed_line_image(8.0);
        let bowed = LineGeom { x0: 50.0, y0: 40.0, x1: 250.0, y1: 40.0, height: 10.0, bow: 8.0 };
        let wc = 8 * 20 + 16;
        // Along the bow every glyph sits on the strip's middle row.
        // The mean ink row of the strip's left, middle and right thirds.
        let thirds = |rows: &[f32]| -> [f32; 3] {
            let n = rows.len() / 3;
            [0, 1, 2].map(|k| rows[k * n..(k + 1) * n].iter().sum::<f32>() / n as f32)
        };
        let rows = ink_rows(&strip(&img, &bowed, 20), wc);
        assert!(rows.len() > 40);
        assert!(thirds(&rows).iter().all(|r| (r - 15.5).abs() <= 1.25), "{:?}", thirds(&rows));
        // Along the chord the middle glyphs sit far lower than the ends.
        let t = thirds(&ink_rows(&strip(&img, &LineGeom { bow: 0.0, ..bowed }, 20), wc));
        assert!(t[1] - t[0] > 2.5 && t[1] - t[2] > 2.5, "{t:?}");
        // Reversed, the bow is on the other side of the reading direction: same strip mirrored.
        assert_eq!(bowed.reversed().bow, -8.0);
        let rows = ink_rows(&strip(&img, &bowed.reversed(), 20), wc);
        assert!(thirds(&rows).iter().all(|r| (r - 15.5).abs() <= 1.25), "{:?}", thirds(&rows));
        // The centre line's middle is `bow` off the chord; its normal there is the chord's.
        let ((x, y), (nx, ny)) = bowed.at(100.0);
        assert!((x - 150.0).abs() < 1e-4 && (y - 48.0).abs() < 1e-4 && nx.abs() < 1e-6 && (ny - 1.0).abs() < 1e-6);
    }
}
