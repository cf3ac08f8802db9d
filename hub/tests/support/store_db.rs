//! A store on a fresh database of its own, SQLite or Postgres, kept alive as long as the value lives.

use hub::store::Store;

use super::TestDatabase;

/// A store and whatever keeps its database alive.
pub struct Db {
    pub store: Store,
    _sqlite: Option<tempfile::TempDir>,
    _postgres: Option<TestDatabase>,
}

/// A store on a new SQLite file in a temporary directory.
pub async fn sqlite() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("logs.db").to_str().unwrap())
        .await
        .unwrap();
    Db {
        store,
        _sqlite: Some(dir),
        _postgres: None,
    }
}

/// A store on a new Postgres database of its own (dropped afterwards).
pub async fn postgres() -> Db {
    let database = TestDatabase::create().await;
    let store = Store::connect(&database.url()).await.unwrap();
    Db {
        store,
        _sqlite: None,
        _postgres: Some(database),
    }
}
