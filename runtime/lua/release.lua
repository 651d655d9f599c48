-- Give a lease back. With ARGV[2] == '1' only when the conversation has no work left, so a
-- message recorded just before cannot be stranded without an owner. ARGV[3], when not '', is an
-- entry whose start was counted but whose handler never ran (the actor stopped first): that
-- start is taken back, so a shutdown never counts towards a crash loop.
-- KEYS: lease, inbox, outbox, attempts   ARGV: token, only_if_idle, uncounted_entry_id
-- Returns 1 released, 0 work left (kept), -1 not ours.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
if ARGV[2] == '1' and (redis.call('XLEN', KEYS[2]) > 0 or redis.call('LLEN', KEYS[3]) > 0) then
  return 0
end
if ARGV[3] ~= '' and redis.call('HINCRBY', KEYS[4], ARGV[3], -1) <= 0 then
  redis.call('HDEL', KEYS[4], ARGV[3])
end
redis.call('DEL', KEYS[1])
return 1
