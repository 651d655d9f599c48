-- Record one envelope: drop it when its message id was seen, else append it to the inbox, then
-- poke the owner: claim the free lease for the recording process (when it hosts actors), or
-- publish to the owning process's channel when another process holds it.
-- Every key here shares the conversation's hash tag, so the script runs unchanged on Redis
-- Cluster; the fleet-wide pending mark is a separate ZADD in the same round trip (inbox.py).
-- The owner's channel is ARGV[10] .. owner .. '}' (keys.py); with ARGV[10] == '' (Redis
-- Cluster, where a shard channel outside this slot may not be published from a script) the
-- recording process pokes the owner itself with SPUBLISH.
-- A recording process that hosts no actors (the ingress of `vimbiso serve`) claims nothing and
-- names the process it routes new conversations to (ARGV[13]): that one is poked and claims.
-- KEYS: dedup, inbox, lease, fence
-- ARGV: dedup_ttl_s, message_id, payload, trace, recorded_at, claim ('1' | '0'), lease_ttl_ms,
--       fence_ttl_s, pid, poke_channel_prefix, member, incarnation, route_to ('' = nobody)
-- A lease value is 'pid:incarnation:token'; pids hold no ':'.
-- Returns {0, lease} duplicate, {1, lease} new, {2, lease} new and claimed by pid.
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return {0, redis.call('GET', KEYS[3]) or ''}
end
redis.call('XADD', KEYS[2], '*', 'm', ARGV[2], 'p', ARGV[3], 't', ARGV[4], 'r', ARGV[5])
local lease = redis.call('GET', KEYS[3])
if lease then
  local owner = string.match(lease, '^([^:]*):')
  if owner and owner ~= ARGV[9] and ARGV[10] ~= '' then
    redis.call('PUBLISH', ARGV[10] .. owner .. '}', ARGV[11])
  end
  return {1, lease}
end
if ARGV[6] ~= '1' then
  if ARGV[13] ~= '' and ARGV[10] ~= '' then
    redis.call('PUBLISH', ARGV[10] .. ARGV[13] .. '}', ARGV[11])
  end
  return {1, ''}
end
local token = redis.call('INCR', KEYS[4])
redis.call('EXPIRE', KEYS[4], ARGV[8])
lease = ARGV[9] .. ':' .. ARGV[12] .. ':' .. token
redis.call('SET', KEYS[3], lease, 'PX', ARGV[7])
return {2, lease}
