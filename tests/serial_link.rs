//! End-to-end tests of the serial link over a pseudo-terminal pair, against a simulated gate
//! controller that ACKs, NAKs, drops, delays and corrupts frames from a seeded schedule, goes
//! silent, is unplugged, and spews garbage. The controller follows the exactly-once rule of
//! docs/serial-protocol.md: it acts on a sequence number once and acknowledges repeats again.
#![cfg(unix)]

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use passread::config::SerialConfig;
use passread::emit::frame::{self, DecodeError, Decoder, FrameType, WireBuf};
use passread::emit::{SendError, SerialLink, QUEUE_CAPACITY};
use passread::events::{GuidanceState, KioskEvent, KioskHealth, LinkState, Reading};
use serialport::{SerialPort, TTYPort};

/// SplitMix64: a seeded schedule, the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What the controller does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Mode {
    /// Acts on and acknowledges every frame at once.
    Perfect = 0,
    /// Random schedule: ACK, NAK, drop, drop the answer, late answer, corrupt answer, garbage.
    Flaky = 1,
    /// Reads nothing (the kiosk's frames pile up in the pty).
    Silent = 2,
    /// Reads and ignores frames, writes garbage, oversize frames, damaged and stray frames.
    Garbage = 3,
    /// The pty is closed: the port path leads nowhere.
    Unplugged = 4,
}

impl Mode {
    fn from_u8(v: u8) -> Mode {
        [Mode::Perfect, Mode::Flaky, Mode::Silent, Mode::Garbage, Mode::Unplugged][v as usize]
    }
}

/// What the controller did, for the assertions.
#[derive(Debug, Default)]
struct Log {
    /// Presentation numbers of the readings acted on, in order.
    readings: Vec<u64>,
    /// Frames acknowledged again without acting (repeated sequence number).
    duplicates: usize,
    statuses: usize,
    heartbeats: usize,
    hellos: usize,
    /// Frame types in the order they were acted on.
    first_kind: Option<FrameType>,
    bad_frames: usize,
}

struct Controller {
    mode: Arc<AtomicU8>,
    log: Arc<Mutex<Log>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Controller {
    fn start(port_link: &Path, mode: Mode, seed: u64, ack_timeout_ms: u64, baud: u32) -> Controller {
        let mode = Arc::new(AtomicU8::new(mode as u8));
        let log = Arc::new(Mutex::new(Log::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let sim = Sim {
            port_link: port_link.to_path_buf(),
            mode: mode.clone(),
            log: log.clone(),
            stop: stop.clone(),
            rng: Rng(seed),
            ack_timeout_ms,
            baud,
            last_seq: None,
            delayed: Vec::new(),
            last_seen: 0,
        };
        let thread = std::thread::spawn(move || sim.run());
        Controller { mode, log, stop, thread: Some(thread) }
    }

    fn set(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
    }

    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Controller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A new pty pair whose slave is reached through `port_link` (a symlink, swapped atomically, as
/// a udev rule would name a USB adapter).
fn plug(port_link: &Path) -> TTYPort {
    let (master, slave) = TTYPort::pair().expect("pseudo-terminal pair");
    let name = slave.name().expect("slave name");
    drop(slave);
    let tmp = port_link.with_extension("new");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(&name, &tmp).unwrap();
    std::fs::rename(&tmp, port_link).unwrap();
    master
}

struct Sim {
    port_link: PathBuf,
    mode: Arc<AtomicU8>,
    log: Arc<Mutex<Log>>,
    stop: Arc<AtomicBool>,
    rng: Rng,
    ack_timeout_ms: u64,
    baud: u32,
    /// The sequence number last acted on (the dedup state; survives unplugging).
    last_seq: Option<u8>,
    /// Answers to write later: (due, bytes).
    delayed: Vec<(Instant, Vec<u8>)>,
    /// Last kiosk sequence number seen, for stray ACKs that cannot match anything outstanding.
    last_seen: u8,
}

fn wire(kind: FrameType, seq: u8, payload: &[u8]) -> Vec<u8> {
    let mut w = WireBuf::new();
    frame::encode(kind, seq, payload, &mut w).unwrap();
    w.to_vec()
}

enum Got {
    Frame(FrameType, u8, Vec<u8>),
    Damaged(DecodeError),
}

impl Sim {
    fn run(mut self) {
        let mut master: Option<TTYPort> = None;
        let mut decoder = Decoder::new();
        while !self.stop.load(Ordering::SeqCst) {
            let mode = Mode::from_u8(self.mode.load(Ordering::SeqCst));
            if mode == Mode::Unplugged {
                if master.is_some() {
                    // As udev does for a USB adapter: the name goes first, then the device
                    // (whose pts number another test may get next).
                    let _ = std::fs::remove_file(&self.port_link);
                    master = None;
                    self.delayed.clear();
                }
                std::thread::sleep(Duration::from_millis(2));
                continue;
            }
            let m = master.get_or_insert_with(|| {
                decoder.reset();
                let mut m = plug(&self.port_link);
                m.set_timeout(Duration::from_millis(3)).unwrap();
                m
            });
            if mode == Mode::Silent {
                std::thread::sleep(Duration::from_millis(2));
                continue;
            }
            let now = Instant::now();
            let mut i = 0;
            while i < self.delayed.len() {
                if self.delayed[i].0 <= now {
                    let (_, bytes) = self.delayed.swap_remove(i);
                    let _ = m.write_all(&bytes);
                } else {
                    i += 1;
                }
            }
            if mode == Mode::Garbage {
                let g = self.garbage();
                let _ = m.write_all(&g);
            }
            let mut buf = [0u8; 1024];
            let n = match m.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => 0,
                // The kiosk has the slave closed (reopening): nobody on the line yet.
                Err(_) => {
                    std::thread::sleep(Duration::from_millis(2));
                    0
                }
            };
            for &b in &buf[..n] {
                let got = match decoder.push(b) {
                    Some(Ok(f)) => Got::Frame(f.kind, f.seq, f.payload.to_vec()),
                    Some(Err(e)) => Got::Damaged(e),
                    None => continue,
                };
                let answer = match got {
                    Got::Frame(kind, seq, payload) => {
                        self.last_seen = seq;
                        // The mode as of now (the test may have changed it during the read).
                        let mode = Mode::from_u8(self.mode.load(Ordering::SeqCst));
                        if !matches!(mode, Mode::Perfect | Mode::Flaky) {
                            continue;
                        }
                        self.on_frame(mode, kind, seq, &payload)
                    }
                    Got::Damaged(e) => {
                        self.log.lock().unwrap_or_else(|p| p.into_inner()).bad_frames += 1;
                        match e {
                            DecodeError::BadCrc { seq, .. } => wire(FrameType::Nak, seq, b""),
                            _ => continue,
                        }
                    }
                };
                let _ = m.write_all(&answer);
            }
        }
    }

    /// Acts (or not) and returns the immediate answer bytes (maybe none).
    fn on_frame(&mut self, mode: Mode, kind: FrameType, seq: u8, payload: &[u8]) -> Vec<u8> {
        let roll = if mode == Mode::Perfect { 0 } else { self.rng.below(100) };
        let ack = wire(FrameType::Ack, seq, b"");
        match roll {
            // Refused: not acted on.
            50..60 => wire(FrameType::Nak, seq, b""),
            // Lost on the way in: neither acted on nor answered.
            60..68 => Vec::new(),
            _ => {
                self.act(kind, seq, payload);
                match roll {
                    // Acted on, answer lost on the way out.
                    68..76 => Vec::new(),
                    // Acted on, answered after the kiosk gave up waiting.
                    76..86 => {
                        let tx_ms = (payload.len() as u64 * 2 * 10 * 1000).div_ceil(self.baud as u64);
                        let late = 2 * (self.ack_timeout_ms + tx_ms) + self.rng.below(20);
                        self.delayed.push((Instant::now() + Duration::from_millis(late), ack));
                        Vec::new()
                    }
                    // Answer damaged on the way out.
                    86..93 => {
                        let mut bad = ack;
                        let i = 1 + self.rng.below(bad.len() as u64 - 2) as usize;
                        bad[i] ^= 1 << self.rng.below(8);
                        bad
                    }
                    // Line noise, then the answer.
                    93..100 => {
                        let mut g: Vec<u8> = (0..self.rng.below(40)).map(|_| self.rng.next() as u8).collect();
                        g.extend(ack);
                        g
                    }
                    _ => ack,
                }
            }
        }
    }

    /// The exactly-once rule: a repeated sequence number is acknowledged, never acted on twice.
    fn act(&mut self, kind: FrameType, seq: u8, payload: &[u8]) {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        log.first_kind.get_or_insert(kind);
        if kind == FrameType::Hello {
            log.hellos += 1;
            self.last_seq = Some(seq);
            return;
        }
        if self.last_seq == Some(seq) {
            log.duplicates += 1;
            return;
        }
        self.last_seq = Some(seq);
        match kind {
            FrameType::Reading => {
                let v: serde_json::Value = serde_json::from_slice(payload).expect("reading JSON");
                assert_eq!(v["event"], "reading");
                log.readings.push(v["presentation"].as_u64().expect("presentation"));
            }
            FrameType::Status => {
                let v: serde_json::Value = serde_json::from_slice(payload).expect("status JSON");
                assert_eq!(v["event"], "status");
                log.statuses += 1;
            }
            FrameType::Heartbeat => log.heartbeats += 1,
            other => panic!("controller got {other:?}"),
        }
    }

    fn garbage(&mut self) -> Vec<u8> {
        match self.rng.below(6) {
            0 => (0..self.rng.below(200)).map(|_| self.rng.next() as u8).collect(),
            // Far more than a frame can hold, never terminated.
            1 => {
                let mut g = vec![frame::STX];
                g.extend(std::iter::repeat_n(b'x', frame::MAX_BODY + 3000));
                g
            }
            // Damaged frames.
            2 => {
                let mut f = wire(FrameType::Ack, self.rng.next() as u8, b"");
                f[3] ^= 0x40;
                f
            }
            // Frames of unknown type, and NAKs (a NAK only makes the kiosk resend).
            3 => {
                let mut body = vec![b'Q', 1, 0, 0];
                let crc = frame::crc16(&body).to_be_bytes();
                body.extend(crc);
                let mut f = vec![frame::STX];
                f.extend(body);
                f.push(frame::ETX);
                f.extend(wire(FrameType::Nak, self.rng.next() as u8, b""));
                f
            }
            // ACKs for numbers the kiosk cannot have outstanding, and kiosk-only frame types.
            4 => {
                let mut f = wire(FrameType::Ack, self.last_seen.wrapping_add(128), b"");
                f.extend(wire(FrameType::Reading, self.last_seen, b"{}"));
                f
            }
            _ => vec![frame::STX, frame::DLE, frame::DLE, frame::ETX, frame::STX, frame::ETX],
        }
    }
}

/// A reading of realistic size (~600 bytes; some with hanzi).
fn reading(n: u64) -> KioskEvent {
    let name = if n % 3 == 0 { "张伟" } else { "ERIKSSON ANNA MARIA" };
    KioskEvent::Reading(Reading {
        presentation: n,
        result: serde_json::json!({
            "document_type": "P", "country_code": "UTO", "document_number": format!("L{n:08}"),
            "surname": name, "given_names": "ANNA MARIA", "nationality": "UTO",
            "birth_date": "1974-08-12", "sex": "F", "expiry_date": "2032-04-15",
            "personal_number": "ZE184226B", "mrz_lines": [
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                format!("L{n:08}6UTO7408122F1204159ZE184226B<<<<<10")],
            "confidence": {"document_number": 0.97, "surname": 0.99, "birth_date": 0.98},
            "checks": {"document_number": true, "birth_date": true, "expiry_date": true, "composite": true},
        }),
        frames: [n * 10, n * 10 + 4],
        fused: 4,
        checks_ok: true,
        best_effort: n % 7 == 0,
    })
}

fn status(frame: u64) -> KioskEvent {
    let state = GuidanceState::ALL[(frame % GuidanceState::ALL.len() as u64) as usize];
    KioskEvent::Status { state, frame }
}

fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + timeout;
    while !f() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Sends a reading, waiting while the queue is full; returns how often it was full.
fn send_waiting(link: &SerialLink, event: &KioskEvent) -> usize {
    let mut full = 0;
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        match link.send(event) {
            Ok(()) => return full,
            Err(SendError::QueueFull) => {
                full += 1;
                assert!(Instant::now() < end, "queue stayed full: {:?} {:?}", link.state(), link.stats());
                std::thread::sleep(Duration::from_millis(3));
            }
            Err(e) => panic!("send: {e}"),
        }
    }
}

/// Records every change of the health snapshot's serial state.
struct Sampler {
    states: Arc<Mutex<Vec<LinkState>>>,
    max_queue: Arc<Mutex<usize>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Sampler {
    fn start(health: KioskHealth) -> Sampler {
        let states = Arc::new(Mutex::new(Vec::<LinkState>::new()));
        let max_queue = Arc::new(Mutex::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, q, st) = (states.clone(), max_queue.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !st.load(Ordering::SeqCst) {
                let h = health.snapshot();
                let mut v = s.lock().unwrap();
                if v.last() != Some(&h.serial) {
                    v.push(h.serial);
                }
                let mut m = q.lock().unwrap();
                *m = (*m).max(h.serial_queue);
                drop((v, m));
                std::thread::sleep(Duration::from_micros(500));
            }
        });
        Sampler { states, max_queue, stop, thread: Some(thread) }
    }

    fn states(&self) -> Vec<LinkState> {
        self.states.lock().unwrap().clone()
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn contains_in_order(seen: &[LinkState], wanted: &[LinkState]) -> bool {
    let mut it = seen.iter();
    wanted.iter().all(|w| it.any(|s| s == w))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("passread-serial-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("gate")
}

fn link_config(port: &Path) -> SerialConfig {
    SerialConfig {
        enabled: true,
        port: port.to_path_buf(),
        baud: 115_200,
        ack_timeout_ms: 30,
        max_retries: 3,
        heartbeat_s: 1,
        backoff_max_ms: 120,
        reopen_ms: 25,
    }
}

#[test]
fn every_reading_arrives_once_in_order_through_a_flaky_controller() {
    let port = scratch("flaky");
    let cfg = link_config(&port);
    let controller = Controller::start(&port, Mode::Flaky, 0x5EED_0006, cfg.ack_timeout_ms, cfg.baud);
    wait_until("the pty", Duration::from_secs(2), || port.exists());
    let health = KioskHealth::default();
    let sampler = Sampler::start(health.clone());
    let link = SerialLink::spawn(&cfg, health.clone()).unwrap();
    wait_until("link up", Duration::from_secs(3), || link.state() == LinkState::Up);

    let mut rng = Rng(42);
    let mut queue_full = 0;
    // A: a flaky controller.
    for n in 1..=8 {
        queue_full += send_waiting(&link, &reading(n));
        link.send(&status(n)).unwrap();
        std::thread::sleep(Duration::from_millis(rng.below(15)));
    }
    // B: the controller goes silent; readings pile up to the queue's capacity.
    controller.set(Mode::Silent);
    // Let answers already on the line land.
    std::thread::sleep(Duration::from_millis(50));
    // Like the runtime, keep refused readings (in order) and offer them again later.
    let mut refused = VecDeque::new();
    for n in 9..=28 {
        if !refused.is_empty() {
            refused.push_back(n);
            continue;
        }
        match link.send(&reading(n)) {
            Ok(()) => {}
            Err(SendError::QueueFull) => refused.push_back(n),
            Err(e) => panic!("{e}"),
        }
    }
    assert!(!refused.is_empty(), "the queue never filled");
    assert_eq!(link.queued(), QUEUE_CAPACITY);
    wait_until("unresponsive", Duration::from_secs(3), || health.snapshot().serial == LinkState::Unresponsive);
    assert_eq!(health.snapshot().serial_queue, QUEUE_CAPACITY);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(health.snapshot().serial, LinkState::Unresponsive);
    // C: it reads again (first the retransmissions that piled up in the line).
    controller.set(Mode::Flaky);
    for n in refused.drain(..) {
        queue_full += send_waiting(&link, &reading(n));
    }
    wait_until("up again", Duration::from_secs(3), || health.snapshot().serial == LinkState::Up);
    // D: the adapter is unplugged while readings are queued, and plugged in again.
    controller.set(Mode::Unplugged);
    wait_until("down", Duration::from_secs(3), || health.snapshot().serial == LinkState::Down);
    for n in 29..=30 {
        if !refused.is_empty() || link.send(&reading(n)).is_err() {
            refused.push_back(n);
        }
    }
    std::thread::sleep(Duration::from_millis(80));
    assert_eq!(health.snapshot().serial, LinkState::Down);
    controller.set(Mode::Flaky);
    for n in refused.drain(..) {
        queue_full += send_waiting(&link, &reading(n));
    }
    assert!(link.flush(Duration::from_secs(15)), "queue did not drain: {} left", link.queued());
    wait_until("link up", Duration::from_secs(3), || link.state() == LinkState::Up);

    // Statuses wait while readings are queued; with the queue empty the latest one goes out.
    controller.set(Mode::Perfect);
    link.send(&status(100)).unwrap();
    link.send(&status(101)).unwrap();
    wait_until("status", Duration::from_secs(3), || link.stats().statuses_delivered > 0);
    assert!(controller.log().statuses > 0);

    let stats = link.stats();
    let log = controller.log();
    assert_eq!(log.readings, (1..=30).collect::<Vec<u64>>(), "{stats:?}");
    assert!(stats.statuses_dropped > 0 && stats.statuses_delivered > 0, "{stats:?}");
    assert_eq!(log.first_kind, Some(FrameType::Hello));
    assert!(log.duplicates > 0, "no duplicate was exercised: {stats:?}");
    assert_eq!(stats.readings_delivered, 30);
    assert!(stats.naks > 0 && stats.timeouts > 0 && stats.retransmissions > 0, "{stats:?}");
    assert!(stats.rx_errors > 0, "no damaged ACK was seen: {stats:?}");
    assert!(stats.opens >= 2 && stats.io_errors >= 1, "{stats:?}");
    let h = health.snapshot();
    assert_eq!((h.serial, h.serial_queue), (LinkState::Up, 0));
    let states = sampler.states();
    use LinkState::*;
    // The waits above saw Up → Unresponsive → Up → Down → Up in that order; the sampler
    // (which may miss a short state under load) saw the long ones.
    assert!(contains_in_order(&states, &[Up, Unresponsive, Down, Up]), "{states:?}");
    assert_eq!(*sampler.max_queue.lock().unwrap(), QUEUE_CAPACITY);
    eprintln!("queue full {queue_full}×, {} duplicates, states {states:?}, {stats:?}", log.duplicates);
}

#[test]
fn garbage_from_the_controller_does_not_break_the_link() {
    let port = scratch("garbage");
    let cfg = link_config(&port);
    let controller = Controller::start(&port, Mode::Perfect, 7, cfg.ack_timeout_ms, cfg.baud);
    wait_until("the pty", Duration::from_secs(2), || port.exists());
    let link = SerialLink::spawn(&cfg, KioskHealth::default()).unwrap();
    wait_until("link up", Duration::from_secs(3), || link.state() == LinkState::Up);
    controller.set(Mode::Garbage);
    for n in 1..=6 {
        send_waiting(&link, &reading(n));
        std::thread::sleep(Duration::from_millis(60));
    }
    assert!(controller.log().readings.is_empty(), "the garbage controller acted");
    assert!(link.queued() > 0);
    controller.set(Mode::Perfect);
    assert!(link.flush(Duration::from_secs(10)), "queue did not drain");
    let stats = link.stats();
    assert_eq!(controller.log().readings, (1..=6).collect::<Vec<u64>>());
    assert!(stats.rx_errors > 10, "{stats:?}");
    assert!(stats.rx_ignored > 0, "{stats:?}");
    assert_eq!(link.state(), LinkState::Up);
    // The receive side is one fixed-size frame buffer, whatever the peer sends.
    assert!(std::mem::size_of::<Decoder>() <= frame::MAX_BODY + 64);
}

#[test]
fn link_comes_up_when_the_port_appears() {
    let port = scratch("appears");
    let _ = std::fs::remove_file(&port);
    let cfg = link_config(&port);
    let health = KioskHealth::default();
    let link = SerialLink::spawn(&cfg, health.clone()).unwrap();
    link.send(&reading(1)).unwrap();
    link.send(&status(3)).unwrap();
    std::thread::sleep(Duration::from_millis(60));
    let h = health.snapshot();
    assert_eq!((h.serial, h.serial_queue), (LinkState::Down, 1));
    let controller = Controller::start(&port, Mode::Perfect, 1, cfg.ack_timeout_ms, cfg.baud);
    assert!(link.flush(Duration::from_secs(5)));
    wait_until("status delivered", Duration::from_secs(2), || link.stats().statuses_delivered == 1);
    assert_eq!(controller.log().statuses, 1);
    assert_eq!(controller.log().readings, vec![1]);
    assert_eq!(link.state(), LinkState::Up);
}
