-- wrk script: GET <prefix><key> with keys drawn Zipf-like from a file, the first line the most popular.
--   ZIPF_KEYS=keys.txt ZIPF_PREFIX=/api/v1/listings/ ZIPF_SKEW=0.99 \
--     wrk -t2 -c64 -d15s --latency -s bench/lib/zipf-paths.lua http://127.0.0.1:8080
-- Rank r is drawn with probability proportional to 1 / r^s (inverse CDF, binary search), the same
-- law as the JMH ZipfSampler and the weights bench/db-vs-pgbench.sh gives pgbench's scripts.
-- wrk runs init() in each thread's own Lua state, so every thread builds its own table and seed.

local keys, cdf, prefix = {}, {}, "/"
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function init(args)
  local file, skew = os.getenv("ZIPF_KEYS"), tonumber(os.getenv("ZIPF_SKEW") or "0.99")
  prefix = os.getenv("ZIPF_PREFIX") or "/"
  for line in io.lines(file) do
    if #line > 0 then keys[#keys + 1] = line end
  end
  assert(#keys > 0, "no keys in " .. tostring(file))
  local sum = 0
  for r = 1, #keys do
    sum = sum + 1 / (r ^ skew)
    cdf[r] = sum
  end
  for r = 1, #keys do cdf[r] = cdf[r] / sum end
  math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
end

function request()
  local u = math.random()
  local lo, hi = 1, #keys
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return wrk.format("GET", prefix .. keys[lo])
end
