-- wrk 4.1 script: POST /v1/orders, one new order per request, each with its own order id and
-- Idempotency-Key "LOAD-<run>-<n>", n = thread id * 10^9 + a per-thread counter (so n % 5000, the
-- customer, cycles through all customers).
--
--   ORDO_TOKEN=<bearer token> ORDO_SKUS=2000 ORDO_RUN=r42 wrk -t1 -c64 -d30s --latency \
--     -s ops/wrk/orders.lua http://127.0.0.1:<port>
--
-- Environment: ORDO_TOKEN (required), ORDO_SKUS (default 2000), ORDO_CHANNEL (default web),
-- ORDO_RUN (default "wrk<unix time>": a rerun within the same second would replay the same keys).
--
-- At the end it prints "Created: N" (201 answers: the only goodput of an order) and
-- "Created/sec: R" over the run's duration. wrk itself counts 422 among "Non-2xx or 3xx".

local token = os.getenv("ORDO_TOKEN")
-- wrk 4.1 reports an error in a script and then runs without it (GET /): exit instead.
local function fail(message)
  io.stderr:write(message, "\n")
  os.exit(2)
end
if token == nil or token == "" then fail("ORDO_TOKEN is not set") end
local skus = tonumber(os.getenv("ORDO_SKUS") or "2000")
if skus == nil or skus < 1 then fail("ORDO_SKUS must be a positive number") end
local channel = os.getenv("ORDO_CHANNEL") or "web"

-- Setup environment: one run id for all threads, a thread id each.
local threads = {}
local run_id = os.getenv("ORDO_RUN") or ("wrk" .. os.time())
function setup(thread)
  thread:set("id", #threads)
  thread:set("run", run_id)
  table.insert(threads, thread)
end

-- Thread environment (`created` is a global: done() reads it with thread:get).
local counter = 0
created = 0
local body_lines = '@example.fr","currency":"EUR","delivery_method":"home_standard",'
  .. '"delivery_address":{"name":"Jeanne Martin","line1":"12 rue de la Paix",'
  .. '"postcode":"75002","city":"Paris","country":"FR"},"lines":[{"line":1,"sku":"'
local body_end = '","quantity":1,"unit_price_minor":1999}]}'

function init(args)
  math.randomseed(1000003 * (id + 1))
end

function request()
  counter = counter + 1
  local n = id * 1000000000 + counter
  local order_id = string.format("LOAD-%s-%d", run, n)
  local customer = string.format("%d", n % 5000)
  local body = '{"order_id":"' .. order_id .. '","channel":"' .. channel
    .. '","customer_id":"C-' .. customer .. '","email":"c' .. customer .. body_lines
    .. string.format("SKU-%05d", math.random(1, skus)) .. body_end
  return wrk.format("POST", "/v1/orders", {
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = order_id,
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("created") end
  io.write(string.format("Created: %d\n", total))
  io.write(string.format("Created/sec: %.1f\n", total / (summary.duration / 1e6)))
  io.write(string.format("Answered: %d\n", summary.requests))
end
