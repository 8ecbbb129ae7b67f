//! Recording: frames from any source into the replayable sequence format
//! (`manifest.json` + one file per frame, the camera's bytes unchanged).

use std::path::Path;

use super::replay::{Manifest, ManifestFrame, SEQUENCE_FORMAT};
use super::{CaptureError, FrameSource, PixelFormat};

/// Records up to `frames` frames from `source` into `out` (created if needed). Frames that fail
/// to arrive are skipped after `max_failures` consecutive failures the recording stops with
/// the error. Returns the number of frames written.
pub fn record(source: &mut dyn FrameSource, frames: usize, out: &Path, fps: u32) -> Result<usize, CaptureError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CaptureError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let mut manifest: Option<Manifest> = None;
    let mut failures = 0;
    let mut first_t = None;
    while manifest.as_ref().map_or(0, |m| m.frames.len()) < frames {
        let frame = match source.next_frame() {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                failures += 1;
                log::warn!("recording: {e}");
                if failures >= 5 {
                    return Err(e);
                }
                continue;
            }
        };
        failures = 0;
        if frame.format == PixelFormat::File {
            return Err(CaptureError::Recording {
                path: out.into(),
                message: "a directory of image files is already a replayable source".into(),
            });
        }
        let m = manifest.get_or_insert_with(|| Manifest {
            format: SEQUENCE_FORMAT.into(),
            pixel_format: frame.format.fourcc().into(),
            width: frame.width,
            height: frame.height,
            fps,
            frames: Vec::new(),
        });
        if (frame.width, frame.height, frame.format.fourcc()) != (m.width, m.height, m.pixel_format.as_str()) {
            return Err(CaptureError::Recording { path: out.into(), message: "the camera changed format mid-recording".into() });
        }
        let t0 = *first_t.get_or_insert(frame.t_ms);
        let file = format!("frame_{:03}.{}", m.frames.len(), frame.format.extension());
        // Raw formats are stored without row padding.
        let data = match frame.format {
            PixelFormat::Yuyv | PixelFormat::Grey => {
                let row = if frame.format == PixelFormat::Yuyv { frame.width * 2 } else { frame.width } as usize;
                let mut d = Vec::with_capacity(row * frame.height as usize);
                for r in frame.data.chunks(frame.stride.max(1) as usize).take(frame.height as usize) {
                    d.extend_from_slice(&r[..row.min(r.len())]);
                }
                d
            }
            _ => frame.data,
        };
        let path = out.join(&file);
        std::fs::write(&path, &data).map_err(io(&path))?;
        m.frames.push(ManifestFrame { file, t_ms: frame.t_ms.saturating_sub(t0) });
    }
    let Some(m) = manifest else {
        return Err(CaptureError::Recording { path: out.into(), message: "the source gave no frames".into() });
    };
    let path = out.join("manifest.json");
    let json = serde_json::to_string_pretty(&m).expect("manifest serializes");
    std::fs::write(&path, json).map_err(io(&path))?;
    Ok(m.frames.len())
}

#[cfg(test)]
mod tests {
    use super::super::replay::{Pace, ReplaySource};
    use super::*;

    #[test]
    fn recording_a_replay_reproduces_it() {
        let src_dir = super::super::fixture_sequence("upside_down_yuyv_640x480");
        let out = std::env::temp_dir().join(format!("passread-record-{}", std::process::id()));
        let mut src = ReplaySource::open(&src_dir, Pace::Fast).unwrap();
        assert_eq!(record(&mut src, 5, &out, 15).unwrap(), 5);
        let mut a = ReplaySource::open(&src_dir, Pace::Fast).unwrap();
        let mut b = ReplaySource::open(&out, Pace::Fast).unwrap();
        assert_eq!(b.len(), 5);
        for _ in 0..5 {
            let (fa, fb) = (a.next_frame().unwrap().unwrap(), b.next_frame().unwrap().unwrap());
            assert_eq!((fa.index, fa.t_ms, fa.format, &fa.data), (fb.index, fb.t_ms, fb.format, &fb.data));
        }
        std::fs::remove_dir_all(&out).unwrap();
    }
}
