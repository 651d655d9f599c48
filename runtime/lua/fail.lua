-- Count one failed attempt of an inbox entry, only while we own the conversation.
-- KEYS: lease, attempts   ARGV: token, entry_id, ttl_s
-- Returns the attempts so far, or -1 when the lease is lost.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
local n = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('EXPIRE', KEYS[2], ARGV[3])
return n
