//! The declarative configuration document (YAML or JSON): parse, apply as an idempotent upsert, export with secrets masked.
