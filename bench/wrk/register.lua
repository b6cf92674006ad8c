-- wrk script of `bench/run flood`: a registration flood, POST /api/v1/auth/register as fast as the
-- node answers. The node believes X-Forwarded-For from 127.0.0.1 (STABLEGATE_TRUSTED_PROXIES), so the
-- flood comes from many addresses as a real one does: three requests in four from random addresses
-- in 10.0.0.0/8 (each seen about once: the per-address throttle cannot stop them), one in four from
-- eight busy addresses in 203.0.113.0/24 (throttled: 429). One email in ten is one of fifty shared
-- ones (after the first, 409); the rest are new. With FROM = one, every request comes from one address,
-- 203.0.113.1, as a single attacking host's flood does: past the first registrations it meets the
-- registration throttle and, beyond 50 requests a second, the per-address rate limit.
--
-- wrk -s register.lua URL -- RUN [FROM=spread|one]
-- Prints one line: RESULT name=registrations requests=… seconds=… rate=… p50_ms=… p99_ms=… s201=…
--   s409=… s429=… s503=… other=… no_retry_after=… (429/503 without Retry-After) timeouts=… socket_errors=…
--   [without_retry_after_example: the first such answer]

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  run = args[1] or tostring(os.time())
  from_one = args[2] == "one"
  math.randomseed(os.time() * 1000 + id * 7919)
  n = 0
  statuses = {}
  missing = 0
end

function request()
  n = n + 1
  local email
  if math.random() < 0.1 then
    email = string.format("shared-%d@flood.example", math.random(1, 50))
  else
    email = string.format("flood-%s-%d-%d@flood.example", run, id, n)
  end
  local address
  if from_one then
    address = "203.0.113.1"
  elseif math.random() < 0.25 then
    address = string.format("203.0.113.%d", math.random(1, 8))
  else
    address = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  end
  local body = string.format('{"email": "%s", "password": "flood-password-%d-%d"}', email, id, n)
  return wrk.format("POST", "/api/v1/auth/register", {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = address,
  }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if (status == 503 or status == 429) and not (headers["Retry-After"] or headers["retry-after"]) then
    missing = missing + 1
    sample = status .. " " .. body:sub(1, 160):gsub("%s+", " ")
  end
end

function done(summary, latency, requests)
  local counts, lacking, example = {}, 0, nil
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
    lacking = lacking + thread:get("missing")
    example = example or thread:get("sample")
  end
  local other = {}
  for status, count in pairs(counts) do
    if status ~= 201 and status ~= 409 and status ~= 429 and status ~= 503 then
      table.insert(other, status .. ":" .. count)
    end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT name=registrations requests=%d seconds=%.1f rate=%.1f p50_ms=%.1f p99_ms=%.1f s201=%d s409=%d s429=%d s503=%d other=%s no_retry_after=%d timeouts=%d socket_errors=%d%s\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    counts[201] or 0, counts[409] or 0, counts[429] or 0, counts[503] or 0,
    #other > 0 and table.concat(other, ",") or "none", lacking, e.timeout, e.connect + e.read + e.write,
    example and (" without_retry_after_example: " .. example) or ""))
end
