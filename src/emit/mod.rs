//! Emit: where readings and guidance states go.
//!
//! - [`frame`]: the serial protocol's byte-level codec (framing, escaping, CRC), pure and I/O-free.
//! - [`serial`]: the link worker to the gate controller (stop-and-wait delivery, retries,
//!   queue, heartbeat, reopen). The protocol is specified in `docs/serial-protocol.md`.
//! - [`gpio`]: illumination, status LEDs, buzzer and presence sensor.

pub mod frame;
pub mod gpio;
pub mod serial;

pub use serial::{LinkStats, SendError, SerialError, SerialLink, QUEUE_CAPACITY};
