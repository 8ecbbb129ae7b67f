//! passread: an on-device passport reader.
//!
//! The data path, one module a stage:
//!
//! ```text
//! input (decode, limits) → [locate → rectify → recognize] → mrz (parse, validate, repair) → result (API JSON) → emit
//! ```
//!
//! The MRZ engine ([`mrz`]) depends on nothing image- or model-related; it can be used alone
//! to parse and check machine-readable zones (ICAO Doc 9303).

pub mod bench;
pub mod capture;
pub mod chinese;
pub mod config;
pub mod emit;
pub mod error;
pub mod eval;
pub mod fuse;
pub mod gate;
pub mod events;
pub mod http;
pub mod input;
pub mod kiosk;
pub mod locate;
pub mod mrz;
pub mod pipeline;
pub mod prepare;
pub mod recognize;
pub mod rectify;
pub mod result;
pub mod service;

pub use error::{ApiErrorCode, Error};
pub use pipeline::{Engine, Mode};
pub use result::{ErrorBody, PassportResult, Response};
