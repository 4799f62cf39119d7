-- bench.lua -- the wrk script of make bench (bench/http_bench.py runs it)
--
-- WRK_BODY_FILE, when set, names a file whose bytes are POSTed as application/json on every
-- request; otherwise wrk sends its default GET. Setting wrk.method, wrk.body and wrk.headers at
-- load time (and defining no request function) keeps the request static: wrk formats it once
-- per thread, so the client spends as little of the shared CPU as it can.
-- done() prints one line, "WRK_RESULT {json}", for the harness to read.

local body_file = os.getenv("WRK_BODY_FILE")
if body_file and body_file ~= "" then
    local f = assert(io.open(body_file, "rb"))
    wrk.method = "POST"
    wrk.body = f:read("*a")
    wrk.headers["Content-Type"] = "application/json"
    f:close()
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'WRK_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
        '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
        '"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
        summary.requests, summary.duration, summary.bytes,
        e.connect, e.read, e.write, e.status, e.timeout,
        latency:percentile(50), latency:percentile(99), latency.max))
end
