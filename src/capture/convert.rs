//! Camera pixel formats to luma.
//!
//! YUYV and GREY are copied row by row (the stride may exceed the width). MJPEG frames are
//! decoded to their luma plane only (no colour conversion); frames without Huffman tables,
//! which many UVC cameras send, get the standard tables of ITU-T T.81 Annex K.

use image::GrayImage;

use super::CaptureError;

fn bad(message: impl Into<String>) -> CaptureError {
    CaptureError::BadFrame { index: 0, message: message.into() }
}

fn check_size(len: usize, stride: u32, row_bytes: u32, height: u32) -> Result<(), CaptureError> {
    if row_bytes > 0 && stride >= row_bytes && height > 0 {
        let need = stride as usize * (height as usize - 1) + row_bytes as usize;
        if len >= need {
            return Ok(());
        }
        return Err(bad(format!("{len} bytes, need {need} for {height} rows of stride {stride}")));
    }
    Err(bad(format!("bad geometry: row {row_bytes} bytes, stride {stride}, height {height}")))
}

/// The Y samples of a YUYV (Y0 U Y1 V) frame.
pub fn yuyv_to_luma(data: &[u8], width: u32, height: u32, stride: u32) -> Result<GrayImage, CaptureError> {
    if width % 2 != 0 {
        return Err(bad(format!("YUYV width {width} is odd")));
    }
    check_size(data.len(), stride, width * 2, height)?;
    let mut out = Vec::with_capacity(width as usize * height as usize);
    for row in data.chunks(stride as usize).take(height as usize) {
        out.extend(row[..width as usize * 2].iter().step_by(2));
    }
    Ok(GrayImage::from_raw(width, height, out).expect("size checked"))
}

/// A GREY (Y8) frame, stride removed.
pub fn grey_to_luma(data: &[u8], width: u32, height: u32, stride: u32) -> Result<GrayImage, CaptureError> {
    check_size(data.len(), stride, width, height)?;
    let mut out = Vec::with_capacity(width as usize * height as usize);
    for row in data.chunks(stride as usize).take(height as usize) {
        out.extend_from_slice(&row[..width as usize]);
    }
    Ok(GrayImage::from_raw(width, height, out).expect("size checked"))
}

/// The luma plane of an MJPEG frame.
pub fn mjpeg_to_luma(jpeg: &[u8]) -> Result<GrayImage, CaptureError> {
    let fixed;
    let data = if needs_default_tables(jpeg) {
        fixed = with_avi1_marker(jpeg);
        &fixed[..]
    } else {
        jpeg
    };
    let mut decoder = crate::input::luma_jpeg_decoder(data);
    let pixels = decoder.decode().map_err(|e| bad(format!("MJPEG frame: {e:?}")))?;
    let info = decoder.info().ok_or_else(|| bad("MJPEG frame without a header"))?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    if pixels.len() != w as usize * h as usize {
        return Err(bad(format!("MJPEG frame decoded to {} bytes for {w}x{h}", pixels.len())));
    }
    GrayImage::from_raw(w, h, pixels).ok_or_else(|| bad("MJPEG frame size"))
}

/// Segments of a JPEG stream up to the first start-of-scan: (marker, payload range).
fn segments(jpeg: &[u8]) -> impl Iterator<Item = (u8, usize, usize)> + '_ {
    let mut pos = 2; // after SOI
    std::iter::from_fn(move || {
        if pos + 4 > jpeg.len() || jpeg[pos] != 0xFF {
            return None;
        }
        let marker = jpeg[pos + 1];
        let len = u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]) as usize;
        let start = pos;
        pos += 2 + len;
        if marker == 0xDA {
            pos = usize::MAX - 8; // stop after SOS
        }
        Some((marker, start, len))
    })
}

/// True when the frame has no DHT segment before its scan and no `AVI1` marker (which makes the
/// decoder use the standard tables by itself).
pub fn needs_default_tables(jpeg: &[u8]) -> bool {
    if jpeg.len() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 {
        return false;
    }
    let mut has_dht = false;
    let mut has_avi1 = false;
    for (marker, start, len) in segments(jpeg) {
        match marker {
            0xC4 => has_dht = true,
            0xE0 if len >= 7 && jpeg.get(start + 4..start + 9) == Some(b"AVI1\0") => has_avi1 = true,
            _ => {}
        }
    }
    !has_dht && !has_avi1
}

/// The frame with an `APP0 AVI1` segment after SOI: the marker of Motion-JPEG (AVI) frames,
/// whose Huffman tables are the standard ones; the decoder then fills in the missing tables.
fn with_avi1_marker(jpeg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(jpeg.len() + 9);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x07, b'A', b'V', b'I', b'1', 0x00]);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture_sequence;
    use super::*;


    #[test]
    fn yuyv_takes_every_other_byte_and_honours_stride() {
        // 4x2, stride 10 (2 padding bytes per row).
        let data = [10, 1, 20, 2, 30, 3, 40, 4, 99, 99, 50, 5, 60, 6, 70, 7, 80, 8];
        let g = yuyv_to_luma(&data, 4, 2, 10).unwrap();
        assert_eq!(g.as_raw(), &[10, 20, 30, 40, 50, 60, 70, 80]);
        assert!(yuyv_to_luma(&data[..17], 4, 2, 10).is_err());
        assert!(yuyv_to_luma(&data, 3, 2, 10).is_err());
        assert!(yuyv_to_luma(&data, 4, 2, 4).is_err());
    }

    #[test]
    fn grey_removes_stride() {
        let data = [1, 2, 3, 0, 4, 5, 6];
        assert_eq!(grey_to_luma(&data, 3, 2, 4).unwrap().as_raw(), &[1, 2, 3, 4, 5, 6]);
        assert!(grey_to_luma(&data, 3, 3, 4).is_err());
        assert!(grey_to_luma(&[], 0, 0, 0).is_err());
    }

    /// A recorded YUYV frame: its luma matches the luma the generator rendered (the recorded
    /// frame's Y plane is the truth; here: plausible statistics and exact dimensions).
    #[test]
    fn recorded_yuyv_frame_converts() {
        let dir = fixture_sequence("upside_down_yuyv_640x480");
        let data = std::fs::read(dir.join("frame_008.yuyv")).unwrap();
        assert_eq!(data.len(), 640 * 480 * 2);
        let g = yuyv_to_luma(&data, 640, 480, 1280).unwrap();
        assert_eq!(g.dimensions(), (640, 480));
        // Every Y sample is taken: the sum of luma equals the sum of the even bytes.
        let even: u64 = data.iter().step_by(2).map(|&b| u64::from(b)).sum();
        let got: u64 = g.as_raw().iter().map(|&b| u64::from(b)).sum();
        assert_eq!(even, got);
        // A page is in view on this frame: bright paper and dark print.
        let bright = g.as_raw().iter().filter(|&&v| v > 170).count();
        let dark = g.as_raw().iter().filter(|&&v| v < 60).count();
        assert!(bright > 20_000 && dark > 500, "bright {bright} dark {dark}");
    }

    /// MJPEG luma equals the luma of a full decode (to within JPEG rounding).
    #[test]
    fn recorded_mjpeg_frame_matches_full_decode() {
        let data = std::fs::read(fixture_sequence("td3_mjpeg_1280x720").join("frame_008.jpg")).unwrap();
        let g = mjpeg_to_luma(&data).unwrap();
        let full = image::load_from_memory(&data).unwrap().to_luma8();
        assert_eq!(g.dimensions(), full.dimensions());
        // The full decode goes through RGB (chroma upsampling, Rec. 709 weights): small
        // differences only.
        let total: i64 = g.as_raw().iter().zip(full.as_raw()).map(|(&a, &b)| i64::from(a.abs_diff(b))).sum();
        let mean = total as f64 / g.as_raw().len() as f64;
        assert!(mean < 1.5, "mean abs diff {mean}");
    }

    /// A frame with its Huffman tables removed (as UVC cameras send them) decodes to the
    /// same pixels, because the fixture was encoded with the standard tables.
    #[test]
    fn mjpeg_without_huffman_tables_decodes() {
        let data = std::fs::read(fixture_sequence("td3_mjpeg_1280x720").join("frame_008.jpg")).unwrap();
        assert!(!needs_default_tables(&data));
        let mut stripped = data[..2].to_vec();
        let mut rest_from = 2;
        let segs: Vec<_> = segments(&data).collect();
        for (marker, start, len) in segs {
            if marker == 0xDA {
                stripped.extend_from_slice(&data[start..]);
                rest_from = data.len();
                break;
            }
            if marker != 0xC4 {
                stripped.extend_from_slice(&data[start..start + 2 + len]);
            }
        }
        assert_eq!(rest_from, data.len(), "scan found");
        assert!(stripped.len() < data.len());
        assert!(needs_default_tables(&stripped));
        let a = mjpeg_to_luma(&data).unwrap();
        let b = mjpeg_to_luma(&stripped).unwrap();
        assert_eq!(a.as_raw(), b.as_raw());
    }

    #[test]
    fn garbage_mjpeg_is_an_error() {
        assert!(mjpeg_to_luma(&[]).is_err());
        assert!(mjpeg_to_luma(&[0xFF, 0xD8, 0xFF]).is_err());
        assert!(mjpeg_to_luma(b"not a jpeg at all").is_err());
        let data = std::fs::read(fixture_sequence("td3_mjpeg_1280x720").join("frame_008.jpg")).unwrap();
        let _ = mjpeg_to_luma(&data[..data.len() / 2]); // truncated: no panic
    }
}
