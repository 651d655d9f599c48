-- One status webhook applied to a sent message's delivery state (gateway/whatsapp/delivery.py).
-- KEYS: delivery. ARGV: rank, status, timestamp, error code or '', TTL seconds.
-- Only moves forward (sent < delivered < read < played, failed terminal): statuses arrive out
-- of order and duplicated. Returns 1 when the state moved.
local cur = tonumber(redis.call('HGET', KEYS[1], 'rank') or '0')
if tonumber(ARGV[1]) <= cur then return 0 end
redis.call('HSET', KEYS[1], 'rank', ARGV[1], 'status', ARGV[2], 'at', ARGV[3], 'error', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
