-- Commit one turn atomically: fencing token check, session compare-and-set, replies appended to
-- the outbox, inbox entry acknowledged, optional dead letter; then count the start of the next
-- entry's delivery (the actor's next turn), so crash loops are seen without a round trip.
-- KEYS: lease, session, inbox, outbox, attempts, dead
-- ARGV: token, expected_version, mode ('set' | 'del' | 'keep'), data, ttl_ms, entry_id ('' = no
--       ack), dead_letter ('' = none), dead_ttl_s, fetch (next entries to return), next_id (the
--       entry the actor delivers next, '' = the first fetched one, if any), lease_ttl_ms,
--       replies...
-- Returns {1, new_version, outbox_len, next_entries, prior_starts} (prior_starts -1: nothing
-- counted), {-1} lease lost, {-2, version, data} version conflict. Returning the next entries
-- saves the actor a round trip per message.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return {-1}
end
-- A commit proves ownership: it extends the lease, so a busy actor needs no renewal of its own.
redis.call('PEXPIRE', KEYS[1], ARGV[11])
local version = tonumber(redis.call('HGET', KEYS[2], 'v') or '0')
local mode = ARGV[3]
if mode ~= 'keep' and version ~= tonumber(ARGV[2]) then
  return {-2, version, redis.call('HGET', KEYS[2], 'd') or false}
end
if mode == 'set' then
  version = version + 1
  redis.call('HSET', KEYS[2], 'd', ARGV[4], 'v', version)
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
elseif mode == 'del' then
  redis.call('DEL', KEYS[2])
  version = 0
end
for i = 12, #ARGV do
  redis.call('RPUSH', KEYS[4], ARGV[i])
end
if ARGV[6] ~= '' then
  redis.call('XDEL', KEYS[3], ARGV[6])
  -- An empty stream still holds memory; drop it so idle users cost nothing.
  if redis.call('XLEN', KEYS[3]) == 0 then
    redis.call('DEL', KEYS[3])
  end
  redis.call('HDEL', KEYS[5], ARGV[6])
end
if ARGV[7] ~= '' then
  redis.call('RPUSH', KEYS[6], ARGV[7])
  redis.call('EXPIRE', KEYS[6], ARGV[8])
end
local next_entries = {}
if tonumber(ARGV[9]) > 0 then
  next_entries = redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', ARGV[9])
end
local next_id = ARGV[10]
if next_id == '' and #next_entries > 0 then
  next_id = next_entries[1][1]
end
-- Only a first start is counted here; see fetch.lua.
local prior = -1
if next_id ~= '' then
  if redis.call('HSETNX', KEYS[5], next_id, 1) == 1 then
    redis.call('EXPIRE', KEYS[5], ARGV[8])
    prior = 0
  else
    prior = tonumber(redis.call('HGET', KEYS[5], next_id))
  end
end
return {1, version, redis.call('LLEN', KEYS[4]), next_entries, prior}
