//! The process: its settings, runtime options and command line, its log and trace output, the key files it generates, and its link to Redis.

pub mod cli;
pub mod key_file;
pub mod options;
pub mod redis_link;
pub mod repeated;
pub mod settings;
pub mod telemetry;
