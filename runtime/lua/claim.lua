-- Claim a conversation's lease when it is free or held by an earlier incarnation of this
-- process (same process id, restarted). A fresh fencing token each time. A lease value is
-- 'pid:incarnation:token'.
-- KEYS: lease, fence   ARGV: pid, lease_ttl_ms, fence_ttl_s, incarnation
-- Returns {1, lease, ttl_ms} claimed, {0, lease, ttl_ms_left} held by someone else.
local lease = redis.call('GET', KEYS[1])
local mine = ARGV[1] .. ':'
local now = mine .. ARGV[4] .. ':'
if lease and (string.sub(lease, 1, #mine) ~= mine or string.sub(lease, 1, #now) == now) then
  return {0, lease, redis.call('PTTL', KEYS[1])}
end
local token = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
lease = ARGV[1] .. ':' .. ARGV[4] .. ':' .. token
redis.call('SET', KEYS[1], lease, 'PX', ARGV[2])
return {1, lease, tonumber(ARGV[2])}
