-- Records that an IP used a group now and counts the distinct groups it used within the window.
-- KEYS[1] the IP's sorted set (group scored by last use, µs); ARGV[1] group, ARGV[2] window (µs).
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local window = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], string.format('%d', now), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now - window))
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.floor(window / 1000) + 1))
return redis.call('ZCARD', KEYS[1])
