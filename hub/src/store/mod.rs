//! Storage: the main database (SQLite or Postgres through sqlx), its migrations and typed access to every table.
