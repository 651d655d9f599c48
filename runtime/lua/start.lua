-- Count one more start of an inbox entry's delivery, only while we own the conversation: a
-- retry after the handler failed, or a start of an entry an earlier delivery never finished.
-- KEYS: lease, attempts   ARGV: token, entry_id, ttl_s
-- Returns the starts so far (this one included), or -1 when the lease is lost.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
local n = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('EXPIRE', KEYS[2], ARGV[3])
return n
