-- The service window's stamp of one conversation (gateway/whatsapp/window.py).
-- KEYS: window. ARGV: epoch seconds of the user's message, TTL seconds.
-- Only moves forward: a late retry of an old message must not shorten the window.
local cur = redis.call('GET', KEYS[1])
if (not cur) or tonumber(cur) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0
