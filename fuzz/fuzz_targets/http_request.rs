//! The HTTP API's request checks on arbitrary input: the JSON body parser
//! (`PassportRequest::from_json`), the `X-Auth-Token` check and the `url` allow-list. Never a
//! panic; only the documented answers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passread::config::HttpConfig;
use passread::http::auth::Auth;
use passread::http::fetch::UrlPolicy;
use passread::result::{ErrorBody, ImageSource, PassportRequest};

const TOKEN: &str = "fuzz-token-0123456789";

fuzz_target!(|data: &[u8]| {
    // The body parser: a valid request or AIS.0101, and every error renders in the spec's shape.
    match PassportRequest::from_json(data) {
        Ok(req) => match &req.source {
            ImageSource::Base64(s) | ImageSource::Url(s) => assert!(!s.is_empty()),
        },
        Err(e) => {
            assert_eq!(e.api_code().code(), "AIS.0101");
            let body = ErrorBody::from(&e);
            let json = serde_json::to_string(&body).unwrap();
            let back: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(back.as_object().unwrap().len(), 2);
        }
    }
    // The token check: exactly the configured token passes.
    let auth = Auth::new(&[TOKEN]);
    let ok = auth.check(Some(data)).is_ok();
    assert_eq!(ok, data == TOKEN.as_bytes());
    assert!(auth.check(None).is_err());
    // The url allow-list: no network; an accepted URL names the allowed host and scheme.
    if let Ok(text) = std::str::from_utf8(data) {
        let policy = UrlPolicy::from_config(&HttpConfig {
            allow_url: true,
            url_hosts: vec!["img.example".into()],
            url_schemes: vec!["https".into()],
            ..HttpConfig::default()
        });
        match policy.check(text) {
            Ok(uri) => {
                assert_eq!(uri.scheme_str().map(str::to_ascii_lowercase).as_deref(), Some("https"));
                assert_eq!(uri.host().map(str::to_ascii_lowercase).as_deref(), Some("img.example"));
            }
            Err(e) => assert_eq!(e.api_code().code(), "AIS.0101"),
        }
    }
});
