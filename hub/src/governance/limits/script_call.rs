//! One call of a Lua script as one command buffer: `EVALSHA`, and on `NOSCRIPT` (a restarted
//! or flushed Redis) the script loaded and the call sent again.
//!
//! The redis crate's `ScriptInvocation` keeps every key and argument in an allocation of its
//! own and copies them all into the command when it is sent: with a prefixed key and four
//! arguments per limit, that was the larger part of the allocations of an admit. Here keys and
//! arguments are written straight into the command's single buffer, a prefixed key included.

use std::io::Write;

use redis::aio::ConnectionLike;
use redis::{
    Cmd, ErrorKind, FromRedisValue, RedisResult, RedisWrite, Script, ServerErrorKind, ToRedisArgs,
};

/// Strings joined into one argument, written without an intermediate string: a prefixed key.
pub struct Joined<'a, const N: usize>(pub [&'a str; N]);

impl<const N: usize> ToRedisArgs for Joined<'_, N> {
    fn write_redis_args<W: ?Sized + RedisWrite>(&self, out: &mut W) {
        let mut arg = out.writer_for_next_arg();
        for part in self.0 {
            // Writing into the command's buffer cannot fail.
            let _ = arg.write_all(part.as_bytes());
        }
    }
}

/// `EVALSHA <sha> <keys>`: append the keys, then the arguments, to the command returned.
pub fn evalsha(script: &Script, keys: usize) -> Cmd {
    let mut command = redis::cmd("EVALSHA");
    command.arg(script.get_hash()).arg(keys);
    command
}

/// Sends `command` (made by [`evalsha`] for `script`), loading the script first when Redis
/// does not know it.
pub async fn run<T: FromRedisValue>(
    script: &Script,
    command: &Cmd,
    connection: &mut (impl ConnectionLike + Send),
) -> RedisResult<T> {
    match command.query_async(connection).await {
        Err(error) if error.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
            script.load_async(connection).await?;
            command.query_async(connection).await
        }
        answer => answer,
    }
}
