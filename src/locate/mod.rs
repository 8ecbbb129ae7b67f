//! Stage 2, locate: find the machine-readable zone at any rotation.
//!
//! 1. On the small copy (smoothed first when noisy), a black top-hat lights up dark print
//!    smaller than a character, Otsu's threshold keeps it, and square closings at four radii
//!    merge characters into lines and lines into blocks ([`candidates`]).
//! 2. Connected components summarised by their second moments: long, thin, well-filled ones are
//!    text-line candidates, longest first (the zone is the longest text on a data page).
//! 3. Each candidate's surroundings are sampled upright from the full-resolution image, and the
//!    zone's lines are found there by ink profiles ([`lines`]), each with its own ends, slope and
//!    height, so moderate perspective is followed line by line. A patch whose lines run slanted
//!    (the blob took in print beside the zone) is straightened along their own skew; a zone cut
//!    by the patch's end or edge is searched again in a larger patch.
//! 4. When no candidate holds a zone that reads, closings along one direction at a time
//!    ([`oriented`]) give more candidates: they join a line's characters without joining the
//!    zone to print a line pitch away.
//!
//! The direction found is known up to 180°: [`Zone::reversed`] gives the other reading, and the
//! recognizer decides which one reads.

pub mod blobs;
pub mod lines;
pub mod morph;
pub mod oriented;

use crate::prepare::Prepared;
use crate::rectify::{bow_offset, sample_rect, sample_rect_bowed, LineGeom, OrientedRect};

/// Black top-hat radius on the small copy (dark detail up to ~17 px wide).
const TOPHAT_RADIUS: u32 = 8;
/// Closing radii that merge characters into lines.
pub const CLOSING_RADII: [u32; 4] = [1, 2, 3, 6];
/// Candidates refined per image.
const MAX_CANDIDATES: usize = 5;
/// Longest side of a search patch in pixels.
const PATCH_MAX_LEN: f32 = 1600.0;
/// A candidate blob's width in a search patch, in pixels.
const PATCH_BLOB_WIDTH: f32 = 96.0;

/// A located zone: its lines in reading order (for one of the two directions).
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    pub lines: Vec<LineGeom>,
}

impl Zone {
    /// The zone read the other way round (rotated by 180°).
    pub fn reversed(&self) -> Zone {
        Zone { lines: self.lines.iter().rev().map(LineGeom::reversed).collect() }
    }

    /// Mean character height in full-resolution pixels.
    pub fn char_height(&self) -> f32 {
        self.lines.iter().map(|l| l.height).sum::<f32>() / self.lines.len().max(1) as f32
    }

    /// The middle of the zone's lines.
    pub fn centre(&self) -> (f32, f32) {
        let n = (2 * self.lines.len()).max(1) as f32;
        let x = self.lines.iter().map(|l| l.x0 + l.x1).sum::<f32>() / n;
        let y = self.lines.iter().map(|l| l.y0 + l.y1).sum::<f32>() / n;
        (x, y)
    }

    /// Length of the longest line in full-resolution pixels.
    pub fn length(&self) -> f32 {
        self.lines.iter().map(LineGeom::length).fold(0.0, f32::max)
    }
}

/// Text-line candidates on the small copy, best first, in small-copy coordinates.
pub fn candidates(prepared: &Prepared) -> Vec<blobs::Blob> {
    let small = &prepared.small;
    let (w, h) = (small.width() as usize, small.height() as usize);
    let mask = search_mask(prepared);
    let line_like = line_like(w, h);
    let mut found: Vec<blobs::Blob> = Vec::new();
    for r in CLOSING_RADII {
        let closed = morph::extreme_filter(&morph::extreme_filter(&mask, r, true), r, false);
        for b in blobs::blobs(closed.as_raw(), w, h, 20) {
            if line_like(&b) && !found.iter().any(|f| same_blob(f, &b)) {
                found.push(b);
            }
        }
    }
    found.sort_by(|a, b| b.length.total_cmp(&a.length));
    found.truncate(MAX_CANDIDATES);
    found
}

/// More text-line candidates, for a frame whose [`candidates`] gave no readable zone: blobs of
/// closings along four directions ([`oriented`]), which keep a zone apart from print close
/// beside it. Best first, without the blobs of `first` (what `candidates` gave).
pub fn oriented_candidates(prepared: &Prepared, first: &[blobs::Blob]) -> Vec<blobs::Blob> {
    let (w, h) = (prepared.small.width() as usize, prepared.small.height() as usize);
    let mut found: Vec<blobs::Blob> = Vec::new();
    // The page's lines run parallel: the first candidates' directions say which to search.
    let hints: Vec<f32> = first.iter().map(|b| b.uy.atan2(b.ux).to_degrees()).collect();
    for b in oriented::oriented_blobs(&search_mask(prepared), line_like(w, h), &hints) {
        if !first.iter().chain(found.iter()).any(|f| same_blob(f, &b)) {
            found.push(b);
        }
    }
    found.truncate(MAX_CANDIDATES);
    found
}

/// The shape test for a text-line blob on a `w` x `h` small copy: at least a fifth of the longer
/// side long, five times longer than wide, and filled.
fn line_like(w: usize, h: usize) -> impl Fn(&blobs::Blob) -> bool {
    let min_len = 0.2 * w.max(h) as f32;
    move |b| b.length >= min_len && b.elongation() >= 5.0 && b.fill() >= 0.35
}

/// Whether two blobs are the same line: close, parallel and of about the same length.
fn same_blob(f: &blobs::Blob, b: &blobs::Blob) -> bool {
    let d = ((f.cx - b.cx).powi(2) + (f.cy - b.cy).powi(2)).sqrt();
    let cos = (f.ux * b.ux + f.uy * b.uy).abs();
    d < 0.1 * f.length.max(b.length) && cos > 0.99 && (f.length - b.length).abs() < 0.1 * f.length
}

/// The print mask the candidates are found in: a black top-hat of the small copy (dark detail
/// smaller than a character) above Otsu's threshold, 255 = print.
pub fn search_mask(prepared: &Prepared) -> image::GrayImage {
    // Pixel noise lights up the top-hat everywhere and the closings join it into one mass: a
    // noisy copy is smoothed first (as the search patches are, `lines::patch_mask`).
    let small = morph::smoothed_if_noisy(&prepared.small, lines::NOISY, 1);
    let bh = morph::blackhat(&small, TOPHAT_RADIUS);
    let t = morph::otsu(&bh).max(20);
    let mut mask = image::GrayImage::new(bh.width(), bh.height());
    for (m, &v) in mask.iter_mut().zip(bh.iter()) {
        *m = if v > t { 255 } else { 0 };
    }
    mask
}

/// The search patch around a candidate, in full-resolution coordinates.
pub fn search_rect(prepared: &Prepared, blob: &blobs::Blob) -> OrientedRect {
    let f = prepared.factor as f32;
    OrientedRect {
        cx: blob.cx * f,
        cy: blob.cy * f,
        ux: blob.ux,
        uy: blob.uy,
        length: blob.length * 1.4 * f,
        height: (blob.width * 3.0).max(blob.length * 0.25) * f,
    }
}

/// The zone around one candidate, if its surroundings hold a zone-like group of lines.
pub fn zone_at(prepared: &Prepared, blob: &blobs::Blob) -> Option<Zone> {
    zone_at_with(prepared, blob, false)
}

/// [`zone_at`]; with `faint`, the lines' ink is taken at a lower contrast
/// ([`lines::text_lines_with`]): print in dim light beside dark background. A second try, for
/// frames where the first found nothing that reads: the lower contrast also takes in more of
/// the background and joins lines set close together.
pub fn zone_at_with(prepared: &Prepared, blob: &blobs::Blob, faint: bool) -> Option<Zone> {
    let rect = search_rect(prepared, blob);
    // Enough resolution for the lines' ends and heights, no more: the candidate's width (one
    // line or the whole zone) becomes at most PATCH_BLOB_WIDTH pixels, the patch at most 1600 long.
    let width = blob.width * prepared.factor as f32;
    let scale = (PATCH_MAX_LEN / rect.length).min(PATCH_BLOB_WIDTH / width.max(1.0)).min(1.0);
    let patch = sample_rect(&prepared.luma, &rect, patch_size(rect.length, scale), patch_size(rect.height, scale));
    if let Some((zone, cut)) = zone_in(&patch, &rect, 0.0, faint) {
        if !cut {
            return Some(zone);
        }
        // The lines run to the patch's end: the blob was only part of the zone. Once more,
        // centred on the lines, twice as long and half as tall again (a third line).
        let (cx, cy) = zone.centre();
        let longer = OrientedRect { cx, cy, length: rect.length * 2.0, height: rect.height * 1.5, ..rect };
        let scale = scale.min(PATCH_MAX_LEN / longer.length);
        let patch = sample_rect(&prepared.luma, &longer, patch_size(longer.length, scale), patch_size(longer.height, scale));
        return Some(zone_in(&patch, &longer, 0.0, faint).map_or(zone, |(z, _)| z));
    }
    // A blob that took in print beside the zone has its angle and centre a little off: the zone's
    // lines sit slanted, or partly outside the patch. Once more, along the lines' own slope and
    // with a taller patch.
    let t = lines::skew(&patch);
    let (ux, uy) = (rect.ux - t * rect.uy, rect.uy + t * rect.ux);
    let norm = (ux * ux + uy * uy).sqrt();
    let refined = OrientedRect { ux: ux / norm, uy: uy / norm, height: rect.height * 1.6, ..rect };
    let patch = sample_rect(&prepared.luma, &refined, patch_size(refined.length, scale), patch_size(refined.height, scale));
    if let Some((zone, _)) = zone_in(&patch, &refined, 0.0, faint) {
        return Some(zone);
    }
    // Lines bent (a page bowed in the booklet) further than their spacing run into one band of
    // the row profile: once more along the bow that straightens them.
    let b = lines::bow(&patch);
    if b.abs() < MIN_PATCH_BOW {
        return None;
    }
    let patch = sample_rect_bowed(&prepared.luma, &refined, patch.width(), patch.height(), b);
    zone_in(&patch, &refined, b, faint).map(|(z, _)| z)
}

/// The smallest bow (patch rows) worth sampling a search patch along.
const MIN_PATCH_BOW: f32 = 2.0;

fn patch_size(len: f32, scale: f32) -> u32 {
    (len * scale).round().max(8.0) as u32
}

/// The zone in a search patch sampled from `rect` (bowed by `bow` rows, [`sample_rect_bowed`]),
/// if it holds a zone-like group of lines, and whether its lines run to within a character
/// height of the patch's ends (cut off by them).
fn zone_in(patch: &image::GrayImage, rect: &OrientedRect, bow: f32, faint: bool) -> Option<(Zone, bool)> {
    let (cols, rows) = (patch.width(), patch.height());
    let scale = cols as f32 / rect.length;
    let found = lines::text_lines_with(patch, faint);
    let group = lines::zone_groups(&found).into_iter().next()?;
    let ends_cut = group.iter().any(|l| l.x_left < l.height || l.x_right > cols as f32 - l.height);
    // Two lines with room for a third one only beyond the patch's top or bottom: a TD1 card's
    // zone may be cut.
    let h = group[0].height;
    let (top, bottom) = (group[0].y_left.min(group[0].y_right), group[group.len() - 1].y_left.max(group[group.len() - 1].y_right));
    let rows_cut = group.len() == 2 && (top < 2.5 * h || bottom > rows as f32 - 2.5 * h);
    let cut = ends_cut || rows_cut;
    let to_image = |x: f32, y: f32| rect.point(x / cols as f32, (y + bow_offset(bow, x / cols as f32)) / rows as f32);
    let zone = Zone {
        lines: group
            .iter()
            .map(|l| {
                let (x0, y0) = to_image(l.x_left, l.y_left);
                let (x1, y1) = to_image(l.x_right, l.y_right);
                // The patch's bow over the line's part of it (a parabola's sagitta goes with the
                // square of its chord), and what the line bows in the patch besides.
                let part = l.length() / cols as f32;
                LineGeom { x0, y0, x1, y1, height: l.height / scale, bow: (l.bow + bow * part * part) / scale }
            })
            .collect(),
    };
    Some((zone, cut))
}

impl Zone {
    /// Whether two zones are the same lines (in either direction).
    pub fn same_as(&self, other: &Zone) -> bool {
        let (a, b) = (&self.lines[0], &other.lines[0]);
        let near = |p: (f32, f32), q: (f32, f32)| ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt() < 2.0 * a.height;
        near((a.x0, a.y0), (b.x0, b.y0)) || near((a.x0, a.y0), (b.x1, b.y1))
    }
}

/// Zones in the frame, most likely first, each in one of its two reading directions: those of
/// the [`candidates`], or when these hold none, those of the [`oriented_candidates`].
pub fn locate(prepared: &Prepared) -> Vec<Zone> {
    let mut zones: Vec<Zone> = Vec::new();
    let add = |blobs: &[blobs::Blob], zones: &mut Vec<Zone>| {
        for blob in blobs {
            if let Some(zone) = zone_at(prepared, blob) {
                if !zones.iter().any(|z| z.same_as(&zone)) {
                    zones.push(zone);
                }
            }
        }
    };
    let first = candidates(prepared);
    add(&first, &mut zones);
    if zones.is_empty() {
        add(&oriented_candidates(prepared, &first), &mut zones);
    }
    zones
}
