-- Read the head of the inbox and count the start of its first entry's delivery, when it is the
-- first start. An entry started before and never finished (its process died or lost the lease
-- mid-turn) is a suspect: it is not counted here, the actor counts it when it really starts.
-- KEYS: lease, inbox, attempts   ARGV: token, count, attempts_ttl_s
-- Returns {1, entries, prior_starts_of_the_first_entry} or {-1} when the lease is lost.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return {-1}
end
local entries = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', ARGV[2])
local prior = 0
if #entries > 0 then
  if redis.call('HSETNX', KEYS[3], entries[1][1], 1) == 1 then
    redis.call('EXPIRE', KEYS[3], ARGV[3])
  else
    prior = tonumber(redis.call('HGET', KEYS[3], entries[1][1]))
  end
end
return {1, entries, prior}
