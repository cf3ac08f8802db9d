//! Governance of every billable request, model or tool call: the counters engine, billing arithmetic and the governor that admits, reserves and settles.

pub mod billing;
pub mod governor;
pub mod limits;
