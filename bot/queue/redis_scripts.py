"""Lua scripts for the Redis queue: every decision that several processes share runs here, atomically.

Keys (``P`` is the prefix with a hash tag, e.g. ``{jamroom}``, so a cluster keeps them in one slot):

- ``P:q:<member>``  list of the member's waiting job ids, oldest first
- ``P:rotation``    list of members with waiting jobs, in round-robin order
- ``P:jobs``, ``P:owner``, ``P:attempts``, ``P:state``  hashes by job id: JSON, member, runs, state
- ``P:inflight``    hash member -> jobs running
- ``P:running``     zset job id -> lease deadline (ms); ``P:lease`` hash job id -> worker
- ``P:delayed``     zset job id -> when a retry is due (ms)
- ``P:idem:<key>``  the first job's JSON for an idempotency key (expires after the TTL)
- ``P:rate:<member>`` zset of accepted job ids scored by time (the rate-limit window)
- ``P:wake``        list of tokens that wake blocked consumers (BLPOP)
- ``P:dead``        stream of dead letters; ``P:deadidx`` hash job id -> stream entry id
- ``P:counts``, ``P:workers``, ``P:wdone``  counters, worker last-seen (ms), jobs done per worker

Times come from the Redis server's clock (TIME), so hosts with skewed clocks agree.
"""

from __future__ import annotations

PRELUDE = r"""
local P = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function wake()
  redis.call('LPUSH', P .. ':wake', '1')
  redis.call('LTRIM', P .. ':wake', 0, 63)
end
local function enter(member, id, front)
  local q = P .. ':q:' .. member
  local n
  if front then n = redis.call('LPUSH', q, id) else n = redis.call('RPUSH', q, id) end
  if n == 1 then redis.call('RPUSH', P .. ':rotation', member) end
  redis.call('HSET', P .. ':state', id, 'waiting')
end
local function release(member)
  if not member then return end
  local left = redis.call('HINCRBY', P .. ':inflight', member, -1)
  if left <= 0 then redis.call('HDEL', P .. ':inflight', member) end
  if redis.call('LLEN', P .. ':q:' .. member) > 0 then wake() end
end
local function forget(id)
  for _, h in ipairs({'jobs', 'owner', 'attempts', 'state', 'lease'}) do redis.call('HDEL', P .. ':' .. h, id) end
end
local function bury(id, member, err, reason, now)
  local body = redis.call('HGET', P .. ':jobs', id) or '{}'
  local attempts = redis.call('HGET', P .. ':attempts', id) or '0'
  local entry = redis.call('XADD', P .. ':dead', '*', 'id', id, 'member', member or '', 'attempts', attempts,
    'reason', reason, 'error', err, 'at', tostring(now), 'job', body)
  redis.call('HSET', P .. ':deadidx', id, entry)
  redis.call('HINCRBY', P .. ':counts', 'failed', 1)
  forget(id)
end
-- A finished job: release its slot (or take it out of the queue) and forget it; 1 if it was live.
local function finish(id)
  local member = redis.call('HGET', P .. ':owner', id)
  if not member then return 0 end
  local state = redis.call('HGET', P .. ':state', id)
  if redis.call('ZREM', P .. ':running', id) == 1 then
    local worker = redis.call('HGET', P .. ':lease', id)
    if worker then redis.call('HINCRBY', P .. ':wdone', worker, 1) end
    release(member)
  elseif state == 'waiting' then
    local q = P .. ':q:' .. member
    redis.call('LREM', q, 1, id)
    if redis.call('LLEN', q) == 0 then redis.call('LREM', P .. ':rotation', 1, member) end
  elseif state == 'delayed' then
    redis.call('ZREM', P .. ':delayed', id)
  end
  redis.call('HINCRBY', P .. ':counts', 'done', 1)
  forget(id)
  return 1
end
local function waiting_total()
  local total = 0
  for _, m in ipairs(redis.call('LRANGE', P .. ':rotation', 0, -1)) do
    total = total + redis.call('LLEN', P .. ':q:' .. m)
  end
  return total
end
-- 1-based place in round-robin order: job i of its member starts in turn i; members earlier in the
-- rotation go first within a turn.
local function place(member, id, i)
  if not i then i = redis.call('LPOS', P .. ':q:' .. member, id) end
  if not i then return false end
  local pos, before = 1, true
  for _, m in ipairs(redis.call('LRANGE', P .. ':rotation', 0, -1)) do
    local len = redis.call('LLEN', P .. ':q:' .. m)
    if m == member then
      before = false
      pos = pos + i
    elseif before then
      pos = pos + math.min(len, i + 1)
    else
      pos = pos + math.min(len, i)
    end
  end
  return pos
end
local function position(id)
  local state = redis.call('HGET', P .. ':state', id)
  if state == 'running' then return 0 end
  local member = redis.call('HGET', P .. ':owner', id)
  if not member then return false end
  if state == 'waiting' then return place(member, id, nil) end
  if state == 'delayed' then
    return waiting_total() + (redis.call('ZRANK', P .. ':delayed', id) or 0) + 1
  end
  return false
end
"""

#: ARGV: P, idem key, job json, job id, member, rate limit (-1: exempt), window ms, ttl ms, deadline ms
#: -> {1, '', position} | {0, earlier job json, position or 0} | {2, '', retry_in ms} | {3, '', late by ms}
#: Accepted jobs are kept for at least an hour, so a moderator lengthening the window counts them.
#: The deadline (Redis clock; 0: none) is before the moment the caller tells the member "busy": a
#: call that reaches a frozen Redis and runs after it changes nothing, so "busy" never becomes a job.
ENQUEUE = PRELUDE + r"""
local idem, body, id, member = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local limit, window, ttl = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local deadline = tonumber(ARGV[9] or '0')
local now = now_ms()
if deadline > 0 and now > deadline then return {3, '', now - deadline} end
local seen = redis.call('GET', idem)
if seen then
  local earlier = cjson.decode(seen)['id']
  return {0, seen, position(earlier) or 0}
end
local rk = P .. ':rate:' .. member
if limit >= 0 then
  local keep = math.max(window, 3600000)
  redis.call('ZREMRANGEBYSCORE', rk, '-inf', now - keep)
  local recent = redis.call('ZCOUNT', rk, '(' .. (now - window), '+inf')
  if recent >= limit then
    if limit == 0 then return {2, '', window} end
    local nth = redis.call('ZRANGEBYSCORE', rk, '(' .. (now - window), '+inf', 'WITHSCORES', 'LIMIT', recent - limit, 1)
    return {2, '', window - (now - tonumber(nth[2]))}
  end
  redis.call('ZADD', rk, now, id)
  redis.call('PEXPIRE', rk, keep)
end
redis.call('SET', idem, body, 'PX', ttl)
redis.call('HSET', P .. ':jobs', id, body)
redis.call('HSET', P .. ':owner', id, member)
enter(member, id, false)
wake()
return {1, '', place(member, id, redis.call('LLEN', P .. ':q:' .. member) - 1)}
"""

#: Finish the jobs this process acked since its last call (one round trip for ack + take), reclaim
#: expired leases and promote due retries, then pick the next job fairly.
#: ARGV: P, worker, member_in_flight, max_attempts, lease ms, acked ids...
#: -> {id, json, attempts} | ms to sleep (-1: no hint)
#: Finding nothing clears the wake list: tokens left by jobs others took would only wake this
#: consumer for nothing; every later enqueue or freed slot pushes a fresh one.
TAKE = PRELUDE + r"""
local worker, limit, max_attempts, lease = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
for i = 6, #ARGV do finish(ARGV[i]) end
local now = now_ms()
redis.call('HSET', P .. ':workers', worker, now)
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. ':running', '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', P .. ':running', id)
  redis.call('HDEL', P .. ':lease', id)
  local member = redis.call('HGET', P .. ':owner', id)
  release(member)
  redis.call('HINCRBY', P .. ':counts', 'reclaimed', 1)
  local attempts = tonumber(redis.call('HGET', P .. ':attempts', id) or '0')
  if not member then
    forget(id)
  elseif attempts >= max_attempts then
    bury(id, member, 'its worker stopped during each of ' .. attempts .. ' attempts', 'lost', now)
  else
    enter(member, id, true)
  end
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. ':delayed', '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', P .. ':delayed', id)
  local member = redis.call('HGET', P .. ':owner', id)
  if member then enter(member, id, true) else forget(id) end
end
local rot = P .. ':rotation'
for _ = 1, redis.call('LLEN', rot) do
  local member = redis.call('LMOVE', rot, rot, 'LEFT', 'RIGHT')
  if tonumber(redis.call('HGET', P .. ':inflight', member) or '0') < limit then
    local q = P .. ':q:' .. member
    local id = redis.call('LPOP', q)
    if redis.call('LLEN', q) == 0 then redis.call('LREM', rot, -1, member) end
    local body = id and redis.call('HGET', P .. ':jobs', id)
    if body then
      redis.call('HINCRBY', P .. ':inflight', member, 1)
      redis.call('ZADD', P .. ':running', now + lease, id)
      redis.call('HSET', P .. ':lease', id, worker)
      redis.call('HSET', P .. ':state', id, 'running')
      return {id, body, redis.call('HINCRBY', P .. ':attempts', id, 1)}
    elseif id then
      forget(id)
    end
  end
end
redis.call('DEL', P .. ':wake')
local wait = -1
local r = redis.call('ZRANGE', P .. ':running', 0, 0, 'WITHSCORES')
if r[2] then wait = tonumber(r[2]) - now end
local d = redis.call('ZRANGE', P .. ':delayed', 0, 0, 'WITHSCORES')
if d[2] and (wait < 0 or tonumber(d[2]) - now < wait) then wait = tonumber(d[2]) - now end
if wait == -1 then return -1 end
return math.max(wait, 0)
"""

#: ARGV: P, lease ms, ids... -> leases extended (only jobs still running); their workers count as seen
KEEP = PRELUDE + r"""
local lease = tonumber(ARGV[2])
local now = now_ms()
local kept = 0
for i = 3, #ARGV do
  if redis.call('ZADD', P .. ':running', 'XX', 'CH', now + lease, ARGV[i]) == 1 then
    kept = kept + 1
    local worker = redis.call('HGET', P .. ':lease', ARGV[i])
    if worker then redis.call('HSET', P .. ':workers', worker, now) end
  end
end
return kept
"""

#: ARGV: P, ids... -> how many were live (now done); ids already finished count 0
ACK = PRELUDE + r"""
local done = 0
for i = 2, #ARGV do done = done + finish(ARGV[i]) end
return done
"""

#: ARGV: P, id, error, retry (0/1), max_attempts, backoff ms, backoff cap ms, requested delay ms
#: (a platform's retry_after: never shortened, not capped)
#: -> 1 retry scheduled, 0 dead-lettered, 2 not ours any more but still queued or running, -1 gone
FAIL = PRELUDE + r"""
local id, err, retry = ARGV[2], ARGV[3], ARGV[4] == '1'
local max_attempts, backoff, cap = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local requested = tonumber(ARGV[8] or '0')
if redis.call('ZREM', P .. ':running', id) == 0 then
  if redis.call('HEXISTS', P .. ':owner', id) == 1 then return 2 end
  return -1
end
local member = redis.call('HGET', P .. ':owner', id)
redis.call('HDEL', P .. ':lease', id)
release(member)
local now = now_ms()
local attempts = tonumber(redis.call('HGET', P .. ':attempts', id) or '0')
if retry and attempts < max_attempts then
  local delay = math.max(math.min(cap, backoff * 2 ^ math.max(attempts - 1, 0)), requested)
  redis.call('ZADD', P .. ':delayed', now + delay, id)
  redis.call('HSET', P .. ':state', id, 'delayed')
  redis.call('HINCRBY', P .. ':counts', 'retried', 1)
  return 1
end
local reason = 'gave-up'
if retry then reason = 'exhausted' end
bury(id, member, err, reason, now)
return 0
"""

#: A worker shutting down hands its running jobs back without spending an attempt.
#: ARGV: P, worker, ids... -> jobs handed back
RELEASE = PRELUDE + r"""
local worker, back = ARGV[2], 0
for i = 3, #ARGV do
  local id = ARGV[i]
  if redis.call('HGET', P .. ':lease', id) == worker and redis.call('ZREM', P .. ':running', id) == 1 then
    local member = redis.call('HGET', P .. ':owner', id)
    redis.call('HDEL', P .. ':lease', id)
    redis.call('HINCRBY', P .. ':attempts', id, -1)
    release(member)
    if member then enter(member, id, true) else forget(id) end
    back = back + 1
  end
end
if back > 0 then wake() end
return back
"""

#: ARGV: P, id, member -> 1 cancelled, 0 not a waiting job of that member
CANCEL = PRELUDE + r"""
local id, member = ARGV[2], ARGV[3]
if redis.call('HGET', P .. ':owner', id) ~= member then return 0 end
local state = redis.call('HGET', P .. ':state', id)
if state == 'waiting' then
  local q = P .. ':q:' .. member
  if redis.call('LREM', q, 1, id) == 0 then return 0 end
  if redis.call('LLEN', q) == 0 then redis.call('LREM', P .. ':rotation', 1, member) end
elseif state == 'delayed' then
  if redis.call('ZREM', P .. ':delayed', id) == 0 then return 0 end
else
  return 0
end
redis.call('HINCRBY', P .. ':counts', 'cancelled', 1)
forget(id)
return 1
"""

#: ARGV: P, id -> position or false
POSITION = PRELUDE + r"""
return position(ARGV[2])
"""

#: ARGV: P, member -> ids of the member's waiting jobs (queued, then retries not yet due)
WAITING_OF = PRELUDE + r"""
local member = ARGV[2]
local ids = redis.call('LRANGE', P .. ':q:' .. member, 0, -1)
for _, id in ipairs(redis.call('ZRANGE', P .. ':delayed', 0, -1)) do
  if redis.call('HGET', P .. ':owner', id) == member then table.insert(ids, id) end
end
return ids
"""

#: ARGV: P -> {waiting, delayed, running, dead, counts, leases, workers, done, now}
STATS = PRELUDE + r"""
return {waiting_total(), redis.call('ZCARD', P .. ':delayed'), redis.call('ZCARD', P .. ':running'),
        redis.call('XLEN', P .. ':dead'), redis.call('HGETALL', P .. ':counts'), redis.call('HVALS', P .. ':lease'),
        redis.call('HGETALL', P .. ':workers'), redis.call('HGETALL', P .. ':wdone'), now_ms()}
"""

#: Put a dead letter back on its member's queue with a fresh set of attempts.
#: ARGV: P, id -> 1 requeued, 0 no such dead letter
REQUEUE = PRELUDE + r"""
local id = ARGV[2]
local entry = redis.call('HGET', P .. ':deadidx', id)
if not entry then return 0 end
redis.call('HDEL', P .. ':deadidx', id)
local found = redis.call('XRANGE', P .. ':dead', entry, entry)
redis.call('XDEL', P .. ':dead', entry)
if #found == 0 then return 0 end
local fields = {}
local flat = found[1][2]
for i = 1, #flat, 2 do fields[flat[i]] = flat[i + 1] end
if fields['member'] == '' or fields['job'] == '{}' then return 0 end
redis.call('HSET', P .. ':jobs', id, fields['job'])
redis.call('HSET', P .. ':owner', id, fields['member'])
redis.call('HDEL', P .. ':attempts', id)
enter(fields['member'], id, false)
redis.call('HINCRBY', P .. ':counts', 'requeued', 1)
wake()
return 1
"""
