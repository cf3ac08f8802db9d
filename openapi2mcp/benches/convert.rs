//! Conversion benchmark (filled in below).
fn main() {}
