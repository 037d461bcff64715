#!/usr/bin/env bash
# Throughput and p99 latency of GET /v0/pipelines/{name}?selector=status under 64 concurrent
# connections, as a ratio to a trivial endpoint of the same service (GET /q/health/live) measured
# in the same run. Goal (issue 2): status throughput >= 0.5 x the trivial endpoint's.
#
#   bench/status-endpoint.sh
#
# What it does: packages the application unless target/quarkus-app exists, starts
# `java -jar target/quarkus-app/quarkus-run.jar` on a free loopback port with a fresh temporary
# SLUICE_DATA_DIR and SLUICE_AUTH_BOOTSTRAP_KEY (embedded PostgreSQL and ZooKeeper), creates a
# local connector and a pipeline, starts it and waits for deployment_resources_status Provisioned,
# warms both endpoints up, then measures each with wrk (2 threads, 64 connections) in ROUNDS
# rounds, alternating the order (A B, B A, ...) so that a drift of the machine's load does not
# favour one endpoint. Both endpoints get the same Authorization header (bench/wrk/report.lua).
# Stops the application with SIGTERM and removes the temporary directory.
#
# Knobs: WARMUP (s per endpoint, default 10), DURATION (s per measurement, default 30),
# ROUNDS (default 2), BREAKDOWN=1 (also measure the status URL with an unknown key: the cost of
# authentication alone), and those of bench/lib.sh (JAVA_OPTS, MAX_LOAD, ...).
# Output: a table on stdout; raw wrk reports appended to bench/results/status-endpoint.log and one
# line per run to bench/results/status-endpoint.tsv.

source "$(dirname "$0")/lib.sh"

WARMUP=${WARMUP:-10}
DURATION=${DURATION:-30}
ROUNDS=${ROUNDS:-2}
PIPELINE=bench_status

ensure_tools wrk
ensure_packaged
mkdir -p "$RESULTS_DIR"
make_workdir
WRK_RAW=$RESULTS_DIR/status-endpoint.log
RUN_ID=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{ echo; echo "===== status-endpoint $RUN_ID"; machine_info; echo "JAVA_OPTS='$JAVA_OPTS' WARMUP=$WARMUP DURATION=$DURATION ROUNDS=$ROUNDS"; } >>"$WRK_RAW"

wait_for_low_load
LOAD_BEFORE=$(load1)
start_app "$WORK/data"
READY_MS=$(wait_ready)
log "ready after ${READY_MS} ms on $APP_URL"
read -r RSS_START HWM_START < <(rss_mib "$APP_PID")

create_local_connector inbox "$WORK/inbox"
put_pipeline "$PIPELINE" inbox
api POST "/v0/pipelines/$PIPELINE/start" >/dev/null
wait_provisioned "$PIPELINE"
log "pipeline $PIPELINE provisioned"

STATUS_URL="$APP_URL/v0/pipelines/$PIPELINE?selector=status"
BASE_URL="$APP_URL/q/health/live"
# Both endpoints must answer 200 before anything is measured.
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BENCH_KEY" "$STATUS_URL")" = 200 ] || die "status endpoint does not answer 200"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL")" = 200 ] || die "baseline endpoint does not answer 200"

log "warm-up: ${WARMUP}s per endpoint"
run_wrk warmup-status "$STATUS_URL" "$WARMUP"
run_wrk warmup-baseline "$BASE_URL" "$WARMUP"

declare -a S_RPS S_P99 S_P50 S_ERR B_RPS B_P99 B_P50 B_ERR S_LOAD B_LOAD
measure() { # status|baseline ROUND
    if [ "$1" = status ]; then
        log "round $2: status endpoint, ${DURATION}s"
        run_wrk "status round $2" "$STATUS_URL" "$DURATION"
        S_RPS+=("$WRK_RPS"); S_P99+=("$WRK_P99"); S_P50+=("$WRK_P50"); S_ERR+=("$WRK_ERR"); S_LOAD+=("$WRK_FOREIGN")
    else
        log "round $2: baseline endpoint, ${DURATION}s"
        run_wrk "baseline round $2" "$BASE_URL" "$DURATION"
        B_RPS+=("$WRK_RPS"); B_P99+=("$WRK_P99"); B_P50+=("$WRK_P50"); B_ERR+=("$WRK_ERR"); B_LOAD+=("$WRK_FOREIGN")
    fi
}
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) -eq 1 ]; then measure baseline "$r"; measure status "$r"; else measure status "$r"; measure baseline "$r"; fi
done

# Optional diagnosis (BREAKDOWN=1): the same request with a key that does not exist is answered 401
# after the API-key lookup alone (one query on the reactive pool, no Hibernate session), which
# splits the status request's cost into authentication and the pipeline read.
if [ "${BREAKDOWN:-0}" = 1 ]; then
    log "breakdown: status URL with an unknown key (401), ${DURATION}s"
    KEY_SAVED=$BENCH_KEY; BENCH_KEY=bench-unknown-key-0123456789abcdef
    run_wrk "breakdown: unknown key (401)" "$STATUS_URL" "$DURATION" 2>/dev/null || true
    BENCH_KEY=$KEY_SAVED
    BD_RPS=$WRK_RPS; BD_P99=$WRK_P99
fi

read -r RSS_END HWM_END < <(rss_mib "$APP_PID")
PG_PSS=$(pss_mib_pg)
STOP_MS=$(stop_app)

mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.1f", s / NR }'; }
S_RPS_M=$(mean "${S_RPS[@]}"); B_RPS_M=$(mean "${B_RPS[@]}")
S_P99_M=$(mean "${S_P99[@]}"); B_P99_M=$(mean "${B_P99[@]}")
RATIO=$(calc "$S_RPS_M / $B_RPS_M" 3)
P99_RATIO=$(calc "$S_P99_M / $B_P99_M" 1)
GOAL=$(awk -v r="$RATIO" 'BEGIN { print (r >= 0.5) ? "met" : "NOT met" }')

echo
echo "Status endpoint vs. trivial endpoint ($RUN_ID; 2 wrk threads, 64 connections, ${DURATION}s each, ${WARMUP}s warm-up; load before $LOAD_BEFORE)"
printf '%-8s %-40s %12s %10s %10s %7s %7s\n' round endpoint requests/s p50_ms p99_ms errors other%
for i in $(seq 0 $((ROUNDS - 1))); do
    printf '%-8s %-40s %12s %10s %10s %7s %7s\n' "$((i + 1))" "GET /q/health/live" "${B_RPS[$i]}" "${B_P50[$i]}" "${B_P99[$i]}" "${B_ERR[$i]}" "${B_LOAD[$i]}"
    printf '%-8s %-40s %12s %10s %10s %7s %7s\n' "$((i + 1))" "GET /v0/pipelines/{name}?selector=status" "${S_RPS[$i]}" "${S_P50[$i]}" "${S_P99[$i]}" "${S_ERR[$i]}" "${S_LOAD[$i]}"
done
printf '%-8s %-40s %12s %10s %10s\n' mean "GET /q/health/live" "$B_RPS_M" "" "$B_P99_M"
printf '%-8s %-40s %12s %10s %10s\n' mean "GET /v0/pipelines/{name}?selector=status" "$S_RPS_M" "" "$S_P99_M"
echo
[ "${BREAKDOWN:-0}" = 1 ] && printf '%-8s %-40s %12s %10s %10s   (401 after the key lookup only; wrk counts them as errors)\n' diag "same URL, unknown key" "$BD_RPS" "" "$BD_P99"
echo "other%: CPU (% of one core, of 200) used by other processes of the machine during that measurement"
echo "throughput ratio status/baseline: $RATIO (goal >= 0.5: $GOAL); p99 status/baseline: ${P99_RATIO}x"
echo "JVM RSS after start-up ${RSS_START} MiB (HWM ${HWM_START}); after the benchmark ${RSS_END} MiB (HWM ${HWM_END}); embedded PostgreSQL PSS ${PG_PSS} MiB"
echo "start-up to ready ${READY_MS} ms; SIGTERM to exit ${STOP_MS} ms"

TSV=$RESULTS_DIR/status-endpoint.tsv
[ -f "$TSV" ] || printf 'run\tcommit\tload_before\tduration_s\trounds\tbaseline_rps\tbaseline_p99_ms\tstatus_rps\tstatus_p99_ms\tratio\tstatus_rps_each\tbaseline_rps_each\trss_start_mib\trss_end_mib\thwm_end_mib\tjava_opts\n' >"$TSV"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$RUN_ID" "$(git -C "$REPO_DIR" rev-parse --short HEAD)" \
    "$LOAD_BEFORE" "$DURATION" "$ROUNDS" "$B_RPS_M" "$B_P99_M" "$S_RPS_M" "$S_P99_M" "$RATIO" \
    "$(IFS=,; echo "${S_RPS[*]}")" "$(IFS=,; echo "${B_RPS[*]}")" "$RSS_START" "$RSS_END" "$HWM_END" "$JAVA_OPTS" >>"$TSV"
echo "ratio=$RATIO baseline_rps=$B_RPS_M status_rps=$S_RPS_M baseline_p99=$B_P99_M status_p99=$S_P99_M" >>"$WRK_RAW"
