//! The `url` parameter: allow-listed download of the image, off unless configured.
//!
//! Only the configured schemes (`http`, `https`) and exact host names are fetched; no redirects
//! are followed (a redirect could leave the allow-list), no proxy from the environment is used,
//! at most 10 MB is read and the whole download has one deadline. The client (ureq, rustls with
//! the webpki roots) is blocking: callers run [`UrlPolicy::fetch`] in `spawn_blocking`.

use std::time::Duration;

use crate::config::HttpConfig;
use crate::error::Error;
use crate::input::MAX_FILE_BYTES;

/// Where `url` may point, and how long a download may take.
#[derive(Clone, Debug)]
pub struct UrlPolicy {
    enabled: bool,
    schemes: Vec<String>,
    hosts: Vec<String>,
    timeout: Duration,
}

impl UrlPolicy {
    pub fn from_config(c: &HttpConfig) -> Self {
        UrlPolicy {
            enabled: c.allow_url,
            schemes: c.url_schemes.iter().map(|s| s.to_ascii_lowercase()).collect(),
            hosts: c.url_hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
            timeout: Duration::from_millis(c.url_timeout_ms),
        }
    }

    /// Checks `url` against the policy without any network access.
    pub fn check(&self, url: &str) -> Result<ureq::http::Uri, Error> {
        if !self.enabled {
            return Err(Error::UrlDisabled);
        }
        if url.len() > 4096 || !url.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::UrlNotAllowed("not a plain ASCII URL (encode non-ASCII characters)".into()));
        }
        let uri: ureq::http::Uri = url.parse().map_err(|_| Error::UrlNotAllowed("not a URL".into()))?;
        let scheme = uri.scheme_str().unwrap_or("").to_ascii_lowercase();
        if !self.schemes.contains(&scheme) {
            return Err(Error::UrlNotAllowed(format!("scheme {scheme:?} is not allowed")));
        }
        let authority = uri.authority().map(|a| a.as_str()).unwrap_or("");
        if authority.contains('@') {
            return Err(Error::UrlNotAllowed("credentials in the URL are not allowed".into()));
        }
        let host = uri.host().unwrap_or("").trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        if host.is_empty() || !self.hosts.contains(&host) {
            return Err(Error::UrlNotAllowed("host is not allow-listed".into()));
        }
        Ok(uri)
    }

    /// Downloads the image at `url` (blocking). Status other than 200, connection errors and the
    /// deadline are [`Error::Download`] (AIS.0101); more than 10 MB is [`Error::ImageSize`].
    pub fn fetch(&self, url: &str) -> Result<Vec<u8>, Error> {
        let uri = self.check(url)?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(None)
            .user_agent("passread")
            .build()
            .into();
        let mut resp = agent.get(uri).call().map_err(|e| match e {
            ureq::Error::Timeout(_) => Error::Download("timed out".into()),
            other => Error::Download(other.to_string()),
        })?;
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(Error::Download(format!("HTTP status {status}")));
        }
        resp.body_mut().with_config().limit(MAX_FILE_BYTES as u64).read_to_vec().map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => Error::ImageSize(format!("the download is over {MAX_FILE_BYTES} bytes")),
            ureq::Error::Timeout(_) => Error::Download("timed out".into()),
            other => Error::Download(other.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(enabled: bool) -> UrlPolicy {
        let c = HttpConfig {
            allow_url: enabled,
            url_hosts: vec!["img.example".into(), "127.0.0.1".into()],
            url_schemes: vec!["https".into()],
            ..HttpConfig::default()
        };
        UrlPolicy::from_config(&c)
    }

    fn code(r: Result<ureq::http::Uri, Error>) -> (&'static str, String) {
        let e = r.unwrap_err();
        (e.api_code().code(), e.to_string())
    }

    #[test]
    fn disabled_refuses_everything() {
        let (c, m) = code(policy(false).check("https://img.example/a.jpg"));
        assert_eq!(c, "AIS.0101");
        assert!(m.contains("disabled"), "{m}");
    }

    #[test]
    fn allow_list() {
        let p = policy(true);
        assert!(p.check("https://img.example/a.jpg").is_ok());
        assert!(p.check("HTTPS://IMG.EXAMPLE:8443/a.jpg?x=1").is_ok());
        for bad in [
            "http://img.example/a.jpg",
            "https://other.example/a.jpg",
            "https://img.example.evil/a.jpg",
            "https://user:pw@img.example/a.jpg",
            "ftp://img.example/a.jpg",
            "file:///etc/passwd",
            "/relative/path",
            "https://img.example/ä.jpg",
            "",
        ] {
            assert_eq!(code(p.check(bad)).0, "AIS.0101", "{bad}");
        }
    }

    #[test]
    fn download_failure_is_ais_0101() {
        // Nothing listens on port 1 of loopback: the connection is refused at once.
        let c = HttpConfig {
            allow_url: true,
            url_hosts: vec!["127.0.0.1".into()],
            url_schemes: vec!["http".into()],
            url_timeout_ms: 2000,
            ..HttpConfig::default()
        };
        let e = UrlPolicy::from_config(&c).fetch("http://127.0.0.1:1/a.jpg").unwrap_err();
        assert!(matches!(e, Error::Download(_)), "{e}");
        assert_eq!(e.api_code().code(), "AIS.0101");
    }
}
