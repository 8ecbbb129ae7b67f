//! A V4L2 camera through the `v4l` crate: format negotiation, memory-mapped streaming with a
//! bounded number of buffers, a read timeout, and re-opening when the camera goes away (USB
//! unplugged) and comes back, without restarting the process.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use v4l::buffer::Type;
use v4l::io::traits::CaptureStream;
use v4l::prelude::{Device, MmapStream};
use v4l::video::capture::Parameters;
use v4l::video::Capture;
use v4l::{Format, FourCC};

use super::{CaptureError, Frame, FrameSource, PixelFormat};
use crate::config::{CameraConfig, PixelFormatChoice};

/// Least time between two attempts to open the camera.
pub const REOPEN_INTERVAL: Duration = Duration::from_secs(1);

/// Formats in the order `auto` prefers them: the cheapest to turn into luma first.
pub const AUTO_ORDER: [PixelFormat; 3] = [PixelFormat::Grey, PixelFormat::Yuyv, PixelFormat::Mjpg];

/// The format to ask for, given what the camera offers.
pub fn choose_format(offered: &[PixelFormat], choice: PixelFormatChoice) -> Option<PixelFormat> {
    let wanted = match choice {
        PixelFormatChoice::Auto => return AUTO_ORDER.into_iter().find(|f| offered.contains(f)),
        PixelFormatChoice::Grey => PixelFormat::Grey,
        PixelFormatChoice::Yuyv => PixelFormat::Yuyv,
        PixelFormatChoice::Mjpg => PixelFormat::Mjpg,
    };
    offered.contains(&wanted).then_some(wanted)
}

fn fourcc(f: PixelFormat) -> FourCC {
    let s = f.fourcc().as_bytes();
    FourCC::new(&[s[0], s[1], s[2], s[3]])
}

struct Open {
    // The stream holds the device's handle; it is declared first so it is dropped first.
    stream: MmapStream<'static>,
    _device: Device,
    format: PixelFormat,
    width: u32,
    height: u32,
    stride: u32,
}

pub struct V4l2Source {
    config: CameraConfig,
    open: Option<Open>,
    last_attempt: Option<Instant>,
    started: Instant,
    index: u64,
}

impl V4l2Source {
    /// A source for the configured camera. The device is opened on the first frame request (and
    /// again after every failure), so a camera plugged in later is picked up.
    pub fn new(config: CameraConfig) -> V4l2Source {
        V4l2Source { config, open: None, last_attempt: None, started: Instant::now(), index: 0 }
    }

    /// Opens the device now, so a wrong path or an unsupported camera is reported at start-up.
    pub fn open_now(&mut self) -> Result<(), CaptureError> {
        self.open = Some(self.try_open()?);
        Ok(())
    }

    fn err(&self, message: impl Into<String>) -> CaptureError {
        CaptureError::Camera { device: self.config.device.clone(), message: message.into() }
    }

    fn try_open(&self) -> Result<Open, CaptureError> {
        let c = &self.config;
        let device = Device::with_path(&c.device).map_err(|e| self.err(format!("open: {e}")))?;
        let offered: Vec<PixelFormat> = device
            .enum_formats()
            .map_err(|e| self.err(format!("formats: {e}")))?
            .iter()
            .filter_map(|d| d.fourcc.str().ok().and_then(PixelFormat::from_fourcc))
            .collect();
        let format = choose_format(&offered, c.format).ok_or_else(|| {
            self.err(format!(
                "no usable pixel format for {:?} (camera offers {})",
                c.format,
                offered.iter().map(|f| f.fourcc()).collect::<Vec<_>>().join(", ")
            ))
        })?;
        let set = device
            .set_format(&Format::new(c.width, c.height, fourcc(format)))
            .map_err(|e| self.err(format!("set format: {e}")))?;
        if set.fourcc != fourcc(format) {
            return Err(self.err(format!("asked for {}, camera set {:?}", format.fourcc(), set.fourcc.str())));
        }
        if (set.width, set.height) != (c.width, c.height) {
            log::warn!("camera gives {}x{} instead of {}x{}", set.width, set.height, c.width, c.height);
        }
        crate::input::check_dimensions(set.width, set.height).map_err(|e| self.err(e.to_string()))?;
        if let Err(e) = device.set_params(&Parameters::with_fps(c.fps)) {
            log::warn!("camera: cannot set {} fps: {e}", c.fps);
        }
        let mut stream = MmapStream::with_buffers(&device, Type::VideoCapture, c.buffers)
            .map_err(|e| self.err(format!("buffers: {e}")))?;
        stream.set_timeout(Duration::from_millis(c.timeout_ms));
        log::info!(
            "camera {} streaming {}x{} {} ({} buffers)",
            c.device.display(),
            set.width,
            set.height,
            format.fourcc(),
            c.buffers
        );
        let stride = if set.stride > 0 { set.stride } else if format == PixelFormat::Yuyv { set.width * 2 } else { set.width };
        Ok(Open { stream, _device: device, format, width: set.width, height: set.height, stride })
    }

    pub fn device(&self) -> &PathBuf {
        &self.config.device
    }

    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }
}

impl FrameSource for V4l2Source {
    fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError> {
        if self.open.is_none() {
            if let Some(t) = self.last_attempt {
                let since = t.elapsed();
                if since < REOPEN_INTERVAL {
                    std::thread::sleep(REOPEN_INTERVAL - since);
                }
            }
            self.last_attempt = Some(Instant::now());
            self.open = Some(self.try_open()?);
        }
        let open = self.open.as_mut().expect("opened above");
        match open.stream.next() {
            Ok((buf, meta)) => {
                let used = (meta.bytesused as usize).min(buf.len());
                let used = if used == 0 { buf.len() } else { used };
                let frame = Frame {
                    index: self.index,
                    t_ms: self.started.elapsed().as_millis() as u64,
                    format: open.format,
                    width: open.width,
                    height: open.height,
                    stride: open.stride,
                    data: buf[..used].to_vec(),
                };
                self.index += 1;
                Ok(Some(frame))
            }
            Err(e) => {
                self.open = None; // re-open on the next call
                if e.kind() == std::io::ErrorKind::TimedOut {
                    Err(CaptureError::Timeout { device: self.config.device.clone(), timeout_ms: self.config.timeout_ms })
                } else {
                    Err(self.err(format!("capture: {e}")))
                }
            }
        }
    }

    fn describe(&self) -> String {
        format!("camera {}", self.config.device.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_prefers_the_cheapest_format() {
        use PixelFormat::*;
        assert_eq!(choose_format(&[Mjpg, Yuyv], PixelFormatChoice::Auto), Some(Yuyv));
        assert_eq!(choose_format(&[Mjpg], PixelFormatChoice::Auto), Some(Mjpg));
        assert_eq!(choose_format(&[Mjpg, Yuyv, Grey], PixelFormatChoice::Auto), Some(Grey));
        assert_eq!(choose_format(&[], PixelFormatChoice::Auto), None);
        assert_eq!(choose_format(&[Yuyv], PixelFormatChoice::Mjpg), None);
        assert_eq!(choose_format(&[Yuyv, Mjpg], PixelFormatChoice::Mjpg), Some(Mjpg));
    }

    #[test]
    fn fourcc_round_trips() {
        for f in AUTO_ORDER {
            assert_eq!(fourcc(f).str().unwrap(), f.fourcc());
            assert_eq!(PixelFormat::from_fourcc(f.fourcc()), Some(f));
        }
    }

    /// Without a camera (this machine has none): a clear error naming the device, and later
    /// calls retry at most once per REOPEN_INTERVAL instead of spinning.
    #[test]
    fn a_missing_camera_is_retried_at_a_bounded_rate() {
        let cfg = CameraConfig { device: "/dev/passread-no-such-camera".into(), ..CameraConfig::default() };
        let mut src = V4l2Source::new(cfg);
        let e = src.next_frame().unwrap_err();
        assert!(e.to_string().contains("/dev/passread-no-such-camera"), "{e}");
        let t = Instant::now();
        assert!(src.next_frame().is_err());
        assert!(t.elapsed() >= REOPEN_INTERVAL - Duration::from_millis(50));
        assert!(!src.is_open());
        assert!(src.open_now().is_err());
    }

    /// A path that exists but is not a video device is refused, not streamed from.
    #[test]
    fn a_non_video_device_is_refused() {
        let cfg = CameraConfig { device: "/dev/null".into(), ..CameraConfig::default() };
        let mut src = V4l2Source::new(cfg);
        assert!(src.open_now().is_err());
    }
}
