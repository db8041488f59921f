-- wrk script of bench/speed.py. Requests the paths listed in the file named by WRK_PATHS (one a
-- line) in turn, each thread starting at its own place; when WRK_DELAY_MS is set, each
-- connection pauses that long between its requests (wrk's delay()). At the end, one line
-- bench/speed.py reads: requests/s, latency percentiles in ms, and the errors.

local paths = {}
local listing = os.getenv("WRK_PATHS")
if listing then
  for line in io.lines(listing) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
end
if #paths == 0 then
  paths[1] = "/"
end

-- global, not local: setup() gives each thread its own starting place through thread:set
turn = 0
local pause = tonumber(os.getenv("WRK_DELAY_MS") or "0")
local thread_count = 0

function setup(thread)
  thread:set("turn", thread_count * 7)
  thread_count = thread_count + 1
end

function request()
  turn = turn % #paths + 1
  return wrk.format("GET", paths[turn])
end

if pause > 0 then
  function delay()
    return pause
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "SPEED requests=%d seconds=%.3f rps=%.2f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      .. "errors=%d bad_status=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors.connect + errors.read + errors.write + errors.timeout,
    errors.status))
end
