#!/usr/bin/env bash
# Start-up time and memory of the JVM build on embedded defaults (PostgreSQL and ZooKeeper).
#
#   bench/startup.sh
#
# What it does: packages the application unless target/quarkus-app exists, then
#  1. RUNS times with a fresh temporary SLUICE_DATA_DIR (embedded PostgreSQL binaries unpacked,
#     initdb, migrations, bootstrap key): time from starting `java -jar quarkus-run.jar` to
#     GET /q/health/ready answering UP (polled every 50 ms), and the JVM's VmRSS / VmHWM then;
#  2. RUNS times on one existing data directory (created by an untimed first start): the same;
#  3. once more on a fresh data directory: RSS after start-up, then a pipeline is created and
#     provisioned and GET /v0/pipelines/{name}?selector=status is loaded exactly as
#     bench/status-endpoint.sh does (wrk, 2 threads, 64 connections, WARMUP + DURATION s), and the
#     RSS after that load.
# Each start is stopped with SIGTERM (the time to exit is reported too) before the next one.
# Default JVM flags (none given); the heap settings the JVM chose are printed from
# -XX:+PrintFlagsFinal. VmRSS/VmHWM are of the JVM process only (it also runs the embedded
# ZooKeeper); the embedded PostgreSQL runs as separate processes, reported as their PSS sum.
#
# Knobs: RUNS (default 5), WARMUP (default 10), DURATION (default 30), and those of bench/lib.sh.
# Output: a table on stdout; raw figures appended to bench/results/startup.log and one line per
# run to bench/results/startup.tsv.

source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-5}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-30}

ensure_tools wrk
ensure_packaged
mkdir -p "$RESULTS_DIR"
make_workdir
RAW=$RESULTS_DIR/startup.log
WRK_RAW=$RAW
RUN_ID=$(date -u +%Y-%m-%dT%H:%M:%SZ)
HEAP=$(java $JAVA_OPTS -XX:+PrintFlagsFinal -version 2>/dev/null \
    | awk '$2 ~ /^(InitialHeapSize|MaxHeapSize|UseG1GC|UseSerialGC|UseParallelGC|MaxRAMPercentage)$/ { printf "%s=%s ", $2, $4 }')
HEAP_HUMAN=$(awk -v h="$HEAP" 'BEGIN { n = split(h, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "=");
    if (p[1] ~ /HeapSize/) printf "%s=%.0f MiB ", p[1], p[2] / 1048576; else if (p[2] == "true" || p[1] ~ /RAM/) printf "%s=%s ", p[1], p[2] } }')
{ echo; echo "===== startup $RUN_ID"; machine_info; echo "JAVA_OPTS='$JAVA_OPTS' RUNS=$RUNS"; echo "jvm flags: $HEAP"; } >>"$RAW"

wait_for_low_load
LOAD_BEFORE=$(load1)

# one_start DATA_DIR LABEL: start, time to ready, RSS, PostgreSQL PSS, stop; appends to the arrays.
declare -a F_MS F_RSS F_HWM F_PG F_STOP E_MS E_RSS E_HWM E_PG E_STOP
one_start() {
    local data=$1 label=$2 ms rss hwm pg stop
    start_app "$data"
    ms=$(wait_ready)
    read -r rss hwm < <(rss_mib "$APP_PID")
    pg=$(pss_mib_pg)
    stop=$(stop_app)
    printf '%s: ready %s ms, VmRSS %s MiB, VmHWM %s MiB, PostgreSQL PSS %s MiB, SIGTERM to exit %s ms, load %s\n' \
        "$label" "$ms" "$rss" "$hwm" "$pg" "$stop" "$(load1)" >>"$RAW"
    log "$label: ready after $ms ms, VmRSS $rss MiB (HWM $hwm), exit after $stop ms"
    LAST=("$ms" "$rss" "$hwm" "$pg" "$stop")
}

for i in $(seq 1 "$RUNS"); do
    one_start "$WORK/fresh-$i" "fresh data dir, run $i"
    F_MS+=("${LAST[0]}"); F_RSS+=("${LAST[1]}"); F_HWM+=("${LAST[2]}"); F_PG+=("${LAST[3]}"); F_STOP+=("${LAST[4]}")
    rm -rf "$WORK/fresh-$i"
done

one_start "$WORK/existing" "existing data dir, untimed first start"
for i in $(seq 1 "$RUNS"); do
    one_start "$WORK/existing" "existing data dir, run $i"
    E_MS+=("${LAST[0]}"); E_RSS+=("${LAST[1]}"); E_HWM+=("${LAST[2]}"); E_PG+=("${LAST[3]}"); E_STOP+=("${LAST[4]}")
done
rm -rf "$WORK/existing"

# RSS before and after the status-endpoint load.
start_app "$WORK/loaded"
READY_MS=$(wait_ready)
sleep 5
read -r RSS_A HWM_A < <(rss_mib "$APP_PID")
create_local_connector inbox "$WORK/inbox"
put_pipeline bench_status inbox
api POST /v0/pipelines/bench_status/start >/dev/null
wait_provisioned bench_status
STATUS_URL="$APP_URL/v0/pipelines/bench_status?selector=status"
run_wrk "startup: status warm-up" "$STATUS_URL" "$WARMUP"
run_wrk "startup: status load" "$STATUS_URL" "$DURATION"
LOAD_RPS=$WRK_RPS; LOAD_P99=$WRK_P99
read -r RSS_B HWM_B < <(rss_mib "$APP_PID")
PG_B=$(pss_mib_pg)
HEAP_USED=$(jcmd "$APP_PID" GC.heap_info 2>/dev/null | awk '/garbage-first heap|def new generation|PSYoungGen/ { print; exit }' | sed 's/^ *//' || true)
stop_app >/dev/null
printf 'status load: ready %s ms; before VmRSS %s VmHWM %s; after %ss warm-up + %ss at %s req/s (p99 %s ms): VmRSS %s VmHWM %s MiB, PostgreSQL PSS %s MiB; heap: %s\n' \
    "$READY_MS" "$RSS_A" "$HWM_A" "$WARMUP" "$DURATION" "$LOAD_RPS" "$LOAD_P99" "$RSS_B" "$HWM_B" "$PG_B" "$HEAP_USED" >>"$RAW"

row() { # label array-name...
    local label=$1; shift
    printf '%-26s' "$label"
    for a in "$@"; do
        local -n arr=$a
        printf ' %10s' "$(median "${arr[@]}")"
    done
    echo
}

echo
echo "Start-up to GET /q/health/ready = UP ($RUN_ID; median of $RUNS; load before $LOAD_BEFORE)"
echo "JVM: $(java -version 2>&1 | sed -n 2p); default flags, ergonomics chose: $HEAP_HUMAN"
printf '%-26s %10s %10s %10s %10s %10s\n' "data directory" ready_ms VmRSS_MiB VmHWM_MiB pg_PSS_MiB exit_ms
row "fresh (median)" F_MS F_RSS F_HWM F_PG F_STOP
row "existing (median)" E_MS E_RSS E_HWM E_PG E_STOP
printf '%-26s %s\n' "fresh, each run (ms)" "${F_MS[*]}"
printf '%-26s %s\n' "existing, each run (ms)" "${E_MS[*]}"
echo
echo "JVM RSS after start-up (+5 s) ${RSS_A} MiB (HWM ${HWM_A}); after the status load (${WARMUP}s + ${DURATION}s, ${LOAD_RPS} req/s) ${RSS_B} MiB (HWM ${HWM_B}); embedded PostgreSQL PSS ${PG_B} MiB"
[ -n "$HEAP_USED" ] && echo "heap then: $HEAP_USED"

TSV=$RESULTS_DIR/startup.tsv
[ -f "$TSV" ] || printf 'run\tcommit\tload_before\truns\tfresh_ready_ms_median\texisting_ready_ms_median\tfresh_each\texisting_each\trss_start_mib\trss_after_load_mib\thwm_after_load_mib\tjava_opts\n' >"$TSV"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$RUN_ID" "$(git -C "$REPO_DIR" rev-parse --short HEAD)" "$LOAD_BEFORE" "$RUNS" \
    "$(median "${F_MS[@]}")" "$(median "${E_MS[@]}")" "$(IFS=,; echo "${F_MS[*]}")" "$(IFS=,; echo "${E_MS[*]}")" \
    "$RSS_A" "$RSS_B" "$HWM_B" "$JAVA_OPTS" >>"$TSV"
