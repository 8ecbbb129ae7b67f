//! `passread run` as systemd runs it: READY and WATCHDOG over a real notify socket, readings
//! printed, and a clean exit 0 on SIGTERM.

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_passread");

fn seq(name: &str) -> String {
    format!("{}/tests/fixtures/sequences/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn run_notifies_systemd_and_stops_cleanly_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("passread-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock_path = dir.join("notify.sock");
    let _ = std::fs::remove_file(&sock_path);
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let config = dir.join("passread.toml");
    std::fs::write(&config, "[reading]\nleave_frames = 2\n").unwrap();
    let mut child = Command::new(BIN)
        .args(["run", "--print", "--config"])
        .arg(&config)
        .arg("--source")
        .arg(format!("replay:{}", seq("twice_mjpeg_1280x720")))
        .env("NOTIFY_SOCKET", &sock_path)
        .env("WATCHDOG_USEC", "200000")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut buf = [0u8; 256];
    let mut got = Vec::new();
    let t0 = Instant::now();
    while !got.iter().any(|m: &String| m == "WATCHDOG=1") && t0.elapsed() < Duration::from_secs(60) {
        let n = sock.recv(&mut buf).unwrap();
        got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    assert_eq!(got.first().map(String::as_str), Some("READY=1"), "{got:?}");
    assert!(got.iter().any(|m| m == "WATCHDOG=1"), "{got:?}");
    // Stop it half-way through the (real-time paced, 2.7 s) recording.
    std::thread::sleep(Duration::from_millis(300));
    unsafe {
        assert_eq!(kill(child.id() as i32, 15), 0);
    }
    let mut stopping = false;
    while let Ok(n) = sock.recv(&mut buf) {
        if &buf[..n] == b"STOPPING=1" {
            stopping = true;
            break;
        }
    }
    let status = child.wait().unwrap();
    assert!(stopping, "STOPPING=1 sent");
    assert!(status.success(), "exit 0 on SIGTERM: {status:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn run_on_a_replay_prints_one_reading_per_presentation() {
    let out = Command::new(BIN)
        .args(["run", "--print", "--config", "/dev/null", "--source"])
        .arg(format!("replay:{}", seq("twice_mjpeg_1280x720")))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let numbers: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["event"] == "reading")
        .map(|v| v["result"]["passport_number"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(numbers, ["44OM22462", "K90424155"]);
}

extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
}
