//! The crate's one error type, and the one place it maps to the API's error codes.

use crate::mrz::MrzError;

/// The error codes of the Passport API (`AIS.*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiErrorCode {
    /// AIS.0101: a request parameter is missing or invalid.
    InvalidParameter,
    /// AIS.0102: the image format is not supported (also a base64 string with a `data:` prefix).
    UnsupportedFormat,
    /// AIS.0103: an image side is under 15 or over 8192 pixels, or the file is over 10 MB.
    ImageSize,
    /// AIS.0104: the image is not supported or its quality is too poor.
    PoorQuality,
    /// AIS.0105: recognition failed (no passport found).
    RecognitionFailed,
}

impl ApiErrorCode {
    pub const ALL: [ApiErrorCode; 5] = [
        ApiErrorCode::InvalidParameter,
        ApiErrorCode::UnsupportedFormat,
        ApiErrorCode::ImageSize,
        ApiErrorCode::PoorQuality,
        ApiErrorCode::RecognitionFailed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApiErrorCode::InvalidParameter => "AIS.0101",
            ApiErrorCode::UnsupportedFormat => "AIS.0102",
            ApiErrorCode::ImageSize => "AIS.0103",
            ApiErrorCode::PoorQuality => "AIS.0104",
            ApiErrorCode::RecognitionFailed => "AIS.0105",
        }
    }

    /// The cloud service's message for the code, which clients may match on.
    pub fn message(self) -> &'static str {
        match self {
            ApiErrorCode::InvalidParameter => "The input parameter is invalid.",
            ApiErrorCode::UnsupportedFormat => "The image format is not supported.",
            ApiErrorCode::ImageSize => "The image size does not meet the requirements.",
            ApiErrorCode::PoorQuality => "The image is not supported or the image quality is poor.",
            ApiErrorCode::RecognitionFailed => "Recognition failed.",
        }
    }

    /// The HTTP status the API answers with.
    pub fn http_status(self) -> u16 {
        400
    }

    pub fn from_code(code: &str) -> Option<ApiErrorCode> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Everything that can go wrong between a request and a result.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    #[error("image format not supported: {0}")]
    UnsupportedFormat(String),
    #[error("image size out of bounds: {0}")]
    ImageSize(String),
    #[error("image unusable: {0}")]
    PoorQuality(String),
    #[error("no passport found: {0}")]
    NotFound(String),
    #[error("not a machine-readable zone: {0}")]
    Mrz(#[from] MrzError),
    #[error("recognizer model: {0}")]
    Model(String),
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The API error code for this error: the one place errors meet the API's codes.
    pub fn api_code(&self) -> ApiErrorCode {
        match self {
            Error::InvalidParameter(_) | Error::Io { .. } => ApiErrorCode::InvalidParameter,
            Error::UnsupportedFormat(_) => ApiErrorCode::UnsupportedFormat,
            Error::ImageSize(_) => ApiErrorCode::ImageSize,
            Error::PoorQuality(_) => ApiErrorCode::PoorQuality,
            Error::NotFound(_) | Error::Mrz(_) | Error::Model(_) => ApiErrorCode::RecognitionFailed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_round_trip() {
        for c in ApiErrorCode::ALL {
            assert_eq!(ApiErrorCode::from_code(c.code()), Some(c));
            assert!(c.code().starts_with("AIS.010"));
            assert_eq!(c.http_status(), 400);
        }
        assert_eq!(ApiErrorCode::from_code("AIS.0199"), None);
        assert_eq!(ApiErrorCode::ImageSize.message(), "The image size does not meet the requirements.");
    }

    #[test]
    fn mapping() {
        assert_eq!(Error::InvalidParameter("x".into()).api_code().code(), "AIS.0101");
        assert_eq!(Error::UnsupportedFormat("x".into()).api_code().code(), "AIS.0102");
        assert_eq!(Error::ImageSize("x".into()).api_code().code(), "AIS.0103");
        assert_eq!(Error::PoorQuality("x".into()).api_code().code(), "AIS.0104");
        assert_eq!(Error::NotFound("x".into()).api_code().code(), "AIS.0105");
        assert_eq!(Error::Mrz(MrzError::LineCount(1)).api_code().code(), "AIS.0105");
    }
}
