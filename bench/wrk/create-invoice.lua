-- wrk script of `bench/run flood`: POST /api/v1/invoices as CreateInvoiceBenchmark sends it, over
-- wrk's keep-alive connections. The merchants take turns (round robin per wrk thread); each request
-- carries its merchant's API key and X-Forwarded-For of that merchant's server, so that the node's
-- per-address and per-key rate limits apply per merchant as they would in production.
-- Amounts are distinct per request (and per run: args[2], one digit), so no wallet runs out of
-- payAmount slots.
--
-- wrk -s create-invoice.lua URL -- MERCHANTS_FILE RUN
--   MERCHANTS_FILE: one "apiKey address" per line.
-- Prints one line: RESULT name=… requests=… seconds=… rate=… p50_ms=… p99_ms=… p999_ms=… max_ms=…
--   s201=… other=… (status:count,…) timeouts=… socket_errors=…

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  merchants = {}
  for line in io.lines(args[1]) do
    local key, address = line:match("^(%S+)%s+(%S+)")
    if key then
      table.insert(merchants, { key = key, address = address })
    end
  end
  run = tonumber(args[2] or "1")
  n = 0
  statuses = {}
end

function request()
  n = n + 1
  local merchant = merchants[(n + id) % #merchants + 1]
  -- n.RTT: run digit, two digits of thread: distinct per request of this run on every wallet
  local body = string.format('{"amount": "%d.%d%02d", "chain": "ETHEREUM"}', n, run, id)
  return wrk.format("POST", "/api/v1/invoices", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. merchant.key,
    ["X-Forwarded-For"] = merchant.address,
  }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  local other = {}
  for status, count in pairs(counts) do
    if status ~= 201 then
      table.insert(other, status .. ":" .. count)
    end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT name=invoices requests=%d seconds=%.1f rate=%.1f p50_ms=%.1f p99_ms=%.1f p999_ms=%.1f max_ms=%.1f s201=%d other=%s timeouts=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, counts[201] or 0, #other > 0 and table.concat(other, ",") or "none",
    e.timeout, e.connect + e.read + e.write))
end
