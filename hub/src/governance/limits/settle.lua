-- Ends admitted requests, several per call (settle_batch.rs gathers the settles that wait while
-- a call is in flight): releases each one's leases and reservations and charges what it used,
-- and may keep part of its cap and balance reservations as a hold under a lease of its own (a
-- video job's bill, held until the job is billed). Each settle runs at most once per lease (its
-- first key marks it settled), so a retried call never charges twice; a hold whose own mark (its
-- second key) exists has already been ended by its bill, and is not kept.
--
-- Per settle, in order: ARGV mark_ms lease hold_lease hold_ttl_us checks, where mark_ms is how
-- long the settled mark is kept and hold_lease is '' for none, then per check a kind and its
-- numbers:
--   r limit period_us delta             KEYS: rate state; delta = actual - reserved units
--   c                                   KEYS: leases
--   q reserved actual kept kept_index   KEYS: value, leases, reserved sum   (cap: used += actual)
--   b reserved actual kept kept_index   KEYS: value, leases, reserved sum   (balance: balance -= actual)
-- and KEYS settled_mark hold_mark before the checks' keys.
-- Replies one number per settle: 1 when settled now, 0 when it already was.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])

local function int(number)
  return string.format('%d', number)
end

-- Lets a key live at least `ms` more (a key without an expiry, just created, gets one).
local function outlive(key, ms)
  if redis.call('PTTL', key) < ms then
    redis.call('PEXPIRE', key, int(ms))
  end
end

-- A settle may push a rate's arrival time at most this many periods ahead (gcra.rs).
local max_debt_periods = 10

local function settle_rate(state, limit, period, delta)
  if limit <= 0 or delta == 0 then
    return
  end
  local tat, fraction = now, 0
  local stored = redis.call('GET', state)
  if stored then
    local micros, rest = string.match(stored, '^(%d+):(%d+)$')
    if micros and tonumber(micros) >= now then
      tat, fraction = tonumber(micros), math.min(tonumber(rest), limit - 1)
    end
  end
  local total = fraction + delta * period
  local quotient = math.floor(total / limit)
  local new_fraction = total - quotient * limit
  if new_fraction < 0 then
    quotient, new_fraction = quotient - 1, new_fraction + limit
  elseif new_fraction >= limit then
    quotient, new_fraction = quotient + 1, new_fraction - limit
  end
  local new_tat = tat + quotient
  local ceiling = now + max_debt_periods * period
  if new_tat < now then
    new_tat, new_fraction = now, 0
  elseif new_tat >= ceiling then
    new_tat, new_fraction = ceiling, 0
  end
  if new_tat == now and new_fraction == 0 then
    redis.call('DEL', state)
  else
    local ttl_ms = math.floor((new_tat - now) / 1000) + 1
    redis.call('SET', state, int(new_tat) .. ':' .. int(new_fraction), 'PX', int(ttl_ms))
  end
end

-- One settle whose arguments start at ARGV[arg] and keys at KEYS[key]; returns where the next
-- one starts and this one's reply. A settle already done still walks its checks to find the end.
local function settle(arg, key)
  local mark_ms, lease, hold_lease = ARGV[arg], ARGV[arg + 1], ARGV[arg + 2]
  local hold_ttl, count = tonumber(ARGV[arg + 3]), tonumber(ARGV[arg + 4])
  local fresh = redis.call('SET', KEYS[key], '1', 'NX', 'PX', mark_ms) and true or false
  local holding = fresh and hold_lease ~= '' and redis.call('EXISTS', KEYS[key + 1]) == 0
  local hold_ms = math.floor(hold_ttl / 1000) + 1000
  arg, key = arg + 5, key + 2
  for index = 0, count - 1 do
    local kind = ARGV[arg]
    if kind == 'r' then
      if fresh then
        settle_rate(KEYS[key], tonumber(ARGV[arg + 1]), tonumber(ARGV[arg + 2]), tonumber(ARGV[arg + 3]))
      end
      arg, key = arg + 4, key + 1
    elseif kind == 'c' then
      if fresh then
        redis.call('ZREM', KEYS[key], lease .. '|' .. index .. '|0')
      end
      arg, key = arg + 1, key + 1
    else
      local reserved, actual = tonumber(ARGV[arg + 1]), tonumber(ARGV[arg + 2])
      local kept, kept_index = tonumber(ARGV[arg + 3]), ARGV[arg + 4]
      local value, leases, sum = KEYS[key], KEYS[key + 1], KEYS[key + 2]
      arg, key = arg + 5, key + 3
      if fresh then
        -- An expired reservation was already dropped from the sum by whoever pruned it.
        if redis.call('ZREM', leases, lease .. '|' .. index .. '|' .. int(reserved)) == 1
          and redis.call('EXISTS', sum) == 1 then
          redis.call('DECRBY', sum, int(reserved))
        end
        -- A counter forgotten meanwhile is reseeded from the database, which the caller charges too.
        if actual ~= 0 and redis.call('EXISTS', value) == 1 then
          if kind == 'q' then
            redis.call('INCRBY', value, int(actual))
          else
            redis.call('DECRBY', value, int(actual))
          end
        end
        if holding and kept > 0 then
          redis.call('ZADD', leases, int(now + hold_ttl), hold_lease .. '|' .. kept_index .. '|' .. int(kept))
          outlive(leases, hold_ms)
          -- A missing sum is recounted from the members by the next admit.
          if redis.call('EXISTS', sum) == 1 then
            redis.call('INCRBY', sum, int(kept))
            outlive(sum, hold_ms)
          end
        end
      end
    end
  end
  return arg, key, fresh and 1 or 0
end

local replies = {}
local arg, key = 1, 1
while arg <= #ARGV do
  local reply
  arg, key, reply = settle(arg, key)
  replies[#replies + 1] = reply
end
return replies
