//! Emit: where readings and guidance states go — the gate controller's serial line, GPIO
//! indicators, and (in `passread run`) the HTTP API's event stream.

pub mod gpio;
