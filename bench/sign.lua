-- bench/sign.lua: wrk script for bench/signatures.sh. Each request signs the campaign at the
-- path given in the PICKET_SIGN_PATH environment variable with an address no other request
-- uses (the thread's number, a per-run prefix and a counter). Answers other than 201 are
-- counted and printed at the end.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1] or tostring(os.time())
  path = os.getenv("PICKET_SIGN_PATH")
  n = 0
  refused = 0
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  n = n + 1
  local body = string.format(
    '{"name":"Supporter %d %d","email":"w%s-%d-%d@example.org","postcode":"M1 1AE","consent":%s}',
    id, n, prefix, id, n, (n % 2 == 0) and "true" or "false")
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status ~= 201 then
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local refused_total = 0
  for _, thread in ipairs(threads) do
    refused_total = refused_total + thread:get("refused")
  end
  io.write(string.format("wrk: %d answers, %d not 201, p50 %.1f ms, p99 %.1f ms\n",
    summary.requests, refused_total, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
