-- Shared by every phase: counts answers by kind and prints one JSON line when wrk is done.
-- wrk runs this file once per thread; the counters are per thread and summed in done().
local threads = {}

-- What a TLS-terminating proxy in front says of every request: the client came over HTTPS.
wrk.headers["X-Forwarded-Proto"] = "https"

function with_proxy_headers(headers)
  for name, value in pairs(wrk.headers) do
    if headers[name] == nil then headers[name] = value end
  end
  return headers
end

-- A response header by its lower-case name, however the server wrote it.
function header(headers, name)
  for key, value in pairs(headers) do
    if key:lower() == name then return value end
  end
end

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function count_init(expected_status)
  expected = expected_status
  successes, server_errors, unexpected = 0, 0, 0
end

function response(status, headers, body)
  if status == expected then
    successes = successes + 1
  else
    unexpected = unexpected + 1
    if status >= 500 then server_errors = server_errors + 1 end
  end
end

function done(summary, latency, requests)
  local totals = { successes = 0, server_errors = 0, unexpected = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"successes": %d, "server_errors": %d, "unexpected": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    totals.successes, totals.server_errors, totals.unexpected,
    e.connect + e.read + e.write + e.timeout))
end
