//! shouwen (首问): audit a property-management company's reception logs against its
//! 首问责任制 (first-inquiry responsibility system).
//!
//! The library does the work; `src/main.rs` only parses arguments and maps errors to
//! exit codes. Flow: [`rules::load`] (parse, validate, compile) → [`audit::load`]
//! (read and check every input row) → [`audit::run`] (columnar rule evaluation,
//! charging, waivers, scores) → [`report::write`] (atomic report folder).

pub mod audit;
pub mod calendar;
pub mod cli;
pub mod compare;
pub mod error;
pub mod explain;
pub mod idhash;
pub mod input;
pub mod mask;
pub mod par;
pub mod report;
pub mod rules;
pub mod sample;
pub mod timeparse;
pub mod xlsx;

pub use error::{Error, Result};
