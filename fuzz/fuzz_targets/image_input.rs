//! Image input on arbitrary bytes and base64 text: never a panic, only the API's error codes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match passread::input::decode(data) {
        Ok(img) => {
            assert!((15..=8192).contains(&img.width()) && (15..=8192).contains(&img.height()));
        }
        Err(e) => {
            let code = e.api_code().code();
            assert!(["AIS.0101", "AIS.0102", "AIS.0103", "AIS.0104"].contains(&code), "{code}");
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(bytes) = passread::input::decode_base64(text) {
            let _ = passread::input::decode(&bytes);
        }
    }
});
