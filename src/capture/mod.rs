//! Frames: where the kiosk's images come from.
//!
//! A [`FrameSource`] yields raw [`Frame`]s in the camera's own pixel format; [`Frame::to_luma`]
//! turns one into the grey image every later stage works on. Two sources implement the trait:
//! [`v4l2::V4l2Source`] (a camera, through the `v4l` crate) and [`replay::ReplaySource`]
//! (a recorded sequence or a directory of image files). [`record`] writes the recorded format.

pub mod convert;
pub mod record;
pub mod replay;
pub mod v4l2;

use std::path::PathBuf;

use image::GrayImage;

/// Pixel formats the kiosk reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PixelFormat {
    /// Motion JPEG: each frame a JPEG image (possibly without Huffman tables).
    Mjpg,
    /// YUV 4:2:2, Y0 U Y1 V byte order.
    Yuyv,
    /// 8-bit grey.
    Grey,
    /// An image file (PNG, JPEG, BMP, TIFF) from a directory of frames.
    File,
}

impl PixelFormat {
    /// The V4L2 FourCC / manifest name.
    pub fn fourcc(self) -> &'static str {
        match self {
            PixelFormat::Mjpg => "MJPG",
            PixelFormat::Yuyv => "YUYV",
            PixelFormat::Grey => "GREY",
            PixelFormat::File => "FILE",
        }
    }

    pub fn from_fourcc(s: &str) -> Option<PixelFormat> {
        match s {
            "MJPG" => Some(PixelFormat::Mjpg),
            "YUYV" => Some(PixelFormat::Yuyv),
            "GREY" => Some(PixelFormat::Grey),
            _ => None,
        }
    }

    /// File extension used by the recorded format.
    pub fn extension(self) -> &'static str {
        match self {
            PixelFormat::Mjpg => "jpg",
            PixelFormat::Yuyv => "yuyv",
            PixelFormat::Grey => "grey",
            PixelFormat::File => "img",
        }
    }
}

/// One frame as the source delivered it.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Position in the stream, from 0.
    pub index: u64,
    /// Capture time in milliseconds since the stream's first frame.
    pub t_ms: u64,
    pub format: PixelFormat,
    pub width: u32,
    pub height: u32,
    /// Bytes per row for the raw formats (YUYV, GREY).
    pub stride: u32,
    pub data: Vec<u8>,
}

impl Frame {
    /// The frame as full-resolution luma.
    pub fn to_luma(&self) -> Result<GrayImage, CaptureError> {
        let luma = match self.format {
            PixelFormat::Yuyv => convert::yuyv_to_luma(&self.data, self.width, self.height, self.stride),
            PixelFormat::Grey => convert::grey_to_luma(&self.data, self.width, self.height, self.stride),
            PixelFormat::Mjpg => convert::mjpeg_to_luma(&self.data),
            PixelFormat::File => crate::input::decode_local(&self.data)
                .map(|d| d.image.to_luma8())
                .map_err(|e| CaptureError::BadFrame { index: 0, message: e.to_string() }),
        };
        // The converters know bytes, not frames: the frame's index goes on here.
        luma.map_err(|e| match e {
            CaptureError::BadFrame { message, .. } => CaptureError::BadFrame { index: self.index, message },
            other => other,
        })
    }
}

/// Something that yields frames: a camera or a recording.
pub trait FrameSource: Send {
    /// The next frame. `Ok(None)`: the source has ended (a replay finished). An error is a
    /// frame that did not come; a camera source recovers on later calls (it re-opens the
    /// device), so the caller keeps calling.
    fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError>;

    /// What the source is, for logs and the health endpoint.
    fn describe(&self) -> String;
}

/// A recorded sequence under `tests/fixtures/sequences`, for tests.
#[cfg(test)]
pub(crate) fn fixture_sequence(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sequences").join(name)
}

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("camera {device}: {message}")]
    Camera { device: PathBuf, message: String },
    #[error("camera {device}: no frame within {timeout_ms} ms")]
    Timeout { device: PathBuf, timeout_ms: u64 },
    #[error("recording {path}: {message}")]
    Recording { path: PathBuf, message: String },
    #[error("frame {index}: {message}")]
    BadFrame { index: u64, message: String },
}
