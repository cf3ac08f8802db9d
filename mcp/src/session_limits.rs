//! How many sessions (Streamable HTTP and legacy SSE together) each token holds open on this
//! replica, so one token cannot fill the process with sessions and lock the other tenants out.
//!
//! Counted per replica: a Streamable session is counted where it was created and where it is
//! used, and forgotten after the session idle time without traffic here (its record may live on
//! in a shared store, which stays the authority on whether it exists). A legacy SSE session is
//! counted while its stream is open.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Open sessions per token.
pub(crate) struct SessionLimits {
    per_token: usize,
    idle_timeout: Duration,
    /// Token id to its sessions: a Streamable session with the last time it was seen here, a
    /// legacy SSE session (or a Streamable one being created) with `None`, held until released.
    open: Mutex<HashMap<i64, HashMap<String, Option<Instant>>>>,
}

/// A place taken for a session: released when dropped unless the session was kept.
pub(crate) struct SessionSlot<'a> {
    limits: &'a SessionLimits,
    token_id: i64,
    key: String,
    kept: bool,
}

impl SessionLimits {
    pub fn new(per_token: usize, idle_timeout: Duration) -> Self {
        Self {
            per_token,
            idle_timeout,
            open: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a place for a new session of `token_id`, or `None` when the token is at its cap.
    /// `key` names the session (a legacy SSE session id, or a placeholder until rmcp names a
    /// Streamable one, see [`SessionSlot::keep_as`]).
    pub fn take(&self, token_id: i64, key: String) -> Option<SessionSlot<'_>> {
        let mut open = self.open.lock().ok()?;
        let sessions = open.entry(token_id).or_default();
        if sessions.len() >= self.per_token {
            // Streamable sessions idle past the timeout are gone (or gone from here): forget
            // them only when the cap is reached, so the common path stays one lookup.
            let idle_timeout = self.idle_timeout;
            sessions.retain(|_, seen| seen.is_none_or(|seen| seen.elapsed() < idle_timeout));
            if sessions.len() >= self.per_token {
                return None;
            }
        }
        sessions.insert(key.clone(), None);
        Some(SessionSlot {
            limits: self,
            token_id,
            key,
            kept: false,
        })
    }

    /// A request on a Streamable session of `token_id`: counted (again) on this replica.
    pub fn seen(&self, token_id: i64, session_id: &str) {
        if let Ok(mut open) = self.open.lock() {
            open.entry(token_id)
                .or_default()
                .insert(session_id.to_owned(), Some(Instant::now()));
        }
    }

    /// The session ended (DELETE, closed stream, unknown to the store).
    pub fn release(&self, token_id: i64, key: &str) {
        if let Ok(mut open) = self.open.lock()
            && let Some(sessions) = open.get_mut(&token_id)
        {
            sessions.remove(key);
            if sessions.is_empty() {
                open.remove(&token_id);
            }
        }
    }

    /// Sessions counted for `token_id` now.
    #[cfg(test)]
    pub fn count(&self, token_id: i64) -> usize {
        self.open
            .lock()
            .map(|open| open.get(&token_id).map_or(0, HashMap::len))
            .unwrap_or(0)
    }
}

impl SessionSlot<'_> {
    /// The Streamable session was created as `session_id`: counted under that id from now on.
    pub fn keep_as(mut self, session_id: &str) {
        self.limits.release(self.token_id, &self.key);
        self.limits.seen(self.token_id, session_id);
        self.kept = true;
    }

    /// A legacy SSE session: counted until [`SessionLimits::release`] with its id.
    pub fn keep_open(mut self) {
        self.kept = true;
    }
}

impl Drop for SessionSlot<'_> {
    fn drop(&mut self) {
        if !self.kept {
            self.limits.release(self.token_id, &self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_token_has_its_own_cap_and_released_places_come_back() {
        let limits = SessionLimits::new(2, Duration::from_secs(300));
        limits.take(1, "a".into()).unwrap().keep_as("s1");
        limits.take(1, "b".into()).unwrap().keep_open();
        assert!(
            limits.take(1, "c".into()).is_none(),
            "token 1 is at its cap"
        );
        assert!(limits.take(2, "d".into()).is_some(), "token 2 is not");
        limits.release(1, "s1");
        let slot = limits.take(1, "e".into()).unwrap();
        drop(slot);
        assert_eq!(limits.count(1), 1, "a dropped slot is given back");
    }

    #[test]
    fn idle_streamable_sessions_stop_counting_at_the_cap() {
        let limits = SessionLimits::new(1, Duration::ZERO);
        limits.take(1, "a".into()).unwrap().keep_as("s1");
        assert!(limits.take(1, "b".into()).is_some());
    }
}
