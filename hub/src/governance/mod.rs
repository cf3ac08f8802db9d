//! Governance of every billable request, model or tool call: counters, billing arithmetic, the governor that admits and settles, and live rates.

pub mod billing;
pub mod governor;
pub mod limits;
pub mod rates;
