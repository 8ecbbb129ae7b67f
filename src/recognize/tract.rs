//! The MRZ line model run by tract: loaded once, optimised for the fixed strip shape, reused.

use std::sync::Arc;

use tract_onnx::prelude::*;

use super::LineModel;
use crate::error::Error;
use crate::rectify::{Strip, STRIP_HEIGHT, STRIP_WIDTH};

/// The shipped model, compiled into the binary (no file to find, nothing to download).
pub static EMBEDDED_MODEL: &[u8] = include_bytes!("../../models/mrz/mrz_rec.onnx");

type Plan = Arc<TypedRunnableModel>;

/// The MRZ line recognizer in tract.
pub struct TractLineModel {
    plan: Plan,
}

impl std::fmt::Debug for TractLineModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TractLineModel")
    }
}

fn model_error(e: impl std::fmt::Display) -> Error {
    Error::Model(e.to_string())
}

impl TractLineModel {
    /// Loads an ONNX model with input `1 x 1 x 32 x 368` and output `1 x T x 38`.
    pub fn from_onnx(bytes: &[u8]) -> Result<Self, Error> {
        let plan = tract_onnx::onnx()
            .model_for_read(&mut std::io::Cursor::new(bytes))
            .map_err(model_error)?
            .with_input_fact(0, f32::fact([1, 1, STRIP_HEIGHT, STRIP_WIDTH]).into())
            .map_err(model_error)?
            .into_optimized()
            .map_err(model_error)?
            .into_runnable()
            .map_err(model_error)?;
        let model = TractLineModel { plan };
        // Check the output shape once, at load time.
        let probe = Strip { data: vec![1.0; STRIP_HEIGHT * STRIP_WIDTH], chars: 44 };
        super::check_output_len(model.log_probs(&probe)?.len())?;
        Ok(model)
    }

    /// The model shipped in `models/mrz/`.
    pub fn embedded() -> Result<Self, Error> {
        Self::from_onnx(EMBEDDED_MODEL)
    }
}

impl LineModel for TractLineModel {
    fn log_probs(&self, strip: &Strip) -> Result<Vec<f32>, Error> {
        let input = Tensor::from_shape(&[1, 1, STRIP_HEIGHT, STRIP_WIDTH], &strip.data).map_err(model_error)?;
        let out = self.plan.run(tvec!(input.into())).map_err(model_error)?;
        let view = out[0].to_plain_array_view::<f32>().map_err(model_error)?;
        Ok(view.iter().copied().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::read_line;
    use sha2::Digest;

    fn models_dir() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/mrz")
    }

    #[test]
    fn shipped_model_matches_its_manifest() {
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(models_dir().join("manifest.json")).unwrap()).unwrap();
        for f in manifest["files"].as_array().unwrap() {
            let bytes = std::fs::read(models_dir().join(f["path"].as_str().unwrap())).unwrap();
            let digest: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(digest, f["sha256"].as_str().unwrap(), "{}", f["path"]);
            assert_eq!(bytes.len() as u64, f["bytes"].as_u64().unwrap());
        }
        // The embedded copy is the file the manifest describes.
        let digest: String = sha2::Sha256::digest(EMBEDDED_MODEL).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(digest, manifest["files"][0]["sha256"].as_str().unwrap());
    }

    #[test]
    fn tract_reads_the_example_strips() {
        let model = TractLineModel::embedded().unwrap();
        let examples = std::fs::read_to_string(models_dir().join("examples.jsonl")).unwrap();
        let mut n = 0;
        for line in examples.lines().filter(|l| !l.trim().is_empty()) {
            let e: serde_json::Value = serde_json::from_str(line).unwrap();
            let img = image::open(models_dir().join("examples").join(e["file"].as_str().unwrap())).unwrap().to_luma8();
            assert_eq!(img.dimensions(), (STRIP_WIDTH as u32, STRIP_HEIGHT as u32));
            let strip = Strip { data: img.iter().map(|&v| f32::from(v) / 255.0).collect(), chars: e["chars"].as_u64().unwrap() as usize };
            let reading = read_line(&model, &strip).unwrap();
            assert_eq!(reading.text, e["text"].as_str().unwrap());
            n += 1;
        }
        assert!(n >= 8);
    }
}
