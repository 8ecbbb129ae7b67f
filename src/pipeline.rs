//! The engine: one object that runs the stages in order. Each stage is a public function of
//! its own module, so it can be run and inspected alone; the engine only hands typed values from
//! one to the next.
//!
//! In this build the image stages end after input: no MRZ locator or recognizer model is
//! installed yet, so an image is decoded and checked against the API's limits, then answered
//! with an honest AIS.0105. Zones given as text go through the full MRZ engine.

use crate::error::Error;
use crate::input::{self, Decoded};
use crate::mrz::{Document, Ymd};
pub use crate::result::Mode;
use crate::result::{mrz_result, PassportResult};

/// The reader. Cheap to share across threads; create once, reuse for every image.
#[derive(Debug, Default)]
pub struct Engine {
    today: Option<Ymd>,
}

impl Engine {
    pub fn new() -> Self {
        Engine::default()
    }

    /// Reads dates relative to a fixed day instead of the system clock (tests, replays).
    pub fn with_today(today: Ymd) -> Self {
        Engine { today: Some(today) }
    }

    pub fn today(&self) -> Ymd {
        self.today.unwrap_or_else(Ymd::today)
    }

    /// Stage 1: decode and check an image file's bytes.
    pub fn decode(&self, bytes: &[u8]) -> Result<Decoded, Error> {
        input::decode(bytes)
    }

    /// Reads a decoded image.
    pub fn recognize(&self, image: &Decoded, mode: Mode) -> Result<PassportResult, Error> {
        log::debug!("recognize {}x{} {:?} image, mode {mode:?}", image.width(), image.height(), image.format);
        Err(Error::NotFound("no machine-readable zone recognizer is installed in this build".into()))
    }

    /// Decodes and reads an image file's bytes.
    pub fn recognize_bytes(&self, bytes: &[u8], mode: Mode) -> Result<PassportResult, Error> {
        let image = self.decode(bytes)?;
        self.recognize(&image, mode)
    }

    /// Parses a zone given as text (2 or 3 lines).
    pub fn parse_mrz(&self, lines: &[&str]) -> Result<Document, Error> {
        Ok(Document::parse(lines, self.today())?)
    }

    /// The MRZ-shaped result of a zone given as text.
    pub fn result_from_mrz(&self, lines: &[&str]) -> Result<(Document, PassportResult), Error> {
        let doc = self.parse_mrz(lines)?;
        let result = PassportResult::Mrz(Box::new(mrz_result(&doc, None)));
        Ok((doc, result))
    }
}

/// The `checks` object printed by `passread parse-mrz`: each check digit and whether it holds.
pub fn checks_json(doc: &Document) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for c in &doc.checks {
        m.insert(c.kind.name().to_owned(), serde_json::Value::Bool(c.valid));
    }
    serde_json::Value::Object(m)
}

/// Everything `passread parse-mrz` prints about a zone besides the API result.
pub fn document_details(doc: &Document) -> serde_json::Value {
    let s = |v: &str| serde_json::Value::String(v.to_owned());
    serde_json::json!({
        "format": doc.format.name(),
        "document_code": s(&doc.document_code),
        "issuing_state": s(&doc.issuing_state),
        "issuing_state_known": doc.issuing_state_known,
        "nationality": s(&doc.nationality),
        "nationality_known": doc.nationality_known,
        "optional_data": s(&doc.optional_data),
        "optional_data2": s(&doc.optional_data2),
        "document_number_extended": doc.document_number_extended,
        "name_possibly_truncated": doc.name_possibly_truncated,
        "date_of_birth_partial": doc.date_of_birth.partial,
        "date_of_expiry_partial": doc.date_of_expiry.partial,
        "grammar_errors": doc.grammar_errors,
        "chinese_mainland_passport": doc.is_chinese_mainland_passport(),
        "valid": doc.is_valid(),
        "checks": checks_json(doc),
    })
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_get_an_honest_not_found() {
        let img = image::DynamicImage::new_luma8(64, 64);
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let e = Engine::new().recognize_bytes(png.get_ref(), Mode::Auto).unwrap_err();
        assert_eq!(e.api_code().code(), "AIS.0105");
        let e = Engine::new().recognize_bytes(b"junk", Mode::Auto).unwrap_err();
        assert_eq!(e.api_code().code(), "AIS.0102");
    }

    #[test]
    fn text_zone_to_result() {
        let engine = Engine::with_today(Ymd::new(2026, 11, 30));
        let (doc, result) = engine
            .result_from_mrz(&["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"])
            .unwrap();
        assert!(doc.is_valid());
        let PassportResult::Mrz(r) = result else { panic!("MRZ shape expected") };
        assert_eq!(r.surname, "ERIKSSON");
        let checks = checks_json(&doc);
        assert_eq!(checks["composite"], true);
        assert_eq!(checks.as_object().unwrap().len(), 5);
    }
}
