//! The API contract: response bodies exactly as the cloud Passport API returns them
//! (`../shared/spec/passport-api.txt`), and the request body.
//!
//! Two result shapes, each with the spec's field order: [`ChineseResult`] (all 13 fields of a
//! Chinese mainland e-passport plus `extra_info.local_language`) and [`MrzResult`] (the seven
//! fields of the machine-readable zone plus the raw lines). A field the document does not have
//! is absent, never null or empty.

mod confidence;
mod from_mrz;
mod request;

pub use confidence::Confidence;
pub use from_mrz::{mrz_confidence, mrz_result, names_in_pinyin};
pub use request::{ImageSource, Mode, PassportRequest, ValidRequest};

use serde::{Deserialize, Serialize};

use crate::error::{ApiErrorCode, Error};

/// The result of a Chinese mainland ordinary e-passport. A field that could not be read is
/// absent (with its confidence), never empty.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChineseResult {
    pub passport_type: String,
    pub country_code: String,
    pub passport_number: String,
    pub nationality: String,
    pub surname: String,
    pub given_name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date_of_birth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date_of_expiry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date_of_issue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub place_of_birth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub place_of_issue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issuing_authority: Option<String>,
    pub extra_info: ExtraInfo,
    pub confidence: Confidence,
}

/// The result read from a machine-readable zone (every other passport, ID card and visa).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MrzResult {
    pub country_code: String,
    pub surname: String,
    pub given_name: String,
    pub passport_number: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date_of_birth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date_of_expiry: Option<String>,
    pub machine_code: String,
    pub machine_code2: String,
    /// The third line of a TD1 card.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub machine_code3: Option<String>,
    pub extra_info: ExtraInfo,
    pub confidence: Confidence,
}

/// `extra_info`: `{}` except for Chinese mainland passports.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraInfo {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub local_language: Option<LocalLanguage>,
}

/// The Chinese text of a Chinese mainland passport, as printed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalLanguage {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub place_of_birth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub place_of_issue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issuing_authority: Option<String>,
    pub nationality: String,
}

/// A recognition result of either shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PassportResult {
    Chinese(Box<ChineseResult>),
    Mrz(Box<MrzResult>),
}

/// The body of a failed call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub error_code: String,
    pub error_msg: String,
}

impl ErrorBody {
    pub fn new(code: ApiErrorCode) -> Self {
        ErrorBody { error_code: code.code().to_owned(), error_msg: code.message().to_owned() }
    }
}

impl From<&Error> for ErrorBody {
    fn from(e: &Error) -> Self {
        ErrorBody { error_code: e.api_code().code().to_owned(), error_msg: e.public_message() }
    }
}

/// A response body: `{"result": {...}}` or `{"error_code": ..., "error_msg": ...}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Response {
    Ok { result: PassportResult },
    Err(ErrorBody),
}

impl Response {
    pub fn from_outcome(outcome: &Result<PassportResult, Error>) -> Response {
        match outcome {
            Ok(r) => Response::Ok { result: r.clone() },
            Err(e) => Response::Err(e.into()),
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self, Response::Ok { .. })
    }

    /// One line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            // Serialising these plain types cannot fail; answer in the API's shape regardless.
            log::error!("response serialisation failed: {e}");
            format!(
                r#"{{"error_code":"{}","error_msg":"{}"}}"#,
                ApiErrorCode::RecognitionFailed.code(),
                ApiErrorCode::RecognitionFailed.message()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spec's Chinese example, as published (minus its trailing comma, which is not JSON).
    const SPEC_CHINESE: &str = r#"{
    "result": {
        "passport_type": "P", "country_code": "CHN", "passport_number": "ED999XXXX",
        "nationality": "CHINESE", "surname": "ZHANG", "given_name": "SAN", "sex": "F",
        "date_of_birth": "1990-12-12", "date_of_expiry": "2020-07-08", "date_of_issue": "2010-07-09",
        "place_of_birth": "HUNAN", "place_of_issue": "GUANGDONG",
        "issuing_authority": "MPS Exit & Entry Administration",
        "extra_info": { "local_language": { "name": "Zhang San", "sex": "Female", "place_of_birth": "Hunan",
            "place_of_issue": "Guangdong", "issuing_authority": "xxx Entry and Exit Administration",
            "nationality": "China" } },
        "confidence": { "passport_type": 0.9987, "country_code": 0.9897, "passport_number": 0.9997,
            "nationality": 0.9977, "surname": 0.9729, "given_name": 0.9729, "sex": 0.9897,
            "date_of_birth": 0.9998, "date_of_expiry": 0.9995, "date_of_issue": 0.9969,
            "place_of_birth": 0.9937, "place_of_issue": 0.9993, "issuing_authority": 0.9985 }
    }
}"#;

    const SPEC_OTHER: &str = r#"{
    "result": {
        "country_code": "ETF", "surname": "HUZHAO", "given_name": "ZHAOMIN DESALEGN ",
        "passport_number": "EP435XXXX", "date_of_birth": "1985-09-18", "sex": "M",
        "date_of_expiry": "2022-01-15",
        "machine_code": "P<ETFHUZHAO<< ZHAOMIN <DESALEGN<<<<<<<<<<<<<<<",
        "machine_code2": "EP435XXXX7ETF8509185M2201155<<<<<<<<<<<<<<08",
        "extra_info": {},
        "confidence": { "country_code": 0.9727, "surname": 0.9727, "given_name": 0.9727,
            "passport_number": 0.9558, "date_of_birth": 0.9558, "sex": 0.9558, "date_of_expiry": 0.9558 }
    }
}"#;

    fn keys(v: &serde_json::Value) -> Vec<String> {
        // serde_json without preserve_order sorts keys; compare order on the raw text instead.
        v.as_object().unwrap().keys().cloned().collect()
    }

    fn key_order(json: &str, keys: &[String]) -> Vec<String> {
        let mut pos: Vec<(usize, String)> =
            keys.iter().map(|k| (json.find(&format!("\"{k}\"")).unwrap(), k.clone())).collect();
        pos.sort();
        pos.into_iter().map(|(_, k)| k).collect()
    }

    #[test]
    fn spec_examples_round_trip_with_field_order() {
        for spec in [SPEC_CHINESE, SPEC_OTHER] {
            let parsed: Response = serde_json::from_str(spec).unwrap();
            assert!(parsed.is_ok());
            let ours = parsed.to_json();
            let a: serde_json::Value = serde_json::from_str(spec).unwrap();
            let b: serde_json::Value = serde_json::from_str(&ours).unwrap();
            assert_eq!(a, b, "{ours}");
            let result_keys = keys(&a["result"]);
            assert_eq!(key_order(&ours, &result_keys), key_order(spec, &result_keys));
            let conf_keys = keys(&a["result"]["confidence"]);
            let (ours_conf, spec_conf) = (&ours[ours.find("\"confidence\"").unwrap()..], &spec[spec.find("\"confidence\"").unwrap()..]);
            assert_eq!(key_order(ours_conf, &conf_keys), key_order(spec_conf, &conf_keys));
        }
        let chinese: Response = serde_json::from_str(SPEC_CHINESE).unwrap();
        assert!(matches!(chinese, Response::Ok { result: PassportResult::Chinese(_) }));
        let other: Response = serde_json::from_str(SPEC_OTHER).unwrap();
        assert!(matches!(other, Response::Ok { result: PassportResult::Mrz(_) }));
    }

    #[test]
    fn extra_info_is_an_empty_object_and_absent_fields_are_absent() {
        let r = MrzResult {
            country_code: "UTO".into(),
            surname: "ERIKSSON".into(),
            given_name: "ANNA MARIA".into(),
            passport_number: "L898902C3".into(),
            date_of_birth: None,
            sex: Some("F".into()),
            date_of_expiry: Some("2012-04-15".into()),
            machine_code: "a".into(),
            machine_code2: "b".into(),
            machine_code3: None,
            extra_info: ExtraInfo::default(),
            confidence: Confidence::default(),
        };
        let json = Response::Ok { result: PassportResult::Mrz(Box::new(r)) }.to_json();
        assert!(json.contains(r#""extra_info":{}"#), "{json}");
        assert!(!json.contains("date_of_birth"));
        assert!(!json.contains("null"));
        assert!(!json.contains("machine_code3"));
    }

    #[test]
    fn error_body() {
        let body = Response::Err(ErrorBody::new(ApiErrorCode::ImageSize)).to_json();
        assert_eq!(body, r#"{"error_code":"AIS.0103","error_msg":"The image size does not meet the requirements."}"#);
        let back: Response = serde_json::from_str(&body).unwrap();
        assert!(!back.is_ok());
    }
}
