//! Request limits: body size, `Content-Type`, and the bounded number of recognitions at once.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap};
use futures_util::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::Error;
use crate::input::MAX_BASE64_LEN;

/// Largest request body: 10 MB of image as base64 (with line breaks) plus room for the JSON
/// around it. A larger body is AIS.0103, as an over-size image is.
pub const MAX_BODY_BYTES: usize = MAX_BASE64_LEN + 64 * 1024;

/// `Content-Type` must be `application/json` (parameters such as `charset` allowed); else AIS.0101.
pub fn check_content_type(headers: &HeaderMap) -> Result<(), Error> {
    let value = headers.get(header::CONTENT_TYPE).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let essence = value.as_deref().unwrap_or("").split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(Error::ContentType(value.unwrap_or_default().chars().take(64).collect()))
    }
}

/// Reads the whole body, refusing (AIS.0103) one over `limit` bytes as soon as that is known:
/// at once from `Content-Length`, else while reading.
pub async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Vec<u8>, Error> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = declared {
        if n > limit as u64 {
            return Err(Error::ImageSize(format!("request body of {n} bytes; the limit is {limit}")));
        }
    }
    let mut out = Vec::with_capacity(declared.unwrap_or(0).min(limit as u64) as usize);
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Error::InvalidParameter(format!("request body could not be read: {e}")))?;
        if out.len() + chunk.len() > limit {
            return Err(Error::ImageSize(format!("request body over {limit} bytes")));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// The recognition slots: at most `max_concurrent` recognitions at once; a request waits up to
/// `queue_wait` for a slot, then gets the busy answer.
#[derive(Clone, Debug)]
pub struct Slots {
    semaphore: Arc<Semaphore>,
    total: usize,
    queue_wait: Duration,
}

impl Slots {
    pub fn new(max_concurrent: usize, queue_wait: Duration) -> Self {
        let total = max_concurrent.max(1);
        Slots { semaphore: Arc::new(Semaphore::new(total)), total, queue_wait }
    }

    pub fn total(&self) -> usize {
        self.total
    }

    pub fn available(&self) -> usize {
        self.semaphore.available_permits()
    }

    /// A slot, held until the permit is dropped; [`Error::Busy`] after the queue wait.
    pub async fn acquire(&self) -> Result<OwnedSemaphorePermit, Error> {
        let sem = self.semaphore.clone();
        if self.queue_wait.is_zero() {
            return sem.try_acquire_owned().map_err(|_| Error::Busy(self.total));
        }
        match tokio::time::timeout(self.queue_wait, sem.acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            // Timed out, or the semaphore was closed (never done): busy either way.
            _ => Err(Error::Busy(self.total)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap()
    }

    #[test]
    fn content_type() {
        let mut h = HeaderMap::new();
        assert_eq!(check_content_type(&h).unwrap_err().api_code().code(), "AIS.0101");
        for ok in ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"] {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ok));
            assert!(check_content_type(&h).is_ok(), "{ok}");
        }
        for bad in ["text/plain", "application/jsonx", "multipart/form-data; boundary=x", ""] {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(bad));
            assert_eq!(check_content_type(&h).unwrap_err().api_code().code(), "AIS.0101", "{bad}");
        }
    }

    #[test]
    fn body_limit() {
        let rt = rt();
        let mut h = HeaderMap::new();
        let body = rt.block_on(read_body(&h, Body::from(vec![7u8; 100]), 100)).unwrap();
        assert_eq!(body.len(), 100);
        let e = rt.block_on(read_body(&h, Body::from(vec![7u8; 101]), 100)).unwrap_err();
        assert_eq!(e.api_code().code(), "AIS.0103");
        h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("1000000"));
        let e = rt.block_on(read_body(&h, Body::empty(), 100)).unwrap_err();
        assert_eq!(e.api_code().code(), "AIS.0103");
    }

    #[test]
    fn slots_bound_concurrency_and_answer_busy() {
        let rt = rt();
        let s = Slots::new(1, Duration::ZERO);
        let p = rt.block_on(s.acquire()).unwrap();
        assert_eq!(rt.block_on(s.acquire()).unwrap_err().api_code().code(), "APIG.0308");
        drop(p);
        assert!(rt.block_on(s.acquire()).is_ok());
        let waiting = Slots::new(1, Duration::from_millis(30));
        let _held = rt.block_on(waiting.acquire()).unwrap();
        let t = std::time::Instant::now();
        assert!(rt.block_on(waiting.acquire()).is_err());
        assert!(t.elapsed() >= Duration::from_millis(30));
    }
}
