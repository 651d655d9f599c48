-- Record one envelope: drop it when its message id was seen, else append it to the inbox and,
-- when asked and the lease is free, claim the conversation for the recording process.
-- KEYS: dedup, inbox, lease, fence
-- ARGV: dedup_ttl_s, message_id, payload, trace, recorded_at, claim_pid ('' = no), lease_ttl_ms,
--       fence_ttl_s
-- Returns {0, lease} duplicate, {1, lease} new, {2, lease} new and claimed by claim_pid.
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return {0, redis.call('GET', KEYS[3]) or ''}
end
redis.call('XADD', KEYS[2], '*', 'm', ARGV[2], 'p', ARGV[3], 't', ARGV[4], 'r', ARGV[5])
local lease = redis.call('GET', KEYS[3])
if lease then
  return {1, lease}
end
if ARGV[6] == '' then
  return {1, ''}
end
local token = redis.call('INCR', KEYS[4])
redis.call('EXPIRE', KEYS[4], ARGV[8])
lease = ARGV[6] .. ':' .. token
redis.call('SET', KEYS[3], lease, 'PX', ARGV[7])
return {2, lease}
