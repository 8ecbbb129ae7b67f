//! The request body: `image` (base64) or `url`, and `country_code`.

use serde::Deserialize;

use crate::error::Error;

/// The JSON body of `POST /v2/{project_id}/ocr/passport`. Unknown keys are ignored, as the cloud
/// service does, so clients that send extra options keep working.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct PassportRequest {
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
}

/// Which reading the caller asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `country_code` absent or empty: the reader decides from the document.
    Auto,
    /// `GENERAL` (or any other issuing-state code): the machine-readable zone only.
    General,
    /// `CHN`: every field of a Chinese mainland passport.
    Chinese,
}

impl Mode {
    /// Parses `country_code`: absent or empty = auto, `GENERAL` = MRZ only, `CHN` = Chinese full
    /// read; another code of 1–3 letters (an issuing state) reads the MRZ only. Anything else
    /// is an invalid parameter.
    pub fn from_country_code(code: Option<&str>) -> Result<Mode, Error> {
        let code = code.map(str::trim).unwrap_or("");
        match code {
            "" | "auto" | "AUTO" => Ok(Mode::Auto),
            "GENERAL" => Ok(Mode::General),
            "CHN" => Ok(Mode::Chinese),
            c if (1..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_uppercase()) => Ok(Mode::General),
            c => Err(Error::InvalidParameter(format!(
                "country_code must be absent, GENERAL, CHN or an issuing state code, got {:?}",
                c.chars().take(16).collect::<String>()
            ))),
        }
    }
}

/// Where the image comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageSource {
    Base64(String),
    Url(String),
}

/// A request that passed validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidRequest {
    pub source: ImageSource,
    pub mode: Mode,
}

impl PassportRequest {
    /// Exactly one of `image` and `url`, and a valid `country_code`; else AIS.0101.
    pub fn validate(self) -> Result<ValidRequest, Error> {
        let mode = Mode::from_country_code(self.country_code.as_deref())?;
        let source = match (self.image, self.url) {
            (Some(i), None) if !i.is_empty() => ImageSource::Base64(i),
            (None, Some(u)) if !u.is_empty() => ImageSource::Url(u),
            (Some(_), Some(_)) => return Err(Error::InvalidParameter("set either image or url, not both".into())),
            _ => return Err(Error::InvalidParameter("image or url is required".into())),
        };
        Ok(ValidRequest { source, mode })
    }

    /// Parses and validates a JSON body; malformed JSON is AIS.0101.
    pub fn from_json(body: &[u8]) -> Result<ValidRequest, Error> {
        let req: PassportRequest = serde_json::from_slice(body)
            .map_err(|e| Error::InvalidParameter(format!("request body is not the expected JSON: {e}")))?;
        req.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<ValidRequest, Error>) -> &'static str {
        r.unwrap_err().api_code().code()
    }

    #[test]
    fn valid_requests() {
        let r = PassportRequest::from_json(br#"{"image":"/9j/4AAQ","country_code":"GENERAL"}"#).unwrap();
        assert_eq!(r, ValidRequest { source: ImageSource::Base64("/9j/4AAQ".into()), mode: Mode::General });
        let r = PassportRequest::from_json(br#"{"url":"https://x/y"}"#).unwrap();
        assert_eq!(r.mode, Mode::Auto);
        let r = PassportRequest::from_json(br#"{"image":"AA","country_code":"CHN","extra":1}"#).unwrap();
        assert_eq!(r.mode, Mode::Chinese);
        assert_eq!(Mode::from_country_code(Some("D")).unwrap(), Mode::General);
        assert_eq!(Mode::from_country_code(Some("")).unwrap(), Mode::Auto);
    }

    #[test]
    fn invalid_requests() {
        assert_eq!(code(PassportRequest::from_json(b"")), "AIS.0101");
        assert_eq!(code(PassportRequest::from_json(b"{}")), "AIS.0101");
        assert_eq!(code(PassportRequest::from_json(br#"{"image":"AA","url":"u"}"#)), "AIS.0101");
        assert_eq!(code(PassportRequest::from_json(br#"{"image":""}"#)), "AIS.0101");
        assert_eq!(code(PassportRequest::from_json(br#"{"image":5}"#)), "AIS.0101");
        assert_eq!(code(PassportRequest::from_json(br#"{"image":"AA","country_code":"chn1"}"#)), "AIS.0101");
        assert_eq!(code(PassportRequest::from_json(b"[1,2]")), "AIS.0101");
    }
}
