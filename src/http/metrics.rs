//! `GET /metrics`: Prometheus text exposition format 0.0.4, written by hand.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::events::{CameraState, GuidanceState, HealthSnapshot, LinkState};

/// Upper bounds (seconds) of the latency histogram buckets.
pub const BUCKETS: [f64; 11] = [0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// A cumulative Prometheus histogram with fixed buckets.
#[derive(Debug, Default)]
pub struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let s = d.as_secs_f64();
        for (i, le) in BUCKETS.iter().enumerate() {
            if s <= *le {
                self.counts[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(d.as_micros().min(u128::from(u64::MAX)) as u64, Ordering::Relaxed);
    }

    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    fn write(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (i, le) in BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "{name}_bucket{{le=\"{le}\"}} {}", self.counts[i].load(Ordering::Relaxed));
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", self.count());
        let _ = writeln!(out, "{name}_sum {}", self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {}", self.count());
    }
}

/// Which endpoint a request went to (a label of `passread_http_requests_total`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Endpoint {
    Passport,
    Health,
    Metrics,
    Events,
    Other,
}

impl Endpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Passport => "passport",
            Endpoint::Health => "healthz",
            Endpoint::Metrics => "metrics",
            Endpoint::Events => "events",
            Endpoint::Other => "other",
        }
    }
}

/// The server's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(Endpoint, u16, &'static str), u64>>,
    /// Time in the recogniser (decode + read), per recognition.
    pub recognition: Histogram,
    /// Whole passport requests, from headers received to answer.
    pub request: Histogram,
    pub in_flight: AtomicUsize,
    pub sse_clients: AtomicUsize,
}

impl Metrics {
    /// Counts an answer; `code` is the API error code or "" for success.
    pub fn count(&self, endpoint: Endpoint, status: u16, code: &'static str) {
        let mut m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        *m.entry((endpoint, status, code)).or_default() += 1;
    }

    /// Requests answered so far with this endpoint and status.
    pub fn requests(&self, endpoint: Endpoint, status: u16) -> u64 {
        let m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        m.iter().filter(|((e, s, _), _)| *e == endpoint && *s == status).map(|(_, n)| n).sum()
    }

    /// The exposition text.
    pub fn render(&self, health: &HealthSnapshot, slots: usize, events_published: u64) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str("# HELP passread_http_requests_total HTTP requests answered, by endpoint, status and API error code.\n");
        out.push_str("# TYPE passread_http_requests_total counter\n");
        {
            let m = self.requests.lock().unwrap_or_else(|p| p.into_inner());
            for ((e, status, code), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "passread_http_requests_total{{endpoint=\"{}\",status=\"{status}\",code=\"{code}\"}} {n}",
                    e.as_str()
                );
            }
        }
        self.recognition.write(&mut out, "passread_recognition_seconds", "Time to decode and read one image.");
        self.request.write(&mut out, "passread_http_request_seconds", "Time to answer one passport request.");
        let gauge = |out: &mut String, name: &str, help: &str, v: f64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        };
        gauge(&mut out, "passread_recognitions_in_flight", "Recognitions running now.", self.in_flight.load(Ordering::Relaxed) as f64);
        gauge(&mut out, "passread_recognition_slots", "Recognitions allowed at once (http.max_concurrent).", slots as f64);
        gauge(&mut out, "passread_sse_clients", "Connected event-stream clients.", self.sse_clients.load(Ordering::Relaxed) as f64);
        gauge(&mut out, "passread_serial_queue_length", "Readings waiting for the gate controller's acknowledgement.", health.serial_queue as f64);
        let state_set = |out: &mut String, name: &str, help: &str, states: &[&str], current: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
            for s in states {
                let _ = writeln!(out, "{name}{{state=\"{s}\"}} {}", u8::from(*s == current));
            }
        };
        let guidance: Vec<&str> = GuidanceState::ALL.iter().map(|s| s.as_str()).collect();
        state_set(&mut out, "passread_gate_state", "Current guidance state of the reading gates (1 = current).", &guidance, health.state.as_str());
        let camera: Vec<&str> = CameraState::ALL.iter().map(|s| s.as_str()).collect();
        state_set(&mut out, "passread_camera_state", "Camera state (1 = current).", &camera, health.camera.as_str());
        let link: Vec<&str> = LinkState::ALL.iter().map(|s| s.as_str()).collect();
        state_set(&mut out, "passread_serial_link_state", "Serial link to the gate controller (1 = current).", &link, health.serial.as_str());
        let counter = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}");
        };
        counter(&mut out, "passread_frames_total", "Camera frames processed by the kiosk runtime.", health.frames);
        counter(&mut out, "passread_readings_total", "Readings emitted by the kiosk runtime.", health.readings);
        counter(&mut out, "passread_events_published_total", "Kiosk events published on the event bus.", events_published);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative() {
        let h = Histogram::default();
        h.observe(Duration::from_millis(30));
        h.observe(Duration::from_millis(700));
        h.observe(Duration::from_secs(100));
        let mut s = String::new();
        h.write(&mut s, "x", "help");
        assert!(s.contains("x_bucket{le=\"0.025\"} 0\n"), "{s}");
        assert!(s.contains("x_bucket{le=\"0.05\"} 1\n"), "{s}");
        assert!(s.contains("x_bucket{le=\"1\"} 2\n"), "{s}");
        assert!(s.contains("x_bucket{le=\"60\"} 2\n"), "{s}");
        assert!(s.contains("x_bucket{le=\"+Inf\"} 3\n"), "{s}");
        assert!(s.contains("x_count 3\n"), "{s}");
        assert!(s.contains("x_sum 100.73\n"), "{s}");
    }

    #[test]
    fn render_has_every_family_once_and_valid_lines() {
        let m = Metrics::default();
        m.count(Endpoint::Passport, 200, "");
        m.count(Endpoint::Passport, 400, "AIS.0105");
        m.count(Endpoint::Passport, 400, "AIS.0105");
        assert_eq!(m.requests(Endpoint::Passport, 400), 2);
        let h = HealthSnapshot { serial_queue: 3, ..HealthSnapshot::default() };
        let text = m.render(&h, 2, 7);
        assert!(text.contains("passread_http_requests_total{endpoint=\"passport\",status=\"400\",code=\"AIS.0105\"} 2\n"));
        assert!(text.contains("passread_serial_queue_length 3\n"));
        assert!(text.contains("passread_gate_state{state=\"no_document\"} 1\n"));
        assert!(text.contains("passread_gate_state{state=\"reading\"} 0\n"));
        assert!(text.contains("passread_events_published_total 7\n"));
        let mut types = std::collections::HashSet::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                assert!(types.insert(rest.split(' ').next().unwrap().to_owned()), "duplicate {line}");
            } else if !line.starts_with("# HELP ") {
                let value = line.rsplit(' ').next().unwrap();
                assert!(value.parse::<f64>().is_ok(), "{line}");
            }
        }
    }
}
