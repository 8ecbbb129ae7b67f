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
    /// APIG.0301 (HTTP 401): `X-Auth-Token` missing or not one of the configured tokens. The
    /// cloud's API gateway answers a bad token with this code; so does the local API.
    Unauthorized,
    /// APIG.0308 (HTTP 503, `Retry-After`): every recognition slot stayed busy for the configured
    /// queue wait. The cloud gateway's throttling code, so clients retry as they would there.
    Busy,
    /// APIG.0201 (HTTP 504): the request did not finish within the configured request timeout.
    Timeout,
    /// APIG.0101 (HTTP 404): no such endpoint (or method) on this server.
    NoSuchApi,
}

impl ApiErrorCode {
    /// The codes of the recognition path (HTTP 400), as the spec lists them.
    pub const ALL: [ApiErrorCode; 5] = [
        ApiErrorCode::InvalidParameter,
        ApiErrorCode::UnsupportedFormat,
        ApiErrorCode::ImageSize,
        ApiErrorCode::PoorQuality,
        ApiErrorCode::RecognitionFailed,
    ];

    /// The codes only the HTTP server answers with (authentication, load, time), not HTTP 400.
    pub const GATEWAY: [ApiErrorCode; 4] =
        [ApiErrorCode::Unauthorized, ApiErrorCode::Busy, ApiErrorCode::Timeout, ApiErrorCode::NoSuchApi];

    pub fn code(self) -> &'static str {
        match self {
            ApiErrorCode::InvalidParameter => "AIS.0101",
            ApiErrorCode::UnsupportedFormat => "AIS.0102",
            ApiErrorCode::ImageSize => "AIS.0103",
            ApiErrorCode::PoorQuality => "AIS.0104",
            ApiErrorCode::RecognitionFailed => "AIS.0105",
            ApiErrorCode::Unauthorized => "APIG.0301",
            ApiErrorCode::Busy => "APIG.0308",
            ApiErrorCode::Timeout => "APIG.0201",
            ApiErrorCode::NoSuchApi => "APIG.0101",
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
            ApiErrorCode::Unauthorized => "Incorrect IAM authentication information: X-Auth-Token is missing or invalid.",
            ApiErrorCode::Busy => "The throttling threshold has been reached: every recognition slot is busy, retry later.",
            ApiErrorCode::Timeout => "Backend timeout: the request did not finish in time.",
            ApiErrorCode::NoSuchApi => "The API does not exist or has not been published in the environment.",
        }
    }

    /// The HTTP status the API answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ApiErrorCode::Unauthorized => 401,
            ApiErrorCode::Busy => 503,
            ApiErrorCode::Timeout => 504,
            ApiErrorCode::NoSuchApi => 404,
            _ => 400,
        }
    }

    pub fn from_code(code: &str) -> Option<ApiErrorCode> {
        Self::ALL.into_iter().chain(Self::GATEWAY).find(|c| c.code() == code)
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
    /// The HTTP request's `Content-Type` is not `application/json`.
    #[error("Content-Type must be application/json, got {0:?}")]
    ContentType(String),
    /// `url` was sent but this reader does not fetch URLs (`http.allow_url = false`).
    #[error("url is disabled on this reader")]
    UrlDisabled,
    /// `url` is malformed, or its scheme or host is not allow-listed.
    #[error("url not allowed: {0}")]
    UrlNotAllowed(String),
    /// Downloading `url` failed (connection, status, timeout).
    #[error("download failed: {0}")]
    Download(String),
    /// `X-Auth-Token` missing or wrong.
    #[error("missing or invalid X-Auth-Token")]
    Unauthorized,
    /// Every recognition slot stayed busy for the queue wait.
    #[error("all {0} recognition slots busy")]
    Busy(usize),
    /// The request ran past the request timeout.
    #[error("request timed out after {0} ms")]
    Timeout(u64),
    /// No such endpoint or method.
    #[error("no such endpoint")]
    NoSuchApi,
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
            Error::ContentType(_) | Error::UrlDisabled | Error::UrlNotAllowed(_) | Error::Download(_) => {
                ApiErrorCode::InvalidParameter
            }
            Error::Unauthorized => ApiErrorCode::Unauthorized,
            Error::Busy(_) => ApiErrorCode::Busy,
            Error::Timeout(_) => ApiErrorCode::Timeout,
            Error::NoSuchApi => ApiErrorCode::NoSuchApi,
        }
    }

    /// The `error_msg` answered for this error: the code's cloud message, made specific only for
    /// the local server's own refusals (always starting with the code's message, never carrying
    /// request data or internals).
    pub fn public_message(&self) -> String {
        let base = self.api_code().message();
        let detail = match self {
            Error::ContentType(_) => "Content-Type must be application/json.",
            Error::UrlDisabled => "url is disabled on this reader (http.allow_url); send the image as base64 in image.",
            Error::UrlNotAllowed(_) => "url must be an allow-listed scheme and host (http.url_schemes, http.url_hosts).",
            Error::Download(_) => "the image could not be downloaded from url.",
            _ => return base.to_owned(),
        };
        format!("{}: {detail}", base.trim_end_matches('.'))
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
        for c in ApiErrorCode::GATEWAY {
            assert_eq!(ApiErrorCode::from_code(c.code()), Some(c));
            assert!(c.code().starts_with("APIG."));
            assert_ne!(c.http_status(), 400);
        }
        assert_eq!(ApiErrorCode::Unauthorized.http_status(), 401);
        assert_eq!(ApiErrorCode::Busy.http_status(), 503);
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
        assert_eq!(Error::UrlDisabled.api_code().code(), "AIS.0101");
        assert_eq!(Error::ContentType("text/plain".into()).api_code().code(), "AIS.0101");
        assert_eq!(Error::Download("x".into()).api_code().code(), "AIS.0101");
        assert_eq!(Error::Unauthorized.api_code().code(), "APIG.0301");
        assert_eq!(Error::Busy(2).api_code().code(), "APIG.0308");
        assert_eq!(Error::Timeout(5).api_code().code(), "APIG.0201");
    }

    #[test]
    fn public_messages_start_with_the_code_message_and_carry_no_request_data() {
        assert_eq!(Error::ImageSize("9000x9000 secret".into()).public_message(), ApiErrorCode::ImageSize.message());
        let m = Error::UrlDisabled.public_message();
        assert!(m.starts_with("The input parameter is invalid:") && m.contains("url is disabled"), "{m}");
        let m = Error::UrlNotAllowed("https://evil.example/x".into()).public_message();
        assert!(!m.contains("evil"), "{m}");
        assert!(Error::Download("secret".into()).public_message().starts_with("The input parameter is invalid:"));
    }
}
