-- Admits a list of checks atomically: every check is evaluated first, and nothing is stored
-- unless all pass. The arithmetic mirrors hub/src/limits/gcra.rs and memory.rs.
--
-- ARGV[1] lease ttl (µs), ARGV[2] lease id, then per check a kind and its numbers:
--   r limit period_us cost   KEYS: rate state ("micros:fraction")
--   c limit                  KEYS: leases (sorted set scored by expiry)
--   q limit amount           KEYS: value, leases, reserved sum   (cap)
--   b amount                 KEYS: value, leases, reserved sum   (balance)
-- Replies {1, remaining, reset_us, ...} (one pair per rate check), {0, index, retry_us, remaining,
-- reset_us} (-1 for "none"), or {2, index, ...} for cap/balance counters not seeded yet.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local lease_ttl = tonumber(ARGV[1])
local lease = ARGV[2]

-- Numbers become command arguments through %d: a plain tostring would print 1.7e+15.
local function int(number)
  return string.format('%d', number)
end

local checks = {}
local arg, key = 3, 1
while arg <= #ARGV do
  local kind = ARGV[arg]
  local check = { kind = kind }
  if kind == 'r' then
    check.limit = tonumber(ARGV[arg + 1])
    check.period = tonumber(ARGV[arg + 2])
    check.cost = tonumber(ARGV[arg + 3])
    check.state = KEYS[key]
    arg, key = arg + 4, key + 1
  elseif kind == 'c' then
    check.limit = tonumber(ARGV[arg + 1])
    check.amount = 0
    check.leases = KEYS[key]
    arg, key = arg + 2, key + 1
  else
    if kind == 'q' then
      check.limit = tonumber(ARGV[arg + 1])
      check.amount = tonumber(ARGV[arg + 2])
      arg = arg + 3
    else
      check.amount = tonumber(ARGV[arg + 1])
      arg = arg + 2
    end
    check.value, check.leases, check.reserved = KEYS[key], KEYS[key + 1], KEYS[key + 2]
    key = key + 3
  end
  checks[#checks + 1] = check
end

local unseeded = { 2 }
for index, check in ipairs(checks) do
  if check.value then
    local value = redis.call('GET', check.value)
    if value then
      check.current = tonumber(value)
    else
      unseeded[#unseeded + 1] = index - 1
    end
  end
end
if #unseeded > 1 then
  return unseeded
end

local lease_ttl_ms = int(math.floor(lease_ttl / 1000) + 1000)

-- Lets a key live at least the lease's time more, never less: a set may hold a video job's
-- hold, which lives longer than any lease.
local function outlive(key)
  if redis.call('PTTL', key) < tonumber(lease_ttl_ms) then
    redis.call('PEXPIRE', key, lease_ttl_ms)
  end
end

local function amount_of(member)
  return tonumber(string.match(member, '|(%-?%d+)$')) or 0
end

-- Live leases on a set: {count, reserved sum}. Expired members are dropped; when any were (a
-- replica died) or the sum is missing, the sum is recounted from the live members.
local live = {}
local function live_leases(check)
  local cached = live[check.leases]
  if cached then
    return cached
  end
  local expired = redis.call('ZREMRANGEBYSCORE', check.leases, '-inf', int(now))
  local count = redis.call('ZCARD', check.leases)
  local sum = 0
  if check.reserved then
    local stored = redis.call('GET', check.reserved)
    if expired == 0 and (stored or count == 0) then
      sum = tonumber(stored or '0')
    else
      for _, member in ipairs(redis.call('ZRANGE', check.leases, 0, -1)) do
        sum = sum + amount_of(member)
      end
      redis.call('SET', check.reserved, int(sum), 'PX', lease_ttl_ms)
    end
  end
  cached = { count, sum }
  live[check.leases] = cached
  return cached
end

-- Rate state per key, with this admit's earlier checks on the same key applied.
local pending_rate = {}
local function current_rate(check)
  local tat, fraction
  local pending = pending_rate[check.state]
  if pending then
    tat, fraction = pending[1], pending[2]
  else
    local stored = redis.call('GET', check.state)
    if stored then
      local micros, rest = string.match(stored, '^(%d+):(%d+)$')
      tat, fraction = tonumber(micros), tonumber(rest)
    end
  end
  if tat and tat >= now and check.limit > 0 then
    if fraction > check.limit - 1 then
      fraction = check.limit - 1
    end
    return tat, fraction
  end
  return now, 0
end

local function rate_state(check, tat, fraction)
  local ahead = tat - now
  local remaining = math.floor(((check.period - ahead) * check.limit - fraction) / check.period)
  if remaining < 0 then
    remaining = 0
  elseif remaining > check.limit then
    remaining = check.limit
  end
  if fraction > 0 then
    ahead = ahead + 1
  end
  return remaining, ahead
end

-- total / limit as quotient and remainder, exact for totals below 2^53.
local function divide(total, limit)
  local quotient = math.floor(total / limit)
  local remainder = total - quotient * limit
  if remainder < 0 then
    quotient, remainder = quotient - 1, remainder + limit
  elseif remainder >= limit then
    quotient, remainder = quotient + 1, remainder - limit
  end
  return quotient, remainder
end

local reply = { 1 }
for index, check in ipairs(checks) do
  if check.kind == 'r' then
    local tat, fraction = current_rate(check)
    if check.limit == 0 or check.cost > check.limit then
      local remaining, reset = rate_state(check, tat, fraction)
      return { 0, index - 1, -1, remaining, reset }
    end
    local quotient, new_fraction = divide(fraction + check.cost * check.period, check.limit)
    local new_tat = tat + quotient
    local horizon = now + check.period
    if new_tat < horizon or (new_tat == horizon and new_fraction == 0) then
      pending_rate[check.state] = { new_tat, new_fraction }
      local remaining, reset = rate_state(check, new_tat, new_fraction)
      reply[#reply + 1] = remaining
      reply[#reply + 1] = reset
    else
      local wait = new_tat - horizon
      if new_fraction > 0 then
        wait = wait + 1
      end
      local remaining, reset = rate_state(check, tat, fraction)
      return { 0, index - 1, wait, remaining, reset }
    end
  else
    local leases = live_leases(check)
    local refused
    if check.kind == 'c' then
      refused = leases[1] + 1 > check.limit
    elseif check.kind == 'q' then
      refused = check.current + leases[2] + check.amount > check.limit
    else
      refused = check.current - leases[2] - check.amount < 0
    end
    if refused then
      return { 0, index - 1, -1, -1, -1 }
    end
    leases[1] = leases[1] + 1
    leases[2] = leases[2] + check.amount
  end
end

for state, tat in pairs(pending_rate) do
  local ttl_ms = math.floor((tat[1] - now) / 1000) + 1
  redis.call('SET', state, int(tat[1]) .. ':' .. int(tat[2]), 'PX', int(ttl_ms))
end
local expiry = int(now + lease_ttl)
for index, check in ipairs(checks) do
  if check.leases then
    redis.call('ZADD', check.leases, expiry, lease .. '|' .. (index - 1) .. '|' .. int(check.amount))
    outlive(check.leases)
    if check.reserved then
      redis.call('INCRBY', check.reserved, int(check.amount))
      outlive(check.reserved)
    end
  end
end
return reply
