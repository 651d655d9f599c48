-- Give a lease back. With ARGV[2] == '1' only when the conversation has no work left, so a
-- message recorded just before cannot be stranded without an owner.
-- KEYS: lease, inbox, outbox   ARGV: token, only_if_idle
-- Returns 1 released, 0 work left (kept), -1 not ours.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
if ARGV[2] == '1' and (redis.call('XLEN', KEYS[2]) > 0 or redis.call('LLEN', KEYS[3]) > 0) then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
