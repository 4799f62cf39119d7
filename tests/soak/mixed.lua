-- mixed.lua -- wrk: a rotation of valid and invalid requests, with every status counted
--
-- Each wrk thread cycles through `requests` (shared by its connections, so the answers to
-- one thread's requests come back in no fixed order). The summary lists the statuses; soak.py
-- checks them against each request's expected status, in proportion.

local requests = {
  {"POST", "/evaluate", '{"activation": "sigmoid", "x": [-2, -1, 0, 1, 2, 3, 4, 5]}', 200},
  {"POST", "/evaluate", '{"activation": "softmax", "x": [[1, 2, 3], [4, 5, 6]]}', 200},
  {"POST", "/differentiate", '{"activation": "gelu", "x": [0.5, -1.5], "grad_output": [1, 2]}', 200},
  {"GET", "/recommend?layer=hidden&depth=40&architecture=transformer", nil, 200},
  {"GET", "/activations/elu", nil, 200},
  {"GET", "/healthz", nil, 200},
  {"POST", "/evaluate", '{"activation": "sigmoid", "x": [1, 2', 400},
  {"POST", "/evaluate", '{"activation": "nope", "x": [1]}', 422},
  {"POST", "/evaluate", '{"activation": "exponential", "x": [1000]}', 422},
  {"POST", "/evaluate", '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]', 400},
  {"GET", "/recommend?layer=sideways", nil, 422},
  {"DELETE", "/evaluate", nil, 405},
  {"GET", "/no/such/path", nil, 404},
}

counts = {}
n = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  counts = {}
end

function request()
  n = n + 1
  local r = requests[(n - 1) % #requests + 1]
  local body = r[3]
  local headers = {}
  if body then
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(r[1], r[2], headers, body)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests_)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for status, k in pairs(c) do
      total[status] = (total[status] or 0) + k
    end
  end
  local line = "statuses"
  for status, k in pairs(total) do
    line = line .. string.format(" %d=%d", status, k)
  end
  print(line)
  local expect = "expected"
  for _, r in ipairs(requests) do
    expect = expect .. " " .. r[4]
  end
  print(expect)
  print(string.format("socket_errors connect=%d read=%d write=%d timeout=%d status=%d",
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
