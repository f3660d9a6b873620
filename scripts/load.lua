-- wrk script for scripts/load.sh: POSTs pre-sealed envelopes to
-- /api/orders, each one once (thread t of n sends lines t, t+n, t+2n, ...),
-- and counts the answers: 201 (accepted), 200 (a repeat: the file ran
-- out and wrapped around), anything else.
--
--   ENVELOPES=envelopes.jsonl wrk -t2 -c32 -d20s --latency -s scripts/load.lua http://127.0.0.1:PORT

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("ENVELOPES") or "envelopes.jsonl"
  bodies = {}
  local i = 0
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "1")
  for line in io.lines(path) do
    if i % nthreads == id then
      bodies[#bodies + 1] = line
    end
    i = i + 1
  end
  if #bodies == 0 then
    error("no envelopes for thread " .. id .. " in " .. path)
  end
  cursor = 0
  created, repeated, refused = 0, 0, 0
  wrapped = false
  wrk.method = "POST"
  wrk.path = "/api/orders"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  cursor = cursor + 1
  if cursor > #bodies then
    cursor = 1
    wrapped = true
  end
  return wrk.format(nil, nil, nil, bodies[cursor])
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 200 then
    repeated = repeated + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local c, r, x = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + (t:get("created") or 0)
    r = r + (t:get("repeated") or 0)
    x = x + (t:get("refused") or 0)
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("load: requests %d in %.2fs, errors: connect %d read %d write %d timeout %d\n",
    summary.requests, seconds, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  io.write(string.format("load: answered 201 %d, 200 (repeat) %d, other %d\n", c, r, x))
  io.write(string.format("load: accepted/s %.0f\n", c / seconds))
  io.write(string.format("load: latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
