//! Running as a systemd service: readiness and watchdog notifications (`sd_notify`),
//! SIGTERM/SIGINT, and logging to the journal.
//!
//! The unit (`systemd/passread.service`) is `Type=notify` with `WatchdogSec=`: systemd considers
//! the reader started when it sends `READY=1`, and restarts it when `WATCHDOG=1` stops arriving,
//! so the watchdog must be fed from the camera loop itself (a hung `VIDIOC_DQBUF` then stops the
//! pings). Outside systemd every call here is a no-op and logs go to stderr as before.
//!
//! The wire protocol is systemd's: one datagram of newline-separated `KEY=value` assignments
//! sent to the `AF_UNIX` socket named by `$NOTIFY_SOCKET` (a path, or `@name` for the abstract
//! namespace). No libsystemd is linked.

use std::io;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long the run loop may spend flushing the serial queue after SIGTERM before it exits
/// anyway. Well under the unit's `TimeoutStopSec=10`, after which systemd sends SIGKILL.
pub const STOP_FLUSH_BOUND: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// `$NOTIFY_SOCKET` is neither an absolute path nor `@name` (e.g. systemd's `vsock:` form,
    /// which only exists for virtual machines).
    #[error("NOTIFY_SOCKET {0:?} is not an absolute socket path or an @abstract name")]
    BadNotifySocket(String),
    #[error("sd_notify: {0}")]
    Notify(#[source] io::Error),
    #[error("cannot install the handler for signal {signal}: {source}")]
    Signal { signal: i32, source: io::Error },
}

/// Sends service state to systemd. Cheap to share between threads (`&Notifier` is enough).
#[derive(Debug)]
pub struct Notifier {
    target: Option<Target>,
    /// Half of `WatchdogSec=`: how often [`Notifier::watchdog_tick`] actually pings.
    watchdog: Option<Duration>,
    last_ping: Mutex<Option<Instant>>,
}

#[derive(Debug)]
struct Target {
    socket: UnixDatagram,
    addr: SocketAddr,
}

impl Notifier {
    /// The notifier systemd asked for through `$NOTIFY_SOCKET`, `$WATCHDOG_USEC` and
    /// `$WATCHDOG_PID`; a disabled one (every call a no-op) when not started by systemd with
    /// `Type=notify`. A malformed `$NOTIFY_SOCKET` is logged and disables notifications, so
    /// initialise logging first.
    pub fn from_env() -> Notifier {
        let Some(addr) = std::env::var_os("NOTIFY_SOCKET").filter(|a| !a.is_empty()) else {
            return Notifier::disabled();
        };
        let notifier = match Notifier::new(&addr.to_string_lossy()) {
            Ok(n) => n,
            Err(e) => {
                log::warn!("{e}; not notifying systemd");
                return Notifier::disabled();
            }
        };
        let usec = std::env::var("WATCHDOG_USEC").ok();
        let pid = std::env::var("WATCHDOG_PID").ok();
        match watchdog_interval_from(usec.as_deref(), pid.as_deref(), std::process::id()) {
            Some(interval) => notifier.with_watchdog(interval),
            None => notifier,
        }
    }

    /// Notifications to the socket `addr`: an absolute path, or `@name` for an abstract socket.
    /// No watchdog until [`Notifier::with_watchdog`].
    pub fn new(addr: &str) -> Result<Notifier, ServiceError> {
        let sock_addr = if let Some(name) = addr.strip_prefix('@') {
            SocketAddr::from_abstract_name(name.as_bytes())
        } else if addr.starts_with('/') {
            SocketAddr::from_pathname(Path::new(addr))
        } else {
            return Err(ServiceError::BadNotifySocket(addr.to_owned()));
        }
        .map_err(|_| ServiceError::BadNotifySocket(addr.to_owned()))?;
        let socket = UnixDatagram::unbound().map_err(ServiceError::Notify)?;
        Ok(Notifier { target: Some(Target { socket, addr: sock_addr }), watchdog: None, last_ping: Mutex::new(None) })
    }

    /// A notifier that sends nothing (not running under systemd).
    pub fn disabled() -> Notifier {
        Notifier { target: None, watchdog: None, last_ping: Mutex::new(None) }
    }

    /// Pings at most every `interval` from [`Notifier::watchdog_tick`].
    pub fn with_watchdog(mut self, interval: Duration) -> Notifier {
        self.watchdog = Some(interval);
        self
    }

    /// True when notifications go somewhere.
    pub fn is_enabled(&self) -> bool {
        self.target.is_some()
    }

    /// How often to feed the watchdog (half of `WatchdogSec=`), if systemd watches this process.
    pub fn watchdog_interval(&self) -> Option<Duration> {
        self.target.as_ref().and(self.watchdog)
    }

    /// Start-up finished: systemd marks the unit active.
    pub fn ready(&self) -> Result<(), ServiceError> {
        self.send("READY=1")
    }

    /// Feeds the watchdog now.
    pub fn watchdog(&self) -> Result<(), ServiceError> {
        self.send("WATCHDOG=1")
    }

    /// Feeds the watchdog if half its period has passed since the last ping; call it on every
    /// iteration of the camera loop. Returns whether a ping was sent.
    pub fn watchdog_tick(&self) -> Result<bool, ServiceError> {
        let Some(interval) = self.watchdog_interval() else { return Ok(false) };
        let mut last = self.last_ping.lock().unwrap_or_else(PoisonError::into_inner);
        if last.is_some_and(|t| t.elapsed() < interval) {
            return Ok(false);
        }
        self.watchdog()?;
        *last = Some(Instant::now());
        Ok(true)
    }

    /// One-line status shown by `systemctl status` (never put personal data in it). Newlines
    /// would start a new assignment, so they become spaces.
    pub fn status(&self, text: &str) -> Result<(), ServiceError> {
        self.send(&format!("STATUS={}", text.replace(['\n', '\r'], " ")))
    }

    /// Shutdown has begun (after SIGTERM).
    pub fn stopping(&self) -> Result<(), ServiceError> {
        self.send("STOPPING=1")
    }

    /// Sends one raw notification: newline-separated `KEY=value` assignments (see sd_notify(3)).
    pub fn send(&self, state: &str) -> Result<(), ServiceError> {
        let Some(t) = &self.target else { return Ok(()) };
        let sent = t.socket.send_to_addr(state.as_bytes(), &t.addr).map_err(ServiceError::Notify)?;
        if sent != state.len() {
            return Err(ServiceError::Notify(io::Error::new(io::ErrorKind::WriteZero, "notification truncated")));
        }
        Ok(())
    }
}

/// Half of the watchdog period from `$WATCHDOG_USEC`, if it is set, positive, and meant for this
/// process (`$WATCHDOG_PID` unset or equal to `my_pid`).
pub fn watchdog_interval_from(usec: Option<&str>, pid: Option<&str>, my_pid: u32) -> Option<Duration> {
    let usec: u64 = usec?.trim().parse().ok().filter(|&u| u > 0)?;
    if let Some(pid) = pid {
        if pid.trim().parse::<u32>().ok()? != my_pid {
            return None;
        }
    }
    Some(Duration::from_micros(usec / 2))
}

/// Set once SIGTERM or SIGINT arrives. Clones share the flag.
#[derive(Clone, Debug, Default)]
pub struct Shutdown {
    flag: Arc<AtomicBool>,
}

impl Shutdown {
    /// The signals that request a clean stop: systemd's stop (SIGTERM) and Ctrl-C (SIGINT).
    pub const SIGNALS: [i32; 2] = [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT];

    /// Installs the SIGTERM/SIGINT handlers (async-signal-safe: they only set the flag). Call
    /// once, early in `main`; the handlers stay for the life of the process.
    pub fn install() -> Result<Shutdown, ServiceError> {
        let s = Shutdown::default();
        for signal in Self::SIGNALS {
            signal_hook::flag::register(signal, Arc::clone(&s.flag))
                .map_err(|source| ServiceError::Signal { signal, source })?;
        }
        Ok(s)
    }

    /// True once a stop was requested.
    pub fn requested(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Requests a stop from inside the program (e.g. after a fatal error in another thread).
    pub fn request(&self) {
        self.flag.store(true, Ordering::SeqCst)
    }

    /// Sleeps up to `timeout`, waking early (within 20 ms) when a stop is requested. Returns
    /// [`Shutdown::requested`], for back-off waits such as re-opening the camera.
    pub fn wait(&self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while !self.requested() {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(Duration::from_millis(20)));
        }
        self.requested()
    }
}

/// Where [`init_logging`] sends records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogSink {
    /// stderr is systemd's journal stream: `<N>` priority prefixes, no timestamps or colour.
    Journal,
    /// Human format on stderr (env_logger).
    Stderr,
}

/// Installs the `log` backend. Level: warn, `-v` debug, `-vv` trace; `PASSREAD_LOG` (env_logger
/// syntax) overrides. When stderr is connected to the journal (`$JOURNAL_STREAM` names stderr's
/// device and inode, as systemd sets it) each record is written as `<N>target: message` so the
/// journal gets its priority; otherwise the usual env_logger format. Panics if a logger is
/// already installed.
pub fn init_logging(verbosity: u8) -> LogSink {
    let level = match verbosity {
        0 => log::LevelFilter::Warn,
        1 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    let mut builder = env_logger::Builder::new();
    builder.filter_level(level).parse_env("PASSREAD_LOG");
    let sink = if stderr_is_journal() { LogSink::Journal } else { LogSink::Stderr };
    if sink == LogSink::Journal {
        use std::io::Write;
        builder
            .target(env_logger::Target::Stderr)
            .write_style(env_logger::WriteStyle::Never)
            .format(|buf, record| {
                writeln!(buf, "{}", journal_line(record.level(), record.target(), &record.args().to_string()))
            });
    }
    builder.init();
    sink
}

/// syslog priority of a log level, as journald reads it from a `<N>` prefix.
pub fn syslog_priority(level: log::Level) -> u8 {
    match level {
        log::Level::Error => 3,
        log::Level::Warn => 4,
        log::Level::Info => 6,
        log::Level::Debug | log::Level::Trace => 7,
    }
}

/// One record in the journal stream format: `<N>target: message`. The journal splits entries at
/// newlines, so every line of a multi-line message gets the prefix.
pub fn journal_line(level: log::Level, target: &str, message: &str) -> String {
    let prefix = format!("<{}>{}: ", syslog_priority(level), target);
    let mut out = String::with_capacity(prefix.len() + message.len());
    for (i, line) in message.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&prefix);
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
    }
    out
}

/// Whether `$JOURNAL_STREAM` (`<device>:<inode>`, decimal) names the file stderr is connected
/// to. A stderr redirected elsewhere by the service (e.g. `2>file`) keeps the plain format.
pub fn journal_stream_matches(journal_stream: &str, dev: u64, ino: u64) -> bool {
    let Some((d, i)) = journal_stream.trim().split_once(':') else { return false };
    matches!((d.parse::<u64>(), i.parse::<u64>()), (Ok(d), Ok(i)) if d == dev && i == ino)
}

fn stderr_is_journal() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let Some(var) = std::env::var_os("JOURNAL_STREAM") else { return false };
    let Ok(fd) = io::stderr().as_fd().try_clone_to_owned() else { return false };
    match std::fs::File::from(fd).metadata() {
        Ok(m) => journal_stream_matches(&var.to_string_lossy(), m.dev(), m.ino()),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bound datagram socket standing in for systemd's, in its own temporary directory.
    struct FakeSystemd {
        dir: std::path::PathBuf,
        socket: UnixDatagram,
    }

    impl FakeSystemd {
        fn new(name: &str) -> FakeSystemd {
            let dir = std::env::temp_dir().join(format!("passread-notify-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let socket = UnixDatagram::bind(dir.join("notify")).unwrap();
            socket.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            FakeSystemd { dir, socket }
        }

        fn path(&self) -> String {
            self.dir.join("notify").to_str().unwrap().to_owned()
        }

        fn recv(&self) -> String {
            let mut buf = [0u8; 4096];
            let n = self.socket.recv(&mut buf).expect("no notification arrived");
            String::from_utf8(buf[..n].to_vec()).unwrap()
        }

        fn assert_nothing_pending(&self) {
            self.socket.set_nonblocking(true).unwrap();
            let mut buf = [0u8; 4096];
            let r = self.socket.recv(&mut buf);
            assert!(
                matches!(&r, Err(e) if e.kind() == io::ErrorKind::WouldBlock),
                "unexpected datagram: {:?}",
                r.map(|n| String::from_utf8_lossy(&buf[..n]).into_owned())
            );
            self.socket.set_nonblocking(false).unwrap();
        }
    }

    impl Drop for FakeSystemd {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    #[test]
    fn notifications_arrive_as_exact_datagrams() {
        let systemd = FakeSystemd::new("exact");
        let n = Notifier::new(&systemd.path()).unwrap();
        assert!(n.is_enabled());
        n.ready().unwrap();
        assert_eq!(systemd.recv(), "READY=1");
        n.watchdog().unwrap();
        assert_eq!(systemd.recv(), "WATCHDOG=1");
        n.status("reading: camera /dev/passread-camera 1280x720").unwrap();
        assert_eq!(systemd.recv(), "STATUS=reading: camera /dev/passread-camera 1280x720");
        n.status("two\nlines\r").unwrap();
        assert_eq!(systemd.recv(), "STATUS=two lines ");
        n.stopping().unwrap();
        assert_eq!(systemd.recv(), "STOPPING=1");
        systemd.assert_nothing_pending();
    }

    #[test]
    fn abstract_socket_names_work() {
        let name = format!("passread-test-notify-{}", std::process::id());
        let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let server = UnixDatagram::bind_addr(&addr).unwrap();
        server.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let n = Notifier::new(&format!("@{name}")).unwrap();
        n.ready().unwrap();
        let mut buf = [0u8; 64];
        let len = server.recv(&mut buf).unwrap();
        assert_eq!(&buf[..len], b"READY=1");
    }

    #[test]
    fn watchdog_tick_pings_at_most_once_per_interval() {
        let systemd = FakeSystemd::new("tick");
        let n = Notifier::new(&systemd.path()).unwrap().with_watchdog(Duration::from_millis(200));
        assert_eq!(n.watchdog_interval(), Some(Duration::from_millis(200)));
        assert!(n.watchdog_tick().unwrap(), "the first tick pings");
        assert_eq!(systemd.recv(), "WATCHDOG=1");
        assert!(!n.watchdog_tick().unwrap(), "a tick within the interval does not");
        systemd.assert_nothing_pending();
        std::thread::sleep(Duration::from_millis(250));
        assert!(n.watchdog_tick().unwrap());
        assert_eq!(systemd.recv(), "WATCHDOG=1");
    }

    #[test]
    fn without_systemd_everything_is_a_no_op() {
        let n = Notifier::disabled().with_watchdog(Duration::from_secs(1));
        assert!(!n.is_enabled());
        assert_eq!(n.watchdog_interval(), None);
        n.ready().unwrap();
        n.status("x").unwrap();
        n.stopping().unwrap();
        assert!(!n.watchdog_tick().unwrap());
    }

    #[test]
    fn a_gone_socket_is_an_error() {
        let systemd = FakeSystemd::new("gone");
        let path = systemd.path();
        drop(systemd);
        let n = Notifier::new(&path).unwrap();
        assert!(matches!(n.ready(), Err(ServiceError::Notify(_))));
    }

    #[test]
    fn bad_socket_addresses_are_rejected() {
        for bad in ["relative/notify", "vsock:2:1234", ""] {
            assert!(matches!(Notifier::new(bad), Err(ServiceError::BadNotifySocket(_))), "{bad:?}");
        }
        let too_long = format!("/{}", "x".repeat(200));
        assert!(Notifier::new(&too_long).is_err());
    }

    #[test]
    fn watchdog_interval_is_half_the_period_for_this_process() {
        assert_eq!(watchdog_interval_from(Some("30000000"), None, 7), Some(Duration::from_secs(15)));
        assert_eq!(watchdog_interval_from(Some("30000000"), Some("7"), 7), Some(Duration::from_secs(15)));
        assert_eq!(watchdog_interval_from(Some("30000000"), Some("8"), 7), None);
        assert_eq!(watchdog_interval_from(Some("30000000"), Some("x"), 7), None);
        assert_eq!(watchdog_interval_from(Some("0"), None, 7), None);
        assert_eq!(watchdog_interval_from(Some("soon"), None, 7), None);
        assert_eq!(watchdog_interval_from(None, Some("7"), 7), None);
    }

    #[test]
    fn signals_set_the_shutdown_flag() {
        let term = Shutdown::install().unwrap();
        assert!(!term.requested());
        signal_hook::low_level::raise(signal_hook::consts::SIGTERM).unwrap();
        assert!(term.requested(), "SIGTERM");
        assert!(term.clone().requested(), "clones share the flag");
        assert!(term.wait(Duration::from_secs(10)), "wait returns at once after a stop request");

        let int = Shutdown::install().unwrap();
        assert!(!int.requested());
        signal_hook::low_level::raise(signal_hook::consts::SIGINT).unwrap();
        assert!(int.requested(), "SIGINT");
    }

    #[test]
    fn shutdown_wait_times_out_and_request_wakes() {
        let s = Shutdown::default();
        let t = Instant::now();
        assert!(!s.wait(Duration::from_millis(60)));
        assert!(t.elapsed() >= Duration::from_millis(60));
        let s2 = s.clone();
        let h = std::thread::spawn(move || s2.wait(Duration::from_secs(30)));
        std::thread::sleep(Duration::from_millis(30));
        s.request();
        assert!(h.join().unwrap());
    }

    #[test]
    fn journal_lines_carry_syslog_priorities() {
        use log::Level::*;
        assert_eq!(journal_line(Error, "passread::camera", "device lost"), "<3>passread::camera: device lost");
        assert_eq!(journal_line(Warn, "passread", "slow frame"), "<4>passread: slow frame");
        assert_eq!(journal_line(Info, "passread", "ready"), "<6>passread: ready");
        assert_eq!(journal_line(Debug, "p", "d"), "<7>p: d");
        assert_eq!(journal_line(Trace, "p", "t"), "<7>p: t");
        assert_eq!(journal_line(Warn, "p", "a\nb\r\nc"), "<4>p: a\n<4>p: b\n<4>p: c");
    }

    #[test]
    fn journal_stream_must_name_stderr() {
        assert!(journal_stream_matches("8:12345", 8, 12345));
        assert!(journal_stream_matches("8:12345\n", 8, 12345));
        assert!(!journal_stream_matches("8:12346", 8, 12345));
        assert!(!journal_stream_matches("9:12345", 8, 12345));
        assert!(!journal_stream_matches("812345", 8, 12345));
        assert!(!journal_stream_matches("", 8, 12345));
    }
}
