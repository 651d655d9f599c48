-- After bucket.lua. KEYS: bucket. ARGV: rate/s, capacity, tokens wanted.
-- Returns {tokens got, ms to wait}.
return take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), now)
