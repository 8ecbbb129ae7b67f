//! The ICAO 9303 machine-readable zone engine: formats, parsing, check digits, dates, state
//! codes and repair from recognizer candidates. It depends on nothing image- or model-related.

pub mod charset;
pub mod compose;
pub mod date;
pub mod document;
pub mod format;
pub mod repair;
pub mod states;

#[cfg(test)]
mod proptests;

pub use date::{MrzDate, Ymd};
pub use document::{Check, Document, Line, Lines, MrzError, Sex};
pub use format::{CheckKind, FieldKind, Format};
pub use repair::{repair, Candidate, Candidates, Repaired};
