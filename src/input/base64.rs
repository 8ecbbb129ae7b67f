//! The `image` parameter: base64 text to file bytes.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, Engine};
use base64::alphabet;

use crate::error::Error;

/// Longest accepted base64 text: 10 MB of data, plus room for line breaks.
pub const MAX_BASE64_LEN: usize = (super::MAX_FILE_BYTES / 3 + 1) * 4 + 512 * 1024;

const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes the `image` parameter. Line breaks and spaces are ignored. A `data:` URI prefix is
/// AIS.0102, as the spec says; text that is not base64 is AIS.0101; more than 10 MB is AIS.0103.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, Error> {
    let text = text.trim();
    if text.len() > MAX_BASE64_LEN {
        return Err(Error::ImageSize(format!("{} base64 characters: over 10 MB", text.len())));
    }
    if text.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("data:")) {
        return Err(Error::UnsupportedFormat("the image has a data: URI prefix; send the base64 text alone".into()));
    }
    if text.is_empty() {
        return Err(Error::InvalidParameter("image is empty".into()));
    }
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let bytes = ENGINE
        .decode(&compact)
        .map_err(|e| Error::InvalidParameter(format!("image is not valid base64: {e}")))?;
    if bytes.len() > super::MAX_FILE_BYTES {
        return Err(Error::ImageSize(format!("{} bytes; the limit is {}", bytes.len(), super::MAX_FILE_BYTES)));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plain_and_wrapped() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGVsbG8").unwrap(), b"hello");
        assert_eq!(decode_base64("aGVs\r\nbG8=\n").unwrap(), b"hello");
    }

    #[test]
    fn errors() {
        let code = |s: &str| decode_base64(s).unwrap_err().api_code().code();
        assert_eq!(code("data:image/jpeg;base64,/9j/4AAQ"), "AIS.0102");
        assert_eq!(code("DATA:image/png;base64,iVBOR"), "AIS.0102");
        assert_eq!(code("not base64 at all!"), "AIS.0101");
        assert_eq!(code(""), "AIS.0101");
        assert_eq!(code(&"A".repeat(MAX_BASE64_LEN + 1)), "AIS.0103");
        // Just over 10 MB of data in valid base64.
        let over = ENGINE.encode(vec![0u8; crate::input::MAX_FILE_BYTES + 3]);
        assert_eq!(code(&over), "AIS.0103");
    }
}
