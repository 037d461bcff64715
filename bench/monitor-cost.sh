#!/usr/bin/env bash
# CPU cost of the monitor (and the reconciler's idle passes) with 1,000 provisioned pipelines, as
# the difference to the same service idle with no pipeline, measured in the same run.
# Goal (issue 2): under 5 % of one core on average.
#
#   bench/monitor-cost.sh
#
# What it does: packages the application unless target/quarkus-app exists, starts it on a free
# loopback port with a fresh temporary SLUICE_DATA_DIR (embedded PostgreSQL and ZooKeeper), lets it
# settle, then measures the CPU time of the JVM (utime+stime of /proc/PID/stat) over WINDOW seconds
# with 0 pipelines (REPEATS windows). Then it creates PIPELINES pipelines through the API (each with
# a valid program creating its own table, all reading from one local connector), starts them all,
# waits until every one is Provisioned and Running, lets the monitor's first observations settle,
# and measures the same window again. No HTTP request is made during a window. The embedded
# PostgreSQL's CPU time (postmaster and backends) is measured alongside and reported separately:
# the monitor's queries cost CPU there too.
#
# Knobs: PIPELINES (default 1000), WINDOW (s, default 60), REPEATS (windows per state, default 2),
# SETTLE (s after start-up, default 60), SETTLE_LOADED (s after all are provisioned, default 60),
# PARALLEL (concurrent API calls while creating, default 4), AGED_EVENTS (default 0: off; e.g. 720
# adds a third state, the event table filled to that many events per pipeline, see below), and
# those of bench/lib.sh.
# Output: a table on stdout; per-second CPU samples and figures appended to
# bench/results/monitor-cost.log, one line per run to bench/results/monitor-cost.tsv.

source "$(dirname "$0")/lib.sh"

PIPELINES=${PIPELINES:-1000}
WINDOW=${WINDOW:-60}
REPEATS=${REPEATS:-2}
SETTLE=${SETTLE:-60}
SETTLE_LOADED=${SETTLE_LOADED:-60}
PARALLEL=${PARALLEL:-4}

ensure_tools
ensure_packaged
mkdir -p "$RESULTS_DIR"
make_workdir
RAW=$RESULTS_DIR/monitor-cost.log
RUN_ID=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{ echo; echo "===== monitor-cost $RUN_ID"; machine_info; echo "JAVA_OPTS='$JAVA_OPTS' PIPELINES=$PIPELINES WINDOW=$WINDOW REPEATS=$REPEATS SETTLE=$SETTLE SETTLE_LOADED=$SETTLE_LOADED"; } >>"$RAW"

# window LABEL: samples the JVM's and PostgreSQL's CPU ticks every second for WINDOW seconds;
# sets WIN_JAVA_PCT and WIN_PG_PCT (percent of one core) and WIN_LOAD (CPU % of one core used
# meanwhile by the machine's other processes).
window() {
    local label=$1 t0 j0 p0 t1 j1 p1 jp pp line=""
    foreign_begin
    t0=$(date +%s%N); j0=$(cpu_ticks_java); p0=$(cpu_ticks_pg)
    jp=$j0; pp=$p0
    for _ in $(seq 1 "$WINDOW"); do
        sleep 1
        j1=$(cpu_ticks_java); p1=$(cpu_ticks_pg)
        line+=" $((j1 - jp))/$((p1 - pp))"
        jp=$j1; pp=$p1
    done
    t1=$(date +%s%N)
    require_alive
    WIN_JAVA_PCT=$(calc "($j1 - $j0) / $CLK_TCK / (($t1 - $t0) / 1e9) * 100" 2)
    WIN_PG_PCT=$(calc "($p1 - $p0) / $CLK_TCK / (($t1 - $t0) / 1e9) * 100" 2)
    foreign_end
    WIN_LOAD=$FOREIGN_PCT
    printf '%s: java %s %% pg %s %% of one core over %.1f s (other processes %s %%); per-second ticks java/pg (1 tick = %s ms):%s\n' \
        "$label" "$WIN_JAVA_PCT" "$WIN_PG_PCT" "$(calc "($t1 - $t0) / 1e9" 1)" "$WIN_LOAD" "$((1000 / CLK_TCK))" "$line" >>"$RAW"
    log "$label: JVM $WIN_JAVA_PCT %, PostgreSQL $WIN_PG_PCT % of one core (other processes $WIN_LOAD %)"
}

wait_for_low_load
LOAD_BEFORE=$(load1)
start_app "$WORK/data"
READY_MS=$(wait_ready)
log "ready after ${READY_MS} ms on $APP_URL; settling ${SETTLE}s"
sleep "$SETTLE"

declare -a IDLE_J IDLE_P IDLE_L LOADED_J LOADED_P LOADED_L
for r in $(seq 1 "$REPEATS"); do
    window "idle, 0 pipelines, window $r"
    IDLE_J+=("$WIN_JAVA_PCT"); IDLE_P+=("$WIN_PG_PCT"); IDLE_L+=("$WIN_LOAD")
done

# ---- 1,000 pipelines
create_local_connector inbox "$WORK/inbox"
names=$WORK/names
seq -f 'bench_%04g' 1 "$PIPELINES" >"$names"
while read -r n; do mkdir -p "$WORK/inbox/$n"; done <"$names"

t_create=$(date +%s)
codes=$(xargs -P "$PARALLEL" -I{} curl -s -o /dev/null -w '%{http_code}\n' -X PUT "$APP_URL/v0/pipelines/{}" \
    -H "Authorization: Bearer $BENCH_KEY" -H 'Content-Type: application/json' \
    -d '{"description":"benchmark","program_code":"CREATE TABLE {} (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT)","source":{"connector":"inbox","prefix":"{}/","format":"csv","options":{"header":true}},"load_strategy":"upsert","partitions":1}' \
    <"$names" | sort | uniq -c | tr -s ' ' | paste -sd, -)
log "created $PIPELINES pipelines in $(($(date +%s) - t_create)) s (HTTP status counts:$codes)"
[ "$codes" = " $PIPELINES 201" ] || die "not every pipeline was created: $codes"

t_start=$(date +%s)
codes=$(xargs -P "$PARALLEL" -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST "$APP_URL/v0/pipelines/{}/start" \
    -H "Authorization: Bearer $BENCH_KEY" <"$names" | sort | uniq -c | tr -s ' ' | paste -sd, -)
log "started $PIPELINES pipelines in $(($(date +%s) - t_start)) s (HTTP status counts:$codes)"
[ "$codes" = " $PIPELINES 202" ] || die "not every pipeline was started: $codes"

deadline=$(($(date +%s) + 1800))
while :; do
    counts=$(api GET '/v0/pipelines?selector=status' | jq -r '[length,
        ([.[] | select(.deployment_resources_status == "Provisioned" and .deployment_runtime_status == "Running")] | length),
        ([.[] | select(.deployment_error != null)] | length)] | @tsv')
    read -r total ready failed <<<"$counts"
    [ "$failed" -gt 0 ] && die "$failed pipelines failed to deploy"
    [ "$ready" -eq "$PIPELINES" ] && break
    [ "$(date +%s)" -ge "$deadline" ] && die "only $ready of $total pipelines provisioned after 30 min"
    sleep 5
done
PROVISION_S=$(($(date +%s) - t_start))
log "all $PIPELINES pipelines Provisioned and Running ${PROVISION_S} s after the first start request; settling ${SETTLE_LOADED}s"
sleep "$SETTLE_LOADED"

for r in $(seq 1 "$REPEATS"); do
    window "$PIPELINES pipelines provisioned, window $r"
    LOADED_J+=("$WIN_JAVA_PCT"); LOADED_P+=("$WIN_PG_PCT"); LOADED_L+=("$WIN_LOAD")
done

# Optional (AGED_EVENTS=N): a service that has run for days keeps up to 720 events per pipeline
# (a heartbeat every 10 minutes fills that in 5 days), and the monitor's queries read that table.
# Simulate it by copying each pipeline's newest event, back-dated by 10 minutes per copy, straight
# into the embedded PostgreSQL with psql until every pipeline has N events; then measure again.
declare -a AGED_J AGED_P AGED_L
AGED_EVENTS=${AGED_EVENTS:-0}
if [ "$AGED_EVENTS" -gt 0 ]; then
    command -v psql >/dev/null 2>&1 || ensure_tools psql
    PGPORT_EMB=$(sed -n 4p "$APP_DATA/postgres/postmaster.pid")
    export PGPASSWORD; PGPASSWORD=$(cat "$APP_DATA/postgres.password")
    t_fill=$(date +%s)
    psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT_EMB" -U postgres -d postgres <<SQL >>"$RAW" 2>&1 || die "could not add aged events"
INSERT INTO sluice.pipeline_monitor_event (id, pipeline_id, recorded_at, deployment_resources_status,
    deployment_resources_status_details, deployment_resources_desired_status, deployment_runtime_status,
    deployment_runtime_status_details, deployment_runtime_desired_status, deployment_error, program_status,
    storage_status, storage_status_details)
SELECT gen_random_uuid(), e.pipeline_id, first.at - g * interval '10 minutes', e.deployment_resources_status,
    e.deployment_resources_status_details, e.deployment_resources_desired_status, e.deployment_runtime_status,
    e.deployment_runtime_status_details, e.deployment_runtime_desired_status, e.deployment_error, e.program_status,
    e.storage_status, e.storage_status_details
FROM (SELECT DISTINCT ON (pipeline_id) * FROM sluice.pipeline_monitor_event ORDER BY pipeline_id, recorded_at DESC) e
JOIN (SELECT pipeline_id, min(recorded_at) AS at, count(*) AS n FROM sluice.pipeline_monitor_event GROUP BY pipeline_id) first
  USING (pipeline_id)
CROSS JOIN LATERAL generate_series(1, greatest(0, $AGED_EVENTS - first.n)) g;
ANALYZE sluice.pipeline_monitor_event;
SQL
    AGED_ROWS=$(psql -X -At -h 127.0.0.1 -p "$PGPORT_EMB" -U postgres -d postgres -c 'SELECT count(*) FROM sluice.pipeline_monitor_event')
    log "event table now holds $AGED_ROWS events (filled in $(($(date +%s) - t_fill)) s); settling ${SETTLE_LOADED}s"
    echo "aged: $AGED_ROWS events after filling to $AGED_EVENTS per pipeline" >>"$RAW"
    sleep "$SETTLE_LOADED"
    for r in $(seq 1 "$REPEATS"); do
        window "$PIPELINES pipelines, $AGED_EVENTS events each, window $r"
        AGED_J+=("$WIN_JAVA_PCT"); AGED_P+=("$WIN_PG_PCT"); AGED_L+=("$WIN_LOAD")
    done
fi

# The events the monitor kept for one pipeline: evidence that it did observe them.
EVENTS_ONE=$(api GET "/v0/pipelines/bench_0001/events" | jq 'length')
read -r RSS_END HWM_END < <(rss_mib "$APP_PID")
STOP_MS=$(stop_app)

mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.2f", s / NR }'; }
IJ=$(mean "${IDLE_J[@]}"); IP=$(mean "${IDLE_P[@]}")
LJ=$(mean "${LOADED_J[@]}"); LP=$(mean "${LOADED_P[@]}")
DJ=$(calc "$LJ - $IJ" 2); DP=$(calc "$LP - $IP" 2); DT=$(calc "$DJ + $DP" 2)
GOAL=$(awk -v d="$DJ" 'BEGIN { print (d < 5) ? "met" : "NOT met" }')
GOAL_T=$(awk -v d="$DT" 'BEGIN { print (d < 5) ? "met" : "NOT met" }')

echo
echo "Monitor cost ($RUN_ID; ${WINDOW}s windows, CPU % of one core; load before $LOAD_BEFORE)"
printf '%-36s %10s %12s %8s\n' state JVM PostgreSQL other%
for i in $(seq 0 $((REPEATS - 1))); do
    printf '%-36s %10s %12s %8s\n' "idle, 0 pipelines (window $((i + 1)))" "${IDLE_J[$i]}" "${IDLE_P[$i]}" "${IDLE_L[$i]}"
done
for i in $(seq 0 $((REPEATS - 1))); do
    printf '%-36s %10s %12s %8s\n' "$PIPELINES pipelines (window $((i + 1)))" "${LOADED_J[$i]}" "${LOADED_P[$i]}" "${LOADED_L[$i]}"
done
for i in $(seq 0 $((${#AGED_J[@]} - 1))); do
    printf '%-36s %10s %12s %8s\n' "+ $AGED_EVENTS events each (window $((i + 1)))" "${AGED_J[$i]}" "${AGED_P[$i]}" "${AGED_L[$i]}"
done
printf '%-36s %10s %12s\n' "idle mean" "$IJ" "$IP"
printf '%-36s %10s %12s\n' "$PIPELINES pipelines mean" "$LJ" "$LP"
printf '%-36s %10s %12s\n' "attributable (difference)" "$DJ" "$DP"
if [ ${#AGED_J[@]} -gt 0 ]; then
    AJ=$(mean "${AGED_J[@]}"); AP=$(mean "${AGED_P[@]}")
    printf '%-36s %10s %12s\n' "$AGED_EVENTS events each, difference" "$(calc "$AJ - $IJ" 2)" "$(calc "$AP - $IP" 2)"
fi
echo "(other%: CPU used meanwhile by the machine's other processes, % of one core out of 200)"
echo
echo "monitor + reconciler with $PIPELINES pipelines: JVM $DJ % of one core (goal < 5 %: $GOAL); JVM + embedded PostgreSQL $DT % ($GOAL_T)"
echo "provisioning all $PIPELINES took ${PROVISION_S} s; events kept for bench_0001: $EVENTS_ONE; JVM RSS at the end ${RSS_END} MiB (HWM ${HWM_END}); SIGTERM to exit ${STOP_MS} ms"

TSV=$RESULTS_DIR/monitor-cost.tsv
[ -f "$TSV" ] || printf 'run\tcommit\tload_before\tpipelines\twindow_s\trepeats\tidle_java_pct\tidle_pg_pct\tloaded_java_pct\tloaded_pg_pct\tdiff_java_pct\tdiff_pg_pct\tprovision_s\tjava_opts\n' >"$TSV"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$RUN_ID" "$(git -C "$REPO_DIR" rev-parse --short HEAD)" \
    "$LOAD_BEFORE" "$PIPELINES" "$WINDOW" "$REPEATS" "$IJ" "$IP" "$LJ" "$LP" "$DJ" "$DP" "$PROVISION_S" "$JAVA_OPTS" >>"$TSV"
[ ${#AGED_J[@]} -gt 0 ] && echo "aged_events=$AGED_EVENTS aged_java=$AJ aged_pg=$AP diff_java=$(calc "$AJ - $IJ" 2) diff_pg=$(calc "$AP - $IP" 2)" >>"$RAW"
echo "idle_java=$IJ idle_pg=$IP loaded_java=$LJ loaded_pg=$LP diff_java=$DJ diff_pg=$DP provision_s=$PROVISION_S" >>"$RAW"
