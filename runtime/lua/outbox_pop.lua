-- Remove the head of the outbox after it was delivered (or dead-letter it), only while we own
-- the conversation and the head is the item we sent.
-- KEYS: lease, outbox, outbox_dead   ARGV: token, item, dead_letter ('' = delivered), dead_ttl_s
-- Returns the outbox length left, -1 lease lost, -2 head changed.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[2] then
  return -2
end
redis.call('LPOP', KEYS[2])
if ARGV[3] ~= '' then
  redis.call('RPUSH', KEYS[3], ARGV[3])
  redis.call('EXPIRE', KEYS[3], ARGV[4])
end
return redis.call('LLEN', KEYS[2])
