//! Image input: base64 bodies and image files to decoded pixels, within the API's limits.
//!
//! Only PNG, JPEG, BMP and TIFF are compiled in. The header is read first and its dimensions
//! checked (15..=8192 px a side) before any pixel buffer is allocated, and the decoders run with
//! allocation limits, so a file that claims to be huge costs nothing. JPEG/TIFF EXIF orientation
//! is applied. A JPEG is decoded to its luma plane only (every stage reads luma). Empty, corrupt
//! and truncated files give AIS.0102 (not a valid image of an accepted format); nothing here
//! panics on hostile input (see the fuzz target `image_input`).

mod base64;

pub use self::base64::{decode_base64, MAX_BASE64_LEN};

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, Limits};

use crate::error::Error;

/// Largest accepted image file on the API (the spec's 10 MB, for `image` and `url`).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Largest image file read from the local disk (`recognize`, `eval`, `bench`, replays): the API's
/// 10 MB is a request limit, and an uncompressed 12 MP BMP or TIFF from a local camera is 36 MB.
/// Memory stays bounded by [`MAX_DECODED_BYTES`] either way.
pub const MAX_LOCAL_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Smallest accepted side in pixels.
pub const MIN_SIDE: u32 = 15;
/// Largest accepted side in pixels.
pub const MAX_SIDE: u32 = 8192;
/// Largest decoded pixel buffer: an 8192 x 8192 RGBA8 image. Wider sample types at that size
/// are refused (AIS.0103) rather than allocated.
pub const MAX_DECODED_BYTES: u64 = 8192 * 8192 * 4;

/// A decoded image, orientation applied.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub image: DynamicImage,
    pub format: ImageFormat,
}

impl Decoded {
    pub fn width(&self) -> u32 {
        self.image.width()
    }
    pub fn height(&self) -> u32 {
        self.image.height()
    }
}

/// The format of `bytes` by its signature, if it is one we accept.
pub fn sniff(bytes: &[u8]) -> Result<ImageFormat, Error> {
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Bmp | ImageFormat::Tiff)) => Ok(f),
        Ok(other) => Err(Error::UnsupportedFormat(format!("{other:?} images are not accepted (PNG, JPEG, BMP, TIFF)"))),
        Err(_) => Err(Error::UnsupportedFormat("not a PNG, JPEG, BMP or TIFF file".into())),
    }
}

/// Checks image dimensions against the API's limits.
pub fn check_dimensions(width: u32, height: u32) -> Result<(), Error> {
    let ok = |s: u32| (MIN_SIDE..=MAX_SIDE).contains(&s);
    if ok(width) && ok(height) {
        Ok(())
    } else {
        Err(Error::ImageSize(format!("{width}x{height} px; each side must be {MIN_SIDE} to {MAX_SIDE} px")))
    }
}

fn header_error(e: ImageError) -> Error {
    match e {
        ImageError::Limits(l) => Error::ImageSize(l.to_string()),
        other => Error::UnsupportedFormat(format!("unreadable image header: {other}")),
    }
}

fn pixel_error(e: ImageError) -> Error {
    match e {
        ImageError::Limits(l) => Error::ImageSize(l.to_string()),
        other => Error::UnsupportedFormat(format!("corrupt or truncated image data: {other}")),
    }
}

/// A JPEG ends with an EOI marker (possibly followed by a little padding); a file cut short
/// does not. The JPEG decoder fills missing data silently, so this is checked here.
fn jpeg_complete(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(4096).max(bytes.len() / 2)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

fn decode_with(mut decoder: impl ImageDecoder) -> Result<DynamicImage, Error> {
    let (w, h) = decoder.dimensions();
    check_dimensions(w, h)?;
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(Error::ImageSize(format!("{w}x{h} px at {:?} would need {} bytes", decoder.color_type(), decoder.total_bytes())));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES + (16 << 20));
    decoder.set_limits(limits).map_err(header_error)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(pixel_error)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// A JPEG decoder that gives the luma plane only, refusing sides over [`MAX_SIDE`] (also used
/// for camera MJPEG frames).
pub fn luma_jpeg_decoder(bytes: &[u8]) -> zune_jpeg::JpegDecoder<zune_core::bytestream::ZCursor<&[u8]>> {
    use zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(MAX_SIDE as usize)
        .set_max_height(MAX_SIDE as usize);
    zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options)
}

/// The luma plane of a JPEG, EXIF orientation applied, within the same limits as the other
/// formats (dimensions checked from the header before any pixels are decoded).
fn decode_jpeg_luma(bytes: &[u8]) -> Result<DynamicImage, Error> {
    let mut decoder = luma_jpeg_decoder(bytes);
    let unreadable = |e: zune_jpeg::errors::DecodeErrors| Error::UnsupportedFormat(format!("unreadable JPEG: {e:?}"));
    decoder.decode_headers().map_err(unreadable)?;
    let info = decoder.info().ok_or_else(|| Error::UnsupportedFormat("JPEG without a frame header".into()))?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    check_dimensions(w, h)?;
    let orientation = decoder
        .exif()
        .and_then(|exif| image::metadata::Orientation::from_exif_chunk(exif))
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let pixels = decoder.decode().map_err(unreadable)?;
    if pixels.len() != w as usize * h as usize {
        return Err(Error::UnsupportedFormat(format!("JPEG decoded to {} bytes for {w}x{h} luma", pixels.len())));
    }
    let luma = image::GrayImage::from_raw(w, h, pixels).ok_or_else(|| Error::UnsupportedFormat("JPEG size".into()))?;
    let mut image = DynamicImage::ImageLuma8(luma);
    image.apply_orientation(orientation);
    Ok(image)
}

/// Decodes an image file's bytes within the API's limits.
pub fn decode(bytes: &[u8]) -> Result<Decoded, Error> {
    decode_within(bytes, MAX_FILE_BYTES)
}

/// Decodes a local file's bytes (limit [`MAX_LOCAL_FILE_BYTES`]).
pub fn decode_local(bytes: &[u8]) -> Result<Decoded, Error> {
    decode_within(bytes, MAX_LOCAL_FILE_BYTES)
}

fn decode_within(bytes: &[u8], max_bytes: usize) -> Result<Decoded, Error> {
    if bytes.len() > max_bytes {
        return Err(Error::ImageSize(format!("{} bytes; the limit is {max_bytes}", bytes.len())));
    }
    if bytes.is_empty() {
        return Err(Error::UnsupportedFormat("the image file is empty".into()));
    }
    let format = sniff(bytes)?;
    if format == ImageFormat::Jpeg && !jpeg_complete(bytes) {
        return Err(Error::UnsupportedFormat("truncated JPEG: no end-of-image marker".into()));
    }
    let cursor = Cursor::new(bytes);
    let image = match format {
        ImageFormat::Png => decode_with(image::codecs::png::PngDecoder::new(cursor).map_err(header_error)?),
        // Only the luma plane: every stage reads luma, and decoding a 12 MP photo's chroma and
        // converting it to RGB costs more than the whole search. A JPEG the luma path refuses
        // (CMYK, say) goes through the full decoder and its error.
        ImageFormat::Jpeg => match decode_jpeg_luma(bytes) {
            Ok(image) => Ok(image),
            Err(e @ Error::ImageSize(_)) => Err(e),
            Err(e) => {
                log::debug!("JPEG luma decoding failed ({e}); decoding in full");
                decode_with(image::codecs::jpeg::JpegDecoder::new(cursor).map_err(header_error)?)
            }
        },
        ImageFormat::Bmp => decode_with(image::codecs::bmp::BmpDecoder::new(cursor).map_err(header_error)?),
        ImageFormat::Tiff => decode_with(image::codecs::tiff::TiffDecoder::new(cursor).map_err(header_error)?),
        other => Err(Error::UnsupportedFormat(format!("{other:?}"))),
    }?;
    Ok(Decoded { image, format })
}

/// Reads and decodes an image file. A file over the size limit is refused without reading it.
pub fn read_file(path: &std::path::Path) -> Result<Decoded, Error> {
    let io = |source| Error::Io { path: path.display().to_string(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_LOCAL_FILE_BYTES as u64 {
        return Err(Error::ImageSize(format!("{} bytes; the limit is {MAX_LOCAL_FILE_BYTES}", meta.len())));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    decode_local(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, ImageEncoder, Luma, RgbImage};

    fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn sample(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 128])))
    }

    #[test]
    fn every_accepted_format_decodes() {
        let img = sample(40, 30);
        for f in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Bmp, ImageFormat::Tiff] {
            let d = decode(&encode(&img, f)).unwrap_or_else(|e| panic!("{f:?}: {e}"));
            assert_eq!((d.width(), d.height(), d.format), (40, 30, f));
        }
    }

    fn code(r: Result<Decoded, Error>) -> &'static str {
        r.unwrap_err().api_code().code()
    }

    #[test]
    fn size_limits() {
        assert_eq!(code(decode(&encode(&sample(14, 30), ImageFormat::Png))), "AIS.0103");
        assert_eq!(code(decode(&encode(&sample(30, 14), ImageFormat::Png))), "AIS.0103");
        assert!(decode(&encode(&sample(15, 15), ImageFormat::Png)).is_ok());
        let wide = DynamicImage::ImageLuma8(GrayImage::from_pixel(8193, 15, Luma([200])));
        assert_eq!(code(decode(&encode(&wide, ImageFormat::Png))), "AIS.0103");
        let edge = DynamicImage::ImageLuma8(GrayImage::from_pixel(8192, 15, Luma([200])));
        assert!(decode(&encode(&edge, ImageFormat::Png)).is_ok());
        assert_eq!(code(decode(&vec![0u8; MAX_FILE_BYTES + 1])), "AIS.0103");
        // A local file may be larger than the API's limit (then it is just not an image here).
        assert_eq!(code(decode_local(&vec![0u8; MAX_FILE_BYTES + 1])), "AIS.0102");
        assert_eq!(code(decode_local(&vec![0u8; MAX_LOCAL_FILE_BYTES + 1])), "AIS.0103");
    }

    /// A PNG whose header claims `w` x `h` but which carries almost no data.
    fn lying_png(w: u32, h: u32) -> Vec<u8> {
        let mut png = encode(&DynamicImage::ImageLuma8(GrayImage::new(16, 16)), ImageFormat::Png);
        png[16..20].copy_from_slice(&w.to_be_bytes());
        png[20..24].copy_from_slice(&h.to_be_bytes());
        // Fix the IHDR CRC so the header itself is well formed.
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        png
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn huge_claims_are_refused_before_allocation() {
        assert_eq!(code(decode(&lying_png(9000, 100))), "AIS.0103");
        assert_eq!(code(decode(&lying_png(100_000, 100_000))), "AIS.0103");
        // Within limits but with no data: refused as corrupt, not a panic.
        assert_eq!(code(decode(&lying_png(8192, 8192))), "AIS.0102");
    }

    #[test]
    fn corrupt_and_unsupported() {
        assert_eq!(code(decode(b"")), "AIS.0102");
        assert_eq!(code(decode(b"hello world, not an image")), "AIS.0102");
        assert_eq!(code(decode(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")), "AIS.0102");
        assert_eq!(code(decode(b"RIFF\x10\x00\x00\x00WEBPVP8 ")), "AIS.0102");
        let png = encode(&sample(64, 64), ImageFormat::Png);
        for cut in [8, 20, 40, png.len() / 2, png.len() - 13] {
            assert_eq!(code(decode(&png[..cut])), "AIS.0102", "cut {cut}");
        }
        for f in [ImageFormat::Jpeg, ImageFormat::Bmp, ImageFormat::Tiff] {
            let bytes = encode(&sample(64, 64), f);
            for cut in [4, 12, 30, bytes.len() / 3, bytes.len() * 2 / 3] {
                assert_eq!(code(decode(&bytes[..cut])), "AIS.0102", "{f:?} cut {cut}");
            }
        }
    }

    #[test]
    fn jpeg_decodes_to_its_luma_plane() {
        // Smooth colours with a dark text-like bar: the luma plane is the picture's luma.
        let src = DynamicImage::ImageRgb8(RgbImage::from_fn(64, 48, |x, y| {
            let bar = (20..28).contains(&y) && x % 8 < 5;
            if bar { image::Rgb([30, 20, 60]) } else { image::Rgb([(120 + x) as u8, (150 + y) as u8, 200]) }
        }));
        let bytes = encode(&src, ImageFormat::Jpeg);
        let d = decode(&bytes).unwrap();
        let DynamicImage::ImageLuma8(ours) = &d.image else { panic!("not luma: {:?}", d.image.color()) };
        // JPEG's Y is BT.601 luma; `to_luma8` uses BT.709 weights, which differ on colour.
        let bt601 = |img: &RgbImage| {
            image::GrayImage::from_fn(img.width(), img.height(), |x, y| {
                let [r, g, b] = img.get_pixel(x, y).0.map(f32::from);
                image::Luma([(0.299 * r + 0.587 * g + 0.114 * b).round() as u8])
            })
        };
        let full = bt601(&image::load_from_memory(&bytes).unwrap().to_rgb8());
        let truth = bt601(&src.to_rgb8());
        assert_eq!(ours.dimensions(), truth.dimensions());
        let mean_err = |img: &image::GrayImage| {
            img.iter().zip(truth.iter()).map(|(&a, &b)| f64::from(a.abs_diff(b))).sum::<f64>() / (64.0 * 48.0)
        };
        assert!(mean_err(ours) <= mean_err(&full) + 0.25, "luma plane {} vs RGB decode {}", mean_err(ours), mean_err(&full));
        assert!(mean_err(ours) < 2.0, "{}", mean_err(ours));
    }

    #[test]
    fn exif_orientation_applied() {
        // A 40x20 JPEG with an EXIF APP1 segment saying "rotate 90° clockwise" (orientation 6).
        let img = sample(40, 20);
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .write_image(img.as_bytes(), 40, 20, image::ExtendedColorType::Rgb8)
            .unwrap();
        let exif: &[u8] = &[
            b'E', b'x', b'i', b'f', 0, 0, // Exif header
            b'M', b'M', 0, 42, 0, 0, 0, 8, // TIFF header, big endian, IFD at 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // Orientation = 6
            0, 0, 0, 0, // no next IFD
        ];
        let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1];
        with_exif.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        with_exif.extend_from_slice(exif);
        with_exif.extend_from_slice(&jpeg[2..]);
        let d = decode(&with_exif).unwrap();
        assert_eq!((d.width(), d.height()), (20, 40));
    }
}
