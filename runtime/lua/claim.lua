-- Claim a conversation's lease when it is free, held by an earlier incarnation of this
-- process (same process id, restarted), or still exactly the lease ARGV[5] that the caller saw
-- held by a process whose heartbeat stopped (crash takeover; '' = steal nothing). A fresh
-- fencing token each time, so a presumed-dead owner that was only paused can commit nothing.
-- A lease value is 'pid:incarnation:token'.
-- KEYS: lease, fence   ARGV: pid, lease_ttl_ms, fence_ttl_s, incarnation, dead_lease
-- Returns {1, lease, ttl_ms} claimed, {0, lease, ttl_ms_left} held by someone else.
local lease = redis.call('GET', KEYS[1])
local mine = ARGV[1] .. ':'
local now = mine .. ARGV[4] .. ':'
local dead = ARGV[5] ~= nil and ARGV[5] ~= '' and lease == ARGV[5]
if lease and not dead and (string.sub(lease, 1, #mine) ~= mine or string.sub(lease, 1, #now) == now) then
  return {0, lease, redis.call('PTTL', KEYS[1])}
end
local token = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
lease = ARGV[1] .. ':' .. ARGV[4] .. ':' .. token
redis.call('SET', KEYS[1], lease, 'PX', ARGV[2])
return {1, lease, tonumber(ARGV[2])}
