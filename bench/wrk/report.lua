-- wrk script of the Sluice benchmarks.
-- Sends "Authorization: Bearer $BENCH_AUTH" when BENCH_AUTH is set (the same header on every
-- endpoint, so the requests differ only in their path), and prints one machine-readable summary
-- line after wrk's own report. wrk measures latency in microseconds; the line gives milliseconds.
local key = os.getenv("BENCH_AUTH")
if key and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f mean_ms=%.3f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000,
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end
