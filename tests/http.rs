//! The local HTTP API end to end: a real server on 127.0.0.1 (port 0), real TCP clients, the
//! shipped model on the committed stills.
//!
//! Chinese mainland passports: `GENERAL` answers the MRZ-derived body (`expected_general`);
//! `CHN` and automatic mode answer the full Chinese body (`expected`), hanzi included.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use passread::config::HttpConfig;
use passread::events::{EventBus, GuidanceState, KioskEvent, KioskHealth, LinkState};
use passread::http::client::{Client, ClientResponse};
use passread::http::{start, HttpError, ServerHandle};
use passread::mrz::Ymd;
use passread::recognize::LineModel;
use passread::rectify::Strip;
use passread::{Engine, Error};
use serde_json::{json, Value};

const TOKEN: &str = "test-token-0123456789";
const PATH: &str = "/v2/0123456789abcdef/ocr/passport";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stills").join(name)).unwrap()
}

fn truth(name: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stills/truth.jsonl")).unwrap();
    text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()).find(|v| v["file"] == name).unwrap()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The real engine, loaded once for the whole file.
fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE.get_or_init(|| Arc::new(Engine::new().unwrap().with_today(Ymd::new(2026, 11, 30)))).clone()
}

fn config() -> HttpConfig {
    HttpConfig { listen: SocketAddr::from(([127, 0, 0, 1], 0)), ..HttpConfig::default() }
}

fn server(config: HttpConfig) -> ServerHandle {
    start(&config, engine(), EventBus::default(), KioskHealth::default()).unwrap()
}

fn client(h: &ServerHandle) -> Client {
    Client::connect(h.local_addr(), Duration::from_secs(60)).unwrap()
}

fn post(h: &ServerHandle, headers: &[(&str, &str)], body: &[u8]) -> ClientResponse {
    client(h).request("POST", PATH, headers, Some(body)).unwrap()
}

fn post_json(h: &ServerHandle, body: &Value) -> ClientResponse {
    post(h, &[("Content-Type", "application/json")], body.to_string().as_bytes())
}

/// Asserts the spec's error shape: exactly `error_code` and `error_msg`, the code given.
fn assert_error(r: &ClientResponse, status: u16, code: &str) -> String {
    let body = String::from_utf8_lossy(&r.body).into_owned();
    assert_eq!(r.status, status, "{body}");
    assert!(r.header("content-type").unwrap_or("").starts_with("application/json"), "{:?}", r.headers);
    let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let obj = v.as_object().unwrap();
    assert_eq!(obj.len(), 2, "{body}");
    assert_eq!(v["error_code"], code, "{body}");
    let msg = v["error_msg"].as_str().unwrap().to_owned();
    assert!(!msg.is_empty());
    msg
}

fn without_confidence(v: &Value) -> Value {
    let mut v = v.clone();
    v["result"].as_object_mut().unwrap().remove("confidence");
    v
}

/// Keys of `obj` in the order they appear in the raw JSON text `raw`.
fn raw_key_order(raw: &str, keys: &[&str]) -> Vec<String> {
    let mut pos: Vec<(usize, String)> =
        keys.iter().map(|k| (raw.find(&format!("\"{k}\"")).unwrap_or_else(|| panic!("{k} missing in {raw}")), k.to_string())).collect();
    pos.sort();
    pos.into_iter().map(|(_, k)| k).collect()
}

#[test]
fn general_passport_answers_the_spec_body() {
    let h = server(config());
    let t = truth("still_000.jpg");
    // Unknown keys are ignored, as by the cloud service.
    let r = post_json(&h, &json!({ "image": b64(&fixture("still_000.jpg")), "country_code": "GENERAL", "side": "front" }));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.header("content-type").unwrap().starts_with("application/json"));
    let v = r.json().unwrap();
    assert_eq!(without_confidence(&v), t["expected"]);
    // The spec's non-Chinese example: the same members, in the same order, confidences in 0..=1.
    let raw = String::from_utf8(r.body.clone()).unwrap();
    let spec_order = [
        "country_code", "surname", "given_name", "passport_number", "date_of_birth", "sex", "date_of_expiry",
        "machine_code", "machine_code2", "extra_info", "confidence",
    ];
    assert_eq!(raw_key_order(&raw, &spec_order), spec_order);
    assert_eq!(v["result"]["extra_info"], json!({}));
    let conf = v["result"]["confidence"].as_object().unwrap();
    let mut keys: Vec<&str> = conf.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["country_code", "date_of_birth", "date_of_expiry", "given_name", "passport_number", "sex", "surname"]);
    assert!(conf.values().all(|c| (0.0..=1.0).contains(&c.as_f64().unwrap())));
    // Auto mode answers the same body.
    let auto = post_json(&h, &json!({ "image": b64(&fixture("still_000.jpg")) }));
    assert_eq!(without_confidence(&auto.json().unwrap()), t["expected"]);
    assert_eq!(h.metrics().requests(passread::http::metrics::Endpoint::Passport, 200), 2);
    h.shutdown().unwrap();
}

#[test]
fn chinese_passport_general_and_chn() {
    let h = server(config());
    let t = truth("still_018.jpg");
    let image = b64(&fixture("still_018.jpg"));
    // GENERAL: the MRZ-derived body, exactly.
    let r = post_json(&h, &json!({ "image": image, "country_code": "GENERAL" }));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(without_confidence(&r.json().unwrap()), t["expected_general"]);
    // CHN and automatic: the Chinese shape, every field and the Chinese text, in the spec's order.
    for cc in [Some("CHN"), None] {
        let body = match cc {
            Some(c) => json!({ "image": image, "country_code": c }),
            None => json!({ "image": image }),
        };
        let r = post_json(&h, &body);
        assert_eq!(r.status, 200, "{cc:?}: {}", String::from_utf8_lossy(&r.body));
        let v = r.json().unwrap();
        assert_eq!(without_confidence(&v), t["expected"], "{cc:?}");
        let raw = String::from_utf8(r.body.clone()).unwrap();
        let spec_order = [
            "passport_type", "country_code", "passport_number", "nationality", "surname", "given_name", "sex",
            "date_of_birth", "date_of_expiry", "date_of_issue", "place_of_birth", "place_of_issue", "issuing_authority",
            "extra_info", "confidence",
        ];
        assert_eq!(raw_key_order(&raw, &spec_order), spec_order);
        let conf = v["result"]["confidence"].as_object().unwrap();
        assert_eq!(conf.len(), 13, "{conf:?}");
        assert!(conf.values().all(|c| (0.0..=1.0).contains(&c.as_f64().unwrap())));
    }
    h.shutdown().unwrap();
}

#[test]
fn every_error_path_answers_in_the_spec_shape() {
    let h = server(config());
    let json_ct = [("Content-Type", "application/json")];
    // No body at all.
    assert_error(&post(&h, &json_ct, b""), 400, "AIS.0101");
    // Not JSON, and JSON of the wrong shape.
    assert_error(&post(&h, &json_ct, b"{\"image\": "), 400, "AIS.0101");
    assert_error(&post(&h, &json_ct, b"[1,2,3]"), 400, "AIS.0101");
    assert_error(&post_json(&h, &json!({})), 400, "AIS.0101");
    assert_error(&post_json(&h, &json!({ "image": 12 })), 400, "AIS.0101");
    // Both image and url.
    assert_error(&post_json(&h, &json!({ "image": "AAAA", "url": "https://x.example/a.jpg" })), 400, "AIS.0101");
    // Bad country code.
    assert_error(&post_json(&h, &json!({ "image": "AAAA", "country_code": "chn-1" })), 400, "AIS.0101");
    // Wrong or missing content type: the spec's body, not a plaintext rejection.
    let body = json!({ "image": b64(&fixture("still_000.jpg")) }).to_string();
    let msg = assert_error(&post(&h, &[("Content-Type", "text/plain")], body.as_bytes()), 400, "AIS.0101");
    assert!(msg.contains("application/json"), "{msg}");
    assert_error(&post(&h, &[], body.as_bytes()), 400, "AIS.0101");
    // Bad base64.
    assert_error(&post_json(&h, &json!({ "image": "this is not base64!!" })), 400, "AIS.0101");
    // A data: URI prefix is "format not supported", as the spec says.
    let prefixed = format!("data:image/jpeg;base64,{}", b64(&fixture("still_000.jpg")));
    assert_error(&post_json(&h, &json!({ "image": prefixed })), 400, "AIS.0102");
    // Unsupported formats: GIF, and a committed negative (not an image of an accepted format).
    assert_error(&post_json(&h, &json!({ "image": b64(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;") })), 400, "AIS.0102");
    assert_error(&post_json(&h, &json!({ "image": b64(&fixture("still_039.jpg")) })), 400, "AIS.0102");
    // Too small an image: 10 x 10 px.
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(image::GrayImage::new(10, 10)).write_to(&mut png, image::ImageFormat::Png).unwrap();
    assert_error(&post_json(&h, &json!({ "image": b64(png.get_ref()) })), 400, "AIS.0103");
    assert_error(&post_json(&h, &json!({ "image": b64(&fixture("still_038.png")) })), 400, "AIS.0103");
    // Not a passport.
    assert_error(&post_json(&h, &json!({ "image": b64(&fixture("still_033.jpg")) })), 400, "AIS.0105");
    // url while url fetching is off.
    let msg = assert_error(&post_json(&h, &json!({ "url": "https://img.example/a.jpg" })), 400, "AIS.0101");
    assert!(msg.contains("url is disabled"), "{msg}");
    // Unknown endpoint and wrong method.
    assert_error(&client(&h).request("GET", "/v2/x/ocr/idcard", &[], None).unwrap(), 404, "APIG.0101");
    assert_error(&client(&h).request("GET", PATH, &[], None).unwrap(), 404, "APIG.0101");
    h.shutdown().unwrap();
}

#[test]
fn too_large_bodies_are_ais_0103() {
    let h = server(config());
    let limit = passread::http::limits::MAX_BODY_BYTES;
    // Declared too large: refused from the headers alone, before any body byte is sent.
    let mut c = client(&h);
    c.send_raw(format!("POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", limit + 1).as_bytes())
        .unwrap();
    assert_error(&c.read_response().unwrap(), 400, "AIS.0103");
    // Sent chunked, no length declared: refused while reading.
    let mut c = client(&h);
    c.send_raw(format!("POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").as_bytes())
        .unwrap();
    let chunk = vec![b'A'; 1 << 20];
    let mut sent = 0;
    while sent <= limit {
        if c.send_raw(format!("{:x}\r\n", chunk.len()).as_bytes()).is_err() || c.send_raw(&chunk).is_err() || c.send_raw(b"\r\n").is_err() {
            break;
        }
        sent += chunk.len();
    }
    assert_error(&c.read_response().unwrap(), 400, "AIS.0103");
    // An image of just over 10 MB in base64 within a body the size limit lets through.
    let over = b64(&vec![0u8; passread::input::MAX_FILE_BYTES + 3]);
    assert_error(&post_json(&h, &json!({ "image": over })), 400, "AIS.0103");
    h.shutdown().unwrap();
}

#[test]
fn tokens_are_required_when_configured() {
    let h = server(HttpConfig { tokens: vec![TOKEN.into()], ..config() });
    let body = json!({}).to_string();
    let msg = assert_error(&post(&h, &[("Content-Type", "application/json")], body.as_bytes()), 401, "APIG.0301");
    assert!(msg.contains("X-Auth-Token"), "{msg}");
    for wrong in ["test-token-012345678", "test-token-01234567890", "TEST-TOKEN-0123456789", "x"] {
        let r = post(&h, &[("Content-Type", "application/json"), ("X-Auth-Token", wrong)], body.as_bytes());
        assert_error(&r, 401, "APIG.0301");
    }
    // The right token passes authentication and reaches the body checks.
    let r = post(&h, &[("Content-Type", "application/json"), ("X-Auth-Token", TOKEN)], body.as_bytes());
    assert_error(&r, 400, "AIS.0101");
    // The event stream needs the token too; health and metrics do not.
    assert_error(&client(&h).request("GET", "/v1/events", &[], None).unwrap(), 401, "APIG.0301");
    assert_eq!(client(&h).request("GET", "/healthz", &[], None).unwrap().status, 200);
    assert_eq!(client(&h).request("GET", "/metrics", &[], None).unwrap().status, 200);
    h.shutdown().unwrap();
}

#[test]
fn non_loopback_without_token_is_refused_at_start() {
    let c = HttpConfig { listen: SocketAddr::from(([0, 0, 0, 0], 0)), ..HttpConfig::default() };
    let e = start(&c, engine(), EventBus::default(), KioskHealth::default()).unwrap_err();
    assert!(matches!(e, HttpError::InsecureListen(_)), "{e}");
    assert!(e.to_string().contains("http.tokens"), "{e}");
    let h = start(&HttpConfig { tokens: vec![TOKEN.into()], ..c }, engine(), EventBus::default(), KioskHealth::default()).unwrap();
    h.shutdown().unwrap();
    let bad = HttpConfig { tokens: vec!["short".into()], ..config() };
    assert!(matches!(start(&bad, engine(), EventBus::default(), KioskHealth::default()), Err(HttpError::Config(_))));
}

/// A line model that blocks until released, announcing each call: makes "a slow recognition"
/// deterministic.
struct GateModel {
    entered: Mutex<mpsc::Sender<()>>,
    release: Mutex<mpsc::Receiver<()>>,
}

impl LineModel for GateModel {
    fn log_probs(&self, _strip: &Strip) -> Result<Vec<f32>, Error> {
        let _ = self.entered.lock().unwrap().send(());
        // Each call waits for one release (or gives up after a minute, so a failed test ends).
        let _ = self.release.lock().unwrap().recv_timeout(Duration::from_secs(60));
        Ok(passread::recognize::ctc::spell("", 100, passread::recognize::NUM_CLASSES, 0.9))
    }
}

fn gated_server(config: HttpConfig) -> (ServerHandle, mpsc::Receiver<()>, mpsc::Sender<()>) {
    let (entered_tx, entered_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel();
    let model = GateModel { entered: Mutex::new(entered_tx), release: Mutex::new(release_rx) };
    let engine = Arc::new(Engine::with_model(Box::new(model)));
    let h = start(&config, engine, EventBus::default(), KioskHealth::default()).unwrap();
    (h, entered_rx, release_tx)
}

fn release_all(release: &mpsc::Sender<()>) {
    for _ in 0..1000 {
        let _ = release.send(());
    }
}

#[test]
fn saturation_answers_busy_with_retry_after() {
    let (h, entered, release) = gated_server(HttpConfig { max_concurrent: 1, queue_wait_ms: 0, ..config() });
    let addr = h.local_addr();
    let body = json!({ "image": b64(&fixture("still_000.jpg")) }).to_string();
    let b = body.clone();
    let first = std::thread::spawn(move || {
        Client::connect(addr, Duration::from_secs(60)).unwrap().request("POST", PATH, &[("Content-Type", "application/json")], Some(b.as_bytes())).unwrap()
    });
    // The first request is inside the recogniser, holding the only slot.
    entered.recv_timeout(Duration::from_secs(60)).expect("the first request never reached the model");
    let second = post(&h, &[("Content-Type", "application/json")], body.as_bytes());
    let msg = assert_error(&second, 503, "APIG.0308");
    assert!(msg.contains("busy"), "{msg}");
    assert_eq!(second.header("retry-after"), Some("1"));
    release_all(&release);
    let first = first.join().unwrap();
    assert_ne!(first.status, 503, "{}", String::from_utf8_lossy(&first.body));
    assert!(first.status == 200 || first.status == 400);
    let metrics = client(&h).request("GET", "/metrics", &[], None).unwrap();
    let text = String::from_utf8(metrics.body).unwrap();
    assert!(text.contains("passread_http_requests_total{endpoint=\"passport\",status=\"503\",code=\"APIG.0308\"} 1\n"), "{text}");
    assert!(text.contains("passread_recognition_seconds_count 1\n"), "{text}");
    h.shutdown().unwrap();
}

#[test]
fn queued_request_waits_for_a_slot() {
    let (h, entered, release) = gated_server(HttpConfig { max_concurrent: 1, queue_wait_ms: 30_000, ..config() });
    let addr = h.local_addr();
    let body = json!({ "image": b64(&fixture("still_000.jpg")) }).to_string();
    let send = |b: String| {
        std::thread::spawn(move || {
            Client::connect(addr, Duration::from_secs(60)).unwrap().request("POST", PATH, &[("Content-Type", "application/json")], Some(b.as_bytes())).unwrap()
        })
    };
    let a = send(body.clone());
    entered.recv_timeout(Duration::from_secs(60)).unwrap();
    let b = send(body);
    // B waits in the queue: the model is not entered a second time until A is released.
    std::thread::sleep(Duration::from_millis(300));
    assert!(entered.try_recv().is_err(), "two recognitions ran at once with max_concurrent 1");
    release_all(&release);
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    assert_ne!(a.status, 503);
    assert_ne!(b.status, 503);
    h.shutdown().unwrap();
}

#[test]
fn request_timeout_answers_504() {
    // The model blocks until released, so the request can only end by its time limit; the limit
    // leaves room for decoding first even on a slow (emulated) CPU.
    let (h, entered, release) = gated_server(HttpConfig { request_timeout_ms: 3000, ..config() });
    let body = json!({ "image": b64(&fixture("still_000.jpg")) }).to_string();
    let t = Instant::now();
    let r = post(&h, &[("Content-Type", "application/json")], body.as_bytes());
    assert_error(&r, 504, "APIG.0201");
    assert!(t.elapsed() < Duration::from_secs(20));
    assert!(entered.try_recv().is_ok(), "the time limit ended a running recognition");
    release_all(&release);
    h.shutdown().unwrap();
}

/// Reads SSE text from `c` until `pred` holds on what was read, or the deadline.
fn read_sse_until(c: &mut Client, pred: impl Fn(&str) -> bool) -> String {
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !pred(&text) {
        assert!(Instant::now() < deadline, "timed out; read so far: {text:?}");
        match c.read_chunk().unwrap() {
            Some(chunk) => text.push_str(&String::from_utf8_lossy(&chunk)),
            None => panic!("stream ended; read so far: {text:?}"),
        }
    }
    text
}

#[test]
fn event_stream_delivers_published_events() {
    let bus = EventBus::default();
    let h = start(&HttpConfig { sse_keepalive_s: 1, ..config() }, engine(), bus.clone(), KioskHealth::default()).unwrap();
    let mut c = client(&h);
    c.send_raw(b"GET /v1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n").unwrap();
    let (status, headers) = c.read_head().unwrap();
    assert_eq!(status, 200);
    let ct = headers.iter().find(|(n, _)| n == "content-type").map(|(_, v)| v.as_str()).unwrap_or("");
    assert!(ct.starts_with("text/event-stream"), "{headers:?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while bus.subscribers() == 0 {
        assert!(Instant::now() < deadline, "the stream never subscribed");
        std::thread::sleep(Duration::from_millis(10));
    }
    let status_event = KioskEvent::Status { state: GuidanceState::HoldStill, frame: 42 };
    assert_eq!(bus.publish(status_event.clone()), 1);
    let text = read_sse_until(&mut c, |t| t.contains("\n\n") && t.contains("data:"));
    assert!(text.contains("event: status\n"), "{text:?}");
    let data = text.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
    assert_eq!(data, status_event.to_json_line());
    let reading = KioskEvent::Reading(passread::events::Reading {
        presentation: 1,
        result: json!({ "country_code": "UTO", "surname": "SPECIMEN" }),
        frames: [3, 5],
        fused: 3,
        checks_ok: true,
        best_effort: false,
    });
    bus.publish(reading.clone());
    let text = read_sse_until(&mut c, |t| t.contains("event: reading") && t.contains("\n\n"));
    let data = text.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
    assert_eq!(serde_json::from_str::<Value>(data).unwrap(), serde_json::to_value(&reading).unwrap());
    // Keep-alive comments while idle.
    read_sse_until(&mut c, |t| t.contains(": keep-alive"));
    // Shutting down ends the stream instead of waiting for it.
    let t = Instant::now();
    h.shutdown().unwrap();
    assert!(t.elapsed() < Duration::from_secs(4), "shutdown waited {:?}", t.elapsed());
}

#[test]
fn health_and_metrics_follow_the_kiosk() {
    let health = KioskHealth::default();
    let h = start(&config(), engine(), EventBus::default(), health.clone()).unwrap();
    let r = client(&h).request("GET", "/healthz", &[], None).unwrap();
    assert_eq!(r.status, 200);
    let v = r.json().unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["models_loaded"], true);
    assert_eq!(v["camera"], "absent");
    assert_eq!(v["serial"], "disabled");
    health.update(|s| {
        s.serial = LinkState::Down;
        s.serial_queue = 4;
        s.state = GuidanceState::Glare;
    });
    let r = client(&h).request("GET", "/healthz", &[], None).unwrap();
    assert_eq!(r.status, 503);
    assert_eq!(r.json().unwrap()["serial"], "down");
    let r = client(&h).request("GET", "/metrics", &[], None).unwrap();
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    let text = String::from_utf8(r.body).unwrap();
    for needle in [
        "passread_serial_queue_length 4\n",
        "passread_gate_state{state=\"glare\"} 1\n",
        "passread_serial_link_state{state=\"down\"} 1\n",
        "passread_http_requests_total{endpoint=\"healthz\",status=\"503\",code=\"\"} 1\n",
        "# TYPE passread_recognition_seconds histogram\n",
    ] {
        assert!(text.contains(needle), "{needle} missing in\n{text}");
    }
    h.shutdown().unwrap();
}

/// A one-file HTTP server on loopback: `/p.jpg` is the image, anything else 404.
fn file_server(bytes: Vec<u8>) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            let _ = r.read_line(&mut line);
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
            }
            let (status, body): (&str, &[u8]) = if line.starts_with("GET /p.jpg ") { ("200 OK", &bytes) } else { ("404 Not Found", b"no") };
            let _ = write!(s, "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = s.write_all(body);
            let _ = s.flush();
        }
    });
    addr
}

#[test]
fn url_downloads_only_when_enabled_and_allow_listed() {
    let files = file_server(fixture("still_000.jpg"));
    let h = server(HttpConfig {
        allow_url: true,
        url_schemes: vec!["http".into()],
        url_hosts: vec!["127.0.0.1".into()],
        url_timeout_ms: 5000,
        ..config()
    });
    let r = post_json(&h, &json!({ "url": format!("http://127.0.0.1:{}/p.jpg", files.port()), "country_code": "GENERAL" }));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(without_confidence(&r.json().unwrap()), truth("still_000.jpg")["expected"]);
    // Download failure (404), host and scheme not allow-listed.
    let msg = assert_error(&post_json(&h, &json!({ "url": format!("http://127.0.0.1:{}/missing.jpg", files.port()) })), 400, "AIS.0101");
    assert!(msg.contains("downloaded"), "{msg}");
    let msg = assert_error(&post_json(&h, &json!({ "url": format!("http://localhost:{}/p.jpg", files.port()) })), 400, "AIS.0101");
    assert!(msg.contains("allow-listed"), "{msg}");
    assert_error(&post_json(&h, &json!({ "url": format!("https://127.0.0.1:{}/p.jpg", files.port()) })), 400, "AIS.0101");
    h.shutdown().unwrap();
}

#[test]
fn keep_alive_connection_serves_many_requests() {
    let h = server(config());
    let mut c = client(&h);
    let body = json!({ "image": b64(&fixture("still_033.jpg")) }).to_string();
    for _ in 0..3 {
        let r = c.request("POST", PATH, &[("Content-Type", "application/json")], Some(body.as_bytes())).unwrap();
        assert_error(&r, 400, "AIS.0105");
        assert!(!c.closed());
    }
    h.shutdown().unwrap();
}

#[test]
fn serve_command_runs_until_sigterm_and_refuses_open_listen() {
    use std::process::{Command, Stdio};
    let exe = env!("CARGO_BIN_EXE_passread");
    let out = Command::new(exe).args(["serve", "--listen", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("without authentication") && err.contains("http.tokens"), "{err}");

    let mut child = Command::new(exe).args(["serve", "--listen", "127.0.0.1:0"]).stderr(Stdio::piped()).spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    // Other log lines may come first (e.g. tract's CPU feature probe under qemu).
    let mut line = String::new();
    while !line.contains("http://") {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "serve exited without its address line");
    }
    let addr: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    let r = Client::connect(addr, Duration::from_secs(30)).unwrap().request("GET", "/healthz", &[], None).unwrap();
    assert_eq!(r.status, 200);
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0));
}

/// The kiosk runtime's events, replayed from a recorded sequence, reach an event-stream client:
/// the reading the check-in screen would show, with the API result inside.
#[test]
fn event_stream_delivers_a_replayed_reading() {
    use passread::capture::replay::{Pace, ReplaySource};
    use passread::capture::FrameSource;
    let bus = EventBus::default();
    let engine = engine();
    let h = start(&config(), engine.clone(), bus.clone(), KioskHealth::default()).unwrap();
    let mut c = client(&h);
    c.send_raw(b"GET /v1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n").unwrap();
    assert_eq!(c.read_head().unwrap().0, 200);
    let deadline = Instant::now() + Duration::from_secs(10);
    while bus.subscribers() == 0 {
        assert!(Instant::now() < deadline, "the stream never subscribed");
        std::thread::sleep(Duration::from_millis(10));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sequences/td3_mjpeg_1280x720");
    let mut source = ReplaySource::open(&dir, Pace::Fast).unwrap();
    let mut kiosk = passread::kiosk::Kiosk::new(engine, &passread::config::Config::default(), KioskHealth::default());
    while let Some(frame) = source.next_frame().unwrap() {
        for e in kiosk.process(&frame).unwrap().events {
            bus.publish(e);
        }
    }
    let text = read_sse_until(&mut c, |t| t.contains("event: reading") && t.split("event: reading").nth(1).is_some_and(|r| r.contains("\n\n")));
    let after = text.split("event: reading").nth(1).unwrap();
    let data = after.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
    let v: Value = serde_json::from_str(data).unwrap();
    assert_eq!(v["event"], "reading");
    assert_eq!(v["result"]["passport_number"], "CRW6607JZ");
    assert_eq!(v["checks_ok"], true);
    assert!(text.contains("event: status"), "status events came first: {text:?}");
    h.shutdown().unwrap();
}
