-- wrk 4.1 script: GET /v1/sellable-stock for a SKU drawn uniformly from SKU-00001..SKU-<ORDO_SKUS>.
--
--   ORDO_TOKEN=<bearer token> ORDO_SKUS=2000 wrk -t1 -c64 -d30s --latency \
--     -s ops/wrk/sellable.lua http://127.0.0.1:<port>
--
-- Environment: ORDO_TOKEN (required), ORDO_SKUS (default 2000), ORDO_CHANNEL (default web).
-- wrk is a closed loop (each connection waits for its answer): use it for maximum throughput, and
-- tests/bench/http_load for latency at a given arrival rate. wrk prints "Non-2xx or 3xx responses".

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
local path_prefix = "/v1/sellable-stock?channel=" .. channel .. "&sku="
local headers = { ["Authorization"] = "Bearer " .. token }

local next_id = 0
-- Runs in the setup environment, once per thread: a distinct random sequence per thread.
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  math.randomseed(1000003 * ((id or 0) + 1))
end

function request()
  return wrk.format("GET", path_prefix .. string.format("SKU-%05d", math.random(1, skus)), headers)
end
