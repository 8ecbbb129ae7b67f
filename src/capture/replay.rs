//! Replay: a recorded sequence (`manifest.json`, format `passread-sequence/1`) or a plain
//! directory of image files read in name order, paced at the recorded rate or as fast as
//! possible.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{CaptureError, Frame, FrameSource, PixelFormat};

/// The recorded-sequence format's name.
pub const SEQUENCE_FORMAT: &str = "passread-sequence/1";
/// Frame rate assumed for a directory of image files.
pub const DEFAULT_FPS: u32 = 15;

/// `manifest.json` of a recorded sequence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub pixel_format: String,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub frames: Vec<ManifestFrame>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManifestFrame {
    pub file: String,
    pub t_ms: u64,
}

/// How fast a replay delivers frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// At the recorded times.
    Realtime,
    /// As fast as they are asked for.
    Fast,
}

#[derive(Debug)]
pub struct ReplaySource {
    dir: PathBuf,
    format: PixelFormat,
    width: u32,
    height: u32,
    frames: Vec<ManifestFrame>,
    next: usize,
    pace: Pace,
    started: Option<Instant>,
}

fn is_image_file(p: &Path) -> bool {
    let ext = p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    matches!(ext.as_deref(), Some("png" | "jpg" | "jpeg" | "bmp" | "tif" | "tiff"))
}

impl ReplaySource {
    pub fn open(dir: &Path, pace: Pace) -> Result<ReplaySource, CaptureError> {
        let rec = |message: String| CaptureError::Recording { path: dir.to_path_buf(), message };
        let manifest_path = dir.join("manifest.json");
        if manifest_path.exists() {
            let text = std::fs::read_to_string(&manifest_path)
                .map_err(|source| CaptureError::Io { path: manifest_path.clone(), source })?;
            let m: Manifest = serde_json::from_str(&text).map_err(|e| rec(format!("manifest.json: {e}")))?;
            if m.format != SEQUENCE_FORMAT {
                return Err(rec(format!("manifest format {:?}, expected {SEQUENCE_FORMAT:?}", m.format)));
            }
            let format = PixelFormat::from_fourcc(&m.pixel_format)
                .ok_or_else(|| rec(format!("pixel format {:?} (MJPG, YUYV or GREY)", m.pixel_format)))?;
            crate::input::check_dimensions(m.width, m.height).map_err(|e| rec(e.to_string()))?;
            if m.frames.iter().any(|f| f.file.contains('/') || f.file.contains("..")) {
                return Err(rec("frame file names must be plain names in the sequence directory".into()));
            }
            return Ok(ReplaySource {
                dir: dir.into(),
                format,
                width: m.width,
                height: m.height,
                frames: m.frames,
                next: 0,
                pace,
                started: None,
            });
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|source| CaptureError::Io { path: dir.into(), source })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && is_image_file(p))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(rec("no manifest.json and no image files (PNG, JPEG, BMP, TIFF)".into()));
        }
        let period = 1000 / u64::from(DEFAULT_FPS);
        let frames = files
            .iter()
            .enumerate()
            .map(|(i, p)| ManifestFrame {
                file: p.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                t_ms: i as u64 * period,
            })
            .collect();
        Ok(ReplaySource { dir: dir.into(), format: PixelFormat::File, width: 0, height: 0, frames, next: 0, pace, started: None })
    }

    /// Frames in the recording.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }
}

impl FrameSource for ReplaySource {
    fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError> {
        let Some(entry) = self.frames.get(self.next) else { return Ok(None) };
        let index = self.next as u64;
        self.next += 1;
        if self.pace == Pace::Realtime {
            let start = *self.started.get_or_insert_with(Instant::now);
            let due = start + Duration::from_millis(entry.t_ms);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        let path = self.dir.join(&entry.file);
        let data = std::fs::read(&path).map_err(|source| CaptureError::Io { path: path.clone(), source })?;
        let stride = match self.format {
            PixelFormat::Yuyv => self.width * 2,
            _ => self.width,
        };
        Ok(Some(Frame { index, t_ms: entry.t_ms, format: self.format, width: self.width, height: self.height, stride, data }))
    }

    fn describe(&self) -> String {
        format!("replay of {} ({} frames, {})", self.dir.display(), self.frames.len(), self.format.fourcc())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture_sequence;
    use super::*;


    #[test]
    fn recorded_sequence_replays_every_frame_in_order() {
        let mut src = ReplaySource::open(&fixture_sequence("upside_down_yuyv_640x480"), Pace::Fast).unwrap();
        let n = src.len();
        assert!(n > 10);
        let mut last = None;
        let mut count = 0;
        while let Some(f) = src.next_frame().unwrap() {
            assert_eq!(f.index, count);
            assert_eq!((f.format, f.width, f.height, f.stride), (PixelFormat::Yuyv, 640, 480, 1280));
            if let Some(t) = last {
                assert!(f.t_ms > t);
            }
            last = Some(f.t_ms);
            assert_eq!(f.to_luma().unwrap().dimensions(), (640, 480));
            count += 1;
        }
        assert_eq!(count as usize, n);
        assert!(src.next_frame().unwrap().is_none(), "stays ended");
    }

    #[test]
    fn realtime_pacing_follows_the_recorded_times() {
        let mut src = ReplaySource::open(&fixture_sequence("td3_mjpeg_1280x720"), Pace::Realtime).unwrap();
        let t0 = Instant::now();
        for _ in 0..4 {
            src.next_frame().unwrap().unwrap();
        }
        // Frames 0..3 are due at 0, 67, 133, 200 ms.
        assert!(t0.elapsed() >= Duration::from_millis(195), "{:?}", t0.elapsed());
    }

    #[test]
    fn a_directory_of_images_is_a_source() {
        let dir = std::env::temp_dir().join(format!("passread-replay-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let still = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stills");
        let some: Vec<PathBuf> = std::fs::read_dir(&still)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "png") && p.metadata().unwrap().len() > 10_000)
            .take(2)
            .collect();
        assert_eq!(some.len(), 2);
        std::fs::copy(&some[0], dir.join("frame_001.png")).unwrap();
        std::fs::copy(&some[1], dir.join("frame_000.png")).unwrap();
        std::fs::write(dir.join("notes.txt"), "not a frame").unwrap();
        let mut src = ReplaySource::open(&dir, Pace::Fast).unwrap();
        assert_eq!(src.len(), 2);
        let f0 = src.next_frame().unwrap().unwrap();
        assert_eq!(f0.data, std::fs::read(&some[1]).unwrap(), "name order");
        assert!(f0.to_luma().unwrap().width() > 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_recordings_are_clear_errors() {
        let dir = std::env::temp_dir().join(format!("passread-replay-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(ReplaySource::open(&dir, Pace::Fast).unwrap_err().to_string().contains("no manifest.json"));
        std::fs::write(dir.join("manifest.json"), r#"{"format":"other/2"}"#).unwrap();
        assert!(ReplaySource::open(&dir, Pace::Fast).is_err());
        let m = r#"{"format":"passread-sequence/1","pixel_format":"NV12","width":64,"height":64,"fps":15,"frames":[]}"#;
        std::fs::write(dir.join("manifest.json"), m).unwrap();
        assert!(ReplaySource::open(&dir, Pace::Fast).unwrap_err().to_string().contains("NV12"));
        let m = r#"{"format":"passread-sequence/1","pixel_format":"GREY","width":64,"height":64,"fps":15,"frames":[{"file":"../x","t_ms":0}]}"#;
        std::fs::write(dir.join("manifest.json"), m).unwrap();
        assert!(ReplaySource::open(&dir, Pace::Fast).is_err());
        let m = r#"{"format":"passread-sequence/1","pixel_format":"GREY","width":64,"height":64,"fps":15,"frames":[{"file":"gone.grey","t_ms":0}]}"#;
        std::fs::write(dir.join("manifest.json"), m).unwrap();
        let mut src = ReplaySource::open(&dir, Pace::Fast).unwrap();
        assert!(src.next_frame().is_err(), "a missing frame file is an error");
        std::fs::write(dir.join("gone.grey"), [0u8; 10]).unwrap();
        let mut src = ReplaySource::open(&dir, Pace::Fast).unwrap();
        assert!(src.next_frame().unwrap().unwrap().to_luma().is_err(), "short frame");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
