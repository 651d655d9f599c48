-- After bucket.lua. What the sender needs before a reply, in one call on the conversation's
-- slot. KEYS: window, progress, pair bucket (one hash tag). ARGV: pair rate/s, pair burst.
-- Returns {last inbound epoch seconds or '', parts already accepted, ms to wait for the pair}.
local r = take(KEYS[3], tonumber(ARGV[1]), tonumber(ARGV[2]), 1, now)
return {redis.call('GET', KEYS[1]) or '', tonumber(redis.call('GET', KEYS[2]) or '0'), r[2]}
