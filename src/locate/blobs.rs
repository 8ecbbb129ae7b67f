//! Connected components of a binary mask, each summarised by its second moments: centre,
//! principal direction and the length and width of the equivalent rectangle.

/// A connected component.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Blob {
    pub pixels: u32,
    pub cx: f32,
    pub cy: f32,
    /// Unit vector of the principal axis.
    pub ux: f32,
    pub uy: f32,
    /// Length and width of the rectangle with the same second moments (sqrt(12 λ)).
    pub length: f32,
    pub width: f32,
}

impl Blob {
    pub fn elongation(&self) -> f32 {
        self.length / self.width.max(1.0)
    }

    /// Fraction of the equivalent rectangle that the blob fills.
    pub fn fill(&self) -> f32 {
        self.pixels as f32 / (self.length * self.width.max(1.0)).max(1.0)
    }
}

/// 8-connected components of `mask` (non-zero = set), each folded into an accumulator: `new`
/// starts one at the component's first pixel in row-major order, `add` takes each of its pixels
/// `(x, y)`. One accumulator per component, in the order of their first pixels.
pub fn components<S>(mask: &[u8], w: usize, h: usize, mut new: impl FnMut() -> S, mut add: impl FnMut(&mut S, usize, usize)) -> Vec<S> {
    let mut seen = vec![false; w * h];
    let mut stack: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for start in 0..w * h {
        if mask[start] == 0 || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start as u32);
        let mut acc = new();
        while let Some(i) = stack.pop() {
            let i = i as usize;
            let (x, y) = (i % w, i / w);
            add(&mut acc, x, y);
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (xx, yy) = (x as i64 + dx, y as i64 + dy);
                    if xx < 0 || yy < 0 || xx >= w as i64 || yy >= h as i64 {
                        continue;
                    }
                    let j = yy as usize * w + xx as usize;
                    if mask[j] != 0 && !seen[j] {
                        seen[j] = true;
                        stack.push(j as u32);
                    }
                }
            }
        }
        out.push(acc);
    }
    out
}

/// 8-connected components of `mask` (non-zero = set) of at least `min_pixels` pixels.
pub fn blobs(mask: &[u8], w: usize, h: usize, min_pixels: u32) -> Vec<Blob> {
    // Pixel count and the sums of x, y, x², y², xy.
    let moments = components(mask, w, h, || (0u64, [0f64; 5]), |(n, m), x, y| {
        let (fx, fy) = (x as f64, y as f64);
        *n += 1;
        m[0] += fx;
        m[1] += fy;
        m[2] += fx * fx;
        m[3] += fy * fy;
        m[4] += fx * fy;
    });
    let mut out = Vec::new();
    for (n, [sx, sy, sxx, syy, sxy]) in moments {
        if n < u64::from(min_pixels) {
            continue;
        }
        let nf = n as f64;
        let (mx, my) = (sx / nf, sy / nf);
        // Pixel variance includes 1/12 for the unit square each pixel covers.
        let cxx = sxx / nf - mx * mx + 1.0 / 12.0;
        let cyy = syy / nf - my * my + 1.0 / 12.0;
        let cxy = sxy / nf - mx * my;
        let tr = cxx + cyy;
        let det = cxx * cyy - cxy * cxy;
        let disc = (tr * tr / 4.0 - det).max(0.0).sqrt();
        let (l1, l2) = (tr / 2.0 + disc, (tr / 2.0 - disc).max(0.0));
        let theta = 0.5 * (2.0 * cxy).atan2(cxx - cyy);
        out.push(Blob {
            pixels: n as u32,
            cx: mx as f32 + 0.5,
            cy: my as f32 + 0.5,
            ux: theta.cos() as f32,
            uy: theta.sin() as f32,
            length: (12.0 * l1).sqrt() as f32,
            width: (12.0 * l2).sqrt() as f32,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotated_bar() {
        let (w, h) = (200usize, 200usize);
        let mut mask = vec![0u8; w * h];
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = (x as f32 + 0.5 - 100.0, y as f32 + 0.5 - 100.0);
                let (a, b) = (dx * c + dy * s, -dx * s + dy * c);
                if a.abs() <= 60.0 && b.abs() <= 5.0 {
                    mask[y * w + x] = 1;
                }
            }
        }
        mask[0] = 1; // a speck below the size limit
        let bs = blobs(&mask, w, h, 10);
        assert_eq!(bs.len(), 1);
        let b = bs[0];
        assert!((b.cx - 100.0).abs() < 0.5 && (b.cy - 100.0).abs() < 0.5);
        assert!((b.length - 120.0).abs() < 3.0, "{}", b.length);
        assert!((b.width - 10.0).abs() < 1.5, "{}", b.width);
        let angle = b.uy.atan2(b.ux).to_degrees().rem_euclid(180.0);
        assert!((angle - 30.0).abs() < 1.0, "{angle}");
        assert!(b.fill() > 0.9);
    }
}
