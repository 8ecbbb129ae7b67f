//! The kiosk's configuration file (TOML): camera, gates, reading, serial, GPIO, HTTP.
//!
//! Every key has a default that works on a Raspberry Pi with one USB camera; an unknown key is
//! an error naming the key, so a typo never silently falls back to a default.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where `passread run` and `passread serve` look when `--config` is not given.
pub const DEFAULT_PATH: &str = "/etc/passread/passread.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("config {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub camera: CameraConfig,
    pub gates: GateConfig,
    pub reading: ReadingConfig,
    pub serial: SerialConfig,
    pub gpio: GpioConfig,
    pub http: HttpConfig,
}

/// Pixel format asked of the camera.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PixelFormatChoice {
    /// Whatever the camera offers, cheapest to luma first: GREY, YUYV, MJPG.
    #[default]
    Auto,
    Grey,
    Yuyv,
    Mjpg,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CameraConfig {
    pub device: PathBuf,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub format: PixelFormatChoice,
    /// Memory-mapped buffers (2–8).
    pub buffers: u32,
    /// A frame not arriving within this time counts as a camera failure (re-open).
    pub timeout_ms: u64,
}

impl Default for CameraConfig {
    fn default() -> Self {
        CameraConfig {
            device: PathBuf::from("/dev/video0"),
            width: 1280,
            height: 720,
            fps: 15,
            format: PixelFormatChoice::Auto,
            buffers: 4,
            timeout_ms: 2000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GateConfig {
    /// Least fraction of the frame the page must cover.
    pub min_coverage: f32,
    /// Least sharpness: steepness of the page's edges on the half-resolution copy, 0–1 (1 = step
    /// edges, about 1/b for a blur over b pixels).
    pub min_sharpness: f32,
    /// Frames darker than this (99th luma percentile, 0–255) are `too_dark`.
    pub min_brightness: u8,
    /// Fraction of saturated pixels over the machine-readable zone that counts as glare.
    pub max_glare: f32,
    /// Mean absolute luma change between successive frames (0–255) above which the page moves.
    pub max_motion: f32,
}

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig { min_coverage: 0.25, min_sharpness: 0.45, min_brightness: 40, max_glare: 0.01, max_motion: 6.0 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadingConfig {
    /// Good frames after which the best reading is emitted (flagged best-effort) if the check
    /// digits never held with high confidence.
    pub max_frames: u32,
    /// Frames without a page after which a presentation has ended.
    pub leave_frames: u32,
    /// A presentation also ends after this many seconds (0 = never), so a page left on the
    /// scanner is read again.
    pub presentation_timeout_s: u64,
    /// Least confidence of every field for an early emission.
    pub min_confidence: f32,
    /// As the API's `country_code`: empty = automatic (a Chinese mainland passport's visual zone
    /// is read too), `GENERAL` = the machine-readable zone only, `CHN` = every passport's
    /// visual zone as a Chinese page.
    pub country_code: String,
}

impl Default for ReadingConfig {
    fn default() -> Self {
        ReadingConfig { max_frames: 8, leave_frames: 3, presentation_timeout_s: 0, min_confidence: 0.8, country_code: String::new() }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SerialConfig {
    pub enabled: bool,
    pub port: PathBuf,
    pub baud: u32,
    /// Wait this long for ACK/NAK before sending again.
    pub ack_timeout_ms: u64,
    /// Sends of one frame before the controller is considered unresponsive (the reading stays queued).
    pub max_retries: u32,
    /// Heartbeat period while idle (0 = off).
    pub heartbeat_s: u64,
    /// Longest pause between two sends of a frame once the controller is unresponsive (the
    /// pause starts at `ack_timeout_ms` and doubles).
    pub backoff_max_ms: u64,
    /// Wait this long before opening the port again after it failed or disappeared.
    pub reopen_ms: u64,
}

impl Default for SerialConfig {
    fn default() -> Self {
        SerialConfig {
            enabled: false,
            port: PathBuf::from("/dev/ttyAMA0"),
            baud: 115_200,
            ack_timeout_ms: 300,
            max_retries: 5,
            heartbeat_s: 5,
            backoff_max_ms: 5000,
            reopen_ms: 1000,
        }
    }
}

impl SerialConfig {
    /// Checks the values the link needs (called for an enabled link).
    pub fn check(&self) -> Result<(), String> {
        if self.baud == 0 || self.ack_timeout_ms == 0 || self.max_retries == 0 || self.reopen_ms == 0 {
            return Err("serial.baud, serial.ack_timeout_ms, serial.max_retries and serial.reopen_ms must be positive".into());
        }
        if self.backoff_max_ms < self.ack_timeout_ms {
            return Err("serial.backoff_max_ms must be at least serial.ack_timeout_ms".into());
        }
        if self.port.as_os_str().is_empty() {
            return Err("serial.port must name a device".into());
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GpioConfig {
    pub enabled: bool,
    /// BCM pin numbers.
    pub illumination: Option<u8>,
    pub led_green: Option<u8>,
    pub led_red: Option<u8>,
    pub buzzer: Option<u8>,
    /// Presence sensor input (high = page present).
    pub presence: Option<u8>,
}

impl Default for GpioConfig {
    fn default() -> Self {
        GpioConfig {
            enabled: false,
            illumination: Some(17),
            led_green: Some(27),
            led_red: Some(22),
            buzzer: None,
            presence: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Serve the API inside `passread run`.
    pub enabled: bool,
    pub listen: SocketAddr,
    /// Accepted `X-Auth-Token` values. Empty = no authentication, allowed on loopback only.
    pub tokens: Vec<String>,
    /// Recognitions run at the same time; further requests wait `queue_wait_ms`, then get busy.
    pub max_concurrent: usize,
    pub queue_wait_ms: u64,
    pub request_timeout_ms: u64,
    /// Allow `url` in requests (off: a kiosk must not fetch arbitrary URLs).
    pub allow_url: bool,
    /// Hosts `url` may name (exact match), when `allow_url` is on.
    pub url_hosts: Vec<String>,
    /// Schemes `url` may use.
    pub url_schemes: Vec<String>,
    pub url_timeout_ms: u64,
    /// Interval of the keep-alive comments on `GET /v1/events` (seconds).
    pub sse_keepalive_s: u64,
    /// Event-stream clients at once; one more gets the busy answer (503).
    pub max_sse_clients: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            enabled: false,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tokens: Vec::new(),
            max_concurrent: 2,
            queue_wait_ms: 2000,
            request_timeout_ms: 15_000,
            allow_url: false,
            url_hosts: Vec::new(),
            url_schemes: vec!["https".into()],
            url_timeout_ms: 5000,
            sse_keepalive_s: 15,
            max_sse_clients: 8,
        }
    }
}

impl HttpConfig {
    /// Checks the values that do not depend on the network (the loopback rule is checked when
    /// the server starts: `passread::http::start`).
    pub fn check(&self) -> Result<(), String> {
        if self.max_concurrent == 0 {
            return Err("http.max_concurrent must be positive".into());
        }
        if self.tokens.iter().any(|t| t.len() < 16) {
            return Err("http.tokens: every token must be at least 16 characters".into());
        }
        if self.tokens.iter().any(|t| !t.bytes().all(|b| b.is_ascii_graphic())) {
            return Err("http.tokens: tokens must be printable ASCII without spaces".into());
        }
        if self.request_timeout_ms == 0 || self.url_timeout_ms == 0 || self.sse_keepalive_s == 0 {
            return Err("http.request_timeout_ms, http.url_timeout_ms and http.sse_keepalive_s must be positive".into());
        }
        if let Some(s) = self.url_schemes.iter().find(|s| !matches!(s.as_str(), "http" | "https")) {
            return Err(format!("http.url_schemes: only \"http\" and \"https\" are supported, got {s:?}"));
        }
        if self.allow_url && (self.url_hosts.is_empty() || self.url_schemes.is_empty()) {
            return Err("http.allow_url needs at least one entry in http.url_hosts and in http.url_schemes".into());
        }
        Ok(())
    }
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.into(), source })?;
        Config::parse(&text, path)
    }

    /// `--config` if given; else the default path if it exists; else the defaults.
    pub fn load_or_default(path: Option<&Path>) -> Result<Config, ConfigError> {
        match path {
            Some(p) => Config::load(p),
            None if Path::new(DEFAULT_PATH).exists() => Config::load(Path::new(DEFAULT_PATH)),
            None => Ok(Config::default()),
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let c: Config =
            toml::from_str(text).map_err(|e| ConfigError::Parse { path: path.into(), message: e.to_string() })?;
        c.check().map_err(|message| ConfigError::Invalid { path: path.into(), message })?;
        Ok(c)
    }

    fn check(&self) -> Result<(), String> {
        let c = &self.camera;
        if !(15..=8192).contains(&c.width) || !(15..=8192).contains(&c.height) {
            return Err(format!("camera size {}x{} is outside 15–8192", c.width, c.height));
        }
        if !(2..=8).contains(&c.buffers) {
            return Err(format!("camera.buffers must be 2–8, got {}", c.buffers));
        }
        if c.fps == 0 || c.timeout_ms == 0 {
            return Err("camera.fps and camera.timeout_ms must be positive".into());
        }
        let g = &self.gates;
        if !(0.0..=1.0).contains(&g.min_coverage) || !(0.0..=1.0).contains(&g.max_glare) {
            return Err("gates.min_coverage and gates.max_glare are fractions (0–1)".into());
        }
        if self.reading.max_frames == 0 || self.reading.leave_frames == 0 {
            return Err("reading.max_frames and reading.leave_frames must be positive".into());
        }
        crate::result::Mode::from_country_code(Some(&self.reading.country_code)).map_err(|e| format!("reading.country_code: {e}"))?;
        if self.serial.enabled {
            self.serial.check()?;
        }
        self.http.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(Config::parse("", Path::new("x.toml")).unwrap(), Config::default());
    }

    #[test]
    fn unknown_keys_are_named() {
        let e = Config::parse("[camera]\ndevcie = \"/dev/video2\"\n", Path::new("k.toml")).unwrap_err();
        let m = e.to_string();
        assert!(m.contains("devcie") && m.contains("k.toml"), "{m}");
        let e = Config::parse("[camrea]\n", Path::new("k.toml")).unwrap_err();
        assert!(e.to_string().contains("camrea"));
    }

    #[test]
    fn values_are_checked() {
        assert!(Config::parse("[camera]\nbuffers = 40\n", Path::new("x")).is_err());
        assert!(Config::parse("[gates]\nmin_coverage = 2.0\n", Path::new("x")).is_err());
        assert!(Config::parse("[http]\ntokens = [\"short\"]\n", Path::new("x")).is_err());
        assert!(Config::parse("[http]\nallow_url = true\n", Path::new("x")).is_err());
        assert!(Config::parse("[http]\nurl_schemes = [\"ftp\"]\n", Path::new("x")).is_err());
        let c = Config::parse("[http]\nallow_url = true\nurl_hosts = [\"img.example\"]\n", Path::new("x")).unwrap();
        assert_eq!(c.http.url_schemes, ["https"]);
        let c = Config::parse("[serial]\nenabled = true\nport = \"/dev/ttyUSB0\"\nbaud = 9600\n", Path::new("x")).unwrap();
        assert_eq!(c.serial.baud, 9600);
        assert_eq!(c.serial.max_retries, 5);
        assert!(Config::parse("[serial]\nenabled = true\nbackoff_max_ms = 10\n", Path::new("x")).is_err());
        assert!(Config::parse("[serial]\nenabled = true\nreopen_ms = 0\n", Path::new("x")).is_err());
    }

    #[test]
    fn reading_country_code_is_checked() {
        for ok in ["", "GENERAL", "CHN", "FRA"] {
            assert!(Config::parse(&format!("[reading]\ncountry_code = \"{ok}\"\n"), Path::new("x")).is_ok(), "{ok:?}");
        }
        let e = Config::parse("[reading]\ncountry_code = \"china\"\n", Path::new("x")).unwrap_err();
        assert!(e.to_string().contains("reading.country_code"), "{e}");
    }

    #[test]
    fn board_example_config_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("board/passread.toml");
        let c = Config::load(&path).unwrap();
        assert!(c.serial.enabled && c.gpio.enabled, "the example switches serial and GPIO on");
        assert_eq!(c.gates, GateConfig::default(), "the example shows the default gates");
    }
}
