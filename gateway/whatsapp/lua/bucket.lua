-- The refill-and-take of one token bucket (gateway/whatsapp/pacing.py), prepended to the
-- scripts that take tokens: leaves `tokens` and `wait` (ms until one is available).
local function take(key, rate, capacity, want, now)
  local b = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(b[1]) or capacity
  local ts = tonumber(b[2]) or now
  tokens = math.min(capacity, tokens + (now - ts) * rate / 1000)
  local got = math.min(want, math.floor(tokens))
  local wait = 0
  if got >= 1 then
    tokens = tokens - got
  else
    got = 0
    wait = math.ceil((1 - tokens) * 1000 / rate)
  end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', now)
  redis.call('PEXPIRE', key, math.ceil(capacity * 1000 / rate) + 1000)
  return {got, wait}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
